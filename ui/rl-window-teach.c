#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-teach.c: teaching the model your handwriting (#14). Draw's "This is a…" buttons
 * put the drawing, as the network sees it (the predictor's 28 x 28 input), into your digits
 * (rl-userset.h, in rl_userset_default_dir ()); "Learn from My Digits" loads MNIST (its
 * training set for the replay, its test set to measure the cost), fine-tunes a copy of the
 * model in use on an RlTeacher, keeps the result as a new run of the model store (a new file:
 * the model it started from is never written) and makes it the model in use, and shows each
 * digit's reading before and after.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "rl-window-private.h"

#include "rl-dataset-loader.h"
#include "rl-dialogs.h"
#include "rl-model-file.h"
#include "rl-preprocess.h"
#include "rl-userset.h"

static RlTeachRow *
teach_row (RlWindow *self)
{
  return rl_draw_view_get_teach_row (self->draw_view);
}

static RlMineView *
mine_view (RlWindow *self)
{
  return rl_teach_row_get_mine_view (teach_row (self));
}

/* The digit buttons: only for a drawing (not a test image, which has its label) read by a
 * model of digits. Learning: not while the Train view trains. */
static void
update_teach_state (RlWindow *self)
{
  RlPredictor *predictor = self->predictor;
  gboolean digits = rl_predictor_get_model (predictor) != NULL
                    && rl_predictor_get_kind (predictor) == RL_DATASET_MNIST;
  const char *why = NULL;

  /* no model yet: the buttons stay, greyed, as for a drawing yet to come */
  rl_teach_row_set_for_digits (teach_row (self), digits
                                                 || rl_predictor_get_model (predictor) == NULL);
  rl_teach_row_set_can_add (teach_row (self), digits && rl_predictor_has_input (predictor)
                                              && rl_predictor_get_true_label (predictor) < 0);
  if (self->busy)
    why = _("The Train view is training: learning from your digits waits until it ends.");
  else if (!digits)
    why = _("Your digits teach a model of MNIST's digits; the model in use was trained on "
            "Fashion-MNIST. Choose another in Models.");
  rl_mine_view_set_can_learn (mine_view (self), why == NULL, why);
}

static void
predictor_updated_cb (RlPredictor *predictor,
                      RlWindow    *self)
{
  if (self->teacher != NULL)   /* not while the window is disposed */
    update_teach_state (self);
}

/* ---- a drawing into your digits ----------------------------------------------------------- */

static void
label_chosen_cb (RlTeachRow *row,
                 guint       digit,
                 RlWindow   *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  if (!rl_predictor_has_input (self->predictor))
    return;
  if (!rl_userset_append (rl_mine_view_get_dir (mine_view (self)),
                          rl_predictor_get_image (self->predictor), (uint8_t) digit, &n, &error))
    {
      rl_show_error_dialog (GTK_WIDGET (self), _("Could not add the digit to your digits"),
                            error->message);
      return;
    }
  rl_mine_view_reload (mine_view (self));
  /* a wrong button is one click away from the right one: the notification can take it back */
  self->added_index = n - 1;
  self->added_label = (guint8) digit;
  g_free (self->added_image);
  self->added_image = g_memdup2 (rl_predictor_get_image (self->predictor),
                                 RL_MNIST_SIDE * RL_MNIST_SIDE * sizeof (float));
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Added to your digits as a %u. You have %u digit.",
                                       "Added to your digits as a %u. You have %u digits.", n),
                          digit, n);
  _rl_window_show_toast (self, text, _("_Undo"), "win.undo-add-digit");
  /* ready for the next one */
  rl_draw_view_clear (self->draw_view);
}

/* The notification's Undo: the digit out of your digits again (only while it is still the one
 * added: the list may have changed meanwhile), and its drawing back on an empty canvas. */
static void
undo_add_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree float *image = g_steal_pointer (&self->added_image);
  RlCanvas *canvas;

  _rl_window_hide_toast (self);
  if (image == NULL)
    return;
  if (!rl_userset_delete_if (rl_mine_view_get_dir (mine_view (self)), self->added_index, image,
                             self->added_label, NULL, &error))
    {
      rl_show_error_dialog (GTK_WIDGET (self), _("Could not take the digit back"),
                            error->message);
      return;
    }
  rl_mine_view_reload (mine_view (self));
  /* not over what was drawn or opened since */
  canvas = rl_draw_view_get_canvas (self->draw_view);
  if (rl_canvas_is_empty (canvas) && !rl_canvas_has_image (canvas))
    rl_draw_view_undo (self->draw_view);
}

