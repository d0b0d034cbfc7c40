/* rl-settings.h: ResLab's GSettings (data/<application id>.gschema.xml) and the mappings the
 * views bind their widgets with.
 *
 * Settings are optional: an uninstalled build run without GSETTINGS_SCHEMA_DIR pointing at the
 * build folder's data/ (./dev.sh run sets it) finds no schema, and GSettings would abort on a
 * missing one; rl_settings_new () then returns NULL and nothing is remembered.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Returns: (transfer full) (nullable): NULL when the schema is not installed */
GSettings *rl_settings_new                (void);

/* Binds @dropdown's "selected" (an index into @kinds, RlDatasetKind values, as
 * rl_dataset_dropdown_fill made them) to the dataset key @key ("mnist" or "fashion"). A
 * dataset that is no longer installed falls back to the key's default. @kinds must outlive
 * the binding (the view owns both). */
void       rl_settings_bind_dataset       (GSettings   *settings,
                                           const char  *key,
                                           GtkDropDown *dropdown,
                                           GArray      *kinds);
/* Binds @dropdown's "selected" to the integer key @key: item i is @values[i]. */
void       rl_settings_bind_int_choice    (GSettings   *settings,
                                           const char  *key,
                                           GtkDropDown *dropdown,
                                           const int   *values,
                                           guint        n_values);
/* Binds @dropdown's "selected" to the enum key @key: item i is @nicks[i] (NULL-terminated,
 * static). */
void       rl_settings_bind_nick_choice   (GSettings          *settings,
                                           const char         *key,
                                           GtkDropDown        *dropdown,
                                           const char * const *nicks);
/* Binds a toggle button's "active" to whether the string key @key is @nick (a radio group:
 * only the active button writes). */
void       rl_settings_bind_toggle_nick   (GSettings       *settings,
                                           const char      *key,
                                           GtkToggleButton *button,
                                           const char      *nick);

G_END_DECLS
