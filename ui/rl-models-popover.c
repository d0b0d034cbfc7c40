#define G_LOG_DOMAIN "reslab-ui"

/* rl-models-popover.c: see rl-models-popover.h. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-models-popover.h"

#include <string.h>

#include "rl-widget-util.h"

struct _RlModelsPopover
{
  GtkPopover    parent_instance;

  /* template widgets */
  GtkScrolledWindow *scroller;
  GtkListBox   *list;

  /* owned */
  RlModelStore *store;
  char         *current;   /* "" for the bundled model, NULL for none */

  guint         fit_id;    /* fit_list_height, pending */
};

G_DEFINE_FINAL_TYPE (RlModelsPopover, rl_models_popover, GTK_TYPE_POPOVER)

/* The path an action takes for @item: "" for the bundled model. */
static const char *
item_key (RlModelItem *item)
{
  const char *path = rl_model_item_get_path (item);

  return path != NULL ? path : "";
}

/* The "in use" tick: kept in place (the rows' names stay aligned), seen and read only on the
 * model in use. */
static void
show_check (GtkWidget *check,
            gboolean   in_use)
{
  gtk_widget_set_opacity (check, in_use ? 1.0 : 0.0);
  gtk_accessible_update_state (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_STATE_HIDDEN, !in_use, -1);
}

/* Past GtkEditableLabel's own 100 ms (name_editing_cb) */
#define RENAME_DELAY_MS 250

typedef struct {
  GtkWidget *popover;   /* a reference */
  char      *key;
  char      *name;
} Rename;

static gboolean
rename_later (gpointer data)
{
  Rename *rename = data;

  gtk_widget_activate_action (rename->popover, "win.rename-model", "(ss)", rename->key,
                              rename->name);
  g_object_unref (rename->popover);
  g_free (rename->key);
  g_free (rename->name);
  g_free (rename);
  return G_SOURCE_REMOVE;
}

static void
name_editing_cb (GtkEditableLabel *label,
                 GParamSpec       *pspec,
                 RlModelItem      *item)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (label), RL_TYPE_MODELS_POPOVER);
  GtkWidget *row;
  const char *text;
  Rename *rename;

  if (gtk_editable_label_get_editing (label) || popover == NULL)
    return;
  text = gtk_editable_get_text (GTK_EDITABLE (label));
  if (g_strcmp0 (text, rl_model_item_get_name (item)) == 0)
    return;
  /* The store rewrites the file, or the window says why not; either way the row shows the
   * name in the file (a failed rename puts the old one back). The focus to the row first,
   * and the rename later: the store's change makes the row anew and disposes this label,
   * and GTK 4.8's GtkEditableLabel looks at its focus controller 100 ms after losing the
   * focus, without holding it (three criticals when the label was gone by then). */
  row = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_LIST_BOX_ROW);
  if (row != NULL)
    gtk_widget_grab_focus (row);
  rename = g_new0 (Rename, 1);
  rename->popover = g_object_ref (popover);
  rename->key = g_strdup (item_key (item));
  rename->name = g_strdup (text);
  g_timeout_add (RENAME_DELAY_MS, rename_later, rename);
  gtk_editable_set_text (GTK_EDITABLE (label), rl_model_item_get_name (item));
}

static GtkWidget *
icon_button (const char  *icon,
             const char  *tooltip,
             const char  *action,
             RlModelItem *item)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", item_key (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tooltip, -1);
  return button;
}

/* A one- or two-key target for win.show-landscape. */
static GVariant *
landscape_target (RlModelItem *item,
                  RlModelItem *other)
{
  const char *keys[3] = { item_key (item), other != NULL ? item_key (other) : NULL, NULL };

  return g_variant_new_strv (keys, -1);
}

/* The row's menu, made as it opens, so "Compare Landscape With" lists the models the store
 * holds then. */
