#define G_LOG_DOMAIN "reslab-engine"

/* rl-safetensors.c: reading and writing safetensors files (F32 tensors only): the tensors
 * loaded once their header has passed its checks (rl-safetensors-header.c), looked up by name
 * or in file order, and saved atomically.
 *
 * Layout (https://github.com/huggingface/safetensors):
 *
 *   [0, 8)          u64 N, little-endian: the header length
 *   [8, 8 + N)      UTF-8 JSON object: name -> {"dtype", "shape", "data_offsets": [begin, end]},
 *                   plus an optional "__metadata__" object of string -> string
 *   [8 + N, size)   the byte buffer; tensor data little-endian, offsets relative to its start
 *
 * Nothing read from a file is trusted before it is checked (rl-safetensors-header.c): the
 * header length against the file size and a bound, the JSON's syntax and member types, every
 * shape against its byte range, every byte range against the buffer, and the ranges together
 * against the buffer (sorted by offset they must tile it exactly). Only then is anything
 * allocated from a size the file gave, and the data is copied into an owned, aligned float
 * block: N may be any value, so the buffer need not be 4-byte aligned within the file.
 */

#include "config.h"

#include "rl-safetensors-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-limits.h"

struct _RlSafetensors {
  char         *what;       /* names the source in messages */
  float        *data;       /* the whole buffer in host order; never NULL */
  RlTensorView *views;      /* sorted by offset, pointing into data and names */
  char        **names;      /* owned, one per view */
  guint         n_tensors;
  GHashTable   *index;      /* name (borrowed from names) -> GUINT_TO_POINTER (i + 1) */
  GHashTable   *metadata;   /* string -> string, both owned */
};

size_t
rl_tensor_view_numel (const RlTensorView *view)
{
  size_t numel = 1;

  g_return_val_if_fail (view != NULL, 0);
  g_return_val_if_fail (view->ndim >= 0 && view->ndim <= RL_TENSOR_MAX_DIMS, 0);

  for (int d = 0; d < view->ndim; d++)
    numel *= (size_t) view->shape[d];
  return numel;
}

/* ---- Loading --------------------------------------------------------------------------- */

char *
rl_shape_to_string (const int64_t *shape, int ndim)
{
  GString *s = g_string_new ("[");

  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

RlSafetensors *
rl_safetensors_load_bytes (GBytes      *bytes,
                           const char  *what,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  const guint8 *p;
  const guint8 *buffer;
  gsize size;
  uint64_t header_len, buf_len;
  RlSafetensors *st;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (what == NULL)
    /* TRANSLATORS: in messages, the name of a model read from memory, not from a file */
    what = _("<memory>");

  p = g_bytes_get_data (bytes, &size);
  if (!_rl_safetensors_read_header_len (what, p, size, &header_len, error))
    return NULL;
  buffer = p + 8 + header_len;
  buf_len = size - 8 - header_len;

  parser = json_parser_new ();
  entries = g_array_new (FALSE, TRUE, sizeof (RlTensorEntry));
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!_rl_safetensors_parse_header (what, (const char *) p + 8, header_len, buf_len, parser,
                                     entries, metadata, error))
    return NULL;

  /* Everything is checked: the tensors tile the buffer, so buf_len is a multiple of 4 and
   * every begin offset too. */
  st = g_new0 (RlSafetensors, 1);
  st->what = g_strdup (what);
  st->metadata = g_steal_pointer (&metadata);
  st->n_tensors = entries->len;
  st->data = g_new (float, MAX (buf_len / sizeof (float), 1));
  memcpy (st->data, buffer, buf_len);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  {
    guint32 *words = (guint32 *) (void *) st->data;

    for (uint64_t i = 0; i < buf_len / sizeof (float); i++)
      words[i] = GUINT32_FROM_LE (words[i]);
  }
#endif
  st->views = g_new0 (RlTensorView, MAX (st->n_tensors, 1));
  st->names = g_new0 (char *, st->n_tensors + 1);
  st->index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < st->n_tensors; i++)
    {
      const RlTensorEntry *e = &g_array_index (entries, RlTensorEntry, i);
      RlTensorView *v = &st->views[i];

      st->names[i] = g_strdup (e->name);
      v->name = st->names[i];
      v->ndim = e->ndim;
      memcpy (v->shape, e->shape, sizeof v->shape);
      v->data = st->data + e->begin / sizeof (float);
      g_hash_table_insert (st->index, st->names[i], GUINT_TO_POINTER (i + 1));
    }
  return st;
}

