#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-running.c: the Experiment view's twins at work: Train Twins (the data
 * loaded through the one cached loader, then the runner started with the form's settings and a
 * new run added to the list), Stop, Pause (the time paused left out) and Clear; each record
 * the runner delivers added to its run, its chart and its bars; the end of a run, which keeps
 * it (rl-experiment-view-files.c); the progress bar and the line above it, refreshed from the
 * runner's live counters while a run trains, and the status line, with what a finished run
 * came to (the training error over its last quarter).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include <math.h>

#include "rl-dataset-loader.h"
#include "rl-dialogs.h"

/* A new run from what the runner says about the one it has just started. */
static Run *
run_new (RlExperimentRunner *runner,
         RlDatasetKind       kind,
         guint               number)
{
  GArray *layers[RL_N_TWINS];
  Run *run;

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint n = rl_experiment_runner_get_n_layers (runner, (RlTwin) t);

      layers[t] = g_array_sized_new (FALSE, FALSE, sizeof (RlExperimentLayer), n);
      for (guint i = 0; i < n; i++)
        g_array_append_val (layers[t], *rl_experiment_runner_get_layer (runner, (RlTwin) t, i));
    }
  run = _rl_experiment_run_new (rl_experiment_runner_get_config (runner), kind,
                                rl_experiment_runner_get_n_seeds (runner),
                                rl_experiment_runner_get_total_iterations (runner),
                                rl_experiment_runner_get_name (runner, RL_TWIN_PLAIN),
                                rl_experiment_runner_get_name (runner, RL_TWIN_RESIDUAL),
                                layers, number);
  for (int t = 0; t < RL_N_TWINS; t++)
    g_array_unref (layers[t]);
  return run;
}

/* ---- progress and status ------------------------------------------------------------------ */

static void
set_status (RlExperimentView *self,
            const char       *text)
{
  gtk_label_set_text (self->status_label, text);
}

static guint64
twin_iteration (Run    *run,
                RlTwin  twin)
{
  return run->last[twin] != NULL ? run->last[twin]->iteration : 0;
}

/* Seconds the current run has trained, its pauses left out. */
static double
active_seconds (RlExperimentView *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 paused = self->paused_us + (self->pause_began_us != 0 ? now - self->pause_began_us : 0);

  return (now - self->started_us - paused) / 1e6;
}

/* The progress bar and the line above it, from the worker's live counters (every batch), so
 * that they move from the first iteration on, long before the first record. */
static void
update_progress (RlExperimentView *self)
{
  Run *run = self->current;
  g_autofree char *elapsed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *seed = NULL;
  guint64 iterations[RL_N_TWINS], images, done;
  double fraction, seconds;
  guint seed_index;

  if (run == NULL)
    return;

  rl_experiment_runner_get_progress (self->runner, iterations, &images);
  seed_index = MIN (rl_experiment_runner_get_seed_index (self->runner), run->n_seeds - 1);
  /* records can be ahead of a counter read before the run ended (same seed only) */
  for (int t = 0; t < RL_N_TWINS; t++)
    if (run->last[t] != NULL && run->last[t]->seed == run->config.seed + seed_index)
      iterations[t] = MAX (iterations[t], twin_iteration (run, (RlTwin) t));
  /* both twins of every seed train the same iterations */
  done = 2 * run->total * seed_index + iterations[RL_TWIN_PLAIN] + iterations[RL_TWIN_RESIDUAL];
  fraction = run->total > 0 ? CLAMP ((double) done / (2.0 * run->total * run->n_seeds), 0.0, 1.0)
                            : 0.0;
  seconds = active_seconds (self);
  elapsed = _rl_experiment_format_minutes (seconds);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (run->n_seeds > 1)
    /* TRANSLATORS: in the progress line: which seed of how many is training */
    seed = g_strdup_printf (_(" · seed %u of %u"), seed_index + 1, run->n_seeds);

  if (rl_runner_is_stopping (RL_RUNNER (self->runner)))
    text = g_strdup_printf (_("%s and %s · stopping…"), run->names[0], run->names[1]);
  else if (rl_runner_is_paused (RL_RUNNER (self->runner)))
    text = g_strdup_printf (_("%s and %s%s · paused after %s of training"), run->names[0],
                            run->names[1], seed != NULL ? seed : "", elapsed);
  else if (fraction > 0.0 && seconds > 0.0)
    {
      g_autofree char *left = _rl_experiment_format_minutes (seconds * (1.0 - fraction) / fraction);

      /* each twin trains the same iterations: the line counts the pair's mean */
      text = g_strdup_printf (_("%s and %s · iteration %'llu of %'llu"
                              " · %'.0f images/s · %s elapsed, about %s left"), run->names[0],
                              run->names[1],
                              (unsigned long long) ((iterations[0] + iterations[1]) / 2),
                              (unsigned long long) run->total,
                              (images + 2.0 * seed_index * run->config.subset * run->config.epochs)
                              / seconds, elapsed, left);
      if (seed != NULL)
        {
          g_autofree char *with_seed = g_strconcat (text, seed, NULL);

          g_free (text);
          text = g_steal_pointer (&with_seed);
        }
    }
  else
    text = g_strdup_printf (_("%s and %s · starting…"), run->names[0], run->names[1]);
  gtk_label_set_text (self->progress_label, text);
}

