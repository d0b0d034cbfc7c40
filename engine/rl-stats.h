/* rl-stats.h: the median and quantiles of repeated measurements, as the benches report them
 * (reslab-cli bench, tools/bench-step, tools/bench-stalls): one definition, so that every
 * figure they print is the same statistic.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The median of the @n values (@n at least 1): the middle one, or the mean of the middle two
 * for an even @n. Sorts @values in place. */
double rl_stats_median   (double *values,
                          size_t  n);

/* The @q quantile (0..1) of the @n values by nearest rank: the value at index
 * round (@q x (@n - 1)) once sorted; 0 when @n is 0. Sorts @values in place. */
double rl_stats_quantile (double *values,
                          size_t  n,
                          double  q);

G_END_DECLS
