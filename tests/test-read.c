/* test-read.c: whole numbers read with the bundled seed model (rl-read.c), on numbers composed
 * of the committed fixture's 100 MNIST test digits (tests/data/mnist-mini, rl-compose.c).
 *
 * The full measurement (1000 numbers of the whole t10k set) is `reslab-cli read --compose
 * 1000`; its figure is in README.md. Here 50 numbers must be read exactly, at least 90 % of
 * them, and the composer must keep its promise about the gap between digits.
 */

#include <math.h>
#include <string.h>

#include "rl-compose.h"
#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-read.h"

static RlDataset *test_set;
static RlModel *seed_model;

static void
test_read_composed (void)
{
  RlComposeParams cp;
  RlRng rng;
  guint exact = 0, n_numbers = 50, wrong_count = 0;

  rl_compose_params_init (&cp);
  rl_rng_init (&rng, 14);
  for (guint i = 0; i < n_numbers; i++)
    {
      uint8_t labels[RL_COMPOSE_MAX_DIGITS];
      char truth[RL_COMPOSE_MAX_DIGITS + 1];
      g_autofree float *ink = NULL;
      g_autoptr(RlReading) r = NULL;
      g_autoptr(GError) error = NULL;
      int w, h, n;

      ink = rl_compose_number (test_set, &cp, &rng, &w, &h, labels, NULL, &n);
      g_assert_nonnull (ink);
      g_assert_cmpint (n, >=, 2);
      g_assert_cmpint (n, <=, 5);
      for (int k = 0; k < n; k++)
        truth[k] = (char) ('0' + labels[k]);
      truth[n] = '\0';

      r = rl_read_number (seed_model, ink, w, h, w, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (strlen (r->text), ==, r->n);
      for (guint k = 0; k < r->n; k++)
        {
          const RlReadDigit *d = &r->digits[k];

          g_assert_cmpint (d->digit, ==, r->text[k] - '0');
          g_assert_cmpfloat (d->confidence, ==, d->probs[d->digit]);
          g_assert_cmpfloat (d->confidence, >=, 0.1f);
          g_assert_true (d->box.x >= 0 && d->box.x + d->box.width <= w);
          g_assert_true (d->box.y >= 0 && d->box.y + d->box.height <= h);
          if (k > 0)
            g_assert_cmpint (2 * d->box.x + d->box.width, >=,
                             2 * r->digits[k - 1].box.x + r->digits[k - 1].box.width);
        }
      if (strcmp (r->text, truth) == 0)
        exact++;
      else
        {
          wrong_count += r->n != (guint) n;
          g_test_message ("number %u: %s read as %s", i, truth, r->text);
        }
    }
  g_test_message ("read exactly: %u of %u numbers (%u with the wrong number of digits)",
                  exact, n_numbers, wrong_count);
  g_printerr ("# read exactly: %u of %u numbers (%u with the wrong number of digits)\n",
              exact, n_numbers, wrong_count);
  g_assert_cmpuint (exact * 10, >=, n_numbers * 9);
}

/* A composed number's digits never touch for gap >= 1: the reader's first step (connected
 * strokes, no joining) then finds at least one part per digit. With gap 0 they touch. */
static void
test_compose_gap (void)
{
  RlComposeParams cp;
  RlRng rng;

  rl_compose_params_init (&cp);
  rl_rng_init (&rng, 3);
  for (int i = 0; i < 20; i++)
    {
      RlSegmentParams sp;
      uint8_t labels[RL_COMPOSE_MAX_DIGITS];
      g_autofree float *ink = NULL;
      g_autoptr(RlSegmentation) seg = NULL;
      guint parts = 0;
      int w, h, n;

      ink = rl_compose_number (test_set, &cp, &rng, &w, &h, labels, NULL, &n);
      rl_segment_params_init (&sp);
      sp.join_overlap = 1.01;   /* never join: count the connected parts */
      sp.speck_fraction = 0.0;
      seg = rl_segment_digits (ink, w, h, w, &sp);
      for (guint k = 0; k < seg->n; k++)
        parts += seg->boxes[k].n_parts;
      g_assert_cmpuint (parts, >=, (guint) n);
    }

  /* gap 0, two digits: one connected component (they touch somewhere) */
  cp.min_digits = cp.max_digits = 2;
  cp.min_gap = cp.max_gap = 0;
  cp.max_offset = 0;
  for (int i = 0; i < 5; i++)
    {
      uint8_t labels[RL_COMPOSE_MAX_DIGITS];
      uint32_t idx[RL_COMPOSE_MAX_DIGITS];
      g_autofree float *ink = NULL;
      g_autoptr(RlSegmentation) seg = NULL;
      int w, h, n;

      ink = rl_compose_number (test_set, &cp, &rng, &w, &h, labels, idx, &n);
      g_assert_cmpint (n, ==, 2);
      g_assert_cmpuint (labels[0], ==, test_set->labels[idx[0]]);
      seg = rl_segment_digits (ink, w, h, w, NULL);
      g_assert_cmpuint (seg->n, ==, 1);
    }
}

static void
test_blank_and_mismatch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlReading) r = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse ("conv1=conv(4,k=3) relu gap fc=linear(5)", NULL);
  g_autoptr(RlModel) five = NULL;
  float blank[40 * 30] = { 0 };

  r = rl_read_number (seed_model, blank, 40, 30, 40, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->n, ==, 0);
  g_assert_cmpstr (r->text, ==, "");

  five = rl_model_new (arch, 1, 28, 28, 5, &error);
  g_assert_no_error (error);
  g_assert_null (rl_read_number (five, blank, 40, 30, 40, NULL, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
}

/* A model whose probabilities are NaN reads each digit as torch.argmax would, from the
 * logits: the seed with a NaN in fc.bias[3] reads every digit 3 (the finite logits favour the
 * real ones), and the seed with its convolutions scaled by 1e30 (finite weights, values that
 * overflow: inf - inf in the second, every logit NaN) reads every digit 0. The digits are
 * found as before, and every probability is NaN. */
static void
test_not_a_number (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlReading) seed = NULL;
  g_autofree float *ink = NULL;
  uint8_t labels[RL_COMPOSE_MAX_DIGITS];
  RlComposeParams cp;
  RlRng rng;
  int w, h, n;

  rl_compose_params_init (&cp);
  rl_rng_init (&rng, 14);
  /* a number read right with no 3 in it: else the NaN bias would prove nothing */
  for (int tries = 0; seed == NULL; tries++)
    {
      g_assert_cmpint (tries, <, 100);
      g_clear_pointer (&ink, g_free);
      ink = rl_compose_number (test_set, &cp, &rng, &w, &h, labels, NULL, &n);
      seed = rl_read_number (seed_model, ink, w, h, w, NULL, &error);
      g_assert_no_error (error);
      if (seed->n != (guint) n || strchr (seed->text, '3') != NULL)
        g_clear_pointer (&seed, rl_reading_free);
    }
  g_test_message ("read %s", seed->text);
  g_assert_false (rl_reading_has_nan (seed));

  for (int change = 0; change < 2; change++)
    {
      g_autoptr(RlModel) m = rl_model_copy (seed_model);
      g_autoptr(RlReading) r = NULL;
      float *params = rl_model_get_params (m);
      const char expected = change == 0 ? '3' : '0';

      if (change == 0)
        params[rl_model_lookup_tensor (m, "fc.bias")->offset + 3] = NAN;
      else
        for (guint t = 0; t < rl_model_get_n_tensors (m); t++)
          {
            const RlParamInfo *info = rl_model_get_tensor_info (m, t);

            if (g_str_has_suffix (info->name, "conv1.weight")
                || g_str_has_suffix (info->name, "conv2.weight"))
              for (size_t j = info->offset; j < info->offset + info->numel; j++)
                params[j] *= 1e30f;
          }
      r = rl_read_number (m, ink, w, h, w, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->n, ==, seed->n);
      for (guint k = 0; k < r->n; k++)
        {
          g_assert_cmpint (r->digits[k].box.x, ==, seed->digits[k].box.x);
          g_assert_cmpint (r->digits[k].digit, ==, expected - '0');
          g_assert_cmpint (r->text[k], ==, expected);
          g_assert_true (isnan (r->digits[k].confidence));
          for (int p = 0; p < 10; p++)
            g_assert_true (isnan (r->digits[k].probs[p]));
        }
      g_assert_true (rl_reading_has_nan (r));
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *model_path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  test_set = rl_dataset_load (dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_set->n, ==, 100);
  model_path = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                      "seed.safetensors", NULL);
  seed_model = rl_model_load (model_path, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/engine/read/composed-numbers", test_read_composed);
  g_test_add_func ("/engine/read/compose-gap", test_compose_gap);
  g_test_add_func ("/engine/read/blank-and-mismatch", test_blank_and_mismatch);
  g_test_add_func ("/engine/read/not-a-number", test_not_a_number);

  status = g_test_run ();
  rl_model_free (seed_model);
  rl_dataset_unref (test_set);
  return status;
}
