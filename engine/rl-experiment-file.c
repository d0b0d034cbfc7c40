#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment-file.c: experiment runs as files (see rl-experiment-file.h for the format).
 *
 * Reading: the text is checked as a whole first (size, no NUL byte, UTF-8, the header group,
 * the [End] group last), then GKeyFile parses it. Number lists are read from the raw value
 * without splitting it into strings, and their lengths are compared with the counts the file
 * announces before any record is allocated, so a crafted count cannot make it allocate more
 * than a small multiple of the file's size.
 */

#include "config.h"

#include "rl-experiment-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-landscape.h"
#include "rl-sgd.h"

#define RUN_GROUP       "ResLab Experiment Run"
#define END_GROUP       "End"
#define REPORTED_FILE   ".reported"
/* The state file is small: a line per bad file. A bigger one is not ours; it is ignored. */
#define REPORTED_MAX    (1024 * 1024)
#define MAX_NAME        64     /* a twin's name: "plain-20" */
#define MAX_DEPTH       2000

static const char *const twin_groups[RL_N_TWINS] = { "plain", "resnet" };

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
  return g_strdup_printf ("%.*s.%s.safetensors", (int) n, run_path, twin_groups[twin]);
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

typedef enum {
  VALUE_FINITE,        /* a finite number >= 0: epochs, seconds */
  VALUE_FRACTION,      /* NaN (diverged), or 0 .. 1: an error rate */
  VALUE_NONNEGATIVE,   /* NaN, +inf, or >= 0: a loss, a norm, a std */
} ValueKind;

/* A record's values in a seed's group, a list each: the counts first (uint64_t), then the
 * doubles, which a reader checks as @kind says. */
#define N_COUNTS 2
static const struct {
  const char *key;
  gsize       offset;     /* in RlExperimentRecord */
  ValueKind   kind;       /* of a double (0 for a count) */
} fields[] = {
  { "iteration",     G_STRUCT_OFFSET (RlExperimentRecord, iteration),     0 },
  { "images",        G_STRUCT_OFFSET (RlExperimentRecord, images),        0 },
  { "epoch",         G_STRUCT_OFFSET (RlExperimentRecord, epoch),         VALUE_FINITE },
  { "train-error",   G_STRUCT_OFFSET (RlExperimentRecord, train_error),   VALUE_FRACTION },
  { "train-loss",    G_STRUCT_OFFSET (RlExperimentRecord, train_loss),    VALUE_NONNEGATIVE },
  { "test-error",    G_STRUCT_OFFSET (RlExperimentRecord, test_error),    VALUE_FRACTION },
  { "train-seconds", G_STRUCT_OFFSET (RlExperimentRecord, train_seconds), VALUE_FINITE },
};
#define N_FIELDS G_N_ELEMENTS (fields)

static void
append_field (GString *s, const RlExperimentRecord *r, guint f)
{
  if (f < N_COUNTS)
    g_string_append_printf (s, "%" G_GUINT64_FORMAT ";",
                            G_STRUCT_MEMBER (uint64_t, r, fields[f].offset));
  else
    append_double (s, G_STRUCT_MEMBER (double, r, fields[f].offset));
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
  const char *name = twin_groups[t];
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
          g_key_file_set_value (kf, seed_group, fields[f].key, s->str);
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

/* ---- Reading: single values ---------------------------------------------------------------- */

static char *
get_raw (GKeyFile *kf, const char *group, const char *key, GError **error)
{
  char *raw = g_key_file_get_value (kf, group, key, NULL);

  if (raw == NULL)
    g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("[%s] has no “%s”"), group, key);
  return raw;
}

/* An unsigned integer in @min .. @max, decimal digits only. Past @max is RL_ERROR_TOO_LARGE:
 * a count or size beyond what the reader accepts. */
