/* test-ui-experiment-kept.c: the Experiment view's runs kept as files, read back. Finished
 * runs kept in a folder come back in a new view with every point, band, bar, row and export as
 * they were, and Clear deletes the files; bad files (cut short, garbage, huge counts, NaN, a
 * newer format, a folder) are skipped, left byte for byte and named once. Each kept run's tick
 * comes back as the user left it (the newest of a setting shown when the folder has no ticks),
 * and its twins are kept beside it, its row's menu asking for their landscape and its row
 * saying how much its files take; Use These Settings puts a restored run's settings back.
 *
 * The files that cannot be written: test-ui-experiment-save.c. */

#include <string.h>
#include <glib/gstdio.h>

#include "ui-test-utils.h"
#include "experiment-test-utils.h"
#include "experiment-view-test-utils.h"

#include "rl-experiment-file.h"
#include "rl-experiment-view.h"
#include "rl-dataset-loader.h"

/* ---- kept runs read back ------------------------------------------------------------------ */

typedef struct {
  const char *path;
  const char *text;
} TextWait;

static gboolean
has_text (gpointer data)
{
  TextWait *w = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (w->path, &text, NULL, NULL) && g_strcmp0 (text, w->text) == 0;
}

/* Waits until the folder's ticks say @shown of the run files @files (writes end on their own:
 * the last state wins). shown: (files->len) */
static void
wait_for_ticks (const char     *dir,
                GPtrArray      *files,
                const gboolean *shown)
{
  g_autofree char *path = g_build_filename (dir, RL_EXPERIMENT_FILE_TICKS, NULL);
  g_autoptr (GBytes) bytes = rl_experiment_file_format_ticks ((const char * const *) files->pdata,
                                                              shown, files->len);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  TextWait w = { path, text };

  g_assert_true (ui_test_wait_for (has_text, &w, 30));
}

/* Every point the chart draws of both views' run @run, and the records behind them. */
static void
assert_runs_equal (RlExperimentView *a,
                   RlExperimentView *b,
                   guint             run)
{
  const RlExperimentGroup *ga = rl_experiment_view_get_run_group (a, run);
  const RlExperimentGroup *gb = rl_experiment_view_get_run_group (b, run);
  RlChart *ca = rl_experiment_view_get_chart (a);
  RlChart *cb = rl_experiment_view_get_chart (b);

  g_assert_cmpfloat (rl_experiment_view_get_run_seconds (a, run), ==,
                     rl_experiment_view_get_run_seconds (b, run));
  g_assert_cmpint (gtk_check_button_get_active (rl_experiment_view_get_run_check (a, run)), ==,
                   gtk_check_button_get_active (rl_experiment_view_get_run_check (b, run)));
  g_assert_cmpstr (gtk_check_button_get_label (rl_experiment_view_get_run_check (a, run)), ==,
                   gtk_check_button_get_label (rl_experiment_view_get_run_check (b, run)));
  assert_groups_equal (ga, gb);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint sa = rl_experiment_view_get_series (a, run, (RlTwin) t);
      guint sb = rl_experiment_view_get_series (b, run, (RlTwin) t);

      for (guint s = 0; s < rl_experiment_group_get_n_seeds (ga); s++)
        g_assert_cmpuint (rl_experiment_group_get_n_records (ga, t, s), >, 0);
      g_assert_cmpuint (sa, ==, sb);
      if (sa == G_MAXUINT)
        continue;
      g_assert_cmpuint (rl_chart_get_n_points (ca, sa), ==, rl_chart_get_n_points (cb, sb));
      for (guint i = 0; i < rl_chart_get_n_points (ca, sa); i++)
        {
          double lo_a = 0, hi_a = 0, lo_b = 0, hi_b = 0;

          g_assert_cmpint (rl_chart_get_band (ca, sa, i, &lo_a, &hi_a), ==,
                           rl_chart_get_band (cb, sb, i, &lo_b, &hi_b));
          g_assert_cmpfloat (lo_a, ==, lo_b);
          g_assert_cmpfloat (hi_a, ==, hi_b);
        }
      {
        double xa, ya, xb, yb;

        g_assert_true (rl_chart_get_last (ca, sa, &xa, &ya));
        g_assert_true (rl_chart_get_last (cb, sb, &xb, &yb));
        g_assert_cmpfloat (xa, ==, xb);
        g_assert_cmpfloat (ya, ==, yb);
      }
    }
}

