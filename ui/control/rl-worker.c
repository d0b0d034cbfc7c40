#define G_LOG_DOMAIN "reslab-control"

/* rl-worker.c: see rl-worker.h. */

#include "rl-worker.h"

#include <errno.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* In an atomic rc box (rl_worker_ref / _unref). */
struct _RlWorker {
  /* Set by rl_worker_start, read-only afterwards. */
  const RlWorkerFuncs *funcs;
  GWeakRef             owner;        /* for the drain; NULL once the owner is gone */
  GMainContext        *context;      /* the owner's: where messages are delivered */
  GCancellable        *cancellable;
  gpointer             data;

  /* The main thread's alone. */
  GThread             *thread;       /* joined when the end is delivered, or abandoned */
  gboolean             abandoned;

  /* Shared, under mutex. */
  GMutex               mutex;
  GCond                cond;
  gboolean             paused;
  GQueue               outbox;       /* of Envelope* */
  gboolean             drain_scheduled;
};

/* A message, or the end of the run (the worker's last post). */
typedef struct {
  gpointer  message;
  gboolean  is_end;
  gboolean  completed;   /* is_end */
  GError   *error;       /* is_end, nullable */
} Envelope;

G_LOCK_DEFINE_STATIC (abandoned);
static GPtrArray *abandoned_threads;

static void
envelope_free (RlWorker *worker, Envelope *env)
{
  if (env->message != NULL && worker->funcs->free_message != NULL)
    worker->funcs->free_message (env->message);
  g_clear_error (&env->error);
  g_free (env);
}

RlWorker *
rl_worker_ref (RlWorker *worker)
{
  return g_atomic_rc_box_acquire (worker);
}

static void
worker_clear (gpointer data)
{
  RlWorker *worker = data;
  Envelope *env;

  /* Only an unstarted or finished thread gets here: the thread holds a reference. */
  g_warn_if_fail (worker->thread == NULL);
  while ((env = g_queue_pop_head (&worker->outbox)) != NULL)
    envelope_free (worker, env);
  if (worker->data != NULL && worker->funcs->free_data != NULL)
    worker->funcs->free_data (worker->data);
  g_weak_ref_clear (&worker->owner);
  g_main_context_unref (worker->context);
  g_object_unref (worker->cancellable);
  g_mutex_clear (&worker->mutex);
  g_cond_clear (&worker->cond);
}

void
rl_worker_unref (RlWorker *worker)
{
  g_atomic_rc_box_release_full (worker, worker_clear);
}

gpointer
rl_worker_get_data (RlWorker *worker)
{
  g_return_val_if_fail (worker != NULL, NULL);
  return worker->data;
}

/* ---- Delivery (main thread) ---------------------------------------------------------------- */

static gboolean
drain_cb (gpointer data)
{
  RlWorker *worker = data;
  GQueue batch = G_QUEUE_INIT;
  GObject *owner;
  Envelope *env;

  g_mutex_lock (&worker->mutex);
  batch = worker->outbox;
  g_queue_init (&worker->outbox);
  worker->drain_scheduled = FALSE;
  g_mutex_unlock (&worker->mutex);

  /* A strong reference for the duration: a handler may drop the last one of its own. */
  owner = g_weak_ref_get (&worker->owner);
  while ((env = g_queue_pop_head (&batch)) != NULL)
    {
      gboolean reach = owner != NULL && !worker->abandoned;

      if (env->is_end)
        {
          /* The thread posts this as its last act and then returns: the join is a hand-off.
           * An abandoned worker's thread is joined by rl_worker_join_abandoned() instead. */
          if (worker->thread != NULL)
            g_thread_join (g_steal_pointer (&worker->thread));
          if (reach)
            worker->funcs->finished (owner, env->completed, env->error);
        }
      else if (reach)
        worker->funcs->deliver (owner, env->message);
      envelope_free (worker, env);
    }
  g_clear_object (&owner);

  return G_SOURCE_REMOVE;
}

static void
post_envelope (RlWorker *worker, Envelope *env)
{
  gboolean schedule;

  g_mutex_lock (&worker->mutex);
  g_queue_push_tail (&worker->outbox, env);
  schedule = !worker->drain_scheduled;
  worker->drain_scheduled = TRUE;
  g_mutex_unlock (&worker->mutex);

  if (schedule)
    g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, drain_cb,
                                rl_worker_ref (worker), (GDestroyNotify) rl_worker_unref);
}

void
rl_worker_post (RlWorker *worker, gpointer message)
{
  Envelope *env;

  g_return_if_fail (worker != NULL && message != NULL);

  env = g_new0 (Envelope, 1);
  env->message = message;
  post_envelope (worker, env);
}

/* ---- The thread -------------------------------------------------------------------------------- */