static gboolean
get_uint (GKeyFile *kf, const char *group, const char *key, guint64 min, guint64 max,
          guint64 *out, GError **error)
{
  g_autofree char *raw = get_raw (kf, group, key, error);
  g_autoptr(GError) local = NULL;

  if (raw == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (raw, 10, 0, G_MAXUINT64, out, &local))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, "[%s] %s: %s", group, key,
                   local->message);
      return FALSE;
    }
  if (*out < min || *out > max)
    {
      g_set_error (error, RL_ERROR, *out > max ? RL_ERROR_TOO_LARGE : RL_ERROR_BAD_HEADER,
                   _("[%s] %s: %s is not in %llu .. %llu"), group, key, raw,
                   (unsigned long long) min, (unsigned long long) max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_int (GKeyFile *kf, const char *group, const char *key, int min, int max, int *out,
         GError **error)
{
  guint64 v;

  g_return_val_if_fail (min >= 0, FALSE);
  if (!get_uint (kf, group, key, (guint64) min, (guint64) max, &v, error))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* A finite number in @min .. @max. */
static gboolean
get_finite (GKeyFile *kf, const char *group, const char *key, double min, double max,
            double *out, GError **error)
{
  g_autofree char *raw = get_raw (kf, group, key, error);
  char *end;

  if (raw == NULL)
    return FALSE;
  *out = g_ascii_strtod (raw, &end);
  if (end == raw || *end != '\0')
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("[%s] %s: “%s” is not a number"),
                   group, key, raw);
      return FALSE;
    }
  if (!isfinite (*out))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_NOT_FINITE, _("[%s] %s is %s, not a finite number"),
                   group, key, raw);
      return FALSE;
    }
  if (*out < min || *out > max)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("[%s] %s: %s is not in %g .. %g"),
                   group, key, raw, min, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_bool (GKeyFile *kf, const char *group, const char *key, gboolean *out, GError **error)
{
  g_autoptr(GError) local = NULL;

  *out = g_key_file_get_boolean (kf, group, key, &local);
  if (local != NULL)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, "[%s] %s: %s", group, key,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- Reading: lists ------------------------------------------------------------------------ */

/* Values in a ';'-separated list (a trailing ';' allowed, as GKeyFile writes lists). */
static gsize
count_values (const char *raw)
{
  gsize n = 0;
  const char *p = raw;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '\0')
    return 0;
  for (; *p != '\0'; p++)
    if (*p == ';')
      n++;
  /* the last value has no ';' after it unless the list ends with one */
  while (p > raw && g_ascii_isspace (p[-1]))
    p--;
  return p > raw && p[-1] == ';' ? n : n + 1;
}

/* The raw list [group] key, when it holds exactly @n values. */
static char *
get_list (GKeyFile *kf, const char *group, const char *key, gsize n, GError **error)
{
  g_autofree char *raw = get_raw (kf, group, key, error);
  gsize found;

  if (raw == NULL)
    return NULL;
  found = count_values (raw);
  if (found != n)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("[%s] %s holds %zu values where %zu are announced"), group, key, found, n);
      return NULL;
    }
  return g_steal_pointer (&raw);
}

/* Whether a value that stops at @end is followed by its ';' (or the list's end), after spaces;
 * if so, moves *@p past them. */
static gboolean
value_ends (const char *end, const char **p)
{
  while (g_ascii_isspace (*end))
    end++;
  if (*end != ';' && *end != '\0')
    return FALSE;
  *p = *end == ';' ? end + 1 : end;
  return TRUE;
}

/* The next value of a list at *@p, as a double; moves *@p past it and its ';'. */
static gboolean
next_double (const char **p, double *out)
{
  char *end;

  *out = g_ascii_strtod (*p, &end);
  return end != *p && value_ends (end, p);
}

/* The next value as an integer in @min .. @max (an optional '-' for a negative @min). */
static gboolean
next_int (const char **p, gint64 min, gint64 max, gint64 *out)
{
  const char *q = *p;
  gboolean negative;
  guint64 v = 0;

  while (g_ascii_isspace (*q))
    q++;
  negative = *q == '-';
  if (negative)
    q++;
  if (!g_ascii_isdigit (*q))
    return FALSE;
  /* saturating: a huge count is past any bound, not malformed */
  for (; g_ascii_isdigit (*q); q++)
    v = v > (G_MAXINT64 - 9) / 10 ? G_MAXINT64 : v * 10 + (guint64) (*q - '0');
  *out = negative ? -(gint64) v : (gint64) v;
  return *out >= min && *out <= max && value_ends (q, p);
}

