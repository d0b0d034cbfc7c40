/* rl-widget-util.h: small pieces several widgets share, written once: the dataset drop-down
 * of the Train and Experiment views, the cairo snapshot of the plots and the feature view,
 * and the predictor handlers of the Draw, feature and filter views.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-dataset.h"
#include "rl-predictor.h"

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

/* A view's "updated" and "model-changed" handlers (called with the predictor and @view), as
 * a group that follows the predictor the view is given. Returns: (transfer full) */
GSignalGroup *rl_predictor_signals_new (GCallback  updated_cb,
                                        GCallback  model_changed_cb,
                                        gpointer   view);

/* Points a view at @predictor: a reference in *@slot, @signals moved over to it. Returns
 * FALSE, changing nothing, when *@slot already is @predictor. */
gboolean      rl_predictor_signals_set (GSignalGroup  *signals,
                                        RlPredictor  **slot,
                                        RlPredictor   *predictor);

/* Names @view (a page of the window, role GROUP) @name for assistive technologies, and
 * removes the doubled names under it: GTK 4.8 gives a button with a mnemonic label both the
 * raw label as its name ("Per la_yer") and the label widget ("Per layer"), and an AT reads
 * both. The label widget alone names it. Call after gtk_widget_init_template (). */
void          rl_view_init_accessible  (GtkWidget   *view,
                                        const char  *name);

/* A 28 x 28 digit (image: (28, 28) in [0, 1], copied), grey, @side pixels square, named @name
 * for assistive technologies. Returns: (transfer floating) */
GtkWidget    *rl_digit_image_new       (const float *image,
                                        int          side,
                                        const char  *name);

G_END_DECLS
