/* rl-team.h: a fixed team of threads for data-parallel training steps.
 *
 * rl_team_run() runs one function on every thread of the team at once (the caller is thread 0)
 * and returns when all are done; inside it, rl_team_barrier() makes the team meet. Waiting
 * threads spin for a few microseconds, then sleep on a condition variable: a step costs no
 * more than a spin-only team on an idle machine, and on a busy one (the app's own UI thread,
 * other programs) a waiting thread gives its core to the one that is late instead of burning
 * it, which an OpenMP team (what the engine used before) only does when OMP_WAIT_POLICY=passive
 * is set before the program starts.
 *
 * A team is used by one caller at a time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _RlTeam RlTeam;

/* fn (data, thread, n_threads): thread in [0, n_threads) */
typedef void (*RlTeamFunc) (gpointer data, int thread, int n_threads);

/* A team of @n_threads (>= 1): n_threads - 1 worker threads plus the caller. */
RlTeam *rl_team_new           (int n_threads);
void    rl_team_free          (RlTeam *team);
int     rl_team_get_n_threads (const RlTeam *team);
/* Runs fn on threads 0 .. n_active-1 (1 <= n_active <= the team's size); they see
 * n_threads == n_active, and barriers wait for those n_active. */
void    rl_team_run           (RlTeam *team, int n_active, RlTeamFunc fn, gpointer data);
/* From inside fn only: every thread of the team waits here for the others. */
void    rl_team_barrier       (RlTeam *team);

G_END_DECLS
