#define G_LOG_DOMAIN "reslab-control"

/* rl-model-file.c: model files opened and saved off the main thread (see rl-model-file.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-model-file.h"

#include <errno.h>
#include <math.h>

#include <glib/gstdio.h>

#include "rl-error.h"
#include "rl-landscape.h"
#include "rl-safetensors.h"

/* ---- model files -------------------------------------------------------------------------- */

void
rl_model_file_free (RlModelFile *file)
{
  if (file == NULL)
    return;
  g_clear_pointer (&file->model, rl_model_free);
  g_clear_pointer (&file->initial, rl_model_free);
  g_free (file);
}

static RlModelFile *
model_file_new (RlModel       *model,
                RlSafetensors *st,
                const char    *what,
                GError       **error)
{
  RlModelFile *file;
  int c, h, w;

  rl_model_get_input_shape (model, &c, &h, &w);
  if (c != 1 || h != 28 || w != 28)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_SHAPE,
                   _("%s: the model takes %d × %d × %d inputs; ResLab needs 1 × 28 × 28 images"),
                   what, c, h, w);
      rl_model_free (model);
      return NULL;
    }

  file = g_new0 (RlModelFile, 1);
  file->model = model;
  rl_model_file_read_metadata (rl_safetensors_get_metadata_table (st), &file->kind,
                               &file->test_accuracy, &file->epochs);
  return file;
}

void
rl_model_file_read_metadata (GHashTable    *metadata,
                             RlDatasetKind *kind,
                             double        *test_accuracy,
                             int           *epochs)
{
  const char *value;

  g_return_if_fail (metadata != NULL);
  g_return_if_fail (kind != NULL && test_accuracy != NULL && epochs != NULL);

  *kind = RL_DATASET_MNIST;
  *test_accuracy = NAN;
  *epochs = -1;
  if ((value = g_hash_table_lookup (metadata, "dataset")) != NULL)
    rl_dataset_kind_from_name (value, kind);
  if ((value = g_hash_table_lookup (metadata, "test_accuracy")) != NULL)
    {
      char *end = NULL;
      double acc = g_ascii_strtod (value, &end);

      if (end != value && *end == '\0' && acc >= 0 && acc <= 1)
        *test_accuracy = acc;
    }
  if ((value = g_hash_table_lookup (metadata, "epochs")) != NULL)
    {
      guint64 n;

      if (g_ascii_string_to_unsigned (value, 10, 0, 1000000, &n, NULL))
        *epochs = (int) n;
    }
}

RlModelFile *
rl_model_file_load_bytes (GBytes      *bytes,
                          const char  *what,
                          GError     **error)
{
  g_autoptr (RlSafetensors) st = NULL;
  RlModel *model;

  g_return_val_if_fail (bytes != NULL, NULL);

  model = rl_model_load_bytes (bytes, what, &st, error);
  if (model == NULL)
    return NULL;
  return model_file_new (model, st, what, error);
}

/* rl_model_file_load, and with @with_initial the initial weights too. */
static RlModelFile *
load_file (const char *path, gboolean with_initial, GError **error)
{
  g_autoptr (RlSafetensors) st = NULL;
  g_autoptr (GError) initial_error = NULL;
  RlModelFile *file;
  RlModel *model;

  model = rl_model_load (path, &st, error);
  if (model == NULL)
    return NULL;
  file = model_file_new (model, st, path, error);
  if (file == NULL || !with_initial)
    return file;
  file->initial = rl_landscape_load_initial (path, st, &initial_error);
  if (initial_error != NULL)
    g_message ("%s: no line from the initial weights: %s", path, initial_error->message);
  return file;
}

RlModelFile *
rl_model_file_load (const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return load_file (path, FALSE, error);
}

static void
load_model_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean with_initial = g_task_get_source_tag (task) == rl_model_file_load_with_initial_async;
  RlModelFile *file = load_file (task_data, with_initial, &error);

  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, (GDestroyNotify) rl_model_file_free);
}

