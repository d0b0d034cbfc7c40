/* test-ui-landscape-kept.c: the Experiment page's Landscape tab (rl-landscape-view.c) for the
 * runs the Experiment view keeps (rl-experiment-view-files.c, #16 follow-up): a kept run's
 * trained twins are kept beside its file with their initial weights, bit for bit; after a
 * restart its row's menu puts the same two models and initial weights in the tab, named with
 * their run, whose Compute gives each twin's own loss on the MNIST training images and the
 * line; a copy of the run marked Fashion-MNIST is seen on that dataset (or asks for it); a
 * damaged or removed twin file gives a dialog naming it and the tab stays as it was; a run
 * whose twin files are gone restores without the menu; Clear removes the runs' files, twins and
 * initial weights included. A run that kept one twin (the other lost its file) names it in its
 * menu, and the tab's note says first why the other is missing, until other models are set.
 * After a restart, the tab opened empty offers the newest kept run's twins, and says nothing of
 * a twin file that does not load.
 *
 * The twins of a run that has just ended are named with their run too; a twin that diverged
 * is seen at its last finite weights, which the note says, live and once kept; and after a
 * Clear the next run takes a new number, so the tab's names never mean another run.
 *
 * The tab after an experiment, from the Models list and for a run trained in the app:
 * test-ui-landscape.c. */

#include <stdio.h>
#include <string.h>

#include "ui-test-utils.h"
#include "landscape-test-utils.h"
#include "landscape-view-test-utils.h"

#include "rl-dataset-loader.h"
#include "rl-experiment-file.h"
#include "rl-experiment-view.h"
#include "rl-finite.h"
#include "rl-landscape.h"
#include "rl-landscape-view.h"
#include "rl-window.h"

/* ---- a kept experiment run ---------------------------------------------------------------- */

static gboolean
experiment_restored (gpointer data)
{
  return !rl_experiment_view_is_restoring (data);
}

static gboolean
run_menu_shown (gpointer data)
{
  RlExperimentView *view = data;

  return rl_experiment_view_get_n_runs (view) > 0
         && ui_test_menu_find (rl_experiment_view_get_run_menu (
                                 view, rl_experiment_view_get_n_runs (view) - 1),
                               "win.show-landscape") >= 0;
}

/* A window as at a start: its kept experiment runs read. */
static RlWindow *
restarted_window (void)
{
  RlWindow *window = ui_test_new_window ();

  g_assert_true (ui_test_wait_for (experiment_restored,
                                   rl_window_get_experiment_view (window), 30));
  return window;
}

/* The files of the experiments folder, but its state files (".shown", ".reported"), sorted.
 * Returns: (transfer full) */
static GPtrArray *
experiment_files (void)
{
  g_autofree char *dir = rl_experiment_file_default_dir ();
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (files, g_strdup (name));
  if (d != NULL)
    g_dir_close (d);
  g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);
  return files;
}

static gboolean
no_experiment_files (gpointer data)
{
  g_autoptr (GPtrArray) files = experiment_files ();

  return files->len == 0;
}

/* The target of the Loss Landscape item of run @run's menu, labelled @label.
 * Returns: (transfer full) */
static GVariant *
run_menu_target_labelled (RlExperimentView *view, guint run, const char *expected)
{
  GMenuModel *menu = rl_experiment_view_get_run_menu (view, run);
  int item = ui_test_menu_find (menu, "win.show-landscape");
  g_autofree char *label = NULL;

  g_assert_cmpint (item, >=, 0);
  g_assert_true (g_menu_model_get_item_attribute (menu, item, G_MENU_ATTRIBUTE_LABEL, "s",
                                                  &label));
  g_assert_cmpstr (label, ==, expected);
  return g_menu_model_get_item_attribute_value (menu, item, G_MENU_ATTRIBUTE_TARGET,
                                                G_VARIANT_TYPE_STRING_ARRAY);
}

/* The same, of a run with both twins kept. Returns: (transfer full) */
static GVariant *
run_menu_target (RlExperimentView *view, guint run)
{
  return run_menu_target_labelled (view, run, "_Loss Landscape");
}

