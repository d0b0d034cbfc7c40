#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-training.c: a training run of the Train view: the data loaded (through the one
 * cached loader), the run started from the view's settings, its progress and weights passed
 * on to the view and the predictor, and the result kept: the final weights measured on the
 * whole test set (so the accuracy shown is that of the weights kept, also after Stop), then
 * saved as a new run of the model store, never over another file. A run from fresh weights
 * keeps those too, beside it, as `reslab-cli train --keep-initial` does (for the loss
 * landscape's line); a run continued from the model in use keeps none: its start is another
 * run's end, not an initialisation. The model from before the run comes back if the run fails;
 * a model that could not be saved stays in use, "not saved"; initial weights that could not be
 * saved only cost the line.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include <math.h>

#include "rl-dataset-loader.h"
#include "rl-dialogs.h"
#include "rl-error.h"
#include "rl-evaluator.h"
#include "rl-model-file.h"

static void
end_busy (RlWindow *self)
{
  self->busy = FALSE;
  _rl_window_actions_update (self);
  _rl_window_update_description (self);
  _rl_window_quit_check (self);
}

static void
start_run (RlWindow  *self,
           RlDataset *train_set,
           RlDataset *test_set)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) initial = NULL;
  g_autoptr (RlDataset) train = NULL;
  g_autofree char *net = NULL;
  RlModel *current = rl_predictor_get_model (self->predictor);

  g_clear_pointer (&self->run_initial, rl_model_free);
  if (self->run_from_current)
    initial = rl_model_copy (current);
  else
    {
      /* the net chosen in the Train view, read when the run was asked for */
      initial = rl_model_new (self->run_arch, (int) train_set->c, (int) train_set->h,
                              (int) train_set->w, (int) train_set->n_classes, &error);
      if (initial == NULL)
        {
          rl_show_error_dialog (GTK_WIDGET (self), _("Could not start training"), error->message);
          end_busy (self);
          return;
        }
      rl_model_init_params (initial, self->run_config.seed);
      self->run_initial = rl_model_copy (initial);
    }

  train = self->run_images < train_set->n
          ? rl_dataset_new_subset (train_set, self->run_images)
          : rl_dataset_ref (train_set);

  if (!rl_trainer_start (self->trainer, initial, train, test_set, &self->run_config, &error))
    {
      g_clear_pointer (&self->run_initial, rl_model_free);
      rl_show_error_dialog (GTK_WIDGET (self), _("Could not start training"), error->message);
      end_busy (self);
      return;
    }

  g_clear_pointer (&self->backup, rl_model_free);
  self->backup = rl_model_copy (current);
  g_clear_pointer (&self->run_test_set, rl_dataset_unref);
  self->run_test_set = rl_dataset_ref (test_set);
  self->backup_kind = rl_predictor_get_kind (self->predictor);
  self->run_test_accuracy = NAN;
  self->run_epochs_done = 0;
  self->run_stopped_batch = 0;
  self->run_epoch_batches = 0;
  self->run_images_seen = 0;

  net = rl_net_describe (rl_model_get_arch (initial));
  rl_train_view_begin_run (self->train_view, &self->run_config, train->n, net);
  /* From now on the predictor shows the weights being trained, from the initial ones on. */
  rl_predictor_set_model (self->predictor, g_steal_pointer (&initial), self->run_config.dataset);
  _rl_window_stall_start (self);
  _rl_window_actions_update (self);
  _rl_window_update_description (self);
}

static void
data_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (RlWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) train_set = NULL;
  g_autoptr (RlDataset) test_set = NULL;

  g_clear_object (&self->data_cancellable);
  if (!rl_dataset_loader_load_pair_finish (result, &train_set, &test_set, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          rl_show_error_dialog (GTK_WIDGET (self), _("Could not load the training data"),
                                error->message);
          rl_train_view_set_status (self->train_view, error->message);
        }
      else if (self->trainer != NULL)
        rl_train_view_set_status (self->train_view, _("Stopped before training began."));
      if (self->trainer != NULL)
        end_busy (self);
      return;
    }

  if (self->trainer != NULL)   /* not disposed meanwhile */
    start_run (self, train_set, test_set);
}

