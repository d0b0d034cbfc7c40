#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-models.c: the Models list of the header bar. Every training run is kept as a file
 * of the window's RlModelStore (rl-model-store.h); the list shows them with the bundled model,
 * and its rows act through the actions here: use a model, rename, delete (with Undo in the
 * notification), export. The notification is a small revealer under the header bar
 * (GTK has no toast without libadwaita): one message, one optional button, a close button.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "rl-dialogs.h"

#define TOAST_SECONDS 10

/* ---- the notification --------------------------------------------------------------------- */

void
_rl_window_hide_toast (RlWindow *self)
{
  g_clear_handle_id (&self->toast_timeout_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->toast_revealer, FALSE);
}

static gboolean
toast_timeout_cb (gpointer data)
{
  RlWindow *self = data;

  self->toast_timeout_id = 0;
  gtk_revealer_set_reveal_child (self->toast_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

void
_rl_window_show_toast (RlWindow   *self,
                       const char *text,
                       const char *button_label,
                       const char *action_name)
{
  g_clear_handle_id (&self->toast_timeout_id, g_source_remove);
  gtk_label_set_text (self->toast_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->toast_button), action_name != NULL);
  if (action_name != NULL)
    {
      g_autofree char *name = g_strdup (button_label);

      gtk_button_set_label (self->toast_button, button_label);
      gtk_button_set_use_underline (self->toast_button, TRUE);
      /* Its accessible name is the label without the mnemonic's underscore. */
      g_strdelimit (name, "_", ' ');
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->toast_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, g_strstrip (name), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->toast_button), action_name);
    }
  gtk_revealer_set_reveal_child (self->toast_revealer, TRUE);
  self->toast_timeout_id = g_timeout_add_seconds (TOAST_SECONDS, toast_timeout_cb, self);
}

const char *
rl_window_get_notification (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->toast_revealer))
    return NULL;
  return gtk_label_get_text (self->toast_label);
}

/* ---- the model in use in the list --------------------------------------------------------- */

void
_rl_window_models_update_current (RlWindow *self)
{
  const char *current = NULL;

  _rl_window_update_run_status (self);
  if (self->models_popover == NULL)
    return;
  if (self->model_source == MODEL_BUNDLED)
    current = "";
  else if (self->model_source == MODEL_TRAINED || self->model_source == MODEL_FILE)
    current = self->model_path;
  rl_models_popover_set_current (self->models_popover, current);
}

/* ---- the actions -------------------------------------------------------------------------- */

static RlModelItem *
item_for_key (RlWindow   *self,
              const char *key)
{
  return rl_model_store_find (self->model_store, *key == '\0' ? NULL : key);
}

static void
use_model_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  const char *key = g_variant_get_string (parameter, NULL);

  if (self->busy)
    return;
  if (*key == '\0')
    _rl_window_restore_bundled (self);
  else
    _rl_window_open_model_path (self, key);
}

static void
rename_model_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  const char *key, *name;
  RlModelItem *item;

  g_variant_get (parameter, "(&s&s)", &key, &name);
  item = item_for_key (self, key);
  if (item == NULL)
    return;
  if (!rl_model_store_rename (self->model_store, item, name, &error))
    {
      _rl_window_show_toast (self, error->message, NULL, NULL);
      return;
    }
  _rl_window_update_description (self);
  _rl_window_update_run_status (self);
}

static void
delete_model_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  RlModelItem *item = item_for_key (self, g_variant_get_string (parameter, NULL));

  if (item == NULL)
    return;
  if (!rl_model_store_delete (self->model_store, item, &error))
    {
      _rl_window_show_toast (self, error->message, NULL, NULL);
      return;
    }
  /* The model in use stays in use (its weights are in memory), described as not saved until
   * the deletion is undone. */
  if (self->model_source == MODEL_TRAINED
      && rl_model_store_find (self->model_store, self->model_path) == NULL)
    {
      self->model_source = MODEL_UNSAVED;
      _rl_window_update_description (self);
      _rl_window_models_update_current (self);
    }
  text = g_strdup_printf (_("Deleted “%s”."), rl_model_store_get_deleted_name (self->model_store));
  _rl_window_show_toast (self, text, _("_Undo"), "win.undo-delete-model");
}

