/* test-image-level.c: the levelling of photographs (rl_image_level_ink,
 * ui/paint/rl-image-level.c); reading the picture files, and which way round their ink is, are
 * in test-image-file.c.
 *
 * The levelling is checked on real MNIST test images (tests/data/mnist-mini) put on grey
 * paper, under uneven light and under noise: the digit cut out of each must be close to the
 * one cut out of the clean picture; across a hard shadow's edge, the picture must also hold one
 * digit; a stroke in a shadow must come out as strong as one in the light; an MNIST image read
 * at its own size must come through nearly as it was; and bare paper must hold no ink.
 */

#include <math.h>

#include "rl-dataset.h"
#include "rl-image-file.h"
#include "rl-preprocess.h"
#include "rl-segment.h"

/* Bounds on the mean absolute difference, per pixel of the 28 x 28 digit, from the digit of
 * the clean picture (measured: clean 0.0007; grey paper 0.0007, shadow 0.056, noise 0.084
 * levelled against 0.175, 0.195 and 0.143 not levelled; shadow 0.076 before the ink was
 * scaled by the light), and on the largest change levelling
 * makes to an MNIST image read at its own size (measured 0.012: a stroke whose ink peaks
 * under 1 is scaled to 1). */
#define LEVEL_CLEAN_MAX 0.005
#define LEVEL_PHOTO_MAX 0.1
#define LEVEL_GAIN_MIN  0.05
#define LEVEL_MNIST_MAX 0.05
#define PHOTO_SCALE  10
#define PHOTO_MARGIN 40
#define PHOTO_SIDE   (28 * PHOTO_SCALE + 2 * PHOTO_MARGIN)   /* 360: blurred with radius 3 */
#define PHOTO_N      20

typedef enum { PHOTO_CLEAN, PHOTO_GREY, PHOTO_SHADOW, PHOTO_NOISE, N_PHOTOS } Photo;
static const char *photo_names[N_PHOTOS] = { "clean", "grey paper", "shadow", "noise" };

static RlDataset *
mnist_fixture (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  g_autoptr(GError) error = NULL;
  RlDataset *ds = rl_dataset_load (dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n, >=, PHOTO_N);
  return ds;
}

/* Normal deviates (Box-Muller) from a seeded GRand. */
static double
gauss (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0), v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* MNIST image @pix as a picture of dark ink on paper, as luminance (1 white), PHOTO_SIDE a
 * side: on white paper, on grey paper (0.75, the ink 0.15), lit from one side (light falling
 * from 1 to 0.45 left to right and by 0.2 top to bottom, ink 85 % dark, noise 0.08) or on
 * white paper under heavy noise (0.25). */
static float *
photograph (const guint8 *pix, Photo photo, GRand *rand)
{
  float *lum = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int y = 0; y < PHOTO_SIDE; y++)
    for (int x = 0; x < PHOTO_SIDE; x++)
      {
        int sx = (x - PHOTO_MARGIN) / PHOTO_SCALE, sy = (y - PHOTO_MARGIN) / PHOTO_SCALE;
        gboolean inside = x >= PHOTO_MARGIN && y >= PHOTO_MARGIN && sx < 28 && sy < 28;
        float ink = inside ? pix[sy * 28 + sx] / 255.0f : 0.0f;
        float light = 1.0f - 0.55f * x / PHOTO_SIDE - 0.2f * y / PHOTO_SIDE;
        float v = 1.0f - ink;

        if (photo == PHOTO_GREY)
          v = 0.75f - 0.6f * ink;
        else if (photo == PHOTO_SHADOW)
          v = light * (1.0f - 0.85f * ink) + 0.08f * (float) gauss (rand);
        else if (photo == PHOTO_NOISE)
          v += 0.25f * (float) gauss (rand);
        lum[y * PHOTO_SIDE + x] = CLAMP (v, 0.0f, 1.0f);
      }
  return lum;
}

