/* test-cli.c: reslab-cli run as a program (the binary in $RESLAB_CLI, set by meson).
 *
 * Bad options must exit 2 with a message naming the option; missing and broken files exit 1
 * naming the file; and the real thing works end to end on the committed MNIST fixture
 * (tests/data/mnist-mini): a quick train, info on its file, and eval. The tests of predict (and
 * of explain reading its IMAGE from standard input) are test-predict-cli.c; other commands have
 * files of their own (test-*-cli.c).
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "cli-test-utils.h"
#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-safetensors.h"
#include "rl-userset.h"

static char *tmp_dir;         /* removed at the end */
static char *data_dir;        /* tests/data/mnist-mini */



/* Usage error: status 2, every stderr line prefixed, and the message names @what. */
static void
assert_usage_error (const Run *r, const char *what)
{
  g_auto(GStrv) lines = g_strsplit (r->err, "\n", -1);

  g_assert_cmpint (r->status, ==, 2);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_nonnull (strstr (r->err, what));
  for (int i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_assert_true (g_str_has_prefix (lines[i], "reslab-cli: "));
}

/* Runtime failure: status 1, prefixed message naming @what. */
static void
assert_failure (const Run *r, const char *what)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_true (g_str_has_prefix (r->err, "reslab-cli: "));
  g_assert_nonnull (strstr (r->err, what));
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* ---- Usage -------------------------------------------------------------------------------- */

static void
test_usage (void)
{
  g_autoptr(Run) none = run_in (NULL, (const char * const[]) { NULL });
  g_autoptr(Run) help = RUN ("--help");
  g_autoptr(Run) train_help = RUN ("train", "--help");
  g_autoptr(Run) help_train = RUN ("help", "train");
  g_autoptr(Run) help_eval = RUN ("--help", "eval");
  g_autoptr(Run) help_unknown = RUN ("help", "frobnicate");
  g_autoptr(Run) unknown = RUN ("frobnicate");
  g_autoptr(Run) option_first = RUN ("--epochs", "3");

  g_assert_cmpint (none->status, ==, 2);
  g_assert_nonnull (strstr (none->err, "Usage"));

  g_assert_cmpint (help->status, ==, 0);
  g_assert_cmpstr (help->err, ==, "");
  for (guint i = 0; i < 4; i++)
    {
      const char *commands[] = { "train", "eval", "predict", "info" };
      g_autofree char *line = g_strdup_printf ("\n  %s ", commands[i]);

      g_assert_nonnull (strstr (help->out, line));
    }

  g_assert_cmpint (train_help->status, ==, 0);
  g_assert_nonnull (strstr (train_help->out, "--epochs"));
  g_assert_nonnull (strstr (train_help->out, "--limit"));
  /* "help train" and "--help eval" are the command's own help, not the list */
  g_assert_cmpint (help_train->status, ==, 0);
  g_assert_cmpstr (help_train->out, ==, train_help->out);
  g_assert_cmpint (help_eval->status, ==, 0);
  g_assert_nonnull (strstr (help_eval->out, "--errors"));
  g_assert_null (strstr (help_eval->out, "\n  train "));
  assert_usage_error (help_unknown, "frobnicate");

  assert_usage_error (unknown, "frobnicate");
  assert_usage_error (option_first, "--epochs");
}

static void
test_train_bad_options (void)
{
  g_autofree char *out = tmp_path ("must-not-exist.safetensors");
  struct { const char *option, *value, *named; } cases[] = {
    { "--epochs",       "0",      "--epochs" },
    { "--epochs",       "-1",     "--epochs" },
    { "--epochs",       "abc",    "--epochs" },
    { "--epochs",       "99999999999", "--epochs" },
    { "--batch",        "0",      "--batch" },
    { "--batch",        "60001",  "--batch" },
    { "--lr",           "0",      "--lr" },
    { "--lr",           "-0.1",   "--lr" },
    { "--lr",           "nan",    "--lr" },
    { "--lr",           "inf",    "--lr" },
    { "--momentum",     "1.5",    "--momentum" },
    { "--momentum",     "1",      "--momentum" },
    { "--momentum",     "-0.1",   "--momentum" },
    { "--weight-decay", "-1",     "--weight-decay" },
    { "--threads",      "0",      "--threads" },
    { "--threads",      "257",    "--threads" },
    { "--threads",      "-1",     "--threads" },   /* was the "not given" value (#12) */
    { "--lr",           "1e300",  "--lr" },        /* infinity as a float (#12) */
    { "--lr",           "1e-50",  "--lr" },        /* zero as a float */
    { "--arch",         "c=conv(4) relu(117) fc=linear(10)", "--arch" },
    { "--limit",        "0",      "--limit" },
    { "--limit",        "-1",     "--limit" },        /* was the "not given" value (#12) */
    { "--extra-weight", "10",     "--extra" },        /* its default, without --extra (#12) */
    { "--seed",         "-3",     "--seed" },
    { "--dataset",      "cifar",  "--dataset" },
    { "--arch",         "bogus(", "--arch" },
    { "--arch",         "conv(16,k=5) relu", "--arch" },   /* a conv needs a name */
    { "--arch",         "c=conv(16,k=5) relu", "--arch" }, /* parses, but ends in no linear */
    { "--frobnicate",   "1",      "--frobnicate" },
    { "--lr-drop-at",   "1",      "--lr-drop-at" },   /* epoch 1 is where it starts */
    { "--lr-drop-at",   "2",      "--lr-drop-at" },   /* past --epochs 1 */
    { "--lr-drop-at",   "x",      "--lr-drop-at" },
    { "--out",          "",       "--out" },          /* was refused only after training */
    { "--data",         "",       "--data" },         /* looked in / */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* With real data and a real output path: an option that slipped through would train
       * and exit 0. */
      g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                              "--out", out, cases[i].option, cases[i].value);

      assert_usage_error (r, cases[i].named);
    }
  {
    g_autoptr(Run) r = RUN ("train", "--data", data_dir, "stray");

    assert_usage_error (r, "stray");
  }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_other_bad_options (void)
{
  g_autoptr(Run) eval_no_model = RUN ("eval", "--data", data_dir);
  g_autoptr(Run) eval_threads = RUN ("eval", "--model", "x.safetensors", "--threads", "0");
  g_autoptr(Run) eval_dataset = RUN ("eval", "--model", "x.safetensors", "--dataset", "cifar");
  g_autoptr(Run) eval_threads_m1 = RUN ("eval", "--model", "x.safetensors", "--threads", "-1");
  g_autoptr(Run) eval_responses = RUN ("eval", "--model", "x.safetensors", "--responses", "10001");
  g_autoptr(Run) eval_responses_0 = RUN ("eval", "--model", "x.safetensors", "--responses", "0");
  g_autoptr(Run) predict_no_model = RUN ("predict", "image.png");
  g_autoptr(Run) predict_no_image = RUN ("predict", "--model", "x.safetensors");
  /* an empty file name: GIO's "Operation not supported" named nothing */
  g_autoptr(Run) eval_empty_model = RUN ("eval", "--model", "");
  g_autoptr(Run) predict_empty_image = RUN ("predict", "--model", "x.safetensors", "");
  g_autoptr(Run) info_none = RUN ("info");
  g_autoptr(Run) info_two = RUN ("info", "a", "b");
  /* bench: refused before anything is measured, as the others */
  g_autoptr(Run) bench_stray = RUN ("bench", "junk");
  g_autoptr(Run) bench_runs = RUN ("bench", "--runs", "0");
  g_autoptr(Run) bench_threads = RUN ("bench", "--threads", "1,x");
  g_autoptr(Run) bench_arch = RUN ("bench", "--arch", "c=conv(8) fc=linear(7)");

  assert_usage_error (eval_no_model, "--model");
  assert_usage_error (eval_threads, "--threads");
  assert_usage_error (eval_dataset, "--dataset");
  assert_usage_error (eval_threads_m1, "--threads");
  assert_usage_error (eval_responses, "--responses");
  assert_usage_error (eval_responses_0, "--responses");
  assert_usage_error (predict_no_model, "--model");
  assert_usage_error (predict_no_image, "IMAGE");
  assert_usage_error (eval_empty_model, "--model");
  assert_usage_error (predict_empty_image, "empty file name");
  assert_usage_error (info_none, "FILE");
  assert_usage_error (info_two, "FILE");
  assert_usage_error (bench_stray, "junk");
  assert_usage_error (bench_runs, "--runs");
  assert_usage_error (bench_threads, "“x”");
  assert_usage_error (bench_arch, "--arch");
  g_assert_nonnull (strstr (bench_stray->err, "reslab-cli bench --help"));
}

/* --arch resnet-20000 says the depth is too large and the most (#18), with --shortcut too; a
 * text option whose value is not UTF-8 is named, with the value, in a message that is UTF-8
 * (GOption said "Invalid byte sequence in conversion input", naming neither); and no message
 * copies bytes that are not UTF-8 from a file name or an argument (#12). */
static void
test_arch_depth_and_bytes (void)
{
  g_autofree char *out = tmp_path ("arch.svg");
  g_autoptr(Run) diagram = RUN ("diagram", "--arch", "resnet-20000", "--out", out);
  g_autoptr(Run) train = RUN ("train", "--data", data_dir, "--arch", "plain-20000", "--bn",
                              "off");
  g_autoptr(Run) train_b = RUN ("train", "--data", data_dir, "--arch",
                                "resnet-99999999999999999999", "--shortcut", "B");
  g_autoptr(Run) bytes = RUN ("diagram", "--arch", "resnet-\xff", "--out", out);
  g_autoptr(Run) bytes_eq = RUN ("train", "--data", data_dir, "--arch=c=conv(4) \xfe fc=linear(10)");
  g_autoptr(Run) bench = RUN ("bench", "--no-torch", "--arch", "seed", "--arch", "\xc3");
  g_autoptr(Run) dataset = RUN ("eval", "--model", "x.safetensors", "--dataset", "mn\xffist");

  assert_usage_error (diagram, "--arch");
  g_assert_nonnull (strstr (diagram->err, "too large"));
  g_assert_nonnull (strstr (diagram->err, "at most 1202"));
  assert_usage_error (train, "at most 1202");
  assert_usage_error (train_b, "at most 1202");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  assert_usage_error (bytes, "--arch: “resnet-\xef\xbf\xbd”");
  assert_usage_error (bytes_eq, "--arch: “c=conv(4) \xef\xbf\xbd fc=linear(10)”");
  assert_usage_error (bench, "--arch");
  assert_usage_error (dataset, "--dataset");
  {
    /* a file name or a command that is not UTF-8 is shown with U+FFFD, in a message that is */
    g_autoptr(Run) model = RUN ("predict", "--model", "m\xff.safetensors", "x.png");
    g_autoptr(Run) command = RUN ("frob\xfe");
    g_autoptr(Run) option = RUN ("train", "--frob\xfe");
    g_autoptr(Run) argument = RUN ("info", "\xc3", "\xc3");

    assert_failure (model, "m\xef\xbf\xbd.safetensors");
    assert_usage_error (command, "frob\xef\xbf\xbd");
    assert_usage_error (option, "--frob\xef\xbf\xbd");
    assert_usage_error (argument, "FILE");
    g_assert_true (g_utf8_validate (model->err, -1, NULL));
    g_assert_true (g_utf8_validate (command->err, -1, NULL));
    g_assert_true (g_utf8_validate (option->err, -1, NULL));
    g_assert_true (g_utf8_validate (argument->err, -1, NULL));
  }
  {
    const Run *not_utf8[] = { bytes, bytes_eq, bench, dataset };

    for (guint i = 0; i < G_N_ELEMENTS (not_utf8); i++)
      {
        g_assert_true (g_utf8_validate (not_utf8[i]->err, -1, NULL));
        g_assert_nonnull (strstr (not_utf8[i]->err, "UTF-8"));
      }
  }
}

/* `info -` reads the model from standard input, as predict and read take an IMAGE of - (#12:
 * it said "cannot read -: No such file or directory"): the same listing as of the file, under
 * the name "standard input"; what is not a model there is said so, naming it. */
static void
test_info_stdin (void)
{
  g_autofree char *seed = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                                 "seed.safetensors", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GBytes) model = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("not a model\n", 12);
  g_autoptr(GBytes) one = g_bytes_new_static ("{", 1);
  g_autoptr(Run) file = RUN ("info", seed);
  g_autoptr(Run) file_arch = RUN ("info", "--arch", seed);
  g_autoptr(Run) piped = NULL;
  g_autoptr(Run) piped_arch = NULL;
  g_autoptr(Run) piped_empty = NULL;
  g_autoptr(Run) piped_text = NULL;
  g_autoptr(Run) piped_one = NULL;

  g_assert_true (g_file_get_contents (seed, &contents, &len, NULL));
  model = g_bytes_new_take (g_steal_pointer (&contents), len);
  piped = run_with_input (NULL, (const char * const[]) { "info", "-", NULL }, model);
  piped_arch = run_with_input (NULL, (const char * const[]) { "info", "--arch", "-", NULL },
                               model);
  piped_empty = run_with_input (NULL, (const char * const[]) { "info", "-", NULL }, empty);
  piped_text = run_with_input (NULL, (const char * const[]) { "info", "-", NULL }, text);
  piped_one = run_with_input (NULL, (const char * const[]) { "info", "-", NULL }, one);

  g_assert_cmpint (file->status, ==, 0);
  g_assert_cmpint (piped->status, ==, 0);
  g_assert_cmpstr (piped->err, ==, "");
  g_assert_true (g_str_has_prefix (piped->out, "standard input\n"));
  /* below the name, line for line the file's */
  g_assert_cmpstr (strchr (piped->out, '\n'), ==, strchr (file->out, '\n'));
  g_assert_cmpint (piped_arch->status, ==, 0);
  g_assert_cmpstr (piped_arch->out, ==, file_arch->out);
  assert_failure (piped_empty, "standard input");
  assert_failure (piped_text, "standard input");
  g_assert_cmpstr (piped_text->out, ==, "");
  /* its size's count in the singular or the plural */
  assert_failure (piped_one, "standard input: 1 byte is too short");
  assert_failure (piped_empty, "standard input: 0 bytes are too short");
}

