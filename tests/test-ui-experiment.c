/* test-ui-experiment.c: the Experiment view (plain and residual twins) through its actions: it
 * builds and goes away without leaks; a tiny run on real MNIST completes, puts both twins'
 * curves on the chart and values on every layer bar; every run stays in the list of runs (a run
 * of the same depth and setting hides its earlier one, another setting hides nothing) and its
 * check button shows and hides its curves; a run pauses and resumes, with the pause left out of
 * its time; two seeds draw bands that hold the mean; the shown runs export as CSV, PNG and SVG
 * without overwriting a file silently; Stop ends a run within one interval; in the window, the
 * header's Train and Stop act on the twins on the Experiment page. Finished runs kept as files
 * come back in a new view with every point, band, bar, row and export as they were, and Clear
 * deletes the files; bad files (cut short, garbage, huge counts, NaN, a newer format, a folder)
 * are skipped, left byte for byte and named once; a folder that cannot be written gives a
 * message, and so does a twin that cannot be written (a folder in its place), naming its file
 * while the run and its other twin stay kept, and so do a twin's initial weights. Each kept run's tick comes back as the user left
 * it (the newest of a setting shown when the folder has no ticks), and its twins are kept
 * beside it, its row's menu asking for their landscape and its row saying how much its files
 * take. And the Inside view of the CIFAR-style nets: the downsampling blocks of a resnet-8
 * show their shortcut's output, a plain-8 has plain blocks. */

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ui-test-utils.h"
#include "experiment-test-utils.h"

#include "rl-error.h"
#include "rl-worker.h"
#include "rl-experiment-file.h"
#include "rl-dialogs.h"
#include "rl-experiment-view.h"
#include "rl-dataset-loader.h"
#include "rl-landscape.h"
#include "rl-model-file.h"
#include "rl-safetensors.h"
#include "rl-window.h"

#define SKIP_WITHOUT_MNIST() \
  G_STMT_START { \
    if (!ui_test_has_dataset (RL_DATASET_MNIST)) \
      { \
        g_test_skip ("no MNIST files: run ./dev.sh data"); \
        return; \
      } \
  } G_STMT_END

/* A view in a window of its own. */
static RlExperimentView *
new_view (GtkWidget **window)
{
  RlExperimentView *view = g_object_ref_sink (g_object_new (RL_TYPE_EXPERIMENT_VIEW, NULL));

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1024, 700);
  gtk_window_set_child (GTK_WINDOW (*window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (*window));
  return view;
}

static void
destroy_view (RlExperimentView *view,
              GtkWidget        *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static gboolean
not_busy (gpointer data)
{
  return !rl_experiment_view_is_busy (data);
}

static gboolean
busy (gpointer data)
{
  return rl_experiment_view_is_busy (data);
}

static gboolean
not_restoring (gpointer data)
{
  return !rl_experiment_view_is_restoring (data);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
runner_running (gpointer data)
{
  return rl_runner_is_running (RL_RUNNER (data));
}

/* Runs the twins with the view's settings and waits for the end. */
static void
run_to_end (RlExperimentView *view)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (rl_experiment_view_is_busy (view));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));
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
static gboolean
is_action_button (GtkWidget     *widget,
                  gconstpointer  action)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  return ui_test_find_widget (root, is_action_button, action);
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

