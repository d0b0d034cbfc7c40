/* rl-widget-util.h: small pieces several widgets share, written once: the dataset drop-down
 * of the Train and Experiment views, and the cairo snapshot of the charts.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

/* Fills @dropdown with the datasets there are: MNIST, and Fashion-MNIST when it is installed
 * (Debian: dataset-fashion-mnist); @kinds (of RlDatasetKind) gets each entry's kind. */
void     rl_dataset_dropdown_fill (GtkDropDown *dropdown,
                                   GArray      *kinds);

/* A cairo context over the whole of @widget, appended to @snapshot, and the widget's size;
 * NULL when it has none. Returns: (transfer full) (nullable) */
cairo_t *rl_snapshot_append_cairo (GtkWidget   *widget,
                                   GtkSnapshot *snapshot,
                                   int         *width,
                                   int         *height);

G_END_DECLS
