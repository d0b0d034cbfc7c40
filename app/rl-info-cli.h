/* rl-info-cli.h: `reslab-cli info`: a model file's metadata and tensors, or its net's
 * description (--arch). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "info". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int rl_info_cli_main (int argc, char **argv);

G_END_DECLS
