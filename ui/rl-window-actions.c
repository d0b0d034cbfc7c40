#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-actions.c: the window's actions (win.), their keys on the window, and which of
 * them are enabled; the header bar's Train, Pause/Resume and Stop follow them. The actions
 * hand the work to the part of the window it concerns: the model (rl-window-model.c), the
 * training run (rl-window-training.c), the Draw and Experiment views.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include "rl-help-window.h"

/* ---- drawing ------------------------------------------------------------------------------ */

static gboolean
draw_view_visible (RlWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "draw") == 0;
}

gboolean
_rl_window_experiment_visible (RlWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "experiment") == 0;
}

void
_rl_window_draw_actions_update (RlWindow *self)
{
  RlCanvas *canvas = rl_draw_view_get_canvas (self->draw_view);
  gboolean visible = draw_view_visible (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.clear",
                                 visible && (!rl_canvas_is_empty (canvas)
                                             || rl_canvas_has_image (canvas)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 visible && rl_canvas_can_undo (canvas));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.random-image",
                                 rl_draw_view_get_test_set_ready (self->draw_view));
}

static void
clear (RlWindow *self)
{
  rl_draw_view_clear (self->draw_view);
  _rl_window_draw_actions_update (self);
}

static void
undo (RlWindow *self)
{
  rl_draw_view_undo (self->draw_view);
  _rl_window_draw_actions_update (self);
}

static void
random_image (RlWindow *self)
{
  rl_draw_view_show_random_image (self->draw_view);
  _rl_window_draw_actions_update (self);
}

/* ---- state -------------------------------------------------------------------------------- */

/* Pause and Resume take turns on one icon button, of one width: Stop beside it stays put. */
static void
set_pause_button (RlWindow   *self,
                  const char *icon_name,
                  const char *accessible_name)
{
  gtk_button_set_icon_name (GTK_BUTTON (self->pause_button), icon_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
}

/* Which actions are enabled, and the header bar's buttons, for the state of the run, the
 * twins and the page shown. */
void
_rl_window_actions_update (RlWindow *self)
{
  RlTrainerState state = rl_trainer_get_state (self->trainer);
  gboolean active = state == RL_TRAINER_RUNNING || state == RL_TRAINER_PAUSED;
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean experiment = _rl_window_experiment_visible (self);
  gboolean twins_busy = rl_experiment_view_is_busy (self->experiment_view);
  RlRunner *twins = RL_RUNNER (rl_experiment_view_get_runner (self->experiment_view));
  gboolean twins_going = rl_runner_is_running (twins) && !rl_runner_is_stopping (twins);

  /* The twins and a Train run would share the cores: one at a time, and each side says why
   * it waits. The header's Train, Pause and Stop stay in place on every page (the view
   * switcher must not move): on the Experiment page Train, Pause and Stop act on the
   * twins. */
  rl_experiment_view_set_blocked (self->experiment_view,
                                  self->busy ? _("The Train view is training; stop it to train "
                                               "the twins here.")
                                             : NULL);
  rl_train_view_set_blocked (self->train_view,
                             twins_busy ? _("The experiment is training; stop it to train here.")
                             : !rl_train_view_can_start (self->train_view)
                             ? _("The network cannot be trained: see above.")
                             : NULL);
  if (experiment)
    {
      gtk_widget_set_tooltip_text (self->train_button,
                                   self->busy ? _("The Train view is training; stop it to train "
                                                "the twins here")
                                              : _("Train the twins with the settings of the "
                                                "Experiment view (Ctrl+Return)"));
      gtk_widget_set_tooltip_text (self->stop_button, _("Stop the twins (Ctrl+.)"));
    }
  else
    {
      gboolean from_current = FALSE;
      RlTrainConfig config;

      rl_train_view_get_settings (self->train_view, &config, NULL, &from_current);
      gtk_widget_set_tooltip_text (self->train_button,
                                   twins_busy ? _("The experiment is training; stop it to "
                                                "train here")
                                   : from_current ? _("Continue training the model in use with "
                                                    "the settings of the Train view; the "
                                                    "result is a new model in Models, and the "
                                                    "one it started from stays as it was "
                                                    "(Ctrl+Return)")
                                   : _("Train a new model from random weights with the settings "
                                     "of the Train view; Draw and Inside use it as it learns, "
                                     "and the model in use now stays in Models "
                                     "(Ctrl+Return)"));
      gtk_widget_set_tooltip_text (self->stop_button, _("Stop training within one batch and keep "
                                   "the weights so far (Ctrl+.)"));
    }

  /* One blue button a page: where the page has a start button of its own (Start Training,
   * the twins' Train), the header's Train is one icon among Pause and Stop (#11). */
  if (experiment
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "train") == 0)
    gtk_widget_remove_css_class (self->train_button, "suggested-action");
  else
    gtk_widget_add_css_class (self->train_button, "suggested-action");

  gtk_widget_action_set_enabled (widget, "win.train",
                                 experiment ? rl_experiment_view_can_run (self->experiment_view)
                                            : !self->busy && !twins_busy
                                              && rl_train_view_can_start (self->train_view));
  gtk_widget_action_set_enabled (widget, "win.pause-resume",
                                 experiment ? twins_going : active);
  gtk_widget_action_set_enabled (widget, "win.stop",
                                 experiment ? twins_busy
                                            : active || self->data_cancellable != NULL);
  gtk_widget_action_set_enabled (widget, "win.open", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.open-path", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.reset-weights", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.restore-bundled", !self->busy);
  gtk_widget_action_set_enabled (widget, "win.use-model", !self->busy);

  if (experiment ? rl_runner_is_paused (twins) : state == RL_TRAINER_PAUSED)
    {
      set_pause_button (self, "media-playback-start-symbolic", _("Resume training"));
      gtk_widget_set_tooltip_text (self->pause_button, _("Resume training (Ctrl+P)"));
    }
  else if (experiment)
    {
      set_pause_button (self, "media-playback-pause-symbolic", _("Pause training"));
      gtk_widget_set_tooltip_text (self->pause_button,
                                   _("Pause the twins after the current batch (Ctrl+P)"));
    }
  else
    {
      set_pause_button (self, "media-playback-pause-symbolic", _("Pause training"));
      gtk_widget_set_tooltip_text (self->pause_button,
                                   _("Pause training after the current batch (Ctrl+P)"));
    }

  rl_train_view_set_state (self->train_view, self->busy && state == RL_TRAINER_IDLE
                                             ? RL_TRAINER_RUNNING : state);
  _rl_window_draw_actions_update (self);
}

/* ---- the actions ------------------------------------------------------------------------ */

/* On the Experiment page, Ctrl+Return and the stop key act on the twins (@action of the
 * page): the page has its own buttons. Returns: whether it did */
static gboolean
forward_to_experiment (RlWindow   *self,
                       const char *action)
{
  if (!_rl_window_experiment_visible (self))
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self->experiment_view), action, NULL);
  return TRUE;
}

