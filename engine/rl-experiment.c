#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment.c: plain vs residual twins (see rl-experiment.h): the records, the weight
 * layers they are kept for, building the twins, training them an interval at a time, and the
 * accessors. The CSVs are in rl-experiment-csv.c, RlExperimentGroup (several seeds) in
 * rl-experiment-group.c; the instance struct they share in rl-experiment-private.h.
 *
 * Legend: N images in a batch, C x H x W an image (1 x 28 x 28 here), L weight layers.
 */

#include "config.h"

#include "rl-experiment-private.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-layers.h"
#include "rl-train.h"

#define MAX_BATCH 60000
/* Images per rl_model_predict() call when measuring the test error. */
#define EVAL_CHUNK 500

#define FNV_OFFSET G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define FNV_PRIME  G_GUINT64_CONSTANT (0x100000001b3)

void
rl_experiment_config_init (RlExperimentConfig *cfg)
{
  g_return_if_fail (cfg != NULL);

  *cfg = (RlExperimentConfig) {
    .depth = 20,
    .shortcut = RL_SHORTCUT_A,
    .bn = TRUE,
    .lr = 0.1,
    .momentum = 0.9,
    .weight_decay = 1e-4,
    .batch = 128,
    .seed = 1,
    .epochs = 1,
    .subset = 0,
    .test_subset = 1000,
    .interval = 10,
    .threads = 0,
    .layer_stats = TRUE,
    .response_images = 256,
    .fresh_bn_stats = TRUE,
  };
}

/* ---- Records -------------------------------------------------------------------------------- */

RlExperimentRecord *
rl_experiment_record_new (RlTwin twin, guint n_layers)
{
  RlExperimentRecord *r = g_atomic_rc_box_new0 (RlExperimentRecord);

  r->twin = twin;
  r->n_layers = n_layers;
  r->grad_norm = g_new0 (double, MAX (n_layers, 1));
  r->response_std = g_new0 (double, MAX (n_layers, 1));
  return r;
}

RlExperimentRecord *
rl_experiment_record_ref (RlExperimentRecord *record)
{
  return g_atomic_rc_box_acquire (record);
}

static void
record_clear (gpointer data)
{
  RlExperimentRecord *record = data;

  g_free (record->grad_norm);
  g_free (record->response_std);
}

void
rl_experiment_record_unref (RlExperimentRecord *record)
{
  g_atomic_rc_box_release_full (record, record_clear);
}

/* ---- Layers --------------------------------------------------------------------------------- */

GArray *
rl_experiment_list_layers (const RlModel *model)
{
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (RlExperimentLayer));
  guint n_resp = rl_model_get_n_responses (model);
  int index = 0;

  g_return_val_if_fail (model != NULL, layers);

  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);
      RlExperimentLayer layer = { .tensor = (int) t, .response = -1 };
      size_t len;

      if (info->role != RL_PARAM_WEIGHT)
        continue;
      g_strlcpy (layer.name, info->name, sizeof layer.name);
      len = strlen (layer.name);
      if (len > 7 && strcmp (layer.name + len - 7, ".weight") == 0)
        layer.name[len - 7] = '\0';
      /* Projection shortcuts are "….shortcut" (no bn) or "….shortcut.0" (with bn). */
      layer.index = strstr (layer.name, ".shortcut") != NULL ? 0 : ++index;
      for (guint k = 0; k < n_resp; k++)
        if (strcmp (rl_model_get_response_name (model, k), layer.name) == 0)
          layer.response = (int) k;
      g_array_append_val (layers, layer);
    }
  return layers;
}

void
rl_experiment_add_grad_norms (RlModel *model, const RlExperimentLayer *layers, guint n_layers,
                              double *norms)
{
  const float *g = rl_model_get_grads (model);

  for (guint i = 0; i < n_layers; i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, (guint) layers[i].tensor);
      const float *p = g + info->offset;
      double s = 0.0;

      for (size_t j = 0; j < info->numel; j++)
        s += (double) p[j] * p[j];
      norms[i] += sqrt (s);
    }
}

/* ---- Building ------------------------------------------------------------------------------- */