/* The 28 x 28 digit cut out of a picture, levelled or not; FALSE when none was found. */
static gboolean
cut_digit (float *lum, gboolean level, float *digit)
{
  gboolean inverted = rl_image_luminance_to_ink (lum, PHOTO_SIDE, PHOTO_SIDE);

  if (level && !rl_image_level_ink (lum, PHOTO_SIDE, PHOTO_SIDE, inverted))
    return FALSE;
  return rl_preprocess_digit (lum, PHOTO_SIDE, PHOTO_SIDE, PHOTO_SIDE,
                              RL_IMAGE_DIGIT_THRESHOLD, digit);
}

static double
mean_abs_diff (const float *a, const float *b)
{
  double sum = 0.0;

  for (int i = 0; i < 28 * 28; i++)
    sum += fabs (a[i] - b[i]);
  return sum / (28 * 28);
}

static void
test_level_photos (void)
{
  g_autoptr(RlDataset) ds = mnist_fixture ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double levelled[N_PHOTOS] = { 0 }, raw[N_PHOTOS] = { 0 };

  for (int i = 0; i < PHOTO_N; i++)
    {
      const guint8 *pix = ds->images + (gsize) i * 784;
      float clean[28 * 28], digit[28 * 28];
      g_autofree float *lum = photograph (pix, PHOTO_CLEAN, rand);

      /* The clean picture, unlevelled, is the reference: what the reader gave before. */
      g_assert_true (cut_digit (lum, FALSE, clean));
      for (Photo p = PHOTO_CLEAN; p < N_PHOTOS; p++)
        {
          g_autofree float *a = photograph (pix, p, rand);
          g_autofree float *b = g_memdup2 (a, PHOTO_SIDE * PHOTO_SIDE * sizeof (float));

          g_assert_true (cut_digit (a, TRUE, digit));
          levelled[p] += mean_abs_diff (digit, clean) / PHOTO_N;
          raw[p] += (cut_digit (b, FALSE, digit) ? mean_abs_diff (digit, clean) : 1.0)
                    / PHOTO_N;
        }
    }
  for (Photo p = PHOTO_CLEAN; p < N_PHOTOS; p++)
    g_test_message ("%-10s mean |digit - clean digit|: levelled %.4f, not levelled %.4f",
                    photo_names[p], levelled[p], raw[p]);
  g_assert_cmpfloat (raw[PHOTO_CLEAN], ==, 0.0);
  g_assert_cmpfloat (levelled[PHOTO_CLEAN], <, LEVEL_CLEAN_MAX);
  for (Photo p = PHOTO_GREY; p < N_PHOTOS; p++)
    {
      g_assert_cmpfloat (levelled[p], <, LEVEL_PHOTO_MAX);
      /* Without the levelling the same pictures come out further off: it is what helps. */
      g_assert_cmpfloat (raw[p], >, levelled[p] + LEVEL_GAIN_MIN);
    }
}

/* A hard shadow's edge across the picture, as tools/photo_digits.py's `edge` draws it: white
 * paper, light 0.55 right of a vertical line at @edge of the width, ink 85 % dark, noise 0.03.
 * At 30 % the shadow holds most of the border, at 60 % the lit paper does. Either way each
 * picture is dark ink, and levelled holds one digit (measured before the shadow's edge was
 * levelled: 3 of 20 at 30 % and 1 of 20 at 60 % held two, the shadowed side along the line
 * standing as a stroke of its own; and before the polarity took both sides for paper, every
 * picture at 30 % was light ink). The digit is as close to the clean picture's as under
 * smooth light (measured 0.039 at 30 %, 0.048 at 60 %), since the ink in the shadow is scaled
 * by its light; before that it kept its lower contrast (0.122 and 0.075; 0.15 both before the
 * edge was levelled). */
#define LEVEL_EDGE_MAX 0.07

static float *
photograph_edge (const guint8 *pix, double edge, GRand *rand)
{
  float *lum = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int y = 0; y < PHOTO_SIDE; y++)
    for (int x = 0; x < PHOTO_SIDE; x++)
      {
        int sx = (x - PHOTO_MARGIN) / PHOTO_SCALE, sy = (y - PHOTO_MARGIN) / PHOTO_SCALE;
        gboolean inside = x >= PHOTO_MARGIN && y >= PHOTO_MARGIN && sx < 28 && sy < 28;
        float ink = inside ? pix[sy * 28 + sx] / 255.0f : 0.0f;
        float light = x < edge * PHOTO_SIDE ? 1.0f : 0.55f;
        float v = light * (1.0f - 0.85f * ink) + 0.03f * (float) gauss (rand);

        lum[y * PHOTO_SIDE + x] = CLAMP (v, 0.0f, 1.0f);
      }
  return lum;
}

