#define G_LOG_DOMAIN "reslab-engine"

#include "rl-model-private.h"

#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-limits.h"
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
  g_autofree char *where = g_strdup_printf ("layer %d (%s%s%s)", index + 1,
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
                       "%s: batch norm cannot be the first layer; normalise the data instead",
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
                         "%s: an identity shortcut needs matching shapes, but the block maps "
                         "%d×%d×%d to %d×%d×%d; use shortcut=A or shortcut=B",
                         where, ci, hi, wi, node->co, node->ho, node->wo);
            return FALSE;
          }
        if (s->shortcut == RL_SHORTCUT_A && node->co < ci)
          {
            g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                         "%s: shortcut A cannot reduce channels (%d to %d); use shortcut=B",
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
               "%s: its input of %d×%d×%d is too small for it", where, ci, hi, wi);
  return FALSE;
}

RlModel *
rl_model_new (const RlArch *arch, int in_c, int in_h, int in_w, int n_classes, GError **error)
{
  g_autoptr (RlModel) m = NULL;
  int c = in_c, h = in_h, w = in_w;

  g_return_val_if_fail (arch != NULL, NULL);

  if (in_c <= 0 || in_h <= 0 || in_w <= 0 || in_c > 4096 || in_h > 4096 || in_w > 4096 ||
      n_classes <= 0 || n_classes > 65536)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   "bad input shape %d×%d×%d or class count %d", in_c, in_h, in_w, n_classes);
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
      if (!build_node (m, &m->nodes[i], i, c, h, w, error))
        return NULL;
      c = m->nodes[i].co; h = m->nodes[i].ho; w = m->nodes[i].wo;
      /* A description from a file is untrusted: bound what it may make us allocate (a billion
       * parameters or activations per image would abort in the allocator, not fail). */
      if (m->n_params > RL_MODEL_MAX_PARAMS || (int64_t) c * h * w > RL_MODEL_MAX_ACTIVATIONS)
        {
          g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                       "layer %d makes the network too large (%zu parameters, %d×%d×%d "
                       "activations per image)", i + 1, m->n_params, c, h, w);
          return NULL;
        }
    }

  if (arch->layers[m->n_nodes - 1].kind != RL_LAYER_LINEAR || c != n_classes)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_ARCH,
                   "the network must end in a linear layer with %d outputs", n_classes);
      return NULL;
    }

  m->params = g_aligned_alloc0 (MAX (m->n_params, 1), sizeof (float), 64);
  m->grads = g_aligned_alloc0 (MAX (m->n_params, 1), sizeof (float), 64);
  return g_steal_pointer (&m);
}

static void
free_workspaces (RlModel *m)
{
  for (int t = 0; t < m->n_work; t++)
    rl_work_free (m->work[t]);
  g_clear_pointer (&m->work, g_free);
  g_clear_pointer (&m->bn_shared, g_free);
  g_clear_pointer (&m->pool, rl_pool_free);
  m->n_work = 0;
}

void
rl_model_free (RlModel *model)
{
  if (model == NULL)
    return;
  free_workspaces (model);
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
      free_workspaces (model);
      model->n_threads = n_threads;
    }
}

int
rl_model_get_threads (const RlModel *model)
{
  return model->n_threads;
}

/* ---- Workspaces ------------------------------------------------------------------------- */

/* Whether nodes i, i + 1, i + 2 are conv -> relu -> maxpool(2), the seed's stem, which
 * training runs as one layer when the batch allows (conv_pool_fused). */
static gboolean
conv_pool_pattern (const RlModel *m, int i)
{
  return i >= 0 && i + 2 < m->n_nodes && m->nodes[i].spec.kind == RL_LAYER_CONV
         && m->nodes[i + 1].spec.kind == RL_LAYER_RELU
         && m->nodes[i + 2].spec.kind == RL_LAYER_MAXPOOL && m->nodes[i + 2].spec.kernel == 2;
}

static float *
falloc (size_t n)
{
  return g_aligned_alloc0 (MAX (n, 1), sizeof (float), 64);
}

