#define G_LOG_DOMAIN "reslab-engine"

/* rl-dataset.c: IDX files (MNIST, Fashion-MNIST) and shuffled mini-batches drawn from them.
 *
 * IDX format (http://yann.lecun.com/exdb/mnist/): a big-endian 32-bit magic 0x000008DD
 * (0x08 = unsigned bytes, DD = number of dimensions), DD big-endian 32-bit sizes, then the
 * bytes in row-major order. Images: 0x00000803, (N, H, W). Labels: 0x00000801, (N).
 *
 * Nothing a header says is trusted: the magic, every size and, for a raw file, the file's
 * length are checked before the payload is allocated. A gzip file's length says nothing about
 * what it holds, so its payload is read in growing chunks: memory never runs ahead of the
 * bytes that actually decompress. In both forms, bytes after the announced payload are
 * RL_ERROR_BAD_HEADER (the header does not describe the file), and a file that ends early,
 * including a gzip stream cut anywhere, is RL_ERROR_TRUNCATED.
 *
 * Shapes: N images, C channels (1), H x W pixels.
 */

#include "config.h"

#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-rng.h"

#include <gio/gio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAX_DIM      4096u
#define IDX_MAX_COUNT    10000000u
/* the whole image payload; far above any dataset this app trains on */
#define IDX_MAX_BYTES    (G_GUINT64_CONSTANT (1) << 32)
#define IDX_GZ_CHUNK     ((gsize) 1 << 20)
#define N_CLASSES        10u

/* torchvision's values: the mean and standard deviation of the training images' pixels in
 * [0, 1]; x = (byte / 255 - mean) / std as in transforms.ToTensor + Normalize. */
#define MNIST_MEAN   0.1307f
#define MNIST_STD    0.3081f
#define FASHION_MEAN 0.2860f
#define FASHION_STD  0.3530f

/* Marked with <glib/gi18n-lib.h>'s N_(): untranslated here (the names are data), the app
 * shows them through _() */
static const char *const fashion_classes[N_CLASSES] = {
  N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"),
  N_("Sandal"), N_("Shirt"), N_("Sneaker"), N_("Bag"), N_("Ankle boot"),
};

static const char *const digit_classes[N_CLASSES] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
};

/* ---- IDX reading -------------------------------------------------------------------- */

typedef struct {
  const char   *path;     /* borrowed, for messages */
  GInputStream *in;       /* owned: the file, or a decompressing stream over it */
  gboolean      gz;
  goffset       size;     /* raw file's length in bytes; -1 for gzip */
  uint32_t      dims[3];  /* sizes from the header */
  guint         n_dims;
} IdxFile;

static void
idx_file_clear (IdxFile *f)
{
  g_clear_object (&f->in);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdxFile, idx_file_clear)

/* Which part of an IDX file a read is in, for the message when the file ends there. */
typedef enum {
  IDX_HEADER,
  IDX_DATA,
} IdxPart;

/* Reads exactly @len bytes. A short read, or a gzip stream that ends mid-way, is
 * RL_ERROR_TRUNCATED, its message naming @part (one sentence each, for translators); other I/O
 * errors pass through with the file name prefixed. */
static gboolean
idx_read_exact (IdxFile    *f,
                void       *buf,
                gsize       len,
                IdxPart     part,
                GError    **error)
{
  gsize got = 0;
  g_autoptr(GError) local = NULL;

  if (!g_input_stream_read_all (f->in, buf, len, &got, NULL, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                       part == IDX_HEADER ? _("%s: compressed data ends early, in the header")
                                          : _("%s: compressed data ends early, in the data"),
                       f->path);
          return FALSE;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", f->path);
      return FALSE;
    }
  if (got < len)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   part == IDX_HEADER
                   ? g_dngettext (GETTEXT_PACKAGE,
                                  "%1$s: file ends early, in the header (%2$zu of %3$zu byte)",
                                  "%1$s: file ends early, in the header (%2$zu of %3$zu bytes)",
                                  len)
                   : g_dngettext (GETTEXT_PACKAGE,
                                  "%1$s: file ends early, in the data (%2$zu of %3$zu byte)",
                                  "%1$s: file ends early, in the data (%2$zu of %3$zu bytes)",
                                  len),
                   f->path, got, len);
      return FALSE;
    }
  return TRUE;
}

