/* rl-paint-file.h: a Cairo drawing saved as PNG or SVG, by the file's extension. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define RL_PAINT_MIN_SIZE 16
#define RL_PAINT_MAX_SIZE 16384

typedef void (*RlPaintFunc) (cairo_t *cr, double width, double height, gconstpointer data);

/* Draws @draw into a @width x @height drawing, written atomically to @path as PNG (pixels: the
 * units times @png_scale) or SVG (points) by its extension (".png" or ".svg", any case).
 * @svg_extra (nullable) is SVG markup put in the SVG before its closing tag (titles, which
 * browsers show as tooltips). Errors: RL_ERROR_INVALID_ARGUMENT for another extension or a size
 * outside RL_PAINT_MIN_SIZE..RL_PAINT_MAX_SIZE, RL_ERROR_FAILED when Cairo fails, GFileError
 * when the file cannot be written. */
gboolean rl_paint_save (const char    *path,
                        int            width,
                        int            height,
                        double         png_scale,
                        RlPaintFunc    draw,
                        gconstpointer  data,
                        const char    *svg_extra,
                        GError       **error);

G_END_DECLS
