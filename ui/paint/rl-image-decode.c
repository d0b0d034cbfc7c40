#define G_LOG_DOMAIN "reslab-cli"

/* rl-image-decode.c: the decoders behind rl-image-file.c's reading, a file's bytes to luminance
 * (0 black, 1 white): PNG through cairo, then rl_image_surface_to_luminance (any cairo image
 * surface, composited over white), and PGM (P5, P2) by hand. Each checks the size from the
 * header before anything the size of the image is allocated. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-image-file.h"

#include <cairo.h>
#include <string.h>

#include "rl-error.h"
#include "rl-image-private.h"

gboolean
rl_image_check_size (const char  *what,
                     guint64      width,
                     guint64      height,
                     GError     **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
                   _("%s: image has zero size (%llu x %llu)"),
                   what, (unsigned long long) width, (unsigned long long) height);
      return FALSE;
    }
  if (width > RL_IMAGE_MAX_SIDE || height > RL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: image of %llu x %llu pixels is larger than %d pixels a side"),
                   what, (unsigned long long) width, (unsigned long long) height,
                   RL_IMAGE_MAX_SIDE);
      return FALSE;
    }
  /* a side each may reach, not both: a 16384 x 16384 PNG of one colour is 300 KB, and took
   * 2 GB and half a minute to find no ink in */
  if (width * height > RL_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: image of %llu x %llu pixels is more than %u pixels in all"),
                   what, (unsigned long long) width, (unsigned long long) height,
                   RL_IMAGE_MAX_PIXELS);
      return FALSE;
    }
  return TRUE;
}

/* ---- PNG ---------------------------------------------------------------------------------- */

typedef struct {
  const guint8 *data;
  gsize         len, pos;
  gboolean      short_read;   /* libpng asked for more than the file holds */
} PngReader;

