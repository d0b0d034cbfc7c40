/* rl-gemm-simd.h: the SIMD SGEMM, written once and included by each ISA's file
 * (rl-gemm-avx2.c, rl-gemm-avx512.c), which first defines its vector type and primitives.
 * Not installed; never include it anywhere else.
 *
 * The including file provides:
 *   RL_VEC                  the vector type (__m256, __m512)
 *   RL_VLEN                 floats per vector
 *   RL_MR, RL_NV            outer-product tile: RL_MR rows x (RL_NV * RL_VLEN) columns of C
 *   RL_DOT_MR, RL_DOT_NR    dot-product tile (trans_b): RL_DOT_MR rows x RL_DOT_NR columns
 *   RL_DOT_NR2              a second tile width; each call takes the one that wastes fewer
 *                           columns of its N
 *   RL_SGEMM_NAME           the names of the entry points to define: rl_sgemm's,
 *   RL_SGEMM_ROWS_NAME      rl_sgemm_rows's and rl_sgemm_dot_rows's (rl-gemm.h)
 *   RL_SGEMM_DOT_ROWS_NAME
 *   RL_COPY_B               1: copy untransposed B (see below), 0: read it in place
 *   RL_NC                   columns of B packed per block (a multiple of RL_NR)
 *   RL_MASK                 a lane mask type
 *   v_zero, v_load, v_store, v_bcast, v_fma (a * b + c, one rounding), v_mul,
 *   v_reduce4 (the lane sums of four vectors), v_mask_n (the first n lanes, 1 <= n <= RL_VLEN),
 *   v_load_mask (masked-off lanes read as zero and never touch memory), v_store_mask.
 *
 * Two algorithms, both summing every C element's products in increasing k order within a
 * block, so a call's result never depends on anything but its arguments:
 *
 * 1. Outer products (no transpose, trans_a, small-K trans_b). Goto/BLIS blocking:
 *      for each K block of RL_KC:
 *        for each row block of mc rows:      pack A (mc x kc) into RL_MR-row panels
 *          for each column block of RL_NC:   if packing B (trans_b, or see RL_COPY_B):
 *                                            pack it into RL_NR-column panels
 *            for each B panel (RL_NR cols):  (stays in L1 while every A panel uses it)
 *              for each A panel:             micro-kernel: RL_MR x RL_NR accumulators,
 *                                            per k one broadcast of A and RL_NV loads of B
 *    A is small in every GEMM of the net (16 or 32 rows, or a reduction of 16 or 32), so
 *    packing it is cheap; packing also does A's transpose. A stored transposed (K x M), as
 *    the convolutions pass their weights, is k-major already: when every panel of a block has
 *    RL_MR rows, the micro-kernel reads it in place (measured: conv2's backward 0.89 -> 0.87
 *    ms, rblock2's forward 0.060 -> 0.056 ms at 64 images; its input gradient makes 81 small
 *    GEMMs, each packing A before). Untransposed B is read in place:
 *    its rows are already contiguous, and measured, copying it into panels first cost up to a
 *    quarter of the time (a separate pass, whose cache misses no FMAs overlap).
 *    RL_COPY_B (AVX2: 4 rows a pass, so each B panel is re-read 4 to 8 times):
 *    - when B's row stride is a multiple of 4 KB (N = 2048, 18432 in the net), a panel's rows
 *      all fall in the same few cache sets and every re-read misses: pack B in blocks of
 *      RL_NC columns, reading whole rows (+20-25% measured on Zen 5);
 *    - otherwise the first A panel's pass also stores the B vectors it loads into a
 *      contiguous copy (stores that overlap the FMAs) that the other A panels read (+10%).
 *    With AVX-512 (8 rows a pass) both measured slower (up to 20%), so it reads B in place.
 *    A panels are zero-padded to RL_MR rows; a last B panel narrower than RL_NR uses fewer
 *    vectors, the last one masked.
 *
 * 2. Dot products (trans_b with a long reduction, the weight gradient dW += dY * cols^T):
 *    rows of A and rows of B are both contiguous along k, so each of RL_DOT_MR x RL_DOT_NR
 *    accumulators sums lane-wise products along k and is reduced to a scalar at the end of a
 *    K block. No packing and no transposing. With RL_DOT_CHUNK (AVX2) the row-pointer form
 *    takes its reduction in chunks that keep an A tile's rows in L1 (sgemm_dot_rows_chunked).
 *
 * The row-pointer forms (rl_sgemm_rows, rl_sgemm_dot_rows) are the same two algorithms with
 * B's rows (and, for dot products, A's) found through a table of pointers instead of a
 * stride: a convolution points them into its input at each tap's offset instead of copying
 * the input out into an im2col matrix.
 */

