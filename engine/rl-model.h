/* rl-model.h: a network built from an RlArch, its parameters, training and inference.
 *
 * Legend for shapes: N images in a batch, C channels, H x W spatial size, K kernel size,
 * P the number of classes.
 *
 * Parameters live in one contiguous float block, gradients in another of the same layout, and a
 * table of named views (PyTorch state_dict names and shapes) describes both. Save/load, SGD and
 * the gradient checks all walk that table.
 *
 * Threads: rl_model_forward_backward() and rl_model_predict() split the batch over the model's
 * thread team (rl-team.h); each thread works on its own slice and its own gradient buffer,
 * and the buffers are summed in thread order, so a given seed and thread count gives the same
 * bits on every run. A model is not thread-safe: one thread uses it at a time. For the app, a
 * copy of the weights (rl_model_copy) is what the main thread predicts with while a worker trains.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "rl-arch.h"
#include "rl-safetensors.h"

G_BEGIN_DECLS

typedef struct _RlModel RlModel;

typedef enum {
  RL_PARAM_WEIGHT,          /* conv or linear weight */
  RL_PARAM_BIAS,            /* conv or linear bias */
  RL_PARAM_BN_WEIGHT,       /* batch norm gamma */
  RL_PARAM_BN_BIAS,         /* batch norm beta */
  RL_PARAM_RUNNING_MEAN,    /* batch norm buffers: not trained by SGD */
  RL_PARAM_RUNNING_VAR,
  RL_PARAM_BATCHES_TRACKED,
} RlParamRole;

typedef struct {
  char    name[2 * RL_NAME_MAX];  /* e.g. "rblock1.conv2.weight" */
  int     ndim;
  int64_t shape[4];
  size_t  offset;                 /* into the parameter and gradient blocks, in floats */
  size_t  numel;
  int     fan_in;                 /* for PyTorch's default initialisation */
  RlParamRole role;
} RlParamInfo;

/* Whether SGD updates the tensor (FALSE for batch norm's running statistics). */
static inline gboolean
rl_param_info_is_trainable (const RlParamInfo *info)
{
  return info->role <= RL_PARAM_BN_BIAS;
}

/* Builds the model for inputs of (in_c, in_h, in_w); checks that the arch fits that input
 * (shapes stay positive, identity shortcuts see matching shapes, the net ends in a linear layer
 * to n_classes outputs). Parameters start at zero: call rl_model_init_params().
 * Errors: RL_ERROR_BAD_ARCH; RL_ERROR_TOO_LARGE past 64 M parameters or 16 M activations per
 * image and layer. Returns: (transfer full) */
RlModel  *rl_model_new         (const RlArch *arch, int in_c, int in_h, int in_w, int n_classes,
                                GError **error);
/* rl_model_new for the images of MNIST and Fashion-MNIST (RL_MNIST_SIDE, RL_MNIST_CLASSES in
 * rl-dataset.h), which every net of the app, the CLI and the bench is built for. */
RlModel  *rl_model_new_mnist   (const RlArch *arch, GError **error);
/* rl_model_new that also says which layer an error is about (@err_layer nullable: the 0-based
 * index, -1 for the whole net, as for the size limits of rl-limits.c; the last layer when the
 * net does not end in a linear layer of n_classes). rl_arch_layer_place finds it in the text. */
RlModel  *rl_model_new_at      (const RlArch *arch, int in_c, int in_h, int in_w, int n_classes,
                                int *err_layer, GError **error);
/* Same parameters, no shared state. Returns: (transfer full) */
RlModel  *rl_model_copy        (const RlModel *model);
void      rl_model_free        (RlModel *model);
/* Copies parameter values from @src, which must have the same arch. */
void      rl_model_copy_params (RlModel *dst, const RlModel *src);

/* PyTorch's defaults for Conv2d and Linear: weight ~ kaiming_uniform(a = sqrt(5)) and bias ~
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)); both bounds come out as 1/sqrt(fan_in). Batch norm: weight
 * 1, bias 0, running mean 0, running variance 1. Deterministic in @seed; tensors drawn in table
 * order. */
void      rl_model_init_params (RlModel *model, uint64_t seed);

const RlArch      *rl_model_get_arch         (const RlModel *model);
void               rl_model_get_input_shape  (const RlModel *model, int *c, int *h, int *w);
int                rl_model_get_n_classes    (const RlModel *model);
/* The output shape of arch layer @i, (C, H, W) for one image (a linear layer's is (P, 1, 1)). */
void               rl_model_get_layer_shape  (const RlModel *model, guint i, int *c, int *h,
                                              int *w);
