#define G_LOG_DOMAIN "reslab-ui"

#include "rl-window.h"

#include <errno.h>
#include <math.h>

#include "rl-error.h"
#include "rl-dataset-loader.h"
#include "rl-model-file.h"

#define STALL_TIMER_MS 5

typedef enum {
  MODEL_BUNDLED,   /* the seed net in the GResource */
  MODEL_FILE,      /* opened from, or saved as, model_path */
  MODEL_TRAINED,   /* trained here and saved to model_path (the data dir) */
  MODEL_RANDOM,    /* fresh weights, not saved */
} ModelSource;

struct _RlWindow
{
  GtkApplicationWindow parent_instance;

  /* template widgets */
  GtkWidget    *train_button;
  GtkWidget    *pause_button;
  GtkWidget    *pause_image;
  GtkWidget    *pause_label;
  GtkWidget    *stop_button;
  GtkWidget    *switcher;
  GtkWidget    *menu_button;
  GtkStack     *stack;
  RlDrawView   *draw_view;
  RlTrainView  *train_view;
  RlInsideView *inside_view;
  RlExperimentView *experiment_view;

  /* owned: the model in use */
  RlPredictor  *predictor;
  ModelSource   model_source;
  char         *model_path;        /* for MODEL_FILE and MODEL_TRAINED */
  double        model_test_accuracy;
  char         *model_description;
  GCancellable *cancellable;       /* open and save jobs; cancelled on dispose */

  /* owned: training */
  RlTrainer    *trainer;
  gboolean      busy;              /* from the train action until the result is saved */
  GCancellable *data_cancellable;  /* dataset loads for the run being prepared */
  guint         n_loading;
  GError       *load_error;
  RlDataset    *train_set;         /* cached, of data_kind */
  RlDataset    *test_set;
  RlDatasetKind data_kind;
  RlTrainConfig run_config;
  guint         run_images;
  gboolean      run_from_current;
  float         run_test_accuracy; /* last full test-set accuracy of the run, NaN before */
  int           run_epochs_done;
  guint64       run_images_seen;
  RlModel      *backup;            /* the model before the run, restored if it fails */
  RlDatasetKind backup_kind;

  /* owned: main-loop stall measurement (--debug-stalls) */
  gboolean      stalls_enabled;
  guint         stall_tick_id;
  guint         stall_timer_id;
  gint64        stall_last_tick;
  gint64        stall_last_timer;
  gint64        stall_max_frame_gap;
  gint64        stall_max_timer_gap;
  gint64        stall_since;
  gint64        stall_total;
};

G_DEFINE_FINAL_TYPE (RlWindow, rl_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (RlWindow *self);
static gboolean experiment_view_visible (RlWindow *self);

/* ---- messages ----------------------------------------------------------------------------- */

static void
message_response_cb (GtkDialog *dialog,
                     int        response,
                     gpointer   user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A modal message with a Close button; the secondary text can be selected (to copy a
 * command or a path). Returns: (transfer none) the dialog, already shown */
static GtkWidget *
show_message (RlWindow       *self,
              GtkMessageType  type,
              const char     *primary,
              const char     *secondary)
{
  GtkWidget *dialog;
  GtkWidget *area;

  dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   type, GTK_BUTTONS_CLOSE, "%s", primary);
  if (secondary != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);

  area = gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog));
  for (GtkWidget *child = gtk_widget_get_first_child (area); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && child != gtk_widget_get_first_child (area))
      gtk_label_set_selectable (GTK_LABEL (child), TRUE);

  g_signal_connect (dialog, "response", G_CALLBACK (message_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static char *
display_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_filename_display_name (base);
}

/* ---- the model in use --------------------------------------------------------------------- */

char *
rl_window_get_trained_model_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "reslab", "model.safetensors", NULL);
}

static char *
state_file_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "reslab", "state.ini", NULL);
}

/* Remembers the model in use for the next start: "bundled" or a file. Random weights are
 * not remembered (they are not saved anywhere). */
static void
remember_model (RlWindow *self)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = state_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (self->model_source == MODEL_RANDOM)
    return;

  g_key_file_load_from_file (keys, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  if (self->model_source == MODEL_BUNDLED)
    {
      g_key_file_set_string (keys, "model", "source", "bundled");
      g_key_file_remove_key (keys, "model", "path", NULL);
    }
  else
    {
      g_key_file_set_string (keys, "model", "source", "file");
      g_key_file_set_string (keys, "model", "path", self->model_path);
    }

  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_key_file_save_to_file (keys, path, &error))
    g_message ("Could not remember the model in %s: %s", path,
               error != NULL ? error->message : g_strerror (errno));
}

