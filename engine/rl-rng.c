#define G_LOG_DOMAIN "reslab-engine"

/* rl-rng.c: the seeded generator (see rl-rng.h): xoshiro128** seeded through splitmix64.
 */

#include "rl-rng.h"

static inline uint32_t
rotl (uint32_t x, int k)
{
  return (x << k) | (x >> (32 - k));
}

static uint64_t
splitmix64 (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void
rl_rng_init (RlRng *rng, uint64_t seed)
{
  uint64_t st = seed;
  uint64_t a = splitmix64 (&st);
  uint64_t b = splitmix64 (&st);

  g_return_if_fail (rng != NULL);

  rng->s[0] = (uint32_t) a;
  rng->s[1] = (uint32_t) (a >> 32);
  rng->s[2] = (uint32_t) b;
  rng->s[3] = (uint32_t) (b >> 32);
  /* xoshiro must not start from the all-zero state */
  if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
    rng->s[0] = 1;
}

uint32_t
rl_rng_next_u32 (RlRng *rng)
{
  uint32_t *s = rng->s;
  uint32_t result = rotl (s[1] * 5, 7) * 9;
  uint32_t t = s[1] << 9;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 11);

  return result;
}

float
rl_rng_uniform (RlRng *rng)
{
  return (float) (rl_rng_next_u32 (rng) >> 8) * (1.0f / 16777216.0f);
}

float
rl_rng_uniform_range (RlRng *rng, float lo, float hi)
{
  return lo + (hi - lo) * rl_rng_uniform (rng);
}

uint32_t
rl_rng_below (RlRng *rng, uint32_t n)
{
  uint64_t m;
  uint32_t l;

  g_return_val_if_fail (n > 0, 0);

  m = (uint64_t) rl_rng_next_u32 (rng) * n;
  l = (uint32_t) m;
  if (l < n)
    {
      uint32_t t = -n % n;
      while (l < t)
        {
          m = (uint64_t) rl_rng_next_u32 (rng) * n;
          l = (uint32_t) m;
        }
    }
  return (uint32_t) (m >> 32);
}

void
rl_rng_shuffle (RlRng *rng, uint32_t *idx, size_t n)
{
  for (size_t i = n; i > 1; i--)
    {
      uint32_t j = rl_rng_below (rng, (uint32_t) i);
      uint32_t tmp = idx[i - 1];
      idx[i - 1] = idx[j];
      idx[j] = tmp;
    }
}