RlWork *
rl_work_new (const RlModel *m, int n_cap, gboolean with_grads)
{
  RlWork *w = g_new0 (RlWork, 1);
  size_t cols = 0;
  const int nn = m->n_nodes;

  w->n_cap = n_cap;
  w->n_nodes = nn;
  w->in = falloc ((size_t) m->in_c * n_cap * m->in_h * m->in_w);
  w->out = g_new0 (float *, nn);
  w->dout = g_new0 (float *, nn);
  w->hid = g_new0 (float *, nn);
  w->res = g_new0 (float *, nn);
  w->sc = g_new0 (float *, nn);
  w->dhid = g_new0 (float *, nn);

  /* Gradients live only while the backward passes through a node, so they share buffers: the
   * output gradients three in turn (node i's is dbuf[i % 3]: a node reads its own and writes
   * the one before, and a fused ReLU + pooling the one before that), one hidden gradient for
   * every residual block and one input gradient for every batch norm inside a block. For
   * resnet-56 that is a third less memory than a buffer each. */
  size_t dmax = 0, hmax = 0, bnmax = 0;

  for (int i = 0; i < nn; i++)
    {
      const RlNode *node = &m->nodes[i];
      size_t len = (size_t) node->co * n_cap * node->ho * node->wo;

      dmax = MAX (dmax, len);
      if (node->spec.kind == RL_LAYER_RESIDUAL)
        hmax = MAX (hmax, len);
    }
  for (int k = 0; k < 3; k++)
    w->dbuf[k] = falloc (dmax);
  w->dhid_buf = hmax > 0 ? falloc (hmax) : NULL;

  for (int i = 0; i < nn; i++)
    {
      const RlNode *node = &m->nodes[i];
      size_t len = (size_t) node->co * n_cap * node->ho * node->wo;

      w->out[i] = falloc (len);
      w->dout[i] = w->dbuf[i % 3];
      switch (node->spec.kind)
        {
        case RL_LAYER_CONV:
          cols = MAX (cols, rl_conv_workspace_size (&node->u.conv.g, n_cap));
          break;
        case RL_LAYER_RESIDUAL:
          w->hid[i] = falloc (len);
          w->res[i] = falloc (len);
          w->dhid[i] = w->dhid_buf;
          if (node->spec.shortcut == RL_SHORTCUT_A || node->spec.shortcut == RL_SHORTCUT_B)
            w->sc[i] = falloc (len);
          cols = MAX (cols, rl_conv_workspace_size (&node->u.res.c1.g, n_cap));
          cols = MAX (cols, rl_conv_workspace_size (&node->u.res.c2.g, n_cap));
          if (node->spec.shortcut == RL_SHORTCUT_B)
            cols = MAX (cols, rl_conv_workspace_size (&node->u.res.proj.g, n_cap));
          break;
        case RL_LAYER_RELU:
        case RL_LAYER_GAP:
        default:
          break;
        }
    }
  /* conv -> relu -> maxpool(2) triples that may run as one layer (conv_pool_fused) */
  w->arg = g_new0 (float *, nn);
  size_t fmax = 0;
  for (int i = 0; i + 2 < nn; i++)
    if (conv_pool_pattern (m, i))
      {
        const RlNode *pool = &m->nodes[i + 2];
        w->arg[i + 2] = falloc ((size_t) pool->co * n_cap * pool->ho * pool->wo);
        fmax = MAX (fmax, rl_conv_relu_maxpool_block_size (&m->nodes[i].u.conv.g, n_cap));
      }
  w->fuse_block = fmax > 0 ? falloc (fmax) : NULL;
  w->cols = falloc (cols);
  w->dcols = falloc (cols);
  w->logits = falloc ((size_t) n_cap * m->n_classes);
  w->dlogits = falloc ((size_t) n_cap * m->n_classes);
  if (with_grads)
    w->grads = falloc (m->n_params);

  w->resp = g_new0 (double, 3 * (m->resp_names->len + 1));
  w->n_bn = m->n_bn;
  w->bn_pre = g_new0 (float *, m->n_bn + 1);
  w->bn_xhat = g_new0 (float *, m->n_bn + 1);
  w->bn_dpre = g_new0 (float *, m->n_bn + 1);
  w->bn_mean = g_new0 (float *, m->n_bn + 1);
  w->bn_invstd = g_new0 (float *, m->n_bn + 1);
  for (int i = 0; i < nn; i++)
    {
      const RlNode *node = &m->nodes[i];
      const RlBnPart *parts[3] = { NULL, NULL, NULL };

      if (node->spec.kind == RL_LAYER_BN)
        parts[0] = &node->u.bn;
      else if (node->spec.kind == RL_LAYER_RESIDUAL && node->spec.bn)
        {
          parts[0] = &node->u.res.bn1;
          parts[1] = &node->u.res.bn2;
          if (node->spec.shortcut == RL_SHORTCUT_B)
            parts[2] = &node->u.res.bnp;
        }
      for (int k = 0; k < 3; k++)
        if (parts[k] != NULL)
          {
            const RlBnPart *b = parts[k];
            size_t len = (size_t) b->c * n_cap * b->hw;
            /* a bn layer normalises the previous node's output: no buffer of its own */
            if (node->spec.kind == RL_LAYER_RESIDUAL)
              {
                w->bn_pre[b->site] = falloc (len);
                bnmax = MAX (bnmax, len);
              }
            w->bn_xhat[b->site] = falloc (len);
            w->bn_mean[b->site] = falloc (b->c);
            w->bn_invstd[b->site] = falloc (b->c);
          }
    }
  if (bnmax > 0)
    {
      w->bn_dpre_buf = falloc (bnmax);
      for (int k = 0; k < m->n_bn; k++)
        if (w->bn_pre[k] != NULL)
          w->bn_dpre[k] = w->bn_dpre_buf;
    }
  return w;
}

void
rl_work_free (RlWork *w)
{
  if (w == NULL)
    return;
  for (int i = 0; i < w->n_nodes; i++)
    {
      g_aligned_free (w->out[i]);
      g_aligned_free (w->hid[i]);
      g_aligned_free (w->res[i]);
      g_aligned_free (w->sc[i]);
      g_aligned_free (w->arg[i]);
    }
  g_free (w->arg);
  g_aligned_free (w->fuse_block);
  for (int k = 0; k < 3; k++)
    g_aligned_free (w->dbuf[k]);
  g_aligned_free (w->dhid_buf);
  g_aligned_free (w->bn_dpre_buf);
  g_free (w->out); g_free (w->dout); g_free (w->hid); g_free (w->res);
  g_free (w->sc); g_free (w->dhid);
  g_aligned_free (w->in);
  g_aligned_free (w->cols);
  g_aligned_free (w->dcols);
  g_aligned_free (w->logits);
  g_aligned_free (w->dlogits);
  g_aligned_free (w->grads);
  for (int k = 0; k < w->n_bn; k++)
    {
      g_aligned_free (w->bn_pre[k]);
      g_aligned_free (w->bn_xhat[k]);
      g_aligned_free (w->bn_mean[k]);
      g_aligned_free (w->bn_invstd[k]);
    }
  g_free (w->bn_pre); g_free (w->bn_xhat); g_free (w->bn_dpre); g_free (w->bn_mean);
  g_free (w->bn_invstd);
  g_free (w->resp);
  g_free (w);
}