/* ---- Missing and broken files ------------------------------------------------------------- */

static void
test_missing_data (void)
{
  g_autofree char *nowhere = tmp_path ("no-such-data-dir");
  g_autofree char *out = tmp_path ("nodata.safetensors");
  g_autoptr(Run) r = RUN ("train", "--data", nowhere, "--out", out);

  assert_failure (r, nowhere);
  g_assert_nonnull (strstr (r->err, "./dev.sh data"));
  g_assert_nonnull (strstr (r->err, "data/fetch-mnist.sh"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* An IDX file at @dir/@name: @magic, then the dimensions @dims (@n_dims, big-endian), then
 * @payload zero bytes (fewer than the dimensions say makes it truncated). */
static void
write_idx (const char *dir, const char *name, guint32 magic, const guint32 *dims, guint n_dims,
           gsize payload)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint32 be = GUINT32_TO_BE (magic);

  g_byte_array_append (b, (const guint8 *) &be, 4);
  for (guint i = 0; i < n_dims; i++)
    {
      be = GUINT32_TO_BE (dims[i]);
      g_byte_array_append (b, (const guint8 *) &be, 4);
    }
  g_byte_array_set_size (b, b->len + payload);
  memset (b->data + b->len - payload, 0, payload);
  g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, &error));
  g_assert_no_error (error);
}

