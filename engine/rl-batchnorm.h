/* rl-batchnorm.h: batch normalisation's kernels (PyTorch's BatchNorm2d), split at the points
 * where a multi-threaded caller must combine statistics over the whole batch (the model's step,
 * rl-batchnorm.c, does). Included by rl-layers.h.
 *
 * Training keeps the normalised input xhat = (x - mean) * invstd nowhere: the backward
 * recomputes it from x with the same two float operations, so it has the same bits, and a
 * pass over memory that writes it costs about what one that recomputes it does. The ReLU that
 * follows a batch norm (and the residual sum before it) runs inside the same pass, forward and
 * backward (the mask), so the normalised values and their gradient are not written either.
 *
 * Legend: N images, C channels, HW the plane size H x W.
 * x, y, r, mask, dy, dx: (C, HW, N): each channel's HW*N values contiguous.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RL_BN_EPS 1e-5f
#define RL_BN_MOMENTUM 0.1f

/* sums: (2C), written: per-channel sum of x, then per-channel sum of x^2, over this slice. */
void rl_bn_partial_stats     (int c, int n, int hw, const float *x, double *sums);
/* y = act (gamma * xhat + beta [+ r]) with xhat = (x - mean) * invstd; act the ReLU when
 * @relu, else the identity; r nullable. y may be x or r. */
void rl_bn_forward_apply     (int c, int n, int hw, const float *x, const float *mean,
                              const float *invstd, const float *gamma, const float *beta,
                              const float *r, gboolean relu, float *y);
/* The upstream gradient g = dy * (mask > 0) (mask nullable: g = dy; the ReLU after the batch
 * norm, mask its output). sums: (2C), written: per-channel sum of g, then of g * xhat, over
 * this slice. With @g_out (nullable, may be dy), g is also written there. */
void rl_bn_backward_partials (int c, int n, int hw, const float *dy, const float *mask,
                              const float *x, const float *mean, const float *invstd,
                              float *g_out, double *sums);
/* dx = (or += with @add) gamma * invstd * (g - (sum g + xhat * sum g*xhat) / M), g as in
 * rl_bn_backward_partials, with the totals @tot (2C) over the whole batch of
 * M = N_total * HW values per channel. */
void rl_bn_backward_apply    (int c, int n, int hw, const float *dy, const float *mask,
                              const float *x, const float *mean, const float *invstd,
                              const float *gamma, const double *tot, double m_total,
                              gboolean add, float *dx);
/* Evaluation mode's backward, batch norm a fixed affine map: dx = (or += with @add)
 * gamma * invstd * g, g as in rl_bn_backward_partials. */
void rl_bn_backward_affine   (int c, int n, int hw, const float *dy, const float *mask,
                              const float *invstd, const float *gamma, gboolean add,
                              float *dx);

G_END_DECLS
