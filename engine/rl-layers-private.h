/* rl-layers-private.h: kernels the layer files share among themselves. Not installed.
 *
 * Legend: N images, C channels, W width; z, dz: (C, rows, W, N), y, arg, dy: (C, rows/2, W/2, N),
 * each with its channels the given number of floats apart (zc, yc).
 */
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/* NaN through the ReLU and max pooling as through PyTorch's (torch.relu(nan) is nan, and
 * max_pool2d keeps a NaN): a net whose values overflow must give a NaN loss, which the training
 * loop stops at, not a finite, wrong one (#12, #16). Each is a form GCC vectorises without a
 * branch; "v > 0.0f ? v : 0.0f" and "v > m ? v : m", one maxps each, turn a NaN v into 0 or m. */

/* relu(v): 0 where v <= 0 (-0.0 too: the bits of "v > 0 ? v : 0" for every number), else v, so
 * a NaN stays NaN. */
static inline float
rl_relu (float v)
{
  return v <= 0.0f ? 0.0f : v;
}

/* The ReLU's gradient mask from its output y, as PyTorch's threshold_backward (y <= 0 ? 0 :
 * dy): 1 where y is positive or NaN, so that a NaN's position passes its gradient on (NaN, once
 * the loss is) instead of a clean 0. */
static inline float
rl_relu_mask (float y)
{
  return (float) !(y <= 0.0f);
}

/* The running maximum @m after @v, NaN once either is, as max_pool2d's "val > maxval ||
 * isnan (val)". */
static inline float
rl_max_nan (float m, float v)
{
  return v > m || isnan (v) ? v : m;
}

/* Whether @v is where a window's maximum @m came from: equal to it, or a NaN that made it NaN
 * (a NaN window's gradient goes to its first NaN, not nowhere). */
static inline gboolean
rl_is_max (float v, float m)
{
  return v == m || isnan (v);
}

/* Sum of @n floats in 16 interleaved partial sums, added up at the end in a fixed order: the
 * compiler can vectorise it (a single running sum it may not reorder), and the result is the
 * same bits every time. (rl-layers.c) */
float rl_sum_lanes (const float *x, int n);

/* y = maxpool2(relu(z)) and each window's winner (0..3) over @rows rows of z, for the fused
 * conv -> ReLU -> max pooling layer (rl-conv.c). (rl-pooling.c) */
void  rl_relu_maxpool2_rows          (int c, int n, int rows, int w, const float *z, size_t zc,
                                      float *y, float *arg, size_t yc);
/* dz = the gradient of z for y = maxpool2(relu(z)), from the winners. (rl-pooling.c) */
void  rl_relu_maxpool2_backward_rows (int c, int n, int rows, int w, const float *y,
                                      const float *arg, const float *dy, size_t yc, float *dz,
                                      size_t zc);

G_END_DECLS
