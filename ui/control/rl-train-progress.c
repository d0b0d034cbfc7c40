#define G_LOG_DOMAIN "reslab-control"

/* rl-train-progress.c: see rl-train-progress.h. */

#include "rl-train-progress.h"

#include <math.h>

G_DEFINE_BOXED_TYPE (RlTrainProgress, rl_train_progress,
                     rl_train_progress_ref, rl_train_progress_unref)

G_DEFINE_BOXED_TYPE (RlModelSnapshot, rl_model_snapshot,
                     rl_model_snapshot_ref, rl_model_snapshot_unref)

/* The points follow the struct in the same block; the struct's size is a multiple of its
 * alignment, which covers RlLossPoint's (8 bytes). */
G_STATIC_ASSERT (sizeof (RlTrainProgress) % G_ALIGNOF (RlLossPoint) == 0);

RlTrainProgress *
rl_train_progress_new (guint n_points)
{
  RlTrainProgress *p;

  /* Reference counted by GLib's atomic rc box; the points follow the struct. */
  p = g_atomic_rc_box_alloc0 (sizeof (RlTrainProgress) + (gsize) n_points * sizeof (RlLossPoint));
  p->loss = NAN;
  p->loss_smoothed = NAN;
  p->train_acc_running = NAN;
  p->images_per_s = NAN;
  p->seconds_left = NAN;
  p->heldout_acc = NAN;
  p->epoch_test_acc = NAN;
  p->epoch_test_correct = -1;
  p->epoch_test_n = -1;
  p->n_points = n_points;
  p->points = n_points > 0 ? (const RlLossPoint *) (p + 1) : NULL;
  return p;
}

RlLossPoint *
rl_train_progress_get_points_writable (RlTrainProgress *progress)
{
  g_return_val_if_fail (progress != NULL, NULL);
  return (RlLossPoint *) progress->points;
}

RlTrainProgress *
rl_train_progress_ref (RlTrainProgress *progress)
{
  return g_atomic_rc_box_acquire (progress);
}

void
rl_train_progress_unref (RlTrainProgress *progress)
{
  g_atomic_rc_box_release (progress);
}

/* In an atomic rc box. */
struct _RlModelSnapshot {
  RlModel *model;
  guint64  images_seen;
  int      epoch;
};

RlModelSnapshot *
rl_model_snapshot_new (RlModel *model, guint64 images_seen, int epoch)
{
  RlModelSnapshot *s;

  g_return_val_if_fail (model != NULL, NULL);

  s = g_atomic_rc_box_new0 (RlModelSnapshot);
  s->model = model;
  s->images_seen = images_seen;
  s->epoch = epoch;
  return s;
}

RlModelSnapshot *
rl_model_snapshot_ref (RlModelSnapshot *snapshot)
{
  return g_atomic_rc_box_acquire (snapshot);
}

static void
snapshot_clear (gpointer data)
{
  rl_model_free (((RlModelSnapshot *) data)->model);
}

void
rl_model_snapshot_unref (RlModelSnapshot *snapshot)
{
  g_atomic_rc_box_release_full (snapshot, snapshot_clear);
}

RlModel *
rl_model_snapshot_get_model (RlModelSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  return snapshot->model;
}

guint64
rl_model_snapshot_get_images_seen (const RlModelSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, 0);
  return snapshot->images_seen;
}

int
rl_model_snapshot_get_epoch (const RlModelSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, 0);
  return snapshot->epoch;
}
