#define G_LOG_DOMAIN "reslab-engine"

/* rl-batchnorm.c: batch normalisation (PyTorch's BatchNorm2d), forward and backward: the
 * per-channel kernels, and a model's batch norm site (RlBnPart) in a threaded training step,
 * where the statistics of the whole batch are summed over the team's threads.
 *
 * Legend: N images, C channels, HW the plane size (H x W) it normalises over. Activations are
 * (C, H, W, N), so each channel's HW*N values are contiguous.
 */

#include "rl-model-private.h"

#include <math.h>
#include <string.h>

void
rl_bn_partial_stats (int c, int n, int hw, const float *x, double *sums)
{
  for (int ch = 0; ch < c; ch++)
    {
      const float *xc = x + (size_t) ch * n * hw;
      double s = 0.0, s2 = 0.0;
      for (size_t i = 0; i < (size_t) n * hw; i++)
        {
          s += xc[i];
          s2 += (double) xc[i] * xc[i];
        }
      sums[ch] = s;
      sums[c + ch] = s2;
    }
}

void
rl_bn_forward_apply (int c, int n, int hw, const float *x, const float *mean,
                     const float *invstd, const float *gamma, const float *beta, float *xhat,
                     float *y)
{
  for (int ch = 0; ch < c; ch++)
    {
      const size_t len = (size_t) n * hw, off = (size_t) ch * len;
      const float mu = mean[ch], is = invstd[ch], g = gamma[ch], b = beta[ch];
      for (size_t i = 0; i < len; i++)
        {
          float xh = (x[off + i] - mu) * is;
          if (xhat != NULL)
            xhat[off + i] = xh;
          y[off + i] = g * xh + b;
        }
    }
}

void
rl_bn_backward_partials (int c, int n, int hw, const float *dy, const float *xhat, double *sums)
{
  for (int ch = 0; ch < c; ch++)
    {
      const size_t len = (size_t) n * hw, off = (size_t) ch * len;
      double s = 0.0, s2 = 0.0;
      for (size_t i = 0; i < len; i++)
        {
          s += dy[off + i];
          s2 += (double) dy[off + i] * xhat[off + i];
        }
      sums[ch] = s;
      sums[c + ch] = s2;
    }
}

void
rl_bn_backward_apply (int c, int n, int hw, const float *dy, const float *xhat,
                      const float *invstd, const float *gamma, const double *tot,
                      double m_total, float *dx)
{
  for (int ch = 0; ch < c; ch++)
    {
      const size_t len = (size_t) n * hw, off = (size_t) ch * len;
      const float k = gamma[ch] * invstd[ch];
      const float mdy = (float) (tot[ch] / m_total), mdyx = (float) (tot[c + ch] / m_total);
      for (size_t i = 0; i < len; i++)
        dx[off + i] += k * (dy[off + i] - mdy - xhat[off + i] * mdyx);
    }
}

/* ---- A model's batch norm site, in a threaded step ------------------------------------- */

/* Batch norm forward of x (C, HW, n) into y. In training the statistics are those of the
 * whole batch: each thread posts its partial sums, all meet at a barrier, and each adds the
 * posted sums up in thread order, so every thread gets the same bits. */
