/* test-image-file.c: PNG and PGM loading as ink (ui/paint/rl-image-file.c, its decoders in
 * rl-image-decode.c), which way round the ink is, and files read elsewhere or for a
 * Fashion-MNIST model; the levelling of photographs (rl-image-level.c) is in
 * test-image-level.c.
 *
 * Images are written by the test itself (cairo for PNG, by hand for PGM) with known pixel
 * values, read back, and compared exactly; broken files must give the documented error code
 * and a message naming the file.
 */

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-image-file.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("reslab-image-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture *f, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_png (Fixture *f, const char *name, cairo_surface_t *surface)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  return path;
}

static float *
load_ok (const char *path, int want_w, int want_h)
{
  g_autoptr(GError) error = NULL;
  int w = -1, h = -1;
  float *pix = rl_image_file_load_gray (path, &w, &h, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pix);
  g_assert_cmpint (w, ==, want_w);
  g_assert_cmpint (h, ==, want_h);
  for (int i = 0; i < w * h; i++)
    {
      g_assert_cmpfloat (pix[i], >=, 0.0f);
      g_assert_cmpfloat (pix[i], <=, 1.0f);
    }
  return pix;
}

static void
load_fails (const char *path, GQuark domain, int code)
{
  g_autoptr(GError) error = NULL;
  int w = -1, h = -1;
  float *pix = rl_image_file_load_gray (path, &w, &h, NULL, &error);

  g_assert_null (pix);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
}

/* ---- PNG ---------------------------------------------------------------------------------- */

static void
test_png_argb32 (Fixture *f, gconstpointer data)
{
  /* Black ink on a transparent background: over white that is dark on white, so the border
   * is bright and the result is inverted: ink = alpha. */
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 7, 5);
  guint8 *d = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  g_autofree char *path = NULL;
  g_autofree float *pix = NULL;

  cairo_surface_flush (s);
  memset (d, 0, (size_t) stride * 5);
  ((guint32 *) (d + 2 * stride))[3] = 0xff000000;   /* opaque black */
  ((guint32 *) (d + 2 * stride))[4] = 0x80000000;   /* half-transparent black */
  ((guint32 *) (d + 1 * stride))[3] = 0x80808080;   /* half-transparent white: no ink */
  cairo_surface_mark_dirty (s);
  path = write_png (f, "argb.png", s);
  cairo_surface_destroy (s);

  pix = load_ok (path, 7, 5);
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 7; x++)
      {
        float want = 0.0f;

        if (y == 2 && x == 3)
          want = 1.0f;
        else if (y == 2 && x == 4)
          want = 128 / 255.0f;
        g_assert_cmpfloat_with_epsilon (pix[y * 7 + x], want, 1e-6);
      }
}

