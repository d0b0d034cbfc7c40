/* rl-number-view.h: the Number view: a wide canvas on which the user writes several digits,
 * read as a number (rl_read_number: the digits found, each preprocessed as MNIST and read by
 * the model in use, left to right), live: at once when a stroke ends, and at most every
 * RL_NUMBER_VIEW_THROTTLE_MS while one is drawn. Shows the number in large type, a box over
 * each digit with what it was read as and how sure, and each digit as the network saw it.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-canvas.h"
#include "rl-predictor.h"
#include "rl-read.h"

G_BEGIN_DECLS

/* The canvas is this many times as wide as it is tall. */
#define RL_NUMBER_VIEW_ASPECT      3.2
/* The height of the ink image the strokes are rendered to (its width: the aspect's). */
#define RL_NUMBER_VIEW_INK_HEIGHT  280
#define RL_NUMBER_VIEW_INK_WIDTH   ((int) (RL_NUMBER_VIEW_INK_HEIGHT * RL_NUMBER_VIEW_ASPECT + 0.5))
#define RL_NUMBER_VIEW_THROTTLE_MS 80

#define RL_TYPE_NUMBER_VIEW (rl_number_view_get_type ())
G_DECLARE_FINAL_TYPE (RlNumberView, rl_number_view, RL, NUMBER_VIEW, GtkWidget)

/* Reads with @predictor's model (nullable: none). */
void             rl_number_view_set_predictor (RlNumberView *self,
                                               RlPredictor  *predictor);
/* Returns: (transfer none) */
RlCanvas        *rl_number_view_get_canvas    (RlNumberView *self);
void             rl_number_view_clear         (RlNumberView *self);
/* Reads the strokes now if they changed since the last reading. */
void             rl_number_view_flush         (RlNumberView *self);
/* The number read, "" when no digit is written. Returns: (transfer none) */
const char      *rl_number_view_get_text      (RlNumberView *self);
/* The last reading, NULL before any or without a model. Returns: (transfer none) (nullable) */
const RlReading *rl_number_view_get_reading   (RlNumberView *self);

/* Puts @ink (RL_NUMBER_VIEW_INK_WIDTH x RL_NUMBER_VIEW_INK_HEIGHT, 1 = ink), the picture @name,
 * in place of the strokes and reads it; a stroke or Clear takes it out. The window reads the
 * file (rl_image_file_load_ink_async: levelled as `reslab-cli read` levels it). */
void             rl_number_view_show_picture      (RlNumberView        *self,
                                                   const float         *ink,
                                                   const char          *name);
/* The shown picture's file name, or NULL. Returns: (transfer none) (nullable) */
const char      *rl_number_view_get_image_name    (RlNumberView        *self);

G_END_DECLS
