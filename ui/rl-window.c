#define G_LOG_DOMAIN "reslab-ui"

/* rl-window.c: the widget itself: class, template, init and dispose, the view property and
 * the views' getters. The rest of the window is in parts named for what they do (see
 * rl-window-private.h): actions, the model in use, the training run, stall measurement.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"
#include "rl-experiment-file.h"
#include "rl-settings.h"

G_DEFINE_FINAL_TYPE (RlWindow, rl_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the draw view ------------------------------------------------------------------------ */

static void
canvas_changed_cb (RlCanvas *canvas,
                   RlWindow *self)
{
  _rl_window_draw_actions_update (self);
}

static void
test_set_ready_cb (RlDrawView *view,
                   GParamSpec *pspec,
                   RlWindow   *self)
{
  _rl_window_draw_actions_update (self);
}

/* ---- the view shown ---------------------------------------------------------------------- */

void
rl_window_set_view (RlWindow   *self,
                    const char *view)
{
  g_return_if_fail (RL_IS_WINDOW (self));
  g_return_if_fail (view != NULL);

  if (gtk_stack_get_child_by_name (self->stack, view) == NULL)
    {
      g_warning ("No view called “%s”", view);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, view);
}

const char *
rl_window_get_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static void
on_visible_child_changed (GtkStack   *stack,
                          GParamSpec *pspec,
                          RlWindow   *self)
{
  /* A prediction that waited for a frame of the Draw view is made now. */
  rl_draw_view_flush (self->draw_view);
  if (self->trainer != NULL)   /* not while the window is disposed */
    _rl_window_actions_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW]);
}

static void
experiment_busy_cb (RlExperimentView *view,
                    GParamSpec       *pspec,
                    RlWindow         *self)
{
  /* --debug-stalls measures the main loop while the twins train, as while a Train run does. */
  if (rl_experiment_view_is_busy (view))
    _rl_window_stall_start (self);
  else
    _rl_window_stall_stop (self);
  _rl_window_actions_update (self);
  _rl_window_quit_check (self);
}

/* ---- public API --------------------------------------------------------------------------- */

RlWindow *
rl_window_new (GtkApplication *application)
{
  return g_object_new (RL_TYPE_WINDOW, "application", application, NULL);
}

RlPredictor *
rl_window_get_predictor (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->predictor;
}

RlTrainer *
rl_window_get_trainer (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->trainer;
}

RlDrawView *
rl_window_get_draw_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->draw_view;
}

RlTrainView *
rl_window_get_train_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->train_view;
}

RlInsideView *
rl_window_get_inside_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->inside_view;
}

RlExperimentView *
rl_window_get_experiment_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->experiment_view;
}

RlLandscapeView *
rl_window_get_landscape_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->landscape_view;
}

RlModelsPopover *
rl_window_get_models_popover (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->models_popover;
}

void
rl_window_show_experiment_page (RlWindow *self, const char *page)
{
  g_return_if_fail (RL_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->stack, "experiment");
  gtk_stack_set_visible_child_name (self->experiment_stack, page);
}

RlModelStore *
rl_window_get_model_store (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->model_store;
}

const char *
rl_window_get_model_path (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->model_path;
}

const char *
rl_window_get_model_description (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->model_description;
}

