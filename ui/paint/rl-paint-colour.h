/* rl-paint-colour.h: the colours that reslab-cli's figures and the app's views share, so that a
 * saved figure looks like the view it stands for. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* A confusion-matrix cell's colour for @count on a log scale, white (0) to green on the
 * diagonal and red off it (@max: the largest count of its kind), so that the diagonal's
 * thousands do not drown the mistakes' handful. */
void rl_paint_count_colour (uint32_t count,
                            uint32_t max,
                            gboolean diagonal,
                            double   rgb[3]);

/* An attribution's colour: red for @v > 0 (towards the class), blue for @v < 0 (against it);
 * the alpha grows with |v| / @m (square root, so that faint pushes still show). */
void rl_paint_attr_colour  (float    v,
                            float    m,
                            double   rgba[4]);

G_END_DECLS
