/* test-ui-numbers.c: #14 in the window: the Number page reads a number written in strokes,
 * live; Draw's "This is a…" buttons put a drawing into your digits, which the Your Digits
 * list shows and deletes; Learn from My Digits keeps a new run in the Models list and makes it
 * the model in use, never writing the file of the model it started from. */

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "picture-test-utils.h"
#include "ui-test-utils.h"

#include "rl-dataset-loader.h"
#include "rl-mine-view.h"
#include "rl-teacher.h"
#include "rl-userset.h"
#include "rl-window.h"

/* ---- the Number page ---------------------------------------------------------------------- */

static RlNumberView *
number_view (RlWindow *window)
{
  return rl_window_get_number_view (window);
}

static gboolean
reads (gpointer data)
{
  RlWindow *window = data;

  return strcmp (rl_number_view_get_text (number_view (window)), "") != 0;
}

static gboolean
is_digits_heading (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget)
         && strcmp (gtk_label_get_text (GTK_LABEL (widget)), "Each digit as the network sees it") == 0;
}

/* Where the heading over the digits stands in the view, from its left edge. */
static double
heading_position (RlNumberView *view)
{
  GtkWidget *heading = ui_test_find_widget (GTK_WIDGET (view), is_digits_heading, NULL);
  graphene_point_t at;

  g_assert_nonnull (heading);
  g_assert_true (gtk_widget_compute_point (heading, GTK_WIDGET (view), &GRAPHENE_POINT_INIT (0, 0),
                                           &at));
  g_test_message ("the digits' heading at x = %.0f", at.x);
  return at.x;
}

/* Three digits side by side, each a built-in sketch at its own size and height, as strokes
 * through the canvas: the page reads them without any call to the reader from here. */
static void
test_number_reads (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = number_view (window);
  RlCanvas *canvas = rl_number_view_get_canvas (view);
  const RlReading *reading;
  double heading_x;

  rl_window_set_view (window, "number");
  g_assert_cmpstr (rl_window_get_view (window), ==, "number");
  ui_test_spin (200);
  g_assert_cmpfloat (rl_canvas_get_aspect (canvas), >, 2);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "");
  heading_x = heading_position (view);

  ui_test_write_307 (view, "307");
  reading = rl_number_view_get_reading (view);
  g_assert_nonnull (reading);
  g_assert_cmpuint (reading->n, ==, 3);
  for (guint i = 0; i < reading->n; i++)
    {
      g_assert_cmpfloat (reading->digits[i].confidence, >, 0.5f);
      g_assert_cmpint (reading->digits[i].box.width, >, 0);
    }
  /* the digits' heading stays where it was: the columns do not move when a number comes */
  g_assert_cmpfloat (heading_position (view), ==, heading_x);
  /* boxes left to right, inside the ink image */
  g_assert_cmpint (reading->digits[0].box.x, <, reading->digits[1].box.x);
  g_assert_cmpint (reading->digits[1].box.x, <, reading->digits[2].box.x);

  /* Undo takes the 7's last stroke; Clear empties it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "number.clear", NULL));
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "");
  g_assert_true (rl_canvas_is_empty (canvas));
  /* the Draw canvas is another one, untouched */
  g_assert_true (rl_canvas_is_empty (rl_draw_view_get_canvas (rl_window_get_draw_view (window))));

  ui_test_destroy_window (window);
}

/* A long number at 800 x 600 (the smallest screen the app is laid out for): the window keeps
 * its width and the canvas its place. Before, the number's label and the row of digit images
 * took their whole width as the view's minimum: eight digits pushed the window to 998 px and
 * moved the canvas under the pen. */
