/* test-ui-a11y.c: every view's widgets, read as an assistive technology reads them. A widget
 * that an AT lists must have a name of its own: GTK 4.8 names a widget from its accessible
 * label property and from the widgets it is labelled by, and falls back to the class name
 * ("GtkToggleButton", "RlDrawView") when it has neither. A name set in both places is read
 * twice ("Per la_yer Per layer"), so that fails too. The canvas must be an interactive
 * surface, not an image. The Models list is walked open. On every page, each Alt+letter
 * belongs to one widget. The keyboard's focus is never lost to no widget. */

#include <string.h>

#include "ui-test-utils.h"

#include "rl-canvas.h"
#include "rl-draw-view.h"
#include "rl-inside-view.h"
#include "rl-landscape-view.h"
#include "rl-window.h"

/* Roles an AT does not present as a thing to name: layout (in GTK 4.8 every box, grid and
 * scrolled window is a "group"), text, decoration. Our own widgets are checked whatever
 * their role. */
static gboolean
role_needs_name (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_GENERIC:
    case GTK_ACCESSIBLE_ROLE_GROUP:
    case GTK_ACCESSIBLE_ROLE_PRESENTATION:
    case GTK_ACCESSIBLE_ROLE_NONE:
    case GTK_ACCESSIBLE_ROLE_WIDGET:
    case GTK_ACCESSIBLE_ROLE_LABEL:       /* named by its own text */
    case GTK_ACCESSIBLE_ROLE_SEPARATOR:
    case GTK_ACCESSIBLE_ROLE_SCROLLBAR:   /* named by the GTK range's value */
    case GTK_ACCESSIBLE_ROLE_TOOLTIP:
      return FALSE;
    default:
      return TRUE;
    }
}

/* GTK's composite widgets, named as a whole: their parts (a drop-down's button and list, a
 * spin button's arrows, a scrollbar's slider) are GTK's to name, not ours. */
static gboolean
is_composite (GtkWidget *widget)
{
  return GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SCROLLBAR (widget)
         || GTK_IS_SWITCH (widget) || GTK_IS_PROGRESS_BAR (widget)
         || GTK_IS_WINDOW_CONTROLS (widget) || GTK_IS_MENU_BUTTON (widget);
}

/* The accessible label property of @accessible, or NULL when it has none. The 4.8 test API
 * has no getter: gtk_test_accessible_check_property () returns the value when it differs
 * from the one asked for. */
static char *
accessible_label (GtkAccessible *accessible)
{
  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  return gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                             "\x01 never a label");
}

static const char *
role_name (GtkAccessibleRole role)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (GTK_TYPE_ACCESSIBLE_ROLE);
  GEnumValue *value = g_enum_get_value (klass, role);

  return value != NULL ? value->value_nick : "?";
}

/* Checks @accessible; appends a line to @problems for each fault. @what says where it is. */
/* The widgets a label with a mnemonic names (GTK adds a labelled-by relation to them). */
static GHashTable *mnemonic_targets;

