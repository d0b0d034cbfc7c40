#define G_LOG_DOMAIN "reslab-engine"

/* rl-layers.c: the small layers: ReLU and the residual sum's elementwise helpers, the fully
 * connected layer (in both layouts), flattening, softmax and the cross-entropy loss. The
 * convolution is in rl-conv.c, pooling in rl-pooling.c, batch norm in rl-batchnorm.c.
 *
 * Legend: N images, C channels, H x W spatial size, D features, M classes (outputs).
 */

#include "rl-layers.h"

#include <math.h>
#include <string.h>

#include "rl-gemm.h"
#include "rl-layers-private.h"
#include "rl-train.h"

#include "rl-clones.h"

/* The elementwise loops below are what GCC vectorises: the hot ones are RL_CLONES (built for
 * AVX2 and AVX-512 too). Measured on the seed net: as SSE2 code they were most of the time
 * outside the GEMMs. */

/* See rl-layers-private.h: 16 interleaved partial sums, then those in a fixed order. */
RL_CLONES (, float, rl_sum_lanes,
           (const float *restrict x, int n),
           (x, n))
{
  float lane[16] = { 0 };
  float s = 0.0f;
  int i = 0;

  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++)
      lane[j] += x[i + j];
  for (; i < n; i++)
    lane[i % 16] += x[i];
  for (int j = 0; j < 16; j++)
    s += lane[j];
  return s;
}

RL_CLONES (, void, rl_relu_forward,
           (const float *x, float *y, size_t len),
           (x, y, len))
{
  /* y may be x: no restrict here */
  for (size_t i = 0; i < len; i++)
    y[i] = rl_relu (x[i]);
}

RL_CLONES (, void, rl_relu_backward,
           (const float *restrict y, const float *restrict dy, float *restrict dx, size_t len),
           (y, dy, dx, len))
{
  /* A multiply by the 0/1 mask, not "dx += cond ? dy : 0": adding 0.0f is not an identity for
   * -0.0f, so the compiler keeps that as a branch and a conditional store, never vector code. */
  for (size_t i = 0; i < len; i++)
    dx[i] += dy[i] * rl_relu_mask (y[i]);
}

RL_CLONES (, void, rl_mask_positive,
           (float *restrict dy, const float *restrict y, size_t len),
           (dy, y, len))
{
  /* a multiply by the 0/1 mask, which vectorises, not a select */
  for (size_t i = 0; i < len; i++)
    dy[i] *= rl_relu_mask (y[i]);
}

RL_CLONES (, void, rl_add_relu,
           (const float *restrict a, const float *restrict b, float *restrict y, size_t len),
           (a, b, y, len))
{
  for (size_t i = 0; i < len; i++)
    y[i] = rl_relu (a[i] + b[i]);
}

RL_CLONES (, void, rl_add_to,
           (float *restrict dst, const float *restrict src, size_t len),
           (dst, src, len))
{
  for (size_t i = 0; i < len; i++)
    dst[i] += src[i];
}

void
rl_linear_forward (int n, int d, int m, const float *x, const float *w, const float *b, float *y)
{
  /* y (N x M) = x (N x D) * w^T (D x M) */
  rl_sgemm (false, true, n, m, d, 1.0f, x, d, w, d, 0.0f, y, m);
  if (b != NULL)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++)
        y[(size_t) i * m + j] += b[j];
}

void
rl_linear_backward (int n, int d, int m, const float *x, const float *w, const float *dy,
                    float *dx, float *dw, float *db)
{
  /* dw (M x D) += dy^T (M x N) * x (N x D) */
  rl_sgemm (true, false, m, d, n, 1.0f, dy, m, x, d, 1.0f, dw, d);
  if (db != NULL)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++)
        db[j] += dy[(size_t) i * m + j];
  /* dx (N x D) += dy (N x M) * w (M x D) */
  if (dx != NULL)
    rl_sgemm (false, false, n, d, m, 1.0f, dy, m, w, d, 1.0f, dx, d);
}

