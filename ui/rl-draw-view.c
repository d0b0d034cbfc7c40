#define G_LOG_DOMAIN "reslab-ui"

/* rl-draw-view.c: the Draw view (see rl-draw-view.h): the canvas and its ink turned into the
 * 28 x 28 input, the prediction, Why?, "This is a…", the test image picker, and a picture shown
 * in place of the drawing (rl_draw_view_show_picture: the window opens the files).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-draw-view.h"

#include "rl-colormap.h"
#include "rl-dataset-loader.h"
#include "rl-square-area.h"
#include "rl-model-file.h"
#include "rl-widget-util.h"
#include "rl-why-view.h"

struct _RlDrawView
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget     *root;
  RlCanvas      *canvas;
  GtkWidget     *undo_button;
  GtkWidget     *undo_label;
  GtkWidget     *canvas_hint;
  GtkWidget     *focus_hint;
  GtkWidget     *input_note;      /* under "What the network sees": how the input was made */
  GtkWidget     *input_box;       /* the input and, under it, Why?'s legend and sentence */
  GtkWidget     *input_area;
  RlWhyView     *why_view;
  GtkSpinButton *image_spin;
  GtkWidget     *data_label;
  RlProbView    *prob_view;
  RlTeachRow    *teach_row;
  GtkWidget     *model_label;

  /* owned */
  RlPredictor   *predictor;
  GSignalGroup  *predictor_signals;
  RlDataset     *test_set;         /* of test_kind; NULL until loaded */
  RlDatasetKind  test_kind;
  GCancellable  *load_cancellable; /* the test set load in flight, if any */
  GRand         *rand;
  guint          tick_id;          /* pending frame-clock callback, or 0 */
  gboolean       ink_dirty;        /* strokes changed since the last prediction */
  int            shown_image;      /* test image in the input, or -1 */
  char          *shown_file;       /* the image file in the input (its name), or NULL */
  int            pending_image;    /* to show once the test set of another dataset loads */
  GtkWindow     *window;           /* borrowed: the root, while rooted */
  gboolean       canvas_focused;
  gboolean       undo_restores;    /* the undo button says "Restore Drawing" */
  gulong         focus_visible_id;
};

G_DEFINE_FINAL_TYPE (RlDrawView, rl_draw_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEST_SET_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the hint under the canvas ------------------------------------------------------------ */

static void show_image_number (RlDrawView *self);

/* What the texts say of the input: the hint under the canvas, the note under the 28 x 28
 * preview, the test image field's number. */
static void
update_hint (RlDrawView *self)
{
  g_autofree char *text = NULL;
  gboolean fashion;
  gboolean keyboard = self->canvas_focused && self->window != NULL
                      && gtk_window_get_focus_visible (self->window);

  /* one of the two, in one place; an AT reads only the one shown */
  gtk_widget_set_opacity (self->focus_hint, keyboard);
  gtk_widget_set_opacity (self->canvas_hint, !keyboard);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->focus_hint), GTK_ACCESSIBLE_STATE_HIDDEN,
                               !keyboard, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->canvas_hint), GTK_ACCESSIBLE_STATE_HIDDEN,
                               keyboard, -1);
  if (self->shown_image >= 0)
    text = g_strdup_printf (_("Test image %d · draw to replace it"), self->shown_image);
  else if (self->shown_file != NULL)
    text = g_strdup_printf (_("%s · draw to replace it"), self->shown_file);
  else
    text = g_strdup (_("Any size, anywhere"));
  gtk_label_set_text (GTK_LABEL (self->canvas_hint), text);

  /* A drawing or an image file is cut to its ink, scaled and centred as the model's dataset's
   * images were made; a test image goes in as it is stored. */
  fashion = self->predictor != NULL &&
            rl_predictor_get_kind (self->predictor) == RL_DATASET_FASHION;
  /* what to draw: what the model in use knows */
  rl_canvas_set_placeholder (self->canvas, fashion ? _("Draw clothing, a shoe or a bag here")
                                                   : _("Draw a digit here"));
  gtk_label_set_text (GTK_LABEL (self->input_note),
                      self->shown_image >= 0
                      ? _("28 × 28 pixels: the test image as the dataset stores it, read as it is.")
                      : self->shown_file != NULL && fashion
                      ? _("28 × 28 pixels: the image, its longer side scaled to 28 and centred, "
                          "like Fashion-MNIST (as reslab-cli predict reads it).")
                      : self->shown_file != NULL
                      ? _("28 × 28 pixels: the image’s ink, scaled into a 20 × 20 box and centred "
                          "by the centre of mass, like MNIST (as reslab-cli predict reads it).")
                      : fashion
                      ? _("28 × 28 pixels, the longer side scaled to 28 and centred, like "
                          "Fashion-MNIST.")
                      : _("28 × 28 pixels, scaled into a 20 × 20 box and centred by the centre of "
                          "mass, like MNIST."));
  show_image_number (self);
}

