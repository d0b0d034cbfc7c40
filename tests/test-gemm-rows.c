/* test-gemm-rows.c: the row-pointer forms of the SGEMM kernels (rl_sgemm_rows,
 * rl_sgemm_dot_rows), on every kernel this CPU runs, against a double-precision reference;
 * the full-matrix rl_sgemm, the kernel choice and the bounds of every access are in
 * test-gemm.c.
 *
 * B's rows (and for the dot products A's) sit at scattered, permuted places in one buffer,
 * separated by NaN, so a kernel that reads a row past its end, or the wrong row, fails. An
 * element passes within 1e-5 * sqrt(K) of the reference, relative to the magnitude of its
 * products (as in test-gemm.c); the floats of C outside the product hold a sentinel that must
 * survive.
 */

#include "gemm-test-utils.h"

#include <math.h>

static float *
nan_buffer (size_t n)
{
  float *buf = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    buf[i] = NAN;
  return buf;
}

static void
check_rows_case (GRand *rand, int M, int N, int K, float alpha, float beta)
{
  const int lda = K + 3, ldc = N + 2, gap = 5;
  float *A = g_new (float, (size_t) MAX (M, 1) * lda);
  float *buf = nan_buffer ((size_t) MAX (K, 1) * (N + gap) + gap);
  float *C0 = g_new (float, (size_t) MAX (M, 1) * ldc);
  const float **brow = g_new (const float *, MAX (K, 1));
  double *ref = g_new0 (double, (size_t) MAX (M, 1) * N);
  double *scale = g_new0 (double, (size_t) MAX (M, 1) * N);

  for (int i = 0; i < M * lda; i++)
    A[i] = (float) g_rand_double_range (rand, -1, 1);
  for (int k = 0; k < K; k++)
    {
      /* row k in slot (k * 7) % K of the buffer: rows out of order */
      float *row = buf + gap + (size_t) ((k * 7) % K) * (N + gap);
      if (K % 7 == 0)
        row = buf + gap + (size_t) k * (N + gap);
      for (int j = 0; j < N; j++)
        row[j] = (float) g_rand_double_range (rand, -1, 1);
      brow[k] = row;
    }
  for (int i = 0; i < M; i++)
    for (int j = 0; j < ldc; j++)
      C0[(size_t) i * ldc + j] = j < N ? (float) g_rand_double_range (rand, -1, 1) : SENTINEL;
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++)
      {
        double acc = 0, mag = 0;
        for (int k = 0; k < K; k++)
          {
            acc += (double) A[(size_t) i * lda + k] * brow[k][j];
            mag += fabs ((double) A[(size_t) i * lda + k] * brow[k][j]);
          }
        double c = C0[(size_t) i * ldc + j];
        ref[(size_t) i * N + j] = alpha * acc + (beta != 0.0f ? beta * c : 0.0);
        scale[(size_t) i * N + j] = fabs (alpha) * mag + fabs (beta * c);
      }

  for (size_t kern = 0; kern < G_N_ELEMENTS (all_kernels); kern++)
    {
      if (!rl_gemm_kernel_supported (all_kernels[kern]))
        continue;
      g_assert_true (rl_gemm_set_kernel (all_kernels[kern]));
      float *C = g_memdup2 (C0, sizeof (float) * (size_t) MAX (M, 1) * ldc);
      rl_sgemm_rows (false, M, N, K, alpha, A, lda, brow, 1, 0, 0, NULL, beta, C, ldc);
      for (int i = 0; i < M; i++)
        {
          for (int j = 0; j < N; j++)
            {
              double err = fabs (C[(size_t) i * ldc + j] - ref[(size_t) i * N + j]);
              double bound = 1e-5 * sqrt (MAX (K, 1)) * scale[(size_t) i * N + j] + 1e-30;
              if (!(err <= bound))
                g_error ("%s: rows M=%d N=%d K=%d: C[%d][%d] = %.9g, expected %.9g",
                         rl_gemm_kernel_name (all_kernels[kern]), M, N, K, i, j,
                         C[(size_t) i * ldc + j], ref[(size_t) i * N + j]);
            }
          for (int j = N; j < ldc; j++)
            g_assert_cmpfloat (C[(size_t) i * ldc + j], ==, SENTINEL);
        }
      g_free (C);
    }
  g_free (A); g_free (buf); g_free (C0); g_free (brow); g_free (ref); g_free (scale);
}

