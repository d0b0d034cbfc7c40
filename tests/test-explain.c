/* test-explain.c: attributions (engine/rl-explain.h) and the per-image evaluation
 * (engine/rl-errors.h), on the committed MNIST fixture (tests/data/mnist-mini) and the bundled
 * seed model (resources/models/seed.safetensors).
 *
 * The input gradient is checked against central differences of the class logit (step
 * h = 1e-2, rl_model_predict in float32). The nets are piecewise linear (ReLU, max pooling), so
 * the check is made where the score is linear over [x - h, x + h], i.e. where the two one-sided
 * slopes agree to 1e-3: there the central difference is the derivative up to rounding,
 * eps_f32 * |z| / h ~ 1.2e-7 * 20 / 1e-2 ~ 2.4e-4, so each such pixel must agree within
 * 1e-3 + 2 % of |fd|. At least half the pixels must be checkable; the rest sit within h of
 * a kink. Two kinks within h whose slope changes cancel pass the one-sided test, so up to 1 %
 * of the checked pixels may still be off (in practice 0 or 1 pixel of 784).
 */

#include <glib.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "rl-arch.h"
#include "rl-error.h"
#include "rl-errors.h"
#include "rl-explain.h"
#include "rl-train.h"

#include "mnist-test-utils.h"

#define CHW (28 * 28)

static RlDataset *test_set;
static RlDataset *train_set;

static RlModel *
new_model (const char *arch_text, uint64_t seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse (arch_text, &error);
  RlModel *m;

  g_assert_no_error (error);
  m = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (m, seed);
  return m;
}

static RlModel *
load_seed_model (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                                 "seed.safetensors", NULL);
  RlModel *m = rl_model_load (path, NULL, &error);

  g_assert_no_error (error);
  return m;
}

static void
test_image (uint32_t i, float *x)
{
  rl_dataset_get_batch (test_set, &i, 1, x, NULL);
}

/* Compares @g with central differences of logit @k at @x, pixel by pixel, where the score is
 * linear over [x - h, x + h]: the two one-sided slopes agree (to 1e-3). *checked gets the share
 * of such pixels; returns the share of them where |fd - g| exceeds 1e-3 + 2 % of |fd|. */
static double
fd_compare (RlModel *m, const float *x, int k, const float *g, double *checked)
{
  const double h = 1e-2;
  g_autofree float *xs = g_new (float, (size_t) (2 * CHW + 1) * CHW);
  g_autofree float *z = g_new (float, (size_t) (2 * CHW + 1) * 10);
  int n_lin = 0, n_bad = 0;

  for (int j = 0; j < CHW; j++)
    {
      float *p = xs + (size_t) 2 * j * CHW, *q = p + CHW;
      memcpy (p, x, sizeof (float) * CHW);
      memcpy (q, x, sizeof (float) * CHW);
      p[j] += (float) h;
      q[j] -= (float) h;
    }
  memcpy (xs + (size_t) 2 * CHW * CHW, x, sizeof (float) * CHW);
  /* one batch, so every image goes through the same summation order */
  rl_model_predict (m, xs, 2 * CHW + 1, z);
  for (int j = 0; j < CHW; j++)
    {
      const double zp = z[(size_t) 2 * j * 10 + k], zm = z[(size_t) (2 * j + 1) * 10 + k];
      const double z0 = z[(size_t) 2 * CHW * 10 + k];
      const double right = (zp - z0) / h, left = (z0 - zm) / h, fd = (zp - zm) / (2 * h);

      if (fabs (right - left) > 1e-3)
        continue;   /* a kink within h */
      n_lin++;
      n_bad += fabs (fd - g[j]) > 1e-3 + 0.02 * fabs (fd);
    }
  *checked = (double) n_lin / CHW;
  return (double) n_bad / MAX (n_lin, 1);
}

static void
check_grad_fd (RlModel *m)
{
  g_autoptr (RlExplainer) ex = rl_explainer_new (m, 4);
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  float x[CHW], g[CHW], z[10], zp[10];

  for (uint32_t img = 0; img < 3; img++)
    {
      test_image (img, x);
      /* MNIST's blank background makes exact ties in every max pooling window, where the
       * score has a kink and a central difference averages the two one-sided slopes: noise
       * breaks the ties */
      for (int j = 0; j < CHW; j++)
        x[j] += (float) g_rand_double_range (rand, -0.3, 0.3);
      for (int k = 0; k < 10; k += 3)
        {
          double err, checked;

          rl_explainer_input_grad (ex, m, x, 1, k, g, z);
          rl_model_predict (m, x, 1, zp);
          for (int j = 0; j < 10; j++)
            g_assert_cmpfloat_with_epsilon (z[j], zp[j], 1e-4 * (1 + fabsf (zp[j])));
          err = fd_compare (m, x, k, g, &checked);
          g_test_message ("image %u class %d: %.1f %% of pixels away from kinks, "
                          "%.2f %% of them off", img, k, 100 * checked, 100 * err);
          g_assert_cmpfloat (checked, >=, 0.5);
          g_assert_cmpfloat (err, <=, 0.01);
        }
    }
}

