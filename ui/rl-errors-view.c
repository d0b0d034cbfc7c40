#define G_LOG_DOMAIN "reslab-ui"

/* rl-errors-view.c: the Errors view (see rl-errors-view.h): the confusion matrix, precision
 * and recall, and a cell's images.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-widget-util.h"
#include "rl-errors-view.h"

#include <math.h>

#include "rl-evaluator.h"
#include "rl-paint-colour.h"

/* At most this many images of a cell are listed (a diagonal cell holds about a thousand). */
#define MAX_LISTED 240

struct _RlErrorsView
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget     *root;
  GtkWidget     *summary_label;
  GtkWidget     *matrix_area;
  GtkWidget     *cell_label;
  GtkFlowBox    *images_box;

  /* owned */
  RlPredictor   *predictor;
  gulong         model_changed_id;
  GCancellable  *cancellable;     /* the evaluation in flight */
  RlErrorReport *report;
  RlDataset     *test;
  uint32_t      *listed;          /* test-set indices of the images shown */
  guint          n_listed;
  int            sel_true, sel_pred;  /* -1: no cell selected */
  gboolean       sel_auto;        /* chosen by the view, not a click: follows a new report */
};

G_DEFINE_FINAL_TYPE (RlErrorsView, rl_errors_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_REPORT, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { OPEN_IMAGE, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- The matrix --------------------------------------------------------------------------- */

typedef struct {
  double x0, y0, cell;    /* the grid's origin and a cell's side */
} Geometry;

/* Whether the classes have names to write on the axes (Fashion-MNIST's), not digits. */
static gboolean
classes_named (RlErrorsView *self)
{
  return self->test != NULL && self->test->kind == RL_DATASET_FASHION;
}

/* Named classes take room: the rows' names left of the grid, the columns' slanted above it. */
#define NAMES_LEFT 124
#define NAMES_TOP  104
/* The recall's column: its middle, this far right of the grid (in the 78 pixels there). */
#define RECALL_X   38

static Geometry
matrix_geometry (RlErrorsView *self, int width, int height, int P)
{
  const gboolean named = classes_named (self);
  const double left = named ? NAMES_LEFT : 50, top = named ? NAMES_TOP : 46;
  const double right = 78, bottom = 34;
  const double side = MIN (width - left - right, height - top - bottom);
  Geometry g = { left, top, MAX (side, 10.0) / P };

  return g;
}

/* The classes' names (translated): each row's ends beside the grid, each column's rises
 * slanted from above its middle, so that long names fit narrow cells. */
static void
draw_class_names (GtkWidget *widget, cairo_t *cr, const Geometry *g, int P)
{
  for (int k = 0; k < P; k++)
    {
      const char *name = _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) k));

      rl_widget_draw_text (widget, cr, name, 13, g->x0 - 8, g->y0 + (k + 0.5) * g->cell, 1, 0.5);
      cairo_save (cr);
      cairo_translate (cr, g->x0 + (k + 0.5) * g->cell - 4, g->y0 - 8);
      cairo_rotate (cr, -G_PI / 4);
      rl_widget_draw_text (widget, cr, name, MIN (13.0, g->cell * 0.5), 0, 0, 0, 0.75);
      cairo_restore (cr);
    }
}

/* What the matrix writes for class @k's precision (under its column) or, with @recall, its
 * recall (right of its row): both alike, one decimal (rl_error_report_format_share), as a
 * reader compares them. Returns: (transfer full) */
static char *
figure_text (const RlErrorReport *r, gboolean recall, int k)
{
  return rl_error_report_format_share (recall ? rl_error_report_recall (r, k)
                                              : rl_error_report_precision (r, k));
}

/* The size the figures are written at, in pixels, precision and recall alike: 13, or smaller
 * where the widest precision would not fit its column with 3 pixels either side (at 800 x 600,
 * 10 or 11; Fashion-MNIST's named classes leave narrower columns). Text does not narrow in
 * proportion to its size (hinting): sizes are tried, not scaled. */
