#define G_LOG_DOMAIN "reslab-control"

/* rl-experiment-runner.c: see rl-experiment-runner.h.
 *
 * The same shape as RlTrainer (rl-trainer.c): a run is a refcounted Job shared by the runner
 * (main thread), the worker and every message in flight. The worker appends messages to the
 * job's outbox and, when the outbox was empty, schedules one drain on the runner's main
 * context with g_main_context_invoke_full(); the drain delivers the whole outbox in order.
 * The runner is reached from a drain only through a GWeakRef, and a message is delivered only
 * while runner->job is still that job. The worker's last act is to post "finished"; the drain
 * that delivers it joins the thread (a hand-off by then). A runner disposed while running
 * cancels the job and hands its thread to a process-wide list that
 * rl_experiment_runner_join_abandoned_workers() joins at shutdown.
 */

#include "rl-experiment-runner.h"

#include <errno.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "rl-error.h"

G_DEFINE_BOXED_TYPE (RlExperimentRecord, rl_experiment_record, rl_experiment_record_ref,
                     rl_experiment_record_unref)

/* ---- Messages and the job ------------------------------------------------------------------ */

typedef enum {
  MSG_RECORD,
  MSG_FINISHED,
} MsgKind;

typedef struct {
  MsgKind             kind;
  RlExperimentRecord *record;     /* MSG_RECORD */
  gboolean            completed;  /* MSG_FINISHED */
  GError             *error;      /* MSG_FINISHED, nullable */
} Msg;

static Msg *
msg_new (MsgKind kind)
{
  Msg *msg = g_new0 (Msg, 1);

  msg->kind = kind;
  return msg;
}

static void
msg_free (Msg *msg)
{
  g_clear_pointer (&msg->record, rl_experiment_record_unref);
  g_clear_error (&msg->error);
  g_free (msg);
}

typedef struct {
  gint          ref_count;

  /* Set by the main thread before the worker starts, read-only afterwards. */
  GWeakRef      runner;        /* the owner, for the drain; NULL once it is gone */
  GMainContext *context;       /* where messages are delivered */
  GCancellable *cancellable;

  /* The worker's alone once it runs (it frees it at the end). */
  RlExperiment *experiment;

  /* Shared, under mutex. */
  GMutex        mutex;
  GQueue        outbox;        /* of Msg* */
  gboolean      drain_scheduled;
} Job;