static void
test_grad_fd_seed (void)
{
  g_autoptr (RlModel) m = load_seed_model ();
  check_grad_fd (m);
}

static void
test_grad_fd_random (void)
{
  g_autoptr (RlModel) m = new_model ("seed", 3);
  check_grad_fd (m);
}

/* Batch norm in evaluation mode: running statistics moved away from (0, 1) by a few training
 * steps, so the eval-mode backward (a per-channel affine map) is actually exercised. */
static void
test_grad_fd_bn (void)
{
  g_autoptr (RlModel) m = new_model ("conv1=conv(8,k=3) bn1=bn relu maxpool(2) "
                                     "r1=res(8,bn=1) r2=res(16,s=2,shortcut=A,bn=1) gap "
                                     "fc=linear(10)", 5);
  g_autofree float *xb = g_new (float, (size_t) 64 * CHW);
  uint8_t labels[64];
  uint32_t idx[64];

  for (int i = 0; i < 64; i++)
    idx[i] = (uint32_t) i;
  rl_dataset_get_batch (train_set, idx, 64, xb, labels);
  for (int s = 0; s < 5; s++)
    rl_model_forward_backward (m, xb, labels, 64, NULL);
  g_assert_cmpfloat (fabsf (rl_model_get_params (m)[rl_model_lookup_tensor (m, "bn1.running_mean")->offset]), >, 1e-4);
  check_grad_fd (m);
}

/* A batch gives each image the gradient it gets alone. */
static void
test_grad_batch (void)
{
  g_autoptr (RlModel) m = load_seed_model ();
  g_autoptr (RlExplainer) ex = rl_explainer_new (m, 2);
  float x[5 * CHW], g[5 * CHW], g1[CHW];

  for (uint32_t i = 0; i < 5; i++)
    test_image (i, x + i * CHW);
  rl_explainer_input_grad (ex, m, x, 5, 7, g, NULL);
  for (int i = 0; i < 5; i++)
    {
      rl_explainer_input_grad (ex, m, x + i * CHW, 1, 7, g1, NULL);
      for (int j = 0; j < CHW; j++)
        g_assert_cmpfloat_with_epsilon (g[i * CHW + j], g1[j], 1e-5);
    }
}

/* Integrated gradients' completeness: sum(a) = z_k(x) - z_k(blank) within 1 % at 64 steps. */
static void
test_ig_completeness (void)
{
  g_autoptr (RlModel) m = load_seed_model ();
  g_autoptr (RlExplainer) ex = rl_explainer_new (m, 32);
  const float blank = rl_explain_blank_value (test_set->mean, test_set->std);
  float x[CHW], a[CHW], z[10], zb;

  for (uint32_t img = 0; img < 10; img++)
    {
      int k;
      double sum = 0.0, diff;

      test_image (img, x);
      rl_model_predict (m, x, 1, z);
      k = rl_argmax (z, 10);
      rl_explainer_run (ex, m, RL_EXPLAIN_INTEGRATED, x, blank, k, 64, a, z, &zb);
      for (int j = 0; j < CHW; j++)
        sum += a[j];
      diff = (double) z[k] - zb;
      g_test_message ("image %u class %d: sum %.4f, z(x) - z(blank) %.4f (%.2f %%)", img, k,
                      sum, diff, 100 * fabs (sum - diff) / fabs (diff));
      g_assert_cmpfloat (fabs (sum - diff), <=, 0.01 * fabs (diff));
    }
}

/* Gradient x input is zero on the background (x = blank); occlusion is zero where every patch
 * that covers a pixel covers only background (up to rounding), and positive on the strokes of a confident digit. */
