#define G_LOG_DOMAIN "reslab-cli"

/* rl-info-cli.c: `reslab-cli info [--arch] FILE | --bundled`, what a model file holds.
 *
 * The file's metadata, sorted by key, and its tensors in file order (name, shape, numel), or
 * with --arch only the description of its net, one line that `train --arch` and
 * tools/reslab_torch.py read. --bundled: the seed net bundled in the program.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-info-cli.h"

#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-arch.h"
#include "rl-safetensors.h"

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* `info --arch`: the description of the net the file's model is built from, as one line that
 * `train --arch` and tools/reslab_torch.py read; the seed net's for a file without one, as the
 * loader does (rl-model-io.c). */
static int
print_arch (const RlSafetensors *st, const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = NULL;
  g_autofree char *text = NULL;
  const char *stored = rl_safetensors_get_metadata (st, "arch");

  arch = rl_arch_parse (stored != NULL ? stored : RL_ARCH_SEED, &error);
  if (arch == NULL)
    {
      rl_cli_error (_("%s: its metadata “arch” is not a net description: %s"), what,
                    error->message);
      return EXIT_FAILURE;
    }
  text = rl_arch_to_string (arch);
  g_print ("%s\n", text);
  return EXIT_SUCCESS;
}

int
rl_info_cli_main (int    argc,
                  char **argv)
{
  gboolean bundled = FALSE, arch_only = FALSE;
  const GOptionEntry entries[] = {
    { "bundled", 0, 0, G_OPTION_ARG_NONE, &bundled,
      N_("The seed net bundled with the app (in the program's resources) instead of a FILE"), NULL },
    { "arch", 0, 0, G_OPTION_ARG_NONE, &arch_only,
      N_("Print only the description of the net (one line, as --arch of train takes it)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autofree const char **keys = NULL;
  const char *what;
  GHashTable *metadata;
  guint n_keys, n_tensors;
  guint64 total = 0;
  int key_width = 0, name_width = 4;

  if (!rl_cli_parse_options ("info", "[--arch] FILE | --bundled", entries, &argc, &argv,
                             _("Show a model file's metadata and tensors, or with --arch the"
                               " description of its net. A FILE of - is read from standard"
                               " input.")))
    return RL_CLI_EXIT_USAGE;
  if (bundled && argc > 1)
    return rl_cli_usage_error ("info", _("--bundled or a FILE, not both"));
  if (!bundled && argc < 2)
    return rl_cli_usage_error ("info", _("no FILE given"));
  if (argc > 2)
    return rl_cli_usage_error ("info", _("one FILE only (got %d)"), argc - 1);

  if (bundled)
    {
      /* in the program itself: an installed reslab-cli needs no file beside it */
      g_autoptr(GBytes) bytes = rl_cli_bundled_bytes (&error);

      what = "resource://" RL_BUNDLED_MODEL_RESOURCE;
      if (bytes != NULL)
        st = rl_safetensors_load_bytes (bytes, RL_CLI_BUNDLED_NAME, &error);
    }
  else if (strcmp (argv[1], "-") == 0)
    {
      /* - is standard input, as an IMAGE of predict and read: `curl URL | reslab-cli info -` */
      what = rl_cli_stdin_name ();
      st = rl_cli_read_stdin_model (&error);
    }
  else
    {
      what = argv[1];
      st = rl_safetensors_load (argv[1], &error);
    }
  if (st == NULL)
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  if (arch_only)
    return print_arch (st, what);

  g_print ("%s\n\nmetadata:\n", what);
  metadata = rl_safetensors_get_metadata_table (st);
  keys = (const char **) g_hash_table_get_keys_as_array (metadata, &n_keys);
  qsort (keys, n_keys, sizeof (char *), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    key_width = MAX (key_width, (int) strlen (keys[i]));
  if (n_keys == 0)
    g_print ("  (none)\n");
  for (guint i = 0; i < n_keys; i++)
    g_print ("  %-*s  %s\n", key_width, keys[i],
             (const char *) g_hash_table_lookup (metadata, keys[i]));

  n_tensors = rl_safetensors_get_n_tensors (st);
  for (guint i = 0; i < n_tensors; i++)
    name_width = MAX (name_width, (int) strlen (rl_safetensors_get_tensor (st, i)->name));
  g_print ("\ntensors:\n  %-*s  %-16s  %10s\n", name_width, "name", "shape", "numel");
  for (guint i = 0; i < n_tensors; i++)
    {
      const RlTensorView *t = rl_safetensors_get_tensor (st, i);
      g_autoptr(GString) shape = g_string_new ("[");
      size_t numel = rl_tensor_view_numel (t);

      for (int d = 0; d < t->ndim; d++)
        g_string_append_printf (shape, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", t->shape[d]);
      g_string_append_c (shape, ']');
      g_print ("  %-*s  %-16s  %10" G_GSIZE_FORMAT "\n", name_width, t->name, shape->str, numel);
      total += numel;
    }
  g_print ("\ntotal: %" G_GUINT64_FORMAT " parameters in %u tensors\n", total, n_tensors);
  return EXIT_SUCCESS;
}
