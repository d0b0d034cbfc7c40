/* landscape-view-test-utils.h: what the tests of the Experiment page's Landscape tab share
 * (test-ui-landscape.c, test-ui-landscape-kept.c): the waits for the twins' end, for a
 * computation's end and for the tab's models, win.show-landscape and the tab it shows, and a
 * run's initial weights read back and compared with a net's, bit for bit. Header-only, for the
 * tests: static inline, so that a test program that uses some of them is not warned about the
 * others. (The engine's and the controller's landscape tests share landscape-test-utils.h,
 * which holds nothing of GTK.) */
#pragma once

#include "ui-test-utils.h"

#include "rl-experiment-view.h"
#include "rl-landscape.h"
#include "rl-landscape-view.h"
#include "rl-model.h"
#include "rl-safetensors.h"
#include "rl-window.h"

/* ---- the Landscape tab -------------------------------------------------------------------- */

/* For ui_test_wait_for (): the Experiment view @data runs nothing (its twins neither load nor
 * train). */
static inline gboolean
not_busy (gpointer data)
{
  return !rl_experiment_view_is_busy (data);
}

/* For ui_test_wait_for (): the landscape runner @data computes nothing. */
static inline gboolean
landscape_idle (gpointer data)
{
  return !rl_runner_is_running (RL_RUNNER (data));
}

/* For ui_test_wait_for (): the Landscape tab @data has its models and waits for Compute. */
static inline gboolean
waiting_for_compute (gpointer data)
{
  return g_strcmp0 (rl_landscape_view_get_progress (data), "Not computed yet") == 0;
}

/* For ui_test_wait_for (): the same, with two models in the tab. */
static inline gboolean
two_models_waiting (gpointer data)
{
  return rl_landscape_view_get_n_models (data) == 2 && waiting_for_compute (data);
}

/* For ui_test_wait_for (): the same, with one model in the tab. */
static inline gboolean
one_model_waiting (gpointer data)
{
  return rl_landscape_view_get_n_models (data) == 1 && waiting_for_compute (data);
}

/* Activates win.show-landscape with @target (floating or not, consumed). */
static inline void
show_landscape (RlWindow *window, GVariant *target)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (target);

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-landscape",
                                                     owned));
}

/* The name of the Experiment page's tab shown ("landscape" when it is @landscape's). */
static inline const char *
experiment_tab (RlLandscapeView *landscape)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (landscape), GTK_TYPE_STACK);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* ---- a run's initial weights -------------------------------------------------------------- */

/* The initial weights the run at @path names (NULL: none), and its seed. */
static inline RlModel *
run_initial (const char *path, guint64 *seed)
{
  g_autoptr (RlSafetensors) st = NULL;
  g_autoptr (RlModel) model = rl_model_load (path, &st, NULL);
  g_autoptr (GError) error = NULL;
  RlModel *initial;

  g_assert_nonnull (model);
  if (seed != NULL)
    g_assert_true (g_ascii_string_to_unsigned (rl_safetensors_get_metadata (st, "seed"), 10, 0,
                                               G_MAXUINT64, seed, NULL));
  initial = rl_landscape_load_initial (path, st, &error);
  g_assert_no_error (error);
  return initial;
}

/* Checks that @a and @b (both set) hold the same parameters, bit for bit. */
static inline void
assert_same_params (const RlModel *a, const RlModel *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (rl_model_get_params_const (a), rl_model_get_n_params (a) * sizeof (float),
                   rl_model_get_params_const (b), rl_model_get_n_params (b) * sizeof (float));
}
