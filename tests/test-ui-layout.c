/* test-ui-layout.c: the window's size and the Draw view's stability (#11). The window must
 * shrink to 800 x 600, GNOME's small-screen size, with every view usable there: its minimum
 * size, as GTK works it out (the minimum width, then the minimum height for that width), is
 * measured with the application's style sheet, which sizes the view switcher, and Draw's
 * controls must all be in sight there. And the prediction's rows must not move when its texts change ("100.0 %" or "96.0 %", a true label
 * or none). */

#include <string.h>

#include "ui-test-utils.h"

#include "rl-bin-layout.h"
#include "rl-chart.h"
#include "rl-dataset-loader.h"
#include "rl-draw-view.h"
#include "rl-feature-view.h"
#include "rl-filter-view.h"
#include "rl-inside-view.h"
#include "rl-net-chooser.h"
#include "rl-prob-view.h"
#include "rl-teach-row.h"
#include "rl-train-progress.h"
#include "rl-train-view.h"
#include "rl-why-view.h"
#include "rl-window.h"

#define SMALL_WIDTH  800
#define SMALL_HEIGHT 600

/* The style sheet the application loads at start-up (rl-application.c). */
static void
load_style_sheet (void)
{
  static GtkCssProvider *css;

  if (css != NULL)
    return;
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/reslab/ResLab/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
test_window_fits_small_screen (void)
{
  RlWindow *window;
  GtkWidget *stack;
  GtkRequisition minimum;

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  /* each view on its own, for the message when the window's size fails */
  stack = gtk_widget_get_parent (GTK_WIDGET (rl_window_get_draw_view (window)));
  for (GtkWidget *view = gtk_widget_get_first_child (stack); view != NULL;
       view = gtk_widget_get_next_sibling (view))
    {
      int width, height;

      gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
      gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, width, &height, NULL, NULL, NULL);
      g_test_message ("%s: at least %d x %d", G_OBJECT_TYPE_NAME (view), width, height);
    }

  gtk_widget_get_preferred_size (GTK_WIDGET (window), &minimum, NULL);
  g_test_message ("the window: at least %d x %d", minimum.width, minimum.height);
  g_assert_cmpint (minimum.width, <=, SMALL_WIDTH);
  g_assert_cmpint (minimum.height, <=, SMALL_HEIGHT);

  /* And the window GTK makes for 800 x 600 is no taller. It sizes the window by the height
   * asked for no width in particular, where each wrapping label is at its narrowest, a word a
   * line, which the minimum above does not see: the window came out 643 px high, its foot off
   * an 800 x 600 screen, once the hint under the canvas held the keyboard's longer text too. */
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, -1, &minimum.height, NULL,
                      NULL, NULL);
  g_test_message ("the window: at least %d high for no width in particular; made %d x %d",
                  minimum.height, gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, SMALL_HEIGHT);

  ui_test_destroy_window (window);
}

typedef struct {
  GtkWidget *bars[10];
  GtkWidget *values[10];
} ProbRows;

/* The ten bars of @view and their value labels: the progress bars, and the label after each
 * in the grid. */
static void
find_rows (GtkWidget *widget,
           ProbRows  *rows,
           guint     *n)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_PROGRESS_BAR (child) && *n < G_N_ELEMENTS (rows->bars))
        {
          rows->bars[*n] = child;
          rows->values[*n] = gtk_widget_get_next_sibling (child);
          (*n)++;
        }
      else
        find_rows (child, rows, n);
    }
}

static void
get_bounds (GtkWidget       *widget,
            GtkWidget       *ancestor,
            graphene_rect_t *bounds)
{
  g_assert_true (gtk_widget_compute_bounds (widget, ancestor, bounds));
}

/* Two predictions whose texts differ (a true label and none, "100.0 %" and "96.0 %", another
 * class on top in bold): every bar keeps its place and its length. */
static void
test_prob_rows_fixed (void)
{
  GtkWidget *window, *view;
  graphene_rect_t before[10], after;
  float sure[10] = { 0 }, unsure[10] = { 0 };
  ProbRows rows = { 0 };
  guint n = 0;

  load_style_sheet ();
  window = gtk_window_new ();
  view = rl_prob_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 500);
  gtk_window_present (GTK_WINDOW (window));

  sure[7] = 1.0f;
  unsure[2] = 0.96f, unsure[7] = 0.03f, unsure[1] = 0.01f;
  rl_prob_view_set_probs (RL_PROB_VIEW (view), sure, 10, 7, RL_DATASET_MNIST, -1);
  g_assert_true (ui_test_settle (window, 30));
  find_rows (view, &rows, &n);
  g_assert_cmpuint (n, ==, 10);
  for (guint i = 0; i < n; i++)
    get_bounds (rows.bars[i], view, &before[i]);

  rl_prob_view_set_probs (RL_PROB_VIEW (view), unsure, 10, 2, RL_DATASET_MNIST, 7);
  g_assert_true (ui_test_settle (window, 30));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (rows.values[2])), ==, "96.0 %");
  for (guint i = 0; i < n; i++)
    {
      get_bounds (rows.bars[i], view, &after);
      g_assert_true (graphene_rect_equal (&before[i], &after));
    }

  rl_prob_view_clear (RL_PROB_VIEW (view), 10, RL_DATASET_MNIST);
  g_assert_true (ui_test_settle (window, 30));
  for (guint i = 0; i < n; i++)
    {
      get_bounds (rows.bars[i], view, &after);
      g_assert_true (graphene_rect_equal (&before[i], &after));
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* For test_settle (): a tick callback that changes @widget's width at every frame. */
static gboolean
change_width (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  gtk_widget_set_size_request (widget, 40 + (int) (gdk_frame_clock_get_frame_counter (clock) % 2),
                               40);
  return G_SOURCE_CONTINUE;
}

static gboolean
widen_later (gpointer data)
{
  gtk_widget_set_size_request (data, 123, 40);
  return G_SOURCE_REMOVE;
}

/* For test_settle (): at the first frame, an idle that widens the box @data later, as the
 * views give a child its room from an idle queued in their allocation. */
static void
widen_after_first_frame (GdkFrameClock *clock,
                         gpointer       data)
{
  g_signal_handlers_disconnect_by_func (clock, widen_after_first_frame, data);
  g_idle_add (widen_later, data);
}

/* ui_test_settle, which the tests below wait with: it does not return while the layout still
 * changes (a width changed at every frame: it says so after its timeout), and it waits for
 * what an idle queued at a frame does to the layout. */
static void
test_settle (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *moving = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  guint tick;

  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_widget_set_size_request (box, 40, 40);
  gtk_box_append (GTK_BOX (box), moving);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 200);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_settle (window, 30));

  tick = gtk_widget_add_tick_callback (moving, change_width, NULL, NULL);
  g_assert_false (ui_test_settle (window, 1));
  gtk_widget_remove_tick_callback (moving, tick);
  g_assert_true (ui_test_settle (window, 30));

  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (widen_after_first_frame), box);
  g_assert_true (ui_test_settle (window, 30));
  g_assert_cmpint (gtk_widget_get_width (box), ==, 123);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_no_test_set_label (GtkWidget     *widget,
                      gconstpointer  data)
{
  return GTK_IS_LABEL (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), "No MNIST test set in ");
}

/* For ui_test_wait_for (): the Draw view @data has the loader's answer, no test set. */
static gboolean
no_test_set_said (gpointer data)
{
  return ui_test_find_widget (data, is_no_test_set_label, NULL) != NULL;
}

/* Without a test set, the Draw view's test-image field is empty and insensitive, not "0":
 * checked once the loader has answered, not in the state before it does, which looks the
 * same. */
