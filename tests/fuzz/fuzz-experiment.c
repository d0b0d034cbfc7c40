/* fuzz-experiment: experiment run files (read in rl-experiment-file-read.c, written in
 * rl-experiment-file.c). What parses must write back to a text that parses to the same text
 * again, and every record's per-layer values must be readable for its twin's layer count. */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "rl-experiment-file.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) third = NULL;
  g_autoptr(RlExperimentGroup) group = NULL;
  g_autoptr(RlExperimentGroup) back = NULL;
  g_auto(RlExperimentRunInfo) info = { 0 };
  g_auto(RlExperimentRunInfo) back_info = { 0 };
  double sum = 0.0;

  group = rl_experiment_file_parse (bytes, &info, NULL);
  if (group == NULL)
    return 0;
  for (int t = 0; t < RL_N_TWINS; t++)
    for (guint s = 0; s < rl_experiment_group_get_n_seeds (group); s++)
      for (guint i = 0; i < rl_experiment_group_get_n_records (group, t, s); i++)
        {
          const RlExperimentRecord *r = rl_experiment_group_get_record (group, t, s, i);

          g_assert (r->n_layers == 0 || r->n_layers == info.layers[t]->len);
          for (guint k = 0; k < r->n_layers; k++)
            sum += r->grad_norm[k] + r->response_std[k];
        }
  (void) sum;
  again = rl_experiment_file_format (group, &info);
  back = rl_experiment_file_parse (again, &back_info, NULL);
  g_assert (back != NULL);
  third = rl_experiment_file_format (back, &back_info);
  g_assert (g_bytes_equal (again, third));
  return 0;
}
