#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-model.c: the model in use: which one at start-up, open, save as, reset to random
 * weights, back to the bundled seed net, and the "model" setting that remembers the choice
 * (GSettings: a file's path or "bundled"; nothing is remembered without the schema). See
 * rl-window.h for the order in which the start-up model is looked for. A file of the model
 * store (a run trained here) is MODEL_TRAINED, any other file MODEL_FILE.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include <math.h>

#include "rl-dataset.h"
#include "rl-dialogs.h"
#include "rl-model-file.h"

static char *
display_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_filename_display_name (base);
}

/* ---- the model in use --------------------------------------------------------------------- */

/* A run of the model store, or a file from elsewhere. */
static ModelSource
source_of_path (RlWindow   *self,
                const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return g_strcmp0 (dir, rl_model_store_get_dir (self->model_store)) == 0 ? MODEL_TRAINED
                                                                          : MODEL_FILE;
}

/* Remembers the model in use for the next start, in the "model" setting: "bundled" or a file.
 * Random weights and a model that could not be saved are not remembered (they are not saved
 * anywhere): the setting keeps the model before them. Without the schema, nothing is. */
void
_rl_window_remember_model (RlWindow *self)
{
  if (self->settings == NULL)
    return;

  switch (self->model_source)
    {
    case MODEL_BUNDLED:
      g_settings_set_string (self->settings, "model", "bundled");
      break;
    case MODEL_FILE:
    case MODEL_TRAINED:
      g_settings_set_string (self->settings, "model", self->model_path);
      break;
    case MODEL_RANDOM:
    case MODEL_UNSAVED:
    default:
      break;
    }
}

void
_rl_window_update_description (RlWindow *self)
{
  RlDatasetKind kind = rl_predictor_get_kind (self->predictor);
  const char *dataset = rl_dataset_title (kind);
  g_autofree char *accuracy = NULL;
  g_autofree char *name = NULL;

  if (!isnan (self->model_test_accuracy))
    accuracy = g_strdup_printf (_(" · test accuracy %.2f\u202f%%"), 100 * self->model_test_accuracy);

  g_free (self->model_description);
  if (self->busy && rl_trainer_get_state (self->trainer) != RL_TRAINER_IDLE)
    self->model_description = g_strdup_printf (_("Model: the weights being trained on %s, "
                                               "%llu images seen so far"),
                                               dataset, (unsigned long long) self->run_images_seen);
  else switch (self->model_source)
    {
    case MODEL_BUNDLED:
      self->model_description = g_strdup_printf (_("Model: the seed net bundled with ResLab · %s%s"),
                                                 dataset, accuracy ? accuracy : "");
      break;
    case MODEL_TRAINED:
      {
        RlModelItem *item = rl_model_store_find (self->model_store, self->model_path);

        name = item != NULL ? g_strdup (rl_model_item_get_name (item))
                            : display_name (self->model_path);
        self->model_description = g_strdup_printf (_("Model: “%s”, trained here on %s%s"), name,
                                                   dataset, accuracy ? accuracy : "");
      }
      break;
    case MODEL_UNSAVED:
      self->model_description = g_strdup_printf (_("Model: trained here on %s%s · not saved: "
                                                 "Save Model As… keeps it"), dataset,
                                                 accuracy ? accuracy : "");
      break;
    case MODEL_FILE:
      name = display_name (self->model_path);
      self->model_description = g_strdup_printf (_("Model: %s · %s%s"), name, dataset,
                                                 accuracy ? accuracy : "");
      break;
    case MODEL_RANDOM:
    default:
      self->model_description = g_strdup (_("Model: random weights, not trained: the "
                                          "prediction is a guess until you train it"));
      break;
    }

  rl_draw_view_set_model_description (self->draw_view, self->model_description);
}

static void
use_model_file (RlWindow    *self,
                RlModelFile *file,        /* (transfer full) */
                ModelSource  source,
                const char  *path)
{
  g_autofree char *owned_path = g_strdup (path);

  self->model_source = source;
  g_free (self->model_path);
  self->model_path = g_steal_pointer (&owned_path);
  self->model_test_accuracy = file->test_accuracy;
  rl_predictor_set_model (self->predictor, g_steal_pointer (&file->model), file->kind);
  rl_model_file_free (file);
  _rl_window_update_description (self);
  _rl_window_models_update_current (self);
}

