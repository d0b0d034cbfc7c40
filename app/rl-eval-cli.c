#define G_LOG_DOMAIN "reslab-cli"

/* rl-eval-cli.c: `reslab-cli eval`, a model measured on a test set.
 *
 *   reslab-cli eval [--data DIR] [--dataset mnist|fashion] --model FILE [--threads N]
 *                   [--errors DIR] [--responses N]
 *
 * Prints the test accuracy and the confusion matrix, on a dataset's test split or on a folder of
 * your digits (rl-userset.h); --errors writes the mistakes' images (rl-explain-cli.c),
 * --responses the std of each layer's response (the paper's Figure 7).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-eval-cli.h"

#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-explain-cli.h"
#include "rl-preprocess.h"
#include "rl-safetensors.h"
#include "rl-train.h"
#include "rl-userset.h"

/* Correct predictions of @model on all of @ds; @confusion (nullable) gets counts
 * [true * n_classes + predicted]. */
static guint
evaluate (RlModel *model, const RlDataset *ds, guint *confusion)
{
  RlEvalResult r;

  rl_evaluate (model, ds, ds->n, 0, RL_EVAL_CLI_BATCH, confusion, NULL, &r, NULL);
  return r.correct;
}

void
rl_eval_cli_print_accuracy (guint correct,
                            guint total)
{
  g_print ("test accuracy %.2f%% (%u/%u)\n", 100.0 * correct / total, correct, total);
}

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

int
rl_eval_cli_main (int    argc,
                  char **argv)
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

  /* the folder of --errors checked before the evaluation, not after it is printed */
  if (errors_dir != NULL && !rl_explain_cli_check_errors_dir (errors_dir))
    return EXIT_FAILURE;

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
  g_print ("# %s on %s (%u images), threads %d\n", rl_cli_input_name (model_path), set_name,
           test->n,
           rl_model_get_threads (model));
  rl_eval_cli_print_accuracy (correct, test->n);

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
