#define G_LOG_DOMAIN "reslab-engine"

/* rl-userset.c: the user's digits as MNIST IDX files, and mixing datasets. See the header.
 *
 * Shapes: N digits of 28 x 28 bytes.
 */

#include "config.h"

#include "rl-userset.h"
#include "rl-error.h"
#include "rl-limits.h"
#include "rl-preprocess.h"
#include "rl-rng.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define MAX_IMAGES       10000000u
#define SIDE             RL_MNIST_SIDE

char *
rl_userset_default_dir (void)
{
  const char *env = g_getenv ("RESLAB_MINE_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "reslab", "mine", NULL);
}

/* A dataset of @n images shaped and normalised like @like, its pixels and labels not set, in
 * @images and @labels (taken). Returns: (transfer full) */
static RlDataset *
dataset_like_in (const RlDataset *like, uint32_t n, guint8 *images, guint8 *labels)
{
  RlDataset *ds = g_atomic_rc_box_new0 (RlDataset);

  ds->kind = like->kind;
  ds->n = n;
  ds->c = like->c;
  ds->h = like->h;
  ds->w = like->w;
  ds->n_classes = like->n_classes;
  ds->mean = like->mean;
  ds->std = like->std;
  ds->images = images;
  ds->labels = labels;
  return ds;
}

/* As dataset_like (), or NULL when the memory cannot be had (@n comes from a user: a set of
 * millions). */
static RlDataset *
dataset_like_try (const RlDataset *like, uint32_t n)
{
  size_t chw = (size_t) like->c * like->h * like->w;
  g_autofree guint8 *images = g_try_malloc (chw * MAX (n, 1));
  g_autofree guint8 *labels = g_try_malloc (MAX (n, 1));

  if (images == NULL || labels == NULL)
    return NULL;
  return dataset_like_in (like, n, g_steal_pointer (&images), g_steal_pointer (&labels));
}

/* A dataset of @n images shaped and normalised like @like, not set. Returns: (transfer full) */
static RlDataset *
dataset_like (const RlDataset *like, uint32_t n)
{
  size_t chw = (size_t) like->c * like->h * like->w;

  return dataset_like_in (like, n, g_malloc (chw * MAX (n, 1)), g_malloc (MAX (n, 1)));
}

static gboolean
check_shape (const RlDataset *ds, const char *what, GError **error)
{
  if (ds->c != 1 || ds->h != SIDE || ds->w != SIDE)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_SHAPE,
                   _("%s: images of %u x %u x %u, your digits are 1 x 28 x 28"),
                   what, ds->c, ds->h, ds->w);
      return FALSE;
    }
  if (ds->n > RL_USERSET_MAX)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "%1$s: %2$u digit, more than the limit of %3$u",
                                "%1$s: %2$u digits, more than the limit of %3$u", ds->n),
                   what, ds->n, RL_USERSET_MAX);
      return FALSE;
    }
  return TRUE;
}

RlDataset *
rl_userset_load (const char *dir, GError **error)
{
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;
  g_autoptr(RlDataset) ds = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  images = g_build_filename (dir, RL_USERSET_IMAGES, NULL);
  labels = g_build_filename (dir, RL_USERSET_LABELS, NULL);
  if (!g_file_test (images, G_FILE_TEST_EXISTS) && !g_file_test (labels, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s holds none of your digits (no %s, no %s)"), dir, RL_USERSET_IMAGES,
                   RL_USERSET_LABELS);
      return NULL;
    }
  ds = rl_dataset_load_idx (images, labels, RL_DATASET_MNIST, error);
  if (ds == NULL || !check_shape (ds, images, error))
    return NULL;
  return g_steal_pointer (&ds);
}

