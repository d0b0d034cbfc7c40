#define G_LOG_DOMAIN "reslab-cli"

/* rl-cli-util.c: what every reslab-cli subcommand shares (see rl-cli-util.h): option parsing
 * and its usage errors, the common options and their checks, loading a model, a dataset or an
 * image argument, writing files.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-cli-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rl-error.h"
#include "rl-image-file.h"
#include "rl-preprocess.h"

static void G_GNUC_PRINTF (1, 0)
print_error_va (const char *format, va_list args)
{
  g_autofree char *msg = g_strdup_vprintf (format, args);

  /* a file name or an argument is any bytes; a message is UTF-8 text (what g_printerr
   * converts to the terminal's charset): bytes that are not UTF-8 are shown as U+FFFD */
  if (!g_utf8_validate (msg, -1, NULL))
    {
      char *valid = g_utf8_make_valid (msg, -1);

      g_free (msg);
      msg = valid;
    }
  g_printerr ("reslab-cli: %s\n", msg);
}

void
rl_cli_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  print_error_va (format, args);
  va_end (args);
}

int
rl_cli_usage_error (const char *command, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  print_error_va (format, args);
  va_end (args);
  if (command != NULL)
    g_printerr (_("reslab-cli: see 'reslab-cli %s --help'\n"), command);
  else
    g_printerr (_("reslab-cli: see 'reslab-cli --help'\n"));
  return RL_CLI_EXIT_USAGE;
}

/* The entry of @entries that @arg names: "--name", "--name=VALUE" or "-c"; NULL for none. */
static const GOptionEntry *
find_entry (const GOptionEntry *entries, const char *arg)
{
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      gsize n = strlen (e->long_name);

      if ((g_str_has_prefix (arg, "--") && strncmp (arg + 2, e->long_name, n) == 0
           && (arg[2 + n] == '\0' || arg[2 + n] == '='))
          || (e->short_name != '\0' && arg[0] == '-' && arg[1] == e->short_name
              && arg[2] == '\0'))
        return e;
    }
  return NULL;
}

/* GOption refuses a text option's value that is not UTF-8 with "Invalid byte sequence in
 * conversion input", naming neither the option nor the value: says which, from @args (argv as
 * it was), the bytes that are not UTF-8 shown as U+FFFD. FALSE when no such value is found. */
