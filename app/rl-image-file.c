#define G_LOG_DOMAIN "reslab-cli"
/* placeholder */
#include <glib.h>
