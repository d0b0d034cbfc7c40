#define G_LOG_DOMAIN "reslab-test"

/* test-parity.c: the engine against PyTorch.
 *
 * The fixtures in tests/fixtures/ hold PyTorch 1.13's numbers (tools/gen-fixtures.py writes
 * them; its docstring lists every tensor):
 *
 *   seed-parity.safetensors    the seed net on 8 real MNIST images: initial weights, logits,
 *                              loss, every gradient, and the weights after three SGD steps.
 *   layers-parity.safetensors  single-layer cases (conv stride 2 pad 1, max pool, linear, a
 *                              residual block with a stride-2 projection shortcut, global
 *                              average pooling), each as a tiny model with the engine's arch
 *                              syntax, plus the layer's own input, output, upstream gradient
 *                              and input gradient.
 *   cifar-parity.safetensors   resnet-8 (option A, option B) and plain-8 with batch norm on 16
 *                              MNIST images, from a shared initial state with non-default batch
 *                              norm parameters and running statistics: evaluation-mode logits,
 *                              training-mode logits, loss, every gradient, the running
 *                              statistics after that forward, and the state after each of three
 *                              SGD steps (lr 0.1, momentum 0.9, weight decay 1e-4). Its reference
 *                              values are PyTorch's float64 computation (test_cifar says why).
 *
 * The models are checked through the public API only (rl_arch_parse, rl_model_*, rl_sgd_*,
 * rl_inference_* for the intermediate maps); the layers with a plain function in rl-layers.h
 * are also checked directly against the stored upstream gradient. Every check runs once per
 * GEMM kernel the CPU supports, and the models at 1, 2, 3, 4 and 8 threads.
 *
 * Tolerance: |engine - torch| <= 1e-4 * max (|torch|, scale), element by element, where scale
 * is the largest magnitude in the reference tensor. The floor matters for gradients: a
 * gradient element is a sum over thousands of terms that largely cancel, so its rounding
 * error follows the size of the terms (about the tensor's largest elements), not the size
 * of the small result. gen-fixtures.py checks that PyTorch's float32 values are themselves
 * within 2 % of this tolerance of the float64 values, so the margin is the engine's. For the
 * CIFAR nets they are not (the stem conv's weight gradient behind a batch norm is a
 * cancelling sum over a constant background: PyTorch's float32 gets 0.98 of the tolerance),
 * so cifar-parity holds the float64 values, rounded to float32.
 */

#include <math.h>
#include <string.h>

#include "rl-arch.h"
#include "rl-error.h"
#include "rl-gemm.h"
#include "rl-layers.h"
#include "rl-model.h"
#include "rl-safetensors.h"
#include "rl-sgd.h"

#define RTOL 1e-4

/* What gen-fixtures.py used for the three SGD steps; the metadata must say the same. */
#define SGD_LR 0.01f
#define SGD_MOMENTUM 0.5f
#define SGD_STEPS 3
#define SGD_METADATA "lr=0.01 momentum=0.5 weight_decay=0 steps=3"

typedef struct {
  RlGemmKernel kernel;
  int          n_threads;
  char        *case_name;   /* a layers-parity case; NULL for the seed net */
} ParityRun;

static void
parity_run_free (gpointer data)
{
  ParityRun *run = data;

  g_free (run->case_name);
  g_free (run);
}

/* ---- helpers --------------------------------------------------------------------------- */

static RlSafetensors *
load_fixture (const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", file, NULL);
  RlSafetensors *st = rl_safetensors_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (st);
  return st;
}

static const RlTensorView *
fixture_tensor (const RlSafetensors *st, const char *prefix, const char *name)
{
  g_autofree char *key = g_strconcat (prefix, name, NULL);
  const RlTensorView *view = rl_safetensors_lookup (st, key);

  if (view == NULL)
    g_error ("fixture has no tensor %s", key);
  return view;
}

static const char *
fixture_metadata (const RlSafetensors *st, const char *prefix, const char *key)
{
  g_autofree char *full = g_strconcat (prefix, key, NULL);
  const char *value = rl_safetensors_get_metadata (st, full);

  if (value == NULL)
    g_error ("fixture has no metadata %s", full);
  return value;
}

/* The worst ratio of |got - want| to its allowance RTOL * max (|want|, scale) over the
 * elements, where scale is max|want|, or @scale_floor when that is larger (a gradient that is
 * zero in exact arithmetic: test_cifar). NaN in @got gives INFINITY; *worst_i, *scale (nullable)
 * get the worst element and the scale. */