static void
update_description (RlWindow *self)
{
  RlDatasetKind kind = rl_predictor_get_kind (self->predictor);
  const char *dataset = kind == RL_DATASET_FASHION ? "Fashion-MNIST" : "MNIST";
  g_autofree char *accuracy = NULL;
  g_autofree char *name = NULL;

  if (!isnan (self->model_test_accuracy))
    accuracy = g_strdup_printf (" · test accuracy %.2f\u202f%%", 100 * self->model_test_accuracy);

  g_free (self->model_description);
  if (self->busy && rl_trainer_get_state (self->trainer) != RL_TRAINER_IDLE)
    self->model_description = g_strdup_printf ("Model: the weights being trained on %s, "
                                               "%" G_GUINT64_FORMAT " images seen so far",
                                               dataset, self->run_images_seen);
  else switch (self->model_source)
    {
    case MODEL_BUNDLED:
      self->model_description = g_strdup_printf ("Model: the seed net bundled with ResLab · %s%s",
                                                 dataset, accuracy ? accuracy : "");
      break;
    case MODEL_TRAINED:
      self->model_description = g_strdup_printf ("Model: trained here on %s%s · saved in %s",
                                                 dataset, accuracy ? accuracy : "",
                                                 self->model_path);
      break;
    case MODEL_FILE:
      name = display_name (self->model_path);
      self->model_description = g_strdup_printf ("Model: %s · %s%s", name, dataset,
                                                 accuracy ? accuracy : "");
      break;
    case MODEL_RANDOM:
    default:
      self->model_description = g_strdup ("Model: random weights, not trained: the "
                                          "prediction is a guess until you train it");
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
  update_description (self);
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

static gboolean
load_model_path (RlWindow    *self,
                 const char  *path,
                 ModelSource  source)
{
  g_autoptr (GError) error = NULL;
  RlModelFile *file;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;

  file = rl_model_file_load (path, &error);
  if (file == NULL)
    {
      g_message ("Not using %s: %s", path, error->message);
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

  model = rl_model_new (current != NULL ? rl_model_get_arch (current) : seed_arch, 1, 28, 28,
                        current != NULL ? rl_model_get_n_classes (current) : 10, &error);
  g_assert_no_error (error);   /* the arch of a model that exists, or the seed net's */
  rl_model_init_params (model, seed);

  self->model_source = MODEL_RANDOM;
  g_clear_pointer (&self->model_path, g_free);
  self->model_test_accuracy = NAN;
  rl_predictor_set_model (self->predictor, model, rl_predictor_get_kind (self->predictor));
  update_description (self);
}

/* See the header: the remembered model, else the last trained one, else the bundled one. */
static void
load_startup_model (RlWindow *self)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *state = state_file_path ();
  g_autofree char *trained = rl_window_get_trained_model_path ();
  g_autofree char *source = NULL;
  g_autofree char *path = NULL;

  if (g_key_file_load_from_file (keys, state, G_KEY_FILE_NONE, NULL))
    {
      source = g_key_file_get_string (keys, "model", "source", NULL);
      path = g_key_file_get_string (keys, "model", "path", NULL);
    }

  if (g_strcmp0 (source, "bundled") != 0)
    {
      if (path != NULL
          && load_model_path (self, path, g_strcmp0 (path, trained) == 0 ? MODEL_TRAINED
                                                                          : MODEL_FILE))
        return;
      if (load_model_path (self, trained, MODEL_TRAINED))
        return;
    }

  if (load_bundled_model (self, &error))
    return;

  g_message ("No bundled model (%s): starting from random weights", error->message);
  use_random_model (self, 1);
}

/* ---- open and save ------------------------------------------------------------------------ */

typedef struct {
  RlWindow *self;
  char     *path;
} PathData;

static PathData *
path_data_new (RlWindow   *self,
               const char *path)
{
  PathData *data = g_new0 (PathData, 1);

  data->self = g_object_ref (self);
  data->path = g_strdup (path);
  return data;
}

static void
path_data_free (PathData *data)
{
  g_object_unref (data->self);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PathData, path_data_free)

static void
model_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (PathData) data = user_data;
  RlWindow *self = data->self;
  const char *path = data->path;
  g_autoptr (GError) error = NULL;
  RlModelFile *file = rl_model_file_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (file == NULL)
    {
      g_autofree char *name = display_name (path);
      g_autofree char *primary = g_strdup_printf ("Could not open “%s”", name);
      g_autofree char *secondary = g_strdup_printf ("%s\n\nThe model in use has not changed.",
                                                    error->message);

      show_message (self, GTK_MESSAGE_ERROR, primary, secondary);
      return;
    }

  use_model_file (self, file, MODEL_FILE, path);
  remember_model (self);
}

/* Opens @path (asynchronously); a file that does not load leaves the model in use. */
static void
open_model_path (RlWindow   *self,
                 const char *path)
{
  rl_model_file_load_async (path, self->cancellable, model_opened_cb, path_data_new (self, path));
}

static void
open_path_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  if (!self->busy)
    open_model_path (self, g_variant_get_string (parameter, NULL));
}

