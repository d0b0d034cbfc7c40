/* rl-landscape-runner.h: the loss landscape of one or two models (rl-landscape.h), computed on
 * an RlWorker progressively: a coarse grid first, then refined, each refinement computing only
 * the points the coarser grids lack.
 *
 * The final grid has G points per axis (G odd, so the trained weights are a grid point). The
 * levels are nested lattices of the final grid: step s_0 (about 5 points per axis, the centre
 * on it), then s_1 = s_0 / 2 when even, else its largest proper divisor, ..., then 1. For
 * G = 17: 5x5, 9x9, 17x17; for G = 21: 5x5, 21x21; for G = 33: 5x5, 9x9, 17x17, 33x33. A
 * level's points are computed row by row, the two models' rows interleaved, so both surfaces
 * refine together; each row of new points is one message. The runner is an RlRunner
 * (rl-runner.h): rl_runner_stop() cancels before the next point.
 *
 * Both models are seen in directions drawn from the same seed: tensors the two share (twins of
 * the same depth) get the same direction (rl_landscape_direction). When initial weights are
 * given, the loss on the straight line from them to the trained weights follows the grid.
 *
 * GLib/GIO only, no GTK: the tests run it without a display.
 *
 * Signals (on the main context of the thread that created the runner), besides RlRunner's
 * "finished" (completed FALSE when stopped or failed) and its property "running":
 *
 *   "points"   (RlLandscapeRunner *, guint model, guint n)
 *       @n new grid points of model @model are in (rl_landscape_runner_get_loss).
 *   "line"     (RlLandscapeRunner *, guint model)
 *       The line from the initial weights of model @model is in.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-runner.h"

G_BEGIN_DECLS

#define RL_LANDSCAPE_RUNNER_MAX_MODELS 2
/* The line: t from -0.25 to 1.25, as reslab-cli landscape. */
#define RL_LANDSCAPE_LINE_POINTS 31
#define RL_LANDSCAPE_LINE_FROM (-0.25)
#define RL_LANDSCAPE_LINE_TO 1.25

typedef struct {
  guint    grid;       /* final points per axis: odd, 3 .. RL_LANDSCAPE_MAX_GRID */
  double   range;      /* alpha and beta in [-range, range] */
  guint    n_images;   /* the first n_images of the set */
  guint64  seed;       /* the directions */
  int      threads;    /* the models' thread count (<= 0: every core) */
} RlLandscapeRunnerConfig;

/* grid 17, range 1, 200 images, seed 1, every core */
void rl_landscape_runner_config_init (RlLandscapeRunnerConfig *config);

/* The levels for a final grid of @grid points (odd, >= 3): fills @steps (at most 16) with the
 * lattice steps, coarsest first, the last 1. Returns their number. */
guint rl_landscape_levels (guint grid, guint steps[16]);

#define RL_TYPE_LANDSCAPE_RUNNER (rl_landscape_runner_get_type ())
G_DECLARE_FINAL_TYPE (RlLandscapeRunner, rl_landscape_runner, RL, LANDSCAPE_RUNNER, RlRunner)

/* Returns: (transfer full) */
RlLandscapeRunner *rl_landscape_runner_new   (void);

/* Starts computing the landscape of @models (1 or 2; copied) on the first config->n_images of
 * @set (the evaluators are made here, so bad input fails synchronously). @initial (nullable,
 * or with NULL entries): each model's initial weights, for the line. Earlier results are
 * cleared.
 * Errors: RL_ERROR_INVALID_ARGUMENT when running or for a bad config (a grid or range that
 * rl_landscape_check_grid or rl_landscape_check_range refuses); those of rl_landscape_new. */
gboolean  rl_landscape_runner_start          (RlLandscapeRunner             *self,
                                              const RlLandscapeRunnerConfig *config,
                                              RlModel *const                *models,
                                              RlModel *const                *initial,
                                              guint                          n_models,
                                              RlDataset                     *set,
                                              GError                       **error);

/* About the current or last run (0 before the first). */
guint     rl_landscape_runner_get_n_models   (RlLandscapeRunner *self);
const RlLandscapeRunnerConfig *rl_landscape_runner_get_config (RlLandscapeRunner *self);
/* Whether the two models share their directions (rl_landscape_check_pair passed). */
gboolean  rl_landscape_runner_same_directions (RlLandscapeRunner *self);
/* The points per axis of the level being computed (or last computed), and of the finest level
 * complete for every model (0 when none is). */
guint     rl_landscape_runner_get_level_grid    (RlLandscapeRunner *self);
guint     rl_landscape_runner_get_complete_grid (RlLandscapeRunner *self);
/* Points computed so far for @model, and in all (every level) per model. */
guint     rl_landscape_runner_get_n_done     (RlLandscapeRunner *self,
                                              guint              model);
guint     rl_landscape_runner_get_n_total    (RlLandscapeRunner *self);
/* Seconds since the start, until finished. */
double    rl_landscape_runner_get_elapsed    (RlLandscapeRunner *self);

/* Loss and accuracy of @model on the final grid, [j * grid + i] at (alpha_i, beta_j), NaN where
 * not computed yet. Returns: (transfer none) (grid, grid) */
const double *rl_landscape_runner_get_loss     (RlLandscapeRunner *self,
                                                guint              model);
const double *rl_landscape_runner_get_accuracy (RlLandscapeRunner *self,
                                                guint              model);
/* The loss on the final grid for drawing: computed points as they are, the others bilinearly
 * interpolated on the finest complete level. FALSE (and @out untouched) before the first level
 * is complete. out: (grid, grid) */
gboolean  rl_landscape_runner_fill           (RlLandscapeRunner *self,
                                              guint              model,
                                              double            *out);
/* The line from the initial weights: TRUE once in; t and loss (RL_LANDSCAPE_LINE_POINTS). */
gboolean  rl_landscape_runner_get_line       (RlLandscapeRunner *self,
                                              guint              model,
                                              const double     **t,
                                              const double     **loss);

G_END_DECLS
