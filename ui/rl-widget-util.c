#define G_LOG_DOMAIN "reslab-ui"

/* rl-widget-util.c: see rl-widget-util.h. */

#include "config.h"
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rl-widget-util.h"

#include "rl-colormap.h"

void
rl_dataset_dropdown_fill (GtkDropDown *dropdown,
                          GArray      *kinds)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *fashion_dir = rl_dataset_default_dir (RL_DATASET_FASHION);
  RlDatasetKind kind;

  kind = RL_DATASET_MNIST;
  g_array_append_val (kinds, kind);
  gtk_string_list_append (names, _("MNIST digits"));

  if (g_file_test (fashion_dir, G_FILE_TEST_IS_DIR))
    {
      kind = RL_DATASET_FASHION;
      g_array_append_val (kinds, kind);
      gtk_string_list_append (names, rl_dataset_title (RL_DATASET_FASHION));
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (names));
}

gboolean
rl_set_str (char       **str_pointer,
            const char  *new_str)
{
  char *copy;

  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;
  copy = g_strdup (new_str);   /* before the free: @new_str may be part of the old string */
  g_free (*str_pointer);
  *str_pointer = copy;
  return TRUE;
}

void
rl_label_set_wrapped_text (GtkLabel   *label,
                           const char *text)
{
  PangoAttrList *attrs = pango_attr_list_new ();

  /* the word with the slash and the one before it: "802 images/s" */
  for (const char *word = text, *before = text; *word != '\0';)
    {
      const char *end = strchr (word, ' ');

      if (end == NULL)
        end = word + strlen (word);
      if (memchr (word, '/', (size_t) (end - word)) != NULL)
        {
          PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

          keep->start_index = (guint) (before - text);
          keep->end_index = (guint) (end - text);
          pango_attr_list_insert (attrs, keep);
        }
      before = word;
      word = *end == ' ' ? end + 1 : end;
    }
  gtk_label_set_text (label, text);
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

void
rl_label_set_text_keeping (GtkLabel   *label,
                           const char *text,
                           const char *whole)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  const char *at = strstr (text, whole);

  if (at != NULL)
    {
      PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

      keep->start_index = (guint) (at - text);
      keep->end_index = keep->start_index + (guint) strlen (whole);
      pango_attr_list_insert (attrs, keep);
    }
  gtk_label_set_text (label, text);
  gtk_label_set_attributes (label, attrs);
  pango_attr_list_unref (attrs);
}

void
rl_widget_get_color (GtkWidget *widget, GdkRGBA *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* A layout of @text in @widget's font at @px pixels. */
static PangoLayout *
text_layout (GtkWidget  *widget,
             const char *text,
             double      px)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font =
    pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));

  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  return layout;
}

int
rl_widget_text_width (GtkWidget  *widget,
                      const char *text,
                      double      px)
{
  g_autoptr (PangoLayout) layout = text_layout (widget, text, px);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

void
rl_widget_draw_text (GtkWidget  *widget,
                     cairo_t    *cr,
                     const char *text,
                     double      px,
                     double      x,
                     double      y,
                     double      xalign,
                     double      yalign)
{
  g_autoptr (PangoLayout) layout = text_layout (widget, text, px);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y - yalign * h);
  pango_cairo_show_layout (cr, layout);
}

GtkSizeRequestMode
rl_widget_request_height_for_width (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

cairo_t *
rl_snapshot_append_cairo (GtkWidget   *widget,
                          GtkSnapshot *snapshot,
                          int         *width,
                          int         *height)
{
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  if (*width <= 0 || *height <= 0)
    return NULL;
  return gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, *width, *height));
}

GSignalGroup *
rl_predictor_signals_new (GCallback updated_cb,
                          GCallback model_changed_cb,
                          gpointer  view)
{
  GSignalGroup *signals = g_signal_group_new (RL_TYPE_PREDICTOR);

  g_signal_group_connect (signals, "updated", updated_cb, view);
  g_signal_group_connect (signals, "model-changed", model_changed_cb, view);
  return signals;
}

gboolean
rl_predictor_signals_set (GSignalGroup  *signals,
                          RlPredictor  **slot,
                          RlPredictor   *predictor)
{
  g_return_val_if_fail (predictor == NULL || RL_IS_PREDICTOR (predictor), FALSE);

  if (*slot == predictor)
    return FALSE;

  g_return_val_if_fail (G_IS_SIGNAL_GROUP (signals), FALSE);
  g_signal_group_set_target (signals, predictor);
  g_set_object (slot, predictor);
  return TRUE;
}

static void
drop_doubled_names (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget))
      && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    drop_doubled_names (child);
}

void
rl_view_init_accessible (GtkWidget  *view,
                         const char *name)
{
  g_return_if_fail (GTK_IS_WIDGET (view));
  g_return_if_fail (name != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  drop_doubled_names (view);
}

/* ---- the wheel over spin buttons in a scrolled panel --------------------------------------- */

static gboolean
spin_scroll_cb (GtkEventControllerScroll *controller,
                double                    dx,
                double                    dy,
                gpointer                  user_data)
{
  GtkWidget *spin = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *scroller;
  GtkAdjustment *adjustments[2];
  double deltas[2] = { dx, dy };

  if (gtk_widget_get_state_flags (spin) & GTK_STATE_FLAG_FOCUS_WITHIN)
    return FALSE;
  scroller = gtk_widget_get_ancestor (spin, GTK_TYPE_SCROLLED_WINDOW);
  if (scroller == NULL)
    return FALSE;

  adjustments[0] = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  adjustments[1] = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  for (guint i = 0; i < 2; i++)
    {
      double page = gtk_adjustment_get_page_size (adjustments[i]);
      double step = deltas[i];

      /* a wheel's notch as GtkScrolledWindow scrolls it; a touchpad's delta is in pixels */
      if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL)
        step *= pow (page, 2.0 / 3.0);
      gtk_adjustment_set_value (adjustments[i], gtk_adjustment_get_value (adjustments[i]) + step);
    }
  /* handled: the spin button's own controller, later in the event's path, does not see it */
  return TRUE;
}

static void
add_spin_wheel (GtkWidget *widget)
{
  if (GTK_IS_SPIN_BUTTON (widget))
    {
      GtkEventController *controller =
        gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

      gtk_event_controller_set_name (controller, "rl-spin-wheel");
      gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
      g_signal_connect (controller, "scroll", G_CALLBACK (spin_scroll_cb), NULL);
      gtk_widget_add_controller (widget, controller);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_spin_wheel (child);
}

void
rl_view_init_spin_wheel (GtkWidget *view)
{
  g_return_if_fail (GTK_IS_WIDGET (view));

  add_spin_wheel (view);
}

/* ---- a digit's 28 x 28 image -------------------------------------------------------------- */

static void
digit_image_draw (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        user_data)
{
  int side = MIN (width, height);

  rl_colormap_paint (cr, RL_COLORMAP_GREY, user_data, RL_MNIST_SIDE, RL_MNIST_SIDE, 0, 1,
                     (width - side) / 2.0, 0, side, side);
}

GtkWidget *
rl_digit_image_new (const float *image,
                    int          side,
                    const char  *name)
{
  GtkWidget *area = gtk_drawing_area_new ();

  g_return_val_if_fail (image != NULL, NULL);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), side);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), side);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), digit_image_draw,
                                  g_memdup2 (image, 28 * 28 * sizeof (float)), g_free);
  gtk_widget_add_css_class (area, "input-view");
  gtk_widget_set_halign (area, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return area;
}
