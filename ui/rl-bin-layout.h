/* rl-bin-layout.h: GtkBinLayout (every child takes the whole widget) for the Train and Inside
 * views, whose column gives way where the width is too small for the network diagram beside
 * it. After each allocation it asks the widget whether it is crowded at that width, and the
 * width its diagram's scroller then asks for; when either changes, it has the widget apply
 * them from an idle, since a widget's visibility must not change while GTK is allocating.
 * (GtkBinLayout is a final type, and a widget with a layout manager gets no size_allocate
 * call.) The idle never outlives the widget's place in a window.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_BIN_LAYOUT (rl_bin_layout_get_type ())
G_DECLARE_FINAL_TYPE (RlBinLayout, rl_bin_layout, RL, BIN_LAYOUT, GtkLayoutManager)

/* Called after the children of @widget are allocated @width pixels wide: whether its column
 * must give way, and in *@need the width its diagram's scroller asks for. Changes nothing. */
typedef gboolean (*RlBinLayoutCrowded) (GtkWidget *widget,
                                        int        width,
                                        int       *need);

/* Called from an idle when what RlBinLayoutCrowded said has changed: shows and hides. */
typedef void (*RlBinLayoutApply) (GtkWidget *widget,
                                  gboolean   crowded,
                                  int        need);

GtkLayoutManager *rl_bin_layout_new (RlBinLayoutCrowded crowded,
                                     RlBinLayoutApply   apply);

G_END_DECLS
