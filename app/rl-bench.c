#define G_LOG_DOMAIN "reslab-cli"

/* reslab-cli bench: every speed figure ResLab promises, measured several times in one run and
 * reported as medians, with PyTorch (Debian's python3-torch, data preloaded as tensors, same
 * batch and thread count) run in between so the ratios come from the same conditions on a
 * shared, noisy machine. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-bench.h"

#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "rl-cli-util.h"
#include "rl-cpu.h"
#include "rl-dataset.h"
#include "rl-explain.h"
#include "rl-gemm.h"
#include "rl-model.h"
#include "rl-preprocess.h"
#include "rl-stats.h"
#include "rl-train.h"

#ifndef RESLAB_SOURCE_DIR
#define RESLAB_SOURCE_DIR "."
#endif

typedef struct {
  gint64 t0;        /* when the timed steps began (after the warm-up step) */
  int    images;    /* images in the timed steps */
} TrainTiming;

static void
count_images (RlTrainLoop *loop, const RlTrainStatus *st, gpointer data)
{
  ((TrainTiming *) data)->images += st->n;
}

/* A net the bench trains: the seed with its own script's settings, or a description given with
 * --arch, trained as the degradation experiment trains its twins (rl-experiment-cli.c). */
typedef struct {
  const char *text;          /* "seed", "resnet-20", ... */
  gboolean    seed;
  float       lr, momentum, weight_decay;
  int         batches;       /* timed steps per run */
  double      flop;          /* forward FLOPs of one image */
  double      c_ips[8][16], t_ips[8][16], ratio[8][16];
  double      c_med[8], t_med[8], r_med[8];
} BenchNet;

/* Images per second of @batches training steps of @net, fresh weights each run, through the
 * training loop every trainer uses (rl-train.h), its checks included. */
static double
bench_train (RlDataset *train, const BenchNet *net, int threads, int batch)
{
  static const RlTrainHooks hooks = { .after_batch = count_images };
  g_autoptr (RlArch) arch = rl_arch_parse (net->text, NULL);
  g_autoptr (RlModel) model = rl_model_new_mnist (arch, NULL);
  const int per_epoch = (int) ((train->n + (uint32_t) batch - 1) / (uint32_t) batch);
  g_autoptr (RlTrainLoop) loop = NULL;
  TrainTiming timing = { 0 };

  rl_model_init_params (model, 1);
  rl_model_set_threads (model, threads);
  loop = rl_train_loop_new (model, train, NULL, &(RlTrainLoopConfig) {
                              .epochs = (net->batches + 1) / per_epoch + 1,
                              .batch = batch,
                              .lr = net->lr,
                              .momentum = net->momentum,
                              .weight_decay = net->weight_decay,
                              .seed = 1,
                            }, NULL);
  g_return_val_if_fail (loop != NULL, 0.0);

  /* one warm-up step sizes the workspaces, as PyTorch's benchmark does */
  rl_train_loop_run (loop, 1, NULL, NULL, NULL, NULL);
  timing.t0 = g_get_monotonic_time ();
  rl_train_loop_run (loop, 1 + (uint64_t) net->batches, &hooks, &timing, NULL, NULL);
  return timing.images / ((g_get_monotonic_time () - timing.t0) / 1e6);
}

/* Runs PyTorch on @net: tools/torch_seed.py --bench for the seed, tools/reslab_torch.py bench
 * for a description; returns its images/s, or -1 (with a note on stderr). */
