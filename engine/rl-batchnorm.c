#define G_LOG_DOMAIN "reslab-engine"

/* rl-batchnorm.c: batch normalisation (PyTorch's BatchNorm2d), forward and backward: the
 * per-channel kernels, and a model's batch norm site (RlBnPart) in a threaded training step,
 * where the statistics of the whole batch are summed over the team's threads.
 *
 * Legend: N images, C channels, HW the plane size (H x W) it normalises over. Activations are
 * (C, H, W, N), so each channel's HW*N values are contiguous.
 *
 * The kernels are RL_CLONES (rl-clones.h), and every clone must give the same bits: the sums
 * run in 16 double lanes added up in a fixed order (a product of two floats is exact in double,
 * so a fused multiply-add there rounds as the multiply and the add do), and the float
 * arithmetic is compiled without contraction into fused multiply-adds (the pragma below), in
 * the order the scalar code had. Measured on resnet-20 (1 thread, CPU time per batch of 64):
 * the per-channel sums as one double accumulator each, a chain of dependent adds, took about
 * 1 ms per batch norm, a fifth of a 16-channel block's forward.
 */

#include "rl-model-private.h"

#include <math.h>
#include <string.h>

#include "rl-clones.h"
#include "rl-layers-private.h"

/* No contraction into fused multiply-adds, so that every clone gives the same bits (above);
 * clang does not know GCC's optimize pragma and takes the C standard's. */
#if defined (__clang__)
#pragma STDC FP_CONTRACT OFF
#else
#pragma GCC optimize ("fp-contract=off")
#endif

/* The sums run in 16 double lanes, lane j taking the values at j mod 16, as two vectors of 8
 * (GCC's vector extensions: the compiler does not vectorise a float-to-double sum by itself). */
#define LANES 16

typedef float  v8sf __attribute__ ((vector_size (32)));
typedef int    v8si __attribute__ ((vector_size (32)));
typedef double v8df __attribute__ ((vector_size (64)));

/* Unaligned loads and stores of 8 floats, and 8 floats widened to doubles. Macros, not
 * functions: a vector passed by value changes the ABI between the clones (-Wpsabi). */
#define LOAD8(p) ({ v8sf v_; memcpy (&v_, (p), sizeof v_); v_; })
#define STORE8(p, v) G_STMT_START { v8sf w_ = (v); memcpy ((p), &w_, sizeof w_); } G_STMT_END
#define WIDEN8(v) __builtin_convertvector ((v), v8df)

/* the sum of the 16 lanes, lane 0 first */
static inline double
lanes_total (const v8df *lo, const v8df *hi)
{
  double s = 0.0;

  for (int j = 0; j < 8; j++)
    s += (*lo)[j];
  for (int j = 0; j < 8; j++)
    s += (*hi)[j];
  return s;
}

/* lane j of (lo, hi) += v */
static inline void
lane_add (v8df *lo, v8df *hi, int j, double v)
{
  if (j < 8)
    (*lo)[j] += v;
  else
    (*hi)[j - 8] += v;
}

RL_CLONES (, void, rl_bn_partial_stats,
           (int c, int n, int hw, const float *x, double *sums),
           (c, n, hw, x, sums))
{
  const size_t len = (size_t) n * hw;

  for (int ch = 0; ch < c; ch++)
    {
      const float *xc = x + (size_t) ch * len;
      v8df s0 = { 0 }, s1 = { 0 }, q0 = { 0 }, q1 = { 0 };
      size_t i = 0;

      for (; i + LANES <= len; i += LANES)
        {
          v8df u = WIDEN8 (LOAD8 (xc + i)), v = WIDEN8 (LOAD8 (xc + i + 8));
          s0 += u;
          s1 += v;
          q0 += u * u;
          q1 += v * v;
        }
      for (; i < len; i++)
        {
          double v = xc[i];
          lane_add (&s0, &s1, (int) (i % LANES), v);
          lane_add (&q0, &q1, (int) (i % LANES), v * v);
        }
      sums[ch] = lanes_total (&s0, &s1);
      sums[c + ch] = lanes_total (&q0, &q1);
    }
}

