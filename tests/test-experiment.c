/* test-experiment.c: the plain/residual twin runner (engine/rl-experiment*.c) on the committed
 * MNIST fixture (tests/data/mnist-mini: 640 training and 100 test images).
 *
 * A tiny run (depth 8, batch 64, 10 iterations, a record every 5) must give the expected
 * records; the twins must start from the same weights and see the same batches; the plain
 * twin's numbers must equal an independent training loop's; cancelling anywhere and resuming
 * must change nothing; the CSVs must parse back to the records.
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-experiment.h"
#include "rl-layers.h"
#include "rl-sgd.h"

#include "experiment-test-utils.h"

#define THREADS 2

static RlDataset *train_set;
static RlDataset *test_set;

static RlExperiment *
new_or_die (const RlExperimentConfig *cfg)
{
  g_autoptr(GError) error = NULL;
  RlExperiment *exp = rl_experiment_new (cfg, train_set, test_set, &error);

  g_assert_no_error (error);
  g_assert_nonnull (exp);
  return exp;
}

static void
run_to_end (RlExperiment *exp)
{
  while (!rl_experiment_is_done (exp))
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (rl_experiment_step (exp, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
assert_experiments_equal (const RlExperiment *a, const RlExperiment *b)
{
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_assert_cmpuint (rl_experiment_get_n_records (a, t), ==, rl_experiment_get_n_records (b, t));
      for (guint i = 0; i < rl_experiment_get_n_records (a, t); i++)
        assert_records_equal (rl_experiment_get_record (a, t, i), rl_experiment_get_record (b, t, i));
      g_assert_cmpuint (rl_experiment_get_batch_digest (a, t), ==,
                        rl_experiment_get_batch_digest (b, t));
    }
}

/* ---- Bad configurations ----------------------------------------------------------------- */

static void
expect_config_error (const RlExperimentConfig *cfg, RlDataset *train, RlDataset *test, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlExperiment) exp = rl_experiment_new (cfg, train, test, &error);

  g_assert_null (exp);
  g_assert_error (error, RL_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
test_bad_config (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlDataset) small = NULL;

  tiny_config (&cfg);
  cfg.depth = 9;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_BAD_ARCH);
  tiny_config (&cfg);
  cfg.depth = 2;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_BAD_ARCH);

  tiny_config (&cfg);
  cfg.shortcut = RL_SHORTCUT_NONE;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.shortcut = RL_SHORTCUT_IDENTITY;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.lr = 0.0;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.lr = NAN;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.momentum = 1.0;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.weight_decay = -1e-4;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.batch = 0;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.epochs = 0;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.interval = 0;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.subset = train_set->n + 1;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);
  tiny_config (&cfg);
  cfg.test_subset = test_set->n + 1;
  expect_config_error (&cfg, train_set, test_set, RL_ERROR_INVALID_ARGUMENT);

  /* test images of another size than the training images */
  small = rl_dataset_new_subset (test_set, 10);
  small->h = small->w = 14;
  tiny_config (&cfg);
  cfg.test_subset = 0;
  expect_config_error (&cfg, train_set, small, RL_ERROR_MISMATCH);
}

/* ---- A tiny run ----------------------------------------------------------------------------- */

