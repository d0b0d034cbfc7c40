#define G_LOG_DOMAIN "reslab-cli"

/* rl-image-file.c: PNG (cairo) and PGM (P5, P2) images as MNIST-like ink. See the header. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-image-file.h"

#include <cairo.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-preprocess.h"
#include "rl-segment.h"

/* rl_image_luminance_to_ink: how far from the paper a pixel must be to vote */
#define POLARITY_MARGIN 0.1f

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static gboolean
check_size (const char *what, guint64 width, guint64 height, GError **error)
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

static float *
load_png (const guint8 *d, gsize len, const char *what, int *width, int *height, GError **error)
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
  if (!check_size (what, w, h, error))
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

static float *
load_pgm (const guint8 *d, gsize len, const char *what, int *width, int *height, GError **error)
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
  if (!check_size (what, header[0], header[1], error))
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

/* ---- Public ------------------------------------------------------------------------------- */

float *
rl_image_load_luminance_bytes (GBytes *bytes, const char *what, int *width, int *height,
                               GError **error)
{
  gsize len;
  const guint8 *d;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (width != NULL && height != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  d = g_bytes_get_data (bytes, &len);
  if (what == NULL)
    what = _("image");
  if (len > RL_IMAGE_MAX_FILE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: file of %llu bytes is larger than %u bytes"), what,
                   (unsigned long long) len, RL_IMAGE_MAX_FILE);
      return NULL;
    }
  if (len >= 8 && memcmp (d, png_magic, 8) == 0)
    return load_png (d, len, what, width, height, error);
  if (len >= 2 && d[0] == 'P' && (d[1] == '5' || d[1] == '2'))
    return load_pgm (d, len, what, width, height, error);

  g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
               _("%s: not a PNG or PGM (P5, P2) image"), what);
  return NULL;
}

static int
compare_floats (const void *a,
                 const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

gboolean
rl_image_luminance_to_ink (float *pix, int width, int height)
{
  g_autofree float *border = NULL;
  double sum = 0.0, darker = 0.0, lighter = 0.0;
  gsize count = 0, n = (gsize) width * height;
  float paper_dark, paper_light;
  gboolean invert;

  g_return_val_if_fail (pix != NULL && width > 0 && height > 0, FALSE);

  /* Every pixel of the outermost rows and columns, each once. */
  border = g_new (float, 2 * (gsize) width + 2 * (gsize) height);
  for (int y = 0; y < height; y++)
    {
      gboolean edge_row = y == 0 || y == height - 1;
      int step = edge_row ? 1 : MAX (width - 1, 1);

      for (int x = 0; x < width; x += step)
        {
          border[count] = pix[(gsize) y * width + x];
          sum += border[count++];
        }
    }
  qsort (border, count, sizeof *border, compare_floats);

  /* The paper is what the border shows most of, from its lower to its upper quartile: one
   * level (and the median) on even paper, both levels of a hard shadow's edge that crosses
   * the picture. Measured from the median alone, the lit side of a shadow that covers most of
   * the border is lighter than the paper, and outvotes dark ink. */
  paper_dark = border[count / 4];
  paper_light = border[(3 * count) / 4];

  /* What stands out of the paper by more than POLARITY_MARGIN, darker and lighter: the ink
   * is on the side with more of it. Noise and uneven light fall on both sides. */
  for (gsize i = 0; i < n; i++)
    {
      darker += MAX (paper_dark - pix[i] - POLARITY_MARGIN, 0.0f);
      lighter += MAX (pix[i] - paper_light - POLARITY_MARGIN, 0.0f);
    }
  invert = darker != lighter ? darker > lighter : sum / count > 0.5;
  if (invert)
    for (gsize i = 0; i < n; i++)
      pix[i] = 1.0f - pix[i];
  return invert;
}

float *
rl_image_load_gray_bytes (GBytes *bytes, const char *what, int *width, int *height,
                          gboolean *inverted, GError **error)
{
  float *pix = rl_image_load_luminance_bytes (bytes, what, width, height, error);
  gboolean dark_ink = FALSE;

  if (pix != NULL)
    dark_ink = rl_image_luminance_to_ink (pix, *width, *height);
  if (inverted != NULL)
    *inverted = dark_ink;
  return pix;
}

float *
rl_image_file_load_gray (const char *path, int *width, int *height, gboolean *inverted,
                         GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;   /* GIO's message names the file */
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("%s: is a directory"),
                   path);
      return NULL;
    }
  if ((guint64) g_file_info_get_size (info) > RL_IMAGE_MAX_FILE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: file of %llu bytes is larger than %u bytes"), path,
                   (unsigned long long) g_file_info_get_size (info), RL_IMAGE_MAX_FILE);
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, error))
    return NULL;   /* GIO's message names the file */
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  return rl_image_load_gray_bytes (bytes, path, width, height, inverted, error);
}