static gboolean
load_bundled_model (RlWindow  *self,
                    GError   **error)
{
  g_autoptr (GBytes) bytes = NULL;
  RlModelFile *file;

  bytes = g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                   error);
  if (bytes == NULL)
    return FALSE;

  file = rl_model_file_load_bytes (bytes, "the bundled seed net", error);
  if (file == NULL)
    return FALSE;

  use_model_file (self, file, MODEL_BUNDLED, NULL);
  return TRUE;
}

/* The model remembered at @path, if it still loads. */
static gboolean
load_model_path (RlWindow    *self,
                 const char  *path,
                 ModelSource  source)
{
  g_autoptr (GError) error = NULL;
  RlModelFile *file;

  file = rl_model_file_load (path, &error);
  if (file == NULL)
    {
      g_message ("Not using the model remembered, %s: %s; using the bundled model", path,
                 error->message);
      return FALSE;
    }
  use_model_file (self, file, source, path);
  return TRUE;
}

static void
use_random_model (RlWindow *self,
                  guint64   seed)
{
  g_autoptr (GError) error = NULL;
  RlModel *current = rl_predictor_get_model (self->predictor);
  g_autoptr (RlArch) seed_arch = rl_arch_parse (RL_ARCH_SEED, NULL);
  RlModel *model;

  model = rl_model_new (current != NULL ? rl_model_get_arch (current) : seed_arch, 1,
                        RL_MNIST_SIDE, RL_MNIST_SIDE,
                        current != NULL ? rl_model_get_n_classes (current) : RL_MNIST_CLASSES,
                        &error);
  g_assert_no_error (error);   /* the arch of a model that exists, or the seed net's */
  rl_model_init_params (model, seed);

  self->model_source = MODEL_RANDOM;
  g_clear_pointer (&self->model_path, g_free);
  self->model_test_accuracy = NAN;
  rl_predictor_set_model (self->predictor, model, rl_predictor_get_kind (self->predictor));
  _rl_window_update_description (self);
  _rl_window_models_update_current (self);
}

/* See the header: the model remembered, else the bundled one. A remembered file that is gone
 * or does not load is left in the setting (it may be on a disk not mounted yet) and the
 * bundled model is used for this run. */
static void
load_startup_model (RlWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *remembered = NULL;

  if (self->settings != NULL)
    remembered = g_settings_get_string (self->settings, "model");

  if (remembered != NULL && *remembered != '\0' && !g_str_equal (remembered, "bundled")
      && load_model_path (self, remembered, source_of_path (self, remembered)))
    return;

  if (load_bundled_model (self, &error))
    return;

  g_message ("No bundled model (%s): starting from random weights", error->message);
  use_random_model (self, 1);
}

/* ---- open and save ------------------------------------------------------------------------ */

PathData *
_rl_window_path_data_new (RlWindow   *self,
                          const char *path)
{
  PathData *data = g_new0 (PathData, 1);

  data->self = g_object_ref (self);
  data->path = g_strdup (path);
  return data;
}

void
_rl_window_path_data_free (PathData *data)
{
  g_object_unref (data->self);
  g_free (data->path);
  g_free (data);
}


/* A model file being opened: the window is held weakly, so that one closed meanwhile is
 * finalized at its destroy (a GTK 4 window is disposed only with its last reference), and the
 * model it asked for is dropped, neither put in use in a closed window nor remembered. */
typedef struct {
  GWeakRef  self;
  char     *path;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_weak_ref_clear (&data->self);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

static void
model_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (OpenData) data = user_data;
  g_autoptr (RlWindow) self = g_weak_ref_get (&data->self);
  const char *path = data->path;
  g_autoptr (GError) error = NULL;
  RlModelFile *file = rl_model_file_load_finish (result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&file, rl_model_file_free);
      return;
    }

  if (file == NULL)
    {
      g_autofree char *name = display_name (path);

      rl_show_model_error_dialog (GTK_WIDGET (self), name, error,
                                  _("The model in use has not changed."));
      return;
    }

  use_model_file (self, file, source_of_path (self, path), path);
  _rl_window_remember_model (self);
}

/* Opens @path (asynchronously); a file that does not load leaves the model in use. */
void
_rl_window_open_model_path (RlWindow   *self,
                            const char *path)
{
  OpenData *data = g_new0 (OpenData, 1);

  g_weak_ref_init (&data->self, self);
  data->path = g_strdup (path);
  rl_model_file_load_async (path, self->cancellable, model_opened_cb, data);
}

GtkFileFilter *
_rl_window_safetensors_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Models (safetensors)"));
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  return filter;
}

