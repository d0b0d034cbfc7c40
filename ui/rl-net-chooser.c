#define G_LOG_DOMAIN "reslab-ui"

/* rl-net-chooser.c: the Network choice of the Train view (rl-net-chooser.h). */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-net-chooser.h"

#include <string.h>

#include "rl-dataset.h"
#include "rl-limits.h"
#include "rl-model.h"
#include "rl-settings.h"

static const int depths[] = { 8, 20, 32, 44, 56 };
static const char * const family_nicks[] = { "seed", "resnet", "plain", "custom", NULL };
static const char * const shortcut_nicks[] = { "zero-padding", "projection", NULL };

/* The inputs every net of the Train view gets: MNIST or Fashion-MNIST, 28×28, 10 classes. */
#define IN_C 1
#define IN_H RL_MNIST_SIDE
#define IN_W RL_MNIST_SIDE
#define N_CLASSES RL_MNIST_CLASSES

struct _RlNetChooser
{
  GtkWidget parent_instance;

  GtkWidget     *root;
  GtkDropDown   *family_dropdown;
  GtkWidget     *cifar_box;
  GtkDropDown   *depth_dropdown;
  GtkDropDown   *shortcut_dropdown;
  GtkCheckButton *bn_check;
  GtkTextView   *text_view;
  GtkLabel      *error_label;
  GtkLabel      *stats_label;

  GtkTextBuffer *buffer;
  GtkTextTag    *error_tag;
  char          *custom_text;   /* the custom description, kept while another family is shown */
  RlArch        *arch;          /* NULL while the text is not a net */
  char          *error;
  int            err_start, err_end;
  int            batch;
  gboolean       updating;      /* the text is being set from the choice, not typed */
  gboolean       keep_custom;   /* an empty custom text is meant: do not fill it */
  GdkFrameClock *settle_clock;  /* frame_layout_cb's, while it waits */
  gulong         settle_handler;
};

G_DEFINE_FINAL_TYPE (RlNetChooser, rl_net_chooser, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CUSTOM_TEXT,
  PROP_BATCH_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- figures ------------------------------------------------------------------------------ */

/* 9,876 / 98.8 k / 1.23 M / 4.56 G */
static char *
format_count (double v)
{
  if (v < 10000)
    return g_strdup_printf ("%.0f", v);
  if (v < 1e6)
    return g_strdup_printf ("%.1f\u202fk", v / 1e3);
  if (v < 1e9)
    return g_strdup_printf ("%.2f\u202fM", v / 1e6);
  return g_strdup_printf ("%.2f\u202fG", v / 1e9);
}

static size_t
trainable_params (const RlModel *model)
{
  size_t n = 0;

  for (guint i = 0; i < rl_model_get_n_tensors (model); i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);

      if (rl_param_info_is_trainable (info))
        n += info->numel;
    }
  return n;
}

/* What training @model at the batch size needs, on every core as the trainer runs it. */
static size_t
train_memory (RlNetChooser  *self,
              const RlModel *model)
{
  return rl_model_train_memory (model, self->batch, (int) g_get_num_processors ());
}

static void
set_summary (RlNetChooser *self,
             const RlModel *model)
{
  g_autofree char *params = format_count ((double) trainable_params (model));
  g_autofree char *madds = format_count (rl_model_get_flops (model) / 2);
  g_autofree char *memory = g_format_size (train_memory (self, model));
  g_autofree char *text = NULL;

  /* Translators: 1: parameter count, 2: multiply-adds, 3: a size in bytes, 4: the batch size */
  text = g_strdup_printf (_("%1$s parameters · %2$s multiply-adds per image · %3$s of "
                            "activations and their gradients to train on batches of %4$d"),
                          params, madds, memory, self->batch);
  gtk_label_set_text (self->stats_label, text);
}

/* ---- checking the text -------------------------------------------------------------------- */

/* Shows @message (of a text that is not a net, or with @too_large of a net too large to train
 * here) and underlines @place. */