static double
bench_torch (const char *tools_dir, const char *data_dir, const BenchNet *net, int threads,
             int batch)
{
  g_autofree char *t = g_strdup_printf ("%d", threads);
  g_autofree char *b = g_strdup_printf ("%d", net->batches);
  g_autofree char *bs = g_strdup_printf ("%d", batch);
  g_autofree char *seed_script = g_build_filename (tools_dir, "torch_seed.py", NULL);
  g_autofree char *arch_script = g_build_filename (tools_dir, "reslab_torch.py", NULL);
  const char *seed_argv[] = { "/usr/bin/python3", seed_script, "--bench", b, "--threads", t,
                              "--batch", bs, "--data", data_dir, NULL };
  const char *arch_argv[] = { "/usr/bin/python3", arch_script, "bench", "--arch", net->text,
                              "--batches", b, "--threads", t, "--batch", bs, "--data",
                              data_dir, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *line;

  proc = g_subprocess_newv (net->seed ? seed_argv : arch_argv,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error))
    {
      g_printerr (_("reslab-cli: bench: PyTorch run failed: %s\n"), error->message);
      return -1;
    }
  if (!g_subprocess_get_successful (proc) || (line = strstr (out, "torch_images_per_s ")) == NULL)
    {
      g_printerr (_("reslab-cli: bench: PyTorch run failed:\n%s"), err ? err : "");
      return -1;
    }
  /* the scripts' machine-readable line, in C numbers whatever the locale */
  return g_ascii_strtod (line + strlen ("torch_images_per_s "), NULL);
}

/* Where a training step's time goes, layer by layer, 1 thread, in CPU time (the engine's
 * profile counts the thread's CPU time, so other programs taking the core are not counted):
 * the fastest of 5 rounds of @steps steps. */
static void
profile_net (RlDataset *train, const BenchNet *net, int batch, int steps)
{
  enum { ROUNDS = 5 };
  g_autoptr (RlArch) arch = rl_arch_parse (net->text, NULL);
  g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);
  g_autofree float *x = g_new (float, (size_t) batch * 784);
  g_autofree uint8_t *labels = g_new (uint8_t, batch);
  g_autofree double *best = g_new0 (double, 2 * arch->n_layers);
  double best_wall = G_MAXDOUBLE, total_f = 0, total_b = 0;
  RlBatchIter it;

  rl_model_init_params (m, 1);
  rl_model_set_threads (m, 1);
  rl_batch_iter_init (&it, train, batch, 1);
  rl_batch_iter_start (&it, 0);
  rl_batch_iter_next (&it, x, labels);
  rl_model_forward_backward (m, x, labels, batch, NULL);
  for (int r = 0; r < ROUNDS; r++)
    {
      double t0, wall;

      rl_model_set_profiling (m, TRUE);
      t0 = rl_cpu_thread_seconds ();
      for (int s = 0; s < steps; s++)
        {
          if (rl_batch_iter_next (&it, x, labels) < batch)
            {
              rl_batch_iter_start (&it, 1);
              rl_batch_iter_next (&it, x, labels);
            }
          rl_model_forward_backward (m, x, labels, batch, NULL);
        }
      wall = rl_cpu_thread_seconds () - t0;
      if (wall < best_wall)
        {
          best_wall = wall;
          for (guint i = 0; i < (guint) arch->n_layers; i++)
            rl_model_get_profile (m, i, &best[2 * i], &best[2 * i + 1]);
        }
    }
  rl_batch_iter_clear (&it);
  /* TRANSLATORS: %1$s is a net ("seed", "resnet-20"), %2$d the batch size */
  g_print (_("\nper layer of %1$s, 1 thread, CPU ms per batch of %2$d (fastest of %3$d rounds of"
             " %4$d steps):\n"), net->text, batch, ROUNDS, steps);
  /* TRANSLATORS: the per-layer table's header; "forward" and "backward" end at columns 26
   * and 36, above the numbers (a Chinese character takes two columns in a terminal) */
  g_print ("%s", _("      layer        forward  backward\n"));
  for (guint i = 0; i < (guint) arch->n_layers; i++)
    {
      const char *name = arch->layers[i].name[0] ? arch->layers[i].name
                                                 : rl_layer_kind_name (arch->layers[i].kind);
      total_f += best[2 * i];
      total_b += best[2 * i + 1];
      /* layers the engine runs inside another in training */
      const guint owner = rl_model_profile_owner (m, i, batch);
      if (owner != i)
        {
          const RlLayerSpec *o = &arch->layers[owner];
          /* TRANSLATORS: %2$s is a layer's name; its work is done inside layer %4$s, above or
           * below it in the table; keep the columns as in the table's header */
          g_print (owner < i ? _("  %1$-3u %2$-10s %3$9s %3$9s   (inside %4$s above)\n")
                             : _("  %1$-3u %2$-10s %3$9s %3$9s   (inside %4$s below)\n"),
                   i + 1, name, "-", o->name[0] ? o->name : rl_layer_kind_name (o->kind));
        }
      else
        g_print ("  %-3u %-10s %9.3f %9.3f\n", i + 1, name, 1e3 * best[2 * i] / steps,
                 1e3 * best[2 * i + 1] / steps);
    }
  /* TRANSLATORS: the table's total line: keep the two times under "forward" and "backward"
   * (ending at columns 26 and 36) */
  g_print (_("  all layers     %9.3f %9.3f   (rest of the step: %.3f ms; %.0f images per CPU s)\n"),
           1e3 * total_f / steps, 1e3 * total_b / steps,
           1e3 * (best_wall - total_f - total_b) / steps, steps * batch / best_wall);
}

