#define G_LOG_DOMAIN "reslab-ui"

/* rl-bin-layout.c: see rl-bin-layout.h. Measures and allocates as GtkBinLayout does; the
 * request mode is GtkLayoutManager's own (from the children). Then the crowded state, and its
 * idle. */

#include "rl-bin-layout.h"

struct _RlBinLayout
{
  GtkLayoutManager   parent_instance;
  RlBinLayoutCrowded crowded_func;
  RlBinLayoutApply   apply;

  gboolean           crowded;   /* as last found, applied or pending */
  int                need;      /* as last found; G_MININT: to be applied again */
  guint              apply_id;  /* apply_cb, pending */
};

G_DEFINE_FINAL_TYPE (RlBinLayout, rl_bin_layout, GTK_TYPE_LAYOUT_MANAGER)

static void
rl_bin_layout_measure (GtkLayoutManager *manager,
                       GtkWidget        *widget,
                       GtkOrientation    orientation,
                       int               for_size,
                       int              *minimum,
                       int              *natural,
                       int              *minimum_baseline,
                       int              *natural_baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min = 0, nat = 0, min_base = -1, nat_base = -1;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, for_size, &min, &nat, &min_base, &nat_base);
      *minimum = MAX (*minimum, min);
      *natural = MAX (*natural, nat);
      if (min_base > -1)
        *minimum_baseline = MAX (*minimum_baseline, min_base);
      if (nat_base > -1)
        *natural_baseline = MAX (*natural_baseline, nat_base);
    }
}

static gboolean
apply_cb (gpointer data)
{
  RlBinLayout *self = data;
  GtkWidget *widget = gtk_layout_manager_get_widget (GTK_LAYOUT_MANAGER (self));

  self->apply_id = 0;
  if (widget != NULL)
    self->apply (widget, self->crowded, self->need);
  return G_SOURCE_REMOVE;
}

static void
rl_bin_layout_allocate (GtkLayoutManager *manager,
                        GtkWidget        *widget,
                        int               width,
                        int               height,
                        int               baseline)
{
  RlBinLayout *self = RL_BIN_LAYOUT (manager);
  gboolean crowded;
  int need;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      gtk_widget_allocate (child, width, height, baseline, NULL);
  crowded = self->crowded_func (widget, width, &need);
  if (crowded != self->crowded || need != self->need)
    {
      self->crowded = crowded;
      self->need = need;
      if (self->apply_id == 0)
        self->apply_id = g_idle_add (apply_cb, self);
    }
}

/* Out of its window (on its way to being disposed, say), the widget is not told: a change
 * pending is applied after the next allocation instead. */
static void
rl_bin_layout_unroot (GtkLayoutManager *manager)
{
  RlBinLayout *self = RL_BIN_LAYOUT (manager);

  if (self->apply_id != 0)
    {
      g_clear_handle_id (&self->apply_id, g_source_remove);
      self->need = G_MININT;
    }
}

static void
rl_bin_layout_dispose (GObject *object)
{
  RlBinLayout *self = RL_BIN_LAYOUT (object);

  g_clear_handle_id (&self->apply_id, g_source_remove);

  G_OBJECT_CLASS (rl_bin_layout_parent_class)->dispose (object);
}

static void
rl_bin_layout_class_init (RlBinLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->dispose = rl_bin_layout_dispose;
  layout_class->measure = rl_bin_layout_measure;
  layout_class->allocate = rl_bin_layout_allocate;
  layout_class->unroot = rl_bin_layout_unroot;
}

static void
rl_bin_layout_init (RlBinLayout *self)
{
}

GtkLayoutManager *
rl_bin_layout_new (RlBinLayoutCrowded crowded,
                   RlBinLayoutApply   apply)
{
  RlBinLayout *self;

  g_return_val_if_fail (crowded != NULL && apply != NULL, NULL);

  self = g_object_new (RL_TYPE_BIN_LAYOUT, NULL);
  self->crowded_func = crowded;
  self->apply = apply;
  return GTK_LAYOUT_MANAGER (self);
}
