#define G_LOG_DOMAIN "reslab-cli"

/* rl-image-file.c: PNG (cairo) and PGM (P5, P2) images as MNIST-like ink, the reading the
 * header describes: bytes told apart by content and decoded (the decoders are in
 * rl-image-decode.c), the ink's polarity, files, digits and fitted ink, and the same on a
 * worker thread for the app. See the header. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-image-file.h"

#include <cairo.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rl-error.h"
#include "rl-image-private.h"
#include "rl-preprocess.h"
#include "rl-segment.h"

/* rl_image_luminance_to_ink: how far from the paper a pixel must be to vote */
#define POLARITY_MARGIN 0.1f

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

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
    return _rl_image_load_png (d, len, what, width, height, error);
  if (len >= 2 && d[0] == 'P' && (d[1] == '5' || d[1] == '2'))
    return _rl_image_load_pgm (d, len, what, width, height, error);

  g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
               _("%s: not a PNG or PGM (P5, P2) image"), what);
  return NULL;
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
  qsort (border, count, sizeof *border, rl_image_compare_floats);

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
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  GStatBuf sb;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  /* said as the model reader says it ("cannot read x.png: No such file or directory"), not
   * in GIO's words about "getting information for file" and the absolute path */
  if (g_stat (path, &sb) != 0 || (!S_ISDIR (sb.st_mode) && g_access (path, R_OK) != 0))
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot read %s: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (sb.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("%s: is a directory"),
                   path);
      return NULL;
    }
  /* a device (/dev/zero) or a pipe reports no size, or 0: it would be read without end */
  if (!S_ISREG (sb.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s: is not a regular file (an image was expected)"), path);
      return NULL;
    }
  if ((guint64) sb.st_size > RL_IMAGE_MAX_FILE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: file of %llu bytes is larger than %u bytes"), path,
                   (unsigned long long) sb.st_size, RL_IMAGE_MAX_FILE);
      return NULL;
    }
  file = g_file_new_for_path (path);
  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, error))
    return NULL;   /* GIO's message names the file */
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  return rl_image_load_gray_bytes (bytes, path, width, height, inverted, error);
}

static void
set_no_ink (GError     **error,
            const char  *path)
{
  g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE,
               _("%s: no ink found (nothing stands out from the background)"), path);
}

/* @path read and, for a digit (not a Fashion-MNIST @kind), levelled (rl_image_level_ink); NULL
 * with an error naming it when it is no image or nothing stands out from its paper.
 * Fashion-MNIST's recipe has no levelling: its items keep their grey levels (a light shirt is
 * faint ink, which Otsu's threshold would take for paper), and on its own images levelling
 * cost a trained model 23 of 200 right answers (148 against 171, the model's own 170).
 * Returns: (transfer full) (nullable) */
static float *
load_levelled (const char     *path,
               GBytes         *bytes,
               RlDatasetKind   kind,
               int            *width,
               int            *height,
               GError        **error)
{
  gboolean inverted = FALSE;
  /* @path names @bytes when there are bytes (a pasted picture) */
  g_autofree float *ink = bytes != NULL ? rl_image_load_gray_bytes (bytes, path, width, height,
                                                                    &inverted, error)
                                        : rl_image_file_load_gray (path, width, height,
                                                                   &inverted, error);

  if (ink != NULL && kind != RL_DATASET_FASHION &&
      !rl_image_level_ink (ink, *width, *height, inverted))
    {
      set_no_ink (error, path);
      return NULL;
    }
  return g_steal_pointer (&ink);
}