RL_CLONES (, void, rl_bn_forward_apply,
           (int c, int n, int hw, const float *x, const float *mean, const float *invstd,
            const float *gamma, const float *beta, const float *r, gboolean relu, float *y),
           (c, n, hw, x, mean, invstd, gamma, beta, r, relu, y))
{
  const size_t len = (size_t) n * hw;

  for (int ch = 0; ch < c; ch++)
    {
      const size_t off = (size_t) ch * len;
      const float mu = mean[ch], is = invstd[ch], g = gamma[ch], b = beta[ch];
      const float *xc = x + off;
      float *yc = y + off;

      /* one loop per case, so that each is a straight vector loop */
      if (r != NULL && relu)
        {
          const float *rc = r + off;
          for (size_t i = 0; i < len; i++)
            yc[i] = rl_relu ((g * ((xc[i] - mu) * is) + b) + rc[i]);
        }
      else if (r != NULL)
        {
          const float *rc = r + off;
          for (size_t i = 0; i < len; i++)
            yc[i] = (g * ((xc[i] - mu) * is) + b) + rc[i];
        }
      else if (relu)
        for (size_t i = 0; i < len; i++)
          yc[i] = rl_relu (g * ((xc[i] - mu) * is) + b);
      else
        for (size_t i = 0; i < len; i++)
          yc[i] = g * ((xc[i] - mu) * is) + b;
    }
}

/* One channel of rl_bn_backward_partials; inlined (into each clone) with constant @masked and
 * @write, so each case is its own straight loop. */
static inline __attribute__ ((always_inline)) void
backward_sums (size_t len, const float *dc, const float *mc, const float *xc, float mu,
               float is, float *oc, gboolean masked, gboolean write, double *s, double *s2)
{
  v8df s0 = { 0 }, s1 = { 0 }, q0 = { 0 }, q1 = { 0 };
  size_t i = 0;

  for (; i + LANES <= len; i += LANES)
    for (int h = 0; h < LANES; h += 8)
      {
        v8sf g = LOAD8 (dc + i + h);
        v8sf xh = (LOAD8 (xc + i + h) - mu) * is;
        v8df gd;

        /* a multiply by the 0/1 mask, as the scalar code (rl_relu_mask: 1 unless the output is
         * <= 0): NaNs still propagate */
        if (masked)
          g = g * __builtin_convertvector (~(LOAD8 (mc + i + h) <= 0.0f) & 1, v8sf);
        if (write)
          STORE8 (oc + i + h, g);
        gd = WIDEN8 (g);
        if (h == 0)
          {
            s0 += gd;
            q0 += gd * WIDEN8 (xh);
          }
        else
          {
            s1 += gd;
            q1 += gd * WIDEN8 (xh);
          }
      }
  for (; i < len; i++)
    {
      float g = masked ? dc[i] * rl_relu_mask (mc[i]) : dc[i];
      float xh = (xc[i] - mu) * is;

      if (write)
        oc[i] = g;
      lane_add (&s0, &s1, (int) (i % LANES), g);
      lane_add (&q0, &q1, (int) (i % LANES), (double) g * xh);
    }
  *s = lanes_total (&s0, &s1);
  *s2 = lanes_total (&q0, &q1);
}

RL_CLONES (, void, rl_bn_backward_partials,
           (int c, int n, int hw, const float *dy, const float *mask, const float *x,
            const float *mean, const float *invstd, float *g_out, double *sums),
           (c, n, hw, dy, mask, x, mean, invstd, g_out, sums))
{
  const size_t len = (size_t) n * hw;

  for (int ch = 0; ch < c; ch++)
    {
      const size_t off = (size_t) ch * len;
      const float *dc = dy + off, *xc = x + off;
      const float *mc = mask != NULL ? mask + off : NULL;
      float *oc = g_out != NULL ? g_out + off : NULL;
      double *s = &sums[ch], *s2 = &sums[c + ch];

      if (mc != NULL && oc != NULL)
        backward_sums (len, dc, mc, xc, mean[ch], invstd[ch], oc, TRUE, TRUE, s, s2);
      else if (mc != NULL)
        backward_sums (len, dc, mc, xc, mean[ch], invstd[ch], NULL, TRUE, FALSE, s, s2);
      else
        {
          backward_sums (len, dc, NULL, xc, mean[ch], invstd[ch], NULL, FALSE, FALSE, s, s2);
          if (oc != NULL && oc != dc)
            memcpy (oc, dc, sizeof (float) * len);
        }
    }
}

