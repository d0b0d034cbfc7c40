/* `reslab-cli diagram` as a program: SVG and PNG files of the seed net, resnet-20 and a model
 * file, and the errors (usage, a bad model file named, an unknown extension). */
#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cli-test-utils.h"

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* A well-formed XML document whose root is <svg>. */
static void
start_element (GMarkupParseContext *context, const char *name, const char **attr_names,
               const char **attr_values, gpointer data, GError **error)
{
  guint *n = data;

  if (*n == 0)
    g_assert_cmpstr (name, ==, "svg");
  (*n)++;
}

static char *
read_svg (const char *path)
{
  static const GMarkupParser parser = { start_element, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  char *text = NULL;
  const char *body;
  guint n_elements = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  /* GMarkup takes no DOCTYPE or XML declaration: parse from the root */
  body = strstr (text, "<svg");
  g_assert_nonnull (body);
  context = g_markup_parse_context_new (&parser, 0, &n_elements, NULL);
  g_markup_parse_context_parse (context, body, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_elements, >, 50);   /* glyphs, paths: a drawing, not an empty page */
  return text;
}

static void
test_svg_seed (void)
{
  g_autofree char *out = tmp_path ("seed.svg");
  g_autoptr(Run) r = RUN ("diagram", "--arch", "seed", "--out", out);
  g_autofree char *svg = NULL;
  const char *names[] = {
    "input", "conv1", "relu2", "maxpool3", "rblock1.conv1", "rblock1.conv2", "rblock1.add",
    "conv2", "relu6", "maxpool7", "rblock2.conv1", "rblock2.conv2", "rblock2.add", "fc",
  };

  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, out));
  g_assert_nonnull (strstr (r->out, " (14 boxes, 2 shortcuts, 41514 parameters)\n"));
  svg = read_svg (out);
  /* one titled rectangle per box, named as the state_dict names them */
  g_assert_cmpuint (count (svg, "class=\"box\""), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *attr = g_strdup_printf ("data-name=\"%s\"", names[i]);

      g_assert_cmpuint (count (svg, attr), ==, 1);
    }
  g_assert_nonnull (strstr (svg, "<title>conv1 · conv 5×5\noutput 16×24×24 · 416 params</title>"));
  g_assert_nonnull (strstr (svg, "<title>rblock1.add · relu(F(x) + x)\nidentity shortcut\n"
                                 "output 16×12×12</title>"));
}

/* each count in its own plural form: a net with one residual block has "1 shortcut" */
static void
test_counts_singular (void)
{
  g_autofree char *out = tmp_path ("one-block.svg");
  g_autoptr(Run) r = RUN ("diagram", "--arch",
                          "c1=conv(16,k=5) relu maxpool(2) r1=res(16) gap fc=linear(10)",
                          "--out", out);

  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, " (9 boxes, 1 shortcut, 5226 parameters)\n"));
  g_assert_cmpint (g_unlink (out), ==, 0);
}

/* resnet-20's additions say which shortcut each block has; plain-20's that there is none */
static void
test_svg_twins (void)
{
  g_autofree char *res = tmp_path ("resnet-20.svg");
  g_autofree char *plain = tmp_path ("plain-20.svg");
  g_autoptr(Run) r1 = RUN ("diagram", "--arch", "resnet-20", "--out", res);
  g_autoptr(Run) r2 = RUN ("diagram", "--arch", "plain-20", "--out", plain);
  g_autofree char *svg1 = NULL;
  g_autofree char *svg2 = NULL;

  g_assert_cmpint (r1->status, ==, 0);
  g_assert_cmpint (r2->status, ==, 0);
  svg1 = read_svg (res);
  svg2 = read_svg (plain);
  g_assert_cmpuint (count (svg1, "relu(F(x) + x)\nidentity shortcut"), ==, 7);
  g_assert_cmpuint (count (svg1, "relu(F(x) + A(x))\nshortcut A"), ==, 2);
  g_assert_cmpuint (count (svg2, "relu(F(x))\nplain block: no shortcut"), ==, 9);
  g_assert_cmpuint (count (svg2, "shortcut A"), ==, 0);
  g_assert_cmpuint (count (svg2, "identity shortcut"), ==, 0);
  g_assert_nonnull (strstr (r1->out, "9 shortcuts"));
  g_assert_nonnull (strstr (r2->out, "0 shortcuts"));
}

