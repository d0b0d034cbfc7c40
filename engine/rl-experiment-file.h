/* rl-experiment-file.h: a finished experiment run kept as a file, so that the Experiment
 * view's runs survive a restart (one file per run in $XDG_DATA_HOME/reslab/experiments).
 *
 * A run is an RlExperimentGroup (its configuration, the twins' names, every seed's records)
 * and what the view shows beside it (RlExperimentRunInfo): the dataset, the seeds asked for,
 * the training time, whether it completed, and each twin's weight layers, which label the
 * records' per-layer values.
 *
 * The format, version 1, is a GKeyFile (UTF-8 text, '.' decimals whatever the locale):
 *
 *   [ResLab Experiment Run]
 *   format=1                        what this header describes; a reader refuses a higher one
 *   dataset=mnist                   mnist or fashion
 *   depth=20  shortcut=A  batch-norm=true  learning-rate=0.05  momentum=0.9
 *   weight-decay=0.0001  batch=64  seed=1  epochs=1  train-images=6400  test-images=300
 *   interval=4  layer-stats=true  response-images=64  fresh-bn-stats=true
 *                                   RlExperimentConfig (as the experiment resolved it)
 *   names=plain-20;resnet-20;       the twins' names
 *   seeds=2                         seeds asked for (a stopped run may have records of fewer)
 *   total-iterations=100            per twin and seed
 *   seconds=61.5                    training time, pauses left out
 *   completed=true                  false when stopped or failed
 *   [plain] and [resnet]            each twin:
 *   layers=8                        its weight layers (RlExperimentLayer), in network order:
 *   layer-names=conv1;layer1.0.conv1;...;  layer-index=1;2;...;  layer-response=0;1;...;-1;
 *   records=25;25;                  records of each seed that has any (seed, seed + 1, ...)
 *   [plain seed 1], [resnet seed 2] each twin's records of one seed, as lists of one value per
 *   ...                             record: iteration, images, epoch, train-error, train-loss,
 *                                   test-error, train-seconds; grad-norm and response-std, the
 *                                   records' layers values one record after the other
 *   [End]                           last: a file without it was cut short
 *
 * Numbers are written in the fewest digits (17 at most) that read back bit for bit; "nan" and
 * "inf" stand for the non-finite values a record may hold (a diverged twin's error and loss, a
 * layer without a response). Reading trusts nothing: the file's size, every count and every
 * list length are checked against bounds and against each other before anything is allocated,
 * and numbers that must be finite (the configuration, iterations, times) are.
 *
 * GLib/GIO only: the app's view and the command line can both use it.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-experiment.h"

G_BEGIN_DECLS

#define RL_EXPERIMENT_FILE_VERSION  1
/* A run's file name ends with this; other files in the folder are not runs. */
#define RL_EXPERIMENT_FILE_SUFFIX   ".reslab-experiment"
/* Bounds a file must keep: its size, seeds, records per seed and twin, layers per twin. */
#define RL_EXPERIMENT_FILE_MAX_SIZE     (64u * 1024 * 1024)
#define RL_EXPERIMENT_FILE_MAX_SEEDS    64
#define RL_EXPERIMENT_FILE_MAX_RECORDS  100000
#define RL_EXPERIMENT_FILE_MAX_LAYERS   1024

typedef struct {
  RlDatasetKind kind;
  guint         n_seeds;              /* seeds asked for, 1 .. RL_EXPERIMENT_FILE_MAX_SEEDS */
  double        seconds;              /* training time, pauses left out */
  gboolean      completed;            /* FALSE: stopped or failed */
  GArray       *layers[RL_N_TWINS];   /* of RlExperimentLayer: each twin's weight layers, whose
                                       * values a record holds in this order; read back with
                                       * tensor = -1 (no model) */
} RlExperimentRunInfo;

/* Frees the layer arrays (the info rl_experiment_file_parse filled). */
void                rl_experiment_run_info_clear (RlExperimentRunInfo *info);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RlExperimentRunInfo, rl_experiment_run_info_clear)

