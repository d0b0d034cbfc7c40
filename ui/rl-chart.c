#define G_LOG_DOMAIN "reslab-ui"

/* rl-chart.c: see rl-chart.h. The widget: its series (points, optional bands, bounds cached
 * as they are appended), its properties and the public API, on RlPlot (size, pointer).
 *
 * RlPlot's snapshot() draws a frame with rl_chart_draw(), in rl-chart-draw.c, which changes
 * no state; the numbers on the axes are rl-chart-numbers.c's. Appending a point only updates
 * the series' array and its cached bounds, then queues a redraw. The instance struct is in
 * rl-chart-private.h.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-chart-private.h"

#include <math.h>

#include "rl-widget-util.h"

#define MIN_WIDTH    320
#define MIN_HEIGHT   200
#define NAT_WIDTH    480
#define NAT_HEIGHT   300

G_DEFINE_FINAL_TYPE (RlChart, rl_chart, RL_TYPE_PLOT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_X_LABEL,
  PROP_Y_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GNOME HIG palette (blue 3, red 3, green 4, orange 3, purple 3, brown 3): tells apart on
 * light and dark backgrounds alike. */
static const char *const palette[] = {
  "#3584e4", "#e01b24", "#2ec27e", "#ff7800", "#9141ac", "#986a44",
};

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_array_unref (s->points);
  g_clear_pointer (&s->band, g_array_unref);
  g_free (s);
}

static Series *
get_series (RlChart *self, guint i)
{
  g_return_val_if_fail (i < self->series->len, NULL);
  return g_ptr_array_index (self->series, i);
}

static void
series_reset_bounds (Series *s)
{
  s->xmin = s->ymin = INFINITY;
  s->xmax = s->ymax = -INFINITY;
  s->sorted = TRUE;
}

/* ---- GtkWidget -------------------------------------------------------------------------- */

static void
plot_draw (RlPlot *plot, cairo_t *cr, int width, int height)
{
  rl_chart_draw (RL_CHART (plot), cr, width, height);
}

static void
plot_set_hover (RlPlot *plot, double x, double y)
{
  rl_chart_set_hover (RL_CHART (plot), x, y);
}

static void
update_accessible_description (RlChart *self)
{
  g_autofree char *desc = g_strdup_printf (_("Line chart of %s against %s"),
                                           self->y_label != NULL ? self->y_label : _("values"),
                                           self->x_label != NULL ? self->x_label : "x");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc,
                                  -1);
}

static void
rl_chart_finalize (GObject *object)
{
  RlChart *self = RL_CHART (object);

  if (self->aligned != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->aligned), (gpointer *) &self->aligned);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->x_label, g_free);
  g_clear_pointer (&self->y_label, g_free);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->layouts, g_hash_table_unref);
  g_clear_object (&self->wrapped_title);

  G_OBJECT_CLASS (rl_chart_parent_class)->finalize (object);
}

