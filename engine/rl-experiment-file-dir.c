#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment-file-dir.c: a folder of experiment runs (see rl-experiment-file.h): listed in
 * order, each read, bad files skipped untouched and remembered once (.reported); the folder's
 * ticks, which runs are shown; runs deleted with their twins. Listing and deleting also run on
 * worker threads.
 */

#include "config.h"

#include "rl-experiment-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-landscape.h"

#define REPORTED_FILE   ".reported"
/* The state file is small: a line per bad file. A bigger one is not ours; it is ignored. */
#define REPORTED_MAX    (1024 * 1024)

void
rl_experiment_file_entry_free (RlExperimentFileEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->path);
  g_clear_pointer (&entry->group, rl_experiment_group_free);
  rl_experiment_run_info_clear (&entry->info);
  g_clear_error (&entry->error);
  g_free (entry);
}

/* What identifies a bad file as it is now: "<size> <mtime in µs> <escaped name>". */
static char *
file_stamp (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (info == NULL)
    return g_strdup_printf ("- - %s", escaped);
  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %s",
                          (gint64) g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
                          * G_USEC_PER_SEC
                          + g_file_info_get_attribute_uint32 (info,
                                                              G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC),
                          escaped);
}

/* The whole of a small state file of the folder: FALSE when it is missing, unreadable or
 * larger than @max bytes (not ours), and then it is not read at all. */
static gboolean
read_small_file (const char *path, gsize max, char **contents)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > max)
    return FALSE;
  return g_file_get_contents (path, contents, NULL, NULL);
}

GBytes *
rl_experiment_file_format_ticks (const char * const *run_paths, const gboolean *shown, guint n)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (n == 0 || (run_paths != NULL && shown != NULL), NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_path_get_basename (run_paths[i]);
      g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

      g_string_append_printf (text, "%s %s\n", shown[i] ? "shown" : "hidden", escaped);
    }
  return g_string_free_to_bytes (text);
}

/* The folder's ticks: file name -> GINT_TO_POINTER (1) when shown, (2) when hidden. Lines of
 * another form are skipped. Returns: (transfer full) */
static GHashTable *
read_ticks (const char *dir)
{
  static const char *const words[] = { "shown ", "hidden " };
  GHashTable *ticks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = g_build_filename (dir, RL_EXPERIMENT_FILE_TICKS, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!read_small_file (path, RL_EXPERIMENT_FILE_TICKS_MAX_SIZE, &text))
    return ticks;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    for (guint w = 0; w < G_N_ELEMENTS (words); w++)
      if (g_str_has_prefix (lines[i], words[w]))
        {
          char *name = g_uri_unescape_string (lines[i] + strlen (words[w]), NULL);

          if (name != NULL)
            g_hash_table_replace (ticks, name, GINT_TO_POINTER (w + 1));
        }
  return ticks;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
rl_experiment_file_list_dir (const char *dir, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_file_entry_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) state = g_string_new (NULL);
  g_autofree char *state_path = NULL;
  g_autofree char *old_state = NULL;
  g_auto(GStrv) old_lines = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GHashTable) ticks = NULL;
  GDir *d;
  const char *name;

  g_return_val_if_fail (dir != NULL, NULL);

  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, RL_EXPERIMENT_FILE_SUFFIX) && name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);

  state_path = g_build_filename (dir, REPORTED_FILE, NULL);
  if (read_small_file (state_path, REPORTED_MAX, &old_state))
    old_lines = g_strsplit (old_state, "\n", -1);
  ticks = read_ticks (dir);

  for (guint i = 0; i < names->len; i++)
    {
      RlExperimentFileEntry *entry = g_new0 (RlExperimentFileEntry, 1);
      g_autofree char *stamp = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          rl_experiment_file_entry_free (entry);
          return NULL;
        }
      entry->path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      entry->group = rl_experiment_file_load (entry->path, &entry->info, &entry->error);
      g_ptr_array_add (entries, entry);
      if (entry->group != NULL)
        {
          int tick = GPOINTER_TO_INT (g_hash_table_lookup (ticks, g_ptr_array_index (names, i)));

          entry->size = rl_experiment_file_measure (entry->path, entry->twin_kept);
          entry->has_tick = tick != 0;
          entry->shown = tick == 1;
          continue;
        }
      stamp = file_stamp (dir, g_ptr_array_index (names, i));
      entry->reported = old_lines != NULL &&
                        g_strv_contains ((const char * const *) old_lines, stamp);
      g_string_append_printf (state, "%s\n", stamp);
    }

  /* the state follows the bad files there are now; unchanged, it is not written again */
  if (g_strcmp0 (state->str, old_state != NULL ? old_state : "") != 0)
    {
      g_autoptr(GError) save_error = NULL;

      if (state->len == 0)
        g_unlink (state_path);
      else if (!g_file_set_contents (state_path, state->str, (gssize) state->len, &save_error))
        /* they will be reported again at the next start: worth a line, not a failure */
        g_message ("Could not remember the bad experiment files: %s", save_error->message);
    }
  return g_steal_pointer (&entries);
}

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *entries = rl_experiment_file_list_dir (task_data, cancellable, &error);

  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
rl_experiment_file_list_dir_async (const char *dir, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_experiment_file_list_dir_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
rl_experiment_file_list_dir_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removes @path; one already gone is not an error, nor a folder in its place: not ours (a
 * twin's name taken by a folder, which the twin's save reported), it is left alone. The first
 * error goes to @first. */
static void
remove_file (const char *path, GError **first)
{
  GStatBuf st;
  int saved;

  if (g_unlink (path) == 0 || errno == ENOENT)
    return;
  saved = errno;
  if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
    return;
  if (*first == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (first, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not remove %s: %s"), name, g_strerror (saved));
    }
}

static void
delete_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  char **paths = task_data;
  GError *first = NULL;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      /* the twins first: a run whose file is gone has nothing left that names them */
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          g_autofree char *twin = rl_experiment_file_twin_path (paths[i], (RlTwin) t);
          g_autofree char *initial = rl_landscape_initial_path (twin);

          /* not a file of someone else's that was in their way */
          if (rl_landscape_is_initial_of (initial, twin))
            remove_file (initial, &first);
          remove_file (twin, &first);
        }
      remove_file (paths[i], &first);
    }
  if (first != NULL)
    g_task_return_error (task, first);
  else
    g_task_return_boolean (task, TRUE);
}

void
rl_experiment_file_delete_async (const char * const *paths, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (paths != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_experiment_file_delete_async);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
rl_experiment_file_delete_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
