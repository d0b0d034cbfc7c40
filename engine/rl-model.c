#define G_LOG_DOMAIN "reslab-engine"

/* rl-model.c: building a network from an RlArch: each layer's shapes, the parameter table (one
 * block of parameters, one of gradients, named views into both), initialisation, copies and
 * the getters. Running it is in the files rl-model-private.h lists.
 *
 * Legend: N images, C channels, H x W spatial size, K kernel size, P classes.
 */

#include "config.h"

#include "rl-model-private.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-limits.h"
#include "rl-dataset.h"
#include "rl-rng.h"

#define RL_MODEL_MAX_PARAMS       (64u * 1024 * 1024)
#define RL_MODEL_MAX_ACTIVATIONS  (16 * 1024 * 1024)

/* ---- Building: shapes and the parameter table ------------------------------------------ */

static int
add_tensor (RlModel *m, const char *prefix, const char *suffix, int ndim, const int64_t *shape,
            int fan_in, RlParamRole role)
{
  RlParamInfo info = { 0 };

  g_snprintf (info.name, sizeof info.name, "%s%s", prefix, suffix);
  info.ndim = ndim;
  info.numel = 1;
  for (int i = 0; i < ndim; i++)
    {
      info.shape[i] = shape[i];
      info.numel *= (size_t) shape[i];
    }
  info.offset = m->n_params;
  info.fan_in = fan_in;
  info.role = role;
  m->n_params += info.numel;
  g_array_append_val (m->tensors, info);
  return (int) m->tensors->len - 1;
}

static void
add_conv_part (RlModel *m, RlConvPart *part, const char *prefix, gboolean bias)
{
  const RlConvGeom *g = &part->g;
  int64_t wshape[4] = { g->co, g->ci, g->k, g->k };
  int64_t bshape[1] = { g->co };
  int fan_in = g->ci * g->k * g->k;

  part->w = add_tensor (m, prefix, ".weight", 4, wshape, fan_in, RL_PARAM_WEIGHT);
  part->b = bias ? add_tensor (m, prefix, ".bias", 1, bshape, fan_in, RL_PARAM_BIAS) : -1;
  m->flops += 2.0 * g->co * g->ho * g->wo * (double) fan_in;
}

/* BatchNorm2d's state_dict: weight, bias, running_mean, running_var, num_batches_tracked (a
 * 0-d tensor) */
static void
add_bn_part (RlModel *m, RlBnPart *bn, const char *prefix, int c, int hw)
{
  int64_t shape[1] = { c };

  bn->c = c;
  bn->hw = hw;
  bn->w = add_tensor (m, prefix, ".weight", 1, shape, 0, RL_PARAM_BN_WEIGHT);
  bn->b = add_tensor (m, prefix, ".bias", 1, shape, 0, RL_PARAM_BN_BIAS);
  bn->mean = add_tensor (m, prefix, ".running_mean", 1, shape, 0, RL_PARAM_RUNNING_MEAN);
  bn->var = add_tensor (m, prefix, ".running_var", 1, shape, 0, RL_PARAM_RUNNING_VAR);
  bn->count = add_tensor (m, prefix, ".num_batches_tracked", 0, shape, 0,
                          RL_PARAM_BATCHES_TRACKED);
  bn->site = m->n_bn++;
  m->max_bn_c = MAX (m->max_bn_c, c);
}

static int
add_response (RlModel *m, const char *name, const char *suffix)
{
  g_ptr_array_add (m->resp_names, g_strconcat (name, suffix, NULL));
  return (int) m->resp_names->len - 1;
}

