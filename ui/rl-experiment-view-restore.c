#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-restore.c: the Experiment view's kept runs read again at start-up
 * (rl_experiment_view_keep_runs, in rl-experiment-view-files.c, starts it). The folder is read
 * on a worker thread (rl_experiment_file_list_dir_async); each good file becomes a finished run
 * again, in order, with its number, colour, curves, bars, tick, row and kept twins, and a run
 * started meanwhile comes after them. A bad file is named in one message, which the folder's
 * state keeps from being shown again for the same file.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include "rl-dialogs.h"
#include "rl-error.h"

/* ---- restoring ----------------------------------------------------------------------------- */

/* Why a kept file could not be read, as a phrase that follows its name. */
static const char *
problem_text (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    return _("it is a folder, not a file");
  if (error->domain == RL_ERROR)
    switch ((RlError) error->code)
      {
      case RL_ERROR_NEWER_VERSION:
        return _("it was written by a newer version of ResLab");
      case RL_ERROR_TRUNCATED:
        return _("it is cut short, as if its writing was interrupted");
      case RL_ERROR_BAD_MAGIC:
        return _("it is not a ResLab experiment run");
      case RL_ERROR_TOO_LARGE:
        return _("it claims more than ResLab accepts (a count or size too large)");
      case RL_ERROR_NOT_FINITE:
        return _("it holds a number that is not finite where one must be");
      default:
        return _("it is damaged");
      }
  return _("it could not be read");
}

/* The one message about the bad files found, and the folder they are in. */
static void
report_bad_files (RlExperimentView *self,
                  GPtrArray        *bad)
{
  g_autofree char *folder = rl_display_folder (self->keep_dir);
  g_autofree char *primary = NULL;
  g_autofree char *note = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < bad->len; i++)
    {
      const RlExperimentFileEntry *entry = g_ptr_array_index (bad, i);
      g_autofree char *name = g_filename_display_basename (entry->path);

      /* TRANSLATORS: one bad file: its name, why it was skipped, and the technical detail
       * (the engine's message, translated) */
      g_string_append_printf (text, _("“%1$s”: %2$s (%3$s)."), name,
                              problem_text (entry->error), entry->error->message);
      g_string_append_c (text, '\n');
    }
  note = g_strdup_printf (ngettext ("It was skipped and left as it is in %s. This message is "
                                    "not shown again for it unless it changes.",
                                    "They were skipped and left as they are in %s. This message "
                                    "is not shown again for them unless they change.", bad->len),
                          folder);
  g_string_append_printf (text, "\n%s", note);
  primary = g_strdup_printf (ngettext ("A kept experiment run could not be restored",
                                       "%u kept experiment runs could not be restored",
                                       bad->len), bad->len);
  rl_show_error_dialog (GTK_WIDGET (self), primary, text->str);
}

/* A finished run again, from its file. */
static Run *
run_from_entry (RlExperimentView      *self,
                RlExperimentFileEntry *entry)
{
  RlExperimentGroup *group = entry->group;
  const RlExperimentConfig *config = rl_experiment_group_get_config (group);
  Run *run = _rl_experiment_run_new (config, entry->info.kind, entry->info.n_seeds,
                                     rl_experiment_group_get_total_iterations (group),
                                     rl_experiment_group_get_name (group, RL_TWIN_PLAIN),
                                     rl_experiment_group_get_name (group, RL_TWIN_RESIDUAL),
                                     entry->info.layers, self->next_number + 1);

  /* the records the file holds, instead of the new run's empty group */
  rl_experiment_group_free (run->group);
  run->group = g_steal_pointer (&entry->group);
  run->path = g_strdup (entry->path);
  for (int t = 0; t < RL_N_TWINS; t++)
    run->twin_kept[t] = entry->twin_kept[t];
  run->size = entry->size;
  if (entry->has_tick)
    run->visible = entry->shown;
  run->seconds = entry->info.seconds;
  run->completed = entry->info.completed;
  run->finished = TRUE;
  /* the bars show each twin's newest record: the last of its last seed */
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint s = rl_experiment_group_get_n_seeds (run->group); s-- > 0;)
      {
        guint n = rl_experiment_group_get_n_records (run->group, (RlTwin) t, s);

        if (n == 0)
          continue;
        run->last[t] = rl_experiment_record_ref (
          rl_experiment_group_get_record (run->group, (RlTwin) t, s, n - 1));
        break;
      }
  return run;
}

