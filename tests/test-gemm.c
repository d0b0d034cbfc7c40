/* test-gemm.c: every SGEMM kernel this CPU runs, against a double-precision reference, and the
 * choice of kernel; the row-pointer forms (rl_sgemm_rows, rl_sgemm_dot_rows) are in
 * test-gemm-rows.c.
 *
 * The reference is the definition, C = alpha * op(A) * op(B) + beta * C, summed in double.
 * A kernel passes when every element is within 1e-5 * sqrt(K) of the reference, relative to
 * the magnitude |alpha| * sum_k |op(A)[i][k] * op(B)[k][j]| + |beta * C[i][j]| (the scale
 * of float rounding in any summation order, which a result near zero through cancellation
 * cannot shrink). Padding between rows (lda, ldb > row length) holds NaN, so a kernel that
 * reads past a row fails; padding of C holds a sentinel that must survive.
 */

#include "gemm-test-utils.h"

#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
  bool ta, tb;
  int M, N, K;
  float alpha, beta;
  int pad_a, pad_b, pad_c;  /* extra floats per row beyond what the shape needs */
} Case;

typedef struct {
  Case c;
  int lda, ldb, ldc;
  float *A, *B, *C0;        /* inputs; C0 is C before the call */
  double *ref, *scale;      /* expected C and the magnitude its error is measured against */
} Problem;

/* Rows and columns of the stored matrices. */
static int a_rows (const Case *c) { return c->ta ? c->K : c->M; }
static int a_cols (const Case *c) { return c->ta ? c->M : c->K; }
static int b_rows (const Case *c) { return c->tb ? c->N : c->K; }
static int b_cols (const Case *c) { return c->tb ? c->K : c->N; }

static float *
random_matrix (GRand *rand, int rows, int cols, int ld, float pad_value)
{
  float *m = g_new (float, (size_t) MAX (rows, 1) * ld);

  for (int i = 0; i < rows; i++)
    for (int j = 0; j < ld; j++)
      m[(size_t) i * ld + j] = j < cols ? (float) g_rand_double_range (rand, -1.0, 1.0)
                                        : pad_value;
  return m;
}

static Problem *
problem_new (GRand *rand, const Case *c, bool nan_c)
{
  Problem *p = g_new0 (Problem, 1);

  p->c = *c;
  p->lda = MAX (a_cols (c), 1) + c->pad_a;
  p->ldb = MAX (b_cols (c), 1) + c->pad_b;
  p->ldc = MAX (c->N, 1) + c->pad_c;
  p->A = random_matrix (rand, a_rows (c), a_cols (c), p->lda, NAN);
  p->B = random_matrix (rand, b_rows (c), b_cols (c), p->ldb, NAN);
  p->C0 = random_matrix (rand, c->M, c->N, p->ldc, SENTINEL);
  if (nan_c)
    for (int i = 0; i < c->M; i++)
      for (int j = 0; j < c->N; j++)
        p->C0[(size_t) i * p->ldc + j] = NAN;

  p->ref = g_new0 (double, (size_t) MAX (c->M * c->N, 1));
  p->scale = g_new0 (double, (size_t) MAX (c->M * c->N, 1));
  for (int i = 0; i < c->M; i++)
    for (int j = 0; j < c->N; j++)
      {
        double sum = 0.0, mag = 0.0;
        for (int k = 0; k < c->K; k++)
          {
            double a = c->ta ? p->A[(size_t) k * p->lda + i] : p->A[(size_t) i * p->lda + k];
            double b = c->tb ? p->B[(size_t) j * p->ldb + k] : p->B[(size_t) k * p->ldb + j];
            sum += a * b;
            mag += fabs (a * b);
          }
        double cij = p->C0[(size_t) i * p->ldc + j];
        double r = c->alpha * sum;
        double s = fabs (c->alpha) * mag;
        if (c->beta != 0.0f)
          {
            r += c->beta * cij;
            s += fabs (c->beta * cij);
          }
        p->ref[(size_t) i * c->N + j] = r;
        p->scale[(size_t) i * c->N + j] = s;
      }
  return p;
}

