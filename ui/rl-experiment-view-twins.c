#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-twins.c: the runs' trained twins as the Landscape tab names them: a kept
 * twin's model file found among the runs (rl_experiment_view_find_twin), and the twins the
 * runner handed over when the last run ended (rl_experiment_view_describe_trained), each named
 * with its run's number ("plain-20 (run 2)"), with a remark on a twin that was not kept or that
 * diverged. The twins' files are written by rl-experiment-view-files.c.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include <math.h>
#include <string.h>

/* The iteration at which the first seed's @twin of @run diverged, as its records say (its last
 * record's error is NAN, rl_experiment_get_diverged_at), or 0. */
static guint64
first_seed_diverged_at (Run    *run,
                        RlTwin  twin)
{
  guint n = rl_experiment_group_get_n_records (run->group, twin, 0);
  const RlExperimentRecord *last;

  if (n == 0)
    return 0;
  last = rl_experiment_group_get_record (run->group, twin, 0, n - 1);
  return isnan (last->train_error) ? MAX (last->iteration, 1) : 0;
}

/* What the Landscape tab says first about the twins of @run it shows (@shown): that one was
 * not kept, and that those which diverged (@diverged_at, 0 for a twin that did not) are seen
 * at their last finite weights, the training loop having undone the step that broke them.
 * Returns: (transfer full) (nullable): NULL when there is nothing to say */
static char *
twins_remark (Run            *run,
              const gboolean  shown[RL_N_TWINS],
              const guint64   diverged_at[RL_N_TWINS])
{
  g_autoptr (GString) text = g_string_new (NULL);
  char *at[RL_N_TWINS] = { NULL };
  guint n_diverged = 0;
  RlTwin diverged = RL_TWIN_PLAIN;

  for (int t = 0; t < RL_N_TWINS; t++)
    if (!shown[t] && shown[1 - t])
      /* TRANSLATORS: in the Landscape tab's note, which shows a kept run's other twin alone,
       * when this twin's model file could not be written (the user was told) or was removed
       * since; %2$s is the twin, e.g. "plain-20" */
      g_string_append_printf (text, _("In run %1$u, the trained weights of %2$s were not "
                                      "kept."), run->number, run->names[t]);
  for (int t = 0; t < RL_N_TWINS; t++)
    if (shown[t] && diverged_at[t] > 0)
      {
        at[t] = g_strdup_printf ("%" G_GUINT64_FORMAT, diverged_at[t]);
        diverged = (RlTwin) t;
        n_diverged++;
      }
  if (text->len > 0 && n_diverged > 0)
    g_string_append_c (text, ' ');
  if (n_diverged == 1)
    /* TRANSLATORS: in the Landscape tab's note; %2$s is a twin, e.g. "resnet-20", %3$s the
     * iteration (SGD step) whose loss was not finite. Training stopped there, and the step was
     * undone: the landscape is around the weights from before it. */
    g_string_append_printf (text, _("In run %1$u, %2$s diverged at iteration %3$s; these are "
                                    "its last finite weights."), run->number,
                            run->names[diverged], at[diverged]);
  else if (n_diverged == 2)
    /* TRANSLATORS: the same for both twins; %2$s and %4$s are the twins, %3$s and %5$s the
     * iterations */
    g_string_append_printf (text, _("In run %1$u, %2$s diverged at iteration %3$s and %4$s at "
                                    "iteration %5$s; these are their last finite weights."),
                            run->number, run->names[RL_TWIN_PLAIN], at[RL_TWIN_PLAIN],
                            run->names[RL_TWIN_RESIDUAL], at[RL_TWIN_RESIDUAL]);
  for (int t = 0; t < RL_N_TWINS; t++)
    g_free (at[t]);
  return text->len > 0 ? g_strdup (text->str) : NULL;
}

/* @twin of @run as the Landscape tab names it. Returns: (transfer full) */
static char *
twin_name (Run    *run,
           RlTwin  twin)
{
  /* TRANSLATORS: a run's twin in the Landscape tab (its note, the figures' titles, the
   * dialogs): its name, e.g. "plain-20", and the run's number in the list of runs */
  return g_strdup_printf (_("%1$s (run %2$u)"), run->names[twin], run->number);
}

gboolean
rl_experiment_view_find_twin (RlExperimentView  *self,
                              const char        *path,
                              char             **name,
                              RlDatasetKind     *kind,
                              char             **remark)
{
  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      for (int t = 0; run->path != NULL && t < RL_N_TWINS; t++)
        {
          g_autofree char *twin = NULL;

          if (!run->twin_kept[t])
            continue;
          twin = rl_experiment_file_twin_path (run->path, (RlTwin) t);
          if (strcmp (twin, path) != 0)
            continue;
          if (name != NULL)
            *name = twin_name (run, (RlTwin) t);
          if (kind != NULL)
            *kind = run->kind;
          if (remark != NULL)
            {
              guint64 diverged_at[RL_N_TWINS];

              for (int u = 0; u < RL_N_TWINS; u++)
                diverged_at[u] = first_seed_diverged_at (run, (RlTwin) u);
              *remark = twins_remark (run, run->twin_kept, diverged_at);
            }
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
rl_experiment_view_describe_trained (RlExperimentView  *self,
                                     char              *names[RL_N_TWINS],
                                     char             **remark)
{
  static const gboolean both[RL_N_TWINS] = { TRUE, TRUE };
  guint64 diverged_at[RL_N_TWINS];
  Run *run = NULL;

  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);
  g_return_val_if_fail (names != NULL, FALSE);

  for (guint r = 0; self->trained_run != 0 && r < self->runs->len && run == NULL; r++)
    if (((Run *) g_ptr_array_index (self->runs, r))->number == self->trained_run)
      run = g_ptr_array_index (self->runs, r);
  if (run == NULL)
    return FALSE;
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      names[t] = twin_name (run, (RlTwin) t);
      diverged_at[t] = rl_experiment_runner_get_diverged_at (self->runner, (RlTwin) t);
    }
  if (remark != NULL)
    *remark = twins_remark (run, both, diverged_at);
  return TRUE;
}
