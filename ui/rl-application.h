/* rl-application.h: the ResLab application (RL_APPLICATION_ID in config.h): one main window, the about
 * dialog, accelerators, the style sheet, and the command line (`reslab --help`; the options are
 * option_entries in rl-application.c):
 *
 *   reslab [--view=draw|train|inside|experiment|errors|number] [--why] [--draw-digit=D]
 *          [--test-image=N] [--train [--epochs=N] [--train-images=N]] [--net=NET] ...
 *          [--debug-stalls] [MODEL.safetensors | IMAGE]
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RL_TYPE_APPLICATION (rl_application_get_type ())
G_DECLARE_FINAL_TYPE (RlApplication, rl_application, RL, APPLICATION, GtkApplication)

/* Returns: (transfer full) */
RlApplication *rl_application_new (void);

G_END_DECLS
