/* rl-cli-util.h: what every reslab-cli subcommand prints and loads the same way. */
#pragma once

#include <glib.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-safetensors.h"

G_BEGIN_DECLS

/* "reslab-cli: <message>" on stderr. */
void       rl_cli_error      (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* The exit status of a usage error (an unknown option, a value out of range). */
#define RL_CLI_EXIT_USAGE 2

/* A usage error: "reslab-cli: <message>", then where the help of @command is ("reslab-cli
 * COMMAND --help"; @command NULL: the program's). Returns RL_CLI_EXIT_USAGE, for
 * `return rl_cli_usage_error (...)`. Every subcommand reports its usage errors through it. */
int        rl_cli_usage_error (const char *command,
                               const char *format,
                               ...) G_GNUC_PRINTF (2, 3);

/* Parses the options of the subcommand @command (argv[0] is its name) with @entries, as
 * "reslab-cli COMMAND" (the program's name in GOption's messages and --help), @parameters and
 * @summary shown by --help; on failure prints GOption's message, which names the option, through
 * rl_cli_usage_error and returns FALSE (then exit with RL_CLI_EXIT_USAGE). */
gboolean   rl_cli_parse_options (const char         *command,
                                 const char         *parameters,
                                 const GOptionEntry *entries,
                                 int                *argc,
                                 char             ***argv,
                                 const char         *summary);

/* Loads a split; on failure prints the reason and how to get the data, and returns NULL.
 * Returns: (transfer full) (nullable) */
RlDataset *rl_cli_load_split (const char *dir, RlDatasetKind kind, RlSplit split);

/* Loads a model for MNIST-shaped input (1 x 28 x 28, 10 classes); on failure prints the reason,
 * naming @path, and returns NULL (and *@st NULL). @st: (out) (optional) the file's tensors and
 * metadata. Returns: (transfer full) (nullable) */
RlModel   *rl_cli_load_mnist_model (const char *path, RlSafetensors **st);

/* The font family of the text drawn into figures (Cairo's toy font API, which does not fall
 * back to another font for a missing glyph): "sans-serif", or the one the translation names,
 * so that a Chinese figure is drawn with a font that has Chinese glyphs. */
const char *rl_cli_font_family (void);

G_END_DECLS
