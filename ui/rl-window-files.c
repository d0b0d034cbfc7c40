#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-files.c: files from outside the app. Open Image (win.open-image, Ctrl+Shift+O)
 * puts the digit of a PNG or PGM file into the Draw view, read as `reslab-cli predict` reads
 * it, or, from the Number view, the picture into the Number view, read as a number as
 * `reslab-cli read` reads it. A file dropped on the window, or named on the command line
 * (win.open-file), is opened by its name: a .safetensors file as the model (as Open Model
 * does), anything else as an image; outside the Number view, an image in which the number
 * reader finds two digits or more goes to the Number view, which is shown, and one digit to
 * Draw. A file that does not open leaves everything as it was, with a dialog naming it.
 * Paste Image (win.paste-image, Ctrl+V where no text field takes it) reads the clipboard as a
 * drop: files copied in a file manager are opened as above, a picture (a screenshot, an image
 * copied from a browser) is read by its content; so is a picture dropped from another
 * program (open_value, for both).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include "rl-dialogs.h"
#include "rl-image-file.h"

/* ---- the file choosers' common parts ------------------------------------------------------- */

GtkFileChooserNative *
_rl_window_open_chooser_new (RlWindow      *self,
                             const char    *title,
                             GtkFileFilter *filter)
{
  GtkFileChooserNative *native;
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
  return native;
}

char *
_rl_window_chooser_take_path (GtkNativeDialog *native,
                              int              response)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  g_object_unref (native);
  return file != NULL ? g_file_get_path (file) : NULL;
}

/* ---- images and models from outside --------------------------------------------------------- */

/* Where a picture that is not a file came from: its name in the views, and the dialog's. */
typedef enum {
  FROM_FILE,
  FROM_CLIPBOARD,
  FROM_DROP,            /* a picture dragged from another program (a browser's image) */
} Source;

typedef struct {
  RlWindow     *self;     /* a reference */
  char         *name;     /* the file's, for the views and the messages */
  Source        source;
  GFile        *file;     /* what it was read from: a file, or... */
  GBytes       *bytes;    /* ...a picture's bytes */
  RlDatasetKind kind;     /* made as this dataset's images are */
  gboolean      remake;   /* the picture shown, made again for another model: no view change */
} OpenImage;

static OpenImage *
open_image_new (RlWindow *self, const char *name, Source source, GFile *file, GBytes *bytes)
{
  OpenImage *open = g_new0 (OpenImage, 1);

  open->self = g_object_ref (self);
  open->name = g_strdup (name);
  open->source = source;
  open->file = file != NULL ? g_object_ref (file) : NULL;
  open->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  open->kind = rl_predictor_get_kind (self->predictor);
  return open;
}

static void
open_image_free (OpenImage *open)
{
  g_object_unref (open->self);
  g_free (open->name);
  g_clear_object (&open->file);
  g_clear_pointer (&open->bytes, g_bytes_unref);
  g_free (open);
}

/* Keeps what the picture now in Draw was read from, to make it again for a model of another
 * dataset (model_changed_cb). */
static void
keep_picture (RlWindow *self, const OpenImage *open)
{
  g_clear_object (&self->picture_file);
  g_clear_pointer (&self->picture_bytes, g_bytes_unref);
  g_free (self->picture_name);
  self->picture_file = open->file != NULL ? g_object_ref (open->file) : NULL;
  self->picture_bytes = open->bytes != NULL ? g_bytes_ref (open->bytes) : NULL;
  self->picture_name = g_strdup (open->name);
  self->picture_kind = open->kind;
}

static void
image_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenImage *open = user_data;
  g_autoptr (GError) error = NULL;
  gboolean number = FALSE;
  g_autofree float *ink = rl_image_file_load_finish (result, &number, &error);

  if (ink != NULL && open->remake)
    {
      /* made again for the new model's dataset, where it is, unless something replaced it */
      if (!number && g_strcmp0 (rl_draw_view_get_image_name (open->self->draw_view),
                                open->name) == 0)
        {
          rl_draw_view_show_picture (open->self->draw_view, ink, open->name);
          keep_picture (open->self, open);
        }
    }
  else if (ink != NULL)
    {
      /* a picture opened by its content is shown where it went */
      rl_window_set_view (open->self, number ? "number" : "draw");
      if (number)
        rl_number_view_show_picture (open->self->number_view, ink, open->name);
      else
        {
          rl_draw_view_show_picture (open->self->draw_view, ink, open->name);
          keep_picture (open->self, open);
        }
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *primary = open->source == FROM_CLIPBOARD
                                 ? g_strdup (_("Could not read the pasted image"))
                                 : open->source == FROM_DROP
                                 ? g_strdup (_("Could not read the dropped image"))
                                 : g_strdup_printf (_("Could not open “%s”"), open->name);

      rl_show_error_dialog (GTK_WIDGET (open->self), primary, error->message);
    }
  open_image_free (open);
}

