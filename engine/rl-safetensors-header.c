#define G_LOG_DOMAIN "reslab-engine"

/* rl-safetensors-header.c: a safetensors file's header read and checked before anything is
 * copied (the format in rl-safetensors.c's comment): its length against the file and a bound,
 * the JSON's strict syntax and no key twice, each tensor's entry (dtype, shape against its byte
 * range, the range against the buffer), the entries tiling the buffer, and the metadata
 * (strings only). rl-safetensors.c loads the tensors through it; rl_safetensors_read_metadata
 * reads a file's header alone.
 */

#include "config.h"

#include "rl-safetensors-private.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"

#define HEADER_MAX RL_SAFETENSORS_HEADER_MAX

static uint64_t
read_u64_le (const guint8 *p)
{
  uint64_t v = 0;

  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* Strict JSON syntax (RFC 8259), checked before json-glib sees the text: json-glib 1.6 accepts
 * comments and single-quoted strings, silently ignores a second object after the first, and
 * recurses once per nesting level. A header needs three levels; more than JSON_MAX_DEPTH is
 * refused, so a header of a million '[' cannot exhaust the stack. */
#define JSON_MAX_DEPTH 32

typedef struct {
  const char *p, *end;
} Cursor;

static void
skip_ws (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
eat (Cursor *c, char ch)
{
  if (c->p < c->end && *c->p == ch)
    {
      c->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
eat_digits (Cursor *c)
{
  const char *start = c->p;

  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > start;
}

static gboolean
check_string (Cursor *c)
{
  if (!eat (c, '"'))
    return FALSE;
  while (c->p < c->end)
    {
      guchar ch = (guchar) *c->p++;

      if (ch == '"')
        return TRUE;
      if (ch < 0x20)
        return FALSE;
      if (ch == '\\')
        {
          if (c->p >= c->end)
            return FALSE;
          ch = (guchar) *c->p++;
          if (ch == 'u')
            {
              for (int i = 0; i < 4; i++, c->p++)
                if (c->p >= c->end || !g_ascii_isxdigit (*c->p))
                  return FALSE;
            }
          else if (ch == '\0' || strchr ("\"\\/bfnrt", ch) == NULL)
            return FALSE;
        }
    }
  return FALSE;
}

static gboolean
check_number (Cursor *c)
{
  eat (c, '-');
  if (!eat (c, '0') && !eat_digits (c))
    return FALSE;
  if (eat (c, '.') && !eat_digits (c))
    return FALSE;
  if (eat (c, 'e') || eat (c, 'E'))
    {
      if (!eat (c, '+'))
        eat (c, '-');
      if (!eat_digits (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_literal (Cursor *c, const char *word)
{
  size_t n = strlen (word);

  if ((size_t) (c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return FALSE;
  c->p += n;
  return TRUE;
}

static gboolean
check_value (Cursor *c, int depth)
{
  skip_ws (c);
  if (c->p >= c->end)
    return FALSE;

  switch (*c->p)
    {
    case '{':
    case '[':
      {
        char close = *c->p == '{' ? '}' : ']';
        gboolean is_object = close == '}';

        if (depth >= JSON_MAX_DEPTH)
          return FALSE;
        c->p++;
        skip_ws (c);
        if (eat (c, close))
          return TRUE;
        do
          {
            if (is_object)
              {
                skip_ws (c);
                if (!check_string (c))
                  return FALSE;
                skip_ws (c);
                if (!eat (c, ':'))
                  return FALSE;
              }
            if (!check_value (c, depth + 1))
              return FALSE;
            skip_ws (c);
          }
        while (eat (c, ','));
        return eat (c, close);
      }
    case '"':
      return check_string (c);
    case 't':
      return check_literal (c, "true");
    case 'f':
      return check_literal (c, "false");
    case 'n':
      return check_literal (c, "null");
    default:
      return check_number (c);
    }
}

/* Returns the offset of the first byte that breaks the syntax, or -1 if there is none. */
static gssize
check_json_syntax (const char *text, size_t len)
{
  Cursor c = { text, text + len };

  if (!check_value (&c, 0))
    return c.p - text;
  skip_ws (&c);
  return c.p < c.end ? c.p - text : -1;
}

/* json-glib keeps the last of two members with the same name without a word; its
 * "object-member" signal fires once per parsed member, so an object that has seen more
 * members than it holds had a duplicate. */
typedef struct {
  GHashTable *seen;         /* JsonObject * -> number of members parsed */
  char       *duplicate;    /* the first duplicated member name */
} DuplicateCheck;

static void
object_member_cb (JsonParser  *parser,
                  JsonObject  *object,
                  const char  *member_name,
                  gpointer     user_data)
{
  DuplicateCheck *check = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (check->seen, object)) + 1;

  g_hash_table_insert (check->seen, object, GUINT_TO_POINTER (n));
  if (n > json_object_get_size (object) && check->duplicate == NULL)
    check->duplicate = g_strdup (member_name);
}

/* A non-negative integer: a dimension, an offset. json-glib wraps integers past G_MAXINT64 to
 * negative values, so they fail here too. */
static gboolean
node_is_count (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) >= 0;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* The other dtypes of the format: valid files, but not ones ResLab can use. */
static const char *const other_dtypes[] = {
  "BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F64", "I64", "U64",
  "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "E8M0", "C64",
};

static gboolean
parse_metadata (const char  *what,
                JsonNode    *node,
                GHashTable  *metadata,
                GError     **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  /* Python's safetensors writes no key for metadata=None; a null is read the same way. */
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: “%s” is not a JSON object"), what, RL_SAFETENSORS_METADATA_KEY);
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (object, key);

      if (!node_is_string (value))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                       _("%s: metadata “%s” is not a string"), what, key);
          return FALSE;
        }
      g_hash_table_insert (metadata, g_strdup (key), g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

/* An error in tensor @name's entry: "@what: tensor “@name”: " and the rest. Returns FALSE. */
static gboolean G_GNUC_PRINTF (5, 6)
bad_entry (GError     **error,
           RlError      code,
           const char  *what,
           const char  *name,
           const char  *format,
           ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, RL_ERROR, code, _("%s: tensor “%s”: %s"), what, name, why);
  return FALSE;
}

/* Checks one tensor entry against the format and against a buffer of @buf_len bytes. */
static gboolean
parse_entry (const char     *what,
             const char     *name,
             JsonNode       *node,
             uint64_t        buf_len,
             RlTensorEntry  *entry,
             GError        **error)
{
  JsonObject *object;
  JsonNode *dtype_node, *shape_node, *offsets_node;
  JsonArray *shape, *offsets;
  const char *dtype;
  uint64_t numel = 1, n_bytes;
  int64_t values[2];
  int d;
  g_autoptr(GList) members = NULL;

  entry->name = name;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_entry (error, RL_ERROR_BAD_HEADER, what, name, _("the entry is not a JSON object"));
  object = json_node_get_object (node);

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;

      if (strcmp (member, "dtype") != 0 && strcmp (member, "shape") != 0 &&
          strcmp (member, "data_offsets") != 0)
        return bad_entry (error, RL_ERROR_BAD_HEADER, what, name, _("unexpected member “%s”"),
                          member);
    }

  dtype_node = json_object_get_member (object, "dtype");
  shape_node = json_object_get_member (object, "shape");
  offsets_node = json_object_get_member (object, "data_offsets");
  if (!node_is_string (dtype_node))
    return bad_entry (error, RL_ERROR_BAD_HEADER, what, name,
                      _("“dtype” is missing or not a string"));
  if (shape_node == NULL || !JSON_NODE_HOLDS_ARRAY (shape_node))
    return bad_entry (error, RL_ERROR_BAD_HEADER, what, name,
                      _("“shape” is missing or not an array"));
  if (offsets_node == NULL || !JSON_NODE_HOLDS_ARRAY (offsets_node) ||
      json_array_get_length (json_node_get_array (offsets_node)) != 2)
    return bad_entry (error, RL_ERROR_BAD_HEADER, what, name,
                      _("“data_offsets” is missing or not an array of two numbers"));

  dtype = json_node_get_string (dtype_node);
  if (strcmp (dtype, "F32") != 0)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (other_dtypes); i++)
        if (strcmp (dtype, other_dtypes[i]) == 0)
          return bad_entry (error, RL_ERROR_BAD_DTYPE, what, name,
                            _("dtype %s is not supported (ResLab reads F32 only)"), dtype);
      return bad_entry (error, RL_ERROR_BAD_DTYPE, what, name, _("unknown dtype “%s”"), dtype);
    }

  shape = json_node_get_array (shape_node);
  if (json_array_get_length (shape) > RL_TENSOR_MAX_DIMS)
    return bad_entry (error, RL_ERROR_BAD_SHAPE, what, name,
                      g_dngettext (GETTEXT_PACKAGE, "%1$u dimension, at most %2$d are supported",
                                   "%1$u dimensions, at most %2$d are supported",
                                   json_array_get_length (shape)),
                      json_array_get_length (shape), RL_TENSOR_MAX_DIMS);
  entry->ndim = (int) json_array_get_length (shape);
  /* the elements, then the bytes, each product checked (the bytes not from 4 at the start:
   * [2^62, 0] is an empty tensor); an overflow ends the walk early, d < ndim */
  for (d = 0; d < entry->ndim; d++)
    {
      JsonNode *dim = json_array_get_element (shape, d);

      if (!node_is_count (dim))
        return bad_entry (error, RL_ERROR_BAD_SHAPE, what, name,
                          _("shape entry %d is not a non-negative integer"), d);
      entry->shape[d] = json_node_get_int (dim);
      if (!g_uint64_checked_mul (&numel, numel, (uint64_t) entry->shape[d]))
        break;
    }
  if (d < entry->ndim || !g_uint64_checked_mul (&n_bytes, numel, sizeof (float)))
    return bad_entry (error, RL_ERROR_BAD_SHAPE, what, name, _("the shape's size overflows"));

  offsets = json_node_get_array (offsets_node);
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *v = json_array_get_element (offsets, i);

      if (!node_is_count (v))
        return bad_entry (error, RL_ERROR_BAD_OFFSETS, what, name,
                          _("data offset %u is not a non-negative integer"), i);
      values[i] = json_node_get_int (v);
    }
  entry->begin = (uint64_t) values[0];
  entry->end = (uint64_t) values[1];
  if (entry->begin > entry->end)
    return bad_entry (error, RL_ERROR_BAD_OFFSETS, what, name,
                      _("data offsets [%llu, %llu] end before they begin"),
                      (unsigned long long) entry->begin, (unsigned long long) entry->end);
  if (entry->end > buf_len)
    return bad_entry (error, RL_ERROR_BAD_OFFSETS, what, name,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "data offsets [%1$llu, %2$llu] do not fit a buffer of %3$llu"
                                   " byte",
                                   "data offsets [%1$llu, %2$llu] do not fit a buffer of %3$llu"
                                   " bytes", (gulong) buf_len),
                      (unsigned long long) entry->begin, (unsigned long long) entry->end,
                      (unsigned long long) buf_len);
  if (entry->end - entry->begin != n_bytes)
    {
      g_autofree char *s = rl_shape_to_string (entry->shape, entry->ndim);

      return bad_entry (error, RL_ERROR_BAD_SHAPE, what, name,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "shape %1$s needs %2$llu byte of F32, its data offsets"
                                     " hold %3$llu",
                                     "shape %1$s needs %2$llu bytes of F32, its data offsets"
                                     " hold %3$llu", (gulong) n_bytes),
                        s, (unsigned long long) n_bytes,
                        (unsigned long long) (entry->end - entry->begin));
    }
  return TRUE;
}

static int
compare_entries (const void *a, const void *b)
{
  const RlTensorEntry *x = a, *y = b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Sorted by offset, the entries must tile [0, buf_len): each one starts where the one before
 * ends, and the last ends at the end of the buffer. */
static gboolean
check_coverage (const char           *what,
                const RlTensorEntry  *entries,
                guint                 n,
                uint64_t              buf_len,
                GError              **error)
{
  uint64_t pos = 0;

  for (guint i = 0; i < n; i++)
    {
      if (entries[i].begin < pos)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_OFFSETS,
                       _("%s: tensor “%s” (bytes %llu to %llu) overlaps tensor “%s”"),
                       what, entries[i].name, (unsigned long long) entries[i].begin,
                       (unsigned long long) entries[i].end,
                       entries[i - 1].name);
          return FALSE;
        }
      if (entries[i].begin > pos)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_OFFSETS,
                       _("%s: bytes %llu to %llu before tensor “%s” belong to no tensor"),
                       what, (unsigned long long) pos, (unsigned long long) entries[i].begin,
                       entries[i].name);
          return FALSE;
        }
      pos = entries[i].end;
    }
  if (pos != buf_len)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_OFFSETS,
                   _("%s: bytes %llu to %llu at the end of the buffer belong to no tensor"),
                   what, (unsigned long long) pos, (unsigned long long) buf_len);
      return FALSE;
    }
  return TRUE;
}