static void
test_number_long (void)
{
  RlWindow *window = ui_test_new_window_sized (800, 600);
  RlNumberView *view = number_view (window);
  RlCanvas *canvas = rl_number_view_get_canvas (view);
  const RlReading *reading;
  graphene_rect_t before, after;
  GtkRequisition minimum;
  int width;

  rl_window_set_view (window, "number");
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  width = gtk_widget_get_width (GTK_WIDGET (window));
  g_assert_cmpint (width, <=, 800);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (canvas), GTK_WIDGET (window), &before));

  for (guint i = 0; i < 16; i++)
    ui_test_add_digit (canvas, (i * 7 + 1) % 10, 0.17, 0.04 + i * 0.195, 0.0);
  g_assert_true (ui_test_wait_for (reads, window, 5));
  /* the throttle's time for a later reading, then the layout it leaves */
  ui_test_spin (2 * RL_NUMBER_VIEW_THROTTLE_MS + 200);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  reading = rl_number_view_get_reading (view);
  g_assert_nonnull (reading);
  g_test_message ("read %u digits: %s", reading->n, rl_number_view_get_text (view));
  /* a long number, or the test proves nothing */
  g_assert_cmpuint (reading->n, >=, 12);

  gtk_widget_get_preferred_size (GTK_WIDGET (window), &minimum, NULL);
  g_test_message ("the window: %d px wide, at least %d", gtk_widget_get_width (GTK_WIDGET (window)),
                  minimum.width);
  g_assert_cmpint (minimum.width, <=, 800);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, width);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (canvas), GTK_WIDGET (window), &after));
  g_assert_true (graphene_rect_equal (&before, &after));

  ui_test_destroy_window (window);
}

/* A photographed number: the first three test digits of tests/data/mnist-mini (7, 2, 1). */
static char *
write_number_picture (const char *dir)
{
  g_autofree char *mini = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (mini, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  char *path = g_build_filename (dir, "number.pgm", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (test->labels[0] * 100 + test->labels[1] * 10 + test->labels[2], ==, 721);
  picture_test_write_number (test, path);
  return path;
}

static gboolean
clear_enabled (RlNumberView *view)
{
  GtkWidget *button = ui_test_find_widget (GTK_WIDGET (view), ui_test_is_action_button,
                                           "number.clear");

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static gboolean
picture_shown (gpointer data)
{
  return rl_number_view_get_image_name (data) != NULL;
}

/* Open Digit Image from the Number page reads the picture as a number, in the page; a file
 * that is no picture leaves it there with a dialog; a stroke takes its place. */
static void
test_number_picture (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = number_view (window);
  RlCanvas *canvas = rl_number_view_get_canvas (view);
  g_autofree char *dir = g_dir_make_tmp ("reslab-number-XXXXXX", NULL);
  g_autofree char *path = write_number_picture (dir);
  g_autofree char *bad = g_build_filename (dir, "notes.pgm", NULL);
  g_autofree char *text = NULL;
  const RlReading *reading;

  rl_window_set_view (window, "number");
  ui_test_spin (200);
  g_assert_false (clear_enabled (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path));
  g_assert_true (ui_test_wait_for (picture_shown, view, 30));
  g_assert_cmpstr (rl_window_get_view (window), ==, "number");
  g_assert_cmpstr (rl_number_view_get_image_name (view), ==, "number.pgm");
  g_assert_true (rl_canvas_has_image (canvas));
  /* the canvas's "changed" comes round again a frame later: the picture must outlive it */
  ui_test_spin (200);
  rl_number_view_flush (view);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");
  reading = rl_number_view_get_reading (view);
  g_assert_cmpuint (reading->n, ==, 3);
  g_assert_cmpint (reading->digits[0].box.x, <, reading->digits[1].box.x);
  g_assert_true (clear_enabled (view));
  /* the Draw page was not touched */
  g_assert_null (rl_draw_view_get_image_name (rl_window_get_draw_view (window)));

  /* no picture: a dialog naming it; the number stays */
  g_assert_true (g_file_set_contents (bad, "P5\n3 3\n255\nxx", -1, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", bad));
  text = ui_test_take_message ("Could not open “notes.pgm”\n");
  g_assert_cmpstr (rl_number_view_get_image_name (view), ==, "number.pgm");
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");

  /* a stroke replaces it; Clear then Undo brings the stroke back, not the picture */
  ui_test_add_digit (canvas, 3, 0.9, 0.1, 0.0);
  rl_number_view_flush (view);
  g_assert_null (rl_number_view_get_image_name (view));
  g_assert_false (rl_canvas_has_image (canvas));
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "3");

  /* and Clear takes a picture out */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path));
  g_assert_true (ui_test_wait_for (picture_shown, view, 30));
  g_assert_true (rl_canvas_is_empty (canvas));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "number.clear", NULL));
  g_assert_null (rl_number_view_get_image_name (view));
  g_assert_false (rl_canvas_has_image (canvas));
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "");

  g_unlink (path);
  g_unlink (bad);
  g_rmdir (dir);
  ui_test_destroy_window (window);
}

