#define G_LOG_DOMAIN "reslab"

/* reslab: the GTK 4 application. Everything lives in ui/ (RlApplication and its window). */

#include "config.h"

#include <gtk/gtk.h>

#include "rl-application.h"
#include "rl-startup.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (RlApplication) app = NULL;

  /* The translations (po/) bound before the first string is looked up; GTK sets the locale
   * again in gtk_init (). */
  rl_startup_init ();

  app = rl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
