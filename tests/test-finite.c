/* Finding NaN and infinity in a model (rl-finite.c), and rl_model_save refusing to write a
 * model that holds any (issue #12: train --lr 1000 saved a model whose conv1.weight was all
 * NaN, with exit status 0). */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-finite.h"
#include "rl-model.h"

static RlModel *
new_seed (void)
{
  g_autoptr(RlArch) arch = rl_arch_parse ("seed", NULL);
  RlModel *model = rl_model_new_mnist (arch, NULL);

  rl_model_init_params (model, 3);
  return model;
}

static void
test_floats (void)
{
  float x[100];

  for (int i = 0; i < 100; i++)
    x[i] = (float) i - 50.0f;
  g_assert_false (rl_floats_have_nonfinite (x, 100));
  g_assert_false (rl_floats_have_nonfinite (NULL, 0));
  x[99] = INFINITY;
  g_assert_true (rl_floats_have_nonfinite (x, 100));
  g_assert_false (rl_floats_have_nonfinite (x, 99));
  x[99] = -INFINITY;
  g_assert_true (rl_floats_have_nonfinite (x, 100));
  x[99] = 3.4e38f;   /* FLT_MAX-ish: finite */
  g_assert_false (rl_floats_have_nonfinite (x, 100));
  x[0] = NAN;
  g_assert_true (rl_floats_have_nonfinite (x, 1));
  x[0] = -NAN;
  g_assert_true (rl_floats_have_nonfinite (x, 1));
}

static void
test_find_in_model (void)
{
  g_autoptr(RlModel) model = new_seed ();
  const RlParamInfo *fc = rl_model_lookup_tensor (model, "fc.bias");
  const RlParamInfo *conv2 = rl_model_lookup_tensor (model, "conv2.weight");
  guint index = G_MAXUINT;

  g_assert_false (rl_model_find_nonfinite (model, FALSE, &index));
  g_assert_false (rl_model_find_nonfinite (model, TRUE, &index));
  g_assert_cmpuint (index, ==, G_MAXUINT);

  /* the last tensor, then an earlier one: the first in table order wins */
  rl_model_get_params (model)[fc->offset + fc->numel - 1] = NAN;
  g_assert_true (rl_model_find_nonfinite (model, FALSE, &index));
  g_assert_cmpstr (rl_model_get_tensor_info (model, index)->name, ==, "fc.bias");
  rl_model_get_params (model)[conv2->offset + 17] = -INFINITY;
  g_assert_true (rl_model_find_nonfinite (model, FALSE, &index));
  g_assert_cmpstr (rl_model_get_tensor_info (model, index)->name, ==, "conv2.weight");
  g_assert_true (rl_model_find_nonfinite (model, FALSE, NULL));
  /* the gradients are another block */
  g_assert_false (rl_model_find_nonfinite (model, TRUE, &index));
  rl_model_get_grads (model)[conv2->offset] = INFINITY;
  g_assert_true (rl_model_find_nonfinite (model, TRUE, &index));
  g_assert_cmpstr (rl_model_get_tensor_info (model, index)->name, ==, "conv2.weight");
}

/* rl_model_save refuses a non-finite weight with RL_ERROR_NOT_FINITE naming the tensor, and
 * leaves the file that was there untouched */
static void
test_save_refuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = new_seed ();
  g_autofree char *dir = g_dir_make_tmp ("reslab-test-finite-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *before = NULL, *after = NULL;
  gsize len_before = 0, len_after = 0;
  const RlParamInfo *w = rl_model_lookup_tensor (model, "conv1.weight");

  g_assert_true (rl_model_save (model, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, &len_before, NULL));

  for (size_t i = 0; i < w->numel; i++)
    rl_model_get_params (model)[w->offset + i] = NAN;
  g_assert_false (rl_model_save (model, path, NULL, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_NOT_FINITE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“conv1.weight”"));
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
  g_assert_cmpmem (before, len_before, after, len_after);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/finite/floats", test_floats);
  g_test_add_func ("/engine/finite/find-in-model", test_find_in_model);
  g_test_add_func ("/engine/finite/save-refuses", test_save_refuses);
  return g_test_run ();
}