static double
figure_px (GtkWidget *widget, const RlErrorReport *r, const Geometry *g)
{
  g_autofree char *widest = NULL;
  double widest_width = 0.0, px = 13.0;

  for (int k = 0; k < r->n_classes; k++)
    {
      g_autofree char *text = figure_text (r, FALSE, k);
      double width = rl_widget_text_width (widget, text, px);

      if (width > widest_width)
        {
          g_free (widest);
          widest = g_steal_pointer (&text);
          widest_width = width;
        }
    }
  while (px > 6.0 && widest_width > g->cell - 6)
    {
      px -= 0.5;
      widest_width = rl_widget_text_width (widget, widest, px);
    }
  return px;
}

static void
draw_matrix (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  RlErrorsView *self = user_data;
  const RlErrorReport *r = self->report;
  const gboolean named = classes_named (self);
  GtkWidget *widget = GTK_WIDGET (area);
  double count_px, figure_size;
  GdkRGBA fg;
  uint32_t max_off = 0, max_diag = 0;
  Geometry g;
  int P;
  char buf[32];

  if (r == NULL)
    return;
  P = r->n_classes;
  g = matrix_geometry (self, width, height, P);
  rl_widget_get_color (self->matrix_area, &fg);
  for (int t = 0; t < P; t++)
    for (int p = 0; p < P; p++)
      {
        uint32_t *m = t == p ? &max_diag : &max_off;
        *m = MAX (*m, r->confusion[t * P + p]);
      }

  count_px = MIN (14.0, g.cell * 0.28);
  for (int t = 0; t < P; t++)
    for (int p = 0; p < P; p++)
      {
        const uint32_t n = r->confusion[t * P + p];
        const double x = g.x0 + p * g.cell, y = g.y0 + t * g.cell;
        double rgb[3], lum;

        rl_paint_count_colour (n, t == p ? max_diag : max_off, t == p, rgb);
        cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle (cr, x, y, g.cell, g.cell);
        cairo_fill (cr);
        if (n == 0)
          continue;
        lum = 0.3 * rgb[0] + 0.59 * rgb[1] + 0.11 * rgb[2];
        cairo_set_source_rgb (cr, lum < 0.55, lum < 0.55, lum < 0.55);
        g_snprintf (buf, sizeof buf, "%'u", n);
        rl_widget_draw_text (widget, cr, buf, count_px, x + g.cell / 2, y + g.cell / 2, 0.5, 0.5);
      }
  /* grid */
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.6);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i <= P; i++)
    {
      cairo_move_to (cr, round (g.x0 + i * g.cell) + 0.5, g.y0);
      cairo_line_to (cr, round (g.x0 + i * g.cell) + 0.5, g.y0 + P * g.cell);
      cairo_move_to (cr, g.x0, round (g.y0 + i * g.cell) + 0.5);
      cairo_line_to (cr, g.x0 + P * g.cell, round (g.y0 + i * g.cell) + 0.5);
    }
  cairo_stroke (cr);
  /* the selected cell; with the keyboard's focus, in the accent colour and dashed, as a focus
   * ring is drawn */
  if (self->sel_true >= 0)
    {
      if (gtk_widget_has_focus (self->matrix_area))
        {
          static const double dash[] = { 4.0, 2.0 };

          gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { 0.21, 0.52, 0.89, 1.0 });
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
        }
      else
        gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, g.x0 + self->sel_pred * g.cell + 1.5, g.y0 + self->sel_true * g.cell + 1.5,
                       g.cell - 3, g.cell - 3);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0.0);
    }
  /* labels: classes, precision under each column, recall right of each row */
  gdk_cairo_set_source_rgba (cr, &fg);
  if (named)
    draw_class_names (widget, cr, &g, P);
  figure_size = figure_px (widget, r, &g);
  for (int k = 0; k < P; k++)
    {
      g_autofree char *prec = NULL, *rec = NULL;

      if (!named)
        {
          g_snprintf (buf, sizeof buf, "%d", k);
          rl_widget_draw_text (widget, cr, buf, 13, g.x0 + (k + 0.5) * g.cell, g.y0 - 12, 0.5, 0.5);
          rl_widget_draw_text (widget, cr, buf, 13, g.x0 - 14, g.y0 + (k + 0.5) * g.cell, 0.5, 0.5);
        }
      /* precision under its column, recall right of its row: the unit in the heading, not
       * in every value */
      prec = figure_text (r, FALSE, k);
      rl_widget_draw_text (widget, cr, prec, figure_size, g.x0 + (k + 0.5) * g.cell,
                           g.y0 + P * g.cell + 14, 0.5, 0.5);
      rec = figure_text (r, TRUE, k);
      rl_widget_draw_text (widget, cr, rec, figure_size, g.x0 + P * g.cell + RECALL_X,
                           g.y0 + (k + 0.5) * g.cell, 0.5, 0.5);
    }
  rl_widget_draw_text (widget, cr, _("recall (%)"), 11, g.x0 + P * g.cell + RECALL_X, g.y0 - 12,
                       0.5, 0.5);
  rl_widget_draw_text (widget, cr, _("predicted class →"), 11, g.x0 + P * g.cell / 2,
                       g.y0 - (named ? 92 : 32), 0.5, 0.5);
  cairo_save (cr);
  cairo_translate (cr, g.x0 - (named ? NAMES_LEFT - 14 : 36), g.y0 + P * g.cell / 2);
  cairo_rotate (cr, -G_PI / 2);
  rl_widget_draw_text (widget, cr, _("← true class"), 11, 0, 0, 0.5, 0.5);
  cairo_restore (cr);
  rl_widget_draw_text (widget, cr, _("precision (%)"), 11, g.x0 + P * g.cell / 2,
                       g.y0 + P * g.cell + 28, 0.5, 0.5);
}

