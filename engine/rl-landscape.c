#define G_LOG_DOMAIN "reslab-engine"

/* rl-landscape.c: random filter-normalised directions, the loss on a grid around the trained
 * weights, and along the line from the initial weights (see rl-landscape.h).
 *
 * Legend: N images of the subset, P classes, CHW one image's floats, w the parameter block.
 */

#include "config.h"

#include "rl-landscape.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-model-private.h"
#include "rl-rng.h"
#include "rl-train.h"

/* images per thread and forward pass */
#define PASS_IMAGES 32

struct _RlLandscape {
  RlModel  *model;      /* a copy: its parameters are overwritten at every point */
  float    *w;          /* w: (n_params) the parameters at the centre */
  float    *dir[2];     /* d1, d2: (n_params) */
  size_t    n_params;
  uint32_t  n;
  float    *x;          /* x: (N, C, H, W) normalised */
  uint8_t  *labels;     /* labels: (N) */
  float    *logits;     /* logits: (N, P) */
  int       n_classes;
  GArray   *var_tensors; /* of guint: running variances, kept >= 0 (see rl_landscape_eval) */
  gboolean  have_work;  /* the copy's workspaces are made (by the first evaluation's thread) */
};

/* ---- Initial weights ------------------------------------------------------------------------ */

char *
rl_landscape_initial_path (const char *model_path)
{
  g_return_val_if_fail (model_path != NULL, NULL);

  if (g_str_has_suffix (model_path, ".safetensors"))
    return g_strdup_printf ("%.*s.initial.safetensors",
                            (int) (strlen (model_path) - strlen (".safetensors")), model_path);
  return g_strconcat (model_path, ".initial.safetensors", NULL);
}

gboolean
rl_landscape_save_initial (const RlModel *initial, const char *model_path, RlDatasetKind kind,
                           uint64_t seed, GError **error)
{
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = NULL;
  g_autofree char *seed_str = NULL;
  g_autofree char *model_name = NULL;

  g_return_val_if_fail (initial != NULL && model_path != NULL, FALSE);

  path = rl_landscape_initial_path (model_path);
  seed_str = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) seed);
  model_name = g_path_get_basename (model_path);
  g_hash_table_insert (metadata, "dataset", (char *) rl_dataset_kind_name (kind));
  g_hash_table_insert (metadata, "epochs", "0");
  g_hash_table_insert (metadata, "seed", seed_str);
  g_hash_table_insert (metadata, "initial_of", model_name);
  return rl_model_save (initial, path, metadata, error);
}

/* Whether the safetensors file at @path has the metadata @key = @value (its header read). */
static gboolean
file_has_metadata (const char *path, const char *key, const char *value)
{
  g_autoptr(GHashTable) metadata = rl_safetensors_read_metadata (path, NULL);

  return metadata != NULL && g_strcmp0 (g_hash_table_lookup (metadata, key), value) == 0;
}

gboolean
rl_landscape_is_initial_of (const char *initial_path, const char *model_path)
{
  g_autofree char *initial_name = NULL;
  g_autofree char *model_name = NULL;

  g_return_val_if_fail (initial_path != NULL && model_path != NULL, FALSE);

  initial_name = g_path_get_basename (initial_path);
  model_name = g_path_get_basename (model_path);
  return file_has_metadata (initial_path, "initial_of", model_name)
         || file_has_metadata (model_path, "initial", initial_name);
}

void
rl_landscape_name_initial (GHashTable *metadata, const char *model_path)
{
  g_autofree char *path = NULL;

  g_return_if_fail (metadata != NULL && model_path != NULL);

  path = rl_landscape_initial_path (model_path);
  g_hash_table_insert (metadata, g_strdup ("initial"), g_path_get_basename (path));
}

RlModel *
rl_landscape_load_initial (const char *path, const RlSafetensors *st, GError **error)
{
  const char *initial;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *initial_path = NULL;

  g_return_val_if_fail (path != NULL && st != NULL, NULL);

  initial = rl_safetensors_get_metadata (st, "initial");
  if (initial == NULL)
    return NULL;
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (initial);   /* never leave the folder */
  initial_path = g_build_filename (dir, base, NULL);
  return rl_model_load (initial_path, NULL, error);
}

/* ---- Directions ---------------------------------------------------------------------------- */

