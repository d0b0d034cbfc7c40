#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-settings.c: what the window remembers between runs (after GNOME Text Editor's
 * editor-window-settings.c): its size, whether it is maximized, the view shown, and, through
 * the views, the settings of the Train, Experiment (with its Landscape tab) and Inside views. Everything is bound with
 * g_settings_bind, so a change is written as it happens and restored at the next start. (The
 * model in use, the "model" key, is read and written by rl-window-model.c.)
 * Without the schema (an uninstalled build, see rl-settings.h) nothing is remembered.
 */

#include "rl-window-private.h"

#include "rl-settings.h"

/* The window's own properties bound below, unbound first on dispose: taking the stack apart
 * changes the view, which must not be remembered. */
static const struct {
  const char *key;
  const char *property;
} window_keys[] = {
  { "window-width", "default-width" },
  { "window-height", "default-height" },
  { "window-maximized", "maximized" },
  { "last-view", "view" },
};

void
_rl_window_settings_init (RlWindow *self)
{
  /* self->settings was made in rl_window_init, before the model in use was looked for */
  if (self->settings == NULL)
    return;

  /* GTK 4 keeps default-width/-height at the size of the window, maximized or not. */
  for (guint i = 0; i < G_N_ELEMENTS (window_keys); i++)
    g_settings_bind (self->settings, window_keys[i].key, self, window_keys[i].property,
                     G_SETTINGS_BIND_DEFAULT);

  rl_train_view_bind_settings (self->train_view, self->settings);
  rl_experiment_view_bind_settings (self->experiment_view, self->settings);
  rl_landscape_view_bind_settings (self->landscape_view, self->settings);
  rl_inside_view_bind_settings (self->inside_view, self->settings);
}

void
_rl_window_settings_dispose (RlWindow *self)
{
  if (self->settings == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (window_keys); i++)
    g_settings_unbind (self, window_keys[i].property);
  g_clear_object (&self->settings);
}
