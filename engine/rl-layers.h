/* rl-layers.h: the layers, one pair of plain functions per layer and direction. This header
 * holds the small ones (ReLU, fully connected, flattening, softmax) and includes those of the
 * convolution (rl-conv.h), pooling (rl-pooling.h) and batch norm (rl-batchnorm.h).
 *
 * Legend: N images, C channels (Ci in, Co out), H x W spatial size (Ho x Wo out), K kernel
 * size, S stride, P padding, D features, M classes.
 *
 * Activations are stored channel-major with the batch innermost, (C, H, W, N): a convolution is
 * then a GEMM whose result is already the next activation (rl-conv.h), pooling compares whole
 * N-vectors, and every channel's values stay contiguous for batch norm. For N = 1 it is the
 * plain (C, H, W) the viewers show.
 *
 * Backward functions accumulate (+=) into parameter and input gradients (the caller zeroes
 * them once per step), except where they say they write (=) the input gradient. Where a
 * backward takes a nullable input gradient, NULL skips that work (the first layer needs no
 * input gradient).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "rl-batchnorm.h"
#include "rl-conv.h"
#include "rl-pooling.h"

G_BEGIN_DECLS

/* y = max(x, 0), elementwise over len floats, a NaN kept as torch.relu keeps it; y may equal
 * x. */
void rl_relu_forward  (const float *x, float *y, size_t len);
/* dx += dy * !(y <= 0), PyTorch's threshold_backward. Uses the output as the mask (y > 0
 * exactly where x > 0; a NaN passes its gradient). */
void rl_relu_backward (const float *y, const float *dy, float *dx, size_t len);

/* dy *= !(y <= 0), elementwise: a gradient through a ReLU whose output is y, in place. */
void rl_mask_positive (float *dy, const float *y, size_t len);
/* y = max(a + b, 0), NaN kept: a residual block's output. */
void rl_add_relu      (const float *a, const float *b, float *y, size_t len);
/* dst += src */
void rl_add_to        (float *dst, const float *src, size_t len);

/* Fully connected: y = x W^T + b.
 * x: (N, D) row-major per image; w: (M, D); b: (M); y: (N, M). */
void rl_linear_forward  (int n, int d, int m, const float *x, const float *w, const float *b,
                         float *y);
/* dw += dy^T x, db += sum over N of dy, dx += dy W (dx nullable).
 * dy: (N, M). */
void rl_linear_backward (int n, int d, int m, const float *x, const float *w, const float *dy,
                         float *dx, float *dw, float *db);

/* The same layer on the engine's own layout, where the flattening is free: (C, H, W, N) viewed
 * as (D, N) already lists each image's features in PyTorch's x.view(N, -1) order.
 * x: (D, N); w: (M, D); b: (M); y: (M, N), i.e. (M, 1, 1, N). */
void rl_dense_forward  (int n, int d, int m, const float *x, const float *w, const float *b,
                        float *y);
/* dw += dy x^T, db += row sums of dy, dx += w^T dy (dx nullable). dy: (M, N); dx: (D, N) */
void rl_dense_backward (int n, int d, int m, const float *x, const float *w, const float *dy,
                        float *dx, float *dw, float *db);

/* Between the channel-major activations and the per-image rows the linear layer takes:
 * x: (C, HW, N) <-> rows: (N, C*HW), flattening each image in (C, H, W) order as PyTorch's
 * x.view(N, -1). */
void rl_flatten_forward  (int c, int n, int hw, const float *x, float *rows);
/* dx += unflatten (drows) */
void rl_flatten_backward (int c, int n, int hw, const float *drows, float *dx);

/* Softmax cross-entropy, PyTorch's CrossEntropyLoss with reduction 'mean' over @denom images
 * (the whole batch, when this call sees one thread's slice of it).
 * logits: (N, M); labels: (N); dlogits: (N, M) written (not accumulated), nullable;
 * probs: (N, M) nullable. Returns the *sum* of the N per-image losses (divide by denom for the
 * mean); *n_correct counts argmax hits (rl_argmax: torch.argmax's, a NaN above any number). */
double rl_softmax_xent (int n, int m, const float *logits, const uint8_t *labels, int denom,
                        float *dlogits, float *probs, int *n_correct);

/* Softmax of one row. logits, probs: (M) */
void rl_softmax (int m, const float *logits, float *probs);

/* softmax(logits)[k] of one row, in double (the exponentials too). logits: (M) */
double rl_softmax_at (int m, const float *logits, int k);

G_END_DECLS
