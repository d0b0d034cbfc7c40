/* test-landscape-runner.c: the app's landscape controller (rl-landscape-runner.h) on the
 * committed MNIST fixture (tests/data/mnist-mini), without a display.
 *
 * The levels nest; every point is computed once (refinement reuses the coarse points, which
 * equal a coarse grid computed on its own); the centre is the model's loss on the subset, from
 * its logits, and its accuracy that of rl_evaluate; the fill interpolates the coarse level;
 * the line ends at the trained weights; a cancel stops the worker within a point or two.
 */

#include <math.h>
#include <string.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-landscape.h"
#include "rl-landscape-runner.h"
#include "rl-model.h"

#include "landscape-test-utils.h"
#include "rl-train.h"

#define N_IMAGES 128

static RlDataset *train_set;

static void
test_levels (void)
{
  guint steps[16];

  g_assert_cmpuint (rl_landscape_levels (17, steps), ==, 3);
  g_assert_cmpuint (steps[0], ==, 4);
  g_assert_cmpuint (steps[1], ==, 2);
  g_assert_cmpuint (steps[2], ==, 1);
  g_assert_cmpuint (rl_landscape_levels (21, steps), ==, 2);
  g_assert_cmpuint (steps[0], ==, 5);
  g_assert_cmpuint (steps[1], ==, 1);
  g_assert_cmpuint (rl_landscape_levels (33, steps), ==, 4);
  g_assert_cmpuint (steps[0], ==, 8);
  g_assert_cmpuint (steps[3], ==, 1);
  g_assert_cmpuint (rl_landscape_levels (31, steps), ==, 2);
  g_assert_cmpuint (steps[0], ==, 5);   /* the centre, 15, is on it */
  g_assert_cmpuint (rl_landscape_levels (3, steps), ==, 1);
  g_assert_cmpuint (steps[0], ==, 1);
}

typedef struct {
  GMainLoop *loop;
  guint      grid;
  guint     *seen[2];          /* (grid, grid) deliveries of each point */
  guint      n_points_signals;
  guint      n_lines;
  gint       coarse_done[2];   /* points done per model when the 5x5 level was complete */
  gboolean   finished;
  gboolean   completed;
  GError    *error;
  gboolean   cancel_on_first;
  gint64     cancelled_at;
  gint64     finished_at;
} Watch;

static void
points_cb (RlLandscapeRunner *runner, guint model, guint n, gpointer data)
{
  Watch *w = data;
  const double *loss = rl_landscape_runner_get_loss (runner, model);

  g_assert_cmpuint (model, <, rl_landscape_runner_get_n_models (runner));
  g_assert_cmpuint (n, >, 0);
  w->n_points_signals++;
  /* count each point that is in now; a point delivered twice would be counted twice after a
   * second signal, so count the new ones: finite and not yet seen */
  for (guint k = 0; k < w->grid * w->grid; k++)
    if (!isnan (loss[k]) && w->seen[model][k] == 0)
      w->seen[model][k] = 1;
  if (rl_landscape_runner_get_complete_grid (runner) == 5 && w->coarse_done[0] < 0)
    for (guint m = 0; m < rl_landscape_runner_get_n_models (runner); m++)
      w->coarse_done[m] = (gint) rl_landscape_runner_get_n_done (runner, m);
  if (w->cancel_on_first && w->cancelled_at == 0)
    {
      rl_runner_stop (RL_RUNNER (runner));
      w->cancelled_at = g_get_monotonic_time ();
    }
}

static void
line_cb (RlLandscapeRunner *runner, guint model, gpointer data)
{
  Watch *w = data;

  w->n_lines++;
}

static void
finished_cb (RlLandscapeRunner *runner, gboolean completed, const GError *error, gpointer data)
{
  Watch *w = data;

  w->finished = TRUE;
  w->completed = completed;
  w->finished_at = g_get_monotonic_time ();
  if (error != NULL)
    w->error = g_error_copy (error);
  g_main_loop_quit (w->loop);
}

static void
watch_init (Watch *w, RlLandscapeRunner *runner, guint grid)
{
  memset (w, 0, sizeof *w);
  w->loop = g_main_loop_new (NULL, FALSE);
  w->grid = grid;
  w->coarse_done[0] = w->coarse_done[1] = -1;
  w->seen[0] = g_new0 (guint, grid * grid);
  w->seen[1] = g_new0 (guint, grid * grid);
  g_signal_connect (runner, "points", G_CALLBACK (points_cb), w);
  g_signal_connect (runner, "line", G_CALLBACK (line_cb), w);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), w);
}

static void
watch_clear (Watch *w)
{
  g_main_loop_unref (w->loop);
  g_free (w->seen[0]);
  g_free (w->seen[1]);
  g_clear_error (&w->error);
}

