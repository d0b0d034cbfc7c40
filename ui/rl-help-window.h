/* rl-help-window.h: the help (F1): how to use ResLab and what each view shows, one page per
 * view in a stack with a sidebar, inside the app (no browser). Its text is in
 * resources/ui/rl-help-window.ui.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_HELP_WINDOW (rl_help_window_get_type ())
G_DECLARE_FINAL_TYPE (RlHelpWindow, rl_help_window, RL, HELP_WINDOW, GtkWindow)

/* Returns: (transfer none): a new help window, transient for @parent (nullable) */
RlHelpWindow *rl_help_window_new       (GtkWindow    *parent);
/* Shows the page of @view ("draw", "train", "inside", "experiment", "errors"); another name
 * shows the first page. */
void          rl_help_window_set_page  (RlHelpWindow *self,
                                        const char   *view);
/* The page shown. Returns: (transfer none) */
const char   *rl_help_window_get_page  (RlHelpWindow *self);

G_END_DECLS
