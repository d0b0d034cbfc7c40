#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment-file.c: experiment runs as files (see rl-experiment-file.h for the format):
 * a run's file name and its twins' paths beside it, the bytes a run takes, the text written,
 * and saving it. Reading it back is in rl-experiment-file-read.c, a folder of runs (listing,
 * ticks, deleting) in rl-experiment-file-dir.c; the format's names they share in
 * rl-experiment-file-private.h.
 */

#include "config.h"

#include "rl-experiment-file-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-landscape.h"

const char *const _rl_run_twin_groups[RL_N_TWINS] = { "plain", "resnet" };

const RecordField _rl_run_fields[N_FIELDS] = {
  { "iteration",     G_STRUCT_OFFSET (RlExperimentRecord, iteration),     0 },
  { "images",        G_STRUCT_OFFSET (RlExperimentRecord, images),        0 },
  { "epoch",         G_STRUCT_OFFSET (RlExperimentRecord, epoch),         VALUE_FINITE },
  { "train-error",   G_STRUCT_OFFSET (RlExperimentRecord, train_error),   VALUE_FRACTION },
  { "train-loss",    G_STRUCT_OFFSET (RlExperimentRecord, train_loss),    VALUE_NONNEGATIVE },
  { "test-error",    G_STRUCT_OFFSET (RlExperimentRecord, test_error),    VALUE_FRACTION },
  { "train-seconds", G_STRUCT_OFFSET (RlExperimentRecord, train_seconds), VALUE_FINITE },
};

void
rl_experiment_run_info_clear (RlExperimentRunInfo *info)
{
  for (int t = 0; t < RL_N_TWINS; t++)
    g_clear_pointer (&info->layers[t], g_array_unref);
}

char *
rl_experiment_file_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "reslab", "experiments", NULL);
}

char *
rl_experiment_file_make_name (const RlExperimentConfig *config, GDateTime *when)
{
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (config != NULL && when != NULL, NULL);

  stamp = g_date_time_format (when, "%Y%m%d-%H%M%S");
  return g_strdup_printf ("%s.%06d-depth%d" RL_EXPERIMENT_FILE_SUFFIX, stamp,
                          g_date_time_get_microsecond (when), config->depth);
}

char *
rl_experiment_file_twin_path (const char *run_path, RlTwin twin)
{
  size_t n;

  g_return_val_if_fail (run_path != NULL, NULL);
  g_return_val_if_fail (twin == RL_TWIN_PLAIN || twin == RL_TWIN_RESIDUAL, NULL);

  n = strlen (run_path);
  if (g_str_has_suffix (run_path, RL_EXPERIMENT_FILE_SUFFIX))
    n -= strlen (RL_EXPERIMENT_FILE_SUFFIX);
  return g_strdup_printf ("%.*s.%s.safetensors", (int) n, run_path, _rl_run_twin_groups[twin]);
}

/* The size of @path when it is a regular file, else 0. */
static guint64
regular_file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && S_ISREG (st.st_mode) ? (guint64) st.st_size : 0;
}

guint64
rl_experiment_file_measure (const char *run_path, gboolean *twin_kept)
{
  guint64 size;

  g_return_val_if_fail (run_path != NULL, 0);

  size = regular_file_size (run_path);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_autofree char *twin = rl_experiment_file_twin_path (run_path, (RlTwin) t);
      g_autofree char *initial = rl_landscape_initial_path (twin);

      if (twin_kept != NULL)
        twin_kept[t] = g_file_test (twin, G_FILE_TEST_IS_REGULAR);
      size += regular_file_size (twin);
      /* by the rule Clear deletes by: a file of the user's in their place is not the run's */
      if (rl_landscape_is_initial_of (initial, twin))
        size += regular_file_size (initial);
    }
  return size;
}

/* ---- Writing ------------------------------------------------------------------------------- */

/* A number that reads back bit for bit, then a ';'. */
static void
append_double (GString *s, double v)
{
  rl_experiment_append_number (s, v, 0);
  g_string_append_c (s, ';');
}

