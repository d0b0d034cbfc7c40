#define G_LOG_DOMAIN "reslab-ui"

/* rl-train-view-progress.c: the Train view's run as it goes (rl-train-view.h): the loss and
 * accuracy charts fed from the trainer's snapshots, their accuracy zoom, the progress line and
 * bar, the paused and stopped lines, and the status under them.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-train-view-private.h"
#include "rl-widget-util.h"

#include <math.h>
#include <string.h>

/* The line above the progress bar, with the name of the net being trained after it. */
static void
set_progress_text (RlTrainView *self,
                   const char  *text)
{
  g_autofree char *line = NULL;

  if (self->net == NULL)
    {
      rl_label_set_wrapped_text (self->progress_label, text);
      return;
    }
  /* Translators: 1: where the run is ("Epoch 1 of 10 · batch 3 of 938 · …"), 2: the net
   * ("resnet-20", "the seed net") */
  line = g_strdup_printf (_("%1$s · %2$s"), text, self->net);
  rl_label_set_wrapped_text (self->progress_label, line);
}
/* ---- progress ----------------------------------------------------------------------------- */

static char *
format_duration (double seconds)
{
  long s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup (_("time left unknown"));
  s = lround (seconds);
  if (s >= 3600)
    return g_strdup_printf (_("%ld h %02ld min left"), s / 3600, (s % 3600) / 60);
  if (s >= 60)
    return g_strdup_printf (_("%ld min %02ld s left"), s / 60, s % 60);
  return g_strdup_printf (_("%ld s left"), s);
}

/* The whole range, 0-100 %, unless the zoom button is on: accuracies end up between 97 and
 * 99.5 %, which on a fixed 0-100 % axis are one line. Zoomed, once the held-out accuracy is
 * known the axis starts at the largest of a few round floors below it (90 % at most, so a
 * run's history stays in view), and the last percents become readable; the first batches'
 * low running accuracy then falls below the axis, as in any zoomed plot. */
static void
update_accuracy_range (RlTrainView *self)
{
  static const double floors[] = { 0.9, 0.8, 0.5 };
  double low = self->last_heldout;

  if (!gtk_toggle_button_get_active (self->accuracy_zoom_button))
    {
      rl_chart_set_y_range (self->accuracy_chart, 0, 1);
      return;
    }
  if (!isnan (self->last_test))
    low = isnan (low) ? self->last_test : MIN (low, self->last_test);
  if (isnan (low))
    {
      rl_chart_set_y_range (self->accuracy_chart, 0, 1);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (floors); i++)
    if (low - 0.01 >= floors[i])
      {
        rl_chart_set_y_range (self->accuracy_chart, floors[i], 1);
        return;
      }
  rl_chart_set_y_range (self->accuracy_chart, 0, 1);
}

void
_rl_train_view_accuracy_zoom_toggled (RlTrainView *self)
{
  update_accuracy_range (self);
}

void
rl_train_view_begin_run (RlTrainView         *self,
                         const RlTrainConfig *config,
                         guint                train_images,
                         const char          *net)
{
  g_autofree char *text = NULL;

  g_return_if_fail (RL_IS_TRAIN_VIEW (self));
  g_return_if_fail (config != NULL);

  rl_chart_clear (self->loss_chart);
  rl_chart_clear (self->accuracy_chart);
  g_clear_pointer (&self->last, rl_train_progress_unref);
  self->last_heldout = NAN;
  self->last_test = NAN;
  self->last_test_epoch = 0;
  update_accuracy_range (self);
  g_free (self->net);
  self->net = g_strdup (net);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  text = g_strdup_printf (_("Epoch 1 of %d · starting"), config->epochs);
  set_progress_text (self, text);
  g_clear_pointer (&text, g_free);
  /* Translators: 1: a net ("resnet-20", "the seed net"), 2: a count, 3: MNIST or
   * Fashion-MNIST, then the batch size, learning rate, momentum and weight decay */
  text = g_strdup_printf (_("Training %1$s on %2$'u %3$s images, batch %4$d, learning rate %5$g, "
                            "momentum %6$g, weight decay %7$g."),
                          net, train_images,
                          rl_dataset_title (config->dataset),
                          config->batch, config->lr, config->momentum,
                          config->weight_decay);
  rl_train_view_set_status (self, text);
}

/* The line above the progress bar, from the last progress: while paused it says so, and the
 * time left stays what it was when the run paused (the trainer does not count paused time). */