static gboolean
build_node (RlModel *m, RlNode *node, int index, int ci, int hi, int wi, GError **error)
{
  const RlLayerSpec *s = &node->spec;
  /* TRANSLATORS: where an error is: the layer's number, then its name (if any, and a
   * space) and its kind, as in "layer 3 (c conv)"; names and kinds stay as typed */
  g_autofree char *where = g_strdup_printf (_("layer %d (%s%s%s)"), index + 1,
                                            s->name, s->name[0] ? " " : "",
                                            rl_layer_kind_name (s->kind));

  node->ci = ci; node->hi = hi; node->wi = wi;
  node->co = ci; node->ho = hi; node->wo = wi;
  node->resp = node->resp2 = -1;

  switch (s->kind)
    {
    case RL_LAYER_CONV:
      if (!rl_conv_geom_init (&node->u.conv.g, ci, hi, wi, s->channels, s->kernel, s->stride,
                              s->pad))
        goto too_small;
      add_conv_part (m, &node->u.conv, s->name, TRUE);
      node->resp = add_response (m, s->name, "");
      node->co = s->channels;
      node->ho = node->u.conv.g.ho;
      node->wo = node->u.conv.g.wo;
      break;

    case RL_LAYER_RELU:
      break;

    case RL_LAYER_MAXPOOL:
      if (hi / s->kernel < 1 || wi / s->kernel < 1)
        goto too_small;
      node->ho = hi / s->kernel;
      node->wo = wi / s->kernel;
      break;

    case RL_LAYER_GAP:
      node->ho = node->wo = 1;
      break;

    case RL_LAYER_BN:
      if (index == 0)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                       _("%s: batch norm cannot be the first layer; normalise the data instead"),
                       where);
          return FALSE;
        }
      add_bn_part (m, &node->u.bn, s->name, ci, hi * wi);
      /* a conv's response is taken after the bn that follows it */
      if (node[-1].spec.kind == RL_LAYER_CONV)
        {
          node->resp = node[-1].resp;
          node[-1].resp = -1;
        }
      break;

    case RL_LAYER_LINEAR:
      {
        int64_t wshape[2] = { s->channels, (int64_t) ci * hi * wi };
        int64_t bshape[1] = { s->channels };
        int d = ci * hi * wi;

        node->u.linear.d = d;
        node->u.linear.w = add_tensor (m, s->name, ".weight", 2, wshape, d, RL_PARAM_WEIGHT);
        node->u.linear.b = add_tensor (m, s->name, ".bias", 1, bshape, d, RL_PARAM_BIAS);
        node->co = s->channels;
        node->ho = node->wo = 1;
        m->flops += 2.0 * d * s->channels;
      }
      break;

    case RL_LAYER_RESIDUAL:
      {
        g_autofree char *p1 = g_strconcat (s->name, ".conv1", NULL);
        g_autofree char *p2 = g_strconcat (s->name, ".conv2", NULL);
        g_autofree char *ps = g_strconcat (s->name, ".shortcut", NULL);

        if (!rl_conv_geom_init (&node->u.res.c1.g, ci, hi, wi, s->channels, 3, s->stride, 1))
          goto too_small;
        rl_conv_geom_init (&node->u.res.c2.g, s->channels, node->u.res.c1.g.ho,
                           node->u.res.c1.g.wo, s->channels, 3, 1, 1);
        node->co = s->channels;
        node->ho = node->u.res.c1.g.ho;
        node->wo = node->u.res.c1.g.wo;

        if (s->shortcut == RL_SHORTCUT_IDENTITY && (ci != node->co || s->stride != 1))
          {
            g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                         _("%s: an identity shortcut needs matching shapes, but the block maps "
                           "%d×%d×%d to %d×%d×%d; use shortcut=A or shortcut=B"),
                         where, ci, hi, wi, node->co, node->ho, node->wo);
            return FALSE;
          }
        if (s->shortcut == RL_SHORTCUT_A && node->co < ci)
          {
            g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                         _("%s: shortcut A cannot reduce channels (%d to %d); use shortcut=B"),
                         where, ci, node->co);
            return FALSE;
          }
        /* Option A pads the new channels evenly on both sides, as the CIFAR ResNets commonly
         * implemented in PyTorch do (F.pad over the channel dimension). */
        node->u.res.pad_lo = (node->co - ci) / 2;

        /* With batch norm the convolutions have no bias (the norm's beta plays its part), as in
         * the paper's nets and PyTorch's ResNets. */
        {
          const int hw = node->ho * node->wo;
          g_autofree char *b1 = g_strconcat (s->name, ".bn1", NULL);
          g_autofree char *b2 = g_strconcat (s->name, ".bn2", NULL);
          g_autofree char *ps0 = g_strconcat (s->name, ".shortcut.0", NULL);
          g_autofree char *ps1 = g_strconcat (s->name, ".shortcut.1", NULL);

          node->resp = add_response (m, s->name, ".conv1");
          node->resp2 = add_response (m, s->name, ".conv2");
          add_conv_part (m, &node->u.res.c1, p1, !s->bn);
          if (s->bn)
            add_bn_part (m, &node->u.res.bn1, b1, s->channels, hw);
          add_conv_part (m, &node->u.res.c2, p2, !s->bn);
          if (s->bn)
            add_bn_part (m, &node->u.res.bn2, b2, s->channels, hw);
          if (s->shortcut == RL_SHORTCUT_B)
            {
              rl_conv_geom_init (&node->u.res.proj.g, ci, hi, wi, s->channels, 1, s->stride, 0);
              add_conv_part (m, &node->u.res.proj, s->bn ? ps0 : ps, !s->bn);
              if (s->bn)
                add_bn_part (m, &node->u.res.bnp, ps1, s->channels, hw);
            }
        }
      }
      break;

    default:
      g_assert_not_reached ();
    }
  return TRUE;

