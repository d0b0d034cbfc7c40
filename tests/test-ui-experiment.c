/* test-ui-experiment.c: the Experiment view (plain and residual twins) through its actions: it
 * builds and goes away without leaks; a tiny run on real MNIST completes, puts both twins'
 * curves on the chart and values on every layer bar; every run stays in the list of runs (a run
 * of the same depth and setting hides its earlier one, another setting hides nothing) and its
 * check button shows and hides its curves; a run pauses and resumes, with the pause left out of
 * its time; two seeds draw bands that hold the mean; the shown runs export as CSV, PNG and SVG
 * without overwriting a file silently; Stop ends a run within one interval, and a view
 * finalised while its twins train cancels them; in the window, the header's Train and Stop act
 * on the twins on the Experiment page. And the Inside view of the CIFAR-style nets: the
 * downsampling blocks of a resnet-8 show their shortcut's output, a plain-8 has plain blocks.
 *
 * The runs the view keeps as files: test-ui-experiment-kept.c (read back, bad files, ticks)
 * and test-ui-experiment-save.c (files that cannot be written). */

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ui-test-utils.h"
#include "experiment-view-test-utils.h"

#include "rl-error.h"
#include "rl-worker.h"
#include "rl-experiment-view.h"
#include "rl-dataset-loader.h"
#include "rl-window.h"

/* For ui_test_wait_for (): the view @data runs its twins (loads or trains them). */
static gboolean
busy (gpointer data)
{
  return rl_experiment_view_is_busy (data);
}

/* For ui_test_wait_for (): the runner @data trains, past loading its data. */
static gboolean
runner_running (gpointer data)
{
  return rl_runner_is_running (RL_RUNNER (data));
}

/* ---- building ----------------------------------------------------------------------------- */

static void
test_build_finalize (void)
{
  GtkWidget *window;
  RlExperimentView *view = new_view (&window);
  RlExperimentConfig config;
  RlDatasetKind kind;
  gpointer runner = rl_experiment_view_get_runner (view);

  g_object_add_weak_pointer (runner, &runner);
  ui_test_spin (100);

  /* Quick defaults that show the effect: depth 32 on 6,400 MNIST images, batch 64. */
  rl_experiment_view_get_settings (view, &config, &kind);
  g_assert_cmpint (config.depth, ==, 32);
  g_assert_cmpint (config.shortcut, ==, RL_SHORTCUT_A);
  g_assert_true (config.bn);
  g_assert_cmpint (kind, ==, RL_DATASET_MNIST);
  g_assert_cmpuint (config.subset, ==, 6400);
  g_assert_cmpint (config.batch, ==, 64);
  g_assert_cmpint (config.epochs, ==, 1);
  g_assert_cmpfloat (config.lr, ==, 0.05);
  g_assert_true (config.layer_stats);
  /* about 25 records per twin: 100 iterations in intervals of 4 */
  g_assert_cmpint (config.interval, ==, 4);

  g_assert_true (rl_experiment_view_can_run (view));
  g_assert_false (rl_experiment_view_is_busy (view));
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  g_assert_cmpuint (rl_chart_get_n_series (rl_experiment_view_get_chart (view)), ==, 0);
  g_assert_cmpuint (rl_layer_bars_get_n_layers (rl_experiment_view_get_bars (view)), ==, 0);

  /* blocked (a Train run elsewhere): cannot run, and says why */
  rl_experiment_view_set_blocked (view, "Busy training elsewhere.");
  g_assert_false (rl_experiment_view_can_run (view));
  g_assert_cmpstr (rl_experiment_view_get_status (view), ==, "Busy training elsewhere.");
  rl_experiment_view_set_blocked (view, NULL);
  g_assert_true (rl_experiment_view_can_run (view));

  destroy_view (view, window);
  g_assert_null (runner);
}

/* ---- a tiny run --------------------------------------------------------------------------- */