RL_CLONES (, void, rl_bn_backward_apply,
           (int c, int n, int hw, const float *dy, const float *mask, const float *x,
            const float *mean, const float *invstd, const float *gamma, const double *tot,
            double m_total,
            gboolean add, float *dx),
           (c, n, hw, dy, mask, x, mean, invstd, gamma, tot, m_total, add, dx))
{
  const size_t len = (size_t) n * hw;

  for (int ch = 0; ch < c; ch++)
    {
      const size_t off = (size_t) ch * len;
      const float mu = mean[ch], is = invstd[ch];
      const float k = gamma[ch] * is;
      const float mdy = (float) (tot[ch] / m_total), mdyx = (float) (tot[c + ch] / m_total);
      const float *restrict dc = dy + off, *restrict xc = x + off;
      float *restrict oc = dx + off;

      if (mask != NULL)
        {
          const float *restrict mc = mask + off;
          if (add)
            for (size_t i = 0; i < len; i++)
              oc[i] += k * ((dc[i] * rl_relu_mask (mc[i]) - mdy) - ((xc[i] - mu) * is) * mdyx);
          else
            for (size_t i = 0; i < len; i++)
              oc[i] = k * ((dc[i] * rl_relu_mask (mc[i]) - mdy) - ((xc[i] - mu) * is) * mdyx);
        }
      else if (add)
        for (size_t i = 0; i < len; i++)
          oc[i] += k * ((dc[i] - mdy) - ((xc[i] - mu) * is) * mdyx);
      else
        for (size_t i = 0; i < len; i++)
          oc[i] = k * ((dc[i] - mdy) - ((xc[i] - mu) * is) * mdyx);
    }
}

RL_CLONES (, void, rl_bn_backward_affine,
           (int c, int n, int hw, const float *dy, const float *mask, const float *invstd,
            const float *gamma, gboolean add, float *dx),
           (c, n, hw, dy, mask, invstd, gamma, add, dx))
{
  const size_t len = (size_t) n * hw;

  for (int ch = 0; ch < c; ch++)
    {
      const size_t off = (size_t) ch * len;
      const float k = gamma[ch] * invstd[ch];
      const float *restrict dc = dy + off;
      const float *restrict mc = mask != NULL ? mask + off : NULL;
      float *restrict oc = dx + off;

      for (size_t i = 0; i < len; i++)
        {
          float g = mc != NULL ? dc[i] * rl_relu_mask (mc[i]) : dc[i];
          oc[i] = add ? oc[i] + k * g : k * g;
        }
    }
}

/* ---- A model's batch norm site, in a threaded step ------------------------------------- */

/* This thread's posting area for the next exchange of partial sums over the team: two areas a
 * thread, used in turn, so that one barrier per exchange is enough. A thread may post into an
 * area again only two exchanges later, and to get there it has passed the barrier of the
 * exchange in between, which every other thread reaches only after it has read this one. */
static double *
post_area (const RlModel *m, RlWork *w, int t)
{
  const size_t stride = 2 * (size_t) m->max_bn_c;
  const int slot = w->bn_exchanges++ & 1;

  return m->bn_shared + ((size_t) slot * m->n_work + t) * stride;
}

/* tot (2C) = the partial sums every thread posted in @area's slot, added in thread order, so
 * that every thread gets the same bits. */
static void
exchange_totals (const RlModel *m, const double *mine, int t, int nt, int c, double *tot)
{
  const size_t stride = 2 * (size_t) m->max_bn_c;
  const double *first = mine - (size_t) t * stride;

  rl_team_barrier (m->team);
  for (int k = 0; k < 2 * c; k++)
    {
      double s = 0.0;
      for (int u = 0; u < nt; u++)
        s += first[u * stride + k];
      tot[k] = s;
    }
}