too_small:
  g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
               _("%s: its input of %d×%d×%d is too small for it"), where, ci, hi, wi);
  return FALSE;
}

RlModel *
rl_model_new (const RlArch *arch, int in_c, int in_h, int in_w, int n_classes, GError **error)
{
  return rl_model_new_at (arch, in_c, in_h, in_w, n_classes, NULL, error);
}

RlModel *
rl_model_new_mnist (const RlArch *arch, GError **error)
{
  return rl_model_new_at (arch, 1, RL_MNIST_SIDE, RL_MNIST_SIDE, RL_MNIST_CLASSES, NULL, error);
}

RlModel *
rl_model_new_at (const RlArch *arch, int in_c, int in_h, int in_w, int n_classes,
                 int *err_layer, GError **error)
{
  g_autoptr (RlModel) m = NULL;
  int c = in_c, h = in_h, w = in_w;
  int dummy;

  g_return_val_if_fail (arch != NULL, NULL);

  if (err_layer == NULL)
    err_layer = &dummy;
  *err_layer = -1;

  if (in_c <= 0 || in_h <= 0 || in_w <= 0 || in_c > 4096 || in_h > 4096 || in_w > 4096 ||
      n_classes <= 0 || n_classes > 65536)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   _("bad input shape %d×%d×%d or class count %d"), in_c, in_h, in_w, n_classes);
      return NULL;
    }
  if (!rl_limits_check_arch (arch, in_c, in_h, in_w, error))
    return NULL;

  m = g_new0 (RlModel, 1);
  m->arch = rl_arch_copy (arch);
  m->in_c = in_c; m->in_h = in_h; m->in_w = in_w;
  m->n_classes = n_classes;
  m->n_nodes = arch->n_layers;
  m->nodes = g_new0 (RlNode, m->n_nodes);
  m->tensors = g_array_new (FALSE, TRUE, sizeof (RlParamInfo));
  m->resp_names = g_ptr_array_new_with_free_func (g_free);
  m->n_threads = 1;

  for (int i = 0; i < m->n_nodes; i++)
    {
      m->nodes[i].spec = arch->layers[i];
      *err_layer = i;
      if (!build_node (m, &m->nodes[i], i, c, h, w, error))
        return NULL;
      c = m->nodes[i].co; h = m->nodes[i].ho; w = m->nodes[i].wo;
      /* A description from a file is untrusted: bound what it may make us allocate (a billion
       * parameters or activations per image would abort in the allocator, not fail). */
      if (m->n_params > RL_MODEL_MAX_PARAMS || (int64_t) c * h * w > RL_MODEL_MAX_ACTIVATIONS)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                       _("layer %d makes the network too large (%zu parameters, %d×%d×%d "
                         "activations per image)"), i + 1, m->n_params, c, h, w);
          return NULL;
        }
    }
  *err_layer = m->n_nodes - 1;

  if (arch->layers[m->n_nodes - 1].kind != RL_LAYER_LINEAR || c != n_classes)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   _("the network must end in a linear layer with %d outputs"), n_classes);
      return NULL;
    }

  *err_layer = -1;
  m->params = g_aligned_alloc0 (MAX (m->n_params, 1), sizeof (float), 64);
  m->grads = g_aligned_alloc0 (MAX (m->n_params, 1), sizeof (float), 64);
  return g_steal_pointer (&m);
}

void
rl_model_free (RlModel *model)
{
  if (model == NULL)
    return;
  rl_model_free_workspaces (model);
  rl_arch_free (model->arch);
  g_free (model->nodes);
  g_array_unref (model->tensors);
  g_ptr_array_unref (model->resp_names);
  g_free (model->prof);
  g_aligned_free (model->params);
  g_aligned_free (model->grads);
  g_free (model);
}

