/* test-cpu.c: the machine description and the measured FMA peak. */

#include "rl-cpu.h"
#include "rl-gemm.h"
#include "rl-layers.h"

#include <math.h>
#include <string.h>

/* The first "model name" in /proc/cpuinfo, or NULL. Read independently of rl-cpu.c. */
static char *
cpuinfo_model (void)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_str_has_prefix (*l, "model name") && strchr (*l, ':') != NULL)
      return g_strstrip (g_strdup (strchr (*l, ':') + 1));
  return NULL;
}

static void
test_describe (void)
{
  const char *d = rl_cpu_describe ();
  g_autofree char *model = cpuinfo_model ();

  g_assert_nonnull (d);
  /* computed once, the same string every time */
  g_assert_true (rl_cpu_describe () == d);
  if (model != NULL && *model != '\0')
    g_assert_true (g_str_has_prefix (d, model));
  else
    g_assert_true (g_str_has_prefix (d, "unknown CPU"));

#if defined (__x86_64__) || defined (__i386__)
  __builtin_cpu_init ();
  g_assert_true ((strstr (d, " avx2") != NULL || strstr (d, "(avx2") != NULL)
                 == !!__builtin_cpu_supports ("avx2"));
  g_assert_true ((strstr (d, "avx512f") != NULL) == !!__builtin_cpu_supports ("avx512f"));
#endif
  g_assert_true (g_str_has_suffix (d, ")"));
}

static void
test_peak (void)
{
  double one = rl_cpu_measure_peak_gflops (1, 0.05);
  double two = rl_cpu_measure_peak_gflops (2, 0.05);

  g_test_message ("%s: peak %.1f GFLOPS on 1 thread, %.1f on 2", rl_cpu_describe (), one, two);
  /* any CPU of this century does more than half a GFLOP per second on one core, and nothing
   * does a petaflop per core; under qemu-user (./dev.sh cross-test) a busy machine emulates
   * aarch64 at a few tenths of one, so the floor is 0.05: it still catches a broken measurement */
  g_assert_true (isfinite (one));
  g_assert_cmpfloat (one, >, 0.05);
  g_assert_cmpfloat (one, <, 1e6);
  g_assert_true (isfinite (two));
  g_assert_cmpfloat (two, >, 0.05);

  /* bad arguments: no measurement */
  g_assert_cmpfloat (rl_cpu_measure_peak_gflops (0, 1.0), ==, 0.0);
  g_assert_cmpfloat (rl_cpu_measure_peak_gflops (1, 0.0), ==, 0.0);
  g_assert_cmpfloat (rl_cpu_measure_peak_gflops (1, NAN), ==, 0.0);
}

/* The level the CPU has, read independently of rl-cpu.c. */
static RlCpuIsa
cpu_level (void)
{
#if defined (__x86_64__) || defined (__i386__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vl")
      && __builtin_cpu_supports ("avx512dq") && __builtin_cpu_supports ("fma"))
    return RL_CPU_ISA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return RL_CPU_ISA_AVX2;
#endif
  return RL_CPU_ISA_BASELINE;
}

/* $RESLAB_ISA lowers the level for the whole engine: read once, before anything else. Runs in
 * a subprocess per value, each with a fresh environment. */
static void
test_isa_limit (void)
{
  static const char *const values[] = { "baseline", "avx2", "AVX512", "sse9", "" };

  if (g_test_subprocess ())
    {
      const char *env = g_getenv ("RESLAB_ISA");
      RlCpuIsa want = cpu_level ();
      float x[40], y[40];

      for (RlCpuIsa i = RL_CPU_ISA_BASELINE; i <= RL_CPU_ISA_AVX512; i++)
        if (env != NULL && g_ascii_strcasecmp (env, rl_cpu_isa_name (i)) == 0 && i < want)
          want = i;
      g_assert_cmpint (rl_cpu_get_isa (), ==, want);
      g_assert_cmpint (rl_cpu_get_isa (), ==, want);   /* read once: the same again */
      /* the GEMM kernel follows it */
      g_assert_true (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX512)
                     == (want >= RL_CPU_ISA_AVX512 && rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX2)));
      if (want < RL_CPU_ISA_AVX2)
        g_assert_cmpint (rl_gemm_get_kernel (), ==, RL_GEMM_KERNEL_PORTABLE);
      else if (want == RL_CPU_ISA_AVX2)
        g_assert_false (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX512));
      g_assert_true ((strstr (rl_cpu_describe (), "limited to") != NULL) == (want < cpu_level ()));
      /* an elementwise clone (rl-clones.h) runs at that level: exact, so the same bits */
      for (int i = 0; i < 40; i++)
        x[i] = (float) (i % 7) - 3.0f;
      rl_relu_forward (x, y, 40);
      for (int i = 0; i < 40; i++)
        g_assert_cmpfloat (y[i], ==, x[i] > 0 ? x[i] : 0.0f);
      g_assert_cmpfloat (rl_cpu_measure_peak_gflops (1, 0.01), >, 0.0);
      return;
    }

  g_autofree char *saved_isa = g_strdup (g_getenv ("RESLAB_ISA"));
  g_autofree char *saved_kernel = g_strdup (g_getenv ("RESLAB_KERNEL"));

  /* the subprocesses inherit the environment (GLib 2.74 has no _with_envp) */
  g_unsetenv ("RESLAB_KERNEL");
  for (guint v = 0; v < G_N_ELEMENTS (values); v++)
    {
      g_setenv ("RESLAB_ISA", values[v], TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      /* a value that is not a level says so */
      if (strcmp (values[v], "sse9") == 0)
        g_test_trap_assert_stderr ("*RESLAB_ISA=sse9 is not a level*");
    }
  if (saved_isa != NULL)
    g_setenv ("RESLAB_ISA", saved_isa, TRUE);
  else
    g_unsetenv ("RESLAB_ISA");
  if (saved_kernel != NULL)
    g_setenv ("RESLAB_KERNEL", saved_kernel, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/cpu/isa-limit", test_isa_limit);

  g_test_add_func ("/engine/cpu/describe", test_describe);
  g_test_add_func ("/engine/cpu/peak", test_peak);

  return g_test_run ();
}
