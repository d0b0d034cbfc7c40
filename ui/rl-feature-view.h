/* rl-feature-view.h: every layer's activation maps for the predictor's current input.
 *
 * Maps are grouped into sections that share a channel count: a convolution with the ReLU and
 * pooling after it, one residual block (rows x, F(x), [shortcut(x)], relu(F(x) + shortcut(x)),
 * channel columns aligned so one can see what the block adds to each channel), the final
 * linear layer. Signed values use the diverging colour map, non-negative ones the sequential
 * map. Clicking a map (or Enter on the focused one; arrows move the focus) shows it enlarged in
 * a popover with its channel and value range.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-predictor.h"

G_BEGIN_DECLS

typedef enum {
  RL_SCALING_PER_LAYER,   /* one range for all maps of a layer (of a whole residual block) */
  RL_SCALING_PER_MAP,     /* every map stretched over its own range */
} RlScaling;

#define RL_TYPE_FEATURE_VIEW (rl_feature_view_get_type ())
G_DECLARE_FINAL_TYPE (RlFeatureView, rl_feature_view, RL, FEATURE_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget   *rl_feature_view_new            (void);

void         rl_feature_view_set_predictor  (RlFeatureView *self,
                                             RlPredictor   *predictor);
/* Returns: (transfer none) (nullable) */
RlPredictor *rl_feature_view_get_predictor  (RlFeatureView *self);

void         rl_feature_view_set_scaling    (RlFeatureView *self,
                                             RlScaling      scaling);
RlScaling    rl_feature_view_get_scaling    (RlFeatureView *self);

/* Outlines the section that shows arch layer @layer's maps (the Network panel's click); -1:
 * none. Kept until the model changes. */
void         rl_feature_view_select_layer   (RlFeatureView *self,
                                             int            layer);
/* The outlined section, or -1 (nothing selected, or no input yet). */
int          rl_feature_view_get_selected_section (RlFeatureView *self);
/* Where section @i starts, in the view's coordinates; -1 before it is laid out. */
int          rl_feature_view_get_section_y  (RlFeatureView *self,
                                             guint          i);

/* Layout, for tests: the number of sections and of rows drawn (0 without input). */
guint        rl_feature_view_get_n_sections (RlFeatureView *self);
guint        rl_feature_view_get_n_rows     (RlFeatureView *self);
/* The label drawn beside a row's first line of maps, as text: "F(x)\n16×12×12 · ±4.49".
 * Returns: (transfer full) */
char        *rl_feature_view_dup_row_caption (RlFeatureView *self,
                                              guint          section,
                                              guint          row);
/* How many of the texts drawn (the sections' titles, the rows' labels) are cut short with an
 * ellipsis at the width last allocated. */
guint        rl_feature_view_count_cut_texts (RlFeatureView *self);
/* The title of section @i ("rblock1 · residual block", ...). Returns: (transfer none) */
const char  *rl_feature_view_get_section_title (RlFeatureView *self,
                                                guint          i);
/* The rows of section @i and their labels ("x", "F(x)", "shortcut(x)", ...).
 * Returns: (transfer none) */
guint        rl_feature_view_get_section_n_rows (RlFeatureView *self,
                                                 guint          i);
const char  *rl_feature_view_get_row_label     (RlFeatureView *self,
                                                guint          section,
                                                guint          row);
/* The range channel @channel of a row is drawn with, in the current scaling. */
void         rl_feature_view_get_map_range     (RlFeatureView *self,
                                                guint          section,
                                                guint          row,
                                                int            channel,
                                                float         *lo,
                                                float         *hi);
/* Enlarges map @channel (from 0) of @row in @section, as a click on it does; FALSE when it
 * is not drawn (no input, or not laid out yet). */
gboolean     rl_feature_view_show_map          (RlFeatureView *self,
                                                guint          section,
                                                guint          row,
                                                int            channel);
/* The enlarged map's caption, channels counted from 1 as the rows' "channels 33–64" are:
 * "ReLU\nchannel 1 of 16 · 24×24\nmin 0 · max 5.028". Returns: (transfer none) */
const char  *rl_feature_view_get_zoom_text     (RlFeatureView *self);

G_END_DECLS
