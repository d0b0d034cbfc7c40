#define G_LOG_DOMAIN "reslab-ui"

/* rl-train-view.c: the Train view (see rl-train-view.h): the form of a run's settings (net,
 * dataset, epochs, learning rate, momentum...) with its defaults per net, the diagram of the net,
 * the settings bound to GSettings, and the widget's set-up. The charts and the progress line
 * are in rl-train-view-progress.c; the struct both share in rl-train-view-private.h.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-train-view-private.h"

#include <math.h>
#include <string.h>

#include "rl-bin-layout.h"
#include "rl-net-chooser.h"
#include "rl-network-view.h"
#include "rl-plot.h"
#include "rl-settings.h"
#include "rl-widget-util.h"


G_DEFINE_FINAL_TYPE (RlTrainView, rl_train_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LEARNING_RATE,
  PROP_MOMENTUM,
  PROP_FROM_CURRENT,
  PROP_CAN_START,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- settings ----------------------------------------------------------------------------- */

void
rl_train_view_get_settings (RlTrainView   *self,
                            RlTrainConfig *config,
                            guint         *train_images,
                            gboolean      *from_current)
{
  guint selected;

  g_return_if_fail (RL_IS_TRAIN_VIEW (self));
  g_return_if_fail (config != NULL);

  rl_train_config_init_defaults (config);
  selected = gtk_drop_down_get_selected (self->dataset_dropdown);
  config->dataset = selected < self->kinds->len
                    ? g_array_index (self->kinds, RlDatasetKind, selected) : RL_DATASET_MNIST;
  config->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->lr = (float) gtk_spin_button_get_value (self->lr_spin);
  config->momentum = (float) gtk_spin_button_get_value (self->momentum_spin);
  config->weight_decay = (float) gtk_spin_button_get_value (self->weight_decay_spin);
  config->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  if (train_images != NULL)
    *train_images = (guint) gtk_spin_button_get_value_as_int (self->images_spin);
  if (from_current != NULL)
    *from_current = gtk_switch_get_active (self->from_current_switch);
}

const RlArch *
rl_train_view_get_arch (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return rl_net_chooser_get_arch (self->net_chooser);
}

RlNetChooser *
rl_train_view_get_net_chooser (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return self->net_chooser;
}

gboolean
rl_train_view_can_start (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), FALSE);

  return self->can_start;
}

void
rl_train_view_set_train_images (RlTrainView *self,
                                guint        n)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  gtk_spin_button_set_value (self->images_spin, n);
}

void
rl_train_view_set_epochs (RlTrainView *self,
                          int          epochs)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  gtk_spin_button_set_value (self->epochs_spin, epochs);
}

void
rl_train_view_set_from_current (RlTrainView *self,
                                gboolean     from_current)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  gtk_switch_set_active (self->from_current_switch, from_current);
}

double
rl_train_view_get_learning_rate (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), 0);

  return gtk_spin_button_get_value (self->lr_spin);
}

double
rl_train_view_get_momentum (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), 0);

  return gtk_spin_button_get_value (self->momentum_spin);
}

static void update_can_start (RlTrainView *self);
static void update_defaults_button (RlTrainView *self);

void
rl_train_view_set_state (RlTrainView    *self,
                         RlTrainerState  state)
{
  gboolean idle = state == RL_TRAINER_IDLE;
  gboolean changed = (state == RL_TRAINER_PAUSED) != (self->state == RL_TRAINER_PAUSED);

  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  self->state = state;
  if (changed)
    _rl_train_view_update_progress_label (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->dataset_dropdown), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->epochs_spin), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->batch_spin), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->images_spin), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seed_spin), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->from_current_switch), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->weight_decay_spin), idle);
  update_defaults_button (self);
  /* the net is that of the model in use when the run continues it */
  gtk_widget_set_sensitive (GTK_WIDGET (self->net_chooser),
                            idle && !gtk_switch_get_active (self->from_current_switch));
  /* learning rate and momentum stay editable */
}

/* ---- the diagram of the net to be trained ------------------------------------------------- */

/* Draws the net a run would train: the model in use when the run continues it, else the net
 * chosen, or the last valid one while its text is not. A click on a layer does nothing more
 * than outline it: Inside shows the maps of the model in use, not of this net. */
