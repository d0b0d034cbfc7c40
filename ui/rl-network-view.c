#define G_LOG_DOMAIN "reslab-ui"

/* rl-network-view.c: the network in use, drawn, hovered and clicked (see rl-network-view.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-network-view.h"

#include <math.h>

#include "rl-diagram-paint.h"
#include "rl-widget-util.h"

struct _RlNetworkView
{
  GtkWidget parent_instance;

  RlPredictor  *predictor;
  GSignalGroup *predictor_signals;
  RlDiagram    *diagram;
  char         *arch_text;   /* of the diagram's model: a new model of the same arch keeps it */
  int           hover;       /* box index, or -1 */
  int           selected;    /* arch layer, or -1 */
};

G_DEFINE_FINAL_TYPE (RlNetworkView, rl_network_view, GTK_TYPE_WIDGET)

enum {
  LAYER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Draws @model's net (NULL: nothing); a model of the arch already drawn keeps its layout, and
 * so the stages opened. */
static void
show_model (RlNetworkView *self,
            const RlModel *model)
{
  g_autofree char *text = model != NULL ? rl_arch_to_string (rl_model_get_arch (model)) : NULL;

  if (g_strcmp0 (text, self->arch_text) == 0 && (self->diagram != NULL) == (model != NULL))
    return;
  g_clear_pointer (&self->diagram, rl_diagram_free);
  g_free (self->arch_text);
  self->arch_text = g_steal_pointer (&text);
  if (model != NULL)
    self->diagram = rl_diagram_new (model);
  self->hover = -1;
  self->selected = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
update_diagram (RlNetworkView *self)
{
  show_model (self, self->predictor != NULL ? rl_predictor_get_model (self->predictor) : NULL);
}

static void
predictor_updated_cb (RlPredictor   *predictor,
                      RlNetworkView *self)
{
}

static void
predictor_model_changed_cb (RlPredictor   *predictor,
                            RlNetworkView *self)
{
  update_diagram (self);
}

static void
rl_network_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  RlNetworkView *self = RL_NETWORK_VIEW (widget);
  RlDiagramStyle style;
  int width, height;
  GdkRGBA fg;
  double lum;
  cairo_t *cr;

  if (self->diagram == NULL)
    return;
  cr = rl_snapshot_append_cairo (widget, snapshot, &width, &height);
  if (cr == NULL)
    return;
  rl_widget_get_color (widget, &fg);

  rl_diagram_style_init (&style);
  style.fg[0] = fg.red;
  style.fg[1] = fg.green;
  style.fg[2] = fg.blue;
  style.fg[3] = fg.alpha;
  /* the theme's background is not ours to read in GTK 4.8: a light text means a dark theme */
  lum = 0.3 * fg.red + 0.6 * fg.green + 0.1 * fg.blue;
  for (int k = 0; k < 3; k++)
    style.bg[k] = lum > 0.5 ? 0.16 : 1.0;
  style.fill_background = FALSE;
  /* the theme's font (the painter sets it with Pango, as the widget would) */
  style.font_family =
    pango_font_description_get_family (pango_context_get_font_description (gtk_widget_get_pango_context (widget)));
  style.hover = self->hover;
  style.selected = self->selected >= 0 ? rl_diagram_find_layer (self->diagram, self->selected)
                                       : -1;
  rl_diagram_paint (cr, self->diagram, &style);
  cairo_destroy (cr);
}

static void
rl_network_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  RlNetworkView *self = RL_NETWORK_VIEW (widget);
  double w = 0, h = 0;

  if (self->diagram != NULL)
    rl_diagram_get_size (self->diagram, &w, &h);
  *minimum = *natural = (int) ceil (orientation == GTK_ORIENTATION_HORIZONTAL ? w : h);
}

static void
set_hover (RlNetworkView *self,
           int            box)
{
  if (box == self->hover)
    return;
  self->hover = box;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), box >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           RlNetworkView            *self)
{
  set_hover (self, self->diagram != NULL ? rl_diagram_box_at (self->diagram, x, y) : -1);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          RlNetworkView            *self)
{
  set_hover (self, -1);
}

static gboolean
query_tooltip_cb (GtkWidget     *widget,
                  int            x,
                  int            y,
                  gboolean       keyboard,
                  GtkTooltip    *tooltip,
                  RlNetworkView *self)
{
  g_autofree char *text = NULL;
  int box;

  if (self->diagram == NULL)
    return FALSE;
  box = rl_diagram_box_at (self->diagram, x, y);
  if (box < 0)
    return FALSE;
  text = rl_diagram_describe_box (self->diagram, (guint) box);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Scrolls the scrolled window around the view so box @box shows. */
static void
scroll_to_box (RlNetworkView *self,
               int            box)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  const RlDiagramRect *r = &rl_diagram_get_box (self->diagram, (guint) box)->rect;
  GtkAdjustment *adj;
  double value, page;

  if (scroller == NULL)
    return;
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  value = gtk_adjustment_get_value (adj);
  page = gtk_adjustment_get_page_size (adj);
  if (r->y - 8 < value)
    gtk_adjustment_set_value (adj, r->y - 8);
  else if (r->y + r->height + 8 > value + page)
    gtk_adjustment_set_value (adj, r->y + r->height + 8 - page);
}

