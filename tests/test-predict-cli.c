/* test-predict-cli.c: `reslab-cli predict` run as a program (the binary in $RESLAB_CLI, set by
 * meson), and explain's IMAGE read as predict reads it, on the committed MNIST fixture
 * (tests/data/mnist-mini): training digits written by this test as PNG and PGM in several
 * sizes and both polarities, images that are missing, blank or not images, and an image or text
 * piped in as "-". The rest of the command line's tests are test-cli.c.
 */

#include <cairo.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "cli-test-utils.h"
#include "rl-dataset.h"
#include "rl-model.h"

static char *tmp_dir;         /* removed at the end */
static char *data_dir;        /* tests/data/mnist-mini */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Trained once, on first use; removed with the temporary directory. */
static char *fitted_path;

/* ---- predict ------------------------------------------------------------------------------ */

typedef enum { PNG_DARK_ON_WHITE, PNG_ON_TRANSPARENT, PGM_P5_LIGHT_ON_DARK, PGM_P2_DARK } Format;

/* Writes MNIST image @pix (28 x 28 bytes, white ink on black) as a file of @format, scaled by
 * @scale (nearest neighbour) and placed at (@ox, @oy) on a larger canvas. */
static char *
write_digit (const guint8 *pix, int index, Format format, int scale, int ox, int oy)
{
  int cw = 28 * scale + ox + 17, ch = 28 * scale + oy + 9;
  g_autofree char *name = g_strdup_printf ("digit-%02d.%s", index,
                                           format <= PNG_ON_TRANSPARENT ? "png" : "pgm");
  char *path = tmp_path (name);

  if (format <= PNG_ON_TRANSPARENT)
    {
      cairo_format_t cf = format == PNG_DARK_ON_WHITE ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32;
      cairo_surface_t *s = cairo_image_surface_create (cf, cw, ch);
      guint8 *d;
      int stride;

      cairo_surface_flush (s);
      d = cairo_image_surface_get_data (s);
      stride = cairo_image_surface_get_stride (s);
      for (int y = 0; y < ch; y++)
        for (int x = 0; x < cw; x++)
          {
            int sx = (x - ox) / scale, sy = (y - oy) / scale;
            guint8 v = x >= ox && y >= oy && sx < 28 && sy < 28 ? pix[sy * 28 + sx] : 0;
            guint32 *p = (guint32 *) (d + (gsize) y * stride) + x;

            if (format == PNG_DARK_ON_WHITE)
              *p = 0x010101u * (255 - v);            /* grey, dark ink */
            else
              *p = (guint32) v << 24;                /* black ink, alpha = ink */
          }
      cairo_surface_mark_dirty (s);
      g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (s);
    }
  else
    {
      g_autoptr(GString) f = g_string_new (NULL);

      g_string_append_printf (f, "%s\n# digit %d\n%d %d\n255\n",
                              format == PGM_P5_LIGHT_ON_DARK ? "P5" : "P2", index, cw, ch);
      for (int y = 0; y < ch; y++)
        for (int x = 0; x < cw; x++)
          {
            int sx = (x - ox) / scale, sy = (y - oy) / scale;
            guint8 v = x >= ox && y >= oy && sx < 28 && sy < 28 ? pix[sy * 28 + sx] : 0;

            if (format == PGM_P5_LIGHT_ON_DARK)
              g_string_append_c (f, (char) v);
            else
              g_string_append_printf (f, "%d%c", 255 - v, x == cw - 1 ? '\n' : ' ');
          }
      g_assert_true (g_file_set_contents (path, f->str, f->len, NULL));
    }
  return path;
}

/* A model that has learnt the 640 fixture images (6 epochs; measured: every one of the first
 * 20 right, for seeds 1 to 4 and 1 or 2 threads). */
static const char *
fitted_model (void)
{
  if (fitted_path == NULL)
    {
      g_autoptr(Run) r = NULL;

      fitted_path = tmp_path ("fitted.safetensors");
      r = RUN ("train", "--data", data_dir, "--limit", "640", "--epochs", "6", "--batch", "32",
               "--lr", "0.05", "--momentum", "0.9", "--threads", "1", "--out", fitted_path);
      g_assert_cmpint (r->status, ==, 0);
    }
  return fitted_path;
}

