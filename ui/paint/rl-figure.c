#define G_LOG_DOMAIN "reslab-figure"

/* rl-figure.c: the degradation and layer-statistics figures (see rl-figure.h).
 *
 * Everything is drawn in device units of the target (pixels for PNG, points for SVG), the face
 * chosen with Cairo's toy calls (rl_figure_font_family (): sans-serif, or the translation's) and
 * the text set with Pango through rl-figure-util.h, which takes a glyph the face lacks from
 * another font. Titles, axis labels and legends are translated; the tick numbers are
 * formatted in C (g_ascii_formatd), as the CSVs beside the figures.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-figure.h"

#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-paint-file.h"

#define FONT_SIZE 13.0
#define SMALL_SIZE 11.5
/* See rl_figure_draw_layers. */
#define RESPONSE_WARMUP 30

/* One colour per depth, in the order given (a colour-blind-safe set after Tableau 10). */
static const double palette[][3] = {
  { 0.12, 0.47, 0.71 },   /* blue */
  { 1.00, 0.50, 0.05 },   /* orange */
  { 0.17, 0.63, 0.17 },   /* green */
  { 0.84, 0.15, 0.16 },   /* red */
  { 0.58, 0.40, 0.74 },   /* purple */
  { 0.55, 0.34, 0.29 },   /* brown */
  { 0.89, 0.47, 0.76 },   /* pink */
  { 0.50, 0.50, 0.50 },   /* grey */
};

/* A plot area and the data range it shows. */
typedef struct {
  double x0, y0, w, h;        /* plot area, device units; y0 is the top */
  double xmin, xmax;
  double ymin, ymax;          /* for a log axis, the values (not their logarithms) */
  gboolean ylog;
  GArray *marks;              /* (nullable) device points drawn so far, x y pairs of doubles:
                               * the legend goes where it hides fewest */
} Axes;

static double
axes_x (const Axes *a, double v)
{
  return a->x0 + (v - a->xmin) / (a->xmax - a->xmin) * a->w;
}

static double
axes_y (const Axes *a, double v)
{
  double t;

  if (a->ylog)
    t = (log10 (v) - log10 (a->ymin)) / (log10 (a->ymax) - log10 (a->ymin));
  else
    t = (v - a->ymin) / (a->ymax - a->ymin);
  return a->y0 + a->h * (1.0 - t);
}

static void
set_rgb (cairo_t *cr, const double rgb[3], double alpha)
{
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
}

/* The smallest 1, 2, 2.5, 5 or 10 times a power of ten at or above @v. */
static double
nice_ceil (double v)
{
  static const double m[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
  double p;

  if (!(v > 0.0))
    return 1.0;
  p = pow (10.0, floor (log10 (v)));
  for (guint i = 0; i < G_N_ELEMENTS (m); i++)
    if (m[i] * p >= v * (1.0 - 1e-9))
      return m[i] * p;
  return 10.0 * p;
}

static void
format_tick (char *buf, size_t size, double v, double step)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (fabs (v) < step * 1e-6)
    v = 0.0;
  if (step >= 1000.0 && fmod (v, 1000.0) == 0.0)
    g_snprintf (buf, size, "%sk", g_ascii_formatd (num, sizeof num, "%g", v / 1000.0));
  else
    g_snprintf (buf, size, "%s", g_ascii_formatd (num, sizeof num, "%g", v));
}

/* The horizontal grid line at value @v, its tick on the left axis and the tick's @label. */
static void
draw_y_tick (cairo_t *cr, const Axes *a, double v, const char *label)
{
  double y = round (axes_y (a, v)) + 0.5;

  cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
  cairo_move_to (cr, a->x0, y);
  cairo_line_to (cr, a->x0 + a->w, y);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_move_to (cr, a->x0 - 4, y);
  cairo_line_to (cr, a->x0, y);
  cairo_stroke (cr);
  rl_figure_draw_text (cr, a->x0 - 6, y, 1.0, 0.5, label);
}