static char *
export_csv (RlExperimentView *view,
            const char       *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (ui_test_tmp_dir, name, NULL);
  char *csv = NULL;

  g_assert_true (rl_experiment_view_export_csv (view, path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  return csv;
}

/* Two real runs (two seeds, then one that hides it), kept, then restored into a new view with
 * every point, band, bar, row and export as they were; Clear removes the files. */
static void
test_kept_runs (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autofree char *csv_before = NULL;
  g_autofree char *csv_after = NULL;
  GtkWidget *window, *window2;
  RlExperimentView *view, *view2;
  RlLayerBars *bars, *bars2;

  SKIP_WITHOUT_MNIST ();

  dir = new_keep_dir ("round-trip");
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 256);
  rl_experiment_view_set_seeds (view, 2);
  run_to_end (view);
  rl_experiment_view_set_seeds (view, 1);
  run_to_end (view);
  wait_for_files (dir, 2);
  files = run_files (dir);
  g_assert_cmpstr (rl_experiment_view_get_run_path (view, 0), ==, files->pdata[0]);
  g_assert_cmpstr (rl_experiment_view_get_run_path (view, 1), ==, files->pdata[1]);
  /* the first, hidden by the second, is shown for the export */
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), TRUE);
  csv_before = export_csv (view, "before.csv");
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), FALSE);
  {
    const gboolean shown[] = { FALSE, TRUE };

    wait_for_ticks (dir, files, shown);
  }

  /* a restart */
  view2 = new_keeping_view (&window2, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 2);
  g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view2),
                                   "Restored 2 runs kept from before. Run 2: Done in"));
  g_assert_null (ui_test_find_message_dialog ());
  for (guint r = 0; r < 2; r++)
    {
      assert_runs_equal (view, view2, r);
      g_assert_cmpstr (rl_experiment_view_get_run_path (view2, r), ==, files->pdata[r]);
    }
  g_assert_cmpuint (rl_experiment_group_get_n_seeds (rl_experiment_view_get_run_group (view2, 0)),
                    ==, 2);
  g_assert_false (gtk_check_button_get_active (rl_experiment_view_get_run_check (view2, 0)));
  g_assert_cmpstr (rl_chart_get_title (rl_experiment_view_get_chart (view)), ==,
                   rl_chart_get_title (rl_experiment_view_get_chart (view2)));
  bars = rl_experiment_view_get_bars (view);
  bars2 = rl_experiment_view_get_bars (view2);
  g_assert_cmpuint (rl_layer_bars_get_n_layers (bars2), ==, 8);
  {
    int lo = 0, hi = 0, lo2 = 1, hi2 = 1;

    /* the scale the bars built up record by record */
    g_assert_true (rl_layer_bars_get_scale (bars, &lo, &hi));
    g_assert_true (rl_layer_bars_get_scale (bars2, &lo2, &hi2));
    g_assert_cmpint (lo, ==, lo2);
    g_assert_cmpint (hi, ==, hi2);
  }
  for (guint i = 0; i < 8; i++)
    for (int half = 0; half < 2; half++)
      {
        double a = 0, b = 0;

        g_assert_true (rl_layer_bars_get_value (bars, half, i, &a));
        g_assert_true (rl_layer_bars_get_value (bars2, half, i, &b));
        g_assert_cmpfloat (a, ==, b);
      }
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view2, 0), TRUE);
  csv_after = export_csv (view2, "after.csv");
  g_assert_cmpstr (csv_after, ==, csv_before);
  destroy_view (view, window);

  /* a new run after the restored ones gets the next number and its own file */
  rl_experiment_view_set_depth (view2, 8);
  rl_experiment_view_set_train_images (view2, 128);
  run_to_end (view2);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 3);
  g_assert_true (g_str_has_prefix (gtk_check_button_get_label (rl_experiment_view_get_run_check (view2, 2)),
                                   "Run 3:"));
  wait_for_files (dir, 3);

  /* Clear removes them all */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view2), "experiment.clear", NULL));
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 0);
  wait_for_files (dir, 0);
  destroy_view (view2, window2);

  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 0);
  destroy_view (view, window);
}

/* ---- bad files ---------------------------------------------------------------------------- */

/* good with the line "@key=..." replaced by "@key=@value". Returns: (transfer full) */
static char *
replace_value (const char *good,
               const char *key,
               const char *value)
{
  g_autofree char *prefix = g_strdup_printf ("\n%s=", key);
  const char *line = strstr (good, prefix);
  const char *end;

  g_assert_nonnull (line);
  end = strchr (line + 1, '\n');
  return g_strdup_printf ("%.*s\n%s=%s%s", (int) (line - good), good, key, value, end);
}

