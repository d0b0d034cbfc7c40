/* rl-train-view-private.h: what the Train view's files share (rl-train-view.c: the form, the
 * net's defaults and diagram, set-up; rl-train-view-progress.c: the charts and the progress
 * line). Not installed.
 */
#pragma once

#include "rl-train-view.h"

#include "rl-net-chooser.h"
#include "rl-network-view.h"

G_BEGIN_DECLS

struct _RlTrainView
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget      *root;
  GtkWidget      *settings_column;
  GtkWidget      *settings_grid;
  GtkDropDown    *dataset_dropdown;
  GtkSpinButton  *epochs_spin;
  GtkSpinButton  *lr_spin;
  GtkSpinButton  *momentum_spin;
  GtkSpinButton  *weight_decay_spin;
  GtkLabel       *defaults_label;
  GtkWidget      *defaults_button;
  RlNetChooser   *net_chooser;
  GtkSpinButton  *batch_spin;
  GtkSpinButton  *images_spin;
  GtkSpinButton  *seed_spin;
  GtkSwitch      *from_current_switch;
  GtkWidget      *start_button;
  GtkLabel       *blocked_label;
  RlChart        *loss_chart;
  RlChart        *accuracy_chart;
  GtkToggleButton *accuracy_zoom_button;
  GtkLabel       *progress_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkToggleButton *diagram_button;
  GtkWidget      *diagram_scroller;
  GtkWidget      *run_box;        /* the diagram, the charts and the progress */
  GtkWidget      *charts_separator;
  GtkWidget      *charts_box;
  RlNetworkView  *network_view;

  /* owned */
  GArray         *kinds;          /* RlDatasetKind of each dropdown entry */
  RlTrainerState  state;
  float           last_heldout;   /* NaN until measured in this run */
  float           last_test;
  int             last_test_epoch;
  RlTrainProgress *last;          /* the last progress of this run, for the paused line */
  RlTrainDefaults defaults;       /* the optimiser's defaults for the net chosen */
  gboolean        can_start;
  char           *net;            /* the name of the net of this run, for the progress line */
  RlPredictor    *predictor;      /* the model in use, drawn while the run would continue it */
  int             charts_width;   /* the charts' minimum width, measured while shown */
  RlModel        *chosen;         /* the last valid net chosen, built to be drawn (weights 0) */
};

/* rl-train-view-progress.c */
void _rl_train_view_update_progress_label (RlTrainView *self);
/* the accuracy chart's zoom button toggled (a template callback) */
void _rl_train_view_accuracy_zoom_toggled (RlTrainView *self);

G_END_DECLS