static void
append_field (GString *s, const RlExperimentRecord *r, guint f)
{
  if (f < N_COUNTS)
    g_string_append_printf (s, "%" G_GUINT64_FORMAT ";",
                            G_STRUCT_MEMBER (uint64_t, r, _rl_run_fields[f].offset));
  else
    append_double (s, G_STRUCT_MEMBER (double, r, _rl_run_fields[f].offset));
}

static void
set_double (GKeyFile *kf, const char *group, const char *key, double v)
{
  g_autoptr(GString) s = g_string_new (NULL);

  rl_experiment_append_number (s, v, 0);
  g_key_file_set_value (kf, group, key, s->str);
}

static void
format_config (GKeyFile *kf, const RlExperimentGroup *group, const RlExperimentRunInfo *info)
{
  const RlExperimentConfig *c = rl_experiment_group_get_config (group);
  const char *names[RL_N_TWINS] = {
    rl_experiment_group_get_name (group, RL_TWIN_PLAIN),
    rl_experiment_group_get_name (group, RL_TWIN_RESIDUAL),
  };

  g_key_file_set_integer (kf, RUN_GROUP, "format", RL_EXPERIMENT_FILE_VERSION);
  g_key_file_set_string (kf, RUN_GROUP, "dataset", rl_dataset_kind_name (info->kind));
  g_key_file_set_integer (kf, RUN_GROUP, "depth", c->depth);
  g_key_file_set_string (kf, RUN_GROUP, "shortcut", rl_shortcut_name (c->shortcut));
  g_key_file_set_boolean (kf, RUN_GROUP, "batch-norm", c->bn);
  set_double (kf, RUN_GROUP, "learning-rate", c->lr);
  set_double (kf, RUN_GROUP, "momentum", c->momentum);
  set_double (kf, RUN_GROUP, "weight-decay", c->weight_decay);
  g_key_file_set_integer (kf, RUN_GROUP, "batch", c->batch);
  g_key_file_set_uint64 (kf, RUN_GROUP, "seed", c->seed);
  g_key_file_set_integer (kf, RUN_GROUP, "epochs", c->epochs);
  g_key_file_set_uint64 (kf, RUN_GROUP, "train-images", c->subset);
  g_key_file_set_uint64 (kf, RUN_GROUP, "test-images", c->test_subset);
  g_key_file_set_integer (kf, RUN_GROUP, "interval", c->interval);
  g_key_file_set_boolean (kf, RUN_GROUP, "layer-stats", c->layer_stats);
  g_key_file_set_uint64 (kf, RUN_GROUP, "response-images", c->response_images);
  g_key_file_set_boolean (kf, RUN_GROUP, "fresh-bn-stats", c->fresh_bn_stats);
  g_key_file_set_string_list (kf, RUN_GROUP, "names", names, RL_N_TWINS);
  g_key_file_set_uint64 (kf, RUN_GROUP, "seeds", info->n_seeds);
  g_key_file_set_uint64 (kf, RUN_GROUP, "total-iterations",
                         rl_experiment_group_get_total_iterations (group));
  set_double (kf, RUN_GROUP, "seconds", info->seconds);
  g_key_file_set_boolean (kf, RUN_GROUP, "completed", info->completed);
}

