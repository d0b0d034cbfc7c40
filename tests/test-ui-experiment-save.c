/* test-ui-experiment-save.c: the Experiment view's runs that cannot be kept as files. A folder
 * that cannot be written gives a message, the finished run staying in the list; so does a twin
 * that cannot be written (a folder in its place), naming its file while the run and its other
 * twin stay kept, and so do a twin's initial weights, alone or with the other twin's file in
 * one message; what was in the way is left alone, by the save and by Clear. And the folder such
 * a message names: the home folder as "~".
 *
 * The runs kept and read back: test-ui-experiment-kept.c. */

#include <string.h>
#include <glib/gstdio.h>

#include "ui-test-utils.h"
#include "experiment-view-test-utils.h"

#include "rl-dialogs.h"
#include "rl-experiment-file.h"
#include "rl-experiment-view.h"
#include "rl-landscape.h"
#include "rl-safetensors.h"

/* ---- a folder that cannot be written ------------------------------------------------------ */

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
    g_autofree char *text = ui_test_take_message ("This experiment run could not be kept\n");

    g_assert_nonnull (strstr (text, dir));
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

/* ---- a twin or its initial weights in the way --------------------------------------------- */

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

/* Where @twin of the run just finished in @view is to be written, from the runner's "finished":
 * the view has named the run's file (its "finished" handler ran first), and its twins are
 * written only once that file is, from a later turn of the main loop.
 * Returns: (transfer full) */
static char *
last_run_twin_path (RlExperimentView *view,
                    RlTwin            twin)
{
  const char *path = rl_experiment_view_get_run_path (view,
                                                      rl_experiment_view_get_n_runs (view) - 1);

  g_assert_nonnull (path);
  return rl_experiment_file_twin_path (path, twin);
}

/* Puts a folder where the plain twin of the run just finished is to be written. */
static void
block_plain_twin_cb (RlExperimentRunner *runner,
                     gboolean            completed,
                     const GError       *error,
                     gpointer            user_data)
{
  g_autofree char *plain = last_run_twin_path (user_data, RL_TWIN_PLAIN);

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

/* Clears @view's runs: their files go from @dir, and no message follows (within 200 ms). */
static void
clear_runs (RlExperimentView *view,
            const char       *dir)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  wait_for_files (dir, 0);
  ui_test_spin (200);
  g_assert_null (ui_test_find_message_dialog ());
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
    g_autofree char *text = ui_test_take_message ("The trained plain-8 of run 1 could not be kept\n");
    g_autofree char *quoted = g_strdup_printf ("“%s”", plain_name);

    g_assert_nonnull (strstr (text, quoted));
    g_assert_nonnull (strstr (text, "The run and its curves are kept"));
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
  clear_runs (view, dir);
  g_assert_false (g_file_test (resnet, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (plain, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (plain), ==, 0);
  destroy_view (view, window);
}

/* Puts a folder where the plain twin's initial weights of the run just finished are to be
 * written. */
static void
block_plain_initial_cb (RlExperimentRunner *runner,
                        gboolean            completed,
                        const GError       *error,
                        gpointer            user_data)
{
  g_autofree char *plain = last_run_twin_path (user_data, RL_TWIN_PLAIN);
  g_autofree char *initial = rl_landscape_initial_path (plain);

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
    g_autofree char *text = ui_test_take_message ("The initial weights of plain-8 in run 1 could not"
                                                  " be kept\n");
    g_autofree char *quoted = g_strdup_printf ("“%s”", initial_name);

    g_assert_nonnull (strstr (text, quoted));
    g_assert_nonnull (strstr (text, "no line from its initial weights"));
    g_assert_nonnull (strstr (text, "The run, its curves and its trained twins are kept"));
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
  clear_runs (view, dir);
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (resnet_initial, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (plain_initial, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (plain_initial), ==, 0);
  destroy_view (view, window);
}

/* Puts a folder where the plain twin of the run just finished is to be written, and a file of
 * the user's where the residual twin's initial weights are. */
static void
block_plain_twin_and_resnet_initial_cb (RlExperimentRunner *runner,
                                        gboolean            completed,
                                        const GError       *error,
                                        gpointer            user_data)
{
  g_autofree char *resnet = last_run_twin_path (user_data, RL_TWIN_RESIDUAL);
  g_autofree char *initial = rl_landscape_initial_path (resnet);
  g_autoptr (GError) write_error = NULL;

  block_plain_twin_cb (runner, completed, error, user_data);
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
    g_autofree char *text = ui_test_take_message ("The trained plain-8 of run 1 could not be kept\n");
    g_autofree char *quoted_twin = g_strdup_printf ("“%s”", plain_name);
    g_autofree char *quoted_initial = g_strdup_printf ("“%s”", initial_name);

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
  clear_runs (view, dir);
  g_assert_false (g_file_test (resnet, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (resnet_initial, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_assert_cmpint (g_unlink (resnet_initial), ==, 0);
  g_assert_cmpint (g_rmdir (plain), ==, 0);
  destroy_view (view, window);
}

/* ---- the folder in a message -------------------------------------------------------------- */

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

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/experiment/save-fails", test_save_fails);
  ui_test_add ("/ui/experiment/twin-save-fails", test_twin_save_fails);
  ui_test_add ("/ui/experiment/initial-save-fails", test_initial_save_fails);
  ui_test_add ("/ui/experiment/twin-and-initial-save-fail", test_twin_and_initial_save_fail);
  ui_test_add ("/ui/experiment/display-folder", test_display_folder);

  return ui_test_run ();
}
