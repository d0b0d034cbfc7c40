#define G_LOG_DOMAIN "reslab-cli"

/* reslab-cli: train, evaluate, predict with and inspect ResLab models from the command line.
 *
 *   reslab-cli train   [--data DIR] [--dataset mnist|fashion] [--arch seed|DESCRIPTION] ...
 *   reslab-cli eval    [--data DIR] [--dataset ...] --model FILE [--threads N]
 *   reslab-cli predict --model FILE IMAGE...
 *   reslab-cli read    [--model FILE] IMAGE... | --compose N    (rl-read-cli.c)
 *   reslab-cli teach   [--model FILE] [--mine DIR] --out FILE   (rl-teach-cli.c)
 *   reslab-cli info    FILE | --bundled
 *   reslab-cli experiment degradation [--depths 8,20,32,56] ...   (rl-experiment-cli.c)
 *   reslab-cli landscape --model FILE [--model FILE2] --out-dir DIR (rl-landscape-cli.c)
 *
 * Exit status: 0 on success, 1 when something fails at run time (a missing or broken file,
 * training that diverges), 2 for a usage error (an unknown command or option, a value out of
 * range). Every message goes to stderr, prefixed "reslab-cli: ".
 *
 * train prints the seed's log lines in its exact format ("[%d, %5d] loss: %.3f" every 300
 * batches, "Accuracy on the test set %d %%" after each epoch), so a run can be compared line by
 * line with the PyTorch original (tools/, docs/results/).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rl-cli-util.h"
#include "rl-bench.h"
#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-diagram-cli.h"
#include "rl-error.h"
#include "rl-experiment-cli.h"
#include "rl-explain-cli.h"
#include "rl-landscape.h"
#include "rl-landscape-cli.h"
#include "rl-limits.h"
#include "rl-model.h"
#include "rl-preprocess.h"
#include "rl-read-cli.h"
#include "rl-teach-cli.h"
#include "rl-safetensors.h"
#include "rl-startup.h"
#include "rl-train.h"
#include "rl-userset.h"

/* The seed logs the running loss every 300 batches. */
#define LOG_EVERY 300
/* Images per rl_model_predict() call when evaluating. */
#define EVAL_BATCH 1000


/* Whether a file can be written at @path, tried the way the save will: a temporary file
 * beside it (removed at once), so a full, read-only or missing directory is reported before
 * hours of training, not after. */
static gboolean
check_writable (const char *path)
{
  g_autofree char *probe = g_strconcat (path, ".reslab-tmp-XXXXXX", NULL);
  int fd, saved;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      rl_cli_error (_("%s: is a directory; --out needs a file name"), path);
      return FALSE;
    }
  fd = g_mkstemp_full (probe, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved = errno;
      rl_cli_error (_("cannot write %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  g_unlink (probe);
  return TRUE;
}

/* Correct predictions of @model on all of @ds; @confusion (nullable) gets counts
 * [true * n_classes + predicted]. */
static guint
evaluate (RlModel *model, const RlDataset *ds, guint *confusion)
{
  RlEvalResult r;

  rl_evaluate (model, ds, ds->n, 0, EVAL_BATCH, confusion, NULL, &r, NULL);
  return r.correct;
}

static void
print_test_accuracy (guint correct, guint total)
{
  g_print ("test accuracy %.2f%% (%u/%u)\n", 100.0 * correct / total, correct, total);
}

/* ---- Progress line ------------------------------------------------------------------------ */

/* One line on stderr, redrawn at most 10 times a second, only when both stdout and stderr are
 * terminals (so a log redirected to a file stays clean). Cleared before any stdout line. */
typedef struct {
  gboolean enabled;
  gboolean shown;
  double   last;
  int      width;
} Progress;

static void
progress_clear (Progress *p)
{
  if (p->shown)
    {
      g_printerr ("\r%*s\r", p->width, "");
      p->shown = FALSE;
    }
}

static void
progress_update (Progress *p, int epoch, int epochs, guint done, guint total, double loss,
                 double rate)
{
  double now = rl_cli_seconds ();
  char bar[21];
  int filled = (int) (20.0 * done / MAX (total, 1));
  g_autofree char *line = NULL;

  if (!p->enabled || (p->shown && now - p->last < 0.1 && done < total))
    return;
  for (int i = 0; i < 20; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[20] = '\0';
  line = g_strdup_printf ("epoch %d/%d [%s] %3d%%  %u/%u images  loss %.3f  %.0f images/s",
                          epoch, epochs, bar, (int) (100.0 * done / MAX (total, 1)), done, total,
                          loss, rate);
  p->width = MAX (p->width, (int) strlen (line));
  g_printerr ("\r%-*s", p->width, line);
  p->shown = TRUE;
  p->last = now;
}

/* ---- train -------------------------------------------------------------------------------- */

/* A file name for the arch: "seed" for the seed net, else "custom-" and a short hash of the
 * canonical description, so different archs do not overwrite each other's files. */
static char *
arch_label (const RlArch *arch)
{
  g_autofree char *text = rl_arch_to_string (arch);
  g_autoptr(RlArch) seed = rl_arch_parse ("seed", NULL);
  g_autofree char *seed_text = seed != NULL ? rl_arch_to_string (seed) : NULL;
  g_autofree char *hash = NULL;

  if (seed_text != NULL && strcmp (text, seed_text) == 0)
    return g_strdup ("seed");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  return g_strdup_printf ("custom-%.8s", hash);
}

static char *
format_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v));
}

