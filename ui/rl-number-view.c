#define G_LOG_DOMAIN "reslab-ui"

/* rl-number-view.c: the Number view (rl-number-view.h). The strokes are rendered to ink at
 * RL_NUMBER_VIEW_INK_HEIGHT pixels high and read by rl_read_number (0.6 ms for a number, plus
 * the render): cheap enough to follow the pen, throttled so that a long stroke does not read
 * on every point. The reading's boxes are in ink pixels; an overlay over the canvas draws them
 * in the canvas' drawing area. A picture of a number (rl_number_view_show_picture), levelled
 * and fitted into the same ink image, is shown on the canvas and read the same way, until a
 * stroke or Clear replaces it.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "rl-number-view.h"

#include "rl-errors.h"
#include "rl-widget-util.h"

/* A digit read with less confidence than this is boxed as doubtful. */
#define DOUBTFUL 0.6f
/* Side of a digit's 28 x 28 image in the strip under the number. */
#define DIGIT_SIDE 56
/* Digits that fit the number's column at its large size; a longer number is set smaller. */
#define LONG_NUMBER 6

struct _RlNumberView
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget    *root;
  RlCanvas     *canvas;
  GtkWidget    *boxes_area;
  GtkWidget    *number_label;
  GtkWidget    *summary_label;
  GtkWidget    *digits_scroller;
  GtkWidget    *digits_box;

  /* owned */
  RlPredictor  *predictor;
  GSignalGroup *predictor_signals;
  RlReading    *reading;         /* the last reading; nullable */
  int           ink_width;       /* the ink image the reading's boxes refer to */
  int           ink_height;
  float        *image_ink;       /* an opened picture as ink (ink_width x ink_height), or NULL */
  char         *image_name;      /* its file's name, or NULL */
  gboolean      dirty;           /* the strokes or the model changed since the reading */
  guint         throttle_id;     /* a reading waiting while a stroke is drawn, or 0 */
};

G_DEFINE_FINAL_TYPE (RlNumberView, rl_number_view, GTK_TYPE_WIDGET)

/* ---- showing a reading -------------------------------------------------------------------- */

/* A NaN or infinite logit makes every probability of the digit NaN (its class is still the one
 * torch.argmax gives): no percentage to show, and no reading to be sure of. */
static gboolean
is_doubtful (const RlReadDigit *digit)
{
  return isnan (digit->confidence) || digit->confidence < DOUBTFUL;
}

/* One digit as the network saw it, with what it was read as. */
static GtkWidget *
digit_card_new (const RlReadDigit *digit,
                guint              index)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *value = g_strdup_printf ("%d", digit->digit);
  g_autofree char *sure = NULL;
  g_autofree char *name = NULL;
  GtkWidget *label;

  if (isnan (digit->confidence))
    {
      /* TRANSLATORS: a probability that is not a number */
      sure = g_strdup (C_("probability", "NaN"));
      name = g_strdup_printf (_("Digit %u as the network sees it: read as %d; its probabilities"
                                " are not numbers"), index + 1, digit->digit);
    }
  else
    {
      g_autofree char *percent = rl_format_probability (digit->confidence, 0);

      /* TRANSLATORS: a digit's probability, "97 %"; ">99 %" and "<1 %" when rounding would
       * say 100 or 0 */
      sure = g_strdup_printf (_("%s %%"), percent);
      /* TRANSLATORS: for a screen reader; the last %s is a probability as above, "97" or
       * ">99" */
      name = g_strdup_printf (_("Digit %u as the network sees it: read as %d, %s percent sure"),
                              index + 1, digit->digit, percent);
    }
  gtk_box_append (GTK_BOX (card), rl_digit_image_new (digit->image, DIGIT_SIDE, name));

  label = gtk_label_new (value);
  gtk_widget_add_css_class (label, "number-digit");
  gtk_box_append (GTK_BOX (card), label);

  label = gtk_label_new (sure);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  if (is_doubtful (digit))
    gtk_widget_add_css_class (label, "warning");
  gtk_box_append (GTK_BOX (card), label);

  return card;
}

