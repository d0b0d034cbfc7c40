/* rl-model-file.h: a model file as the app sees it (the network and what its metadata says),
 * opened and saved off the main thread as _async / _finish pairs over g_task_run_in_thread.
 * Datasets load through rl-dataset-loader.h; training has its own thread (RlTrainer).
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-train.h"

G_BEGIN_DECLS

/* A model file and what its metadata says about it. */
typedef struct {
  RlModel       *model;
  RlDatasetKind  kind;           /* "dataset" metadata; MNIST when absent */
  double         test_accuracy;  /* "test_accuracy" metadata (a fraction); NaN when absent */
  int            epochs;         /* "epochs" metadata; -1 when absent */
  RlModel       *initial;        /* rl_model_file_load_with_initial_async only: the initial
                                  * weights its metadata names (rl_landscape_load_initial),
                                  * NULL when it names none or they did not load */
} RlModelFile;

void         rl_model_file_free       (RlModelFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlModelFile, rl_model_file_free)

/* What a model file's @metadata (string -> string) says of its run, read as RlModelFile's
 * fields are (the Models list reads its files' metadata with it too): each value the default
 * above when its key is absent or out of bounds. */
void         rl_model_file_read_metadata (GHashTable    *metadata,
                                          RlDatasetKind *kind,
                                          double        *test_accuracy,
                                          int           *epochs);

/* Errors: those of rl_model_load; RL_ERROR_BAD_SHAPE when the model does not take 1 x 28 x 28
 * images. Returns: (transfer full) */
RlModelFile *rl_model_file_load       (const char  *path,
                                       GError     **error);
RlModelFile *rl_model_file_load_bytes (GBytes      *bytes,
                                       const char  *what,
                                       GError     **error);
void         rl_model_file_load_async (const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* rl_model_file_load_async, and the initial weights (file->initial), for the loss landscape.
 * An initial file named but unreadable is no error (the grid does not need it): it is logged
 * and file->initial stays NULL. Finish with rl_model_file_load_finish. */
void         rl_model_file_load_with_initial_async (const char          *path,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Returns: (transfer full) */
RlModelFile *rl_model_file_load_finish (GAsyncResult  *result,
                                        GError       **error);

/* Saves a copy of @model (taken now, so the caller may go on using it) with @metadata
 * (string -> string, nullable; a reference is kept) atomically to @path, creating the
 * directory if needed. */
void         rl_model_file_save_async (const RlModel       *model,
                                       const char          *path,
                                       GHashTable          *metadata,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean     rl_model_file_save_finish (GAsyncResult  *result,
                                       GError       **error);

/* rl_model_file_save_async for a training run from fresh weights: first @initial (transfer full,
 * nullable), the net before its first step, drawn from @seed, is saved beside @path through
 * rl_landscape_save_initial (the writer of `reslab-cli train --keep-initial`), and @path's
 * metadata then names it (rl_landscape_name_initial). A file already at the initial weights'
 * name is left alone (G_IO_ERROR_EXISTS). The initial weights are a bonus: when they cannot be
 * written the model is saved all the same, without naming them, and
 * rl_model_file_save_get_initial_error says why; when the model cannot be saved, the initial
 * file just written is removed again. Finish with rl_model_file_save_finish. */
void         rl_model_file_save_run_async (const RlModel       *model,
                                           RlModel             *initial,
                                           RlDatasetKind        kind,
                                           guint64              seed,
                                           const char          *path,
                                           GHashTable          *metadata,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* What kept the initial weights of rl_model_file_save_run_async from being written; NULL when
 * they were written or there were none. Returns: (transfer none) (nullable) */
const GError *rl_model_file_save_get_initial_error (GAsyncResult *result);

G_END_DECLS