/* Named on the command line or dropped (win.open-file) outside the Number page, a picture of
 * a number goes to the Number page, which is shown, and is read there; Draw is not touched.
 * (One digit goes to Draw: /ui/window/open-image.) */
static void
test_number_picture_by_content (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = number_view (window);
  g_autofree char *dir = g_dir_make_tmp ("reslab-number-XXXXXX", NULL);
  g_autofree char *path = write_number_picture (dir);

  rl_window_set_view (window, "draw");
  ui_test_spin (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s", path));
  g_assert_true (ui_test_wait_for (picture_shown, view, 30));
  g_assert_cmpstr (rl_window_get_view (window), ==, "number");
  g_assert_cmpstr (rl_number_view_get_image_name (view), ==, "number.pgm");
  ui_test_spin (200);
  rl_number_view_flush (view);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");
  g_assert_null (rl_draw_view_get_image_name (rl_window_get_draw_view (window)));
  g_assert_false (rl_predictor_has_input (rl_window_get_predictor (window)));

  g_unlink (path);
  g_rmdir (dir);
  ui_test_destroy_window (window);
}

/* ---- pasting ------------------------------------------------------------------------------ */

/* The picture of write_number_picture() as a texture, as a screenshot tool would copy it. */
static GdkTexture *
texture_from_pgm (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) rgb = NULL;
  gsize length;
  int w, h, header;
  guint8 *pixels;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpint (sscanf (contents, "P5\n%d %d\n255\n%n", &w, &h, &header), ==, 2);
  g_assert_cmpuint (length, ==, (gsize) header + (gsize) w * h);
  pixels = g_malloc ((gsize) w * h * 3);
  for (gsize i = 0; i < (gsize) w * h; i++)
    pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = (guint8) contents[header + i];
  rgb = g_bytes_new_take (pixels, (gsize) w * h * 3);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, rgb, (gsize) w * 3);
}

static gboolean
toast_says (RlWindow   *window,
            const char *prefix)
{
  GtkWidget *label = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, prefix);
  GtkWidget *revealer = label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER) : NULL;

  return revealer != NULL && gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

/* A picture of more pixels than the readers take (RL_IMAGE_MAX_PIXELS), each side within
 * RL_IMAGE_MAX_SIDE, as memory that may not be read: see test_paste_image. */
#define LARGE_WIDTH  8193
#define LARGE_HEIGHT 8192
#define LARGE_BYTES  ((gsize) LARGE_WIDTH * LARGE_HEIGHT * 3)

static void
unmap_large_pixels (gpointer pixels)
{
  munmap (pixels, LARGE_BYTES);
}

/* Paste Image (Ctrl+V): a picture on the clipboard is read by its content, as a drop: from Draw,
 * a number goes to the Number page; on the Number page, it is read there; files copied in a
 * file manager are opened; text is not a picture and changes nothing; a blank picture gets a
 * dialog and leaves the number. */
