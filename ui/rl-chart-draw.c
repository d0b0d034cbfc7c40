#define G_LOG_DOMAIN "reslab-ui"

/* rl-chart-draw.c: one frame of the chart (rl-chart.h), drawn with Cairo by rl_chart_draw(),
 * which RlPlot's snapshot calls (one Cairo node per frame), and the tests too.
 * Everything the frame needs (ranges, margins, ticks) is derived from the data here and
 * nothing is kept but the cache of laid-out text: drawing changes no state. The series and
 * their points are rl-chart.c's, the numbers' format rl-chart-numbers.c's.
 *
 * Layout of a frame, in pixels:
 *
 *   +-------------------------------------------------+
 *   | title                        -- series 1  -- s2 |   header row (title left, legend right)
 *   |     +-------------------------------------------+
 *   |  y  | plot area: grid, series, hover guide      |
 *   | lab |                                           |
 *   |     +-------------------------------------------+
 *   |      tick labels                                |
 *   |                  x label                        |
 *   +-------------------------------------------------+
 *
 * The legend shares the header row with the title so it never hides data; it moves to rows of
 * its own when both do not fit, as many as its entries need. A title wider than the chart
 * wraps to a second line (and is cut with "…" only past that).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-chart-private.h"

#include <math.h>

#include "rl-figure-util.h"
#include "rl-widget-util.h"

#define PAD          8.0     /* outer padding */
#define GAP          4.0     /* between a tick label and its axis, between rows */
#define TICK_LEN     4.0
#define X_TICK_SPACE 90.0    /* at most one x tick per this many pixels */
#define Y_TICK_SPACE 40.0

/* More strings than any frame shows (the hover read-out changes with the pointer): past it the
 * cache starts again. */
#define MAX_LAYOUTS 256

/* ---- Geometry of one frame ---------------------------------------------------------------- */

typedef struct {
  double xlo, xhi, ylo, yhi;        /* data range shown */
  double px, py, pw, ph;            /* plot rectangle in pixels */
  gboolean have_data;
} Frame;

static double
map_x (const Frame *f, double x)
{
  return f->px + (x - f->xlo) / (f->xhi - f->xlo) * f->pw;
}

static double
map_y (const Frame *f, double y)
{
  return f->py + f->ph - (y - f->ylo) / (f->yhi - f->ylo) * f->ph;
}

static void
data_bounds (RlChart *self, double *xmin, double *xmax, double *ymin, double *ymax)
{
  *xmin = *ymin = INFINITY;
  *xmax = *ymax = -INFINITY;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->points->len == 0)
        continue;
      *xmin = MIN (*xmin, s->xmin);
      *xmax = MAX (*xmax, s->xmax);
      *ymin = MIN (*ymin, s->ymin);
      *ymax = MAX (*ymax, s->ymax);
    }
}

/* Makes [*lo, *hi] a usable axis range: a single value gets some room around it. */
static void
widen_degenerate (double *lo, double *hi)
{
  if (*hi > *lo)
    return;
  {
    double d = fabs (*lo) > 0.0 ? fabs (*lo) * 0.1 : 1.0;
    *lo -= d;
    *hi += d;
  }
}

static void
compute_ranges (RlChart *self, Frame *f, double plot_h)
{
  double xmin, xmax, ymin, ymax;

  data_bounds (self, &xmin, &xmax, &ymin, &ymax);
  f->have_data = xmin <= xmax;

  if (!f->have_data)
    {
      xmin = 0.0, xmax = 1.0;
      ymin = 0.0, ymax = 1.0;
    }
  widen_degenerate (&xmin, &xmax);
  f->xlo = xmin;
  f->xhi = xmax;

  if (!self->y_auto)
    {
      f->ylo = self->y_min;
      f->yhi = self->y_max;
    }
  else
    {
      double step, first;
      int max_ticks = MAX (2, (int) (plot_h / Y_TICK_SPACE));

      widen_degenerate (&ymin, &ymax);
      /* Widen to the enclosing ticks, so the top and bottom of the plot carry a label. */
      if (rl_chart_nice_ticks (ymin, ymax, max_ticks, &step, &first) > 0 && step > 0.0)
        {
          ymin = floor (ymin / step + 1e-9) * step;
          ymax = ceil (ymax / step - 1e-9) * step;
        }
      widen_degenerate (&ymin, &ymax);
      f->ylo = ymin;
      f->yhi = ymax;
    }
}

