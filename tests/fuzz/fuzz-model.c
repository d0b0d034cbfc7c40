/* fuzz-model: a model file (rl-model-io.c) on arbitrary bytes, and when it loads, one
 * prediction with it: the architecture in its metadata, its limits, its tensors against the
 * architecture, and every layer's forward pass on the shapes it asks for. */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "rl-limits.h"
#include "rl-model.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(RlModel) model = rl_model_load_bytes (bytes, "fuzz", NULL, NULL);
  g_autofree float *x = NULL;
  g_autofree float *logits = NULL;
  RlArchCost cost;
  int c, h, w;

  if (model == NULL)
    return 0;
  rl_model_get_input_shape (model, &c, &h, &w);
  /* the limits allow 128 MB of activations per image; a fuzzer has better things to do */
  if (!rl_arch_cost (rl_model_get_arch (model), c, h, w, &cost) || cost.activations > 4000000)
    return 0;
  x = g_new (float, (size_t) c * h * w);
  for (size_t i = 0; i < (size_t) c * h * w; i++)
    x[i] = (float) (i % 7) - 3.0f;
  logits = g_new (float, rl_model_get_n_classes (model));
  rl_model_predict (model, x, 1, logits);
  return 0;
}
