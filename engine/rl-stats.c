#define G_LOG_DOMAIN "reslab-engine"

/* rl-stats.c: the median and quantiles of repeated measurements (see rl-stats.h).
 */

#include "rl-stats.h"

#include <stdlib.h>

/* For qsort: doubles in ascending order. */
static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
rl_stats_median (double *values,
                 size_t  n)
{
  g_return_val_if_fail (values != NULL && n > 0, 0.0);

  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double
rl_stats_quantile (double *values,
                   size_t  n,
                   double  q)
{
  size_t i;

  if (n == 0)
    return 0;
  g_return_val_if_fail (values != NULL && q >= 0.0 && q <= 1.0, 0.0);

  qsort (values, n, sizeof *values, compare_doubles);
  i = (size_t) (q * (n - 1) + 0.5);
  return values[MIN (i, n - 1)];
}