/* What train prints as the loop goes: the seed's lines, a progress line, each epoch's figures. */
typedef struct {
  Progress progress;
  int      epochs;
  guint    n_train;
  guint    epoch_seen;     /* images of this epoch so far */
  double   running;        /* loss summed since the last log line */
  double   progress_loss;  /* smoothed, for the progress line */
  guint    test_correct;   /* after the last epoch */
  guint64  epoch_hits;     /* training-mode argmax hits of this epoch so far */
  GArray  *lr_drops;       /* (int) epochs at whose start the learning rate is divided by 10 */
} TrainLog;

static void
train_log_batch (RlTrainLoop *loop, const RlTrainStatus *st, gpointer data)
{
  TrainLog *log = data;

  if (st->diverged)
    return;
  log->epoch_seen = (st->batch == 1 ? 0 : log->epoch_seen) + (guint) st->n;
  log->epoch_hits = (st->batch == 1 ? 0 : log->epoch_hits) + (guint) st->hits;
  log->running += st->loss;
  log->progress_loss = st->batch == 1 ? st->loss : 0.98 * log->progress_loss + 0.02 * st->loss;
  if (st->batch % LOG_EVERY == 0)
    {
      progress_clear (&log->progress);
      g_print ("[%d, %5d] loss: %.3f\n", st->epoch, st->batch, log->running / LOG_EVERY);
      fflush (stdout);
      log->running = 0.0;
    }
  if (!st->epoch_end)
    {
      progress_update (&log->progress, st->epoch, log->epochs, log->epoch_seen, log->n_train,
                       log->progress_loss, log->epoch_seen / MAX (st->epoch_seconds, 1e-9));
      return;
    }

  progress_clear (&log->progress);
  log->running = 0.0;
  log->test_correct = (guint) st->test_correct;
  /* The seed's line: Python's "%d" % (100 * correct / total) truncates. */
  g_print ("Accuracy on the test set %u %%\n",
           (guint) (100 * (guint64) st->test_correct / st->test_n));
  print_test_accuracy ((guint) st->test_correct, st->test_n);
  g_print ("epoch %d: %.2f s training, %.0f images/s, training error %.2f %% (in training mode,"
           " as the weights moved)\n", st->epoch, st->epoch_seconds,
           log->n_train / MAX (st->epoch_seconds, 1e-9),
           100.0 * (1.0 - (double) log->epoch_hits / MAX (log->epoch_seen, 1u)));
  for (guint i = 0; log->lr_drops != NULL && i < log->lr_drops->len; i++)
    if (g_array_index (log->lr_drops, int, i) == st->epoch + 1)
      {
        RlSgd *sgd = rl_train_loop_get_sgd (loop);

        rl_sgd_set_lr (sgd, rl_sgd_get_lr (sgd) / 10.0f);
        g_print ("learning rate %g from epoch %d\n", rl_sgd_get_lr (sgd), st->epoch + 1);
      }
  fflush (stdout);
}

/* "E,E,...": epochs in 2..@epochs, increasing. Returns: (transfer full) (nullable) */
static GArray *
parse_lr_drops (const char *text, int epochs)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GArray) drops = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 e;
      int epoch;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 2, G_MAXINT, &e, NULL) ||
          e > (guint64) epochs ||
          (drops->len > 0 && (int) e <= g_array_index (drops, int, drops->len - 1)))
        {
          rl_cli_usage_error ("train", _("--lr-drop-at takes increasing epochs between 2 and"
                              " --epochs (%d), e.g. 4,6 (got '%s')"), epochs, text);
          return NULL;
        }
      epoch = (int) e;
      g_array_append_val (drops, epoch);
    }
  return g_steal_pointer (&drops);
}

static const RlTrainHooks train_log_hooks = { .after_batch = train_log_batch };