static void
update_diagram (RlTrainView *self)
{
  if (gtk_switch_get_active (self->from_current_switch) && self->predictor != NULL)
    rl_network_view_set_predictor (self->network_view, self->predictor);
  else
    rl_network_view_set_model (self->network_view, self->chosen);
}

/* Builds the net chosen when it is valid and not the one already built. */
static void
update_chosen (RlTrainView *self)
{
  const RlArch *arch = rl_net_chooser_get_arch (self->net_chooser);
  g_autofree char *text = NULL;
  g_autofree char *built = NULL;
  g_autoptr (GError) error = NULL;
  RlModel *model;

  if (arch == NULL)
    return;
  if (self->chosen != NULL)
    {
      text = rl_arch_to_string (arch);
      built = rl_arch_to_string (rl_model_get_arch (self->chosen));
      if (g_strcmp0 (text, built) == 0)
        return;
    }
  /* the chooser checked it for 1×28×28 images and 10 classes */
  model = rl_model_new_mnist (arch, &error);
  if (model == NULL)
    {
      g_warning ("The net chosen cannot be drawn: %s", error->message);
      return;
    }
  g_clear_pointer (&self->chosen, rl_model_free);
  self->chosen = model;
}

void
rl_train_view_set_predictor (RlTrainView *self,
                             RlPredictor *predictor)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));
  g_return_if_fail (predictor == NULL || RL_IS_PREDICTOR (predictor));

  if (!g_set_object (&self->predictor, predictor))
    return;
  if (predictor == NULL)
    rl_network_view_set_predictor (self->network_view, NULL);
  update_diagram (self);
}

void
rl_train_view_show_network (RlTrainView *self,
                            gboolean     show)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  gtk_toggle_button_set_active (self->diagram_button, show);
}

RlNetworkView *
rl_train_view_get_network_view (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return self->network_view;
}

/* ---- the diagram beside the charts, or above the progress --------------------------------- */

/* Whether, at @width, the whole diagram shown would not fit beside the settings and the charts
 * at their minimum widths (the charts' as they were when last shown); and the width its
 * scroller then asks for (*@need). Side by side, the whole diagram, so that the box does not
 * hand the space to the charts instead. Crowded, the charts give way and the progress goes
 * under the diagram, which has the width beside the settings: the whole diagram (centred in
 * it), or what the settings at their minimum leave. The settings stay, since the diagram is
 * there to show the net they choose as it is typed, and they hold Start Training and the
 * learning rate and momentum a run lets change. (At 800 x 600 the diagram got 220 px of the
 * seed net's 356 between the settings and the progress, its boxes cut on the right.) Asked by
 * RlBinLayout after each allocation. */
static gboolean
diagram_crowded (GtkWidget *widget,
                 int        width,
                 int       *need)
{
  RlTrainView *self = RL_TRAIN_VIEW (widget);
  int spacing = gtk_box_get_spacing (GTK_BOX (self->root));
  int run_spacing = gtk_box_get_spacing (GTK_BOX (self->run_box));
  int settings, separator, diagram, beside;

  *need = -1;
  if (!gtk_widget_get_visible (self->diagram_scroller))
    return FALSE;
  if (gtk_widget_get_visible (GTK_WIDGET (self->loss_chart)))
    gtk_widget_measure (self->charts_box, GTK_ORIENTATION_HORIZONTAL, -1, &self->charts_width,
                        NULL, NULL, NULL);
  gtk_widget_measure (self->settings_column, GTK_ORIENTATION_HORIZONTAL, -1, &settings, NULL,
                      NULL, NULL);
  gtk_widget_measure (self->charts_separator, GTK_ORIENTATION_HORIZONTAL, -1, &separator, NULL,
                      NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (self->network_view), GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                      &diagram, NULL, NULL);
  /* the room right of the settings */
  beside = width - gtk_widget_get_margin_start (self->root) - gtk_widget_get_margin_end (self->root)
           - spacing - settings;
  if (beside - 2 * run_spacing - separator - self->charts_width >= diagram)
    {
      *need = diagram;
      return FALSE;
    }
  *need = MAX (MIN (diagram, beside), 0);
  return TRUE;
}