/* Frame, grid, ticks and their labels, axis labels and the panel title. */
static void
draw_axes (cairo_t *cr, const Axes *a, const char *xlabel, const char *ylabel,
           const char *title)
{
  char buf[64];

  cairo_save (cr);
  cairo_set_font_size (cr, SMALL_SIZE);
  cairo_set_line_width (cr, 1.0);

  /* x ticks and vertical grid */
  {
    double step = rl_figure_nice_step (a->xmax - a->xmin, 6);
    for (double v = ceil (a->xmin / step) * step; v <= a->xmax + step * 1e-6; v += step)
      {
        double x = round (axes_x (a, v)) + 0.5;

        cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
        cairo_move_to (cr, x, a->y0);
        cairo_line_to (cr, x, a->y0 + a->h);
        cairo_stroke (cr);
        cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
        cairo_move_to (cr, x, a->y0 + a->h);
        cairo_line_to (cr, x, a->y0 + a->h + 4);
        cairo_stroke (cr);
        format_tick (buf, sizeof buf, v, step);
        rl_figure_draw_text (cr, x, a->y0 + a->h + 6, 0.5, 0.0, buf);
      }
  }

  /* y ticks and horizontal grid */
  if (a->ylog)
    {
      int lo = (int) floor (log10 (a->ymin) + 1e-9), hi = (int) ceil (log10 (a->ymax) - 1e-9);
      gboolean minor = hi - lo <= 2;

      for (int e = lo; e <= hi; e++)
        for (int m = 1; m <= 5; m++)
          {
            double v = (m == 3 || m == 4) ? -1.0 : m * pow (10.0, e);
            char num[G_ASCII_DTOSTR_BUF_SIZE];

            if (v < a->ymin * (1 - 1e-9) || v > a->ymax * (1 + 1e-9) || (m > 1 && !minor))
              continue;
            draw_y_tick (cr, a, v, g_ascii_formatd (num, sizeof num, "%g", v));
          }
    }
  else
    {
      double step = rl_figure_nice_step (a->ymax - a->ymin, 5);
      for (double v = ceil (a->ymin / step) * step; v <= a->ymax + step * 1e-6; v += step)
        {
          format_tick (buf, sizeof buf, v, step);
          draw_y_tick (cr, a, v, buf);
        }
    }

  rl_figure_stroke_frame (cr, a->x0, a->y0, a->w, a->h);

  cairo_set_font_size (cr, FONT_SIZE);
  rl_figure_draw_text (cr, a->x0 + a->w / 2, a->y0 + a->h + 24, 0.5, 0.0, xlabel);
  rl_figure_draw_text_up (cr, a->x0 - 50, a->y0 + a->h / 2, ylabel);
  if (title != NULL)
    {
      cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                              CAIRO_FONT_WEIGHT_BOLD);
      rl_figure_draw_text (cr, a->x0 + a->w / 2, a->y0 - 8, 0.5, 1.0, title);
    }
  cairo_restore (cr);
}

/* A polyline through the finite points; a non-finite value (or one a log axis cannot show)
 * breaks the line. */
static void
draw_series (cairo_t *cr, const Axes *a, const double *xs, const double *ys, guint n,
             gboolean dots)
{
  gboolean pen_down = FALSE;
  double px, py, prev_x = 0.0, prev_y = 0.0;

  cairo_save (cr);
  cairo_rectangle (cr, a->x0, a->y0, a->w, a->h);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < n; i++)
    {
      gboolean ok = isfinite (xs[i]) && isfinite (ys[i]) && (!a->ylog || ys[i] > 0.0);

      if (!ok)
        {
          pen_down = FALSE;
          continue;
        }
      px = axes_x (a, xs[i]);
      py = axes_y (a, ys[i]);
      /* the point, and points along the segment to it: lines count as well as points */
      if (a->marks != NULL)
        for (int k = pen_down ? 1 : 8; k <= 8; k++)
          {
            double mx = pen_down ? prev_x + (px - prev_x) * k / 8.0 : px;
            double my = pen_down ? prev_y + (py - prev_y) * k / 8.0 : py;

            g_array_append_val (a->marks, mx);
            g_array_append_val (a->marks, my);
          }
      prev_x = px;
      prev_y = py;
      if (pen_down)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen_down = TRUE;
    }
  cairo_stroke (cr);
  if (dots)
    for (guint i = 0; i < n; i++)
      if (isfinite (xs[i]) && isfinite (ys[i]) && (!a->ylog || ys[i] > 0.0))
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, axes_x (a, xs[i]), axes_y (a, ys[i]),
                     cairo_get_line_width (cr) + 1.0, 0, 2 * G_PI);
          cairo_fill (cr);
        }
  cairo_restore (cr);
}