static uint32_t
be32 (const guint8 *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

/* Opens @path, detects gzip by its magic (1f 8b), and reads and checks the header:
 * @magic, and dims within bounds. */
static gboolean
idx_open (IdxFile    *f,
          const char *path,
          uint32_t    magic,
          GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) fin = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guint8 head[4 * 4];
  gsize got = 0;
  uint32_t m;

  memset (f, 0, sizeof *f);
  f->path = path;
  f->size = -1;

  fin = g_file_read (file, NULL, error);
  if (fin == NULL)
    return FALSE;   /* GIO's message names the file */

  info = g_file_input_stream_query_info (fin, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
  if (info == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }

  /* peek at the first two bytes, then go back to the start */
  if (!g_input_stream_read_all (G_INPUT_STREAM (fin), head, 2, &got, NULL, error) ||
      !g_seekable_seek (G_SEEKABLE (fin), 0, G_SEEK_SET, NULL, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }

  if (got == 2 && head[0] == 0x1f && head[1] == 0x8b)
    {
      g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);

      f->gz = TRUE;
      f->in = g_converter_input_stream_new (G_INPUT_STREAM (fin), G_CONVERTER (z));
    }
  else
    {
      f->size = g_file_info_get_size (info);
      f->in = G_INPUT_STREAM (g_steal_pointer (&fin));
    }

  if (!idx_read_exact (f, head, 4, IDX_HEADER, error))
    return FALSE;
  m = be32 (head);
  if (m != magic)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_MAGIC,
                   magic == IDX_MAGIC_IMAGES
                   ? _("%s: magic number 0x%08x, expected 0x%08x (IDX images, 3 dimensions)")
                   : _("%s: magic number 0x%08x, expected 0x%08x (IDX labels, 1 dimension)"),
                   path, m, magic);
      return FALSE;
    }

  f->n_dims = magic & 0xff;
  if (!idx_read_exact (f, head, 4 * f->n_dims, IDX_HEADER, error))
    return FALSE;
  for (guint i = 0; i < f->n_dims; i++)
    f->dims[i] = be32 (head + 4 * i);

  if (f->dims[0] > IDX_MAX_COUNT)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: header claims %2$u item, more than the limit of %3$u",
                                "%1$s: header claims %2$u items, more than the limit of %3$u",
                                f->dims[0]),
                   path, f->dims[0], IDX_MAX_COUNT);
      return FALSE;
    }
  if (f->dims[0] == 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER, _("%s: header claims 0 items"), path);
      return FALSE;
    }
  for (guint i = 1; i < f->n_dims; i++)
    {
      if (f->dims[i] > IDX_MAX_DIM)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                       _("%s: image dimension %u is %u, more than the limit of %u"),
                       path, i, f->dims[i], IDX_MAX_DIM);
          return FALSE;
        }
      if (f->dims[i] == 0)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                       _("%s: image dimension %u is 0"), path, i);
          return FALSE;
        }
    }
  return TRUE;
}

/* Bytes of payload the header announces. */
static guint64
idx_payload_size (const IdxFile *f)
{
  guint64 n = 1;

  for (guint i = 0; i < f->n_dims; i++)
    n *= f->dims[i];
  return n;
}

/* Reads the payload announced by the header, checking the length first (raw) or as it goes
 * (gzip), and that nothing follows it. Returns: (transfer full) */
static guint8 *
idx_read_payload (IdxFile  *f,
                  GError  **error)
{
  guint64 need = idx_payload_size (f);
  guint64 header = 4 + 4 * (guint64) f->n_dims;
  g_autofree guint8 *buf = NULL;
  gsize cap, got = 0;
  guint8 extra;
  gsize n_extra = 0;
  g_autoptr(GError) local = NULL;

  if (need > IDX_MAX_BYTES)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: header announces %2$llu byte of data, more than the"
                                " limit of %3$llu",
                                "%1$s: header announces %2$llu bytes of data, more than the"
                                " limit of %3$llu", need),
                   f->path, (unsigned long long) need, (unsigned long long) IDX_MAX_BYTES);
      return NULL;
    }

  if (!f->gz)
    {
      if ((guint64) f->size < header + need)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%1$s: file is %2$lld byte, its header announces %3$llu",
                                    "%1$s: file is %2$lld bytes, its header announces %3$llu",
                                    (gulong) f->size), f->path,
                       (long long) f->size, (unsigned long long) (header + need));
          return NULL;
        }
      if ((guint64) f->size > header + need)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%1$s: file is %2$lld byte, its header announces only"
                                    " %3$llu",
                                    "%1$s: file is %2$lld bytes, its header announces only"
                                    " %3$llu", (gulong) f->size), f->path,
                       (long long) f->size, (unsigned long long) (header + need));
          return NULL;
        }
      cap = need;
    }
  else
    cap = MIN (need, IDX_GZ_CHUNK);

  buf = g_malloc (cap);
  while (got < need)
    {
      if (got == cap)
        {
          cap = (gsize) MIN ((guint64) cap * 2, need);
          buf = g_realloc (buf, cap);
        }
      if (!idx_read_exact (f, buf + got, cap - got, IDX_DATA, error))
        return NULL;
      got = cap;
    }

  /* the file must end here */
  if (!g_input_stream_read_all (f->in, &extra, 1, &n_extra, NULL, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                     _("%s: compressed stream ends without its trailer"), f->path);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", f->path);
      return NULL;
    }
  if (n_extra != 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: data continues after the %2$llu byte its header announces",
                                "%1$s: data continues after the %2$llu bytes its header"
                                " announces", need), f->path,
                   (unsigned long long) need);
      return NULL;
    }
  return g_steal_pointer (&buf);
}