/* Parses and checks the JSON header; on success @entries holds the tensors sorted by offset
 * (names borrowed from @parser's tree) and @metadata the metadata. */
gboolean
_rl_safetensors_parse_header (const char  *what,
                              const char  *header,
                              uint64_t     header_len,
                              uint64_t     buf_len,
                              JsonParser  *parser,
                              GArray      *entries,
                              GHashTable  *metadata,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  DuplicateCheck check = { NULL, NULL };
  JsonNode *root;
  JsonObject *object;
  gulong handler;
  gssize bad_at;
  gboolean ok;

  /* g_utf8_validate() also refuses NUL bytes within the given length. */
  if (!g_utf8_validate (header, (gssize) header_len, NULL))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: the header is not valid UTF-8 (or holds a NUL byte)"), what);
      return FALSE;
    }
  bad_at = check_json_syntax (header, header_len);
  if (bad_at >= 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: the header is not valid JSON (at byte %lld of %llu)"), what,
                   (long long) bad_at, (unsigned long long) header_len);
      return FALSE;
    }

  check.seen = g_hash_table_new (NULL, NULL);
  handler = g_signal_connect (parser, "object-member", G_CALLBACK (object_member_cb), &check);
  ok = json_parser_load_from_data (parser, header, (gssize) header_len, &local_error);
  g_signal_handler_disconnect (parser, handler);
  g_hash_table_unref (check.seen);

  if (!ok)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: the header is not valid JSON: %s"), what, local_error->message);
      g_free (check.duplicate);
      return FALSE;
    }
  if (check.duplicate != NULL)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: the header has the key “%s” twice"), what, check.duplicate);
      g_free (check.duplicate);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: the header is not a JSON object"), what);
      return FALSE;
    }

  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      RlTensorEntry entry = { 0 };

      if (strcmp (name, RL_SAFETENSORS_METADATA_KEY) == 0)
        {
          if (!parse_metadata (what, node, metadata, error))
            return FALSE;
          continue;
        }
      if (entries == NULL)
        continue;   /* the metadata alone */
      if (!parse_entry (what, name, node, buf_len, &entry, error))
        return FALSE;
      g_array_append_val (entries, entry);
    }

  if (entries == NULL)
    return TRUE;
  if (entries->len > 0)
    qsort (entries->data, entries->len, sizeof (RlTensorEntry), compare_entries);
  return check_coverage (what, (const RlTensorEntry *) (void *) entries->data, entries->len,
                         buf_len, error);
}

