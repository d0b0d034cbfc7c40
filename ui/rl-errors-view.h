/* rl-errors-view.h: the Errors view: which test images the model in use gets wrong.
 *
 * The 10 x 10 confusion matrix of the test set, per-class precision and recall and the overall
 * accuracy; a click on a cell lists its images (mistakes most confident first, right answers
 * least confident first), and a click on an image emits "open-image" with its index in the
 * test set. The evaluation runs off the main thread (rl-evaluator.h) whenever the model in use
 * changes, and when rl_errors_view_refresh is called (after each training epoch).
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-errors.h"
#include "rl-predictor.h"

G_BEGIN_DECLS

#define RL_TYPE_ERRORS_VIEW (rl_errors_view_get_type ())
G_DECLARE_FINAL_TYPE (RlErrorsView, rl_errors_view, RL, ERRORS_VIEW, GtkWidget)

void           rl_errors_view_set_predictor (RlErrorsView *self,
                                             RlPredictor  *predictor);
/* Evaluates the predictor's model again (the last request wins). */
void           rl_errors_view_refresh       (RlErrorsView *self);
/* The last evaluation, or NULL before the first (property "report" notifies).
 * Returns: (transfer none) (nullable) */
RlErrorReport *rl_errors_view_get_report    (RlErrorsView *self);
/* Lists the images of cell (@true_k, @pred_k), as a click on it does. */
void           rl_errors_view_select_cell   (RlErrorsView *self,
                                             int           true_k,
                                             int           pred_k);
/* The cell whose images are listed (-1, -1: none): the commonest mistake until a click, or the
 * arrow keys on the focused matrix (action errors.move (ii): rows, columns), choose another. */
void           rl_errors_view_get_selected_cell (RlErrorsView *self,
                                                 int          *true_k,
                                                 int          *pred_k);
/* The images listed, and the test-set index of the @i-th. */
guint          rl_errors_view_get_n_listed  (RlErrorsView *self);
guint          rl_errors_view_get_listed    (RlErrorsView *self,
                                             guint         i);
/* For the tests, what the matrix writes for class @k's precision (under its column) or, with
 * @recall, its recall (right of its row): the text; in *@px its size, in *@width how wide it is
 * drawn and in *@room the width it has (its column's; each may be NULL). NULL before a report.
 * Returns: (transfer full) (nullable) */
char          *rl_errors_view_get_figure    (RlErrorsView *self,
                                             gboolean      recall,
                                             int           k,
                                             double       *px,
                                             double       *width,
                                             double       *room);
/* Emits "open-image" for the @i-th image listed, as a click on it does. */
void           rl_errors_view_open_listed   (RlErrorsView *self,
                                             guint         i);

G_END_DECLS
