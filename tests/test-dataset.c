#define G_LOG_DOMAIN "reslab-test"

/* test-dataset.c: IDX loading (real MNIST and Fashion-MNIST, and broken files), normalisation,
 * subsets and the batch iterator.
 *
 * The expected values for the real files (labels, pixel bytes, sums, class counts) were read
 * with numpy from the MD5-verified files, independently of this code. */

#include "rl-dataset.h"
#include "rl-error.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

/* Loads a real split or fails the test with a message that says how to get the data. */
static RlDataset *
load_real (RlDatasetKind kind, RlSplit split)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = rl_dataset_default_dir (kind);
  RlDataset *ds = rl_dataset_load (dir, kind, split, &error);

  if (ds == NULL)
    {
      if (kind == RL_DATASET_MNIST)
        g_printerr ("MNIST is missing or broken in %s: run ./dev.sh data "
                    "(or set RESLAB_DATA_DIR)\n", dir);
      else
        g_printerr ("Fashion-MNIST is missing or broken in %s: run ./dev.sh setup "
                    "(installs Debian's dataset-fashion-mnist)\n", dir);
    }
  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

static uint64_t
image_sum (const RlDataset *ds, uint32_t i)
{
  size_t chw = (size_t) ds->c * ds->h * ds->w;
  uint64_t s = 0;

  for (size_t k = 0; k < chw; k++)
    s += ds->images[i * chw + k];
  return s;
}

static uint8_t
pixel (const RlDataset *ds, uint32_t i, uint32_t y, uint32_t x)
{
  return ds->images[((size_t) i * ds->h + y) * ds->w + x];
}

static void
test_mnist_real (void)
{
  g_autoptr(RlDataset) train = load_real (RL_DATASET_MNIST, RL_SPLIT_TRAIN);
  g_autoptr(RlDataset) test = load_real (RL_DATASET_MNIST, RL_SPLIT_TEST);
  static const uint32_t train_counts[10] = {
    5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
  };
  static const uint8_t train_first[10] = { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 };
  static const uint8_t test_first[10] = { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 };
  uint32_t counts[10] = { 0 };
  double mean = 0.0;

  g_assert_cmpint (train->kind, ==, RL_DATASET_MNIST);
  g_assert_cmpuint (train->n, ==, 60000);
  g_assert_cmpuint (test->n, ==, 10000);
  g_assert_cmpuint (train->c, ==, 1);
  g_assert_cmpuint (train->h, ==, 28);
  g_assert_cmpuint (train->w, ==, 28);
  g_assert_cmpuint (test->h, ==, 28);
  g_assert_cmpuint (test->w, ==, 28);
  g_assert_cmpuint (train->n_classes, ==, 10);

  g_assert_cmpmem (train->labels, 10, train_first, 10);
  g_assert_cmpmem (test->labels, 10, test_first, 10);
  for (uint32_t i = 0; i < train->n; i++)
    counts[train->labels[i]]++;
  g_assert_cmpmem (counts, sizeof counts, train_counts, sizeof train_counts);

  g_assert_cmpuint (pixel (train, 0, 5, 12), ==, 3);
  g_assert_cmpuint (pixel (train, 0, 5, 16), ==, 126);
  g_assert_cmpuint (pixel (train, 0, 14, 14), ==, 240);
  g_assert_cmpuint (pixel (train, 0, 0, 0), ==, 0);
  g_assert_cmpuint (pixel (train, 59999, 14, 14), ==, 97);
  g_assert_cmpuint (image_sum (train, 0), ==, 27525);
  g_assert_cmpuint (image_sum (train, 59999), ==, 20920);
  g_assert_cmpuint (image_sum (test, 0), ==, 18454);
  g_assert_cmpuint (image_sum (test, 9999), ==, 41833);

  /* the normalisation constants are this data's own statistics */
  for (size_t k = 0; k < (size_t) train->n * 28 * 28; k++)
    mean += train->images[k];
  mean /= 255.0 * train->n * 28 * 28;
  g_assert_cmpfloat_with_epsilon (mean, train->mean, 1e-3);
  g_assert_cmpfloat_with_epsilon (train->mean, 0.1307, 1e-7);
  g_assert_cmpfloat_with_epsilon (train->std, 0.3081, 1e-7);
}

