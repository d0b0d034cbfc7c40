#define G_LOG_DOMAIN "reslab-control"

/* rl-dataset-loader.c: see rl-dataset-loader.h. */

#include "rl-dataset-loader.h"

/* (kind, split) -> RlDataset*, owned; under cache_lock. Two kinds x two splits. */
#define N_KINDS  2
#define N_SPLITS 2

static GMutex     cache_lock;
static RlDataset *cache[N_KINDS][N_SPLITS];

static gboolean
slot_valid (RlDatasetKind kind, RlSplit split)
{
  return (int) kind >= 0 && (int) kind < N_KINDS && (int) split >= 0 && (int) split < N_SPLITS;
}

RlDataset *
rl_dataset_loader_peek (RlDatasetKind kind, RlSplit split)
{
  RlDataset *ds = NULL;

  g_return_val_if_fail (slot_valid (kind, split), NULL);

  g_mutex_lock (&cache_lock);
  if (cache[kind][split] != NULL)
    ds = rl_dataset_ref (cache[kind][split]);
  g_mutex_unlock (&cache_lock);
  return ds;
}

/* Keeps @ds unless another load got there first; returns the cached one. (transfer full) */
static RlDataset *
cache_insert (RlDatasetKind kind, RlSplit split, RlDataset *ds)
{
  RlDataset *kept;

  g_mutex_lock (&cache_lock);
  if (cache[kind][split] == NULL)
    cache[kind][split] = rl_dataset_ref (ds);
  kept = rl_dataset_ref (cache[kind][split]);
  g_mutex_unlock (&cache_lock);
  rl_dataset_unref (ds);
  return kept;
}

void
rl_dataset_loader_clear_cache (void)
{
  g_mutex_lock (&cache_lock);
  for (int k = 0; k < N_KINDS; k++)
    for (int s = 0; s < N_SPLITS; s++)
      g_clear_pointer (&cache[k][s], rl_dataset_unref);
  g_mutex_unlock (&cache_lock);
}

typedef struct {
  RlDatasetKind kind;
  RlSplit       split;
} Request;

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const Request *request = task_data;
  GError *error = NULL;
  RlDataset *ds = rl_dataset_load (NULL, request->kind, request->split, &error);

  if (ds == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cache_insert (request->kind, request->split, ds),
                           (GDestroyNotify) rl_dataset_unref);
}

void
rl_dataset_loader_load_async (RlDatasetKind        kind,
                              RlSplit              split,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  RlDataset *cached;
  Request *request;

  g_return_if_fail (slot_valid (kind, split));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_dataset_loader_load_async);
  /* A cancelled request completes with G_IO_ERROR_CANCELLED even when the data is cached. */
  g_task_set_check_cancellable (task, TRUE);

  cached = rl_dataset_loader_peek (kind, split);
  if (cached != NULL)
    {
      /* Returned from an idle of the caller's context, never inside this call. */
      g_task_return_pointer (task, cached, (GDestroyNotify) rl_dataset_unref);
      return;
    }

  request = g_new0 (Request, 1);
  request->kind = kind;
  request->split = split;
  g_task_set_task_data (task, request, g_free);
  g_task_run_in_thread (task, load_thread);
}

RlDataset *
rl_dataset_loader_load_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The pair being loaded: the task data of the pair's task. */
typedef struct {
  RlDataset *sets[N_SPLITS];
  guint      n_pending;
  GError    *error;          /* the first one */
} Pair;

static void
pair_free (gpointer data)
{
  Pair *pair = data;

  for (int s = 0; s < N_SPLITS; s++)
    g_clear_pointer (&pair->sets[s], rl_dataset_unref);
  g_clear_error (&pair->error);
  g_free (pair);
}

/* One split's request of a pair. */
typedef struct {
  GTask  *task;              /* owned: the pair's */
  RlSplit split;
} PairPart;

static void
pair_part_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PairPart *part = user_data;
  g_autoptr (GTask) task = part->task;
  Pair *pair = g_task_get_task_data (task);
  GError *error = NULL;

  pair->sets[part->split] = rl_dataset_loader_load_finish (result, &error);
  if (error != NULL && pair->error == NULL)
    pair->error = error;
  else
    g_clear_error (&error);
  g_free (part);

  if (--pair->n_pending > 0)
    return;
  if (pair->error != NULL)
    g_task_return_error (task, g_steal_pointer (&pair->error));
  else
    g_task_return_boolean (task, TRUE);
}

void
rl_dataset_loader_load_pair_async (RlDatasetKind        kind,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Pair *pair;

  g_return_if_fail (slot_valid (kind, RL_SPLIT_TRAIN));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_dataset_loader_load_pair_async);
  pair = g_new0 (Pair, 1);
  pair->n_pending = N_SPLITS;
  g_task_set_task_data (task, pair, pair_free);

  for (int s = 0; s < N_SPLITS; s++)
    {
      PairPart *part = g_new0 (PairPart, 1);

      part->task = g_object_ref (task);
      part->split = (RlSplit) s;
      rl_dataset_loader_load_async (kind, part->split, cancellable, pair_part_loaded_cb, part);
    }
}

gboolean
rl_dataset_loader_load_pair_finish (GAsyncResult  *result,
                                    RlDataset    **train,
                                    RlDataset    **test,
                                    GError       **error)
{
  Pair *pair;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (train != NULL && test != NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  pair = g_task_get_task_data (G_TASK (result));
  *train = g_steal_pointer (&pair->sets[RL_SPLIT_TRAIN]);
  *test = g_steal_pointer (&pair->sets[RL_SPLIT_TEST]);
  return TRUE;
}

char **
rl_dataset_find_missing_files (RlDatasetKind kind)
{
  static const char * const names[] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
  };
  g_autofree char *dir = rl_dataset_default_dir (kind);
  g_autoptr (GStrvBuilder) missing = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *raw = g_build_filename (dir, names[i], NULL);
      g_autofree char *gz = g_strconcat (raw, ".gz", NULL);

      if (!g_file_test (raw, G_FILE_TEST_IS_REGULAR) && !g_file_test (gz, G_FILE_TEST_IS_REGULAR))
        {
          g_strv_builder_add (missing, names[i]);
          any = TRUE;
        }
    }
  return any ? g_strv_builder_end (missing) : NULL;
}