/* Data that is there but corrupt: the message names the file and what is wrong, each count in
 * its own sentence ("holds 1 image.", never "1 images"), and no hint to fetch the data, which
 * would not mend a folder of the user's; in the default MNIST folder, that fetching checks
 * the files' MD5 sums. */
static void
test_corrupt_data (void)
{
  g_autofree char *dir = tmp_path ("corrupt-data");
  g_autofree char *out = tmp_path ("corrupt.safetensors");
  g_autofree char *images = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  const guint32 one[3] = { 1, 28, 28 }, two[1] = { 2 }, one_label[1] = { 1 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_idx (dir, "train-images-idx3-ubyte", 0x803, one, 3, 28 * 28);
  write_idx (dir, "train-labels-idx1-ubyte", 0x801, two, 1, 2);
  write_idx (dir, "t10k-images-idx3-ubyte", 0x803, one, 3, 28 * 28);
  write_idx (dir, "t10k-labels-idx1-ubyte", 0x801, one_label, 1, 1);
  {
    g_autoptr(Run) r = RUN ("train", "--data", dir, "--out", out);

    assert_failure (r, images);
    g_assert_nonnull (strstr (r->err, "train-images-idx3-ubyte holds 1 image."));
    g_assert_nonnull (strstr (r->err, "train-labels-idx1-ubyte holds 2 labels:"));
    g_assert_null (strstr (r->err, " 1 images"));
    g_assert_null (strstr (r->err, "dev.sh"));
    g_assert_null (strstr (r->err, "fetch-mnist"));
  }
  /* a truncated file: named, and not to be fetched either */
  write_idx (dir, "train-images-idx3-ubyte", 0x803, one, 3, 100);
  write_idx (dir, "train-labels-idx1-ubyte", 0x801, one_label, 1, 1);
  {
    g_autoptr(Run) r = RUN ("train", "--data", dir, "--out", out);

    assert_failure (r, images);
    g_assert_null (strstr (r->err, "dev.sh"));
  }
  /* the same files where ./dev.sh data puts MNIST: it would fetch them again */
  {
    g_autoptr(Run) r = run_with_env (NULL, (const char * const[]) { "train", "--out", out, NULL },
                                     NULL, (const char * const[]) { "RESLAB_DATA_DIR", dir,
                                                                    NULL });

    assert_failure (r, images);
    g_assert_nonnull (strstr (r->err, "./dev.sh data (or data/fetch-mnist.sh) checks the MNIST"
                                      " files against their MD5 sums"));
  }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  test_rm_rf (dir);
}

static void
test_missing_model (void)
{
  g_autofree char *model = tmp_path ("no-such-model.safetensors");
  g_autoptr(Run) eval = RUN ("eval", "--data", data_dir, "--model", model);
  g_autoptr(Run) predict = RUN ("predict", "--model", model, "whatever.png");
  g_autoptr(Run) info = RUN ("info", model);

  assert_failure (eval, model);
  assert_failure (predict, model);
  assert_failure (info, model);
}

static void
test_corrupt_model (void)
{
  g_autofree char *model = tmp_path ("random.safetensors");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 junk[4096];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = g_rand_int_range (rand, 0, 256);
  g_assert_true (g_file_set_contents (model, (const char *) junk, sizeof junk, NULL));

  {
    g_autoptr(Run) eval = RUN ("eval", "--data", data_dir, "--model", model);
    g_autoptr(Run) predict = RUN ("predict", "--model", model, "whatever.png");
    g_autoptr(Run) info = RUN ("info", model);

    assert_failure (eval, model);
    assert_failure (predict, model);
    assert_failure (info, model);
  }
}

/* A model file: @arch on 1x28x28 inputs and 10 classes, with its tensors when the model can be
 * built (@with_tensors), else with none. */
static char *
write_model (const char *name, const char *arch_text, gboolean with_tensors)
{
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = NULL;
  char *path = tmp_path (name);

  if (with_tensors)
    {
      g_autoptr(RlArch) arch = rl_arch_parse (arch_text, &error);

      g_assert_no_error (error);
      model = rl_model_new_mnist (arch, &error);
      g_assert_no_error (error);
      rl_model_init_params (model, 1);
      g_assert_true (rl_model_save (model, path, NULL, &error));
    }
  else
    {
      g_hash_table_insert (metadata, "arch", (gpointer) arch_text);
      g_assert_true (rl_safetensors_save (path, NULL, 0, metadata, &error));
    }
  g_assert_no_error (error);
  return path;
}

/* The hostile files of issue #12 through reslab-cli: a model that read past a heap buffer
 * runs right, the memory bombs fail with status 1 and a message naming the file and the limit,
 * within the test's memory (G_DEBUG=fatal-warnings would turn an allocation failure into an
 * abort, which run_in refuses). */
static void
test_hostile_models (void)
{
  g_autofree char *image = tmp_path ("hostile-digit.pgm");
  g_autofree char *narrow = write_model ("narrow.safetensors",
                                         "gap c=conv(1,k=3,s=2,p=1) fc=linear(10)", TRUE);
  g_autofree char *empty = write_model ("no-tensors.safetensors",
                                        "c=conv(4096,k=1) fc=linear(16)", FALSE);
  g_autoptr(GString) wide_arch = g_string_new ("c=conv(20000,k=1)");
  g_autoptr(GString) deep_arch = g_string_new ("c=conv(1,k=1)");
  g_autofree char *wide = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *relu_arg = write_model ("relu-arg.safetensors",
                                           "c=conv(2,k=1) relu(117) fc=linear(10)", FALSE);
  g_autoptr(GString) pgm = g_string_new ("P2\n3 3\n255\n");

  for (int i = 0; i < 9; i++)
    g_string_append_printf (pgm, "%d ", i == 4 ? 0 : 255);
  g_assert_true (g_file_set_contents (image, pgm->str, -1, NULL));
  for (int i = 0; i < 100; i++)
    g_string_append (wide_arch, " relu");
  g_string_append (wide_arch, " gap fc=linear(10)");
  wide = write_model ("wide.safetensors", wide_arch->str, FALSE);
  for (int i = 0; i < 26000; i++)
    g_string_append (deep_arch, " relu");
  g_string_append (deep_arch, " fc=linear(10)");
  deep = write_model ("deep.safetensors", deep_arch->str, FALSE);

  {
    g_autoptr(Run) ok = RUN ("predict", "--model", narrow, image);
    g_autoptr(Run) e = RUN ("predict", "--model", empty, image);
    g_autoptr(Run) w = RUN ("predict", "--model", wide, image);
    g_autoptr(Run) d = RUN ("eval", "--data", data_dir, "--model", deep);
    g_autoptr(Run) r = RUN ("predict", "--model", relu_arg, image);

    g_assert_cmpint (ok->status, ==, 0);
    g_assert_nonnull (strstr (ok->out, image));
    assert_failure (e, empty);
    g_assert_nonnull (strstr (e->err, "missing"));
    assert_failure (w, wide);
    g_assert_nonnull (strstr (w->err, "activations per image"));
    assert_failure (d, deep);
    g_assert_nonnull (strstr (d->err, "26002 layers"));
    assert_failure (r, relu_arg);
    g_assert_nonnull (strstr (r->err, "relu"));
  }
}

/* The engine's messages are translated through the project's domain (#17): in zh_CN, a bad
 * --arch says what is wrong in Chinese, not in English. Needs the zh_CN.UTF-8 locale and the
 * build's translations ($RESLAB_TEST_LOCALEDIR); without them, a skip with the reason. */
static void
test_arch_error_zh (void)
{
  const char *localedir = g_getenv ("RESLAB_TEST_LOCALEDIR");
  g_autofree char *mo = NULL;
  g_autofree char *old = g_strdup (setlocale (LC_ALL, NULL));
  gboolean have_zh = setlocale (LC_ALL, "zh_CN.UTF-8") != NULL;

  setlocale (LC_ALL, old);
  if (!have_zh)
    {
      g_test_skip ("the zh_CN.UTF-8 locale is not installed (locale-gen zh_CN.UTF-8; "
                   "./dev.sh setup does)");
      return;
    }
  if (localedir == NULL
      || !g_file_test ((mo = g_build_filename (localedir, "zh_CN", "LC_MESSAGES", "reslab.mo",
                                               NULL)), G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no zh_CN translation built: RESLAB_TEST_LOCALEDIR must name the build's po/");
      return;
    }

  {
    const char * const env[] = {
      "LANGUAGE", "zh_CN", "LANG", "zh_CN.UTF-8", "LC_ALL", "zh_CN.UTF-8",
      "RESLAB_LOCALEDIR", localedir, NULL,
    };
    const char * const args[] = {
      "train", "--arch", "c=conv(8,k=3) relu maxpol(2) r=res(8) gap fc=linear(10)", NULL,
    };
    g_autoptr(Run) r = run_with_env (NULL, args, NULL, env);

    g_assert_cmpint (r->status, ==, 2);
    g_assert_cmpstr (r->out, ==, "");
    g_assert_null (strstr (r->err, "unknown layer kind"));
    g_assert_nonnull (strstr (r->err, "第3层：未知的层类型“maxpol”"));
  }
}

/* `info --arch`: the net's description, one line that parses back to the same net; the seed
 * net's for a file without one (as the loader reads it); a clear failure for a bad one (#16). */
static void
test_info_arch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) resnet = rl_arch_new_cifar (8, TRUE, RL_SHORTCUT_B, TRUE, &error);
  g_autofree char *resnet_text = rl_arch_to_string (resnet);
  g_autofree char *resnet_line = g_strconcat (resnet_text, "\n", NULL);
  g_autofree char *model = write_model ("info-arch.safetensors", resnet_text, TRUE);
  g_autofree char *bad = write_model ("info-bad-arch.safetensors",
                                      "c=conv(2,k=1) relu(117) fc=linear(10)", FALSE);
  g_autofree char *bare = tmp_path ("info-no-arch.safetensors");
  g_autoptr(GHashTable) no_metadata = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (error);
  g_assert_true (rl_safetensors_save (bare, NULL, 0, no_metadata, &error));
  g_assert_no_error (error);

  {
    g_autoptr(Run) r = RUN ("info", "--arch", model);
    g_autoptr(Run) seed = RUN ("info", "--arch", bare);
    g_autoptr(Run) bundled = RUN ("info", "--arch", "--bundled");
    g_autoptr(Run) b = RUN ("info", "--arch", bad);
    g_autoptr(Run) none = RUN ("info", "--arch");
    g_autoptr(RlArch) back = NULL;
    g_autofree char *back_text = NULL;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_cmpstr (r->out, ==, resnet_line);
    g_assert_cmpstr (r->err, ==, "");
    g_assert_nonnull (strstr (r->out, "layer2.0=res(32,s=2,shortcut=B,bn=1)"));
    back = rl_arch_parse (r->out, &error);
    g_assert_no_error (error);
    back_text = rl_arch_to_string (back);
    g_assert_cmpstr (back_text, ==, resnet_text);

    g_assert_cmpint (seed->status, ==, 0);
    g_assert_cmpstr (seed->out, ==, RL_ARCH_SEED "\n");
    g_assert_cmpint (bundled->status, ==, 0);
    g_assert_cmpstr (bundled->out, ==, RL_ARCH_SEED "\n");

    assert_failure (b, bad);
    g_assert_nonnull (strstr (b->err, "arch"));
    g_assert_cmpstr (b->out, ==, "");
    assert_usage_error (none, "FILE");
  }
}