/* The note about the keyboard shows while the canvas has the focus and the window shows
 * focus (GTK turns that on with the first key press and off with the pointer). */
static void
canvas_focus_enter_cb (GtkEventControllerFocus *controller,
                       RlDrawView              *self)
{
  /* the widget itself only reports the focus after "enter" */
  self->canvas_focused = TRUE;
  update_hint (self);
}

static void
canvas_focus_leave_cb (GtkEventControllerFocus *controller,
                       RlDrawView              *self)
{
  self->canvas_focused = FALSE;
  update_hint (self);
}

static void
focus_visible_cb (GtkWindow  *window,
                  GParamSpec *pspec,
                  RlDrawView *self)
{
  update_hint (self);
}

static void
rl_draw_view_root (GtkWidget *widget)
{
  RlDrawView *self = RL_DRAW_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (rl_draw_view_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    {
      self->window = GTK_WINDOW (root);
      self->focus_visible_id = g_signal_connect (root, "notify::focus-visible",
                                                 G_CALLBACK (focus_visible_cb), self);
    }
}

static void
rl_draw_view_unroot (GtkWidget *widget)
{
  RlDrawView *self = RL_DRAW_VIEW (widget);

  if (self->window != NULL)
    g_clear_signal_handler (&self->focus_visible_id, self->window);
  self->window = NULL;

  GTK_WIDGET_CLASS (rl_draw_view_parent_class)->unroot (widget);
}

/* ---- the undo button ---------------------------------------------------------------------- */

/* Undo takes the last stroke away or, with none left, brings back the whole drawing that Clear,
 * a test image or an image file took away (rl_canvas_undo): the button says which, where
 * "Undo Stroke" said one stroke would come back. */
static void
update_undo_button (RlDrawView *self)
{
  gboolean restore = rl_canvas_get_n_strokes (self->canvas) == 0
                     && rl_canvas_can_undo (self->canvas);

  if (restore == self->undo_restores)
    return;   /* not again at each point of a stroke */
  self->undo_restores = restore;
  gtk_label_set_text_with_mnemonic (GTK_LABEL (self->undo_label),
                                    restore ? _("_Restore Drawing") : _("Undo _Stroke"));
  gtk_widget_set_tooltip_text (self->undo_button,
                               restore ? _("Bring back the drawing that was cleared or replaced "
                                           "(Ctrl+Z)")
                                       : _("Undo the last stroke (Ctrl+Z)"));
}

/* ---- prediction from the canvas ----------------------------------------------------------- */

static void
paint_why_on_canvas (RlCanvas *canvas, cairo_t *cr, gpointer data)
{
  rl_why_view_paint_on_canvas (RL_WHY_VIEW (data), cr);
}

static void
predict_from_canvas (RlDrawView *self)
{
  g_autofree float *ink = NULL;

  self->ink_dirty = FALSE;
  if (self->predictor == NULL)
    return;

  if (rl_canvas_is_empty (self->canvas))
    {
      /* a test image or an image file is not strokes: it stays until something replaces it */
      if (self->shown_image < 0 && self->shown_file == NULL)
        rl_predictor_set_image (self->predictor, NULL, -1);
      return;
    }

  ink = rl_canvas_render_ink (self->canvas, RL_DRAW_VIEW_INK_SIDE, RL_DRAW_VIEW_INK_SIDE);
  rl_predictor_set_ink (self->predictor, ink, RL_DRAW_VIEW_INK_SIDE, RL_DRAW_VIEW_INK_SIDE);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  RlDrawView *self = RL_DRAW_VIEW (user_data);

  self->tick_id = 0;
  if (self->ink_dirty)
    predict_from_canvas (self);
  return G_SOURCE_REMOVE;
}

static void
canvas_changed_cb (RlCanvas   *canvas,
                   RlDrawView *self)
{
  if (!rl_canvas_is_empty (canvas) && (self->shown_image >= 0 || self->shown_file != NULL))
    {
      self->shown_image = -1;
      g_clear_pointer (&self->shown_file, g_free);
      update_hint (self);
    }

  update_undo_button (self);
  self->ink_dirty = TRUE;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (canvas), tick_cb, self, NULL);
}