static void
test_grid (void)
{
  g_autoptr(RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 3);
  g_autoptr(RlModel) residual = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 3);
  g_autoptr(RlModel) plain0 = rl_model_copy (plain);
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  g_autoptr(GError) error = NULL;
  RlModel *models[2] = { plain, residual };
  RlModel *initial[2] = { plain0, NULL };
  RlLandscapeRunnerConfig config;
  g_autofree double *filled = NULL;
  const double *loss, *acc, *line_t, *line_loss;
  RlEvalResult eval;
  Watch w;

  /* the plain twin a little away from its initial weights, for the line */
  for (size_t k = 0; k < rl_model_get_n_params (plain); k++)
    rl_model_get_params (plain)[k] *= 1.1f;

  rl_landscape_runner_config_init (&config);
  config.grid = 9;
  config.range = 0.5;
  config.n_images = N_IMAGES;
  config.threads = 2;
  watch_init (&w, runner, config.grid);
  g_assert_true (rl_landscape_runner_start (runner, &config, models, initial, 2, train_set,
                                            &error));
  g_assert_no_error (error);
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));
  g_assert_true (rl_landscape_runner_same_directions (runner));
  g_assert_cmpuint (rl_landscape_runner_get_level_grid (runner), ==, 5);
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 0);
  /* a second start while running is refused */
  g_assert_false (rl_landscape_runner_start (runner, &config, models, NULL, 2, train_set,
                                             &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.finished && w.completed);
  g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 9);

  /* every point once: 81 per model, no more (the coarse 25 were not computed again) */
  for (guint m = 0; m < 2; m++)
    {
      guint n = 0;

      for (guint k = 0; k < 81; k++)
        n += w.seen[m][k];
      g_assert_cmpuint (n, ==, 81);
      g_assert_cmpuint (rl_landscape_runner_get_n_done (runner, m), ==, 81);
    }
  /* the 5x5 level was complete with 25 points of each model, none of the finer ones */
  g_assert_cmpint (w.coarse_done[0], ==, 25);
  g_assert_cmpint (w.coarse_done[1], ==, 25);
  g_assert_cmpuint (w.n_lines, ==, 1);

  for (guint m = 0; m < 2; m++)
    {
      g_autoptr(RlLandscape) ls = rl_landscape_new (models[m], train_set, N_IMAGES, &error);
      double coarse[25];
      double ref = landscape_test_reference_loss (models[m], train_set, N_IMAGES, NULL);

      loss = rl_landscape_runner_get_loss (runner, m);
      acc = rl_landscape_runner_get_accuracy (runner, m);
      for (guint k = 0; k < 81; k++)
        g_assert_true (isfinite (loss[k]) && loss[k] > 0.0 && acc[k] >= 0.0 && acc[k] <= 1.0);

      /* the centre: the model's loss on the subset, and rl_evaluate's accuracy */
      g_test_message ("model %u: centre loss %.6f (reference %.6f)", m, loss[40], ref);
      g_assert_cmpfloat_with_epsilon (loss[40], ref, 1e-9 * ref);
      g_assert_true (rl_evaluate (models[m], train_set, N_IMAGES, 0, 0, NULL, NULL, &eval,
                                  &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (acc[40], ==, (double) eval.correct / N_IMAGES);

      /* the coarse level is a 5x5 grid of the same directions */
      g_assert_no_error (error);
      rl_landscape_set_random_directions (ls, config.seed);
      g_assert_true (rl_landscape_grid (ls, 5, config.range, coarse, NULL, NULL, &error));
      g_assert_no_error (error);
      for (guint j = 0; j < 5; j++)
        for (guint i = 0; i < 5; i++)
          g_assert_cmpfloat_with_epsilon (loss[(2 * j) * 9 + 2 * i], coarse[j * 5 + i],
                                          1e-9 * coarse[j * 5 + i]);
      /* not flat: the corners differ from the centre */
      g_assert_cmpfloat (fabs (loss[0] - loss[40]), >, 1e-6);
    }

  /* complete: the fill is the grid itself */
  filled = g_new (double, 81);
  g_assert_true (rl_landscape_runner_fill (runner, 1, filled));
  g_assert_cmpmem (filled, 81 * sizeof (double), rl_landscape_runner_get_loss (runner, 1),
                   81 * sizeof (double));

  /* the line: t from -0.25 to 1.25; at t = 1 the trained net */
  g_assert_true (rl_landscape_runner_get_line (runner, 0, &line_t, &line_loss));
  g_assert_false (rl_landscape_runner_get_line (runner, 1, NULL, NULL));
  g_assert_cmpfloat_with_epsilon (line_t[0], -0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (line_t[RL_LANDSCAPE_LINE_POINTS - 1], 1.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (line_t[25], 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (line_loss[25], rl_landscape_runner_get_loss (runner, 0)[40],
                                  1e-6);

  g_signal_handlers_disconnect_by_data (runner, &w);
  watch_clear (&w);
}

/* Cancelled after the first row: finished soon after, not completed, no error; the fill
 * interpolates what is there. */
static void
test_cancel (void)
{
  g_autoptr(RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 4);
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  g_autoptr(GError) error = NULL;
  RlModel *models[1] = { plain };
  RlLandscapeRunnerConfig config;
  Watch w;

  rl_landscape_runner_config_init (&config);
  config.grid = 33;
  config.n_images = 640;
  config.threads = 2;
  watch_init (&w, runner, config.grid);
  w.cancel_on_first = TRUE;
  g_assert_true (rl_landscape_runner_start (runner, &config, models, NULL, 1, train_set,
                                            &error));
  g_assert_no_error (error);
  g_main_loop_run (w.loop);
  g_assert_true (w.finished);
  g_assert_false (w.completed);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.cancelled_at, >, 0);
  /* the first row is 5 points; at most the next row was posted before the cancel was seen */
  g_assert_cmpuint (rl_landscape_runner_get_n_done (runner, 0), <=, 10);
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 0);
  g_test_message ("finished %.3f s after the cancel",
                  (w.finished_at - w.cancelled_at) / 1e6);
  /* one point of resnet-8 on 640 images is well under a second even on a busy machine */
  g_assert_cmpint (w.finished_at - w.cancelled_at, <, 5 * G_USEC_PER_SEC);
  g_signal_handlers_disconnect_by_data (runner, &w);
  watch_clear (&w);
}

/* After the 5x5 level alone, the fill interpolates it bilinearly. */
static void
test_fill (void)
{
  g_autoptr(RlModel) residual = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 6);
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  g_autoptr(GError) error = NULL;
  RlModel *models[1] = { residual };
  RlLandscapeRunnerConfig config;
  g_autofree double *filled = g_new (double, 9 * 9);
  const double *v;
  Watch w;

  rl_landscape_runner_config_init (&config);
  config.grid = 9;
  config.n_images = 64;
  config.threads = 2;
  watch_init (&w, runner, config.grid);
  g_assert_true (rl_landscape_runner_start (runner, &config, models, NULL, 1, train_set,
                                            &error));
  g_assert_false (rl_landscape_runner_fill (runner, 0, filled));
  while (rl_landscape_runner_get_complete_grid (runner) < 5)
    g_main_context_iteration (NULL, TRUE);
  rl_runner_stop (RL_RUNNER (runner));
  g_main_loop_run (w.loop);
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 5);
  g_assert_true (rl_landscape_runner_fill (runner, 0, filled));
  v = rl_landscape_runner_get_loss (runner, 0);
  for (guint j = 0; j < 9; j++)
    for (guint i = 0; i < 9; i++)
      {
        guint k = j * 9 + i;

        g_assert_true (isfinite (filled[k]));
        if (!isnan (v[k]))
          g_assert_cmpfloat (filled[k], ==, v[k]);
        else if (j % 2 == 0)   /* between two coarse points of a row */
          g_assert_cmpfloat_with_epsilon (filled[k], (v[k - 1] + v[k + 1]) / 2, 1e-9);
      }
  g_signal_handlers_disconnect_by_data (runner, &w);
  watch_clear (&w);
}

