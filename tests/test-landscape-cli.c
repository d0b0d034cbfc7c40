/* test-landscape-cli.c: `reslab-cli landscape` and `train --keep-initial` run as programs (the
 * binary in $RESLAB_CLI, set by meson) on the committed MNIST fixture (tests/data/mnist-mini).
 *
 * Bad options exit 2 with a message naming the option; models that are not twins, or a missing
 * file, exit 1; a tiny run (3 x 3 grid, 20 images) of plain-8 beside a resnet-8 trained with
 * --keep-initial exits 0 and leaves a CSV with every grid point (parsed back), the line's CSV
 * for the model that kept its initial weights only, PNGs of the figure size and SVG documents.
 */

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cli-test-utils.h"
#include "fs-test-utils.h"
#include "rl-arch.h"
#include "rl-model.h"
#include "rl-safetensors.h"

static char *data_dir;

static void
test_usage_errors (void)
{
  expect_usage ((const char *[]) { "landscape", NULL }, "--model");
  expect_usage ((const char *[]) { "landscape", "--model", "a", NULL }, "--out-dir");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--model", "b", "--model", "c",
                                   "--out-dir", "x", NULL }, "--model");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--grid", "1",
                                   NULL }, "--grid");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--grid",
                                   "1002", NULL }, "--grid");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--range", "0",
                                   NULL }, "--range");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--range",
                                   "-1", NULL }, "--range");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--range",
                                   "nan", NULL }, "--range");
  /* a grid whose points are not distinct finite floats (the weights are moved in floats) */
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--range",
                                   "1e308", NULL }, "--range: a range of 1e+308 is above");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--range",
                                   "1e-300", NULL }, "--range: a range of 1e-300 is too small");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--images",
                                   "0", NULL }, "--images");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--seed", "x",
                                   NULL }, "--seed");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--dataset",
                                   "cifar", NULL }, "--dataset");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "--threads",
                                   "0", NULL }, "--threads");
  expect_usage ((const char *[]) { "landscape", "--model", "a", "--out-dir", "x", "extra",
                                   NULL }, "extra");
  expect_usage ((const char *[]) { "landscape", "--grid", NULL }, "--grid");
}

/* A freshly initialised model of @desc ("plain-8", "resnet-20") saved at @path. */
static void
save_model (const char *desc, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (desc, &error);
  g_autoptr(RlModel) model = NULL;

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (model, 1);
  g_assert_true (rl_model_save (model, path, NULL, &error));
  g_assert_no_error (error);
}

static void
test_run_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("reslab-landscape-XXXXXX", NULL);
  g_autofree char *plain8 = g_build_filename (dir, "plain-8.safetensors", NULL);
  g_autofree char *res20 = g_build_filename (dir, "resnet-20.safetensors", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.safetensors", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);

  save_model ("plain-8", plain8);
  save_model ("resnet-20", res20);
  {
    /* not twins: resnet-20 has blocks plain-8 lacks */
    g_autoptr(Run) r = run ((const char *[]) { "landscape", "--model", plain8, "--model", res20,
                                              "--data", data_dir, "--out-dir", out, NULL });
    g_test_message ("%s", r->err);
    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "differ in more than their shortcuts"));
  }
  {
    g_autoptr(Run) r = run ((const char *[]) { "landscape", "--model", missing, "--data",
                                              data_dir, "--out-dir", out, NULL });
    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "missing.safetensors"));
  }
  {
    /* more images than the fixture's 640 */
    g_autoptr(Run) r = run ((const char *[]) { "landscape", "--model", plain8, "--images", "641",
                                              "--data", data_dir, "--out-dir", out, NULL });
    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "--images"));
  }
  {
    /* weights this far out are not the trained ones moved but the directions alone (single
     * precision loses the trained ones in the step's rounding): refused before the work, with
     * the largest usable range; ranges from 1e10 to 1e30 were run and gave meaningless losses */
    const char *ranges[] = { "1e38", "1e30", "1e10", "1e7" };
    g_autofree char *csv_path = g_build_filename (out, "landscape.csv", NULL);

    for (guint k = 0; k < G_N_ELEMENTS (ranges); k++)
      {
        g_autoptr(Run) r = run ((const char *[]) { "landscape", "--model", plain8, "--grid", "3",
                                                  "--range", ranges[k], "--images", "20",
                                                  "--data", data_dir, "--out-dir", out, NULL });
        g_autofree char *said = g_strdup_printf ("--range: %s: a range of %g moves the weights",
                                                 plain8, g_ascii_strtod (ranges[k], NULL));

        g_test_message ("%s", r->err);
        g_assert_cmpint (r->status, ==, 2);
        g_assert_nonnull (strstr (r->err, said));
        g_assert_nonnull (strstr (r->err, "the largest usable range is 3e+06"));
        g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));
      }
  }
  {
    /* a usable range at which the net's own values overflow: the loss is NaN there, written
     * as nan, said with the count, and the run fails (the loss beside may be wrong too) */
    g_autofree char *csv_path = g_build_filename (out, "landscape.csv", NULL);
    g_autofree char *csv = NULL;
    g_autoptr(Run) r = run ((const char *[]) { "landscape", "--model", plain8, "--grid", "3",
                                              "--range", "2e6", "--images", "20", "--data",
                                              data_dir, "--out-dir", out, NULL });

    g_test_message ("%s", r->err);
    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "plain-8.safetensors: the loss is not a finite number at"));
    g_assert_nonnull (strstr (r->err, " grid points of 9 (written as nan)"));
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    /* the coordinates, though, are the range's; the centre is the trained weights' */
    g_assert_nonnull (strstr (csv, "\nplain-8,-2e+06,-2e+06,nan,"));
    g_assert_nonnull (strstr (csv, "\nplain-8,2e+06,2e+06,nan,"));
    g_assert_null (strstr (csv, "\nplain-8,0,0,nan,"));
    g_assert_null (strstr (csv, "inf,"));
    g_assert_null (strstr (csv, "-nan"));
    test_rm_rf (out);
  }
  g_unlink (plain8);
  g_unlink (res20);
  g_rmdir (out);
  g_rmdir (dir);
}