static void
set_error (RlNetChooser      *self,
           const char        *text,
           const RlArchPlace *place,
           const char        *message,
           gboolean           too_large)
{
  GtkTextIter start, end;
  g_autofree char *shown = NULL;
  int len = (int) strlen (text);

  self->err_start = (int) g_utf8_pointer_to_offset (text, text + CLAMP (place->start, 0, len));
  self->err_end = (int) g_utf8_pointer_to_offset (text, text + CLAMP (place->end, 0, len));
  g_free (self->error);
  self->error = g_strdup (message);

  gtk_text_buffer_get_iter_at_offset (self->buffer, &start, self->err_start);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &end, self->err_end);
  gtk_text_buffer_apply_tag (self->buffer, self->error_tag, &start, &end);

  /* TRANSLATORS: %s says why, in a sentence or two */
  shown = too_large ? g_strdup_printf (_("Too large to train here. %s"), message)
                    : g_strdup_printf (_("Not a net for 28×28 digits: %s"), message);
  gtk_label_set_text (self->error_label, shown);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_label_set_text (self->stats_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->stats_label), FALSE);
}

/* Why ResLab does not build or train the net @arch at the batch size, by the engine's limits
 * on a net (rl-limits.h), in the user's words and sizes; NULL when they allow it. */
static char *
limits_text (RlNetChooser *self,
             const RlArch *arch)
{
  RlArchCost cost;
  guint64 floats;
  g_autofree char *need = NULL;
  g_autofree char *limit = NULL;

  if (rl_limits_check_batch (arch, IN_C, IN_H, IN_W, self->batch, NULL))
    return NULL;
  rl_arch_cost (arch, IN_C, IN_H, IN_W, &cost);
  if (cost.n_params > RL_LIMIT_PARAMS)
    {
      need = format_count ((double) cost.n_params);
      limit = format_count (RL_LIMIT_PARAMS);
      /* TRANSLATORS: %1$s and %2$s are counts ("70.1 M") */
      return g_strdup_printf (_("It has %1$s parameters, more than ResLab allows (%2$s). A "
                                "narrower or shallower net would fit."), need, limit);
    }
  if (cost.activations > RL_LIMIT_ACTIVATIONS)
    {
      need = g_format_size (cost.activations * sizeof (float));
      limit = g_format_size (RL_LIMIT_ACTIVATIONS * sizeof (float));
      /* TRANSLATORS: %1$s and %2$s are sizes ("80.0 MB") */
      return g_strdup_printf (_("Its layers’ outputs for one image take %1$s, more than ResLab "
                                "allows (%2$s). A narrower net would fit."), need, limit);
    }
  floats = rl_limits_batch_floats (arch, IN_C, IN_H, IN_W, self->batch);
  if (floats > RL_LIMIT_BATCH_FLOATS)
    {
      need = g_format_size (floats * sizeof (float));
      limit = g_format_size (RL_LIMIT_BATCH_FLOATS * sizeof (float));
      /* TRANSLATORS: %1$d is the batch size, %2$s and %3$s are sizes ("20.1 GB") */
      return g_strdup_printf (_("Its layers’ outputs for a batch of %1$d images take %2$s, more "
                                "than ResLab allows (%3$s). A smaller batch or a narrower net "
                                "would fit."), self->batch, need, limit);
    }
  return g_strdup (_("It is larger than ResLab allows."));   /* by its number of layers */
}

/* Why this computer's memory cannot hold what training @model at the batch size needs, in
 * the user's words and sizes; NULL when it can. */
