/* rl-read.h: reading a handwritten number: its digits found (rl-segment.h), each preprocessed
 * as MNIST and classified by a model, left to right.
 *
 * What the app's Number mode and `reslab-cli read` share: one call from an ink image to the
 * digits with their boxes and confidences.
 */
#pragma once

#include <gio/gio.h>

#include "rl-model.h"
#include "rl-preprocess.h"
#include "rl-segment.h"

G_BEGIN_DECLS

typedef struct {
  RlDigitBox box;                                   /* where it is in the image */
  int        digit;                                 /* the argmax, 0..9 */
  float      confidence;                            /* its softmax probability */
  float      probs[10];                             /* probs: (10) */
  float      image[RL_MNIST_SIDE * RL_MNIST_SIDE];  /* image: (28, 28) in [0, 1], as the
                                                       model saw it before normalisation */
} RlReadDigit;

typedef struct {
  guint        n;        /* digits, left to right */
  RlReadDigit *digits;   /* (n) */
  char        *text;     /* the number, e.g. "1907"; "" when no digit was found */
} RlReading;

/* Reads the number written in @ink with @model (an MNIST model: 1 x 28 x 28 inputs, 10
 * classes), segmenting with @params (nullable: rl_segment_params_init's defaults). An image
 * with no ink gives a reading of no digits, not an error.
 * ink: (height, width) in [0, 1], 0 background, row stride @stride floats.
 * Errors: RL_ERROR_MISMATCH when the model does not take 1 x 28 x 28 images into 10 classes.
 * Returns: (transfer full) */
RlReading *rl_read_number  (RlModel               *model,
                            const float           *ink,
                            int                    width,
                            int                    height,
                            int                    stride,
                            const RlSegmentParams *params,
                            GError               **error);
void       rl_reading_free (RlReading *reading);
/* Whether a digit of @reading has NaN probabilities (a NaN or infinite logit; its class is
 * still torch.argmax's). */
gboolean   rl_reading_has_nan (const RlReading *reading);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlReading, rl_reading_free)

G_END_DECLS