/* ---- showing the result ------------------------------------------------------------------- */

static void
input_draw_func (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  RlDrawView *self = RL_DRAW_VIEW (user_data);
  int side = MIN (width, height);

  if (self->predictor == NULL)
    return;

  rl_colormap_paint (cr, RL_COLORMAP_GREY, rl_predictor_get_image (self->predictor),
                     RL_MNIST_SIDE, RL_MNIST_SIDE, 0, 1, 0, 0, side, side);
  rl_why_view_paint (self->why_view, cr, side);
}

static void
predictor_updated_cb (RlPredictor *predictor,
                      RlDrawView  *self)
{
  guint n_classes;
  const float *probs = rl_predictor_get_probs (predictor, &n_classes);
  RlDatasetKind kind = rl_predictor_get_kind (predictor);

  if (rl_predictor_has_input (predictor) && n_classes > 0)
    rl_prob_view_set_probs (self->prob_view, probs, n_classes,
                            rl_predictor_get_prediction (predictor), kind,
                            rl_predictor_get_true_label (predictor));
  else
    rl_prob_view_clear (self->prob_view, n_classes > 0 ? n_classes : 10, kind);

  gtk_widget_queue_draw (self->input_area);
}

/* ---- the test set ------------------------------------------------------------------------- */

/* The field names the test image in the input, and no other: it is empty while the input is
 * a drawing (one brought back by Undo too), an image file or nothing, and until the test set is
 * loaded. Its value stays the last image's, for + and − to step from. */
static gboolean
image_number_shown (RlDrawView *self)
{
  return self->test_set != NULL && self->shown_image >= 0;
}

/* An AT reads a spin button's value, which GTK keeps as the adjustment's: -1 before any
 * image, the last image's number after a drawing replaced it. Its text says what the field
 * shows: the number, or that no test image is shown (aria-valuetext). */
static void
show_image_number (RlDrawView *self)
{
  g_autofree char *text = NULL;

  if (image_number_shown (self))
    text = g_strdup_printf ("%d", self->shown_image);
  gtk_editable_set_text (GTK_EDITABLE (self->image_spin), text != NULL ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->image_spin),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                  text != NULL ? text : _("none shown"), -1);
}

static void
set_data_text (RlDrawView *self,
               const char *text)
{
  /* the command is copied as one piece: no line break inside it */
  rl_label_set_text_keeping (GTK_LABEL (self->data_label), text, "./dev.sh data");
}

static void
test_set_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (RlDrawView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) ds = rl_dataset_loader_load_finish (result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);

  if (ds == NULL)
    {
      g_autofree char *dir = rl_dataset_default_dir (self->test_kind);

      /* the hint installs or fetches what is missing; a damaged file is said as it is */
      if (self->test_kind == RL_DATASET_FASHION
          && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        text = g_strdup_printf (_("No Fashion-MNIST test set in %s. Install it with: "
                                "sudo apt install dataset-fashion-mnist"), dir);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        text = g_strdup_printf (_("No MNIST test set in %s. Fetch it with: ./dev.sh data"), dir);
      else
        text = g_strdup_printf (_("Could not load the test set: %s"), error->message);
      set_data_text (self, text);
      return;
    }

  self->test_set = g_steal_pointer (&ds);
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->image_spin),
                            self->test_set->n - 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->image_spin), TRUE);
  show_image_number (self);
  text = g_strdup_printf (ngettext ("%'u %s test image, with its true label.", "%'u %s test images, with their true labels.", self->test_set->n), self->test_set->n,
                          rl_dataset_title (self->test_kind));
  set_data_text (self, text);
  if (self->pending_image >= 0)
    rl_draw_view_show_test_image (self, (guint) self->pending_image);
  self->pending_image = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEST_SET_READY]);
}

