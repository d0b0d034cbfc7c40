#define G_LOG_DOMAIN "reslab-ui"

/* rl-inside-view.c: the Inside view (see rl-inside-view.h): the feature maps, their legend and
 * scaling, the first layer's filters, and the Network panel whose clicked layer it outlines.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-inside-view.h"
#include "rl-widget-util.h"

#include "rl-bin-layout.h"
#include "rl-colormap.h"
#include "rl-settings.h"

struct _RlInsideView
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkWidget     *root;
  GtkWidget     *sidebar_scroller;
  GtkWidget     *sidebar_separator;
  GtkWidget     *legend_area;
  GtkWidget     *per_layer_button;
  GtkWidget     *per_map_button;
  RlFilterView  *filter_view;
  RlFeatureView *feature_view;
  GtkWidget     *maps_scroller;
  GtkWidget     *network_button;
  GtkWidget     *network_revealer;
  GtkWidget     *network_header;
  GtkWidget     *network_close_button;
  GtkWidget     *network_scroller;
  RlNetworkView *network_view;

  int            sidebar_width; /* the column's natural width, as it was when last shown */
  gboolean       focus_network; /* the focus goes to the Network button once it is back */
  guint          scroll_tick;   /* scroll_tick_cb, while the maps are not laid out */
  int            scroll_tries;
};

G_DEFINE_FINAL_TYPE (RlInsideView, rl_inside_view, GTK_TYPE_WIDGET)

static void
show_label (GtkWidget  *widget,
            cairo_t    *cr,
            const char *text,
            double      x,
            double      y,
            double      align)   /* 0 left, 0.5 centre, 1 right of x */
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  int w, h;

  pango_layout_set_markup (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - align * w, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* Two colour bars: signed values (diverging) and non-negative ones (sequential). */
static void
legend_draw_func (GtkDrawingArea *area,
                  cairo_t        *cr,
                  int             width,
                  int             height,
                  gpointer        user_data)
{
  GtkWidget *widget = GTK_WIDGET (area);
  GdkRGBA fg;
  const double bar_h = 12;

  rl_widget_get_color (widget, &fg);

  gdk_cairo_set_source_rgba (cr, &fg);
  show_label (widget, cr, _("<small>Signed: convolutions, F(x), logits</small>"), 0, 0, 0);
  rl_colormap_paint_bar (cr, RL_COLORMAP_DIVERGING, 0, 18, width, bar_h);
  gdk_cairo_set_source_rgba (cr, &fg);
  show_label (widget, cr, "<small>−max</small>", 0, 18 + bar_h + 1, 0);
  show_label (widget, cr, "<small>0</small>", width / 2.0, 18 + bar_h + 1, 0.5);
  show_label (widget, cr, "<small>+max</small>", width, 18 + bar_h + 1, 1);

  show_label (widget, cr, _("<small>Non-negative: after a ReLU</small>"), 0, 54, 0);
  rl_colormap_paint_bar (cr, RL_COLORMAP_SEQUENTIAL, 0, 72, width, bar_h);
  gdk_cairo_set_source_rgba (cr, &fg);
  show_label (widget, cr, "<small>0</small>", 0, 72 + bar_h + 1, 0);
  show_label (widget, cr, "<small>max</small>", width, 72 + bar_h + 1, 1);
}

static void
on_scaling_toggled (GtkToggleButton *button,
                    RlInsideView    *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  rl_feature_view_set_scaling (self->feature_view,
                               GTK_WIDGET (button) == self->per_map_button
                               ? RL_SCALING_PER_MAP : RL_SCALING_PER_LAYER);
}

void
rl_inside_view_set_predictor (RlInsideView *self,
                              RlPredictor  *predictor)
{
  g_return_if_fail (RL_IS_INSIDE_VIEW (self));

  rl_feature_view_set_predictor (self->feature_view, predictor);
  rl_filter_view_set_predictor (self->filter_view, predictor);
  rl_network_view_set_predictor (self->network_view, predictor);
}

/* Scrolls the maps to the outlined section; FALSE while the feature view is not laid out yet. */
static gboolean
scroll_to_selection (RlInsideView *self)
{
  GtkAdjustment *adj;
  int section = rl_feature_view_get_selected_section (self->feature_view);
  int y = section >= 0 ? rl_feature_view_get_section_y (self->feature_view, (guint) section) : -1;

  if (y < 0)
    return FALSE;
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->maps_scroller));
  gtk_adjustment_set_value (adj, MAX (0, y - 8));
  return TRUE;
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  RlInsideView *self = RL_INSIDE_VIEW (widget);

  if (scroll_to_selection (self) || ++self->scroll_tries > 30)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