/* ---- levelling: a photograph's paper is not ink --------------------------------------------- */

#define LEVEL_BINS  1024
#define LEVEL_CELLS 8

static inline int
level_bin (float v)
{
  if (!(v > 0.0f))
    return 0;
  return v >= 1.0f ? LEVEL_BINS - 1 : (int) (v * (LEVEL_BINS - 1) + 0.5f);
}

static inline float
level_value (int bin)
{
  return (float) bin / (LEVEL_BINS - 1);
}

/* The value below which @fraction of the @total samples in bins [@lo, LEVEL_BINS) lie. */
static float
level_percentile (const guint64 *hist, int lo, guint64 total, double fraction)
{
  guint64 want = (guint64) (fraction * (double) total), seen = 0;

  for (int b = lo; b < LEVEL_BINS; b++)
    {
      seen += hist[b];
      if (seen > want)
        return level_value (b);
    }
  return 1.0f;
}

/* Otsu's split of a histogram: the first bin of the upper class, the one that maximises the
 * between-class variance. 0 when every sample is in one bin. */
static int
level_otsu (const guint64 *hist)
{
  double total = 0.0, sum = 0.0, below = 0.0, sum_below = 0.0, best = -1.0;
  int split = 0;

  for (int b = 0; b < LEVEL_BINS; b++)
    {
      total += hist[b];
      sum += (double) b * hist[b];
    }
  for (int b = 1; b < LEVEL_BINS; b++)
    {
      double above, between;

      below += hist[b - 1];
      sum_below += (double) (b - 1) * hist[b - 1];
      above = total - below;
      if (below == 0.0 || above == 0.0)
        continue;
      between = below * above
                * pow (sum_below / below - (sum - sum_below) / above, 2.0);
      if (between > best)
        {
          best = between;
          split = b;
        }
    }
  return split;
}

/* One axis of a box blur of radius @r, in place, over @n samples @step apart; @tmp holds @n. */
static void
box_blur_line (float *p, gsize step, int n, int r, float *tmp)
{
  double acc = 0.0;

  for (int i = 0; i < n; i++)
    tmp[i] = p[(gsize) i * step];
  for (int i = -r; i < n; i++)
    {
      if (i + r < n)
        acc += tmp[i + r];
      if (i - r - 1 >= 0)
        acc -= tmp[i - r - 1];
      if (i >= 0)
        p[(gsize) i * step] = (float) (acc / (MIN (i + r, n - 1) - MAX (i - r, 0) + 1));
    }
}

/* The paper's level as a smooth surface: p(u, v) = c0 + c1 u + c2 v + c3 u^2 + c4 u v + c5 v^2
 * in the picture's own coordinates u, v in [-1, 1], fitted by least squares to the cells'
 * medians. Light falls off smoothly (a shadow, a lamp at one side, a vignette); a surface
 * extrapolates to the picture's edges, where cell values interpolated would stop short. */
typedef struct {
  double c[6];
} PaperLevel;

static void
paper_terms (double u, double v, double *t)
{
  t[0] = 1.0;
  t[1] = u;
  t[2] = v;
  t[3] = u * u;
  t[4] = u * v;
  t[5] = v * v;
}

static double
paper_at (const PaperLevel *p, double u, double v)
{
  double t[6], sum = 0.0;

  paper_terms (u, v, t);
  for (int k = 0; k < 6; k++)
    sum += p->c[k] * t[k];
  return sum;
}

/* Least squares over the cells in @keep, with the first @n_terms terms (1, 3 or 6): the
 * normal equations, solved by Gaussian elimination with partial pivoting. FALSE when they are
 * singular (too few cells, or all on a line). */
