#define G_LOG_DOMAIN "reslab-engine"

/* rl-error.c: the engine's error domain, RL_ERROR (see rl-error.h for its codes).
 */

#include "rl-error.h"

G_DEFINE_QUARK (rl-error-quark, rl_error)
