/* rl-experiment-file-private.h: the run file's vocabulary (see rl-experiment-file.h for the
 * format), shared by the two files that write and read it. Not installed, not for the app.
 *
 *   rl-experiment-file.c       names and paths, the text written (rl_experiment_file_format),
 *                              saving
 *   rl-experiment-file-read.c  the text read back, every count bounded
 *
 * Both use these names, so a key is spelt in one place.
 */
#pragma once

#include "rl-experiment-file.h"

G_BEGIN_DECLS

#define RUN_GROUP       "ResLab Experiment Run"
#define END_GROUP       "End"

static const char *const twin_groups[RL_N_TWINS] = { "plain", "resnet" };

typedef enum {
  VALUE_FINITE,        /* a finite number >= 0: epochs, seconds */
  VALUE_FRACTION,      /* NaN (diverged), or 0 .. 1: an error rate */
  VALUE_NONNEGATIVE,   /* NaN, +inf, or >= 0: a loss, a norm, a std */
} ValueKind;

/* A record's values in a seed's group, a list each: the counts first (uint64_t), then the
 * doubles, which a reader checks as @kind says. */
#define N_COUNTS 2
static const struct {
  const char *key;
  gsize       offset;     /* in RlExperimentRecord */
  ValueKind   kind;       /* of a double (0 for a count) */
} fields[] = {
  { "iteration",     G_STRUCT_OFFSET (RlExperimentRecord, iteration),     0 },
  { "images",        G_STRUCT_OFFSET (RlExperimentRecord, images),        0 },
  { "epoch",         G_STRUCT_OFFSET (RlExperimentRecord, epoch),         VALUE_FINITE },
  { "train-error",   G_STRUCT_OFFSET (RlExperimentRecord, train_error),   VALUE_FRACTION },
  { "train-loss",    G_STRUCT_OFFSET (RlExperimentRecord, train_loss),    VALUE_NONNEGATIVE },
  { "test-error",    G_STRUCT_OFFSET (RlExperimentRecord, test_error),    VALUE_FRACTION },
  { "train-seconds", G_STRUCT_OFFSET (RlExperimentRecord, train_seconds), VALUE_FINITE },
};
#define N_FIELDS G_N_ELEMENTS (fields)

G_END_DECLS