static gboolean
paper_fit (PaperLevel *p, int n_terms, const double *u, const double *v, const double *value,
           const gboolean *keep, int n)
{
  double a[6][7] = { { 0 } };

  memset (p->c, 0, sizeof p->c);
  for (int i = 0; i < n; i++)
    {
      double t[6];

      if (!keep[i])
        continue;
      paper_terms (u[i], v[i], t);
      for (int r = 0; r < n_terms; r++)
        {
          for (int c = 0; c < n_terms; c++)
            a[r][c] += t[r] * t[c];
          a[r][n_terms] += t[r] * value[i];
        }
    }
  for (int col = 0; col < n_terms; col++)
    {
      int pivot = col;

      for (int r = col + 1; r < n_terms; r++)
        if (fabs (a[r][col]) > fabs (a[pivot][col]))
          pivot = r;
      if (fabs (a[pivot][col]) < 1e-9)
        return FALSE;
      for (int c = 0; c <= n_terms; c++)
        {
          double tmp = a[col][c];

          a[col][c] = a[pivot][c];
          a[pivot][c] = tmp;
        }
      for (int r = 0; r < n_terms; r++)
        if (r != col)
          {
            double f = a[r][col] / a[col][col];

            for (int c = col; c <= n_terms; c++)
              a[r][c] -= f * a[col][c];
          }
    }
  for (int k = 0; k < n_terms; k++)
    p->c[k] = a[k][n_terms] / a[k][k];
  return TRUE;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The paper under the cells' medians @value: cells the strokes fill stand above the paper, so
 * the first fit is to the lower half of the cells, and three more rounds keep those not more
 * than max (2.5 robust sigmas, 0.02) above the last fit. The surface has as many terms as the
 * cells kept can carry. */
static void
paper_estimate (PaperLevel *p, const double *u, const double *v, const double *value, int n)
{
  gboolean keep[LEVEL_CELLS * LEVEL_CELLS];
  double dev[LEVEL_CELLS * LEVEL_CELLS];

  /* First the lower half: a picture of a digit is mostly paper. */
  memcpy (dev, value, n * sizeof *dev);
  qsort (dev, n, sizeof *dev, compare_double);
  for (int i = 0; i < n; i++)
    keep[i] = value[i] <= dev[(n - 1) / 2];
  for (int round = 0; round < 4; round++)
    {
      int kept = 0, m = 0;
      double sigma;

      for (int i = 0; i < n; i++)
        kept += keep[i];
      if (!(kept >= 18 && paper_fit (p, 6, u, v, value, keep, n))
          && !(kept >= 6 && paper_fit (p, 3, u, v, value, keep, n)))
        {
          /* A constant: the lowest median, the surest paper. */
          memset (p->c, 0, sizeof p->c);
          p->c[0] = value[0];
          for (int i = 1; i < n; i++)
            p->c[0] = MIN (p->c[0], value[i]);
          return;
        }
      if (round == 3)
        return;
      for (int i = 0; i < n; i++)
        if (keep[i])
          dev[m++] = fabs (value[i] - paper_at (p, u[i], v[i]));
      qsort (dev, m, sizeof *dev, compare_double);
      sigma = 1.4826 * dev[m / 2];
      for (int i = 0; i < n; i++)
        keep[i] = value[i] - paper_at (p, u[i], v[i]) <= MAX (2.5 * sigma, 0.02);
    }
}

/* ---- levelling across a hard shadow's edge -------------------------------------------------- */

/* A quadratic surface follows light that falls off smoothly, not a hard shadow's edge across
 * the picture: it settles between the two levels, and leaves a band of the shadowed side
 * standing along the edge, which `read` takes for a digit of its own. So the paper is also
 * measured locally, on blocks a STEP_GRID-th of the short side: their medians are opened (a
 * minimum, then a maximum, over a window a STEP_WINDOW-th of the short side wide, clipped at
 * the picture's border). Strokes are narrower than the window and go; a region of other paper
 * wider than it stays, its edge where it was. A region that reaches the border only has to be
 * half as wide, as a shadow does and a digit does not.
 * The blocks' level is used only when what the surface leaves of the medians, opened the same
 * way, spans a step along the border blocks (STEP_SIGMAS of the blocks' robust sigma, at
 * least STEP_MIN): a shadow's edge crosses the border, a bold digit that outlasts the opening
 * does not. On photo_digits.py's pictures of 1,000 digits that span is at most 0.053 (its
 * heaviest noise) without an edge, and 0.165 to 0.46 with one. Anywhere else the surface
 * stays, as it is smoother and extrapolates to the corners. The opening is not used on what
 * the surface leaves: over the surface's slope between the two levels it would shave the
 * shadowed side's plateau down. Pictures too small to be blurred (RL_IMAGE_LEVEL_BLUR) have
 * no blocks' level: a digit fills most of any window there. */
#define STEP_GRID   64
#define STEP_WINDOW 4
#define STEP_SIGMAS 4.0f
#define STEP_MIN    0.1f

typedef struct {
  int    gw, gh;    /* blocks across and down */
  int    block;     /* a block's side in pixels */
  float *level;     /* (gh, gw): the paper at the blocks' centres; NULL: the surface alone */
} PaperSteps;

/* In place over a line of @n samples @step apart: the minimum (@max FALSE) or the maximum of
 * the samples within @r of each; @tmp holds @n. */
static void
extreme_line (float *p, gsize step, int n, int r, gboolean max, float *tmp)
{
  for (int i = 0; i < n; i++)
    tmp[i] = p[(gsize) i * step];
  for (int i = 0; i < n; i++)
    {
      float e = tmp[i];

      for (int j = MAX (i - r, 0); j <= MIN (i + r, n - 1); j++)
        e = max ? MAX (e, tmp[j]) : MIN (e, tmp[j]);
      p[(gsize) i * step] = e;
    }
}

/* The same over a (@gh, @gw) grid: a square window of side 2 @r + 1. */
static void
extreme_grid (float *g, int gw, int gh, int r, gboolean max, float *tmp)
{
  for (int y = 0; y < gh; y++)
    extreme_line (g + (gsize) y * gw, 1, gw, r, max, tmp);
  for (int x = 0; x < gw; x++)
    extreme_line (g + x, gw, gh, r, max, tmp);
}

/* Fills @steps from the smooth copy @smooth and the surface @paper; steps->level stays NULL
 * when the surface is enough. */
static void
paper_steps_estimate (PaperSteps       *steps,
                      const PaperLevel *paper,
                      const float      *smooth,
                      int               width,
                      int               height)
{
  int side = MIN (width, height), r, n;
  g_autofree float *values = NULL;
  g_autofree float *rest = NULL;
  g_autofree float *dev = NULL;
  g_autofree float *tmp = NULL;
  float sigma, lowest = G_MAXFLOAT, highest = -G_MAXFLOAT;

  steps->level = NULL;
  steps->block = MAX (side / STEP_GRID, 1);
  steps->gw = (width + steps->block - 1) / steps->block;
  steps->gh = (height + steps->block - 1) / steps->block;
  r = MIN (steps->gw, steps->gh) / (2 * STEP_WINDOW);
  if (side < RL_IMAGE_LEVEL_BLUR || r < 1)
    return;

  /* each block's median, and what of it the surface leaves */
  n = steps->gw * steps->gh;
  steps->level = g_new (float, n);
  rest = g_new (float, n);
  values = g_new (float, (gsize) steps->block * steps->block);
  for (int j = 0; j < steps->gh; j++)
    for (int i = 0; i < steps->gw; i++)
      {
        int x0 = i * steps->block, x1 = MIN (x0 + steps->block, width);
        int y0 = j * steps->block, y1 = MIN (y0 + steps->block, height);
        int m = 0;

        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            values[m++] = smooth[(gsize) y * width + x];
        qsort (values, m, sizeof *values, compare_floats);
        steps->level[j * steps->gw + i] = values[m / 2];
        rest[j * steps->gw + i] = values[m / 2]
                                  - (float) paper_at (paper, (double) (x0 + x1) / width - 1.0,
                                                      (double) (y0 + y1) / height - 1.0);
      }

  /* the blocks' noise: the difference of neighbours across, robustly */
  dev = g_new (float, n);
  for (int j = 0; j < steps->gh; j++)
    for (int i = 0; i < steps->gw; i++)
      dev[j * steps->gw + i] = fabsf (rest[j * steps->gw + i]
                                      - rest[j * steps->gw + MIN (i + 1, steps->gw - 1)]);
  qsort (dev, n, sizeof *dev, compare_floats);
  sigma = 1.4826f * dev[n / 2] / (float) G_SQRT2;

  /* A step when the opened rest spans enough along the border: its range, as the surface may
   * settle anywhere between the two levels. */
  tmp = g_new (float, MAX (steps->gw, steps->gh));
  extreme_grid (rest, steps->gw, steps->gh, r, FALSE, tmp);
  extreme_grid (rest, steps->gw, steps->gh, r, TRUE, tmp);
  for (int j = 0; j < steps->gh; j++)
    {
      gboolean edge_row = j == 0 || j == steps->gh - 1;

      for (int i = 0; i < steps->gw; i += edge_row ? 1 : MAX (steps->gw - 1, 1))
        {
          lowest = MIN (lowest, rest[j * steps->gw + i]);
          highest = MAX (highest, rest[j * steps->gw + i]);
        }
    }
  if (highest - lowest < MAX (STEP_SIGMAS * sigma, STEP_MIN))
    {
      g_clear_pointer (&steps->level, g_free);
      return;
    }
  extreme_grid (steps->level, steps->gw, steps->gh, r, FALSE, tmp);
  extreme_grid (steps->level, steps->gw, steps->gh, r, TRUE, tmp);
}

/* The paper under pixel (@x, @y) of value @value. Where the blocks around (the four whose
 * centres enclose it, and one more on every side) differ by little, between the four centres
 * bilinearly; near an edge, the level of those blocks nearest to @value. The edge is then
 * found to the pixel, not to the block, and neither of its sides is left as a line of ink;
 * ink, above both levels, is measured from the upper one. */
static float
paper_steps_at (const PaperSteps *steps, int x, int y, float value)
{
  const float *l = steps->level;
  int gw = steps->gw;
  float gx = CLAMP ((x + 0.5f) / steps->block - 0.5f, 0.0f, (float) (gw - 1));
  float gy = CLAMP ((y + 0.5f) / steps->block - 0.5f, 0.0f, (float) (steps->gh - 1));
  int i0 = (int) gx, j0 = (int) gy;
  int i1 = MIN (i0 + 1, gw - 1), j1 = MIN (j0 + 1, steps->gh - 1);
  float lo = l[j0 * gw + i0], hi = lo, nearest = lo, fx, fy;

  for (int j = MAX (j0 - 1, 0); j <= MIN (j1 + 1, steps->gh - 1); j++)
    for (int i = MAX (i0 - 1, 0); i <= MIN (i1 + 1, gw - 1); i++)
      {
        float v = l[j * gw + i];

        lo = MIN (lo, v);
        hi = MAX (hi, v);
        if (fabsf (v - value) < fabsf (nearest - value))
          nearest = v;
      }
  if (hi - lo > STEP_MIN / 2)
    return nearest;
  fx = gx - i0;
  fy = gy - j0;
  return (1 - fy) * ((1 - fx) * l[j0 * gw + i0] + fx * l[j0 * gw + i1])
         + fy * ((1 - fx) * l[j1 * gw + i0] + fx * l[j1 * gw + i1]);
}

/* The paper's level in ink under pixel (@x, @y) of value @value: the blocks' across a hard
 * shadow's edge, else the surface's. */
static float
paper_level_at (const PaperLevel *paper,
                const PaperSteps *steps,
                int               x,
                int               y,
                int               width,
                int               height,
                float             value)
{
  double at = steps->level != NULL
              ? paper_steps_at (steps, x, y, value)
              : paper_at (paper, (2.0 * x + 1.0) / width - 1.0, (2.0 * y + 1.0) / height - 1.0);

  return (float) CLAMP (at, 0.0, 1.0);
}

/* ---- the light on the paper ------------------------------------------------------------------ */

/* The paper's luminance where its level in ink is @level: ink is 1 - L for dark ink. */
static inline float
paper_light (float level, gboolean inverted)
{
  return inverted ? 1.0f - level : level;
}

/* The most light on the paper: the largest of the blocks' levels across a hard shadow's edge
 * (the pixels' paper lies between them), else the surface's at the cells' centres. */
static float
paper_light_max (const PaperLevel *paper,
                 const PaperSteps *steps,
                 const double     *u,
                 const double     *v,
                 int               n,
                 gboolean          inverted)
{
  float most = 0.0f;

  if (steps->level != NULL)
    for (int k = 0; k < steps->gw * steps->gh; k++)
      most = MAX (most, paper_light (CLAMP (steps->level[k], 0.0f, 1.0f), inverted));
  else
    for (int k = 0; k < n; k++)
      most = MAX (most, paper_light ((float) CLAMP (paper_at (paper, u[k], v[k]), 0.0, 1.0),
                                     inverted));
  return most;
}

/* What ink over paper of @level is multiplied by: the most light on the paper (@light_ref,
 * paper_light_max) over the light there, as a flat field divides by it, so that a stroke in a
 * shadow stands out as much as a lit one (photo_digits.py's `edge`: its strokes in the shadow
 * came out at 0.47 against 0.85 in the light, and 78 of 1,000 digits were misread).
 * Paper darker than LEVEL_LIGHT_MIN (a black board, MNIST's own black) shows no light to
 * divide by, and the gain stops at LEVEL_GAIN_MAX where the paper is nearly black: the
 * shadow of photo_digits.py's `shadow` is 0.25 in its darkest corner. */
#define LEVEL_LIGHT_MIN 0.1f
#define LEVEL_GAIN_MAX  4.0f

/* The gain reaches ink from LEVEL_GAIN_KNEE floors (the paper's noise, step 4 of
 * rl_image_level_ink) above the floor, and grows to it from 1 at the floor: noise just over
 * the floor stays as faint as it was. */
#define LEVEL_GAIN_KNEE 2.0f

static inline float
paper_gain (float level, float light_ref, gboolean inverted)
{
  if (light_ref < LEVEL_LIGHT_MIN)
    return 1.0f;
  return light_ref / MAX (paper_light (level, inverted), light_ref / LEVEL_GAIN_MAX);
}

gboolean
rl_image_level_ink (float *ink, int width, int height, gboolean inverted)
{
  gsize n = (gsize) width * height;
  int radius = MIN (width, height) / RL_IMAGE_LEVEL_BLUR;
  int cx = MIN (LEVEL_CELLS, width), cy = MIN (LEVEL_CELLS, height);
  double cell[LEVEL_CELLS * LEVEL_CELLS];
  double cell_u[LEVEL_CELLS * LEVEL_CELLS], cell_v[LEVEL_CELLS * LEVEL_CELLS];
  PaperLevel paper;
  PaperSteps steps;
  g_autofree guint64 *hist = NULL;
  g_autofree float *smooth = NULL;
  guint64 upper = 0;
  float ink_level, floor_level, light_ref;
  int split;

  g_return_val_if_fail (ink != NULL && width > 0 && height > 0, FALSE);

  /* 1. A smooth copy, to judge by: noise finer than a quarter of a field pixel (when the digit
   *    fills the picture) is gone from it. Pictures under RL_IMAGE_LEVEL_BLUR px need no blur,
   *    but still a copy: step 5 scales the ink, not what judges it. */
  smooth = g_memdup2 (ink, n * sizeof *ink);
  if (radius > 0)
    {
      g_autofree float *tmp = g_new (float, MAX (width, height));

      for (int y = 0; y < height; y++)
        box_blur_line (smooth + (gsize) y * width, 1, width, radius, tmp);
      for (int x = 0; x < width; x++)
        box_blur_line (smooth + x, width, height, radius, tmp);
    }

  /* 2. The paper's own level (grey paper, a shadow, uneven light): the median of each of
   *    8 x 8 cells, and a smooth surface through those that are paper (paper_estimate); across
   *    a hard shadow's edge, the opened medians of small blocks instead (paper_steps_estimate). */
  hist = g_new (guint64, LEVEL_BINS);
  for (int j = 0; j < cy; j++)
    for (int i = 0; i < cx; i++)
      {
        int x0 = i * width / cx, x1 = (i + 1) * width / cx;
        int y0 = j * height / cy, y1 = (j + 1) * height / cy;
        int c = j * cx + i;

        memset (hist, 0, LEVEL_BINS * sizeof *hist);
        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            hist[level_bin (smooth[(gsize) y * width + x])]++;
        cell_u[c] = (x0 + x1) / (double) width - 1.0;
        cell_v[c] = (y0 + y1) / (double) height - 1.0;
        cell[c] = level_percentile (hist, 0, (guint64) (x1 - x0) * (y1 - y0), 0.5);
      }
  paper_estimate (&paper, cell_u, cell_v, cell, cx * cy);
  paper_steps_estimate (&steps, &paper, smooth, width, height);

  /* 3. The paper out of the smooth copy. Across a hard shadow's edge the paper is chosen by
   *    the pixel's own value: the smooth copy has blurred the edge. */
  memset (hist, 0, LEVEL_BINS * sizeof *hist);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize k = (gsize) y * width + x;
        float level = paper_level_at (&paper, &steps, x, y, width, height, ink[k]);

        smooth[k] = smooth[k] > level ? smooth[k] - level : 0.0f;
        hist[level_bin (smooth[k])]++;
      }

  /* 4. Ink and paper apart (Otsu, on the smooth copy). Too little contrast is no ink at all.
   *    What is left of the paper's noise goes where the smooth copy is under a floor: a clean
   *    picture's paper is mostly exactly 0 after step 3, a noisy one's half-normal, whose upper
   *    quartile is 0.67 sigma, so six of it (at most half the split) is four sigma. */
  split = level_otsu (hist);
  for (int b = split; b < LEVEL_BINS; b++)
    upper += hist[b];
  if (split == 0 || level_percentile (hist, split, upper, 0.95) < RL_IMAGE_LEVEL_MIN_CONTRAST)
    {
      g_clear_pointer (&steps.level, g_free);
      memset (ink, 0, n * sizeof *ink);
      return FALSE;
    }
  floor_level = MIN (6.0f * level_percentile (hist, 0, n - upper, 0.75),
                     0.5f * level_value (split));

  /* 5. The ink above the paper, scaled by the light on it (paper_gain): a stroke in a shadow
   *    stands out of its paper by as much less as the light is. Only the ink is scaled, not
   *    the smooth copy that judges it: the paper's noise is as large in a shadow as in the
   *    light, and the floor stays four of its sigmas (scaled too, the floor was set by the
   *    lit paper and the shadow's noise passed it: `shadow` 861 of 1,000 read right instead of
   *    944). Specks of noise that pass the floor keep a gain near 1 (LEVEL_GAIN_KNEE): at full
   *    gain they stood out over RL_IMAGE_DIGIT_THRESHOLD in the dark and widened the digit's
   *    box (`chalk` 953 instead of 974). Under the floor the ink is paper, and step 6 would
   *    take it anyway: its level is not looked up again. */
  light_ref = paper_light_max (&paper, &steps, cell_u, cell_v, cx * cy, inverted);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize k = (gsize) y * width + x;
        float level, gain;

        if (smooth[k] < floor_level)
          {
            ink[k] = 0.0f;
            continue;
          }
        level = paper_level_at (&paper, &steps, x, y, width, height, ink[k]);
        gain = paper_gain (level, light_ref, inverted);
        if (floor_level > 0.0f)
          gain = 1.0f + (gain - 1.0f) * MIN ((smooth[k] - floor_level)
                                             / (LEVEL_GAIN_KNEE * floor_level), 1.0f);
        ink[k] = ink[k] > level ? gain * (ink[k] - level) : 0.0f;
      }
  g_clear_pointer (&steps.level, g_free);

  /* 6. The ink's 95th percentile becomes full ink (its upper quartile made resampled strokes
   *    bolder, and joined digits 1 px apart in `read`: 89.1 % read exactly instead of
   *    92.2 %); the paper under the floor becomes 0. The ink keeps its own, unsmoothed values:
   *    the scaling to 20 x 20 averages what noise is left between the strokes. */
  memset (hist, 0, LEVEL_BINS * sizeof *hist);
  for (gsize k = 0; k < n; k++)
    if (level_bin (smooth[k]) >= split)
      hist[level_bin (ink[k])]++;
  ink_level = MAX (level_percentile (hist, 0, upper, 0.95), RL_IMAGE_LEVEL_MIN_CONTRAST);
  for (gsize k = 0; k < n; k++)
    ink[k] = smooth[k] < floor_level ? 0.0f : MIN (ink[k] / ink_level, 1.0f);
  return TRUE;
}