/* @format: a whole sentence, translated, with "[%s] %s" for group and key and %zu for the
 * value's position; a macro so that the compiler checks it against the arguments */
#define bad_value(error, group, key, i, format) \
  g_set_error ((error), RL_ERROR, RL_ERROR_BAD_HEADER, (format), (group), (key), (gsize) (i) + 1)

/* @n integers of [group] key, each in @min .. @max. */
static gint64 *
get_ints (GKeyFile *kf, const char *group, const char *key, gsize n, gint64 min, gint64 max,
          GError **error)
{
  g_autofree char *raw = get_list (kf, group, key, n, error);
  g_autofree gint64 *v = NULL;
  const char *p = raw;

  if (raw == NULL)
    return NULL;
  v = g_new (gint64, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (!next_int (&p, min, max, &v[i]))
      {
        bad_value (error, group, key, i, _("[%s] %s: value %zu is not a whole number in range"));
        return NULL;
      }
  return g_steal_pointer (&v);
}

/* @n numbers of [group] key, each of @kind. */
static double *
get_doubles (GKeyFile *kf, const char *group, const char *key, gsize n, ValueKind kind,
             GError **error)
{
  g_autofree char *raw = get_list (kf, group, key, n, error);
  g_autofree double *v = NULL;
  const char *p = raw;

  if (raw == NULL)
    return NULL;
  v = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (!next_double (&p, &v[i]))
        {
          bad_value (error, group, key, i, _("[%s] %s: value %zu is not a number"));
          return NULL;
        }
      if (kind == VALUE_FINITE && !isfinite (v[i]))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_NOT_FINITE,
                       _("[%s] %s: value %zu is not a finite number"), group, key, i + 1);
          return NULL;
        }
      if (v[i] < 0.0 || (kind == VALUE_FRACTION && v[i] > 1.0))
        {
          bad_value (error, group, key, i,
                     kind == VALUE_FRACTION ? _("[%s] %s: value %zu is not in 0 .. 1")
                                            : _("[%s] %s: value %zu is negative"));
          return NULL;
        }
    }
  return g_steal_pointer (&v);
}

/* ---- Reading: the run ---------------------------------------------------------------------- */