/* The header's length from the first 8 of a file's @size bytes at @p, checked against the
 * limit and the file. */
gboolean
_rl_safetensors_read_header_len (const char    *what,
                                 const guint8  *p,
                                 uint64_t       size,
                                 uint64_t      *header_len,
                                 GError       **error)
{
  if (size < 8)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: %2$llu byte is too short for a safetensors file, whose"
                                " header length alone takes 8",
                                "%1$s: %2$llu bytes are too short for a safetensors file, whose"
                                " header length alone takes 8", (gulong) size),
                   what, (unsigned long long) size);
      return FALSE;
    }
  *header_len = read_u64_le (p);
  if (*header_len > HEADER_MAX && *header_len > size - 8)
    {
      /* text, a PNG, random bytes: nothing like a header's length. "A header of
       * 7526676540175443304 bytes is past the limit" told a user nothing. */
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: not a safetensors file: it does not begin with the length"
                                " of a header (its first 8 bytes give %2$llu byte, in a file of"
                                " %3$llu)",
                                "%1$s: not a safetensors file: it does not begin with the length"
                                " of a header (its first 8 bytes give %2$llu bytes, in a file of"
                                " %3$llu)", (gulong) *header_len), what,
                   (unsigned long long) *header_len, (unsigned long long) size);
      return FALSE;
    }
  if (*header_len > HEADER_MAX)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: a header of %2$llu byte is past the limit of %3$llu",
                                "%1$s: a header of %2$llu bytes is past the limit of %3$llu",
                                (gulong) *header_len), what,
                   (unsigned long long) *header_len, (unsigned long long) HEADER_MAX);
      return FALSE;
    }
  if (*header_len > size - 8)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   /* the file has 8 bytes at least: its count is always plural in English */
                   g_dngettext (GETTEXT_PACKAGE,
                                "%1$s: a header of %2$llu byte runs past the end of the file"
                                " (%3$llu bytes)",
                                "%1$s: a header of %2$llu bytes runs past the end of the file"
                                " (%3$llu bytes)", (gulong) *header_len),
                   what, (unsigned long long) *header_len, (unsigned long long) size);
      return FALSE;
    }
  return TRUE;
}

