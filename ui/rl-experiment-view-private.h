/* rl-experiment-view-private.h: the Experiment view's instance struct and what its parts share.
 *
 * RlExperimentView is written in parts, one per concern (as RlWindow is, rl-window-private.h):
 *   rl-experiment-view.c          the widget: class, template, init, dispose, properties,
 *                                 which actions are enabled, the getters
 *   rl-experiment-view-list.c     the runs (Run) and the list of runs: rows, ticks, menus
 *   rl-experiment-view-running.c  the twins at work: run, stop, pause, clear, the runner's
 *                                 records and end, the progress and status lines
 *   rl-experiment-view-settings.c the form as an experiment config, a run's settings back in
 *                                 it, and what is kept between runs (GSettings)
 *   rl-experiment-view-plots.c    the chart and the bars
 *   rl-experiment-view-files.c    finished runs kept as files (engine/rl-experiment-file*.c)
 *                                 with their trained twins and their ticks, the Clear that
 *                                 deletes them, and the messages when a save fails
 *   rl-experiment-view-restore.c  the kept runs read again at start-up, and the message when
 *                                 a file is bad
 *   rl-experiment-view-twins.c    the trained twins as the Landscape tab names them
 *   rl-experiment-view-export.c   Export: the shown runs as CSV or a figure
 * Functions named _rl_experiment_view_* are private to these files.
 */
#pragma once

#include "rl-experiment-view.h"
#include "rl-experiment-file.h"

G_BEGIN_DECLS

#define NO_SERIES G_MAXUINT

typedef struct {
  guint              number;        /* 1, 2, ... in the order started; never reused after a Clear
                                     * (the Landscape tab may still name a cleared run's twins) */
  RlExperimentConfig config;        /* as the experiment resolved it (the first seed's) */
  RlDatasetKind      kind;
  guint              n_seeds;
  char              *names[RL_N_TWINS];
  GdkRGBA            color;
  RlExperimentGroup *group;         /* every seed's records */
  RlExperimentRecord *last[RL_N_TWINS];     /* the newest record of each twin, or NULL */
  gboolean           visible;       /* its curves on the chart (the row's check button) */
  guint              series[RL_N_TWINS];    /* its chart series, NO_SERIES when hidden */
  GArray            *layers[RL_N_TWINS];    /* RlExperimentLayer: each twin's weight layers */
  GtkWidget         *row;           /* (not owned) its row in the list of runs */
  GtkCheckButton    *check;
  GtkLabel          *detail;
  GtkMenuButton     *menu_button;   /* the row's menu: Use These Settings, Loss Landscape */
  /* Bars: for each of the twin's weight layers (in RlExperimentLayer order), its bar (0-based
   * position among the depth's layers), or -1 for a projection shortcut (not counted). */
  GArray            *bar_of_layer[RL_N_TWINS];
  char             **bar_names;     /* (depth) the layers' names, NULL-terminated */
  guint64            total;         /* iterations */
  double             seconds;       /* wall time, once finished */
  gboolean           finished;
  gboolean           completed;
  char              *path;          /* the file it is kept in (while saving too), or NULL */
  gboolean           twin_kept[RL_N_TWINS];   /* its twin's trained model is kept beside it */
  guint64            size;          /* bytes of its files once kept (with its twins), or 0 */
} Run;

struct _RlExperimentView
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget          *root;
  GtkWidget          *settings_grid;
  GtkDropDown        *depth_dropdown;
  GtkDropDown        *shortcut_dropdown;
  GtkSwitch          *bn_switch;
  GtkDropDown        *dataset_dropdown;
  GtkSpinButton      *images_spin;
  GtkSpinButton      *epochs_spin;
  GtkSpinButton      *lr_spin;
  GtkSpinButton      *seeds_spin;
  GtkWidget          *run_button;
  GtkWidget          *pause_button;
  GtkWidget          *stop_button;
  GtkWidget          *clear_button;
  GtkLabel           *progress_label;
  GtkProgressBar     *progress_bar;
  GtkLabel           *status_label;
  GtkLabel           *chart_note;
  GtkToggleButton    *zoom_button;
  GtkListBox         *runs_list;
  GtkWidget          *runs_placeholder;
  RlChart            *chart;
  RlLayerBars        *bars;

  /* owned */
  RlExperimentRunner *runner;
  GArray             *kinds;          /* RlDatasetKind of each dataset entry */
  GPtrArray          *runs;           /* of Run*, oldest first */
  Run                *current;        /* the run in progress (the last of runs), or NULL */
  char               *curve;          /* "train" or "test" */
  char               *bars_mode;      /* "grad" or "std" */
  char               *blocked;        /* why the twins cannot start now, or NULL */
  gboolean            busy;           /* from the run action to "finished" */
  gint64              started_us;     /* monotonic time the current run started */
  gint64              paused_us;      /* time the current run spent paused, before now */
  gint64              pause_began_us; /* when the pause in progress began, or 0 */
  guint               next_number;    /* the last run's number, cleared runs' included */
  guint               trained_run;    /* the number of the run whose twins the runner handed
                                       * over when it ended, or 0 */
  guint               progress_id;    /* refreshes the progress line while a run trains */

  /* owned: the data (cached by rl_dataset_loader) */
  GCancellable       *load_cancellable;   /* while loading, else NULL */
  RlExperimentConfig  pending;        /* the run being prepared */
  RlDatasetKind       pending_kind;

  /* finished runs kept as files (rl-experiment-view-files.c, -restore.c) */
  char               *keep_dir;       /* NULL: runs are not kept */
  GCancellable       *restore_cancellable;   /* while the kept runs are read, else NULL */
  gint64              last_saved_us;  /* the newest file name's time, so that names sort */
  struct _TicksWriter *ticks;         /* writes the runs' ticks, one write at a time */
  gboolean            ticks_changed;  /* while the kept runs were read */
};

