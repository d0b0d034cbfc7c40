/* rl-conv.h: the convolution, forward and backward, and the conv -> ReLU -> 2x2 max pooling
 * layer training runs as one. Included by rl-layers.h.
 *
 * Legend: N images, C channels (Ci in, Co out), H x W spatial size (Ho x Wo out), K kernel
 * size, S stride, P padding.
 *
 * Activations are (C, H, W, N): a convolution is a GEMM, (Co x Ci*K*K) * (Ci*K*K x Ho*Wo*N)
 * -> (Co, Ho*Wo*N), whose result is already the next activation; with stride 1 each row of the
 * im2col matrix over an output row is a contiguous run of the input, so the GEMM reads the input
 * in place through row pointers (the "implicit GEMM", rl-conv.c) and no im2col copy is made;
 * other strides, and single images, copy im2col blocks that stay in L2.
 */
#pragma once

#include <glib.h>

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

/* Convolution, ReLU and 2x2 max pooling as one layer, for training, the seed's conv -> relu ->
 * maxpool(2): in blocks of output rows, so the convolution's output z is never written whole
 * (a block stays in L2 while it is pooled), and the backward rebuilds z's gradient a block at a
 * time while the weight gradient reads it. In between, @arg keeps each window's winner (0..3
 * in row-major order, the first maximum, as PyTorch's CPU kernel), as a float: one where z
 * took four (a float, unlike a byte, keeps GCC's vectorised loops on 16-float vectors).
 * Results are those of rl_conv2d_forward, rl_relu_forward and rl_maxpool_forward in sequence,
 * bit for bit (but for which NaN a window holding one gives); the backward's sums go in a
 * different order (blocks), so its last bits differ.
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

G_END_DECLS
