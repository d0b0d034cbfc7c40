#define G_LOG_DOMAIN "reslab-ui"

/* rl-dialogs.c: see rl-dialogs.h. */

#include "config.h"
#include <glib/gi18n-lib.h>
#include <string.h>

#include "rl-dialogs.h"

#include "rl-error.h"
#include "rl-mnist-fetch.h"

#define RESPONSE_DOWNLOAD 1

static void
message_response_cb (GtkDialog *dialog,
                     int        response,
                     gpointer   user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

GtkWidget *
rl_show_message_dialog (GtkWidget      *widget,
                        GtkMessageType  type,
                        const char     *primary,
                        const char     *secondary)
{
  GtkRoot *root;
  GtkWidget *dialog;
  GtkWidget *area;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (primary != NULL, NULL);

  root = gtk_widget_get_root (widget);
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   type, GTK_BUTTONS_CLOSE, "%s", primary);
  if (secondary != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);

  /* Selectable: every label of the message area but the first (the primary text). */
  area = gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (dialog));
  for (GtkWidget *child = gtk_widget_get_first_child (area); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && child != gtk_widget_get_first_child (area))
      gtk_label_set_selectable (GTK_LABEL (child), TRUE);

  g_signal_connect (dialog, "response", G_CALLBACK (message_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

GtkWidget *
rl_show_error_dialog (GtkWidget  *widget,
                      const char *primary,
                      const char *secondary)
{
  return rl_show_message_dialog (widget, GTK_MESSAGE_ERROR, primary, secondary);
}

GtkWidget *
rl_question_dialog_new (GtkWindow  *window,
                        const char *primary,
                        const char *secondary,
                        const char *keep_label,
                        const char *go_label,
                        int         go_response)
{
  GtkWidget *dialog;
  GtkWidget *go;

  g_return_val_if_fail (primary != NULL && keep_label != NULL && go_label != NULL, NULL);

  dialog = gtk_message_dialog_new (window, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  gtk_dialog_add_button (GTK_DIALOG (dialog), keep_label, GTK_RESPONSE_CANCEL);
  go = gtk_dialog_add_button (GTK_DIALOG (dialog), go_label, go_response);
  gtk_widget_add_css_class (go, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  return dialog;
}

char *
rl_model_error_text (const char   *name,
                     const GError *error)
{
  g_return_val_if_fail (name != NULL && error != NULL, NULL);

  if (error->domain == RL_ERROR)
    switch ((RlError) error->code)
      {
      case RL_ERROR_BAD_MAGIC:
      case RL_ERROR_TOO_LARGE:
        /* random bytes or another format: the first 8 bytes read as a huge header length */
        return g_strdup_printf (_("“%s” is not a ResLab or safetensors model file."), name);
      case RL_ERROR_TRUNCATED:
        return g_strdup_printf (_("The model file “%s” is damaged: it ends before all of its "
                                "data."), name);
      case RL_ERROR_BAD_HEADER:
        return g_strdup_printf (_("The model file “%s” is damaged: its header cannot be read."),
                                name);
      case RL_ERROR_BAD_OFFSETS:
        return g_strdup_printf (_("The model file “%s” is damaged: its tensors do not fit in "
                                "the file."), name);
      case RL_ERROR_BAD_DTYPE:
      case RL_ERROR_BAD_SHAPE:
      case RL_ERROR_UNKNOWN_TENSOR:
      case RL_ERROR_MISSING_TENSOR:
      case RL_ERROR_MISMATCH:
      case RL_ERROR_BAD_ARCH:
        return g_strdup_printf (_("“%s” is a safetensors file, but not a network ResLab can "
                                "run."), name);
      case RL_ERROR_FAILED:
      case RL_ERROR_BAD_IMAGE:
      case RL_ERROR_INVALID_ARGUMENT:
      case RL_ERROR_DIVERGED:
      default:
        break;
      }
  else if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    /* the same failures, as GIO or as GLib's file functions report them */
    switch (error->domain == G_IO_ERROR ? (GIOErrorEnum) error->code
                                        : g_io_error_from_file_error (error->code))
      {
      case G_IO_ERROR_NOT_FOUND:
        return g_strdup_printf (_("The model file “%s” does not exist."), name);
      case G_IO_ERROR_PERMISSION_DENIED:
        return g_strdup_printf (_("You are not allowed to read the model file “%s”."), name);
      case G_IO_ERROR_IS_DIRECTORY:
        return g_strdup_printf (_("“%s” is a folder, not a model file."), name);
      default:
        break;
      }
  return g_strdup_printf (_("The model file “%s” could not be opened."), name);
}

GtkWidget *
rl_show_model_error_dialog (GtkWidget    *widget,
                            const char   *name,
                            const GError *error,
                            const char   *note)
{
  g_autofree char *primary = rl_model_error_text (name, error);
  g_autofree char *secondary = NULL;

  /* the sentence first; the engine's message (translated too, but technical: offsets, tensor
   * names) as the detail under it */
  if (note != NULL)
    secondary = g_strdup_printf ("%s\n\n%s", note, error->message);
  else
    secondary = g_strdup (error->message);
  return rl_show_error_dialog (widget, primary, secondary);
}

/* ---- the missing-data dialog's Download ------------------------------------------------- */

typedef struct {
  /* Borrowed, as are the two below, and only while !closed: a reference kept past the
   * dialog's destruction delayed its dispose until after its parent window could be gone,
   * and that dispose then reached the finalized parent (gtk_window_set_transient_for). */
  GtkMessageDialog *dialog;
  GtkWidget        *download;
  GtkProgressBar   *bar;
  GCancellable     *cancellable;   /* owned; NULL when no fetch runs */
  char             *dir;
  gboolean          closed;        /* the dialog is gone (or going) */
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->cancellable);
  g_free (download->dir);
  g_free (download);
}

/* The dialog is disposed, however it was closed: a fetch still running is cancelled and its
 * callback frees @download; otherwise it goes now. */
static void
download_dialog_gone (gpointer data, GObject *where_the_dialog_was)
{
  Download *download = data;

  download->closed = TRUE;
  download->dialog = NULL;
  download->download = NULL;
  download->bar = NULL;
  if (download->cancellable != NULL)
    g_cancellable_cancel (download->cancellable);
  else
    download_free (download);
}

static void
set_close_label (Download   *download,
                 const char *label)
{
  GtkWidget *close = gtk_dialog_get_widget_for_response (GTK_DIALOG (download->dialog),
                                                         GTK_RESPONSE_CLOSE);

  if (close != NULL)
    gtk_button_set_label (GTK_BUTTON (close), label);
}

static void
download_progress_cb (int         percent,
                      const char *text,
                      gpointer    user_data)
{
  Download *download = user_data;

  if (download->closed)
    return;
  gtk_progress_bar_set_fraction (download->bar, percent / 100.0);
  gtk_progress_bar_set_text (download->bar, text);
}

static void
download_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Download *download = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = rl_mnist_fetch_finish (result, &error);

  g_clear_object (&download->cancellable);
  if (download->closed)
    {
      download_free (download);
      return;
    }
  set_close_label (download, _("_Close"));

  if (ok)
    {
      g_autofree char *text = g_strdup_printf (_("The four files are in %s, checked against "
                                               "their MD5 sums. ResLab uses them from now "
                                               "on: start again what asked for them."),
                                               download->dir);

      g_object_set (download->dialog, "text", _("MNIST is ready"), "secondary-text", text, NULL);
      gtk_progress_bar_set_fraction (download->bar, 1.0);
      gtk_widget_set_visible (download->download, FALSE);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("%s\n\nTry again, or run ./dev.sh data in "
                                               "the ResLab source folder, or set "
                                               "RESLAB_DATA_DIR to a folder that has the "
                                               "files."), error->message);

      g_object_set (download->dialog, "text", _("Could not download MNIST"),
                    "secondary-text", text, NULL);
      gtk_widget_set_visible (GTK_WIDGET (download->bar), FALSE);
      gtk_button_set_label (GTK_BUTTON (download->download), _("_Try Again"));
      gtk_widget_set_sensitive (download->download, TRUE);
    }
}

static void
download_response_cb (GtkDialog *dialog,
                      int        response,
                      Download  *download)
{
  if (response == RESPONSE_DOWNLOAD)
    {
      g_autoptr (GBytes) script = NULL;
      g_autoptr (GError) error = NULL;

      if (download->cancellable != NULL)
        return;
      script = g_resources_lookup_data ("/org/reslab/ResLab/fetch-mnist.sh",
                                        G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (script == NULL)
        {
          g_critical ("%s", error->message);
          return;
        }
      gtk_widget_set_sensitive (download->download, FALSE);
      set_close_label (download, _("_Cancel"));
      gtk_progress_bar_set_fraction (download->bar, 0.0);
      gtk_progress_bar_set_text (download->bar, _("Starting the download"));
      gtk_widget_set_visible (GTK_WIDGET (download->bar), TRUE);
      download->cancellable = g_cancellable_new ();
      rl_mnist_fetch_async (script, download->dir, download->cancellable,
                            download_progress_cb, download, download_done_cb, download);
      return;
    }

  /* Close (Cancel while it runs) or the window closed: the dialog goes, and with it
   * (download_dialog_gone) @download once no fetch runs; a fetch stops now, the folder
   * staying as it was. */
  if (download->cancellable != NULL)
    g_cancellable_cancel (download->cancellable);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A Download button and a progress bar on the missing-MNIST dialog; the Close button
 * cancels a download in progress. */
static void
add_download (GtkMessageDialog *dialog,
              const char       *dir)
{
  Download *download = g_new0 (Download, 1);
  GtkWidget *area = gtk_message_dialog_get_message_area (dialog);

  download->dialog = dialog;
  g_object_weak_ref (G_OBJECT (dialog), download_dialog_gone, download);
  download->dir = g_strdup (dir);
  download->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (download->bar, TRUE);
  gtk_progress_bar_set_ellipsize (download->bar, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_visible (GTK_WIDGET (download->bar), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (download->bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Download progress"), -1);
  gtk_box_append (GTK_BOX (area), GTK_WIDGET (download->bar));

  download->download = gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Download"),
                                              RESPONSE_DOWNLOAD);
  gtk_widget_add_css_class (download->download, "suggested-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), RESPONSE_DOWNLOAD);

  g_signal_handlers_disconnect_by_func (dialog, message_response_cb, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (download_response_cb), download);
}

char *
rl_show_missing_data_dialog (GtkWidget      *widget,
                             RlDatasetKind   kind,
                             char          **missing,
                             const char     *lead,
                             const char     *mnist_note)
{
  g_autofree char *dir = rl_dataset_default_dir (kind);
  g_autofree char *list = g_strjoinv ("\n    ", missing);
  GtkWidget *dialog;
  char *secondary;

  g_return_val_if_fail (missing != NULL && lead != NULL, NULL);

  if (kind == RL_DATASET_FASHION)
    secondary = g_strdup_printf (_("%s They are looked for in %s:\n    %s\n\n"
                                 "Install Debian's Fashion-MNIST package:\n\n"
                                 "    sudo apt install dataset-fashion-mnist\n\n"
                                 "or set RESLAB_FASHION_DIR to a folder that has them."),
                                 lead, dir, list);
  else
    secondary = g_strdup_printf (_("%s They are looked for in %s:\n    %s\n\n"
                                 "Download them (about 55 MB, checked against their MD5 sums), "
                                 "or fetch them by running this in the ResLab source "
                                 "folder:\n\n"
                                 "    ./dev.sh data\n\n"
                                 "or set RESLAB_DATA_DIR to a folder that has them.%s%s"),
                                 lead, dir, list, mnist_note != NULL ? " " : "",
                                 mnist_note != NULL ? mnist_note : "");
  dialog = rl_show_message_dialog (widget, GTK_MESSAGE_INFO,
                                   kind == RL_DATASET_FASHION
                                   ? _("The Fashion-MNIST files are missing")
                                   : _("The MNIST files are missing"),
                                   secondary);
  if (kind == RL_DATASET_MNIST)
    add_download (GTK_MESSAGE_DIALOG (dialog), dir);
  return secondary;
}

char *
rl_display_folder (const char *path)
{
  const char *home = g_get_home_dir ();
  size_t n = strlen (home);

  g_return_val_if_fail (path != NULL, NULL);

  /* home itself, or a folder in it; not "/home/ann2" for "/home/ann", nor "/" for "/" */
  if (n > 1 && strncmp (path, home, n) == 0 && (path[n] == '/' || path[n] == '\0'))
    {
      g_autofree char *rest = g_filename_display_name (path + n);

      return g_strconcat ("~", rest, NULL);
    }
  return g_filename_display_name (path);
}
