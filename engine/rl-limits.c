#define G_LOG_DOMAIN "reslab-engine"

/* rl-limits.c: how large a net may be, checked before anything is allocated, and a run's
 * memory against the computer's (see rl-limits.h).
 */

#include "config.h"

#include "rl-limits.h"

#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-layers.h"

/* Parameters of a convolution (Co, Ci, K, K), with or without its bias (Co). */
static size_t
conv_params (const RlConvGeom *g, gboolean bias)
{
  return (size_t) g->co * g->ci * g->k * g->k + (bias ? (size_t) g->co : 0);
}

/* Batch norm over @c channels: weight, bias, running mean and variance, and the 0-d
 * num_batches_tracked. */
static size_t
bn_params (int c)
{
  return 4 * (size_t) c + 1;
}

/* The walk mirrors build_node in rl-model.c, shape for shape; test-limits checks that the
 * parameter counts agree on every kind of layer, and test-arch that a workspace of @n images
 * (rl_model_train_memory) never holds more than the count says. The convolutions' scratch
 * buffers are sized for @n images at once (their column blocks do not grow with it); everything
 * else is counted for one image. */
static gboolean
arch_cost (const RlArch *arch, int c, int h, int w, int n, RlArchCost *cost)
{
  size_t dmax = 0, hmax = 0, wsmax = 0, convmax = 0;
  gboolean fits = TRUE;

  cost->n_layers = arch->n_layers;
  cost->n_params = 0;
  /* the input, and the logits and their gradient (at most the last layer's outputs) */
  cost->activations = (size_t) c * h * w;
  cost->scratch = 0;

  for (int i = 0; i < arch->n_layers; i++)
    {
      const RlLayerSpec *s = &arch->layers[i];
      size_t in_len = (size_t) c * h * w, len;
      RlConvGeom g1, g2, gp;

      /* past a limit the counts have said enough; stopping keeps the sums far from
       * overflowing whatever the shapes */
      if (cost->n_params > RL_LIMIT_PARAMS ||
          cost->activations + 2 * wsmax / (size_t) n > RL_LIMIT_ACTIVATIONS)
        break;
      switch (s->kind)
        {
        case RL_LAYER_CONV:
          if (!rl_conv_geom_init (&g1, c, h, w, s->channels, s->kernel, s->stride, s->pad))
            {
              fits = FALSE;
              break;
            }
          cost->n_params += conv_params (&g1, TRUE);
          wsmax = MAX (wsmax, rl_conv_workspace_size (&g1, n));
          c = g1.co; h = g1.ho; w = g1.wo;
          /* a fused conv -> ReLU -> pooling's block of rows (rl_conv_relu_maxpool_block_size) */
          convmax = MAX (convmax, (size_t) c * h * w);
          break;
        case RL_LAYER_RELU:
          break;
        case RL_LAYER_MAXPOOL:
          if (s->kernel <= 0 || h / s->kernel < 1 || w / s->kernel < 1)
            {
              fits = FALSE;
              break;
            }
          h /= s->kernel;
          w /= s->kernel;
          /* the winners of a fused conv -> ReLU -> pooling */
          cost->activations += (size_t) c * h * w;
          break;
        case RL_LAYER_GAP:
          h = w = 1;
          break;
        case RL_LAYER_BN:
          cost->n_params += bn_params (c);
          /* xhat */
          cost->activations += in_len;
          break;
        case RL_LAYER_LINEAR:
          cost->n_params += (size_t) s->channels * in_len + (size_t) s->channels;
          c = s->channels;
          h = w = 1;
          break;
        case RL_LAYER_RESIDUAL:
          if (!rl_conv_geom_init (&g1, c, h, w, s->channels, 3, s->stride, 1) ||
              !rl_conv_geom_init (&g2, s->channels, g1.ho, g1.wo, s->channels, 3, 1, 1))
            {
              fits = FALSE;
              break;
            }
          cost->n_params += conv_params (&g1, !s->bn) + conv_params (&g2, !s->bn);
          wsmax = MAX (wsmax, MAX (rl_conv_workspace_size (&g1, n),
                                   rl_conv_workspace_size (&g2, n)));
          if (s->bn)
            cost->n_params += 2 * bn_params (s->channels);
          if (s->shortcut == RL_SHORTCUT_B)
            {
              rl_conv_geom_init (&gp, c, h, w, s->channels, 1, s->stride, 0);
              cost->n_params += conv_params (&gp, !s->bn);
              if (s->bn)
                cost->n_params += bn_params (s->channels);
              wsmax = MAX (wsmax, rl_conv_workspace_size (&gp, n));
            }
          c = g1.co; h = g1.ho; w = g1.wo;
          len = (size_t) c * h * w;
          /* its own: the hidden map (without bn), the shortcut's (A, B), with bn each site's
           * pre-activations and two channel statistics; F(x), the hidden gradient, the hidden
           * map with bn and the pre-activations' gradient are one buffer for every block */
          if (!s->bn)
            cost->activations += len;
          if (s->shortcut == RL_SHORTCUT_A || s->shortcut == RL_SHORTCUT_B)
            cost->activations += len;
          if (s->bn)
            cost->activations += (s->shortcut == RL_SHORTCUT_B ? 3 : 2) * (len + 2 * (size_t) c);
          hmax = MAX (hmax, len);
          break;
        default:
          fits = FALSE;
          break;
        }
      if (!fits)
        break;
      len = (size_t) c * h * w;
      /* the layer's output */
      cost->activations += len;
      dmax = MAX (dmax, len);
    }
  /* the three output gradients in turn, the blocks' shared buffers, and the logits with their
   * gradient; one pair of convolution workspaces (cols and dcols) and one fused block, which
   * every layer shares */
  cost->activations += 3 * dmax + 4 * hmax + 2 * (size_t) c + convmax;
  cost->scratch = 2 * wsmax;
  return fits;
}

