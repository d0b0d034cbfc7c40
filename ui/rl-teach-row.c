#define G_LOG_DOMAIN "reslab-ui"

/* rl-teach-row.c: see rl-teach-row.h. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rl-teach-row.h"

struct _RlTeachRow
{
  GtkWidget parent_instance;

  /* children (owned through the widget tree) */
  GtkWidget  *box;
  GtkWidget  *heading;
  GtkWidget  *grid;
  GtkWidget  *buttons[10];
  GtkWidget  *mine_button;
  RlMineView *mine_view;
};

G_DEFINE_FINAL_TYPE (RlTeachRow, rl_teach_row, GTK_TYPE_WIDGET)

enum {
  SIGNAL_LABEL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
digit_clicked_cb (GtkButton  *button,
                  RlTeachRow *self)
{
  guint digit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "digit"));

  g_signal_emit (self, signals[SIGNAL_LABEL_CHOSEN], 0, digit);
}

static void
mine_changed_cb (RlMineView *view,
                 RlTeachRow *self)
{
  guint n = rl_mine_view_get_n_digits (view);
  g_autofree char *label = n > 0 ? g_strdup_printf (_("Your Digits (%u)"), n)
                                 : g_strdup (_("Your Digits"));

  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->mine_button), label);
}

GtkWidget *
rl_teach_row_new (void)
{
  return g_object_new (RL_TYPE_TEACH_ROW, NULL);
}

void
rl_teach_row_set_can_add (RlTeachRow *self,
                          gboolean    can_add)
{
  g_return_if_fail (RL_IS_TEACH_ROW (self));

  for (guint d = 0; d < 10; d++)
    gtk_widget_set_sensitive (self->buttons[d], can_add);
}

void
rl_teach_row_set_for_digits (RlTeachRow *self,
                             gboolean    for_digits)
{
  g_return_if_fail (RL_IS_TEACH_ROW (self));

  /* for other classes, the heading gives way to a line saying why there are no buttons */
  gtk_label_set_label (GTK_LABEL (self->heading),
                       for_digits ? _("This is a…")
                                  : _("Your digits teach models of handwritten digits; the "
                                      "model in use reads other things."));
  if (for_digits)
    {
      gtk_widget_remove_css_class (self->heading, "dim-label");
      gtk_widget_add_css_class (self->heading, "heading");
    }
  else
    {
      gtk_widget_remove_css_class (self->heading, "heading");
      gtk_widget_add_css_class (self->heading, "dim-label");
    }
  gtk_widget_set_tooltip_text (self->heading,
                               for_digits ? _("Say what you drew: it joins your digits, which "
                                              "the model can then learn from")
                                          : NULL);
  gtk_widget_set_visible (self->grid, for_digits);
}

gboolean
rl_teach_row_get_for_digits (RlTeachRow *self)
{
  g_return_val_if_fail (RL_IS_TEACH_ROW (self), FALSE);

  return gtk_widget_get_visible (self->grid);
}

GtkWidget *
rl_teach_row_get_digit_button (RlTeachRow *self,
                               guint       digit)
{
  g_return_val_if_fail (RL_IS_TEACH_ROW (self), NULL);
  g_return_val_if_fail (digit < 10, NULL);

  return self->buttons[digit];
}

RlMineView *
rl_teach_row_get_mine_view (RlTeachRow *self)
{
  g_return_val_if_fail (RL_IS_TEACH_ROW (self), NULL);

  return self->mine_view;
}

void
rl_teach_row_show_mine (RlTeachRow *self)
{
  g_return_if_fail (RL_IS_TEACH_ROW (self));

  gtk_menu_button_popup (GTK_MENU_BUTTON (self->mine_button));
}

static void
rl_teach_row_dispose (GObject *object)
{
  RlTeachRow *self = RL_TEACH_ROW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (rl_teach_row_parent_class)->dispose (object);
}

static void
rl_teach_row_class_init (RlTeachRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_teach_row_dispose;

  /**
   * RlTeachRow::label-chosen:
   * @digit: what the user says the drawing is
   */
  signals[SIGNAL_LABEL_CHOSEN] = g_signal_new ("label-chosen", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlteachrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rl_teach_row_init (RlTeachRow *self)
{
  GtkWidget *top, *label, *grid, *popover;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  label = self->heading = gtk_label_new (_("This is a…"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* wraps rather than widen the Draw view's canvas column (the window fits 800 px) */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (top), label);

  self->mine_view = RL_MINE_VIEW (rl_mine_view_new ());
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->mine_view));
  /* the row is under the Draw view's canvas, near the window's bottom: open upwards */
  gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_TOP);
  gtk_widget_set_size_request (GTK_WIDGET (self->mine_view), 460, -1);
  self->mine_button = gtk_menu_button_new ();
  gtk_widget_set_valign (self->mine_button, GTK_ALIGN_CENTER);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->mine_button), popover);
  gtk_widget_set_tooltip_text (self->mine_button, _("The digits you labelled: delete them, or "
                                                    "teach the model your handwriting"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mine_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Your Digits"), -1);
  gtk_box_append (GTK_BOX (top), self->mine_button);
  gtk_box_append (GTK_BOX (self->box), top);

  grid = self->grid = gtk_grid_new ();
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (guint d = 0; d < 10; d++)
    {
      g_autofree char *text = g_strdup_printf ("%u", d);
      g_autofree char *name = g_strdup_printf (_("This is a %u: add the drawing to your digits"),
                                               d);

      self->buttons[d] = gtk_button_new_with_label (text);
      gtk_widget_add_css_class (self->buttons[d], "digit-button");
      g_object_set_data (G_OBJECT (self->buttons[d]), "digit", GUINT_TO_POINTER (d));
      gtk_widget_set_tooltip_text (self->buttons[d], name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->buttons[d]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_signal_connect (self->buttons[d], "clicked", G_CALLBACK (digit_clicked_cb), self);
      gtk_grid_attach (GTK_GRID (grid), self->buttons[d], (int) (d % 5), (int) (d / 5), 1, 1);
    }
  gtk_box_append (GTK_BOX (self->box), grid);

  g_signal_connect (self->mine_view, "changed", G_CALLBACK (mine_changed_cb), self);
  mine_changed_cb (self->mine_view, self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Teach it your handwriting"), -1);
  rl_teach_row_set_for_digits (self, TRUE);
  rl_teach_row_set_can_add (self, FALSE);
}
