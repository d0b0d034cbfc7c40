/* ui-test-utils.h: set-up shared by the tests that need a display (tests/test-ui-*.c).
 *
 * Without a display (DISPLAY and WAYLAND_DISPLAY unset) every test reports a skip, never a
 * pass: run them under xvfb-run (./dev.sh test does). With one, each test program runs with
 * its own XDG data, config and cache folders (so the user's model and state are neither used
 * nor touched), while RESLAB_DATA_DIR keeps pointing at the real MNIST files. GSettings use
 * the memory backend, and every test starts from the schema's defaults.
 *
 * The environment is set here, before GTK starts threads, and never again: setenv () races
 * every getenv () of another thread. A test that needs other data points the program at it
 * (rl_dataset_set_default_dir); one that needs a fake program puts it in ui_test_bin_dir,
 * which is first on PATH. No UI test can download anything: the MNIST mirrors point nowhere.
 *
 * Below the set-up, what the tests share once they run: waiting on the main loop, finding a
 * widget or a dialog, the window made and destroyed (ui_test_new_window), demo digits drawn.
 */
#pragma once

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "config.h"
#include "fs-test-utils.h"
#include "rl-arch.h"
#include "rl-canvas.h"
#include "rl-dataset-loader.h"
#include "rl-demo-digits.h"
#include "rl-diagram.h"
#include "rl-draw-view.h"
#include "rl-window.h"

static gboolean ui_test_have_display;
static char *ui_test_tmp_dir;
static char *ui_test_bin_dir;                  /* first on PATH: a test's fake programs */
static const char *ui_test_a11y = "none";      /* GTK_A11Y: no accessibility bus under xvfb */

static void
ui_test_skip_no_display (gconstpointer data)
{
  g_test_skip ("no display: run the UI tests under xvfb-run (./dev.sh test does)");
}

/* The app's settings, in the memory backend. The tests run with the build folder's schema
 * (GSETTINGS_SCHEMA_DIR, tests/meson.build): without it a check of what the app remembers
 * would check nothing, so its absence fails the test.
 * Returns: (transfer full) */
static GSettings *
ui_test_app_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, RL_APPLICATION_ID, TRUE);
  g_assert_nonnull (schema);
  return g_settings_new_full (schema, NULL, NULL);
}

/* The memory backend keeps, for the rest of the program, what one test's window wrote (the
 * view it showed, a Train setting): each test starts from the defaults instead. */
static void
ui_test_reset_settings (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static void
ui_test_run_with_defaults (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;

  ui_test_reset_settings ();
  func ();
}

/* Adds @func, or a skip when there is no display. */
static inline void
ui_test_add (const char *path,
             GTestFunc   func)
{
  if (ui_test_have_display)
    g_test_add_data_func (path, (gconstpointer) func, ui_test_run_with_defaults);
  else
    g_test_add_data_func (path, NULL, ui_test_skip_no_display);
}

/* Where MNIST is, worked out without g_get_user_data_dir (), which would cache the real
 * XDG_DATA_HOME before it is replaced below. */
static inline char *
ui_test_real_mnist_dir (void)
{
  const char *dir = g_getenv ("RESLAB_DATA_DIR");
  const char *xdg = g_getenv ("XDG_DATA_HOME");

  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);
  if (xdg != NULL && *xdg != '\0')
    return g_build_filename (xdg, "reslab", "mnist", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "share", "reslab", "mnist", NULL);
}

/* Whether the files of @kind are where the app looks for them (MNIST: ./dev.sh data fetches
 * them; Fashion-MNIST: Debian's dataset-fashion-mnist). */
static inline gboolean
ui_test_has_dataset (RlDatasetKind kind)
{
  g_auto (GStrv) missing = rl_dataset_find_missing_files (kind);

  return missing == NULL;
}

/* Skips the test, saying how to get the files, when those of @kind are missing.
 * Returns: TRUE when it skipped: the test returns at once. */
static inline gboolean
ui_test_skip_without_dataset (RlDatasetKind kind)
{
  if (ui_test_has_dataset (kind))
    return FALSE;
  g_test_skip (kind == RL_DATASET_FASHION
               ? "no Fashion-MNIST files: ./dev.sh setup installs dataset-fashion-mnist"
               : "no MNIST files: ./dev.sh data fetches them");
  return TRUE;
}

