/* rl-square-area.h: a GtkDrawingArea that is as tall as it is wide, and grows: the Draw view's
 * enlarged 28 × 28 input, which takes the room a wide window leaves beside the canvas instead
 * of staying 168 pixels in a large empty column. Draw into it with
 * gtk_drawing_area_set_draw_func () as into any drawing area.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_SQUARE_AREA (rl_square_area_get_type ())
G_DECLARE_FINAL_TYPE (RlSquareArea, rl_square_area, RL, SQUARE_AREA, GtkDrawingArea)

G_END_DECLS
