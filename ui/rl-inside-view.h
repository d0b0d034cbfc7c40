/* rl-inside-view.h: the Inside view: every layer's activation maps for the current input
 * (RlFeatureView), the colour legend, the scaling toggle, and the first layer's filters.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-feature-view.h"
#include "rl-filter-view.h"
#include "rl-predictor.h"

G_BEGIN_DECLS

#define RL_TYPE_INSIDE_VIEW (rl_inside_view_get_type ())
G_DECLARE_FINAL_TYPE (RlInsideView, rl_inside_view, RL, INSIDE_VIEW, GtkWidget)

void           rl_inside_view_set_predictor    (RlInsideView *self,
                                                RlPredictor  *predictor);
/* Binds the colour scale (per layer or per map) to @settings (rl-window-settings.c) */
void           rl_inside_view_bind_settings    (RlInsideView *self,
                                                GSettings    *settings);
/* Returns: (transfer none) */
RlFeatureView *rl_inside_view_get_feature_view (RlInsideView *self);
/* Returns: (transfer none) */
RlFilterView  *rl_inside_view_get_filter_view  (RlInsideView *self);

G_END_DECLS