/* What the digits' column will hold, so that it is not a heading over nothing. */
static GtkWidget *
empty_digits_label (void)
{
  GtkWidget *label = gtk_label_new (_("Each digit you write shows here as the 28 × 28 image "
                                      "the network reads, with its answer and how sure it is."));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
show_reading (RlNumberView *self,
              const char   *message)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->digits_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->digits_box), child);

  if (message != NULL || self->reading == NULL || self->reading->n == 0)
    {
      /* a dim dash, as Draw's dim question mark: nothing read yet */
      gtk_label_set_text (GTK_LABEL (self->number_label), "–");
      gtk_widget_add_css_class (self->number_label, "dim-label");
      gtk_widget_remove_css_class (self->number_label, "long");
      gtk_label_set_text (GTK_LABEL (self->summary_label),
                          message != NULL ? message
                                          /* the canvas and the line under it say how to
                                           * write; this says what they do not */
                                          : _("Nothing read yet. A digit may take several "
                                              "strokes, one above another; each digit is read "
                                              "on its own, left to right."));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->number_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("No number read"), -1);
      gtk_box_append (GTK_BOX (self->digits_box), empty_digits_label ());
    }
  else
    {
      float lowest = 1;
      g_autofree char *percent = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *name = NULL;

      for (guint i = 0; i < self->reading->n; i++)
        {
          lowest = MIN (lowest, self->reading->digits[i].confidence);
          gtk_box_append (GTK_BOX (self->digits_box),
                          digit_card_new (&self->reading->digits[i], i));
        }
      gtk_label_set_text (GTK_LABEL (self->number_label), self->reading->text);
      gtk_widget_remove_css_class (self->number_label, "dim-label");
      if (self->reading->n > LONG_NUMBER)
        gtk_widget_add_css_class (self->number_label, "long");
      else
        gtk_widget_remove_css_class (self->number_label, "long");
      percent = rl_format_probability (lowest, 0);
      /* two sentences, not two forms of one: a language with a single plural form (Chinese)
       * would say "sure of it" of many digits */
      if (rl_reading_has_nan (self->reading))
        summary = g_strdup (_("The network’s probabilities are not numbers (NaN)."));
      else if (self->reading->n == 1)
        /* TRANSLATORS: %s is a probability, "97" or ">99" */
        summary = g_strdup_printf (_("One digit; the network is %s %% sure of it."), percent);
      else
        /* TRANSLATORS: %s is a probability, "97" or ">99" */
        summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u digit; the least sure is read with %s %%.",
                                                "%u digits; the least sure is read with %s %%.",
                                                self->reading->n),
                                   self->reading->n, percent);
      if (self->image_name != NULL)
        {
          /* TRANSLATORS: a picture's file name, then what was read in it */
          g_autofree char *from = g_strdup_printf (_("%s: %s"), self->image_name, summary);

          g_free (summary);
          summary = g_steal_pointer (&from);
        }
      gtk_label_set_text (GTK_LABEL (self->summary_label), summary);
      name = g_strdup_printf (_("Read as %s"), self->reading->text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->number_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  gtk_widget_queue_draw (self->boxes_area);
}

/* A scrollbar under the digits when there are more than the row shows, and none otherwise:
 * an overlay indicator appears only under the pointer, so nothing would say that digits are
 * hidden; and GTK sizes a scrolled window without its "automatic" scrollbar, which then covers
 * the percentages. "always" is counted in the height. */
static void
digits_adjustment_changed_cb (GtkAdjustment *adjustment,
                              RlNumberView  *self)
{
  gboolean more = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_lower (adjustment)
                  > gtk_adjustment_get_page_size (adjustment) + 0.5;

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->digits_scroller),
                                  more ? GTK_POLICY_ALWAYS : GTK_POLICY_EXTERNAL,
                                  GTK_POLICY_NEVER);
}

