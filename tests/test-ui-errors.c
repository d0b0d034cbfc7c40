/* test-ui-errors.c: asking the model in the window: the Errors view's confusion matrix (the
 * same as rl_evaluate's), its precision and recall figures, a cell's images, one opened in
 * Draw, and Why? in Draw. Needs the real MNIST test set and the bundled model; skips without
 * them. */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ui-test-utils.h"

#include "rl-arch.h"
#include "rl-square-area.h"
#include "rl-dataset-loader.h"
#include "rl-train.h"
#include "rl-window.h"

static gboolean
have_report (gpointer data)
{
  return rl_errors_view_get_report (rl_window_get_errors_view (data)) != NULL;
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

/* The view's matrix has been drawn at its size (the figures are measured at it). */
static gboolean
matrix_laid_out (gpointer data)
{
  return ui_test_laid_out (ui_test_find_type (data, GTK_TYPE_DRAWING_AREA));
}

/* Precision and recall are written alike, with one decimal ("99.7", "100.0"; "–" for a class
 * never predicted), at one size, each in its column with room to spare; returns the narrowest
 * precision column. */
static double
check_figures (RlErrorsView *view)
{
  double narrowest = G_MAXDOUBLE, size = 0.0;

  for (int k = 0; k < 10; k++)
    for (int recall = 0; recall <= 1; recall++)
      {
        double px, width, room;
        g_autofree char *text = rl_errors_view_get_figure (view, recall, k, &px, &width, &room);

        g_test_message ("%s %d: \"%s\", %.1f px, %.0f of %.0f px wide",
                        recall ? "recall" : "precision", k, text, px, width, room);
        g_assert_nonnull (text);
        g_assert_true (g_regex_match_simple ("^([0-9]+\\.[0-9]|–)$", text, 0, 0));
        if (size == 0.0)
          size = px;
        g_assert_cmpfloat (px, ==, size);
        /* 3 px clear of its column's edges at least, not touching the next column's */
        g_assert_cmpfloat (width + 6, <=, room);
        if (!recall)
          narrowest = MIN (narrowest, room);
      }
  return narrowest;
}

static void
test_errors_view (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  RlWindow *window;
  RlErrorsView *view;
  RlErrorReport *r;
  RlPredictor *predictor;
  uint32_t confusion[100] = { 0 };
  RlEvalResult res;
  uint64_t total = 0;
  int worst_t = -1, worst_p = -1;
  uint32_t worst = 0;
  guint first;

  if (test == NULL)
    {
      g_test_skip ("no MNIST test set: ./dev.sh data fetches it");
      return;
    }
  window = ui_test_new_window_sized (1280, 760);
  view = rl_window_get_errors_view (window);
  predictor = rl_window_get_predictor (window);
  rl_window_set_view (window, "errors");
  g_assert_true (ui_test_wait_for (have_report, window, 60));
  r = rl_errors_view_get_report (view);

  /* the whole test set, and rl_evaluate's matrix */
  g_assert_cmpuint (r->n, ==, 10000);
  for (int i = 0; i < 100; i++)
    total += r->confusion[i];
  g_assert_cmpuint (total, ==, 10000);
  g_assert_true (rl_evaluate (rl_predictor_get_model (predictor), test, test->n, 0, 0, confusion,
                              NULL, &res, &error));
  g_assert_cmpmem (r->confusion, sizeof confusion, confusion, sizeof confusion);
  g_assert_cmpuint (r->correct, ==, res.correct);

  /* precision and recall, in wide columns */
  g_assert_true (ui_test_wait_for (matrix_laid_out, view, 10));
  g_assert_cmpfloat (check_figures (view), >=, 36.0);

  /* the fullest off-diagonal cell lists its images, most confident first */
  for (int t = 0; t < 10; t++)
    for (int p = 0; p < 10; p++)
      if (t != p && r->confusion[t * 10 + p] > worst)
        worst = r->confusion[t * 10 + p], worst_t = t, worst_p = p;
  g_assert_cmpint (worst_t, >=, 0);

  /* before any click, the view shows that cell already: its right half is never empty */
  g_assert_cmpuint (rl_errors_view_get_n_listed (view), ==, worst);
  g_assert_cmpuint (test->labels[rl_errors_view_get_listed (view, 0)], ==, (guint) worst_t);
  g_assert_cmpuint (r->predicted[rl_errors_view_get_listed (view, 0)], ==, (guint) worst_p);
  /* digits' captions say the classes, "9 → 4" (a Fashion model's do not) */
  {
    g_autofree char *caption = g_strdup_printf ("%d → %d", worst_t, worst_p);

    g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label_containing, caption));
  }

  /* the keyboard: the matrix takes the focus, and the arrows move the selection, inside */
  {
    int t, p;

    g_assert_true (gtk_widget_get_focusable (ui_test_find_type (GTK_WIDGET (view), GTK_TYPE_DRAWING_AREA)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "errors.move", "(ii)", 0, 1));
    rl_errors_view_get_selected_cell (view, &t, &p);
    g_assert_cmpint (t, ==, worst_t);
    g_assert_cmpint (p, ==, MIN (worst_p + 1, 9));
    g_assert_cmpuint (rl_errors_view_get_n_listed (view), ==,
                      MIN (r->confusion[t * 10 + p], 240u));
    for (int i = 0; i < 12; i++)
      gtk_widget_activate_action (GTK_WIDGET (view), "errors.move", "(ii)", -1, 0);
    rl_errors_view_get_selected_cell (view, &t, &p);
    g_assert_cmpint (t, ==, 0);
  }

  /* a click elsewhere, then back */
  rl_errors_view_select_cell (view, worst_t, worst_t);
  g_assert_cmpuint (rl_errors_view_get_n_listed (view), ==,
                    MIN (r->confusion[worst_t * 10 + worst_t], 240u));
  rl_errors_view_select_cell (view, worst_t, worst_p);
  g_assert_cmpuint (rl_errors_view_get_n_listed (view), ==, worst);
  for (guint i = 0; i < worst; i++)
    {
      guint idx = rl_errors_view_get_listed (view, i);
      g_assert_cmpuint (test->labels[idx], ==, (guint) worst_t);
      g_assert_cmpuint (r->predicted[idx], ==, (guint) worst_p);
      if (i > 0)
        g_assert_cmpfloat (r->confidence[rl_errors_view_get_listed (view, i - 1)], >=,
                           r->confidence[idx]);
    }

  /* one opened in Draw: its label, and the model's (wrong) answer */
  g_assert_true (ui_test_wait_for (ui_test_test_set_ready, window, 30));
  first = rl_errors_view_get_listed (view, 0);
  rl_errors_view_open_listed (view, 0);
  g_assert_cmpstr (rl_window_get_view (window), ==, "draw");
  g_assert_cmpint (rl_predictor_get_true_label (predictor), ==, test->labels[first]);
  g_assert_cmpint (rl_predictor_get_prediction (predictor), ==, worst_p);
  for (guint i = 0; i < 28 * 28; i++)
    g_assert_cmpfloat (fabsf (rl_predictor_get_image (predictor)[i]
                              - test->images[first * 28 * 28 + i] / 255.0f), <, 1e-6f);

  ui_test_destroy_window (window);
}