static GtkFileFilter *
safetensors_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Models (safetensors)");
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  return filter;
}

static void
open_response_cb (GtkNativeDialog *native,
                  int              response,
                  RlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        open_model_path (self, path);
    }
  g_object_unref (native);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = safetensors_filter ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new ("Open Model", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_filter_set_name (all, "All files");
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static GHashTable *
model_metadata (RlWindow      *self,
                RlDatasetKind  kind,
                double         test_accuracy,
                int            epochs)
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
          g_autofree char *primary = g_strdup_printf ("Could not save “%s”", name);

          show_message (self, GTK_MESSAGE_ERROR, primary, error->message);
        }
    }
  else if (!self->busy)
    {
      self->model_source = MODEL_FILE;
      g_free (self->model_path);
      self->model_path = g_strdup (data->path);
      update_description (self);
      remember_model (self);
    }
}

static void
save_response_cb (GtkNativeDialog *native,
                  int              response,
                  RlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          g_autoptr (GHashTable) metadata = NULL;

          if (!g_str_has_suffix (path, ".safetensors"))
            {
              char *with_suffix = g_strconcat (path, ".safetensors", NULL);

              g_free (path);
              path = with_suffix;
            }
          metadata = model_metadata (self, rl_predictor_get_kind (self->predictor),
                                     self->busy ? NAN : self->model_test_accuracy, -1);
          rl_model_file_save_async (rl_predictor_get_model (self->predictor), path, metadata,
                               self->cancellable, model_saved_as_cb, path_data_new (self, path));
        }
    }
  g_object_unref (native);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = safetensors_filter ();

  native = gtk_file_chooser_native_new ("Save Model As", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
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

static void
reset_weights_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  GtkWidget *dialog;
  GtkWidget *button;

  dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "Reset the weights?");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "The network gets fresh random weights (from the "
                                            "seed in the Train view) and guesses at chance "
                                            "until it is trained again. Model files on disk "
                                            "are not changed.");
  gtk_dialog_add_button (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL);
  button = gtk_dialog_add_button (GTK_DIALOG (dialog), "_Reset Weights", GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect (dialog, "response", G_CALLBACK (reset_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restore_bundled_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (!load_bundled_model (self, &error))
    show_message (self, GTK_MESSAGE_ERROR, "Could not load the bundled model", error->message);
  else
    remember_model (self);
}

/* ---- training ----------------------------------------------------------------------------- */

static void
stall_start (RlWindow *self);
static void
stall_stop (RlWindow *self);

static void
show_missing_data (RlWindow       *self,
                   RlDatasetKind   kind,
                   char          **missing)
{
  g_autofree char *dir = rl_dataset_default_dir (kind);
  g_autofree char *list = g_strjoinv ("\n    ", missing);
  g_autofree char *secondary = NULL;

  if (kind == RL_DATASET_FASHION)
    secondary = g_strdup_printf ("Training looks for these files in %s:\n    %s\n\n"
                                 "Install Debian's Fashion-MNIST package:\n\n"
                                 "    sudo apt install dataset-fashion-mnist\n\n"
                                 "or set RESLAB_FASHION_DIR to a folder that has them.",
                                 dir, list);
  else
    secondary = g_strdup_printf ("Training looks for these files in %s:\n    %s\n\n"
                                 "Fetch them (about 55 MB, checked against their MD5 sums) "
                                 "by running this in the ResLab source folder:\n\n"
                                 "    ./dev.sh data\n\n"
                                 "or set RESLAB_DATA_DIR to a folder that has them. Drawing and "
                                 "predicting work without them.",
                                 dir, list);
  show_message (self, GTK_MESSAGE_INFO,
                kind == RL_DATASET_FASHION ? "The Fashion-MNIST files are missing"
                                           : "The MNIST files are missing",
                secondary);
}

static void
end_busy (RlWindow *self)
{
  self->busy = FALSE;
  update_actions (self);
  update_description (self);
}

static void
start_run (RlWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) initial = NULL;
  g_autoptr (RlDataset) train = NULL;
  RlModel *current = rl_predictor_get_model (self->predictor);

  if (self->run_from_current)
    initial = rl_model_copy (current);
  else
    {
      initial = rl_model_new (rl_model_get_arch (current), 1, 28, 28,
                              (int) self->train_set->n_classes, &error);
      if (initial == NULL)
        {
          show_message (self, GTK_MESSAGE_ERROR, "Could not start training", error->message);
          end_busy (self);
          return;
        }
      rl_model_init_params (initial, self->run_config.seed);
    }

  train = self->run_images < self->train_set->n
          ? rl_dataset_new_subset (self->train_set, self->run_images)
          : rl_dataset_ref (self->train_set);

  if (!rl_trainer_start (self->trainer, initial, train, self->test_set, &self->run_config,
                         &error))
    {
      show_message (self, GTK_MESSAGE_ERROR, "Could not start training", error->message);
      end_busy (self);
      return;
    }

  g_clear_pointer (&self->backup, rl_model_free);
  self->backup = rl_model_copy (current);
  self->backup_kind = rl_predictor_get_kind (self->predictor);
  self->run_test_accuracy = NAN;
  self->run_epochs_done = 0;
  self->run_images_seen = 0;

  rl_train_view_begin_run (self->train_view, &self->run_config, train->n);
  /* From now on the predictor shows the weights being trained, from the initial ones on. */
  rl_predictor_set_model (self->predictor, g_steal_pointer (&initial), self->run_config.dataset);
  stall_start (self);
  update_actions (self);
  update_description (self);
}

static void
dataset_loaded (RlWindow     *self,
                RlSplit       split,
                GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  RlDataset *ds = rl_dataset_loader_load_finish (result, &error);

  if (ds != NULL)
    {
      if (split == RL_SPLIT_TRAIN)
        self->train_set = ds;
      else
        self->test_set = ds;
    }
  else if (self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);

  if (--self->n_loading > 0)
    return;

  g_clear_object (&self->data_cancellable);
  if (self->load_error != NULL)
    {
      if (!g_error_matches (self->load_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_message (self, GTK_MESSAGE_ERROR, "Could not load the training data",
                        self->load_error->message);
          rl_train_view_set_status (self->train_view, self->load_error->message);
        }
      else if (self->trainer != NULL)
        rl_train_view_set_status (self->train_view, "Stopped before training began.");
      g_clear_error (&self->load_error);
      g_clear_pointer (&self->train_set, rl_dataset_unref);
      g_clear_pointer (&self->test_set, rl_dataset_unref);
      if (self->trainer != NULL)
        end_busy (self);
      return;
    }

  if (self->trainer != NULL)   /* not disposed meanwhile */
    start_run (self);
}

static void
train_set_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (RlWindow) self = user_data;

  dataset_loaded (self, RL_SPLIT_TRAIN, result);
}

static void
test_set_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (RlWindow) self = user_data;

  dataset_loaded (self, RL_SPLIT_TEST, result);
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_auto (GStrv) missing = NULL;
  g_autofree char *status = NULL;
  RlDatasetKind kind;

  /* On the Experiment page, Ctrl+Return starts the twins: the page has its own buttons. */
  if (experiment_view_visible (self))
    {
      gtk_widget_activate_action (GTK_WIDGET (self->experiment_view), "experiment.run", NULL);
      return;
    }
  if (self->busy || rl_trainer_get_state (self->trainer) != RL_TRAINER_IDLE
      || rl_experiment_view_is_busy (self->experiment_view))
    return;

  rl_train_view_get_settings (self->train_view, &self->run_config, &self->run_images,
                              &self->run_from_current);
  kind = self->run_config.dataset;
  missing = rl_dataset_find_missing_files (kind);
  if (missing != NULL)
    {
      show_missing_data (self, kind, missing);
      return;
    }

  self->busy = TRUE;
  rl_window_set_view (self, "train");

  if (self->train_set != NULL && self->test_set != NULL && self->data_kind == kind)
    {
      start_run (self);
      return;
    }

  g_clear_pointer (&self->train_set, rl_dataset_unref);
  g_clear_pointer (&self->test_set, rl_dataset_unref);
  self->data_kind = kind;
  self->n_loading = 2;
  self->data_cancellable = g_cancellable_new ();
  rl_dataset_loader_load_async (kind, RL_SPLIT_TRAIN, self->data_cancellable, train_set_loaded_cb,
                         g_object_ref (self));
  rl_dataset_loader_load_async (kind, RL_SPLIT_TEST, self->data_cancellable, test_set_loaded_cb,
                         g_object_ref (self));
  status = g_strdup_printf ("Loading the %s training and test images…",
                            kind == RL_DATASET_FASHION ? "Fashion-MNIST" : "MNIST");
  rl_train_view_set_status (self->train_view, status);
  update_actions (self);
}

