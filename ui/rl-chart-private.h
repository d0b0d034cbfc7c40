/* rl-chart-private.h: the chart's instance struct and what its parts share.
 *
 * RlChart is written in three parts:
 *   rl-chart.c          the widget: its series and their points, properties, the public API
 *   rl-chart-numbers.c  the numbers it shows: nice ticks, tick labels in an axis' format, the
 *                       hover read-out's values
 *   rl-chart-draw.c     one frame drawn from the data (rl_chart_draw): ranges, margins, grid,
 *                       legend, series, bands, the hover read-out
 * Functions named _rl_chart_* are private to these files.
 */
#pragma once

#include "rl-chart.h"

G_BEGIN_DECLS

typedef struct {
  double x, y;
} Point;

typedef struct {
  char             *label;
  GdkRGBA           color;
  RlChartLineStyle  style;
  double            line_width;
  gboolean          show_points;
  GArray           *points;     /* of Point */
  GArray           *band;       /* (nullable) of Point as (lo, hi), one per point once the
                                 * first band point came (NAN, NAN: none at that point) */
  /* Cached over all points, so neither the range nor the auto-scaling walks the data. */
  double            xmin, xmax, ymin, ymax;
  gboolean          sorted;     /* x non-decreasing so far: binary search for the read-out */
} Series;

struct _RlChart {
  RlPlot parent_instance;

  /* owned */
  char         *title;
  char         *x_label;
  char         *y_label;
  GPtrArray    *series;          /* of Series*, owned */

  /* settings */
  RlChartFormat x_format;
  RlChartFormat y_format;
  gboolean      y_auto;
  double        y_min, y_max;    /* when !y_auto */

  /* the plot's left edge, lined up with another chart's (rl_chart_align_plot_with) */
  RlChart      *aligned;         /* (weak) or NULL */
  double        left_needed;     /* the left margin this chart's own tick labels need */
  double        plot_left;       /* where the plot began at the last draw */

  /* pointer, in widget coordinates; hover_x < 0: no read-out */
  double        hover_x;
  double        hover_y;

  /* Text already laid out (char* -> PangoLayout*), for the widget's Pango context as it was at
   * layouts_serial. A chart redrawn 15 times a second while training shows the same few dozen
   * strings; shaping them anew every frame (HarfBuzz, Pango) was a third of its drawing time. */
  GHashTable   *layouts;
  guint         layouts_serial;
  /* the title wrapped to two lines, when one is too narrow for it (cleared with layouts) */
  PangoLayout  *wrapped_title;
};

/* rl-chart-numbers.c */
/* @value as the hover read-out shows it. Returns: (transfer full) */
char *_rl_chart_format_readout (RlChartFormat format, double value);

G_END_DECLS
