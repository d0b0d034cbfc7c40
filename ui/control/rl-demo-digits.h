/* rl-demo-digits.h: hand-made strokes of the ten digits, as one might draw them with a mouse,
 * in canvas units (the drawing square is [0, 1] x [0, 1], y down; each digit about 0.6 tall,
 * centred). For the --draw-digit option, the screenshots and the tests.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const double *xy;       /* (n_points, 2) */
  guint         n_points;
} RlDemoStroke;

/* The strokes of @digit (0..9); returns how many (at most 4), filling @strokes. */
guint rl_demo_digit_get_strokes (guint         digit,
                                 RlDemoStroke  strokes[4]);

/* The strokes of @digit scaled by @scale about the square's centre, then moved by (@dx, @dy),
 * as a GPtrArray of GArray<double> x, y pairs. Returns: (transfer full) */
GPtrArray *rl_demo_digit_transformed (guint  digit,
                                      double scale,
                                      double dx,
                                      double dy);

G_END_DECLS