/* ---- Drawing ------------------------------------------------------------------------------- */

typedef struct {
  RlChart     *self;
  cairo_t     *cr;
  GdkRGBA      fg;
} Painter;

/* @text laid out with the widget's font, from the cache when it has it (owned by the cache) */
static PangoLayout *
get_layout (RlChart *self, const char *text)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);
  PangoLayout *layout;

  /* a new font, resolution or direction: everything is laid out again */
  if (serial != self->layouts_serial || g_hash_table_size (self->layouts) >= MAX_LAYOUTS)
    {
      g_hash_table_remove_all (self->layouts);
      g_clear_object (&self->wrapped_title);
      self->layouts_serial = serial;
    }
  layout = g_hash_table_lookup (self->layouts, text);
  if (layout == NULL)
    {
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      g_hash_table_insert (self->layouts, g_strdup (text), layout);
    }
  return layout;
}

static void
set_fg (Painter *p, double alpha)
{
  cairo_set_source_rgba (p->cr, p->fg.red, p->fg.green, p->fg.blue, p->fg.alpha * alpha);
}

static void
text_size (Painter *p, const char *text, double *w, double *h)
{
  int iw, ih;

  pango_layout_get_pixel_size (get_layout (p->self, text), &iw, &ih);
  *w = iw;
  *h = ih;
}

/* Draws @text with its top-left corner at (@x, @y). */
static void
draw_text (Painter *p, const char *text, double x, double y)
{
  cairo_move_to (p->cr, round (x), round (y));
  pango_cairo_show_layout (p->cr, get_layout (p->self, text));
}

/* @text wrapped to @max_w, in two lines at most (the second ending in "…" when they are too
 * few): a long title in a narrow chart, which one ellipsized line cut short. Kept for the
 * next frame, as get_layout () keeps one line. Returns: (transfer none) */