static char *
memory_text (RlNetChooser  *self,
             const RlModel *model)
{
  size_t need = train_memory (self, model);
  gboolean by_group;
  guint64 memory;
  g_autofree char *need_text = NULL;
  g_autofree char *memory_text = NULL;

  /* read once (the control group's files), and checked by the engine's rule */
  memory = rl_limits_process_memory (&by_group);
  if (memory == 0 || rl_limits_check_memory (need, (size_t) MIN (memory, (guint64) G_MAXSIZE),
                                             NULL))
    return NULL;
  need_text = g_format_size (need);
  memory_text = g_format_size (memory);
  if (by_group)
    /* TRANSLATORS: %1$d is the batch size, %2$s and %3$s are sizes; the limit is the one a
     * container or the system's settings put on the app */
    return g_strdup_printf (_("Training it on batches of %1$d would need %2$s of memory, more "
                              "than three quarters of the %3$s ResLab may use here. A smaller "
                              "batch or a narrower net would fit."),
                            self->batch, need_text, memory_text);
  /* TRANSLATORS: %1$d is the batch size, %2$s and %3$s are sizes */
  return g_strdup_printf (_("Training it on batches of %1$d would need %2$s of memory, more "
                            "than three quarters of this computer’s %3$s. A smaller batch or a "
                            "narrower net would fit."), self->batch, need_text, memory_text);
}

static void
check_text (RlNetChooser *self)
{
  g_autofree char *text = rl_net_chooser_get_text (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = NULL;
  g_autoptr (RlModel) model = NULL;
  g_autofree char *too_large = NULL;
  GtkTextIter start, end;
  RlArchPlace place;
  int layer = -1;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->error_tag, &start, &end);
  g_clear_pointer (&self->arch, rl_arch_free);
  g_clear_pointer (&self->error, g_free);
  self->err_start = self->err_end = 0;

  arch = rl_arch_parse_at (text, &place, &error);
  if (arch == NULL)
    set_error (self, text, &place, error->message, FALSE);
  /* a net that is right but too large for ResLab, or for this computer at the batch size:
   * said now, nothing underlined, and not offered, rather than refused by Start
   * (rl_train_loop_new checks the same) */
  else if ((too_large = limits_text (self, arch)) != NULL)
    {
      place = (RlArchPlace) { 0, 0, -1 };
      set_error (self, text, &place, too_large, TRUE);
    }
  else if ((model = rl_model_new_at (arch, IN_C, IN_H, IN_W, N_CLASSES, &layer, &error)) == NULL)
    {
      if (layer < 0 || !rl_arch_layer_place (text, layer, &place))
        place = (RlArchPlace) { 0, (int) strlen (text), -1 };
      set_error (self, text, &place, error->message, FALSE);
    }
  else if ((too_large = memory_text (self, model)) != NULL)
    {
      place = (RlArchPlace) { 0, 0, -1 };
      set_error (self, text, &place, too_large, TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->stats_label), TRUE);
      set_summary (self, model);
      self->arch = g_steal_pointer (&arch);
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
set_text (RlNetChooser *self,
          const char   *text)
{
  g_autofree char *old = rl_net_chooser_get_text (self);

  /* the same text again leaves the cursor where it is */
  if (g_strcmp0 (old, text) != 0)
    {
      self->updating = TRUE;
      gtk_text_buffer_set_text (self->buffer, text, -1);
      self->updating = FALSE;
    }
  check_text (self);
}

/* The text of the chosen family. */
static void
update_from_choice (RlNetChooser *self)
{
  RlNetFamily family = rl_net_chooser_get_family (self);
  guint depth = gtk_drop_down_get_selected (self->depth_dropdown);

  gtk_widget_set_visible (self->cifar_box, family == RL_NET_RESNET || family == RL_NET_PLAIN);
  gtk_widget_set_sensitive (GTK_WIDGET (self->shortcut_dropdown), family == RL_NET_RESNET);

  switch (family)
    {
    case RL_NET_SEED:
      set_text (self, RL_ARCH_SEED);
      break;
    case RL_NET_RESNET:
    case RL_NET_PLAIN:
      {
        g_autoptr (RlArch) arch = NULL;
        g_autofree char *text = NULL;

        arch = rl_arch_new_cifar (depths[MIN (depth, G_N_ELEMENTS (depths) - 1)],
                                  family == RL_NET_RESNET,
                                  gtk_drop_down_get_selected (self->shortcut_dropdown) == 1
                                  ? RL_SHORTCUT_B : RL_SHORTCUT_A,
                                  gtk_check_button_get_active (self->bn_check), NULL);
        text = rl_arch_to_string (arch);
        set_text (self, text);
      }
      break;
    case RL_NET_CUSTOM:
    default:
      if (!self->keep_custom && (self->custom_text == NULL || self->custom_text[0] == '\0'))
        {
          /* the first time: the net shown so far, to edit */
          g_free (self->custom_text);
          self->custom_text = rl_net_chooser_get_text (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CUSTOM_TEXT]);
        }
      set_text (self, self->custom_text);
      break;
    }
}

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   RlNetChooser  *self)
{
  if (self->updating)
    return;
  g_free (self->custom_text);
  self->custom_text = rl_net_chooser_get_text (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CUSTOM_TEXT]);
  if (rl_net_chooser_get_family (self) != RL_NET_CUSTOM)
    rl_net_chooser_set_family (self, RL_NET_CUSTOM);   /* typing makes it custom */
  else
    check_text (self);
}