static void
collect_mnemonic_targets (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_mnemonic_widget (GTK_LABEL (widget)) != NULL)
    g_hash_table_add (mnemonic_targets, gtk_label_get_mnemonic_widget (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonic_targets (child);
}

static void
check_accessible (GtkAccessible *accessible,
                  const char    *what,
                  gboolean       custom,
                  GString       *problems)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (accessible);
  g_autofree char *label = accessible_label (accessible);
  gboolean has_label = label != NULL && label[0] != '\0';
  gboolean labelled_by = gtk_test_accessible_has_relation (accessible,
                                                           GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  if (g_getenv ("RESLAB_A11Y_DUMP") != NULL)
    g_printerr ("%s role=%s label=%s labelled-by=%d\n", what, role_name (role),
                label != NULL ? label : "(none)", labelled_by);

  if (!role_needs_name (role) && !custom)
    return;
  if (!has_label && !labelled_by)
    g_string_append_printf (problems, "%s (role %s) has no name: an AT reads its class name\n",
                            what, role_name (role));
  else if (has_label && GTK_IS_WIDGET (accessible)
           && g_hash_table_contains (mnemonic_targets, accessible))
    g_string_append_printf (problems, "%s (role %s) is named twice: \"%s\" and by its "
                            "mnemonic label\n", what, role_name (role), label);
  else if (has_label && strchr (label, '_') != NULL)
    g_string_append_printf (problems, "%s (role %s) has a mnemonic in its name: \"%s\"\n",
                            what, role_name (role), label);
}

static void
walk (GtkWidget *widget,
      GString   *path,
      GString   *problems)
{
  gsize len = path->len;
  const char *type = G_OBJECT_TYPE_NAME (widget);

  if (!gtk_widget_get_visible (widget))
    return;

  g_string_append_printf (path, "/%s", type);
  if (gtk_widget_get_name (widget) != NULL && strcmp (gtk_widget_get_name (widget), type) != 0)
    g_string_append_printf (path, "#%s", gtk_widget_get_name (widget));

  /* our own widgets have no GTK default: each must say what it is */
  check_accessible (GTK_ACCESSIBLE (widget), path->str, g_str_has_prefix (type, "Rl"), problems);

  if (GTK_IS_STACK (widget))
    {
      g_autoptr (GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (GTK_STACK (widget)));

      for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
        {
          g_autoptr (GObject) item = g_list_model_get_item (pages, i);
          GtkStackPage *page = GTK_STACK_PAGE (item);
          g_autofree char *what = g_strdup_printf ("%s/GtkStackPage[%u]", path->str, i);

          if (gtk_stack_page_get_visible (page))
            check_accessible (GTK_ACCESSIBLE (page), what, TRUE, problems);
        }
    }

  if (!is_composite (widget))
    for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      walk (child, path, problems);

  g_string_truncate (path, len);
}

static gboolean
errors_listed (gpointer data)
{
  return rl_errors_view_get_n_listed (rl_window_get_errors_view (data)) > 0;
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* Presents @window again if another test program's window on the shared display has made it
 * inactive (a parallel `meson test`), and waits until it is active: in an inactive window
 * GTK 4.8 gives no widget the focus' state (gtk_widget_has_focus, the focus ring) nor the
 * chain of focus children that Tab moves on from. */
static void
make_active (GtkWindow *window)
{
  if (!gtk_window_is_active (window))
    gtk_window_present (window);
  g_assert_true (ui_test_wait_for (window_active, window, 10));
}

static void
test_names (void)
{
  g_autoptr (RlDataset) test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, NULL);
  gboolean have_test_set = test != NULL;
  RlWindow *window = ui_test_new_window ();
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autoptr (GString) path = g_string_new (NULL);
  GtkWidget *models = GTK_WIDGET (rl_window_get_models_popover (window));

  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  /* every view is in the tree (a stack keeps its hidden pages' widgets); visit each too, so
   * that whatever a view builds when shown is there */
  {
    const char *views[] = { "draw", "inside", "train", "experiment" };

    for (guint i = 0; i < G_N_ELEMENTS (views); i++)
      {
        rl_window_set_view (window, views[i]);
        g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      }
    rl_window_set_view (window, "draw");
  }
  /* the Errors view opens on a cell's images, buttons in a grid: with the MNIST test set, wait
   * for them, so that they are walked on every run, not when the evaluation happens to win */
  if (have_test_set)
    {
      rl_window_set_view (window, "errors");
      g_assert_true (ui_test_wait_for (errors_listed, window, 60));
      rl_window_set_view (window, "draw");
    }
  /* the Models list open: its rows' buttons and menus (the bundled model's row) */
  gtk_popover_popup (GTK_POPOVER (models));
  g_assert_true (ui_test_wait_for (ui_test_mapped, models, 10));
  g_assert_true (ui_test_settle (models, 30));

  mnemonic_targets = g_hash_table_new (NULL, NULL);
  collect_mnemonic_targets (GTK_WIDGET (window));
  walk (GTK_WIDGET (window), path, problems);
  /* a menu button is walked as a whole: its popover on its own */
  walk (GTK_WIDGET (rl_window_get_models_popover (window)), path, problems);
  g_clear_pointer (&mnemonic_targets, g_hash_table_unref);
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");

  /* closed before the window goes: GTK 4.8's tooltip code kept the open popover as where the
   * pointer was, and a later window's crossing event (another test program's window coming
   * and going on the shared display) had it look up the pointer on a surface that was gone:
   * "gdk_surface_get_device_position: assertion 'GDK_IS_SURFACE (surface)' failed" in the
   * next test, 4 runs in 8 with another UI program beside it; none once closed */
  gtk_popover_popdown (GTK_POPOVER (models));
  g_assert_true (ui_test_wait_for (ui_test_unmapped, models, 10));
  ui_test_destroy_window (window);
}

/* Appends to @seen (keyval -> the label's text) the mnemonics of the mapped labels under
 * @widget, and to @problems a line for each key that two of them share on page @page. */
static void
collect_mnemonics (GtkWidget  *widget,
                   const char *page,
                   GHashTable *seen,
                   GString    *problems)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)));
      const char *text = gtk_label_get_label (GTK_LABEL (widget));
      const char *other = g_hash_table_lookup (seen, GUINT_TO_POINTER (key));

      if (key != GDK_KEY_VoidSymbol && other != NULL)
        g_string_append_printf (problems, "%s: Alt+%s: \"%s\" and \"%s\"\n", page,
                                gdk_keyval_name (key), other, text);
      else if (key != GDK_KEY_VoidSymbol)
        g_hash_table_insert (seen, GUINT_TO_POINTER (key), (gpointer) text);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, page, seen, problems);
}

