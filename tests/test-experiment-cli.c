/* test-experiment-cli.c: `reslab-cli experiment degradation` run as a program (the binary in
 * $RESLAB_CLI, set by meson) on the committed MNIST fixture (tests/data/mnist-mini).
 *
 * Bad options exit 2 with a message naming the option; a missing data directory exits 1; a
 * tiny two-depth run exits 0 and leaves well-formed CSVs (parsed back), PNGs of the figure
 * size and SVG documents.
 */

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cli-test-utils.h"
static char *data_dir;

static void
test_usage_errors (void)
{
  expect_usage ((const char *[]) { "experiment", NULL }, "Usage");
  expect_usage ((const char *[]) { "experiment", "nope", NULL }, "unknown experiment 'nope'");
  expect_usage ((const char *[]) { "experiment", "degradation", "--depths", "8,9", NULL },
                "--depths");
  expect_usage ((const char *[]) { "experiment", "degradation", "--depths", "8,x", NULL },
                "--depths");
  expect_usage ((const char *[]) { "experiment", "degradation", "--depths", "20,20", NULL },
                "--depths");
  /* no depth at all: it exited 0 saying it wrote files it never wrote (#12) */
  expect_usage ((const char *[]) { "experiment", "degradation", "--depths", "", NULL },
                "no depth given");
  expect_usage ((const char *[]) { "experiment", "degradation", "--epochs", "0", NULL },
                "--epochs");
  expect_usage ((const char *[]) { "experiment", "degradation", "--subset", "0", NULL },
                "--subset");
  expect_usage ((const char *[]) { "experiment", "degradation", "--test-subset", "-3", NULL },
                "--test-subset");
  expect_usage ((const char *[]) { "experiment", "degradation", "--dataset", "cifar", NULL },
                "--dataset");
  expect_usage ((const char *[]) { "experiment", "degradation", "--shortcut", "C", NULL },
                "--shortcut");
  expect_usage ((const char *[]) { "experiment", "degradation", "--bn", "yes", NULL }, "--bn");
  expect_usage ((const char *[]) { "experiment", "degradation", "--bn-stats", "lagging", NULL },
                "--bn-stats");
  expect_usage ((const char *[]) { "experiment", "degradation", "--lr", "0", NULL }, "--lr");
  /* infinity once stored as a float (#12) */
  expect_usage ((const char *[]) { "experiment", "degradation", "--lr", "1e300", NULL },
                "--lr");
  expect_usage ((const char *[]) { "experiment", "degradation", "--momentum", "1", NULL },
                "--momentum");
  expect_usage ((const char *[]) { "experiment", "degradation", "--weight-decay", "-1", NULL },
                "--weight-decay");
  expect_usage ((const char *[]) { "experiment", "degradation", "--batch", "0", NULL },
                "--batch");
  expect_usage ((const char *[]) { "experiment", "degradation", "--seed", "-1", NULL },
                "--seed");
  expect_usage ((const char *[]) { "experiment", "degradation", "--seeds", "0", NULL },
                "--seeds");
  expect_usage ((const char *[]) { "experiment", "degradation", "--seeds", "21", NULL },
                "--seeds");
  expect_usage ((const char *[]) { "experiment", "degradation", "--seed", "18446744073709551615",
                                    "--seeds", "2", NULL }, "--seed");
  expect_usage ((const char *[]) { "experiment", "degradation", "--interval", "0", NULL },
                "--interval");
  expect_usage ((const char *[]) { "experiment", "degradation", "--threads", "0", NULL },
                "--threads");
  expect_usage ((const char *[]) { "experiment", "degradation", "--threads", "-1", NULL },
                "--threads");
  expect_usage ((const char *[]) { "experiment", "degradation", "--frobnicate", NULL },
                "--frobnicate");
  /* more images than the data holds: known only once the data is loaded, still a usage error */
  expect_usage ((const char *[]) { "experiment", "degradation", "--data", data_dir,
                                   "--subset", "641", NULL }, "--subset");
  expect_usage ((const char *[]) { "experiment", "degradation", "--data", data_dir,
                                   "--subset", "64", "--test-subset", "101", NULL },
                "--test-subset");

  /* train's --shortcut and --bn only go with the CIFAR-style family */
  expect_usage ((const char *[]) { "train", "--arch", "seed", "--bn", "off", NULL }, "--bn");
  expect_usage ((const char *[]) { "train", "--shortcut", "B", NULL }, "--shortcut");
  expect_usage ((const char *[]) { "train", "--arch", "resnet-8", "--shortcut", "C", NULL },
                "--shortcut");
  expect_usage ((const char *[]) { "train", "--arch", "plain-8", "--bn", "1", NULL }, "--bn");
  expect_usage ((const char *[]) { "train", "--arch", "resnet-9", "--bn", "on", NULL },
                "--arch");
}