/* The boxes over the digits, in the canvas' drawing area. */
static void
boxes_draw_func (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  RlNumberView *self = RL_NUMBER_VIEW (user_data);
  graphene_rect_t rect;
  double sx, sy, above_end, below_end;

  if (self->reading == NULL || self->reading->n == 0 || self->ink_width <= 0)
    return;

  rl_canvas_get_area (self->canvas, &rect);
  sx = rect.size.width / self->ink_width;
  sy = rect.size.height / self->ink_height;
  /* the right edge of the last tag above the boxes and of the last one below them */
  above_end = below_end = -G_MAXDOUBLE;

  for (guint i = 0; i < self->reading->n; i++)
    {
      const RlReadDigit *digit = &self->reading->digits[i];
      gboolean doubtful = is_doubtful (digit);
      double x = rect.origin.x + digit->box.x * sx - 6;
      double y = rect.origin.y + digit->box.y * sy - 6;
      double w = digit->box.width * sx + 12;
      double h = digit->box.height * sy + 12;
      g_autofree char *percent = rl_format_probability (digit->confidence, 0);
      g_autofree char *text = isnan (digit->confidence)
                              /* TRANSLATORS: a digit read, and its probability, not a number */
                              ? g_strdup_printf (_("%d · NaN"), digit->digit)
                              /* TRANSLATORS: a digit read and its probability, "7 · 97 %" or
                               * "7 · >99 %" */
                              : g_strdup_printf (_("%d · %s %%"), digit->digit, percent);
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), text);
      int lw, lh;
      double tx;

      /* blue for a sure reading, orange for a doubtful one (GNOME's palette) */
      if (doubtful)
        cairo_set_source_rgba (cr, 0.90, 0.38, 0.0, 0.9);
      else
        cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, x, y, w, h);
      cairo_stroke (cr);

      /* the tag: above the box (inside it at the top when there is no room above); below it
       * when it would cover the tag before, as on narrow digits written close together */
      pango_layout_get_pixel_size (layout, &lw, &lh);
      /* and inside the canvas at its right edge */
      tx = MIN (x - 1, rect.origin.x + rect.size.width - lw - 8);
      if (tx < above_end + 2 && tx >= below_end + 2
          && y + h + lh + 4 <= rect.origin.y + rect.size.height)
        {
          y += h;
          below_end = tx + lw + 8;
        }
      else
        {
          if (y - lh - 4 >= rect.origin.y)
            y -= lh + 4;
          above_end = tx + lw + 8;
        }
      cairo_rectangle (cr, tx, y, lw + 8, lh + 4);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_move_to (cr, tx + 4, y + 2);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
}

/* ---- reading ------------------------------------------------------------------------------ */


static void
read_now (RlNumberView *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *ink = NULL;
  RlModel *model;

  self->dirty = FALSE;
  g_clear_handle_id (&self->throttle_id, g_source_remove);
  g_clear_pointer (&self->reading, rl_reading_free);

  model = self->predictor != NULL ? rl_predictor_get_model (self->predictor) : NULL;
  if (model == NULL)
    {
      show_reading (self, _("No model to read with."));
      return;
    }
  if (rl_predictor_get_kind (self->predictor) != RL_DATASET_MNIST)
    {
      show_reading (self, _("Reading numbers needs a model trained on MNIST's digits; the "
                            "model in use was trained on Fashion-MNIST. Choose another in "
                            "Models."));
      return;
    }
  if (rl_canvas_is_empty (self->canvas) && self->image_ink == NULL)
    {
      show_reading (self, NULL);
      return;
    }

  self->ink_height = RL_NUMBER_VIEW_INK_HEIGHT;
  self->ink_width = RL_NUMBER_VIEW_INK_WIDTH;
  if (self->image_ink == NULL)
    ink = rl_canvas_render_ink (self->canvas, self->ink_width, self->ink_height);
  self->reading = rl_read_number (model, ink != NULL ? ink : self->image_ink, self->ink_width,
                                  self->ink_height, self->ink_width, NULL, &error);
  if (self->reading == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("This model cannot read digits: %s"),
                                               error->message);

      show_reading (self, text);
      return;
    }
  show_reading (self, NULL);
}