/* The stream of one tensor of one direction: FNV-1a over (seed, which, name), then rl_rng_init's
 * splitmix64. Seeding by name, not by position in the table, is what gives two models that
 * share a tensor the same direction for it. */
static uint64_t
tensor_seed (uint64_t seed, guint which, const char *name)
{
  uint64_t h = 0xcbf29ce484222325ull;

  for (int i = 0; i < 8; i++)
    h = (h ^ ((seed >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  h = (h ^ (which & 0xff)) * 0x100000001b3ull;
  for (const char *c = name; *c != '\0'; c++)
    h = (h ^ (uint8_t) *c) * 0x100000001b3ull;
  return h;
}

/* N(0, 1) by Box-Muller, one value per pair of uniforms (simple, and the same on every
 * machine: only rl_rng's integers and libm's log, sqrt and cos go in). */
static double
gaussian (RlRng *rng)
{
  double u1 = 1.0 - rl_rng_uniform (rng);   /* (0, 1] */
  double u2 = rl_rng_uniform (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

void
rl_landscape_direction (const RlModel *model, uint64_t seed, guint which, float *dir)
{
  const float *w;

  g_return_if_fail (model != NULL && dir != NULL);
  g_return_if_fail (which < 2);

  w = rl_model_get_params_const (model);
  memset (dir, 0, sizeof (float) * rl_model_get_n_params (model));
  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);
      size_t n_filters, fsize;
      RlRng rng;

      /* Only conv and linear weights move (Li et al. section 4: biases and batch norm
       * parameters are set to zero in the direction). */
      if (info->role != RL_PARAM_WEIGHT || info->ndim < 2 || info->numel == 0)
        continue;
      /* a conv weight (Co, Ci, K, K): Co filters of Ci K K; a linear weight (P, In): P rows */
      n_filters = (size_t) info->shape[0];
      fsize = info->numel / n_filters;
      rl_rng_init (&rng, tensor_seed (seed, which, info->name));
      for (size_t f = 0; f < n_filters; f++)
        {
          float *d = dir + info->offset + f * fsize;
          const float *wf = w + info->offset + f * fsize;
          double dn = 0.0, wn = 0.0, scale;

          for (size_t j = 0; j < fsize; j++)
            {
              double g = gaussian (&rng);

              d[j] = (float) g;
              dn += (double) d[j] * d[j];
              wn += (double) wf[j] * wf[j];
            }
          /* d_f <- d_f / ||d_f|| * ||w_f|| (a zero filter of w gives a zero filter of d) */
          scale = dn > 0.0 ? sqrt (wn) / sqrt (dn) : 0.0;
          for (size_t j = 0; j < fsize; j++)
            d[j] = (float) (d[j] * scale);
        }
    }
}

/* Tensors only one of the two may have: option B's projections ("layer2.0.shortcut.0.weight"
 * and its batch norm "layer2.0.shortcut.1.*"). */
static gboolean
is_projection (const char *name)
{
  return strstr (name, ".shortcut.") != NULL;
}

static gboolean
tensors_match (const RlParamInfo *a, const RlParamInfo *b)
{
  if (a->ndim != b->ndim)
    return FALSE;
  for (int d = 0; d < a->ndim; d++)
    if (a->shape[d] != b->shape[d])
      return FALSE;
  return TRUE;
}

/* Every tensor of @a is in @b with the same shape, or is a projection. */
static gboolean
check_tensors (const RlModel *a, const RlModel *b, const char *a_name, const char *b_name,
               GError **error)
{
  for (guint t = 0; t < rl_model_get_n_tensors (a); t++)
    {
      const RlParamInfo *ia = rl_model_get_tensor_info (a, t);
      const RlParamInfo *ib = rl_model_lookup_tensor (b, ia->name);

      if (ib == NULL && !is_projection (ia->name))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                       _("the %s model has a tensor %s that the %s model lacks: the two nets"
                         " differ in more than their shortcuts"), a_name, ia->name, b_name);
          return FALSE;
        }
      if (ib != NULL && !tensors_match (ia, ib))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                       _("tensor %s has different shapes in the two models"), ia->name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
rl_landscape_check_pair (const RlModel *a, const RlModel *b, GError **error)
{
  int ac, ah, aw, bc, bh, bw;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  rl_model_get_input_shape (a, &ac, &ah, &aw);
  rl_model_get_input_shape (b, &bc, &bh, &bw);
  if (ac != bc || ah != bh || aw != bw ||
      rl_model_get_n_classes (a) != rl_model_get_n_classes (b))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("the models take different inputs: %d x %d x %d to %d classes, and"
                     " %d x %d x %d to %d classes"), ac, ah, aw, rl_model_get_n_classes (a),
                   bc, bh, bw, rl_model_get_n_classes (b));
      return FALSE;
    }
  return check_tensors (a, b, "first", "second", error) &&
         check_tensors (b, a, "second", "first", error);
}

/* ---- The evaluator ------------------------------------------------------------------------- */

RlLandscape *
rl_landscape_new (const RlModel *model, const RlDataset *ds, uint32_t n_images, GError **error)
{
  RlLandscape *ls;
  g_autofree uint32_t *idx = NULL;
  int c, h, w;

  g_return_val_if_fail (model != NULL && ds != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n_images == 0 || n_images > ds->n || n_images > G_MAXINT / 2)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE, "images: between 1 and the set's %1$u image"
                                " (got %2$u)", "images: between 1 and the set's %1$u images"
                                " (got %2$u)", ds->n), ds->n, n_images);
      return NULL;
    }
  rl_model_get_input_shape (model, &c, &h, &w);
  if ((uint32_t) c != ds->c || (uint32_t) h != ds->h || (uint32_t) w != ds->w ||
      (uint32_t) rl_model_get_n_classes (model) < ds->n_classes)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("the model takes %d x %d x %d images to %d classes; the set has"
                     " %u x %u x %u images in %u classes"), c, h, w,
                   rl_model_get_n_classes (model), ds->c, ds->h, ds->w, ds->n_classes);
      return NULL;
    }

  ls = g_new0 (RlLandscape, 1);
  ls->model = rl_model_copy (model);
  ls->n_params = rl_model_get_n_params (model);
  ls->w = g_memdup2 (rl_model_get_params_const (model), sizeof (float) * ls->n_params);
  ls->dir[0] = g_new0 (float, ls->n_params);
  ls->dir[1] = g_new0 (float, ls->n_params);
  ls->n = n_images;
  ls->n_classes = rl_model_get_n_classes (model);
  ls->x = g_new (float, (size_t) n_images * c * h * w);
  ls->labels = g_new (uint8_t, n_images);
  ls->logits = g_new (float, (size_t) n_images * ls->n_classes);
  idx = g_new (uint32_t, n_images);
  for (uint32_t i = 0; i < n_images; i++)
    idx[i] = i;
  rl_dataset_get_batch (ds, idx, (int) n_images, ls->x, ls->labels);

  ls->var_tensors = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    if (rl_model_get_tensor_info (model, t)->role == RL_PARAM_RUNNING_VAR)
      g_array_append_val (ls->var_tensors, t);
  return ls;
}

