/* rl-application.h: the ResLab application (RL_APPLICATION_ID in config.h): one main window, the about
 * dialog, accelerators, the style sheet, and the command line:
 *
 *   reslab [--view=draw|train|inside] [--draw-digit=D] [--test-image=N]
 *          [--train [--epochs=N] [--train-images=N]] [--debug-stalls] [MODEL.safetensors]
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_APPLICATION (rl_application_get_type ())
G_DECLARE_FINAL_TYPE (RlApplication, rl_application, RL, APPLICATION, GtkApplication)

/* Returns: (transfer full) */
RlApplication *rl_application_new (void);

G_END_DECLS