/* The seed net bundled in the program, as info, read and teach find it without a file:
 * `info --bundled` lists it under its resource's name, and a model taught from it (teach with no
 * --model) names it in its metadata. */
static void
test_bundled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) test = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_autoptr(RlDataset) few = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autofree char *mine = tmp_path ("bundled-mine");
  g_autofree char *out = tmp_path ("bundled-taught.safetensors");
  g_autoptr(Run) info = RUN ("info", "--bundled");
  g_autoptr(Run) teach = NULL;

  g_assert_cmpint (info->status, ==, 0);
  g_assert_cmpstr (info->err, ==, "");
  g_assert_true (g_str_has_prefix (info->out, "resource:///"));
  g_assert_nonnull (strstr (info->out, "\nmetadata:\n"));
  g_assert_nonnull (strstr (info->out, "\ntensors:\n"));
  g_assert_nonnull (strstr (info->out, "\ntotal: "));

  g_assert_no_error (error);
  few = rl_dataset_new_subset (test, 8);
  g_assert_true (rl_userset_save (few, mine, &error));
  g_assert_no_error (error);
  teach = RUN ("teach", "--mine", mine, "--out", out, "--steps", "1", "--replay", "0");
  g_assert_cmpint (teach->status, ==, 0);
  g_assert_cmpstr (teach->err, ==, "");
  g_assert_nonnull (strstr (teach->out, "read correctly: "));
  st = rl_safetensors_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "taught_from"), ==, "the bundled seed net");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "taught_digits"), ==, "8");
}