rl_inside_view_select_layer (RlInsideView *self,
                             int           layer)
{
  g_return_if_fail (RL_IS_INSIDE_VIEW (self));

  rl_feature_view_select_layer (self->feature_view, layer);
  rl_network_view_set_selected_layer (self->network_view, layer);
  if (scroll_to_selection (self) || rl_feature_view_get_selected_section (self->feature_view) < 0)
    return;   /* scrolled, or no input yet: the outline shows once there are maps */
  /* the view was just shown: scroll once the maps are laid out */
  self->scroll_tries = 0;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, NULL, NULL);
}

void
rl_inside_view_show_network (RlInsideView *self,
                             gboolean      show)
{
  g_return_if_fail (RL_IS_INSIDE_VIEW (self));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->network_button), show);
}

RlNetworkView *
rl_inside_view_get_network_view (RlInsideView *self)
{
  g_return_val_if_fail (RL_IS_INSIDE_VIEW (self), NULL);

  return self->network_view;
}

static void
layer_activated_cb (RlNetworkView *view,
                    int            layer,
                    RlInsideView  *self)
{
  rl_inside_view_select_layer (self, layer);
}

/* ---- the Network panel beside the maps ------------------------------------------------------ */

/* The maps' room beside the diagram and the column: the row labels and eight small maps a
 * line */
#define MAPS_ROOM  360
/* The diagram's at the least: a layer's box (the scroller's min-content-width) */
#define DIAGRAM_MIN 220

/* Whether, at @width, the column, the maps (MAPS_ROOM) and the whole diagram do not fit side
 * by side (at 800 x 600 the maps got 260 px, their titles cut, and the diagram was cut on the
 * right); and the width the diagram's scroller then asks for (*@need): the whole diagram, or
 * what is left beside the maps' minimum where even the column's absence does not make room. */
static gboolean
network_crowded (GtkWidget *widget,
                 int        width,
                 int       *need)
{
  RlInsideView *self = RL_INSIDE_VIEW (widget);
  int diagram, maps;

  *need = DIAGRAM_MIN;
  if (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->network_button)))
    return FALSE;
  if (gtk_widget_get_visible (self->sidebar_scroller))
    gtk_widget_measure (self->sidebar_scroller, GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                        &self->sidebar_width, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (self->network_view), GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                      &diagram, NULL, NULL);
  /* the separators: a pixel each */
  if (width - 2 - self->sidebar_width - diagram >= MAPS_ROOM)
    {
      *need = diagram;
      return FALSE;
    }
  gtk_widget_measure (self->maps_scroller, GTK_ORIENTATION_HORIZONTAL, -1, &maps, NULL, NULL,
                      NULL);
  *need = CLAMP (width - 1 - maps, DIAGRAM_MIN, MAX (diagram, DIAGRAM_MIN));
  return TRUE;
}

/* The column's details give way to the maps and the diagram, or come back. (From an idle,
 * RlBinLayout's.) */
static void
apply_crowded (GtkWidget *widget,
               gboolean   crowded,
               int        need)
{
  RlInsideView *self = RL_INSIDE_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean in_column = focus != NULL && gtk_widget_is_ancestor (focus, self->sidebar_scroller);
  gboolean on_close = focus == self->network_close_button;

  /* the panel's own close button stands in for the column's Network button */
  gtk_widget_set_visible (self->sidebar_scroller, !crowded);
  gtk_widget_set_visible (self->sidebar_separator, !crowded);
  gtk_widget_set_visible (self->network_header, crowded);
  gtk_widget_set_size_request (self->network_scroller, need, -1);
  /* and so does the keyboard's focus: on the one in sight, not lost to the header bar */
  if (crowded && in_column)
    gtk_widget_grab_focus (self->network_close_button);
  else if (!crowded && (on_close || self->focus_network))
    gtk_widget_grab_focus (self->network_button);
  self->focus_network = FALSE;
}