static void
test_missing_data (void)
{
  g_autoptr(Run) r = run ((const char *[]) { "experiment", "degradation", "--data",
                                             "/nonexistent-reslab", NULL });

  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "/nonexistent-reslab"));
}

/* Lines of a CSV file, checked for the header and a constant field count. */
static GStrv
read_csv (const char *path, const char *header, guint n_fields)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GStrv lines;
  guint n;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));
  text[strlen (text) - 1] = '\0';
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, header);
  n = g_strv_length (lines);
  for (guint i = 1; i < n; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, n_fields);
    }
  return lines;
}

static void
test_tiny_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("reslab-expcli-XXXXXX", &error);
  g_autofree char *out = NULL, *csv_path = NULL, *layers_path = NULL;
  g_auto(GStrv) rows = NULL;
  g_auto(GStrv) lrows = NULL;
  static const char *const files[] = {
    "degradation.csv", "layers.csv", "degradation.png", "degradation.svg", "layers.png",
    "layers.svg",
  };
  g_autoptr(Run) r = NULL;
  guint n_plain = 0, n_resnet = 0;

  g_assert_no_error (error);
  out = g_build_filename (dir, "out", NULL);    /* created by the command */
  csv_path = g_build_filename (out, "degradation.csv", NULL);
  layers_path = g_build_filename (out, "layers.csv", NULL);
  r = run ((const char *[]) { "experiment", "degradation", "--data", data_dir,
                              "--depths", "14,8", "--subset", "256", "--test-subset", "100",
                              "--batch", "32", "--interval", "4", "--threads", "2",
                              "--out-dir", out, NULL });
  g_test_message ("%s%s", r->out, r->err);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  g_assert_nonnull (strstr (r->out, "depth 8 "));
  g_assert_nonnull (strstr (r->out, "# depth 14 done"));

  /* 256 / 32 = 8 iterations, a record every 4: two per twin, depths sorted (8 then 14) */
  rows = read_csv (csv_path,
                   "depth,net,shortcut,bn,iteration,images,epoch,train_error,train_loss,"
                   "test_error,seed", 11);
  g_assert_cmpuint (g_strv_length (rows), ==, 1 + 2 * 2 * 2);
  g_assert_true (g_str_has_prefix (rows[1], "8,plain,A,on,4,128,0.5,"));
  g_assert_true (g_str_has_prefix (rows[4], "8,resnet,A,on,8,256,1,"));
  g_assert_true (g_str_has_prefix (rows[8], "14,resnet,A,on,8,256,1,"));
  for (guint i = 1; rows[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (rows[i], ",", -1);

      n_plain += strcmp (f[1], "plain") == 0;
      n_resnet += strcmp (f[1], "resnet") == 0;
      g_assert_cmpstr (f[10], ==, "1");    /* the default seed */
      for (int k = 7; k < 10; k++)
        {
          char *end;
          double v = g_ascii_strtod (f[k], &end);
          g_assert_true (*end == '\0' && v >= 0.0);
          if (k != 8)
            g_assert_cmpfloat (v, <=, 1.0);
        }
    }
  g_assert_cmpuint (n_plain, ==, 4);
  g_assert_cmpuint (n_resnet, ==, 4);

  /* per layer: 8 and 14 weight layers, two records, two twins */
  lrows = read_csv (layers_path,
                    "depth,net,iteration,layer,grad_norm,response_std,name", 7);
  g_assert_cmpuint (g_strv_length (lrows), ==, 1 + 2 * 2 * (8 + 14));
  g_assert_true (g_str_has_prefix (lrows[1], "8,plain,4,1,"));
  g_assert_true (g_str_has_suffix (lrows[1], ",conv1"));
  g_assert_true (g_str_has_suffix (lrows[8], ",,fc"));    /* no response for the linear layer */

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (out, files[i], NULL);

      if (g_str_has_suffix (path, ".png"))
        {
          cairo_surface_t *s = cairo_image_surface_create_from_png (path);

          g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
          g_assert_cmpint (cairo_image_surface_get_width (s), ==, 1100);
          g_assert_cmpint (cairo_image_surface_get_height (s), ==, 460);
          cairo_surface_destroy (s);
        }
      else if (g_str_has_suffix (path, ".svg"))
        {
          g_autofree char *text = NULL;

          g_assert_true (g_file_get_contents (path, &text, NULL, &error));
          g_assert_true (g_str_has_prefix (text, "<?xml"));
          g_assert_nonnull (strstr (text, "</svg>"));
        }
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (out), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Runs depth 8 on the fixture with @extra options into a new directory; returns the CSV rows. */
static GStrv
run_depth8 (const char *const *extra, char **out_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("reslab-seeds-XXXXXX", &error);
  g_autofree char *csv_path = g_build_filename (dir, "degradation.csv", NULL);
  const char *args[40] = { "experiment", "degradation", "--data", data_dir, "--depths", "8",
                           "--subset", "256", "--test-subset", "100", "--batch", "32",
                           "--interval", "4", "--threads", "2", "--out-dir", dir, NULL };
  guint n = g_strv_length ((char **) args);
  g_autoptr(Run) r = NULL;
  GStrv rows;
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_assert_no_error (error);
  for (guint i = 0; extra[i] != NULL; i++)
    args[n++] = extra[i];
  args[n] = NULL;
  r = run (args);
  g_test_message ("%s%s", r->out, r->err);
  g_assert_cmpint (r->status, ==, 0);
  rows = read_csv (csv_path, "depth,net,shortcut,bn,iteration,images,epoch,train_error,"
                             "train_loss,test_error,seed", 11);
  *out_text = g_strdup (r->out);
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  return rows;
}

/* --seeds 3: three runs' rows (seeds 1, 2, 3) for each twin and record; the seed-1 rows are the
 * rows a run without --seeds writes, number for number; the summary's errors are the means. */
static void
test_seeds (void)
{
  g_autofree char *out1 = NULL, *out3 = NULL;
  g_auto(GStrv) one = run_depth8 ((const char *[]) { NULL }, &out1);
  g_auto(GStrv) three = run_depth8 ((const char *[]) { "--seeds", "3", NULL }, &out3);
  guint per_seed[4] = { 0 };
  guint matched = 0;

  /* 8 iterations, a record every 4: two per twin and seed */
  g_assert_cmpuint (g_strv_length (one), ==, 1 + 2 * 2);
  g_assert_cmpuint (g_strv_length (three), ==, 1 + 3 * 2 * 2);
  g_assert_nonnull (strstr (out3, "seeds 1 to 3"));
  g_assert_nonnull (strstr (out3, "seed 3"));
  for (guint i = 1; three[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (three[i], ",", -1);
      guint64 seed = g_ascii_strtoull (f[10], NULL, 10);

      g_assert_cmpuint (seed, >=, 1);
      g_assert_cmpuint (seed, <=, 3);
      per_seed[CLAMP (seed, 1, 3)]++;
      if (seed == 1)
        for (guint j = 1; one[j] != NULL; j++)
          matched += strcmp (one[j], three[i]) == 0;
    }
  g_assert_cmpuint (per_seed[1], ==, 4);
  g_assert_cmpuint (per_seed[2], ==, 4);
  g_assert_cmpuint (per_seed[3], ==, 4);
  g_assert_cmpuint (matched, ==, 4);
  /* another seed trains differently */
  {
    g_auto(GStrv) a = g_strsplit (three[1], ",", -1);
    g_auto(GStrv) b = g_strsplit (three[3], ",", -1);

    g_assert_cmpstr (a[10], ==, "1");
    g_assert_cmpstr (b[10], ==, "2");
    g_assert_cmpstr (a[4], ==, b[4]);       /* the same iteration */
    g_assert_true (strcmp (a[9], b[9]) != 0 || strcmp (a[8], b[8]) != 0);
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);

  g_test_add_func ("/engine/experiment-cli/usage-errors", test_usage_errors);
  g_test_add_func ("/engine/experiment-cli/missing-data", test_missing_data);
  g_test_add_func ("/engine/experiment-cli/tiny-run", test_tiny_run);
  g_test_add_func ("/engine/experiment-cli/seeds", test_seeds);
  status = g_test_run ();
  g_free (data_dir);
  return status;
}