/* The figures at 800 x 600, where the columns are narrow: precision was written in whole
 * percents there, "99" beside a recall of "99.7". */
static void
test_figures_narrow (void)
{
  RlWindow *window;
  RlErrorsView *view;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;
  window = ui_test_new_window_sized (800, 600);
  view = rl_window_get_errors_view (window);
  rl_window_set_view (window, "errors");
  g_assert_true (ui_test_wait_for (have_report, window, 60));
  g_assert_true (ui_test_wait_for (matrix_laid_out, view, 10));
  /* the narrow columns this is about (the wide ones: /ui/errors/matrix-cell-open) */
  g_assert_cmpfloat (check_figures (view), <, 36.0);
  ui_test_destroy_window (window);
}

/* An image's caption of a confidence alone: "97 %", or ">99 %" and "<1 %" where rounding
 * would say 100 or 0 (rl_format_probability) */
static gboolean
is_confidence_caption (GtkWidget     *widget,
                       gconstpointer  data)
{
  return GTK_IS_LABEL (widget) &&
         g_regex_match_simple ("^[<>]?[0-9]+ %$", gtk_label_get_text (GTK_LABEL (widget)), 0, 0);
}

/* A Fashion-MNIST model: its mistakes are said by the classes' names (the matrix's axes name
 * them too), never by class numbers. */
