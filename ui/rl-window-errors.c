#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-errors.c: the window's Errors view: fed the predictor (the model in use), refreshed
 * after each training epoch, its test accuracy the model's, and a click on one of its images
 * opens that image in Draw. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include <math.h>

#include "rl-window-private.h"

#include "rl-trainer.h"

static void
open_image_cb (RlErrorsView *view, guint index, RlWindow *self)
{
  (void) view;
  if (rl_draw_view_show_test_image (self->draw_view, index))
    gtk_stack_set_visible_child_name (self->stack, "draw");
}

/* The end of an epoch: the weights that reach the predictor next are the epoch's. Evaluate
 * now (in case they came first) and again when they arrive. */
static void
errors_progress_cb (RlTrainer *trainer, RlTrainProgress *progress, RlWindow *self)
{
  (void) trainer;
  if (isnan (progress->epoch_test_acc))
    return;
  self->errors_pending = TRUE;
  rl_errors_view_refresh (self->errors_view);
}

static void
errors_weights_cb (RlTrainer *trainer, gpointer weights, RlWindow *self)
{
  (void) trainer;
  (void) weights;
  if (!self->errors_pending)
    return;
  self->errors_pending = FALSE;
  rl_errors_view_refresh (self->errors_view);
}

/* The end of a run: a stopped or diverged one leaves weights in use that no epoch's end
 * evaluated (the view still showed the run's first weights); a completed run's are its last
 * epoch's, evaluated already. A failed run brought the model from before it back, which the
 * view saw as a model change. */
static void
errors_finished_cb (RlTrainer    *trainer,
                    gboolean      completed,
                    const GError *error,
                    RlWindow     *self)
{
  (void) trainer;
  (void) error;
  self->errors_pending = FALSE;
  if (!completed)
    rl_errors_view_refresh (self->errors_view);
}

/* The Errors view evaluates the model in use on the whole test set at every change of it: that
 * measured figure is the accuracy the footer shows and Save Model As writes. A file's own
 * figure (its metadata) stands only until then, so a file that claims more than its weights
 * give (edited, or written by another tool) is shown for what they give, and its claim is not
 * copied into the next file. A run in progress keeps the figures it measures itself
 * (rl-window-training.c). */
static void
errors_report_cb (RlErrorsView *view,
                  GParamSpec   *pspec,
                  RlWindow     *self)
{
  const RlErrorReport *r = rl_errors_view_get_report (view);

  (void) pspec;
  if (r == NULL || r->n == 0 || self->busy)
    return;
  self->model_test_accuracy = (double) r->correct / r->n;
  _rl_window_update_description (self);
}

void
_rl_window_errors_init (RlWindow *self)
{
  GtkWidget *child;

  rl_errors_view_set_predictor (self->errors_view, self->predictor);
  g_signal_connect (self->errors_view, "open-image", G_CALLBACK (open_image_cb), self);
  g_signal_connect (self->errors_view, "notify::report", G_CALLBACK (errors_report_cb), self);
  /* after the window's own handlers, which pass the weights to the predictor */
  g_signal_connect_after (self->trainer, "progress", G_CALLBACK (errors_progress_cb), self);
  g_signal_connect_after (self->trainer, "weights", G_CALLBACK (errors_weights_cb), self);
  g_signal_connect_after (self->trainer, "finished", G_CALLBACK (errors_finished_cb), self);

  child = _rl_window_switcher_button (self, "errors");
  if (child != NULL)
    gtk_widget_set_tooltip_text (child, _("Which test digits the model gets wrong, and how sure "
                                        "it was"));
}

RlErrorsView *
rl_window_get_errors_view (RlWindow *self)
{
  g_return_val_if_fail (RL_IS_WINDOW (self), NULL);

  return self->errors_view;
}
