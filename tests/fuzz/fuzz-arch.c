/* fuzz-arch: architecture text (rl-arch.c). What parses must survive the round trip
 * parse(to_string(a)) == a, and the model it builds on a small input must run one training
 * step (forward and backward) on a batch of two. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "rl-arch.h"
#include "rl-limits.h"
#include "rl-model.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(RlArch) arch = NULL;
  g_autoptr(RlArch) again = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autofree char *canonical = NULL;
  g_autofree float *x = NULL;
  const RlLayerSpec *last;
  uint8_t labels[2] = { 0, 1 };
  RlArchCost cost;
  const int n = 2, c = 1, h = 12, w = 12;
  float loss;

  arch = rl_arch_parse (text, NULL);
  if (arch == NULL)
    return 0;

  canonical = rl_arch_to_string (arch);
  again = rl_arch_parse (canonical, NULL);
  g_assert (again != NULL);
  g_assert (again->n_layers == arch->n_layers);
  g_assert (memcmp (again->layers, arch->layers, sizeof (RlLayerSpec) * arch->n_layers) == 0);

  /* a model needs a final linear layer: its width is the class count */
  last = &arch->layers[arch->n_layers - 1];
  if (last->kind != RL_LAYER_LINEAR || last->channels < 2 || last->channels > 1000)
    return 0;
  if (!rl_arch_cost (arch, c, h, w, &cost) || cost.activations > 2000000 ||
      cost.n_params > 2000000)
    return 0;
  model = rl_model_new (arch, c, h, w, last->channels, NULL);
  if (model == NULL)
    return 0;
  rl_model_init_params (model, 1);
  x = g_new (float, (size_t) n * c * h * w);
  for (int i = 0; i < n * c * h * w; i++)
    x[i] = (float) ((i * 13) % 17) / 8.0f - 1.0f;
  loss = rl_model_forward_backward (model, x, labels, n, NULL);
  g_assert (isfinite (loss));
  return 0;
}