/* In the Number view a picture is read as a number. Anywhere else, Open Image (@by_content
 * FALSE) reads it as one digit, in Draw, and a drop or the command line (TRUE) as what it
 * shows: one digit in Draw, a number in the Number view. */
static void
open_image (RlWindow *self,
            GFile    *file,
            gboolean  by_content)
{
  g_autofree char *name = g_file_get_basename (file);
  gboolean number = g_strcmp0 (rl_window_get_view (self), "number") == 0;
  /* a digit (or a piece of clothing) made as the model's dataset's images are */
  OpenImage *open = open_image_new (self, name, FROM_FILE, file, NULL);

  if (number || by_content)
    rl_image_file_load_ink_async (file, number, open->kind, RL_NUMBER_VIEW_INK_WIDTH,
                                  RL_NUMBER_VIEW_INK_HEIGHT, self->cancellable, image_loaded_cb,
                                  open);
  else
    rl_image_file_load_digit_async (file, open->kind, self->cancellable, image_loaded_cb, open);
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
      else
        {
          g_autofree char *primary = g_strdup_printf (_("Could not open “%s”"), name);
          g_autofree char *uri = g_file_get_uri (file);
          /* TRANSLATORS: %s is a URL, such as https://example.org/model.safetensors */
          g_autofree char *secondary =
            g_strdup_printf (_("%s is not on this computer. Models open from files here: "
                               "save it first, then open the saved file."), uri);

          rl_show_error_dialog (GTK_WIDGET (self), primary, secondary);
        }
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

  gtk_file_filter_set_name (filter, _("PNG and PGM images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/x-portable-graymap");
  /* by name too: an empty or broken file's content type is no image's (application/x-zerosize,
   * text/plain), and it must be chosen for the reader to say what is wrong with it (#16) */
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "pgm");
  native = _rl_window_open_chooser_new (self, _("Open Digit Image"), filter);
  g_signal_connect (native, "response", G_CALLBACK (open_image_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_file_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  const char *arg = g_variant_get_string (parameter, NULL);
  /* a path, or the URI of a file elsewhere (the command line's http URL) */
  g_autoptr (GFile) file = g_uri_peek_scheme (arg) != NULL ? g_file_new_for_uri (arg)
                                                          : g_file_new_for_path (arg);

  open_file (RL_WINDOW (widget), file);
}

/* ---- pictures that are not files: pasted, or dragged from another program ---------------- */

/* The readers take the bytes of a file; a PNG keeps every pixel (and its transparency,
 * composited over white as a file's). Encoded on a worker: a 4K screenshot takes 170 ms. A
 * texture is immutable, so the worker may read it. */
static void
encode_png_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_task_return_pointer (task, gdk_texture_save_to_png_bytes (task_data),
                         (GDestroyNotify) g_bytes_unref);
}

static void
png_encoded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RlWindow *self = RL_WINDOW (source);
  g_autoptr (GBytes) png = g_task_propagate_pointer (G_TASK (result), NULL);
  Source from = GPOINTER_TO_INT (user_data);
  const char *name = from == FROM_DROP ? _("Dropped image") : _("Pasted image");
  OpenImage *open;

  if (png == NULL)
    return;   /* cancelled: the window is going */
  open = open_image_new (self, name, from, NULL, png);
  rl_image_bytes_load_async (png, open->name,
                             g_strcmp0 (rl_window_get_view (self), "number") == 0, open->kind,
                             RL_NUMBER_VIEW_INK_WIDTH, RL_NUMBER_VIEW_INK_HEIGHT,
                             self->cancellable, image_loaded_cb, open);
}

