#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-plots.c: the Experiment view's chart (each shown run's twins, the mean
 * over its seeds and a min-max band, training or test error, zoomed or not) and bars (each
 * weight layer's gradient norm or response std in the newest record of the current run),
 * rebuilt from the runs' records whenever what they show changes. The view:
 * rl-experiment-view.c; its runs and their list: rl-experiment-view-list.c. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include <math.h>
#include <string.h>

/* ---- the chart ---------------------------------------------------------------------------- */

static gboolean
showing_test (RlExperimentView *self)
{
  return g_strcmp0 (self->curve, "test") == 0;
}

static RlExperimentValue
curve_value (RlExperimentView *self)
{
  return showing_test (self) ? RL_EXPERIMENT_TEST_ERROR : RL_EXPERIMENT_TRAIN_ERROR;
}

/* The whole range, 0-100 %, unless the zoom button is on: errors fall from 90 % to a few
 * percent, and a fixed 0-100 % axis squeezes the part where the twins differ into the bottom
 * tenth. Zoomed, the top follows the highest recent value of all curves on the chart (the
 * bands' tops), in a few round steps, so early points leave the top of the plot. */
void
_rl_experiment_view_update_y_range (RlExperimentView *self)
{
  static const double tops[] = { 0.1, 0.2, 0.5, 1.0 };
  double high = 0.0;
  gboolean any = FALSE;

  if (!gtk_toggle_button_get_active (self->zoom_button))
    {
      rl_chart_set_y_range (self->chart, 0.0, 1.0);
      return;
    }
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (!run->visible)
        continue;
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          guint n = rl_experiment_group_get_n_points (run->group, (RlTwin) t);
          guint recent = MAX (3, n / 4);

          /* the last quarter of each curve stays in view (single intervals are noisy) */
          for (guint i = n > recent ? n - recent : 0; i < n; i++)
            {
              double hi;

              rl_experiment_group_get_point (run->group, (RlTwin) t, i, curve_value (self),
                                             NULL, NULL, NULL, &hi);
              /* a diverged twin's last record has no value: it sits at the top */
              high = MAX (high, isfinite (hi) ? hi : 1.0);
              any = TRUE;
            }
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (tops); i++)
    if (!any || high * 1.15 <= tops[i] || i == G_N_ELEMENTS (tops) - 1)
      {
        rl_chart_set_y_range (self->chart, 0.0, any ? tops[i] : 1.0);
        return;
      }
}

void
_rl_experiment_view_zoom_toggled (RlExperimentView *self)
{
  _rl_experiment_view_update_y_range (self);
}

/* The first shown run, and whether every shown run has its setting (the title then says it). */
static Run *
first_visible (RlExperimentView *self,
               gboolean         *same)
{
  Run *first = NULL;

  *same = TRUE;
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (!run->visible)
        continue;
      if (first == NULL)
        first = run;
      else if (!_rl_experiment_run_same_setting (run, &first->config, first->kind))
        *same = FALSE;
    }
  return first;
}

static void
update_chart_title (RlExperimentView *self)
{
  g_autofree char *title = NULL;
  g_autofree char *images = NULL;
  gboolean same;
  Run *run = first_visible (self, &same);

  if (run == NULL || !same)
    {
      rl_chart_set_title (self->chart, run == NULL ? (showing_test (self) ? _("Test error")
                                                                         : _("Training error"))
                                                   : showing_test (self)
                                                   ? _("Test error · runs of several settings")
                                                   : _("Training error · runs of several "
                                                       "settings"));
      return;
    }
  images = _rl_experiment_format_count (run->config.subset);
  title = g_strdup_printf (_("%s · %s, %s images × %d · lr %g · %s · shortcut %s"),
                           showing_test (self) ? _("Test error") : _("Training error"),
                           rl_dataset_title (run->kind), images, run->config.epochs,
                           run->config.lr, run->config.bn ? _("batch norm") : _("no batch norm"),
                           run->config.shortcut == RL_SHORTCUT_B ? "B" : "A");
  rl_chart_set_title (self->chart, title);
}