/* ---- The images of a cell ----------------------------------------------------------------- */

static GdkTexture *
digit_texture (const RlDataset *test, uint32_t index)
{
  const size_t side = test->w, n = side * test->h;
  const uint8_t *pix = test->images + (size_t) index * n;
  g_autofree guint8 *rgb = g_new (guint8, 3 * n);
  g_autoptr (GBytes) bytes = NULL;

  /* dark ink on white, as on paper and on the canvas */
  for (size_t i = 0; i < n; i++)
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (guint8) (255 - pix[i]);
  bytes = g_bytes_new_take (g_steal_pointer (&rgb), 3 * n);
  return gdk_memory_texture_new ((int) side, (int) test->h, GDK_MEMORY_R8G8B8, bytes, 3 * side);
}

static void
image_clicked_cb (GtkButton *button, gpointer user_data)
{
  RlErrorsView *self = user_data;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "rl-index"));

  g_signal_emit (self, signals[OPEN_IMAGE], 0, index);
}

static GtkWidget *
image_cell (RlErrorsView *self, uint32_t index)
{
  const RlErrorReport *r = self->report;
  g_autoptr (GdkTexture) tex = digit_texture (self->test, index);
  g_autofree char *percent = rl_format_probability (r->confidence[index], 0);
  g_autofree char *percent_tip = rl_format_probability (r->confidence[index], 1);
  /* Fashion's class numbers mean nothing to a reader, and every image listed is of the cell
   * the heading names: its confidence alone (the tooltip has the names) */
  /* a NaN or infinite logit made the probabilities NaN: "nan %" is no confidence */
  const gboolean nan = isnan (r->confidence[index]);
  g_autofree char *text =
    self->test->kind == RL_DATASET_FASHION
    ? (nan ? g_strdup (C_("probability", "NaN"))
    /* TRANSLATORS: a probability, "97 %"; ">99 %" and "<1 %" when rounding would say 100 or 0 */
           : g_strdup_printf (_("%s %%"), percent))
    : (nan ? g_strdup_printf (_("%u → %u\nNaN"), r->labels[index], r->predicted[index])
    /* TRANSLATORS: a test image's true class → the class read, then its probability */
           : g_strdup_printf (_("%u → %u\n%s %%"), r->labels[index], r->predicted[index],
                              percent));
  g_autofree char *tip = NULL;
  g_autofree char *alt = g_strdup_printf (_("Test image %u"), index);
  GtkWidget *cell = gtk_flow_box_child_new ();
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (tex));
  GtkWidget *label = gtk_label_new (text);

  if (self->test->kind == RL_DATASET_FASHION && nan)
    tip = g_strdup_printf (_("Test image %u: “%s”, read as “%s”; its probabilities are not "
                             "numbers (NaN). Click to open it in Draw."), index,
                           _(rl_dataset_class_name (RL_DATASET_FASHION, r->labels[index])),
                           _(rl_dataset_class_name (RL_DATASET_FASHION, r->predicted[index])));
  else if (nan)
    tip = g_strdup_printf (_("Test image %u: it is a %u, the model read it as a %u; its "
                             "probabilities are not numbers (NaN). Click to open it in Draw."),
                           index, r->labels[index], r->predicted[index]);
  else if (self->test->kind == RL_DATASET_FASHION)
    /* TRANSLATORS: the last %s is a probability, "97.3" or ">99.9" */
    tip = g_strdup_printf (_("Test image %u: “%s”, read as “%s” with %s %% confidence. Click "
                             "to open it in Draw."), index,
                           _(rl_dataset_class_name (RL_DATASET_FASHION, r->labels[index])),
                           _(rl_dataset_class_name (RL_DATASET_FASHION, r->predicted[index])),
                           percent_tip);
  else
    /* TRANSLATORS: the last %s is a probability, "97.3" or ">99.9" */
    tip = g_strdup_printf (_("Test image %u: it is a %u, the model read it as a %u with %s %% "
                             "confidence. Click to open it in Draw."),
                           index, r->labels[index], r->predicted[index], percent_tip);
  /* GTK 4.8 gives a picture's alternative text as its description, not its name */
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);
  gtk_widget_set_size_request (picture, 56, 56);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  g_object_set_data (G_OBJECT (button), "rl-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (image_clicked_cb), self);
  /* the grid's cell, which a screen reader announces before the button, says which image */
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (cell), button);
  /* one Tab an image, on the button: not first on the cell, which does nothing */
  gtk_widget_set_focusable (cell, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, alt, -1);
  return cell;
}