static void
test_image_field_empty_without_test_set (void)
{
  g_autofree char *empty = g_build_filename (ui_test_tmp_dir, "no-mnist", NULL);
  RlWindow *window;
  GtkWidget *spin;

  g_mkdir_with_parents (empty, 0700);
  rl_dataset_set_default_dir (RL_DATASET_MNIST, empty);
  window = g_object_ref_sink (rl_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (no_test_set_said, rl_window_get_draw_view (window), 30));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  spin = ui_test_find_type (GTK_WIDGET (rl_window_get_draw_view (window)), GTK_TYPE_SPIN_BUTTON);
  g_assert_nonnull (spin);
  g_assert_false (gtk_widget_get_sensitive (spin));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin)), ==, "");

  ui_test_destroy_window (window);
  rl_dataset_set_default_dir (RL_DATASET_MNIST, NULL);
}

/* Every view, shown for the first time after the one the window opened on, is laid out and
 * drawn. The whole window stayed blank when the Train view came after another view than
 * Draw (GTK 4.8: "Trying to snapshot GtkOverlay ... without a current allocation", fatal
 * here; see rl-net-chooser.c): the app showed it every time, this test on the Number view
 * first, the view set before the window is shown, as --view does. */
static void
test_views_laid_out_on_first_show (void)
{
  const char *views[] = { "draw", "train", "inside", "experiment", "errors", "number" };

  gboolean animations;

  /* with the views' crossfade, as users have it (GTK's test set-up turns animations off) */
  g_object_get (gtk_settings_get_default (), "gtk-enable-animations", &animations, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  for (guint first = 0; first < G_N_ELEMENTS (views); first++)
    for (guint then = 0; then < G_N_ELEMENTS (views); then++)
      {
        RlWindow *window;
        GtkWidget *stack;
        GtkWidget *page;

        if (then == first)
          continue;
        window = g_object_ref_sink (rl_window_new (NULL));
        gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
        rl_window_set_view (window, views[first]);
        gtk_window_present (GTK_WINDOW (window));
        g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
        rl_window_set_view (window, views[then]);
        g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

        page = GTK_WIDGET (rl_window_get_train_view (window));
        stack = gtk_widget_get_parent (page);
        g_assert_true (GTK_IS_STACK (stack));
        page = gtk_stack_get_visible_child (GTK_STACK (stack));
        g_test_message ("%s, then %s: %d x %d, %s", views[first], views[then],
                        gtk_widget_get_width (page), gtk_widget_get_height (page),
                        gtk_widget_get_child_visible (page) ? "child-visible" : "hidden");
        g_assert_cmpint (gtk_widget_get_width (page), >, 400);
        g_assert_cmpint (gtk_widget_get_height (page), >, 400);

        ui_test_destroy_window (window);
      }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", animations, NULL);
}

typedef struct {
  RlWindow  *window;
  GtkWidget *widgets[14];   /* the Draw view, then what must be in sight in it */
  guint      n;
} InSight;

/* For ui_test_wait_for (): the window @data (an InSight) is on screen and each of its widgets
 * has been given a size. A fixed 100 ms was once too short for the first layout on a loaded
 * machine. */
static gboolean
laid_out (gpointer data)
{
  InSight *in_sight = data;

  if (!gtk_widget_get_mapped (GTK_WIDGET (in_sight->window)))
    return FALSE;
  for (guint i = 0; i < in_sight->n; i++)
    if (!ui_test_laid_out (in_sight->widgets[i]))
      return FALSE;
  return TRUE;
}

/* At 800 x 600 every control of the Draw view is in sight without scrolling: the prediction,
 * the ten "This is a…" buttons and Why? (with Why? off; once on, its legend may scroll). The
 * prediction's column was 110 px taller than the window there, and Why? and the second row of
 * buttons were scrolled out of sight with nothing to say so. */
static void
test_draw_in_sight_small_screen (void)
{
  InSight in_sight = { NULL };
  RlDrawView *draw;
  int width, height;

  load_style_sheet ();
  in_sight.window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  draw = rl_window_get_draw_view (in_sight.window);
  in_sight.widgets[in_sight.n++] = GTK_WIDGET (draw);
  in_sight.widgets[in_sight.n++] = GTK_WIDGET (rl_draw_view_get_canvas (draw));
  in_sight.widgets[in_sight.n++] = GTK_WIDGET (rl_draw_view_get_prob_view (draw));
  in_sight.widgets[in_sight.n++] = GTK_WIDGET (rl_draw_view_get_why_view (draw));
  for (guint d = 0; d < 10; d++)
    in_sight.widgets[in_sight.n++] =
      rl_teach_row_get_digit_button (rl_draw_view_get_teach_row (draw), d);
  g_assert_cmpuint (in_sight.n, ==, G_N_ELEMENTS (in_sight.widgets));
  g_assert_true (ui_test_wait_for (laid_out, &in_sight, 30));

  width = gtk_widget_get_width (GTK_WIDGET (draw));
  height = gtk_widget_get_height (GTK_WIDGET (draw));
  g_test_message ("the Draw view: %d x %d", width, height);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* the view itself is the first: the others within it */
  for (guint i = 1; i < in_sight.n; i++)
    {
      graphene_rect_t b;

      get_bounds (in_sight.widgets[i], GTK_WIDGET (draw), &b);
      g_test_message ("%s %u: %.0f,%.0f %.0f x %.0f", G_OBJECT_TYPE_NAME (in_sight.widgets[i]),
                      i, b.origin.x, b.origin.y, b.size.width, b.size.height);
      g_assert_cmpfloat (b.size.width, >, 0);
      g_assert_cmpfloat (b.size.height, >, 0);
      g_assert_cmpfloat (b.origin.x, >=, 0);
      g_assert_cmpfloat (b.origin.y, >=, 0);
      g_assert_cmpfloat (b.origin.x + b.size.width, <=, width);
      g_assert_cmpfloat (b.origin.y + b.size.height, <=, height);
    }

  ui_test_destroy_window (in_sight.window);
}

/* At 800 x 600 with Why? on, what it says is read without scrolling: the sentence under its
 * legend, and the Model line at the foot of the prediction. Both were in the prediction's
 * column, under the bars, Why? and Towards, and scrolled out of sight there. */
static void
test_why_in_sight_small_screen (void)
{
  RlWindow *window;
  RlWhyView *why;
  GtkWidget *sentence, *model;

  if (!ui_test_has_bundled_model ())
    {
      g_test_skip ("no bundled model: nothing to explain");
      return;
    }
  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  why = rl_draw_view_get_why_view (rl_window_get_draw_view (window));
  rl_why_view_set_active (why, TRUE);
  ui_test_draw_digit (window, 3);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  sentence = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, "Red pixels");
  model = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, "Model: ");
  g_assert_nonnull (sentence);
  g_assert_nonnull (model);
  g_test_message ("the window: %d x %d", gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_true (ui_test_in_sight (sentence));
  g_assert_true (ui_test_in_sight (model));

  /* and with a sentence of four lines (another class than the answer) */
  rl_why_view_set_class (why, 8);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (sentence)), "Red pixels speak"));
  g_assert_true (ui_test_in_sight (sentence));
  g_assert_true (ui_test_in_sight (model));

  rl_why_view_set_active (why, FALSE);
  ui_test_destroy_window (window);
}

/* Adds each drop-down under @widget that is mapped to @found. */
static void
find_drop_downs (GtkWidget *widget,
                 GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_DROP_DOWN (child) && gtk_widget_get_mapped (child))
      g_ptr_array_add (found, child);
    else
      find_drop_downs (child, found);
}

/* Checks, in @widget (a drop-down's open popover), that each choice's checkmark stands apart
 * from its text: the image after the label in a row's box. Returns: how many were checked. */
static guint
check_marks_apart (GtkWidget *widget,
                   GtkWidget *popover)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *before = gtk_widget_get_prev_sibling (child);

      if (GTK_IS_IMAGE (child) && GTK_IS_LABEL (before) && gtk_widget_get_mapped (child))
        {
          graphene_rect_t text, mark;

          get_bounds (before, popover, &text);
          get_bounds (child, popover, &mark);
          g_test_message ("“%s”: text ends at %.0f, its checkmark begins at %.0f",
                          gtk_label_get_text (GTK_LABEL (before)),
                          text.origin.x + text.size.width, mark.origin.x);
          g_assert_cmpfloat (mark.origin.x - (text.origin.x + text.size.width), >=, 6);
          n++;
        }
      n += check_marks_apart (child, popover);
    }
  return n;
}

