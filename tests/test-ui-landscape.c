/* test-ui-landscape.c: the Experiment page's Landscape tab (rl-landscape-view.c) in the window:
 * nothing to compute before the twins train; after a tiny experiment on real MNIST it holds
 * both twins, Compute fills the coarse grid with finite losses whose centre is the trained
 * twin's own loss on the subset, the figures draw (contours, the surface turned by the view
 * angles, the line), and Cancel stops it before the final grid. */

#include <math.h>
#include <string.h>

#include "ui-test-utils.h"
#include "landscape-test-utils.h"

#include "rl-dataset-loader.h"
#include "rl-experiment-view.h"
#include "rl-landscape-view.h"
#include "rl-window.h"

#define N_IMAGES 200

static gboolean
have_mnist (void)
{
  g_auto (GStrv) missing = rl_dataset_find_missing_files (RL_DATASET_MNIST);

  return missing == NULL;
}

static gboolean
not_busy (gpointer data)
{
  return !rl_experiment_view_is_busy (data);
}

static gboolean
coarse_done (gpointer data)
{
  return rl_landscape_runner_get_complete_grid (data) >= 5;
}

static gboolean
landscape_idle (gpointer data)
{
  return !rl_landscape_runner_is_running (data);
}

static void
test_after_experiment (void)
{
  RlWindow *window;
  RlExperimentView *view;
  RlLandscapeView *landscape;
  RlLandscapeRunner *runner;
  RlExperimentRunner *twins;
  const RlLandscapeRunnerConfig *config;
  double az, el;
  guint g;

  if (!have_mnist ())
    {
      g_test_skip ("no MNIST files: run ./dev.sh data");
      return;
    }

  window = g_object_ref_sink (rl_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  gtk_window_present (GTK_WINDOW (window));
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  runner = rl_landscape_view_get_runner (landscape);
  twins = rl_experiment_view_get_runner (view);
  rl_window_show_experiment_page (window, "landscape");
  ui_test_spin (100);

  /* nothing to look at yet: Compute does nothing */
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute", NULL);
  g_assert_false (rl_landscape_runner_is_running (runner));
  g_assert_null (rl_landscape_runner_get_config (runner));

  /* a tiny experiment: depth 8 on 256 images */
  rl_window_show_experiment_page (window, "curves");
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 256);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));
  g_assert_nonnull (rl_experiment_runner_get_trained (twins, RL_TWIN_PLAIN, NULL));
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 2);

  /* Compute: the coarse 5 x 5 grid of a 33 x 33 one, on 200 training images */
  rl_window_show_experiment_page (window, "landscape");
  rl_landscape_view_set_grid (landscape, 33);
  rl_landscape_view_set_images (landscape, N_IMAGES);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute",
                                             NULL));
  g_assert_true (rl_landscape_runner_is_running (runner));
  config = rl_landscape_runner_get_config (runner);
  g_assert_cmpuint (config->grid, ==, 33);
  g_assert_cmpuint (config->n_images, ==, N_IMAGES);
  g_assert_true (rl_landscape_runner_same_directions (runner));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_progress (landscape), "Grid 5 × 5 of"));
  g_assert_true (ui_test_wait_for (coarse_done, runner, 120));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_progress (landscape), "Grid 9 × 9 of")
                 || !rl_landscape_runner_is_running (runner));

  g = config->grid;
  for (guint m = 0; m < 2; m++)
    {
      const double *loss = rl_landscape_runner_get_loss (runner, m);
      const RlModel *trained = rl_experiment_runner_get_trained (twins, (RlTwin) m, NULL);
      double ref = landscape_test_reference_loss (trained,
                                                  rl_experiment_runner_get_train_set (twins),
                                                  N_IMAGES, NULL);

      for (guint j = 0; j < g; j += 8)
        for (guint i = 0; i < g; i += 8)
          g_assert_true (isfinite (loss[j * g + i]) && loss[j * g + i] > 0.0);
      g_test_message ("twin %u: centre %.6f, reference %.6f, corner %.6f", m,
                      loss[(g / 2) * g + g / 2], ref, loss[0]);
      g_assert_cmpfloat_with_epsilon (loss[(g / 2) * g + g / 2], ref, 1e-9 * ref);
    }

  /* the figures draw, the surface turned */
  rl_landscape_view_show (landscape, "surface");
  rl_landscape_view_set_angles (landscape, 30.0, 120.0);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (az, ==, 30.0);
  g_assert_cmpfloat (el, ==, 89.0);   /* clamped: never below the floor or past the top */
  ui_test_spin (200);
  rl_landscape_view_show (landscape, "line");
  ui_test_spin (100);
  rl_landscape_view_show (landscape, "contours");
  ui_test_spin (100);

  /* Cancel: stops before the final grid */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.cancel", NULL));
  g_assert_true (ui_test_wait_for (landscape_idle, runner, 30));
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), <, 33);
  g_assert_cmpuint (rl_landscape_runner_get_n_done (runner, 0), <, 33 * 33);
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_progress (landscape), "Stopped at grid"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  ui_test_add ("/ui/landscape/after-experiment", test_after_experiment);
  return ui_test_run ();
}
