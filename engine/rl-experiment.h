/* rl-experiment.h: a plain net and its residual twin trained side by side, the experiment
 * behind the paper's Figures 6 and 7 (He et al. 2016, sections 4.1-4.2): deeper plain nets
 * train worse (the degradation problem), the same depth with shortcuts does not.
 *
 * An experiment holds two models of the CIFAR-style family (rl_arch_new_cifar): plain-N and
 * resnet-N of the same depth N, shortcut option and batch normalisation. Both start from the
 * same initial weights (see rl_experiment_new) and see the same batches in the same order
 * (two RlBatchIter with the same seed). rl_experiment_step() trains the plain twin for one
 * interval of iterations, then the residual twin for the same interval, and appends one record
 * per twin. Alternating whole intervals rather than single batches keeps each model's
 * workspaces warm in the cache; the two twins never influence each other, so the order only
 * matters for when the records appear.
 *
 * Driving it: a command-line loop, or the app's worker thread, calls rl_experiment_step() until
 * rl_experiment_is_done(). A record never changes once appended and is reference counted, so a
 * worker can hand rl_experiment_record_ref() of the newest records to the main thread while it
 * goes on training. The experiment itself, like a model, is used by one thread at a time.
 *
 * Statistics (RlExperimentConfig.layer_stats): per weight layer, the L2 norm of the loss
 * gradient (without the weight-decay term), computed after every batch and averaged over the
 * interval: O(parameters) per batch, small next to a training step; and the standard deviation
 * of each convolution's response (rl_model_response_std) on a fixed set of test images, only
 * when a record is made.
 *
 * Batch norm at the records: evaluation mode normalises with the running averages (momentum
 * 0.1), which lag the weights. Early in training, while the weights move fast, that lag alone
 * can put the test error of a net whose training error is 6 % at 20-60 % (measured: held-out
 * training images get the same error, and it falls back to near the training error once the
 * statistics are taken at the current weights; even the mean statistics of the last four
 * training batches, one to four steps stale, leave it noisy). With fresh_bn_stats, each record
 * first runs one training-mode pass over a fixed calibration batch (the first `batch` training
 * images) and measures the test error and the response std with that batch's statistics at the
 * current weights ("precise BN" with one batch), then puts the model's own parameters and
 * running averages back: its training and what it saves are unchanged. It costs one forward
 * and backward pass of a batch per record and twin.
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-model.h"

G_BEGIN_DECLS

typedef enum {
  RL_TWIN_PLAIN,
  RL_TWIN_RESIDUAL,
} RlTwin;

#define RL_N_TWINS 2

typedef struct {
  int        depth;            /* 6n+2: 8, 20, 32, 44, 56, ... */
  RlShortcut shortcut;         /* RL_SHORTCUT_A or RL_SHORTCUT_B, where shapes change */
  gboolean   bn;               /* batch normalisation after every convolution */
  double     lr;               /* SGD as torch.optim.SGD (rl-sgd.h) */
  double     momentum;
  double     weight_decay;
  int        batch;            /* 1 .. 60000 */
  uint64_t   seed;             /* initial weights and batch order */
  int        epochs;           /* passes over the (subset of the) training set */
  uint32_t   subset;           /* train on the first N training images; 0: all */
  uint32_t   test_subset;      /* test error on the first N test images; 0: all */
  int        interval;         /* iterations (batches) between records */
  int        threads;          /* per model; <= 0: every core */
  gboolean   layer_stats;      /* gradient norms (every batch) and response std (per record) */
  uint32_t   response_images;  /* test images for the response std (at most test_subset) */
  gboolean   fresh_bn_stats;   /* records use fresh batch norm statistics (see above) */
} RlExperimentConfig;

/* The defaults: depth 20, option A, bn on, the paper's SGD (lr 0.1, momentum 0.9, weight
 * decay 1e-4, batch 128), seed 1, 1 epoch, all images, test error on the first 1000 test
 * images, a record every 10 iterations, every core, layer statistics on 256 test images,
 * fresh batch norm statistics. */
void rl_experiment_config_init (RlExperimentConfig *cfg);

