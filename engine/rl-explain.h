/* rl-explain.h: why a model read an image the way it did. Attributions of one class's score
 * to the input pixels.
 *
 * Legend: N images, C channels, H x W spatial size, P classes. Images are (C, H, W) or
 * (N, C, H, W), normalised as the model takes them.
 *
 * The score of class k is its logit z_k (before the softmax), in evaluation mode (batch norm
 * with its running statistics). Logits, not log-probabilities: the attribution to class k then
 * says what speaks for k itself, not what speaks against the other classes.
 *
 * The blank image, the baseline of every method, is all background: no ink, i.e. each pixel at
 * the normalised value of 0 ink, (0 - mean) / std (-0.4242 for MNIST), not 0 in normalised
 * space (which would be a faint grey). rl_explain_blank_value gives it.
 *
 * Methods, each an attribution a: (C, H, W) with a > 0 for pixels that push towards class k:
 *  - RL_EXPLAIN_GRADIENT: gradient x input, a = dz_k/dx * (x - blank). The input is measured
 *    from the blank image, so background pixels get 0 and the map is integrated gradients with
 *    one step. One forward and one backward.
 *  - RL_EXPLAIN_INTEGRATED: integrated gradients (Sundararajan et al. 2017) on the straight
 *    path from the blank image b to x: a = (x - b) * mean over s of dz_k/dx at b + t_s (x - b),
 *    t_s = (s + 1/2) / steps (the midpoint rule). Completeness: sum(a) = z_k(x) - z_k(b), up to
 *    the quadrature error, which falls with steps. The steps run as batches of images.
 *  - RL_EXPLAIN_OCCLUSION: a 4 x 4 patch of blank slid over the image with stride 1; each
 *    pixel gets the mean drop in class k's probability (softmax) over the patches that cover
 *    it. Model-agnostic: forward passes only.
 */
#pragma once

#include <glib.h>

#include "rl-model.h"

G_BEGIN_DECLS

typedef enum {
  RL_EXPLAIN_GRADIENT,
  RL_EXPLAIN_INTEGRATED,
  RL_EXPLAIN_OCCLUSION,
} RlExplainMethod;

#define RL_EXPLAIN_IG_STEPS_DEFAULT 32
#define RL_EXPLAIN_OCCLUSION_PATCH  4

/* "grad", "ig", "occlusion" */
const char *rl_explain_method_name      (RlExplainMethod method);
gboolean    rl_explain_method_from_name (const char *name, RlExplainMethod *method);

/* The normalised value of a pixel with no ink, for a model trained on MNIST normalised with
 * @mean and @std: (0 - mean) / std. */
float       rl_explain_blank_value      (float mean, float std);

typedef struct _RlExplainer RlExplainer;

/* Workspace to explain images for models of @model's arch, in batches of up to @max_batch
 * images (0: 32), fewer where a batch would take more than 256 MB. Single-threaded.
 * Returns: (transfer full) */
RlExplainer *rl_explainer_new  (const RlModel *model, int max_batch);
void         rl_explainer_free (RlExplainer *ex);

/* The input gradient of class @k's logit for @n images, in batches of the workspace's size.
 * x: (N, C, H, W); grad: (N, C, H, W) dz_k/dx; logits: (N, P), nullable. */
void         rl_explainer_input_grad (RlExplainer *ex, const RlModel *model, const float *x,
                                      int n, int k, float *grad, float *logits);

/* One image's attribution to class @k (0 <= k < P) by @method; @steps: integrated gradients'
 * steps (<= 0: RL_EXPLAIN_IG_STEPS_DEFAULT), ignored by the others.
 * x: (C, H, W); attr: (C, H, W); logits: (P) of x, nullable.
 * @blank_score (nullable): z_k of the blank image, for integrated gradients' completeness.
 * Returns: TRUE when every attribution is a finite number. FALSE when what the method weighs
 * is not a number (NaN or infinite weights in the way of z_k's gradient; for occlusion, a NaN
 * p_k, as any NaN or infinite logit makes it): @attr then explains nothing and is not to be
 * shown as colours. */
gboolean     rl_explainer_run (RlExplainer *ex, const RlModel *model, RlExplainMethod method,
                               const float *x, float blank, int k, int steps, float *attr,
                               float *logits, float *blank_score);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlExplainer, rl_explainer_free)

G_END_DECLS