static void
problem_free (Problem *p)
{
  g_free (p->A);
  g_free (p->B);
  g_free (p->C0);
  g_free (p->ref);
  g_free (p->scale);
  g_free (p);
}

static float *
problem_run (const Problem *p)
{
  const Case *c = &p->c;
  float *C = g_memdup2 (p->C0, sizeof (float) * (size_t) MAX (c->M, 1) * p->ldc);

  rl_sgemm (c->ta, c->tb, c->M, c->N, c->K, c->alpha, p->A, p->lda, p->B, p->ldb,
            c->beta, C, p->ldc);
  return C;
}

static void
problem_check (const Problem *p, const float *C)
{
  const Case *c = &p->c;
  double tol = 1e-5 * sqrt (MAX (c->K, 1));

  for (int i = 0; i < c->M; i++)
    {
      for (int j = 0; j < c->N; j++)
        {
          double got = C[(size_t) i * p->ldc + j];
          double want = p->ref[(size_t) i * c->N + j];
          double err = fabs (got - want);
          double bound = tol * p->scale[(size_t) i * c->N + j] + 1e-30;
          if (!(err <= bound))
            g_error ("%s: ta=%d tb=%d M=%d N=%d K=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d: "
                     "C[%d][%d] = %.9g, expected %.9g (error %.3g > %.3g)",
                     rl_gemm_kernel_name (rl_gemm_get_kernel ()), c->ta, c->tb, c->M, c->N,
                     c->K, c->alpha, c->beta, p->lda, p->ldb, p->ldc, i, j, got, want, err,
                     bound);
        }
      for (int j = c->N; j < p->ldc; j++)
        g_assert_cmpfloat (C[(size_t) i * p->ldc + j], ==, SENTINEL);
    }
}

/* Runs @c on every supported kernel; each must match the reference and repeat its bits. */
static void
check_case (GRand *rand, const Case *c, bool nan_c)
{
  Problem *p = problem_new (rand, c, nan_c);

  for (size_t k = 0; k < G_N_ELEMENTS (all_kernels); k++)
    {
      if (!rl_gemm_kernel_supported (all_kernels[k]))
        continue;
      g_assert_true (rl_gemm_set_kernel (all_kernels[k]));
      g_assert_cmpint (rl_gemm_get_kernel (), ==, all_kernels[k]);

      float *C1 = problem_run (p);
      problem_check (p, C1);
      float *C2 = problem_run (p);
      g_assert_cmpmem (C1, sizeof (float) * (size_t) MAX (c->M, 1) * p->ldc,
                       C2, sizeof (float) * (size_t) MAX (c->M, 1) * p->ldc);
      g_free (C1);
      g_free (C2);
    }
  problem_free (p);
}

static void
check_all_transposes (GRand *rand, Case c, bool nan_c)
{
  for (int t = 0; t < 4; t++)
    {
      c.ta = t & 1;
      c.tb = t & 2;
      check_case (rand, &c, nan_c);
    }
}

/* The seed net's GEMMs for a 32-image slice per thread (rl-conv.c). */
static void
test_net_shapes (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  /* conv: out channels M, K = C_in * k * k, N = images * H_out * W_out */
  static const int conv[][3] = {
    { 16, 25, 18432 }, { 16, 144, 4608 }, { 32, 400, 2048 }, { 32, 288, 512 },
  };

  for (size_t s = 0; s < G_N_ELEMENTS (conv); s++)
    {
      int m = conv[s][0], k = conv[s][1], n = conv[s][2];
      /* forward: y = W * cols */
      check_case (rand, &(Case) { false, false, m, n, k, 1.0f, 0.0f }, true);
      /* weight gradient: dW += dY * cols^T, reduction over n */
      check_case (rand, &(Case) { false, true, m, k, n, 1.0f, 1.0f }, false);
      /* input gradient: dcols = W^T * dY, reduction over m */
      check_case (rand, &(Case) { true, false, k, n, m, 1.0f, 0.0f }, true);
    }

  /* fc: logits = x * W^T + ..., dx = dlogits * W, dW += dlogits^T * x */
  check_case (rand, &(Case) { false, true, 32, 10, 512, 1.0f, 0.0f }, true);
  check_case (rand, &(Case) { false, false, 32, 512, 10, 1.0f, 0.0f }, true);
  check_case (rand, &(Case) { true, false, 10, 512, 32, 1.0f, 1.0f }, false);
}

