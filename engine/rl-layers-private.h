/* rl-layers-private.h: kernels the layer files share among themselves. Not installed.
 *
 * Legend: N images, C channels, W width; z, dz: (C, rows, W, N), y, arg, dy: (C, rows/2, W/2, N),
 * each with its channels the given number of floats apart (zc, yc).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

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