static void
test_predict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) train = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TRAIN,
                                                &error);
  const char *model = fitted_model ();
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(Run) r = NULL;
  g_auto(GStrv) lines = NULL;
  const int n = 16;
  int seen = 0;

  g_assert_no_error (error);
  g_ptr_array_add (args, g_strdup ("predict"));
  g_ptr_array_add (args, g_strdup ("--model"));
  g_ptr_array_add (args, g_strdup (model));
  for (int i = 0; i < n; i++)
    g_ptr_array_add (args, write_digit (train->images + (gsize) i * 784, i, i % 4,
                                        1 + i % 4, 3 + 5 * (i % 3), 2 + 7 * (i % 2)));
  g_ptr_array_add (args, NULL);
  r = run_in (NULL, (const char * const *) args->pdata);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpstr (r->err, ==, "");
  g_test_message ("%s", r->out);

  /* "FILE: D", then two lines of five "k: p" each. */
  lines = g_strsplit (r->out, "\n", -1);
  for (int i = 0; lines[i] != NULL && lines[i][0] != '\0'; i += 3)
    {
      g_autofree char *want = g_strdup_printf ("%s: %d", (char *) args->pdata[3 + seen],
                                               train->labels[seen]);
      double sum = 0.0, best_p = -1.0;
      int best = -1;

      g_assert_cmpstr (lines[i], ==, want);
      for (int k = 0; k < 10; k++)
        {
          g_autofree char *key = g_strdup_printf ("  %d: ", k);
          const char *at = strstr (lines[i + 1 + k / 5], key);
          double p;

          g_assert_nonnull (at);
          p = g_ascii_strtod (at + strlen (key), NULL);
          sum += p;
          if (p > best_p)
            {
              best_p = p;
              best = k;
            }
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 0.001);   /* ten values rounded to 4 places */
      g_assert_cmpint (best, ==, train->labels[seen]);
      seen++;
    }
  g_assert_cmpint (seen, ==, n);
}

static void
test_predict_bad_images (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) train = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TRAIN,
                                                &error);
  const char *model = fitted_model ();
  g_autofree char *good = NULL;
  g_autofree char *missing = tmp_path ("missing.png");
  g_autofree char *blank = tmp_path ("blank.pgm");
  g_autofree char *garbage = tmp_path ("garbage.png");
  g_autoptr(Run) r = NULL;
  g_autofree char *good_line = NULL;

  g_assert_no_error (error);
  good = write_digit (train->images, 99, PNG_DARK_ON_WHITE, 2, 4, 4);
  g_assert_true (g_file_set_contents (blank, "P2 3 3 255\n9 9 9 9 9 9 9 9 9\n", -1, NULL));
  g_assert_true (g_file_set_contents (garbage, "\x89PNG\r\n\x1a\nnot really", -1, NULL));

  /* Every file is tried; the failures are named; the status says something failed. */
  r = RUN ("predict", "--model", model, missing, good, blank, garbage);
  g_assert_cmpint (r->status, ==, 1);
  good_line = g_strdup_printf ("%s: ", good);
  g_assert_true (g_str_has_prefix (r->out, good_line));
  g_assert_nonnull (strstr (r->err, missing));
  {
    /* in the words a missing model gets, not GIO's "Error when getting information" */
    g_autofree char *said = g_strdup_printf ("cannot read %s: ", missing);

    g_assert_nonnull (strstr (r->err, said));
  }
  g_assert_nonnull (strstr (r->err, blank));
  g_assert_nonnull (strstr (r->err, "no ink"));
  g_assert_nonnull (strstr (r->err, garbage));
  g_assert_nonnull (strstr (r->err, "3 of 4 images failed"));
}

/* A value no trained weight holds, which the file's bytes then turn into a NaN: the engine
 * saves no NaN (a diverged run's weights are refused), but reads one, as torch writes it. */
#define NAN_PLACEHOLDER 1234.5678f
/* and one made +infinity */
#define INF_PLACEHOLDER 2345.6789f

/* The bundled seed model changed by @change, saved as @name in the temporary directory, with
 * NAN_PLACEHOLDER made NaN and INF_PLACEHOLDER +infinity. */