#include <stdint.h>
#include <string.h>

#include "rl-gemm-private.h"

#define RL_NR (RL_NV * RL_VLEN)

/* K block of the outer-product path: a B panel is RL_KC x RL_NR floats (48 KB with AVX-512;
 * AVX2 sets 128: 12 KB). 128..400 measured within noise of each other on Zen 5's 48 KB L1. */
#ifndef RL_KC
#define RL_KC 256
#endif
/* Floats of packed A kept per block (in L2): mc = RL_A_BLOCK / kc rows. */
#define RL_A_BLOCK (64 * 1024)
/* Dot-product path: K block (the tile's rows stay in L1 for a block: 9 x 4 KB with
 * AVX-512; 512 and 2048 measured 5-15% slower) and the shortest reduction worth it (below it,
 * packing B^T for the outer-product path wins: measured crossover between 64 and 96 for
 * both ISAs on M = 32, N = 400). */
#ifndef RL_DOT_KC
#define RL_DOT_KC 1024
#endif
#define RL_DOT_MIN_K 80
/* Dot-product path with row pointers: the reduction's chunk (floats a row; 0: no chunks), see
 * sgemm_dot_rows_chunked. */
#ifndef RL_DOT_CHUNK
#define RL_DOT_CHUNK 0
#endif

#define RL_ALWAYS_INLINE inline __attribute__ ((always_inline))
#define RL_DOT_NR_MAX (RL_DOT_NR > RL_DOT_NR2 ? RL_DOT_NR : RL_DOT_NR2)
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

/* C (m x n) = beta * C, for K == 0. */
static void
scale_c (int m, int n, float beta, float *c, size_t ldc)
{
  for (int i = 0; i < m; i++)
    {
      float *ci = c + i * ldc;
      if (beta == 0.0f)
        memset (ci, 0, sizeof (float) * (size_t) n);
      else if (beta != 1.0f)
        for (int j = 0; j < n; j++)
          ci[j] *= beta;
    }
}

/* dst: (kc, width), k-major, panel rows >= n zero: rows r0 .. r0 + n - 1, columns k0.. of a
 * matrix stored row by row (row stride @ld), each row read along its length and written down
 * the panel. A's panel for op(A) = A (width RL_MR) and B's for op(B) = B^T (width RL_NR). */
static inline void
pack_rows_k_major (const float *src, size_t ld, int r0, int n, int k0, int kc, int width,
                   float *dst)
{
  for (int j = 0; j < width; j++)
    {
      const float *row = src + (size_t) (r0 + j) * ld + k0;
      if (j < n)
        for (int k = 0; k < kc; k++)
          dst[(size_t) k * width + j] = row[k];
      else
        for (int k = 0; k < kc; k++)
          dst[(size_t) k * width + j] = 0.0f;
    }
}

/* dst: (kc, RL_MR), k-major, rows >= m zero. op(A) rows i0.., columns k0.. */
static void
pack_a (bool trans_a, const float *A, size_t lda, int i0, int m, int k0, int kc, float *dst)
{
  if (trans_a)
    {
      /* A stored (K x M): op(A)[i][k] = A[k][i], RL_MR consecutive floats per k */
      for (int k = 0; k < kc; k++)
        {
          const float *src = A + (size_t) (k0 + k) * lda + i0;
          float *d = dst + (size_t) k * RL_MR;
          int i = 0;
          for (; i < m; i++)
            d[i] = src[i];
          for (; i < RL_MR; i++)
            d[i] = 0.0f;
        }
    }
  else
    pack_rows_k_major (A, lda, i0, m, k0, kc, RL_MR, dst);
}

/* dst: (kc, RL_NR), k-major, columns >= n zero: op(B) rows k0.., columns j0.., where
 * op(B) = B^T and B is stored (N x K), so read along B's rows (contiguous in k). */
static void
pack_b_trans (const float *B, size_t ldb, int k0, int kc, int j0, int n, float *dst)
{
  pack_rows_k_major (B, ldb, j0, n, k0, kc, RL_NR, dst);
}

/* dst: (kc, RL_NR), k-major, columns >= n zero: op(B) = B rows k0.., columns j0.. */
static void
pack_b_rows (const float *B, size_t ldb, int k0, int kc, int j0, int n, float *dst)
{
  for (int k = 0; k < kc; k++)
    {
      const float *src = B + (size_t) (k0 + k) * ldb + j0;
      float *d = dst + (size_t) k * RL_NR;
#pragma GCC unroll 4
      for (int v = 0; v < RL_NV; v++)
        {
          int left = n - v * RL_VLEN;
          RL_VEC x;
          if (left >= RL_VLEN)
            x = v_load (src + v * RL_VLEN);
          else if (left > 0)
            x = v_load_mask (src + v * RL_VLEN, v_mask_n (left));
          else
            x = v_zero ();
          v_store (d + v * RL_VLEN, x);
        }
    }
}