static void
network_toggled_cb (GtkToggleButton *button,
                    RlInsideView    *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inside.hide-network",
                                 gtk_toggle_button_get_active (button));
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Escape closes the Network panel, as its close button does (while it is open: otherwise
 * the key goes on to the window) */
static void
hide_network_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RlInsideView *self = RL_INSIDE_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->network_button), FALSE);
  /* from the panel, the focus goes back to the button that opened it */
  if (focus != NULL && gtk_widget_is_ancestor (focus, self->network_revealer))
    {
      if (gtk_widget_is_visible (self->network_button))
        gtk_widget_grab_focus (self->network_button);
      else
        self->focus_network = TRUE;   /* where the column is back (apply_crowded) */
    }
}

static void
network_close_clicked_cb (GtkButton    *button,
                          RlInsideView *self)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->network_button), FALSE);
}

/* ---- settings kept between runs (GSettings) ----------------------------------------------- */

void
rl_inside_view_bind_settings (RlInsideView *self,
                              GSettings    *settings)
{
  g_return_if_fail (RL_IS_INSIDE_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  rl_settings_bind_toggle_nick (settings, "inside-scaling",
                                GTK_TOGGLE_BUTTON (self->per_layer_button), "per-layer");
  rl_settings_bind_toggle_nick (settings, "inside-scaling",
                                GTK_TOGGLE_BUTTON (self->per_map_button), "per-map");
}

RlFeatureView *
rl_inside_view_get_feature_view (RlInsideView *self)
{
  g_return_val_if_fail (RL_IS_INSIDE_VIEW (self), NULL);

  return self->feature_view;
}

RlFilterView *
rl_inside_view_get_filter_view (RlInsideView *self)
{
  g_return_val_if_fail (RL_IS_INSIDE_VIEW (self), NULL);

  return self->filter_view;
}

static void
rl_inside_view_dispose (GObject *object)
{
  RlInsideView *self = RL_INSIDE_VIEW (object);

  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick);
      self->scroll_tick = 0;
    }
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_INSIDE_VIEW);

  G_OBJECT_CLASS (rl_inside_view_parent_class)->dispose (object);
}

static void
rl_inside_view_class_init (RlInsideViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_inside_view_dispose;

  g_type_ensure (RL_TYPE_FEATURE_VIEW);
  g_type_ensure (RL_TYPE_FILTER_VIEW);
  g_type_ensure (RL_TYPE_NETWORK_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-inside-view.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, root);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, sidebar_scroller);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, legend_area);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, per_layer_button);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, per_map_button);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, filter_view);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, feature_view);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, maps_scroller);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, network_button);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, network_revealer);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, network_header);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, network_close_button);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, network_scroller);
  gtk_widget_class_bind_template_child (widget_class, RlInsideView, network_view);
  gtk_widget_class_bind_template_callback (widget_class, on_scaling_toggled);
  gtk_widget_class_install_action (widget_class, "inside.hide-network", NULL,
                                   hide_network_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "inside.hide-network",
                                       NULL);

  gtk_widget_class_set_css_name (widget_class, "rlinsideview");
}

static void
rl_inside_view_init (RlInsideView *self)
{
  gtk_widget_set_layout_manager (GTK_WIDGET (self),
                                 rl_bin_layout_new (network_crowded, apply_crowded));
  gtk_widget_init_template (GTK_WIDGET (self));
  rl_view_init_accessible (GTK_WIDGET (self), _("Inside the network"));

  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->legend_area), legend_draw_func,
                                  self, NULL);
  g_object_bind_property (self->network_button, "active", self->network_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect (self->network_view, "layer-activated", G_CALLBACK (layer_activated_cb), self);
  g_signal_connect (self->network_button, "toggled", G_CALLBACK (network_toggled_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inside.hide-network", FALSE);
  g_signal_connect (self->network_close_button, "clicked", G_CALLBACK (network_close_clicked_cb),
                    self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->legend_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Colour legend: blue negative, white zero, red positive for "
                                  "signed values; dark violet to yellow for non-negative values"),
                                  -1);
}
