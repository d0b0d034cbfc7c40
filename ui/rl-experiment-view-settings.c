#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-settings.c: the Experiment view's settings: the form's depth, shortcut,
 * batch norm, dataset, images, epochs, learning rate and seeds, read as an experiment config
 * with the view's fixed choices filled in (rl_experiment_view_get_settings) and set one by one;
 * a run's settings put back in the form (its menu's Use These Settings); and what is kept
 * between runs, the form bound to GSettings (rl_experiment_view_bind_settings, called from
 * rl-window-settings.c).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include "rl-settings.h"
#include "rl-trainer.h"

/* The view's fixed choices: the paper's SGD, at the batch size the command line's measured
 * defaults use (app/rl-experiment-cli.c): smaller batches learn more per second of CPU. */
#define BATCH          64
#define MOMENTUM       RL_TRAIN_BN_MOMENTUM   /* the Train view's defaults for BN nets too */
#define WEIGHT_DECAY   RL_TRAIN_BN_WEIGHT_DECAY
#define SEED           1
/* Test error and response std at each record: enough images to tell 5 % from 15 %, few
 * enough that a record costs a fraction of an interval even at depth 56. */
#define TEST_IMAGES    300
#define RESPONSE_IMAGES 64
/* Records per run, about: each twin's curve gets this many points. */
#define TARGET_RECORDS 25

static const int depths[] = { 8, 20, 32, 44, 56 };

static int
depth_position (int depth)
{
  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    if (depths[i] == depth)
      return (int) i;
  return -1;
}

/* ---- the form ----------------------------------------------------------------------------- */

void
rl_experiment_view_get_settings (RlExperimentView   *self,
                                 RlExperimentConfig *config,
                                 RlDatasetKind      *kind)
{
  guint selected;
  guint64 per_epoch, total;

  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (config != NULL);

  rl_experiment_config_init (config);
  selected = gtk_drop_down_get_selected (self->depth_dropdown);
  config->depth = depths[MIN (selected, G_N_ELEMENTS (depths) - 1)];
  config->shortcut = gtk_drop_down_get_selected (self->shortcut_dropdown) == 1 ? RL_SHORTCUT_B
                                                                               : RL_SHORTCUT_A;
  config->bn = gtk_switch_get_active (self->bn_switch);
  config->lr = gtk_spin_button_get_value (self->lr_spin);
  config->momentum = MOMENTUM;
  config->weight_decay = WEIGHT_DECAY;
  config->batch = BATCH;
  config->seed = SEED;
  config->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->subset = (uint32_t) gtk_spin_button_get_value_as_int (self->images_spin);
  config->test_subset = TEST_IMAGES;
  config->response_images = RESPONSE_IMAGES;
  config->layer_stats = TRUE;
  config->threads = 0;   /* every core; the runner's team runs at a lower priority */
  per_epoch = (config->subset + BATCH - 1) / BATCH;
  total = per_epoch * (guint64) config->epochs;
  config->interval = (int) CLAMP ((total + TARGET_RECORDS / 2) / TARGET_RECORDS, 1, 50);

  if (kind != NULL)
    {
      selected = gtk_drop_down_get_selected (self->dataset_dropdown);
      *kind = selected < self->kinds->len ? g_array_index (self->kinds, RlDatasetKind, selected)
                                          : RL_DATASET_MNIST;
    }
}

void
rl_experiment_view_set_depth (RlExperimentView *self,
                              int               depth)
{
  int pos = depth_position (depth);

  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (pos >= 0);

  gtk_drop_down_set_selected (self->depth_dropdown, (guint) pos);
}

int
rl_experiment_view_get_depth (RlExperimentView *self)
{
  guint selected;

  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), 0);

  selected = gtk_drop_down_get_selected (self->depth_dropdown);
  return depths[MIN (selected, G_N_ELEMENTS (depths) - 1)];
}