/* c (m x n, m <= RL_MR, n <= nv * RL_VLEN) = alpha * a * b + beta * c, where
 * a: (kc, >= RL_MR), row stride ak (packed: RL_MR), b: (kc, >= n) with row stride ldbk or, with @rows, row k at
 * brow[k] + bcol (b unused). With @bias, row i also gets bias[i]. Reads nv vectors per row of b, the last one masked to n's tail when @masked. beta == 0 never reads c. If @copy is not
 * NULL, also stores the b it reads there as (kc, RL_NR).
 * Always inlined with constant nv, masked and rows, so acc[][] is indexed by constants only
 * and lives in registers. */
static RL_ALWAYS_INLINE void
micro_kernel_nv (const int nv, const bool masked, const bool rows, float *restrict copy, int kc,
                 const float *restrict a, size_t ak, const float *restrict b, size_t ldbk,
                 const float *const *brow, size_t bcol, const float *bias,
                 float *c, size_t ldc, int m, int n, float alpha, float beta)
{
  RL_VEC acc[RL_MR][RL_NV];
  const RL_MASK tail = v_mask_n (masked ? n - (nv - 1) * RL_VLEN : RL_VLEN);

#pragma GCC unroll 16
  for (int i = 0; i < RL_MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < nv; v++)
      acc[i][v] = v_zero ();

  for (int k = 0; k < kc; k++)
    {
      RL_VEC bv[RL_NV];
      const float *bk = rows ? brow[k] + bcol : b + (size_t) k * ldbk;
#pragma GCC unroll 4
      for (int v = 0; v < nv; v++)
        bv[v] = masked && v == nv - 1 ? v_load_mask (bk + v * RL_VLEN, tail)
                                      : v_load (bk + v * RL_VLEN);
      if (copy != NULL)
#pragma GCC unroll 4
        for (int v = 0; v < nv; v++)
          v_store (copy + (size_t) k * RL_NR + v * RL_VLEN, bv[v]);
#pragma GCC unroll 16
      for (int i = 0; i < RL_MR; i++)
        {
          RL_VEC ai = v_bcast (a[(size_t) k * ak + i]);
#pragma GCC unroll 4
          for (int v = 0; v < nv; v++)
            acc[i][v] = v_fma (ai, bv[v], acc[i][v]);
        }
    }

  const RL_VEC va = v_bcast (alpha);
  const RL_VEC vb = v_bcast (beta);
#pragma GCC unroll 16
  for (int i = 0; i < RL_MR; i++)
    {
      if (i >= m)
        break;
      float *ci = c + i * ldc;
      const RL_VEC bi = v_bcast (bias != NULL ? bias[i] : 0.0f);
#pragma GCC unroll 4
      for (int v = 0; v < nv; v++)
        {
          RL_VEC r = bias != NULL ? v_fma (acc[i][v], va, bi) : v_mul (acc[i][v], va);
          if (masked && v == nv - 1)
            {
              if (beta != 0.0f)
                r = v_fma (vb, v_load_mask (ci + v * RL_VLEN, tail), r);
              v_store_mask (ci + v * RL_VLEN, tail, r);
            }
          else
            {
              if (beta != 0.0f)
                r = v_fma (vb, v_load (ci + v * RL_VLEN), r);
              v_store (ci + v * RL_VLEN, r);
            }
        }
    }
}

/* The micro-kernel for n columns (1 <= n <= RL_NR): as few vectors as cover n. With brow not
 * NULL, B's row k is at brow[k] + bcol (b and ldbk unused). */