/* For ui_test_wait_for (): no stack under @data is between two pages (while it is, both
 * pages are mapped). */
static gboolean
stacks_settled (gpointer data)
{
  GtkWidget *widget = data;

  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!stacks_settled (child))
      return FALSE;
  return TRUE;
}

/* On every page, Alt and a letter goes to one widget: with two labels on the same key, GTK
 * moves the focus between them and activates neither ("_Models" in the header and "Continue
 * the _model in use" on Train, "_Depth" and "See_ds" on Experiment). */
static void
test_mnemonics_unique (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  g_autoptr (GString) problems = g_string_new (NULL);
  const struct { const char *view, *page; } pages[] = {
    { "draw", NULL }, { "train", NULL }, { "inside", NULL }, { "experiment", "curves" },
    { "experiment", "landscape" }, { "errors", NULL }, { "number", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
      const char *page = pages[i].page != NULL ? pages[i].page : pages[i].view;

      rl_window_set_view (window, pages[i].view);
      if (pages[i].page != NULL)
        rl_window_show_experiment_page (window, pages[i].page);
      /* the page's frames first: a stack's transition starts at a frame */
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_true (ui_test_wait_for (stacks_settled, window, 10));
      collect_mnemonics (GTK_WIDGET (window), page, seen, problems);
      g_test_message ("%s: %u mnemonics", page, g_hash_table_size (seen));
      g_assert_cmpuint (g_hash_table_size (seen), >, 0);
    }
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");
  ui_test_destroy_window (window);
}

/* The canvas is drawn on: an AT must not present it as a picture. */
static void
test_canvas_role (void)
{
  RlWindow *window = g_object_ref_sink (rl_window_new (NULL));
  RlCanvas *canvas = rl_draw_view_get_canvas (rl_window_get_draw_view (window));
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (canvas));

  g_assert_cmpint (role, !=, GTK_ACCESSIBLE_ROLE_IMG);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (canvas)));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (canvas),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));

  ui_test_destroy_window (window);
}

/* The accessible value text of @accessible, or NULL when it has none (as accessible_label). */
static char *
accessible_value_text (GtkAccessible *accessible)
{
  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT))
    return NULL;
  return gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                             "\x01 never a value");
}

/* The Test image field is empty until a test image is shown, and again once a drawing
 * replaces it, while its spin button's value is -1, then the last image's: an AT must read
 * what the field shows, not that number. */
