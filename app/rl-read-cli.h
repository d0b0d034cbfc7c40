/* rl-read-cli.h: `reslab-cli read`: handwritten numbers read from image files, and the reader
 * measured on numbers composed of MNIST digits (--compose). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "read". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int rl_read_cli_main (int argc, char **argv);

G_END_DECLS