static PangoLayout *
wrapped_layout (Painter *p, const char *text, double max_w)
{
  RlChart *self = p->self;
  PangoLayout *one_line = get_layout (self, text);   /* first: a new context clears both */
  int width = (int) (MAX (max_w, 1.0) * PANGO_SCALE);

  if (self->wrapped_title != NULL && pango_layout_get_width (self->wrapped_title) == width
      && strcmp (pango_layout_get_text (self->wrapped_title), text) == 0)
    return self->wrapped_title;
  g_clear_object (&self->wrapped_title);
  self->wrapped_title = pango_layout_copy (one_line);
  pango_layout_set_width (self->wrapped_title, width);
  pango_layout_set_wrap (self->wrapped_title, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (self->wrapped_title, -2);
  pango_layout_set_ellipsize (self->wrapped_title, PANGO_ELLIPSIZE_END);
  return self->wrapped_title;
}

static double
legend_entry_width (Painter *p, Series *s)
{
  double w, h;

  text_size (p, s->label != NULL ? s->label : "", &w, &h);
  return 22.0 + w;     /* 16 px line sample, 6 px gap */
}

static double
legend_width (Painter *p)
{
  RlChart *self = p->self;
  double total = 0.0;

  for (guint i = 0; i < self->series->len; i++)
    total += (i > 0 ? 14.0 : 0.0) + legend_entry_width (p, g_ptr_array_index (self->series, i));
  return total;
}

static void
set_series_line (cairo_t *cr, const Series *s)
{
  static const double dash[] = { 6.0, 4.0 };

  cairo_set_line_width (cr, s->line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (s->style == RL_CHART_LINE_DASHED)
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
  else
    cairo_set_dash (cr, NULL, 0, 0.0);
  gdk_cairo_set_source_rgba (cr, &s->color);
}

/* The legend's entries in rows no wider than @avail, each row flush right at @right, the first
 * at @y; draws them when @draw. In a narrow chart the legend wraps rather than running off
 * its left edge. Returns: the number of rows */
static int
layout_legend (Painter *p, double right, double avail, double y, double row_h, gboolean draw)
{
  RlChart *self = p->self;
  guint first = 0;
  int rows = 0;

  while (first < self->series->len)
    {
      double row_w = legend_entry_width (p, g_ptr_array_index (self->series, first));
      guint end = first + 1;
      double x;

      for (; end < self->series->len; end++)
        {
          double w = 14.0 + legend_entry_width (p, g_ptr_array_index (self->series, end));

          if (row_w + w > avail)
            break;
          row_w += w;
        }

      x = right - row_w;
      for (guint i = first; draw && i < end; i++)
        {
          Series *s = g_ptr_array_index (self->series, i);
          double cy = y + row_h / 2.0;

          cairo_save (p->cr);
          set_series_line (p->cr, s);
          cairo_move_to (p->cr, x, cy);
          cairo_line_to (p->cr, x + 16.0, cy);
          cairo_stroke (p->cr);
          if (s->show_points)
            {
              cairo_arc (p->cr, x + 8.0, cy, s->line_width + 1.5, 0, 2 * G_PI);
              cairo_fill (p->cr);
            }
          cairo_restore (p->cr);

          set_fg (p, 0.9);
          draw_text (p, s->label != NULL ? s->label : "", x + 22.0, y);
          x += legend_entry_width (p, s) + 14.0;
        }
      y += row_h + GAP;
      rows++;
      first = end;
    }
  return rows;
}

/* One series, decimated: when there are more points than pixel columns, each column becomes
 * its first, lowest, highest and last value, which keeps every spike visible. */
static void
draw_series (Painter *p, const Frame *f, Series *s)
{
  cairo_t *cr = p->cr;
  const Point *pts = (const Point *) s->points->data;
  guint n = s->points->len;
  int columns = MAX (1, (int) f->pw);

  if (n == 0)
    return;

  cairo_save (cr);
  set_series_line (cr, s);

  if (n <= (guint) (2 * columns))
    {
      for (guint i = 0; i < n; i++)
        cairo_line_to (cr, map_x (f, pts[i].x), map_y (f, pts[i].y));
    }
  else
    {
      double scale = columns / (f->xhi - f->xlo);
      int col = G_MININT;
      double first = 0, last = 0, lo = 0, hi = 0;

      for (guint i = 0; i <= n; i++)
        {
          int c = i < n ? (int) floor ((pts[i].x - f->xlo) * scale) : G_MAXINT;

          if (c != col)
            {
              if (col != G_MININT)
                {
                  double cx = f->px + CLAMP (col, 0, columns - 1) + 0.5;

                  cairo_line_to (cr, cx, map_y (f, first));
                  cairo_line_to (cr, cx, map_y (f, lo));
                  cairo_line_to (cr, cx, map_y (f, hi));
                  cairo_line_to (cr, cx, map_y (f, last));
                }
              if (i == n)
                break;
              col = c;
              first = lo = hi = pts[i].y;
            }
          last = pts[i].y;
          lo = MIN (lo, last);
          hi = MAX (hi, last);
        }
    }
  cairo_stroke (cr);

  /* Dots only while they stay apart; past that they would just thicken the line. */
  if (s->show_points && n <= (guint) MAX (1, columns / 4))
    {
      for (guint i = 0; i < n; i++)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, map_x (f, pts[i].x), map_y (f, pts[i].y), s->line_width + 1.5,
                     0, 2 * G_PI);
        }
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

/* A series' band (rl_chart_append_band): its colour, translucent, from lo to hi over runs of
 * points that have one. Drawn under every line. A dashed series' band is paler and hatched,
 * so where the bands of a plain twin (dashed) and its residual twin (solid, one colour per
 * run) overlap, each can still be told. */
static void
draw_band (Painter *p, const Frame *f, Series *s)
{
  cairo_t *cr = p->cr;
  const Point *pts = (const Point *) s->points->data;
  const Point *band;
  guint n = s->points->len;
  gboolean hatched = s->style == RL_CHART_LINE_DASHED;

  if (s->band == NULL || n < 2)
    return;
  band = (const Point *) s->band->data;
  cairo_save (cr);
  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j < n && isfinite (band[j].x) && isfinite (band[j].y))
        j++;
      if (j - i >= 2)
        {
          cairo_move_to (cr, map_x (f, pts[i].x), map_y (f, band[i].y));
          for (guint k = i + 1; k < j; k++)
            cairo_line_to (cr, map_x (f, pts[k].x), map_y (f, band[k].y));
          for (guint k = j; k-- > i;)
            cairo_line_to (cr, map_x (f, pts[k].x), map_y (f, band[k].x));
          cairo_close_path (cr);
          /* as the exported figures draw it (rl-figure.c) */
          rl_figure_fill_band (cr, s->color.red, s->color.green, s->color.blue,
                               0.2 * s->color.alpha, hatched);
        }
      i = j + 1;
    }
  cairo_restore (cr);
}