static gboolean
progress_tick_cb (gpointer data)
{
  update_progress (data);
  return G_SOURCE_CONTINUE;
}

/* The mean training error over the last quarter of a twin's records (at least one): single
 * intervals are noisy. @iterations (nullable): how many iterations those records cover, which
 * the verdict states. NAN without records or when the twin diverged. */
static double
final_error (Run     *run,
             RlTwin   twin,
             guint64 *iterations)
{
  guint n = rl_experiment_group_get_n_points (run->group, twin), k = MAX (1, n / 4);
  double sum = 0.0;
  uint64_t last = 0, before = 0;

  if (n == 0)
    return NAN;
  /* the mean over the seeds at each point (NAN where every seed diverged) */
  for (guint i = n - k; i < n; i++)
    {
      double mean;

      rl_experiment_group_get_point (run->group, twin, i, RL_EXPERIMENT_TRAIN_ERROR, &last,
                                     &mean, NULL, NULL);
      sum += mean;
    }
  if (n > k)
    rl_experiment_group_get_point (run->group, twin, n - k - 1, RL_EXPERIMENT_TRAIN_ERROR,
                                   &before, NULL, NULL, NULL);
  if (iterations != NULL)
    *iterations = last - before;
  return sum / k;
}

char *
_rl_experiment_run_summary (Run *run)
{
  guint64 span = 0;
  double plain = final_error (run, RL_TWIN_PLAIN, &span);
  double res = final_error (run, RL_TWIN_RESIDUAL, NULL);
  g_autofree char *time = _rl_experiment_format_minutes (run->seconds);
  GString *s = g_string_new (NULL);

  if (run->completed)
    g_string_append_printf (s, _("Done in %s. "), time);
  else
    g_string_append_printf (s, _("Stopped in %s, at iteration %'llu of %'llu. "),
                            time,
                            (unsigned long long) MIN (twin_iteration (run, RL_TWIN_PLAIN),
                                 twin_iteration (run, RL_TWIN_RESIDUAL)), (unsigned long long) run->total);
  if (isnan (plain) || isnan (res))
    {
      if (run->last[0] != NULL && isnan (plain))
        g_string_append_printf (s, _("%s diverged; try a lower learning rate. "), run->names[0]);
      if (run->last[1] != NULL && isnan (res))
        g_string_append_printf (s, _("%s diverged; try a lower learning rate. "), run->names[1]);
      return g_string_free (s, FALSE);
    }
  /* Say exactly what the figures are, so that they can be found on the curves: the mean of
   * the training error over the last iterations, not the last point. */
  if (rl_experiment_group_get_n_seeds (run->group) > 1)
    g_string_append_printf (s, ngettext ("Training error, mean of the last %1$'llu iterations "
                                         "and of %2$u seed: %3$s %4$.1f\u202f%%, "
                                         "%5$s %6$.1f\u202f%%.",
                                         "Training error, mean of the last %1$'llu iterations "
                                         "and of %2$u seeds: %3$s %4$.1f\u202f%%, "
                                         "%5$s %6$.1f\u202f%%.",
                                         rl_experiment_group_get_n_seeds (run->group)),
                            (unsigned long long) span, rl_experiment_group_get_n_seeds (run->group),
                            run->names[0], 100.0 * plain, run->names[1], 100.0 * res);
  else
    g_string_append_printf (s, _("Training error, mean of the last %'llu "
                            "iterations: %s %.1f\u202f%%, %s %.1f\u202f%%."), (unsigned long long) span,
                            run->names[0], 100.0 * plain, run->names[1], 100.0 * res);
  if (plain > res + 0.02)
    g_string_append (s, _(" The plain net trains worse."));
  else if (res > plain + 0.02)
    g_string_append (s, _(" Here the plain net trains better."));
  else
    g_string_append (s, _(" No clear difference at this depth."));
  return g_string_free (s, FALSE);
}

