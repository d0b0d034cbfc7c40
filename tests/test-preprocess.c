/* test-preprocess.c: MNIST-style size and position normalisation (rl-preprocess.c).
 *
 * Synthetic strokes of known geometry check each promise of rl_preprocess_digit(): the longer
 * side of the output's bounding box is 20, the aspect ratio is kept to the rounding of the
 * shorter side, the ink scales exactly with the area, and the centre of mass lands within half
 * a pixel of (14, 14) (nearest-integer placement, as MNIST). Real MNIST test images, which were
 * normalised this way when the set was made, must come out (almost) unchanged.
 */

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "rl-preprocess.h"

#define SIDE RL_MNIST_SIDE

/* ---- Canvases and shapes ------------------------------------------------------------------ */

typedef struct {
  int    width, height, stride;
  float *pix;                      /* (height, stride) */
} Canvas;

static Canvas *
canvas_new (int width, int height, int stride)
{
  Canvas *c = g_new0 (Canvas, 1);

  c->width = width;
  c->height = height;
  c->stride = stride;
  c->pix = g_new0 (float, (size_t) height * stride);
  /* Garbage in the padding beyond @width: it must never be read as ink. */
  for (int y = 0; y < height; y++)
    for (int x = width; x < stride; x++)
      c->pix[(size_t) y * stride + x] = 1.0f;
  return c;
}

static void
canvas_free (Canvas *c)
{
  g_free (c->pix);
  g_free (c);
}

/* Filled rectangle [x, x + w) x [y, y + h) of ink @v. */
static void
draw_bar (Canvas *c, int x, int y, int w, int h, float v)
{
  for (int j = y; j < y + h; j++)
    for (int i = x; i < x + w; i++)
      c->pix[(size_t) j * c->stride + i] = v;
}

/* Anti-aliased ring (annulus r_in <= r <= r_out around (cx, cy)), 4 x 4 supersampling. */
static void
draw_ring (Canvas *c, double cx, double cy, double r_in, double r_out)
{
  for (int y = 0; y < c->height; y++)
    for (int x = 0; x < c->width; x++)
      {
        int hits = 0;

        for (int sy = 0; sy < 4; sy++)
          for (int sx = 0; sx < 4; sx++)
            {
              double dx = x + (sx + 0.5) / 4 - cx;
              double dy = y + (sy + 0.5) / 4 - cy;
              double r = sqrt (dx * dx + dy * dy);

              hits += r >= r_in && r <= r_out;
            }
        if (hits > 0)
          c->pix[(size_t) y * c->stride + x] = hits / 16.0f;
      }
}

/* ---- Measurements ------------------------------------------------------------------------- */

typedef struct {
  int    x0, x1, y0, y1;           /* inclusive; x1 < 0 when empty */
  double sum, cx, cy;              /* total ink and centre of mass (pixel-index coordinates) */
} Stats;

static Stats
measure (const float *pix, int width, int height, int stride, float threshold)
{
  Stats s = { width, -1, height, -1, 0.0, 0.0, 0.0 };

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (pix[(size_t) y * stride + x] > threshold)
        {
          s.x0 = MIN (s.x0, x);
          s.x1 = MAX (s.x1, x);
          s.y0 = MIN (s.y0, y);
          s.y1 = MAX (s.y1, y);
        }
  if (s.x1 < 0)
    return s;
  /* Ink inside the bounding box only: what the preprocessing keeps. */
  for (int y = s.y0; y <= s.y1; y++)
    for (int x = s.x0; x <= s.x1; x++)
      {
        double v = pix[(size_t) y * stride + x];

        s.sum += v;
        s.cx += v * x;
        s.cy += v * y;
      }
  s.cx /= s.sum;
  s.cy /= s.sum;
  return s;
}

