/* rl-sgd.h: stochastic gradient descent with momentum, as torch.optim.SGD (dampening 0,
 * no Nesterov):  g = grad + wd * p;  v = mu * v + g  (v = g on the first step);  p -= lr * v.
 * https://pytorch.org/docs/stable/generated/torch.optim.SGD.html */
#pragma once

#include "rl-model.h"

G_BEGIN_DECLS

typedef struct _RlSgd RlSgd;

/* Whether the three are fit for SGD once stored as floats, as rl_sgd_new stores them: @lr finite
 * and above 0, @momentum in [0, 1), @weight_decay finite and 0 or above. Errors:
 * RL_ERROR_INVALID_ARGUMENT naming the first that is not. */
gboolean rl_sgd_check_params (double   lr,
                              double   momentum,
                              double   weight_decay,
                              GError **error);

/* Returns: (transfer full) */
RlSgd *rl_sgd_new           (const RlModel *model, float lr, float momentum, float weight_decay);
void   rl_sgd_free          (RlSgd *sgd);
void   rl_sgd_step          (RlSgd *sgd, RlModel *model);
void   rl_sgd_set_lr        (RlSgd *sgd, float lr);
void   rl_sgd_set_momentum  (RlSgd *sgd, float momentum);
float  rl_sgd_get_lr        (const RlSgd *sgd);
float  rl_sgd_get_momentum  (const RlSgd *sgd);
/* Forget the momentum buffer (after the weights were replaced). */
void   rl_sgd_reset         (RlSgd *sgd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSgd, rl_sgd_free)

G_END_DECLS