static void
test_tiny_run (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) exp = NULL;
  RlModel *plain, *res;

  tiny_config (&cfg);
  exp = new_or_die (&cfg);

  g_assert_cmpuint (rl_experiment_get_total_iterations (exp), ==, 10);
  g_assert_cmpuint (rl_experiment_get_n_train (exp), ==, 640);
  g_assert_cmpuint (rl_experiment_get_n_test (exp), ==, 100);
  g_assert_cmpstr (rl_experiment_get_name (exp, RL_TWIN_PLAIN), ==, "plain-8");
  g_assert_cmpstr (rl_experiment_get_name (exp, RL_TWIN_RESIDUAL), ==, "resnet-8");
  g_assert_false (rl_experiment_is_done (exp));

  /* Option A: the same parameter table, so the same seed gives the same initial weights. */
  plain = rl_experiment_get_model (exp, RL_TWIN_PLAIN);
  res = rl_experiment_get_model (exp, RL_TWIN_RESIDUAL);
  g_assert_cmpuint (rl_model_get_n_params (plain), ==, rl_model_get_n_params (res));
  g_assert_cmpint (memcmp (rl_model_get_params_const (plain), rl_model_get_params_const (res),
                           sizeof (float) * rl_model_get_n_params (plain)), ==, 0);

  /* Weight layers: conv1, six block convolutions, fc; every conv has a response. */
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      static const char *const names[] = {
        "conv1", "layer1.0.conv1", "layer1.0.conv2", "layer2.0.conv1", "layer2.0.conv2",
        "layer3.0.conv1", "layer3.0.conv2", "fc",
      };

      g_assert_cmpuint (rl_experiment_get_n_layers (exp, t), ==, 8);
      for (guint k = 0; k < 8; k++)
        {
          const RlExperimentLayer *l = rl_experiment_get_layer (exp, t, k);

          g_assert_cmpstr (l->name, ==, names[k]);
          g_assert_cmpint (l->index, ==, (int) k + 1);
          g_assert_cmpint (l->response, ==, k < 7 ? (int) k : -1);
        }
      g_assert_cmpuint (rl_experiment_get_n_records (exp, t), ==, 0);
    }

  for (guint step = 1; step <= 2; step++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (rl_experiment_step (exp, NULL, &error));
      g_assert_no_error (error);
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          const RlExperimentRecord *r;

          g_assert_cmpuint (rl_experiment_get_n_records (exp, t), ==, step);
          r = rl_experiment_get_record (exp, t, step - 1);
          g_assert_cmpint (r->twin, ==, t);
          g_assert_cmpuint (r->iteration, ==, 5 * step);
          g_assert_cmpuint (r->images, ==, 320 * step);
          g_assert_cmpfloat_with_epsilon (r->epoch, 0.5 * step, 1e-12);
          g_assert_cmpuint (rl_experiment_get_iteration (exp, t), ==, 5 * step);
          /* 320 training images per interval, 100 test images */
          g_assert_cmpfloat (r->train_error, >=, 0.0);
          g_assert_cmpfloat (r->train_error, <=, 1.0);
          g_assert_cmpfloat_with_epsilon (r->train_error * 320, round (r->train_error * 320),
                                          1e-6);
          g_assert_cmpfloat_with_epsilon (r->test_error * 100, round (r->test_error * 100),
                                          1e-6);
          g_assert_true (isfinite (r->train_loss) && r->train_loss > 0.0);
          g_assert_cmpfloat (r->train_seconds, >, 0.0);
          g_assert_cmpuint (r->n_layers, ==, 8);
          for (guint k = 0; k < 8; k++)
            {
              g_assert_true (isfinite (r->grad_norm[k]) && r->grad_norm[k] > 0.0);
              if (k < 7)
                g_assert_true (isfinite (r->response_std[k]) && r->response_std[k] > 0.0);
              else
                g_assert_true (isnan (r->response_std[k]));
            }
        }
      /* the same images, in the same order */
      g_assert_cmpuint (rl_experiment_get_batch_digest (exp, RL_TWIN_PLAIN), ==,
                        rl_experiment_get_batch_digest (exp, RL_TWIN_RESIDUAL));
    }
  g_assert_true (rl_experiment_is_done (exp));
  for (int t = 0; t < RL_N_TWINS; t++)
    g_assert_cmpuint (rl_experiment_get_diverged_at (exp, t), ==, 0);

  /* learning: by the second interval the loss is below chance (ln 10 = 2.30) */
  for (int t = 0; t < RL_N_TWINS; t++)
    g_assert_cmpfloat (rl_experiment_get_record (exp, t, 1)->train_loss, <, 2.2);

  /* done: a further step does nothing */
  g_assert_true (rl_experiment_step (exp, NULL, NULL));
  g_assert_cmpuint (rl_experiment_get_n_records (exp, RL_TWIN_PLAIN), ==, 2);
  g_assert_cmpuint (rl_experiment_get_n_records (exp, RL_TWIN_RESIDUAL), ==, 2);

  /* twins trained apart: their weights differ now */
  plain = rl_experiment_get_model (exp, RL_TWIN_PLAIN);
  res = rl_experiment_get_model (exp, RL_TWIN_RESIDUAL);
  g_assert_cmpint (memcmp (rl_model_get_params_const (plain), rl_model_get_params_const (res),
                           sizeof (float) * rl_model_get_n_params (plain)), !=, 0);
}

