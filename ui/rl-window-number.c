#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-number.c: the window's Number view (rl-number-view.h): it reads with the model in
 * use, so a model trained, opened or taught here reads numbers at once. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

GtkWidget *
_rl_window_switcher_button (RlWindow   *self,
                            const char *name)
{
  g_autoptr (GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (self->stack));
  GtkWidget *child = gtk_widget_get_first_child (self->switcher);

  /* the switcher has one button per visible page, in the stack's order */
  for (guint i = 0; i < g_list_model_get_n_items (pages) && child != NULL; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (pages, i);
      GtkStackPage *page = GTK_STACK_PAGE (item);

      if (!gtk_stack_page_get_visible (page))
        continue;
      if (g_strcmp0 (gtk_stack_page_get_name (page), name) == 0)
        return child;
      child = gtk_widget_get_next_sibling (child);
    }
  return NULL;
}

void
_rl_window_number_init (RlWindow *self)
{
  GtkWidget *button = _rl_window_switcher_button (self, "number");

  rl_number_view_set_predictor (self->number_view, self->predictor);
  if (button != NULL)
    gtk_widget_set_tooltip_text (button, _("Write a whole number and see each digit read (Alt+6)"));
}

void
_rl_window_number_dispose (RlWindow *self)
{
  if (self->number_view != NULL)
    rl_number_view_set_predictor (self->number_view, NULL);
}

RlNumberView *
rl_window_get_number_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->number_view;
}