static void
test_fashion_real (void)
{
  g_autoptr(RlDataset) train = NULL;
  g_autoptr(RlDataset) test = NULL;
  g_autofree char *dir = rl_dataset_default_dir (RL_DATASET_FASHION);
  g_autofree char *gz = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) && g_getenv ("CI") == NULL)
    {
      g_test_skip ("no Fashion-MNIST in " FASHION_DIR " (./dev.sh setup installs it)");
      return;
    }
  /* this test exists to read gzip: make sure it does */
  g_assert_true (g_file_test (gz, G_FILE_TEST_EXISTS));

  train = load_real (RL_DATASET_FASHION, RL_SPLIT_TRAIN);
  test = load_real (RL_DATASET_FASHION, RL_SPLIT_TEST);
  g_assert_cmpint (train->kind, ==, RL_DATASET_FASHION);
  g_assert_cmpuint (train->n, ==, 60000);
  g_assert_cmpuint (test->n, ==, 10000);
  g_assert_cmpuint (train->h, ==, 28);
  g_assert_cmpuint (train->w, ==, 28);
  g_assert_cmpuint (train->labels[0], ==, 9);
  g_assert_cmpuint (train->labels[3], ==, 3);
  g_assert_cmpuint (test->labels[0], ==, 9);
  g_assert_cmpuint (test->labels[4], ==, 6);
  g_assert_cmpuint (image_sum (train, 0), ==, 76247);
  g_assert_cmpuint (image_sum (test, 0), ==, 33456);
  g_assert_cmpfloat_with_epsilon (train->mean, 0.2860, 1e-7);
  g_assert_cmpfloat_with_epsilon (train->std, 0.3530, 1e-7);
  g_assert_cmpstr (rl_dataset_class_name (RL_DATASET_FASHION, train->labels[0]), ==,
                   "Ankle boot");
}

/* ---- synthetic data ------------------------------------------------------------------ */

/* A dataset of @n images of h x w with known content: byte (i * 7 + k) % 256, label i % 10. */
static void
make_payload (uint32_t n, uint32_t h, uint32_t w, guint8 **images, guint8 **labels)
{
  *images = g_malloc ((size_t) n * h * w);
  *labels = g_malloc (n);
  for (uint32_t i = 0; i < n; i++)
    {
      for (size_t k = 0; k < (size_t) h * w; k++)
        (*images)[(size_t) i * h * w + k] = (guint8) ((i * 7 + k) % 256);
      (*labels)[i] = (guint8) (i % 10);
    }
}

static void
put_be32 (GByteArray *a, uint32_t v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

/* An IDX file's bytes: @magic, @n_dims sizes, then @len bytes of @payload. */
static GBytes *
idx_bytes (uint32_t magic, const uint32_t *dims, guint n_dims, const guint8 *payload, gsize len)
{
  GByteArray *a = g_byte_array_new ();

  put_be32 (a, magic);
  for (guint i = 0; i < n_dims; i++)
    put_be32 (a, dims[i]);
  if (len > 0)
    g_byte_array_append (a, payload, (guint) len);
  return g_byte_array_free_to_bytes (a);
}

static GBytes *
gzip_bytes (GBytes *raw)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (z));
  g_autoptr(GError) error = NULL;
  gsize len;
  const void *data = g_bytes_get_data (raw, &len);

  g_output_stream_write_all (out, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

/* Writes the first @len bytes of @b (all when len < 0) to @dir/@name; returns the path. */
static char *
write_file (const char *dir, const char *name, GBytes *b, gssize len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize size;
  const char *data = g_bytes_get_data (b, &size);

  if (len >= 0)
    {
      g_assert_cmpuint ((gsize) len, <=, size);
      size = (gsize) len;
    }
  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
  return path;
}

typedef struct {
  char *dir;
  guint8 *images;
  guint8 *labels;
  GBytes *img;       /* a valid images file of 25 images of 28 x 28 */
  GBytes *lab;       /* its valid labels file */
  char *img_path;
  char *lab_path;
} Fixture;

#define FIX_N 25

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  uint32_t dims[3] = { FIX_N, 28, 28 };

  f->dir = g_dir_make_tmp ("reslab-dataset-XXXXXX", &error);
  g_assert_no_error (error);
  make_payload (FIX_N, 28, 28, &f->images, &f->labels);
  f->img = idx_bytes (0x00000803, dims, 3, f->images, FIX_N * 28 * 28);
  f->lab = idx_bytes (0x00000801, dims, 1, f->labels, FIX_N);
  f->img_path = write_file (f->dir, "images", f->img, -1);
  f->lab_path = write_file (f->dir, "labels", f->lab, -1);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_assert_cmpint (g_unlink (p), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
  g_free (f->images);
  g_free (f->labels);
  g_bytes_unref (f->img);
  g_bytes_unref (f->lab);
  g_free (f->img_path);
  g_free (f->lab_path);
}

/* Loads and expects the exact error, with a message naming @names_file; returns the message.
 * Returns: (transfer full) */
static char *
load_error (const char *images, const char *labels, GQuark domain, int code,
            const char *names_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) ds = rl_dataset_load_idx (images, labels, RL_DATASET_MNIST, &error);

  g_assert_null (ds);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, names_file));
  return g_strdup (error->message);
}