static double
close_ratio (const float *got, const float *want, size_t len, double scale_floor,
             size_t *worst_i, double *scale_out)
{
  double scale = scale_floor, worst = 0.0;

  for (size_t i = 0; i < len; i++)
    scale = MAX (scale, fabs ((double) want[i]));
  if (worst_i != NULL)
    *worst_i = 0;
  for (size_t i = 0; i < len; i++)
    {
      double allowed = RTOL * MAX (fabs ((double) want[i]), scale);
      double err = fabs ((double) got[i] - (double) want[i]);
      double ratio;

      /* written so that NaN in @got fails */
      if (err <= allowed)
        ratio = allowed > 0.0 ? err / allowed : 0.0;
      else
        ratio = isnan (err) || allowed == 0.0 ? INFINITY : err / allowed;
      if (ratio > worst)
        {
          worst = ratio;
          if (worst_i != NULL)
            *worst_i = i;
        }
    }
  if (scale_out != NULL)
    *scale_out = scale;
  return worst;
}

/* Asserts |got - want| <= RTOL * max (|want|, max|want|, @scale_floor) for every element (see
 * the top of the file), and reports the worst element when it fails. Returns the worst ratio of
 * error to allowance, so a test can say how much margin it had. */
static double
assert_close_scaled (const char *what, const float *got, const float *want, size_t len,
                     double scale_floor)
{
  size_t worst_i;
  double scale;
  double worst = close_ratio (got, want, len, scale_floor, &worst_i, &scale);

  if (!(worst <= 1.0))
    {
      g_test_message ("%s: element %zu of %zu: engine %.9g, torch %.9g (scale %.6g)",
                      what, worst_i, len, (double) got[worst_i], (double) want[worst_i], scale);
      g_test_fail ();
    }
  return worst;
}

static double
assert_close (const char *what, const float *got, const float *want, size_t len)
{
  return assert_close_scaled (what, got, want, len, 0.0);
}

static double
assert_close_view (const char *what, const float *got, const RlTensorView *want)
{
  return assert_close (what, got, want->data, rl_tensor_view_numel (want));
}

/* (A, B) -> (B, A): PyTorch's (N, C*H*W) to the engine's (C*H*W, N), i.e. (C, H, W, N), and
 * back. */
static float *
transpose (const float *x, int a, int b)
{
  float *y = g_new (float, (size_t) a * b);

  for (int i = 0; i < a; i++)
    for (int j = 0; j < b; j++)
      y[(size_t) j * a + i] = x[(size_t) i * b + j];
  return y;
}

static uint8_t *
labels_from_view (const RlTensorView *view)
{
  size_t n = rl_tensor_view_numel (view);
  uint8_t *labels = g_new (uint8_t, n);

  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpfloat (view->data[i], >=, 0.0f);
      g_assert_cmpfloat (view->data[i], <, 256.0f);
      labels[i] = (uint8_t) view->data[i];
    }
  return labels;
}

static void
select_kernel (RlGemmKernel kernel)
{
  g_assert_true (rl_gemm_set_kernel (kernel));
  g_assert_cmpint (rl_gemm_get_kernel (), ==, kernel);
}

/* Copies the fixture's @prefix @kind "<name>" tensors into @model's whole tensor table
 * (parameters, running statistics, counters), checking that both name the same tensors with
 * the same shapes. */
static void
load_model_tensors (RlModel *model, const RlSafetensors *st, const char *prefix, const char *kind)
{
  g_autofree char *key_prefix = g_strconcat (prefix, kind, NULL);
  guint n_file_params = 0;
  float *params = rl_model_get_params (model);

  for (guint i = 0; i < rl_safetensors_get_n_tensors (st); i++)
    if (g_str_has_prefix (rl_safetensors_get_tensor (st, i)->name, key_prefix))
      n_file_params++;
  g_assert_cmpuint (rl_model_get_n_tensors (model), ==, n_file_params);

  for (guint i = 0; i < rl_model_get_n_tensors (model); i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);
      g_autofree char *key = g_strconcat (kind, info->name, NULL);
      const RlTensorView *view = fixture_tensor (st, prefix, key);

      g_assert_true (rl_model_lookup_tensor (model, info->name) == info);
      g_assert_cmpint (view->ndim, ==, info->ndim);
      for (int d = 0; d < info->ndim; d++)
        g_assert_cmpint (view->shape[d], ==, info->shape[d]);
      g_assert_cmpuint (rl_tensor_view_numel (view), ==, info->numel);
      memcpy (params + info->offset, view->data, sizeof (float) * info->numel);
    }
}

/* Builds the model of @arch_text for @input and @classes outputs and copies @prefix "param.*"
 * into it (load_model_tensors). */
