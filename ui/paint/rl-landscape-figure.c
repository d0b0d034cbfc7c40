#define G_LOG_DOMAIN "reslab-paint"

/* rl-landscape-figure.c: contours, shaded surfaces and the initial-to-trained line of the loss
 * landscape (see rl-landscape-figure.h).
 *
 * Every panel shares one colour scale: c = (log10 loss - zmin) / (zmax - zmin) in [0, 1],
 * zmin and zmax over every finite loss of every panel (zmax at most 4 decades above zmin, so
 * the far blow-up of a chaotic net does not flatten the bowl of the other into one colour).
 * Drawn in device units (pixels for PNG, points for SVG); the face is chosen with Cairo's toy
 * calls (rl_figure_font_family (): sans-serif, or the translation's) and the text set with Pango
 * through rl-figure-util.h, which falls back per glyph. Titles, axis labels and legends are
 * translated; the tick numbers are formatted in C (g_ascii_formatd), as in the CSVs beside the
 * figures, and the panels are named by their model files.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-landscape-figure.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rl-error.h"
#include "rl-figure-util.h"
#include "rl-paint-file.h"

#define FONT_SIZE 13.0
#define SMALL_SIZE 11.0
#define MAX_DECADES 4.0
/* the surface's viewpoint, as matplotlib's default 3-D view */
#define AZIMUTH_DEG RL_LANDSCAPE_FIGURE_AZIMUTH
#define ELEVATION_DEG RL_LANDSCAPE_FIGURE_ELEVATION
/* the height of the surface against the square's side of 2 */
#define HEIGHT 0.9
/* left of each square: the contours' axis labels, or only a gap for the surface, whose floor
 * is labelled inside its square (a margin it leaves empty would push it off centre) */
#define AXES_MARGIN 64.0
#define GAP_MARGIN 12.0

/* viridis at 9 stops (matplotlib's, perceptually uniform and readable in grey) */
static const double viridis[9][3] = {
  { 0.267, 0.005, 0.329 }, { 0.279, 0.175, 0.483 }, { 0.230, 0.322, 0.546 },
  { 0.173, 0.449, 0.558 }, { 0.128, 0.567, 0.551 }, { 0.154, 0.680, 0.504 },
  { 0.360, 0.785, 0.388 }, { 0.668, 0.862, 0.196 }, { 0.993, 0.906, 0.144 },
};

static void
colormap (double c, double rgb[3])
{
  double x;
  int i;

  if (!isfinite (c))
    c = 1.0;
  c = CLAMP (c, 0.0, 1.0);
  x = c * 8.0;
  i = MIN ((int) x, 7);
  x -= i;
  for (int k = 0; k < 3; k++)
    rgb[k] = viridis[i][k] * (1.0 - x) + viridis[i + 1][k] * x;
}

static const double *
model_rgb (const RlLandscapePanel *p)
{
  return g_str_has_prefix (p->name, "plain") ? rl_figure_plain_rgb : rl_figure_residual_rgb;
}

static void
format_number (char *buf, size_t size, double v)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (buf, size, "%s", g_ascii_formatd (num, sizeof num, "%.3g", v));
}

static void
panel_title (cairo_t *cr, double cx, double y, const RlLandscapePanel *p)
{
  cairo_save (cr);
  cairo_set_font_size (cr, FONT_SIZE);
  cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_source_rgb (cr, model_rgb (p)[0], model_rgb (p)[1], model_rgb (p)[2]);
  rl_figure_draw_text (cr, cx, y, 0.5, 1.0, p->name);
  cairo_restore (cr);
}

/* ---- The shared scale ----------------------------------------------------------------------- */

typedef struct {
  double zmin, zmax;    /* log10 loss */
} Scale;

