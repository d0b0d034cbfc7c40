#define G_LOG_DOMAIN "reslab-ui"

/* rl-chart-numbers.c: the numbers a chart shows (rl-chart.h): "nice" tick steps for a range
 * (rl_chart_nice_ticks), a tick label in an axis' format, its decimals from the step
 * (rl_chart_format_value), and a hover read-out's value (_rl_chart_format_readout). Plain
 * arithmetic and strings, no widget: rl-chart-draw.c lays the ticks out and draws them.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-chart-private.h"

#include <math.h>

static int
count_ticks (double lo, double hi, double step, double *first)
{
  /* A relative tolerance so that lo = 0.3 with step 0.1 counts 0.3 as a tick, not 0.4. */
  double i0 = ceil (lo / step - 1e-9);
  double i1 = floor (hi / step + 1e-9);

  *first = i0 * step + 0.0;   /* + 0.0 turns -0 into 0 */
  return (int) MAX (i1 - i0 + 1.0, 0.0);
}

int
rl_chart_nice_ticks (double lo, double hi, int max_ticks, double *step, double *first)
{
  static const double mantissas[] = { 1.0, 2.0, 5.0 };
  double raw, mag;

  g_return_val_if_fail (step != NULL && first != NULL, 0);

  *step = 0.0;
  *first = 0.0;
  if (!isfinite (lo) || !isfinite (hi) || hi < lo)
    return 0;
  if (max_ticks < 2)
    max_ticks = 2;

  if (hi == lo)
    {
      /* One tick, and a step of the value's order of magnitude for the label's decimals. */
      *step = lo != 0.0 ? pow (10.0, floor (log10 (fabs (lo)))) : 1.0;
      *first = lo;
      return 1;
    }

  /* Any step >= (hi - lo) / (max_ticks - 1) fits, wherever the multiples fall; a step down to
   * (hi - lo) / max_ticks may fit too, depending on where the range starts. Try the nice
   * steps from a decade below that bound upwards and take the first that fits. */
  raw = (hi - lo) / (max_ticks - 1);
  mag = pow (10.0, floor (log10 (raw)) - 1.0);
  for (int decade = 0; decade < 4; decade++, mag *= 10.0)
    for (guint k = 0; k < G_N_ELEMENTS (mantissas); k++)
      {
        double s = mantissas[k] * mag;
        int n = count_ticks (lo, hi, s, first);

        if (n <= max_ticks)
          {
            *step = s;
            return n;
          }
      }

  g_assert_not_reached ();
  return 0;
}

int
rl_chart_axis_ticks (RlChartFormat format, double lo, double hi, int max_ticks, double *step,
                     double *first)
{
  int n = rl_chart_nice_ticks (lo, hi, max_ticks, step, first);

  /* a count has no fractions: an empty chart's 0 to 1 "images seen" read 0.0, 0.2 ... 1.0 */
  if (format == RL_CHART_FORMAT_COUNT && n > 1 && *step < 1.0)
    {
      *step = 1.0;
      *first = ceil (lo);
      n = (int) (floor (hi) - *first) + 1;
    }
  return n;
}

static int
decimals_for_step (double step)
{
  double d;

  if (!(step > 0.0) || !isfinite (step))
    return 0;
  d = ceil (-log10 (step) - 1e-9);
  return (int) CLAMP (d, 0.0, 9.0);
}

/* "1.50" -> "1.5", "2.0" -> "2"; only for strings with a decimal point. */
static void
strip_zeros (char *s)
{
  char *dot = strchr (s, '.');
  char *end;

  if (dot == NULL)
    return;
  end = s + strlen (s) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
}

char *
rl_chart_format_value (RlChartFormat format, double value, double step)
{
  char *s;

  /* 0.1 + 0.2 - 0.3 is not 0: snap what is zero at this step to zero, and never print "-0". */
  if (step > 0.0 && fabs (value) < step * 1e-6)
    value = 0.0;
  if (value == 0.0)
    value = 0.0;

  switch (format)
    {
    case RL_CHART_FORMAT_PERCENT:
      return g_strdup_printf (_("%.*f%%"), decimals_for_step (step * 100.0), value * 100.0);

    case RL_CHART_FORMAT_COUNT:
      {
        double a = fabs (value), unit = 1.0;
        const char *suffix = "";

        if (a >= 1e6)
          unit = 1e6, suffix = "M";
        else if (a >= 1e3)
          unit = 1e3, suffix = "k";
        s = g_strdup_printf ("%.*f", decimals_for_step (step / unit), value / unit);
        if (unit > 1.0)
          strip_zeros (s);
        if (*suffix != '\0')
          {
            char *t = g_strconcat (s, suffix, NULL);
            g_free (s);
            s = t;
          }
        return s;
      }

    case RL_CHART_FORMAT_PLAIN:
    default:
      return g_strdup_printf ("%.*f", decimals_for_step (step), value);
    }
}

/* A read-out shows about four significant digits, whatever the tick step. */
char *
_rl_chart_format_readout (RlChartFormat format, double value)
{
  double a = fabs (value);
  double step;

  if (format == RL_CHART_FORMAT_PERCENT)
    return rl_chart_format_value (format, value, 1e-4);
  if (format == RL_CHART_FORMAT_COUNT && a >= 1.0)
    return rl_chart_format_value (format, value, MAX (1.0, pow (10.0, floor (log10 (a)) - 2)));
  step = a > 0.0 ? pow (10.0, floor (log10 (a)) - 3) : 1.0;
  return rl_chart_format_value (format, value, step);
}