/* The charts go, or come back; the progress line and bar stay, under the diagram where it is
 * crowded: a run started meanwhile is seen going. (From an idle, RlBinLayout's.) */
static void
apply_crowded (GtkWidget *widget,
               gboolean   crowded,
               int        need)
{
  RlTrainView *self = RL_TRAIN_VIEW (widget);

  gtk_widget_set_visible (GTK_WIDGET (self->loss_chart), !crowded);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->accuracy_chart)),
                          !crowded);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->run_box),
                                  crowded ? GTK_ORIENTATION_VERTICAL
                                          : GTK_ORIENTATION_HORIZONTAL);
  /* between the diagram and the progress, across the other way */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->charts_separator),
                                  crowded ? GTK_ORIENTATION_HORIZONTAL
                                          : GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_size_request (self->diagram_scroller, need, -1);
}

static void
diagram_shown_cb (GtkWidget   *scroller,
                  GParamSpec  *pspec,
                  RlTrainView *self)
{
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* ---- settings kept between runs (GSettings) ----------------------------------------------- */

void
rl_train_view_bind_settings (RlTrainView *self,
                             GSettings   *settings)
{
  static const struct {
    const char *key;
    gsize       offset;
  } spins[] = {
    { "train-epochs", G_STRUCT_OFFSET (RlTrainView, epochs_spin) },
    { "train-learning-rate", G_STRUCT_OFFSET (RlTrainView, lr_spin) },
    { "train-momentum", G_STRUCT_OFFSET (RlTrainView, momentum_spin) },
    { "train-weight-decay", G_STRUCT_OFFSET (RlTrainView, weight_decay_spin) },
    { "train-batch-size", G_STRUCT_OFFSET (RlTrainView, batch_spin) },
    { "train-images", G_STRUCT_OFFSET (RlTrainView, images_spin) },
    { "train-seed", G_STRUCT_OFFSET (RlTrainView, seed_spin) },
  };

  g_return_if_fail (RL_IS_TRAIN_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  rl_settings_bind_dataset (settings, "train-dataset", self->dataset_dropdown, self->kinds);
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_settings_bind (settings, spins[i].key, G_STRUCT_MEMBER (GObject *, self, spins[i].offset),
                     "value", G_SETTINGS_BIND_DEFAULT);
  /* after the spins: a net restored whose defaults differ leaves the values restored alone */
  rl_net_chooser_bind_settings (self->net_chooser, settings);
}

/* ---- set-up ------------------------------------------------------------------------------- */

/* The charts' minimum sizes, below RlChart's 320 x 200. 260 px wide: at 1024 x 700 the charts
 * had 269 px beside the whole diagram, and gave way to it, leaving 300 px empty right of it;
 * their plots are still about 130 px wide (at 960 x 720, 205 px would leave them too few, and
 * the diagram is centred above the progress instead). The loss chart 160 px high: its legend
 * shares its title's line, so its plot keeps about the height of the accuracy chart's under a
 * legend of two lines; at 800 x 600 a run had 2 px to spare, and a status of three lines (a
 * longer translation) made the window taller than the screen. Both grow into what is left. */
#define CHARTS_MIN_WIDTH      260
#define LOSS_CHART_MIN_HEIGHT 160

static void
setup_charts (RlTrainView *self)
{
  const GdkRGBA batch = { 0.21f, 0.52f, 0.89f, 0.35f };
  const GdkRGBA smooth = { 0.10f, 0.30f, 0.70f, 1.0f };
  const GdkRGBA train = { 0.90f, 0.45f, 0.05f, 1.0f };
  const GdkRGBA heldout = { 0.18f, 0.62f, 0.30f, 1.0f };
  const GdkRGBA test = { 0.57f, 0.25f, 0.66f, 1.0f };

  rl_plot_set_min_size (RL_PLOT (self->loss_chart), CHARTS_MIN_WIDTH, LOSS_CHART_MIN_HEIGHT);
  rl_plot_set_min_size (RL_PLOT (self->accuracy_chart), CHARTS_MIN_WIDTH, -1);

  rl_chart_set_title (self->loss_chart, _("Training loss"));
  rl_chart_set_x_label (self->loss_chart, _("images seen"));
  rl_chart_set_y_label (self->loss_chart, _("cross-entropy loss"));
  rl_chart_add_series (self->loss_chart, C_("chart series", "batch"), &batch, RL_CHART_LINE_SOLID, 1.0, FALSE);
  rl_chart_add_series (self->loss_chart, _("smoothed"), &smooth, RL_CHART_LINE_SOLID, 2.5, FALSE);

  rl_chart_set_title (self->accuracy_chart, _("Accuracy"));
  rl_chart_set_x_label (self->accuracy_chart, _("images seen"));
  rl_chart_set_y_label (self->accuracy_chart, _("accuracy (%)"));
  rl_chart_set_y_format (self->accuracy_chart, RL_CHART_FORMAT_PERCENT);
  rl_chart_set_y_range (self->accuracy_chart, 0, 1);
  rl_chart_add_series (self->accuracy_chart, _("train (running)"), &train, RL_CHART_LINE_SOLID,
                       1.5, FALSE);
  rl_chart_add_series (self->accuracy_chart, _("held-out test subset"), &heldout,
                       RL_CHART_LINE_SOLID, 2.0, TRUE);
  rl_chart_add_series (self->accuracy_chart, _("full test set (epoch end)"), &test,
                       RL_CHART_LINE_DASHED, 2.0, TRUE);
  /* one x axis, images seen: a point of the run at one place in both */
  rl_chart_align_plot_with (self->loss_chart, self->accuracy_chart);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->loss_chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Training loss against images seen"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->accuracy_chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Accuracy against images seen"), -1);
}