static Job *
job_ref (Job *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
job_unref (gpointer data)
{
  Job *job = data;

  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;

  g_weak_ref_clear (&job->runner);
  g_main_context_unref (job->context);
  g_object_unref (job->cancellable);
  g_clear_pointer (&job->experiment, rl_experiment_free);
  g_queue_clear_full (&job->outbox, (GDestroyNotify) msg_free);
  g_mutex_clear (&job->mutex);
  g_free (job);
}

/* ---- The runner object ------------------------------------------------------------------- */

struct _RlExperimentRunner {
  GObject parent_instance;

  GMainContext       *context;      /* owned: the thread-default context at construction */
  gboolean            stopping;

  /* the current run (NULL when idle) */
  Job                *job;          /* owned reference */
  GThread            *thread;       /* owned, joined when "finished" is delivered */

  /* the current or last run, copied at start (the worker owns the experiment) */
  gboolean            have_run;
  RlExperimentConfig  config;
  guint64             total_iterations;
  char               *names[RL_N_TWINS];
  GArray             *layers[RL_N_TWINS];   /* of RlExperimentLayer */
  guint               n_records[RL_N_TWINS];
};

G_DEFINE_FINAL_TYPE (RlExperimentRunner, rl_experiment_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_RECORD,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_LOCK_DEFINE_STATIC (abandoned);
static GPtrArray *abandoned_threads;

/* ---- Delivery (main thread) ---------------------------------------------------------------- */

static void
deliver (RlExperimentRunner *self,
         Msg                *msg)
{
  switch (msg->kind)
    {
    case MSG_RECORD:
      self->n_records[msg->record->twin]++;
      g_signal_emit (self, signals[SIGNAL_RECORD], 0, msg->record);
      break;

    case MSG_FINISHED:
      /* The worker posts this as its last act and then returns: the join is a hand-off. */
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, job_unref);
      self->stopping = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, msg->completed, msg->error);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
drain_cb (gpointer data)
{
  Job *job = data;
  RlExperimentRunner *self;
  GQueue batch = G_QUEUE_INIT;
  Msg *msg;

  g_mutex_lock (&job->mutex);
  batch = job->outbox;
  g_queue_init (&job->outbox);
  job->drain_scheduled = FALSE;
  g_mutex_unlock (&job->mutex);

  /* A strong reference for the duration: a handler may drop the last one of its own. */
  self = g_weak_ref_get (&job->runner);
  while ((msg = g_queue_pop_head (&batch)) != NULL)
    {
      if (self != NULL && self->job == job)
        deliver (self, msg);
      msg_free (msg);
    }
  g_clear_object (&self);

  return G_SOURCE_REMOVE;
}

/* ---- The worker ---------------------------------------------------------------------------- */

static void
post (Job *job,
      Msg *msg)
{
  gboolean schedule;

  g_mutex_lock (&job->mutex);
  g_queue_push_tail (&job->outbox, msg);
  schedule = !job->drain_scheduled;
  job->drain_scheduled = TRUE;
  g_mutex_unlock (&job->mutex);

  if (schedule)
    g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, drain_cb, job_ref (job),
                                job_unref);
}

/* The twins train on every core; the UI must still get one the moment it needs it. On Linux
 * the nice value is per thread and inherited by the threads this one creates (each model's
 * thread team is created by its first step, on this thread), so the whole team yields to the
 * main loop and the X server (as in rl-trainer.c). */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);

  if (setpriority (PRIO_PROCESS, (id_t) tid, 10) != 0)
    g_debug ("could not lower the experiment thread's priority: %s", g_strerror (errno));
#endif
}

static gpointer
worker_main (gpointer data)
{
  Job *job = data;
  GMainContext *own_context = g_main_context_new ();
  g_autoptr (GError) error = NULL;
  guint posted[RL_N_TWINS] = { 0, 0 };
  gboolean completed = TRUE;
  Msg *finished;

  /* With a thread-default context of its own, g_main_context_invoke_full() never runs the
   * drain here (it would when the target is this thread's default and nobody owns it). */
  g_main_context_push_thread_default (own_context);
  lower_thread_priority ();

  while (!rl_experiment_is_done (job->experiment))
    {
      gboolean ok = rl_experiment_step (job->experiment, job->cancellable, &error);

      /* Whatever records the step made, plain first: the order rl_experiment_step() makes
       * them in. */
      for (int t = 0; t < RL_N_TWINS; t++)
        for (guint n = rl_experiment_get_n_records (job->experiment, (RlTwin) t);
             posted[t] < n; posted[t]++)
          {
            Msg *msg = msg_new (MSG_RECORD);

            msg->record = rl_experiment_record_ref (rl_experiment_get_record (job->experiment,
                                                                              (RlTwin) t,
                                                                              posted[t]));
            post (job, msg);
          }

      if (!ok)
        {
          completed = FALSE;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_clear_error (&error);
          break;
        }
    }

  /* The models' workspaces (hundreds of MB for deep nets) go now, not when the job does. */
  g_clear_pointer (&job->experiment, rl_experiment_free);

  /* Last: once delivered, this message joins the thread. Posted while own_context is still
   * the thread default (see above). */
  finished = msg_new (MSG_FINISHED);
  finished->completed = completed;
  finished->error = g_steal_pointer (&error);
  post (job, finished);

  g_main_context_pop_thread_default (own_context);
  g_main_context_unref (own_context);
  job_unref (job);
  return NULL;
}

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
  g_autoptr (RlExperiment) experiment = NULL;
  Job *job;

  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (train != NULL && test != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->job != NULL)
    {
      g_set_error_literal (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                           "An experiment is already running");
      return FALSE;
    }

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

  job = g_new0 (Job, 1);
  job->ref_count = 1;
  g_weak_ref_init (&job->runner, self);
  job->context = g_main_context_ref (self->context);
  job->cancellable = g_cancellable_new ();
  job->experiment = g_steal_pointer (&experiment);
  g_mutex_init (&job->mutex);
  g_queue_init (&job->outbox);

  self->job = job;
  self->stopping = FALSE;
  /* The worker holds its own reference; the runner's goes when "finished" is delivered. */
  self->thread = g_thread_new ("reslab-experiment", worker_main, job_ref (job));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
