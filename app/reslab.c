#define G_LOG_DOMAIN "reslab"

/* reslab: the GTK 4 application. Everything lives in ui/ (RlApplication and its window). */

#include <gtk/gtk.h>

#include "rl-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (RlApplication) app = rl_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
