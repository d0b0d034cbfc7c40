/* rl-preprocess.h: turn a drawing or a photo of a digit into what MNIST's images look like,
 * or of a piece of clothing into what Fashion-MNIST's look like.
 *
 * MNIST's recipe (LeCun et al.): the digit's bounding box is scaled, keeping its aspect ratio,
 * to fit a 20 x 20 box (with area averaging, so thin strokes keep their grey levels), and then
 * placed in a 28 x 28 field so that its centre of mass is at the field's centre.
 * Fashion-MNIST's (Xiao, Rasul and Vollgraf 2017, section 2): the product's picture trimmed to
 * it, its longest edge resized to 28, the shorter extended to 28 with the picture in the
 * centre: the same box scaled to the whole field and centred by the box.
 */
#pragma once

#include <glib.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

/* RL_MNIST_SIDE (rl-dataset.h): the field; the digit's box in it */
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

/* The recipe of @kind's images: MNIST's, as rl_preprocess_digit_map; or Fashion-MNIST's, the
 * box's longer side scaled to 28 and the box centred. A Fashion-MNIST image comes back nearly
 * unchanged, where MNIST's recipe would shrink it into 20 x 20. */
gboolean rl_preprocess_image_map (RlDatasetKind kind, const float *in, int width, int height,
                                  int stride, float threshold, float *out,
                                  RlPreprocessMap *map);

G_END_DECLS
