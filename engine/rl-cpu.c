#define G_LOG_DOMAIN "reslab-engine"

/* rl-cpu.c: the machine's name, SIMD extensions, the SIMD level the engine uses (the CPU's, or
 * lower with $RESLAB_ISA) and the measured FP32 FMA peak.
 *
 * The peak loop runs independent FMA chains, x = x * m + a, enough of them to cover the FMA
 * latency on every pipe (modern x86 cores: 2 FMA pipes x 4 cycles = 8 chains in flight;
 * we run 16 with AVX-512, 12 with AVX2). m is just below 1, so every chain converges to
 * a / (1 - m) and stays a normal number: no overflow, no denormal slow path.
 * The SIMD loops use function-level target attributes, so this file needs no -m flags and
 * the loops only run after a run-time CPU check.
 */

#include "rl-cpu.h"

#include "rl-team.h"

#include <math.h>
#include <string.h>
#include <time.h>

#if defined (__x86_64__) || defined (__i386__)
#include <immintrin.h>
#define RL_CPU_X86 1
#endif

/* One chunk of FMA chains from @seed; returns the FLOPs it did. */
typedef double (*FmaChunk) (float seed);

/* Iterations per timing check: 16 zmm chains x 8192 = 4 MFLOP, tens of microseconds. */
#define CHUNK 8192

/* Keeps the chains' results alive so the loops are not optimised away. */
static volatile float fma_sink;

#ifdef RL_CPU_X86

/* One chunk: @chains independent chains x = x * m + a on vectors of type @vec (@lanes floats),
 * with the intrinsics of prefix PFX (_mm256_, _mm512_), built for @isa by a target attribute. */
#define FMA_CHUNK(name, isa, vec, PFX, lanes, chains)                      \
  __attribute__ ((target (isa)))                                           \
  static double                                                            \
  name (float seed)                                                        \
  {                                                                        \
    const vec m = PFX##set1_ps (0.999999f);                                \
    const vec a = PFX##set1_ps (1e-6f);                                    \
    vec x[chains];                                                         \
    float lane[lanes];                                                     \
                                                                           \
    _Pragma ("GCC unroll 16")                                              \
    for (int c = 0; c < chains; c++)                                       \
      x[c] = PFX##set1_ps (seed + (float) c);                              \
    for (int it = 0; it < CHUNK; it++)                                     \
      _Pragma ("GCC unroll 16")                                            \
      for (int c = 0; c < chains; c++)                                     \
        x[c] = PFX##fmadd_ps (x[c], m, a);                                 \
    _Pragma ("GCC unroll 16")                                              \
    for (int c = 1; c < chains; c++)                                       \
      x[0] = PFX##add_ps (x[0], x[c]);                                     \
    PFX##storeu_ps (lane, x[0]);                                           \
    fma_sink = lane[0] + lane[lanes - 1];                                  \
    return 2.0 * chains * lanes * CHUNK;                                   \
  }

FMA_CHUNK (fma_chunk_avx512, "avx512f", __m512, _mm512_, 16, 16)
FMA_CHUNK (fma_chunk_avx2, "avx2,fma", __m256, _mm256_, 8, 12)

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

/* The best level the CPU (and the OS, for the registers' state) supports. */
static RlCpuIsa
cpu_isa (void)
{
#ifdef RL_CPU_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vl")
      && __builtin_cpu_supports ("avx512dq") && __builtin_cpu_supports ("avx2")
      && __builtin_cpu_supports ("fma"))
    return RL_CPU_ISA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return RL_CPU_ISA_AVX2;
#endif
  return RL_CPU_ISA_BASELINE;
}

const char *
rl_cpu_isa_name (RlCpuIsa isa)
{
  switch (isa)
    {
    case RL_CPU_ISA_BASELINE: return "baseline";
    case RL_CPU_ISA_AVX2: return "avx2";
    case RL_CPU_ISA_AVX512: return "avx512";
    default: return "unknown";
    }
}

