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

/* The twins' group names, RlTwin order: "plain", "resnet". */
extern const char *const _rl_run_twin_groups[RL_N_TWINS];

typedef enum {
  VALUE_FINITE,        /* a finite number >= 0: epochs, seconds */
  VALUE_FRACTION,      /* NaN (diverged), or 0 .. 1: an error rate */
  VALUE_NONNEGATIVE,   /* NaN, +inf, or >= 0: a loss, a norm, a std */
} ValueKind;

/* A record's values in a seed's group, a list each: the counts first (uint64_t), then the
 * doubles, which a reader checks as @kind says. Defined in rl-experiment-file.c. */
typedef struct {
  const char *key;
  gsize       offset;     /* in RlExperimentRecord */
  ValueKind   kind;       /* of a double (0 for a count) */
} RecordField;

#define N_COUNTS 2
#define N_FIELDS 7
extern const RecordField _rl_run_fields[N_FIELDS];

G_END_DECLS
