#define G_LOG_DOMAIN "reslab-engine"

/* rl-explain.c: attributions of a class score to the input pixels (rl-explain.h): the input
 * gradient, from the backward walk of rl-node.c run after an evaluation-mode forward with
 * work->din set, and gradient x input, integrated gradients and occlusion on top of it.
 *
 * Legend: N images, C channels, H x W spatial size, P classes. The caller's images are
 * (N, C, H, W); inside the workspace, (C, H, W, N).
 */

#include "rl-explain.h"
#include "rl-model-private.h"

#include <math.h>
#include <string.h>

struct _RlExplainer {
  RlWork *work;             /* n_cap images, with a gradient block (scratch: never read) */
  float  *din;              /* (C, H, W, n_cap) the input gradient */
  float  *batch;            /* (n_cap, C, H, W) the images of one pass */
  float  *grad;             /* (n_cap, C, H, W) */
  float  *logits;           /* (n_cap, P) */
  size_t  chw;
  int     n_cap, n_classes;
};

const char *
rl_explain_method_name (RlExplainMethod method)
{
  switch (method)
    {
    case RL_EXPLAIN_GRADIENT:   return "grad";
    case RL_EXPLAIN_INTEGRATED: return "ig";
    case RL_EXPLAIN_OCCLUSION:  return "occlusion";
    default:                    return "?";
    }
}

gboolean
rl_explain_method_from_name (const char *name, RlExplainMethod *method)
{
  for (int m = RL_EXPLAIN_GRADIENT; m <= RL_EXPLAIN_OCCLUSION; m++)
    if (g_strcmp0 (name, rl_explain_method_name (m)) == 0)
      {
        *method = m;
        return TRUE;
      }
  return FALSE;
}

float
rl_explain_blank_value (float mean, float std)
{
  return (0.0f - mean) / std;
}

RlExplainer *
rl_explainer_new (const RlModel *model, int max_batch)
{
  RlExplainer *ex;

  g_return_val_if_fail (model != NULL, NULL);

  ex = g_new0 (RlExplainer, 1);
  ex->n_cap = rl_model_pass_images (model, max_batch > 0 ? max_batch : 32, RL_WORK_GRADS);
  ex->n_classes = model->n_classes;
  ex->chw = (size_t) model->in_c * model->in_h * model->in_w;
  ex->work = rl_work_new (model, ex->n_cap, TRUE);
  ex->din = g_new0 (float, ex->chw * ex->n_cap);
  ex->batch = g_new0 (float, ex->chw * ex->n_cap);
  ex->grad = g_new0 (float, ex->chw * ex->n_cap);
  ex->logits = g_new0 (float, (size_t) ex->n_cap * ex->n_classes);
  ex->work->din = ex->din;
  ex->work->eval_grad = TRUE;
  return ex;
}

void
rl_explainer_free (RlExplainer *ex)
{
  if (ex == NULL)
    return;
  ex->work->din = NULL;
  rl_work_free (ex->work);
  g_free (ex->din);
  g_free (ex->batch);
  g_free (ex->grad);
  g_free (ex->logits);
  g_free (ex);
}

/* Evaluation-mode forward of @cnt <= n_cap images. x: (N, C, H, W); logits: (N, P) */
static void
forward_pass (RlExplainer *ex, const RlModel *model, const float *x, int cnt, float *logits)
{
  RlWork *w = ex->work;

  rl_work_load_input (model, w, x, cnt);
  rl_model_forward_work (model, w, cnt, FALSE);
  rl_work_gather_logits (model, w, cnt, logits);
}

/* Forward and backward of @cnt <= n_cap images from dz_k = 1.
 * x: (N, C, H, W); grad: (N, C, H, W); logits: (N, P), nullable */
static void
grad_pass (RlExplainer *ex, const RlModel *model, const float *x, int cnt, int k, float *grad,
           float *logits)
{
  RlWork *w = ex->work;
  const int P = model->n_classes;
  float *dlast = w->dout[model->n_nodes - 1];

  forward_pass (ex, model, x, cnt, logits != NULL ? logits : w->logits);
  /* the last node's output gradient, (P, N): one-hot on class k */
  memset (dlast, 0, sizeof (float) * (size_t) P * cnt);
  for (int img = 0; img < cnt; img++)
    dlast[(size_t) k * cnt + img] = 1.0f;
  /* the parameters' gradients accumulate into a scratch block nobody reads; zeroed so that
   * they never grow without bound */
  memset (w->grads, 0, sizeof (float) * model->n_params);
  rl_model_backward_work (model, w, cnt, w->grads);
  /* (C, H, W, N) -> (N, C, H, W) */
  for (size_t j = 0; j < ex->chw; j++)
    for (int img = 0; img < cnt; img++)
      grad[(size_t) img * ex->chw + j] = ex->din[j * cnt + img];
}

void
rl_explainer_input_grad (RlExplainer *ex, const RlModel *model, const float *x, int n, int k,
                         float *grad, float *logits)
{
  g_return_if_fail (ex != NULL && model != NULL && x != NULL && grad != NULL);
  g_return_if_fail (k >= 0 && k < model->n_classes && n >= 0);
  g_return_if_fail ((size_t) model->in_c * model->in_h * model->in_w == ex->chw);

  for (int start = 0; start < n; start += ex->n_cap)
    {
      int cnt = MIN (ex->n_cap, n - start);
      grad_pass (ex, model, x + (size_t) start * ex->chw, cnt, k,
                 grad + (size_t) start * ex->chw,
                 logits != NULL ? logits + (size_t) start * model->n_classes : NULL);
    }
}

