/* rl-layers.h: the layers, one pair of plain functions per layer and direction.
 *
 * Legend: N images, C channels (Ci in, Co out), H x W spatial size (Ho x Wo out), K kernel
 * size, S stride, P padding, D features, M classes.
 *
 * Activations are stored channel-major with the batch innermost, (C, H, W, N). With that layout
 * a convolution is a GEMM, (Co x Ci*K*K) * (Ci*K*K x Ho*Wo*N) -> (Co, Ho*Wo*N), whose result
 * is already the next activation; with stride 1 each row of the im2col matrix over an output
 * row is a contiguous run of the input, so the GEMM reads the input in place through row
 * pointers (the "implicit GEMM", rl-layers.c) and no im2col copy is made; other strides, and
 * single images, copy im2col blocks that stay in L2. Pooling compares whole N-vectors, and
 * every channel's values stay contiguous for batch norm. For N = 1 it is the plain (C, H, W)
 * the viewers show.
 *
 * Backward functions accumulate (+=) into parameter and input gradients (the caller zeroes
 * them once per step), except where they say they write (=) the input gradient. Where a
 * backward takes a nullable input gradient, NULL skips that work (the first layer needs no
 * input gradient).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct {
  int ci, hi, wi;      /* input channels and size */
  int co, ho, wo;      /* output channels and size */
  int k, stride, pad;
} RlConvGeom;

/* Fills ho, wo from the rest: ho = (hi + 2P - K) / S + 1. Returns FALSE if the output would be
 * empty. */
gboolean rl_conv_geom_init (RlConvGeom *g, int ci, int hi, int wi, int co, int k, int stride,
                            int pad);

/* Rows of the im2col matrix (Ci*K*K) times its columns (Ho*Wo*N). */
size_t   rl_conv_cols_size (const RlConvGeom *g, int n);
/* Floats that rl_conv2d_forward() and rl_conv2d_backward() need in each of cols and dcols for
 * any batch of up to @n images: im2col blocks of output rows that stay in a core's L2 cache,
 * or for stride 1 the implicit GEMM's pointer tables, reordered weights and an input padded
 * along x; usually much less than rl_conv_cols_size(). */
size_t   rl_conv_workspace_size (const RlConvGeom *g, int n);

/* x: (Ci, Hi, Wi, N) -> cols: (Ci*K*K, Ho*Wo*N); zero where the window leaves the image. */
void rl_im2col (const RlConvGeom *g, int n, const float *x, float *cols);
/* The adjoint: dx (Ci, Hi, Wi, N) += col2im (dcols (Ci*K*K, Ho*Wo*N)). */
void rl_col2im (const RlConvGeom *g, int n, const float *dcols, float *dx);

/* y = conv(x, w) + b.
 * x: (Ci, Hi, Wi, N); w: (Co, Ci, K, K); b: (Co); y: (Co, Ho, Wo, N);
 * cols: workspace of rl_conv_workspace_size() floats (unused for a 1x1, stride 1, pad 0 conv).
 * Stride 1 with rows of at least 64 columns (Wo * N) is an implicit GEMM reading x in place;
 * otherwise the convolution goes in blocks of output rows: im2col of a block, then its GEMM,
 * while the block is still in cache. */
void rl_conv2d_forward  (const RlConvGeom *g, int n, const float *x, const float *w,
                         const float *b, float *y, float *cols);
/* How a backward delivers an input gradient: added to what dx holds, or written over it (which
 * saves the caller zeroing dx first when it is the only contribution). */
typedef enum {
  RL_GRAD_ADD,
  RL_GRAD_SET,
} RlGradMode;

/* dw += dL/dw, db += dL/db, dx += or = dL/dx as @dx_mode says (dx nullable).
 * x: (Ci, Hi, Wi, N); dy: (Co, Ho, Wo, N); cols, dcols: workspaces as above. */
void rl_conv2d_backward (const RlConvGeom *g, int n, const float *x, const float *w,
                         const float *dy, float *dx, RlGradMode dx_mode, float *dw, float *db,
                         float *cols, float *dcols);

/* y = max(x, 0), elementwise over len floats; y may equal x. */
void rl_relu_forward  (const float *x, float *y, size_t len);
/* dx += dy * (y > 0). Uses the output as the mask (y > 0 exactly where x > 0). */
void rl_relu_backward (const float *y, const float *dy, float *dx, size_t len);