static Scale
shared_scale (const RlLandscapePanel *panels, guint n)
{
  Scale s = { INFINITY, -INFINITY };

  for (guint m = 0; m < n; m++)
    for (int k = 0; k < panels[m].grid * panels[m].grid; k++)
      {
        double v = panels[m].loss[k];

        if (isfinite (v) && v > 0.0)
          {
            s.zmin = MIN (s.zmin, log10 (v));
            s.zmax = MAX (s.zmax, log10 (v));
          }
      }
  if (!isfinite (s.zmin))
    {
      s.zmin = -1.0;
      s.zmax = 1.0;
    }
  s.zmax = MIN (s.zmax, s.zmin + MAX_DECADES);
  if (s.zmax - s.zmin < 1e-3)
    s.zmax = s.zmin + 1e-3;
  return s;
}

/* A loss as a position on the scale, 0..1 (a non-finite loss is the top). */
static double
scale_pos (const Scale *s, double loss)
{
  if (!(isfinite (loss) && loss > 0.0))
    return 1.0;
  return CLAMP ((log10 (loss) - s->zmin) / (s->zmax - s->zmin), 0.0, 1.0);
}

/* A value on the log scale for each grid point. z: (grid, grid) */
static double *
grid_positions (const Scale *s, const RlLandscapePanel *p)
{
  double *z = g_new (double, (size_t) p->grid * p->grid);

  for (int k = 0; k < p->grid * p->grid; k++)
    z[k] = scale_pos (s, p->loss[k]);
  return z;
}

/* The colour bar: a vertical strip with the loss at nice values of log10. */
static void
draw_colour_bar (cairo_t *cr, const Scale *s, double x, double y, double w, double h)
{
  double step = rl_figure_nice_step (s->zmax - s->zmin, 6);
  char buf[32];

  for (int i = 0; i < (int) h; i++)
    {
      double rgb[3];

      colormap (1.0 - (i + 0.5) / h, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, x, y + i, w, 1.0);
      cairo_fill (cr);
    }
  cairo_set_line_width (cr, 1.0);
  rl_figure_stroke_frame (cr, x, y, w, h);
  cairo_set_font_size (cr, SMALL_SIZE);
  for (double v = ceil (s->zmin / step) * step; v <= s->zmax + step * 1e-6; v += step)
    {
      double ty = y + h * (1.0 - (v - s->zmin) / (s->zmax - s->zmin));

      cairo_move_to (cr, x + w, round (ty) + 0.5);
      cairo_line_to (cr, x + w + 4, round (ty) + 0.5);
      cairo_stroke (cr);
      format_number (buf, sizeof buf, pow (10.0, v));
      rl_figure_draw_text (cr, x + w + 6, ty, 0.0, 0.5, buf);
    }
  rl_figure_draw_text_up (cr, x + w + 52, y + h / 2, _("training loss (log scale)"));
}

/* ---- Contours ------------------------------------------------------------------------------- */

/* The grid as a heat map: bilinear in log10 loss, one pixel per device unit, painted as an
 * image (embedded as one in SVG). */
static void
draw_heat (cairo_t *cr, const RlLandscapePanel *p, const double *z, double x0, double y0,
           double side)
{
  int px = MAX ((int) side, 2);
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, px, px);
  unsigned char *data;
  int stride, g = p->grid;

  cairo_surface_flush (img);
  data = cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img);
  for (int r = 0; r < px; r++)
    {
      /* image row 0 is the top: beta = +range */
      double fy = (1.0 - (r + 0.5) / px) * (g - 1);
      int j = MIN ((int) fy, g - 2);
      double ty = fy - j;

      for (int c = 0; c < px; c++)
        {
          double fx = (c + 0.5) / px * (g - 1);
          int i = MIN ((int) fx, g - 2);
          double tx = fx - i, v, rgb[3];
          uint32_t *pix = (uint32_t *) (data + (size_t) r * stride) + c;

          v = (1 - ty) * ((1 - tx) * z[j * g + i] + tx * z[j * g + i + 1]) +
              ty * ((1 - tx) * z[(j + 1) * g + i] + tx * z[(j + 1) * g + i + 1]);
          colormap (v, rgb);
          *pix = (uint32_t) (lround (rgb[0] * 255) << 16 | lround (rgb[1] * 255) << 8 |
                             lround (rgb[2] * 255));
        }
    }
  cairo_surface_mark_dirty (img);
  cairo_save (cr);
  cairo_translate (cr, x0, y0);
  cairo_scale (cr, side / px, side / px);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);
}

