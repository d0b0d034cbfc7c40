/* rl-inside-view.h: the Inside view: every layer's activation maps for the current input
 * (RlFeatureView), the colour legend, the scaling toggle, the first layer's filters, and the
 * Network panel (RlNetworkView, behind its toggle), whose clicked layer's maps it outlines.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-feature-view.h"
#include "rl-filter-view.h"
#include "rl-network-view.h"
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
/* Outlines arch layer @layer's maps and scrolls to them, and marks its box in the Network
 * panel (what a click on the panel does). */
void           rl_inside_view_select_layer     (RlInsideView *self,
                                                int           layer);
/* Reveals or hides the Network panel (its toggle button). */
void           rl_inside_view_show_network     (RlInsideView *self,
                                                gboolean      show);
/* Returns: (transfer none) */
RlNetworkView *rl_inside_view_get_network_view (RlInsideView *self);
/* Returns: (transfer none) */
RlFilterView  *rl_inside_view_get_filter_view  (RlInsideView *self);

G_END_DECLS
