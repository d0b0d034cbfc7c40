/* test-image-file.c: PNG and PGM loading as ink (ui/paint/rl-image-file.c, its decoders in
 * rl-image-decode.c).
 *
 * Images are written by the test itself (cairo for PNG, by hand for PGM) with known pixel
 * values, read back, and compared exactly; broken files must give the documented error code
 * and a message naming the file. The levelling of photographs (rl_image_level_ink) is checked
 * on real MNIST test images (tests/data/mnist-mini) put on grey paper, under uneven light and
 * under noise: the digit cut out of each must be close to the one cut out of the clean picture;
 * across a hard shadow's edge, the picture must also hold one digit; and a stroke in a shadow
 * must come out as strong as one in the light.
 */

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-image-file.h"
#include "rl-preprocess.h"
#include "rl-segment.h"

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

/* ---- Levelling photographs ---------------------------------------------------------------- */

/* Bounds on the mean absolute difference, per pixel of the 28 x 28 digit, from the digit of
 * the clean picture (measured: clean 0.0007; grey paper 0.0007, shadow 0.056, noise 0.084
 * levelled against 0.175, 0.195 and 0.143 not levelled; shadow 0.076 before the ink was
 * scaled by the light), and on the largest change levelling
 * makes to an MNIST image read at its own size (measured 0.012: a stroke whose ink peaks
 * under 1 is scaled to 1). */
#define LEVEL_CLEAN_MAX 0.005
#define LEVEL_PHOTO_MAX 0.1
#define LEVEL_GAIN_MIN  0.05
#define LEVEL_MNIST_MAX 0.05
#define PHOTO_SCALE  10
#define PHOTO_MARGIN 40
#define PHOTO_SIDE   (28 * PHOTO_SCALE + 2 * PHOTO_MARGIN)   /* 360: blurred with radius 3 */
#define PHOTO_N      20

typedef enum { PHOTO_CLEAN, PHOTO_GREY, PHOTO_SHADOW, PHOTO_NOISE, N_PHOTOS } Photo;
static const char *photo_names[N_PHOTOS] = { "clean", "grey paper", "shadow", "noise" };

static RlDataset *
mnist_fixture (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  g_autoptr(GError) error = NULL;
  RlDataset *ds = rl_dataset_load (dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, >=, PHOTO_N);
  return ds;
}

/* Normal deviates (Box-Muller) from a seeded GRand. */
static double
gauss (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0), v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* MNIST image @pix as a picture of dark ink on paper, as luminance (1 white), PHOTO_SIDE a
 * side: on white paper, on grey paper (0.75, the ink 0.15), lit from one side (light falling
 * from 1 to 0.45 left to right and by 0.2 top to bottom, ink 85 % dark, noise 0.08) or on
 * white paper under heavy noise (0.25). */
static float *
photograph (const guint8 *pix, Photo photo, GRand *rand)
{
  float *lum = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int y = 0; y < PHOTO_SIDE; y++)
    for (int x = 0; x < PHOTO_SIDE; x++)
      {
        int sx = (x - PHOTO_MARGIN) / PHOTO_SCALE, sy = (y - PHOTO_MARGIN) / PHOTO_SCALE;
        gboolean inside = x >= PHOTO_MARGIN && y >= PHOTO_MARGIN && sx < 28 && sy < 28;
        float ink = inside ? pix[sy * 28 + sx] / 255.0f : 0.0f;
        float light = 1.0f - 0.55f * x / PHOTO_SIDE - 0.2f * y / PHOTO_SIDE;
        float v = 1.0f - ink;

        if (photo == PHOTO_GREY)
          v = 0.75f - 0.6f * ink;
        else if (photo == PHOTO_SHADOW)
          v = light * (1.0f - 0.85f * ink) + 0.08f * (float) gauss (rand);
        else if (photo == PHOTO_NOISE)
          v += 0.25f * (float) gauss (rand);
        lum[y * PHOTO_SIDE + x] = CLAMP (v, 0.0f, 1.0f);
      }
  return lum;
}