/* A translucent band in @rgb at @alpha from @lo to @hi over the points where both are finite;
 * a point where either is not breaks it. @hatched: paler and hatched (rl_figure_fill_band), as
 * the Experiment view's chart draws a plain twin's band. */
static void
draw_band (cairo_t *cr, const Axes *a, const double *xs, const double *lo, const double *hi,
           guint n, const double rgb[3], double alpha, gboolean hatched)
{
  cairo_save (cr);
  cairo_rectangle (cr, a->x0, a->y0, a->w, a->h);
  cairo_clip (cr);
  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j < n && isfinite (xs[j]) && isfinite (lo[j]) && isfinite (hi[j]))
        j++;
      if (j - i >= 2)
        {
          cairo_move_to (cr, axes_x (a, xs[i]), axes_y (a, hi[i]));
          for (guint k = i + 1; k < j; k++)
            cairo_line_to (cr, axes_x (a, xs[k]), axes_y (a, hi[k]));
          for (guint k = j; k-- > i;)
            cairo_line_to (cr, axes_x (a, xs[k]), axes_y (a, lo[k]));
          cairo_close_path (cr);
          rl_figure_fill_band (cr, rgb[0], rgb[1], rgb[2], alpha, hatched);
        }
      i = j + 1;
    }
  cairo_restore (cr);
}

typedef struct {
  char   text[128];   /* UTF-8: a Chinese character is 3 bytes */
  double rgb[3];
  double width;       /* line width of the sample */
  gboolean dashed;
  gboolean band;      /* a light bar (a shaded band's key) rather than a line */
  gboolean hatched;   /* with band: the bar paler and hatched, as a plain twin's band */
} LegendItem;

