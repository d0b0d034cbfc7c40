/* test-ui-landscape.c: the Experiment page's Landscape tab (rl-landscape-view.c) in the window:
 * nothing to compute before the twins train; after a tiny experiment on real MNIST it holds
 * both twins, Compute fills the coarse grid with finite losses whose centre is the trained
 * twin's own loss on the subset, the figures draw (contours, the surface turned by the view
 * angles, the line), and Cancel stops it before the final grid.
 *
 * From the Models list (rl-window-landscape.c, #16): two runs saved in the model store, one
 * with its initial weights beside it, compared through the row menu's "Compare Landscape
 * With" item: the tab holds both and is shown, and Compute gives each its own loss at the
 * centre and the line for the one with initial weights; a damaged file gives a dialog naming
 * it and leaves the tab as it was; a net of another shape is seen in its own directions, which
 * the note says; "Loss Landscape" shows one model alone.
 *
 * A run trained in the app (the Train view, from fresh weights) keeps its initial weights
 * beside it, equal to a net built with the run's seed; Loss Landscape from its row then has the
 * line; Rename and Delete + Undo keep the pair together; a run continued from the model in use
 * keeps none.
 *
 * The runs the Experiment view keeps, their twins in the tab: test-ui-landscape-kept.c. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui-test-utils.h"
#include "landscape-test-utils.h"
#include "landscape-view-test-utils.h"

#include "rl-arch.h"
#include "rl-dataset-loader.h"
#include "rl-experiment-view.h"
#include "rl-landscape.h"
#include "rl-net-chooser.h"
#include "rl-landscape-view.h"
#include "rl-window.h"

#define N_IMAGES 200

static gboolean
coarse_done (gpointer data)
{
  return rl_landscape_runner_get_complete_grid (data) >= 5;
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

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  view = rl_window_get_experiment_view (window);
  landscape = rl_window_get_landscape_view (window);
  runner = rl_landscape_view_get_runner (landscape);
  twins = rl_experiment_view_get_runner (view);
  rl_window_show_experiment_page (window, "landscape");
  ui_test_spin (100);

  /* nothing to look at yet: Compute does nothing */
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute", NULL);
  g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
  g_assert_null (rl_landscape_runner_get_config (runner));

  /* a tiny experiment: depth 8 on 256 images */
  rl_window_show_experiment_page (window, "curves");
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 256);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));
  g_assert_nonnull (rl_experiment_runner_get_trained (twins, RL_TWIN_PLAIN, NULL));
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 2);
  /* named with their run, as a kept run's twins are: several runs may have a plain-8 */
  {
    guint number = rl_experiment_view_get_n_runs (view);
    g_autofree char *names = g_strdup_printf ("of “plain-8 (run %u)” and “resnet-8 (run %u)”, in"
                                              " the same two random directions", number,
                                              number);

    g_test_message ("%s", rl_landscape_view_get_note (landscape));
    g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                     "The loss around the trained weights (the dots) "));
    g_assert_nonnull (strstr (rl_landscape_view_get_note (landscape), names));
  }

  /* Compute: the coarse 5 x 5 grid of a 33 x 33 one, on 200 training images */
  rl_window_show_experiment_page (window, "landscape");
  rl_landscape_view_set_grid (landscape, 33);
  rl_landscape_view_set_images (landscape, N_IMAGES);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute",
                                             NULL));
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));
  config = rl_landscape_runner_get_config (runner);
  g_assert_cmpuint (config->grid, ==, 33);
  g_assert_cmpuint (config->n_images, ==, N_IMAGES);
  g_assert_true (rl_landscape_runner_same_directions (runner));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_progress (landscape), "Grid 5 × 5 of"));
  g_assert_true (ui_test_wait_for (coarse_done, runner, 120));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_progress (landscape), "Grid 9 × 9 of")
                 || !rl_runner_is_running (RL_RUNNER (runner)));

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

  /* closing the window while it computes asks first; Keep Computing keeps it going */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 10));
  {
    GtkMessageDialog *dialog = ui_test_find_message_dialog ();
    g_autofree char *text = ui_test_dialog_text (dialog);

    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "Stop the loss landscape and quit?\n"));
    gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  }
  ui_test_spin (100);
  g_assert_false (ui_test_window_gone (window));
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));

  /* Cancel: stops before the final grid */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.cancel", NULL));
  g_assert_true (ui_test_wait_for (landscape_idle, runner, 30));
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), <, 33);
  g_assert_cmpuint (rl_landscape_runner_get_n_done (runner, 0), <, 33 * 33);
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_progress (landscape), "Stopped at grid"));

  ui_test_destroy_window (window);
}