static void
expect_error (const char *images, const char *labels, GQuark domain, int code,
              const char *names_file)
{
  g_free (load_error (images, labels, domain, code, names_file));
}

/* A file that ends early: the message says where (@part). */
static void
expect_truncated (const char *images, const char *labels, const char *names_file,
                  const char *part)
{
  g_autofree char *message = load_error (images, labels, RL_ERROR, RL_ERROR_TRUNCATED,
                                         names_file);

  g_assert_nonnull (strstr (message, part));
}

static void
assert_fixture_content (const Fixture *f, const RlDataset *ds)
{
  g_assert_cmpuint (ds->n, ==, FIX_N);
  g_assert_cmpuint (ds->c, ==, 1);
  g_assert_cmpuint (ds->h, ==, 28);
  g_assert_cmpuint (ds->w, ==, 28);
  g_assert_cmpmem (ds->images, FIX_N * 28 * 28, f->images, FIX_N * 28 * 28);
  g_assert_cmpmem (ds->labels, FIX_N, f->labels, FIX_N);
}

static void
test_synthetic_raw (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) ds = rl_dataset_load_idx (f->img_path, f->lab_path,
                                                 RL_DATASET_FASHION, &error);

  g_assert_no_error (error);
  assert_fixture_content (f, ds);
  g_assert_cmpint (ds->kind, ==, RL_DATASET_FASHION);
  g_assert_cmpfloat (ds->mean, ==, 0.2860f);
  g_assert_cmpfloat (ds->std, ==, 0.3530f);
}

static void
test_synthetic_gz (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) zimg = gzip_bytes (f->img);
  g_autoptr(GBytes) zlab = gzip_bytes (f->lab);
  g_autofree char *ip = write_file (f->dir, "train-images-idx3-ubyte.gz", zimg, -1);
  g_autoptr(RlDataset) ds = NULL;
  g_autoptr(RlDataset) mixed = NULL;

  g_free (write_file (f->dir, "train-labels-idx1-ubyte.gz", zlab, -1));

  /* by directory and standard name */
  ds = rl_dataset_load (f->dir, RL_DATASET_MNIST, RL_SPLIT_TRAIN, &error);
  g_assert_no_error (error);
  assert_fixture_content (f, ds);

  /* gzip images with raw labels: detected per file by content */
  mixed = rl_dataset_load_idx (ip, f->lab_path, RL_DATASET_MNIST, &error);
  g_assert_no_error (error);
  assert_fixture_content (f, mixed);
}

