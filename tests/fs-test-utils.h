/* fs-test-utils.h: files and folders in tests: a temporary tree removed at the end. */
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
