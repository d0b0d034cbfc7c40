/* fuzz-safetensors: the safetensors parser (rl-safetensors-header.c, and rl-safetensors.c's
 * loading) on arbitrary bytes. */
#include <glib.h>

#include "fuzz.h"
#include "rl-safetensors.h"

/* where the sums of what was read go, so the reads stay */
static volatile float sink;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(RlSafetensors) st = rl_safetensors_load_bytes (bytes, "fuzz", NULL);

  if (st != NULL)
    {
      /* every view the parser hands out must lie inside the file */
      for (guint i = 0; i < rl_safetensors_get_n_tensors (st); i++)
        {
          const RlTensorView *v = rl_safetensors_get_tensor (st, i);
          size_t n = rl_tensor_view_numel (v);
          float sum = 0.0f;

          for (size_t j = 0; j < n; j++)
            sum += v->data[j];
          sink = sum;
          g_assert (rl_safetensors_lookup (st, v->name) == v);
        }
      rl_safetensors_get_metadata (st, "arch");
    }
  return 0;
}