static void
micro_kernel (int kc, const float *restrict a, size_t ak, const float *restrict b, size_t ldbk,
              const float *const *brow, size_t bcol, const float *bias,
              float *c, size_t ldc, int m, int n, float alpha, float beta)
{
  int nv = (n + RL_VLEN - 1) / RL_VLEN;
  bool masked = n % RL_VLEN != 0;

  switch (nv * 4 + masked * 2 + (brow != NULL))
    {
#define RL_MICRO_CASE1(NV_, MASKED_, ROWS_)                                                    \
    case (NV_) * 4 + (MASKED_) * 2 + (ROWS_):                                                  \
      micro_kernel_nv ((NV_), (MASKED_), (ROWS_), NULL, kc, a, ak, b, ldbk, brow, bcol, bias, c, \
                       ldc, m, n, alpha, beta);                                                \
      break;
#define RL_MICRO_CASE(NV_)                                                                     \
    RL_MICRO_CASE1 (NV_, 0, 0)                                                                 \
    RL_MICRO_CASE1 (NV_, 0, 1)                                                                 \
    RL_MICRO_CASE1 (NV_, 1, 0)                                                                 \
    RL_MICRO_CASE1 (NV_, 1, 1)
    RL_MICRO_CASE (1)
#if RL_NV >= 2
    RL_MICRO_CASE (2)
#endif
#if RL_NV >= 3
    RL_MICRO_CASE (3)
#endif
#if RL_NV >= 4
    RL_MICRO_CASE (4)
#endif
#if RL_NV >= 5
#error "RL_NV > 4: add cases"
#endif
#undef RL_MICRO_CASE
#undef RL_MICRO_CASE1
    default:
      __builtin_unreachable ();   /* 1 <= n <= RL_NR */
    }
}

/* brow not NULL: B's row k is the N floats at brow[k] (B, ldb and trans_b unused), and the
 * product is done @nrep times over one packing of A, the r-th reading B's rows r * bstep
 * floats further on and writing C + r * cstep (rl_sgemm_rows). @bias (one value per row of C)
 * is added once, by the first K block. */
static void
sgemm_packed (bool trans_a, bool trans_b, int M, int N, int K, float alpha,
              const float *A, size_t lda, const float *B, size_t ldb,
              const float *const *brow, int nrep, size_t bstep, size_t cstep,
              const float *bias, float beta, float *C, size_t ldc)
{
  int kc_max = K < RL_KC ? K : RL_KC;
  int mc_max = RL_A_BLOCK / kc_max / RL_MR * RL_MR;
  if (mc_max < RL_MR)
    mc_max = RL_MR;
  int m_round = (M + RL_MR - 1) / RL_MR * RL_MR;
  if (mc_max > m_round)
    mc_max = m_round;

  /* see the top of the file: how B is read */
  bool rows = brow != NULL;
  bool pack_rows = RL_COPY_B && !rows && !trans_b && ldb % 1024 == 0;

  if (rows)
    trans_b = false;
  else
    nrep = 1;

  float *pa = rl_gemm_scratch ((size_t) mc_max * kc_max
                               + (trans_b || RL_COPY_B ? (size_t) RL_NC * kc_max : 0));
  float *pb = pa + (size_t) mc_max * kc_max;

  for (int k0 = 0; k0 < K; k0 += RL_KC)
    {
      int kc = K - k0 < RL_KC ? K - k0 : RL_KC;
      /* later K blocks add to what the first one wrote */
      float beta_k = k0 == 0 ? beta : 1.0f;
      const float *bias_k = k0 == 0 ? bias : NULL;

      for (int i0 = 0; i0 < M; i0 += mc_max)
        {
          int mc = M - i0 < mc_max ? M - i0 : mc_max;
          /* A stored transposed (K x M) with whole panels is already k-major: read in place.
           * Panel ir is at a_at(ir), ak floats a k. */
          const bool direct_a = trans_a && mc % RL_MR == 0;
          const size_t ak = direct_a ? (size_t) lda : RL_MR;
#define a_at(ir) (direct_a ? A + (size_t) k0 * lda + i0 + (ir) : pa + (size_t) (ir) * kc)
          if (!direct_a)
            for (int ir = 0; ir < mc; ir += RL_MR)
              pack_a (trans_a, A, lda, i0 + ir, mc - ir < RL_MR ? mc - ir : RL_MR,
                      k0, kc, pa + (size_t) ir * kc);

          for (int rep = 0; rep < nrep; rep++)
          for (int j0 = 0; j0 < N; j0 += RL_NC)
            {
              int nc = N - j0 < RL_NC ? N - j0 : RL_NC;
              float *Cr = C + rep * cstep;
              if (pack_rows)
                for (int jr = 0; jr < nc; jr += RL_NR)
                  pack_b_rows (B, ldb, k0, kc, j0 + jr, nc - jr < RL_NR ? nc - jr : RL_NR,
                               pb + (size_t) jr * kc);
              else if (trans_b)
                for (int jr = 0; jr < nc; jr += RL_NR)
                  pack_b_trans (B, ldb, k0, kc, j0 + jr, nc - jr < RL_NR ? nc - jr : RL_NR,
                                pb + (size_t) jr * kc);

              for (int jr = 0; jr < nc; jr += RL_NR)
                {
                  bool packed = trans_b || pack_rows;
                  const float *b = packed ? pb + (size_t) jr * kc
                                   : rows ? NULL
                                   : B + (size_t) k0 * ldb + j0 + jr;
                  size_t ldbk = packed ? RL_NR : ldb;
                  const float *const *br = rows ? brow + k0 : NULL;
                  size_t bcol = rep * bstep + j0 + jr;
                  int ir = 0;
                  if (RL_COPY_B && !packed && nc - jr == RL_NR && mc > RL_MR)
                    {
                      const float *bi = bias_k != NULL ? bias_k + i0 : NULL;
                      if (rows)
                        micro_kernel_nv (RL_NV, false, true, pb, kc, a_at (0), ak, NULL, 0, br, bcol,
                                         bi,
                                         Cr + (size_t) i0 * ldc + j0 + jr, ldc,
                                         RL_MR, RL_NR, alpha, beta_k);
                      else
                        micro_kernel_nv (RL_NV, false, false, pb, kc, a_at (0), ak, b, ldbk, NULL, 0,
                                         bi,
                                         Cr + (size_t) i0 * ldc + j0 + jr, ldc,
                                         RL_MR, RL_NR, alpha, beta_k);
                      b = pb;
                      ldbk = RL_NR;
                      br = NULL;
                      ir = RL_MR;
                    }
                  for (; ir < mc; ir += RL_MR)
                    micro_kernel (kc, a_at (ir), ak, b, ldbk, br, bcol,
                                  bias_k != NULL ? bias_k + i0 + ir : NULL,
                                  Cr + (size_t) (i0 + ir) * ldc + j0 + jr, ldc,
                                  mc - ir < RL_MR ? mc - ir : RL_MR,
                                  nc - jr < RL_NR ? nc - jr : RL_NR,
                                  alpha, beta_k);
                }
            }
#undef a_at
        }
    }
}

