/* rl-compose.h: handwritten numbers made from MNIST digits, to measure the number reader
 * (rl-read.h) on real handwriting with known answers.
 *
 * A number is 2-5 random digits of a dataset, each scaled by a random factor (bilinear) and
 * moved up or down by a random offset, written left to right with a random gap between their
 * ink. The gap is the ink's Chebyshev distance minus one: gap g >= 1 means at least g empty
 * pixels between any stroke pixel (ink above @threshold) of one digit and any of the others,
 * in every direction, so g >= 1 never touches under 8-connectivity; g = 0 touches (at the
 * tightest place, side by side or diagonally); g < 0 overlaps the strokes by -g columns.
 * Each digit is kerned against all the ink written so far, as a hand does: a slanted digit's
 * box may overlap its neighbour's.
 *
 * Shapes: the number is (H, W) ink in [0, 1] (0 background); digits are (28, 28).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "rl-dataset.h"
#include "rl-rng.h"

G_BEGIN_DECLS

#define RL_COMPOSE_MAX_DIGITS 16

typedef struct {
  int    min_digits, max_digits;   /* 2, 5; at most RL_COMPOSE_MAX_DIGITS */
  float  min_scale, max_scale;     /* 0.7, 1.3 */
  int    max_offset;               /* vertical offset in [-max_offset, max_offset] px: 4 */
  int    min_gap, max_gap;         /* ink gap in px, see above: 2, 5 */
  int    margin;                   /* empty border, px: 4 */
  float  threshold;                /* what counts as a stroke for the gap: 0.1 */
} RlComposeParams;

void   rl_compose_params_init (RlComposeParams *params);

/* Composes one number from random images of @ds (1 x 28 x 28) drawn with @rng.
 * labels: (RL_COMPOSE_MAX_DIGITS) receives the digits left to right, *n_digits their count;
 * indices: (RL_COMPOSE_MAX_DIGITS), nullable, the images' indices in @ds.
 * Returns: (transfer full) ink: (*height, *width) */
float *rl_compose_number (const RlDataset       *ds,
                          const RlComposeParams *params,
                          RlRng                 *rng,
                          int                   *width,
                          int                   *height,
                          uint8_t               *labels,
                          uint32_t              *indices,
                          int                   *n_digits);

G_END_DECLS
