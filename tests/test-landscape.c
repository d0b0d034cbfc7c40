/* test-landscape.c: the loss landscape (rl-landscape.h) on the committed MNIST fixture
 * (tests/data/mnist-mini, 640 training images).
 *
 * The centre of the grid is the model's own loss on the subset, computed here independently
 * from rl_model_predict's logits; filter normalisation gives each filter of a direction the
 * norm of the weight's filter, and every other tensor a zero direction; a seed gives the same
 * directions every time and for both twins; the straight line from the initial weights ends at
 * the two nets; bad input is refused with the exact error code. The initial weights' file:
 * its name beside the model, written by rl_landscape_save_initial, named in the model's
 * metadata by rl_landscape_name_initial and found again by rl_landscape_load_initial.
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-landscape.h"
#include "rl-model.h"

#include "landscape-test-utils.h"
#include "mnist-test-utils.h"

#define N_IMAGES 200

static RlDataset *train_set;

static void
test_centre (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 5);
  g_autoptr(RlLandscape) ls = NULL;
  double ref, ref_acc, loss, acc, grid_loss[9], grid_acc[9];

  mnist_test_train_a_little (model, train_set, 64);
  ref = landscape_test_reference_loss (model, train_set, N_IMAGES, &ref_acc);
  g_test_message ("reference loss %.9f, accuracy %.3f", ref, ref_acc);
  g_assert_true (isfinite (ref) && ref > 0.0);

  ls = rl_landscape_new (model, train_set, N_IMAGES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rl_landscape_get_n_images (ls), ==, N_IMAGES);
  rl_landscape_set_random_directions (ls, 1);
  rl_landscape_eval (ls, 0.0, 0.0, &loss, &acc);
  g_assert_cmpfloat_with_epsilon (loss, ref, 1e-9 * ref);
  g_assert_cmpfloat (acc, ==, ref_acc);

  /* the middle of an odd grid is (0, 0); the corners are not the centre */
  g_assert_true (rl_landscape_grid (ls, 3, 0.5, grid_loss, grid_acc, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (grid_loss[4], ref, 1e-9 * ref);
  g_assert_cmpfloat (grid_acc[4], ==, ref_acc);
  for (int k = 0; k < 9; k++)
    {
      g_assert_true (isfinite (grid_loss[k]));
      g_assert_true (grid_acc[k] >= 0.0 && grid_acc[k] <= 1.0);
      if (k != 4)
        g_assert_cmpfloat (fabs (grid_loss[k] - ref), >, 1e-6);
    }
  /* each grid point is the point evaluated on its own: (alpha, beta) = (0.5, -0.5) is k = 2 */
  rl_landscape_eval (ls, 0.5, -0.5, &loss, NULL);
  g_assert_cmpfloat (loss, ==, grid_loss[2]);
  /* and the grid leaves nothing behind: the centre again */
  rl_landscape_eval (ls, 0.0, 0.0, &loss, NULL);
  g_assert_cmpfloat_with_epsilon (loss, ref, 1e-9 * ref);
}

static double
filter_norm (const float *v, size_t n)
{
  double s = 0.0;

  for (size_t j = 0; j < n; j++)
    s += (double) v[j] * v[j];
  return sqrt (s);
}

static void
check_normalised (RlModel *model, const float *dir)
{
  const float *w = rl_model_get_params_const (model);
  guint n_weights = 0;

  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);
      const float *d = dir + info->offset;

      if (info->role == RL_PARAM_WEIGHT)
        {
          /* conv (Co, Ci, K, K): Co filters; linear (P, In): P rows */
          size_t nf = (size_t) info->shape[0], fs = info->numel / nf;

          g_assert_cmpint (info->ndim, >=, 2);
          n_weights++;
          for (size_t f = 0; f < nf; f++)
            {
              double dn = filter_norm (d + f * fs, fs);
              double wn = filter_norm (w + info->offset + f * fs, fs);

              g_assert_cmpfloat (wn, >, 0.0);
              if (fabs (dn - wn) > 1e-5 * wn)
                g_error ("%s filter %zu: direction norm %g, weight norm %g", info->name, f,
                         dn, wn);
            }
        }
      else
        {
          /* biases, batch norm's weight, bias and buffers stay where they are */
          for (size_t j = 0; j < info->numel; j++)
            if (d[j] != 0.0f)
              g_error ("%s[%zu]: direction %g, expected 0", info->name, j, d[j]);
        }
    }
  g_assert_cmpuint (n_weights, ==, 8);   /* resnet-8: 7 convs and the linear layer */
}