void
rl_landscape_free (RlLandscape *ls)
{
  if (ls == NULL)
    return;
  rl_model_free (ls->model);
  g_free (ls->w);
  g_free (ls->dir[0]);
  g_free (ls->dir[1]);
  g_free (ls->x);
  g_free (ls->labels);
  g_free (ls->logits);
  g_array_unref (ls->var_tensors);
  g_free (ls);
}

uint32_t
rl_landscape_get_n_images (const RlLandscape *ls)
{
  return ls->n;
}

const float *
rl_landscape_get_direction (const RlLandscape *ls, guint which)
{
  g_return_val_if_fail (which < 2, NULL);
  return ls->dir[which];
}

void
rl_landscape_set_random_directions (RlLandscape *ls, uint64_t seed)
{
  /* the directions are normalised against the centre's weights, which the copy may no longer
   * hold after an evaluation */
  float *p = rl_model_get_params (ls->model);

  memcpy (p, ls->w, sizeof (float) * ls->n_params);
  rl_landscape_direction (ls->model, seed, 0, ls->dir[0]);
  rl_landscape_direction (ls->model, seed, 1, ls->dir[1]);
}

/* params = w + alpha d1 + beta d2, in float (at (0, 0) exactly w). */
static void
set_point (RlLandscape *ls, double alpha, double beta)
{
  float *p = rl_model_get_params (ls->model);
  const float *w = ls->w, *d1 = ls->dir[0], *d2 = ls->dir[1];
  const float a = (float) alpha, b = (float) beta;

  for (size_t i = 0; i < ls->n_params; i++)
    p[i] = w[i] + a * d1[i] + b * d2[i];
  for (guint k = 0; k < ls->var_tensors->len; k++)
    {
      const RlParamInfo *info =
        rl_model_get_tensor_info (ls->model, g_array_index (ls->var_tensors, guint, k));
      float *v = p + info->offset;

      for (size_t j = 0; j < info->numel; j++)
        v[j] = MAX (v[j], 0.0f);
    }
}

