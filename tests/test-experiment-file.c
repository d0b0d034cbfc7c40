/* test-experiment-file.c: experiment runs as files (engine/rl-experiment-file*.c), on runs
 * really trained on the committed MNIST fixture (tests/data/mnist-mini).
 *
 * A group of two seeds, with its layers, reads back bit for bit (and writes back to the same
 * text); so do a run without layer statistics and one whose twins diverged (NaN errors).
 * Every kind of bad text gives its exact error: empty, garbage, cut short anywhere, a newer
 * format, counts past the bounds or disagreeing with their lists, NaN or inf where a number
 * must be finite, values out of range. A folder of runs lists in order; its bad files are left
 * byte for byte, and marked reported from the second listing on, until they change. Saving is
 * atomic, creates the folder, and fails with an error where it cannot write. The twins kept
 * beside a run are named after it, listed when there, and deleted with it; the folder's ticks
 * read back per run, whatever its name, and a run without one has none.
 */

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-experiment-file.h"
#include "rl-landscape.h"
#include "rl-safetensors.h"

#include "experiment-test-utils.h"
#include "fs-test-utils.h"

static RlDataset *train_set;
static RlDataset *test_set;

/* A real run of two seeds: depth 8, 10 iterations of 64, a record every 5. */
static RlExperimentGroup *
trained_group (RlExperimentConfig *cfg, RlExperimentRunInfo *info, guint n_seeds)
{
  RlExperimentGroup *group = NULL;

  memset (info, 0, sizeof *info);
  for (guint s = 0; s < n_seeds; s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlExperiment) exp = NULL;
      RlExperimentConfig seed_cfg = *cfg;

      seed_cfg.seed = cfg->seed + s;
      exp = rl_experiment_new (&seed_cfg, train_set, test_set, &error);
      g_assert_no_error (error);
      while (!rl_experiment_is_done (exp))
        {
          g_assert_true (rl_experiment_step (exp, NULL, &error));
          g_assert_no_error (error);
        }
      if (group == NULL)
        {
          *cfg = *rl_experiment_get_config (exp);
          group = rl_experiment_group_new (cfg, rl_experiment_get_total_iterations (exp),
                                           rl_experiment_get_name (exp, RL_TWIN_PLAIN),
                                           rl_experiment_get_name (exp, RL_TWIN_RESIDUAL));
          for (int t = 0; t < RL_N_TWINS; t++)
            {
              info->layers[t] = g_array_new (FALSE, FALSE, sizeof (RlExperimentLayer));
              for (guint k = 0; k < rl_experiment_get_n_layers (exp, t); k++)
                g_array_append_val (info->layers[t], *rl_experiment_get_layer (exp, t, k));
            }
        }
      rl_experiment_group_add_experiment (group, exp);
    }
  info->kind = RL_DATASET_MNIST;
  info->n_seeds = n_seeds;
  info->seconds = 12.345678901234567;
  info->completed = TRUE;
  return group;
}

static void
assert_infos_equal (const RlExperimentRunInfo *a, const RlExperimentRunInfo *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpuint (a->n_seeds, ==, b->n_seeds);
  g_assert_cmpfloat (a->seconds, ==, b->seconds);
  g_assert_cmpint (a->completed, ==, b->completed);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_assert_cmpuint (a->layers[t]->len, ==, b->layers[t]->len);
      for (guint k = 0; k < a->layers[t]->len; k++)
        {
          const RlExperimentLayer *la = &g_array_index (a->layers[t], RlExperimentLayer, k);
          const RlExperimentLayer *lb = &g_array_index (b->layers[t], RlExperimentLayer, k);

          g_assert_cmpstr (la->name, ==, lb->name);
          g_assert_cmpint (la->index, ==, lb->index);
          g_assert_cmpint (la->response, ==, lb->response);
        }
    }
}

