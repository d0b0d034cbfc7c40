/* test-ui-window.c: the main window through its actions and public API: it builds and goes
 * away without leaks, switches views (and lists every shortcut), predicts strokes live, shows
 * test images, lays out the look-inside maps, undoes Clear, opens Help and resets the weights
 * when asked. Training and the Models list: test-ui-window-training.c; files and data:
 * test-ui-window-files.c. */

#include <math.h>
#include <string.h>

#include "ui-test-utils.h"

#include "rl-application.h"
#include "rl-errors.h"
#include "rl-help-window.h"
#include "rl-window.h"

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_build_finalize (void)
{
  RlWindow *window = ui_test_new_window ();
  gpointer predictor = rl_window_get_predictor (window);
  gpointer trainer = rl_window_get_trainer (window);
  gpointer draw_view = rl_window_get_draw_view (window);
  gpointer inside_view = rl_window_get_inside_view (window);

  g_object_add_weak_pointer (predictor, &predictor);
  g_object_add_weak_pointer (trainer, &trainer);
  g_object_add_weak_pointer (draw_view, &draw_view);
  g_object_add_weak_pointer (inside_view, &inside_view);

  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));   /* shown, its views laid out */
  g_assert_cmpstr (rl_window_get_view (window), ==, "draw");
  g_assert_nonnull (rl_predictor_get_model (rl_window_get_predictor (window)));
  g_assert_false (rl_window_is_busy (window));

  ui_test_destroy_window (window);

  /* the views go too, once a test-set load in flight (holding a reference) has returned */
  g_assert_true (ui_test_wait_for (is_null, &draw_view, 30));
  g_assert_null (inside_view);
  g_assert_null (predictor);
  g_assert_null (trainer);
}

static gboolean
is_train_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.train") == 0;
}

static void
test_views (void)
{
  RlWindow *window = ui_test_new_window ();
  GtkWidget *header = gtk_window_get_titlebar (GTK_WINDOW (window));
  GtkWidget *train = ui_test_find_widget (header, is_train_button, NULL);
  /* The header's Train is the page's blue button only where the page has no start button of
   * its own: on Train and Experiment, Start Training and the twins' Train are. */
  const struct { const char *name; gboolean suggested; } views[] = {
    { "train", FALSE }, { "inside", TRUE }, { "experiment", FALSE }, { "draw", TRUE },
  };

  g_assert_nonnull (train);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s",
                                                 views[i].name));
      g_assert_cmpstr (rl_window_get_view (window), ==, views[i].name);
      g_assert_cmpint (gtk_widget_has_css_class (train, "suggested-action"), ==,
                       views[i].suggested);
    }

  rl_window_set_view (window, "inside");
  g_assert_cmpstr (rl_window_get_view (window), ==, "inside");
  {
    g_autofree char *view = NULL;

    g_object_get (window, "view", &view, NULL);
    g_assert_cmpstr (view, ==, "inside");
  }

  ui_test_destroy_window (window);
}

/* The view switcher: the stack switcher whose stack has the Draw view. */
static gboolean
is_view_switcher (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_STACK_SWITCHER (widget)
         && gtk_stack_get_child_by_name (gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (widget)),
                                         "draw") != NULL;
}

static GtkWidget *
find_switcher (GtkWidget *widget)
{
  return ui_test_find_widget (widget, is_view_switcher, NULL);
}

/* Every accelerator the shortcuts window (Ctrl+?) lists, as key and modifiers. */
static void
collect_listed (GtkWidget *widget,
                GArray    *listed)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_auto (GStrv) keys = NULL;

      g_object_get (widget, "accelerator", &accelerator, NULL);
      keys = g_strsplit (accelerator != NULL ? accelerator : "", " ", -1);
      for (guint i = 0; keys[i] != NULL; i++)
        {
          guint key_mods[2];

          if (*keys[i] != '\0' && gtk_accelerator_parse (keys[i], &key_mods[0],
                                                         (GdkModifierType *) &key_mods[1]))
            g_array_append_vals (listed, key_mods, 2);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed (child, listed);
}

static gboolean
is_listed (GArray     *listed,
           const char *accel)
{
  guint key;
  GdkModifierType mods;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  for (guint i = 0; i + 1 < listed->len; i += 2)
    if (g_array_index (listed, guint, i) == gdk_keyval_to_lower (key)
        && g_array_index (listed, guint, i + 1) == mods)
      return TRUE;
  return FALSE;
}

