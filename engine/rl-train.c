#define G_LOG_DOMAIN "reslab-engine"

/* rl-train.c: the training loop and the evaluation; see rl-train.h.
 *
 * Shapes: N images per batch, C x H x W per image, P classes.
 */

#include "config.h"

#include "rl-train.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-finite.h"
#include "rl-layers.h"
#include "rl-limits.h"

struct _RlTrainLoop {
  RlTrainLoopConfig cfg;
  RlModel     *model;          /* borrowed */
  RlDataset   *train;          /* owned references */
  RlDataset   *test;           /* nullable */
  RlSgd       *sgd;
  RlBatchIter  it;

  int          n_batches;      /* per epoch */
  uint64_t     total_steps;
  uint32_t     heldout_n;      /* clamped to the test set */

  /* Where training is: epoch is 0-based; batch counts the batches done in it. */
  int          epoch;
  int          batch;
  uint64_t     step;
  uint64_t     images_seen;
  uint64_t     diverged_at;
  double       epoch_seconds;

  float       *x;              /* x: (batch, C, H, W) */
  uint8_t     *labels;         /* labels: (batch) */
  float       *before;         /* before: (n_params) the parameters before the last step */
};

/* What a step found: all finite, or the first thing that was not. */
typedef enum {
  STEP_FINITE,
  STEP_BAD_LOSS,
  STEP_BAD_GRADIENT,
  STEP_BAD_WEIGHT,
} StepHealth;

/* ---- Evaluation --------------------------------------------------------------------------- */

int
rl_argmax (const float *v, int n)
{
  int best = 0;

  g_return_val_if_fail (v != NULL && n > 0, 0);

  /* torch.argmax's order: a NaN above every number, ties to the first. [1, NaN, 3] is class
   * 1 (a comparison alone skips the NaN: 2), all NaN class 0 (torch counts that "correct" for
   * a 0, and so does rl_evaluate, so that their accuracies agree). */
  for (int k = 0; k < n; k++)
    {
      if (isnan (v[k]))
        return k;
      if (v[k] > v[best])
        best = k;
    }
  return best;
}

gboolean
rl_evaluate (RlModel         *model,
             const RlDataset *ds,
             uint32_t         n,
             uint32_t         n_head,
             int              chunk,
             uint32_t        *confusion,
             GCancellable    *cancellable,
             RlEvalResult    *result,
             GError         **error)
{
  return rl_evaluate_images (model, ds, n, n_head, chunk, confusion, NULL, NULL, cancellable,
                             result, error);
}

