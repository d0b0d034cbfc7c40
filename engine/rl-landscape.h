/* rl-landscape.h: the loss around a trained net, seen in two random directions (Li et al.,
 * "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018) and along the straight line
 * from its initial weights (Goodfellow et al., "Qualitatively characterizing neural network
 * optimization problems", ICLR 2015).
 *
 * Legend: N images of the fixed subset, P classes, w the model's parameter block (n_params
 * floats, the layout of rl_model_get_params), d1 and d2 two directions in the same layout.
 *
 * Directions (Li et al. section 4, "filter normalization"): every entry drawn from N(0, 1),
 * then each filter of the direction rescaled to the norm of the matching filter of w. A filter
 * of a conv weight (Co, Ci, K, K) is one output channel's (Ci, K, K) slice; of the linear
 * weight (P, In), one output row. Biases, batch norm's weight and bias, and its buffers get a
 * zero direction (Li et al. leave them fixed). Each tensor is drawn from its own stream,
 * seeded by (seed, which direction, tensor name), so two models whose tables share a tensor
 * name and shape get the same direction for it: a plain twin and its residual twin (option A:
 * the same table; option B: the same except the projections) are seen in the same directions.
 *
 * The loss is PyTorch's CrossEntropyLoss (mean over the subset) of rl_model_predict's logits,
 * batch norm in evaluation mode (running statistics), accumulated in double; the accuracy is
 * the fraction of argmax hits (rl_argmax: ties to the lower class, a NaN above any number).
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-safetensors.h"

G_BEGIN_DECLS

/* Points per axis, at most (a 1001 x 1001 grid is a million evaluations of the subset). */
#define RL_LANDSCAPE_MAX_GRID 1001

/* Direction @which (0 or 1) for @model and @seed, filter-normalised (see above).
 * dir: (n_params), written whole */
void          rl_landscape_direction   (const RlModel *model,
                                        uint64_t       seed,
                                        guint          which,
                                        float         *dir);

/* Whether @a and @b can be shown side by side in the same directions: the same input shape
 * and classes, and every tensor name the two share has the same shape; names only one of them
 * has must be option-B projections (".shortcut." in the name), which get their own direction.
 * Errors: RL_ERROR_MISMATCH naming the first difference. */
gboolean      rl_landscape_check_pair  (const RlModel  *a,
                                        const RlModel  *b,
                                        GError        **error);

/* Where a model saved at @model_path keeps its initial weights: "run.safetensors" ->
 * "run.initial.safetensors" (any other name gets ".initial.safetensors" appended).
 * Returns: (transfer full) */
char         *rl_landscape_initial_path (const char *model_path);

/* The one writer of initial weights (`reslab-cli train --keep-initial` and the app's training
 * runs): saves @initial, the net before its first step, at rl_landscape_initial_path
 * (@model_path) with the metadata "dataset" (@kind), "epochs" "0", "seed" (@seed) and
 * "initial_of" (@model_path's base name). The model saved at @model_path then names it:
 * rl_landscape_name_initial. Atomic; replaces the file, so the caller makes sure nothing of the
 * user's is there.
 * Errors: those of rl_model_save. */
gboolean      rl_landscape_save_initial (const RlModel  *initial,
                                         const char     *model_path,
                                         RlDatasetKind   kind,
                                         uint64_t        seed,
                                         GError        **error);

/* Whether the file at @initial_path holds the initial weights of the model at @model_path: its
 * metadata "initial_of" names the model, or (a file written before that key) the model's
 * "initial" names it. A file of someone else's at that name is neither, nor one that cannot be
 * read; deleting a run's files goes by this. Reads the two files. */
gboolean      rl_landscape_is_initial_of (const char *initial_path,
                                          const char *model_path);

/* Adds "initial" (the base name of rl_landscape_initial_path (@model_path)) to @metadata, the
 * metadata the trained model at @model_path is saved with (string -> string, keys and values
 * freed with g_free). */
void          rl_landscape_name_initial (GHashTable *metadata,
                                         const char *model_path);

/* The initial weights of the trained model at @path whose file @st is, as
 * rl_landscape_save_initial keeps them: the file that its metadata "initial" names (a base name, looked
 * for in @path's folder only). NULL with no error when the metadata names none.
 * Errors: those of rl_model_load for the initial file.
 * Returns: (transfer full) (nullable) */
RlModel      *rl_landscape_load_initial (const char           *path,
                                         const RlSafetensors  *st,
                                         GError              **error);

typedef struct _RlLandscape RlLandscape;

/* An evaluator of @model (copied, with its thread count) on the first @n_images images of @ds
 * (normalised once, kept as floats). Every evaluation writes w + alpha d1 + beta d2 into the
 * copy's parameters in place and runs rl_model_predict over the subset: nothing is allocated
 * per point. The directions start at zero.
 * Errors: RL_ERROR_INVALID_ARGUMENT for @n_images 0 or above the set's size,
 * RL_ERROR_MISMATCH when the set's images or classes are not the model's.
 * Returns: (transfer full) */