/* The running statistics of @model: (S) floats, gathered in table order. */
static GArray *
running_stats (RlModel *model)
{
  GArray *v = g_array_new (FALSE, FALSE, sizeof (float));
  const float *p = rl_model_get_params_const (model);

  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);

      if (info->role == RL_PARAM_RUNNING_MEAN || info->role == RL_PARAM_RUNNING_VAR)
        g_array_append_vals (v, p + info->offset, info->numel);
    }
  return v;
}

static void
set_running_stats (RlModel *model, const float *v)
{
  float *p = rl_model_get_params (model);
  size_t k = 0;

  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);

      if (info->role == RL_PARAM_RUNNING_MEAN || info->role == RL_PARAM_RUNNING_VAR)
        {
          memcpy (p + info->offset, v + k, sizeof (float) * info->numel);
          k += info->numel;
        }
    }
}

/* The plain twin's records equal an independent loop: same arch, seed, batches, SGD; the test
 * error with the model's running statistics or (@data set) with those of one training-mode
 * pass over the first 64 training images at the current weights. */
static void
test_matches_manual_loop (gconstpointer data)
{
  const gboolean fresh = GPOINTER_TO_INT (data);
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) exp = NULL;
  g_autoptr(RlArch) arch = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlSgd) sgd = NULL;
  g_autofree float *x = g_new (float, 64 * 784);
  g_autofree float *xt = g_new (float, 100 * 784);
  uint8_t labels[64], yt[100];
  uint32_t idx[100];
  float logits[100 * 10];
  uint64_t digest = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  GArray *layers;
  RlBatchIter it;

  tiny_config (&cfg);
  cfg.fresh_bn_stats = fresh;
  exp = new_or_die (&cfg);
  run_to_end (exp);

  arch = rl_arch_new_cifar (8, FALSE, RL_SHORTCUT_A, TRUE, NULL);
  model = rl_model_new_mnist (arch, NULL);
  rl_model_init_params (model, cfg.seed);
  rl_model_set_threads (model, THREADS);
  sgd = rl_sgd_new (model, (float) cfg.lr, (float) cfg.momentum, (float) cfg.weight_decay);
  layers = rl_experiment_list_layers (model);
  for (uint32_t i = 0; i < 100; i++)
    idx[i] = i;
  rl_dataset_get_batch (test_set, idx, 100, xt, yt);

  rl_batch_iter_init (&it, train_set, 64, cfg.seed);
  for (int rec = 0; rec < 2; rec++)
    {
      const RlExperimentRecord *r = rl_experiment_get_record (exp, RL_TWIN_PLAIN, rec);
      g_autofree double *norms = g_new0 (double, layers->len);
      double loss = 0.0;
      int hits = 0, wrong = 0;

      for (int b = 0; b < 5; b++)
        {
          int n = rl_batch_iter_next (&it, x, labels), h = 0;

          g_assert_cmpint (n, ==, 64);
          for (uint32_t i = it.pos - 64; i < it.pos; i++)
            for (int k = 0; k < 4; k++)
              digest = (digest ^ ((it.order[i] >> (8 * k)) & 0xff)) * G_GUINT64_CONSTANT (0x100000001b3);
          loss += rl_model_forward_backward (model, x, labels, n, &h);
          hits += h;
          rl_experiment_add_grad_norms (model, (const RlExperimentLayer *) layers->data,
                                        layers->len, norms);
          rl_sgd_step (sgd, model);
        }
      g_assert_cmpfloat (r->train_loss, ==, loss / 5);
      g_assert_cmpfloat (r->train_error, ==, 1.0 - hits / 320.0);
      for (guint k = 0; k < layers->len; k++)
        g_assert_cmpfloat_with_epsilon (r->grad_norm[k], norms[k] / 5, 1e-12 * norms[k]);

      if (fresh)
        {
          /* a copy, so the loop's own model keeps its state: one training-mode pass over the
           * first 64 training images, r' = 0.9 r + 0.1 b, then b as the statistics */
          g_autoptr(RlModel) cal = rl_model_copy (model);
          g_autoptr(GArray) before = running_stats (cal);
          g_autoptr(GArray) after = NULL;
          g_autofree float *xc = g_new (float, 64 * 784);
          uint8_t yc[64];
          uint32_t first[64];

          for (uint32_t i = 0; i < 64; i++)
            first[i] = i;
          rl_dataset_get_batch (train_set, first, 64, xc, yc);
          rl_model_forward_backward (cal, xc, yc, 64, NULL);
          after = running_stats (cal);
          for (guint j = 0; j < after->len; j++)
            g_array_index (after, float, j) =
              (g_array_index (after, float, j) -
               (1.0f - RL_BN_MOMENTUM) * g_array_index (before, float, j)) / RL_BN_MOMENTUM;
          set_running_stats (cal, (const float *) after->data);
          rl_model_predict (cal, xt, 100, logits);
        }
      else
        rl_model_predict (model, xt, 100, logits);
      for (int i = 0; i < 100; i++)
        {
          int best = 0;
          for (int k = 1; k < 10; k++)
            if (logits[i * 10 + k] > logits[i * 10 + best])
              best = k;
          wrong += best != yt[i];
        }
      g_assert_cmpfloat (r->test_error, ==, wrong / 100.0);
    }
  g_assert_cmpuint (rl_experiment_get_batch_digest (exp, RL_TWIN_PLAIN), ==, digest);
  g_assert_cmpint (memcmp (rl_model_get_params_const (model),
                           rl_model_get_params_const (rl_experiment_get_model (exp, RL_TWIN_PLAIN)),
                           sizeof (float) * rl_model_get_n_params (model)), ==, 0);
  rl_batch_iter_clear (&it);
  g_array_unref (layers);
}

