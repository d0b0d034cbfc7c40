#define G_LOG_DOMAIN "reslab-ui"

/* rl-canvas.c: Draw's square drawing area (see rl-canvas.h): strokes from a mouse, a finger
 * or a pen, what the screen shows, and the ink rendered for the network.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-canvas.h"

#include "rl-widget-util.h"

#include <math.h>

/* What the screen shows: a pen of a fixed width relative to the canvas. */
#define SCREEN_PEN_WIDTH   0.065
/* Bounds on the network's ink width, in canvas units, for tiny dots and huge scribbles. */
#define INK_WIDTH_MIN      0.012
#define INK_WIDTH_MAX      0.20
/* Points closer than this to the previous one (canvas units) add nothing. */
#define MIN_POINT_DISTANCE 0.002
/* Pressure of a mouse or finger, and of a pen that does not report it. */
#define DEFAULT_PRESSURE   0.5

typedef struct {
  double x, y;        /* canvas units */
  double pressure;    /* 0 .. 1 */
} InkPoint;

struct _RlCanvas
{
  GtkDrawingArea parent_instance;

  /* owned */
  GPtrArray *strokes;        /* of GArray<InkPoint>; the last may be in progress */
  GPtrArray *cleared;        /* the strokes the last clear removed, for undo; nullable */
  gboolean   drawing;        /* a gesture is adding to the last stroke */
  double     drag_x, drag_y; /* where the drag started, widget coordinates */
  cairo_surface_t *image;    /* A8, shown under the strokes; nullable */
  RlCanvasOverlayFunc overlay_func;  /* drawn over the strokes; nullable */
  gpointer   overlay_data;
  double     aspect;         /* width / height of the drawing area: 1 for a digit */
  char      *placeholder;    /* shown on an empty canvas; nullable: the default */

  /* borrowed (owned by the widget) */
  GtkGesture *drag;
  GtkGesture *stylus;
};

G_DEFINE_FINAL_TYPE (RlCanvas, rl_canvas, GTK_TYPE_DRAWING_AREA)

enum {
  CHANGED,
  STROKE_END,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- geometry ----------------------------------------------------------------------------- */

/* The drawing area inside the widget: the largest centred rectangle of the canvas' aspect
 * (a square for a digit); @side is its height, one canvas unit. */
static void
get_square (RlCanvas *self,
            double   *x0,
            double   *y0,
            double   *side)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  *side = MAX (1.0, MIN (w / self->aspect, h));
  *x0 = (w - *side * self->aspect) / 2;
  *y0 = (h - *side) / 2;
}

static void
widget_to_canvas (RlCanvas *self,
                  double    wx,
                  double    wy,
                  double   *cx,
                  double   *cy)
{
  double x0, y0, side;

  get_square (self, &x0, &y0, &side);
  *cx = (wx - x0) / side;
  *cy = (wy - y0) / side;
}

/* ---- strokes ------------------------------------------------------------------------------ */

static GArray *
stroke_new (void)
{
  return g_array_sized_new (FALSE, FALSE, sizeof (InkPoint), 64);
}