guint              rl_model_get_n_tensors    (const RlModel *model);
const RlParamInfo *rl_model_get_tensor_info  (const RlModel *model, guint i);
/* Returns: (transfer none) (nullable) */
const RlParamInfo *rl_model_lookup_tensor    (const RlModel *model, const char *name);
size_t             rl_model_get_n_params     (const RlModel *model);
float             *rl_model_get_params       (RlModel *model);
const float       *rl_model_get_params_const (const RlModel *model);
/* d(mean loss)/d(params) of the last rl_model_forward_backward(). */
float             *rl_model_get_grads        (RlModel *model);
/* Forward FLOPs for one image (multiply-add counted as 2). */
double             rl_model_get_flops        (const RlModel *model);

/* Threads used by forward_backward and predict; default 1. @n_threads <= 0: number of cores. */
void      rl_model_set_threads (RlModel *model, int n_threads);
int       rl_model_get_threads (const RlModel *model);
/* Frees the buffers training and prediction keep between calls; the next call makes them again
 * (from warm memory after rl_workspace_keep_freed_memory). For a model that waits while another
 * trains: the experiment's twins take turns with one set of buffers' worth of memory. */
void      rl_model_release_workspaces (RlModel *model);

/* For programs (call once, from main): keep the memory of freed workspaces in the process
 * rather than giving it back to the system, so that a workspace made again (the twins above,
 * every ten steps) reuses warm pages instead of faulting fresh ones in. Measured on the
 * degradation experiment's depth 20: 39.6 s -> 24.8 s, 1.04 M page faults -> 46 k, same peak
 * memory. rl_workspace_return_freed_memory gives what is kept back (the experiment does when
 * it is freed). Both do nothing outside glibc. */
void      rl_workspace_keep_freed_memory   (void);
void      rl_workspace_return_freed_memory (void);

/* One training step's gradients: forward in training mode, softmax cross-entropy (mean over the
 * batch, as PyTorch's CrossEntropyLoss), backward. Overwrites the gradient block (buffers get
 * zero). Batch norm uses the statistics of the whole batch, across threads, and updates its
 * running statistics, as PyTorch's BatchNorm2d in train().
 * x: (N, C, H, W) normalised; labels: (N). Returns the mean loss; *n_correct (nullable) gets the
 * number of argmax hits. Workspace grows on the first call with a larger N, never in steady state. */
float     rl_model_forward_backward (RlModel *model, const float *x, const uint8_t *labels, int n,
                                     int *n_correct);
/* The same, also giving the training-mode logits (batch statistics in batch norm), as the
 * loss saw them. logits: (N, P), nullable. */
float     rl_model_forward_backward_logits (RlModel *model, const float *x, const uint8_t *labels,
                                            int n, int *n_correct, float *logits);

/* The forward of rl_model_forward_backward alone, in training mode: batch norm normalises with
 * the batch's statistics and moves its running statistics toward them, the same bits as a step
 * on the same batch would; no loss, and the gradient block is left as it was.
 * x: (N, C, H, W) normalised. */
void      rl_model_forward_training (RlModel *model, const float *x, int n);

/* The bytes rl_model_forward_backward allocates for its workspaces on a batch of @batch images
 * split over @n_threads threads: every activation and its gradient buffers, the im2col blocks,
 * the batch norm statistics and the extra threads' gradient blocks, sized by the same code that
 * allocates them (rl-workspace.c). Not counted: the parameters and the model's own gradients
 * (4 bytes each per parameter). */
size_t    rl_model_train_memory (const RlModel *model, int batch, int n_threads);
/* The bytes the model's workspaces hold now, counted as they were allocated. */
size_t    rl_model_get_workspace_bytes (const RlModel *model);

/* Logits for a batch, in evaluation mode (batch norm uses its running statistics).
 * x: (N, C, H, W); logits: (N, P) */
void      rl_model_predict     (RlModel *model, const float *x, int n, float *logits);

/* Response statistics (the paper's Fig. 7): the standard deviation of each weight layer's
 * response, i.e. the output of every convolution (after its batch norm, if any, and before ReLU
 * and the residual addition), in network order; the block's projections are not counted. */
guint       rl_model_get_n_responses    (const RlModel *model);
/* e.g. "conv1", "layer2.0.conv1". Returns: (transfer none) */
const char *rl_model_get_response_name  (const RlModel *model, guint i);
/* Evaluation-mode forward of @n images, collecting statistics: rl_model_predict with the
 * statistics taken on the way, so the logits are the same bits as its.
 * x: (N, C, H, W); logits: (N, P), nullable; std: (n_responses) */
