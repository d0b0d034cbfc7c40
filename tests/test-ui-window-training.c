/* test-ui-window-training.c: the window's training run and its Models list (the code in
 * ui/rl-window-training.c and ui/rl-window-models.c): the train action trains on MNIST and
 * takes a new learning rate mid-run, Stop ends the run within a batch and keeps its weights
 * (which the Errors view then evaluates), closing the window while training joins the worker,
 * each run is kept in Models (renamed, deleted and brought back, used again), and a model that
 * cannot be saved says so without losing the one in use.
 *
 * The main loop is never blocked by training: with the worker held inside a training step (a
 * step hook, rl_trainer_set_step_hook), the window still draws frames, runs its timers and
 * shows the progress posted before. No wall-clock threshold here: how late the main loop runs
 * while training is a figure, printed by tools/bench-stalls. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ui-test-utils.h"

#include "rl-application.h"
#include "rl-dataset-loader.h"
#include "rl-errors.h"
#include "rl-errors-view.h"
#include "rl-model-file.h"
#include "rl-models-popover.h"
#include "rl-window.h"

/* ---- training ----------------------------------------------------------------------------- */

static gboolean
not_busy (gpointer data)
{
  return !rl_window_is_busy (data);
}

static gboolean
no_dialog (gpointer data)
{
  return ui_test_find_message_dialog () == NULL;
}

typedef struct {
  RlWindow *window;
  guint64   batches;
} ProgressWait;

/* For ui_test_wait_for (): a progress beyond @batches has been shown. */
static gboolean
progress_advanced (gpointer data)
{
  ProgressWait *wait = data;
  RlTrainProgress *progress = rl_trainer_get_latest_progress (rl_window_get_trainer (wait->window));

  return progress != NULL && progress->batches_done > wait->batches;
}

static gboolean
has_progress (gpointer data)
{
  RlTrainProgress *progress = rl_trainer_get_latest_progress (rl_window_get_trainer (data));

  return progress != NULL && progress->batches_done >= 3;
}

static gboolean
lr_applied (gpointer data)
{
  RlTrainProgress *progress = rl_trainer_get_latest_progress (rl_window_get_trainer (data));

  return progress != NULL && fabsf (progress->lr - 0.02f) < 1e-6f
         && fabsf (progress->momentum - 0.7f) < 1e-6f;
}

/* For ui_test_wait_for (): the Errors view of the window shows @data, the report of the model
 * in use (the same confusion matrix). */
typedef struct {
  RlWindow      *window;
  RlErrorReport *expected;
} ErrorsShown;

static gboolean
errors_show (gpointer data)
{
  ErrorsShown *wait = data;
  RlErrorReport *shown = rl_errors_view_get_report (rl_window_get_errors_view (wait->window));
  int p = wait->expected->n_classes;

  return shown != NULL && shown->n == wait->expected->n && shown->n_classes == p
         && memcmp (shown->confusion, wait->expected->confusion,
                    (size_t) (p * p) * sizeof (uint32_t)) == 0;
}

/* A training step held on the worker thread until the main thread lets it go (a step hook,
 * rl_trainer_set_step_hook). Were the step running on the main thread, or the main thread
 * waiting for the worker, nothing would let it go: after HOLD_TIMEOUT_S the worker goes on by
 * itself and says so. */
#define HOLD_TIMEOUT_S 60

typedef struct {
  GMutex   mutex;
  GCond    cond;
  guint64  step;        /* the step to hold, 1-based */
  gboolean hold_next;   /* hold the next step that begins, whichever (hold_next_step) */
  gboolean held;        /* the worker is inside it */
  gboolean released;
  gboolean timed_out;   /* nobody released it: the main loop stood still */
} StepGate;

static void
hold_step_cb (guint64  step,
              gpointer data)
{
  StepGate *gate = data;
  gint64 end = g_get_monotonic_time () + HOLD_TIMEOUT_S * G_USEC_PER_SEC;

  g_mutex_lock (&gate->mutex);
  if (gate->hold_next && !gate->held)
    gate->step = step;
  if (step != gate->step)
    {
      g_mutex_unlock (&gate->mutex);
      return;
    }
  gate->held = TRUE;
  while (!gate->released && !gate->timed_out)
    if (!g_cond_wait_until (&gate->cond, &gate->mutex, end))
      gate->timed_out = TRUE;
  g_mutex_unlock (&gate->mutex);
}