/* A legend box in the top right corner of @a. */
static void
draw_legend (cairo_t *cr, const Axes *a, const LegendItem *items, guint n)
{
  const double line = 18.0, sample = 26.0, pad = 7.0;
  double wmax = 0.0, bw, bh, bx, by;

  if (n == 0)
    return;
  cairo_save (cr);
  cairo_set_font_size (cr, SMALL_SIZE);
  for (guint i = 0; i < n; i++)
    wmax = MAX (wmax, rl_figure_text_width (cr, items[i].text));
  bw = pad * 3 + sample + wmax;
  bh = pad * 2 + line * n;
  bx = a->x0 + a->w - bw - 8;
  by = a->y0 + 8;
  if (a->marks != NULL)
    {
      /* top right unless another corner or side hides fewer of the drawn points */
      const double cx[] = { a->x0 + a->w - bw - 8, a->x0 + 8 };
      const double cy[] = { a->y0 + 8, a->y0 + (a->h - bh) / 2, a->y0 + a->h - bh - 8 };
      guint best = G_MAXUINT;

      for (guint j = 0; j < G_N_ELEMENTS (cy); j++)
        for (guint i = 0; i < G_N_ELEMENTS (cx); i++)
          {
            guint hidden = 0;

            for (guint k = 0; k + 1 < a->marks->len; k += 2)
              {
                double mx = g_array_index (a->marks, double, k);
                double my = g_array_index (a->marks, double, k + 1);

                hidden += mx >= cx[i] - 4 && mx <= cx[i] + bw + 4 && my >= cy[j] - 4 &&
                          my <= cy[j] + bh + 4;
              }
            if (hidden < best)
              {
                best = hidden;
                bx = cx[i];
                by = cy[j];
              }
          }
    }
  cairo_rectangle (cr, bx, by, bw, bh);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  for (guint i = 0; i < n; i++)
    {
      double y = by + pad + line * (i + 0.5);
      static const double dash[] = { 6.0, 4.0 };

      if (items[i].band)
        {
          /* a bar as wide as the band's line is thick, filled as the bands are */
          cairo_rectangle (cr, bx + pad, y - items[i].width / 2, sample, items[i].width);
          rl_figure_fill_band (cr, items[i].rgb[0], items[i].rgb[1], items[i].rgb[2], 0.25,
                               items[i].hatched);
        }
      else
        {
          set_rgb (cr, items[i].rgb, 1.0);
          cairo_set_line_width (cr, items[i].width);
          cairo_set_dash (cr, dash, items[i].dashed ? 2 : 0, 0);
          cairo_move_to (cr, bx + pad, y);
          cairo_line_to (cr, bx + pad + sample, y);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      rl_figure_draw_text (cr, bx + 2 * pad + sample, y, 0.0, 0.5, items[i].text);
    }
  cairo_restore (cr);
}

/* Two panels side by side below @top, with room for labels. */
static void
layout_panels (double width, double height, double top, Axes *left, Axes *right)
{
  const double ml = 72, mr = 16, mt = 26, mb = 52, gap = 24;
  double pw = (width - 2 * ml - 2 * mr - gap) / 2;

  left->x0 = ml;
  right->x0 = ml + pw + mr + gap + ml;
  left->y0 = right->y0 = top + mt;
  left->w = right->w = MAX (pw, 1.0);
  left->h = right->h = MAX (height - top - mt - mb, 1.0);
}

/* ---- Degradation (Fig. 6) ------------------------------------------------------------------ */

void
rl_figure_draw_degradation (cairo_t *cr, double width, double height,
                            RlExperimentGroup *const *groups, guint n, const char *title)
{
  Axes panel[RL_N_TWINS] = { { 0 } };
  double top, xmax = 1.0, emax = 0.0;
  char panel_title[RL_N_TWINS][160];
  static const RlExperimentValue values[] = { RL_EXPERIMENT_TRAIN_ERROR,
                                              RL_EXPERIMENT_TEST_ERROR };
  guint max_seeds = 1;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (groups != NULL || n == 0);

  top = rl_figure_begin (cr, width, title, FONT_SIZE, 12.0);
  layout_panels (width, height, top, &panel[0], &panel[1]);

  /* The y range leaves out the first fifth of the run, where every net is still near chance,
   * so the part where the curves differ fills the panel (as the paper's Fig. 6 does); the
   * start runs off the top. It holds the bands' tops, not just the means. */
  for (guint e = 0; e < n; e++)
    {
      double total = (double) rl_experiment_group_get_total_iterations (groups[e]);

      xmax = MAX (xmax, total);
      max_seeds = MAX (max_seeds, rl_experiment_group_get_n_seeds (groups[e]));
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          guint np = rl_experiment_group_get_n_points (groups[e], (RlTwin) t);

          for (guint i = 0; i < np; i++)
            for (guint v = 0; v < G_N_ELEMENTS (values); v++)
              {
                uint64_t it;
                double hi;

                rl_experiment_group_get_point (groups[e], (RlTwin) t, i, values[v], &it, NULL,
                                               NULL, &hi);
                if (it < 0.2 * total && i + 1 < np)
                  continue;
                if (isfinite (hi))
                  emax = MAX (emax, hi);
              }
        }
    }

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      Axes *a = &panel[t];
      g_autofree LegendItem *items = g_new0 (LegendItem, n + 3);
      guint n_items = 0;

      a->xmin = 0.0;
      a->xmax = xmax;
      a->ymin = 0.0;
      a->ymax = MIN (nice_ceil (MAX (emax * 100.0 * 1.1, 1.0)), 100.0);
      g_snprintf (panel_title[t], sizeof panel_title[t], "%s",
                  /* TRANSLATORS: the titles of the figure's two panels */
                  t == RL_TWIN_PLAIN ? C_("figure panel", "plain") : _("residual (ResNet)"));
      if (t == RL_TWIN_RESIDUAL && n > 0)
        g_snprintf (panel_title[t], sizeof panel_title[t],
                    /* TRANSLATORS: a panel's title; %s is the shortcut option, A or B */
                    _("residual (ResNet), shortcut %s"),
                    rl_shortcut_name (rl_experiment_group_get_config (groups[0])->shortcut));
      /* TRANSLATORS: the x and y axis labels of the degradation figure */
      draw_axes (cr, a, _("iterations"), _("error (%)"), panel_title[t]);
      a->marks = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint e = 0; e < n; e++)
        {
          guint np = rl_experiment_group_get_n_points (groups[e], (RlTwin) t);
          g_autofree double *xs = g_new (double, MAX (np, 1));
          g_autofree double *mean = g_new (double, MAX (np, 1));
          g_autofree double *lo = g_new (double, MAX (np, 1));
          g_autofree double *hi = g_new (double, MAX (np, 1));
          const double *rgb = palette[e % G_N_ELEMENTS (palette)];
          gboolean seeds = rl_experiment_group_get_n_seeds (groups[e]) > 1;

          /* the bands first, under every line: training error lighter than test error; the
           * plain twin's paler and hatched, as the Experiment view's chart draws them */
          for (guint v = 0; v < G_N_ELEMENTS (values) && seeds; v++)
            {
              for (guint i = 0; i < np; i++)
                {
                  uint64_t it;

                  rl_experiment_group_get_point (groups[e], (RlTwin) t, i, values[v], &it,
                                                 NULL, &lo[i], &hi[i]);
                  xs[i] = (double) it;
                  lo[i] *= 100.0;
                  hi[i] *= 100.0;
                }
              draw_band (cr, a, xs, lo, hi, np, rgb, v == 0 ? 0.12 : 0.22,
                         t == RL_TWIN_PLAIN);
            }
          for (guint v = 0; v < G_N_ELEMENTS (values); v++)
            {
              for (guint i = 0; i < np; i++)
                {
                  uint64_t it;

                  rl_experiment_group_get_point (groups[e], (RlTwin) t, i, values[v], &it,
                                                 &mean[i], NULL, NULL);
                  xs[i] = (double) it;
                  mean[i] *= 100.0;
                }
              set_rgb (cr, rgb, v == 0 ? 0.9 : 1.0);
              cairo_set_line_width (cr, v == 0 ? 1.0 : 2.6);
              draw_series (cr, a, xs, mean, np, FALSE);
            }

          g_strlcpy (items[n_items].text, rl_experiment_group_get_name (groups[e], (RlTwin) t),
                     sizeof items[n_items].text);
          memcpy (items[n_items].rgb, rgb, sizeof items[n_items].rgb);
          items[n_items++].width = 2.6;
        }
      /* the line-weight key */
      /* TRANSLATORS: the legend's key to the line weights */
      g_strlcpy (items[n_items].text, _("thin: training error"), sizeof items[n_items].text);
      items[n_items].rgb[0] = items[n_items].rgb[1] = items[n_items].rgb[2] = 0.3;
      items[n_items++].width = 1.0;
      g_strlcpy (items[n_items].text, _("bold: test error"), sizeof items[n_items].text);
      items[n_items].rgb[0] = items[n_items].rgb[1] = items[n_items].rgb[2] = 0.3;
      items[n_items++].width = 2.6;
      if (max_seeds > 1)
        {
          if (t == RL_TWIN_PLAIN)
            g_snprintf (items[n_items].text, sizeof items[n_items].text,
                        /* TRANSLATORS: the plain panel's key to its bands, which are paler and
                         * hatched (as in the app's chart); %u is the number of seeds */
                        ngettext ("mean of %u seed, band (hatched, paler): min to max",
                                  "mean of %u seeds, band (hatched, paler): min to max",
                                  max_seeds), max_seeds);
          else
            g_snprintf (items[n_items].text, sizeof items[n_items].text,
                        /* TRANSLATORS: the legend's key to the shaded bands; %u is the number
                         * of seeds */
                        ngettext ("mean of %u seed, band: min to max",
                                  "mean of %u seeds, band: min to max", max_seeds), max_seeds);
          items[n_items].rgb[0] = items[n_items].rgb[1] = items[n_items].rgb[2] = 0.3;
          items[n_items].band = TRUE;
          items[n_items].hatched = t == RL_TWIN_PLAIN;
          items[n_items++].width = 9.0;
        }
      draw_legend (cr, a, items, n_items);
      g_clear_pointer (&a->marks, g_array_unref);
    }
}

