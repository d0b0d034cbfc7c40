/* model-test-utils.h: what the tests of the model share (test-model.c,
 * test-model-gradients.c): a model made from an architecture description. Header-only, for the
 * tests: static inline, so that a test program that does not call a helper is not warned about
 * it. */
#pragma once

#include <glib.h>

#include "rl-model.h"

/* A model of the architecture description @desc for inputs of @c x @h x @w and @classes
 * classes; an error fails the test.
 * Returns: (transfer full) */
static inline RlModel *
new_model (const char *desc, int c, int h, int w, int classes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse (desc, &error);
  RlModel *m;

  g_assert_no_error (error);
  m = rl_model_new (arch, c, h, w, classes, &error);
  g_assert_no_error (error);
  return m;
}
