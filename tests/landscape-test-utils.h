/* landscape-test-utils.h: what the loss-landscape tests (engine, controller, UI) share: the
 * fixture's training set, a resnet-N / plain-N with random weights, and the reference loss a landscape's centre must
 * equal, computed from the model's logits in double. Header-only, for the tests. */
#pragma once

#include <glib.h>
#include <math.h>

#include "mnist-test-utils.h"
#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-model.h"

/* The 640 training images of the committed MNIST fixture (tests/data/mnist-mini).
 * Returns: (transfer full) */
static inline RlDataset *
landscape_test_load_train (void)
{
  RlDataset *set = mnist_test_load (RL_SPLIT_TRAIN);

  g_assert_cmpuint (set->n, ==, 640);
  return set;
}

/* A CIFAR-style net for 1 x 28 x 28 MNIST, initialised with @seed, on 2 threads.
 * Returns: (transfer full) */
static inline RlModel *
landscape_test_cifar_model (int depth, gboolean residual, RlShortcut shortcut, gboolean bn,
                            uint64_t seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_new_cifar (depth, residual, shortcut, bn, &error);
  RlModel *model;

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (model, seed);
  rl_model_set_threads (model, 2);
  return model;
}

/* The mean cross-entropy, -log softmax(z)_y, of @model (evaluation mode) on the first @n images
 * of @set, from its logits, in double; *@accuracy (nullable) the share of argmax hits (the first
 * maximum wins). @model is copied, so the caller's workspaces stay as they are. */
static inline double
landscape_test_reference_loss (const RlModel *model, RlDataset *set, uint32_t n,
                               double *accuracy)
{
  g_autoptr(RlModel) copy = rl_model_copy (model);
  g_autofree uint32_t *idx = g_new (uint32_t, n);
  g_autofree float *x = g_new (float, (size_t) n * 28 * 28);
  g_autofree uint8_t *y = g_new (uint8_t, n);
  g_autofree float *logits = g_new (float, (size_t) n * 10);
  double total = 0.0;
  uint32_t hits = 0;

  for (uint32_t i = 0; i < n; i++)
    idx[i] = i;
  rl_dataset_get_batch (set, idx, (int) n, x, y);
  rl_model_predict (copy, x, (int) n, logits);
  for (uint32_t i = 0; i < n; i++)
    {
      const float *z = logits + (size_t) i * 10;
      double m = -INFINITY, s = 0.0;
      int best = 0;

      for (int k = 0; k < 10; k++)
        m = MAX (m, (double) z[k]);
      for (int k = 0; k < 10; k++)
        s += exp ((double) z[k] - m);
      total += -((double) z[y[i]] - m - log (s));
      for (int k = 1; k < 10; k++)
        if (z[k] > z[best])
          best = k;
      hits += best == y[i];
    }
  if (accuracy != NULL)
    *accuracy = (double) hits / n;
  return total / n;
}