static char *
write_changed_seed (const char *name, void (*change) (RlModel *m))
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bundled = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                                    "seed.safetensors", NULL);
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(RlModel) m = rl_model_load (bundled, NULL, &error);
  g_autofree char *bytes = NULL;
  const float placeholders[2] = { NAN_PLACEHOLDER, INF_PLACEHOLDER };
  const float values[2] = { NAN, INFINITY };
  char *path = tmp_path (name);
  gsize len;

  g_assert_no_error (error);
  change (m);
  g_hash_table_insert (metadata, "dataset", "mnist");
  rl_model_save (m, path, metadata, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &bytes, &len, &error));
  for (gsize i = 0; i + sizeof (float) <= len; i++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      if (memcmp (bytes + i, &placeholders[v], sizeof (float)) == 0)
        memcpy (bytes + i, &values[v], sizeof (float));
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, &error));
  return path;
}

static void
nan_in_bias_3 (RlModel *m)
{
  rl_model_get_params (m)[rl_model_lookup_tensor (m, "fc.bias")->offset + 3] = NAN_PLACEHOLDER;
}

static void
inf_in_bias_3 (RlModel *m)
{
  rl_model_get_params (m)[rl_model_lookup_tensor (m, "fc.bias")->offset + 3] = INF_PLACEHOLDER;
}

/* finite weights whose values overflow: inf - inf in the second convolution, every logit NaN */
static void
convolutions_times_1e30 (RlModel *m)
{
  for (guint t = 0; t < rl_model_get_n_tensors (m); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (m, t);

      if (g_str_has_suffix (info->name, "conv1.weight")
          || g_str_has_suffix (info->name, "conv2.weight"))
        for (size_t j = info->offset; j < info->offset + info->numel; j++)
          rl_model_get_params (m)[j] *= 1e30f;
    }
}

/* A model whose probabilities are NaN: predict and read print the class torch.argmax gives
 * (fc.bias[3] NaN or +inf: 3, which predict's argmax of the NaN probabilities called 0; every
 * logit NaN: 0), the probabilities as "nan" (printf wrote "-nan" for the overflow's), and warn
 * on standard error, naming the image; read --compose warns once, with the count; explain says
 * the probabilities are not numbers ("nan %" before), and prints no "inf" for an infinite
 * logit. */
