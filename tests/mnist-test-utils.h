/* mnist-test-utils.h: the committed MNIST fixture (tests/data/mnist-mini: 640 training and
 * 100 test images) in the tests that compute on it: a split loaded, and a model moved off its
 * initialisation by a few plain SGD steps. Header-only, for the tests. */
#pragma once

#include <glib.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-userset.h"

/* The @split of tests/data/mnist-mini; a failure to read it fails the test.
 * Returns: (transfer full) */
static inline RlDataset *
mnist_test_load (RlSplit split)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  RlDataset *set = rl_dataset_load (dir, RL_DATASET_MNIST, split, &error);

  g_assert_no_error (error);
  return set;
}

/* In @dir, a set of your digits (rl-userset.h): the fixture's first five test digits. */
static inline void
mnist_test_make_mine (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) test = mnist_test_load (RL_SPLIT_TEST);
  g_autoptr(RlDataset) five = rl_dataset_new_subset (test, 5);

  g_assert_true (rl_userset_save (five, dir, &error));
  g_assert_no_error (error);
}

/* Three training-mode steps of plain SGD at lr 0.05 (written out: the tests that use it are not
 * about the optimiser), on images 0 .. @batch - 1 of @set, then the next @batch, then the next,
 * so that the weights and batch norm's running statistics are not the initialisation's. */
static inline void
mnist_test_train_a_little (RlModel         *model,
                           const RlDataset *set,
                           int              batch)
{
  g_autofree uint32_t *idx = g_new (uint32_t, batch);
  g_autofree float *x = g_new (float, (size_t) batch * 28 * 28);
  g_autofree uint8_t *y = g_new (uint8_t, batch);

  for (int step = 0; step < 3; step++)
    {
      float *p = rl_model_get_params (model);
      const float *g = rl_model_get_grads (model);

      for (int i = 0; i < batch; i++)
        idx[i] = (uint32_t) (step * batch + i);
      rl_dataset_get_batch (set, idx, batch, x, y);
      rl_model_forward_backward (model, x, y, batch, NULL);
      for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
        {
          const RlParamInfo *info = rl_model_get_tensor_info (model, t);

          if (rl_param_info_is_trainable (info))
            for (size_t j = 0; j < info->numel; j++)
              p[info->offset + j] -= 0.05f * g[info->offset + j];
        }
    }
}
