#define G_LOG_DOMAIN "reslab-paint"

/* rl-paint-file.c: a Cairo drawing saved as PNG or SVG, by the file's extension (see
 * rl-paint-file.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-paint-file.h"

#include <cairo-svg.h>
#include <string.h>

#include "rl-error.h"

typedef enum {
  FORMAT_PNG,
  FORMAT_SVG,
} Format;

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* @extra before the SVG's closing tag. */
static void
insert_svg_extra (GByteArray *bytes, const char *extra)
{
  static const char closing[] = "</svg>";
  gsize n = strlen (closing);

  for (gsize i = bytes->len >= n ? bytes->len - n + 1 : 0; i-- > 0;)
    if (memcmp (bytes->data + i, closing, n) == 0)
      {
        g_autoptr(GByteArray) tail = g_byte_array_new ();

        g_byte_array_append (tail, bytes->data + i, bytes->len - i);
        g_byte_array_set_size (bytes, i);
        g_byte_array_append (bytes, (const guint8 *) extra, strlen (extra));
        g_byte_array_append (bytes, tail->data, tail->len);
        return;
      }
}

gboolean
rl_paint_save (const char *path, int width, int height, double png_scale, RlPaintFunc draw,
               gconstpointer data, const char *svg_extra, GError **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *lower = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  Format format;

  g_return_val_if_fail (path != NULL && draw != NULL, FALSE);
  g_return_val_if_fail (png_scale > 0, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    format = FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    format = FORMAT_SVG;
  else
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("%s: a figure is saved as .png or .svg"), path);
      return FALSE;
    }
  if (width < RL_PAINT_MIN_SIZE || width > RL_PAINT_MAX_SIZE || height < RL_PAINT_MIN_SIZE
      || height > RL_PAINT_MAX_SIZE
      || (format == FORMAT_PNG && (width * png_scale > RL_PAINT_MAX_SIZE
                                   || height * png_scale > RL_PAINT_MAX_SIZE)))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("%s: a figure must be %d to %d units wide and high (asked for %d x %d)"),
                   path, RL_PAINT_MIN_SIZE, RL_PAINT_MAX_SIZE, width, height);
      return FALSE;
    }

  if (format == FORMAT_PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * png_scale + 0.5),
                                          (int) (height * png_scale + 0.5));
  else
    {
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      cairo_svg_surface_restrict_to_version (surface, CAIRO_SVG_VERSION_1_1);
    }
  cr = cairo_create (surface);
  if (format == FORMAT_PNG)
    cairo_scale (cr, png_scale, png_scale);
  draw (cr, width, height, data);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_FAILED, "%s: cairo: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  if (format == FORMAT_SVG && svg_extra != NULL)
    insert_svg_extra (bytes, svg_extra);
  return g_file_set_contents (path, (const char *) bytes->data, (gssize) bytes->len, error);
}
