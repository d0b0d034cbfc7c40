/* rl-landscape-cli.h: the `reslab-cli landscape` subcommand. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "landscape", then its options. Returns the exit status: 0 success, 1 run-time
 * failure, 2 usage error. */
int   rl_landscape_cli_main         (int argc, char **argv);

/* Where `train --keep-initial` saves the initial weights of a model saved at @model_path:
 * "run.safetensors" -> "run.initial.safetensors" (any other name gets ".initial.safetensors"
 * appended). The trained model's metadata "initial" holds this file's base name, which
 * `landscape` looks for beside the model. Returns: (transfer full) */
char *rl_landscape_cli_initial_path (const char *model_path);

G_END_DECLS
