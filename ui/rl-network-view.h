/* rl-network-view.h: the network in use, drawn (rl-diagram.h, rl-diagram-paint.h).
 *
 * One box per layer with its output shape and parameters, residual blocks with their shortcut
 * arcs. Hovering a box highlights it and its tooltip says what it is; clicking a stage expands or
 * collapses it; clicking a layer emits "layer-activated" with its index in the arch (the Inside
 * view then shows that layer's maps). Its size is the drawing's: put it in a scrolled window.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-diagram.h"
#include "rl-predictor.h"

G_BEGIN_DECLS

#define RL_TYPE_NETWORK_VIEW (rl_network_view_get_type ())
G_DECLARE_FINAL_TYPE (RlNetworkView, rl_network_view, RL, NETWORK_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget       *rl_network_view_new                (void);

/* Draws the predictor's model, and follows it when it changes. */
void             rl_network_view_set_predictor      (RlNetworkView *self,
                                                     RlPredictor   *predictor);
/* Draws @model's net instead (the predictor let go): a net about to be trained, say. The
 * diagram keeps no reference to @model. */
void             rl_network_view_set_model          (RlNetworkView *self,
                                                     const RlModel *model);
/* The layout drawn, for tests. Returns: (transfer none) (nullable) */
const RlDiagram *rl_network_view_get_diagram        (RlNetworkView *self);
/* What a click on box @box does: a stage expands or collapses, a layer's box emits
 * "layer-activated". */
void             rl_network_view_activate_box       (RlNetworkView *self,
                                                     guint          box);
/* Outlines the box of arch layer @layer (-1: none). */
void             rl_network_view_set_selected_layer (RlNetworkView *self,
                                                     int            layer);
int              rl_network_view_get_selected_layer (RlNetworkView *self);

G_END_DECLS