/* ---- datasets ----------------------------------------------------------------------- */

static void
kind_stats (RlDatasetKind kind, float *mean, float *std)
{
  if (kind == RL_DATASET_FASHION)
    {
      *mean = FASHION_MEAN;
      *std = FASHION_STD;
    }
  else
    {
      *mean = MNIST_MEAN;
      *std = MNIST_STD;
    }
}

static RlDataset *
dataset_new (RlDatasetKind kind, uint32_t n, uint32_t h, uint32_t w)
{
  RlDataset *ds = g_atomic_rc_box_new0 (RlDataset);

  ds->kind = kind;
  ds->n = n;
  ds->c = 1;
  ds->h = h;
  ds->w = w;
  ds->n_classes = N_CLASSES;
  kind_stats (kind, &ds->mean, &ds->std);
  return ds;
}

RlDataset *
rl_dataset_load_idx (const char     *images_path,
                     const char     *labels_path,
                     RlDatasetKind   kind,
                     GError        **error)
{
  g_auto(IdxFile) img = { 0 };
  g_auto(IdxFile) lab = { 0 };
  g_autofree guint8 *images = NULL;
  g_autofree guint8 *labels = NULL;
  RlDataset *ds;

  g_return_val_if_fail (images_path != NULL, NULL);
  g_return_val_if_fail (labels_path != NULL, NULL);
  g_return_val_if_fail (kind == RL_DATASET_MNIST || kind == RL_DATASET_FASHION, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* both headers first, so a mismatch is found before anything large is read */
  if (!idx_open (&img, images_path, IDX_MAGIC_IMAGES, error) ||
      !idx_open (&lab, labels_path, IDX_MAGIC_LABELS, error))
    return NULL;

  if (img.dims[0] != lab.dims[0])
    {
      /* two sentences, each with its own count in its own plural form */
      g_autofree char *has_images =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%1$s holds %2$u image.",
                                      "%1$s holds %2$u images.", img.dims[0]),
                         images_path, img.dims[0]);
      g_autofree char *has_labels =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%1$s holds %2$u label: one for each image is needed.",
                                      "%1$s holds %2$u labels: one for each image is needed.",
                                      lab.dims[0]),
                         labels_path, lab.dims[0]);

      /* TRANSLATORS: two sentences one after the other (a translation may drop the space) */
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH, C_("sentences", "%1$s %2$s"), has_images,
                   has_labels);
      return NULL;
    }

  labels = idx_read_payload (&lab, error);
  if (labels == NULL)
    return NULL;
  for (uint32_t i = 0; i < lab.dims[0]; i++)
    if (labels[i] >= N_CLASSES)
      {
        g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                     _("%s: label %u of item %u is not below %u"),
                     labels_path, labels[i], i, N_CLASSES);
        return NULL;
      }

  images = idx_read_payload (&img, error);
  if (images == NULL)
    return NULL;

  ds = dataset_new (kind, img.dims[0], img.dims[1], img.dims[2]);
  ds->images = g_steal_pointer (&images);
  ds->labels = g_steal_pointer (&labels);
  return ds;
}