/* A window whose Experiment view holds one tiny run (depth 8, 256 images), kept with its
 * twins, its row's menu offering their landscape; what earlier tests kept is cleared first. */
static RlWindow *
window_with_kept_run (void)
{
  RlWindow *window = restarted_window ();
  RlExperimentView *view = rl_window_get_experiment_view (window);

  if (rl_experiment_view_get_n_runs (view) > 0)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 256);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));
  /* once its file is written, its twins follow and its row gets its menu */
  g_assert_true (ui_test_wait_for (run_menu_shown, view, 60));
  return window;
}

/* Asks for a twin's landscape that cannot be shown: a dialog whose text holds @expected (and,
 * unless NULL, @also), and the tab as it was. */
static void
assert_refused (RlWindow *window, GVariant *target, const char *expected, const char *also)
{
  RlLandscapeView *landscape = rl_window_get_landscape_view (window);
  RlLandscapeRunner *runner = rl_landscape_view_get_runner (landscape);
  g_autofree char *progress = g_strdup (rl_landscape_view_get_progress (landscape));
  g_autofree char *note = g_strdup (rl_landscape_view_get_note (landscape));
  guint complete = rl_landscape_runner_get_complete_grid (runner);
  const RlModel *before = rl_landscape_view_get_model (landscape, 0, NULL);
  g_autofree char *text = NULL;

  show_landscape (window, target);
  text = ui_test_take_message (NULL);
  g_assert_nonnull (strstr (text, expected));
  if (also != NULL)
    g_assert_nonnull (strstr (text, also));
  ui_test_spin (100);
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 2);
  g_assert_true (rl_landscape_view_get_model (landscape, 0, NULL) == before);
  g_assert_cmpstr (rl_landscape_view_get_progress (landscape), ==, progress);
  g_assert_cmpstr (rl_landscape_view_get_note (landscape), ==, note);
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, complete);
}

/* A twin run's trained twins are kept beside its file with their initial weights; after a
 * restart its menu puts the same two models, with the same initial weights, in the Landscape
 * tab, on the dataset the run trained on; a twin file damaged or removed gives a dialog naming
 * it and leaves the tab as it was; a run whose twin files are gone restores without the menu;
 * Clear removes every file. */
