/* rl-figure-util.h: what every figure drawn with Cairo shares (the degradation
 * figures of rl-figure.c, the loss landscape's of rl-landscape-figure.c, the network diagram of
 * rl-diagram-paint.c): the face of the text, text anchored at a point or turned up (a y axis's
 * label), the twins' colours, tick steps, a white page with its title, and the min-max band
 * over seeds (also the Experiment view's chart, rl-chart-draw.c). Cairo only, no GTK.
 */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* The figures choose their face with Cairo's toy calls (cairo_select_font_face: a family,
 * normal or bold; cairo_set_font_size) and set their text with Pango through the functions
 * below, in that face: Pango takes a glyph the font lacks from another font that has it (a
 * Chinese figure's Latin digits), where Cairo's cairo_show_text draws a box. */

/* The font family of the figures' text: "sans-serif", or the one the translation names. */
const char *rl_figure_font_family (void);

/* A layout of @text in @cr's current toy face and size (any other face: the figures' family,
 * normal). Returns: (transfer full) */
PangoLayout *rl_figure_create_layout (cairo_t    *cr,
                                      const char *text);

/* The width of @text, as rl_figure_show_text advances by. */
double      rl_figure_text_width  (cairo_t    *cr,
                                   const char *text);

/* Draws @text with its baseline at the current point (or (0, 0)) and moves the point to its
 * end, as cairo_show_text does. */
void        rl_figure_show_text   (cairo_t    *cr,
                                   const char *text);

/* Draws @text anchored at (@x, @y): @ax, @ay in [0, 1] pick the point of the text's box that
 * lands there (0, 0 its top left, 0.5, 0.5 its centre). */
void        rl_figure_draw_text   (cairo_t    *cr,
                                   double      x,
                                   double      y,
                                   double      ax,
                                   double      ay,
                                   const char *text);

/* Draws @text rotated a quarter turn, read from bottom to top (a y axis's label), centred at
 * (@x, @y). */
void        rl_figure_draw_text_up (cairo_t    *cr,
                                    double      x,
                                    double      y,
                                    const char *text);

/* The twins' colours in every figure: a plain net red, its residual twin blue. */
extern const double rl_figure_plain_rgb[3];
extern const double rl_figure_residual_rgb[3];

/* A step of 1, 2 or 5 times a power of ten giving about @target intervals over @range. */
double      rl_figure_nice_step   (double range,
                                   int    target);

/* Strokes the frame of a plot, @x, @y, @w, @h, in dark grey on whole pixels (crisp at any
 * line width the caller set). */
void        rl_figure_stroke_frame (cairo_t *cr,
                                    double   x,
                                    double   y,
                                    double   w,
                                    double   h);

/* Fills the current path of @cr, a min-max band, in (@r, @g, @b) at @alpha. @hatched (a plain
 * twin's band, whose line is dashed) fills it paler (0.4 @alpha) and crosses it with 1-unit
 * lines at 45 degrees every RL_FIGURE_BAND_HATCH units (2.25 @alpha), so that where a plain
 * twin's band and its residual twin's overlap each can still be told. Clears the path. */
#define RL_FIGURE_BAND_HATCH 6.0
void        rl_figure_fill_band   (cairo_t  *cr,
                                   double    r,
                                   double    g,
                                   double    b,
                                   double    alpha,
                                   gboolean  hatched);

/* Paints the whole target white, selects the figures' face (normal weight) and draws @title
 * (nullable) centred at the top in @title_size. Returns where the panels may start: @margin, plus
 * the title's line when there is one. */
double      rl_figure_begin       (cairo_t    *cr,
                                   double      width,
                                   const char *title,
                                   double      title_size,
                                   double      margin);

G_END_DECLS