static gboolean
check_config (const RlExperimentConfig *cfg, const RlDataset *train, const RlDataset *test,
              GError **error)
{
#define BAD(...) \
  G_STMT_START { \
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

  if (cfg->shortcut != RL_SHORTCUT_A && cfg->shortcut != RL_SHORTCUT_B)
    BAD (_("shortcut must be A or B (got %s)"), rl_shortcut_name (cfg->shortcut));
  if (!rl_sgd_check_params (cfg->lr, cfg->momentum, cfg->weight_decay, error))
    return FALSE;
  if (cfg->batch < 1 || cfg->batch > MAX_BATCH)
    BAD (_("batch must be between 1 and %d (got %d)"), MAX_BATCH, cfg->batch);
  if (cfg->epochs < 1)
    BAD (_("epochs must be at least 1 (got %d)"), cfg->epochs);
  if (cfg->interval < 1)
    BAD (_("interval must be at least 1 iteration (got %d)"), cfg->interval);
  if (cfg->subset > train->n)
    BAD (g_dngettext (GETTEXT_PACKAGE, "subset: %1$u training image asked for, the set has %2$u",
                      "subset: %1$u training images asked for, the set has %2$u", cfg->subset),
         cfg->subset, train->n);
  if (cfg->test_subset > test->n)
    BAD (g_dngettext (GETTEXT_PACKAGE, "test subset: %1$u test image asked for, the set has %2$u",
                      "test subset: %1$u test images asked for, the set has %2$u",
                      cfg->test_subset),
         cfg->test_subset, test->n);
  if (train->n == 0 || test->n == 0)
    BAD (_("the training and test sets must not be empty"));
#undef BAD

  if (train->c != test->c || train->h != test->h || train->w != test->w ||
      train->n_classes != test->n_classes)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("training images are %u x %u x %u (%u classes), test images %u x %u x %u"
                     " (%u classes)"), train->c, train->h, train->w, train->n_classes, test->c,
                   test->h, test->w, test->n_classes);
      return FALSE;
    }
  return TRUE;
}

static gboolean
twin_init (RlExperiment *exp, RlTwin which, GError **error)
{
  const RlExperimentConfig *cfg = &exp->cfg;
  Twin *tw = &exp->twins[which];
  const RlDataset *ds = exp->train;
  g_autoptr(RlArch) arch = NULL;

  arch = rl_arch_new_cifar (cfg->depth, which == RL_TWIN_RESIDUAL, cfg->shortcut, cfg->bn,
                            error);
  if (arch == NULL)
    return FALSE;
  tw->model = rl_model_new (arch, (int) ds->c, (int) ds->h, (int) ds->w, (int) ds->n_classes,
                            error);
  if (tw->model == NULL)
    return FALSE;
  rl_model_init_params (tw->model, cfg->seed);
  rl_model_set_threads (tw->model, cfg->threads);
  /* Same seed, same dataset: the same batches in the same order for both twins. */
  tw->loop = rl_train_loop_new (tw->model, exp->train, NULL, &(RlTrainLoopConfig) {
                                  .epochs = cfg->epochs,
                                  .batch = cfg->batch,
                                  .lr = (float) cfg->lr,
                                  .momentum = (float) cfg->momentum,
                                  .weight_decay = (float) cfg->weight_decay,
                                  .seed = cfg->seed,
                                }, error);
  if (tw->loop == NULL)
    return FALSE;
  tw->name = g_strdup_printf ("%s-%d", which == RL_TWIN_PLAIN ? "plain" : "resnet", cfg->depth);
  tw->layers = rl_experiment_list_layers (tw->model);
  tw->records = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_record_unref);
  tw->digest = FNV_OFFSET;
  tw->int_norms = g_new0 (double, MAX (tw->layers->len, 1));

  tw->bn_tensors = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint t = 0; t < rl_model_get_n_tensors (tw->model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (tw->model, t);

      if (info->role == RL_PARAM_RUNNING_MEAN || info->role == RL_PARAM_RUNNING_VAR)
        g_array_append_val (tw->bn_tensors, t);
    }
  if (cfg->fresh_bn_stats && tw->bn_tensors->len > 0)
    tw->bn_saved = g_new (float, rl_model_get_n_params (tw->model));
  return TRUE;
}

/* Option B: the residual twin's table has projection tensors the plain twin lacks, so equal
 * seeds do not give equal weights past the first projection; copy every shared tensor. */