static void
test_bad_truncated (Fixture *f, gconstpointer data)
{
  gsize full = g_bytes_get_size (f->img);
  g_autofree char *cut = write_file (f->dir, "cut", f->img, (gssize) full - 1);
  g_autofree char *header = write_file (f->dir, "header-only", f->img, 10);
  g_autofree char *empty = write_file (f->dir, "empty", f->img, 0);
  g_autofree char *labcut = write_file (f->dir, "labcut", f->lab, 8 + FIX_N - 3);

  /* a raw file's size is checked against its header before the data is read */
  expect_truncated (cut, f->lab_path, cut, "its header announces");
  expect_truncated (header, f->lab_path, header, "file ends early, in the header (6 of 12 bytes)");
  expect_truncated (empty, f->lab_path, empty, "file ends early, in the header (0 of 4 bytes)");
  expect_truncated (f->img_path, labcut, labcut, "its header announces");
  {
    /* one image of one pixel announced, none there (a whole gzip stream), and its label: the
     * count in the singular */
    const uint32_t one[3] = { 1, 1, 1 };
    const guint8 label = 3;
    g_autoptr(GBytes) img1 = idx_bytes (0x00000803, one, 3, NULL, 0);
    g_autoptr(GBytes) zimg1 = gzip_bytes (img1);
    g_autoptr(GBytes) lab1 = idx_bytes (0x00000801, one, 1, &label, 1);
    g_autofree char *path = write_file (f->dir, "one-pixel.gz", zimg1, -1);
    g_autofree char *lab_path = write_file (f->dir, "one-label", lab1, -1);

    expect_truncated (path, lab_path, path, "file ends early, in the data (0 of 1 byte)");
  }
}

static void
test_bad_trailing (Fixture *f, gconstpointer data)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GBytes) longer = NULL;
  g_autoptr(GBytes) zlonger = NULL;
  g_autofree char *p = NULL;
  g_autofree char *zp = NULL;
  const guint8 junk[3] = { 1, 2, 3 };

  g_byte_array_append (a, g_bytes_get_data (f->img, NULL), (guint) g_bytes_get_size (f->img));
  g_byte_array_append (a, junk, 3);
  longer = g_bytes_new (a->data, a->len);
  zlonger = gzip_bytes (longer);
  p = write_file (f->dir, "longer", longer, -1);
  zp = write_file (f->dir, "longer.gz", zlonger, -1);

  expect_error (p, f->lab_path, RL_ERROR, RL_ERROR_BAD_HEADER, p);
  expect_error (zp, f->lab_path, RL_ERROR, RL_ERROR_BAD_HEADER, zp);
}

static void
test_bad_magic (Fixture *f, gconstpointer data)
{
  uint32_t dims[3] = { FIX_N, 28, 28 };
  g_autoptr(GBytes) wrong = idx_bytes (0x00000903, dims, 3, f->images, FIX_N * 28 * 28);
  g_autoptr(GBytes) two_d = idx_bytes (0x00000802, dims, 2, f->images, FIX_N * 28);
  g_autofree char *p = write_file (f->dir, "wrong", wrong, -1);
  g_autofree char *p2 = write_file (f->dir, "two-d", two_d, -1);

  expect_error (p, f->lab_path, RL_ERROR, RL_ERROR_BAD_MAGIC, p);
  expect_error (p2, f->lab_path, RL_ERROR, RL_ERROR_BAD_MAGIC, p2);
  /* the two files swapped: each has the other's magic */
  expect_error (f->lab_path, f->img_path, RL_ERROR, RL_ERROR_BAD_MAGIC, f->lab_path);
  expect_error (f->img_path, f->img_path, RL_ERROR, RL_ERROR_BAD_MAGIC, f->img_path);
}

static void
test_bad_mismatch (Fixture *f, gconstpointer data)
{
  uint32_t dims[1] = { FIX_N - 1 };
  g_autoptr(GBytes) fewer = idx_bytes (0x00000801, dims, 1, f->labels, FIX_N - 1);
  g_autofree char *p = write_file (f->dir, "fewer-labels", fewer, -1);

  expect_error (f->img_path, p, RL_ERROR, RL_ERROR_MISMATCH, p);
}

