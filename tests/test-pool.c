/* RlPool: every thread of a job runs once, barriers separate phases, subsets of the team work,
 * and thousands of back-to-back jobs neither lose a wake-up nor deadlock. */
#include <glib.h>

#include "rl-pool.h"

typedef struct {
  RlPool *pool;
  gint    ran[16];
  gint    phase1;          /* incremented by every thread before the barrier */
  gint    seen_after[16];  /* phase1 as each thread saw it after the barrier */
  gint    total;
} Job;

static void
job_fn (gpointer data, int t, int nt)
{
  Job *job = data;

  g_assert_cmpint (t, <, nt);
  g_atomic_int_inc (&job->ran[t]);
  g_atomic_int_inc (&job->phase1);
  rl_pool_barrier (job->pool);
  job->seen_after[t] = g_atomic_int_get (&job->phase1);
  rl_pool_barrier (job->pool);
  g_atomic_int_add (&job->total, t + 1);
}

static void
test_pool_runs_and_meets (void)
{
  for (int size = 1; size <= 4; size++)
    {
      RlPool *pool = rl_pool_new (size);

      g_assert_cmpint (rl_pool_get_n_threads (pool), ==, size);
      for (int active = 1; active <= size; active++)
        for (int rep = 0; rep < 500; rep++)
          {
            Job job = { .pool = pool };

            rl_pool_run (pool, active, job_fn, &job);
            for (int t = 0; t < 16; t++)
              g_assert_cmpint (job.ran[t], ==, t < active ? 1 : 0);
            /* nobody passed the barrier before everyone had arrived */
            for (int t = 0; t < active; t++)
              g_assert_cmpint (job.seen_after[t], ==, active);
            g_assert_cmpint (job.total, ==, active * (active + 1) / 2);
          }
      rl_pool_free (pool);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/pool/runs-and-meets", test_pool_runs_and_meets);
  return g_test_run ();
}
