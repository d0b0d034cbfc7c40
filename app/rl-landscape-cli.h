/* rl-landscape-cli.h: the `reslab-cli landscape` subcommand. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "landscape", then its options. Returns the exit status: 0 success, 1 run-time
 * failure, 2 usage error. */
int   rl_landscape_cli_main         (int argc, char **argv);

G_END_DECLS
