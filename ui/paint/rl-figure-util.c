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
   * has your language's glyphs (zh_CN: "Noto Sans CJK SC"), or keep "sans-serif": a glyph the
   * font lacks is taken from another that has it. */
  return C_("figure font family", "sans-serif");
}

PangoLayout *
rl_figure_create_layout (cairo_t *cr, const char *text)
{
  cairo_font_face_t *face = cairo_get_font_face (cr);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  gboolean toy = cairo_font_face_get_type (face) == CAIRO_FONT_TYPE_TOY;
  cairo_matrix_t m;

  cairo_get_font_matrix (cr, &m);
  pango_font_description_set_family (desc, toy ? cairo_toy_font_face_get_family (face)
                                               : rl_figure_font_family ());
  pango_font_description_set_weight (desc, toy && cairo_toy_font_face_get_weight (face) ==
                                                  CAIRO_FONT_WEIGHT_BOLD
                                           ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style (desc, toy && cairo_toy_font_face_get_slant (face) !=
                                                 CAIRO_FONT_SLANT_NORMAL
                                          ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  /* the size cairo_set_font_size set, in user units */
  pango_font_description_set_absolute_size (desc, MAX (m.yy, 1.0) * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

double
rl_figure_text_width (cairo_t *cr, const char *text)
{
  g_autoptr (PangoLayout) layout = rl_figure_create_layout (cr, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

void
rl_figure_show_text (cairo_t *cr, const char *text)
{
  g_autoptr (PangoLayout) layout = rl_figure_create_layout (cr, text);
  double x = 0, y = 0;
  int w, h;

  if (cairo_has_current_point (cr))
    cairo_get_current_point (cr, &x, &y);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x, y - pango_layout_get_baseline (layout) / (double) PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  cairo_move_to (cr, x + w, y);
}

void
rl_figure_draw_text (cairo_t *cr, double x, double y, double ax, double ay, const char *text)
{
  g_autoptr (PangoLayout) layout = rl_figure_create_layout (cr, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - ax * w, y - ay * h);
  pango_cairo_show_layout (cr, layout);
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
