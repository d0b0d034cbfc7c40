#define G_LOG_DOMAIN "reslab"

/* rl-startup.c: what both programs do first in main () (see rl-startup.h).
 */

#include "config.h"

#include "rl-startup.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "rl-model.h"

void
rl_startup_init (void)
{
  setlocale (LC_ALL, "");
  /* RESLAB_LOCALEDIR: the build folder's po/ for the uninstalled programs (./dev.sh run,
   * meson devenv and the tests set it), as GSETTINGS_SCHEMA_DIR is for the schema. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("RESLAB_LOCALEDIR") != NULL
                                   ? g_getenv ("RESLAB_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  rl_workspace_keep_freed_memory ();
}
