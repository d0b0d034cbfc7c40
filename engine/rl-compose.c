#define G_LOG_DOMAIN "reslab-engine"

/* rl-compose.c: numbers written with MNIST digits, for measuring the number reader. See the
 * header for what the gap means.
 *
 * Legend: S = 28 (an MNIST side); s = round (S x scale), a scaled digit's side.
 */

#include "rl-compose.h"
#include "rl-preprocess.h"

#include <math.h>
#include <string.h>

void
rl_compose_params_init (RlComposeParams *params)
{
  g_return_if_fail (params != NULL);

  params->min_digits = 2;
  params->max_digits = 5;
  params->min_scale = 0.7f;
  params->max_scale = 1.3f;
  params->max_offset = 4;
  params->min_gap = 2;
  params->max_gap = 5;
  params->margin = 4;
  params->threshold = 0.1f;
}

/* Bilinear resampling of a (S, S) image of bytes to (s, s) floats in [0, 1], sampling at the
 * pixel centres: out (i, j) reads src at ((i + 0.5) / f - 0.5, (j + 0.5) / f - 0.5).
 * out: (s, s) */
static void
scale_digit (const uint8_t *src, int s, float *out)
{
  const int S = RL_MNIST_SIDE;
  const double f = (double) s / S;

  for (int i = 0; i < s; i++)
    for (int j = 0; j < s; j++)
      {
        double y = (i + 0.5) / f - 0.5, x = (j + 0.5) / f - 0.5;
        int y0 = (int) floor (y), x0 = (int) floor (x);
        double fy = y - y0, fx = x - x0, acc = 0.0;

        for (int dy = 0; dy <= 1; dy++)
          for (int dx = 0; dx <= 1; dx++)
            {
              int yy = y0 + dy, xx = x0 + dx;
              double wgt = (dy ? fy : 1.0 - fy) * (dx ? fx : 1.0 - fx);

              if (yy >= 0 && yy < S && xx >= 0 && xx < S)
                acc += wgt * src[yy * S + xx] / 255.0;
            }
        out[i * s + j] = (float) acc;
      }
}

float *
rl_compose_number (const RlDataset       *ds,
                   const RlComposeParams *params,
                   RlRng                 *rng,
                   int                   *width,
                   int                   *height,
                   uint8_t               *labels,
                   uint32_t              *indices,
                   int                   *n_digits)
{
  const int S = RL_MNIST_SIDE;
  float *digit[RL_COMPOSE_MAX_DIGITS];
  int side[RL_COMPOSE_MAX_DIGITS], top[RL_COMPOSE_MAX_DIGITS], left[RL_COMPOSE_MAX_DIGITS];
  int n, H, W, max_side = 0;
  int *right = NULL;      /* (H) rightmost stroke column written so far per row, -huge: none */
  float *ink;

  g_return_val_if_fail (ds != NULL && ds->c == 1 && ds->h == (uint32_t) S &&
                        ds->w == (uint32_t) S, NULL);
  g_return_val_if_fail (params != NULL && rng != NULL && labels != NULL && n_digits != NULL,
                        NULL);
  g_return_val_if_fail (params->min_digits >= 1 && params->min_digits <= params->max_digits &&
                        params->max_digits <= RL_COMPOSE_MAX_DIGITS, NULL);
  g_return_val_if_fail (params->min_scale > 0.0f && params->min_scale <= params->max_scale,
                        NULL);
  g_return_val_if_fail (params->min_gap <= params->max_gap && params->max_offset >= 0, NULL);

  n = params->min_digits + (int) rl_rng_below (rng, params->max_digits - params->min_digits + 1);
  for (int k = 0; k < n; k++)
    {
      uint32_t idx = rl_rng_below (rng, ds->n);
      float scale = rl_rng_uniform_range (rng, params->min_scale, params->max_scale);

      side[k] = MAX ((int) lround (S * scale), 4);
      max_side = MAX (max_side, side[k]);
      digit[k] = g_new (float, side[k] * side[k]);
      scale_digit (ds->images + (size_t) idx * S * S, side[k], digit[k]);
      labels[k] = ds->labels[idx];
      if (indices != NULL)
        indices[k] = idx;
    }

  /* Rows: every digit's field sits on a common centre line, moved by its offset. */
  H = max_side + 2 * params->max_offset + 2 * params->margin;
  right = g_new (int, H);
  for (int y = 0; y < H; y++)
    right[y] = G_MININT / 2;
  for (int k = 0; k < n; k++)
    {
      int off = params->max_offset > 0
                ? (int) rl_rng_below (rng, 2 * params->max_offset + 1) - params->max_offset : 0;

      top[k] = (H - side[k]) / 2 + off;
    }

  /* Columns: each digit as far left as its gap to the ink so far allows (see the header). */
  W = params->margin;
  for (int k = 0; k < n; k++)
    {
      int gap = params->min_gap + (int) rl_rng_below (rng, params->max_gap - params->min_gap + 1);
      int reach = MAX (gap, 0);    /* rows within this distance constrain each other */
      int x = G_MININT / 2;
      gboolean any = FALSE;

      for (int i = 0; i < side[k]; i++)
        {
          int l = -1;

          for (int j = 0; j < side[k]; j++)
            if (digit[k][i * side[k] + j] > params->threshold)
              {
                l = j;
                break;
              }
          if (l < 0)
            continue;
          any = TRUE;
          for (int yy = top[k] + i - reach; yy <= top[k] + i + reach; yy++)
            if (yy >= 0 && yy < H && right[yy] > G_MININT / 2)
              x = MAX (x, right[yy] + gap + 1 - l);
        }
      if (k == 0 || !any || x == G_MININT / 2)
        x = k == 0 ? params->margin : W;   /* the first digit, or no ink to kern against */
      /* never left of the margin; a 0-width stroke still moves on */
      left[k] = MAX (x, params->margin);
      for (int i = 0; i < side[k]; i++)
        for (int j = side[k] - 1; j >= 0; j--)
          if (digit[k][i * side[k] + j] > params->threshold)
            {
              right[top[k] + i] = MAX (right[top[k] + i], left[k] + j);
              break;
            }
      W = MAX (W, left[k] + side[k]);
    }
  W += params->margin;

  ink = g_new0 (float, (size_t) W * H);
  for (int k = 0; k < n; k++)
    {
      for (int i = 0; i < side[k]; i++)
        for (int j = 0; j < side[k]; j++)
          {
            float *p = &ink[(size_t) (top[k] + i) * W + left[k] + j];

            /* ink where two digits overlap: the darker of the two, as pen on paper */
            *p = MAX (*p, digit[k][i * side[k] + j]);
          }
      g_free (digit[k]);
    }
  g_free (right);
  *width = W;
  *height = H;
  *n_digits = n;
  return ink;
}
