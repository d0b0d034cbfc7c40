#define G_LOG_DOMAIN "reslab-engine"

/* rl-node.c: running the network node by node: one node's forward and backward, chosen by its
 * kind (the residual block's are in rl-resblock.c, batch norm's in rl-batchnorm.c), and the
 * walks over the workspace's plan (rl-workspace.c), which run fused nodes as one.
 *
 * Legend: N images (n), C channels, H x W spatial size, P classes. Activations are
 * (C, H, W, N); node i's output is work->out[i] (Co, Ho, Wo, N), its gradient work->dout[i].
 */

#include "rl-cpu.h"
#include "rl-model-private.h"

#include <string.h>

void
rl_conv_part_forward (const RlModel *m, const RlConvPart *c, int n, const float *x, float *y,
                      RlWork *w)
{
  rl_conv2d_forward (&c->g, n, x, rl_model_tensor (m, m->params, c->w),
                     rl_model_tensor (m, m->params, c->b), y, w->cols);
}

void
rl_conv_part_backward (const RlModel *m, const RlConvPart *c, int n, const float *x,
                       const float *dy, float *dx, RlGradMode dx_mode, float *grads, RlWork *w)
{
  rl_conv2d_backward (&c->g, n, x, rl_model_tensor (m, m->params, c->w), dy, dx, dx_mode,
                      rl_model_tensor (m, grads, c->w), rl_model_tensor (m, grads, c->b),
                      w->cols, w->dcols);
}

/* The step's input: node @in's output, or the model's input for -1. */
static inline const float *
input_of (const RlWork *w, int in)
{
  return in < 0 ? w->in : w->out[in];
}

/* Where the step reading node @in's output writes its input gradient: that node's dout, or for
 * the model's input (-1) work->din, NULL unless an input gradient was asked for (rl-explain.c). */
static inline float *
input_grad_of (RlWork *w, int in)
{
  return in < 0 ? w->din : w->dout[in];
}

/* ---- One node ----------------------------------------------------------------------------- */