static void
load_test_set (RlDrawView    *self,
               RlDatasetKind  kind)
{
  gboolean was_ready = self->test_set != NULL;

  if (self->load_cancellable != NULL && self->test_kind == kind)
    return;
  if (self->test_set != NULL && self->test_kind == kind)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->test_set, rl_dataset_unref);
  self->test_kind = kind;
  gtk_widget_set_sensitive (GTK_WIDGET (self->image_spin), FALSE);
  show_image_number (self);
  set_data_text (self, _("Loading the test set…"));
  if (was_ready)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEST_SET_READY]);

  self->load_cancellable = g_cancellable_new ();
  rl_dataset_loader_load_async (kind, RL_SPLIT_TEST, self->load_cancellable, test_set_loaded_cb,
                         g_object_ref (self));
}

static void
predictor_model_changed_cb (RlPredictor *predictor,
                            RlDrawView  *self)
{
  RlDatasetKind kind = rl_predictor_get_kind (predictor);

  /* A test image of another dataset means nothing to this model: show the image with the
   * same number from the model's own test set instead, once it is loaded. */
  if (self->shown_image >= 0 && kind != self->test_kind)
    {
      int index = self->shown_image;

      rl_draw_view_clear (self);
      self->pending_image = index;
    }
  load_test_set (self, kind);
  /* a drawing is made again as the new model's dataset's images are */
  update_hint (self);
  if (!rl_canvas_is_empty (self->canvas))
    predict_from_canvas (self);
}

/* Until a test set is loaded the field is empty, not "0": there is no image 0 to show; nor
 * while no test image is in the input (show_image_number). */
static gboolean
on_image_spin_output (GtkSpinButton *spin,
                      RlDrawView    *self)
{
  if (image_number_shown (self))
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), "");
  return TRUE;
}

/* The field read back (Enter, the focus leaving, + and −) while it is empty: nothing typed
 * keeps the value, where GTK reads "" as 0 and would show test image 0. The number of the
 * last image typed again shows it again, though the value does not change. */
static int
on_image_spin_input (GtkSpinButton *spin,
                     double        *new_value,
                     RlDrawView    *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  guint64 index;

  if (image_number_shown (self))
    return FALSE;
  if (*text == '\0')
    {
      *new_value = gtk_spin_button_get_value (spin);
      return TRUE;
    }
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &index, NULL)
      && (int) index == gtk_spin_button_get_value_as_int (spin))
    rl_draw_view_show_test_image (self, (guint) index);
  return FALSE;
}

static void
on_image_spin_value_changed (GtkSpinButton *spin,
                             RlDrawView    *self)
{
  rl_draw_view_show_test_image (self, (guint) gtk_spin_button_get_value_as_int (spin));
}

/* ---- public API --------------------------------------------------------------------------- */

void
rl_draw_view_set_predictor (RlDrawView  *self,
                            RlPredictor *predictor)
{
  g_return_if_fail (RL_IS_DRAW_VIEW (self));

  if (!rl_predictor_signals_set (self->predictor_signals, &self->predictor, predictor))
    return;
  rl_why_view_set_predictor (self->why_view, predictor);
  if (predictor != NULL)
    {
      if (rl_predictor_get_model (predictor) != NULL)
        load_test_set (self, rl_predictor_get_kind (predictor));
      predictor_updated_cb (predictor, self);
    }
}

RlCanvas *
rl_draw_view_get_canvas (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), NULL);

  return self->canvas;
}

RlWhyView *
rl_draw_view_get_why_view (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), NULL);

  return self->why_view;
}

RlTeachRow *
rl_draw_view_get_teach_row (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), NULL);

  return self->teach_row;
}

RlProbView *
rl_draw_view_get_prob_view (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), NULL);

  return self->prob_view;
}

void
rl_draw_view_clear (RlDrawView *self)
{
  gboolean had_image;

  g_return_if_fail (RL_IS_DRAW_VIEW (self));

  had_image = self->shown_image >= 0 || rl_canvas_has_image (self->canvas);
  self->shown_image = -1;
  g_clear_pointer (&self->shown_file, g_free);
  update_hint (self);
  rl_canvas_set_image (self->canvas, NULL, 0, 0);
  if (!rl_canvas_is_empty (self->canvas))
    rl_canvas_clear (self->canvas);   /* "changed": the next frame predicts nothing */
  else if (had_image && self->predictor != NULL)
    rl_predictor_set_image (self->predictor, NULL, -1);
}

