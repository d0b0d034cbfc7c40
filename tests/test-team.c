/* RlTeam: every thread of a job runs once, barriers separate phases, subsets of the team work,
 * and thousands of back-to-back jobs neither lose a wake-up nor deadlock. */
#include <glib.h>

#include "rl-team.h"

typedef struct {
  RlTeam *team;
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
  rl_team_barrier (job->team);
  job->seen_after[t] = g_atomic_int_get (&job->phase1);
  rl_team_barrier (job->team);
  g_atomic_int_add (&job->total, t + 1);
}

static void
test_team_runs_and_meets (void)
{
  for (int size = 1; size <= 4; size++)
    {
      RlTeam *team = rl_team_new (size);

      g_assert_cmpint (rl_team_get_n_threads (team), ==, size);
      for (int active = 1; active <= size; active++)
        for (int rep = 0; rep < 500; rep++)
          {
            Job job = { .team = team };

            rl_team_run (team, active, job_fn, &job);
            for (int t = 0; t < 16; t++)
              g_assert_cmpint (job.ran[t], ==, t < active ? 1 : 0);
            /* nobody passed the barrier before everyone had arrived */
            for (int t = 0; t < active; t++)
              g_assert_cmpint (job.seen_after[t], ==, active);
            g_assert_cmpint (job.total, ==, active * (active + 1) / 2);
          }
      rl_team_free (team);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/team/runs-and-meets", test_team_runs_and_meets);
  return g_test_run ();
}