static void
set_no_ink (GError     **error,
            const char  *path)
{
  g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
               _("%s: no ink found (nothing stands out from the background)"), path);
}

/* @path read and levelled (rl_image_level_ink); NULL with an error naming it when it is no
 * image or nothing stands out from its paper. Returns: (transfer full) (nullable) */
static float *
load_levelled (const char  *path,
               GBytes      *bytes,
               int         *width,
               int         *height,
               GError     **error)
{
  gboolean inverted = FALSE;
  /* @path names @bytes when there are bytes (a pasted picture) */
  g_autofree float *ink = bytes != NULL ? rl_image_load_gray_bytes (bytes, path, width, height,
                                                                    &inverted, error)
                                        : rl_image_file_load_gray (path, width, height,
                                                                   &inverted, error);

  if (ink != NULL && !rl_image_level_ink (ink, *width, *height, inverted))
    {
      set_no_ink (error, path);
      return NULL;
    }
  return g_steal_pointer (&ink);
}

static gboolean
digit_from_levelled (const char  *path,
                     const float *ink,
                     int          width,
                     int          height,
                     float       *digit,
                     GError     **error)
{
  if (!rl_preprocess_digit (ink, width, height, width, RL_IMAGE_DIGIT_THRESHOLD, digit))
    {
      set_no_ink (error, path);
      return FALSE;
    }
  return TRUE;
}

