#define G_LOG_DOMAIN "reslab-engine"

#include "rl-error.h"

G_DEFINE_QUARK (rl-error-quark, rl_error)
