#define G_LOG_DOMAIN "reslab-engine"

/* rl-gemm-avx512.c: the AVX-512 SGEMM. Built with -mavx512f -mavx512vl -mavx512dq -mavx2
 * -mfma (engine/meson.build); rl-gemm.c calls it only on CPUs that have them.
 *
 * 32 zmm registers: the outer-product tile is 8 rows x 48 columns of C (24 accumulators,
 * 3 loads of B and 8 broadcasts of A per k; measured a little faster than 8 x 32 or 4 x 64 on
 * the net's shapes); the dot-product tile is 4 x 5 (20 accumulators, 9 loads per 20 FMAs) or
 * 4 x 6 (24, 10 per 24), whichever wastes fewer columns: 4 x 6 measured 10% faster on the
 * weight gradient of the blocks' convs (48 columns), 4 x 5 on conv1's (5) and conv2's (80).
 * Tails use masked loads and stores, which never touch the masked-off lanes.
 */

#include <immintrin.h>

#define RL_VEC __m512
#define RL_VLEN 16
#define RL_MR 8
#define RL_NV 3
#define RL_NC (8 * RL_NV * RL_VLEN)
#define RL_COPY_B 0
#define RL_DOT_MR 4
#define RL_DOT_NR 5
#define RL_DOT_NR2 6
#define RL_SGEMM_NAME rl_sgemm_avx512
#define RL_SGEMM_ROWS_NAME rl_sgemm_rows_avx512
#define RL_SGEMM_DOT_ROWS_NAME rl_sgemm_dot_rows_avx512

static inline __m512 v_zero (void) { return _mm512_setzero_ps (); }
static inline __m512 v_load (const float *p) { return _mm512_loadu_ps (p); }
static inline __m512 v_bcast (float x) { return _mm512_set1_ps (x); }
static inline void v_store (float *p, __m512 x) { _mm512_storeu_ps (p, x); }
static inline __m512 v_fma (__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps (a, b, c); }
static inline __m512 v_mul (__m512 a, __m512 b) { return _mm512_mul_ps (a, b); }

/* The sum of the two 256-bit halves. The maskz form (all lanes kept) because with GCC 12 the
 * plain extract's use of an undefined vector trips -Wuninitialized. */
static inline __m256
fold256 (__m512 x)
{
  return _mm256_add_ps (_mm512_maskz_extractf32x8_ps (0xff, x, 0),
                        _mm512_maskz_extractf32x8_ps (0xff, x, 1));
}

/* out[i] = the sum of the lanes of the i-th vector: fold to 256 bits, then as with AVX2 */
static inline void
v_reduce4 (__m512 a, __m512 b, __m512 c, __m512 d, float out[4])
{
  __m256 t = _mm256_hadd_ps (_mm256_hadd_ps (fold256 (a), fold256 (b)),
                             _mm256_hadd_ps (fold256 (c), fold256 (d)));
  _mm_storeu_ps (out, _mm_add_ps (_mm256_castps256_ps128 (t), _mm256_extractf128_ps (t, 1)));
}

#define RL_MASK __mmask16

/* the first n lanes, 1 <= n <= 16 */
static inline __mmask16 v_mask_n (int n) { return (__mmask16) ((1u << n) - 1); }

static inline __m512
v_load_mask (const float *p, __mmask16 m)
{
  return _mm512_maskz_loadu_ps (m, p);
}

static inline void
v_store_mask (float *p, __mmask16 m, __m512 x)
{
  _mm512_mask_storeu_ps (p, m, x);
}

#include "rl-gemm-simd.h"