static void
test_fashion (void)
{
  g_autofree char *path = NULL;
  g_autofree char *said = NULL;
  RlWindow *window;
  RlErrorsView *view;
  RlErrorReport *r;
  int worst_t = -1, worst_p = -1;
  uint32_t worst = 0;

  if (ui_test_skip_without_dataset (RL_DATASET_FASHION))
    return;
  window = ui_test_new_window_sized (1280, 760);
  view = rl_window_get_errors_view (window);
  /* an untrained seed net: many mistakes, named by their classes */
  ui_test_open_fashion_model (window, &path);
  rl_window_set_view (window, "errors");
  g_assert_true (ui_test_wait_for (have_report, window, 60));
  r = rl_errors_view_get_report (view);
  for (int t = 0; t < 10; t++)
    for (int p = 0; p < 10; p++)
      if (t != p && r->confusion[t * 10 + p] > worst)
        worst = r->confusion[t * 10 + p], worst_t = t, worst_p = p;
  g_assert_cmpint (worst_t, >=, 0);
  said = g_strdup_printf ("of “%s” were read as “%s”",
                          rl_dataset_class_name (RL_DATASET_FASHION, worst_t),
                          rl_dataset_class_name (RL_DATASET_FASHION, worst_p));
  g_test_message ("looking for: %s", said);
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label_containing, said));
  /* the images' captions say how sure the model was, not class numbers ("6 → 0"), which mean
   * nothing for these classes: the heading names the cell's two */
  g_assert_null (ui_test_find_widget (GTK_WIDGET (view), is_label_containing, "→"));
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_confidence_caption, NULL));

  /* Why? in Draw says the class by its name too */
  {
    RlDrawView *draw = rl_window_get_draw_view (window);
    RlWhyView *why = rl_draw_view_get_why_view (draw);
    const char *shirt = rl_dataset_class_name (RL_DATASET_FASHION, 6);
    g_autofree char *towards = g_strdup_printf ("towards “%s”", shirt);
    g_autofree char *speaks = g_strdup_printf ("speak for “%s”", shirt);

    rl_window_set_view (window, "draw");
    /* "This is a…" and its ten digits are for models of digits: here a line says so */
    {
      RlTeachRow *row = rl_draw_view_get_teach_row (draw);

      g_assert_false (rl_teach_row_get_for_digits (row));
      g_assert_false (gtk_widget_is_visible (rl_teach_row_get_digit_button (row, 0)));
      g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (row), is_label_containing,
                                             "teach models of handwritten digits"));
    }
    /* before an input, it asks for one as the canvas does: clothing, not "a digit" */
    g_assert_false (rl_predictor_has_input (rl_window_get_predictor (window)));
    rl_why_view_set_active (why, TRUE);
    g_assert_null (ui_test_find_widget (rl_why_view_get_key (why), is_label_containing, "digit"));
    g_assert_nonnull (ui_test_find_widget (rl_why_view_get_key (why), is_label_containing,
                                           "Draw clothing"));
    ui_test_draw_digit (window, 1);
    rl_why_view_set_class (why, 6);
    g_assert_nonnull (rl_why_view_get_attributions (why, NULL));
    /* the sentence, under the input with the legend */
    g_assert_true (ui_test_find_widget (rl_why_view_get_key (why), is_label_containing, towards)
                   != NULL
                   || ui_test_find_widget (rl_why_view_get_key (why), is_label_containing, speaks)
                   != NULL);
  }

  ui_test_destroy_window (window);
  ui_test_remove_fashion_model (path);
}

