#define G_LOG_DOMAIN "reslab"

/* bench-step: a training step's CPU time per GEMM kernel, interleaved, for a shared machine.
 *
 *   bench-step [--arch seed] [--kernels avx2,portable] [--rounds 5] [--steps 20]
 *              [--batch 64] [--threads 1]
 *
 * Each round times --steps forward-backward passes (rl_model_forward_backward, random images,
 * fresh weights) with each kernel in turn, in the process's CPU time: on a machine with more
 * runnable jobs than cores the wall clock mostly measures the wait for a core, CPU time the
 * work (the caches' refills after other programs ran stay in). Prints each round's ms per step
 * and images per CPU-second, the medians, and each kernel's median ratio to the first one,
 * with the same round's figures compared. With --threads > 1 the CPU time is that of every
 * thread, spinning included: compare kernels, not thread counts, with it. Not installed.
 */

#include "rl-arch.h"
#include "rl-cpu.h"
#include "rl-gemm.h"
#include "rl-model.h"
#include "rl-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  g_autofree char *arch_text = g_strdup ("seed");
  g_autofree char *kernel_list = g_strdup ("avx2,portable");
  int rounds = 5, steps = 20, batch = 64, threads = 1;
  GOptionEntry entries[] = {
    { "arch", 'a', 0, G_OPTION_ARG_STRING, &arch_text, "Net (reslab-cli's --arch)", "ARCH" },
    { "kernels", 'k', 0, G_OPTION_ARG_STRING, &kernel_list, "GEMM kernels, comma-separated",
      "LIST" },
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "Rounds (median kept)", "N" },
    { "steps", 's', 0, G_OPTION_ARG_INT, &steps, "Steps per kernel and round", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Images per step", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- training-step CPU time per kernel");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  g_autoptr (RlArch) arch = NULL;
  RlGemmKernel kernels[8];
  int n_kernels = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-step: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (rounds < 1 || steps < 1 || batch < 1 || threads < 1 || threads > batch)
    {
      fprintf (stderr, "bench-step: --rounds, --steps, --batch, --threads must be positive, "
               "--threads at most --batch\n");
      return EXIT_FAILURE;
    }
  arch = rl_arch_parse (arch_text, &error);
  if (arch == NULL)
    {
      fprintf (stderr, "bench-step: --arch: %s\n", error->message);
      return EXIT_FAILURE;
    }
  names = g_strsplit (kernel_list, ",", -1);
  for (int i = 0; names[i] != NULL; i++)
    {
      RlGemmKernel k;

      if (!rl_gemm_kernel_from_name (names[i], &k) || !rl_gemm_kernel_supported (k))
        {
          fprintf (stderr, "bench-step: no such kernel on this CPU: %s\n", names[i]);
          return EXIT_FAILURE;
        }
      if (n_kernels == G_N_ELEMENTS (kernels))
        {
          fprintf (stderr, "bench-step: too many kernels\n");
          return EXIT_FAILURE;
        }
      kernels[n_kernels++] = k;
    }

  g_autoptr (RlModel) model = rl_model_new_mnist (arch, &error);
  if (model == NULL)
    {
      fprintf (stderr, "bench-step: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_autofree float *x = g_new (float, (size_t) batch * 28 * 28);
  g_autofree uint8_t *labels = g_new (uint8_t, batch);
  g_autofree double *ms = g_new (double, (size_t) rounds * n_kernels);
  g_autofree double *ratio = g_new (double, rounds);

  for (size_t i = 0; i < (size_t) batch * 28 * 28; i++)
    x[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
  for (int i = 0; i < batch; i++)
    labels[i] = (uint8_t) (i % 10);
  rl_model_set_threads (model, threads);

  printf ("%s\n", rl_cpu_describe ());
  printf ("%s, batch %d, %d thread(s), %d steps per kernel and round, ms of CPU time per step\n",
          arch_text, batch, threads, steps);
  printf ("round");
  for (int k = 0; k < n_kernels; k++)
    printf (" %10s", rl_gemm_kernel_name (kernels[k]));
  printf ("\n");

  for (int r = 0; r < rounds; r++)
    {
      printf ("%5d", r + 1);
      for (int k = 0; k < n_kernels; k++)
        {
          double t0;

          rl_gemm_set_kernel (kernels[k]);
          rl_model_init_params (model, 1);
          rl_model_forward_backward (model, x, labels, batch, NULL);   /* warm-up */
          t0 = cpu_seconds ();
          for (int s = 0; s < steps; s++)
            rl_model_forward_backward (model, x, labels, batch, NULL);
          ms[k * rounds + r] = (cpu_seconds () - t0) * 1e3 / steps;
          printf (" %10.3f", ms[k * rounds + r]);
          fflush (stdout);
        }
      printf ("\n");
    }

  printf ("medians:\n");
  for (int k = 0; k < n_kernels; k++)
    {
      for (int r = 0; r < rounds; r++)
        ratio[r] = ms[r] / ms[k * rounds + r];
      double m = rl_stats_median (ratio, rounds);
      double t = rl_stats_median (ms + k * rounds, rounds);
      printf ("  %-9s %8.3f ms per step, %6.0f images per CPU-second, %6.1f GFLOPS, "
              "%.3fx of %s (same rounds)\n",
              rl_gemm_kernel_name (kernels[k]), t, batch / (t / 1e3),
              3.0 * rl_model_get_flops (model) * batch / (t / 1e3) / 1e9, m,
              rl_gemm_kernel_name (kernels[0]));
    }
  return EXIT_SUCCESS;
}