static void
test_stop (void)
{
  GtkWidget *window;
  RlExperimentView *view;
  RlExperimentRunner *runner;
  StopData data = { 0 };
  gint64 interval_us, t0, latency_us;

  SKIP_WITHOUT_MNIST ();

  view = new_view (&window);
  runner = rl_experiment_view_get_runner (view);
  data.view = view;
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
  g_assert_true (ui_test_wait_for (not_busy, view, 60));
  latency_us = g_get_monotonic_time () - t0;
  g_test_message ("interval %.2f s, stopped after %.2f s", interval_us / 1e6, latency_us / 1e6);

  g_assert_true (data.finished);
  g_assert_false (data.completed);
  g_assert_cmpint (latency_us, <, interval_us);
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
  ui_test_spin (100);
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
  ui_test_spin (100);
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

/* ---- kept runs ---------------------------------------------------------------------------- */

/* A new folder under the test's private XDG data. Returns: (transfer full) */
static char *
new_keep_dir (const char *name)
{
  char *dir = g_build_filename (ui_test_tmp_dir, "kept", name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* A view that keeps its runs in @dir, once it has read those there. */
static RlExperimentView *
new_keeping_view (GtkWidget  **window,
                  const char  *dir)
{
  RlExperimentView *view = new_view (window);

  rl_experiment_view_keep_runs (view, dir);
  g_assert_true (ui_test_wait_for (not_restoring, view, 30));
  return view;
}

/* The run files in @dir, sorted. Returns: (transfer full) */
static GPtrArray *
run_files (const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, RL_EXPERIMENT_FILE_SUFFIX))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  if (d != NULL)
    g_dir_close (d);
  g_ptr_array_sort (files, compare_strings);
  return files;
}

typedef struct {
  const char *dir;
  guint       n;
} FilesWait;

static gboolean
has_n_files (gpointer data)
{
  FilesWait *w = data;
  g_autoptr (GPtrArray) files = run_files (w->dir);

  return files->len == w->n;
}

static void
wait_for_files (const char *dir,
                guint       n)
{
  FilesWait w = { dir, n };

  g_assert_true (ui_test_wait_for (has_n_files, &w, 30));
}

typedef struct {
  const char *path;
  const char *text;
} TextWait;

static gboolean
has_text (gpointer data)
{
  TextWait *w = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (w->path, &text, NULL, NULL) && g_strcmp0 (text, w->text) == 0;
}

/* Waits until the folder's ticks say @shown of the run files @files (writes end on their own:
 * the last state wins). shown: (files->len) */
static void
wait_for_ticks (const char     *dir,
                GPtrArray      *files,
                const gboolean *shown)
{
  g_autofree char *path = g_build_filename (dir, RL_EXPERIMENT_FILE_TICKS, NULL);
  g_autoptr (GBytes) bytes = rl_experiment_file_format_ticks ((const char * const *) files->pdata,
                                                              shown, files->len);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  TextWait w = { path, text };

  g_assert_true (ui_test_wait_for (has_text, &w, 30));
}

/* Every point the chart draws of both views' run @run, and the records behind them. */
static void
assert_runs_equal (RlExperimentView *a,
                   RlExperimentView *b,
                   guint             run)
{
  const RlExperimentGroup *ga = rl_experiment_view_get_run_group (a, run);
  const RlExperimentGroup *gb = rl_experiment_view_get_run_group (b, run);
  RlChart *ca = rl_experiment_view_get_chart (a);
  RlChart *cb = rl_experiment_view_get_chart (b);

  g_assert_cmpfloat (rl_experiment_view_get_run_seconds (a, run), ==,
                     rl_experiment_view_get_run_seconds (b, run));
  g_assert_cmpint (gtk_check_button_get_active (rl_experiment_view_get_run_check (a, run)), ==,
                   gtk_check_button_get_active (rl_experiment_view_get_run_check (b, run)));
  g_assert_cmpstr (gtk_check_button_get_label (rl_experiment_view_get_run_check (a, run)), ==,
                   gtk_check_button_get_label (rl_experiment_view_get_run_check (b, run)));
  assert_groups_equal (ga, gb);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint sa = rl_experiment_view_get_series (a, run, (RlTwin) t);
      guint sb = rl_experiment_view_get_series (b, run, (RlTwin) t);

      for (guint s = 0; s < rl_experiment_group_get_n_seeds (ga); s++)
        g_assert_cmpuint (rl_experiment_group_get_n_records (ga, t, s), >, 0);
      g_assert_cmpuint (sa, ==, sb);
      if (sa == G_MAXUINT)
        continue;
      g_assert_cmpuint (rl_chart_get_n_points (ca, sa), ==, rl_chart_get_n_points (cb, sb));
      for (guint i = 0; i < rl_chart_get_n_points (ca, sa); i++)
        {
          double lo_a = 0, hi_a = 0, lo_b = 0, hi_b = 0;

          g_assert_cmpint (rl_chart_get_band (ca, sa, i, &lo_a, &hi_a), ==,
                           rl_chart_get_band (cb, sb, i, &lo_b, &hi_b));
          g_assert_cmpfloat (lo_a, ==, lo_b);
          g_assert_cmpfloat (hi_a, ==, hi_b);
        }
      {
        double xa, ya, xb, yb;

        g_assert_true (rl_chart_get_last (ca, sa, &xa, &ya));
        g_assert_true (rl_chart_get_last (cb, sb, &xb, &yb));
        g_assert_cmpfloat (xa, ==, xb);
        g_assert_cmpfloat (ya, ==, yb);
      }
    }
}