static RlModel *
model_for_input (const RlSafetensors *st, const char *prefix, const char *arch_text,
                 const RlTensorView *input, int classes, int n_threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (arch_text, &error);
  RlModel *model;

  g_assert_no_error (error);
  g_assert_cmpint (input->ndim, ==, 4);
  model = rl_model_new (arch, (int) input->shape[1], (int) input->shape[2],
                        (int) input->shape[3], classes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  rl_model_set_threads (model, n_threads);
  load_model_tensors (model, st, prefix, "param.");
  return model;
}

/* The model of @arch_text for the fixture's @prefix "input", with @prefix "logits"' classes. */
static RlModel *
model_from_fixture (const RlSafetensors *st, const char *prefix, const char *arch_text,
                    int n_threads)
{
  const RlTensorView *logits = fixture_tensor (st, prefix, "logits");

  g_assert_cmpint (logits->ndim, ==, 2);
  return model_for_input (st, prefix, arch_text, fixture_tensor (st, prefix, "input"),
                          (int) logits->shape[1], n_threads);
}

typedef enum { TENSORS_ALL, TENSORS_TRAINABLE, TENSORS_BUFFERS } TensorSet;

/* Compares @set of @model's parameters (or, with @grads, gradients) with the fixture's @prefix
 * @kind "<name>" tensors; a gradient listed in @zero (its conv's bias before a batch norm,
 * zero in exact arithmetic) is measured on the scale of the same conv's weight gradient.
 * Asserts when @check, else only measures. Returns the worst ratio. */
static double
compare_model_tensors (RlModel *model, const RlSafetensors *st, const char *prefix,
                       const char *kind, gboolean grads, TensorSet set, char **zero,
                       gboolean check)
{
  const float *block = grads ? rl_model_get_grads (model) : rl_model_get_params (model);
  double worst = 0.0;

  for (guint i = 0; i < rl_model_get_n_tensors (model); i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);
      g_autofree char *key = g_strconcat (kind, info->name, NULL);
      g_autofree char *what = g_strconcat (prefix, key, NULL);
      const RlTensorView *view;
      double floor = 0.0, r;

      if ((set == TENSORS_TRAINABLE && !rl_param_info_is_trainable (info)) ||
          (set == TENSORS_BUFFERS && rl_param_info_is_trainable (info)))
        continue;
      view = fixture_tensor (st, prefix, key);
      g_assert_cmpuint (rl_tensor_view_numel (view), ==, info->numel);
      if (zero != NULL && g_strv_contains ((const char * const *) zero, info->name))
        {
          g_autofree char *stem = g_strndup (info->name, strlen (info->name) - strlen ("bias"));
          g_autofree char *wkey = g_strconcat (kind, stem, "weight", NULL);
          const RlTensorView *w = fixture_tensor (st, prefix, wkey);

          g_assert_true (g_str_has_suffix (info->name, ".bias"));
          for (size_t j = 0; j < rl_tensor_view_numel (w); j++)
            floor = fmax (floor, fabs ((double) w->data[j]));
        }
      r = check ? assert_close_scaled (what, block + info->offset, view->data, info->numel, floor)
                : close_ratio (block + info->offset, view->data, info->numel, floor, NULL, NULL);
      worst = fmax (worst, r);
    }
  return worst;
}

/* Compares every parameter of @model (or, with @grads, every gradient) with the fixture's
 * @prefix @kind "<name>" tensors. */
static double
assert_model_tensors (RlModel *model, const RlSafetensors *st, const char *prefix,
                      const char *kind, gboolean grads)
{
  return compare_model_tensors (model, st, prefix, kind, grads, TENSORS_ALL, NULL, TRUE);
}

/* Forward (logits through rl_model_predict), loss and every gradient of one batch. */
static double
check_forward_backward (RlModel *model, const RlSafetensors *st, const char *prefix)
{
  const RlTensorView *input = fixture_tensor (st, prefix, "input");
  const RlTensorView *want_logits = fixture_tensor (st, prefix, "logits");
  const RlTensorView *want_loss = fixture_tensor (st, prefix, "loss");
  g_autofree uint8_t *labels = labels_from_view (fixture_tensor (st, prefix, "labels"));
  int n = (int) input->shape[0];
  g_autofree float *logits = g_new (float, rl_tensor_view_numel (want_logits));
  double worst;
  float loss;
  int n_correct = -1;

  g_assert_cmpint (want_logits->shape[0], ==, n);
  rl_model_predict (model, input->data, n, logits);
  worst = assert_close_view ("logits", logits, want_logits);

  loss = rl_model_forward_backward (model, input->data, labels, n, &n_correct);
  worst = fmax (worst, assert_close ("loss", &loss, want_loss->data, 1));
  g_assert_cmpint (n_correct, >=, 0);
  g_assert_cmpint (n_correct, <=, n);
  worst = fmax (worst, assert_model_tensors (model, st, prefix, "grad.", TRUE));
  return worst;
}

/* ---- the seed net ---------------------------------------------------------------------- */

