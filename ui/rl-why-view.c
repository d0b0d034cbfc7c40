#define G_LOG_DOMAIN "reslab-ui"

/* rl-why-view.c: Draw's "Why?" (see rl-why-view.h): the attribution of the prediction, or of
 * the class asked about, computed with the method chosen and painted over the input; its legend
 * and sentence, in a widget of their own that the Draw view puts under the input
 * (rl_why_view_get_key).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-widget-util.h"
#include "rl-why-view.h"

#include <math.h>

#include "rl-paint-colour.h"
#include "rl-train.h"

#define SIDE 28

struct _RlWhyView
{
  GtkWidget parent_instance;

  /* child widgets */
  GtkWidget   *box;
  GtkWidget   *toggle;
  GtkWidget   *method_drop;
  GtkWidget   *class_drop;
  GtkWidget   *details;        /* a revealer, open while on: the class. Closed it keeps
                                * its width, so that the columns of the Draw view do not
                                * move when Why? is pressed. */
  GtkWidget   *legend;         /* in key */
  GtkWidget   *sentence;       /* in key */

  /* owned */
  GtkWidget   *key;            /* a revealer, open while on: the legend and the sentence,
                                * placed by the Draw view (a reference: not our child) */
  RlPredictor *predictor;
  gulong       updated_id, model_changed_id;
  RlExplainer *explainer;      /* for the predictor's model's arch */
  RlDatasetKind classes;       /* what class_drop lists: digits, or Fashion-MNIST's names */
  float        attr[SIDE * SIDE];
  float        attr_max;
  gboolean     have_attr;
  gboolean     not_numbers;    /* the method's scores were NaN: no attr, and a sentence why */
  int          explained;      /* the class of attr */
};

G_DEFINE_FINAL_TYPE (RlWhyView, rl_why_view, GTK_TYPE_WIDGET)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The sentence under the legend for a Fashion-MNIST model, by the classes' names.
 * Returns: (transfer full) */
static char *
fashion_sentence (RlWhyView *self)
{
  const char *name = _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) self->explained));

  if (self->explained == rl_predictor_get_prediction (self->predictor))
    return g_strdup_printf (_("Red pixels pushed the model towards “%s”, its answer; blue "
                              "pixels pushed it away."), name);
  return g_strdup_printf (_("Red pixels speak for “%s”, blue ones against it: less ink on the "
                            "blue would make it more of one."), name);
}

static void
compute (RlWhyView *self)
{
  RlModel *model;
  RlExplainMethod method;
  float input[SIDE * SIDE], logits[16], blank, zero = 0.0f;
  int k, c, h, w;
  guint sel;

  self->have_attr = FALSE;
  self->not_numbers = FALSE;
  if (!rl_why_view_get_active (self) || self->predictor == NULL
      || !rl_predictor_has_input (self->predictor)
      || (model = rl_predictor_get_model (self->predictor)) == NULL)
    goto done;
  rl_model_get_input_shape (model, &c, &h, &w);
  if (c != 1 || h != SIDE || w != SIDE || rl_model_get_n_classes (model) > 16)
    goto done;
  if (self->explainer == NULL)
    self->explainer = rl_explainer_new (model, RL_EXPLAIN_IG_STEPS_DEFAULT);

  rl_dataset_normalise_floats (NULL, rl_predictor_get_kind (self->predictor),
                               rl_predictor_get_image (self->predictor), SIDE * SIDE, input);
  rl_dataset_normalise_floats (NULL, rl_predictor_get_kind (self->predictor), &zero, 1, &blank);
  method = (RlExplainMethod) gtk_drop_down_get_selected (GTK_DROP_DOWN (self->method_drop));
  sel = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->class_drop));
  k = sel == 0 || sel == GTK_INVALID_LIST_POSITION ? rl_predictor_get_prediction (self->predictor)
                                                   : (int) sel - 1;
  if (k < 0 || k >= rl_model_get_n_classes (model))
    goto done;
  if (!rl_explainer_run (self->explainer, model, method, input, blank, k,
                         RL_EXPLAIN_IG_STEPS_DEFAULT, self->attr, logits, NULL))
    {
      self->not_numbers = TRUE;
      goto done;
    }
  self->attr_max = 0.0f;
  for (int i = 0; i < SIDE * SIDE; i++)
    self->attr_max = MAX (self->attr_max, fabsf (self->attr[i]));
  self->explained = k;
  self->have_attr = TRUE;