/* The largest file a model the engine builds is saved as: its parameters (RL_LIMIT_PARAMS
 * floats at most, batch norm's running statistics included) after the header's length and the
 * longest header read. A larger file is refused before it is read: it was read whole first,
 * and an 8 GB file (or /dev/zero, endless) aborted the program on the allocation. */
#define FILE_MAX (8 + RL_SAFETENSORS_HEADER_MAX + (uint64_t) RL_LIMIT_PARAMS * sizeof (float))

guint64
rl_safetensors_get_file_max (void)
{
  return FILE_MAX;
}

RlSafetensors *
rl_safetensors_load (const char  *path,
                     GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *contents = NULL;
  GStatBuf sb;
  gsize length = 0;
  int fd, saved;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* O_NONBLOCK: a pipe opened to be refused must not wait for a writer */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &sb) != 0)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot read %s: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (sb.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, _("%s: is a directory"), path);
      return NULL;
    }
  if (!S_ISREG (sb.st_mode))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s: is not a regular file (a model is a .safetensors file)"), path);
      return NULL;
    }
  if ((uint64_t) sb.st_size > FILE_MAX)
    {
      close (fd);
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: a file of %2$llu byte is larger than any model (at most"
                                " %3$llu bytes)",
                                "%1$s: a file of %2$llu bytes is larger than any model (at most"
                                " %3$llu bytes)", (gulong) sb.st_size),
                   path, (unsigned long long) sb.st_size, (unsigned long long) FILE_MAX);
      return NULL;
    }
  /* the size fstat gave, at most: a file that grows meanwhile is read as it was */
  contents = g_malloc (MAX ((gsize) sb.st_size, 1));
  while (length < (gsize) sb.st_size)
    {
      gssize got = read (fd, contents + length, (gsize) sb.st_size - length);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot read %s: %s"),
                       path, g_strerror (saved));
          return NULL;
        }
      if (got == 0)
        break;
      length += (gsize) got;
    }
  close (fd);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return rl_safetensors_load_bytes (bytes, path, error);
}

void
rl_safetensors_free (RlSafetensors *st)
{
  if (st == NULL)
    return;
  g_hash_table_unref (st->index);
  g_hash_table_unref (st->metadata);
  g_strfreev (st->names);
  g_free (st->views);
  g_free (st->data);
  g_free (st->what);
  g_free (st);
}

guint
rl_safetensors_get_n_tensors (const RlSafetensors *st)
{
  g_return_val_if_fail (st != NULL, 0);
  return st->n_tensors;
}

const RlTensorView *
rl_safetensors_get_tensor (const RlSafetensors *st,
                           guint                i)
{
  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (i < st->n_tensors, NULL);
  return &st->views[i];
}

const RlTensorView *
rl_safetensors_lookup (const RlSafetensors *st,
                       const char          *name)
{
  guint i;

  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  i = GPOINTER_TO_UINT (g_hash_table_lookup (st->index, name));
  return i > 0 ? &st->views[i - 1] : NULL;
}

const char *
rl_safetensors_get_metadata (const RlSafetensors *st,
                             const char          *key)
{
  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (st->metadata, key);
}

GHashTable *
rl_safetensors_get_metadata_table (const RlSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return st->metadata;
}

/* ---- Saving ---------------------------------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Whatever step of a save fails (the temporary file made, written, flushed, closed, renamed),
 * one sentence naming the file the caller asked for, the same as reslab-cli's for every
 * output it writes (rl_cli_write_error), so that both read and translate alike: the
 * temporary file is ours, not a name the user gave. */
#define WRITE_ERROR _("cannot write %s: %s")