RlLandscape  *rl_landscape_new         (const RlModel    *model,
                                        const RlDataset  *ds,
                                        uint32_t          n_images,
                                        GError          **error);
void          rl_landscape_free        (RlLandscape *ls);

uint32_t      rl_landscape_get_n_images (const RlLandscape *ls);
/* Direction @which (0 or 1). Returns: (transfer none) (n_params) */
const float  *rl_landscape_get_direction (const RlLandscape *ls, guint which);

/* d1, d2 = rl_landscape_direction (model, @seed, 0 and 1). */
void          rl_landscape_set_random_directions (RlLandscape *ls, uint64_t seed);

/* Loss and accuracy (both nullable) at w + @alpha d1 + @beta d2. At (0, 0) the parameters are
 * w exactly. A running variance that the step makes negative is taken as 0 (only a direction
 * from rl_landscape_interpolate moves running statistics). */
void          rl_landscape_eval        (RlLandscape *ls,
                                        double       alpha,
                                        double       beta,
                                        double      *loss,
                                        double      *accuracy);

/* Coordinate @i (0 .. @grid - 1) of a grid of @grid points per axis over [-@range, @range]:
 * -range + 2 range i / (grid - 1), computed as range ((2 i - (grid - 1)) / (grid - 1)), the
 * fraction in [-1, 1] first, so that it never overflows; symmetric about 0, the ends exactly
 * -range and range, the middle point of an odd grid exactly 0, and a point of a coarser grid
 * nested in a finer one (every s-th point, s dividing grid - 1) the same double in both. The
 * one formula of every grid: rl_landscape_grid, the app's runner, the CLI's CSV. */
double        rl_landscape_grid_coordinate (int    grid,
                                            double range,
                                            int    i);

/* Whether @grid points per axis over [-@range, @range] make a grid the weights can be moved
 * on: @grid from 2 to RL_LANDSCAPE_MAX_GRID, @range a finite number above 0 whose
 * coordinates, as the floats the parameters are moved by, are finite and all distinct (at
 * most FLT_MAX, and not so small that neighbours round to the same float).
 * Errors: RL_ERROR_INVALID_ARGUMENT saying which. */
gboolean      rl_landscape_check_grid  (int      grid,
                                        double   range,
                                        GError **error);

/* Whether w + alpha d1 + beta d2, for every alpha, beta in [-@range, @range] with the
 * directions set now, are weights the loss can be measured at in single precision: every one
 * a finite float (filter-normalised directions are as large as the weights, so a range near
 * FLT_MAX overflows them), and the trained weights w not lost in the rounding of the step (its
 * error, about FLT_EPSILON times range times the directions, below the weights themselves:
 * for filter-normalised directions, a range up to about 3e6).
 * Errors: RL_ERROR_INVALID_ARGUMENT, saying the largest usable range. */
gboolean      rl_landscape_check_range (const RlLandscape  *ls,
                                        double              range,
                                        GError            **error);

/* rl_landscape_check_range for @model seen in the directions of @seed
 * (rl_landscape_set_random_directions), without a dataset: for a check before the work. */
gboolean      rl_landscape_check_model_range (const RlModel  *model,
                                              uint64_t        seed,
                                              double          range,
                                              GError        **error);

/* The grid alpha_i = rl_landscape_grid_coordinate (grid, range, i), beta_j likewise, i, j in
 * [0, grid):
 * loss[j * grid + i] and accuracy[j * grid + i] (nullable) at (alpha_i, beta_j). @cancellable
 * is checked before every point.
 * loss, accuracy: (grid, grid), beta major
 * Errors: RL_ERROR_INVALID_ARGUMENT for a grid rl_landscape_check_grid refuses or a range
 * rl_landscape_check_range does; G_IO_ERROR_CANCELLED. */
gboolean      rl_landscape_grid        (RlLandscape   *ls,
                                        int            grid,
                                        double         range,
                                        double        *loss,
                                        double        *accuracy,
                                        GCancellable  *cancellable,
                                        GError       **error);

/* The straight line from @initial's weights w0 to the model's w1 (Goodfellow et al.): the loss
 * and accuracy (nullable) of (1 - t) w0 + t w1 for each of @t (any values: t < 0 or > 1 goes
 * beyond the ends). Every tensor moves, batch norm's running statistics too, so t = 0 is the
 * initial net and t = 1 the trained one, each with its own statistics; in between, evaluation
 * mode uses the interpolated statistics, not those of the interpolated weights; beyond the
 * ends the statistics stay at the nearer end's. Sets d1 to w1 - w0 and d2 to 0.
 * t, loss, accuracy: (n)
 * Errors: RL_ERROR_MISMATCH when @initial's parameter table is not the model's. */
gboolean      rl_landscape_interpolate (RlLandscape   *ls,
                                        const RlModel *initial,
                                        const double  *t,
                                        guint          n,
                                        double        *loss,
                                        double        *accuracy,
                                        GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlLandscape, rl_landscape_free)

G_END_DECLS