void
rl_experiment_view_set_train_images (RlExperimentView *self,
                                     guint             n)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->images_spin, n);
}

void
rl_experiment_view_set_epochs (RlExperimentView *self,
                               int               epochs)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->epochs_spin, epochs);
}

void
rl_experiment_view_set_shortcut (RlExperimentView *self,
                                 RlShortcut        shortcut)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (shortcut == RL_SHORTCUT_A || shortcut == RL_SHORTCUT_B);

  gtk_drop_down_set_selected (self->shortcut_dropdown, shortcut == RL_SHORTCUT_B ? 1 : 0);
}

void
rl_experiment_view_set_bn (RlExperimentView *self,
                           gboolean          bn)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_switch_set_active (self->bn_switch, bn);
}

void
rl_experiment_view_set_learning_rate (RlExperimentView *self,
                                      double            lr)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->lr_spin, lr);
}

void
rl_experiment_view_set_seeds (RlExperimentView *self,
                              guint             n_seeds)
{
  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));

  gtk_spin_button_set_value (self->seeds_spin, n_seeds);
}

guint
rl_experiment_view_get_seeds (RlExperimentView *self)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), 0);

  return (guint) gtk_spin_button_get_value_as_int (self->seeds_spin);
}

/* A run's menu: its settings back in the form, for another seed count or a change of one. */
static void
use_settings_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);
  guint number = g_variant_get_uint32 (parameter);
  g_autofree char *status = NULL;
  Run *run = NULL;

  for (guint i = 0; i < self->runs->len && run == NULL; i++)
    if (((Run *) g_ptr_array_index (self->runs, i))->number == number)
      run = g_ptr_array_index (self->runs, i);
  if (run == NULL || self->busy)
    return;

  if (depth_position (run->config.depth) >= 0)
    rl_experiment_view_set_depth (self, run->config.depth);
  rl_experiment_view_set_shortcut (self, run->config.shortcut);
  rl_experiment_view_set_bn (self, run->config.bn);
  for (guint k = 0; k < self->kinds->len; k++)
    if (g_array_index (self->kinds, RlDatasetKind, k) == run->kind)
      gtk_drop_down_set_selected (self->dataset_dropdown, k);
  gtk_spin_button_set_value (self->images_spin, run->config.subset);
  gtk_spin_button_set_value (self->epochs_spin, run->config.epochs);
  gtk_spin_button_set_value (self->lr_spin, run->config.lr);
  gtk_spin_button_set_value (self->seeds_spin, run->n_seeds);
  /* TRANSLATORS: %u is a run's number in the list of runs */
  status = g_strdup_printf (_("The settings of run %u are in the form: Train Twins runs them "
                              "again."), run->number);
  _rl_experiment_view_set_status (self, status);
}

/* ---- settings kept between runs (GSettings) ----------------------------------------------- */

void
rl_experiment_view_bind_settings (RlExperimentView *self,
                                  GSettings        *settings)
{
  /* the shortcut drop-down's items, in order */
  static const char * const shortcuts[] = { "zero-padding", "projection", NULL };

  g_return_if_fail (RL_IS_EXPERIMENT_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  rl_settings_bind_int_choice (settings, "experiment-depth", self->depth_dropdown, depths,
                               G_N_ELEMENTS (depths));
  rl_settings_bind_nick_choice (settings, "experiment-shortcut", self->shortcut_dropdown,
                                shortcuts);
  g_settings_bind (settings, "experiment-batch-norm", self->bn_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  rl_settings_bind_dataset (settings, "experiment-dataset", self->dataset_dropdown, self->kinds);
  g_settings_bind (settings, "experiment-images", self->images_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "experiment-epochs", self->epochs_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "experiment-learning-rate", self->lr_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "experiment-seeds", self->seeds_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

void
_rl_experiment_view_class_init_settings (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "experiment.use-settings", "u",
                                   use_settings_action);
}
