#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view.c: see rl-experiment-view.h.
 *
 * A run is kept as the records both twins delivered over its seeds (an RlExperimentGroup of
 * immutable, refcounted records), so the chart can be rebuilt from them at any time: when the
 * curve shown changes (training or test error), when a run's check button in the list of runs
 * is toggled, or when a later seed moves the mean. Every run stays in the list until Clear
 * (and across restarts, kept as a file: rl-experiment-view-files.c);
 * the chart holds two series per shown run, in run order (Run.series), the mean over the seeds
 * with a min-max band when there are several. A new run hides an earlier one of the same depth
 * and setting (it is still in the list). The bars show the newest record of each twin of the
 * current (or last) run. The chart and the bars: rl-experiment-view-plots.c. Export:
 * rl-experiment-view-export.c.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include <math.h>
#include <string.h>

#include "rl-dataset-loader.h"
#include "rl-dialogs.h"
#include "rl-settings.h"
#include "rl-widget-util.h"
#include "rl-model-file.h"
#include "rl-trainer.h"

/* The view's fixed choices: the paper's SGD, at the batch size the command line's measured
 * defaults use (app/rl-experiment-cli.c): smaller batches learn more per second of CPU. */
#define BATCH          64
#define MOMENTUM       RL_TRAIN_BN_MOMENTUM   /* the Train view's defaults for BN nets too */
#define WEIGHT_DECAY   RL_TRAIN_BN_WEIGHT_DECAY
#define SEED           1
/* Test error and response std at each record: enough images to tell 5 % from 15 %, few
 * enough that a record costs a fraction of an interval even at depth 56. */
#define TEST_IMAGES    300
#define RESPONSE_IMAGES 64
/* Records per run, about: each twin's curve gets this many points. */
#define TARGET_RECORDS 25

static const int depths[] = { 8, 20, 32, 44, 56 };

/* One colour per run, in the order they were started (GNOME HIG palette), for both twins:
 * plain dashed, residual solid. The list of runs shows each run's colour. */
static const char *const run_colors[] = {
  "#3584e4",   /* blue */
  "#2ec27e",   /* green */
  "#ff7800",   /* orange */
  "#9141ac",   /* purple */
  "#e01b24",   /* red */
  "#986a44",   /* brown */
  "#f5c211",   /* yellow */
  "#77767b",   /* grey */
};

G_DEFINE_FINAL_TYPE (RlExperimentView, rl_experiment_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_CURVE,
  PROP_BARS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (RlExperimentView *self);

/* ---- runs --------------------------------------------------------------------------------- */

void
_rl_experiment_run_free (gpointer data)
{
  Run *run = data;

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (run->names[t]);
      g_clear_pointer (&run->last[t], rl_experiment_record_unref);
      g_array_unref (run->bar_of_layer[t]);
      g_array_unref (run->layers[t]);
    }
  g_clear_pointer (&run->group, rl_experiment_group_free);
  g_strfreev (run->bar_names);
  g_free (run->path);
  g_free (run);
}

static int
depth_position (int depth)
{
  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    if (depths[i] == depth)
      return (int) i;
  return -1;
}

void
_rl_experiment_run_set_number (Run   *run,
                               guint  number)
{
  run->number = number;
  gdk_rgba_parse (&run->color, run_colors[(number - 1) % G_N_ELEMENTS (run_colors)]);
}