static void
test_kept_run (void)
{
  RlWindow *window;
  RlExperimentView *view;
  RlLandscapeView *landscape;
  RlLandscapeRunner *runner;
  RlModel *trained[RL_N_TWINS] = { NULL }, *initial[RL_N_TWINS] = { NULL };
  g_autofree char *run_path = NULL;
  g_autofree char *fashion_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GVariant) target = NULL;
  g_autoptr (GVariant) fashion_target = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (RlDataset) train = NULL;
  g_autoptr (GError) error = NULL;
  char *twins[RL_N_TWINS];
  gsize length;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = window_with_kept_run ();
  view = rl_window_get_experiment_view (window);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      RlModel *first = NULL;

      trained[t] = rl_model_copy (rl_experiment_runner_get_trained (
        rl_experiment_view_get_runner (view), (RlTwin) t, &first));
      initial[t] = rl_model_copy (first);
    }
  run_path = g_strdup (rl_experiment_view_get_run_path (view, 0));
  g_assert_nonnull (run_path);
  target = run_menu_target (view, 0);
  {
    g_autofree const char **keys = g_variant_get_strv (target, NULL);

    g_assert_cmpuint (g_strv_length ((char **) keys), ==, 2);
    for (int t = 0; t < RL_N_TWINS; t++)
      {
        g_autofree char *initial_path = NULL;
        g_autoptr (RlModel) kept_initial = NULL;
        g_autoptr (RlModel) kept = NULL;

        twins[t] = rl_experiment_file_twin_path (run_path, (RlTwin) t);
        g_assert_cmpstr (keys[t], ==, twins[t]);
        /* beside the run, with the initial weights as a Train run keeps them */
        initial_path = rl_landscape_initial_path (twins[t]);
        g_assert_true (g_file_test (twins[t], G_FILE_TEST_IS_REGULAR));
        g_assert_true (g_file_test (initial_path, G_FILE_TEST_IS_REGULAR));
        kept = rl_model_load (twins[t], NULL, &error);
        g_assert_no_error (error);
        assert_same_params (kept, trained[t]);
        kept_initial = run_initial (twins[t], NULL);
        assert_same_params (kept_initial, initial[t]);
      }
  }
  files = experiment_files ();
  g_assert_cmpuint (files->len, ==, 5);   /* the run, two twins, two initial weights */
  g_clear_pointer (&files, g_ptr_array_unref);

  /* the same run, as if trained on Fashion-MNIST: a copy with its twins */
  g_assert_true (g_file_get_contents (run_path, &contents, &length, &error));
  g_assert_nonnull (strstr (contents, "\ndataset=mnist\n"));
  {
    g_autofree char *dir = g_path_get_dirname (run_path);
    g_autoptr (GString) text = g_string_new (contents);

    g_string_replace (text, "\ndataset=mnist\n", "\ndataset=fashion\n", 1);
    fashion_path = g_build_filename (dir, "29991231-235959.000000-depth8.reslab-experiment",
                                     NULL);
    g_assert_true (g_file_set_contents (fashion_path, text->str, -1, &error));
    for (int t = 0; t < RL_N_TWINS; t++)
      {
        g_autofree char *copy = rl_experiment_file_twin_path (fashion_path, (RlTwin) t);
        g_autofree char *weights = NULL;

        g_assert_true (g_file_get_contents (twins[t], &weights, &length, &error));
        g_assert_true (g_file_set_contents (copy, weights, (gssize) length, &error));
      }
    g_assert_no_error (error);
  }
  ui_test_destroy_window (window);

  /* a restart: both runs, each with its menu */
  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  runner = rl_landscape_view_get_runner (landscape);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 2);
  g_assert_cmpstr (rl_experiment_view_get_run_path (view, 0), ==, run_path);
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 0);
  {
    g_autoptr (GVariant) again = run_menu_target (view, 0);

    g_assert_true (g_variant_equal (again, target));
  }
  fashion_target = run_menu_target (view, 1);

  /* Loss Landscape: the twins as they were trained, with their initial weights */
  show_landscape (window, g_variant_ref (target));
  g_assert_true (ui_test_wait_for (two_models_waiting, landscape, 60));
  g_assert_cmpstr (rl_window_get_view (window), ==, "experiment");
  g_assert_cmpstr (experiment_tab (landscape), ==, "landscape");
  g_assert_true (rl_landscape_view_get_same_directions (landscape));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The loss around the trained weights (the dots) of “plain-8"
                                   " (run 1)” and “resnet-8 (run 1)”, in the same two random"
                                   " directions"));
  for (guint m = 0; m < 2; m++)
    {
      const RlModel *first = NULL;

      assert_same_params (rl_landscape_view_get_model (landscape, m, &first), trained[m]);
      assert_same_params (first, initial[m]);
    }
  train = rl_dataset_loader_peek (RL_DATASET_MNIST, RL_SPLIT_TRAIN);
  g_assert_nonnull (train);
  g_assert_true (rl_landscape_view_get_set (landscape) == train);

  /* Compute: on the MNIST training images, the twins' own loss at the centre, and the line */
  rl_landscape_view_set_grid (landscape, 9);
  rl_landscape_view_set_images (landscape, 100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute",
                                             NULL));
  g_assert_true (ui_test_wait_for (landscape_idle, runner, 240));
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 9);
  for (guint m = 0; m < 2; m++)
    {
      const double *loss = rl_landscape_runner_get_loss (runner, m);
      double ref = landscape_test_reference_loss (trained[m], train, 100, NULL);
      const double *t, *line;

      g_test_message ("twin %u: centre %.6f, reference %.6f", m, loss[4 * 9 + 4], ref);
      g_assert_cmpfloat_with_epsilon (loss[4 * 9 + 4], ref, 1e-9 * ref);
      g_assert_true (rl_landscape_runner_get_line (runner, m, &t, &line));
    }

  /* the copy says Fashion-MNIST: its twins are seen on that dataset's training images, or wait
   * for them */
  {
    g_auto (GStrv) missing = rl_dataset_find_missing_files (RL_DATASET_FASHION);

    if (missing != NULL)
      assert_refused (window, g_variant_ref (fashion_target),
                      "The Fashion-MNIST files are missing", NULL);
    else
      {
        g_autoptr (RlDataset) fashion = NULL;

        show_landscape (window, g_variant_ref (fashion_target));
        g_assert_true (ui_test_wait_for (waiting_for_compute, landscape, 60));
        fashion = rl_dataset_loader_peek (RL_DATASET_FASHION, RL_SPLIT_TRAIN);
        g_assert_nonnull (fashion);
        g_assert_true (rl_landscape_view_get_set (landscape) == fashion);
        g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 2);
        assert_same_params (rl_landscape_view_get_model (landscape, 1, NULL),
                            trained[RL_TWIN_RESIDUAL]);
      }
  }

  /* a twin file damaged, then one removed: a dialog names it, the tab stays */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (twins[RL_TWIN_RESIDUAL], &contents, &length, &error));
  g_assert_true (g_file_set_contents (twins[RL_TWIN_RESIDUAL], contents, (gssize) (length / 2),
                                      &error));
  g_assert_no_error (error);
  {
    g_autofree char *name = g_path_get_basename (twins[RL_TWIN_RESIDUAL]);

    assert_refused (window, g_variant_ref (target), name, "The loss landscape has not changed.");
  }
  g_assert_cmpint (g_unlink (twins[RL_TWIN_PLAIN]), ==, 0);
  {
    g_autofree char *name = g_path_get_basename (twins[RL_TWIN_PLAIN]);

    assert_refused (window, g_variant_ref (target), name, "The loss landscape has not changed.");
  }
  ui_test_destroy_window (window);

  /* its twin files gone, the run restores all the same, without the menu */
  g_assert_cmpint (g_unlink (twins[RL_TWIN_RESIDUAL]), ==, 0);
  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 2);
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_cmpint (ui_test_menu_find (rl_experiment_view_get_run_menu (view, 0),
                                      "win.show-landscape"), ==, -1);
  g_assert_cmpint (ui_test_menu_find (rl_experiment_view_get_run_menu (view, 1),
                                      "win.show-landscape"), >=, 0);

  /* Clear: every run's files go, twins and initial weights with them */
  files = experiment_files ();
  g_assert_cmpuint (files->len, ==, 6);   /* two runs, the copy's twins, two initial weights */
  g_clear_pointer (&files, g_ptr_array_unref);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  ui_test_destroy_window (window);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (twins[t]);
      rl_model_free (trained[t]);
      rl_model_free (initial[t]);
    }
}