/* One record of one twin, after @iteration SGD steps. Immutable once published. */
typedef struct {
  /*< public, read-only; reference counted (an atomic rc box) >*/
  RlTwin   twin;
  uint64_t seed;            /* the experiment's RlExperimentConfig.seed */
  uint64_t iteration;       /* SGD steps done so far */
  uint64_t images;          /* training images seen so far */
  double   epoch;           /* images / training images */
  double   train_error;     /* 1 - (argmax hits / images) over this interval's batches, in
                             * training mode and while the weights change, as a running
                             * accuracy; NAN if the twin diverged in this interval */
  double   train_loss;      /* mean batch loss over the interval (NAN or INF if it diverged) */
  double   test_error;      /* on the fixed test subset, evaluation mode (batch norm: see
                             * fresh_bn_stats) */
  double   train_seconds;   /* wall time of the twin's training so far (stats included,
                             * evaluation at records excluded) */
  guint    n_layers;        /* rl_experiment_get_n_layers(); 0 without layer_stats */
  double  *grad_norm;       /* grad_norm: (n_layers) mean over the interval's batches of
                             * ||dLoss/dW||_2 for the layer's weight tensor */
  double  *response_std;    /* response_std: (n_layers) std of the layer's response on the
                             * response images at this record; NAN for layers without one
                             * (the linear layer, projection shortcuts) */
} RlExperimentRecord;

/* A record of @twin with room for @n_layers per-layer values, all fields zero: for whoever
 * rebuilds records (a saved run read back, rl-experiment-file.h), who fills it before sharing
 * it. Returns: (transfer full) */
RlExperimentRecord *rl_experiment_record_new   (RlTwin twin, guint n_layers);
/* Returns: (transfer full) */
RlExperimentRecord *rl_experiment_record_ref   (RlExperimentRecord *record);
void                rl_experiment_record_unref (RlExperimentRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlExperimentRecord, rl_experiment_record_unref)

/* A weight layer as the statistics see it: a convolution's or the linear layer's weight tensor,
 * in the model's table order (which is network order). */
typedef struct {
  char name[2 * RL_NAME_MAX];  /* the tensor's name without ".weight": "conv1", "layer2.0.conv1",
                                * "layer2.0.shortcut.0", "fc" */
  int  index;                  /* 1-based position among the depth's weight layers (conv1 is 1,
                                * fc is depth); 0 for a projection shortcut (option B), which
                                * is not counted in the depth */
  int  tensor;                 /* index in the model's tensor table */
  int  response;               /* index among rl_model_get_n_responses(), -1 if none */
} RlExperimentLayer;

typedef struct _RlExperiment RlExperiment;

/* Builds both twins from @cfg on @train and @test (referenced; the subsets are copies).
 * Same seed for both: with option A the two nets have the same parameter table (shortcut A has
 * no parameters), so rl_model_init_params() draws the same values for every tensor and the
 * twins start from identical weights. With option B the residual twin has extra projection
 * tensors in the middle of its table, so the same seed alone would give every later tensor
 * different values (from the same distribution); instead every tensor the twins share is
 * copied from the plain twin, and only the projections keep their own draw (PyTorch's default
 * distribution, like every other conv). Either way the twins differ only in the shortcuts.
 * Errors: RL_ERROR_INVALID_ARGUMENT for an option out of range (the message names it),
 * RL_ERROR_BAD_ARCH for a depth that is not 6n+2, RL_ERROR_MISMATCH when the train and test
 * images differ in shape. Returns: (transfer full) */
RlExperiment       *rl_experiment_new            (const RlExperimentConfig *cfg,
                                                  RlDataset                *train,
                                                  RlDataset                *test,
                                                  GError                  **error);
void                rl_experiment_free           (RlExperiment *exp);

/* Trains each twin up to the next interval boundary (or the end) and appends a record for
 * each. @cancellable is checked before every batch; when cancelled, returns FALSE with
 * G_IO_ERROR_CANCELLED, keeps whatever batches were done, and a later call resumes from there
 * (no record is lost or duplicated). A twin whose loss stops being finite stops training with
 * a last record (see rl_experiment_get_diverged_at); that is not an error. Calling it when
 * the experiment is done returns TRUE and does nothing. */
gboolean            rl_experiment_step           (RlExperiment  *exp,
                                                  GCancellable  *cancellable,
                                                  GError       **error);
gboolean            rl_experiment_is_done        (const RlExperiment *exp);