/* The output is checked before the first batch, not after the training (#12). */
static void
test_train_unwritable_out (void)
{
  g_autofree char *missing_dir = tmp_path ("no-such-dir/model.safetensors");
  g_autoptr(Run) missing = RUN ("train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                                "--out", missing_dir);
  g_autoptr(Run) dir = RUN ("train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                            "--out", tmp_dir);

  assert_failure (missing, missing_dir);
  g_assert_cmpstr (missing->out, ==, "");
  assert_failure (dir, tmp_dir);
  g_assert_nonnull (strstr (dir->err, "directory"));
  g_assert_cmpstr (dir->out, ==, "");
}

/* A learning rate that sends the weights or the loss to NaN: exit 1, and no model file (#12:
 * --lr 1e30 saved 33,469 NaN weights with exit 0). Not 1e30 here: which way such a step goes
 * hangs on the rounding of the first gradient, and with the portable kernel (no FMA on
 * baseline x86-64) 1e30 turns every ReLU off, a dead net whose weights stay finite, rightly
 * saved. 1e10 diverges on every kernel (portable, AVX2, AVX-512, aarch64's NEON). */
static void
test_train_diverged_not_saved (void)
{
  g_autofree char *out = tmp_path ("diverged.safetensors");
  g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "640", "--epochs", "1",
                          "--threads", "1", "--lr", "1e10", "--out", out);

  assert_failure (r, "learning rate");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* ---- Training, info, eval ----------------------------------------------------------------- */

/* Trained once, on first use; removed with the temporary directory. */
static char *quick_path;
static Run *quick_run;

/* The quick model: 640 images, one epoch, batch 2 (320 batches: one loss line). */
static const char *
quick_model (Run **train_run)
{
  if (quick_path == NULL)
    {
      quick_path = tmp_path ("quick.safetensors");
      quick_run = RUN ("train", "--data", data_dir, "--limit", "640", "--epochs", "1",
                       "--batch", "2", "--threads", "1", "--out", quick_path);
    }
  if (train_run != NULL)
    *train_run = quick_run;
  return quick_path;
}

/* Whether @text has a line matching @pattern (use ^ and $ for whole lines). */
static gboolean
match (const char *pattern, const char *text)
{
  return g_regex_match_simple (pattern, text, G_REGEX_MULTILINE, 0);
}

/* The paper's step schedule: the learning rate divided by 10 at the start of each epoch named,
 * said in the log and kept in the file's metadata; the training error of each epoch printed. */
static void
test_train_lr_drops (void)
{
  g_autofree char *out = tmp_path ("drops.safetensors");
  g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "256", "--epochs", "3",
                          "--threads", "1", "--lr", "0.05", "--lr-drop-at", "2,3", "--out", out);
  g_autoptr(Run) info = NULL;

  g_assert_cmpint (r->status, ==, 0);
  g_test_message ("%s", r->out);
  g_assert_true (match ("^learning rate 0\\.005 from epoch 2$", r->out));
  g_assert_true (match ("^learning rate 0\\.0005 from epoch 3$", r->out));
  g_assert_false (match ("from epoch 4", r->out));
  g_assert_true (match ("^epoch 3: .* training error \\d+\\.\\d\\d %", r->out));
  info = RUN ("info", out);
  g_assert_cmpint (info->status, ==, 0);
  g_assert_true (match ("^  lr_drop_at +2,3$", info->out));
}

/* eval --responses: one line per weight layer of the seed net (conv1, the blocks' two convs,
 * conv2), each a finite, positive standard deviation. */
static void
test_eval_responses (void)
{
  const char *model = quick_model (NULL);
  const char *names[] = { "conv1", "rblock1.conv1", "rblock1.conv2", "conv2", "rblock2.conv1",
                          "rblock2.conv2" };
  g_autoptr(Run) eval = RUN ("eval", "--data", data_dir, "--model", model, "--responses", "50");
  const char *at;

  g_assert_cmpint (eval->status, ==, 0);
  g_test_message ("%s", eval->out);
  at = strstr (eval->out, "\nresponse std on the first 50 test images");
  g_assert_nonnull (at);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *pattern = g_strdup_printf ("\n  %s +([0-9.]+)\n", names[i]);
      g_autoptr(GRegex) re = g_regex_new (pattern, 0, 0, NULL);
      g_autoptr(GMatchInfo) mi = NULL;
      g_autofree char *v = NULL;

      g_assert_true (g_regex_match (re, at, 0, &mi));
      v = g_match_info_fetch (mi, 1);
      g_assert_cmpfloat (g_ascii_strtod (v, NULL), >, 0.0);
      g_assert_cmpfloat (g_ascii_strtod (v, NULL), <, 100.0);
    }
}

