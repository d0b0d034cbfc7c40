#define G_LOG_DOMAIN "reslab-engine"

#include "rl-pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause ()
#else
#define cpu_relax() do { } while (0)
#endif

/* About 10-40 microseconds of polling before sleeping: longer than a training step's load
 * imbalance on an idle machine, far shorter than a scheduler time slice. */
#define SPIN_ROUNDS 4000

struct _RlPool {
  int         n_threads;
  GThread   **threads;

  GMutex      lock;
  GCond       wake;         /* workers wait here for a new job */
  GCond       done;         /* the caller waits here for the job's end */
  GCond       meet;         /* barrier */

  RlPoolFunc  fn;
  gpointer    data;
  int         active;       /* threads taking part in the current job */
  gint        job;          /* generation of the current job (atomic) */
  gint        pending;      /* workers still running it */
  gboolean    quit;

  gint        arrived;      /* at the barrier (under lock) */
  gint        round;        /* barrier generation (atomic) */
};

typedef struct {
  RlPool *pool;
  int     index;
} Worker;

/* Waits until *counter differs from @seen: spins, then sleeps on @cond. */
static void
wait_change (RlPool *pool, gint *counter, gint seen, GCond *cond, gboolean *quit)
{
  for (int i = 0; i < SPIN_ROUNDS; i++)
    {
      if (g_atomic_int_get (counter) != seen)
        return;
      cpu_relax ();
    }
  g_mutex_lock (&pool->lock);
  while (g_atomic_int_get (counter) == seen && !(quit != NULL && *quit))
    g_cond_wait (cond, &pool->lock);
  g_mutex_unlock (&pool->lock);
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  RlPool *pool = w->pool;
  gint seen = 0;

  for (;;)
    {
      wait_change (pool, &pool->job, seen, &pool->wake, &pool->quit);
      g_mutex_lock (&pool->lock);
      if (pool->quit)
        {
          g_mutex_unlock (&pool->lock);
          break;
        }
      seen = g_atomic_int_get (&pool->job);
      g_mutex_unlock (&pool->lock);

      if (w->index < pool->active)
        pool->fn (pool->data, w->index, pool->active);

      g_mutex_lock (&pool->lock);
      if (g_atomic_int_dec_and_test (&pool->pending))
        g_cond_signal (&pool->done);
      g_mutex_unlock (&pool->lock);
    }
  g_free (w);
  return NULL;
}

RlPool *
rl_pool_new (int n_threads)
{
  RlPool *pool = g_new0 (RlPool, 1);

  g_return_val_if_fail (n_threads >= 1, NULL);

  pool->n_threads = n_threads;
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->wake);
  g_cond_init (&pool->done);
  g_cond_init (&pool->meet);
  pool->threads = g_new0 (GThread *, n_threads);
  for (int i = 1; i < n_threads; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      w->pool = pool;
      w->index = i;
      pool->threads[i] = g_thread_new ("reslab-worker", worker_main, w);
    }
  return pool;
}

void
rl_pool_free (RlPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_atomic_int_inc (&pool->job);
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);
  for (int i = 1; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->wake);
  g_cond_clear (&pool->done);
  g_cond_clear (&pool->meet);
  g_free (pool);
}

int
rl_pool_get_n_threads (const RlPool *pool)
{
  return pool->n_threads;
}

void
rl_pool_run (RlPool *pool, int n_active, RlPoolFunc fn, gpointer data)
{
  g_return_if_fail (n_active >= 1 && n_active <= pool->n_threads);

  if (n_active == 1)
    {
      pool->active = 1;
      fn (data, 0, 1);
      return;
    }

  g_mutex_lock (&pool->lock);
  pool->fn = fn;
  pool->data = data;
  pool->active = n_active;
  g_atomic_int_set (&pool->pending, pool->n_threads - 1);
  g_atomic_int_inc (&pool->job);   /* publishes fn and data: the lock orders the writes */
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);

  fn (data, 0, n_active);

  /* the caller spins briefly too, then sleeps until the last worker is done */
  for (int i = 0; i < SPIN_ROUNDS && g_atomic_int_get (&pool->pending) > 0; i++)
    cpu_relax ();
  g_mutex_lock (&pool->lock);
  while (g_atomic_int_get (&pool->pending) > 0)
    g_cond_wait (&pool->done, &pool->lock);
  g_mutex_unlock (&pool->lock);
}

void
rl_pool_barrier (RlPool *pool)
{
  gint round;

  if (pool == NULL || pool->active <= 1)
    return;

  g_mutex_lock (&pool->lock);
  round = g_atomic_int_get (&pool->round);
  if (++pool->arrived == pool->active)
    {
      pool->arrived = 0;
      g_atomic_int_inc (&pool->round);
      g_cond_broadcast (&pool->meet);
      g_mutex_unlock (&pool->lock);
      return;
    }
  g_mutex_unlock (&pool->lock);
  wait_change (pool, &pool->round, round, &pool->meet, NULL);
}