/* Sizes around every vector width and tile size the kernels use (rows 4, 8; columns 8, 16,
 * 24, 48; dot tiles 4 x 3, 4 x 5). */
static void
test_tails (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  static const int sizes[] = { 1, 3, 15, 17, 33, 49 };

  for (size_t a = 0; a < G_N_ELEMENTS (sizes); a++)
    for (size_t b = 0; b < G_N_ELEMENTS (sizes); b++)
      for (size_t k = 0; k < G_N_ELEMENTS (sizes); k++)
        check_all_transposes (rand, (Case) { .M = sizes[a], .N = sizes[b], .K = sizes[k],
                                             .alpha = 1.0f, .beta = 0.0f }, true);

  /* reductions around and above the dot-product path's threshold (80), with K tails */
  static const int long_k[] = { 64, 65, 79, 80, 81, 95, 100, 127 };
  for (size_t k = 0; k < G_N_ELEMENTS (long_k); k++)
    check_all_transposes (rand, (Case) { .M = 7, .N = 11, .K = long_k[k],
                                         .alpha = 1.0f, .beta = 1.0f }, false);
}

/* Shapes that cross the block sizes: K blocks of 256 (outer products) and 1024 (dot
 * products), row blocks of packed A, column blocks of packed B^T. */
static void
test_blocking (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  static const Case cases[] = {
    { .M = 9, .N = 40, .K = 257, .alpha = 1.0f, .beta = 0.5f },
    { .M = 300, .N = 70, .K = 260, .alpha = 1.0f, .beta = 0.0f },
    { .M = 20, .N = 600, .K = 513, .alpha = 2.0f, .beta = 1.0f },
    { .M = 6, .N = 7, .K = 4099, .alpha = 1.0f, .beta = 1.0f },
    { .M = 17, .N = 300, .K = 33, .alpha = 1.0f, .beta = 0.0f },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    check_all_transposes (rand, cases[i], cases[i].beta == 0.0f);
}

static void
test_alpha_beta (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  static const float ab[][2] = {
    { 1.0f, 0.0f }, { 1.0f, 1.0f }, { 0.5f, -2.0f }, { -1.5f, 0.25f }, { 0.0f, 0.5f },
    { 0.0f, 0.0f }, { 3.0f, 1.0f },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (ab); i++)
    {
      check_all_transposes (rand, (Case) { .M = 19, .N = 37, .K = 29, .alpha = ab[i][0],
                                           .beta = ab[i][1] }, ab[i][1] == 0.0f);
      check_all_transposes (rand, (Case) { .M = 8, .N = 5, .K = 130, .alpha = ab[i][0],
                                           .beta = ab[i][1] }, ab[i][1] == 0.0f);
    }
}

/* Leading dimensions larger than the rows (sub-matrices), NaN in the gaps. */
static void
test_leading_dimensions (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);

  for (int pad = 1; pad <= 33; pad += 16)
    {
      check_all_transposes (rand, (Case) { .M = 13, .N = 35, .K = 21, .alpha = 1.0f,
                                           .beta = 0.0f, .pad_a = pad, .pad_b = pad + 2,
                                           .pad_c = pad + 5 }, true);
      check_all_transposes (rand, (Case) { .M = 16, .N = 64, .K = 96, .alpha = -1.0f,
                                           .beta = 1.0f, .pad_a = pad + 3, .pad_b = pad,
                                           .pad_c = pad }, false);
    }
}

/* Random shapes, transposes, scalars and paddings. */
static void
test_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (6);
  static const float alphas[] = { 1.0f, -0.5f, 2.0f };
  static const float betas[] = { 0.0f, 1.0f, 0.75f };

  for (int t = 0; t < 60; t++)
    {
      Case c = {
        .ta = g_rand_boolean (rand),
        .tb = g_rand_boolean (rand),
        .M = g_rand_int_range (rand, 1, 70),
        .N = g_rand_int_range (rand, 1, 150),
        .K = g_rand_int_range (rand, 1, 300),
        .alpha = alphas[g_rand_int_range (rand, 0, 3)],
        .beta = betas[g_rand_int_range (rand, 0, 3)],
        .pad_a = g_rand_int_range (rand, 0, 3),
        .pad_b = g_rand_int_range (rand, 0, 3),
        .pad_c = g_rand_int_range (rand, 0, 3),
      };
      check_case (rand, &c, c.beta == 0.0f);
    }
}

