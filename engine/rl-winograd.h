/* rl-winograd.h: the 3x3, stride 1, padding 1 convolution by Winograd's minimal filtering
 * algorithm F(2x2, 3x3) (Lavin and Gray 2016), for the forward and the input gradient. Not
 * installed; rl-conv.c routes the convolutions it serves here.
 *
 * Each 2x2 block of output ("tile") is computed from the 4x4 block of input around it as
 *   Y = A^T [ (G g G^T) . (B^T d B) ] A
 * (". " elementwise), so the 16 products of a tile's transformed input and kernel replace the
 * 36 of the direct correlation: 2.25x fewer multiplies, summed over input channels. The input
 * gradient is the same correlation of dY with the kernel turned by 180 degrees and transposed.
 * The weight gradient stays with the direct path: as a Winograd product it needs the sums over
 * every tile of every image, which did not pay (4889e61).
 *
 * One AVX-512 kernel, fused per tile (rl-winograd.c); other CPUs and $RESLAB_KERNEL below
 * avx512 keep the direct convolution. Results are those of the direct correlation within float
 * rounding (the transforms add and subtract), not bit for bit; the same bits for a given thread
 * count every run.
 */
#pragma once

#include "rl-conv.h"

G_BEGIN_DECLS

/* Whether rl_conv2d_forward/backward run @g at @n images this way: K 3, stride 1, padding 1,
 * maps of at least 8 x 8, channels in and out multiples of 8, images a multiple of 32, the
 * AVX-512 GEMM kernel in use, and not turned off. */
gboolean rl_winograd_serves (const RlConvGeom *g, int n);
/* Floats of workspace the forward needs in cols, and the input gradient in dcols, for any
 * batch of up to @n images (0 when it never serves @g). */
size_t   rl_winograd_workspace_size (const RlConvGeom *g, int n);

/* y = conv(x, w) + b (b nullable); shapes as rl_conv2d_forward. */
void rl_winograd_forward  (const RlConvGeom *g, int n, const float *x, const float *w,
                           const float *b, float *y, float *cols);
/* dx = or += dL/dx as @dx_mode says, for dy = dL/dy; shapes as rl_conv2d_backward. (The
 * weight gradient stays with the direct path.) */
void rl_winograd_backward_dx (const RlConvGeom *g, int n, const float *w, const float *dy,
                              float *dx, RlGradMode dx_mode, float *dcols);

/* Process-wide: FALSE sends every convolution to the direct paths (benchmarks and tests compare
 * the two). Default TRUE, or FALSE when $RESLAB_WINOGRAD is "0". Not thread-safe: call before
 * any training starts. */
void     rl_winograd_set_enabled (gboolean enabled);
gboolean rl_winograd_get_enabled (void);

G_END_DECLS