/* Runs the preprocessing on @c and checks every geometric promise. Returns the output's stats. */
static Stats
check_normalised (const Canvas *c, float threshold, gboolean expect_clamped_x)
{
  float out[SIDE * SIDE];
  Stats in = measure (c->pix, c->width, c->height, c->stride, threshold);
  Stats o;
  int bw = in.x1 - in.x0 + 1, bh = in.y1 - in.y0 + 1;
  int ow, oh, o_long, o_short, i_long, i_short;

  g_assert_cmpint (in.x1, >=, 0);
  g_assert_true (rl_preprocess_digit (c->pix, c->width, c->height, c->stride, threshold, out));

  for (int i = 0; i < SIDE * SIDE; i++)
    {
      g_assert_cmpfloat (out[i], >=, 0.0f);
      g_assert_cmpfloat (out[i], <=, 1.0f);
    }

  o = measure (out, SIDE, SIDE, SIDE, 0.0f);
  ow = o.x1 - o.x0 + 1;
  oh = o.y1 - o.y0 + 1;

  /* The longer side is exactly 20: the patch's edge pixels cover the box's edge rows and
   * columns, which hold ink above the threshold, so they are never zero. */
  o_long = bw >= bh ? ow : oh;
  o_short = bw >= bh ? oh : ow;
  i_long = MAX (bw, bh);
  i_short = MIN (bw, bh);
  g_assert_cmpint (o_long, ==, RL_MNIST_BOX);
  g_assert_cmpint (o_short, >=, 1);
  g_assert_cmpint (o_short, <=, RL_MNIST_BOX);

  /* Aspect ratio: the shorter side is rounded to the nearest pixel. */
  g_assert_cmpfloat (fabs (o_short - (double) RL_MNIST_BOX * i_short / i_long), <=, 0.5 + 1e-9);

  /* Area averaging keeps the ink's density: the total scales with the area ratio. */
  g_assert_cmpfloat_with_epsilon (o.sum, in.sum * ((double) ow * oh) / ((double) bw * bh),
                                  1e-5 * in.sum);

  /* Nearest-integer placement of the centre of mass, unless clamped at the field's edge. */
  g_assert_cmpfloat (fabs (o.cy - SIDE / 2.0), <=, 0.5 + 1e-6);
  if (expect_clamped_x)
    {
      g_assert_cmpint (o.x1, ==, SIDE - 1);
      g_assert_cmpfloat (o.cx, <, SIDE / 2.0 - 0.5);
    }
  else
    g_assert_cmpfloat (fabs (o.cx - SIDE / 2.0), <=, 0.5 + 1e-6);

  g_assert_cmpint (o.x0, >=, 0);
  g_assert_cmpint (o.y0, >=, 0);
  return o;
}

/* ---- Synthetic strokes -------------------------------------------------------------------- */

static void
test_bar (void)
{
  struct { int cw, ch, stride, x, y, w, h; } cases[] = {
    { 280, 280, 280, 100,  40,  30, 200 },   /* tall, down-scaled 10x */
    { 280, 280, 300,  20, 250, 200,  12 },   /* wide, at the bottom edge, padded rows */
    {  50,  90,  64,   0,   0,  50,  90 },   /* fills the canvas */
    {  50,  90,  50,  40,  70,   3,   5 },   /* tiny, up-scaled 4x */
    {  50,  90,  50,  10,  10,   1,   1 },   /* one pixel: a 20 x 20 square */
    { 280, 280, 280,   5,   5,  21,  20 },   /* just over the box: 21 -> 20, 20 -> 19 */
    { 280, 280, 280, 100, 100,  70,  30 },   /* 70 x 30 -> 20 x 8.57, rounded to 9 */
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      Canvas *c = canvas_new (cases[k].cw, cases[k].ch, cases[k].stride);

      g_test_message ("bar %d x %d at (%d, %d) on %d x %d", cases[k].w, cases[k].h,
                      cases[k].x, cases[k].y, cases[k].cw, cases[k].ch);
      draw_bar (c, cases[k].x, cases[k].y, cases[k].w, cases[k].h, 1.0f);
      check_normalised (c, 0.1f, FALSE);
      canvas_free (c);
    }
}