/* $XDG_DATA_HOME/reslab/experiments. Returns: (transfer full) */
char               *rl_experiment_file_default_dir (void);
/* A file name (no folder) for a run of @config that finished at @when:
 * <yyyymmdd-hhmmss.uuuuuu>-depth<N>.reslab-experiment, so that names sort in the order the
 * runs finished. Returns: (transfer full) */
char               *rl_experiment_file_make_name  (const RlExperimentConfig *config,
                                                   GDateTime                *when);

/* The file's text. @info's layers are read, not kept; a record's n_layers must be 0 or its
 * twin's layer count. Returns: (transfer full) */
GBytes             *rl_experiment_file_format     (const RlExperimentGroup   *group,
                                                   const RlExperimentRunInfo *info);
/* Reads a file's text back. On success returns the group and fills @info (clear it with
 * rl_experiment_run_info_clear); on failure returns NULL and leaves @info empty.
 * Errors (RL_ERROR): BAD_MAGIC when it is not such a file at all (another format, binary
 * garbage), NEWER_VERSION for a format above RL_EXPERIMENT_FILE_VERSION, TRUNCATED when it
 * ends early, TOO_LARGE when a count or size passes a bound above, MISMATCH when a list's
 * length disagrees with its count, NOT_FINITE for a number that must be finite and is not,
 * BAD_HEADER for anything else malformed (a missing key, a value out of range).
 * Returns: (transfer full) (nullable) */
RlExperimentGroup  *rl_experiment_file_parse      (GBytes               *bytes,
                                                   RlExperimentRunInfo  *info,
                                                   GError              **error);
/* Reads the file at @path (at most RL_EXPERIMENT_FILE_MAX_SIZE bytes, checked before reading)
 * and parses it. Errors: those of rl_experiment_file_parse, G_IO_ERROR_IS_DIRECTORY for a
 * folder, the G_IO_ERROR of opening or reading it. Returns: (transfer full) (nullable) */
RlExperimentGroup  *rl_experiment_file_load       (const char           *path,
                                                   RlExperimentRunInfo  *info,
                                                   GError              **error);

/* Writes @contents to @path atomically (a temporary file renamed over it, so a reader sees
 * the old file or the new one, never half of one), creating its folder first.
 * Errors: GFileError. */
gboolean            rl_experiment_file_save       (const char    *path,
                                                   GBytes        *contents,
                                                   GError       **error);