static gboolean
parse_config (GKeyFile *kf, RlExperimentConfig *c, RlDatasetKind *kind, char **names,
              guint64 *n_seeds, guint64 *total, double *seconds, gboolean *completed,
              GError **error)
{
  g_autofree char *dataset = get_raw (kf, RUN_GROUP, "dataset", error);
  g_autofree char *shortcut = NULL;
  g_auto(GStrv) name_list = NULL;
  g_autoptr(GError) local = NULL;
  guint64 v;
  gsize n = 0;

  rl_experiment_config_init (c);
  c->threads = 0;
  if (dataset == NULL)
    return FALSE;
  if (!rl_dataset_kind_from_name (dataset, kind))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("unknown dataset “%s”"), dataset);
      return FALSE;
    }
  if (!get_int (kf, RUN_GROUP, "depth", 8, MAX_DEPTH, &c->depth, error))
    return FALSE;
  if ((c->depth - 2) % 6 != 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("depth %d is not 6n+2"), c->depth);
      return FALSE;
    }
  shortcut = get_raw (kf, RUN_GROUP, "shortcut", error);
  if (shortcut == NULL)
    return FALSE;
  if (g_str_equal (shortcut, "A") || g_str_equal (shortcut, "B"))
    c->shortcut = shortcut[0] == 'A' ? RL_SHORTCUT_A : RL_SHORTCUT_B;
  else
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("shortcut “%s” is not A or B"),
                   shortcut);
      return FALSE;
    }
  if (!get_bool (kf, RUN_GROUP, "batch-norm", &c->bn, error) ||
      !get_finite (kf, RUN_GROUP, "learning-rate", 0.0, 1e12, &c->lr, error) ||
      !get_finite (kf, RUN_GROUP, "momentum", 0.0, 1.0, &c->momentum, error) ||
      !get_finite (kf, RUN_GROUP, "weight-decay", 0.0, 1.0, &c->weight_decay, error))
    return FALSE;
  if (!rl_sgd_check_params (c->lr, c->momentum, c->weight_decay, &local))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, "%s", local->message);
      return FALSE;
    }
  if (!get_int (kf, RUN_GROUP, "batch", 1, 60000, &c->batch, error) ||
      !get_uint (kf, RUN_GROUP, "seed", 0, G_MAXUINT64 - RL_EXPERIMENT_FILE_MAX_SEEDS, &c->seed,
                 error) ||
      !get_int (kf, RUN_GROUP, "epochs", 1, 100000, &c->epochs, error))
    return FALSE;
  if (!get_uint (kf, RUN_GROUP, "train-images", 0, G_MAXUINT32, &v, error))
    return FALSE;
  c->subset = (uint32_t) v;
  if (!get_uint (kf, RUN_GROUP, "test-images", 0, G_MAXUINT32, &v, error))
    return FALSE;
  c->test_subset = (uint32_t) v;
  if (!get_int (kf, RUN_GROUP, "interval", 1, G_MAXINT, &c->interval, error) ||
      !get_bool (kf, RUN_GROUP, "layer-stats", &c->layer_stats, error))
    return FALSE;
  if (!get_uint (kf, RUN_GROUP, "response-images", 0, G_MAXUINT32, &v, error))
    return FALSE;
  c->response_images = (uint32_t) v;
  if (!get_bool (kf, RUN_GROUP, "fresh-bn-stats", &c->fresh_bn_stats, error))
    return FALSE;

  /* a list of two short names: refused before GKeyFile splits a long one */
  {
    g_autofree char *raw = get_list (kf, RUN_GROUP, "names", RL_N_TWINS, error);

    if (raw == NULL)
      return FALSE;
  }
  name_list = g_key_file_get_string_list (kf, RUN_GROUP, "names", &n, NULL);
  if (name_list == NULL || n != RL_N_TWINS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("names: not two names"));
      return FALSE;
    }
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      if (name_list[t][0] == '\0' || strlen (name_list[t]) >= MAX_NAME)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("names: name %d is empty or long"),
                       t + 1);
          return FALSE;
        }
      names[t] = g_strdup (name_list[t]);
    }

  return get_uint (kf, RUN_GROUP, "seeds", 1, RL_EXPERIMENT_FILE_MAX_SEEDS, n_seeds, error) &&
         get_uint (kf, RUN_GROUP, "total-iterations", 0, G_MAXINT64, total, error) &&
         get_finite (kf, RUN_GROUP, "seconds", 0.0, 1e9, seconds, error) &&
         get_bool (kf, RUN_GROUP, "completed", completed, error);
}