typedef struct {
  const char *name;
  const char *phrase;    /* what the message says of it */
  char       *contents;  /* NULL: a folder */
} BadFile;

/* Every kind of bad file: skipped, left byte for byte, named once with what is wrong. */
static void
test_bad_kept_files (void)
{
  static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR garbage \xff\xfe";
  g_autofree char *dir = NULL;
  g_autofree char *good = NULL;
  g_autoptr (GPtrArray) files = NULL;
  BadFile bad[] = {
    { "20000101-000000.000001-depth8.reslab-experiment", "it is cut short", NULL },
    { "20000101-000000.000002-depth8.reslab-experiment", "it is not a ResLab experiment run", NULL },
    { "20000101-000000.000003-depth8.reslab-experiment", "it claims more than ResLab accepts", NULL },
    { "20000101-000000.000004-depth8.reslab-experiment", "not finite where one must be", NULL },
    { "20000101-000000.000005-depth8.reslab-experiment", "written by a newer version", NULL },
    { "20000101-000000.000006-depth8.reslab-experiment", "it is a folder, not a file", NULL },
  };
  GtkWidget *window;
  RlExperimentView *view;

  SKIP_WITHOUT_MNIST ();

  /* a good file, from a real run */
  dir = new_keep_dir ("bad");
  view = new_keeping_view (&window, dir);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 128);
  run_to_end (view);
  wait_for_files (dir, 1);
  destroy_view (view, window);
  files = run_files (dir);
  g_assert_true (g_file_get_contents (files->pdata[0], &good, NULL, NULL));

  bad[0].contents = g_strndup (good, strlen (good) * 2 / 3);
  bad[1].contents = g_memdup2 (garbage, sizeof garbage);
  bad[2].contents = replace_value (good, "records", "99999999999;");
  bad[3].contents = replace_value (good, "learning-rate", "nan");
  bad[4].contents = replace_value (good, "format", "2");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (dir, bad[i].name, NULL);

      if (bad[i].contents == NULL)
        g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      else
        write_bytes (path, bad[i].contents, i == 1 ? (gssize) sizeof garbage : -1);
    }

  /* the good run is back; one message names every bad file and what is wrong with it */
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  {
    g_autofree char *text = ui_test_take_message ("6 kept experiment runs could not be restored\n");

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *line = g_strdup_printf ("“%s”: ", bad[i].name);
        const char *at = strstr (text, line);

        g_assert_nonnull (at);
        g_assert_nonnull (strstr (at, bad[i].phrase));
        g_assert_true (strstr (at, bad[i].phrase) < strchr (at, '\n'));
      }
    g_assert_nonnull (strstr (text, dir));
  }
  destroy_view (view, window);

  /* left as they were */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (dir, bad[i].name, NULL);
      g_autofree char *now = NULL;
      gsize length = 0;

      if (bad[i].contents == NULL)
        {
          g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
          continue;
        }
      g_assert_true (g_file_get_contents (path, &now, &length, NULL));
      g_assert_cmpmem (now, length, bad[i].contents,
                       i == 1 ? sizeof garbage : strlen (bad[i].contents));
    }

  /* once: the next start says nothing of the same files */
  view = new_keeping_view (&window, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view), ==, 1);
  ui_test_spin (200);
  g_assert_null (ui_test_find_message_dialog ());
  destroy_view (view, window);

  /* a bad file that changes is news again, alone */
  {
    g_autofree char *path = g_build_filename (dir, bad[4].name, NULL);

    g_free (bad[4].contents);
    bad[4].contents = replace_value (good, "format", "3");
    write_bytes (path, bad[4].contents, -1);
  }
  view = new_keeping_view (&window, dir);
  {
    g_autofree char *text = ui_test_take_message ("A kept experiment run could not be restored\n");

    g_assert_nonnull (strstr (text, bad[4].name));
    g_assert_null (strstr (text, bad[0].name));
  }
  destroy_view (view, window);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_free (bad[i].contents);
}

/* ---- ticks, twins and sizes --------------------------------------------------------------- */

static gboolean
run_ticked (RlExperimentView *view,
            guint             run)
{
  return gtk_check_button_get_active (rl_experiment_view_get_run_check (view, run));
}