done:
  if (self->have_attr)
    {
      g_autofree char *text = NULL;
      if (rl_predictor_get_kind (self->predictor) == RL_DATASET_FASHION)
        text = fashion_sentence (self);
      else if (self->explained == rl_predictor_get_prediction (self->predictor))
        /* short: four lines at most under the input image, a quarter of an 800 px window
         * wide; the legend above says that a stronger colour is a stronger push */
        text = g_strdup_printf (_("Red pixels pushed the model towards a %d, its answer; blue "
                                  "pixels pushed it away."), self->explained);
      else
        /* what all three methods say: taking the blue ink away raises the class's score
         * (occlusion measures just that; the gradient methods to first order). "More ink on
         * the red" was the gradient's alone. */
        text = g_strdup_printf (_("Red pixels speak for a %d, blue ones against it: less ink on "
                                  "the blue would make it more of one."), self->explained);
      gtk_label_set_text (GTK_LABEL (self->sentence), text);
    }
  else if (self->not_numbers)
    /* NaN or overflowing weights: colours painted from such attributions would say something
     * untrue */
    gtk_label_set_text (GTK_LABEL (self->sentence),
                        _("No colours: what this method weighs is not a finite number (NaN or "
                          "infinite) for this model, so no pixel can be said to push it either "
                          "way."));
  else if (self->predictor != NULL
           && rl_predictor_get_kind (self->predictor) == RL_DATASET_FASHION)
    /* as the canvas asks for them: a Fashion-MNIST model reads no digit */
    gtk_label_set_text (GTK_LABEL (self->sentence),
                        _("Draw clothing, a shoe or a bag, or pick a test image, to see why the "
                          "model reads it as it does."));
  else
    gtk_label_set_text (GTK_LABEL (self->sentence),
                        _("Draw a digit, or pick a test image, to see why the model reads it "
                        "as it does."));
  gtk_widget_queue_draw (self->legend);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Each of the network's SIDE x SIDE pixels in its attribution colour (alpha times @alpha), as a
 * @px square, or, with @map, over the part of the @ink_w x @ink_h drawing it was resampled from
 * (in the unit square). */
static void
paint_cells (RlWhyView *self, cairo_t *cr, double px, double alpha, const RlPreprocessMap *map,
             int ink_w, int ink_h)
{
  for (int r = 0; r < SIDE; r++)
    for (int c = 0; c < SIDE; c++)
      {
        double rgba[4];

        rl_paint_attr_colour (self->attr[r * SIDE + c], self->attr_max, rgba);
        if (rgba[3] <= 0.0)
          continue;
        cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], alpha * rgba[3]);
        if (map != NULL)
          cairo_rectangle (cr, (map->x0 + (c - map->ox) * map->sx) / ink_w,
                           (map->y0 + (r - map->oy) * map->sy) / ink_h, map->sx / ink_w,
                           map->sy / ink_h);
        else
          cairo_rectangle (cr, c * px, r * px, px, px);
        cairo_fill (cr);
      }
}

void
rl_why_view_paint (RlWhyView *self, cairo_t *cr, double side)
{
  g_return_if_fail (RL_IS_WHY_VIEW (self));
  if (!self->have_attr || !rl_why_view_get_active (self))
    return;
  /* the digit dimmed, so that the colours are not washed out by its white ink */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
  cairo_rectangle (cr, 0, 0, side, side);
  cairo_fill (cr);
  paint_cells (self, cr, side / SIDE, 1.0, NULL, 0, 0);
}

void
rl_why_view_paint_on_canvas (RlWhyView *self, cairo_t *cr)
{
  RlPreprocessMap map;
  int ink_w, ink_h;
  gboolean mapped;

  g_return_if_fail (RL_IS_WHY_VIEW (self));
  if (!self->have_attr || !rl_why_view_get_active (self) || self->predictor == NULL)
    return;

  /* A drawing: each of the network's 28 x 28 pixels goes back over the part of the drawing it
   * was resampled from (the preprocessing's map, rl-preprocess.h), in the unit square the
   * canvas hands over. A test image fills the square, one field pixel to 1/28 of it. */
  mapped = rl_predictor_get_ink_map (self->predictor, &map, &ink_w, &ink_h);
  paint_cells (self, cr, 1.0 / SIDE, 0.8, mapped ? &map : NULL, ink_w, ink_h);
}