/* Batch norm's running mean and variance at w + alpha d1 (the line's direction), whatever
 * alpha the other parameters are at. */
static void
set_statistics (RlLandscape *ls, double alpha, const RlModel *initial)
{
  float *p = rl_model_get_params (ls->model);
  const float a = (float) alpha;

  for (guint k = 0; k < rl_model_get_n_tensors (initial); k++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (initial, k);

      if (info->role == RL_PARAM_RUNNING_MEAN || info->role == RL_PARAM_RUNNING_VAR)
        for (size_t j = info->offset; j < info->offset + info->numel; j++)
          p[j] = ls->w[j] + a * ls->dir[0][j];
    }
}

/* Mean cross-entropy and accuracy of the logits for the subset, in double:
 * loss_i = log sum_k exp(z_ik) - z_i,label. */
static void
score (const RlLandscape *ls, double *loss, double *accuracy)
{
  double total = 0.0;
  uint32_t hits = 0;

  for (uint32_t i = 0; i < ls->n; i++)
    {
      const float *z = ls->logits + (size_t) i * ls->n_classes;
      /* torch.argmax's prediction, a NaN above every number: far out, where the logits
       * overflow, the accuracy PyTorch would count */
      const int best = rl_argmax (z, ls->n_classes);
      double m = z[best], s = 0.0;

      for (int k = 0; k < ls->n_classes; k++)
        s += exp ((double) z[k] - m);
      total += m + log (s) - (double) z[ls->labels[i]];
      hits += best == ls->labels[i];
    }
  if (loss != NULL)
    *loss = total / ls->n;
  if (accuracy != NULL)
    *accuracy = (double) hits / ls->n;
}

/* One pass of the subset through the copy. The workspaces are made once, on the thread of the
 * first evaluation (the team's threads inherit its priority: a worker's, in the app), for
 * passes of up to PASS_IMAGES images per thread rather than rl_model_predict's 64: a resnet-20
 * on 1,000 images took 12 % less CPU time in passes of 32 than of 64 (and 60 % more in passes
 * of 256; /usr/bin/time user + sys, medians of two alternated runs, README "Loss landscape"). */
static void
predict (RlLandscape *ls)
{
  if (!ls->have_work)
    {
      int nt = MIN (ls->model->n_threads, (int) ls->n);
      int want = MIN (PASS_IMAGES, ((int) ls->n + nt - 1) / nt);

      rl_model_ensure_workspaces (ls->model, nt,
                                  rl_model_pass_images (ls->model, want, RL_WORK_GRADS));
      ls->have_work = TRUE;
    }
  rl_model_predict (ls->model, ls->x, (int) ls->n, ls->logits);
}

void
rl_landscape_eval (RlLandscape *ls, double alpha, double beta, double *loss, double *accuracy)
{
  g_return_if_fail (ls != NULL);

  set_point (ls, alpha, beta);
  predict (ls);
  score (ls, loss, accuracy);
}

double
rl_landscape_grid_coordinate (int grid, double range, int i)
{
  g_return_val_if_fail (grid >= 2 && i >= 0 && i < grid, 0.0);

  /* the fraction first: in [-1, 1], so range times it never overflows; the same rational
   * number (a nested grid's point) is the same correctly rounded double */
  return range * ((2.0 * i - (grid - 1)) / (grid - 1));
}