static void
test_paste_image (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = number_view (window);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  g_autofree char *dir = g_dir_make_tmp ("reslab-paste-XXXXXX", NULL);
  g_autofree char *path = write_number_picture (dir);
  g_autoptr (GdkTexture) texture = texture_from_pgm (path);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GdkFileList *files = gdk_file_list_new_from_array (&file, 1);
  g_autoptr (GBytes) white_pixels = g_bytes_new_take (g_malloc0 (64 * 64 * 3), 64 * 64 * 3);
  g_autoptr (GdkTexture) blank = NULL;
  g_autofree char *text = NULL;

  /* a picture of a number, pasted in Draw */
  rl_window_set_view (window, "draw");
  ui_test_spin (200);
  gdk_clipboard_set_texture (clipboard, texture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-image", NULL));
  g_assert_true (ui_test_wait_for (picture_shown, view, 30));
  g_assert_cmpstr (rl_window_get_view (window), ==, "number");
  g_assert_cmpstr (rl_number_view_get_image_name (view), ==, "Pasted image");
  ui_test_spin (200);
  rl_number_view_flush (view);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");
  g_assert_false (rl_predictor_has_input (rl_window_get_predictor (window)));

  /* text: nothing to read, a notice, the number stays */
  gtk_widget_activate_action (GTK_WIDGET (view), "number.clear", NULL);
  gdk_clipboard_set_text (clipboard, "721");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-image", NULL));
  ui_test_spin (200);
  g_assert_true (toast_says (window, "The clipboard holds no picture"));
  g_assert_null (rl_number_view_get_image_name (view));
  g_assert_null (ui_test_find_message_dialog ());

  /* the file, copied in a file manager, pasted on the Number page */
  gdk_clipboard_set (clipboard, GDK_TYPE_FILE_LIST, files);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-image", NULL));
  g_assert_true (ui_test_wait_for (picture_shown, view, 30));
  g_assert_cmpstr (rl_number_view_get_image_name (view), ==, "number.pgm");
  ui_test_spin (200);
  rl_number_view_flush (view);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");

  /* a blank picture: a dialog, and the number stays */
  blank = gdk_memory_texture_new (64, 64, GDK_MEMORY_R8G8B8, white_pixels, 64 * 3);
  gdk_clipboard_set_texture (clipboard, blank);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-image", NULL));
  text = ui_test_take_message ("Could not read the pasted image\n");
  g_assert_cmpstr (rl_number_view_get_image_name (view), ==, "number.pgm");
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");

  /* wider than the readers take: the same dialog, with the size */
  {
    g_autoptr (GBytes) line = g_bytes_new_take (g_malloc0 (16385 * 3), 16385 * 3);
    g_autoptr (GdkTexture) wide = gdk_memory_texture_new (16385, 1, GDK_MEMORY_R8G8B8, line,
                                                          16385 * 3);
    g_autofree char *said = NULL;

    gdk_clipboard_set_texture (clipboard, wide);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-image", NULL));
    said = ui_test_take_message (NULL);
    g_assert_nonnull (strstr (said, "16385 x 1 pixels is larger than 16384"));
    g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");
  }

  /* more pixels in all than the readers take, each side within bounds: the files' message,
   * before the picture is encoded. Its pixels are memory that may not be read (a texture
   * keeps the bytes it is given): encoding them would crash the test. */
  {
    void *pixels = mmap (NULL, LARGE_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_autoptr (GBytes) bytes = NULL;
    g_autoptr (GdkTexture) large = NULL;
    g_autofree char *said = NULL;

    g_assert_true (pixels != MAP_FAILED);
    bytes = g_bytes_new_with_free_func (pixels, LARGE_BYTES, unmap_large_pixels, pixels);
    large = gdk_memory_texture_new (LARGE_WIDTH, LARGE_HEIGHT, GDK_MEMORY_R8G8B8, bytes,
                                    LARGE_WIDTH * 3);
    gdk_clipboard_set_texture (clipboard, large);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste-image", NULL));
    said = ui_test_take_message ("Could not read the pasted image\n"
                                 "Pasted image: image of 8193 x 8192 pixels is more than "
                                 "67108864 pixels in all");
    g_assert_cmpstr (rl_number_view_get_text (view), ==, "721");
    gdk_clipboard_set_text (clipboard, "");
  }

  g_boxed_free (GDK_TYPE_FILE_LIST, files);
  g_unlink (path);
  g_rmdir (dir);
  ui_test_destroy_window (window);
}

/* ---- your digits and learning from them --------------------------------------------------- */

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static gboolean
model_path_is (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (rl_window_get_model_path (args[0]), args[1]) == 0;
}

static gboolean
model_path_changed (gpointer data)
{
  gpointer *args = data;
  const char *path = rl_window_get_model_path (args[0]);

  return path != NULL && g_strcmp0 (path, args[1]) != 0;
}

/* The model files (not their initial weights) in @dir. */
static guint
count_model_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, ".safetensors") && !g_str_has_suffix (name, ".initial.safetensors");
  return n;
}