static void
test_image_field_value (void)
{
  RlWindow *window = ui_test_new_window ();
  RlDrawView *view = rl_window_get_draw_view (window);
  GtkAccessible *spin = GTK_ACCESSIBLE (ui_test_find_type (GTK_WIDGET (view),
                                                           GTK_TYPE_SPIN_BUTTON));
  g_autofree char *before = accessible_value_text (spin);
  g_autofree char *shown = NULL;
  g_autofree char *drawn = NULL;

  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, -1);
  g_assert_cmpstr (before, ==, "none shown");
  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    {
      ui_test_destroy_window (window);
      return;
    }
  g_assert_true (ui_test_wait_for (ui_test_test_set_ready, window, 30));
  g_assert_true (rl_draw_view_show_test_image (view, 3));
  shown = accessible_value_text (spin);
  g_assert_cmpstr (shown, ==, "3");

  ui_test_add_digit (rl_draw_view_get_canvas (view), 5, 1.0, 0, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin)), ==, "");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 3);
  drawn = accessible_value_text (spin);
  g_assert_cmpstr (drawn, ==, "none shown");
  ui_test_destroy_window (window);
}

static gboolean
is_action_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
}

/* For ui_test_wait_for (): @data, a window, has its focus on a widget that takes keys and is
 * in sight. */
static gboolean
focus_in_sight (gpointer data)
{
  GtkWidget *focus = gtk_root_get_focus (data);

  return focus != NULL && gtk_widget_is_sensitive (focus) && ui_test_in_sight (focus);
}

/* A button that its own press makes insensitive keeps the focus in the window: on the next
 * widget that takes it, not on none, where the next Tab starts again from the header bar.
 * Clear's goes to Restore Drawing beside it; Undo Stroke's, once no stroke is left to undo, to
 * the canvas. */
static void
test_focus_kept (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlCanvas *canvas = rl_draw_view_get_canvas (rl_window_get_draw_view (window));
  GtkWidget *clear = ui_test_find_widget (GTK_WIDGET (window), is_action_button, "win.clear");
  GtkWidget *undo = ui_test_find_widget (GTK_WIDGET (window), is_action_button, "win.undo");
  guint n;

  g_assert_true (ui_test_wait_for (ui_test_laid_out, canvas, 10));
  ui_test_add_digit (canvas, 4, 1.0, 0, 0);
  n = rl_canvas_get_n_strokes (canvas);
  g_assert_cmpuint (n, >, 0);

  make_active (GTK_WINDOW (window));
  gtk_widget_grab_focus (clear);
  g_assert_true (gtk_widget_has_focus (clear));
  g_signal_emit_by_name (clear, "clicked");
  g_assert_true (rl_canvas_is_empty (canvas));
  g_assert_false (gtk_widget_get_sensitive (clear));
  g_assert_true (ui_test_wait_for (focus_in_sight, window, 5));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == undo);

  /* Restore Drawing, then each stroke undone: the last leaves nothing to undo */
  g_signal_emit_by_name (undo, "clicked");
  g_assert_cmpuint (rl_canvas_get_n_strokes (canvas), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (gtk_widget_has_focus (undo));
      g_signal_emit_by_name (undo, "clicked");
    }
  g_assert_cmpuint (rl_canvas_get_n_strokes (canvas), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (undo));
  g_assert_true (ui_test_wait_for (focus_in_sight, window, 5));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (canvas));

  ui_test_destroy_window (window);
}

/* The Errors view's images are one Tab each: the button, which opens the image in Draw, not
 * first the grid's cell around it, an empty stop with a focus ring of its own. */
static void
test_errors_images_one_tab (void)
{
  RlWindow *window;
  RlErrorsView *view;
  GtkWidget *focus = NULL;
  guint stops = 0;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;
  window = ui_test_new_window_sized (1280, 800);
  view = rl_window_get_errors_view (window);
  rl_window_set_view (window, "errors");
  g_assert_true (ui_test_wait_for (errors_listed, window, 60));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));   /* the images' buttons mapped */

  /* from the matrix, Tab goes through the images and out */
  make_active (GTK_WINDOW (window));
  g_assert_true (gtk_widget_grab_focus (ui_test_find_type (GTK_WIDGET (view),
                                                           GTK_TYPE_DRAWING_AREA)));
  for (guint i = 0; i < 2 * rl_errors_view_get_n_listed (view) + 2; i++)
    {
      gboolean in_images;

      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
      focus = gtk_root_get_focus (GTK_ROOT (window));
      in_images = gtk_widget_get_ancestor (focus, GTK_TYPE_FLOW_BOX) != NULL;
      if (!in_images && stops > 0)
        break;
      if (!in_images)
        continue;
      g_test_message ("stop %u: %s", stops, G_OBJECT_TYPE_NAME (focus));
      g_assert_true (GTK_IS_BUTTON (focus));
      stops++;
    }
  g_assert_cmpuint (stops, ==, rl_errors_view_get_n_listed (view));

  ui_test_destroy_window (window);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

