/* rl-experiment-runner.h: runs an RlExperiment (a plain net and its residual twin) on its own
 * thread and reports each record to the main thread.
 *
 * An RlExperimentRunner is an RlRunner (rl-runner.h): one worker thread per run. The
 * experiment is built on the calling thread by rl_experiment_runner_start() (so a bad
 * configuration fails there, synchronously), then handed to the worker, which alone uses it:
 * it calls rl_experiment_step() until the experiment is done or cancelled, and posts every new
 * record (immutable and refcounted, RlExperimentRecord) to the main context of the thread that
 * created the runner, where the signals are emitted. The worker runs at a lower priority
 * (nice 10 on Linux), as do the model threads it creates, so the UI keeps a core. The worker
 * frees the experiment when it ends.
 *
 * GLib/GIO only, no GTK: the runner can be tested without a display.
 *
 * Signal (on the main context of the thread that created the runner), besides RlRunner's
 * "finished" and its properties "running", "paused" and "stopping":
 *
 *   "record"   (RlExperimentRunner *, RlExperimentRecord *record)
 *       One per twin per interval, in the order the experiment made them (per step: the plain
 *       twin's, then the residual twin's). Ref it to keep it.
 *
 * Pausing (rl_runner_set_paused) waits at the next batch boundary; stopping (rl_runner_stop)
 * ends the run within the batch in progress (or the record being made), and a paused run too.
 *
 * Several seeds (rl_experiment_runner_start_seeds): the experiment is run once per seed,
 * config->seed, config->seed + 1, ..., one after the other on the same worker; each record
 * says its seed (RlExperimentRecord.seed), and "finished" comes once, after the last seed.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-experiment.h"
#include "rl-runner.h"

G_BEGIN_DECLS

#define RL_TYPE_EXPERIMENT_RECORD (rl_experiment_record_get_type ())
GType rl_experiment_record_get_type (void) G_GNUC_CONST;

#define RL_TYPE_EXPERIMENT_RUNNER (rl_experiment_runner_get_type ())
G_DECLARE_FINAL_TYPE (RlExperimentRunner, rl_experiment_runner, RL, EXPERIMENT_RUNNER, RlRunner)

/* Returns: (transfer full) */
RlExperimentRunner *rl_experiment_runner_new   (void);

/* Builds the experiment from @config on @train and @test (see rl_experiment_new, whose errors
 * it returns) and starts training it on a new thread.
 * Errors: RL_ERROR_INVALID_ARGUMENT when a run is in progress; those of rl_experiment_new. */
gboolean            rl_experiment_runner_start (RlExperimentRunner       *self,
                                                const RlExperimentConfig *config,
                                                RlDataset                *train,
                                                RlDataset                *test,
                                                GError                  **error);
/* The same, for @n_seeds seeds (config->seed and the next ones), one after the other. The first
 * seed's experiment is built here (so a bad configuration fails here); the others differ only
 * in the seed. */
gboolean            rl_experiment_runner_start_seeds (RlExperimentRunner       *self,
                                                      const RlExperimentConfig *config,
                                                      guint                     n_seeds,
                                                      RlDataset                *train,
                                                      RlDataset                *test,
                                                      GError                  **error);
/* Seeds of the current or last run, and the index (0-based) of the one in progress. */
guint               rl_experiment_runner_get_n_seeds    (RlExperimentRunner *self);
guint               rl_experiment_runner_get_seed_index (RlExperimentRunner *self);

/* About the current or last run (all FALSE/0/NULL before the first): its config as the
 * experiment resolved it (subset and test subset filled in), its iterations in all, and each
 * twin's name ("plain-20") and weight layers (RlExperimentLayer, in network order). */
const RlExperimentConfig *rl_experiment_runner_get_config (RlExperimentRunner *self);
guint64             rl_experiment_runner_get_total_iterations (RlExperimentRunner *self);
/* Returns: (transfer none) (nullable) */
const char         *rl_experiment_runner_get_name     (RlExperimentRunner *self,
                                                       RlTwin              twin);
guint               rl_experiment_runner_get_n_layers (RlExperimentRunner *self,
                                                       RlTwin              twin);
/* Returns: (transfer none) */
const RlExperimentLayer *rl_experiment_runner_get_layer (RlExperimentRunner *self,
                                                         RlTwin              twin,
                                                         guint               i);
/* How far the worker is now, read atomically (ahead of the records, which come every
 * interval): each twin's SGD steps and the training images both have seen. Zeros when no run
 * is in progress. For a progress display from the first iteration on. */
void                rl_experiment_runner_get_progress (RlExperimentRunner *self,
                                                       guint64             iterations[RL_N_TWINS],
                                                       guint64            *images);
/* Records delivered so far in the current or last run, per twin. */
guint               rl_experiment_runner_get_n_records (RlExperimentRunner *self,
                                                        RlTwin              twin);

/* The twins of the last run that ended (after "finished", whether completed or stopped, once
 * they trained at least one step; kept while a new run trains), and @initial (nullable) their
 * weights before it: what the Landscape page looks at, and what the Experiment view keeps
 * beside the run. NULL before, and after a run that ended before its first step. The training
 * set the twins trained on. Returns: (transfer none) (nullable) */
RlModel            *rl_experiment_runner_get_trained (RlExperimentRunner *self,
                                                      RlTwin              twin,
                                                      RlModel           **initial);
RlDataset          *rl_experiment_runner_get_train_set (RlExperimentRunner *self);
/* The iteration at which the first seed's @twin of the last run diverged
 * (rl_experiment_get_diverged_at), or 0 when it did not, or no twins were handed over. A twin
 * that diverged is handed over with its last finite weights (the training loop undoes the
 * step that broke them). */
guint64             rl_experiment_runner_get_diverged_at (RlExperimentRunner *self,
                                                          RlTwin              twin);

G_END_DECLS