static gboolean
can_add (gpointer data)
{
  RlTeachRow *row = data;

  return gtk_widget_get_sensitive (rl_teach_row_get_digit_button (row, 0));
}

/* Draws @digit in Draw and says what it is with the button. */
static void
teach_digit (RlWindow *window,
             guint     digit,
             double    scale)
{
  RlDrawView *draw = rl_window_get_draw_view (window);
  RlTeachRow *row = rl_draw_view_get_teach_row (draw);

  ui_test_add_digit (rl_draw_view_get_canvas (draw), digit, scale, 0, 0);
  rl_draw_view_flush (draw);
  g_assert_true (ui_test_wait_for (can_add, row, 5));
  /* a click (GtkButton's activate emits "clicked" after its press animation) */
  g_signal_emit_by_name (rl_teach_row_get_digit_button (row, digit), "clicked");
  /* the canvas is cleared for the next one */
  g_assert_true (rl_canvas_is_empty (rl_draw_view_get_canvas (draw)));
}

static void
test_teach (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlDrawView *draw = rl_window_get_draw_view (window);
  RlTeachRow *row = rl_draw_view_get_teach_row (draw);
  RlMineView *mine = rl_teach_row_get_mine_view (row);
  RlModelStore *store = rl_window_get_model_store (window);
  g_autofree char *dir = rl_userset_default_dir ();
  g_autofree char *images = g_build_filename (dir, RL_USERSET_IMAGES, NULL);
  g_autofree char *start = NULL;
  g_autofree char *start_sum = NULL;
  g_autoptr (GBytes) bundled = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) set = NULL;
  guint n_models;

  /* your digits live in the test's private data folder */
  g_assert_true (g_str_has_prefix (dir, ui_test_tmp_dir));
  g_assert_cmpstr (rl_mine_view_get_dir (mine), ==, dir);
  g_assert_cmpuint (rl_mine_view_get_n_digits (mine), ==, 0);

  /* Start from a model file of the store (the bundled model's bytes), so that "never
   * overwritten" is about a file. */
  bundled = g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE, 0, &error);
  if (bundled == NULL)
    {
      g_test_skip ("no bundled model");
      ui_test_destroy_window (window);
      return;
    }
  g_assert_true (g_mkdir_with_parents (rl_model_store_get_dir (store), 0755) == 0);
  start = g_build_filename (rl_model_store_get_dir (store), "20240101-000000-start.safetensors",
                            NULL);
  g_assert_true (g_file_set_contents (start, g_bytes_get_data (bundled, NULL),
                                      (gssize) g_bytes_get_size (bundled), NULL));
  start_sum = file_checksum (start);
  rl_model_store_reload (store);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.use-model", "s", start));
  {
    gpointer args[2] = { window, start };

    g_assert_true (ui_test_wait_for (model_path_is, args, 10));
  }

  /* no drawing: nothing to add */
  ui_test_spin (100);
  g_assert_false (gtk_widget_get_sensitive (rl_teach_row_get_digit_button (row, 3)));
  /* a model of digits: the ten buttons are there, greyed until a drawing */
  g_assert_true (rl_teach_row_get_for_digits (row));
  g_assert_true (gtk_widget_is_visible (rl_teach_row_get_digit_button (row, 3)));

  /* a drawing, labelled: it joins the set, as the network saw it */
  teach_digit (window, 3, 1.0);
  g_assert_cmpuint (rl_mine_view_get_n_digits (mine), ==, 1);
  set = rl_userset_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->n, ==, 1);
  g_assert_cmpuint (set->labels[0], ==, 3);
  g_clear_pointer (&set, rl_dataset_unref);

  /* deleted: the set is gone, files and all */
  g_assert_true (rl_mine_view_delete (mine, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rl_mine_view_get_n_digits (mine), ==, 0);
  g_assert_false (g_file_test (images, G_FILE_TEST_EXISTS));

  /* A wrong button, taken back from the notification: the digit leaves the set and its
   * drawing comes back. Taken back once the set changed under it: it does not delete
   * another digit, and says so. */
  {
    RlCanvas *canvas = rl_draw_view_get_canvas (draw);
    GtkMessageDialog *dialog;
    g_autofree char *text = NULL;

    ui_test_add_digit (canvas, 2, 1.0, 0, 0);
    rl_draw_view_flush (draw);
    g_assert_true (ui_test_wait_for (can_add, row, 5));
    g_signal_emit_by_name (rl_teach_row_get_digit_button (row, 5), "clicked");
    g_assert_cmpuint (rl_mine_view_get_n_digits (mine), ==, 1);
    g_assert_true (rl_canvas_is_empty (canvas));
    g_assert_nonnull (strstr (rl_window_get_notification (window), "as a 5"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-add-digit",
                                               NULL));
    g_assert_cmpuint (rl_mine_view_get_n_digits (mine), ==, 0);
    g_assert_false (g_file_test (images, G_FILE_TEST_EXISTS));
    g_assert_null (rl_window_get_notification (window));
    g_assert_false (rl_canvas_is_empty (canvas));
    rl_draw_view_flush (draw);
    g_assert_true (rl_predictor_has_input (rl_window_get_predictor (window)));
    g_assert_cmpint (rl_predictor_get_prediction (rl_window_get_predictor (window)), ==, 2);

    g_signal_emit_by_name (rl_teach_row_get_digit_button (row, 2), "clicked");
    teach_digit (window, 8, 1.0);
    g_assert_true (rl_mine_view_delete (mine, 1, &error));
    g_assert_no_error (error);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-add-digit",
                                               NULL));
    dialog = ui_test_find_message_dialog ();
    g_assert_nonnull (dialog);
    text = ui_test_dialog_text (dialog);
    g_test_message ("%s", text);
    g_assert_true (g_str_has_prefix (text, "Could not take the digit back\n"));
    gtk_window_destroy (GTK_WINDOW (dialog));
    set = rl_userset_load (dir, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (set->n, ==, 1);
    g_assert_cmpuint (set->labels[0], ==, 2);
    g_clear_pointer (&set, rl_dataset_unref);
    g_assert_true (rl_mine_view_delete (mine, 0, &error));
    g_assert_no_error (error);
  }

  /* a few digits, then Learn */
  teach_digit (window, 7, 0.9);
  teach_digit (window, 1, 1.1);
  teach_digit (window, 4, 0.8);
  g_assert_cmpuint (rl_mine_view_get_n_digits (mine), ==, 3);
  n_models = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_signal_emit_by_name (mine, "learn");
  {
    gpointer args[2] = { window, start };

    g_assert_true (ui_test_wait_for (model_path_changed, args, 120));
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_models + 1);
  {
    const char *taught = rl_window_get_model_path (window);
    RlModelItem *item = rl_model_store_find (store, taught);

    g_assert_true (g_str_has_prefix (taught, rl_model_store_get_dir (store)));
    g_assert_nonnull (item);
    g_assert_cmpstr (rl_model_item_get_name (item), ==, "Taught 3 of your digits");
    /* measured on MNIST's test set, shown in the list */
    g_assert_cmpfloat (rl_model_item_get_test_accuracy (item), >, 0.9);
  }
  /* the model it started from: the same bytes */
  {
    g_autofree char *sum = file_checksum (start);

    g_assert_cmpstr (sum, ==, start_sum);
  }
  /* the grid: each digit before and after */
  g_assert_cmpuint (rl_mine_view_get_n_results (mine), ==, 3);

  /* Learn again and close at once: it does not ask, and it does not drop the taught model;
   * the window waits for it to be saved, then goes. */
  {
    g_autofree char *models_dir = g_strdup (rl_model_store_get_dir (store));
    guint files_before = count_model_files (models_dir);

    g_signal_emit_by_name (mine, "learn");
    gtk_window_close (GTK_WINDOW (window));
    ui_test_spin (50);
    g_assert_false (ui_test_window_gone (window));
    g_assert_null (ui_test_find_message_dialog ());
    g_assert_true (ui_test_wait_for (ui_test_window_gone, window, 120));
    g_assert_cmpuint (count_model_files (models_dir), ==, files_before + 1);
  }
  g_assert_finalize_object (window);
}

