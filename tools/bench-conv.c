#define G_LOG_DOMAIN "reslab"

/* bench-conv: single-thread GFLOPS of each of the seed net's convolutions (or with --net
 * resnet, the 3x3 convolutions of the resnet-N nets' three stages), as the layer functions run
 * them in training (rl_conv2d_forward, rl_conv2d_backward with and without the input gradient,
 * and conv + ReLU + 2x2 max pooling as one layer where the net has them).
 *
 *   bench-conv [--net seed|resnet] [--images N] [--reps N] [--calls N]
 *
 * Each figure is the fastest of --reps repetitions of --calls calls, timed in this thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID), so time the machine spends on other programs is left out; on
 * a shared machine the fastest is also the least disturbed (caches). Beside it, the share of
 * the FMA peak of the GEMM kernel's SIMD, measured the same way. GFLOPS are nominal: 2 * Co * Ci * K * K * Ho * Wo * N a
 * pass, counting the taps in the padding that the forward and the input gradient skip.
 * Buffers are 64-byte aligned, as the model's. Not installed.
 */

#include "rl-cpu.h"
#include "rl-gemm.h"
#include "rl-layers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;
  int ci, hw, co, k, pad;
  gboolean pooled;        /* followed by relu and maxpool(2) in the seed net */
  gboolean first;         /* the first layer: training computes no input gradient */
} Conv;

static const Conv seed_convs[] = {
  { "conv1",   1, 28, 16, 5, 0, TRUE, TRUE },
  { "rblock1", 16, 12, 16, 3, 1, FALSE, FALSE },
  { "conv2",   16, 12, 32, 5, 0, TRUE, FALSE },
  { "rblock2", 32, 4, 32, 3, 1, FALSE, FALSE },
  { NULL }
};

/* the resnet-N / plain-N nets on 28 x 28: the stages' stride-1 convs (all but the stride-2 first
 * conv of stages 2 and 3) */
static const Conv resnet_convs[] = {
  { "16@28",   16, 28, 16, 3, 1, FALSE, FALSE },
  { "32@14",   32, 14, 32, 3, 1, FALSE, FALSE },
  { "64@7",    64, 7, 64, 3, 1, FALSE, FALSE },
  { NULL }
};

static float *
buffer (size_t n, float scale)
{
  float *p = g_aligned_alloc (MAX (n, 1), sizeof (float), 64);
  for (size_t i = 0; i < n; i++)
    p[i] = scale * (float) ((int) ((i * 7919) % 13) - 6);
  return p;
}

typedef enum { FWD, DW, DW_DX, FUSED_FWD, FUSED_BWD } Pass;

static double
time_pass (Pass pass, const RlConvGeom *g, int n, int reps, int calls, float *x, float *w,
           float *b, float *y, float *dy, float *dx, float *dw, float *db, float *yp,
           float *arg, float *dyp, float *cols, float *dcols, float *block)
{
  double best = G_MAXDOUBLE;

  for (int r = 0; r < reps; r++)
    {
      double t0 = rl_cpu_thread_seconds ();
      for (int c = 0; c < calls; c++)
        switch (pass)
          {
          case FWD:
            rl_conv2d_forward (g, n, x, w, b, y, cols);
            break;
          case DW:
            rl_conv2d_backward (g, n, x, w, dy, NULL, RL_GRAD_SET, dw, db, cols, dcols);
            break;
          case DW_DX:
            rl_conv2d_backward (g, n, x, w, dy, dx, RL_GRAD_SET, dw, db, cols, dcols);
            break;
          case FUSED_FWD:
            rl_conv2d_relu_maxpool_forward (g, n, x, w, b, yp, arg, cols, block);
            break;
          case FUSED_BWD:
            rl_conv2d_relu_maxpool_backward (g, n, x, yp, arg, dyp, dw, db, cols, block);
            break;
          }
      best = MIN (best, (rl_cpu_thread_seconds () - t0) / calls);
    }
  return best;
}

