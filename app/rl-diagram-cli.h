/* rl-diagram-cli.h: `reslab-cli diagram`: a network drawn as PNG or SVG (rl-diagram.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "diagram". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int rl_diagram_cli_main (int argc, char **argv);

G_END_DECLS
