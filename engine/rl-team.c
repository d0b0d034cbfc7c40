#define G_LOG_DOMAIN "reslab-engine"

/* rl-team.c: RlTeam, the fixed team of worker threads a model's training step and prediction
 * run on (rl-team.h): a job counter the workers wait on, spinning then sleeping, and a
 * barrier. */

#include "rl-team.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause ()
#else
#define cpu_relax() do { } while (0)
#endif

/* About 10-40 microseconds of polling before sleeping: longer than a training step's load
 * imbalance on an idle machine, far shorter than a scheduler time slice. */
#define SPIN_ROUNDS 4000

struct _RlTeam {
  int         n_threads;
  GThread   **threads;

  GMutex      lock;
  GCond       wake;         /* workers wait here for a new job */
  GCond       done;         /* the caller waits here for the job's end */
  GCond       meet;         /* barrier */

  RlTeamFunc  fn;
  gpointer    data;
  int         active;       /* threads taking part in the current job */
  gint        job;          /* generation of the current job (atomic) */
  gint        pending;      /* workers still running it */
  gboolean    quit;

  gint        arrived;      /* at the barrier (under lock) */
  gint        round;        /* barrier generation (atomic) */
};

typedef struct {
  RlTeam *team;
  int     index;
} Worker;

/* Waits until *counter differs from @seen: spins, then sleeps on @cond. */
static void
wait_change (RlTeam *team, gint *counter, gint seen, GCond *cond, gboolean *quit)
{
  for (int i = 0; i < SPIN_ROUNDS; i++)
    {
      if (g_atomic_int_get (counter) != seen)
        return;
      cpu_relax ();
    }
  g_mutex_lock (&team->lock);
  while (g_atomic_int_get (counter) == seen && !(quit != NULL && *quit))
    g_cond_wait (cond, &team->lock);
  g_mutex_unlock (&team->lock);
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *w = user_data;
  RlTeam *team = w->team;
  gint seen = 0;

  for (;;)
    {
      wait_change (team, &team->job, seen, &team->wake, &team->quit);
      g_mutex_lock (&team->lock);
      if (team->quit)
        {
          g_mutex_unlock (&team->lock);
          break;
        }
      seen = g_atomic_int_get (&team->job);
      g_mutex_unlock (&team->lock);

      if (w->index < team->active)
        team->fn (team->data, w->index, team->active);

      g_mutex_lock (&team->lock);
      if (g_atomic_int_dec_and_test (&team->pending))
        g_cond_signal (&team->done);
      g_mutex_unlock (&team->lock);
    }
  g_free (w);
  return NULL;
}

RlTeam *
rl_team_new (int n_threads)
{
  RlTeam *team = g_new0 (RlTeam, 1);

  g_return_val_if_fail (n_threads >= 1, NULL);

  team->n_threads = n_threads;
  g_mutex_init (&team->lock);
  g_cond_init (&team->wake);
  g_cond_init (&team->done);
  g_cond_init (&team->meet);
  team->threads = g_new0 (GThread *, n_threads);
  for (int i = 1; i < n_threads; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      w->team = team;
      w->index = i;
      team->threads[i] = g_thread_new ("reslab-worker", worker_main, w);
    }
  return team;
}

void
rl_team_free (RlTeam *team)
{
  if (team == NULL)
    return;
  g_mutex_lock (&team->lock);
  team->quit = TRUE;
  g_atomic_int_inc (&team->job);
  g_cond_broadcast (&team->wake);
  g_mutex_unlock (&team->lock);
  for (int i = 1; i < team->n_threads; i++)
    g_thread_join (team->threads[i]);
  g_free (team->threads);
  g_mutex_clear (&team->lock);
  g_cond_clear (&team->wake);
  g_cond_clear (&team->done);
  g_cond_clear (&team->meet);
  g_free (team);
}

int
rl_team_get_n_threads (const RlTeam *team)
{
  return team->n_threads;
}

void
rl_team_run (RlTeam *team, int n_active, RlTeamFunc fn, gpointer data)
{
  g_return_if_fail (n_active >= 1 && n_active <= team->n_threads);

  if (n_active == 1)
    {
      team->active = 1;
      fn (data, 0, 1);
      return;
    }

  g_mutex_lock (&team->lock);
  team->fn = fn;
  team->data = data;
  team->active = n_active;
  g_atomic_int_set (&team->pending, team->n_threads - 1);
  g_atomic_int_inc (&team->job);   /* publishes fn and data: the lock orders the writes */
  g_cond_broadcast (&team->wake);
  g_mutex_unlock (&team->lock);

  fn (data, 0, n_active);

  /* the caller spins briefly too, then sleeps until the last worker is done */
  for (int i = 0; i < SPIN_ROUNDS && g_atomic_int_get (&team->pending) > 0; i++)
    cpu_relax ();
  g_mutex_lock (&team->lock);
  while (g_atomic_int_get (&team->pending) > 0)
    g_cond_wait (&team->done, &team->lock);
  g_mutex_unlock (&team->lock);
}

void
rl_team_barrier (RlTeam *team)
{
  gint round;

  if (team == NULL || team->active <= 1)
    return;

  g_mutex_lock (&team->lock);
  round = g_atomic_int_get (&team->round);
  if (++team->arrived == team->active)
    {
      team->arrived = 0;
      g_atomic_int_inc (&team->round);
      g_cond_broadcast (&team->meet);
      g_mutex_unlock (&team->lock);
      return;
    }
  g_mutex_unlock (&team->lock);
  wait_change (team, &team->round, round, &team->meet, NULL);
}
