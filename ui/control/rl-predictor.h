/* rl-predictor.h: the network the window predicts with, and its current input.
 *
 * Holds its own copy of the weights (never the ones a trainer is updating: a trainer's
 * published snapshot is copied in with rl_predictor_set_params), the current 28 x 28 input
 * (from the drawing canvas through the MNIST preprocessing, or a test image), and the result of
 * the last run: class probabilities and every layer's activations. Every change of input or
 * weights runs the network at once, on the calling (main) thread, and emits "updated"; one run
 * of the seed net takes a few milliseconds, and callers throttle to the frame clock.
 */
#pragma once

#include <glib-object.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-preprocess.h"

G_BEGIN_DECLS

#define RL_TYPE_PREDICTOR (rl_predictor_get_type ())
G_DECLARE_FINAL_TYPE (RlPredictor, rl_predictor, RL, PREDICTOR, GObject)

/* Ink below this counts as paper when the preprocessing looks for the digit's bounding box. */
#define RL_PREDICTOR_INK_THRESHOLD 0.1f

/* Returns: (transfer full) */
RlPredictor        *rl_predictor_new            (void);

/* Replaces the model (any arch with a 1 x 28 x 28 input); @kind says which dataset's
 * normalisation its inputs need. Emits "model-changed", then "updated". */
void                rl_predictor_set_model      (RlPredictor   *self,
                                                 RlModel       *model,   /* (transfer full) */
                                                 RlDatasetKind  kind);
/* Returns: (transfer none) (nullable) */
RlModel            *rl_predictor_get_model      (RlPredictor *self);
RlDatasetKind       rl_predictor_get_kind       (RlPredictor *self);

/* Copies a published snapshot of weights of the same arch; emits "updated".
 * params: (n_params) in the model's table layout. Returns FALSE when the sizes differ. */
gboolean            rl_predictor_set_params     (RlPredictor *self,
                                                 const float *params,
                                                 size_t       n_params);

/* Sets the input image, or none (@image NULL); @true_label is the image's label when it
 * comes from a dataset, else -1. image: (28, 28) in [0, 1], 0 = background. */
void                rl_predictor_set_image      (RlPredictor *self,
                                                 const float *image,
                                                 int          true_label);
/* Runs MNIST's preprocessing (rl_preprocess_digit) on a drawing and sets the result as the
 * input; no ink means no input. ink: (height, width) in [0, 1]. */
void                rl_predictor_set_ink        (RlPredictor *self,
                                                 const float *ink,
                                                 int          width,
                                                 int          height);

gboolean            rl_predictor_has_input      (RlPredictor *self);
/* When the input came from rl_predictor_set_ink: where the ink went in the 28 x 28 image, and
 * the ink's size, so per-pixel results can be drawn back on the drawing. FALSE otherwise (a
 * test image, or no input). */
gboolean            rl_predictor_get_ink_map    (RlPredictor     *self,
                                                 RlPreprocessMap *map,
                                                 int             *ink_width,
                                                 int             *ink_height);
/* The 28 x 28 input, in [0, 1] (all zero without input). Returns: (transfer none) */
const float        *rl_predictor_get_image      (RlPredictor *self);
int                 rl_predictor_get_true_label (RlPredictor *self);
/* Class probabilities of the last run (uniform without input; all NaN when a logit is NaN or
 * infinite, the model's values having overflowed). Returns: (transfer none) */
const float        *rl_predictor_get_probs      (RlPredictor *self,
                                                 guint       *n_classes);
/* The class predicted, as torch.argmax of the logits (a NaN logit is the class: the first
 * NaN, ties to the first maximum), or -1 without input. */
int                 rl_predictor_get_prediction (RlPredictor *self);
/* The activations of the last run; NULL without model or input. Returns: (transfer none) */
const RlInference  *rl_predictor_get_inference  (RlPredictor *self);
/* Incremented by every run, so views can tell whether they are current. */
guint64             rl_predictor_get_serial     (RlPredictor *self);

G_END_DECLS
