#define G_LOG_DOMAIN "reslab-engine"

/* rl-gemm-portable.c: the portable SGEMM, the kernel every CPU can run. The same template as
 * the AVX kernels (rl-gemm-simd.h: blocking, packing, register-tiled micro-kernel, dot-product
 * tiles), instantiated with GCC's generic vector extensions instead of intrinsics: plain C
 * that GCC turns into the SIMD of whatever it compiles for. Built with the library's flags
 * (engine/meson.build), so:
 *
 * - x86-64 (baseline SSE2, what the library is built for): 4-float vectors in 16 xmm
 *   registers, no FMA, so a * b + c is a multiply and an add. A 4 x 12 tile: 12 accumulators,
 *   3 B vectors, the broadcast and a temporary are one register too many, yet it measured
 *   10-15 % faster than 4 x 8, 6 x 8 and 8 x 4 on the net's shapes (tools/bench-gemm
 *   --cpu-time); dot-product tiles 4 x 2 (4 x 3 measured 5-10 % slower).
 * - aarch64 (NEON is part of the base ISA): 4-float vectors in 32 registers with FMA (GCC
 *   contracts a * b + c into fmla, as -ffp-contract=fast, the GNU C default, allows): an
 *   8 x 12 tile, 24 accumulators, 3 B vectors and the broadcasts of A (ld1r).
 * - any x86 build given AVX (-march=x86-64-v3 or native): 8-float vectors, the AVX2 kernel's
 *   4 x 24 tile. That is the "generic vector width" figure of the README: the same source
 *   at the width of the intrinsics kernel.
 *
 * No intrinsics: the tails are element loops (masked-off lanes read as zero and are never
 * touched), the lane sums plain additions. Results are within float rounding of the other
 * kernels (rl-gemm.h): same blocking, same summation order per element, but without FMA (SSE2)
 * each product is rounded before it is added.
 */

#include "rl-gemm-private.h"

#include <string.h>

#if defined(__AVX__)
#define RL_VLEN 8
#define RL_MR 4
#define RL_NV 3
#define RL_COPY_B 1
#define RL_DOT_MR 4
#define RL_DOT_NR 3
#define RL_DOT_NR2 3
#elif defined(__aarch64__)
#define RL_VLEN 4
#define RL_MR 8
#define RL_NV 3
#define RL_COPY_B 0
#define RL_DOT_MR 4
#define RL_DOT_NR 5
#define RL_DOT_NR2 6
#else
/* SSE2, or any other target with 128-bit vectors and 16 registers */
#define RL_VLEN 4
#define RL_MR 4
#define RL_NV 3
#define RL_COPY_B 1
#define RL_DOT_MR 4
#define RL_DOT_NR 2
#define RL_DOT_NR2 2
#endif
#define RL_NC (4 * RL_NV * RL_VLEN)

typedef float RlVec __attribute__ ((vector_size (RL_VLEN * sizeof (float))));

#define RL_VEC RlVec
#define RL_SGEMM_NAME rl_sgemm_vec
#define RL_SGEMM_ROWS_NAME rl_sgemm_rows_vec
#define RL_SGEMM_DOT_ROWS_NAME rl_sgemm_dot_rows_vec

/* memcpy: an unaligned vector load or store (movups, ldr q), no aliasing questions */
static inline RlVec v_zero (void) { return (RlVec) { 0 }; }
static inline RlVec v_load (const float *p) { RlVec x; memcpy (&x, p, sizeof x); return x; }
static inline RlVec v_bcast (float x) { return x - (RlVec) { 0 }; }
static inline void v_store (float *p, RlVec x) { memcpy (p, &x, sizeof x); }
static inline RlVec v_fma (RlVec a, RlVec b, RlVec c) { return a * b + c; }
static inline RlVec v_mul (RlVec a, RlVec b) { return a * b; }

/* out[i] = the sum of the lanes of the i-th vector */
static inline void
v_reduce4 (RlVec a, RlVec b, RlVec c, RlVec d, float out[4])
{
  out[0] = out[1] = out[2] = out[3] = 0.0f;
  for (int l = 0; l < RL_VLEN; l++)
    {
      out[0] += a[l];
      out[1] += b[l];
      out[2] += c[l];
      out[3] += d[l];
    }
}

/* a "mask" is the number of leading lanes, 1 <= n <= RL_VLEN */
#define RL_MASK int

static inline int v_mask_n (int n) { return n; }

static inline RlVec
v_load_mask (const float *p, int n)
{
  RlVec x = v_zero ();

  for (int l = 0; l < n; l++)
    x[l] = p[l];
  return x;
}

static inline void
v_store_mask (float *p, int n, RlVec x)
{
  for (int l = 0; l < n; l++)
    p[l] = x[l];
}

#include "rl-gemm-simd.h"