void        rl_model_response_std       (RlModel *model, const float *x, int n, float *logits,
                                         double *std);

/* Per-layer timing of training steps, for benchmarks: while on, thread 0 adds up the wall time
 * of each layer's forward and backward (the other threads do the same work on their slices).
 * Turning it on resets the sums. */
void        rl_model_set_profiling      (RlModel *model, gboolean enabled);
/* Seconds spent in layer @i since profiling was turned on. */
void        rl_model_get_profile        (const RlModel *model, guint i, double *forward,
                                         double *backward);
/* The layer whose profile holds layer @i's time in training steps of @n images per thread: @i
 * itself, or the layer it runs inside of (a ReLU inside the max pooling after it; a conv's
 * ReLU and 2x2 pooling inside the conv, rl_conv2d_relu_maxpool_forward). */
guint       rl_model_profile_owner      (const RlModel *model, guint i, int n);

/* Safetensors I/O, with PyTorch state_dict names. Metadata written: "arch" (rl_arch_to_string),
 * "input" ("1,28,28"), "classes", and whatever @metadata (string -> string, nullable) adds
 * ("dataset", "epochs", "test_accuracy", "created" are the conventional keys). Atomic. */
gboolean  rl_model_save        (const RlModel *model, const char *path, GHashTable *metadata,
                                GError **error);
/* The views rl_model_save writes: each of @model's tensors in table order (name, shape, its
 * parameters), @n_views of them. Returns: (transfer container) */
RlTensorView *rl_model_get_tensor_views (const RlModel *model, guint *n_views);
/* Builds a model from a file: the arch from its "arch" metadata (the seed net when there is
 * none, as for a file saved from PyTorch), then checks every tensor's name and shape.
 * Errors: those of rl_safetensors_load, RL_ERROR_BAD_ARCH, RL_ERROR_UNKNOWN_TENSOR,
 * RL_ERROR_MISSING_TENSOR, RL_ERROR_BAD_SHAPE. @out_st (nullable) receives the parsed file for
 * its metadata. Returns: (transfer full) */
RlModel  *rl_model_load        (const char *path, RlSafetensors **out_st, GError **error);
RlModel  *rl_model_load_bytes  (GBytes *bytes, const char *what, RlSafetensors **out_st,
                                GError **error);
/* Copies the tensors of @st into @model, checking names and shapes as rl_model_load does. */
gboolean  rl_model_set_from_safetensors (RlModel *model, const RlSafetensors *st,
                                         const char *what, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlModel, rl_model_free)

/* ---- Inference with every activation, for the viewers ----------------------------------- */

typedef enum {
  RL_MAP_LAYER_OUTPUT,     /* output of a conv, relu, maxpool, gap or linear layer */
  RL_MAP_BLOCK_INPUT,      /* residual block: x */
  RL_MAP_BLOCK_HIDDEN,     /* residual block: relu(conv1(x)) */
  RL_MAP_BLOCK_RESIDUAL,   /* residual block: F(x) = conv2(relu(conv1(x))), before the sum */
  RL_MAP_BLOCK_SHORTCUT,   /* residual block: shortcut(x), when it is not the identity */
  RL_MAP_BLOCK_OUTPUT,     /* residual block: relu(F(x) + shortcut(x)) */
} RlMapRole;

typedef struct {
  const char  *layer_name;  /* the spec's name, or "relu", "maxpool", ... with its index */
  int          layer_index; /* index in the arch */
  RlLayerKind  kind;
  RlMapRole    role;
  int          c, h, w;     /* a linear layer's output is (P, 1, 1) */
  const float *data;        /* (C, H, W), valid until the next run or free */
} RlActivation;

typedef struct _RlInference RlInference;

/* Workspace to run one image through models of @model's arch. Returns: (transfer full) */
RlInference        *rl_inference_new     (const RlModel *model);
void                rl_inference_free    (RlInference *inf);
/* image: (C, H, W) normalised; probs: (P) softmax output, nullable. Single-threaded. */
void                rl_inference_run     (RlInference *inf, const RlModel *model,
                                          const float *image, float *probs);
/* The logits of the last run given @probs: (P), for the class predicted (rl_argmax: with a NaN
 * logit, every probability is NaN and only the logits still say which class torch.argmax
 * takes). Returns: (transfer none) */
const float        *rl_inference_get_logits (const RlInference *inf);
guint               rl_inference_get_n_maps (const RlInference *inf);
/* In network order; for a residual block: input, hidden, residual, [shortcut], output.
 * Returns: (transfer none) */
const RlActivation *rl_inference_get_map (const RlInference *inf, guint i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlInference, rl_inference_free)

G_END_DECLS
