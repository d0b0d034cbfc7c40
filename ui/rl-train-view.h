/* rl-train-view.h: the Train view: the settings of a run, the loss and accuracy charts, and
 * a progress bar. It does not train: the window owns the RlTrainer, reads the settings from
 * here, and feeds the trainer's progress snapshots back in.
 *
 * Properties "learning-rate" and "momentum" follow their spin buttons, which stay editable
 * while a run is in progress; the window passes changes on to the trainer. "from-current"
 * follows the switch that continues training the model in use (off: random weights).
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-chart.h"
#include "rl-net-chooser.h"
#include "rl-network-view.h"
#include "rl-predictor.h"
#include "rl-trainer.h"

G_BEGIN_DECLS

/* Series of the charts, in the order they are added. */
enum {
  RL_TRAIN_VIEW_LOSS_BATCH,      /* every batch's loss */
  RL_TRAIN_VIEW_LOSS_SMOOTHED,   /* its moving average */
};
enum {
  RL_TRAIN_VIEW_ACC_TRAIN,       /* running accuracy on training batches */
  RL_TRAIN_VIEW_ACC_HELDOUT,     /* the fixed held-out subset of the test set */
  RL_TRAIN_VIEW_ACC_TEST,        /* the whole test set, at each epoch's end */
};

#define RL_TYPE_TRAIN_VIEW (rl_train_view_get_type ())
G_DECLARE_FINAL_TYPE (RlTrainView, rl_train_view, RL, TRAIN_VIEW, GtkWidget)

/* Fills @config from the settings (other fields keep rl_train_config_init_defaults values);
 * @train_images: how many training images to use; @from_current: go on from the model in use
 * rather than fresh weights. */
void      rl_train_view_get_settings      (RlTrainView   *self,
                                           RlTrainConfig *config,
                                           guint         *train_images,
                                           gboolean      *from_current);
/* The net chosen for a run from random weights; NULL while its description is not valid.
 * Returns: (transfer none) (nullable) */
const RlArch *rl_train_view_get_arch      (RlTrainView *self);
/* Returns: (transfer none) */
RlNetChooser *rl_train_view_get_net_chooser (RlTrainView *self);
/* The model in use: the diagram draws it while the run would continue it. */
void      rl_train_view_set_predictor     (RlTrainView *self,
                                           RlPredictor *predictor);
/* Shows or hides the diagram of the net a run would train (hidden at first, the D_iagram
 * button): the net chosen (the last valid one while the text is not), or the model in use
 * when the run continues it. */
void      rl_train_view_show_network      (RlTrainView *self,
                                           gboolean     show);
/* Returns: (transfer none) */
RlNetworkView *rl_train_view_get_network_view (RlTrainView *self);
/* Whether a run can start from the settings: the net is valid, or the run continues the model
 * in use. Property "can-start". */
gboolean  rl_train_view_can_start         (RlTrainView *self);
void      rl_train_view_set_train_images  (RlTrainView *self,
                                           guint        n);
void      rl_train_view_set_epochs        (RlTrainView *self,
                                           int          epochs);
void      rl_train_view_set_from_current  (RlTrainView *self,
                                           gboolean     from_current);
double    rl_train_view_get_learning_rate (RlTrainView *self);
double    rl_train_view_get_momentum      (RlTrainView *self);

/* Settings other than learning rate and momentum are locked while @state is not IDLE. */
void      rl_train_view_set_state         (RlTrainView    *self,
                                           RlTrainerState  state);
/* Clears the charts for a new run of @net (its name, rl_net_describe). */
void      rl_train_view_begin_run         (RlTrainView         *self,
                                           const RlTrainConfig *config,
                                           guint                train_images,
                                           const char          *net);
void      rl_train_view_add_progress      (RlTrainView     *self,
                                           RlTrainProgress *progress);
/* The line above the progress bar once a run ended ("Stopped at epoch 1, batch 37 of 938."). */
void      rl_train_view_set_stopped_at    (RlTrainView *self,
                                           const char  *text);
/* The line above the progress bar. Returns: (transfer none) */
const char *rl_train_view_get_progress_text (RlTrainView *self);
/* While @reason is not NULL, it is shown under Start Training (which the window disables):
 * why no run can start now. */
void      rl_train_view_set_blocked       (RlTrainView *self,
                                           const char  *reason);
/* A sentence under the progress bar ("Loading MNIST…", "Saved to …"): four lines at most,
 * the whole in its tooltip. */
void      rl_train_view_set_status        (RlTrainView *self,
                                           const char  *text);
const char *rl_train_view_get_status      (RlTrainView *self);

/* Binds the settings of a run to @settings (rl-window-settings.c) */
void      rl_train_view_bind_settings     (RlTrainView *self,
                                           GSettings   *settings);

/* Returns: (transfer none) */
RlChart  *rl_train_view_get_loss_chart     (RlTrainView *self);
/* Returns: (transfer none) */
RlChart  *rl_train_view_get_accuracy_chart (RlTrainView *self);

G_END_DECLS