/* Makes sure there are n_threads workspaces for slices of up to n_cap images. Only grows, so
 * the training loop allocates on its first step and never again. */
static void
ensure_workspaces (RlModel *m, int n_threads, int n_cap)
{
  if (m->n_work >= n_threads && m->work[0]->n_cap >= n_cap)
    return;
  n_cap = MAX (n_cap, m->n_work > 0 ? m->work[0]->n_cap : 0);
  n_threads = MAX (n_threads, m->n_work);
  free_workspaces (m);
  m->work = g_new0 (RlWork *, n_threads);
  for (int t = 0; t < n_threads; t++)
    m->work[t] = rl_work_new (m, n_cap, t > 0);
  m->n_work = n_threads;
  m->bn_shared = g_new0 (double, (size_t) n_threads * 2 * MAX (m->max_bn_c, 1));
  m->pool = rl_pool_new (n_threads);
}

/* ---- Forward and backward ----------------------------------------------------------------- */

#define P(m, idx) ((m)->params + g_array_index ((m)->tensors, RlParamInfo, (idx)).offset)
#define PB(m, idx) ((idx) >= 0 ? P (m, idx) : NULL)

static void
conv_part_forward (const RlModel *m, const RlConvPart *c, int n, const float *x, float *y,
                   RlWork *w)
{
  rl_conv2d_forward (&c->g, n, x, P (m, c->w), PB (m, c->b), y, w->cols);
}

static void
conv_part_backward (const RlModel *m, const RlConvPart *c, int n, const float *x,
                    const float *dy, float *dx, RlGradMode dx_mode, float *grads, RlWork *w)
{
  const RlParamInfo *tw = &g_array_index (m->tensors, RlParamInfo, c->w);
  float *db = c->b >= 0 ? grads + g_array_index (m->tensors, RlParamInfo, c->b).offset : NULL;

  rl_conv2d_backward (&c->g, n, x, P (m, c->w), dy, dx, dx_mode, grads + tw->offset, db,
                      w->cols, w->dcols);
}

/* Shortcut A: x (Ci, Hi, Wi, N) subsampled by the stride, into channels pad_lo .. pad_lo+Ci-1
 * of y (Co, Ho, Wo, N); other channels zero. With @adjoint, dx += the reverse. */
static void
shortcut_a (const RlNode *node, int n, const float *x, float *y, gboolean adjoint, float *dx,
            const float *dy)
{
  const int s = node->spec.stride;
  const size_t plane_out = (size_t) node->ho * node->wo;

  if (!adjoint)
    memset (y, 0, sizeof (float) * node->co * n * plane_out);
  for (int c = 0; c < node->ci; c++)
    for (int oy = 0; oy < node->ho; oy++)
      for (int ox = 0; ox < node->wo; ox++)
        {
          /* (C, H, W, N): whole N-vectors move */
          size_t xo = (((size_t) c * node->hi + oy * s) * node->wi + ox * s) * n;
          size_t yo = (((size_t) (c + node->u.res.pad_lo) * node->ho + oy) * node->wo + ox) * n;
          for (int img = 0; img < n; img++)
            {
              if (adjoint)
                dx[xo + img] += dy[yo + img];
              else
                y[yo + img] = x[xo + img];
            }
        }
}

/* Batch norm forward of x (C, HW, n) into y. In training the statistics are those of the
 * whole batch: each thread posts its partial sums, all meet at a barrier, and each adds the
 * posted sums up in thread order, so every thread gets the same bits. */
static void
bn_forward (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, gboolean train,
            const float *x, float *y)
{
  float *mean = w->bn_mean[bn->site], *invstd = w->bn_invstd[bn->site];
  float *running_mean = P (m, bn->mean), *running_var = P (m, bn->var);

  if (!train)
    {
      for (int c = 0; c < bn->c; c++)
        {
          mean[c] = running_mean[c];
          invstd[c] = 1.0f / sqrtf (running_var[c] + RL_BN_EPS);
        }
      rl_bn_forward_apply (bn->c, n, bn->hw, x, mean, invstd, P (m, bn->w), P (m, bn->b),
                           NULL, y);
      return;
    }

  {
    const int t = w->tid, nt = w->nt;
    const size_t stride = 2 * (size_t) m->max_bn_c;
    const double count = (double) w->n_total * bn->hw;

    rl_bn_partial_stats (bn->c, n, bn->hw, x, m->bn_shared + t * stride);
rl_pool_barrier (m->pool);
    for (int c = 0; c < bn->c; c++)
      {
        double s = 0.0, s2 = 0.0, mu, var;
        for (int u = 0; u < nt; u++)
          {
            s += m->bn_shared[u * stride + c];
            s2 += m->bn_shared[u * stride + bn->c + c];
          }
        mu = s / count;
        var = MAX (s2 / count - mu * mu, 0.0);   /* biased, for normalising */
        mean[c] = (float) mu;
        invstd[c] = (float) (1.0 / sqrt (var + RL_BN_EPS));
        if (t == 0)
          {
            /* running statistics: the unbiased variance, PyTorch's momentum 0.1 */
            double unbiased = count > 1 ? var * count / (count - 1) : var;
            running_mean[c] = (1 - RL_BN_MOMENTUM) * running_mean[c] + RL_BN_MOMENTUM * (float) mu;
            running_var[c] = (1 - RL_BN_MOMENTUM) * running_var[c] +
                             RL_BN_MOMENTUM * (float) unbiased;
          }
      }
    if (t == 0)
      *P (m, bn->count) += 1.0f;
    /* nobody may post the next sums before everyone has read these */
rl_pool_barrier (m->pool);
    rl_bn_forward_apply (bn->c, n, bn->hw, x, mean, invstd, P (m, bn->w), P (m, bn->b),
                         w->bn_xhat[bn->site], y);
  }
}