static void
test_bad_too_large (Fixture *f, gconstpointer data)
{
  uint32_t billion[3] = { 1000000000u, 28, 28 };
  uint32_t wide[3] = { FIX_N, 28, 5000 };
  uint32_t lab_billion[1] = { 1000000000u };
  /* headers that claim far more than the file holds: must be refused before allocating */
  g_autoptr(GBytes) b1 = idx_bytes (0x00000803, billion, 3, f->images, 100);
  g_autoptr(GBytes) b2 = idx_bytes (0x00000803, wide, 3, f->images, 100);
  g_autoptr(GBytes) b3 = idx_bytes (0x00000801, lab_billion, 1, f->labels, FIX_N);
  g_autofree char *p1 = write_file (f->dir, "billion", b1, -1);
  g_autofree char *p2 = write_file (f->dir, "wide", b2, -1);
  g_autofree char *p3 = write_file (f->dir, "lab-billion", b3, -1);

  expect_error (p1, f->lab_path, RL_ERROR, RL_ERROR_TOO_LARGE, p1);
  expect_error (p2, f->lab_path, RL_ERROR, RL_ERROR_TOO_LARGE, p2);
  expect_error (f->img_path, p3, RL_ERROR, RL_ERROR_TOO_LARGE, p3);
}

static void
test_bad_header_values (Fixture *f, gconstpointer data)
{
  uint32_t zero[3] = { 0, 28, 28 };
  uint32_t zero_w[3] = { FIX_N, 28, 0 };
  uint32_t ldims[1] = { FIX_N };
  g_autofree guint8 *bad_labels = g_memdup2 (f->labels, FIX_N);
  g_autoptr(GBytes) b1 = idx_bytes (0x00000803, zero, 3, NULL, 0);
  g_autoptr(GBytes) b2 = idx_bytes (0x00000803, zero_w, 3, NULL, 0);
  g_autoptr(GBytes) b3 = NULL;
  g_autofree char *p1 = write_file (f->dir, "zero", b1, -1);
  g_autofree char *p2 = write_file (f->dir, "zero-w", b2, -1);
  g_autofree char *p3 = NULL;

  bad_labels[FIX_N - 1] = 10;
  b3 = idx_bytes (0x00000801, ldims, 1, bad_labels, FIX_N);
  p3 = write_file (f->dir, "label-10", b3, -1);

  expect_error (p1, f->lab_path, RL_ERROR, RL_ERROR_BAD_HEADER, p1);
  expect_error (p2, f->lab_path, RL_ERROR, RL_ERROR_BAD_HEADER, p2);
  expect_error (f->img_path, p3, RL_ERROR, RL_ERROR_BAD_HEADER, p3);
}

static void
test_bad_gz (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) z = gzip_bytes (f->img);
  gsize zlen = g_bytes_get_size (z);
  g_autofree char *half = write_file (f->dir, "half.gz", z, (gssize) zlen / 2);
  g_autofree char *no_trailer = write_file (f->dir, "no-trailer.gz", z, (gssize) zlen - 8);
  g_autofree char *magic_only = write_file (f->dir, "magic-only.gz", z, 2);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GBytes) corrupt = NULL;
  g_autofree char *corrupt_path = NULL;

  expect_truncated (half, f->lab_path, half, "compressed data ends early, in the data");
  expect_truncated (no_trailer, f->lab_path, no_trailer, "ends without its trailer");
  expect_truncated (magic_only, f->lab_path, magic_only, "compressed data ends early, in the header");

  /* a gzip member whose deflate data is garbage: GIO's error, with the file named */
  g_byte_array_append (a, g_bytes_get_data (z, NULL), 10);
  for (int i = 0; i < 64; i++)
    {
      guint8 b = 0xff;
      g_byte_array_append (a, &b, 1);
    }
  corrupt = g_bytes_new (a->data, a->len);
  corrupt_path = write_file (f->dir, "corrupt.gz", corrupt, -1);
  expect_error (corrupt_path, f->lab_path, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, corrupt_path);
}

static void
test_bad_missing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *none = g_build_filename (f->dir, "no-such-file", NULL);
  g_autofree char *empty_dir = g_build_filename (f->dir, "empty-dir", NULL);
  g_autoptr(RlDataset) ds = NULL;

  expect_error (none, f->lab_path, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, none);
  expect_error (f->img_path, none, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, none);

  g_assert_cmpint (g_mkdir (empty_dir, 0700), ==, 0);
  ds = rl_dataset_load (empty_dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_assert_null (ds);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "t10k-images-idx3-ubyte"));
  g_assert_cmpint (g_rmdir (empty_dir), ==, 0);
}