/* The shortcuts window names every accelerator @app sets, and @window's own Ctrl+M (the Models
 * list), which it left out; and it is no wider than an 800-pixel screen. */
static void
assert_shortcuts_listed (RlApplication *app,
                         RlWindow      *window)
{
  g_autoptr (GArray) listed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto (GStrv) actions = NULL;
  GtkShortcutsWindow *overlay;
  guint n = 0;

  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  collect_listed (GTK_WIDGET (overlay), listed);
  g_test_message ("%u accelerators listed", listed->len / 2);

  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint a = 0; actions[a] != NULL; a++)
    {
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                     actions[a]);

      for (guint i = 0; accels[i] != NULL; i++, n++)
        {
          if (!is_listed (listed, accels[i]))
            g_test_message ("not listed: %s (%s)", accels[i], actions[a]);
          g_assert_true (is_listed (listed, accels[i]));
        }
    }
  g_assert_cmpuint (n, >=, 15);
  g_assert_true (is_listed (listed, "<Control>m"));

  /* and it fits GNOME's small screen, 800 pixels wide: with long titles it took 1,010. The
   * application's style sheet is loaded (by its startup), so measuring the window also
   * measures its page buttons, whose labels warned of a width of -4 (fatal here) before
   * style.css took the theme's negative margins off them. */
  {
    int width;

    gtk_widget_measure (GTK_WIDGET (overlay), GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL,
                        NULL, NULL);
    g_test_message ("the shortcuts window: at least %d px wide", width);
    g_assert_cmpint (width, <=, 800);
  }
}

/* Every view in the switcher has its own Alt+N (N its place), set by the application and
 * named in its button's tooltip: a view added later without one fails here. And the
 * shortcuts window lists every accelerator. */
static void
test_view_shortcuts (void)
{
  g_autoptr (RlApplication) app = rl_application_new ();
  g_autoptr (GError) error = NULL;
  RlWindow *window;
  GtkWidget *switcher;
  GtkWidget *button;
  g_autoptr (GListModel) pages = NULL;
  guint n = 0;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = g_object_ref_sink (rl_window_new (GTK_APPLICATION (app)));
  gtk_window_present (GTK_WINDOW (window));

  switcher = find_switcher (GTK_WIDGET (window));
  g_assert_nonnull (switcher);
  pages = G_LIST_MODEL (gtk_stack_get_pages (gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (switcher))));
  button = gtk_widget_get_first_child (switcher);
  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (pages, i);
      GtkStackPage *page = GTK_STACK_PAGE (item);
      g_autofree char *action = NULL;
      g_autofree char *accel = NULL;
      g_autofree char *hint = NULL;
      g_auto (GStrv) accels = NULL;

      if (!gtk_stack_page_get_visible (page))
        continue;
      n++;
      action = g_strdup_printf ("win.view::%s", gtk_stack_page_get_name (page));
      accel = g_strdup_printf ("<Alt>%u", n);
      hint = g_strdup_printf ("(Alt+%u)", n);
      accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
      g_test_message ("%s: %s, “%s”", action, accels[0] != NULL ? accels[0] : "none",
                      gtk_widget_get_tooltip_text (button));
      g_assert_nonnull (accels[0]);
      g_assert_cmpstr (accels[0], ==, accel);
      g_assert_nonnull (button);
      g_assert_true (g_str_has_suffix (gtk_widget_get_tooltip_text (button), hint));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s",
                                                 gtk_stack_page_get_name (page)));
      g_assert_cmpstr (rl_window_get_view (window), ==, gtk_stack_page_get_name (page));
      button = gtk_widget_get_next_sibling (button);
    }
  g_assert_cmpuint (n, >=, 6);
  /* here, not in a test of its own: a second application does not register in one process */
  assert_shortcuts_listed (app, window);

  ui_test_destroy_window (window);
}

typedef struct {
  RlWindow *window;
  int       digit;
} Expect;

static gboolean
predicts (gpointer data)
{
  Expect *expect = data;
  RlProbView *probs = rl_draw_view_get_prob_view (rl_window_get_draw_view (expect->window));

  return rl_prob_view_get_prediction (probs) == expect->digit;
}

