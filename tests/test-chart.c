/* test-chart.c: RlChart, the line chart of the training curves.
 *
 * Needs a display (run under xvfb-run -a). Without one every test reports a skip, so the
 * binary never passes without having tested anything: even the pure number tests are skipped,
 * because meson would count a mix of skips and passes as a pass.
 */
#include <cairo-script.h>
#include <gtk/gtk.h>
#include <math.h>

#include "rl-chart.h"
#include "rl-widget-util.h"

static gboolean have_display;

#define REQUIRE_DISPLAY()                                   \
  G_STMT_START {                                            \
    if (!have_display)                                      \
      {                                                     \
        g_test_skip ("no display (run under xvfb-run -a)"); \
        return;                                             \
      }                                                     \
  } G_STMT_END

/* ---- nice ticks ------------------------------------------------------------------------- */

static void
check_ticks (double lo, double hi, int max_ticks, double want_step, double want_first, int want_n)
{
  double step = -1, first = -1;
  int n = rl_chart_nice_ticks (lo, hi, max_ticks, &step, &first);

  g_test_message ("ticks [%g, %g] max %d: step %g first %g n %d", lo, hi, max_ticks, step,
                  first, n);
  g_assert_cmpint (n, ==, want_n);
  g_assert_cmpfloat_with_epsilon (step, want_step, fabs (want_step) * 1e-12 + 1e-300);
  g_assert_cmpfloat_with_epsilon (first, want_first, fabs (want_step) * 1e-9);
}

static void
test_nice_ticks_values (void)
{
  double step, first;

  REQUIRE_DISPLAY ();

  check_ticks (0, 1, 6, 0.2, 0, 6);               /* 0 0.2 0.4 0.6 0.8 1 */
  check_ticks (0, 1, 5, 0.5, 0, 3);               /* 0.25 is not nice: 0 0.5 1 */
  check_ticks (0, 1, 11, 0.1, 0, 11);
  check_ticks (0, 60000, 7, 10000, 0, 7);         /* one MNIST epoch */
  check_ticks (64, 600000, 6, 100000, 100000, 6); /* first tick is a multiple of the step */
  check_ticks (0.3, 0.95, 8, 0.1, 0.3, 7);        /* 0.3 counts although 0.3/0.1 < 3 */
  check_ticks (-7, 13, 5, 5, -5, 4);              /* -5 0 5 10 */
  check_ticks (0.0012, 0.0047, 5, 0.001, 0.002, 3);
  check_ticks (123, 123, 5, 100, 123, 1);         /* degenerate: one tick */
  check_ticks (0, 0, 5, 1, 0, 1);

  g_assert_cmpint (rl_chart_nice_ticks (1, 0, 5, &step, &first), ==, 0);
  g_assert_cmpfloat (step, ==, 0.0);
  g_assert_cmpint (rl_chart_nice_ticks (NAN, 1, 5, &step, &first), ==, 0);
  g_assert_cmpint (rl_chart_nice_ticks (0, INFINITY, 5, &step, &first), ==, 0);
}

/* On random ranges: the step is 1, 2 or 5 x 10^k, all ticks lie in the range, there are at
 * most max_ticks of them, and the next smaller nice step would give too many. */