static gboolean
popover_shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* For ui_test_wait_for (): the window @data shows Why?'s two drop-downs (its method and
 * Towards), laid out: one not yet given a size opens no list. A fixed 300 ms was once too
 * short on a loaded machine. */
static gboolean
why_drop_downs_laid_out (gpointer data)
{
  g_autoptr (GPtrArray) drops = g_ptr_array_new ();
  guint n = 0;

  find_drop_downs (data, drops);
  for (guint i = 0; i < drops->len; i++)
    n += ui_test_laid_out (drops->pdata[i]);
  return n >= 2;
}

/* A drop-down's open list puts its checkmark apart from the text it marks: GTK 4.8's rows
 * set it against the text's last letter ("Gradient × input✓"). */
static void
test_drop_down_marks_apart (void)
{
  RlWindow *window;
  g_autoptr (GPtrArray) drops = g_ptr_array_new ();

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  rl_why_view_set_active (rl_draw_view_get_why_view (rl_window_get_draw_view (window)), TRUE);
  g_assert_true (ui_test_wait_for (why_drop_downs_laid_out, window, 30));
  find_drop_downs (GTK_WIDGET (window), drops);
  g_assert_cmpuint (drops->len, >=, 2);   /* Why?'s method and Towards */
  for (guint i = 0; i < drops->len; i++)
    {
      GtkWidget *popover = ui_test_find_type (drops->pdata[i], GTK_TYPE_POPOVER);

      g_assert_nonnull (popover);
      /* no grab: on a display shared with other tests' windows an autohiding popover may not
       * get its grab and then does not show; what is measured is the same without it */
      gtk_popover_set_autohide (GTK_POPOVER (popover), FALSE);
      g_signal_emit_by_name (drops->pdata[i], "activate");
      g_assert_true (ui_test_wait_for (popover_shown, popover, 30));
      g_assert_true (ui_test_settle (popover, 30));
      g_assert_cmpuint (check_marks_apart (popover, popover), >=, 2);
      gtk_popover_popdown (GTK_POPOVER (popover));
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
    }

  rl_why_view_set_active (rl_draw_view_get_why_view (rl_window_get_draw_view (window)), FALSE);
  ui_test_destroy_window (window);
}

/* For ui_test_wait_for (): @widget is taller than @height, in @ancestor's coordinates. */
typedef struct {
  GtkWidget *widget;
  GtkWidget *ancestor;
  double     height;
} GrowWait;

static gboolean
taller_than (gpointer data)
{
  GrowWait *wait = data;
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (wait->widget, wait->ancestor, &bounds)
         && bounds.size.height > wait->height;
}

/* Turning Why? on shows its legend below it and leaves the button where it was: it used to sit
 * at the column's foot and jump 100 px up under the pointer that had just pressed it. */
static void
test_why_stays_put (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlDrawView *draw;
  RlWhyView *why;
  graphene_rect_t off, on;
  GrowWait grow;

  load_style_sheet ();
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  draw = rl_window_get_draw_view (window);
  why = rl_draw_view_get_why_view (draw);
  ui_test_draw_digit (window, 3);
  /* measured once laid out: after a fixed 100 ms on a loaded machine the button had not been
   * placed yet (at 0, then at 405 with the legend) */
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  get_bounds (GTK_WIDGET (why), GTK_WIDGET (draw), &off);

  rl_why_view_set_active (why, TRUE);
  /* the legend takes its room at the next layout, which a loaded machine can put off past a
   * fixed 200 ms (it did, beside other test programs); then the layout settles */
  grow = (GrowWait) { GTK_WIDGET (why), GTK_WIDGET (draw), off.size.height };
  g_assert_true (ui_test_wait_for (taller_than, &grow, 10));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  get_bounds (GTK_WIDGET (why), GTK_WIDGET (draw), &on);
  g_test_message ("Why?: off at %.0f, %.0f px high; on at %.0f, %.0f px high", off.origin.y,
                  off.size.height, on.origin.y, on.size.height);
  g_assert_cmpfloat (on.size.height, >, off.size.height);   /* the legend is there */
  g_assert_cmpfloat (on.origin.y, ==, off.origin.y);
  g_assert_cmpfloat (on.origin.x, ==, off.origin.x);

  rl_why_view_set_active (why, FALSE);
  ui_test_destroy_window (window);
}

static gboolean
is_spin_at (GtkWidget     *widget,
            gconstpointer  data)
{
  return GTK_IS_SPIN_BUTTON (widget)
         && gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)) == *(const double *) data;
}

static GtkEventController *
find_controller (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), name) == 0)
        return controller;
    }
  return NULL;
}

/* For ui_test_wait_for (): the spin button @data has the keyboard focus. GTK marks it only in
 * the active window, and on a display shared with other test programs (no window manager) a
 * newer window of theirs may take the keyboard at any time: the window is raised and given it
 * again at each look. */
static gboolean
spin_focused (gpointer data)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (data));

  if (!gtk_window_is_active (window))
    gtk_window_present (window);
  gtk_widget_grab_focus (data);
  return (gtk_widget_get_state_flags (data) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0;
}

/* The mouse wheel over the Train view's settings at 800 x 600, where they scroll: it scrolls
 * the panel and leaves the spin buttons' values alone (it turned a momentum of 0.50 into 0.30
 * on the way down); a spin button with the keyboard focus takes it, as a spin button does. */
static void
test_wheel_scrolls_panel (void)
{
  RlWindow *window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  RlTrainView *train = rl_window_get_train_view (window);
  const double momentum = 0.5;
  GtkWidget *spin, *scroller;
  GtkEventController *wheel;
  GtkAdjustment *vadjustment;
  gboolean handled = FALSE;

  rl_window_set_view (window, "train");
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_cmpfloat (rl_train_view_get_momentum (train), ==, momentum);
  spin = ui_test_find_widget (GTK_WIDGET (train), is_spin_at, &momentum);
  g_assert_nonnull (spin);
  scroller = gtk_widget_get_ancestor (spin, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroller);
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  /* the panel is taller than the window, or there is nothing to scroll */
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadjustment), >,
                     gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  wheel = find_controller (spin, "rl-spin-wheel");
  g_assert_nonnull (wheel);
  g_assert_cmpint (gtk_event_controller_get_propagation_phase (wheel), ==, GTK_PHASE_CAPTURE);
  g_signal_emit_by_name (wheel, "scroll", 0.0, 2.0, &handled);
  g_assert_true (handled);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_test_message ("the panel scrolled to %.0f px", gtk_adjustment_get_value (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);
  g_assert_cmpfloat (rl_train_view_get_momentum (train), ==, momentum);

  /* focused: the spin button's own (the scroll follows the wait with no main loop turn
   * between, so the focus is still there) */
  g_assert_true (ui_test_wait_for (spin_focused, spin, 10));
  handled = TRUE;
  g_signal_emit_by_name (wheel, "scroll", 0.0, 2.0, &handled);
  g_assert_false (handled);

  ui_test_destroy_window (window);
}

/* For ui_test_wait_for (): the network diagram @data is shown in a scroller as wide as it. */
static gboolean
diagram_whole (gpointer data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (data, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *revealer = gtk_widget_get_ancestor (data, GTK_TYPE_REVEALER);
  int natural;

  if (revealer != NULL && !gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)))
    return FALSE;
  gtk_widget_measure (data, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (scroller) >= natural;
}

/* The Train view's Diagram at 800 x 600: the diagram gets the width of a layer's box, the
 * charts giving way to it (before, it got 40 px between them and the settings and showed the
 * first letters of each layer), the window stays 800 px wide and the progress bar in sight;
 * hidden again, the charts
 * come back. At 1280 x 800 both are shown. */