static void
clear_images (RlErrorsView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->images_box))) != NULL)
    gtk_flow_box_remove (self->images_box, child);
  g_clear_pointer (&self->listed, g_free);
  self->n_listed = 0;
}

/* What a cell of Fashion-MNIST holds, by its classes' names, as the matrix's axes write
 * them. Returns: (transfer full) */
static char *
fashion_cell_text (guint n, int t, int p)
{
  const char *truth = _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) t));
  const char *read = _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) p));

  if (n == 0)
    return g_strdup_printf (_("No test image of “%s” was read as “%s”."), truth, read);
  if (t == p)
    return g_strdup_printf (n > MAX_LISTED
                            ? _("%'u test images of “%s” were read right. The least confident "
                                "come first; only the first 240 are shown.")
                            : _("%'u test images of “%s” were read right. The least confident "
                                "come first."), n, truth);
  return g_strdup_printf (ngettext ("%'u test image of “%s” was read as “%s”. The most "
                                    "confident mistakes come first.",
                                    "%'u test images of “%s” were read as “%s”. The most "
                                    "confident mistakes come first.", n), n, truth, read);
}

/* What a cell says when @n_nan of its @n images have NaN probabilities (a NaN or infinite
 * logit; the report lists them last): all of them, a sentence of the count alone, which
 * replaces the cell's text (its order is no confidence's); some, a sentence to add. NULL when
 * there is none. Returns: (transfer full) (nullable) */
