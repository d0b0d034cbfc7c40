/* rl-bin-layout.h: GtkBinLayout (every child takes the whole widget), which then tells the
 * widget the size it was given: the Train and Inside views use it to let a column give way
 * when the width is too small for the network diagram beside it. (GtkBinLayout is a final
 * type, and a widget with a layout manager gets no size_allocate call.) The function must not
 * change a widget's visibility there and then (GTK is allocating): it schedules that.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_BIN_LAYOUT (rl_bin_layout_get_type ())
G_DECLARE_FINAL_TYPE (RlBinLayout, rl_bin_layout, RL, BIN_LAYOUT, GtkLayoutManager)

/* Called after the children of @widget are allocated @width x @height. */
typedef void (*RlBinLayoutAllocated) (GtkWidget *widget,
                                      int        width,
                                      int        height);

GtkLayoutManager *rl_bin_layout_new (RlBinLayoutAllocated allocated);

G_END_DECLS