static void
share_initial_weights (RlExperiment *exp)
{
  RlModel *plain = exp->twins[RL_TWIN_PLAIN].model;
  RlModel *res = exp->twins[RL_TWIN_RESIDUAL].model;
  const float *src = rl_model_get_params_const (plain);
  float *dst = rl_model_get_params (res);

  for (guint t = 0; t < rl_model_get_n_tensors (plain); t++)
    {
      const RlParamInfo *a = rl_model_get_tensor_info (plain, t);
      const RlParamInfo *b = rl_model_lookup_tensor (res, a->name);

      g_assert (b != NULL && b->numel == a->numel);
      memcpy (dst + b->offset, src + a->offset, sizeof (float) * a->numel);
    }
}

RlExperiment *
rl_experiment_new (const RlExperimentConfig *cfg, RlDataset *train, RlDataset *test,
                   GError **error)
{
  g_autoptr(RlExperiment) exp = NULL;
  size_t chw;
  uint64_t per_epoch;
  g_autofree uint32_t *idx = NULL;
  uint32_t n_resp;

  g_return_val_if_fail (cfg != NULL, NULL);
  g_return_val_if_fail (train != NULL && test != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_config (cfg, train, test, error))
    return NULL;

  exp = g_new0 (RlExperiment, 1);
  exp->cfg = *cfg;
  exp->train = cfg->subset > 0 && cfg->subset < train->n
                 ? rl_dataset_new_subset (train, cfg->subset) : rl_dataset_ref (train);
  exp->test = rl_dataset_ref (test);
  exp->n_test = cfg->test_subset > 0 ? cfg->test_subset : test->n;
  exp->cfg.subset = exp->train->n;
  exp->cfg.test_subset = exp->n_test;
  exp->cfg.response_images = MIN (cfg->response_images, exp->n_test);
  if (!cfg->layer_stats)
    exp->cfg.response_images = 0;

  for (int t = 0; t < RL_N_TWINS; t++)
    if (!twin_init (exp, (RlTwin) t, error))
      return NULL;
  if (cfg->shortcut == RL_SHORTCUT_B)
    share_initial_weights (exp);

  per_epoch = (exp->train->n + (uint64_t) cfg->batch - 1) / cfg->batch;
  exp->total = per_epoch * (uint64_t) cfg->epochs;

  chw = (size_t) test->c * test->h * test->w;
  n_resp = MAX (exp->cfg.response_images, 1u);
  exp->n_cal = (int) MIN ((uint32_t) cfg->batch, exp->train->n);
  idx = g_new (uint32_t, MAX (n_resp, (uint32_t) exp->n_cal));
  for (uint32_t i = 0; i < MAX (n_resp, (uint32_t) exp->n_cal); i++)
    idx[i] = i;
  exp->x_resp = g_new (float, (size_t) n_resp * chw);
  exp->y_resp = g_new (uint8_t, n_resp);
  rl_dataset_get_batch (test, idx, (int) n_resp, exp->x_resp, exp->y_resp);
  if (exp->cfg.response_images > 0 && exp->cfg.response_images < exp->n_test)
    exp->test_rest = rl_dataset_new_range (test, exp->cfg.response_images,
                                           exp->n_test - exp->cfg.response_images);

  /* The calibration batch: the first `batch` training images (or all, if fewer). */
  exp->x_cal = g_new (float, (size_t) exp->n_cal * chw);
  rl_dataset_get_batch (exp->train, idx, exp->n_cal, exp->x_cal, NULL);

  return g_steal_pointer (&exp);
}

void
rl_experiment_free (RlExperiment *exp)
{
  if (exp == NULL)
    return;
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      Twin *tw = &exp->twins[t];

      g_clear_pointer (&tw->loop, rl_train_loop_free);
      g_clear_pointer (&tw->model, rl_model_free);
      g_clear_pointer (&tw->name, g_free);
      g_clear_pointer (&tw->layers, g_array_unref);
      g_clear_pointer (&tw->records, g_ptr_array_unref);
      g_clear_pointer (&tw->int_norms, g_free);
      g_clear_pointer (&tw->bn_tensors, g_array_unref);
      g_clear_pointer (&tw->bn_saved, g_free);
    }
  g_clear_pointer (&exp->train, rl_dataset_unref);
  g_clear_pointer (&exp->test, rl_dataset_unref);
  g_clear_pointer (&exp->test_rest, rl_dataset_unref);
  g_free (exp->x_resp);
  g_free (exp->y_resp);
  g_free (exp->x_cal);
  g_free (exp);
  /* the twins' workspaces, kept for reuse while they took turns (rl_workspace_keep_freed_memory) */
  rl_workspace_return_freed_memory ();
}

