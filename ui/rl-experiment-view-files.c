#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-files.c: the Experiment view's finished runs kept as files, so that they
 * survive a restart (see rl_experiment_view_keep_runs and engine/rl-experiment-file.h).
 *
 * A run that finishes is written at once, on a worker thread, to its own file in keep_dir
 * (named by the time it finished, so that the folder lists in order); the run remembers its
 * file, and Clear deletes the files of the runs it removes. Once its file is written, the first
 * seed's trained twins follow beside it, one after the other, with their initial weights
 * (rl_model_file_save_run_async, as a Train run keeps its own), and the row's menu offers their
 * loss landscape; the run's file first, so that a twin never outlives its run unnamed. The
 * runs' ticks are the folder's state (RL_EXPERIMENT_FILE_TICKS), written whole whenever one
 * changes, one write at a time (TicksWriter). While a save is in flight the application is
 * held, so that quitting right after a run does not lose it. At start-up the folder is read
 * again: rl-experiment-view-restore.c.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include "rl-dialogs.h"
#include "rl-error.h"
#include "rl-landscape.h"
#include "rl-model-file.h"

/* ---- saving -------------------------------------------------------------------------------- */

typedef struct {
  GWeakRef      view;
  char         *path;
  GApplication *app;     /* held until the files are written */
  /* the first seed's twins, saved beside the run once its file is: */
  RlModel      *twins[RL_N_TWINS];     /* trained (copies), NULL once handed to the save */
  RlModel      *initial[RL_N_TWINS];   /* their weights before training */
  GHashTable   *metadata[RL_N_TWINS];
  RlDatasetKind kind;
  guint64       seed;
  guint         twin;                  /* the twin being saved */
  gboolean      kept[RL_N_TWINS];
  GError       *twin_errors[RL_N_TWINS];  /* why a twin was not kept, but non-finite weights */
  GError       *initial_errors[RL_N_TWINS];   /* why a kept twin's initial weights were not */
} SaveData;

/* The application, held so that quitting waits for a write in flight.
 * Returns: (transfer full) (nullable) */
static GApplication *
hold_application (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    {
      g_object_ref (app);
      g_application_hold (app);
    }
  return app;
}

static void
release_application (GApplication **app)
{
  if (*app == NULL)
    return;
  g_application_release (*app);
  g_clear_object (app);
}

/* Holds the application until the files are written. */
static SaveData *
save_data_new (RlExperimentView *self,
               const char       *path)
{
  SaveData *data = g_new0 (SaveData, 1);

  g_weak_ref_init (&data->view, self);
  data->path = g_strdup (path);
  data->app = hold_application ();
  return data;
}

static void
save_data_free (SaveData *data)
{
  g_weak_ref_clear (&data->view);
  g_free (data->path);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_clear_pointer (&data->twins[t], rl_model_free);
      g_clear_pointer (&data->initial[t], rl_model_free);
      g_clear_pointer (&data->metadata[t], g_hash_table_unref);
      g_clear_error (&data->twin_errors[t]);
      g_clear_error (&data->initial_errors[t]);
    }
  release_application (&data->app);
  g_free (data);
}

static Run *
find_run_by_path (RlExperimentView *self,
                  const char       *path)
{
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (g_strcmp0 (run->path, path) == 0)
        return run;
    }
  return NULL;
}

static void
deleted_late_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!rl_experiment_file_delete_finish (result, &error))
    g_warning ("A cleared experiment run was saved meanwhile, and could not be removed: %s",
               error->message);
}

/* A run cleared while its files were being written: they go too (its twins with it). */
static void
delete_late (const char *path)
{
  const char *paths[] = { path, NULL };

  rl_experiment_file_delete_async (paths, NULL, deleted_late_cb, NULL);
}

/* The files of @data's twins that @errors says were not written: the twins' own, or with
 * @initial their initial weights'. Their display names go to @names (g_free them), the
 * system's reasons to @reasons, one a line, and the last such twin to @failed.
 * Returns: how many */
