/* rl-figure.h: the degradation experiment's figures, drawn with Cairo, saved as PNG or SVG.
 *
 * - Degradation (the paper's Figure 6): two panels, plain nets on the left and residual nets on
 *   the right; x the iterations, y the error in percent; training error thin, test error bold;
 *   one colour per depth, with a legend. A depth trained with several seeds (an
 *   RlExperimentGroup) is drawn as the mean over the seeds with a shaded band from the lowest
 *   to the highest seed's value, for each twin and each of the two errors; the plain twins'
 *   bands paler and hatched, as the Experiment view's chart draws them (rl_figure_fill_band),
 *   which the plain panel's legend says.
 * - Layers (the paper's Figure 7, plus gradients): for one plain/residual pair, the gradient
 *   norm of each weight layer (left) and the standard deviation of each layer's response
 *   (right) against the layer's position, log scale; the first record thin (for responses
 *   measured with the running averages rather than fresh batch norm statistics, the first from
 *   iteration 30 on, once those have settled), the last record bold.
 *
 * The draw functions only draw (into any cairo_t: an image, an SVG, a GTK drawing area) and
 * read the experiments, which must not be stepping meanwhile. GTK-free: reslab-cli and the
 * app's Experiment view (Export) use the same painter.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "rl-experiment.h"
#include "rl-figure-util.h"   /* rl_figure_font_family */

G_BEGIN_DECLS

/* @groups: (n) one per depth (each with one seed or more), drawn in that order; @title
 * (nullable) goes above the panels. */
void     rl_figure_draw_degradation (cairo_t                  *cr,
                                     double                    width,
                                     double                    height,
                                     RlExperimentGroup *const *groups,
                                     guint                     n,
                                     const char               *title);
void     rl_figure_draw_layers      (cairo_t            *cr,
                                     double              width,
                                     double              height,
                                     const RlExperiment *exp,
                                     const char         *title);

/* Draws into a @width x @height PNG (pixels) or SVG (points) at @path, by its extension
 * (".png" or ".svg", any case), written atomically.
 * Errors: RL_ERROR_INVALID_ARGUMENT for another extension or a size outside 16..16384,
 * RL_ERROR_FAILED when Cairo fails, GFileError when the file cannot be written. */
gboolean rl_figure_save_degradation (const char          *path,
                                     int                  width,
                                     int                  height,
                                     RlExperimentGroup *const *groups,
                                     guint                n,
                                     const char          *title,
                                     GError             **error);
gboolean rl_figure_save_layers      (const char          *path,
                                     int                  width,
                                     int                  height,
                                     const RlExperiment  *exp,
                                     const char          *title,
                                     GError             **error);

G_END_DECLS
