#define G_LOG_DOMAIN "reslab-cli"

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-cli-util.h"

#include "rl-figure.h"

#include <stdarg.h>

void
rl_cli_error (const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("reslab-cli: %s\n", msg);
}

int
rl_cli_usage_error (const char *command, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("reslab-cli: %s\n", msg);
  if (command != NULL)
    g_printerr (_("reslab-cli: see 'reslab-cli %s --help'\n"), command);
  else
    g_printerr (_("reslab-cli: see 'reslab-cli --help'\n"));
  return RL_CLI_EXIT_USAGE;
}

RlDataset *
rl_cli_load_split (const char *dir, RlDatasetKind kind, RlSplit split)
{
  g_autoptr (GError) error = NULL;
  RlDataset *ds = rl_dataset_load (dir, kind, split, &error);

  if (ds == NULL)
    {
      rl_cli_error ("%s", error->message);
      rl_cli_error ("%s", kind == RL_DATASET_FASHION
                          ? _("install Debian's dataset-fashion-mnist (./dev.sh setup does), "
                            "or pass --data DIR")
                          : _("run ./dev.sh data (or data/fetch-mnist.sh) to fetch MNIST"));
      return NULL;
    }
  if (ds->n == 0)
    {
      rl_cli_error (split == RL_SPLIT_TRAIN ? _("the %s training set in %s holds no images")
                    : _("the %s test set in %s holds no images"), rl_dataset_kind_name (kind),
                    dir != NULL ? dir : _("the default data directory"));
      rl_dataset_unref (ds);
      return NULL;
    }
  return ds;
}

const char *
rl_cli_font_family (void)
{
  return rl_figure_font_family ();
}