/* The JSON header, unpadded; checks names and metadata first (they may come from a user).
 * Tensors are laid out in the given order, back to back. */
static char *
build_header (const RlTensorView  *tensors,
              guint                n_tensors,
              GHashTable          *metadata,
              gsize               *out_len,
              GError             **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  uint64_t offset = 0;

  for (guint i = 0; i < n_tensors; i++)
    {
      const char *name = tensors[i].name;

      if (name == NULL || !g_utf8_validate (name, -1, NULL) ||
          strcmp (name, RL_SAFETENSORS_METADATA_KEY) == 0)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("Tensor %u has no name, a name that is not UTF-8, or the reserved "
                         "name “%s”"), i, RL_SAFETENSORS_METADATA_KEY);
          return NULL;
        }
      if (!g_hash_table_add (names, (gpointer) name))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("Two tensors are named “%s”"), name);
          return NULL;
        }
    }

  json_builder_begin_object (builder);

  if (metadata != NULL && g_hash_table_size (metadata) > 0)
    {
      guint n_keys = 0;
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (metadata, &n_keys);

      /* Sorted, so the same model gives the same bytes. */
      qsort (keys, n_keys, sizeof (gpointer), compare_strings);
      json_builder_set_member_name (builder, RL_SAFETENSORS_METADATA_KEY);
      json_builder_begin_object (builder);
      for (guint i = 0; i < n_keys; i++)
        {
          const char *value = g_hash_table_lookup (metadata, keys[i]);

          if (!g_utf8_validate (keys[i], -1, NULL) || value == NULL ||
              !g_utf8_validate (value, -1, NULL))
            {
              g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                           _("Metadata keys and values must be UTF-8 strings"));
              return NULL;
            }
          json_builder_set_member_name (builder, keys[i]);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < n_tensors; i++)
    {
      const RlTensorView *v = &tensors[i];
      uint64_t numel = 1, n_bytes;

      for (int d = 0; d < v->ndim; d++)
        if (!g_uint64_checked_mul (&numel, numel, (uint64_t) v->shape[d]))
          numel = G_MAXUINT64;
      if (!g_uint64_checked_mul (&n_bytes, numel, sizeof (float)) ||
          !g_uint64_checked_add (&offset, offset, n_bytes) || offset > G_MAXINT64)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("Tensor “%s” is too large to save"), v->name);
          return NULL;
        }

      json_builder_set_member_name (builder, v->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (int d = 0; d < v->ndim; d++)
        json_builder_add_int_value (builder, v->shape[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) (offset - n_bytes));
      json_builder_add_int_value (builder, (gint64) offset);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, out_len);
}

static gboolean
write_all (int           fd,
           const void   *data,
           size_t        len,
           const char   *path,
           GError      **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, MIN (len, (size_t) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       WRITE_ERROR, path, g_strerror (saved_errno));
          return FALSE;
        }
      p += n;
      len -= (size_t) n;
    }
  return TRUE;
}

/* Writes @n floats little-endian. */
static gboolean
write_floats (int           fd,
              const float  *data,
              size_t        n,
              const char   *path,
              GError      **error)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  return write_all (fd, data, n * sizeof (float), path, error);
#else
  guint32 chunk[4096];

  while (n > 0)
    {
      size_t m = MIN (n, G_N_ELEMENTS (chunk));

      memcpy (chunk, data, m * sizeof (float));
      for (size_t i = 0; i < m; i++)
        chunk[i] = GUINT32_TO_LE (chunk[i]);
      if (!write_all (fd, chunk, m * sizeof (float), path, error))
        return FALSE;
      data += m;
      n -= m;
    }
  return TRUE;
#endif
}

/* Sets an error from errno and is FALSE: @format is a whole sentence (translated), checked
 * by the compiler against the arguments that follow. */
#define set_errno_error(error, saved_errno, format, ...) \
  (g_set_error ((error), G_IO_ERROR, g_io_error_from_errno (saved_errno), format, __VA_ARGS__), \
   FALSE)

/* The temporary file of a save to PATH is PATH.reslab-tmp-XXXXXX: a pattern of our own, so
 * that cleaning up never touches a user's PATH.backup. */