/* Path of @name or @name.gz in @dir (the raw file when both exist), or NULL. */
static char *
find_file (const char *dir, const char *name)
{
  g_autofree char *raw = g_build_filename (dir, name, NULL);
  g_autofree char *gz = NULL;

  if (g_file_test (raw, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&raw);
  gz = g_strconcat (raw, ".gz", NULL);
  if (g_file_test (gz, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&gz);
  return NULL;
}

RlDataset *
rl_dataset_load (const char     *dir,
                 RlDatasetKind   kind,
                 RlSplit         split,
                 GError        **error)
{
  g_autofree char *default_dir = NULL;
  const char *prefix = split == RL_SPLIT_TRAIN ? "train" : "t10k";
  g_autofree char *img_name = g_strconcat (prefix, "-images-idx3-ubyte", NULL);
  g_autofree char *lab_name = g_strconcat (prefix, "-labels-idx1-ubyte", NULL);
  g_autofree char *img_path = NULL;
  g_autofree char *lab_path = NULL;

  g_return_val_if_fail (split == RL_SPLIT_TRAIN || split == RL_SPLIT_TEST, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dir == NULL)
    dir = default_dir = rl_dataset_default_dir (kind);

  img_path = find_file (dir, img_name);
  lab_path = find_file (dir, lab_name);
  if (img_path == NULL || lab_path == NULL)
    {
      /* what to do about it is the front end's to say: the CLI and the app each add how */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s/%s (or .gz) not found"), dir,
                   img_path == NULL ? img_name : lab_name);
      return NULL;
    }
  return rl_dataset_load_idx (img_path, lab_path, kind, error);
}

/* rl_dataset_set_default_dir's folders, by kind; under default_dir_lock */
static GMutex  default_dir_lock;
static char   *default_dir_set[2];

void
rl_dataset_set_default_dir (RlDatasetKind  kind,
                            const char    *dir)
{
  char *old;

  g_return_if_fail (kind == RL_DATASET_MNIST || kind == RL_DATASET_FASHION);

  g_mutex_lock (&default_dir_lock);
  old = default_dir_set[kind == RL_DATASET_FASHION];
  default_dir_set[kind == RL_DATASET_FASHION] = g_strdup (dir);
  g_mutex_unlock (&default_dir_lock);
  g_free (old);
}

char *
rl_dataset_default_dir (RlDatasetKind kind)
{
  const char *env;
  char *set;

  g_mutex_lock (&default_dir_lock);
  set = g_strdup (default_dir_set[kind == RL_DATASET_FASHION]);
  g_mutex_unlock (&default_dir_lock);
  if (set != NULL)
    return set;

  if (kind == RL_DATASET_FASHION)
    {
      env = g_getenv ("RESLAB_FASHION_DIR");
      if (env != NULL && *env != '\0')
        return g_strdup (env);
      return g_strdup ("/usr/share/datasets/fashion-mnist");
    }

  env = g_getenv ("RESLAB_DATA_DIR");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "reslab", "mnist", NULL);
}

RlDataset *
rl_dataset_new_subset (const RlDataset *src, uint32_t n)
{
  return rl_dataset_new_range (src, 0, n);
}

RlDataset *
rl_dataset_new_range (const RlDataset *src, uint32_t first, uint32_t n)
{
  RlDataset *ds;
  size_t chw;

  g_return_val_if_fail (src != NULL, NULL);
  g_return_val_if_fail (n > 0 && first <= src->n && n <= src->n - first, NULL);

  chw = (size_t) src->c * src->h * src->w;
  ds = dataset_new (src->kind, n, src->h, src->w);
  ds->c = src->c;
  ds->n_classes = src->n_classes;
  ds->mean = src->mean;
  ds->std = src->std;
  ds->images = g_memdup2 (src->images + chw * first, chw * n);
  ds->labels = g_memdup2 (src->labels + first, n);
  return ds;
}

RlDataset *
rl_dataset_ref (RlDataset *ds)
{
  g_return_val_if_fail (ds != NULL, NULL);

  return g_atomic_rc_box_acquire (ds);
}

static void
dataset_clear (gpointer data)
{
  RlDataset *ds = data;

  g_free (ds->images);
  g_free (ds->labels);
}

void
rl_dataset_unref (RlDataset *ds)
{
  g_return_if_fail (ds != NULL);

  g_atomic_rc_box_release_full (ds, dataset_clear);
}

void
rl_dataset_get_batch (const RlDataset *ds,
                      const uint32_t  *indices,
                      int              n,
                      float           *x,
                      uint8_t         *labels)
{
  size_t chw;
  float lut[256];

  g_return_if_fail (ds != NULL);
  g_return_if_fail (n >= 0);
  g_return_if_fail (n == 0 || (indices != NULL && x != NULL));

  /* the same float operations as ToTensor + Normalize, once per byte value */
  for (int v = 0; v < 256; v++)
    lut[v] = ((float) v / 255.0f - ds->mean) / ds->std;

  chw = (size_t) ds->c * ds->h * ds->w;
  for (int i = 0; i < n; i++)
    {
      const uint8_t *src;
      float *dst = x + (size_t) i * chw;

      g_return_if_fail (indices[i] < ds->n);
      src = ds->images + (size_t) indices[i] * chw;
      for (size_t k = 0; k < chw; k++)
        dst[k] = lut[src[k]];
      if (labels != NULL)
        labels[i] = ds->labels[indices[i]];
    }
}