static gboolean
step_held (gpointer data)
{
  StepGate *gate = data;
  gboolean held;

  g_mutex_lock (&gate->mutex);
  held = gate->held;
  g_mutex_unlock (&gate->mutex);
  return held;
}

/* Has the worker hold the next step it begins (the gate's step not set). */
static void
hold_next_step (StepGate *gate)
{
  g_mutex_lock (&gate->mutex);
  gate->hold_next = TRUE;
  g_mutex_unlock (&gate->mutex);
}

static gboolean
step_timed_out (StepGate *gate)
{
  gboolean timed_out;

  g_mutex_lock (&gate->mutex);
  timed_out = gate->timed_out;
  g_mutex_unlock (&gate->mutex);
  return timed_out;
}

static void
release_step (StepGate *gate)
{
  g_mutex_lock (&gate->mutex);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->mutex);
}

/* What the main loop did while the worker was held: frames of the window, turns of a 5 ms
 * timer, progress shown. */
typedef struct {
  RlWindow *window;
  guint     frames;
  guint     timer_runs;
} LoopCount;

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  ((LoopCount *) data)->frames++;
  return G_SOURCE_CONTINUE;
}

static gboolean
count_timer_cb (gpointer data)
{
  ((LoopCount *) data)->timer_runs++;
  return G_SOURCE_CONTINUE;
}

static gboolean
loop_ran (gpointer data)
{
  LoopCount *count = data;
  RlChart *loss = rl_train_view_get_loss_chart (rl_window_get_train_view (count->window));

  return count->frames >= 3 && count->timer_runs >= 10
         && rl_chart_get_n_points (loss, RL_TRAIN_VIEW_LOSS_BATCH) >= 1;
}

