/* rl-teach.h: "Learn from my digits": a model fine-tuned on the user's own digits.
 *
 * A copy of the model trains for a few dozen SGD steps through RlTrainLoop on one dataset:
 * each of the user's digits repeated @weight times, and a replay sample of @replay MNIST
 * training images (rl_dataset_sample), concatenated (rl_dataset_concat) and shuffled by the
 * loop. The replay keeps the model from forgetting MNIST while it learns the user's style: with
 * the defaults (80 steps of 64 images over 4000 + 20 x 10 images, about 1.2 epochs), one image
 * in 21 of every batch is one of the user's digits. The defaults were chosen on the slow test
 * tests/test-teach-mnist.c (README.md, "Learn from my digits"). The original model is never
 * changed; each of the user's digits is read before and after, for the user to see.
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

#include "rl-dataset.h"
#include "rl-model.h"

G_BEGIN_DECLS

typedef struct {
  int      steps;      /* SGD steps: 80 */
  int      batch;      /* images per step: 64 */
  float    lr;         /* 0.01 */
  float    momentum;   /* 0.5 */
  uint32_t replay;     /* MNIST training images mixed in: 4000 (clamped to the set) */
  guint    weight;     /* copies of each of the user's digits: 10 */
  uint64_t seed;       /* the replay sample and the batch order: 1 */
} RlTeachConfig;

void rl_teach_config_init (RlTeachConfig *config);

typedef struct {
  guint     n;               /* the user's digits */
  uint8_t  *labels;          /* (n) what they are */
  uint8_t  *before;          /* (n) read as, by the model taught */
  uint8_t  *after;           /* (n) read as, by the new model */
  float    *conf_before;     /* (n) the confidence of those readings */
  float    *conf_after;      /* (n) */
  guint     correct_before, correct_after;
  double    seconds;         /* the fine-tuning's wall time */
} RlTeachReport;

void rl_teach_report_free (RlTeachReport *report);

/* Fine-tunes a copy of @model on @mine (the user's digits, rl-userset.h) mixed with a replay
 * sample of @replay_from (MNIST's training set; nullable: no replay, which forgets). @config
 * nullable: the defaults. @report (nullable) receives each digit's reading before and after.
 * Errors: RL_ERROR_INVALID_ARGUMENT (a config field out of range), RL_ERROR_MISMATCH (the
 * digits do not fit the model), G_IO_ERROR_CANCELLED, RL_ERROR_DIVERGED.
 * Returns: (transfer full) the new model */
RlModel *rl_teach (const RlModel       *model,
                   const RlDataset     *mine,
                   const RlDataset     *replay_from,
                   const RlTeachConfig *config,
                   GCancellable        *cancellable,
                   RlTeachReport      **report,
                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTeachReport, rl_teach_report_free)

G_END_DECLS