static void
test_diagram_room (void)
{
  const int widths[] = { SMALL_WIDTH, 1280 }, heights[] = { SMALL_HEIGHT, 800 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      RlWindow *window = ui_test_new_window_sized (widths[i], heights[i]);
      RlTrainView *train = rl_window_get_train_view (window);
      GtkWidget *diagram = GTK_WIDGET (rl_train_view_get_network_view (train));
      GtkWidget *scroller = gtk_widget_get_ancestor (diagram, GTK_TYPE_SCROLLED_WINDOW);
      GtkWidget *chart = ui_test_find_type (GTK_WIDGET (train), RL_TYPE_CHART);
      int natural;

      rl_window_set_view (window, "train");
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_true (gtk_widget_get_mapped (chart));
      rl_train_view_show_network (train, TRUE);
      /* the view gives the diagram its room from an idle: waited for, as a fixed 300 ms was
       * too short on a loaded machine (54 px); without the room, the wait ends and the
       * assertions below say by how much */
      ui_test_wait_for (diagram_whole, diagram, 30);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      gtk_widget_measure (diagram, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      g_test_message ("%d x %d: the diagram %d px of %d, the charts %s, the window %d px",
                      widths[i], heights[i], gtk_widget_get_width (scroller), natural,
                      gtk_widget_get_mapped (chart) ? "shown" : "hidden",
                      gtk_widget_get_width (GTK_WIDGET (window)));
      g_assert_cmpint (gtk_widget_get_width (scroller), >=, MIN (natural, 200));
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, widths[i]);
      /* both, where there is room for both */
      g_assert_true (gtk_widget_get_mapped (chart) == (widths[i] > SMALL_WIDTH));
      /* the progress bar stays in sight either way: a run started meanwhile is seen going */
      g_assert_true (gtk_widget_get_mapped (ui_test_find_type (GTK_WIDGET (train), GTK_TYPE_PROGRESS_BAR)));

      rl_train_view_show_network (train, FALSE);
      ui_test_wait_for (ui_test_mapped, chart, 30);
      g_assert_true (gtk_widget_get_mapped (chart));
      g_assert_false (gtk_widget_get_mapped (scroller));
      ui_test_destroy_window (window);
    }
}

/* For ui_test_wait_for (): the revealer that holds @data is closing, or closed. */
static gboolean
panel_closed (gpointer data)
{
  return !gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (data,
                                                                               GTK_TYPE_REVEALER)));
}

static gboolean
is_close_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "window-close-symbolic") == 0;
}

/* Inside's Network panel at 800 x 600, with a digit drawn: the diagram gets a layer's box
 * (it got 170 px beside the maps, which would not wrap below eight a line) and the window
 * stays 800 px wide. */
static void
test_inside_network_room (void)
{
  RlWindow *window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  RlInsideView *inside = rl_window_get_inside_view (window);
  GtkWidget *diagram = GTK_WIDGET (rl_inside_view_get_network_view (inside));
  GtkWidget *scroller = gtk_widget_get_ancestor (diagram, GTK_TYPE_SCROLLED_WINDOW);
  GtkRequisition minimum;

  load_style_sheet ();
  rl_window_set_view (window, "inside");
  ui_test_draw_digit (window, 3);
  rl_inside_view_show_network (inside, TRUE);
  /* the panel slides in, then the view gives the diagram its room (from an idle) */
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  gtk_widget_get_preferred_size (GTK_WIDGET (window), &minimum, NULL);
  g_test_message ("the diagram %d px, the window %d px (at least %d)",
                  gtk_widget_get_width (scroller), gtk_widget_get_width (GTK_WIDGET (window)),
                  minimum.width);
  g_assert_cmpint (gtk_widget_get_width (scroller), >=, 200);
  g_assert_cmpint (minimum.width, <=, SMALL_WIDTH);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, SMALL_WIDTH);
  ui_test_destroy_window (window);
}

/* Inside with the Network panel open, a digit drawn, at 800 x 600 and 1280 x 800: the diagram
 * whole (at 800 x 600 it was cut on the right), the maps with room for eight small maps a line
 * beside it (they had 260 px) and none of their titles or labels cut ("the 28 × 28 image the
 * net…"), the window no wider. At 800 x 600 the column of colours, scale and filters gives way,
 * and the panel's close button stands in for its Network button; at 1280 x 800 all three are
 * shown. Closed again, the column comes back. */
static void
test_inside_network_whole (void)
{
  const int widths[] = { SMALL_WIDTH, 1280 }, heights[] = { SMALL_HEIGHT, 800 };

  load_style_sheet ();
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      RlWindow *window = ui_test_new_window_sized (widths[i], heights[i]);
      RlInsideView *inside = rl_window_get_inside_view (window);
      RlFeatureView *maps = rl_inside_view_get_feature_view (inside);
      GtkWidget *diagram = GTK_WIDGET (rl_inside_view_get_network_view (inside));
      GtkWidget *scroller = gtk_widget_get_ancestor (diagram, GTK_TYPE_SCROLLED_WINDOW);
      GtkWidget *filters = GTK_WIDGET (rl_inside_view_get_filter_view (inside));
      GtkWidget *close = ui_test_find_widget (gtk_widget_get_parent (scroller), is_close_button,
                                              NULL);
      int natural;

      rl_window_set_view (window, "inside");
      ui_test_draw_digit (window, 3);
      rl_inside_view_show_network (inside, TRUE);
      /* the panel slides in, then the view gives the diagram its room (from an idle): waited
       * for, as a fixed 600 ms was too short on a loaded machine; without the room, the wait
       * ends and the assertion below says by how much */
      ui_test_wait_for (diagram_whole, diagram, 30);
      gtk_widget_measure (diagram, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      g_test_message ("%d x %d: the diagram %d px of %d, the maps %d px with %u texts cut, "
                      "the column %s, the window %d px", widths[i], heights[i],
                      gtk_widget_get_width (scroller), natural,
                      gtk_widget_get_width (GTK_WIDGET (maps)),
                      rl_feature_view_count_cut_texts (maps),
                      gtk_widget_get_mapped (filters) ? "shown" : "hidden",
                      gtk_widget_get_width (GTK_WIDGET (window)));
      g_assert_cmpint (gtk_widget_get_width (scroller), >=, natural);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (maps)), >=, 340);
      g_assert_cmpuint (rl_feature_view_get_n_sections (maps), >, 0);
      g_assert_cmpuint (rl_feature_view_count_cut_texts (maps), ==, 0);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, widths[i]);
      g_assert_true (gtk_widget_get_mapped (filters) == (widths[i] > SMALL_WIDTH));
      g_assert_nonnull (close);
      g_assert_true (gtk_widget_get_mapped (close) == (widths[i] == SMALL_WIDTH));

      if (gtk_widget_get_mapped (close))
        gtk_widget_activate (close);
      else
        rl_inside_view_show_network (inside, FALSE);
      /* an activated button is clicked when its pressed look ends, 250 ms later (GTK's
       * ACTIVATE_TIMEOUT): the panel closing waited for (the assertion below says if it does
       * not), then the column's return from an idle */
      ui_test_wait_for (panel_closed, scroller, 30);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_true (gtk_widget_get_mapped (filters));
      g_assert_false (gtk_revealer_get_reveal_child (
                        GTK_REVEALER (gtk_widget_get_ancestor (scroller, GTK_TYPE_REVEALER))));
      g_assert_cmpuint (rl_feature_view_count_cut_texts (maps), ==, 0);
      ui_test_destroy_window (window);
    }
}

/* The Train view's Diagram whole, with what a run needs in sight: the settings (Start
 * Training, the learning rate a run lets change), the progress line and bar; the charts shown
 * beside it when @charts, else the diagram centred above the progress (at 960 x 720 it kept to
 * the left, 240 px empty right of it). */
