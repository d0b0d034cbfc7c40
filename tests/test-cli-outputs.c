/* test-cli-outputs.c: what reslab-cli writes, and what it must never write over (#12).
 *
 * Run as a program (the binary in $RESLAB_CLI) on tests/data/mnist-mini and a copy of the
 * bundled seed model: an output that is an input, or an existing file of another kind, is
 * refused before the work, naming the file, and left as it was; a figure or a model is written
 * through a temporary file and a rename; bad files given as input (devices, huge files) are
 * refused by name; and a failed write to standard output is an error.
 */

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-test-utils.h"
#include "mnist-test-utils.h"
#include "rl-dataset.h"
#include "rl-landscape.h"
#include "rl-model.h"
#include "rl-safetensors.h"
#include "rl-userset.h"

static char *tmp_dir;         /* removed at the end */
static char *data_dir;        /* tests/data/mnist-mini */
static char *model_path;      /* a copy of the seed model in tmp_dir */
static char *png_path;        /* a digit of mnist-mini's test set, as PNG, in tmp_dir */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* Runtime failure: status 1, nothing on stdout, a prefixed message naming @what. */
static void
assert_failure (const Run *r, const char *what)
{
  g_assert_cmpint (r->status, ==, 1);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_true (g_str_has_prefix (r->err, "reslab-cli: "));
  g_assert_nonnull (strstr (r->err, what));
}

/* Usage error: status 2, nothing on stdout, the message names @what. */
static void
assert_usage (const Run *r, const char *what)
{
  g_assert_cmpint (r->status, ==, 2);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_nonnull (strstr (r->err, what));
}

static char *
read_file (const char *path, gsize *len)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return contents;
}

static void
write_file (const char *path, const char *contents, gssize len)
{
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
}

/* Whether the file at @path holds exactly @len bytes @want. */
static void
assert_unchanged (const char *path, const char *want, gsize len)
{
  gsize got_len = 0;
  g_autofree char *got = read_file (path, &got_len);

  g_assert_cmpuint (got_len, ==, len);
  g_assert_true (memcmp (got, want, len) == 0);
}

static gboolean
is_png (const char *path)
{
  gsize len = 0;
  g_autofree char *data = read_file (path, &len);

  return len > 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0;
}

/* ---- explain --out -------------------------------------------------------------------------- */

/* The figure is never written over an input (the image, the model, by any name: ./path, a hard
 * link), nor over an existing file that is no PNG; a name that is not .png is refused. */
static void
test_explain_out_refused (void)
{
  g_autofree char *linked_path = tmp_path ("digit-link.png");
  g_autofree char *notes = tmp_path ("notes.png");
  g_autofree char *svg = tmp_path ("e.svg");
  g_autofree char *img = NULL;
  g_autofree char *model = NULL;
  gsize img_len = 0, model_len = 0;
  const char *notes_text = "my notes, not a picture\n";

  img = read_file (png_path, &img_len);
  model = read_file (model_path, &model_len);
  g_assert_cmpint (link (png_path, linked_path), ==, 0);
  write_file (notes, notes_text, -1);
  {
    g_autoptr(Run) same = RUN ("explain", "-m", model_path, png_path, "--out", png_path);
    g_autoptr(Run) linked = RUN ("explain", "-m", model_path, png_path, "--out", linked_path);
    g_autoptr(Run) dot = run_in (tmp_dir, (const char * const[]) {
                                   "explain", "-m", "model.safetensors", "digit.png", "--out",
                                   "./digit.png", NULL });

    assert_failure (same, png_path);
    assert_failure (linked, linked_path);
    assert_failure (dot, "digit.png");
  }
  {
    g_autoptr(Run) r = RUN ("explain", "-m", model_path, png_path, "--out", model_path);

    /* .safetensors is no PNG name: refused before the file is looked at */
    assert_usage (r, model_path);
  }
  {
    g_autoptr(Run) r = RUN ("explain", "-m", model_path, png_path, "--out", notes);

    assert_failure (r, notes);
    assert_unchanged (notes, notes_text, strlen (notes_text));
  }
  {
    g_autoptr(Run) r = RUN ("explain", "-m", model_path, png_path, "--out", svg);

    assert_usage (r, ".png");
    g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));
  }
  assert_unchanged (png_path, img, img_len);
  assert_unchanged (model_path, model, model_len);
  g_assert_cmpint (g_unlink (linked_path), ==, 0);
  g_assert_cmpint (g_unlink (notes), ==, 0);
}

