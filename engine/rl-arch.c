#define G_LOG_DOMAIN "reslab-engine"

/* rl-arch.c: architecture descriptions (see rl-arch.h): the text parsed into layer specs, with
 * the place of an error, printed back, and named (seed, resnet-N, plain-N).
 */

#include "config.h"

#include "rl-arch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"

const char *
rl_layer_kind_name (RlLayerKind kind)
{
  switch (kind)
    {
    case RL_LAYER_CONV: return "conv";
    case RL_LAYER_RELU: return "relu";
    case RL_LAYER_MAXPOOL: return "maxpool";
    case RL_LAYER_RESIDUAL: return "res";
    case RL_LAYER_GAP: return "gap";
    case RL_LAYER_LINEAR: return "linear";
    case RL_LAYER_BN: return "bn";
    default: return "?";
    }
}

const char *
rl_shortcut_name (RlShortcut shortcut)
{
  switch (shortcut)
    {
    case RL_SHORTCUT_NONE: return "none";
    case RL_SHORTCUT_IDENTITY: return "identity";
    case RL_SHORTCUT_A: return "A";
    case RL_SHORTCUT_B: return "B";
    default: return "?";
    }
}

static gboolean
kind_from_name (const char *s, RlLayerKind *kind)
{
  static const RlLayerKind kinds[] = {
    RL_LAYER_CONV, RL_LAYER_RELU, RL_LAYER_MAXPOOL, RL_LAYER_RESIDUAL, RL_LAYER_GAP,
    RL_LAYER_LINEAR, RL_LAYER_BN,
  };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (s, rl_layer_kind_name (kinds[i])) == 0)
      {
        *kind = kinds[i];
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_int (const char *s, int lo, int hi, int *out)
{
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

static gboolean
valid_name (const char *s)
{
  if (*s == '\0' || strlen (s) >= RL_NAME_MAX)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* One argument of a layer token: positional (the channel count or pool size) or key=value. */
static gboolean
parse_arg (RlLayerSpec *spec, const char *arg, int position, int index, GError **error)
{
  const char *eq = strchr (arg, '=');
  g_autofree char *key = eq ? g_strndup (arg, eq - arg) : NULL;
  const char *val = eq ? eq + 1 : arg;
  gboolean ok = FALSE;

  if (key == NULL)
    {
      /* relu, gap and bn take no argument: one would be dropped by rl_arch_to_string */
      if (position != 0 || spec->kind == RL_LAYER_RELU || spec->kind == RL_LAYER_GAP ||
          spec->kind == RL_LAYER_BN)
        goto bad;
      if (spec->kind == RL_LAYER_MAXPOOL)
        ok = parse_int (val, 1, 16, &spec->kernel);
      else
        ok = parse_int (val, 1, 65536, &spec->channels);
    }
  else if (strcmp (key, "k") == 0 && spec->kind == RL_LAYER_CONV)
    ok = parse_int (val, 1, 31, &spec->kernel);
  else if (strcmp (key, "s") == 0 && (spec->kind == RL_LAYER_CONV || spec->kind == RL_LAYER_RESIDUAL))
    ok = parse_int (val, 1, 16, &spec->stride);
  else if (strcmp (key, "p") == 0 && spec->kind == RL_LAYER_CONV)
    ok = parse_int (val, 0, 15, &spec->pad);
  else if (strcmp (key, "bn") == 0 && spec->kind == RL_LAYER_RESIDUAL)
    {
      int v = 0;
      ok = parse_int (val, 0, 1, &v);
      spec->bn = v;
    }
  else if (strcmp (key, "shortcut") == 0 && spec->kind == RL_LAYER_RESIDUAL)
    {
      static const RlShortcut all[] = {
        RL_SHORTCUT_NONE, RL_SHORTCUT_IDENTITY, RL_SHORTCUT_A, RL_SHORTCUT_B,
      };
      for (guint i = 0; i < G_N_ELEMENTS (all); i++)
        if (g_ascii_strcasecmp (val, rl_shortcut_name (all[i])) == 0)
          {
            spec->shortcut = all[i];
            ok = TRUE;
          }
    }

  if (ok)
    return TRUE;
bad:
  g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
               _("layer %d (%s): bad argument “%s”"), index + 1, rl_layer_kind_name (spec->kind),
               arg);
  return FALSE;
}

/* On failure *bad_start, *bad_end get the byte range in @tok of what is wrong. */
static gboolean
parse_token (const char *tok, int index, RlLayerSpec *spec, int *bad_start, int *bad_end,
             GError **error)
{
  const char *paren = strchr (tok, '(');
  g_autofree char *head = paren ? g_strndup (tok, paren - tok) : g_strdup (tok);
  char *eq = strchr (head, '=');
  const char *kind_str = head;

  *bad_start = 0;
  *bad_end = (int) strlen (tok);
  memset (spec, 0, sizeof *spec);
  spec->stride = 1;
  spec->shortcut = RL_SHORTCUT_IDENTITY;

  if (eq != NULL)
    {
      *eq = '\0';
      if (!valid_name (head))
        {
          *bad_end = (int) (eq - head);
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("layer %d: “%s” is not a valid name (letters, digits, _ and . only)"),
                       index + 1, head);
          return FALSE;
        }
      g_strlcpy (spec->name, head, sizeof spec->name);
      kind_str = eq + 1;
    }

  if (!kind_from_name (kind_str, &spec->kind))
    {
      *bad_start = (int) (kind_str - head);
      *bad_end = *bad_start + (int) strlen (kind_str);
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   /* TRANSLATORS: in parentheses, the layer kinds one may type: keep them */
                   _("layer %d: unknown layer kind “%s” (conv, relu, maxpool, res, bn, gap, "
                     "linear)"), index + 1, kind_str);
      return FALSE;
    }

  switch (spec->kind)
    {
    case RL_LAYER_CONV: spec->kernel = 3; break;
    case RL_LAYER_MAXPOOL: spec->kernel = 2; break;
    default: break;
    }

  if (paren != NULL)
    {
      size_t len = strlen (paren);
      g_autofree char *inner = NULL;
      g_auto (GStrv) args = NULL;
      int arg_start = (int) (paren - tok) + 1;

      if (len < 2 || paren[len - 1] != ')')
        {
          *bad_start = (int) (paren - tok);
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("layer %d: “%s” has an unclosed parenthesis"), index + 1, tok);
          return FALSE;
        }
      inner = g_strndup (paren + 1, len - 2);
      args = g_strsplit (inner, ",", -1);
      for (int i = 0; args[i] != NULL; i++)
        {
          int arg_len = (int) strlen (args[i]);
          const char *key_end;

          g_strstrip (args[i]);
          /* k=3,k=5 took the last: refused, as a key twice in a model file's JSON is */
          key_end = strchr (args[i], '=');
          for (int j = 0; key_end != NULL && j < i; j++)
            if (strncmp (args[j], args[i], (size_t) (key_end - args[i]) + 1) == 0)
              {
                *bad_start = arg_start;
                *bad_end = arg_start + arg_len;
                g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                             _("layer %d (%s): “%.*s” is given twice"), index + 1,
                             rl_layer_kind_name (spec->kind), (int) (key_end - args[i]),
                             args[i]);
                return FALSE;
              }
          if (!parse_arg (spec, args[i], i, index, error))
            {
              *bad_start = arg_start;
              *bad_end = arg_start + arg_len;
              return FALSE;
            }
          arg_start += arg_len + 1;
        }
    }

  if (spec->kind == RL_LAYER_BN && spec->name[0] == '\0')
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   _("layer %d (bn) has parameters and needs a name (name=bn)"), index + 1);
      return FALSE;
    }
  if ((spec->kind == RL_LAYER_CONV || spec->kind == RL_LAYER_RESIDUAL ||
       spec->kind == RL_LAYER_LINEAR))
    {
      if (spec->channels <= 0)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("layer %d (%s): the number of output channels is missing"),
                       index + 1, rl_layer_kind_name (spec->kind));
          return FALSE;
        }
      if (spec->name[0] == '\0')
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("layer %d (%s) has parameters and needs a name (name=%s(...))"),
                       index + 1, rl_layer_kind_name (spec->kind),
                       rl_layer_kind_name (spec->kind));
          return FALSE;
        }
    }
  return TRUE;
}