/* rl-experiment-view.c */
/* The "busy" property: the form is insensitive while it is TRUE. */
void      _rl_experiment_view_set_busy      (RlExperimentView *self,
                                             gboolean          busy);
/* Which experiment. actions are enabled, and the pause button's icon and words. */
void      _rl_experiment_view_update_actions (RlExperimentView *self);

/* rl-experiment-view-list.c */
/* A run in the list, not yet added: @layers (each twin's RlExperimentLayer, copied) label the
 * bars. Returns: (transfer full) */
Run      *_rl_experiment_run_new            (const RlExperimentConfig *config,
                                             RlDatasetKind             kind,
                                             guint                     n_seeds,
                                             guint64                   total,
                                             const char               *plain_name,
                                             const char               *residual_name,
                                             GArray                   *layers[RL_N_TWINS],
                                             guint                     number);
void      _rl_experiment_run_free           (gpointer data);
/* Its number in the list and the colour that goes with it. */
void      _rl_experiment_run_set_number     (Run              *run,
                                             guint             number);
/* Appends @run (owned) to the runs and its row to the list; with @hide_earlier, when @run is
 * shown, an earlier shown run of the same depth and setting is hidden. Returns whether one was. */
gboolean  _rl_experiment_view_add_run       (RlExperimentView *self,
                                             Run              *run,
                                             gboolean          hide_earlier);
/* The row's two lines again: the run's setting, its state or time, and once kept, its size. */
void      _rl_experiment_view_update_run_row  (Run            *run);
/* The row's menu again, after the run's twins were kept. */
void      _rl_experiment_view_update_run_menu (Run            *run);
/* The chart, the bars and the actions again, after runs were added. */
void      _rl_experiment_view_refresh       (RlExperimentView *self);

/* Runs of one setting differ in depth (and seeds) only. */
gboolean  _rl_experiment_run_same_setting   (const Run                *run,
                                             const RlExperimentConfig *config,
                                             RlDatasetKind             kind);
/* "12,800", grouped as the locale writes numbers. Returns: (transfer full) */
char     *_rl_experiment_format_count       (guint64          n);
/* "2:05", minutes and seconds. Returns: (transfer full) */
char     *_rl_experiment_format_minutes     (double           seconds);

/* rl-experiment-view-running.c */
/* Installs experiment.run, experiment.stop, experiment.clear and experiment.pause. */
void      _rl_experiment_view_class_init_running (GtkWidgetClass *widget_class);
/* Makes the runner and connects to its signals. */
void      _rl_experiment_view_init_running  (RlExperimentView *self);
void      _rl_experiment_view_set_status    (RlExperimentView *self,
                                             const char       *text);
/* What a finished run came to, for the status line. Returns: (transfer full) */
char     *_rl_experiment_run_summary        (Run              *run);

/* rl-experiment-view-settings.c */
/* Installs experiment.use-settings. */
void      _rl_experiment_view_class_init_settings (GtkWidgetClass *widget_class);

/* rl-experiment-view-plots.c */
/* Labels and formats of the chart and the bars, then both drawn from the runs. */
void      _rl_experiment_view_setup_plots   (RlExperimentView *self);
/* The chart again from every shown run's records: curve, means, bands, title, legend. */
void      _rl_experiment_view_rebuild_chart (RlExperimentView *self);
/* A shown run's new point @i of @twin (its first seed's), without a rebuild. */
void      _rl_experiment_view_append_point  (RlExperimentView *self,
                                             Run              *run,
                                             RlTwin            twin,
                                             guint             i);
/* The chart's y range: the error scale's top, zoomed in on the recent errors or not. */
void      _rl_experiment_view_update_y_range (RlExperimentView *self);
/* The zoom button's "toggled" (the template's on_zoom_toggled). */
void      _rl_experiment_view_zoom_toggled  (RlExperimentView *self);
/* How many runs the chart shows. */
guint     _rl_experiment_view_n_visible     (RlExperimentView *self);
/* The bars again from the newest run's newest records. */
void      _rl_experiment_view_rebuild_bars  (RlExperimentView *self);
/* @twin's bars from @run's newest record of it. */
void      _rl_experiment_view_set_bar_values (RlExperimentView *self,
                                              Run              *run,
                                              RlTwin            twin);

/* rl-experiment-view-files.c */
/* Saves the finished @run in keep_dir (nothing without one), then the first seed's trained
 * twins the runner handed over, beside it. */
void      _rl_experiment_view_keep_run      (RlExperimentView *self,
                                             Run              *run);
/* Deletes the files of every run (Clear). */
void      _rl_experiment_view_forget_runs   (RlExperimentView *self);
/* Writes which kept runs are shown (their ticks), now or once the write in progress or the
 * restore is over. */
void      _rl_experiment_view_save_ticks    (RlExperimentView *self);
/* The view is going: the writes of its ticks end on their own. */
void      _rl_experiment_view_files_dispose (RlExperimentView *self);

/* rl-experiment-view-restore.c */
/* Reads the runs kept in keep_dir, off the main thread, and adds them to the list. */
void      _rl_experiment_view_restore_runs  (RlExperimentView *self);

/* rl-experiment-view-export.c */
/* Installs experiment.export-csv and experiment.export-figure. */
void      _rl_experiment_view_class_init_export (GtkWidgetClass *widget_class);

G_END_DECLS
