/* rl-teach-cli.h: `reslab-cli teach`: a model fine-tuned on your digits (rl-teach.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "teach". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int rl_teach_cli_main (int argc, char **argv);

G_END_DECLS