static void
pause_resume_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  switch (rl_trainer_get_state (self->trainer))
    {
    case RL_TRAINER_RUNNING:
      rl_trainer_pause (self->trainer);
      rl_train_view_set_status (self->train_view, "Paused. Drawing uses the latest weights.");
      break;
    case RL_TRAINER_PAUSED:
      rl_trainer_resume (self->trainer);
      break;
    case RL_TRAINER_IDLE:
    case RL_TRAINER_STOPPING:
    default:
      break;
    }
  update_actions (self);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  if (experiment_view_visible (self))
    {
      gtk_widget_activate_action (GTK_WIDGET (self->experiment_view), "experiment.stop", NULL);
      return;
    }
  if (self->data_cancellable != NULL)
    g_cancellable_cancel (self->data_cancellable);
  rl_trainer_stop (self->trainer);
  update_actions (self);
}

static void
trainer_progress_cb (RlTrainer       *trainer,
                     RlTrainProgress *progress,
                     RlWindow        *self)
{
  rl_train_view_add_progress (self->train_view, progress);
  if (!isnan (progress->epoch_test_acc))
    {
      self->run_test_accuracy = progress->epoch_test_acc;
      self->run_epochs_done = progress->epoch;
    }
  self->run_images_seen = progress->images_seen;
}

