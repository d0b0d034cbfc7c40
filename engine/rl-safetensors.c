#define G_LOG_DOMAIN "reslab-engine"

/* rl-safetensors.c: reading and writing safetensors files (F32 tensors only).
 *
 * Layout (https://github.com/huggingface/safetensors):
 *
 *   [0, 8)          u64 N, little-endian: the header length
 *   [8, 8 + N)      UTF-8 JSON object: name -> {"dtype", "shape", "data_offsets": [begin, end]},
 *                   plus an optional "__metadata__" object of string -> string
 *   [8 + N, size)   the byte buffer; tensor data little-endian, offsets relative to its start
 *
 * Nothing read from a file is trusted before it is checked: the header length against the
 * file size and a bound, the JSON's syntax and member types, every shape against its byte
 * range, every byte range against the buffer, and the ranges together against the buffer
 * (sorted by offset they must tile it exactly). Only then is anything allocated from a size
 * the file gave, and the data is copied into an owned, aligned float block: N may be any
 * value, so the buffer need not be 4-byte aligned within the file.
 */

#include "config.h"

#include "rl-safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"

/* The reference implementation's bound on N; a larger value is refused before any
 * allocation. */
#define HEADER_MAX ((uint64_t) 100000000)

#define METADATA_KEY "__metadata__"

struct _RlSafetensors {
  char         *what;       /* names the source in messages */
  float        *data;       /* the whole buffer in host order; never NULL */
  RlTensorView *views;      /* sorted by offset, pointing into data and names */
  char        **names;      /* owned, one per view */
  guint         n_tensors;
  GHashTable   *index;      /* name (borrowed from names) -> GUINT_TO_POINTER (i + 1) */
  GHashTable   *metadata;   /* string -> string, both owned */
};

/* One header entry, checked, before any data is copied. */
typedef struct {
  const char *name;         /* borrowed from the JSON object */
  int         ndim;
  int64_t     shape[RL_TENSOR_MAX_DIMS];
  uint64_t    begin, end;   /* bytes into the buffer */
} Entry;

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

static uint64_t
read_u64_le (const guint8 *p)
{
  uint64_t v = 0;

  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

char *
rl_shape_to_string (const int64_t *shape, int ndim)
{
  GString *s = g_string_new ("[");

  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
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
                   _("%s: “%s” is not a JSON object"), what, METADATA_KEY);
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
parse_entry (const char  *what,
             const char  *name,
             JsonNode    *node,
             uint64_t     buf_len,
             Entry       *entry,
             GError     **error)
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
                      _("%u dimensions, at most %d are supported"),
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
                      _("data offsets [%llu, %llu] do not fit a buffer of %llu bytes"),
                      (unsigned long long) entry->begin, (unsigned long long) entry->end,
                      (unsigned long long) buf_len);
  if (entry->end - entry->begin != n_bytes)
    {
      g_autofree char *s = rl_shape_to_string (entry->shape, entry->ndim);

      return bad_entry (error, RL_ERROR_BAD_SHAPE, what, name,
                        _("shape %s needs %llu bytes of F32, its data offsets hold %llu"),
                        s, (unsigned long long) n_bytes,
                        (unsigned long long) (entry->end - entry->begin));
    }
  return TRUE;
}