/* Up and Down (or Left and Right) move between the boxes, Enter or Space clicks the one
 * highlighted. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                RlNetworkView         *self)
{
  int n, next;

  if (self->diagram == NULL || (n = (int) rl_diagram_get_n_boxes (self->diagram)) == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      next = self->hover < 0 ? 0 : MAX (0, self->hover - 1);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      next = self->hover < 0 ? 0 : MIN (n - 1, self->hover + 1);
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (self->hover >= 0 && self->hover < n)
        rl_network_view_activate_box (self, (guint) self->hover);
      return TRUE;
    default:
      return FALSE;
    }
  set_hover (self, next);
  scroll_to_box (self, next);
  return TRUE;
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             RlNetworkView   *self)
{
  int box;

  if (self->diagram == NULL)
    return;
  box = rl_diagram_box_at (self->diagram, x, y);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (box >= 0)
    rl_network_view_activate_box (self, (guint) box);
}

void
rl_network_view_activate_box (RlNetworkView *self,
                              guint          box)
{
  const RlDiagramBox *b;

  g_return_if_fail (RL_IS_NETWORK_VIEW (self));
  g_return_if_fail (self->diagram != NULL && box < rl_diagram_get_n_boxes (self->diagram));

  b = rl_diagram_get_box (self->diagram, box);
  if (b->role == RL_DIAGRAM_STAGE || b->role == RL_DIAGRAM_STAGE_HEADER)
    {
      rl_diagram_set_stage_expanded (self->diagram, (guint) b->stage,
                                     b->role == RL_DIAGRAM_STAGE);
      /* the stage's box (or header) keeps its index: the keyboard stays on it */
      self->hover = MIN (self->hover, (int) rl_diagram_get_n_boxes (self->diagram) - 1);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }
  if (b->layer < 0)
    return;   /* the input */
  rl_network_view_set_selected_layer (self, b->layer);
  g_signal_emit (self, signals[LAYER_ACTIVATED], 0, b->layer);
}

GtkWidget *
rl_network_view_new (void)
{
  return g_object_new (RL_TYPE_NETWORK_VIEW, NULL);
}

void
rl_network_view_set_predictor (RlNetworkView *self,
                               RlPredictor   *predictor)
{
  g_return_if_fail (RL_IS_NETWORK_VIEW (self));

  if (!rl_predictor_signals_set (self->predictor_signals, &self->predictor, predictor))
    return;
  update_diagram (self);
}

void
rl_network_view_set_model (RlNetworkView *self,
                           const RlModel *model)
{
  g_return_if_fail (RL_IS_NETWORK_VIEW (self));

  rl_network_view_set_predictor (self, NULL);
  show_model (self, model);
}

const RlDiagram *
rl_network_view_get_diagram (RlNetworkView *self)
{
  g_return_val_if_fail (RL_IS_NETWORK_VIEW (self), NULL);

  return self->diagram;
}

void
rl_network_view_set_selected_layer (RlNetworkView *self,
                                    int            layer)
{
  g_return_if_fail (RL_IS_NETWORK_VIEW (self));

  if (self->selected == layer)
    return;
  self->selected = layer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
rl_network_view_get_selected_layer (RlNetworkView *self)
{
  g_return_val_if_fail (RL_IS_NETWORK_VIEW (self), -1);

  return self->selected;
}

static void
rl_network_view_dispose (GObject *object)
{
  RlNetworkView *self = RL_NETWORK_VIEW (object);

  rl_network_view_set_predictor (self, NULL);
  g_clear_object (&self->predictor_signals);

  G_OBJECT_CLASS (rl_network_view_parent_class)->dispose (object);
}

static void
rl_network_view_finalize (GObject *object)
{
  RlNetworkView *self = RL_NETWORK_VIEW (object);

  g_clear_pointer (&self->diagram, rl_diagram_free);
  g_free (self->arch_text);

  G_OBJECT_CLASS (rl_network_view_parent_class)->finalize (object);
}

static void
rl_network_view_class_init (RlNetworkViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_network_view_dispose;
  object_class->finalize = rl_network_view_finalize;
  widget_class->snapshot = rl_network_view_snapshot;
  widget_class->measure = rl_network_view_measure;

  /**
   * RlNetworkView::layer-activated:
   * @layer: the layer's index in the arch
   *
   * A layer's box was clicked.
   */
  signals[LAYER_ACTIVATED] = g_signal_new ("layer-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "rlnetworkview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rl_network_view_init (RlNetworkView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->hover = -1;
  self->selected = -1;
  self->predictor_signals = rl_predictor_signals_new (G_CALLBACK (predictor_updated_cb),
                                                      G_CALLBACK (predictor_model_changed_cb), self);

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Network diagram: each layer with its output shape and "
                                    "parameters, the residual blocks' shortcuts as arcs"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Up and Down move between the layers, Enter shows the "
                                    "layer's maps or opens a stage"), -1);
}
