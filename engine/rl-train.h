/* rl-train.h: the one training loop and the one evaluation.
 *
 * Everything that trains a model goes through an RlTrainLoop: `reslab-cli train`, the app's
 * RlTrainer (ui/control/) and each twin of the degradation experiment (rl-experiment.c). The
 * loop owns what they share: shuffled mini-batches whose order depends only on (seed, epoch)
 * (rl_batch_iter), the forward and backward pass, SGD as torch.optim.SGD (rl-sgd.h), the
 * held-out evaluation every eval_every steps and the whole test set at the end of each epoch,
 * divergence detection, and cancellation. What differs between them (log lines, progress
 * snapshots, pausing, gradient statistics) hangs on three hooks.
 *
 * One step is: gather a batch -> forward + backward -> hooks->after_backward -> SGD step ->
 * evaluations due -> hooks->after_batch. Divergence is caught in the batch it happens: a
 * non-finite loss or gradient takes no SGD step, and a step that makes a weight non-finite is
 * undone (the loss, computed before the step, would show it a batch late). after_batch still
 * sees that batch (status->diverged), then the loop stops with RL_ERROR_DIVERGED, naming the
 * batch and the tensor, and is done; the model keeps the weights it had before that batch,
 * all finite.
 *
 * A loop can be run in pieces (rl_train_loop_run with @until_step): the experiment trains each
 * twin an interval at a time, and a cancelled run resumes where it stopped, with no batch lost
 * or repeated.
 *
 * Evaluation (rl_evaluate) counts argmax hits (rl_argmax, as torch.argmax) on the first
 * @n images of a dataset, among the first @n_head of them too (the held-out subset is the head
 * of the test set, so one pass over the test set gives both), and fills a confusion matrix as
 * a by-product.
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-sgd.h"

G_BEGIN_DECLS

/* Images per forward pass when evaluating, unless a caller says otherwise. */
#define RL_EVAL_CHUNK_MIN 256

typedef struct {
  uint32_t n;             /* images evaluated */
  uint32_t correct;       /* argmax hits among them */
  uint32_t n_head;        /* the first n_head of them ... */
  uint32_t correct_head;  /* ... and the hits among those */
} RlEvalResult;

/* The index of the first maximum of @v[0..n-1], NaN above every number: torch.argmax's (the
 * first NaN if there is one). */
int      rl_argmax   (const float *v,
                      int          n);

/* Evaluates @model (evaluation mode) on the first @n images of @ds in chunks of @chunk images
 * (0: RL_EVAL_CHUNK_MIN), counting hits among all @n and among the first @n_head (<= n).
 * @confusion (nullable): (n_classes, n_classes) counts [true * n_classes + predicted], added
 * to. @cancellable (nullable) is checked before every chunk.
 * Errors: G_IO_ERROR_CANCELLED; @result then holds nothing useful. */
gboolean rl_evaluate (RlModel         *model,
                      const RlDataset *ds,
                      uint32_t         n,
                      uint32_t         n_head,
                      int              chunk,
                      uint32_t        *confusion,
                      GCancellable    *cancellable,
                      RlEvalResult    *result,
                      GError         **error);

/* rl_evaluate, and per image: @predicted: (n) the argmax, @confidence: (n) its softmax
 * probability; both nullable, indexed as the dataset. */
gboolean rl_evaluate_images (RlModel         *model,
                             const RlDataset *ds,
                             uint32_t         n,
                             uint32_t         n_head,
                             int              chunk,
                             uint32_t        *confusion,
                             uint8_t         *predicted,
                             float           *confidence,
                             GCancellable    *cancellable,
                             RlEvalResult    *result,
                             GError         **error);

typedef struct {
  int      epochs;        /* passes over the training set, >= 1 */
  int      batch;         /* images per step, >= 1 */
  float    lr;            /* SGD, as torch.optim.SGD: finite, > 0 */
  float    momentum;      /* [0, 1) */
  float    weight_decay;  /* >= 0 */
  uint64_t seed;          /* the batch order (rl_batch_iter) */
  uint32_t eval_every;    /* steps between held-out evaluations; 0: never */
  uint32_t heldout_n;     /* the held-out subset: the first N test images (clamped); 0: none */
  gboolean eval_epochs;   /* evaluate on the whole test set at the end of every epoch */
  int      eval_chunk;    /* images per forward pass when evaluating; 0: MAX (batch, 256) */
} RlTrainLoopConfig;