rl_experiment_runner_stop (RlExperimentRunner *self)
{
  g_return_if_fail (RL_IS_EXPERIMENT_RUNNER (self));

  if (self->job == NULL || self->stopping)
    return;
  self->stopping = TRUE;
  g_cancellable_cancel (self->job->cancellable);
}

gboolean
rl_experiment_runner_is_running (RlExperimentRunner *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), FALSE);

  return self->job != NULL;
}

gboolean
rl_experiment_runner_is_stopping (RlExperimentRunner *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), FALSE);

  return self->job != NULL && self->stopping;
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

guint
rl_experiment_runner_get_n_records (RlExperimentRunner *self,
                                    RlTwin              twin)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_RUNNER (self), 0);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, 0);

  return self->n_records[twin];
}

guint
rl_experiment_runner_join_abandoned_workers (void)
{
  GPtrArray *threads;
  guint n;

  G_LOCK (abandoned);
  threads = g_steal_pointer (&abandoned_threads);
  G_UNLOCK (abandoned);

  if (threads == NULL)
    return 0;
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  n = threads->len;
  g_ptr_array_unref (threads);
  return n;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
rl_experiment_runner_dispose (GObject *object)
{
  RlExperimentRunner *self = RL_EXPERIMENT_RUNNER (object);

  if (self->job != NULL)
    {
      /* Running: cancel, and let the worker end on its own (it holds its own reference to the
       * job); its messages find no runner and are dropped. */
      g_cancellable_cancel (self->job->cancellable);
      if (self->thread != NULL)
        {
          G_LOCK (abandoned);
          if (abandoned_threads == NULL)
            abandoned_threads = g_ptr_array_new ();
          g_ptr_array_add (abandoned_threads, g_steal_pointer (&self->thread));
          G_UNLOCK (abandoned);
        }
      g_clear_pointer (&self->job, job_unref);
    }

  G_OBJECT_CLASS (rl_experiment_runner_parent_class)->dispose (object);
}

static void
rl_experiment_runner_finalize (GObject *object)
{
  RlExperimentRunner *self = RL_EXPERIMENT_RUNNER (object);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (self->names[t]);
      g_array_unref (self->layers[t]);
    }
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (rl_experiment_runner_parent_class)->finalize (object);
}

static void
rl_experiment_runner_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  RlExperimentRunner *self = RL_EXPERIMENT_RUNNER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->job != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_experiment_runner_class_init (RlExperimentRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rl_experiment_runner_dispose;
  object_class->finalize = rl_experiment_runner_finalize;
  object_class->get_property = rl_experiment_runner_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Records are immutable and refcounted: static scope skips a ref/unref pair per emission
   * (handlers that keep one take their own reference). */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1,
                  RL_TYPE_EXPERIMENT_RECORD | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2,
                  G_TYPE_BOOLEAN, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
rl_experiment_runner_init (RlExperimentRunner *self)
{
  self->context = g_main_context_ref_thread_default ();
  for (int t = 0; t < RL_N_TWINS; t++)
    self->layers[t] = g_array_new (FALSE, TRUE, sizeof (RlExperimentLayer));
}