void
rl_bn_part_forward (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, gboolean train,
                    const float *x, float *y)
{
  float *mean = w->bn_mean[bn->site], *invstd = w->bn_invstd[bn->site];
  float *running_mean = rl_model_tensor (m, m->params, bn->mean);
  float *running_var = rl_model_tensor (m, m->params, bn->var);
  const float *gamma = rl_model_tensor (m, m->params, bn->w);
  const float *beta = rl_model_tensor (m, m->params, bn->b);

  if (!train)
    {
      for (int c = 0; c < bn->c; c++)
        {
          mean[c] = running_mean[c];
          invstd[c] = 1.0f / sqrtf (running_var[c] + RL_BN_EPS);
        }
      rl_bn_forward_apply (bn->c, n, bn->hw, x, mean, invstd, gamma, beta, NULL, y);
      return;
    }

  {
    const int t = w->tid, nt = w->nt;
    const size_t stride = 2 * (size_t) m->max_bn_c;
    const double count = (double) w->n_total * bn->hw;

    rl_bn_partial_stats (bn->c, n, bn->hw, x, m->bn_shared + t * stride);
  rl_team_barrier (m->team);
    for (int c = 0; c < bn->c; c++)
      {
        double s = 0.0, s2 = 0.0, mu, var;
        for (int u = 0; u < nt; u++)
          {
            s += m->bn_shared[u * stride + c];
            s2 += m->bn_shared[u * stride + bn->c + c];
          }
        mu = s / count;
        var = MAX (s2 / count - mu * mu, 0.0);   /* biased, for normalising */
        mean[c] = (float) mu;
        invstd[c] = (float) (1.0 / sqrt (var + RL_BN_EPS));
        if (t == 0)
          {
            /* running statistics: the unbiased variance, PyTorch's momentum 0.1 */
            double unbiased = count > 1 ? var * count / (count - 1) : var;
            running_mean[c] = (1 - RL_BN_MOMENTUM) * running_mean[c] + RL_BN_MOMENTUM * (float) mu;
            running_var[c] = (1 - RL_BN_MOMENTUM) * running_var[c] +
                             RL_BN_MOMENTUM * (float) unbiased;
          }
      }
    if (t == 0)
      *rl_model_tensor (m, m->params, bn->count) += 1.0f;
    /* nobody may post the next sums before everyone has read these */
  rl_team_barrier (m->team);
    rl_bn_forward_apply (bn->c, n, bn->hw, x, mean, invstd, gamma, beta, w->bn_xhat[bn->site], y);
  }
}

/* dx += batch norm backward of dy; gamma's and beta's gradients into this thread's block. */
void
rl_bn_part_backward (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, const float *dy,
                     float *dx, float *grads)
{
  const int t = w->tid, nt = w->nt;
  const size_t stride = 2 * (size_t) m->max_bn_c;
  double *mine;
  double tot[2 * 1024];
  double *totals;
  float *dgamma = rl_model_tensor (m, grads, bn->w);
  float *dbeta = rl_model_tensor (m, grads, bn->b);

  if (w->eval_grad)
    {
      /* evaluation mode: y = gamma * (x - running_mean) * invstd + beta, so dx = dy * gamma *
       * invstd per channel; no batch statistics, no team (rl-explain.c runs one thread) */
      const float *gamma = rl_model_tensor (m, m->params, bn->w);
      const float *invstd = w->bn_invstd[bn->site];
      const size_t len = (size_t) n * bn->hw;

      for (int c = 0; c < bn->c; c++)
        {
          const float k = gamma[c] * invstd[c];
          for (size_t i = 0; i < len; i++)
            dx[(size_t) c * len + i] += k * dy[(size_t) c * len + i];
        }
      return;
    }

  mine = m->bn_shared + t * stride;
  totals = bn->c <= 1024 ? tot : g_new (double, 2 * bn->c);
  rl_bn_backward_partials (bn->c, n, bn->hw, dy, w->bn_xhat[bn->site], mine);
  for (int c = 0; c < bn->c; c++)
    {
      dbeta[c] += (float) mine[c];
      dgamma[c] += (float) mine[bn->c + c];
    }
  rl_team_barrier (m->team);
  for (int c = 0; c < 2 * bn->c; c++)
    {
      double s = 0.0;
      for (int u = 0; u < nt; u++)
        s += m->bn_shared[u * stride + c];
      totals[c] = s;
    }
  rl_team_barrier (m->team);
  rl_bn_backward_apply (bn->c, n, bn->hw, dy, w->bn_xhat[bn->site], w->bn_invstd[bn->site],
                        rl_model_tensor (m, m->params, bn->w), totals,
                        (double) w->n_total * bn->hw, dx);
  if (totals != tot)
    g_free (totals);
}