gboolean
rl_arch_cost (const RlArch *arch, int c, int h, int w, RlArchCost *cost)
{
  gboolean fits;

  g_return_val_if_fail (arch != NULL && cost != NULL, FALSE);

  fits = arch_cost (arch, c, h, w, 1, cost);
  cost->activations += cost->scratch;
  return fits;
}

/* Past this many images a batch's scratch is counted as that many one-image scratches: more
 * than it is, but the exact sizes' products could then pass 64 bits on a hostile net. */
#define EXACT_SCRATCH_IMAGES 65536

guint64
rl_limits_batch_floats (const RlArch *arch, int c, int h, int w, int n)
{
  RlArchCost one, all;

  g_return_val_if_fail (arch != NULL && n >= 1, G_MAXUINT64);

  /* the walk stops past a limit, so its counts are small enough to multiply */
  arch_cost (arch, c, h, w, 1, &one);
  if (n > EXACT_SCRATCH_IMAGES || one.n_params > RL_LIMIT_PARAMS ||
      one.activations + one.scratch > RL_LIMIT_ACTIVATIONS)
    return ((guint64) one.activations + one.scratch) * (guint64) n;
  arch_cost (arch, c, h, w, n, &all);
  return (guint64) one.activations * (guint64) n + all.scratch;
}

gboolean
rl_limits_check_arch (const RlArch *arch, int c, int h, int w, GError **error)
{
  RlArchCost cost;

  g_return_val_if_fail (arch != NULL, FALSE);

  if (arch->n_layers > RL_ARCH_MAX_LAYERS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "the network has %1$d layer, more than the limit of %2$d",
                                "the network has %1$d layers, more than the limit of %2$d",
                                arch->n_layers),
                   arch->n_layers, RL_ARCH_MAX_LAYERS);
      return FALSE;
    }
  /* a layer that does not fit stops the walk; what comes before it is still bounded, and
   * rl_model_new reports the misfit */
  rl_arch_cost (arch, c, h, w, &cost);
  if (cost.n_params > RL_LIMIT_PARAMS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "the network has %1$zu parameter, more than the limit of %2$u",
                                "the network has %1$zu parameters, more than the limit of %2$u",
                                cost.n_params),
                   cost.n_params, RL_LIMIT_PARAMS);
      return FALSE;
    }
  if (cost.activations > RL_LIMIT_ACTIVATIONS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "the network needs %1$zu activation per image, more than the"
                                " limit of %2$zu",
                                "the network needs %1$zu activations per image, more than the"
                                " limit of %2$zu", cost.activations),
                   cost.activations, RL_LIMIT_ACTIVATIONS);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_limits_check_batch (const RlArch *arch, int c, int h, int w, int n, GError **error)
{
  guint64 floats;

  g_return_val_if_fail (arch != NULL, FALSE);

  if (!rl_limits_check_arch (arch, c, h, w, error))
    return FALSE;
  if (n < 1)
    return TRUE;
  floats = rl_limits_batch_floats (arch, c, h, w, n);
  if (floats > RL_LIMIT_BATCH_FLOATS)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "a batch of %1$d image needs %2$llu MB of activations, more"
                                " than the limit of %3$zu MB",
                                "a batch of %1$d images needs %2$llu MB of activations, more"
                                " than the limit of %3$zu MB", n), n, (unsigned long long) (floats * sizeof (float) >> 20),
                   RL_LIMIT_BATCH_FLOATS * sizeof (float) >> 20);
      return FALSE;
    }
  return TRUE;
}