static void
test_why (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 760);
  RlDrawView *draw = rl_window_get_draw_view (window);
  RlWhyView *why = rl_draw_view_get_why_view (draw);
  RlCanvas *canvas = rl_draw_view_get_canvas (draw);
  const float *a;
  int k = -1, width;
  double pos = 0.0, neg = 0.0;

  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  ui_test_draw_digit (window, 4);
  g_assert_true (rl_predictor_has_input (rl_window_get_predictor (window)));

  /* off: nothing */
  g_assert_null (rl_why_view_get_attributions (why, NULL));
  g_assert_true (ui_test_wait_for (ui_test_laid_out, why, 10));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  width = gtk_widget_get_width (GTK_WIDGET (why));
  g_assert_cmpint (width, >, 0);
  rl_why_view_set_active (why, TRUE);

  /* on: the details open below the button, and the Draw view's columns stay where they were
   * (the prediction column used to widen by the details' row and push the others aside) */
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (why)), ==, width);
  /* the legend and sentence under the input take height from it in a window 760 px tall: the
   * input stays a square in its frame (it was 522 x 456, the image drawn at its left and a
   * framed empty strip beside it) */
  {
    GtkWidget *input = ui_test_find_type (GTK_WIDGET (draw), RL_TYPE_SQUARE_AREA);

    g_assert_nonnull (input);
    g_test_message ("the input: %d x %d", gtk_widget_get_width (input),
                    gtk_widget_get_height (input));
    g_assert_cmpint (gtk_widget_get_height (input), >, 200);
    g_assert_cmpint (abs (gtk_widget_get_width (input) - gtk_widget_get_height (input)), <=, 1);
  }

  for (int m = RL_EXPLAIN_GRADIENT; m <= RL_EXPLAIN_OCCLUSION; m++)
    {
      rl_why_view_set_method (why, m);
      a = rl_why_view_get_attributions (why, &k);
      g_assert_nonnull (a);
      g_assert_cmpint (k, ==, rl_predictor_get_prediction (rl_window_get_predictor (window)));
      pos = neg = 0.0;
      for (int i = 0; i < 28 * 28; i++)
        {
          pos += MAX (a[i], 0.0f);
          neg += MIN (a[i], 0.0f);
        }
      g_test_message ("method %d: towards %.4f, against %.4f", m, pos, neg);
      g_assert_cmpfloat (pos, >, 0.0);
    }

  /* "what would make it a 9?" */
  rl_why_view_set_method (why, RL_EXPLAIN_GRADIENT);
  rl_why_view_set_class (why, 9);
  a = rl_why_view_get_attributions (why, &k);
  g_assert_nonnull (a);
  g_assert_cmpint (k, ==, 9);

  /* live: a new stroke recomputes, still towards the class chosen */
  rl_canvas_add_stroke (canvas, (const double[]) { 0.2, 0.9, 0.8, 0.9 }, 2);
  rl_draw_view_flush (draw);
  g_assert_nonnull (rl_why_view_get_attributions (why, &k));
  g_assert_cmpint (k, ==, 9);

  /* another image (a test image here; one opened from Errors or a photo alike): its answer is
   * explained again, not the 9 chosen for the drawing */
  if (ui_test_wait_for (ui_test_test_set_ready, window, 60))
    {
      g_assert_true (rl_draw_view_show_test_image (draw, 0));   /* a 7 */
      a = rl_why_view_get_attributions (why, &k);
      g_assert_nonnull (a);
      g_assert_cmpint (k, ==, rl_predictor_get_prediction (rl_window_get_predictor (window)));
      g_assert_cmpint (k, !=, 9);
    }
  else
    g_assert_false (ui_test_has_dataset (RL_DATASET_MNIST));

  rl_why_view_set_active (why, FALSE);
  g_assert_null (rl_why_view_get_attributions (why, NULL));
  ui_test_destroy_window (window);
}