static void
test_bar_values (void)
{
  /* A uniform bar of ink 0.6, 40 x 80 -> 10 x 20: every output pixel covers 4 x 4 source
   * pixels of 0.6, so the patch is exactly 0.6 and the rest 0. */
  Canvas *c = canvas_new (120, 100, 120);
  float out[SIDE * SIDE];
  int n_ink = 0;

  draw_bar (c, 30, 10, 40, 80, 0.6f);
  g_assert_true (rl_preprocess_digit (c->pix, c->width, c->height, c->stride, 0.1f, out));
  for (int i = 0; i < SIDE * SIDE; i++)
    if (out[i] != 0.0f)
      {
        g_assert_cmpfloat_with_epsilon (out[i], 0.6f, 1e-6);
        n_ink++;
      }
  g_assert_cmpint (n_ink, ==, 10 * 20);
  /* Centre of mass of a 10 x 20 patch is at (4.5, 9.5): offsets round (9.5) = 10 and
   * round (4.5) = 5 (halves round up), so columns 10..19 and rows 5..24. */
  g_assert_cmpfloat (out[5 * SIDE + 10], >, 0.0f);
  g_assert_cmpfloat (out[24 * SIDE + 19], >, 0.0f);
  g_assert_cmpfloat (out[4 * SIDE + 10], ==, 0.0f);
  g_assert_cmpfloat (out[5 * SIDE + 9], ==, 0.0f);
  canvas_free (c);
}

static void
test_ring (void)
{
  struct { int cw, ch; double cx, cy, r_in, r_out; } cases[] = {
    { 280, 280, 140.0, 140.0,  80.0, 100.0 },
    { 280, 280,  60.3, 200.7,   5.0,   8.5 },  /* smaller than the box: up-scaled */
    {  50,  90,  25.0,  45.0,  15.0,  24.0 },  /* touches the canvas' sides */
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      Canvas *c = canvas_new (cases[k].cw, cases[k].ch, cases[k].cw);
      Stats o;

      g_test_message ("ring r %g..%g at (%g, %g)", cases[k].r_in, cases[k].r_out,
                      cases[k].cx, cases[k].cy);
      draw_ring (c, cases[k].cx, cases[k].cy, cases[k].r_in, cases[k].r_out);
      o = check_normalised (c, 0.1f, FALSE);
      /* A ring is round: a 20 x 20 box. */
      g_assert_cmpint (o.x1 - o.x0 + 1, ==, 20);
      g_assert_cmpint (o.y1 - o.y0 + 1, ==, 20);
      canvas_free (c);
    }
}

static void
test_ell (void)
{
  /* An L: a vertical stroke and a horizontal one along its foot, at several sizes. */
  struct { int cw, ch, x, y, w, h, t; } cases[] = {
    { 280, 280,  60,  30, 120, 200, 12 },
    { 280, 280, 200, 200,  60,  40,  6 },  /* wider than tall */
    {  50,  90,   8,  10,  30,  70,  4 },
    {  50,  90,  30,  70,  12,  14,  2 },  /* small: up-scaled */
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      Canvas *c = canvas_new (cases[k].cw, cases[k].ch, cases[k].cw);

      g_test_message ("L %d x %d at (%d, %d)", cases[k].w, cases[k].h, cases[k].x, cases[k].y);
      draw_bar (c, cases[k].x, cases[k].y, cases[k].t, cases[k].h, 1.0f);
      draw_bar (c, cases[k].x, cases[k].y + cases[k].h - cases[k].t, cases[k].w, cases[k].t, 1.0f);
      check_normalised (c, 0.1f, FALSE);
      canvas_free (c);
    }
}

static void
test_clamped (void)
{
  /* Nearly all the mass in a thick stroke at the left of a wide box: centring the mass would
   * push the patch past the right edge, so it is clamped against it and stays whole. */
  Canvas *c = canvas_new (280, 280, 280);

  draw_bar (c, 40, 40, 20, 100, 1.0f);
  draw_bar (c, 40, 40, 100, 1, 1.0f);
  check_normalised (c, 0.1f, TRUE);
  canvas_free (c);
}