static void
test_train (void)
{
  RlWindow *window;
  RlTrainView *view;
  RlChart *loss, *accuracy;
  g_autofree float *before = NULL;
  g_autofree char *saved = NULL;
  RlModel *model;
  size_t n_params;
  double differ = 0, timer_late, frame_gap, seconds;
  StepGate gate = { .step = 3 };
  LoopCount count = { 0 };
  guint tick_id, timer_id;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  view = rl_window_get_train_view (window);
  loss = rl_train_view_get_loss_chart (view);
  accuracy = rl_train_view_get_accuracy_chart (view);
  rl_window_set_debug_stalls (window, TRUE);

  model = rl_predictor_get_model (rl_window_get_predictor (window));
  n_params = rl_model_get_n_params (model);
  before = g_memdup2 (rl_model_get_params_const (model), n_params * sizeof (float));

  /* 640 images, batch 64: 10 batches, then the whole test set */
  rl_train_view_set_train_images (view, 640);
  rl_train_view_set_epochs (view, 1);
  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  rl_trainer_set_step_hook (rl_window_get_trainer (window), hold_step_cb, &gate);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (rl_window_is_busy (window));
  g_assert_cmpstr (rl_window_get_view (window), ==, "train");

  /* With the worker inside its third step, the main loop goes on: frames, a timer, the first
   * step's progress in the loss chart. */
  g_assert_true (ui_test_wait_for (step_held, &gate, 120));
  count.window = window;
  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), count_frame_cb, &count, NULL);
  timer_id = g_timeout_add (5, count_timer_cb, &count);
  g_assert_true (ui_test_wait_for (loop_ran, &count, 30));
  g_test_message ("while the worker was held in step %" G_GUINT64_FORMAT ": %u frames, "
                  "%u timer runs", gate.step, count.frames, count.timer_runs);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_source_remove (timer_id);
  /* still held: nobody had to let it go by itself, it has not finished the step, and no other
   * step ran meanwhile */
  g_assert_false (step_timed_out (&gate));
  g_assert_cmpuint (rl_trainer_get_batches_done (rl_window_get_trainer (window)), ==,
                    gate.step - 1);
  release_step (&gate);

  g_assert_true (ui_test_wait_for (not_busy, window, 120));
  rl_trainer_set_step_hook (rl_window_get_trainer (window), NULL, NULL);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);

  g_assert_cmpuint (rl_chart_get_n_points (loss, RL_TRAIN_VIEW_LOSS_BATCH), ==, 10);
  g_assert_cmpuint (rl_chart_get_n_points (loss, RL_TRAIN_VIEW_LOSS_SMOOTHED), >=, 1);
  g_assert_cmpuint (rl_chart_get_n_points (accuracy, RL_TRAIN_VIEW_ACC_TRAIN), >=, 1);
  g_assert_cmpuint (rl_chart_get_n_points (accuracy, RL_TRAIN_VIEW_ACC_TEST), ==, 1);
  {
    double x, y;

    g_assert_true (rl_chart_get_last (loss, RL_TRAIN_VIEW_LOSS_BATCH, &x, &y));
    g_assert_cmpfloat (x, ==, 640);
    g_assert_true (isfinite (y) && y > 0);
  }

  /* the weights in use are the trained ones, kept as a new run of the model store (where the
   * next start finds them) */
  model = rl_predictor_get_model (rl_window_get_predictor (window));
  for (size_t i = 0; i < n_params; i++)
    differ += fabsf (rl_model_get_params_const (model)[i] - before[i]);
  g_assert_cmpfloat (differ, >, 0);
  saved = g_strdup (rl_window_get_model_path (window));
  g_assert_nonnull (saved);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (saved, rl_model_store_get_dir (rl_window_get_model_store (window))));
  g_assert_nonnull (rl_model_store_find (rl_window_get_model_store (window), saved));
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "trained here"));
  g_assert_nonnull (strstr (rl_train_view_get_status (view),
                            rl_model_item_get_name (rl_model_store_find (rl_window_get_model_store (window),
                                                                         saved))));

  /* --debug-stalls measured the run (its figures are for reading: tools/bench-stalls) */
  g_assert_true (rl_window_get_stall_report (window, &timer_late, &frame_gap, &seconds));
  g_assert_cmpfloat (seconds, >, 0);
  g_test_message ("main-loop stalls over %.1f s of training: timer %.1f ms late at most, "
                  "frames %.1f ms apart at most", seconds, timer_late, frame_gap);

  ui_test_destroy_window (window);

  /* A new window starts with the model just trained. */
  window = ui_test_new_window ();
  model = rl_predictor_get_model (rl_window_get_predictor (window));
  differ = 0;
  for (size_t i = 0; i < n_params; i++)
    differ += fabsf (rl_model_get_params_const (model)[i] - before[i]);
  g_assert_cmpfloat (differ, >, 0);
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "trained here"));
  ui_test_destroy_window (window);

  /* put the bundled model back for the other tests */
  window = ui_test_new_window ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-bundled", NULL)
                 || !ui_test_has_bundled_model ());
  ui_test_destroy_window (window);
}

