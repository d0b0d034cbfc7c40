#define G_LOG_DOMAIN "reslab-engine"

/* placeholder: being written */
#include "rl-sgd.h"
