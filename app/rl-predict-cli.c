#define G_LOG_DOMAIN "reslab-cli"

/* rl-predict-cli.c: `reslab-cli predict --model FILE IMAGE...`, each image's digit classified.
 *
 * An IMAGE is a PNG or PGM file of any size, or - for standard input, read as the app reads an
 * opened image (rl_cli_load_digit: cropped to its ink and made as the model's dataset made its
 * images). For each, one line "PATH: DIGIT" (and the class's name for Fashion-MNIST), then the
 * ten probabilities. The class is torch.argmax of the logits: with a NaN logit (or an infinite
 * one) every probability is "nan", and a warning on standard error says so.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-predict-cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rl-cli-util.h"
#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-preprocess.h"
#include "rl-train.h"

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
  /* from the logits: a NaN one makes every probability NaN, and the class is still its */
  best = rl_argmax (rl_inference_get_logits (inf), 10);
  if (kind == RL_DATASET_FASHION)
    /* the class's name translated, as explain prints it; the line's form is not */
    g_print ("%s: %d (%s)\n", path, best, _(rl_dataset_class_name (kind, best)));
  else
    g_print ("%s: %d\n", path, best);
  for (int k = 0; k < 10; k++)
    if (isnan (probs[k]))
      g_print ("  %d: nan%s", k, k % 5 == 4 ? "\n" : "");   /* never printf's "-nan" */
    else
      g_print ("  %d: %.4f%s", k, probs[k], k % 5 == 4 ? "\n" : "");
  if (isnan (probs[best]))
    rl_cli_warn_not_a_number (path);
  return TRUE;
}

int
rl_predict_cli_main (int    argc,
                     char **argv)
{
  g_autofree char *model_path = NULL;
  const GOptionEntry entries[] = {
    rl_cli_model_option (&model_path),
    { NULL }
  };
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
  if (!rl_cli_check_model_stdin ("predict", model_path, "IMAGE", (const char * const *) argv + 1,
                                 argc - 1))
    return RL_CLI_EXIT_USAGE;

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