static void
test_level_edge (void)
{
  static const double edges[] = { 0.3, 0.6 };
  g_autoptr(RlDataset) ds = mnist_fixture ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint e = 0; e < G_N_ELEMENTS (edges); e++)
    {
      double off = 0.0;

      for (int i = 0; i < PHOTO_N; i++)
        {
          const guint8 *pix = ds->images + (gsize) i * 784;
          float clean[28 * 28], digit[28 * 28];
          g_autofree float *lum = photograph (pix, PHOTO_CLEAN, rand);
          g_autofree float *a = photograph_edge (pix, edges[e], rand);
          g_autoptr(RlSegmentation) seg = NULL;

          g_assert_true (cut_digit (lum, FALSE, clean));
          g_assert_true (rl_image_luminance_to_ink (a, PHOTO_SIDE, PHOTO_SIDE));
          g_assert_true (rl_image_level_ink (a, PHOTO_SIDE, PHOTO_SIDE, TRUE));
          seg = rl_segment_digits (a, PHOTO_SIDE, PHOTO_SIDE, PHOTO_SIDE, NULL);
          g_assert_cmpuint (seg->n, ==, 1);
          g_assert_true (rl_preprocess_digit (a, PHOTO_SIDE, PHOTO_SIDE, PHOTO_SIDE,
                                              RL_IMAGE_DIGIT_THRESHOLD, digit));
          off += mean_abs_diff (digit, clean) / PHOTO_N;
        }
      g_test_message ("edge at %.0f %%: mean |digit - clean digit| %.4f", 100 * edges[e], off);
      g_assert_cmpfloat (off, <, LEVEL_EDGE_MAX);
    }
}

/* Two strokes, one in the light and one in the shadow, must come out of the levelling about as
 * strong: the ink above the paper is scaled by the light on it, as a flat field divides by it.
 * Three pictures, PHOTO_SIDE a side with noise 0.03: dark strokes (ink 85 % dark) on white
 * paper across a hard shadow's edge (light 0.55 right of the middle: the blocks' level) and
 * under light falling from 1 to 0.45 left to right (the surface); and chalk (0.85) on a board
 * (0.25) lit from 1 to 0.6, light on dark, where the light is the board's own level. Measured
 * before the scaling: the shadowed stroke's mean ink 0.56, 0.66 and 0.76 of the lit one's;
 * after, 1.00 in all three. */
#define LEVEL_SHADOW_RATIO_MIN 0.9
#define STROKE_Y0 90
#define STROKE_Y1 270
#define STROKE_W  24

typedef enum { LIGHT_EDGE, LIGHT_SLOPE, LIGHT_CHALK } Light;

static const int stroke_x0[2] = { 70, 266 };   /* lit, shadowed */

static float *
photograph_strokes (Light light_kind, GRand *rand)
{
  float *lum = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int y = 0; y < PHOTO_SIDE; y++)
    for (int x = 0; x < PHOTO_SIDE; x++)
      {
        gboolean stroke = FALSE;
        float light, v;

        for (int s = 0; s < 2; s++)
          stroke |= x >= stroke_x0[s] && x < stroke_x0[s] + STROKE_W
                    && y >= STROKE_Y0 && y < STROKE_Y1;
        if (light_kind == LIGHT_EDGE)
          light = x < PHOTO_SIDE / 2 ? 1.0f : 0.55f;
        else if (light_kind == LIGHT_SLOPE)
          light = 1.0f - 0.55f * x / PHOTO_SIDE;
        else
          light = 1.0f - 0.4f * x / PHOTO_SIDE;
        v = light_kind == LIGHT_CHALK ? light * (stroke ? 0.85f : 0.25f)
                                      : light * (stroke ? 0.15f : 1.0f);
        v += 0.03f * (float) gauss (rand);
        lum[y * PHOTO_SIDE + x] = CLAMP (v, 0.0f, 1.0f);
      }
  return lum;
}

