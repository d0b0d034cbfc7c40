/* rl-models-popover.h: the Models list of the header bar: the bundled model and every run
 * of an RlModelStore, newest first, each with its test accuracy and date.
 *
 * Clicking a row activates win.use-model (its path, "" for the bundled model); a run's name is
 * a GtkEditableLabel whose edit activates win.rename-model ((ss): path, name); its buttons
 * activate win.export-model and win.delete-model (s: path); its menu (⋮) has Loss Landscape
 * and Compare Landscape With (a submenu of the other models), which activate
 * win.show-landscape (as: the one or two paths). The window owns the store and
 * those actions; the popover only shows the list and which model is in use.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-model-store.h"

G_BEGIN_DECLS

#define RL_TYPE_MODELS_POPOVER (rl_models_popover_get_type ())
G_DECLARE_FINAL_TYPE (RlModelsPopover, rl_models_popover, RL, MODELS_POPOVER, GtkPopover)

GtkWidget    *rl_models_popover_new         (void);
void          rl_models_popover_set_store   (RlModelsPopover *self,
                                             RlModelStore    *store);
/* The model in use: a run's path, "" for the bundled model, NULL for none of the list. */
void          rl_models_popover_set_current (RlModelsPopover *self,
                                             const char      *path);
/* The list's rows, in the store's order, for tests. Returns: (transfer none) */
GtkListBox   *rl_models_popover_get_list    (RlModelsPopover *self);
/* The menu of row @index, as opening it makes it now, for tests. Returns: (transfer none)
 * (nullable) */
GMenuModel   *rl_models_popover_get_row_menu (RlModelsPopover *self,
                                              guint            index);

G_END_DECLS