static void
trainer_weights_cb (RlTrainer       *trainer,
                    RlModelSnapshot *weights,
                    RlWindow        *self)
{
  RlModel *model = rl_model_snapshot_get_model (weights);

  rl_predictor_set_params (self->predictor, rl_model_get_params_const (model),
                           rl_model_get_n_params (model));
  self->run_images_seen = MAX (self->run_images_seen, rl_model_snapshot_get_images_seen (weights));
  update_description (self);
}

static void
trained_model_saved_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (RlWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = rl_window_get_trained_model_path ();
  g_autofree char *status = NULL;

  if (!rl_model_file_save_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_message (self, GTK_MESSAGE_ERROR, "Could not save the trained model", error->message);
      self->model_source = MODEL_RANDOM;
      g_clear_pointer (&self->model_path, g_free);
      status = g_strdup_printf ("Not saved: %s", error->message);
    }
  else
    {
      self->model_source = MODEL_TRAINED;
      g_free (self->model_path);
      self->model_path = g_strdup (path);
      remember_model (self);
      status = g_strdup_printf ("Saved to %s. Drawing now uses this model.", path);
    }
  self->model_test_accuracy = self->run_test_accuracy;
  rl_train_view_set_status (self->train_view, status);
  end_busy (self);
}

static void
trainer_finished_cb (RlTrainer    *trainer,
                     gboolean      completed,
                     const GError *error,
                     RlWindow     *self)
{
  RlModelSnapshot *weights = rl_trainer_get_latest_weights (trainer);
  g_autoptr (GHashTable) metadata = NULL;
  g_autofree char *path = NULL;

  stall_stop (self);
  rl_train_view_set_state (self->train_view, RL_TRAINER_IDLE);

  if (error != NULL || weights == NULL || rl_model_snapshot_get_images_seen (weights) == 0)
    {
      /* Failed (a diverged loss), or stopped before the first batch: back to the model from
       * before the run, nothing saved. */
      if (self->backup != NULL)
        rl_predictor_set_model (self->predictor, g_steal_pointer (&self->backup),
                                self->backup_kind);
      if (error != NULL)
        {
          show_message (self, GTK_MESSAGE_ERROR, "Training failed", error->message);
          rl_train_view_set_status (self->train_view, error->message);
        }
      else
        rl_train_view_set_status (self->train_view, "Stopped before the first batch; the "
                                  "model in use has not changed.");
      end_busy (self);
      return;
    }

  g_clear_pointer (&self->backup, rl_model_free);
  rl_predictor_set_params (self->predictor,
                           rl_model_get_params_const (rl_model_snapshot_get_model (weights)),
                           rl_model_get_n_params (rl_model_snapshot_get_model (weights)));

  path = rl_window_get_trained_model_path ();
  metadata = model_metadata (self, self->run_config.dataset, self->run_test_accuracy,
                             self->run_epochs_done);
  g_hash_table_insert (metadata, g_strdup ("lr"), g_strdup_printf ("%g", self->run_config.lr));
  g_hash_table_insert (metadata, g_strdup ("momentum"),
                       g_strdup_printf ("%g", self->run_config.momentum));
  g_hash_table_insert (metadata, g_strdup ("batch"), g_strdup_printf ("%d", self->run_config.batch));
  g_hash_table_insert (metadata, g_strdup ("seed"),
                       g_strdup_printf ("%" G_GUINT64_FORMAT, self->run_config.seed));
  g_hash_table_insert (metadata, g_strdup ("train_images"),
                       g_strdup_printf ("%u", self->run_images));
  rl_train_view_set_status (self->train_view, completed ? "Finished. Saving the model…"
                                                        : "Stopped. Saving the model…");
  rl_model_file_save_async (rl_predictor_get_model (self->predictor), path, metadata,
                       self->cancellable, trained_model_saved_cb, g_object_ref (self));
  update_actions (self);
}