static void
test_tiny_run (void)
{
  GtkWidget *window;
  RlExperimentView *view;
  RlExperimentRunner *runner;
  RlChart *chart;
  RlLayerBars *bars;
  RlExperimentConfig config;
  guint n_plain, n_res;
  double x, y;
  int lo, hi;

  SKIP_WITHOUT_MNIST ();

  view = new_view (&window);
  runner = rl_experiment_view_get_runner (view);
  chart = rl_experiment_view_get_chart (view);
  bars = rl_experiment_view_get_bars (view);

  /* depth 8 on 256 images: 4 iterations of 64, a record after each */
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 256);
  rl_experiment_view_get_settings (view, &config, NULL);
  g_assert_cmpint (config.interval, ==, 1);

  run_to_end (view);

  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_assert_cmpuint (rl_experiment_runner_get_total_iterations (runner), ==, 4);
  n_plain = rl_experiment_runner_get_n_records (runner, RL_TWIN_PLAIN);
  n_res = rl_experiment_runner_get_n_records (runner, RL_TWIN_RESIDUAL);
  g_assert_cmpuint (n_plain, ==, 4);
  g_assert_cmpuint (n_res, ==, 4);

  /* the chart: plain (dashed) and residual (solid), a point per record, up to the last
   * iteration, errors between 0 and 1 */
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 2);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint series = rl_experiment_view_get_series (view, 0, (RlTwin) t);

      g_assert_cmpuint (rl_chart_get_n_points (chart, series), ==, 4);
      g_assert_true (rl_chart_get_last (chart, series, &x, &y));
      g_assert_cmpfloat (x, ==, 4.0);
      g_assert_cmpfloat (y, >=, 0.0);
      g_assert_cmpfloat (y, <=, 1.0);
    }

  /* the bars: one per weight layer, a gradient norm for each of both twins */
  g_assert_cmpuint (rl_layer_bars_get_n_layers (bars), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      double plain, res;

      g_assert_true (rl_layer_bars_get_value (bars, RL_LAYER_BARS_TOP, i, &plain));
      g_assert_true (rl_layer_bars_get_value (bars, RL_LAYER_BARS_BOTTOM, i, &res));
      g_assert_true (isfinite (plain) && plain > 0.0);
      g_assert_true (isfinite (res) && res > 0.0);
    }
  g_assert_true (rl_layer_bars_get_scale (bars, &lo, &hi));
  g_assert_cmpint (lo, <, hi);

  g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view), "Done in"));
  g_assert_nonnull (strstr (rl_experiment_view_get_status (view), "plain-8"));

  /* the other curve: the chart now shows the test error, one point per record as before */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.curve", "s", "test"));
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 2);
  g_assert_cmpuint (rl_chart_get_n_points (chart, 0), ==, 4);
  {
    g_autofree char *curve = NULL;

    g_object_get (view, "curve", &curve, NULL);
    g_assert_cmpstr (curve, ==, "test");
  }

  /* the other bars: response std, which the linear layer (the last) has none of */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.bars", "s", "std"));
  g_assert_true (rl_layer_bars_get_value (bars, RL_LAYER_BARS_TOP, 0, NULL));
  g_assert_true (rl_layer_bars_get_value (bars, RL_LAYER_BARS_BOTTOM, 6, NULL));
  g_assert_false (rl_layer_bars_get_value (bars, RL_LAYER_BARS_TOP, 7, NULL));

  /* and the widgets draw, hover read-out included */
  rl_layer_bars_set_hover (bars, gtk_widget_get_width (GTK_WIDGET (bars)) / 2.0,
                           gtk_widget_get_height (GTK_WIDGET (bars)) / 2.0);
  ui_test_spin (100);

  destroy_view (view, window);
}

/* ---- several runs on one chart ------------------------------------------------------------ */