Run *
_rl_experiment_run_new (const RlExperimentConfig *config,
                        RlDatasetKind             kind,
                        guint                     n_seeds,
                        guint64                   total,
                        const char               *plain_name,
                        const char               *residual_name,
                        GArray                   *layers[RL_N_TWINS],
                        guint                     number)
{
  Run *run = g_new0 (Run, 1);

  _rl_experiment_run_set_number (run, number);
  run->config = *config;
  run->kind = kind;
  run->n_seeds = n_seeds;
  run->total = total;
  run->visible = TRUE;
  run->bar_names = g_new0 (char *, run->config.depth + 1);
  run->group = rl_experiment_group_new (&run->config, run->total, plain_name, residual_name);
  run->names[RL_TWIN_PLAIN] = g_strdup (plain_name);
  run->names[RL_TWIN_RESIDUAL] = g_strdup (residual_name);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint n = layers[t]->len;

      run->series[t] = NO_SERIES;
      run->layers[t] = g_array_copy (layers[t]);
      run->bar_of_layer[t] = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
      for (guint i = 0; i < n; i++)
        {
          const RlExperimentLayer *layer = &g_array_index (layers[t], RlExperimentLayer, i);
          int bar = layer->index >= 1 && layer->index <= run->config.depth ? layer->index - 1 : -1;

          g_array_append_val (run->bar_of_layer[t], bar);
          if (bar >= 0 && run->bar_names[bar] == NULL)
            run->bar_names[bar] = g_strdup (layer->name);
        }
    }
  /* Every position named, so the array is a proper NULL-terminated strv. */
  for (int i = 0; i < run->config.depth; i++)
    if (run->bar_names[i] == NULL)
      run->bar_names[i] = g_strdup_printf (_("layer %d"), i + 1);
  return run;
}

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

/* Runs of one setting differ in depth (and seeds) only. */
gboolean
_rl_experiment_run_same_setting (const Run                *run,
                                 const RlExperimentConfig *config,
                                 RlDatasetKind             kind)
{
  return run->kind == kind && run->config.shortcut == config->shortcut
         && run->config.bn == config->bn && run->config.lr == config->lr
         && run->config.epochs == config->epochs && run->config.subset == config->subset;
}

/* "12,800", grouped as the locale writes numbers (glibc's ' flag: "12.800" in German) */
char *
_rl_experiment_format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

static char *
format_minutes (double seconds)
{
  long s = lround (MAX (seconds, 0.0));

  return g_strdup_printf ("%ld:%02ld", s / 60, s % 60);
}

/* ---- progress and status ------------------------------------------------------------------ */

static void
set_busy (RlExperimentView *self,
          gboolean          busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_sensitive (self->settings_grid, !busy);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

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
  elapsed = format_minutes (seconds);
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
      g_autofree char *left = format_minutes (seconds * (1.0 - fraction) / fraction);

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
  g_autofree char *time = format_minutes (run->seconds);
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

/* ---- the list of runs --------------------------------------------------------------------- */

void
_rl_experiment_view_update_run_row (Run *run)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *images = _rl_experiment_format_count (run->config.subset);
  g_autofree char *time = format_minutes (run->seconds);

  /* TRANSLATORS: a run in the list of runs: its number, depth, shortcut option (A or B) and
   * "batch norm" or "no batch norm" */
  title = g_strdup_printf (_("Run %1$u: %2$d layers, shortcut %3$s, %4$s"), run->number,
                           run->config.depth, run->config.shortcut == RL_SHORTCUT_B ? "B" : "A",
                           run->config.bn ? _("batch norm") : _("no batch norm"));
  if (!run->finished)
    /* TRANSLATORS: the second line of a run in the list: dataset, images, epochs, learning
     * rate, seeds; the run is still training */
    detail = g_strdup_printf (ngettext ("%1$s, %2$s images × %3$d, lr %4$g, %5$u seed · training…",
                                        "%1$s, %2$s images × %3$d, lr %4$g, %5$u seeds · training…",
                                        run->n_seeds),
                              rl_dataset_title (run->kind), images,
                              run->config.epochs, run->config.lr, run->n_seeds);
  else
    /* TRANSLATORS: the same, once the run is over; %6$s is its time (minutes:seconds) */
    detail = g_strdup_printf (run->completed
                              ? ngettext ("%1$s, %2$s images × %3$d, lr %4$g, %5$u seed · %6$s",
                                          "%1$s, %2$s images × %3$d, lr %4$g, %5$u seeds · %6$s",
                                          run->n_seeds)
                              : ngettext ("%1$s, %2$s images × %3$d, lr %4$g, %5$u seed · "
                                          "stopped after %6$s",
                                          "%1$s, %2$s images × %3$d, lr %4$g, %5$u seeds · "
                                          "stopped after %6$s", run->n_seeds),
                              rl_dataset_title (run->kind), images,
                              run->config.epochs, run->config.lr, run->n_seeds, time);
  /* a deep run's twins and their initial weights weigh megabytes (depth 56: 14 MB): Clear
   * frees that much */
  if (run->path != NULL && run->size > 0)
    {
      g_autofree char *size = g_format_size (run->size);
      char *with_size;

      /* TRANSLATORS: a kept run's second line in the list of runs, then the size of its files
       * (the run, its trained twins and their initial weights), e.g. "14.0 MB" */
      with_size = g_strdup_printf (_("%1$s · %2$s on disk"), detail, size);
      g_free (detail);
      detail = with_size;
    }
  gtk_check_button_set_label (run->check, title);
  gtk_label_set_text (run->detail, detail);
}

