#define G_LOG_DOMAIN "reslab-cli"

/* rl-experiment-cli.c: `reslab-cli experiment degradation`, the paper's Figure 6 on MNIST.
 *
 * For each depth, a plain net and its residual twin train from the same initial weights on the
 * same batches (RlExperiment), once per seed with --seeds N (seed, seed + 1, ...; the seeds of a
 * depth make an RlExperimentGroup); a line is printed per interval, and after each depth the
 * CSVs and figures in --out-dir are rewritten with every depth so far, so an interrupted run
 * still leaves its results:
 *
 *   degradation.csv      training and test error of every twin per interval and seed (a row
 *                        per record and seed, the seed in the last column)
 *   layers.csv           per-layer gradient norms and response std (the first seed's runs)
 *   degradation.png/.svg Figure 6 style: plain left, residual right, thin training error,
 *                        bold test error, one colour per depth; with several seeds, the mean
 *                        and a band from the lowest to the highest seed's value
 *   layers.png/.svg      gradient norms and response std per layer of the deepest pair
 *
 * Exit status as reslab-cli: 0 success, 1 run-time failure, 2 usage error.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-cli-util.h"
#include "rl-experiment-cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-experiment.h"
#include "rl-figure.h"

#define MAX_DEPTH 200
#define MAX_SEEDS 20

/* Defaults: 200 iterations per net; measured at 5 to 6 minutes on the shared 2-core EPYC
 * (345 s MNIST, 286 s Fashion-MNIST; up to 11 minutes under heavy load; README). The paper's lr 0.1 (batch 128) makes the 56-layer nets, the residual one
 * too, spend the first fifty iterations recovering from a blow-up (the paper warms its ResNet-110
 * up at 0.01 for the same reason); over a run this short, 0.02 at batch 64 (RL_CLI_DEFAULT_BATCH,
 * as train's) shows the ordering of the depths instead of that transient. */
#define DEFAULT_DEPTHS "8,20,32,56"
#define DEFAULT_EPOCHS 1
#define DEFAULT_SUBSET 12800
#define DEFAULT_TEST_SUBSET 500
#define DEFAULT_INTERVAL 10
#define DEFAULT_LR 0.02
/* The options' --help texts repeat these values as literals (xgettext reads no macro):
 * change both. */

/* The command, as its usage errors name it. */
#define COMMAND "experiment degradation"

#define FIGURE_WIDTH 1100
#define FIGURE_HEIGHT 460


static void
print_usage (FILE *to)
{
  /* TRANSLATORS: keep the command, "NAME", "degradation" and "--help" as they are */
  fputs (_("Usage: reslab-cli experiment NAME [OPTION...]\n\n"
           "Experiments:\n"
           "  degradation   plain vs residual twins of several depths (the paper's Fig. 6)\n\n"
           "'reslab-cli experiment NAME --help' lists its options.\n"), to);
}

static int
compare_ints (gconstpointer a, gconstpointer b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

/* "8,20,32" -> sorted depths, each 6n+2 and at most MAX_DEPTH, no repeats. */
static GArray *
parse_depths (const char *text, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GArray) depths = g_array_new (FALSE, FALSE, sizeof (int));

  /* "" splits into no part at all: a run of no depth, which wrote nothing and said it had */
  if (parts[0] == NULL)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("no depth given (e.g. 8,20,32)"));
      return NULL;
    }
  for (int i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *part = g_strstrip (g_strdup (parts[i]));
      guint64 v;
      int d;

      if (!g_ascii_string_to_unsigned (part, 10, 8, MAX_DEPTH, &v, &local))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("'%s' is not a depth from 8 to %d"), part, MAX_DEPTH);
          return NULL;
        }
      d = (int) v;
      if ((d - 2) % 6 != 0)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("depth %d is not of the form 6n+2 (8, 20, 32, 44, 56, ...)"), d);
          return NULL;
        }
      for (guint j = 0; j < depths->len; j++)
        if (g_array_index (depths, int, j) == d)
          {
            g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, _("depth %d given twice"), d);
            return NULL;
          }
      g_array_append_val (depths, d);
    }
  g_array_sort (depths, compare_ints);
  return g_steal_pointer (&depths);
}

