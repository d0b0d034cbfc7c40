/* rl-model-store.h: every model the user trained, kept as one file per run, and the bundled
 * one: a GListModel of RlModelItem for the Models list.
 *
 * A run is a safetensors file in the store's folder ($XDG_DATA_HOME/reslab/runs), named
 * <yyyymmdd-hhmmss>-<arch>-<dataset>.safetensors. Its metadata says what the list shows:
 * "name" (the user-visible name, renamed here), "dataset", "epochs", "test_accuracy" (of the
 * weights in the file), "created", for a run stopped inside an epoch "stopped_batch" of
 * "epoch_batches" (the batches it did there), and the run's settings. Listing reads only each file's
 * header. Items: the runs, newest first, then the bundled model (when given). A file named
 * *.initial.safetensors is not listed: it holds a run's initial weights, which its "initial"
 * metadata names (rl_landscape_save_initial: `reslab-cli train --keep-initial` and the app's
 * runs from fresh weights; the loss landscape's line).
 *
 * Nothing is overwritten: a new run gets a new file name (one whose initial weights' name is
 * free too); rename rewrites the file's metadata with the same weights, under the same file
 * name, so it still names its initial weights; delete moves the file, and its initial weights'
 * file, into a hidden folder until rl_model_store_undo_delete() brings them back or
 * rl_model_store_purge() (or the next delete, or finalize) removes them for good. Export copies
 * the model's file alone.
 *
 * GLib/GIO only, no GTK.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

#define RL_TYPE_MODEL_ITEM (rl_model_item_get_type ())
G_DECLARE_FINAL_TYPE (RlModelItem, rl_model_item, RL, MODEL_ITEM, GObject)

/* The file, or NULL for the bundled model. Returns: (transfer none) (nullable) */
const char    *rl_model_item_get_path          (RlModelItem *self);
gboolean       rl_model_item_is_bundled        (RlModelItem *self);
/* Returns: (transfer none) */
const char    *rl_model_item_get_name          (RlModelItem *self);
RlDatasetKind  rl_model_item_get_kind          (RlModelItem *self);
/* A fraction; NaN when the file does not say. */
double         rl_model_item_get_test_accuracy (RlModelItem *self);
/* -1 when the file does not say. */
int            rl_model_item_get_epochs        (RlModelItem *self);
/* Returns: (transfer none) (nullable) */
GDateTime     *rl_model_item_get_created       (RlModelItem *self);
/* One line for the list: accuracy, dataset, epochs (and, for a run stopped inside an epoch,
 * its batches there) and date. Returns: (transfer full) */
char          *rl_model_item_describe          (RlModelItem *self);

#define RL_TYPE_MODEL_STORE (rl_model_store_get_type ())
G_DECLARE_FINAL_TYPE (RlModelStore, rl_model_store, RL, MODEL_STORE, GObject)

/* The store of the files in @dir (created when a run is saved); @bundled (nullable) is the
 * bundled model's file contents, listed last. Lists @dir at once.
 * Returns: (transfer full) */
RlModelStore  *rl_model_store_new              (const char *dir,
                                                GBytes     *bundled);
/* $XDG_DATA_HOME/reslab/runs. Returns: (transfer full) */
char          *rl_model_store_default_dir      (void);
/* Returns: (transfer none) */
const char    *rl_model_store_get_dir          (RlModelStore *self);
/* Lists the folder again (after a run was saved into it). */
void           rl_model_store_reload           (RlModelStore *self);

/* A file name for a new run that no file has: <dir>/<yyyymmdd-hhmmss>-<arch>-<dataset>
 * .safetensors, with -2, -3 ... when needed. @arch: rl_arch_to_string () text.
 * Returns: (transfer full) */
char          *rl_model_store_new_run_path     (RlModelStore  *self,
                                                const char    *arch,
                                                RlDatasetKind  kind,
                                                GDateTime     *when);

/* The item of @path (NULL: the bundled model). Returns: (transfer none) (nullable) */
RlModelItem   *rl_model_store_find             (RlModelStore *self,
                                                const char   *path);
/* The bundled model's item. Returns: (transfer none) (nullable) */
RlModelItem   *rl_model_store_get_bundled      (RlModelStore *self);

/* Rewrites the run's file with "name" = @name (same weights, atomically).
 * Errors: G_IO_ERROR_NOT_SUPPORTED for the bundled model, G_IO_ERROR_INVALID_ARGUMENT for an
 * empty name; those of loading and saving the file. */
gboolean       rl_model_store_rename           (RlModelStore  *self,
                                                RlModelItem   *item,
                                                const char    *name,
                                                GError       **error);
/* Takes the run out of the list and its file (with its initial weights' file, unless another
 * run names that too) out of the folder, into a hidden folder, until undone (one deletion can
 * be undone: an earlier one is purged first).
 * Errors: G_IO_ERROR_NOT_SUPPORTED for the bundled model; GIO's from the move. */
gboolean       rl_model_store_delete           (RlModelStore  *self,
                                                RlModelItem   *item,
                                                GError       **error);
/* The name of the deleted run that undo would bring back. Returns: (transfer none) (nullable) */
const char    *rl_model_store_get_deleted_name (RlModelStore *self);
/* Puts the last deleted run back in the folder and the list, with its initial weights' file
 * (which, if that one move fails, stays in the hidden folder: logged, never purged).
 * Returns: (transfer none) (nullable): its item, NULL when there is nothing to undo or the move
 * failed (@error). */
RlModelItem   *rl_model_store_undo_delete      (RlModelStore  *self,
                                                GError       **error);
/* Removes the deleted file (and its initial weights' file) for good. */
void           rl_model_store_purge            (RlModelStore *self);

/* Copies the model's file (the bundled one's contents too) to @dest, replacing it: the model
 * alone, without its initial weights (its metadata still names them, and
 * rl_landscape_load_initial finds them only if they are copied beside it by hand).
 * Errors: GIO's. */
gboolean       rl_model_store_export           (RlModelStore  *self,
                                                RlModelItem   *item,
                                                const char    *dest,
                                                GError       **error);

G_END_DECLS
