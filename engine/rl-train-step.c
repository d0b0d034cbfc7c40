#define G_LOG_DOMAIN "reslab-engine"

/* rl-train-step.c: one training step's gradients, rl_model_forward_backward: the batch split
 * over the model's thread team, each thread's forward, loss and backward on its slice (the walks
 * of rl-node.c), the gradients summed in thread order; its forward alone
 * (rl_model_forward_training); and the per-layer profile of those steps.
 *
 * Legend: N images, C channels, H x W spatial size, P classes. x: (N, C, H, W) as the caller
 * has it; inside, activations are (C, H, W, N).
 */

#include "rl-model-private.h"

#include <math.h>
#include <string.h>

typedef struct {
  RlModel       *model;
  const float   *x;
  const uint8_t *labels;
  int            n;
  float         *logits;           /* (N, P), nullable */
  double         loss[256];        /* per thread */
  int            correct[256];
} StepJob;

/* Thread @t's share of a training-mode forward over all @n images of @x: batch norm normalises
 * with the statistics of the whole batch, summed across the threads, and moves its running
 * statistics toward them. The slice depends only on the team's size, so a given thread count
 * always splits the batch, and sums, the same way. */
static RlWork *
forward_train_slice (RlModel *model, const float *x, int n, int t, int nt, int *lo, int *hi)
{
  const size_t chw = (size_t) model->in_c * model->in_h * model->in_w;
  RlWork *w = rl_model_slice (model, t, nt, n, lo, hi);

  w->n_total = n;
  rl_work_load_input (model, w, x + (size_t) *lo * chw, *hi - *lo);
  rl_model_forward_work (model, w, *hi - *lo, TRUE);
  return w;
}

/* One thread's share of a training step: its forward, loss and backward, then its slice of the
 * sum of the threads' gradients. */
static void
train_slice (gpointer data, int t, int nt)
{
  StepJob *job = data;
  RlModel *model = job->model;
  const int P = model->n_classes, n = job->n;
  int lo, hi;
  RlWork *w = forward_train_slice (model, job->x, n, t, nt, &lo, &hi);
  const int cnt = hi - lo;   /* >= 1: the team is never larger than the batch */
  float *grads = t == 0 ? model->grads : w->grads;
  float *dlast = w->dout[model->n_nodes - 1];

  rl_work_gather_logits (model, w, cnt, w->logits);
  if (job->logits != NULL)
    memcpy (job->logits + (size_t) lo * P, w->logits, sizeof (float) * cnt * P);
  job->loss[t] = rl_softmax_xent (cnt, P, w->logits, job->labels + lo, n, w->dlogits, NULL,
                                  &job->correct[t]);
  for (int img = 0; img < cnt; img++)
    for (int j = 0; j < P; j++)
      dlast[(size_t) j * cnt + img] = w->dlogits[(size_t) img * P + j];

  /* the backward walks the plan the forward made for this slice */
  memset (grads, 0, sizeof (float) * model->n_params);
  rl_model_backward_work (model, w, cnt, grads);

  /* Sum the threads' gradients into thread 0's block, always in thread order; each thread
   * sums its own slice of the parameters. */
  rl_team_barrier (model->team);
  if (nt > 1)
    {
      const size_t np = model->n_params;
      const size_t a = np * t / nt, b = np * (t + 1) / nt;
      for (size_t j = a; j < b; j++)
        {
          float s = model->grads[j];
          for (int u = 1; u < nt; u++)
            s += model->work[u]->grads[j];
          model->grads[j] = s;
        }
    }
}

float
rl_model_forward_backward (RlModel *model, const float *x, const uint8_t *labels, int n,
                           int *n_correct)
{
  return rl_model_forward_backward_logits (model, x, labels, n, n_correct, NULL);
}

float
rl_model_forward_backward_logits (RlModel *model, const float *x, const uint8_t *labels, int n,
                                  int *n_correct, float *logits)
{
  int n_threads = MIN (model->n_threads, n);
  StepJob *job;
  double loss = 0.0;
  int correct = 0;

  g_return_val_if_fail (n > 0, NAN);

  rl_model_ensure_workspaces (model, n_threads, (n + n_threads - 1) / n_threads);
  job = g_new0 (StepJob, 1);   /* 3 KB; on the heap to keep worker stacks small */
  job->model = model;
  job->x = x;
  job->labels = labels;
  job->n = n;
  job->logits = logits;
  rl_team_run (model->team, n_threads, train_slice, job);

  for (int t = 0; t < n_threads; t++)
    {
      loss += job->loss[t];
      correct += job->correct[t];
    }
  g_free (job);
  if (n_correct != NULL)
    *n_correct = correct;
  return (float) (loss / n);
}

typedef struct {
  RlModel     *model;
  const float *x;
  int          n;
} ForwardJob;

static void
forward_slice (gpointer data, int t, int nt)
{
  ForwardJob *job = data;
  int lo, hi;

  forward_train_slice (job->model, job->x, job->n, t, nt, &lo, &hi);
}

void
rl_model_forward_training (RlModel *model, const float *x, int n)
{
  int n_threads = MIN (model->n_threads, n);
  ForwardJob job = { .model = model, .x = x, .n = n };

  g_return_if_fail (n > 0);

  /* the workspaces of a training step on the same batch, so a step after it makes none */
  rl_model_ensure_workspaces (model, n_threads, (n + n_threads - 1) / n_threads);
  rl_team_run (model->team, n_threads, forward_slice, &job);
}

/* ---- Profiling ---------------------------------------------------------------------------- */

void
rl_model_set_profiling (RlModel *model, gboolean enabled)
{
  g_clear_pointer (&model->prof, g_free);
  if (enabled)
    model->prof = g_new0 (double, 2 * model->n_nodes);
}

/* As the plan of a training step decides (rl_plan_fill). */
guint
rl_model_profile_owner (const RlModel *model, guint i, int n)
{
  g_autofree RlNodePlan *plan = NULL;

  g_return_val_if_fail (i < (guint) model->n_nodes, i);

  plan = g_new (RlNodePlan, model->n_nodes);
  rl_plan_fill (model, n, TRUE, plan);
  return (guint) plan[i].owner;
}

void
rl_model_get_profile (const RlModel *model, guint i, double *forward, double *backward)
{
  g_return_if_fail (i < (guint) model->n_nodes);
  *forward = model->prof ? model->prof[2 * i] : 0.0;
  *backward = model->prof ? model->prof[2 * i + 1] : 0.0;
}