/* ---- normalisation, subsets, names --------------------------------------------------- */

static void
test_normalise (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) ds = rl_dataset_load_idx (f->img_path, f->lab_path,
                                                 RL_DATASET_MNIST, &error);
  size_t chw = 28 * 28;
  uint32_t idx[2] = { 3, 0 };
  float x[2 * 28 * 28];
  uint8_t labels[2];
  float in01[3] = { 0.0f, 1.0f, 0.5f };
  float out[3];

  g_assert_no_error (error);
  rl_dataset_get_batch (ds, idx, 2, x, labels);
  g_assert_cmpuint (labels[0], ==, 3);
  g_assert_cmpuint (labels[1], ==, 0);
  for (size_t k = 0; k < chw; k++)
    {
      float want0 = ((float) f->images[3 * chw + k] / 255.0f - 0.1307f) / 0.3081f;
      float want1 = ((float) f->images[k] / 255.0f - 0.1307f) / 0.3081f;
      g_assert_cmpfloat (x[k], ==, want0);
      g_assert_cmpfloat (x[chw + k], ==, want1);
    }
  /* byte 0 and 255 (image 0 holds bytes k % 256) */
  g_assert_cmpfloat_with_epsilon (x[chw + 0], -0.1307 / 0.3081, 1e-6);
  g_assert_cmpfloat_with_epsilon (x[chw + 255], (1.0 - 0.1307) / 0.3081, 1e-6);
  /* labels may be NULL */
  rl_dataset_get_batch (ds, idx, 1, x, NULL);

  rl_dataset_normalise_floats (NULL, RL_DATASET_FASHION, in01, 3, out);
  g_assert_cmpfloat_with_epsilon (out[0], -0.2860 / 0.3530, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], (1.0 - 0.2860) / 0.3530, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], (0.5 - 0.2860) / 0.3530, 1e-6);
  rl_dataset_normalise_floats (NULL, RL_DATASET_MNIST, in01, 3, out);
  g_assert_cmpfloat_with_epsilon (out[1], (1.0 - 0.1307) / 0.3081, 1e-6);
  /* a dataset's own values win over @kind; and the canvas' floats match the bytes' path */
  rl_dataset_normalise_floats (ds, RL_DATASET_FASHION, in01, 3, out);
  g_assert_cmpfloat_with_epsilon (out[1], (1.0 - 0.1307) / 0.3081, 1e-6);
  in01[0] = 255.0f / 255.0f;
  rl_dataset_normalise_floats (ds, RL_DATASET_MNIST, in01, 1, out);
  g_assert_cmpfloat (out[0], ==, x[chw + 255]);
}