/* The 28 x 28 digit cut out of a picture, levelled or not; FALSE when none was found. */
static gboolean
cut_digit (float *lum, gboolean level, float *digit)
{
  gboolean inverted = rl_image_luminance_to_ink (lum, PHOTO_SIDE, PHOTO_SIDE);

  if (level && !rl_image_level_ink (lum, PHOTO_SIDE, PHOTO_SIDE, inverted))
    return FALSE;
  return rl_preprocess_digit (lum, PHOTO_SIDE, PHOTO_SIDE, PHOTO_SIDE,
                              RL_IMAGE_DIGIT_THRESHOLD, digit);
}

static double
mean_abs_diff (const float *a, const float *b)
{
  double sum = 0.0;

  for (int i = 0; i < 28 * 28; i++)
    sum += fabs (a[i] - b[i]);
  return sum / (28 * 28);
}

static void
test_level_photos (void)
{
  g_autoptr(RlDataset) ds = mnist_fixture ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double levelled[N_PHOTOS] = { 0 }, raw[N_PHOTOS] = { 0 };

  for (int i = 0; i < PHOTO_N; i++)
    {
      const guint8 *pix = ds->images + (gsize) i * 784;
      float clean[28 * 28], digit[28 * 28];
      g_autofree float *lum = photograph (pix, PHOTO_CLEAN, rand);

      /* The clean picture, unlevelled, is the reference: what the reader gave before. */
      g_assert_true (cut_digit (lum, FALSE, clean));
      for (Photo p = PHOTO_CLEAN; p < N_PHOTOS; p++)
        {
          g_autofree float *a = photograph (pix, p, rand);
          g_autofree float *b = g_memdup2 (a, PHOTO_SIDE * PHOTO_SIDE * sizeof (float));

          g_assert_true (cut_digit (a, TRUE, digit));
          levelled[p] += mean_abs_diff (digit, clean) / PHOTO_N;
          raw[p] += (cut_digit (b, FALSE, digit) ? mean_abs_diff (digit, clean) : 1.0)
                    / PHOTO_N;
        }
    }
  for (Photo p = PHOTO_CLEAN; p < N_PHOTOS; p++)
    g_test_message ("%-10s mean |digit - clean digit|: levelled %.4f, not levelled %.4f",
                    photo_names[p], levelled[p], raw[p]);
  g_assert_cmpfloat (raw[PHOTO_CLEAN], ==, 0.0);
  g_assert_cmpfloat (levelled[PHOTO_CLEAN], <, LEVEL_CLEAN_MAX);
  for (Photo p = PHOTO_GREY; p < N_PHOTOS; p++)
    {
      g_assert_cmpfloat (levelled[p], <, LEVEL_PHOTO_MAX);
      /* Without the levelling the same pictures come out further off: it is what helps. */
      g_assert_cmpfloat (raw[p], >, levelled[p] + LEVEL_GAIN_MIN);
    }
}

/* A hard shadow's edge across the picture, as tools/photo_digits.py's `edge` draws it: white
 * paper, light 0.55 right of a vertical line at @edge of the width, ink 85 % dark, noise 0.03.
 * At 30 % the shadow holds most of the border, at 60 % the lit paper does. Either way each
 * picture is dark ink, and levelled holds one digit (measured before the shadow's edge was
 * levelled: 3 of 20 at 30 % and 1 of 20 at 60 % held two, the shadowed side along the line
 * standing as a stroke of its own; and before the polarity took both sides for paper, every
 * picture at 30 % was light ink). The digit is as close to the clean picture's as under
 * smooth light (measured 0.039 at 30 %, 0.048 at 60 %), since the ink in the shadow is scaled
 * by its light; before that it kept its lower contrast (0.122 and 0.075; 0.15 both before the
 * edge was levelled). */
#define LEVEL_EDGE_MAX 0.07