/* format, parse, compare; and the text written again is the same text. */
static void
assert_round_trip (const RlExperimentGroup *group, const RlExperimentRunInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = rl_experiment_file_format (group, info);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(RlExperimentGroup) back = NULL;
  g_auto(RlExperimentRunInfo) back_info = { 0 };

  back = rl_experiment_file_parse (text, &back_info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  assert_groups_equal (group, back);
  assert_infos_equal (info, &back_info);
  again = rl_experiment_file_format (back, &back_info);
  g_assert_true (g_bytes_equal (text, again));
}

static void
test_round_trip (void)
{
  RlExperimentConfig cfg;
  g_auto(RlExperimentRunInfo) info = { 0 };
  g_autoptr(RlExperimentGroup) group = NULL;

  tiny_config (&cfg);
  cfg.seed = 7;
  group = trained_group (&cfg, &info, 2);
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (group), ==, 2);
  g_assert_cmpuint (rl_experiment_group_get_n_records (group, RL_TWIN_PLAIN, 1), ==, 2);
  g_assert_cmpuint (info.layers[RL_TWIN_PLAIN]->len, ==, 8);
  assert_round_trip (group, &info);

  /* layer names that GKeyFile escapes: "f;" is written "f\;;", one value, where the count
   * of ';' once made it two and the file read back failed (found by fuzz-experiment) */
  g_strlcpy (g_array_index (info.layers[RL_TWIN_PLAIN], RlExperimentLayer, 7).name, "f;",
             sizeof ((RlExperimentLayer *) NULL)->name);
  g_strlcpy (g_array_index (info.layers[RL_TWIN_RESIDUAL], RlExperimentLayer, 0).name, "a\\;b\\",
             sizeof ((RlExperimentLayer *) NULL)->name);
  assert_round_trip (group, &info);

  /* a stopped run: fewer records of the second seed for one twin than the other */
  {
    g_autoptr(RlExperimentGroup) part = rl_experiment_group_new (&cfg, 10, "plain-8", "resnet-8");

    for (int t = 0; t < RL_N_TWINS; t++)
      for (guint s = 0; s < 2; s++)
        for (guint i = 0; i < rl_experiment_group_get_n_records (group, t, s); i++)
          if (s == 0 || t == RL_TWIN_PLAIN)
            rl_experiment_group_add_record (part, rl_experiment_group_get_record (group, t, s, i));
    info.completed = FALSE;
    assert_round_trip (part, &info);
  }
}

static void
test_round_trip_no_stats_option_b (void)
{
  RlExperimentConfig cfg;
  g_auto(RlExperimentRunInfo) info = { 0 };
  g_autoptr(RlExperimentGroup) group = NULL;

  tiny_config (&cfg);
  cfg.seed = 7;
  cfg.layer_stats = FALSE;
  cfg.shortcut = RL_SHORTCUT_B;
  cfg.bn = FALSE;
  group = trained_group (&cfg, &info, 1);
  g_assert_cmpuint (rl_experiment_group_get_record (group, RL_TWIN_PLAIN, 0, 0)->n_layers, ==, 0);
  info.kind = RL_DATASET_FASHION;
  assert_round_trip (group, &info);
}

/* Twins that diverge: NaN errors and a NaN or infinite loss in the records read back. */
static void
test_round_trip_diverged (void)
{
  RlExperimentConfig cfg;
  g_auto(RlExperimentRunInfo) info = { 0 };
  g_autoptr(RlExperimentGroup) group = NULL;
  gboolean any = FALSE;

  tiny_config (&cfg);
  cfg.seed = 7;
  cfg.bn = FALSE;
  cfg.lr = 1e6;
  cfg.momentum = 0.0;
  cfg.interval = 2;
  group = trained_group (&cfg, &info, 1);
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint i = 0; i < rl_experiment_group_get_n_records (group, t, 0); i++)
      any |= !isfinite (rl_experiment_group_get_record (group, t, 0, i)->train_loss);
  g_assert_true (any);
  assert_round_trip (group, &info);
}

/* ---- bad texts ----------------------------------------------------------------------------- */

static char *good_text;