/* The chart's legend is one row: with four or five depths, "plain-20  resnet-20" for each
 * would not fit a 1024-pixel window, so the labels become "P20  R20" and the note above the
 * chart says what the letters mean. Two shown runs of one depth get their run numbers. */
#define COMPACT_LABELS_FROM 4

guint
_rl_experiment_view_n_visible (RlExperimentView *self)
{
  guint n = 0;

  for (guint r = 0; r < self->runs->len; r++)
    n += ((Run *) g_ptr_array_index (self->runs, r))->visible;
  return n;
}

static gboolean
depth_shown_twice (RlExperimentView *self,
                   Run              *run)
{
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *other = g_ptr_array_index (self->runs, r);

      if (other != run && other->visible && other->config.depth == run->config.depth)
        return TRUE;
    }
  return FALSE;
}

/* Appends point @i of the run's curve for @twin to its series: the mean, with its band when
 * the run has several seeds. */
void
_rl_experiment_view_append_point (RlExperimentView *self,
                                  Run              *run,
                                  RlTwin            twin,
                                  guint             i)
{
  uint64_t iteration;
  double mean, lo, hi;

  rl_experiment_group_get_point (run->group, twin, i, curve_value (self), &iteration, &mean,
                                 &lo, &hi);
  if (!isfinite (mean))
    return;
  if (rl_experiment_group_get_n_seeds (run->group) > 1)
    rl_chart_append_band (self->chart, run->series[twin], (double) iteration, mean, lo, hi);
  else
    rl_chart_append (self->chart, run->series[twin], (double) iteration, mean);
}

static void
add_run_series (RlExperimentView *self,
                Run              *run)
{
  gboolean compact = _rl_experiment_view_n_visible (self) >= COMPACT_LABELS_FROM;
  gboolean numbered = depth_shown_twice (self, run);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_autofree char *name = compact ? g_strdup_printf ("%s%d", t == RL_TWIN_PLAIN ? "P" : "R",
                                                         run->config.depth)
                                      : g_strdup (run->names[t]);
      g_autofree char *label = numbered ? g_strdup_printf ("%s #%u", name, run->number)
                                        : g_strdup (name);

      run->series[t] = rl_chart_add_series (self->chart, label, &run->color,
                                            t == RL_TWIN_PLAIN ? RL_CHART_LINE_DASHED
                                                               : RL_CHART_LINE_SOLID,
                                            t == RL_TWIN_PLAIN ? 2.0 : 2.5, FALSE);
      for (guint i = 0; i < rl_experiment_group_get_n_points (run->group, (RlTwin) t); i++)
        _rl_experiment_view_append_point (self, run, (RlTwin) t, i);
    }
}

void
_rl_experiment_view_rebuild_chart (RlExperimentView *self)
{
  gboolean bands = FALSE;
  const char *note;

  rl_chart_remove_all_series (self->chart);
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      run->series[0] = run->series[1] = NO_SERIES;
      if (!run->visible)
        continue;
      add_run_series (self, run);
      bands |= rl_experiment_group_get_n_seeds (run->group) > 1;
    }
  note = _rl_experiment_view_n_visible (self) >= COMPACT_LABELS_FROM
         ? (bands ? _("P: plain, dashed · R: residual, solid · one colour per run "
                      "· band: min to max over the seeds, hatched for P")
                  : _("P: plain, dashed · R: residual, solid · one colour per run"))
         : (bands ? _("dashed: plain · solid: residual · one colour per run · "
                      "band: min to max over the seeds, hatched for plain")
                  : _("dashed: plain · solid: residual · one colour per run"));
  gtk_label_set_text (self->chart_note, note);
  /* a narrow window cuts the note short (three lines at most): whole in its tooltip */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->chart_note), note);
  rl_chart_set_y_label (self->chart, showing_test (self) ? _("test error (%)")
                                                         : _("training error (%)"));
  update_chart_title (self);
  _rl_experiment_view_update_y_range (self);
}

/* ---- the bars ----------------------------------------------------------------------------- */

static gboolean
showing_std (RlExperimentView *self)
{
  return g_strcmp0 (self->bars_mode, "std") == 0;
}

