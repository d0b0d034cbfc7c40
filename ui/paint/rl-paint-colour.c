#define G_LOG_DOMAIN "reslab-paint"

/* rl-paint-colour.c: the colours the figures and the views share (see rl-paint-colour.h).
 */

#include "rl-paint-colour.h"

#include <math.h>

void
rl_paint_count_colour (uint32_t count,
                       uint32_t max,
                       gboolean diagonal,
                       double   rgb[3])
{
  const double t = count == 0 ? 0.0 : log1p (count) / log1p (MAX (max, 1u));
  const double hi[2][3] = { { 0.80, 0.16, 0.10 }, { 0.20, 0.55, 0.30 } };

  for (int c = 0; c < 3; c++)
    rgb[c] = 1.0 + t * (hi[diagonal ? 1 : 0][c] - 1.0);
}

void
rl_paint_attr_colour (float  v,
                      float  m,
                      double rgba[4])
{
  const double t = m > 0 ? MIN (fabs (v) / m, 1.0) : 0.0;

  if (v >= 0)
    rgba[0] = 0.84, rgba[1] = 0.10, rgba[2] = 0.16;
  else
    rgba[0] = 0.13, rgba[1] = 0.47, rgba[2] = 0.90;
  rgba[3] = 0.9 * sqrt (t);
}