static void
test_stop (void)
{
  RlWindow *window;
  RlTrainer *trainer;
  RlTrainProgress *last;
  guint64 at_stop;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  trainer = rl_window_get_trainer (window);
  rl_train_view_set_train_images (rl_window_get_train_view (window), 60000);
  rl_train_view_set_epochs (rl_window_get_train_view (window), 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (ui_test_wait_for (has_progress, window, 120));

  /* Pause and resume through the same action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-resume", NULL));
  g_assert_cmpint (rl_trainer_get_state (trainer), ==, RL_TRAINER_PAUSED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-resume", NULL));
  g_assert_cmpint (rl_trainer_get_state (trainer), ==, RL_TRAINER_RUNNING);

  /* Learning rate and momentum stay editable, and the run takes them up. */
  g_object_set (rl_window_get_train_view (window), "learning-rate", 0.02, "momentum", 0.7, NULL);
  g_assert_true (ui_test_wait_for (lr_applied, window, 60));

  at_stop = rl_trainer_get_batches_done (trainer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (ui_test_wait_for (not_busy, window, 60));

  /* it ended within the batch in progress, and the run did not complete */
  last = rl_trainer_get_latest_progress (trainer);
  g_assert_nonnull (last);
  g_assert_true (last->is_last);
  g_assert_cmpuint (last->batches_done, <=, at_stop + 1);
  g_assert_cmpuint (last->images_seen, <, last->images_total);
  g_assert_cmpuint (rl_chart_get_n_points (rl_train_view_get_loss_chart (rl_window_get_train_view (window)),
                                           RL_TRAIN_VIEW_LOSS_BATCH), ==, last->batches_done);
  g_assert_cmpint (rl_trainer_get_state (trainer), ==, RL_TRAINER_IDLE);

  /* the Errors view evaluates the weights the run stopped with (it showed the run's first,
   * random weights, 16 % right, for good) */
  {
    RlDataset *test = rl_dataset_loader_peek (RL_DATASET_MNIST, RL_SPLIT_TEST);
    g_autoptr (GError) error = NULL;
    g_autoptr (RlErrorReport) expected = NULL;
    ErrorsShown wait = { window, NULL };

    g_assert_nonnull (test);
    expected = rl_error_report_compute (rl_predictor_get_model (rl_window_get_predictor (window)),
                                        test, 0, NULL, &error);
    g_assert_no_error (error);
    g_test_message ("the model in use after Stop: %u of %u right", expected->correct,
                    expected->n);
    wait.expected = expected;
    g_assert_true (ui_test_wait_for (errors_show, &wait, 60));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-bundled", NULL)
                 || !ui_test_has_bundled_model ());
  ui_test_destroy_window (window);
}

/* Closing the window while it trains asks first: Keep Training goes on, Stop and Quit stops
 * the run, keeps its weights in Models as Stop does, and then closes the window. */
static void
test_close_while_training (void)
{
  RlWindow *window;
  RlModelStore *store;
  GtkMessageDialog *dialog;
  g_autofree char *text = NULL;
  ProgressWait advanced;
  guint runs_before;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  store = g_object_ref (rl_window_get_model_store (window));
  runs_before = g_list_model_get_n_items (G_LIST_MODEL (store));
  rl_train_view_set_train_images (rl_window_get_train_view (window), 60000);
  rl_train_view_set_epochs (rl_window_get_train_view (window), 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (ui_test_wait_for (has_progress, window, 120));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 10));
  dialog = ui_test_find_message_dialog ();
  text = ui_test_dialog_text (dialog);
  g_assert_true (g_str_has_prefix (text, "Stop training and quit?"));
  advanced.window = window;
  advanced.batches = rl_trainer_get_latest_progress (rl_window_get_trainer (window))->batches_done;
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  /* the question gone, and the run goes on: the main loop has turned since the answer */
  g_assert_true (ui_test_wait_for (no_dialog, NULL, 10));
  g_assert_true (ui_test_wait_for (progress_advanced, &advanced, 60));
  g_assert_false (ui_test_window_gone (window));
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_true (rl_window_is_busy (window));
  g_assert_cmpint (rl_trainer_get_state (rl_window_get_trainer (window)), ==, RL_TRAINER_RUNNING);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_wait_for (ui_test_dialog_shown, NULL, 10));
  gtk_dialog_response (GTK_DIALOG (ui_test_find_message_dialog ()), 1);   /* Stop and Quit */
  g_assert_true (ui_test_wait_for (ui_test_window_gone, window, 60));
  /* the run was kept before the window went */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, runs_before + 1);
  g_object_unref (store);
  g_assert_finalize_object (window);

  /* not training: it closes at once, without asking */
  window = ui_test_new_window ();
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_window_gone (window));
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_finalize_object (window);
}

/* ---- the Models list ---------------------------------------------------------------------- */

static gboolean
is_paused_line (gpointer data)
{
  return g_str_has_prefix (rl_train_view_get_progress_text (rl_window_get_train_view (data)),
                           "Paused");
}

typedef struct {
  RlWindow *window;
  guint64   batches;   /* the batches done when the worker stopped for the pause */
} PauseWait;