static void
draw_legend (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  GdkRGBA fg;
  const double bar_h = 10;

  (void) user_data;
  for (int i = 0; i < width; i++)
    {
      double rgba[4];
      rl_paint_attr_colour ((float) (2.0 * i / MAX (width - 1, 1) - 1.0), 1.0f, rgba);
      /* over the dimmed ink of the preview: white at 45 % */
      cairo_set_source_rgb (cr, 0.45 + rgba[3] * (rgba[0] - 0.45), 0.45 + rgba[3] * (rgba[1] - 0.45),
                            0.45 + rgba[3] * (rgba[2] - 0.45));
      cairo_rectangle (cr, i, 0, 1, bar_h);
      cairo_fill (cr);
    }
  rl_widget_get_color (GTK_WIDGET (area), &fg);
  gdk_cairo_set_source_rgba (cr, &fg);
  rl_widget_draw_text (GTK_WIDGET (area), cr, C_("attribution", "against"), 11, 0, height, 0, 1);
  rl_widget_draw_text (GTK_WIDGET (area), cr, C_("attribution", "none"), 11, width / 2.0, height,
                       0.5, 1);
  rl_widget_draw_text (GTK_WIDGET (area), cr, C_("attribution", "towards"), 11, width, height,
                       1, 1);
}

static void
predictor_updated_cb (RlPredictor *predictor, RlWhyView *self)
{
  (void) predictor;
  compute (self);
}

/* "Its answer", then the classes of the predictor's dataset: "a 0" … "a 9", or Fashion-MNIST's
 * names. The choice stays on its number. */
static void
list_classes (RlWhyView *self)
{
  RlDatasetKind kind = self->predictor != NULL ? rl_predictor_get_kind (self->predictor)
                                               : RL_DATASET_MNIST;
  const char * const digits[] = { _("Its answer"), _("a 0"), _("a 1"), _("a 2"), _("a 3"),
                                  _("a 4"), _("a 5"), _("a 6"), _("a 7"), _("a 8"), _("a 9"),
                                  NULL };
  const char *names[12] = { _("Its answer") };
  g_autoptr (GtkStringList) list = NULL;
  guint sel;

  if (self->class_drop != NULL && kind == self->classes)
    return;
  self->classes = kind;
  for (uint32_t k = 0; k < 10; k++)
    names[k + 1] = _(rl_dataset_class_name (RL_DATASET_FASHION, k));
  list = gtk_string_list_new (kind == RL_DATASET_FASHION ? names : digits);
  if (self->class_drop == NULL)
    {
      self->class_drop = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL);
      return;
    }
  sel = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->class_drop));
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->class_drop), G_LIST_MODEL (list));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->class_drop), sel);
}

static void
model_changed_cb (RlPredictor *predictor, RlWhyView *self)
{
  (void) predictor;
  g_clear_pointer (&self->explainer, rl_explainer_free);
  list_classes (self);
}

static void
setting_changed_cb (GObject *object, GParamSpec *pspec, RlWhyView *self)
{
  (void) object;
  (void) pspec;
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->details), rl_why_view_get_active (self));
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->key), rl_why_view_get_active (self));
  compute (self);
}

void
rl_why_view_set_predictor (RlWhyView *self, RlPredictor *predictor)
{
  g_return_if_fail (RL_IS_WHY_VIEW (self));

  if (self->predictor != NULL)
    {
      g_clear_signal_handler (&self->updated_id, self->predictor);
      g_clear_signal_handler (&self->model_changed_id, self->predictor);
    }
  g_clear_pointer (&self->explainer, rl_explainer_free);
  g_set_object (&self->predictor, predictor);
  if (predictor != NULL)
    {
      self->updated_id = g_signal_connect (predictor, "updated",
                                           G_CALLBACK (predictor_updated_cb), self);
      self->model_changed_id = g_signal_connect (predictor, "model-changed",
                                                 G_CALLBACK (model_changed_cb), self);
    }
  list_classes (self);
  compute (self);
}

void
rl_why_view_set_active (RlWhyView *self, gboolean active)
{
  g_return_if_fail (RL_IS_WHY_VIEW (self));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->toggle), active);
}

gboolean
rl_why_view_get_active (RlWhyView *self)
{
  g_return_val_if_fail (RL_IS_WHY_VIEW (self), FALSE);
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->toggle));
}

void
rl_why_view_set_method (RlWhyView *self, RlExplainMethod method)
{
  g_return_if_fail (RL_IS_WHY_VIEW (self));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->method_drop), (guint) method);
}

void
rl_why_view_set_class (RlWhyView *self, int k)
{
  g_return_if_fail (RL_IS_WHY_VIEW (self) && k >= -1 && k <= 9);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->class_drop), (guint) (k + 1));
}