/* Sets element @index of @predictor's tensor @name to @value, as a worker's snapshot of the
 * weights is published to the predictor. Returns: the value it had */
static float
set_param (RlPredictor *predictor, const char *name, size_t index, float value)
{
  RlModel *model = rl_predictor_get_model (predictor);
  const size_t n = rl_model_get_n_params (model);
  const size_t at = rl_model_lookup_tensor (model, name)->offset + index;
  g_autofree float *params = g_memdup2 (rl_model_get_params (model), n * sizeof (float));
  const float was = params[at];

  params[at] = value;
  g_assert_true (rl_predictor_set_params (predictor, params, n));
  return was;
}

static gboolean
shows_nan (GtkWidget *widget, gconstpointer data)
{
  /* printf's "nan" or "-nan", where a number was meant */
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), "nan") != NULL;
}

static RlErrorReport *old_report;

static gboolean
new_report (gpointer data)
{
  RlErrorReport *r = rl_errors_view_get_report (rl_window_get_errors_view (data));

  return r != NULL && r != old_report;
}

/* The model in use with a NaN in fc.bias[3]: every test image is read as 3, torch.argmax's
 * class, with NaN probabilities. The commonest mistake's images come in the test set's order
 * and the view says why, and no image's caption or tooltip shows "nan %". */
static void
test_not_a_number (void)
{
  RlWindow *window;
  RlErrorsView *view;
  RlErrorReport *r;
  RlPredictor *predictor;
  int t, p;

  if (!ui_test_has_dataset (RL_DATASET_MNIST))
    {
      g_test_skip ("no MNIST test set: ./dev.sh data fetches it");
      return;
    }
  window = ui_test_new_window_sized (1280, 760);
  view = rl_window_get_errors_view (window);
  predictor = rl_window_get_predictor (window);
  set_param (predictor, "fc.bias", 3, NAN);
  rl_window_set_view (window, "errors");
  g_assert_true (ui_test_wait_for (have_report, window, 60));
  /* the report of the model as it is now (a first one may have come before the change) */
  old_report = rl_errors_view_get_report (view);
  rl_errors_view_refresh (view);
  g_assert_true (ui_test_wait_for (new_report, window, 60));
  r = rl_errors_view_get_report (view);
  for (uint32_t i = 0; i < r->n; i++)
    g_assert_cmpuint (r->predicted[i], ==, 3);
  /* the footer's accuracy is the one measured, the 1,010 3s of the test set, not the 99.10 % the
   * bundled file's metadata claims */
  g_assert_cmpuint (r->correct, ==, 1010);
  {
    GtkWidget *footer = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting,
                                             "Model: ");

    g_assert_nonnull (footer);
    g_test_message ("%s", gtk_label_get_text (GTK_LABEL (footer)));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (footer)),
                              " · test accuracy 10.10\u202f%"));
  }

  /* the commonest mistake, chosen: the 1s */
  rl_errors_view_get_selected_cell (view, &t, &p);
  g_assert_cmpint (t, ==, 1);
  g_assert_cmpint (p, ==, 3);
  g_assert_cmpuint (rl_errors_view_get_n_listed (view), ==, 240);
  for (guint i = 1; i < rl_errors_view_get_n_listed (view); i++)
    g_assert_cmpuint (rl_errors_view_get_listed (view, i - 1), <,
                      rl_errors_view_get_listed (view, i));
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label_containing,
                                         "test images are a 1 but the model read them as a 3. "
                                         "Their probabilities are not numbers (NaN): they come "
                                         "in the test set’s order"));
  g_assert_null (ui_test_find_widget (GTK_WIDGET (view), shows_nan, NULL));
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label_containing, "1 → 3\nNaN"));

  /* the right answers too: in order, not the least confident first */
  rl_errors_view_select_cell (view, 3, 3);
  for (guint i = 1; i < rl_errors_view_get_n_listed (view); i++)
    g_assert_cmpuint (rl_errors_view_get_listed (view, i - 1), <,
                      rl_errors_view_get_listed (view, i));
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label_containing,
                                         "test images are a 3 and were read as a 3. Their "
                                         "probabilities are not numbers (NaN)"));
  g_assert_null (ui_test_find_widget (GTK_WIDGET (view), shows_nan, NULL));

  ui_test_destroy_window (window);
}