static void
test_not_a_number (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) train = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TRAIN,
                                                &error);
  g_autofree char *bias3 = write_changed_seed ("nan-bias-3.safetensors", nan_in_bias_3);
  g_autofree char *overflow = write_changed_seed ("overflow.safetensors",
                                                  convolutions_times_1e30);
  g_autofree char *inf3 = write_changed_seed ("inf-bias-3.safetensors", inf_in_bias_3);
  g_autofree char *digit = NULL;
  const struct { const char *model; int digit; } cases[] = {
    { bias3, 3 }, { overflow, 0 }, { inf3, 3 }
  };

  g_assert_no_error (error);
  digit = write_digit (train->images + 5 * 28 * 28, 5, PNG_DARK_ON_WHITE, 2, 4, 4);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(Run) p = RUN ("predict", "--model", cases[c].model, digit);
      g_autoptr(Run) r = RUN ("read", "--model", cases[c].model, digit);
      g_autofree char *predicted = g_strdup_printf ("%s: %d\n  0: nan  1: nan  2: nan  3: nan"
                                                    "  4: nan\n  5: nan  6: nan  7: nan  8: nan"
                                                    "  9: nan\n", digit, cases[c].digit);
      g_autofree char *read = g_strdup_printf ("%s: %d\n  1: %d     nan %%  at ", digit,
                                               cases[c].digit, cases[c].digit);
      g_autofree char *warned = g_strdup_printf ("warning: %s: the probabilities are not numbers",
                                                 digit);

      g_assert_cmpint (p->status, ==, 0);
      g_assert_cmpstr (p->out, ==, predicted);
      g_assert_nonnull (strstr (p->err, warned));
      g_assert_cmpint (r->status, ==, 0);
      if (!g_str_has_prefix (r->out, read))
        g_error ("read printed: %s", r->out);
      g_assert_nonnull (strstr (r->err, warned));

      /* explain: the class and, for its probability, what it is */
      {
        g_autofree char *png = tmp_path ("nan-explained.png");
        g_autoptr(Run) e = RUN ("explain", "--model", cases[c].model, "--out", png, digit);
        g_autofree char *explained = g_strdup_printf ("%s: read as %d (probabilities not "
                                                      "numbers: NaN); explaining class %d by "
                                                      "grad\n", digit, cases[c].digit,
                                                      cases[c].digit);

        g_assert_cmpint (e->status, ==, 0);
        if (!g_str_has_prefix (e->out, explained))
          g_error ("explain printed: %s", e->out);
        /* what stands for the attributions: no "nan" printed as a figure, and where they are
         * not numbers, no colours (occlusion compares the NaN probabilities; the overflow
         * makes the gradient NaN too) */
        g_assert_null (strstr (e->out, " nan"));
        g_assert_null (strstr (e->out, "-nan"));
        /* nor "inf" as a figure ("z_3 = inf, of the blank image inf"): "(+inf)" names it */
        g_assert_false (g_regex_match_simple ("[ =]-?inf[^a-z]", e->out, 0, 0));
        if (c == 0)
          g_assert_nonnull (strstr (e->out, "logit z_3 is not a finite number (NaN), its "
                                            "gradient is: attributions sum to "));
        else if (c == 2)
          g_assert_nonnull (strstr (e->out, "logit z_3 is not a finite number (+inf), its "
                                            "gradient is: attributions sum to "));
        else
          g_assert_nonnull (strstr (e->out, "No colours: what this method weighs is not a"
                                            " finite number (NaN or infinite)"));
        g_assert_true (g_remove (png) == 0);
        {
          g_autoptr(Run) o = RUN ("explain", "--model", cases[c].model, "--method", "occlusion",
                                  "--out", png, digit);

          g_assert_cmpint (o->status, ==, 0);
          g_assert_null (strstr (o->out, " nan"));
          g_assert_nonnull (strstr (o->out, "No colours: what this method weighs is not a"
                                            " finite number (NaN or infinite)"));
          g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
          g_assert_true (g_remove (png) == 0);
        }
      }
    }
  /* eval --errors: every mistake's confidence written "nan" in mistakes.csv, not printf's
   * "-nan" of the overflow's NaN */
  {
    g_autofree char *dir = tmp_path ("nan-errors");
    g_autofree char *csv_path = g_build_filename (dir, "mistakes.csv", NULL);
    g_autofree char *csv = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(Run) e = RUN ("eval", "--data", data_dir, "--model", overflow, "--errors", dir);
    guint n = 0;

    g_assert_cmpint (e->status, ==, 0);
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    lines = g_strsplit (csv, "\n", -1);
    for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++, n++)
      g_assert_true (g_str_has_suffix (lines[i], ",nan"));
    g_assert_cmpuint (n, >, 50);   /* all read as 0: mnist-mini's 100 test images */
    /* ...and in the test set's order, which the sheet's title and a warning say, where it said
     * "most confident first" of images that have no confidence */
    for (guint i = 2; i <= n; i++)
      g_assert_cmpint (atoi (lines[i - 1]), <, atoi (lines[i]));
    g_assert_nonnull (strstr (e->err, "warning: the probabilities are not numbers (NaN) for every"
                                      " misclassified image: "));
    g_assert_nonnull (strstr (e->err, "mistakes.png list them in the test set’s order"));
  }
  /* a sound model's mistakes come most confident first, without that warning */
  {
    g_autofree char *dir = tmp_path ("sound-errors");
    g_autofree char *bundled = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                                      "seed.safetensors", NULL);
    g_autoptr(Run) e = RUN ("eval", "--data", data_dir, "--model", bundled, "--errors", dir);

    g_assert_cmpint (e->status, ==, 0);
    g_assert_null (strstr (e->err, "not numbers"));
  }
  {
    g_autoptr(Run) r = RUN ("read", "--model", overflow, "--compose", "3", "--data", data_dir);

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "read exactly: 0 of 3 numbers"));
    g_assert_nonnull (strstr (r->err, "warning: 3 numbers have a digit whose probabilities are"
                                      " not numbers"));
  }
}

/* Training image 5 of mnist-mini as a PNG file (its path in @path) and as its bytes, for the
 * commands that read an IMAGE from a file or from "-". @label (nullable): its label. */
static GBytes *
digit_png (char **path, int *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) train = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TRAIN,
                                                &error);
  char *contents = NULL;
  gsize length;

  g_assert_no_error (error);
  *path = write_digit (train->images + 5 * 784, 5, PNG_DARK_ON_WHITE, 3, 6, 4);
  g_assert_true (g_file_get_contents (*path, &contents, &length, NULL));
  if (label != NULL)
    *label = train->labels[5];
  return g_bytes_new_take (contents, length);
}