static char *
nan_cell_text (RlDatasetKind kind, guint n, guint n_nan, int t, int p)
{
  g_autofree char *count = NULL;
  const char *order;

  if (n_nan == 0)
    return NULL;
  if (n_nan < n)
    return g_strdup_printf (ngettext ("The probabilities of %'u of them are not numbers (NaN): "
                                      "it comes last.",
                                      "The probabilities of %'u of them are not numbers (NaN): "
                                      "they come last.", n_nan), n_nan);
  if (kind == RL_DATASET_FASHION)
    {
      const char *truth = _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) t));
      const char *read = _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) p));

      count = t == p
              ? g_strdup_printf (ngettext ("%'u test image of “%s” was read right.",
                                           "%'u test images of “%s” were read right.", n),
                                 n, truth)
              : g_strdup_printf (ngettext ("%'u test image of “%s” was read as “%s”.",
                                           "%'u test images of “%s” were read as “%s”.", n),
                                 n, truth, read);
    }
  else
    count = t == p
            ? g_strdup_printf (ngettext ("%'u test image is a %d and was read as a %d.",
                                         "%'u test images are a %d and were read as a %d.", n),
                               n, t, p)
            : g_strdup_printf (ngettext ("%'u test image is a %d but the model read it as a %d.",
                                         "%'u test images are a %d but the model read them as "
                                         "a %d.", n), n, t, p);
  order = n > MAX_LISTED
          ? _("Their probabilities are not numbers (NaN): they come in the test set’s order; "
              "only the first 240 are shown.")
          : _("Their probabilities are not numbers (NaN): they come in the test set’s order.");
  /* TRANSLATORS: two sentences, one after the other */
  return g_strdup_printf (_("%s %s"), count, order);
}

static void
list_cell (RlErrorsView *self)
{
  const RlErrorReport *r = self->report;
  const int t = self->sel_true, p = self->sel_pred;
  g_autofree uint32_t *idx = NULL;
  g_autofree char *text = NULL;
  g_autofree char *nan_text = NULL;
  guint n = 0, n_nan = 0;

  clear_images (self);
  gtk_widget_queue_draw (self->matrix_area);
  if (r == NULL || self->test == NULL || t < 0)
    return;
  idx = rl_error_report_cell (r, t, p, &n);
  for (guint i = 0; i < n; i++)
    n_nan += isnan (r->confidence[idx[i]]);
  if (t == p && n - n_nan > 1)
    {
      /* right answers: the least confident are the interesting ones (those with NaN
       * probabilities, last in the list, stay last) */
      const guint m = n - n_nan;

      for (guint i = 0; i < m / 2; i++)
        {
          uint32_t tmp = idx[i];
          idx[i] = idx[m - 1 - i];
          idx[m - 1 - i] = tmp;
        }
    }
  nan_text = nan_cell_text (self->test->kind, n, n_nan, t, p);
  if (nan_text != NULL && n_nan == n)
    text = g_steal_pointer (&nan_text);
  else if (self->test->kind == RL_DATASET_FASHION)
    text = fashion_cell_text (n, t, p);
  else if (n == 0)
    text = g_strdup_printf (_("No test image is a %d read as a %d."), t, p);
  else if (t == p)
    text = g_strdup_printf (n > MAX_LISTED
                            ? _("%'u test images are a %d and were read as a %d. The least confident come first; only the first 240 are shown.")
                            : _("%'u test images are a %d and were read as a %d. The least confident come first."), n, t, p);
  else
    text = g_strdup_printf (ngettext ("%'u test image is a %d but the model read it as a %d. The most confident mistakes come first.",
                            "%'u test images are a %d but the model read them as a %d. The most confident mistakes come first.", n),
                            n, t, p);
  if (nan_text != NULL)
    {
      char *sentences = g_strdup_printf (_("%s %s"), text, nan_text);

      g_free (text);
      text = sentences;
    }
  if (self->sel_auto && t != p)
    {
      /* "The model's commonest mistake: 12 test images are a 4 but the model read them as a 9." */
      char *sentence = g_steal_pointer (&text);

      text = g_strdup_printf (_("The model’s commonest mistake: %s"), sentence);
      g_free (sentence);
    }
  gtk_label_set_text (GTK_LABEL (self->cell_label), text);
  /* what a screen reader says of the matrix as the arrows move: the cell chosen */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->matrix_area),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);

  self->n_listed = MIN (n, MAX_LISTED);
  self->listed = g_steal_pointer (&idx);
  for (guint i = 0; i < self->n_listed; i++)
    gtk_flow_box_append (self->images_box, image_cell (self, self->listed[i]));
}