static void
assert_train_diagram_whole (RlWindow   *window,
                            int         width,
                            gboolean    charts,
                            const char *when)
{
  RlTrainView *train = rl_window_get_train_view (window);
  GtkWidget *diagram = GTK_WIDGET (rl_train_view_get_network_view (train));
  GtkWidget *scroller = gtk_widget_get_ancestor (diagram, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *chart = ui_test_find_type (GTK_WIDGET (train), RL_TYPE_CHART);
  GtkWidget *bar = ui_test_find_type (GTK_WIDGET (train), GTK_TYPE_PROGRESS_BAR);
  GtkWidget *line = ui_test_find_widget (GTK_WIDGET (train), ui_test_is_label_starting,
                                         rl_train_view_get_progress_text (train));
  GtkWidget *start = ui_test_find_widget (GTK_WIDGET (train), ui_test_is_action_button,
                                          "win.train");
  GtkWidget *lr_label = ui_test_find_widget (GTK_WIDGET (train), ui_test_is_label_starting,
                                             "Learning rate");
  graphene_rect_t bounds;
  int natural;

  /* the view lays the diagram out again from an idle: waited for (without the room, the wait
   * ends and the assertions say by how much) */
  ui_test_wait_for (diagram_whole, diagram, 30);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  gtk_widget_measure (diagram, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_test_message ("%d px wide, %s: the diagram %d px of %d, the charts %s, the window %d px",
                  width, when, gtk_widget_get_width (scroller), natural,
                  gtk_widget_get_mapped (chart) ? "shown" : "hidden",
                  gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_widget_get_width (scroller), >=, natural);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, width);
  g_assert_nonnull (line);
  g_assert_true (ui_test_in_sight (line));
  g_assert_true (ui_test_in_sight (bar));
  g_assert_true (ui_test_in_sight (start));
  g_assert_nonnull (lr_label);
  g_assert_true (ui_test_in_sight (gtk_label_get_mnemonic_widget (GTK_LABEL (lr_label))));
  /* the charts too, where there is room for all */
  g_assert_true (gtk_widget_get_mapped (chart) == charts);
  g_assert_true (gtk_widget_compute_bounds (diagram, scroller, &bounds));
  g_test_message ("the diagram from %.0f to %.0f px of its scroller's %d", bounds.origin.x,
                  bounds.origin.x + bounds.size.width, gtk_widget_get_width (scroller));
  if (!charts)
    g_assert_cmpfloat (ABS (2 * bounds.origin.x + bounds.size.width
                             - gtk_widget_get_width (scroller)), <=, 2);
}

/* The Train view with its Diagram at @width x @height, the seed net and resnet-20, before and
 * during a run: the diagram whole, with the settings, the progress line and bar in sight, and
 * the charts beside it when @charts. Hidden again, the charts come back. The run is a snapshot
 * as the trainer posts it. */
static void
assert_train_diagram_in_run (int      width,
                             int      height,
                             gboolean charts)
{
  RlWindow *window = ui_test_new_window_sized (width, height);
  RlTrainView *train = rl_window_get_train_view (window);
  GtkWidget *diagram = GTK_WIDGET (rl_train_view_get_network_view (train));
  g_autoptr (RlTrainProgress) progress = rl_train_progress_new (1);
  RlLossPoint *points = (RlLossPoint *) progress->points;
  RlTrainConfig config;
  guint train_images;

  g_test_message ("%d x %d", width, height);
  rl_window_set_view (window, "train");
  rl_train_view_show_network (train, TRUE);
  assert_train_diagram_whole (window, width, charts, "the seed net");
  rl_net_chooser_choose (rl_train_view_get_net_chooser (train), "resnet-20");
  assert_train_diagram_whole (window, width, charts, "resnet-20");

  rl_train_view_get_settings (train, &config, &train_images, NULL);
  rl_train_view_begin_run (train, &config, train_images, "resnet-20");
  progress->epoch = 1;
  progress->n_epochs = config.epochs;
  progress->batch = progress->batches_done = 146;
  progress->n_batches = 938;
  progress->images_seen = 146 * 64;
  progress->images_total = config.epochs * 60000;
  progress->loss = progress->loss_smoothed = 0.4f;
  progress->images_per_s = 936;
  progress->seconds_left = 118;
  points[0] = (RlLossPoint) { progress->images_seen, 0.4f };
  rl_train_view_add_progress (train, progress);
  assert_train_diagram_whole (window, width, charts, "resnet-20 training");

  rl_train_view_show_network (train, FALSE);
  ui_test_wait_for (ui_test_mapped, ui_test_find_type (GTK_WIDGET (train), RL_TYPE_CHART), 30);
  g_assert_true (gtk_widget_get_mapped (ui_test_find_type (GTK_WIDGET (train), RL_TYPE_CHART)));
  g_assert_false (gtk_widget_get_mapped (diagram));
  ui_test_destroy_window (window);
}

/* The Train view with its Diagram at 800 x 600 and 1280 x 800: the diagram whole (at 800 x 600
 * it got 220 of the seed net's 356 px and scrolled sideways, the boxes' right edges cut); at
 * 800 x 600 the charts give way and the progress goes under the diagram. */
static void
test_train_diagram_whole (void)
{
  load_style_sheet ();
  assert_train_diagram_in_run (SMALL_WIDTH, SMALL_HEIGHT, FALSE);
  assert_train_diagram_in_run (1280, 800, TRUE);
}

/* The Train view with its Diagram at mid sizes. At 1024 x 700 the charts, 320 px wide at
 * least, did not fit beside the diagram: they gave way to it, and 300 px stayed empty right of
 * it. They are beside it now, narrower. At 960 x 720, where they cannot be, the diagram is
 * centred above the progress. */
static void
test_train_diagram_mid (void)
{
  load_style_sheet ();
  assert_train_diagram_in_run (1024, 700, TRUE);
  assert_train_diagram_in_run (960, 720, FALSE);
}

/* Start Training in sight under the Train view's settings, whatever the net: with ResNet's
 * settings it was below the fold of the scrolled panel even at 1280 x 800. */
static void
test_start_in_sight (void)
{
  const int widths[] = { SMALL_WIDTH, 1280 }, heights[] = { SMALL_HEIGHT, 800 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      RlWindow *window = ui_test_new_window_sized (widths[i], heights[i]);
      RlTrainView *train = rl_window_get_train_view (window);
      GtkWidget *start = ui_test_find_widget (GTK_WIDGET (train), ui_test_is_action_button,
                                              "win.train");
      graphene_rect_t bounds;

      g_assert_nonnull (start);
      rl_window_set_view (window, "train");
      rl_net_chooser_choose (rl_train_view_get_net_chooser (train), "resnet-20");
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_true (gtk_widget_compute_bounds (start, GTK_WIDGET (train), &bounds));
      g_test_message ("%d x %d: Start Training from %.0f to %.0f px in a view %d px high",
                      widths[i], heights[i], bounds.origin.y,
                      bounds.origin.y + bounds.size.height,
                      gtk_widget_get_height (GTK_WIDGET (train)));
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                         gtk_widget_get_height (GTK_WIDGET (train)));
      ui_test_destroy_window (window);
    }
}

/* The row @y of @scroller as drawn, scrolled to @value, left of its scroll bar: one colour,
 * opaque, when the form fades out at that edge; the colours found go to the test's log. */
static gboolean
edge_faded (GtkWidget *scroller,
            double     value,
            int        y)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  int width = gtk_widget_get_width (scroller), height = gtk_widget_get_height (scroller);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (scroller);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint8 *row;
  gboolean faded = TRUE;

  gtk_adjustment_set_value (adjustment, value);
  g_assert_true (ui_test_settle (scroller, 30));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  row = cairo_image_surface_get_data (surface) + y * cairo_image_surface_get_stride (surface);
  /* the overlay scroll bar's strip on the right left out */
  for (int x = 0; x < width - 20 && faded; x++)
    {
      guint32 first = ((const guint32 *) row)[0], pixel = ((const guint32 *) row)[x];

      for (int shift = 0; shift < 32; shift += 8)
        if (ABS ((int) ((pixel >> shift) & 0xff) - (int) ((first >> shift) & 0xff)) > 8)
          {
            g_test_message ("row %d scrolled to %.0f: %08x at x = 0, %08x at x = %d", y, value,
                            first, pixel, x);
            faded = FALSE;
            break;
          }
      if (((pixel >> 24) & 0xff) < 240)
        {
          g_test_message ("row %d scrolled to %.0f: see-through (%08x) at x = %d", y, value,
                          pixel, x);
          faded = FALSE;
        }
    }
  cairo_surface_destroy (surface);
  g_clear_pointer (&node, gsk_render_node_unref);
  return faded;
}