/* ---- Training ------------------------------------------------------------------------------- */

/* Replaces the model's running averages by the statistics of the calibration batch at the
 * current weights, keeping the whole parameter block aside for bn_restore(). A training-mode
 * forward updates r' = (1 - m) r + m b, so b = (r' - (1 - m) r) / m. */
static gboolean
bn_use_fresh (RlExperiment *exp, Twin *tw)
{
  float *p = rl_model_get_params (tw->model);

  if (tw->bn_saved == NULL)
    return FALSE;
  memcpy (tw->bn_saved, p, sizeof (float) * rl_model_get_n_params (tw->model));
  rl_model_forward_training (tw->model, exp->x_cal, exp->n_cal);
  for (guint i = 0; i < tw->bn_tensors->len; i++)
    {
      const RlParamInfo *info =
        rl_model_get_tensor_info (tw->model, g_array_index (tw->bn_tensors, guint, i));
      const float *old = tw->bn_saved + info->offset;
      float *r = p + info->offset;

      for (size_t j = 0; j < info->numel; j++)
        r[j] = (r[j] - (1.0f - RL_BN_MOMENTUM) * old[j]) / RL_BN_MOMENTUM;
    }
  return TRUE;
}

static void
bn_restore (Twin *tw)
{
  memcpy (rl_model_get_params (tw->model), tw->bn_saved,
          sizeof (float) * rl_model_get_n_params (tw->model));
}

/* The test error on the first n_test test images; with @std, the response statistics of the
 * first response_images of them too, taken in the same evaluation pass (their logits are those
 * rl_evaluate would give, the same bits), so those images are not run twice. */
static double
test_error (RlExperiment *exp, RlModel *model, double *std)
{
  const uint32_t n_resp = std != NULL ? exp->cfg.response_images : 0;
  const RlDataset *rest = n_resp > 0 ? exp->test_rest : exp->test;
  uint32_t wrong = 0;

  if (n_resp > 0)
    {
      const int P = rl_model_get_n_classes (model);
      g_autofree float *logits = g_new (float, (size_t) n_resp * P);

      rl_model_response_std (model, exp->x_resp, (int) n_resp, logits, std);
      for (uint32_t i = 0; i < n_resp; i++)
        wrong += rl_argmax (logits + (size_t) i * P, P) != exp->y_resp[i];
    }
  if (rest != NULL)
    {
      RlEvalResult r;

      rl_evaluate (model, rest, exp->n_test - n_resp, 0, EVAL_CHUNK, NULL, NULL, &r, NULL);
      wrong += r.n - r.correct;
    }
  return (double) wrong / exp->n_test;
}

/* Closes the interval in progress: one record, the accumulators back to zero. */
static void
twin_record (RlExperiment *exp, RlTwin which)
{
  Twin *tw = &exp->twins[which];
  guint n_layers = exp->cfg.layer_stats ? tw->layers->len : 0;
  RlExperimentRecord *r = rl_experiment_record_new (which, n_layers);
  gboolean fresh;

  r->seed = exp->cfg.seed;
  r->iteration = tw->iteration;
  r->images = tw->images;
  r->epoch = (double) tw->images / exp->train->n;
  r->train_error = tw->int_images > 0 && tw->diverged_at == 0
                     ? 1.0 - (double) tw->int_hits / tw->int_images : NAN;
  r->train_loss = tw->int_batches > 0 ? tw->int_loss / tw->int_batches : NAN;
  r->train_seconds = tw->train_seconds;
  fresh = bn_use_fresh (exp, tw);
  if (n_layers == 0)
    r->test_error = test_error (exp, tw->model, NULL);
  else
    {
      g_autofree double *std = g_new0 (double, MAX (rl_model_get_n_responses (tw->model), 1));

      r->test_error = test_error (exp, tw->model, std);
      for (guint i = 0; i < n_layers; i++)
        {
          const RlExperimentLayer *l = &g_array_index (tw->layers, RlExperimentLayer, i);

          r->grad_norm[i] = tw->int_batches > 0 ? tw->int_norms[i] / tw->int_batches : NAN;
          r->response_std[i] = l->response >= 0 && exp->cfg.response_images > 0
                                 ? std[l->response] : NAN;
        }
    }
  if (fresh)
    bn_restore (tw);   /* the model's own running averages (and batch count) back */
  g_ptr_array_add (tw->records, r);

  tw->int_images = 0;
  tw->int_hits = 0;
  tw->int_batches = 0;
  tw->int_loss = 0.0;
  memset (tw->int_norms, 0, sizeof (double) * MAX (tw->layers->len, 1));
}