static void
choice_changed_cb (RlNetChooser *self)
{
  update_from_choice (self);
}

/* ---- public ------------------------------------------------------------------------------- */

RlNetFamily
rl_net_chooser_get_family (RlNetChooser *self)
{
  g_return_val_if_fail (RL_IS_NET_CHOOSER (self), RL_NET_SEED);

  return (RlNetFamily) MIN (gtk_drop_down_get_selected (self->family_dropdown), RL_NET_CUSTOM);
}

void
rl_net_chooser_set_family (RlNetChooser *self,
                           RlNetFamily   family)
{
  g_return_if_fail (RL_IS_NET_CHOOSER (self));
  g_return_if_fail (family <= RL_NET_CUSTOM);

  gtk_drop_down_set_selected (self->family_dropdown, family);
}

void
rl_net_chooser_set_cifar (RlNetChooser *self,
                          int           depth,
                          RlShortcut    shortcut,
                          gboolean      batch_norm)
{
  g_return_if_fail (RL_IS_NET_CHOOSER (self));
  g_return_if_fail (shortcut == RL_SHORTCUT_A || shortcut == RL_SHORTCUT_B);

  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    if (depths[i] == depth)
      gtk_drop_down_set_selected (self->depth_dropdown, i);
  gtk_drop_down_set_selected (self->shortcut_dropdown, shortcut == RL_SHORTCUT_B);
  gtk_check_button_set_active (self->bn_check, batch_norm);
}

void
rl_net_chooser_set_custom_text (RlNetChooser *self,
                                const char   *text)
{
  g_return_if_fail (RL_IS_NET_CHOOSER (self));
  g_return_if_fail (text != NULL);

  self->keep_custom = TRUE;
  g_object_set (self, "custom-text", text, NULL);
  if (rl_net_chooser_get_family (self) != RL_NET_CUSTOM)
    rl_net_chooser_set_family (self, RL_NET_CUSTOM);
  self->keep_custom = FALSE;
}