/* Starts a run with the Train view's settings, once the data is loaded (at once when the
 * loader has it already). */
void
_rl_window_train (RlWindow *self)
{
  g_auto (GStrv) missing = NULL;
  g_autoptr (RlDataset) train_set = NULL;
  g_autoptr (RlDataset) test_set = NULL;
  g_autofree char *status = NULL;
  RlDatasetKind kind;

  if (self->busy || rl_trainer_get_state (self->trainer) != RL_TRAINER_IDLE
      || rl_experiment_view_is_busy (self->experiment_view))
    return;

  rl_train_view_get_settings (self->train_view, &self->run_config, &self->run_images,
                              &self->run_from_current);
  if (!self->run_from_current && rl_train_view_get_arch (self->train_view) == NULL)
    return;   /* the net's description is not valid: the view says why */
  g_clear_pointer (&self->run_arch, rl_arch_free);
  if (!self->run_from_current)
    self->run_arch = rl_arch_copy (rl_train_view_get_arch (self->train_view));
  kind = self->run_config.dataset;
  missing = rl_dataset_find_missing_files (kind);
  if (missing != NULL)
    {
      g_free (rl_show_missing_data_dialog (GTK_WIDGET (self), kind, missing,
                                           _("Training needs the files below."),
                                           _("Drawing and predicting work without them.")));
      return;
    }

  self->busy = TRUE;
  g_clear_pointer (&self->run_kept_path, g_free);
  g_clear_pointer (&self->run_kept_note, g_free);
  rl_window_set_view (self, "train");

  train_set = rl_dataset_loader_peek (kind, RL_SPLIT_TRAIN);
  test_set = rl_dataset_loader_peek (kind, RL_SPLIT_TEST);
  if (train_set != NULL && test_set != NULL)
    {
      start_run (self, train_set, test_set);
      return;
    }

  self->data_cancellable = g_cancellable_new ();
  rl_dataset_loader_load_pair_async (kind, self->data_cancellable, data_loaded_cb,
                                     g_object_ref (self));
  status = g_strdup_printf (_("Loading the %s training and test images…"),
                            rl_dataset_title (kind));
  rl_train_view_set_status (self->train_view, status);
  _rl_window_actions_update (self);
}

void
_rl_window_stop_training (RlWindow *self)
{
  if (self->data_cancellable != NULL)
    g_cancellable_cancel (self->data_cancellable);
  rl_runner_stop (RL_RUNNER (self->trainer));
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
  _rl_window_update_description (self);
}