static void
from_current_changed_cb (GtkSwitch   *widget,
                         GParamSpec  *pspec,
                         RlTrainView *self)
{
  gtk_widget_set_tooltip_text (self->start_button,
                               gtk_switch_get_active (widget)
                               ? _("Continue training the model in use with these settings; the "
                                 "result is a new model in Models, and the one it started from "
                                 "stays as it was (Ctrl+Return)")
                               : _("Train a new model from random weights with these settings; "
                                 "Draw and Inside use it as it learns, and the model in use "
                                 "now stays in Models (Ctrl+Return)"));
  rl_train_view_set_state (self, self->state);
  update_can_start (self);
  update_diagram (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROM_CURRENT]);
}

static void
spin_value_changed_cb (GtkSpinButton *spin,
                       RlTrainView   *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), spin == self->lr_spin
                                             ? properties[PROP_LEARNING_RATE]
                                             : properties[PROP_MOMENTUM]);
}

/* ---- the net and its defaults ------------------------------------------------------------- */

static gboolean
close_to (double a, double b)
{
  return fabs (a - b) <= 1e-6 * MAX (1.0, fabs (b));
}

static void
update_can_start (RlTrainView *self)
{
  gboolean can = gtk_switch_get_active (self->from_current_switch)
                 || rl_net_chooser_get_arch (self->net_chooser) != NULL;

  if (can == self->can_start)
    return;
  self->can_start = can;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_START]);
}

/* Use Defaults, while the values differ from the defaults the note names (a net chosen after
 * an edit keeps the edited values, and the note would otherwise list other numbers than the
 * spin buttons with nothing to say so). Insensitive while weight decay is locked by a run. */
static void
update_defaults_button (RlTrainView *self)
{
  gboolean differ =
    !close_to (gtk_spin_button_get_value (self->lr_spin), self->defaults.lr)
    || !close_to (gtk_spin_button_get_value (self->momentum_spin), self->defaults.momentum)
    || !close_to (gtk_spin_button_get_value (self->weight_decay_spin),
                  self->defaults.weight_decay);

  gtk_widget_set_visible (self->defaults_button, differ);
  gtk_widget_set_sensitive (self->defaults_button,
                            gtk_widget_get_sensitive (GTK_WIDGET (self->weight_decay_spin)));
}

static void
show_defaults (RlTrainView *self)
{
  g_autofree char *text = NULL;

  if (self->defaults.batch_norm)
    text = g_strdup_printf (_("Defaults for nets with batch norm (the experiment’s): learning "
                              "rate %g, momentum %g, weight decay %g."), self->defaults.lr,
                            self->defaults.momentum, self->defaults.weight_decay);
  else
    text = g_strdup_printf (_("Defaults for nets without batch norm (the seed’s): learning "
                              "rate %g, momentum %g, no weight decay."), self->defaults.lr,
                            self->defaults.momentum);
  gtk_label_set_text (self->defaults_label, text);
  update_defaults_button (self);
}

