#define G_LOG_DOMAIN "reslab-control"

/* rl-experiment-runner.c: see rl-experiment-runner.h.
 *
 * A run is the RlRunner's RlWorker (rl-worker.h: the thread, its outbox, cancellation, pause,
 * joining) whose data is the experiment of the seed in progress; each message is one record. The
 * seeds run one after the other; the worker builds each one's experiment when the previous
 * one is done. Pausing waits at the next batch boundary (the experiment's batch function).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-runner.h"

#include "rl-error.h"

G_DEFINE_BOXED_TYPE (RlExperimentRecord, rl_experiment_record, rl_experiment_record_ref,
                     rl_experiment_record_unref)

/* The worker's data: the experiment, its alone once it runs. Freed by the worker as soon as
 * the run ends (the models' workspaces are hundreds of MB for deep nets). */
typedef struct {
  RlExperiment *experiment;     /* the seed in progress */
  RlWorker     *worker;         /* (not owned) set by the worker when it starts */
  RlExperimentConfig config;    /* the first seed's */
  guint         n_seeds;
  RlDataset    *train;          /* owned, for the later seeds */
  RlDataset    *test;
  /* written by the worker after every batch, read by the main thread (g_atomic_int) */
  guint         iterations[RL_N_TWINS];
  guint         images[RL_N_TWINS];
  guint         seed_index;     /* of the seed in progress */
  /* the first seed's twins before and after its run, for the landscape (rl_model_copy: no
   * workspaces); the main thread takes them in finished() */
  RlModel      *initial[RL_N_TWINS];
  RlModel      *trained[RL_N_TWINS];
  guint64       diverged_at[RL_N_TWINS];   /* the first seed's, 0 when it did not diverge */
} Job;

static void
batch_done (RlTwin    twin,
            uint64_t  iteration,
            uint64_t  images,
            gpointer  user_data)
{
  Job *job = user_data;
  gboolean cancelled;

  g_atomic_int_set (&job->iterations[twin], (guint) MIN (iteration, G_MAXUINT));
  g_atomic_int_set (&job->images[twin], (guint) MIN (images, G_MAXUINT));
  /* a batch boundary (before or after a batch): wait here while paused (a stop wakes it, and
   * the experiment's next cancellable check ends the step) */
  if (job->worker != NULL && rl_worker_pause_requested (job->worker))
    rl_worker_wait_while_paused (job->worker, &cancelled);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->experiment, rl_experiment_free);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_clear_pointer (&job->initial[t], rl_model_free);
      g_clear_pointer (&job->trained[t], rl_model_free);
    }
  g_clear_pointer (&job->train, rl_dataset_unref);
  g_clear_pointer (&job->test, rl_dataset_unref);
  g_free (job);
}

/* ---- The runner object ------------------------------------------------------------------- */

struct _RlExperimentRunner {
  RlRunner parent_instance;

  guint               n_seeds;

  /* the current or last run, copied at start (the worker owns the experiment) */
  gboolean            have_run;
  RlExperimentConfig  config;
  guint64             total_iterations;
  char               *names[RL_N_TWINS];
  GArray             *layers[RL_N_TWINS];   /* of RlExperimentLayer */
  guint               n_records[RL_N_TWINS];
  /* the last run's twins, handed over when it ends (the landscape's), and their training set */
  RlModel            *initial[RL_N_TWINS];
  RlModel            *trained[RL_N_TWINS];
  guint64             diverged_at[RL_N_TWINS];
  RlDataset          *train;
};

G_DEFINE_FINAL_TYPE (RlExperimentRunner, rl_experiment_runner, RL_TYPE_RUNNER)

enum {
  SIGNAL_RECORD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- Delivery (main thread) ---------------------------------------------------------------- */

static void
deliver (GObject *owner, gpointer message)
{
  RlExperimentRunner *self = RL_EXPERIMENT_RUNNER (owner);
  RlExperimentRecord *record = message;

  self->n_records[record->twin]++;
  g_signal_emit (self, signals[SIGNAL_RECORD], 0, record);
}

static void
finished (GObject *owner, gboolean completed, const GError *error)
{
  RlExperimentRunner *self = RL_EXPERIMENT_RUNNER (owner);
  Job *job = rl_runner_get_job (RL_RUNNER (self));

  /* the thread is joined: the twins are ours to take (none when the run ended before its
   * first step: an earlier run's would pass for this one's) */
  g_clear_pointer (&self->train, rl_dataset_unref);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_clear_pointer (&self->trained[t], rl_model_free);
      g_clear_pointer (&self->initial[t], rl_model_free);
      self->diverged_at[t] = 0;
      if (job->trained[t] == NULL)
        continue;
      self->trained[t] = g_steal_pointer (&job->trained[t]);
      self->initial[t] = g_steal_pointer (&job->initial[t]);
      self->diverged_at[t] = job->diverged_at[t];
      if (self->train == NULL)
        self->train = rl_dataset_ref (job->train);
    }
  rl_runner_finish (owner, completed, error);
}