/* M, N or K zero: nothing to multiply, but K == 0 still means C = beta * C. */
static void
test_empty (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);

  check_all_transposes (rand, (Case) { .M = 5, .N = 9, .K = 0, .alpha = 1.0f, .beta = 0.0f },
                        true);
  check_all_transposes (rand, (Case) { .M = 5, .N = 9, .K = 0, .alpha = 1.0f, .beta = 0.5f },
                        false);

  for (size_t k = 0; k < G_N_ELEMENTS (all_kernels); k++)
    {
      float c[4] = { 1.0f, 2.0f, 3.0f, 4.0f };
      const float a[4] = { 1.0f, 1.0f, 1.0f, 1.0f };

      if (!rl_gemm_set_kernel (all_kernels[k]))
        continue;
      /* M = 0 or N = 0: C untouched, whatever beta */
      rl_sgemm (false, false, 0, 2, 2, 1.0f, a, 2, a, 2, 0.0f, c, 2);
      rl_sgemm (false, false, 2, 0, 2, 1.0f, a, 2, a, 2, 0.0f, c, 2);
      rl_sgemm (true, true, 0, 0, 0, 1.0f, a, 1, a, 1, 0.0f, c, 1);
      g_assert_cmpfloat (c[0], ==, 1.0f);
      g_assert_cmpfloat (c[3], ==, 4.0f);
    }
}

/* Sizes and leading dimensions that cannot describe a matrix: a critical, and C untouched. */
static void
test_bad_args (void)
{
  static const struct {
    bool ta, tb;
    int M, N, K, lda, ldb, ldc;
  } bad[] = {
    { false, false, -1, 2, 2, 2, 2, 2 },
    { false, false, 2, -1, 2, 2, 2, 2 },
    { false, false, 2, 2, -1, 2, 2, 2 },
    { false, false, 2, 2, 3, 2, 2, 2 },   /* lda < K */
    { true, false, 3, 2, 2, 2, 2, 2 },    /* A^T stored K x M: lda < M */
    { false, false, 2, 3, 2, 2, 2, 3 },   /* ldb < N */
    { false, true, 2, 2, 3, 3, 2, 2 },    /* B^T stored N x K: ldb < K */
    { false, false, 2, 3, 2, 2, 3, 2 },   /* ldc < N */
  };
  const float a[16] = { 1.0f };

  for (size_t k = 0; k < G_N_ELEMENTS (all_kernels); k++)
    {
      if (!rl_gemm_set_kernel (all_kernels[k]))
        continue;
      for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
        {
          float c[16];

          for (int j = 0; j < 16; j++)
            c[j] = SENTINEL;
          g_test_expect_message ("reslab-engine", G_LOG_LEVEL_CRITICAL, "*args_valid*");
          rl_sgemm (bad[i].ta, bad[i].tb, bad[i].M, bad[i].N, bad[i].K, 1.0f, a, bad[i].lda,
                    a, bad[i].ldb, 0.0f, c, bad[i].ldc);
          g_test_assert_expected_messages ();
          for (int j = 0; j < 16; j++)
            g_assert_cmpfloat (c[j], ==, SENTINEL);

          /* the reference checks the same */
          g_test_expect_message ("reslab-engine", G_LOG_LEVEL_CRITICAL, "*args_valid*");
          rl_sgemm_portable (bad[i].ta, bad[i].tb, bad[i].M, bad[i].N, bad[i].K, 1.0f, a,
                             bad[i].lda, a, bad[i].ldb, 0.0f, c, bad[i].ldc);
          g_test_assert_expected_messages ();
          g_assert_cmpfloat (c[0], ==, SENTINEL);
        }
    }
}

/* n floats placed against an inaccessible page: right after them (at_end) or right before. */
typedef struct {
  void *map;
  size_t map_size;
  float *data;
} Guarded;

