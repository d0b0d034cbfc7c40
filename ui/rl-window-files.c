#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-files.c: files from outside the app. Open Image (win.open-image, Ctrl+Shift+O)
 * puts the digit of a PNG or PGM file into the Draw view, read as `reslab-cli predict` reads
 * it, or, from the Number view, the picture into the Number view, read as a number as
 * `reslab-cli read` reads it. A file dropped on the window, or named on the command line
 * (win.open-file), is opened by its name: a .safetensors file as the model (as Open Model
 * does), anything else as an image; outside the Number view, an image in which the number
 * reader finds two digits or more goes to the Number view, which is shown, and one digit to
 * Draw. A file that does not open leaves everything as it was, with a dialog naming it.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include "rl-dialogs.h"
#include "rl-image-file.h"

typedef struct {
  RlWindow *self;       /* a reference */
  GFile    *file;
} OpenImage;

static void
image_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenImage *open = user_data;
  g_autoptr (GError) error = NULL;
  gboolean number = FALSE;
  g_autofree float *ink = rl_image_file_load_finish (result, &number, &error);
  g_autofree char *name = g_file_get_basename (open->file);

  if (ink != NULL)
    {
      /* a picture opened by its content is shown where it went */
      rl_window_set_view (open->self, number ? "number" : "draw");
      if (number)
        rl_number_view_show_picture (open->self->number_view, ink, name);
      else
        rl_draw_view_show_picture (open->self->draw_view, ink, name);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *primary = g_strdup_printf (_("Could not open “%s”"), name);

      rl_show_error_dialog (GTK_WIDGET (open->self), primary, error->message);
    }
  g_object_unref (open->self);
  g_object_unref (open->file);
  g_free (open);
}

/* In the Number view a picture is read as a number. Anywhere else, Open Image (@by_content
 * FALSE) reads it as one digit, in Draw, and a drop or the command line (TRUE) as what it
 * shows: one digit in Draw, a number in the Number view. */
static void
open_image (RlWindow *self,
            GFile    *file,
            gboolean  by_content)
{
  OpenImage *open = g_new0 (OpenImage, 1);

  open->self = g_object_ref (self);
  open->file = g_object_ref (file);
  if (g_strcmp0 (rl_window_get_view (self), "number") == 0)
    rl_image_file_load_fitted_async (file, RL_NUMBER_VIEW_INK_WIDTH, RL_NUMBER_VIEW_INK_HEIGHT,
                                     self->cancellable, image_loaded_cb, open);
  else if (by_content)
    rl_image_file_load_picture_async (file, RL_NUMBER_VIEW_INK_WIDTH, RL_NUMBER_VIEW_INK_HEIGHT,
                                      self->cancellable, image_loaded_cb, open);
  else
    rl_image_file_load_digit_async (file, self->cancellable, image_loaded_cb, open);
}

/* By name: the models are .safetensors files; the image reader tells other files apart by
 * their content and says what is wrong with one that is no image. */
static void
open_file (RlWindow *self,
           GFile    *file)
{
  g_autofree char *name = g_file_get_basename (file);

  if (name != NULL && g_str_has_suffix (name, ".safetensors"))
    {
      g_autofree char *path = g_file_get_path (file);

      if (self->busy)
        _rl_window_show_toast (self, _("A model cannot be opened while training runs."), NULL,
                               NULL);
      else if (path != NULL)
        _rl_window_open_model_path (self, path);
      return;
    }
  open_image (self, file, TRUE);
}

static void
open_image_response_cb (GtkNativeDialog *native,
                        int              response,
                        RlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      open_image (self, file, FALSE);
    }
  g_object_unref (native);
}

static void
open_image_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Open Digit Image"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG and PGM images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/x-portable-graymap");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "pgm");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect (native, "response", G_CALLBACK (open_image_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_file_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autoptr (GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  open_file (RL_WINDOW (widget), file);
}

/* One file at a time: the first of those dropped. */
static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         RlWindow      *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  open_file (self, files->data);
  g_slist_free (files);
  return TRUE;
}

void
_rl_window_files_init (RlWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

void
_rl_window_class_files_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-image", NULL, open_image_activated);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_activated);
}