typedef struct {
  RlWindow  *window;
  GtkWidget *column;   /* the widget whose mapping is waited for */
  gboolean   mapped;
} ColumnWait;

/* For ui_test_wait_for (): the column is mapped or not as waited for, and the focus is on a
 * widget in sight. */
static gboolean
column_settled (gpointer data)
{
  ColumnWait *wait = data;

  return gtk_widget_get_mapped (wait->column) == wait->mapped && focus_in_sight (wait->window);
}

/* Where the Network panel does not fit beside Inside's column (800 x 600), the column with the
 * Network button gives way to the panel and its close button: the focus follows, to the close
 * button, and back to Network when the panel closes (it went to the header bar's first
 * button, the view's place lost). */
static void
test_inside_panel_focus (void)
{
  RlWindow *window = ui_test_new_window_sized (800, 600);
  GtkWidget *inside = GTK_WIDGET (rl_window_get_inside_view (window));
  GtkWidget *network = ui_test_find_widget (inside, is_button_labelled, "_Network");
  ColumnWait wait = { window, network, FALSE };
  GtkWidget *close;

  rl_window_set_view (window, "inside");
  g_assert_true (ui_test_wait_for (ui_test_laid_out, network, 10));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  make_active (GTK_WINDOW (window));
  gtk_widget_grab_focus (network);
  g_signal_emit_by_name (network, "clicked");
  g_assert_true (ui_test_wait_for (column_settled, &wait, 10));
  close = gtk_root_get_focus (GTK_ROOT (window));
  g_test_message ("the focus on %s", G_OBJECT_TYPE_NAME (close));
  g_assert_true (gtk_widget_is_ancestor (close, inside));
  g_assert_true (GTK_IS_BUTTON (close));

  make_active (GTK_WINDOW (window));   /* GTK moves a hidden focus otherwise in an inactive one */
  g_signal_emit_by_name (close, "clicked");
  wait.mapped = TRUE;
  g_assert_true (ui_test_wait_for (column_settled, &wait, 10));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == network);

  ui_test_destroy_window (window);
}

/* Activates the shortcut that @widget's class binds to Escape, as the key does once the
 * widgets inside it have let it through; FALSE when there is none or it did nothing. */
static gboolean
press_escape_on (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr (GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* Escape in Inside closes the Network panel, as its close button does, and the focus goes
 * back to the Network button (at 800 x 600, where the panel stands in for the column, it
 * went to the header bar's first button); with the panel closed, Escape does nothing there.
 * The shortcuts window says so (/ui/a11y/view-keys-listed). */
static void
test_inside_escape (void)
{
  RlWindow *window = ui_test_new_window_sized (800, 600);
  RlInsideView *inside = rl_window_get_inside_view (window);
  GtkWidget *network = ui_test_find_widget (GTK_WIDGET (inside), is_button_labelled, "_Network");
  GtkWidget *diagram = GTK_WIDGET (rl_inside_view_get_network_view (inside));
  ColumnWait wait = { window, network, FALSE };

  rl_window_set_view (window, "inside");
  g_assert_true (ui_test_wait_for (ui_test_laid_out, network, 10));
  g_assert_false (press_escape_on (GTK_WIDGET (inside)));
  rl_inside_view_show_network (inside, TRUE);
  make_active (GTK_WINDOW (window));
  gtk_widget_grab_focus (network);
  g_assert_true (ui_test_wait_for (column_settled, &wait, 10));
  g_assert_true (gtk_widget_grab_focus (diagram));

  make_active (GTK_WINDOW (window));
  g_assert_true (press_escape_on (GTK_WIDGET (inside)));
  wait.mapped = TRUE;
  g_assert_true (ui_test_wait_for (column_settled, &wait, 10));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (network)));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == network);

  ui_test_destroy_window (window);
}

