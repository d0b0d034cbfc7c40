#define G_LOG_DOMAIN "reslab-engine"

/* rl-finite.c: NaN and infinity found in a block of floats or a model's tensors (see
 * rl-finite.h), on the bits.
 */

#include "rl-finite.h"

#include <stdint.h>
#include <string.h>

#include "rl-clones.h"

/* A float is NaN or infinite exactly when its exponent bits are all ones. Tested on the bits,
 * an OR over the block that the compiler vectorises (isfinite() on floats it may not), and
 * right whatever the floating-point flags. */
RL_CLONES (static, gboolean, block_has_nonfinite,
           (const float *restrict x, size_t n),
           (x, n))
{
  uint32_t bad = 0;

  for (size_t i = 0; i < n; i++)
    {
      uint32_t u;

      memcpy (&u, &x[i], sizeof u);
      bad |= (uint32_t) ((u & 0x7f800000u) == 0x7f800000u);
    }
  return bad != 0;
}

gboolean
rl_floats_have_nonfinite (const float *x, size_t n)
{
  g_return_val_if_fail (x != NULL || n == 0, FALSE);

  /* in blocks, so a NaN early in a large model is found without reading all of it */
  for (size_t i = 0; i < n; i += 16384)
    if (block_has_nonfinite (x + i, MIN (n - i, (size_t) 16384)))
      return TRUE;
  return FALSE;
}

gboolean
rl_model_find_nonfinite (const RlModel *model, gboolean grads, guint *tensor_index)
{
  const float *base;
  guint n;

  g_return_val_if_fail (model != NULL, FALSE);

  /* rl_model_get_grads() takes a mutable model only because it hands out a writable block;
   * nothing is written here */
  base = grads ? rl_model_get_grads ((RlModel *) model) : rl_model_get_params_const (model);
  if (!rl_floats_have_nonfinite (base, rl_model_get_n_params (model)))
    return FALSE;

  n = rl_model_get_n_tensors (model);
  for (guint i = 0; i < n; i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);

      if (rl_floats_have_nonfinite (base + info->offset, info->numel))
        {
          if (tensor_index != NULL)
            *tensor_index = i;
          return TRUE;
        }
    }
  /* the blocks hold nothing beyond the table's tensors */
  g_return_val_if_reached (FALSE);
}