RlModel *
rl_model_copy (const RlModel *model)
{
  RlModel *copy;

  g_return_val_if_fail (model != NULL, NULL);

  copy = rl_model_new (model->arch, model->in_c, model->in_h, model->in_w, model->n_classes,
                       NULL);
  g_assert (copy != NULL);
  rl_model_copy_params (copy, model);
  copy->n_threads = model->n_threads;
  return copy;
}

void
rl_model_copy_params (RlModel *dst, const RlModel *src)
{
  g_return_if_fail (dst->n_params == src->n_params);
  memcpy (dst->params, src->params, sizeof (float) * src->n_params);
}

void
rl_model_init_params (RlModel *model, uint64_t seed)
{
  RlRng rng;

  rl_rng_init (&rng, seed);
  for (guint i = 0; i < model->tensors->len; i++)
    {
      const RlParamInfo *t = &g_array_index (model->tensors, RlParamInfo, i);
      /* kaiming_uniform(a = sqrt(5)): gain = sqrt(2 / (1 + 5)), bound = gain * sqrt(3 / fan_in)
       * = 1 / sqrt(fan_in); the bias bound is 1 / sqrt(fan_in) too.
       * https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html */
      float *p = model->params + t->offset;
      float constant = 0.0f;

      switch (t->role)
        {
        case RL_PARAM_WEIGHT:
        case RL_PARAM_BIAS:
          {
            float bound = 1.0f / sqrtf ((float) t->fan_in);
            for (size_t j = 0; j < t->numel; j++)
              p[j] = rl_rng_uniform_range (&rng, -bound, bound);
          }
          continue;
        case RL_PARAM_BN_WEIGHT:
        case RL_PARAM_RUNNING_VAR:
          constant = 1.0f;
          break;
        case RL_PARAM_BN_BIAS:
        case RL_PARAM_RUNNING_MEAN:
        case RL_PARAM_BATCHES_TRACKED:
        default:
          break;
        }
      for (size_t j = 0; j < t->numel; j++)
        p[j] = constant;
    }
}

const RlArch *
rl_model_get_arch (const RlModel *model)
{
  return model->arch;
}

void
rl_model_get_input_shape (const RlModel *model, int *c, int *h, int *w)
{
  if (c) *c = model->in_c;
  if (h) *h = model->in_h;
  if (w) *w = model->in_w;
}

int
rl_model_get_n_classes (const RlModel *model)
{
  return model->n_classes;
}

void
rl_model_get_layer_shape (const RlModel *model, guint i, int *c, int *h, int *w)
{
  g_return_if_fail (i < (guint) model->n_nodes);
  *c = model->nodes[i].co;
  *h = model->nodes[i].ho;
  *w = model->nodes[i].wo;
}

guint
rl_model_get_n_tensors (const RlModel *model)
{
  return model->tensors->len;
}

const RlParamInfo *
rl_model_get_tensor_info (const RlModel *model, guint i)
{
  g_return_val_if_fail (i < model->tensors->len, NULL);
  return &g_array_index (model->tensors, RlParamInfo, i);
}

const RlParamInfo *
rl_model_lookup_tensor (const RlModel *model, const char *name)
{
  for (guint i = 0; i < model->tensors->len; i++)
    if (strcmp (g_array_index (model->tensors, RlParamInfo, i).name, name) == 0)
      return &g_array_index (model->tensors, RlParamInfo, i);
  return NULL;
}

size_t
rl_model_get_n_params (const RlModel *model)
{
  return model->n_params;
}

float *
rl_model_get_params (RlModel *model)
{
  return model->params;
}

const float *
rl_model_get_params_const (const RlModel *model)
{
  return model->params;
}

float *
rl_model_get_grads (RlModel *model)
{
  return model->grads;
}

double
rl_model_get_flops (const RlModel *model)
{
  return model->flops;
}

void
rl_model_set_threads (RlModel *model, int n_threads)
{
  if (n_threads <= 0)
    n_threads = (int) g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, 256);
  if (n_threads != model->n_threads)
    {
      rl_model_free_workspaces (model);
      model->n_threads = n_threads;
    }
}

int
rl_model_get_threads (const RlModel *model)
{
  return model->n_threads;
}


guint
rl_model_get_n_responses (const RlModel *model)
{
  return model->resp_names->len;
}

const char *
rl_model_get_response_name (const RlModel *model, guint i)
{
  g_return_val_if_fail (i < model->resp_names->len, NULL);
  return model->resp_names->pdata[i];
}