static void
draw (RlWindow *window,
      guint     digit,
      double    scale,
      double    dx,
      double    dy)
{
  ui_test_add_digit (rl_draw_view_get_canvas (rl_window_get_draw_view (window)),
                     digit, scale, dx, dy);
}

/* Strokes injected into the window's canvas reach the prediction through the frame clock,
 * as a pen's do: nothing here calls the predictor directly. */
static void
test_draw_predicts (void)
{
  static const struct { guint digit; double scale, dx, dy; } cases[] = {
    { 0, 1.0, 0.0, 0.0 },
    { 1, 0.5, -0.2, 0.2 },
    { 7, 1.3, 0.0, 0.0 },
    { 3, 0.4, 0.25, -0.25 },
    { 4, 0.7, -0.1, 0.1 },
    { 2, 0.6, 0.15, 0.15 },
    { 8, 0.9, -0.03, 0.04 },
  };
  RlWindow *window;
  RlPredictor *predictor;
  Expect expect;

  if (!ui_test_has_bundled_model ())
    {
      g_test_skip ("no bundled model in this build (resources/models/seed.safetensors)");
      return;
    }

  window = ui_test_new_window ();
  predictor = rl_window_get_predictor (window);
  expect.window = window;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 serial = rl_predictor_get_serial (predictor);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL)
                     || rl_canvas_is_empty (rl_draw_view_get_canvas (rl_window_get_draw_view (window))));
      draw (window, cases[i].digit, cases[i].scale, cases[i].dx, cases[i].dy);
      expect.digit = (int) cases[i].digit;
      g_assert_true (ui_test_wait_for (predicts, &expect, 10));
      g_assert_cmpuint (rl_predictor_get_serial (predictor), >, serial);
      g_assert_true (rl_predictor_has_input (predictor));
    }

  /* Clear: no input, no prediction; undo brings a stroke back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL));
  expect.digit = -1;
  g_assert_true (ui_test_wait_for (predicts, &expect, 10));
  g_assert_false (rl_predictor_has_input (predictor));

  draw (window, 4, 1.0, 0, 0);   /* two strokes */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (rl_canvas_get_n_strokes (rl_draw_view_get_canvas (rl_window_get_draw_view (window))),
                    ==, 1);

  ui_test_destroy_window (window);
}

/* The Draw view's value labels, one a class, in the classes' order: each is its bar's next
 * sibling. Returns the number found. */
static guint
find_prob_values (GtkWidget  *widget,
                  GtkWidget **values,
                  guint       n)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_PROGRESS_BAR (child) && n < 10)
        values[n++] = gtk_widget_get_next_sibling (child);
      else
        n = find_prob_values (child, values, n);
    }
  return n;
}

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, data);
}

/* Draw's probabilities claim no certainty the model does not have: a softmax of 0.99996 is
 * ">99.9 %", not "100.0 %", in its bar's label and in the sentence above; 0.00004 is "<0.1 %";
 * only an exact 1 or 0 is "100.0 %" or "0.0 %". Then a confidently drawn digit, through the
 * predictor: every label is its probability as rl_format_probability writes it. */
static void
test_draw_probabilities (void)
{
  float probs[10] = { 0 };
  GtkWidget *values[10];
  GtkWidget *view, *sure;
  RlWindow *window = ui_test_new_window ();
  RlPredictor *predictor = rl_window_get_predictor (window);
  Expect expect = { window, 1 };

  view = GTK_WIDGET (rl_draw_view_get_prob_view (rl_window_get_draw_view (window)));
  g_assert_cmpuint (find_prob_values (view, values, 0), ==, 10);
  sure = ui_test_find_widget (view, has_css_class, "dim-label");
  g_assert_nonnull (sure);

  probs[3] = 0.99996f, probs[8] = 0.00004f, probs[5] = 0.000001f;   /* probs[0] etc.: 0 */
  rl_prob_view_set_probs (RL_PROB_VIEW (view), probs, 10, 3, RL_DATASET_MNIST, -1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[3])), ==, ">99.9 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[8])), ==, "<0.1 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[5])), ==, "<0.1 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[0])), ==, "0.0 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (sure)), ==, ">99.9 % sure");

  memset (probs, 0, sizeof probs);
  probs[3] = 1.0f;
  rl_prob_view_set_probs (RL_PROB_VIEW (view), probs, 10, 3, RL_DATASET_MNIST, -1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[3])), ==, "100.0 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[8])), ==, "0.0 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (sure)), ==, "100.0 % sure");

  probs[3] = 0.9994f, probs[8] = 0.0006f;
  rl_prob_view_set_probs (RL_PROB_VIEW (view), probs, 10, 3, RL_DATASET_MNIST, -1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[3])), ==, "99.9 %");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[8])), ==, "0.1 %");

  if (!ui_test_has_bundled_model ())
    {
      ui_test_destroy_window (window);
      g_test_skip ("no bundled model in this build (resources/models/seed.safetensors)");
      return;
    }
  ui_test_draw_digit (window, 1);
  g_assert_true (ui_test_wait_for (predicts, &expect, 10));
  for (guint i = 0; i < 10; i++)
    {
      const float *p = rl_predictor_get_probs (predictor, NULL);
      g_autofree char *number = rl_format_probability (p[i], 1);
      g_autofree char *text = g_strdup_printf ("%s %%", number);

      g_test_message ("%u: %.7f, “%s”", i, p[i], gtk_label_get_text (GTK_LABEL (values[i])));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (values[i])), ==, text);
    }

  ui_test_destroy_window (window);
}