static float *
photograph_edge (const guint8 *pix, double edge, GRand *rand)
{
  float *lum = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int y = 0; y < PHOTO_SIDE; y++)
    for (int x = 0; x < PHOTO_SIDE; x++)
      {
        int sx = (x - PHOTO_MARGIN) / PHOTO_SCALE, sy = (y - PHOTO_MARGIN) / PHOTO_SCALE;
        gboolean inside = x >= PHOTO_MARGIN && y >= PHOTO_MARGIN && sx < 28 && sy < 28;
        float ink = inside ? pix[sy * 28 + sx] / 255.0f : 0.0f;
        float light = x < edge * PHOTO_SIDE ? 1.0f : 0.55f;
        float v = light * (1.0f - 0.85f * ink) + 0.03f * (float) gauss (rand);

        lum[y * PHOTO_SIDE + x] = CLAMP (v, 0.0f, 1.0f);
      }
  return lum;
}

static void
test_level_edge (void)
{
  static const double edges[] = { 0.3, 0.6 };
  g_autoptr(RlDataset) ds = mnist_fixture ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint e = 0; e < G_N_ELEMENTS (edges); e++)
    {
      double off = 0.0;

      for (int i = 0; i < PHOTO_N; i++)
        {
          const guint8 *pix = ds->images + (gsize) i * 784;
          float clean[28 * 28], digit[28 * 28];
          g_autofree float *lum = photograph (pix, PHOTO_CLEAN, rand);
          g_autofree float *a = photograph_edge (pix, edges[e], rand);
          g_autoptr(RlSegmentation) seg = NULL;

          g_assert_true (cut_digit (lum, FALSE, clean));
          g_assert_true (rl_image_luminance_to_ink (a, PHOTO_SIDE, PHOTO_SIDE));
          g_assert_true (rl_image_level_ink (a, PHOTO_SIDE, PHOTO_SIDE, TRUE));
          seg = rl_segment_digits (a, PHOTO_SIDE, PHOTO_SIDE, PHOTO_SIDE, NULL);
          g_assert_cmpuint (seg->n, ==, 1);
          g_assert_true (rl_preprocess_digit (a, PHOTO_SIDE, PHOTO_SIDE, PHOTO_SIDE,
                                              RL_IMAGE_DIGIT_THRESHOLD, digit));
          off += mean_abs_diff (digit, clean) / PHOTO_N;
        }
      g_test_message ("edge at %.0f %%: mean |digit - clean digit| %.4f", 100 * edges[e], off);
      g_assert_cmpfloat (off, <, LEVEL_EDGE_MAX);
    }
}

/* Two strokes, one in the light and one in the shadow, must come out of the levelling about as
 * strong: the ink above the paper is scaled by the light on it, as a flat field divides by it.
 * Three pictures, PHOTO_SIDE a side with noise 0.03: dark strokes (ink 85 % dark) on white
 * paper across a hard shadow's edge (light 0.55 right of the middle: the blocks' level) and
 * under light falling from 1 to 0.45 left to right (the surface); and chalk (0.85) on a board
 * (0.25) lit from 1 to 0.6, light on dark, where the light is the board's own level. Measured
 * before the scaling: the shadowed stroke's mean ink 0.56, 0.66 and 0.76 of the lit one's;
 * after, 1.00 in all three. */
#define LEVEL_SHADOW_RATIO_MIN 0.9
#define STROKE_Y0 90
#define STROKE_Y1 270
#define STROKE_W  24

typedef enum { LIGHT_EDGE, LIGHT_SLOPE, LIGHT_CHALK } Light;

static const int stroke_x0[2] = { 70, 266 };   /* lit, shadowed */

static float *
photograph_strokes (Light light_kind, GRand *rand)
{
  float *lum = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int y = 0; y < PHOTO_SIDE; y++)
    for (int x = 0; x < PHOTO_SIDE; x++)
      {
        gboolean stroke = FALSE;
        float light, v;

        for (int s = 0; s < 2; s++)
          stroke |= x >= stroke_x0[s] && x < stroke_x0[s] + STROKE_W
                    && y >= STROKE_Y0 && y < STROKE_Y1;
        if (light_kind == LIGHT_EDGE)
          light = x < PHOTO_SIDE / 2 ? 1.0f : 0.55f;
        else if (light_kind == LIGHT_SLOPE)
          light = 1.0f - 0.55f * x / PHOTO_SIDE;
        else
          light = 1.0f - 0.4f * x / PHOTO_SIDE;
        v = light_kind == LIGHT_CHALK ? light * (stroke ? 0.85f : 0.25f)
                                      : light * (stroke ? 0.15f : 1.0f);
        v += 0.03f * (float) gauss (rand);
        lum[y * PHOTO_SIDE + x] = CLAMP (v, 0.0f, 1.0f);
      }
  return lum;
}