static gboolean
twin_done (const RlExperiment *exp, const Twin *tw)
{
  return tw->diverged_at != 0 || tw->iteration >= exp->total;
}

typedef struct {
  RlExperiment *exp;
  Twin         *tw;
} TwinRun;

static void
twin_after_backward (RlTrainLoop *loop, gpointer data)
{
  const TwinRun *run = data;

  if (run->exp->cfg.layer_stats)
    rl_experiment_add_grad_norms (run->tw->model,
                                  (const RlExperimentLayer *) run->tw->layers->data,
                                  run->tw->layers->len, run->tw->int_norms);
}

static void
twin_after_batch (RlTrainLoop *loop, const RlTrainStatus *st, gpointer data)
{
  const TwinRun *run = data;
  Twin *tw = run->tw;

  for (int i = 0; i < st->n; i++)
    for (int b = 0; b < 4; b++)
      tw->digest = (tw->digest ^ ((st->indices[i] >> (8 * b)) & 0xff)) * FNV_PRIME;
  tw->iteration = st->step;
  tw->images += (uint64_t) st->n;
  tw->int_images += (uint64_t) st->n;
  tw->int_hits += (uint64_t) st->hits;
  tw->int_batches++;
  tw->int_loss += st->loss;
  tw->train_seconds += st->step_seconds;
  if (run->exp->batch_func != NULL)
    run->exp->batch_func ((RlTwin) (tw - run->exp->twins), tw->iteration, tw->images,
                          run->exp->batch_data);
}

/* Before each batch: the batch function too (a pause asked for while a record was being made
 * takes hold before the next batch, not after it). */
static gboolean
twin_before_batch (RlTrainLoop *loop, gpointer data)
{
  const TwinRun *run = data;

  if (run->exp->batch_func != NULL)
    run->exp->batch_func ((RlTwin) (run->tw - run->exp->twins), run->tw->iteration,
                          run->tw->images, run->exp->batch_data);
  return TRUE;
}

/* Trains one twin up to iteration @target, then records. A twin whose loss stops being
 * finite stops there (rl-train.h), which is a result, not an error. */
