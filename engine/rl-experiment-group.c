#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment-group.c: one configuration over several seeds (RlExperimentGroup, see
 * rl-experiment.h): the records of every seed, per point their mean, min and max (the
 * figures' lines and bands), and every seed's records as one CSV.
 */

#include "config.h"

#include "rl-experiment-private.h"

#include <math.h>

double
rl_experiment_record_get_value (const RlExperimentRecord *record, RlExperimentValue value)
{
  g_return_val_if_fail (record != NULL, NAN);

  switch (value)
    {
    case RL_EXPERIMENT_TRAIN_ERROR:
      return record->train_error;
    case RL_EXPERIMENT_TRAIN_LOSS:
      return record->train_loss;
    case RL_EXPERIMENT_TEST_ERROR:
      return record->test_error;
    default:
      g_return_val_if_reached (NAN);
    }
}

struct _RlExperimentGroup {
  RlExperimentConfig cfg;
  uint64_t   total;
  char      *names[RL_N_TWINS];
  GPtrArray *seeds[RL_N_TWINS];   /* per seed index: a GPtrArray of RlExperimentRecord */
};

RlExperimentGroup *
rl_experiment_group_new (const RlExperimentConfig *config, uint64_t total_iterations,
                         const char *plain_name, const char *residual_name)
{
  RlExperimentGroup *g;

  g_return_val_if_fail (config != NULL && plain_name != NULL && residual_name != NULL, NULL);

  g = g_new0 (RlExperimentGroup, 1);
  g->cfg = *config;
  g->total = total_iterations;
  g->names[RL_TWIN_PLAIN] = g_strdup (plain_name);
  g->names[RL_TWIN_RESIDUAL] = g_strdup (residual_name);
  for (int t = 0; t < RL_N_TWINS; t++)
    g->seeds[t] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  return g;
}

void
rl_experiment_group_free (RlExperimentGroup *group)
{
  if (group == NULL)
    return;
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (group->names[t]);
      g_ptr_array_unref (group->seeds[t]);
    }
  g_free (group);
}

void
rl_experiment_group_add_record (RlExperimentGroup *group, RlExperimentRecord *record)
{
  GPtrArray *seeds;
  guint s;

  g_return_if_fail (group != NULL && record != NULL);
  g_return_if_fail (record->twin == RL_TWIN_PLAIN || record->twin == RL_TWIN_RESIDUAL);
  g_return_if_fail (record->seed >= group->cfg.seed && record->seed - group->cfg.seed < G_MAXINT);

  s = (guint) (record->seed - group->cfg.seed);
  seeds = group->seeds[record->twin];
  while (seeds->len <= s)
    g_ptr_array_add (seeds,
                     g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_record_unref));
  g_ptr_array_add (g_ptr_array_index (seeds, s), rl_experiment_record_ref (record));
}

void
rl_experiment_group_add_experiment (RlExperimentGroup *group, const RlExperiment *exp)
{
  g_return_if_fail (group != NULL && exp != NULL);

  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint i = 0; i < exp->twins[t].records->len; i++)
      rl_experiment_group_add_record (group, g_ptr_array_index (exp->twins[t].records, i));
}

const RlExperimentConfig *
rl_experiment_group_get_config (const RlExperimentGroup *group)
{
  g_return_val_if_fail (group != NULL, NULL);
  return &group->cfg;
}

const char *
rl_experiment_group_get_name (const RlExperimentGroup *group, RlTwin twin)
{
  TWIN (group, twin, NULL);
  return group->names[twin];
}

uint64_t
rl_experiment_group_get_total_iterations (const RlExperimentGroup *group)
{
  g_return_val_if_fail (group != NULL, 0);
  return group->total;
}

guint
rl_experiment_group_get_n_seeds (const RlExperimentGroup *group)
{
  g_return_val_if_fail (group != NULL, 0);
  return MAX (group->seeds[RL_TWIN_PLAIN]->len, group->seeds[RL_TWIN_RESIDUAL]->len);
}

guint
rl_experiment_group_get_n_records (const RlExperimentGroup *group, RlTwin twin, guint seed_index)
{
  TWIN (group, twin, 0);
  if (seed_index >= group->seeds[twin]->len)
    return 0;
  return ((GPtrArray *) g_ptr_array_index (group->seeds[twin], seed_index))->len;
}

RlExperimentRecord *
rl_experiment_group_get_record (const RlExperimentGroup *group, RlTwin twin, guint seed_index,
                                guint i)
{
  TWIN (group, twin, NULL);
  g_return_val_if_fail (i < rl_experiment_group_get_n_records (group, twin, seed_index), NULL);
  return g_ptr_array_index ((GPtrArray *) g_ptr_array_index (group->seeds[twin], seed_index), i);
}

guint
rl_experiment_group_get_n_points (const RlExperimentGroup *group, RlTwin twin)
{
  guint n = 0;

  TWIN (group, twin, 0);
  for (guint s = 0; s < group->seeds[twin]->len; s++)
    n = MAX (n, rl_experiment_group_get_n_records (group, twin, s));
  return n;
}

guint
rl_experiment_group_get_point (const RlExperimentGroup *group, RlTwin twin, guint i,
                               RlExperimentValue value, uint64_t *iteration, double *mean,
                               double *min, double *max)
{
  double sum = 0.0, lo = INFINITY, hi = -INFINITY;
  uint64_t it = 0;
  guint n = 0;

  TWIN (group, twin, 0);
  for (guint s = 0; s < group->seeds[twin]->len; s++)
    {
      const RlExperimentRecord *r;
      double v;

      if (i >= rl_experiment_group_get_n_records (group, twin, s))
        continue;
      r = rl_experiment_group_get_record (group, twin, s, i);
      it = r->iteration;
      v = rl_experiment_record_get_value (r, value);
      if (!isfinite (v))
        continue;
      sum += v;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
      n++;
    }
  if (iteration != NULL)
    *iteration = it;
  if (mean != NULL)
    *mean = n > 0 ? sum / n : NAN;
  if (min != NULL)
    *min = n > 0 ? lo : NAN;
  if (max != NULL)
    *max = n > 0 ? hi : NAN;
  return n;
}

void
rl_experiment_group_format_csv (const RlExperimentGroup *group, GString *csv, gboolean header)
{
  g_return_if_fail (group != NULL && csv != NULL);

  if (header)
    g_string_append (csv, RL_EXPERIMENT_CSV_HEADER);
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint s = 0; s < group->seeds[t]->len; s++)
      for (guint i = 0; i < rl_experiment_group_get_n_records (group, (RlTwin) t, s); i++)
        rl_experiment_format_record_csv (csv, &group->cfg,
                                         rl_experiment_group_get_record (group, (RlTwin) t, s, i));
}