/* c (RL_DOT_MR x nr) = alpha * sum_s sum_k a[i][s * astep + k] * b[j][s * bstep + k]
 * + beta * c, over k = kb .. kc - 1 and segments s = s0 .. nseg - 1, where a: RL_DOT_MR row
 * pointers, b: nr row pointers (tails repeat a valid row; only the first m rows and n columns
 * are stored). The vector sums start from acc_in (NULL: zero); with acc_out they are left
 * there instead of reduced and written (a chunk, sgemm_dot_rows_chunked). Inlined with a
 * constant nr (RL_DOT_NR or RL_DOT_NR2) and, but for the chunks, constant kb, s0 and NULLs. */
static RL_ALWAYS_INLINE void
dot_tile_nr (const int nr, int kb, int kc, int s0, int nseg, size_t astep, size_t bstep,
             const float *const *a, const float *const *b, const RL_VEC *acc_in,
             RL_VEC *acc_out, const size_t *coff,
             float *c, size_t ldc, int m, int n, float alpha, float beta)
{
  RL_VEC acc[RL_DOT_MR][RL_DOT_NR_MAX];

#pragma GCC unroll 8
  for (int i = 0; i < RL_DOT_MR; i++)
#pragma GCC unroll 8
    for (int j = 0; j < nr; j++)
      acc[i][j] = acc_in != NULL ? acc_in[i * nr + j] : v_zero ();

  for (int s = s0; s < nseg; s++)
    {
      const float *as[RL_DOT_MR], *bs[RL_DOT_NR_MAX];
#pragma GCC unroll 8
      for (int i = 0; i < RL_DOT_MR; i++)
        as[i] = a[i] + s * astep;
#pragma GCC unroll 8
      for (int j = 0; j < nr; j++)
        bs[j] = b[j] + s * bstep;

      int k = kb;
      for (; k + RL_VLEN <= kc; k += RL_VLEN)
        {
          RL_VEC bv[RL_DOT_NR_MAX];
#pragma GCC unroll 8
          for (int j = 0; j < nr; j++)
            bv[j] = v_load (bs[j] + k);
#pragma GCC unroll 8
          for (int i = 0; i < RL_DOT_MR; i++)
            {
              RL_VEC ai = v_load (as[i] + k);
#pragma GCC unroll 8
              for (int j = 0; j < nr; j++)
                acc[i][j] = v_fma (ai, bv[j], acc[i][j]);
            }
        }
      if (k < kc)
        {
          const RL_MASK tail = v_mask_n (kc - k);
          RL_VEC bv[RL_DOT_NR_MAX];
#pragma GCC unroll 8
          for (int j = 0; j < nr; j++)
            bv[j] = v_load_mask (bs[j] + k, tail);
#pragma GCC unroll 8
          for (int i = 0; i < RL_DOT_MR; i++)
            {
              RL_VEC ai = v_load_mask (as[i] + k, tail);
#pragma GCC unroll 8
              for (int j = 0; j < nr; j++)
                acc[i][j] = v_fma (ai, bv[j], acc[i][j]);
            }
        }
    }

  if (acc_out != NULL)
    {
      /* a chunk of the reduction (sgemm_dot_rows_chunked): keep the vector sums */
#pragma GCC unroll 8
      for (int i = 0; i < RL_DOT_MR; i++)
#pragma GCC unroll 8
        for (int j = 0; j < nr; j++)
          acc_out[i * nr + j] = acc[i][j];
      return;
    }

  /* sums[j][i]: four rows of a column reduced together, which shares the shuffles */
  float sums[RL_DOT_NR_MAX][RL_DOT_MR];
  _Static_assert (RL_DOT_MR % 4 == 0, "the reduction takes the tile's rows four at a time");
#pragma GCC unroll 8
  for (int j = 0; j < nr; j++)
#pragma GCC unroll 4
    for (int i = 0; i < RL_DOT_MR; i += 4)
      v_reduce4 (acc[i][j], acc[i + 1][j], acc[i + 2][j], acc[i + 3][j], &sums[j][i]);

  for (int i = 0; i < m; i++)
    {
      float *ci = c + i * ldc;
      if (beta == 0.0f)
        for (int j = 0; j < n; j++)
          ci[coff[j]] = alpha * sums[j][i];
      else
        for (int j = 0; j < n; j++)
          ci[coff[j]] = __builtin_fmaf (beta, ci[coff[j]], alpha * sums[j][i]);
    }
}