void
rl_dataset_normalise_floats (const RlDataset *ds_or_null,
                             RlDatasetKind    kind,
                             const float     *in01,
                             size_t           n,
                             float           *out)
{
  float mean, std;

  g_return_if_fail (n == 0 || (in01 != NULL && out != NULL));

  if (ds_or_null != NULL)
    {
      mean = ds_or_null->mean;
      std = ds_or_null->std;
    }
  else
    kind_stats (kind, &mean, &std);

  for (size_t i = 0; i < n; i++)
    out[i] = (in01[i] - mean) / std;
}

const char *
rl_dataset_title (RlDatasetKind kind)
{
  return kind == RL_DATASET_FASHION ? "Fashion-MNIST" : "MNIST";
}

const char *
rl_dataset_kind_name (RlDatasetKind kind)
{
  switch (kind)
    {
    case RL_DATASET_MNIST:
      return "mnist";
    case RL_DATASET_FASHION:
      return "fashion";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
rl_dataset_kind_from_name (const char *name, RlDatasetKind *kind)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (g_ascii_strcasecmp (name, "mnist") == 0)
    {
      if (kind != NULL)
        *kind = RL_DATASET_MNIST;
      return TRUE;
    }
  if (g_ascii_strcasecmp (name, "fashion") == 0 ||
      g_ascii_strcasecmp (name, "fashion-mnist") == 0)
    {
      if (kind != NULL)
        *kind = RL_DATASET_FASHION;
      return TRUE;
    }
  return FALSE;
}

const char *
rl_dataset_class_name (RlDatasetKind kind, uint32_t label)
{
  g_return_val_if_fail (label < N_CLASSES, NULL);

  return kind == RL_DATASET_FASHION ? fashion_classes[label] : digit_classes[label];
}

/* ---- batches ------------------------------------------------------------------------ */

/* The shuffle seed for an epoch: a hash of (seed, epoch), not seed + epoch, because
 * rl_rng_init's splitmix64 turns seeds one increment apart into the same stream shifted by
 * one. The mixing is MurmurHash3's 64-bit finaliser. */
static uint64_t
epoch_seed (uint64_t seed, int epoch)
{
  uint64_t z = seed ^ ((uint64_t) (uint32_t) epoch * 0xd1b54a32d192ed03ull);

  z ^= z >> 33;
  z *= 0xff51afd7ed558ccdull;
  z ^= z >> 33;
  z *= 0xc4ceb9fe1a85ec53ull;
  z ^= z >> 33;
  return z;
}

/* Also shuffles for epoch 0, so _next works without a _start. */
void
rl_batch_iter_init (RlBatchIter *it, const RlDataset *ds, int batch, uint64_t seed)
{
  g_return_if_fail (it != NULL);
  g_return_if_fail (ds != NULL);
  g_return_if_fail (batch > 0);

  it->ds = ds;
  it->order = g_new (uint32_t, ds->n);
  it->batch = batch;
  it->seed = seed;
  rl_batch_iter_start (it, 0);
}

void
rl_batch_iter_start (RlBatchIter *it, int epoch)
{
  RlRng rng;

  g_return_if_fail (it != NULL && it->order != NULL);
  g_return_if_fail (epoch >= 0);

  /* from the identity every time: the order depends on (seed, epoch) only */
  for (uint32_t i = 0; i < it->ds->n; i++)
    it->order[i] = i;
  rl_rng_init (&rng, epoch_seed (it->seed, epoch));
  rl_rng_shuffle (&rng, it->order, it->ds->n);
  it->pos = 0;
}

int
rl_batch_iter_next (RlBatchIter *it, float *x, uint8_t *labels)
{
  uint32_t k;

  g_return_val_if_fail (it != NULL && it->order != NULL, 0);

  if (it->pos >= it->ds->n)
    return 0;
  k = MIN ((uint32_t) it->batch, it->ds->n - it->pos);
  rl_dataset_get_batch (it->ds, it->order + it->pos, (int) k, x, labels);
  it->pos += k;
  return (int) k;
}

void
rl_batch_iter_clear (RlBatchIter *it)
{
  g_return_if_fail (it != NULL);

  g_clear_pointer (&it->order, g_free);
  it->ds = NULL;
  it->pos = 0;
}