/* rl_experiment_add_grad_norms adds the L2 norm of each weight's gradient. */
static void
test_grad_norms (void)
{
  g_autoptr(RlArch) arch = rl_arch_new_cifar (8, TRUE, RL_SHORTCUT_B, TRUE, NULL);
  g_autoptr(RlModel) model = rl_model_new_mnist (arch, NULL);
  g_autofree float *x = g_new (float, 16 * 784);
  uint8_t labels[16];
  uint32_t idx[16];
  GArray *layers;
  double *norms;
  const float *g;

  rl_model_init_params (model, 3);
  for (int i = 0; i < 16; i++)
    idx[i] = i;
  rl_dataset_get_batch (train_set, idx, 16, x, labels);
  rl_model_forward_backward (model, x, labels, 16, NULL);
  g = rl_model_get_grads (model);

  layers = rl_experiment_list_layers (model);
  /* 8 weight layers and the two projections of option B */
  g_assert_cmpuint (layers->len, ==, 10);
  norms = g_new (double, layers->len);
  for (guint k = 0; k < layers->len; k++)
    norms[k] = 1.0;   /* it adds */
  rl_experiment_add_grad_norms (model, (const RlExperimentLayer *) layers->data, layers->len,
                                norms);
  for (guint k = 0; k < layers->len; k++)
    {
      const RlExperimentLayer *l = &g_array_index (layers, RlExperimentLayer, k);
      const RlParamInfo *info = rl_model_get_tensor_info (model, l->tensor);
      double s = 0.0;

      g_assert_cmpint (info->role, ==, RL_PARAM_WEIGHT);
      for (size_t j = 0; j < info->numel; j++)
        s += (double) g[info->offset + j] * g[info->offset + j];
      g_assert_cmpfloat (s, >, 0.0);
      g_assert_cmpfloat_with_epsilon (norms[k], 1.0 + sqrt (s), 1e-12);
    }
  g_free (norms);
  g_array_unref (layers);
}

/* ---- Option B, no statistics, cancelling, divergence ------------------------------------- */

