/* rl-mine-view.h: "your digits": the small labelled set of the user's own handwriting
 * (rl-userset.h), each as the network sees it with its label and a delete button; "Learn
 * from My Digits"; and, after learning, each digit's reading before and after.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-teacher.h"

G_BEGIN_DECLS

#define RL_TYPE_MINE_VIEW (rl_mine_view_get_type ())
G_DECLARE_FINAL_TYPE (RlMineView, rl_mine_view, RL, MINE_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget  *rl_mine_view_new          (void);

/* The set's directory (rl_userset_default_dir () unless set); lists it again. */
void        rl_mine_view_set_dir      (RlMineView *self,
                                       const char *dir);
/* Returns: (transfer none) */
const char *rl_mine_view_get_dir      (RlMineView *self);
/* Lists the set again (after a digit was added); emits "changed". */
void        rl_mine_view_reload       (RlMineView *self);
guint       rl_mine_view_get_n_digits (RlMineView *self);
/* Deletes digit @index from the set on disk and the list; FALSE with @error when it cannot. */
gboolean    rl_mine_view_delete       (RlMineView *self,
                                       guint       index,
                                       GError    **error);

/* While learning: the Learn button off, @status (nullable) shown with a spinner. */
void        rl_mine_view_set_learning (RlMineView *self,
                                       gboolean    learning,
                                       const char *status);
/* Learning is possible (a digit, a model that reads digits, nothing else training): when
 * not, @why (nullable) says why on the Learn button's tooltip. */
void        rl_mine_view_set_can_learn (RlMineView *self,
                                        gboolean    can_learn,
                                        const char *why);
/* Shows each digit of @result read before and after, under @summary. */
void        rl_mine_view_show_result  (RlMineView          *self,
                                       const RlTeachResult *result,
                                       const char          *summary);
/* The before/after grid's rows shown (0 before a result). */
guint       rl_mine_view_get_n_results (RlMineView *self);

G_END_DECLS
