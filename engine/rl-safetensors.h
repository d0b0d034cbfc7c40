/* rl-safetensors.h: reading and writing the safetensors format (F32 tensors only).
 *
 * Format (https://github.com/huggingface/safetensors): 8 bytes little-endian u64 N, then N
 * bytes of UTF-8 JSON: { "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * ..., "__metadata__": {"key": "string value", ...} }, then the data buffer. Offsets are
 * relative to the start of the buffer; tensors must cover the buffer exactly, without overlap.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define RL_TENSOR_MAX_DIMS 8

typedef struct {
  const char  *name;
  int          ndim;
  int64_t      shape[RL_TENSOR_MAX_DIMS];
  const float *data;       /* numel floats, host order */
} RlTensorView;

/* numel of a view (product of its shape; 1 for ndim == 0). */
size_t rl_tensor_view_numel (const RlTensorView *view);

/* Writes @tensors to @path atomically: into a temporary file beside it, fsync, then rename,
 * so a crash mid-save leaves any previous file intact. A successful save removes the temporary
 * files of earlier saves to @path killed before their rename (@path.reslab-tmp-XXXXXX,
 * untouched for a minute). @metadata (string -> string) may be NULL.
 * Tensor names must be unique. Data is written little-endian. */
gboolean rl_safetensors_save (const char          *path,
                              const RlTensorView  *tensors,
                              guint                n_tensors,
                              GHashTable          *metadata,
                              GError             **error);

typedef struct _RlSafetensors RlSafetensors;

/* Reads and validates a whole file, refused before it is read when it is not a regular file
 * (G_IO_ERROR_IS_DIRECTORY, G_IO_ERROR_NOT_REGULAR_FILE: /dev/zero never ends) or larger than
 * the largest model the engine builds and its header (RL_ERROR_TOO_LARGE); then the header
 * length against the file size (and a 100 MB bound),
 * JSON syntax and types, dtype F32 only, shapes (non-negative, numel * 4 == byte length),
 * offsets in bounds, sorted coverage of the buffer with no overlap and no gap.
 * Errors: G_IO_ERROR_NOT_FOUND (and other GIO errors), RL_ERROR_TRUNCATED, RL_ERROR_TOO_LARGE,
 * RL_ERROR_BAD_HEADER, RL_ERROR_BAD_DTYPE, RL_ERROR_BAD_SHAPE, RL_ERROR_BAD_OFFSETS.
 * Every message names the file (and the tensor where there is one).
 * Returns: (transfer full) */
RlSafetensors      *rl_safetensors_load         (const char *path, GError **error);
/* The same from memory; @what names the source in messages. */
RlSafetensors      *rl_safetensors_load_bytes   (GBytes *bytes, const char *what, GError **error);
/* The largest file rl_safetensors_load reads (a larger one is no model the engine builds):
 * the bound for a model read from a stream, whose size is not known before. */
guint64             rl_safetensors_get_file_max (void);
void                rl_safetensors_free         (RlSafetensors *st);

/* The metadata of the file at @path from its header alone (8 bytes and the JSON, a few KB for
 * any net ResLab makes), for listing files without reading their weights: the header checked
 * as rl_safetensors_load checks it (length, UTF-8, JSON, no key twice, metadata strings only),
 * but not its tensors. A file without metadata has an empty table.
 * Errors: those of rl_safetensors_load about the header, GIO's for the file.
 * Returns: (transfer full): string -> string */
GHashTable         *rl_safetensors_read_metadata (const char *path, GError **error);

guint               rl_safetensors_get_n_tensors (const RlSafetensors *st);
/* In file order (sorted by offset). Returns: (transfer none) */
const RlTensorView *rl_safetensors_get_tensor    (const RlSafetensors *st, guint i);
/* Returns: (transfer none) (nullable) */
const RlTensorView *rl_safetensors_lookup        (const RlSafetensors *st, const char *name);
/* Returns: (transfer none) (nullable) */
const char         *rl_safetensors_get_metadata  (const RlSafetensors *st, const char *key);
/* Returns: (transfer none): string -> string */
GHashTable         *rl_safetensors_get_metadata_table (const RlSafetensors *st);

/* A shape as "[a, b, c]", for messages. Returns: (transfer full) */
char               *rl_shape_to_string           (const int64_t *shape, int ndim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSafetensors, rl_safetensors_free)

G_END_DECLS