static void
test_option_b (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) exp = NULL;
  RlModel *plain, *res;
  const float *pp, *pr;
  guint n_proj = 0;

  tiny_config (&cfg);
  cfg.shortcut = RL_SHORTCUT_B;
  cfg.interval = 10;
  exp = new_or_die (&cfg);
  plain = rl_experiment_get_model (exp, RL_TWIN_PLAIN);
  res = rl_experiment_get_model (exp, RL_TWIN_RESIDUAL);
  pp = rl_model_get_params_const (plain);
  pr = rl_model_get_params_const (res);

  /* every tensor of the plain twin has the same values in the residual one */
  g_assert_cmpuint (rl_model_get_n_tensors (res), >, rl_model_get_n_tensors (plain));
  for (guint t = 0; t < rl_model_get_n_tensors (plain); t++)
    {
      const RlParamInfo *a = rl_model_get_tensor_info (plain, t);
      const RlParamInfo *b = rl_model_lookup_tensor (res, a->name);

      g_assert_nonnull (b);
      g_assert_cmpint (memcmp (pp + a->offset, pr + b->offset, sizeof (float) * a->numel), ==, 0);
    }
  /* the projections are drawn, not zero */
  for (guint k = 0; k < rl_experiment_get_n_layers (exp, RL_TWIN_RESIDUAL); k++)
    {
      const RlExperimentLayer *l = rl_experiment_get_layer (exp, RL_TWIN_RESIDUAL, k);

      if (l->index == 0)
        {
          const RlParamInfo *info = rl_model_get_tensor_info (res, l->tensor);
          g_assert_nonnull (strstr (l->name, "shortcut"));
          g_assert_cmpint (l->response, ==, -1);
          g_assert_cmpfloat (fabsf (pr[info->offset]) + fabsf (pr[info->offset + 1]), >, 0.0f);
          n_proj++;
        }
    }
  g_assert_cmpuint (n_proj, ==, 2);
  g_assert_cmpuint (rl_experiment_get_n_layers (exp, RL_TWIN_PLAIN), ==, 8);

  run_to_end (exp);
  g_assert_cmpuint (rl_experiment_get_n_records (exp, RL_TWIN_RESIDUAL), ==, 1);
  g_assert_cmpuint (rl_experiment_get_record (exp, RL_TWIN_RESIDUAL, 0)->n_layers, ==, 10);
  g_assert_cmpuint (rl_experiment_get_batch_digest (exp, RL_TWIN_PLAIN), ==,
                    rl_experiment_get_batch_digest (exp, RL_TWIN_RESIDUAL));
}

static void
test_no_stats (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) exp = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);

  tiny_config (&cfg);
  cfg.layer_stats = FALSE;
  cfg.subset = 128;
  cfg.interval = 1;
  exp = new_or_die (&cfg);
  run_to_end (exp);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_assert_cmpuint (rl_experiment_get_n_records (exp, t), ==, 2);
      g_assert_cmpuint (rl_experiment_get_record (exp, t, 1)->n_layers, ==, 0);
    }
  rl_experiment_format_layers_csv (exp, csv, TRUE);
  g_assert_cmpstr (csv->str, ==, "depth,net,iteration,layer,grad_norm,response_std,name\n");
}