static void
test_nice_ticks_properties (void)
{
  GRand *rand;

  REQUIRE_DISPLAY ();

  rand = g_rand_new_with_seed (42);
  for (int trial = 0; trial < 20000; trial++)
    {
      double scale = pow (10.0, g_rand_double_range (rand, -6, 9));
      double lo = g_rand_double_range (rand, -1, 1) * scale;
      double hi = lo + g_rand_double_range (rand, 1e-3, 3) * scale;
      int max_ticks = g_rand_int_range (rand, 2, 15);
      double step, first, mant, smaller;
      int n, n_smaller;

      n = rl_chart_nice_ticks (lo, hi, max_ticks, &step, &first);
      g_assert_cmpint (n, >=, 1);
      g_assert_cmpint (n, <=, max_ticks);
      g_assert_cmpfloat (step, >, 0);
      mant = step / pow (10.0, floor (log10 (step) + 1e-9));
      g_assert_true (fabs (mant - 1) < 1e-9 || fabs (mant - 2) < 1e-9 || fabs (mant - 5) < 1e-9);
      g_assert_cmpfloat (first, >=, lo - step * 1e-6);
      g_assert_cmpfloat (first - step, <, lo);
      g_assert_cmpfloat (first + (n - 1) * step, <=, hi + step * 1e-6);
      g_assert_cmpfloat (first + n * step, >, hi - step * 1e-6);
      /* first is a multiple of step */
      g_assert_cmpfloat (fabs (first / step - round (first / step)), <, 1e-6);

      /* minimality: the next smaller nice step fits more than max_ticks ticks */
      smaller = fabs (mant - 1) < 1e-9 ? step / 2 : fabs (mant - 2) < 1e-9 ? step / 2 : step * 0.4;
      n_smaller = (int) (floor (hi / smaller + 1e-9) - ceil (lo / smaller - 1e-9)) + 1;
      g_assert_cmpint (n_smaller, >, max_ticks);
    }
  g_rand_free (rand);
}

/* A count's ticks are whole numbers apart; other formats keep the nice step. */
static void
test_axis_ticks (void)
{
  double step, first;
  int n;

  REQUIRE_DISPLAY ();

  /* an empty chart's 0 to 1: 0 and 1, not 0.0, 0.2 ... 1.0 */
  n = rl_chart_axis_ticks (RL_CHART_FORMAT_COUNT, 0, 1, 6, &step, &first);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpfloat (step, ==, 1.0);
  g_assert_cmpfloat (first, ==, 0.0);
  n = rl_chart_axis_ticks (RL_CHART_FORMAT_PLAIN, 0, 1, 6, &step, &first);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpfloat_with_epsilon (step, 0.2, 1e-12);
  /* 3 to 7 images in room for many ticks: every whole number */
  n = rl_chart_axis_ticks (RL_CHART_FORMAT_COUNT, 3, 7, 20, &step, &first);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat (step, ==, 1.0);
  g_assert_cmpfloat (first, ==, 3.0);
  /* a count range wide enough is left as the nice ticks make it */
  n = rl_chart_axis_ticks (RL_CHART_FORMAT_COUNT, 0, 60000, 7, &step, &first);
  g_assert_cmpfloat (step, ==, 10000.0);
  g_assert_cmpint (n, ==, 7);
}

static void
check_format (RlChartFormat format, double value, double step, const char *want)
{
  g_autofree char *got = rl_chart_format_value (format, value, step);

  g_assert_cmpstr (got, ==, want);
}

static void
test_format (void)
{
  REQUIRE_DISPLAY ();

  check_format (RL_CHART_FORMAT_COUNT, 0, 10000, "0");
  check_format (RL_CHART_FORMAT_COUNT, 60000, 10000, "60k");
  check_format (RL_CHART_FORMAT_COUNT, 1200000, 200000, "1.2M");
  check_format (RL_CHART_FORMAT_COUNT, 1000000, 500000, "1M");
  check_format (RL_CHART_FORMAT_COUNT, 1500, 500, "1.5k");
  check_format (RL_CHART_FORMAT_COUNT, 640, 20, "640");
  check_format (RL_CHART_FORMAT_PERCENT, 0.97, 0.01, "97%");
  check_format (RL_CHART_FORMAT_PERCENT, 0.975, 0.005, "97.5%");
  check_format (RL_CHART_FORMAT_PERCENT, 1.0, 0.2, "100%");
  check_format (RL_CHART_FORMAT_PLAIN, 0.1 + 0.2, 0.1, "0.3");
  check_format (RL_CHART_FORMAT_PLAIN, 0.1 + 0.2 - 0.3, 0.1, "0.0");   /* snapped, not -0.0 */
  check_format (RL_CHART_FORMAT_PLAIN, -0.5, 0.5, "-0.5");
  check_format (RL_CHART_FORMAT_PLAIN, 2.0, 0.5, "2.0");
  check_format (RL_CHART_FORMAT_PLAIN, 0.004, 0.002, "0.004");
  check_format (RL_CHART_FORMAT_PLAIN, 20, 5, "20");
}

