/* rl-landscape-figure.h: the loss landscape's figures (reslab-cli landscape), drawn with Cairo,
 * saved as PNG or SVG.
 *
 * - Contours: one panel per model, side by side, the loss over the (alpha, beta) grid as
 *   colour on one logarithmic scale shared by the panels, contour lines at the same levels in
 *   every panel, a colour bar, the trained weights marked at the centre (Li et al. 2018,
 *   Figure 5's top row).
 * - Surface: the same grids as shaded surfaces seen from one viewpoint, height log10(loss) on
 *   one scale (Figure 5's bottom row).
 * - Line: the loss along the straight line from the initial (t = 0) to the trained (t = 1)
 *   weights of every model that kept its initial weights (Goodfellow et al. 2015), log scale.
 *
 * The draw functions only draw, into any cairo_t.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char   *name;       /* "plain-20"; a name starting "plain" is drawn red, else blue */
  int           grid;       /* points per axis */
  double        range;      /* alpha, beta in [-range, range] */
  const double *loss;       /* loss: (grid, grid), beta major (rl_landscape_grid) */
  guint         n_line;     /* points on the line; 0 without initial weights */
  const double *line_t;     /* line_t, line_loss: (n_line) */
  const double *line_loss;
} RlLandscapePanel;

void     rl_landscape_figure_draw_contours (cairo_t *cr, double width, double height,
                                            const RlLandscapePanel *panels, guint n,
                                            const char *title);
void     rl_landscape_figure_draw_surface  (cairo_t *cr, double width, double height,
                                            const RlLandscapePanel *panels, guint n,
                                            const char *title);
/* The surface seen from @azimuth (degrees about the vertical, from the alpha axis) and
 * @elevation (degrees above the floor): the app's Landscape page turns it as the user drags. */
void     rl_landscape_figure_draw_surface_view (cairo_t *cr, double width, double height,
                                                const RlLandscapePanel *panels, guint n,
                                                const char *title, double azimuth,
                                                double elevation);
#define RL_LANDSCAPE_FIGURE_AZIMUTH (-60.0)
#define RL_LANDSCAPE_FIGURE_ELEVATION 35.0
void     rl_landscape_figure_draw_line     (cairo_t *cr, double width, double height,
                                            const RlLandscapePanel *panels, guint n,
                                            const char *title);

typedef enum {
  RL_LANDSCAPE_FIGURE_CONTOURS,
  RL_LANDSCAPE_FIGURE_SURFACE,
  RL_LANDSCAPE_FIGURE_LINE,
} RlLandscapeFigure;

/* Draws @figure into a @width x @height PNG (pixels) or SVG (points) at @path, by its
 * extension, written atomically.
 * Errors: RL_ERROR_INVALID_ARGUMENT for another extension or a size outside 16..16384,
 * RL_ERROR_FAILED when Cairo fails, GFileError when the file cannot be written. */
gboolean rl_landscape_figure_save (const char *path, int width, int height,
                                   RlLandscapeFigure figure, const RlLandscapePanel *panels,
                                   guint n, const char *title, GError **error);

G_END_DECLS