static void
ensure_good_text (void)
{
  RlExperimentConfig cfg;
  g_auto(RlExperimentRunInfo) info = { 0 };
  g_autoptr(RlExperimentGroup) group = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (good_text != NULL)
    return;
  tiny_config (&cfg);
  cfg.seed = 7;
  group = trained_group (&cfg, &info, 1);
  bytes = rl_experiment_file_format (group, &info);
  good_text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* good_text with the line starting "@key=" in [@group] replaced by "@key=@value" (or removed
 * when @value is NULL). */
static char *
with_value (const char *group, const char *key, const char *value)
{
  g_autofree char *header = g_strdup_printf ("\n[%s]\n", group);
  g_autofree char *prefix = g_strdup_printf ("\n%s=", key);
  const char *g = strstr (good_text, header);
  const char *line, *end;
  GString *s;

  g_assert_nonnull (g);
  line = strstr (g + 1, prefix);
  g_assert_nonnull (line);
  line++;
  end = strchr (line, '\n');
  s = g_string_new_len (good_text, line - good_text);
  if (value != NULL)
    g_string_append_printf (s, "%s=%s", key, value);
  else
    end++;
  g_string_append (s, end);
  return g_string_free (s, FALSE);
}

static void
expect_parse_error (const char *text, gsize size, GQuark domain, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (text, size);
  g_autoptr(RlExperimentGroup) group = NULL;
  g_auto(RlExperimentRunInfo) info = { 0 };

  group = rl_experiment_file_parse (bytes, &info, &error);
  g_assert_null (group);
  g_assert_null (info.layers[0]);
  g_assert_null (info.layers[1]);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
}

static void
expect_value_error (const char *group, const char *key, const char *value, int code)
{
  g_autofree char *text = with_value (group, key, value);

  expect_parse_error (text, strlen (text), RL_ERROR, code);
}

static void
test_bad_texts (void)
{
  static const guchar garbage[] = { 0x89, 'P', 'N', 'G', 0, 1, 2, 0xff, 0xfe, '[', ']' };
  gsize length;

  ensure_good_text ();
  length = strlen (good_text);

  expect_parse_error ("", 0, RL_ERROR, RL_ERROR_TRUNCATED);
  expect_parse_error ((const char *) garbage, sizeof garbage, RL_ERROR, RL_ERROR_BAD_MAGIC);
  expect_parse_error ("just some text\n", 15, RL_ERROR, RL_ERROR_BAD_MAGIC);
  expect_parse_error ("[ResLab Experiment Run]\nformat=1\n\n[End]\nend=true\n", 49, RL_ERROR,
                      RL_ERROR_BAD_HEADER);

  /* cut short anywhere: never read as a shorter run */
  for (gsize cut = 1; cut < length - 1; cut += 37)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = g_bytes_new (good_text, cut);
      g_auto(RlExperimentRunInfo) info = { 0 };
      g_autoptr(RlExperimentGroup) group = rl_experiment_file_parse (bytes, &info, &error);

      g_assert_null (group);
      g_assert_true (g_error_matches (error, RL_ERROR, RL_ERROR_TRUNCATED) ||
                     g_error_matches (error, RL_ERROR, RL_ERROR_BAD_MAGIC));
    }

  /* a newer format says so, whatever else it holds */
  expect_value_error ("ResLab Experiment Run", "format", "2", RL_ERROR_NEWER_VERSION);
  expect_value_error ("ResLab Experiment Run", "format", "x", RL_ERROR_BAD_HEADER);
  expect_value_error ("ResLab Experiment Run", "format", NULL, RL_ERROR_BAD_HEADER);

  /* counts past the bounds, before anything is allocated for them */
  expect_value_error ("plain", "records", "99999999999;", RL_ERROR_TOO_LARGE);
  expect_value_error ("plain", "records", "18446744073709551615;", RL_ERROR_TOO_LARGE);
  expect_value_error ("plain", "records", "-3;", RL_ERROR_BAD_HEADER);
  expect_value_error ("resnet", "layers", "4000000000", RL_ERROR_TOO_LARGE);
  expect_value_error ("ResLab Experiment Run", "seeds", "1000000", RL_ERROR_TOO_LARGE);
  expect_value_error ("ResLab Experiment Run", "depth", "99999998", RL_ERROR_TOO_LARGE);
  /* counts that disagree with their lists */
  expect_value_error ("plain", "records", "3;", RL_ERROR_MISMATCH);
  expect_value_error ("plain", "records", "2;2;", RL_ERROR_BAD_HEADER);   /* 2 seeds of 1 */
  expect_value_error ("plain", "layers", "7", RL_ERROR_MISMATCH);
  expect_value_error ("plain seed 7", "train-error", "0.5;", RL_ERROR_MISMATCH);
  {
    /* each count in its own sentence, in its own plural form: never "1 values" */
    g_autoptr(GError) error = NULL;
    g_autofree char *text = with_value ("plain seed 7", "train-error", "0.5;");
    g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
    g_auto(RlExperimentRunInfo) info = { 0 };
    g_autoptr(RlExperimentGroup) group = rl_experiment_file_parse (bytes, &info, &error);

    g_assert_null (group);
    g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
    g_assert_true (g_str_has_prefix (error->message, "[plain seed 7] train-error holds 1 value. "));
    g_assert_true (g_str_has_suffix (error->message, " are announced."));
  }
  expect_value_error ("plain seed 7", "grad-norm", "1;2;3;", RL_ERROR_MISMATCH);

  /* NaN and inf: refused where a number must be finite, kept where a record may hold them */
  expect_value_error ("ResLab Experiment Run", "learning-rate", "nan", RL_ERROR_NOT_FINITE);
  expect_value_error ("ResLab Experiment Run", "seconds", "inf", RL_ERROR_NOT_FINITE);
  expect_value_error ("ResLab Experiment Run", "momentum", "1e999", RL_ERROR_NOT_FINITE);
  expect_value_error ("plain seed 7", "epoch", "nan;0.5;", RL_ERROR_NOT_FINITE);
  expect_value_error ("resnet seed 7", "train-seconds", "1;-inf;", RL_ERROR_NOT_FINITE);
  expect_value_error ("plain seed 7", "train-error", "nan;2;", RL_ERROR_BAD_HEADER);
  expect_value_error ("plain seed 7", "train-loss", "-inf;1;", RL_ERROR_BAD_HEADER);
  {
    g_autofree char *text = with_value ("plain seed 7", "train-error", "nan;0.25;");
    g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
    g_autoptr(GError) error = NULL;
    g_auto(RlExperimentRunInfo) info = { 0 };
    g_autoptr(RlExperimentGroup) group = rl_experiment_file_parse (bytes, &info, &error);

    g_assert_no_error (error);
    g_assert_true (isnan (rl_experiment_group_get_record (group, RL_TWIN_PLAIN, 0, 0)->train_error));
    g_assert_cmpfloat (rl_experiment_group_get_record (group, RL_TWIN_PLAIN, 0, 1)->train_error,
                       ==, 0.25);
  }

  /* values out of range or of the wrong kind */
  expect_value_error ("ResLab Experiment Run", "depth", "9", RL_ERROR_BAD_HEADER);
  expect_value_error ("ResLab Experiment Run", "shortcut", "C", RL_ERROR_BAD_HEADER);
  expect_value_error ("ResLab Experiment Run", "dataset", "cifar", RL_ERROR_BAD_HEADER);
  expect_value_error ("ResLab Experiment Run", "names", "plain-8;", RL_ERROR_MISMATCH);
  expect_value_error ("ResLab Experiment Run", "completed", "maybe", RL_ERROR_BAD_HEADER);
  expect_value_error ("plain seed 7", "iteration", "5;5;", RL_ERROR_BAD_HEADER);
  expect_value_error ("plain seed 7", "iteration", "5;11;", RL_ERROR_BAD_HEADER);
  expect_value_error ("plain seed 7", "iteration", "5;x;", RL_ERROR_BAD_HEADER);
  expect_value_error ("plain", "layer-index", "1;2;3;4;5;6;7;9;", RL_ERROR_BAD_HEADER);
  expect_value_error ("resnet seed 7", "iteration", NULL, RL_ERROR_BAD_HEADER);
}