/* ---- The worker ---------------------------------------------------------------------------- */

static gboolean
run (RlWorker *worker, gpointer data, GError **error)
{
  Job *job = data;
  gboolean ok = TRUE;

  job->worker = worker;
  for (guint k = 0; ok && k < job->n_seeds; k++)
    {
      guint posted[RL_N_TWINS] = { 0, 0 };

      if (k > 0)
        {
          RlExperimentConfig cfg = job->config;

          if (rl_worker_is_cancelled (worker))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
              return FALSE;
            }
          cfg.seed += k;
          job->experiment = rl_experiment_new (&cfg, job->train, job->test, error);
          if (job->experiment == NULL)
            return FALSE;
          for (int t = 0; t < RL_N_TWINS; t++)
            {
              g_atomic_int_set (&job->iterations[t], 0);
              g_atomic_int_set (&job->images[t], 0);
            }
          g_atomic_int_set (&job->seed_index, k);
          rl_experiment_set_batch_func (job->experiment, batch_done, job);
        }

      while (ok && !rl_experiment_is_done (job->experiment))
        {
          ok = rl_experiment_step (job->experiment, rl_worker_get_cancellable (worker), error);

          /* Whatever records the step made, plain first: the order rl_experiment_step() makes
           * them in. */
          for (int t = 0; t < RL_N_TWINS; t++)
            for (guint n = rl_experiment_get_n_records (job->experiment, (RlTwin) t);
                 posted[t] < n; posted[t]++)
              rl_worker_post (worker,
                              rl_experiment_record_ref (rl_experiment_get_record (job->experiment,
                                                                                  (RlTwin) t,
                                                                                  posted[t])));
        }

      /* The first seed's twins as they are now (trained, or partly when stopped; a twin that
       * diverged, with its last finite weights), for the landscape; its initial weights were
       * copied at the start. */
      if (k == 0 && rl_experiment_get_iteration (job->experiment, RL_TWIN_PLAIN) > 0)
        for (int t = 0; t < RL_N_TWINS; t++)
          {
            job->trained[t] = rl_model_copy (rl_experiment_get_model (job->experiment,
                                                                      (RlTwin) t));
            job->diverged_at[t] = rl_experiment_get_diverged_at (job->experiment, (RlTwin) t);
          }
      /* The models' workspaces go now, not when the last reference to the job does. */
      g_clear_pointer (&job->experiment, rl_experiment_free);
    }
  return ok;
}

static const RlWorkerFuncs worker_funcs = {
  .name = "reslab-experiment",
  .run = run,
  .deliver = deliver,
  .finished = finished,
  .free_message = (GDestroyNotify) rl_experiment_record_unref,
  .free_data = job_free,
};

/* ---- Public API ---------------------------------------------------------------------------- */

RlExperimentRunner *
rl_experiment_runner_new (void)
{
  return g_object_new (RL_TYPE_EXPERIMENT_RUNNER, NULL);
}

gboolean
rl_experiment_runner_start (RlExperimentRunner       *self,
                            const RlExperimentConfig *config,
                            RlDataset                *train,
                            RlDataset                *test,
                            GError                  **error)
{
  return rl_experiment_runner_start_seeds (self, config, 1, train, test, error);
}

gboolean
rl_experiment_runner_start_seeds (RlExperimentRunner       *self,
                                  const RlExperimentConfig *config,
                                  guint                     n_seeds,
                                  RlDataset                *train,
                                  RlDataset                *test,
                                  GError                  **error)
{
  g_autoptr (RlExperiment) experiment = NULL;
  Job *job;

  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (train != NULL && test != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (n_seeds >= 1, FALSE);
  g_return_val_if_fail (config->seed <= G_MAXUINT64 - (n_seeds - 1), FALSE);

  if (!rl_runner_check_idle (RL_RUNNER (self), error))
    return FALSE;

  experiment = rl_experiment_new (config, train, test, error);
  if (experiment == NULL)
    return FALSE;

  /* What the main thread may ask about the run, copied before the worker owns it. */
  self->have_run = TRUE;
  self->config = *rl_experiment_get_config (experiment);
  self->total_iterations = rl_experiment_get_total_iterations (experiment);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint n = rl_experiment_get_n_layers (experiment, (RlTwin) t);

      g_free (self->names[t]);
      self->names[t] = g_strdup (rl_experiment_get_name (experiment, (RlTwin) t));
      g_array_set_size (self->layers[t], 0);
      for (guint i = 0; i < n; i++)
        g_array_append_vals (self->layers[t], rl_experiment_get_layer (experiment, (RlTwin) t, i),
                             1);
      self->n_records[t] = 0;
    }

  self->n_seeds = n_seeds;
  job = g_new0 (Job, 1);
  for (int t = 0; t < RL_N_TWINS; t++)
    job->initial[t] = rl_model_copy (rl_experiment_get_model (experiment, (RlTwin) t));
  job->config = *config;
  job->n_seeds = n_seeds;
  job->train = rl_dataset_ref (train);
  job->test = rl_dataset_ref (test);
  job->experiment = g_steal_pointer (&experiment);
  rl_experiment_set_batch_func (job->experiment, batch_done, job);
  return rl_runner_start_worker (RL_RUNNER (self), &worker_funcs, job, error);
}