static void
test_test_image (void)
{
  RlWindow *window;
  RlDrawView *view;
  RlPredictor *predictor;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);

  if (test == NULL)
    {
      g_test_skip ("no MNIST test set: ./dev.sh data fetches it");
      return;
    }

  window = ui_test_new_window ();
  view = rl_window_get_draw_view (window);
  predictor = rl_window_get_predictor (window);
  g_assert_true (ui_test_wait_for (ui_test_test_set_ready, window, 30));

  for (guint index = 0; index < 5; index++)
    {
      g_assert_true (rl_draw_view_show_test_image (view, index));
      g_assert_true (rl_predictor_has_input (predictor));
      g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, test->labels[index]);
      for (guint i = 0; i < 28 * 28; i++)
        g_assert_cmpfloat (fabsf (rl_predictor_get_image (predictor)[i]
                                  - test->images[index * 28 * 28 + i] / 255.0f), <, 1e-6f);
      if (ui_test_has_bundled_model ())
        g_assert_cmpint (rl_prob_view_get_prediction (rl_draw_view_get_prob_view (view)), ==,
                         test->labels[index]);
    }
  g_assert_false (rl_draw_view_show_test_image (view, test->n));

  /* Random picks one and keeps its label. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.random-image", NULL));
  g_assert_cmpint (rl_predictor_get_true_label (predictor), >=, 0);

  /* Clear takes it out of the input, whichever way it came in. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL));
  g_assert_false (rl_predictor_has_input (predictor));
  g_assert_true (rl_draw_view_show_test_image (view, 2));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL));
  g_assert_false (rl_predictor_has_input (predictor));
  g_assert_false (rl_canvas_has_image (rl_draw_view_get_canvas (view)));

  /* Drawing replaces a test image: the label goes. The note under the input says how each
   * came in: a test image as stored, a drawing scaled and centred. */
  g_assert_true (rl_draw_view_show_test_image (view, 1));
  g_assert_nonnull (strstr (rl_draw_view_get_input_note (view), "as the dataset stores it"));
  draw (window, 1, 1.0, 0, 0);
  rl_draw_view_flush (view);
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, -1);
  g_assert_nonnull (strstr (rl_draw_view_get_input_note (view), "scaled into a 20 × 20 box"));

  ui_test_destroy_window (window);
}

/* The test image field names the test image in the input, and no other (#11): Undo bringing
 * back the drawing a test image had replaced, drawing over one and Clear leave it empty (it
 * named an image no longer shown); read back empty, it shows nothing new; the number typed
 * again, or + from there, shows a test image again. */