static char *
export_csv (RlExperimentView *view,
            const char       *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (ui_test_tmp_dir, name, NULL);
  char *csv = NULL;

  g_assert_true (rl_experiment_view_export_csv (view, path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  return csv;
}

/* Two real runs (two seeds, then one that hides it), kept, then restored into a new view with
 * every point, band, bar, row and export as they were; Clear removes the files. */
static void
test_kept_runs (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autofree char *csv_before = NULL;
  g_autofree char *csv_after = NULL;
  GtkWidget *window, *window2;
  RlExperimentView *view, *view2;
  RlLayerBars *bars, *bars2;

  SKIP_WITHOUT_MNIST ();

  dir = new_keep_dir ("round-trip");
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 256);
  rl_experiment_view_set_seeds (view, 2);
  run_to_end (view);
  rl_experiment_view_set_seeds (view, 1);
  run_to_end (view);
  wait_for_files (dir, 2);
  files = run_files (dir);
  g_assert_cmpstr (rl_experiment_view_get_run_path (view, 0), ==, files->pdata[0]);
  g_assert_cmpstr (rl_experiment_view_get_run_path (view, 1), ==, files->pdata[1]);
  /* the first, hidden by the second, is shown for the export */
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), TRUE);
  csv_before = export_csv (view, "before.csv");
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), FALSE);
  {
    const gboolean shown[] = { FALSE, TRUE };

    wait_for_ticks (dir, files, shown);
  }

  /* a restart */
  view2 = new_keeping_view (&window2, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 2);
  g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view2),
                                   "Restored 2 runs kept from before. Run 2: Done in"));
  g_assert_null (ui_test_find_message_dialog ());
  for (guint r = 0; r < 2; r++)
    {
      assert_runs_equal (view, view2, r);
      g_assert_cmpstr (rl_experiment_view_get_run_path (view2, r), ==, files->pdata[r]);
    }
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (rl_experiment_view_get_run_group (view2, 0)),
                    ==, 2);
  g_assert_false (gtk_check_button_get_active (rl_experiment_view_get_run_check (view2, 0)));
  g_assert_cmpstr (rl_chart_get_title (rl_experiment_view_get_chart (view)), ==,
                   rl_chart_get_title (rl_experiment_view_get_chart (view2)));
  bars = rl_experiment_view_get_bars (view);
  bars2 = rl_experiment_view_get_bars (view2);
  g_assert_cmpuint (rl_layer_bars_get_n_layers (bars2), ==, 8);
  {
    int lo = 0, hi = 0, lo2 = 1, hi2 = 1;

    /* the scale the bars built up record by record */
    g_assert_true (rl_layer_bars_get_scale (bars, &lo, &hi));
    g_assert_true (rl_layer_bars_get_scale (bars2, &lo2, &hi2));
    g_assert_cmpint (lo, ==, lo2);
    g_assert_cmpint (hi, ==, hi2);
  }
  for (guint i = 0; i < 8; i++)
    for (int half = 0; half < 2; half++)
      {
        double a = 0, b = 0;

        g_assert_true (rl_layer_bars_get_value (bars, half, i, &a));
        g_assert_true (rl_layer_bars_get_value (bars2, half, i, &b));
        g_assert_cmpfloat (a, ==, b);
      }
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view2, 0), TRUE);
  csv_after = export_csv (view2, "after.csv");
  g_assert_cmpstr (csv_after, ==, csv_before);
  destroy_view (view, window);

  /* a new run after the restored ones gets the next number and its own file */
  rl_experiment_view_set_depth (view2, 8);
  rl_experiment_view_set_train_images (view2, 128);
  run_to_end (view2);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 3);
  g_assert_true (g_str_has_prefix (gtk_check_button_get_label (rl_experiment_view_get_run_check (view2, 2)),
                                   "Run 3:"));
  wait_for_files (dir, 3);

  /* Clear removes them all */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view2), "experiment.clear", NULL));
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 0);
  wait_for_files (dir, 0);
  destroy_view (view2, window2);

  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  destroy_view (view, window);
}

/* good with the line "@key=..." replaced by "@key=@value". Returns: (transfer full) */
static char *
replace_value (const char *good,
               const char *key,
               const char *value)
{
  g_autofree char *prefix = g_strdup_printf ("\n%s=", key);
  const char *line = strstr (good, prefix);
  const char *end;

  g_assert_nonnull (line);
  end = strchr (line + 1, '\n');
  return g_strdup_printf ("%.*s\n%s=%s%s", (int) (line - good), good, key, value, end);
}

typedef struct {
  const char *name;
  const char *phrase;    /* what the message says of it */
  char       *contents;  /* NULL: a folder */
} BadFile;

static void
write_bytes (const char *path,
             const char *contents,
             gssize      length)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
}

static GtkMessageDialog *
wait_for_dialog (void)
{
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 30));
  return ui_test_find_message_dialog ();
}