gboolean
rl_draw_view_undo (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), FALSE);

  return rl_canvas_undo (self->canvas);
}

void
rl_draw_view_flush (RlDrawView *self)
{
  g_return_if_fail (RL_IS_DRAW_VIEW (self));

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->canvas), self->tick_id);
      self->tick_id = 0;
    }
  if (self->ink_dirty)
    predict_from_canvas (self);
}

gboolean
rl_draw_view_get_test_set_ready (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), FALSE);

  return self->test_set != NULL;
}

const char *
rl_draw_view_get_input_note (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->input_note));
}

/* Another image, not drawn here (a test image, one opened from Errors, a photo): Why? explains
 * the model's answer again. A class chosen under Towards for the image before would go on
 * explaining that class unasked ("a 3" for a 7 read as a 2); while one draws, it holds. */
static void
new_image_explained (RlDrawView *self)
{
  rl_why_view_set_class (self->why_view, -1);
}

gboolean
rl_draw_view_show_test_image (RlDrawView *self,
                              guint       index)
{
  float image[RL_MNIST_SIDE * RL_MNIST_SIDE];
  const uint8_t *bytes;

  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), FALSE);

  if (self->test_set == NULL || self->predictor == NULL || index >= self->test_set->n
      || self->test_set->h != RL_MNIST_SIDE || self->test_set->w != RL_MNIST_SIDE
      || self->test_set->c != 1)
    return FALSE;

  bytes = self->test_set->images + (size_t) index * G_N_ELEMENTS (image);
  for (guint i = 0; i < G_N_ELEMENTS (image); i++)
    image[i] = bytes[i] / 255.0f;

  /* Drop the strokes first, so the canvas' "changed" does not clear the image again. */
  self->shown_image = -1;
  g_clear_pointer (&self->shown_file, g_free);
  rl_canvas_clear (self->canvas);
  rl_draw_view_flush (self);
  new_image_explained (self);   /* with no input yet: nothing is explained twice */

  self->shown_image = (int) index;
  rl_canvas_set_image (self->canvas, image, RL_MNIST_SIDE, RL_MNIST_SIDE);
  update_hint (self);

  /* an image shown: − goes back to image 0 at most (the bound was -1 until then) */
  g_signal_handlers_block_by_func (self->image_spin, on_image_spin_value_changed, self);
  gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (self->image_spin), 0);
  if (gtk_spin_button_get_value_as_int (self->image_spin) != (int) index)
    gtk_spin_button_set_value (self->image_spin, index);
  g_signal_handlers_unblock_by_func (self->image_spin, on_image_spin_value_changed, self);

  rl_predictor_set_image (self->predictor, image, self->test_set->labels[index]);
  return TRUE;
}

/* ---- an image file ------------------------------------------------------------------------ */

void
rl_draw_view_show_picture (RlDrawView  *self,
                           const float *digit,
                           const char  *name)
{
  g_return_if_fail (RL_IS_DRAW_VIEW (self));
  g_return_if_fail (digit != NULL && name != NULL);

  /* as a test image: the strokes go first, so that "changed" does not clear the image */
  self->shown_image = -1;
  g_clear_pointer (&self->shown_file, g_free);
  rl_canvas_clear (self->canvas);
  rl_draw_view_flush (self);
  new_image_explained (self);   /* with no input yet: nothing is explained twice */

  self->shown_file = g_strdup (name);
  rl_canvas_set_image (self->canvas, digit, RL_MNIST_SIDE, RL_MNIST_SIDE);
  update_hint (self);
  if (self->predictor != NULL)
    rl_predictor_set_image (self->predictor, digit, -1);
}

const char *
rl_draw_view_get_image_name (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), NULL);

  return self->shown_file;
}

gboolean
rl_draw_view_show_random_image (RlDrawView *self)
{
  g_return_val_if_fail (RL_IS_DRAW_VIEW (self), FALSE);

  if (self->test_set == NULL)
    return FALSE;
  return rl_draw_view_show_test_image (self, (guint) g_rand_int_range (self->rand, 0,
                                                                        (gint32) self->test_set->n));
}

