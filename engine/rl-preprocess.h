/* rl-preprocess.h: turn a drawing or a photo of a digit into what MNIST's images look like.
 *
 * MNIST's recipe (LeCun et al.): the digit's bounding box is scaled, keeping its aspect ratio,
 * to fit a 20 x 20 box (with area averaging, so thin strokes keep their grey levels), and then
 * placed in a 28 x 28 field so that its centre of mass is at the field's centre.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RL_MNIST_SIDE 28
#define RL_MNIST_BOX  20

/* in: (height, width) ink intensity in [0, 1] with row stride @stride floats (0 = background);
 * out: (28, 28) in [0, 1]. Pixels below @threshold count as background for the bounding box.
 * Returns FALSE, with @out all zero, when there is no ink. */
gboolean rl_preprocess_digit (const float *in, int width, int height, int stride,
                              float threshold, float *out);

/* Where rl_preprocess_digit put the input: field pixel (fx, fy) of the 28 x 28 output covers
 * input pixels x in [x0 + (fx - ox) * sx, x0 + (fx - ox + 1) * sx), and the same for y. The
 * map is affine, so it also says where a field pixel outside the patch would have come from
 * (for drawing per-pixel results, such as attributions, back on the input). */
typedef struct {
  int    x0, y0;   /* the ink's bounding box's corner in the input */
  double sx, sy;   /* input pixels per field pixel */
  int    ox, oy;   /* the resampled patch's corner in the field */
} RlPreprocessMap;

/* rl_preprocess_digit, and @map (nullable) filled when it returns TRUE. */
gboolean rl_preprocess_digit_map (const float *in, int width, int height, int stride,
                                  float threshold, float *out, RlPreprocessMap *map);

G_END_DECLS