/* For ui_test_wait_for (): the line says "Paused", from the progress of the step the worker
 * finished before it stopped for the pause: the last it posts until it goes on. */
static gboolean
pause_shown (gpointer data)
{
  PauseWait *wait = data;
  RlTrainProgress *progress = rl_trainer_get_latest_progress (rl_window_get_trainer (wait->window));

  return is_paused_line (wait->window) && progress != NULL
         && progress->batches_done == wait->batches;
}

static gboolean
label_editing (gpointer data)
{
  return gtk_editable_label_get_editing (data);
}

/* For ui_test_wait_for (): the Models list @data shows first the row made anew for the
 * renamed model (the row renamed put its old name back, and goes). */
static gboolean
first_row_renamed (gpointer data)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (rl_models_popover_get_list (data), 0);
  GtkWidget *name = row != NULL ? ui_test_find_type (GTK_WIDGET (row), GTK_TYPE_EDITABLE_LABEL)
                                : NULL;

  return name != NULL
         && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (name)), "Renamed from its menu") == 0;
}

static guint
n_rows (RlWindow *window)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (window), "test-models-button");
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  GtkListBox *list = rl_models_popover_get_list (RL_MODELS_POPOVER (popover));
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n++;
  return n;
}

/* The header bar's Models button, found by its popover's type. */
static gboolean
is_models_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget)
         && RL_IS_MODELS_POPOVER (gtk_menu_button_get_popover (GTK_MENU_BUTTON (widget)));
}

static GtkWidget *
find_models_button (GtkWidget *widget)
{
  return ui_test_find_widget (widget, is_models_button, NULL);
}

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

/* The Train view's status after a run was kept: "Stopped at ...", then @kept (what it says of
 * the file), then "Drawing now uses it." exactly when @in_use. */
static void
assert_run_status (RlWindow   *window,
                   const char *kept,
                   gboolean    in_use)
{
  const char *status = rl_train_view_get_status (rl_window_get_train_view (window));
  g_autofree char *end = g_strconcat (kept, in_use ? " Drawing now uses it." : "", NULL);

  g_test_message ("status: %s", status);
  g_assert_true (g_str_has_prefix (status, "Stopped at epoch 1, batch "));
  g_assert_true (g_str_has_suffix (status, end));
}

/* Train, pause (the status says so and the time left stays), stop: the run is kept as a new
 * file, listed with the accuracy of the weights saved, which the Draw footer shows too; the
 * bundled model is still listed and can be chosen; rename, delete and undo, which the Train
 * view's status follows. */
static gboolean
named_in_store (gpointer data)
{
  g_autoptr (RlModelItem) item = g_list_model_get_item (data, 0);

  return g_strcmp0 (rl_model_item_get_name (item), "Renamed from its menu") == 0;
}