/* nrep products over one packing of A, with a bias: product r reads row k of B at
 * brow[k] + r * bstep and writes C + r * cstep. */
static void
check_rows_rep_case (GRand *rand, bool trans_a, int M, int N, int K, int nrep, bool with_bias,
                     float beta)
{
  const size_t bstep = (size_t) N + 3, region = (nrep - 1) * bstep + N + 4;
  const int ldc = N + 1;
  const size_t cstep = (size_t) M * ldc + 5, nc = cstep * nrep;
  float *A = g_new (float, (size_t) M * K + 1), *bias = g_new (float, M);
  float *buf = nan_buffer (region * K + 4);
  const float **brow = g_new (const float *, K);
  float *C0 = g_new (float, nc), *C;

  for (int i = 0; i < M * K; i++)
    A[i] = (float) g_rand_double_range (rand, -1, 1);
  for (int i = 0; i < M; i++)
    bias[i] = (float) g_rand_double_range (rand, -1, 1);
  for (int k = 0; k < K; k++)
    {
      float *row = buf + 2 + (size_t) (K - 1 - k) * region;
      for (int r = 0; r < nrep; r++)
        for (int j = 0; j < N; j++)
          row[r * bstep + j] = (float) g_rand_double_range (rand, -1, 1);
      brow[k] = row;
    }
  /* A stored transposed (K x M) for trans_a */
  float *At = g_new (float, (size_t) M * K + 1);
  for (int i = 0; i < M; i++)
    for (int k = 0; k < K; k++)
      At[(size_t) k * M + i] = A[(size_t) i * K + k];
  for (size_t i = 0; i < nc; i++)
    C0[i] = SENTINEL;
  for (int r = 0; r < nrep; r++)
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++)
        C0[r * cstep + (size_t) i * ldc + j] = (float) g_rand_double_range (rand, -1, 1);

  for (size_t kern = 0; kern < G_N_ELEMENTS (all_kernels); kern++)
    {
      if (!rl_gemm_kernel_supported (all_kernels[kern]))
        continue;
      g_assert_true (rl_gemm_set_kernel (all_kernels[kern]));
      C = g_memdup2 (C0, sizeof (float) * nc);
      rl_sgemm_rows (trans_a, M, N, K, 1.0f, trans_a ? At : A, trans_a ? M : K, brow, nrep,
                     bstep, cstep, with_bias ? bias : NULL,
                     beta, C, ldc);
      for (int r = 0; r < nrep; r++)
        for (int i = 0; i < M; i++)
          for (int j = 0; j < ldc; j++)
            {
              size_t at = r * cstep + (size_t) i * ldc + j;
              if (j == N)
                {
                  g_assert_cmpfloat (C[at], ==, SENTINEL);
                  continue;
                }
              double acc = with_bias ? bias[i] : 0.0, mag = fabs (acc);
              for (int k = 0; k < K; k++)
                {
                  double p = (double) A[(size_t) i * K + k] * brow[k][r * bstep + j];
                  acc += p;
                  mag += fabs (p);
                }
              acc += beta != 0.0f ? beta * C0[at] : 0.0;
              mag += fabs (beta * C0[at]);
              if (!(fabs (C[at] - acc) <= 1e-5 * sqrt (K + 1.0) * mag + 1e-30))
                g_error ("%s: rows trans_a=%d nrep=%d M=%d N=%d K=%d bias=%d: C_%d[%d][%d] = "
                         "%.9g, expected %.9g", rl_gemm_kernel_name (all_kernels[kern]), trans_a,
                         nrep, M, N, K, with_bias, r, i, j, C[at], acc);
            }
      /* between the products' C blocks nothing is touched */
      for (int r = 0; r < nrep; r++)
        for (size_t at = r * cstep + (size_t) M * ldc; at < (r + 1) * cstep; at++)
          g_assert_cmpfloat (C[at], ==, SENTINEL);
      g_free (C);
    }
  g_free (A); g_free (At); g_free (bias); g_free (buf); g_free (brow); g_free (C0);
}