static void
run_check_toggled (GtkCheckButton   *check,
                   RlExperimentView *self)
{
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (run->check == check && run->visible != gtk_check_button_get_active (check))
        {
          run->visible = gtk_check_button_get_active (check);
          _rl_experiment_view_rebuild_chart (self);
          update_actions (self);
          if (run->path != NULL)
            _rl_experiment_view_save_ticks (self);
        }
    }
}

void
_rl_experiment_view_update_run_menu (Run *run)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) use = NULL;
  g_autofree char *label = NULL;
  g_autofree char *only = NULL;

  use = g_menu_item_new (_("_Use These Settings"), NULL);
  g_menu_item_set_action_and_target_value (use, "experiment.use-settings",
                                           g_variant_new_uint32 (run->number));
  g_menu_append_item (menu, use);

  for (int t = 0; t < RL_N_TWINS; t++)
    if (run->path != NULL && run->twin_kept[t])
      g_ptr_array_add (keys, rl_experiment_file_twin_path (run->path, (RlTwin) t));
  /* one twin kept (the other's file could not be written, or was removed): the item says
   * which the landscape shows, and the Landscape tab's note why (rl_experiment_view_find_twin) */
  if (keys->len == 1)
    /* TRANSLATORS: a run's menu item when one twin's model is kept; %s is that twin, e.g.
     * "resnet-20" */
    only = g_strdup_printf (_("_Loss Landscape of %s"),
                            run->names[run->twin_kept[RL_TWIN_PLAIN] ? RL_TWIN_PLAIN
                                                                     : RL_TWIN_RESIDUAL]);
  if (keys->len > 0)
    {
      g_autoptr (GMenuItem) landscape = g_menu_item_new (only != NULL ? only
                                                                      : _("_Loss Landscape"),
                                                         NULL);

      g_ptr_array_add (keys, NULL);
      /* the Models list's action: the files read again with their initial weights */
      g_menu_item_set_action_and_target_value (landscape, "win.show-landscape",
                                               g_variant_new_strv (
                                                 (const char * const *) keys->pdata, -1));
      g_menu_append_item (menu, landscape);
    }
  gtk_menu_button_set_menu_model (run->menu_button, G_MENU_MODEL (menu));
  /* TRANSLATORS: the accessible name of a run's menu button in the list of runs */
  label = g_strdup_printf (_("More for run %u"), run->number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (run->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The run's row: its colour, a check button that shows or hides its curves (labelled with its
 * setting), a menu (its settings back in the form; once its trained twins are kept, their loss
 * landscape), and a second line with the rest. Newest first. */
static void
add_run_row (RlExperimentView *self,
             Run              *run)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *swatch = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  g_autofree char *hex = g_strdup_printf ("#%02x%02x%02x", (int) lround (run->color.red * 255),
                                          (int) lround (run->color.green * 255),
                                          (int) lround (run->color.blue * 255));
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", hex);

  gtk_label_set_markup (GTK_LABEL (swatch), markup);
  gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("the run’s colour on the chart"), -1);
  run->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_active (run->check, run->visible);
  gtk_widget_set_tooltip_text (GTK_WIDGET (run->check), _("Show this run’s curves on the chart"));
  g_signal_connect (run->check, "toggled", G_CALLBACK (run_check_toggled), self);
  gtk_widget_set_hexpand (GTK_WIDGET (run->check), TRUE);
  run->menu_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (run->menu_button, "view-more-symbolic");
  gtk_menu_button_set_has_frame (run->menu_button, FALSE);
  gtk_widget_set_valign (GTK_WIDGET (run->menu_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (run->menu_button),
                               _("This run’s settings, and the loss landscape of its twins"));
  gtk_box_append (GTK_BOX (line), swatch);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (run->check));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (run->menu_button));

  run->detail = GTK_LABEL (detail);
  gtk_label_set_xalign (run->detail, 0.0);
  gtk_label_set_wrap (run->detail, TRUE);
  gtk_label_set_max_width_chars (run->detail, 30);
  gtk_widget_set_margin_start (detail, 42);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), detail);

  run->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (run->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (run->row), box);
  gtk_list_box_prepend (self->runs_list, run->row);
  _rl_experiment_view_update_run_row (run);
  _rl_experiment_view_update_run_menu (run);
  gtk_widget_set_visible (self->runs_placeholder, FALSE);
}

