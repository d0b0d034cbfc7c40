/* test-cpu.c: the machine description and the measured FMA peak. */

#include "rl-cpu.h"

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/cpu/describe", test_describe);
  g_test_add_func ("/engine/cpu/peak", test_peak);

  return g_test_run ();
}