static Guarded
guarded_copy (const float *src, size_t n, bool at_end)
{
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  size_t bytes = MAX (n, 1) * sizeof (float);
  size_t data_pages = (bytes + page - 1) / page;
  Guarded g;

  g.map_size = (data_pages + 2) * page;
  g.map = mmap (NULL, g.map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (g.map != MAP_FAILED);
  /* layout: guard | data pages | guard */
  g_assert_cmpint (mprotect (g.map, page, PROT_NONE), ==, 0);
  g_assert_cmpint (mprotect ((char *) g.map + (data_pages + 1) * page, page, PROT_NONE), ==, 0);
  g.data = at_end ? (float *) ((char *) g.map + (data_pages + 1) * page - bytes)
                  : (float *) ((char *) g.map + page);
  memcpy (g.data, src, bytes);
  return g;
}

/* No kernel reads or writes outside A, B and C, even through its masked tail loads: the
 * buffers sit against pages that fault on any access. */
static void
test_bounds (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  static const int sizes[][3] = {
    { 1, 1, 1 }, { 3, 17, 5 }, { 17, 33, 15 }, { 9, 7, 100 }, { 16, 49, 25 }, { 33, 70, 67 },
  };

  for (size_t k = 0; k < G_N_ELEMENTS (all_kernels); k++)
    {
      if (!rl_gemm_set_kernel (all_kernels[k]))
        continue;
      for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
        for (int t = 0; t < 8; t++)
          {
            Case c = { .ta = t & 1, .tb = t & 2, .M = sizes[i][0], .N = sizes[i][1],
                       .K = sizes[i][2], .alpha = 1.0f, .beta = 0.5f };
            bool at_end = t & 4;
            Problem *p = problem_new (rand, &c, false);
            size_t na = (size_t) (a_rows (&c) - 1) * p->lda + a_cols (&c);
            size_t nb = (size_t) (b_rows (&c) - 1) * p->ldb + b_cols (&c);
            size_t nc = (size_t) (c.M - 1) * p->ldc + c.N;
            Guarded ga = guarded_copy (p->A, na, at_end);
            Guarded gb = guarded_copy (p->B, nb, at_end);
            Guarded gc = guarded_copy (p->C0, nc, at_end);

            rl_sgemm (c.ta, c.tb, c.M, c.N, c.K, c.alpha, ga.data, p->lda, gb.data, p->ldb,
                      c.beta, gc.data, p->ldc);
            /* back into a full-size buffer (padding = sentinel) to check */
            float *C = g_memdup2 (p->C0, sizeof (float) * (size_t) c.M * p->ldc);
            memcpy (C, gc.data, nc * sizeof (float));
            problem_check (p, C);

            g_free (C);
            munmap (ga.map, ga.map_size);
            munmap (gb.map, gb.map_size);
            munmap (gc.map, gc.map_size);
            problem_free (p);
          }
    }
}

typedef struct {
  const Problem *p;
  float *result[3];
} ThreadJob;

static gpointer
thread_run (gpointer data)
{
  ThreadJob *job = data;

  for (int r = 0; r < 3; r++)
    job->result[r] = problem_run (job->p);
  return NULL;
}

/* Several threads at once (each packs into its own scratch) give the single-thread bits. */
static void
test_threads (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  static const Case cases[] = {
    { .M = 32, .N = 2048, .K = 400, .alpha = 1.0f, .beta = 0.0f },
    { .ta = true, .M = 144, .N = 512, .K = 16, .alpha = 1.0f, .beta = 0.0f },
    { .tb = true, .M = 16, .N = 25, .K = 4608, .alpha = 1.0f, .beta = 1.0f },
  };

  for (size_t k = 0; k < G_N_ELEMENTS (all_kernels); k++)
    {
      if (!rl_gemm_set_kernel (all_kernels[k]))
        continue;
      for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          Problem *p = problem_new (rand, &cases[i], false);
          size_t bytes = sizeof (float) * (size_t) cases[i].M * p->ldc;
          float *single = problem_run (p);
          ThreadJob jobs[3];
          GThread *threads[3];

          problem_check (p, single);
          for (int t = 0; t < 3; t++)
            {
              jobs[t].p = p;
              threads[t] = g_thread_new ("gemm", thread_run, &jobs[t]);
            }
          for (int t = 0; t < 3; t++)
            {
              g_thread_join (threads[t]);
              for (int r = 0; r < 3; r++)
                {
                  g_assert_cmpmem (single, bytes, jobs[t].result[r], bytes);
                  g_free (jobs[t].result[r]);
                }
            }
          g_free (single);
          problem_free (p);
        }
    }
}