/* ---- series API ----------------------------------------------------------------------- */

static void
test_series (void)
{
  RlChart *chart;
  GdkRGBA red = { 1, 0, 0, 1 };
  double x = -1, y = -1;
  guint a, b;

  REQUIRE_DISPLAY ();

  chart = RL_CHART (g_object_ref_sink (rl_chart_new ()));
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 0);

  a = rl_chart_add_series (chart, "loss", &red, RL_CHART_LINE_SOLID, 1.5, FALSE);
  b = rl_chart_add_series (chart, "smoothed", NULL, RL_CHART_LINE_DASHED, 2.0, TRUE);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 1);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 2);
  g_assert_false (rl_chart_get_last (chart, a, &x, &y));
  g_assert_cmpfloat (x, ==, -1);

  for (int i = 0; i < 100000; i++)
    rl_chart_append (chart, a, 64.0 * (i + 1), 2.3 * exp (-i / 20000.0));
  rl_chart_append (chart, b, 60000, 0.95);
  rl_chart_append (chart, b, 120000, 0.97);
  /* non-finite values are dropped */
  rl_chart_append (chart, b, 180000, NAN);
  rl_chart_append (chart, b, INFINITY, 0.5);

  g_assert_cmpuint (rl_chart_get_n_points (chart, a), ==, 100000);
  g_assert_cmpuint (rl_chart_get_n_points (chart, b), ==, 2);
  g_assert_true (rl_chart_get_last (chart, a, &x, &y));
  g_assert_cmpfloat (x, ==, 6400000.0);
  g_assert_cmpfloat_with_epsilon (y, 2.3 * exp (-99999 / 20000.0), 1e-12);
  g_assert_true (rl_chart_get_last (chart, b, &x, NULL));
  g_assert_cmpfloat (x, ==, 120000);

  rl_chart_set_title (chart, "Training loss");
  g_assert_cmpstr (rl_chart_get_title (chart), ==, "Training loss");
  {
    g_autofree char *title = NULL;
    g_object_get (chart, "title", &title, NULL);
    g_assert_cmpstr (title, ==, "Training loss");
  }

  rl_chart_clear (chart);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 2);
  g_assert_cmpuint (rl_chart_get_n_points (chart, a), ==, 0);
  g_assert_cmpuint (rl_chart_get_n_points (chart, b), ==, 0);
  g_assert_false (rl_chart_get_last (chart, b, NULL, NULL));
  rl_chart_append (chart, b, 1, 2);
  g_assert_cmpuint (rl_chart_get_n_points (chart, b), ==, 1);

  rl_chart_remove_all_series (chart);
  g_assert_cmpuint (rl_chart_get_n_series (chart), ==, 0);
  g_assert_cmpuint (rl_chart_add_series (chart, "again", NULL, RL_CHART_LINE_SOLID, 1, FALSE),
                    ==, 0);

  g_assert_finalize_object (chart);
}

/* ---- drawing -------------------------------------------------------------------------- */

/* Pixels of @surface close to the opaque colour (r, g, b) in 0..255. */
static int
count_colour (cairo_surface_t *surface, int r, int g, int b)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  int count = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);   /* ARGB32, native */
        int pa = px >> 24, pr = (px >> 16) & 0xff, pg = (px >> 8) & 0xff, pb = px & 0xff;

        if (pa > 240 && abs (pr - r) < 24 && abs (pg - g) < 24 && abs (pb - b) < 24)
          count++;
      }
  return count;
}

static int
count_differing (cairo_surface_t *s1, cairo_surface_t *s2)
{
  int n = cairo_image_surface_get_stride (s1) * cairo_image_surface_get_height (s1) / 4;
  const guint32 *a, *b;
  int count = 0;

  cairo_surface_flush (s1);
  cairo_surface_flush (s2);
  a = (const guint32 *) cairo_image_surface_get_data (s1);
  b = (const guint32 *) cairo_image_surface_get_data (s2);
  for (int i = 0; i < n; i++)
    count += a[i] != b[i];
  return count;
}