static void
test_svg_stages (void)
{
  g_autofree char *collapsed = tmp_path ("resnet-56.svg");
  g_autofree char *expanded = tmp_path ("resnet-56-expanded.svg");
  g_autoptr(Run) r1 = RUN ("diagram", "--arch", "resnet-56", "--out", collapsed);
  g_autoptr(Run) r2 = RUN ("diagram", "--arch", "resnet-56", "--expand", "--out", expanded);
  g_autofree char *svg1 = NULL;
  g_autofree char *svg2 = NULL;

  g_assert_cmpint (r1->status, ==, 0);
  g_assert_cmpint (r2->status, ==, 0);
  svg1 = read_svg (collapsed);
  svg2 = read_svg (expanded);
  /* collapsed: a box per stage; expanded: every block's convolutions and addition */
  g_assert_cmpuint (count (svg1, "data-name=\"stage "), ==, 3);
  g_assert_cmpuint (count (svg1, "data-name=\"layer2.4.conv1\""), ==, 0);
  g_assert_cmpuint (count (svg2, "data-name=\"layer2.4.conv1\""), ==, 1);
  g_assert_cmpuint (count (svg2, ".add\""), ==, 27);
  g_assert_nonnull (strstr (r2->out, "27 shortcuts"));
}

static void
test_png (void)
{
  g_autofree char *out = tmp_path ("resnet-20.png");
  g_autoptr(Run) r = RUN ("diagram", "--arch", "resnet-20", "--out", out);
  cairo_surface_t *surface;
  int width, height, stride;
  const guint32 *pixels;
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  g_assert_cmpint (r->status, ==, 0);
  surface = cairo_image_surface_create_from_png (out);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  g_assert_cmpint (width, >, 400);
  g_assert_cmpint (height, >, 3 * width);   /* a tall column: 9 blocks and the stem */
  pixels = (const guint32 *) cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface) / 4;
  for (int y = 0; y < height; y += 3)
    for (int x = 0; x < width; x += 3)
      g_hash_table_add (colours, GUINT_TO_POINTER (pixels[y * stride + x] & 0xffffff));
  /* text, boxes of several tints, the arcs: many colours, not a blank page */
  g_assert_cmpuint (g_hash_table_size (colours), >, 20);
  cairo_surface_destroy (surface);
}

static void
test_model_file (void)
{
  g_autofree char *model = g_test_build_filename (G_TEST_DIST, "..", "resources", "models", "seed.safetensors",
                                                  NULL);
  g_autofree char *out = tmp_path ("model.svg");
  g_autoptr(Run) r = RUN ("diagram", "--model", model, "--out", out);
  g_autofree char *svg = NULL;

  g_assert_cmpint (r->status, ==, 0);
  svg = read_svg (out);
  g_assert_cmpuint (count (svg, "class=\"box\""), ==, 14);
}

static void
test_errors (void)
{
  g_autofree char *bad = tmp_path ("not-a-model.safetensors");
  g_autofree char *out = tmp_path ("bad.svg");
  g_autofree char *jpg = tmp_path ("diagram.jpg");
  g_autoptr(GError) error = NULL;

  g_file_set_contents (bad, "this is not a safetensors file", -1, &error);
  g_assert_no_error (error);

  {
    g_autoptr(Run) r = RUN ("diagram", "--model", bad, "--out", out);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, bad));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *missing = tmp_path ("missing.safetensors");
    g_autoptr(Run) r = RUN ("diagram", "--model", missing, "--out", out);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, missing));
  }
  {
    g_autoptr(Run) r = RUN ("diagram", "--arch", "seed", "--out", jpg);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, jpg));
    g_assert_nonnull (strstr (r->err, ".svg"));
  }
  {
    g_autoptr(Run) r = RUN ("diagram", "--arch", "seed");

    g_assert_cmpint (r->status, ==, 2);
    g_assert_nonnull (strstr (r->err, "--out"));
  }
  {
    g_autoptr(Run) r = RUN ("diagram", "--arch", "seed", "--model", bad, "--out", out);

    g_assert_cmpint (r->status, ==, 2);
  }
  {
    g_autoptr(Run) r = RUN ("diagram", "--out", out);

    g_assert_cmpint (r->status, ==, 2);
  }
  {
    g_autoptr(Run) r = RUN ("diagram", "--arch", "conv1=conv(16,k=5) bogus", "--out", out);

    g_assert_cmpint (r->status, ==, 2);
    g_assert_nonnull (strstr (r->err, "--arch"));
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cli_test_init ();
  tmpdir = test_make_tmp_dir ("reslab-diagram-XXXXXX");

  g_test_add_func ("/diagram-cli/svg-seed", test_svg_seed);
  g_test_add_func ("/diagram-cli/svg-twins", test_svg_twins);
  g_test_add_func ("/diagram-cli/counts-singular", test_counts_singular);
  g_test_add_func ("/diagram-cli/svg-stages", test_svg_stages);
  g_test_add_func ("/diagram-cli/png", test_png);
  g_test_add_func ("/diagram-cli/model-file", test_model_file);
  g_test_add_func ("/diagram-cli/errors", test_errors);
  status = g_test_run ();
  test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
