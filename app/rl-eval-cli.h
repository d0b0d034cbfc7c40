/* rl-eval-cli.h: `reslab-cli eval`: a model's test accuracy and confusion matrix; and the
 * accuracy line and evaluation chunk that `train` shares with it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Images per rl_model_predict() call when evaluating (eval, and train after each epoch). */
#define RL_EVAL_CLI_BATCH 1000

/* "test accuracy 98.12% (9812/10000)" on stdout, as eval and train print it. */
void rl_eval_cli_print_accuracy (guint correct,
                                 guint total);

/* argv[0] is "eval". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int  rl_eval_cli_main           (int    argc,
                                 char **argv);

G_END_DECLS
