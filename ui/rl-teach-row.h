/* rl-teach-row.h: under Draw's prediction: "This is a…" and ten buttons, 0 to 9, that put
 * the drawing (as the network sees it) into "your digits" with that label, and the Your
 * Digits button, whose popover lists them (RlMineView).
 *
 * Ten buttons rather than clicks on the probability bars: a bar is a read-only value for a
 * screen reader (a progress bar), a click on it is not discoverable and has no keyboard
 * path, and a button says what it does ("This is a 7").
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-mine-view.h"

G_BEGIN_DECLS

#define RL_TYPE_TEACH_ROW (rl_teach_row_get_type ())
G_DECLARE_FINAL_TYPE (RlTeachRow, rl_teach_row, RL, TEACH_ROW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget  *rl_teach_row_new              (void);
/* The digit buttons are on only while there is a drawing to add. */
void        rl_teach_row_set_can_add      (RlTeachRow *self,
                                           gboolean    can_add);
/* Whether the model in use reads digits: if not, the ten buttons give way to a line saying
 * that your digits teach models of digits (a Fashion-MNIST model's classes are not 0-9). */
void        rl_teach_row_set_for_digits   (RlTeachRow *self,
                                           gboolean    for_digits);
gboolean    rl_teach_row_get_for_digits   (RlTeachRow *self);
/* Returns: (transfer none) */
GtkWidget  *rl_teach_row_get_digit_button (RlTeachRow *self,
                                           guint       digit);
/* Returns: (transfer none) */
RlMineView *rl_teach_row_get_mine_view    (RlTeachRow *self);
/* Shows the Your Digits popover. */
void        rl_teach_row_show_mine        (RlTeachRow *self);

G_END_DECLS