static void
test_background_zero (void)
{
  g_autoptr (RlModel) m = load_seed_model ();
  g_autoptr (RlExplainer) ex = rl_explainer_new (m, 64);
  const float blank = rl_explain_blank_value (test_set->mean, test_set->std);
  float x[CHW], a[CHW], z[10];
  double on_ink = 0.0;

  test_image (0, x);
  rl_model_predict (m, x, 1, z);
  rl_explainer_run (ex, m, RL_EXPLAIN_GRADIENT, x, blank, rl_argmax (z, 10), 0, a, NULL, NULL);
  for (int j = 0; j < CHW; j++)
    if (x[j] == blank)
      g_assert_cmpfloat (a[j], ==, 0.0f);

  rl_explainer_run (ex, m, RL_EXPLAIN_OCCLUSION, x, blank, rl_argmax (z, 10), 0, a, NULL, NULL);
  /* the top-left corner: MNIST digits never reach it. Not exactly 0: a batch of images sums
   * its GEMMs in another order than one image does */
  g_assert_cmpfloat (fabsf (a[0]), <, 1e-6f);
  for (int j = 0; j < CHW; j++)
    on_ink += a[j];
  g_assert_cmpfloat (on_ink, >, 0.0);
}

/* What the methods weigh is not a number: rl_explainer_run says so instead of handing back NaN
 * attributions to be painted as colours. A NaN in fc.bias[3] leaves z_3's gradient a number
 * (the bias does not enter it), but every probability NaN, which occlusion compares; a NaN
 * in the first convolution's weights reaches the gradient too. */
static void
test_not_a_number (void)
{
  g_autoptr (RlModel) m = load_seed_model ();
  g_autoptr (RlExplainer) ex = rl_explainer_new (m, 64);
  const float blank = rl_explain_blank_value (test_set->mean, test_set->std);
  float x[CHW], a[CHW];

  test_image (0, x);
  for (int method = RL_EXPLAIN_GRADIENT; method <= RL_EXPLAIN_OCCLUSION; method++)
    g_assert_true (rl_explainer_run (ex, m, method, x, blank, 7, 8, a, NULL, NULL));

  rl_model_get_params (m)[rl_model_lookup_tensor (m, "fc.bias")->offset + 3] = NAN;
  g_assert_true (rl_explainer_run (ex, m, RL_EXPLAIN_GRADIENT, x, blank, 3, 0, a, NULL, NULL));
  g_assert_true (rl_explainer_run (ex, m, RL_EXPLAIN_INTEGRATED, x, blank, 3, 8, a, NULL, NULL));
  g_assert_false (rl_explainer_run (ex, m, RL_EXPLAIN_OCCLUSION, x, blank, 3, 0, a, NULL,
                                    NULL));

  rl_model_get_params (m)[rl_model_lookup_tensor (m, "fc.bias")->offset + 3] = 0.0f;
  g_assert_true (rl_explainer_run (ex, m, RL_EXPLAIN_OCCLUSION, x, blank, 3, 0, a, NULL, NULL));
  rl_model_get_params (m)[rl_model_lookup_tensor (m, "conv1.weight")->offset + 12] = NAN;
  for (int method = RL_EXPLAIN_GRADIENT; method <= RL_EXPLAIN_OCCLUSION; method++)
    g_assert_false (rl_explainer_run (ex, m, method, x, blank, 7, 8, a, NULL, NULL));
}

static void
test_method_names (void)
{
  RlExplainMethod m;

  g_assert_true (rl_explain_method_from_name ("ig", &m));
  g_assert_cmpint (m, ==, RL_EXPLAIN_INTEGRATED);
  g_assert_true (rl_explain_method_from_name ("occlusion", &m));
  g_assert_cmpint (m, ==, RL_EXPLAIN_OCCLUSION);
  g_assert_false (rl_explain_method_from_name ("saliency", &m));
  g_assert_cmpfloat_with_epsilon (rl_explain_blank_value (0.1307f, 0.3081f), -0.4242f, 1e-4);
}