static gboolean
learning_failed (gpointer data)
{
  return ui_test_find_widget (data, ui_test_is_label_starting, "Learning needs MNIST") != NULL;
}

/* Learn without MNIST: it says what is missing, and the failed load leaves nothing behind
 * (before, it left learning "busy" for good: Learn did nothing again and closing the window
 * waited forever). */
static void
test_teach_without_mnist (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlMineView *mine = rl_teach_row_get_mine_view (
    rl_draw_view_get_teach_row (rl_window_get_draw_view (window)));
  g_autofree char *empty = g_build_filename (g_get_user_cache_dir (), "no-mnist", NULL);

  g_assert_true (g_mkdir_with_parents (empty, 0700) == 0);
  rl_dataset_loader_clear_cache ();
  rl_dataset_set_default_dir (RL_DATASET_MNIST, empty);

  teach_digit (window, 2, 1.0);
  g_signal_emit_by_name (mine, "learn");
  g_assert_true (ui_test_wait_for (learning_failed, mine, 30));

  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (ui_test_window_gone (window));
  g_assert_null (ui_test_find_message_dialog ());
  g_assert_finalize_object (window);
  rl_dataset_set_default_dir (RL_DATASET_MNIST, NULL);
}

static guint
count_labels (GtkWidget  *widget,
              const char *text)
{
  guint n = GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_labels (child, text);
  return n;
}

