#define G_LOG_DOMAIN "reslab-engine"

/* rl-model-io.c: models to and from safetensors files, with PyTorch state_dict names.
 *
 * Everything here walks the model's tensor table through the public API of rl-model.h; no
 * tensor is listed by hand. A file carries the architecture in its metadata ("arch", "input",
 * "classes"); a file written by PyTorch has none, and is read as the seed net on 1×28×28 MNIST
 * with 10 classes, whose state_dict names and shapes it must then match exactly.
 */

#include "config.h"

#include "rl-model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-finite.h"
#include "rl-limits.h"

#define FORMAT_VERSION "reslab-1"

/* Defaults for a file without metadata: the seed net on MNIST. */
#define DEFAULT_IN_C      1
#define DEFAULT_IN_H      28
#define DEFAULT_IN_W      28
#define DEFAULT_N_CLASSES 10

/* A file may lack this many of its architecture's floats and still be built, so the per-tensor
 * check names what is missing: 16 MB of parameters and as much of gradients, at most. */
#define LOAD_SLACK_FLOATS ((size_t) 4 * 1024 * 1024)

gboolean
rl_model_save (const RlModel  *model,
               const char     *path,
               GHashTable     *metadata,
               GError        **error)
{
  g_autoptr(GHashTable) merged = NULL;
  g_autofree RlTensorView *views = NULL;
  guint n;
  int c, h, w;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A diverged run's weights would load and predict garbage: never write them. */
  if (rl_model_find_nonfinite (model, FALSE, &n))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_NOT_FINITE,
                   _("%s: not saved: tensor “%s” holds a value that is not finite (NaN or "
                     "infinity); training diverged, try a smaller learning rate"), path,
                   rl_model_get_tensor_info (model, n)->name);
      return FALSE;
    }

  /* The caller's keys first; ours describe the file's contents, so they win. */
  merged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (metadata != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (merged, g_strdup (key), g_strdup (value));
    }
  rl_model_get_input_shape (model, &c, &h, &w);
  g_hash_table_insert (merged, g_strdup ("arch"), rl_arch_to_string (rl_model_get_arch (model)));
  g_hash_table_insert (merged, g_strdup ("input"), g_strdup_printf ("%d,%d,%d", c, h, w));
  g_hash_table_insert (merged, g_strdup ("classes"),
                       g_strdup_printf ("%d", rl_model_get_n_classes (model)));
  g_hash_table_insert (merged, g_strdup ("format"), g_strdup (FORMAT_VERSION));

  views = rl_model_get_tensor_views (model, &n);
  return rl_safetensors_save (path, views, n, merged, error);
}

RlTensorView *
rl_model_get_tensor_views (const RlModel *model, guint *n_views)
{
  const float *params;
  RlTensorView *views;
  guint n;

  g_return_val_if_fail (model != NULL && n_views != NULL, NULL);

  n = rl_model_get_n_tensors (model);
  params = rl_model_get_params_const (model);
  views = g_new0 (RlTensorView, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);

      views[i].name = info->name;
      views[i].ndim = info->ndim;
      for (int d = 0; d < info->ndim; d++)
        views[i].shape[d] = info->shape[d];
      views[i].data = params + info->offset;
    }
  *n_views = n;
  return views;
}

/* A positive decimal int, the whole string. */
static gboolean
parse_positive_int (const char *s, int *out)
{
  char *end = NULL;
  long long v;

  if (s == NULL || !g_ascii_isdigit (*s))
    return FALSE;
  errno = 0;
  v = strtoll (s, &end, 10);
  if (errno != 0 || *end != '\0' || v <= 0 || v > G_MAXINT)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* "C,H,W" */
static gboolean
parse_input_shape (const char *s, int *c, int *h, int *w)
{
  g_auto(GStrv) parts = g_strsplit (s, ",", -1);

  return g_strv_length (parts) == 3 &&
         parse_positive_int (parts[0], c) &&
         parse_positive_int (parts[1], h) &&
         parse_positive_int (parts[2], w);
}

gboolean
rl_model_set_from_safetensors (RlModel              *model,
                               const RlSafetensors  *st,
                               const char           *what,
                               GError              **error)
{
  g_autoptr(GHashTable) by_name = NULL;
  guint n_file, n_model;
  float *params;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (st != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (what == NULL)
    /* TRANSLATORS: in messages, the name of a model read from memory, not from a file */
    what = _("<memory>");

  /* The model's tensors by name: a file may hold thousands, and a lookup by walking the table
   * would make this quadratic. */
  n_model = rl_model_get_n_tensors (model);
  by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_model; i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);
      g_hash_table_insert (by_name, (gpointer) info->name, (gpointer) info);
    }

  /* Check everything first, so a file that does not fit leaves the model untouched. */
  n_file = rl_safetensors_get_n_tensors (st);
  for (guint i = 0; i < n_file; i++)
    {
      const RlTensorView *v = rl_safetensors_get_tensor (st, i);
      const RlParamInfo *info = g_hash_table_lookup (by_name, v->name);
      gboolean same;

      if (info == NULL)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_UNKNOWN_TENSOR,
                       _("%s: tensor “%s” is not part of this model"), what, v->name);
          return FALSE;
        }

      same = v->ndim == info->ndim;
      for (int d = 0; same && d < v->ndim; d++)
        same = v->shape[d] == info->shape[d];
      if (!same)
        {
          g_autofree char *file_shape = rl_shape_to_string (v->shape, v->ndim);
          g_autofree char *model_shape = rl_shape_to_string (info->shape, info->ndim);

          g_set_error (error, RL_ERROR, RL_ERROR_BAD_SHAPE,
                       _("%s: tensor “%s” has shape %s in the file, the model needs %s"),
                       what, v->name, file_shape, model_shape);
          return FALSE;
        }
    }

  for (guint i = 0; i < n_model; i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);

      if (rl_safetensors_lookup (st, info->name) == NULL)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_MISSING_TENSOR,
                       _("%s: the model's tensor “%s” is missing from the file"), what, info->name);
          return FALSE;
        }
    }

  /* Names are unique on both sides, every file tensor is a model tensor and every model
   * tensor is in the file: the two tables match one to one. */
  params = rl_model_get_params (model);
  for (guint i = 0; i < n_model; i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);
      const RlTensorView *v = rl_safetensors_lookup (st, info->name);

      memcpy (params + info->offset, v->data, info->numel * sizeof (float));
    }
  return TRUE;
}

