#define G_LOG_DOMAIN "reslab-engine"

/* rl-preprocess.c: MNIST's size and position normalisation for one digit.
 *
 * LeCun, Cortes and Burges describe how MNIST was made: "the images were size normalized to
 * fit in a 20x20 pixel box while preserving their aspect ratio ... the images were centered
 * in a 28x28 image by computing the center of mass of the pixels, and translating the image
 * so as to position this point at the center of the 28x28 field."
 *
 * Steps, for an input of ink intensities (H, W):
 *   1. bounding box of the pixels above @threshold (the faint pixels outside it are dropped);
 *   2. the box, of bw x bh pixels, is resampled to a patch of pw x ph pixels where the longer
 *      side is 20 and the shorter one is round (20 * short / long), at least 1. Each patch pixel
 *      is the exact area-weighted mean of the source pixels its footprint covers (a box filter
 *      of width bw / pw, which handles up- and down-scaling alike), so the total ink scales
 *      exactly with the area: sum (patch) = sum (box) * (pw * ph) / (bw * bh);
 *   3. the patch is copied into the 28 x 28 field at an integer offset chosen so that its
 *      intensity-weighted centre of mass lands nearest to (14, 14), in pixel-index
 *      coordinates (pixel (x, y) sits at (x, y)). This is what MNIST itself did: the centre of
 *      mass of every MNIST test image lies in [13.5, 14.5] on both axes. Rounding instead of a
 *      sub-pixel (bilinear) shift keeps the strokes sharp and leaves an MNIST image unchanged.
 *      The offset is clamped so the patch stays inside the field; only a very lopsided shape
 *      (almost all its mass within 6 px of one edge of the patch) is clamped.
 *
 * Guarantee, when not clamped: |centre of mass - 14| <= 0.5 on each axis.
 */

#include "rl-preprocess.h"

#include <math.h>
#include <string.h>

/* Reads one input pixel as ink in [0, 1]; NaN counts as no ink. */
static inline float
ink_at (const float *in, int stride, int x, int y)
{
  float v = in[(size_t) y * stride + x];

  if (!(v > 0.0f))
    return 0.0f;
  return v < 1.0f ? v : 1.0f;
}

/* One axis of the box filter: destination pixel @j of @n_dst covers source coordinates
 * [j * n_src / n_dst, (j + 1) * n_src / n_dst). Fills @weights with the overlap of each source
 * pixel from *@first on, divided by the footprint's length so the weights sum to 1, and
 * returns their number (at most ceil (n_src / n_dst) + 1). */
static int
footprint (int j, int n_src, int n_dst, int *first, double *weights, int max_weights)
{
  double scale = (double) n_src / n_dst;
  double a = j * scale;
  double b = (j + 1) * scale;
  int k0 = (int) floor (a);
  int k1 = (int) ceil (b);
  int n = 0;

  if (j == n_dst - 1)
    b = n_src;           /* no rounding gap at the far edge */
  if (k1 > n_src)
    k1 = n_src;
  for (int k = k0; k < k1 && n < max_weights; k++)
    {
      double lo = a > k ? a : k;
      double hi = b < k + 1 ? b : k + 1;
      weights[n++] = hi > lo ? (hi - lo) / (b - a) : 0.0;
    }
  *first = k0;
  return n;
}

/* Area-averaging resample of (src_h, src_w) with row stride @src_stride into (dst_h, dst_w).
 * Separable: a box filter's footprint is a rectangle, so the area weight of a source pixel is
 * the product of its x and y overlaps. Rows first, into @tmp: (src_h, dst_w). */
static void
resample_area (const float *src, int src_w, int src_h, int src_stride,
               float *dst, int dst_w, int dst_h, double *tmp)
{
  int max_w = (int) ceil ((double) src_w / dst_w) + 2;
  int max_h = (int) ceil ((double) src_h / dst_h) + 2;
  double *wx = g_new (double, max_w);
  double *wy = g_new (double, max_h);

  for (int j = 0; j < dst_w; j++)
    {
      int first;
      int n = footprint (j, src_w, dst_w, &first, wx, max_w);

      for (int y = 0; y < src_h; y++)
        {
          double acc = 0.0;

          for (int t = 0; t < n; t++)
            acc += wx[t] * ink_at (src, src_stride, first + t, y);
          tmp[(size_t) y * dst_w + j] = acc;
        }
    }

  for (int i = 0; i < dst_h; i++)
    {
      int first;
      int n = footprint (i, src_h, dst_h, &first, wy, max_h);

      for (int j = 0; j < dst_w; j++)
        {
          double acc = 0.0;

          for (int t = 0; t < n; t++)
            acc += wy[t] * tmp[(size_t) (first + t) * dst_w + j];
          dst[i * dst_w + j] = (float) acc;
        }
    }

  g_free (wx);
  g_free (wy);
}