guint
rl_experiment_runner_get_n_seeds (RlExperimentRunner *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);

  return self->n_seeds;
}

guint
rl_experiment_runner_get_seed_index (RlExperimentRunner *self)
{
  Job *job;

  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);

  job = rl_runner_get_job (RL_RUNNER (self));
  return job != NULL ? g_atomic_int_get (&job->seed_index) : 0;
}

void
rl_experiment_runner_get_progress (RlExperimentRunner *self,
                                   guint64             iterations[RL_N_TWINS],
                                   guint64            *images)
{
  Job *job;

  g_return_if_fail (RL_IS_EXPERIMENT_RUNNER (self));

  job = rl_runner_get_job (RL_RUNNER (self));
  *images = 0;
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      iterations[t] = job != NULL ? g_atomic_int_get (&job->iterations[t]) : 0;
      *images += job != NULL ? g_atomic_int_get (&job->images[t]) : 0;
    }
}

const RlExperimentConfig *
rl_experiment_runner_get_config (RlExperimentRunner *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), NULL);

  return self->have_run ? &self->config : NULL;
}

guint64
rl_experiment_runner_get_total_iterations (RlExperimentRunner *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);

  return self->total_iterations;
}

const char *
rl_experiment_runner_get_name (RlExperimentRunner *self,
                               RlTwin              twin)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), NULL);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, NULL);

  return self->names[twin];
}

guint
rl_experiment_runner_get_n_layers (RlExperimentRunner *self,
                                   RlTwin              twin)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, 0);

  return self->layers[twin]->len;
}

const RlExperimentLayer *
rl_experiment_runner_get_layer (RlExperimentRunner *self,
                                RlTwin              twin,
                                guint               i)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), NULL);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, NULL);
  g_return_val_if_fail (i < self->layers[twin]->len, NULL);

  return &g_array_index (self->layers[twin], RlExperimentLayer, i);
}

RlModel *
rl_experiment_runner_get_trained (RlExperimentRunner *self,
                                  RlTwin              twin,
                                  RlModel           **initial)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), NULL);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, NULL);

  if (initial != NULL)
    *initial = self->trained[twin] != NULL ? self->initial[twin] : NULL;
  return self->trained[twin];
}

guint64
rl_experiment_runner_get_diverged_at (RlExperimentRunner *self,
                                      RlTwin              twin)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, 0);

  return self->trained[twin] != NULL ? self->diverged_at[twin] : 0;
}

RlDataset *
rl_experiment_runner_get_train_set (RlExperimentRunner *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), NULL);

  return self->train;
}

guint
rl_experiment_runner_get_n_records (RlExperimentRunner *self,
                                    RlTwin              twin)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, 0);

  return self->n_records[twin];
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
rl_experiment_runner_finalize (GObject *object)
{
  RlExperimentRunner *self = RL_EXPERIMENT_RUNNER (object);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (self->names[t]);
      g_array_unref (self->layers[t]);
      g_clear_pointer (&self->initial[t], rl_model_free);
      g_clear_pointer (&self->trained[t], rl_model_free);
    }
  g_clear_pointer (&self->train, rl_dataset_unref);

  G_OBJECT_CLASS (rl_experiment_runner_parent_class)->finalize (object);
}

static void
rl_experiment_runner_class_init (RlExperimentRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rl_experiment_runner_finalize;
  RL_RUNNER_CLASS (klass)->busy_message = N_("An experiment is already running");

  /* Records are immutable and refcounted: static scope skips a ref/unref pair per emission
   * (handlers that keep one take their own reference). */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1,
                  RL_TYPE_EXPERIMENT_RECORD | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
rl_experiment_runner_init (RlExperimentRunner *self)
{
  for (int t = 0; t < RL_N_TWINS; t++)
    self->layers[t] = g_array_new (FALSE, TRUE, sizeof (RlExperimentLayer));
}