static gboolean
say_not_utf8 (const char *command, const GOptionEntry *entries, char **args)
{
  for (int i = 1; args[i] != NULL; i++)
    {
      const GOptionEntry *e = NULL;
      const char *value = args[i];

      if (strcmp (args[i], "--") == 0)
        break;
      if (g_utf8_validate (value, -1, NULL))
        continue;
      if (g_str_has_prefix (value, "--") && strchr (value, '=') != NULL)
        {
          e = find_entry (entries, value);
          value = strchr (value, '=') + 1;
        }
      else if (i > 1)
        e = find_entry (entries, args[i - 1]);
      if (e != NULL && e->arg != G_OPTION_ARG_FILENAME && e->arg != G_OPTION_ARG_FILENAME_ARRAY
          && e->arg != G_OPTION_ARG_NONE)
        {
          g_autofree char *shown = g_utf8_make_valid (value, -1);

          rl_cli_usage_error (command, _("--%s: “%s” is not valid UTF-8 text (the bytes shown"
                                         " as � are not)"), e->long_name, shown);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
rl_cli_parse_options (const char         *command,
                      const char         *parameters,
                      const GOptionEntry *entries,
                      int                *argc,
                      char             ***argv,
                      const char         *summary)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("reslab-cli %s", command);
  g_auto(GStrv) args = g_strdupv (*argv);   /* as given, before GOption takes the options out */

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      if (!g_error_matches (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE)
          || !say_not_utf8 (command, entries, args))
        rl_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  if (*parameters == '\0' && *argc > 1)
    {
      rl_cli_usage_error (command, _("unexpected argument '%s'"), (*argv)[1]);
      return FALSE;
    }
  /* An empty file name (a shell variable left unset) is no file: GIO reads it as "Operation
   * not supported", a save reports it only after the training, and --data "" looked in /.
   * Every command's parameters are files. */
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      gboolean empty = FALSE;

      if (e->arg == G_OPTION_ARG_FILENAME)
        empty = *(char **) e->arg_data != NULL && **(char **) e->arg_data == '\0';
      else if (e->arg == G_OPTION_ARG_FILENAME_ARRAY && *(char ***) e->arg_data != NULL)
        for (char **name = *(char ***) e->arg_data; *name != NULL; name++)
          empty = empty || **name == '\0';
      if (empty)
        {
          rl_cli_usage_error (command, _("--%s: the file name is empty"), e->long_name);
          return FALSE;
        }
    }
  for (int i = 1; i < *argc; i++)
    if ((*argv)[i][0] == '\0')
      {
        rl_cli_usage_error (command, _("argument %d is an empty file name"), i);
        return FALSE;
      }
  return TRUE;
}

GOptionEntry
rl_cli_threads_option (int *threads)
{
  /* "256": RL_CLI_MAX_THREADS, a literal for xgettext */
  return (GOptionEntry) { "threads", 0, 0, G_OPTION_ARG_INT, threads,
                          N_("Threads, 1..256 (default: every core)"), "N" };
}

GOptionEntry
rl_cli_model_option (char **path)
{
  return (GOptionEntry) { "model", 'm', 0, G_OPTION_ARG_FILENAME, path,
                          N_("The model (.safetensors; - reads it from standard input)"),
                          "FILE" };
}

GOptionEntry
rl_cli_dataset_option (char **name)
{
  return (GOptionEntry) { "dataset", 0, 0, G_OPTION_ARG_STRING, name,
                          N_("mnist (default) or fashion"), "NAME" };
}

GOptionEntry
rl_cli_batch_option (int *batch)
{
  /* "60000", "64": RL_CLI_MAX_BATCH and RL_CLI_DEFAULT_BATCH, literals for xgettext */
  return (GOptionEntry) { "batch", 0, 0, G_OPTION_ARG_INT, batch,
                          N_("Mini-batch size, 1..60000 (default 64)"), "N" };
}

GOptionEntry
rl_cli_seed_option (char **text)
{
  return (GOptionEntry) { "seed", 0, 0, G_OPTION_ARG_STRING, text,
                          N_("Seed for the initial weights and the batch order (default 1)"), "N" };
}

GOptionEntry
rl_cli_data_option (char **dir)
{
  return (GOptionEntry) { "data", 0, 0, G_OPTION_ARG_FILENAME, dir,
                          N_("Directory with the IDX files (default: the dataset's usual place)"),
                          "DIR" };
}

gboolean
rl_cli_parse_dataset (const char *command, const char *name, RlDatasetKind *kind)
{
  if (name != NULL && !rl_dataset_kind_from_name (name, kind))
    {
      rl_cli_usage_error (command, _("--dataset: unknown dataset '%s' (known: mnist, fashion)"),
                          name);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_parse_seed (const char *command, const char *text, guint64 *seed)
{
  g_autoptr(GError) error = NULL;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, seed, &error))
    {
      rl_cli_usage_error (command, _("--seed: %s"), error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_check_threads (const char *command, int threads)
{
  if (threads != RL_CLI_THREADS_NOT_GIVEN && (threads < 1 || threads > RL_CLI_MAX_THREADS))
    {
      rl_cli_usage_error (command, _("--threads must be between 1 and %d (got %d)"),
                          RL_CLI_MAX_THREADS, threads);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_check_batch (const char *command, int batch)
{
  if (batch < 1 || batch > RL_CLI_MAX_BATCH)
    {
      rl_cli_usage_error (command, _("--batch must be between 1 and %d (got %d)"),
                          RL_CLI_MAX_BATCH, batch);
      return FALSE;
    }
  return TRUE;
}

int
rl_cli_model_threads (int threads)
{
  return threads == RL_CLI_THREADS_NOT_GIVEN ? 0 : threads;
}

gboolean
rl_cli_check_sgd (const char *command, double lr, double momentum, double weight_decay)
{
  if (!(isfinite (lr) && isfinite ((float) lr) && (float) lr > 0.0f))
    {
      rl_cli_usage_error (command, _("--lr must be a number above 0 that a float holds, at most %g"
                                     " (got %g)"), (double) G_MAXFLOAT, lr);
      return FALSE;
    }
  if (!(isfinite (momentum) && momentum >= 0.0 && momentum < 1.0))
    {
      rl_cli_usage_error (command, _("--momentum must be in [0, 1) (got %g)"), momentum);
      return FALSE;
    }
  if (!(isfinite (weight_decay) && weight_decay >= 0.0))
    {
      rl_cli_usage_error (command, _("--weight-decay must be a finite number, 0 or above (got %g)"),
                          weight_decay);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_parse_either (const char *text, const char *first, const char *second, gboolean *is_second)
{
  if (g_ascii_strcasecmp (text, first) == 0)
    *is_second = FALSE;
  else if (g_ascii_strcasecmp (text, second) == 0)
    *is_second = TRUE;
  else
    return FALSE;
  return TRUE;
}

gboolean
rl_cli_parse_net (const char *command,
                  const char *shortcut_text,
                  const char *bn_text,
                  RlShortcut *shortcut,
                  gboolean   *bn)
{
  gboolean b, off;

  if (shortcut_text != NULL)
    {
      if (!rl_cli_parse_either (shortcut_text, "A", "B", &b))
        {
          rl_cli_usage_error (command, _("--shortcut must be A or B (got '%s')"), shortcut_text);
          return FALSE;
        }
      *shortcut = b ? RL_SHORTCUT_B : RL_SHORTCUT_A;
    }
  if (bn_text != NULL)
    {
      if (!rl_cli_parse_either (bn_text, "on", "off", &off))
        {
          rl_cli_usage_error (command, _("--bn must be on or off (got '%s')"), bn_text);
          return FALSE;
        }
      *bn = !off;
    }
  return TRUE;
}

RlDataset *
rl_cli_load_split (const char *dir, RlDatasetKind kind, RlSplit split)
{
  g_autoptr (GError) error = NULL;
  RlDataset *ds = rl_dataset_load (dir, kind, split, &error);

  if (ds == NULL)
    {
      rl_cli_error ("%s", error->message);
      /* How to get the files, where they are missing. A file that is there but unreadable or
       * corrupt (the message names it and what is wrong) is not mended by fetching, except in
       * the default MNIST folder, where fetch-mnist.sh replaces a file whose MD5 sum is not
       * MNIST's; a folder given with --data is the user's own. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        rl_cli_error ("%s", kind == RL_DATASET_FASHION
                          ? _("install Debian's dataset-fashion-mnist (./dev.sh setup does), "
                            "or pass --data DIR")
                          : _("run ./dev.sh data (or data/fetch-mnist.sh) to fetch MNIST"));
      else if (dir == NULL && kind == RL_DATASET_MNIST)
        rl_cli_error ("%s", _("./dev.sh data (or data/fetch-mnist.sh) checks the MNIST files"
                              " against their MD5 sums and fetches again those that differ"));
      return NULL;
    }
  /* never empty: the IDX reader refuses a header of 0 items */
  return ds;
}

gboolean
rl_cli_load_splits (const char *dir, RlDatasetKind kind, RlDataset **train, RlDataset **test)
{
  *test = NULL;
  *train = rl_cli_load_split (dir, kind, RL_SPLIT_TRAIN);
  if (*train == NULL)
    return FALSE;
  *test = rl_cli_load_split (dir, kind, RL_SPLIT_TEST);
  if (*test == NULL)
    {
      g_clear_pointer (train, rl_dataset_unref);
      return FALSE;
    }
  return TRUE;
}

void
rl_cli_write_error (const char *path, int saved_errno)
{
  rl_cli_error (_("cannot write %s: %s"), path, g_strerror (saved_errno));
}

gboolean
rl_cli_write_text (const char *path, const GString *text)
{
  return rl_cli_write_bytes (path, (const guint8 *) text->str, text->len);
}

/* Writes @n bytes to @fd; 0, or the errno of the failure. */
static int
write_all (int fd, const guint8 *bytes, gsize n)
{
  while (n > 0)
    {
      ssize_t done = write (fd, bytes, MIN (n, (gsize) G_MAXSSIZE));

      if (done < 0 && errno == EINTR)
        continue;
      if (done < 0)
        return errno;
      bytes += done;
      n -= (gsize) done;
    }
  return 0;
}

gboolean
rl_cli_write_bytes (const char *path, const guint8 *bytes, gsize n)
{
  /* a temporary file beside @path (the pattern of model saves, rl-safetensors.c), renamed
   * over it: an interrupted write never leaves half a file; and a failure is said naming
   * @path, not the temporary file the user never named */
  g_autofree char *tmp = g_strconcat (path, ".reslab-tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  int saved;

  if (fd < 0)
    {
      rl_cli_write_error (path, errno);
      return FALSE;
    }
  saved = write_all (fd, bytes, n);
  if (saved == 0 && fsync (fd) != 0)
    saved = errno;
  if (close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && g_rename (tmp, path) != 0)
    saved = errno;
  if (saved != 0)
    {
      g_unlink (tmp);
      rl_cli_write_error (path, saved);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_same_file (const char *a, const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

/* Whether the @size bytes of the file whose first ones are @head (@n of them) are a file of
 * @kind: a PNG's signature; an SVG's start, as Cairo writes it; a CSV's first line, @csv_head;
 * or a safetensors header's start, as the engine reads it (rl-safetensors-header.c): 8 bytes of
 * little-endian length that the file holds, then '{'. */
static gboolean
is_kind (RlCliOutKind kind, const char *csv_head, const guint8 *head, gsize n, guint64 size)
{
  static const guint8 png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint64 len = 0;

  switch (kind)
    {
    case RL_CLI_OUT_PNG:
      return n >= sizeof png && memcmp (head, png, sizeof png) == 0;
    case RL_CLI_OUT_SVG:
      return (n >= 5 && memcmp (head, "<?xml", 5) == 0) || (n >= 4 && memcmp (head, "<svg", 4) == 0);
    case RL_CLI_OUT_CSV:
      return n >= strlen (csv_head) && memcmp (head, csv_head, strlen (csv_head)) == 0;
    case RL_CLI_OUT_MODEL:
    default:
      if (n < 9)
        return FALSE;
      for (int i = 7; i >= 0; i--)
        len = len << 8 | head[i];
      return len <= size - 8 && head[8] == '{';
    }
}

/* Creates the file @probe (a template ending in XXXXXX) and removes it at once. Returns 0
 * when a file can be made there, else the errno that says why not. */
static int
probe_errno (char *probe)
{
  int fd = g_mkstemp_full (probe, O_WRONLY | O_CLOEXEC, 0644);

  if (fd < 0)
    return errno;
  close (fd);
  g_unlink (probe);
  return 0;
}

/* The check of an output @path that may exist (rl_cli_check_out, rl_cli_check_out_files):
 * nothing there, or an empty file, or a regular file of the user's that is of @kind (@csv_head:
 * the first line of a CSV; @in_folder: a file the command names in a folder given, not --out).
 * Anything else is said on stderr, naming @path: FALSE. */
static gboolean
check_existing (const char *path, RlCliOutKind kind, const char *csv_head, gboolean in_folder)
{
  guint8 head[64];
  gssize got = 0;
  GStatBuf sb;
  int fd;

  if (g_stat (path, &sb) != 0)
    return TRUE;
  if (S_ISDIR (sb.st_mode))
    {
      if (in_folder)
        rl_cli_error (_("%s: is a directory; refusing to write over it"), path);
      else
        rl_cli_error (_("%s: is a directory; --out needs a file name"), path);
      return FALSE;
    }
  /* a device or a pipe: nothing to rename over, and /dev/sda is no place for a model */
  if (!S_ISREG (sb.st_mode))
    {
      rl_cli_error (_("%s: is not a regular file; refusing to write over it"), path);
      return FALSE;
    }
  /* root may replace anyone's file, but a model saved by sudo is not to take the place of a
   * user's file */
  if (sb.st_uid != geteuid ())
    {
      rl_cli_error (_("%s: belongs to another user; refusing to write over it"), path);
      return FALSE;
    }
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      rl_cli_error (_("cannot read %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  do
    got = read (fd, head, sizeof head);
  while (got < 0 && errno == EINTR);
  close (fd);
  /* an empty file (made by mktemp for the output) holds nothing to lose */
  if (sb.st_size > 0
      && (got < 0 || !is_kind (kind, csv_head, head, (gsize) got, (guint64) sb.st_size)))
    {
      switch (kind)
        {
        case RL_CLI_OUT_PNG:
          rl_cli_error (_("%s: exists and is not a PNG image; refusing to overwrite it"), path);
          break;
        case RL_CLI_OUT_SVG:
          rl_cli_error (_("%s: exists and is not an SVG image; refusing to overwrite it"), path);
          break;
        case RL_CLI_OUT_CSV:
          rl_cli_error (_("%s: exists and is not a CSV file of reslab-cli; refusing to"
                          " overwrite it"), path);
          break;
        case RL_CLI_OUT_MODEL:
        default:
          rl_cli_error (_("%s: exists and is not a model file (safetensors); refusing to"
                          " overwrite it"), path);
          break;
        }
      return FALSE;
    }
  return TRUE;
}

/* "-" is standard input where a command reads (an IMAGE, info's FILE); no command writes to
 * standard output, and a file or folder named "-" made in its place would surprise: refused
 * (said on stderr: FALSE). ./- names such a file. */
static gboolean
check_not_dash (const char *path)
{
  if (strcmp (path, "-") != 0)
    return TRUE;
  rl_cli_error ("%s", _("-: cannot write to standard output; give a file name (./- for a file"
                        " named -)"));
  return FALSE;
}

gboolean
rl_cli_check_out (const char         *path,
                  RlCliOutKind        kind,
                  const char * const *inputs,
                  int                 n_inputs)
{
  g_autofree char *probe = g_strconcat (path, ".reslab-tmp-XXXXXX", NULL);
  int saved;

  g_return_val_if_fail (kind != RL_CLI_OUT_CSV, FALSE);

  if (!check_not_dash (path))
    return FALSE;
  for (int i = 0; i < n_inputs; i++)
    if (inputs[i] != NULL && rl_cli_same_file (inputs[i], path))
      {
        rl_cli_error (_("%s: is the same file as the input %s; refusing to overwrite it"), path,
                      inputs[i]);
        return FALSE;
      }
  if (!check_existing (path, kind, NULL, FALSE))
    return FALSE;
  /* a full, read-only or missing directory is reported before the work, not after */
  if ((saved = probe_errno (probe)) != 0)
    {
      rl_cli_write_error (path, saved);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_check_out_dir (const char *dir)
{
  g_autofree char *probe = g_build_filename (dir, ".reslab-tmp-XXXXXX", NULL);
  int saved;

  if (!check_not_dash (dir) || !rl_cli_make_dir (dir))
    return FALSE;
  if ((saved = probe_errno (probe)) != 0)
    {
      rl_cli_write_error (dir, saved);
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_cli_check_out_files (const char          *dir,
                        const RlCliOutFile  *files,
                        int                  n_files)
{
  /* the files first: a refusal leaves no folder made behind */
  if (!check_not_dash (dir))
    return FALSE;
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i].name, NULL);

      g_return_val_if_fail (files[i].kind != RL_CLI_OUT_CSV || files[i].csv_head != NULL,
                            FALSE);
      if (!check_existing (path, files[i].kind, files[i].csv_head, TRUE))
        return FALSE;
    }
  return rl_cli_check_out_dir (dir);
}

gboolean
rl_cli_make_dir (const char *dir)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      rl_cli_write_error (dir, errno);
      return FALSE;
    }
  return TRUE;
}

double
rl_cli_seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

static RlModel *load_model_file (const char *path, RlSafetensors **st, GError **error);

RlModel *
rl_cli_load_mnist_model (const char *path, RlSafetensors **st)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) model = load_model_file (path, st, &error);
  int c, h, w;

  if (model == NULL)
    {
      rl_cli_error ("%s", error->message);
      return NULL;
    }
  rl_model_get_input_shape (model, &c, &h, &w);
  if (c != 1 || h != RL_MNIST_SIDE || w != RL_MNIST_SIDE || rl_model_get_n_classes (model) != 10)
    {
      rl_cli_error (_("%s: the model takes %d x %d x %d inputs and %d classes; this needs"
                     " 1 x 28 x 28 and 10"), rl_cli_input_name (path), c, h, w,
                    rl_model_get_n_classes (model));
      if (st != NULL)
        g_clear_pointer (st, rl_safetensors_free);
      return NULL;
    }
  return g_steal_pointer (&model);
}

GBytes *
rl_cli_bundled_bytes (GError **error)
{
  return g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

RlModel *
rl_cli_load_model (const char *path)
{
  g_autoptr(GError) error = NULL;
  RlModel *model;

  if (path != NULL)
    model = load_model_file (path, NULL, &error);
  else
    {
      g_autoptr(GBytes) bytes = rl_cli_bundled_bytes (&error);

      model = bytes != NULL ? rl_model_load_bytes (bytes, RL_CLI_BUNDLED_NAME, NULL, &error)
                            : NULL;
    }
  if (model == NULL)
    rl_cli_error ("%s", error->message);
  return model;
}

RlDatasetKind
rl_cli_model_dataset (const RlSafetensors *st)
{
  const char *name = rl_safetensors_get_metadata (st, "dataset");
  RlDatasetKind kind = RL_DATASET_MNIST;

  if (name != NULL)
    rl_dataset_kind_from_name (name, &kind);
  return kind;
}

const char *
rl_cli_stdin_name (void)
{
  return _("standard input");
}

/* Standard input read whole, at most @max bytes: NULL and a G_IO_ERROR from reading, or
 * NULL and *@too_large TRUE past @max. */
static GByteArray *
read_stdin_at_most (guint64 max, gboolean *too_large, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  guint8 chunk[65536];

  *too_large = FALSE;
  for (;;)
    {
      ssize_t got = read (STDIN_FILENO, chunk, sizeof chunk);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s",
                       rl_cli_stdin_name (), g_strerror (saved));
          return NULL;
        }
      if (got == 0)
        break;
      if (data->len + (guint64) got > max)
        {
          *too_large = TRUE;
          return NULL;
        }
      g_byte_array_append (data, chunk, (guint) got);
    }
  return g_steal_pointer (&data);
}

GBytes *
rl_cli_read_stdin (GError **error)
{
  gboolean too_large;
  g_autoptr (GByteArray) data = read_stdin_at_most (RL_IMAGE_MAX_FILE, &too_large, error);

  if (too_large)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE, _("%s: more than %u bytes"),
                   rl_cli_stdin_name (), RL_IMAGE_MAX_FILE);
      return NULL;
    }
  if (data == NULL)
    return NULL;
  if (data->len == 0)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_BAD_IMAGE, _("%s: nothing to read (an image was "
                                                          "expected)"), rl_cli_stdin_name ());
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* Standard input read whole as a model file's bytes, at most the largest model file. */
static GBytes *
read_stdin_model_bytes (GError **error)
{
  guint64 max = rl_safetensors_get_file_max ();
  gboolean too_large;
  g_autoptr (GByteArray) data = read_stdin_at_most (max, &too_large, error);

  if (too_large)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_TOO_LARGE,
                   _("%s: more than %llu bytes, larger than any model"), rl_cli_stdin_name (),
                   (unsigned long long) max);
      return NULL;
    }
  if (data == NULL)
    return NULL;
  /* empty: the engine says the file is too short to be a model, naming standard input */
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

RlSafetensors *
rl_cli_read_stdin_model (GError **error)
{
  g_autoptr (GBytes) bytes = read_stdin_model_bytes (error);

  return bytes != NULL ? rl_safetensors_load_bytes (bytes, rl_cli_stdin_name (), error) : NULL;
}

const char *
rl_cli_input_name (const char *path)
{
  return strcmp (path, "-") == 0 ? rl_cli_stdin_name () : path;
}

void
rl_cli_warn_not_a_number (const char *path)
{
  rl_cli_error (_("warning: %s: the probabilities are not numbers (NaN: the model's values"
                  " overflowed or hold a NaN); the class is the one torch.argmax gives"),
                rl_cli_input_name (path));
}

/* The one reader of a --model FILE: a file, or standard input for "-", as `info -` reads it. */
static RlModel *
load_model_file (const char *path, RlSafetensors **st, GError **error)
{
  if (strcmp (path, "-") == 0)
    {
      g_autoptr (GBytes) bytes = read_stdin_model_bytes (error);

      return bytes != NULL ? rl_model_load_bytes (bytes, rl_cli_stdin_name (), st, error) : NULL;
    }
  return rl_model_load (path, st, error);
}

gboolean
rl_cli_check_model_stdin (const char          *command,
                          const char          *model_path,
                          const char          *other,
                          const char * const  *others,
                          int                  n_others)
{
  if (model_path == NULL || strcmp (model_path, "-") != 0)
    return TRUE;
  for (int i = 0; i < n_others; i++)
    if (strcmp (others[i], "-") == 0)
      {
        /* TRANSLATORS: %s is IMAGE or --model, as the command's usage names it */
        rl_cli_usage_error (command, _("--model - and %s - would both be read from standard"
                                       " input, which is read once: give one of them as a"
                                       " file"), other);
        return FALSE;
      }
  return TRUE;
}

gboolean
rl_cli_load_digit (const char *path, RlDatasetKind kind, float *digit)
{
  g_autoptr(GError) error = NULL;

  if (strcmp (path, "-") == 0)
    {
      g_autoptr (GBytes) bytes = rl_cli_read_stdin (&error);

      if (bytes != NULL)
        rl_image_load_digit_bytes (bytes, rl_cli_stdin_name (), kind, digit, &error);
    }
  else
    rl_image_file_load_digit (path, kind, digit, &error);
  if (error != NULL)
    {
      rl_cli_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
rl_cli_images_status (int n_failed,
                      int n)
{
  if (n_failed == 0)
    return EXIT_SUCCESS;
  rl_cli_error (ngettext ("%d of %d image failed", "%d of %d images failed", n), n_failed, n);
  return EXIT_FAILURE;
}