/* The form in @scroller, scrolled so that the middle of @bottom lies on its bottom edge, and then
 * so that the middle of @top lies on its top edge, fades out at that edge: at the edge itself
 * only the window's colour is left. The form must scroll, and both places must be within its
 * reach. */
static void
assert_form_fades (GtkWidget *scroller,
                   GtkWidget *bottom,
                   GtkWidget *top)
{
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (scroller);
  GtkWidget *form = gtk_widget_get_first_child (gtk_scrolled_window_get_child (scrolled));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  graphene_rect_t b;
  double bottom_value, top_value;

  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >,
                     gtk_adjustment_get_page_size (adjustment));
  g_assert_true (gtk_widget_compute_bounds (bottom, form, &b));
  bottom_value = b.origin.y + b.size.height / 2 - gtk_adjustment_get_page_size (adjustment);
  g_assert_true (gtk_widget_compute_bounds (top, form, &b));
  top_value = b.origin.y + b.size.height / 2;
  g_test_message ("the form %.0f px in %.0f, scrolled to %.0f and %.0f",
                  gtk_adjustment_get_upper (adjustment), gtk_adjustment_get_page_size (adjustment),
                  bottom_value, top_value);
  g_assert_cmpfloat (bottom_value, >=, 0);
  g_assert_cmpfloat (top_value, <=, gtk_adjustment_get_upper (adjustment)
                                    - gtk_adjustment_get_page_size (adjustment));

  g_assert_true (edge_faded (scroller, bottom_value, gtk_widget_get_height (scroller) - 1));
  g_assert_true (edge_faded (scroller, top_value, 0));
}

/* The Train view's scrolled settings at 800 x 600 do not end on a line sliced through at an
 * edge where they go on: their last line was cut in half by the bottom edge ("no weight" whole,
 * "decay." a row of dots above Start Training). They fade out there, as GNOME Shell's scrolled
 * lists do, which still shows there is more; at the edge itself only the window's colour is
 * left. Tried with a field across each edge: Batch size across the bottom, the net's text
 * across the top. */
static void
test_train_form_fades (void)
{
  RlWindow *window;
  RlTrainView *train;
  GtkWidget *batch, *net;

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  train = rl_window_get_train_view (window);
  rl_window_set_view (window, "train");
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  batch = gtk_label_get_mnemonic_widget (GTK_LABEL (ui_test_find_widget (GTK_WIDGET (train),
                                                                         ui_test_is_label_starting,
                                                                         "Batch size")));
  net = ui_test_find_type (GTK_WIDGET (train), GTK_TYPE_TEXT_VIEW);
  assert_form_fades (gtk_widget_get_ancestor (batch, GTK_TYPE_SCROLLED_WINDOW), batch, net);
  ui_test_destroy_window (window);
}

/* The Experiment view's scrolled column (settings, runs, caption) at 800 x 600 fades out
 * where it goes on past an edge, as the Train view's settings do: its hint under the progress
 * bar was cut in half by the bottom edge. Tried with the runs' placeholder across the bottom
 * edge and the Depth drop-down across the top one. */
static void
test_experiment_form_fades (void)
{
  RlWindow *window;
  GtkWidget *view, *runs, *depth;

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  view = GTK_WIDGET (rl_window_get_experiment_view (window));
  rl_window_set_view (window, "experiment");
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  runs = ui_test_find_widget (view, ui_test_is_label_starting, "Each run appears here");
  depth = gtk_label_get_mnemonic_widget (GTK_LABEL (ui_test_find_widget (view,
                                                                         ui_test_is_label_starting,
                                                                         "Depth")));
  assert_form_fades (gtk_widget_get_ancestor (runs, GTK_TYPE_SCROLLED_WINDOW), runs, depth);
  ui_test_destroy_window (window);
}

/* The label of the window at 800 x 600 whose text begins with @prefix, on the Experiment
 * page's tab @page, is shown and whole (not ellipsized). */
static void
assert_whole_at_small_size (const char *page,
                            const char *prefix)
{
  RlWindow *window;
  GtkWidget *label;

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  rl_window_show_experiment_page (window, page);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  label = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, prefix);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (label));
  g_test_message ("“%s…”: %d x %d px", prefix, gtk_widget_get_width (label),
                  gtk_widget_get_height (label));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  ui_test_destroy_window (window);
}

/* The Experiment chart's key (dashed: plain, solid: residual) is read whole at 800 x 600:
 * with two lines it ended in "one colour pe…". */
static void
test_experiment_note_whole (void)
{
  assert_whole_at_small_size ("curves", "dashed: plain");
}

/* The Landscape tab's note says what the figure is (directions, scaling, log scale): beside
 * the figure buttons it had two lines and was cut short, at 800 px even before any twins
 * trained ("… in two rando…"). It is the figure's caption now, under it, whole. */
static void
test_landscape_note_whole (void)
{
  assert_whole_at_small_size ("landscape", "Train the twins on the");
}

/* The Train view's progress line at 800 x 600, in a run of resnet-20: cut to one line it lost
 * the speed and the time left ("… · 882 image…"); it wraps now, and not inside "703 images/s"
 * (Pango would break after the slash). The run is snapshots as the trainer posts them. */
static void
test_progress_line_whole (void)
{
  RlWindow *window;
  RlTrainView *train;
  g_autoptr (RlTrainProgress) progress = rl_train_progress_new (1);
  RlLossPoint *points = (RlLossPoint *) progress->points;
  RlTrainConfig config;
  guint train_images;
  GtkWidget *line;
  PangoLayout *layout;
  const guint speeds[] = { 9, 87, 703, 936, 8802, 12345 };
  const char *text, *speed;
  int line_of[2], x;

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  train = rl_window_get_train_view (window);
  rl_window_set_view (window, "train");
  rl_net_chooser_choose (rl_train_view_get_net_chooser (train), "resnet-20");
  rl_train_view_get_settings (train, &config, &train_images, NULL);
  config.epochs = 2;
  rl_train_view_begin_run (train, &config, train_images, "resnet-20");
  progress->epoch = 1;
  progress->n_epochs = 2;
  progress->batch = progress->batches_done = 146;
  progress->n_batches = 938;
  progress->images_seen = 146 * 64;
  progress->images_total = 2 * 60000;
  progress->loss = progress->loss_smoothed = 0.4f;
  progress->seconds_left = 118;
  points[0] = (RlLossPoint) { progress->images_seen, 0.4f };

  /* speeds of several widths, so that "images/s" falls at the end of the first line in one
   * of them (936: "images/" and "s" without the fix) */
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    {
      g_autofree char *wanted = g_strdup_printf ("%u images/s", speeds[i]);

      progress->images_per_s = speeds[i];
      rl_train_view_add_progress (train, progress);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

      line = ui_test_find_widget (GTK_WIDGET (train), ui_test_is_label_starting, "Epoch 1 of 2 ·");
      g_assert_nonnull (line);
      text = gtk_label_get_text (GTK_LABEL (line));
      layout = gtk_label_get_layout (GTK_LABEL (line));
      g_test_message ("“%s”: %d px wide, %d lines", text, gtk_widget_get_width (line),
                      pango_layout_get_line_count (layout));
      g_assert_false (pango_layout_is_ellipsized (layout));
      g_assert_nonnull (strstr (text, "resnet-20"));   /* the end of the line is there */
      speed = strstr (text, wanted);
      g_assert_nonnull (speed);
      pango_layout_index_to_line_x (layout, (int) (speed - text), FALSE, &line_of[0], &x);
      pango_layout_index_to_line_x (layout, (int) (speed - text + strlen (wanted)) - 1, FALSE,
                                    &line_of[1], &x);
      g_assert_cmpint (line_of[0], ==, line_of[1]);
    }

  ui_test_destroy_window (window);
}