static cairo_status_t
png_read_cb (void *closure, unsigned char *buf, unsigned int length)
{
  PngReader *r = closure;

  if (length > r->len - r->pos)
    {
      r->short_read = TRUE;
      return CAIRO_STATUS_READ_ERROR;
    }
  memcpy (buf, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

/* Rec. 601 luma, as most tools (PIL's "L", netpbm's ppmtopgm) convert colour to grey. */
static inline float
luma (float r, float g, float b)
{
  return 0.299f * r + 0.587f * g + 0.114f * b;
}

float *
rl_image_surface_to_luminance (cairo_surface_t *surface, int *width, int *height)
{
  cairo_surface_t *white = NULL;
  int w, h, stride;
  const guint8 *pix;
  float *out;

  g_return_val_if_fail (surface != NULL, NULL);
  g_return_val_if_fail (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE, NULL);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return NULL;
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  if (w <= 0 || h <= 0)
    return NULL;

  /* Anything other than the three formats handled below (cairo's PNG reader gives ARGB32 or
   * RGB24) is painted onto white RGB24 first; that is also what compositing over white means
   * for it. */
  switch (cairo_image_surface_get_format (surface))
    {
    case CAIRO_FORMAT_ARGB32:
    case CAIRO_FORMAT_RGB24:
    case CAIRO_FORMAT_A8:
      break;
    default:
      {
        cairo_t *cr;

        white = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
        cr = cairo_create (white);
        cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_paint (cr);
        cairo_set_source_surface (cr, surface, 0, 0);
        cairo_paint (cr);
        cairo_destroy (cr);
        if (cairo_surface_status (white) != CAIRO_STATUS_SUCCESS)
          {
            cairo_surface_destroy (white);
            return NULL;
          }
        surface = white;
      }
    }

  cairo_surface_flush (surface);
  stride = cairo_image_surface_get_stride (surface);
  pix = cairo_image_surface_get_data (surface);
  out = g_new (float, (gsize) w * h);

  for (int y = 0; y < h; y++)
    {
      const guint8 *row = pix + (gsize) y * stride;
      float *o = out + (gsize) y * w;

      switch (cairo_image_surface_get_format (surface))
        {
        case CAIRO_FORMAT_ARGB32:
          /* Premultiplied alpha: over white, c' = c + (1 - a). */
          for (int x = 0; x < w; x++)
            {
              guint32 p = ((const guint32 *) row)[x];
              float a = (p >> 24) / 255.0f;
              float r = ((p >> 16) & 0xff) / 255.0f + (1.0f - a);
              float g = ((p >> 8) & 0xff) / 255.0f + (1.0f - a);
              float b = (p & 0xff) / 255.0f + (1.0f - a);

              o[x] = luma (r, g, b);
            }
          break;
        case CAIRO_FORMAT_RGB24:
          for (int x = 0; x < w; x++)
            {
              guint32 p = ((const guint32 *) row)[x];

              o[x] = luma (((p >> 16) & 0xff) / 255.0f, ((p >> 8) & 0xff) / 255.0f,
                           (p & 0xff) / 255.0f);
            }
          break;
        case CAIRO_FORMAT_A8:
          /* Alpha only: black of that coverage, over white. */
          for (int x = 0; x < w; x++)
            o[x] = 1.0f - row[x] / 255.0f;
          break;
        default:
          g_assert_not_reached ();
        }
      for (int x = 0; x < w; x++)
        o[x] = CLAMP (o[x], 0.0f, 1.0f);
    }

  if (white != NULL)
    cairo_surface_destroy (white);
  *width = w;
  *height = h;
  return out;
}

float *
_rl_image_load_png (const guint8 *d, gsize len, const char *what, int *width, int *height,
                    GError **error)
{
  PngReader reader = { d, len, 0, FALSE };
  cairo_surface_t *surface;
  cairo_status_t status;
  guint32 w, h;
  float *out;

  /* IHDR comes first: signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
   * Check the size before libpng allocates rows for it. */
  if (len < 24)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED, _("%s: PNG file ends inside its header"),
                   what);
      return NULL;
    }
  if (memcmp (d + 12, "IHDR", 4) != 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE, _("%s: PNG file has no IHDR chunk"),
                   what);
      return NULL;
    }
  memcpy (&w, d + 16, 4);
  memcpy (&h, d + 20, 4);
  w = GUINT32_FROM_BE (w);
  h = GUINT32_FROM_BE (h);
  if (!rl_image_check_size (what, w, h, error))
    return NULL;

  surface = cairo_image_surface_create_from_png_stream (png_read_cb, &reader);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      if (reader.short_read)
        g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                     _("%s: PNG file ends before its image data does"), what);
      else if (status == CAIRO_STATUS_NO_MEMORY || status == CAIRO_STATUS_PNG_ERROR ||
               status == CAIRO_STATUS_READ_ERROR)
        /* cairo 1.16 reports libpng's errors (bad CRC, bad zlib data) as NO_MEMORY; the size
         * was checked above, so a real shortage of memory is unlikely. */
        g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
                     _("%s: invalid or corrupt PNG data"), what);
      else
        g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
                     _("%s: cannot read PNG image: %s"), what, cairo_status_to_string (status));
      cairo_surface_destroy (surface);
      return NULL;
    }

  out = rl_image_surface_to_luminance (surface, width, height);
  cairo_surface_destroy (surface);
  if (out == NULL)
    g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE, _("%s: cannot convert the PNG image"),
                 what);
  return out;
}

/* ---- PGM ---------------------------------------------------------------------------------- */

typedef struct {
  const guint8 *d;
  gsize         len, pos;
} Scanner;

static void
skip_space_and_comments (Scanner *s)
{
  while (s->pos < s->len)
    {
      if (g_ascii_isspace (s->d[s->pos]))
        s->pos++;
      else if (s->d[s->pos] == '#')
        {
          while (s->pos < s->len && s->d[s->pos] != '\n' && s->d[s->pos] != '\r')
            s->pos++;
        }
      else
        break;
    }
}

typedef enum { NUM_OK, NUM_END, NUM_BAD } NumResult;