/* Index of the point whose x is nearest to @x. */
static guint
nearest_point (const Series *s, double x)
{
  const Point *pts = (const Point *) s->points->data;
  guint n = s->points->len;
  guint best = 0;

  if (s->sorted)
    {
      guint lo = 0, hi = n;   /* first index with pts[i].x >= x */

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (pts[mid].x < x)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo == n)
        return n - 1;
      if (lo > 0 && x - pts[lo - 1].x <= pts[lo].x - x)
        return lo - 1;
      return lo;
    }

  for (guint i = 1; i < n; i++)
    if (fabs (pts[i].x - x) < fabs (pts[best].x - x))
      best = i;
  return best;
}

static void
draw_hover (Painter *p, const Frame *f)
{
  RlChart *self = p->self;
  cairo_t *cr = p->cr;
  double data_x, box_w, box_h, line_h, bx, by;
  g_autoptr (GPtrArray) lines = NULL;
  g_autofree RlPlotReadoutLine *readout = NULL;
  g_autofree char *xs = NULL;
  g_autoptr (PangoLayout) layout = NULL;

  if (self->hover_x < f->px || self->hover_x > f->px + f->pw ||
      self->hover_y < f->py || self->hover_y > f->py + f->ph || !f->have_data)
    return;

  data_x = f->xlo + (self->hover_x - f->px) / f->pw * (f->xhi - f->xlo);

  /* guide */
  set_fg (p, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, floor (self->hover_x) + 0.5, f->py);
  cairo_line_to (cr, floor (self->hover_x) + 0.5, f->py + f->ph);
  cairo_stroke (cr);

  /* text lines: the pointer's x, then one per non-empty series */
  lines = g_ptr_array_new_with_free_func (g_free);
  readout = g_new0 (RlPlotReadoutLine, self->series->len + 1);
  xs = _rl_chart_format_readout (self->x_format, data_x);
  g_ptr_array_add (lines, g_strdup_printf ("%s %s", self->x_label != NULL ? self->x_label : "x",
                                           xs));
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const Point *pt;
      g_autofree char *ys = NULL;

      readout[i + 1].swatch = &s->color;
      if (s->points->len == 0)
        {
          g_ptr_array_add (lines, NULL);
          continue;
        }
      pt = &g_array_index (s->points, Point, nearest_point (s, data_x));
      ys = _rl_chart_format_readout (self->y_format, pt->y);
      g_ptr_array_add (lines, g_strdup_printf ("%s: %s", s->label != NULL ? s->label : "", ys));

      /* marker on the curve */
      if (pt->y >= f->ylo && pt->y <= f->yhi)
        {
          gdk_cairo_set_source_rgba (cr, &s->color);
          cairo_arc (cr, map_x (f, pt->x), map_y (f, pt->y), 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  for (guint i = 0; i < lines->len; i++)
    readout[i].text = g_ptr_array_index (lines, i);

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  rl_plot_readout_measure (layout, readout, lines->len, &box_w, &box_h, &line_h);
  bx = self->hover_x + 10.0;
  if (bx + box_w > f->px + f->pw)
    bx = self->hover_x - 10.0 - box_w;
  bx = MAX (bx, f->px);
  by = f->py + 6.0;
  rl_plot_readout_draw (cr, layout, &p->fg, readout, lines->len, bx, by, box_w, box_h, line_h);
}

static gboolean
redraw_idle (gpointer data)
{
  gtk_widget_queue_draw (data);
  return G_SOURCE_REMOVE;
}

void
rl_chart_draw (RlChart *self, cairo_t *cr, int width, int height)
{
  Painter p = { self, cr, { 0 } };
  Frame f = { 0 };
  double th, tw, w, h, header_h = 0.0, top, bottom, left, right, legend_w = 0.0, title_w = 0.0;
  double title_h = 0.0;
  PangoLayout *wrapped = NULL;   /* the title, when one line is too narrow for it (cached) */
  double xstep, xfirst, ystep, yfirst;
  int nx, ny;
  int legend_rows = 0;     /* rows of their own under the title; 0: beside it */

  g_return_if_fail (RL_IS_CHART (self));
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;

  rl_widget_get_color (GTK_WIDGET (self), &p.fg);
  text_size (&p, "0.9Mk%", &tw, &th);

  /* header: title and legend */
  if (self->title != NULL && *self->title != '\0')
    {
      text_size (&p, self->title, &title_w, &title_h);
      if (title_w > width - 2 * PAD)
        {
          int ww, wh;

          wrapped = wrapped_layout (&p, self->title, width - 2 * PAD);
          pango_layout_get_pixel_size (wrapped, &ww, &wh);
          title_w = ww;
          title_h = wh;
        }
    }
  if (self->series->len > 0)
    legend_w = legend_width (&p);
  if (title_w > 0.0 || legend_w > 0.0)
    {
      header_h = MAX (title_h, th) + GAP;
      if (legend_w > 0.0
          && (wrapped != NULL
              || (title_w > 0.0 ? title_w + 24.0 : 0.0) + legend_w > width - 2 * PAD))
        {
          legend_rows = layout_legend (&p, width - PAD, width - 2 * PAD, 0.0, th, FALSE);
          header_h = (title_w > 0.0 ? title_h + GAP : 0.0) + legend_rows * (th + GAP);
        }
    }

  /* The y tick labels' width depends on the y range, which depends on the plot height, which
   * does not depend on the width: compute the range first. */
  top = PAD + header_h + th / 2.0;          /* room for the top y label's upper half */
  bottom = PAD + TICK_LEN + GAP + th + (self->x_label != NULL ? GAP + th : 0.0);
  compute_ranges (self, &f, height - top - bottom);

  ny = rl_chart_axis_ticks (self->y_format, f.ylo, f.yhi, MAX (2, (int) ((height - top - bottom) / Y_TICK_SPACE)),
                            &ystep, &yfirst);
  left = 0.0;
  for (int i = 0; i < ny; i++)
    {
      g_autofree char *s = rl_chart_format_value (self->y_format, yfirst + i * ystep, ystep);

      text_size (&p, s, &w, &h);
      left = MAX (left, w);
    }
  left += PAD + GAP + TICK_LEN + (self->y_label != NULL ? th + GAP : 0.0);
  /* lined up with the other chart: the wider margin of the two; when this one's own need
   * changed, the other draws again with it, from an idle: a redraw queued now, while their
   * common parent is being drawn, is lost when the parent's drawing ends (it was: two empty
   * charts stayed 17 px apart) */
  if (left != self->left_needed)
    {
      self->left_needed = left;
      if (self->aligned != NULL)
        g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, redraw_idle, g_object_ref (self->aligned),
                         g_object_unref);
    }
  if (self->aligned != NULL)
    left = MAX (left, self->aligned->left_needed);
  right = PAD + tw;   /* the last x tick label is centred on the plot's right edge */

  f.px = round (left);
  self->plot_left = f.px;
  f.py = round (top);
  f.pw = round (width - left - right);
  f.ph = round (height - top - bottom);
  if (f.pw < 8.0 || f.ph < 8.0)
    return;

  /* header */
  if (title_w > 0.0)
    {
      set_fg (&p, 1.0);
      if (wrapped != NULL)
        {
          cairo_move_to (cr, PAD, PAD);
          pango_cairo_show_layout (cr, wrapped);
        }
      else
        draw_text (&p, self->title, PAD, PAD);
    }
  if (legend_w > 0.0)
    layout_legend (&p, width - PAD, legend_rows > 0 ? width - 2 * PAD : G_MAXDOUBLE,
                   PAD + (legend_rows > 0 && title_w > 0.0 ? title_h + GAP : 0.0), th, TRUE);

  /* y grid and tick labels */
  cairo_set_line_width (cr, 1.0);
  for (int i = 0; i < ny; i++)
    {
      double v = yfirst + i * ystep;
      double y = floor (map_y (&f, v)) + 0.5;
      g_autofree char *s = rl_chart_format_value (self->y_format, v, ystep);

      set_fg (&p, 0.12);
      cairo_move_to (cr, f.px, y);
      cairo_line_to (cr, f.px + f.pw, y);
      cairo_stroke (cr);
      set_fg (&p, 0.5);
      cairo_move_to (cr, f.px - TICK_LEN, y);
      cairo_line_to (cr, f.px, y);
      cairo_stroke (cr);
      text_size (&p, s, &w, &h);
      set_fg (&p, 0.8);
      draw_text (&p, s, f.px - TICK_LEN - GAP - w, y - h / 2.0);
    }

  /* x grid and tick labels */
  nx = rl_chart_axis_ticks (self->x_format, f.xlo, f.xhi, MAX (2, (int) (f.pw / X_TICK_SPACE)),
                            &xstep, &xfirst);
  for (int i = 0; i < nx; i++)
    {
      double v = xfirst + i * xstep;
      double x = floor (map_x (&f, v)) + 0.5;
      g_autofree char *s = rl_chart_format_value (self->x_format, v, xstep);

      set_fg (&p, 0.12);
      cairo_move_to (cr, x, f.py);
      cairo_line_to (cr, x, f.py + f.ph);
      cairo_stroke (cr);
      set_fg (&p, 0.5);
      cairo_move_to (cr, x, f.py + f.ph);
      cairo_line_to (cr, x, f.py + f.ph + TICK_LEN);
      cairo_stroke (cr);
      text_size (&p, s, &w, &h);
      set_fg (&p, 0.8);
      draw_text (&p, s, x - w / 2.0, f.py + f.ph + TICK_LEN + GAP);
    }

  /* axes */
  set_fg (&p, 0.5);
  cairo_move_to (cr, f.px + 0.5, f.py);
  cairo_line_to (cr, f.px + 0.5, f.py + f.ph + 0.5);
  cairo_line_to (cr, f.px + f.pw, f.py + f.ph + 0.5);
  cairo_stroke (cr);

  /* axis labels */
  set_fg (&p, 0.9);
  if (self->x_label != NULL)
    {
      text_size (&p, self->x_label, &w, &h);
      draw_text (&p, self->x_label, f.px + (f.pw - w) / 2.0, height - PAD - h);
    }
  if (self->y_label != NULL)
    {
      text_size (&p, self->y_label, &w, &h);
      cairo_save (cr);
      cairo_translate (cr, PAD, f.py + (f.ph + w) / 2.0);
      cairo_rotate (cr, -G_PI / 2.0);
      draw_text (&p, self->y_label, 0.0, 0.0);
      cairo_restore (cr);
    }

  /* series, clipped to the plot */
  cairo_save (cr);
  cairo_rectangle (cr, f.px, f.py - 2.0, f.pw + 2.0, f.ph + 4.0);
  cairo_clip (cr);
  for (guint i = 0; i < self->series->len; i++)
    draw_band (&p, &f, g_ptr_array_index (self->series, i));
  for (guint i = 0; i < self->series->len; i++)
    draw_series (&p, &f, g_ptr_array_index (self->series, i));
  cairo_restore (cr);

  if (!f.have_data)
    {
      const char *msg = _("No data yet");

      text_size (&p, msg, &w, &h);
      set_fg (&p, 0.5);
      draw_text (&p, msg, f.px + (f.pw - w) / 2.0, f.py + (f.ph - h) / 2.0);
    }

  draw_hover (&p, &f);
}
