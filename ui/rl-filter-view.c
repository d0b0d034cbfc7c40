#define G_LOG_DOMAIN "reslab-ui"

/* rl-filter-view.c: the first convolution's filters on one symmetric scale (see
 * rl-filter-view.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-filter-view.h"

#include <math.h>
#include <string.h>

#include "rl-colormap.h"
#include "rl-widget-util.h"

#define CELL      51
#define GAP       6
#define COLUMNS   4
#define TEXT_H    40

struct _RlFilterView
{
  GtkDrawingArea parent_instance;

  /* owned */
  RlPredictor  *predictor;
  GSignalGroup *predictor_signals;
  guint         n_updates;
};

G_DEFINE_FINAL_TYPE (RlFilterView, rl_filter_view, GTK_TYPE_DRAWING_AREA)

/* The first 4-D tensor whose name ends in ".weight": the first convolution's filters. */
static const RlParamInfo *
find_filters (RlFilterView *self)
{
  RlModel *model;

  if (self->predictor == NULL || (model = rl_predictor_get_model (self->predictor)) == NULL)
    return NULL;

  for (guint i = 0; i < rl_model_get_n_tensors (model); i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);

      if (info->ndim == 4 && g_str_has_suffix (info->name, ".weight"))
        return info;
    }
  return NULL;
}

static void
update_size (RlFilterView *self)
{
  const RlParamInfo *info = find_filters (self);
  int n = info != NULL ? (int) info->shape[0] : 16;
  int rows = (n + COLUMNS - 1) / COLUMNS;

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), COLUMNS * (CELL + GAP) - GAP);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self),
                                       rows * (CELL + GAP) - GAP + TEXT_H);
}

static void
draw_func (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  RlFilterView *self = RL_FILTER_VIEW (area);
  const RlParamInfo *info = find_filters (self);
  const float *params;
  int n, k_h, k_w, c_in;
  float lo, hi, m;
  double x0;
  GdkRGBA fg;
  PangoLayout *layout;
  g_autofree char *text = NULL;

  if (info == NULL)
    return;

  rl_widget_get_color (GTK_WIDGET (area), &fg);

  /* weight: (C_out, C_in, K, K); for C_in > 1 the first input channel is shown */
  params = rl_model_get_params_const (rl_predictor_get_model (self->predictor)) + info->offset;
  n = (int) info->shape[0];
  c_in = (int) info->shape[1];
  k_h = (int) info->shape[2];
  k_w = (int) info->shape[3];
  rl_colormap_range (params, info->numel, &lo, &hi);
  m = MAX (fabsf (lo), fabsf (hi));

  x0 = (width - (COLUMNS * (CELL + GAP) - GAP)) / 2.0;
  for (int i = 0; i < n; i++)
    {
      int col = i % COLUMNS, row = i / COLUMNS;

      rl_colormap_paint (cr, RL_COLORMAP_DIVERGING, params + (size_t) i * c_in * k_h * k_w,
                         k_w, k_h, -m, m, x0 + col * (CELL + GAP), row * (CELL + GAP),
                         CELL, CELL);
      /* a hairline frame: filters are mostly near-white, and would run into each other */
      cairo_rectangle (cr, x0 + col * (CELL + GAP) + 0.5, row * (CELL + GAP) + 0.5,
                       CELL - 1, CELL - 1);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.25);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }

  text = g_strdup_printf (_("%d filters of %d×%d, one scale\nfor all: ±%.3g"),
                          n, k_h, k_w, m);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), text);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  cairo_move_to (cr, 0, ((n + COLUMNS - 1) / COLUMNS) * (CELL + GAP) - GAP + 4);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
predictor_updated_cb (RlPredictor  *predictor,
                      RlFilterView *self)
{
  self->n_updates++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
predictor_model_changed_cb (RlPredictor  *predictor,
                            RlFilterView *self)
{
  update_size (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
rl_filter_view_new (void)
{
  return g_object_new (RL_TYPE_FILTER_VIEW, NULL);
}

void
rl_filter_view_set_predictor (RlFilterView *self,
                              RlPredictor  *predictor)
{
  g_return_if_fail (RL_IS_FILTER_VIEW (self));

  if (!rl_predictor_signals_set (self->predictor_signals, &self->predictor, predictor))
    return;
  update_size (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
rl_filter_view_get_tensor_name (RlFilterView *self)
{
  const RlParamInfo *info;

  g_return_val_if_fail (RL_IS_FILTER_VIEW (self), NULL);

  info = find_filters (self);
  return info != NULL ? info->name : NULL;
}

guint
rl_filter_view_get_n_updates (RlFilterView *self)
{
  g_return_val_if_fail (RL_IS_FILTER_VIEW (self), 0);

  return self->n_updates;
}

static void
rl_filter_view_dispose (GObject *object)
{
  RlFilterView *self = RL_FILTER_VIEW (object);

  rl_filter_view_set_predictor (self, NULL);
  g_clear_object (&self->predictor_signals);

  G_OBJECT_CLASS (rl_filter_view_parent_class)->dispose (object);
}

static void
rl_filter_view_class_init (RlFilterViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_filter_view_dispose;
  gtk_widget_class_set_css_name (widget_class, "rlfilterview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rl_filter_view_init (RlFilterView *self)
{
  self->predictor_signals = rl_predictor_signals_new (G_CALLBACK (predictor_updated_cb),
                                                      G_CALLBACK (predictor_model_changed_cb), self);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_func, NULL, NULL);
  update_size (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filters of the first convolution"), -1);
}
