/* rl-window.h: the main window: header bar (Train, Pause/Resume, Stop, the view switcher, the
 * menu) and the Draw, Train and Inside views.
 *
 * The window owns the model in use (through an RlPredictor, which holds its own copy of the
 * weights), the RlTrainer and the store of every model trained here (RlModelStore: one file
 * per run in $XDG_DATA_HOME/reslab/runs, listed in the header bar's Models popover). Model at
 * start-up: the file opened or trained last (remembered in the GSettings key "model"; nothing
 * is remembered without the schema), else the seed net bundled in the GResource.
 *
 * Actions (win.): train, pause-resume, stop, open, save-as, reset-weights, restore-bundled,
 * clear, undo, random-image, view (string state: "draw", "train", "inside", "experiment");
 * the Models list's: use-model, delete-model, export-model (s: a run's path, "" for the
 * bundled model), rename-model ((ss): path, name), undo-delete-model, show-models,
 * dismiss-toast. On the Experiment page, train and stop start and stop the twins
 * (RlExperimentView); the header bar keeps its buttons, so the view switcher stays put.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-draw-view.h"
#include "rl-errors-view.h"
#include "rl-experiment-view.h"
#include "rl-inside-view.h"
#include "rl-landscape-view.h"
#include "rl-model-store.h"
#include "rl-models-popover.h"
#include "rl-number-view.h"
#include "rl-predictor.h"
#include "rl-train-view.h"
#include "rl-trainer.h"

G_BEGIN_DECLS

#define RL_BUNDLED_MODEL_RESOURCE "/org/reslab/ResLab/models/seed.safetensors"

#define RL_TYPE_WINDOW (rl_window_get_type ())
G_DECLARE_FINAL_TYPE (RlWindow, rl_window, RL, WINDOW, GtkApplicationWindow)

/* Returns: (transfer none): owned by GTK's list of toplevels until destroyed */
RlWindow     *rl_window_new                (GtkApplication *application);

/* "draw", "train", "inside" or "experiment" */
void          rl_window_set_view           (RlWindow   *self,
                                            const char *view);
const char   *rl_window_get_view           (RlWindow *self);

/* Every run trained here, and the bundled model. Returns: (transfer none) */
RlModelStore *rl_window_get_model_store    (RlWindow *self);
/* The file of the model in use: a run of the store or a file opened; NULL for the bundled
 * model, random weights or a trained model not saved. Returns: (transfer none) (nullable) */
const char   *rl_window_get_model_path     (RlWindow *self);

/* Returns: (transfer none) */
RlPredictor  *rl_window_get_predictor      (RlWindow *self);
/* Returns: (transfer none) */
RlTrainer    *rl_window_get_trainer        (RlWindow *self);
/* Returns: (transfer none) */
RlDrawView   *rl_window_get_draw_view      (RlWindow *self);
/* Returns: (transfer none) */
RlTrainView  *rl_window_get_train_view     (RlWindow *self);
/* Returns: (transfer none) */
RlInsideView *rl_window_get_inside_view    (RlWindow *self);
/* The Errors view (rl-window-errors.c). Returns: (transfer none) */
RlErrorsView *rl_window_get_errors_view    (RlWindow *self);
/* Returns: (transfer none) */
RlExperimentView *rl_window_get_experiment_view (RlWindow *self);
/* The Experiment page's Landscape tab. Returns: (transfer none) */
RlLandscapeView *rl_window_get_landscape_view (RlWindow *self);
/* The header bar's Models list. Returns: (transfer none) */
RlModelsPopover *rl_window_get_models_popover (RlWindow *self);
/* Shows the Experiment page's tab @page: "curves" or "landscape". */
void          rl_window_show_experiment_page (RlWindow   *self,
                                              const char *page);
/* The Number view (rl-window-number.c). Returns: (transfer none) */
RlNumberView *rl_window_get_number_view    (RlWindow *self);
/* The in-app notification's text while it is shown, else NULL. Returns: (transfer none) */
const char   *rl_window_get_notification   (RlWindow *self);
/* One line about the model in use ("seed net bundled with ResLab · MNIST · …").
 * Returns: (transfer none) */
const char   *rl_window_get_model_description (RlWindow *self);
/* TRUE from the train action until the run's result is saved (or the run failed). */
gboolean      rl_window_is_busy            (RlWindow *self);

/* Measures main-loop stalls while training runs (see rl-application.c: --debug-stalls). */
void          rl_window_set_debug_stalls   (RlWindow *self,
                                            gboolean  enabled);
/* The longest gaps seen while training: between 5 ms timer callbacks beyond the 5 ms, and
 * between frame-clock ticks; and the seconds of training measured. FALSE when nothing was. */
gboolean      rl_window_get_stall_report   (RlWindow *self,
                                            double   *timer_late_ms,
                                            double   *frame_gap_ms,
                                            double   *seconds);

G_END_DECLS