static guint
files_not_written (SaveData     *data,
                   GError      **errors,
                   gboolean      initial,
                   char         *names[RL_N_TWINS],
                   GString      *reasons,
                   RlTwin       *failed)
{
  guint n = 0;

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_autofree char *twin = NULL;
      g_autofree char *initial_path = NULL;

      if (errors[t] == NULL)
        continue;
      twin = rl_experiment_file_twin_path (data->path, (RlTwin) t);
      if (initial)
        initial_path = rl_landscape_initial_path (twin);
      names[t] = g_filename_display_basename (initial ? initial_path : twin);
      g_string_append_printf (reasons, "%s%s", reasons->len > 0 ? "\n" : "", errors[t]->message);
      *failed = (RlTwin) t;
      n++;
    }
  return n;
}

/* The one message about the files of @run's twins that could not be written: the twins'
 * own (not weights that are not finite: the run's summary says it diverged) and the initial
 * weights of those kept (rl_model_file_save_get_initial_error). It says which files, where,
 * what the loss landscape lacks without them, what is kept, and the system's reasons. Whatever
 * was in their way was left alone. Nothing to say, no message. */
static void
report_not_kept (RlExperimentView *self,
                 Run              *run,
                 SaveData         *data)
{
  g_autofree char *folder = rl_display_folder (self->keep_dir);
  g_autofree char *in_folder = NULL;      /* the reasons' paths start with it */
  g_autoptr (GString) reasons = g_string_new (NULL);
  char *twins[RL_N_TWINS] = { NULL };      /* the twins' files not written */
  char *initials[RL_N_TWINS] = { NULL };   /* the kept twins' initial weights not written */
  RlTwin twin = RL_TWIN_PLAIN;
  RlTwin initial = RL_TWIN_PLAIN;
  guint n_twins = files_not_written (data, data->twin_errors, FALSE, twins, reasons, &twin);
  guint n_initials = files_not_written (data, data->initial_errors, TRUE, initials, reasons,
                                        &initial);
  g_autofree char *primary = NULL;
  g_autofree char *lost = NULL;           /* what the twins' files not written take away */
  g_autofree char *lost_initial = NULL;   /* and the initial weights' */
  g_autofree char *secondary = NULL;
  const char *kept;

  if (n_twins == 0 && n_initials == 0)
    return;
  if (n_twins == 1)
    {
      /* TRANSLATORS: %1$s is a twin, e.g. "plain-20", %2$u its run's number */
      primary = g_strdup_printf (_("The trained %1$s of run %2$u could not be kept"),
                                 run->names[twin], run->number);
      /* TRANSLATORS: under "The trained plain-20 of run 2 could not be kept"; %1$s is the
       * twin's file name, %2$s the twin ("plain-20") */
      lost = g_strdup_printf (_("“%1$s” could not be written, so the loss landscape of %2$s "
                                "cannot be shown."), twins[twin], run->names[twin]);
    }
  else if (n_twins == 2)
    {
      primary = g_strdup_printf (_("The trained twins of run %u could not be kept"),
                                 run->number);
      /* TRANSLATORS: under "The trained twins of run 2 could not be kept"; %1$s and %2$s
       * are the twins' file names */
      lost = g_strdup_printf (_("“%1$s” and “%2$s” could not be written, so the loss "
                                "landscape of the twins cannot be shown."),
                              twins[RL_TWIN_PLAIN], twins[RL_TWIN_RESIDUAL]);
    }
  /* a twin lost says more than initial weights: it names the message */
  if (n_initials == 1)
    {
      if (primary == NULL)
        /* TRANSLATORS: %1$s is a twin, e.g. "plain-20", %2$u its run's number */
        primary = g_strdup_printf (_("The initial weights of %1$s in run %2$u could not be "
                                     "kept"), run->names[initial], run->number);
      /* TRANSLATORS: in the message "The initial weights of plain-20 in run 2 could not be
       * kept" (or, when a twin was lost too, after the sentence about it); %1$s is the file's
       * name, %2$s the twin ("plain-20") */
      lost_initial = g_strdup_printf (_("“%1$s” could not be written, so the loss landscape "
                                        "of %2$s will have no line from its initial weights."),
                                      initials[initial], run->names[initial]);
    }
  else if (n_initials == 2)
    {
      primary = g_strdup_printf (_("The initial weights of the twins of run %u could not be "
                                   "kept"), run->number);
      /* TRANSLATORS: under "The initial weights of the twins of run 2 could not be kept";
       * %1$s and %2$s are the files' names */
      lost_initial = g_strdup_printf (_("“%1$s” and “%2$s” could not be written, so the loss "
                                        "landscape of the twins will have no line from their "
                                        "initial weights."),
                                      initials[RL_TWIN_PLAIN], initials[RL_TWIN_RESIDUAL]);
    }
  if (lost == NULL)
    lost = g_steal_pointer (&lost_initial);
  else if (lost_initial != NULL)
    {
      /* TRANSLATORS: two sentences one after the other (a translation may drop the space) */
      char *both = g_strdup_printf (C_("sentences", "%1$s %2$s"), lost, lost_initial);

      g_free (lost);
      lost = both;
    }
  kept = n_twins > 0 ? _("The run and its curves are kept.")
                     : _("The run, its curves and its trained twins are kept.");
  /* the folder is named once, above the reasons; in them, the files' names are enough */
  in_folder = g_build_filename (self->keep_dir, "/", NULL);
  g_string_replace (reasons, in_folder, "", 0);
  /* TRANSLATORS: the message's text: %1$s what could not be written and what that takes
   * away, %2$s what is kept (both sentences), %3$s the folder of the files, %4$s the
   * reasons (the engine's messages, translated), a line each */
  secondary = g_strdup_printf (_("%1$s %2$s\n\nIn %3$s:\n%4$s"), lost, kept, folder,
                               reasons->str);
  rl_show_error_dialog (GTK_WIDGET (self), primary, secondary);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (twins[t]);
      g_free (initials[t]);
    }
}