static void
test_filter_normalised (void)
{
  g_autoptr(RlModel) model = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 7);
  g_autofree float *d = g_new (float, rl_model_get_n_params (model));
  const RlParamInfo *bn;

  /* batch norm's gamma and beta now differ from 1 and 0 */
  mnist_test_train_a_little (model, train_set, 64);
  bn = rl_model_lookup_tensor (model, "bn1.weight");
  g_assert_nonnull (bn);
  g_assert_cmpint (bn->role, ==, RL_PARAM_BN_WEIGHT);
  for (guint which = 0; which < 2; which++)
    {
      rl_landscape_direction (model, 42, which, d);
      check_normalised (model, d);
    }

  /* without batch norm: any bias gets a zero direction too */
  {
    g_autoptr(RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, FALSE, 7);
    g_autofree float *dp = g_new (float, rl_model_get_n_params (plain));

    rl_landscape_direction (plain, 42, 0, dp);
    check_normalised (plain, dp);
  }
}

static void
test_seeds (void)
{
  g_autoptr(RlModel) model = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 3);
  size_t n = rl_model_get_n_params (model);
  g_autofree float *a = g_new (float, n);
  g_autofree float *b = g_new (float, n);
  g_autofree float *c = g_new (float, n);
  g_autofree float *d = g_new (float, n);
  g_autoptr(RlLandscape) ls = NULL;
  g_autoptr(GError) error = NULL;

  rl_landscape_direction (model, 11, 0, a);
  rl_landscape_direction (model, 11, 0, b);
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  rl_landscape_direction (model, 12, 0, c);
  g_assert_true (memcmp (a, c, n * sizeof (float)) != 0);
  rl_landscape_direction (model, 11, 1, d);
  g_assert_true (memcmp (a, d, n * sizeof (float)) != 0);

  /* the evaluator's directions are the same functions of the seed */
  ls = rl_landscape_new (model, train_set, 10, &error);
  g_assert_no_error (error);
  rl_landscape_set_random_directions (ls, 11);
  g_assert_cmpmem (rl_landscape_get_direction (ls, 0), n * sizeof (float), a, n * sizeof (float));
  g_assert_cmpmem (rl_landscape_get_direction (ls, 1), n * sizeof (float), d, n * sizeof (float));
  /* ... also after an evaluation moved the copy's weights */
  rl_landscape_eval (ls, 0.3, 0.2, NULL, NULL);
  rl_landscape_set_random_directions (ls, 11);
  g_assert_cmpmem (rl_landscape_get_direction (ls, 0), n * sizeof (float), a, n * sizeof (float));
}

/* plain-8 and resnet-8 (option A) from the same seed: the same table, the same weights, so the
 * same directions; option B's residual twin shares every tensor but its projections. */
static void
test_twins_share (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 9);
  g_autoptr(RlModel) res = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 9);
  g_autoptr(RlModel) res_b = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_B, TRUE, 9);
  g_autoptr(RlModel) plain_b = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_B, TRUE, 9);
  size_t n = rl_model_get_n_params (plain);
  g_autofree float *dp = g_new (float, n);
  g_autofree float *dr = g_new (float, n);
  g_autofree float *dpb = NULL;
  g_autofree float *drb = NULL;
  guint shared = 0;

  g_assert_cmpuint (rl_model_get_n_params (res), ==, n);
  g_assert_true (rl_landscape_check_pair (plain, res, &error));
  g_assert_no_error (error);
  for (guint which = 0; which < 2; which++)
    {
      rl_landscape_direction (plain, 5, which, dp);
      rl_landscape_direction (res, 5, which, dr);
      g_assert_cmpmem (dp, n * sizeof (float), dr, n * sizeof (float));
    }

  /* option B: copy the shared weights as the experiment does (rl-experiment.c), then every
   * shared tensor has the same direction */
  g_assert_true (rl_landscape_check_pair (plain_b, res_b, &error));
  g_assert_no_error (error);
  for (guint t = 0; t < rl_model_get_n_tensors (plain_b); t++)
    {
      const RlParamInfo *a = rl_model_get_tensor_info (plain_b, t);
      const RlParamInfo *b = rl_model_lookup_tensor (res_b, a->name);

      memcpy (rl_model_get_params (res_b) + b->offset,
              rl_model_get_params_const (plain_b) + a->offset, sizeof (float) * a->numel);
    }
  dpb = g_new (float, rl_model_get_n_params (plain_b));
  drb = g_new (float, rl_model_get_n_params (res_b));
  rl_landscape_direction (plain_b, 5, 0, dpb);
  rl_landscape_direction (res_b, 5, 0, drb);
  for (guint t = 0; t < rl_model_get_n_tensors (plain_b); t++)
    {
      const RlParamInfo *a = rl_model_get_tensor_info (plain_b, t);
      const RlParamInfo *b = rl_model_lookup_tensor (res_b, a->name);

      g_assert_cmpmem (dpb + a->offset, a->numel * sizeof (float), drb + b->offset,
                       b->numel * sizeof (float));
      shared++;
    }
  g_assert_cmpuint (shared, <, rl_model_get_n_tensors (res_b));
}