static void
test_keep_and_replace (void)
{
  GtkWidget *window;
  RlExperimentView *view;
  RlChart *chart;

  SKIP_WITHOUT_MNIST ();

  view = new_view (&window);
  chart = rl_experiment_view_get_chart (view);
  rl_experiment_view_set_train_images (view, 256);

  rl_experiment_view_set_depth (view, 8);
  run_to_end (view);
  rl_experiment_view_set_depth (view, 20);
  run_to_end (view);

  /* both depths stay: plain-8, resnet-8, plain-20, resnet-20 */
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 2);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 4);
  g_assert_cmpuint (rl_chart_get_n_points (chart, rl_experiment_view_get_series (view, 1,
                                                                                 RL_TWIN_RESIDUAL)),
                    ==, 4);
  /* the bars follow the newest run */
  g_assert_cmpuint (rl_layer_bars_get_n_layers (rl_experiment_view_get_bars (view)), ==, 20);

  /* depth 8 again hides the first depth-8 run, which stays in the list */
  rl_experiment_view_set_depth (view, 8);
  run_to_end (view);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 3);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 4);
  g_assert_false (gtk_check_button_get_active (rl_experiment_view_get_run_check (view, 0)));
  g_assert_cmpuint (rl_experiment_view_get_series (view, 0, RL_TWIN_PLAIN), ==, G_MAXUINT);

  /* another setting (no batch norm) keeps every run: the list grows, nothing is hidden */
  rl_experiment_view_set_bn (view, FALSE);
  run_to_end (view);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 4);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 6);
  g_assert_nonnull (strstr (rl_chart_get_title (chart), "several settings"));

  /* the check buttons: the first run back on, the bn-off run off */
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), TRUE);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 8);
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 3), FALSE);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 6);
  g_assert_null (strstr (rl_chart_get_title (chart), "several settings"));
  g_assert_nonnull (strstr (rl_chart_get_title (chart), "batch norm"));

  /* Clear empties list, chart and bars */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 0);
  g_assert_cmpuint (rl_layer_bars_get_n_layers (rl_experiment_view_get_bars (view)), ==, 0);

  destroy_view (view, window);
}

/* ---- pause, seeds, export ----------------------------------------------------------------- */

/* The first button in @root (depth first) whose action is @action. */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  return ui_test_find_widget (root, ui_test_is_action_button, action);
}

static guint64
runner_iterations (RlExperimentRunner *runner)
{
  guint64 it[RL_N_TWINS], images;

  rl_experiment_runner_get_progress (runner, it, &images);
  return it[0] + it[1];
}

static gboolean
has_trained (gpointer data)
{
  return runner_iterations (data) > 0;
}

static gboolean
pause_enabled (gpointer data)
{
  return gtk_widget_is_sensitive (data);
}