/* ---- the figures' room ------------------------------------------------------------------ */

/* The figure @area shows now, drawn as it is: its first column with ink (a pixel not white)
 * in @left, and the empty columns after its last in @right; a few pixels of its edge, where a
 * focus ring goes, are not looked at. */
static void
figure_ink (GtkWidget *area,
            int       *left,
            int       *right)
{
  const int edge = 4;
  int width = gtk_widget_get_width (area), height = gtk_widget_get_height (area);
  cairo_surface_t *drawn = ui_test_draw_widget (area, width, height);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  const guint32 *pixels;
  int stride;

  /* on white: what the figure leaves transparent is no ink */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_surface (cr, drawn, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (drawn);
  cairo_surface_flush (surface);
  pixels = (const guint32 *) (gpointer) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;
  *left = width;
  *right = width;
  for (int y = edge; y < height - edge; y++)
    for (int x = edge; x < width - edge; x++)
      if ((pixels[y * stride + x] & 0xffffff) != 0xffffff)
        {
          *left = MIN (*left, x);
          *right = MIN (*right, width - 1 - x);
        }
  cairo_surface_destroy (surface);
}

/* The drawing area of @landscape's figure shown now. */
static GtkWidget *
figure_area (RlLandscapeView *landscape)
{
  GtkWidget *area = ui_test_find_type (GTK_WIDGET (landscape), GTK_TYPE_DRAWING_AREA);
  GtkWidget *stack = gtk_widget_get_parent (area);   /* the figures' */

  g_assert_true (GTK_IS_STACK (stack));
  return gtk_stack_get_visible_child (GTK_STACK (stack));
}

/* Checks that @landscape's contours and surface use the room they have across: drawn in the
 * middle, as much room left on either side (within 1/30 of the width: the surface once kept
 * the contours' axis-label margin on its left and stood 25 px right of centre at 1280 x 800),
 * over at least @min_share of the width. */
static void
assert_figures_centred (RlWindow        *window,
                        RlLandscapeView *landscape,
                        double           min_share)
{
  const char *figures[] = { "contours", "surface" };

  for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
    {
      GtkWidget *area;
      int left, right, width;

      rl_landscape_view_show (landscape, figures[f]);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 10));
      area = figure_area (landscape);
      width = gtk_widget_get_width (area);
      figure_ink (area, &left, &right);
      g_test_message ("%s, %d x %d: %d px empty on the left, %d on the right", figures[f],
                      width, gtk_widget_get_height (area), left, right);
      g_assert_cmpint (left, <, width);
      g_assert_cmpint (abs (left - right), <=, width / 30);
      g_assert_cmpint (width - left - right, >=, (int) (min_share * width));
    }
}

/* ---- from the Models list ---------------------------------------------------------------- */

/* Saves @model as a run of @store named @name (a file of the store's folder, dated @second
 * seconds into a fixed minute), with @initial (nullable) beside it as `reslab-cli train
 * --keep-initial` keeps it. Returns: (transfer full) the path */
static char *
save_run (RlModelStore *store, const RlModel *model, const RlModel *initial, const char *name,
          int second)
{
  g_autoptr (GDateTime) when = g_date_time_new_utc (2026, 12, 1, 12, 0, second);
  g_autofree char *arch = rl_arch_to_string (rl_model_get_arch (model));
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GError) error = NULL;
  char *path = rl_model_store_new_run_path (store, arch, RL_DATASET_MNIST, when);

  g_assert_cmpint (g_mkdir_with_parents (rl_model_store_get_dir (store), 0700), ==, 0);
  g_hash_table_insert (metadata, "name", g_strdup (name));
  g_hash_table_insert (metadata, "dataset", g_strdup ("mnist"));
  if (initial != NULL)
    {
      g_autofree char *initial_path = rl_landscape_initial_path (path);

      g_assert_true (rl_landscape_save_initial (initial, path, RL_DATASET_MNIST, 13, &error));
      g_assert_no_error (error);
      g_hash_table_insert (metadata, "initial", g_path_get_basename (initial_path));
    }
  g_assert_true (rl_model_save (model, path, metadata, &error));
  g_assert_no_error (error);
  return path;
}