/* The report agrees with rl_evaluate; cells list their images most confident first. */
static void
test_error_report (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) m = load_seed_model ();
  g_autoptr (RlErrorReport) r = NULL;
  uint32_t confusion[100] = { 0 };
  RlEvalResult res;
  uint64_t total = 0;
  guint n_mis = 0, n_cell;
  g_autofree uint32_t *mis = NULL;

  g_assert_true (rl_evaluate (m, test_set, test_set->n, 0, 0, confusion, NULL, &res, &error));
  r = rl_error_report_compute (m, test_set, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n, ==, test_set->n);
  g_assert_cmpuint (r->correct, ==, res.correct);
  g_assert_cmpmem (r->confusion, sizeof confusion, confusion, sizeof confusion);
  for (int i = 0; i < 100; i++)
    total += r->confusion[i];
  g_assert_cmpuint (total, ==, test_set->n);

  mis = rl_error_report_mistakes (r, &n_mis);
  g_assert_cmpuint (n_mis, ==, r->n - r->correct);
  for (guint i = 1; i < n_mis; i++)
    g_assert_cmpfloat (r->confidence[mis[i - 1]], >=, r->confidence[mis[i]]);

  for (int t = 0; t < 10; t++)
    for (int p = 0; p < 10; p++)
      {
        g_autofree uint32_t *cell = rl_error_report_cell (r, t, p, &n_cell);
        g_assert_cmpuint (n_cell, ==, r->confusion[t * 10 + p]);
        for (guint i = 0; i < n_cell; i++)
          {
            g_assert_cmpuint (r->labels[cell[i]], ==, t);
            g_assert_cmpuint (r->predicted[cell[i]], ==, p);
            g_assert_cmpfloat (r->confidence[cell[i]], >, 0.0f);
            g_assert_cmpfloat (r->confidence[cell[i]], <=, 1.0f);
          }
      }
  for (int k = 0; k < 10; k++)
    {
      double rec = rl_error_report_recall (r, k);
      if (!isnan (rec))
        g_assert_cmpfloat (rec, <=, 1.0);
    }

  /* a set that does not fit the model */
  {
    g_autoptr (RlModel) m3 = NULL;
    g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
    g_autoptr (RlErrorReport) bad = NULL;

    m3 = rl_model_new (arch, 1, 32, 32, 10, NULL);
    bad = rl_error_report_compute (m3, test_set, 0, NULL, &error);
    g_assert_null (bad);
    g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  }
}

/* Precision and recall as the Errors view and `eval --errors` write them: one decimal,
 * whole and empty scores only when they are. */
/* A model whose probabilities are NaN (the seed with a NaN in fc.bias[3]: every image read as
 * 3, torch.argmax's class) lists each cell's images, and the mistakes, by index: NaN is no
 * confidence to order by, and compared as one it gave an order of the sort's chance. */
static void
test_error_report_nan (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) m = load_seed_model ();
  g_autoptr (RlErrorReport) r = NULL;
  g_autofree uint32_t *mis = NULL;
  guint n_mis = 0;

  rl_model_get_params (m)[rl_model_lookup_tensor (m, "fc.bias")->offset + 3] = NAN;
  r = rl_error_report_compute (m, test_set, 0, NULL, &error);
  g_assert_no_error (error);
  for (uint32_t i = 0; i < r->n; i++)
    {
      g_assert_cmpuint (r->predicted[i], ==, 3);
      g_assert_true (isnan (r->confidence[i]));
    }
  mis = rl_error_report_mistakes (r, &n_mis);
  g_assert_cmpuint (n_mis, ==, r->n - r->correct);
  g_assert_cmpuint (n_mis, >, 2);
  for (guint i = 1; i < n_mis; i++)
    g_assert_cmpuint (mis[i - 1], <, mis[i]);
  for (int t = 0; t < 10; t++)
    {
      guint n_cell;
      g_autofree uint32_t *cell = rl_error_report_cell (r, t, 3, &n_cell);

      for (guint i = 1; i < n_cell; i++)
        g_assert_cmpuint (cell[i - 1], <, cell[i]);
    }

  /* numbers among NaNs (a model that overflows on some images only): numbers first, most
   * confident first, then the NaNs by index */
  for (guint i = 0; i < n_mis; i += 2)
    r->confidence[mis[i]] = 0.25f + 0.5f * (float) i / (float) n_mis;
  g_clear_pointer (&mis, g_free);
  mis = rl_error_report_mistakes (r, &n_mis);
  for (guint i = 0; i < n_mis; i++)
    if (i < (n_mis + 1) / 2)
      {
        g_assert_false (isnan (r->confidence[mis[i]]));
        if (i > 0)
          g_assert_cmpfloat (r->confidence[mis[i - 1]], >, r->confidence[mis[i]]);
      }
    else
      {
        g_assert_true (isnan (r->confidence[mis[i]]));
        if (i > (n_mis + 1) / 2)
          g_assert_cmpuint (mis[i - 1], <, mis[i]);
      }
}