/* A "7" drawn with a round pen on a 280x280 canvas, as the app's canvas renders ink. */
static void
draw_seven (float *ink, int side)
{
  static const double pts[][2] = { { 70, 60 }, { 200, 60 }, { 190, 90 }, { 150, 160 },
                                   { 120, 230 } };
  const double r = 9.0;

  memset (ink, 0, sizeof (float) * side * side);
  for (guint s = 0; s + 1 < G_N_ELEMENTS (pts); s++)
    for (int y = 0; y < side; y++)
      for (int x = 0; x < side; x++)
        {
          double ax = pts[s][0], ay = pts[s][1], bx = pts[s + 1][0], by = pts[s + 1][1];
          double dx = bx - ax, dy = by - ay;
          double t = CLAMP (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0, 1);
          double ex = x - (ax + t * dx), ey = y - (ay + t * dy);
          double d = sqrt (ex * ex + ey * ey);
          float v = (float) CLAMP (r + 0.5 - d, 0, 1);
          ink[y * side + x] = MAX (ink[y * side + x], v);
        }
}

/* Default steps per run for a net given with --arch: the deep ones take a good fraction of a
 * second a step, so a whole epoch per run would take many minutes. */
#define ARCH_DEFAULT_BATCHES 100

int
rl_bench_main (int argc, char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *threads_list = NULL;
  g_auto (GStrv) arch_texts = NULL;
  int runs = 3, batches = RL_CLI_INT_NOT_GIVEN, batch = 64;
  gboolean no_torch = FALSE, no_seed = FALSE;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("MNIST directory"), "DIR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, N_("Repetitions of each figure (default 3)"), "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches,
      N_("Training steps per run (default: one epoch, 938)"), "N" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_list,
      N_("Thread counts to measure (default: 1 and the number of cores)"), "LIST" },
    { "no-torch", 0, 0, G_OPTION_ARG_NONE, &no_torch, N_("Do not run PyTorch"), NULL },
    { "arch", 0, 0, G_OPTION_ARG_STRING_ARRAY, &arch_texts,
      N_("Also train this net (resnet-20, plain-56, a description) as the degradation"
         " experiment does, 100 steps per run unless --batches; repeatable"), "DESC" },
    { "no-seed", 0, 0, G_OPTION_ARG_NONE, &no_seed,
      N_("With --arch: measure only those nets (no seed net, no evaluation figures)"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) train = NULL, test = NULL;
  g_autofree char *tools_dir = g_build_filename (RESLAB_SOURCE_DIR, "tools", NULL);
  g_autofree char *script = g_build_filename (tools_dir, "torch_seed.py", NULL);
  int tcounts[8], n_tcounts = 0, cores = (int) g_get_num_processors ();
  g_autofree BenchNet *nets = NULL;
  int n_nets = 0;
  double peak[8];
  gboolean have_torch;

  /* the usage errors as every subcommand's (rl_cli_usage_error): a stray argument too */
  if (!rl_cli_parse_options ("bench", "", entries, &argc, &argv,
                             _("Measure training and inference speed, beside PyTorch.")))
    return RL_CLI_EXIT_USAGE;
  if (runs < 1 || runs > 16)
    return rl_cli_usage_error ("bench", _("--runs must be between 1 and 16"));
  if (batches != RL_CLI_INT_NOT_GIVEN && batches < 1)
    return rl_cli_usage_error ("bench", _("--batches must be at least 1 (got %d)"), batches);
  if (no_seed && arch_texts == NULL)
    return rl_cli_usage_error ("bench", _("--no-seed needs --arch"));
  if (threads_list != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (threads_list, ",", -1);
      for (int i = 0; parts[i] != NULL && n_tcounts < 8; i++)
        {
          char *end = NULL;
          long v = strtol (parts[i], &end, 10);
          if (end == parts[i] || *end != '\0' || v < 1 || v > 256)
            return rl_cli_usage_error ("bench", _("--threads: “%s” is not a thread count"),
                                       parts[i]);
          tcounts[n_tcounts++] = (int) v;
        }
    }
  else
    {
      tcounts[n_tcounts++] = 1;
      if (cores > 1)
        tcounts[n_tcounts++] = cores;
    }

  /* The nets: the seed (its script's settings), then each --arch as the experiment trains. */
  nets = g_new0 (BenchNet, 1 + (arch_texts ? g_strv_length (arch_texts) : 0));
  if (!no_seed)
    nets[n_nets++] = (BenchNet) { .text = "seed", .seed = TRUE, .lr = 0.01f, .momentum = 0.5f,
                                  /* 0: an epoch, worked out once the data is read */
                                  .batches = batches != RL_CLI_INT_NOT_GIVEN ? batches : 0 };
  for (int i = 0; arch_texts != NULL && arch_texts[i] != NULL; i++)
    {
      g_autoptr (RlArch) arch = rl_arch_parse (arch_texts[i], &error);
      g_autoptr (RlModel) m = arch ? rl_model_new_mnist (arch, &error) : NULL;

      if (m == NULL)
        return rl_cli_usage_error ("bench", _("--arch “%s”: %s"), arch_texts[i],
                                   error->message);
      nets[n_nets++] = (BenchNet) { .text = arch_texts[i], .lr = 0.02f, .momentum = 0.9f,
                                    .weight_decay = 1e-4f,
                                    .batches = batches != RL_CLI_INT_NOT_GIVEN
                                               ? batches : ARCH_DEFAULT_BATCHES };
    }

  if (data_dir == NULL)
    data_dir = rl_dataset_default_dir (RL_DATASET_MNIST);
  if (!rl_cli_load_splits (data_dir, RL_DATASET_MNIST, &train, &test))
    return 1;
  for (int j = 0; j < n_nets; j++)
    {
      g_autoptr (RlArch) arch = rl_arch_parse (nets[j].text, NULL);
      g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);

      nets[j].flop = rl_model_get_flops (m);
      if (nets[j].batches == 0)
        nets[j].batches = (int) ((train->n + batch - 1) / batch);
    }

  have_torch = !no_torch && g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) &&
               g_file_test (script, G_FILE_TEST_EXISTS);
  if (have_torch)
    {
      const char *probe[] = { "/usr/bin/python3", "-c", "import torch", NULL };
      g_autoptr (GSubprocess) p = g_subprocess_newv (probe, G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                     NULL);
      have_torch = p != NULL && g_subprocess_wait_check (p, NULL, NULL);
    }

  /* Lines for people, translated; the numbers keep the same formats, so that a run in any
   * language compares with the English ones kept in docs/results/. */
  g_print (ngettext ("machine: %s, %d core\n", "machine: %s, %d cores\n", cores),
           rl_cpu_describe (), cores);
  g_print (_("GEMM kernel: %s\n"), rl_gemm_kernel_name (rl_gemm_get_kernel ()));
  /* TRANSLATORS: %s is avx512, avx2 or baseline; RESLAB_ISA is an environment variable */
  g_print (_("SIMD level: %s (RESLAB_ISA lowers it)\n"), rl_cpu_isa_name (rl_cpu_get_isa ()));
  g_print ("%s", have_torch ? _("PyTorch: yes (/usr/bin/python3 tools/torch_seed.py --bench)\n")
                            : _("PyTorch: not available (python3-torch missing or --no-torch)\n"));

  /* Interleave ResLab and PyTorch so both see the same machine at about the same time. */
  for (int r = 0; r < runs; r++)
    for (int j = 0; j < n_nets; j++)
      for (int k = 0; k < n_tcounts; k++)
        {
          BenchNet *net = &nets[j];

          net->c_ips[k][r] = bench_train (train, net, tcounts[k], batch);
          net->t_ips[k][r] = have_torch ? bench_torch (tools_dir, data_dir, net, tcounts[k], batch)
                                        : -1;
          net->ratio[k][r] = net->t_ips[k][r] > 0 ? net->c_ips[k][r] / net->t_ips[k][r] : -1;
          if (n_nets > 1)
            g_print ("  %s:", net->text);
          if (net->t_ips[k][r] > 0)
            g_print (ngettext ("  run %d, %d thread: ResLab %.0f images/s, PyTorch %.0f images/s,"
                               " ratio %.2f\n",
                               "  run %d, %d threads: ResLab %.0f images/s, PyTorch %.0f images/s,"
                               " ratio %.2f\n", tcounts[k]),
                     r + 1, tcounts[k], net->c_ips[k][r], net->t_ips[k][r], net->ratio[k][r]);
          else
            g_print (ngettext ("  run %d, %d thread: ResLab %.0f images/s\n",
                               "  run %d, %d threads: ResLab %.0f images/s\n", tcounts[k]),
                     r + 1, tcounts[k], net->c_ips[k][r]);
          fflush (stdout);
        }

  {
    /* the peak of the SIMD the GEMM kernel uses */
    const RlGemmKernel kernel = rl_gemm_get_kernel ();
    const RlCpuIsa kernel_isa = kernel == RL_GEMM_KERNEL_AVX512 ? RL_CPU_ISA_AVX512
                                : kernel == RL_GEMM_KERNEL_AVX2 ? RL_CPU_ISA_AVX2
                                : RL_CPU_ISA_BASELINE;

    for (int k = 0; k < n_tcounts; k++)
      peak[k] = rl_cpu_measure_peak_gflops_isa (kernel_isa, tcounts[k], 0.5);
  }
  for (int j = 0; j < n_nets; j++)
    {
      BenchNet *net = &nets[j];
      /* forward + backward: the backward costs two forwards (input and weight gradients) */
      const double flop = 3.0 * net->flop;

      if (net->seed)
        g_print (ngettext ("\ntraining the seed net, batch %d, %d steps per run, median of %d run:\n",
                           "\ntraining the seed net, batch %d, %d steps per run, median of %d runs:\n",
                           runs), batch, net->batches, runs);
      else
        /* TRANSLATORS: %1$s is a net ("resnet-20"); lr, momentum and weight decay follow */
        g_print (ngettext ("\ntraining %1$s (lr %2$g, momentum %3$g, weight decay %4$g), batch %5$d,"
                           " %6$d steps per run, median of %7$d run:\n",
                           "\ntraining %1$s (lr %2$g, momentum %3$g, weight decay %4$g), batch %5$d,"
                           " %6$d steps per run, median of %7$d runs:\n", runs),
                 net->text, net->lr, net->momentum, net->weight_decay, batch, net->batches, runs);
      /* The table's rows are numbers in fixed-width columns, the same in every language. */
      /* TRANSLATORS: a table's header; keep each column's right edge above the numbers (columns
       * end at 9, 26, 35, 53, 62, 78, 86; a Chinese character takes two columns in a terminal) */
      g_print ("%s", _("  threads  ResLab images/s  s/epoch  PyTorch images/s  s/epoch  ResLab/PyTorch"
                       "  GFLOPS  of FMA peak\n"));
      for (int k = 0; k < n_tcounts; k++)
        {
          double gflops;

          net->c_med[k] = rl_stats_median (net->c_ips[k], runs);
          net->t_med[k] = have_torch ? rl_stats_median (net->t_ips[k], runs) : -1;
          net->r_med[k] = have_torch ? rl_stats_median (net->ratio[k], runs) : -1;
          gflops = net->c_med[k] * flop / 1e9;
          g_print ("  %7d  %15.0f  %7.2f", tcounts[k], net->c_med[k], train->n / net->c_med[k]);
          if (have_torch)
            g_print ("  %16.0f  %7.2f  %14.2f", net->t_med[k], train->n / net->t_med[k],
                     net->r_med[k]);
          else
            g_print ("  %16s  %7s  %14s", "-", "-", "-");
          /* TRANSLATORS: the table's last column: GFLOPS, then their share of the FMA peak */
          g_print (_("  %6.1f  %5.1f%% of %.0f\n"), gflops, 100 * gflops / peak[k], peak[k]);
        }
      if (n_tcounts >= 2)
        {
          if (have_torch)
            g_print (_("  scaling %d -> %d threads: ResLab %.2fx, PyTorch %.2fx\n"), tcounts[0],
                     tcounts[n_tcounts - 1], net->c_med[n_tcounts - 1] / net->c_med[0],
                     net->t_med[n_tcounts - 1] / net->t_med[0]);
          else
            g_print (_("  scaling %d -> %d threads: ResLab %.2fx\n"), tcounts[0],
                     tcounts[n_tcounts - 1], net->c_med[n_tcounts - 1] / net->c_med[0]);
        }
    }
  /* Every net's ratio side by side, the seed's first. */
  if (have_torch && n_nets > 1)
    {
      g_print ("%s", _("\nResLab/PyTorch, median of each run's ratio:\n"));
      for (int j = 0; j < n_nets; j++)
        {
          g_print ("  %-12s", nets[j].text);
          for (int k = 0; k < n_tcounts; k++)
            g_print (ngettext ("  %d thread %5.2f", "  %d threads %5.2f", tcounts[k]), tcounts[k],
                     nets[j].r_med[k]);
          g_print ("\n");
        }
    }

  for (int j = 0; j < n_nets; j++)
    profile_net (train, &nets[j], batch, nets[j].seed ? 40 : 10);
  if (no_seed)
    return 0;

  /* Evaluation of the full test set with the most threads measured. */
  {
    g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
    g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);
    g_autofree float *x = g_new (float, (size_t) test->n * 784);
    g_autofree float *logits = g_new (float, (size_t) test->n * 10);
    g_autofree uint32_t *idx = g_new (uint32_t, test->n);
    double t[16];

    for (uint32_t i = 0; i < test->n; i++)
      idx[i] = i;
    rl_dataset_get_batch (test, idx, (int) test->n, x, NULL);
    rl_model_init_params (m, 1);
    rl_model_set_threads (m, tcounts[n_tcounts - 1]);
    rl_model_predict (m, x, 64, logits);   /* warm-up */
    for (int r = 0; r < MAX (runs, 5); r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        rl_model_predict (m, x, (int) test->n, logits);
        t[r] = (g_get_monotonic_time () - t0) / 1e6;
      }
    g_print (ngettext ("\nevaluation of the %u test images, %d thread: %.3f s (median of %d)\n",
                       "\nevaluation of the %u test images, %d threads: %.3f s (median of %d)\n",
                       tcounts[n_tcounts - 1]), test->n,
             tcounts[n_tcounts - 1], rl_stats_median (t, MAX (runs, 5)), MAX (runs, 5));
  }

  /* One drawn digit: canvas ink -> MNIST preprocessing -> normalisation -> forward with every
   * activation the viewers show, single-threaded as the app does it on its main thread. */
  {
    enum { SIDE = 280, REPS = 1000 };
    g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
    g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);
    g_autoptr (RlInference) inf = rl_inference_new (m);
    g_autofree float *ink = g_new (float, SIDE * SIDE);
    g_autofree double *t = g_new (double, REPS);
    float in01[784], x[784], probs[10];

    rl_model_init_params (m, 1);
    draw_seven (ink, SIDE);
    for (int r = 0; r < REPS; r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        rl_preprocess_digit (ink, SIDE, SIDE, SIDE, 0.1f, in01);
        rl_dataset_normalise_floats (NULL, RL_DATASET_MNIST, in01, 784, x);
        rl_inference_run (inf, m, x, probs);
        t[r] = (g_get_monotonic_time () - t0) / 1e3;
      }
    g_print (_("one drawn digit (280x280 canvas -> preprocessing -> all activations): %.3f ms"
               " (median of %d)\n"), rl_stats_median (t, REPS), REPS);
  }

  /* Why? in Draw (rl-explain.h), single-threaded as the app runs it on its main thread:
   * gradient x input (one forward and backward of one image) follows the pen; integrated
   * gradients with 32 steps is one batch of 32 images forward and backward. */
  {
    enum { SIDE = 280, REPS_GRAD = 500, REPS_IG = 50 };
    g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
    g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);
    g_autoptr (RlExplainer) ex = rl_explainer_new (m, RL_EXPLAIN_IG_STEPS_DEFAULT);
    g_autofree float *ink = g_new (float, SIDE * SIDE);
    g_autofree double *t = g_new (double, REPS_GRAD);
    float in01[784], x[784], attr[784], blank, zero = 0.0f;
    double t_grad, t_ig;

    rl_model_init_params (m, 1);
    draw_seven (ink, SIDE);
    rl_preprocess_digit (ink, SIDE, SIDE, SIDE, 0.1f, in01);
    rl_dataset_normalise_floats (NULL, RL_DATASET_MNIST, in01, 784, x);
    rl_dataset_normalise_floats (NULL, RL_DATASET_MNIST, &zero, 1, &blank);
    rl_explainer_run (ex, m, RL_EXPLAIN_INTEGRATED, x, blank, 7, 32, attr, NULL, NULL);  /* warm-up */
    for (int r = 0; r < REPS_GRAD; r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        rl_explainer_run (ex, m, RL_EXPLAIN_GRADIENT, x, blank, 7, 0, attr, NULL, NULL);
        t[r] = (g_get_monotonic_time () - t0) / 1e3;
      }
    t_grad = rl_stats_median (t, REPS_GRAD);
    for (int r = 0; r < REPS_IG; r++)
      {
        gint64 t0 = g_get_monotonic_time ();
        rl_explainer_run (ex, m, RL_EXPLAIN_INTEGRATED, x, blank, 7, 32, attr, NULL, NULL);
        t[r] = (g_get_monotonic_time () - t0) / 1e3;
      }
    t_ig = rl_stats_median (t, REPS_IG);
    g_print (_("why (1 thread): gradient x input %.3f ms (median of %d), integrated gradients"
               " with 32 steps %.3f ms (median of %d)\n"), t_grad, REPS_GRAD, t_ig, REPS_IG);
  }

  {
    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    g_print (_("peak resident memory of this process (MNIST loaded, training, evaluation):"
               " %.0f MB\n"),
             ru.ru_maxrss / 1024.0);
  }
  return 0;
}
