/* rl-winograd.h: the 3x3, stride 1, padding 1 convolution by Winograd's minimal filtering
 * algorithm F(2x2, 3x3) (Lavin and Gray 2016), forward and backward. Not installed; rl-conv.c
 * routes the convolutions it serves here.
 *
 * Each 2x2 block of output ("tile") is computed from the 4x4 block of input around it as
 *   Y = A^T [ (G g G^T) . (B^T d B) ] A
 * (". " elementwise), so the 16 products of a tile's transformed input and kernel replace the
 * 36 of the direct correlation: 2.25x fewer multiplies. Summed over input channels, the 16
 * elementwise products are 16 GEMMs, (Co x Ci) * (Ci x tiles * N), which the engine's GEMM
 * kernels run. The backward uses the same algebra: the input gradient is the forward
 * correlation of dY with the kernel turned by 180 degrees and transposed, and the weight
 * gradient is G^T [ sum over tiles of (A dY A^T) (B^T d B)^T ] G.
 *
 * Activations are (C, H, W, N), batch innermost, so every element of a tile is a run of N
 * floats and the transforms are additions of whole vectors. Tiles go in blocks whose
 * transformed inputs and products stay in a core's L2 cache between the transforms and the
 * GEMMs. Results are those of the direct correlation within float rounding (a few ulps more:
 * the transforms add and subtract), not bit for bit.
 */
#pragma once

#include "rl-conv.h"

G_BEGIN_DECLS

/* Whether rl_conv2d_forward/backward run @g at @n images this way: K 3, stride 1, padding 1,
 * at least 8 channels in and out, and a batch (n >= 8); and not turned off. */
gboolean rl_winograd_serves (const RlConvGeom *g, int n);
/* Floats of workspace the forward needs in cols, and the backward in each of cols and dcols,
 * for any batch of up to @n images. */
size_t   rl_winograd_workspace_size (const RlConvGeom *g, int n);

/* y = conv(x, w) + b (b nullable); shapes as rl_conv2d_forward. */
void rl_winograd_forward  (const RlConvGeom *g, int n, const float *x, const float *w,
                           const float *b, float *y, float *cols);
/* dw += dL/dw, dx (nullable) = or += dL/dx; shapes as rl_conv2d_backward (no bias here). */
void rl_winograd_backward (const RlConvGeom *g, int n, const float *x, const float *w,
                           const float *dy, float *dx, RlGradMode dx_mode, float *dw,
                           float *cols, float *dcols);

/* Process-wide: FALSE sends every convolution to the direct paths (benchmarks and tests compare
 * the two). Default TRUE, or FALSE when $RESLAB_WINOGRAD is "0". Not thread-safe: call before
 * any training starts. */
void     rl_winograd_set_enabled (gboolean enabled);
gboolean rl_winograd_get_enabled (void);

G_END_DECLS
