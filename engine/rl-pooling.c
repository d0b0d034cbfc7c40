#define G_LOG_DOMAIN "reslab-engine"

/* rl-pooling.c: max pooling (any K, and 2x2 with the ReLU before it in one pass), the window
 * loops of the fused conv -> ReLU -> max pooling layer (rl-conv.c), and global average pooling;
 * forward and backward side by side.
 *
 * Legend: N images, C channels, H x W spatial size, K the window (and stride). Activations
 * are (C, H, W, N), the batch innermost.
 */

#include "rl-pooling.h"

#include <string.h>

#include "rl-clones.h"
#include "rl-layers-private.h"

/* Max pooling with the batch innermost: each window position is a whole N-vector, so both
 * passes run over the batch with vector max and compare-select, no branches. A window with a
 * NaN gives NaN, as PyTorch's max_pool2d (rl_max_nan), and its gradient goes to that NaN. */
RL_CLONES (, void, rl_maxpool_forward,
           (int c, int n, int h, int w, int k, const float *x, float *y),
           (c, n, h, w, k, x, y))
{
  const int ho = h / k, wo = w / k;

  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        {
          float *restrict yp = y + (((size_t) ch * ho + oy) * wo + ox) * n;
          const float *restrict first = x + (((size_t) ch * h + oy * k) * w + ox * k) * n;

          for (int i = 0; i < n; i++)
            yp[i] = first[i];
          for (int ky = 0; ky < k; ky++)
            for (int kx = (ky == 0); kx < k; kx++)
              {
                const float *restrict v = x + (((size_t) ch * h + oy * k + ky) * w + ox * k + kx) * n;
                for (int i = 0; i < n; i++)
                  yp[i] = rl_max_nan (yp[i], v[i]);
              }
        }
}

/* 2x2, the seed's case: the four candidates of a window in registers, the first maximum found
 * with masks (h0, then h1 if not h0, ...), no bookkeeping array. @set: write dx (every covered
 * position gets a value), else add to it. @relu: the window's gradient only where y > 0
 * (rl_relu_maxpool_backward). */
static inline __attribute__ ((always_inline)) void
maxpool2_backward (const gboolean set, const gboolean relu, int c, int n, int h, int w,
                   const float *restrict x, const float *restrict y, const float *restrict dy,
                   float *restrict dx)
{
  const int ho = h / 2, wo = w / 2;

  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        {
          const size_t o = (((size_t) ch * ho + oy) * wo + ox) * n;
          const size_t a0 = (((size_t) ch * h + 2 * oy) * w + 2 * ox) * n;
          const size_t a1 = a0 + n, a2 = a0 + (size_t) w * n, a3 = a2 + n;

          for (int i = 0; i < n; i++)
            {
              const float m = y[o + i];
              const float g = relu ? dy[o + i] * rl_relu_mask (m) : dy[o + i];
              const float h0 = rl_is_max (x[a0 + i], m) ? 1.0f : 0.0f;
              const float h1 = (1.0f - h0) * (rl_is_max (x[a1 + i], m) ? 1.0f : 0.0f);
              const float h2 = (1.0f - h0 - h1) * (rl_is_max (x[a2 + i], m) ? 1.0f : 0.0f);
              const float h3 = 1.0f - h0 - h1 - h2;   /* the max is one of the four */
              if (set)
                {
                  dx[a0 + i] = h0 * g;
                  dx[a1 + i] = h1 * g;
                  dx[a2 + i] = h2 * g;
                  dx[a3 + i] = h3 * g;
                }
              else
                {
                  dx[a0 + i] += h0 * g;
                  dx[a1 + i] += h1 * g;
                  dx[a2 + i] += h2 * g;
                  dx[a3 + i] += h3 * g;
                }
            }
        }
}

/* Any K: dx += the gradient routed to each window's first maximum, or first NaN (masked by
 * the ReLU's rl_relu_mask with @relu). */
