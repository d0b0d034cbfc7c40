#define G_LOG_DOMAIN "reslab-engine"

/* rl-teach.c: a model fine-tuned on the user's digits with MNIST replay, through the one
 * training loop (rl-train.h). See the header.
 *
 * Legend: n user digits; R replay images; W copies of each user digit.
 */

#include "config.h"

#include "rl-teach.h"
#include "rl-error.h"
#include "rl-train.h"
#include "rl-userset.h"

#include <glib/gi18n-lib.h>

void
rl_teach_config_init (RlTeachConfig *config)
{
  g_return_if_fail (config != NULL);

  *config = (RlTeachConfig) {
    .steps = 80,
    .batch = 64,
    .lr = 0.01f,
    .momentum = 0.5f,
    .replay = 4000,
    .weight = 10,
    .seed = 1,
  };
}

void
rl_teach_report_free (RlTeachReport *report)
{
  if (report == NULL)
    return;
  g_free (report->labels);
  g_free (report->before);
  g_free (report->after);
  g_free (report->conf_before);
  g_free (report->conf_after);
  g_free (report);
}

/* Each of @mine's digits read by @model. predicted, confidence: (n) */
static gboolean
read_all (RlModel *model, const RlDataset *mine, uint8_t *predicted, float *confidence,
          guint *correct, GCancellable *cancellable, GError **error)
{
  RlEvalResult r;

  if (!rl_evaluate_images (model, mine, mine->n, 0, 0, NULL, predicted, confidence,
                           cancellable, &r, error))
    return FALSE;
  *correct = r.correct;
  return TRUE;
}

RlModel *
rl_teach (const RlModel       *model,
          const RlDataset     *mine,
          const RlDataset     *replay_from,
          const RlTeachConfig *config,
          GCancellable        *cancellable,
          RlTeachReport      **report,
          GError             **error)
{
  RlTeachConfig defaults;
  g_autoptr(RlModel) taught = NULL;
  g_autoptr(RlDataset) replay = NULL;
  g_autoptr(RlDataset) mix = NULL;
  g_autoptr(RlTrainLoop) loop = NULL;
  g_autoptr(RlTeachReport) rep = NULL;
  int c, h, w, n_batches, epochs;
  double t0;

  g_return_val_if_fail (model != NULL && mine != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (config == NULL)
    {
      rl_teach_config_init (&defaults);
      config = &defaults;
    }
  if (config->steps < 1 || config->steps > 100000 || config->weight < 1 ||
      config->weight > 1000)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   config->steps < 1 || config->steps > 100000
                   ? _("steps must be between 1 and 100000 (got %d)")
                   : _("the weight of your digits must be between 1 and 1000 (got %d)"),
                   config->steps < 1 || config->steps > 100000 ? config->steps
                                                               : (int) config->weight);
      return NULL;
    }
  rl_model_get_input_shape (model, &c, &h, &w);
  if ((uint32_t) c != mine->c || (uint32_t) h != mine->h || (uint32_t) w != mine->w ||
      (uint32_t) rl_model_get_n_classes (model) != mine->n_classes)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("your digits are %u x %u x %u images of %u classes, the model takes"
                     " %d x %d x %d and %d"), mine->c, mine->h, mine->w, mine->n_classes,
                   c, h, w, rl_model_get_n_classes (model));
      return NULL;
    }

  taught = rl_model_copy (model);
  rl_model_set_threads (taught, rl_model_get_threads (model));

  rep = g_new0 (RlTeachReport, 1);
  rep->n = mine->n;
  rep->labels = g_memdup2 (mine->labels, mine->n);
  rep->before = g_new (uint8_t, mine->n);
  rep->after = g_new (uint8_t, mine->n);
  rep->conf_before = g_new (float, mine->n);
  rep->conf_after = g_new (float, mine->n);
  if (!read_all (taught, mine, rep->before, rep->conf_before, &rep->correct_before,
                 cancellable, error))
    return NULL;

  /* the mix: R replay images, then W copies of each user digit; the loop shuffles them */
  if (replay_from != NULL && config->replay > 0)
    {
      replay = rl_dataset_sample (replay_from, MIN (config->replay, replay_from->n),
                                  config->seed);
      mix = rl_dataset_concat (replay, 1, mine, config->weight, error);
    }
  else
    mix = rl_dataset_concat (mine, config->weight, NULL, 0, error);
  if (mix == NULL)
    return NULL;

  n_batches = (int) ((mix->n + (uint32_t) config->batch - 1) / (uint32_t) config->batch);
  epochs = (config->steps + n_batches - 1) / n_batches;
  loop = rl_train_loop_new (taught, mix, NULL, &(RlTrainLoopConfig) {
                              .epochs = epochs,
                              .batch = config->batch,
                              .lr = config->lr,
                              .momentum = config->momentum,
                              .seed = config->seed,
                            }, error);
  if (loop == NULL)
    return NULL;
  t0 = g_get_monotonic_time () / 1e6;
  if (!rl_train_loop_run (loop, (uint64_t) config->steps, NULL, NULL, cancellable, error))
    return NULL;
  rep->seconds = g_get_monotonic_time () / 1e6 - t0;

  if (!read_all (taught, mine, rep->after, rep->conf_after, &rep->correct_after, cancellable,
                 error))
    return NULL;
  if (report != NULL)
    *report = g_steal_pointer (&rep);
  return g_steal_pointer (&taught);
}