void
_rl_experiment_view_set_status (RlExperimentView *self,
                                const char       *text)
{
  set_status (self, text);
}

/* ---- running ------------------------------------------------------------------------------ */

static void
start_run (RlExperimentView *self,
           RlDataset        *train_set,
           RlDataset        *test_set)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *status = NULL;
  guint n_seeds = (guint) gtk_spin_button_get_value_as_int (self->seeds_spin);
  gboolean hidden = FALSE;
  Run *run;

  if (!rl_experiment_runner_start_seeds (self->runner, &self->pending, n_seeds, train_set,
                                         test_set, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not start: %s"), error->message);

      set_status (self, text);
      _rl_experiment_view_set_busy (self, FALSE);
      return;
    }
  run = run_new (self->runner, self->pending_kind, ++self->next_number);
  hidden = _rl_experiment_view_add_run (self, run, TRUE);
  self->current = run;
  self->started_us = g_get_monotonic_time ();
  self->paused_us = 0;
  self->pause_began_us = 0;

  _rl_experiment_view_rebuild_chart (self);
  _rl_experiment_view_rebuild_bars (self);
  update_progress (self);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->progress_id = g_timeout_add (250, progress_tick_cb, self);
  status = g_strdup_printf (_("Training %s and %s on the same %s batches of %d, from the same "
                            "initial weights.%s"), run->names[0], run->names[1],
                            rl_dataset_title (run->kind), run->config.batch,
                            hidden ? _(" The earlier run of this depth and setting is hidden; "
                                       "tick it in the list of runs to compare.") : "");
  set_status (self, status);
  _rl_experiment_view_update_actions (self);
}

static void
data_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (RlExperimentView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) train_set = NULL;
  g_autoptr (RlDataset) test_set = NULL;

  if (self->runner == NULL)   /* disposed meanwhile */
    return;
  g_clear_object (&self->load_cancellable);
  if (!rl_dataset_loader_load_pair_finish (result, &train_set, &test_set, &error))
    {
      set_status (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        ? _("Stopped before training began.") : error->message);
      gtk_label_set_text (self->progress_label, _("Not running"));
      _rl_experiment_view_set_busy (self, FALSE);
      return;
    }
  start_run (self, train_set, test_set);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);
  g_auto (GStrv) missing = NULL;
  g_autoptr (RlDataset) train_set = NULL;
  g_autoptr (RlDataset) test_set = NULL;
  g_autofree char *status = NULL;

  if (!rl_experiment_view_can_run (self))
    return;

  rl_experiment_view_get_settings (self, &self->pending, &self->pending_kind);
  missing = rl_dataset_find_missing_files (self->pending_kind);
  if (missing != NULL)
    {
      g_autofree char *text = rl_show_missing_data_dialog (GTK_WIDGET (self), self->pending_kind,
                                                           missing, _("The twins need the files below."),
                                                           NULL);

      set_status (self, text);
      return;
    }

  _rl_experiment_view_set_busy (self, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  train_set = rl_dataset_loader_peek (self->pending_kind, RL_SPLIT_TRAIN);
  test_set = rl_dataset_loader_peek (self->pending_kind, RL_SPLIT_TEST);
  if (train_set != NULL && test_set != NULL)
    {
      start_run (self, train_set, test_set);
      return;
    }

  self->load_cancellable = g_cancellable_new ();
  rl_dataset_loader_load_pair_async (self->pending_kind, self->load_cancellable, data_loaded_cb,
                                     g_object_ref (self));
  status = g_strdup_printf (_("Loading the %s images…"), rl_dataset_title (self->pending_kind));
  gtk_label_set_text (self->progress_label, status);
  _rl_experiment_view_update_actions (self);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  rl_runner_stop (RL_RUNNER (self->runner));
  update_progress (self);
  _rl_experiment_view_update_actions (self);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);

  if (self->busy)
    return;
  _rl_experiment_view_forget_runs (self);
  for (guint r = 0; r < self->runs->len; r++)
    gtk_list_box_remove (self->runs_list, ((Run *) g_ptr_array_index (self->runs, r))->row);
  gtk_widget_set_visible (self->runs_placeholder, TRUE);
  g_ptr_array_set_size (self->runs, 0);
  /* the numbers go on: the Landscape tab may still show a cleared run's twins, named with its
   * number, which no later run may take */
  _rl_experiment_view_save_ticks (self);
  _rl_experiment_view_rebuild_chart (self);
  _rl_experiment_view_rebuild_bars (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->progress_label, _("Not running"));
  set_status (self, _("Cleared. Pick a depth and press Train Twins."));
  _rl_experiment_view_update_actions (self);
}