static void
maxpool_backward_any (gboolean relu, int c, int n, int h, int w, int k, const float *x,
                      const float *y, const float *dy, float *dx)
{
  const int ho = h / k, wo = w / k;
  float taken_stack[256];
  float *taken;

  taken = n <= 256 ? taken_stack : g_new (float, n);
  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        {
          const size_t o = (((size_t) ch * ho + oy) * wo + ox) * n;
          const float *restrict yp = y + o, *restrict g = dy + o;

          /* taken[i] = 1 once image i's winner has had the gradient: only the first of equal
           * maxima gets it */
          for (int i = 0; i < n; i++)
            taken[i] = 0.0f;
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
              {
                const size_t at = (((size_t) ch * h + oy * k + ky) * w + ox * k + kx) * n;
                const float *restrict v = x + at;
                float *restrict d = dx + at;
                for (int i = 0; i < n; i++)
                  {
                    float hit = (rl_is_max (v[i], yp[i]) && taken[i] == 0.0f) ? 1.0f : 0.0f;
                    float gi = relu ? g[i] * rl_relu_mask (yp[i]) : g[i];
                    d[i] += hit * gi;
                    taken[i] += hit;
                  }
              }
        }
  if (taken != taken_stack)
    g_free (taken);
}

RL_CLONES (, void, rl_maxpool_backward,
           (int c, int n, int h, int w, int k, const float *x, const float *y, const float *dy,
            float *dx),
           (c, n, h, w, k, x, y, dy, dx))
{
  if (k == 2)
    maxpool2_backward (FALSE, FALSE, c, n, h, w, x, y, dy, dx);
  else
    maxpool_backward_any (FALSE, c, n, h, w, k, x, y, dy, dx);
}

RL_CLONES (, void, rl_relu_maxpool_backward,
           (int c, int n, int h, int w, int k, const float *x, const float *y, const float *dy,
            float *dz),
           (c, n, h, w, k, x, y, dy, dz))
{
  if (k == 2 && h % 2 == 0 && w % 2 == 0)
    /* the windows tile the input: every position is written */
    maxpool2_backward (TRUE, TRUE, c, n, h, w, x, y, dy, dz);
  else
    {
      memset (dz, 0, sizeof (float) * c * h * w * (size_t) n);
      if (k == 2)
        maxpool2_backward (FALSE, TRUE, c, n, h, w, x, y, dy, dz);
      else
        maxpool_backward_any (TRUE, c, n, h, w, k, x, y, dy, dz);
    }
}

/* y = maxpool2(relu(z)) and each window's winner, over @rows rows of z (C, rows, W, N) whose
 * channels are zc floats apart, into rows / 2 rows of y and arg, channels yc apart. The results
 * of rl_maxpool_forward then rl_relu_forward, the same bits (but for which NaN a NaN window
 * gives). */
RL_CLONES (, void, rl_relu_maxpool2_rows,
           (int c, int n, int rows, int w, const float *z, size_t zc, float *y, float *arg,
            size_t yc),
           (c, n, rows, w, z, zc, y, arg, yc))
{
  const int wo = w / 2;

  for (int ch = 0; ch < c; ch++)
    for (int py = 0; py < rows / 2; py++)
      for (int px = 0; px < wo; px++)
        {
          const float *restrict z0 = z + ch * zc + ((size_t) 2 * py * w + 2 * px) * n;
          const float *restrict z1 = z0 + n, *restrict z2 = z0 + (size_t) w * n;
          const float *restrict z3 = z2 + n;
          const size_t o = ch * yc + ((size_t) py * wo + px) * n;
          float *restrict yp = y + o;
          float *restrict ap = arg + o;

          for (int i = 0; i < n; i++)
            {
              /* the plain maximum, then NaN if any of the four is (rl_max_nan's result, in
               * fewer vector operations: this runs for every training step's first layer);
               * the winner is the first maximum, or the first NaN */
              const gboolean n0 = isnan (z0[i]), n1 = isnan (z1[i]), n2 = isnan (z2[i]);
              const gboolean n3 = isnan (z3[i]);
              float m = z0[i];
              m = z1[i] > m ? z1[i] : m;
              m = z2[i] > m ? z2[i] : m;
              m = z3[i] > m ? z3[i] : m;
              m = (n0 | n1 | n2 | n3) ? NAN : m;
              yp[i] = rl_relu (m);
              ap[i] = (z0[i] == m) | n0 ? 0.0f
                      : (z1[i] == m) | n1 ? 1.0f
                      : (z2[i] == m) | n2 ? 2.0f : 3.0f;
            }
        }
}