int
main (int argc, char **argv)
{
  int n = 64, reps = 9, calls = 20;
  double peak = 0.0;
  g_autofree char *net = NULL;
  const Conv *convs;
  GOptionEntry entries[] = {
    { "net", 0, 0, G_OPTION_ARG_STRING, &net, "seed (default) or resnet", "NET" },
    { "images", 0, 0, G_OPTION_ARG_INT, &n, "Images a call (default 64: the seed's batch)", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Repetitions, the fastest counts (default 9)", "N" },
    { "calls", 0, 0, G_OPTION_ARG_INT, &calls, "Calls a repetition (default 20)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- time the seed net's convolutions");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-conv: %s\n", error->message);
      return 2;
    }
  if (net == NULL || strcmp (net, "seed") == 0)
    convs = seed_convs;
  else if (strcmp (net, "resnet") == 0)
    convs = resnet_convs;
  else
    {
      fprintf (stderr, "bench-conv: --net must be seed or resnet, not \"%s\"\n", net);
      return 2;
    }
  if (n < 1 || reps < 1 || calls < 1)
    {
      fprintf (stderr, "bench-conv: --images, --reps and --calls must be at least 1\n");
      return 2;
    }

  {
    const RlGemmKernel kernel = rl_gemm_get_kernel ();
    const RlCpuIsa isa = kernel == RL_GEMM_KERNEL_AVX512 ? RL_CPU_ISA_AVX512
                         : kernel == RL_GEMM_KERNEL_AVX2 ? RL_CPU_ISA_AVX2 : RL_CPU_ISA_BASELINE;
    /* the best of a few, as the figures below */
    for (int r = 0; r < 3; r++)
      peak = MAX (peak, rl_cpu_measure_thread_peak_gflops (isa, 0.1));
    printf ("%s\nGEMM kernel %s, FMA peak %.1f GFLOPS (%s, 1 thread, CPU time)\n",
            rl_cpu_describe (), rl_gemm_kernel_name (kernel), peak, rl_cpu_isa_name (isa));
  }
  printf ("1 thread, %d images a call, fastest of %d x %d calls in CPU time, ms and nominal"
          " GFLOPS\n", n, reps, calls);
  printf ("%-8s %18s %18s %18s\n", "conv", "forward", "weight grad", "weight+input grad");
  for (size_t i = 0; convs[i].name != NULL; i++)
    {
      const Conv *cv = &convs[i];
      RlConvGeom g;
      rl_conv_geom_init (&g, cv->ci, cv->hw, cv->hw, cv->co, cv->k, 1, cv->pad);
      const size_t nx = (size_t) g.ci * g.hi * g.wi * n, ny = (size_t) g.co * g.ho * g.wo * n;
      const size_t nw = (size_t) g.co * g.ci * g.k * g.k, ws = rl_conv_workspace_size (&g, n);
      const gboolean fused = cv->pooled && rl_conv_relu_maxpool_fusable (&g, n);
      float *x = buffer (nx, 0.1f), *w = buffer (nw, 0.05f), *b = buffer (g.co, 0.1f);
      float *y = buffer (ny, 0), *dy = buffer (ny, 0.1f), *dx = buffer (nx, 0);
      float *dw = buffer (nw, 0), *db = buffer (g.co, 0);
      float *cols = buffer (ws, 0), *dcols = buffer (ws, 0);
      float *yp = buffer (ny / 4, 0), *arg = buffer (ny / 4, 0), *dyp = buffer (ny / 4, 0.1f);
      float *block = buffer (fused ? rl_conv_relu_maxpool_block_size (&g, n) : 1, 0);
      const double flops = 2.0 * g.co * g.ci * g.k * g.k * g.ho * g.wo * n;
      double t[5] = { 0 };

      /* in order: the fused forward leaves the winners its backward reads */
      for (Pass p = FWD; p <= (fused ? FUSED_BWD : DW_DX); p++)
        if (!(p == DW_DX && cv->first) && !(p == FUSED_BWD && !cv->first))
          t[p] = time_pass (p, &g, n, reps, calls, x, w, b, y, dy, dx, dw, db, yp, arg, dyp,
                            cols, dcols, block);
      printf ("%-8s %8.3f ms %4.0f    %8.3f ms %4.0f", cv->name, 1e3 * t[FWD],
              flops / t[FWD] / 1e9, 1e3 * t[DW], flops / t[DW] / 1e9);
      if (cv->first)
        printf ("    %18s\n", "-");
      else
        printf ("    %8.3f ms %4.0f\n", 1e3 * t[DW_DX], 2 * flops / t[DW_DX] / 1e9);
      /* as training runs them: a first layer's backward fused too, the others' input gradient
       * needs the whole output gradient */
      if (fused && cv->first)
        printf ("%-8s %8.3f ms (+ relu, pool)    %8.3f ms (from the pooled gradient)\n",
                "  fused", 1e3 * t[FUSED_FWD], 1e3 * t[FUSED_BWD]);
      else if (fused)
        printf ("%-8s %8.3f ms (+ relu, pool)\n", "  fused", 1e3 * t[FUSED_FWD]);

      g_aligned_free (x); g_aligned_free (w); g_aligned_free (b); g_aligned_free (y);
      g_aligned_free (dy); g_aligned_free (dx); g_aligned_free (dw); g_aligned_free (db);
      g_aligned_free (cols); g_aligned_free (dcols); g_aligned_free (yp); g_aligned_free (arg);
      g_aligned_free (dyp); g_aligned_free (block);
    }
  return 0;
}