void
rl_dense_forward (int n, int d, int m, const float *x, const float *w, const float *b, float *y)
{
  /* y (M x N) = w (M x D) * x (D x N) */
  rl_sgemm (false, false, m, n, d, 1.0f, w, d, x, n, 0.0f, y, n);
  if (b != NULL)
    for (int j = 0; j < m; j++)
      for (int i = 0; i < n; i++)
        y[(size_t) j * n + i] += b[j];
}

void
rl_dense_backward (int n, int d, int m, const float *x, const float *w, const float *dy,
                   float *dx, float *dw, float *db)
{
  /* dw (M x D) += dy (M x N) * x^T (N x D) */
  rl_sgemm (false, true, m, d, n, 1.0f, dy, n, x, n, 1.0f, dw, d);
  if (db != NULL)
    for (int j = 0; j < m; j++)
      db[j] += rl_sum_lanes (dy + (size_t) j * n, n);
  /* dx (D x N) += w^T (D x M) * dy (M x N) */
  if (dx != NULL)
    rl_sgemm (true, false, d, n, m, 1.0f, w, d, dy, n, 1.0f, dx, n);
}

void
rl_flatten_forward (int c, int n, int hw, const float *x, float *rows)
{
  /* x viewed as (D, N) with D = C*H*W in (C, H, W) order: rows is its transpose */
  const size_t d = (size_t) c * hw;
  for (size_t j = 0; j < d; j++)
    for (int img = 0; img < n; img++)
      rows[img * d + j] = x[j * n + img];
}

void
rl_flatten_backward (int c, int n, int hw, const float *drows, float *dx)
{
  const size_t d = (size_t) c * hw;
  for (size_t j = 0; j < d; j++)
    for (int img = 0; img < n; img++)
      dx[j * n + img] += drows[img * d + j];
}

void
rl_softmax (int m, const float *logits, float *probs)
{
  float mx = logits[0];
  double sum = 0.0;
  for (int j = 1; j < m; j++)
    mx = logits[j] > mx ? logits[j] : mx;
  for (int j = 0; j < m; j++)
    {
      probs[j] = expf (logits[j] - mx);
      sum += probs[j];
    }
  for (int j = 0; j < m; j++)
    probs[j] = (float) (probs[j] / sum);
}

double
rl_softmax_at (int m, const float *logits, int k)
{
  float mx = logits[0];
  double sum = 0.0;

  for (int j = 1; j < m; j++)
    mx = MAX (mx, logits[j]);
  for (int j = 0; j < m; j++)
    sum += exp ((double) logits[j] - mx);
  return exp ((double) logits[k] - mx) / sum;
}

double
rl_softmax_xent (int n, int m, const float *logits, const uint8_t *labels, int denom,
                 float *dlogits, float *probs, int *n_correct)
{
  double total = 0.0;
  int correct = 0;
  float p_stack[64];
  float *p = m <= 64 ? p_stack : g_new (float, m);

  for (int i = 0; i < n; i++)
    {
      const float *z = logits + (size_t) i * m;
      /* the prediction as torch.argmax's, a NaN above every number (a NaN anywhere makes the
       * loss and every probability NaN, whichever shift) */
      const int arg = rl_argmax (z, m);
      const float mx = z[arg];
      double sum = 0.0;

      for (int j = 0; j < m; j++)
        sum += exp ((double) z[j] - mx);

      /* loss = log(sum exp z) - z[label] = log(sum) + mx - z[label] */
      total += log (sum) + mx - z[labels[i]];
      correct += arg == labels[i];

      for (int j = 0; j < m; j++)
        p[j] = (float) (exp ((double) z[j] - mx) / sum);
      if (probs != NULL)
        memcpy (probs + (size_t) i * m, p, sizeof (float) * m);
      if (dlogits != NULL)
        for (int j = 0; j < m; j++)
          dlogits[(size_t) i * m + j] = (p[j] - (j == labels[i] ? 1.0f : 0.0f)) / (float) denom;
    }

  if (p != p_stack)
    g_free (p);
  if (n_correct != NULL)
    *n_correct = correct;
  return total;
}