static void
matrix_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
  RlErrorsView *self = user_data;
  Geometry g;
  int P, row, col;

  (void) gesture;
  (void) n_press;
  if (self->report == NULL)
    return;
  P = self->report->n_classes;
  g = matrix_geometry (self, gtk_widget_get_width (self->matrix_area),
                       gtk_widget_get_height (self->matrix_area), P);
  /* then the arrows go on from the cell clicked */
  gtk_widget_grab_focus (self->matrix_area);
  col = (int) floor ((x - g.x0) / g.cell);
  row = (int) floor ((y - g.y0) / g.cell);
  if (row < 0 || row >= P || col < 0 || col >= P)
    return;
  rl_errors_view_select_cell (self, row, col);
}

/* ---- Evaluation --------------------------------------------------------------------------- */

/* Before any click, the fullest off-diagonal cell is chosen, so that the view opens on the
 * model's commonest mistake rather than on an empty half; the first in reading order on a tie.
 * A model that gets every test image right leaves nothing selected. */
static void
select_commonest_mistake (RlErrorsView *self)
{
  const RlErrorReport *r = self->report;
  const int P = r->n_classes;
  uint32_t most = 0;

  self->sel_true = self->sel_pred = -1;
  self->sel_auto = TRUE;
  for (int t = 0; t < P; t++)
    for (int p = 0; p < P; p++)
      if (t != p && r->confusion[t * P + p] > most)
        {
          most = r->confusion[t * P + p];
          self->sel_true = t;
          self->sel_pred = p;
        }
}

static void
show_summary (RlErrorsView *self)
{
  const RlErrorReport *r = self->report;
  g_autofree char *text = NULL;

  text = g_strdup_printf (_("Test accuracy %.2f %%: %'u of %'u test images right, %'u wrong."),
                          100.0 * r->correct / MAX (r->n, 1u), r->correct, r->n,
                          r->n - r->correct);
  gtk_label_set_text (GTK_LABEL (self->summary_label), text);
}

static void
evaluated_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = NULL;
  RlErrorReport *r = rl_evaluator_run_finish (result, &test, &error);
  RlErrorsView *self;

  (void) source;
  if (r == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* a newer request, or the view is gone */
  self = RL_ERRORS_VIEW (user_data);
  if (r == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The test set could not be evaluated: %s"),
                                               error->message);
      gtk_label_set_text (GTK_LABEL (self->summary_label), text);
      return;
    }
  g_clear_pointer (&self->report, rl_error_report_unref);
  g_clear_pointer (&self->test, rl_dataset_unref);
  self->report = r;
  self->test = g_steal_pointer (&test);
  show_summary (self);
  if (self->sel_true < 0 || self->sel_auto || self->sel_true >= r->n_classes
      || self->sel_pred >= r->n_classes)
    select_commonest_mistake (self);
  list_cell (self);
  gtk_widget_queue_draw (self->matrix_area);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