static void
restored_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RlExperimentView *self = user_data;   /* not held: cancelled when disposed */
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = rl_experiment_file_list_dir_finish (result, &error);
  g_autoptr (GPtrArray) bad = g_ptr_array_new ();
  g_autoptr (GPtrArray) later = g_ptr_array_new_with_free_func (_rl_experiment_run_free);
  Run *newest = NULL;
  guint restored = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->restore_cancellable);
  if (entries == NULL)
    {
      g_autofree char *folder = rl_display_folder (self->keep_dir);
      g_autofree char *secondary =
        g_strdup_printf (_("The folder %s could not be read, so no earlier run was restored, "
                           "and new ones may not be kept.\n\n%s"), folder, error->message);

      rl_show_error_dialog (GTK_WIDGET (self), _("The kept experiment runs could not be read"),
                            secondary);
      _rl_experiment_view_refresh (self);
      return;
    }

  /* a run started while the folder was read comes after the kept ones: out of the list for
   * now, back in below with the next number */
  while (self->runs->len > 0)
    {
      Run *run = g_ptr_array_steal_index (self->runs, 0);

      gtk_list_box_remove (self->runs_list, run->row);
      g_ptr_array_add (later, run);
    }
  self->next_number = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      RlExperimentFileEntry *entry = g_ptr_array_index (entries, i);

      if (entry->group != NULL)
        {
          /* shown or hidden as it was; without a tick, as a new run would be */
          newest = run_from_entry (self, entry);
          _rl_experiment_view_add_run (self, newest, !entry->has_tick);
          restored++;
        }
      else if (!entry->reported)
        g_ptr_array_add (bad, entry);
    }
  while (later->len > 0)
    {
      Run *run = g_ptr_array_steal_index (later, 0);

      /* its twins, if the Landscape tab has them, were named with the old number (it ended
       * before the folder was read: a rare, tiny run) */
      if (self->trained_run == run->number)
        self->trained_run = self->next_number + 1;
      _rl_experiment_run_set_number (run, self->next_number + 1);
      _rl_experiment_view_add_run (self, run, TRUE);
    }
  _rl_experiment_view_refresh (self);
  /* a tick changed while the folder was read (a run kept, a box ticked) */
  if (self->ticks_changed)
    _rl_experiment_view_save_ticks (self);
  if (newest != NULL && self->runs->len == restored && self->blocked == NULL)
    {
      g_autofree char *summary = _rl_experiment_run_summary (newest);
      g_autofree char *lead = g_strdup_printf (ngettext ("Restored %u run kept from before.",
                                                         "Restored %u runs kept from before.",
                                                         restored), restored);
      /* TRANSLATORS: "Restored 2 runs kept from before." then what the newest came to */
      g_autofree char *status = g_strdup_printf (_("%1$s Run %2$u: %3$s"), lead, newest->number,
                                                 summary);

      _rl_experiment_view_set_status (self, status);
    }
  if (bad->len > 0)
    report_bad_files (self, bad);
}

void
_rl_experiment_view_restore_runs (RlExperimentView *self)
{
  self->restore_cancellable = g_cancellable_new ();
  rl_experiment_file_list_dir_async (self->keep_dir, self->restore_cancellable, restored_cb,
                                     self);
}

gboolean
rl_experiment_view_is_restoring (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);

  return self->restore_cancellable != NULL;
}
