#define G_LOG_DOMAIN "reslab-cli"

/* rl-image-level.c: levelling a photographed or scanned picture's ink before its digit is cut
 * out (rl_image_level_ink, documented in rl-image-file.h): the paper's level, across a hard
 * shadow's edge too, taken out; the ink scaled by the light on its paper; the paper's noise
 * under a floor. The file reader (rl-image-file.c) calls it on every picture it reads as a
 * digit or a number. */

#include "rl-image-file.h"

#include <math.h>
#include <string.h>

#include "rl-image-private.h"

/* ---- levelling: a photograph's paper is not ink --------------------------------------------- */

#define LEVEL_BINS  1024
#define LEVEL_CELLS 8

static inline int
level_bin (float v)
{
  if (!(v > 0.0f))
    return 0;
  return v >= 1.0f ? LEVEL_BINS - 1 : (int) (v * (LEVEL_BINS - 1) + 0.5f);
}

static inline float
level_value (int bin)
{
  return (float) bin / (LEVEL_BINS - 1);
}

/* The value below which @fraction of the @total samples in bins [@lo, LEVEL_BINS) lie. */
static float
level_percentile (const guint64 *hist, int lo, guint64 total, double fraction)
{
  guint64 want = (guint64) (fraction * (double) total), seen = 0;

  for (int b = lo; b < LEVEL_BINS; b++)
    {
      seen += hist[b];
      if (seen > want)
        return level_value (b);
    }
  return 1.0f;
}

/* Otsu's split of a histogram: the first bin of the upper class, the one that maximises the
 * between-class variance. 0 when every sample is in one bin. */
static int
level_otsu (const guint64 *hist)
{
  double total = 0.0, sum = 0.0, below = 0.0, sum_below = 0.0, best = -1.0;
  int split = 0;

  for (int b = 0; b < LEVEL_BINS; b++)
    {
      total += hist[b];
      sum += (double) b * hist[b];
    }
  for (int b = 1; b < LEVEL_BINS; b++)
    {
      double above, between;

      below += hist[b - 1];
      sum_below += (double) (b - 1) * hist[b - 1];
      above = total - below;
      if (below == 0.0 || above == 0.0)
        continue;
      between = below * above
                * pow (sum_below / below - (sum - sum_below) / above, 2.0);
      if (between > best)
        {
          best = between;
          split = b;
        }
    }
  return split;
}

/* One axis of a box blur of radius @r, in place, over @n samples @step apart; @tmp holds @n. */
static void
box_blur_line (float *p, gsize step, int n, int r, float *tmp)
{
  double acc = 0.0;

  for (int i = 0; i < n; i++)
    tmp[i] = p[(gsize) i * step];
  for (int i = -r; i < n; i++)
    {
      if (i + r < n)
        acc += tmp[i + r];
      if (i - r - 1 >= 0)
        acc -= tmp[i - r - 1];
      if (i >= 0)
        p[(gsize) i * step] = (float) (acc / (MIN (i + r, n - 1) - MAX (i - r, 0) + 1));
    }
}

/* The paper's level as a smooth surface: p(u, v) = c0 + c1 u + c2 v + c3 u^2 + c4 u v + c5 v^2
 * in the picture's own coordinates u, v in [-1, 1], fitted by least squares to the cells'
 * medians. Light falls off smoothly (a shadow, a lamp at one side, a vignette); a surface
 * extrapolates to the picture's edges, where cell values interpolated would stop short. */
typedef struct {
  double c[6];
} PaperLevel;

static void
paper_terms (double u, double v, double *t)
{
  t[0] = 1.0;
  t[1] = u;
  t[2] = v;
  t[3] = u * u;
  t[4] = u * v;
  t[5] = v * v;
}

static double
paper_at (const PaperLevel *p, double u, double v)
{
  double t[6], sum = 0.0;

  paper_terms (u, v, t);
  for (int k = 0; k < 6; k++)
    sum += p->c[k] * t[k];
  return sum;
}

/* Least squares over the cells in @keep, with the first @n_terms terms (1, 3 or 6): the
 * normal equations, solved by Gaussian elimination with partial pivoting. FALSE when they are
 * singular (too few cells, or all on a line). */
