#define G_LOG_DOMAIN "reslab-ui"

/* rl-settings.c: see rl-settings.h. */

#include "config.h"

#include "rl-settings.h"

#include "rl-dataset.h"

GSettings *
rl_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, RL_APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s not installed: settings are not remembered "
               "(set GSETTINGS_SCHEMA_DIR to the build folder's data/)", RL_APPLICATION_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* ---- a dataset drop-down ------------------------------------------------------------------- */

static gboolean
dataset_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  GArray *kinds = user_data;
  RlDatasetKind kind;

  if (!rl_dataset_kind_from_name (g_variant_get_string (variant, NULL), &kind))
    return FALSE;
  for (guint i = 0; i < kinds->len; i++)
    if (g_array_index (kinds, RlDatasetKind, i) == kind)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;   /* not installed (any more): the key's default is used */
}

static GVariant *
dataset_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  GArray *kinds = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= kinds->len)
    return NULL;
  return g_variant_new_string (rl_dataset_kind_name (g_array_index (kinds, RlDatasetKind,
                                                                    selected)));
}

void
rl_settings_bind_dataset (GSettings   *settings,
                          const char  *key,
                          GtkDropDown *dropdown,
                          GArray      *kinds)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));
  g_return_if_fail (kinds != NULL);

  g_settings_bind_with_mapping (settings, key, dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                dataset_get_mapping, dataset_set_mapping, kinds, NULL);
}

/* ---- a drop-down of numbers ---------------------------------------------------------------- */

typedef struct {
  const int *values;
  guint      n_values;
} IntChoice;

static gboolean
int_choice_get_mapping (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  IntChoice *choice = user_data;
  int wanted = g_variant_get_int32 (variant);

  for (guint i = 0; i < choice->n_values; i++)
    if (choice->values[i] == wanted)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
int_choice_set_mapping (const GValue       *value,
                        const GVariantType *expected_type,
                        gpointer            user_data)
{
  IntChoice *choice = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= choice->n_values)
    return NULL;
  return g_variant_new_int32 (choice->values[selected]);
}

void
rl_settings_bind_int_choice (GSettings   *settings,
                             const char  *key,
                             GtkDropDown *dropdown,
                             const int   *values,
                             guint        n_values)
{
  IntChoice *choice;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  choice = g_new0 (IntChoice, 1);
  choice->values = values;
  choice->n_values = n_values;
  g_settings_bind_with_mapping (settings, key, dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                int_choice_get_mapping, int_choice_set_mapping, choice, g_free);
}

/* ---- a drop-down of names ------------------------------------------------------------------ */

static gboolean
nick_choice_get_mapping (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *wanted = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], wanted))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
nick_choice_set_mapping (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[selected]);
}

void
rl_settings_bind_nick_choice (GSettings          *settings,
                              const char         *key,
                              GtkDropDown        *dropdown,
                              const char * const *nicks)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  g_settings_bind_with_mapping (settings, key, dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                nick_choice_get_mapping, nick_choice_set_mapping,
                                (gpointer) nicks, NULL);
}

/* ---- radio toggle buttons ------------------------------------------------------------------ */

static gboolean
toggle_nick_get_mapping (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  g_value_set_boolean (value, g_str_equal (g_variant_get_string (variant, NULL), user_data));
  return TRUE;
}

static GVariant *
toggle_nick_set_mapping (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  /* The button turned off is not the one to say what the key is now. */
  if (!g_value_get_boolean (value))
    return NULL;
  return g_variant_new_string (user_data);
}

void
rl_settings_bind_toggle_nick (GSettings       *settings,
                              const char      *key,
                              GtkToggleButton *button,
                              const char      *nick)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (GTK_IS_TOGGLE_BUTTON (button));

  g_settings_bind_with_mapping (settings, key, button, "active", G_SETTINGS_BIND_DEFAULT,
                                toggle_nick_get_mapping, toggle_nick_set_mapping,
                                g_strdup (nick), g_free);
}