/* dx += batch norm backward of dy; gamma's and beta's gradients into this thread's block. */
static void
bn_backward (const RlModel *m, const RlBnPart *bn, RlWork *w, int n, const float *dy,
             float *dx, float *grads)
{
  const int t = w->tid, nt = w->nt;
  const size_t stride = 2 * (size_t) m->max_bn_c;
  double *mine = m->bn_shared + t * stride;
  double tot[2 * 1024];
  double *totals = bn->c <= 1024 ? tot : g_new (double, 2 * bn->c);
  float *dgamma = grads + g_array_index (m->tensors, RlParamInfo, bn->w).offset;
  float *dbeta = grads + g_array_index (m->tensors, RlParamInfo, bn->b).offset;

  rl_bn_backward_partials (bn->c, n, bn->hw, dy, w->bn_xhat[bn->site], mine);
  for (int c = 0; c < bn->c; c++)
    {
      dbeta[c] += (float) mine[c];
      dgamma[c] += (float) mine[bn->c + c];
    }
rl_pool_barrier (m->pool);
  for (int c = 0; c < 2 * bn->c; c++)
    {
      double s = 0.0;
      for (int u = 0; u < nt; u++)
        s += m->bn_shared[u * stride + c];
      totals[c] = s;
    }
rl_pool_barrier (m->pool);
  rl_bn_backward_apply (bn->c, n, bn->hw, dy, w->bn_xhat[bn->site], w->bn_invstd[bn->site],
                        P (m, bn->w), totals, (double) w->n_total * bn->hw, dx);
  if (totals != tot)
    g_free (totals);
}

static void
collect_response (RlWork *w, int slot, const float *y, size_t len)
{
  double s = 0.0, s2 = 0.0;

  if (!w->collect || slot < 0)
    return;
  for (size_t i = 0; i < len; i++)
    {
      s += y[i];
      s2 += (double) y[i] * y[i];
    }
  w->resp[3 * slot] += s;
  w->resp[3 * slot + 1] += s2;
  w->resp[3 * slot + 2] += (double) len;
}

/* A convolution, then batch norm when the block has it: x -> y. */
static void
conv_bn_forward (const RlModel *m, const RlConvPart *c, const RlBnPart *bn, RlWork *w, int n,
                 gboolean train, const float *x, float *y, int resp)
{
  if (bn == NULL)
    conv_part_forward (m, c, n, x, y, w);
  else
    {
      conv_part_forward (m, c, n, x, w->bn_pre[bn->site], w);
      bn_forward (m, bn, w, n, train, w->bn_pre[bn->site], y);
    }
  collect_response (w, resp, y, (size_t) c->g.co * n * c->g.ho * c->g.wo);
}

/* dx += or = (@dx_mode) the input gradient of conv (+ bn) for the output gradient dy. */
static void
conv_bn_backward (const RlModel *m, const RlConvPart *c, const RlBnPart *bn, RlWork *w, int n,
                  const float *x, const float *dy, float *dx, RlGradMode dx_mode, float *grads)
{
  if (bn != NULL)
    {
      float *dpre = w->bn_dpre[bn->site];
      memset (dpre, 0, sizeof (float) * bn->c * n * bn->hw);
      bn_backward (m, bn, w, n, dy, dpre, grads);
      dy = dpre;
    }
  conv_part_backward (m, c, n, x, dy, dx, dx_mode, grads, w);
}