static void
test_subset_and_names (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) ds = rl_dataset_load_idx (f->img_path, f->lab_path,
                                                 RL_DATASET_FASHION, &error);
  g_autoptr(RlDataset) sub = NULL;
  RlDatasetKind kind = RL_DATASET_MNIST;

  g_assert_no_error (error);
  sub = rl_dataset_new_subset (ds, 7);
  g_assert_cmpuint (sub->n, ==, 7);
  g_assert_cmpint (sub->kind, ==, RL_DATASET_FASHION);
  g_assert_cmpfloat (sub->mean, ==, ds->mean);
  g_assert_cmpmem (sub->images, 7 * 28 * 28, ds->images, 7 * 28 * 28);
  g_assert_cmpmem (sub->labels, 7, ds->labels, 7);
  g_assert_true (sub->images != ds->images);
  {
    g_autoptr(RlDataset) range = rl_dataset_new_range (ds, 3, 4);

    g_assert_cmpuint (range->n, ==, 4);
    g_assert_cmpint (range->kind, ==, RL_DATASET_FASHION);
    g_assert_cmpfloat (range->std, ==, ds->std);
    g_assert_cmpmem (range->images, 4 * 28 * 28, ds->images + 3 * 28 * 28, 4 * 28 * 28);
    g_assert_cmpmem (range->labels, 4, ds->labels + 3, 4);
  }

  g_assert_true (rl_dataset_ref (ds) == ds);
  rl_dataset_unref (ds);

  g_assert_cmpstr (rl_dataset_kind_name (RL_DATASET_MNIST), ==, "mnist");
  g_assert_cmpstr (rl_dataset_kind_name (RL_DATASET_FASHION), ==, "fashion");
  g_assert_true (rl_dataset_kind_from_name ("fashion", &kind));
  g_assert_cmpint (kind, ==, RL_DATASET_FASHION);
  g_assert_true (rl_dataset_kind_from_name ("mnist", &kind));
  g_assert_cmpint (kind, ==, RL_DATASET_MNIST);
  g_assert_false (rl_dataset_kind_from_name ("cifar", &kind));
  g_assert_cmpstr (rl_dataset_class_name (RL_DATASET_MNIST, 7), ==, "7");
  g_assert_cmpstr (rl_dataset_class_name (RL_DATASET_FASHION, 0), ==, "T-shirt/top");
  g_assert_cmpstr (rl_dataset_class_name (RL_DATASET_FASHION, 9), ==, "Ankle boot");
}