static void
learning_rate_changed_cb (RlTrainView *view,
                          GParamSpec  *pspec,
                          RlWindow    *self)
{
  rl_trainer_set_lr (self->trainer, (float) rl_train_view_get_learning_rate (view));
}

static void
momentum_changed_cb (RlTrainView *view,
                     GParamSpec  *pspec,
                     RlWindow    *self)
{
  rl_trainer_set_momentum (self->trainer, (float) rl_train_view_get_momentum (view));
}

/* ---- main-loop stalls --------------------------------------------------------------------- */

static gboolean
stall_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  RlWindow *self = RL_WINDOW (widget);
  gint64 now = g_get_monotonic_time ();

  if (self->stall_last_tick > 0)
    self->stall_max_frame_gap = MAX (self->stall_max_frame_gap, now - self->stall_last_tick);
  self->stall_last_tick = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
stall_timer_cb (gpointer user_data)
{
  RlWindow *self = RL_WINDOW (user_data);
  gint64 now = g_get_monotonic_time ();

  if (self->stall_last_timer > 0)
    self->stall_max_timer_gap = MAX (self->stall_max_timer_gap, now - self->stall_last_timer);

  self->stall_last_timer = now;
  return G_SOURCE_CONTINUE;
}

static void
stall_start (RlWindow *self)
{
  if (!self->stalls_enabled || self->stall_timer_id != 0)
    return;

  self->stall_last_tick = 0;
  self->stall_last_timer = 0;
  self->stall_since = g_get_monotonic_time ();
  self->stall_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), stall_tick_cb, NULL, NULL);
  self->stall_timer_id = g_timeout_add (STALL_TIMER_MS, stall_timer_cb, self);
}

static void
stall_stop (RlWindow *self)
{
  if (self->stall_timer_id == 0)
    return;

  gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->stall_tick_id);
  g_clear_handle_id (&self->stall_timer_id, g_source_remove);
  self->stall_tick_id = 0;
  self->stall_total += g_get_monotonic_time () - self->stall_since;
}

void
rl_window_set_debug_stalls (RlWindow *self,
                            gboolean  enabled)
{
  g_return_if_fail (RL_IS_WINDOW (self));

  self->stalls_enabled = enabled;
  if (enabled && (rl_trainer_get_state (self->trainer) != RL_TRAINER_IDLE
                  || rl_experiment_view_is_busy (self->experiment_view)))
    stall_start (self);
  else if (!enabled)
    stall_stop (self);
}

gboolean
rl_window_get_stall_report (RlWindow *self,
                            double   *timer_late_ms,
                            double   *frame_gap_ms,
                            double   *seconds)
{
  gint64 total;

  g_return_val_if_fail (RL_IS_WINDOW (self), FALSE);

  total = self->stall_total;
  if (self->stall_timer_id != 0)
    total += g_get_monotonic_time () - self->stall_since;
  if (timer_late_ms != NULL)
    *timer_late_ms = MAX (0, self->stall_max_timer_gap / 1000.0 - STALL_TIMER_MS);
  if (frame_gap_ms != NULL)
    *frame_gap_ms = self->stall_max_frame_gap / 1000.0;
  if (seconds != NULL)
    *seconds = total / 1e6;
  return total > 0;
}

/* ---- drawing actions ---------------------------------------------------------------------- */

static gboolean
draw_view_visible (RlWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "draw") == 0;
}

static gboolean
experiment_view_visible (RlWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "experiment") == 0;
}

static void
update_draw_actions (RlWindow *self)
{
  RlCanvas *canvas = rl_draw_view_get_canvas (self->draw_view);
  gboolean visible = draw_view_visible (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear",
                                 visible && (!rl_canvas_is_empty (canvas)
                                             || rl_canvas_has_image (canvas)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 visible && !rl_canvas_is_empty (canvas));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.random-image",
                                 rl_draw_view_get_test_set_ready (self->draw_view));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  rl_draw_view_clear (self->draw_view);
  update_draw_actions (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  rl_draw_view_undo (self->draw_view);
}

static void
random_image_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  rl_draw_view_show_random_image (self->draw_view);
  update_draw_actions (self);
}

static void
canvas_changed_cb (RlCanvas *canvas,
                   RlWindow *self)
{
  update_draw_actions (self);
}

static void
test_set_ready_cb (RlDrawView *view,
                   GParamSpec *pspec,
                   RlWindow   *self)
{
  update_draw_actions (self);
}

/* ---- state -------------------------------------------------------------------------------- */