/* A twin's weight layers: [plain] layers, layer-names, layer-index, layer-response. */
static GArray *
parse_layers (GKeyFile *kf, const char *group, int depth, GError **error)
{
  g_autoptr(GArray) layers = NULL;
  g_autofree gint64 *index = NULL;
  g_autofree gint64 *response = NULL;
  g_auto(GStrv) names = NULL;
  guint64 n;
  gsize n_names = 0;

  if (!get_uint (kf, group, "layers", 0, MIN (RL_EXPERIMENT_FILE_MAX_LAYERS, depth + 16), &n,
                 error))
    return NULL;
  /* each list's length is checked on the raw value before GKeyFile splits it */
  {
    g_autofree char *raw = get_list (kf, group, "layer-names", n, error);

    if (raw == NULL)
      return NULL;
  }
  names = g_key_file_get_string_list (kf, group, "layer-names", &n_names, NULL);
  if (n > 0 && (names == NULL || n_names != n))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("[%s] layer-names do not parse"), group);
      return NULL;
    }
  index = get_ints (kf, group, "layer-index", n, 0, depth, error);
  if (index == NULL)
    return NULL;
  response = get_ints (kf, group, "layer-response", n, -1, RL_EXPERIMENT_FILE_MAX_LAYERS, error);
  if (response == NULL)
    return NULL;

  layers = g_array_sized_new (FALSE, TRUE, sizeof (RlExperimentLayer), (guint) n);
  for (guint k = 0; k < n; k++)
    {
      RlExperimentLayer l = { .index = (int) index[k], .tensor = -1,
                              .response = (int) response[k] };

      if (names[k][0] == '\0' || strlen (names[k]) >= sizeof l.name)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                       _("[%s] layer %u's name is empty or longer than %d bytes"), group, k + 1,
                       (int) sizeof l.name - 1);
          return NULL;
        }
      g_strlcpy (l.name, names[k], sizeof l.name);
      g_array_append_val (layers, l);
    }
  return g_steal_pointer (&layers);
}

/* One seed's records of a twin, into @group. */
static gboolean
parse_seed (GKeyFile *kf, RlExperimentGroup *group, RlTwin twin, guint seed_index, gsize n,
            guint n_layers, GError **error)
{
  const RlExperimentConfig *c = rl_experiment_group_get_config (group);
  uint64_t seed = c->seed + seed_index;
  g_autofree char *name = g_strdup_printf ("%s seed %" G_GUINT64_FORMAT, twin_groups[twin], seed);
  g_autofree gint64 *iteration = NULL;
  g_autofree gint64 *images = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *std = NULL;
  double *values[N_FIELDS] = { NULL };
  gboolean ok = FALSE;
  uint64_t total = rl_experiment_group_get_total_iterations (group);

  if (!g_key_file_has_group (kf, name))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("[%s] is missing"), name);
      return FALSE;
    }
  iteration = get_ints (kf, name, "iteration", n, 0, (gint64) MIN (total, G_MAXINT64), error);
  if (iteration == NULL)
    return FALSE;
  images = get_ints (kf, name, "images", n, 0, G_MAXINT64, error);
  if (images == NULL)
    return FALSE;
  for (guint f = N_COUNTS; f < N_FIELDS; f++)
    {
      values[f] = get_doubles (kf, name, fields[f].key, n, fields[f].kind, error);
      if (values[f] == NULL)
        goto out;
    }
  /* checked above to fit the file, so n * n_layers is bounded by the file's size */
  if (n_layers > 0)
    {
      grad = get_doubles (kf, name, "grad-norm", n * n_layers, VALUE_NONNEGATIVE, error);
      if (grad == NULL)
        goto out;
      std = get_doubles (kf, name, "response-std", n * n_layers, VALUE_NONNEGATIVE, error);
      if (std == NULL)
        goto out;
    }

  for (gsize i = 0; i < n; i++)
    {
      RlExperimentRecord *r;

      /* the curves' points line up by position across seeds: iterations must grow */
      if (i > 0 && iteration[i] <= iteration[i - 1])
        {
          bad_value (error, name, "iteration", i,
                     _("[%s] %s: value %zu does not follow the one before"));
          goto out;
        }
      r = rl_experiment_record_new (twin, n_layers);
      r->seed = seed;
      r->iteration = (uint64_t) iteration[i];
      r->images = (uint64_t) images[i];
      for (guint f = N_COUNTS; f < N_FIELDS; f++)
        G_STRUCT_MEMBER (double, r, fields[f].offset) = values[f][i];
      if (n_layers > 0)
        {
          memcpy (r->grad_norm, grad + i * n_layers, n_layers * sizeof (double));
          memcpy (r->response_std, std + i * n_layers, n_layers * sizeof (double));
        }
      rl_experiment_group_add_record (group, r);
      rl_experiment_record_unref (r);
    }
  ok = TRUE;