static gboolean
digit_from_levelled (const char    *path,
                     RlDatasetKind  kind,
                     const float   *ink,
                     int            width,
                     int            height,
                     float         *digit,
                     GError       **error)
{
  if (!rl_preprocess_image_map (kind, ink, width, height, width, RL_IMAGE_DIGIT_THRESHOLD, digit,
                                NULL))
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
rl_image_file_load_digit (const char     *path,
                          RlDatasetKind   kind,
                          float          *digit,
                          GError        **error)
{
  g_autofree float *ink = NULL;
  int w, h;

  g_return_val_if_fail (path != NULL && digit != NULL, FALSE);

  ink = load_levelled (path, NULL, kind, &w, &h, error);
  return ink != NULL && digit_from_levelled (path, kind, ink, w, h, digit, error);
}

gboolean
rl_image_load_digit_bytes (GBytes         *bytes,
                           const char     *what,
                           RlDatasetKind   kind,
                           float          *digit,
                           GError        **error)
{
  g_autofree float *ink = NULL;
  int w, h;

  g_return_val_if_fail (bytes != NULL && what != NULL && digit != NULL, FALSE);

  ink = load_levelled (what, bytes, kind, &w, &h, error);
  return ink != NULL && digit_from_levelled (what, kind, ink, w, h, digit, error);
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

  ink = load_levelled (path, NULL, RL_DATASET_MNIST, &w, &h, error);
  return ink != NULL ? fitted_from_levelled (path, ink, w, h, out_width, out_height, error)
                     : NULL;
}

/* ---- on a worker -------------------------------------------------------------------------- */

typedef enum {
  LOAD_DIGIT,
  LOAD_FITTED,
  LOAD_PICTURE,          /* either, by how many digits the reader finds */
} LoadMode;

typedef struct {
  char     *path;            /* or the name of... */
  GBytes   *bytes;           /* ...these bytes of an image (rl_image_bytes_load_async), or... */
  GFile    *remote;          /* ...a file not on this computer, read into them first */
  LoadMode  mode;
  RlDatasetKind kind;        /* a digit: as this dataset's images are made */
  int       width, height;   /* fitted into */
  gboolean  number;          /* LOAD_PICTURE: fitted, as a number (set by the worker) */
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *d = data;

  g_free (d->path);
  g_clear_pointer (&d->bytes, g_bytes_unref);
  g_clear_object (&d->remote);
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

/* The bytes of @file (named @uri), a file GIO reads from elsewhere (a picture dragged from a
 * web browser, with GVfs), up to RL_IMAGE_MAX_FILE. Returns: (transfer full) (nullable) */
static GBytes *
read_remote (GFile        *file,
             const char   *uri,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GByteArray) data = g_byte_array_new ();
  g_autoptr (GError) local_error = NULL;
  guint8 buf[65536];
  gssize n;

  in = G_INPUT_STREAM (g_file_read (file, cancellable, &local_error));
  while (in != NULL &&
         (n = g_input_stream_read (in, buf, sizeof buf, cancellable, &local_error)) > 0)
    {
      if (data->len + (guint64) n > RL_IMAGE_MAX_FILE)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE, _("%s: larger than %u bytes"), uri,
                       RL_IMAGE_MAX_FILE);
          return NULL;
        }
      g_byte_array_append (data, buf, (guint) n);
    }
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      /* without GVfs (its backends) GIO reads no http:, ftp: or smb: file at all, and says
       * only "Operation not supported" */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s: files at this kind of address cannot be read here (that needs GVfs "
                     "and a backend for it); save the file and open it from a folder"),
                   uri);
      return NULL;
    }
  if (local_error != NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", uri,
                   local_error->message);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
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

  if (d->remote != NULL)
    d->bytes = read_remote (d->remote, d->path, cancellable, &error);
  if (d->remote == NULL || d->bytes != NULL)
    levelled = load_levelled (d->path, d->bytes,
                              d->mode == LOAD_FITTED ? RL_DATASET_MNIST : d->kind, &w, &h,
                              &error);
  /* a picture of clothes is one item, however many parts the number reader would find */
  if (levelled != NULL && d->mode == LOAD_PICTURE && d->kind != RL_DATASET_FASHION)
    d->number = picture_is_number (levelled, w, h);
  if (levelled != NULL && (d->mode == LOAD_FITTED || d->number))
    ink = fitted_from_levelled (d->path, levelled, w, h, d->width, d->height, &error);
  else if (levelled != NULL)
    {
      ink = g_new (float, 28 * 28);
      if (!digit_from_levelled (d->path, d->kind, levelled, w, h, ink, &error))
        g_clear_pointer (&ink, g_free);
    }
  if (ink == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ink, g_free);
}

/* The task of every _async here: @path (transfer full) names the file, or @bytes (nullable) when
 * there are bytes, or @remote (nullable), a file elsewhere, which the worker reads first. */
static void
start_load (char                *path,
            GBytes              *bytes,
            GFile               *remote,
            LoadMode             mode,
            RlDatasetKind        kind,
            int                  width,
            int                  height,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *d;

  g_task_set_source_tag (task, start_load);
  d = g_new0 (LoadData, 1);
  d->path = path;
  d->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  d->remote = remote != NULL ? g_object_ref (remote) : NULL;
  d->mode = mode;
  d->kind = kind;
  d->width = width;
  d->height = height;
  g_task_set_task_data (task, d, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

static void
load_async (GFile               *file,
            LoadMode             mode,
            RlDatasetKind        kind,
            int                  width,
            int                  height,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  /* a file elsewhere (no path: not even through a GVfs mount) is read on the worker, named
   * by its URI */
  char *path = g_file_get_path (file);

  start_load (path != NULL ? path : g_file_get_uri (file), NULL, path != NULL ? NULL : file,
              mode, kind, width, height, cancellable, callback, user_data);
}

void
rl_image_file_load_digit_async (GFile               *file,
                                RlDatasetKind        kind,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (G_IS_FILE (file));

  load_async (file, LOAD_DIGIT, kind, 0, 0, cancellable, callback, user_data);
}

void
rl_image_file_load_ink_async (GFile               *file,
                              gboolean             as_number,
                              RlDatasetKind        kind,
                              int                  out_width,
                              int                  out_height,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (out_width > 0 && out_height > 0);

  load_async (file, as_number ? LOAD_FITTED : LOAD_PICTURE, kind, out_width, out_height,
              cancellable, callback, user_data);
}

void
rl_image_bytes_load_async (GBytes              *bytes,
                           const char          *what,
                           gboolean             as_number,
                           RlDatasetKind        kind,
                           int                  out_width,
                           int                  out_height,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (bytes != NULL && what != NULL);
  g_return_if_fail (out_width > 0 && out_height > 0);

  start_load (g_strdup (what), bytes, NULL, as_number ? LOAD_FITTED : LOAD_PICTURE, kind,
              out_width, out_height, cancellable, callback, user_data);
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