static void
test_threshold (void)
{
  /* Faint pixels outside the box of the ink above the threshold are dropped; inside it they
   * count. */
  Canvas *c = canvas_new (100, 100, 100);
  Stats o;

  draw_bar (c, 0, 0, 100, 100, 0.05f);     /* faint background wash */
  draw_bar (c, 30, 20, 40, 40, 0.9f);
  o = check_normalised (c, 0.1f, FALSE);
  g_assert_cmpint (o.x1 - o.x0 + 1, ==, 20);
  g_assert_cmpint (o.y1 - o.y0 + 1, ==, 20);
  g_assert_cmpfloat_with_epsilon (o.sum, 0.9 * 400, 1e-3);
  canvas_free (c);
}

static void
test_empty (void)
{
  float out[SIDE * SIDE];
  Canvas *c = canvas_new (50, 90, 50);

  /* Nothing at all. */
  for (int i = 0; i < SIDE * SIDE; i++)
    out[i] = 0.5f;
  g_assert_false (rl_preprocess_digit (c->pix, c->width, c->height, c->stride, 0.1f, out));
  for (int i = 0; i < SIDE * SIDE; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);

  /* Only ink at or below the threshold, and NaN, which counts as no ink. */
  draw_bar (c, 10, 10, 20, 20, 0.1f);
  c->pix[5] = NAN;
  for (int i = 0; i < SIDE * SIDE; i++)
    out[i] = 0.5f;
  g_assert_false (rl_preprocess_digit (c->pix, c->width, c->height, c->stride, 0.1f, out));
  for (int i = 0; i < SIDE * SIDE; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);

  /* A zero-sized image. */
  out[0] = 0.5f;
  g_assert_false (rl_preprocess_digit (c->pix, 0, 0, 0, 0.1f, out));
  g_assert_cmpfloat (out[0], ==, 0.0f);
  canvas_free (c);
}

static void
test_out_of_range (void)
{
  /* Values above 1 are ink 1, negative ones no ink. */
  Canvas *a = canvas_new (60, 60, 60);
  Canvas *b = canvas_new (60, 60, 60);
  float out_a[SIDE * SIDE], out_b[SIDE * SIDE];

  draw_bar (a, 10, 5, 20, 40, 7.0f);
  draw_bar (a, 40, 5, 10, 10, -3.0f);
  draw_bar (b, 10, 5, 20, 40, 1.0f);
  g_assert_true (rl_preprocess_digit (a->pix, a->width, a->height, a->stride, 0.1f, out_a));
  g_assert_true (rl_preprocess_digit (b->pix, b->width, b->height, b->stride, 0.1f, out_b));
  g_assert_cmpmem (out_a, sizeof out_a, out_b, sizeof out_b);
  canvas_free (a);
  canvas_free (b);
}

/* ---- Real MNIST --------------------------------------------------------------------------- */

/* The first 100 test images of MNIST (tests/data/mnist-mini), gzipped IDX. */
static guint8 *
load_mnist_fixture (guint32 *n)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini",
                                                 "t10k-images-idx3-ubyte.gz", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) raw = G_INPUT_STREAM (g_file_read (file, NULL, &error));
  g_autoptr(GZlibDecompressor) gunzip = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *d;
  gsize len;

  g_assert_no_error (error);
  gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  in = g_converter_input_stream_new (raw, G_CONVERTER (gunzip));
  g_output_stream_splice (mem, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  d = g_bytes_get_data (bytes, &len);

  g_assert_cmpuint (len, >=, 16);
  g_assert_cmpuint (GUINT32_FROM_BE (((const guint32 *) d)[0]), ==, 0x803);
  *n = GUINT32_FROM_BE (((const guint32 *) d)[1]);
  g_assert_cmpuint (GUINT32_FROM_BE (((const guint32 *) d)[2]), ==, 28);
  g_assert_cmpuint (GUINT32_FROM_BE (((const guint32 *) d)[3]), ==, 28);
  g_assert_cmpuint (len, ==, 16 + (gsize) *n * 784);
  return g_memdup2 (d + 16, len - 16);
}

