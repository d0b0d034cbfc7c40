#define G_LOG_DOMAIN "reslab-engine"

/* rl-workspace.c: a model's per-thread buffers (RlWork), sized once per batch shape, and the
 * plan of a step: which nodes run alone and which run fused into a neighbour, decided here and
 * nowhere else (rl_plan_fill).
 *
 * Legend: N images (n_cap: the most a workspace takes), C channels, H x W spatial size,
 * P classes. Activations are (C, H, W, N).
 */

#include "rl-model-private.h"
#include "rl-batchnorm.h"

#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Whether nodes i, i + 1, i + 2 are conv -> relu -> maxpool(2), the seed's stem, which
 * training runs as one layer when the batch allows (rl_plan_fill). */
static gboolean
conv_pool_pattern (const RlModel *m, int i)
{
  return i >= 0 && i + 2 < m->n_nodes && m->nodes[i].spec.kind == RL_LAYER_CONV
         && m->nodes[i + 1].spec.kind == RL_LAYER_RELU
         && m->nodes[i + 2].spec.kind == RL_LAYER_MAXPOOL && m->nodes[i + 2].spec.kernel == 2;
}

/* Whether node i is a @first followed by a @second, a pair the plan runs as one step
 * (bn -> relu, relu -> maxpool). Not from node 0: the fused ReLU + pooling backward writes the
 * gradient of the layer before it, which a first layer does not have (bn -> relu is fused
 * from node 1 on as well). */
static gboolean
pair_pattern (const RlModel *m, int i, RlLayerKind first, RlLayerKind second)
{
  return i >= 1 && i + 1 < m->n_nodes && m->nodes[i].spec.kind == first
         && m->nodes[i + 1].spec.kind == second;
}

/* Every float buffer of a workspace, counted in w->bytes (rl_model_train_memory). */
static float *
walloc (RlWork *w, size_t n)
{
  w->bytes += MAX (n, 1) * sizeof (float);
  return w->count_only ? NULL : g_aligned_alloc0 (MAX (n, 1), sizeof (float), 64);
}

/* With @count_only, nothing is allocated: w->bytes says what would be. */
static RlWork *
work_new (const RlModel *m, int n_cap, RlWorkFlags flags, gboolean count_only)
{
  RlWork *w = g_new0 (RlWork, 1);
  size_t cols = 0;
  const int nn = m->n_nodes;

  w->count_only = count_only;
  w->n_cap = n_cap;
  w->maps = (flags & RL_WORK_MAPS) != 0;
  w->n_nodes = nn;
  w->in = walloc (w, (size_t) m->in_c * n_cap * m->in_h * m->in_w);
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
  gboolean any_bn_block = FALSE;

  for (int i = 0; i < nn; i++)
    {
      const RlNode *node = &m->nodes[i];
      size_t len = (size_t) node->co * n_cap * node->ho * node->wo;

      dmax = MAX (dmax, len);
      if (node->spec.kind == RL_LAYER_RESIDUAL)
        {
          hmax = MAX (hmax, len);
          any_bn_block |= node->spec.bn;
        }
    }
  for (int k = 0; k < 3; k++)
    w->dbuf[k] = walloc (w, dmax);
  w->dhid_buf = hmax > 0 ? walloc (w, hmax) : NULL;
  /* F(x) is read only by the viewers and the response statistics, right after it is written */
  w->res_buf = hmax > 0 && !w->maps ? walloc (w, hmax) : NULL;
  /* With batch norm, a block's hidden map relu(bn1(conv1(x))) is remade in the backward from
   * conv1's output, which bn1's backward keeps anyway: one buffer for every block instead of
   * one each (50 MB of resnet-56's 244 at batch 64), for one more pass over it. */
  w->hid_buf = any_bn_block && !w->maps ? walloc (w, hmax) : NULL;

  for (int i = 0; i < nn; i++)
    {
      const RlNode *node = &m->nodes[i];
      size_t len = (size_t) node->co * n_cap * node->ho * node->wo;

      w->out[i] = walloc (w, len);
      w->dout[i] = w->dbuf[i % 3];
      switch (node->spec.kind)
        {
        case RL_LAYER_CONV:
          cols = MAX (cols, rl_conv_workspace_size (&node->u.conv.g, n_cap));
          break;
        case RL_LAYER_RESIDUAL:
          w->hid[i] = node->spec.bn && !w->maps ? w->hid_buf : walloc (w, len);
          w->res[i] = w->maps ? walloc (w, len) : w->res_buf;
          w->dhid[i] = w->dhid_buf;
          if (node->spec.shortcut == RL_SHORTCUT_A || node->spec.shortcut == RL_SHORTCUT_B)
            w->sc[i] = walloc (w, len);
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
  /* conv -> relu -> maxpool(2) triples that may run as one layer (RL_STEP_CONV_POOL) */
  w->arg = g_new0 (float *, nn);
  size_t fmax = 0;
  for (int i = 0; i + 2 < nn; i++)
    if (conv_pool_pattern (m, i))
      {
        const RlNode *pool = &m->nodes[i + 2];
        w->arg[i + 2] = walloc (w, (size_t) pool->co * n_cap * pool->ho * pool->wo);
        fmax = MAX (fmax, rl_conv_relu_maxpool_block_size (&m->nodes[i].u.conv.g, n_cap));
      }
  w->fuse_block = fmax > 0 ? walloc (w, fmax) : NULL;
  w->cols = walloc (w, cols);
  w->dcols = walloc (w, cols);
  w->logits = walloc (w, (size_t) n_cap * m->n_classes);
  w->dlogits = walloc (w, (size_t) n_cap * m->n_classes);
  if (flags & RL_WORK_GRADS)
    w->grads = walloc (w, m->n_params);

  w->plan = g_new0 (RlNodePlan, nn);
  w->plan_n = -1;
  w->resp = g_new0 (double, 3 * (m->resp_names->len + 1));
  w->n_bn = m->n_bn;
  w->bn_pre = g_new0 (float *, m->n_bn + 1);
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
                w->bn_pre[b->site] = walloc (w, len);
                bnmax = MAX (bnmax, len);
              }
            w->bn_mean[b->site] = walloc (w, b->c);
            w->bn_invstd[b->site] = walloc (w, b->c);
          }
    }
  if (bnmax > 0)
    {
      w->bn_dpre_buf = walloc (w, bnmax);
      for (int k = 0; k < m->n_bn; k++)
        if (w->bn_pre[k] != NULL)
          w->bn_dpre[k] = w->bn_dpre_buf;
    }
  return w;
}