static void
print_step (const RlExperiment *exp, int n_seeds, double t0)
{
  uint64_t total = rl_experiment_get_total_iterations (exp);
  char num[32];
  /* digits of the total, so the columns line up */
  int width = g_snprintf (num, sizeof num, "%llu", (unsigned long long) total);

  /* A progress line for people, in columns: each piece below is one column's phrase. */
  g_print (_("depth %-3d iter %*llu/%llu"), rl_experiment_get_config (exp)->depth, width,
           (unsigned long long) rl_experiment_get_iteration (exp, RL_TWIN_RESIDUAL),
           (unsigned long long) total);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint nr = rl_experiment_get_n_records (exp, (RlTwin) t);
      const RlExperimentRecord *r;

      if (nr == 0)
        continue;
      r = rl_experiment_get_record (exp, (RlTwin) t, nr - 1);
      if (t == 0)
        g_print (_("  epoch %.2f"), r->epoch);
      g_print (t == RL_TWIN_PLAIN ? _("  plain train %5.2f%% test %5.2f%% loss %.3f")
                                  : _("  resnet train %5.2f%% test %5.2f%% loss %.3f"),
               100.0 * r->train_error, 100.0 * r->test_error, r->train_loss);
    }
  if (n_seeds > 1)
    /* TRANSLATORS: in a progress line, the seed of the run in progress */
    g_print (_("  seed %llu"), (unsigned long long) rl_experiment_get_config (exp)->seed);
  /* TRANSLATORS: seconds since the run started, at the end of a progress line */
  g_print (_("  %.0f s\n"), rl_cli_seconds () - t0);
  fflush (stdout);
}

/* Rewrites the CSVs and figures with every depth so far: @groups, every seed's records, and
 * @exps, the first seed's experiment of each depth (for the per-layer statistics); prints what
 * went wrong. */
static gboolean
write_outputs (const char *out_dir, GPtrArray *groups, GPtrArray *exps, const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GString) layers = g_string_new (NULL);
  g_autofree char *csv_path = g_build_filename (out_dir, "degradation.csv", NULL);
  g_autofree char *layers_path = g_build_filename (out_dir, "layers.csv", NULL);
  RlExperiment *deepest = g_ptr_array_index (exps, exps->len - 1);
  g_autofree char *layers_title = NULL;
  static const char *const ext[] = { "png", "svg" };

  /* The CSVs stay English with C numbers whatever the locale: scripts read them. */
  for (guint i = 0; i < exps->len; i++)
    {
      rl_experiment_group_format_csv (g_ptr_array_index (groups, i), csv, i == 0);
      rl_experiment_format_layers_csv (g_ptr_array_index (exps, i), layers, i == 0);
    }
  if (!rl_cli_write_text (csv_path, csv) || !rl_cli_write_text (layers_path, layers))
    return FALSE;

  /* TRANSLATORS: a figure's title; %1$s is the plain net's name ("plain-56"), %2$s its
   * residual twin's ("resnet-56") */
  layers_title = g_strdup_printf (_("%1$s vs %2$s: per-layer statistics early in training"
                                    " (thin) and at the end (bold)"),
                                  rl_experiment_get_name (deepest, RL_TWIN_PLAIN),
                                  rl_experiment_get_name (deepest, RL_TWIN_RESIDUAL));
  for (guint k = 0; k < G_N_ELEMENTS (ext); k++)
    {
      g_autofree char *name = g_strdup_printf ("degradation.%s", ext[k]);
      g_autofree char *path = g_build_filename (out_dir, name, NULL);
      g_autofree char *lname = g_strdup_printf ("layers.%s", ext[k]);
      g_autofree char *lpath = g_build_filename (out_dir, lname, NULL);

      if (!rl_figure_save_degradation (path, FIGURE_WIDTH, FIGURE_HEIGHT,
                                       (RlExperimentGroup *const *) groups->pdata, groups->len,
                                       title, &error) ||
          !rl_figure_save_layers (lpath, FIGURE_WIDTH, FIGURE_HEIGHT, deepest, layers_title,
                                  &error))
        {
          rl_cli_error ("%s", error->message);
          return FALSE;
        }
    }
  return TRUE;
}