static void
test_default_dir (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *m = NULL;
      g_autofree char *fa = NULL;

      g_setenv ("RESLAB_DATA_DIR", "/x/mnist", TRUE);
      g_setenv ("RESLAB_FASHION_DIR", "/y/fashion", TRUE);
      m = rl_dataset_default_dir (RL_DATASET_MNIST);
      fa = rl_dataset_default_dir (RL_DATASET_FASHION);
      g_assert_cmpstr (m, ==, "/x/mnist");
      g_assert_cmpstr (fa, ==, "/y/fashion");
      g_unsetenv ("RESLAB_FASHION_DIR");
      g_free (fa);
      fa = rl_dataset_default_dir (RL_DATASET_FASHION);
      g_assert_cmpstr (fa, ==, FASHION_DIR);

      /* a folder set in the program wins over the environment, per kind, until unset */
      rl_dataset_set_default_dir (RL_DATASET_MNIST, "/z/set");
      g_free (m);
      m = rl_dataset_default_dir (RL_DATASET_MNIST);
      g_assert_cmpstr (m, ==, "/z/set");
      g_free (fa);
      fa = rl_dataset_default_dir (RL_DATASET_FASHION);
      g_assert_cmpstr (fa, ==, FASHION_DIR);
      rl_dataset_set_default_dir (RL_DATASET_MNIST, NULL);
      g_free (m);
      m = rl_dataset_default_dir (RL_DATASET_MNIST);
      g_assert_cmpstr (m, ==, "/x/mnist");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* ---- batch iterator ------------------------------------------------------------------ */

/* The order the iterator draws for (seed, epoch), read back through the batches it fills. */
static uint32_t *
draw_order (const RlDataset *ds, int batch, uint64_t seed, int epoch, GArray *sizes)
{
  RlBatchIter it;
  size_t chw = (size_t) ds->c * ds->h * ds->w;
  g_autofree float *x = g_new (float, (size_t) batch * chw);
  g_autofree uint8_t *labels = g_new (uint8_t, batch);
  uint32_t *order = g_new (uint32_t, ds->n);
  uint32_t got = 0;
  int k;

  rl_batch_iter_init (&it, ds, batch, seed);
  rl_batch_iter_start (&it, epoch);
  while ((k = rl_batch_iter_next (&it, x, labels)) > 0)
    {
      g_autofree float *want = g_new (float, (size_t) k * chw);
      uint8_t want_labels[256];

      g_assert_cmpint (k, <=, batch);
      g_assert_cmpuint (got + (uint32_t) k, <=, ds->n);
      /* the batch holds the images of the order's slice, normalised */
      rl_dataset_get_batch (ds, it.order + got, k, want, want_labels);
      g_assert_cmpmem (x, (size_t) k * chw * sizeof (float), want,
                       (size_t) k * chw * sizeof (float));
      g_assert_cmpmem (labels, k, want_labels, k);
      memcpy (order + got, it.order + got, (size_t) k * sizeof (uint32_t));
      got += (uint32_t) k;
      if (sizes != NULL)
        g_array_append_val (sizes, k);
    }
  g_assert_cmpuint (got, ==, ds->n);
  g_assert_cmpint (rl_batch_iter_next (&it, x, labels), ==, 0);
  rl_batch_iter_clear (&it);
  g_assert_null (it.order);
  return order;
}

static void
test_batch_iter (void)
{
  g_autoptr(RlDataset) full = load_real (RL_DATASET_MNIST, RL_SPLIT_TEST);
  g_autoptr(RlDataset) ds = rl_dataset_new_subset (full, 1000);
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree uint32_t *a = draw_order (ds, 128, 42, 0, sizes);
  g_autofree uint32_t *b = draw_order (ds, 128, 42, 0, NULL);
  g_autofree uint32_t *c = draw_order (ds, 128, 42, 1, NULL);
  g_autofree uint32_t *d = draw_order (ds, 128, 43, 0, NULL);
  g_autofree uint32_t *e = draw_order (ds, 100, 42, 1, NULL);
  g_autofree guint8 *seen = g_new0 (guint8, ds->n);
  uint32_t identity = 0;
  RlBatchIter it;

  /* 1000 = 7 x 128 + 104 */
  g_assert_cmpuint (sizes->len, ==, 8);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (g_array_index (sizes, int, i), ==, 128);
  g_assert_cmpint (g_array_index (sizes, int, 7), ==, 104);

  /* every index exactly once, and actually shuffled */
  for (uint32_t i = 0; i < ds->n; i++)
    {
      g_assert_cmpuint (a[i], <, ds->n);
      g_assert_cmpuint (seen[a[i]], ==, 0);
      seen[a[i]] = 1;
      identity += a[i] == i;
    }
  g_assert_cmpuint (identity, <, 20);

  g_assert_cmpmem (a, ds->n * sizeof (uint32_t), b, ds->n * sizeof (uint32_t));
  g_assert_true (memcmp (a, c, ds->n * sizeof (uint32_t)) != 0);
  g_assert_true (memcmp (a, d, ds->n * sizeof (uint32_t)) != 0);
  /* the order does not depend on the batch size */
  g_assert_cmpmem (c, ds->n * sizeof (uint32_t), e, ds->n * sizeof (uint32_t));

  /* nor on the epochs drawn before: epoch 1 after 0, 5 and 1 again is still epoch 1 */
  rl_batch_iter_init (&it, ds, 64, 42);
  g_assert_cmpmem (it.order, ds->n * sizeof (uint32_t), a, ds->n * sizeof (uint32_t));
  rl_batch_iter_start (&it, 5);
  rl_batch_iter_start (&it, 1);
  g_assert_cmpmem (it.order, ds->n * sizeof (uint32_t), c, ds->n * sizeof (uint32_t));
  rl_batch_iter_clear (&it);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/dataset/mnist-real", test_mnist_real);
  g_test_add_func ("/engine/dataset/fashion-real-gz", test_fashion_real);
  g_test_add_func ("/engine/dataset/default-dir", test_default_dir);
  g_test_add_func ("/engine/dataset/batch-iter", test_batch_iter);
#define ADD(path, fn) \
  g_test_add ("/engine/dataset/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("synthetic-raw", test_synthetic_raw);
  ADD ("synthetic-gz", test_synthetic_gz);
  ADD ("normalise", test_normalise);
  ADD ("subset-and-names", test_subset_and_names);
  ADD ("bad/truncated", test_bad_truncated);
  ADD ("bad/trailing-bytes", test_bad_trailing);
  ADD ("bad/magic", test_bad_magic);
  ADD ("bad/count-mismatch", test_bad_mismatch);
  ADD ("bad/too-large", test_bad_too_large);
  ADD ("bad/header-values", test_bad_header_values);
  ADD ("bad/gz", test_bad_gz);
  ADD ("bad/missing", test_bad_missing);
#undef ADD

  return g_test_run ();
}