static void
begin_stroke (RlCanvas *self,
              double    cx,
              double    cy,
              double    pressure)
{
  GArray *stroke = stroke_new ();
  InkPoint p = { cx, cy, pressure };

  g_clear_pointer (&self->image, cairo_surface_destroy);

  g_array_append_val (stroke, p);
  g_ptr_array_add (self->strokes, stroke);
  self->drawing = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
extend_stroke (RlCanvas *self,
               double    cx,
               double    cy,
               double    pressure)
{
  GArray *stroke;
  const InkPoint *last;
  InkPoint p = { cx, cy, pressure };

  if (!self->drawing || self->strokes->len == 0)
    return;

  stroke = g_ptr_array_index (self->strokes, self->strokes->len - 1);
  last = &g_array_index (stroke, InkPoint, stroke->len - 1);
  if (hypot (cx - last->x, cy - last->y) < MIN_POINT_DISTANCE)
    return;

  g_array_append_val (stroke, p);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
end_stroke (RlCanvas *self)
{
  gboolean was_drawing = self->drawing;

  self->drawing = FALSE;
  if (was_drawing)
    g_signal_emit (self, signals[STROKE_END], 0);
}

static gboolean
stroke_has_pressure (GArray *stroke)
{
  for (guint i = 0; i < stroke->len; i++)
    if (g_array_index (stroke, InkPoint, i).pressure != DEFAULT_PRESSURE)
      return TRUE;
  return FALSE;
}

/* A pen's pressure scales the width between 0.6x (feather) and 1.4x (hard); 0.5 gives 1x. */
static double
pressure_factor (double pressure)
{
  return 0.6 + 0.8 * CLAMP (pressure, 0.0, 1.0);
}

/* Traces @stroke (canvas units, mapped by @cr's matrix) and strokes it. A constant-pressure
 * stroke becomes one smooth path: quadratic curves through the midpoints of its segments. A
 * stroke with pressure is stroked segment by segment, each with its own width. */
static void
stroke_path (cairo_t *cr,
             GArray  *stroke,
             double   width)
{
  const InkPoint *p = (const InkPoint *) (gpointer) stroke->data;
  guint n = stroke->len;

  if (n == 0)
    return;

  if (n > 1 && stroke_has_pressure (stroke))
    {
      for (guint i = 1; i < n; i++)
        {
          cairo_move_to (cr, p[i - 1].x, p[i - 1].y);
          cairo_line_to (cr, p[i].x, p[i].y);
          cairo_set_line_width (cr, width * pressure_factor ((p[i - 1].pressure + p[i].pressure) / 2));
          cairo_stroke (cr);
        }
      return;
    }

  cairo_move_to (cr, p[0].x, p[0].y);
  if (n == 1)
    cairo_line_to (cr, p[0].x, p[0].y);   /* a dot: round caps make it a disc */
  for (guint i = 1; i + 1 < n; i++)
    {
      double cx, cy, qx = p[i].x, qy = p[i].y;
      double ex = (p[i].x + p[i + 1].x) / 2, ey = (p[i].y + p[i + 1].y) / 2;

      cairo_get_current_point (cr, &cx, &cy);
      /* the quadratic (c, q, e) as a cubic */
      cairo_curve_to (cr,
                      cx + 2.0 / 3 * (qx - cx), cy + 2.0 / 3 * (qy - cy),
                      ex + 2.0 / 3 * (qx - ex), ey + 2.0 / 3 * (qy - ey),
                      ex, ey);
    }
  if (n > 1)
    cairo_line_to (cr, p[n - 1].x, p[n - 1].y);
  cairo_set_line_width (cr, width * pressure_factor (p[0].pressure));
  cairo_stroke (cr);
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void
draw_func (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  RlCanvas *self = RL_CANVAS (area);
  GdkRGBA ink;
  double x0, y0, side;

  rl_widget_get_color (GTK_WIDGET (area), &ink);

  get_square (self, &x0, &y0, &side);

  if (self->image != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, x0, y0);
      cairo_scale (cr, side * self->aspect / cairo_image_surface_get_width (self->image),
                   side / cairo_image_surface_get_height (self->image));
      gdk_cairo_set_source_rgba (cr, &ink);
      {
        /* crisp pixels: it is the very image the network gets */
        cairo_pattern_t *mask = cairo_pattern_create_for_surface (self->image);

        cairo_pattern_set_filter (mask, CAIRO_FILTER_NEAREST);
        cairo_mask (cr, mask);
        cairo_pattern_destroy (mask);
      }
      cairo_restore (cr);
    }

  if (self->strokes->len == 0 && self->image == NULL)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (area),
                                                            _("Draw a digit here"));
      if (self->placeholder != NULL)
        pango_layout_set_text (layout, self->placeholder, -1);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      cairo_move_to (cr, (width - lw) / 2.0, (height - lh) / 2.0);
      cairo_set_source_rgba (cr, ink.red, ink.green, ink.blue, 0.35);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
      return;
    }

  cairo_translate (cr, x0, y0);
  cairo_scale (cr, side, side);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  gdk_cairo_set_source_rgba (cr, &ink);
  for (guint i = 0; i < self->strokes->len; i++)
    stroke_path (cr, g_ptr_array_index (self->strokes, i), SCREEN_PEN_WIDTH);

  if (self->overlay_func != NULL)
    self->overlay_func (self, cr, self->overlay_data);
}