/* ---- files and folders --------------------------------------------------------------------- */

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
write_file (const char *path, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* A twin's model file, as small as can be: one tensor, and with @initial (nullable) the name
 * of its initial weights in its metadata, as rl_landscape_name_initial writes it. */
static void
write_twin (const char *path, const char *initial)
{
  static const float weight = 1.0f;
  RlTensorView view = { .name = "w", .ndim = 1, .shape = { 1 }, .data = &weight };
  g_autoptr(GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  g_autoptr(GError) error = NULL;

  if (initial != NULL)
    rl_landscape_name_initial (metadata, path);
  g_assert_true (rl_safetensors_save (path, &view, 1, metadata, &error));
  g_assert_no_error (error);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

static void
test_load_and_save (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("reslab-experiment-file-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "a", "b", NULL);
  g_autofree char *path = g_build_filename (dir, "run" RL_EXPERIMENT_FILE_SUFFIX, NULL);
  g_autofree char *big = g_build_filename (tmp, "big" RL_EXPERIMENT_FILE_SUFFIX, NULL);
  g_autofree char *blocked = g_build_filename (tmp, "file", "run" RL_EXPERIMENT_FILE_SUFFIX, NULL);
  g_autofree char *blocker = g_build_filename (tmp, "file", NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(RlExperimentGroup) group = NULL;
  g_auto(RlExperimentRunInfo) info = { 0 };
  g_autofree char *back = NULL;
  FILE *f;

  ensure_good_text ();
  bytes = g_bytes_new (good_text, strlen (good_text));

  /* the folder is made; the file reads back */
  g_assert_true (rl_experiment_file_save (path, bytes, &error));
  g_assert_no_error (error);
  back = read_file (path);
  g_assert_cmpstr (back, ==, good_text);
  group = rl_experiment_file_load (path, &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (group);

  /* a folder in place of the file; a file too large, refused before it is read */
  g_clear_pointer (&group, rl_experiment_group_free);
  rl_experiment_run_info_clear (&info);
  group = rl_experiment_file_load (dir, &info, &error);
  g_assert_null (group);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  f = g_fopen (big, "wb");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, RL_EXPERIMENT_FILE_MAX_SIZE + 1, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc ('x', f), ==, 'x');
  g_assert_cmpint (fclose (f), ==, 0);
  group = rl_experiment_file_load (big, &info, &error);
  g_assert_null (group);
  g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* a folder that cannot be made (a file is in the way): an error, not a crash */
  write_file (blocker, "not a folder");
  g_assert_false (rl_experiment_file_save (blocked, bytes, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_test_message ("%s", error->message);

  test_rm_rf (tmp);
}

static gboolean
entry_is (GPtrArray *entries, guint i, const char *name, gboolean good, gboolean reported)
{
  RlExperimentFileEntry *e = g_ptr_array_index (entries, i);
  g_autofree char *base = g_path_get_basename (e->path);

  return g_str_equal (base, name) && (e->group != NULL) == good &&
         (e->error == NULL) == good && e->reported == reported;
}

static GPtrArray *
list_or_die (const char *dir)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = rl_experiment_file_list_dir (dir, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static void
test_list_dir (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("reslab-experiment-dir-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (tmp, "none", NULL);
  g_autofree char *good1 = g_build_filename (tmp, "20250101-000000.000001-depth8.reslab-experiment", NULL);
  g_autofree char *good2 = g_build_filename (tmp, "20250101-000000.000002-depth8.reslab-experiment", NULL);
  g_autofree char *bad = g_build_filename (tmp, "20250101-000000.000003-depth8.reslab-experiment", NULL);
  g_autofree char *folder = g_build_filename (tmp, "20250101-000000.000004-depth8.reslab-experiment", NULL);
  g_autofree char *other = g_build_filename (tmp, "notes.txt", NULL);
  g_autofree char *state = g_build_filename (tmp, ".reported", NULL);
  g_autofree char *truncated = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *after = NULL;

  ensure_good_text ();
  truncated = g_strndup (good_text, strlen (good_text) / 2);

  entries = list_or_die (missing);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* written out of order: listed in name order */
  write_file (good2, good_text);
  write_file (bad, truncated);
  write_file (good1, good_text);
  write_file (other, "not a run");
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  entries = list_or_die (tmp);
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_true (entry_is (entries, 0, "20250101-000000.000001-depth8.reslab-experiment", TRUE, FALSE));
  g_assert_true (entry_is (entries, 1, "20250101-000000.000002-depth8.reslab-experiment", TRUE, FALSE));
  g_assert_true (entry_is (entries, 2, "20250101-000000.000003-depth8.reslab-experiment", FALSE, FALSE));
  g_assert_error (((RlExperimentFileEntry *) entries->pdata[2])->error, RL_ERROR, RL_ERROR_TRUNCATED);
  g_assert_true (entry_is (entries, 3, "20250101-000000.000004-depth8.reslab-experiment", FALSE, FALSE));
  g_assert_error (((RlExperimentFileEntry *) entries->pdata[3])->error, G_IO_ERROR,
                  G_IO_ERROR_IS_DIRECTORY);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* the second time, the same bad files are known; nothing was changed */
  entries = list_or_die (tmp);
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_true (entry_is (entries, 2, "20250101-000000.000003-depth8.reslab-experiment", FALSE, TRUE));
  g_assert_true (entry_is (entries, 3, "20250101-000000.000004-depth8.reslab-experiment", FALSE, TRUE));
  g_clear_pointer (&entries, g_ptr_array_unref);
  after = read_file (bad);
  g_assert_cmpstr (after, ==, truncated);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));

  /* changed, it is new again */
  write_file (bad, "garbage");
  entries = list_or_die (tmp);
  g_assert_true (entry_is (entries, 2, "20250101-000000.000003-depth8.reslab-experiment", FALSE, FALSE));
  g_assert_error (((RlExperimentFileEntry *) entries->pdata[2])->error, RL_ERROR, RL_ERROR_BAD_MAGIC);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* once the bad files are gone, so is the state */
  g_unlink (bad);
  g_rmdir (folder);
  entries = list_or_die (tmp);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
  g_clear_pointer (&entries, g_ptr_array_unref);

  test_rm_rf (tmp);
}

/* ---- asynchronously ------------------------------------------------------------------------ */

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("reslab-experiment-async-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "new", "x" RL_EXPERIMENT_FILE_SUFFIX, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GAsyncResult *result = NULL;
  const char *paths[] = { path, NULL };

  ensure_good_text ();
  bytes = g_bytes_new (good_text, strlen (good_text));
  rl_experiment_file_save_async (path, bytes, NULL, store_result_cb, &result);
  g_assert_true (rl_experiment_file_save_finish (wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  rl_experiment_file_list_dir_async (dir, NULL, store_result_cb, &result);
  entries = rl_experiment_file_list_dir_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_nonnull (((RlExperimentFileEntry *) entries->pdata[0])->group);
  g_clear_object (&result);

  /* deleted; deleting again is not an error */
  for (int i = 0; i < 2; i++)
    {
      rl_experiment_file_delete_async (paths, NULL, store_result_cb, &result);
      g_assert_true (rl_experiment_file_delete_finish (wait_result (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&result);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  test_rm_rf (tmp);
}

/* ---- the twins beside a run, and the folder's ticks ---------------------------------------- */

static RlExperimentFileEntry *
entry_at (GPtrArray *entries, guint i)
{
  return g_ptr_array_index (entries, i);
}

static void
test_twins_and_ticks (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("reslab-experiment-twins-XXXXXX", NULL);
  /* a name the ticks must escape: a space, a '%', a newline */
  const char *names[] = {
    "20250101-000000.000001-depth8.reslab-experiment",
    "20250101-000000.000002-depth8.reslab-experiment",
    "odd name 100%\nx.reslab-experiment",
  };
  char *paths[G_N_ELEMENTS (names)];
  g_autofree char *ticks_path = g_build_filename (tmp, RL_EXPERIMENT_FILE_TICKS, NULL);
  g_autofree char *other = g_build_filename (tmp, "notes.txt", NULL);
  g_autofree char *plain1 = NULL;
  g_autofree char *plain1_initial = NULL;
  g_autofree char *resnet1 = NULL;
  g_autofree char *resnet2 = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) ticks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GAsyncResult *result = NULL;
  const gboolean shown[] = { FALSE, TRUE };
  const char *ticked[] = { NULL, NULL, NULL };
  const char *doomed[] = { NULL, NULL };

  ensure_good_text ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      paths[i] = g_build_filename (tmp, names[i], NULL);
      write_file (paths[i], good_text);
    }
  write_file (other, "not a run");

  /* "<run>.plain.safetensors" beside the run; its initial weights as the landscape keeps them */
  plain1 = rl_experiment_file_twin_path (paths[0], RL_TWIN_PLAIN);
  resnet1 = rl_experiment_file_twin_path (paths[0], RL_TWIN_RESIDUAL);
  resnet2 = rl_experiment_file_twin_path (paths[1], RL_TWIN_RESIDUAL);
  {
    g_autofree char *base = g_path_get_basename (plain1);
    g_autofree char *base2 = g_path_get_basename (resnet2);
    g_autofree char *odd = rl_experiment_file_twin_path ("/x/run", RL_TWIN_PLAIN);

    g_assert_cmpstr (base, ==, "20250101-000000.000001-depth8.plain.safetensors");
    g_assert_cmpstr (base2, ==, "20250101-000000.000002-depth8.resnet.safetensors");
    g_assert_cmpstr (odd, ==, "/x/run.plain.safetensors");
  }
  plain1_initial = rl_landscape_initial_path (plain1);
  g_assert_true (g_str_has_suffix (plain1_initial, "-depth8.plain.initial.safetensors"));

  /* no twins, no ticks yet */
  entries = list_or_die (tmp);
  g_assert_cmpuint (entries->len, ==, 3);
  for (guint i = 0; i < entries->len; i++)
    {
      g_assert_false (entry_at (entries, i)->twin_kept[RL_TWIN_PLAIN]);
      g_assert_false (entry_at (entries, i)->twin_kept[RL_TWIN_RESIDUAL]);
      g_assert_false (entry_at (entries, i)->has_tick);
    }
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* twins are files that are there (not read: listing is no slower with them); a folder in a
   * twin's place is not one */
  write_twin (plain1, plain1_initial);
  write_file (plain1_initial, "initial weights");
  g_assert_cmpint (g_mkdir (resnet1, 0700), ==, 0);
  write_file (resnet2, "weights");
  /* the ticks of two runs, and lines of no known form */
  ticked[0] = paths[2];
  ticked[1] = paths[0];
  ticks = rl_experiment_file_format_ticks (ticked, shown, 2);
  text = g_strdup_printf ("%.*sbogus line\nshown\nhidden %%zz%%\n",
                          (int) g_bytes_get_size (ticks),
                          (const char *) g_bytes_get_data (ticks, NULL));
  g_assert_true (g_str_has_prefix (text,
                                   "hidden odd%20name%20100%25%0Ax.reslab-experiment\n"
                                   "shown 20250101-000000.000001-depth8.reslab-experiment\n"));
  write_file (ticks_path, text);
  entries = list_or_die (tmp);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_true (entry_is (entries, 0, names[0], TRUE, FALSE));
  g_assert_true (entry_at (entries, 0)->twin_kept[RL_TWIN_PLAIN]);
  g_assert_false (entry_at (entries, 0)->twin_kept[RL_TWIN_RESIDUAL]);
  g_assert_true (entry_at (entries, 0)->has_tick);
  g_assert_true (entry_at (entries, 0)->shown);
  g_assert_false (entry_at (entries, 1)->twin_kept[RL_TWIN_PLAIN]);
  g_assert_true (entry_at (entries, 1)->twin_kept[RL_TWIN_RESIDUAL]);
  g_assert_false (entry_at (entries, 1)->has_tick);
  /* the bytes of a run and of the files beside it (not the folder in a twin's place) */
  g_assert_cmpuint (entry_at (entries, 0)->size, ==,
                    strlen (good_text) + file_size (plain1) + strlen ("initial weights"));
  g_assert_cmpuint (entry_at (entries, 1)->size, ==, strlen (good_text) + strlen ("weights"));
  g_assert_cmpuint (entry_at (entries, 2)->size, ==, strlen (good_text));
  g_assert_cmpuint (rl_experiment_file_measure (paths[0], NULL), ==,
                    entry_at (entries, 0)->size);
  g_assert_true (entry_is (entries, 2, names[2], TRUE, FALSE));
  g_assert_true (entry_at (entries, 2)->has_tick);
  g_assert_false (entry_at (entries, 2)->shown);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* a ticks file too large to be ours is not read */
  {
    gsize size = RL_EXPERIMENT_FILE_TICKS_MAX_SIZE + 1;
    g_autofree char *big = g_malloc (size + 1);

    memset (big, '\n', size);
    memcpy (big, text, strlen (text));
    big[size] = '\0';
    write_file (ticks_path, big);
    entries = list_or_die (tmp);
    g_assert_false (entry_at (entries, 0)->has_tick);
    g_assert_false (entry_at (entries, 2)->has_tick);
    g_clear_pointer (&entries, g_ptr_array_unref);
  }

  /* deleting a run deletes its twins and their initial weights, and nothing else; the folder
   * in the resnet twin's place is not its twin (nor for the listing): left alone, no error */
  doomed[0] = paths[0];
  rl_experiment_file_delete_async (doomed, NULL, store_result_cb, &result);
  g_assert_true (rl_experiment_file_delete_finish (wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (g_file_test (paths[0], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (plain1, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (plain1_initial, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (resnet1), ==, 0);
  /* a file that cannot be removed (a file in the way of its folder): the first error */
  {
    g_autofree char *beyond = g_build_filename (other, names[0], NULL);

    doomed[0] = beyond;
    rl_experiment_file_delete_async (doomed, NULL, store_result_cb, &result);
    g_assert_false (rl_experiment_file_delete_finish (wait_result (&result), &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
    g_clear_error (&error);
    g_clear_object (&result);
  }
  g_assert_true (g_file_test (paths[1], G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (resnet2, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (ticks_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (other, G_FILE_TEST_IS_REGULAR));

  /* initial weights its twin does not name are not the run's (a file that was in their way
   * when the twin was saved): they stay */
  {
    g_autofree char *resnet2_initial = rl_landscape_initial_path (resnet2);
    g_autofree char *contents = NULL;

    write_file (resnet2_initial, "mine");
    /* nor are they counted in its size */
    g_assert_cmpuint (rl_experiment_file_measure (paths[1], NULL), ==,
                      strlen (good_text) + strlen ("weights"));
    doomed[0] = paths[1];
    rl_experiment_file_delete_async (doomed, NULL, store_result_cb, &result);
    g_assert_true (rl_experiment_file_delete_finish (wait_result (&result), &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    g_assert_false (g_file_test (paths[1], G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (resnet2, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_get_contents (resnet2_initial, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "mine");
    g_assert_cmpint (g_unlink (resnet2_initial), ==, 0);
  }
  /* initial weights that say whose they are go with their run, also when their twin has been
   * removed by hand */
  {
    g_autofree char *plain3 = rl_experiment_file_twin_path (paths[2], RL_TWIN_PLAIN);
    g_autofree char *plain3_initial = rl_landscape_initial_path (plain3);
    g_autoptr(RlArch) seed = rl_arch_parse ("seed", &error);
    g_autoptr(RlModel) initial = NULL;

    g_assert_no_error (error);
    initial = rl_model_new_mnist (seed, &error);
    g_assert_no_error (error);
    g_assert_true (rl_landscape_save_initial (initial, plain3, RL_DATASET_MNIST, 1, &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (plain3, G_FILE_TEST_EXISTS));
    doomed[0] = paths[2];
    rl_experiment_file_delete_async (doomed, NULL, store_result_cb, &result);
    g_assert_true (rl_experiment_file_delete_finish (wait_result (&result), &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    g_assert_false (g_file_test (paths[2], G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (plain3_initial, G_FILE_TEST_EXISTS));
  }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (paths[i]);
  test_rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  load_mini_mnist (&train_set, &test_set);

  g_test_add_func ("/engine/experiment-file/round-trip", test_round_trip);
  g_test_add_func ("/engine/experiment-file/round-trip-no-stats-option-b",
                   test_round_trip_no_stats_option_b);
  g_test_add_func ("/engine/experiment-file/round-trip-diverged", test_round_trip_diverged);
  g_test_add_func ("/engine/experiment-file/bad-texts", test_bad_texts);
  g_test_add_func ("/engine/experiment-file/load-and-save", test_load_and_save);
  g_test_add_func ("/engine/experiment-file/list-dir", test_list_dir);
  g_test_add_func ("/engine/experiment-file/async", test_async);
  g_test_add_func ("/engine/experiment-file/twins-and-ticks", test_twins_and_ticks);
  status = g_test_run ();

  g_free (good_text);
  rl_dataset_unref (train_set);
  rl_dataset_unref (test_set);
  return status;
}