gboolean
rl_evaluate_images (RlModel         *model,
                    const RlDataset *ds,
                    uint32_t         n,
                    uint32_t         n_head,
                    int              chunk,
                    uint32_t        *confusion,
                    uint8_t         *predicted,
                    float           *confidence,
                    GCancellable    *cancellable,
                    RlEvalResult    *result,
                    GError         **error)
{
  const int P = rl_model_get_n_classes (model);
  const size_t chw = (size_t) ds->c * ds->h * ds->w;
  g_autofree float *x = NULL;
  g_autofree float *logits = NULL;
  g_autofree uint32_t *idx = NULL;
  g_autofree uint8_t *labels = NULL;

  g_return_val_if_fail (model != NULL && ds != NULL && result != NULL, FALSE);
  g_return_val_if_fail (n <= ds->n && n_head <= n, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (chunk <= 0)
    chunk = RL_EVAL_CHUNK_MIN;
  chunk = (int) MIN ((uint32_t) chunk, MAX (n, 1u));
  x = g_new (float, (size_t) chunk * chw);
  logits = g_new (float, (size_t) chunk * P);
  idx = g_new (uint32_t, chunk);
  labels = g_new (uint8_t, chunk);
  memset (result, 0, sizeof *result);
  result->n = n;
  result->n_head = n_head;

  for (uint32_t start = 0; start < n; start += (uint32_t) chunk)
    {
      int k = (int) MIN ((uint32_t) chunk, n - start);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (int i = 0; i < k; i++)
        idx[i] = start + (uint32_t) i;
      rl_dataset_get_batch (ds, idx, k, x, labels);
      rl_model_predict (model, x, k, logits);
      for (int i = 0; i < k; i++)
        {
          int best = rl_argmax (logits + (size_t) i * P, P);

          if (best == labels[i])
            {
              result->correct++;
              if (start + (uint32_t) i < n_head)
                result->correct_head++;
            }
          if (confusion != NULL && labels[i] < P)
            confusion[labels[i] * P + best]++;
          if (predicted != NULL)
            predicted[start + (uint32_t) i] = (uint8_t) best;
          if (confidence != NULL)
            confidence[start + (uint32_t) i] = (float) rl_softmax_at (P, logits + (size_t) i * P, best);
        }
    }
  return TRUE;
}

/* ---- The loop ------------------------------------------------------------------------------ */

static gboolean
check_dataset (const RlModel *model, const RlDataset *ds, gboolean test, GError **error)
{
  int c, h, w;

  rl_model_get_input_shape (model, &c, &h, &w);
  if (ds->c != (uint32_t) c || ds->h != (uint32_t) h || ds->w != (uint32_t) w)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   test ? _("The test set holds %u x %u x %u images, the model takes %d x %d x %d")
                   : _("The training set holds %u x %u x %u images, the model takes %d x %d x %d"),
                   ds->c, ds->h, ds->w, c, h, w);
      return FALSE;
    }
  if (ds->n_classes != (uint32_t) rl_model_get_n_classes (model))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   test ? g_dngettext (GETTEXT_PACKAGE, "The test set has %1$u class, the model %2$d",
                                       "The test set has %1$u classes, the model %2$d",
                                       ds->n_classes)
                   : g_dngettext (GETTEXT_PACKAGE, "The training set has %1$u class, the model %2$d",
                                  "The training set has %1$u classes, the model %2$d",
                                  ds->n_classes),
                   ds->n_classes, rl_model_get_n_classes (model));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_config (const RlTrainLoopConfig *cfg, const RlDataset *train, GError **error)
{
#define BAD(...) \
  G_STMT_START { \
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

  if (cfg->epochs < 1)
    BAD (_("Epochs must be at least 1, not %d"), cfg->epochs);
  if (cfg->batch < 1)
    BAD (_("The batch size must be at least 1, not %d"), cfg->batch);
  if (!rl_sgd_check_params (cfg->lr, cfg->momentum, cfg->weight_decay, error))
    return FALSE;
  if (train->n == 0)
    BAD (_("The training set is empty"));
#undef BAD
  return TRUE;
}

RlTrainLoop *
rl_train_loop_new (RlModel                 *model,
                   RlDataset               *train,
                   RlDataset               *test,
                   const RlTrainLoopConfig *config,
                   GError                 **error)
{
  RlTrainLoop *loop;

  g_return_val_if_fail (model != NULL && train != NULL && config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_config (config, train, error) ||
      !check_dataset (model, train, FALSE, error) ||
      (test != NULL && !check_dataset (model, test, TRUE, error)) ||
      !rl_limits_check_batch (rl_model_get_arch (model), (int) train->c, (int) train->h,
                              (int) train->w, config->batch, error) ||
      !rl_limits_check_memory (rl_model_train_memory (model, config->batch,
                                                      rl_model_get_threads (model)),
                               0, error))
    return NULL;

  loop = g_new0 (RlTrainLoop, 1);
  loop->cfg = *config;
  if (loop->cfg.eval_chunk <= 0)
    loop->cfg.eval_chunk = MAX (config->batch, RL_EVAL_CHUNK_MIN);
  loop->model = model;
  loop->train = rl_dataset_ref (train);
  loop->test = test != NULL ? rl_dataset_ref (test) : NULL;
  loop->sgd = rl_sgd_new (model, config->lr, config->momentum, config->weight_decay);
  rl_batch_iter_init (&loop->it, train, config->batch, config->seed);
  loop->n_batches = (int) ((train->n + (uint32_t) config->batch - 1) / (uint32_t) config->batch);
  loop->total_steps = (uint64_t) loop->n_batches * (uint64_t) config->epochs;
  loop->heldout_n = test != NULL ? MIN (config->heldout_n, test->n) : 0;
  loop->x = g_new (float, (size_t) config->batch * train->c * train->h * train->w);
  loop->labels = g_new (uint8_t, config->batch);
  loop->before = g_new (float, rl_model_get_n_params (model));
  return loop;
}

void
rl_train_loop_free (RlTrainLoop *loop)
{
  if (loop == NULL)
    return;
  rl_batch_iter_clear (&loop->it);
  rl_sgd_free (loop->sgd);
  rl_dataset_unref (loop->train);
  g_clear_pointer (&loop->test, rl_dataset_unref);
  g_free (loop->x);
  g_free (loop->labels);
  g_free (loop->before);
  g_free (loop);
}

/* The evaluations due after the step just done: the whole test set at an epoch's end (which
 * gives the held-out head too), else the held-out subset every eval_every steps. */
static gboolean
evaluate_due (RlTrainLoop *loop, RlTrainStatus *st, GCancellable *cancellable, GError **error)
{
  const RlTrainLoopConfig *cfg = &loop->cfg;
  RlEvalResult r;

  if (loop->test == NULL)
    return TRUE;
  if (st->epoch_end && cfg->eval_epochs)
    {
      if (!rl_evaluate (loop->model, loop->test, loop->test->n, loop->heldout_n, cfg->eval_chunk,
                        NULL, cancellable, &r, error))
        return FALSE;
      st->test_correct = (int) r.correct;
      st->test_n = r.n;
      if (loop->heldout_n > 0)
        {
          st->heldout_correct = (int) r.correct_head;
          st->heldout_n = r.n_head;
        }
    }
  else if (cfg->eval_every > 0 && loop->heldout_n > 0 && st->step % cfg->eval_every == 0)
    {
      if (!rl_evaluate (loop->model, loop->test, loop->heldout_n, loop->heldout_n,
                        cfg->eval_chunk, NULL, cancellable, &r, error))
        return FALSE;
      st->heldout_correct = (int) r.correct;
      st->heldout_n = r.n;
    }
  return TRUE;
}

/* Forward, backward and the SGD step of the batch in loop->x, checked so that a divergence is
 * caught in the batch it happens: a non-finite loss or gradient takes no step, and a step that
 * makes a weight non-finite is undone (the loss, computed before the step, would show it a batch
 * late: a NaN weight does reach the loss, ReLU and max pooling keeping NaNs as PyTorch's do).
 * Undone from a copy of the parameter block taken before the forward pass, which also moves
 * batch norm's running statistics. The checks are one copy and
 * two passes over the block, small next to a step. @tensor: the tensor that went non-finite,
 * for the message. */
static StepHealth
checked_step (RlTrainLoop *loop, int n, const RlTrainHooks *hooks, gpointer user_data,
              float *loss, int *hits, guint *tensor)
{
  const size_t n_params = rl_model_get_n_params (loop->model);
  float *params = rl_model_get_params (loop->model);

  StepHealth health = STEP_FINITE;

  memcpy (loop->before, params, sizeof (float) * n_params);
  *loss = rl_model_forward_backward (loop->model, loop->x, loop->labels, n, hits);
  if (!isfinite (*loss))
    health = STEP_BAD_LOSS;
  else if (rl_floats_have_nonfinite (rl_model_get_grads (loop->model), n_params))
    {
      rl_model_find_nonfinite (loop->model, TRUE, tensor);
      health = STEP_BAD_GRADIENT;
    }
  else
    {
      if (hooks->after_backward != NULL)
        hooks->after_backward (loop, user_data);
      rl_sgd_step (loop->sgd, loop->model);
      if (rl_floats_have_nonfinite (params, n_params))
        {
          rl_model_find_nonfinite (loop->model, FALSE, tensor);
          health = STEP_BAD_WEIGHT;
        }
    }
  if (health != STEP_FINITE)
    memcpy (params, loop->before, sizeof (float) * n_params);
  return health;
}

static void
set_diverged_error (RlTrainLoop *loop, const RlTrainStatus *st, StepHealth health,
                    float loss, guint tensor, GError **error)
{
  const char *name = rl_model_get_tensor_info (loop->model, tensor)->name;
  const double lr = rl_sgd_get_lr (loop->sgd);

  if (health == STEP_BAD_LOSS)
    g_set_error (error, RL_ERROR, RL_ERROR_DIVERGED,
                 isnan (loss)
                 ? _("Training diverged: the loss became NaN at epoch %d, batch %d; try a lower "
                     "learning rate (it was %g)")
                 : _("Training diverged: the loss became infinite at epoch %d, batch %d; try a "
                     "lower learning rate (it was %g)"),
                 st->epoch, st->batch, lr);
  else if (health == STEP_BAD_GRADIENT)
    g_set_error (error, RL_ERROR, RL_ERROR_DIVERGED,
                 _("Training diverged: the gradient of %s became NaN or infinite at epoch %d, "
                   "batch %d; try a lower learning rate (it was %g)"), name, st->epoch, st->batch,
                 lr);
  else
    g_set_error (error, RL_ERROR, RL_ERROR_DIVERGED,
                 _("Training diverged: the SGD step made %s NaN or infinite at epoch %d, batch "
                   "%d, so it was undone; try a lower learning rate (it was %g)"), name, st->epoch,
                 st->batch, lr);
}

gboolean
rl_train_loop_run (RlTrainLoop        *loop,
                   uint64_t            until_step,
                   const RlTrainHooks *hooks,
                   gpointer            user_data,
                   GCancellable       *cancellable,
                   GError            **error)
{
  static const RlTrainHooks no_hooks = { NULL };

  g_return_val_if_fail (loop != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (hooks == NULL)
    hooks = &no_hooks;
  if (until_step == 0 || until_step > loop->total_steps)
    until_step = loop->total_steps;

  while (!rl_train_loop_is_done (loop) && loop->step < until_step)
    {
      RlTrainStatus st = { 0 };
      StepHealth health;
      gint64 t0, t1;
      int n, hits = 0;
      guint tensor = 0;
      float loss;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (hooks->before_batch != NULL && !hooks->before_batch (loop, user_data))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Training was stopped"));
          return FALSE;
        }

      t0 = g_get_monotonic_time ();
      if (loop->batch == 0)
        {
          rl_batch_iter_start (&loop->it, loop->epoch);
          loop->epoch_seconds = 0.0;
        }
      n = rl_batch_iter_next (&loop->it, loop->x, loop->labels);
      g_assert (n > 0);

      health = checked_step (loop, n, hooks, user_data, &loss, &hits, &tensor);
      t1 = g_get_monotonic_time ();

      loop->batch++;
      loop->step++;
      loop->images_seen += (uint64_t) n;
      loop->epoch_seconds += (t1 - t0) / 1e6;

      st.epoch = loop->epoch + 1;
      st.batch = loop->batch;
      st.n_batches = loop->n_batches;
      st.step = loop->step;
      st.total_steps = loop->total_steps;
      st.images_seen = loop->images_seen;
      st.n = n;
      st.indices = loop->it.order + loop->it.pos - (uint32_t) n;
      st.loss = loss;
      st.hits = hits;
      st.step_seconds = (t1 - t0) / 1e6;
      st.epoch_seconds = loop->epoch_seconds;
      st.epoch_end = loop->it.pos >= loop->train->n;
      st.diverged = health != STEP_FINITE;
      st.heldout_correct = -1;
      st.test_correct = -1;

      if (st.diverged)
        {
          /* The model keeps the weights it had before this batch. */
          loop->diverged_at = loop->step;
          if (hooks->after_batch != NULL)
            hooks->after_batch (loop, &st, user_data);
          set_diverged_error (loop, &st, health, loss, tensor, error);
          return FALSE;
        }

      if (st.epoch_end)
        {
          loop->epoch++;
          loop->batch = 0;
        }
      /* Cancelled during an evaluation: the step itself is done and stays done. */
      if (!evaluate_due (loop, &st, cancellable, error))
        return FALSE;
      if (hooks->after_batch != NULL)
        hooks->after_batch (loop, &st, user_data);
    }
  return TRUE;
}

gboolean
rl_train_loop_is_done (const RlTrainLoop *loop)
{
  g_return_val_if_fail (loop != NULL, TRUE);
  return loop->diverged_at != 0 || loop->step >= loop->total_steps;
}

uint64_t
rl_train_loop_get_step (const RlTrainLoop *loop)
{
  g_return_val_if_fail (loop != NULL, 0);
  return loop->step;
}

uint64_t
rl_train_loop_get_total_steps (const RlTrainLoop *loop)
{
  g_return_val_if_fail (loop != NULL, 0);
  return loop->total_steps;
}

uint64_t
rl_train_loop_get_diverged_at (const RlTrainLoop *loop)
{
  g_return_val_if_fail (loop != NULL, 0);
  return loop->diverged_at;
}

RlSgd *
rl_train_loop_get_sgd (RlTrainLoop *loop)
{
  g_return_val_if_fail (loop != NULL, NULL);
  return loop->sgd;
}

RlModel *
rl_train_loop_get_model (RlTrainLoop *loop)
{
  g_return_val_if_fail (loop != NULL, NULL);
  return loop->model;
}
