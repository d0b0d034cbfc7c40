/* test-explain-cli.c: `reslab-cli eval --errors DIR` and `reslab-cli explain` run as a program
 * (the binary in $RESLAB_CLI), on tests/data/mnist-mini and the bundled seed model. */

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cli-test-utils.h"
#include "rl-dataset.h"
#include "rl-model.h"

static char *tmp_dir;
static char *data_dir;
static char *model_path;



/* A PNG file's width, and its height in @height. */
static int
png_width (const char *path, int *height)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  int w;

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (s);
  *height = cairo_image_surface_get_height (s);
  cairo_surface_destroy (s);
  return w;
}

static void
assert_png (const char *path, int min_w, int min_h)
{
  int h;

  g_assert_cmpint (png_width (path, &h), >=, min_w);
  g_assert_cmpint (h, >=, min_h);
}

static void
test_eval_errors (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "errors", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "confusion.csv", NULL);
  g_autofree char *png_path = g_build_filename (dir, "confusion.png", NULL);
  g_autofree char *mcsv_path = g_build_filename (dir, "mistakes.csv", NULL);
  g_autofree char *mpng_path = g_build_filename (dir, "mistakes.png", NULL);
  g_autofree char *csv = NULL, *mcsv = NULL;
  g_auto (GStrv) lines = NULL, mlines = NULL;
  g_autoptr (Run) r = RUN ("eval", "--data", data_dir, "--model", model_path, "--errors", dir);
  guint total = 0, diag = 0, n_mis = 0;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "true\\predicted,0,1,2,3,4,5,6,7,8,9");
  for (int t = 0; t < 10; t++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[t + 1], ",", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, 11);
      g_assert_cmpint (atoi (cells[0]), ==, t);
      for (int p = 0; p < 10; p++)
        {
          total += (guint) atoi (cells[p + 1]);
          if (p == t)
            diag += (guint) atoi (cells[p + 1]);
        }
    }
  g_assert_cmpuint (total, ==, 100);   /* mnist-mini's test set */
  g_assert_true (g_file_get_contents (mcsv_path, &mcsv, NULL, NULL));
  mlines = g_strsplit (mcsv, "\n", -1);
  for (int i = 1; mlines[i] != NULL; i++)
    n_mis += mlines[i][0] != '\0';
  g_assert_cmpuint (n_mis, ==, total - diag);
  assert_png (png_path, 500, 500);
  assert_png (mpng_path, 200, 80);
}

static void
test_explain_methods (void)
{
  const char *methods[] = { "grad", "ig", "occlusion" };
  g_autofree char *img = g_build_filename (tmp_dir, "digit.pgm", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_autoptr (GString) pgm = g_string_new ("P5\n28 28\n255\n");

  g_assert_no_error (error);
  g_string_append_len (pgm, (const char *) test->images, 28 * 28);
  g_assert_true (g_file_set_contents (img, pgm->str, (gssize) pgm->len, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *out = g_strdup_printf ("%s/explain-%s.png", tmp_dir, methods[i]);
      g_autoptr (Run) r = RUN ("explain", "--model", model_path, "--method", methods[i], img,
                               "--out", out);
      g_autofree char *want = g_strdup_printf ("read as %u", test->labels[0]);

      g_assert_cmpint (r->status, ==, 0);
      g_assert_nonnull (strstr (r->out, want));
      /* the seed net is sure of this 7 (p = 1 - 1e-6), not certain: never "100.0 %" */
      g_assert_nonnull (strstr (r->out, "read as 7 (>99.9 %)"));
      assert_png (out, 400, 300);
    }
  {
    g_autofree char *out = g_build_filename (tmp_dir, "explain-k3.png", NULL);
    g_autoptr (Run) r = RUN ("explain", "--model", model_path, "--class", "3", img, "--out", out);
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "explaining class 3"));
  }
}

/* A Fashion-MNIST model's confusion matrix names the classes on its axes, as the app's Errors
 * view does: the rows' names need a wider left margin than digits, the columns' slanted ones
 * more room above (here mnist-mini's files read as Fashion-MNIST: the same names, whatever
 * the images). */