static void
integrated_gradients (RlExplainer *ex, const RlModel *model, const float *x, float blank, int k,
                      int steps, float *attr)
{
  const size_t chw = ex->chw;
  g_autofree double *sum = g_new0 (double, chw);

  for (int start = 0; start < steps; start += ex->n_cap)
    {
      int cnt = MIN (ex->n_cap, steps - start);

      for (int s = 0; s < cnt; s++)
        {
          /* the midpoint of the step's interval on the path blank -> x */
          const float t = ((float) (start + s) + 0.5f) / (float) steps;
          float *img = ex->batch + (size_t) s * chw;
          for (size_t j = 0; j < chw; j++)
            img[j] = blank + t * (x[j] - blank);
        }
      grad_pass (ex, model, ex->batch, cnt, k, ex->grad, NULL);
      for (int s = 0; s < cnt; s++)
        for (size_t j = 0; j < chw; j++)
          sum[j] += ex->grad[(size_t) s * chw + j];
    }
  for (size_t j = 0; j < chw; j++)
    attr[j] = (float) ((x[j] - blank) * sum[j] / steps);
}

static void
occlusion (RlExplainer *ex, const RlModel *model, const float *x, float blank, int k,
           const float *logits_x, float *attr)
{
  const int C = model->in_c, H = model->in_h, W = model->in_w, P = model->n_classes;
  const int ps = MIN (RL_EXPLAIN_OCCLUSION_PATCH, MIN (H, W));
  const int ny = H - ps + 1, nx = W - ps + 1, npos = ny * nx;
  const size_t chw = ex->chw;
  const double p0 = rl_softmax_at (P, logits_x, k);
  g_autofree double *sum = g_new0 (double, (size_t) H * W);
  g_autofree int *count = g_new0 (int, (size_t) H * W);

  for (int start = 0; start < npos; start += ex->n_cap)
    {
      int cnt = MIN (ex->n_cap, npos - start);

      for (int s = 0; s < cnt; s++)
        {
          const int py = (start + s) / nx, px = (start + s) % nx;
          float *img = ex->batch + (size_t) s * chw;

          memcpy (img, x, sizeof (float) * chw);
          for (int c = 0; c < C; c++)
            for (int yy = py; yy < py + ps; yy++)
              for (int xx = px; xx < px + ps; xx++)
                img[((size_t) c * H + yy) * W + xx] = blank;
        }
      forward_pass (ex, model, ex->batch, cnt, ex->logits);
      for (int s = 0; s < cnt; s++)
        {
          const int py = (start + s) / nx, px = (start + s) % nx;
          const double drop = p0 - rl_softmax_at (P, ex->logits + (size_t) s * P, k);

          for (int yy = py; yy < py + ps; yy++)
            for (int xx = px; xx < px + ps; xx++)
              {
                sum[yy * W + xx] += drop;
                count[yy * W + xx]++;
              }
        }
    }
  for (int c = 0; c < C; c++)
    for (int j = 0; j < H * W; j++)
      attr[(size_t) c * H * W + j] = count[j] > 0 ? (float) (sum[j] / count[j]) : 0.0f;
}

gboolean
rl_explainer_run (RlExplainer *ex, const RlModel *model, RlExplainMethod method, const float *x,
                  float blank, int k, int steps, float *attr, float *logits, float *blank_score)
{
  size_t chw;
  float *lx;

  g_return_val_if_fail (ex != NULL && model != NULL && x != NULL && attr != NULL, FALSE);
  g_return_val_if_fail (k >= 0 && k < model->n_classes, FALSE);
  chw = ex->chw;
  g_return_val_if_fail ((size_t) model->in_c * model->in_h * model->in_w == chw, FALSE);

  lx = g_newa (float, model->n_classes);
  switch (method)
    {
    case RL_EXPLAIN_GRADIENT:
      grad_pass (ex, model, x, 1, k, ex->grad, lx);
      for (size_t j = 0; j < chw; j++)
        attr[j] = ex->grad[j] * (x[j] - blank);
      break;

    case RL_EXPLAIN_INTEGRATED:
      integrated_gradients (ex, model, x, blank, k, steps > 0 ? steps : RL_EXPLAIN_IG_STEPS_DEFAULT,
                            attr);
      forward_pass (ex, model, x, 1, lx);
      break;

    case RL_EXPLAIN_OCCLUSION:
    default:
      forward_pass (ex, model, x, 1, lx);
      occlusion (ex, model, x, blank, k, lx, attr);
      break;
    }
  if (logits != NULL)
    memcpy (logits, lx, sizeof (float) * model->n_classes);
  if (blank_score != NULL)
    {
      for (size_t j = 0; j < chw; j++)
        ex->batch[j] = blank;
      forward_pass (ex, model, ex->batch, 1, ex->logits);
      *blank_score = ex->logits[k];
    }
  for (size_t j = 0; j < chw; j++)
    if (!isfinite (attr[j]))
      return FALSE;
  return TRUE;
}