static void
test_bad_input (void)
{
  g_autoptr(RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 4);
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  g_autoptr(GError) error = NULL;
  RlModel *models[1] = { plain };
  RlLandscapeRunnerConfig config;

  rl_landscape_runner_config_init (&config);
  config.grid = 8;   /* even: no centre point */
  g_assert_false (rl_landscape_runner_start (runner, &config, models, NULL, 1, train_set,
                                             &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  config.grid = 9;
  config.n_images = 100000;
  g_assert_false (rl_landscape_runner_start (runner, &config, models, NULL, 1, train_set,
                                             &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
}

/* A range whose grid the float weights cannot be moved on is refused, as the engine's grid
 * and the CLI refuse it (rl_landscape_check_grid, rl_landscape_check_range). */
static void
test_bad_range (void)
{
  g_autoptr(RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 4);
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  RlModel *models[1] = { plain };
  RlLandscapeRunnerConfig config;
  const double bad_ranges[] = { 1e308, 1e39, 1e-300, INFINITY, NAN, 0.0 };

  rl_landscape_runner_config_init (&config);
  config.grid = 9;
  config.n_images = 8;
  for (guint k = 0; k < G_N_ELEMENTS (bad_ranges); k++)
    {
      g_autoptr(GError) error = NULL;

      config.range = bad_ranges[k];
      g_assert_false (rl_landscape_runner_start (runner, &config, models, NULL, 1, train_set,
                                                 &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
      g_test_message ("%g: %s", bad_ranges[k], error->message);
      g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
    }
  /* weights a thousand times larger: 1e38 times their directions overflows a float */
  for (size_t k = 0; k < rl_model_get_n_params (plain); k++)
    rl_model_get_params (plain)[k] *= 1000.0f;
  {
    g_autoptr(GError) error = NULL;

    config.range = 1e38;
    g_assert_false (rl_landscape_runner_start (runner, &config, models, NULL, 1, train_set,
                                               &error));
    g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
    g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
  }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  train_set = landscape_test_load_train ();

  g_test_add_func ("/control/landscape/levels", test_levels);
  g_test_add_func ("/control/landscape/grid", test_grid);
  g_test_add_func ("/control/landscape/cancel", test_cancel);
  g_test_add_func ("/control/landscape/fill", test_fill);
  g_test_add_func ("/control/landscape/bad-input", test_bad_input);
  g_test_add_func ("/control/landscape/bad-range", test_bad_range);
  ret = g_test_run ();
  rl_dataset_unref (train_set);
  return ret;
}