/* Every twin saved, or not: the row's menu offers those kept. */
static void
twins_saved (SaveData *data)
{
  g_autoptr (RlExperimentView) self = g_weak_ref_get (&data->view);
  Run *run = self != NULL ? find_run_by_path (self, data->path) : NULL;

  if (self != NULL && run == NULL)
    delete_late (data->path);
  else if (run != NULL)
    {
      for (int t = 0; t < RL_N_TWINS; t++)
        run->twin_kept[t] = data->kept[t];
      run->size = rl_experiment_file_measure (data->path, NULL);
      _rl_experiment_view_update_run_row (run);
      _rl_experiment_view_update_run_menu (run);
      report_not_kept (self, run, data);
    }
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      if (self == NULL && data->twin_errors[t] != NULL)
        g_warning ("A trained twin of an experiment run could not be kept: %s",
                   data->twin_errors[t]->message);
      if (self == NULL && data->initial_errors[t] != NULL)
        g_message ("The initial weights of a trained twin of an experiment run could not be "
                   "kept: %s", data->initial_errors[t]->message);
    }
  save_data_free (data);
}

static void save_next_twin (SaveData *data);

static void
twin_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr (GError) error = NULL;

  if (rl_model_file_save_finish (result, &error))
    {
      const GError *initial_error = rl_model_file_save_get_initial_error (result);

      data->kept[data->twin] = TRUE;
      /* the twin is kept without them: its landscape has no line */
      if (initial_error != NULL)
        data->initial_errors[data->twin] = g_error_copy (initial_error);
    }
  /* weights that are not finite are not worth keeping (rl_model_save refuses them), and the
   * run's curves say it diverged; a twin that diverged has its last finite weights, though
   * (the training loop undoes the step that broke them), and is kept as any */
  else if (!g_error_matches (error, RL_ERROR, RL_ERROR_NOT_FINITE))
    data->twin_errors[data->twin] = g_steal_pointer (&error);
  data->twin++;
  save_next_twin (data);
}

