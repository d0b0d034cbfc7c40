/* experiment-view-test-utils.h: what the tests of the Experiment view share
 * (test-ui-experiment.c, test-ui-experiment-kept.c, test-ui-experiment-save.c): the MNIST
 * check, a view in a window of its own and a run of it to the end, and the folder the view
 * keeps its runs in (made, read back, its run files listed and waited for). Header-only, for
 * the tests: static inline, so that a test program that uses some of them is not warned about
 * the others. */
#pragma once

#include <string.h>
#include <glib/gstdio.h>

#include "ui-test-utils.h"

#include "rl-experiment-file.h"
#include "rl-experiment-view.h"

/* Skips the test, and returns from it, without the MNIST files. */
#define SKIP_WITHOUT_MNIST() \
  G_STMT_START { \
    if (ui_test_skip_without_dataset (RL_DATASET_MNIST)) \
      return; \
  } G_STMT_END

/* ---- a view and its runs ------------------------------------------------------------------ */

/* A view in a window of its own. */
static inline RlExperimentView *
new_view (GtkWidget **window)
{
  RlExperimentView *view = g_object_ref_sink (g_object_new (RL_TYPE_EXPERIMENT_VIEW, NULL));

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1024, 700);
  gtk_window_set_child (GTK_WINDOW (*window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (*window));
  return view;
}

/* Destroys @view's window (from new_view) and checks that nothing else kept the view alive. */
static inline void
destroy_view (RlExperimentView *view,
              GtkWidget        *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

/* For ui_test_wait_for (): the view @data runs nothing (its twins neither load nor train). */
static inline gboolean
not_busy (gpointer data)
{
  return !rl_experiment_view_is_busy (data);
}

/* Runs the twins with the view's settings and waits for the end. */
static inline void
run_to_end (RlExperimentView *view)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "experiment.run", NULL));
  g_assert_true (rl_experiment_view_is_busy (view));
  g_assert_true (ui_test_wait_for (not_busy, view, 180));
}

/* ---- the folder of kept runs -------------------------------------------------------------- */

/* For ui_test_wait_for (): the view @data has read the runs kept in its folder. */
static inline gboolean
not_restoring (gpointer data)
{
  return !rl_experiment_view_is_restoring (data);
}

/* For g_ptr_array_sort (): two strings, in strcmp () order. */
static inline int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A new folder under the test's private XDG data. Returns: (transfer full) */
static inline char *
new_keep_dir (const char *name)
{
  char *dir = g_build_filename (ui_test_tmp_dir, "kept", name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* A view that keeps its runs in @dir, once it has read those there. */
static inline RlExperimentView *
new_keeping_view (GtkWidget  **window,
                  const char  *dir)
{
  RlExperimentView *view = new_view (window);

  rl_experiment_view_keep_runs (view, dir);
  g_assert_true (ui_test_wait_for (not_restoring, view, 30));
  return view;
}

/* The run files in @dir, sorted. Returns: (transfer full) */
static inline GPtrArray *
run_files (const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, RL_EXPERIMENT_FILE_SUFFIX))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  if (d != NULL)
    g_dir_close (d);
  g_ptr_array_sort (files, compare_strings);
  return files;
}

typedef struct {
  const char *dir;
  guint       n;
} FilesWait;

/* For ui_test_wait_for (): the folder holds as many run files as waited for. */
static inline gboolean
has_n_files (gpointer data)
{
  FilesWait *w = data;
  g_autoptr (GPtrArray) files = run_files (w->dir);

  return files->len == w->n;
}

/* Waits (up to 30 s) until @dir holds @n run files. */
static inline void
wait_for_files (const char *dir,
                guint       n)
{
  FilesWait w = { dir, n };

  g_assert_true (ui_test_wait_for (has_n_files, &w, 30));
}

/* Writes @contents, @length bytes of it (-1: up to its nul), to @path. */
static inline void
write_bytes (const char *path,
             const char *contents,
             gssize      length)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
}