static void
set_place (RlArchPlace *place, int start, int end, int layer)
{
  if (place == NULL)
    return;
  place->start = start;
  place->end = end;
  place->layer = layer;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n';
}

gboolean
rl_arch_layer_place (const char *text, int layer, RlArchPlace *place)
{
  int i = 0, n = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (place != NULL, FALSE);

  while (text[i] != '\0')
    {
      int start;

      while (is_space (text[i]))
        i++;
      if (text[i] == '\0')
        break;
      start = i;
      while (text[i] != '\0' && !is_space (text[i]))
        i++;
      if (n++ == layer)
        {
          set_place (place, start, i, layer);
          return TRUE;
        }
    }
  return FALSE;
}

RlArch *
rl_arch_parse_at (const char *text, RlArchPlace *place, GError **error)
{
  g_autoptr (RlArch) arch = NULL;
  g_autoptr (GArray) starts = NULL;
  g_autoptr (GHashTable) names = NULL;
  const char *whole = text;
  int len;

  g_return_val_if_fail (text != NULL, NULL);

  len = (int) strnlen (text, G_MAXINT - 1);
  set_place (place, 0, len, -1);
  /* the messages below quote the text: a GError's message is UTF-8, so the bytes that are not
   * are shown replaced (U+FFFD), never copied (a command line's argument may hold any) */
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (text, MIN (len, 200));

      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   _("“%s”: not valid UTF-8 text (the bytes shown as � are not)"), shown);
      return NULL;
    }
  if (strcmp (text, "seed") == 0)
    text = RL_ARCH_SEED;
  else if (g_str_has_prefix (text, "resnet-") || g_str_has_prefix (text, "plain-"))
    {
      gboolean residual = g_str_has_prefix (text, "resnet-");
      const char *digits = strchr (text, '-') + 1;
      gsize n_digits = strspn (digits, "0123456789");
      int depth = 0;

      /* a number too large for parse_int is a depth still: said as one */
      if (n_digits > 0 && digits[n_digits] == '\0'
          && !parse_int (digits, 0, RL_ARCH_MAX_CIFAR_DEPTH, &depth))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                       _("“%s”: the depth is too large; at most %d"), text,
                       RL_ARCH_MAX_CIFAR_DEPTH);
          return NULL;
        }
      if (n_digits == 0 || digits[n_digits] != '\0')
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("“%s”: expected a depth after the dash, as in resnet-20"), text);
          return NULL;
        }
      return rl_arch_new_cifar (depth, residual, RL_SHORTCUT_A, TRUE, error);
    }

  /* the words' start offsets; counted first, as a model file's header may hold 100 MB of them */
  starts = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; text[i] != '\0';)
    {
      while (is_space (text[i]))
        i++;
      if (text[i] == '\0')
        break;
      if (starts->len == RL_ARCH_MAX_LAYERS)
        {
          guint n_words = starts->len;

          for (; text[i] != '\0'; i++)
            n_words += !is_space (text[i]) && (i == 0 || is_space (text[i - 1]));
          g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                       g_dngettext (GETTEXT_PACKAGE, "%1$u layer: more than the limit of %2$d",
                                    "%1$u layers: more than the limit of %2$d", n_words),
                       n_words, RL_ARCH_MAX_LAYERS);
          return NULL;
        }
      g_array_append_val (starts, i);
      while (text[i] != '\0' && !is_space (text[i]))
        i++;
    }

  if (starts->len == 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH, _("empty architecture description"));
      return NULL;
    }

  arch = g_new0 (RlArch, 1);
  arch->layers = g_new0 (RlLayerSpec, starts->len);
  arch->n_layers = (int) starts->len;
  /* names seen so far, so the duplicate check stays linear (40,000 layers took 4.3 s) */
  names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < starts->len; i++)
    {
      const char *name = arch->layers[i].name;
      int off = g_array_index (starts, int, i);
      int tok_len = 0;
      g_autofree char *tok = NULL;
      int bad_start, bad_end;

      while (text[off + tok_len] != '\0' && !is_space (text[off + tok_len]))
        tok_len++;
      tok = g_strndup (text + off, tok_len);
      if (!parse_token (tok, (int) i, &arch->layers[i], &bad_start, &bad_end, error))
        {
          /* an empty argument, as in conv(): its neighbours, so the place shows */
          if (bad_end == bad_start)
            {
              bad_start = MAX (bad_start - 1, 0);
              bad_end = MIN (bad_end + 1, tok_len);
            }
          set_place (place, text == whole ? off + bad_start : 0,
                     text == whole ? off + bad_end : len, (int) i);
          return NULL;
        }
      if (name[0] != '\0' && !g_hash_table_add (names, (gpointer) name))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("layer %u: the name “%s” is used twice"), i + 1, name);
          set_place (place, off, off + (int) strlen (name), (int) i);
          return NULL;
        }
    }
  return g_steal_pointer (&arch);
}

