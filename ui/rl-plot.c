#define G_LOG_DOMAIN "reslab-ui"

/* rl-plot.c: see rl-plot.h. */

#include "rl-plot.h"

#include "rl-widget-util.h"

G_DEFINE_ABSTRACT_TYPE (RlPlot, rl_plot, GTK_TYPE_WIDGET)

static void
rl_plot_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  int width, height;
  cairo_t *cr = rl_snapshot_append_cairo (widget, snapshot, &width, &height);

  if (cr == NULL)
    return;
  RL_PLOT_GET_CLASS (widget)->draw (RL_PLOT (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
rl_plot_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  const RlPlotSize *size = &RL_PLOT_GET_CLASS (widget)->size;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = size->min_width;
      *natural = size->nat_width;
    }
  else
    {
      *minimum = size->min_height;
      *natural = size->nat_height;
    }
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           RlPlot                   *self)
{
  RL_PLOT_GET_CLASS (self)->set_hover (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          RlPlot                   *self)
{
  RL_PLOT_GET_CLASS (self)->set_hover (self, -1.0, -1.0);
}

static void
rl_plot_class_init (RlPlotClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = rl_plot_snapshot;
  widget_class->measure = rl_plot_measure;
}

static void
rl_plot_init (RlPlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}
