/* run-corpus.c: the plain main of a fuzz harness, so its seed corpus runs as a test without
 * clang or libFuzzer: every file of the directories (or files) on the command line goes
 * through LLVMFuzzerTestOneInput once. Under ASan (dev.sh's second build) that is a check
 * that no seed reads or writes out of bounds. TAP output, one line per file. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static int n_run;

static void
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  n_run++;
  printf ("ok %d %s\n", n_run, path);
  fflush (stdout);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
run_path (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      run_file (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  /* a fixed order, so a failure is reproducible by its number */
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    run_file (names->pdata[i]);
}

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    run_path (argv[i]);
  if (n_run == 0)
    {
      printf ("Bail out! no corpus file given\n");
      return 1;
    }
  printf ("1..%d\n", n_run);
  return 0;
}