static gboolean
throttle_cb (gpointer user_data)
{
  RlNumberView *self = RL_NUMBER_VIEW (user_data);

  self->throttle_id = 0;
  if (self->dirty)
    read_now (self);
  return G_SOURCE_REMOVE;
}

static void
update_actions (RlNumberView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "number.clear",
                                 !rl_canvas_is_empty (self->canvas) || self->image_ink != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "number.undo",
                                 rl_canvas_can_undo (self->canvas));
}

/* Every point drawn: read within RL_NUMBER_VIEW_THROTTLE_MS. A stroke added whole (undo, a
 * test) is read at once, as a stroke's end is. */
static void
drop_image (RlNumberView *self)
{
  g_clear_pointer (&self->image_ink, g_free);
  g_clear_pointer (&self->image_name, g_free);
}

static void
canvas_changed_cb (RlCanvas     *canvas,
                   RlNumberView *self)
{
  /* a stroke, or an undone Clear, took the picture's place */
  if (!rl_canvas_has_image (canvas))
    drop_image (self);
  self->dirty = TRUE;
  update_actions (self);
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;   /* read when shown */
  if (self->throttle_id == 0)
    self->throttle_id = g_timeout_add (RL_NUMBER_VIEW_THROTTLE_MS, throttle_cb, self);
}

static void
canvas_stroke_end_cb (RlCanvas     *canvas,
                      RlNumberView *self)
{
  read_now (self);
}

static void
predictor_updated_cb (RlPredictor  *predictor,
                      RlNumberView *self)
{
  /* new weights (a training run's), or Draw's input changed: only the first matters here,
   * and only once shown */
  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->throttle_id == 0)
    self->throttle_id = g_timeout_add (RL_NUMBER_VIEW_THROTTLE_MS, throttle_cb, self);
}

static void
predictor_model_changed_cb (RlPredictor  *predictor,
                            RlNumberView *self)
{
  self->dirty = TRUE;
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  rl_number_view_clear (RL_NUMBER_VIEW (widget));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  rl_canvas_undo (RL_NUMBER_VIEW (widget)->canvas);
}

/* ---- public API --------------------------------------------------------------------------- */

void
rl_number_view_set_predictor (RlNumberView *self,
                              RlPredictor  *predictor)
{
  g_return_if_fail (RL_IS_NUMBER_VIEW (self));

  if (!rl_predictor_signals_set (self->predictor_signals, &self->predictor, predictor))
    return;
  self->dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    read_now (self);
}

RlCanvas *
rl_number_view_get_canvas (RlNumberView *self)
{
  g_return_val_if_fail (RL_IS_NUMBER_VIEW (self), NULL);

  return self->canvas;
}

void
rl_number_view_clear (RlNumberView *self)
{
  g_return_if_fail (RL_IS_NUMBER_VIEW (self));

  rl_canvas_set_image (self->canvas, NULL, 0, 0);
  rl_canvas_clear (self->canvas);
  rl_number_view_flush (self);
}

void
rl_number_view_show_picture (RlNumberView *self,
                             const float  *ink,
                             const char   *name)
{
  g_return_if_fail (RL_IS_NUMBER_VIEW (self));
  g_return_if_fail (ink != NULL && name != NULL);

  /* the strokes go first (their "changed" sees no picture yet), then the picture */
  rl_canvas_clear (self->canvas);
  rl_canvas_set_image (self->canvas, ink, RL_NUMBER_VIEW_INK_WIDTH, RL_NUMBER_VIEW_INK_HEIGHT);
  drop_image (self);
  self->image_ink = g_memdup2 (ink, sizeof (float) * RL_NUMBER_VIEW_INK_WIDTH
                                    * RL_NUMBER_VIEW_INK_HEIGHT);
  self->image_name = g_strdup (name);
  update_actions (self);
  read_now (self);
}