static void
record_cb (RlExperimentRunner *runner,
           RlExperimentRecord *record,
           RlExperimentView   *self)
{
  Run *run = self->current;
  RlTwin twin = record->twin;

  if (run == NULL)
    return;

  rl_experiment_group_add_record (run->group, record);
  g_clear_pointer (&run->last[twin], rl_experiment_record_unref);
  run->last[twin] = rl_experiment_record_ref (record);
  if (run->visible)
    {
      /* the first seed adds a point; a later one moves the means and bands already drawn */
      if (record->seed == run->config.seed)
        _rl_experiment_view_append_point (self, run, twin,
                                          rl_experiment_group_get_n_points (run->group, twin) - 1);
      else
        _rl_experiment_view_rebuild_chart (self);
      _rl_experiment_view_update_y_range (self);
    }
  _rl_experiment_view_set_bar_values (self, run, record->twin);
  update_progress (self);
}

static void
finished_cb (RlExperimentRunner *runner,
             gboolean            completed,
             const GError       *error,
             RlExperimentView   *self)
{
  Run *run = self->current;

  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->current = NULL;
  /* the runner hands over this run's twins, unless it ended before its first step
   * (rl_experiment_view_describe_trained) */
  self->trained_run = run != NULL && rl_experiment_runner_get_trained (runner, RL_TWIN_PLAIN,
                                                                       NULL) != NULL
                      ? run->number : 0;
  if (run != NULL)
    {
      g_autofree char *text = NULL;

      if (self->pause_began_us != 0)
        self->paused_us += g_get_monotonic_time () - self->pause_began_us;
      self->pause_began_us = 0;
      run->finished = TRUE;
      run->completed = completed;
      run->seconds = active_seconds (self);
      _rl_experiment_view_update_run_row (run);
      _rl_experiment_view_keep_run (self, run);
      if (error != NULL)
        text = g_strdup_printf (_("The twins stopped: %s"), error->message);
      else
        text = _rl_experiment_run_summary (run);
      set_status (self, text);
      gtk_label_set_text (self->progress_label,
                          completed ? _("Finished") : _("Stopped"));
      if (completed)
        gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
    }
  _rl_experiment_view_set_busy (self, FALSE);
}

/* ---- pause -------------------------------------------------------------------------------- */

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);
  RlRunner *runner = RL_RUNNER (self->runner);
  gboolean pause = !rl_runner_is_paused (runner);

  if (!rl_runner_is_running (runner) || rl_runner_is_stopping (runner))
    return;
  rl_runner_set_paused (runner, pause);
  if (pause)
    self->pause_began_us = g_get_monotonic_time ();
  else if (self->pause_began_us != 0)
    {
      self->paused_us += g_get_monotonic_time () - self->pause_began_us;
      self->pause_began_us = 0;
    }
  update_progress (self);
  _rl_experiment_view_update_actions (self);
}

void
_rl_experiment_view_class_init_running (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "experiment.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "experiment.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "experiment.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "experiment.pause", NULL, pause_action);
}

void
_rl_experiment_view_init_running (RlExperimentView *self)
{
  self->runner = rl_experiment_runner_new ();
  g_signal_connect (self->runner, "record", G_CALLBACK (record_cb), self);
  g_signal_connect (self->runner, "finished", G_CALLBACK (finished_cb), self);
  g_signal_connect_swapped (self->runner, "notify::paused",
                            G_CALLBACK (_rl_experiment_view_update_actions), self);
}
