/* test-segment.c: finding the digits of a handwritten number (rl-segment.c).
 *
 * Shapes drawn as bars on a canvas of ink: a digit written in two strokes (a 4, a 5 with its
 * flag) must come out as one digit, separate digits as separate ones, specks must be dropped,
 * the order must be left to right whatever order the strokes were drawn in, and a digit's
 * extraction must see its own pixels only.
 */

#include <string.h>

#include "rl-preprocess.h"
#include "rl-segment.h"

#define W 120
#define H 40

static float canvas[H * W];

static void
clear (void)
{
  memset (canvas, 0, sizeof canvas);
}

/* Filled rectangle [x, x + w) x [y, y + h) of ink @v. */
static void
bar (int x, int y, int w, int h, float v)
{
  for (int j = y; j < y + h; j++)
    for (int i = x; i < x + w; i++)
      canvas[j * W + i] = v;
}

static RlSegmentation *
segment (void)
{
  RlSegmentation *seg = rl_segment_digits (canvas, W, H, W, NULL);

  g_assert_nonnull (seg);
  g_assert_cmpint (seg->width, ==, W);
  g_assert_cmpint (seg->height, ==, H);
  return seg;
}

static void
test_empty (void)
{
  g_autoptr(RlSegmentation) seg = NULL;

  clear ();
  seg = segment ();
  g_assert_cmpuint (seg->n, ==, 0);
  for (int i = 0; i < W * H; i++)
    g_assert_cmpint (seg->owner[i], ==, -1);
}

/* A 4 written in two strokes: an open "L" (down, then across) and a separate downstroke
 * crossing the bar's right part without touching it. */
static void
test_four_two_strokes (void)
{
  g_autoptr(RlSegmentation) seg = NULL;

  clear ();
  bar (10, 5, 3, 14, 1.0f);    /* the L's downstroke */
  bar (10, 18, 16, 3, 1.0f);   /* the L's bar, x 10..25 */
  bar (20, 5, 3, 12, 1.0f);    /* the second stroke above the bar, a 1 px gap: x 20..22 */
  bar (20, 22, 3, 12, 1.0f);   /* and below it */
  seg = segment ();
  g_assert_cmpuint (seg->n, ==, 1);
  g_assert_cmpuint (seg->boxes[0].n_parts, ==, 3);
  g_assert_cmpint (seg->boxes[0].x, ==, 10);
  g_assert_cmpint (seg->boxes[0].width, ==, 16);
  g_assert_cmpint (seg->boxes[0].y, ==, 5);
  g_assert_cmpint (seg->boxes[0].height, ==, 29);
}

/* A 5 whose flag was lifted: the body (down, across, down, back) and a flag to the right of
 * its top, not touching it; beside it a 1. */
static void
test_five_flag (void)
{
  g_autoptr(RlSegmentation) seg = NULL;

  clear ();
  bar (10, 8, 3, 10, 1.0f);    /* body: downstroke x 10..12 */
  bar (10, 17, 12, 3, 1.0f);   /* belly top */
  bar (20, 17, 3, 12, 1.0f);   /* belly right */
  bar (8, 27, 15, 3, 1.0f);    /* belly bottom */
  bar (14, 6, 10, 2, 1.0f);    /* the flag: x 14..23, apart from the downstroke by 1 px */
  bar (40, 6, 3, 24, 1.0f);    /* a 1 */
  seg = segment ();
  g_assert_cmpuint (seg->n, ==, 2);
  g_assert_cmpuint (seg->boxes[0].n_parts, ==, 2);
  g_assert_cmpint (seg->boxes[0].x, ==, 8);
  g_assert_cmpint (seg->boxes[0].width, ==, 16);
  g_assert_cmpuint (seg->boxes[1].n_parts, ==, 1);
  g_assert_cmpint (seg->boxes[1].x, ==, 40);
}

/* Two digits whose boxes overlap a little (a slanted neighbour) stay two. */
static void
test_neighbours_not_joined (void)
{
  g_autoptr(RlSegmentation) seg = NULL;

  clear ();
  bar (10, 5, 12, 3, 1.0f);    /* a 7's bar: x 10..21 */
  bar (18, 5, 3, 25, 1.0f);    /* its stem */
  bar (24, 12, 10, 20, 1.0f);  /* the next digit: x 24..33, y 12..31, 3 px right of the stem */
  bar (20, 32, 14, 2, 1.0f);   /* its tail, touching it, reaching under the 7: x 20..33 */
  seg = segment ();
  /* the 7 (x 10..21) and the other digit (x 20..33) overlap by 2 columns, 17 % of the
   * narrower: two digits */
  g_assert_cmpuint (seg->n, ==, 2);
  g_assert_cmpint (seg->boxes[0].x, ==, 10);
  g_assert_cmpint (seg->boxes[1].x, ==, 20);
}