/* The same on a worker thread. */
void                rl_experiment_file_save_async (const char          *path,
                                                   GBytes              *contents,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean            rl_experiment_file_save_finish (GAsyncResult  *result,
                                                    GError       **error);

/* ---- A folder of runs ---------------------------------------------------------------------
 *
 * Listing reads every *.reslab-experiment file of the folder, in name order (the order the
 * runs finished). A file that cannot be read is never changed, renamed or removed: it is
 * skipped, and its entry says why. So that the user hears of a bad file once rather than at
 * every start, the folder keeps a small state file (".reported", one line per bad file: its
 * size, modification time and escaped name); a bad file listed there with the same size and
 * time is marked `reported`. Each listing rewrites that state with the bad files it found
 * (so a file fixed or removed is forgotten, and a bad one changed again is reported again). */

typedef struct {
  char               *path;
  RlExperimentGroup  *group;       /* the run, or NULL when the file could not be read */
  RlExperimentRunInfo info;
  GError             *error;       /* why it could not be read, else NULL */
  gboolean            reported;    /* a bad file an earlier listing found as it is now */
  /* a run's (only when group is set): */
  gboolean            twin_kept[RL_N_TWINS];  /* its twin's model file is there (a regular file,
                                               * not read: rl_experiment_file_twin_path) */
  guint64             size;        /* bytes of its files (rl_experiment_file_measure) */
  gboolean            has_tick;    /* the folder's ticks name it (see below); then */
  gboolean            shown;       /* whether its curves were shown */
} RlExperimentFileEntry;

void                rl_experiment_file_entry_free (RlExperimentFileEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlExperimentFileEntry, rl_experiment_file_entry_free)

/* Lists @dir (see above; each run's twins and tick: below). A folder that does not exist
 * holds no runs.
 * Errors: the G_IO_ERROR of a folder that cannot be listed (one that is a file).
 * Returns: (transfer full) a GPtrArray of RlExperimentFileEntry, in name order */
GPtrArray          *rl_experiment_file_list_dir   (const char    *dir,
                                                   GCancellable  *cancellable,
                                                   GError       **error);
/* The same on a worker thread. */
void                rl_experiment_file_list_dir_async  (const char          *dir,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Returns: (transfer full) (nullable) */
GPtrArray          *rl_experiment_file_list_dir_finish (GAsyncResult  *result,
                                                        GError       **error);

/* Removes the run files @paths (NULL-terminated) on a worker thread, each with the twins kept
 * beside it and their initial weights (see below); one that is already gone is not an error,
 * nor a folder in one's place (not the run's: left alone). Initial weights go only when they
 * are their twin's (rl_landscape_is_initial_of): a file that was in their way when the twin
 * was saved stays.
 * Errors: the first file that could not be removed (the others are still tried). */
void                rl_experiment_file_delete_async  (const char * const  *paths,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean            rl_experiment_file_delete_finish (GAsyncResult  *result,
                                                      GError       **error);

/* ---- Beside a run: its trained twins, and the folder's ticks ----------------------------------
 *
 * The app keeps the first seed's trained twins of a run beside its file, so that their loss
 * landscape can be looked at again after a restart: "<run>.plain.safetensors" and
 * "<run>.resnet.safetensors" (<run>: the run file's path without RL_EXPERIMENT_FILE_SUFFIX),
 * model files whose initial weights lie beside them as rl_landscape_save_initial keeps them
 * ("<run>.plain.initial.safetensors"). They belong to the run: deleting it deletes them, and a
 * run without them (an older one, a twin that diverged, files removed by hand) is a run all the
 * same. Listing never reads them; deleting reads the initial weights and their twin only to
 * see that they are the twin's (rl_landscape_is_initial_of).
 *
 * Which runs' curves the app shows (each run's tick) is its state, not part of a run: the
 * folder keeps it in one small file, RL_EXPERIMENT_FILE_TICKS, a line per run, "shown <name>"
 * or "hidden <name>" (the file name, URI-escaped as in ".reported"). A listing fills each run's
 * has_tick and shown from it; a run it does not name has none (a folder of an older version,
 * or a run kept just before the app stopped). So a change that touches several runs at once
 * (a new run hiding the earlier one of its setting) is one small atomic write, and a run's file
 * is never rewritten. */

#define RL_EXPERIMENT_FILE_TICKS  ".shown"
/* The state file is small: a line per run. A bigger one is not ours; it is ignored. */
#define RL_EXPERIMENT_FILE_TICKS_MAX_SIZE  (1024 * 1024)

/* The bytes of the run file at @run_path and of what is kept beside it: its twins' model files
 * and their initial weights, the regular files that are there (a depth-56 run: 14 MB, nearly
 * all of it the four model files). Initial weights count only when they are the run's
 * (rl_landscape_is_initial_of, the rule rl_experiment_file_delete_async deletes by), not a
 * file of the user's at their name. @twin_kept (nullable): (RL_N_TWINS) whether each twin's
 * model file is there. A few stat() calls and the headers of the initial weights' files. */
guint64             rl_experiment_file_measure    (const char  *run_path,
                                                   gboolean    *twin_kept);
/* Where the run at @run_path keeps @twin's trained model (see above). Returns: (transfer full) */
char               *rl_experiment_file_twin_path  (const char  *run_path,
                                                   RlTwin       twin);
/* The text of RL_EXPERIMENT_FILE_TICKS for @n runs (their paths; only the base names are
 * written) and whether each is shown; save it in the folder with rl_experiment_file_save.
 * run_paths, shown: (n). Returns: (transfer full) */
GBytes             *rl_experiment_file_format_ticks (const char * const *run_paths,
                                                     const gboolean     *shown,
                                                     guint               n);

G_END_DECLS