/* Every run stays in the list; a new one hides an earlier one of the same depth and setting. */
gboolean
_rl_experiment_view_add_run (RlExperimentView *self,
                             Run              *run,
                             gboolean          hide_earlier)
{
  gboolean hidden = FALSE;

  for (guint r = 0; hide_earlier && run->visible && r < self->runs->len; r++)
    {
      Run *old = g_ptr_array_index (self->runs, r);

      if (old->visible && old->config.depth == run->config.depth
          && _rl_experiment_run_same_setting (old, &run->config, run->kind))
        {
          old->visible = FALSE;
          g_signal_handlers_block_by_func (old->check, run_check_toggled, self);
          gtk_check_button_set_active (old->check, FALSE);
          g_signal_handlers_unblock_by_func (old->check, run_check_toggled, self);
          hidden = TRUE;
        }
    }
  g_ptr_array_add (self->runs, run);
  add_run_row (self, run);
  self->next_number = MAX (self->next_number, run->number);
  return hidden;
}

void
_rl_experiment_view_refresh (RlExperimentView *self)
{
  _rl_experiment_view_rebuild_chart (self);
  _rl_experiment_view_rebuild_bars (self);
  update_actions (self);
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
      set_busy (self, FALSE);
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
  update_actions (self);
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
      set_busy (self, FALSE);
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

  set_busy (self, TRUE);
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
  update_actions (self);
}

/* A run's menu: its settings back in the form, for another seed count or a change of one. */
static void
use_settings_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);
  guint number = g_variant_get_uint32 (parameter);
  g_autofree char *status = NULL;
  Run *run = NULL;

  for (guint i = 0; i < self->runs->len && run == NULL; i++)
    if (((Run *) g_ptr_array_index (self->runs, i))->number == number)
      run = g_ptr_array_index (self->runs, i);
  if (run == NULL || self->busy)
    return;

  if (depth_position (run->config.depth) >= 0)
    rl_experiment_view_set_depth (self, run->config.depth);
  rl_experiment_view_set_shortcut (self, run->config.shortcut);
  rl_experiment_view_set_bn (self, run->config.bn);
  for (guint k = 0; k < self->kinds->len; k++)
    if (g_array_index (self->kinds, RlDatasetKind, k) == run->kind)
      gtk_drop_down_set_selected (self->dataset_dropdown, k);
  gtk_spin_button_set_value (self->images_spin, run->config.subset);
  gtk_spin_button_set_value (self->epochs_spin, run->config.epochs);
  gtk_spin_button_set_value (self->lr_spin, run->config.lr);
  gtk_spin_button_set_value (self->seeds_spin, run->n_seeds);
  /* TRANSLATORS: %u is a run's number in the list of runs */
  status = g_strdup_printf (_("The settings of run %u are in the form: Train Twins runs them "
                              "again."), run->number);
  set_status (self, status);
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
  update_actions (self);
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
  update_actions (self);
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
  set_busy (self, FALSE);
}

/* ---- state -------------------------------------------------------------------------------- */

