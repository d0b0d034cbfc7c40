#define G_LOG_DOMAIN "reslab"

/* reslab: the GTK 4 application. Everything lives in ui/ (RlApplication and its window). */

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "rl-application.h"
#include "rl-model.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (RlApplication) app = NULL;

  /* The translations (po/), installed under LOCALEDIR. GTK sets the locale itself in
   * gtk_init (), but gettext must know the domain before the first string is looked up. */
  setlocale (LC_ALL, "");
  /* RESLAB_LOCALEDIR: the build folder's po/ for the uninstalled program (./dev.sh run,
   * meson devenv and the tests set it), as GSETTINGS_SCHEMA_DIR is for the schema. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("RESLAB_LOCALEDIR") != NULL
                                   ? g_getenv ("RESLAB_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  rl_workspace_keep_freed_memory ();

  app = rl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
