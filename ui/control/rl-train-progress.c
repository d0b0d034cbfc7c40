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

  p = g_malloc0 (sizeof (RlTrainProgress) + (gsize) n_points * sizeof (RlLossPoint));
  p->ref_count = 1;
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
  g_return_val_if_fail (progress != NULL, NULL);
  g_atomic_int_inc (&progress->ref_count);
  return progress;
}

void
rl_train_progress_unref (RlTrainProgress *progress)
{
  g_return_if_fail (progress != NULL);
  if (g_atomic_int_dec_and_test (&progress->ref_count))
    g_free (progress);
}

struct _RlModelSnapshot {
  gint     ref_count;
  RlModel *model;
  guint64  images_seen;
  int      epoch;
};

RlModelSnapshot *
rl_model_snapshot_new (RlModel *model, guint64 images_seen, int epoch)
{
  RlModelSnapshot *s;

  g_return_val_if_fail (model != NULL, NULL);

  s = g_new0 (RlModelSnapshot, 1);
  s->ref_count = 1;
  s->model = model;
  s->images_seen = images_seen;
  s->epoch = epoch;
  return s;
}

RlModelSnapshot *
rl_model_snapshot_ref (RlModelSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_atomic_int_inc (&snapshot->ref_count);
  return snapshot;
}

void
rl_model_snapshot_unref (RlModelSnapshot *snapshot)
{
  g_return_if_fail (snapshot != NULL);
  if (g_atomic_int_dec_and_test (&snapshot->ref_count))
    {
      rl_model_free (snapshot->model);
      g_free (snapshot);
    }
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
