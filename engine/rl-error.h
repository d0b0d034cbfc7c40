/* rl-error.h: the engine's error domain.
 *
 * Every engine function that can fail on input it did not create (files, descriptions,
 * user options) reports a GError in RL_ERROR, or passes on a G_IO_ERROR from GIO
 * (a missing file is G_IO_ERROR_NOT_FOUND). The engine never exits or aborts on bad input.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RL_ERROR (rl_error_quark ())

typedef enum {
  RL_ERROR_FAILED,          /* anything not listed below */
  RL_ERROR_BAD_MAGIC,       /* a file's magic number is not what its format requires */
  RL_ERROR_TRUNCATED,       /* a file ends before the data its header announces */
  RL_ERROR_TOO_LARGE,       /* a header claims more than a sane bound allows */
  RL_ERROR_MISMATCH,        /* two inputs disagree (image and label counts, sizes) */
  RL_ERROR_BAD_HEADER,      /* a header is malformed (bad JSON, bad dimensions) */
  RL_ERROR_BAD_DTYPE,       /* a tensor is not F32 */
  RL_ERROR_BAD_SHAPE,       /* a tensor's shape is not the one the model needs */
  RL_ERROR_BAD_OFFSETS,     /* tensor data offsets out of bounds, overlapping or leaving gaps */
  RL_ERROR_UNKNOWN_TENSOR,  /* a file holds a tensor the model does not have */
  RL_ERROR_MISSING_TENSOR,  /* the model has a tensor the file does not hold */
  RL_ERROR_BAD_ARCH,        /* an architecture description that does not parse or does not fit */
  RL_ERROR_BAD_IMAGE,       /* an image that cannot be read or used */
  RL_ERROR_INVALID_ARGUMENT,/* an option out of range */
  RL_ERROR_DIVERGED,        /* training produced a non-finite loss (rl-train.h) */
  RL_ERROR_NOT_FINITE,      /* a weight or gradient is NaN or infinite; a file's number that
                             * must be finite is not */
  RL_ERROR_NEWER_VERSION,   /* a file in a format version newer than this build reads */
} RlError;

GQuark rl_error_quark (void);

G_END_DECLS