RlWork *
rl_work_new (const RlModel *m, int n_cap, RlWorkFlags flags)
{
  return work_new (m, n_cap, flags, FALSE);
}

int
rl_model_pass_images (const RlModel *model, int want, RlWorkFlags flags)
{
  RlWork *one, *two;
  size_t per_image, fixed;

  g_return_val_if_fail (model != NULL, 1);

  if (want <= 1)
    return 1;
  /* a workspace's size is a fixed part (weight gradients) plus a part per image */
  one = work_new (model, 1, flags, TRUE);
  two = work_new (model, 2, flags, TRUE);
  per_image = two->bytes - one->bytes;
  fixed = one->bytes - per_image;
  rl_work_free (one);
  rl_work_free (two);
  if (per_image == 0 || fixed + (size_t) want * per_image <= RL_PASS_BYTES)
    return want;
  if (fixed + per_image >= RL_PASS_BYTES)
    return 1;
  return (int) ((RL_PASS_BYTES - fixed) / per_image);
}

size_t
rl_model_train_memory (const RlModel *model, int batch, int n_threads)
{
  size_t total = 0;
  int n_cap;

  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (batch >= 1, 0);

  /* as rl_model_forward_backward sizes them (rl-train-step.c): each thread's workspace holds
   * its slice of the batch, rounded up; threads after the first have their own gradients */
  n_threads = MAX (1, MIN (n_threads, batch));
  n_cap = (batch + n_threads - 1) / n_threads;
  for (int t = 0; t < n_threads; t++)
    {
      RlWork *w = work_new (model, n_cap, t > 0 ? RL_WORK_GRADS : 0, TRUE);

      total += w->bytes;
      rl_work_free (w);
    }
  return total;
}

size_t
rl_model_get_workspace_bytes (const RlModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  size_t total = 0;

  for (int t = 0; t < model->n_work; t++)
    total += model->work[t]->bytes;
  return total;
}

void
rl_work_free (RlWork *w)
{
  if (w == NULL)
    return;
  for (int i = 0; i < w->n_nodes; i++)
    {
      g_aligned_free (w->out[i]);
      if (w->hid[i] != w->hid_buf)
        g_aligned_free (w->hid[i]);
      if (w->maps)
        g_aligned_free (w->res[i]);
      g_aligned_free (w->sc[i]);
      g_aligned_free (w->arg[i]);
    }
  g_free (w->arg);
  g_free (w->plan);
  g_aligned_free (w->fuse_block);
  for (int k = 0; k < 3; k++)
    g_aligned_free (w->dbuf[k]);
  g_aligned_free (w->dhid_buf);
  g_aligned_free (w->res_buf);
  g_aligned_free (w->hid_buf);
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
      g_aligned_free (w->bn_mean[k]);
      g_aligned_free (w->bn_invstd[k]);
    }
  g_free (w->bn_pre); g_free (w->bn_dpre); g_free (w->bn_mean);
  g_free (w->bn_invstd);
  g_free (w->resp);
  g_free (w);
}

void
rl_model_free_workspaces (RlModel *m)
{
  for (int t = 0; t < m->n_work; t++)
    rl_work_free (m->work[t]);
  g_clear_pointer (&m->work, g_free);
  g_clear_pointer (&m->bn_shared, g_free);
  g_clear_pointer (&m->team, rl_team_free);
  m->n_work = 0;
}

