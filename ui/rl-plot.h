/* rl-plot.h: the base of the chart and the layer bars, widgets that draw themselves with cairo
 * at a fixed minimum and natural size and follow the pointer for a hover read-out.
 *
 * A subclass sets the two functions and, with rl_plot_class_set_size (), the sizes in its
 * class_init; RlPlot measures, snapshots and tracks the pointer for it.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_PLOT (rl_plot_get_type ())
G_DECLARE_DERIVABLE_TYPE (RlPlot, rl_plot, RL, PLOT, GtkWidget)

struct _RlPlotClass
{
  GtkWidgetClass parent_class;

  /* what measure() reports, in pixels: see rl_plot_class_set_size () */
  int min_width, nat_width;
  int min_height, nat_height;

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

void rl_plot_class_set_size (RlPlotClass *klass,
                             int          min_width,
                             int          nat_width,
                             int          min_height,
                             int          nat_height);

G_END_DECLS