static void
test_png_rgb24 (Fixture *f, gconstpointer data)
{
  /* Colour on white: Rec. 601 luma, inverted. */
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 4, 4);
  cairo_t *cr = cairo_create (s);
  g_autofree char *path = NULL;
  g_autofree float *pix = NULL;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  ((guint32 *) (cairo_image_surface_get_data (s) + cairo_image_surface_get_stride (s)))[1] =
    0x00ff0000;   /* red */
  ((guint32 *) (cairo_image_surface_get_data (s) + cairo_image_surface_get_stride (s)))[2] =
    0x00000000;   /* black */
  cairo_surface_mark_dirty (s);
  path = write_png (f, "rgb.png", s);
  cairo_surface_destroy (s);

  pix = load_ok (path, 4, 4);
  g_assert_cmpfloat_with_epsilon (pix[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (pix[4 + 1], 1.0f - 0.299f, 1e-6);
  g_assert_cmpfloat_with_epsilon (pix[4 + 2], 1.0f, 1e-6);
}

static void
test_surface_a8 (void)
{
  /* A8 is black of that coverage over white (cairo's PNG reader never gives A8, but a
   * surface from elsewhere may be). */
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_A8, 3, 2);
  guint8 *d;
  int w, h;
  g_autofree float *lum = NULL;

  cairo_surface_flush (s);
  d = cairo_image_surface_get_data (s);
  d[0] = 255;
  d[1] = 51;
  cairo_surface_mark_dirty (s);
  lum = rl_image_surface_to_luminance (s, &w, &h);
  g_assert_cmpint (w, ==, 3);
  g_assert_cmpint (h, ==, 2);
  g_assert_cmpfloat_with_epsilon (lum[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (lum[1], 0.8f, 1e-6);
  g_assert_cmpfloat_with_epsilon (lum[2], 1.0f, 1e-6);
  cairo_surface_destroy (s);
}

static void
test_surface_other (void)
{
  /* A1 goes through painting onto white: set bits are black. */
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_A1, 40, 2);
  int w, h;
  g_autofree float *lum = NULL;
  cairo_t *cr = cairo_create (s);

  cairo_rectangle (cr, 0, 1, 40, 1);
  cairo_fill (cr);
  cairo_destroy (cr);
  lum = rl_image_surface_to_luminance (s, &w, &h);
  g_assert_cmpint (w, ==, 40);
  for (int x = 0; x < 40; x++)
    {
      g_assert_cmpfloat (lum[x], ==, 1.0f);
      g_assert_cmpfloat (lum[40 + x], ==, 0.0f);
    }
  cairo_surface_destroy (s);
}

static void
test_png_broken (Fixture *f, gconstpointer data)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 64, 64);
  cairo_t *cr = cairo_create (s);
  g_autofree char *good = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  g_autofree char *cut = NULL;
  g_autofree char *tiny = NULL;
  g_autofree char *corrupt = NULL;
  g_autofree char *huge = NULL;
  g_autofree float *pix = NULL;

  /* Noise so the compressed data is long. */
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        cairo_set_source_rgb (cr, ((x * 7 + y * 13) % 17) / 16.0, (x % 3) / 2.0, (y % 5) / 4.0);
        cairo_rectangle (cr, x, y, 1, 1);
        cairo_fill (cr);
      }
  cairo_destroy (cr);
  good = write_png (f, "good.png", s);
  cairo_surface_destroy (s);
  pix = load_ok (good, 64, 64);

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 200);

  cut = write_file (f, "cut.png", contents, len / 2);
  load_fails (cut, RL_ERROR, RL_ERROR_TRUNCATED);
  tiny = write_file (f, "tiny.png", contents, 12);
  load_fails (tiny, RL_ERROR, RL_ERROR_TRUNCATED);

  /* A flipped byte inside the image data: the chunk's CRC no longer matches. */
  contents[len / 2] ^= 0x55;
  corrupt = write_file (f, "corrupt.png", contents, len);
  load_fails (corrupt, RL_ERROR, RL_ERROR_BAD_IMAGE);
  contents[len / 2] ^= 0x55;

  /* A header claiming 100,000 pixels a side is refused before decoding. */
  contents[16] = 0;
  contents[17] = 1;
  contents[18] = 0x86;
  contents[19] = 0xa0;
  huge = write_file (f, "huge.png", contents, len);
  load_fails (huge, RL_ERROR, RL_ERROR_TOO_LARGE);
}

/* ---- PGM ---------------------------------------------------------------------------------- */

static void
test_pgm_p5 (Fixture *f, gconstpointer data)
{
  /* White on black, as MNIST: kept as is. A comment in the header. */
  static const char header[] = "P5\n# made by hand\n3 2\n255\n";
  guint8 buf[sizeof header - 1 + 6];
  g_autofree char *path = NULL;
  g_autofree float *pix = NULL;
  const guint8 raster[6] = { 0, 0, 0, 51, 255, 0 };

  memcpy (buf, header, sizeof header - 1);
  memcpy (buf + sizeof header - 1, raster, 6);
  path = write_file (f, "a.pgm", buf, sizeof buf);
  pix = load_ok (path, 3, 2);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (pix[i], raster[i] / 255.0f, 1e-6);
}