static void
rl_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RlChart *self = RL_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, self->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RlChart *self = RL_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      rl_chart_set_title (self, g_value_get_string (value));
      break;
    case PROP_X_LABEL:
      rl_chart_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      rl_chart_set_y_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_chart_class_init (RlChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPlotClass *plot_class = RL_PLOT_CLASS (klass);

  object_class->finalize = rl_chart_finalize;
  object_class->get_property = rl_chart_get_property;
  object_class->set_property = rl_chart_set_property;

  plot_class->draw = plot_draw;
  plot_class->set_hover = plot_set_hover;
  plot_class->size = (RlPlotSize) { MIN_WIDTH, NAT_WIDTH, MIN_HEIGHT, NAT_HEIGHT };

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_LABEL] =
    g_param_spec_string ("x-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y_LABEL] =
    g_param_spec_string ("y-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "rlchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rl_chart_init (RlChart *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->x_format = RL_CHART_FORMAT_COUNT;
  self->y_format = RL_CHART_FORMAT_PLAIN;
  self->y_auto = TRUE;
  self->hover_x = -1.0;
  self->hover_y = -1.0;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Chart"),
                                  -1);
  update_accessible_description (self);
}

/* ---- Public API ---------------------------------------------------------------------------- */

GtkWidget *
rl_chart_new (void)
{
  return g_object_new (RL_TYPE_CHART, NULL);
}

void
rl_chart_set_title (RlChart *self, const char *title)
{
  g_return_if_fail (RL_IS_CHART (self));

  if (!rl_set_str (&self->title, title))
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL && *title != '\0' ? title : _("Chart"),
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
rl_chart_get_title (RlChart *self)
{
  g_return_val_if_fail (RL_IS_CHART (self), NULL);
  return self->title;
}

void
rl_chart_set_x_label (RlChart *self, const char *label)
{
  g_return_if_fail (RL_IS_CHART (self));

  if (!rl_set_str (&self->x_label, label))
    return;
  update_accessible_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X_LABEL]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_set_y_label (RlChart *self, const char *label)
{
  g_return_if_fail (RL_IS_CHART (self));

  if (!rl_set_str (&self->y_label, label))
    return;
  update_accessible_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y_LABEL]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_set_y_range (RlChart *self, double min, double max)
{
  g_return_if_fail (RL_IS_CHART (self));
  g_return_if_fail (isfinite (min) && isfinite (max) && min < max);

  self->y_auto = FALSE;
  self->y_min = min;
  self->y_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_set_y_range_auto (RlChart *self)
{
  g_return_if_fail (RL_IS_CHART (self));

  self->y_auto = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_set_x_format (RlChart *self, RlChartFormat format)
{
  g_return_if_fail (RL_IS_CHART (self));

  self->x_format = format;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_set_y_format (RlChart *self, RlChartFormat format)
{
  g_return_if_fail (RL_IS_CHART (self));

  self->y_format = format;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
rl_chart_add_series (RlChart          *self,
                     const char       *label,
                     const GdkRGBA    *color,
                     RlChartLineStyle  style,
                     double            line_width,
                     gboolean          show_points)
{
  Series *s;

  g_return_val_if_fail (RL_IS_CHART (self), 0);

  s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  if (color != NULL)
    s->color = *color;
  else
    gdk_rgba_parse (&s->color, palette[self->series->len % G_N_ELEMENTS (palette)]);
  s->style = style;
  s->line_width = line_width > 0.0 ? line_width : 1.5;
  s->show_points = show_points;
  /* Training appends one point per batch: start with room for one epoch of MNIST at 64. */
  s->points = g_array_sized_new (FALSE, FALSE, sizeof (Point), 1024);
  series_reset_bounds (s);
  g_ptr_array_add (self->series, s);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

void
rl_chart_append (RlChart *self, guint series, double x, double y)
{
  Series *s;
  Point pt = { x, y };

  g_return_if_fail (RL_IS_CHART (self));
  s = get_series (self, series);
  g_return_if_fail (s != NULL);

  if (!isfinite (x) || !isfinite (y))
    return;

  if (s->points->len > 0 && x < s->xmax)
    s->sorted = FALSE;
  g_array_append_val (s->points, pt);   /* doubling growth: amortised O(1) */
  if (s->band != NULL)
    {
      Point none = { NAN, NAN };

      g_array_append_val (s->band, none);
    }
  s->xmin = MIN (s->xmin, x);
  s->xmax = MAX (s->xmax, x);
  s->ymin = MIN (s->ymin, y);
  s->ymax = MAX (s->ymax, y);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_append_band (RlChart *self, guint series, double x, double y, double lo, double hi)
{
  Series *s;
  Point band = { NAN, NAN };

  g_return_if_fail (RL_IS_CHART (self));
  if (isfinite (lo) && isfinite (hi))
    band = (Point) { MIN (lo, hi), MAX (lo, hi) };
  s = get_series (self, series);
  g_return_if_fail (s != NULL);

  if (!isfinite (x) || !isfinite (y))
    return;
  if (s->band == NULL)
    {
      Point none = { NAN, NAN };

      s->band = g_array_sized_new (FALSE, FALSE, sizeof (Point), s->points->len + 64);
      for (guint i = 0; i < s->points->len; i++)
        g_array_append_val (s->band, none);
    }
  rl_chart_append (self, series, x, y);
  if (isfinite (band.x) && isfinite (band.y))
    {
      g_array_index (s->band, Point, s->band->len - 1) = band;
      s->ymin = MIN (s->ymin, band.x);
      s->ymax = MAX (s->ymax, band.y);
    }
}

gboolean
rl_chart_get_band (RlChart *self, guint series, guint i, double *lo, double *hi)
{
  Series *s;
  const Point *band;

  g_return_val_if_fail (RL_IS_CHART (self), FALSE);
  s = get_series (self, series);
  g_return_val_if_fail (s != NULL, FALSE);

  if (s->band == NULL || i >= s->band->len)
    return FALSE;
  band = &g_array_index (s->band, Point, i);
  if (!isfinite (band->x) || !isfinite (band->y))
    return FALSE;
  if (lo != NULL)
    *lo = band->x;
  if (hi != NULL)
    *hi = band->y;
  return TRUE;
}

void
rl_chart_clear (RlChart *self)
{
  g_return_if_fail (RL_IS_CHART (self));

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      g_array_set_size (s->points, 0);
      g_clear_pointer (&s->band, g_array_unref);
      series_reset_bounds (s);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_chart_remove_all_series (RlChart *self)
{
  g_return_if_fail (RL_IS_CHART (self));

  g_ptr_array_set_size (self->series, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
rl_chart_get_n_series (RlChart *self)
{
  g_return_val_if_fail (RL_IS_CHART (self), 0);
  return self->series->len;
}

guint
rl_chart_get_n_points (RlChart *self, guint series)
{
  Series *s;

  g_return_val_if_fail (RL_IS_CHART (self), 0);
  s = get_series (self, series);
  g_return_val_if_fail (s != NULL, 0);
  return s->points->len;
}

gboolean
rl_chart_get_last (RlChart *self, guint series, double *x, double *y)
{
  Series *s;
  const Point *pt;

  g_return_val_if_fail (RL_IS_CHART (self), FALSE);
  s = get_series (self, series);
  g_return_val_if_fail (s != NULL, FALSE);

  if (s->points->len == 0)
    return FALSE;
  pt = &g_array_index (s->points, Point, s->points->len - 1);
  if (x != NULL)
    *x = pt->x;
  if (y != NULL)
    *y = pt->y;
  return TRUE;
}

void
rl_chart_align_plot_with (RlChart *self, RlChart *other)
{
  g_return_if_fail (RL_IS_CHART (self));
  g_return_if_fail (other == NULL || (RL_IS_CHART (other) && other != self));

  if (self->aligned != NULL)
    {
      RlChart *old = self->aligned;

      g_object_remove_weak_pointer (G_OBJECT (old), (gpointer *) &self->aligned);
      self->aligned = NULL;
      if (old->aligned == self)
        rl_chart_align_plot_with (old, NULL);
    }
  if (other != NULL)
    {
      if (other->aligned != NULL && other->aligned != self)
        rl_chart_align_plot_with (other, NULL);
      self->aligned = other;
      g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &self->aligned);
      if (other->aligned != self)
        rl_chart_align_plot_with (other, self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
rl_chart_get_plot_left (RlChart *self)
{
  g_return_val_if_fail (RL_IS_CHART (self), 0.0);

  return self->plot_left;
}

void
rl_chart_set_hover (RlChart *self, double x, double y)
{
  g_return_if_fail (RL_IS_CHART (self));

  if (x < 0.0)
    x = y = -1.0;
  if (x == self->hover_x && y == self->hover_y)
    return;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