static void
node_forward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n, gboolean train,
              const float *x)
{
  float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;

  switch (node->spec.kind)
    {
    case RL_LAYER_CONV:
      rl_conv_part_forward (m, &node->u.conv, n, x, y, w);
      rl_work_collect_response (w, node->resp, y, len);
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
      rl_bn_part_forward (m, &node->u.bn, w, n, train, x, NULL, FALSE, y);
      rl_work_collect_response (w, node->resp, y, len);
      break;

    case RL_LAYER_LINEAR:
      /* (C, H, W, N) is already (D, N) with PyTorch's flattening order */
      rl_dense_forward (n, node->u.linear.d, node->co, x,
                        rl_model_tensor (m, m->params, node->u.linear.w),
                        rl_model_tensor (m, m->params, node->u.linear.b), y);
      break;

    case RL_LAYER_RESIDUAL:
      rl_resblock_forward (m, node, i, w, n, train, x);
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
  return node->spec.kind == RL_LAYER_CONV || node->spec.kind == RL_LAYER_RESIDUAL
         || node->spec.kind == RL_LAYER_BN;
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
      rl_conv_part_backward (m, &node->u.conv, n, x, dy, dx, RL_GRAD_SET, grads, w);
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
      rl_bn_part_backward (m, &node->u.bn, w, n, dy, NULL, NULL, x, dx, FALSE, grads);
      break;

    case RL_LAYER_LINEAR:
      rl_dense_backward (n, node->u.linear.d, node->co, x,
                         rl_model_tensor (m, m->params, node->u.linear.w), dy, dx,
                         rl_model_tensor (m, grads, node->u.linear.w),
                         rl_model_tensor (m, grads, node->u.linear.b));
      break;

    case RL_LAYER_RESIDUAL:
      rl_resblock_backward (m, node, i, w, n, x, dx, grads);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---- The walks over the plan -------------------------------------------------------------- */

/* Step i of the plan, forward: node i alone, or the nodes fused into it. */
static void
step_forward (const RlModel *model, const RlNode *node, const RlNodePlan *p, int i, RlWork *w,
              int n, gboolean train, const float *x)
{
  switch (p->kind)
    {
    case RL_STEP_CONV_POOL:
      {
        const RlConvPart *c = &node->u.conv;

        rl_conv2d_relu_maxpool_forward (&c->g, n, x, rl_model_tensor (model, model->params, c->w),
                                        rl_model_tensor (model, model->params, c->b),
                                        w->out[p->out], w->arg[p->out], w->cols, w->fuse_block);
      }
      break;

    case RL_STEP_RELU_POOL:
      {
        /* pool the ReLU's input, then clamp the maxima: the same bits as relu, then pool */
        float *y = w->out[i];

        rl_maxpool_forward (node->ci, n, node->hi, node->wi, node->spec.kernel, x, y);
        rl_relu_forward (y, y, (size_t) node->co * n * node->ho * node->wo);
      }
      break;

    case RL_STEP_BN_RELU:
      rl_bn_part_forward (model, &node->u.bn, w, n, train, x, NULL, TRUE, w->out[p->out]);
      break;

    case RL_STEP_ALONE:
    case RL_STEP_INSIDE:
    default:
      node_forward (model, node, i, w, n, train, x);
      break;
    }
}

/* Step i of the plan, backward, from w->dout[p->out]. */
static void
step_backward (const RlModel *model, const RlNode *node, const RlNodePlan *p, int i, RlWork *w,
               int n, const float *x, float *grads)
{
  switch (p->kind)
    {
    case RL_STEP_CONV_POOL:
      {
        const RlConvPart *c = &node->u.conv;
        const int o = p->out;

        if (p->in < 0 && w->din == NULL)
          /* no input gradient: the conv's output gradient is rebuilt block by block as the
           * weight gradient reads it */
          rl_conv2d_relu_maxpool_backward (&c->g, n, x, w->out[o], w->arg[o], w->dout[o],
                                           rl_model_tensor (model, grads, c->w),
                                           rl_model_tensor (model, grads, c->b), w->cols,
                                           w->fuse_block);
        else
          {
            rl_relu_maxpool2_backward_arg (node->co, n, node->ho, node->wo, w->out[o],
                                           w->arg[o], w->dout[o], w->dout[i]);
            node_backward (model, node, i, w, n, x, input_grad_of (w, p->in), grads);
          }
      }
      break;

    case RL_STEP_RELU_POOL:
      /* writes the gradient of the ReLU's input; the ReLU's own is never formed */
      rl_relu_maxpool_backward (node->ci, n, node->hi, node->wi, node->spec.kernel, x,
                                w->out[i], w->dout[i], w->dout[p->in]);
      break;

    case RL_STEP_BN_RELU:
      /* the ReLU's output gradient, masked by its output as it is read: dx written */
      rl_bn_part_backward (model, &node->u.bn, w, n, w->dout[p->out], w->out[p->out], NULL, x,
                           input_grad_of (w, p->in), FALSE, grads);
      break;

    case RL_STEP_ALONE:
    case RL_STEP_INSIDE:
    default:
      {
        float *dx = input_grad_of (w, p->in);

        if (dx != NULL && !node_sets_dx (node))
          {
            size_t len = p->in >= 0 ? (size_t) model->nodes[p->in].co * model->nodes[p->in].ho
                                        * model->nodes[p->in].wo
                                    : (size_t) model->in_c * model->in_h * model->in_w;
            memset (dx, 0, sizeof (float) * len * n);
          }
        node_backward (model, node, i, w, n, x, dx, grads);
      }
      break;
    }
}

/* The plan's steps in order (forward) or in reverse (backward, into @grads), skipping the nodes
 * that run inside another; thread 0 of a training step adds each step's CPU time to the
 * profile. */
static void
walk (const RlModel *model, RlWork *w, int n, gboolean train, gboolean backward, float *grads)
{
  const gboolean timed = model->prof != NULL && w->tid == 0 && train;
  const int nn = model->n_nodes;

  for (int k = 0; k < nn; k++)
    {
      const int i = backward ? nn - 1 - k : k;
      const RlNodePlan *p = &w->plan[i];
      double t0;

      if (p->kind == RL_STEP_INSIDE)
        continue;
      t0 = timed ? rl_cpu_thread_seconds () : 0;
      if (backward)
        step_backward (model, &model->nodes[i], p, i, w, n, input_of (w, p->in), grads);
      else
        step_forward (model, &model->nodes[i], p, i, w, n, train, input_of (w, p->in));
      if (timed)
        model->prof[2 * i + (backward ? 1 : 0)] += rl_cpu_thread_seconds () - t0;
    }
}

void
rl_model_forward_work (const RlModel *model, RlWork *w, int n, gboolean train)
{
  rl_work_plan (model, w, n, train);
  w->bn_exchanges = 0;
  walk (model, w, n, train, FALSE, NULL);
}

void
rl_model_backward_work (const RlModel *model, RlWork *w, int n, float *grads)
{
  walk (model, w, n, TRUE, TRUE, grads);
}