#define TEMP_INFIX ".reslab-tmp-"

/* Whether @name is @base, TEMP_INFIX and mkstemp's six letters or digits. */
static gboolean
is_temp_name (const char *name, const char *base)
{
  size_t len = strlen (base), infix = strlen (TEMP_INFIX);

  if (strncmp (name, base, len) != 0 || strncmp (name + len, TEMP_INFIX, infix) != 0 ||
      strlen (name + len + infix) != 6)
    return FALSE;
  for (const char *p = name + len + infix; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* Removes the temporary files of earlier saves to @path that never reached their rename (a
 * kill during the fsync leaves one behind, forever otherwise). Only our own pattern, only
 * regular files, and only those untouched for RL_STALE_TEMP_SECONDS, so a save to the same
 * path running in another process right now keeps its file. */
#define RL_STALE_TEMP_SECONDS 60

static void
remove_stale_temps (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *full = NULL;
      GStatBuf st;

      if (!is_temp_name (name, base))
        continue;
      full = g_build_filename (dir, name, NULL);
      if (g_lstat (full, &st) == 0 && S_ISREG (st.st_mode) &&
          now - (gint64) st.st_mtime >= RL_STALE_TEMP_SECONDS)
        g_unlink (full);
    }
}

gboolean
rl_safetensors_save (const char          *path,
                     const RlTensorView  *tensors,
                     guint                n_tensors,
                     GHashTable          *metadata,
                     GError             **error)
{
  g_autofree char *header = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *dir = NULL;
  gsize header_len = 0, padded_len;
  guint8 len_bytes[8];
  gboolean ok;
  int fd, dir_fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (tensors != NULL || n_tensors == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  for (guint i = 0; i < n_tensors; i++)
    {
      g_return_val_if_fail (tensors[i].ndim >= 0 && tensors[i].ndim <= RL_TENSOR_MAX_DIMS,
                            FALSE);
      for (int d = 0; d < tensors[i].ndim; d++)
        g_return_val_if_fail (tensors[i].shape[d] >= 0, FALSE);
      g_return_val_if_fail (tensors[i].data != NULL || rl_tensor_view_numel (&tensors[i]) == 0,
                            FALSE);
    }

  header = build_header (tensors, n_tensors, metadata, &header_len, error);
  if (header == NULL)
    return FALSE;

  /* Pad with spaces so the buffer starts 8-byte aligned, as the reference implementation
   * does (JSON allows trailing whitespace). */
  padded_len = (header_len + 7) / 8 * 8;
  header = g_realloc (header, padded_len);
  memset (header + header_len, ' ', padded_len - header_len);
  for (int i = 0; i < 8; i++)
    len_bytes[i] = (guint8) ((uint64_t) padded_len >> (8 * i));

  /* A temporary file beside the target, so the final rename stays within one file system. */
  tmp_path = g_strconcat (path, TEMP_INFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;

      return set_errno_error (error, saved, WRITE_ERROR, path, g_strerror (saved));
    }

  ok = write_all (fd, len_bytes, sizeof len_bytes, path, error) &&
       write_all (fd, header, padded_len, path, error);
  for (guint i = 0; ok && i < n_tensors; i++)
    ok = write_floats (fd, tensors[i].data, rl_tensor_view_numel (&tensors[i]), path, error);
  if (ok && fsync (fd) != 0)
    {
      int saved = errno;

      ok = set_errno_error (error, saved, WRITE_ERROR, path, g_strerror (saved));
    }
  if (close (fd) != 0 && ok)
    {
      int saved = errno;

      ok = set_errno_error (error, saved, WRITE_ERROR, path, g_strerror (saved));
    }
  if (ok && g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      ok = set_errno_error (error, saved, WRITE_ERROR, path, g_strerror (saved));
    }
  if (!ok)
    {
      g_unlink (tmp_path);
      return FALSE;
    }

  remove_stale_temps (path);

  /* Make the rename itself durable; a failure here loses nothing already written. */
  dir = g_path_get_dirname (path);
  dir_fd = open (dir, O_RDONLY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  return TRUE;
}