void
rl_canvas_set_overlay_func (RlCanvas            *self,
                            RlCanvasOverlayFunc  func,
                            gpointer             data)
{
  g_return_if_fail (RL_IS_CANVAS (self));

  self->overlay_func = func;
  self->overlay_data = data;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- gestures ----------------------------------------------------------------------------- */

static gboolean
event_is_from_pen (GtkGesture *gesture)
{
  GdkDevice *device = gtk_gesture_get_device (gesture);

  return device != NULL && gdk_device_get_source (device) == GDK_SOURCE_PEN;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               RlCanvas       *self)
{
  double cx, cy;

  /* A pen also emulates a pointer: the stylus gesture draws it, with pressure. */
  if (event_is_from_pen (GTK_GESTURE (gesture)))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  widget_to_canvas (self, x, y, &cx, &cy);
  begin_stroke (self, cx, cy, DEFAULT_PRESSURE);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                RlCanvas       *self)
{
  double cx, cy;

  widget_to_canvas (self, self->drag_x + dx, self->drag_y + dy, &cx, &cy);
  extend_stroke (self, cx, cy, DEFAULT_PRESSURE);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             RlCanvas       *self)
{
  end_stroke (self);
}

static double
stylus_pressure (GtkGestureStylus *gesture)
{
  double pressure;

  if (gtk_gesture_stylus_get_axis (gesture, GDK_AXIS_PRESSURE, &pressure))
    return CLAMP (pressure, 0.0, 1.0);
  return DEFAULT_PRESSURE;
}

static void
stylus_down_cb (GtkGestureStylus *gesture,
                double            x,
                double            y,
                RlCanvas         *self)
{
  double cx, cy;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  widget_to_canvas (self, x, y, &cx, &cy);
  begin_stroke (self, cx, cy, stylus_pressure (gesture));
}

static void
stylus_motion_cb (GtkGestureStylus *gesture,
                  double            x,
                  double            y,
                  RlCanvas         *self)
{
  double cx, cy;

  widget_to_canvas (self, x, y, &cx, &cy);
  extend_stroke (self, cx, cy, stylus_pressure (gesture));
}

static void
stylus_up_cb (GtkGestureStylus *gesture,
              double            x,
              double            y,
              RlCanvas         *self)
{
  end_stroke (self);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
rl_canvas_new (void)
{
  return g_object_new (RL_TYPE_CANVAS, NULL);
}

void
rl_canvas_add_stroke (RlCanvas     *self,
                      const double *xy,
                      guint         n_points)
{
  GArray *stroke;

  g_return_if_fail (RL_IS_CANVAS (self));
  g_return_if_fail (xy != NULL || n_points == 0);

  if (n_points == 0)
    return;

  g_clear_pointer (&self->image, cairo_surface_destroy);
  stroke = stroke_new ();
  for (guint i = 0; i < n_points; i++)
    {
      InkPoint p = { xy[2 * i], xy[2 * i + 1], DEFAULT_PRESSURE };

      g_array_append_val (stroke, p);
    }
  /* A stroke in progress stays the last one, so the gesture keeps extending it. */
  if (self->drawing && self->strokes->len > 0)
    g_ptr_array_insert (self->strokes, self->strokes->len - 1, stroke);
  else
    g_ptr_array_add (self->strokes, stroke);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
rl_canvas_clear (RlCanvas *self)
{
  g_return_if_fail (RL_IS_CANVAS (self));

  self->drawing = FALSE;
  if (self->strokes->len == 0)
    return;

  /* kept, so that undo brings the drawing back: clearing is one step like a stroke */
  g_clear_pointer (&self->cleared, g_ptr_array_unref);
  self->cleared = g_steal_pointer (&self->strokes);
  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
rl_canvas_undo (RlCanvas *self)
{
  g_return_val_if_fail (RL_IS_CANVAS (self), FALSE);

  if (self->strokes->len == 0 && self->cleared == NULL)
    return FALSE;

  self->drawing = FALSE;
  if (self->strokes->len > 0)
    g_ptr_array_remove_index (self->strokes, self->strokes->len - 1);
  else
    {
      /* undo the clear: the strokes come back in place of whatever was shown */
      g_ptr_array_unref (self->strokes);
      self->strokes = g_steal_pointer (&self->cleared);
      g_clear_pointer (&self->image, cairo_surface_destroy);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
rl_canvas_can_undo (RlCanvas *self)
{
  g_return_val_if_fail (RL_IS_CANVAS (self), FALSE);

  return self->strokes->len > 0 || self->cleared != NULL;
}

guint
rl_canvas_get_n_strokes (RlCanvas *self)
{
  g_return_val_if_fail (RL_IS_CANVAS (self), 0);

  return self->strokes->len;
}

void
rl_canvas_set_image (RlCanvas    *self,
                     const float *image,
                     int          width,
                     int          height)
{
  guint8 *pixels;
  int stride;

  g_return_if_fail (RL_IS_CANVAS (self));
  g_return_if_fail (image == NULL || (width > 0 && height > 0));

  if (image == NULL && self->image == NULL)
    return;

  g_clear_pointer (&self->image, cairo_surface_destroy);
  if (image != NULL)
    {
      self->image = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
      cairo_surface_flush (self->image);
      pixels = cairo_image_surface_get_data (self->image);
      stride = cairo_image_surface_get_stride (self->image);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          pixels[(size_t) y * stride + x] = (guint8) (CLAMP (image[y * width + x], 0.0f, 1.0f) * 255 + 0.5f);
      cairo_surface_mark_dirty (self->image);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
rl_canvas_has_image (RlCanvas *self)
{
  g_return_val_if_fail (RL_IS_CANVAS (self), FALSE);

  return self->image != NULL;
}

gboolean
rl_canvas_is_empty (RlCanvas *self)
{
  return rl_canvas_get_n_strokes (self) == 0;
}

float *
rl_canvas_render_ink (RlCanvas *self,
                      int       width,
                      int       height)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint8 *pixels;
  float *ink;
  int stride;
  double x_min = G_MAXDOUBLE, y_min = G_MAXDOUBLE, x_max = -G_MAXDOUBLE, y_max = -G_MAXDOUBLE;
  double pen;

  g_return_val_if_fail (RL_IS_CANVAS (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  ink = g_new0 (float, (size_t) width * height);
  if (self->strokes->len == 0)
    return ink;

  for (guint s = 0; s < self->strokes->len; s++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, s);

      for (guint i = 0; i < stroke->len; i++)
        {
          const InkPoint *p = &g_array_index (stroke, InkPoint, i);

          x_min = MIN (x_min, p->x);
          x_max = MAX (x_max, p->x);
          y_min = MIN (y_min, p->y);
          y_max = MAX (y_max, p->y);
        }
    }
  /* A wide canvas holds several digits side by side: each is as tall as the drawing, and the
   * reader scales each on its own, so the pen follows the height. */
  pen = CLAMP (RL_CANVAS_INK_WIDTH_RATIO * (self->aspect > 1 ? y_max - y_min
                                                              : MAX (x_max - x_min, y_max - y_min)),
               INK_WIDTH_MIN, INK_WIDTH_MAX);

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  cr = cairo_create (surface);
  cairo_scale (cr, width / self->aspect, height);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  for (guint s = 0; s < self->strokes->len; s++)
    stroke_path (cr, g_ptr_array_index (self->strokes, s), pen);
  cairo_destroy (cr);

  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      ink[(size_t) y * width + x] = pixels[(size_t) y * stride + x] / 255.0f;
  cairo_surface_destroy (surface);

  return ink;
}

/* ---- a wide canvas ----------------------------------------------------------------------- */

void
rl_canvas_set_aspect (RlCanvas *self,
                      double    aspect)
{
  g_return_if_fail (RL_IS_CANVAS (self));
  g_return_if_fail (aspect >= 1.0);

  self->aspect = aspect;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

double
rl_canvas_get_aspect (RlCanvas *self)
{
  g_return_val_if_fail (RL_IS_CANVAS (self), 1.0);

  return self->aspect;
}

void
rl_canvas_get_area (RlCanvas        *self,
                    graphene_rect_t *area)
{
  double x0, y0, side;

  g_return_if_fail (RL_IS_CANVAS (self));
  g_return_if_fail (area != NULL);

  get_square (self, &x0, &y0, &side);
  graphene_rect_init (area, (float) x0, (float) y0, (float) (side * self->aspect), (float) side);
}

void
rl_canvas_set_placeholder (RlCanvas   *self,
                           const char *text)
{
  g_return_if_fail (RL_IS_CANVAS (self));

  if (rl_set_str (&self->placeholder, text))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
rl_canvas_get_placeholder (RlCanvas *self)
{
  g_return_val_if_fail (RL_IS_CANVAS (self), NULL);

  return self->placeholder;
}

/* ---- size --------------------------------------------------------------------------------- */

/* Square by preference: as tall as it is wide (and the reverse), so that in a column the
 * canvas takes a square and what follows it comes right below. */
#define MIN_SIDE 240

static void
rl_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  RlCanvas *self = RL_CANVAS (widget);

  if (self->aspect > 1)
    {
      /* wide: @aspect heights across, and no taller than that */
      gboolean across = orientation == GTK_ORIENTATION_HORIZONTAL;

      *minimum = across ? (int) (MIN_SIDE / 2 * self->aspect) : MIN_SIDE / 2;
      *natural = for_size > 0 ? MAX (*minimum, (int) (across ? for_size * self->aspect
                                                             : for_size / self->aspect))
                              : 2 * *minimum;
      return;
    }
  *minimum = MIN_SIDE;
  *natural = for_size > MIN_SIDE ? for_size : 2 * MIN_SIDE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_canvas_finalize (GObject *object)
{
  RlCanvas *self = RL_CANVAS (object);

  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  g_clear_pointer (&self->cleared, g_ptr_array_unref);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->placeholder, g_free);

  G_OBJECT_CLASS (rl_canvas_parent_class)->finalize (object);
}

static void
rl_canvas_class_init (RlCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rl_canvas_finalize;

  widget_class->get_request_mode = rl_widget_request_height_for_width;
  widget_class->measure = rl_canvas_measure;

  /**
   * RlCanvas::changed:
   *
   * The strokes changed: a point was drawn, a stroke added or removed. Emitted for every
   * point while drawing; listeners that do real work should throttle (to the frame clock).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * RlCanvas::stroke-end:
   *
   * The pen, mouse or finger was lifted: a stroke drawn by hand is finished.
   */
  signals[STROKE_END] = g_signal_new ("stroke-end", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "rlcanvas");
  /* Not IMG: an AT presents an image as a picture to look at, not a focusable thing that
   * takes input. GTK 4.8 has no canvas role; WIDGET maps to AT-SPI's "filler", which screen
   * readers skip. GROUP (a panel) is announced with its name and description, which say
   * that it is drawn on and which keys it takes. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rl_canvas_init (RlCanvas *self)
{
  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->aspect = 1.0;

  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_func, NULL, NULL);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  self->stylus = gtk_gesture_stylus_new ();
  g_signal_connect (self->stylus, "down", G_CALLBACK (stylus_down_cb), self);
  g_signal_connect (self->stylus, "motion", G_CALLBACK (stylus_motion_cb), self);
  g_signal_connect (self->stylus, "up", G_CALLBACK (stylus_up_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->stylus));

  self->drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (self->drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (self->drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (self->drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drag));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Drawing canvas"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Draw one digit with a mouse, a pen or a finger; drawing needs "
                                  "a pointer. Escape or Delete clears it, Ctrl+Z undoes the last "
                                  "stroke or the clear."),
                                  -1);
}
