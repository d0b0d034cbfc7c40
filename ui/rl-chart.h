/* rl-chart.h: a line chart for training curves (loss, accuracy against images seen).
 *
 * Series are appended to point by point (amortised O(1), the widget only queues a redraw);
 * drawing decimates every series to one min/max pair per pixel column, so a series of 100,000
 * points costs one pass over its points and a path of a few hundred segments per frame.
 *
 * Axes get "nice" ticks (1, 2 or 5 x 10^k), tick labels in the axis' format, axis labels, a
 * legend, and a hover read-out: a vertical guide at the pointer and a box with each series'
 * value at the point nearest to the pointer's x. Colours of text, axes and grid come from the
 * theme (foreground colour), so the chart works in dark mode; series colours are the caller's.
 *
 * Each series' x values are expected to be appended in non-decreasing order (images seen,
 * epochs): the hover read-out then finds the nearest point by binary search. Series that are
 * not sorted still draw correctly; their hover look-up falls back to a linear scan.
 */
#pragma once

#include "rl-plot.h"

G_BEGIN_DECLS

#define RL_TYPE_CHART (rl_chart_get_type ())
G_DECLARE_FINAL_TYPE (RlChart, rl_chart, RL, CHART, RlPlot)

typedef enum {
  RL_CHART_LINE_SOLID,
  RL_CHART_LINE_DASHED,
} RlChartLineStyle;

typedef enum {
  RL_CHART_FORMAT_PLAIN,    /* 0.25, 3, 1200 */
  RL_CHART_FORMAT_PERCENT,  /* values are fractions: 0.97 is shown as "97%" */
  RL_CHART_FORMAT_COUNT,    /* k/M suffixes: 60000 is "60k", 1200000 is "1.2M" */
} RlChartFormat;

/* Returns: (transfer floating) */
GtkWidget *rl_chart_new               (void);

void       rl_chart_set_title         (RlChart *self, const char *title);
const char *rl_chart_get_title        (RlChart *self);
/* Axis labels say what and in which unit: "images seen", "loss", "accuracy (%)". */
void       rl_chart_set_x_label       (RlChart *self, const char *label);
void       rl_chart_set_y_label       (RlChart *self, const char *label);
/* Fixed y range; min < max, both finite. */
void       rl_chart_set_y_range       (RlChart *self, double min, double max);
/* The y range follows the data, widened to the enclosing nice ticks (the default). */
void       rl_chart_set_y_range_auto  (RlChart *self);
/* Defaults: x RL_CHART_FORMAT_COUNT, y RL_CHART_FORMAT_PLAIN. */
void       rl_chart_set_x_format      (RlChart *self, RlChartFormat format);
void       rl_chart_set_y_format      (RlChart *self, RlChartFormat format);

/* Adds a series and returns its index (0, 1, ...). @color may be NULL: then a colour from a
 * fixed palette is picked by index. @line_width in pixels (> 0); @show_points draws a dot on
 * every point (for sparse series such as one test accuracy per epoch). */
guint      rl_chart_add_series        (RlChart          *self,
                                       const char       *label,
                                       const GdkRGBA    *color,
                                       RlChartLineStyle  style,
                                       double            line_width,
                                       gboolean          show_points);
/* Appends one point. Non-finite values (a diverged loss) are ignored: they have no place on
 * an axis. */
void       rl_chart_append            (RlChart *self, guint series, double x, double y);
/* A point (@x, @y) with a band from @lo to @hi around it (min and max over runs, say): the
 * band is filled in the series' colour, translucent, under every line, between consecutive
 * points that have one (a dashed series' band paler and hatched, a solid one's plain); a non-finite @lo or @hi leaves the point without. The y range
 * includes the band. */
void       rl_chart_append_band       (RlChart *self, guint series, double x, double y,
                                       double lo, double hi);
/* The band at point @i of @series; FALSE when it has none. */
gboolean   rl_chart_get_band          (RlChart *self, guint series, guint i, double *lo,
                                       double *hi);
/* Removes every point, keeps the series. */
void       rl_chart_clear             (RlChart *self);
void       rl_chart_remove_all_series (RlChart *self);

guint      rl_chart_get_n_series      (RlChart *self);
guint      rl_chart_get_n_points      (RlChart *self, guint series);
/* Returns FALSE (and leaves @x, @y alone) when the series has no point. */
gboolean   rl_chart_get_last          (RlChart *self, guint series, double *x, double *y);

/* Lines up the plot areas of @self and @other (both ways): both begin at the wider of their
 * two left margins, which their y tick labels set ("2" beside "100%"), so that one x, images
 * seen say, is at one place in both when they are as wide. NULL undoes it. */
void       rl_chart_align_plot_with   (RlChart *self, RlChart *other);
/* Where the plot area began, from the left, at the last draw (0 before one). */
double     rl_chart_get_plot_left     (RlChart *self);

/* Draws the chart into @cr at @width x @height, as the widget does (with the hover read-out
 * if the pointer is over the plot). For tests and for exporting a PNG. */
void       rl_chart_draw              (RlChart *self, cairo_t *cr, int width, int height);

/* Test hook for the hover read-out: as if the pointer were at (@x, @y) in widget
 * coordinates; a negative @x hides the read-out as the pointer leaving does. */
void       rl_chart_set_hover         (RlChart *self, double x, double y);

/* "Nice" ticks for [@lo, @hi]: the smallest step of the form 1, 2 or 5 x 10^k such that at
 * most @max_ticks (>= 2) ticks fall inside the range, the first tick (the smallest multiple of
 * the step >= @lo) and the number of ticks, first + i * step for i < n. A degenerate range
 * (lo == hi) gives one tick at lo. Returns 0 (with *step and *first set to 0) for a reversed
 * or non-finite range. */
int        rl_chart_nice_ticks        (double lo, double hi, int max_ticks,
                                       double *step, double *first);

/* The ticks of an axis in @format: rl_chart_nice_ticks (), whole numbers apart at the least
 * for RL_CHART_FORMAT_COUNT (a count has no fractions; a range under 1 then gets its whole
 * numbers, or none). */
int        rl_chart_axis_ticks        (RlChartFormat format, double lo, double hi, int max_ticks,
                                       double *step, double *first);

/* Formats @value as a tick label for ticks @step apart (the step decides the decimals).
 * Returns: (transfer full) */
char      *rl_chart_format_value      (RlChartFormat format, double value, double step);

G_END_DECLS