/* The row of @path (NULL: the bundled model) in the Models list. */
static guint
row_of (RlWindow *window, const char *path)
{
  RlModelStore *store = rl_window_get_model_store (window);
  RlModelItem *item = rl_model_store_find (store, path);

  g_assert_nonnull (item);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr (RlModelItem) other = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (other == item)
        return i;
    }
  g_assert_not_reached ();
}

/* The target of the row menu's item labelled @label, in its first section or, when @submenu,
 * in the submenu of that section's second item. Returns: (transfer full) */
static GVariant *
menu_target (GMenuModel *menu, gboolean submenu, const char *label)
{
  g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_autoptr (GMenuModel) items = NULL;

  g_assert_nonnull (section);
  if (submenu)
    {
      g_autofree char *title = NULL;

      g_assert_true (g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_LABEL, "s",
                                                      &title));
      g_assert_cmpstr (title, ==, "_Compare Landscape With");
      items = g_menu_model_get_item_link (section, 1, G_MENU_LINK_SUBMENU);
    }
  else
    items = g_object_ref (section);
  g_assert_nonnull (items);
  for (int i = 0; i < g_menu_model_get_n_items (items); i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (items, i, G_MENU_ATTRIBUTE_LABEL, "s",
                                                      &text));
      if (g_strcmp0 (text, label) != 0)
        continue;
      g_assert_true (g_menu_model_get_item_attribute (items, i, G_MENU_ATTRIBUTE_ACTION, "s",
                                                      &action));
      g_assert_cmpstr (action, ==, "win.show-landscape");
      return g_menu_model_get_item_attribute_value (items, i, G_MENU_ATTRIBUTE_TARGET,
                                                    G_VARIANT_TYPE_STRING_ARRAY);
    }
  g_assert_not_reached ();
}