static void
defaults_clicked_cb (GtkButton   *button,
                     RlTrainView *self)
{
  gtk_spin_button_set_value (self->lr_spin, self->defaults.lr);
  gtk_spin_button_set_value (self->momentum_spin, self->defaults.momentum);
  gtk_spin_button_set_value (self->weight_decay_spin, self->defaults.weight_decay);
}

static void
optimiser_value_changed_cb (GtkSpinButton *spin,
                            RlTrainView   *self)
{
  update_defaults_button (self);
}

/* A net with other defaults than the last one gets them, unless the values were edited since
 * (they then differ from the last defaults). */
static void
net_changed_cb (RlNetChooser *chooser,
                RlTrainView  *self)
{
  const RlArch *arch = rl_net_chooser_get_arch (chooser);
  RlTrainDefaults next;

  update_can_start (self);
  if (arch == NULL)
    return;   /* the diagram keeps the last valid net */
  update_chosen (self);
  update_diagram (self);
  rl_train_defaults_for_arch (arch, &next);
  if (next.batch_norm != self->defaults.batch_norm
      && close_to (gtk_spin_button_get_value (self->lr_spin), self->defaults.lr)
      && close_to (gtk_spin_button_get_value (self->momentum_spin), self->defaults.momentum)
      && close_to (gtk_spin_button_get_value (self->weight_decay_spin),
                   self->defaults.weight_decay))
    {
      gtk_spin_button_set_value (self->lr_spin, next.lr);
      gtk_spin_button_set_value (self->momentum_spin, next.momentum);
      gtk_spin_button_set_value (self->weight_decay_spin, next.weight_decay);
    }
  self->defaults = next;
  show_defaults (self);
}

static void
batch_changed_cb (GtkSpinButton *spin,
                  RlTrainView   *self)
{
  g_object_set (self->net_chooser, "batch-size", gtk_spin_button_get_value_as_int (spin), NULL);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_train_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RlTrainView *self = RL_TRAIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_LEARNING_RATE:
      g_value_set_double (value, gtk_spin_button_get_value (self->lr_spin));
      break;
    case PROP_MOMENTUM:
      g_value_set_double (value, gtk_spin_button_get_value (self->momentum_spin));
      break;
    case PROP_FROM_CURRENT:
      g_value_set_boolean (value, gtk_switch_get_active (self->from_current_switch));
      break;
    case PROP_CAN_START:
      g_value_set_boolean (value, self->can_start);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_train_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  RlTrainView *self = RL_TRAIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_LEARNING_RATE:
      gtk_spin_button_set_value (self->lr_spin, g_value_get_double (value));
      break;
    case PROP_MOMENTUM:
      gtk_spin_button_set_value (self->momentum_spin, g_value_get_double (value));
      break;
    case PROP_FROM_CURRENT:
      gtk_switch_set_active (self->from_current_switch, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_train_view_dispose (GObject *object)
{
  RlTrainView *self = RL_TRAIN_VIEW (object);

  g_clear_object (&self->predictor);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_TRAIN_VIEW);

  G_OBJECT_CLASS (rl_train_view_parent_class)->dispose (object);
}

static void
rl_train_view_finalize (GObject *object)
{
  RlTrainView *self = RL_TRAIN_VIEW (object);

  g_clear_pointer (&self->kinds, g_array_unref);
  g_clear_pointer (&self->last, rl_train_progress_unref);
  g_clear_pointer (&self->net, g_free);
  g_clear_pointer (&self->chosen, rl_model_free);

  G_OBJECT_CLASS (rl_train_view_parent_class)->finalize (object);
}

static void
rl_train_view_class_init (RlTrainViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_train_view_get_property;
  object_class->set_property = rl_train_view_set_property;
  object_class->dispose = rl_train_view_dispose;
  object_class->finalize = rl_train_view_finalize;

  properties[PROP_LEARNING_RATE] =
    g_param_spec_double ("learning-rate", NULL, NULL, 0.0001, 1.0, 0.01,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MOMENTUM] =
    g_param_spec_double ("momentum", NULL, NULL, 0.0, 0.99, 0.5,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FROM_CURRENT] =
    g_param_spec_boolean ("from-current", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_START] =
    g_param_spec_boolean ("can-start", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RL_TYPE_CHART);
  g_type_ensure (RL_TYPE_NET_CHOOSER);
  g_type_ensure (RL_TYPE_NETWORK_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-train-view.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, root);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, settings_grid);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, dataset_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, lr_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, momentum_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, weight_decay_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, defaults_label);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, defaults_button);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, net_chooser);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, images_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, from_current_switch);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, start_button);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, blocked_label);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, loss_chart);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, accuracy_chart);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, accuracy_zoom_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_accuracy_zoom_toggled",
                                                G_CALLBACK (_rl_train_view_accuracy_zoom_toggled));
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, status_label);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, diagram_button);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, diagram_scroller);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, network_view);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, settings_column);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, run_box);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, charts_separator);
  gtk_widget_class_bind_template_child (widget_class, RlTrainView, charts_box);

  gtk_widget_class_set_css_name (widget_class, "rltrainview");
}

