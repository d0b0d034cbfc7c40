/* fuzz-idx: IDX image and label files, raw or gzip-compressed (rl-dataset.c). The loader
 * reads paths, so the input is split into the two files: its first byte, times the length over
 * 256, is where the labels start. They are written under a private temporary directory. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "rl-dataset.h"

static char *images_path, *labels_path;

static void
remove_files (void)
{
  g_autofree char *dir = g_path_get_dirname (images_path);

  g_unlink (images_path);
  g_unlink (labels_path);
  g_rmdir (dir);
}

/* Plain writes: g_file_set_contents syncs to disk, which held this harness to 165 inputs/s. */
static void
write_file (const char *path, const uint8_t *data, size_t size)
{
  FILE *f = fopen (path, "wb");

  g_assert (f != NULL);
  g_assert (size == 0 || fwrite (data, 1, size, f) == size);
  g_assert (fclose (f) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(RlDataset) ds = NULL;
  size_t split;

  if (images_path == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("reslab-fuzz-idx-XXXXXX", NULL);

      g_assert (dir != NULL);
      images_path = g_build_filename (dir, "images", NULL);
      labels_path = g_build_filename (dir, "labels", NULL);
      atexit (remove_files);
    }
  if (size < 1)
    return 0;
  split = 1 + (size - 1) * data[0] / 256;
  write_file (images_path, data + 1, split - 1);
  write_file (labels_path, data + split, size - split);

  ds = rl_dataset_load_idx (images_path, labels_path, RL_DATASET_MNIST, NULL);
  if (ds != NULL && ds->n > 0)
    {
      int batch = (int) MIN (ds->n, 4u);
      g_autofree float *x = g_new (float, (size_t) batch * ds->c * ds->h * ds->w);
      g_autofree uint8_t *labels = g_new (uint8_t, batch);
      uint32_t idx[4] = { 0, ds->n - 1, ds->n / 2, ds->n / 3 };

      rl_dataset_get_batch (ds, idx, batch, x, labels);
      for (int i = 0; i < batch; i++)
        g_assert (labels[i] < 10);
    }
  return 0;
}