/* ---- learning ----------------------------------------------------------------------------- */

gboolean
_rl_window_teach_busy (RlWindow *self)
{
  return self->teach_cancellable != NULL
         || (self->teacher != NULL && rl_runner_is_running (RL_RUNNER (self->teacher)))
         || self->teach_saving;
}

/* Learning is over, kept or not (@message: why not, or NULL): the buttons come back, and a
 * window asked to close while it learned closes now. */
static void
teach_ended (RlWindow   *self,
             const char *message)
{
  self->teach_saving = FALSE;
  rl_mine_view_set_learning (mine_view (self), FALSE, message);
  update_teach_state (self);
  _rl_window_quit_check (self);
}

typedef struct {
  RlWindow      *self;     /* a reference */
  char          *path;     /* the new run's file */
  char          *name;
  RlTeachResult *result;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_object_unref (data->self);
  g_free (data->path);
  g_free (data->name);
  rl_teach_result_free (data->result);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static double
accuracy (const RlEvalResult *eval)
{
  return eval->n > 0 ? (double) eval->correct / eval->n : NAN;
}

static void
taught_saved_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr (SaveData) data = user_data;
  RlWindow *self = data->self;
  RlTeachResult *result = data->result;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *mnist = NULL;
  g_autofree char *toast = NULL;
  gboolean in_use = FALSE;
  double after = accuracy (&result->test);

  if (!rl_model_file_save_finish (res, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("The taught model could not be saved: %s"), error->message);
      teach_ended (self, text);
      return;
    }

  rl_model_store_reload (self->model_store);
  /* A training run that started meanwhile owns the model in use: the taught one waits in
   * Models. */
  if (!self->busy)
    {
      rl_predictor_set_model (self->predictor, g_steal_pointer (&result->model), RL_DATASET_MNIST);
      self->model_source = MODEL_TRAINED;
      g_free (self->model_path);
      self->model_path = g_strdup (data->path);
      self->model_test_accuracy = after;
      _rl_window_remember_model (self);
      _rl_window_update_description (self);
      _rl_window_models_update_current (self);
      in_use = TRUE;
    }

  if (!isnan (after))
    mnist = g_strdup_printf (_("MNIST test accuracy: %.2f %% before, %.2f %% after."),
                             100 * accuracy (&result->test_before), 100 * after);
  summary = g_strdup_printf (in_use ? _("Read right before: %u of %u. After: %u of %u. %s Kept "
                                        "as “%s” in Models and now in use; the model it "
                                        "started from is unchanged.")
                                    : _("Read right before: %u of %u. After: %u of %u. %s Kept "
                                        "as “%s” in Models; the model it started from is "
                                        "unchanged."),
                             result->report->correct_before, result->report->n,
                             result->report->correct_after, result->report->n,
                             mnist != NULL ? mnist : "", data->name);
  rl_mine_view_show_result (mine_view (self), result, summary);
  toast = g_strdup_printf (_("Learned from your digits: kept as “%s” in Models."), data->name);
  _rl_window_show_toast (self, toast, NULL, NULL);
  teach_ended (self, NULL);
}

static void
teacher_finished_cb (RlTeacher    *teacher,
                     gboolean      completed,
                     const GError *error,
                     RlWindow     *self)
{
  g_autoptr (RlTeachResult) result = NULL;
  g_autoptr (GHashTable) metadata = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *arch = NULL;
  g_autofree char *path = NULL;
  SaveData *data;

  if (!completed)
    {
      teach_ended (self, error != NULL ? error->message : _("Stopped."));
      return;
    }

  result = rl_teacher_steal_result (teacher);
  arch = rl_arch_to_string (rl_model_get_arch (result->model));
  path = rl_model_store_new_run_path (self->model_store, arch, RL_DATASET_MNIST, now);
  metadata = _rl_window_model_metadata (RL_DATASET_MNIST, accuracy (&result->test), -1);

  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->path = g_strdup (path);
  data->name = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Taught %u of your digits",
                                             "Taught %u of your digits", result->report->n),
                                result->report->n);
  g_hash_table_insert (metadata, g_strdup ("name"), g_strdup (data->name));
  if (result->test.n > 0)
    {
      g_hash_table_insert (metadata, g_strdup ("test_correct"),
                           g_strdup_printf ("%u", result->test.correct));
      g_hash_table_insert (metadata, g_strdup ("test_images"),
                           g_strdup_printf ("%u", result->test.n));
    }
  g_hash_table_insert (metadata, g_strdup ("taught_from"), g_strdup (self->teach_from));
  g_hash_table_insert (metadata, g_strdup ("taught_digits"),
                       g_strdup_printf ("%u", result->report->n));
  g_hash_table_insert (metadata, g_strdup ("taught_correct_before"),
                       g_strdup_printf ("%u", result->report->correct_before));
  g_hash_table_insert (metadata, g_strdup ("taught_correct_after"),
                       g_strdup_printf ("%u", result->report->correct_after));

  rl_mine_view_set_learning (mine_view (self), TRUE, _("Saving the new model…"));
  self->teach_saving = TRUE;
  rl_model_file_save_async (result->model, path, metadata, self->cancellable, taught_saved_cb,
                            data);
  data->result = g_steal_pointer (&result);
}