void
rl_draw_view_set_model_description (RlDrawView *self,
                                    const char *text)
{
  g_return_if_fail (RL_IS_DRAW_VIEW (self));

  gtk_label_set_text (GTK_LABEL (self->model_label), text);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_draw_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  RlDrawView *self = RL_DRAW_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEST_SET_READY:
      g_value_set_boolean (value, self->test_set != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_draw_view_dispose (GObject *object)
{
  RlDrawView *self = RL_DRAW_VIEW (object);

  if (self->tick_id != 0 && self->canvas != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->canvas), self->tick_id);
  self->tick_id = 0;
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  rl_draw_view_set_predictor (self, NULL);
  g_clear_object (&self->predictor_signals);

  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_DRAW_VIEW);

  G_OBJECT_CLASS (rl_draw_view_parent_class)->dispose (object);
}

static void
rl_draw_view_finalize (GObject *object)
{
  RlDrawView *self = RL_DRAW_VIEW (object);

  g_free (self->shown_file);
  g_clear_pointer (&self->test_set, rl_dataset_unref);
  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (rl_draw_view_parent_class)->finalize (object);
}

static void
rl_draw_view_class_init (RlDrawViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_draw_view_get_property;
  object_class->dispose = rl_draw_view_dispose;
  object_class->finalize = rl_draw_view_finalize;
  widget_class->root = rl_draw_view_root;
  widget_class->unroot = rl_draw_view_unroot;

  properties[PROP_TEST_SET_READY] =
    g_param_spec_boolean ("test-set-ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RL_TYPE_CANVAS);
  g_type_ensure (RL_TYPE_PROB_VIEW);
  g_type_ensure (RL_TYPE_WHY_VIEW);
  g_type_ensure (RL_TYPE_SQUARE_AREA);
  g_type_ensure (RL_TYPE_TEACH_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-draw-view.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, root);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, canvas);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, undo_button);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, undo_label);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, canvas_hint);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, focus_hint);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, input_note);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, input_box);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, input_area);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, why_view);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, image_spin);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, data_label);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, prob_view);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, teach_row);
  gtk_widget_class_bind_template_child (widget_class, RlDrawView, model_label);
  gtk_widget_class_bind_template_callback (widget_class, on_image_spin_value_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_image_spin_output);
  gtk_widget_class_bind_template_callback (widget_class, on_image_spin_input);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rldrawview");
}

static void
rl_draw_view_init (RlDrawView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  rl_view_init_accessible (GTK_WIDGET (self), _("Draw a digit and see what the network reads"));
  rl_view_init_spin_wheel (GTK_WIDGET (self));

  self->shown_image = -1;
  self->pending_image = -1;
  self->rand = g_rand_new ();
  self->predictor_signals = rl_predictor_signals_new (G_CALLBACK (predictor_updated_cb),
                                                      G_CALLBACK (predictor_model_changed_cb), self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->image_spin), FALSE);
  /* No test image shown yet, the field empty: + shows the first, image 0 (the value is the
   * last image shown; rl_draw_view_show_test_image sets the lower bound to 0 for good) */
  g_signal_handlers_block_by_func (self->image_spin, on_image_spin_value_changed, self);
  gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (self->image_spin), -1);
  gtk_spin_button_set_value (self->image_spin, -1);
  g_signal_handlers_unblock_by_func (self->image_spin, on_image_spin_value_changed, self);
  show_image_number (self);

  g_signal_connect (self->canvas, "changed", G_CALLBACK (canvas_changed_cb), self);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect (focus, "enter", G_CALLBACK (canvas_focus_enter_cb), self);
    g_signal_connect (focus, "leave", G_CALLBACK (canvas_focus_leave_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->canvas), focus);
  }
  gtk_box_append (GTK_BOX (self->input_box), rl_why_view_get_key (self->why_view));
  g_signal_connect_object (self->why_view, "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self->input_area, G_CONNECT_SWAPPED);
  /* Why? colours the drawing itself too, not only the 28 x 28 preview. */
  rl_canvas_set_overlay_func (self->canvas, paint_why_on_canvas, self->why_view);
  g_signal_connect_object (self->why_view, "changed", G_CALLBACK (gtk_widget_queue_draw),
                           self->canvas, G_CONNECT_SWAPPED);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->input_area), input_draw_func,
                                  self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The 28 by 28 input the network sees"), -1);
}
