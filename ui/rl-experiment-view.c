#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view.c: see rl-experiment-view.h. The widget itself: class, template, init
 * and dispose, its properties, which of its actions are enabled (busy, blocked, paused), and
 * the getters. The rest of the view is in parts named for what they hold (see
 * rl-experiment-view-private.h): the list of runs, running the twins, the settings, the chart
 * and bars, the runs kept as files and restored, the twins the Landscape tab names, Export.
 *
 * A run is kept as the records both twins delivered over its seeds (an RlExperimentGroup of
 * immutable, refcounted records), so the chart can be rebuilt from them at any time: when the
 * curve shown changes (training or test error), when a run's check button in the list of runs
 * is toggled, or when a later seed moves the mean. Every run stays in the list until Clear
 * (and across restarts, kept as a file: rl-experiment-view-files.c and -restore.c);
 * the chart holds two series per shown run, in run order (Run.series), the mean over the seeds
 * with a min-max band when there are several. A new run hides an earlier one of the same depth
 * and setting (it is still in the list: rl-experiment-view-list.c). The bars show the newest
 * record of each twin of the current (or last) run. The chart and the bars:
 * rl-experiment-view-plots.c. Export: rl-experiment-view-export.c.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include "rl-widget-util.h"
#include "rl-trainer.h"

G_DEFINE_FINAL_TYPE (RlExperimentView, rl_experiment_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_CURVE,
  PROP_BARS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- state -------------------------------------------------------------------------------- */

void
_rl_experiment_view_set_busy (RlExperimentView *self,
                              gboolean          busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_sensitive (self->settings_grid, !busy);
  _rl_experiment_view_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
_rl_experiment_view_update_actions (RlExperimentView *self)
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
    _rl_experiment_view_set_status (self, reason != NULL
                                          ? reason
                                          : _("Pick a depth and press Train Twins. Each run "
                                              "adds its pair of curves; run another depth to "
                                              "compare."));
  _rl_experiment_view_update_actions (self);
}

/* ---- public API --------------------------------------------------------------------------- */

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

const RlExperimentGroup *
rl_experiment_view_get_run_group (RlExperimentView *self,
                                  guint             run)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);
  g_return_val_if_fail (run < self->runs->len, NULL);

  return ((Run *) g_ptr_array_index (self->runs, run))->group;
}

const char *
rl_experiment_view_get_run_path (RlExperimentView *self,
                                 guint             run)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);
  g_return_val_if_fail (run < self->runs->len, NULL);

  return ((Run *) g_ptr_array_index (self->runs, run))->path;
}

const char *
rl_experiment_view_get_run_detail (RlExperimentView *self,
                                   guint             run)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);
  g_return_val_if_fail (run < self->runs->len, NULL);

  return gtk_label_get_text (((Run *) g_ptr_array_index (self->runs, run))->detail);
}

GMenuModel *
rl_experiment_view_get_run_menu (RlExperimentView *self,
                                 guint             run)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), NULL);
  g_return_val_if_fail (run < self->runs->len, NULL);

  return gtk_menu_button_get_menu_model (
    ((Run *) g_ptr_array_index (self->runs, run))->menu_button);
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

  _rl_experiment_view_class_init_running (widget_class);
  _rl_experiment_view_class_init_settings (widget_class);
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
  rl_view_init_spin_wheel (GTK_WIDGET (self));

  _rl_experiment_view_init_running (self);

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
  _rl_experiment_view_update_actions (self);
}