static void
test_rows (void)
{
  GRand *rand = g_rand_new_with_seed (21);

  /* the implicit convolutions of the seed net, one output row, 32 images: conv1, a block conv
   * with a border row, conv2; the transposed convs of the backward */
  check_rows_case (rand, 16, 24 * 32, 25, 1.0f, 0.0f);
  check_rows_case (rand, 16, 12 * 32, 96, 1.0f, 0.0f);
  check_rows_case (rand, 32, 8 * 32, 400, 1.0f, 0.0f);
  check_rows_case (rand, 16, 12 * 32, 480, 1.0f, 1.0f);
  /* tails, K blocks (> 256), alpha and beta, degenerate sizes */
  for (int i = 0; i < 12; i++)
    check_rows_case (rand, 1 + g_rand_int_range (rand, 0, 20), 1 + g_rand_int_range (rand, 0, 130),
                     1 + g_rand_int_range (rand, 0, 600), i % 3 == 0 ? -0.5f : 1.0f,
                     i % 2 == 0 ? 0.0f : 0.75f);
  check_rows_case (rand, 5, 7, 0, 1.0f, 0.5f);
  /* several output rows at once, with the bias: conv2's 8 rows, a block conv's interior 10,
   * K over a block boundary, no reduction at all */
  for (int t = 0; t < 2; t++)   /* A as stored, and transposed */
    {
      check_rows_rep_case (rand, t, 32, 8 * 32, 400, 8, true, 0.0f);
      check_rows_rep_case (rand, t, 16, 12 * 32, 144, 10, true, 0.0f);
      check_rows_rep_case (rand, t, 13, 70, 300, 3, false, 1.0f);
      check_rows_rep_case (rand, t, 9, 21, 37, 4, true, 0.5f);
      check_rows_rep_case (rand, t, 4, 5, 0, 2, true, 0.0f);
    }
  g_rand_free (rand);
}

static void
check_dot_rows_case (GRand *rand, int M, int N, int len, int nseg, float beta, int cgroup,
                     size_t cgstride)
{
  /* segment s of a row sits s * step floats after its start; rows interleave in the buffer */
  const size_t astep = (size_t) len * (M + 1) + 3, bstep = (size_t) len * (N + 1) + 5;
  /* C's columns in groups of cgroup, cgstride apart (a conv's kernel row inside dw), with
   * untouched floats between the groups and after each row */
  const int ldc = cgroup >= N ? N + 1 : (int) (((size_t) (N - 1) / cgroup) * cgstride) + cgroup + 1;
#define COL(j) ((size_t) ((j) / cgroup) * cgstride + (size_t) ((j) % cgroup))
  float *abuf = nan_buffer (astep * MAX (nseg, 1) + 8);
  float *bbuf = nan_buffer (bstep * MAX (nseg, 1) + 8);
  const float **arow = g_new (const float *, MAX (M, 1));
  const float **brow = g_new (const float *, MAX (N, 1));
  float *C0 = g_new (float, (size_t) MAX (M, 1) * ldc);

  for (int i = 0; i < M; i++)
    arow[i] = abuf + (size_t) ((i * 5) % M) * (len + 1) + 1;
  for (int j = 0; j < N; j++)
    brow[j] = bbuf + (size_t) (N - 1 - j) * (len + 1) + 2;
  for (int s = 0; s < nseg; s++)
    {
      for (int i = 0; i < M; i++)
        for (int k = 0; k < len; k++)
          ((float *) arow[i])[s * astep + k] = (float) g_rand_double_range (rand, -1, 1);
      for (int j = 0; j < N; j++)
        for (int k = 0; k < len; k++)
          ((float *) brow[j])[s * bstep + k] = (float) g_rand_double_range (rand, -1, 1);
    }
  for (int i = 0; i < M * ldc; i++)
    C0[i] = SENTINEL;
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++)
      C0[(size_t) i * ldc + COL (j)] = (float) g_rand_double_range (rand, -1, 1);

  for (size_t kern = 0; kern < G_N_ELEMENTS (all_kernels); kern++)
    {
      if (!rl_gemm_kernel_supported (all_kernels[kern]))
        continue;
      g_assert_true (rl_gemm_set_kernel (all_kernels[kern]));
      float *C = g_memdup2 (C0, sizeof (float) * (size_t) MAX (M, 1) * ldc);
      rl_sgemm_dot_rows (M, N, len, nseg, 1.0f, arow, astep, brow, bstep, beta, C, ldc, cgroup,
                         cgstride);
      for (int i = 0; i < M; i++)
        {
          for (int j = 0; j < N; j++)
            {
              double acc = 0, mag = 0;
              for (int s = 0; s < nseg; s++)
                for (int k = 0; k < len; k++)
                  {
                    double p = (double) arow[i][s * astep + k] * brow[j][s * bstep + k];
                    acc += p;
                    mag += fabs (p);
                  }
              double c0 = C0[(size_t) i * ldc + COL (j)];
              double want = acc + (beta != 0.0f ? beta * c0 : 0.0);
              double bound = 1e-5 * sqrt (MAX (len * nseg, 1)) * (mag + fabs (beta * c0)) + 1e-30;
              double got = C[(size_t) i * ldc + COL (j)];
              if (!(fabs (got - want) <= bound))
                g_error ("%s: dot rows M=%d N=%d len=%d nseg=%d cgroup=%d: C[%d][%d] = %.9g, "
                         "expected %.9g", rl_gemm_kernel_name (all_kernels[kern]), M, N, len,
                         nseg, cgroup, i, j, got, want);
            }
        }
      /* and nothing else: between the groups, after each row */
      for (int i = 0; i < M * ldc; i++)
        if (C0[i] == SENTINEL)
          g_assert_cmpfloat (C[i], ==, SENTINEL);
      g_free (C);
    }
  g_free (abuf); g_free (bbuf); g_free (arow); g_free (brow); g_free (C0);
