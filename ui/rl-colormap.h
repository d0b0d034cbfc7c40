/* rl-colormap.h: colour maps for activation maps, filters and input images.
 *
 * Signed values (convolution outputs before the ReLU, the residual F(x), filters) use a
 * diverging map: blue for negative, white for zero, red for positive, symmetric around zero so
 * that white always means 0. Non-negative values (after a ReLU or pooling) use a sequential,
 * perceptually uniform map (viridis). Input images use grey, white ink on black as MNIST.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  RL_COLORMAP_GREY,        /* lo: black, hi: white */
  RL_COLORMAP_SEQUENTIAL,  /* lo: dark violet, hi: yellow (viridis) */
  RL_COLORMAP_DIVERGING,   /* -m: blue, 0: white, +m: red, m = max (|lo|, |hi|) */
} RlColormap;

/* Colour at position @t in [0, 1] (clamped); for the diverging map 0.5 is white. */
void             rl_colormap_rgb        (RlColormap cmap, double t, double rgb[3]);

/* Where @v falls in the map for the range [@lo, @hi]: the sequential and grey maps stretch
 * [lo, hi] over [0, 1]; the diverging map puts 0 at 0.5 and +-max (|lo|, |hi|) at the ends. */
double           rl_colormap_position   (RlColormap cmap, float v, float lo, float hi);

/* The smallest and largest of @n values (0 and 0 when n == 0). */
void             rl_colormap_range      (const float *data, size_t n, float *lo, float *hi);

/* An ARGB32 image of @width x @height pixels.
 * data: (height, width). Returns: (transfer full) */
cairo_surface_t *rl_colormap_surface    (RlColormap   cmap,
                                         const float *data,
                                         int          width,
                                         int          height,
                                         float        lo,
                                         float        hi);

/* Paints @data into the rectangle (@x, @y, @rect_w, @rect_h) of @cr with crisp, unfiltered
 * pixels (nearest neighbour), as an image viewer at high zoom does.
 * data: (height, width) */
void             rl_colormap_paint      (cairo_t     *cr,
                                         RlColormap   cmap,
                                         const float *data,
                                         int          width,
                                         int          height,
                                         float        lo,
                                         float        hi,
                                         double       x,
                                         double       y,
                                         double       rect_w,
                                         double       rect_h);

/* A horizontal colour bar over the rectangle, left = 0, right = 1. */
void             rl_colormap_paint_bar  (cairo_t    *cr,
                                         RlColormap  cmap,
                                         double      x,
                                         double      y,
                                         double      rect_w,
                                         double      rect_h);

G_END_DECLS
