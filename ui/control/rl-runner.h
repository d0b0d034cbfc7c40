/* rl-runner.h: a controller that runs long engine work on an RlWorker, as a GObject.
 *
 * RlTrainer, RlExperimentRunner, RlLandscapeRunner and RlTeacher each own one RlWorker
 * (rl-worker.h) per run. What they share about it lives here, once: the worker and the main
 * context its messages are delivered on, the run's state as properties, stopping and pausing
 * it, going idle when it ends, and abandoning it when the object is disposed mid-run. The
 * subclasses keep what differs: the job, the worker's run and deliver functions, the messages
 * and the signals they become.
 *
 * Properties (read-only, notified on change, on the main context of the thread that created
 * the runner):
 *   "running"  TRUE from a start until just before "finished" is emitted, so a "finished"
 *              handler may start the next run.
 *   "paused"   a pause was asked for (rl_runner_set_paused) and not lifted; the worker waits
 *              at its next pause point (rl_worker_wait_while_paused).
 *   "stopping" TRUE after rl_runner_stop() until "finished".
 * Changes that come together (a stop lifts a pause) are notified together, after all of them.
 *
 * Signal (on the same main context):
 *   "finished" (RlRunner *, gboolean completed, const GError *error)
 *       The run is over and the worker thread joined. completed is FALSE when stopped or
 *       failed; error is NULL unless it failed.
 *
 * A runner finalized while running cancels its worker and lets it end on its own (joining
 * would block the main thread for up to a batch); rl_worker_join_abandoned() joins such
 * workers at shutdown.
 *
 * GLib/GIO only, no GTK.
 */
#pragma once

#include <gio/gio.h>

#include "rl-worker.h"

G_BEGIN_DECLS

#define RL_TYPE_RUNNER (rl_runner_get_type ())
G_DECLARE_DERIVABLE_TYPE (RlRunner, rl_runner, RL, RUNNER, GObject)

struct _RlRunnerClass {
  GObjectClass parent_class;

  /* Required: the message of the error a start gets while a run is in progress (RL_ERROR,
   * RL_ERROR_INVALID_ARGUMENT), marked with N_(): it is translated when the error is made. */
  const char *busy_message;

  /* Optional: called after "running", "paused" or "stopping" changed, before their
   * notifications go out, for state a subclass derives from them (RlTrainer's "state"). */
  void (*state_changed) (RlRunner *self);
};

gboolean  rl_runner_is_running  (RlRunner *self);
gboolean  rl_runner_is_paused   (RlRunner *self);
gboolean  rl_runner_is_stopping (RlRunner *self);

/* Cancels the run: the worker ends at its next cancellation check, then the subclass's end
 * of the run goes as for any other ("finished" with completed = FALSE). A pause is lifted.
 * Returns at once; no-op when not running or already stopping. */
void      rl_runner_stop        (RlRunner *self);
/* Pauses the run at the worker's next pause point, or resumes it. No-op when not running or
 * stopping. Only runs whose worker waits while paused pause (the trainer and the experiment
 * runner). */
void      rl_runner_set_paused  (RlRunner *self,
                                 gboolean  paused);

/* ---- For subclasses ---------------------------------------------------------------------- */

/* FALSE with the class's busy error when a run is in progress: a subclass's start asks first,
 * before it builds anything. */
gboolean  rl_runner_check_idle  (RlRunner *self,
                                 GError  **error);
/* Starts @funcs on a worker with @data (owned by the worker from now on: freed with
 * funcs->free_data, even when refused), delivering on the runner's main context. Refuses as
 * rl_runner_check_idle() does. funcs->finished must be rl_runner_finish, or a function that
 * ends by calling it. */
gboolean  rl_runner_start_worker (RlRunner            *self,
                                  const RlWorkerFuncs *funcs,
                                  gpointer             data,
                                  GError             **error);
/* The end of every run (RlWorkerFuncs.finished): drops the worker, goes idle (running,
 * paused and stopping FALSE, notified) and emits "finished". A subclass that takes results
 * from its job does it before calling this (rl_runner_get_job still answers then). */
void      rl_runner_finish      (GObject      *owner,
                                 gboolean      completed,
                                 const GError *error);
/* The current run's worker and its data, NULL when idle. Returns: (transfer none) (nullable) */
RlWorker *rl_runner_get_worker  (RlRunner *self);
gpointer  rl_runner_get_job     (RlRunner *self);

G_END_DECLS
