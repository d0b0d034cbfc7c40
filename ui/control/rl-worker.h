/* rl-worker.h: a worker thread owned by an object on the main thread, and its outbox.
 *
 * The app's controllers run long work (training, the degradation experiment, the loss
 * landscape, teaching your digits) on a thread of its own that talks to the main thread only
 * by posting messages: immutable, refcounted snapshots. RlWorker is that mechanism, written
 * once; RlRunner (rl-runner.h) is the GObject around it that those controllers derive from
 * (the worker as a "running" property, stop, pause, the end of a run, abandonment):
 *
 *   - the thread: started by rl_worker_start(), at a lower priority (nice 10 on Linux; the
 *     model's thread team, created from it, inherits that), with a thread-default main context
 *     of its own;
 *   - the outbox: rl_worker_post() appends a message and, when the outbox was empty, schedules
 *     one drain on the owner's main context (g_main_context_invoke_full); the drain takes the
 *     whole outbox under the mutex and hands each message to funcs->deliver in order;
 *   - the owner is reached only through a weak reference, and only while it has not abandoned
 *     the worker: nothing reaches a disposed owner;
 *   - the end: when funcs->run returns, the worker posts its result last; the drain that
 *     delivers it joins the thread (a hand-off by then) and calls funcs->finished;
 *   - control: cancellation (a GCancellable), pause and resume (a condition the run waits on
 *     at its batch boundaries), and a mutex for whatever else the owner hands over (pending
 *     hyperparameters);
 *   - abandonment: an owner disposed while its worker runs calls rl_worker_abandon(), which
 *     cancels and hands the thread to a process-wide list; rl_worker_join_abandoned() joins
 *     those at shutdown, after the main loop has ended.
 *
 * The owner keeps one reference (rl_worker_start's) and drops it in funcs->finished or after
 * rl_worker_abandon() (an RlRunner does both: rl_runner_finish, its dispose); the thread and
 * every message in flight hold their own.
 *
 * GLib/GIO only.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _RlWorker RlWorker;

typedef struct {
  /* The thread's name, for debuggers. */
  const char *name;
  /* On the worker thread: the work. Returns TRUE when it completed; FALSE when cancelled
   * (no error needed) or failed (@error set). G_IO_ERROR_CANCELLED counts as cancelled. */
  gboolean (*run)      (RlWorker *worker, gpointer data, GError **error);
  /* On the owner's main context, for each message, in order. */
  void     (*deliver)  (GObject *owner, gpointer message);
  /* On the owner's main context, after the thread is joined: completed is FALSE when
   * stopped or failed; error is NULL unless it failed. */
  void     (*finished) (GObject *owner, gboolean completed, const GError *error);
  /* Frees a message (delivered or dropped). */
  GDestroyNotify free_message;
  /* Frees @data when the last reference goes (on whichever thread that is). */
  GDestroyNotify free_data;
} RlWorkerFuncs;

/* Starts a thread running funcs->run (@worker, @data); messages go to @owner on @context
 * (nullable: the thread-default context). @funcs must outlive the worker (a static table).
 * Returns: (transfer full): the owner's reference. */
RlWorker     *rl_worker_start          (const RlWorkerFuncs *funcs,
                                        GObject             *owner,
                                        GMainContext        *context,
                                        gpointer             data);
RlWorker     *rl_worker_ref            (RlWorker *worker);
void          rl_worker_unref          (RlWorker *worker);

/* The @data given to rl_worker_start. Returns: (transfer none) */
gpointer      rl_worker_get_data       (RlWorker *worker);

/* Worker thread: queues @message (owned by the worker from now on) for funcs->deliver. */
void          rl_worker_post           (RlWorker *worker,
                                        gpointer  message);

/* Any thread. Returns: (transfer none) */
GCancellable *rl_worker_get_cancellable (RlWorker *worker);
gboolean      rl_worker_is_cancelled   (RlWorker *worker);
/* Main thread: cancels and wakes a paused worker. */
void          rl_worker_cancel         (RlWorker *worker);

/* Main thread: the worker pauses at its next rl_worker_wait_while_paused(). */
void          rl_worker_set_paused     (RlWorker *worker,
                                        gboolean  paused);
/* Worker thread: TRUE when a pause is asked for (without waiting). */
gboolean      rl_worker_pause_requested (RlWorker *worker);
/* Worker thread: blocks while paused. Returns the microseconds it waited; *cancelled is set
 * when the worker was cancelled (before or during the wait). */
gint64        rl_worker_wait_while_paused (RlWorker *worker,
                                           gboolean *cancelled);

/* For state the owner and the run share (anything not covered above). */
void          rl_worker_lock           (RlWorker *worker);
void          rl_worker_unlock         (RlWorker *worker);

/* Main thread, owner disposing while the worker runs: cancels it, hands its thread to the
 * process-wide list of abandoned workers, and drops no reference (the owner still drops its
 * own). No message reaches the owner after this. */
void          rl_worker_abandon        (RlWorker *worker);
/* Joins every abandoned worker: call after the main loop has ended, before the process
 * exits. Blocks for at most about one batch. Returns the number of threads joined. */
guint         rl_worker_join_abandoned (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlWorker, rl_worker_unref)

G_END_DECLS