RlArch *
rl_arch_parse (const char *text, GError **error)
{
  return rl_arch_parse_at (text, NULL, error);
}

char *
rl_arch_to_string (const RlArch *arch)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < arch->n_layers; i++)
    {
      const RlLayerSpec *l = &arch->layers[i];

      if (i > 0)
        g_string_append_c (s, ' ');
      if (l->name[0] != '\0')
        g_string_append_printf (s, "%s=", l->name);
      g_string_append (s, rl_layer_kind_name (l->kind));
      switch (l->kind)
        {
        case RL_LAYER_CONV:
          g_string_append_printf (s, "(%d,k=%d", l->channels, l->kernel);
          if (l->stride != 1)
            g_string_append_printf (s, ",s=%d", l->stride);
          if (l->pad != 0)
            g_string_append_printf (s, ",p=%d", l->pad);
          g_string_append_c (s, ')');
          break;
        case RL_LAYER_MAXPOOL:
          g_string_append_printf (s, "(%d)", l->kernel);
          break;
        case RL_LAYER_RESIDUAL:
          g_string_append_printf (s, "(%d", l->channels);
          if (l->stride != 1)
            g_string_append_printf (s, ",s=%d", l->stride);
          if (l->shortcut != RL_SHORTCUT_IDENTITY)
            g_string_append_printf (s, ",shortcut=%s", rl_shortcut_name (l->shortcut));
          if (l->bn)
            g_string_append (s, ",bn=1");
          g_string_append_c (s, ')');
          break;
        case RL_LAYER_LINEAR:
          g_string_append_printf (s, "(%d)", l->channels);
          break;
        case RL_LAYER_RELU:
        case RL_LAYER_GAP:
        case RL_LAYER_BN:
        default:
          break;
        }
    }
  return g_string_free (s, FALSE);
}