/* Saves the next twin there is, or once all are, ends. Takes @data. */
static void
save_next_twin (SaveData *data)
{
  g_autofree char *path = NULL;
  RlTwin t;

  while (data->twin < RL_N_TWINS && data->twins[data->twin] == NULL)
    data->twin++;
  if (data->twin == RL_N_TWINS)
    {
      twins_saved (data);
      return;
    }
  t = (RlTwin) data->twin;
  path = rl_experiment_file_twin_path (data->path, t);
  rl_model_file_save_run_async (data->twins[t], g_steal_pointer (&data->initial[t]), data->kind,
                                data->seed, path, data->metadata[t], NULL, twin_saved_cb, data);
  /* copied by the save */
  g_clear_pointer (&data->twins[t], rl_model_free);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr (RlExperimentView) self = g_weak_ref_get (&data->view);
  g_autoptr (GError) error = NULL;
  gboolean saved = rl_experiment_file_save_finish (result, &error);
  Run *run = self != NULL ? find_run_by_path (self, data->path) : NULL;

  if (saved && self != NULL && run == NULL)
    delete_late (data->path);
  else if (saved)
    {
      /* the run is in the folder now: its tick (and the earlier run it hid), then its twins
       * (also when the view has gone meanwhile: the run comes back at the next start) */
      if (self != NULL)
        _rl_experiment_view_save_ticks (self);
      save_next_twin (data);
      return;
    }
  else if (self != NULL)
    {
      g_autofree char *folder = rl_display_folder (self->keep_dir);
      g_autofree char *secondary = NULL;

      if (run != NULL)
        g_clear_pointer (&run->path, g_free);
      /* TRANSLATORS: under "This experiment run could not be kept"; %1$s is a folder, %2$s the
       * reason (the engine's message, translated) */
      secondary = g_strdup_printf (_("It could not be written to %1$s. It stays in the list "
                                     "until you quit, and Export can still save its curves.\n\n"
                                     "%2$s"), folder, error->message);
      rl_show_error_dialog (GTK_WIDGET (self), _("This experiment run could not be kept"),
                            secondary);
    }
  else if (!saved)
    g_warning ("An experiment run could not be kept: %s", error->message);
  save_data_free (data);
}

/* What a twin's model file says of it, beside the weights. Returns: (transfer full) */
static GHashTable *
twin_metadata (Run    *run,
               RlTwin  twin)
{
  GHashTable *metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *name = g_path_get_basename (run->path);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_hash_table_insert (metadata, g_strdup ("name"), g_strdup (run->names[twin]));
  g_hash_table_insert (metadata, g_strdup ("dataset"),
                       g_strdup (rl_dataset_kind_name (run->kind)));
  g_hash_table_insert (metadata, g_strdup ("experiment"), g_steal_pointer (&name));
  g_hash_table_insert (metadata, g_strdup ("epochs"),
                       g_strdup_printf ("%d", run->config.epochs));
  g_hash_table_insert (metadata, g_strdup ("seed"),
                       g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) run->config.seed));
  g_hash_table_insert (metadata, g_strdup ("train_images"),
                       g_strdup_printf ("%u", (guint) run->config.subset));
  g_hash_table_insert (metadata, g_strdup ("lr"),
                       g_strdup (g_ascii_dtostr (buf, sizeof buf, run->config.lr)));
  g_hash_table_insert (metadata, g_strdup ("software"), g_strdup ("ResLab " PACKAGE_VERSION));
  return metadata;
}

void
_rl_experiment_view_keep_run (RlExperimentView *self,
                              Run              *run)
{
  RlExperimentRunInfo info = {
    .kind = run->kind,
    .n_seeds = run->n_seeds,
    .seconds = run->seconds,
    .completed = run->completed,
    .layers = { run->layers[RL_TWIN_PLAIN], run->layers[RL_TWIN_RESIDUAL] },
  };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GDateTime) second = NULL;
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *name = NULL;
  SaveData *data;
  gint64 now;

  if (self->keep_dir == NULL)
    return;

  /* names sort in the order the runs finished, even two within a microsecond */
  now = MAX (g_get_real_time (), self->last_saved_us + 1);
  self->last_saved_us = now;
  second = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  when = g_date_time_add (second, now % G_USEC_PER_SEC);
  name = rl_experiment_file_make_name (&run->config, when);
  g_free (run->path);
  run->path = g_build_filename (self->keep_dir, name, NULL);

  bytes = rl_experiment_file_format (run->group, &info);
  data = save_data_new (self, run->path);
  data->kind = run->kind;
  data->seed = run->config.seed;
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      RlModel *initial = NULL;
      const RlModel *trained = rl_experiment_runner_get_trained (self->runner, (RlTwin) t,
                                                                 &initial);

      if (trained == NULL)
        continue;   /* stopped before the first step */
      data->twins[t] = rl_model_copy (trained);
      data->initial[t] = initial != NULL ? rl_model_copy (initial) : NULL;
      data->metadata[t] = twin_metadata (run, (RlTwin) t);
    }
  rl_experiment_file_save_async (run->path, bytes, NULL, saved_cb, data);
}