static gboolean
model_name_taken (RlWindow   *self,
                  const char *name)
{
  GListModel *models = G_LIST_MODEL (self->model_store);

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr (RlModelItem) item = g_list_model_get_item (models, i);

      if (g_strcmp0 (rl_model_item_get_name (item), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The name a run gets in the Models list until it is renamed: what it did, numbered from the
 * second on ("Trained on MNIST 2"), so that no two rows read the same. */
static char *
default_run_name (RlWindow *self)
{
  const char *dataset = rl_dataset_title (self->run_config.dataset);
  g_autofree char *base = self->run_from_current
                          ? g_strdup_printf (_("Continued on %s"), dataset)
                          : g_strdup_printf (_("Trained on %s"), dataset);
  char *name = g_strdup (base);

  for (guint n = 2; model_name_taken (self, name) && n < 10000; n++)
    {
      g_free (name);
      /* TRANSLATORS: a model's name made unique with a number, "Trained on MNIST 2" */
      name = g_strdup_printf (_("%1$s %2$u"), base, n);
    }
  return name;
}

void
_rl_window_update_run_status (RlWindow *self)
{
  g_autofree char *status = NULL;
  RlModelItem *item;
  gboolean in_use;

  if (self->run_kept_path == NULL || self->busy)
    return;

  item = rl_model_store_find (self->model_store, self->run_kept_path);
  in_use = g_strcmp0 (self->model_path, self->run_kept_path) == 0
           && (self->model_source == MODEL_TRAINED || self->model_source == MODEL_UNSAVED);
  if (item != NULL)
    {
      double accuracy = rl_model_item_get_test_accuracy (item);

      if (isnan (accuracy))
        status = g_strdup_printf (_("%s Kept as “%s” in Models."), self->run_end_text,
                                  rl_model_item_get_name (item));
      else
        status = g_strdup_printf (_("%s Kept as “%s” in Models, with %.2f\u202f%% on the test "
                                    "set."), self->run_end_text, rl_model_item_get_name (item),
                                  100 * accuracy);
      if (in_use)
        {
          g_autofree char *kept = g_steal_pointer (&status);

          status = g_strdup_printf (_("%s Drawing now uses it."), kept);
        }
    }
  else
    {
      status = g_strdup_printf (_("%s Its model was deleted from Models."), self->run_end_text);
      if (in_use)
        {
          g_autofree char *kept = g_steal_pointer (&status);

          status = g_strdup_printf (_("%s It stays in use until you open or train another: "
                                      "Save Model As… keeps it."), kept);
        }
    }
  if (self->run_kept_note != NULL)
    {
      g_autofree char *kept = g_steal_pointer (&status);

      status = g_strdup_printf (_("%s Its initial weights could not be kept (%s), so its "
                                  "loss landscape will have no line from them."), kept,
                                self->run_kept_note);
    }
  rl_train_view_set_status (self->train_view, status);
}

static void
trained_model_saved_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (PathData) data = user_data;
  RlWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  const GError *initial_error = rl_model_file_save_get_initial_error (result);

  if (!rl_model_file_save_finish (result, &error))
    {
      g_autofree char *status = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The trained weights stay in use; Save As can still keep them. */
      self->model_source = MODEL_UNSAVED;
      g_clear_pointer (&self->model_path, g_free);
      status = g_strdup_printf (_("%s The model could not be saved (%s). It stays in use until "
                                "you open or train another: Save Model As… keeps it."),
                                self->run_end_text, error->message);
      rl_train_view_set_status (self->train_view, status);
      _rl_window_show_toast (self, _("The trained model could not be saved."), _("_Save As…"),
                             "win.save-as");
    }
  else
    {
      self->model_source = MODEL_TRAINED;
      g_free (self->model_path);
      self->model_path = g_strdup (data->path);
      self->run_kept_path = g_strdup (data->path);
      if (initial_error != NULL)
        {
          /* the run is kept all the same; only the landscape's line needs them */
          g_message ("%s: the initial weights were not kept: %s", data->path,
                     initial_error->message);
          self->run_kept_note = g_strdup (initial_error->message);
        }
      rl_model_store_reload (self->model_store);
      _rl_window_remember_model (self);
    }
  end_busy (self);
  _rl_window_models_update_current (self);   /* and the status, from run_kept_path */
}

/* The final weights measured: saved as a new run, with that accuracy. */
static void
final_weights_evaluated_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr (RlWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) metadata = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *arch = NULL;
  g_autofree char *path = NULL;
  RlEvalResult eval;
  RlModel *model;

  if (!rl_evaluator_accuracy_finish (result, &eval, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->trainer == NULL)
        return;
      g_message ("Could not measure the trained weights: %s", error->message);
      self->model_test_accuracy = NAN;
    }
  else
    self->model_test_accuracy = eval.n > 0 ? (double) eval.correct / eval.n : NAN;

  model = rl_predictor_get_model (self->predictor);
  arch = rl_arch_to_string (rl_model_get_arch (model));
  path = rl_model_store_new_run_path (self->model_store, arch, self->run_config.dataset, now);
  metadata = _rl_window_model_metadata (self->run_config.dataset, self->model_test_accuracy,
                                        self->run_epochs_done);
  g_hash_table_insert (metadata, g_strdup ("name"), default_run_name (self));
  if (error == NULL)
    {
      g_hash_table_insert (metadata, g_strdup ("test_correct"), g_strdup_printf ("%u", eval.correct));
      g_hash_table_insert (metadata, g_strdup ("test_images"), g_strdup_printf ("%u", eval.n));
    }
  g_hash_table_insert (metadata, g_strdup ("stopped"), g_strdup (self->run_end_text));
  if (self->run_epoch_batches > 0)
    {
      g_hash_table_insert (metadata, g_strdup ("stopped_batch"),
                           g_strdup_printf ("%d", self->run_stopped_batch));
      g_hash_table_insert (metadata, g_strdup ("epoch_batches"),
                           g_strdup_printf ("%d", self->run_epoch_batches));
    }
  g_hash_table_insert (metadata, g_strdup ("lr"), g_strdup_printf ("%g", self->run_config.lr));
  g_hash_table_insert (metadata, g_strdup ("momentum"),
                       g_strdup_printf ("%g", self->run_config.momentum));
  g_hash_table_insert (metadata, g_strdup ("weight_decay"),
                       g_strdup_printf ("%g", self->run_config.weight_decay));
  g_hash_table_insert (metadata, g_strdup ("batch"), g_strdup_printf ("%d", self->run_config.batch));
  g_hash_table_insert (metadata, g_strdup ("seed"),
                       g_strdup_printf ("%" G_GUINT64_FORMAT, self->run_config.seed));
  g_hash_table_insert (metadata, g_strdup ("train_images"),
                       g_strdup_printf ("%u", self->run_images));
  g_hash_table_insert (metadata, g_strdup ("from_current"),
                       g_strdup (self->run_from_current ? "true" : "false"));
  /* with the initial weights of a run from fresh weights (run_initial), as the CLI keeps them */
  rl_model_file_save_run_async (model, g_steal_pointer (&self->run_initial),
                                self->run_config.dataset, self->run_config.seed, path, metadata,
                                self->cancellable, trained_model_saved_cb,
                                _rl_window_path_data_new (self, path));
}

static void
trainer_finished_cb (RlTrainer    *trainer,
                     gboolean      completed,
                     const GError *error,
                     RlWindow     *self)
{
  RlModelSnapshot *weights = rl_trainer_get_latest_weights (trainer);
  RlTrainProgress *last = rl_trainer_get_latest_progress (trainer);
  g_autofree char *status = NULL;
  gboolean trained = weights != NULL && rl_model_snapshot_get_images_seen (weights) > 0;
  /* A diverged run keeps the weights of its last finite batch (RlTrainLoop undoes the bad
   * one): they are a usable run, kept like a stopped one. */
  gboolean diverged = trained && g_error_matches (error, RL_ERROR, RL_ERROR_DIVERGED);

  _rl_window_stall_stop (self);
  rl_train_view_set_state (self->train_view, RL_TRAINER_IDLE);

  if (!diverged && (error != NULL || !trained))
    {
      /* Failed (a diverged loss), or stopped before the first batch: back to the model from
       * before the run, nothing saved. */
      g_clear_pointer (&self->run_initial, rl_model_free);
      if (self->backup != NULL)
        rl_predictor_set_model (self->predictor, g_steal_pointer (&self->backup),
                                self->backup_kind);
      if (error != NULL)
        {
          rl_show_error_dialog (GTK_WIDGET (self), _("Training failed"), error->message);
          rl_train_view_set_status (self->train_view, error->message);
        }
      else
        rl_train_view_set_status (self->train_view, _("Stopped before the first batch; the "
                                  "model in use has not changed."));
      end_busy (self);
      return;
    }

  g_clear_pointer (&self->backup, rl_model_free);
  rl_predictor_set_params (self->predictor,
                           rl_model_get_params_const (rl_model_snapshot_get_model (weights)),
                           rl_model_get_n_params (rl_model_snapshot_get_model (weights)));

  g_free (self->run_end_text);
  if (diverged && last != NULL)
    {
      g_autofree char *detail = g_strdup_printf (_("%s\n\nThe weights from before that batch "
                                                   "are kept as this run."), error->message);

      rl_show_error_dialog (GTK_WIDGET (self), _("Training diverged"), detail);
      self->run_end_text = g_strdup_printf (_("Diverged after epoch %d, batch %'d of %'d; the "
                                              "weights up to there are kept."), last->epoch,
                                            last->batch, last->n_batches);
    }
  else if (completed || last == NULL)
    self->run_end_text = g_strdup_printf (ngettext ("Finished after %d epoch.", "Finished after %d epochs.", self->run_config.epochs), self->run_config.epochs);
  else
    self->run_end_text = g_strdup_printf (_("Stopped at epoch %d, batch %'d of %'d."), last->epoch,
                                          last->batch, last->n_batches);
  /* Epochs done: whole passes, and a stopped one counted as done only if it ended. */
  if (last != NULL)
    self->run_epochs_done = completed ? last->n_epochs
                                      : last->epoch - (last->batch < last->n_batches ? 1 : 0);
  /* and the epoch it stopped in, for the Models list ("stopped after 300 of 938 batches"),
   * which cannot read it from the localized "stopped" text */
  if (last != NULL && !completed && last->batch > 0 && last->batch < last->n_batches)
    {
      self->run_stopped_batch = last->batch;
      self->run_epoch_batches = last->n_batches;
    }
  rl_train_view_set_stopped_at (self->train_view, self->run_end_text);
  status = g_strdup_printf (_("%s Measuring the weights on the test set…"), self->run_end_text);
  rl_train_view_set_status (self->train_view, status);
  rl_evaluator_accuracy_async (rl_predictor_get_model (self->predictor), self->run_test_set,
                               self->cancellable, final_weights_evaluated_cb,
                               g_object_ref (self));
  _rl_window_actions_update (self);
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

static void
from_current_changed_cb (RlTrainView *view,
                         GParamSpec  *pspec,
                         RlWindow    *self)
{
  if (self->trainer != NULL)   /* not while the window is disposed */
    _rl_window_actions_update (self);   /* the Train button's tooltip says where a run starts */
}

/* ---- set-up ------------------------------------------------------------------------------- */

void
_rl_window_training_init (RlWindow *self)
{
  self->run_test_accuracy = NAN;
  self->trainer = rl_trainer_new ();

  g_signal_connect (self->trainer, "progress", G_CALLBACK (trainer_progress_cb), self);
  g_signal_connect (self->trainer, "weights", G_CALLBACK (trainer_weights_cb), self);
  g_signal_connect (self->trainer, "finished", G_CALLBACK (trainer_finished_cb), self);
  g_signal_connect (self->train_view, "notify::learning-rate",
                    G_CALLBACK (learning_rate_changed_cb), self);
  g_signal_connect (self->train_view, "notify::momentum", G_CALLBACK (momentum_changed_cb), self);
  g_signal_connect (self->train_view, "notify::from-current",
                    G_CALLBACK (from_current_changed_cb), self);
  g_signal_connect (self->train_view, "notify::can-start",
                    G_CALLBACK (from_current_changed_cb), self);
}

/* Cancels a data load; a run still going is stopped, and rl_worker_join_abandoned()
 * reaps it. Leaves self->trainer NULL, which the callbacks still to come check. */
void
_rl_window_training_dispose (RlWindow *self)
{
  g_cancellable_cancel (self->data_cancellable);
  g_clear_pointer (&self->run_arch, rl_arch_free);
  /* The Train view is disposed after this (with the template): whatever it still notifies
   * (its net chooser applying defaults, its settings unbound) finds no handler of ours. */
  if (self->train_view != NULL)
    g_signal_handlers_disconnect_by_data (self->train_view, self);
  if (self->trainer != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->trainer, self);
      rl_runner_stop (RL_RUNNER (self->trainer));
      g_clear_object (&self->trainer);
    }
}
