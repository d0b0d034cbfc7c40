#define G_LOG_DOMAIN "reslab-control"

/* rl-demo-digits.c: hand-made strokes of the ten digits (see rl-demo-digits.h).
 */

#include "rl-demo-digits.h"

#include <math.h>

/* Curves are sampled here once; straight strokes are written out. */
#define ARC_POINTS 32

static const double one[] = { 0.53, 0.20, 0.515, 0.40, 0.50, 0.60, 0.485, 0.80 };
static const double two[] = {
  0.35, 0.32, 0.38, 0.25, 0.45, 0.21, 0.53, 0.20, 0.60, 0.23, 0.64, 0.30, 0.63, 0.38,
  0.58, 0.46, 0.50, 0.55, 0.42, 0.64, 0.35, 0.73, 0.33, 0.78, 0.45, 0.78, 0.57, 0.78,
  0.68, 0.78,
};
static const double three[] = {
  0.36, 0.26, 0.43, 0.21, 0.52, 0.20, 0.60, 0.23, 0.63, 0.30, 0.61, 0.38, 0.54, 0.45,
  0.47, 0.48, 0.55, 0.50, 0.63, 0.56, 0.66, 0.64, 0.63, 0.72, 0.55, 0.78, 0.46, 0.80,
  0.37, 0.77, 0.33, 0.72,
};
static const double four_a[] = { 0.44, 0.20, 0.38, 0.40, 0.33, 0.58, 0.50, 0.58, 0.69, 0.58 };
static const double four_b[] = { 0.61, 0.22, 0.61, 0.40, 0.60, 0.60, 0.60, 0.80 };
static const double five[] = {
  0.65, 0.21, 0.50, 0.21, 0.39, 0.21, 0.37, 0.35, 0.36, 0.47, 0.44, 0.44, 0.53, 0.44,
  0.61, 0.48, 0.66, 0.56, 0.66, 0.66, 0.61, 0.74, 0.53, 0.79, 0.44, 0.79, 0.36, 0.75,
};
static const double six[] = {
  0.60, 0.20, 0.52, 0.26, 0.45, 0.34, 0.40, 0.44, 0.37, 0.55, 0.37, 0.66, 0.41, 0.75,
  0.49, 0.80, 0.58, 0.78, 0.64, 0.71, 0.65, 0.62, 0.60, 0.55, 0.52, 0.52, 0.44, 0.54,
  0.38, 0.60,
};
static const double seven[] = { 0.33, 0.22, 0.50, 0.22, 0.67, 0.22, 0.60, 0.36, 0.53, 0.51, 0.47, 0.66, 0.43, 0.80 };

static double zero[2 * (ARC_POINTS + 1)];
static double eight[2 * (2 * ARC_POINTS + 1)];
static double nine_loop[2 * (ARC_POINTS + 1)];
static const double nine_tail[] = { 0.63, 0.33, 0.625, 0.50, 0.615, 0.65, 0.60, 0.80 };

static void
init_curves (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;

  /* 0: an upright ellipse, drawn counter-clockwise from the top, a little slanted */
  for (int i = 0; i <= ARC_POINTS; i++)
    {
      double t = 2 * G_PI * i / ARC_POINTS;

      zero[2 * i] = 0.5 - 0.17 * sin (t) + 0.03 * (0.5 - (0.5 - 0.29 * cos (t)));
      zero[2 * i + 1] = 0.5 - 0.29 * cos (t);
    }
  /* 8: a vertical figure eight, x = sin 2t, y = cos t, from the bottom */
  for (int i = 0; i <= 2 * ARC_POINTS; i++)
    {
      double t = 2 * G_PI * i / (2 * ARC_POINTS);

      eight[2 * i] = 0.5 + 0.15 * sin (2 * t) * (cos (t) > 0 ? 1.1 : 0.9);
      eight[2 * i + 1] = 0.5 + 0.29 * cos (t);
    }
  /* 9: a loop at the top, counter-clockwise from its right side, then the tail */
  for (int i = 0; i <= ARC_POINTS; i++)
    {
      double t = 2 * G_PI * i / ARC_POINTS;

      nine_loop[2 * i] = 0.5 + 0.13 * cos (t);
      nine_loop[2 * i + 1] = 0.34 - 0.13 * sin (t);
    }

  g_once_init_leave (&done, 1);
}

#define STROKE(a) (RlDemoStroke) { (a), G_N_ELEMENTS (a) / 2 }

guint
rl_demo_digit_get_strokes (guint        digit,
                           RlDemoStroke strokes[4])
{
  init_curves ();

  switch (digit)
    {
    case 0: strokes[0] = STROKE (zero); return 1;
    case 1: strokes[0] = STROKE (one); return 1;
    case 2: strokes[0] = STROKE (two); return 1;
    case 3: strokes[0] = STROKE (three); return 1;
    case 4: strokes[0] = STROKE (four_a); strokes[1] = STROKE (four_b); return 2;
    case 5: strokes[0] = STROKE (five); return 1;
    case 6: strokes[0] = STROKE (six); return 1;
    case 7: strokes[0] = STROKE (seven); return 1;
    case 8: strokes[0] = STROKE (eight); return 1;
    case 9: strokes[0] = STROKE (nine_loop); strokes[1] = STROKE (nine_tail); return 2;
    default:
      g_return_val_if_reached (0);
    }
}

GPtrArray *
rl_demo_digit_transformed (guint  digit,
                           double scale,
                           double dx,
                           double dy)
{
  RlDemoStroke strokes[4];
  guint n = rl_demo_digit_get_strokes (digit, strokes);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint s = 0; s < n; s++)
    {
      GArray *xy = g_array_sized_new (FALSE, FALSE, sizeof (double), 2 * strokes[s].n_points);

      for (guint i = 0; i < strokes[s].n_points; i++)
        {
          double x = 0.5 + scale * (strokes[s].xy[2 * i] - 0.5) + dx;
          double y = 0.5 + scale * (strokes[s].xy[2 * i + 1] - 0.5) + dy;

          g_array_append_val (xy, x);
          g_array_append_val (xy, y);
        }
      g_ptr_array_add (result, xy);
    }
  return result;
}