/* Every kind of bad file: skipped, left byte for byte, named once with what is wrong. */
static void
test_bad_kept_files (void)
{
  static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR garbage \xff\xfe";
  g_autofree char *dir = NULL;
  g_autofree char *good = NULL;
  g_autoptr (GPtrArray) files = NULL;
  BadFile bad[] = {
    { "20000101-000000.000001-depth8.reslab-experiment", "it is cut short", NULL },
    { "20000101-000000.000002-depth8.reslab-experiment", "it is not a ResLab experiment run", NULL },
    { "20000101-000000.000003-depth8.reslab-experiment", "it claims more than ResLab accepts", NULL },
    { "20000101-000000.000004-depth8.reslab-experiment", "not finite where one must be", NULL },
    { "20000101-000000.000005-depth8.reslab-experiment", "written by a newer version", NULL },
    { "20000101-000000.000006-depth8.reslab-experiment", "it is a folder, not a file", NULL },
  };
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  /* a good file, from a real run */
  dir = new_keep_dir ("bad");
  view = new_keeping_view (&window, dir);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 128);
  run_to_end (view);
  wait_for_files (dir, 1);
  destroy_view (view, window);
  files = run_files (dir);
  g_assert_true (g_file_get_contents (files->pdata[0], &good, NULL, NULL));

  bad[0].contents = g_strndup (good, strlen (good) * 2 / 3);
  bad[1].contents = g_memdup2 (garbage, sizeof garbage);
  bad[2].contents = replace_value (good, "records", "99999999999;");
  bad[3].contents = replace_value (good, "learning-rate", "nan");
  bad[4].contents = replace_value (good, "format", "2");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (dir, bad[i].name, NULL);

      if (bad[i].contents == NULL)
        g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      else
        write_bytes (path, bad[i].contents, i == 1 ? (gssize) sizeof garbage : -1);
    }

  /* the good run is back; one message names every bad file and what is wrong with it */
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  {
    GtkMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);

    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "6 kept experiment runs could not be restored\n"));
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *line = g_strdup_printf ("“%s”: ", bad[i].name);
        const char *at = strstr (text, line);

        g_assert_nonnull (at);
        g_assert_nonnull (strstr (at, bad[i].phrase));
        g_assert_true (strstr (at, bad[i].phrase) < strchr (at, '\n'));
      }
    g_assert_nonnull (strstr (text, dir));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  destroy_view (view, window);

  /* left as they were */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (dir, bad[i].name, NULL);
      g_autofree char *now = NULL;
      gsize length = 0;

      if (bad[i].contents == NULL)
        {
          g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
          continue;
        }
      g_assert_true (g_file_get_contents (path, &now, &length, NULL));
      g_assert_cmpmem (now, length, bad[i].contents,
                       i == 1 ? sizeof garbage : strlen (bad[i].contents));
    }

  /* once: the next start says nothing of the same files */
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  ui_test_spin (200);
  g_assert_null (ui_test_find_message_dialog ());
  destroy_view (view, window);

  /* a bad file that changes is news again, alone */
  {
    g_autofree char *path = g_build_filename (dir, bad[4].name, NULL);

    g_free (bad[4].contents);
    bad[4].contents = replace_value (good, "format", "3");
    write_bytes (path, bad[4].contents, -1);
  }
  view = new_keeping_view (&window, dir);
  {
    GtkMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);

    g_assert_true (g_str_has_prefix (text, "A kept experiment run could not be restored\n"));
    g_assert_nonnull (strstr (text, bad[4].name));
    g_assert_null (strstr (text, bad[0].name));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  destroy_view (view, window);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_free (bad[i].contents);
}

static gboolean
run_ticked (RlExperimentView *view,
            guint             run)
{
  return gtk_check_button_get_active (rl_experiment_view_get_run_check (view, run));
}

static gboolean
second_run_menu (gpointer data)
{
  return ui_test_menu_find (rl_experiment_view_get_run_menu (data, 1), "win.show-landscape") >= 0;
}

/* What the row of the run kept at @path ends with: the bytes of its file, its twins and their
 * initial weights, as the five files are. Returns: (transfer full) */
static char *
size_on_disk (const char *path)
{
  const char *suffixes[] = { ".plain.safetensors", ".plain.initial.safetensors",
                             ".resnet.safetensors", ".resnet.initial.safetensors" };
  g_autofree char *stem = g_strndup (path, strlen (path) - strlen (RL_EXPERIMENT_FILE_SUFFIX));
  g_autofree char *size = NULL;
  GStatBuf st;
  guint64 total;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  total = (guint64) st.st_size;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (stem, suffixes[i], NULL);

      g_assert_cmpint (g_stat (file, &st), ==, 0);
      total += (guint64) st.st_size;
    }
  size = g_format_size (total);
  return g_strdup_printf (" · %s on disk", size);
}

/* The ticks of kept runs (#16 follow-up): two runs of one setting, the first hidden by the
 * second, then the user shows the first and hides the second; a restart shows them so, not
 * as two new runs would be. A folder without ticks shows the newest run of each setting, as
 * before. And each run keeps its twins beside it, its row's menu asking for their landscape. */