static void
update_actions (RlExperimentView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  RlRunner *runner = RL_RUNNER (self->runner);
  gboolean going = rl_runner_is_running (runner) && !rl_runner_is_stopping (runner);
  gboolean stoppable = self->load_cancellable != NULL || going;

  gboolean paused = rl_runner_is_paused (runner);
  gboolean shown = _rl_experiment_view_n_visible (self) > 0;

  gtk_widget_action_set_enabled (widget, "experiment.run", rl_experiment_view_can_run (self));
  gtk_widget_action_set_enabled (widget, "experiment.stop", self->busy && stoppable);
  gtk_widget_action_set_enabled (widget, "experiment.use-settings", !self->busy);
  gtk_widget_action_set_enabled (widget, "experiment.pause", going);
  /* not while the kept runs are read: those would come back after the Clear */
  gtk_widget_action_set_enabled (widget, "experiment.clear", !self->busy && self->runs->len > 0
                                 && self->restore_cancellable == NULL);
  gtk_widget_action_set_enabled (widget, "experiment.export-csv", shown);
  gtk_widget_action_set_enabled (widget, "experiment.export-figure", shown);

  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button),
                            paused ? "media-playback-start-symbolic"
                                   : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (self->pause_button,
                               paused ? _("Resume both twins where they paused (Ctrl+P)")
                                      : _("Pause both twins after the batch in progress; the "
                                          "time paused does not count (Ctrl+P)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  paused ? _("Resume the twins") : _("Pause the twins"), -1);
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
  update_actions (self);
}

/* ---- public API --------------------------------------------------------------------------- */

void
rl_experiment_view_get_settings (RlExperimentView   *self,
                                 RlExperimentConfig *config,
                                 RlDatasetKind      *kind)
{
  guint selected;
  guint64 per_epoch, total;

  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (config != NULL);

  rl_experiment_config_init (config);
  selected = gtk_drop_down_get_selected (self->depth_dropdown);
  config->depth = depths[MIN (selected, G_N_ELEMENTS (depths) - 1)];
  config->shortcut = gtk_drop_down_get_selected (self->shortcut_dropdown) == 1 ? RL_SHORTCUT_B
                                                                               : RL_SHORTCUT_A;
  config->bn = gtk_switch_get_active (self->bn_switch);
  config->lr = gtk_spin_button_get_value (self->lr_spin);
  config->momentum = MOMENTUM;
  config->weight_decay = WEIGHT_DECAY;
  config->batch = BATCH;
  config->seed = SEED;
  config->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->subset = (uint32_t) gtk_spin_button_get_value_as_int (self->images_spin);
  config->test_subset = TEST_IMAGES;
  config->response_images = RESPONSE_IMAGES;
  config->layer_stats = TRUE;
  config->threads = 0;   /* every core; the runner's team runs at a lower priority */
  per_epoch = (config->subset + BATCH - 1) / BATCH;
  total = per_epoch * (guint64) config->epochs;
  config->interval = (int) CLAMP ((total + TARGET_RECORDS / 2) / TARGET_RECORDS, 1, 50);

  if (kind != NULL)
    {
      selected = gtk_drop_down_get_selected (self->dataset_dropdown);
      *kind = selected < self->kinds->len ? g_array_index (self->kinds, RlDatasetKind, selected)
                                          : RL_DATASET_MNIST;
    }
}

void
rl_experiment_view_set_depth (RlExperimentView *self,
                              int               depth)
{
  int pos = depth_position (depth);

  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (pos >= 0);

  gtk_drop_down_set_selected (self->depth_dropdown, (guint) pos);
}

int
rl_experiment_view_get_depth (RlExperimentView *self)
{
  guint selected;

  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), 0);

  selected = gtk_drop_down_get_selected (self->depth_dropdown);
  return depths[MIN (selected, G_N_ELEMENTS (depths) - 1)];
}

void
rl_experiment_view_set_train_images (RlExperimentView *self,
                                     guint             n)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->images_spin, n);
}

void
rl_experiment_view_set_epochs (RlExperimentView *self,
                               int               epochs)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->epochs_spin, epochs);
}

void
rl_experiment_view_set_shortcut (RlExperimentView *self,
                                 RlShortcut        shortcut)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (shortcut == RL_SHORTCUT_A || shortcut == RL_SHORTCUT_B);

  gtk_drop_down_set_selected (self->shortcut_dropdown, shortcut == RL_SHORTCUT_B ? 1 : 0);
}

void
rl_experiment_view_set_bn (RlExperimentView *self,
                           gboolean          bn)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_switch_set_active (self->bn_switch, bn);
}

void
rl_experiment_view_set_learning_rate (RlExperimentView *self,
                                      double            lr)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->lr_spin, lr);
}