RlArch *
rl_arch_new_cifar (int depth, gboolean residual, RlShortcut shortcut, gboolean bn,
                   GError **error)
{
  static const int widths[3] = { 16, 32, 64 };
  g_autoptr (GString) s = NULL;
  int n;

  if (depth > RL_ARCH_MAX_CIFAR_DEPTH)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("depth %d is too large; at most %d"), depth, RL_ARCH_MAX_CIFAR_DEPTH);
      return NULL;
    }
  if (depth < 8 || (depth - 2) % 6 != 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   _("depth %d is not of the form 6n+2 (8, 20, 32, 44, 56, ...)"), depth);
      return NULL;
    }
  g_return_val_if_fail (shortcut == RL_SHORTCUT_A || shortcut == RL_SHORTCUT_B, NULL);

  n = (depth - 2) / 6;
  s = g_string_new (bn ? "conv1=conv(16,k=3,p=1) bn1=bn relu" : "conv1=conv(16,k=3,p=1) relu");
  for (int stage = 0; stage < 3; stage++)
    for (int b = 0; b < n; b++)
      {
        gboolean down = stage > 0 && b == 0;
        RlShortcut sc = !residual ? RL_SHORTCUT_NONE : down ? shortcut : RL_SHORTCUT_IDENTITY;
        g_string_append_printf (s, " layer%d.%d=res(%d", stage + 1, b, widths[stage]);
        if (down)
          g_string_append (s, ",s=2");
        if (sc != RL_SHORTCUT_IDENTITY)
          g_string_append_printf (s, ",shortcut=%s", rl_shortcut_name (sc));
        g_string_append (s, bn ? ",bn=1)" : ")");
      }
  g_string_append (s, " gap fc=linear(10)");
  return rl_arch_parse (s->str, error);
}

RlArch *
rl_arch_copy (const RlArch *arch)
{
  RlArch *copy = g_new0 (RlArch, 1);
  copy->n_layers = arch->n_layers;
  copy->layers = g_memdup2 (arch->layers, sizeof (RlLayerSpec) * arch->n_layers);
  return copy;
}

void
rl_arch_free (RlArch *arch)
{
  if (arch == NULL)
    return;
  g_free (arch->layers);
  g_free (arch);
}

char *
rl_arch_short_name (const RlArch *arch)
{
  static const int depths[] = { 8, 20, 32, 44, 56 };
  g_autoptr (RlArch) seed = rl_arch_parse (RL_ARCH_SEED, NULL);

  g_return_val_if_fail (arch != NULL, NULL);

  if (arch->n_layers == seed->n_layers
      && memcmp (arch->layers, seed->layers, sizeof (RlLayerSpec) * arch->n_layers) == 0)
    return g_strdup ("seed");
  for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
    {
      int n = (depths[d] - 2) / 6;

      /* stem (2 or 3 layers), 3n blocks, gap, fc */
      if (arch->n_layers != 3 * n + 4 && arch->n_layers != 3 * n + 5)
        continue;
      for (int residual = 1; residual >= 0; residual--)
        for (int bn = 1; bn >= 0; bn--)
          for (int sc = RL_SHORTCUT_A; sc <= RL_SHORTCUT_B; sc++)
            {
              g_autoptr (RlArch) cifar = rl_arch_new_cifar (depths[d], residual, sc, bn, NULL);

              if (cifar->n_layers != arch->n_layers
                  || memcmp (cifar->layers, arch->layers,
                             sizeof (RlLayerSpec) * arch->n_layers) != 0)
                continue;
              return g_strdup_printf ("%s-%d%s%s", residual ? "resnet" : "plain", depths[d],
                                      residual && sc == RL_SHORTCUT_B ? "-B" : "",
                                      bn ? "" : "-nobn");
            }
    }
  return NULL;
}
