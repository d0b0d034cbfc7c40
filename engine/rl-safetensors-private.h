/* rl-safetensors-private.h: what the header's checks (rl-safetensors-header.c) hand the
 * loading and saving of a file (rl-safetensors.c), and nobody else needs. */
#pragma once

#include <json-glib/json-glib.h>

#include "rl-safetensors.h"

G_BEGIN_DECLS

/* The reference implementation's bound on a header's length; a larger value is refused before
 * any allocation. */
#define RL_SAFETENSORS_HEADER_MAX ((uint64_t) 100000000)

/* The header's member that holds the metadata, not a tensor. */
#define RL_SAFETENSORS_METADATA_KEY "__metadata__"

/* One header entry, checked, before any data is copied. */
typedef struct {
  const char *name;         /* borrowed from the JSON object */
  int         ndim;
  int64_t     shape[RL_TENSOR_MAX_DIMS];
  uint64_t    begin, end;   /* bytes into the buffer */
} RlTensorEntry;

/* The header's length from the first 8 of a file's @size bytes at @p, checked against the
 * limit and the file. */
gboolean _rl_safetensors_read_header_len (const char *what, const guint8 *p, uint64_t size,
                                          uint64_t *header_len, GError **error);

/* Parses and checks the JSON header of @header_len bytes, for a buffer of @buf_len; on success
 * @entries (RlTensorEntry; NULL: the metadata alone, nothing about tensors checked) holds the
 * tensors sorted by offset (names borrowed from @parser's tree) and @metadata the metadata. */
gboolean _rl_safetensors_parse_header (const char *what, const char *header, uint64_t header_len,
                                       uint64_t buf_len, JsonParser *parser, GArray *entries,
                                       GHashTable *metadata, GError **error);

G_END_DECLS