/* A cell of the report (@t, @p), t != p, whose images have NaN and numeric confidences both,
 * and few enough for the Errors view to list them all (it lists 240; NaNs come last);
 * FALSE when there is none. */
static gboolean
find_mixed_cell (const RlErrorReport *r, int *t_out, int *p_out)
{
  for (int t = 0; t < r->n_classes; t++)
    for (int p = 0; p < r->n_classes; p++)
      {
        guint n, n_nan = 0;
        g_autofree uint32_t *cell = t != p ? rl_error_report_cell (r, t, p, &n) : NULL;

        for (guint i = 0; cell != NULL && i < n; i++)
          n_nan += isnan (r->confidence[cell[i]]);
        if (n_nan > 0 && n_nan < n && n <= 240)
          {
            *t_out = t;
            *p_out = p;
            return TRUE;
          }
      }
  return FALSE;
}

/* A model whose probabilities are NaN for some images only: fc.weight[3][j] = 1e38 for a
 * feature j of the last layer that is 0 on some images (z_3 untouched), under 3.4 on others
 * (z_3 a huge number, p_3 = 1) and over it on the rest (z_3 overflows to +inf: every
 * probability NaN). j is the first feature that gives a cell of both kinds (feature 1 of the
 * bundled model, found at the second evaluation of the test set). The Errors view lists a mixed cell's numbers first, most confident first, then
 * its NaNs by index, and says how many are NaN ("…of them… come last"). */
static void
test_some_not_a_number (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = NULL;
  RlWindow *window;
  RlErrorsView *view;
  RlErrorReport *r;
  RlPredictor *predictor;
  RlModel *model;
  g_autofree char *said = NULL;
  const RlParamInfo *weight;
  int t = -1, p = -1, j, features;
  guint n, n_nan = 0;

  if (!ui_test_has_dataset (RL_DATASET_MNIST))
    {
      g_test_skip ("no MNIST test set: ./dev.sh data fetches it");
      return;
    }
  window = ui_test_new_window_sized (1280, 760);
  view = rl_window_get_errors_view (window);
  predictor = rl_window_get_predictor (window);
  model = rl_predictor_get_model (predictor);
  weight = rl_model_lookup_tensor (model, "fc.weight");
  g_assert_nonnull (weight);
  features = (int) (weight->numel / 10);
  test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_assert_no_error (error);
  {
    g_autoptr (RlModel) probe = rl_model_copy (model);
    float *w3 = rl_model_get_params (probe) + weight->offset + 3 * features;

    for (j = 0; j < features; j++)
      {
        g_autoptr (RlErrorReport) pr = NULL;
        float kept = w3[j];

        w3[j] = 1e38f;
        pr = rl_error_report_compute (probe, test, 0, NULL, &error);
        g_assert_no_error (error);
        w3[j] = kept;
        if (find_mixed_cell (pr, &t, &p))
          break;
      }
  }
  g_assert_cmpint (j, <, features);
  g_test_message ("feature %d of %d", j, features);

  set_param (predictor, "fc.weight", (size_t) (3 * features + j), 1e38f);
  rl_window_set_view (window, "errors");
  g_assert_true (ui_test_wait_for (have_report, window, 60));
  old_report = rl_errors_view_get_report (view);
  rl_errors_view_refresh (view);
  g_assert_true (ui_test_wait_for (new_report, window, 60));
  r = rl_errors_view_get_report (view);
  g_assert_true (find_mixed_cell (r, &t, &p));

  rl_errors_view_select_cell (view, t, p);
  n = rl_errors_view_get_n_listed (view);
  for (guint i = 0; i < n; i++)
    n_nan += isnan (r->confidence[rl_errors_view_get_listed (view, i)]);
  g_test_message ("cell %d -> %d: %u images, %u NaN", t, p, n, n_nan);
  g_assert_cmpuint (n_nan, >, 0);
  g_assert_cmpuint (n_nan, <, n);
  for (guint i = 1; i < n; i++)
    {
      float a = r->confidence[rl_errors_view_get_listed (view, i - 1)];
      float b = r->confidence[rl_errors_view_get_listed (view, i)];

      if (i < n - n_nan)   /* the numbers, most confident first */
        g_assert_cmpfloat (a, >=, b);
      else if (i > n - n_nan)   /* the NaNs, by index */
        g_assert_cmpuint (rl_errors_view_get_listed (view, i - 1), <,
                          rl_errors_view_get_listed (view, i));
      else
        g_assert_true (!isnan (a) && isnan (b));
    }
  said = g_strdup_printf (n_nan == 1 ? "The probabilities of %u of them are not numbers (NaN): "
                                       "it comes last."
                                     : "The probabilities of %u of them are not numbers (NaN): "
                                       "they come last.", n_nan);
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label_containing, said));
  g_assert_null (ui_test_find_widget (GTK_WIDGET (view), shows_nan, NULL));

  ui_test_destroy_window (window);
}