static void
test_pgm_p5_16bit (Fixture *f, gconstpointer data)
{
  /* maxval 1000, two bytes big-endian; dark on white: inverted. Trailing data is ignored. */
  static const guint8 file[] = "P5 2 2 1000\n\x03\xe8\x03\xe8\x00\xfa\x03\xe8trailing";
  g_autofree char *path = write_file (f, "b.pgm", file, sizeof file - 1);
  g_autofree float *pix = load_ok (path, 2, 2);

  g_assert_cmpfloat_with_epsilon (pix[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (pix[2], 1.0f - 250 / 1000.0f, 1e-6);
}

static void
test_pgm_p2 (Fixture *f, gconstpointer data)
{
  /* ASCII, maxval 1 (a bitmap), comments between numbers, dark on white. */
  static const char file[] = "P2\n4 3 # size\n1\n1 1 1 1\n1 0 0 1 # middle\n1 1 1 1\n";
  g_autofree char *path = write_file (f, "c.pgm", file, strlen (file));
  g_autofree float *pix = load_ok (path, 4, 3);
  const float want[12] = { 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 };

  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat (pix[i], ==, want[i]);
}

static void
test_pgm_broken (Fixture *f, gconstpointer data)
{
  struct { const char *name; const char *text; gsize len; int code; } cases[] = {
    { "short-p5.pgm",   "P5 4 4 255\n0123456789",   0, RL_ERROR_TRUNCATED },
    { "no-raster.pgm",  "P5 4 4 255",               0, RL_ERROR_TRUNCATED },
    { "no-maxval.pgm",  "P5 4 4",                   0, RL_ERROR_TRUNCATED },
    { "short-16.pgm",   "P5 2 2 65535\n\1\2\3\4\5", 0, RL_ERROR_TRUNCATED },
    { "short-p2.pgm",   "P2 2 2 9\n1 2 3",          0, RL_ERROR_TRUNCATED },
    { "zero-w.pgm",     "P5 0 4 255\n",             0, RL_ERROR_BAD_IMAGE },
    { "maxval-0.pgm",   "P2 1 1 0\n0",              0, RL_ERROR_BAD_IMAGE },
    { "maxval-big.pgm", "P2 1 1 65536\n0",          0, RL_ERROR_BAD_IMAGE },
    { "letters.pgm",    "P2 2 1 9\n1 x",            0, RL_ERROR_BAD_IMAGE },
    { "bad-width.pgm",  "P5 4a 4 255\n",            0, RL_ERROR_BAD_IMAGE },
    { "above-max.pgm",  "P2 2 1 9\n1 10",           0, RL_ERROR_BAD_IMAGE },
    { "above-max5.pgm", "P5 2 1 9\n\1\12",          0, RL_ERROR_BAD_IMAGE },
    { "wide.pgm",       "P5 16385 1 255\n",         0, RL_ERROR_TOO_LARGE },
    { "overflow.pgm",   "P5 99999999999 1 255\n",   0, RL_ERROR_TOO_LARGE },
    /* each side allowed, not both: 268 million pixels (#18) */
    { "square.pgm",     "P5 16384 16384 255\n",     0, RL_ERROR_TOO_LARGE },
    { "tall.pgm",       "P5 8193 8192 255\n",       0, RL_ERROR_TOO_LARGE },
    { "text.txt",       "hello, world\n",           0, RL_ERROR_BAD_IMAGE },
    { "empty.pgm",      "",                         0, RL_ERROR_BAD_IMAGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (f, cases[i].name, cases[i].text,
                                          strlen (cases[i].text));

      load_fails (path, RL_ERROR, cases[i].code);
    }
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "does-not-exist.png", NULL);

  load_fails (path, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  load_fails (f->dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
}

/* ---- Polarity ----------------------------------------------------------------------------- */

static void
test_polarity (void)
{
  /* Bright border: inverted. Dark border: kept. */
  float a[9] = { 0.9f, 0.9f, 0.9f, 0.9f, 0.0f, 0.9f, 0.9f, 0.9f, 0.9f };
  float b[9] = { 0.1f, 0.1f, 0.1f, 0.1f, 1.0f, 0.1f, 0.1f, 0.1f, 0.1f };
  /* 5 x 4: 14 border pixels, 8 of them at 1 and 6 at 0: mean 0.57, inverted. */
  float c[20] = { 1, 1, 1, 1, 1,
                  0, 0, 0, 0, 0,
                  0, 0, 0, 0, 0,
                  1, 1, 1, 0, 0 };
  float single = 0.7f;
  /* Black ink on dark grey paper: the ink is darker than the paper, so it is inverted though
   * the border is below 0.5; chalk on a dark board, lighter than it, is kept. */
  float dark[25] = { 0.4f, 0.4f, 0.4f, 0.4f, 0.4f,
                     0.4f, 0.05f, 0.05f, 0.05f, 0.4f,
                     0.4f, 0.4f, 0.05f, 0.4f, 0.4f,
                     0.4f, 0.4f, 0.05f, 0.4f, 0.4f,
                     0.4f, 0.4f, 0.4f, 0.4f, 0.4f };
  float chalk[25] = { 0.25f, 0.25f, 0.25f, 0.25f, 0.25f,
                      0.25f, 0.85f, 0.85f, 0.85f, 0.25f,
                      0.25f, 0.25f, 0.85f, 0.25f, 0.25f,
                      0.25f, 0.25f, 0.85f, 0.25f, 0.25f,
                      0.25f, 0.25f, 0.25f, 0.25f, 0.25f };

  g_assert_true (rl_image_luminance_to_ink (a, 3, 3));
  g_assert_cmpfloat_with_epsilon (a[0], 0.1f, 1e-6);
  g_assert_cmpfloat_with_epsilon (a[4], 1.0f, 1e-6);
  g_assert_false (rl_image_luminance_to_ink (b, 3, 3));
  g_assert_cmpfloat (b[4], ==, 1.0f);
  g_assert_true (rl_image_luminance_to_ink (c, 5, 4));
  g_assert_cmpfloat (c[5], ==, 1.0f);
  g_assert_true (rl_image_luminance_to_ink (&single, 1, 1));
  g_assert_cmpfloat_with_epsilon (single, 0.3f, 1e-6);
  g_assert_true (rl_image_luminance_to_ink (dark, 5, 5));
  g_assert_cmpfloat_with_epsilon (dark[6], 0.95f, 1e-6);
  g_assert_cmpfloat_with_epsilon (dark[0], 0.6f, 1e-6);
  g_assert_false (rl_image_luminance_to_ink (chalk, 5, 5));
  g_assert_cmpfloat (chalk[6], ==, 0.85f);
}

/* A hard shadow's edge: 20 x 10 white paper in shadow (0.55) right of x = 6, so that the
 * shadow holds the border's median (36 of 56 border pixels), with a dark stroke (0.08) in the
 * shadow. The lit side is paper too, not light ink: dark ink, inverted. Measured from the
 * border's median alone, the lit side outvoted the stroke (lighter 16.8, darker 4.4). */
static void
test_polarity_shadow_edge (void)
{
  float pix[10 * 20];

  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 20; x++)
      {
        gboolean stroke = (x == 12 || x == 13) && y >= 2 && y <= 7;

        pix[y * 20 + x] = stroke ? 0.08f : x < 6 ? 1.0f : 0.55f;
      }
  g_assert_true (rl_image_luminance_to_ink (pix, 20, 10));
  g_assert_cmpfloat_with_epsilon (pix[5 * 20 + 12], 0.92f, 1e-6);
  g_assert_cmpfloat_with_epsilon (pix[5 * 20 + 2], 0.0f, 1e-6);
}


static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main context until @result is set, and finishes it. */
static float *
finish_load (GAsyncResult **result, gboolean *number, GError **error)
{
  float *ink;

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ink = rl_image_file_load_finish (*result, number, error);
  g_clear_object (result);
  return ink;
}

/* A file elsewhere (no local path: an http URI dragged from a web browser, here a resource://
 * one) is read on the worker and read as the same file on this computer is; one that cannot be
 * read fails with its URI in the message. The app refused both before. */
static void
test_elsewhere (Fixture *f, gconstpointer data)
{
  const char *uri = "resource:///io/github/reslab/tests/seven.pgm";
  g_autoptr (GError) error = NULL;
  g_autoptr (GResource) resource = g_resource_load (TEST_IMAGES_GRESOURCE, &error);
  g_autoptr (GFile) remote = NULL;
  g_autoptr (GFile) missing = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *no_path = NULL;
  g_autofree float *digit = NULL;
  g_autofree float *fitted = NULL;
  g_autofree float *fitted_here = NULL;
  GAsyncResult *result = NULL;
  float digit_here[28 * 28];
  gboolean number = TRUE;

  g_assert_no_error (error);
  g_resources_register (resource);
  remote = g_file_new_for_uri (uri);
  no_path = g_file_get_path (remote);
  g_assert_null (no_path);

  /* the same bytes as a file here */
  bytes = g_resources_lookup_data ("/io/github/reslab/tests/seven.pgm", 0, &error);
  g_assert_no_error (error);
  path = write_file (f, "seven.pgm", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_true (rl_image_file_load_digit (path, RL_DATASET_MNIST, digit_here, &error));
  g_assert_no_error (error);
  fitted_here = rl_image_file_load_fitted (path, 96, 48, &error);
  g_assert_no_error (error);

  rl_image_file_load_digit_async (remote, RL_DATASET_MNIST, NULL, loaded_cb, &result);
  digit = finish_load (&result, &number, &error);
  g_assert_no_error (error);
  g_assert_false (number);
  g_assert_cmpmem (digit, sizeof digit_here, digit_here, sizeof digit_here);

  rl_image_file_load_ink_async (remote, TRUE, RL_DATASET_MNIST, 96, 48, NULL, loaded_cb,
                                &result);
  fitted = finish_load (&result, &number, &error);
  g_assert_no_error (error);
  g_assert_true (number);
  g_assert_cmpmem (fitted, 96 * 48 * sizeof (float), fitted_here, 96 * 48 * sizeof (float));

  missing = g_file_new_for_uri ("resource:///io/github/reslab/tests/eight.pgm");
  rl_image_file_load_digit_async (missing, RL_DATASET_MNIST, NULL, loaded_cb, &result);
  g_assert_null (finish_load (&result, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "resource:///io/github/reslab/tests/eight.pgm: "));
  g_clear_error (&error);

  /* an address GIO has no reader for (http: without GVfs): a message that says so, not GIO's
   * bare "Operation not supported" */
  g_clear_object (&missing);
  missing = g_file_new_for_uri ("reslab-nowhere://example.org/seven.pgm");
  rl_image_file_load_digit_async (missing, RL_DATASET_MNIST, NULL, loaded_cb, &result);
  g_assert_null (finish_load (&result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "reslab-nowhere://example.org/seven.pgm: "));
  g_assert_nonnull (strstr (error->message, "GVfs"));
  g_resources_unregister (resource);
}

/* For a Fashion-MNIST model a picture is made as that set's images are: not levelled (a light
 * grey coat stays light grey, where levelling stretches ink to full), its longer side to 28,
 * centred; and a picture of two boots is one item, not a number of two digits. */
static void
test_fashion_item (Fixture *f, gconstpointer data)
{
  enum { W = 60, H = 40 };
  g_autoptr (GString) pgm = g_string_new ("P5\n60 40\n255\n");
  g_autofree char *path = NULL;
  g_autofree float *ink = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  GAsyncResult *result = NULL;
  float item[28 * 28], digit[28 * 28], max_item = 0.0f, max_digit = 0.0f;
  gboolean number = TRUE;
  int rows = 0;

  /* two boots on black, as Fashion-MNIST's images are (light on dark): grey 90 of 255 */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      g_string_append_c (pgm, (char) ((y >= 8 && y < 32 && ((x >= 6 && x < 24) ||
                                                           (x >= 36 && x < 54))) ? 90 : 0));
  path = write_file (f, "boots.pgm", pgm->str, pgm->len);

  g_assert_true (rl_image_file_load_digit (path, RL_DATASET_FASHION, item, &error));
  g_assert_no_error (error);
  g_assert_true (rl_image_file_load_digit (path, RL_DATASET_MNIST, digit, &error));
  g_assert_no_error (error);
  for (int k = 0; k < 28 * 28; k++)
    {
      max_item = MAX (max_item, item[k]);
      max_digit = MAX (max_digit, digit[k]);
    }
  g_assert_cmpfloat_with_epsilon (max_item, 90.0f / 255.0f, 0.01f);
  g_assert_cmpfloat (max_digit, >, 0.9f);
  /* 48 wide to 28: every column from the first boot's to the second's */
  g_assert_cmpfloat (item[14 * 28 + 0], >, 0.3f);
  g_assert_cmpfloat (item[14 * 28 + 27], >, 0.3f);
  for (int y = 0; y < 28; y++)
    rows += item[y * 28 + 3] > 0.0f;
  g_assert_cmpint (rows, ==, 14);

  file = g_file_new_for_path (path);
  rl_image_file_load_ink_async (file, FALSE, RL_DATASET_MNIST, 96, 48, NULL, loaded_cb, &result);
  g_free (finish_load (&result, &number, &error));
  g_assert_no_error (error);
  g_assert_true (number);   /* for a digit model: two digits */
  rl_image_file_load_ink_async (file, FALSE, RL_DATASET_FASHION, 96, 48, NULL, loaded_cb,
                                &result);
  ink = finish_load (&result, &number, &error);
  g_assert_no_error (error);
  g_assert_false (number);
  g_assert_cmpmem (ink, sizeof item, item, sizeof item);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/app/image-file/" path, Fixture, NULL, fixture_setup, fn, \
                                  fixture_teardown)
  ADD ("png-argb32", test_png_argb32);
  ADD ("png-rgb24", test_png_rgb24);
  ADD ("png-broken", test_png_broken);
  ADD ("pgm-p5", test_pgm_p5);
  ADD ("pgm-p5-16bit", test_pgm_p5_16bit);
  ADD ("pgm-p2", test_pgm_p2);
  ADD ("pgm-broken", test_pgm_broken);
  ADD ("missing", test_missing);
  ADD ("elsewhere", test_elsewhere);
  ADD ("fashion-item", test_fashion_item);
#undef ADD
  g_test_add_func ("/app/image-file/surface-a8", test_surface_a8);
  g_test_add_func ("/app/image-file/surface-other", test_surface_other);
  g_test_add_func ("/app/image-file/polarity", test_polarity);
  g_test_add_func ("/app/image-file/polarity-shadow-edge", test_polarity_shadow_edge);

  return g_test_run ();
}