/* A tile over columns 0 .. kc - 1 of segments 0 .. nseg - 1. */
static void
dot_tile (int nr, int kc, int nseg, size_t astep, size_t bstep,
          const float *const *a, const float *const *b, const size_t *coff,
          float *c, size_t ldc, int m, int n, float alpha, float beta)
{
  if (nr == RL_DOT_NR)
    dot_tile_nr (RL_DOT_NR, 0, kc, 0, nseg, astep, bstep, a, b, NULL, NULL, coff, c, ldc, m, n,
                 alpha, beta);
  else
    dot_tile_nr (RL_DOT_NR2, 0, kc, 0, nseg, astep, bstep, a, b, NULL, NULL, coff, c, ldc, m, n,
                 alpha, beta);
}

#if RL_DOT_CHUNK > 0
/* A chunk of a tile: columns kb .. kc - 1 (kb a multiple of RL_VLEN) of segments
 * s0 .. s1 - 1, starting from the vector sums acc_in (NULL: zero) and leaving them in acc_out
 * (NULL: reduce them and write c). */
static void
dot_tile_chunk (int nr, int kb, int kc, int s0, int s1, size_t astep, size_t bstep,
                const float *const *a, const float *const *b, const RL_VEC *acc_in,
                RL_VEC *acc_out, const size_t *coff, float *c, size_t ldc, int m, int n,
                float alpha, float beta)
{
  if (nr == RL_DOT_NR)
    dot_tile_nr (RL_DOT_NR, kb, kc, s0, s1, astep, bstep, a, b, acc_in, acc_out, coff, c, ldc,
                 m, n, alpha, beta);
  else
    dot_tile_nr (RL_DOT_NR2, kb, kc, s0, s1, astep, bstep, a, b, acc_in, acc_out, coff, c,
                 ldc, m, n, alpha, beta);
}
#endif

/* The dot-product tile width that wastes fewest columns on N (the wider on a tie). */
static int
dot_nr (int N)
{
  int w1 = (N + RL_DOT_NR - 1) / RL_DOT_NR * RL_DOT_NR;
  int w2 = (N + RL_DOT_NR2 - 1) / RL_DOT_NR2 * RL_DOT_NR2;

  if (w1 != w2)
    return w1 < w2 ? RL_DOT_NR : RL_DOT_NR2;
  return MAX (RL_DOT_NR, RL_DOT_NR2);
}