static void
test_models_list (void)
{
  RlWindow *window;
  RlModelStore *store;
  RlModelItem *item;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = NULL;
  g_autoptr (RlModelFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *paused_line = NULL;
  g_autofree char *accuracy = NULL;
  g_autofree char *kept = NULL;
  RlEvalResult eval;
  StepGate gate = { .step = G_MAXUINT64 };
  PauseWait pause;
  guint n_before;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  g_object_set_data (G_OBJECT (window), "test-models-button",
                     find_models_button (gtk_window_get_titlebar (GTK_WINDOW (window))));
  store = rl_window_get_model_store (window);
  n_before = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_assert_cmpuint (n_rows (window), ==, n_before);
  if (ui_test_has_bundled_model ())
    g_assert_nonnull (rl_model_store_get_bundled (store));

  rl_train_view_set_train_images (rl_window_get_train_view (window), 60000);
  rl_train_view_set_epochs (rl_window_get_train_view (window), 1);
  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  rl_trainer_set_step_hook (rl_window_get_trainer (window), hold_step_cb, &gate);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (ui_test_wait_for (has_progress, window, 120));

  /* Pause: the line above the progress bar and the status say so; the time left stays. The
   * pause asked while the worker is held inside a step: that step is the last it finishes,
   * and its progress the last it posts, before it stops. */
  hold_next_step (&gate);
  g_assert_true (ui_test_wait_for (step_held, &gate, 60));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-resume", NULL));
  release_step (&gate);
  pause.window = window;
  pause.batches = gate.step;
  g_assert_true (ui_test_wait_for (pause_shown, &pause, 30));
  g_assert_false (step_timed_out (&gate));
  paused_line = g_strdup (rl_train_view_get_progress_text (rl_window_get_train_view (window)));
  g_test_message ("%s", paused_line);
  g_assert_true (g_str_has_prefix (paused_line, "Paused at epoch 1 of 1, batch "));
  g_assert_nonnull (strstr (paused_line, "left"));
  g_assert_true (g_str_has_prefix (rl_train_view_get_status (rl_window_get_train_view (window)),
                                   "Paused"));
  /* frames come and go, and what the main loop had queued runs: the worker stands still, the
   * line with it */
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_assert_cmpuint (rl_trainer_get_batches_done (rl_window_get_trainer (window)), ==,
                    pause.batches);
  g_assert_cmpstr (rl_train_view_get_progress_text (rl_window_get_train_view (window)), ==,
                   paused_line);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.pause-resume", NULL));
  g_assert_false (is_paused_line (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL));
  g_assert_true (ui_test_wait_for (not_busy, window, 60));
  rl_trainer_set_step_hook (rl_window_get_trainer (window), NULL, NULL);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
  g_test_message ("%s", rl_train_view_get_status (rl_window_get_train_view (window)));
  g_assert_true (g_str_has_prefix (rl_train_view_get_progress_text (rl_window_get_train_view (window)),
                                   "Stopped at epoch 1, batch "));
  g_assert_true (g_str_has_prefix (rl_train_view_get_status (rl_window_get_train_view (window)),
                                   "Stopped at epoch 1, batch "));

  /* The run: a new file, listed first, with the accuracy of the weights in it. */
  path = g_strdup (rl_window_get_model_path (window));
  g_assert_nonnull (path);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_before + 1);
  g_assert_cmpuint (n_rows (window), ==, n_before + 1);
  item = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_object_unref (item);
  g_assert_cmpstr (rl_model_item_get_path (item), ==, path);
  g_assert_false (isnan (rl_model_item_get_test_accuracy (item)));

  file = rl_model_file_load (path, &error);
  g_assert_no_error (error);
  test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_assert_no_error (error);
  g_assert_true (rl_evaluate (file->model, test, test->n, 0, 0, NULL, NULL, &eval, &error));
  g_test_message ("saved weights: %u of %u test images right; listed as %.4f", eval.correct,
                  eval.n, rl_model_item_get_test_accuracy (item));
  g_assert_cmpfloat (fabs (rl_model_item_get_test_accuracy (item) - (double) eval.correct / eval.n),
                     <, 0.5e-4 + 1e-9);
  g_assert_cmpfloat (fabs (file->test_accuracy - (double) eval.correct / eval.n), <, 0.5e-4 + 1e-9);
  accuracy = g_strdup_printf ("%.2f\u202f%%", 100.0 * eval.correct / eval.n);
  g_assert_nonnull (strstr (rl_window_get_model_description (window), accuracy));
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "trained here"));
  /* "Trained on MNIST", numbered when earlier tests' runs have that name */
  g_assert_true (g_str_has_prefix (rl_model_item_get_name (item), "Trained on MNIST"));
  /* Stopped in its first epoch: its row says how far it went, as the Train view did */
  {
    GtkWidget *button = g_object_get_data (G_OBJECT (window), "test-models-button");
    GtkListBox *list = rl_models_popover_get_list (RL_MODELS_POPOVER (
                         gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))));
    g_autofree char *want = NULL;
    g_autofree char *described = rl_model_item_describe (item);
    int batch = 0, n_batches = 0;

    g_assert_cmpint (sscanf (rl_train_view_get_progress_text (rl_window_get_train_view (window)),
                             "Stopped at epoch 1, batch %d of %d", &batch, &n_batches), ==, 2);
    want = g_strdup_printf (" · stopped after %d of %d\u00a0batches · ", batch, n_batches);
    g_test_message ("%s", described);
    g_assert_nonnull (strstr (described, want));
    g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0)),
                                           is_label_with, described));
  }
  kept = g_strdup_printf (" Kept as “%s” in Models, with %s on the test set.",
                          rl_model_item_get_name (item), accuracy);
  assert_run_status (window, kept, TRUE);

  /* The bundled model is still there, and can be chosen; then the run again. */
  if (ui_test_has_bundled_model ())
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.use-model", "s", ""));
      g_assert_nonnull (strstr (rl_window_get_model_description (window), "bundled"));
      g_assert_null (rl_window_get_model_path (window));
      assert_run_status (window, kept, FALSE);   /* no longer "Drawing now uses it" */
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.use-model", "s", path));
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (g_strcmp0 (rl_window_get_model_path (window), path) != 0
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpstr (rl_window_get_model_path (window), ==, path);
  assert_run_status (window, kept, TRUE);

  /* Rename: the list, the file, the Draw footer and the Train view's status take the name. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.rename-model", "(ss)",
                                             path, "My first run"));
  g_assert_cmpstr (rl_model_item_get_name (rl_model_store_find (store, path)), ==, "My first run");
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "My first run"));
  g_free (kept);
  kept = g_strdup_printf (" Kept as “My first run” in Models, with %s on the test set.",
                          accuracy);
  assert_run_status (window, kept, TRUE);
  {
    g_autoptr (RlModelStore) again = rl_model_store_new (rl_model_store_get_dir (store), NULL);

    g_assert_cmpstr (rl_model_item_get_name (rl_model_store_find (again, path)), ==,
                     "My first run");
  }

  /* Delete, with Undo in the notification. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-model", "s", path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (rl_model_store_find (store, path));
  g_assert_cmpuint (n_rows (window), ==, n_before);
  g_assert_cmpstr (rl_window_get_notification (window), ==, "Deleted “My first run”.");
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "not saved"));
  assert_run_status (window, " Its model was deleted from Models. It stays in use until you "
                     "open or train another: Save Model As… keeps it.", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete-model", NULL));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (rl_model_store_find (store, path));
  g_assert_cmpuint (n_rows (window), ==, n_before + 1);
  g_assert_null (rl_window_get_notification (window));
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "My first run"));
  assert_run_status (window, kept, TRUE);

  /* Rename… in the row's menu makes its name an entry, as a double-click does */
  {
    RlModelsPopover *popover = RL_MODELS_POPOVER (rl_window_get_models_popover (window));
    /* the second section, under the loss landscape's */
    g_autoptr (GMenuModel) menu = g_menu_model_get_item_link (
      rl_models_popover_get_row_menu (popover, 0), 1, G_MENU_LINK_SECTION);
    int at = ui_test_menu_find (menu, "models.rename");
    g_autoptr (GVariant) target = NULL;
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (rl_models_popover_get_list (popover), 0);
    GtkWidget *name = ui_test_find_type (GTK_WIDGET (row), GTK_TYPE_EDITABLE_LABEL);

    g_assert_cmpint (at, >=, 0);
    target = g_menu_model_get_item_attribute_value (menu, at, G_MENU_ATTRIBUTE_TARGET,
                                                    G_VARIANT_TYPE_STRING);
    g_assert_cmpstr (g_variant_get_string (target, NULL), ==, path);
    g_assert_nonnull (name);
    g_assert_false (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (name)));
    gtk_popover_popup (GTK_POPOVER (popover));
    g_assert_true (ui_test_wait_for (ui_test_mapped, popover, 10));
    g_assert_true (ui_test_settle (GTK_WIDGET (popover), 30));
    g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (popover), "models.rename",
                                                       target));
    g_assert_true (ui_test_wait_for (label_editing, name, 10));
    /* a name typed and committed: the file takes it, and the row made anew for it leaves no
     * critical behind (the tests make criticals fatal) */
    gtk_editable_set_text (GTK_EDITABLE (name), "Renamed from its menu");
    gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (name), TRUE);
    g_assert_true (ui_test_wait_for (named_in_store, store, 10));
    g_assert_true (ui_test_wait_for (first_row_renamed, popover, 10));
    g_assert_true (ui_test_settle (GTK_WIDGET (popover), 30));
    /* F2 on the focused row does the same (the row made anew for the new name) */
    row = gtk_list_box_get_row_at_index (rl_models_popover_get_list (popover), 0);
    name = ui_test_find_type (GTK_WIDGET (row), GTK_TYPE_EDITABLE_LABEL);
    g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (row)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (popover), "models.rename-focused",
                                               NULL));
    g_assert_true (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (name)));
    gtk_editable_label_stop_editing (GTK_EDITABLE_LABEL (name), FALSE);
    g_assert_false (gtk_editable_label_get_editing (GTK_EDITABLE_LABEL (name)));
    g_assert_true (ui_test_settle (GTK_WIDGET (popover), 30));
    gtk_popover_popdown (GTK_POPOVER (popover));
    g_assert_true (ui_test_wait_for (ui_test_unmapped, popover, 10));
    /* the bundled model has no file to rename */
    if (ui_test_has_bundled_model ())
      g_assert_cmpint (g_menu_model_get_n_items (rl_models_popover_get_row_menu (
                                                   popover, n_rows (window) - 1)), ==, 1);
  }

  /* two more runs: no two rows of the list read the same */
  for (guint r = 0; r < 2; r++)
    {
      rl_train_view_set_train_images (rl_window_get_train_view (window), 640);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
      g_assert_true (ui_test_wait_for (not_busy, window, 120));
      item = g_list_model_get_item (G_LIST_MODEL (store), 0);
      g_object_unref (item);
      g_test_message ("run %u: “%s”", r + 2, rl_model_item_get_name (item));
      g_assert_true (g_str_has_prefix (rl_model_item_get_name (item), "Trained on MNIST"));
      for (guint i = 1; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
        {
          g_autoptr (RlModelItem) other = g_list_model_get_item (G_LIST_MODEL (store), i);

          g_assert_cmpstr (rl_model_item_get_name (other), !=, rl_model_item_get_name (item));
        }
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-bundled", NULL)
                 || !ui_test_has_bundled_model ());
  ui_test_destroy_window (window);
}