static gboolean
twin_run (RlExperiment *exp, RlTwin which, uint64_t target, GCancellable *cancellable,
          GError **error)
{
  static const RlTrainHooks hooks = {
    .before_batch = twin_before_batch,
    .after_backward = twin_after_backward,
    .after_batch = twin_after_batch,
  };
  Twin *tw = &exp->twins[which];
  TwinRun run = { exp, tw };
  g_autoptr(GError) local = NULL;

  if (!rl_train_loop_run (tw->loop, target, &hooks, &run, cancellable, &local))
    {
      if (!g_error_matches (local, RL_ERROR, RL_ERROR_DIVERGED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      tw->diverged_at = rl_train_loop_get_diverged_at (tw->loop);
      g_debug ("%s: %s", tw->name, local->message);
    }

  /* Record once per boundary: a resumed step finds this twin's record already made. */
  if (tw->records->len == 0 ||
      ((RlExperimentRecord *) g_ptr_array_index (tw->records, tw->records->len - 1))->iteration
        != tw->iteration)
    twin_record (exp, which);

  /* The twins take turns: the one that waits holds no workspaces, so a depth needs one net's
   * (remade at its next turn, a few milliseconds against ten training steps). */
  if (!twin_done (exp, tw))
    rl_model_release_workspaces (tw->model);
  /* A finished twin no longer needs its training workspaces (over a gigabyte for a 56-layer
   * net at batch 128), nor its optimiser: a copy keeps the weights without them. */
  else
    {
      RlModel *copy = rl_model_copy (tw->model);

      g_clear_pointer (&tw->loop, rl_train_loop_free);
      rl_model_free (tw->model);
      tw->model = copy;
      /* Both done: the memory kept for the twins' turns goes back now, not when the experiment
       * is freed, which may be after the next depth has run (the CLI keeps the first seed's for
       * its figures): the next depth's workspaces would grow the heap past these free blocks. */
      if (rl_experiment_is_done (exp))
        rl_workspace_return_freed_memory ();
    }
  return TRUE;
}

gboolean
rl_experiment_step (RlExperiment *exp, GCancellable *cancellable, GError **error)
{
  uint64_t target;

  g_return_val_if_fail (exp != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rl_experiment_is_done (exp))
    return TRUE;

  /* Both twins aim at the same boundary, so a cancelled step resumed later keeps them in step. */
  target = MIN ((exp->n_steps + 1) * (uint64_t) exp->cfg.interval, exp->total);
  for (int t = 0; t < RL_N_TWINS; t++)
    if (!twin_done (exp, &exp->twins[t]) &&
        !twin_run (exp, (RlTwin) t, target, cancellable, error))
      return FALSE;
  exp->n_steps++;
  return TRUE;
}

void
rl_experiment_set_batch_func (RlExperiment          *exp,
                              RlExperimentBatchFunc  func,
                              gpointer               user_data)
{
  g_return_if_fail (exp != NULL);

  exp->batch_func = func;
  exp->batch_data = user_data;
}

gboolean
rl_experiment_is_done (const RlExperiment *exp)
{
  g_return_val_if_fail (exp != NULL, TRUE);

  for (int t = 0; t < RL_N_TWINS; t++)
    if (!twin_done (exp, &exp->twins[t]))
      return FALSE;
  return TRUE;
}

/* ---- Accessors ------------------------------------------------------------------------------ */

const RlExperimentConfig *
rl_experiment_get_config (const RlExperiment *exp)
{
  g_return_val_if_fail (exp != NULL, NULL);
  return &exp->cfg;
}

const char *
rl_experiment_get_name (const RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, NULL);
  return exp->twins[twin].name;
}

uint64_t
rl_experiment_get_total_iterations (const RlExperiment *exp)
{
  g_return_val_if_fail (exp != NULL, 0);
  return exp->total;
}

uint64_t
rl_experiment_get_iteration (const RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, 0);
  return exp->twins[twin].iteration;
}

uint32_t
rl_experiment_get_n_train (const RlExperiment *exp)
{
  g_return_val_if_fail (exp != NULL, 0);
  return exp->train->n;
}

uint32_t
rl_experiment_get_n_test (const RlExperiment *exp)
{
  g_return_val_if_fail (exp != NULL, 0);
  return exp->n_test;
}

uint64_t
rl_experiment_get_diverged_at (const RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, 0);
  return exp->twins[twin].diverged_at;
}

uint64_t
rl_experiment_get_batch_digest (const RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, 0);
  return exp->twins[twin].digest;
}

guint
rl_experiment_get_n_records (const RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, 0);
  return exp->twins[twin].records->len;
}

RlExperimentRecord *
rl_experiment_get_record (const RlExperiment *exp, RlTwin twin, guint i)
{
  TWIN (exp, twin, NULL);
  g_return_val_if_fail (i < exp->twins[twin].records->len, NULL);
  return g_ptr_array_index (exp->twins[twin].records, i);
}

guint
rl_experiment_get_n_layers (const RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, 0);
  return exp->twins[twin].layers->len;
}

const RlExperimentLayer *
rl_experiment_get_layer (const RlExperiment *exp, RlTwin twin, guint i)
{
  TWIN (exp, twin, NULL);
  g_return_val_if_fail (i < exp->twins[twin].layers->len, NULL);
  return &g_array_index (exp->twins[twin].layers, RlExperimentLayer, i);
}

RlModel *
rl_experiment_get_model (RlExperiment *exp, RlTwin twin)
{
  TWIN (exp, twin, NULL);
  return exp->twins[twin].model;
}