/* @text, a kept run's file, as if its @twin ("plain" or "resnet") had diverged in the last
 * interval of the first seed: that record's error and loss are not finite.
 * Returns: (transfer full) */
static char *
twin_diverged (const char *text, const char *twin)
{
  static const char *const keys[] = { "train-error", "train-loss" };
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *group = g_strdup_printf ("%s seed 1", twin);

  g_assert_true (g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_KEEP_COMMENTS, &error));
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autofree char *values = g_key_file_get_value (kf, group, keys[k], &error);
      g_autofree char *changed = NULL;
      char *last;

      g_assert_no_error (error);
      g_assert_true (g_str_has_suffix (values, ";"));
      values[strlen (values) - 1] = '\0';
      last = strrchr (values, ';');
      g_assert_nonnull (last);
      last[1] = '\0';
      changed = g_strconcat (values, "nan;", NULL);
      g_key_file_set_value (kf, group, keys[k], changed);
    }
  return g_key_file_to_data (kf, NULL, NULL);
}

/* The iteration of the last record of the first seed's @twin of run @run. */
static guint64
last_iteration (RlExperimentView *view, guint run, RlTwin twin)
{
  const RlExperimentGroup *group = rl_experiment_view_get_run_group (view, run);
  guint n = rl_experiment_group_get_n_records (group, twin, 0);

  g_assert_cmpuint (n, >, 0);
  return rl_experiment_group_get_record (group, twin, 0, n - 1)->iteration;
}