/* ---- settings kept between runs (GSettings) ----------------------------------------------- */

void
rl_experiment_view_bind_settings (RlExperimentView *self,
                                  GSettings        *settings)
{
  /* the shortcut drop-down's items, in order */
  static const char * const shortcuts[] = { "zero-padding", "projection", NULL };

  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  rl_settings_bind_int_choice (settings, "experiment-depth", self->depth_dropdown, depths,
                               G_N_ELEMENTS (depths));
  rl_settings_bind_nick_choice (settings, "experiment-shortcut", self->shortcut_dropdown,
                                shortcuts);
  g_settings_bind (settings, "experiment-batch-norm", self->bn_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  rl_settings_bind_dataset (settings, "experiment-dataset", self->dataset_dropdown, self->kinds);
  g_settings_bind (settings, "experiment-images", self->images_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "experiment-epochs", self->epochs_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "experiment-learning-rate", self->lr_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "experiment-seeds", self->seeds_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

void
rl_experiment_view_set_blocked (RlExperimentView *self,
                                const char       *reason)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  if (!rl_set_str (&self->blocked, reason))
    return;
  gtk_widget_set_tooltip_text (self->run_button,
                               reason != NULL ? reason
                                              : _("Train the plain net and its residual twin from "
                                                "the same weights on the same batches "
                                                "(Ctrl+Return)"));
  if (!self->busy)
    set_status (self, reason != NULL ? reason
                                     : _("Pick a depth and press Train Twins. Each run adds its "
                                       "pair of curves; run another depth to compare."));
  update_actions (self);
}

gboolean
rl_experiment_view_is_busy (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);

  return self->busy;
}

gboolean
rl_experiment_view_can_run (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);

  return !self->busy && self->blocked == NULL;
}

guint
rl_experiment_view_get_n_runs (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), 0);

  return self->runs->len;
}

guint
rl_experiment_view_get_series (RlExperimentView *self,
                               guint             run,
                               RlTwin            twin)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NO_SERIES);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, NO_SERIES);
  g_return_val_if_fail (run < self->runs->len, NO_SERIES);

  return ((Run *) g_ptr_array_index (self->runs, run))->series[twin];
}

double
rl_experiment_view_get_run_seconds (RlExperimentView *self,
                                    guint             run)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), 0.0);
  g_return_val_if_fail (run < self->runs->len, 0.0);

  return ((Run *) g_ptr_array_index (self->runs, run))->seconds;
}

GtkCheckButton *
rl_experiment_view_get_run_check (RlExperimentView *self,
                                  guint             run)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);
  g_return_val_if_fail (run < self->runs->len, NULL);

  return ((Run *) g_ptr_array_index (self->runs, run))->check;
}

void
rl_experiment_view_set_seeds (RlExperimentView *self,
                              guint             n_seeds)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->seeds_spin, n_seeds);
}

guint
rl_experiment_view_get_seeds (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), 0);

  return (guint) gtk_spin_button_get_value_as_int (self->seeds_spin);
}

const char *
rl_experiment_view_get_status (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);

  return gtk_label_get_text (self->status_label);
}

RlExperimentRunner *
rl_experiment_view_get_runner (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);

  return self->runner;
}

RlChart *
rl_experiment_view_get_chart (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);

  return self->chart;
}