/* ---- Layers (Fig. 7) ------------------------------------------------------------------------ */

/* Picks one statistic of a record for a layer. */
typedef double (*LayerValue) (const RlExperimentRecord *r, guint k);

static double
value_grad (const RlExperimentRecord *r, guint k)
{
  return r->grad_norm[k];
}

static double
value_std (const RlExperimentRecord *r, guint k)
{
  return r->response_std[k];
}

/* The main-path layers (index > 0) of one twin's record: xs = index, ys = value. */
static guint
layer_series (const RlExperiment *exp, RlTwin twin, const RlExperimentRecord *r,
              LayerValue value, double *xs, double *ys)
{
  guint m = 0;

  for (guint k = 0; k < r->n_layers; k++)
    {
      const RlExperimentLayer *l = rl_experiment_get_layer (exp, twin, k);

      if (l->index <= 0)
        continue;
      xs[m] = l->index;
      ys[m++] = value (r, k);
    }
  return m;
}

/* The first record at or after iteration @from (the last one if none is). */
static guint
early_record (const RlExperiment *exp, RlTwin twin, uint64_t from)
{
  guint nr = rl_experiment_get_n_records (exp, twin);

  for (guint i = 0; i < nr; i++)
    if (rl_experiment_get_record (exp, twin, i)->iteration >= from)
      return i;
  return nr > 0 ? nr - 1 : 0;
}

