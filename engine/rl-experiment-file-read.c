#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment-file-read.c: an experiment run's file read back (see rl-experiment-file.h for
 * the format): rl_experiment_file_parse and rl_experiment_file_load.
 *
 * The text is checked as a whole first (size, no NUL byte, UTF-8, the header group, the [End]
 * group last), then GKeyFile parses it. Number lists are read from the raw value without
 * splitting it into strings, and their lengths are compared with the counts the file announces
 * before any record is allocated, so a crafted count cannot make it allocate more than a small
 * multiple of the file's size.
 */

#include "config.h"

#include "rl-experiment-file-private.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-sgd.h"

#define MAX_NAME        64     /* a twin's name: "plain-20" */
#define MAX_DEPTH       2000

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

/* Values in a ';'-separated list (a trailing ';' allowed, as GKeyFile writes lists). A
 * backslash escapes the character after it, as GKeyFile writes a ';' inside a string list's
 * value: a layer named "f;" is written "f\;;", one value (counting that ';' made a file this
 * parser had read and written back fail to read again). */
static gsize
count_values (const char *raw)
{
  gsize n = 0;
  gboolean open = FALSE;   /* a value has begun since the last separator */

  for (const char *p = raw; *p != '\0'; p++)
    if (*p == ';')
      {
        n++;
        open = FALSE;
      }
    else if (!g_ascii_isspace (*p))
      {
        open = TRUE;
        if (*p == '\\' && p[1] != '\0')
          p++;
      }
  return open ? n + 1 : n;
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
      /* two sentences, each with its own count in its own plural form */
      g_autofree char *has = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "[%1$s] %2$s holds %3$zu value.",
                                                           "[%1$s] %2$s holds %3$zu values.",
                                                           found),
                                              group, key, found);
      g_autofree char *announced = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                 "%zu is announced.",
                                                                 "%zu are announced.", n), n);

      /* TRANSLATORS: two sentences one after the other (a translation may drop the space) */
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH, C_("sentences", "%1$s %2$s"), has,
                   announced);
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
  g_autofree char *name = g_strdup_printf ("%s seed %" G_GUINT64_FORMAT,
                                           _rl_run_twin_groups[twin], seed);
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
      values[f] = get_doubles (kf, name, _rl_run_fields[f].key, n, _rl_run_fields[f].kind, error);
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
        G_STRUCT_MEMBER (double, r, _rl_run_fields[f].offset) = values[f][i];
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
      const char *tg = _rl_run_twin_groups[t];
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
                       g_dngettext (GETTEXT_PACKAGE,
                                    "[%1$s] records: %2$zu seed, more than the %3$llu of the run",
                                    "[%1$s] records: %2$zu seeds, more than the %3$llu of the"
                                    " run", n), tg, n,
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
                         g_dngettext (GETTEXT_PACKAGE, "[%1$s] records: %2$lld record, more than %3$d",
                                      "[%1$s] records: %2$lld records, more than %3$d",
                                      (gulong) records[s]), tg,
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