static gboolean
second_run_menu (gpointer data)
{
  return ui_test_menu_find (rl_experiment_view_get_run_menu (data, 1), "win.show-landscape") >= 0;
}

/* What the row of the run kept at @path ends with: the bytes of its file, its twins and their
 * initial weights, as the five files are. Returns: (transfer full) */
static char *
size_on_disk (const char *path)
{
  const char *suffixes[] = { ".plain.safetensors", ".plain.initial.safetensors",
                             ".resnet.safetensors", ".resnet.initial.safetensors" };
  g_autofree char *stem = g_strndup (path, strlen (path) - strlen (RL_EXPERIMENT_FILE_SUFFIX));
  g_autofree char *size = NULL;
  GStatBuf st;
  guint64 total;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  total = (guint64) st.st_size;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (stem, suffixes[i], NULL);

      g_assert_cmpint (g_stat (file, &st), ==, 0);
      total += (guint64) st.st_size;
    }
  size = g_format_size (total);
  return g_strdup_printf (" · %s on disk", size);
}

/* The ticks of kept runs (#16 follow-up): two runs of one setting, the first hidden by the
 * second, then the user shows the first and hides the second; a restart shows them so, not
 * as two new runs would be. A folder without ticks shows the newest run of each setting, as
 * before. And each run keeps its twins beside it, its row's menu asking for their landscape. */