static void
test_from_models_list (void)
{
  RlWindow *window;
  RlModelStore *store;
  RlModelsPopover *popover;
  RlLandscapeView *landscape;
  RlLandscapeRunner *runner;
  g_autoptr (RlModel) plain = NULL;
  g_autoptr (RlModel) resnet = NULL;
  g_autoptr (RlModel) resnet0 = NULL;
  g_autoptr (RlDataset) train = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *plain_path = NULL;
  g_autofree char *resnet_path = NULL;
  g_autofree char *broken_path = NULL;
  g_autofree char *broken_name = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *progress = NULL;
  g_autoptr (GVariant) target = NULL;
  GMenuModel *menu;
  gsize length;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  store = rl_window_get_model_store (window);
  popover = rl_window_get_models_popover (window);
  landscape = rl_window_get_landscape_view (window);
  runner = rl_landscape_view_get_runner (landscape);
  g_assert_cmpstr (rl_window_get_view (window), !=, "experiment");

  /* two runs: plain-8, and resnet-8 with its initial weights (a file the list does not show) */
  plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 11);
  resnet = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 12);
  resnet0 = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 13);
  plain_path = save_run (store, plain, NULL, "my plain-8", 1);
  resnet_path = save_run (store, resnet, resnet0, "my_resnet-8", 2);
  rl_model_store_reload (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);   /* + bundled */
  ui_test_spin (50);

  /* plain-8's row menu: Compare Landscape With → my_resnet-8 (its "_" doubled, no mnemonic) */
  menu = rl_models_popover_get_row_menu (popover, row_of (window, plain_path));
  g_assert_nonnull (menu);
  target = menu_target (menu, TRUE, "my__resnet-8");
  {
    g_autofree const char **keys = g_variant_get_strv (target, NULL);

    g_assert_cmpuint (g_strv_length ((char **) keys), ==, 2);
    g_assert_cmpstr (keys[0], ==, plain_path);
    g_assert_cmpstr (keys[1], ==, resnet_path);
  }
  show_landscape (window, g_steal_pointer (&target));
  g_assert_true (ui_test_wait_for (two_models_waiting, landscape, 60));
  g_assert_cmpstr (rl_window_get_view (window), ==, "experiment");
  g_assert_cmpstr (experiment_tab (landscape), ==, "landscape");
  g_assert_true (rl_landscape_view_get_same_directions (landscape));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The loss around the trained weights (the dots) of “my plain-8”"
                                   " and “my_resnet-8”, in the same two random directions"));

  /* Compute: a 9 x 9 grid on 100 training images */
  rl_landscape_view_set_grid (landscape, 9);
  rl_landscape_view_set_images (landscape, 100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute",
                                             NULL));
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));
  g_assert_true (ui_test_wait_for (landscape_idle, runner, 240));
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 9);
  train = rl_dataset_loader_peek (RL_DATASET_MNIST, RL_SPLIT_TRAIN);
  g_assert_nonnull (train);
  for (guint m = 0; m < 2; m++)
    {
      const double *loss = rl_landscape_runner_get_loss (runner, m);
      double ref = landscape_test_reference_loss (m == 0 ? plain : resnet, train, 100, NULL);
      const double *t, *line;

      g_test_message ("model %u: centre %.6f, reference %.6f", m, loss[4 * 9 + 4], ref);
      g_assert_cmpfloat_with_epsilon (loss[4 * 9 + 4], ref, 1e-9 * ref);
      /* the line only for the run that kept its initial weights */
      g_assert_cmpint (rl_landscape_runner_get_line (runner, m, &t, &line), ==, m == 1);
    }
  progress = g_strdup (rl_landscape_view_get_progress (landscape));
  g_assert_true (g_str_has_prefix (progress, "Grid 9 × 9 in"));
  /* the two panels side by side fill the figure's width */
  assert_figures_centred (window, landscape, 0.9);

  /* the note says what each figure shows: the Line is not around the trained weights */
  rl_landscape_view_show (landscape, "line");
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The loss of “my plain-8” and “my_resnet-8” on the straight line"
                                   " from each one’s initial weights"));
  rl_landscape_view_show (landscape, "contours");
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The loss around the trained weights (the dots)"));

  /* a run whose file was damaged after it was listed: a dialog names it, the tab stays */
  broken_path = save_run (store, plain, NULL, "broken", 3);
  rl_model_store_reload (store);
  g_assert_true (g_file_get_contents (broken_path, &contents, &length, &error));
  g_assert_true (g_file_set_contents (broken_path, contents, (gssize) (length - 4096), &error));
  g_assert_no_error (error);
  menu = rl_models_popover_get_row_menu (popover, row_of (window, broken_path));
  show_landscape (window, menu_target (menu, FALSE, "_Loss Landscape"));
  text = ui_test_take_message (NULL);
  broken_name = g_path_get_basename (broken_path);
  g_assert_nonnull (strstr (text, broken_name));
  g_assert_nonnull (strstr (text, "The loss landscape has not changed."));
  ui_test_spin (100);
  g_assert_cmpuint (rl_landscape_view_get_n_models (landscape), ==, 2);
  g_assert_cmpstr (rl_landscape_view_get_progress (landscape), ==, progress);
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (runner), ==, 9);

  /* resnet-8 beside the bundled seed net: other shapes, so each in its own directions */
  menu = rl_models_popover_get_row_menu (popover, row_of (window, resnet_path));
  show_landscape (window, menu_target (menu, TRUE,
                                       rl_model_item_get_name (rl_model_store_get_bundled (store))));
  g_assert_true (ui_test_wait_for (two_models_waiting, landscape, 60));
  g_assert_false (rl_landscape_view_get_same_directions (landscape));
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "“my_resnet-8” and “The seed net bundled with ResLab” differ"
                                   " in shape: each is seen in its own two random directions"));

  /* Loss Landscape: plain-8 alone, the tab shown again from another page */
  rl_window_set_view (window, "draw");
  menu = rl_models_popover_get_row_menu (popover, row_of (window, plain_path));
  show_landscape (window, menu_target (menu, FALSE, "_Loss Landscape"));
  g_assert_true (ui_test_wait_for (one_model_waiting, landscape, 60));
  g_assert_cmpstr (rl_window_get_view (window), ==, "experiment");
  g_assert_cmpstr (experiment_tab (landscape), ==, "landscape");

  /* a request still loading gives way to the next one */
  {
    const char *one[] = { resnet_path, NULL };
    const char *two[] = { resnet_path, plain_path, NULL };

    gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
    guint settled = 0;

    show_landscape (window, g_variant_new_strv (one, -1));
    show_landscape (window, g_variant_new_strv (two, -1));
    /* resnet-8 alone never shows, before or after the pair */
    while (settled < 500 && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
        g_assert_null (strstr (rl_landscape_view_get_note (landscape),
                               "(the dot) of “my_resnet-8”"));
        settled = two_models_waiting (landscape) ? settled + 1 : 0;
      }
    g_assert_cmpuint (settled, ==, 500);
    g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                     "The loss around the trained weights (the dots) of"
                                     " “my_resnet-8” and “my plain-8”"));
  }

  ui_test_destroy_window (window);
}