void
rl_net_chooser_choose (RlNetChooser *self,
                       const char   *text)
{
  g_return_if_fail (RL_IS_NET_CHOOSER (self));
  g_return_if_fail (text != NULL);

  if (strcmp (text, "seed") == 0)
    {
      rl_net_chooser_set_family (self, RL_NET_SEED);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    for (int residual = 0; residual < 2; residual++)
      {
        g_autofree char *name = g_strdup_printf (residual ? "resnet-%d" : "plain-%d", depths[i]);

        if (strcmp (text, name) != 0)
          continue;
        rl_net_chooser_set_cifar (self, depths[i], RL_SHORTCUT_A, TRUE);
        rl_net_chooser_set_family (self, residual ? RL_NET_RESNET : RL_NET_PLAIN);
        return;
      }
  rl_net_chooser_set_custom_text (self, text);
}

char *
rl_net_chooser_get_text (RlNetChooser *self)
{
  GtkTextIter start, end;

  g_return_val_if_fail (RL_IS_NET_CHOOSER (self), NULL);

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

const RlArch *
rl_net_chooser_get_arch (RlNetChooser *self)
{
  g_return_val_if_fail (RL_IS_NET_CHOOSER (self), NULL);

  return self->arch;
}

const char *
rl_net_chooser_get_error (RlNetChooser *self,
                          int          *start,
                          int          *end)
{
  g_return_val_if_fail (RL_IS_NET_CHOOSER (self), NULL);

  if (start != NULL)
    *start = self->err_start;
  if (end != NULL)
    *end = self->err_end;
  return self->error;
}

const char *
rl_net_chooser_get_summary (RlNetChooser *self)
{
  g_return_val_if_fail (RL_IS_NET_CHOOSER (self), NULL);

  return gtk_label_get_text (self->stats_label);
}

void
rl_net_chooser_bind_settings (RlNetChooser *self,
                              GSettings    *settings)
{
  g_return_if_fail (RL_IS_NET_CHOOSER (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  /* the custom text first, so that a custom choice restored shows it */
  g_settings_bind (settings, "train-net-custom", self, "custom-text", G_SETTINGS_BIND_DEFAULT);
  rl_settings_bind_int_choice (settings, "train-net-depth", self->depth_dropdown, depths,
                               G_N_ELEMENTS (depths));
  rl_settings_bind_nick_choice (settings, "train-net-shortcut", self->shortcut_dropdown,
                                shortcut_nicks);
  g_settings_bind (settings, "train-net-batch-norm", self->bn_check, "active",
                   G_SETTINGS_BIND_DEFAULT);
  rl_settings_bind_nick_choice (settings, "train-net", self->family_dropdown, family_nicks);
}

char *
rl_net_describe (const RlArch *arch)
{
  g_autofree char *name = NULL;
  const char *dash;

  g_return_val_if_fail (arch != NULL, NULL);

  name = rl_arch_short_name (arch);
  if (name == NULL)
    return g_strdup_printf (ngettext ("a custom net of %d layer", "a custom net of %d layers",
                                      arch->n_layers), arch->n_layers);
  if (strcmp (name, "seed") == 0)
    return g_strdup (_("the seed net"));
  /* "resnet-20-B-nobn": the options after the depth */
  dash = strchr (strchr (name, '-') + 1, '-');
  if (dash == NULL)
    return g_steal_pointer (&name);
  name[dash - name] = '\0';
  if (strcmp (dash, "-B") == 0)
    return g_strdup_printf (_("%s (shortcut B)"), name);
  if (strcmp (dash, "-nobn") == 0)
    return g_strdup_printf (_("%s (no batch norm)"), name);
  return g_strdup_printf (_("%s (shortcut B, no batch norm)"), name);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_net_chooser_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  RlNetChooser *self = RL_NET_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_CUSTOM_TEXT:
      g_value_set_string (value, self->custom_text != NULL ? self->custom_text : "");
      break;
    case PROP_BATCH_SIZE:
      g_value_set_int (value, self->batch);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_net_chooser_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  RlNetChooser *self = RL_NET_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_CUSTOM_TEXT:
      if (g_strcmp0 (self->custom_text, g_value_get_string (value)) == 0)
        break;
      g_free (self->custom_text);
      self->custom_text = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
      if (rl_net_chooser_get_family (self) == RL_NET_CUSTOM)
        update_from_choice (self);
      break;
    case PROP_BATCH_SIZE:
      if (self->batch == g_value_get_int (value))
        break;
      self->batch = g_value_get_int (value);
      g_object_notify_by_pspec (object, pspec);
      check_text (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* GTK 4.8's wrapping GtkTextView lays its text out again when its first allocation (or a new
 * width) arrives, and queues a resize from inside that allocation. The flag stops at the
 * window's content, already being allocated, and is never acted on: the whole window stayed
 * blank when the Train view was first shown after another view than Draw ("Trying to snapshot
 * GtkOverlay ... without a current allocation"; test-ui-layout's views-laid-out-on-first-show).
 * So in the first layout phase after the text view is mapped, once GTK has laid the window out,
 * a resize queued at the window makes the frame clock lay it out again before it paints. */
static void
frame_layout_cb (GdkFrameClock *clock,
                 RlNetChooser  *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self->text_view));

  g_clear_signal_handler (&self->settle_handler, clock);
  g_clear_object (&self->settle_clock);
  if (root != NULL)
    gtk_widget_queue_resize (GTK_WIDGET (root));
}

static void
text_view_map_cb (GtkWidget    *text_view,
                  RlNetChooser *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (text_view);

  if (self->settle_handler != 0 || clock == NULL)
    return;
  self->settle_clock = g_object_ref (clock);
  self->settle_handler = g_signal_connect (clock, "layout", G_CALLBACK (frame_layout_cb), self);
}

static void
rl_net_chooser_dispose (GObject *object)
{
  RlNetChooser *self = RL_NET_CHOOSER (object);

  /* the clock's own dispose (its surface gone) may have dropped every handler already */
  if (self->settle_clock != NULL
      && g_signal_handler_is_connected (self->settle_clock, self->settle_handler))
    g_signal_handler_disconnect (self->settle_clock, self->settle_handler);
  self->settle_handler = 0;
  g_clear_object (&self->settle_clock);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_NET_CHOOSER);

  G_OBJECT_CLASS (rl_net_chooser_parent_class)->dispose (object);
}

static void
rl_net_chooser_finalize (GObject *object)
{
  RlNetChooser *self = RL_NET_CHOOSER (object);

  g_clear_pointer (&self->custom_text, g_free);
  g_clear_pointer (&self->arch, rl_arch_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (rl_net_chooser_parent_class)->finalize (object);
}

static void
rl_net_chooser_class_init (RlNetChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rl_net_chooser_get_property;
  object_class->set_property = rl_net_chooser_set_property;
  object_class->dispose = rl_net_chooser_dispose;
  object_class->finalize = rl_net_chooser_finalize;

  properties[PROP_CUSTOM_TEXT] =
    g_param_spec_string ("custom-text", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BATCH_SIZE] =
    g_param_spec_int ("batch-size", NULL, NULL, 1, 4096, 64,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-net-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, root);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, family_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, cifar_box);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, depth_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, shortcut_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, bn_check);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, text_view);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, error_label);
  gtk_widget_class_bind_template_child (widget_class, RlNetChooser, stats_label);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlnetchooser");
}