static void
test_train_and_info (void)
{
  Run *train;
  const char *model = quick_model (&train);
  g_autoptr(GRegex) acc_re = g_regex_new ("^test accuracy (\\d+)\\.(\\d\\d)% \\((\\d+)/100\\)$",
                                          G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) seed_re = g_regex_new ("^Accuracy on the test set (\\d+) %$",
                                           G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) acc = NULL;
  g_autoptr(GMatchInfo) seed_acc = NULL;
  g_autofree char *correct_s = NULL;
  g_autofree char *percent_s = NULL;
  g_autofree char *seed_s = NULL;
  g_autofree char *want_meta = NULL;
  int correct;

  g_assert_cmpint (train->status, ==, 0);
  g_assert_cmpstr (train->err, ==, "");   /* stdout is no terminal: no progress line */
  g_test_message ("%s", train->out);

  /* The seed's formats, exactly. */
  g_assert_true (match ("^\\[1,   300\\] loss: \\d+\\.\\d{3}$", train->out));
  g_assert_false (match ("^\\[1,   600\\]", train->out));
  g_assert_true (match ("^epoch 1: \\d+\\.\\d\\d s training, \\d+ images/s, training error"
                        " \\d+\\.\\d\\d % \\(in training mode, as the weights moved\\)$", train->out));
  g_assert_true (g_regex_match (acc_re, train->out, 0, &acc));
  g_assert_true (g_regex_match (seed_re, train->out, 0, &seed_acc));
  correct_s = g_match_info_fetch (acc, 3);
  percent_s = g_match_info_fetch (acc, 1);
  seed_s = g_match_info_fetch (seed_acc, 1);
  correct = atoi (correct_s);
  /* On 100 test images the percentage is the count; the seed's line truncates. */
  g_assert_cmpint (atoi (percent_s), ==, correct);
  g_assert_cmpint (atoi (seed_s), ==, correct);
  /* One epoch on 640 images already beats chance by far (measured: 90 of 100). */
  g_assert_cmpint (correct, >=, 50);
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));

  {
    g_autoptr(Run) info = RUN ("info", model);
    const char *keys[] = { "arch", "batch", "classes", "created", "dataset", "epochs", "input",
                           "lr", "momentum", "seed", "test_accuracy" };
    const char *prev = info->out;

    g_assert_cmpint (info->status, ==, 0);
    g_test_message ("%s", info->out);
    /* Sorted keys. */
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_autofree char *line = g_strdup_printf ("\n  %s ", keys[i]);
        const char *at = strstr (info->out, line);

        g_assert_nonnull (at);
        g_assert_true (at > prev);
        prev = at;
      }
    g_assert_true (match ("^  dataset +mnist$", info->out));
    g_assert_true (match ("^  epochs +1$", info->out));
    g_assert_true (match ("^  batch +2$", info->out));
    g_assert_true (match ("^  created +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", info->out));
    want_meta = g_strdup_printf ("^  test_accuracy +%d\\.%04d$", correct / 100,
                                 (correct % 100) * 100);
    g_assert_true (match (want_meta, info->out));
    g_assert_true (match ("^  conv1\\.weight +\\[16, 1, 5, 5\\] +400$", info->out));
    g_assert_true (match ("^  fc\\.weight +\\[10, 512\\] +5120$", info->out));
    /* The seed net: 416 + 4,640 + 12,832 + 18,496 + 5,130. */
    g_assert_true (match ("^total: 41514 parameters in 14 tensors$", info->out));
  }

  {
    /* The same weights and thread count: eval agrees with train's last evaluation. */
    g_autoptr(Run) eval = RUN ("eval", "--data", data_dir, "--model", model, "--threads", "1");
    g_autofree char *acc_line = g_strdup_printf ("\ntest accuracy %d.00%% (%d/100)\n", correct,
                                                 correct);
    g_auto(GStrv) lines = NULL;
    int total = 0, diagonal = 0, row = 0;
    gboolean in_matrix = FALSE;

    g_assert_cmpint (eval->status, ==, 0);
    g_test_message ("%s", eval->out);
    g_assert_nonnull (strstr (eval->out, acc_line));

    /* The confusion matrix: a header, then rows "label n0 .. n9 accuracy%". */
    lines = g_strsplit (eval->out, "\n", -1);
    for (int i = 0; lines[i] != NULL; i++)
      {
        g_auto(GStrv) f = NULL;

        if (g_str_has_prefix (lines[i], "confusion matrix"))
          {
            in_matrix = TRUE;
            i++;     /* column headers */
            g_assert_true (match ("^ +0 +1 +2 +3 +4 +5 +6 +7 +8 +9  accuracy$", lines[i]));
            continue;
          }
        if (!in_matrix || lines[i][0] == '\0')
          continue;
        f = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
        {
          int n = 0, col = 0;

          for (int k = 0; f[k] != NULL; k++)
            {
              if (f[k][0] == '\0')
                continue;
              if (n == 0)
                g_assert_cmpint (atoi (f[k]), ==, row);
              else if (n <= 10)
                {
                  total += atoi (f[k]);
                  diagonal += col == row ? atoi (f[k]) : 0;
                  col++;
                }
              n++;
            }
          g_assert_cmpint (n, ==, 12);
        }
        row++;
      }
    g_assert_cmpint (row, ==, 10);
    g_assert_cmpint (total, ==, 100);
    g_assert_cmpint (diagonal, ==, correct);
  }
}