static void
check_png (const char *path, int width, int height)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, height);
  cairo_surface_destroy (s);
}

static void
check_svg (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  g_assert_nonnull (strstr (text, "</svg>"));
}

static void
test_tiny_run (void)
{
  g_autofree char *dir = g_dir_make_tmp ("reslab-landscape-XXXXXX", NULL);
  g_autofree char *plain8 = g_build_filename (dir, "plain-8.safetensors", NULL);
  g_autofree char *res8 = g_build_filename (dir, "resnet-8.safetensors", NULL);
  g_autofree char *res8_init = g_build_filename (dir, "resnet-8.initial.safetensors", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *csv_path = g_build_filename (out, "landscape.csv", NULL);
  g_autofree char *line_path = g_build_filename (out, "line.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  static const char *const figures[] = { "landscape-contours", "landscape-surface",
                                         "landscape-line" };
  guint n_plain = 0, n_res = 0;

  /* a short training run that keeps its initial weights */
  {
    g_autoptr(Run) r = run ((const char *[]) { "train", "--arch", "resnet-8", "--limit", "64",
                                              "--epochs", "1", "--batch", "32", "--data",
                                              data_dir, "--keep-initial", "--out", res8, NULL });
    g_test_message ("%s%s", r->out, r->err);
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "the initial weights"));
  }
  g_assert_true (g_file_test (res8_init, G_FILE_TEST_IS_REGULAR));
  st = rl_safetensors_load (res8, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "initial"), ==,
                   "resnet-8.initial.safetensors");
  save_model ("plain-8", plain8);

  {
    g_autoptr(Run) r = run ((const char *[]) { "landscape", "--model", plain8, "--model", res8,
                                              "--grid", "3", "--range", "0.5", "--images", "20",
                                              "--data", data_dir, "--out-dir", out, NULL });
    g_test_message ("%s%s", r->out, r->err);
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "time: "));
    g_assert_cmpstr (r->err, ==, "");
  }

  /* every grid point of both models, finite */
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  rows = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (rows[0], ==, "model,alpha,beta,loss,accuracy");
  for (int i = 1; rows[i] != NULL && rows[i][0] != '\0'; i++)
    {
      g_auto(GStrv) f = g_strsplit (rows[i], ",", -1);
      double a, b, loss, acc;

      g_assert_cmpuint (g_strv_length (f), ==, 5);
      a = g_ascii_strtod (f[1], NULL);
      b = g_ascii_strtod (f[2], NULL);
      loss = g_ascii_strtod (f[3], NULL);
      acc = g_ascii_strtod (f[4], NULL);
      g_assert_true (a == -0.5 || a == 0.0 || a == 0.5);
      g_assert_true (b == -0.5 || b == 0.0 || b == 0.5);
      g_assert_true (isfinite (loss) && loss > 0.0);
      g_assert_true (acc >= 0.0 && acc <= 1.0);
      if (strcmp (f[0], "plain-8") == 0)
        n_plain++;
      else if (strcmp (f[0], "resnet-8") == 0)
        n_res++;
      else
        g_assert_not_reached ();
    }
  g_assert_cmpuint (n_plain, ==, 9);
  g_assert_cmpuint (n_res, ==, 9);

  /* the line: resnet-8 only (plain-8 kept no initial weights), 31 points */
  g_assert_true (g_file_get_contents (line_path, &line, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "model,t,loss,accuracy\n"));
  {
    g_auto(GStrv) lr = g_strsplit (line, "\n", -1);

    g_assert_cmpuint (g_strv_length (lr), ==, 1 + 31 + 1);
    for (int i = 1; i <= 31; i++)
      g_assert_true (g_str_has_prefix (lr[i], "resnet-8,"));
  }

  for (guint k = 0; k < G_N_ELEMENTS (figures); k++)
    {
      gboolean is_line = k == 2;
      g_autofree char *png = g_strconcat (out, "/", figures[k], ".png", NULL);
      g_autofree char *svg = g_strconcat (out, "/", figures[k], ".svg", NULL);

      check_png (png, is_line ? 760 : 1100, is_line ? 440 : 520);
      check_svg (svg);
      g_unlink (png);
      g_unlink (svg);
    }
  g_unlink (csv_path);
  g_unlink (line_path);
  g_unlink (plain8);
  g_unlink (res8);
  g_unlink (res8_init);
  g_assert_cmpint (g_rmdir (out), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);

  g_test_add_func ("/landscape-cli/usage-errors", test_usage_errors);
  g_test_add_func ("/landscape-cli/run-errors", test_run_errors);
  g_test_add_func ("/landscape-cli/tiny-run", test_tiny_run);
  ret = g_test_run ();
  g_free (data_dir);
  return ret;
}
