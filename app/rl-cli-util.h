/* rl-cli-util.h: what every reslab-cli subcommand prints and loads the same way. */
#pragma once

#include <glib.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

/* "reslab-cli: <message>" on stderr. */
void       rl_cli_error      (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Loads a split; on failure prints the reason and how to get the data, and returns NULL.
 * Returns: (transfer full) (nullable) */
RlDataset *rl_cli_load_split (const char *dir, RlDatasetKind kind, RlSplit split);

/* The font family of the text drawn into figures (Cairo's toy font API, which does not fall
 * back to another font for a missing glyph): "sans-serif", or the one the translation names,
 * so that a Chinese figure is drawn with a font that has Chinese glyphs. */
const char *rl_cli_font_family (void);

G_END_DECLS
