/* rl-filter-view.h: the first convolution's filters (the seed net's conv1: 16 of 5 x 5) as
 * images in the diverging colour map, all on one symmetric scale so that filters can be
 * compared. Follows the predictor's weights, which during training are the latest snapshot.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-predictor.h"

G_BEGIN_DECLS

#define RL_TYPE_FILTER_VIEW (rl_filter_view_get_type ())
G_DECLARE_FINAL_TYPE (RlFilterView, rl_filter_view, RL, FILTER_VIEW, GtkDrawingArea)

/* Returns: (transfer floating) */
GtkWidget  *rl_filter_view_new           (void);
void        rl_filter_view_set_predictor (RlFilterView *self,
                                          RlPredictor  *predictor);
/* The tensor shown ("conv1.weight"), or NULL when the model has no convolution.
 * Returns: (transfer none) (nullable) */
const char *rl_filter_view_get_tensor_name (RlFilterView *self);
/* How many times the view was asked to redraw because the weights changed. */
guint       rl_filter_view_get_n_updates (RlFilterView *self);

G_END_DECLS