/* One panel: the value per layer at an early record (thin) and the last (bold), both twins.
 * @from: the earliest iteration the early record may have. */
static void
draw_layer_panel (cairo_t *cr, Axes *a, const RlExperiment *exp, LayerValue value,
                  uint64_t from, const char *ylabel, const char *title)
{
  const int depth = rl_experiment_get_config (exp)->depth;
  double lo = INFINITY, hi = 0.0;
  LegendItem items[2 * RL_N_TWINS] = { { { 0 } } };
  guint n_items = 0;

  /* the range of every value shown */
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint nr = rl_experiment_get_n_records (exp, (RlTwin) t);
      guint which[2] = { early_record (exp, (RlTwin) t, from), nr > 0 ? nr - 1 : 0 };

      for (guint j = 0; j < 2 && nr > 0; j++)
        {
          const RlExperimentRecord *r = rl_experiment_get_record (exp, (RlTwin) t, which[j]);

          for (guint k = 0; k < r->n_layers; k++)
            {
              double v = value (r, k);

              if (rl_experiment_get_layer (exp, (RlTwin) t, k)->index > 0 && isfinite (v) &&
                  v > 0.0)
                {
                  lo = MIN (lo, v);
                  hi = MAX (hi, v);
                }
            }
        }
    }
  if (!(hi > 0.0) || !isfinite (lo))
    {
      lo = 0.1;
      hi = 1.0;
    }
  a->xmin = 0.0;
  a->xmax = depth + 1.0;
  a->ylog = TRUE;
  a->ymin = pow (10.0, floor (log10 (lo)));
  a->ymax = pow (10.0, ceil (log10 (hi)));
  if (a->ymax <= a->ymin)
    a->ymax = a->ymin * 10.0;
  /* TRANSLATORS: the x axis label of the layer statistics figure */
  draw_axes (cr, a, _("layer (position in the network)"), ylabel, title);
  a->marks = g_array_new (FALSE, FALSE, sizeof (double));

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint nr = rl_experiment_get_n_records (exp, (RlTwin) t);
      const double *rgb = t == RL_TWIN_PLAIN ? rl_figure_plain_rgb : rl_figure_residual_rgb;

      if (nr == 0)
        continue;
      for (guint j = 0; j < 2; j++)
        {
          const RlExperimentRecord *r;
          g_autofree double *xs = NULL, *ys = NULL;
          guint m;

          guint early = early_record (exp, (RlTwin) t, from);

          /* the early record thin and light, the last bold; the same record: bold only */
          if (j == 0 && early == nr - 1)
            continue;
          r = rl_experiment_get_record (exp, (RlTwin) t, j == 0 ? early : nr - 1);
          xs = g_new (double, MAX (r->n_layers, 1));
          ys = g_new (double, MAX (r->n_layers, 1));
          m = layer_series (exp, (RlTwin) t, r, value, xs, ys);
          set_rgb (cr, rgb, j == 0 ? 0.55 : 1.0);
          cairo_set_line_width (cr, j == 0 ? 1.0 : 2.2);
          draw_series (cr, a, xs, ys, m, TRUE);

          /* TRANSLATORS: a legend entry: a net's name ("plain-56") and the iteration its
           * statistics were taken at */
          g_snprintf (items[n_items].text, sizeof items[n_items].text, _("%s, iteration %llu"),
                      rl_experiment_get_name (exp, (RlTwin) t),
                      (unsigned long long) r->iteration);
          memcpy (items[n_items].rgb, rgb, sizeof items[n_items].rgb);
          items[n_items++].width = j == 0 ? 1.0 : 2.2;
        }
    }
  draw_legend (cr, a, items, n_items);
  g_clear_pointer (&a->marks, g_array_unref);
}