/* An existing PNG is replaced by a new file renamed over it, not rewritten in place: a second
 * name of the old file (a hard link, a backup) keeps the old figure, and no temporary file is
 * left beside it. */
static void
test_explain_out_replaced (void)
{
  g_autofree char *out = tmp_path ("explained.png");
  g_autofree char *backup = tmp_path ("explained-backup.png");
  g_autofree char *old = NULL;
  gsize old_len = 0;

  {
    g_autoptr(Run) r = RUN ("explain", "-m", model_path, png_path, "--out", out);

    g_assert_cmpint (r->status, ==, 0);
    g_assert_true (is_png (out));
  }
  g_assert_cmpint (link (out, backup), ==, 0);
  old = read_file (out, &old_len);
  {
    g_autoptr(Run) r = RUN ("explain", "-m", model_path, "--class", "3", png_path, "--out", out);
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_true (is_png (out));
    assert_unchanged (backup, old, old_len);
    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (strstr (name, "explained.png.") != NULL);
  }
  g_assert_cmpint (g_unlink (out), ==, 0);
  g_assert_cmpint (g_unlink (backup), ==, 0);
}

/* ---- train, teach --out; eval --errors ------------------------------------------------------ */

/* @src copied to @dst. */
static void
copy_file (const char *src, const char *dst)
{
  gsize len = 0;
  g_autofree char *data = read_file (src, &len);

  write_file (dst, data, (gssize) len);
}

/* Runs @args, which must fail before any work (nothing on stdout) naming @path, and leave the
 * file at @path as it was. */
static void
assert_refused_unchanged (const char * const *args, const char *path)
{
  gsize len = 0;
  g_autofree char *before = read_file (path, &len);
  g_autoptr(Run) r = run (args);

  assert_failure (r, path);
  assert_unchanged (path, before, len);
}

/* Neither train nor teach writes its model over the data it reads, nor over any file that is
 * not a model, nor into a directory: refused before the training. */