/* A tile's columns at their own place: column offsets 0, 1, 2, ... */
static const size_t identity_cols[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
_Static_assert (RL_DOT_NR_MAX <= 8, "identity_cols covers the widest dot tile");

/* trans_b, !trans_a: C (M x N) = alpha * A (M x K) * B^T, B stored (N x K). */
static void
sgemm_dot (int M, int N, int K, float alpha, const float *A, size_t lda,
           const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
  const int nr = dot_nr (N);

  for (int k0 = 0; k0 < K; k0 += RL_DOT_KC)
    {
      int kc = K - k0 < RL_DOT_KC ? K - k0 : RL_DOT_KC;
      float beta_k = k0 == 0 ? beta : 1.0f;

      for (int j0 = 0; j0 < N; j0 += nr)
        {
          int n = N - j0 < nr ? N - j0 : nr;
          const float *b[RL_DOT_NR_MAX];
          for (int j = 0; j < nr; j++)
            b[j] = B + (size_t) (j0 + (j < n ? j : n - 1)) * ldb + k0;

          for (int i0 = 0; i0 < M; i0 += RL_DOT_MR)
            {
              int m = M - i0 < RL_DOT_MR ? M - i0 : RL_DOT_MR;
              const float *a[RL_DOT_MR];
              for (int i = 0; i < RL_DOT_MR; i++)
                a[i] = A + (size_t) (i0 + (i < m ? i : m - 1)) * lda + k0;

              dot_tile (nr, kc, 1, 0, 0, a, b, identity_cols, C + (size_t) i0 * ldc + j0, ldc,
                        m, n, alpha, beta_k);
            }
        }
    }
}

/* The tile (j0 .. j0 + nr - 1) of sgemm_dot_rows' columns: B's row pointers (a tail repeats
 * the last valid column) and each column's offset in C from the first's, which it returns. */
static size_t
dot_cols (int j0, int nr, int n, const float *const *brow, int cgroup, size_t cgstride,
          const float **b, size_t *coff)
{
  const size_t c0 = (size_t) (j0 / cgroup) * cgstride + j0 % cgroup;

  for (int j = 0; j < nr; j++)
    {
      const int col = j0 + (j < n ? j : n - 1);
      b[j] = brow[col];
      coff[j] = (size_t) (col / cgroup) * cgstride + col % cgroup - c0;
    }
  return c0;
}

#if RL_DOT_CHUNK > 0
/* sgemm_dot_rows with the reduction cut into chunks of about RL_DOT_CHUNK floats a row (whole
 * segments, or pieces of one long segment), for L1 caches too small to hold a tile's rows
 * over a whole call: within a chunk the rows of one A tile stay in L1 while every B tile
 * passes, and each tile's vector sums wait in a scratch buffer between chunks. Every lane
 * still adds its products in the same order, so the bits are the unchunked loop's. */
static void
sgemm_dot_rows_chunked (int M, int N, int len, int nseg, float alpha,
                        const float *const *arow, size_t astep, const float *const *brow,
                        size_t bstep, float beta, float *C, size_t ldc, int cgroup,
                        size_t cgstride)
{
  _Static_assert (RL_DOT_CHUNK % RL_VLEN == 0, "chunks cut segments at whole vectors");
  const int nr = dot_nr (N);
  const int mt = (M + RL_DOT_MR - 1) / RL_DOT_MR, nt = (N + nr - 1) / nr;
  const int tile = RL_DOT_MR * nr;
  /* whole segments a chunk, or one segment in pieces */
  const int segs = len >= RL_DOT_CHUNK ? 1 : RL_DOT_CHUNK / len;
  const int piece = len >= RL_DOT_CHUNK ? RL_DOT_CHUNK : len;
  RL_VEC *sums = (RL_VEC *) rl_gemm_scratch ((size_t) mt * nt * tile * RL_VLEN);

  for (int s0 = 0; s0 < nseg; s0 += segs)
    for (int kb = 0; kb < len; kb += piece)
      {
        const int s1 = MIN (s0 + segs, nseg), ke = MIN (kb + piece, len);
        const bool first = s0 == 0 && kb == 0, last = s1 == nseg && ke == len;

        for (int i0 = 0, it = 0; i0 < M; i0 += RL_DOT_MR, it++)
          {
            const int m = M - i0 < RL_DOT_MR ? M - i0 : RL_DOT_MR;
            const float *a[RL_DOT_MR];
            for (int i = 0; i < RL_DOT_MR; i++)
              a[i] = arow[i0 + (i < m ? i : m - 1)];

            for (int j0 = 0, jt = 0; j0 < N; j0 += nr, jt++)
              {
                const int n = N - j0 < nr ? N - j0 : nr;
                const float *b[RL_DOT_NR_MAX];
                size_t coff[RL_DOT_NR_MAX];
                const size_t c0 = dot_cols (j0, nr, n, brow, cgroup, cgstride, b, coff);
                RL_VEC *t = sums + ((size_t) it * nt + jt) * tile;

                dot_tile_chunk (nr, kb, ke, s0, s1, astep, bstep, a, b, first ? NULL : t,
                                last ? NULL : t, coff, C + (size_t) i0 * ldc + c0, ldc, m, n,
                                alpha, beta);
              }
          }
      }
}
#endif

/* C (M x N) = alpha * sum_s A_s * B_s^T + beta * C: row i of A_s is the len floats at
 * arow[i] + s * astep, row j of B_s those at brow[j] + s * bstep. Column j of C is at
 * (j / cgroup) * cgstride + j % cgroup in its row. */
static void
sgemm_dot_rows (int M, int N, int len, int nseg, float alpha,
                const float *const *arow, size_t astep, const float *const *brow, size_t bstep,
                float beta, float *C, size_t ldc, int cgroup, size_t cgstride)
{
  const int nr = dot_nr (N);

#if RL_DOT_CHUNK > 0
  if ((size_t) len * nseg > RL_DOT_CHUNK)
    {
      sgemm_dot_rows_chunked (M, N, len, nseg, alpha, arow, astep, brow, bstep, beta, C, ldc,
                              cgroup, cgstride);
      return;
    }
#endif

  for (int j0 = 0; j0 < N; j0 += nr)
    {
      int n = N - j0 < nr ? N - j0 : nr;
      const float *b[RL_DOT_NR_MAX];
      size_t coff[RL_DOT_NR_MAX];
      const size_t c0 = dot_cols (j0, nr, n, brow, cgroup, cgstride, b, coff);

      for (int i0 = 0; i0 < M; i0 += RL_DOT_MR)
        {
          int m = M - i0 < RL_DOT_MR ? M - i0 : RL_DOT_MR;
          const float *a[RL_DOT_MR];
          for (int i = 0; i < RL_DOT_MR; i++)
            a[i] = arow[i0 + (i < m ? i : m - 1)];

          dot_tile (nr, len, nseg, astep, bstep, a, b, coff, C + (size_t) i0 * ldc + c0, ldc, m,
                    n, alpha, beta);
        }
    }
}

void
RL_SGEMM_NAME (bool trans_a, bool trans_b,
               int M, int N, int K,
               float alpha,
               const float *A, int lda,
               const float *B, int ldb,
               float beta,
               float *C, int ldc)
{
  if (M <= 0 || N <= 0)
    return;
  if (K <= 0)
    {
      scale_c (M, N, beta, C, (size_t) ldc);
      return;
    }
  if (trans_b && !trans_a && K >= RL_DOT_MIN_K)
    sgemm_dot (M, N, K, alpha, A, (size_t) lda, B, (size_t) ldb, beta, C, (size_t) ldc);
  else
    sgemm_packed (trans_a, trans_b, M, N, K, alpha, A, (size_t) lda, B, (size_t) ldb, NULL,
                  1, 0, 0, NULL, beta, C, (size_t) ldc);
}

void
RL_SGEMM_ROWS_NAME (bool trans_a, int M, int N, int K, float alpha, const float *A, int lda,
                    const float *const *brow, int nrep, size_t bstep, size_t cstep,
                    const float *bias, float beta, float *C, int ldc)
{
  if (M <= 0 || N <= 0 || nrep <= 0)
    return;
  if (K <= 0)
    {
      for (int r = 0; r < nrep; r++)
        {
          float *Cr = C + r * cstep;
          scale_c (M, N, beta, Cr, (size_t) ldc);
          if (bias != NULL)
            for (int i = 0; i < M; i++)
              for (int j = 0; j < N; j++)
                Cr[(size_t) i * ldc + j] += bias[i];
        }
      return;
    }
  sgemm_packed (trans_a, false, M, N, K, alpha, A, (size_t) lda, NULL, 0, brow, nrep, bstep,
                cstep, bias, beta, C, (size_t) ldc);
}

void
RL_SGEMM_DOT_ROWS_NAME (int M, int N, int len, int nseg, float alpha,
                        const float *const *arow, size_t astep,
                        const float *const *brow, size_t bstep,
                        float beta, float *C, int ldc, int cgroup, size_t cgstride)
{
  if (M <= 0 || N <= 0)
    return;
  if (len <= 0 || nseg <= 0)
    {
      /* no products: C = beta * C */
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
          {
            float *c = C + (size_t) i * ldc + (size_t) (j / cgroup) * cgstride + j % cgroup;
            *c = beta == 0.0f ? 0.0f : beta * *c;
          }
      return;
    }
  sgemm_dot_rows (M, N, len, nseg, alpha, arow, astep, brow, bstep, beta, C, (size_t) ldc,
                  cgroup, cgstride);
}