static void
test_kept_ticks (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *ticks = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GPtrArray) files = NULL;
  GtkWidget *window, *window2;
  RlExperimentView *view, *view2;
  RlExperimentConfig used;
  RlDatasetKind used_kind;
  guint used_seeds;

  SKIP_WITHOUT_MNIST ();

  dir = new_keep_dir ("ticks");
  ticks = g_build_filename (dir, RL_EXPERIMENT_FILE_TICKS, NULL);
  view = new_keeping_view (&window, dir);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 128);
  rl_experiment_view_get_settings (view, &used, &used_kind);
  used_seeds = rl_experiment_view_get_seeds (view);
  run_to_end (view);
  run_to_end (view);
  wait_for_files (dir, 2);
  g_assert_false (run_ticked (view, 0));
  g_assert_true (run_ticked (view, 1));
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), TRUE);
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 1), FALSE);
  files = run_files (dir);
  {
    g_autofree char *first = g_path_get_basename (files->pdata[0]);
    g_autofree char *second = g_path_get_basename (files->pdata[1]);
    const gboolean shown[] = { TRUE, FALSE };
    TextWait w = { ticks, NULL };

    /* the file as the engine's test reads it back */
    expected = g_strdup_printf ("shown %s\nhidden %s\n", first, second);
    w.text = expected;
    g_assert_true (ui_test_wait_for (has_text, &w, 30));
    wait_for_ticks (dir, files, shown);
  }
  /* the twins follow each run, and its row's menu asks the window for their landscape */
  g_assert_true (ui_test_wait_for (second_run_menu, view, 30));
  for (guint r = 0; r < 2; r++)
    {
      GMenuModel *menu = rl_experiment_view_get_run_menu (view, r);
      int item = ui_test_menu_find (menu, "win.show-landscape");
      g_autoptr (GVariant) target = NULL;
      g_autofree const char **keys = NULL;

      g_assert_cmpint (item, >=, 0);
      target = g_menu_model_get_item_attribute_value (menu, item, G_MENU_ATTRIBUTE_TARGET,
                                                      G_VARIANT_TYPE_STRING_ARRAY);
      keys = g_variant_get_strv (target, NULL);
      g_assert_cmpuint (g_strv_length ((char **) keys), ==, RL_N_TWINS);
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          g_autofree char *twin = rl_experiment_file_twin_path (files->pdata[r], (RlTwin) t);
          g_autofree char *name = NULL;
          g_autofree char *expected_name = NULL;
          g_autofree char *remark = NULL;
          RlDatasetKind kind = RL_DATASET_FASHION;

          g_assert_cmpstr (keys[t], ==, twin);
          g_assert_true (g_file_test (twin, G_FILE_TEST_IS_REGULAR));
          /* named with the run: both runs have a plain-8 and a resnet-8 */
          g_assert_true (rl_experiment_view_find_twin (view, twin, &name, &kind, &remark));
          expected_name = g_strdup_printf ("%s (run %u)",
                                           t == RL_TWIN_PLAIN ? "plain-8" : "resnet-8", r + 1);
          g_assert_cmpstr (name, ==, expected_name);
          g_assert_cmpint (kind, ==, RL_DATASET_MNIST);
          g_assert_null (remark);   /* both twins kept: nothing to explain */
        }
    }
  g_assert_false (rl_experiment_view_find_twin (view, files->pdata[0], NULL, NULL, NULL));
  /* each row says how much its files take */
  for (guint r = 0; r < 2; r++)
    {
      g_autofree char *size = size_on_disk (files->pdata[r]);

      g_test_message ("%s", rl_experiment_view_get_run_detail (view, r));
      g_assert_true (g_str_has_suffix (rl_experiment_view_get_run_detail (view, r), size));
    }

  /* a restart: as the user left them */
  view2 = new_keeping_view (&window2, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 2);
  g_assert_true (run_ticked (view2, 0));
  g_assert_false (run_ticked (view2, 1));
  g_assert_cmpuint (rl_experiment_view_get_series (view2, 0, RL_TWIN_PLAIN), !=, G_MAXUINT);
  g_assert_cmpuint (rl_experiment_view_get_series (view2, 1, RL_TWIN_PLAIN), ==, G_MAXUINT);
  g_assert_cmpint (ui_test_menu_find (rl_experiment_view_get_run_menu (view2, 0),
                                      "win.show-landscape"), >=, 0);
  for (guint r = 0; r < 2; r++)
    g_assert_cmpstr (rl_experiment_view_get_run_detail (view2, r), ==,
                     rl_experiment_view_get_run_detail (view, r));

  /* Use These Settings, from a restored run's menu: the form as it was for that run */
  {
    GMenuModel *menu = rl_experiment_view_get_run_menu (view2, 0);
    int item = ui_test_menu_find (menu, "experiment.use-settings");
    g_autoptr (GVariant) target = NULL;
    RlExperimentConfig after;
    RlDatasetKind kind_after;

    g_assert_cmpint (item, >=, 0);
    target = g_menu_model_get_item_attribute_value (menu, item, G_MENU_ATTRIBUTE_TARGET,
                                                    G_VARIANT_TYPE_UINT32);
    rl_experiment_view_set_depth (view2, 20);
    rl_experiment_view_set_train_images (view2, 640);
    rl_experiment_view_set_epochs (view2, 3);
    rl_experiment_view_set_seeds (view2, 4);
    rl_experiment_view_set_bn (view2, !used.bn);
    rl_experiment_view_set_shortcut (view2, RL_SHORTCUT_B);
    g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (view2),
                                                       "experiment.use-settings", target));
    rl_experiment_view_get_settings (view2, &after, &kind_after);
    g_assert_cmpint (after.depth, ==, 8);
    g_assert_cmpuint (after.subset, ==, used.subset);
    g_assert_cmpint (after.epochs, ==, used.epochs);
    g_assert_cmpfloat (after.lr, ==, used.lr);
    g_assert_cmpint (after.bn, ==, used.bn);
    g_assert_cmpint (after.shortcut, ==, used.shortcut);
    g_assert_cmpint (kind_after, ==, used_kind);
    g_assert_cmpuint (rl_experiment_view_get_seeds (view2), ==, used_seeds);
    g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view2), "The settings of run"));
  }
  destroy_view (view2, window2);
  destroy_view (view, window);

  /* without ticks, as a folder of an older version */
  g_assert_cmpint (g_unlink (ticks), ==, 0);
  view = new_keeping_view (&window, dir);
  g_assert_false (run_ticked (view, 0));
  g_assert_true (run_ticked (view, 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  {
    TextWait w = { ticks, "" };

    g_assert_true (ui_test_wait_for (has_text, &w, 30));
  }
  wait_for_files (dir, 0);
  destroy_view (view, window);
}

/* Whether a file can be created in @dir now. */
static gboolean
writable (const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);

  if (!g_file_set_contents (probe, "", 0, NULL))
    return FALSE;
  g_unlink (probe);
  return TRUE;
}

