/* rl-dataset-loader.h: the app's one way to get a dataset: loaded off the main thread from its
 * default directory (rl_dataset_default_dir) and kept in one process-wide cache, so the
 * window, the Draw view and the Experiment view share a single copy of each split.
 *
 * GLib/GIO only. Callable from the main thread; the cache is under a mutex, so a worker may
 * peek at it too.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

/* Completes with the split of @kind: at once (from an idle, in order) when it is cached,
 * else after loading it on a GTask thread. Two requests for the same split while it loads
 * read the files twice and keep the first result; both get a dataset of the same content. */
void       rl_dataset_loader_load_async  (RlDatasetKind        kind,
                                          RlSplit              split,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* Errors: those of rl_dataset_load (G_IO_ERROR_NOT_FOUND when a file is missing,
 * RL_ERROR_BAD_FORMAT for a broken one), G_IO_ERROR_CANCELLED.
 * Returns: (transfer full) */
RlDataset *rl_dataset_loader_load_finish (GAsyncResult  *result,
                                          GError       **error);

/* Both splits of @kind, for a training run: completes once both have (each through
 * rl_dataset_loader_load_async), with the first error if either failed. */
void       rl_dataset_loader_load_pair_async  (RlDatasetKind        kind,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* Errors: those of rl_dataset_loader_load_finish.
 * @train, @test: (out) (transfer full), set on success */
gboolean   rl_dataset_loader_load_pair_finish (GAsyncResult  *result,
                                               RlDataset    **train,
                                               RlDataset    **test,
                                               GError       **error);

/* The cached split, or NULL. Returns: (transfer full) (nullable) */
RlDataset *rl_dataset_loader_peek        (RlDatasetKind kind,
                                          RlSplit       split);
/* Forgets every cached split (tests; after the data was fetched again). */
void       rl_dataset_loader_clear_cache (void);

/* The files of @kind's default directory that are missing (each may be present with or
 * without ".gz"), NULL-terminated, or NULL when none is. Returns: (transfer full) */
char     **rl_dataset_find_missing_files (RlDatasetKind kind);

G_END_DECLS
