#define G_LOG_DOMAIN "reslab-ui"

/* rl-square-area.c: see rl-square-area.h. Its content-width is its smallest side; for a
 * width it asks for the same height (height-for-width), and for a height the same width. */

#include "rl-square-area.h"

#include "rl-widget-util.h"

struct _RlSquareArea
{
  GtkDrawingArea parent_instance;
};

G_DEFINE_FINAL_TYPE (RlSquareArea, rl_square_area, GTK_TYPE_DRAWING_AREA)

static void
rl_square_area_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  int side = gtk_drawing_area_get_content_width (GTK_DRAWING_AREA (widget));

  *minimum = side;
  *natural = MAX (side, for_size);
}

static void
rl_square_area_class_init (RlSquareAreaClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->get_request_mode = rl_widget_request_height_for_width;
  widget_class->measure = rl_square_area_measure;
}

static void
rl_square_area_init (RlSquareArea *self)
{
}
