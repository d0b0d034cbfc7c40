#define G_LOG_DOMAIN "reslab-control"

/* rl-teacher.c: see rl-teacher.h. A run is the RlRunner's RlWorker whose one message is the
 * result. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-teacher.h"

#include <string.h>

void
rl_teach_result_free (RlTeachResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->model, rl_model_free);
  g_clear_pointer (&result->report, rl_teach_report_free);
  g_clear_pointer (&result->mine, rl_dataset_unref);
  g_free (result);
}

/* The worker's data, its alone once it runs. */
typedef struct {
  RlModel       *model;     /* the copy to teach */
  RlDataset     *mine;
  RlDataset     *replay;    /* nullable */
  RlDataset     *test;      /* nullable */
  RlTeachConfig  config;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->model, rl_model_free);
  g_clear_pointer (&job->mine, rl_dataset_unref);
  g_clear_pointer (&job->replay, rl_dataset_unref);
  g_clear_pointer (&job->test, rl_dataset_unref);
  g_free (job);
}

struct _RlTeacher {
  RlRunner parent_instance;

  RlTeachResult *result;    /* owned; the last run's, nullable */
};

G_DEFINE_FINAL_TYPE (RlTeacher, rl_teacher, RL_TYPE_RUNNER)

/* ---- the worker --------------------------------------------------------------------------- */

static gboolean
run (RlWorker *worker, gpointer data, GError **error)
{
  Job *job = data;
  GCancellable *cancellable = rl_worker_get_cancellable (worker);
  g_autoptr (RlTeachResult) result = g_new0 (RlTeachResult, 1);

  result->model = rl_teach (job->model, job->mine, job->replay, &job->config, cancellable,
                            &result->report, error);
  if (result->model == NULL)
    return FALSE;
  result->mine = rl_dataset_ref (job->mine);

  /* What it cost on MNIST: both models on the same test set. */
  if (job->test != NULL)
    {
      if (!rl_evaluate (job->model, job->test, job->test->n, 0, 0, NULL, cancellable,
                        &result->test_before, error)
          || !rl_evaluate (result->model, job->test, job->test->n, 0, 0, NULL, cancellable,
                           &result->test, error))
        return FALSE;
    }
  rl_worker_post (worker, g_steal_pointer (&result));
  return TRUE;
}

static void
deliver (GObject *owner, gpointer message)
{
  RlTeacher *self = RL_TEACHER (owner);
  RlTeachResult *posted = message;

  /* the worker frees the message after this: its contents move over */
  g_clear_pointer (&self->result, rl_teach_result_free);
  self->result = g_memdup2 (posted, sizeof *posted);
  memset (posted, 0, sizeof *posted);
}

static void
free_message (gpointer message)
{
  rl_teach_result_free (message);
}

static const RlWorkerFuncs worker_funcs = {
  .name = "reslab-teach",
  .run = run,
  .deliver = deliver,
  .finished = rl_runner_finish,
  .free_message = free_message,
  .free_data = job_free,
};

/* ---- public API --------------------------------------------------------------------------- */

RlTeacher *
rl_teacher_new (void)
{
  return g_object_new (RL_TYPE_TEACHER, NULL);
}

gboolean
rl_teacher_start (RlTeacher           *self,
                  const RlModel       *model,
                  RlDataset           *mine,
                  RlDataset           *replay,
                  RlDataset           *test,
                  const RlTeachConfig *config,
                  GError             **error)
{
  Job *job;

  g_return_val_if_fail (RL_IS_TEACHER (self), FALSE);
  g_return_val_if_fail (model != NULL && mine != NULL, FALSE);

  if (!rl_runner_check_idle (RL_RUNNER (self), error))
    return FALSE;

  job = g_new0 (Job, 1);
  job->model = rl_model_copy (model);
  job->mine = rl_dataset_ref (mine);
  job->replay = replay != NULL ? rl_dataset_ref (replay) : NULL;
  job->test = test != NULL ? rl_dataset_ref (test) : NULL;
  if (config != NULL)
    job->config = *config;
  else
    rl_teach_config_init (&job->config);

  return rl_runner_start_worker (RL_RUNNER (self), &worker_funcs, job, error);
}

RlTeachResult *
rl_teacher_get_result (RlTeacher *self)
{
  g_return_val_if_fail (RL_IS_TEACHER (self), NULL);

  return self->result;
}

RlTeachResult *
rl_teacher_steal_result (RlTeacher *self)
{
  g_return_val_if_fail (RL_IS_TEACHER (self), NULL);

  return g_steal_pointer (&self->result);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_teacher_finalize (GObject *object)
{
  RlTeacher *self = RL_TEACHER (object);

  g_clear_pointer (&self->result, rl_teach_result_free);

  G_OBJECT_CLASS (rl_teacher_parent_class)->finalize (object);
}

static void
rl_teacher_class_init (RlTeacherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rl_teacher_finalize;
  RL_RUNNER_CLASS (klass)->busy_message = N_("Already learning");
}

static void
rl_teacher_init (RlTeacher *self)
{
}
