/* rl-explain-cli.h: asking a model from the command line: `reslab-cli eval --errors DIR` and
 * `reslab-cli explain`. */
#pragma once

#include <glib.h>

#include "rl-dataset.h"
#include "rl-model.h"

G_BEGIN_DECLS

/* Writes into @dir (created if missing): confusion.csv, confusion.png, mistakes.csv and
 * mistakes.png, the contact sheet of the misclassified images, most confident first.
 * Returns FALSE after printing the reason. */
gboolean rl_explain_cli_write_errors (RlModel         *model,
                                      const RlDataset *test,
                                      const char      *dir);

/* Before the evaluation: @dir made when missing, able to take files, and none of the four
 * above already there but as this writes it (rl_cli_check_out_files). Returns FALSE after
 * printing the reason. */
gboolean rl_explain_cli_check_errors_dir (const char *dir);

/* argv[0] is "explain". Returns the exit status: 0 success, 1 failure, 2 usage error. */
int      rl_explain_cli_main         (int    argc,
                                      char **argv);

G_END_DECLS