/* Batch norm forward of x (C, HW, n) into y = act (bn (x) [+ r]), act the ReLU when @relu. In
 * training the statistics are those of the whole batch: each thread posts its partial sums,
 * all meet at a barrier, and each adds the posted sums up in thread order. */
void
rl_bn_part_forward (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, gboolean train,
                    const float *x, const float *r, gboolean relu, float *y)
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
      rl_bn_forward_apply (bn->c, n, bn->hw, x, mean, invstd, gamma, beta, r, relu, y);
      return;
    }

  {
    const int t = w->tid, nt = w->nt;
    const double count = (double) w->n_total * bn->hw;
    double *mine = post_area (m, w, t);
    double stack[2 * 256];
    double *tot = bn->c <= 256 ? stack : g_new (double, 2 * bn->c);

    rl_bn_partial_stats (bn->c, n, bn->hw, x, mine);
    exchange_totals (m, mine, t, nt, bn->c, tot);
    for (int c = 0; c < bn->c; c++)
      {
        double mu = tot[c] / count;
        double var = MAX (tot[bn->c + c] / count - mu * mu, 0.0);   /* biased, for normalising */
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
    rl_bn_forward_apply (bn->c, n, bn->hw, x, mean, invstd, gamma, beta, r, relu, y);
    if (tot != stack)
      g_free (tot);
  }
}

void
rl_bn_part_reapply (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, const float *x,
                    gboolean relu, float *y)
{
  rl_bn_forward_apply (bn->c, n, bn->hw, x, w->bn_mean[bn->site], w->bn_invstd[bn->site],
                       rl_model_tensor (m, m->params, bn->w),
                       rl_model_tensor (m, m->params, bn->b), NULL, relu, y);
}

/* dx = (or += with @add) batch norm backward of g = dy * (mask > 0) (mask nullable: g = dy),
 * x the forward's input; gamma's and beta's gradients into this thread's block. With @g_out
 * (nullable, may be dy), g is written there. */
void
rl_bn_part_backward (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, const float *dy,
                     const float *mask, float *g_out, const float *x, float *dx, gboolean add,
                     float *grads)
{
  const int t = w->tid, nt = w->nt;
  const float *gamma = rl_model_tensor (m, m->params, bn->w);
  const float *mean = w->bn_mean[bn->site], *invstd = w->bn_invstd[bn->site];
  float *dgamma = rl_model_tensor (m, grads, bn->w);
  float *dbeta = rl_model_tensor (m, grads, bn->b);
  double stack[2 * 256];
  double *mine, *tot;

  if (w->eval_grad)
    {
      /* evaluation mode: y = gamma * (x - running_mean) * invstd + beta, so dx = dy * gamma *
       * invstd per channel; no batch statistics, no team (rl-explain.c runs one thread) */
      if (g_out != NULL)
        rl_bn_backward_partials (bn->c, n, bn->hw, dy, mask, x, mean, invstd, g_out, stack);
      rl_bn_backward_affine (bn->c, n, bn->hw, g_out != NULL ? g_out : dy,
                             g_out != NULL ? NULL : mask, invstd, gamma, add, dx);
      return;
    }

  mine = post_area (m, w, t);
  tot = bn->c <= 256 ? stack : g_new (double, 2 * bn->c);
  rl_bn_backward_partials (bn->c, n, bn->hw, dy, mask, x, mean, invstd, g_out, mine);
  for (int c = 0; c < bn->c; c++)
    {
      dbeta[c] += (float) mine[c];
      dgamma[c] += (float) mine[bn->c + c];
    }
  exchange_totals (m, mine, t, nt, bn->c, tot);
  /* g is in g_out now when it was written: read it there rather than masking again */
  rl_bn_backward_apply (bn->c, n, bn->hw, g_out != NULL ? g_out : dy,
                        g_out != NULL ? NULL : mask, x, mean, invstd, gamma, tot,
                        (double) w->n_total * bn->hw, add, dx);
  if (tot != stack)
    g_free (tot);
}