static void
put_be32 (guint8 *p, uint32_t v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static gboolean
write_idx (const char *path, uint32_t magic, const uint32_t *dims, guint n_dims,
           const guint8 *data, size_t len, GError **error)
{
  size_t head = 4 + 4 * (size_t) n_dims;
  g_autofree guint8 *buf = g_malloc (head + len);

  put_be32 (buf, magic);
  for (guint i = 0; i < n_dims; i++)
    put_be32 (buf + 4 + 4 * i, dims[i]);
  memcpy (buf + head, data, len);
  return g_file_set_contents (path, (const char *) buf, (gssize) (head + len), error);
}

gboolean
rl_userset_save (const RlDataset *set, const char *dir, GError **error)
{
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  images = g_build_filename (dir, RL_USERSET_IMAGES, NULL);
  labels = g_build_filename (dir, RL_USERSET_LABELS, NULL);
  if (set == NULL || set->n == 0)
    {
      /* no empty set on disk: labels first, so a half-done removal reads as missing labels */
      if ((g_unlink (labels) != 0 && errno != ENOENT) ||
          (g_unlink (images) != 0 && errno != ENOENT))
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("%s: cannot remove your digits: %s"), dir, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  if (!check_shape (set, dir, error))
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  return write_idx (images, IDX_MAGIC_IMAGES, (uint32_t[]) { set->n, SIDE, SIDE }, 3,
                    set->images, (size_t) set->n * SIDE * SIDE, error) &&
         write_idx (labels, IDX_MAGIC_LABELS, (uint32_t[]) { set->n }, 1, set->labels,
                    set->n, error);
}

/* The set in @dir, or an empty one (n = 0) when there is none. */
static RlDataset *
load_or_empty (const char *dir, GError **error)
{
  g_autoptr(GError) local = NULL;
  RlDataset *ds = rl_userset_load (dir, &local);
  RlDataset like = { .kind = RL_DATASET_MNIST, .c = 1, .h = SIDE, .w = SIDE, .n_classes = 10,
                     .mean = 0.1307f, .std = 0.3081f };

  if (ds != NULL)
    return ds;
  if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return dataset_like (&like, 0);
}

/* rl_userset_save, and the number of digits saved in *@n_out (nullable). */
static gboolean
save_counted (const RlDataset *set, const char *dir, guint *n_out, GError **error)
{
  if (!rl_userset_save (set, dir, error))
    return FALSE;
  if (n_out != NULL)
    *n_out = set->n;
  return TRUE;
}

/* A pixel as the files keep it. NaN counts as no ink, as in rl_preprocess_digit. */
static uint8_t
pixel_byte (float v)
{
  return v > 0.0f ? (uint8_t) lrintf (MIN (v, 1.0f) * 255.0f) : 0;
}

gboolean
rl_userset_append (const char *dir, const float *image, uint8_t label, guint *n_out,
                   GError **error)
{
  g_autoptr(RlDataset) old = NULL;
  g_autoptr(RlDataset) set = NULL;
  const size_t px = SIDE * SIDE;

  g_return_val_if_fail (dir != NULL && image != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (label > 9)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("label %u is not a digit (0-9)"), label);
      return FALSE;
    }
  old = load_or_empty (dir, error);
  if (old == NULL)
    return FALSE;
  if (old->n >= RL_USERSET_MAX)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "%1$s already holds %2$u digit, the most it keeps",
                                "%1$s already holds %2$u digits, the most it keeps", old->n),
                   dir, old->n);
      return FALSE;
    }
  set = dataset_like (old, old->n + 1);
  memcpy (set->images, old->images, old->n * px);
  memcpy (set->labels, old->labels, old->n);
  for (size_t i = 0; i < px; i++)
    set->images[old->n * px + i] = pixel_byte (image[i]);
  set->labels[old->n] = label;
  return save_counted (set, dir, n_out, error);
}

/* Removes digit @index of the set in @dir; with @image, only if that digit is still @image
 * (as rl_userset_append stores it) with @label. */
static gboolean
delete_digit (const char  *dir,
              guint        index,
              const float *image,
              uint8_t      label,
              guint       *n_out,
              GError     **error)
{
  g_autoptr(RlDataset) old = NULL;
  g_autoptr(RlDataset) set = NULL;
  const size_t px = SIDE * SIDE;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  old = rl_userset_load (dir, error);
  if (old == NULL)
    return FALSE;
  if (index >= old->n)
    {
      g_set_error (error, RL_ERROR, image != NULL ? RL_ERROR_MISMATCH : RL_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE, "%1$s holds %2$u digit: there is no digit %3$u",
                                "%1$s holds %2$u digits: there is no digit %3$u", old->n),
                   dir, old->n, index + 1);
      return FALSE;
    }
  if (image != NULL)
    {
      gboolean same = old->labels[index] == label;

      for (size_t i = 0; same && i < px; i++)
        same = old->images[index * px + i] == pixel_byte (image[i]);
      if (!same)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                       _("digit %u of %s is not the one added: the set changed since"), index + 1,
                       dir);
          return FALSE;
        }
    }
  set = dataset_like (old, old->n - 1);
  memcpy (set->images, old->images, index * px);
  memcpy (set->images + index * px, old->images + (index + 1) * px, (old->n - index - 1) * px);
  memcpy (set->labels, old->labels, index);
  memcpy (set->labels + index, old->labels + index + 1, old->n - index - 1);
  return save_counted (set, dir, n_out, error);
}

gboolean
rl_userset_delete (const char *dir, guint index, guint *n_out, GError **error)
{
  return delete_digit (dir, index, NULL, 0, n_out, error);
}

gboolean
rl_userset_delete_if (const char *dir, guint index, const float *image, uint8_t label,
                      guint *n_out, GError **error)
{
  g_return_val_if_fail (image != NULL, FALSE);

  return delete_digit (dir, index, image, label, n_out, error);
}