/* After a restart, the Landscape tab opened empty offers the newest kept run's twins, as its
 * Loss Landscape item would, and stays on the tab; a twin file that does not load leaves the
 * tab empty and says nothing (no dialog nobody asked for). */
static void
test_kept_run_offered (void)
{
  RlWindow *window;
  RlExperimentView *view;
  RlLandscapeView *landscape;
  g_autofree char *run_path = NULL;
  g_autofree char *resnet = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = window_with_kept_run ();
  run_path = g_strdup (rl_experiment_view_get_run_path (rl_window_get_experiment_view (window),
                                                        0));
  g_assert_nonnull (run_path);
  ui_test_destroy_window (window);

  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 0);
  rl_window_show_experiment_page (window, "curves");
  rl_window_show_experiment_page (window, "landscape");
  g_assert_true (ui_test_wait_for (two_models_waiting, landscape, 60));
  g_test_message ("%s", rl_landscape_view_get_note (landscape));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The loss around the trained weights (the dots) of “plain-8"
                                   " (run 1)” and “resnet-8 (run 1)”"));
  g_assert_cmpstr (rl_window_get_view (window), ==, "experiment");
  g_assert_cmpstr (experiment_tab (landscape), ==, "landscape");
  g_assert_null (ui_test_find_message_dialog ());
  ui_test_destroy_window (window);

  /* the residual twin's file damaged: the tab stays empty, with no dialog */
  resnet = rl_experiment_file_twin_path (run_path, RL_TWIN_RESIDUAL);
  g_assert_true (g_file_get_contents (resnet, &contents, &length, &error));
  g_assert_true (g_file_set_contents (resnet, contents, (gssize) (length / 2), &error));
  g_assert_no_error (error);
  window = restarted_window ();
  landscape = rl_window_get_landscape_view (window);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (rl_window_get_experiment_view (window)), ==, 1);
  rl_window_show_experiment_page (window, "landscape");
  ui_test_spin (2000);
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 0);
  /* asked for through the run's menu, the same file gets its dialog */
  show_landscape (window, run_menu_target (rl_window_get_experiment_view (window), 0));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 30));
  gtk_window_destroy (GTK_WINDOW (ui_test_find_message_dialog ()));
  ui_test_destroy_window (window);
}

/* A run keeps one twin (#16 follow-up): the other's file could not be written, or was removed.
 * The row's menu names the twin its Loss Landscape shows, and the tab's note says first why
 * the other is missing, and, when the one shown diverged (its last record says so), that these
 * are its last finite weights; the next models set there clear that remark. */