static int
cmd_train (int argc, char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *dataset_name = NULL;
  g_autofree char *arch_text = NULL;
  g_autofree char *shortcut_text = NULL;
  g_autofree char *bn_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *extra_dir = NULL;
  g_autofree char *initial_path = NULL;
  g_autofree char *lr_drop_text = NULL;
  gboolean keep_initial = FALSE;
  int epochs = 10, batch = RL_CLI_DEFAULT_BATCH, threads = RL_CLI_THREADS_NOT_GIVEN, limit = -1, extra_weight = 10;
  double lr = 0.01, momentum = 0.5, weight_decay = 0.0;
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Directory with the IDX files (default: $RESLAB_DATA_DIR or ~/.local/share/reslab/mnist;"
      " Fashion: /usr/share/datasets/fashion-mnist)"), "DIR" },
    rl_cli_dataset_option (&dataset_name),
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch_text,
      N_("The network: seed (default) or a description, e.g. \"conv(16,k=5) relu maxpool(2)"
      " res(16) gap linear(10)\""), "ARCH" },
    { "shortcut", 0, 0, G_OPTION_ARG_STRING, &shortcut_text,
      N_("With --arch resnet-N or plain-N: A (zero-padded identity, default) or B (projection)"
      " where shapes change"), "A|B" },
    { "bn", 0, 0, G_OPTION_ARG_STRING, &bn_text,
      N_("With --arch resnet-N or plain-N: batch normalisation on (default) or off"), "on|off" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, N_("Passes over the training set (default 10)"), "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_("Learning rate (default 0.01)"), "RATE" },
    { "lr-drop-at", 0, 0, G_OPTION_ARG_STRING, &lr_drop_text,
      N_("Divide the learning rate by 10 at the start of each of these epochs (the paper's step"
         " schedule), e.g. 4,6"), "E,E,..." },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &momentum, N_("SGD momentum in [0, 1) (default 0.5)"),
      "MU" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &weight_decay, N_("L2 weight decay (default 0)"),
      "WD" },
    rl_cli_batch_option (&batch),
    rl_cli_seed_option (&seed_text),
    rl_cli_threads_option (&threads),
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit,
      N_("Train on the first N images only (for quick runs)"), "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      N_("Where to save the model (default: reslab-ARCH-DATASET.safetensors here)"), "FILE" },
    { "extra", 0, 0, G_OPTION_ARG_FILENAME, &extra_dir,
      N_("Add your digits to the training set: the IDX set in DIR (images-idx3-ubyte,"
         " labels-idx1-ubyte, as the app keeps in ~/.local/share/reslab/mine)"), "DIR" },
    { "extra-weight", 0, 0, G_OPTION_ARG_INT, &extra_weight,
      N_("With --extra: copies of each of your digits per epoch, 1..1000 (default 10); they are"
         " appended to the training set and shuffled in with it"), "W" },
    { "keep-initial", 0, 0, G_OPTION_ARG_NONE, &keep_initial,
      N_("Also save the initial weights beside the model, as FILE.initial.safetensors (for"
         " reslab-cli landscape's line from the initial to the trained weights)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) extra = NULL;
  g_autoptr(RlArch) arch = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlTrainLoop) loop = NULL;
  g_autoptr(RlDataset) train_full = NULL;
  g_autoptr(RlDataset) train = NULL;
  g_autoptr(RlDataset) test = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GArray) lr_drops = NULL;
  g_autofree char *label = NULL;
  RlDatasetKind kind = RL_DATASET_MNIST;
  guint64 seed = 1;
  TrainLog log = { 0 };
  guint correct = 0;

  if (!rl_cli_parse_options ("train", "", entries, &argc, &argv,
                             _("Train a network and save it as safetensors.")))
    return RL_CLI_EXIT_USAGE;

  /* Every option is checked before anything slow happens. */
  if (!rl_cli_parse_dataset ("train", dataset_name, &kind))
    return RL_CLI_EXIT_USAGE;
  if (epochs < 1)
    return rl_cli_usage_error ("train", _("--epochs must be at least 1 (got %d)"), epochs);
  if (!rl_cli_check_batch ("train", batch))
    return RL_CLI_EXIT_USAGE;
  if (!rl_cli_check_sgd ("train", lr, momentum, weight_decay))
    return RL_CLI_EXIT_USAGE;
  if (lr_drop_text != NULL && (lr_drops = parse_lr_drops (lr_drop_text, epochs)) == NULL)
    return RL_CLI_EXIT_USAGE;
  if (!rl_cli_check_threads ("train", threads))
    return RL_CLI_EXIT_USAGE;
  if (limit != -1 && limit < 1)
    return rl_cli_usage_error ("train", _("--limit must be at least 1 (got %d)"), limit);
  if (!rl_cli_parse_seed ("train", seed_text, &seed))
    return RL_CLI_EXIT_USAGE;
  if (extra_weight < 1 || extra_weight > 1000)
    return rl_cli_usage_error ("train", _("--extra-weight must be between 1 and 1000 (got %d)"),
                               extra_weight);
  if (extra_weight != 10 && extra_dir == NULL)
    return rl_cli_usage_error ("train", _("--extra-weight goes with --extra DIR"));

  if (shortcut_text != NULL || bn_text != NULL)
    {
      RlShortcut shortcut = RL_SHORTCUT_A;
      gboolean residual, bn = TRUE;
      guint64 depth = 0;
      const char *name = arch_text != NULL ? arch_text : "seed";
      const char *num = g_str_has_prefix (name, "resnet-") ? name + 7
                        : g_str_has_prefix (name, "plain-") ? name + 6 : NULL;

      if (num == NULL || !g_ascii_string_to_unsigned (num, 10, 1, 10000, &depth, NULL))
        return rl_cli_usage_error ("train", _("--shortcut and --bn apply to --arch resnet-N or plain-N"
                                   " only (got '%s')"), name);
      residual = g_str_has_prefix (name, "resnet-");
      if (!rl_cli_parse_net ("train", shortcut_text, bn_text, &shortcut, &bn))
        return RL_CLI_EXIT_USAGE;
      arch = rl_arch_new_cifar ((int) depth, residual, shortcut, bn, &error);
    }
  else
    arch = rl_arch_parse (arch_text != NULL ? arch_text : "seed", &error);
  if (arch == NULL)
    return rl_cli_usage_error ("train", _("--arch: %s"), error->message);
  /* MNIST and Fashion-MNIST are both 1 x 28 x 28 with 10 classes: the arch must fit that. */
  model = rl_model_new (arch, 1, RL_MNIST_SIDE, RL_MNIST_SIDE, 10, &error);
  if (model == NULL)
    return rl_cli_usage_error ("train", _("--arch: %s"), error->message);
  if (!rl_limits_check_batch (arch, 1, RL_MNIST_SIDE, RL_MNIST_SIDE, batch, &error))
    return rl_cli_usage_error ("train", _("--batch: %s"), error->message);
  label = arch_label (arch);
  if (out_path == NULL)
    out_path = g_strdup_printf ("reslab-%s-%s.safetensors", label, rl_dataset_kind_name (kind));
  if (!check_writable (out_path))
    return EXIT_FAILURE;
  if (keep_initial)
    {
      initial_path = rl_landscape_initial_path (out_path);
      if (!check_writable (initial_path))
        return EXIT_FAILURE;
    }

  if (!rl_cli_load_splits (data_dir, kind, &train_full, &test))
    return EXIT_FAILURE;
  if (train_full->c != 1 || train_full->h != RL_MNIST_SIDE || train_full->w != RL_MNIST_SIDE ||
      test->c != 1 || test->h != RL_MNIST_SIDE || test->w != RL_MNIST_SIDE)
    {
      rl_cli_error (_("the data in %s is not 1 x 28 x 28 images"),
                     data_dir != NULL ? data_dir : _("the default data directory"));
      return EXIT_FAILURE;
    }
  if (limit != -1 && (uint32_t) limit < train_full->n)
    train = rl_dataset_new_subset (train_full, limit);
  else
    train = rl_dataset_ref (train_full);
  if (extra_dir != NULL)
    {
      /* Your digits, W copies of each appended: the loop's shuffle spreads them over the
       * epoch, and everything else about training stays as it is. */
      g_autoptr(RlDataset) mixed = NULL;

      extra = rl_userset_load (extra_dir, &error);
      if (extra != NULL)
        mixed = rl_dataset_concat (train, 1, extra, (guint) extra_weight, &error);
      if (mixed == NULL)
        {
          rl_cli_error ("--extra: %s", error->message);
          return EXIT_FAILURE;
        }
      g_clear_pointer (&train, rl_dataset_unref);
      train = g_steal_pointer (&mixed);
    }

  rl_model_init_params (model, seed);
  if (initial_path != NULL && !rl_landscape_save_initial (model, out_path, kind, seed, &error))
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  rl_model_set_threads (model, rl_cli_model_threads (threads));
  loop = rl_train_loop_new (model, train, test, &(RlTrainLoopConfig) {
                              .epochs = epochs,
                              .batch = batch,
                              .lr = (float) lr,
                              .momentum = (float) momentum,
                              .weight_decay = (float) weight_decay,
                              .seed = seed,
                              .eval_epochs = TRUE,
                              .eval_chunk = EVAL_BATCH,
                            }, &error);
  if (loop == NULL)
    return rl_cli_usage_error ("train", "%s", error->message);

  g_print ("# reslab-cli %s, arch %s, %s, threads %d, seed %" G_GUINT64_FORMAT
           ", lr %g, momentum %g, weight decay %g, batch %d, %u train / %u test images\n",
           PACKAGE_VERSION, label, rl_dataset_kind_name (kind), rl_model_get_threads (model),
           seed, lr, momentum, weight_decay, batch, train->n, test->n);
  if (extra != NULL)
    g_print ("# with %u of your digits from %s, %d copies each (%u of the %u training images)\n",
             extra->n, extra_dir, extra_weight, extra->n * extra_weight, train->n);

  log.progress.enabled = isatty (STDOUT_FILENO) && isatty (STDERR_FILENO);
  log.epochs = epochs;
  log.n_train = train->n;
  log.lr_drops = lr_drops;
  if (lr_drop_text != NULL)
    g_print ("# learning rate divided by 10 at the start of epochs %s\n", lr_drop_text);
  if (!rl_train_loop_run (loop, 0, &train_log_hooks, &log, NULL, &error))
    {
      progress_clear (&log.progress);
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  correct = log.test_correct;

  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  now = g_date_time_new_now_utc ();
  g_hash_table_insert (metadata, g_strdup ("dataset"), g_strdup (rl_dataset_kind_name (kind)));
  g_hash_table_insert (metadata, g_strdup ("epochs"), g_strdup_printf ("%d", epochs));
  g_hash_table_insert (metadata, g_strdup ("test_accuracy"),
                       g_strdup_printf ("%.4f", (double) correct / test->n));
  g_hash_table_insert (metadata, g_strdup ("created"),
                       g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ"));
  g_hash_table_insert (metadata, g_strdup ("seed"),
                       g_strdup_printf ("%" G_GUINT64_FORMAT, seed));
  g_hash_table_insert (metadata, g_strdup ("lr"), format_double (lr));
  if (lr_drop_text != NULL)
    g_hash_table_insert (metadata, g_strdup ("lr_drop_at"), g_strdup (lr_drop_text));
  g_hash_table_insert (metadata, g_strdup ("momentum"), format_double (momentum));
  g_hash_table_insert (metadata, g_strdup ("weight_decay"), format_double (weight_decay));
  g_hash_table_insert (metadata, g_strdup ("batch"), g_strdup_printf ("%d", batch));
  g_hash_table_insert (metadata, g_strdup ("train_images"), g_strdup_printf ("%u", train->n));
  if (extra != NULL)
    {
      g_hash_table_insert (metadata, g_strdup ("extra_images"), g_strdup_printf ("%u", extra->n));
      g_hash_table_insert (metadata, g_strdup ("extra_weight"),
                           g_strdup_printf ("%d", extra_weight));
    }

  if (initial_path != NULL)
    rl_landscape_name_initial (metadata, out_path);

  if (!rl_model_save (model, out_path, metadata, &error))
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  g_print ("saved %s\n", out_path);
  if (initial_path != NULL)
    g_print ("saved %s (the initial weights)\n", initial_path);
  return EXIT_SUCCESS;
}

/* ---- eval --------------------------------------------------------------------------------- */

/* A directory holding a set of your digits (rl-userset.h) rather than a dataset's splits. */
static gboolean
is_userset_dir (const char *dir)
{
  g_autofree char *images = g_build_filename (dir, RL_USERSET_IMAGES, NULL);
  g_autofree char *labels = g_build_filename (dir, RL_USERSET_LABELS, NULL);
  g_autofree char *t10k = g_build_filename (dir, "t10k-images-idx3-ubyte", NULL);
  g_autofree char *t10k_gz = g_build_filename (dir, "t10k-images-idx3-ubyte.gz", NULL);

  return (g_file_test (images, G_FILE_TEST_EXISTS) || g_file_test (labels, G_FILE_TEST_EXISTS))
         && !g_file_test (t10k, G_FILE_TEST_EXISTS) && !g_file_test (t10k_gz, G_FILE_TEST_EXISTS);
}

/* The std of each layer's response over the first @n images of @test, in evaluation mode. */
static void
print_response_std (RlModel *model, const RlDataset *test, guint n)
{
  const guint nr = rl_model_get_n_responses (model);
  const size_t chw = (size_t) test->c * test->h * test->w;
  g_autofree uint32_t *idx = NULL;
  g_autofree float *x = NULL;
  g_autofree double *std = g_new0 (double, MAX (nr, 1));

  n = MIN (n, test->n);
  idx = g_new (uint32_t, n);
  x = g_new (float, (size_t) n * chw);
  for (guint i = 0; i < n; i++)
    idx[i] = i;
  rl_dataset_get_batch (test, idx, (int) n, x, NULL);
  rl_model_response_std (model, x, (int) n, NULL, std);
  g_print ("\nresponse std on the first %u test images (evaluation mode)\n", n);
  for (guint k = 0; k < nr; k++)
    g_print ("  %-24s %.4f\n", rl_model_get_response_name (model, k), std[k]);
}

static int
cmd_eval (int argc, char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *dataset_name = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *errors_dir = NULL;
  int threads = RL_CLI_THREADS_NOT_GIVEN, responses = G_MININT;   /* G_MININT: not given */
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Directory with the IDX files: a dataset's test split (t10k-images-idx3-ubyte ...), or"
         " a set of your digits (images-idx3-ubyte, labels-idx1-ubyte, as in"
         " ~/.local/share/reslab/mine)"), "DIR" },
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &dataset_name,
      N_("mnist or fashion (default: the one the model was trained on)"), "NAME" },
    rl_cli_model_option (&model_path),
    rl_cli_threads_option (&threads),
    { "errors", 0, 0, G_OPTION_ARG_FILENAME, &errors_dir,
      N_("Also write the confusion matrix (CSV, PNG) and the misclassified images (CSV, PNG) there"),
      "DIR" },
    { "responses", 0, 0, G_OPTION_ARG_INT, &responses,
      N_("Also print the std of each layer's response (after batch norm, before ReLU and the"
         " addition: the paper's Figure 7) over the first N test images, 1..10000"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlDataset) test = NULL;
  g_autofree guint *confusion = NULL;
  g_autofree char *set_name = NULL;
  RlDatasetKind kind = RL_DATASET_MNIST;
  guint correct;
  int label_width = 5;

  if (!rl_cli_parse_options ("eval", "", entries, &argc, &argv,
                             _("Evaluate a model on the test set: accuracy and confusion"
                               " matrix.")))
    return RL_CLI_EXIT_USAGE;
  if (model_path == NULL)
    return rl_cli_usage_error ("eval", _("--model FILE is required"));
  if (!rl_cli_parse_dataset ("eval", dataset_name, &kind))
    return RL_CLI_EXIT_USAGE;
  if (!rl_cli_check_threads ("eval", threads))
    return RL_CLI_EXIT_USAGE;
  if (responses != G_MININT && (responses < 1 || responses > 10000))
    return rl_cli_usage_error ("eval", _("--responses must be between 1 and 10000 (got %d)"),
                               responses);

  model = rl_cli_load_mnist_model (model_path, &st);
  if (model == NULL)
    return EXIT_FAILURE;
  if (dataset_name == NULL)
    kind = rl_cli_model_dataset (st);
  rl_model_set_threads (model, rl_cli_model_threads (threads));

  if (data_dir != NULL && is_userset_dir (data_dir))
    {
      /* a set of your digits: MNIST-kind, whatever its files are called inside */
      test = rl_userset_load (data_dir, &error);
      if (test == NULL)
        {
          rl_cli_error ("%s", error->message);
          return EXIT_FAILURE;
        }
      set_name = g_strdup_printf ("your digits in %s", data_dir);
    }
  else
    {
      test = rl_cli_load_split (data_dir, kind, RL_SPLIT_TEST);
      if (test == NULL)
        return EXIT_FAILURE;
      set_name = g_strdup_printf ("the %s test set", rl_dataset_kind_name (kind));
    }
  if (test->c != 1 || test->h != RL_MNIST_SIDE || test->w != RL_MNIST_SIDE)
    {
      rl_cli_error (_("the test images are not 1 x 28 x 28"));
      return EXIT_FAILURE;
    }

  confusion = g_new0 (guint, 10 * 10);
  correct = evaluate (model, test, confusion);
  g_print ("# %s on %s (%u images), threads %d\n", model_path, set_name, test->n,
           rl_model_get_threads (model));
  print_test_accuracy (correct, test->n);

  for (guint i = 0; i < 10; i++)
    label_width = MAX (label_width, (int) strlen (rl_dataset_class_name (kind, i)));
  g_print ("\nconfusion matrix: rows are the true class, columns the predicted class\n");
  g_print ("%*s", label_width, "");
  for (guint j = 0; j < 10; j++)
    g_print (" %6u", j);
  g_print ("  accuracy\n");
  for (guint i = 0; i < 10; i++)
    {
      guint row = 0;

      for (guint j = 0; j < 10; j++)
        row += confusion[i * 10 + j];
      if (kind == RL_DATASET_FASHION)
        g_print ("%-*s", label_width, rl_dataset_class_name (kind, i));
      else
        g_print ("%*u", label_width, i);
      for (guint j = 0; j < 10; j++)
        g_print (" %6u", confusion[i * 10 + j]);
      if (row > 0)
        g_print ("  %7.2f%%\n", 100.0 * confusion[i * 10 + i] / row);
      else
        g_print ("        -\n");
    }
  if (kind == RL_DATASET_FASHION)
    {
      g_print ("\ncolumns:");
      for (guint j = 0; j < 10; j++)
        g_print ("%s %u %s", j == 0 ? "" : ",", j, rl_dataset_class_name (kind, j));
      g_print ("\n");
    }
  if (responses > 0)
    print_response_std (model, test, (guint) responses);
  if (errors_dir != NULL && !rl_explain_cli_write_errors (model, test, errors_dir))
    return EXIT_FAILURE;
  return EXIT_SUCCESS;
}