/* Cancels the step it runs in after a few milliseconds. */
static gpointer
cancel_later (gpointer data)
{
  g_usleep (150 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel_resume (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) ref = NULL;
  g_autoptr(RlExperiment) exp = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint n_cancelled = 0;

  tiny_config (&cfg);
  ref = new_or_die (&cfg);
  run_to_end (ref);

  /* cancelled before it starts: nothing happens */
  exp = new_or_die (&cfg);
  g_cancellable_cancel (cancelled);
  g_assert_false (rl_experiment_step (exp, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (rl_experiment_get_iteration (exp, RL_TWIN_PLAIN), ==, 0);
  g_assert_cmpuint (rl_experiment_get_n_records (exp, RL_TWIN_PLAIN), ==, 0);

  /* cancelled wherever a timer hits, then resumed: the same run as without cancelling */
  while (!rl_experiment_is_done (exp))
    {
      g_autoptr(GCancellable) c = g_cancellable_new ();
      GThread *thread = g_thread_new ("cancel", cancel_later, c);

      if (!rl_experiment_step (exp, c, &error))
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&error);
          n_cancelled++;
        }
      g_thread_join (thread);
    }
  g_test_message ("%u steps cancelled", n_cancelled);
  assert_experiments_equal (ref, exp);
}

static void
test_divergence (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) exp = NULL;
  gboolean any = FALSE;

  /* no batch norm and an absurd learning rate: the loss overflows within a few steps */
  tiny_config (&cfg);
  cfg.bn = FALSE;
  cfg.lr = 1e6;
  cfg.momentum = 0.0;
  cfg.interval = 2;
  exp = new_or_die (&cfg);
  run_to_end (exp);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      uint64_t at = rl_experiment_get_diverged_at (exp, t);
      guint nr = rl_experiment_get_n_records (exp, t);
      const RlExperimentRecord *last = rl_experiment_get_record (exp, t, nr - 1);

      g_test_message ("%s: diverged at %" G_GUINT64_FORMAT, rl_experiment_get_name (exp, t), at);
      if (at == 0)
        {
          g_assert_cmpuint (last->iteration, ==, 10);
          continue;
        }
      any = TRUE;
      /* stopped there, with a last record that says so */
      g_assert_cmpuint (rl_experiment_get_iteration (exp, t), ==, at);
      g_assert_cmpuint (last->iteration, ==, at);
      g_assert_false (isfinite (last->train_loss));
      g_assert_true (isnan (last->train_error));
    }
  g_assert_true (any);
}

/* ---- CSV ------------------------------------------------------------------------------------ */

static double
parse_number (const char *s)
{
  char *end = NULL;
  double v;

  if (strcmp (s, "nan") == 0)
    return NAN;
  v = g_ascii_strtod (s, &end);
  g_assert_true (end != s && *end == '\0');
  return v;
}

static void
assert_close (double parsed, double value)
{
  /* %.6g keeps six significant digits */
  g_assert_cmpfloat_with_epsilon (parsed, value, 1e-5 * MAX (fabs (value), 1e-12));
}

