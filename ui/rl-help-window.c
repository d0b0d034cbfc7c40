#define G_LOG_DOMAIN "reslab-ui"

/* rl-help-window.c: see rl-help-window.h. The pages are named after the window's views, so
 * F1 opens the page of the view in front. */

#include "rl-help-window.h"

struct _RlHelpWindow
{
  GtkWindow parent_instance;

  /* template widgets */
  GtkStack *stack;
};

G_DEFINE_FINAL_TYPE (RlHelpWindow, rl_help_window, GTK_TYPE_WINDOW)

RlHelpWindow *
rl_help_window_new (GtkWindow *parent)
{
  return g_object_new (RL_TYPE_HELP_WINDOW, "transient-for", parent, NULL);
}

void
rl_help_window_set_page (RlHelpWindow *self,
                         const char   *view)
{
  g_return_if_fail (RL_IS_HELP_WINDOW (self));

  if (view != NULL && gtk_stack_get_child_by_name (self->stack, view) != NULL)
    gtk_stack_set_visible_child_name (self->stack, view);
  else
    gtk_stack_set_visible_child_name (self->stack, "draw");
}

const char *
rl_help_window_get_page (RlHelpWindow *self)
{
  g_return_val_if_fail (RL_IS_HELP_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static void
rl_help_window_class_init (RlHelpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-help-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RlHelpWindow, stack);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rl_help_window_init (RlHelpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