static void
test_interpolate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) initial = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 4);
  g_autoptr(RlModel) model = rl_model_copy (initial);
  g_autoptr(RlLandscape) ls = NULL;
  const double t[] = { 0.0, 0.5, 1.0, 1.25 };
  double loss[4], acc[4], ref1, ref0, a;

  mnist_test_train_a_little (model, train_set, 64);
  ref1 = landscape_test_reference_loss (model, train_set, N_IMAGES, &a);
  ref0 = landscape_test_reference_loss (initial, train_set, N_IMAGES, &a);
  ls = rl_landscape_new (model, train_set, N_IMAGES, &error);
  g_assert_no_error (error);
  g_assert_true (rl_landscape_interpolate (ls, initial, t, G_N_ELEMENTS (t), loss, acc, &error));
  g_assert_no_error (error);
  g_test_message ("line: %.4f %.4f %.4f %.4f (initial %.4f, trained %.4f)", loss[0], loss[1],
                  loss[2], loss[3], ref0, ref1);
  g_assert_cmpfloat_with_epsilon (loss[2], ref1, 1e-9 * ref1);
  /* w1 + (0 - 1)(w1 - w0) is w0 up to float rounding */
  g_assert_cmpfloat_with_epsilon (loss[0], ref0, 1e-4 * ref0);
  g_assert_true (isfinite (loss[1]) && isfinite (loss[3]));
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) res8 = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 1);
  g_autoptr(RlModel) res20 = landscape_test_cifar_model (20, TRUE, RL_SHORTCUT_A, TRUE, 1);
  g_autoptr(RlModel) nobn = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, FALSE, 1);
  g_autoptr(RlArch) seed_arch = rl_arch_parse ("seed", &error);
  g_autoptr(RlModel) seed = NULL;
  g_autoptr(RlLandscape) ls = NULL;
  double loss[4], t = 0.5;
  const double bad_ranges[] = { 0.0, -1.0, NAN, INFINITY };

  g_assert_no_error (error);
  seed = rl_model_new_mnist (seed_arch, &error);
  g_assert_no_error (error);

  /* mismatched models */
  g_assert_false (rl_landscape_check_pair (res8, res20, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (rl_landscape_check_pair (res20, res8, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (rl_landscape_check_pair (seed, res8, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (rl_landscape_check_pair (res8, nobn, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);

  /* the subset */
  g_assert_null (rl_landscape_new (res8, train_set, 0, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (rl_landscape_new (res8, train_set, train_set->n + 1, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  ls = rl_landscape_new (res8, train_set, 8, &error);
  g_assert_no_error (error);
  rl_landscape_set_random_directions (ls, 1);
  /* grid < 2 or too large */
  for (int grid = -1; grid < 2; grid++)
    {
      g_assert_false (rl_landscape_grid (ls, grid, 1.0, loss, NULL, NULL, &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_false (rl_landscape_grid (ls, RL_LANDSCAPE_MAX_GRID + 1, 1.0, loss, NULL, NULL,
                                     &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* range <= 0 or not finite */
  for (guint k = 0; k < G_N_ELEMENTS (bad_ranges); k++)
    {
      g_assert_false (rl_landscape_grid (ls, 2, bad_ranges[k], loss, NULL, NULL, &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  /* a cancelled grid */
  {
    g_autoptr(GCancellable) cancel = g_cancellable_new ();

    g_cancellable_cancel (cancel);
    g_assert_false (rl_landscape_grid (ls, 2, 1.0, loss, NULL, cancel, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  /* initial weights of another net */
  g_assert_false (rl_landscape_interpolate (ls, res20, &t, 1, loss, NULL, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (rl_landscape_interpolate (ls, nobn, &t, 1, loss, NULL, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);
}

/* The grid's coordinates: one formula for the engine, the runner and the CLI, that never
 * overflows, and ranges whose grid the float weights cannot be moved on refused. */
static void
test_grid_range (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) res8 = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 1);
  g_autoptr(RlLandscape) ls = NULL;
  const double ranges[] = { 1e-30, 0.3, 0.5, 1.0, 1.7, 1e38, 1e308, DBL_MAX };
  const double bad_ranges[] = { 1e308, DBL_MAX, 1e39, 1e-44, 1e-300, 4.9e-324 };
  double loss[9];

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      double range = ranges[r];

      /* the ends exactly -range and range, the middle exactly 0, every point finite */
      for (int grid = 2; grid <= 31; grid++)
        {
          g_assert_cmpfloat (rl_landscape_grid_coordinate (grid, range, 0), ==, -range);
          g_assert_cmpfloat (rl_landscape_grid_coordinate (grid, range, grid - 1), ==, range);
          if (grid % 2 == 1)
            g_assert_cmpfloat (rl_landscape_grid_coordinate (grid, range, grid / 2), ==, 0.0);
          for (int i = 0; i < grid; i++)
            {
              double c = rl_landscape_grid_coordinate (grid, range, i);

              g_assert_true (isfinite (c));
              g_assert_cmpfloat (c, ==, -rl_landscape_grid_coordinate (grid, range,
                                                                      grid - 1 - i));
            }
        }
      /* a coarser grid nested in a finer one (every s-th point) has the same coordinates,
       * bit for bit: the runner's refinements reuse the points of the coarser levels */
      for (int fine = 3; fine <= RL_LANDSCAPE_MAX_GRID; fine += 2)
        for (int s = 2; s <= fine - 1; s++)
          {
            if ((fine - 1) % s != 0 || (fine > 101 && s != 2 && s != 3 && s != 5))
              continue;
            for (int k = 0; k <= (fine - 1) / s; k++)
              g_assert_cmpfloat (rl_landscape_grid_coordinate (fine, range, k * s), ==,
                                 rl_landscape_grid_coordinate ((fine - 1) / s + 1, range, k));
          }
    }

  /* the grids the weights (floats) can be moved on, and those they cannot */
  g_assert_true (rl_landscape_check_grid (RL_LANDSCAPE_MAX_GRID, 1.0, &error));
  g_assert_no_error (error);
  g_assert_true (rl_landscape_check_grid (3, 1e38, &error));
  g_assert_no_error (error);
  g_assert_true (rl_landscape_check_grid (31, 1e-40, &error));
  g_assert_no_error (error);
  g_assert_false (rl_landscape_check_grid (1, 1.0, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (rl_landscape_check_grid (3, INFINITY, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  ls = rl_landscape_new (res8, train_set, 8, &error);
  g_assert_no_error (error);
  rl_landscape_set_random_directions (ls, 1);
  for (guint k = 0; k < G_N_ELEMENTS (bad_ranges); k++)
    {
      g_assert_false (rl_landscape_check_grid (31, bad_ranges[k], &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
      g_test_message ("%g: %s", bad_ranges[k], error->message);
      g_clear_error (&error);
      g_assert_false (rl_landscape_grid (ls, 31, bad_ranges[k], loss, NULL, NULL, &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  /* too small for many points, not for few */
  g_assert_true (rl_landscape_check_grid (3, 1e-44, &error));
  g_assert_no_error (error);

  /* the weights w + alpha d1 + beta d2 as floats: they hold the trained weights w up to a range
   * of about 3e6 (the step's rounding, FLT_EPSILON times it, below w); beyond, the loss would
   * be the directions' alone (1e10 to 1e30 gave meaningless losses), and is refused with the
   * largest usable range, the same for the model without a dataset */
  g_assert_true (rl_landscape_check_range (ls, 1e5, &error));
  g_assert_no_error (error);
  g_assert_true (rl_landscape_check_model_range (res8, 1, 1e5, &error));
  g_assert_no_error (error);
  {
    const double far[] = { 1e7, 1e10, 1e30, 1e38 };

    for (guint k = 0; k < G_N_ELEMENTS (far); k++)
      {
        g_autofree char *said = g_strdup_printf ("a range of %g moves the weights so far", far[k]);

        g_assert_false (rl_landscape_check_range (ls, far[k], &error));
        g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
        g_test_message ("%s", error->message);
        g_assert_true (g_str_has_prefix (error->message, said));
        g_assert_true (g_str_has_suffix (error->message, "the largest usable range is 3e+06"));
        g_clear_error (&error);
        g_assert_false (rl_landscape_check_model_range (res8, 1, far[k], &error));
        g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
        g_assert_true (g_str_has_suffix (error->message, "the largest usable range is 3e+06"));
        g_clear_error (&error);
        g_assert_false (rl_landscape_grid (ls, 3, far[k], loss, NULL, NULL, &error));
        g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
        g_clear_error (&error);
      }
    /* the largest said is itself usable */
    g_assert_true (rl_landscape_check_range (ls, 3e6, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&ls, rl_landscape_free);
  for (size_t k = 0; k < rl_model_get_n_params (res8); k++)
    rl_model_get_params (res8)[k] *= 1000.0f;
  ls = rl_landscape_new (res8, train_set, 8, &error);
  g_assert_no_error (error);
  rl_landscape_set_random_directions (ls, 1);
  g_assert_false (rl_landscape_check_range (ls, 1e38, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (rl_landscape_grid (ls, 3, 1e38, loss, NULL, NULL, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

static void
test_initial_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 21);
  g_autoptr(RlModel) initial = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 7);
  g_autoptr(RlModel) loaded = NULL;
  g_autoptr(RlModel) m = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autoptr(GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  g_autofree char *dir = g_dir_make_tmp ("reslab-initial-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "run.safetensors", NULL);
  g_autofree char *initial_path = rl_landscape_initial_path (path);
  g_autofree char *a = rl_landscape_initial_path ("runs/a.safetensors");
  g_autofree char *b = rl_landscape_initial_path ("model.bin");

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "runs/a.initial.safetensors");
  g_assert_cmpstr (b, ==, "model.bin.initial.safetensors");
  g_assert_true (g_str_has_suffix (initial_path, "/run.initial.safetensors"));

  g_assert_true (rl_landscape_save_initial (initial, path, RL_DATASET_FASHION, 7, &error));
  g_assert_no_error (error);
  rl_landscape_name_initial (metadata, path);
  g_assert_cmpstr (g_hash_table_lookup (metadata, "initial"), ==, "run.initial.safetensors");
  g_assert_true (rl_model_save (model, path, metadata, &error));
  g_assert_no_error (error);

  /* the initial file's own metadata, and the weights found again from the model's file */
  m = rl_model_load (initial_path, &st, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "dataset"), ==, "fashion");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "epochs"), ==, "0");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "seed"), ==, "7");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "initial_of"), ==, "run.safetensors");
  g_clear_pointer (&st, rl_safetensors_free);
  /* they are the model's, by their own metadata or by the model's; not another model's */
  g_assert_true (rl_landscape_is_initial_of (initial_path, path));
  g_assert_false (rl_landscape_is_initial_of (initial_path, "elsewhere/other.safetensors"));
  g_assert_false (rl_landscape_is_initial_of (path, path));
  g_clear_pointer (&m, rl_model_free);
  m = rl_model_load (path, &st, &error);
  g_assert_no_error (error);
  loaded = rl_landscape_load_initial (path, st, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpmem (rl_model_get_params_const (loaded),
                   rl_model_get_n_params (loaded) * sizeof (float),
                   rl_model_get_params_const (initial),
                   rl_model_get_n_params (initial) * sizeof (float));

  g_assert_cmpint (g_unlink (initial_path), ==, 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  train_set = landscape_test_load_train ();
  g_assert_cmpuint (train_set->n, ==, 640);

  g_test_add_func ("/engine/landscape/centre", test_centre);
  g_test_add_func ("/engine/landscape/filter-normalised", test_filter_normalised);
  g_test_add_func ("/engine/landscape/seeds", test_seeds);
  g_test_add_func ("/engine/landscape/twins-share", test_twins_share);
  g_test_add_func ("/engine/landscape/interpolate", test_interpolate);
  g_test_add_func ("/engine/landscape/bad-input", test_bad_input);
  g_test_add_func ("/engine/landscape/grid-range", test_grid_range);
  g_test_add_func ("/engine/landscape/initial-file", test_initial_file);
  ret = g_test_run ();
  rl_dataset_unref (train_set);
  return ret;
}