/* ---- predict ------------------------------------------------------------------------------ */

/* Loads, preprocesses and classifies one image; prints the result or the error. */
static gboolean
predict_one (RlModel *model, RlInference *inf, RlDatasetKind kind, const char *path)
{
  float digit[RL_MNIST_SIDE * RL_MNIST_SIDE];
  float input[RL_MNIST_SIDE * RL_MNIST_SIDE];
  float probs[10];
  int best;

  if (!rl_cli_load_digit (path, kind, digit))
    return FALSE;
  rl_dataset_normalise_floats (NULL, kind, digit, G_N_ELEMENTS (digit), input);
  rl_inference_run (inf, model, input, probs);
  best = rl_argmax (probs, 10);
  if (kind == RL_DATASET_FASHION)
    /* the class's name translated, as explain prints it; the line's form is not */
    g_print ("%s: %d (%s)\n", path, best, _(rl_dataset_class_name (kind, best)));
  else
    g_print ("%s: %d\n", path, best);
  for (int k = 0; k < 10; k++)
    g_print ("  %d: %.4f%s", k, probs[k], k % 5 == 4 ? "\n" : "");
  return TRUE;
}

static int
cmd_predict (int argc, char **argv)
{
  g_autofree char *model_path = NULL;
  const GOptionEntry entries[] = {
    rl_cli_model_option (&model_path),
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlInference) inf = NULL;
  RlDatasetKind kind;
  int n_failed = 0;

  if (!rl_cli_parse_options ("predict", "IMAGE...", entries, &argc, &argv,
                             _("Classify images (PNG or PGM, any size, dark ink on light or light"
                               " on dark; - reads one from standard input).\nEach is cropped to its"
                               " ink, scaled to 20 px and centred in 28 x 28 as MNIST's digits"
                               " are.")))
    return RL_CLI_EXIT_USAGE;
  if (model_path == NULL)
    return rl_cli_usage_error ("predict", _("--model FILE is required"));
  if (argc < 2)
    return rl_cli_usage_error ("predict", _("no IMAGE given"));

  model = rl_cli_load_mnist_model (model_path, &st);
  if (model == NULL)
    return EXIT_FAILURE;
  kind = rl_cli_model_dataset (st);
  inf = rl_inference_new (model);

  for (int i = 1; i < argc; i++)
    {
      if (!predict_one (model, inf, kind, argv[i]))
        n_failed++;
      fflush (stdout);
    }
  return rl_cli_images_status (n_failed, argc - 1);
}

