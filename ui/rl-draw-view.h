/* rl-draw-view.h: the Draw view: the canvas, the 28 x 28 input the network sees, the
 * prediction, and a picker that puts a real test image into the input.
 *
 * Predictions follow the pen live but at most once per frame: a change of the strokes only
 * marks the input dirty, and a tick callback on the frame clock renders the latest strokes,
 * preprocesses them and runs the network, so the prediction is never more than a frame behind.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-canvas.h"
#include "rl-predictor.h"
#include "rl-prob-view.h"
#include "rl-teach-row.h"
#include "rl-why-view.h"

G_BEGIN_DECLS

/* Side of the image the canvas is rendered to before preprocessing (10 x MNIST's field). */
#define RL_DRAW_VIEW_INK_SIDE 280

#define RL_TYPE_DRAW_VIEW (rl_draw_view_get_type ())
G_DECLARE_FINAL_TYPE (RlDrawView, rl_draw_view, RL, DRAW_VIEW, GtkWidget)

void        rl_draw_view_set_predictor  (RlDrawView  *self,
                                         RlPredictor *predictor);
/* Returns: (transfer none) */
RlCanvas   *rl_draw_view_get_canvas     (RlDrawView *self);
/* Returns: (transfer none) */
RlProbView *rl_draw_view_get_prob_view  (RlDrawView *self);
/* "This is a…": the drawing into your digits (#14). Returns: (transfer none) */
RlTeachRow *rl_draw_view_get_teach_row  (RlDrawView *self);
/* The "Why?" controls, whose attributions the preview shows. Returns: (transfer none) */
RlWhyView  *rl_draw_view_get_why_view   (RlDrawView *self);

void        rl_draw_view_clear          (RlDrawView *self);
gboolean    rl_draw_view_undo           (RlDrawView *self);
/* Predicts from the current strokes now rather than at the next frame (when the view is not
 * on screen, nothing else would). */
void        rl_draw_view_flush          (RlDrawView *self);

/* TRUE once the test set of the model's dataset is loaded (property "test-set-ready"). */
gboolean    rl_draw_view_get_test_set_ready (RlDrawView *self);
/* Puts test image @index into the input; FALSE when the test set is not loaded. */
gboolean    rl_draw_view_show_test_image    (RlDrawView *self,
                                             guint       index);
gboolean    rl_draw_view_show_random_image  (RlDrawView *self);
/* Puts @digit (28 x 28, 1 = ink), the digit of the picture @name, into the input and predicts,
 * until a stroke, a test image or Clear replaces it. The window reads the file
 * (rl_image_file_load_digit_async: as `reslab-cli predict` reads it). */
void        rl_draw_view_show_picture       (RlDrawView  *self,
                                             const float *digit,
                                             const char  *name);
/* The name of the image file in the input, or NULL (a drawing, a test image, nothing).
 * Returns: (transfer none) (nullable) */
const char *rl_draw_view_get_image_name     (RlDrawView *self);
/* The note under the input: how what the network sees was made from a drawing, or that a
 * test image goes in as stored. Returns: (transfer none) */
const char *rl_draw_view_get_input_note     (RlDrawView *self);

/* One line about the model in use, shown under the prediction. */
void        rl_draw_view_set_model_description (RlDrawView *self,
                                                const char *text);

G_END_DECLS