gboolean
rl_dataset_concat_check (const RlDataset *a, guint a_repeat, const RlDataset *b, guint b_repeat,
                         guint64 memory, GError **error)
{
  guint64 n, image_bytes, held;
  gboolean limited = FALSE;   /* by a control group, not by the computer */

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (b == NULL)
    b_repeat = 0;
  if (b_repeat > 0 && (a->c != b->c || a->h != b->h || a->w != b->w ||
                       a->n_classes != b->n_classes))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("cannot join images of %u x %u x %u (%u classes) with %u x %u x %u"
                     " (%u classes)"), a->c, a->h, a->w, a->n_classes, b->c, b->h, b->w,
                   b->n_classes);
      return FALSE;
    }
  n = (guint64) a->n * a_repeat + (b_repeat > 0 ? (guint64) b->n * b_repeat : 0);
  if (n == 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, _("nothing to train on: no images"));
      return FALSE;
    }
  if (n > MAX_IMAGES)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "%1$llu image, more than the limit of %2$u",
                                "%1$llu images, more than the limit of %2$u", (gulong) n),
                   (unsigned long long) n,
                   MAX_IMAGES);
      return FALSE;
    }

  /* The mix is written whole at once, beside the sets it is copied from: where memory is
   * overcommitted the allocation succeeds and the copy is killed, so the bytes are weighed
   * against the memory this process may use, at most three quarters of it as for a run's
   * buffers (rl_limits_check_memory), the rest being the system's. */
  image_bytes = (guint64) a->c * a->h * a->w + 1;
  held = (n + a->n + (b_repeat > 0 ? b->n : 0)) * image_bytes;
  if (memory == 0)
    memory = rl_limits_process_memory (&limited);
  if (memory != 0 && held > memory / 4 * 3)
    {
      g_autofree char *mix = g_format_size (n * image_bytes);
      g_autofree char *all = g_format_size (held);
      g_autofree char *have = g_format_size (memory);

      if (limited)
        g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%1$llu image (%2$s), with the sets it is copied from (%3$s in"
                                  " all), is more than three quarters of the memory this process"
                                  " may use (%4$s, its control group's limit): fewer copies of"
                                  " your digits would fit",
                                  "%1$llu images (%2$s), with the sets they are copied from (%3$s"
                                  " in all), are more than three quarters of the memory this"
                                  " process may use (%4$s, its control group's limit): fewer"
                                  " copies of your digits would fit", (gulong) n),
                     (unsigned long long) n, mix, all, have);
      else
        g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%1$llu image (%2$s), with the sets it is copied from (%3$s in"
                                  " all), is more than three quarters of this computer's memory"
                                  " (%4$s): fewer copies of your digits would fit",
                                  "%1$llu images (%2$s), with the sets they are copied from (%3$s"
                                  " in all), are more than three quarters of this computer's"
                                  " memory (%4$s): fewer copies of your digits would fit",
                                  (gulong) n),
                     (unsigned long long) n, mix, all, have);
      return FALSE;
    }
  return TRUE;
}

RlDataset *
rl_dataset_concat (const RlDataset *a, guint a_repeat, const RlDataset *b, guint b_repeat,
                   GError **error)
{
  RlDataset *ds;
  guint64 n;
  size_t chw, pos = 0;

  g_return_val_if_fail (a != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!rl_dataset_concat_check (a, a_repeat, b, b_repeat, 0, error))
    return NULL;
  if (b == NULL)
    b_repeat = 0;
  n = (guint64) a->n * a_repeat + (b_repeat > 0 ? (guint64) b->n * b_repeat : 0);
  chw = (size_t) a->c * a->h * a->w;
  /* up to MAX_IMAGES of them, 7.8 GB of MNIST: refused, not aborted on, where it cannot be had */
  ds = dataset_like_try (a, (uint32_t) n);
  if (ds == NULL)
    {
      g_autofree char *size = g_format_size ((guint64) n * (chw + 1));

      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE, "%1$llu image (%2$s) does not fit in memory",
                                "%1$llu images (%2$s) do not fit in memory", (gulong) n),
                   (unsigned long long) n, size);
      return NULL;
    }
  for (guint r = 0; r < a_repeat; r++, pos += a->n)
    {
      memcpy (ds->images + pos * chw, a->images, (size_t) a->n * chw);
      memcpy (ds->labels + pos, a->labels, a->n);
    }
  for (guint r = 0; r < b_repeat; r++, pos += b->n)
    {
      memcpy (ds->images + pos * chw, b->images, (size_t) b->n * chw);
      memcpy (ds->labels + pos, b->labels, b->n);
    }
  return ds;
}

RlDataset *
rl_dataset_sample (const RlDataset *src, uint32_t n, uint64_t seed)
{
  g_autofree uint32_t *idx = NULL;
  RlDataset *ds;
  size_t chw;
  RlRng rng;

  g_return_val_if_fail (src != NULL && n > 0 && n <= src->n, NULL);

  idx = g_new (uint32_t, src->n);
  for (uint32_t i = 0; i < src->n; i++)
    idx[i] = i;
  rl_rng_init (&rng, seed);
  rl_rng_shuffle (&rng, idx, src->n);

  chw = (size_t) src->c * src->h * src->w;
  ds = dataset_like (src, n);
  for (uint32_t i = 0; i < n; i++)
    {
      memcpy (ds->images + i * chw, src->images + (size_t) idx[i] * chw, chw);
      ds->labels[i] = src->labels[idx[i]];
    }
  return ds;
}
