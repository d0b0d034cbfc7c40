#define G_LOG_DOMAIN "reslab-cli"

/* rl-read-cli.c: `reslab-cli read`, whole numbers read from images.
 *
 *   reslab-cli read [--model FILE] IMAGE...
 *       for each image, one line "PATH: DIGITS", then one line per digit: its position, the
 *       digit, its confidence and its box (x, y, width x height in the image's pixels).
 *
 *   reslab-cli read [--model FILE] --compose N [--split test|train] [--data DIR] [--seed S]
 *                   [--gap LO,HI] [--keep DIR]
 *       composes N numbers of 2-5 MNIST digits (rl-compose.h: scale 0.7-1.3, vertical offset
 *       +-4 px, an ink gap drawn from LO..HI px), writes each as a PGM file (dark ink on white,
 *       as a scan), reads the files back as `read IMAGE` does and reports the share read
 *       exactly, with the reasons of the misses: a wrong number of digits found (the
 *       segmentation) or a digit misread (the classifier).
 *
 * The model is the seed net bundled in the program (the app's) unless --model says otherwise.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-read-cli.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-compose.h"
#include "rl-image-file.h"
#include "rl-read.h"
#include "rl-rng.h"

#define MAX_COMPOSE 1000000
#define SHOW_MISSES 15

static void
print_reading (const char *path, const RlReading *r)
{
  g_print ("%s: %s\n", path, r->text);
  for (guint k = 0; k < r->n; k++)
    {
      const RlReadDigit *d = &r->digits[k];

      if (isnan (d->confidence))   /* "nan", never printf's "-nan" */
        g_print ("  %u: %d  %6s %%  at %d,%d  %d x %d\n", k + 1, d->digit, "nan",
                 d->box.x, d->box.y, d->box.width, d->box.height);
      else
        g_print ("  %u: %d  %6.2f %%  at %d,%d  %d x %d\n", k + 1, d->digit,
                 100.0 * d->confidence, d->box.x, d->box.y, d->box.width, d->box.height);
    }
}

static gboolean
read_one (RlModel *model, const RlSegmentParams *params, const char *path, gboolean print,
          RlReading **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *ink = NULL;
  g_autoptr(RlReading) r = NULL;
  gboolean inverted = FALSE;
  int w, h;

  if (strcmp (path, "-") == 0)
    {
      g_autoptr (GBytes) bytes = rl_cli_read_stdin (&error);

      if (bytes != NULL)
        ink = rl_image_load_gray_bytes (bytes, rl_cli_stdin_name (), &w, &h, &inverted,
                                        &error);
    }
  else
    ink = rl_image_file_load_gray (path, &w, &h, &inverted, &error);
  if (ink != NULL)
    {
      /* grey paper and shadows are not ink (an even picture becomes all paper: no digit) */
      rl_image_level_ink (ink, w, h, inverted);
      r = rl_read_number (model, ink, w, h, w, params, &error);
    }
  if (r == NULL)
    {
      rl_cli_error ("%s", error->message);
      return FALSE;
    }
  if (r->n == 0)
    {
      rl_cli_error (_("%s: no digit found (every pixel is background)"),
                    rl_cli_input_name (path));
      return FALSE;
    }
  if (print)
    {
      print_reading (path, r);
      if (rl_reading_has_nan (r))
        rl_cli_warn_not_a_number (path);
    }
  if (out != NULL)
    *out = g_steal_pointer (&r);
  return TRUE;
}