static void
test_mnist_unchanged (void)
{
  guint32 n;
  g_autofree guint8 *images = load_mnist_fixture (&n);
  double total = 0.0;
  guint n_identical_thr = 0;

  g_assert_cmpuint (n, ==, 100);
  for (guint32 i = 0; i < n; i++)
    {
      float in[SIDE * SIDE], out[SIDE * SIDE];
      Stats s, o;
      double diff = 0.0;

      for (int k = 0; k < SIDE * SIDE; k++)
        in[k] = images[(size_t) i * 784 + k] / 255.0f;

      /* With threshold 0 the box is that of every inked pixel. MNIST images fill 20 pixels on
       * their longer side (9,997 of the 10,000 test images; all 100 here) and have their centre
       * of mass within half a pixel of (14, 14), so the rescale is the identity and the
       * placement puts the patch back where it was: bit-identical output. */
      s = measure (in, SIDE, SIDE, SIDE, 0.0f);
      g_assert_cmpint (MAX (s.x1 - s.x0, s.y1 - s.y0) + 1, ==, 20);
      g_assert_true (rl_preprocess_digit (in, SIDE, SIDE, SIDE, 0.0f, out));
      g_assert_cmpmem (in, sizeof in, out, sizeof out);

      /* With the app's threshold 0.1, faint pixels at the edge of the box are dropped, which
       * can change the box or tip the centre of mass across a rounding boundary (a 1-pixel
       * shift). Measured on these 100 images: 78 bit-identical, mean absolute difference
       * 0.00063 per pixel, at most 0.057 for one image (on all 10,000: 0.00028 on average). */
      g_assert_true (rl_preprocess_digit (in, SIDE, SIDE, SIDE, 0.1f, out));
      o = measure (out, SIDE, SIDE, SIDE, 0.0f);
      g_assert_cmpfloat (fabs (o.cx - 14.0), <=, 0.5 + 1e-6);
      g_assert_cmpfloat (fabs (o.cy - 14.0), <=, 0.5 + 1e-6);
      for (int k = 0; k < SIDE * SIDE; k++)
        diff += fabs (in[k] - out[k]);
      diff /= SIDE * SIDE;
      g_assert_cmpfloat (diff, <, 0.1);
      total += diff;
      n_identical_thr += diff == 0.0;
    }
  g_test_message ("threshold 0.1: mean abs difference %.5f, %u of %u identical",
                  total / n, n_identical_thr, n);
  g_assert_cmpfloat (total / n, <, 0.002);
  g_assert_cmpuint (n_identical_thr, >=, 70);
}

/* The map says where the ink went: every field pixel with ink maps back onto input pixels
 * inside the ink's bounding box, and the ink's corner pixel lands on the patch's corner. An
 * L-shaped drawing on a 200 x 120 input, off-centre, so no axis is trivial. */
