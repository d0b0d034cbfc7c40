/* rl-batchnorm.h: batch normalisation's kernels (PyTorch's BatchNorm2d), split at the points
 * where a multi-threaded caller must combine statistics over the whole batch (the model's step,
 * rl-batchnorm.c, does). Included by rl-layers.h.
 *
 * Legend: N images, C channels, HW the plane size H x W.
 * x, y, xhat, dy, dx: (C, HW, N): each channel's HW*N values contiguous.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RL_BN_EPS 1e-5f
#define RL_BN_MOMENTUM 0.1f

/* sums: (2C), written: per-channel sum of x, then per-channel sum of x^2, over this slice. */
void rl_bn_partial_stats     (int c, int n, int hw, const float *x, double *sums);
/* y = gamma * xhat + beta with xhat = (x - mean) * invstd; xhat stored when non-NULL. */
void rl_bn_forward_apply     (int c, int n, int hw, const float *x, const float *mean,
                              const float *invstd, const float *gamma, const float *beta,
                              float *xhat, float *y);
/* sums: (2C), written: per-channel sum of dy, then of dy * xhat, over this slice. */
void rl_bn_backward_partials (int c, int n, int hw, const float *dy, const float *xhat,
                              double *sums);
/* dx += gamma * invstd * (dy - (sum dy + xhat * sum dy*xhat) / M), with the totals @tot (2C)
 * over the whole batch of M = N_total * HW values per channel. */
void rl_bn_backward_apply    (int c, int n, int hw, const float *dy, const float *xhat,
                              const float *invstd, const float *gamma, const double *tot,
                              double m_total, float *dx);

G_END_DECLS
