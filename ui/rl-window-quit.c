#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-quit.c: closing the window (its close button, Ctrl+Q, the menu's Quit) while a
 * run trains, or a loss landscape is computed, asks first, so that a stray key does not throw
 * away minutes of work. "Stop and Quit" stops a run as the Stop button does (a Train run's
 * weights so far are saved to Models, an experiment run's curves so far kept with the others)
 * and closes the window once that is done; a landscape is dropped with the window. Learning
 * from your digits takes a second or two: closing then does not ask, it waits for the taught
 * model to be saved and closes. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include "rl-dialogs.h"

enum {
  RESPONSE_STOP_AND_QUIT = 1,
};

static gboolean
twins_busy (RlWindow *self)
{
  return self->experiment_view != NULL && rl_experiment_view_is_busy (self->experiment_view);
}

static gboolean
landscape_busy (RlWindow *self)
{
  return self->landscape_view != NULL
         && rl_runner_is_running (RL_RUNNER (rl_landscape_view_get_runner (self->landscape_view)));
}

static gboolean
close_idle_cb (gpointer data)
{
  RlWindow *self = data;

  self->close_idle_id = 0;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

void
_rl_window_quit_check (RlWindow *self)
{
  if (!self->close_after_runs || self->busy || twins_busy (self) || _rl_window_teach_busy (self)
      || self->close_idle_id != 0)
    return;
  /* from an idle: the callback that ended the run still holds the window */
  self->close_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb,
                                         g_object_ref (self), g_object_unref);
}

static void
quit_response_cb (GtkDialog *dialog,
                  int        response,
                  RlWindow  *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != RESPONSE_STOP_AND_QUIT)
    return;

  self->close_after_runs = TRUE;
  if (self->busy)
    _rl_window_stop_training (self);
  if (twins_busy (self))
    gtk_widget_activate_action (GTK_WIDGET (self->experiment_view), "experiment.stop", NULL);
  _rl_window_actions_update (self);
  _rl_window_quit_check (self);
}

static gboolean
rl_window_close_request (GtkWindow *window)
{
  RlWindow *self = RL_WINDOW (window);
  GtkWidget *dialog;
  const char *primary;
  const char *secondary;
  const char *keep = _("_Keep Training");

  /* RlWindow is final: its class's parent is GtkApplicationWindow's */
  if (!self->busy && !twins_busy (self) && !landscape_busy (self) && !_rl_window_teach_busy (self))
    return GTK_WINDOW_CLASS (g_type_class_peek_parent (G_OBJECT_GET_CLASS (window)))
             ->close_request (window);
  if (self->close_after_runs)
    return TRUE;   /* stopping: it closes itself when done */
  if (!self->busy && !twins_busy (self) && !landscape_busy (self))
    {
      /* only learning: seconds from its end, and the taught model is worth them */
      self->close_after_runs = TRUE;
      gtk_widget_set_sensitive (GTK_WIDGET (window), FALSE);
      return TRUE;
    }
  if (self->quit_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->quit_dialog));
      return TRUE;
    }

  if (self->busy)
    {
      primary = _("Stop training and quit?");
      secondary = _("The weights trained so far are kept in Models, as the Stop button keeps "
                    "them.");
    }
  else if (twins_busy (self))
    {
      primary = _("Stop the twins and quit?");
      secondary = _("The run in progress stops where it is. Its curves so far are kept with "
                    "the runs before it and come back when ResLab starts again.");
    }
  else
    {
      primary = _("Stop the loss landscape and quit?");
      secondary = _("The landscape being computed is lost; Compute starts it again.");
      keep = _("_Keep Computing");
    }
  dialog = rl_question_dialog_new (window, primary, secondary, keep, _("_Stop and Quit"),
                                   RESPONSE_STOP_AND_QUIT);
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_response_cb), self, 0);
  self->quit_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->quit_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

void
_rl_window_class_quit_init (GtkWindowClass *window_class)
{
  window_class->close_request = rl_window_close_request;
}

void
_rl_window_quit_dispose (RlWindow *self)
{
  g_clear_handle_id (&self->close_idle_id, g_source_remove);
  if (self->quit_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->quit_dialog), (gpointer *) &self->quit_dialog);
  self->quit_dialog = NULL;
}