static char *
read_text (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_pause_seeds_export (void)
{
  GtkWidget *window;
  RlExperimentView *view;
  RlExperimentRunner *runner;
  RlChart *chart;
  GtkWidget *pause_button;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *csv = NULL, *png = NULL, *svg = NULL, *pdf = NULL;
  g_autofree char *text = NULL, *again = NULL;
  g_auto (GStrv) lines = NULL;
  guint64 at_pause;
  gint64 t0, wall_us;
  guint banded = 0, seed2 = 0;
  GtkWidget *export_button;

  SKIP_WITHOUT_MNIST ();

  view = new_view (&window);
  runner = rl_experiment_view_get_runner (view);
  chart = rl_experiment_view_get_chart (view);
  pause_button = find_action_button (GTK_WIDGET (view), "experiment.pause");
  export_button = find_action_button (GTK_WIDGET (view), "experiment.export-csv");
  g_assert_nonnull (pause_button);
  g_assert_nonnull (export_button);
  g_assert_false (gtk_widget_is_sensitive (pause_button));
  g_assert_false (gtk_widget_is_sensitive (export_button));

  /* depth 8 on 1,280 images (20 iterations, a record every iteration), two seeds */
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 1280);
  rl_experiment_view_set_seeds (view, 2);
  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (has_trained, runner, 120));
  g_assert_true (ui_test_wait_for (pause_enabled, pause_button, 10));

  /* pause: the worker stops at the next batch and stays there */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.pause", NULL));
  g_assert_true (rl_runner_is_paused (RL_RUNNER (runner)));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (pause_button), "Resume"));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (pause_button)), ==,
                   "media-playback-start-symbolic");
  /* the batch in progress ends (it can take seconds on a loaded machine): wait until the
   * count holds still for a second, then it must stay there */
  at_pause = runner_iterations (runner);
  for (int i = 0; i < 60; i++)
    {
      ui_test_spin (1000);
      if (runner_iterations (runner) == at_pause)
        break;
      at_pause = runner_iterations (runner);
    }
  ui_test_spin (2500);
  g_assert_cmpuint (runner_iterations (runner), ==, at_pause);
  g_assert_true (rl_experiment_view_is_busy (view));
  /* resume: it trains on to the end */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.pause", NULL));
  g_assert_false (rl_runner_is_paused (RL_RUNNER (runner)));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (pause_button), "Pause"));
  g_assert_true (ui_test_wait_for (not_busy, view, 300));
  g_assert_true (gtk_widget_is_sensitive (export_button));
  wall_us = g_get_monotonic_time () - t0;
  g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view), "Done in"));
  /* the run's time leaves the pause (over 3 s) out */
  g_assert_cmpfloat (rl_experiment_view_get_run_seconds (view, 0), <, wall_us / 1e6 - 2.5);
  g_assert_cmpfloat (rl_experiment_view_get_run_seconds (view, 0), >, 0.0);

  /* two seeds: each twin's curve is the mean, a band around each point holds it */
  g_assert_cmpuint (rl_experiment_runner_get_n_seeds (runner), ==, 2);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 2);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint series = rl_experiment_view_get_series (view, 0, (RlTwin) t);

      g_assert_cmpuint (rl_chart_get_n_points (chart, series), ==, 20);
      for (guint i = 0; i < 20; i++)
        {
          double lo, hi;

          g_assert_true (rl_chart_get_band (chart, series, i, &lo, &hi));
          g_assert_cmpfloat (lo, <=, hi);
          banded += hi > lo;
        }
    }
  g_assert_cmpuint (banded, >, 20);    /* the seeds differ */

  /* a second run with another setting (no batch norm, one seed): the first stays listed */
  rl_experiment_view_set_seeds (view, 1);
  rl_experiment_view_set_train_images (view, 256);
  rl_experiment_view_set_bn (view, FALSE);
  run_to_end (view);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 2);
  g_assert_true (gtk_check_button_get_active (rl_experiment_view_get_run_check (view, 0)));
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 4);

  /* export to a temporary directory: CSV as the command line writes it, PNG and SVG */
  dir = g_dir_make_tmp ("reslab-ui-export-XXXXXX", &error);
  g_assert_no_error (error);
  csv = g_build_filename (dir, "curves.csv", NULL);
  png = g_build_filename (dir, "figure.png", NULL);
  svg = g_build_filename (dir, "figure.svg", NULL);
  pdf = g_build_filename (dir, "figure.pdf", NULL);
  g_assert_true (rl_experiment_view_export_csv (view, csv, FALSE, &error));
  g_assert_no_error (error);
  text = read_text (csv);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "depth,net,shortcut,bn,iteration,images,epoch,train_error,"
                                 "train_loss,test_error,seed");
  /* run 1: 2 twins x 2 seeds x 20 records; run 2: 2 twins x 4 records; the final "" */
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 80 + 8 + 1);
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (f), ==, 11);
      g_assert_cmpstr (f[0], ==, "8");
      g_assert_cmpstr (f[3], ==, i <= 80 ? "on" : "off");
      seed2 += strcmp (f[10], "2") == 0;
    }
  g_assert_cmpuint (seed2, ==, 40);

  /* never overwritten silently: without overwrite the file stays as it was */
  g_assert_true (g_file_set_contents (csv, "mine", -1, NULL));
  g_assert_false (rl_experiment_view_export_csv (view, csv, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  again = read_text (csv);
  g_assert_cmpstr (again, ==, "mine");

  g_assert_true (rl_experiment_view_export_figure (view, png, FALSE, &error));
  g_assert_no_error (error);
  {
    cairo_surface_t *surface = cairo_image_surface_create_from_png (png);

    g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
    g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1100);
    g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 460);
    cairo_surface_destroy (surface);
  }
  g_assert_true (rl_experiment_view_export_figure (view, svg, FALSE, &error));
  g_assert_no_error (error);
  {
    g_autofree char *doc = read_text (svg);

    g_assert_true (g_str_has_prefix (doc, "<?xml"));
    g_assert_nonnull (strstr (doc, "</svg>"));
  }
  /* another extension, or no run shown: errors, no file */
  g_assert_false (rl_experiment_view_export_figure (view, pdf, FALSE, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), FALSE);
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 1), FALSE);
  g_assert_false (gtk_widget_is_sensitive (export_button));
  g_assert_false (rl_experiment_view_export_csv (view, pdf, TRUE, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpint (g_remove (csv), ==, 0);
  g_assert_cmpint (g_remove (png), ==, 0);
  g_assert_cmpint (g_remove (svg), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  destroy_view (view, window);
}

/* ---- stop --------------------------------------------------------------------------------- */

typedef struct {
  RlExperimentView *view;
  gint64            record_us[2];   /* times of the first two plain records */
  guint             n_plain;
  gboolean          finished;
  gboolean          completed;
} StopData;

static void
stop_record_cb (RlExperimentRunner *runner,
                RlExperimentRecord *record,
                StopData           *data)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (record->twin == RL_TWIN_PLAIN && data->n_plain < 2)
    data->record_us[data->n_plain] = g_get_monotonic_time ();
  if (record->twin == RL_TWIN_PLAIN)
    data->n_plain++;
}

static void
stop_finished_cb (RlExperimentRunner *runner,
                  gboolean            completed,
                  const GError       *error,
                  StopData           *data)
{
  g_assert_no_error (error);
  data->finished = TRUE;
  data->completed = completed;
}

static gboolean
two_plain_records (gpointer user_data)
{
  StopData *data = user_data;

  return data->n_plain >= 2;
}

/* For ui_test_wait_for (): the view has stopped; meanwhile, the most iterations the worker was
 * seen at (its count reads zero once the run has ended). */
typedef struct {
  RlExperimentView *view;
  guint64           most;
} StopWait;

static gboolean
stopped_noting_iterations (gpointer user_data)
{
  StopWait *wait = user_data;

  wait->most = MAX (wait->most, runner_iterations (rl_experiment_view_get_runner (wait->view)));
  return not_busy (wait->view);
}

static void
test_stop (void)
{
  GtkWidget *window;
  RlExperimentView *view;
  RlExperimentRunner *runner;
  StopData data = { 0 };
  StopWait wait = { 0 };
  gint64 interval_us, t0, latency_us;
  guint64 at_stop;

  SKIP_WITHOUT_MNIST ();

  view = new_view (&window);
  runner = rl_experiment_view_get_runner (view);
  data.view = view;
  wait.view = view;
  g_signal_connect (runner, "record", G_CALLBACK (stop_record_cb), &data);
  g_signal_connect (runner, "finished", G_CALLBACK (stop_finished_cb), &data);

  /* depth 20 on 6,400 images: 100 iterations, a record every 4 */
  rl_experiment_view_set_depth (view, 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (two_plain_records, &data, 120));

  /* one interval of both twins, their records' evaluation included */
  interval_us = data.record_us[1] - data.record_us[0];
  g_assert_cmpint (interval_us, >, 0);

  t0 = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.stop", NULL));
  /* read after the stop: the batch in progress then may still end, no other begins */
  at_stop = runner_iterations (runner);
  g_assert_true (ui_test_wait_for (stopped_noting_iterations, &wait, 60));
  latency_us = g_get_monotonic_time () - t0;
  g_test_message ("interval %.2f s, stopped after %.2f s, %" G_GUINT64_FORMAT " iterations "
                  "at the stop, %" G_GUINT64_FORMAT " at most after", interval_us / 1e6,
                  latency_us / 1e6, at_stop, wait.most);

  g_assert_true (data.finished);
  g_assert_false (data.completed);
  /* it ended within the batch in progress (how long that took is only reported) */
  g_assert_cmpuint (wait.most, <=, at_stop + 1);
  g_assert_cmpuint (rl_experiment_runner_get_n_records (runner, RL_TWIN_PLAIN), <, 25);
  g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view), "Stopped in"));
  g_assert_true (rl_experiment_view_can_run (view));

  g_signal_handlers_disconnect_by_data (runner, &data);
  destroy_view (view, window);
}