static void
create_row_menu (GtkMenuButton *button,
                 gpointer       user_data)
{
  RlModelItem *item = user_data;
  RlModelsPopover *self = RL_MODELS_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                      RL_TYPE_MODELS_POPOVER));
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) landscape = g_menu_new ();
  g_autoptr (GMenu) compare = g_menu_new ();
  g_autoptr (GMenuItem) alone = g_menu_item_new (_("_Loss Landscape"), NULL);
  guint n = self != NULL && self->store != NULL
            ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;

  g_menu_item_set_action_and_target_value (alone, "win.show-landscape",
                                           landscape_target (item, NULL));
  g_menu_append_item (landscape, alone);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RlModelItem) other = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      g_autoptr (GMenuItem) entry = NULL;

      if (other == item)
        continue;
      /* a name typed by the user: no mnemonic in it */
      entry = g_menu_item_new (NULL, NULL);
      {
        g_autofree char *label = NULL;
        g_auto (GStrv) parts = g_strsplit (rl_model_item_get_name (other), "_", -1);

        label = g_strjoinv ("__", parts);
        g_menu_item_set_label (entry, label);
      }
      g_menu_item_set_action_and_target_value (entry, "win.show-landscape",
                                               landscape_target (item, other));
      g_menu_append_item (compare, entry);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (compare)) > 0)
    g_menu_append_submenu (landscape, _("_Compare Landscape With"), G_MENU_MODEL (compare));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (landscape));
  /* the way to rename: a double-click on the name does not get there with a mouse (the
   * first click uses the model and closes the list) */
  if (!rl_model_item_is_bundled (item))
    {
      g_autoptr (GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
      g_autoptr (GMenu) name = g_menu_new ();

      g_menu_item_set_action_and_target_value (rename, "models.rename",
                                               g_variant_new_string (item_key (item)));
      g_menu_append_item (name, rename);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (name));
    }
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

static GtkWidget *
row_menu_button (RlModelItem *item)
{
  GtkWidget *button = gtk_menu_button_new ();
  g_autofree char *label = g_strdup_printf (_("More for “%s”"), rl_model_item_get_name (item));

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, _("Loss landscape and more"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (button), FALSE);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_row_menu,
                                         g_object_ref (item), g_object_unref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  return button;
}

static GtkWidget *
create_row (gpointer object,
            gpointer user_data)
{
  RlModelsPopover *self = user_data;
  RlModelItem *item = object;
  g_autofree char *subtitle = rl_model_item_describe (item);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *name;
  GtkWidget *detail = gtk_label_new (subtitle);
  GtkWidget *menu;

  gtk_widget_set_tooltip_text (check, _("In use"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("In use"), -1);
  show_check (check, g_strcmp0 (self->current, item_key (item)) == 0);
  gtk_box_append (GTK_BOX (box), check);

  if (rl_model_item_is_bundled (item))
    {
      name = gtk_label_new (rl_model_item_get_name (item));
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
    }
  else
    {
      name = gtk_editable_label_new (rl_model_item_get_name (item));
      gtk_editable_set_width_chars (GTK_EDITABLE (name), 20);
      g_signal_connect_object (name, "notify::editing", G_CALLBACK (name_editing_cb), item, 0);
    }
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_set_halign (name, GTK_ALIGN_FILL);
  gtk_box_append (GTK_BOX (text), name);

  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "numeric");
  gtk_box_append (GTK_BOX (text), detail);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  gtk_box_append (GTK_BOX (box), icon_button ("document-save-as-symbolic", _("Export a copy…"),
                                              "win.export-model", item));
  if (!rl_model_item_is_bundled (item))
    gtk_box_append (GTK_BOX (box), icon_button ("user-trash-symbolic", _("Delete"),
                                                "win.delete-model", item));
  menu = row_menu_button (item);
  gtk_box_append (GTK_BOX (box), menu);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  rl_model_item_get_name (item),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (row), "check", check);
  g_object_set_data (G_OBJECT (row), "menu", menu);
  g_object_set_data (G_OBJECT (row), "name", name);
  return row;
}

/* Rename… in a row's menu: the row's name becomes an entry (GtkEditableLabel's editing). */
static void
rename_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  RlModelsPopover *self = RL_MODELS_POPOVER (widget);
  const char *key = g_variant_get_string (parameter, NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      RlModelItem *item = g_object_get_data (G_OBJECT (row), "item");
      GtkWidget *name = g_object_get_data (G_OBJECT (row), "name");

      if (item != NULL && GTK_IS_EDITABLE_LABEL (name) && strcmp (item_key (item), key) == 0)
        {
          gtk_editable_label_start_editing (GTK_EDITABLE_LABEL (name));
          gtk_widget_grab_focus (name);
          return;
        }
    }
}

/* F2, as in GNOME's file lists: the row with the focus, or the one its focus is in. */
static void
rename_focused_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = NULL;
  RlModelItem *item;
  g_autoptr (GVariant) key = NULL;

  if (focus != NULL)
    row = GTK_IS_LIST_BOX_ROW (focus) ? focus
                                      : gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);
  item = row != NULL ? g_object_get_data (G_OBJECT (row), "item") : NULL;
  if (item == NULL || rl_model_item_is_bundled (item))
    return;
  key = g_variant_ref_sink (g_variant_new_string (item_key (item)));
  rename_activated (widget, "models.rename", key);
}