static RlGemmKernel
best_supported (void)
{
  if (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX512))
    return RL_GEMM_KERNEL_AVX512;
  if (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX2))
    return RL_GEMM_KERNEL_AVX2;
  return RL_GEMM_KERNEL_PORTABLE;
}

static void
test_select (void)
{
  g_assert_cmpstr (rl_gemm_kernel_name (RL_GEMM_KERNEL_AUTO), ==, "auto");
  g_assert_cmpstr (rl_gemm_kernel_name (RL_GEMM_KERNEL_PORTABLE), ==, "portable");
  g_assert_cmpstr (rl_gemm_kernel_name (RL_GEMM_KERNEL_AVX2), ==, "avx2");
  g_assert_cmpstr (rl_gemm_kernel_name (RL_GEMM_KERNEL_AVX512), ==, "avx512");
  g_assert_cmpstr (rl_gemm_kernel_name ((RlGemmKernel) 42), ==, "unknown");

  g_assert_true (rl_gemm_kernel_supported (RL_GEMM_KERNEL_PORTABLE));
  g_assert_true (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AUTO));
  g_assert_false (rl_gemm_kernel_supported ((RlGemmKernel) 42));
  /* AVX-512 here implies AVX2 (every AVX-512 CPU has AVX2 and FMA) */
  if (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX512))
    g_assert_true (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX2));

  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_PORTABLE));
  g_assert_cmpint (rl_gemm_get_kernel (), ==, RL_GEMM_KERNEL_PORTABLE);
  /* an unsupported choice changes nothing */
  g_assert_false (rl_gemm_set_kernel ((RlGemmKernel) 42));
  g_assert_cmpint (rl_gemm_get_kernel (), ==, RL_GEMM_KERNEL_PORTABLE);
  for (size_t k = 0; k < G_N_ELEMENTS (all_kernels); k++)
    if (!rl_gemm_kernel_supported (all_kernels[k]))
      {
        g_assert_false (rl_gemm_set_kernel (all_kernels[k]));
        g_assert_cmpint (rl_gemm_get_kernel (), ==, RL_GEMM_KERNEL_PORTABLE);
      }

  /* AUTO never reports itself: it resolves to a concrete kernel */
  g_unsetenv ("RESLAB_KERNEL");
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
  g_assert_cmpint (rl_gemm_get_kernel (), ==, best_supported ());
}

static void
test_env (void)
{
  g_setenv ("RESLAB_KERNEL", "portable", TRUE);
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
  g_assert_cmpint (rl_gemm_get_kernel (), ==, RL_GEMM_KERNEL_PORTABLE);

  /* names are case-insensitive; "auto" means the best */
  g_setenv ("RESLAB_KERNEL", "AUTO", TRUE);
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
  g_assert_cmpint (rl_gemm_get_kernel (), ==, best_supported ());

  for (size_t k = 1; k < G_N_ELEMENTS (all_kernels); k++)
    {
      g_autofree char *upper = g_ascii_strup (rl_gemm_kernel_name (all_kernels[k]), -1);

      g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_PORTABLE));
      g_setenv ("RESLAB_KERNEL", upper, TRUE);
      if (rl_gemm_kernel_supported (all_kernels[k]))
        {
          g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
          g_assert_cmpint (rl_gemm_get_kernel (), ==, all_kernels[k]);
        }
      else
        {
          g_test_expect_message ("reslab-engine", G_LOG_LEVEL_MESSAGE,
                                 "RESLAB_KERNEL=* is not supported*");
          g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
          g_test_assert_expected_messages ();
          g_assert_cmpint (rl_gemm_get_kernel (), ==, best_supported ());
        }
    }

  /* a name that is no kernel: the best one, and say so */
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_PORTABLE));
  g_setenv ("RESLAB_KERNEL", "sse9", TRUE);
  g_test_expect_message ("reslab-engine", G_LOG_LEVEL_MESSAGE,
                         "RESLAB_KERNEL=sse9 is not a kernel*");
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
  g_test_assert_expected_messages ();
  g_assert_cmpint (rl_gemm_get_kernel (), ==, best_supported ());

  /* an explicit choice ignores the variable */
  g_setenv ("RESLAB_KERNEL", "portable", TRUE);
  if (best_supported () != RL_GEMM_KERNEL_PORTABLE)
    {
      g_assert_true (rl_gemm_set_kernel (best_supported ()));
      g_assert_cmpint (rl_gemm_get_kernel (), ==, best_supported ());
    }
  g_unsetenv ("RESLAB_KERNEL");
}

