/* test-numbers-cli.c: the command-line side of #14 run as a program (the binary in
 * $RESLAB_CLI), on tests/data/mnist-mini: `reslab-cli read` (whole numbers, and its
 * --compose measurement), and the user's digits as an IDX set (train --extra, eval --data,
 * teach).
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cli-test-utils.h"
#include "mnist-test-utils.h"
#include "picture-test-utils.h"
#include "rl-dataset.h"
#include "rl-userset.h"

static char *tmp_dir;
static char *data_dir;



static void
assert_usage (const Run *r, const char *what)
{
  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, what));
}

/* ---- read ----------------------------------------------------------------------------------- */

static void
test_read_usage (void)
{
  g_autoptr(Run) a = RUN ("read");
  g_autoptr(Run) b = RUN ("read", "--compose", "-3");
  g_autoptr(Run) c = RUN ("read", "--gap", "3", "x.png");
  g_autoptr(Run) d = RUN ("read", "--compose", "5", "--gap", "4,1");
  g_autoptr(Run) e = RUN ("read", "--join-overlap", "1.5", "x.png");
  g_autoptr(Run) f = RUN ("read", "--compose", "5", "--split", "valid");

  assert_usage (a, "no IMAGE");
  assert_usage (b, "--compose");
  assert_usage (c, "--compose");
  assert_usage (d, "--gap");
  assert_usage (e, "--join-overlap");
  assert_usage (f, "--split");
}

/* --compose on the fixture's 100 test digits, the images kept; then `read` on two of them
 * prints "PATH: DIGITS" and one line per digit. */
static void
test_read_compose_and_files (void)
{
  g_autofree char *keep = g_build_filename (tmp_dir, "numbers", NULL);
  g_autoptr(Run) m = RUN ("read", "--compose", "20", "--data", data_dir, "--keep", keep);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint exact, total;
  const char *line;

  g_assert_cmpint (m->status, ==, 0);
  line = strstr (m->out, "read exactly: ");
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "read exactly: %u of %u", &exact, &total), ==, 2);
  g_assert_cmpuint (total, ==, 20);
  g_assert_cmpuint (exact, >=, 16);

  dir = g_dir_open (keep, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (files, g_build_filename (keep, name, NULL));
  g_assert_cmpuint (files->len, ==, 20);

  {
    const char *p0 = files->pdata[0], *p1 = files->pdata[1];
    g_autoptr(Run) r = RUN ("read", p0, p1);
    g_auto(GStrv) lines = g_strsplit (r->out, "\n", -1);
    guint n_heads = 0, n_digits = 0;

    g_assert_cmpint (r->status, ==, 0);
    for (int i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
      {
        if (g_str_has_prefix (lines[i], p0) || g_str_has_prefix (lines[i], p1))
          {
            /* "PATH: DIGITS": the digits are those in the file's name ("number-00000-472.pgm")
             * when the reader got it right */
            const char *digits = strrchr (lines[i], ' ') + 1;

            g_assert_true (strspn (digits, "0123456789") == strlen (digits));
            n_heads++;
          }
        else
          {
            guint k, d, x, y, w, h;
            double conf;

            g_assert_cmpint (sscanf (lines[i], " %u: %u %lf %% at %u,%u %u x %u", &k, &d,
                                     &conf, &x, &y, &w, &h), ==, 7);
            g_assert_cmpfloat (conf, >, 0.0);
            g_assert_cmpfloat (conf, <=, 100.0);
            n_digits++;
          }
      }
    g_assert_cmpuint (n_heads, ==, 2);
    g_assert_cmpuint (n_digits, >=, 4);
  }
  {
    g_autofree char *missing = g_build_filename (tmp_dir, "nothing.png", NULL);
    g_autoptr(Run) r = RUN ("read", missing);

    g_assert_cmpint (r->status, ==, 1);
    g_assert_nonnull (strstr (r->err, missing));
  }
}

/* A photographed number: the fixture's first three test digits (7, 2, 1) side by side, 4x
 * large, dark on grey paper that a lamp on the left lights unevenly. Read as one blot before
 * the picture was levelled ("7", the whole picture one box). */
static void
test_read_grey_paper (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) test = rl_dataset_load (data_dir, RL_DATASET_MNIST, RL_SPLIT_TEST,
                                               &error);
  g_autofree char *path = g_build_filename (tmp_dir, "grey-paper.pgm", NULL);
  g_autofree char *want = NULL;
  g_autoptr(Run) r = NULL;

  g_assert_no_error (error);
  picture_test_write_number (test, path);
  want = g_strdup_printf ("%s: %u%u%u\n", path, test->labels[0], test->labels[1],
                          test->labels[2]);
  r = RUN ("read", path);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (g_str_has_prefix (r->out, want));

  /* the same picture piped in: "-" is standard input */
  {
    g_autofree char *contents = NULL;
    g_autofree char *want_piped = g_strdup_printf ("-: %u%u%u\n", test->labels[0],
                                                   test->labels[1], test->labels[2]);
    g_autoptr(GBytes) piped = NULL;
    g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
    g_autoptr(Run) p = NULL;
    g_autoptr(Run) e = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    piped = g_bytes_new (contents, length);
    p = run_with_input (NULL, (const char * const[]) { "read", "-", NULL }, piped);
    g_assert_cmpint (p->status, ==, 0);
    g_assert_cmpstr (p->out + 1, ==, r->out + strlen (path));   /* the same, but its name */
    g_assert_true (g_str_has_prefix (p->out, want_piped));
    /* nothing piped in: an error naming standard input */
    e = run_with_input (NULL, (const char * const[]) { "read", "-", NULL }, empty);
    g_assert_cmpint (e->status, ==, 1);
    g_assert_nonnull (strstr (e->err, "standard input: nothing to read"));
  }
}

