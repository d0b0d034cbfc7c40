/* rl-experiment-view.h: the Experiment view: a plain net and its residual twin trained side
 * by side (RlExperimentRunner), their error curves overlaid on one chart (plain dashed,
 * residual solid, one colour per depth; earlier depths stay until cleared) and the per-layer
 * gradient norms (or response std) of the running pair as mirrored bars (RlLayerBars).
 *
 * The view owns its runner and loads the datasets it needs itself. It does not use the
 * window's trainer: the window blocks it (rl_experiment_view_set_blocked) while a Train run is
 * in progress, and watches "busy" to block Train while the twins run.
 *
 * Actions (experiment.): run, stop, clear; curve (string state "train" or "test": which error
 * the chart shows); bars (string state "grad" or "std": what the bars show). Ctrl+Return and
 * Ctrl+. run and stop when the focus is in the view (the window forwards them otherwise).
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-chart.h"
#include "rl-experiment-runner.h"
#include "rl-layer-bars.h"

G_BEGIN_DECLS

#define RL_TYPE_EXPERIMENT_VIEW (rl_experiment_view_get_type ())
G_DECLARE_FINAL_TYPE (RlExperimentView, rl_experiment_view, RL, EXPERIMENT_VIEW, GtkWidget)

/* The settings as an experiment config (the view's fixed choices filled in: batch 64,
 * momentum 0.9, weight decay 1e-4, seed 1, the record interval) and the dataset. */
void                rl_experiment_view_get_settings     (RlExperimentView   *self,
                                                         RlExperimentConfig *config,
                                                         RlDatasetKind      *kind);
/* 8, 20, 32, 44 or 56 */
void                rl_experiment_view_set_depth        (RlExperimentView *self,
                                                         int               depth);
int                 rl_experiment_view_get_depth        (RlExperimentView *self);
void                rl_experiment_view_set_train_images (RlExperimentView *self,
                                                         guint             n);
void                rl_experiment_view_set_epochs       (RlExperimentView *self,
                                                         int               epochs);
void                rl_experiment_view_set_shortcut     (RlExperimentView *self,
                                                         RlShortcut        shortcut);
void                rl_experiment_view_set_bn           (RlExperimentView *self,
                                                         gboolean          bn);

/* Binds the settings of the twins to @settings (rl-window-settings.c) */
void                rl_experiment_view_bind_settings    (RlExperimentView *self,
                                                         GSettings        *settings);

/* While @reason is not NULL the twins cannot start; the reason is shown. */
void                rl_experiment_view_set_blocked      (RlExperimentView *self,
                                                         const char       *reason);
/* TRUE from the run action until the run has finished (loading the data included). */
gboolean            rl_experiment_view_is_busy          (RlExperimentView *self);
/* Whether the run action would start the twins now. */
gboolean            rl_experiment_view_can_run          (RlExperimentView *self);

/* Runs shown on the chart (one per depth). */
guint               rl_experiment_view_get_n_runs       (RlExperimentView *self);
/* The chart's series of run @run (0 = the oldest) and @twin. */
guint               rl_experiment_view_get_series       (RlExperimentView *self,
                                                         guint             run,
                                                         RlTwin            twin);
const char         *rl_experiment_view_get_status       (RlExperimentView *self);

/* Returns: (transfer none) */
RlExperimentRunner *rl_experiment_view_get_runner       (RlExperimentView *self);
/* Returns: (transfer none) */
RlChart            *rl_experiment_view_get_chart        (RlExperimentView *self);
/* Returns: (transfer none) */
RlLayerBars        *rl_experiment_view_get_bars         (RlExperimentView *self);

G_END_DECLS