static void
test_seed (gconstpointer data)
{
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("seed-parity.safetensors");
  const RlTensorView *input = fixture_tensor (st, "", "input");
  const RlTensorView *loss3 = fixture_tensor (st, "", "loss3");
  g_autofree uint8_t *labels = labels_from_view (fixture_tensor (st, "", "labels"));
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlSgd) sgd = NULL;
  double worst;

  select_kernel (run->kernel);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "sgd"), ==, SGD_METADATA);
  g_assert_cmpuint (rl_tensor_view_numel (loss3), ==, SGD_STEPS);
  g_assert_cmpint (input->shape[0], ==, 8);

  model = model_from_fixture (st, "", RL_ARCH_SEED, run->n_threads);
  worst = check_forward_backward (model, st, "");

  /* Three steps from the same initial weights, as the generator did: the loss of each step
   * is the loss before its update. */
  g_clear_pointer (&model, rl_model_free);
  model = model_from_fixture (st, "", RL_ARCH_SEED, run->n_threads);
  sgd = rl_sgd_new (model, SGD_LR, SGD_MOMENTUM, 0.0f);
  for (int step = 0; step < SGD_STEPS; step++)
    {
      g_autofree char *what = g_strdup_printf ("loss3[%d]", step);
      float loss = rl_model_forward_backward (model, input->data, labels,
                                              (int) input->shape[0], NULL);

      worst = fmax (worst, assert_close (what, &loss, loss3->data + step, 1));
      rl_sgd_step (sgd, model);
    }
  worst = fmax (worst, assert_model_tensors (model, st, "", "after3.", FALSE));
  g_test_message ("worst error: %.3f of the tolerance", worst);
}

/* ---- the CIFAR-style nets with batch norm ---------------------------------------------- */

/* What gen-fixtures.py used for cifar-parity's steps: the degradation experiment's SGD. */
#define CIFAR_LR 0.1f
#define CIFAR_MOMENTUM 0.9f
#define CIFAR_WEIGHT_DECAY 1e-4f
#define CIFAR_SGD_METADATA "lr=0.1 momentum=0.9 weight_decay=0.0001 steps=3"

enum { Q_LOGITS, Q_LOSS, Q_GRADS, Q_STATS, Q_EVAL0, Q_LOSS3, Q_STEPS, Q_EVAL3, N_Q };

/* resnet-8 (A, B) and plain-8 with batch norm, from a shared non-default initial state: the
 * evaluation-mode logits; one training-mode forward and backward (logits, loss, every
 * gradient, the running statistics it leaves); three SGD steps with the experiment's settings,
 * each started from the reference's state before it (so one step's rounding is not amplified
 * by the next: see the README), the state after each and the evaluation-mode logits after
 * the third. The same three steps run free (from the engine's own states) are measured and
 * reported, not asserted: PyTorch's own float32 run is not within the tolerance there either
 * (the fixture's metadata "<c>.torch_float32" says by how much). */