static gboolean
is_label (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strcmp (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* Learn's grid sets the digits in two blocks of columns, each under its headings; one digit
 * fills one block, and the second block's headings stood over nothing. */
static void
test_teach_grid (void)
{
  g_autoptr (RlDataset) test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, NULL);
  RlMineView *mine;

  if (test == NULL)
    {
      g_test_skip ("no MNIST test set: ./dev.sh data fetches it");
      return;
    }
  mine = RL_MINE_VIEW (g_object_ref_sink (rl_mine_view_new ()));
  for (guint n = 1; n <= 3; n++)
    {
      g_autoptr (RlDataset) digits = rl_dataset_new_range (test, 0, n);
      uint8_t labels[3], before[3], after[3];
      float conf[3] = { 0.9f, 0.8f, 0.7f };
      RlTeachReport report = {
        .n = n, .labels = labels, .before = before, .after = after,
        .conf_before = conf, .conf_after = conf,
      };
      RlTeachResult result = { .report = &report, .mine = digits };

      for (guint i = 0; i < n; i++)
        labels[i] = before[i] = after[i] = digits->labels[i];
      rl_mine_view_show_result (mine, &result, "summary");
      g_assert_cmpuint (rl_mine_view_get_n_results (mine), ==, n);
      g_assert_cmpuint (count_labels (GTK_WIDGET (mine), "Digit"), ==, (n > 1 ? 2 : 1));
      g_assert_cmpuint (count_labels (GTK_WIDGET (mine), "After"), ==, (n > 1 ? 2 : 1));
    }
  /* a reading is as sure as the model was, never "100 %" it was not, and a model whose
   * probabilities came out NaN says so (its class is torch.argmax's), not "– %" */
  {
    g_autoptr (RlDataset) digits = rl_dataset_new_range (test, 0, 1);
    uint8_t label = digits->labels[0];
    float sure = 0.99996f, nan = NAN;
    RlTeachReport report = {
      .n = 1, .labels = &label, .before = &label, .after = &label,
      .conf_before = &sure, .conf_after = &nan,
    };
    RlTeachResult result = { .report = &report, .mine = digits };
    g_autofree char *before = g_strdup_printf ("%u (>99 %%)", label);
    g_autofree char *after = g_strdup_printf ("%u (NaN)", label);

    rl_mine_view_show_result (mine, &result, "summary");
    g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (mine), is_label, before));
    g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (mine), is_label, after));
  }
  g_object_unref (mine);
}