gboolean
rl_landscape_check_grid (int grid, double range, GError **error)
{
  float prev = 0.0f;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (grid < 2 || grid > RL_LANDSCAPE_MAX_GRID)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("grid: between 2 and %d points per axis (got %d)"), RL_LANDSCAPE_MAX_GRID,
                   grid);
      return FALSE;
    }
  if (!(isfinite (range) && range > 0.0))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("range: a finite number above 0 (got %g)"), range);
      return FALSE;
    }
  /* the parameters move by the coordinates as floats (set_point) */
  for (int i = 0; i < grid; i++)
    {
      float c = (float) rl_landscape_grid_coordinate (grid, range, i);

      if (!isfinite (c))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       _("a range of %1$g is above %2$g, the largest single-precision number,"
                         " which the weights are moved in"), range, (double) FLT_MAX);
          return FALSE;
        }
      if (i > 0 && !(c > prev))
        {
          g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "a range of %1$g is too small for %2$d point per axis:"
                                    " neighbouring points are the same single-precision number",
                                    "a range of %1$g is too small for %2$d points per axis:"
                                    " neighbouring points are the same single-precision number",
                                    grid), range, grid);
          return FALSE;
        }
      prev = c;
    }
  return TRUE;
}

/* Which bound a range meets first (largest_range). */
typedef enum {
  LIMIT_NONE,        /* nothing moves: every direction is zero */
  LIMIT_OVERFLOW,    /* a weight beyond FLT_MAX */
  LIMIT_PRECISION,   /* the trained weights lost in the rounding of the step */
} RangeLimit;

/* The largest range at which w + alpha d1 + beta d2, |alpha|, |beta| <= range, computed in
 * float as set_point does, still holds the trained weights w, and where *which says which bound
 * it is.
 *
 * Overflow: |w_i| + range (|d1_i| + |d2_i|) <= FLT_MAX for every i.
 *
 * Precision: set_point rounds three times (a d1_i, b d2_i, the sums), each within half an ulp,
 * FLT_EPSILON / 2 of the value: at the farthest points the rounding error e is at most
 * 1.5 FLT_EPSILON (|w_i| + range s_i), s_i = |d1_i| + |d2_i|. Over the weights that move
 * (s_i > 0: biases and batch norm stay), once 1.5 FLT_EPSILON range ||s|| reaches ||w|| the
 * error can be as large as the trained weights themselves: the point no longer depends on them,
 * and the loss there is that of the directions alone (for a filter-normalised pair, ||s|| is
 * about 1.8 ||w||: a range of about 3e6). */
static double
largest_range (const float *w, const float *d1, const float *d2, size_t n, RangeLimit *which)
{
  /* set_point's three float terms, each rounded: a relative error far below 1e-6 */
  const double limit = FLT_MAX * (1.0 - 1e-6);
  double ww = 0.0, ss = 0.0, overflow = INFINITY, precision;

  for (size_t i = 0; i < n; i++)
    {
      double s = fabs ((double) d1[i]) + fabs ((double) d2[i]);

      if (s == 0.0)
        continue;
      ww += (double) w[i] * w[i];
      ss += s * s;
      overflow = MIN (overflow, (limit - fabs ((double) w[i])) / s);
    }
  if (ss == 0.0)
    {
      *which = LIMIT_NONE;
      return INFINITY;
    }
  precision = sqrt (ww / ss) / (1.5 * FLT_EPSILON);
  *which = precision < overflow ? LIMIT_PRECISION : LIMIT_OVERFLOW;
  return MIN (precision, overflow);
}

/* @x rounded down to two significant digits, to say as the largest usable range: a number
 * that, written as %g, is itself usable. */
static double
round_down_2 (double x)
{
  double unit, r;

  if (!(isfinite (x) && x > 0.0))
    return x;
  unit = pow (10.0, floor (log10 (x)) - 1.0);
  r = floor (x / unit) * unit;
  while (r > x)
    r -= unit;
  return r;
}

static gboolean
check_range_of (const float *w, const float *d1, const float *d2, size_t n, double range,
                GError **error)
{
  RangeLimit which;
  double largest;

  if (!(isfinite (range) && range > 0.0))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("range: a finite number above 0 (got %g)"), range);
      return FALSE;
    }
  largest = largest_range (w, d1, d2, n, &which);
  if (range <= largest)
    return TRUE;
  if (which == LIMIT_OVERFLOW)
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                 _("a range of %1$g moves the weights beyond the largest single-precision"
                   " number (%2$g): the largest usable range is %3$g"), range,
                 (double) FLT_MAX, round_down_2 (largest));
  else
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                 _("a range of %1$g moves the weights so far that single precision loses the"
                   " trained weights in the rounding of the step: the largest usable range"
                   " is %2$g"), range, round_down_2 (largest));
  return FALSE;
}

