#define G_LOG_DOMAIN "reslab-engine"

/* rl-resblock.c: the residual block (He et al. 2015, Fig. 2), forward and backward:
 *   y = relu(F(x) + shortcut(x)),  F(x) = bn2(conv2(relu(bn1(conv1(x))))),
 * the batch norms when the block has them, and the shortcut: the identity, option A (x
 * subsampled by the stride, zero channels padded on both sides), option B (a 1x1 conv, + bn),
 * or none (a plain block, for the paper's comparison).
 *
 * Legend: N images (n), C channels (Ci in, Co out), H x W spatial size (Hi x Wi in, Ho x Wo
 * out). Activations are (C, H, W, N).
 */

#include "rl-model-private.h"

#include <string.h>

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

/* x -> w->out[i]. In training and plain evaluation, each batch norm runs with what follows it
 * in one pass: bn1 with the ReLU, bn2 with the shortcut's sum and the ReLU (rl-batchnorm.h),
 * so F(x) is never written. For the response statistics and the viewers (RL_WORK_MAPS), every
 * map is written on its own: hid, F(x) in res, the shortcut in sc. */
void
rl_resblock_forward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n,
                     gboolean train, const float *x)
{
  float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;
  float *hid = w->hid[i], *res = w->res[i];
  const float *sc = x;
  const gboolean bn = node->spec.bn, maps = w->collect || w->maps;
  const RlBnPart *bn1 = &node->u.res.bn1, *bn2 = &node->u.res.bn2;

  /* the shortcut first: bn2 adds it as it normalises */
  switch (node->spec.shortcut)
    {
    case RL_SHORTCUT_A:
      shortcut_a (node, n, x, w->sc[i], FALSE, NULL, NULL);
      sc = w->sc[i];
      break;
    case RL_SHORTCUT_B:
      if (bn)
        {
          rl_conv_part_forward (m, &node->u.res.proj, n, x, w->bn_pre[node->u.res.bnp.site], w);
          rl_bn_part_forward (m, &node->u.res.bnp, w, n, train,
                              w->bn_pre[node->u.res.bnp.site], NULL, FALSE, w->sc[i]);
        }
      else
        rl_conv_part_forward (m, &node->u.res.proj, n, x, w->sc[i], w);
      sc = w->sc[i];
      break;
    case RL_SHORTCUT_NONE:
      sc = NULL;
      break;
    case RL_SHORTCUT_IDENTITY:
    default:
      break;
    }

  /* hid = relu(bn1(conv1(x))) */
  if (bn)
    {
      rl_conv_part_forward (m, &node->u.res.c1, n, x, w->bn_pre[bn1->site], w);
      rl_bn_part_forward (m, bn1, w, n, train, w->bn_pre[bn1->site], NULL, !maps, hid);
    }
  else
    rl_conv_part_forward (m, &node->u.res.c1, n, x, hid, w);
  if (!bn || maps)
    {
      rl_work_collect_response (w, node->resp, hid, len);
      rl_relu_forward (hid, hid, len);
    }

  /* y = relu(F(x) + shortcut(x)), F(x) = bn2(conv2(hid)) */
  if (bn)
    {
      float *pre = w->bn_pre[bn2->site];

      rl_conv_part_forward (m, &node->u.res.c2, n, hid, pre, w);
      if (!maps)
        {
          rl_bn_part_forward (m, bn2, w, n, train, pre, sc, TRUE, y);
          return;
        }
      rl_bn_part_forward (m, bn2, w, n, train, pre, NULL, FALSE, res);
    }
  else
    rl_conv_part_forward (m, &node->u.res.c2, n, hid, res, w);
  rl_work_collect_response (w, node->resp2, res, len);
  if (sc != NULL)
    rl_add_relu (res, sc, y, len);
  else
    rl_relu_forward (res, y, len);
}

/* dy = w->dout[i] (consumed: overwritten with dz, the gradient after the ReLU, when the
 * shortcut needs it); dx (nullable: a first layer) written. */
void
rl_resblock_backward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n,
                      const float *x, float *dx, float *grads)
{
  float *dy = w->dout[i];
  const float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;
  float *dz = dy, *dhid = w->dhid[i];
  const float *hid = w->hid[i];
  const RlBnPart *bn1 = &node->u.res.bn1, *bn2 = &node->u.res.bn2;

  if (node->spec.bn)
    {
      /* bn2's backward reads dy through the ReLU's mask (y > 0), writing dz back for the
       * shortcut; bn1's reads dhid through the mask of the ReLU after it (hid > 0) */
      float *dpre = w->bn_dpre[bn2->site];

      /* the hidden map, when it was not kept (rl_work_new): conv2's weight gradient reads it */
      if (hid == w->hid_buf)
        rl_bn_part_reapply (m, bn1, w, n, w->bn_pre[bn1->site], TRUE, w->hid_buf);
      rl_bn_part_backward (m, bn2, w, n, dy, y,
                           node->spec.shortcut != RL_SHORTCUT_NONE ? dz : NULL,
                           w->bn_pre[bn2->site], dpre, FALSE, grads);
      rl_conv_part_backward (m, &node->u.res.c2, n, hid, dpre, dhid, RL_GRAD_SET, grads, w);
      dpre = w->bn_dpre[bn1->site];
      rl_bn_part_backward (m, bn1, w, n, dhid, hid, NULL, w->bn_pre[bn1->site], dpre, FALSE,
                           grads);
      rl_conv_part_backward (m, &node->u.res.c1, n, x, dpre, dx, RL_GRAD_SET, grads, w);
    }
  else
    {
      /* dz = dy * (y > 0): through the ReLU after the addition */
      rl_mask_positive (dz, y, len);
      /* F's branch first, because its first convolution writes dx; the shortcut then adds */
      rl_conv_part_backward (m, &node->u.res.c2, n, hid, dz, dhid, RL_GRAD_SET, grads, w);
      /* through relu: hid > 0 exactly where its input was > 0 */
      rl_mask_positive (dhid, hid, len);
      rl_conv_part_backward (m, &node->u.res.c1, n, x, dhid, dx, RL_GRAD_SET, grads, w);
    }

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
      if (node->spec.bn)
        {
          const RlBnPart *bnp = &node->u.res.bnp;
          float *dpre = w->bn_dpre[bnp->site];

          rl_bn_part_backward (m, bnp, w, n, dz, NULL, NULL, w->bn_pre[bnp->site], dpre, FALSE,
                               grads);
          rl_conv_part_backward (m, &node->u.res.proj, n, x, dpre, dx, RL_GRAD_ADD, grads, w);
        }
      else
        rl_conv_part_backward (m, &node->u.res.proj, n, x, dz, dx, RL_GRAD_ADD, grads, w);
      break;
    case RL_SHORTCUT_NONE:
    default:
      break;
    }
}