/* ---- your digits ---------------------------------------------------------------------------- */

static void
test_mine_train_eval_teach (void)
{
  g_autofree char *mine = g_build_filename (tmp_dir, "mine", NULL);
  g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
  g_autofree char *model = g_build_filename (tmp_dir, "extra.safetensors", NULL);
  g_autofree char *taught = g_build_filename (tmp_dir, "taught.safetensors", NULL);

  mnist_test_make_mine (mine);
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  {
    g_autoptr(Run) r = RUN ("train", "--data", data_dir, "--epochs", "1", "--limit", "100",
                            "--threads", "1", "--extra", mine, "--extra-weight", "3",
                            "--out", model);

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "with 5 of your digits"));
    g_assert_nonnull (strstr (r->out, "115 train"));   /* 100 + 5 x 3 */
  }
  {
    g_autoptr(Run) a = RUN ("train", "--data", data_dir, "--extra", empty, "--out", model);
    g_autoptr(Run) b = RUN ("train", "--data", data_dir, "--extra-weight", "0", "--extra", mine);
    g_autoptr(Run) c = RUN ("train", "--data", data_dir, "--extra-weight", "4");

    g_assert_cmpint (a->status, ==, 1);
    g_assert_nonnull (strstr (a->err, "holds none of your digits"));
    assert_usage (b, "--extra-weight");
    assert_usage (c, "--extra-weight");
  }
  {
    g_autoptr(Run) r = RUN ("eval", "--model", model, "--data", mine);

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "your digits in"));
    g_assert_nonnull (strstr (r->out, "/5)"));
  }
  {
    g_autoptr(Run) same = RUN ("teach", "--model", model, "--mine", mine, "--out", model);
    g_autoptr(Run) none = RUN ("teach", "--model", model, "--mine", mine);
    g_autoptr(Run) r = RUN ("teach", "--model", model, "--mine", mine, "--data", data_dir,
                            "--steps", "10", "--replay", "100", "--out", taught);

    assert_usage (same, "never overwrites");
    assert_usage (none, "--out");
    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "read correctly: "));
    g_assert_true (g_file_test (taught, G_FILE_TEST_EXISTS));
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  cli_test_init ();
  data_dir = g_test_build_filename (G_TEST_DIST, "data", "mnist-mini", NULL);
  tmp_dir = test_make_tmp_dir ("reslab-numbers-cli-XXXXXX");

  g_test_add_func ("/app/read/usage", test_read_usage);
  g_test_add_func ("/app/read/compose-and-files", test_read_compose_and_files);
  g_test_add_func ("/app/read/grey-paper", test_read_grey_paper);
  g_test_add_func ("/app/mine/train-eval-teach", test_mine_train_eval_teach);

  status = g_test_run ();
  test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  g_free (data_dir);
  return status;
}