/* Floats in all of @st's tensors. */
static size_t
file_floats (const RlSafetensors *st)
{
  size_t total = 0;

  for (guint i = 0; i < rl_safetensors_get_n_tensors (st); i++)
    total += rl_tensor_view_numel (rl_safetensors_get_tensor (st, i));
  return total;
}

/* Builds the model that @st's metadata describes and fills it from @st. */
static RlModel *
model_from_safetensors (const RlSafetensors  *st,
                        const char           *what,
                        GError              **error)
{
  g_autoptr(RlArch) arch = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *arch_text = rl_safetensors_get_metadata (st, "arch");
  const char *input = rl_safetensors_get_metadata (st, "input");
  const char *classes = rl_safetensors_get_metadata (st, "classes");
  int c = DEFAULT_IN_C, h = DEFAULT_IN_H, w = DEFAULT_IN_W, n_classes = DEFAULT_N_CLASSES;
  RlArchCost cost;

  if (arch_text == NULL)
    arch_text = RL_ARCH_SEED;
  if (input != NULL && !parse_input_shape (input, &c, &h, &w))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: metadata “input” is “%s”, not three positive numbers C,H,W"),
                   what, input);
      return NULL;
    }
  if (classes != NULL && !parse_positive_int (classes, &n_classes))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_HEADER,
                   _("%s: metadata “classes” is “%s”, not a positive number"), what, classes);
      return NULL;
    }

  arch = rl_arch_parse (arch_text, &local_error);
  if (arch == NULL)
    {
      /* RL_ERROR_BAD_ARCH, or RL_ERROR_TOO_LARGE past the layer limit */
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("%s: metadata “arch”: "), what);
      return NULL;
    }

  /* The file's size bounds what loading it may allocate: the architecture's limits first
   * (rl-limits.h), then its parameter count against the floats the file holds, before the
   * parameter and gradient blocks are allocated (a 67-byte file without tensors cost 415 MB
   * that way). Names and shapes are checked after, tensor by tensor, with a message naming the
   * tensor (rl_model_set_from_safetensors); up to LOAD_SLACK_FLOATS missing floats are left to
   * that check. */
  if (!rl_limits_check_arch (arch, c, h, w, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("%s: metadata “arch”: "), what);
      return NULL;
    }
  if (rl_arch_cost (arch, c, h, w, &cost) && cost.n_params > file_floats (st) + LOAD_SLACK_FLOATS)
    {
      /* two sentences, each with its own count in its own plural form */
      g_autofree char *has =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%1$s: tensors are missing: the architecture has %2$zu"
                                      " parameter.",
                                      "%1$s: tensors are missing: the architecture has %2$zu"
                                      " parameters.", cost.n_params), what, cost.n_params);
      g_autofree char *hold =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The file's tensors hold only %zu float.",
                                      "The file's tensors hold only %zu floats.",
                                      file_floats (st)), file_floats (st));

      /* TRANSLATORS: two sentences one after the other (a translation may drop the space) */
      g_set_error (error, RL_ERROR, RL_ERROR_MISSING_TENSOR, C_("sentences", "%1$s %2$s"), has,
                   hold);
      return NULL;
    }
  model = rl_model_new (arch, c, h, w, n_classes, &local_error);
  if (model == NULL)
    {
      /* RL_ERROR_BAD_ARCH, or RL_ERROR_TOO_LARGE */
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("%s: the architecture does not fit input %d,%d,%d and %d "
                                    "classes: "), what, c, h, w, n_classes);
      return NULL;
    }

  if (!rl_model_set_from_safetensors (model, st, what, error))
    return NULL;
  return g_steal_pointer (&model);
}

/* The model in @st (transfer full, nullable: a load that failed, @error set), handing the
 * tensors to *@out_st (nullable) when it is built. */
static RlModel *
model_from_loaded (RlSafetensors *st, const char *what, RlSafetensors **out_st, GError **error)
{
  g_autoptr(RlSafetensors) owned = st;
  RlModel *model;

  if (owned == NULL)
    return NULL;
  model = model_from_safetensors (owned, what, error);
  if (model != NULL && out_st != NULL)
    *out_st = g_steal_pointer (&owned);
  return model;
}

RlModel *
rl_model_load_bytes (GBytes          *bytes,
                     const char      *what,
                     RlSafetensors  **out_st,
                     GError         **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (what == NULL)
    /* TRANSLATORS: in messages, the name of a model read from memory, not from a file */
    what = _("<memory>");

  return model_from_loaded (rl_safetensors_load_bytes (bytes, what, error), what, out_st, error);
}

RlModel *
rl_model_load (const char      *path,
               RlSafetensors  **out_st,
               GError         **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return model_from_loaded (rl_safetensors_load (path, error), path, out_st, error);
}
