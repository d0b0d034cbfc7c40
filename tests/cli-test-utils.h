/* cli-test-utils.h: running reslab-cli as a program, for the tests of its commands.
 *
 * The binary is $RESLAB_CLI, which meson sets (cli_test_init). RUN ("train", "--epochs", "1")
 * runs it and returns its exit status, stdout and stderr; a crash (or an abort from
 * G_DEBUG=fatal-warnings) fails the test, since it is never an acceptable exit.
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fs-test-utils.h"

static const char *cli;       /* path of reslab-cli */

typedef struct {
  int   status;               /* exit status */
  char *out, *err;
} Run;

static inline void
run_free (Run *r)
{
  g_free (r->out);
  g_free (r->err);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Runs reslab-cli with @args (NULL-terminated) in @cwd (nullable), @input (nullable) on its
 * standard input (none: it inherits the test's), and the test's environment with @env
 * (nullable; NAME, VALUE, ..., NULL) set over it. */
static inline Run *
run_with_env (const char *cwd, const char * const *args, GBytes *input, const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                               | (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                : G_SUBPROCESS_FLAGS_NONE));
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) cmd = g_string_new ("reslab-cli");
  Run *r = g_new0 (Run, 1);

  g_ptr_array_add (argv, (char *) cli);
  for (int i = 0; args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) args[i]);
      g_string_append_printf (cmd, " %s", args[i]);
    }
  g_ptr_array_add (argv, NULL);
  {
    /* the TAP log is UTF-8: a test's invalid bytes (an argument "mn\xffist") are shown as U+FFFD,
     * or meson reports "Unknown TAP output lines" */
    g_autofree char *shown = g_utf8_make_valid (cmd->str, -1);

    g_test_message ("$ %s", shown);
  }

  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  for (int i = 0; env != NULL && env[i] != NULL; i += 2)
    {
      g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
      g_test_message ("with %s=%s", env[i], env[i + 1]);
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  /* an empty GBytes may have no data at all: "" then */
  r->out = g_bytes_get_size (out) > 0 ? g_strndup (g_bytes_get_data (out, NULL),
                                                   g_bytes_get_size (out)) : g_strdup ("");
  r->err = g_bytes_get_size (err) > 0 ? g_strndup (g_bytes_get_data (err, NULL),
                                                   g_bytes_get_size (err)) : g_strdup ("");
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  if (r->err[0] != '\0')
    {
      g_autofree char *shown = g_utf8_make_valid (r->err, -1);

      g_test_message ("stderr: %s", shown);
    }
  return r;
}

static inline Run *
run_with_input (const char *cwd, const char * const *args, GBytes *input)
{
  return run_with_env (cwd, args, input, NULL);
}

static inline Run *
run_in (const char *cwd, const char * const *args)
{
  return run_with_input (cwd, args, NULL);
}

static inline Run *
run (const char * const *args)
{
  return run_in (NULL, args);
}

#define RUN(...) run ((const char * const[]) { __VA_ARGS__, NULL })

/* Runs reslab-cli with @args and checks that it fails as on a bad option: exit 2, nothing on
 * stdout, and a message on stderr that contains @needle (the option's name). */
static inline void
expect_usage (const char * const *args, const char *needle)
{
  g_autoptr(Run) r = run (args);

  g_test_message ("%s", r->err);
  g_assert_cmpint (r->status, ==, 2);
  g_assert_nonnull (strstr (r->err, needle));
  g_assert_cmpstr (r->out, ==, "");
}

/* Takes the binary from $RESLAB_CLI, which must be a program; call after g_test_init. A test's
 * temporary folder is removed with test_rm_rf (fs-test-utils.h). */
static inline void
cli_test_init (void)
{
  cli = g_getenv ("RESLAB_CLI");
  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("RESLAB_CLI must name the reslab-cli binary (meson test sets it)");
}