static cairo_surface_t *
render (RlChart *chart, int w, int h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  rl_chart_draw (chart, cr, w, h);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return surface;
}

static cairo_status_t
append_script (void *closure, const unsigned char *data, unsigned int length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The line segments of @chart drawn at @w x @h: the "l" (line_to) operators of the path it
 * draws, as a cairo script surface records them. */
static guint
count_line_segments (RlChart *chart, int w, int h)
{
  g_autoptr (GString) script = g_string_new (NULL);
  cairo_device_t *device = cairo_script_create_for_stream (append_script, script);
  cairo_surface_t *surface = cairo_script_surface_create (device, CAIRO_CONTENT_COLOR_ALPHA,
                                                          w, h);
  cairo_t *cr = cairo_create (surface);
  g_auto (GStrv) words = NULL;
  guint n = 0;

  rl_chart_draw (chart, cr, w, h);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  cairo_device_finish (device);
  cairo_device_destroy (device);
  words = g_strsplit_set (script->str, " \n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    n += strcmp (words[i], "l") == 0;
  return n;
}

static void
test_draw (void)
{
  RlChart *chart;
  GdkRGBA red = { 1, 0, 0, 1 }, blue = { 0, 0, 1, 1 };
  cairo_surface_t *empty, *plain, *hovered, *big;
  guint loss, acc;
  gint64 t0;
  double ms;
  guint segments, big_segments;

  REQUIRE_DISPLAY ();

  chart = RL_CHART (g_object_ref_sink (rl_chart_new ()));
  rl_chart_set_title (chart, "Loss");
  rl_chart_set_x_label (chart, "images seen");
  rl_chart_set_y_label (chart, "loss");

  /* no series, no data: axes and a placeholder, no crash */
  empty = render (chart, 480, 300);
  g_assert_cmpint (count_colour (empty, 255, 0, 0), ==, 0);

  loss = rl_chart_add_series (chart, "loss", &red, RL_CHART_LINE_SOLID, 3.0, FALSE);
  acc = rl_chart_add_series (chart, "test", &blue, RL_CHART_LINE_DASHED, 3.0, TRUE);
  for (int i = 0; i < 900; i++)
    rl_chart_append (chart, loss, 64.0 * (i + 1), 2.3 / (1 + i / 50.0));
  rl_chart_append (chart, acc, 19200, 0.9);
  rl_chart_append (chart, acc, 57600, 0.5);

  plain = render (chart, 480, 300);
  /* both series and the legend's samples are on the image, the empty chart had neither */
  g_assert_cmpint (count_colour (plain, 255, 0, 0), >, 300);
  g_assert_cmpint (count_colour (plain, 0, 0, 255), >, 100);

  /* the hover read-out adds a guide and a box; leaving removes them again */
  rl_chart_set_hover (chart, 240, 150);
  hovered = render (chart, 480, 300);
  g_assert_cmpint (count_differing (plain, hovered), >, 500);
  rl_chart_set_hover (chart, -1, -1);
  {
    cairo_surface_t *left = render (chart, 480, 300);
    g_assert_cmpint (count_differing (plain, left), ==, 0);
    cairo_surface_destroy (left);
  }

  /* fixed range and percent format still draw; a range that excludes the data draws no line
   * (the legend sample stays) */
  rl_chart_set_y_format (chart, RL_CHART_FORMAT_PERCENT);
  rl_chart_set_y_range (chart, 10, 20);
  {
    cairo_surface_t *off = render (chart, 480, 300);
    g_assert_cmpint (count_colour (off, 255, 0, 0), <, count_colour (plain, 255, 0, 0) / 4);
    cairo_surface_destroy (off);
  }
  rl_chart_set_y_range_auto (chart);

  /* 100,000 points: decimated to the pixel width, so a frame stays cheap: at most four
   * segments (first, lowest, highest, last) a pixel column, where an undecimated path would
   * draw one a point. How long the frame takes is only reported: a figure, not a test. */
  segments = count_line_segments (chart, 480, 300);
  for (int i = 900; i < 100000; i++)
    rl_chart_append (chart, loss, 64.0 * (i + 1), 2.3 / (1 + i / 50.0) + 0.1 * (i % 7));
  t0 = g_get_monotonic_time ();
  big = render (chart, 480, 300);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  big_segments = count_line_segments (chart, 480, 300);
  g_test_message ("frame with 100k points: %.1f ms, %u line segments (%u with 900 points)", ms,
                  big_segments, segments);
  g_assert_cmpint (count_colour (big, 255, 0, 0), >, 300);
  g_assert_cmpuint (big_segments, <=, segments + 4 * 480);

  /* tiny and zero sizes draw nothing and do not crash */
  cairo_surface_destroy (render (chart, 10, 10));
  cairo_surface_destroy (render (chart, 1, 300));

  cairo_surface_destroy (empty);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (hovered);
  cairo_surface_destroy (big);
  g_assert_finalize_object (chart);
}

/* A band series: the band (the series' red at 20 % over white) fills the area between lo and
 * hi under the line; points without a band break it; the same data without bands draws none;
 * a dashed series' band is paler and hatched. */
static void
test_band (void)
{
  RlChart *chart;
  GdkRGBA red = { 1, 0, 0, 1 };
  cairo_surface_t *banded, *bare;
  guint a, b;
  double lo, hi;
  int band_px, bare_px;

  REQUIRE_DISPLAY ();

  chart = RL_CHART (g_object_ref_sink (rl_chart_new ()));
  rl_chart_set_y_range (chart, 0.0, 1.0);
  a = rl_chart_add_series (chart, "mean", &red, RL_CHART_LINE_SOLID, 2.0, FALSE);
  for (int i = 0; i < 20; i++)
    rl_chart_append_band (chart, a, i, 0.5, 0.3, 0.7);
  rl_chart_append (chart, a, 20, 0.5);     /* no band at the last point */
  g_assert_cmpuint (rl_chart_get_n_points (chart, a), ==, 21);
  g_assert_true (rl_chart_get_band (chart, a, 3, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.3);
  g_assert_cmpfloat (hi, ==, 0.7);
  g_assert_false (rl_chart_get_band (chart, a, 20, &lo, &hi));
  /* lo and hi swapped are put in order; non-finite ones leave the point without a band */
  rl_chart_append_band (chart, a, 21, 0.5, 0.9, 0.1);
  g_assert_true (rl_chart_get_band (chart, a, 21, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.1);
  g_assert_cmpfloat (hi, ==, 0.9);
  rl_chart_append_band (chart, a, 22, 0.5, NAN, 0.9);
  g_assert_false (rl_chart_get_band (chart, a, 22, NULL, NULL));
  banded = render (chart, 480, 300);

  rl_chart_remove_all_series (chart);
  b = rl_chart_add_series (chart, "mean", &red, RL_CHART_LINE_SOLID, 2.0, FALSE);
  for (int i = 0; i < 20; i++)
    rl_chart_append (chart, b, i, 0.5);
  g_assert_false (rl_chart_get_band (chart, b, 3, NULL, NULL));
  bare = render (chart, 480, 300);

  band_px = count_colour (banded, 255, 204, 204);
  bare_px = count_colour (bare, 255, 204, 204);
  g_test_message ("band pixels: %d with bands, %d without", band_px, bare_px);
  /* 0.3 to 0.7 of the plot's height over most of its width */
  g_assert_cmpint (band_px, >, 10000);
  g_assert_cmpint (bare_px, <, 100);

  /* the automatic y range takes in the bands */
  rl_chart_set_y_range_auto (chart);
  rl_chart_append_band (chart, b, 20, 0.5, 0.0, 3.0);
  rl_chart_append_band (chart, b, 21, 0.5, 0.0, 3.0);
  cairo_surface_destroy (bare);
  bare = render (chart, 480, 300);
  g_assert_cmpint (count_colour (bare, 255, 204, 204), >, 100);

  /* a dashed series' band (a plain twin's) is paler and hatched: the solid band's colour is
   * (nearly) gone, yet the band still covers as much, crossed by the hatching (45 %) */
  rl_chart_remove_all_series (chart);
  rl_chart_set_y_range (chart, 0.0, 1.0);
  b = rl_chart_add_series (chart, "plain", &red, RL_CHART_LINE_DASHED, 2.0, FALSE);
  for (int i = 0; i < 20; i++)
    rl_chart_append_band (chart, b, i, 0.5, 0.3, 0.7);
  cairo_surface_destroy (bare);
  bare = render (chart, 480, 300);
  {
    cairo_surface_t *no_band;
    int solid_fill = count_colour (bare, 255, 204, 204);
    int hatch = count_colour (bare, 255, 140, 140);
    int changed;

    rl_chart_remove_all_series (chart);
    b = rl_chart_add_series (chart, "plain", &red, RL_CHART_LINE_DASHED, 2.0, FALSE);
    for (int i = 0; i < 20; i++)
      rl_chart_append (chart, b, i, 0.5);
    no_band = render (chart, 480, 300);
    changed = count_differing (bare, no_band);
    g_test_message ("dashed band: %d pixels changed by it, %d of the solid band's colour,"
                    " %d hatch", changed, solid_fill, hatch);
    g_assert_cmpint (changed, >, band_px / 2);
    g_assert_cmpint (solid_fill, <, band_px / 4);
    g_assert_cmpint (hatch, >, 1000);
    cairo_surface_destroy (no_band);
  }

  cairo_surface_destroy (banded);
  cairo_surface_destroy (bare);
  g_assert_finalize_object (chart);
}

/* The widget in a window: measured at least 320 x 200, snapshotted through a
 * GtkWidgetPaintable and rendered with Cairo; then finalized with the window. */
static void
test_widget_snapshot (void)
{
  GtkWidget *window, *chart;
  GdkRGBA green = { 0, 1, 0, 1 };
  GdkPaintable *paintable;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  cairo_surface_t *surface;
  cairo_t *cr;
  int min_w, min_h, w, h;
  gint64 deadline;
  guint s;

  REQUIRE_DISPLAY ();

  chart = rl_chart_new ();
  g_object_ref_sink (chart);
  gtk_widget_measure (chart, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (chart, GTK_ORIENTATION_VERTICAL, -1, &min_h, NULL, NULL, NULL);
  g_assert_cmpint (min_w, >=, 320);
  g_assert_cmpint (min_h, >=, 200);

  s = rl_chart_add_series (RL_CHART (chart), "acc", &green, RL_CHART_LINE_SOLID, 3,
                           FALSE);
  for (int i = 0; i < 2000; i++)
    rl_chart_append (RL_CHART (chart), s, i * 64.0, 0.1 + 0.85 * (1 - exp (-i / 300.0)));
  rl_chart_set_y_format (RL_CHART (chart), RL_CHART_FORMAT_PERCENT);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 320);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_present (GTK_WINDOW (window));

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((gtk_widget_get_width (chart) == 0 || !gtk_widget_get_mapped (chart)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  w = gtk_widget_get_width (chart);
  h = gtk_widget_get_height (chart);
  g_assert_cmpint (w, >=, 320);
  g_assert_cmpint (h, >=, 200);

  paintable = gtk_widget_paintable_new (chart);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  g_assert_cmpint (count_colour (surface, 0, 255, 0), >, 300);

  cairo_surface_destroy (surface);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* ---- labels: rl_set_str (), the string setter the chart shares with other widgets ------- */

static void
count_notify_cb (GObject *object, GParamSpec *pspec, int *count)
{
  (*count)++;
}

static void
test_labels (void)
{
  g_autofree char *str = NULL;
  GtkWidget *chart;
  int notified = 0;

  REQUIRE_DISPLAY ();

  g_assert_false (rl_set_str (&str, NULL));
  g_assert_true (rl_set_str (&str, "loss"));
  g_assert_cmpstr (str, ==, "loss");
  g_assert_false (rl_set_str (&str, "loss"));
  g_assert_true (rl_set_str (&str, str + 1));   /* a part of the old string */
  g_assert_cmpstr (str, ==, "oss");
  g_assert_true (rl_set_str (&str, NULL));
  g_assert_null (str);

  /* the same label again changes nothing, so notifies nothing */
  chart = g_object_ref_sink (rl_chart_new ());
  g_signal_connect (chart, "notify::title", G_CALLBACK (count_notify_cb), &notified);
  rl_chart_set_title (RL_CHART (chart), "Loss");
  rl_chart_set_title (RL_CHART (chart), "Loss");
  g_assert_cmpint (notified, ==, 1);
  g_assert_cmpstr (rl_chart_get_title (RL_CHART (chart)), ==, "Loss");
  rl_chart_set_title (RL_CHART (chart), NULL);
  g_assert_cmpint (notified, ==, 2);
  g_assert_null (rl_chart_get_title (RL_CHART (chart)));
  g_assert_finalize_object (chart);
}

/* Two charts over one x axis, one with short y labels ("2"), one with long ones ("100%"):
 * their plots begin at different x, until lined up; then both begin at the wider margin, and
 * drawing them in either order gives the same. */
static double
plot_left_after_draw (RlChart *chart)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 500, 300);
  cairo_t *cr = cairo_create (surface);

  rl_chart_draw (chart, cr, 500, 300);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return rl_chart_get_plot_left (chart);
}

static void
test_align (void)
{
  RlChart *loss, *accuracy;
  double loss_left, accuracy_left;

  REQUIRE_DISPLAY ();

  loss = RL_CHART (g_object_ref_sink (rl_chart_new ()));
  accuracy = RL_CHART (g_object_ref_sink (rl_chart_new ()));
  rl_chart_set_y_label (loss, "loss");
  rl_chart_set_y_label (accuracy, "accuracy");
  rl_chart_set_y_format (accuracy, RL_CHART_FORMAT_PERCENT);
  rl_chart_set_y_range (accuracy, 0, 1);
  rl_chart_add_series (loss, "loss", NULL, RL_CHART_LINE_SOLID, 1.0, FALSE);
  rl_chart_add_series (accuracy, "accuracy", NULL, RL_CHART_LINE_SOLID, 1.0, FALSE);
  for (int i = 0; i < 50; i++)
    {
      rl_chart_append (loss, 0, i * 640.0, 2.3 * exp (-i / 10.0));
      rl_chart_append (accuracy, 0, i * 640.0, 1.0 - 0.9 * exp (-i / 10.0));
    }

  loss_left = plot_left_after_draw (loss);
  accuracy_left = plot_left_after_draw (accuracy);
  g_test_message ("apart: the loss plot at %.0f px, the accuracy plot at %.0f", loss_left,
                  accuracy_left);
  g_assert_cmpfloat (loss_left, <, accuracy_left);

  rl_chart_align_plot_with (loss, accuracy);
  plot_left_after_draw (loss);
  plot_left_after_draw (accuracy);
  g_assert_cmpfloat (plot_left_after_draw (loss), ==, accuracy_left);
  g_assert_cmpfloat (plot_left_after_draw (accuracy), ==, accuracy_left);

  /* undone from either side: each its own again */
  rl_chart_align_plot_with (accuracy, NULL);
  g_assert_cmpfloat (plot_left_after_draw (loss), ==, loss_left);
  g_assert_cmpfloat (plot_left_after_draw (accuracy), ==, accuracy_left);

  /* as widgets in a window, drawn by GTK: the one drawn first is drawn again with the other's
   * margin (a redraw asked for while their box was being drawn was lost) */
  {
    GtkWidget *window = gtk_window_new ();
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    RlChart *top = RL_CHART (rl_chart_new ()), *bottom = RL_CHART (rl_chart_new ());
    gint64 end;

    rl_chart_set_y_format (bottom, RL_CHART_FORMAT_PERCENT);
    rl_chart_set_y_range (bottom, 0, 1);
    gtk_widget_set_size_request (GTK_WIDGET (top), 500, 200);
    gtk_widget_set_size_request (GTK_WIDGET (bottom), 500, 200);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (top));
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (bottom));
    gtk_window_set_child (GTK_WINDOW (window), box);
    rl_chart_align_plot_with (top, bottom);
    gtk_window_present (GTK_WINDOW (window));
    end = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_test_message ("in a window: the plots at %.0f and %.0f px", rl_chart_get_plot_left (top),
                    rl_chart_get_plot_left (bottom));
    g_assert_cmpfloat (rl_chart_get_plot_left (top), >, 0);
    g_assert_cmpfloat (rl_chart_get_plot_left (top), ==, rl_chart_get_plot_left (bottom));
    gtk_window_destroy (GTK_WINDOW (window));
  }

  /* a partner finalized: no dangling pointer */
  rl_chart_align_plot_with (loss, accuracy);
  g_assert_finalize_object (accuracy);
  g_assert_cmpfloat (plot_left_after_draw (loss), ==, loss_left);
  g_assert_finalize_object (loss);
}

/* A title wider than the chart wraps to a second line: its end is drawn. One ellipsized line
 * cut the Experiment chart's settings ("… batch norm · s…") at 800 px, and two titles that
 * differ only at their end drew the same picture. */
static void
test_long_title (void)
{
  RlChart *chart;
  GdkRGBA red = { 1, 0, 0, 1 };
  cairo_surface_t *a, *b, *short_a, *short_b;
  GtkWidget *window;
  guint s;

  REQUIRE_DISPLAY ();

  /* in a window, for the theme's text colour: the text is what is compared */
  window = gtk_window_new ();
  chart = RL_CHART (g_object_ref (rl_chart_new ()));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (chart));
  s = rl_chart_add_series (chart, "resnet-20", &red, RL_CHART_LINE_SOLID, 2.0, FALSE);
  for (int i = 0; i < 100; i++)
    rl_chart_append (chart, s, i, 1.0 / (1 + i));

  rl_chart_set_title (chart, "Training error · MNIST, 6400 images × 1 · lr 0.05 · batch norm · "
                      "shortcut A");
  a = render (chart, 360, 220);
  rl_chart_set_title (chart, "Training error · MNIST, 6400 images × 1 · lr 0.05 · batch norm · "
                      "shortcut B");
  b = render (chart, 360, 220);
  g_test_message ("%d pixels differ between the titles ending in A and B",
                  count_differing (a, b));
  g_assert_cmpint (count_differing (a, b), >, 10);

  /* a title that fits keeps one line beside the legend: the chart is as before */
  rl_chart_set_title (chart, "Loss A");
  short_a = render (chart, 360, 220);
  rl_chart_set_title (chart, "Loss B");
  short_b = render (chart, 360, 220);
  g_assert_cmpint (count_differing (short_a, short_b), >, 10);
  g_assert_cmpint (count_colour (short_a, 255, 0, 0), >, count_colour (a, 255, 0, 0));

  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  cairo_surface_destroy (short_a);
  cairo_surface_destroy (short_b);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (chart);
}

int
main (int argc, char *argv[])
{
  /* gtk_test_init() exits when it cannot open a display, and gtk_init_check() cannot come
   * first (gtk_test_init() must set the locale before GTK is initialised): look at the
   * environment. A display that is named but cannot be opened makes the binary fail, which is
   * right: it is a broken setup, not a missing one. */
  have_display = g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;
  if (have_display)
    gtk_test_init (&argc, &argv, NULL);
  else
    g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/chart/nice-ticks/values", test_nice_ticks_values);
  g_test_add_func ("/ui/chart/nice-ticks/properties", test_nice_ticks_properties);
  g_test_add_func ("/ui/chart/format", test_format);
  g_test_add_func ("/ui/chart/axis-ticks", test_axis_ticks);
  g_test_add_func ("/ui/chart/series", test_series);
  g_test_add_func ("/ui/chart/draw", test_draw);
  g_test_add_func ("/ui/chart/band", test_band);
  g_test_add_func ("/ui/chart/widget-snapshot", test_widget_snapshot);
  g_test_add_func ("/ui/chart/labels", test_labels);
  g_test_add_func ("/ui/chart/align", test_align);
  g_test_add_func ("/ui/chart/long-title", test_long_title);

  return g_test_run ();
}
