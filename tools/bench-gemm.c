#define G_LOG_DOMAIN "reslab"

/* bench-gemm: single-thread GFLOPS of each SGEMM kernel on the seed net's GEMM shapes.
 *
 *   bench-gemm [--reps N] [--min-ms T] [--kernel portable|avx2|avx512] [--peak] [--cpu-time]
 *
 * Each figure is the best of N repetitions, each repetition timing as many calls as fill
 * T milliseconds: on a shared machine the best is the least disturbed run. With --cpu-time
 * the clock is the thread's CPU time, which leaves out the time it waited for a core: on a
 * machine so busy that no repetition runs undisturbed, that still compares kernels (the
 * caches' refills after other programs ran stay in). Not installed.
 */

#include "rl-cpu.h"
#include "rl-gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  const char *what;
  bool ta, tb;
  int M, N, K;
  float beta;
} Shape;

/* per thread with a 32-image slice (see tests/test-gemm.c) */
static const Shape shapes[] = {
  { "fwd conv1     16x18432x25",   false, false, 16, 18432, 25, 0.0f },
  { "fwd rblock1   16x4608x144",   false, false, 16, 4608, 144, 0.0f },
  { "fwd conv2     32x2048x400",   false, false, 32, 2048, 400, 0.0f },
  { "fwd rblock2   32x512x288",    false, false, 32, 512, 288, 0.0f },
  { "dW  conv1     16x25x18432",   false, true, 16, 25, 18432, 1.0f },
  { "dW  rblock1   16x144x4608",   false, true, 16, 144, 4608, 1.0f },
  { "dW  conv2     32x400x2048",   false, true, 32, 400, 2048, 1.0f },
  { "dW  rblock2   32x288x512",    false, true, 32, 288, 512, 1.0f },
  { "dX  rblock1   144x4608x16",   true, false, 144, 4608, 16, 0.0f },
  { "dX  conv2     400x2048x32",   true, false, 400, 2048, 32, 0.0f },
  { "dX  rblock2   288x512x32",    true, false, 288, 512, 32, 0.0f },
  { "fc  fwd       32x10x512",     false, true, 32, 10, 512, 0.0f },
};

static float *
random_buffer (size_t n)
{
  float *p = g_aligned_alloc (n, sizeof (float), 64);

  for (size_t i = 0; i < n; i++)
    p[i] = (float) ((i * 2654435761u) % 2001) / 1000.0f - 1.0f;
  return p;
}

static gboolean use_cpu_time = FALSE;

/* microseconds: wall clock, or this thread's CPU time (--cpu-time) */
static gint64
now_us (void)
{
  struct timespec ts;

  if (!use_cpu_time)
    return g_get_monotonic_time ();
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double
bench_shape (const Shape *s, int reps, double min_ms)
{
  int lda = s->ta ? s->M : s->K;
  int ldb = s->tb ? s->K : s->N;
  float *A = random_buffer ((size_t) s->M * s->K);
  float *B = random_buffer ((size_t) s->K * s->N);
  float *C = random_buffer ((size_t) s->M * s->N);
  double flop = 2.0 * s->M * s->N * s->K;
  double best = 0.0;

  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = now_us (), t1;
      long calls = 0;
      do
        {
          rl_sgemm (s->ta, s->tb, s->M, s->N, s->K, 1.0f, A, lda, B, ldb, s->beta, C, s->N);
          calls++;
          t1 = now_us ();
        }
      while ((t1 - t0) < min_ms * 1000.0);
      double gflops = flop * calls / ((double) (t1 - t0) * 1e3);
      best = MAX (best, gflops);
    }

  g_aligned_free (A);
  g_aligned_free (B);
  g_aligned_free (C);
  return best;
}

int
main (int argc, char **argv)
{
  int reps = 5;
  double min_ms = 40.0;
  g_autofree char *only = NULL;
  gboolean peak = FALSE;
  GOptionEntry entries[] = {
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Repetitions per figure (best kept)", "N" },
    { "min-ms", 't', 0, G_OPTION_ARG_DOUBLE, &min_ms, "Milliseconds per repetition", "T" },
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &only, "Only this kernel", "NAME" },
    { "peak", 'p', 0, G_OPTION_ARG_NONE, &peak, "Also measure the FMA peak", NULL },
    { "cpu-time", 'c', 0, G_OPTION_ARG_NONE, &use_cpu_time,
      "Time by the thread's CPU time, not the wall clock", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- SGEMM kernel benchmark");
  g_autoptr (GError) error = NULL;
  RlGemmKernel kernels[3];
  int n_kernels = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-gemm: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (reps < 1 || !(min_ms > 0.0))
    {
      fprintf (stderr, "bench-gemm: --reps and --min-ms must be positive\n");
      return EXIT_FAILURE;
    }

  for (RlGemmKernel k = RL_GEMM_KERNEL_PORTABLE; k <= RL_GEMM_KERNEL_AVX512; k++)
    if (rl_gemm_kernel_supported (k)
        && (only == NULL || g_ascii_strcasecmp (only, rl_gemm_kernel_name (k)) == 0))
      kernels[n_kernels++] = k;
  if (n_kernels == 0)
    {
      fprintf (stderr, "bench-gemm: no such kernel on this CPU: %s\n", only);
      return EXIT_FAILURE;
    }

  printf ("%s\n", rl_cpu_describe ());
  if (peak)
    printf ("FMA peak, 1 thread: %.1f GFLOPS\n", rl_cpu_measure_peak_gflops (1, 0.3));
  printf ("single thread, GFLOPS, best of %d x %.0f ms%s\n", reps, min_ms,
          use_cpu_time ? " of CPU time" : "");
  printf ("%-28s", "shape (M x N x K)");
  for (int k = 0; k < n_kernels; k++)
    printf (" %9s", rl_gemm_kernel_name (kernels[k]));
  printf ("\n");

  for (size_t s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      printf ("%-28s", shapes[s].what);
      fflush (stdout);
      for (int k = 0; k < n_kernels; k++)
        {
          rl_gemm_set_kernel (kernels[k]);
          printf (" %9.1f", bench_shape (&shapes[s], reps, min_ms));
          fflush (stdout);
        }
      printf ("\n");
    }
  return EXIT_SUCCESS;
}
