/* test-teach-mnist.c: "Learn from my digits" measured on real MNIST (slow suite; needs the data
 * in ~/.local/share/reslab/mnist, ./dev.sh data).
 *
 * 20 digits in a deliberately unusual style, made reproducibly: MNIST test digits sheared
 * strongly to the left (x' = x - 0.55 (y - 14), a backhand) and thickened (a 3 x 3 maximum),
 * then preprocessed as the app preprocesses a drawing; of those, the first two of each class
 * that the bundled seed net reads wrongly. The model is taught them (rl_teach, the defaults:
 * 80 steps, 10 copies of each digit, 4000 MNIST training images replayed), and then:
 *   - each of the 20 must be read correctly;
 *   - MNIST test accuracy must fall by at most 0.2 points;
 * and, for the record, the same style on 1000 other test digits, before and after.
 * Figures go to stderr as "# ..." lines (README.md, "Learn from my digits").
 */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-dataset.h"
#include "rl-preprocess.h"
#include "rl-teach.h"
#include "rl-train.h"
#include "rl-userset.h"

#define SIDE RL_MNIST_SIDE
#define SHEAR (-0.55)
#define N_MINE 20
#define N_STYLED 1000

/* The unusual style. src: (28, 28) bytes; out: (28, 28) bytes, preprocessed as MNIST. */
static void
backhand (const uint8_t *src, uint8_t *out)
{
  const int W = 48;   /* room for the shear */
  float wide[SIDE * 48] = { 0 }, thick[SIDE * 48] = { 0 }, pre[SIDE * SIDE];

  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < W; x++)
      {
        /* sample the source at x_src = x - 10 - SHEAR (y - 14), linearly */
        double xs = x - 10 - SHEAR * (y - 14);
        int x0 = (int) floor (xs);
        double f = xs - x0, v = 0.0;

        if (x0 >= 0 && x0 < SIDE)
          v += (1 - f) * src[y * SIDE + x0];
        if (x0 + 1 >= 0 && x0 + 1 < SIDE)
          v += f * src[y * SIDE + x0 + 1];
        wide[y * W + x] = (float) (v / 255.0);
      }
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < W; x++)
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          if (y + dy >= 0 && y + dy < SIDE && x + dx >= 0 && x + dx < W)
            thick[y * W + x] = MAX (thick[y * W + x], wide[(y + dy) * W + x + dx]);
  rl_preprocess_digit (thick, W, SIDE, W, 0.1f, pre);
  for (int i = 0; i < SIDE * SIDE; i++)
    out[i] = (uint8_t) lrintf (CLAMP (pre[i], 0.0f, 1.0f) * 255.0f);
}

static double
accuracy (RlModel *m, const RlDataset *ds)
{
  RlEvalResult r;
  g_autoptr(GError) error = NULL;

  g_assert_true (rl_evaluate (m, ds, ds->n, 0, 0, NULL, NULL, &r, &error));
  g_assert_no_error (error);
  return 100.0 * r.correct / ds->n;
}

static void
test_teach_backhand (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                                       "seed.safetensors", NULL);
  g_autoptr(RlModel) model = rl_model_load (model_path, NULL, &error);
  g_autoptr(RlDataset) train = NULL;
  g_autoptr(RlDataset) test = NULL;
  g_autoptr(RlDataset) styled = NULL;
  g_autoptr(RlDataset) mine = NULL;
  g_autoptr(RlModel) taught = NULL;
  g_autoptr(RlTeachReport) rep = NULL;
  g_autofree uint8_t *pred = NULL;
  g_autofree char *dir = NULL;
  guint per_class[10] = { 0 }, n_mine = 0;
  uint32_t source[N_MINE];
  double acc0, acc1, st0, st1;

  g_assert_no_error (error);
  train = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TRAIN, &error);
  g_assert_no_error (error);
  test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_assert_no_error (error);

  /* every test digit in the style, and how the model reads them */
  styled = rl_dataset_new_subset (test, test->n);
  for (uint32_t i = 0; i < test->n; i++)
    backhand (test->images + (size_t) i * SIDE * SIDE, styled->images + (size_t) i * SIDE * SIDE);
  pred = g_new (uint8_t, styled->n);
  g_assert_true (rl_evaluate_images (model, styled, styled->n, 0, 0, NULL, pred, NULL, NULL,
                                     &(RlEvalResult) { 0 }, &error));

  /* the user's 20: two misread digits of each class, in test-set order */
  mine = rl_dataset_new_subset (test, N_MINE);
  for (uint32_t i = 0; i < styled->n && n_mine < N_MINE; i++)
    {
      uint8_t k = styled->labels[i];

      if (pred[i] == k || per_class[k] >= 2)
        continue;
      per_class[k]++;
      source[n_mine] = i;
      memcpy (mine->images + (size_t) n_mine * SIDE * SIDE,
              styled->images + (size_t) i * SIDE * SIDE, SIDE * SIDE);
      mine->labels[n_mine++] = k;
    }
  g_assert_cmpuint (n_mine, ==, N_MINE);

  /* through the IDX files, as the app keeps them */
  dir = g_dir_make_tmp ("reslab-teach-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (rl_userset_save (mine, dir, &error));
  g_clear_pointer (&mine, rl_dataset_unref);
  mine = rl_userset_load (dir, &error);
  g_assert_no_error (error);
  g_assert_true (rl_userset_save (NULL, dir, &error));
  g_rmdir (dir);

  taught = rl_teach (model, mine, train, NULL, NULL, &rep, &error);
  g_assert_no_error (error);
  g_assert_nonnull (taught);

  acc0 = accuracy (model, test);
  acc1 = accuracy (taught, test);
  {
    /* the style on 1000 other test digits: the first 1000 not among the 20 */
    g_autoptr(RlDataset) held = rl_dataset_new_subset (styled, N_STYLED + N_MINE);
    guint m = 0;

    for (uint32_t i = 0; i < N_STYLED + N_MINE && m < N_STYLED; i++)
      {
        gboolean taken = FALSE;

        for (guint j = 0; j < N_MINE; j++)
          taken |= source[j] == i;
        if (taken)
          continue;
        memcpy (held->images + (size_t) m * SIDE * SIDE, styled->images + (size_t) i * SIDE * SIDE,
                SIDE * SIDE);
        held->labels[m++] = styled->labels[i];
      }
    held->n = m;
    st0 = accuracy (model, held);
    st1 = accuracy (taught, held);
  }

  for (guint i = 0; i < rep->n; i++)
    g_printerr ("# digit %2u (test image %4u): a %u, read %u (%.0f %%) before, %u (%.0f %%) after\n",
                i + 1, source[i], rep->labels[i], rep->before[i], 100.0 * rep->conf_before[i],
                rep->after[i], 100.0 * rep->conf_after[i]);
  g_printerr ("# your 20 digits read correctly: %u before, %u after (%.2f s of fine-tuning)\n",
              rep->correct_before, rep->correct_after, rep->seconds);
  g_printerr ("# MNIST test accuracy: %.2f %% before, %.2f %% after (%+.2f points)\n",
              acc0, acc1, acc1 - acc0);
  g_printerr ("# the same style on %u other test digits: %.2f %% before, %.2f %% after\n",
              N_STYLED, st0, st1);

  g_assert_cmpuint (rep->correct_before, ==, 0);
  g_assert_cmpuint (rep->correct_after, ==, N_MINE);
  g_assert_cmpfloat (acc1, >=, acc0 - 0.2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/slow/teach/backhand", test_teach_backhand);
  return g_test_run ();
}
