#define G_LOG_DOMAIN "reslab-paint"

/* rl-figure-util.c: see rl-figure-util.h. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-figure-util.h"

#include <math.h>

const char *
rl_figure_font_family (void)
{
  /* TRANSLATORS: the font family of the text in reslab-cli's figures (PNG, SVG); name one that
   * has your language's glyphs (zh_CN: "Noto Sans CJK SC"). Keep "sans-serif" otherwise. */
  return C_("figure font family", "sans-serif");
}

void
rl_figure_draw_text (cairo_t *cr, double x, double y, double ax, double ay, const char *text)
{
  cairo_text_extents_t ext;
  cairo_font_extents_t fext;

  cairo_text_extents (cr, text, &ext);
  cairo_font_extents (cr, &fext);
  cairo_move_to (cr, x - ax * ext.x_advance,
                 y - ay * (fext.ascent + fext.descent) + fext.ascent);
  cairo_show_text (cr, text);
}

void
rl_figure_draw_text_up (cairo_t *cr, double x, double y, const char *text)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, -G_PI / 2);
  rl_figure_draw_text (cr, 0, 0, 0.5, 0.5, text);
  cairo_restore (cr);
}

const double rl_figure_plain_rgb[3] = { 0.84, 0.15, 0.16 };
const double rl_figure_residual_rgb[3] = { 0.12, 0.47, 0.71 };

double
rl_figure_nice_step (double range, int target)
{
  double raw = range / MAX (target, 1);
  double p = pow (10.0, floor (log10 (raw)));
  double f = raw / p;

  return (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0) * p;
}

void
rl_figure_stroke_frame (cairo_t *cr, double x, double y, double w, double h)
{
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_rectangle (cr, round (x) + 0.5, round (y) + 0.5, round (w), round (h));
  cairo_stroke (cr);
}

double
rl_figure_begin (cairo_t    *cr,
                 double      width,
                 const char *title,
                 double      title_size,
                 double      margin)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_NORMAL);
  if (title == NULL)
    return margin;
  cairo_save (cr);
  cairo_set_font_size (cr, title_size);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  rl_figure_draw_text (cr, width / 2, 10, 0.5, 0.0, title);
  cairo_restore (cr);
  return margin + 24.0;
}

void
rl_figure_fill_band (cairo_t *cr, double r, double g, double b, double alpha, gboolean hatched)
{
  double x0, y0, x1, y1;

  if (!hatched)
    {
      cairo_set_source_rgba (cr, r, g, b, alpha);
      cairo_fill (cr);
      return;
    }
  cairo_set_source_rgba (cr, r, g, b, 0.4 * alpha);
  cairo_fill_preserve (cr);
  cairo_save (cr);
  cairo_fill_extents (cr, &x0, &y0, &x1, &y1);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, r, g, b, MIN (2.25 * alpha, 1.0));
  cairo_set_line_width (cr, 1.0);
  for (double x = x0 - (y1 - y0); x < x1; x += RL_FIGURE_BAND_HATCH)
    {
      cairo_move_to (cr, x, y1);
      cairo_line_to (cr, x + (y1 - y0), y0);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
  cairo_new_path (cr);
}