gboolean
rl_window_is_busy (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), FALSE);

  return self->busy;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RlWindow *self = RL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_string (value, rl_window_get_view (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  RlWindow *self = RL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      rl_window_set_view (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- the focus, never lost --------------------------------------------------------------- */

/* GTK 4.8 drops the focus, to no widget at all, when the widget that has it is made
 * insensitive or hidden: Clear once the drawing is gone, Train once a run starts, Stop once it
 * ends. The next Tab then starts again from the top of the window. The focus goes on to the
 * next widget that can take it instead, among the nearest of the lost one's containers that
 * holds one (Clear's goes to Restore Drawing beside it, Undo Stroke's last to the canvas). */
static gboolean
focus_pass_on_cb (gpointer data)
{
  RlWindow *self = data;
  GtkWidget *lost = self->focus_last;

  self->focus_idle_id = 0;
  if (lost == NULL || gtk_window_get_focus (GTK_WINDOW (self)) != NULL
      || gtk_widget_get_root (lost) != GTK_ROOT (self))
    return G_SOURCE_REMOVE;
  for (GtkWidget *ancestor = gtk_widget_get_parent (lost);
       ancestor != NULL && ancestor != GTK_WIDGET (self);
       ancestor = gtk_widget_get_parent (ancestor))
    if (gtk_widget_get_mapped (ancestor)
        && gtk_widget_child_focus (ancestor, GTK_DIR_TAB_FORWARD))
      break;
  return G_SOURCE_REMOVE;
}

static void
focus_widget_cb (RlWindow   *self,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  if (focus != NULL)
    g_set_weak_pointer (&self->focus_last, focus);
  else if (self->focus_last != NULL && self->focus_idle_id == 0
           && (!gtk_widget_is_sensitive (self->focus_last)
               || !gtk_widget_get_mapped (self->focus_last)))
    /* later: GTK drops it while it changes the widget's state */
    self->focus_idle_id = g_idle_add (focus_pass_on_cb, self);
}

static void
rl_window_dispose (GObject *object)
{
  RlWindow *self = RL_WINDOW (object);

  g_clear_handle_id (&self->focus_idle_id, g_source_remove);
  g_clear_weak_pointer (&self->focus_last);

  _rl_window_settings_dispose (self);
  _rl_window_stall_stop (self);
  g_cancellable_cancel (self->cancellable);
  _rl_window_quit_dispose (self);
  _rl_window_training_dispose (self);
  _rl_window_landscape_dispose (self);
  _rl_window_models_dispose (self);
  if (self->help_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->help_window));   /* its weak pointer clears it */
  _rl_window_number_dispose (self);
  _rl_window_teach_dispose (self);

  if (self->experiment_view != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment_view, self);

  if (self->draw_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->draw_view, self);
      g_signal_handlers_disconnect_by_data (rl_draw_view_get_canvas (self->draw_view), self);
      rl_draw_view_set_predictor (self->draw_view, NULL);
      rl_inside_view_set_predictor (self->inside_view, NULL);
      rl_train_view_set_predictor (self->train_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_WINDOW);

  g_clear_object (&self->predictor);

  G_OBJECT_CLASS (rl_window_parent_class)->dispose (object);
}

static void
rl_window_finalize (GObject *object)
{
  RlWindow *self = RL_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->data_cancellable);
  g_clear_pointer (&self->backup, rl_model_free);
  g_clear_pointer (&self->run_initial, rl_model_free);
  g_clear_pointer (&self->run_test_set, rl_dataset_unref);
  g_free (self->run_end_text);
  g_free (self->run_kept_path);
  g_free (self->run_kept_note);
  g_free (self->model_path);
  g_free (self->model_description);
  g_clear_object (&self->picture_file);
  g_clear_pointer (&self->picture_bytes, g_bytes_unref);
  g_free (self->picture_name);

  G_OBJECT_CLASS (rl_window_parent_class)->finalize (object);
}

static void
rl_window_class_init (RlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_window_get_property;
  object_class->set_property = rl_window_set_property;
  object_class->dispose = rl_window_dispose;
  object_class->finalize = rl_window_finalize;

  properties[PROP_VIEW] =
    g_param_spec_string ("view", NULL, NULL, "draw",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RL_TYPE_DRAW_VIEW);
  g_type_ensure (RL_TYPE_TRAIN_VIEW);
  g_type_ensure (RL_TYPE_INSIDE_VIEW);
  g_type_ensure (RL_TYPE_EXPERIMENT_VIEW);
  g_type_ensure (RL_TYPE_LANDSCAPE_VIEW);
  g_type_ensure (RL_TYPE_MODELS_POPOVER);
  g_type_ensure (RL_TYPE_ERRORS_VIEW);
  g_type_ensure (RL_TYPE_NUMBER_VIEW);

  /* The header bar is not bound: GtkWindow's own dispose unparents its titlebar, and
   * gtk_widget_dispose_template () doing so first leaves it a dangling pointer. */
  gtk_widget_class_set_template_from_resource (widget_class, "/org/reslab/ResLab/ui/rl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RlWindow, train_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, models_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, models_popover);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, toast_revealer);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, toast_label);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, toast_button);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, draw_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, train_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, inside_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, experiment_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, experiment_stack);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, landscape_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, errors_view);
  gtk_widget_class_bind_template_child (widget_class, RlWindow, number_view);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_child_changed);

  _rl_window_class_actions_init (widget_class);
  _rl_window_class_quit_init (GTK_WINDOW_CLASS (klass));
  _rl_window_class_models_init (widget_class);
  _rl_window_class_landscape_init (widget_class);
  _rl_window_class_files_init (widget_class);
  _rl_window_class_teach_init (widget_class);
}

static void
set_switcher_tooltips (RlWindow *self)
{
  const char * const tips[] = {
    _("Draw a digit and watch the prediction (Alt+1)"),
    _("Train the network and watch it learn (Alt+2)"),
    _("Look inside: every layer’s maps and the residual blocks (Alt+3)"),
    _("Plain or residual: train twin networks side by side and see why shortcuts help (Alt+4)"),
    _("The test images the model gets wrong, class by class (Alt+5)"),
  };
  guint i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (self->switcher);
       child != NULL && i < G_N_ELEMENTS (tips);
       child = gtk_widget_get_next_sibling (child), i++)
    gtk_widget_set_tooltip_text (child, tips[i]);
}