/* Called before and after every batch of either twin, on the thread running
 * rl_experiment_step(): the twin, its SGD steps so far and the training images it has seen.
 * For a progress display between records (a record comes every `interval` iterations), and a
 * place to wait while paused (the app's runner): it must be quick otherwise. */
typedef void (*RlExperimentBatchFunc) (RlTwin    twin,
                                       uint64_t  iteration,
                                       uint64_t  images,
                                       gpointer  user_data);
void                rl_experiment_set_batch_func (RlExperiment          *exp,
                                                  RlExperimentBatchFunc  func,
                                                  gpointer               user_data);

const RlExperimentConfig *rl_experiment_get_config (const RlExperiment *exp);
/* "plain-20", "resnet-20". Returns: (transfer none) */
const char         *rl_experiment_get_name       (const RlExperiment *exp, RlTwin twin);
/* Iterations in the whole run: epochs * ceil(training images / batch). */
uint64_t            rl_experiment_get_total_iterations (const RlExperiment *exp);
uint64_t            rl_experiment_get_iteration  (const RlExperiment *exp, RlTwin twin);
uint32_t            rl_experiment_get_n_train    (const RlExperiment *exp);
uint32_t            rl_experiment_get_n_test     (const RlExperiment *exp);
/* The iteration whose loss was not finite, or 0 while the twin trains normally. */
uint64_t            rl_experiment_get_diverged_at (const RlExperiment *exp, RlTwin twin);
/* A running FNV-1a hash of the indices of every training image fed to the twin, in order:
 * equal for both twins when they saw the same batches. */
uint64_t            rl_experiment_get_batch_digest (const RlExperiment *exp, RlTwin twin);

guint               rl_experiment_get_n_records  (const RlExperiment *exp, RlTwin twin);
/* Returns: (transfer none); rl_experiment_record_ref() it to keep it past the experiment. */
RlExperimentRecord *rl_experiment_get_record     (const RlExperiment *exp, RlTwin twin,
                                                  guint i);
/* The layer table is fixed by rl_experiment_new() and never changes, so, like the config and
 * the names, it may be read from another thread while a step runs (to label the records a
 * worker posts). Returns: (transfer none) */
guint               rl_experiment_get_n_layers   (const RlExperiment *exp, RlTwin twin);
const RlExperimentLayer *rl_experiment_get_layer (const RlExperiment *exp, RlTwin twin,
                                                  guint i);
/* The twin's model, for saving or looking inside between steps; not while a step runs. When
 * the twin finishes, its model is replaced by a copy without the training workspaces, so get
 * it again after each step. Returns: (transfer none) */
RlModel            *rl_experiment_get_model      (RlExperiment *exp, RlTwin twin);

/* The weight layers of @model (see RlExperimentLayer). Returns: (transfer full) an array of
 * RlExperimentLayer */
GArray             *rl_experiment_list_layers    (const RlModel *model);
/* norms[i] += ||gradient of layers[i]'s weight||_2 for the last rl_model_forward_backward().
 * norms: (n_layers) */
void                rl_experiment_add_grad_norms (RlModel *model, const RlExperimentLayer *layers,
                                                  guint n_layers, double *norms);

/* CSV (RFC 4180, '.' decimals, no quoting needed) of the records of both twins, plain first:
 *   depth,net,shortcut,bn,iteration,images,epoch,train_error,train_loss,test_error,seed
 * with @header, the header line first. Errors are fractions (0.05 is 5 %). One row per record
 * and seed: the seed column (last, so that tools reading the first ten columns by position
 * still work) tells the runs of a depth apart when it was trained with several seeds. */
#define RL_EXPERIMENT_CSV_HEADER \
  "depth,net,shortcut,bn,iteration,images,epoch,train_error,train_loss,test_error,seed\n"
void                rl_experiment_format_csv     (const RlExperiment *exp, GString *csv,
                                                  gboolean header);
/* One row of that CSV: @record of an experiment run with @config. */
void                rl_experiment_format_record_csv (GString                  *csv,
                                                     const RlExperimentConfig *config,
                                                     const RlExperimentRecord *record);
/* Per-layer statistics, one row per record and weight layer:
 *   depth,net,iteration,layer,grad_norm,response_std,name
 * layer is RlExperimentLayer.index (0 for a projection shortcut), name its name; response_std
 * is empty for a layer without a response. Nothing but the header without layer_stats. */