#undef COL
}

static void
test_dot_rows (void)
{
  GRand *rand = g_rand_new_with_seed (22);

  /* weight gradients of the seed net's convs per kernel row, 32 images: conv1, block, conv2,
   * into contiguous columns and, as the convs do, into (Co, Ci, K, K): groups of K columns,
   * K * K apart */
  for (int grouped = 0; grouped < 2; grouped++)
    {
      check_dot_rows_case (rand, 16, 5, 24 * 32, 2, 0.0f, grouped ? 5 : 5, 25);
      check_dot_rows_case (rand, 16, 48, 12 * 32, 2, 1.0f, grouped ? 3 : 48, 9);
      check_dot_rows_case (rand, 32, 80, 8 * 32, 4, 1.0f, grouped ? 5 : 80, 25);
    }
  /* reductions longer than a chunk of the AVX2 kernel's (rl-gemm-simd.h, RL_DOT_CHUNK):
   * segments cut in pieces (conv1 at 64 images, and a masked tail in the last piece), several
   * segments a chunk (conv2 at 64 images) */
  check_dot_rows_case (rand, 16, 5, 24 * 64, 5, 1.0f, 5, 25);
  check_dot_rows_case (rand, 6, 7, 1100, 3, 0.0f, 7, 7);
  check_dot_rows_case (rand, 32, 80, 8 * 64, 8, 1.0f, 5, 25);
  /* tiles that straddle groups, a group of one column, strides well apart */
  check_dot_rows_case (rand, 7, 13, 40, 3, 1.0f, 2, 7);
  check_dot_rows_case (rand, 5, 11, 33, 2, 0.0f, 1, 3);
  check_dot_rows_case (rand, 9, 17, 70, 1, 0.5f, 4, 4);
  for (int i = 0; i < 10; i++)
    check_dot_rows_case (rand, 1 + g_rand_int_range (rand, 0, 11), 1 + g_rand_int_range (rand, 0, 13),
                         1 + g_rand_int_range (rand, 0, 70), 1 + g_rand_int_range (rand, 0, 4),
                         i % 2 ? 0.5f : 0.0f, i % 3 == 0 ? 3 : 100, 5);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/gemm/rows", test_rows);
  g_test_add_func ("/engine/gemm/dot-rows", test_dot_rows);

  return g_test_run ();
}