void
rl_model_release_workspaces (RlModel *m)
{
  g_return_if_fail (m != NULL);
  rl_model_free_workspaces (m);
}

void
rl_workspace_keep_freed_memory (void)
{
#ifdef __GLIBC__
  /* glibc serves a block over M_MMAP_THRESHOLD (128 KB at first, raised as such blocks are
   * freed) with its own mmap and gives it back to the kernel when it is freed, and trims the
   * heap's top above M_TRIM_THRESHOLD: a workspace made again then faults every page in and
   * the kernel zeroes it. Blocks up to 32 MB (glibc's largest threshold) now come from the heap
   * and stay there when freed, for the next workspace to take. */
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}

void
rl_workspace_return_freed_memory (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

void
rl_model_ensure_workspaces (RlModel *m, int n_threads, int n_cap)
{
  if (m->n_work >= n_threads && m->work[0]->n_cap >= n_cap)
    return;
  n_cap = MAX (n_cap, m->n_work > 0 ? m->work[0]->n_cap : 0);
  n_threads = MAX (n_threads, m->n_work);
  rl_model_free_workspaces (m);
  m->work = g_new0 (RlWork *, n_threads);
  for (int t = 0; t < n_threads; t++)
    m->work[t] = rl_work_new (m, n_cap, t > 0 ? RL_WORK_GRADS : 0);
  m->n_work = n_threads;
  m->bn_shared = g_new0 (double, 2 * (size_t) n_threads * 2 * MAX (m->max_bn_c, 1));
  m->team = rl_team_new (n_threads);
}

RlWork *
rl_model_slice (const RlModel *m, int t, int nt, int n, int *lo, int *hi)
{
  RlWork *w = m->work[t];

  *lo = (int) ((int64_t) n * t / nt);
  *hi = (int) ((int64_t) n * (t + 1) / nt);
  w->tid = t;
  w->nt = nt;
  return w;
}

/* ---- The plan ----------------------------------------------------------------------------- */

void
rl_plan_fill (const RlModel *m, int n, gboolean fused, RlNodePlan *plan)
{
  const RlNode *nodes = m->nodes;

  for (int i = 0; i < m->n_nodes; i++)
    plan[i] = (RlNodePlan) { .kind = RL_STEP_ALONE, .owner = i, .in = i - 1, .out = i };
  if (!fused)
    return;

  for (int i = 0; i < m->n_nodes; i++)
    if (conv_pool_pattern (m, i) && rl_conv_relu_maxpool_fusable (&nodes[i].u.conv.g, n))
      {
        plan[i].kind = RL_STEP_CONV_POOL;
        plan[i].out = i + 2;
        plan[i + 1].kind = plan[i + 2].kind = RL_STEP_INSIDE;
        plan[i + 1].owner = plan[i + 2].owner = i;
        i += 2;
      }
    else if (pair_pattern (m, i, RL_LAYER_BN, RL_LAYER_RELU))
      {
        plan[i].kind = RL_STEP_BN_RELU;
        plan[i].out = i + 1;
        plan[i + 1].kind = RL_STEP_INSIDE;
        plan[i + 1].owner = i;
        i += 1;
      }
    else if (pair_pattern (m, i, RL_LAYER_RELU, RL_LAYER_MAXPOOL))
      {
        plan[i].kind = RL_STEP_INSIDE;
        plan[i].owner = i + 1;
        plan[i + 1].kind = RL_STEP_RELU_POOL;
        plan[i + 1].in = i - 1;
        i += 1;
      }
}

void
rl_work_plan (const RlModel *m, RlWork *w, int n, gboolean train)
{
  const gboolean fused = train && !w->collect;

  if (w->plan_n == n && w->plan_fused == fused)
    return;
  rl_plan_fill (m, n, fused, w->plan);
  w->plan_n = n;
  w->plan_fused = fused;
}

/* ---- In and out --------------------------------------------------------------------------- */

void
rl_work_load_input (const RlModel *m, RlWork *w, const float *x, int n)
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

void
rl_work_gather_logits (const RlModel *m, const RlWork *w, int n, float *logits)
{
  const float *y = w->out[m->n_nodes - 1];
  for (int img = 0; img < n; img++)
    for (int j = 0; j < m->n_classes; j++)
      logits[(size_t) img * m->n_classes + j] = y[(size_t) j * n + img];
}

void
rl_work_collect_response (RlWork *w, int slot, const float *y, size_t len)
{
  double sums[2];

  if (!w->collect || slot < 0)
    return;
  g_return_if_fail (len <= G_MAXINT);
  /* batch norm's sums, in 16 double lanes: one chain of dependent adds was 2 % of the
   * degradation experiment's time */
  rl_bn_partial_stats (1, 1, (int) len, y, sums);
  w->resp[3 * slot] += sums[0];
  w->resp[3 * slot + 1] += sums[1];
  w->resp[3 * slot + 2] += (double) len;
}
