/* rl-plot.h: the base of the chart and the layer bars, widgets that draw themselves with cairo
 * at a fixed minimum and natural size and follow the pointer for a hover read-out.
 *
 * A subclass sets its sizes and the two functions in its class_init; RlPlot measures, snapshots
 * and tracks the pointer for it. Both draw their hover read-out (a box of text lines, each with
 * the colour of its series) with rl_plot_readout_draw.
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

/* Another minimum size for this widget than its class's (-1: the class's), where a view knows
 * that it draws well enough smaller (the Train view's charts beside the diagram). */
void rl_plot_set_min_size (RlPlot *self,
                           int     min_width,
                           int     min_height);

/* One line of a hover read-out: @text (NULL: no line), after a square of @swatch (nullable:
 * none, as for the first line, which says where the pointer is). */
typedef struct {
  const char    *text;
  const GdkRGBA *swatch;
} RlPlotReadoutLine;

/* The size of the read-out box of @lines (@n), and the height of one line, measured with
 * @layout (its text is changed). */
void rl_plot_readout_measure (PangoLayout             *layout,
                              const RlPlotReadoutLine *lines,
                              guint                    n,
                              double                  *box_w,
                              double                  *box_h,
                              double                  *line_h);

/* Draws the read-out box (measured by rl_plot_readout_measure) with its top left at (@bx, @by):
 * an opaque background that contrasts with the text colour @fg, a frame, then each line with
 * its swatch, through @layout (its text is changed). */
void rl_plot_readout_draw    (cairo_t                 *cr,
                              PangoLayout             *layout,
                              const GdkRGBA           *fg,
                              const RlPlotReadoutLine *lines,
                              guint                    n,
                              double                   bx,
                              double                   by,
                              double                   box_w,
                              double                   box_h,
                              double                   line_h);

G_END_DECLS