out:
  for (guint f = 0; f < N_FIELDS; f++)
    g_free (values[f]);
  return ok;
}

/* The whole text before GKeyFile sees it: a run file at all, and whole. */
static gboolean
check_text (const char *data, gsize size, GError **error)
{
  gsize end = size;

  if (size == 0)
    {
      g_set_error_literal (error, RL_ERROR, RL_ERROR_TRUNCATED, _("the file is empty"));
      return FALSE;
    }
  if (size > RL_EXPERIMENT_FILE_MAX_SIZE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE, _("the file is larger than %u MB"),
                   RL_EXPERIMENT_FILE_MAX_SIZE / (1024 * 1024));
      return FALSE;
    }
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate_len (data, size, NULL) ||
      g_strstr_len (data, MIN (size, 4096), "[" RUN_GROUP "]") == NULL)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_MAGIC,
                   _("no [%s] group near its start, or not UTF-8 text"), RUN_GROUP);
      return FALSE;
    }
  while (end > 0 && g_ascii_isspace (data[end - 1]))
    end--;
  if (end < sizeof "[" END_GROUP "]\nend=true" ||
      memcmp (data + end - (sizeof "[" END_GROUP "]\nend=true" - 1), "[" END_GROUP "]\nend=true",
              sizeof "[" END_GROUP "]\nend=true" - 1) != 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED, _("no [%s] group at its end"), END_GROUP);
      return FALSE;
    }
  return TRUE;
}

RlExperimentGroup *
rl_experiment_file_parse (GBytes *bytes, RlExperimentRunInfo *info, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(RlExperimentGroup) group = NULL;
  g_auto(RlExperimentRunInfo) parsed = { 0 };
  RlExperimentConfig config;
  char *names[RL_N_TWINS] = { NULL, NULL };
  guint64 version, n_seeds = 0, total = 0;
  gsize size;
  const char *data;
  gboolean ok;

  g_return_val_if_fail (bytes != NULL && info != NULL, NULL);
  memset (info, 0, sizeof *info);

  data = g_bytes_get_data (bytes, &size);
  if (!check_text (data, size, error))
    return NULL;
  if (!g_key_file_load_from_data (kf, data, size, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, "%s", local->message);
      return NULL;
    }
  if (!g_key_file_has_group (kf, RUN_GROUP) || !g_key_file_has_group (kf, END_GROUP))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_MAGIC,
                   _("not a ResLab experiment run (no [%s] group)"), RUN_GROUP);
      return NULL;
    }
  /* the version first: a newer file may have any other key */
  if (!get_uint (kf, RUN_GROUP, "format", 1, G_MAXINT, &version, error))
    return NULL;
  if (version > RL_EXPERIMENT_FILE_VERSION)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_NEWER_VERSION,
                   _("format %llu is newer than the %d this version reads"),
                   (unsigned long long) version, RL_EXPERIMENT_FILE_VERSION);
      return NULL;
    }

  ok = parse_config (kf, &config, &parsed.kind, names, &n_seeds, &total, &parsed.seconds,
                     &parsed.completed, error);
  if (ok)
    group = rl_experiment_group_new (&config, total, names[0], names[1]);
  g_free (names[0]);
  g_free (names[1]);
  if (!ok)
    return NULL;
  parsed.n_seeds = (guint) n_seeds;

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      const char *tg = twin_groups[t];
      g_autofree gint64 *records = NULL;
      g_autofree char *raw = NULL;
      guint per_record;
      gsize n;

      if (!g_key_file_has_group (kf, tg))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("[%s] is missing"), tg);
          return NULL;
        }
      parsed.layers[t] = parse_layers (kf, tg, config.depth, error);
      if (parsed.layers[t] == NULL)
        return NULL;
      per_record = config.layer_stats ? parsed.layers[t]->len : 0;
      raw = get_raw (kf, tg, "records", error);
      if (raw == NULL)
        return NULL;
      n = count_values (raw);
      if (n > n_seeds)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                       _("[%s] records: %zu seeds, more than the %llu of the run"), tg, n,
                       (unsigned long long) n_seeds);
          return NULL;
        }
      records = get_ints (kf, tg, "records", n, 0, G_MAXINT64, error);
      if (records == NULL)
        return NULL;
      for (guint s = 0; s < n; s++)
        if (records[s] > RL_EXPERIMENT_FILE_MAX_RECORDS)
          {
            g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                         _("[%s] records: %lld records, more than %d"), tg,
                         (long long) records[s], RL_EXPERIMENT_FILE_MAX_RECORDS);
            return NULL;
          }
      for (guint s = 0; s < n; s++)
        if (!parse_seed (kf, group, (RlTwin) t, s, (gsize) records[s], per_record, error))
          return NULL;
    }

  *info = parsed;
  memset (&parsed, 0, sizeof parsed);
  return g_steal_pointer (&group);
}