static void
test_test_image_field (void)
{
  RlWindow *window;
  RlDrawView *view;
  RlCanvas *canvas;
  RlPredictor *predictor;
  GtkEditable *field;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);

  if (test == NULL)
    {
      g_test_skip ("no MNIST test set: ./dev.sh data fetches it");
      return;
    }

  window = ui_test_new_window ();
  view = rl_window_get_draw_view (window);
  canvas = rl_draw_view_get_canvas (view);
  predictor = rl_window_get_predictor (window);
  g_assert_true (ui_test_wait_for (ui_test_test_set_ready, window, 30));
  field = GTK_EDITABLE (ui_test_find_type (GTK_WIDGET (view), GTK_TYPE_SPIN_BUTTON));
  g_assert_nonnull (field);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "");   /* nothing in the input yet */

  /* + from there shows the first test image, not the second */
  gtk_spin_button_spin (GTK_SPIN_BUTTON (field), GTK_SPIN_STEP_FORWARD, 1);
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, test->labels[0]);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "0");
  /* and − stops there: no image -1 */
  gtk_spin_button_spin (GTK_SPIN_BUTTON (field), GTK_SPIN_STEP_BACKWARD, 1);
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, test->labels[0]);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "0");

  draw (window, 3, 1.0, 0, 0);
  rl_draw_view_flush (view);
  g_assert_true (rl_draw_view_show_test_image (view, 5));
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "5");

  /* Ctrl+Z: the drawing comes back in place of the test image */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  rl_draw_view_flush (view);
  g_assert_false (rl_canvas_has_image (canvas));
  g_assert_false (rl_canvas_is_empty (canvas));
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, -1);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "");

  /* read back (Enter, the focus leaving) while empty: the drawing stays, not test image 0 */
  gtk_spin_button_update (GTK_SPIN_BUTTON (field));
  g_assert_false (rl_canvas_has_image (canvas));
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, -1);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "");

  /* the same number typed again shows that image again */
  gtk_editable_set_text (field, "5");
  gtk_spin_button_update (GTK_SPIN_BUTTON (field));
  g_assert_true (rl_canvas_has_image (canvas));
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, test->labels[5]);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "5");

  /* drawn over: empty; + steps on from the last image shown */
  draw (window, 1, 1.0, 0, 0);
  rl_draw_view_flush (view);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "");
  gtk_spin_button_spin (GTK_SPIN_BUTTON (field), GTK_SPIN_STEP_FORWARD, 1);
  g_assert_true (rl_canvas_has_image (canvas));
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, test->labels[6]);
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "6");

  /* Clear: no test image in the input */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL));
  g_assert_cmpstr (gtk_editable_get_text (field), ==, "");

  ui_test_destroy_window (window);
}

