/* rl-window-private.h: the window's instance struct and the functions its parts share.
 *
 * RlWindow is written in parts, one per concern (after GNOME Text Editor's editor-window-*.c):
 *   rl-window.c          the widget: class, template, init, dispose, the view property;
 *                        the focus passed on when its widget is made insensitive or hidden
 *   rl-window-actions.c  the win. actions, their key bindings and when they are enabled
 *   rl-window-model.c    the model in use: start-up choice, open, save, reset, persistence
 *   rl-window-training.c a training run: data, start, progress, the result saved
 *   rl-window-models.c   the Models list: every run kept, chosen, renamed, deleted, exported;
 *                        the in-app notification (with Undo or Save As)
 *   rl-window-stalls.c   main-loop stall measurement while training (--debug-stalls)
 *   rl-window-settings.c what is remembered between runs (GSettings)
 *   rl-window-errors.c   the Errors view: its model, its refreshes, its images opened in Draw
 *   rl-window-landscape.c the Landscape tab fed from the Models list (win.show-landscape)
 * Functions named _rl_window_* are private to these files.
 */
#pragma once

#include "rl-window.h"
#include "rl-model-store.h"
#include "rl-models-popover.h"
#include "rl-errors-view.h"
#include "rl-number-view.h"
#include "rl-teacher.h"

G_BEGIN_DECLS

typedef enum {
  MODEL_BUNDLED,   /* the seed net in the GResource */
  MODEL_FILE,      /* opened from, or saved as, model_path */
  MODEL_TRAINED,   /* trained here and kept as model_path, a run of the model store */
  MODEL_RANDOM,    /* fresh weights, not saved */
  MODEL_UNSAVED,   /* trained here, but saving it failed: only in memory */
} ModelSource;

struct _RlWindow
{
  GtkApplicationWindow parent_instance;

  /* template widgets */
  GtkWidget    *train_button;
  GtkWidget    *pause_button;
  GtkWidget    *stop_button;
  GtkWidget    *switcher;
  GtkWidget    *menu_button;
  GtkWidget    *models_button;
  RlModelsPopover *models_popover;
  GtkRevealer  *toast_revealer;
  GtkLabel     *toast_label;
  GtkButton    *toast_button;
  GtkStack     *stack;
  RlDrawView   *draw_view;
  RlTrainView  *train_view;
  RlInsideView *inside_view;
  RlExperimentView *experiment_view;
  GtkStack     *experiment_stack;   /* Curves | Landscape */
  RlLandscapeView *landscape_view;
  RlErrorsView *errors_view;
  RlNumberView *number_view;

  /* owned: teaching it your digits (rl-window-teach.c) */
  RlTeacher    *teacher;
  GCancellable *teach_cancellable; /* the MNIST load for a teaching run */
  gboolean      teach_saving;      /* the taught model is being written to Models */
  char         *teach_from;        /* what the model taught was: its file or a description */
  /* the digit "This is a…" added last, for the notification's Undo */
  guint         added_index;
  guint8        added_label;
  float        *added_image;       /* the input as added; NULL: nothing to undo */

  /* owned: the model in use (rl-window-model.c) */
  RlPredictor  *predictor;
  ModelSource   model_source;
  char         *model_path;        /* for MODEL_FILE and MODEL_TRAINED */
  double        model_test_accuracy;
  char         *model_description;
  GCancellable *cancellable;       /* open and save jobs; cancelled on dispose */

  /* owned: the picture shown in Draw (rl-window-files.c), its file or its bytes, to make again
   * as the images of another dataset's model are made when the model in use changes */
  GFile        *picture_file;
  GBytes       *picture_bytes;
  char         *picture_name;
  RlDatasetKind picture_kind;

  /* borrowed: the help window while it is open (NULLed by a weak pointer); it is destroyed
   * with the window */
  GtkWidget    *help_window;
  /* borrowed: the widget that had the focus last (a weak pointer), and the idle that passes
   * the focus on when that widget is made insensitive or hidden (rl-window.c) */
  GtkWidget    *focus_last;
  guint         focus_idle_id;

  /* owned: the Models list and the notification (rl-window-models.c) */
  RlModelStore *model_store;
  guint         toast_timeout_id;
  /* owned: the models and data of the Landscape tab loading (rl-window-landscape.c) */
  GCancellable *landscape_cancellable;
  gboolean      landscape_offered;  /* a kept run's twins were offered to the empty tab */

