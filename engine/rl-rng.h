/* rl-rng.h: a small, seeded, portable random number generator.
 *
 * xoshiro128** (Blackman and Vigna), seeded through splitmix64. The same seed gives the
 * same stream on every machine, which is what makes training runs reproducible bit for bit.
 * Not thread-safe: one RlRng per user.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t s[4];
} RlRng;

void     rl_rng_init        (RlRng *rng, uint64_t seed);
uint32_t rl_rng_next_u32    (RlRng *rng);
/* uniform in [0, 1) with 24 bits of precision */
float    rl_rng_uniform     (RlRng *rng);
/* uniform in [lo, hi) */
float    rl_rng_uniform_range (RlRng *rng, float lo, float hi);
/* uniform integer in [0, n), unbiased (Lemire's method) */
uint32_t rl_rng_below       (RlRng *rng, uint32_t n);
/* Fisher-Yates shuffle of an index array */
void     rl_rng_shuffle     (RlRng *rng, uint32_t *idx, size_t n);

G_END_DECLS