RlExperimentGroup *
rl_experiment_file_load (const char *path, RlExperimentRunInfo *info, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) finfo = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *data = NULL;
  goffset size;
  gsize got = 0;

  g_return_val_if_fail (path != NULL && info != NULL, NULL);
  memset (info, 0, sizeof *info);

  file = g_file_new_for_path (path);
  finfo = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                             G_FILE_QUERY_INFO_NONE, NULL, error);
  if (finfo == NULL)
    return NULL;
  if (g_file_info_get_file_type (finfo) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                           _("a folder has the name of a run file"));
      return NULL;
    }
  size = g_file_info_get_size (finfo);
  if (size < 0 || (guint64) size > RL_EXPERIMENT_FILE_MAX_SIZE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE, _("the file is larger than %u MB"),
                   RL_EXPERIMENT_FILE_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return NULL;
  /* read at most the size found (a file that grew meanwhile reads as cut short) */
  data = g_malloc ((gsize) size + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), data, (gsize) size, &got, NULL, error))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&data), got);
  return rl_experiment_file_parse (bytes, info, error);
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

/* ---- A folder of runs ---------------------------------------------------------------------- */

void
rl_experiment_file_entry_free (RlExperimentFileEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->path);
  g_clear_pointer (&entry->group, rl_experiment_group_free);
  rl_experiment_run_info_clear (&entry->info);
  g_clear_error (&entry->error);
  g_free (entry);
}

/* What identifies a bad file as it is now: "<size> <mtime in µs> <escaped name>". */
static char *
file_stamp (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (info == NULL)
    return g_strdup_printf ("- - %s", escaped);
  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %s",
                          (gint64) g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED)
                          * G_USEC_PER_SEC
                          + g_file_info_get_attribute_uint32 (info,
                                                              G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC),
                          escaped);
}

/* The whole of a small state file of the folder: FALSE when it is missing, unreadable or
 * larger than @max bytes (not ours), and then it is not read at all. */
static gboolean
read_small_file (const char *path, gsize max, char **contents)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size > max)
    return FALSE;
  return g_file_get_contents (path, contents, NULL, NULL);
}

GBytes *
rl_experiment_file_format_ticks (const char * const *run_paths, const gboolean *shown, guint n)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (n == 0 || (run_paths != NULL && shown != NULL), NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_path_get_basename (run_paths[i]);
      g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

      g_string_append_printf (text, "%s %s\n", shown[i] ? "shown" : "hidden", escaped);
    }
  return g_string_free_to_bytes (text);
}

/* The folder's ticks: file name -> GINT_TO_POINTER (1) when shown, (2) when hidden. Lines of
 * another form are skipped. Returns: (transfer full) */