gboolean
rl_landscape_check_range (const RlLandscape *ls, double range, GError **error)
{
  g_return_val_if_fail (ls != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_range_of (ls->w, ls->dir[0], ls->dir[1], ls->n_params, range, error);
}

gboolean
rl_landscape_check_model_range (const RlModel *model, uint64_t seed, double range,
                                GError **error)
{
  size_t n;
  g_autofree float *d1 = NULL;
  g_autofree float *d2 = NULL;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = rl_model_get_n_params (model);
  d1 = g_new (float, n);
  d2 = g_new (float, n);
  rl_landscape_direction (model, seed, 0, d1);
  rl_landscape_direction (model, seed, 1, d2);
  return check_range_of (rl_model_get_params_const (model), d1, d2, n, range, error);
}

gboolean
rl_landscape_grid (RlLandscape *ls, int grid, double range, double *loss, double *accuracy,
                   GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (ls != NULL && loss != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!rl_landscape_check_grid (grid, range, error) ||
      !rl_landscape_check_range (ls, range, error))
    return FALSE;

  for (int j = 0; j < grid; j++)
    for (int i = 0; i < grid; i++)
      {
        double alpha = rl_landscape_grid_coordinate (grid, range, i);
        double beta = rl_landscape_grid_coordinate (grid, range, j);
        size_t k = (size_t) j * grid + i;

        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return FALSE;
        rl_landscape_eval (ls, alpha, beta, &loss[k], accuracy != NULL ? &accuracy[k] : NULL);
      }
  /* leave the copy at the centre */
  set_point (ls, 0.0, 0.0);
  return TRUE;
}

gboolean
rl_landscape_interpolate (RlLandscape *ls, const RlModel *initial, const double *t, guint n,
                          double *loss, double *accuracy, GError **error)
{
  const float *w0;

  g_return_val_if_fail (ls != NULL && initial != NULL, FALSE);
  g_return_val_if_fail (n == 0 || (t != NULL && loss != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rl_model_get_n_params (initial) != ls->n_params ||
      rl_model_get_n_tensors (initial) != rl_model_get_n_tensors (ls->model))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   g_dngettext (GETTEXT_PACKAGE, "the initial weights are not of the model's"
                                " net: %1$zu parameter, the model has %2$zu",
                                "the initial weights are not of the model's net: %1$zu"
                                " parameters, the model has %2$zu",
                                rl_model_get_n_params (initial)),
                   rl_model_get_n_params (initial), ls->n_params);
      return FALSE;
    }
  for (guint k = 0; k < rl_model_get_n_tensors (initial); k++)
    {
      const RlParamInfo *a = rl_model_get_tensor_info (initial, k);
      const RlParamInfo *b = rl_model_get_tensor_info (ls->model, k);

      if (strcmp (a->name, b->name) != 0 || !tensors_match (a, b) || a->offset != b->offset)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                       _("the initial weights are not of the model's net: tensor %u is %s,"
                         " the model's is %s"), k, a->name, b->name);
          return FALSE;
        }
    }

  /* (1 - t) w0 + t w1 = w1 + (t - 1) (w1 - w0) */
  w0 = rl_model_get_params_const (initial);
  for (size_t i = 0; i < ls->n_params; i++)
    {
      ls->dir[0][i] = ls->w[i] - w0[i];
      ls->dir[1][i] = 0.0f;
    }
  for (guint k = 0; k < rl_model_get_n_tensors (initial); k++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (initial, k);

      /* a count, not a weight: evaluation never reads it */
      if (info->role == RL_PARAM_BATCHES_TRACKED)
        memset (ls->dir[0] + info->offset, 0, sizeof (float) * info->numel);
    }
  for (guint k = 0; k < n; k++)
    {
      set_point (ls, t[k] - 1.0, 0.0);
      /* Beyond the ends, running statistics extrapolated mean nothing (a variance goes
       * negative): they stay at the nearer end's. */
      if (t[k] < 0.0 || t[k] > 1.0)
        set_statistics (ls, t[k] < 0.0 ? -1.0 : 0.0, initial);
      predict (ls);
      score (ls, &loss[k], accuracy != NULL ? &accuracy[k] : NULL);
    }
  set_point (ls, 0.0, 0.0);
  return TRUE;
}