static void
test_inside (void)
{
  RlWindow *window = ui_test_new_window ();
  RlInsideView *inside = rl_window_get_inside_view (window);
  RlFeatureView *features = rl_inside_view_get_feature_view (inside);
  float lo, hi, lo2, hi2;

  rl_window_set_view (window, "inside");
  g_assert_cmpuint (rl_feature_view_get_n_sections (features), ==, 0);   /* no input yet */

  draw (window, 5, 1.0, 0, 0);
  rl_draw_view_flush (rl_window_get_draw_view (window));

  /* The seed net: input; conv1 → ReLU → max pool; rblock1 (x, F(x), output); conv2 → ReLU →
   * max pool; rblock2; fc. */
  g_assert_cmpuint (rl_feature_view_get_n_sections (features), ==, 6);
  g_assert_cmpuint (rl_feature_view_get_n_rows (features), ==, 1 + 3 + 3 + 3 + 3 + 1);
  g_assert_true (g_str_has_prefix (rl_feature_view_get_section_title (features, 1), "conv1"));
  g_assert_cmpstr (rl_feature_view_get_section_title (features, 2), ==,
                   "rblock1 · residual block");
  g_assert_cmpstr (rl_feature_view_get_section_title (features, 4), ==,
                   "rblock2 · residual block");
  g_assert_cmpstr (rl_filter_view_get_tensor_name (rl_inside_view_get_filter_view (inside)), ==,
                   "conv1.weight");

  /* Per layer, a residual block's x and output share one range, and F(x), what the block
   * adds, has its own, smaller one: on theirs it would be nearly invisible. */
  g_assert_cmpstr (rl_feature_view_get_row_label (features, 2, 1), ==, "F(x)");
  rl_feature_view_get_map_range (features, 2, 0, 0, &lo, &hi);
  rl_feature_view_get_map_range (features, 2, 2, 0, &lo2, &hi2);
  g_assert_cmpfloat (hi, ==, hi2);
  rl_feature_view_get_map_range (features, 2, 1, 0, &lo2, &hi2);
  g_assert_cmpfloat (hi2, >, 0.0f);
  g_assert_cmpfloat (hi2, <, hi);
  /* and their labels say which range is the block's, not the row's own values; F(x)'s and
   * a layer's are their own */
  {
    g_autofree char *x = rl_feature_view_dup_row_caption (features, 2, 0);
    g_autofree char *out = rl_feature_view_dup_row_caption (features, 2, 2);
    g_autofree char *fx = rl_feature_view_dup_row_caption (features, 2, 1);
    g_autofree char *conv = rl_feature_view_dup_row_caption (features, 1, 0);

    g_test_message ("%s | %s | %s | %s", x, fx, out, conv);
    g_assert_true (g_str_has_prefix (x, "x\n16×12×12 · block 0…"));
    g_assert_true (g_str_has_prefix (out, "relu(F(x) + x)\n16×12×12 · block 0…"));
    g_assert_true (g_str_has_prefix (fx, "F(x)\n16×12×12 · ±"));
    g_assert_true (g_str_has_prefix (conv, "conv1\n16×24×24 · ±"));
  }

  rl_feature_view_set_scaling (features, RL_SCALING_PER_MAP);
  g_assert_cmpint (rl_feature_view_get_scaling (features), ==, RL_SCALING_PER_MAP);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));   /* draws, in both scalings */

  /* Per map too, the ten logits share one range: each is one value, which a range of its
   * own would paint full red or full blue. */
  rl_feature_view_get_map_range (features, 5, 0, 0, &lo, &hi);
  for (int k = 1; k < 10; k++)
    {
      rl_feature_view_get_map_range (features, 5, 0, k, &lo2, &hi2);
      g_assert_cmpfloat (lo2, ==, lo);
      g_assert_cmpfloat (hi2, ==, hi);
    }

  /* A map enlarged says which one it is, counted from 1 as the wrapped rows' "channels
   * 33–64" are: the first of conv1's sixteen is channel 1, the last 16 (it said 0 and 15). */
  g_assert_true (rl_feature_view_show_map (features, 1, 0, 0));
  g_test_message ("%s", rl_feature_view_get_zoom_text (features));
  g_assert_nonnull (strstr (rl_feature_view_get_zoom_text (features), "channel 1 of 16 · 24×24"));
  g_assert_true (rl_feature_view_show_map (features, 1, 0, 15));
  g_assert_nonnull (strstr (rl_feature_view_get_zoom_text (features), "channel 16 of 16"));
  g_assert_true (rl_feature_view_show_map (features, 2, 1, 3));
  g_assert_true (g_str_has_prefix (rl_feature_view_get_zoom_text (features), "rblock1 · F(x)\n"
                                                                             "channel 4 of 16"));
  g_assert_false (rl_feature_view_show_map (features, 1, 0, 16));

  ui_test_destroy_window (window);
}

static gboolean
is_undo_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.undo") == 0;
}

/* Ctrl+Z after Clear (or Escape, the same action) brings the drawing back; the undo button
 * says so: "Restore Drawing" where "Undo Stroke" promised one stroke. */
/* A label whose text begins with @data. */
static gboolean
is_label_starting (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), data);
}

typedef struct {
  RlWindow   *window;
  const char *start;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return ui_test_find_widget (GTK_WIDGET (wait->window), is_label_starting, wait->start) != NULL;
}

static gboolean
predicts_fashion (gpointer data)
{
  return rl_predictor_get_kind (rl_window_get_predictor (data)) == RL_DATASET_FASHION;
}

/* The Draw view's line under Test image for a Fashion model: where the test set is missing, the
 * package that installs it; where it is damaged, what is wrong, not the install command, which
 * changes nothing there (it said "No Fashion-MNIST test set … sudo apt install" for both). */