GtkWidget *
rl_why_view_get_key (RlWhyView *self)
{
  g_return_val_if_fail (RL_IS_WHY_VIEW (self), NULL);
  return self->key;
}

const float *
rl_why_view_get_attributions (RlWhyView *self, int *k)
{
  g_return_val_if_fail (RL_IS_WHY_VIEW (self), NULL);
  if (!self->have_attr)
    return NULL;
  if (k != NULL)
    *k = self->explained;
  return self->attr;
}

static void
rl_why_view_dispose (GObject *object)
{
  RlWhyView *self = RL_WHY_VIEW (object);

  /* not rl_why_view_set_predictor (NULL): nothing is repainted while being disposed */
  if (self->predictor != NULL)
    {
      g_clear_signal_handler (&self->updated_id, self->predictor);
      g_clear_signal_handler (&self->model_changed_id, self->predictor);
    }
  g_clear_object (&self->predictor);
  g_clear_pointer (&self->explainer, rl_explainer_free);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->key);
  G_OBJECT_CLASS (rl_why_view_parent_class)->dispose (object);
}

static void
rl_why_view_class_init (RlWhyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_why_view_dispose;

  /**
   * RlWhyView::changed:
   *
   * The attributions changed (or were turned off): repaint what shows them.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlwhyview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rl_why_view_init (RlWhyView *self)
{
  const char * const methods[] = { _("Gradient × input"), _("Integrated gradients"),
                                          _("Occlusion"), NULL };
  GtkWidget *row, *label, *details, *key;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->toggle = gtk_toggle_button_new_with_mnemonic (_("_Why?"));
  gtk_widget_set_tooltip_text (self->toggle, _("Colour the pixels of the input by how much they "
                                             "pushed the model towards its answer or away"));
  self->method_drop = gtk_drop_down_new_from_strings (methods);
  gtk_widget_set_tooltip_text (self->method_drop, _("Gradient × input follows the pen; integrated "
                               "gradients are steadier; occlusion hides 4 × 4 patches and "
                               "watches the probability drop"));
  gtk_widget_set_hexpand (self->method_drop, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->method_drop),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Attribution method"), -1);
  gtk_box_append (GTK_BOX (row), self->toggle);
  gtk_box_append (GTK_BOX (row), self->method_drop);
  gtk_box_append (GTK_BOX (self->box), row);

  details = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* TRANSLATORS: before a drop-down of "Its answer", "a 0" … "a 9": which class the colours
   * push towards (the legend's red end). Short: the column is a quarter of an 800 px window. */
  label = gtk_label_new_with_mnemonic (_("_Towards"));
  list_classes (self);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->class_drop);
  gtk_widget_set_tooltip_text (self->class_drop, _("Pick another class to see what would make "
                               "the drawing more like it"));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), self->class_drop);
  gtk_box_append (GTK_BOX (details), row);
  self->details = gtk_revealer_new ();
  gtk_revealer_set_transition_type (GTK_REVEALER (self->details),
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (GTK_REVEALER (self->details), details);
  gtk_box_append (GTK_BOX (self->box), self->details);

  /* The legend and the sentence say what the colours on the input mean: under the input they
   * are read with it, and the prediction's column keeps room for the Model line at 800 x 600. */
  key = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_top (key, 8);   /* inside the revealer: no gap while Why? is off */
  self->legend = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->legend), 26);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->legend), draw_legend, self, NULL);
  gtk_box_append (GTK_BOX (key), self->legend);

  self->sentence = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->sentence), TRUE);
  /* as wide as the input above it: no wider a column for a long sentence */
  gtk_label_set_max_width_chars (GTK_LABEL (self->sentence), 24);
  gtk_label_set_xalign (GTK_LABEL (self->sentence), 0);
  gtk_widget_add_css_class (self->sentence, "caption");
  gtk_box_append (GTK_BOX (key), self->sentence);
  self->key = g_object_ref_sink (gtk_revealer_new ());
  gtk_revealer_set_transition_type (GTK_REVEALER (self->key),
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (GTK_REVEALER (self->key), key);

  g_signal_connect (self->toggle, "notify::active", G_CALLBACK (setting_changed_cb), self);
  rl_view_init_accessible (GTK_WIDGET (self), _("Why the network reads the drawing as it does"));
  g_signal_connect (self->method_drop, "notify::selected", G_CALLBACK (setting_changed_cb), self);
  g_signal_connect (self->class_drop, "notify::selected", G_CALLBACK (setting_changed_cb), self);
}
