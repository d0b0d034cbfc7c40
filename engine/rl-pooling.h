/* rl-pooling.h: max pooling (with or without the ReLU before it) and global average pooling.
 * Included by rl-layers.h.
 *
 * Legend: N images, C channels, H x W spatial size, K the window and stride. Activations are
 * (C, H, W, N): pooling compares whole N-vectors.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* K x K max pooling with stride K (PyTorch's MaxPool2d(K)); partial windows are dropped.
 * x: (C, H, W, N); y: (C, H/K, W/K, N). No argmax is stored: the backward finds the winner
 * again by comparing the window with y, taking the first maximum in row-major order as
 * PyTorch's CPU kernel does, which keeps both passes branch-free over the batch. A window
 * holding a NaN gives NaN, as PyTorch's does; its gradient goes to the first NaN. */
void rl_maxpool_forward  (int c, int n, int h, int w, int k, const float *x, float *y);
/* dx += dy routed to each window's winner. x, dx: (C, H, W, N); y, dy: (C, H/K, W/K, N) */
void rl_maxpool_backward (int c, int n, int h, int w, int k, const float *x, const float *y,
                          const float *dy, float *dx);
/* ReLU then max pooling, backward in one pass: dz = dL/dz (written, not accumulated) for
 * y = maxpool(relu(z)). @x may be z or relu(z): where the maximum y is positive its winner is
 * the same first position in either, and gets dy; where y = 0 (ReLU's gradient 0) nothing
 * does. The ReLU's own output gradient is never formed.
 * x, dz: (C, H, W, N); y, dy: (C, H/K, W/K, N) */
void rl_relu_maxpool_backward (int c, int n, int h, int w, int k, const float *x,
                               const float *y, const float *dy, float *dz);
/* For a fused layer that needs an input gradient: dz = dL/dz (written) for y = maxpool2(relu(z))
 * from the forward's winners, then rl_conv2d_backward() with dz. z, dz: (C, H, W, N), H and W
 * even; y, arg, dy: (C, H/2, W/2, N). */
void rl_relu_maxpool2_backward_arg   (int c, int n, int h, int w, const float *y,
                                      const float *arg, const float *dy, float *dz);

/* Global average pooling. x: (C, H, W, N) -> y: (C, N). */
void rl_gap_forward  (int c, int n, int hw, const float *x, float *y);
/* dx += dy / (H*W) broadcast. */
void rl_gap_backward (int c, int n, int hw, const float *dy, float *dx);

G_END_DECLS