typedef struct {
  RlWindow  *self;   /* a reference */
  RlDataset *mine;
} LearnData;

static void
learn_data_free (LearnData *data)
{
  g_object_unref (data->self);
  rl_dataset_unref (data->mine);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LearnData, learn_data_free)

static void
mnist_loaded_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr (LearnData) data = user_data;
  RlWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) train = NULL;
  g_autoptr (RlDataset) test = NULL;
  g_autofree char *status = NULL;
  RlModel *model;

  if (!rl_dataset_loader_load_pair_finish (res, &train, &test, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* not cancelled: the load is over, and Learn may be pressed again */
      g_clear_object (&self->teach_cancellable);
      text = g_strdup_printf (_("Learning needs MNIST's training images, mixed in so that the "
                                "model does not forget: %s"), error->message);
      teach_ended (self, text);
      return;
    }
  g_clear_object (&self->teach_cancellable);

  model = rl_predictor_get_model (self->predictor);
  if (self->busy || model == NULL)
    {
      teach_ended (self, _("The Train view started training: try again once it ends."));
      return;
    }
  g_free (self->teach_from);
  self->teach_from = self->model_path != NULL ? g_strdup (self->model_path)
                                              : g_strdup (self->model_description);
  if (!rl_teacher_start (self->teacher, model, data->mine, train, test, NULL, &error))
    {
      teach_ended (self, error->message);
      return;
    }
  status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Learning from your %u digit…",
                                         "Learning from your %u digits…", data->mine->n),
                            data->mine->n);
  rl_mine_view_set_learning (mine_view (self), TRUE, status);
}

static void
learn_cb (RlMineView *view,
          RlWindow   *self)
{
  g_autoptr (GError) error = NULL;
  LearnData *data;
  RlDataset *mine;

  if (rl_runner_is_running (RL_RUNNER (self->teacher)) || self->teach_cancellable != NULL
      || self->busy)
    return;

  mine = rl_userset_load (rl_mine_view_get_dir (view), &error);
  if (mine == NULL)
    {
      rl_mine_view_set_learning (view, FALSE, error->message);
      return;
    }

  rl_mine_view_set_learning (view, TRUE, _("Loading MNIST…"));
  data = g_new0 (LearnData, 1);
  data->self = g_object_ref (self);
  data->mine = mine;
  self->teach_cancellable = g_cancellable_new ();
  rl_dataset_loader_load_pair_async (RL_DATASET_MNIST, self->teach_cancellable, mnist_loaded_cb,
                                     data);
}

/* ---- set-up ------------------------------------------------------------------------------- */

void
_rl_window_teach_init (RlWindow *self)
{
  self->teacher = rl_teacher_new ();
  g_signal_connect (self->teacher, "finished", G_CALLBACK (teacher_finished_cb), self);
  g_signal_connect (teach_row (self), "label-chosen", G_CALLBACK (label_chosen_cb), self);
  g_signal_connect (mine_view (self), "learn", G_CALLBACK (learn_cb), self);
  g_signal_connect_object (self->predictor, "updated", G_CALLBACK (predictor_updated_cb), self,
                           0);
  update_teach_state (self);
}

void
_rl_window_teach_dispose (RlWindow *self)
{
  g_cancellable_cancel (self->teach_cancellable);
  g_clear_object (&self->teach_cancellable);
  if (self->teacher != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->teacher, self);
      g_clear_object (&self->teacher);
    }
  if (self->draw_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (teach_row (self), self);
      g_signal_handlers_disconnect_by_data (mine_view (self), self);
    }
  g_clear_pointer (&self->teach_from, g_free);
  g_clear_pointer (&self->added_image, g_free);
}

void
_rl_window_class_teach_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo-add-digit", NULL, undo_add_activated);
}