/* ---- info --------------------------------------------------------------------------------- */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* `info --arch`: the description of the net the file's model is built from, as one line that
 * `train --arch` and tools/reslab_torch.py read; the seed net's for a file without one, as the
 * loader does (rl-model-io.c). */
static int
print_arch (const RlSafetensors *st, const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = NULL;
  g_autofree char *text = NULL;
  const char *stored = rl_safetensors_get_metadata (st, "arch");

  arch = rl_arch_parse (stored != NULL ? stored : RL_ARCH_SEED, &error);
  if (arch == NULL)
    {
      rl_cli_error (_("%s: its metadata “arch” is not a net description: %s"), what,
                    error->message);
      return EXIT_FAILURE;
    }
  text = rl_arch_to_string (arch);
  g_print ("%s\n", text);
  return EXIT_SUCCESS;
}

static int
cmd_info (int argc, char **argv)
{
  gboolean bundled = FALSE, arch_only = FALSE;
  const GOptionEntry entries[] = {
    { "bundled", 0, 0, G_OPTION_ARG_NONE, &bundled,
      N_("The seed net bundled with the app (in the program's resources) instead of a FILE"), NULL },
    { "arch", 0, 0, G_OPTION_ARG_NONE, &arch_only,
      N_("Print only the description of the net (one line, as --arch of train takes it)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autofree const char **keys = NULL;
  const char *what;
  GHashTable *metadata;
  guint n_keys, n_tensors;
  guint64 total = 0;
  int key_width = 0, name_width = 4;

  if (!rl_cli_parse_options ("info", "[--arch] FILE | --bundled", entries, &argc, &argv,
                             _("Show a model file's metadata and tensors, or with --arch the"
                               " description of its net.")))
    return RL_CLI_EXIT_USAGE;
  if (bundled && argc > 1)
    return rl_cli_usage_error ("info", _("--bundled or a FILE, not both"));
  if (!bundled && argc < 2)
    return rl_cli_usage_error ("info", _("no FILE given"));
  if (argc > 2)
    return rl_cli_usage_error ("info", _("one FILE only (got %d)"), argc - 1);

  if (bundled)
    {
      /* in the program itself: an installed reslab-cli needs no file beside it */
      g_autoptr(GBytes) bytes = rl_cli_bundled_bytes (&error);

      what = "resource://" RL_BUNDLED_MODEL_RESOURCE;
      if (bytes != NULL)
        st = rl_safetensors_load_bytes (bytes, RL_CLI_BUNDLED_NAME, &error);
    }
  else
    {
      what = argv[1];
      st = rl_safetensors_load (argv[1], &error);
    }
  if (st == NULL)
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  if (arch_only)
    return print_arch (st, what);

  g_print ("%s\n\nmetadata:\n", what);
  metadata = rl_safetensors_get_metadata_table (st);
  keys = (const char **) g_hash_table_get_keys_as_array (metadata, &n_keys);
  qsort (keys, n_keys, sizeof (char *), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    key_width = MAX (key_width, (int) strlen (keys[i]));
  if (n_keys == 0)
    g_print ("  (none)\n");
  for (guint i = 0; i < n_keys; i++)
    g_print ("  %-*s  %s\n", key_width, keys[i],
             (const char *) g_hash_table_lookup (metadata, keys[i]));

  n_tensors = rl_safetensors_get_n_tensors (st);
  for (guint i = 0; i < n_tensors; i++)
    name_width = MAX (name_width, (int) strlen (rl_safetensors_get_tensor (st, i)->name));
  g_print ("\ntensors:\n  %-*s  %-16s  %10s\n", name_width, "name", "shape", "numel");
  for (guint i = 0; i < n_tensors; i++)
    {
      const RlTensorView *t = rl_safetensors_get_tensor (st, i);
      g_autoptr(GString) shape = g_string_new ("[");
      size_t numel = rl_tensor_view_numel (t);

      for (int d = 0; d < t->ndim; d++)
        g_string_append_printf (shape, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", t->shape[d]);
      g_string_append_c (shape, ']');
      g_print ("  %-*s  %-16s  %10" G_GSIZE_FORMAT "\n", name_width, t->name, shape->str, numel);
      total += numel;
    }
  g_print ("\ntotal: %" G_GUINT64_FORMAT " parameters in %u tensors\n", total, n_tensors);
  return EXIT_SUCCESS;
}

/* ---- main --------------------------------------------------------------------------------- */

static const struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *synopsis;
} commands[] = {
  { "train",   cmd_train,   N_("train [--data DIR] [--dataset mnist|fashion] [--arch seed|DESC]"
                            " [--epochs N] [--lr R]\n"
                            "          [--momentum M] [--weight-decay W] [--batch N] [--seed N]"
                            " [--threads N]\n"
                            "          [--limit N] [--out FILE] [--shortcut A|B] [--bn on|off]"
                            " (resnet-N, plain-N)\n"
                            "          [--extra DIR [--extra-weight W]] (your digits added)"
                            " [--keep-initial]\n"
                            "      train a network, print the seed's log, save it") },
  { "eval",    cmd_eval,    N_("eval [--data DIR] [--dataset NAME] --model FILE [--threads N]"
                            " [--errors DIR]\n"
                            "      test accuracy and confusion matrix (and the mistakes' images);"
                            " DIR may hold your digits") },
  { "explain", rl_explain_cli_main,
                            N_("explain --model FILE [--method grad|ig|occlusion] [--class K]"
                            " IMAGE --out PNG\n"
                            "      which pixels made the model read IMAGE as it did") },
  { "predict", cmd_predict, N_("predict --model FILE IMAGE...\n"
                            "      classify PNG or PGM images of any size") },
  { "read",    rl_read_cli_main,
                            N_("read [--model FILE] IMAGE... | --compose N [--gap LO,HI]\n"
                            "      read whole numbers (several digits) from images; or measure"
                            " that on MNIST") },
  { "teach",   rl_teach_cli_main,
                            N_("teach [--model FILE] [--mine DIR] --out FILE [--steps N] [--eval]\n"
                            "      fine-tune a copy of a model on your digits (MNIST replayed)") },
  { "info",    cmd_info,    N_("info [--arch] FILE | --bundled\n"
                            "      metadata and tensors of a model file (--arch: its net's"
                            " description)") },
  { "diagram", rl_diagram_cli_main,
                            N_("diagram --model FILE | --arch DESC --out FILE.svg|FILE.png"
                            " [--expand]\n"
                            "      draw the network: its layers, shapes, parameters and"
                            " shortcuts") },
  { "bench",   rl_bench_main, N_("bench [--data DIR] [--runs N] [--batches N] [--threads LIST]"
                            " [--no-torch]\n"
                            "      training, evaluation and drawing speed, beside PyTorch") },
  { "experiment", rl_experiment_cli_main,
                            N_("experiment degradation [--depths 8,20,32,56] [--epochs N]"
                            " [--subset N] [--dataset NAME] ...\n"
                            "      plain vs residual twins at several depths (the paper's"
                            " Fig. 6): CSV, PNG, SVG") },
  { "landscape", rl_landscape_cli_main,
                            N_("landscape --model FILE [--model FILE2] [--grid N] [--range R]"
                            " [--images N] --out-dir DIR\n"
                            "      the loss around trained nets in two random directions, and"
                            " from their initial weights") },
};

static void
print_usage (FILE *to)
{
  fprintf (to, "%s", _("Usage: reslab-cli COMMAND [OPTION...]\n\n"
               "Train, evaluate and use the residual CNNs of ResLab (He et al. 2016, on MNIST).\n\n"
               "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %s\n", _(commands[i].synopsis));
  fprintf (to, "%s", _("\n'reslab-cli COMMAND --help' lists a command's options.\n"
               "Exit status: 0 success, 1 failure, 2 usage error.\n"));
}

int
main (int argc, char **argv)
{
  /* Messages in the user's language and charset, numbers always with a decimal point. */
  rl_startup_init ();
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      print_usage (stderr);
      return RL_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return EXIT_SUCCESS;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("reslab-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  if (argv[1][0] == '-')
    return rl_cli_usage_error (NULL, _("unknown option '%s' (options come after the command)"),
                               argv[1]);
  return rl_cli_usage_error (NULL, _("unknown command '%s' (commands: train, eval, explain, predict, read,"
                             " teach, info, diagram, bench, experiment, landscape)"), argv[1]);
}