static void
test_map (void)
{
  enum { W = 200, H = 120 };
  g_autofree float *in = g_new0 (float, W * H);
  float out[28 * 28], plain[28 * 28];
  RlPreprocessMap map;

  /* a vertical bar x 40..59, y 10..109 and a foot x 40..139, y 90..109 */
  for (int y = 10; y < 110; y++)
    for (int x = 40; x < 60; x++)
      in[y * W + x] = 1.0f;
  for (int y = 90; y < 110; y++)
    for (int x = 40; x < 140; x++)
      in[y * W + x] = 1.0f;

  g_assert_true (rl_preprocess_digit_map (in, W, H, W, 0.1f, out, &map));
  g_assert_true (rl_preprocess_digit (in, W, H, W, 0.1f, plain));
  g_assert_cmpmem (out, sizeof out, plain, sizeof plain);   /* the same image either way */
  g_assert_cmpint (map.x0, ==, 40);
  g_assert_cmpint (map.y0, ==, 10);
  /* the box is 100 x 100, so 20 x 20 in the field: 5 input pixels a field pixel */
  g_assert_cmpfloat_with_epsilon (map.sx, 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (map.sy, 5.0, 1e-12);
  g_assert_cmpfloat (out[map.oy * 28 + map.ox], >, 0.9f);   /* the bar's top-left corner */
  for (int fy = 0; fy < 28; fy++)
    for (int fx = 0; fx < 28; fx++)
      if (out[fy * 28 + fx] > 0.0f)
        {
          /* the centre of the field pixel, back in the input */
          double x = map.x0 + (fx - map.ox + 0.5) * map.sx;
          double y = map.y0 + (fy - map.oy + 0.5) * map.sy;

          g_assert_cmpfloat (x, >=, 40.0);
          g_assert_cmpfloat (x, <, 140.0);
          g_assert_cmpfloat (y, >=, 10.0);
          g_assert_cmpfloat (y, <, 110.0);
          g_assert_cmpfloat (in[(int) y * W + (int) x], ==, 1.0f);
        }
}

/* Fashion-MNIST's recipe: the box's longer side to the whole 28, the shorter in proportion,
 * the box centred (not by mass), grey levels kept; MNIST's puts the same into 20 x 20 by its
 * centre of mass. Here a grey coat 60 wide and 120 high with a darker, off-centre pocket. */
static void
test_fashion (void)
{
  enum { W = 160, H = 200 };
  g_autofree float *in = g_new0 (float, W * H);
  float item[28 * 28], digit[28 * 28];
  RlPreprocessMap map;
  int x0 = 28, x1 = -1, y0 = 28, y1 = -1;

  for (int y = 40; y < 160; y++)
    for (int x = 50; x < 110; x++)
      in[y * W + x] = 0.4f;
  for (int y = 120; y < 150; y++)
    for (int x = 90; x < 108; x++)
      in[y * W + x] = 0.9f;

  g_assert_true (rl_preprocess_image_map (RL_DATASET_FASHION, in, W, H, W, 0.1f, item, &map));
  for (int fy = 0; fy < 28; fy++)
    for (int fx = 0; fx < 28; fx++)
      if (item[fy * 28 + fx] > 0.0f)
        {
          x0 = MIN (x0, fx), x1 = MAX (x1, fx), y0 = MIN (y0, fy), y1 = MAX (y1, fy);
        }
  /* 120 high to 28, 60 wide to 14, centred: columns 7 to 20 */
  g_assert_cmpint (y0, ==, 0);
  g_assert_cmpint (y1, ==, 27);
  g_assert_cmpint (x0, ==, 7);
  g_assert_cmpint (x1, ==, 20);
  g_assert_cmpint (map.ox, ==, 7);
  g_assert_cmpint (map.oy, ==, 0);
  g_assert_cmpfloat_with_epsilon (map.sx, 60.0 / 14, 1e-12);
  /* the coat's grey is kept, the pocket darker */
  g_assert_cmpfloat_with_epsilon (item[2 * 28 + 9], 0.4f, 1e-5);
  g_assert_cmpfloat_with_epsilon (item[22 * 28 + 18], 0.9f, 1e-5);

  /* MNIST's recipe for a digit: the same coat into 20 high, off the centre by its pocket */
  g_assert_true (rl_preprocess_image_map (RL_DATASET_MNIST, in, W, H, W, 0.1f, item, NULL));
  g_assert_true (rl_preprocess_digit (in, W, H, W, 0.1f, digit));
  g_assert_cmpmem (item, sizeof item, digit, sizeof digit);
  g_assert_cmpfloat (digit[1 * 28 + 14], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/preprocess/bar", test_bar);
  g_test_add_func ("/engine/preprocess/bar-values", test_bar_values);
  g_test_add_func ("/engine/preprocess/ring", test_ring);
  g_test_add_func ("/engine/preprocess/ell", test_ell);
  g_test_add_func ("/engine/preprocess/clamped", test_clamped);
  g_test_add_func ("/engine/preprocess/threshold", test_threshold);
  g_test_add_func ("/engine/preprocess/empty", test_empty);
  g_test_add_func ("/engine/preprocess/out-of-range", test_out_of_range);
  g_test_add_func ("/engine/preprocess/mnist-unchanged", test_mnist_unchanged);
  g_test_add_func ("/engine/preprocess/map", test_map);
  g_test_add_func ("/engine/preprocess/fashion", test_fashion);

  return g_test_run ();
}