static void
on_row_activated (GtkListBox      *list,
                  GtkListBoxRow   *row,
                  RlModelsPopover *self)
{
  RlModelItem *item = g_object_get_data (G_OBJECT (row), "item");

  gtk_widget_activate_action (GTK_WIDGET (self), "win.use-model", "s", item_key (item));
  gtk_popover_popdown (GTK_POPOVER (self));
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
rl_models_popover_new (void)
{
  return g_object_new (RL_TYPE_MODELS_POPOVER, NULL);
}

void
rl_models_popover_set_store (RlModelsPopover *self,
                             RlModelStore    *store)
{
  g_return_if_fail (RL_IS_MODELS_POPOVER (self));

  g_set_object (&self->store, store);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (store), create_row, self, NULL);
}

void
rl_models_popover_set_current (RlModelsPopover *self,
                               const char      *path)
{
  g_return_if_fail (RL_IS_MODELS_POPOVER (self));

  /* (@path may be the current one's own string) */
  if (!rl_set_str (&self->current, path))
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      RlModelItem *item = g_object_get_data (G_OBJECT (row), "item");
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");

      if (item != NULL && check != NULL)
        show_check (check, g_strcmp0 (self->current, item_key (item)) == 0);
    }
}

GMenuModel *
rl_models_popover_get_row_menu (RlModelsPopover *self,
                                guint            index)
{
  GtkListBoxRow *row;
  GtkMenuButton *button;

  g_return_val_if_fail (RL_IS_MODELS_POPOVER (self), NULL);

  row = gtk_list_box_get_row_at_index (self->list, (int) index);
  button = row != NULL ? g_object_get_data (G_OBJECT (row), "menu") : NULL;
  if (button == NULL)
    return NULL;
  create_row_menu (button, g_object_get_data (G_OBJECT (row), "item"));
  return gtk_menu_button_get_menu_model (button);
}

GtkListBox *
rl_models_popover_get_list (RlModelsPopover *self)
{
  g_return_val_if_fail (RL_IS_MODELS_POPOVER (self), NULL);

  return self->list;
}

/* ---- the list's height ------------------------------------------------------------------- */

/* GTK 4.8's scrolled window asks its child for its height at no width in particular: the
 * list's natural width, each row's details on one line. Where they wrap at the list's real
 * width (in Chinese, whose font's lines are taller and longer; a long name) the scroller was
 * too short by a line, and the row's foot was cut, to be scrolled to. So, after each
 * allocation, the list's height at its width (up to the scroller's most) becomes the
 * scroller's least: from an idle, since nothing may be resized while it is allocated. */
static gboolean
fit_list_height (gpointer data)
{
  RlModelsPopover *self = data;
  int width = gtk_widget_get_width (GTK_WIDGET (self->list));
  int height;

  self->fit_id = 0;
  if (width <= 0)
    return G_SOURCE_REMOVE;
  gtk_widget_measure (GTK_WIDGET (self->list), GTK_ORIENTATION_VERTICAL, width, NULL, &height,
                      NULL, NULL);
  height = MIN (height, gtk_scrolled_window_get_max_content_height (self->scroller));
  if (height != gtk_scrolled_window_get_min_content_height (self->scroller))
    gtk_scrolled_window_set_min_content_height (self->scroller, height);
  return G_SOURCE_REMOVE;
}

static void
rl_models_popover_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  RlModelsPopover *self = RL_MODELS_POPOVER (widget);

  GTK_WIDGET_CLASS (rl_models_popover_parent_class)->size_allocate (widget, width, height,
                                                                     baseline);
  if (self->fit_id == 0)
    self->fit_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, fit_list_height, self, NULL);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_models_popover_dispose (GObject *object)
{
  RlModelsPopover *self = RL_MODELS_POPOVER (object);

  g_clear_handle_id (&self->fit_id, g_source_remove);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_MODELS_POPOVER);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (rl_models_popover_parent_class)->dispose (object);
}

static void
rl_models_popover_finalize (GObject *object)
{
  RlModelsPopover *self = RL_MODELS_POPOVER (object);

  g_free (self->current);

  G_OBJECT_CLASS (rl_models_popover_parent_class)->finalize (object);
}

static void
rl_models_popover_class_init (RlModelsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_models_popover_dispose;
  object_class->finalize = rl_models_popover_finalize;
  widget_class->size_allocate = rl_models_popover_size_allocate;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-models-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, RlModelsPopover, scroller);
  gtk_widget_class_bind_template_child (widget_class, RlModelsPopover, list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_install_action (widget_class, "models.rename", "s", rename_activated);
  gtk_widget_class_install_action (widget_class, "models.rename-focused", NULL,
                                   rename_focused_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "models.rename-focused",
                                       NULL);
}

static void
rl_models_popover_init (RlModelsPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Models"), -1);
}