/* A decimal number; absurdly long ones saturate at G_MAXUINT64, which every bound rejects. */
static NumResult
read_number (Scanner *s, guint64 *value)
{
  guint64 v = 0;
  gsize start;

  skip_space_and_comments (s);
  if (s->pos >= s->len)
    return NUM_END;
  start = s->pos;
  while (s->pos < s->len && g_ascii_isdigit (s->d[s->pos]))
    {
      if (v > (G_MAXUINT64 - 9) / 10)
        v = G_MAXUINT64;
      else
        v = v * 10 + (s->d[s->pos] - '0');
      s->pos++;
    }
  if (s->pos == start)
    return NUM_BAD;
  /* A number ends at whitespace, a comment or the end of the file. */
  if (s->pos < s->len && !g_ascii_isspace (s->d[s->pos]) && s->d[s->pos] != '#')
    return NUM_BAD;
  *value = v;
  return NUM_OK;
}

float *
_rl_image_load_pgm (const guint8 *d, gsize len, const char *what, int *width, int *height,
                    GError **error)
{
  Scanner s = { d, len, 2 };
  gboolean binary = d[1] == '5';
  guint64 header[3];
  guint64 n, maxval;
  float *out;

  for (int i = 0; i < 3; i++)
    {
      NumResult r = read_number (&s, &header[i]);

      if (r != NUM_OK)
        {
          /* one whole sentence for each field and each way it can fail */
          GQuark domain = RL_ERROR;
          int code = r == NUM_END ? RL_ERROR_TRUNCATED : RL_ERROR_BAD_IMAGE;

          if (r == NUM_END)
            g_set_error (error, domain, code,
                         i == 0 ? _("%s: PGM header ends before its width")
                         : i == 1 ? _("%s: PGM header ends before its height")
                         : _("%s: PGM header ends before its maxval"), what);
          else
            g_set_error (error, domain, code,
                         i == 0 ? _("%s: PGM header has no valid number for its width")
                         : i == 1 ? _("%s: PGM header has no valid number for its height")
                         : _("%s: PGM header has no valid number for its maxval"), what);
          return NULL;
        }
    }
  if (!rl_image_check_size (what, header[0], header[1], error))
    return NULL;
  maxval = header[2];
  if (maxval < 1 || maxval > 65535)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
                   _("%s: PGM maxval %llu is not in 1..65535"), what,
                   (unsigned long long) maxval);
      return NULL;
    }

  n = header[0] * header[1];
  if (binary)
    {
      guint64 bytes_per = maxval < 256 ? 1 : 2;

      /* Exactly one whitespace character separates maxval from the raster. */
      if (s.pos >= len)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                       _("%s: PGM file ends after its header, expected %llu bytes of pixels"),
                       what, (unsigned long long) (n * bytes_per));
          return NULL;
        }
      s.pos++;
      if (len - s.pos < n * bytes_per)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                       _("%s: PGM file holds %llu bytes of pixels, its header (%llu x %llu,"
                         " maxval %llu) needs %llu"),
                       what, (unsigned long long) (len - s.pos), (unsigned long long) header[0],
                       (unsigned long long) header[1], (unsigned long long) maxval,
                       (unsigned long long) (n * bytes_per));
          return NULL;
        }
    }

  out = g_new (float, n);
  for (guint64 i = 0; i < n; i++)
    {
      guint64 v;

      if (!binary)
        {
          NumResult r = read_number (&s, &v);

          if (r != NUM_OK)
            {
              g_set_error (error, RL_ERROR, r == NUM_END ? RL_ERROR_TRUNCATED : RL_ERROR_BAD_IMAGE,
                           r == NUM_END ? _("%s: PGM file ends after %llu of its %llu pixels")
                                        : _("%s: PGM pixel %llu of %llu is not a number"),
                           what, (unsigned long long) i, (unsigned long long) n);
              g_free (out);
              return NULL;
            }
        }
      else if (maxval < 256)
        v = d[s.pos + i];
      else
        v = ((guint) d[s.pos + 2 * i] << 8) | d[s.pos + 2 * i + 1];

      if (v > maxval)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
                       _("%s: PGM pixel %llu is %llu, above maxval %llu"), what,
                       (unsigned long long) i, (unsigned long long) v,
                       (unsigned long long) maxval);
          g_free (out);
          return NULL;
        }
      out[i] = (float) ((double) v / maxval);
    }

  *width = header[0];
  *height = header[1];
  return out;
}
