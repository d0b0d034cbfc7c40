/* rl-plot.h: the base of the chart and the layer bars, widgets that draw themselves with cairo
 * at a fixed minimum and natural size and follow the pointer for a hover read-out.
 *
 * A subclass sets its sizes and the two functions in its class_init; RlPlot measures, snapshots
 * and tracks the pointer for it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_PLOT (rl_plot_get_type ())
G_DECLARE_DERIVABLE_TYPE (RlPlot, rl_plot, RL, PLOT, GtkWidget)

/* what measure() reports, in pixels */
typedef struct {
  int min_width, nat_width;
  int min_height, nat_height;
} RlPlotSize;

struct _RlPlotClass
{
  GtkWidgetClass parent_class;

  RlPlotSize size;

  /* draws the whole widget, @width x @height */
  void (*draw)      (RlPlot  *self,
                     cairo_t *cr,
                     int      width,
                     int      height);
  /* the pointer is at (@x, @y); (-1, -1) when it left */
  void (*set_hover) (RlPlot  *self,
                     double   x,
                     double   y);
};

G_END_DECLS