static void
test_cifar (gconstpointer data)
{
  static const char *const q_names[N_Q] = {
    "training-mode logits", "loss", "gradients", "running statistics after the forward",
    "evaluation logits before the steps", "losses of the steps", "state after each step",
    "evaluation logits after the steps",
  };
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("cifar-parity.safetensors");
  g_autofree char *prefix = g_strconcat (run->case_name, ".", NULL);
  const char *arch = fixture_metadata (st, prefix, "arch");
  g_auto(GStrv) zero = g_strsplit (fixture_metadata (st, prefix, "zero_grads"), ",", -1);
  const RlTensorView *input = fixture_tensor (st, "", "input");
  const RlTensorView *want_logits = fixture_tensor (st, prefix, "logits");
  const RlTensorView *loss3 = fixture_tensor (st, prefix, "loss3");
  g_autofree uint8_t *labels = labels_from_view (fixture_tensor (st, "", "labels"));
  const int n = (int) input->shape[0], classes = (int) want_logits->shape[1];
  g_autofree float *logits = g_new (float, (size_t) n * classes);
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlModel) free_model = NULL;
  g_autoptr(RlSgd) sgd = NULL;
  g_autoptr(RlSgd) free_sgd = NULL;
  double q[N_Q] = { 0 }, free_worst;
  float loss;

  select_kernel (run->kernel);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "sgd"), ==, CIFAR_SGD_METADATA);
  g_assert_cmpuint (rl_tensor_view_numel (loss3), ==, SGD_STEPS);
  g_assert_cmpint (want_logits->shape[0], ==, n);

  model = model_for_input (st, prefix, arch, input, classes, run->n_threads);
  rl_model_predict (model, input->data, n, logits);
  q[Q_EVAL0] = assert_close_view ("eval0", logits, fixture_tensor (st, prefix, "eval0"));

  loss = rl_model_forward_backward_logits (model, input->data, labels, n, NULL, logits);
  q[Q_LOGITS] = assert_close_view ("logits", logits, want_logits);
  q[Q_LOSS] = assert_close ("loss", &loss, fixture_tensor (st, prefix, "loss")->data, 1);
  q[Q_GRADS] = compare_model_tensors (model, st, prefix, "grad.", TRUE, TENSORS_TRAINABLE, zero,
                                      TRUE);
  q[Q_STATS] = compare_model_tensors (model, st, prefix, "state1.", FALSE, TENSORS_BUFFERS, NULL,
                                      TRUE);

  load_model_tensors (model, st, prefix, "param.");
  free_model = rl_model_copy (model);
  rl_model_set_threads (free_model, run->n_threads);
  sgd = rl_sgd_new (model, CIFAR_LR, CIFAR_MOMENTUM, CIFAR_WEIGHT_DECAY);
  free_sgd = rl_sgd_new (free_model, CIFAR_LR, CIFAR_MOMENTUM, CIFAR_WEIGHT_DECAY);
  for (int step = 0; step < SGD_STEPS; step++)
    {
      g_autofree char *what = g_strdup_printf ("loss3[%d]", step);
      g_autofree char *kind = g_strdup_printf ("after%d.", step + 1);

      loss = rl_model_forward_backward (model, input->data, labels, n, NULL);
      q[Q_LOSS3] = fmax (q[Q_LOSS3], assert_close (what, &loss, loss3->data + step, 1));
      rl_sgd_step (sgd, model);
      q[Q_STEPS] = fmax (q[Q_STEPS], compare_model_tensors (model, st, prefix, kind, FALSE,
                                                            TENSORS_ALL, NULL, TRUE));
      if (step == SGD_STEPS - 1)
        {
          rl_model_predict (model, input->data, n, logits);
          q[Q_EVAL3] = assert_close_view ("eval3", logits, fixture_tensor (st, prefix, "eval3"));
        }
      /* the next step starts from the reference's state; the momentum buffer is the engine's */
      load_model_tensors (model, st, prefix, kind);

      rl_model_forward_backward (free_model, input->data, labels, n, NULL);
      rl_sgd_step (free_sgd, free_model);
    }
  free_worst = compare_model_tensors (free_model, st, prefix, "after3.", FALSE, TENSORS_ALL, NULL,
                                      FALSE);

  for (int i = 0; i < N_Q; i++)
    g_test_message ("%s: %s: worst error %.3f of the tolerance", run->case_name, q_names[i],
                    q[i]);
  g_test_message ("%s: state after three free-running steps (not asserted): worst error %.3f of "
                  "the tolerance; PyTorch's own float32 run: %s", run->case_name, free_worst,
                  fixture_metadata (st, prefix, "torch_float32"));
}

/* ---- the single-layer cases as tiny models -------------------------------------------- */

/* The layer's maps from rl_inference, image by image, against the fixture's
 * <case>.layer.{output,hidden,residual,shortcut}. */
static double
check_layer_maps (RlModel *model, const RlSafetensors *st, const char *prefix, int layer)
{
  const RlTensorView *input = fixture_tensor (st, prefix, "input");
  int n = (int) input->shape[0];
  size_t image_len = rl_tensor_view_numel (input) / n;
  g_autoptr(RlInference) inf = rl_inference_new (model);
  double worst = 0.0;
  guint n_checked = 0;

  for (guint m = 0; m < rl_inference_get_n_maps (inf); m++)
    {
      const RlActivation *map = rl_inference_get_map (inf, m);
      const char *key;
      const RlTensorView *want;
      size_t map_len;
      g_autofree float *got = NULL;

      if (map->layer_index != layer)
        continue;
      switch (map->role)
        {
        case RL_MAP_LAYER_OUTPUT:
        case RL_MAP_BLOCK_OUTPUT: key = "layer.output"; break;
        case RL_MAP_BLOCK_HIDDEN: key = "layer.hidden"; break;
        case RL_MAP_BLOCK_RESIDUAL: key = "layer.residual"; break;
        case RL_MAP_BLOCK_SHORTCUT: key = "layer.shortcut"; break;
        case RL_MAP_BLOCK_INPUT:
        default: continue;
        }
      want = fixture_tensor (st, prefix, key);
      map_len = (size_t) map->c * map->h * map->w;
      g_assert_cmpuint (rl_tensor_view_numel (want), ==, map_len * n);

      /* The maps are overwritten by the next run: gather all images first. */
      got = g_new (float, map_len * n);
      for (int i = 0; i < n; i++)
        {
          rl_inference_run (inf, model, input->data + image_len * i, NULL);
          memcpy (got + map_len * i, rl_inference_get_map (inf, m)->data,
                  sizeof (float) * map_len);
        }
      worst = fmax (worst, assert_close_view (key, got, want));
      n_checked++;
    }
  /* The output, and for a residual block its hidden, residual and shortcut maps too. */
  {
    static const char *const block_maps[] = { "layer.hidden", "layer.residual",
                                              "layer.shortcut" };
    guint n_expected = 1;

    for (guint k = 0; k < G_N_ELEMENTS (block_maps); k++)
      {
        g_autofree char *key = g_strconcat (prefix, block_maps[k], NULL);

        if (rl_safetensors_lookup (st, key) != NULL)
          n_expected++;
      }
    g_assert_cmpuint (n_checked, ==, n_expected);
  }
  return worst;
}