  /* owned: training (rl-window-training.c) */
  RlTrainer    *trainer;
  gboolean      busy;              /* from the train action until the result is saved */
  GCancellable *data_cancellable;  /* the dataset load for the run being prepared */
  RlTrainConfig run_config;
  guint         run_images;
  gboolean      run_from_current;
  RlArch       *run_arch;        /* the net of a run from random weights (the Train view's) */
  float         run_test_accuracy; /* last full test-set accuracy of the run, NaN before */
  int           run_epochs_done;
  int           run_stopped_batch; /* a run stopped inside an epoch: the batches it did of it, */
  int           run_epoch_batches; /* of these; 0 when it ended at an epoch's end */
  guint64       run_images_seen;
  RlDataset    *run_test_set;      /* the run's test set, for measuring the weights kept */
  char         *run_end_text;      /* "Stopped at epoch E, batch B of N." */
  char         *run_kept_path;     /* the file the last run was kept as, once saved; the Train
                                    * view's closing status follows it (renamed, deleted, in
                                    * use or not): _rl_window_update_run_status */
  char         *run_kept_note;     /* why its initial weights were not kept, or NULL */
  RlModel      *backup;            /* the model before the run, restored if it fails */
  RlModel      *run_initial;       /* a run from fresh weights: those weights, saved beside the
                                    * run (rl_model_file_save_run_async); NULL when continued */
  RlDatasetKind backup_kind;

  /* closing while a run trains (rl-window-quit.c) */
  GtkWidget    *quit_dialog;       /* borrowed, while it is open (a weak pointer) */
  gboolean      close_after_runs;  /* "Stop and Quit" chosen: close once the runs have ended */
  guint         close_idle_id;

  /* owned: the settings, NULL without the schema (made in rl_window_init, bound in
   * rl-window-settings.c; the "model" key in rl-window-model.c) */
  GSettings    *settings;
  /* the Errors view (rl-window-errors.c): an epoch ended, evaluate the next weights */
  gboolean      errors_pending;

  /* owned: main-loop stall measurement (rl-window-stalls.c) */
  gboolean      stalls_enabled;
  guint         stall_tick_id;
  guint         stall_timer_id;
  gint64        stall_last_tick;
  gint64        stall_last_timer;
  gint64        stall_max_frame_gap;
  gint64        stall_max_timer_gap;
  gint64        stall_since;
  gint64        stall_total;
};

/* rl-window-quit.c: the close-request handler, which asks first while a run trains */
void        _rl_window_class_quit_init      (GtkWindowClass *window_class);
/* Closes the window if "Stop and Quit" was chosen and no run trains any more */
void        _rl_window_quit_check           (RlWindow *self);
void        _rl_window_quit_dispose         (RlWindow *self);

/* rl-window-actions.c: installs the win. actions and their keys */
void        _rl_window_class_actions_init   (GtkWidgetClass *widget_class);
/* Enables the actions, and sets up the header bar's buttons, for the current state */
void        _rl_window_actions_update       (RlWindow *self);
/* The part of that which follows the canvas and the Draw view's test set */
void        _rl_window_draw_actions_update  (RlWindow *self);
gboolean    _rl_window_experiment_visible   (RlWindow *self);

/* rl-window-model.c: a window and a file, for the callbacks of file jobs */
typedef struct {
  RlWindow *self;   /* a reference */
  char     *path;
} PathData;
PathData   *_rl_window_path_data_new        (RlWindow   *self,
                                             const char *path);
void        _rl_window_path_data_free       (PathData   *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PathData, _rl_window_path_data_free)

/* rl-window-model.c: creates the predictor with the start-up model */
void        _rl_window_model_init           (RlWindow *self);
/* Says which model is in use, in the Draw view */
void        _rl_window_update_description   (RlWindow *self);
/* Writes the model in use to the "model" setting, for the next start (no-op without schema) */
void        _rl_window_remember_model       (RlWindow *self);
/* Returns: (transfer full): dataset, date, software, test accuracy and epochs (when known) */
GHashTable *_rl_window_model_metadata       (RlDatasetKind  kind,
                                             double         test_accuracy,
                                             int            epochs);
/* The choosers' filter for model files. Returns: (transfer full) */
GtkFileFilter *_rl_window_safetensors_filter (void);
/* rl-window-files.c: Open Image (win.open-image), a file dropped on the window or named on the
 * command line (win.open-file): a .safetensors file as the model, anything else as an image */
