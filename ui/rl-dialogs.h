/* rl-dialogs.h: the app's one message dialog, one question and one missing-data dialog,
 * shared by the window and every view. GtkMessageDialog (GTK 4.8: no GtkAlertDialog), modal on
 * the window of the widget that asks, closed by its Close button (a question, by its answer).
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

/* A modal message on @widget's window (or on none, when @widget is not in one), with a Close
 * button; the secondary text (nullable) can be selected, to copy a command or a path.
 * Returns: (transfer none) the dialog, already shown */
GtkWidget *rl_show_message_dialog      (GtkWidget      *widget,
                                        GtkMessageType  type,
                                        const char     *primary,
                                        const char     *secondary);
/* rl_show_message_dialog () with GTK_MESSAGE_ERROR. Returns: (transfer none) */
GtkWidget *rl_show_error_dialog        (GtkWidget      *widget,
                                        const char     *primary,
                                        const char     *secondary);

/* A modal question on @window, asked before something that cannot be undone: @primary,
 * @secondary, a button that keeps things as they are (@keep_label, GTK_RESPONSE_CANCEL, the
 * default) and one that goes ahead (@go_label, @go_response), always red ("destructive-action",
 * as the GNOME HIG asks of a button that loses work). Connect to "response" (the handler
 * destroys it), then present it. Returns: (transfer none) */
GtkWidget *rl_question_dialog_new      (GtkWindow      *window,
                                        const char     *primary,
                                        const char     *secondary,
                                        const char     *keep_label,
                                        const char     *go_label,
                                        int             go_response);

/* What went wrong with the model file @name (a display name), as one sentence a user
 * understands, chosen by @error's domain and code ("“x” is not a ResLab or safetensors model
 * file."). Returns: (transfer full) */
char      *rl_model_error_text         (const char     *name,
                                        const GError   *error);
/* An error dialog for a model file that did not open: rl_model_error_text () as the primary
 * text; @note (nullable, "The model in use has not changed.") and @error's message, the
 * technical detail, as the secondary. Returns: (transfer none) */
GtkWidget *rl_show_model_error_dialog  (GtkWidget      *widget,
                                        const char     *name,
                                        const GError   *error,
                                        const char     *note);

/* @path (a file name in the file system's encoding) as a message shows it: in UTF-8, the home
 * folder written "~" as GNOME's apps write it ("~/.local/share/reslab/experiments").
 * Returns: (transfer full) */
char      *rl_display_folder           (const char     *path);

/* Says which of @kind's files are @missing (as rl_dataset_find_missing_files () returns
 * them), where they are looked for and how to get them. @lead starts the text, a whole
 * translated sentence ("Training needs the files below."), so no sentence is built from
 * parts; @mnist_note (nullable) ends it for MNIST. For MNIST, a Download
 * button fetches and verifies the files there (rl_mnist_fetch_async), with a progress bar,
 * Close becoming Cancel meanwhile; once done, the next load reads them.
 * Returns: (transfer full) the secondary text, for a status line */
char      *rl_show_missing_data_dialog (GtkWidget      *widget,
                                        RlDatasetKind   kind,
                                        char          **missing,
                                        const char     *lead,
                                        const char     *mnist_note);

G_END_DECLS
