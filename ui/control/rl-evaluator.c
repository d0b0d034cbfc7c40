#define G_LOG_DOMAIN "reslab-control"

/* rl-evaluator.c: see rl-evaluator.h. */

#include "rl-evaluator.h"

#include "rl-dataset-loader.h"

typedef struct {
  RlModel   *model;      /* owned copy */
  RlDataset *test;
} EvalJob;

static void
eval_job_free (EvalJob *job)
{
  g_clear_pointer (&job->model, rl_model_free);
  g_clear_pointer (&job->test, rl_dataset_unref);
  g_free (job);
}

static void
eval_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  EvalJob *job = data;
  GError *error = NULL;
  RlErrorReport *r;

  (void) source;
  /* one thread: the app's other work (drawing, training) keeps the other cores */
  rl_model_set_threads (job->model, 1);
  r = rl_error_report_compute (job->model, job->test, 0, cancellable, &error);
  if (r == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, r, (GDestroyNotify) rl_error_report_unref);
}

static void
test_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  EvalJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  (void) source;
  job->test = rl_dataset_loader_load_finish (result, &error);
  if (job->test == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, eval_thread);
}

void
rl_evaluator_run_async (const RlModel *model, RlDatasetKind kind, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  EvalJob *job;

  g_return_if_fail (model != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_evaluator_run_async);
  job = g_new0 (EvalJob, 1);
  job->model = rl_model_copy (model);
  g_task_set_task_data (task, job, (GDestroyNotify) eval_job_free);
  rl_dataset_loader_load_async (kind, RL_SPLIT_TEST, cancellable, test_loaded_cb, task);
}

RlErrorReport *
rl_evaluator_run_finish (GAsyncResult *result, RlDataset **test, GError **error)
{
  RlErrorReport *r;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (test != NULL)
    {
      EvalJob *job = g_task_get_task_data (G_TASK (result));
      *test = r != NULL && job->test != NULL ? rl_dataset_ref (job->test) : NULL;
    }
  return r;
}
