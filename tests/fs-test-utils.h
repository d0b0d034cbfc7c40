/* fs-test-utils.h: files and folders in tests: a temporary folder made, and removed at the end. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes @path and everything below it (symbolic links are removed, not followed). */
static inline void
test_rm_rf (const char *path)
{
  GDir *dir = g_file_test (path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          test_rm_rf (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* A fresh empty folder in the temporary directory, named after @tmpl (ending in XXXXXX, as for
 * g_dir_make_tmp); a failure fails the test. Returns: (transfer full) */
static inline char *
test_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes the flat folder @dir_path and its files, checking that each goes: a test that left a
 * folder in it, or anything that cannot be removed, fails. */
static inline void
test_remove_flat_dir (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir_path), ==, 0);
}