/* ---- a run trained in the app ------------------------------------------------------------ */

static gboolean
window_idle (gpointer data)
{
  return !rl_window_is_busy (data);
}

/* Trains the Train view's net (fresh weights, or @from_current) on 640 images for an epoch.
 * Returns: (transfer full) the run's file */
static char *
train_in_app (RlWindow *window, gboolean from_current)
{
  RlTrainView *view = rl_window_get_train_view (window);

  rl_train_view_set_from_current (view, from_current);
  rl_train_view_set_train_images (view, 640);
  rl_train_view_set_epochs (view, 1);
  g_assert_true (ui_test_wait_for (window_idle, window, 60));
  rl_window_set_view (window, "train");   /* on the Experiment page, win.train runs the twins */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (rl_window_is_busy (window));
  g_assert_true (ui_test_wait_for (window_idle, window, 240));
  g_assert_nonnull (rl_window_get_model_path (window));
  return g_strdup (rl_window_get_model_path (window));
}

static void
test_app_trained_run (void)
{
  RlWindow *window;
  RlModelStore *store;
  RlModelsPopover *popover;
  RlLandscapeView *landscape;
  RlLandscapeRunner *runner;
  g_autoptr (RlModel) initial = NULL;
  g_autoptr (RlModel) expected = NULL;
  g_autoptr (RlModel) trained = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *initial_path = NULL;
  g_autofree char *continued = NULL;
  g_autofree char *continued_initial = NULL;
  const double *t, *line;
  guint64 seed = 0;
  GMenuModel *menu;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  store = rl_window_get_model_store (window);
  popover = rl_window_get_models_popover (window);
  landscape = rl_window_get_landscape_view (window);
  runner = rl_landscape_view_get_runner (landscape);

  /* a seed net from fresh weights: the run and its initial weights, a pair */
  rl_net_chooser_choose (rl_train_view_get_net_chooser (rl_window_get_train_view (window)),
                         "seed");
  path = train_in_app (window, FALSE);
  initial_path = rl_landscape_initial_path (path);
  g_test_message ("%s", rl_train_view_get_status (rl_window_get_train_view (window)));
  g_assert_true (g_file_test (initial_path, G_FILE_TEST_IS_REGULAR));
  initial = run_initial (path, &seed);
  expected = rl_model_new_mnist (rl_model_get_arch (initial), &error);
  g_assert_no_error (error);
  rl_model_init_params (expected, seed);
  assert_same_params (initial, expected);
  trained = rl_model_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (rl_model_get_params_const (trained), rl_model_get_params_const (initial),
                         rl_model_get_n_params (initial) * sizeof (float)) != 0);
  g_clear_pointer (&initial, rl_model_free);
  /* the list shows the run, never its initial weights */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr (RlModelItem) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_cmpstr (rl_model_item_get_path (item), !=, initial_path);
    }

  /* Loss Landscape from its row: the line is there */
  ui_test_spin (50);
  menu = rl_models_popover_get_row_menu (popover, row_of (window, path));
  show_landscape (window, menu_target (menu, FALSE, "_Loss Landscape"));
  g_assert_true (ui_test_wait_for (one_model_waiting, landscape, 60));
  rl_landscape_view_set_grid (landscape, 9);
  rl_landscape_view_set_images (landscape, 100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute",
                                             NULL));
  g_assert_true (ui_test_wait_for (landscape_idle, runner, 240));
  g_assert_true (rl_landscape_runner_get_line (runner, 0, &t, &line));
  for (guint i = 0; i < RL_LANDSCAPE_LINE_POINTS; i++)
    g_assert_true (isfinite (line[i]) && line[i] > 0.0);
  {
    /* t = 0 is the initial net, t = 1 the trained one: training lowered the loss */
    guint i0 = 5, i1 = 25;

    g_assert_cmpfloat_with_epsilon (t[i0], 0.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (t[i1], 1.0, 1e-9);
    g_test_message ("line: loss %.4f at the initial weights, %.4f at the trained", line[i0],
                    line[i1]);
    g_assert_cmpfloat (line[i1], <, line[i0]);
  }
  rl_landscape_view_show (landscape, "line");
  ui_test_spin (100);

  /* Rename: the same pair */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.rename-model", "(ss)",
                                             path, "Paired run"));
  g_assert_cmpstr (rl_model_item_get_name (rl_model_store_find (store, path)), ==, "Paired run");
  initial = run_initial (path, NULL);
  assert_same_params (initial, expected);
  g_clear_pointer (&initial, rl_model_free);

  /* Delete: both files go; Undo: both come back, still a pair */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-model", "s", path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (initial_path, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete-model", NULL));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (initial_path, G_FILE_TEST_IS_REGULAR));
  initial = run_initial (path, NULL);
  assert_same_params (initial, expected);
  g_clear_pointer (&initial, rl_model_free);

  /* a run continued from the model in use keeps no initial weights */
  g_assert_cmpstr (rl_window_get_model_path (window), ==, path);
  continued = train_in_app (window, TRUE);
  g_assert_cmpstr (continued, !=, path);
  continued_initial = rl_landscape_initial_path (continued);
  g_assert_false (g_file_test (continued_initial, G_FILE_TEST_EXISTS));
  initial = run_initial (continued, NULL);
  g_assert_null (initial);
  /* and the first pair is untouched */
  initial = run_initial (path, NULL);
  assert_same_params (initial, expected);

  ui_test_destroy_window (window);
}

