/* rl-tasks.h: the app's short one-shot jobs off the main thread (load a dataset, open or save
 * a model), as _async / _finish pairs over g_task_run_in_thread. Long-running training has
 * its own thread in RlTrainer.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-model.h"

G_BEGIN_DECLS

/* A model file and what its metadata says about it. */
typedef struct {
  RlModel       *model;
  RlDatasetKind  kind;           /* "dataset" metadata; MNIST when absent */
  double         test_accuracy;  /* "test_accuracy" metadata (a fraction); NaN when absent */
  int            epochs;         /* "epochs" metadata; -1 when absent */
} RlModelFile;

void         rl_model_file_free       (RlModelFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlModelFile, rl_model_file_free)

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
/* Returns: (transfer full) */
RlModelFile *rl_model_file_load_finish (GAsyncResult  *result,
                                        GError       **error);

/* Saves a copy of @model (taken now, so the caller may go on using it) with @metadata
 * (string -> string, nullable; a reference is kept) atomically to @path, creating the
 * directory if needed. */
void         rl_model_save_async      (const RlModel       *model,
                                       const char          *path,
                                       GHashTable          *metadata,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean     rl_model_save_finish     (GAsyncResult  *result,
                                       GError       **error);

/* Loads a split of @kind from its default directory (rl_dataset_default_dir). */
void         rl_dataset_load_async    (RlDatasetKind        kind,
                                       RlSplit              split,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* Returns: (transfer full) */
RlDataset   *rl_dataset_load_finish   (GAsyncResult  *result,
                                       GError       **error);

/* The files of @kind's default directory that are missing (each may be present with or
 * without ".gz"), NULL-terminated, or NULL when none is. Returns: (transfer full) */
char       **rl_dataset_find_missing_files (RlDatasetKind kind);

G_END_DECLS