static void
open_response_cb (GtkNativeDialog *native,
                  int              response,
                  RlWindow        *self)
{
  g_autofree char *path = _rl_window_chooser_take_path (native, response);

  if (path != NULL)
    _rl_window_open_model_path (self, path);
}

void
_rl_window_open_model (RlWindow *self)
{
  g_autoptr (GtkFileFilter) filter = _rl_window_safetensors_filter ();
  GtkFileChooserNative *native = _rl_window_open_chooser_new (self, _("Open Model"), filter);

  g_signal_connect (native, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

GHashTable *
_rl_window_model_metadata (RlDatasetKind kind,
                           double        test_accuracy,
                           int           epochs)
{
  GHashTable *metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_hash_table_insert (metadata, g_strdup ("dataset"), g_strdup (rl_dataset_kind_name (kind)));
  g_hash_table_insert (metadata, g_strdup ("created"),
                       g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ"));
  g_hash_table_insert (metadata, g_strdup ("software"), g_strdup ("ResLab " PACKAGE_VERSION));
  if (!isnan (test_accuracy))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_hash_table_insert (metadata, g_strdup ("test_accuracy"),
                           g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4f", test_accuracy)));
    }
  if (epochs >= 0)
    g_hash_table_insert (metadata, g_strdup ("epochs"), g_strdup_printf ("%d", epochs));
  return metadata;
}

static void
model_saved_as_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (PathData) data = user_data;
  RlWindow *self = data->self;
  g_autoptr (GError) error = NULL;

  if (!rl_model_file_save_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = display_name (data->path);
          g_autofree char *primary = g_strdup_printf (_("Could not save “%s”"), name);

          rl_show_error_dialog (GTK_WIDGET (self), primary, error->message);
        }
    }
  else if (!self->busy)
    {
      self->model_source = source_of_path (self, data->path);
      g_free (self->model_path);
      self->model_path = g_strdup (data->path);
      _rl_window_update_description (self);
      _rl_window_models_update_current (self);
      _rl_window_remember_model (self);
    }
}

static void
save_response_cb (GtkNativeDialog *native,
                  int              response,
                  RlWindow        *self)
{
  g_autofree char *path = _rl_window_chooser_take_path (native, response);
  g_autoptr (GHashTable) metadata = NULL;

  if (path == NULL)
    return;
  if (!g_str_has_suffix (path, ".safetensors"))
    {
      char *with_suffix = g_strconcat (path, ".safetensors", NULL);

      g_free (path);
      path = with_suffix;
    }
  metadata = _rl_window_model_metadata (rl_predictor_get_kind (self->predictor),
                                        self->busy ? NAN : self->model_test_accuracy, -1);
  rl_model_file_save_async (rl_predictor_get_model (self->predictor), path, metadata,
                            self->cancellable, model_saved_as_cb,
                            _rl_window_path_data_new (self, path));
}

void
_rl_window_save_model_as (RlWindow *self)
{
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = _rl_window_safetensors_filter ();

  native = gtk_file_chooser_native_new (_("Save Model As"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), "reslab-model.safetensors");
  g_signal_connect (native, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
reset_response_cb (GtkDialog *dialog,
                   int        response,
                   RlWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT && !self->busy)
    {
      RlTrainConfig config;

      rl_train_view_get_settings (self->train_view, &config, NULL, NULL);
      use_random_model (self, config.seed);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Asks first: the weights in use are not saved anywhere. */
void
_rl_window_ask_reset_weights (RlWindow *self)
{
  GtkWidget *dialog;

  dialog = rl_question_dialog_new (GTK_WINDOW (self), _("Reset the weights?"),
                                   _("The network gets fresh random weights (from the seed in "
                                     "the Train view) and guesses at chance until it is trained "
                                     "again. Model files on disk are not changed."),
                                   _("_Cancel"), _("_Reset Weights"), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (reset_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_rl_window_restore_bundled (RlWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!load_bundled_model (self, &error))
    rl_show_error_dialog (GTK_WIDGET (self), _("Could not load the bundled model"), error->message);
  else
    _rl_window_remember_model (self);
}

/* ---- set-up ------------------------------------------------------------------------------- */

/* The predictor, with the model found at start-up, shown by the Draw and Inside views. */
void
_rl_window_model_init (RlWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->model_test_accuracy = NAN;
  self->predictor = rl_predictor_new ();

  load_startup_model (self);
  rl_draw_view_set_predictor (self->draw_view, self->predictor);
  rl_inside_view_set_predictor (self->inside_view, self->predictor);
  rl_train_view_set_predictor (self->train_view, self->predictor);
  _rl_window_update_description (self);
}