/* One model's panel is drawn in the middle of the figure, at each of the window's sizes (it
 * was drawn on the left, the figure laid out for two side by side, the right 45 % empty). */
static void
test_one_model_centred (void)
{
  static const int sizes[][2] = { { 1280, 800 }, { 1024, 700 }, { 800, 600 } };
  const char *bundled[] = { "", NULL };
  RlWindow *window;
  RlLandscapeView *landscape;

  if (!ui_test_has_dataset (RL_DATASET_MNIST) || !ui_test_has_bundled_model ())
    {
      g_test_skip ("no MNIST files or no bundled model: run ./dev.sh data");
      return;
    }

  window = ui_test_new_window_sized (sizes[0][0], sizes[0][1]);
  landscape = rl_window_get_landscape_view (window);
  show_landscape (window, g_variant_new_strv (bundled, -1));
  g_assert_true (ui_test_wait_for (one_model_waiting, landscape, 60));
  rl_landscape_view_set_grid (landscape, 9);
  rl_landscape_view_set_images (landscape, 50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (landscape), "landscape.compute",
                                             NULL));
  g_assert_true (ui_test_wait_for (landscape_idle, rl_landscape_view_get_runner (landscape),
                                   120));
  g_assert_cmpuint (rl_landscape_runner_get_complete_grid (rl_landscape_view_get_runner
                                                           (landscape)), ==, 9);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gtk_window_set_default_size (GTK_WINDOW (window), sizes[s][0], sizes[s][1]);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 10));
      assert_figures_centred (window, landscape, 0.3);
    }

  ui_test_destroy_window (window);
}

/* The Line figure of models without their initial weights says so in a sentence for their
 * number ("These models" was said of one), and only when none of them has any: a pair of which
 * one kept them waits for Compute, as the line of that one is drawn after the grid. */
static void
test_line_without_initial (void)
{
  g_autoptr (RlDataset) train = landscape_test_load_train ();
  g_autoptr (RlModel) plain = landscape_test_cifar_model (8, FALSE, RL_SHORTCUT_A, TRUE, 21);
  g_autoptr (RlModel) resnet = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 22);
  g_autoptr (RlModel) resnet0 = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 23);
  RlModel *models[] = { plain, resnet };
  RlModel *initial[] = { NULL, resnet0 };
  const char *names[] = { "plain-8", "resnet-8" };
  RlWindow *window = ui_test_new_window ();
  RlLandscapeView *landscape = rl_window_get_landscape_view (window);

  rl_landscape_view_show (landscape, "line");
  rl_landscape_view_set_models (landscape, models, NULL, names, 1, train);
  g_assert_cmpstr (rl_landscape_view_get_placeholder (landscape), ==,
                   "This model came without its initial weights.");
  /* the note under it agrees: no line "from its initial weights" it does not have */
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The Line figure follows the loss from a model’s initial"
                                   " weights to its trained ones, and “plain-8” was kept"
                                   " without them."));
  rl_landscape_view_set_models (landscape, &resnet, &resnet0, &names[1], 1, train);
  g_assert_true (g_str_has_prefix (rl_landscape_view_get_note (landscape),
                                   "The loss of “resnet-8” on the straight line from its"
                                   " initial weights"));
  rl_landscape_view_set_models (landscape, models, NULL, names, 2, train);
  g_assert_cmpstr (rl_landscape_view_get_placeholder (landscape), ==,
                   "These models came without their initial weights.");
  rl_landscape_view_set_models (landscape, models, initial, names, 2, train);
  g_assert_cmpstr (rl_landscape_view_get_placeholder (landscape), ==,
                   "Press Compute: the line from the initial to the trained weights is computed"
                   " after the grid.");
  /* the grid's figures wait for Compute too */
  rl_landscape_view_show (landscape, "contours");
  g_assert_cmpstr (rl_landscape_view_get_placeholder (landscape), ==,
                   "Press Compute to see the loss around the trained weights.");

  ui_test_destroy_window (window);
}