/* Appends to @listed "TITLE: ACCELERATOR" for each shortcut under @widget. */
static void
collect_shortcuts (GtkWidget *widget,
                   GString   *listed)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;

      g_object_get (widget, "title", &title, "accelerator", &accelerator, NULL);
      g_string_append_printf (listed, "%s: %s\n", title, accelerator);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shortcuts (child, listed);
}

/* The shortcuts window (Ctrl+?) lists the keys the views' own widgets take, not only the
 * application's: the arrows that move through the Errors view's matrix, and those that move
 * through the Inside view's network and open a layer (it listed the Inside maps' alone). */
static void
test_view_keys_listed (void)
{
  g_autoptr (GtkBuilder) builder =
    gtk_builder_new_from_resource ("/org/reslab/ResLab/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr (GString) listed = g_string_new (NULL);

  collect_shortcuts (overlay, listed);
  g_test_message ("%s", listed->str);
  g_assert_nonnull (strstr (listed->str, "Inside: move between maps: Left Right Up Down\n"));
  g_assert_nonnull (strstr (listed->str, "Errors: move between cells: Left Right Up Down\n"));
  g_assert_nonnull (strstr (listed->str, "Network: move between layers: Up Down\n"));
  g_assert_nonnull (strstr (listed->str, "Network: open the layer: Return\n"));
  g_assert_nonnull (strstr (listed->str, "Network: close the panel: Escape\n"));
  g_assert_nonnull (strstr (listed->str, "Landscape: turn the surface: Left Right Up Down\n"));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static void
count_activations (GObject    *window,
                   GParamSpec *pspec,
                   gpointer    data)
{
  (*(guint *) data)++;
}

/* @widget, under @window, drawn @width x @height once a frame has styled the focus as it now
 * is, in the active window: only there does the focus widget have the focus' state flags,
 * which the focus ring is drawn from. Another test program's window on the shared display
 * takes the activation away (as a parallel `meson test` does): the window is then presented
 * again, and the drawing made again. Returns: (transfer full) */
static cairo_surface_t *
draw_focus_styled (GtkWindow *window,
                   GtkWidget *widget,
                   int        width,
                   int        height)
{
  guint changes = 0;
  gulong handler = g_signal_connect (window, "notify::is-active",
                                     G_CALLBACK (count_activations), &changes);

  for (guint tries = 0; tries < 10; tries++)
    {
      cairo_surface_t *surface;
      guint before;

      make_active (window);
      before = changes;
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      surface = ui_test_draw_widget (widget, width, height);
      if (changes == before && gtk_window_is_active (window))
        {
          g_signal_handler_disconnect (window, handler);
          return surface;
        }
      g_test_message ("the window was made inactive while the focus was drawn: again");
      cairo_surface_destroy (surface);
    }
  g_assert_not_reached ();
}

/* The pixels that differ between @a and @b in their top three rows (the frame, away from the
 * text), in the middle half of the width. */
static guint
count_frame_changes (cairo_surface_t *a,
                     cairo_surface_t *b)
{
  int width = cairo_image_surface_get_width (a);
  int stride = cairo_image_surface_get_stride (a);
  const guint32 *pa = (const guint32 *) (gpointer) cairo_image_surface_get_data (a);
  const guint32 *pb = (const guint32 *) (gpointer) cairo_image_surface_get_data (b);
  guint n = 0;

  for (int y = 0; y < 3; y++)
    for (int x = width / 4; x < 3 * width / 4; x++)
      n += pa[y * stride / 4 + x] != pb[y * stride / 4 + x];
  return n;
}

/* The pixels that differ between @a and @b. */
static guint
count_changes (cairo_surface_t *a,
               cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  int height = cairo_image_surface_get_height (a);
  const guint32 *pa = (const guint32 *) (gpointer) cairo_image_surface_get_data (a);
  const guint32 *pb = (const guint32 *) (gpointer) cairo_image_surface_get_data (b);
  guint n = 0;

  for (int i = 0; i < height * stride / 4; i++)
    n += pa[i] != pb[i];
  return n;
}

/* Number's strip of digits, empty or not, is a Tab stop of its own (a scrolled window takes
 * the focus itself when nothing in it can, so that the keyboard scrolls it): it shows the
 * focus, which GTK's theme draws nowhere on a scrolled window. */
static void
test_number_strip_focus (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = rl_window_get_number_view (window);
  GtkWidget *canvas = GTK_WIDGET (rl_number_view_get_canvas (view));
  GtkWidget *strip, *around;
  cairo_surface_t *unfocused, *focused;
  int width, height;

  rl_window_set_view (window, "number");
  g_assert_true (ui_test_wait_for (ui_test_laid_out, canvas, 10));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  make_active (GTK_WINDOW (window));
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);   /* as after a key press */
  gtk_widget_grab_focus (canvas);
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  strip = gtk_root_get_focus (GTK_ROOT (window));
  g_test_message ("Tab from the canvas to %s", G_OBJECT_TYPE_NAME (strip));
  g_assert_true (GTK_IS_SCROLLED_WINDOW (strip));
  around = gtk_widget_get_parent (strip);   /* the focus is drawn around the strip */
  width = gtk_widget_get_width (around);
  height = gtk_widget_get_height (around);
  focused = draw_focus_styled (GTK_WINDOW (window), around, width, height);
  gtk_widget_grab_focus (canvas);
  unfocused = draw_focus_styled (GTK_WINDOW (window), around, width, height);
  g_test_message ("%u pixels change with the focus", count_changes (unfocused, focused));
  g_assert_cmpuint (count_changes (unfocused, focused), >, (guint) gtk_widget_get_width (strip));
  cairo_surface_destroy (unfocused);
  cairo_surface_destroy (focused);

  ui_test_destroy_window (window);
}

/* For ui_test_wait_for (): the focus has left @data, the net text, for a widget in sight. */
static gboolean
focus_moved_on (gpointer data)
{
  GtkRoot *root = gtk_widget_get_root (data);

  return gtk_root_get_focus (root) != data && focus_in_sight (root);
}

/* The Train view's net text is a field of the form like the others: Tab moves on from it (it
 * typed a tab into it, which made the net a custom one, and kept the focus there), and its
 * frame shows the focus (GTK's theme draws none around a text view). */
static void
test_net_text_keys (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  GtkWidget *text = ui_test_find_type (GTK_WIDGET (rl_window_get_train_view (window)),
                                       GTK_TYPE_TEXT_VIEW);
  GtkWidget *frame = gtk_widget_get_parent (text);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text));
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (text);
  GtkEventController *keys = NULL;
  cairo_surface_t *unfocused, *focused;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkTextIter start, end;
  gboolean handled = FALSE;
  int width, height;

  rl_window_set_view (window, "train");
  g_assert_true (ui_test_wait_for (ui_test_laid_out, text, 10));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_true (GTK_IS_SCROLLED_WINDOW (frame));
  width = gtk_widget_get_width (frame);
  height = gtk_widget_get_height (frame);
  make_active (GTK_WINDOW (window));
  gtk_widget_grab_focus (gtk_widget_get_first_child (GTK_WIDGET (rl_window_get_train_view
                                                                 (window))));
  unfocused = draw_focus_styled (GTK_WINDOW (window), frame, width, height);
  g_assert_false (gtk_widget_has_focus (text));

  gtk_widget_grab_focus (text);
  focused = draw_focus_styled (GTK_WINDOW (window), frame, width, height);
  g_assert_true (gtk_widget_has_focus (text));
  g_test_message ("%u pixels of the frame change with the focus",
                  count_frame_changes (unfocused, focused));
  g_assert_cmpuint (count_frame_changes (unfocused, focused), >, (guint) width / 4);
  cairo_surface_destroy (unfocused);
  cairo_surface_destroy (focused);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  before = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        keys = c;
    }
  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Tab, 0, 0, &handled);
  g_assert_true (ui_test_wait_for (focus_moved_on, text, 10));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  after = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (gtk_widget_has_focus (text));
  g_assert_true (focus_in_sight (window));

  ui_test_destroy_window (window);
}