static void
test_kept_run_one_twin (void)
{
  RlWindow *window;
  RlExperimentView *view;
  RlLandscapeView *landscape;
  g_autofree char *run_path = NULL;
  g_autofree char *good = NULL;
  g_autofree char *diverged = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *plain_initial = NULL;
  g_autofree char *resnet = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) target = NULL;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = window_with_kept_run ();
  view = rl_window_get_experiment_view (window);
  run_path = g_strdup (rl_experiment_view_get_run_path (view, 0));
  ui_test_destroy_window (window);

  /* the plain twin's file is gone, and the resnet twin diverged in its last interval */
  plain = rl_experiment_file_twin_path (run_path, RL_TWIN_PLAIN);
  plain_initial = rl_landscape_initial_path (plain);
  resnet = rl_experiment_file_twin_path (run_path, RL_TWIN_RESIDUAL);
  g_assert_true (g_file_get_contents (run_path, &good, NULL, &error));
  g_assert_no_error (error);
  diverged = twin_diverged (good, "resnet");
  g_assert_true (g_file_set_contents (run_path, diverged, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (plain), ==, 0);
  g_assert_cmpint (g_unlink (plain_initial), ==, 0);

  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_assert_null (ui_test_find_message_dialog ());
  target = run_menu_target_labelled (view, 0, "_Loss Landscape of resnet-8");
  {
    g_autofree const char **keys = g_variant_get_strv (target, NULL);

    g_assert_cmpuint (g_strv_length ((char **) keys), ==, 1);
    g_assert_cmpstr (keys[0], ==, resnet);
  }
  show_landscape (window, g_variant_ref (target));
  g_assert_true (ui_test_wait_for (one_model_waiting, landscape, 60));
  g_test_message ("%s", rl_landscape_view_get_note (landscape));
  expected = g_strdup_printf ("In run 1, the trained weights of plain-8 were not kept. In run"
                              " 1, resnet-8 diverged at iteration %" G_GUINT64_FORMAT "; these"
                              " are its last finite weights. The loss around the trained"
                              " weights (the dot) of “resnet-8 (run 1)”, in two random"
                              " directions", last_iteration (view, 0, RL_TWIN_RESIDUAL));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape), expected));
  /* the remark went with those models */
  {
    g_autoptr (RlModel) model = rl_model_copy (rl_landscape_view_get_model (landscape, 0, NULL));
    RlModel *models[] = { model };
    const char *names[] = { "resnet-8" };

    rl_landscape_view_set_models (landscape, models, NULL, names, 1,
                                  rl_landscape_view_get_set (landscape));
    g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                     "The loss around the trained weights (the dot) of"
                                     " “resnet-8”, in"));
  }
  ui_test_destroy_window (window);

  /* the twin trained well, but its file is gone: the note says it was not kept */
  g_assert_true (g_file_set_contents (run_path, good, -1, &error));
  g_assert_no_error (error);
  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  g_clear_pointer (&target, g_variant_unref);
  target = run_menu_target_labelled (view, 0, "_Loss Landscape of resnet-8");
  show_landscape (window, g_variant_ref (target));
  g_assert_true (ui_test_wait_for (one_model_waiting, landscape, 60));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "In run 1, the trained weights of plain-8 were not kept. The"
                                   " loss around"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  ui_test_destroy_window (window);
}

/* The number run @run's row shows ("Run 3: 8 layers, ..."). */
/* ---- a run's twins as it ends ------------------------------------------------------------- */

static guint
run_number (RlExperimentView *view, guint run)
{
  const char *title = gtk_check_button_get_label (rl_experiment_view_get_run_check (view, run));
  guint number = 0;

  g_assert_cmpint (sscanf (title, "Run %u:", &number), ==, 1);
  return number;
}

/* A twin that diverges (#16 follow-up): the training loop undid the step that broke it, so the
 * Landscape tab holds its last finite weights, and its note says so, after the live run (from
 * the runner) and for the run kept (from its records), also after a restart. The settings are
 * `reslab-cli experiment degradation --depths 8 --bn off --lr 1 --subset 3200`, whose resnet-8
 * diverges at iteration 41 of 50. */