/* Why? with a model whose scores are NaN: no colours painted from NaN attributions, and a
 * sentence that says why instead of "Red pixels pushed…". A NaN in fc.bias[3] leaves the
 * gradient of z_3 a number but every probability NaN, which occlusion compares. */
static void
test_why_not_a_number (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 760);
  RlDrawView *draw = rl_window_get_draw_view (window);
  RlWhyView *why = rl_draw_view_get_why_view (draw);
  RlPredictor *predictor = rl_window_get_predictor (window);
  GtkWidget *key = rl_why_view_get_key (why);
  float kept;

  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  ui_test_draw_digit (window, 4);
  rl_why_view_set_active (why, TRUE);
  rl_why_view_set_method (why, RL_EXPLAIN_OCCLUSION);
  g_assert_nonnull (rl_why_view_get_attributions (why, NULL));
  g_assert_nonnull (ui_test_find_widget (key, is_label_containing, "Red pixels"));

  kept = set_param (predictor, "fc.bias", 3, NAN);
  g_assert_cmpint (rl_predictor_get_prediction (predictor), ==, 3);
  g_assert_null (rl_why_view_get_attributions (why, NULL));
  g_assert_null (ui_test_find_widget (key, is_label_containing, "Red pixels"));
  g_assert_nonnull (ui_test_find_widget (key, is_label_containing,
                                         "No colours: what this method weighs is not a finite"
                                         " number (NaN or infinite) for this model"));
  /* the gradient of z_3 does not go through its bias: that one still explains */
  rl_why_view_set_method (why, RL_EXPLAIN_GRADIENT);
  g_assert_nonnull (rl_why_view_get_attributions (why, NULL));
  g_assert_nonnull (ui_test_find_widget (key, is_label_containing, "Red pixels"));

  /* and the colours come back with a sound model */
  rl_why_view_set_method (why, RL_EXPLAIN_OCCLUSION);
  g_assert_null (rl_why_view_get_attributions (why, NULL));
  set_param (predictor, "fc.bias", 3, kept);
  g_assert_nonnull (rl_why_view_get_attributions (why, NULL));
  g_assert_null (ui_test_find_widget (key, is_label_containing, "No colours"));

  ui_test_destroy_window (window);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);
  ui_test_add ("/ui/errors/matrix-cell-open", test_errors_view);
  ui_test_add ("/ui/errors/figures-narrow", test_figures_narrow);
  ui_test_add ("/ui/errors/fashion", test_fashion);
  ui_test_add ("/ui/errors/why", test_why);
  ui_test_add ("/ui/errors/not-a-number", test_not_a_number);
  ui_test_add ("/ui/errors/why-not-a-number", test_why_not_a_number);
  ui_test_add ("/ui/errors/some-not-a-number", test_some_not_a_number);
  return ui_test_run ();
}
