/* rl-landscape-view.h: the Experiment page's Landscape tab: the loss around the trained
 * weights of the plain twin and its residual twin in two filter-normalised random directions
 * (Li et al. 2018), computed progressively by an RlLandscapeRunner (coarse grid first, then
 * refined) and drawn side by side on one colour scale, as filled contours or as a shaded
 * surface the user turns by dragging or with the arrow keys (a Tab stop), the trained weights
 * marked at the centre; and the loss on the straight line from the initial to the trained
 * weights.
 *
 * The models come from the window (rl_landscape_view_set_models, rl-window-landscape.c): the
 * twins of the experiment's last run, handed over when it ends, a kept run's twins, or models
 * of the Models list. Two models whose weights differ in shape are
 * each seen in their own directions, and the note says so. Computing
 * is explicit (Compute), and stops when an experiment starts (both would share the cores).
 *
 * Actions (landscape.): compute, cancel.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-experiment-runner.h"
#include "rl-landscape-runner.h"

G_BEGIN_DECLS

#define RL_TYPE_LANDSCAPE_VIEW (rl_landscape_view_get_type ())
G_DECLARE_FINAL_TYPE (RlLandscapeView, rl_landscape_view, RL, LANDSCAPE_VIEW, GtkWidget)

/* Cancels a computation when @runner starts a run (both would share the cores), and offers
 * Compute only while it does not run. */
void               rl_landscape_view_follow      (RlLandscapeView    *self,
                                                  RlExperimentRunner *runner);
/* The models to look at (1 or 2, copied), their names, their initial weights (nullable, or
 * NULL entries) and the set whose first images the loss is on (ref'd). Cancels a
 * computation in progress and clears the figures. */
void               rl_landscape_view_set_models  (RlLandscapeView *self,
                                                  RlModel *const  *models,
                                                  RlModel *const  *initial,
                                                  const char     **names,
                                                  guint            n,
                                                  RlDataset       *set);
/* A sentence the note says first, about the models set (why a run's twin is missing, say), or
 * NULL; the next rl_landscape_view_set_models clears it. */
void               rl_landscape_view_set_remark  (RlLandscapeView *self,
                                                  const char      *remark);
/* Points per axis of the final grid (9, 17, 21 or 33) and images of the subset. */
void               rl_landscape_view_set_grid    (RlLandscapeView *self,
                                                  guint            grid);
void               rl_landscape_view_set_images  (RlLandscapeView *self,
                                                  guint            n);
/* Which figure shows: "contours", "surface" or "line". */
void               rl_landscape_view_show        (RlLandscapeView *self,
                                                  const char      *figure);
/* The surface's viewpoint in degrees (the drag turns it). */
void               rl_landscape_view_set_angles  (RlLandscapeView *self,
                                                  double           azimuth,
                                                  double           elevation);
void               rl_landscape_view_get_angles  (RlLandscapeView *self,
                                                  double          *azimuth,
                                                  double          *elevation);

/* Binds the grid, the images and the figure shown to the "landscape-*" keys. */
void               rl_landscape_view_bind_settings (RlLandscapeView *self,
                                                    GSettings       *settings);

/* For tests. Returns: (transfer none) */
RlLandscapeRunner *rl_landscape_view_get_runner  (RlLandscapeView *self);
const char        *rl_landscape_view_get_progress (RlLandscapeView *self);
guint              rl_landscape_view_get_n_models (RlLandscapeView *self);
/* Model @m (below n_models) as the view holds it, and its initial weights (nullable; NULL when
 * it came without). Returns: (transfer none) */
const RlModel     *rl_landscape_view_get_model    (RlLandscapeView  *self,
                                                   guint             m,
                                                   const RlModel   **initial);
/* The set the loss is on. Returns: (transfer none) (nullable) */
RlDataset         *rl_landscape_view_get_set      (RlLandscapeView  *self);
/* The note under the controls: what the figures show, or why they failed. */
const char        *rl_landscape_view_get_note     (RlLandscapeView *self);
/* The sentence the figure shown draws in place of a figure (what it waits for, or why there is
 * none), or NULL when it draws one. Returns: (transfer none) (nullable) */
const char        *rl_landscape_view_get_placeholder (RlLandscapeView *self);
/* "contours", "surface" or "line"; the grid's points per axis; the images. */
const char        *rl_landscape_view_get_figure   (RlLandscapeView *self);
guint              rl_landscape_view_get_grid     (RlLandscapeView *self);
guint              rl_landscape_view_get_images   (RlLandscapeView *self);
/* Whether the two models are seen in the same directions (rl_landscape_check_pair). */
gboolean           rl_landscape_view_get_same_directions (RlLandscapeView *self);

G_END_DECLS