void
rl_errors_view_refresh (RlErrorsView *self)
{
  RlModel *model;

  g_return_if_fail (RL_IS_ERRORS_VIEW (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  model = self->predictor != NULL ? rl_predictor_get_model (self->predictor) : NULL;
  if (model == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  if (self->report == NULL)
    gtk_label_set_text (GTK_LABEL (self->summary_label),
                        _("Evaluating the model on the test set…"));
  /* the callback holds no reference: a cancelled request returns before touching the view,
   * and dispose cancels the one in flight */
  rl_evaluator_run_async (model, rl_predictor_get_kind (self->predictor), self->cancellable,
                          evaluated_cb, self);
}

static void
model_changed_cb (RlPredictor *predictor, gpointer user_data)
{
  (void) predictor;
  rl_errors_view_refresh (RL_ERRORS_VIEW (user_data));
}

void
rl_errors_view_set_predictor (RlErrorsView *self, RlPredictor *predictor)
{
  g_return_if_fail (RL_IS_ERRORS_VIEW (self));

  if (self->predictor != NULL)
    g_clear_signal_handler (&self->model_changed_id, self->predictor);
  g_set_object (&self->predictor, predictor);
  if (predictor != NULL)
    {
      self->model_changed_id = g_signal_connect (predictor, "model-changed",
                                                 G_CALLBACK (model_changed_cb), self);
      rl_errors_view_refresh (self);
    }
}

RlErrorReport *
rl_errors_view_get_report (RlErrorsView *self)
{
  g_return_val_if_fail (RL_IS_ERRORS_VIEW (self), NULL);
  return self->report;
}

void
rl_errors_view_select_cell (RlErrorsView *self, int true_k, int pred_k)
{
  g_return_if_fail (RL_IS_ERRORS_VIEW (self));
  g_return_if_fail (self->report != NULL);
  g_return_if_fail (true_k >= 0 && true_k < self->report->n_classes);
  g_return_if_fail (pred_k >= 0 && pred_k < self->report->n_classes);

  self->sel_true = true_k;
  self->sel_pred = pred_k;
  self->sel_auto = FALSE;
  list_cell (self);
}

void
rl_errors_view_get_selected_cell (RlErrorsView *self,
                                  int          *true_k,
                                  int          *pred_k)
{
  g_return_if_fail (RL_IS_ERRORS_VIEW (self));

  if (true_k != NULL)
    *true_k = self->sel_true;
  if (pred_k != NULL)
    *pred_k = self->sel_pred;
}

/* errors.move (ii): the arrow keys on the focused matrix move the selection by (rows, columns),
 * staying inside; with nothing selected, the first cell. */
static void
move_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RlErrorsView *self = RL_ERRORS_VIEW (widget);
  int P, dt, dp;

  if (self->report == NULL)
    return;
  P = self->report->n_classes;
  g_variant_get (parameter, "(ii)", &dt, &dp);
  if (self->sel_true < 0)
    rl_errors_view_select_cell (self, 0, 0);
  else
    rl_errors_view_select_cell (self, CLAMP (self->sel_true + dt, 0, P - 1),
                                CLAMP (self->sel_pred + dp, 0, P - 1));
}

guint
rl_errors_view_get_n_listed (RlErrorsView *self)
{
  g_return_val_if_fail (RL_IS_ERRORS_VIEW (self), 0);
  return self->n_listed;
}

guint
rl_errors_view_get_listed (RlErrorsView *self, guint i)
{
  g_return_val_if_fail (RL_IS_ERRORS_VIEW (self) && i < self->n_listed, 0);
  return self->listed[i];
}

void
rl_errors_view_open_listed (RlErrorsView *self, guint i)
{
  GtkWidget *child;

  g_return_if_fail (RL_IS_ERRORS_VIEW (self) && i < self->n_listed);
  child = GTK_WIDGET (gtk_flow_box_get_child_at_index (self->images_box, (int) i));
  g_return_if_fail (child != NULL);
  /* the button, as a click would: "clicked" */
  g_signal_emit_by_name (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)), "clicked");
}