static GHashTable *
read_ticks (const char *dir)
{
  static const char *const words[] = { "shown ", "hidden " };
  GHashTable *ticks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = g_build_filename (dir, RL_EXPERIMENT_FILE_TICKS, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!read_small_file (path, RL_EXPERIMENT_FILE_TICKS_MAX_SIZE, &text))
    return ticks;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    for (guint w = 0; w < G_N_ELEMENTS (words); w++)
      if (g_str_has_prefix (lines[i], words[w]))
        {
          char *name = g_uri_unescape_string (lines[i] + strlen (words[w]), NULL);

          if (name != NULL)
            g_hash_table_replace (ticks, name, GINT_TO_POINTER (w + 1));
        }
  return ticks;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
rl_experiment_file_list_dir (const char *dir, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_file_entry_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) state = g_string_new (NULL);
  g_autofree char *state_path = NULL;
  g_autofree char *old_state = NULL;
  g_auto(GStrv) old_lines = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GHashTable) ticks = NULL;
  GDir *d;
  const char *name;

  g_return_val_if_fail (dir != NULL, NULL);

  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, RL_EXPERIMENT_FILE_SUFFIX) && name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);

  state_path = g_build_filename (dir, REPORTED_FILE, NULL);
  if (read_small_file (state_path, REPORTED_MAX, &old_state))
    old_lines = g_strsplit (old_state, "\n", -1);
  ticks = read_ticks (dir);

  for (guint i = 0; i < names->len; i++)
    {
      RlExperimentFileEntry *entry = g_new0 (RlExperimentFileEntry, 1);
      g_autofree char *stamp = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          rl_experiment_file_entry_free (entry);
          return NULL;
        }
      entry->path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      entry->group = rl_experiment_file_load (entry->path, &entry->info, &entry->error);
      g_ptr_array_add (entries, entry);
      if (entry->group != NULL)
        {
          int tick = GPOINTER_TO_INT (g_hash_table_lookup (ticks, g_ptr_array_index (names, i)));

          entry->size = rl_experiment_file_measure (entry->path, entry->twin_kept);
          entry->has_tick = tick != 0;
          entry->shown = tick == 1;
          continue;
        }
      stamp = file_stamp (dir, g_ptr_array_index (names, i));
      entry->reported = old_lines != NULL &&
                        g_strv_contains ((const char * const *) old_lines, stamp);
      g_string_append_printf (state, "%s\n", stamp);
    }

  /* the state follows the bad files there are now; unchanged, it is not written again */
  if (g_strcmp0 (state->str, old_state != NULL ? old_state : "") != 0)
    {
      g_autoptr(GError) save_error = NULL;

      if (state->len == 0)
        g_unlink (state_path);
      else if (!g_file_set_contents (state_path, state->str, (gssize) state->len, &save_error))
        /* they will be reported again at the next start: worth a line, not a failure */
        g_message ("Could not remember the bad experiment files: %s", save_error->message);
    }
  return g_steal_pointer (&entries);
}

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *entries = rl_experiment_file_list_dir (task_data, cancellable, &error);

  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
rl_experiment_file_list_dir_async (const char *dir, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_experiment_file_list_dir_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
rl_experiment_file_list_dir_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removes @path; one already gone is not an error, nor a folder in its place: not ours (a
 * twin's name taken by a folder, which the twin's save reported), it is left alone. The first
 * error goes to @first. */
static void
remove_file (const char *path, GError **first)
{
  GStatBuf st;
  int saved;

  if (g_unlink (path) == 0 || errno == ENOENT)
    return;
  saved = errno;
  if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
    return;
  if (*first == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (first, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not remove %s: %s"), name, g_strerror (saved));
    }
}

static void
delete_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  char **paths = task_data;
  GError *first = NULL;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      /* the twins first: a run whose file is gone has nothing left that names them */
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          g_autofree char *twin = rl_experiment_file_twin_path (paths[i], (RlTwin) t);
          g_autofree char *initial = rl_landscape_initial_path (twin);

          /* not a file of someone else's that was in their way */
          if (rl_landscape_is_initial_of (initial, twin))
            remove_file (initial, &first);
          remove_file (twin, &first);
        }
      remove_file (paths[i], &first);
    }
  if (first != NULL)
    g_task_return_error (task, first);
  else
    g_task_return_boolean (task, TRUE);
}

void
rl_experiment_file_delete_async (const char * const *paths, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (paths != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rl_experiment_file_delete_async);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
rl_experiment_file_delete_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