static gboolean
paper_fit (PaperLevel *p, int n_terms, const double *u, const double *v, const double *value,
           const gboolean *keep, int n)
{
  double a[6][7] = { { 0 } };

  memset (p->c, 0, sizeof p->c);
  for (int i = 0; i < n; i++)
    {
      double t[6];

      if (!keep[i])
        continue;
      paper_terms (u[i], v[i], t);
      for (int r = 0; r < n_terms; r++)
        {
          for (int c = 0; c < n_terms; c++)
            a[r][c] += t[r] * t[c];
          a[r][n_terms] += t[r] * value[i];
        }
    }
  for (int col = 0; col < n_terms; col++)
    {
      int pivot = col;

      for (int r = col + 1; r < n_terms; r++)
        if (fabs (a[r][col]) > fabs (a[pivot][col]))
          pivot = r;
      if (fabs (a[pivot][col]) < 1e-9)
        return FALSE;
      for (int c = 0; c <= n_terms; c++)
        {
          double tmp = a[col][c];

          a[col][c] = a[pivot][c];
          a[pivot][c] = tmp;
        }
      for (int r = 0; r < n_terms; r++)
        if (r != col)
          {
            double f = a[r][col] / a[col][col];

            for (int c = col; c <= n_terms; c++)
              a[r][c] -= f * a[col][c];
          }
    }
  for (int k = 0; k < n_terms; k++)
    p->c[k] = a[k][n_terms] / a[k][k];
  return TRUE;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The paper under the cells' medians @value: cells the strokes fill stand above the paper, so
 * the first fit is to the lower half of the cells, and three more rounds keep those not more
 * than max (2.5 robust sigmas, 0.02) above the last fit. The surface has as many terms as the
 * cells kept can carry. */
static void
paper_estimate (PaperLevel *p, const double *u, const double *v, const double *value, int n)
{
  gboolean keep[LEVEL_CELLS * LEVEL_CELLS];
  double dev[LEVEL_CELLS * LEVEL_CELLS];

  /* First the lower half: a picture of a digit is mostly paper. */
  memcpy (dev, value, n * sizeof *dev);
  qsort (dev, n, sizeof *dev, compare_double);
  for (int i = 0; i < n; i++)
    keep[i] = value[i] <= dev[(n - 1) / 2];
  for (int round = 0; round < 4; round++)
    {
      int kept = 0, m = 0;
      double sigma;

      for (int i = 0; i < n; i++)
        kept += keep[i];
      if (!(kept >= 18 && paper_fit (p, 6, u, v, value, keep, n))
          && !(kept >= 6 && paper_fit (p, 3, u, v, value, keep, n)))
        {
          /* A constant: the lowest median, the surest paper. */
          memset (p->c, 0, sizeof p->c);
          p->c[0] = value[0];
          for (int i = 1; i < n; i++)
            p->c[0] = MIN (p->c[0], value[i]);
          return;
        }
      if (round == 3)
        return;
      for (int i = 0; i < n; i++)
        if (keep[i])
          dev[m++] = fabs (value[i] - paper_at (p, u[i], v[i]));
      qsort (dev, m, sizeof *dev, compare_double);
      sigma = 1.4826 * dev[m / 2];
      for (int i = 0; i < n; i++)
        keep[i] = value[i] - paper_at (p, u[i], v[i]) <= MAX (2.5 * sigma, 0.02);
    }
}

/* ---- levelling across a hard shadow's edge -------------------------------------------------- */

/* A quadratic surface follows light that falls off smoothly, not a hard shadow's edge across
 * the picture: it settles between the two levels, and leaves a band of the shadowed side
 * standing along the edge, which `read` takes for a digit of its own. So the paper is also
 * measured locally, on blocks a STEP_GRID-th of the short side: their medians are opened (a
 * minimum, then a maximum, over a window a STEP_WINDOW-th of the short side wide, clipped at
 * the picture's border). Strokes are narrower than the window and go; a region of other paper
 * wider than it stays, its edge where it was. A region that reaches the border only has to be
 * half as wide, as a shadow does and a digit does not.
 * The blocks' level is used only when what the surface leaves of the medians, opened the same
 * way, spans a step along the border blocks (STEP_SIGMAS of the blocks' robust sigma, at
 * least STEP_MIN): a shadow's edge crosses the border, a bold digit that outlasts the opening
 * does not. On photo_digits.py's pictures of 1,000 digits that span is at most 0.053 (its
 * heaviest noise) without an edge, and 0.165 to 0.46 with one. Anywhere else the surface
 * stays, as it is smoother and extrapolates to the corners. The opening is not used on what
 * the surface leaves: over the surface's slope between the two levels it would shave the
 * shadowed side's plateau down. Pictures too small to be blurred (RL_IMAGE_LEVEL_BLUR) have
 * no blocks' level: a digit fills most of any window there. */
#define STEP_GRID   64
#define STEP_WINDOW 4
#define STEP_SIGMAS 4.0f
#define STEP_MIN    0.1f

typedef struct {
  int    gw, gh;    /* blocks across and down */
  int    block;     /* a block's side in pixels */
  float *level;     /* (gh, gw): the paper at the blocks' centres; NULL: the surface alone */
} PaperSteps;

/* In place over a line of @n samples @step apart: the minimum (@max FALSE) or the maximum of
 * the samples within @r of each; @tmp holds @n. */
static void
extreme_line (float *p, gsize step, int n, int r, gboolean max, float *tmp)
{
  for (int i = 0; i < n; i++)
    tmp[i] = p[(gsize) i * step];
  for (int i = 0; i < n; i++)
    {
      float e = tmp[i];

      for (int j = MAX (i - r, 0); j <= MIN (i + r, n - 1); j++)
        e = max ? MAX (e, tmp[j]) : MIN (e, tmp[j]);
      p[(gsize) i * step] = e;
    }
}

/* The same over a (@gh, @gw) grid: a square window of side 2 @r + 1. */
static void
extreme_grid (float *g, int gw, int gh, int r, gboolean max, float *tmp)
{
  for (int y = 0; y < gh; y++)
    extreme_line (g + (gsize) y * gw, 1, gw, r, max, tmp);
  for (int x = 0; x < gw; x++)
    extreme_line (g + x, gw, gh, r, max, tmp);
}

/* Fills @steps from the smooth copy @smooth and the surface @paper; steps->level stays NULL
 * when the surface is enough. */
static void
paper_steps_estimate (PaperSteps       *steps,
                      const PaperLevel *paper,
                      const float      *smooth,
                      int               width,
                      int               height)
{
  int side = MIN (width, height), r, n;
  g_autofree float *values = NULL;
  g_autofree float *rest = NULL;
  g_autofree float *dev = NULL;
  g_autofree float *tmp = NULL;
  float sigma, lowest = G_MAXFLOAT, highest = -G_MAXFLOAT;

  steps->level = NULL;
  steps->block = MAX (side / STEP_GRID, 1);
  steps->gw = (width + steps->block - 1) / steps->block;
  steps->gh = (height + steps->block - 1) / steps->block;
  r = MIN (steps->gw, steps->gh) / (2 * STEP_WINDOW);
  if (side < RL_IMAGE_LEVEL_BLUR || r < 1)
    return;

  /* each block's median, and what of it the surface leaves */
  n = steps->gw * steps->gh;
  steps->level = g_new (float, n);
  rest = g_new (float, n);
  values = g_new (float, (gsize) steps->block * steps->block);
  for (int j = 0; j < steps->gh; j++)
    for (int i = 0; i < steps->gw; i++)
      {
        int x0 = i * steps->block, x1 = MIN (x0 + steps->block, width);
        int y0 = j * steps->block, y1 = MIN (y0 + steps->block, height);
        int m = 0;

        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            values[m++] = smooth[(gsize) y * width + x];
        qsort (values, m, sizeof *values, rl_image_compare_floats);
        steps->level[j * steps->gw + i] = values[m / 2];
        rest[j * steps->gw + i] = values[m / 2]
                                  - (float) paper_at (paper, (double) (x0 + x1) / width - 1.0,
                                                      (double) (y0 + y1) / height - 1.0);
      }

  /* the blocks' noise: the difference of neighbours across, robustly */
  dev = g_new (float, n);
  for (int j = 0; j < steps->gh; j++)
    for (int i = 0; i < steps->gw; i++)
      dev[j * steps->gw + i] = fabsf (rest[j * steps->gw + i]
                                      - rest[j * steps->gw + MIN (i + 1, steps->gw - 1)]);
  qsort (dev, n, sizeof *dev, rl_image_compare_floats);
  sigma = 1.4826f * dev[n / 2] / (float) G_SQRT2;

  /* A step when the opened rest spans enough along the border: its range, as the surface may
   * settle anywhere between the two levels. */
  tmp = g_new (float, MAX (steps->gw, steps->gh));
  extreme_grid (rest, steps->gw, steps->gh, r, FALSE, tmp);
  extreme_grid (rest, steps->gw, steps->gh, r, TRUE, tmp);
  for (int j = 0; j < steps->gh; j++)
    {
      gboolean edge_row = j == 0 || j == steps->gh - 1;

      for (int i = 0; i < steps->gw; i += edge_row ? 1 : MAX (steps->gw - 1, 1))
        {
          lowest = MIN (lowest, rest[j * steps->gw + i]);
          highest = MAX (highest, rest[j * steps->gw + i]);
        }
    }
  if (highest - lowest < MAX (STEP_SIGMAS * sigma, STEP_MIN))
    {
      g_clear_pointer (&steps->level, g_free);
      return;
    }
  extreme_grid (steps->level, steps->gw, steps->gh, r, FALSE, tmp);
  extreme_grid (steps->level, steps->gw, steps->gh, r, TRUE, tmp);
}

/* The paper under pixel (@x, @y) of value @value. Where the blocks around (the four whose
 * centres enclose it, and one more on every side) differ by little, between the four centres
 * bilinearly; near an edge, the level of those blocks nearest to @value. The edge is then
 * found to the pixel, not to the block, and neither of its sides is left as a line of ink;
 * ink, above both levels, is measured from the upper one. */
static float
paper_steps_at (const PaperSteps *steps, int x, int y, float value)
{
  const float *l = steps->level;
  int gw = steps->gw;
  float gx = CLAMP ((x + 0.5f) / steps->block - 0.5f, 0.0f, (float) (gw - 1));
  float gy = CLAMP ((y + 0.5f) / steps->block - 0.5f, 0.0f, (float) (steps->gh - 1));
  int i0 = (int) gx, j0 = (int) gy;
  int i1 = MIN (i0 + 1, gw - 1), j1 = MIN (j0 + 1, steps->gh - 1);
  float lo = l[j0 * gw + i0], hi = lo, nearest = lo, fx, fy;

  for (int j = MAX (j0 - 1, 0); j <= MIN (j1 + 1, steps->gh - 1); j++)
    for (int i = MAX (i0 - 1, 0); i <= MIN (i1 + 1, gw - 1); i++)
      {
        float v = l[j * gw + i];

        lo = MIN (lo, v);
        hi = MAX (hi, v);
        if (fabsf (v - value) < fabsf (nearest - value))
          nearest = v;
      }
  if (hi - lo > STEP_MIN / 2)
    return nearest;
  fx = gx - i0;
  fy = gy - j0;
  return (1 - fy) * ((1 - fx) * l[j0 * gw + i0] + fx * l[j0 * gw + i1])
         + fy * ((1 - fx) * l[j1 * gw + i0] + fx * l[j1 * gw + i1]);
}

/* The paper's level in ink under pixel (@x, @y) of value @value: the blocks' across a hard
 * shadow's edge, else the surface's. */
static float
paper_level_at (const PaperLevel *paper,
                const PaperSteps *steps,
                int               x,
                int               y,
                int               width,
                int               height,
                float             value)
{
  double at = steps->level != NULL
              ? paper_steps_at (steps, x, y, value)
              : paper_at (paper, (2.0 * x + 1.0) / width - 1.0, (2.0 * y + 1.0) / height - 1.0);

  return (float) CLAMP (at, 0.0, 1.0);
}

/* ---- the light on the paper ------------------------------------------------------------------ */

/* The paper's luminance where its level in ink is @level: ink is 1 - L for dark ink. */
static inline float
paper_light (float level, gboolean inverted)
{
  return inverted ? 1.0f - level : level;
}

/* The most light on the paper: the largest of the blocks' levels across a hard shadow's edge
 * (the pixels' paper lies between them), else the surface's at the cells' centres. */
static float
paper_light_max (const PaperLevel *paper,
                 const PaperSteps *steps,
                 const double     *u,
                 const double     *v,
                 int               n,
                 gboolean          inverted)
{
  float most = 0.0f;

  if (steps->level != NULL)
    for (int k = 0; k < steps->gw * steps->gh; k++)
      most = MAX (most, paper_light (CLAMP (steps->level[k], 0.0f, 1.0f), inverted));
  else
    for (int k = 0; k < n; k++)
      most = MAX (most, paper_light ((float) CLAMP (paper_at (paper, u[k], v[k]), 0.0, 1.0),
                                     inverted));
  return most;
}

/* What ink over paper of @level is multiplied by: the most light on the paper (@light_ref,
 * paper_light_max) over the light there, as a flat field divides by it, so that a stroke in a
 * shadow stands out as much as a lit one (photo_digits.py's `edge`: its strokes in the shadow
 * came out at 0.47 against 0.85 in the light, and 78 of 1,000 digits were misread).
 * Paper darker than LEVEL_LIGHT_MIN (a black board, MNIST's own black) shows no light to
 * divide by, and the gain stops at LEVEL_GAIN_MAX where the paper is nearly black: the
 * shadow of photo_digits.py's `shadow` is 0.25 in its darkest corner. */
#define LEVEL_LIGHT_MIN 0.1f
#define LEVEL_GAIN_MAX  4.0f

/* The gain reaches ink from LEVEL_GAIN_KNEE floors (the paper's noise, step 4 of
 * rl_image_level_ink) above the floor, and grows to it from 1 at the floor: noise just over
 * the floor stays as faint as it was. */
#define LEVEL_GAIN_KNEE 2.0f

static inline float
paper_gain (float level, float light_ref, gboolean inverted)
{
  if (light_ref < LEVEL_LIGHT_MIN)
    return 1.0f;
  return light_ref / MAX (paper_light (level, inverted), light_ref / LEVEL_GAIN_MAX);
}

gboolean
rl_image_level_ink (float *ink, int width, int height, gboolean inverted)
{
  gsize n = (gsize) width * height;
  int radius = MIN (width, height) / RL_IMAGE_LEVEL_BLUR;
  int cx = MIN (LEVEL_CELLS, width), cy = MIN (LEVEL_CELLS, height);
  double cell[LEVEL_CELLS * LEVEL_CELLS];
  double cell_u[LEVEL_CELLS * LEVEL_CELLS], cell_v[LEVEL_CELLS * LEVEL_CELLS];
  PaperLevel paper;
  PaperSteps steps;
  g_autofree guint64 *hist = NULL;
  g_autofree float *smooth = NULL;
  guint64 upper = 0;
  float ink_level, floor_level, light_ref;
  int split;

  g_return_val_if_fail (ink != NULL && width > 0 && height > 0, FALSE);

  /* 1. A smooth copy, to judge by: noise finer than a quarter of a field pixel (when the digit
   *    fills the picture) is gone from it. Pictures under RL_IMAGE_LEVEL_BLUR px need no blur,
   *    but still a copy: step 5 scales the ink, not what judges it. */
  smooth = g_memdup2 (ink, n * sizeof *ink);
  if (radius > 0)
    {
      g_autofree float *tmp = g_new (float, MAX (width, height));

      for (int y = 0; y < height; y++)
        box_blur_line (smooth + (gsize) y * width, 1, width, radius, tmp);
      for (int x = 0; x < width; x++)
        box_blur_line (smooth + x, width, height, radius, tmp);
    }

  /* 2. The paper's own level (grey paper, a shadow, uneven light): the median of each of
   *    8 x 8 cells, and a smooth surface through those that are paper (paper_estimate); across
   *    a hard shadow's edge, the opened medians of small blocks instead (paper_steps_estimate). */
  hist = g_new (guint64, LEVEL_BINS);
  for (int j = 0; j < cy; j++)
    for (int i = 0; i < cx; i++)
      {
        int x0 = i * width / cx, x1 = (i + 1) * width / cx;
        int y0 = j * height / cy, y1 = (j + 1) * height / cy;
        int c = j * cx + i;

        memset (hist, 0, LEVEL_BINS * sizeof *hist);
        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            hist[level_bin (smooth[(gsize) y * width + x])]++;
        cell_u[c] = (x0 + x1) / (double) width - 1.0;
        cell_v[c] = (y0 + y1) / (double) height - 1.0;
        cell[c] = level_percentile (hist, 0, (guint64) (x1 - x0) * (y1 - y0), 0.5);
      }
  paper_estimate (&paper, cell_u, cell_v, cell, cx * cy);
  paper_steps_estimate (&steps, &paper, smooth, width, height);

  /* 3. The paper out of the smooth copy. Across a hard shadow's edge the paper is chosen by
   *    the pixel's own value: the smooth copy has blurred the edge. */
  memset (hist, 0, LEVEL_BINS * sizeof *hist);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize k = (gsize) y * width + x;
        float level = paper_level_at (&paper, &steps, x, y, width, height, ink[k]);

        smooth[k] = smooth[k] > level ? smooth[k] - level : 0.0f;
        hist[level_bin (smooth[k])]++;
      }

  /* 4. Ink and paper apart (Otsu, on the smooth copy). Too little contrast is no ink at all.
   *    What is left of the paper's noise goes where the smooth copy is under a floor: a clean
   *    picture's paper is mostly exactly 0 after step 3, a noisy one's half-normal, whose upper
   *    quartile is 0.67 sigma, so six of it (at most half the split) is four sigma. */
  split = level_otsu (hist);
  for (int b = split; b < LEVEL_BINS; b++)
    upper += hist[b];
  if (split == 0 || level_percentile (hist, split, upper, 0.95) < RL_IMAGE_LEVEL_MIN_CONTRAST)
    {
      g_clear_pointer (&steps.level, g_free);
      memset (ink, 0, n * sizeof *ink);
      return FALSE;
    }
  floor_level = MIN (6.0f * level_percentile (hist, 0, n - upper, 0.75),
                     0.5f * level_value (split));

  /* 5. The ink above the paper, scaled by the light on it (paper_gain): a stroke in a shadow
   *    stands out of its paper by as much less as the light is. Only the ink is scaled, not
   *    the smooth copy that judges it: the paper's noise is as large in a shadow as in the
   *    light, and the floor stays four of its sigmas (scaled too, the floor was set by the
   *    lit paper and the shadow's noise passed it: `shadow` 861 of 1,000 read right instead of
   *    944). Specks of noise that pass the floor keep a gain near 1 (LEVEL_GAIN_KNEE): at full
   *    gain they stood out over RL_IMAGE_DIGIT_THRESHOLD in the dark and widened the digit's
   *    box (`chalk` 953 instead of 974). Under the floor the ink is paper, and step 6 would
   *    take it anyway: its level is not looked up again. */
  light_ref = paper_light_max (&paper, &steps, cell_u, cell_v, cx * cy, inverted);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize k = (gsize) y * width + x;
        float level, gain;

        if (smooth[k] < floor_level)
          {
            ink[k] = 0.0f;
            continue;
          }
        level = paper_level_at (&paper, &steps, x, y, width, height, ink[k]);
        gain = paper_gain (level, light_ref, inverted);
        if (floor_level > 0.0f)
          gain = 1.0f + (gain - 1.0f) * MIN ((smooth[k] - floor_level)
                                             / (LEVEL_GAIN_KNEE * floor_level), 1.0f);
        ink[k] = ink[k] > level ? gain * (ink[k] - level) : 0.0f;
      }
  g_clear_pointer (&steps.level, g_free);

  /* 6. The ink's 95th percentile becomes full ink (its upper quartile made resampled strokes
   *    bolder, and joined digits 1 px apart in `read`: 89.1 % read exactly instead of
   *    92.2 %); the paper under the floor becomes 0. The ink keeps its own, unsmoothed values:
   *    the scaling to 20 x 20 averages what noise is left between the strokes. */
  memset (hist, 0, LEVEL_BINS * sizeof *hist);
  for (gsize k = 0; k < n; k++)
    if (level_bin (smooth[k]) >= split)
      hist[level_bin (ink[k])]++;
  ink_level = MAX (level_percentile (hist, 0, upper, 0.95), RL_IMAGE_LEVEL_MIN_CONTRAST);
  for (gsize k = 0; k < n; k++)
    ink[k] = smooth[k] < floor_level ? 0.0f : MIN (ink[k] / ink_level, 1.0f);
  return TRUE;
}