static void
test_csv (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperiment) exp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("reslab-exp-XXXXXX", &error);
  g_autofree char *path = NULL, *layers_path = NULL, *text = NULL, *ltext = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) llines = NULL;
  guint row = 0;

  g_assert_no_error (error);
  path = g_build_filename (dir, "degradation.csv", NULL);
  layers_path = g_build_filename (dir, "layers.csv", NULL);

  tiny_config (&cfg);
  exp = new_or_die (&cfg);
  run_to_end (exp);
  g_assert_true (rl_experiment_write_csv (exp, path, layers_path, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "depth,net,shortcut,bn,iteration,images,epoch,train_error,"
                                 "train_loss,test_error,seed");
  /* two records per twin, then the empty string after the last newline */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 4 + 1);
  g_assert_cmpstr (lines[5], ==, "");
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint i = 0; i < 2; i++)
      {
        const RlExperimentRecord *r = rl_experiment_get_record (exp, t, i);
        g_auto(GStrv) f = g_strsplit (lines[1 + row++], ",", -1);

        g_assert_cmpuint (g_strv_length (f), ==, 11);
        g_assert_cmpstr (f[10], ==, "1");
        g_assert_cmpstr (f[0], ==, "8");
        g_assert_cmpstr (f[1], ==, t == RL_TWIN_PLAIN ? "plain" : "resnet");
        g_assert_cmpstr (f[2], ==, "A");
        g_assert_cmpstr (f[3], ==, "on");
        g_assert_cmpuint (g_ascii_strtoull (f[4], NULL, 10), ==, r->iteration);
        g_assert_cmpuint (g_ascii_strtoull (f[5], NULL, 10), ==, r->images);
        assert_close (parse_number (f[6]), r->epoch);
        assert_close (parse_number (f[7]), r->train_error);
        assert_close (parse_number (f[8]), r->train_loss);
        assert_close (parse_number (f[9]), r->test_error);
      }

  g_assert_true (g_file_get_contents (layers_path, &ltext, NULL, &error));
  llines = g_strsplit (ltext, "\n", -1);
  g_assert_cmpstr (llines[0], ==, "depth,net,iteration,layer,grad_norm,response_std,name");
  g_assert_cmpuint (g_strv_length (llines), ==, 1 + 2 * 2 * 8 + 1);
  row = 1;
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint i = 0; i < 2; i++)
      {
        const RlExperimentRecord *r = rl_experiment_get_record (exp, t, i);

        for (guint k = 0; k < 8; k++)
          {
            const RlExperimentLayer *l = rl_experiment_get_layer (exp, t, k);
            g_auto(GStrv) f = g_strsplit (llines[row++], ",", -1);

            g_assert_cmpuint (g_strv_length (f), ==, 7);
            g_assert_cmpstr (f[0], ==, "8");
            g_assert_cmpstr (f[1], ==, t == RL_TWIN_PLAIN ? "plain" : "resnet");
            g_assert_cmpuint (g_ascii_strtoull (f[2], NULL, 10), ==, r->iteration);
            g_assert_cmpint ((int) g_ascii_strtoll (f[3], NULL, 10), ==, l->index);
            assert_close (parse_number (f[4]), r->grad_norm[k]);
            if (l->response >= 0)
              assert_close (parse_number (f[5]), r->response_std[k]);
            else
              g_assert_cmpstr (f[5], ==, "");
            g_assert_cmpstr (f[6], ==, l->name);
          }
      }

  /* an unwritable place: GFileError */
  {
    g_autofree char *bad = g_build_filename (dir, "no-such-dir", "x.csv", NULL);
    g_assert_false (rl_experiment_write_csv (exp, bad, NULL, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  }

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_remove (layers_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Records outlive their experiment when referenced. */
/* Three seeds of one configuration: each point's band holds its mean; one seed alone gives its
 * own records as the mean (min = max = mean); the CSV has a row per seed and record, the
 * first seed's rows those of the experiment alone. */
static void
test_group (void)
{
  RlExperimentConfig cfg;
  g_autoptr(RlExperimentGroup) group = NULL;
  g_autoptr(RlExperimentGroup) single = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GString) csv1 = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  RlExperiment *exps[3];
  guint wide = 0;

  tiny_config (&cfg);
  cfg.layer_stats = FALSE;
  for (int k = 0; k < 3; k++)
    {
      cfg.seed = 7 + (uint64_t) k;
      exps[k] = new_or_die (&cfg);
      run_to_end (exps[k]);
      g_assert_cmpuint (rl_experiment_get_record (exps[k], RL_TWIN_PLAIN, 0)->seed, ==, cfg.seed);
    }
  group = rl_experiment_group_new (rl_experiment_get_config (exps[0]),
                                   rl_experiment_get_total_iterations (exps[0]), "plain-8",
                                   "resnet-8");
  single = rl_experiment_group_new (rl_experiment_get_config (exps[0]),
                                    rl_experiment_get_total_iterations (exps[0]), "plain-8",
                                    "resnet-8");
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (group), ==, 0);
  g_assert_cmpuint (rl_experiment_group_get_n_points (group, RL_TWIN_PLAIN), ==, 0);
  for (int k = 0; k < 3; k++)
    rl_experiment_group_add_experiment (group, exps[k]);
  rl_experiment_group_add_experiment (single, exps[0]);
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (group), ==, 3);
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (single), ==, 1);
  g_assert_cmpstr (rl_experiment_group_get_name (group, RL_TWIN_RESIDUAL), ==, "resnet-8");

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint np = rl_experiment_group_get_n_points (group, (RlTwin) t);

      g_assert_cmpuint (np, ==, rl_experiment_get_n_records (exps[0], (RlTwin) t));
      for (guint i = 0; i < np; i++)
        for (int v = RL_EXPERIMENT_TRAIN_ERROR; v <= RL_EXPERIMENT_TEST_ERROR; v++)
          {
            uint64_t it, it1;
            double mean, lo, hi, mean1, lo1, hi1, sum = 0.0;

            g_assert_cmpuint (rl_experiment_group_get_point (group, (RlTwin) t, i, v, &it, &mean,
                                                             &lo, &hi), ==, 3);
            for (int k = 0; k < 3; k++)
              {
                const RlExperimentRecord *r = rl_experiment_get_record (exps[k], (RlTwin) t, i);
                double x = rl_experiment_record_get_value (r, v);

                g_assert_cmpuint (r->iteration, ==, it);
                g_assert_cmpfloat (x, >=, lo);
                g_assert_cmpfloat (x, <=, hi);
                sum += x;
              }
            g_assert_cmpfloat_with_epsilon (mean, sum / 3, 1e-12);
            g_assert_cmpfloat (lo, <=, mean);
            g_assert_cmpfloat (mean, <=, hi);
            wide += hi > lo;

            g_assert_cmpuint (rl_experiment_group_get_point (single, (RlTwin) t, i, v, &it1,
                                                             &mean1, &lo1, &hi1), ==, 1);
            g_assert_cmpuint (it1, ==, it);
            g_assert_cmpfloat (mean1, ==, rl_experiment_record_get_value (
                                 rl_experiment_get_record (exps[0], (RlTwin) t, i), v));
            g_assert_cmpfloat (lo1, ==, mean1);
            g_assert_cmpfloat (hi1, ==, mean1);
          }
    }
  /* the seeds differ: most bands have a width */
  g_assert_cmpuint (wide, >, 0);

  rl_experiment_group_format_csv (group, csv, TRUE);
  lines = g_strsplit (csv->str, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==,
                    1 + 3 * (rl_experiment_get_n_records (exps[0], RL_TWIN_PLAIN)
                             + rl_experiment_get_n_records (exps[0], RL_TWIN_RESIDUAL)) + 1);
  rl_experiment_group_format_csv (single, csv1, TRUE);
  {
    g_autoptr(GString) direct = g_string_new (NULL);

    rl_experiment_format_csv (exps[0], direct, TRUE);
    g_assert_cmpstr (csv1->str, ==, direct->str);
  }
  for (int k = 0; k < 3; k++)
    rl_experiment_free (exps[k]);
}

