/* experiment-test-utils.h: what the tests of the twin experiment share (test-experiment.c,
 * test-experiment-file.c, test-ui-experiment.c): records compared bit for bit. */
#pragma once

#include <glib.h>
#include <math.h>

#include "rl-experiment.h"

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