/* Marching squares: the segments where the bilinear surface crosses @level, cell by cell (a
 * saddle's two segments paired by the cell's mean). Grid point (i, j) is at device
 * (x0 + i * cell, y0 + side - j * cell). */
static void
draw_contour_level (cairo_t *cr, const double *z, int g, double level, double x0, double y0,
                    double side)
{
  double cell = side / (g - 1);

  for (int j = 0; j < g - 1; j++)
    for (int i = 0; i < g - 1; i++)
      {
        /* corners counter-clockwise: (i, j), (i+1, j), (i+1, j+1), (i, j+1) */
        const int ci[4] = { i, i + 1, i + 1, i };
        const int cj[4] = { j, j, j + 1, j + 1 };
        double v[4], px[4], py[4], mean = 0.0;
        int n = 0;

        for (int k = 0; k < 4; k++)
          {
            v[k] = z[cj[k] * g + ci[k]];
            mean += v[k] / 4;
          }
        for (int k = 0; k < 4; k++)
          {
            int l = (k + 1) % 4;

            if ((v[k] < level) != (v[l] < level))
              {
                double t = (level - v[k]) / (v[l] - v[k]);

                px[n] = x0 + (ci[k] + t * (ci[l] - ci[k])) * cell;
                py[n] = y0 + side - (cj[k] + t * (cj[l] - cj[k])) * cell;
                n++;
              }
          }
        if (n == 2)
          {
            cairo_move_to (cr, px[0], py[0]);
            cairo_line_to (cr, px[1], py[1]);
          }
        else if (n == 4)
          {
            /* a saddle: crossings on edges 0..3 in order (edge k joins corners k and k+1),
             * corners 0 and 2 on one side, 1 and 3 on the other. With the mean on corner 0's
             * side, 0 and 2 connect through the middle: the segments cut off corners 1
             * (edges 0, 1) and 3 (edges 2, 3); else they cut off corners 0 (edges 3, 0) and
             * 2 (edges 1, 2). */
            gboolean join02 = (mean < level) == (v[0] < level);

            cairo_move_to (cr, px[0], py[0]);
            cairo_line_to (cr, px[join02 ? 1 : 3], py[join02 ? 1 : 3]);
            cairo_move_to (cr, px[2], py[2]);
            cairo_line_to (cr, px[join02 ? 3 : 1], py[join02 ? 3 : 1]);
          }
      }
  cairo_stroke (cr);
}

/* Ticks on the square's left and bottom: alpha and beta. */
static void
draw_square_axes (cairo_t *cr, double range, double x0, double y0, double side)
{
  double step = rl_figure_nice_step (2 * range, 4);
  char buf[32];

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  rl_figure_stroke_frame (cr, x0, y0, side, side);
  cairo_set_font_size (cr, SMALL_SIZE);
  for (double v = ceil (-range / step) * step; v <= range + step * 1e-6; v += step)
    {
      double f = (v + range) / (2 * range);
      double x = round (x0 + f * side) + 0.5, y = round (y0 + side - f * side) + 0.5;

      if (fabs (v) < step * 1e-6)
        v = 0.0;
      format_number (buf, sizeof buf, v);
      cairo_move_to (cr, x, y0 + side);
      cairo_line_to (cr, x, y0 + side + 4);
      cairo_move_to (cr, x0 - 4, y);
      cairo_line_to (cr, x0, y);
      cairo_stroke (cr);
      rl_figure_draw_text (cr, x, y0 + side + 6, 0.5, 0.0, buf);
      rl_figure_draw_text (cr, x0 - 6, y, 1.0, 0.5, buf);
    }
  cairo_set_font_size (cr, FONT_SIZE);
  rl_figure_draw_text (cr, x0 + side / 2, y0 + side + 22, 0.5, 0.0,
                       /* TRANSLATORS: the x axis of the contours: alpha, the step along
                        * direction 1 */
                       _("\u03b1 (direction 1)"));
  /* TRANSLATORS: the y axis of the contours: beta, the step along direction 2 */
  rl_figure_draw_text_up (cr, x0 - 44, y0 + side / 2, _("\u03b2 (direction 2)"));
  cairo_restore (cr);
}