/* Steps 1 to 3 above, with the longer side scaled to @box and the patch placed by its centre
 * of mass (@by_mass, MNIST) or by its own centre (Fashion-MNIST). */
static gboolean
preprocess (const float *in, int width, int height, int stride, float threshold, int box,
            gboolean by_mass, float *out, RlPreprocessMap *map)
{
  int x0 = width, x1 = -1, y0 = height, y1 = -1;
  int bw, bh, pw, ph, ox, oy;
  float patch[RL_MNIST_SIDE * RL_MNIST_SIDE];
  double mass = 0.0, mx = 0.0, my = 0.0;
  double *tmp;

  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof (float) * RL_MNIST_SIDE * RL_MNIST_SIDE);
  g_return_val_if_fail (width >= 0 && height >= 0, FALSE);
  g_return_val_if_fail (in != NULL || width == 0 || height == 0, FALSE);
  g_return_val_if_fail (stride >= width, FALSE);

  /* 1. Bounding box of the ink. A negative threshold would make every pixel "ink". */
  if (!(threshold >= 0.0f))
    threshold = 0.0f;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (ink_at (in, stride, x, y) > threshold)
        {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
  if (x1 < 0)
    return FALSE;

  /* 2. Longer side to @box, the shorter in proportion. */
  bw = x1 - x0 + 1;
  bh = y1 - y0 + 1;
  if (bw >= bh)
    {
      pw = box;
      ph = (int) lround ((double) box * bh / bw);
    }
  else
    {
      ph = box;
      pw = (int) lround ((double) box * bw / bh);
    }
  pw = CLAMP (pw, 1, box);
  ph = CLAMP (ph, 1, box);

  tmp = g_new (double, (size_t) bh * pw);
  resample_area (in + (size_t) y0 * stride + x0, bw, bh, stride, patch, pw, ph, tmp);
  g_free (tmp);

  /* 3. Centre of mass of the patch, in pixel-index coordinates; or the patch's centre. */
  for (int i = 0; i < ph; i++)
    for (int j = 0; j < pw; j++)
      {
        double v = patch[i * pw + j];

        mass += v;
        mx += v * j;
        my += v * i;
      }
  if (!(mass > 0.0))
    return FALSE;

  if (by_mass)
    {
      ox = (int) floor (RL_MNIST_SIDE / 2.0 - mx / mass + 0.5);
      oy = (int) floor (RL_MNIST_SIDE / 2.0 - my / mass + 0.5);
    }
  else
    {
      ox = (RL_MNIST_SIDE - pw) / 2;
      oy = (RL_MNIST_SIDE - ph) / 2;
    }
  ox = CLAMP (ox, 0, RL_MNIST_SIDE - pw);
  oy = CLAMP (oy, 0, RL_MNIST_SIDE - ph);

  for (int i = 0; i < ph; i++)
    memcpy (out + (size_t) (oy + i) * RL_MNIST_SIDE + ox, patch + i * pw, sizeof (float) * pw);

  if (map != NULL)
    *map = (RlPreprocessMap) {
      .x0 = x0, .y0 = y0,
      .sx = (double) bw / pw, .sy = (double) bh / ph,
      .ox = ox, .oy = oy,
    };
  return TRUE;
}

gboolean
rl_preprocess_digit (const float *in, int width, int height, int stride,
                     float threshold, float *out)
{
  return preprocess (in, width, height, stride, threshold, RL_MNIST_BOX, TRUE, out, NULL);
}

gboolean
rl_preprocess_digit_map (const float *in, int width, int height, int stride,
                         float threshold, float *out, RlPreprocessMap *map)
{
  return preprocess (in, width, height, stride, threshold, RL_MNIST_BOX, TRUE, out, map);
}

gboolean
rl_preprocess_image_map (RlDatasetKind kind, const float *in, int width, int height, int stride,
                         float threshold, float *out, RlPreprocessMap *map)
{
  if (kind == RL_DATASET_FASHION)
    return preprocess (in, width, height, stride, threshold, RL_MNIST_SIDE, FALSE, out, map);
  return preprocess (in, width, height, stride, threshold, RL_MNIST_BOX, TRUE, out, map);
}