/* Long work uses every core; the UI must still get one the moment it needs it. On Linux the
 * nice value is per thread and inherited by the threads this one creates (a model's thread
 * team is created by its first step, on this thread), so the whole team yields to the main
 * loop and the X server instead of competing with them as equals. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);

  if (setpriority (PRIO_PROCESS, (id_t) tid, 10) != 0)
    g_debug ("could not lower the worker thread's priority: %s", g_strerror (errno));
#endif
}

static gpointer
thread_main (gpointer data)
{
  RlWorker *worker = data;
  GMainContext *own_context = g_main_context_new ();
  Envelope *end = g_new0 (Envelope, 1);

  /* g_main_context_invoke_full() runs the function right here, on the calling thread, when
   * the target is this thread's default context and nobody owns it at that moment. With a
   * thread-default context of its own the worker always goes through an idle source. */
  g_main_context_push_thread_default (own_context);
  lower_thread_priority ();

  end->is_end = TRUE;
  end->completed = worker->funcs->run (worker, worker->data, &end->error);
  if (end->completed || g_error_matches (end->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_clear_error (&end->error);

  /* Last: once delivered, this joins the thread. Posted while own_context is still the
   * thread default (see above), or the drain could run here and join its own thread. */
  post_envelope (worker, end);

  g_main_context_pop_thread_default (own_context);
  g_main_context_unref (own_context);
  rl_worker_unref (worker);
  return NULL;
}

RlWorker *
rl_worker_start (const RlWorkerFuncs *funcs, GObject *owner, GMainContext *context,
                 gpointer data)
{
  RlWorker *worker;

  g_return_val_if_fail (funcs != NULL && funcs->run != NULL, NULL);
  g_return_val_if_fail (funcs->deliver != NULL && funcs->finished != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);

  worker = g_atomic_rc_box_new0 (RlWorker);
  worker->funcs = funcs;
  g_weak_ref_init (&worker->owner, owner);
  worker->context = context != NULL ? g_main_context_ref (context)
                                    : g_main_context_ref_thread_default ();
  worker->cancellable = g_cancellable_new ();
  worker->data = data;
  g_mutex_init (&worker->mutex);
  g_cond_init (&worker->cond);
  g_queue_init (&worker->outbox);

  /* The thread holds its own reference. Its end is delivered on this (the owner's) thread,
   * so worker->thread is set before anything can join it. */
  worker->thread = g_thread_new (funcs->name, thread_main, rl_worker_ref (worker));
  return worker;
}

/* ---- Control ---------------------------------------------------------------------------------- */

GCancellable *
rl_worker_get_cancellable (RlWorker *worker)
{
  g_return_val_if_fail (worker != NULL, NULL);
  return worker->cancellable;
}

gboolean
rl_worker_is_cancelled (RlWorker *worker)
{
  g_return_val_if_fail (worker != NULL, TRUE);
  return g_cancellable_is_cancelled (worker->cancellable);
}

void
rl_worker_cancel (RlWorker *worker)
{
  g_return_if_fail (worker != NULL);

  g_cancellable_cancel (worker->cancellable);
  /* Wake a paused worker; under the mutex, so it cannot be between its check and its wait. */
  g_mutex_lock (&worker->mutex);
  g_cond_broadcast (&worker->cond);
  g_mutex_unlock (&worker->mutex);
}

void
rl_worker_set_paused (RlWorker *worker, gboolean paused)
{
  g_return_if_fail (worker != NULL);

  g_mutex_lock (&worker->mutex);
  worker->paused = paused;
  g_cond_broadcast (&worker->cond);
  g_mutex_unlock (&worker->mutex);
}

gboolean
rl_worker_pause_requested (RlWorker *worker)
{
  gboolean paused;

  g_return_val_if_fail (worker != NULL, FALSE);

  g_mutex_lock (&worker->mutex);
  paused = worker->paused;
  g_mutex_unlock (&worker->mutex);
  return paused;
}

gint64
rl_worker_wait_while_paused (RlWorker *worker, gboolean *cancelled)
{
  gint64 t0 = g_get_monotonic_time ();

  g_return_val_if_fail (worker != NULL && cancelled != NULL, 0);

  g_mutex_lock (&worker->mutex);
  /* rl_worker_cancel() cancels, then broadcasts under the mutex: no lost wake-up. */
  while (worker->paused && !g_cancellable_is_cancelled (worker->cancellable))
    g_cond_wait (&worker->cond, &worker->mutex);
  g_mutex_unlock (&worker->mutex);

  *cancelled = g_cancellable_is_cancelled (worker->cancellable);
  return g_get_monotonic_time () - t0;
}

void
rl_worker_lock (RlWorker *worker)
{
  g_return_if_fail (worker != NULL);
  g_mutex_lock (&worker->mutex);
}

void
rl_worker_unlock (RlWorker *worker)
{
  g_return_if_fail (worker != NULL);
  g_mutex_unlock (&worker->mutex);
}

/* ---- Abandoned workers ------------------------------------------------------------------------ */

void
rl_worker_abandon (RlWorker *worker)
{
  g_return_if_fail (worker != NULL);

  worker->abandoned = TRUE;
  rl_worker_cancel (worker);
  if (worker->thread != NULL)
    {
      G_LOCK (abandoned);
      if (abandoned_threads == NULL)
        abandoned_threads = g_ptr_array_new ();
      g_ptr_array_add (abandoned_threads, g_steal_pointer (&worker->thread));
      G_UNLOCK (abandoned);
    }
}

guint
rl_worker_join_abandoned (void)
{
  GPtrArray *threads;
  guint n;

  G_LOCK (abandoned);
  threads = g_steal_pointer (&abandoned_threads);
  G_UNLOCK (abandoned);

  if (threads == NULL)
    return 0;
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  n = threads->len;
  g_ptr_array_unref (threads);
  return n;
}