/* dy *= (y > 0), elementwise: a gradient through a ReLU whose output is y, in place. */
void rl_mask_positive (float *dy, const float *y, size_t len);
/* y = max(a + b, 0): a residual block's output. */
void rl_add_relu      (const float *a, const float *b, float *y, size_t len);
/* dst += src */
void rl_add_to        (float *dst, const float *src, size_t len);

/* K x K max pooling with stride K (PyTorch's MaxPool2d(K)); partial windows are dropped.
 * x: (C, H, W, N); y: (C, H/K, W/K, N). No argmax is stored: the backward finds the winner
 * again by comparing the window with y, taking the first maximum in row-major order as
 * PyTorch's CPU kernel does, which keeps both passes branch-free over the batch. */
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

/* Convolution, ReLU and 2x2 max pooling as one layer, for training, the seed's conv -> relu ->
 * maxpool(2): in blocks of output rows, so the convolution's output z is never written whole
 * (a block stays in L2 while it is pooled), and the backward rebuilds z's gradient a block at a
 * time while the weight gradient reads it. In between, @arg keeps each window's winner (0..3
 * in row-major order, the first maximum, as PyTorch's CPU kernel), as a float: one where z
 * took four (a float, unlike a byte, keeps GCC's vectorised loops on 16-float vectors).
 * Results are those of rl_conv2d_forward, rl_relu_forward and rl_maxpool_forward in sequence,
 * bit for bit; the backward's sums go in a different order (blocks), so its last bits differ.
 * Only for stride 1 with rows long enough for the implicit GEMM (a training batch) and an even
 * Ho and Wo: rl_conv_relu_maxpool_fusable(). */
gboolean rl_conv_relu_maxpool_fusable   (const RlConvGeom *g, int n);
/* Floats of the @block workspace the two functions below need (a few output rows). */
size_t   rl_conv_relu_maxpool_block_size (const RlConvGeom *g, int n);
/* y = maxpool2(relu(conv(x, w) + b)) (b nullable); arg: the winners. y, arg: (Co, Ho/2, Wo/2, N).
 * cols: rl_conv_workspace_size() floats. */
void rl_conv2d_relu_maxpool_forward  (const RlConvGeom *g, int n, const float *x,
                                      const float *w, const float *b, float *y, float *arg,
                                      float *cols, float *block);
/* dw += dL/dw, db += dL/db (nullable) for dy = dL/dy, with no input gradient (a first layer).
 * y, arg: what the forward wrote for this x and w. */
void rl_conv2d_relu_maxpool_backward (const RlConvGeom *g, int n, const float *x,
                                      const float *y, const float *arg, const float *dy,
                                      float *dw, float *db, float *cols, float *block);
/* For a fused layer that needs an input gradient: dz = dL/dz (written) for y = maxpool2(relu(z))
 * from the forward's winners, then rl_conv2d_backward() with dz. z, dz: (C, H, W, N), H and W
 * even; y, arg, dy: (C, H/2, W/2, N). */
void rl_relu_maxpool2_backward_arg   (int c, int n, int h, int w, const float *y,
                                      const float *arg, const float *dy, float *dz);

/* Global average pooling. x: (C, H, W, N) -> y: (C, N). */
void rl_gap_forward  (int c, int n, int hw, const float *x, float *y);
/* dx += dy / (H*W) broadcast. */
void rl_gap_backward (int c, int n, int hw, const float *dy, float *dx);

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

/* Batch normalisation (PyTorch's BatchNorm2d), split at the points where a multi-threaded caller
 * must combine statistics over the whole batch.
 * x, y, xhat, dy, dx: (C, HW, N): each channel's HW*N values contiguous. */
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

/* Softmax cross-entropy, PyTorch's CrossEntropyLoss with reduction 'mean' over @denom images
 * (the whole batch, when this call sees one thread's slice of it).
 * logits: (N, M); labels: (N); dlogits: (N, M) written (not accumulated), nullable;
 * probs: (N, M) nullable. Returns the *sum* of the N per-image losses (divide by denom for the
 * mean); *n_correct counts argmax hits (first maximum wins). */
double rl_softmax_xent (int n, int m, const float *logits, const uint8_t *labels, int denom,
                        float *dlogits, float *probs, int *n_correct);

/* Softmax of one row. logits, probs: (M) */
void rl_softmax (int m, const float *logits, float *probs);

G_END_DECLS
