#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-stalls.c: how long the main loop stalls while a training run (or the twins)
 * trains, for --debug-stalls (rl-application.c): the longest gap between frame-clock ticks,
 * and how late a 5 ms timer runs at worst.
 */

#include "rl-window-private.h"

#define STALL_TIMER_MS 5

/* Notes the time since the last call in *max_gap, when it is the longest yet. */
static void
note_gap (gint64 *last,
          gint64 *max_gap)
{
  gint64 now = g_get_monotonic_time ();

  if (*last > 0)
    *max_gap = MAX (*max_gap, now - *last);
  *last = now;
}

static gboolean
stall_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  RlWindow *self = RL_WINDOW (widget);

  note_gap (&self->stall_last_tick, &self->stall_max_frame_gap);
  return G_SOURCE_CONTINUE;
}

static gboolean
stall_timer_cb (gpointer user_data)
{
  RlWindow *self = RL_WINDOW (user_data);

  note_gap (&self->stall_last_timer, &self->stall_max_timer_gap);
  return G_SOURCE_CONTINUE;
}

void
_rl_window_stall_start (RlWindow *self)
{
  if (!self->stalls_enabled || self->stall_timer_id != 0)
    return;

  self->stall_last_tick = 0;
  self->stall_last_timer = 0;
  self->stall_since = g_get_monotonic_time ();
  self->stall_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), stall_tick_cb, NULL, NULL);
  self->stall_timer_id = g_timeout_add (STALL_TIMER_MS, stall_timer_cb, self);
}

void
_rl_window_stall_stop (RlWindow *self)
{
  if (self->stall_timer_id == 0)
    return;

  gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->stall_tick_id);
  g_clear_handle_id (&self->stall_timer_id, g_source_remove);
  self->stall_tick_id = 0;
  self->stall_total += g_get_monotonic_time () - self->stall_since;
}

void
rl_window_set_debug_stalls (RlWindow *self,
                            gboolean  enabled)
{
  g_return_if_fail (RL_IS_WINDOW (self));

  self->stalls_enabled = enabled;
  if (enabled && (rl_trainer_get_state (self->trainer) != RL_TRAINER_IDLE
                  || rl_experiment_view_is_busy (self->experiment_view)))
    _rl_window_stall_start (self);
  else if (!enabled)
    _rl_window_stall_stop (self);
}

gboolean
rl_window_get_stall_report (RlWindow *self,
                            double   *timer_late_ms,
                            double   *frame_gap_ms,
                            double   *seconds)
{
  gint64 total;

  g_return_val_if_fail (RL_IS_WINDOW (self), FALSE);

  total = self->stall_total;
  if (self->stall_timer_id != 0)
    total += g_get_monotonic_time () - self->stall_since;
  if (timer_late_ms != NULL)
    *timer_late_ms = MAX (0, self->stall_max_timer_gap / 1000.0 - STALL_TIMER_MS);
  if (frame_gap_ms != NULL)
    *frame_gap_ms = self->stall_max_frame_gap / 1000.0;
  if (seconds != NULL)
    *seconds = total / 1e6;
  return total > 0;
}