static void
node_forward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n, gboolean train,
              const float *x)
{
  float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;

  switch (node->spec.kind)
    {
    case RL_LAYER_CONV:
      conv_part_forward (m, &node->u.conv, n, x, y, w);
      collect_response (w, node->resp, y, len);
      break;

    case RL_LAYER_RELU:
      rl_relu_forward (x, y, len);
      break;

    case RL_LAYER_MAXPOOL:
      rl_maxpool_forward (node->ci, n, node->hi, node->wi, node->spec.kernel, x, y);
      break;

    case RL_LAYER_GAP:
      rl_gap_forward (node->ci, n, node->hi * node->wi, x, y);
      break;

    case RL_LAYER_BN:
      bn_forward (m, &node->u.bn, w, n, train, x, y);
      collect_response (w, node->resp, y, len);
      break;

    case RL_LAYER_LINEAR:
      /* (C, H, W, N) is already (D, N) with PyTorch's flattening order */
      rl_dense_forward (n, node->u.linear.d, node->co, x, P (m, node->u.linear.w),
                        P (m, node->u.linear.b), y);
      break;

    case RL_LAYER_RESIDUAL:
      {
        float *hid = w->hid[i], *res = w->res[i];
        const float *sc = x;

        const gboolean bn = node->spec.bn;

        conv_bn_forward (m, &node->u.res.c1, bn ? &node->u.res.bn1 : NULL, w, n, train, x, hid,
                         node->resp);
        rl_relu_forward (hid, hid, len);
        conv_bn_forward (m, &node->u.res.c2, bn ? &node->u.res.bn2 : NULL, w, n, train, hid,
                         res, node->resp2);
        switch (node->spec.shortcut)
          {
          case RL_SHORTCUT_A:
            shortcut_a (node, n, x, w->sc[i], FALSE, NULL, NULL);
            sc = w->sc[i];
            break;
          case RL_SHORTCUT_B:
            conv_bn_forward (m, &node->u.res.proj, bn ? &node->u.res.bnp : NULL, w, n, train, x,
                             w->sc[i], -1);
            sc = w->sc[i];
            break;
          case RL_SHORTCUT_NONE:
            sc = NULL;
            break;
          case RL_SHORTCUT_IDENTITY:
          default:
            break;
          }
        /* y = relu(F(x) + shortcut(x)) */
        if (sc != NULL)
          rl_add_relu (res, sc, y, len);
        else
          rl_relu_forward (res, y, len);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Whether node_backward writes its input gradient (=) rather than adding to it: then the
 * caller need not zero it first. */
static gboolean
node_sets_dx (const RlNode *node)
{
  return node->spec.kind == RL_LAYER_CONV || node->spec.kind == RL_LAYER_RESIDUAL;
}

/* dy = w->dout[i] (consumed: it may be overwritten); dx: gradient of the node's input, written
 * when node_sets_dx(), else accumulated into; NULL for the first layer. */
static void
node_backward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n, const float *x,
               float *dx, float *grads)
{
  float *dy = w->dout[i];
  const float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;

  switch (node->spec.kind)
    {
    case RL_LAYER_CONV:
      conv_part_backward (m, &node->u.conv, n, x, dy, dx, RL_GRAD_SET, grads, w);
      break;

    case RL_LAYER_RELU:
      if (dx != NULL)
        rl_relu_backward (y, dy, dx, len);
      break;

    case RL_LAYER_MAXPOOL:
      if (dx != NULL)
        rl_maxpool_backward (node->ci, n, node->hi, node->wi, node->spec.kernel, x, y, dy, dx);
      break;

    case RL_LAYER_GAP:
      if (dx != NULL)
        rl_gap_backward (node->ci, n, node->hi * node->wi, dy, dx);
      break;

    case RL_LAYER_BN:
      /* dx is never NULL here: rl_model_new refuses bn as the first layer */
      bn_backward (m, &node->u.bn, w, n, dy, dx, grads);
      break;

    case RL_LAYER_LINEAR:
      {
        const RlParamInfo *tw = &g_array_index (m->tensors, RlParamInfo, node->u.linear.w);
        const RlParamInfo *tb = &g_array_index (m->tensors, RlParamInfo, node->u.linear.b);

        rl_dense_backward (n, node->u.linear.d, node->co, x, P (m, node->u.linear.w), dy, dx,
                           grads + tw->offset, grads + tb->offset);
      }
      break;

    case RL_LAYER_RESIDUAL:
      {
        float *dz = dy, *dhid = w->dhid[i];
        const float *hid = w->hid[i];
        const gboolean bn = node->spec.bn;

        /* dz = dy * (y > 0): through the ReLU after the addition */
        rl_mask_positive (dz, y, len);

        /* F's branch first, because its first convolution writes dx; the shortcut then adds */
        conv_bn_backward (m, &node->u.res.c2, bn ? &node->u.res.bn2 : NULL, w, n, hid, dz,
                          dhid, RL_GRAD_SET, grads);
        /* through relu: hid > 0 exactly where its input was > 0 */
        rl_mask_positive (dhid, hid, len);
        conv_bn_backward (m, &node->u.res.c1, bn ? &node->u.res.bn1 : NULL, w, n, x, dhid, dx,
                          RL_GRAD_SET, grads);

        switch (node->spec.shortcut)
          {
          case RL_SHORTCUT_IDENTITY:
            if (dx != NULL)
              rl_add_to (dx, dz, len);
            break;
          case RL_SHORTCUT_A:
            if (dx != NULL)
              shortcut_a (node, n, NULL, NULL, TRUE, dx, dz);
            break;
          case RL_SHORTCUT_B:
            conv_bn_backward (m, &node->u.res.proj, bn ? &node->u.res.bnp : NULL, w, n, x, dz,
                              dx, RL_GRAD_ADD, grads);
            break;
          case RL_SHORTCUT_NONE:
          default:
            break;
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static inline const float *
node_input (const RlWork *w, int i)
{
  return i == 0 ? w->in : w->out[i - 1];
}

/* Whether node @i is a max pooling right after a ReLU that has an input gradient (the seed's
 * conv -> relu -> pool). In training the two then run as one: forward, the pooling reads the
 * ReLU's input z and clamps its maxima at 0 (max(0, max z) = max relu(z), the same bits), so
 * the ReLU's output is never written; backward, rl_relu_maxpool_backward finds each window's
 * winner in z and writes z's gradient directly. The ReLU's own buffers stay unused. */
static inline gboolean
relu_pool_fused (const RlModel *m, int i)
{
  return i >= 2 && i < m->n_nodes && m->nodes[i].spec.kind == RL_LAYER_MAXPOOL
         && m->nodes[i - 1].spec.kind == RL_LAYER_RELU;
}

/* Whether conv node @i, its ReLU and its 2x2 max pooling run as one layer in this training
 * step of @n images (rl_conv2d_relu_maxpool_forward): the conv's output is then never written
 * whole, only the pooling's and each window's winner (w->arg), and the backward rebuilds the
 * conv's output gradient from those, for a first layer a few rows at a time. Not while
 * collecting response statistics, which read the conv's output. */
static inline gboolean
conv_pool_fused (const RlModel *m, const RlWork *w, int i, int n)
{
  return conv_pool_pattern (m, i) && w->arg[i + 2] != NULL && !w->collect
         && rl_conv_relu_maxpool_fusable (&m->nodes[i].u.conv.g, n);
}

void
rl_model_forward_work (const RlModel *model, RlWork *w, int n, gboolean train)
{
  const gboolean timed = model->prof != NULL && w->tid == 0 && train;

  for (int i = 0; i < model->n_nodes; i++)
    {
      const RlNode *node = &model->nodes[i];
      gint64 t0 = timed ? g_get_monotonic_time () : 0;

      if (train && conv_pool_fused (model, w, i, n))
        {
          const RlConvPart *c = &node->u.conv;

          rl_conv2d_relu_maxpool_forward (&c->g, n, node_input (w, i), P (model, c->w),
                                          PB (model, c->b), w->out[i + 2], w->arg[i + 2],
                                          w->cols, w->fuse_block);
          if (timed)
            model->prof[2 * i] += (g_get_monotonic_time () - t0) / 1e6;
          i += 2;   /* the ReLU and the pooling ran inside */
          continue;
        }
      if (train && relu_pool_fused (model, i + 1))
        continue;   /* this ReLU runs inside the pooling below */
      if (train && relu_pool_fused (model, i))
        {
          float *y = w->out[i];
          rl_maxpool_forward (node->ci, n, node->hi, node->wi, node->spec.kernel, w->out[i - 2],
                              y);
          rl_relu_forward (y, y, (size_t) node->co * n * node->ho * node->wo);
        }
      else
        node_forward (model, node, i, w, n, train, node_input (w, i));
      if (timed)
        model->prof[2 * i] += (g_get_monotonic_time () - t0) / 1e6;
    }
}

void
rl_model_set_profiling (RlModel *model, gboolean enabled)
{
  g_clear_pointer (&model->prof, g_free);
  if (enabled)
    model->prof = g_new0 (double, 2 * model->n_nodes);
}

guint
rl_model_profile_owner (const RlModel *model, guint i, int n)
{
  g_return_val_if_fail (i < (guint) model->n_nodes, i);

  /* as conv_pool_fused and relu_pool_fused decide */
  for (guint back = 1; back <= 2; back++)
    if (i >= back && conv_pool_pattern (model, (int) (i - back))
        && rl_conv_relu_maxpool_fusable (&model->nodes[i - back].u.conv.g, n))
      return i - back;
  if (relu_pool_fused (model, (int) i + 1))
    return i + 1;
  return i;
}

void
rl_model_get_profile (const RlModel *model, guint i, double *forward, double *backward)
{
  g_return_if_fail (i < (guint) model->n_nodes);
  *forward = model->prof ? model->prof[2 * i] : 0.0;
  *backward = model->prof ? model->prof[2 * i + 1] : 0.0;
}

/* x: (N, C, H, W) -> w->in: (C, H, W, N) */
static void
load_input (const RlModel *m, RlWork *w, const float *x, int n)
{
  /* x viewed as (N, D) with D = C*H*W; the engine's (C, H, W, N) is its transpose */
  const size_t d = (size_t) m->in_c * m->in_h * m->in_w;

  if (n == 1)
    {
      memcpy (w->in, x, sizeof (float) * d);
      return;
    }
  for (size_t j = 0; j < d; j++)
    for (int img = 0; img < n; img++)
      w->in[j * n + img] = x[(size_t) img * d + j];
}

/* The last node's output (P, N) -> logits (N, P) */
static void
gather_logits (const RlModel *m, const RlWork *w, int n, float *logits)
{
  const float *y = w->out[m->n_nodes - 1];
  for (int img = 0; img < n; img++)
    for (int j = 0; j < m->n_classes; j++)
      logits[(size_t) img * m->n_classes + j] = y[(size_t) j * n + img];
}

typedef struct {
  RlModel       *model;
  const float   *x;
  const uint8_t *labels;
  int            n;
  float         *logits;           /* predict */
  double         loss[256];        /* per thread */
  int            correct[256];
} StepJob;

/* One thread's share of a training step. The slice depends only on the team's size, so a given
 * thread count always splits the batch, and sums the gradients, the same way. */
static void
train_slice (gpointer data, int t, int nt)
{
  StepJob *job = data;
  RlModel *model = job->model;
  const size_t chw = (size_t) model->in_c * model->in_h * model->in_w;
  const int P = model->n_classes, n = job->n;
  const int lo = (int) ((int64_t) n * t / nt), hi = (int) ((int64_t) n * (t + 1) / nt);
  const int cnt = hi - lo;   /* >= 1: the team is never larger than the batch */
  RlWork *w = model->work[t];
  float *grads = t == 0 ? model->grads : w->grads;
  float *dlast = w->dout[model->n_nodes - 1];

  w->tid = t;
  w->nt = nt;
  w->n_total = n;
  memset (grads, 0, sizeof (float) * model->n_params);

  load_input (model, w, job->x + (size_t) lo * chw, cnt);
  rl_model_forward_work (model, w, cnt, TRUE);
  gather_logits (model, w, cnt, w->logits);
  job->loss[t] = rl_softmax_xent (cnt, P, w->logits, job->labels + lo, n, w->dlogits, NULL,
                                  &job->correct[t]);
  for (int img = 0; img < cnt; img++)
    for (int j = 0; j < P; j++)
      dlast[(size_t) j * cnt + img] = w->dlogits[(size_t) img * P + j];

  for (int i = model->n_nodes - 1; i >= 0; i--)
    {
      const RlNode *node = &model->nodes[i];
      float *dx = i > 0 ? w->dout[i - 1] : NULL;
      gint64 t0 = model->prof != NULL && t == 0 ? g_get_monotonic_time () : 0;

      if (conv_pool_fused (model, w, i - 2, cnt))
        {
          /* conv, ReLU and pooling as one layer (see conv_pool_fused); their time counts at
           * the conv */
          const RlNode *conv = &model->nodes[i - 2];
          const RlConvPart *c = &conv->u.conv;

          if (i - 2 == 0)
            {
              /* no input gradient: the conv's output gradient is rebuilt block by block as the
               * weight gradient reads it */
              const RlParamInfo *tw = &g_array_index (model->tensors, RlParamInfo, c->w);
              float *db = c->b >= 0
                          ? grads + g_array_index (model->tensors, RlParamInfo, c->b).offset
                          : NULL;
              rl_conv2d_relu_maxpool_backward (&c->g, cnt, w->in, w->out[i], w->arg[i],
                                               w->dout[i], grads + tw->offset, db, w->cols,
                                               w->fuse_block);
            }
          else
            {
              rl_relu_maxpool2_backward_arg (conv->co, cnt, conv->ho, conv->wo, w->out[i],
                                             w->arg[i], w->dout[i], w->dout[i - 2]);
              node_backward (model, conv, i - 2, w, cnt, node_input (w, i - 2), w->dout[i - 3],
                             grads);
            }
          if (model->prof != NULL && t == 0)
            model->prof[2 * (i - 2) + 1] += (g_get_monotonic_time () - t0) / 1e6;
          i -= 2;
          continue;
        }
      if (relu_pool_fused (model, i))
        {
          /* ReLU then pooling, one pass (see relu_pool_fused); the ReLU's time counts here */
          rl_relu_maxpool_backward (node->ci, cnt, node->hi, node->wi, node->spec.kernel,
                                    w->out[i - 2], w->out[i], w->dout[i], w->dout[i - 2]);
          if (model->prof != NULL && t == 0)
            model->prof[2 * i + 1] += (g_get_monotonic_time () - t0) / 1e6;
          i--;
          continue;
        }
      if (dx != NULL && !node_sets_dx (node))
        {
          const RlNode *prev = &model->nodes[i - 1];
          memset (dx, 0, sizeof (float) * prev->co * cnt * prev->ho * prev->wo);
        }
      node_backward (model, node, i, w, cnt, node_input (w, i), dx, grads);
      if (model->prof != NULL && t == 0)
        model->prof[2 * i + 1] += (g_get_monotonic_time () - t0) / 1e6;
    }

  /* Sum the threads' gradients into thread 0's block, always in thread order; each thread
   * sums its own slice of the parameters. */
  rl_pool_barrier (model->pool);
  if (nt > 1)
    {
      const size_t np = model->n_params;
      const size_t a = np * t / nt, b = np * (t + 1) / nt;
      for (size_t j = a; j < b; j++)
        {
          float s = model->grads[j];
          for (int u = 1; u < nt; u++)
            s += model->work[u]->grads[j];
          model->grads[j] = s;
        }
    }
}

float
rl_model_forward_backward (RlModel *model, const float *x, const uint8_t *labels, int n,
                           int *n_correct)
{
  int n_threads = MIN (model->n_threads, n);
  StepJob *job;
  double loss = 0.0;
  int correct = 0;

  g_return_val_if_fail (n > 0, NAN);

  ensure_workspaces (model, n_threads, (n + n_threads - 1) / n_threads);
  job = g_new0 (StepJob, 1);   /* 3 KB; on the heap to keep worker stacks small */
  job->model = model;
  job->x = x;
  job->labels = labels;
  job->n = n;
  rl_pool_run (model->pool, n_threads, train_slice, job);

  for (int t = 0; t < n_threads; t++)
    {
      loss += job->loss[t];
      correct += job->correct[t];
    }
  g_free (job);
  if (n_correct != NULL)
    *n_correct = correct;
  return (float) (loss / n);
}

static void
predict_slice (gpointer data, int t, int nt)
{
  StepJob *job = data;
  RlModel *model = job->model;
  const size_t chw = (size_t) model->in_c * model->in_h * model->in_w;
  const int n = job->n;
  const int lo = (int) ((int64_t) n * t / nt), hi = (int) ((int64_t) n * (t + 1) / nt);
  RlWork *w = model->work[t];

  w->tid = t;
  w->nt = nt;
  for (int start = lo; start < hi; start += w->n_cap)
    {
      int cnt = MIN (w->n_cap, hi - start);
      load_input (model, w, job->x + (size_t) start * chw, cnt);
      rl_model_forward_work (model, w, cnt, FALSE);
      gather_logits (model, w, cnt, job->logits + (size_t) start * model->n_classes);
    }
}

void
rl_model_predict (RlModel *model, const float *x, int n, float *logits)
{
  int n_threads = MIN (model->n_threads, MAX (n, 1));
  StepJob job = { .model = model, .x = x, .n = n, .logits = logits };

  g_return_if_fail (n >= 0);
  if (n == 0)
    return;

  /* Evaluation goes in passes of the workspaces' capacity: it reuses the training step's
   * (doubling them for a larger evaluation pass would double the memory of a training run),
   * or makes its own of at most 64 images a pass. */
  ensure_workspaces (model, n_threads,
                     model->n_work > 0 ? 1 : MIN (64, (n + n_threads - 1) / n_threads));
  rl_pool_run (model->pool, n_threads, predict_slice, &job);
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

void
rl_model_response_std (RlModel *model, const float *x, int n, double *std)
{
  const guint nr = model->resp_names->len;
  g_autofree float *logits = g_new (float, (size_t) MAX (n, 1) * model->n_classes);
  g_autofree double *tot = g_new0 (double, 3 * (nr + 1));

  const int nt = MIN (model->n_threads, MAX (n, 1));

  /* the same workspaces rl_model_predict will ask for, so it does not replace them */
  ensure_workspaces (model, nt, model->n_work > 0 ? 1 : MIN (64, (MAX (n, 1) + nt - 1) / nt));
  for (int t = 0; t < model->n_work; t++)
    {
      model->work[t]->collect = TRUE;
      memset (model->work[t]->resp, 0, sizeof (double) * 3 * nr);
    }
  rl_model_predict (model, x, n, logits);
  for (int t = 0; t < model->n_work; t++)
    {
      model->work[t]->collect = FALSE;
      for (guint k = 0; k < 3 * nr; k++)
        tot[k] += model->work[t]->resp[k];
    }
  for (guint k = 0; k < nr; k++)
    {
      double cnt = MAX (tot[3 * k + 2], 1.0), mean = tot[3 * k] / cnt;
      std[k] = sqrt (MAX (tot[3 * k + 1] / cnt - mean * mean, 0.0));
    }
}

/* ---- Inference with every activation ----------------------------------------------------- */

struct _RlInference {
  RlWork *work;
  GArray *maps;             /* of RlActivation */
  char  **names;            /* owned layer names, one per node */
  int     n_nodes;
};

static void
add_map (RlInference *inf, const RlNode *node, int i, RlMapRole role, const float *data)
{
  RlActivation a = {
    .layer_name = inf->names[i],
    .layer_index = i,
    .kind = node->spec.kind,
    .role = role,
    .c = role == RL_MAP_BLOCK_INPUT ? node->ci : node->co,
    .h = role == RL_MAP_BLOCK_INPUT ? node->hi : node->ho,
    .w = role == RL_MAP_BLOCK_INPUT ? node->wi : node->wo,
    .data = data,
  };
  g_array_append_val (inf->maps, a);
}

RlInference *
rl_inference_new (const RlModel *model)
{
  RlInference *inf = g_new0 (RlInference, 1);
  RlWork *w;

  inf->work = w = rl_work_new (model, 1, FALSE);
  inf->maps = g_array_new (FALSE, TRUE, sizeof (RlActivation));
  inf->n_nodes = model->n_nodes;
  inf->names = g_new0 (char *, model->n_nodes + 1);

  for (int i = 0; i < model->n_nodes; i++)
    {
      const RlNode *node = &model->nodes[i];
      inf->names[i] = node->spec.name[0] != '\0'
                      ? g_strdup (node->spec.name)
                      : g_strdup_printf ("%s%d", rl_layer_kind_name (node->spec.kind), i + 1);
    }

  for (int i = 0; i < model->n_nodes; i++)
    {
      const RlNode *node = &model->nodes[i];
      if (node->spec.kind == RL_LAYER_RESIDUAL)
        {
          add_map (inf, node, i, RL_MAP_BLOCK_INPUT, node_input (w, i));
          add_map (inf, node, i, RL_MAP_BLOCK_HIDDEN, w->hid[i]);
          add_map (inf, node, i, RL_MAP_BLOCK_RESIDUAL, w->res[i]);
          if (w->sc[i] != NULL)
            add_map (inf, node, i, RL_MAP_BLOCK_SHORTCUT, w->sc[i]);
          add_map (inf, node, i, RL_MAP_BLOCK_OUTPUT, w->out[i]);
        }
      else
        add_map (inf, node, i, RL_MAP_LAYER_OUTPUT, w->out[i]);
    }
  return inf;
}

void
rl_inference_free (RlInference *inf)
{
  if (inf == NULL)
    return;
  rl_work_free (inf->work);
  g_strfreev (inf->names);
  g_array_unref (inf->maps);
  g_free (inf);
}

void
rl_inference_run (RlInference *inf, const RlModel *model, const float *image, float *probs)
{
  RlWork *w = inf->work;

  g_return_if_fail (inf->n_nodes == model->n_nodes);

  memcpy (w->in, image, sizeof (float) * model->in_c * model->in_h * model->in_w);
  rl_model_forward_work (model, w, 1, FALSE);
  if (probs != NULL)
    {
      gather_logits (model, w, 1, w->logits);
      rl_softmax (model->n_classes, w->logits, probs);
    }
}

guint
rl_inference_get_n_maps (const RlInference *inf)
{
  return inf->maps->len;
}

const RlActivation *
rl_inference_get_map (const RlInference *inf, guint i)
{
  g_return_val_if_fail (i < inf->maps->len, NULL);
  return &g_array_index (inf->maps, RlActivation, i);
}