/* Finalising the view while the twins train cancels them; the worker is joined later. */
static void
test_dispose_while_running (void)
{
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  view = new_view (&window);
  rl_experiment_view_set_depth (view, 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (busy, view, 1));
  /* past the data loading, into training */
  g_assert_true (ui_test_wait_for (runner_running,
                                   rl_experiment_view_get_runner (view), 60));
  destroy_view (view, window);
  g_assert_cmpuint (rl_worker_join_abandoned (), ==, 1);
}

/* ---- in the window ------------------------------------------------------------------------ */

/* A widget whose tooltip begins with @data. */
static gboolean
has_tooltip_starting (GtkWidget     *widget,
                      gconstpointer  data)
{
  const char *tip = gtk_widget_get_tooltip_text (widget);

  return tip != NULL && g_str_has_prefix (tip, data);
}

static void
test_window (void)
{
  RlWindow *window;
  RlExperimentView *view;
  GtkWidget *settings;
  int settings_width;

  SKIP_WITHOUT_MNIST ();

  window = ui_test_new_window ();
  view = rl_window_get_experiment_view (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "experiment"));
  g_assert_cmpstr (rl_window_get_view (window), ==, "experiment");
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  settings = ui_test_find_type (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (settings);
  settings_width = gtk_widget_get_width (settings);

  /* On the Experiment page the train and stop actions (Ctrl+Return, Ctrl+.) act on the twins */
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 6400);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (rl_experiment_view_is_busy (view));
  g_assert_false (rl_window_is_busy (window));   /* the Train view's run did not start */
  g_assert_true (ui_test_wait_for (runner_running,
                                   rl_experiment_view_get_runner (view), 60));

  /* the pause action (Ctrl+P, the header's Pause) pauses and resumes them: the header
   * said the twins could not pause while the view's own Pause could */
  {
    RlRunner *twins = RL_RUNNER (rl_experiment_view_get_runner (view));

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-resume", NULL));
    g_assert_true (rl_runner_is_paused (twins));
    g_assert_true (ui_test_find_widget (GTK_WIDGET (window), has_tooltip_starting,
                                       "Resume training") != NULL);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-resume", NULL));
    g_assert_false (rl_runner_is_paused (twins));
    g_assert_null (ui_test_find_widget (GTK_WIDGET (window), has_tooltip_starting,
                                        "Resume training"));
  }

  /* meanwhile the Train view cannot start a run of its own */
  rl_window_set_view (window, "train");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_false (rl_window_is_busy (window));

  rl_window_set_view (window, "experiment");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (ui_test_wait_for (not_busy, view, 60));
  g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view), "Stopped in"));
  /* the run's row, its title wrapped, leaves the settings column as wide as it was (it
   * widened it by 80 px) */
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_test_message ("the settings column: %d px, then %d", settings_width,
                  gtk_widget_get_width (settings));
  g_assert_cmpint (gtk_widget_get_width (settings), ==, settings_width);

  /* Closing the window while the twins train asks first; Stop and Quit stops them and then
   * closes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (ui_test_wait_for (runner_running,
                                   rl_experiment_view_get_runner (view), 60));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 10));
  {
    GtkMessageDialog *dialog = ui_test_find_message_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);

    g_assert_true (g_str_has_prefix (text, "Stop the twins and quit?"));
    g_assert_false (ui_test_window_gone (window));
    gtk_dialog_response (GTK_DIALOG (dialog), 1);   /* Stop and Quit */
  }
  g_assert_true (ui_test_wait_for (ui_test_window_gone, window, 60));
  g_assert_false (rl_experiment_view_is_busy (view));
  g_assert_finalize_object (window);
}