static gboolean
run_chattr (const char *flag,
            const char *path)
{
  const char *argv[] = { "chattr", flag, path, NULL };
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                       | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* A folder that cannot be written: the finished run stays in the list, and the user is told. */
static void
test_save_fails (void)
{
  g_autofree char *dir = new_keep_dir ("read-only");
  g_autofree char *away = g_strconcat (dir, ".away", NULL);
  gboolean immutable = FALSE, replaced = FALSE;
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  view = new_keeping_view (&window, dir);
  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  /* root writes into a read-only folder: an immutable one, or a file in its place, fails
   * the same way */
  if (writable (dir))
    immutable = run_chattr ("+i", dir) && !writable (dir);
  if (writable (dir))
    {
      g_test_message ("the read-only folder stays writable here: a file takes its place");
      g_assert_cmpint (g_rename (dir, away), ==, 0);
      write_bytes (dir, "", 0);
      replaced = TRUE;
    }

  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 128);
  run_to_end (view);
  {
    GtkMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);

    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "This experiment run could not be kept\n"));
    g_assert_nonnull (strstr (text, dir));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_assert_null (rl_experiment_view_get_run_path (view, 0));
  destroy_view (view, window);

  if (immutable)
    g_assert_true (run_chattr ("-i", dir));
  if (replaced)
    {
      g_assert_cmpint (g_unlink (dir), ==, 0);
      g_assert_cmpint (g_rename (away, dir), ==, 0);
    }
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
}

/* The label of the Loss Landscape item of run @run's menu, or NULL without one.
 * Returns: (transfer full) (nullable) */
static char *
landscape_item_label (RlExperimentView *view,
                      guint             run)
{
  GMenuModel *menu = rl_experiment_view_get_run_menu (view, run);
  int item = ui_test_menu_find (menu, "win.show-landscape");
  char *label = NULL;

  if (item >= 0)
    g_assert_true (g_menu_model_get_item_attribute (menu, item, G_MENU_ATTRIBUTE_LABEL, "s",
                                                    &label));
  return label;
}

static gboolean
first_run_menu (gpointer data)
{
  return ui_test_menu_find (rl_experiment_view_get_run_menu (data, 0), "win.show-landscape") >= 0;
}

/* Puts a folder where the plain twin of the run just finished is to be written: the view has
 * named the run's file (its "finished" handler ran first), and its twins are written only once
 * that file is, from a later turn of the main loop. */
static void
block_plain_twin_cb (RlExperimentRunner *runner,
                     gboolean            completed,
                     const GError       *error,
                     gpointer            user_data)
{
  RlExperimentView *view = user_data;
  const char *path = rl_experiment_view_get_run_path (view,
                                                      rl_experiment_view_get_n_runs (view) - 1);
  g_autofree char *plain = NULL;

  g_assert_nonnull (path);
  plain = rl_experiment_file_twin_path (path, RL_TWIN_PLAIN);
  g_assert_cmpint (g_mkdir (plain, 0700), ==, 0);
}

/* A depth-8 run on 128 images to its end, kept in @view's folder, with @block connected to
 * the runner's "finished" while it ends (it puts a folder where one of the run's files goes).
 * Returns: (transfer full) the run's path */
static char *
run_with_file_blocked (RlExperimentView *view,
                       GCallback         block)
{
  g_signal_connect (rl_experiment_view_get_runner (view), "finished", block, view);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 128);
  run_to_end (view);
  g_signal_handlers_disconnect_by_func (rl_experiment_view_get_runner (view), block, view);
  return g_strdup (rl_experiment_view_get_run_path (view, 0));
}

/* A twin that cannot be written for another reason than divergence (a folder in the way of its
 * file): a message names the file, the run stays kept with its other twin, whose landscape its
 * menu offers, also after a restart; Clear leaves the folder that was in the way alone, without
 * a message. */
