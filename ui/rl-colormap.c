#define G_LOG_DOMAIN "reslab-ui"

/* rl-colormap.c: the diverging, viridis and grey colour maps (see rl-colormap.h).
 */

#include "rl-colormap.h"

#include <math.h>

typedef struct {
  double t;
  guint8 r, g, b;
} Stop;

/* viridis (matplotlib), sampled at every tenth. */
static const Stop sequential_stops[] = {
  { 0.0, 0x44, 0x01, 0x54 }, { 0.1, 0x48, 0x24, 0x75 }, { 0.2, 0x41, 0x44, 0x87 },
  { 0.3, 0x35, 0x5f, 0x8d }, { 0.4, 0x2a, 0x78, 0x8e }, { 0.5, 0x21, 0x91, 0x8c },
  { 0.6, 0x22, 0xa8, 0x84 }, { 0.7, 0x44, 0xbf, 0x70 }, { 0.8, 0x7a, 0xd1, 0x51 },
  { 0.9, 0xbd, 0xdf, 0x26 }, { 1.0, 0xfd, 0xe7, 0x25 },
};

/* ColorBrewer RdBu, reversed so that negative is blue; the middle is a neutral near-white. */
static const Stop diverging_stops[] = {
  { 0.0,      0x21, 0x66, 0xac }, { 1.0 / 6, 0x67, 0xa9, 0xcf }, { 2.0 / 6, 0xd1, 0xe5, 0xf0 },
  { 0.5,      0xf7, 0xf7, 0xf7 }, { 4.0 / 6, 0xfd, 0xdb, 0xc7 }, { 5.0 / 6, 0xef, 0x8a, 0x62 },
  { 1.0,      0xb2, 0x18, 0x2b },
};

static void
interpolate (const Stop *stops, guint n_stops, double t, double rgb[3])
{
  guint i;

  for (i = 1; i + 1 < n_stops && t > stops[i].t; i++)
    ;
  {
    const Stop *a = &stops[i - 1];
    const Stop *b = &stops[i];
    double u = (t - a->t) / (b->t - a->t);

    u = CLAMP (u, 0.0, 1.0);
    rgb[0] = ((1 - u) * a->r + u * b->r) / 255.0;
    rgb[1] = ((1 - u) * a->g + u * b->g) / 255.0;
    rgb[2] = ((1 - u) * a->b + u * b->b) / 255.0;
  }
}

void
rl_colormap_rgb (RlColormap cmap,
                 double     t,
                 double     rgb[3])
{
  if (!(t >= 0.0))   /* also catches NaN */
    t = 0.0;
  if (t > 1.0)
    t = 1.0;

  switch (cmap)
    {
    case RL_COLORMAP_GREY:
      rgb[0] = rgb[1] = rgb[2] = t;
      break;
    case RL_COLORMAP_SEQUENTIAL:
      interpolate (sequential_stops, G_N_ELEMENTS (sequential_stops), t, rgb);
      break;
    case RL_COLORMAP_DIVERGING:
    default:
      interpolate (diverging_stops, G_N_ELEMENTS (diverging_stops), t, rgb);
      break;
    }
}

double
rl_colormap_position (RlColormap cmap,
                      float      v,
                      float      lo,
                      float      hi)
{
  if (cmap == RL_COLORMAP_DIVERGING)
    {
      double m = MAX (fabsf (lo), fabsf (hi));

      return m > 0 ? 0.5 + 0.5 * v / m : 0.5;
    }

  return hi > lo ? (v - lo) / (double) (hi - lo) : 0.0;
}

void
rl_colormap_range (const float *data,
                   size_t       n,
                   float       *lo,
                   float       *hi)
{
  float a = 0, b = 0;

  if (n > 0)
    {
      a = b = data[0];
      for (size_t i = 1; i < n; i++)
        {
          a = MIN (a, data[i]);
          b = MAX (b, data[i]);
        }
    }
  *lo = a;
  *hi = b;
}

cairo_surface_t *
rl_colormap_surface (RlColormap   cmap,
                     const float *data,
                     int          width,
                     int          height,
                     float        lo,
                     float        hi)
{
  cairo_surface_t *surface;
  guint8 *pixels;
  int stride;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (pixels + (size_t) y * stride);

      for (int x = 0; x < width; x++)
        {
          double rgb[3];

          rl_colormap_rgb (cmap, rl_colormap_position (cmap, data[y * width + x], lo, hi), rgb);
          row[x] = 0xff000000u
                   | (guint32) lround (rgb[0] * 255) << 16
                   | (guint32) lround (rgb[1] * 255) << 8
                   | (guint32) lround (rgb[2] * 255);
        }
    }
  cairo_surface_mark_dirty (surface);

  return surface;
}

void
rl_colormap_paint (cairo_t     *cr,
                   RlColormap   cmap,
                   const float *data,
                   int          width,
                   int          height,
                   float        lo,
                   float        hi,
                   double       x,
                   double       y,
                   double       rect_w,
                   double       rect_h)
{
  cairo_surface_t *surface;

  if (width <= 0 || height <= 0 || rect_w <= 0 || rect_h <= 0)
    return;

  surface = rl_colormap_surface (cmap, data, width, height, lo, hi);
  cairo_save (cr);
  cairo_rectangle (cr, x, y, rect_w, rect_h);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, rect_w / width, rect_h / height);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
}

void
rl_colormap_paint_bar (cairo_t    *cr,
                       RlColormap  cmap,
                       double      x,
                       double      y,
                       double      rect_w,
                       double      rect_h)
{
  cairo_pattern_t *gradient = cairo_pattern_create_linear (x, 0, x + rect_w, 0);

  for (int i = 0; i <= 32; i++)
    {
      double rgb[3];

      rl_colormap_rgb (cmap, i / 32.0, rgb);
      cairo_pattern_add_color_stop_rgb (gradient, i / 32.0, rgb[0], rgb[1], rgb[2]);
    }
  cairo_save (cr);
  cairo_rectangle (cr, x, y, rect_w, rect_h);
  cairo_set_source (cr, gradient);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_pattern_destroy (gradient);
}
