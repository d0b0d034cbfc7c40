#define G_LOG_DOMAIN "reslab-engine"

/* rl-cpu.c: the machine's name, SIMD extensions and measured FP32 FMA peak.
 *
 * The peak loop runs independent FMA chains, x = x * m + a, enough of them to cover the FMA
 * latency on every pipe (modern x86 cores: 2 FMA pipes x 4 cycles = 8 chains in flight;
 * we run 16 with AVX-512, 12 with AVX2). m is just below 1, so every chain converges to
 * a / (1 - m) and stays a normal number: no overflow, no denormal slow path.
 * The SIMD loops use function-level target attributes, so this file needs no -m flags and
 * the loops only run after a run-time CPU check.
 */

#include "rl-cpu.h"

#include <math.h>
#include <string.h>

#if defined (__x86_64__) || defined (__i386__)
#include <immintrin.h>
#define RL_CPU_X86 1
#endif

typedef enum {
  FMA_SCALAR,
  FMA_AVX2,
  FMA_AVX512,
} FmaKind;

/* Iterations per timing check: 16 zmm chains x 8192 = 4 MFLOP, tens of microseconds. */
#define CHUNK 8192

/* Keeps the chains' results alive so the loops are not optimised away. */
static volatile float fma_sink;

#ifdef RL_CPU_X86

__attribute__ ((target ("avx512f")))
static double
fma_chunk_avx512 (float seed)
{
  const __m512 m = _mm512_set1_ps (0.999999f);
  const __m512 a = _mm512_set1_ps (1e-6f);
  __m512 x[16];

#pragma GCC unroll 16
  for (int c = 0; c < 16; c++)
    x[c] = _mm512_set1_ps (seed + (float) c);
  for (int it = 0; it < CHUNK; it++)
#pragma GCC unroll 16
    for (int c = 0; c < 16; c++)
      x[c] = _mm512_fmadd_ps (x[c], m, a);
#pragma GCC unroll 16
  for (int c = 1; c < 16; c++)
    x[0] = _mm512_add_ps (x[0], x[c]);
  float lanes[16];
  _mm512_storeu_ps (lanes, x[0]);
  fma_sink = lanes[0] + lanes[15];
  return 2.0 * 16 * 16 * CHUNK;
}

__attribute__ ((target ("avx2,fma")))
static double
fma_chunk_avx2 (float seed)
{
  const __m256 m = _mm256_set1_ps (0.999999f);
  const __m256 a = _mm256_set1_ps (1e-6f);
  __m256 x[12];

#pragma GCC unroll 12
  for (int c = 0; c < 12; c++)
    x[c] = _mm256_set1_ps (seed + (float) c);
  for (int it = 0; it < CHUNK; it++)
#pragma GCC unroll 12
    for (int c = 0; c < 12; c++)
      x[c] = _mm256_fmadd_ps (x[c], m, a);
#pragma GCC unroll 12
  for (int c = 1; c < 12; c++)
    x[0] = _mm256_add_ps (x[0], x[c]);
  float lanes[8];
  _mm256_storeu_ps (lanes, x[0]);
  fma_sink = lanes[0] + lanes[7];
  return 2.0 * 12 * 8 * CHUNK;
}

#endif

/* Plain C: a multiply and an add per step (no FMA in the baseline ISA). */
static double
fma_chunk_scalar (float seed)
{
  float x[8];

  for (int c = 0; c < 8; c++)
    x[c] = seed + (float) c;
  for (int it = 0; it < CHUNK; it++)
    for (int c = 0; c < 8; c++)
      x[c] = x[c] * 0.999999f + 1e-6f;
  fma_sink = x[0] + x[7];
  return 2.0 * 8 * CHUNK;
}

static FmaKind
best_fma (void)
{
#ifdef RL_CPU_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    return FMA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return FMA_AVX2;
#endif
  return FMA_SCALAR;
}

static double
fma_chunk (FmaKind kind, float seed)
{
  switch (kind)
    {
#ifdef RL_CPU_X86
    case FMA_AVX512:
      return fma_chunk_avx512 (seed);
    case FMA_AVX2:
      return fma_chunk_avx2 (seed);
#endif
    default:
      return fma_chunk_scalar (seed);
    }
}

double
rl_cpu_measure_peak_gflops (int n_threads, double seconds)
{
  FmaKind kind = best_fma ();
  double flops = 0.0;
  gint64 t0, t1;

  if (n_threads < 1 || !(seconds > 0.0))
    return 0.0;

  /* Warm up (clocks ramp, threads start), untimed. */
#pragma omp parallel num_threads (n_threads)
  for (int i = 0; i < 16; i++)
    fma_chunk (kind, 1.0f);

  t0 = g_get_monotonic_time ();
#pragma omp parallel num_threads (n_threads) reduction (+:flops)
  {
    do
      flops += fma_chunk (kind, 1.0f);
    while ((double) (g_get_monotonic_time () - t0) < seconds * G_USEC_PER_SEC);
  }
  t1 = g_get_monotonic_time ();

  return flops / ((double) (t1 - t0) / G_USEC_PER_SEC) * 1e-9;
}

static char *
read_model_name (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return NULL;

  for (char *line = text; line != NULL && *line != '\0'; )
    {
      char *end = strchr (line, '\n');
      if (end != NULL)
        *end = '\0';
      if (g_str_has_prefix (line, "model name"))
        {
          const char *colon = strchr (line, ':');
          if (colon != NULL)
            return g_strstrip (g_strdup (colon + 1));
        }
      line = end != NULL ? end + 1 : NULL;
    }
  return NULL;
}

const char *
rl_cpu_describe (void)
{
  static char *description = NULL;

  if (g_once_init_enter (&description))
    {
      g_autofree char *model = read_model_name ();
      GString *s = g_string_new (model != NULL && *model != '\0' ? model : "unknown CPU");
      const char *sep = " (";

#ifdef RL_CPU_X86
      static const char *const flags[] = {
        "sse4.2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl",
        "avx512vnni", "avx512bf16",
      };
      __builtin_cpu_init ();
      for (size_t i = 0; i < G_N_ELEMENTS (flags); i++)
        {
          /* __builtin_cpu_supports needs a literal, hence the ladder */
          gboolean has = FALSE;
          switch (i)
            {
            case 0: has = __builtin_cpu_supports ("sse4.2"); break;
            case 1: has = __builtin_cpu_supports ("avx"); break;
            case 2: has = __builtin_cpu_supports ("avx2"); break;
            case 3: has = __builtin_cpu_supports ("fma"); break;
            case 4: has = __builtin_cpu_supports ("avx512f"); break;
            case 5: has = __builtin_cpu_supports ("avx512dq"); break;
            case 6: has = __builtin_cpu_supports ("avx512bw"); break;
            case 7: has = __builtin_cpu_supports ("avx512vl"); break;
            case 8: has = __builtin_cpu_supports ("avx512vnni"); break;
            case 9: has = __builtin_cpu_supports ("avx512bf16"); break;
            default: break;
            }
          if (has)
            {
              g_string_append_printf (s, "%s%s", sep, flags[i]);
              sep = " ";
            }
        }
#endif
      g_string_append (s, *sep == ' ' && sep[1] == '\0' ? ")" : " (no SIMD extensions)");
      g_once_init_leave (&description, g_string_free (s, FALSE));
    }
  return description;
}