static void
test_test_set_damaged (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse ("seed", &error);
  g_autoptr (RlModel) model = rl_model_new_mnist (arch, &error);
  g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *dir = g_dir_make_tmp ("reslab-fashion-XXXXXX", &error);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged", NULL);
  g_autofree char *path = g_build_filename (dir, "fashion.safetensors", NULL);
  const char *files[] = { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
  LabelWait missing_said, damaged_said;
  GtkWidget *label;
  RlWindow *window;

  g_assert_no_error (error);
  rl_model_init_params (model, 5);
  g_hash_table_insert (metadata, "dataset", "fashion");
  g_assert_true (rl_model_save (model, path, metadata, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (damaged, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *file = g_build_filename (damaged, files[i], NULL);

      g_assert_true (g_file_set_contents (file, "not an IDX file", -1, NULL));
    }

  /* missing */
  rl_dataset_loader_clear_cache ();
  rl_dataset_set_default_dir (RL_DATASET_FASHION, empty);
  window = ui_test_new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-path", "s", path));
  g_assert_true (ui_test_wait_for (predicts_fashion, window, 30));
  missing_said = (LabelWait) { window, "No Fashion-MNIST test set in" };
  g_assert_true (ui_test_wait_for (label_shown, &missing_said, 30));
  label = ui_test_find_widget (GTK_WIDGET (window), is_label_starting, missing_said.start);
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "apt install"));
  ui_test_destroy_window (window);

  /* damaged */
  rl_dataset_loader_clear_cache ();
  rl_dataset_set_default_dir (RL_DATASET_FASHION, damaged);
  window = ui_test_new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-path", "s", path));
  g_assert_true (ui_test_wait_for (predicts_fashion, window, 30));
  damaged_said = (LabelWait) { window, "Could not load the test set: " };
  g_assert_true (ui_test_wait_for (label_shown, &damaged_said, 30));
  label = ui_test_find_widget (GTK_WIDGET (window), is_label_starting, damaged_said.start);
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "t10k-"));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (label)), "apt install"));
  ui_test_destroy_window (window);

  rl_dataset_set_default_dir (RL_DATASET_FASHION, NULL);
  rl_dataset_loader_clear_cache ();
}

/* A window closed while a model file opens is finalized at its destroy, not held until the
 * file is read (in CI, beside the slow suite, test-set-damaged's window was held for seconds,
 * its own Open still reading); the model is then neither used nor remembered. */
static void
test_destroy_while_opening (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse ("seed", &error);
  g_autoptr (RlModel) model = rl_model_new_mnist (arch, &error);
  g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *dir = g_dir_make_tmp ("reslab-opening-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "opened.safetensors", NULL);
  g_autoptr (GSettings) settings = NULL;
  g_autofree char *remembered = NULL;
  RlWindow *window;

  g_assert_no_error (error);
  rl_model_init_params (model, 3);
  g_assert_true (rl_model_save (model, path, metadata, &error));
  g_assert_no_error (error);

  window = ui_test_new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-path", "s", path));
  /* the file is read on a thread, its result delivered by the main loop, which has not run */
  ui_test_destroy_window (window);

  /* the read ends; what it brings goes nowhere */
  ui_test_spin (500);
  settings = ui_test_app_settings ();
  remembered = g_settings_get_string (settings, "model");
  g_assert_cmpstr (remembered, !=, path);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_undo_clear (void)
{
  RlWindow *window = ui_test_new_window ();
  RlCanvas *canvas = rl_draw_view_get_canvas (rl_window_get_draw_view (window));
  GtkWidget *button = ui_test_find_widget (GTK_WIDGET (window), is_undo_button, NULL);
  GtkLabel *label;
  Expect expect = { window, 3 };
  guint n;

  g_assert_nonnull (button);
  label = GTK_LABEL (ui_test_find_type (button, GTK_TYPE_LABEL));
  draw (window, 3, 1.0, 0.0, 0.0);
  g_assert_true (ui_test_wait_for (predicts, &expect, 10));
  n = rl_canvas_get_n_strokes (canvas);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "Undo Stroke");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear", NULL));
  g_assert_true (rl_canvas_is_empty (canvas));
  g_assert_cmpstr (gtk_label_get_text (label), ==, "Restore Drawing");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (rl_canvas_get_n_strokes (canvas), ==, n);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "Undo Stroke");
  g_assert_true (ui_test_wait_for (predicts, &expect, 10));

  ui_test_destroy_window (window);
}

/* The help window (F1), open among the toplevels, or NULL. */
static RlHelpWindow *
find_help_window (void)
{
  g_autoptr (GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (RL_IS_HELP_WINDOW (window))
        return RL_HELP_WINDOW (window);
    }
  return NULL;
}

static gboolean
help_shown (gpointer data)
{
  RlHelpWindow *help = find_help_window ();

  return help != NULL && gtk_widget_get_visible (GTK_WIDGET (help));
}

/* For ui_test_wait_for (): the help window shows page @data. */
static gboolean
help_at_page (gpointer data)
{
  RlHelpWindow *help = find_help_window ();

  return help != NULL && g_strcmp0 (rl_help_window_get_page (help), data) == 0;
}