void        _rl_window_files_init           (RlWindow       *self);
void        _rl_window_class_files_init     (GtkWidgetClass *widget_class);
/* An Open chooser on the window for the files of @filter (a reference is taken), with "All
 * files" beside it. Returns: (transfer full) */
GtkFileChooserNative *_rl_window_open_chooser_new  (RlWindow        *self,
                                                    const char      *title,
                                                    GtkFileFilter   *filter);
/* The file a chooser was answered with, and the chooser unreferenced.
 * Returns: (transfer full) (nullable): NULL when cancelled or not a local file */
char                 *_rl_window_chooser_take_path (GtkNativeDialog *native,
                                                    int              response);

/* The file chooser, then _rl_window_open_model_path () */
void        _rl_window_open_model           (RlWindow   *self);
void        _rl_window_open_model_path      (RlWindow   *self,
                                             const char *path);
void        _rl_window_save_model_as        (RlWindow   *self);
void        _rl_window_ask_reset_weights    (RlWindow   *self);
void        _rl_window_restore_bundled      (RlWindow   *self);

/* rl-window-models.c: the store of runs, the Models popover, the notification */
void        _rl_window_models_init          (RlWindow *self);
void        _rl_window_models_dispose       (RlWindow *self);
void        _rl_window_class_models_init    (GtkWidgetClass *widget_class);
/* Marks the model in use in the Models list (after it changed). */
void        _rl_window_models_update_current (RlWindow *self);
/* Shows @text with a button for @action_name (nullable: no button) labelled @button_label,
 * for a while; _rl_window_hide_toast hides it at once. */
void        _rl_window_show_toast           (RlWindow   *self,
                                             const char *text,
                                             const char *button_label,
                                             const char *action_name);
void        _rl_window_hide_toast           (RlWindow   *self);

/* rl-window-landscape.c: win.show-landscape, the loss landscape of models of the list; and
 * the twins of each experiment run that ends, in the Landscape tab (_init) */
void        _rl_window_landscape_init       (RlWindow *self);
void        _rl_window_landscape_dispose    (RlWindow *self);
void        _rl_window_class_landscape_init (GtkWidgetClass *widget_class);

/* rl-window-training.c: creates the trainer and follows it (and the Train view's settings) */
void        _rl_window_training_init        (RlWindow *self);
void        _rl_window_training_dispose     (RlWindow *self);
/* Starts a run with the Train view's settings, once the data is loaded */
void        _rl_window_train                (RlWindow *self);
/* Stops the Train view's run within a batch, or the data load before it */
void        _rl_window_stop_training        (RlWindow *self);
/* The Train view's status after a run was kept, told again from what is true now: the name
 * the run has in Models, whether it is still there, whether drawing still uses it. Nothing
 * before a run is kept, or while the next one runs. */
void        _rl_window_update_run_status    (RlWindow *self);

/* rl-window-settings.c: binds the window's and the views' settings, and unbinds them */
void        _rl_window_settings_init        (RlWindow *self);
void        _rl_window_settings_dispose     (RlWindow *self);
/* rl-window-errors.c: connects the Errors view to the predictor, the trainer and Draw */
void        _rl_window_errors_init          (RlWindow *self);
/* rl-window-number.c: the Number view reads with the model in use */
void        _rl_window_number_init          (RlWindow *self);
void        _rl_window_number_dispose       (RlWindow *self);
/* rl-window-teach.c: Draw's "This is a…", your digits, Learn from My Digits */
void        _rl_window_teach_init           (RlWindow *self);
void        _rl_window_teach_dispose        (RlWindow *self);
/* TRUE from Learn until the taught model is saved (or the attempt failed) */
gboolean    _rl_window_teach_busy           (RlWindow *self);
void        _rl_window_class_teach_init     (GtkWidgetClass *widget_class);
/* The view switcher's button for the page called @name. Returns: (transfer none) (nullable) */
GtkWidget  *_rl_window_switcher_button      (RlWindow   *self,
                                             const char *name);

/* rl-window-stalls.c: measures while training runs, when --debug-stalls asked for it */
void        _rl_window_stall_start          (RlWindow *self);
void        _rl_window_stall_stop           (RlWindow *self);

G_END_DECLS
