#define G_LOG_DOMAIN "reslab-ui"

/* rl-feature-view.c: see rl-feature-view.h. The widget: the predictor it follows (its
 * sections built again for a new model, redrawn for a new input), the public API and GObject.
 * Its parts, around rl-feature-view-private.h: the sections and their values
 * (rl-feature-view-sections.c), their layout and drawing (rl-feature-view-layout.c), the
 * enlarged map (rl-feature-view-zoom.c).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-feature-view-private.h"

#include "rl-widget-util.h"

G_DEFINE_FINAL_TYPE (RlFeatureView, rl_feature_view, GTK_TYPE_WIDGET)

/* ---- predictor ---------------------------------------------------------------------------- */

static void
predictor_model_changed_cb (RlPredictor   *predictor,
                            RlFeatureView *self)
{
  g_array_set_size (self->sections, 0);
  g_array_set_size (self->cells, 0);
  g_array_set_size (self->rows, 0);
  self->focus_cell = -1;
  self->selected_layer = -1;
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
predictor_updated_cb (RlPredictor   *predictor,
                      RlFeatureView *self)
{
  gboolean had_content = _rl_feature_view_has_content (self);

  if (self->sections->len == 0 && rl_predictor_get_inference (predictor) != NULL)
    _rl_feature_view_build_sections (self);

  if (had_content != _rl_feature_view_has_content (self)
      || self->layout_width != gtk_widget_get_width (GTK_WIDGET (self)))
    gtk_widget_queue_resize (GTK_WIDGET (self));

  if (gtk_widget_get_visible (self->popover))
    {
      if (_rl_feature_view_has_content (self))
        {
          _rl_feature_view_update_zoom_label (self);
          gtk_widget_queue_draw (self->zoom_area);
        }
      else
        gtk_popover_popdown (GTK_POPOVER (self->popover));
    }

  /* Nothing is drawn while the view is not on screen, so this costs nothing then. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
rl_feature_view_new (void)
{
  return g_object_new (RL_TYPE_FEATURE_VIEW, NULL);
}

void
rl_feature_view_set_predictor (RlFeatureView *self,
                               RlPredictor   *predictor)
{
  g_return_if_fail (RL_IS_FEATURE_VIEW (self));

  if (!rl_predictor_signals_set (self->predictor_signals, &self->predictor, predictor))
    return;

  g_array_set_size (self->sections, 0);
  g_array_set_size (self->cells, 0);
  g_array_set_size (self->rows, 0);
  if (predictor != NULL)
    predictor_updated_cb (predictor, self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

RlPredictor *
rl_feature_view_get_predictor (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);

  return self->predictor;
}

void
rl_feature_view_set_scaling (RlFeatureView *self,
                             RlScaling      scaling)
{
  g_return_if_fail (RL_IS_FEATURE_VIEW (self));

  if (self->scaling == scaling)
    return;
  self->scaling = scaling;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->zoom_area != NULL)
    gtk_widget_queue_draw (self->zoom_area);
}

RlScaling
rl_feature_view_get_scaling (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), RL_SCALING_PER_LAYER);

  return self->scaling;
}

void
rl_feature_view_select_layer (RlFeatureView *self,
                              int            layer)
{
  g_return_if_fail (RL_IS_FEATURE_VIEW (self));

  self->selected_layer = layer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
rl_feature_view_get_selected_section (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), -1);

  return _rl_feature_view_section_of_layer (self, self->selected_layer);
}

int
rl_feature_view_get_section_y (RlFeatureView *self,
                               guint          i)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), -1);

  /* the cells are laid out with the sections (size_allocate): none yet, no place yet */
  if (!_rl_feature_view_has_content (self) || i >= self->sections->len || self->cells->len == 0)
    return -1;
  return g_array_index (self->sections, Section, i).y;
}

guint
rl_feature_view_get_n_sections (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);

  return _rl_feature_view_has_content (self) ? self->sections->len : 0;
}

guint
rl_feature_view_get_n_rows (RlFeatureView *self)
{
  guint n = 0;

  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);

  if (!_rl_feature_view_has_content (self))
    return 0;
  for (guint s = 0; s < self->sections->len; s++)
    n += g_array_index (self->sections, Section, s).rows->len;
  return n;
}

const char *
rl_feature_view_get_section_title (RlFeatureView *self,
                                   guint          i)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);
  g_return_val_if_fail (i < self->sections->len, NULL);

  return g_array_index (self->sections, Section, i).title;
}

guint
rl_feature_view_get_section_n_rows (RlFeatureView *self,
                                    guint          i)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);
  g_return_val_if_fail (i < self->sections->len, 0);

  return g_array_index (self->sections, Section, i).rows->len;
}

const char *
rl_feature_view_get_row_label (RlFeatureView *self,
                               guint          section,
                               guint          row)
{
  const Section *s;

  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);
  g_return_val_if_fail (section < self->sections->len, NULL);
  s = &g_array_index (self->sections, Section, section);
  g_return_val_if_fail (row < s->rows->len, NULL);

  return g_array_index (s->rows, Row, row).label;
}

void
rl_feature_view_get_map_range (RlFeatureView *self,
                               guint          section,
                               guint          row,
                               int            channel,
                               float         *lo,
                               float         *hi)
{
  const Section *s;

  g_return_if_fail (RL_IS_FEATURE_VIEW (self));
  g_return_if_fail (section < self->sections->len);
  s = &g_array_index (self->sections, Section, section);
  g_return_if_fail (row < s->rows->len);
  g_return_if_fail (channel >= 0 && channel < g_array_index (s->rows, Row, row).c);

  _rl_feature_view_map_range (self, section, row, channel, lo, hi);
}

gboolean
rl_feature_view_show_map (RlFeatureView *self,
                          guint          section,
                          guint          row,
                          int            channel)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), FALSE);

  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);

      if (cell->section == section && cell->row == row && cell->channel == channel)
        {
          self->focus_cell = (int) i;
          _rl_feature_view_show_zoom (self, cell);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
rl_feature_view_get_zoom_text (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->zoom_label));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_feature_view_dispose (GObject *object)
{
  RlFeatureView *self = RL_FEATURE_VIEW (object);

  rl_feature_view_set_predictor (self, NULL);
  g_clear_object (&self->predictor_signals);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  self->zoom_area = NULL;
  self->zoom_label = NULL;

  G_OBJECT_CLASS (rl_feature_view_parent_class)->dispose (object);
}

static void
rl_feature_view_finalize (GObject *object)
{
  RlFeatureView *self = RL_FEATURE_VIEW (object);

  g_clear_pointer (&self->sections, g_array_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (rl_feature_view_parent_class)->finalize (object);
}

static void
rl_feature_view_class_init (RlFeatureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_feature_view_dispose;
  object_class->finalize = rl_feature_view_finalize;

  _rl_feature_view_class_layout_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "rlfeatureview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rl_feature_view_init (RlFeatureView *self)
{
  self->sections = g_array_new (FALSE, TRUE, sizeof (Section));
  g_array_set_clear_func (self->sections, _rl_feature_view_section_clear);
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  self->rows = g_array_new (FALSE, TRUE, sizeof (RowPlace));
  self->focus_cell = -1;
  self->selected_layer = -1;
  self->predictor_signals = rl_predictor_signals_new (G_CALLBACK (predictor_updated_cb),
                                                      G_CALLBACK (predictor_model_changed_cb), self);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  _rl_feature_view_zoom_init (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Activation maps of every layer"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Arrow keys move between maps; Enter shows the focused map "
                                  "enlarged with its value range."),
                                  -1);
}