/* The bars of @record's twin from @record (nullable); the bars' scale widens to hold them. */
static void
set_record_bar_values (RlExperimentView         *self,
                       Run                      *run,
                       const RlExperimentRecord *record)
{
  RlTwin twin;
  g_autofree double *values = NULL;
  const double *src;

  if (record == NULL || record->n_layers == 0)
    return;
  twin = record->twin;
  src = showing_std (self) ? record->response_std : record->grad_norm;
  values = g_new (double, run->config.depth);
  for (int i = 0; i < run->config.depth; i++)
    values[i] = NAN;
  for (guint i = 0; i < record->n_layers && i < run->bar_of_layer[twin]->len; i++)
    {
      int bar = g_array_index (run->bar_of_layer[twin], int, i);

      if (bar >= 0)
        values[bar] = src[i];
    }
  rl_layer_bars_set_values (self->bars, twin == RL_TWIN_PLAIN ? RL_LAYER_BARS_TOP
                                                              : RL_LAYER_BARS_BOTTOM,
                            values, (guint) run->config.depth);
}

void
_rl_experiment_view_set_bar_values (RlExperimentView *self,
                                    Run              *run,
                                    RlTwin            twin)
{
  set_record_bar_values (self, run, run->last[twin]);
}

/* Shows the newest run's latest records (the current run's while one is in progress). */
void
_rl_experiment_view_rebuild_bars (RlExperimentView *self)
{
  Run *run = self->runs->len > 0 ? g_ptr_array_index (self->runs, self->runs->len - 1) : NULL;

  rl_layer_bars_set_title (self->bars, !showing_std (self)
                                       ? _("Gradient norm of each layer’s weights, ‖∂L/∂W‖")
                                       : run == NULL || run->config.bn
                                       ? _("Response std of each layer (after batch norm, "
                                         "before ReLU)")
                                       : _("Response std of each layer (before ReLU)"));
  rl_layer_bars_set_quantity (self->bars, showing_std (self) ? _("response standard deviation")
                                                             : _("gradient norm"));
  rl_layer_bars_set_placeholder (self->bars, showing_std (self)
                                             ? _("Each weight layer’s response std appears here "
                                               "while the twins train: the plain net above the "
                                               "line, the residual net below.")
                                             : _("Each weight layer’s gradient norm appears here "
                                               "while the twins train: the plain net above the "
                                               "line, the residual net below."));
  if (run == NULL)
    {
      rl_layer_bars_set_layers (self->bars, 0, NULL);
      return;
    }
  rl_layer_bars_set_layers (self->bars, (guint) run->config.depth,
                            (const char * const *) run->bar_names);
  rl_layer_bars_set_half (self->bars, RL_LAYER_BARS_TOP, run->names[RL_TWIN_PLAIN], &run->color);
  rl_layer_bars_set_half (self->bars, RL_LAYER_BARS_BOTTOM, run->names[RL_TWIN_RESIDUAL],
                          &run->color);
  /* every record so far first, so that the scale is the one the run built up record by
   * record (after a switch of what the bars show, or a restart, as it was while training) */
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint s = 0; s < rl_experiment_group_get_n_seeds (run->group); s++)
      for (guint i = 0; i < rl_experiment_group_get_n_records (run->group, (RlTwin) t, s); i++)
        set_record_bar_values (self, run,
                               rl_experiment_group_get_record (run->group, (RlTwin) t, s, i));
  for (int t = 0; t < RL_N_TWINS; t++)
    _rl_experiment_view_set_bar_values (self, run, (RlTwin) t);
}

/* ---- set-up ------------------------------------------------------------------------------- */

void
_rl_experiment_view_setup_plots (RlExperimentView *self)
{
  rl_chart_set_x_label (self->chart, _("iterations (batches of 64)"));
  rl_chart_set_x_format (self->chart, RL_CHART_FORMAT_COUNT);
  rl_chart_set_y_format (self->chart, RL_CHART_FORMAT_PERCENT);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Error of the plain and residual twins against iterations"),
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bars), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Per-layer statistics of the plain and residual twins"), -1);
  _rl_experiment_view_rebuild_chart (self);
  _rl_experiment_view_rebuild_bars (self);
}
