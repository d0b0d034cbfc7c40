#define G_LOG_DOMAIN "reslab-engine"

/* rl-sgd.c: SGD with momentum and weight decay, as torch.optim.SGD (see rl-sgd.h): the
 * learning rate is applied here, in rl_sgd_step.
 */

#include "config.h"

#include "rl-sgd.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"

struct _RlSgd {
  float   lr;
  float   momentum;
  float   weight_decay;
  size_t  n;
  float  *velocity;         /* (n_params), the momentum buffer */
  gboolean started;         /* PyTorch starts the buffer at the first gradient */
};

gboolean
rl_sgd_check_params (double lr, double momentum, double weight_decay, GError **error)
{
  const float flr = (float) lr, fmomentum = (float) momentum, fwd = (float) weight_decay;

  if (!(isfinite (flr) && flr > 0.0f))
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                 _("The learning rate must be a finite number above 0, not %g"), lr);
  else if (!(isfinite (fmomentum) && fmomentum >= 0.0f && fmomentum < 1.0f))
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                 _("Momentum must be at least 0 and less than 1, not %g"), momentum);
  else if (!(isfinite (fwd) && fwd >= 0.0f))
    g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                 _("Weight decay must be a finite number, 0 or above, not %g"), weight_decay);
  else
    return TRUE;
  return FALSE;
}

RlSgd *
rl_sgd_new (const RlModel *model, float lr, float momentum, float weight_decay)
{
  RlSgd *sgd = g_new0 (RlSgd, 1);

  sgd->lr = lr;
  sgd->momentum = momentum;
  sgd->weight_decay = weight_decay;
  sgd->n = rl_model_get_n_params (model);
  sgd->velocity = g_new0 (float, MAX (sgd->n, 1));
  return sgd;
}

void
rl_sgd_free (RlSgd *sgd)
{
  if (sgd == NULL)
    return;
  g_free (sgd->velocity);
  g_free (sgd);
}

void
rl_sgd_step (RlSgd *sgd, RlModel *model)
{
  /* restrict: the three arrays never overlap, so the loop vectorises */
  float *restrict p = rl_model_get_params (model);
  const float *restrict g = rl_model_get_grads (model);
  const float lr = sgd->lr, mu = sgd->momentum, wd = sgd->weight_decay;
  float *restrict v = sgd->velocity;
  const gboolean started = sgd->started;

  g_return_if_fail (rl_model_get_n_params (model) == sgd->n);

  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);
      if (!rl_param_info_is_trainable (info))
        continue;   /* batch norm's running statistics */
      for (size_t i = info->offset; i < info->offset + info->numel; i++)
    {
      float d = g[i];
      if (wd != 0.0f)
        d += wd * p[i];
      if (mu != 0.0f)
        {
          /* torch.optim.SGD: buf = g on the first step, then buf = mu * buf + g */
          v[i] = started ? mu * v[i] + d : d;
          d = v[i];
        }
      p[i] -= lr * d;
    }
    }
  sgd->started = TRUE;
}

void
rl_sgd_set_lr (RlSgd *sgd, float lr)
{
  sgd->lr = lr;
}

void
rl_sgd_set_momentum (RlSgd *sgd, float momentum)
{
  sgd->momentum = momentum;
}

float
rl_sgd_get_lr (const RlSgd *sgd)
{
  return sgd->lr;
}

float
rl_sgd_get_momentum (const RlSgd *sgd)
{
  return sgd->momentum;
}

void
rl_sgd_reset (RlSgd *sgd)
{
  memset (sgd->velocity, 0, sizeof (float) * MAX (sgd->n, 1));
  sgd->started = FALSE;
}