/* One window's four N-vectors of dz from its y, arg and dy. */
static inline __attribute__ ((always_inline)) void
window_backward (int n, const float *restrict yp, const float *restrict ap,
                 const float *restrict gp, float *restrict d0, float *restrict d1,
                 float *restrict d2, float *restrict d3)
{
  for (int i = 0; i < n; i++)
    {
      const float g = gp[i] * rl_relu_mask (yp[i]);
      const float a = ap[i];
      d0[i] = (a == 0.0f ? 1.0f : 0.0f) * g;
      d1[i] = (a == 1.0f ? 1.0f : 0.0f) * g;
      d2[i] = (a == 2.0f ? 1.0f : 0.0f) * g;
      d3[i] = (a == 3.0f ? 1.0f : 0.0f) * g;
    }
}

/* dz (C, rows, W, N; channels zc apart) = the gradient of z for y = maxpool2(relu(z)), from
 * rows / 2 rows of y, arg and dy (channels yc apart): each window's dy goes to its winner
 * through the ReLU's mask (rl_relu_mask). The same products as maxpool2_backward, so the same bits. */
RL_CLONES (, void, rl_relu_maxpool2_backward_rows,
           (int c, int n, int rows, int w, const float *y, const float *arg, const float *dy,
            size_t yc, float *dz, size_t zc),
           (c, n, rows, w, y, arg, dy, yc, dz, zc))
{
  const int wo = w / 2;

  for (int ch = 0; ch < c; ch++)
    for (int py = 0; py < rows / 2; py++)
      for (int px = 0; px < wo; px++)
        {
          float *d0 = dz + ch * zc + ((size_t) 2 * py * w + 2 * px) * n;
          const size_t o = ch * yc + ((size_t) py * wo + px) * n;

          window_backward (n, y + o, arg + o, dy + o, d0, d0 + n, d0 + (size_t) w * n,
                           d0 + (size_t) w * n + n);
        }
}

void
rl_relu_maxpool2_backward_arg (int c, int n, int h, int w, const float *y, const float *arg,
                               const float *dy, float *dz)
{
  const size_t yc = (size_t) (h / 2) * (w / 2) * n;

  g_return_if_fail (h % 2 == 0 && w % 2 == 0);
  rl_relu_maxpool2_backward_rows (c, n, h, w, y, arg, dy, yc, dz, (size_t) h * w * n);
}

RL_CLONES (, void, rl_gap_forward,
           (int c, int n, int hw, const float *x, float *y),
           (c, n, hw, x, y))
{
  for (int ch = 0; ch < c; ch++)
    {
      float *yc = y + (size_t) ch * n;
      for (int i = 0; i < n; i++)
        yc[i] = 0.0f;
      for (int p = 0; p < hw; p++)
        {
          const float *xp = x + ((size_t) ch * hw + p) * n;
          for (int i = 0; i < n; i++)
            yc[i] += xp[i];
        }
      for (int i = 0; i < n; i++)
        yc[i] /= (float) hw;
    }
}

RL_CLONES (, void, rl_gap_backward,
           (int c, int n, int hw, const float *dy, float *dx),
           (c, n, hw, dy, dx))
{
  for (int ch = 0; ch < c; ch++)
    for (int p = 0; p < hw; p++)
      {
        float *d = dx + ((size_t) ch * hw + p) * n;
        for (int i = 0; i < n; i++)
          d[i] += dy[(size_t) ch * n + i] / (float) hw;
      }
}