/* rl_gemm_kernel_from_name, the inverse of rl_gemm_kernel_name, as RESLAB_KERNEL and
 * tools/bench-step's --kernels read a kernel's name. */
static void
test_from_name (void)
{
  RlGemmKernel k = RL_GEMM_KERNEL_AUTO;

  for (size_t i = 0; i < G_N_ELEMENTS (all_kernels); i++)
    {
      g_autofree char *upper = g_ascii_strup (rl_gemm_kernel_name (all_kernels[i]), -1);

      g_assert_true (rl_gemm_kernel_from_name (rl_gemm_kernel_name (all_kernels[i]), &k));
      g_assert_cmpint (k, ==, all_kernels[i]);
      k = RL_GEMM_KERNEL_AUTO;
      /* in any case */
      g_assert_true (rl_gemm_kernel_from_name (upper, &k));
      g_assert_cmpint (k, ==, all_kernels[i]);
    }
  /* no kernel of that name, "auto" included: FALSE, the kernel left as it was */
  k = RL_GEMM_KERNEL_AVX2;
  g_assert_false (rl_gemm_kernel_from_name ("auto", &k));
  g_assert_false (rl_gemm_kernel_from_name ("sse9", &k));
  g_assert_false (rl_gemm_kernel_from_name ("", &k));
  g_assert_false (rl_gemm_kernel_from_name ("avx", &k));
  g_assert_cmpint (k, ==, RL_GEMM_KERNEL_AVX2);
}

/* Without any rl_gemm_set_kernel call, the first GEMM picks AUTO (honouring the variable).
 * Runs in fresh subprocesses, since the choice is made once per process. */
static void
test_env_default (void)
{
  if (g_test_subprocess ())
    {
      const char *env = g_getenv ("RESLAB_KERNEL");
      float a = 2.0f, b = 3.0f, c = NAN;

      rl_sgemm (false, false, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c, 1);
      g_assert_cmpfloat (c, ==, 6.0f);
      if (env != NULL)
        g_assert_cmpint (rl_gemm_get_kernel (), ==, RL_GEMM_KERNEL_PORTABLE);
      else
        g_assert_cmpint (rl_gemm_get_kernel (), ==, best_supported ());
      return;
    }

  g_setenv ("RESLAB_KERNEL", "portable", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_unsetenv ("RESLAB_KERNEL");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/gemm/select", test_select);
  g_test_add_func ("/engine/gemm/env", test_env);
  g_test_add_func ("/engine/gemm/env-default", test_env_default);
  g_test_add_func ("/engine/gemm/from-name", test_from_name);
  g_test_add_func ("/engine/gemm/empty", test_empty);
  g_test_add_func ("/engine/gemm/net-shapes", test_net_shapes);
  g_test_add_func ("/engine/gemm/tails", test_tails);
  g_test_add_func ("/engine/gemm/blocking", test_blocking);
  g_test_add_func ("/engine/gemm/alpha-beta", test_alpha_beta);
  g_test_add_func ("/engine/gemm/leading-dimensions", test_leading_dimensions);
  g_test_add_func ("/engine/gemm/random", test_random);
  g_test_add_func ("/engine/gemm/threads", test_threads);
  g_test_add_func ("/engine/gemm/bad-args", test_bad_args);
  g_test_add_func ("/engine/gemm/bounds", test_bounds);

  return g_test_run ();
}