static void
rl_train_view_init (RlTrainView *self)
{
  RlTrainConfig defaults;

  self->kinds = g_array_new (FALSE, FALSE, sizeof (RlDatasetKind));
  self->last_heldout = NAN;
  self->last_test = NAN;

  gtk_widget_set_layout_manager (GTK_WIDGET (self),
                                 rl_bin_layout_new (diagram_crowded, apply_crowded));
  gtk_widget_init_template (GTK_WIDGET (self));
  rl_view_init_accessible (GTK_WIDGET (self), _("Train the network"));
  rl_view_init_spin_wheel (GTK_WIDGET (self));

  rl_train_config_init_defaults (&defaults);
  gtk_spin_button_set_value (self->epochs_spin, defaults.epochs);
  gtk_spin_button_set_value (self->lr_spin, defaults.lr);
  gtk_spin_button_set_value (self->momentum_spin, defaults.momentum);
  gtk_spin_button_set_value (self->batch_spin, defaults.batch);
  gtk_spin_button_set_value (self->seed_spin, (double) defaults.seed);
  gtk_spin_button_set_value (self->images_spin, 60000);

  rl_dataset_dropdown_fill (self->dataset_dropdown, self->kinds);
  setup_charts (self);
  g_object_bind_property (self->diagram_button, "active", self->diagram_scroller, "visible",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect (self->diagram_scroller, "notify::visible", G_CALLBACK (diagram_shown_cb),
                    self);
  /* a click on a layer does not go to Inside here (update_diagram says why) */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->network_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The net a run would train. Up and Down move between the "
                                    "layers, Enter opens or closes a stage"), -1);

  g_signal_connect (self->lr_spin, "value-changed", G_CALLBACK (spin_value_changed_cb), self);
  g_signal_connect (self->momentum_spin, "value-changed", G_CALLBACK (spin_value_changed_cb), self);
  g_signal_connect (self->lr_spin, "value-changed", G_CALLBACK (optimiser_value_changed_cb), self);
  g_signal_connect (self->momentum_spin, "value-changed", G_CALLBACK (optimiser_value_changed_cb),
                    self);
  g_signal_connect (self->weight_decay_spin, "value-changed",
                    G_CALLBACK (optimiser_value_changed_cb), self);
  g_signal_connect (self->defaults_button, "clicked", G_CALLBACK (defaults_clicked_cb), self);
  g_signal_connect (self->from_current_switch, "notify::active",
                    G_CALLBACK (from_current_changed_cb), self);
  from_current_changed_cb (self->from_current_switch, NULL, self);

  /* the seed net is chosen at first, with the seed's defaults set above */
  self->defaults.batch_norm = FALSE;
  self->defaults.lr = defaults.lr;
  self->defaults.momentum = defaults.momentum;
  self->defaults.weight_decay = defaults.weight_decay;
  g_signal_connect (self->batch_spin, "value-changed", G_CALLBACK (batch_changed_cb), self);
  g_signal_connect (self->net_chooser, "changed", G_CALLBACK (net_changed_cb), self);
  batch_changed_cb (self->batch_spin, self);
  net_changed_cb (self->net_chooser, self);
}