/* Up to two panels side by side and a colour bar on the right: each panel a square of @side
 * at (x[m], y0), with @ml on its left for the axis labels (the contours' α and β ticks; the
 * surface labels its floor inside the square and needs only the gap on its right). Where the
 * height limits the squares (one panel on a wide page), the room left over is shared on
 * either side: the panels and their bar are centred, not drawn at the left of an empty half. */
static void
layout_squares (double width, double height, double top, guint n, double ml, double *x,
                double *y0, double *side, double *bar_x)
{
  const double mr = 12, mb = 48, mt = 24, bar = 100;
  double avail_w = (width - bar) / MAX (n, 1) - ml - mr, left;

  *side = MAX (MIN (avail_w, height - top - mt - mb), 10.0);
  *y0 = top + mt;
  left = MAX (floor ((width - MAX (n, 1) * (ml + mr + *side) - bar) / 2), 0.0);
  for (guint m = 0; m < n; m++)
    x[m] = left + m * (ml + mr + *side) + ml;
  *bar_x = left + n * (ml + mr + *side) + 8;
}

/* The page and title of a figure of one square per panel (@n of them, at most the length of
 * @x), with the colour bar they share: their scale, where each goes (layout_squares, @ml on
 * the left of each square). FALSE when there is no panel to draw. */
static gboolean
begin_squares (cairo_t *cr, double width, double height, const RlLandscapePanel *panels,
               guint n, const char *title, double ml, Scale *s, double *x, double *y0,
               double *side, double *bar_x)
{
  double top = rl_figure_begin (cr, width, title, FONT_SIZE, 10.0);

  if (n == 0)
    return FALSE;
  *s = shared_scale (panels, n);
  layout_squares (width, height, top, n, ml, x, y0, side, bar_x);
  return TRUE;
}

void
rl_landscape_figure_draw_contours (cairo_t *cr, double width, double height,
                                   const RlLandscapePanel *panels, guint n, const char *title)
{
  Scale s;
  double x[8], y0, side, bar_x, step;

  g_return_if_fail (cr != NULL && (panels != NULL || n == 0));
  n = MIN (n, G_N_ELEMENTS (x));
  if (!begin_squares (cr, width, height, panels, n, title, AXES_MARGIN, &s, x, &y0, &side,
                      &bar_x))
    return;
  /* contour levels: about 12 over the scale, at nice steps of log10 */
  step = rl_figure_nice_step (s.zmax - s.zmin, 12);

  for (guint m = 0; m < n; m++)
    {
      const RlLandscapePanel *p = &panels[m];
      g_autofree double *z = grid_positions (&s, p);
      g_autofree double *zl = g_new (double, (size_t) p->grid * p->grid);

      if (p->grid < 2)
        continue;
      draw_heat (cr, p, z, x[m], y0, side);
      /* contours in log10 loss (not clamped, so the lines go on past the colour scale) */
      for (int k = 0; k < p->grid * p->grid; k++)
        zl[k] = isfinite (p->loss[k]) && p->loss[k] > 0 ? log10 (p->loss[k]) : 1e300;
      cairo_save (cr);
      cairo_rectangle (cr, x[m], y0, side, side);
      cairo_clip (cr);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.75);
      cairo_set_line_width (cr, 1.0);
      for (double lv = ceil (s.zmin / step) * step; lv <= s.zmax + step * 1e-6; lv += step)
        draw_contour_level (cr, zl, p->grid, lv, x[m], y0, side);
      /* the trained weights */
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_arc (cr, x[m] + side / 2, y0 + side / 2, 4.5, 0, 2 * G_PI);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
      cairo_restore (cr);
      draw_square_axes (cr, p->range, x[m], y0, side);
      panel_title (cr, x[m] + side / 2, y0 - 6, p);
    }
  draw_colour_bar (cr, &s, bar_x, y0, 16, side);
}