static void
rl_net_chooser_init (RlNetChooser *self)
{
  self->batch = 64;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Network"), -1);

  {
    g_autoptr (GtkStringList) items = gtk_string_list_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
      {
        g_autofree char *item = g_strdup_printf (ngettext ("%d layer", "%d layers", depths[i]),
                                                 depths[i]);
        gtk_string_list_append (items, item);
      }
    gtk_drop_down_set_model (self->depth_dropdown, G_LIST_MODEL (items));
  }

  self->buffer = gtk_text_view_get_buffer (self->text_view);
  self->error_tag = gtk_text_buffer_create_tag (self->buffer, "error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                "background", "rgba(224,27,36,0.18)", NULL);
  gtk_drop_down_set_selected (self->depth_dropdown, 1);   /* resnet-20 */
  gtk_check_button_set_active (self->bn_check, TRUE);

  g_signal_connect (self->buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
  g_signal_connect (self->text_view, "map", G_CALLBACK (text_view_map_cb), self);
  g_signal_connect_swapped (self->family_dropdown, "notify::selected",
                            G_CALLBACK (choice_changed_cb), self);
  g_signal_connect_swapped (self->depth_dropdown, "notify::selected",
                            G_CALLBACK (choice_changed_cb), self);
  g_signal_connect_swapped (self->shortcut_dropdown, "notify::selected",
                            G_CALLBACK (choice_changed_cb), self);
  g_signal_connect_swapped (self->bn_check, "notify::active", G_CALLBACK (choice_changed_cb),
                            self);
  update_from_choice (self);
}