/* The mean levelled ink of stroke @s, 4 px in from its sides (the smooth copy's blur). */
static double
stroke_mean (const float *ink, int s)
{
  double sum = 0.0;
  int count = 0;

  for (int y = STROKE_Y0 + 4; y < STROKE_Y1 - 4; y++)
    for (int x = stroke_x0[s] + 4; x < stroke_x0[s] + STROKE_W - 4; x++)
      {
        sum += ink[y * PHOTO_SIDE + x];
        count++;
      }
  return sum / count;
}

static void
test_level_shadow_contrast (void)
{
  static const char *names[] = { "hard shadow", "falling light", "chalk" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  for (Light l = LIGHT_EDGE; l <= LIGHT_CHALK; l++)
    {
      g_autofree float *ink = photograph_strokes (l, rand);
      gboolean inverted = rl_image_luminance_to_ink (ink, PHOTO_SIDE, PHOTO_SIDE);
      double lit, shadowed;

      g_assert_true (inverted == (l != LIGHT_CHALK));
      g_assert_true (rl_image_level_ink (ink, PHOTO_SIDE, PHOTO_SIDE, inverted));
      lit = stroke_mean (ink, 0);
      shadowed = stroke_mean (ink, 1);
      g_test_message ("%-13s stroke's mean ink: lit %.3f, in the shadow %.3f (%.2f of it)",
                      names[l], lit, shadowed, shadowed / lit);
      g_assert_cmpfloat (lit, >, 0.8);
      g_assert_cmpfloat (shadowed / lit, >, LEVEL_SHADOW_RATIO_MIN);
    }
}

/* An MNIST image read at its own size (no blur) comes through nearly as it was. */
static void
test_level_mnist (void)
{
  g_autoptr(RlDataset) ds = mnist_fixture ();
  double worst = 0.0;

  for (guint32 i = 0; i < ds->n; i++)
    {
      float ink[28 * 28];

      for (int k = 0; k < 28 * 28; k++)
        ink[k] = ds->images[(gsize) i * 784 + k] / 255.0f;
      g_assert_true (rl_image_level_ink (ink, 28, 28, FALSE));
      for (int k = 0; k < 28 * 28; k++)
        worst = MAX (worst, fabs (ink[k] - ds->images[(gsize) i * 784 + k] / 255.0f));
    }
  g_test_message ("largest change of a pixel over %u images: %.4f", ds->n, worst);
  g_assert_cmpfloat (worst, <, LEVEL_MNIST_MAX);
}

/* Nothing but paper, even or noisy, holds no ink. */
static void
test_level_blank (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree float *even = g_new (float, PHOTO_SIDE * PHOTO_SIDE);
  g_autofree float *noisy = g_new (float, PHOTO_SIDE * PHOTO_SIDE);

  for (int k = 0; k < PHOTO_SIDE * PHOTO_SIDE; k++)
    {
      even[k] = 0.4f;
      noisy[k] = CLAMP (0.3f + 0.1f * (float) gauss (rand), 0.0f, 1.0f);
    }
  g_assert_false (rl_image_level_ink (even, PHOTO_SIDE, PHOTO_SIDE, FALSE));
  g_assert_false (rl_image_level_ink (noisy, PHOTO_SIDE, PHOTO_SIDE, TRUE));
  for (int k = 0; k < PHOTO_SIDE * PHOTO_SIDE; k++)
    g_assert_cmpfloat (even[k] + noisy[k], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/image-file/level-photos", test_level_photos);
  g_test_add_func ("/app/image-file/level-edge", test_level_edge);
  g_test_add_func ("/app/image-file/level-shadow-contrast", test_level_shadow_contrast);
  g_test_add_func ("/app/image-file/level-mnist", test_level_mnist);
  g_test_add_func ("/app/image-file/level-blank", test_level_blank);

  return g_test_run ();
}
