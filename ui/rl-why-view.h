/* rl-why-view.h: "Why?" in Draw: which pixels of the input pushed the model towards a class
 * and which pushed against it (rl-explain.h), painted over the Draw view's 28 x 28 preview.
 *
 * A toggle turns it on; a drop-down picks the method (gradient x input, live while drawing;
 * integrated gradients, steadier; occlusion) and another the class (the predicted one, or any
 * other: "what would make it a k?"). A legend and one sentence say what the colours mean, in a
 * widget of their own (rl_why_view_get_key), shown while Why? is on. The attributions follow the predictor's "updated", on the main thread: gradient x input
 * takes well under a frame (README, "Ask the model").
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-explain.h"
#include "rl-predictor.h"

G_BEGIN_DECLS

#define RL_TYPE_WHY_VIEW (rl_why_view_get_type ())
G_DECLARE_FINAL_TYPE (RlWhyView, rl_why_view, RL, WHY_VIEW, GtkWidget)

void         rl_why_view_set_predictor (RlWhyView   *self,
                                        RlPredictor *predictor);
void         rl_why_view_set_active    (RlWhyView   *self,
                                        gboolean     active);
gboolean     rl_why_view_get_active    (RlWhyView   *self);
void         rl_why_view_set_method    (RlWhyView       *self,
                                        RlExplainMethod  method);
/* -1: the predicted class. */
void         rl_why_view_set_class     (RlWhyView *self,
                                        int        k);
/* The legend and the sentence under it, for the caller to place beside what they describe
 * (the Draw view: under its 28 x 28 preview). The Why? view keeps a reference and fills it in.
 * Returns: (transfer none) */
GtkWidget   *rl_why_view_get_key       (RlWhyView *self);
/* The attributions shown, (28, 28); NULL when off or without input. *k: the class explained.
 * Returns: (transfer none) (nullable) */
const float *rl_why_view_get_attributions (RlWhyView *self,
                                           int       *k);
/* Paints the attributions over a @width x @height square showing the 28 x 28 input (nothing
 * when off). For the Draw view's preview. */
/* The same over the drawing itself: called from the canvas's overlay (rl-canvas.h), @cr in
 * the canvas's unit square. */
void         rl_why_view_paint_on_canvas (RlWhyView *self,
                                          cairo_t   *cr);
void         rl_why_view_paint         (RlWhyView *self,
                                        cairo_t   *cr,
                                        double     side);

G_END_DECLS