RlLayerBars *
rl_experiment_view_get_bars (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);

  return self->bars;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_experiment_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_CURVE:
      g_value_set_string (value, self->curve);
      break;
    case PROP_BARS:
      g_value_set_string (value, self->bars_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_experiment_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (object);
  const char *s;

  switch (prop_id)
    {
    case PROP_CURVE:
      s = g_strcmp0 (g_value_get_string (value), "test") == 0 ? "test" : "train";
      if (rl_set_str (&self->curve, s))
        {
          if (self->chart != NULL)
            _rl_experiment_view_rebuild_chart (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_BARS:
      s = g_strcmp0 (g_value_get_string (value), "std") == 0 ? "std" : "grad";
      if (rl_set_str (&self->bars_mode, s))
        {
          if (self->bars != NULL)
            _rl_experiment_view_rebuild_bars (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_experiment_view_dispose (GObject *object)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (object);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->restore_cancellable);
  if (self->runner != NULL)
    {
      /* A run still going is cancelled; rl_worker_join_abandoned() reaps
       * it at exit. */
      g_signal_handlers_disconnect_by_data (self->runner, self);
      g_clear_object (&self->runner);
    }
  self->current = NULL;
  _rl_experiment_view_files_dispose (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_EXPERIMENT_VIEW);

  G_OBJECT_CLASS (rl_experiment_view_parent_class)->dispose (object);
}

static void
rl_experiment_view_finalize (GObject *object)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (object);

  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->restore_cancellable);
  g_free (self->keep_dir);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->kinds, g_array_unref);
  g_free (self->curve);
  g_free (self->bars_mode);
  g_free (self->blocked);

  G_OBJECT_CLASS (rl_experiment_view_parent_class)->finalize (object);
}

static void
rl_experiment_view_class_init (RlExperimentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_experiment_view_get_property;
  object_class->set_property = rl_experiment_view_set_property;
  object_class->dispose = rl_experiment_view_dispose;
  object_class->finalize = rl_experiment_view_finalize;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURVE] =
    g_param_spec_string ("curve", NULL, NULL, "train",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BARS] =
    g_param_spec_string ("bars", NULL, NULL, "grad",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RL_TYPE_CHART);
  g_type_ensure (RL_TYPE_LAYER_BARS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-experiment-view.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, root);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, settings_grid);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, depth_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, shortcut_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, bn_switch);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, images_spin);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, seeds_spin);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, run_button);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, stop_button);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, clear_button);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, status_label);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, chart_note);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, runs_list);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, runs_placeholder);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_zoom_toggled",
                                                G_CALLBACK (_rl_experiment_view_zoom_toggled));
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, chart);
  gtk_widget_class_bind_template_child (widget_class, RlExperimentView, bars);

  gtk_widget_class_install_action (widget_class, "experiment.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "experiment.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "experiment.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "experiment.use-settings", "u",
                                   use_settings_action);
  gtk_widget_class_install_action (widget_class, "experiment.pause", NULL, pause_action);
  _rl_experiment_view_class_init_export (widget_class);
  gtk_widget_class_install_property_action (widget_class, "experiment.curve", "curve");
  gtk_widget_class_install_property_action (widget_class, "experiment.bars", "bars");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "experiment.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "experiment.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK,
                                       "experiment.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "experiment.pause", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlexperimentview");
}

static void
rl_experiment_view_init (RlExperimentView *self)
{
  self->kinds = g_array_new (FALSE, FALSE, sizeof (RlDatasetKind));
  self->runs = g_ptr_array_new_with_free_func (_rl_experiment_run_free);
  self->curve = g_strdup ("train");
  self->bars_mode = g_strdup ("grad");

  gtk_widget_init_template (GTK_WIDGET (self));
  rl_view_init_accessible (GTK_WIDGET (self), _("Plain and residual twins compared"));

  self->runner = rl_experiment_runner_new ();
  g_signal_connect (self->runner, "record", G_CALLBACK (record_cb), self);
  g_signal_connect (self->runner, "finished", G_CALLBACK (finished_cb), self);
  g_signal_connect_swapped (self->runner, "notify::paused", G_CALLBACK (update_actions), self);

  /* Defaults measured on a shared 2-core machine: depth 32 on 6,400 images (100 iterations)
   * takes 30 s idle, about a minute under load, and the plain twin ends far above the residual
   * one (32 % against 9 % training error). Over the last quarter of such runs, plain and
   * residual: 6.8 / 6.4 % at depth 8, 9.0 / 7.0 % at 20, 32 / 8.9 % at 32, 77 / 8.2 % at 56
   * (which takes 75 s idle). */
  rl_experiment_view_set_depth (self, 32);
  gtk_spin_button_set_value (self->images_spin, 6400);
  gtk_spin_button_set_value (self->epochs_spin, 1);
  gtk_spin_button_set_value (self->lr_spin, RL_TRAIN_BN_LR);

  rl_dataset_dropdown_fill (self->dataset_dropdown, self->kinds);
  _rl_experiment_view_setup_plots (self);
  update_actions (self);
}