static int
run_degradation (int argc, char **argv)
{
  g_autofree char *depths_text = NULL;
  g_autofree char *dataset_name = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *shortcut_text = NULL;
  g_autofree char *bn_text = NULL;
  g_autofree char *bn_stats_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *out_dir = NULL;
  int epochs = DEFAULT_EPOCHS, subset = DEFAULT_SUBSET, test_subset = DEFAULT_TEST_SUBSET;
  int batch = RL_CLI_DEFAULT_BATCH, interval = DEFAULT_INTERVAL, n_seeds = 1;
  int threads = RL_CLI_THREADS_NOT_GIVEN;   /* not given, so that -1 is refused like 0 */
  double lr = DEFAULT_LR, momentum = 0.9, weight_decay = 1e-4;
  const GOptionEntry entries[] = {
    { "depths", 0, 0, G_OPTION_ARG_STRING, &depths_text,
      N_("Depths to compare, each 6n+2 (default 8,20,32,56)"), "D,D,..." },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs,
      N_("Passes over the training subset (default 1)"), "N" },
    { "subset", 0, 0, G_OPTION_ARG_INT, &subset,
      N_("Train on the first N training images (default 12800)"), "N" },
    { "test-subset", 0, 0, G_OPTION_ARG_INT, &test_subset,
      N_("Test error on the first N test images (default 500)"),
      "N" },
    rl_cli_dataset_option (&dataset_name),
    rl_cli_data_option (&data_dir),
    { "shortcut", 0, 0, G_OPTION_ARG_STRING, &shortcut_text,
      N_("Shortcut where shapes change: A (zero-padded identity, default) or B (projection)"),
      "A|B" },
    { "bn", 0, 0, G_OPTION_ARG_STRING, &bn_text, N_("Batch normalisation: on (default) or off"),
      "on|off" },
    { "bn-stats", 0, 0, G_OPTION_ARG_STRING, &bn_stats_text,
      N_("Batch norm statistics for the test error: fresh (from a fixed training batch at"
         " the current weights, default) or running (the model's running averages, which lag"
         " the weights early in training)"), "fresh|running" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_("Learning rate (default 0.02)"), "RATE" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &momentum, N_("SGD momentum in [0, 1) (default 0.9)"),
      "MU" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &weight_decay,
      N_("L2 weight decay (default 0.0001)"), "WD" },
    rl_cli_batch_option (&batch),
    rl_cli_seed_option (&seed_text),
    { "seeds", 0, 0, G_OPTION_ARG_INT, &n_seeds,
      N_("Train each depth with N seeds (seed, seed+1, ...): the figures show their mean and a"
         " min-max band, the CSV a row per seed (default 1)"), "N" },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval,
      N_("Iterations between records (default 10)"), "N" },
    rl_cli_threads_option (&threads),
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      N_("Where to write the CSVs and figures (default: the current directory)"), "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) depths = NULL;
  g_autoptr(GPtrArray) exps = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *seed_words = NULL;
  g_autoptr(RlDataset) train = NULL;
  g_autoptr(RlDataset) test = NULL;
  g_autofree char *title = NULL;
  RlDatasetKind kind = RL_DATASET_MNIST;
  RlShortcut shortcut = RL_SHORTCUT_A;
  gboolean bn = TRUE, fresh_bn = TRUE;
  guint64 seed = 1;
  double t_start;

  if (!rl_cli_parse_options (COMMAND, "", entries, &argc, &argv,
    _("Train plain nets and their residual twins (same initial weights, same batches) at several\n"
      "depths and plot training and test error against iterations, as the paper's Figure 6.\n"
      "Writes degradation.csv, layers.csv, degradation.png/.svg and layers.png/.svg.")))
    return RL_CLI_EXIT_USAGE;

  /* Every option is checked before anything slow happens. */
  depths = parse_depths (depths_text != NULL ? depths_text : DEFAULT_DEPTHS, &error);
  if (depths == NULL)
    return rl_cli_usage_error (COMMAND, "--depths: %s", error->message);
  if (!rl_cli_parse_dataset (COMMAND, dataset_name, &kind))
    return RL_CLI_EXIT_USAGE;
  if (!rl_cli_parse_net (COMMAND, shortcut_text, bn_text, &shortcut, &bn))
    return RL_CLI_EXIT_USAGE;
  if (bn_stats_text != NULL)
    {
      gboolean running;

      if (!rl_cli_parse_either (bn_stats_text, "fresh", "running", &running))
        return rl_cli_usage_error (COMMAND, _("--bn-stats must be fresh or running (got '%s')"),
                                   bn_stats_text);
      fresh_bn = !running;
    }
  if (epochs < 1)
    return rl_cli_usage_error (COMMAND, _("--epochs must be at least 1 (got %d)"), epochs);
  if (subset < 1)
    return rl_cli_usage_error (COMMAND, _("--subset must be at least 1 (got %d)"), subset);
  if (test_subset < 1)
    return rl_cli_usage_error (COMMAND, _("--test-subset must be at least 1 (got %d)"),
                               test_subset);
  if (!rl_cli_check_batch (COMMAND, batch))
    return RL_CLI_EXIT_USAGE;
  if (interval < 1)
    return rl_cli_usage_error (COMMAND, _("--interval must be at least 1 (got %d)"), interval);
  if (!rl_cli_check_sgd (COMMAND, lr, momentum, weight_decay) ||
      !rl_cli_check_threads (COMMAND, threads) ||
      !rl_cli_parse_seed (COMMAND, seed_text, &seed))
    return RL_CLI_EXIT_USAGE;
  if (n_seeds < 1 || n_seeds > MAX_SEEDS)
    return rl_cli_usage_error (COMMAND, _("--seeds must be between 1 and %d (got %d)"),
                               MAX_SEEDS, n_seeds);
  if (seed > G_MAXUINT64 - (guint64) (n_seeds - 1))
    return rl_cli_usage_error (COMMAND, _("--seed: %llu + %d seeds overflows"),
                               (unsigned long long) seed, n_seeds);
  if (out_dir == NULL)
    out_dir = g_strdup (".");

  if (!rl_cli_load_splits (data_dir, kind, &train, &test))
    return EXIT_FAILURE;
  if ((guint) subset > train->n)
    /* TRANSLATORS: %2$s is the dataset's name: mnist or fashion */
    return rl_cli_usage_error (COMMAND, ngettext ("--subset: %1$d training image asked for, the"
                                                  " %2$s training set has %3$u",
                                                  "--subset: %1$d training images asked for, the"
                                                  " %2$s training set has %3$u", subset),
                               subset, rl_dataset_kind_name (kind), train->n);
  if ((guint) test_subset > test->n)
    /* TRANSLATORS: %2$s is the dataset's name: mnist or fashion */
    return rl_cli_usage_error (COMMAND, ngettext ("--test-subset: %1$d test image asked for, the"
                                                  " %2$s test set has %3$u",
                                                  "--test-subset: %1$d test images asked for,"
                                                  " the %2$s test set has %3$u", test_subset),
                               test_subset, rl_dataset_kind_name (kind), test->n);
  /* before the training: the folder can take files, and what is there is ours to replace */
  {
    static const RlCliOutFile files[] = {
      { "degradation.csv", RL_CLI_OUT_CSV, RL_EXPERIMENT_CSV_HEADER },
      { "layers.csv", RL_CLI_OUT_CSV, RL_EXPERIMENT_LAYERS_CSV_HEADER },
      { "degradation.png", RL_CLI_OUT_PNG, NULL },
      { "degradation.svg", RL_CLI_OUT_SVG, NULL },
      { "layers.png", RL_CLI_OUT_PNG, NULL },
      { "layers.svg", RL_CLI_OUT_SVG, NULL },
    };

    if (!rl_cli_check_out_files (out_dir, files, G_N_ELEMENTS (files)))
      return EXIT_FAILURE;
  }

  /* The figure's title and the first line of the run's log (a comment line for people). */
  if (n_seeds == 1)
    /* TRANSLATORS: the end of the figure's title: the one seed the nets were trained with */
    seed_words = g_strdup_printf (_("seed %llu"), (unsigned long long) seed);
  else
    /* TRANSLATORS: the end of the figure's title: the nets were trained with the seeds %1$llu
     * to %2$llu, and the curves are their mean */
    seed_words = g_strdup_printf (_("seeds %1$llu to %2$llu (mean, band min to max)"),
                                  (unsigned long long) seed,
                                  (unsigned long long) (seed + (guint64) n_seeds - 1));
  title = g_strdup_printf (ngettext ("%1$s, first %2$d training images x %3$d epoch, batch %4$d,"
                                     " lr %5$g, momentum %6$g, weight decay %7$g, shortcut %8$s,"
                                     " BN %9$s, %10$s",
                                     "%1$s, first %2$d training images x %3$d epochs, batch %4$d,"
                                     " lr %5$g, momentum %6$g, weight decay %7$g, shortcut %8$s,"
                                     " BN %9$s, %10$s", epochs),
                           rl_dataset_title (kind), subset,
                           epochs, batch, lr, momentum, weight_decay, rl_shortcut_name (shortcut),
                           /* TRANSLATORS: batch normalisation switched on or off */
                           bn ? C_("batch norm", "on") : C_("batch norm", "off"),
                           seed_words);
  {
    int n_threads = threads == RL_CLI_THREADS_NOT_GIVEN ? (int) g_get_num_processors () : threads;

    /* TRANSLATORS: %1$s is the run's description (the figure's title) */
    if (!bn)
      g_print (_("# reslab-cli experiment degradation: %1$s; test error on the first %2$d test"
                 " images; a record every %3$d iterations; threads %4$d\n"),
               title, test_subset, interval, n_threads);
    else if (fresh_bn)
      g_print (_("# reslab-cli experiment degradation: %1$s; test error on the first %2$d test"
                 " images (BN statistics fresh from a training batch); a record every %3$d"
                 " iterations; threads %4$d\n"), title, test_subset, interval, n_threads);
    else
      g_print (_("# reslab-cli experiment degradation: %1$s; test error on the first %2$d test"
                 " images (BN running averages); a record every %3$d iterations;"
                 " threads %4$d\n"), title, test_subset, interval, n_threads);
  }
  fflush (stdout);

  exps = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_free);
  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_group_free);
  t_start = rl_cli_seconds ();
  for (guint i = 0; i < depths->len; i++)
    {
      RlExperimentGroup *group = NULL;
      double t0 = rl_cli_seconds ();

      for (int k = 0; k < n_seeds; k++)
        {
          RlExperimentConfig cfg;
          g_autoptr(RlExperiment) exp = NULL;

          rl_experiment_config_init (&cfg);
          cfg.depth = g_array_index (depths, int, i);
          cfg.shortcut = shortcut;
          cfg.bn = bn;
          cfg.lr = lr;
          cfg.momentum = momentum;
          cfg.weight_decay = weight_decay;
          cfg.batch = batch;
          cfg.seed = seed + (guint64) k;
          cfg.epochs = epochs;
          cfg.subset = (uint32_t) subset;
          cfg.test_subset = (uint32_t) test_subset;
          cfg.interval = interval;
          cfg.threads = rl_cli_model_threads (threads);
          cfg.fresh_bn_stats = fresh_bn;

          exp = rl_experiment_new (&cfg, train, test, &error);
          if (exp == NULL)
            {
              rl_cli_error (_("depth %d: %s"), cfg.depth, error->message);
              return EXIT_FAILURE;
            }
          if (group == NULL)
            {
              group = rl_experiment_group_new (rl_experiment_get_config (exp),
                                               rl_experiment_get_total_iterations (exp),
                                               rl_experiment_get_name (exp, RL_TWIN_PLAIN),
                                               rl_experiment_get_name (exp, RL_TWIN_RESIDUAL));
              g_ptr_array_add (groups, group);
            }
          while (!rl_experiment_is_done (exp))
            {
              if (!rl_experiment_step (exp, NULL, &error))
                {
                  rl_cli_error (_("depth %d: %s"), cfg.depth, error->message);
                  return EXIT_FAILURE;
                }
              print_step (exp, n_seeds, t_start);
            }
          for (int t = 0; t < RL_N_TWINS; t++)
            {
              guint64 at = rl_experiment_get_diverged_at (exp, (RlTwin) t);

              if (at != 0)
                g_print (_("# %s diverged at iteration %llu (the loss is not finite) and stopped"
                           " there; try a smaller --lr\n"),
                         rl_experiment_get_name (exp, (RlTwin) t), (unsigned long long) at);
            }
          rl_experiment_group_add_experiment (group, exp);
          /* The group keeps every seed's records; the first seed's experiment stays for the
           * per-layer figure, the others' nets go now. */
          if (k == 0)
            g_ptr_array_add (exps, g_steal_pointer (&exp));
        }
      {
        RlExperiment *exp = g_ptr_array_index (exps, exps->len - 1);

        g_print (_("# depth %d done in %.0f s (training: plain %.0f s, resnet %.0f s)\n"),
                 rl_experiment_get_config (exp)->depth,
                 rl_cli_seconds () - t0,
                 rl_experiment_get_record (exp, RL_TWIN_PLAIN,
                   rl_experiment_get_n_records (exp, RL_TWIN_PLAIN) - 1)->train_seconds,
                 rl_experiment_get_record (exp, RL_TWIN_RESIDUAL,
                   rl_experiment_get_n_records (exp, RL_TWIN_RESIDUAL) - 1)->train_seconds);
      }
      fflush (stdout);
      if (!write_outputs (out_dir, groups, exps, title))
        return EXIT_FAILURE;
    }

  /* Summary: the mean over the last quarter of the records, less noisy than the last one. */
  /* TRANSLATORS: a table's two header lines; keep the columns above the numbers below them
   * (the depth from column 3, the four errors 9 characters wide from column 45; a Chinese
   * character takes two columns in a terminal) */
  g_print ("\n%s", _("# mean over the last quarter of the run     training error      test error\n"
                     "# depth                                      plain    resnet    plain    resnet\n"));
  for (guint i = 0; i < groups->len; i++)
    {
      RlExperimentGroup *group = g_ptr_array_index (groups, i);
      double mean[RL_N_TWINS][2] = { { 0 } };

      /* over the seeds' mean curve: with one seed, the records themselves */
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          guint np = rl_experiment_group_get_n_points (group, (RlTwin) t);
          guint from = np - MAX (np / 4, 1), cnt = np - from;

          for (guint k = from; k < np; k++)
            {
              double train_err, test_err;

              rl_experiment_group_get_point (group, (RlTwin) t, k, RL_EXPERIMENT_TRAIN_ERROR,
                                             NULL, &train_err, NULL, NULL);
              rl_experiment_group_get_point (group, (RlTwin) t, k, RL_EXPERIMENT_TEST_ERROR,
                                             NULL, &test_err, NULL, NULL);
              mean[t][0] += train_err / cnt;
              mean[t][1] += test_err / cnt;
            }
        }
      g_print ("# %-42d %6.2f%%  %6.2f%%  %6.2f%%  %6.2f%%\n",
               rl_experiment_group_get_config (group)->depth, 100 * mean[0][0], 100 * mean[1][0],
               100 * mean[0][1], 100 * mean[1][1]);
    }
  g_print (_("# wrote degradation.csv, layers.csv, degradation.png/.svg, layers.png/.svg in %s"
             " (%.0f s in all)\n"), out_dir, rl_cli_seconds () - t_start);
  return EXIT_SUCCESS;
}

int
rl_experiment_cli_main (int argc, char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return RL_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return EXIT_SUCCESS;
    }
  if (strcmp (argv[1], "degradation") == 0)
    return run_degradation (argc - 1, argv + 1);
  return rl_cli_usage_error ("experiment", _("unknown experiment '%s' (known: degradation)"),
                             argv[1]);
}