const char *
rl_number_view_get_image_name (RlNumberView *self)
{
  g_return_val_if_fail (RL_IS_NUMBER_VIEW (self), NULL);

  return self->image_name;
}

void
rl_number_view_flush (RlNumberView *self)
{
  g_return_if_fail (RL_IS_NUMBER_VIEW (self));

  if (self->dirty || self->throttle_id != 0)
    read_now (self);
}

const char *
rl_number_view_get_text (RlNumberView *self)
{
  g_return_val_if_fail (RL_IS_NUMBER_VIEW (self), "");

  return self->reading != NULL ? self->reading->text : "";
}

const RlReading *
rl_number_view_get_reading (RlNumberView *self)
{
  g_return_val_if_fail (RL_IS_NUMBER_VIEW (self), NULL);

  return self->reading;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_number_view_map (GtkWidget *widget)
{
  RlNumberView *self = RL_NUMBER_VIEW (widget);

  GTK_WIDGET_CLASS (rl_number_view_parent_class)->map (widget);
  if (self->dirty)
    read_now (self);
}

static void
rl_number_view_dispose (GObject *object)
{
  RlNumberView *self = RL_NUMBER_VIEW (object);

  g_clear_handle_id (&self->throttle_id, g_source_remove);
  rl_number_view_set_predictor (self, NULL);
  g_clear_object (&self->predictor_signals);

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_NUMBER_VIEW);

  G_OBJECT_CLASS (rl_number_view_parent_class)->dispose (object);
}

static void
rl_number_view_finalize (GObject *object)
{
  RlNumberView *self = RL_NUMBER_VIEW (object);

  g_clear_pointer (&self->reading, rl_reading_free);
  drop_image (self);

  G_OBJECT_CLASS (rl_number_view_parent_class)->finalize (object);
}

static void
rl_number_view_class_init (RlNumberViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_number_view_dispose;
  object_class->finalize = rl_number_view_finalize;
  widget_class->map = rl_number_view_map;

  g_type_ensure (RL_TYPE_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-number-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, root);
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, canvas);
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, boxes_area);
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, number_label);
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, digits_scroller);
  gtk_widget_class_bind_template_child (widget_class, RlNumberView, digits_box);

  gtk_widget_class_install_action (widget_class, "number.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "number.undo", NULL, undo_action);
  /* before the window's own Escape and Ctrl+Z, which are Draw's */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "number.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "number.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "number.undo", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlnumberview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rl_number_view_init (RlNumberView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  rl_view_init_accessible (GTK_WIDGET (self), _("Write a number and see it read digit by digit"));

  self->predictor_signals = rl_predictor_signals_new (G_CALLBACK (predictor_updated_cb),
                                                      G_CALLBACK (predictor_model_changed_cb),
                                                      self);
  rl_canvas_set_aspect (self->canvas, RL_NUMBER_VIEW_ASPECT);
  rl_canvas_set_placeholder (self->canvas, _("Write a number here, digits side by side"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Number canvas"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Write several digits side by side with a mouse, a pen or a "
                                    "finger; drawing needs a pointer. Escape or Delete clears "
                                    "it, Ctrl+Z undoes the last stroke."),
                                  -1);
  g_signal_connect (self->canvas, "changed", G_CALLBACK (canvas_changed_cb), self);
  g_signal_connect (self->canvas, "stroke-end", G_CALLBACK (canvas_stroke_end_cb), self);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->boxes_area), boxes_draw_func, self, NULL);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (
                             GTK_SCROLLED_WINDOW (self->digits_scroller)),
                           "changed", G_CALLBACK (digits_adjustment_changed_cb), self, 0);
  update_actions (self);
  show_reading (self, NULL);
}