/* ---- Surface -------------------------------------------------------------------------------- */

typedef struct {
  double depth;
  int    i, j;
} Quad;

static int
compare_quads (gconstpointer a, gconstpointer b)
{
  double x = ((const Quad *) a)->depth, y = ((const Quad *) b)->depth;

  /* farthest first (painter's algorithm) */
  return (x < y) - (x > y);
}

/* A grid point in view space: u right, v up (device units from the panel's centre), and its
 * depth away from the viewer. x, y in [-1, 1], h in [0, 1]. */
typedef struct {
  double az, el;    /* radians */
} View;

static void
project (const View *view, double x, double y, double h, double scale, double *u, double *v,
         double *depth)
{
  const double az = view->az, el = view->el;
  double xr = x * cos (az) - y * sin (az);
  double yr = x * sin (az) + y * cos (az);
  double zz = HEIGHT * (h - 0.5);

  *u = scale * xr;
  *v = scale * (zz * cos (el) + yr * sin (el));
  *depth = yr * cos (el) - zz * sin (el);
}

static void
draw_surface_panel (cairo_t *cr, const View *view, const RlLandscapePanel *p, const double *z,
                    double cx, double cy, double scale)
{
  const int g = p->grid;
  g_autofree Quad *quads = g_new (Quad, (size_t) (g - 1) * (g - 1));
  g_autofree double *u = g_new (double, (size_t) g * g);
  g_autofree double *v = g_new (double, (size_t) g * g);
  guint nq = 0;
  double floor_u[3], floor_v[3], floor_d;
  /* light from the upper left, towards the viewer */
  const double light[3] = { -0.45, 0.35, 0.82 };

  for (int j = 0; j < g; j++)
    for (int i = 0; i < g; i++)
      {
        double d;

        project (view, -1.0 + 2.0 * i / (g - 1), -1.0 + 2.0 * j / (g - 1), z[j * g + i], scale,
                 &u[j * g + i], &v[j * g + i], &d);
      }
  for (int j = 0; j < g - 1; j++)
    for (int i = 0; i < g - 1; i++)
      {
        double uu, vv, d;

        project (view, -1.0 + 2.0 * (i + 0.5) / (g - 1), -1.0 + 2.0 * (j + 0.5) / (g - 1),
                 (z[j * g + i] + z[j * g + i + 1] + z[(j + 1) * g + i] + z[(j + 1) * g + i + 1])
                 / 4, scale, &uu, &vv, &d);
        quads[nq++] = (Quad) { d, i, j };
      }
  qsort (quads, nq, sizeof (Quad), compare_quads);

  cairo_save (cr);
  /* the square's edges along alpha and beta on the floor, from the corner (-1, -1): the lines
   * first, under the surface; their labels last, over it */
  project (view, -1.0, -1.0, -0.15, scale, &floor_u[0], &floor_v[0], &floor_d);
  project (view, 1.0, -1.0, -0.15, scale, &floor_u[1], &floor_v[1], &floor_d);
  project (view, 1.0, 1.0, -0.15, scale, &floor_u[2], &floor_v[2], &floor_d);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, cx + floor_u[0], cy - floor_v[0]);
  cairo_line_to (cr, cx + floor_u[1], cy - floor_v[1]);
  cairo_line_to (cr, cx + floor_u[2], cy - floor_v[2]);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 0.6);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  for (guint q = 0; q < nq; q++)
    {
      int i = quads[q].i, j = quads[q].j;
      const int k[4] = { j * g + i, j * g + i + 1, (j + 1) * g + i + 1, (j + 1) * g + i };
      /* the normal from the diagonals, in (x, y, HEIGHT h) before the view's rotation */
      double cell = 2.0 / (g - 1);
      double a[3] = { cell, cell, HEIGHT * (z[k[2]] - z[k[0]]) };
      double b[3] = { -cell, cell, HEIGHT * (z[k[3]] - z[k[1]]) };
      double nrm[3] = { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                        a[0] * b[1] - a[1] * b[0] };
      double len = sqrt (nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]);
      double lambert = len > 0 ? fabs (nrm[0] * light[0] + nrm[1] * light[1] +
                                       nrm[2] * light[2]) / len : 1.0;
      double shade = 0.45 + 0.55 * lambert, rgb[3];

      colormap ((z[k[0]] + z[k[1]] + z[k[2]] + z[k[3]]) / 4, rgb);
      cairo_move_to (cr, cx + u[k[0]], cy - v[k[0]]);
      for (int c = 1; c < 4; c++)
        cairo_line_to (cr, cx + u[k[c]], cy - v[k[c]]);
      cairo_close_path (cr);
      cairo_set_source_rgb (cr, rgb[0] * shade, rgb[1] * shade, rgb[2] * shade);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
      cairo_stroke (cr);
    }
  /* the trained weights: a dot at the centre, on the surface */
  {
    double uu, vv, d;
    int c = g / 2;
    double h = g % 2 == 1 ? z[c * g + c]
                          : (z[(c - 1) * g + c - 1] + z[(c - 1) * g + c] + z[c * g + c - 1] +
                             z[c * g + c]) / 4;

    project (view, 0.0, 0.0, h, scale, &uu, &vv, &d);
    cairo_arc (cr, cx + uu, cy - vv, 3.5, 0, 2 * G_PI);
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_fill_preserve (cr);
    cairo_set_source_rgb (cr, 0, 0, 0);
    cairo_set_line_width (cr, 1.2);
    cairo_stroke (cr);
  }
  {
    char range[32];
    g_autofree char *label = NULL;

    cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
    cairo_set_font_size (cr, SMALL_SIZE);
    format_number (range, sizeof range, p->range);
    /* TRANSLATORS: an axis of the shaded surface, e.g. "α from -1 to 1" */
    label = g_strdup_printf (_("\u03b1 from -%1$s to %1$s"), range);
    rl_figure_draw_text (cr, cx + (floor_u[0] + floor_u[1]) / 2,
                         cy - (floor_v[0] + floor_v[1]) / 2 + 4, 1.0, 0.0, label);
    rl_figure_draw_text (cr, cx + (floor_u[1] + floor_u[2]) / 2 + 6,
                         cy - (floor_v[1] + floor_v[2]) / 2, 0.0, 0.5, "\xce\xb2");
  }
  cairo_restore (cr);
}