static void
test_twin_save_fails (void)
{
  g_autofree char *dir = new_keep_dir ("twin-in-the-way");
  g_autofree char *run_path = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *plain_name = NULL;
  g_autofree char *resnet = NULL;
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  view = new_keeping_view (&window, dir);
  run_path = run_with_file_blocked (view, G_CALLBACK (block_plain_twin_cb));
  plain = rl_experiment_file_twin_path (run_path, RL_TWIN_PLAIN);
  plain_name = g_path_get_basename (plain);
  resnet = rl_experiment_file_twin_path (run_path, RL_TWIN_RESIDUAL);
  {
    GtkMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);
    g_autofree char *quoted = g_strdup_printf ("“%s”", plain_name);

    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "The trained plain-8 of run 1 could not be kept\n"));
    g_assert_nonnull (strstr (text, quoted));
    g_assert_nonnull (strstr (text, "The run and its curves are kept"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  /* the run is kept, with the twin that could be written */
  wait_for_files (dir, 1);
  g_assert_true (g_file_test (run_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (resnet, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (plain, G_FILE_TEST_IS_DIR));
  g_assert_true (ui_test_wait_for (first_run_menu, view, 30));
  {
    g_autofree char *label = landscape_item_label (view, 0);

    g_assert_cmpstr (label, ==, "_Loss Landscape of resnet-8");
  }
  destroy_view (view, window);

  /* a restart: the run and its one twin */
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_assert_cmpstr (rl_experiment_view_get_run_path (view, 0), ==, run_path);
  g_assert_null (ui_test_find_message_dialog ());
  {
    g_autofree char *label = landscape_item_label (view, 0);

    g_assert_cmpstr (label, ==, "_Loss Landscape of resnet-8");
  }

  /* Clear: the run's files go; the folder in the way was never the run's */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  wait_for_files (dir, 0);
  g_assert_false (g_file_test (resnet, G_FILE_TEST_EXISTS));
  ui_test_spin (200);
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (g_file_test (plain, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (plain), ==, 0);
  destroy_view (view, window);
}

/* Puts a folder where the plain twin's initial weights of the run just finished are to be
 * written (see block_plain_twin_cb). */
static void
block_plain_initial_cb (RlExperimentRunner *runner,
                        gboolean            completed,
                        const GError       *error,
                        gpointer            user_data)
{
  RlExperimentView *view = user_data;
  const char *path = rl_experiment_view_get_run_path (view,
                                                      rl_experiment_view_get_n_runs (view) - 1);
  g_autofree char *plain = NULL;
  g_autofree char *initial = NULL;

  g_assert_nonnull (path);
  plain = rl_experiment_file_twin_path (path, RL_TWIN_PLAIN);
  initial = rl_landscape_initial_path (plain);
  g_assert_cmpint (g_mkdir (initial, 0700), ==, 0);
}

/* A twin whose initial weights cannot be written (a folder in their way): the twin is kept
 * without them, and a message names their file and says what is lost (the landscape's line)
 * and what is kept; the run's menu offers both twins; Clear leaves the folder alone. */
static void
test_initial_save_fails (void)
{
  g_autofree char *dir = new_keep_dir ("initial-in-the-way");
  g_autofree char *run_path = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *plain_initial = NULL;
  g_autofree char *initial_name = NULL;
  g_autofree char *resnet = NULL;
  g_autofree char *resnet_initial = NULL;
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  view = new_keeping_view (&window, dir);
  run_path = run_with_file_blocked (view, G_CALLBACK (block_plain_initial_cb));
  plain = rl_experiment_file_twin_path (run_path, RL_TWIN_PLAIN);
  plain_initial = rl_landscape_initial_path (plain);
  initial_name = g_path_get_basename (plain_initial);
  resnet = rl_experiment_file_twin_path (run_path, RL_TWIN_RESIDUAL);
  resnet_initial = rl_landscape_initial_path (resnet);
  {
    GtkMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);
    g_autofree char *quoted = g_strdup_printf ("“%s”", initial_name);

    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "The initial weights of plain-8 in run 1 could not be"
                                           " kept\n"));
    g_assert_nonnull (strstr (text, quoted));
    g_assert_nonnull (strstr (text, "no line from its initial weights"));
    g_assert_nonnull (strstr (text, "The run, its curves and its trained twins are kept"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  /* both twins are kept, the plain one without initial weights */
  g_assert_true (ui_test_wait_for (first_run_menu, view, 30));
  {
    g_autofree char *label = landscape_item_label (view, 0);

    g_assert_cmpstr (label, ==, "_Loss Landscape");
  }
  g_assert_true (g_file_test (plain, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (resnet, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (resnet_initial, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (plain_initial, G_FILE_TEST_IS_DIR));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RlSafetensors) st = rl_safetensors_load (plain, &error);

    g_assert_no_error (error);
    g_assert_null (rl_safetensors_get_metadata (st, "initial"));
  }
  ui_test_spin (100);
  g_assert_null (ui_test_find_message_dialog ());

  /* Clear: the run's files go; the folder in the way was never the run's */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  wait_for_files (dir, 0);
  ui_test_spin (200);
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (resnet_initial, G_FILE_TEST_EXISTS));
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (g_file_test (plain_initial, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (plain_initial), ==, 0);
  destroy_view (view, window);
}

/* Puts a folder where the plain twin of the run just finished is to be written, and a file of
 * the user's where the residual twin's initial weights are (see block_plain_twin_cb). */
static void
block_plain_twin_and_resnet_initial_cb (RlExperimentRunner *runner,
                                        gboolean            completed,
                                        const GError       *error,
                                        gpointer            user_data)
{
  RlExperimentView *view = user_data;
  const char *path = rl_experiment_view_get_run_path (view,
                                                      rl_experiment_view_get_n_runs (view) - 1);
  g_autofree char *resnet = NULL;
  g_autofree char *initial = NULL;
  g_autoptr (GError) write_error = NULL;

  block_plain_twin_cb (runner, completed, error, user_data);
  resnet = rl_experiment_file_twin_path (path, RL_TWIN_RESIDUAL);
  initial = rl_landscape_initial_path (resnet);
  g_assert_true (g_file_set_contents (initial, "mine", -1, &write_error));
  g_assert_no_error (write_error);
}

/* A twin that cannot be written and the other twin's initial weights that cannot be (a file of
 * the user's in their way): one message says both, what each takes from the landscape and
 * what is kept; the user's file is left as it was, by the save and by Clear. */
static void
test_twin_and_initial_save_fail (void)
{
  g_autofree char *dir = new_keep_dir ("twin-and-initial-in-the-way");
  g_autofree char *run_path = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *plain_name = NULL;
  g_autofree char *resnet = NULL;
  g_autofree char *resnet_initial = NULL;
  g_autofree char *initial_name = NULL;
  g_autofree char *contents = NULL;
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  view = new_keeping_view (&window, dir);
  run_path = run_with_file_blocked (view, G_CALLBACK (block_plain_twin_and_resnet_initial_cb));
  plain = rl_experiment_file_twin_path (run_path, RL_TWIN_PLAIN);
  plain_name = g_path_get_basename (plain);
  resnet = rl_experiment_file_twin_path (run_path, RL_TWIN_RESIDUAL);
  resnet_initial = rl_landscape_initial_path (resnet);
  initial_name = g_path_get_basename (resnet_initial);
  {
    GtkMessageDialog *dialog = wait_for_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);
    g_autofree char *quoted_twin = g_strdup_printf ("“%s”", plain_name);
    g_autofree char *quoted_initial = g_strdup_printf ("“%s”", initial_name);

    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "The trained plain-8 of run 1 could not be kept\n"));
    g_assert_nonnull (strstr (text, quoted_twin));
    g_assert_nonnull (strstr (text, "landscape of plain-8 cannot be shown"));
    g_assert_nonnull (strstr (text, quoted_initial));
    g_assert_nonnull (strstr (text, "landscape of resnet-8 will have no line from its initial"
                                    " weights"));
    g_assert_nonnull (strstr (text, "The run and its curves are kept"));
    g_assert_nonnull (strstr (text, "was left alone"));
    /* the folder once, above the reasons, which name the files alone */
    {
      const char *in_folder = strstr (text, dir);

      g_assert_nonnull (in_folder);
      g_assert_null (strstr (in_folder + 1, dir));
      g_assert_nonnull (strstr (in_folder, plain_name));
      g_assert_nonnull (strstr (in_folder, initial_name));
    }
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  /* one message, not one for each */
  ui_test_spin (300);
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (ui_test_wait_for (first_run_menu, view, 30));
  g_assert_true (g_file_test (resnet, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_get_contents (resnet_initial, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_clear_pointer (&contents, g_free);

  /* Clear: the run's files go, the folder and the user's file stay */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  wait_for_files (dir, 0);
  ui_test_spin (200);
  g_assert_false (g_file_test (resnet, G_FILE_TEST_EXISTS));
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (g_file_get_contents (resnet_initial, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_assert_cmpint (g_unlink (resnet_initial), ==, 0);
  g_assert_cmpint (g_rmdir (plain), ==, 0);
  destroy_view (view, window);
}

/* The folder a message names: the home folder as "~", as GNOME's apps write it. */
static void
test_display_folder (void)
{
  const char *home = g_get_home_dir ();
  g_autofree char *in_home = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *beside = g_strconcat (home, "2", G_DIR_SEPARATOR_S, "x", NULL);
  g_autofree char *shown = NULL;

  g_assert_true (g_path_is_absolute (home) && strlen (home) > 1);
  shown = rl_display_folder (in_home);
  g_assert_cmpstr (shown, ==, "~/.local/share");
  g_clear_pointer (&shown, g_free);
  shown = rl_display_folder (home);
  g_assert_cmpstr (shown, ==, "~");
  g_clear_pointer (&shown, g_free);
  /* a folder whose name starts as home's is not in it */
  shown = rl_display_folder (beside);
  g_assert_cmpstr (shown, ==, beside);
  g_clear_pointer (&shown, g_free);
  shown = rl_display_folder ("/tmp/kept");
  g_assert_cmpstr (shown, ==, "/tmp/kept");
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
  model = rl_model_new (arch, 1, 28, 28, 10, &error);
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
  ui_test_add ("/ui/experiment/kept-runs", test_kept_runs);
  ui_test_add ("/ui/experiment/bad-kept-files", test_bad_kept_files);
  ui_test_add ("/ui/experiment/kept-ticks", test_kept_ticks);
  ui_test_add ("/ui/experiment/save-fails", test_save_fails);
  ui_test_add ("/ui/experiment/twin-save-fails", test_twin_save_fails);
  ui_test_add ("/ui/experiment/initial-save-fails", test_initial_save_fails);
  ui_test_add ("/ui/experiment/twin-and-initial-save-fail", test_twin_and_initial_save_fail);
  ui_test_add ("/ui/experiment/display-folder", test_display_folder);
  ui_test_add ("/ui/experiment/inside-resnet-8", test_inside_resnet8);
  ui_test_add ("/ui/experiment/inside-plain-8", test_inside_plain8);

  return ui_test_run ();
}