/* The mean levelled ink of stroke @s, 4 px in from its sides (the smooth copy's blur). */
static double
stroke_mean (const float *ink, int s)
{
  double sum = 0.0;
  int count = 0;

  for (int y = STROKE_Y0 + 4; y < STROKE_Y1 - 4; y++)
    for (int x = stroke_x0[s] + 4; x < stroke_x0[s] + STROKE_W - 4; x++)
      {
        sum += ink[y * PHOTO_SIDE + x];
        count++;
      }
  return sum / count;
}

static void
test_level_shadow_contrast (void)
{
  static const char *names[] = { "hard shadow", "falling light", "chalk" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  for (Light l = LIGHT_EDGE; l <= LIGHT_CHALK; l++)
    {
      g_autofree float *ink = photograph_strokes (l, rand);
      gboolean inverted = rl_image_luminance_to_ink (ink, PHOTO_SIDE, PHOTO_SIDE);
      double lit, shadowed;

      g_assert_true (inverted == (l != LIGHT_CHALK));
      g_assert_true (rl_image_level_ink (ink, PHOTO_SIDE, PHOTO_SIDE, inverted));
      lit = stroke_mean (ink, 0);
      shadowed = stroke_mean (ink, 1);
      g_test_message ("%-13s stroke's mean ink: lit %.3f, in the shadow %.3f (%.2f of it)",
                      names[l], lit, shadowed, shadowed / lit);
      g_assert_cmpfloat (lit, >, 0.8);
      g_assert_cmpfloat (shadowed / lit, >, LEVEL_SHADOW_RATIO_MIN);
    }
}

/* An MNIST image read at its own size (no blur) comes through nearly as it was. */
static void
test_level_mnist (void)
{
  g_autoptr(RlDataset) ds = mnist_fixture ();
  double worst = 0.0;

  for (guint32 i = 0; i < ds->n; i++)
    {
      float ink[28 * 28];

      for (int k = 0; k < 28 * 28; k++)
        ink[k] = ds->images[(gsize) i * 784 + k] / 255.0f;
      g_assert_true (rl_image_level_ink (ink, 28, 28, FALSE));
      for (int k = 0; k < 28 * 28; k++)
        worst = MAX (worst, fabs (ink[k] - ds->images[(gsize) i * 784 + k] / 255.0f));
    }
  g_test_message ("largest change of a pixel over %u images: %.4f", ds->n, worst);
  g_assert_cmpfloat (worst, <, LEVEL_MNIST_MAX);
}

/* Nothing but paper, even or noisy, holds no ink. */
static void
test_level_blank (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree float *even = g_new (float, PHOTO_SIDE * PHOTO_SIDE);
  g_autofree float *noisy = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int k = 0; k < PHOTO_SIDE * PHOTO_SIDE; k++)
    {
      even[k] = 0.4f;
      noisy[k] = CLAMP (0.3f + 0.1f * (float) gauss (rand), 0.0f, 1.0f);
    }
  g_assert_false (rl_image_level_ink (even, PHOTO_SIDE, PHOTO_SIDE, FALSE));
  g_assert_false (rl_image_level_ink (noisy, PHOTO_SIDE, PHOTO_SIDE, TRUE));
  for (int k = 0; k < PHOTO_SIDE * PHOTO_SIDE; k++)
    g_assert_cmpfloat (even[k] + noisy[k], ==, 0.0f);
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
  g_test_add_func ("/app/image-file/level-photos", test_level_photos);
  g_test_add_func ("/app/image-file/level-edge", test_level_edge);
  g_test_add_func ("/app/image-file/level-shadow-contrast", test_level_shadow_contrast);
  g_test_add_func ("/app/image-file/level-mnist", test_level_mnist);
  g_test_add_func ("/app/image-file/level-blank", test_level_blank);

  return g_test_run ();
}
