/* rl-dataset.h: IDX files (MNIST, Fashion-MNIST) and batches drawn from them.
 *
 * Images are kept as the bytes the file holds (60,000 x 28 x 28 = 47 MB for MNIST) and
 * normalised to float only one batch at a time, which keeps training's memory small.
 *
 * Shapes: N images, C channels (1 here), H x W pixels.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum {
  RL_DATASET_MNIST,
  RL_DATASET_FASHION,
} RlDatasetKind;

typedef enum {
  RL_SPLIT_TRAIN,
  RL_SPLIT_TEST,
} RlSplit;

/* The images ResLab's nets are built for: MNIST's and Fashion-MNIST's, one grey channel of
 * RL_MNIST_SIDE x RL_MNIST_SIDE pixels, in RL_MNIST_CLASSES classes (rl_model_new_mnist). */
#define RL_MNIST_SIDE    28
#define RL_MNIST_CLASSES 10

typedef struct _RlDataset RlDataset;

/* Allocated as an atomic GRcBox (rl_dataset_ref, rl_dataset_unref). */
struct _RlDataset {
  /*< public, read-only >*/
  RlDatasetKind kind;
  uint32_t n;              /* number of images */
  uint32_t c, h, w;        /* 1, 28, 28 */
  uint8_t *images;         /* images: (N, C, H, W), raw bytes 0..255 */
  uint8_t *labels;         /* labels: (N), each < n_classes */
  uint32_t n_classes;      /* 10 */
  float mean, std;         /* normalisation: x = (byte / 255 - mean) / std */
};

/* Reads an IDX image file and an IDX label file, raw or gzip-compressed (by content, not by
 * name). Checks magic numbers (0x00000803 images, 0x00000801 labels), dimensions (each at most
 * 4096, count at most 10,000,000) and the file length against the header before allocating,
 * and that the two files hold the same number of items. Labels must be < 10.
 * Errors: G_IO_ERROR_NOT_FOUND, RL_ERROR_BAD_MAGIC, RL_ERROR_TRUNCATED, RL_ERROR_TOO_LARGE,
 * RL_ERROR_MISMATCH, RL_ERROR_BAD_HEADER. Every message names the file.
 * Returns: (transfer full) */
RlDataset  *rl_dataset_load_idx   (const char     *images_path,
                                   const char     *labels_path,
                                   RlDatasetKind   kind,
                                   GError        **error);

/* Loads the train or test split of @kind from @dir, which holds the standard file names
 * (train-images-idx3-ubyte, t10k-labels-idx1-ubyte, ... each with or without .gz).
 * @dir may be NULL: then rl_dataset_default_dir (kind).
 * Returns: (transfer full) */
RlDataset  *rl_dataset_load       (const char     *dir,
                                   RlDatasetKind   kind,
                                   RlSplit         split,
                                   GError        **error);

/* Where the data lives when no directory is given: the folder last given to
 * rl_dataset_set_default_dir (@kind), if any; else MNIST in $RESLAB_DATA_DIR if set, else
 * $XDG_DATA_HOME/reslab/mnist; Fashion-MNIST in $RESLAB_FASHION_DIR if set, else
 * /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
 * Returns: (transfer full) */
char       *rl_dataset_default_dir (RlDatasetKind kind);

/* Makes @dir the default folder of @kind for the whole process (NULL: back to the
 * environment and XDG rule above). Safe while other threads read it, which changing
 * RESLAB_DATA_DIR is not once a program has threads (setenv races every getenv). */
void        rl_dataset_set_default_dir (RlDatasetKind  kind,
                                        const char    *dir);

/* A dataset holding the first @n images of @src (copied). Returns: (transfer full) */
RlDataset  *rl_dataset_new_subset (const RlDataset *src, uint32_t n);
/* A dataset holding images @first .. @first + @n - 1 of @src (copied). Returns: (transfer full) */
RlDataset  *rl_dataset_new_range  (const RlDataset *src, uint32_t first, uint32_t n);

RlDataset  *rl_dataset_ref        (RlDataset *ds);
void        rl_dataset_unref      (RlDataset *ds);

/* Normalised floats of images @indices[0..n-1].
 * x: (n, C, H, W); labels: (n), may be NULL. */
void        rl_dataset_get_batch  (const RlDataset *ds,
                                   const uint32_t  *indices,
                                   int              n,
                                   float           *x,
                                   uint8_t         *labels);

/* Normalises one image of bytes or of floats in [0, 1] (as from the drawing canvas).
 * out: (C, H, W) */
void        rl_dataset_normalise_floats (const RlDataset *ds_or_null,
                                         RlDatasetKind    kind,
                                         const float     *in01,
                                         size_t           n,
                                         float           *out);

const char *rl_dataset_kind_name  (RlDatasetKind kind);   /* "mnist", "fashion" */
/* "MNIST", "Fashion-MNIST": the set's name as a person reads it, in messages, titles and
 * menus; a proper name, the same in every language. */
const char *rl_dataset_title      (RlDatasetKind kind);
gboolean    rl_dataset_kind_from_name (const char *name, RlDatasetKind *kind);
/* Class names: digits for MNIST, "T-shirt/top" ... "Ankle boot" for Fashion-MNIST, in English
 * (the app translates them: _() of the name, as the Fashion names are in its catalogue).
 * Returns: (transfer none) */
const char *rl_dataset_class_name (RlDatasetKind kind, uint32_t label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlDataset, rl_dataset_unref)

/* Draws shuffled mini-batches; the order for epoch e depends only on (seed, e), so a run can
 * be repeated, and two models can be trained on the same batch order. */
typedef struct {
  const RlDataset *ds;     /* borrowed */
  uint32_t *order;         /* (N) */
  uint32_t  pos;
  int       batch;
  uint64_t  seed;
} RlBatchIter;

void rl_batch_iter_init  (RlBatchIter *it, const RlDataset *ds, int batch, uint64_t seed);
/* Reshuffles for epoch @epoch (0-based) and rewinds. */
void rl_batch_iter_start (RlBatchIter *it, int epoch);
/* Fills the next batch; returns its size (the last may be short), 0 at the end of the epoch.
 * x: (batch, C, H, W); labels: (batch) */
int  rl_batch_iter_next  (RlBatchIter *it, float *x, uint8_t *labels);
void rl_batch_iter_clear (RlBatchIter *it);

G_END_DECLS
