/* rl-segment.h: finding the digits of a handwritten number.
 *
 * A number is written as several digits side by side. Each digit is one or more connected
 * strokes of ink; a digit written in several strokes (a 5's flag, a 4's two strokes, a 7's
 * bar) lies mostly above or below its other strokes, so its strokes overlap horizontally,
 * while two digits lie beside each other. The segmentation:
 *
 *   1. connected components of the pixels whose ink is above @threshold (8-connectivity:
 *      a diagonal step joins), in one pass with union-find; the faint anti-aliased pixels
 *      next to a component (ink in (0, threshold]) are given to it, so each digit keeps its
 *      soft edges;
 *   2. tiny specks dropped: components of fewer than max (2, speck_pixels x the largest
 *      component's pixels) pixels;
 *   3. components joined into one digit while the overlap of their x-ranges is at least
 *      @join_overlap of the narrower range (repeated until nothing joins, since a joined
 *      digit's range is the union of its parts');
 *   4. digits that are small in both ink and height (fewer than @speck_fraction of the
 *      largest digit's pixels and lower than @speck_height of the tallest) dropped: a dot, a
 *      stray mark, a crumb of eraser;
 *   5. the digits ordered left to right by the centre of their box.
 *
 * Each digit then goes through MNIST's preprocessing on its own pixels only
 * (rl_segmentation_extract): a neighbour's ink inside its box does not leak in.
 *
 * Shapes: the image is (H, W) ink in [0, 1] (0 background), row stride in floats.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct {
  float  threshold;       /* ink above this is a stroke (0.1, as reslab-cli predict) */
  double join_overlap;    /* join when x-ranges overlap by this share of the narrower (0.5) */
  double speck_pixels;    /* step 2: components below this share of the largest (0.02) */
  double speck_fraction;  /* step 4: digits below this share of the largest's pixels (0.1) ... */
  double speck_height;    /* ... and below this share of the tallest's height (0.4) */
} RlSegmentParams;

/* The defaults above, chosen on composed numbers of MNIST training digits (README.md,
 * "Reading numbers"). */
void rl_segment_params_init (RlSegmentParams *params);

typedef struct {
  int      x, y, width, height;  /* the digit's box in the image, in pixels */
  uint32_t n_pixels;             /* its stroke pixels (above the threshold) */
  uint32_t n_parts;              /* connected components joined into it */
} RlDigitBox;

typedef struct {
  int         width, height;     /* the image's */
  guint       n;                 /* digits found, left to right */
  RlDigitBox *boxes;             /* (n) */
  int32_t    *owner;             /* (H, W) the digit each pixel belongs to, -1 for none */
} RlSegmentation;

/* Finds the digits of @ink with @params (nullable: the defaults). An image without ink gives
 * n = 0. Returns: (transfer full) */
RlSegmentation *rl_segment_digits (const float           *ink,
                                   int                    width,
                                   int                    height,
                                   int                    stride,
                                   const RlSegmentParams *params);
void            rl_segmentation_free (RlSegmentation *seg);

/* Digit @k (< seg->n) alone, preprocessed as MNIST (rl_preprocess_digit with @threshold):
 * only the pixels seg->owner gives to it.
 * ink: (H, W) with row stride @stride, the image @seg was made from; out: (28, 28) in [0, 1].
 * Returns FALSE, with @out zero, when the digit has no ink above @threshold. */
gboolean        rl_segmentation_extract (const RlSegmentation *seg,
                                         const float          *ink,
                                         int                   stride,
                                         guint                 k,
                                         float                 threshold,
                                         float                *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSegmentation, rl_segmentation_free)

G_END_DECLS