static void
train (RlWindow *self)
{
  if (!forward_to_experiment (self, "experiment.run"))
    _rl_window_train (self);
}

static void
pause_resume (RlWindow *self)
{
  if (forward_to_experiment (self, "experiment.pause"))
    return;   /* the runner's "paused" updates the header */
  switch (rl_trainer_get_state (self->trainer))
    {
    case RL_TRAINER_RUNNING:
      rl_runner_set_paused (RL_RUNNER (self->trainer), TRUE);
      rl_train_view_set_status (self->train_view, _("Paused. Drawing uses the latest weights; "
                                "Resume goes on from here."));
      break;
    case RL_TRAINER_PAUSED:
      rl_runner_set_paused (RL_RUNNER (self->trainer), FALSE);
      rl_train_view_set_status (self->train_view, _("Resumed."));
      break;
    case RL_TRAINER_IDLE:
    case RL_TRAINER_STOPPING:
    default:
      break;
    }
  _rl_window_actions_update (self);
}

/* The help, at the page of the view in front: one help window, raised when it is open. */
static void
help (RlWindow *self)
{
  if (self->help_window == NULL)
    {
      self->help_window = GTK_WIDGET (rl_help_window_new (GTK_WINDOW (self)));
      g_object_add_weak_pointer (G_OBJECT (self->help_window), (gpointer *) &self->help_window);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self->help_window), TRUE);
    }
  rl_help_window_set_page (RL_HELP_WINDOW (self->help_window),
                           gtk_stack_get_visible_child_name (self->stack));
  gtk_window_present (GTK_WINDOW (self->help_window));
}

/* Stops the run, or the data load before it. */
static void
stop (RlWindow *self)
{
  if (forward_to_experiment (self, "experiment.stop"))
    return;
  _rl_window_stop_training (self);
  _rl_window_actions_update (self);
}

/* The actions without a parameter, and what each does. */
static const struct {
  const char *name;
  void      (*activate) (RlWindow *self);
} actions[] = {
  { "win.train",           train },
  { "win.pause-resume",    pause_resume },
  { "win.stop",            stop },
  { "win.open",            _rl_window_open_model },
  { "win.save-as",         _rl_window_save_model_as },
  { "win.reset-weights",   _rl_window_ask_reset_weights },
  { "win.restore-bundled", _rl_window_restore_bundled },
  { "win.clear",           clear },
  { "win.undo",            undo },
  { "win.random-image",    random_image },
  { "win.help",            help },
};

static void
action_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (action_name, actions[i].name))
      actions[i].activate (RL_WINDOW (widget));
}

static void
open_path_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  if (!self->busy)
    _rl_window_open_model_path (self, g_variant_get_string (parameter, NULL));
}

/* ---- set-up ------------------------------------------------------------------------------- */

void
_rl_window_class_actions_init (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, NULL, action_activated);
  gtk_widget_class_install_action (widget_class, "win.open-path", "s", open_path_activated);
  gtk_widget_class_install_property_action (widget_class, "win.view", "view");

  /* Keys for the canvas, on the window in the bubble phase: a text entry that has the focus
   * handles Delete and Ctrl+Z itself first (application accelerators would take them). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  /* "?" shows the keyboard shortcuts, as Ctrl+? does; here too, a text entry types it first */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, 0,
                                       "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_SHIFT_MASK,
                                       "win.show-help-overlay", NULL);
}