/* "-" is an image piped in: read as the same file is; text piped in is refused by name. */
static void
test_predict_stdin (void)
{
  const char *model = fitted_model ();
  g_autofree char *path = NULL;
  int label;
  g_autoptr(GBytes) png = digit_png (&path, &label);
  g_autoptr(GBytes) text = g_bytes_new_static ("seven\n", 6);
  g_autoptr(Run) file = NULL;
  g_autoptr(Run) piped = NULL;
  g_autoptr(Run) bad = NULL;

  file = RUN ("predict", "--model", model, path);
  piped = run_with_input (NULL, (const char * const[]) { "predict", "--model", model, "-", NULL },
                          png);
  g_assert_cmpint (file->status, ==, 0);
  g_assert_cmpint (piped->status, ==, 0);
  g_assert_true (g_str_has_prefix (piped->out, "-: "));
  /* the same digit and the same ten probabilities */
  g_assert_cmpstr (piped->out + 1, ==, file->out + strlen (path));
  g_assert_cmpint (atoi (piped->out + 3), ==, label);

  bad = run_with_input (NULL, (const char * const[]) { "predict", "--model", model, "-", NULL },
                        text);
  g_assert_cmpint (bad->status, ==, 1);
  g_assert_nonnull (strstr (bad->err, "standard input: not a PNG or PGM"));
}

/* explain reads its IMAGE as predict does (rl_cli_load_digit): "-" is standard input, and the
 * picture it writes is the same as for the file. */
static void
test_explain_stdin (void)
{
  const char *model = fitted_model ();
  g_autofree char *path = NULL;
  g_autoptr(GBytes) png = digit_png (&path, NULL);
  g_autofree char *out_file = tmp_path ("explain-file.png");
  g_autofree char *out_piped = tmp_path ("explain-piped.png");
  g_autofree char *png_file = NULL;
  g_autofree char *png_piped = NULL;
  g_autoptr(Run) file = NULL;
  g_autoptr(Run) piped = NULL;
  gsize length_file, length_piped;

  file = RUN ("explain", "--model", model, "--out", out_file, path);
  piped = run_with_input (NULL, (const char * const[]) { "explain", "--model", model, "--out",
                                                         out_piped, "-", NULL }, png);
  g_assert_cmpint (file->status, ==, 0);
  g_assert_cmpint (piped->status, ==, 0);
  g_assert_cmpstr (piped->err, ==, "");
  g_assert_true (g_str_has_prefix (piped->out, "-: read as "));
  g_assert_true (g_file_get_contents (out_file, &png_file, &length_file, NULL));
  g_assert_true (g_file_get_contents (out_piped, &png_piped, &length_piped, NULL));
  g_assert_cmpmem (png_file, length_file, png_piped, length_piped);
}

/* Runs reslab-cli with @args and @input on standard input. */
static Run *
run_piped (GBytes *input, const char * const *args)
{
  return run_with_input (NULL, args, input);
}

/* The same command's files, byte for byte. */
static void
assert_same_file (const char *a, const char *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;
  gsize la, lb;

  g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
  g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
  g_assert_cmpmem (ca, la, cb, lb);
}

/* --model - reads the model from standard input for every command that takes one, through
 * one reader (rl-cli-util.c), as `info -` does: the same results as from the file. Where the
 * command also takes an IMAGE - (predict, explain, read), or a second --model (landscape),
 * both cannot be standard input: a usage error. */