static void
test_specks_dropped (void)
{
  g_autoptr(RlSegmentation) seg = NULL;

  clear ();
  bar (10, 5, 4, 25, 1.0f);    /* a 1 */
  bar (40, 5, 12, 25, 0.8f);   /* a blob of a digit */
  canvas[2 * W + 30] = 1.0f;   /* single pixels between and above */
  canvas[35 * W + 60] = 1.0f;
  bar (28, 30, 3, 3, 1.0f);    /* a 3 x 3 crumb: 9 pixels, below 10 % of 300, low */
  bar (80, 35, 2, 1, 0.05f);   /* faint dust, below the threshold */
  seg = segment ();
  g_assert_cmpuint (seg->n, ==, 2);
  g_assert_cmpint (seg->boxes[0].x, ==, 10);
  g_assert_cmpint (seg->boxes[1].x, ==, 40);
  g_assert_cmpint (seg->owner[2 * W + 30], ==, -1);
  g_assert_cmpint (seg->owner[35 * W + 60], ==, -1);
  g_assert_cmpint (seg->owner[31 * W + 29], ==, -1);
  g_assert_cmpint (seg->owner[35 * W + 80], ==, -1);
}

/* Drawn right to left and at different heights: still numbered left to right, and the owner
 * map agrees with the boxes. The faint edge next to a stroke is its digit's. */
static void
test_left_to_right (void)
{
  g_autoptr(RlSegmentation) seg = NULL;
  const int xs[4] = { 90, 60, 35, 5 };

  clear ();
  for (int k = 0; k < 4; k++)
    bar (xs[k], 4 + 3 * k, 8 + k, 20, 1.0f);
  bar (4, 10, 1, 5, 0.05f);   /* a faint edge left of the leftmost digit */
  seg = segment ();
  g_assert_cmpuint (seg->n, ==, 4);
  for (guint k = 0; k < 4; k++)
    {
      const RlDigitBox *b = &seg->boxes[k];

      g_assert_cmpint (b->x, ==, xs[3 - k]);
      g_assert_cmpint (b->y, ==, 4 + 3 * (3 - k));
      g_assert_cmpint (b->width, ==, 8 + 3 - k);
      g_assert_cmpuint (b->n_pixels, ==, (guint) (20 * (8 + 3 - k)));
      g_assert_cmpint (seg->owner[(b->y + 5) * W + b->x + 1], ==, (int) k);
    }
  g_assert_cmpint (seg->owner[12 * W + 4], ==, 0);
  g_assert_cmpint (seg->owner[0], ==, -1);
}

/* Extraction: a digit's MNIST image holds its own ink only, even where a neighbour's stroke
 * crosses its box. */
static void
test_extract_own_pixels (void)
{
  g_autoptr(RlSegmentation) seg = NULL;
  float alone[RL_MNIST_SIDE * RL_MNIST_SIDE], out[RL_MNIST_SIDE * RL_MNIST_SIDE];

  clear ();
  bar (10, 5, 4, 25, 1.0f);    /* a 1 with a wide foot: box x 10..25, y 5..29 */
  bar (10, 28, 16, 2, 1.0f);
  g_assert_true (rl_preprocess_digit (canvas, W, H, W, 0.1f, alone));
  bar (20, 10, 21, 2, 0.7f);   /* a neighbour (x 20..40) whose bar crosses the 1's box */
  bar (38, 10, 3, 20, 0.7f);   /* overlap 6 of 16 columns: 37 %, a digit of its own */
  seg = segment ();
  g_assert_cmpuint (seg->n, ==, 2);
  g_assert_true (rl_segmentation_extract (seg, canvas, W, 0, 0.1f, out));
  for (int i = 0; i < RL_MNIST_SIDE * RL_MNIST_SIDE; i++)
    g_assert_cmpfloat (out[i], ==, alone[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/segment/empty", test_empty);
  g_test_add_func ("/engine/segment/four-two-strokes", test_four_two_strokes);
  g_test_add_func ("/engine/segment/five-flag", test_five_flag);
  g_test_add_func ("/engine/segment/neighbours-not-joined", test_neighbours_not_joined);
  g_test_add_func ("/engine/segment/specks-dropped", test_specks_dropped);
  g_test_add_func ("/engine/segment/left-to-right", test_left_to_right);
  g_test_add_func ("/engine/segment/extract-own-pixels", test_extract_own_pixels);
  return g_test_run ();
}
