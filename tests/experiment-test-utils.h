/* experiment-test-utils.h: what the tests of the twin experiment share (test-experiment.c,
 * test-experiment-file.c, test-ui-experiment.c): the committed MNIST fixture, records and
 * groups compared bit for bit. */
#pragma once

#include <glib.h>
#include <math.h>

#include "mnist-test-utils.h"
#include "rl-experiment.h"

/* A tiny run on the fixture: depth 8, batch 64, 10 iterations, a record every 5, 2 threads. */
static inline void
tiny_config (RlExperimentConfig *cfg)
{
  rl_experiment_config_init (cfg);
  cfg->depth = 8;
  cfg->batch = 64;
  cfg->interval = 5;
  cfg->epochs = 1;
  cfg->subset = 0;            /* all 640 */
  cfg->test_subset = 100;
  cfg->response_images = 50;
  cfg->threads = 2;
}

/* tests/data/mnist-mini: 640 training and 100 test images. */
static inline void
load_mini_mnist (RlDataset **train,
                 RlDataset **test)
{
  *train = mnist_test_load (RL_SPLIT_TRAIN);
  *test = mnist_test_load (RL_SPLIT_TEST);
  g_assert_cmpuint ((*train)->n, ==, 640);
  g_assert_cmpuint ((*test)->n, ==, 100);
}

/* Equal, or both NaN (a diverged twin's error, a layer without a response). */
static inline gboolean
same_double (double a, double b)
{
  return a == b || (isnan (a) && isnan (b));
}

/* Every field two runs of the same experiment share, bit for bit (not the wall time). */
static inline void
assert_records_equal (const RlExperimentRecord *a, const RlExperimentRecord *b)
{
  g_assert_cmpint (a->twin, ==, b->twin);
  g_assert_cmpuint (a->iteration, ==, b->iteration);
  g_assert_cmpuint (a->images, ==, b->images);
  g_assert_cmpfloat (a->epoch, ==, b->epoch);
  g_assert_true (same_double (a->train_error, b->train_error));
  g_assert_true (same_double (a->train_loss, b->train_loss));
  g_assert_true (same_double (a->test_error, b->test_error));
  g_assert_cmpuint (a->n_layers, ==, b->n_layers);
  for (guint k = 0; k < a->n_layers; k++)
    {
      g_assert_true (same_double (a->grad_norm[k], b->grad_norm[k]));
      g_assert_true (same_double (a->response_std[k], b->response_std[k]));
    }
}

/* The configuration, the names and every record of every seed, bit for bit (the wall times
 * too: what is compared here was read back, not trained again). */
static inline void
assert_groups_equal (const RlExperimentGroup *a, const RlExperimentGroup *b)
{
  const RlExperimentConfig *ca = rl_experiment_group_get_config (a);
  const RlExperimentConfig *cb = rl_experiment_group_get_config (b);

  g_assert_cmpint (ca->depth, ==, cb->depth);
  g_assert_cmpint (ca->shortcut, ==, cb->shortcut);
  g_assert_cmpint (ca->bn, ==, cb->bn);
  g_assert_cmpfloat (ca->lr, ==, cb->lr);
  g_assert_cmpfloat (ca->momentum, ==, cb->momentum);
  g_assert_cmpfloat (ca->weight_decay, ==, cb->weight_decay);
  g_assert_cmpint (ca->batch, ==, cb->batch);
  g_assert_cmpuint (ca->seed, ==, cb->seed);
  g_assert_cmpint (ca->epochs, ==, cb->epochs);
  g_assert_cmpuint (ca->subset, ==, cb->subset);
  g_assert_cmpuint (ca->test_subset, ==, cb->test_subset);
  g_assert_cmpint (ca->interval, ==, cb->interval);
  g_assert_cmpint (ca->layer_stats, ==, cb->layer_stats);
  g_assert_cmpuint (ca->response_images, ==, cb->response_images);
  g_assert_cmpint (ca->fresh_bn_stats, ==, cb->fresh_bn_stats);
  g_assert_cmpuint (rl_experiment_group_get_total_iterations (a), ==,
                    rl_experiment_group_get_total_iterations (b));
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (a), ==, rl_experiment_group_get_n_seeds (b));
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_assert_cmpstr (rl_experiment_group_get_name (a, t), ==, rl_experiment_group_get_name (b, t));
      for (guint s = 0; s < rl_experiment_group_get_n_seeds (a); s++)
        {
          g_assert_cmpuint (rl_experiment_group_get_n_records (a, t, s), ==,
                            rl_experiment_group_get_n_records (b, t, s));
          for (guint i = 0; i < rl_experiment_group_get_n_records (a, t, s); i++)
            {
              const RlExperimentRecord *ra = rl_experiment_group_get_record (a, t, s, i);
              const RlExperimentRecord *rb = rl_experiment_group_get_record (b, t, s, i);

              assert_records_equal (ra, rb);
              g_assert_cmpuint (ra->seed, ==, rb->seed);
              g_assert_cmpfloat (ra->train_seconds, ==, rb->train_seconds);
            }
        }
    }
}
