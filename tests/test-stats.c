/* The median and quantiles the benches report (rl-stats.c): reslab-cli bench, tools/bench-step
 * and tools/bench-stalls print these figures, so each must be the statistic it names. */
#include <glib.h>

#include "rl-stats.h"

static void
test_median (void)
{
  double odd[] = { 5, 1, 4, 2, 3 };
  double even[] = { 4, 1, 3, 2 };
  double one[] = { 7.5 };
  double same[] = { 2, 2, 2 };

  g_assert_cmpfloat (rl_stats_median (odd, G_N_ELEMENTS (odd)), ==, 3);
  /* sorted in place */
  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    g_assert_cmpfloat (odd[i], ==, i + 1);
  /* an even count: the mean of the middle two */
  g_assert_cmpfloat (rl_stats_median (even, G_N_ELEMENTS (even)), ==, 2.5);
  g_assert_cmpfloat (rl_stats_median (one, 1), ==, 7.5);
  g_assert_cmpfloat (rl_stats_median (same, G_N_ELEMENTS (same)), ==, 2);
}

static void
test_quantile (void)
{
  double v[101];

  /* 100, 99, ..., 0: the nearest rank of q is round (q x 100) */
  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    v[i] = 100 - (double) i;
  g_assert_cmpfloat (rl_stats_quantile (v, G_N_ELEMENTS (v), 0.0), ==, 0);
  g_assert_cmpfloat (rl_stats_quantile (v, G_N_ELEMENTS (v), 0.5), ==, 50);
  g_assert_cmpfloat (rl_stats_quantile (v, G_N_ELEMENTS (v), 0.99), ==, 99);
  g_assert_cmpfloat (rl_stats_quantile (v, G_N_ELEMENTS (v), 1.0), ==, 100);
  /* between ranks, the nearer: 0.994 x 100 = 99.4 is 99, 0.996 x 100 is 100 */
  g_assert_cmpfloat (rl_stats_quantile (v, G_N_ELEMENTS (v), 0.994), ==, 99);
  g_assert_cmpfloat (rl_stats_quantile (v, G_N_ELEMENTS (v), 0.996), ==, 100);
  /* four values: the median by nearest rank is the upper middle one, not their mean */
  {
    double w[] = { 4, 3, 2, 1 };

    g_assert_cmpfloat (rl_stats_quantile (w, G_N_ELEMENTS (w), 0.5), ==, 3);
  }
  /* nothing measured: 0 */
  g_assert_cmpfloat (rl_stats_quantile (NULL, 0, 0.5), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/stats/median", test_median);
  g_test_add_func ("/engine/stats/quantile", test_quantile);
  return g_test_run ();
}