static int
compare_entries (const void *a, const void *b)
{
  const Entry *x = a, *y = b;

  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Sorted by offset, the entries must tile [0, buf_len): each one starts where the one before
 * ends, and the last ends at the end of the buffer. */
static gboolean
check_coverage (const char  *what,
                const Entry *entries,
                guint        n,
                uint64_t     buf_len,
                GError     **error)
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
static gboolean
parse_header (const char  *what,
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
      Entry entry = { 0 };

      if (strcmp (name, METADATA_KEY) == 0)
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
    qsort (entries->data, entries->len, sizeof (Entry), compare_entries);
  return check_coverage (what, (const Entry *) (void *) entries->data, entries->len, buf_len,
                         error);
}

/* The header's length from the first 8 of a file's @size bytes at @p, checked against the
 * limit and the file. */
static gboolean
read_header_len (const char    *what,
                 const guint8  *p,
                 uint64_t       size,
                 uint64_t      *header_len,
                 GError       **error)
{
  if (size < 8)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   _("%s: %llu bytes is too short for a safetensors file, whose header length "
                     "alone takes 8"), what, (unsigned long long) size);
      return FALSE;
    }
  *header_len = read_u64_le (p);
  if (*header_len > HEADER_MAX)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: a header of %llu bytes is past the limit of %llu"), what,
                   (unsigned long long) *header_len, (unsigned long long) HEADER_MAX);
      return FALSE;
    }
  if (*header_len > size - 8)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   _("%s: a header of %llu bytes runs past the end of the file (%llu bytes)"),
                   what, (unsigned long long) *header_len, (unsigned long long) size);
      return FALSE;
    }
  return TRUE;
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
    what = "<memory>";

  p = g_bytes_get_data (bytes, &size);
  if (!read_header_len (what, p, size, &header_len, error))
    return NULL;
  buffer = p + 8 + header_len;
  buf_len = size - 8 - header_len;

  parser = json_parser_new ();
  entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!parse_header (what, (const char *) p + 8, header_len, buf_len, parser, entries,
                     metadata, error))
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
      const Entry *e = &g_array_index (entries, Entry, i);
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

RlSafetensors *
rl_safetensors_load (const char  *path,
                     GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_file_new_for_path (path);
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  bytes = g_bytes_new_take (contents, length);
  return rl_safetensors_load_bytes (bytes, path, error);
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
  in = g_file_read (file, NULL, error);
  if (in == NULL)
    return NULL;   /* GIO's message names the file */
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, error);
  if (info == NULL)
    return NULL;
  size = (uint64_t) MAX (g_file_info_get_size (info), 0);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), len_le, sizeof len_le, &got, NULL, error)
      || !read_header_len (path, len_le, got < sizeof len_le ? got : size, &header_len, error))
    return NULL;
  header = g_malloc (header_len + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), header, header_len, &got, NULL, error))
    return NULL;
  if (got < header_len)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TRUNCATED,
                   _("%s: the header ends after %zu of its %llu bytes"), path, got,
                   (unsigned long long) header_len);
      return NULL;
    }
  parser = json_parser_new ();
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!parse_header (path, header, header_len, 0, parser, NULL, metadata, error))
    return NULL;
  return g_steal_pointer (&metadata);
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
          strcmp (name, METADATA_KEY) == 0)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("Tensor %u has no name, a name that is not UTF-8, or the reserved "
                         "name “%s”"), i, METADATA_KEY);
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
      json_builder_set_member_name (builder, METADATA_KEY);
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
                       _("Cannot write %s: %s"), path, g_strerror (saved_errno));
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

      return set_errno_error (error, saved, _("Cannot create a temporary file to write %s: %s"),
                              path, g_strerror (saved));
    }

  ok = write_all (fd, len_bytes, sizeof len_bytes, path, error) &&
       write_all (fd, header, padded_len, path, error);
  for (guint i = 0; ok && i < n_tensors; i++)
    ok = write_floats (fd, tensors[i].data, rl_tensor_view_numel (&tensors[i]), path, error);
  if (ok && fsync (fd) != 0)
    {
      int saved = errno;

      ok = set_errno_error (error, saved, _("Cannot flush %s: %s"), path, g_strerror (saved));
    }
  if (close (fd) != 0 && ok)
    {
      int saved = errno;

      ok = set_errno_error (error, saved, _("Cannot close %s: %s"), path, g_strerror (saved));
    }
  if (ok && g_rename (tmp_path, path) != 0)
    {
      int saved = errno;

      ok = set_errno_error (error, saved, _("Cannot replace %s: %s"), path, g_strerror (saved));
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