/* Dark ink on white paper, as a scan: the reader must find the polarity itself. */
static gboolean
write_pgm (const char *path, const float *ink, int w, int h)
{
  g_autofree char *head = g_strdup_printf ("P5\n%d %d\n255\n", w, h);
  size_t hl = strlen (head);
  g_autofree guint8 *buf = g_malloc (hl + (size_t) w * h);

  memcpy (buf, head, hl);
  for (size_t i = 0; i < (size_t) w * h; i++)
    buf[hl + i] = (guint8) (255.0f - 255.0f * CLAMP (ink[i], 0.0f, 1.0f) + 0.5f);
  return rl_cli_write_bytes (path, buf, hl + (size_t) w * h);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

static int
compose_and_read (RlModel *model, const RlSegmentParams *seg, int count, const char *data_dir,
                  RlSplit split, guint64 seed, int gap_lo, int gap_hi, const char *keep_dir)
{
  g_autoptr(RlDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  RlComposeParams cp;
  RlRng rng;
  guint exact = 0, wrong_count = 0, too_many = 0, too_few = 0, wrong_digit = 0, digits = 0, digits_right = 0;
  guint by_len[RL_COMPOSE_MAX_DIGITS + 1][2] = { { 0 } };
  guint shown = 0, n_nan = 0;
  double t0 = rl_cli_seconds (), t_read = 0.0;

  ds = rl_cli_load_split (data_dir, RL_DATASET_MNIST, split);
  if (ds == NULL)
    return EXIT_FAILURE;
  if (ds->c != 1 || ds->h != RL_MNIST_SIDE || ds->w != RL_MNIST_SIDE)
    {
      rl_cli_error ("%s", _("the images are not 1 x 28 x 28"));
      return EXIT_FAILURE;
    }
  if (keep_dir != NULL)
    {
      /* before the work, as every output is checked */
      if (!rl_cli_check_out_dir (keep_dir))
        return EXIT_FAILURE;
      dir = g_strdup (keep_dir);
    }
  else if ((dir = g_dir_make_tmp ("reslab-read-XXXXXX", &error)) == NULL)
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }

  rl_compose_params_init (&cp);
  cp.min_gap = gap_lo;
  cp.max_gap = gap_hi;
  cp.threshold = seg->threshold;
  rl_rng_init (&rng, seed);
  g_print (split == RL_SPLIT_TEST
           ? _("# %d numbers of %d-%d MNIST digits (t10k test set), scale %.1f-%.1f, offset +-%d"
               " px, ink gap %d..%d px, seed %llu, join overlap %.2f\n")
           : _("# %d numbers of %d-%d MNIST digits (training set), scale %.1f-%.1f, offset +-%d"
               " px, ink gap %d..%d px, seed %llu, join overlap %.2f\n"),
           count, cp.min_digits, cp.max_digits, cp.min_scale, cp.max_scale,
           cp.max_offset, gap_lo, gap_hi, (unsigned long long) seed, seg->join_overlap);

  for (int i = 0; i < count; i++)
    {
      uint8_t labels[RL_COMPOSE_MAX_DIGITS];
      char truth[RL_COMPOSE_MAX_DIGITS + 1];
      g_autofree float *ink = NULL;
      g_autofree char *path = NULL;
      g_autoptr(RlReading) r = NULL;
      int w, h, n;
      double t;

      ink = rl_compose_number (ds, &cp, &rng, &w, &h, labels, NULL, &n);
      for (int k = 0; k < n; k++)
        truth[k] = (char) ('0' + labels[k]);
      truth[n] = '\0';
      path = g_strdup_printf ("%s/number-%05d-%s.pgm", dir, i, truth);
      if (!write_pgm (path, ink, w, h))
        {
          if (keep_dir == NULL)
            remove_dir (dir);
          return EXIT_FAILURE;
        }
      t = rl_cli_seconds ();
      if (!read_one (model, seg, path, FALSE, &r))
        r = NULL;
      t_read += rl_cli_seconds () - t;
      n_nan += r != NULL && rl_reading_has_nan (r);

      digits += n;
      by_len[n][0]++;
      if (r != NULL && strcmp (r->text, truth) == 0)
        {
          exact++;
          by_len[n][1]++;
          digits_right += n;
          continue;
        }
      if (r == NULL || r->n != (guint) n)
        {
          wrong_count++;
          too_many += r != NULL && r->n > (guint) n;
          too_few += r == NULL || r->n < (guint) n;
        }
      else
        {
          wrong_digit++;
          for (int k = 0; k < n; k++)
            digits_right += r->text[k] == truth[k];
        }
      if (shown++ < SHOW_MISSES)
        g_print (r == NULL || r->n != (guint) n ? _("  miss: %s read as %s (digits found wrongly)\n")
                                                : _("  miss: %s read as %s (a digit misread)\n"),
                 truth, r != NULL ? r->text : "-");
    }

  g_print (_("read exactly: %u of %d numbers (%.2f %%)\n"), exact, count, 100.0 * exact / count);
  g_print (_("  misses: %u with the wrong number of digits found (%u too many: a digit split;"
             " %u too few: digits joined), %u with a digit misread\n"),
           wrong_count, too_many, too_few, wrong_digit);
  g_print (_("  digits in numbers found rightly: %u of %u\n"), digits_right, digits);
  for (int n = 1; n <= RL_COMPOSE_MAX_DIGITS; n++)
    if (by_len[n][0] > 0)
      g_print (_("  %d digits: %u of %u exact (%.1f %%)\n"), n, by_len[n][1], by_len[n][0],
               100.0 * by_len[n][1] / by_len[n][0]);
  g_print (_("  %.2f ms a number to read (load, segment, classify); %.1f s in all\n"),
           1000.0 * t_read / count, rl_cli_seconds () - t0);
  if (n_nan > 0)
    rl_cli_error (ngettext ("warning: %u number has a digit whose probabilities are not numbers"
                            " (NaN: the model's values overflowed or hold a NaN); its class is"
                            " the one torch.argmax gives",
                            "warning: %u numbers have a digit whose probabilities are not"
                            " numbers (NaN: the model's values overflowed or hold a NaN); their"
                            " classes are the ones torch.argmax gives", n_nan), n_nan);
  if (keep_dir != NULL)
    g_print (_("images kept in %s\n"), keep_dir);
  else
    remove_dir (dir);
  return EXIT_SUCCESS;
}

int
rl_read_cli_main (int argc, char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *split_name = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *gap_text = NULL;
  g_autofree char *keep_dir = NULL;
  int compose = RL_CLI_INT_NOT_GIVEN;   /* so that 0 is refused like -1, not taken as none */
  double join_overlap = RL_CLI_DOUBLE_NOT_GIVEN;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path,
      N_("The model (.safetensors; - reads it from standard input; default: the seed net bundled"
         " with the app)"), "FILE" },
    { "join-overlap", 0, 0, G_OPTION_ARG_DOUBLE, &join_overlap,
      N_("Join strokes into one digit when their x-ranges overlap by this share of the narrower"
         " (default 0.5)"), "F" },
    { "compose", 0, 0, G_OPTION_ARG_INT, &compose,
      N_("Measure instead: compose N numbers of 2-5 MNIST digits, write and read them"), "N" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name,
      N_("With --compose: the digits of the test (default) or training set"), "test|train" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("With --compose: the MNIST directory (default: $RESLAB_DATA_DIR or"
         " ~/.local/share/reslab/mnist)"), "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, N_("With --compose: the seed (default 1)"), "S" },
    { "gap", 0, 0, G_OPTION_ARG_STRING, &gap_text,
      N_("With --compose: the ink gap between digits in px, one value or LO,HI (default 2,5; 0"
         " touches, -2 overlaps by 2 px)"), "LO[,HI]" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep_dir,
      N_("With --compose: keep the images in DIR (default: a temporary directory, removed)"),
      "DIR" },
    { NULL }
  };
  g_autoptr(RlModel) model = NULL;
  RlSegmentParams params;
  RlSplit split = RL_SPLIT_TEST;
  guint64 seed = 1;
  gint64 gap_lo = 2, gap_hi = 5;
  int n_failed = 0;

  if (!rl_cli_parse_options ("read", _("IMAGE..."), entries, &argc, &argv,
    _("Read the number written in each IMAGE (PNG or PGM, dark ink on light or light on dark;\n"
      "- reads one from standard input): its digits are found (connected strokes, joined when\n"
      "they overlap horizontally), each is preprocessed as MNIST and classified, left to right.\n"
      "Prints \"PATH: DIGITS\", then each digit with its confidence and its box (x,y  width x\n"
      "height).")))
    return RL_CLI_EXIT_USAGE;

  rl_segment_params_init (&params);
  if (join_overlap != RL_CLI_DOUBLE_NOT_GIVEN)
    {
      if (!(join_overlap > 0.0 && join_overlap <= 1.0))
        return rl_cli_usage_error ("read", _("--join-overlap must be in (0, 1] (got %g)"),
                                   join_overlap);
      params.join_overlap = join_overlap;
    }
  if (compose != RL_CLI_INT_NOT_GIVEN && (compose < 1 || compose > MAX_COMPOSE))
    return rl_cli_usage_error ("read", _("--compose must be between 1 and %d (got %d)"),
                               MAX_COMPOSE, compose);
  if (compose == RL_CLI_INT_NOT_GIVEN && argc < 2)
    return rl_cli_usage_error ("read", "%s", _("no IMAGE given"));
  if (compose != RL_CLI_INT_NOT_GIVEN && argc > 1)
    return rl_cli_usage_error ("read", "%s", _("--compose or IMAGEs, not both"));
  if (!rl_cli_check_model_stdin ("read", model_path, "IMAGE", (const char * const *) argv + 1,
                                 argc - 1))
    return RL_CLI_EXIT_USAGE;
  if (compose == RL_CLI_INT_NOT_GIVEN && (split_name != NULL || data_dir != NULL || seed_text != NULL ||
                       gap_text != NULL || keep_dir != NULL))
    return rl_cli_usage_error ("read", "%s", _("--split, --data, --seed, --gap and --keep go with --compose"));
  if (split_name != NULL && strcmp (split_name, "train") == 0)
    split = RL_SPLIT_TRAIN;
  else if (split_name != NULL && strcmp (split_name, "test") != 0)
    return rl_cli_usage_error ("read", _("--split must be test or train (got '%s')"), split_name);
  if (!rl_cli_parse_seed ("read", seed_text, &seed))
    return RL_CLI_EXIT_USAGE;
  if (gap_text != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (gap_text, ",", -1);
      guint np = g_strv_length (parts);

      if (np < 1 || np > 2 ||
          !g_ascii_string_to_signed (parts[0], 10, -10, 20, &gap_lo, NULL) ||
          !g_ascii_string_to_signed (parts[np - 1], 10, -10, 20, &gap_hi, NULL) ||
          gap_lo > gap_hi)
        return rl_cli_usage_error ("read", _("--gap must be one number or LO,HI with -10 <= LO <= HI <= 20"
                                     " (got '%s')"), gap_text);
    }

  model = rl_cli_load_model (model_path);
  if (model == NULL)
    return EXIT_FAILURE;

  if (compose != RL_CLI_INT_NOT_GIVEN)
    return compose_and_read (model, &params, compose, data_dir, split, seed, (int) gap_lo,
                             (int) gap_hi, keep_dir);

  for (int i = 1; i < argc; i++)
    {
      if (!read_one (model, &params, argv[i], TRUE, NULL))
        n_failed++;
      fflush (stdout);
    }
  return rl_cli_images_status (n_failed, argc - 1);
}