static void
test_layer_model (gconstpointer data)
{
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("layers-parity.safetensors");
  g_autofree char *prefix = g_strconcat (run->case_name, ".", NULL);
  const char *arch = fixture_metadata (st, prefix, "arch");
  int layer = atoi (fixture_metadata (st, prefix, "layer"));
  g_autoptr(RlModel) model = NULL;
  double worst;

  select_kernel (run->kernel);
  model = model_from_fixture (st, prefix, arch, run->n_threads);
  g_assert_cmpint (layer, >=, 0);
  g_assert_cmpint (layer, <, rl_model_get_arch (model)->n_layers);
  worst = check_forward_backward (model, st, prefix);
  worst = fmax (worst, check_layer_maps (model, st, prefix, layer));
  g_test_message ("%s (%s): worst error %.3f of the tolerance", run->case_name, arch, worst);
}

/* ---- the same layers through rl-layers.h, with the stored upstream gradient ------------ */

/* Fixture tensor (N, C, H, W) as the engine's (C, H, W, N). */
static float *
channel_major (const RlTensorView *view)
{
  g_assert_cmpint (view->ndim, ==, 4);
  return transpose (view->data, (int) view->shape[0],
                    (int) (rl_tensor_view_numel (view) / view->shape[0]));
}

/* Engine (C, H, W, N) buffer back to (N, C, H, W), then compared with @want. */
static double
assert_close_channel_major (const char *what, const float *got, const RlTensorView *want)
{
  int n = (int) want->shape[0];
  int d = (int) (rl_tensor_view_numel (want) / n);
  g_autofree float *nchw = transpose (got, d, n);

  return assert_close_view (what, nchw, want);
}

static void
test_layer_conv (gconstpointer data)
{
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("layers-parity.safetensors");
  const RlTensorView *input = fixture_tensor (st, "conv.", "input");
  const RlTensorView *w = fixture_tensor (st, "conv.", "param.c.weight");
  const RlTensorView *b = fixture_tensor (st, "conv.", "param.c.bias");
  const RlTensorView *want_y = fixture_tensor (st, "conv.", "layer.output");
  int n = (int) input->shape[0];
  g_autofree float *x = channel_major (input);
  g_autofree float *dy = channel_major (fixture_tensor (st, "conv.", "layer.dout"));
  g_autofree float *y = NULL, *cols = NULL, *dcols = NULL, *dx = NULL, *dw = NULL, *db = NULL;
  RlConvGeom g;
  double worst;

  select_kernel (run->kernel);
  /* conv(4, k=3, s=2, p=1) on (3, 7, 7) */
  g_assert_true (rl_conv_geom_init (&g, (int) input->shape[1], (int) input->shape[2],
                                    (int) input->shape[3], (int) w->shape[0], (int) w->shape[2],
                                    2, 1));
  g_assert_cmpint (g.ho, ==, want_y->shape[2]);
  g_assert_cmpint (g.wo, ==, want_y->shape[3]);

  y = g_new (float, rl_tensor_view_numel (want_y));
  cols = g_new (float, rl_conv_cols_size (&g, n));
  dcols = g_new (float, rl_conv_cols_size (&g, n));
  dx = g_new0 (float, rl_tensor_view_numel (input));
  dw = g_new0 (float, rl_tensor_view_numel (w));
  db = g_new0 (float, rl_tensor_view_numel (b));

  rl_conv2d_forward (&g, n, x, w->data, b->data, y, cols);
  worst = assert_close_channel_major ("conv output", y, want_y);
  rl_conv2d_backward (&g, n, x, w->data, dy, dx, RL_GRAD_ADD, dw, db, cols, dcols);
  worst = fmax (worst, assert_close_channel_major ("conv dinput", dx,
                                                  fixture_tensor (st, "conv.", "layer.dinput")));
  worst = fmax (worst, assert_close_view ("conv dweight", dw,
                                         fixture_tensor (st, "conv.", "grad.c.weight")));
  worst = fmax (worst, assert_close_view ("conv dbias", db,
                                         fixture_tensor (st, "conv.", "grad.c.bias")));
  g_test_message ("worst error %.3f of the tolerance", worst);
}