static void
test_kept_ticks (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *ticks = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GPtrArray) files = NULL;
  GtkWidget *window, *window2;
  RlExperimentView *view, *view2;
  RlExperimentConfig used;
  RlDatasetKind used_kind;
  guint used_seeds;

  SKIP_WITHOUT_MNIST ();

  dir = new_keep_dir ("ticks");
  ticks = g_build_filename (dir, RL_EXPERIMENT_FILE_TICKS, NULL);
  view = new_keeping_view (&window, dir);
  rl_experiment_view_set_depth (view, 8);
  rl_experiment_view_set_train_images (view, 128);
  rl_experiment_view_get_settings (view, &used, &used_kind);
  used_seeds = rl_experiment_view_get_seeds (view);
  run_to_end (view);
  run_to_end (view);
  wait_for_files (dir, 2);
  g_assert_false (run_ticked (view, 0));
  g_assert_true (run_ticked (view, 1));
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 0), TRUE);
  gtk_check_button_set_active (rl_experiment_view_get_run_check (view, 1), FALSE);
  files = run_files (dir);
  {
    g_autofree char *first = g_path_get_basename (files->pdata[0]);
    g_autofree char *second = g_path_get_basename (files->pdata[1]);
    const gboolean shown[] = { TRUE, FALSE };
    TextWait w = { ticks, NULL };

    /* the file as the engine's test reads it back */
    expected = g_strdup_printf ("shown %s\nhidden %s\n", first, second);
    w.text = expected;
    g_assert_true (ui_test_wait_for (has_text, &w, 30));
    wait_for_ticks (dir, files, shown);
  }
  /* the twins follow each run, and its row's menu asks the window for their landscape */
  g_assert_true (ui_test_wait_for (second_run_menu, view, 30));
  for (guint r = 0; r < 2; r++)
    {
      GMenuModel *menu = rl_experiment_view_get_run_menu (view, r);
      int item = ui_test_menu_find (menu, "win.show-landscape");
      g_autoptr (GVariant) target = NULL;
      g_autofree const char **keys = NULL;

      g_assert_cmpint (item, >=, 0);
      target = g_menu_model_get_item_attribute_value (menu, item, G_MENU_ATTRIBUTE_TARGET,
                                                      G_VARIANT_TYPE_STRING_ARRAY);
      keys = g_variant_get_strv (target, NULL);
      g_assert_cmpuint (g_strv_length ((char **) keys), ==, RL_N_TWINS);
      for (int t = 0; t < RL_N_TWINS; t++)
        {
          g_autofree char *twin = rl_experiment_file_twin_path (files->pdata[r], (RlTwin) t);
          g_autofree char *name = NULL;
          g_autofree char *expected_name = NULL;
          g_autofree char *remark = NULL;
          RlDatasetKind kind = RL_DATASET_FASHION;

          g_assert_cmpstr (keys[t], ==, twin);
          g_assert_true (g_file_test (twin, G_FILE_TEST_IS_REGULAR));
          /* named with the run: both runs have a plain-8 and a resnet-8 */
          g_assert_true (rl_experiment_view_find_twin (view, twin, &name, &kind, &remark));
          expected_name = g_strdup_printf ("%s (run %u)",
                                           t == RL_TWIN_PLAIN ? "plain-8" : "resnet-8", r + 1);
          g_assert_cmpstr (name, ==, expected_name);
          g_assert_cmpint (kind, ==, RL_DATASET_MNIST);
          g_assert_null (remark);   /* both twins kept: nothing to explain */
        }
    }
  g_assert_false (rl_experiment_view_find_twin (view, files->pdata[0], NULL, NULL, NULL));
  /* each row says how much its files take */
  for (guint r = 0; r < 2; r++)
    {
      g_autofree char *size = size_on_disk (files->pdata[r]);

      g_test_message ("%s", rl_experiment_view_get_run_detail (view, r));
      g_assert_true (g_str_has_suffix (rl_experiment_view_get_run_detail (view, r), size));
    }

  /* a restart: as the user left them */
  view2 = new_keeping_view (&window2, dir);
  g_assert_cmpuint (rl_experiment_view_get_n_runs (view2), ==, 2);
  g_assert_true (run_ticked (view2, 0));
  g_assert_false (run_ticked (view2, 1));
  g_assert_cmpuint (rl_experiment_view_get_series (view2, 0, RL_TWIN_PLAIN), !=, G_MAXUINT);
  g_assert_cmpuint (rl_experiment_view_get_series (view2, 1, RL_TWIN_PLAIN), ==, G_MAXUINT);
  g_assert_cmpint (ui_test_menu_find (rl_experiment_view_get_run_menu (view2, 0),
                                      "win.show-landscape"), >=, 0);
  for (guint r = 0; r < 2; r++)
    g_assert_cmpstr (rl_experiment_view_get_run_detail (view2, r), ==,
                     rl_experiment_view_get_run_detail (view, r));

  /* Use These Settings, from a restored run's menu: the form as it was for that run */
  {
    GMenuModel *menu = rl_experiment_view_get_run_menu (view2, 0);
    int item = ui_test_menu_find (menu, "experiment.use-settings");
    g_autoptr (GVariant) target = NULL;
    RlExperimentConfig after;
    RlDatasetKind kind_after;

    g_assert_cmpint (item, >=, 0);
    target = g_menu_model_get_item_attribute_value (menu, item, G_MENU_ATTRIBUTE_TARGET,
                                                    G_VARIANT_TYPE_UINT32);
    rl_experiment_view_set_depth (view2, 20);
    rl_experiment_view_set_train_images (view2, 640);
    rl_experiment_view_set_epochs (view2, 3);
    rl_experiment_view_set_seeds (view2, 4);
    rl_experiment_view_set_bn (view2, !used.bn);
    rl_experiment_view_set_shortcut (view2, RL_SHORTCUT_B);
    g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (view2),
                                                       "experiment.use-settings", target));
    rl_experiment_view_get_settings (view2, &after, &kind_after);
    g_assert_cmpint (after.depth, ==, 8);
    g_assert_cmpuint (after.subset, ==, used.subset);
    g_assert_cmpint (after.epochs, ==, used.epochs);
    g_assert_cmpfloat (after.lr, ==, used.lr);
    g_assert_cmpint (after.bn, ==, used.bn);
    g_assert_cmpint (after.shortcut, ==, used.shortcut);
    g_assert_cmpint (kind_after, ==, used_kind);
    g_assert_cmpuint (rl_experiment_view_get_seeds (view2), ==, used_seeds);
    g_assert_true (g_str_has_prefix (rl_experiment_view_get_status (view2), "The settings of run"));
  }
  destroy_view (view2, window2);
  destroy_view (view, window);

  /* without ticks, as a folder of an older version */
  g_assert_cmpint (g_unlink (ticks), ==, 0);
  view = new_keeping_view (&window, dir);
  g_assert_false (run_ticked (view, 0));
  g_assert_true (run_ticked (view, 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.clear", NULL));
  {
    TextWait w = { ticks, "" };

    g_assert_true (ui_test_wait_for (has_text, &w, 30));
  }
  wait_for_files (dir, 0);
  destroy_view (view, window);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/experiment/kept-runs", test_kept_runs);
  ui_test_add ("/ui/experiment/bad-kept-files", test_bad_kept_files);
  ui_test_add ("/ui/experiment/kept-ticks", test_kept_ticks);

  return ui_test_run ();
}