static void
test_eval_errors_fashion (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "errors-fashion", NULL);
  g_autofree char *png_path = g_build_filename (dir, "confusion.png", NULL);
  g_autofree char *digits_dir = g_build_filename (tmp_dir, "errors-digits", NULL);
  g_autofree char *digits_png = g_build_filename (digits_dir, "confusion.png", NULL);
  g_autoptr (Run) digits = RUN ("eval", "--data", data_dir, "--model", model_path, "--errors",
                                digits_dir);
  g_autoptr (Run) r = RUN ("eval", "--dataset", "fashion", "--data", data_dir, "--model",
                           model_path, "--errors", dir);
  int h_digits, h_names;

  g_assert_cmpint (digits->status, ==, 0);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "columns: 0 T-shirt/top, 1 Trouser,"));
  g_assert_cmpint (png_width (png_path, &h_names), >, png_width (digits_png, &h_digits) + 20);
  g_assert_cmpint (h_names, >, h_digits + 20);
}

/* A Fashion-MNIST model's classes by number and name, as `predict` prints them (the weights
 * here are the seed net's, saved as a Fashion-MNIST model: the names are what is checked). */
static void
test_explain_fashion (void)
{
  g_autofree char *img = g_build_filename (tmp_dir, "fashion-digit.pgm", NULL);
  g_autofree char *fashion = g_build_filename (tmp_dir, "fashion.safetensors", NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "explain-fashion.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_autoptr (RlModel) model = rl_model_load (model_path, NULL, &error);
  g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GString) pgm = g_string_new ("P5\n28 28\n255\n");
  g_autoptr (Run) r = NULL;
  g_autofree char *want = NULL;
  unsigned read_as = 10;

  g_assert_no_error (error);
  g_hash_table_insert (metadata, "dataset", "fashion");
  g_assert_true (rl_model_save (model, fashion, metadata, &error));
  g_assert_no_error (error);
  g_string_append_len (pgm, (const char *) test->images, 28 * 28);
  g_assert_true (g_file_set_contents (img, pgm->str, (gssize) pgm->len, NULL));

  r = RUN ("explain", "--model", fashion, "--class", "6", img, "--out", out);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpint (sscanf (strstr (r->out, "read as "), "read as %u", &read_as), ==, 1);
  g_assert_cmpuint (read_as, <, 10);
  want = g_strdup_printf ("read as %u (%s, ", read_as,
                          rl_dataset_class_name (RL_DATASET_FASHION, read_as));
  g_assert_nonnull (strstr (r->out, want));
  g_assert_nonnull (strstr (r->out, "explaining class 6 (Shirt) by grad"));

  /* predict reads it the same way, and names the class the same way */
  {
    g_autoptr (Run) p = RUN ("predict", "--model", fashion, img);
    g_autofree char *line = g_strdup_printf ("%s: %u (%s)\n", img, read_as,
                                             rl_dataset_class_name (RL_DATASET_FASHION, read_as));

    g_assert_cmpint (p->status, ==, 0);
    g_assert_true (g_str_has_prefix (p->out, line));
  }
}

static void
test_explain_bad_options (void)
{
  g_autoptr (Run) no_out = RUN ("explain", "--model", model_path, "x.png");
  g_autoptr (Run) bad_method = RUN ("explain", "--model", model_path, "--method", "saliency",
                                    "x.png", "--out", "y.png");
  g_autoptr (Run) bad_class = RUN ("explain", "--model", model_path, "--class", "10", "x.png",
                                   "--out", "y.png");
  g_autoptr (Run) no_image = RUN ("explain", "--model", model_path, "--out", "y.png");
  g_autoptr (Run) missing = RUN ("explain", "--model", model_path, "/nonexistent.png", "--out",
                                 "y.png");

  g_assert_cmpint (no_out->status, ==, 2);
  g_assert_nonnull (strstr (no_out->err, "--out"));
  g_assert_cmpint (bad_method->status, ==, 2);
  g_assert_nonnull (strstr (bad_method->err, "saliency"));
  g_assert_cmpint (bad_class->status, ==, 2);
  g_assert_nonnull (strstr (bad_class->err, "--class"));
  g_assert_cmpint (no_image->status, ==, 2);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_true (g_str_has_prefix (missing->err, "reslab-cli: "));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  model_path = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                      "seed.safetensors", NULL);
  tmp_dir = test_make_tmp_dir ("reslab-explain-cli-XXXXXX");

  g_test_add_func ("/app/cli/eval-errors", test_eval_errors);
  g_test_add_func ("/app/cli/explain/methods", test_explain_methods);
  g_test_add_func ("/app/cli/explain/fashion", test_explain_fashion);
  g_test_add_func ("/app/cli/eval-errors/fashion", test_eval_errors_fashion);
  g_test_add_func ("/app/cli/explain/bad-options", test_explain_bad_options);
  status = g_test_run ();
  test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  g_free (data_dir);
  g_free (model_path);
  return status;
}