static float *
fitted_from_levelled (const char  *path,
                      const float *ink,
                      int          width,
                      int          height,
                      int          out_width,
                      int          out_height,
                      GError     **error)
{
  float *out = rl_image_fit_ink (ink, width, height, out_width, out_height);

  if (out == NULL)
    g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                 _("%s: the image is too large to scale (%d x %d pixels)"), path, width,
                 height);
  return out;
}

gboolean
rl_image_file_load_digit (const char  *path,
                          float       *digit,
                          GError     **error)
{
  g_autofree float *ink = NULL;
  int w, h;

  g_return_val_if_fail (path != NULL && digit != NULL, FALSE);

  ink = load_levelled (path, NULL, &w, &h, error);
  return ink != NULL && digit_from_levelled (path, ink, w, h, digit, error);
}

gboolean
rl_image_load_digit_bytes (GBytes      *bytes,
                           const char  *what,
                           float       *digit,
                           GError     **error)
{
  g_autofree float *ink = NULL;
  int w, h;

  g_return_val_if_fail (bytes != NULL && what != NULL && digit != NULL, FALSE);

  ink = load_levelled (what, bytes, &w, &h, error);
  return ink != NULL && digit_from_levelled (what, ink, w, h, digit, error);
}

float *
rl_image_fit_ink (const float *ink,
                  int          width,
                  int          height,
                  int          out_width,
                  int          out_height)
{
  cairo_surface_t *src, *dst;
  cairo_t *cr;
  float *out = NULL;
  double scale;
  guint8 *d;
  int stride;

  g_return_val_if_fail (ink != NULL && width > 0 && height > 0, NULL);
  g_return_val_if_fail (out_width > 0 && out_height > 0, NULL);

  src = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  dst = cairo_image_surface_create (CAIRO_FORMAT_A8, out_width, out_height);
  if (cairo_surface_status (src) != CAIRO_STATUS_SUCCESS
      || cairo_surface_status (dst) != CAIRO_STATUS_SUCCESS)
    goto out;

  cairo_surface_flush (src);
  d = cairo_image_surface_get_data (src);
  stride = cairo_image_surface_get_stride (src);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      d[(gsize) y * stride + x] = (guint8) (CLAMP (ink[(gsize) y * width + x], 0.0f, 1.0f) * 255
                                            + 0.5f);
  cairo_surface_mark_dirty (src);

  /* the whole picture, as large as fits, centred; GOOD filters down as well as up */
  scale = MIN ((double) out_width / width, (double) out_height / height);
  cr = cairo_create (dst);
  cairo_translate (cr, (out_width - width * scale) / 2, (out_height - height * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, src, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (dst);

  out = g_new (float, (gsize) out_width * out_height);
  d = cairo_image_surface_get_data (dst);
  stride = cairo_image_surface_get_stride (dst);
  for (int y = 0; y < out_height; y++)
    for (int x = 0; x < out_width; x++)
      out[(gsize) y * out_width + x] = d[(gsize) y * stride + x] / 255.0f;

out:
  cairo_surface_destroy (src);
  cairo_surface_destroy (dst);
  return out;
}

float *
rl_image_file_load_fitted (const char  *path,
                           int          out_width,
                           int          out_height,
                           GError     **error)
{
  g_autofree float *ink = NULL;
  int w, h;

  g_return_val_if_fail (path != NULL, NULL);

  ink = load_levelled (path, NULL, &w, &h, error);
  return ink != NULL ? fitted_from_levelled (path, ink, w, h, out_width, out_height, error)
                     : NULL;
}

char *
rl_image_file_get_local_path (GFile   *file,
                              GError **error)
{
  char *path;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: only files on this computer can be opened"), uri);
    }
  return path;
}

/* ---- on a worker -------------------------------------------------------------------------- */

typedef enum {
  LOAD_DIGIT,
  LOAD_FITTED,
  LOAD_PICTURE,          /* either, by how many digits the reader finds */
} LoadMode;

typedef struct {
  char     *path;            /* or the name of... */
  GBytes   *bytes;           /* ...these bytes of an image (rl_image_bytes_load_async) */
  LoadMode  mode;
  int       width, height;   /* fitted into */
  gboolean  number;          /* LOAD_PICTURE: fitted, as a number (set by the worker) */
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *d = data;

  g_free (d->path);
  g_clear_pointer (&d->bytes, g_bytes_unref);
  g_free (d);
}

/* Two digits or more, as `reslab-cli read` would segment the picture: a number. */
static gboolean
picture_is_number (const float *ink,
                   int          width,
                   int          height)
{
  RlSegmentParams params;
  g_autoptr (RlSegmentation) seg = NULL;

  rl_segment_params_init (&params);
  seg = rl_segment_digits (ink, width, height, width, &params);
  return seg != NULL && seg->n >= 2;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *d = task_data;
  GError *error = NULL;
  g_autofree float *levelled = NULL;
  float *ink = NULL;
  int w, h;

  levelled = load_levelled (d->path, d->bytes, &w, &h, &error);
  if (levelled != NULL && d->mode == LOAD_PICTURE)
    d->number = picture_is_number (levelled, w, h);
  if (levelled != NULL && (d->mode == LOAD_FITTED || d->number))
    ink = fitted_from_levelled (d->path, levelled, w, h, d->width, d->height, &error);
  else if (levelled != NULL)
    {
      ink = g_new (float, 28 * 28);
      if (!digit_from_levelled (d->path, levelled, w, h, ink, &error))
        g_clear_pointer (&ink, g_free);
    }
  if (ink == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ink, g_free);
}

/* The task of every _async here: @path (transfer full) names the file, or @bytes (nullable) when
 * there are bytes; a NULL @path fails with @error (transfer full). */
static void
start_load (char                *path,
            GBytes              *bytes,
            GError              *error,
            LoadMode             mode,
            int                  width,
            int                  height,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *d;

  g_task_set_source_tag (task, start_load);
  if (path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  d = g_new0 (LoadData, 1);
  d->path = path;
  d->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  d->mode = mode;
  d->width = width;
  d->height = height;
  g_task_set_task_data (task, d, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

static void
load_async (GFile               *file,
            LoadMode             mode,
            int                  width,
            int                  height,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GError *error = NULL;
  char *path = rl_image_file_get_local_path (file, &error);

  start_load (path, NULL, error, mode, width, height, cancellable, callback, user_data);
}

void
rl_image_file_load_digit_async (GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (G_IS_FILE (file));

  load_async (file, LOAD_DIGIT, 0, 0, cancellable, callback, user_data);
}

void
rl_image_file_load_fitted_async (GFile               *file,
                                 int                  out_width,
                                 int                  out_height,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (out_width > 0 && out_height > 0);

  load_async (file, LOAD_FITTED, out_width, out_height, cancellable, callback, user_data);
}

void
rl_image_file_load_picture_async (GFile               *file,
                                  int                  out_width,
                                  int                  out_height,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (out_width > 0 && out_height > 0);

  load_async (file, LOAD_PICTURE, out_width, out_height, cancellable, callback, user_data);
}

void
rl_image_bytes_load_async (GBytes              *bytes,
                           const char          *what,
                           gboolean             as_number,
                           int                  out_width,
                           int                  out_height,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (bytes != NULL && what != NULL);
  g_return_if_fail (out_width > 0 && out_height > 0);

  start_load (g_strdup (what), bytes, NULL, as_number ? LOAD_FITTED : LOAD_PICTURE, out_width,
              out_height, cancellable, callback, user_data);
}

float *
rl_image_file_load_finish (GAsyncResult  *result,
                           gboolean      *number,
                           GError       **error)
{
  LoadData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  d = g_task_get_task_data (G_TASK (result));
  if (number != NULL)
    *number = d != NULL && (d->mode == LOAD_FITTED || d->number);
  return g_task_propagate_pointer (G_TASK (result), error);
}