char *
rl_errors_view_get_figure (RlErrorsView *self, gboolean recall, int k, double *px, double *width,
                           double *room)
{
  char *text;
  double size;
  Geometry g;

  g_return_val_if_fail (RL_IS_ERRORS_VIEW (self), NULL);
  if (self->report == NULL)
    return NULL;
  g_return_val_if_fail (k >= 0 && k < self->report->n_classes, NULL);
  g = matrix_geometry (self, gtk_widget_get_width (self->matrix_area),
                       gtk_widget_get_height (self->matrix_area), self->report->n_classes);
  text = figure_text (self->report, recall, k);
  size = figure_px (self->matrix_area, self->report, &g);
  if (px != NULL)
    *px = size;
  if (width != NULL)
    *width = rl_widget_text_width (self->matrix_area, text, size);
  if (room != NULL)
    *room = recall ? 2 * RECALL_X : g.cell;
  return text;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_errors_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RlErrorsView *self = RL_ERRORS_VIEW (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_pointer (value, self->report);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_errors_view_dispose (GObject *object)
{
  RlErrorsView *self = RL_ERRORS_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  rl_errors_view_set_predictor (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_ERRORS_VIEW);

  G_OBJECT_CLASS (rl_errors_view_parent_class)->dispose (object);
}

static void
rl_errors_view_finalize (GObject *object)
{
  RlErrorsView *self = RL_ERRORS_VIEW (object);

  g_clear_pointer (&self->report, rl_error_report_unref);
  g_clear_pointer (&self->test, rl_dataset_unref);
  g_clear_pointer (&self->listed, g_free);

  G_OBJECT_CLASS (rl_errors_view_parent_class)->finalize (object);
}

static void
rl_errors_view_class_init (RlErrorsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_errors_view_get_property;
  object_class->dispose = rl_errors_view_dispose;
  object_class->finalize = rl_errors_view_finalize;

  properties[PROP_REPORT] =
    g_param_spec_pointer ("report", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RlErrorsView::open-image:
   * @index: the image's index in the test set
   *
   * The user asked to open a test image in Draw.
   */
  signals[OPEN_IMAGE] = g_signal_new ("open-image", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-errors-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlErrorsView, root);
  gtk_widget_class_bind_template_child (widget_class, RlErrorsView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, RlErrorsView, matrix_area);
  gtk_widget_class_install_action (widget_class, "errors.move", "(ii)", move_activated);
  gtk_widget_class_bind_template_child (widget_class, RlErrorsView, cell_label);
  gtk_widget_class_bind_template_child (widget_class, RlErrorsView, images_box);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlerrorsview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rl_errors_view_init (RlErrorsView *self)
{
  static const struct { guint key; int dt, dp; } arrows[] = {
    { GDK_KEY_Left, 0, -1 }, { GDK_KEY_Right, 0, 1 }, { GDK_KEY_Up, -1, 0 }, { GDK_KEY_Down, 1, 0 },
  };
  GtkGesture *click;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->sel_true = self->sel_pred = -1;
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->matrix_area), draw_matrix, self, NULL);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (matrix_pressed_cb), self);
  gtk_widget_add_controller (self->matrix_area, GTK_EVENT_CONTROLLER (click));

  /* the keyboard: Tab reaches the matrix, the arrows move from cell to cell; Tab again goes on
   * to the cell's images */
  gtk_widget_set_focusable (self->matrix_area, TRUE);
  g_signal_connect_swapped (self->matrix_area, "notify::has-focus",
                            G_CALLBACK (gtk_widget_queue_draw), self->matrix_area);
  keys = gtk_shortcut_controller_new ();
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (arrows[i].key, 0),
                                                gtk_named_action_new ("errors.move"));

      gtk_shortcut_set_arguments (shortcut, g_variant_new ("(ii)", arrows[i].dt, arrows[i].dp));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), shortcut);
    }
  gtk_widget_add_controller (self->matrix_area, keys);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->matrix_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Confusion matrix: true class by row, predicted class by column"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->images_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Test images of the chosen cell"), -1);
  rl_view_init_accessible (GTK_WIDGET (self), _("Which digits the model gets wrong"));
}
