/* rl-experiment-cli.h: the `reslab-cli experiment` subcommand. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "experiment", argv[1] the experiment's name ("degradation"), then its options.
 * Returns the exit status: 0 success, 1 run-time failure, 2 usage error. */
int rl_experiment_cli_main (int argc, char **argv);

G_END_DECLS