/* The Landscape's surface, which the arrow keys turn, is a Tab stop that shows the focus
 * (GTK's theme draws none on a drawing area; it could only be dragged). */
static void
test_landscape_surface_focus (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlLandscapeView *landscape = rl_window_get_landscape_view (window);
  GtkWidget *surface, *switcher;
  cairo_surface_t *unfocused, *focused;
  int width, height;

  rl_window_show_experiment_page (window, "landscape");
  rl_landscape_view_show (landscape, "surface");
  switcher = ui_test_find_type (GTK_WIDGET (landscape), GTK_TYPE_STACK_SWITCHER);
  surface = gtk_stack_get_visible_child (GTK_STACK (gtk_stack_switcher_get_stack
                                                    (GTK_STACK_SWITCHER (switcher))));
  g_assert_true (GTK_IS_DRAWING_AREA (surface));
  g_assert_true (ui_test_wait_for (ui_test_laid_out, surface, 10));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_true (gtk_widget_get_focusable (surface));
  width = gtk_widget_get_width (surface);
  height = gtk_widget_get_height (surface);
  make_active (GTK_WINDOW (window));
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);   /* as after a key press */

  /* Tab from the figure's buttons comes to it */
  gtk_widget_grab_focus (gtk_widget_get_last_child (switcher));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  g_test_message ("Tab from the Line button to %s",
                  G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (window))));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == surface);
  focused = draw_focus_styled (GTK_WINDOW (window), surface, width, height);
  gtk_widget_grab_focus (gtk_widget_get_last_child (switcher));
  unfocused = draw_focus_styled (GTK_WINDOW (window), surface, width, height);
  g_test_message ("%u pixels change with the focus", count_changes (unfocused, focused));
  g_assert_cmpuint (count_changes (unfocused, focused), >, (guint) (width + height));
  cairo_surface_destroy (unfocused);
  cairo_surface_destroy (focused);

  /* the figures' names say the keys, and hold for one model as for two (they said "of the two
   * models", the tab shows one as well) */
  {
    g_autofree char *name = accessible_label (GTK_ACCESSIBLE (surface));

    g_assert_nonnull (strstr (name, "arrow keys"));
  }
  for (GtkWidget *area = gtk_widget_get_first_child (gtk_widget_get_parent (surface));
       area != NULL; area = gtk_widget_get_next_sibling (area))
    {
      g_autofree char *name = accessible_label (GTK_ACCESSIBLE (area));

      g_test_message ("%s: %s", G_OBJECT_TYPE_NAME (area), name);
      g_assert_nonnull (name);
      g_assert_null (strstr (name, "two"));
    }

  ui_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  /* Not the other tests' "none" (no AT-SPI bus under xvfb): the test context keeps every
   * property and relation where gtk_test_accessible_* can read them. */
  ui_test_a11y = "test";
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/a11y/names", test_names);
  ui_test_add ("/ui/a11y/canvas-role", test_canvas_role);
  ui_test_add ("/ui/a11y/mnemonics-unique", test_mnemonics_unique);
  ui_test_add ("/ui/a11y/test-image-field-value", test_image_field_value);
  ui_test_add ("/ui/a11y/focus-kept", test_focus_kept);
  ui_test_add ("/ui/a11y/errors-images-one-tab", test_errors_images_one_tab);
  ui_test_add ("/ui/a11y/net-text-keys", test_net_text_keys);
  ui_test_add ("/ui/a11y/inside-panel-focus", test_inside_panel_focus);
  ui_test_add ("/ui/a11y/number-strip-focus", test_number_strip_focus);
  ui_test_add ("/ui/a11y/view-keys-listed", test_view_keys_listed);
  ui_test_add ("/ui/a11y/inside-escape", test_inside_escape);
  ui_test_add ("/ui/a11y/landscape-surface-focus", test_landscape_surface_focus);

  return ui_test_run ();
}
