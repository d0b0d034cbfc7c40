#define G_LOG_DOMAIN "reslab-ui"

/* rl-bin-layout.c: see rl-bin-layout.h. Measures and allocates as GtkBinLayout does; the
 * request mode is GtkLayoutManager's own (from the children). */

#include "rl-bin-layout.h"

struct _RlBinLayout
{
  GtkLayoutManager     parent_instance;
  RlBinLayoutAllocated allocated;
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

static void
rl_bin_layout_allocate (GtkLayoutManager *manager,
                        GtkWidget        *widget,
                        int               width,
                        int               height,
                        int               baseline)
{
  RlBinLayout *self = RL_BIN_LAYOUT (manager);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      gtk_widget_allocate (child, width, height, baseline, NULL);
  if (self->allocated != NULL)
    self->allocated (widget, width, height);
}

static void
rl_bin_layout_class_init (RlBinLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->measure = rl_bin_layout_measure;
  layout_class->allocate = rl_bin_layout_allocate;
}

static void
rl_bin_layout_init (RlBinLayout *self)
{
}

GtkLayoutManager *
rl_bin_layout_new (RlBinLayoutAllocated allocated)
{
  RlBinLayout *self = g_object_new (RL_TYPE_BIN_LAYOUT, NULL);

  self->allocated = allocated;
  return GTK_LAYOUT_MANAGER (self);
}