/* What the loop knows after a step; handed to hooks->after_batch. */
typedef struct {
  int             epoch;            /* 1-based epoch of this batch */
  int             batch;            /* 1-based batch within the epoch */
  int             n_batches;        /* batches per epoch */
  uint64_t        step;             /* batches done in all, this one included */
  uint64_t        total_steps;      /* epochs x n_batches */
  uint64_t        images_seen;      /* training images in all, this batch included */
  int             n;                /* images in this batch */
  const uint32_t *indices;          /* indices: (n) the batch's training-set indices */
  float           loss;             /* the batch's mean loss */
  gboolean        diverged;         /* the loss, a gradient or a weight went non-finite: no
                                     * step was kept, the loop stops after this */
  int             hits;             /* argmax hits in training mode */
  double          step_seconds;     /* this step: gather, passes, after_backward, SGD */
  double          epoch_seconds;    /* training time of this epoch so far (no evaluation) */
  gboolean        epoch_end;        /* the last batch of its epoch */
  /* Evaluations made after this step; correct is -1 when not measured. */
  int             heldout_correct;  /* on the held-out subset */
  uint32_t        heldout_n;
  int             test_correct;     /* on the whole test set (epoch ends, with eval_epochs) */
  uint32_t        test_n;
} RlTrainStatus;

typedef struct _RlTrainLoop RlTrainLoop;

typedef struct {
  /* Before each batch, on the training thread: may wait (pause) or change the SGD's
   * hyperparameters (rl_train_loop_get_sgd). FALSE stops the run as if cancelled. */
  gboolean (*before_batch)   (RlTrainLoop *loop, gpointer user_data);
  /* After the backward pass, before the SGD step: the gradients are in the model. */
  void     (*after_backward) (RlTrainLoop *loop, gpointer user_data);
  /* After the step and the evaluations it was due. */
  void     (*after_batch)    (RlTrainLoop *loop, const RlTrainStatus *status, gpointer user_data);
} RlTrainHooks;

/* Trains @model (borrowed: it must outlive every rl_train_loop_run) on @train, evaluating on
 * @test (nullable: no evaluation). The datasets are referenced.
 * Errors: RL_ERROR_INVALID_ARGUMENT for a config field out of range (the message names it),
 * RL_ERROR_MISMATCH when a dataset does not fit the model (image shape, classes),
 * RL_ERROR_TOO_LARGE when a batch's activations pass the engine's bound (rl-limits.h). Every
 * trainer (the CLI, the app, the experiment) gets these checks here.
 * Returns: (transfer full) */
RlTrainLoop *rl_train_loop_new   (RlModel                 *model,
                                  RlDataset               *train,
                                  RlDataset               *test,
                                  const RlTrainLoopConfig *config,
                                  GError                 **error);
void         rl_train_loop_free  (RlTrainLoop *loop);

/* Runs steps until @until_step batches are done in all (0: every epoch), or the loop is done.
 * @hooks and @cancellable are nullable.
 * Errors: G_IO_ERROR_CANCELLED (cancelled, or before_batch said stop; a later call resumes),
 * RL_ERROR_DIVERGED (the loss, a gradient or a weight became NaN or infinite; the message
 * says at which batch and in which tensor). */
gboolean     rl_train_loop_run   (RlTrainLoop        *loop,
                                  uint64_t            until_step,
                                  const RlTrainHooks *hooks,
                                  gpointer            user_data,
                                  GCancellable       *cancellable,
                                  GError            **error);

/* Every epoch done, or diverged. */
gboolean     rl_train_loop_is_done         (const RlTrainLoop *loop);
uint64_t     rl_train_loop_get_step        (const RlTrainLoop *loop);
uint64_t     rl_train_loop_get_total_steps (const RlTrainLoop *loop);
/* 0 while training; else the step at which the loss stopped being finite. */
uint64_t     rl_train_loop_get_diverged_at (const RlTrainLoop *loop);
/* The optimiser, to change its learning rate or momentum between batches.
 * Returns: (transfer none) */
RlSgd       *rl_train_loop_get_sgd         (RlTrainLoop *loop);
/* Returns: (transfer none) */
RlModel     *rl_train_loop_get_model       (RlTrainLoop *loop);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTrainLoop, rl_train_loop_free)

G_END_DECLS
