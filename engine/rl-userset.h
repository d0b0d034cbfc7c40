/* rl-userset.h: "your digits": a small labelled set of the user's own handwriting, kept as
 * MNIST's IDX files, and mixing it into a training set.
 *
 * The set lives in a directory (by default $XDG_DATA_HOME/reslab/mine) as two files in
 * MNIST's format, so any MNIST tool reads it:
 *   images-idx3-ubyte   magic 0x00000803, (N, 28, 28) bytes, 0 background, 255 ink
 *   labels-idx1-ubyte   magic 0x00000801, (N) bytes, each < 10
 * Each digit is stored as the network sees it: preprocessed as MNIST (rl-preprocess.h).
 * Both files are rewritten whole on every change (atomically each, images first), which is
 * cheap at this size (RL_USERSET_MAX digits at most). There is no empty set on disk: deleting
 * the last digit removes both files.
 *
 * Shapes: N digits, 28 x 28 pixels.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

#define RL_USERSET_IMAGES "images-idx3-ubyte"
#define RL_USERSET_LABELS "labels-idx1-ubyte"
#define RL_USERSET_MAX    10000

/* $RESLAB_MINE_DIR if set, else $XDG_DATA_HOME/reslab/mine. Returns: (transfer full) */
char      *rl_userset_default_dir (void);

/* Loads the set in @dir as MNIST-kind data (rl_dataset_load_idx).
 * Errors: G_IO_ERROR_NOT_FOUND when @dir holds no set (never saved, or every digit deleted);
 * those of rl_dataset_load_idx: RL_ERROR_BAD_MAGIC (not an IDX file), RL_ERROR_MISMATCH
 * (image and label counts differ), RL_ERROR_BAD_HEADER (a file claiming 0 items, a label
 * above 9), RL_ERROR_TRUNCATED; RL_ERROR_BAD_SHAPE when the images are not 28 x 28;
 * RL_ERROR_TOO_LARGE above RL_USERSET_MAX digits.
 * Returns: (transfer full) */
RlDataset *rl_userset_load   (const char      *dir,
                              GError         **error);

/* Writes @set (28 x 28 images) to @dir, creating it; a NULL @set removes the files.
 * Errors: G_IO_ERROR_*, RL_ERROR_BAD_SHAPE, RL_ERROR_TOO_LARGE. */
gboolean   rl_userset_save   (const RlDataset *set,
                              const char      *dir,
                              GError         **error);

/* Adds one digit to the set in @dir (created when there is none).
 * image: (28, 28) in [0, 1], preprocessed as MNIST; stored rounded to bytes.
 * *n_out (nullable) receives the set's new size.
 * Errors: RL_ERROR_INVALID_ARGUMENT (a label above 9), RL_ERROR_TOO_LARGE (the set is full),
 * and those of rl_userset_load (a broken set is not overwritten) and rl_userset_save. */
gboolean   rl_userset_append (const char      *dir,
                              const float     *image,
                              uint8_t          label,
                              guint           *n_out,
                              GError         **error);

/* Removes digit @index (0-based, in the files' order) from the set in @dir.
 * Errors: RL_ERROR_INVALID_ARGUMENT (no such digit), those of rl_userset_load and
 * rl_userset_save. */
gboolean   rl_userset_delete (const char      *dir,
                              guint            index,
                              guint           *n_out,
                              GError         **error);

/* The same, only if digit @index is still the one rl_userset_append stored from @image and
 * @label: an append taken back when the set may have changed since (the app's Undo).
 * Errors: RL_ERROR_MISMATCH (digit @index is another one, or there is none), and those of
 * rl_userset_delete. */
gboolean   rl_userset_delete_if (const char    *dir,
                                 guint          index,
                                 const float   *image,
                                 uint8_t        label,
                                 guint         *n_out,
                                 GError       **error);

/* A training set made of @a_repeat copies of @a followed by @b_repeat copies of @b: what
 * `train --extra DIR --extra-weight W` trains on (a = MNIST, b = your digits, b_repeat = W).
 * The training loop shuffles every epoch, so the copies are spread over the epoch: each of
 * b's images is then seen b_repeat times an epoch, the loop itself unchanged. The result
 * takes @a's normalisation; @b may be NULL or repeated 0 times.
 * Errors: RL_ERROR_MISMATCH (different image shapes or classes), RL_ERROR_TOO_LARGE (more
 * than 10,000,000 images, or more than the memory that can be had), RL_ERROR_INVALID_ARGUMENT
 * (nothing to concatenate).
 * Returns: (transfer full) */
RlDataset *rl_dataset_concat (const RlDataset *a,
                              guint            a_repeat,
                              const RlDataset *b,
                              guint            b_repeat,
                              GError         **error);

/* What rl_dataset_concat checks before it allocates: the shapes, the count, and the memory.
 * The mix is held whole beside @a and @b, all its pages written at once; where memory is
 * overcommitted the allocation succeeds whatever its size and the process is killed as it
 * copies, so the three together must be at most three quarters of @memory bytes (0: the memory
 * this process may use, rl_limits_process_memory; memory that cannot be read passes), as a
 * run's buffers are held to (rl_limits_check_memory).
 * Errors: those of rl_dataset_concat; RL_ERROR_TOO_LARGE naming the images and the sizes. */
gboolean   rl_dataset_concat_check (const RlDataset *a,
                                    guint            a_repeat,
                                    const RlDataset *b,
                                    guint            b_repeat,
                                    guint64          memory,
                                    GError         **error);

/* @n images of @src drawn without replacement, in random order, by @seed (n <= src->n).
 * Returns: (transfer full) */
RlDataset *rl_dataset_sample (const RlDataset *src,
                              uint32_t         n,
                              uint64_t         seed);

G_END_DECLS