void
rl_landscape_figure_draw_surface (cairo_t *cr, double width, double height,
                                  const RlLandscapePanel *panels, guint n, const char *title)
{
  rl_landscape_figure_draw_surface_view (cr, width, height, panels, n, title, AZIMUTH_DEG,
                                         ELEVATION_DEG);
}

void
rl_landscape_figure_draw_surface_view (cairo_t *cr, double width, double height,
                                       const RlLandscapePanel *panels, guint n,
                                       const char *title, double azimuth, double elevation)
{
  const View view = { azimuth * G_PI / 180, elevation * G_PI / 180 };
  Scale s;
  double x[8], y0, side, bar_x;

  g_return_if_fail (cr != NULL && (panels != NULL || n == 0));
  n = MIN (n, G_N_ELEMENTS (x));
  if (!begin_squares (cr, width, height, panels, n, title, GAP_MARGIN, &s, x, &y0, &side,
                      &bar_x))
    return;
  for (guint m = 0; m < n; m++)
    {
      g_autofree double *z = NULL;

      if (panels[m].grid < 2)
        continue;
      z = grid_positions (&s, &panels[m]);
      /* a unit square spans about 1.4 scale across after the rotation */
      draw_surface_panel (cr, &view, &panels[m], z, x[m] + side / 2, y0 + side / 2, side * 0.36);
      panel_title (cr, x[m] + side / 2, y0 - 6, &panels[m]);
    }
  draw_colour_bar (cr, &s, bar_x, y0, 16, side);
}

