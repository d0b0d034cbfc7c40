/* rl-canvas.h: a square drawing area for one digit.
 *
 * Strokes are stored as polylines in canvas units: the drawing square spans [0, 1] x [0, 1],
 * x to the right, y down, whatever the widget's size. A mouse or a finger draws through a
 * GtkGestureDrag, a pen through a GtkGestureStylus (with pressure when the pen reports it).
 *
 * Ink for the network is rendered separately from what the screen shows: its stroke width is a
 * fixed fraction of the drawing's extent, so that once the preprocessing has scaled the digit's
 * bounding box into MNIST's 20 x 20 box, strokes come out as wide as MNIST's (about two pixels
 * in the 28 x 28 image) whether the digit was drawn small or large.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_CANVAS (rl_canvas_get_type ())
G_DECLARE_FINAL_TYPE (RlCanvas, rl_canvas, RL, CANVAS, GtkDrawingArea)

/* Stroke width of the network's ink, as a fraction of the longer side of the drawing's
 * bounding box (measured: see tests/test-ui-canvas.c, /ui/canvas/stroke-width). */
#define RL_CANVAS_INK_WIDTH_RATIO 0.16

/* Returns: (transfer floating) */
GtkWidget *rl_canvas_new           (void);

/* Adds a finished stroke, as if drawn with a mouse; emits "changed".
 * xy: (n_points, 2) x, y pairs in canvas units. */
void       rl_canvas_add_stroke    (RlCanvas     *self,
                                    const double *xy,
                                    guint         n_points);
/* Removes every stroke, keeping them for rl_canvas_undo (); emits "changed" when there was
 * one. */
void       rl_canvas_clear         (RlCanvas *self);
/* Removes the last stroke; on an empty canvas, brings back the strokes the last clear
 * removed. Returns FALSE (and emits nothing) when there is neither. */
gboolean   rl_canvas_undo          (RlCanvas *self);
/* Whether rl_canvas_undo () would change anything: a stroke to remove, or, on an empty
 * canvas, the drawing the last clear removed. */
gboolean   rl_canvas_can_undo      (RlCanvas *self);
guint      rl_canvas_get_n_strokes (RlCanvas *self);
/* Shows @image under the strokes, stretched over the drawing area (a test image or a picture
 * put into the input); NULL removes it, and so does the next stroke drawn. Emits "changed"
 * when an image comes or goes.
 * image: (height, width) in [0, 1], 1 = ink */
void       rl_canvas_set_image     (RlCanvas    *self,
                                    const float *image,
                                    int          width,
                                    int          height);
gboolean   rl_canvas_has_image     (RlCanvas *self);
gboolean   rl_canvas_is_empty      (RlCanvas *self);

/* Renders the strokes as ink for the network, antialiased, with round caps and joins: the
 * canvas square scaled to @width x @height pixels, 0 = paper, 1 = full ink.
 * Returns: (transfer full) (height, width) floats */
float     *rl_canvas_render_ink    (RlCanvas *self,
                                    int       width,
                                    int       height);

/* Draws over the strokes, with @cr scaled so the canvas square is the unit square: (0, 0) to
 * (1, 1), which rl_canvas_render_ink maps to its whole output. */
typedef void (*RlCanvasOverlayFunc) (RlCanvas *canvas,
                                     cairo_t  *cr,
                                     gpointer  data);

/* @func (nullable) is called at the end of every draw; @data is borrowed. */
void       rl_canvas_set_overlay_func (RlCanvas            *self,
                                       RlCanvasOverlayFunc  func,
                                       gpointer             data);
/* A wide canvas, for several digits side by side: the drawing area is @aspect (>= 1) times
 * as wide as it is tall, its canvas units span [0, aspect] x [0, 1], rl_canvas_render_ink ()
 * maps that to its @width x @height (give it the same aspect), and the network's pen follows
 * the drawing's height rather than its longer side. 1 (a square) by default. */
void       rl_canvas_set_aspect    (RlCanvas *self,
                                    double    aspect);
double     rl_canvas_get_aspect    (RlCanvas *self);
/* Where the drawing area is in the widget, in widget coordinates. */
void       rl_canvas_get_area      (RlCanvas        *self,
                                    graphene_rect_t *area);
/* The text an empty canvas shows (NULL: "Draw a digit here"). */
void       rl_canvas_set_placeholder (RlCanvas   *self,
                                      const char *text);
/* That text, as set (NULL: the default). Returns: (transfer none) (nullable) */
const char *rl_canvas_get_placeholder (RlCanvas *self);

G_END_DECLS