/* A limit file's number; G_MAXUINT64 for none: v2's "max", v1's LONG_MAX rounded down to a
 * page (9223372036854771712; no computer has 4 EiB), or what does not read as a number. */
static guint64
read_limit (const char *path)
{
  g_autofree char *text = NULL;
  char *end = NULL;
  guint64 v;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return G_MAXUINT64;
  g_strchomp (text);
  v = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || v >= (guint64) 1 << 62)
    return G_MAXUINT64;
  return v;
}

/* The least of @file's limits in the group @path below @dir and in every group above it. */
static guint64
least_limit (const char *dir, const char *path, const char *file)
{
  g_autofree char *group = g_strdup (path);
  guint64 least = G_MAXUINT64;

  /* never out of @dir */
  if (!g_path_is_absolute (group) || strstr (group, "..") != NULL)
    return least;
  for (;;)
    {
      g_autofree char *limit = g_build_filename (dir, group, file, NULL);
      char *up;

      least = MIN (least, read_limit (limit));
      if (g_str_equal (group, "/"))
        return least;
      up = g_path_get_dirname (group);
      g_free (group);
      group = up;
    }
}

guint64
rl_limits_cgroup_memory (const char *cgroup_text, const char *root)
{
  g_autofree char *own_text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 least = G_MAXUINT64;

  g_return_val_if_fail ((cgroup_text == NULL) == (root == NULL), G_MAXUINT64);

  if (cgroup_text == NULL)
    {
      if (!g_file_get_contents ("/proc/self/cgroup", &own_text, NULL, NULL))
        return G_MAXUINT64;
      cgroup_text = own_text;
      root = "/sys/fs/cgroup";
    }
  /* "hierarchy:controllers:path", a line per hierarchy; v2's is "0::path" */
  lines = g_strsplit (cgroup_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ":", 3);
      g_auto(GStrv) controllers = NULL;

      if (g_strv_length (fields) != 3)
        continue;
      if (g_str_equal (fields[0], "0") && fields[1][0] == '\0')
        {
          /* v2 alone at the root, or beside v1 ("hybrid") in unified/ */
          g_autofree char *unified = g_build_filename (root, "unified", NULL);
          g_autofree char *probe = g_build_filename (root, "cgroup.controllers", NULL);
          const char *dir = g_file_test (probe, G_FILE_TEST_EXISTS) ? root : unified;

          least = MIN (least, least_limit (dir, fields[2], "memory.max"));
          continue;
        }
      controllers = g_strsplit (fields[1], ",", -1);
      if (g_strv_contains ((const char * const *) controllers, "memory"))
        {
          g_autofree char *dir = g_build_filename (root, fields[1], NULL);

          least = MIN (least, least_limit (dir, fields[2], "memory.limit_in_bytes"));
        }
    }
  return least;
}

guint64
rl_limits_process_memory (gboolean *by_group)
{
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);
  guint64 physical, limit;

  if (by_group != NULL)
    *by_group = FALSE;
  if (pages <= 0 || page <= 0)
    return 0;
  physical = (guint64) pages * (guint64) page;
  limit = rl_limits_cgroup_memory (NULL, NULL);
  if (limit >= physical)
    return physical;
  if (by_group != NULL)
    *by_group = TRUE;
  return limit;
}

gboolean
rl_limits_check_memory (size_t bytes, size_t physical, GError **error)
{
  gboolean limited = FALSE;   /* by a control group, not by the computer */

  if (physical == 0)
    {
      guint64 memory = rl_limits_process_memory (&limited);

      if (memory == 0)
        return TRUE;
      physical = (size_t) MIN (memory, (guint64) G_MAXSIZE);
    }
  if (bytes > physical / 4 * 3)
    {
      g_autofree char *need = g_format_size (bytes);
      g_autofree char *have = g_format_size (physical);

      if (limited)
        g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                     _("training needs %s for its activations and their gradients, more than "
                       "three quarters of the memory this process may use (%s, its control "
                       "group's limit); a smaller batch or a narrower net would fit"), need, have);
      else
        g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                     _("training needs %s for its activations and their gradients, more than "
                       "three quarters of this computer's memory (%s); a smaller batch or a "
                       "narrower net would fit"), need, have);
      return FALSE;
    }
  return TRUE;
}