/* ---- Line ----------------------------------------------------------------------------------- */

void
rl_landscape_figure_draw_line (cairo_t *cr, double width, double height,
                               const RlLandscapePanel *panels, guint n, const char *title)
{
  const double ml = 72, mt = 16, mb = 52;
  double mr = 150, top, x0, y0, w, h, tmin = INFINITY, tmax = -INFINITY, lmin = INFINITY,
         lmax = 0;
  double step;
  int lo, hi;
  char buf[32];
  guint shown = 0;

  g_return_if_fail (cr != NULL && (panels != NULL || n == 0));
  top = rl_figure_begin (cr, width, title, FONT_SIZE, 10.0);
  /* the legend on the right is as wide as the longest name (a run's, say), up to half the page */
  cairo_save (cr);
  cairo_set_font_size (cr, FONT_SIZE);
  for (guint m = 0; m < n; m++)
    if (panels[m].n_line > 0)
      mr = MAX (mr, 42 + rl_figure_text_width (cr, panels[m].name) + 12);
  cairo_restore (cr);
  mr = MIN (mr, width / 2);
  for (guint m = 0; m < n; m++)
    for (guint k = 0; k < panels[m].n_line; k++)
      {
        double t = panels[m].line_t[k], l = panels[m].line_loss[k];

        tmin = MIN (tmin, t);
        tmax = MAX (tmax, t);
        if (isfinite (l) && l > 0)
          {
            lmin = MIN (lmin, l);
            lmax = MAX (lmax, l);
          }
      }
  if (!isfinite (tmin) || tmax <= tmin || !isfinite (lmin))
    return;
  /* at most 4 decades: a blow-up beyond the ends runs off the top */
  lo = (int) floor (log10 (lmin));
  hi = MIN ((int) ceil (log10 (lmax)), lo + 4);
  if (hi <= lo)
    hi = lo + 1;
  x0 = ml;
  y0 = top + mt;
  w = MAX (width - ml - mr, 10);
  h = MAX (height - y0 - mb, 10);
#define LX(t) (x0 + ((t) - tmin) / (tmax - tmin) * w)
#define LY(l) (y0 + h * (1.0 - (log10 (l) - lo) / (double) (hi - lo)))

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_font_size (cr, SMALL_SIZE);
  /* grid and ticks */
  step = rl_figure_nice_step (tmax - tmin, 6);
  for (double t = ceil (tmin / step) * step; t <= tmax + step * 1e-6; t += step)
    {
      double x = round (LX (t)) + 0.5;

      cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x, y0 + h);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      format_number (buf, sizeof buf, fabs (t) < 1e-9 ? 0.0 : t);
      rl_figure_draw_text (cr, x, y0 + h + 6, 0.5, 0.0, buf);
    }
  for (int e = lo; e <= hi; e++)
    for (int mult = 1; mult <= 5; mult += (mult == 1 ? 1 : 3))
      {
        double l = mult * pow (10.0, e), y;

        if (l > pow (10.0, hi) * (1 + 1e-9) || (mult > 1 && hi - lo > 2))
          continue;
        y = round (LY (l)) + 0.5;
        cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
        cairo_move_to (cr, x0, y);
        cairo_line_to (cr, x0 + w, y);
        cairo_stroke (cr);
        cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
        format_number (buf, sizeof buf, l);
        rl_figure_draw_text (cr, x0 - 6, y, 1.0, 0.5, buf);
      }
  /* the two ends: the initial and the trained weights */
  {
    const double dash[] = { 4.0, 3.0 };

    cairo_set_dash (cr, dash, 2, 0);
    cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
    for (int e = 0; e <= 1; e++)
      if (e >= tmin && e <= tmax)
        {
          cairo_move_to (cr, round (LX (e)) + 0.5, y0);
          cairo_line_to (cr, round (LX (e)) + 0.5, y0 + h);
          cairo_stroke (cr);
          rl_figure_draw_text (cr, LX (e) + 4, y0 + 4, 0.0, 0.0,
                               /* TRANSLATORS: marks t = 0 and t = 1 on the line: the
                                * initial and the trained weights */
                               e == 0 ? _("initial") : _("trained"));
        }
    cairo_set_dash (cr, NULL, 0, 0);
  }
  rl_figure_stroke_frame (cr, x0, y0, w, h);
  cairo_set_font_size (cr, FONT_SIZE);
  rl_figure_draw_text (cr, x0 + w / 2, y0 + h + 24, 0.5, 0.0,
                       /* TRANSLATORS: the x axis of the line figure; keep the formula as it is */
                       _("t: weights (1 - t) w_initial + t w_trained"));
  rl_figure_draw_text_up (cr, x0 - 52, y0 + h / 2, _("training loss (log scale)"));

  /* the curves, and the legend on the right */
  cairo_rectangle (cr, x0, y0, w, h);
  cairo_save (cr);
  cairo_clip (cr);
  cairo_set_line_width (cr, 2.0);
  for (guint m = 0; m < n; m++)
    {
      const RlLandscapePanel *p = &panels[m];
      gboolean pen = FALSE;

      if (p->n_line == 0)
        continue;
      cairo_set_source_rgb (cr, model_rgb (p)[0], model_rgb (p)[1], model_rgb (p)[2]);
      if (m >= 2)
        cairo_set_source_rgb (cr, 0.3, 0.6, 0.3);
      for (guint k = 0; k < p->n_line; k++)
        {
          double l = p->line_loss[k];

          if (!(isfinite (l) && l > 0))
            {
              pen = FALSE;
              continue;
            }
          if (pen)
            cairo_line_to (cr, LX (p->line_t[k]), LY (l));
          else
            cairo_move_to (cr, LX (p->line_t[k]), LY (l));
          pen = TRUE;
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
  cairo_new_path (cr);
  cairo_set_font_size (cr, FONT_SIZE);
  for (guint m = 0; m < n; m++)
    {
      const RlLandscapePanel *p = &panels[m];
      double ly = y0 + 10 + 22 * shown;

      if (p->n_line == 0)
        continue;
      cairo_set_source_rgb (cr, model_rgb (p)[0], model_rgb (p)[1], model_rgb (p)[2]);
      cairo_set_line_width (cr, 2.0);
      cairo_move_to (cr, x0 + w + 12, ly);
      cairo_line_to (cr, x0 + w + 36, ly);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      rl_figure_draw_text (cr, x0 + w + 42, ly, 0.0, 0.5, p->name);
      shown++;
    }
  cairo_restore (cr);
#undef LX
#undef LY
}

/* ---- Files ---------------------------------------------------------------------------------- */

typedef struct {
  RlLandscapeFigure       figure;
  const RlLandscapePanel *panels;
  guint                   n;
  const char             *title;
} FigureArgs;

static void
draw_figure (cairo_t *cr, double width, double height, gconstpointer data)
{
  const FigureArgs *a = data;

  switch (a->figure)
    {
    case RL_LANDSCAPE_FIGURE_CONTOURS:
      rl_landscape_figure_draw_contours (cr, width, height, a->panels, a->n, a->title);
      break;
    case RL_LANDSCAPE_FIGURE_SURFACE:
      rl_landscape_figure_draw_surface (cr, width, height, a->panels, a->n, a->title);
      break;
    case RL_LANDSCAPE_FIGURE_LINE:
    default:
      rl_landscape_figure_draw_line (cr, width, height, a->panels, a->n, a->title);
      break;
    }
}

gboolean
rl_landscape_figure_save (const char *path, int width, int height, RlLandscapeFigure figure,
                          const RlLandscapePanel *panels, guint n, const char *title,
                          GError **error)
{
  const FigureArgs args = { figure, panels, n, title };

  g_return_val_if_fail (path != NULL, FALSE);
  /* the one PNG/SVG writer, shared with the network diagram (ui/paint/rl-paint-file.c) */
  return rl_paint_save (path, width, height, 1.0, draw_figure, &args, NULL, error);
}