/* F1's action opens the help at the page of the view in front; again, it raises the same
 * window at the page of the view now in front; it goes with the main window. */
static void
test_help (void)
{
  RlWindow *window = ui_test_new_window ();
  RlHelpWindow *help;

  g_assert_null (find_help_window ());
  rl_window_set_view (window, "inside");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.help", NULL));
  g_assert_true (ui_test_wait_for (help_shown, NULL, 10));
  help = find_help_window ();
  g_assert_nonnull (help);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (help)));
  g_assert_cmpstr (rl_help_window_get_page (help), ==, "inside");

  /* every view has its page, which F1 opens (the same window) */
  {
    GtkStack *stack = gtk_stack_switcher_get_stack (GTK_STACK_SWITCHER (find_switcher (GTK_WIDGET (window))));
    g_autoptr (GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (stack));

    for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
      {
        g_autoptr (GObject) item = g_list_model_get_item (pages, i);
        const char *name = gtk_stack_page_get_name (GTK_STACK_PAGE (item));

        if (!gtk_stack_page_get_visible (GTK_STACK_PAGE (item)))
          continue;
        rl_window_set_view (window, name);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.help", NULL));
        g_assert_true (ui_test_wait_for (help_at_page, (gpointer) name, 10));
        g_assert_true (find_help_window () == help);
        g_assert_cmpstr (rl_help_window_get_page (help), ==, name);
      }
  }

  ui_test_destroy_window (window);
  g_assert_true (ui_test_wait_for (ui_test_window_gone, help, 10));
  g_assert_null (find_help_window ());
}

/* The About dialog's logo: GtkApplication adds "<resource-base-path>/icons" to the icon
 * theme, as this does; the icon must be where the theme looks there. */
static void
test_app_icon (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  gtk_icon_theme_add_resource_path (theme, "/org/reslab/ResLab/icons");
  g_assert_true (gtk_icon_theme_has_icon (theme, "io.github.reslab.ResLab"));
}

static gboolean
says_random_weights (gpointer data)
{
  return strstr (rl_window_get_model_description (data), "random weights") != NULL;
}

static void
test_reset_weights (void)
{
  RlWindow *window = ui_test_new_window ();
  RlPredictor *predictor = rl_window_get_predictor (window);
  GtkMessageDialog *dialog;
  g_autofree float *before = NULL;
  size_t n = rl_model_get_n_params (rl_predictor_get_model (predictor));

  before = g_memdup2 (rl_model_get_params_const (rl_predictor_get_model (predictor)),
                      n * sizeof (float));

  /* It asks first; Cancel changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reset-weights", NULL));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 10));
  dialog = ui_test_find_message_dialog ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_true (ui_test_wait_for (ui_test_window_gone, dialog, 10));
  g_assert_cmpmem (rl_model_get_params_const (rl_predictor_get_model (predictor)),
                   n * sizeof (float), before, n * sizeof (float));

  /* Reset gives fresh weights. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reset-weights", NULL));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 10));
  dialog = ui_test_find_message_dialog ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (ui_test_wait_for (says_random_weights, window, 10));
  g_assert_false (memcmp (rl_model_get_params_const (rl_predictor_get_model (predictor)), before,
                          n * sizeof (float)) == 0);
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "random weights"));

  ui_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/window/build-finalize", test_build_finalize);
  ui_test_add ("/ui/window/views", test_views);
  ui_test_add ("/ui/window/view-shortcuts", test_view_shortcuts);
  ui_test_add ("/ui/window/draw-predicts", test_draw_predicts);
  ui_test_add ("/ui/window/draw-probabilities", test_draw_probabilities);
  ui_test_add ("/ui/window/test-image", test_test_image);
  ui_test_add ("/ui/window/test-image-field", test_test_image_field);
  ui_test_add ("/ui/window/inside", test_inside);
  ui_test_add ("/ui/window/test-set-damaged", test_test_set_damaged);
  ui_test_add ("/ui/window/destroy-while-opening", test_destroy_while_opening);
  ui_test_add ("/ui/window/undo-clear", test_undo_clear);
  ui_test_add ("/ui/window/app-icon", test_app_icon);
  ui_test_add ("/ui/window/help", test_help);
  ui_test_add ("/ui/window/reset-weights", test_reset_weights);

  return ui_test_run ();
}