static void
undo_delete_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  RlModelItem *item = rl_model_store_undo_delete (self->model_store, &error);

  _rl_window_hide_toast (self);
  if (item == NULL)
    {
      if (error != NULL)
        _rl_window_show_toast (self, error->message, NULL, NULL);
      return;
    }
  if (self->model_source == MODEL_UNSAVED
      && g_strcmp0 (self->model_path, rl_model_item_get_path (item)) == 0)
    {
      self->model_source = MODEL_TRAINED;
      _rl_window_update_description (self);
    }
  _rl_window_models_update_current (self);
}

static void
export_response_cb (GtkNativeDialog *native,
                    int              response,
                    RlWindow        *self)
{
  g_autofree char *key = g_strdup (g_object_get_data (G_OBJECT (native), "key"));
  g_autofree char *path = _rl_window_chooser_take_path (native, response);
  g_autoptr (GError) error = NULL;
  RlModelItem *item = item_for_key (self, key);

  if (path == NULL || item == NULL)
    return;
  if (!rl_model_store_export (self->model_store, item, path, &error))
    {
      rl_show_error_dialog (GTK_WIDGET (self), _("Could not export the model"), error->message);
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (_("Exported a copy of “%s”."),
                                             rl_model_item_get_name (item));

    _rl_window_show_toast (self, text, NULL, NULL);
  }
}

static void
export_model_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  RlModelItem *item = item_for_key (self, key);
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = _rl_window_safetensors_filter ();
  g_autofree char *name = NULL;

  if (item == NULL)
    return;
  native = gtk_file_chooser_native_new (_("Export Model"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  name = rl_model_item_is_bundled (item) ? g_strdup ("reslab-seed.safetensors")
                                         : g_path_get_basename (rl_model_item_get_path (item));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_object_set_data_full (G_OBJECT (native), "key", g_strdup (key), g_free);
  g_signal_connect (native, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
dismiss_toast_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  _rl_window_hide_toast (RL_WINDOW (widget));
}

static void
show_models_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);

  gtk_menu_button_popup (GTK_MENU_BUTTON (self->models_button));
}

/* ---- set-up ------------------------------------------------------------------------------- */

/* Before the runs folder, a run saved over $XDG_DATA_HOME/reslab/model.safetensors: that file
 * becomes the first run (and the "model" setting follows it), so it is listed and kept. */
static void
adopt_old_model (RlWindow *self)
{
  g_autofree char *old = g_build_filename (g_get_user_data_dir (), "reslab", "model.safetensors",
                                           NULL);
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *path = NULL;
  g_autofree char *remembered = NULL;
  GStatBuf st;

  if (g_stat (old, &st) != 0)
    return;
  when = g_date_time_new_from_unix_utc (st.st_mtime);
  path = rl_model_store_new_run_path (self->model_store, "seed", RL_DATASET_MNIST, when);
  if (g_mkdir_with_parents (rl_model_store_get_dir (self->model_store), 0700) != 0
      || g_rename (old, path) != 0)
    {
      g_message ("Could not move %s into %s: %s", old,
                 rl_model_store_get_dir (self->model_store), g_strerror (errno));
      return;
    }
  if (self->settings != NULL
      && g_strcmp0 ((remembered = g_settings_get_string (self->settings, "model")), old) == 0)
    g_settings_set_string (self->settings, "model", path);
  rl_model_store_reload (self->model_store);
}

void
_rl_window_models_init (RlWindow *self)
{
  g_autofree char *dir = rl_model_store_default_dir ();
  g_autoptr (GBytes) bundled = g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  self->model_store = rl_model_store_new (dir, bundled);
  adopt_old_model (self);
  rl_models_popover_set_store (self->models_popover, self->model_store);
}

void
_rl_window_models_dispose (RlWindow *self)
{
  g_clear_handle_id (&self->toast_timeout_id, g_source_remove);
  g_clear_object (&self->model_store);
}

void
_rl_window_class_models_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.use-model", "s", use_model_activated);
  gtk_widget_class_install_action (widget_class, "win.rename-model", "(ss)",
                                   rename_model_activated);
  gtk_widget_class_install_action (widget_class, "win.delete-model", "s",
                                   delete_model_activated);
  gtk_widget_class_install_action (widget_class, "win.undo-delete-model", NULL,
                                   undo_delete_activated);
  gtk_widget_class_install_action (widget_class, "win.export-model", "s",
                                   export_model_activated);
  gtk_widget_class_install_action (widget_class, "win.dismiss-toast", NULL,
                                   dismiss_toast_activated);
  gtk_widget_class_install_action (widget_class, "win.show-models", NULL, show_models_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK,
                                       "win.show-models", NULL);
}