void
rl_figure_draw_layers (cairo_t *cr, double width, double height, const RlExperiment *exp,
                       const char *title)
{
  Axes left = { 0 }, right = { 0 };
  double top;

  g_return_if_fail (cr != NULL && exp != NULL);

  top = rl_figure_begin (cr, width, title, FONT_SIZE, 12.0);
  layout_panels (width, height, top, &left, &right);
  /* Gradients from the very first interval, where vanishing or exploding shows most.
   * Responses are measured in evaluation mode; with the model's running averages (not
   * fresh_bn_stats) batch norm needs a few dozen iterations (momentum 0.1) to forget its
   * initial statistics, so the early response curve is then taken from RESPONSE_WARMUP on. */
  /* TRANSLATORS: the left panel's y axis label and title */
  draw_layer_panel (cr, &left, exp, value_grad, 0, _("gradient norm ||dL/dW||"),
                    _("gradient norm per weight layer (interval mean)"));
  draw_layer_panel (cr, &right, exp, value_std,
                    rl_experiment_get_config (exp)->fresh_bn_stats ? 0 : RESPONSE_WARMUP,
                    /* TRANSLATORS: the right panel's y axis label and title */
                    _("response std"), _("std of each layer's response (after BN, before ReLU)"));
}

/* ---- Files ---------------------------------------------------------------------------------- */

typedef struct {
  RlExperimentGroup *const *groups;
  guint n;
  const char *title;
} DegradationArgs;

static void
draw_degradation_cb (cairo_t *cr, double width, double height, gconstpointer data)
{
  const DegradationArgs *args = data;

  rl_figure_draw_degradation (cr, width, height, args->groups, args->n, args->title);
}

gboolean
rl_figure_save_degradation (const char *path, int width, int height,
                            RlExperimentGroup *const *groups, guint n, const char *title,
                            GError **error)
{
  DegradationArgs args = { groups, n, title };

  g_return_val_if_fail (path != NULL, FALSE);
  return rl_paint_save (path, width, height, 1.0, draw_degradation_cb, &args, NULL, error);
}

typedef struct {
  const RlExperiment *exp;
  const char *title;
} LayersArgs;

static void
draw_layers_cb (cairo_t *cr, double width, double height, gconstpointer data)
{
  const LayersArgs *args = data;

  rl_figure_draw_layers (cr, width, height, args->exp, args->title);
}

gboolean
rl_figure_save_layers (const char *path, int width, int height, const RlExperiment *exp,
                       const char *title, GError **error)
{
  LayersArgs args = { exp, title };

  g_return_val_if_fail (path != NULL && exp != NULL, FALSE);
  return rl_paint_save (path, width, height, 1.0, draw_layers_cb, &args, NULL, error);
}