static void
test_model_out_refused (void)
{
  g_autofree char *mine = tmp_path ("mine");
  g_autofree char *mine_labels = g_build_filename (mine, RL_USERSET_LABELS, NULL);
  g_autofree char *mine_images = g_build_filename (mine, RL_USERSET_IMAGES, NULL);
  g_autofree char *data_copy = tmp_path ("data");
  g_autofree char *t10k = g_build_filename (data_copy, "t10k-images-idx3-ubyte.gz", NULL);
  g_autofree char *notes = tmp_path ("notes.safetensors");
  g_autofree char *out = tmp_path ("trained.safetensors");
  g_autofree char *initial = rl_landscape_initial_path (out);
  const char *names[] = { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                          "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" };

  mnist_test_make_mine (mine);
  g_assert_cmpint (g_mkdir (data_copy, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *src = g_build_filename (data_dir, names[i], NULL);
      g_autofree char *dst = g_build_filename (data_copy, names[i], NULL);

      copy_file (src, dst);
    }
  write_file (notes, "{\"not\": \"a model\"}\n", -1);

  assert_refused_unchanged ((const char * const[]) {
                              "train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                              "--extra", mine, "--out", mine_labels, NULL }, mine_labels);
  assert_refused_unchanged ((const char * const[]) {
                              "train", "--data", data_copy, "--limit", "64", "--epochs", "1",
                              "--out", t10k, NULL }, t10k);
  assert_refused_unchanged ((const char * const[]) {
                              "train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                              "--out", notes, NULL }, notes);
  assert_refused_unchanged ((const char * const[]) {
                              "teach", "--mine", mine, "--steps", "1", "--replay", "0",
                              "--out", mine_images, NULL }, mine_images);
  assert_refused_unchanged ((const char * const[]) {
                              "teach", "--mine", mine, "--steps", "1", "--replay", "0",
                              "--out", notes, NULL }, notes);
  {
    /* refused before the fine-tuning, not after it is printed */
    g_autoptr(Run) r = RUN ("teach", "--mine", mine, "--steps", "1", "--replay", "0", "--out",
                            tmp_dir);

    assert_failure (r, "directory");
  }
  /* --keep-initial: the initial weights' file is checked as the model's is */
  write_file (initial, "initial notes\n", -1);
  assert_refused_unchanged ((const char * const[]) {
                              "train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                              "--keep-initial", "--out", out, NULL }, initial);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (initial), ==, 0);
  g_assert_cmpint (g_unlink (notes), ==, 0);
}

/* A model file is replaced by a new one; so is an empty file (what mktemp leaves). */
static void
test_model_out_replaced (void)
{
  g_autofree char *out = tmp_path ("replaced.safetensors");

  copy_file (model_path, out);
  {
    g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                            "--threads", "1", "--out", out);

    g_assert_cmpint (r->status, ==, 0);
  }
  write_file (out, "", 0);
  {
    g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                            "--threads", "1", "--out", out);

    g_assert_cmpint (r->status, ==, 0);
  }
  g_assert_cmpint (g_unlink (out), ==, 0);
}

/* eval --errors on a file: refused before the evaluation is printed. */
static void
test_eval_errors_not_dir (void)
{
  g_autofree char *file = tmp_path ("errors-file");

  write_file (file, "a file\n", -1);
  assert_refused_unchanged ((const char * const[]) {
                              "eval", "--data", data_dir, "--model", model_path, "--errors", file,
                              NULL }, file);
  g_assert_cmpint (g_unlink (file), ==, 0);
}

/* eval --errors over files already in its folder: only those it writes there are replaced; a
 * file of the user's by one of those names (a text, a folder, a pipe, another user's PNG) is
 * refused before the evaluation, and left as it was. */
static void
test_eval_errors_files_refused (void)
{
  g_autofree char *dir = tmp_path ("errors-kept");
  g_autofree char *csv = g_build_filename (dir, "confusion.csv", NULL);
  g_autofree char *mcsv = g_build_filename (dir, "mistakes.csv", NULL);
  g_autofree char *png = g_build_filename (dir, "confusion.png", NULL);
  g_autofree char *mpng = g_build_filename (dir, "mistakes.png", NULL);
  const char * const args[] = { "eval", "--data", data_dir, "--model", model_path, "--errors",
                                dir, NULL };
  const char *notes = "my notes\n";

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  write_file (csv, notes, -1);
  assert_refused_unchanged (args, csv);
  g_assert_cmpint (g_unlink (csv), ==, 0);
  write_file (mcsv, "index,true\n1,2\n", -1);
  assert_refused_unchanged (args, mcsv);
  g_assert_cmpint (g_unlink (mcsv), ==, 0);
  write_file (mpng, notes, -1);
  assert_refused_unchanged (args, mpng);
  g_assert_cmpint (g_unlink (mpng), ==, 0);
  g_assert_cmpint (g_mkdir (png, 0700), ==, 0);
  {
    g_autoptr(Run) r = run (args);

    assert_failure (r, png);
    g_assert_true (g_file_test (png, G_FILE_TEST_IS_DIR));
  }
  g_assert_cmpint (g_rmdir (png), ==, 0);
  g_assert_cmpint (mkfifo (mpng, 0600), ==, 0);
  {
    g_autoptr(Run) r = run (args);
    GStatBuf sb;

    assert_failure (r, mpng);
    g_assert_cmpint (g_lstat (mpng, &sb), ==, 0);
    g_assert_true (S_ISFIFO (sb.st_mode));
  }
  g_assert_cmpint (g_unlink (mpng), ==, 0);

  /* its own files are replaced: a second run over the first */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(Run) r = run (args);

      g_assert_cmpint (r->status, ==, 0);
      g_assert_true (is_png (png));
    }
  /* another user's file, even of the right kind: a run as root (sudo) does not replace it */
  if (geteuid () == 0)
    {
      g_assert_cmpint (chown (mpng, 65534, 65534), ==, 0);
      assert_refused_unchanged (args, mpng);
    }
  else
    g_test_message ("not root: another user's file is not tried");
  test_rm_rf (dir);
}

/* An output named "-" (standard input and output, for the commands that read an IMAGE or a
 * FILE there) is refused before any work, not made as a file or folder called "-". */
static void
test_dash_out_refused (void)
{
  g_autofree char *dash = tmp_path ("-");
  g_autofree char *mine = tmp_path ("mine-dash");
  const char *cases[][20] = {
    { "train", "--data", data_dir, "--limit", "64", "--epochs", "1", "--threads", "1",
      "--out", "-" },
    { "teach", "--mine", mine, "--steps", "1", "--replay", "0", "--out", "-" },
    { "eval", "--data", data_dir, "--model", model_path, "--errors", "-" },
    { "experiment", "degradation", "--data", data_dir, "--depths", "8", "--subset", "64",
      "--test-subset", "64", "--threads", "1", "--out-dir", "-" },
    { "landscape", "--model", model_path, "--data", data_dir, "--grid", "3", "--images", "16",
      "--threads", "1", "--out-dir", "-" },
    { "read", "--compose", "2", "--data", data_dir, "--keep", "-" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) r = run_in (tmp_dir, cases[i]);

      assert_failure (r, "standard output");
      g_assert_false (g_file_test (dash, G_FILE_TEST_EXISTS));
    }
}

/* ---- an output where no file can be made ---------------------------------------------------- */

/* How a file made at @path (@in: in the folder @path; @folder: the folder @path) fails, as the
 * test itself sees it: "reslab-cli: cannot write PATH: REASON\n", the message every command
 * must give, with the system's reason. Returns NULL (nothing left behind) when it can be made. */
static char *
cannot_write_message (const char *path, gboolean folder, gboolean in)
{
  int saved = 0;

  if (in)
    {
      g_autofree char *probe = g_build_filename (path, "probe-XXXXXX", NULL);
      int fd = g_mkstemp (probe);

      if (fd < 0)
        saved = errno;
      else
        {
          close (fd);
          g_unlink (probe);
        }
    }
  else if (folder)
    {
      if (g_mkdir (path, 0755) != 0)
        saved = errno;
      else
        g_rmdir (path);
    }
  else
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL, 0644);

      if (fd < 0)
        saved = errno;
      else
        {
          close (fd);
          g_unlink (path);
        }
    }
  return saved == 0 ? NULL : g_strdup_printf ("reslab-cli: cannot write %s: %s\n", path,
                                              g_strerror (saved));
}

/* A folder where the test cannot make a file: a read-only one of its own; as root, for whom
 * that is writable, /sys (a file system that takes no new files, root or not). NULL: none. */
static char *
read_only_dir (void)
{
  g_autofree char *ro = tmp_path ("read-only");

  g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
  if (cannot_write_message (ro, FALSE, TRUE) != NULL)
    return g_steal_pointer (&ro);
  g_rmdir (ro);
  {
    g_autofree char *msg = cannot_write_message ("/sys", FALSE, TRUE);

    return msg != NULL ? g_strdup ("/sys") : NULL;
  }
}

/* Every command that writes a file says the same of an output it cannot write, before any
 * work: "cannot write PATH: REASON", the path as given and the system's reason; it exits with
 * 1 and leaves nothing there. Tried in a read-only folder and under a regular file (which no
 * one, root included, can make a file under). */
static void
test_unwritable_outputs (void)
{
  g_autofree char *ro = read_only_dir ();
  g_autofree char *under_file = tmp_path ("plain-file");
  g_autofree char *mine = tmp_path ("mine-unwritable");
  const char *parents[2] = { under_file, ro };

  write_file (under_file, "a file, not a folder\n", -1);
  if (ro == NULL)
    g_test_message ("no read-only folder here: only a path under a file is tried");
  for (guint p = 0; p < G_N_ELEMENTS (parents) && parents[p] != NULL; p++)
    {
      g_autofree char *model = g_build_filename (parents[p], "m.safetensors", NULL);
      g_autofree char *png = g_build_filename (parents[p], "e.png", NULL);
      g_autofree char *svg = g_build_filename (parents[p], "d.svg", NULL);
      g_autofree char *sub = g_build_filename (parents[p], "out", NULL);
      struct {
        const char *args[24];
        const char *path;
        gboolean folder, in;
      } cases[] = {
        { { "train", "--data", data_dir, "--limit", "64", "--epochs", "1", "--threads", "1",
            "--out", model }, model, FALSE, FALSE },
        { { "train", "--data", data_dir, "--limit", "64", "--epochs", "1", "--threads", "1",
            "--keep-initial", "--out", model }, model, FALSE, FALSE },
        { { "teach", "--mine", mine, "--steps", "1", "--replay", "0", "--out", model }, model,
          FALSE, FALSE },
        { { "diagram", "--arch", "seed", "--out", svg }, svg, FALSE, FALSE },
        { { "diagram", "--model", model_path, "--out", png }, png, FALSE, FALSE },
        { { "explain", "-m", model_path, png_path, "--out", png }, png, FALSE, FALSE },
        { { "eval", "--data", data_dir, "--model", model_path, "--errors", sub }, sub, TRUE,
          FALSE },
        { { "eval", "--data", data_dir, "--model", model_path, "--errors", parents[p] },
          parents[p], FALSE, TRUE },
        { { "experiment", "degradation", "--data", data_dir, "--depths", "8", "--subset", "64",
            "--test-subset", "64", "--threads", "1", "--out-dir", sub }, sub, TRUE, FALSE },
        { { "experiment", "degradation", "--data", data_dir, "--depths", "8", "--subset", "64",
            "--test-subset", "64", "--threads", "1", "--out-dir", parents[p] }, parents[p],
          FALSE, TRUE },
        { { "landscape", "--model", model_path, "--data", data_dir, "--grid", "3", "--images",
            "16", "--threads", "1", "--out-dir", parents[p] }, parents[p], FALSE, TRUE },
        { { "landscape", "--model", model_path, "--data", data_dir, "--grid", "3", "--images",
            "16", "--threads", "1", "--out-dir", sub }, sub, TRUE, FALSE },
        { { "read", "--compose", "2", "--data", data_dir, "--keep", parents[p] }, parents[p],
          FALSE, TRUE },
        { { "read", "--compose", "2", "--data", data_dir, "--keep", sub }, sub, TRUE, FALSE },
      };

      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autofree char *want = cannot_write_message (cases[i].path, cases[i].folder,
                                                        cases[i].in);
          g_autoptr(Run) r = run (cases[i].args);

          g_assert_nonnull (want);
          g_assert_cmpint (r->status, ==, 1);
          g_assert_cmpstr (r->err, ==, want);
          g_assert_cmpstr (r->out, ==, "");
        }
      /* nothing behind: no model, figure, folder or temporary file */
      if (strcmp (parents[p], "/sys") != 0 && parents[p] != under_file)
        {
          g_autoptr(GDir) dir = g_dir_open (parents[p], 0, NULL);

          g_assert_nonnull (dir);
          g_assert_null (g_dir_read_name (dir));
        }
    }
  g_assert_false (g_file_test (mine, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (under_file), ==, 0);
  if (ro != NULL && strcmp (ro, "/sys") != 0)
    g_assert_cmpint (g_rmdir (ro), ==, 0);
}

/* ---- train --keep-initial ------------------------------------------------------------------- */

/* A run that fails (here it diverges) leaves neither a model nor an initial file: the initial
 * weights are written with the model, after the training; and a run that ends writes both. */
static void
test_keep_initial_after_training (void)
{
  g_autofree char *out = tmp_path ("kept.safetensors");
  g_autofree char *initial = rl_landscape_initial_path (out);

  {
    g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "640", "--epochs", "1",
                            "--threads", "1", "--lr", "1e10", "--keep-initial", "--out", out);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (initial, G_FILE_TEST_EXISTS));
  }
  {
    g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--limit", "64", "--epochs", "1",
                            "--threads", "1", "--keep-initial", "--out", out);
    g_autoptr(GError) error = NULL;
    g_autoptr(RlSafetensors) st = NULL;
    g_autoptr(RlModel) model = rl_model_load (out, &st, &error);
    g_autoptr(RlModel) start = NULL;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_no_error (error);
    start = rl_landscape_load_initial (out, st, &error);
    g_assert_no_error (error);
    g_assert_nonnull (start);
    g_assert_true (rl_landscape_is_initial_of (initial, out));
  }
  g_assert_cmpint (g_unlink (out), ==, 0);
  g_assert_cmpint (g_unlink (initial), ==, 0);
}