static void
twins_state_cb (RlRunner   *runner,
                 GParamSpec *pspec,
                 RlWindow   *self)
{
  _rl_window_actions_update (self);
}

static void
rl_window_init (RlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  _rl_window_training_init (self);
  g_signal_connect (rl_draw_view_get_canvas (self->draw_view), "changed",
                    G_CALLBACK (canvas_changed_cb), self);
  g_signal_connect (self->draw_view, "notify::test-set-ready", G_CALLBACK (test_set_ready_cb),
                    self);
  g_signal_connect (self->experiment_view, "notify::busy", G_CALLBACK (experiment_busy_cb), self);
  /* the header's Pause follows the twins: on once they run (after their data is read), Resume
   * while they are paused, off while they stop */
  g_signal_connect_object (rl_experiment_view_get_runner (self->experiment_view), "notify",
                           G_CALLBACK (twins_state_cb), self, 0);
  /* the twins' finished runs outlive the window: kept as files, restored here */
  {
    g_autofree char *runs_dir = rl_experiment_file_default_dir ();

    rl_experiment_view_keep_runs (self->experiment_view, runs_dir);
  }
  /* the Landscape tab looks at the twins the experiment trained */
  _rl_window_landscape_init (self);

  /* The settings first: the model in use at start-up is one of them (rl-window-model.c). */
  self->settings = rl_settings_new ();
  _rl_window_models_init (self);
  _rl_window_model_init (self);
  _rl_window_errors_init (self);
  _rl_window_number_init (self);
  _rl_window_teach_init (self);
  _rl_window_files_init (self);

  _rl_window_settings_init (self);

  set_switcher_tooltips (self);
  /* Start on the canvas, without a focus ring until the keyboard is used. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (rl_draw_view_get_canvas (self->draw_view)));
  gtk_window_set_focus_visible (GTK_WINDOW (self), FALSE);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_widget_cb), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main menu"), -1);
  _rl_window_actions_update (self);
}
