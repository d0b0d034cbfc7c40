#define G_LOG_DOMAIN "reslab-engine"

/* rl-experiment-csv.c: an experiment's records as CSV (see rl-experiment.h): numbers written
 * to read back, a record's row, an experiment's records and its per-layer values, written to
 * files.
 */

#include "config.h"

#include "rl-experiment-private.h"

#include <math.h>

void
rl_experiment_append_number (GString *s, double v, int digits)
{
  char format[8], buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (s != NULL && digits >= 0 && digits <= 17);

  if (isnan (v))
    g_string_append (s, "nan");
  else if (isinf (v))
    g_string_append (s, v > 0 ? "inf" : "-inf");
  else
    {
      /* @digits, or the fewest from 15 on that read back: no double needs more than 17 */
      for (int d = digits > 0 ? digits : 15; ; d++)
        {
          g_snprintf (format, sizeof format, "%%.%dg", d);
          g_ascii_formatd (buf, sizeof buf, format, v);
          if (digits > 0 || d == 17 || g_ascii_strtod (buf, NULL) == v)
            break;
        }
      g_string_append (s, buf);
    }
}

void
rl_experiment_format_record_csv (GString                  *csv,
                                 const RlExperimentConfig *config,
                                 const RlExperimentRecord *r)
{
  g_return_if_fail (csv != NULL && config != NULL && r != NULL);

  g_string_append_printf (csv, "%d,%s,%s,%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",",
                          config->depth, r->twin == RL_TWIN_PLAIN ? "plain" : "resnet",
                          rl_shortcut_name (config->shortcut), config->bn ? "on" : "off",
                          r->iteration, r->images);
  rl_experiment_append_number (csv, r->epoch, 6);
  g_string_append_c (csv, ',');
  rl_experiment_append_number (csv, r->train_error, 6);
  g_string_append_c (csv, ',');
  rl_experiment_append_number (csv, r->train_loss, 6);
  g_string_append_c (csv, ',');
  rl_experiment_append_number (csv, r->test_error, 6);
  g_string_append_printf (csv, ",%" G_GUINT64_FORMAT "\n", r->seed);
}

void
rl_experiment_format_csv (const RlExperiment *exp, GString *csv, gboolean header)
{
  g_return_if_fail (exp != NULL && csv != NULL);

  if (header)
    g_string_append (csv, RL_EXPERIMENT_CSV_HEADER);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      const Twin *tw = &exp->twins[t];

      for (guint i = 0; i < tw->records->len; i++)
        rl_experiment_format_record_csv (csv, &exp->cfg, g_ptr_array_index (tw->records, i));
    }
}

void
rl_experiment_format_layers_csv (const RlExperiment *exp, GString *csv, gboolean header)
{
  g_return_if_fail (exp != NULL && csv != NULL);

  if (header)
    g_string_append (csv, RL_EXPERIMENT_LAYERS_CSV_HEADER);
  for (int t = 0; t < RL_N_TWINS; t++)
    {
      const Twin *tw = &exp->twins[t];

      for (guint i = 0; i < tw->records->len; i++)
        {
          const RlExperimentRecord *r = g_ptr_array_index (tw->records, i);

          for (guint k = 0; k < r->n_layers; k++)
            {
              const RlExperimentLayer *l = &g_array_index (tw->layers, RlExperimentLayer, k);

              g_string_append_printf (csv, "%d,%s,%" G_GUINT64_FORMAT ",%d,", exp->cfg.depth,
                                      t == RL_TWIN_PLAIN ? "plain" : "resnet", r->iteration,
                                      l->index);
              rl_experiment_append_number (csv, r->grad_norm[k], 6);
              g_string_append_c (csv, ',');
              if (l->response >= 0)
                rl_experiment_append_number (csv, r->response_std[k], 6);
              g_string_append_printf (csv, ",%s\n", l->name);
            }
        }
    }
}

gboolean
rl_experiment_write_csv (const RlExperiment *exp, const char *path, const char *layers_path,
                         GError **error)
{
  g_autoptr(GString) csv = g_string_new (NULL);

  g_return_val_if_fail (exp != NULL && path != NULL, FALSE);

  rl_experiment_format_csv (exp, csv, TRUE);
  if (!g_file_set_contents (path, csv->str, (gssize) csv->len, error))
    return FALSE;
  if (layers_path == NULL)
    return TRUE;
  g_string_truncate (csv, 0);
  rl_experiment_format_layers_csv (exp, csv, TRUE);
  return g_file_set_contents (layers_path, csv->str, (gssize) csv->len, error);
}
