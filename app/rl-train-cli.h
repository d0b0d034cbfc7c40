/* rl-train-cli.h: `reslab-cli train`: a network trained (RlTrainLoop, rl-train.h) and saved. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "train". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int rl_train_cli_main (int argc, char **argv);

G_END_DECLS