/* A window at 800 x 600 showing the Train view in a run of two epochs of @net, the diagram
 * hidden, its charts and status given @progress: at batch 146 of 938 of the second epoch, or
 * at its end when @finished. */
static RlWindow *
small_train_run (const char *net, gboolean finished, RlTrainProgress *progress)
{
  RlLossPoint *points = (RlLossPoint *) progress->points;
  RlWindow *window;
  RlTrainView *train;
  RlTrainConfig config;
  guint train_images;

  load_style_sheet ();
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  train = rl_window_get_train_view (window);
  rl_window_set_view (window, "train");
  rl_train_view_get_settings (train, &config, &train_images, NULL);
  config.epochs = 2;
  rl_train_view_begin_run (train, &config, train_images, net);
  progress->epoch = progress->n_epochs = 2;
  progress->n_batches = 938;
  progress->batch = progress->batches_done = finished ? 938 : 146;
  progress->images_total = 2 * 60000;
  progress->images_seen = finished ? progress->images_total : 1084 * 64;
  progress->loss = progress->loss_smoothed = 0.1475f;
  progress->train_acc_running = 0.944f;
  progress->heldout_acc = 0.944f;
  progress->epoch_test_acc = finished ? 0.9137f : 0.9821f;
  progress->images_per_s = 2421;
  progress->seconds_left = finished ? 0 : 40;
  progress->is_last = finished;
  points[0] = (RlLossPoint) { progress->images_seen, 0.1475f };
  rl_train_view_add_progress (train, progress);
  return window;
}

/* @window, at 800 x 600, asks for no more height and has no more, with Start Training, the
 * progress bar and the run's @status in sight. */
static void
assert_run_in_sight (RlWindow *window, GtkWidget *status)
{
  GtkWidget *train = GTK_WIDGET (rl_window_get_train_view (window));
  PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (status));
  GtkRequisition minimum;

  gtk_widget_get_preferred_size (GTK_WIDGET (window), &minimum, NULL);
  g_test_message ("the window %d x %d (at least %d x %d), the view %d px high, the status %d "
                  "lines%s", gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)), minimum.width, minimum.height,
                  gtk_widget_get_height (train), pango_layout_get_line_count (layout),
                  pango_layout_is_ellipsized (layout) ? ", cut short" : "");
  g_assert_cmpint (minimum.height, <=, SMALL_HEIGHT);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, SMALL_HEIGHT);
  g_assert_true (ui_test_in_sight (ui_test_find_widget (train, ui_test_is_action_button,
                                                        "win.train")));
  g_assert_true (ui_test_in_sight (ui_test_find_type (train, GTK_TYPE_PROGRESS_BAR)));
  g_assert_true (ui_test_in_sight (status));
}

/* The Train view at 800 x 600 in a run, the diagram hidden: the window stays 600 px high,
 * with Start Training, the progress bar and the status under the charts in sight. With the
 * progress line and the status on two lines each, the window grew taller than the screen and
 * Start Training was cut at its bottom edge. */
static void
test_train_run_fits (void)
{
  g_autoptr (RlTrainProgress) progress = rl_train_progress_new (1);
  RlWindow *window = small_train_run ("the seed net", FALSE, progress);
  GtkWidget *status;

  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  status = ui_test_find_widget (GTK_WIDGET (rl_window_get_train_view (window)),
                                ui_test_is_label_starting, "Loss 0.1475");
  g_assert_nonnull (status);
  assert_run_in_sight (window, status);
  ui_test_destroy_window (window);
}

/* The Train view at 800 x 600 in a run, the diagram hidden, with a status of four lines (a
 * longer name, a longer translation), then one of seven (a model that could not be saved, and
 * why): the window stays 600 px high with Start Training, the progress bar and the status in
 * sight. The view had 2 px to spare under a status of two lines: the loss chart gives some of
 * its height now, and a status of more than four lines is cut short, whole in its tooltip. */
static void
test_train_long_status (void)
{
  const char *four = "Finished after 2 epochs. Kept as “resnet-20 on Fashion-MNIST, 2 epochs, "
                      "learning rate 0.05” in Models, with 91.37 % on the test set. Drawing now "
                      "uses it.";
  const char *seven = "Finished after 2 epochs. The model could not be saved (Error opening file "
                      "“/home/someone/.local/share/reslab/models/resnet-20 on Fashion-MNIST, "
                      "2 epochs.safetensors”: No space left on device). It stays in use until "
                      "you open or train another: Save Model As… keeps it. Its initial weights "
                      "could not be kept (No space left on device), so its loss landscape will "
                      "have no line from them.";
  const char *statuses[] = { four, seven };
  g_autoptr (RlTrainProgress) progress = rl_train_progress_new (1);
  RlWindow *window = small_train_run ("resnet-20", TRUE, progress);
  RlTrainView *train = rl_window_get_train_view (window);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      GtkWidget *status;
      PangoLayout *layout;

      rl_train_view_set_status (train, statuses[i]);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      status = ui_test_find_widget (GTK_WIDGET (train), ui_test_is_label_starting,
                                    "Finished after 2");
      g_assert_nonnull (status);
      assert_run_in_sight (window, status);
      layout = gtk_label_get_layout (GTK_LABEL (status));
      g_assert_cmpint (pango_layout_get_line_count (layout), >=, 3);
      /* four lines whole; seven cut short, whole in the tooltip */
      g_assert_true (pango_layout_is_ellipsized (layout) == (statuses[i] == seven));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (status), ==, statuses[i]);
    }
  ui_test_destroy_window (window);
}

static gboolean
fetch_hint_shown (gpointer data)
{
  return ui_test_find_widget (data, ui_test_is_label_starting, "No MNIST test set in") != NULL;
}

/* The Draw view without MNIST says where it looked and the command that fetches the files.
 * Pango breaks after a slash, and at some widths the command came out as "./" and "dev.sh
 * data"; copied from two lines it does not run. At every width from 120 to 420 px the
 * command is on one line (the path before it still wraps). */
static void
test_fetch_command_whole (void)
{
  g_autofree char *empty = g_build_filename (g_get_user_cache_dir (), "no-mnist-here", NULL);
  const char *command = "./dev.sh data";
  RlWindow *window;
  GtkWidget *label;
  g_autoptr (PangoLayout) layout = NULL;
  const char *text, *at;
  int start_line, end_line, x, n_wrapped = 0;

  g_assert_true (g_mkdir_with_parents (empty, 0700) == 0);
  rl_dataset_loader_clear_cache ();
  rl_dataset_set_default_dir (RL_DATASET_MNIST, empty);
  window = ui_test_new_window_sized (SMALL_WIDTH, SMALL_HEIGHT);
  rl_window_set_view (window, "draw");
  g_assert_true (ui_test_wait_for (fetch_hint_shown, window, 30));
  label = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting,
                               "No MNIST test set in");
  text = gtk_label_get_text (GTK_LABEL (label));
  g_test_message ("%s", text);
  at = strstr (text, command);
  g_assert_nonnull (at);
  /* the label's own layout (text and attributes), laid out again at other widths */
  layout = pango_layout_copy (gtk_label_get_layout (GTK_LABEL (label)));
  for (int width = 120; width <= 420; width++)
    {
      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_index_to_line_x (layout, (int) (at - text), FALSE, &start_line, &x);
      pango_layout_index_to_line_x (layout, (int) (at - text + strlen (command)) - 1, FALSE,
                                    &end_line, &x);
      if (start_line != end_line)
        g_test_message ("%d px: the command on lines %d and %d", width, start_line, end_line);
      g_assert_cmpint (start_line, ==, end_line);
      n_wrapped += pango_layout_get_line_count (layout) > 2;
    }
  /* the widths are narrow enough that the rest of the text wraps */
  g_assert_cmpint (n_wrapped, >, 0);
  ui_test_destroy_window (window);
  rl_dataset_set_default_dir (RL_DATASET_MNIST, NULL);
  rl_dataset_loader_clear_cache ();
}