/* ---- deleting ------------------------------------------------------------------------------ */

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (RlExperimentView) self = g_weak_ref_get (user_data);
  g_autoptr (GError) error = NULL;

  g_weak_ref_clear (user_data);
  g_free (user_data);
  if (rl_experiment_file_delete_finish (result, &error))
    return;
  if (self != NULL)
    rl_show_error_dialog (GTK_WIDGET (self), _("The cleared runs’ files could not all be removed"),
                          error->message);
  else
    g_warning ("The cleared runs' files could not all be removed: %s", error->message);
}

void
_rl_experiment_view_forget_runs (RlExperimentView *self)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GWeakRef *ref;

  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (run->path != NULL)
        g_ptr_array_add (paths, g_steal_pointer (&run->path));
    }
  if (paths->len == 0)
    return;
  g_ptr_array_add (paths, NULL);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  rl_experiment_file_delete_async ((const char * const *) paths->pdata, NULL, deleted_cb, ref);
}

/* ---- the runs' ticks ----------------------------------------------------------------------- */

/* The ticks' writer, shared by the view and the write in flight: a state set while one is
 * written goes next, whatever became of the view meanwhile, so that the last state is the one
 * left in the folder (two writes at once could rename in either order). While it writes, the
 * application is held. */
typedef struct _TicksWriter {
  char         *path;
  GBytes       *next;      /* the state to write once the write in flight is done, or NULL */
  gboolean      writing;
  GApplication *app;       /* held while writing */
} TicksWriter;

static void
ticks_writer_clear (gpointer data)
{
  TicksWriter *writer = data;

  g_free (writer->path);
  g_clear_pointer (&writer->next, g_bytes_unref);
}

static void
ticks_release (TicksWriter *writer)
{
  g_rc_box_release_full (writer, ticks_writer_clear);
}

static void write_ticks (TicksWriter *writer, GBytes *bytes);

static void
ticks_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TicksWriter *writer = user_data;
  g_autoptr (GError) error = NULL;

  /* a cosmetic state: at worst a restart shows the newest run of each setting, as before */
  if (!rl_experiment_file_save_finish (result, &error))
    g_message ("Which experiment runs are shown could not be kept: %s", error->message);
  if (writer->next != NULL)
    {
      g_autoptr (GBytes) bytes = g_steal_pointer (&writer->next);

      write_ticks (writer, bytes);
    }
  else
    {
      writer->writing = FALSE;
      release_application (&writer->app);
    }
  ticks_release (writer);
}

static void
write_ticks (TicksWriter *writer,
             GBytes      *bytes)
{
  if (!writer->writing)
    {
      writer->writing = TRUE;
      writer->app = hold_application ();
    }
  rl_experiment_file_save_async (writer->path, bytes, NULL, ticks_saved_cb,
                                 g_rc_box_acquire (writer));
}

void
_rl_experiment_view_save_ticks (RlExperimentView *self)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  g_autoptr (GArray) shown = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GBytes) bytes = NULL;

  if (self->keep_dir == NULL)
    return;
  /* none while the kept ticks are still being read: the restore writes them after */
  if (self->restore_cancellable != NULL)
    {
      self->ticks_changed = TRUE;
      return;
    }
  self->ticks_changed = FALSE;

  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (run->path == NULL)
        continue;
      g_ptr_array_add (paths, run->path);
      g_array_append_val (shown, run->visible);
    }
  bytes = rl_experiment_file_format_ticks ((const char * const *) paths->pdata,
                                           (const gboolean *) shown->data, paths->len);
  if (self->ticks == NULL)
    {
      self->ticks = g_rc_box_new0 (TicksWriter);
      self->ticks->path = g_build_filename (self->keep_dir, RL_EXPERIMENT_FILE_TICKS, NULL);
    }
  if (self->ticks->writing)
    {
      g_clear_pointer (&self->ticks->next, g_bytes_unref);
      self->ticks->next = g_steal_pointer (&bytes);
    }
  else
    write_ticks (self->ticks, bytes);
}

void
_rl_experiment_view_files_dispose (RlExperimentView *self)
{
  g_clear_pointer (&self->ticks, ticks_release);
}

/* ---- the folder ---------------------------------------------------------------------------- */

void
rl_experiment_view_keep_runs (RlExperimentView *self,
                              const char       *dir)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (dir != NULL);
  g_return_if_fail (self->keep_dir == NULL && self->runs->len == 0);

  self->keep_dir = g_strdup (dir);
  _rl_experiment_view_restore_runs (self);
  _rl_experiment_view_refresh (self);
}