#define RL_EXPERIMENT_LAYERS_CSV_HEADER "depth,net,iteration,layer,grad_norm,response_std,name\n"
void                rl_experiment_format_layers_csv (const RlExperiment *exp, GString *csv,
                                                     gboolean header);
/* Writes both CSVs (atomically); @layers_path may be NULL. Errors: GFileError. */
gboolean            rl_experiment_write_csv      (const RlExperiment *exp, const char *path,
                                                  const char *layers_path, GError **error);
/* Appends @v in C notation whatever the locale ("nan", "inf", "-inf" for the non-finite):
 * with @digits significant digits (the CSVs: 6), or with 0, in the fewest digits that read back
 * bit for bit (0.1, not 0.10000000000000001; the experiment files, rl-experiment-file.h). */
void                rl_experiment_append_number  (GString *s, double v, int digits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlExperiment, rl_experiment_free)

/* ---- Several seeds -------------------------------------------------------------------------
 *
 * An RlExperimentGroup holds the records of runs of one configuration that differ only in
 * their seed (config.seed, config.seed + 1, ...), and gives each curve as a mean with a band
 * (min to max) over the seeds. Runs with the same configuration record at the same
 * iterations, so a curve's i-th point gathers the i-th record of every seed that has one
 * (while the seeds train one after the other, the later ones have fewer). Built from whole
 * experiments (the command line) or record by record (the app, as they arrive). */

typedef enum {
  RL_EXPERIMENT_TRAIN_ERROR,
  RL_EXPERIMENT_TRAIN_LOSS,
  RL_EXPERIMENT_TEST_ERROR,
} RlExperimentValue;

double              rl_experiment_record_get_value (const RlExperimentRecord *record,
                                                    RlExperimentValue         value);

typedef struct _RlExperimentGroup RlExperimentGroup;

/* @config: the first seed's, as the experiment resolved it (rl_experiment_get_config);
 * @names: the twins' names ("plain-20", "resnet-20"). Returns: (transfer full) */
RlExperimentGroup  *rl_experiment_group_new      (const RlExperimentConfig *config,
                                                  uint64_t                  total_iterations,
                                                  const char               *plain_name,
                                                  const char               *residual_name);
void                rl_experiment_group_free     (RlExperimentGroup *group);
/* Keeps a reference to @record, filed under its twin and its seed (record->seed must be
 * config.seed or above). */
void                rl_experiment_group_add_record (RlExperimentGroup  *group,
                                                    RlExperimentRecord *record);
/* Every record of @exp so far (an experiment of the group's configuration and another seed). */
void                rl_experiment_group_add_experiment (RlExperimentGroup  *group,
                                                        const RlExperiment *exp);
/* Returns: (transfer none) */
const RlExperimentConfig *rl_experiment_group_get_config (const RlExperimentGroup *group);
const char         *rl_experiment_group_get_name (const RlExperimentGroup *group, RlTwin twin);
uint64_t            rl_experiment_group_get_total_iterations (const RlExperimentGroup *group);
/* Seeds with at least one record. */
guint               rl_experiment_group_get_n_seeds (const RlExperimentGroup *group);
guint               rl_experiment_group_get_n_records (const RlExperimentGroup *group,
                                                       RlTwin twin, guint seed_index);
/* Returns: (transfer none) */
RlExperimentRecord *rl_experiment_group_get_record (const RlExperimentGroup *group, RlTwin twin,
                                                    guint seed_index, guint i);
/* Points of the twin's curve: the most records any seed has. */
guint               rl_experiment_group_get_n_points (const RlExperimentGroup *group,
                                                      RlTwin twin);
/* Point @i of the twin's curve of @value: the iteration, and the mean, min and max over the
 * seeds' finite values there (NAN for all three when none is finite, as after a divergence).
 * Returns how many seeds have a finite value at that point. */
guint               rl_experiment_group_get_point (const RlExperimentGroup *group, RlTwin twin,
                                                   guint i, RlExperimentValue value,
                                                   uint64_t *iteration, double *mean,
                                                   double *min, double *max);
/* The CSV of rl_experiment_format_csv() for every seed: for each twin (plain first), each seed's
 * records in order. */
void                rl_experiment_group_format_csv (const RlExperimentGroup *group, GString *csv,
                                                    gboolean header);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlExperimentGroup, rl_experiment_group_free)

G_END_DECLS