void
_rl_train_view_update_progress_label (RlTrainView *self)
{
  RlTrainProgress *p = self->last;
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;

  if (p == NULL)
    return;
  left = format_duration (p->seconds_left);
  if (p->is_last)
    text = p->images_seen < p->images_total
           ? g_strdup_printf (_("Epoch %d of %d · batch %'d of %'d · stopped"), p->epoch, p->n_epochs,
                              p->batch, p->n_batches)
           : g_strdup_printf (_("Epoch %d of %d · batch %'d of %'d · finished"), p->epoch,
                              p->n_epochs, p->batch, p->n_batches);
  else if (self->state == RL_TRAINER_PAUSED)
    text = g_strdup_printf (_("Paused at epoch %d of %d, batch %'d of %'d · %s"), p->epoch,
                            p->n_epochs, p->batch, p->n_batches, left);
  else
    text = g_strdup_printf (_("Epoch %d of %d · batch %'d of %'d · %'.0f images/s · %s"), p->epoch,
                            p->n_epochs, p->batch, p->n_batches, p->images_per_s, left);
  set_progress_text (self, text);
}

void
rl_train_view_set_stopped_at (RlTrainView *self,
                              const char  *text)
{
  g_autofree char *heading = NULL;

  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  /* The window's sentence ("Finished after 10 epochs.") heads the line with the net after it:
   * "Finished after 10 epochs · the seed net", without the full stop (or the ideographic one
   * of a translation) in the middle. */
  heading = g_strdup (text);
  if (g_str_has_suffix (heading, "."))
    heading[strlen (heading) - 1] = '\0';
  else if (g_str_has_suffix (heading, "。"))
    heading[strlen (heading) - strlen ("。")] = '\0';
  set_progress_text (self, heading);
}

const char *
rl_train_view_get_progress_text (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return gtk_label_get_text (self->progress_label);
}

void
rl_train_view_set_blocked (RlTrainView *self,
                           const char  *reason)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  gtk_label_set_text (self->blocked_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->blocked_label), reason != NULL);
}

void
rl_train_view_add_progress (RlTrainView     *self,
                            RlTrainProgress *p)
{
  GString *status;

  g_return_if_fail (RL_IS_TRAIN_VIEW (self));
  g_return_if_fail (p != NULL);

  for (guint i = 0; i < p->n_points; i++)
    rl_chart_append (self->loss_chart, RL_TRAIN_VIEW_LOSS_BATCH,
                     p->points[i].images_seen, p->points[i].loss);
  rl_chart_append (self->loss_chart, RL_TRAIN_VIEW_LOSS_SMOOTHED, p->images_seen,
                   p->loss_smoothed);
  rl_chart_append (self->accuracy_chart, RL_TRAIN_VIEW_ACC_TRAIN, p->images_seen,
                   p->train_acc_running);
  if (!isnan (p->heldout_acc))
    {
      rl_chart_append (self->accuracy_chart, RL_TRAIN_VIEW_ACC_HELDOUT, p->images_seen,
                       p->heldout_acc);
      self->last_heldout = p->heldout_acc;
    }
  if (!isnan (p->epoch_test_acc))
    {
      rl_chart_append (self->accuracy_chart, RL_TRAIN_VIEW_ACC_TEST, p->images_seen,
                       p->epoch_test_acc);
      self->last_test = p->epoch_test_acc;
      self->last_test_epoch = p->epoch;
    }

  update_accuracy_range (self);

  if (p->images_total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   CLAMP ((double) p->images_seen / p->images_total, 0.0, 1.0));
  g_clear_pointer (&self->last, rl_train_progress_unref);
  self->last = rl_train_progress_ref (p);
  _rl_train_view_update_progress_label (self);

  /* While paused, the status says so (the window set it); the figures wait for the resume. */
  if (self->state == RL_TRAINER_PAUSED)
    return;

  /* a narrow no-break space (U+202F) between each number and its %, so that a narrow window
   * wraps the line between figures, never inside one */
  status = g_string_new (NULL);
  g_string_append_printf (status, _("Loss %.4f (smoothed %.4f) · train accuracy %.1f\u202f%%"),
                          p->loss, p->loss_smoothed, 100 * p->train_acc_running);
  if (!isnan (self->last_heldout))
    g_string_append_printf (status, _(" · held-out %.1f\u202f%%"), 100 * self->last_heldout);
  if (!isnan (self->last_test))
    g_string_append_printf (status, _(" · test set %.2f\u202f%% after epoch %d"),
                            100 * self->last_test, self->last_test_epoch);
  gtk_label_set_text (self->status_label, status->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), NULL);
  g_string_free (status, TRUE);
}

void
rl_train_view_set_status (RlTrainView *self,
                          const char  *text)
{
  g_return_if_fail (RL_IS_TRAIN_VIEW (self));

  gtk_label_set_text (self->status_label, text);
  /* the window's sentences (a run's end, a model that could not be saved and why) can be
   * longer than the label's four lines: whole in its tooltip */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

const char *
rl_train_view_get_status (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return gtk_label_get_text (self->status_label);
}

RlChart *
rl_train_view_get_loss_chart (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return self->loss_chart;
}

RlChart *
rl_train_view_get_accuracy_chart (RlTrainView *self)
{
  g_return_val_if_fail (RL_IS_TRAIN_VIEW (self), NULL);

  return self->accuracy_chart;
}
