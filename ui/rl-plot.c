#define G_LOG_DOMAIN "reslab-ui"

/* rl-plot.c: see rl-plot.h. */

#include "rl-plot.h"

#include "rl-widget-util.h"

#include <math.h>

typedef struct {
  int min_width, min_height;   /* -1: the class's */
} RlPlotPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (RlPlot, rl_plot, GTK_TYPE_WIDGET)

static void
rl_plot_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  int width, height;
  cairo_t *cr = rl_snapshot_append_cairo (widget, snapshot, &width, &height);

  if (cr == NULL)
    return;
  RL_PLOT_GET_CLASS (widget)->draw (RL_PLOT (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
rl_plot_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  const RlPlotSize *size = &RL_PLOT_GET_CLASS (widget)->size;
  RlPlotPrivate *priv = rl_plot_get_instance_private (RL_PLOT (widget));

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = priv->min_width >= 0 ? priv->min_width : size->min_width;
      *natural = MAX (*minimum, size->nat_width);
    }
  else
    {
      *minimum = priv->min_height >= 0 ? priv->min_height : size->min_height;
      *natural = MAX (*minimum, size->nat_height);
    }
}

void
rl_plot_set_min_size (RlPlot *self,
                      int     min_width,
                      int     min_height)
{
  RlPlotPrivate *priv = rl_plot_get_instance_private (self);

  g_return_if_fail (RL_IS_PLOT (self));

  if (priv->min_width == min_width && priv->min_height == min_height)
    return;
  priv->min_width = min_width;
  priv->min_height = min_height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           RlPlot                   *self)
{
  RL_PLOT_GET_CLASS (self)->set_hover (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          RlPlot                   *self)
{
  RL_PLOT_GET_CLASS (self)->set_hover (self, -1.0, -1.0);
}

/* The width of @text in @layout, and its height. */
static void
text_size (PangoLayout *layout, const char *text, double *w, double *h)
{
  int iw, ih;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &iw, &ih);
  *w = iw;
  *h = ih;
}

void
rl_plot_readout_measure (PangoLayout             *layout,
                         const RlPlotReadoutLine *lines,
                         guint                    n,
                         double                  *box_w,
                         double                  *box_h,
                         double                  *line_h)
{
  double w, h;

  *box_w = 0.0;
  *line_h = 0.0;
  *box_h = 8.0;
  for (guint i = 0; i < n; i++)
    {
      if (lines[i].text == NULL)
        continue;
      text_size (layout, lines[i].text, &w, &h);
      *box_w = MAX (*box_w, w + (lines[i].swatch != NULL ? 14.0 : 0.0));
      *line_h = MAX (*line_h, h);
    }
  *box_w += 12.0;
  for (guint i = 0; i < n; i++)
    if (lines[i].text != NULL)
      *box_h += *line_h;
}

void
rl_plot_readout_draw (cairo_t                 *cr,
                      PangoLayout             *layout,
                      const GdkRGBA           *fg,
                      const RlPlotReadoutLine *lines,
                      guint                    n,
                      double                   bx,
                      double                   by,
                      double                   box_w,
                      double                   box_h,
                      double                   line_h)
{
  double lum = 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue;
  GdkRGBA bg = lum > 0.5 ? (GdkRGBA) { 0.14, 0.14, 0.15, 0.94 }
                         : (GdkRGBA) { 1.0, 1.0, 1.0, 0.94 };
  double ty = by + 4.0;

  cairo_rectangle (cr, round (bx) + 0.5, round (by) + 0.5, round (box_w), round (box_h));
  gdk_cairo_set_source_rgba (cr, &bg);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.3);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      if (lines[i].text == NULL)
        continue;
      if (lines[i].swatch != NULL)
        {
          gdk_cairo_set_source_rgba (cr, lines[i].swatch);
          cairo_rectangle (cr, bx + 6.0, ty + line_h / 2.0 - 4.0, 8.0, 8.0);
          cairo_fill (cr);
        }
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
      pango_layout_set_text (layout, lines[i].text, -1);
      cairo_move_to (cr, round (bx + 6.0 + (lines[i].swatch != NULL ? 14.0 : 0.0)), round (ty));
      pango_cairo_show_layout (cr, layout);
      ty += line_h;
    }
}

static void
rl_plot_class_init (RlPlotClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = rl_plot_snapshot;
  widget_class->measure = rl_plot_measure;
}

static void
rl_plot_init (RlPlot *self)
{
  RlPlotPrivate *priv = rl_plot_get_instance_private (self);
  GtkEventController *motion = gtk_event_controller_motion_new ();

  priv->min_width = -1;
  priv->min_height = -1;

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}