GHashTable *
rl_safetensors_read_metadata (const char  *path,
                              GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) metadata = NULL;
  g_autofree char *header = NULL;
  guint8 len_le[8];
  gsize got = 0;
  uint64_t header_len, size;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_file_new_for_path (path);
  /* the kind first: opening a pipe (a FIFO named *.safetensors in the runs folder) waits for
   * a writer, and the Models list would wait with it */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;   /* GIO's message names the file */
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s: is not a regular file (a model is a .safetensors file)"), path);
      return NULL;
    }
  in = g_file_read (file, NULL, error);
  if (in == NULL)
    return NULL;
  size = (uint64_t) MAX (g_file_info_get_size (info), 0);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), len_le, sizeof len_le, &got, NULL, error)
      || !_rl_safetensors_read_header_len (path, len_le, got < sizeof len_le ? got : size,
                                           &header_len, error))
    return NULL;
  header = g_malloc (header_len + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), header, header_len, &got, NULL, error))
    return NULL;
  if (got < header_len)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   g_dngettext (GETTEXT_PACKAGE, "%1$s: the header ends after %2$zu of its %3$llu"
                                " byte", "%1$s: the header ends after %2$zu of its %3$llu bytes",
                                (gulong) header_len), path, got,
                   (unsigned long long) header_len);
      return NULL;
    }
  parser = json_parser_new ();
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!_rl_safetensors_parse_header (path, header, header_len, 0, parser, NULL, metadata, error))
    return NULL;
  return g_steal_pointer (&metadata);
}