static void
update_actions (RlWindow *self)
{
  RlTrainerState state = rl_trainer_get_state (self->trainer);
  gboolean active = state == RL_TRAINER_RUNNING || state == RL_TRAINER_PAUSED;
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean experiment = experiment_view_visible (self);
  gboolean twins_busy = rl_experiment_view_is_busy (self->experiment_view);

  /* The twins and a Train run would share the cores: one at a time. On the Experiment page
   * the header's Train, Pause and Stop (which act on the Train view's run) are hidden, and
   * their shortcuts start and stop the twins instead. */
  rl_experiment_view_set_blocked (self->experiment_view,
                                  self->busy ? "A training run of the Train view is in "
                                               "progress: stop it there first, so that the "
                                               "twins get the processor."
                                             : NULL);
  gtk_widget_set_visible (self->train_button, !experiment);
  gtk_widget_set_visible (self->pause_button, !experiment);
  gtk_widget_set_visible (self->stop_button, !experiment);
  gtk_widget_set_tooltip_text (self->train_button,
                               twins_busy ? "The twins of the Experiment view are training: "
                                            "stop them first"
                                          : "Train the network with the settings of the Train "
                                            "view (Ctrl+Return)");

  gtk_widget_action_set_enabled (widget, "win.train",
                                 experiment ? rl_experiment_view_can_run (self->experiment_view)
                                            : !self->busy && !twins_busy);
  gtk_widget_action_set_enabled (widget, "win.pause-resume", active && !experiment);
  gtk_widget_action_set_enabled (widget, "win.stop",
                                 experiment ? twins_busy
                                            : active || self->data_cancellable != NULL);
  gtk_widget_action_set_enabled (widget, "win.open", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.open-path", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.reset-weights", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.restore-bundled", !self->busy);

  if (state == RL_TRAINER_PAUSED)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (self->pause_image), "media-playback-start-symbolic");
      gtk_label_set_text_with_mnemonic (GTK_LABEL (self->pause_label), "_Resume");
      gtk_widget_set_tooltip_text (self->pause_button, "Resume training (Ctrl+P)");
    }
  else
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (self->pause_image), "media-playback-pause-symbolic");
      gtk_label_set_text_with_mnemonic (GTK_LABEL (self->pause_label), "_Pause");
      gtk_widget_set_tooltip_text (self->pause_button,
                                   "Pause training after the current batch (Ctrl+P)");
    }

  rl_train_view_set_state (self->train_view, self->busy && state == RL_TRAINER_IDLE
                                             ? RL_TRAINER_RUNNING : state);
  update_draw_actions (self);
}

void
rl_window_set_view (RlWindow   *self,
                    const char *view)
{
  g_return_if_fail (RL_IS_WINDOW (self));
  g_return_if_fail (view != NULL);

  if (gtk_stack_get_child_by_name (self->stack, view) == NULL)
    {
      g_warning ("No view called “%s”", view);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, view);
}

const char *
rl_window_get_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static void
on_visible_child_changed (GtkStack   *stack,
                          GParamSpec *pspec,
                          RlWindow   *self)
{
  /* A prediction that waited for a frame of the Draw view is made now. */
  rl_draw_view_flush (self->draw_view);
  if (self->trainer != NULL)   /* not while the window is disposed */
    update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

static void
experiment_busy_cb (RlExperimentView *view,
                    GParamSpec       *pspec,
                    RlWindow         *self)
{
  /* --debug-stalls measures the main loop while the twins train, as while a Train run does. */
  if (rl_experiment_view_is_busy (view))
    stall_start (self);
  else
    stall_stop (self);
  update_actions (self);
}

/* ---- public API --------------------------------------------------------------------------- */

RlWindow *
rl_window_new (GtkApplication *application)
{
  return g_object_new (RL_TYPE_WINDOW, "application", application, NULL);
}

RlPredictor *
rl_window_get_predictor (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->predictor;
}

RlTrainer *
rl_window_get_trainer (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->trainer;
}

RlDrawView *
rl_window_get_draw_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->draw_view;
}

RlTrainView *
rl_window_get_train_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->train_view;
}

RlInsideView *
rl_window_get_inside_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->inside_view;
}

RlExperimentView *
rl_window_get_experiment_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->experiment_view;
}

const char *
rl_window_get_model_description (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->model_description;
}

