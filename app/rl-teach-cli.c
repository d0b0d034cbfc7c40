#define G_LOG_DOMAIN "reslab-cli"

/* rl-teach-cli.c: `reslab-cli teach --model FILE --mine DIR --out FILE [--steps N]`.
 *
 * Fine-tunes a copy of the model on your digits (the IDX set in DIR, rl-userset.h) mixed with
 * a replay sample of MNIST's training set (rl_teach), prints each digit's reading before and
 * after, and saves the new model to --out, which must not be the input model: teaching never
 * overwrites the model it started from. --eval adds MNIST test accuracy before and after.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-teach-cli.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-teach.h"
#include "rl-train.h"
#include "rl-userset.h"

static double
test_accuracy (RlModel *model, const RlDataset *test)
{
  RlEvalResult r;

  rl_evaluate (model, test, test->n, 0, 0, NULL, NULL, &r, NULL);
  return 100.0 * r.correct / test->n;
}

int
rl_teach_cli_main (int argc, char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *mine_dir = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *data_dir = NULL;
  gboolean eval = FALSE;
  RlTeachConfig tc;
  int steps, weight, replay;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path,
      N_("The model to start from (- reads it from standard input; default: the seed net"
         " bundled with the app); never changed"),
      "FILE" },
    { "mine", 0, 0, G_OPTION_ARG_FILENAME, &mine_dir,
      N_("Your digits: the IDX set in DIR (default: $RESLAB_MINE_DIR or"
         " ~/.local/share/reslab/mine)"), "DIR" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Where to save the new model"), "FILE" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, N_("SGD steps of 64 images (default 80)"), "N" },
    { "weight", 0, 0, G_OPTION_ARG_INT, &weight,
      N_("Copies of each of your digits in the mix (default 10)"), "W" },
    { "replay", 0, 0, G_OPTION_ARG_INT, &replay,
      N_("MNIST training images mixed in, so it does not forget (default 4000; 0: none)"), "N" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("The MNIST directory for the replay (default: $RESLAB_DATA_DIR or"
         " ~/.local/share/reslab/mnist)"), "DIR" },
    { "eval", 0, 0, G_OPTION_ARG_NONE, &eval, N_("Also print MNIST test accuracy before and after"),
      NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlModel) taught = NULL;
  g_autoptr(RlDataset) mine = NULL;
  g_autoptr(RlDataset) train = NULL;
  g_autoptr(RlTeachReport) rep = NULL;
  g_autoptr(GHashTable) metadata = NULL;

  rl_teach_config_init (&tc);
  steps = tc.steps;
  weight = (int) tc.weight;
  replay = (int) tc.replay;
  if (!rl_cli_parse_options ("teach", "", entries, &argc, &argv,
    _("Teach a model your handwriting: fine-tune a copy of it on your digits mixed with MNIST\n"
      "training images, show how each of your digits is read before and after, and save the\n"
      "new model to --out (never over the model it started from).")))
    return RL_CLI_EXIT_USAGE;
  if (out_path == NULL)
    return rl_cli_usage_error ("teach", "%s", _("--out FILE is required"));
  if (model_path != NULL && rl_cli_same_file (model_path, out_path))
    return rl_cli_usage_error ("teach", _("--out %s is the model it starts from; teaching never overwrites it"),
                               out_path);
  if (steps < 1 || steps > 100000)
    return rl_cli_usage_error ("teach", _("--steps must be between 1 and 100000 (got %d)"), steps);
  if (weight < 1 || weight > 1000)
    return rl_cli_usage_error ("teach", _("--weight must be between 1 and 1000 (got %d)"), weight);
  if (replay < 0 || replay > 60000)
    return rl_cli_usage_error ("teach", _("--replay must be between 0 and 60000 (got %d)"), replay);
  tc.steps = steps;
  tc.weight = (guint) weight;
  tc.replay = (uint32_t) replay;
  if (mine_dir == NULL)
    mine_dir = rl_userset_default_dir ();
  /* checked before the fine-tuning: never over your digits nor anything but a model */
  {
    g_autofree char *mine_images = g_build_filename (mine_dir, RL_USERSET_IMAGES, NULL);
    g_autofree char *mine_labels = g_build_filename (mine_dir, RL_USERSET_LABELS, NULL);
    const char *inputs[] = { model_path, mine_images, mine_labels };

    if (!rl_cli_check_out (out_path, RL_CLI_OUT_MODEL, inputs, G_N_ELEMENTS (inputs)))
      return EXIT_FAILURE;
  }

  model = rl_cli_load_model (model_path);
  if (model == NULL)
    return EXIT_FAILURE;
  mine = rl_userset_load (mine_dir, &error);
  if (mine == NULL)
    {
      rl_cli_error ("--mine: %s", error->message);
      return EXIT_FAILURE;
    }
  if (replay > 0 || eval)
    {
      train = rl_cli_load_split (data_dir, RL_DATASET_MNIST, RL_SPLIT_TRAIN);
      if (train == NULL)
        return EXIT_FAILURE;
    }

  taught = rl_teach (model, mine, replay > 0 ? train : NULL, &tc, NULL, &rep, &error);
  if (taught == NULL)
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }

  {
    /* each count in its own plural form (--weight 1, --steps 1, a single digit), then the line */
    int replayed = replay > 0 ? MIN (replay, (int) train->n) : 0;
    g_autofree char *digits = g_strdup_printf (ngettext ("%u digit of yours", "%u of your digits",
                                                         mine->n), mine->n);
    g_autofree char *copies = g_strdup_printf (ngettext ("%d copy each", "%d copies each",
                                                         weight), weight);
    g_autofree char *images = g_strdup_printf (ngettext ("%d MNIST image replayed",
                                                         "%d MNIST images replayed", replayed),
                                               replayed);
    g_autofree char *n_steps = g_strdup_printf (ngettext ("%d step", "%d steps", steps), steps);

    /* TRANSLATORS: %1$s "N of your digits", %2$s their folder, %3$s "N copies each",
     * %4$s "N MNIST images replayed", %5$s "N steps", %6$.2f seconds */
    g_print (_("# %1$s from %2$s, %3$s, %4$s, %5$s (%6$.2f s)\n"), digits, mine_dir, copies,
             images, n_steps, rep->seconds);
  }
  for (guint i = 0; i < rep->n; i++)
    g_print (rep->after[i] == rep->labels[i]
             ? _("  %3u: a %u  read %u (%5.1f %%) before, %u (%5.1f %%) after\n")
             : _("  %3u: a %u  read %u (%5.1f %%) before, %u (%5.1f %%) after  still wrong\n"),
             i + 1, rep->labels[i], rep->before[i], 100.0 * rep->conf_before[i], rep->after[i],
             100.0 * rep->conf_after[i]);
  g_print (_("read correctly: %u of %u before, %u after\n"), rep->correct_before, rep->n,
           rep->correct_after);
  if (eval)
    {
      g_autoptr(RlDataset) test = rl_cli_load_split (data_dir, RL_DATASET_MNIST, RL_SPLIT_TEST);

      if (test == NULL)
        return EXIT_FAILURE;
      g_print (_("MNIST test accuracy: %.2f %% before, %.2f %% after\n"),
               test_accuracy (model, test), test_accuracy (taught, test));
    }

  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (metadata, g_strdup ("dataset"), g_strdup ("mnist"));
  g_hash_table_insert (metadata, g_strdup ("taught_from"),
                       g_strdup (model_path == NULL ? RL_CLI_BUNDLED_NAME
                                 : strcmp (model_path, "-") == 0 ? "standard input"
                                 : model_path));
  g_hash_table_insert (metadata, g_strdup ("taught_digits"), g_strdup_printf ("%u", mine->n));
  g_hash_table_insert (metadata, g_strdup ("taught_steps"), g_strdup_printf ("%d", steps));
  if (!rl_model_save (taught, out_path, metadata, &error))
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  g_print (_("saved %s\n"), out_path);
  return EXIT_SUCCESS;
}
