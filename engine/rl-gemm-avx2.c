#define G_LOG_DOMAIN "reslab-engine"

/* rl-gemm-avx2.c: the AVX2/FMA SGEMM. Built with -mavx2 -mfma (engine/meson.build);
 * rl-gemm.c calls it only on CPUs that have them.
 *
 * 16 ymm registers: the outer-product tile is 4 rows x 24 columns of C (12 accumulators,
 * 3 loads of B and 4 broadcasts of A per k); the dot-product tile is 4 x 3 (12 accumulators
 * plus 3 B vectors and 1 A vector). With only 4 rows a pass, B is copied into contiguous
 * panels (RL_COPY_B, see rl-gemm-simd.h). 6 x 16, 8 x 8, 3 x 32 and 2 x 32 tiles measured
 * slower. Tails use vmaskmovps, which never touches masked-off lanes.
 *
 * Blocking for the smaller caches of AVX2-only cores (Zen 3: 32 KB L1d, 512 KB L2; the tile
 * shapes above need 16 registers whatever the core), measured with callgrind's cache model of
 * them (--D1=32768,8,64 --LL=524288,8,64) on tools/bench-conv, since no such core was at hand:
 * - RL_KC 128 (not 256): a B panel and its copy are 12 KB each, so they and the weights stay
 *   in L1 while the A panels pass; L1 misses of the convs' forward and input gradient -18 %.
 * - RL_DOT_CHUNK 1024: the weight gradient's reductions (up to 8192 floats a row in a call)
 *   in chunks, so an A tile's rows (16 KB) stay in L1 while the B tiles pass; its L1 misses
 *   -68 %, L2 misses -81 % (the whole call's rows, up to 1.5 MB, do not fit a 512 KB L2).
 */

#include <immintrin.h>

#define RL_VEC __m256
#define RL_VLEN 8
#define RL_MR 4
#define RL_NV 3
#define RL_NC (4 * RL_NV * RL_VLEN)
#define RL_COPY_B 1
#define RL_DOT_MR 4
#define RL_DOT_NR 3
#define RL_DOT_NR2 3
#define RL_DOT_CHUNK 1024
#define RL_KC 128
#define RL_SGEMM_NAME rl_sgemm_avx2
#define RL_SGEMM_ROWS_NAME rl_sgemm_rows_avx2
#define RL_SGEMM_DOT_ROWS_NAME rl_sgemm_dot_rows_avx2

static inline __m256 v_zero (void) { return _mm256_setzero_ps (); }
static inline __m256 v_load (const float *p) { return _mm256_loadu_ps (p); }
static inline __m256 v_bcast (float x) { return _mm256_set1_ps (x); }
static inline void v_store (float *p, __m256 x) { _mm256_storeu_ps (p, x); }
static inline __m256 v_fma (__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps (a, b, c); }
static inline __m256 v_mul (__m256 a, __m256 b) { return _mm256_mul_ps (a, b); }

/* out[i] = the sum of the lanes of the i-th vector */
static inline void
v_reduce4 (__m256 a, __m256 b, __m256 c, __m256 d, float out[4])
{
  /* [a0+a1, a2+a3, b0+b1, b2+b3 | a4+a5, ...], then the same again: per 128-bit half
   * [a0..3, b0..3, c0..3, d0..3] and [a4..7, ...]; add the halves */
  __m256 t = _mm256_hadd_ps (_mm256_hadd_ps (a, b), _mm256_hadd_ps (c, d));
  _mm_storeu_ps (out, _mm_add_ps (_mm256_castps256_ps128 (t), _mm256_extractf128_ps (t, 1)));
}

#define RL_MASK __m256i

/* the first n lanes, 1 <= n <= 8 */
static inline __m256i
v_mask_n (int n)
{
  static const int32_t lanes[16] = { -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0 };
  return _mm256_loadu_si256 ((const __m256i *) (lanes + 8 - n));
}

static inline __m256 v_load_mask (const float *p, __m256i m) { return _mm256_maskload_ps (p, m); }
static inline void v_store_mask (float *p, __m256i m, __m256 x) { _mm256_maskstore_ps (p, m, x); }

#include "rl-gemm-simd.h"