/* ---- the Inside view of the CIFAR-style nets ---------------------------------------------- */

static int
find_section (RlFeatureView *features,
              const char    *prefix)
{
  for (guint s = 0; s < rl_feature_view_get_n_sections (features); s++)
    if (g_str_has_prefix (rl_feature_view_get_section_title (features, s), prefix))
      return (int) s;
  return -1;
}

static gboolean
section_has_row (RlFeatureView *features,
                 int            section,
                 const char    *label)
{
  for (guint r = 0; r < rl_feature_view_get_section_n_rows (features, (guint) section); r++)
    if (g_strcmp0 (rl_feature_view_get_row_label (features, (guint) section, r), label) == 0)
      return TRUE;
  return FALSE;
}

/* Puts a CIFAR-style net of @depth into an Inside view with a drawn-like input. */
static void
inside_view_of (gboolean     residual,
                RlShortcut   shortcut,
                GtkWidget  **window,
                RlPredictor **predictor,
                RlInsideView **inside)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_new_cifar (8, residual, shortcut, TRUE, &error);
  RlModel *model;
  float image[28 * 28] = { 0 };

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (model, 1);

  /* a vertical bar, like a 1 */
  for (int y = 4; y < 24; y++)
    for (int x = 12; x < 16; x++)
      image[y * 28 + x] = 1.0f;

  *predictor = rl_predictor_new ();
  rl_predictor_set_model (*predictor, model, RL_DATASET_MNIST);
  rl_predictor_set_image (*predictor, image, -1);

  *inside = g_object_ref_sink (g_object_new (RL_TYPE_INSIDE_VIEW, NULL));
  rl_inside_view_set_predictor (*inside, *predictor);
  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1024, 700);
  gtk_window_set_child (GTK_WINDOW (*window), GTK_WIDGET (*inside));
  gtk_window_present (GTK_WINDOW (*window));
  ui_test_spin (100);   /* lays out and draws, wrapped 64-channel sections included */
}