static gboolean
shows_nan (GtkWidget *widget, gconstpointer data)
{
  /* printf's "nan" or "-nan", where a number was meant */
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), "nan") != NULL;
}

/* The model in use with a NaN in fc.bias[3]: every digit's probabilities are NaN and its class
 * the one torch.argmax gives, 3, so 3, 0 and 7 written are read "333"; the page says the
 * probabilities are not numbers, under the number and under each digit ("nan %" was shown). */
static void
test_number_not_a_number (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = number_view (window);
  RlPredictor *predictor = rl_window_get_predictor (window);
  RlModel *model = rl_predictor_get_model (predictor);
  g_autofree float *params = g_memdup2 (rl_model_get_params (model),
                                        rl_model_get_n_params (model) * sizeof (float));
  const RlReading *reading;

  params[rl_model_lookup_tensor (model, "fc.bias")->offset + 3] = NAN;
  g_assert_true (rl_predictor_set_params (predictor, params, rl_model_get_n_params (model)));
  rl_window_set_view (window, "number");
  ui_test_write_307 (view, "333");
  reading = rl_number_view_get_reading (view);
  g_assert_cmpuint (reading->n, ==, 3);
  for (guint i = 0; i < reading->n; i++)
    g_assert_true (isnan (reading->digits[i].confidence));

  g_assert_null (ui_test_find_widget (GTK_WIDGET (view), shows_nan, NULL));
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label,
                                         "The network’s probabilities are not numbers (NaN)."));
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_label, "NaN"));

  ui_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/numbers/number-reads", test_number_reads);
  ui_test_add ("/ui/numbers/number-long", test_number_long);
  ui_test_add ("/ui/numbers/number-not-a-number", test_number_not_a_number);
  ui_test_add ("/ui/numbers/number-picture", test_number_picture);
  ui_test_add ("/ui/numbers/number-picture-by-content", test_number_picture_by_content);
  ui_test_add ("/ui/numbers/paste-image", test_paste_image);
  ui_test_add ("/ui/numbers/teach", test_teach);
  ui_test_add ("/ui/numbers/teach-grid", test_teach_grid);
  ui_test_add ("/ui/numbers/teach-without-mnist", test_teach_without_mnist);

  return ui_test_run ();
}
