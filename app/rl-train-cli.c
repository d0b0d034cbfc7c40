#define G_LOG_DOMAIN "reslab-cli"

/* rl-train-cli.c: `reslab-cli train`, a network trained through RlTrainLoop and saved.
 *
 *   reslab-cli train [--data DIR] [--dataset mnist|fashion] [--arch seed|DESCRIPTION] ...
 *
 * It prints the seed's log lines in their exact format ("[%d, %5d] loss: %.3f" every 300
 * batches, "Accuracy on the test set %d %%" after each epoch), so a run can be compared line by
 * line with the PyTorch original (tools/, docs/results/); a progress line on stderr when both
 * outputs are terminals; and saves the model with its settings as metadata (and, with
 * --keep-initial, its initial weights beside it).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-train-cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rl-cli-util.h"
#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-eval-cli.h"
#include "rl-landscape.h"
#include "rl-limits.h"
#include "rl-model.h"
#include "rl-preprocess.h"
#include "rl-train.h"
#include "rl-userset.h"

/* The seed logs the running loss every 300 batches. */
#define LOG_EVERY 300

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
  rl_eval_cli_print_accuracy ((guint) st->test_correct, st->test_n);
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

int
rl_train_cli_main (int    argc,
                   char **argv)
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
  int epochs = 10, batch = RL_CLI_DEFAULT_BATCH, threads = RL_CLI_THREADS_NOT_GIVEN;
  int limit = RL_CLI_INT_NOT_GIVEN, extra_weight = RL_CLI_INT_NOT_GIVEN;
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
  g_autoptr(RlModel) initial = NULL;
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
  if (limit != RL_CLI_INT_NOT_GIVEN && limit < 1)
    return rl_cli_usage_error ("train", _("--limit must be at least 1 (got %d)"), limit);
  if (!rl_cli_parse_seed ("train", seed_text, &seed))
    return RL_CLI_EXIT_USAGE;
  if (extra_weight != RL_CLI_INT_NOT_GIVEN && (extra_weight < 1 || extra_weight > 1000))
    return rl_cli_usage_error ("train", _("--extra-weight must be between 1 and 1000 (got %d)"),
                               extra_weight);
  /* given, even as its default: it means nothing without --extra */
  if (extra_weight != RL_CLI_INT_NOT_GIVEN && extra_dir == NULL)
    return rl_cli_usage_error ("train", _("--extra-weight goes with --extra DIR"));
  if (extra_weight == RL_CLI_INT_NOT_GIVEN)
    extra_weight = 10;

  if (shortcut_text != NULL || bn_text != NULL)
    {
      RlShortcut shortcut = RL_SHORTCUT_A;
      gboolean residual, bn = TRUE, too_deep;
      guint64 depth = 0;
      const char *name = arch_text != NULL ? arch_text : "seed";
      const char *num = g_str_has_prefix (name, "resnet-") ? name + 7
                        : g_str_has_prefix (name, "plain-") ? name + 6 : NULL;

      if (num == NULL || num[0] == '\0' || num[strspn (num, "0123456789")] != '\0')
        return rl_cli_usage_error ("train", _("--shortcut and --bn apply to --arch resnet-N or plain-N"
                                   " only (got '%s')"), name);
      too_deep = !g_ascii_string_to_unsigned (num, 10, 0, RL_ARCH_MAX_CIFAR_DEPTH, &depth,
                                              NULL);
      residual = g_str_has_prefix (name, "resnet-");
      if (!rl_cli_parse_net ("train", shortcut_text, bn_text, &shortcut, &bn))
        return RL_CLI_EXIT_USAGE;
      /* a depth past the most (20000, or more digits than a number holds) is said to be too
       * large as --arch alone says it */
      arch = too_deep ? rl_arch_parse (name, &error)
                      : rl_arch_new_cifar ((int) depth, residual, shortcut, bn, &error);
    }
  else
    arch = rl_arch_parse (arch_text != NULL ? arch_text : "seed", &error);
  if (arch == NULL)
    return rl_cli_usage_error ("train", _("--arch: %s"), error->message);
  /* MNIST and Fashion-MNIST are both 1 x 28 x 28 with 10 classes: the arch must fit that. */
  model = rl_model_new_mnist (arch, &error);
  if (model == NULL)
    return rl_cli_usage_error ("train", _("--arch: %s"), error->message);
  if (!rl_limits_check_batch (arch, 1, RL_MNIST_SIDE, RL_MNIST_SIDE, batch, &error))
    return rl_cli_usage_error ("train", _("--batch: %s"), error->message);
  label = arch_label (arch);
  if (out_path == NULL)
    out_path = g_strdup_printf ("reslab-%s-%s.safetensors", label, rl_dataset_kind_name (kind));
  /* The files written, checked before hours of training: never over the data read (your
   * digits, --data's files: no model file) nor over anything but a model. */
  {
    g_autofree char *extra_images = extra_dir != NULL
                                    ? g_build_filename (extra_dir, RL_USERSET_IMAGES, NULL) : NULL;
    g_autofree char *extra_labels = extra_dir != NULL
                                    ? g_build_filename (extra_dir, RL_USERSET_LABELS, NULL) : NULL;
    const char *inputs[] = { extra_images, extra_labels };

    if (!rl_cli_check_out (out_path, RL_CLI_OUT_MODEL, inputs, G_N_ELEMENTS (inputs)))
      return EXIT_FAILURE;
    if (keep_initial)
      {
        initial_path = rl_landscape_initial_path (out_path);
        if (!rl_cli_check_out (initial_path, RL_CLI_OUT_MODEL, inputs, G_N_ELEMENTS (inputs)))
          return EXIT_FAILURE;
      }
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
  if (limit != RL_CLI_INT_NOT_GIVEN && (uint32_t) limit < train_full->n)
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
  /* The initial weights kept in memory, written with the model once it is trained: a run
   * interrupted or failed must not leave a new initial file beside an older model (landscape
   * would draw the line from another seed's weights). */
  if (initial_path != NULL)
    initial = rl_model_copy (model);
  rl_model_set_threads (model, rl_cli_model_threads (threads));
  loop = rl_train_loop_new (model, train, test, &(RlTrainLoopConfig) {
                              .epochs = epochs,
                              .batch = batch,
                              .lr = (float) lr,
                              .momentum = (float) momentum,
                              .weight_decay = (float) weight_decay,
                              .seed = seed,
                              .eval_epochs = TRUE,
                              .eval_chunk = RL_EVAL_CLI_BATCH,
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

  /* the initial weights first, then the model that names them */
  if (initial_path != NULL)
    {
      if (!rl_landscape_save_initial (initial, out_path, kind, seed, &error))
        {
          rl_cli_error ("%s", error->message);
          return EXIT_FAILURE;
        }
      rl_landscape_name_initial (metadata, out_path);
    }

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