RlCpuIsa
rl_cpu_get_isa (void)
{
  static gsize isa = 0;   /* the level + 1, 0 until read */

  if (g_once_init_enter (&isa))
    {
      RlCpuIsa best = cpu_isa (), chosen = best;
      const char *env = g_getenv ("RESLAB_ISA");

      if (env != NULL && *env != '\0')
        {
          gboolean known = FALSE;

          for (RlCpuIsa i = RL_CPU_ISA_BASELINE; i <= RL_CPU_ISA_AVX512; i++)
            if (g_ascii_strcasecmp (env, rl_cpu_isa_name (i)) == 0)
              {
                known = TRUE;
                if (i <= best)
                  chosen = i;
                else
                  g_message ("RESLAB_ISA=%s: this CPU has only %s; using %s", env,
                             rl_cpu_isa_name (best), rl_cpu_isa_name (best));
              }
          if (!known)
            g_message ("RESLAB_ISA=%s is not a level (baseline, avx2, avx512); using %s", env,
                       rl_cpu_isa_name (best));
        }
      g_once_init_leave (&isa, (gsize) chosen + 1);
    }
  return (RlCpuIsa) (isa - 1);
}

static FmaChunk
fma_for (RlCpuIsa isa)
{
  isa = MIN (isa, rl_cpu_get_isa ());
#ifdef RL_CPU_X86
  if (isa == RL_CPU_ISA_AVX512)
    return fma_chunk_avx512;
  if (isa == RL_CPU_ISA_AVX2)
    return fma_chunk_avx2;
#endif
  return fma_chunk_scalar;
}

typedef struct {
  FmaChunk chunk;
  gint64   t0;              /* 0: warming up */
  double   seconds;
  double  *flops;           /* per thread */
} PeakJob;

static void
peak_slice (gpointer data, int t, int nt)
{
  PeakJob *job = data;
  double flops = 0.0;

  if (job->t0 == 0)
    {
      /* warm up (clocks ramp, threads start), untimed */
      for (int i = 0; i < 16; i++)
        job->chunk (1.0f);
      return;
    }
  do
    flops += job->chunk (1.0f);
  while ((double) (g_get_monotonic_time () - job->t0) < job->seconds * G_USEC_PER_SEC);
  job->flops[t] = flops;
}

double
rl_cpu_measure_peak_gflops (int n_threads, double seconds)
{
  return rl_cpu_measure_peak_gflops_isa (RL_CPU_ISA_AVX512, n_threads, seconds);
}

double
rl_cpu_measure_peak_gflops_isa (RlCpuIsa isa, int n_threads, double seconds)
{
  g_autofree double *flops = NULL;
  PeakJob job = { .chunk = fma_for (isa), .seconds = seconds };
  RlTeam *team;
  double total = 0.0;
  gint64 t1;

  if (n_threads < 1 || !(seconds > 0.0))
    return 0.0;

  job.flops = flops = g_new0 (double, n_threads);
  team = rl_team_new (n_threads);
  rl_team_run (team, n_threads, peak_slice, &job);
  job.t0 = g_get_monotonic_time ();
  rl_team_run (team, n_threads, peak_slice, &job);
  t1 = g_get_monotonic_time ();
  rl_team_free (team);

  for (int t = 0; t < n_threads; t++)
    total += flops[t];
  return total / ((double) (t1 - job.t0) / G_USEC_PER_SEC) * 1e-9;
}

double
rl_cpu_thread_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double
rl_cpu_measure_thread_peak_gflops (RlCpuIsa isa, double seconds)
{
  FmaChunk chunk = fma_for (isa);
  double flops = 0.0, t0, t;

  if (!(seconds > 0.0))
    return 0.0;
  for (int i = 0; i < 16; i++)   /* warm up, untimed */
    chunk (1.0f);
  t0 = rl_cpu_thread_seconds ();
  do
    flops += chunk (1.0f);
  while ((t = rl_cpu_thread_seconds () - t0) < seconds);
  return flops / t * 1e-9;
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
      if (rl_cpu_get_isa () < cpu_isa ())
        {
          g_string_append_printf (s, "%sengine limited to %s by RESLAB_ISA",
                                  *sep == ' ' && sep[1] == '\0' ? "; " : sep,
                                  rl_cpu_isa_name (rl_cpu_get_isa ()));
          sep = " ";
        }
      g_string_append (s, *sep == ' ' && sep[1] == '\0' ? ")" : " (no SIMD extensions)");
      g_once_init_leave (&description, g_string_free (s, FALSE));
    }
  return description;
}