static void
test_train_default_out (void)
{
  /* Without --out the file is reslab-<arch>-<dataset>.safetensors in the current directory. */
  g_autofree char *cwd = tmp_path ("cwd");
  g_autofree char *want = g_build_filename (cwd, "reslab-seed-mnist.safetensors", NULL);
  g_autoptr(Run) r = NULL;

  g_assert_cmpint (g_mkdir (cwd, 0700), ==, 0);
  r = run_in (cwd, (const char * const[]) { "train", "--data", data_dir, "--limit", "64",
                                            "--epochs", "1", "--threads", "1", NULL });
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_file_test (want, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (r->out, "saved reslab-seed-mnist.safetensors"));
  g_unlink (want);
  g_rmdir (cwd);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  tmp_dir = test_make_tmp_dir ("reslab-cli-test-XXXXXX");

  g_test_add_func ("/app/cli/usage", test_usage);
  g_test_add_func ("/app/cli/train-bad-options", test_train_bad_options);
  g_test_add_func ("/app/cli/other-bad-options", test_other_bad_options);
  g_test_add_func ("/app/cli/arch-depth-and-bytes", test_arch_depth_and_bytes);
  g_test_add_func ("/app/cli/missing-data", test_missing_data);
  g_test_add_func ("/app/cli/corrupt-data", test_corrupt_data);
  g_test_add_func ("/app/cli/missing-model", test_missing_model);
  g_test_add_func ("/app/cli/corrupt-model", test_corrupt_model);
  g_test_add_func ("/app/cli/hostile-models", test_hostile_models);
  g_test_add_func ("/app/cli/info-arch", test_info_arch);
  g_test_add_func ("/app/cli/arch-error-zh", test_arch_error_zh);
  g_test_add_func ("/app/cli/bundled", test_bundled);
  g_test_add_func ("/app/cli/info-stdin", test_info_stdin);
  g_test_add_func ("/app/cli/train-unwritable-out", test_train_unwritable_out);
  g_test_add_func ("/app/cli/train-diverged-not-saved", test_train_diverged_not_saved);
  g_test_add_func ("/app/cli/train-and-info", test_train_and_info);
  g_test_add_func ("/app/cli/train-lr-drops", test_train_lr_drops);
  g_test_add_func ("/app/cli/eval-responses", test_eval_responses);
  g_test_add_func ("/app/cli/train-default-out", test_train_default_out);

  status = g_test_run ();
  test_rm_rf (tmp_dir);
  g_clear_pointer (&quick_run, run_free);
  g_free (quick_path);
  g_free (tmp_dir);
  g_free (data_dir);
  return status;
}
