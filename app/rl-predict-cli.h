/* rl-predict-cli.h: `reslab-cli predict`: the digit of each image file, classified. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "predict". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int rl_predict_cli_main (int argc, char **argv);

G_END_DECLS
