/* rl-prob-view.h: the prediction: the most probable class in large type, and one bar with its
 * percentage per class, the top one highlighted. Built from labels and progress bars, so screen
 * readers read it as text and values.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

#define RL_TYPE_PROB_VIEW (rl_prob_view_get_type ())
G_DECLARE_FINAL_TYPE (RlProbView, rl_prob_view, RL, PROB_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget *rl_prob_view_new            (void);

/* Shows @probs (n_classes values summing to 1) with the class names of @kind, and @predicted,
 * the class predicted (rl_predictor_get_prediction: torch.argmax of the logits, which NaN
 * probabilities no longer tell). NaN probabilities are said to be no numbers, not drawn.
 * @true_label (or -1) is the input's real label, shown beside the prediction. */
void       rl_prob_view_set_probs      (RlProbView    *self,
                                        const float   *probs,
                                        guint          n_classes,
                                        int            predicted,
                                        RlDatasetKind  kind,
                                        int            true_label);
/* No input: the bars empty, a hint in place of the prediction. */
void       rl_prob_view_clear          (RlProbView    *self,
                                        guint          n_classes,
                                        RlDatasetKind  kind);
/* The class shown as predicted, or -1. */
int        rl_prob_view_get_prediction (RlProbView *self);

G_END_DECLS
