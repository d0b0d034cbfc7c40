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

/* A task on a copy of @model (taken now) and @test (nullable: loaded before it runs). */
static GTask *
eval_task_new (const RlModel       *model,
               RlDataset           *test,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  EvalJob *job = g_new0 (EvalJob, 1);

  g_task_set_source_tag (task, source_tag);
  job->model = rl_model_copy (model);
  job->test = test != NULL ? rl_dataset_ref (test) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) eval_job_free);
  return task;
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

  g_return_if_fail (model != NULL);

  task = eval_task_new (model, NULL, rl_evaluator_run_async, cancellable, callback, user_data);
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

static void
accuracy_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  EvalJob *job = data;
  RlEvalResult *result = g_new0 (RlEvalResult, 1);
  GError *error = NULL;

  (void) source;
  if (!rl_evaluate (job->model, job->test, job->test->n, 0, 0, NULL, cancellable, result,
                    &error))
    {
      g_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, g_free);
}

void
rl_evaluator_accuracy_async (const RlModel       *model,
                             RlDataset           *test,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (model != NULL && test != NULL);

  task = eval_task_new (model, test, rl_evaluator_accuracy_async, cancellable, callback,
                        user_data);
  g_task_run_in_thread (task, accuracy_thread);
}

gboolean
rl_evaluator_accuracy_finish (GAsyncResult  *result,
                              RlEvalResult  *out,
                              GError       **error)
{
  g_autofree RlEvalResult *r = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;
  if (out != NULL)
    *out = *r;
  return TRUE;
}
