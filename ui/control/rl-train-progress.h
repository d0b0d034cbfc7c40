/* rl-train-progress.h: the immutable, refcounted snapshots an RlTrainer posts to the main
 * thread: training progress (RlTrainProgress) and a copy of the weights (RlModelSnapshot).
 *
 * Both are filled in by the worker before they are posted and never changed afterwards, so
 * any thread may read them; they are boxed types with ref/unref as copy/free, for signals.
 * GLib only (no GTK), like the trainer.
 */
#pragma once

#include <glib-object.h>

#include "rl-model.h"

G_BEGIN_DECLS

/* One training batch: the images seen after it and its mean loss. */
typedef struct {
  guint64 images_seen;
  float   loss;
} RlLossPoint;

typedef struct _RlTrainProgress RlTrainProgress;

/* Reference counted (an atomic rc box): rl_train_progress_ref / _unref. */
struct _RlTrainProgress {
  /*< public, read-only >*/
  int      epoch;              /* 1-based */
  int      n_epochs;
  int      batch;              /* batches done in this epoch, 1..n_batches */
  int      n_batches;          /* per epoch: ceil (train size / batch size) */
  guint64  batches_done;       /* over all epochs */
  guint64  images_seen;        /* over all epochs */
  guint64  images_total;       /* n_epochs * train size */

  float    loss;               /* mean loss of the last batch */
  /* EMA of the batch losses, 0.98 per batch, bias-corrected (divided by 1 - 0.98^t) so the
   * first values are not dragged towards zero */
  float    loss_smoothed;
  /* fraction in [0, 1] of correct predictions (taken during the forward pass, before each
   * batch's update) over the last RL_TRAIN_ACC_WINDOW batches, across epoch boundaries */
  float    train_acc_running;

  double   images_per_s;       /* training images per second over the run, pauses excluded */
  double   seconds_left;       /* images left / images_per_s; NaN before it is known */

  /* Accuracy (fraction) on the fixed held-out subset: the first heldout_n images of the test
   * set. NaN unless measured at this step (every eval_every batches and at each epoch end). */
  float    heldout_acc;
  guint    heldout_n;

  /* The full test set at the end of an epoch; NaN / -1 at every other step. */
  float    epoch_test_acc;
  int      epoch_test_correct;
  int      epoch_test_n;

  float    lr;                 /* in effect for the last batch */
  float    momentum;

  gboolean is_last;            /* the run's final snapshot (completed, stopped or failed) */

  /* Every batch since the previous snapshot, oldest first, the last one being this snapshot's
   * batch: snapshots are coalesced to ~15 per second, but a chart gets every batch's loss. */
  guint              n_points;
  const RlLossPoint *points;
};

/* Batches over which train_acc_running is taken. */
#define RL_TRAIN_ACC_WINDOW 100

#define RL_TYPE_TRAIN_PROGRESS (rl_train_progress_get_type ())
GType            rl_train_progress_get_type (void) G_GNUC_CONST;

/* A zeroed snapshot (accuracies NaN, counts -1) with room for @n_points points, allocated in
 * one block; the trainer fills it in before posting it. Returns: (transfer full) */
RlTrainProgress *rl_train_progress_new      (guint n_points);
RlTrainProgress *rl_train_progress_ref      (RlTrainProgress *progress);
void             rl_train_progress_unref    (RlTrainProgress *progress);
/* The writable point array of a snapshot being built: (n_points) */
RlLossPoint     *rl_train_progress_get_points_writable (RlTrainProgress *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTrainProgress, rl_train_progress_unref)

/* A copy of the weights at some point of training. The main thread predicts with it while
 * the worker keeps updating its own model; nothing writes to the parameters of the copy. */
typedef struct _RlModelSnapshot RlModelSnapshot;

#define RL_TYPE_MODEL_SNAPSHOT (rl_model_snapshot_get_type ())
GType            rl_model_snapshot_get_type (void) G_GNUC_CONST;

/* Takes ownership of @model (an rl_model_copy). Returns: (transfer full) */
RlModelSnapshot *rl_model_snapshot_new       (RlModel *model, guint64 images_seen, int epoch);
RlModelSnapshot *rl_model_snapshot_ref       (RlModelSnapshot *snapshot);
void             rl_model_snapshot_unref     (RlModelSnapshot *snapshot);
/* The weights. rl_model_predict() and rl_inference_run() need a model they may use as a
 * workspace: use the returned model from one thread at a time (the main thread) and never
 * change its parameters, other snapshot holders see them. Returns: (transfer none) */
RlModel         *rl_model_snapshot_get_model (RlModelSnapshot *snapshot);
/* Images the weights had been trained on when the copy was taken. */
guint64          rl_model_snapshot_get_images_seen (const RlModelSnapshot *snapshot);
/* 1-based epoch the copy was taken in (0: the initial weights, before any batch). */
int              rl_model_snapshot_get_epoch (const RlModelSnapshot *snapshot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlModelSnapshot, rl_model_snapshot_unref)

G_END_DECLS
