/* rl-read-cli.h: `reslab-cli read`: handwritten numbers read from image files, and the reader
 * measured on numbers composed of MNIST digits (--compose). */
#pragma once

#include <glib.h>

#include "rl-model.h"

G_BEGIN_DECLS

/* The model of a --model FILE, or the seed net bundled in the program's resources when @path is
 * NULL. Prints the reason and returns NULL on failure. Returns: (transfer full) */
RlModel *rl_read_cli_load_model (const char *path);

/* argv[0] is "read". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int      rl_read_cli_main       (int    argc,
                                 char **argv);

G_END_DECLS
