#define G_LOG_DOMAIN "reslab-control"

/* rl-mnist-fetch.c: see rl-mnist-fetch.h. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-mnist-fetch.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rl-dataset-loader.h"

#define PROGRESS_PREFIX "fetch-mnist: progress "
#define ERROR_PREFIX    "fetch-mnist: error: "

typedef struct {
  GSubprocess          *process;
  GDataInputStream     *out;
  GCancellable         *cancellable;   /* the caller's, nullable */
  gulong                cancelled_id;
  pid_t                 pgid;          /* the child's process group (its pid) */
  RlMnistFetchProgress  progress;
  gpointer              progress_data;
  char                 *last_error;    /* the script's last "error:" line, or last line */
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  if (data->cancellable != NULL)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->out);
  g_clear_object (&data->process);
  g_free (data->last_error);
  g_free (data);
}

/* The child runs in its own session (child setup below): its process group is the child's
 * pid, so one signal reaches npm, curl and tar too. */
static void
child_setup (gpointer user_data)
{
  setsid ();
}

static void
cancelled_cb (GCancellable *cancellable,
              FetchData    *data)
{
  if (data->pgid > 0)
    kill (-data->pgid, SIGTERM);
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* A child forked just as the signal went out (npm starting) may have missed it; the
   * group's id stays reserved while any member lives, so this reaches only them. */
  if (g_cancellable_is_cancelled (data->cancellable) && data->pgid > 0)
    kill (-data->pgid, SIGKILL);

  if (!g_subprocess_wait_finish (data->process, result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_cancellable_is_cancelled (data->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The download was cancelled."));
  else if (!g_subprocess_get_if_exited (data->process)
           || g_subprocess_get_exit_status (data->process) != 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                             data->last_error != NULL ? data->last_error
                                                      : _("fetch-mnist.sh failed"));
  else
    {
      rl_dataset_loader_clear_cache ();
      g_task_return_boolean (task, TRUE);
    }
}

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (data->out, result, NULL,
                                                                    &error);

  if (line == NULL)
    {
      /* end of output (or a read error): the exit status decides */
      g_subprocess_wait_async (data->process, NULL, waited_cb, g_steal_pointer (&task));
      return;
    }

  if (g_str_has_prefix (line, PROGRESS_PREFIX))
    {
      char *end = NULL;
      gint64 percent = g_ascii_strtoll (line + strlen (PROGRESS_PREFIX), &end, 10);

      if (data->progress != NULL && end != NULL)
        data->progress ((int) CLAMP (percent, 0, 100), *end == ' ' ? end + 1 : end,
                        data->progress_data);
    }
  else if (g_str_has_prefix (line, ERROR_PREFIX))
    {
      g_free (data->last_error);
      data->last_error = g_strdup (line + strlen (ERROR_PREFIX));
    }
  else
    g_debug ("%s", line);

  g_data_input_stream_read_line_async (data->out, G_PRIORITY_DEFAULT, NULL, line_read_cb,
                                       g_steal_pointer (&task));
}

void
rl_mnist_fetch_async (GBytes               *script,
                      const char           *dir,
                      GCancellable         *cancellable,
                      RlMnistFetchProgress  progress,
                      gpointer              progress_data,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  FetchData *data;
  gsize size;
  const char *bytes;

  g_return_if_fail (script != NULL);
  g_return_if_fail (dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_mnist_fetch_async);
  /* the cancellable stops the child; the task returns once the child is gone */
  g_task_set_check_cancellable (task, FALSE);

  bytes = g_bytes_get_data (script, &size);
  text = g_strndup (bytes, size);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE
                                        | G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  data = g_new0 (FetchData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  data->process = g_subprocess_launcher_spawn (launcher, &error, "bash", "-c", text,
                                               "fetch-mnist.sh", dir, NULL);
  if (data->process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->progress = progress;
  data->progress_data = progress_data;
  data->pgid = (pid_t) atoi (g_subprocess_get_identifier (data->process));
  data->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (data->process));
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                  data, NULL);
    }

  g_data_input_stream_read_line_async (data->out, G_PRIORITY_DEFAULT, NULL, line_read_cb,
                                       g_steal_pointer (&task));
}

gboolean
rl_mnist_fetch_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