static void
load_async (const char          *path,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_model_thread);
}

void
rl_model_file_load_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  load_async (path, rl_model_file_load_async, cancellable, callback, user_data);
}

void
rl_model_file_load_with_initial_async (const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  load_async (path, rl_model_file_load_with_initial_async, cancellable, callback, user_data);
}

RlModelFile *
rl_model_file_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- saving ------------------------------------------------------------------------------- */

typedef struct {
  RlModel       *model;
  char          *path;
  GHashTable    *metadata;
  RlModel       *initial;        /* nullable: a run's initial weights, saved beside @path */
  RlDatasetKind  kind;
  guint64        seed;
  GError        *initial_error;  /* why they were not */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_pointer (&data->model, rl_model_free);
  g_free (data->path);
  g_clear_pointer (&data->metadata, g_hash_table_unref);
  g_clear_pointer (&data->initial, rl_model_free);
  g_clear_error (&data->initial_error);
  g_free (data);
}

/* The run's initial weights written beside data->path (not over a file already there).
 * Returns: (transfer full) (nullable): the metadata naming them, NULL when not written
 * (data->initial_error). */
static GHashTable *
save_initial (SaveData *data)
{
  g_autofree char *initial_path = rl_landscape_initial_path (data->path);
  GHashTable *metadata;
  GHashTableIter iter;
  gpointer key, value;

  if (g_file_test (initial_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (&data->initial_error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s is there already and was left alone"), initial_path);
      return NULL;
    }
  if (!rl_landscape_save_initial (data->initial, data->path, data->kind, data->seed,
                                  &data->initial_error))
    return NULL;

  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (data->metadata != NULL)
    {
      g_hash_table_iter_init (&iter, data->metadata);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (metadata, g_strdup (key), g_strdup (value));
    }
  rl_landscape_name_initial (metadata, data->path);
  return metadata;
}

static void
save_model_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autofree char *dir = g_path_get_dirname (data->path);
  g_autoptr (GHashTable) with_initial = NULL;
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create the folder %s: %s"), dir,
                               g_strerror (saved_errno));
      return;
    }
  if (data->initial != NULL)
    with_initial = save_initial (data);
  if (!rl_model_save (data->model, data->path,
                      with_initial != NULL ? with_initial : data->metadata, &error))
    {
      if (with_initial != NULL)
        {
          /* no initial weights left behind without their run */
          g_autofree char *initial_path = rl_landscape_initial_path (data->path);

          g_unlink (initial_path);
        }
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
save_async (SaveData            *data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, rl_model_file_save_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_model_thread);
}

static SaveData *
save_data_new (const RlModel *model,
               const char    *path,
               GHashTable    *metadata)
{
  SaveData *data = g_new0 (SaveData, 1);

  data->model = rl_model_copy (model);
  data->path = g_strdup (path);
  data->metadata = metadata != NULL ? g_hash_table_ref (metadata) : NULL;
  return data;
}

void
rl_model_file_save_async (const RlModel       *model,
                          const char          *path,
                          GHashTable          *metadata,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (path != NULL);

  save_async (save_data_new (model, path, metadata), cancellable, callback, user_data);
}

void
rl_model_file_save_run_async (const RlModel       *model,
                              RlModel             *initial,
                              RlDatasetKind        kind,
                              guint64              seed,
                              const char          *path,
                              GHashTable          *metadata,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SaveData *data;

  g_return_if_fail (model != NULL);
  g_return_if_fail (path != NULL);

  data = save_data_new (model, path, metadata);
  data->initial = initial;
  data->kind = kind;
  data->seed = seed;
  save_async (data, cancellable, callback, user_data);
}

const GError *
rl_model_file_save_get_initial_error (GAsyncResult *result)
{
  SaveData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? data->initial_error : NULL;
}

gboolean
rl_model_file_save_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
