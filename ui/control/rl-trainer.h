/* rl-trainer.h: trains an RlModel on its own thread and reports to the main thread.
 *
 * An RlTrainer is an RlRunner (rl-runner.h): one worker thread per run, stopped with
 * rl_runner_stop(), paused and resumed with rl_runner_set_paused(). The worker trains a
 * private copy of the model (SGD with momentum, shuffled mini-batches), evaluates on a fixed
 * held-out subset of the test set every eval_every batches and on the whole test set at the
 * end of each epoch, and talks to the thread that created the trainer only by posting
 * immutable refcounted snapshots (RlTrainProgress, RlModelSnapshot) to that thread's main
 * context. Every signal is emitted there. The main thread never waits for the worker for
 * longer than a mutex hand-off.
 *
 * GLib/GIO only, no GTK: the trainer can be tested without a display.
 *
 * States (the property "state": the runner's "running", "paused" and "stopping" as one):
 *           IDLE --start--> RUNNING <--pause/resume--> PAUSED
 *           RUNNING/PAUSED --stop--> STOPPING
 *           RUNNING/PAUSED/STOPPING --(worker done, "finished" emitted)--> IDLE
 * The state changes to IDLE just before "finished" is emitted, so a "finished" handler may
 * start the next run.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-runner.h"
#include "rl-train-progress.h"

G_BEGIN_DECLS

typedef struct {
  RlDatasetKind dataset;     /* what the train set is; must match train->kind */
  int           epochs;      /* 1 .. 1000 */
  float         lr;          /* > 0 */
  float         momentum;    /* [0, 1) */
  float         weight_decay; /* [0, 1], as torch.optim.SGD's; default 0 */
  int           batch;       /* 1 .. 4096 */
  guint64       seed;        /* batch order (rl_batch_iter) */
  int           threads;     /* threads of the worker's model (its thread team); <= 0: every core */
  guint         eval_every;  /* batches between held-out evaluations, default 100; 0: never */
  guint         eval_subset; /* size of the fixed held-out subset of the test set, default
                              * 1000 (clamped to the test set); 0: no held-out evaluation */
} RlTrainConfig;

/* The seed's hyperparameters: MNIST, 10 epochs, lr 0.01, momentum 0.5, batch 64, seed 1,
 * threads = number of cores, eval_every 100, eval_subset 1000. */
void rl_train_config_init_defaults (RlTrainConfig *config);
/* The optimiser's defaults for a net: with batch normalisation anywhere in it, those of the
 * experiment (rl-experiment-view.c and -settings.c: lr 0.05, momentum 0.9, weight decay 1e-4,
 * the paper's momentum and decay); without, the seed's (lr 0.01, momentum 0.5, no decay),
 * which trains the seed net and nets like it without diverging. */
#define RL_TRAIN_BN_LR           0.05
#define RL_TRAIN_BN_MOMENTUM     0.9
#define RL_TRAIN_BN_WEIGHT_DECAY 1e-4
typedef struct {
  gboolean batch_norm;   /* which of the two the net got */
  double   lr, momentum, weight_decay;
} RlTrainDefaults;
void rl_train_defaults_for_arch (const RlArch *arch, RlTrainDefaults *defaults);

/* Errors: RL_ERROR_INVALID_ARGUMENT, naming the field. */
gboolean rl_train_config_validate  (const RlTrainConfig *config, GError **error);

typedef enum {
  RL_TRAINER_IDLE,
  RL_TRAINER_RUNNING,
  RL_TRAINER_PAUSED,
  RL_TRAINER_STOPPING,
} RlTrainerState;

#define RL_TYPE_TRAINER_STATE (rl_trainer_state_get_type ())
GType rl_trainer_state_get_type (void) G_GNUC_CONST;

#define RL_TYPE_TRAINER (rl_trainer_get_type ())
G_DECLARE_FINAL_TYPE (RlTrainer, rl_trainer, RL, TRAINER, RlRunner)

/* Signals (all on the main context of the thread that created the trainer), besides
 * RlRunner's "finished":
 *
 *   "progress" (RlTrainer *, RlTrainProgress *progress)
 *       At most ~15 per second, in order; a snapshot where held-out or test accuracy was
 *       measured, or that ends the run, is always posted. Each carries every batch's loss
 *       since the previous one (progress->points).
 *   "weights"  (RlTrainer *, RlModelSnapshot *weights)
 *       A copy of the weights at most every ~250 ms, at the start (the initial weights) and at
 *       the end. Ref it to keep it.
 *   "finished" (RlRunner's): a run that failed has a diverged loss (RL_ERROR_DIVERGED),
 *       or an error of the loop; rl_trainer_get_latest_weights() has the final weights.
 */

/* Returns: (transfer full) */
RlTrainer       *rl_trainer_new      (void);

/* Starts training a copy of @initial on @train, evaluating on @test (nullable: no
 * evaluation). The trainer keeps references to the datasets until the run ends.
 * Errors: RL_ERROR_INVALID_ARGUMENT when a run is in progress (the state is not IDLE) or the
 * config is invalid; RL_ERROR_MISMATCH when the datasets do not fit the model (input shape,
 * classes) or config->dataset is not the train set's kind. */
gboolean         rl_trainer_start    (RlTrainer           *self,
                                      const RlModel       *initial,
                                      RlDataset           *train,
                                      RlDataset           *test,
                                      const RlTrainConfig *config,
                                      GError             **error);
/* rl_runner_set_paused(): the worker stops at the next batch boundary (after posting a
 * progress snapshot) until resumed; no-op unless RUNNING (pause) or PAUSED (resume).
 * rl_runner_stop(): the worker ends after at most the batch in progress (an evaluation in
 * progress stops at its next chunk), posts its last snapshots and "finished" with
 * completed = FALSE; no-op when IDLE or STOPPING. */

/* Change the optimiser's hyperparameters from the next batch on; while idle they are kept
 * for nothing (the next run takes its config). lr > 0, momentum in [0, 1). */
void             rl_trainer_set_lr        (RlTrainer *self, float lr);
void             rl_trainer_set_momentum  (RlTrainer *self, float momentum);

RlTrainerState   rl_trainer_get_state     (RlTrainer *self);
/* The config of the current or last run. Returns: (transfer none) (nullable) */
const RlTrainConfig *rl_trainer_get_config (RlTrainer *self);
/* The last weights posted (the final ones after "finished"), NULL before the first run.
 * Returns: (transfer none) (nullable) */
RlModelSnapshot *rl_trainer_get_latest_weights  (RlTrainer *self);
/* The last progress delivered. Returns: (transfer none) (nullable) */
RlTrainProgress *rl_trainer_get_latest_progress (RlTrainer *self);
/* Batches the worker has finished so far in this run, read atomically: it can be ahead of the
 * last delivered progress. For status displays and tests. */
guint64          rl_trainer_get_batches_done    (RlTrainer *self);

/* For tests: called on the worker thread in the middle of every training step (after the
 * backward pass, before the SGD step) of the runs started from now on, with the step's number
 * (1-based). It may block, as a test holding the worker inside a batch does; NULL removes it. */
typedef void (*RlTrainerStepFunc) (guint64 step, gpointer user_data);
void             rl_trainer_set_step_hook       (RlTrainer         *self,
                                                 RlTrainerStepFunc  func,
                                                 gpointer           user_data);

G_END_DECLS
