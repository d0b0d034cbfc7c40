/* rl-experiment-view.h: the Experiment view: a plain net and its residual twin trained side
 * by side (RlExperimentRunner), with one seed or several, their error curves overlaid on one
 * chart (plain dashed, residual solid, one colour per run; several seeds: the mean with a
 * min-max band), every run kept in a list of runs whose check buttons show or hide its curves
 * (until Clear), and the per-layer gradient norms (or response std) of the running pair as
 * mirrored bars (RlLayerBars).
 *
 * The view owns its runner and loads the datasets it needs itself. It does not use the
 * window's trainer: the window blocks it (rl_experiment_view_set_blocked) while a Train run is
 * in progress, and watches "busy" to block Train while the twins run.
 *
 * Finished runs can be kept as files and restored at the next start
 * (rl_experiment_view_keep_runs, in rl-experiment-view-files.c), with the first seed's trained
 * twins, whose loss landscape a run's menu in the list shows (the window's win.show-landscape),
 * and whether each run's curves are shown.
 *
 * Actions (experiment.): run, stop, pause (pauses or resumes: the elapsed time leaves the pause
 * out), clear (deletes the kept runs' files too), export-csv, export-figure (a file chooser,
 * then the shown runs as the command line writes them); curve (string state "train" or "test": which error the chart shows); bars
 * (string state "grad" or "std": what the bars show). Ctrl+Return, Ctrl+. and Ctrl+P run,
 * stop and pause when the focus is in the view (the window forwards the first two otherwise).
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
/* The learning rate (the spin's range: 0.001 to 1) */
void                rl_experiment_view_set_learning_rate (RlExperimentView *self,
                                                          double            lr);

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

/* Runs in the list of runs (shown on the chart or not). */
guint               rl_experiment_view_get_n_runs       (RlExperimentView *self);
/* The chart's series of run @run (0 = the oldest) and @twin; G_MAXUINT when the run is hidden. */
guint               rl_experiment_view_get_series       (RlExperimentView *self,
                                                         guint             run,
                                                         RlTwin            twin);
const char         *rl_experiment_view_get_status       (RlExperimentView *self);
/* The check button of run @run (in the order started) in the list of runs: it shows or hides
 * the run's curves. Returns: (transfer none) */
GtkCheckButton     *rl_experiment_view_get_run_check    (RlExperimentView *self,
                                                         guint             run);
/* The training time of a finished run @run, its pauses left out. */
double              rl_experiment_view_get_run_seconds  (RlExperimentView *self,
                                                         guint             run);
/* Seeds per run (the Seeds spin, 1 to 5). */
void                rl_experiment_view_set_seeds        (RlExperimentView *self,
                                                         guint             n_seeds);
guint               rl_experiment_view_get_seeds        (RlExperimentView *self);
/* Writes the shown runs' curves as the command line's degradation.csv (a row per record and
 * seed), or their figure as PNG or SVG (by the extension) through the command line's painter.
 * Without @overwrite an existing file is left alone (G_IO_ERROR_EXISTS); the Export buttons'
 * file chooser asks before replacing one. Errors: also RL_ERROR_INVALID_ARGUMENT when no run
 * is shown or the extension is wrong, GFileError when it cannot be written. */
gboolean            rl_experiment_view_export_csv       (RlExperimentView *self,
                                                         const char       *path,
                                                         gboolean          overwrite,
                                                         GError          **error);
gboolean            rl_experiment_view_export_figure    (RlExperimentView *self,
                                                         const char       *path,
                                                         gboolean          overwrite,
                                                         GError          **error);

/* Keeps every run that finishes from now on as a file in @dir (rl-experiment-file.h; the
 * window passes $XDG_DATA_HOME/reslab/experiments), and restores the runs already there, in
 * the order they finished, as if they had just finished; Clear deletes their files. Beside a
 * run's file, the first seed's trained twins (with their initial weights), once it is written;
 * and in the folder, each run's tick, written whenever one changes: a restored run is shown
 * or hidden as it was (a run without a tick as a new run would be). Reading and writing happen
 * off the main thread. A file that cannot be read is left as it is and named in a message once
 * (not again at the next start unless it changes); a run, or twins, that cannot be saved are
 * reported too. Call it once, before the first run. */
void                rl_experiment_view_keep_runs        (RlExperimentView *self,
                                                         const char       *dir);
/* TRUE while the kept runs are being read (a run may start meanwhile: it comes after them;
 * Clear waits). */
gboolean            rl_experiment_view_is_restoring     (RlExperimentView *self);
/* The records of run @run (0 = the oldest). Returns: (transfer none) */
const RlExperimentGroup *rl_experiment_view_get_run_group (RlExperimentView *self,
                                                           guint             run);
/* The file run @run is kept in, or NULL (not kept, or its save failed).
 * Returns: (transfer none) (nullable) */
const char         *rl_experiment_view_get_run_path     (RlExperimentView *self,
                                                         guint             run);
/* The second line of run @run's row: its data, SGD and seeds, its time, and once it is kept,
 * the size of its files (rl_experiment_file_measure). Returns: (transfer none) */
const char         *rl_experiment_view_get_run_detail   (RlExperimentView *self,
                                                         guint             run);
/* The menu of run @run's row: Use These Settings (experiment.use-settings, the run's number:
 * its settings back in the form) and, once its twins are kept beside its file, Loss Landscape
 * (win.show-landscape with their model files, rl_experiment_file_twin_path), or "Loss
 * Landscape of resnet-20" when one twin's model was not kept (its file could not be written,
 * or was removed since). Returns: (transfer none) */
GMenuModel         *rl_experiment_view_get_run_menu     (RlExperimentView *self,
                                                         guint             run);
/* The run of the list that keeps a twin's trained model at @path: the twin's name with its
 * run's number ("plain-20 (run 2)": several runs of a depth have twins of the same name), the
 * dataset the run trained on and, for the Landscape tab's note, a sentence about the run's
 * kept twins (the same for either), else NULL: that its other twin's model was not kept (then
 * the landscape shows one model), and that a twin which diverged in the first seed is kept at
 * its last finite weights (the training loop undid the step that broke them). FALSE when none
 * does. name, remark: (out) (optional) (transfer full) */
gboolean            rl_experiment_view_find_twin        (RlExperimentView  *self,
                                                         const char        *path,
                                                         char             **name,
                                                         RlDatasetKind     *kind,
                                                         char             **remark);

/* The twins the runner handed over when the last run ended (rl_experiment_runner_get_trained),
 * as the Landscape tab names them: @names, each with its run's number as
 * rl_experiment_view_find_twin names a kept run's ("plain-20 (run 2)"), and @remark, which
 * twin diverged and where (seen at its last finite weights), else NULL. Run numbers are not
 * reused after a Clear, so a name stays that run's. FALSE when no run handed twins over.
 * names: (out caller-allocates) (transfer full); remark: (out) (optional) (transfer full) */
gboolean            rl_experiment_view_describe_trained (RlExperimentView  *self,
                                                         char              *names[RL_N_TWINS],
                                                         char             **remark);

/* Returns: (transfer none) */
RlExperimentRunner *rl_experiment_view_get_runner       (RlExperimentView *self);
/* Returns: (transfer none) */
RlChart            *rl_experiment_view_get_chart        (RlExperimentView *self);
/* Returns: (transfer none) */
RlLayerBars        *rl_experiment_view_get_bars         (RlExperimentView *self);

G_END_DECLS