gboolean
rl_window_is_busy (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), FALSE);

  return self->busy;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RlWindow *self = RL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_string (value, rl_window_get_view (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  RlWindow *self = RL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      rl_window_set_view (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_window_dispose (GObject *object)
{
  RlWindow *self = RL_WINDOW (object);

  stall_stop (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->data_cancellable);

  if (self->trainer != NULL)
    {
      /* A run still going is cancelled; rl_trainer_join_abandoned_workers() reaps it. */
      g_signal_handlers_disconnect_by_data (self->trainer, self);
      rl_trainer_stop (self->trainer);
      g_clear_object (&self->trainer);
    }

  if (self->experiment_view != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment_view, self);

  if (self->draw_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->draw_view, self);
      g_signal_handlers_disconnect_by_data (rl_draw_view_get_canvas (self->draw_view), self);
      rl_draw_view_set_predictor (self->draw_view, NULL);
      rl_inside_view_set_predictor (self->inside_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_WINDOW);

  g_clear_object (&self->predictor);

  G_OBJECT_CLASS (rl_window_parent_class)->dispose (object);
}

static void
rl_window_finalize (GObject *object)
{
  RlWindow *self = RL_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->data_cancellable);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->train_set, rl_dataset_unref);
  g_clear_pointer (&self->test_set, rl_dataset_unref);
  g_clear_pointer (&self->backup, rl_model_free);
  g_free (self->model_path);
  g_free (self->model_description);

  G_OBJECT_CLASS (rl_window_parent_class)->finalize (object);
}

static void
rl_window_class_init (RlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_window_get_property;
  object_class->set_property = rl_window_set_property;
  object_class->dispose = rl_window_dispose;
  object_class->finalize = rl_window_finalize;

  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, "draw",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RL_TYPE_DRAW_VIEW);
  g_type_ensure (RL_TYPE_TRAIN_VIEW);
  g_type_ensure (RL_TYPE_INSIDE_VIEW);
  g_type_ensure (RL_TYPE_EXPERIMENT_VIEW);

  /* The header bar is not bound: GtkWindow's own dispose unparents its titlebar, and
   * gtk_widget_dispose_template () doing so first leaves it a dangling pointer. */
  gtk_widget_class_set_template_from_resource (widget_class, "/org/reslab/ResLab/ui/rl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RlWindow, train_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, pause_image);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, pause_label);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, draw_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, train_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, inside_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, experiment_view);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_child_changed);

  gtk_widget_class_install_action (widget_class, "win.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "win.pause-resume", NULL, pause_resume_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-path", "s", open_path_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.reset-weights", NULL, reset_weights_action);
  gtk_widget_class_install_action (widget_class, "win.restore-bundled", NULL,
                                   restore_bundled_action);
  gtk_widget_class_install_action (widget_class, "win.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.random-image", NULL, random_image_action);
  gtk_widget_class_install_property_action (widget_class, "win.view", "view");

  /* Keys for the canvas, on the window in the bubble phase: a text entry that has the focus
   * handles Delete and Ctrl+Z itself first (application accelerators would take them). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
}

static void
set_switcher_tooltips (RlWindow *self)
{
  static const char * const tips[] = {
    "Draw a digit and watch the prediction (Alt+1)",
    "Train the network and watch it learn (Alt+2)",
    "Look inside: every layer's maps and the residual blocks (Alt+3)",
    "Plain or residual: train twin networks side by side and see why shortcuts help (Alt+4)",
  };
  guint i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (self->switcher);
       child != NULL && i < G_N_ELEMENTS (tips);
       child = gtk_widget_get_next_sibling (child), i++)
    gtk_widget_set_tooltip_text (child, tips[i]);
}

static void
rl_window_init (RlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->model_test_accuracy = NAN;
  self->run_test_accuracy = NAN;
  self->predictor = rl_predictor_new ();
  self->trainer = rl_trainer_new ();

  g_signal_connect (self->trainer, "progress", G_CALLBACK (trainer_progress_cb), self);
  g_signal_connect (self->trainer, "weights", G_CALLBACK (trainer_weights_cb), self);
  g_signal_connect (self->trainer, "finished", G_CALLBACK (trainer_finished_cb), self);
  g_signal_connect (self->train_view, "notify::learning-rate",
                    G_CALLBACK (learning_rate_changed_cb), self);
  g_signal_connect (self->train_view, "notify::momentum", G_CALLBACK (momentum_changed_cb), self);
  g_signal_connect (rl_draw_view_get_canvas (self->draw_view), "changed",
                    G_CALLBACK (canvas_changed_cb), self);
  g_signal_connect (self->draw_view, "notify::test-set-ready", G_CALLBACK (test_set_ready_cb),
                    self);
  g_signal_connect (self->experiment_view, "notify::busy", G_CALLBACK (experiment_busy_cb), self);

  load_startup_model (self);
  rl_draw_view_set_predictor (self->draw_view, self->predictor);
  rl_inside_view_set_predictor (self->inside_view, self->predictor);
  update_description (self);

  set_switcher_tooltips (self);
  /* Start on the canvas, without a focus ring until the keyboard is used. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (rl_draw_view_get_canvas (self->draw_view)));
  gtk_window_set_focus_visible (GTK_WINDOW (self), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Main menu", -1);
  update_actions (self);
}