static void
test_layer_maxpool (gconstpointer data)
{
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("layers-parity.safetensors");
  const RlTensorView *input = fixture_tensor (st, "maxpool.", "layer.input");
  const RlTensorView *want_y = fixture_tensor (st, "maxpool.", "layer.output");
  int n = (int) input->shape[0], c = (int) input->shape[1];
  int h = (int) input->shape[2], w = (int) input->shape[3];
  g_autofree float *x = channel_major (input);
  g_autofree float *dy = channel_major (fixture_tensor (st, "maxpool.", "layer.dout"));
  g_autofree float *y = g_new (float, rl_tensor_view_numel (want_y));
  g_autofree float *dx = g_new0 (float, rl_tensor_view_numel (input));
  double worst;

  select_kernel (run->kernel);
  g_assert_cmpint (want_y->shape[2], ==, h / 2);
  rl_maxpool_forward (c, n, h, w, 2, x, y);
  worst = assert_close_channel_major ("maxpool output", y, want_y);
  rl_maxpool_backward (c, n, h, w, 2, x, y, dy, dx);
  worst = fmax (worst, assert_close_channel_major ("maxpool dinput", dx,
                                                  fixture_tensor (st, "maxpool.",
                                                                  "layer.dinput")));
  g_test_message ("worst error %.3f of the tolerance", worst);
}

static void
test_layer_linear (gconstpointer data)
{
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("layers-parity.safetensors");
  const RlTensorView *input = fixture_tensor (st, "linear.", "input");
  const RlTensorView *w = fixture_tensor (st, "linear.", "param.fc.weight");
  const RlTensorView *b = fixture_tensor (st, "linear.", "param.fc.bias");
  const RlTensorView *want_y = fixture_tensor (st, "linear.", "layer.output");
  const RlTensorView *dout = fixture_tensor (st, "linear.", "layer.dout");
  g_autofree uint8_t *labels = labels_from_view (fixture_tensor (st, "linear.", "labels"));
  int n = (int) input->shape[0], c = (int) input->shape[1];
  int hw = (int) (input->shape[2] * input->shape[3]);
  int d = c * hw, m = (int) w->shape[0];
  g_autofree float *x = channel_major (input);
  g_autofree float *rows = g_new (float, (size_t) n * d);
  g_autofree float *y = g_new (float, (size_t) n * m);
  g_autofree float *dlogits = g_new (float, (size_t) n * m);
  g_autofree float *drows = g_new0 (float, (size_t) n * d);
  g_autofree float *dx = g_new0 (float, (size_t) n * d);
  g_autofree float *dx_nchw = NULL;
  g_autofree float *dw = g_new0 (float, rl_tensor_view_numel (w));
  g_autofree float *db = g_new0 (float, rl_tensor_view_numel (b));
  double worst, loss;

  select_kernel (run->kernel);
  g_assert_cmpint (w->shape[1], ==, d);

  /* Flattening the channel-major activations must give PyTorch's x.view(N, -1) exactly. */
  rl_flatten_forward (c, n, hw, x, rows);
  g_assert_cmpmem (rows, sizeof (float) * n * d, input->data, sizeof (float) * n * d);

  rl_linear_forward (n, d, m, rows, w->data, b->data, y);
  worst = assert_close_view ("linear output", y, want_y);

  /* The upstream gradient of this case is the loss's: softmax cross-entropy must give it. */
  loss = rl_softmax_xent (n, m, y, labels, n, dlogits, NULL, NULL) / n;
  {
    float loss_f = (float) loss;
    worst = fmax (worst, assert_close ("xent loss", &loss_f,
                                      fixture_tensor (st, "linear.", "loss")->data, 1));
  }
  worst = fmax (worst, assert_close_view ("xent dlogits", dlogits, dout));

  rl_linear_backward (n, d, m, rows, w->data, dout->data, drows, dw, db);
  worst = fmax (worst, assert_close_view ("linear dweight", dw,
                                         fixture_tensor (st, "linear.", "grad.fc.weight")));
  worst = fmax (worst, assert_close_view ("linear dbias", db,
                                         fixture_tensor (st, "linear.", "grad.fc.bias")));
  rl_flatten_backward (c, n, hw, drows, dx);
  dx_nchw = transpose (dx, c * hw, n);
  worst = fmax (worst, assert_close_view ("linear dinput", dx_nchw,
                                         fixture_tensor (st, "linear.", "layer.dinput")));
  g_test_message ("worst error %.3f of the tolerance", worst);
}