static void
test_error_format_share (void)
{
  static const struct { double share; const char *text; } cases[] = {
    { 1.0, "100.0" }, { 0.0, "0.0" }, { 0.997, "99.7" }, { 0.99, "99.0" }, { 0.5, "50.0" },
    { 1133.0 / 1135.0, "99.8" },
    { 0.9996, "99.9" },      /* not a "100.0" that is not there */
    { 0.99951, "99.9" },
    { 0.0004, "0.1" },       /* nor a "0.0" */
    { 0.00051, "0.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = rl_error_report_format_share (cases[i].share);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  {
    g_autofree char *text = rl_error_report_format_share (NAN);

    g_assert_cmpstr (text, ==, "–");
  }
}

/* A class probability as every view writes it (Draw's bars and sentence, Number, Errors, Your
 * Digits): a softmax of 0.99996 is not a "100.0 %" certainty, nor 0.00004 a "0.0 %"
 * impossibility. */
static void
test_format_probability (void)
{
  static const struct { double p; int decimals; const char *text; } cases[] = {
    { 1.0, 1, "100.0" }, { 0.0, 1, "0.0" }, { 0.96, 1, "96.0" }, { 0.5, 1, "50.0" },
    { 0.9994, 1, "99.9" }, { 0.99949, 1, "99.9" },
    { 0.99996, 1, ">99.9" }, { 0.99951, 1, ">99.9" }, { 0.9999999, 1, ">99.9" },
    { 0.00004, 1, "<0.1" }, { 0.00049, 1, "<0.1" }, { 1e-30, 1, "<0.1" },
    { 0.00051, 1, "0.1" }, { 0.0006, 1, "0.1" },
    { -1e-9, 1, "0.0" }, { 1.0000001, 1, "100.0" },     /* outside [0, 1]: the bound */
    { 1.0, 0, "100" }, { 0.0, 0, "0" }, { 0.97, 0, "97" }, { 0.994, 0, "99" },
    { 0.996, 0, ">99" }, { 0.004, 0, "<1" }, { 0.006, 0, "1" },
    { 0.99996, 2, ">99.99" }, { 0.99994, 2, "99.99" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = rl_format_probability (cases[i].p, cases[i].decimals);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  {
    /* what a softmax hands over: a float */
    g_autofree char *sure = rl_format_probability (0.99996f, 1);
    g_autofree char *unsure = rl_format_probability (0.00004f, 1);
    g_autofree char *nan_text = rl_format_probability (NAN, 1);

    g_assert_cmpstr (sure, ==, ">99.9");
    g_assert_cmpstr (unsure, ==, "<0.1");
    g_assert_cmpstr (nan_text, ==, "–");
  }
  /* the locale's decimal separator, in the number and in its bound */
  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL)
    {
      g_autofree char *sure = rl_format_probability (0.99996, 1);
      g_autofree char *some = rl_format_probability (0.4253, 1);
      g_autofree char *unsure = rl_format_probability (0.00004, 1);

      setlocale (LC_NUMERIC, "C");
      g_assert_cmpstr (sure, ==, ">99,9");
      g_assert_cmpstr (some, ==, "42,5");
      g_assert_cmpstr (unsure, ==, "<0,1");
    }
  else
    g_test_message ("no de_DE.UTF-8 locale: the decimal comma is not checked");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  test_set = mnist_test_load (RL_SPLIT_TEST);
  train_set = mnist_test_load (RL_SPLIT_TRAIN);

  g_test_add_func ("/engine/explain/method-names", test_method_names);
  g_test_add_func ("/engine/explain/grad-fd/seed-model", test_grad_fd_seed);
  g_test_add_func ("/engine/explain/grad-fd/random-seed-arch", test_grad_fd_random);
  g_test_add_func ("/engine/explain/grad-fd/batch-norm", test_grad_fd_bn);
  g_test_add_func ("/engine/explain/grad-batch", test_grad_batch);
  g_test_add_func ("/engine/explain/ig-completeness", test_ig_completeness);
  g_test_add_func ("/engine/explain/background-zero", test_background_zero);
  g_test_add_func ("/engine/explain/not-a-number", test_not_a_number);
  g_test_add_func ("/engine/errors/report", test_error_report);
  g_test_add_func ("/engine/errors/report-nan", test_error_report_nan);
  g_test_add_func ("/engine/errors/format-share", test_error_format_share);
  g_test_add_func ("/engine/errors/format-probability", test_format_probability);
  ret = g_test_run ();
  rl_dataset_unref (test_set);
  rl_dataset_unref (train_set);
  return ret;
}