static void
close_inside_view (GtkWidget    *window,
                   RlPredictor  *predictor,
                   RlInsideView *inside)
{
  rl_inside_view_set_predictor (inside, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (inside);
  g_assert_finalize_object (predictor);
}

static void
test_inside_resnet8 (void)
{
  const RlShortcut shortcuts[] = { RL_SHORTCUT_A, RL_SHORTCUT_B };

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      GtkWidget *window;
      RlPredictor *predictor;
      RlInsideView *inside;
      RlFeatureView *features;
      int s;

      inside_view_of (TRUE, shortcuts[i], &window, &predictor, &inside);
      features = rl_inside_view_get_feature_view (inside);

      /* input; conv1 → bn1 → ReLU; layer1.0; layer2.0; layer3.0; average pool; fc */
      g_assert_cmpuint (rl_feature_view_get_n_sections (features), ==, 7);

      /* the first block keeps its shape: identity shortcut, no shortcut row */
      s = find_section (features, "layer1.0 · residual block");
      g_assert_cmpint (s, >=, 0);
      g_assert_cmpuint (rl_feature_view_get_section_n_rows (features, s), ==, 3);
      g_assert_true (section_has_row (features, s, "x"));
      g_assert_true (section_has_row (features, s, "F(x)"));
      g_assert_true (section_has_row (features, s, "relu(F(x) + x)"));
      g_assert_false (section_has_row (features, s, "shortcut(x)"));

      /* the downsampling blocks: x, F(x), shortcut(x), relu(F(x) + sc(x)) */
      for (guint b = 0; b < 2; b++)
        {
          s = find_section (features, b == 0 ? "layer2.0 · residual block"
                                             : "layer3.0 · residual block");
          g_assert_cmpint (s, >=, 0);
          g_assert_cmpuint (rl_feature_view_get_section_n_rows (features, s), ==, 4);
          g_assert_cmpstr (rl_feature_view_get_row_label (features, s, 0), ==, "x");
          g_assert_cmpstr (rl_feature_view_get_row_label (features, s, 1), ==, "F(x)");
          g_assert_cmpstr (rl_feature_view_get_row_label (features, s, 2), ==, "shortcut(x)");
          g_assert_cmpstr (rl_feature_view_get_row_label (features, s, 3), ==,
                           "relu(F(x) + sc(x))");
        }
      g_assert_true (rl_predictor_get_prediction (predictor) >= 0);

      close_inside_view (window, predictor, inside);
    }
}

static void
test_inside_plain8 (void)
{
  GtkWidget *window;
  RlPredictor *predictor;
  RlInsideView *inside;
  RlFeatureView *features;

  inside_view_of (FALSE, RL_SHORTCUT_A, &window, &predictor, &inside);
  features = rl_inside_view_get_feature_view (inside);

  g_assert_cmpuint (rl_feature_view_get_n_sections (features), ==, 7);
  for (guint b = 0; b < 3; b++)
    {
      g_autofree char *title = g_strdup_printf ("layer%u.0 · plain block", b + 1);
      int s = find_section (features, title);

      g_assert_cmpint (s, >=, 0);
      g_assert_cmpuint (rl_feature_view_get_section_n_rows (features, s), ==, 3);
      g_assert_false (section_has_row (features, s, "shortcut(x)"));
      g_assert_true (section_has_row (features, s, "relu(F(x))"));
    }

  close_inside_view (window, predictor, inside);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/experiment/build-finalize", test_build_finalize);
  ui_test_add ("/ui/experiment/tiny-run", test_tiny_run);
  ui_test_add ("/ui/experiment/keep-and-replace", test_keep_and_replace);
  ui_test_add ("/ui/experiment/pause-seeds-export", test_pause_seeds_export);
  ui_test_add ("/ui/experiment/stop", test_stop);
  ui_test_add ("/ui/experiment/dispose-while-running", test_dispose_while_running);
  ui_test_add ("/ui/experiment/window", test_window);
  ui_test_add ("/ui/experiment/inside-resnet-8", test_inside_resnet8);
  ui_test_add ("/ui/experiment/inside-plain-8", test_inside_plain8);

  return ui_test_run ();
}