static void
test_model_stdin (void)
{
  const char *model = fitted_model ();
  g_autofree char *path = NULL;
  g_autoptr(GBytes) png = digit_png (&path, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (model, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);

  {
    g_autoptr(Run) file = RUN ("predict", "--model", model, path);
    g_autoptr(Run) piped = run_piped (bytes, (const char * const[]) { "predict", "--model", "-",
                                                                     path, NULL });

    g_assert_cmpint (piped->status, ==, 0);
    g_assert_cmpstr (piped->err, ==, "");
    g_assert_cmpstr (piped->out, ==, file->out);
  }
  {
    g_autofree char *out_file = tmp_path ("model-file.png");
    g_autofree char *out_piped = tmp_path ("model-piped.png");
    g_autoptr(Run) file = RUN ("explain", "--model", model, "--out", out_file, path);
    g_autoptr(Run) piped = run_piped (bytes, (const char * const[]) { "explain", "--model", "-",
                                                                     "--out", out_piped, path,
                                                                     NULL });

    g_assert_cmpint (file->status, ==, 0);
    g_assert_cmpint (piped->status, ==, 0);
    assert_same_file (out_file, out_piped);
  }
  {
    g_autoptr(Run) file = RUN ("eval", "--model", model, "--data", data_dir);
    g_autoptr(Run) piped = run_piped (bytes, (const char * const[]) { "eval", "--model", "-",
                                                                     "--data", data_dir, NULL });
    g_autofree char *file_head = g_strdup_printf ("# %s on ", model);

    g_assert_cmpint (piped->status, ==, 0);
    g_assert_cmpstr (piped->err, ==, "");
    /* named as standard input; below, line for line the file's */
    g_assert_true (g_str_has_prefix (file->out, file_head));
    g_assert_true (g_str_has_prefix (piped->out, "# standard input on "));
    g_assert_cmpstr (strchr (piped->out, '\n'), ==, strchr (file->out, '\n'));
  }
  {
    g_autoptr(Run) file = RUN ("read", "--model", model, path);
    g_autoptr(Run) piped = run_piped (bytes, (const char * const[]) { "read", "--model", "-",
                                                                     path, NULL });

    g_assert_cmpint (piped->status, ==, 0);
    g_assert_cmpstr (piped->out, ==, file->out);
  }
  {
    g_autofree char *out_file = tmp_path ("model-file.svg");
    g_autofree char *out_piped = tmp_path ("model-piped.svg");
    g_autoptr(Run) file = RUN ("diagram", "--model", model, "--out", out_file);
    g_autoptr(Run) piped = run_piped (bytes, (const char * const[]) { "diagram", "--model", "-",
                                                                     "--out", out_piped, NULL });

    g_assert_cmpint (file->status, ==, 0);
    g_assert_cmpint (piped->status, ==, 0);
    assert_same_file (out_file, out_piped);
  }
  {
    g_autofree char *out = tmp_path ("model-landscape");
    g_autofree char *csv_path = g_build_filename (out, "landscape.csv", NULL);
    g_autofree char *csv = NULL;
    g_autoptr(Run) piped = run_piped (bytes, (const char * const[]) { "landscape", "--model", "-",
                                                                     "--grid", "3", "--images",
                                                                     "20", "--data", data_dir,
                                                                     "--out-dir", out, NULL });

    g_assert_cmpint (piped->status, ==, 0);
    g_assert_cmpstr (piped->err, ==, "");
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    g_assert_true (g_str_has_prefix (csv, "model,alpha,beta,loss,accuracy\nstdin,-1,-1,"));
  }

  /* nothing, or not a model, on standard input: named */
  {
    g_autoptr(Run) r = run_piped (empty, (const char * const[]) { "eval", "--model", "-",
                                                                 "--data", data_dir, NULL });

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "standard input"));
    g_assert_cmpstr (r->out, ==, "");
  }
  {
    g_autoptr(Run) r = run_piped (png, (const char * const[]) { "predict", "--model", "-", path,
                                                               NULL });

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, "standard input"));
  }

  /* standard input once */
  expect_usage ((const char *[]) { "predict", "--model", "-", path, "-", NULL },
                "--model - and IMAGE - would both be read from standard input");
  expect_usage ((const char *[]) { "explain", "--model", "-", "--out", "x.png", "-", NULL },
                "--model - and IMAGE -");
  expect_usage ((const char *[]) { "read", "--model", "-", "-", NULL }, "--model - and IMAGE -");
  expect_usage ((const char *[]) { "landscape", "--model", "-", "--model", "-", "--out-dir", "x",
                                   NULL }, "--model - and --model -");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  tmp_dir = test_make_tmp_dir ("reslab-predict-cli-XXXXXX");

  g_test_add_func ("/app/cli/predict", test_predict);
  g_test_add_func ("/app/cli/predict-bad-images", test_predict_bad_images);
  g_test_add_func ("/app/cli/not-a-number", test_not_a_number);
  g_test_add_func ("/app/cli/predict-stdin", test_predict_stdin);
  g_test_add_func ("/app/cli/explain-stdin", test_explain_stdin);
  g_test_add_func ("/app/cli/model-stdin", test_model_stdin);

  status = g_test_run ();
  test_rm_rf (tmp_dir);
  g_free (fitted_path);
  g_free (tmp_dir);
  g_free (data_dir);
  return status;
}