static void
test_record_ref (void)
{
  RlExperimentConfig cfg;
  RlExperiment *exp;
  RlExperimentRecord *kept;
  uint64_t images;

  tiny_config (&cfg);
  cfg.subset = 64;
  cfg.interval = 1;
  exp = new_or_die (&cfg);
  run_to_end (exp);
  kept = rl_experiment_record_ref (rl_experiment_get_record (exp, RL_TWIN_RESIDUAL, 0));
  images = kept->images;
  rl_experiment_free (exp);
  g_assert_cmpuint (kept->images, ==, images);
  g_assert_cmpuint (kept->images, ==, 64);
  g_assert_cmpint (kept->twin, ==, RL_TWIN_RESIDUAL);
  rl_experiment_record_unref (kept);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  load_mini_mnist (&train_set, &test_set);

  g_test_add_func ("/engine/experiment/bad-config", test_bad_config);
  g_test_add_func ("/engine/experiment/tiny-run", test_tiny_run);
  g_test_add_data_func ("/engine/experiment/matches-manual-loop/running-bn",
                        GINT_TO_POINTER (FALSE), test_matches_manual_loop);
  g_test_add_data_func ("/engine/experiment/matches-manual-loop/fresh-bn",
                        GINT_TO_POINTER (TRUE), test_matches_manual_loop);
  g_test_add_func ("/engine/experiment/grad-norms", test_grad_norms);
  g_test_add_func ("/engine/experiment/option-b", test_option_b);
  g_test_add_func ("/engine/experiment/no-stats", test_no_stats);
  g_test_add_func ("/engine/experiment/cancel-resume", test_cancel_resume);
  g_test_add_func ("/engine/experiment/divergence", test_divergence);
  g_test_add_func ("/engine/experiment/csv", test_csv);
  g_test_add_func ("/engine/experiment/group", test_group);
  g_test_add_func ("/engine/experiment/record-ref", test_record_ref);
  status = g_test_run ();

  rl_dataset_unref (train_set);
  rl_dataset_unref (test_set);
  return status;
}