/* A run that cannot be saved stays in use, described as not saved, with Save As offered. */
static void
test_save_fails (void)
{
  RlWindow *window;
  g_autofree char *runs = g_build_filename (g_get_user_data_dir (), "reslab", "runs", NULL);
  g_autofree char *moved = g_strconcat (runs, ".away", NULL);
  g_autofree char *parent = g_path_get_dirname (runs);

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  /* a file where the runs folder should be: saving a run fails */
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  if (g_file_test (runs, G_FILE_TEST_IS_DIR))
    g_assert_cmpint (g_rename (runs, moved), ==, 0);
  g_assert_true (g_mkdir_with_parents (parent, 0700) == 0);
  g_assert_true (g_file_set_contents (runs, "in the way", -1, NULL));

  window = ui_test_new_window ();
  rl_train_view_set_train_images (rl_window_get_train_view (window), 640);
  rl_train_view_set_epochs (rl_window_get_train_view (window), 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (ui_test_wait_for (not_busy, window, 120));

  g_test_message ("%s", rl_window_get_model_description (window));
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "not saved"));
  g_assert_null (strstr (rl_window_get_model_description (window), "random"));
  g_assert_null (rl_window_get_model_path (window));
  g_assert_cmpstr (rl_window_get_notification (window), ==, "The trained model could not be saved.");

  ui_test_destroy_window (window);
  g_unlink (runs);
  if (g_file_test (moved, G_FILE_TEST_IS_DIR))
    g_assert_cmpint (g_rename (moved, runs), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/window/train", test_train);
  ui_test_add ("/ui/window/stop", test_stop);
  ui_test_add ("/ui/window/close-while-training", test_close_while_training);
  ui_test_add ("/ui/window/models-list", test_models_list);
  ui_test_add ("/ui/window/save-fails", test_save_fails);

  return ui_test_run ();
}
