#define G_LOG_DOMAIN "reslab-ui"

/* rl-feature-view-zoom.c: the feature view's enlarged map (rl-feature-view.h): a popover with
 * one map drawn large and its caption (layer, channel, size, value range), opened by a click
 * on a map or by Enter on the focused one; the arrow keys move the focus between maps.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-feature-view-private.h"

#include <math.h>
#include <string.h>

#define ZOOM_SIDE    224   /* the popover's enlarged map */

/* ---- the enlarged map --------------------------------------------------------------------- */

static gboolean
zoom_cell_valid (RlFeatureView *self)
{
  const Section *section;
  const Row *row;

  if (!_rl_feature_view_has_content (self) || self->zoom_cell.section >= self->sections->len)
    return FALSE;
  section = &g_array_index (self->sections, Section, self->zoom_cell.section);
  if (self->zoom_cell.row >= section->rows->len)
    return FALSE;
  row = &g_array_index (section->rows, Row, self->zoom_cell.row);
  return self->zoom_cell.channel < _rl_feature_view_row_channels (self, row);
}

static void
zoom_draw_func (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  RlFeatureView *self = user_data;
  const Section *section;
  const Row *row;
  float lo, hi;
  int side = MIN (width, height);

  if (!zoom_cell_valid (self))
    return;

  section = &g_array_index (self->sections, Section, self->zoom_cell.section);
  row = &g_array_index (section->rows, Row, self->zoom_cell.row);
  _rl_feature_view_map_range (self, self->zoom_cell.section, self->zoom_cell.row,
                              self->zoom_cell.channel, &lo, &hi);
  rl_colormap_paint (cr, row->cmap, _rl_feature_view_row_data (self, row, self->zoom_cell.channel),
                     row->w, row->h, lo, hi, (width - side) / 2.0, (height - side) / 2.0,
                     side, side);
}

void
_rl_feature_view_update_zoom_label (RlFeatureView *self)
{
  const Section *section;
  const Row *row;
  const float *data;
  float lo, hi;
  g_autofree char *markup = NULL;

  if (!zoom_cell_valid (self))
    return;

  section = &g_array_index (self->sections, Section, self->zoom_cell.section);
  row = &g_array_index (section->rows, Row, self->zoom_cell.row);
  data = _rl_feature_view_row_data (self, row, self->zoom_cell.channel);
  rl_colormap_range (data, (size_t) row->h * row->w, &lo, &hi);
  /* "rblock1 · F(x)" in a block, "conv1" or "ReLU" elsewhere: the section title of plain
   * layers lists them all */
  if (section->is_block)
    {
      g_autofree char *block = g_strndup (section->title, strcspn (section->title, " "));

      markup = g_markup_printf_escaped (_("<b>%s · %s</b>\nchannel %d of %d · %d×%d\n"
                                        "min %.4g · max %.4g"),
                                        block, row->label, self->zoom_cell.channel + 1,
                                        _rl_feature_view_row_channels (self, row),
                                        row->h, row->w, lo, hi);
    }
  else
    markup = g_markup_printf_escaped (_("<b>%s</b>\nchannel %d of %d · %d×%d\n"
                                      "min %.4g · max %.4g"),
                                      row->label, self->zoom_cell.channel + 1,
                                      _rl_feature_view_row_channels (self, row),
                                      row->h, row->w, lo, hi);
  gtk_label_set_markup (GTK_LABEL (self->zoom_label), markup);
}

void
_rl_feature_view_show_zoom (RlFeatureView *self,
                            const Cell    *cell)
{
  GdkRectangle rect = {
    (int) cell->rect.origin.x, (int) cell->rect.origin.y,
    (int) cell->rect.size.width, (int) cell->rect.size.height
  };

  self->zoom_cell = *cell;
  _rl_feature_view_update_zoom_label (self);
  gtk_widget_queue_draw (self->zoom_area);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static int
cell_at (RlFeatureView *self,
         double         x,
         double         y)
{
  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);

      if (graphene_rect_contains_point (&cell->rect, &GRAPHENE_POINT_INIT (x, y)))
        return (int) i;
    }
  return -1;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            RlFeatureView   *self)
{
  int i;

  if (!_rl_feature_view_has_content (self))
    return;

  i = cell_at (self, x, y);
  if (i < 0)
    return;

  self->focus_cell = i;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  _rl_feature_view_show_zoom (self, &g_array_index (self->cells, Cell, i));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The nearest cell in the row above or below (@direction -1 or +1). */
static int
vertical_neighbour (RlFeatureView *self,
                    int            from,
                    int            direction)
{
  const Cell *a = &g_array_index (self->cells, Cell, from);
  double ay = a->rect.origin.y, ax = a->rect.origin.x;
  int best = -1;
  double best_dy = G_MAXDOUBLE, best_dx = G_MAXDOUBLE;

  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *b = &g_array_index (self->cells, Cell, i);
      double dy = (b->rect.origin.y - ay) * direction;
      double dx = fabs (b->rect.origin.x - ax);

      if (dy <= 1)
        continue;
      if (dy < best_dy - 1 || (fabs (dy - best_dy) <= 1 && dx < best_dx))
        {
          best = (int) i;
          best_dy = dy;
          best_dx = dx;
        }
    }
  return best;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                RlFeatureView         *self)
{
  int next = self->focus_cell;

  if (!_rl_feature_view_has_content (self) || self->cells->len == 0)
    return FALSE;
  if (next < 0)
    next = 0;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      next = MAX (0, next - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      next = MIN ((int) self->cells->len - 1, next + 1);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      next = vertical_neighbour (self, next, -1);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      next = vertical_neighbour (self, next, +1);
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      _rl_feature_view_show_zoom (self, &g_array_index (self->cells, Cell, next));
      return TRUE;
    default:
      return FALSE;
    }

  if (next < 0)
    return FALSE;   /* let focus move on from the first or last row */

  self->focus_cell = next;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
_rl_feature_view_zoom_init (RlFeatureView *self)
{
  GtkGesture *click;
  GtkEventController *keys;
  GtkWidget *box;

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  self->popover = gtk_popover_new ();
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  self->zoom_area = gtk_drawing_area_new ();
  gtk_widget_set_size_request (self->zoom_area, ZOOM_SIDE, ZOOM_SIDE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->zoom_area), zoom_draw_func, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enlarged activation map"), -1);
  self->zoom_label = gtk_label_new ("");
  gtk_label_set_justify (GTK_LABEL (self->zoom_label), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), self->zoom_area);
  gtk_box_append (GTK_BOX (box), self->zoom_label);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);
}
