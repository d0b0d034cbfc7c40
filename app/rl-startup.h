/* rl-startup.h: what both programs, reslab and reslab-cli, do first in main (). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The locale from the environment (LC_ALL ""), the translations bound (po/, under LOCALEDIR
 * or RESLAB_LOCALEDIR), and the freed workspaces kept in the heap
 * (rl_workspace_keep_freed_memory). */
void rl_startup_init (void);

G_END_DECLS