/* The key controller on @widget. Returns: (transfer none) */
static GtkEventController *
key_controller (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        return c;
    }
  g_assert_not_reached ();
}

/* Presses @keyval on @keys; checks it was taken. */
static void
press (GtkEventController *keys, guint keyval)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, 0, &handled);
  g_assert_true (handled);
}

/* The surface turns with the arrow keys as it does when dragged (it could only be dragged):
 * Left and Right about the vertical, Down to look from higher, Up lower, within the bounds a
 * drag keeps; other keys are left to the window. A drag gives it the focus, for the keys. */
static void
test_surface_keys (void)
{
  g_autoptr (RlDataset) train = landscape_test_load_train ();
  g_autoptr (RlModel) resnet = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, TRUE, 31);
  RlModel *models[] = { resnet };
  const char *names[] = { "resnet-8" };
  RlWindow *window = ui_test_new_window ();
  RlLandscapeView *landscape = rl_window_get_landscape_view (window);
  GtkWidget *area;
  GtkEventController *keys;
  double az0, el0, az, el;
  gboolean handled = TRUE;

  rl_window_show_experiment_page (window, "landscape");
  rl_landscape_view_set_models (landscape, models, NULL, names, 1, train);
  rl_landscape_view_show (landscape, "surface");
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 10));
  area = figure_area (landscape);
  g_assert_true (gtk_widget_get_focusable (area));
  g_assert_true (gtk_widget_grab_focus (area));
  keys = key_controller (area);
  rl_landscape_view_set_angles (landscape, 30, 30);
  rl_landscape_view_get_angles (landscape, &az0, &el0);

  press (keys, GDK_KEY_Left);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (az, >, az0);
  g_assert_cmpfloat (el, ==, el0);
  press (keys, GDK_KEY_Right);
  press (keys, GDK_KEY_Right);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (az, <, az0);
  g_assert_cmpfloat (el, ==, el0);
  press (keys, GDK_KEY_Down);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (el, >, el0);
  press (keys, GDK_KEY_KP_Up);
  press (keys, GDK_KEY_Up);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (el, <, el0);
  /* held down, the elevation stops where a drag's does: seen from above, not from below */
  for (int i = 0; i < 100; i++)
    press (keys, GDK_KEY_Down);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (el, <, 90);
  for (int i = 0; i < 100; i++)
    press (keys, GDK_KEY_Up);
  rl_landscape_view_get_angles (landscape, &az, &el);
  g_assert_cmpfloat (el, >, 0);
  /* a drag begun there gives it the focus, for the keys after */
  gtk_widget_grab_focus (ui_test_find_type (GTK_WIDGET (landscape), GTK_TYPE_SPIN_BUTTON));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) != area);
  {
    g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (area);

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_DRAG (c))
          g_signal_emit_by_name (c, "drag-begin", 10.0, 10.0);
      }
  }
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == area);
  /* a letter is not the surface's */
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_a, 0, 0, &handled);
  g_assert_false (handled);

  ui_test_destroy_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  ui_test_add ("/ui/landscape/after-experiment", test_after_experiment);
  ui_test_add ("/ui/landscape/from-models-list", test_from_models_list);
  ui_test_add ("/ui/landscape/app-trained-run", test_app_trained_run);
  ui_test_add ("/ui/landscape/one-model-centred", test_one_model_centred);
  ui_test_add ("/ui/landscape/line-without-initial", test_line_without_initial);
  ui_test_add ("/ui/landscape/surface-keys", test_surface_keys);
  return ui_test_run ();
}