/* The folder of --out removed while train runs, after the up-front check: the save fails as
 * every output that cannot be written does, "cannot write PATH: REASON", naming the model's
 * path (it said "Cannot create a temporary file to write PATH", the engine's own words). The
 * folder goes once the first epoch is logged; 149 more epochs of 64 images leave it 2 s. */
static void
test_model_folder_gone (void)
{
  g_autofree char *sub = tmp_path ("gone");
  g_autofree char *out = g_build_filename (sub, "m.safetensors", NULL);
  g_autofree char *want = NULL;
  const char *argv[] = { cli, "train", "--data", data_dir, "--limit", "64", "--epochs", "150",
                         "--threads", "1", "--out", out, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  char *line;
  gboolean logged = FALSE;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                  | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while (!logged && (line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    {
      logged = g_str_has_prefix (line, "epoch 1:");
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_true (logged);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  /* the rest of stdout, then stderr (a few lines: no pipe fills up meanwhile) */
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    g_free (line);
  g_assert_no_error (error);
  err = g_input_stream_read_bytes (g_subprocess_get_stderr_pipe (proc), 65536, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  want = g_strdup_printf ("reslab-cli: cannot write %s: %s\n", out, g_strerror (ENOENT));
  g_assert_cmpmem (g_bytes_get_data (err, NULL), g_bytes_get_size (err), want, strlen (want));
  g_assert_false (g_file_test (sub, G_FILE_TEST_EXISTS));
}

/* ---- Bad input files ------------------------------------------------------------------------ */

/* A device, a pipe or a file larger than any model, given as a model or an image: refused by
 * name before it is read (a device and an 8 GB file were read whole: GLib-ERROR, SIGTRAP). */
static void
test_not_regular_or_huge (void)
{
  g_autofree char *sparse = tmp_path ("huge.safetensors");
  g_autofree char *fifo = tmp_path ("pipe.safetensors");
  int fd = g_open (sparse, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  /* 8 GB of hole: nothing written, the size is what the loader sees */
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 8 << 30), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  {
    g_autoptr(Run) info_zero = RUN ("info", "/dev/zero");
    g_autoptr(Run) info_huge = RUN ("info", sparse);
    g_autoptr(Run) info_fifo = RUN ("info", fifo);
    g_autoptr(Run) predict_model = RUN ("predict", "-m", sparse, png_path);
    g_autoptr(Run) predict_zero = RUN ("predict", "-m", model_path, "/dev/zero");
    g_autoptr(Run) predict_fifo = RUN ("predict", "-m", model_path, fifo);

    assert_failure (info_zero, "/dev/zero");
    assert_failure (info_huge, sparse);
    g_assert_nonnull (strstr (info_huge->err, "larger than any model"));
    assert_failure (info_fifo, fifo);
    assert_failure (predict_model, sparse);
    g_assert_cmpint (predict_zero->status, ==, 1);
    g_assert_nonnull (strstr (predict_zero->err, "/dev/zero: is not a regular file"));
    g_assert_cmpint (predict_fifo->status, ==, 1);
    g_assert_nonnull (strstr (predict_fifo->err, "not a regular file"));
  }
  g_assert_cmpint (g_unlink (sparse), ==, 0);
  g_assert_cmpint (g_unlink (fifo), ==, 0);
}

/* ---- Standard output ---------------------------------------------------------------------- */

/* Runs reslab-cli with @args, its standard output /dev/full (every write fails: no space left
 * on device); returns its exit status, and its stderr in @err. */
static int
run_to_full (const char * const *args, char **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", *err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

/* Output that could not be written is a failure, said on stderr: `info m > /dev/full` and
 * `predict ... > /dev/full` exited 0. */
static void
test_stdout_full (void)
{
  const char *info[] = { "info", model_path, NULL };
  const char *predict[] = { "predict", "-m", model_path, png_path, NULL };
  const char *help[] = { "--help", NULL };
  const char * const *cases[] = { info, predict, help };

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full here");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_to_full (cases[i], &err), ==, 1);
      g_assert_nonnull (strstr (err, "reslab-cli: cannot write to standard output"));
    }
}

/* ---- Values that were "not given" ----------------------------------------------------------- */

/* A value equal to an option's old "not given" default is checked as any other: -1 slipped
 * through --limit, --join-overlap and --class, 0 through bench --batches (a whole epoch). */
static void
test_not_given_values (void)
{
  g_autofree char *out = tmp_path ("not-given.png");
  g_autoptr(Run) join = RUN ("read", "--join-overlap", "-1", png_path);
  g_autoptr(Run) klass = RUN ("explain", "-m", model_path, "--class", "-1", png_path, "--out",
                              out);
  g_autoptr(Run) batches = RUN ("bench", "--data", data_dir, "--no-torch", "--runs", "1",
                                "--threads", "1", "--batches", "0");
  /* 0 is no "not given": neither an image read instead, nor "no IMAGE given" */
  g_autoptr(Run) compose_img = RUN ("read", "--compose", "0", png_path);
  g_autoptr(Run) compose = RUN ("read", "--compose", "0", "--data", data_dir);

  assert_usage (join, "--join-overlap must be in (0, 1] (got -1)");
  assert_usage (klass, "--class must be between 0 and 9 (got -1)");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  assert_usage (batches, "--batches must be at least 1 (got 0)");
  assert_usage (compose_img, "--compose must be between 1 and");
  assert_usage (compose_img, "(got 0)");
  assert_usage (compose, "--compose must be between 1 and");
}

/* ---- Setup ---------------------------------------------------------------------------------- */

/* @png_path: the first digit of mnist-mini's test set, white ink on black, as a PNG. */
static void
make_digit_png (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) test = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  cairo_surface_t *s;
  unsigned char *px;
  int stride;

  g_assert_no_error (error);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 28, 28);
  cairo_surface_flush (s);
  px = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        guint8 v = test->images[y * 28 + x];

        ((guint32 *) (void *) (px + y * stride))[x] = (guint32) v << 16 | (guint32) v << 8 | v;
      }
  cairo_surface_mark_dirty (s);
  g_assert_cmpint (cairo_surface_write_to_png (s, png_path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_autofree char *seed = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  int status;

  g_test_init (&argc, &argv, NULL);
  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  seed = g_test_build_filename (G_TEST_DIST, "..", "resources", "models", "seed.safetensors",
                                NULL);
  tmp_dir = test_make_tmp_dir ("reslab-cli-outputs-XXXXXX");
  /* a copy: the tests try to write over it, and the committed one must not be at stake */
  model_path = tmp_path ("model.safetensors");
  g_assert_true (g_file_get_contents (seed, &contents, &len, NULL));
  write_file (model_path, contents, (gssize) len);
  png_path = tmp_path ("digit.png");
  make_digit_png ();

  g_test_add_func ("/app/cli/outputs/explain-refused", test_explain_out_refused);
  g_test_add_func ("/app/cli/outputs/explain-replaced", test_explain_out_replaced);
  g_test_add_func ("/app/cli/outputs/model-refused", test_model_out_refused);
  g_test_add_func ("/app/cli/outputs/model-replaced", test_model_out_replaced);
  g_test_add_func ("/app/cli/outputs/eval-errors-not-dir", test_eval_errors_not_dir);
  g_test_add_func ("/app/cli/outputs/eval-errors-files", test_eval_errors_files_refused);
  g_test_add_func ("/app/cli/outputs/unwritable", test_unwritable_outputs);
  g_test_add_func ("/app/cli/outputs/dash", test_dash_out_refused);
  g_test_add_func ("/app/cli/outputs/keep-initial", test_keep_initial_after_training);
  g_test_add_func ("/app/cli/outputs/model-folder-gone", test_model_folder_gone);
  g_test_add_func ("/app/cli/inputs/not-regular-or-huge", test_not_regular_or_huge);
  g_test_add_func ("/app/cli/stdout-full", test_stdout_full);
  g_test_add_func ("/app/cli/not-given-values", test_not_given_values);
  status = g_test_run ();
  test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  g_free (data_dir);
  g_free (model_path);
  g_free (png_path);
  return status;
}