/* Whether this build bundles the seed net's model (resources/models/seed.safetensors). */
static inline gboolean
ui_test_has_bundled_model (void)
{
  return g_resources_get_info (RL_BUNDLED_MODEL_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE,
                               NULL, NULL, NULL);
}

/* For ui_test_wait_for (): @data, a widget, has been given a size (laid out at least once;
 * on a loaded machine that can take longer than a fixed spin). */
static inline gboolean
ui_test_laid_out (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_height (data) > 0;
}

/* For ui_test_wait_for (): @data, a widget (a popover, a view's part), is on screen. */
static inline gboolean
ui_test_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* For ui_test_wait_for (): @data, a widget, is not (or no longer) on screen. */
static inline gboolean
ui_test_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static inline gboolean
ui_test_init (int    *argc,
              char ***argv)
{
  const char *display = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");
  g_autofree char *mnist = NULL;
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *path = NULL;

  ui_test_have_display = (display != NULL && *display != '\0')
                         || (wayland != NULL && *wayland != '\0');
  if (!ui_test_have_display)
    {
      g_test_init (argc, argv, NULL);
      return FALSE;
    }

  mnist = ui_test_real_mnist_dir ();
  ui_test_tmp_dir = g_dir_make_tmp ("reslab-ui-test-XXXXXX", NULL);
  g_assert_nonnull (ui_test_tmp_dir);
  data = g_build_filename (ui_test_tmp_dir, "data", NULL);
  config = g_build_filename (ui_test_tmp_dir, "config", NULL);
  cache = g_build_filename (ui_test_tmp_dir, "cache", NULL);
  g_setenv ("RESLAB_DATA_DIR", mnist, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", ui_test_a11y, TRUE);
  ui_test_bin_dir = g_build_filename (ui_test_tmp_dir, "bin", NULL);
  g_assert_cmpint (g_mkdir (ui_test_bin_dir, 0700), ==, 0);
  path = g_strdup_printf ("%s:%s", ui_test_bin_dir, g_getenv ("PATH"));
  g_setenv ("PATH", path, TRUE);
  g_setenv ("RESLAB_MNIST_MIRRORS", "file:///nonexistent/reslab-mirror", TRUE);
  /* Under Xvfb, GL is Mesa's llvmpipe, which compiles each new shader with LLVM on the main
   * thread: stalls of a second that have nothing to do with ResLab would swamp the main-loop
   * measurements. Cairo renders the same widgets in software without that. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  gtk_test_init (argc, argv, NULL);

  /* The style sheet the application loads at start-up (rl-application.c): windows under test
   * are sized and drawn as the app shows them (the view switcher's buttons, for one). */
  {
    GtkCssProvider *css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/reslab/ResLab/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref (css);
  }
  return TRUE;
}

/* Runs the tests, then removes the private XDG folders. */
static inline int
ui_test_run (void)
{
  int status = g_test_run ();

  if (ui_test_tmp_dir != NULL)
    {
      test_rm_rf (ui_test_tmp_dir);
      g_clear_pointer (&ui_test_tmp_dir, g_free);
      g_clear_pointer (&ui_test_bin_dir, g_free);
    }
  return status;
}

/* Iterates the main context until @condition (@data) holds or @timeout_s seconds pass;
 * returns whether it held. */
static inline gboolean
ui_test_wait_for (gboolean (*condition) (gpointer data),
                  gpointer   data,
                  double     timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static inline gboolean
ui_test_predicts_fashion_ (gpointer window)
{
  return rl_predictor_get_kind (rl_window_get_predictor (window)) == RL_DATASET_FASHION;
}

/* Opens in @window an untrained seed net (seed 5) saved as a model of Fashion-MNIST, in a new
 * folder, and waits until the window reads with it. *@path_out is the file, in its own folder:
 * the caller removes both. */
static inline void
ui_test_open_fashion_model (RlWindow  *window,
                            char     **path_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse ("seed", &error);
  g_autoptr (RlModel) model = NULL;
  g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *dir = NULL;

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (model, 5);
  g_hash_table_insert (metadata, "dataset", "fashion");
  dir = g_dir_make_tmp ("reslab-fashion-XXXXXX", &error);
  g_assert_no_error (error);
  *path_out = g_build_filename (dir, "fashion.safetensors", NULL);
  g_assert_true (rl_model_save (model, *path_out, metadata, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-path", "s",
                                             *path_out));
  g_assert_true (ui_test_wait_for (ui_test_predicts_fashion_, window, 30));
}

/* Removes the model ui_test_open_fashion_model saved, and its folder. */
static inline void
ui_test_remove_fashion_model (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* Lets pending idle and frame work run for about @ms milliseconds. */
static inline void
ui_test_spin (int ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* For ui_test_settle (): where @widget and each widget under it are, appended to @out as five
 * floats a widget: shown, mapped and child-visible as bits, then its bounds in its parent's
 * coordinates (which take in the offsets that a scrolled viewport or a revealer's slide give a
 * child; the parent's own bounds are a line of their own). */
static inline void
ui_test_append_layout (GtkWidget *widget,
                       GArray    *out)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  graphene_rect_t b;
  float row[5];

  if (parent == NULL || !gtk_widget_compute_bounds (widget, parent, &b))
    graphene_rect_init (&b, 0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  row[0] = gtk_widget_get_visible (widget) | gtk_widget_get_mapped (widget) << 1
           | gtk_widget_get_child_visible (widget) << 2;
  row[1] = b.origin.x;
  row[2] = b.origin.y;
  row[3] = b.size.width;
  row[4] = b.size.height;
  g_array_append_vals (out, row, G_N_ELEMENTS (row));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ui_test_append_layout (child, out);
}

/* How many frames in a row must find the same layout: two, as a resize that an allocation
 * queues, or an idle run between two frames, shows in the frame after. Each frame more is a
 * frame's time more for every wait, on a loaded machine a fifth of a second. */
#define UI_TEST_SETTLE_FRAMES 2

typedef struct {
  GtkWidget *root;
  GArray    *last;       /* the layout at the last frame, or NULL */
  guint      n_frames;   /* frames since the wait began */
  guint      n_same;     /* frames in a row that found the layout of the one before */
} UiTestSettle;

static inline void
ui_test_settle_after_paint (GdkFrameClock *clock,
                            gpointer       data)
{
  UiTestSettle *settle = data;
  GArray *now = g_array_sized_new (FALSE, FALSE, sizeof (float),
                                   settle->last != NULL ? settle->last->len : 1024);

  ui_test_append_layout (settle->root, now);
  if (settle->last != NULL && now->len == settle->last->len
      && memcmp (now->data, settle->last->data, now->len * sizeof (float)) == 0)
    settle->n_same++;
  else
    settle->n_same = 0;
  g_clear_pointer (&settle->last, g_array_unref);
  settle->last = now;
  settle->n_frames++;
}

/* Iterates the main context until the layout of @root and every widget under it has settled:
 * UI_TEST_SETTLE_FRAMES frames of @root's window in a row ("after-paint" of its frame clock,
 * each frame asked for here) found every widget where the frame before had it (shown,
 * mapped, its bounds), and between two frames the main context had run what was ready (the
 * idles an allocation queues, a view that gives a child its room from one). Returns whether
 * it settled within @timeout_s seconds (the caller asserts it). In place of a fixed spin
 * before a test measures sizes or places: on a loaded machine a frame can come later than any
 * fixed time, and on an idle one the wait is a few frames, not hundreds of milliseconds.
 * What a worker thread posts, or a throttle's timer, is no layout: wait for it first
 * (ui_test_wait_for), then settle. */
static inline gboolean
ui_test_settle (GtkWidget *root,
                double     timeout_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);
  UiTestSettle settle = { root, NULL, 0, 0 };
  GdkFrameClock *clock = NULL;
  gulong handler = 0;
  guint seen = 0;
  gboolean settled = FALSE;

  while (g_get_monotonic_time () <= end)
    {
      if (clock == NULL && gtk_widget_get_mapped (root)
          && gtk_widget_get_frame_clock (root) != NULL)
        {
          clock = g_object_ref (gtk_widget_get_frame_clock (root));
          handler = g_signal_connect (clock, "after-paint",
                                      G_CALLBACK (ui_test_settle_after_paint), &settle);
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
        }
      else if (clock != NULL && settle.n_frames > seen)
        {
          seen = settle.n_frames;
          if (settle.n_same + 1 >= UI_TEST_SETTLE_FRAMES)
            {
              settled = TRUE;
              break;
            }
          /* what the frame left ready runs before the next frame is asked for: while frames
           * come back to back (a loaded machine), the frame clock's priority would keep an
           * idle from ever running */
          for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
            g_main_context_iteration (NULL, FALSE);
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  if (!settled)
    g_test_message ("%s: the layout had not settled after %.0f s (%u frames, the last %u the "
                    "same)", G_OBJECT_TYPE_NAME (root), timeout_s, settle.n_frames,
                    settle.n_same + (settle.n_frames > 0));
  if (clock != NULL)
    {
      g_signal_handler_disconnect (clock, handler);
      g_object_unref (clock);
    }
  g_clear_pointer (&settle.last, g_array_unref);
  return settled;
}

/* The message dialog on screen, if any. */
static inline GtkMessageDialog *
ui_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static inline gboolean
ui_test_dialog_shown (gpointer data)
{
  return ui_test_find_message_dialog () != NULL;
}

/* The first widget in @root's tree (depth first, @root included) for which @match (widget,
 * @data) holds, or NULL. */
static inline GtkWidget *
ui_test_find_widget (GtkWidget  *root,
                     gboolean  (*match) (GtkWidget *widget, gconstpointer data),
                     gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
ui_test_is_a (GtkWidget     *widget,
              gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, (GType) GPOINTER_TO_SIZE (data));
}

/* For ui_test_wait_for (): the Draw view of the window @data has loaded the test set of its
 * model's dataset. */
static inline gboolean
ui_test_test_set_ready (gpointer data)
{
  return rl_draw_view_get_test_set_ready (rl_window_get_draw_view (data));
}

/* The index of @d's box named @name ("conv1", "rblock1"), or -1 without one. */
static inline int
ui_test_diagram_find_box (const RlDiagram *d,
                          const char      *name)
{
  for (guint i = 0; i < rl_diagram_get_n_boxes (d); i++)
    if (strcmp (rl_diagram_get_box (d, i)->name, name) == 0)
      return (int) i;
  return -1;
}

/* For ui_test_find_widget (): a label whose text begins with @prefix (a string). */
static inline gboolean
ui_test_is_label_starting (GtkWidget     *widget,
                           gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

/* For ui_test_find_widget (): a button whose action is @action (a string, "win.train"). */
static inline gboolean
ui_test_is_action_button (GtkWidget     *widget,
                          gconstpointer  action)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

/* @widget drawn as it is now, @width x @height, on a transparent surface.
 * Returns: (transfer full) */
static inline cairo_surface_t *
ui_test_draw_widget (GtkWidget *widget,
                     int        width,
                     int        height)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  gsk_render_node_unref (node);
  cairo_surface_flush (surface);
  return surface;
}

/* The first widget under @root (itself included) that is a @type, or NULL. */
static inline GtkWidget *
ui_test_find_type (GtkWidget *root,
                   GType      type)
{
  return ui_test_find_widget (root, ui_test_is_a, GSIZE_TO_POINTER (type));
}

/* @data (a GtkWindow) is gone from the toplevels: destroyed, though a reference keeps the
 * object alive (a GTK 4 window emits "destroy" only when its last reference goes). */
static inline gboolean
ui_test_window_gone (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (window == data)
        return FALSE;
    }
  return TRUE;
}

/* Its primary and secondary text, one line apart. Returns: (transfer full) */
static inline char *
ui_test_dialog_text (GtkMessageDialog *dialog)
{
  g_autofree char *primary = NULL;
  g_autofree char *secondary = NULL;

  g_object_get (dialog, "text", &primary, "secondary-text", &secondary, NULL);
  return g_strconcat (primary, "\n", secondary, NULL);
}

/* Waits (up to 30 s) for a message dialog, logs its text, checks that the text begins with
 * @first_line (nullable: its primary text and a newline), and closes the dialog.
 * Returns: (transfer full) the dialog's text, as ui_test_dialog_text () */
static inline char *
ui_test_take_message (const char *first_line)
{
  GtkMessageDialog *dialog;
  char *text;

  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 30));
  dialog = ui_test_find_message_dialog ();
  text = ui_test_dialog_text (dialog);
  g_test_message ("%s", text);
  if (first_line != NULL)
    g_assert_true (g_str_has_prefix (text, first_line));
  gtk_window_destroy (GTK_WINDOW (dialog));
  return text;
}

/* The position in @menu (nullable) of its item that activates @action; -1 when none does. */
static inline int
ui_test_menu_find (GMenuModel *menu,
                   const char *action)
{
  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_strcmp0 (name, action) == 0)
        return i;
    }
  return -1;
}

/* Whether @widget is shown whole, without scrolling: mapped, and inside the allocation of each
 * of its ancestors up to the window (a scrolled window's viewport among them: what it has
 * scrolled out of sight lies outside it). The rectangles go to the test's log. */
static inline gboolean
ui_test_in_sight (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  for (GtkWidget *ancestor = gtk_widget_get_parent (widget); ancestor != NULL;
       ancestor = gtk_widget_get_parent (ancestor))
    {
      graphene_rect_t b;

      if (!gtk_widget_compute_bounds (widget, ancestor, &b))
        return FALSE;
      if (b.origin.x < 0 || b.origin.y < 0
          || b.origin.x + b.size.width > gtk_widget_get_width (ancestor)
          || b.origin.y + b.size.height > gtk_widget_get_height (ancestor))
        {
          g_test_message ("%s at %.0f,%.0f %.0f x %.0f, outside the %d x %d of its ancestor %s",
                          G_OBJECT_TYPE_NAME (widget), b.origin.x, b.origin.y, b.size.width,
                          b.size.height, gtk_widget_get_width (ancestor),
                          gtk_widget_get_height (ancestor), G_OBJECT_TYPE_NAME (ancestor));
          return FALSE;
        }
    }
  return TRUE;
}

/* A window (RlWindow) at @width x @height, shown: the size a test lays the views out at. The
 * test holds the reference; ui_test_destroy_window gives it back. Returns: (transfer full) */
static inline RlWindow *
ui_test_new_window_sized (int width,
                          int height)
{
  RlWindow *window = g_object_ref_sink (rl_window_new (NULL));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* A window at 1024 x 700 (the size most UI tests use), shown. Returns: (transfer full) */
static inline RlWindow *
ui_test_new_window (void)
{
  return ui_test_new_window_sized (1024, 700);
}

/* Destroys @window (from ui_test_new_window) and checks that nothing else kept it alive. */
static inline void
ui_test_destroy_window (RlWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* Adds to @canvas the strokes of the demo digit @digit, scaled by @scale and moved by
 * (@dx, @dy) (rl_demo_digit_transformed). */
static inline void
ui_test_add_digit (RlCanvas *canvas,
                   guint     digit,
                   double    scale,
                   double    dx,
                   double    dy)
{
  g_autoptr (GPtrArray) strokes = rl_demo_digit_transformed (digit, scale, dx, dy);

  for (guint i = 0; i < strokes->len; i++)
    {
      GArray *xy = g_ptr_array_index (strokes, i);

      rl_canvas_add_stroke (canvas, (const double *) (gpointer) xy->data, xy->len / 2);
    }
}

static inline gboolean
ui_test_number_read (gpointer data)
{
  return *rl_number_view_get_text (data) != '\0';
}

/* Writes 3, 0 and 7 side by side on @view's canvas, each a demo digit at its own size and
 * height, as strokes, and waits until the view reads them on its own (within its throttle,
 * not only when asked): @expected, "307" with a model that reads them right. */
static inline void
ui_test_write_307 (RlNumberView *view,
                   const char   *expected)
{
  RlCanvas *canvas = rl_number_view_get_canvas (view);

  ui_test_add_digit (canvas, 3, 0.9, 0.1, 0.0);
  ui_test_add_digit (canvas, 0, 0.8, 1.1, 0.05);
  ui_test_add_digit (canvas, 7, 1.0, 2.1, -0.05);
  g_assert_true (ui_test_wait_for (ui_test_number_read, view, 5));
  ui_test_spin (2 * RL_NUMBER_VIEW_THROTTLE_MS);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, expected);
}

/* Draws the demo digit @digit, as it is, on @window's Draw canvas, and has the Draw view
 * predict from it at once (rl_draw_view_flush). */
static inline void
ui_test_draw_digit (RlWindow *window,
                    guint     digit)
{
  RlDrawView *draw = rl_window_get_draw_view (window);

  ui_test_add_digit (rl_draw_view_get_canvas (draw), digit, 1.0, 0, 0);
  rl_draw_view_flush (draw);
}