static void
test_diverged_twin (void)
{
  RlWindow *window;
  RlExperimentView *view;
  RlExperimentRunner *twins;
  RlLandscapeView *landscape;
  g_autofree char *expected = NULL;
  g_autoptr (GVariant) target = NULL;
  guint64 at;
  guint number;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  twins = rl_experiment_view_get_runner (view);
  landscape = rl_window_get_landscape_view (window);
  if (rl_experiment_view_get_n_runs (view) > 0)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_bn (view, FALSE);
  rl_experiment_view_set_learning_rate (view, 1.0);
  rl_experiment_view_set_train_images (view, 3200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));

  /* the resnet twin diverged (where may vary with the machine's sums), the plain one not */
  at = rl_experiment_runner_get_diverged_at (twins, RL_TWIN_RESIDUAL);
  g_test_message ("resnet-8 diverged at iteration %" G_GUINT64_FORMAT, at);
  g_assert_cmpuint (at, >, 0);
  g_assert_cmpuint (rl_experiment_runner_get_diverged_at (twins, RL_TWIN_PLAIN), ==, 0);
  g_assert_cmpuint (last_iteration (view, 0, RL_TWIN_RESIDUAL), ==, at);

  /* the live landscape: both twins, the diverged one at finite weights, and the note says so */
  number = run_number (view, 0);
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 2);
  {
    const RlModel *resnet = rl_landscape_view_get_model (landscape, RL_TWIN_RESIDUAL, NULL);

    g_assert_false (rl_floats_have_nonfinite (rl_model_get_params_const (resnet),
                                              rl_model_get_n_params (resnet)));
  }
  expected = g_strdup_printf ("In run %u, resnet-8 diverged at iteration %" G_GUINT64_FORMAT
                              "; these are its last finite weights. The loss around the trained"
                              " weights (the dots) of “plain-8 (run %u)” and “resnet-8 (run %u)”, in"
                              " the same two random directions", number, at, number, number);
  g_test_message ("%s", rl_landscape_view_get_note (landscape));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape), expected));

  /* both twins are kept (a diverged twin's last finite weights save as any): its menu shows
   * them with the same note */
  g_assert_true (ui_test_wait_for (run_menu_shown, view, 60));
  target = run_menu_target (view, 0);
  /* one model first, so that two again are the run's */
  {
    g_autoptr (RlModel) model = rl_model_copy (rl_landscape_view_get_model (landscape, 0, NULL));
    RlModel *models[] = { model };
    const char *names[] = { "plain-8" };

    rl_landscape_view_set_models (landscape, models, NULL, names, 1,
                                  rl_landscape_view_get_set (landscape));
  }
  show_landscape (window, g_variant_ref (target));
  g_assert_true (ui_test_wait_for (two_models_waiting, landscape, 60));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape), expected));
  ui_test_destroy_window (window);

  /* after a restart, from the run's file: the run is the list's first */
  window = restarted_window ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  g_clear_pointer (&target, g_variant_unref);
  target = run_menu_target (view, 0);
  show_landscape (window, g_variant_ref (target));
  g_assert_true (ui_test_wait_for (two_models_waiting, landscape, 60));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("In run 1, resnet-8 diverged at iteration %" G_GUINT64_FORMAT
                              "; these are its last finite weights. The loss around the trained"
                              " weights (the dots) of “plain-8 (run 1)” and “resnet-8 (run 1)”", at);
  g_test_message ("%s", rl_landscape_view_get_note (landscape));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape), expected));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  ui_test_destroy_window (window);
}

/* Clear (#16 follow-up): the Landscape tab may still show a cleared run's twins, named with its
 * number, so the runs after a Clear take new numbers: "run 1" never comes to name two runs. */
static void
test_clear_keeps_numbers (void)
{
  RlWindow *window;
  RlExperimentView *view;
  RlLandscapeView *landscape;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint number;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = window_with_kept_run ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  number = run_number (view, 0);
  first = g_strdup_printf ("of “plain-8 (run %u)” and “resnet-8 (run %u)”,", number, number);
  g_assert_nonnull (strstr (rl_landscape_view_get_note (landscape), first));

  /* Clear: the list is empty, the tab still shows the cleared run's twins */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  g_assert_nonnull (strstr (rl_landscape_view_get_note (landscape), first));

  /* the next run is not that run's namesake, while it trains nor once it ended */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_cmpuint (run_number (view, 0), ==, number + 1);
  g_assert_nonnull (strstr (rl_landscape_view_get_note (landscape), first));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));
  g_assert_cmpuint (run_number (view, 0), ==, number + 1);
  second = g_strdup_printf ("of “plain-8 (run %u)” and “resnet-8 (run %u)”,", number + 1,
                            number + 1);
  g_assert_nonnull (strstr (rl_landscape_view_get_note (landscape), second));

  g_assert_true (ui_test_wait_for (run_menu_shown, view, 60));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  g_assert_true (ui_test_wait_for (no_experiment_files, NULL, 30));
  ui_test_destroy_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  ui_test_add ("/ui/landscape/kept-experiment-run", test_kept_run);
  ui_test_add ("/ui/landscape/kept-run-one-twin", test_kept_run_one_twin);
  ui_test_add ("/ui/landscape/kept-run-offered", test_kept_run_offered);
  ui_test_add ("/ui/landscape/diverged-twin", test_diverged_twin);
  ui_test_add ("/ui/landscape/clear-keeps-numbers", test_clear_keeps_numbers);
  return ui_test_run ();
}
