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

/* A convolution, then batch norm when the block has it: x -> y. */
static void
conv_bn_forward (const RlModel *m, const RlConvPart *c, const RlBnPart *bn, RlWork *w, int n,
                 gboolean train, const float *x, float *y, int resp)
{
  if (bn == NULL)
    rl_conv_part_forward (m, c, n, x, y, w);
  else
    {
      rl_conv_part_forward (m, c, n, x, w->bn_pre[bn->site], w);
      rl_bn_part_forward (m, bn, w, n, train, w->bn_pre[bn->site], y);
    }
  rl_work_collect_response (w, resp, y, (size_t) c->g.co * n * c->g.ho * c->g.wo);
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
      rl_bn_part_backward (m, bn, w, n, dy, dpre, grads);
      dy = dpre;
    }
  rl_conv_part_backward (m, c, n, x, dy, dx, dx_mode, grads, w);
}

/* x -> w->out[i], keeping hid, res and sc for the backward and the viewers. */
void
rl_resblock_forward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n,
                     gboolean train, const float *x)
{
  float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;
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

/* dy = w->dout[i] (consumed: overwritten with dz); dx (nullable: a first layer) written. */
void
rl_resblock_backward (const RlModel *m, const RlNode *node, int i, RlWork *w, int n,
                      const float *x, float *dx, float *grads)
{
  float *dy = w->dout[i];
  const float *y = w->out[i];
  const size_t len = (size_t) node->co * n * node->ho * node->wo;
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