/* A picture read as a file is: by its content, or as a number on the Number page. */
static void
open_texture (RlWindow   *self,
              GdkTexture *texture,
              Source      source)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  /* the readers' bounds, before a picture that large is encoded: an 8192 x 8193 texture is
   * 270 MB to download and seconds to encode, only for the reader to refuse its header */
  if (!rl_image_check_size (source == FROM_DROP ? _("Dropped image") : _("Pasted image"),
                            gdk_texture_get_width (texture), gdk_texture_get_height (texture),
                            &error))
    {
      rl_show_error_dialog (GTK_WIDGET (self),
                            source == FROM_DROP ? _("Could not read the dropped image")
                                                : _("Could not read the pasted image"),
                            error->message);
      return;
    }
  task = g_task_new (self, self->cancellable, png_encoded_cb, GINT_TO_POINTER (source));
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, g_object_ref (texture), g_object_unref);
  g_task_run_in_thread (task, encode_png_thread);
}

/* What a drop or the clipboard holds: files, of which the first is opened as a file named on
 * the command line is; or a picture. FALSE for anything else. */
static gboolean
open_value (RlWindow     *self,
            const GValue *value,
            Source        source)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      if (files == NULL)
        return FALSE;
      open_file (self, files->data);
      g_slist_free (files);
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE) && g_value_get_object (value) != NULL)
    {
      open_texture (self, g_value_get_object (value), source);
      return TRUE;
    }
  return FALSE;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         RlWindow      *self)
{
  return open_value (self, value, FROM_DROP);
}

static void
pasted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (RlWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);

  if (value == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        rl_show_error_dialog (GTK_WIDGET (self), _("Could not read the pasted image"),
                              error->message);
      return;
    }
  open_value (self, value, FROM_CLIPBOARD);
}

/* Files first (a file manager offers their names and often an icon as a picture), then a
 * picture; text is for the text fields, which take Ctrl+V before the window does. */
static void
paste_image_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr (GdkContentFormats) formats =
    gdk_content_formats_union_deserialize_gtypes (gdk_content_formats_ref (
      gdk_clipboard_get_formats (clipboard)));

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, pasted_cb, g_object_ref (self));
  else if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_TEXTURE, G_PRIORITY_DEFAULT,
                                    self->cancellable, pasted_cb, g_object_ref (self));
  else
    _rl_window_show_toast (self, _("The clipboard holds no picture to read: copy an image or "
                                   "an image file first."), NULL, NULL);
}

/* The picture in Draw was made for the last model's dataset: for a model of another one, it
 * is read again and made as that dataset's images were (rl_preprocess_image_map). */
static void
model_changed_cb (RlPredictor *predictor,
                  RlWindow    *self)
{
  RlDatasetKind kind = rl_predictor_get_kind (predictor);
  OpenImage *open;

  if (self->picture_name == NULL || kind == self->picture_kind ||
      g_strcmp0 (rl_draw_view_get_image_name (self->draw_view), self->picture_name) != 0)
    return;
  open = open_image_new (self, self->picture_name, FROM_FILE, self->picture_file,
                         self->picture_bytes);
  open->remake = TRUE;
  if (open->file != NULL)
    rl_image_file_load_digit_async (open->file, kind, self->cancellable, image_loaded_cb, open);
  else
    rl_image_bytes_load_async (open->bytes, open->name, FALSE, kind, RL_NUMBER_VIEW_INK_WIDTH,
                               RL_NUMBER_VIEW_INK_HEIGHT, self->cancellable, image_loaded_cb,
                               open);
}

void
_rl_window_files_init (RlWindow *self)
{
  /* files first: a file manager offers a picture (an icon) too */
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_drop_target_set_gtypes (target, (GType[]) { GDK_TYPE_FILE_LIST, GDK_TYPE_TEXTURE }, 2);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  g_signal_connect_object (self->predictor, "model-changed", G_CALLBACK (model_changed_cb), self,
                           0);
}

void
_rl_window_class_files_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-image", NULL, open_image_activated);
  gtk_widget_class_install_action (widget_class, "win.open-file", "s", open_file_activated);
  gtk_widget_class_install_action (widget_class, "win.paste-image", NULL, paste_image_activated);
  /* a binding, not an application accelerator: those come before the focused widget, and
   * Ctrl+V in the net's description or a spin button pastes text there */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "win.paste-image", NULL);
}