static void
test_layer_gap (gconstpointer data)
{
  const ParityRun *run = data;
  g_autoptr(RlSafetensors) st = load_fixture ("layers-parity.safetensors");
  const RlTensorView *input = fixture_tensor (st, "gap.", "layer.input");
  const RlTensorView *want_y = fixture_tensor (st, "gap.", "layer.output");
  int n = (int) input->shape[0], c = (int) input->shape[1];
  int hw = (int) (input->shape[2] * input->shape[3]);
  g_autofree float *x = channel_major (input);
  g_autofree float *dy = channel_major (fixture_tensor (st, "gap.", "layer.dout"));
  g_autofree float *y = g_new (float, (size_t) c * n);
  g_autofree float *dx = g_new0 (float, rl_tensor_view_numel (input));
  double worst;

  select_kernel (run->kernel);
  g_assert_cmpuint (rl_tensor_view_numel (want_y), ==, (size_t) c * n);
  rl_gap_forward (c, n, hw, x, y);
  worst = assert_close_channel_major ("gap output", y, want_y);
  rl_gap_backward (c, n, hw, dy, dx);
  worst = fmax (worst, assert_close_channel_major ("gap dinput", dx,
                                                  fixture_tensor (st, "gap.", "layer.dinput")));
  g_test_message ("worst error %.3f of the tolerance", worst);
}

/* ---- registration ---------------------------------------------------------------------- */

static void
add_run (const char *path, RlGemmKernel kernel, int n_threads, const char *case_name,
         GTestDataFunc func)
{
  ParityRun *run = g_new0 (ParityRun, 1);

  run->kernel = kernel;
  run->n_threads = n_threads;
  run->case_name = g_strdup (case_name);
  g_test_add_data_func_full (path, run, func, parity_run_free);
}

int
main (int argc, char **argv)
{
  static const RlGemmKernel kernels[] = {
    RL_GEMM_KERNEL_PORTABLE, RL_GEMM_KERNEL_AVX2, RL_GEMM_KERNEL_AVX512,
  };
  static const struct {
    const char    *name;
    GTestDataFunc  func;
  } layer_tests[] = {
    { "conv", test_layer_conv },
    { "maxpool", test_layer_maxpool },
    { "linear", test_layer_linear },
    { "gap", test_layer_gap },
  };
  g_autoptr(RlSafetensors) layers = NULL;
  g_autoptr(RlSafetensors) cifar = NULL;
  g_auto(GStrv) cases = NULL;
  g_auto(GStrv) cifar_cases = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* The case list comes from the fixture, so a case added to gen-fixtures.py is tested. */
  layers = load_fixture ("layers-parity.safetensors");
  cases = g_strsplit (fixture_metadata (layers, "", "cases"), ",", -1);
  g_assert_cmpuint (g_strv_length (cases), >=, 5);
  cifar = load_fixture ("cifar-parity.safetensors");
  cifar_cases = g_strsplit (fixture_metadata (cifar, "", "cases"), ",", -1);
  g_assert_cmpuint (g_strv_length (cifar_cases), >=, 3);

  for (guint k = 0; k < G_N_ELEMENTS (kernels); k++)
    {
      const char *kname = rl_gemm_kernel_name (kernels[k]);

      /* A kernel this CPU cannot run is not registered (nothing to check), and said so. */
      if (!rl_gemm_kernel_supported (kernels[k]))
        {
          g_test_message ("GEMM kernel %s: not supported here, not tested", kname);
          continue;
        }
      /* 3, 4 and 8 threads: more than this machine's cores (#15), so oversubscribed here;
       * uneven slices, and with 8 a slice of one or two images */
      static const int thread_counts[] = { 1, 2, 3, 4, 8 };
      for (guint ti = 0; ti < G_N_ELEMENTS (thread_counts); ti++)
        {
          const int t = thread_counts[ti];
          g_autofree char *path = g_strdup_printf ("/engine/parity/%s/seed/threads%d", kname, t);

          add_run (path, kernels[k], t, NULL, test_seed);
          for (guint c = 0; cases[c] != NULL; c++)
            {
              g_autofree char *cpath = g_strdup_printf ("/engine/parity/%s/model/%s/threads%d",
                                                        kname, cases[c], t);

              add_run (cpath, kernels[k], t, cases[c], test_layer_model);
            }
          for (guint c = 0; cifar_cases[c] != NULL; c++)
            {
              g_autofree char *cpath = NULL;

              /* the CIFAR nets on the portable kernel are the slow runs: one thread count */
              if (t == 2 && kernels[k] == RL_GEMM_KERNEL_PORTABLE)
                continue;
              cpath = g_strdup_printf ("/engine/parity/%s/cifar/%s/threads%d", kname,
                                       cifar_cases[c], t);
              add_run (cpath, kernels[k], t, cifar_cases[c], test_cifar);
            }
        }
      for (guint l = 0; l < G_N_ELEMENTS (layer_tests); l++)
        {
          g_autofree char *path = g_strdup_printf ("/engine/parity/%s/layer/%s", kname,
                                                   layer_tests[l].name);

          add_run (path, kernels[k], 1, NULL, layer_tests[l].func);
        }
    }

  ret = g_test_run ();
  rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO);
  return ret;
}