static void
format_twin (GKeyFile *kf, const RlExperimentGroup *group, const RlExperimentRunInfo *info,
             RlTwin t)
{
  const char *name = _rl_run_twin_groups[t];
  GArray *layers = info->layers[t];
  guint n_layers = layers != NULL ? layers->len : 0;
  guint per_record = rl_experiment_group_get_config (group)->layer_stats ? n_layers : 0;
  guint n_seeds = rl_experiment_group_get_n_seeds (group);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree const char **names = g_new0 (const char *, n_layers + 1);

  /* the twins may have records of different seeds (stopped in between): trailing seeds
   * without records are left out */
  while (n_seeds > 0 && rl_experiment_group_get_n_records (group, t, n_seeds - 1) == 0)
    n_seeds--;

  g_key_file_set_uint64 (kf, name, "layers", n_layers);
  for (guint k = 0; k < n_layers; k++)
    names[k] = g_array_index (layers, RlExperimentLayer, k).name;
  g_key_file_set_string_list (kf, name, "layer-names", names, n_layers);
  for (guint k = 0; k < n_layers; k++)
    g_string_append_printf (s, "%d;", g_array_index (layers, RlExperimentLayer, k).index);
  g_key_file_set_value (kf, name, "layer-index", s->str);
  g_string_truncate (s, 0);
  for (guint k = 0; k < n_layers; k++)
    g_string_append_printf (s, "%d;", g_array_index (layers, RlExperimentLayer, k).response);
  g_key_file_set_value (kf, name, "layer-response", s->str);
  g_string_truncate (s, 0);
  for (guint seed = 0; seed < n_seeds; seed++)
    g_string_append_printf (s, "%u;", rl_experiment_group_get_n_records (group, t, seed));
  g_key_file_set_value (kf, name, "records", s->str);

  for (guint seed = 0; seed < n_seeds; seed++)
    {
      guint n = rl_experiment_group_get_n_records (group, t, seed);
      g_autofree char *seed_group =
        g_strdup_printf ("%s seed %" G_GUINT64_FORMAT, name,
                         rl_experiment_group_get_config (group)->seed + seed);

      for (guint f = 0; f < N_FIELDS; f++)
        {
          g_string_truncate (s, 0);
          for (guint i = 0; i < n; i++)
            append_field (s, rl_experiment_group_get_record (group, t, seed, i), f);
          g_key_file_set_value (kf, seed_group, _rl_run_fields[f].key, s->str);
        }
      if (per_record == 0)
        continue;
      for (int which = 0; which < 2; which++)
        {
          g_string_truncate (s, 0);
          for (guint i = 0; i < n; i++)
            {
              const RlExperimentRecord *r = rl_experiment_group_get_record (group, t, seed, i);

              g_return_if_fail (r->n_layers == per_record);
              for (guint k = 0; k < per_record; k++)
                append_double (s, which == 0 ? r->grad_norm[k] : r->response_std[k]);
            }
          g_key_file_set_value (kf, seed_group, which == 0 ? "grad-norm" : "response-std",
                                s->str);
        }
    }
}

GBytes *
rl_experiment_file_format (const RlExperimentGroup *group, const RlExperimentRunInfo *info)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  gsize length;
  char *text;

  g_return_val_if_fail (group != NULL && info != NULL, NULL);

  format_config (kf, group, info);
  g_key_file_set_comment (kf, RUN_GROUP, NULL,
                          " A ResLab experiment run: a plain net and its residual twin trained"
                          " side by side.\n Format: engine/rl-experiment-file.h (README.md,"
                          " \"Experiment\").", NULL);
  for (int t = 0; t < RL_N_TWINS; t++)
    format_twin (kf, group, info, (RlTwin) t);
  /* last, so that a file cut short is told from one that is whole */
  g_key_file_set_value (kf, END_GROUP, "end", "true");
  text = g_key_file_to_data (kf, &length, NULL);
  return g_bytes_new_take (text, length);
}

/* ---- Saving -------------------------------------------------------------------------------- */

gboolean
rl_experiment_file_save (const char *path, GBytes *contents, GError **error)
{
  g_autofree char *dir = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (path != NULL && contents != NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (dir);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), name, g_strerror (saved));
      return FALSE;
    }
  data = g_bytes_get_data (contents, &size);
  /* a temporary file renamed over the old one, synced first */
  return g_file_set_contents_full (path, data, (gssize) size,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static void
save_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  const char *path = g_object_get_data (G_OBJECT (task), "path");

  if (g_task_return_error_if_cancelled (task))
    return;
  if (rl_experiment_file_save (path, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
rl_experiment_file_save_async (const char *path, GBytes *contents, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL && contents != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_experiment_file_save_async);
  g_task_set_task_data (task, g_bytes_ref (contents), (GDestroyNotify) g_bytes_unref);
  g_object_set_data_full (G_OBJECT (task), "path", g_strdup (path), g_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
rl_experiment_file_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