/* Emits "enter" on @widget's focus controllers, as GTK does when it gets the keyboard focus. */
static void
emit_focus_enter (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_FOCUS (controller))
        {
          g_signal_emit_by_name (controller, "enter");
          n++;
        }
    }
  g_assert_cmpuint (n, >, 0);
}

/* A label whose text begins with @data, and not transparent. */
static gboolean
is_shown_label_starting (GtkWidget     *widget,
                         gconstpointer  data)
{
  return ui_test_is_label_starting (widget, data) && gtk_widget_get_opacity (widget) > 0.0;
}

/* For ui_test_wait_for (): the window @data shows focus (set again at each look: the pointer
 * crossing it, as other test programs' windows come and go on the shared display, turns that
 * off), and the note about the keyboard is the hint shown. */
static gboolean
keyboard_hint_shown (gpointer data)
{
  gtk_window_set_focus_visible (data, TRUE);
  return ui_test_find_widget (data, is_shown_label_starting, "Drawing needs a pointer") != NULL;
}

/* The Draw view's hint under the canvas says, while the canvas has the keyboard focus, that
 * drawing needs a pointer: a longer text, which widened the canvas' column by 16 px (at
 * 1280 x 800) and moved the canvas and the buttons (at 800 x 600) as the focus came and went.
 * Both sizes: the canvas keeps its place and size. */
static void
test_canvas_focus_keeps_layout (void)
{
  const int widths[] = { SMALL_WIDTH, 1280 }, heights[] = { SMALL_HEIGHT, 800 };

  load_style_sheet ();
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      RlWindow *window = ui_test_new_window_sized (widths[i], heights[i]);
      GtkWidget *canvas = GTK_WIDGET (rl_draw_view_get_canvas (rl_window_get_draw_view (window)));
      graphene_rect_t before, focused;

      rl_window_set_view (window, "draw");
      g_assert_true (ui_test_wait_for (ui_test_laid_out, canvas, 10));
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_true (gtk_widget_compute_bounds (canvas, GTK_WIDGET (window), &before));
      /* the focus as a key press brings it: the window shows focus, the canvas' focus
       * controller hears "enter" (emitted here: on a display shared with other test programs
       * the window need not be the active one, and GTK sends focus events only to that) */
      gtk_widget_grab_focus (canvas);
      emit_focus_enter (canvas);
      g_assert_true (ui_test_wait_for (keyboard_hint_shown, window, 10));
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_true (gtk_widget_compute_bounds (canvas, GTK_WIDGET (window), &focused));
      g_test_message ("%d x %d: canvas at %.0f,%.0f %.0f x %.0f, focused %.0f,%.0f %.0f x %.0f",
                      widths[i], heights[i], before.origin.x, before.origin.y, before.size.width,
                      before.size.height, focused.origin.x, focused.origin.y,
                      focused.size.width, focused.size.height);
      g_assert_true (graphene_rect_equal (&before, &focused));
      ui_test_destroy_window (window);
    }
}

/* RlBinLayout, under the Train and Inside views' crowding: what an allocation finds is applied
 * from an idle, on the widget in its window. A widget taken out of its window before that idle
 * runs is not told there (a view on its way to dispose would be told with its template children
 * gone); once it is back and laid out, it is told, though the width it finds is the same. */
typedef struct
{
  int      threshold;    /* narrower than this: crowded */
  int      allocations;
  int      applied;
  gboolean crowded;      /* as last applied */
  gboolean out;          /* applied while out of its window */
} BinProbe;

static BinProbe bin_probe;

static gboolean
bin_probe_crowded (GtkWidget *widget,
                   int        width,
                   int       *need)
{
  bin_probe.allocations++;
  *need = width / 2;
  return width < bin_probe.threshold;
}

static void
bin_probe_apply (GtkWidget *widget,
                 gboolean   crowded,
                 int        need)
{
  bin_probe.applied++;
  bin_probe.crowded = crowded;
  if (gtk_widget_get_root (widget) == NULL)
    bin_probe.out = TRUE;
}

static gboolean
bin_probe_allocated_since (gpointer data)
{
  return bin_probe.allocations > GPOINTER_TO_INT (data);
}

static gboolean
bin_probe_applied (gpointer data)
{
  return bin_probe.applied >= GPOINTER_TO_INT (data);
}

static void
test_bin_layout_unroot (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *host = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  int allocations;

  memset (&bin_probe, 0, sizeof bin_probe);
  bin_probe.threshold = G_MAXINT;
  gtk_widget_set_layout_manager (host, rl_bin_layout_new (bin_probe_crowded, bin_probe_apply));
  gtk_box_append (GTK_BOX (host), gtk_label_new ("crowded?"));
  g_object_ref (host);
  gtk_window_set_child (GTK_WINDOW (window), host);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (bin_probe_applied, GINT_TO_POINTER (1), 10));
  g_assert_true (bin_probe.crowded);

  /* no longer crowded; out of the window as soon as that is found, before the idle */
  bin_probe.threshold = 0;
  allocations = bin_probe.allocations;
  gtk_widget_queue_allocate (host);
  g_assert_true (ui_test_wait_for (bin_probe_allocated_since, GINT_TO_POINTER (allocations), 10));
  g_assert_cmpint (bin_probe.applied, ==, 1);
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  ui_test_spin (200);
  g_assert_false (bin_probe.out);
  g_assert_cmpint (bin_probe.applied, ==, 1);

  /* back, at the same width: told */
  gtk_window_set_child (GTK_WINDOW (window), host);
  g_assert_true (ui_test_wait_for (bin_probe_applied, GINT_TO_POINTER (2), 10));
  g_assert_false (bin_probe.crowded);
  g_assert_false (bin_probe.out);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (host);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  /* first: the dataset loader keeps a test set once one is loaded */
  ui_test_add ("/ui/layout/test-image-field-empty", test_image_field_empty_without_test_set);
  ui_test_add ("/ui/layout/settle", test_settle);
  ui_test_add ("/ui/layout/window-fits-800x600", test_window_fits_small_screen);
  ui_test_add ("/ui/layout/draw-in-sight-800x600", test_draw_in_sight_small_screen);
  ui_test_add ("/ui/layout/why-stays-put", test_why_stays_put);
  ui_test_add ("/ui/layout/why-in-sight-800x600", test_why_in_sight_small_screen);
  ui_test_add ("/ui/layout/drop-down-marks-apart", test_drop_down_marks_apart);
  ui_test_add ("/ui/layout/wheel-scrolls-panel", test_wheel_scrolls_panel);
  ui_test_add ("/ui/layout/diagram-room", test_diagram_room);
  ui_test_add ("/ui/layout/inside-network-room", test_inside_network_room);
  ui_test_add ("/ui/layout/inside-network-whole", test_inside_network_whole);
  ui_test_add ("/ui/layout/start-in-sight", test_start_in_sight);
  ui_test_add ("/ui/layout/train-diagram-whole", test_train_diagram_whole);
  ui_test_add ("/ui/layout/train-diagram-mid", test_train_diagram_mid);
  ui_test_add ("/ui/layout/train-form-fades", test_train_form_fades);
  ui_test_add ("/ui/layout/experiment-form-fades", test_experiment_form_fades);
  ui_test_add ("/ui/layout/experiment-note-whole", test_experiment_note_whole);
  ui_test_add ("/ui/layout/landscape-note-whole", test_landscape_note_whole);
  ui_test_add ("/ui/layout/progress-line-whole", test_progress_line_whole);
  ui_test_add ("/ui/layout/train-run-fits-800x600", test_train_run_fits);
  ui_test_add ("/ui/layout/train-long-status-800x600", test_train_long_status);
  ui_test_add ("/ui/layout/fetch-command-whole", test_fetch_command_whole);
  ui_test_add ("/ui/layout/canvas-focus-keeps-layout", test_canvas_focus_keeps_layout);
  ui_test_add ("/ui/layout/prob-rows-fixed", test_prob_rows_fixed);
  ui_test_add ("/ui/layout/views-laid-out-on-first-show", test_views_laid_out_on_first_show);
  ui_test_add ("/ui/layout/bin-layout-unroot", test_bin_layout_unroot);

  return ui_test_run ();
}
