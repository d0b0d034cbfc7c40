/* rl-model-private.h: the model's internals, shared by the files that make up RlModel and the
 * engine's own tests. Not installed, not for the app.
 *
 *   rl-model.c       building: shapes, the parameter table, init, copy
 *   rl-workspace.c   RlWork (per-thread buffers) and the per-node plan of a training step
 *   rl-node.c        one node's forward and backward by kind, and the walks over the plan
 *   rl-resblock.c    the residual block
 *   rl-batchnorm.c   batch norm, the threaded statistics included
 *   rl-train-step.c  rl_model_forward_backward on the thread team, profiling
 *   rl-inference.c   rl_model_predict, response statistics, RlInference
 *
 * Legend: N images, C channels (Ci in, Co out), H x W spatial size (Hi x Wi in, Ho x Wo out),
 * P classes. Activations are (C, H, W, N), the batch innermost. */
#pragma once

#include "rl-model.h"
#include "rl-layers.h"
#include "rl-team.h"

G_BEGIN_DECLS

/* One convolution inside a layer, with the table indices of its weight and bias. */
typedef struct {
  RlConvGeom g;
  int        w, b;          /* tensor indices; b = -1 without bias */
} RlConvPart;

/* One batch normalisation, with its tensors and the index of its workspace buffers. */
typedef struct {
  int c, hw;                  /* channels, and the plane size it normalises over */
  int w, b, mean, var, count; /* tensor indices */
  int site;                   /* index into RlWork's bn_* arrays */
} RlBnPart;

/* One layer of the network, with its resolved shapes. Kind-specific parts in a union, so no
 * layer carries the fields of the others. */
typedef struct {
  RlLayerSpec spec;
  int ci, hi, wi;           /* input: (Ci, Hi, Wi, N) */
  int co, ho, wo;           /* output: (Co, Ho, Wo, N) */
  int resp, resp2;          /* response statistics slots (-1: none): the output of a conv, or
                             * of the bn right after it; a block's two convs (after their bn,
                             * before ReLU and the addition) */
  union {
    RlConvPart conv;                                   /* RL_LAYER_CONV */
    struct {
      RlConvPart c1, c2, proj;  /* proj with shortcut B */
      RlBnPart   bn1, bn2, bnp; /* with bn: after c1, c2 and proj */
      int        pad_lo;        /* shortcut A: output channel that receives x's channel 0 */
    } res;                                             /* RL_LAYER_RESIDUAL */
    RlBnPart bn;                                       /* RL_LAYER_BN */
    struct { int d, w, b; } linear;                    /* RL_LAYER_LINEAR: d in features */
  } u;
} RlNode;

/* How a training step runs node i, decided in one place (rl_plan_fill) and read by the forward
 * and backward walks and the profile. Fusions, in training only:
 *  - conv -> relu -> maxpool(2) as one layer (rl_conv2d_relu_maxpool_forward) when the batch
 *    slice allows it: the conv's and the ReLU's outputs are never written, the pooling node's
 *    arg buffer holds each window's winner, and the backward rebuilds the conv's output gradient
 *    from them (for a first layer a few rows at a time). Not while collecting response
 *    statistics, which read the conv's output.
 *  - relu -> maxpool (the ReLU not the first layer): the pooling reads the ReLU's input z and
 *    clamps its maxima at 0 (max(0, max z) = max relu(z), the same bits); backward,
 *    rl_relu_maxpool_backward finds each window's winner in z and writes z's gradient.
 *  - bn -> relu: the batch norm writes relu(bn(x)) straight into the ReLU's output, and its
 *    backward masks the ReLU's output gradient as it reads it (rl-batchnorm.h); the batch
 *    norm's own output and gradient are never written. */
typedef enum {
  RL_STEP_ALONE,            /* the node's own forward and backward (rl_node_forward, ...) */
  RL_STEP_INSIDE,           /* runs inside node `owner`: nothing to do here */
  RL_STEP_RELU_POOL,        /* a max pooling that runs the ReLU before it */
  RL_STEP_CONV_POOL,        /* a conv that runs the ReLU and the 2x2 pooling after it */
  RL_STEP_BN_RELU,          /* a batch norm that runs the ReLU after it in the same pass */
} RlStepKind;

typedef struct {
  RlStepKind kind;
  int        owner;         /* the node that runs this one (itself unless INSIDE); the profile
                             * counts this one's time there */
  int        in;            /* the node whose output is the step's input; -1: the input x */
  int        out;           /* the node whose out, dout (and arg) the step's output is: i, or
                             * i + 2 for CONV_POOL */
} RlNodePlan;

/* What a workspace holds beyond a forward's needs (rl_work_new). RL_WORK_GRADS is 1, so TRUE
 * still asks for the gradient block alone. */
typedef enum {
  RL_WORK_GRADS = 1 << 0,   /* a gradient block of its own (threads 1.. of a team, rl-explain) */
  RL_WORK_MAPS  = 1 << 1,   /* every map the viewers show in a buffer of its own, written by
                             * every forward (RlInference): a residual block's F(x) too, which
                             * otherwise is written only when response statistics need it */
} RlWorkFlags;

/* Per-thread buffers for a batch of at most n_cap images. Sized once; reused every step. */
typedef struct {
  int       n_cap;
  gboolean  maps;           /* RL_WORK_MAPS */
  int       n_nodes;
  float    *in;             /* (C, H, W, N) */
  float   **out;            /* per node: (Co, Ho, Wo, N) */
  float   **dout;           /* per node: same as out; node i's is dbuf[i % 3] */
  float   **hid;            /* res nodes: relu(bn1(conv1(x))), (Co, Ho, Wo, N); with batch
                             * norm and without maps all hid_buf, written again by the
                             * backward (rl_bn_part_reapply) */
  float    *hid_buf;
  float   **res;            /* res nodes: F(x) = bn2(conv2(hid)), written only with maps or
                             * response statistics (all res_buf unless maps) */
  float    *res_buf;
  float   **sc;             /* res nodes with shortcut A or B: shortcut(x) */
  float   **dhid;           /* res nodes: all dhid_buf */
  float    *dbuf[3];        /* the output gradients, taken in turn (rl_work_new) */
  float    *dhid_buf;
  float    *bn_dpre_buf;
  float   **arg;            /* fused conv -> relu -> maxpool(2) (RL_STEP_CONV_POOL): at the
                             * pooling node, each window's winner, (Co, Ho, Wo, N) */
  float    *fuse_block;     /* their block of output rows (rl_conv_relu_maxpool_block_size) */
  float    *cols;           /* the largest im2col block of any conv */
  float    *dcols;
  float    *logits;         /* (N, P) */
  float    *dlogits;        /* (N, P) */
  float    *grads;          /* this thread's gradient block (NULL for thread 0: the model's) */
  int       n_total;        /* images in the whole batch this step (all threads) */
  int       tid, nt;        /* this workspace's thread in the team, and the team's size */
  /* batch norm sites: pre (the normalised input when it is not another node's output), the
   * input gradient, and the statistics used; pre and dpre: (C, H, W, N); mean, invstd: (C).
   * The normalised input is not kept: the backward recomputes it from pre (rl-batchnorm.h). */
  float   **bn_pre, **bn_dpre, **bn_mean, **bn_invstd;
  int       n_bn;
  unsigned  bn_exchanges;   /* partial sums exchanged over the team since the step's forward
                             * began: picks the posting area (rl-batchnorm.c) */
  gboolean  collect;        /* accumulate response statistics into resp */
  double   *resp;           /* (n_resp, 3): sum, sum of squares, count */
  RlNodePlan *plan;         /* per node: how this workspace's forward and backward run it */
  int       plan_n;         /* the slice size and mode the plan was made for (rl_work_plan) */
  gboolean  plan_fused;
  /* Input gradients (rl-explain.c): when din is set, the backward writes the gradient of the
   * model's input there, (C, H, W, N); with eval_grad, the backward is that of an
   * evaluation-mode forward (batch norm a fixed affine map with its running statistics). */
  float    *din;
  gboolean  eval_grad;
  size_t    bytes;          /* of the float buffers above (rl_model_train_memory) */
  gboolean  count_only;     /* sized, not allocated: the buffers are NULL */
} RlWork;

struct _RlModel {
  RlArch   *arch;
  int       in_c, in_h, in_w;
  int       n_classes;
  RlNode   *nodes;
  int       n_nodes;
  GArray   *tensors;        /* of RlParamInfo */
  size_t    n_params;
  float    *params;
  float    *grads;
  double    flops;

  GPtrArray *resp_names;    /* of char*: the tracked layers' names, in network order */
  int       n_bn;           /* batch norm sites */
  int       max_bn_c;

  int       n_threads;
  RlWork  **work;           /* n_threads entries, allocated lazily */
  int       n_work;
  double   *bn_shared;      /* (2, n_work, 2 * max_bn_c): per-thread partial sums, batch norm,
                             * two areas a thread used in turn */
  RlTeam   *team;           /* n_work threads, created with the workspaces */
  double   *prof;           /* (n_nodes, 2): seconds in forward, backward on thread 0; NULL
                             * unless profiling */
};

/* A parameter tensor's view into @block (the model's parameters, or a gradient block of the
 * same layout); NULL for index -1 (no bias). */
static inline float *
rl_model_tensor (const RlModel *m, float *block, int idx)
{
  return idx >= 0 ? block + g_array_index (m->tensors, RlParamInfo, idx).offset : NULL;
}

/* rl-workspace.c */
RlWork *rl_work_new  (const RlModel *model, int n_cap, RlWorkFlags flags);
void    rl_work_free (RlWork *work);
/* Makes sure there are n_threads workspaces (and a team) for slices of up to n_cap images. Only
 * grows, so the training loop allocates on its first step and never again. */
void    rl_model_ensure_workspaces (RlModel *model, int n_threads, int n_cap);
/* What one workspace for evaluation passes may take: a net within the limits of rl-limits.c can
 * need 64 MB of activations an image, and a pass of 64 such images would take 4 GB a thread. */
#define RL_PASS_BYTES ((size_t) 256 << 20)
/* How many images a workspace with @flags takes for passes of up to @want: @want, or as many
 * as fit in RL_PASS_BYTES (at least 1). The same answers, pass by pass, only more passes.
 * Training sizes its workspaces by the batch instead: that memory is the user's choice, shown
 * before a run (rl_model_train_memory). */
int     rl_model_pass_images (const RlModel *model, int want, RlWorkFlags flags);
void    rl_model_free_workspaces   (RlModel *model);
/* Thread @t of a team of @nt: its share [*lo, *hi) of @n images, and its workspace, told its
 * place in the team. The share depends only on the team's size, so a thread count always splits
 * a batch the same way. */
RlWork *rl_model_slice (const RlModel *model, int t, int nt, int n, int *lo, int *hi);
/* The plan of a step of @n images; @fused: a training step (fusions allowed). plan: (n_nodes) */
void    rl_plan_fill (const RlModel *model, int n, gboolean fused, RlNodePlan *plan);
/* Brings work->plan up to date for a step of @n images, training or not: re-made only when the
 * slice size, the mode or response collection changed. */
void    rl_work_plan (const RlModel *model, RlWork *work, int n, gboolean train);
/* x: (N, C, H, W) -> work->in: (C, H, W, N) */
void    rl_work_load_input    (const RlModel *model, RlWork *work, const float *x, int n);
/* The last node's output (P, N) -> logits (N, P) */
void    rl_work_gather_logits (const RlModel *model, const RlWork *work, int n, float *logits);
/* Adds y's sum, sum of squares and count to response slot @slot when collecting. */
void    rl_work_collect_response (RlWork *work, int slot, const float *y, size_t len);

/* rl-node.c */
/* Forward of @n images already in work->in; fills every out the plan writes. @train: batch norm
 * uses (and updates) batch statistics, and must then run inside the model's thread team. */
void    rl_model_forward_work  (const RlModel *model, RlWork *work, int n, gboolean train);
/* Backward of the training step whose forward ran last, from the last node's output gradient in
 * work->dout; parameter gradients into @grads. */
void    rl_model_backward_work (const RlModel *model, RlWork *work, int n, float *grads);
void    rl_conv_part_forward   (const RlModel *model, const RlConvPart *c, int n, const float *x,
                                float *y, RlWork *work);
/* dx += or = (@dx_mode) the input gradient; the weight and bias gradients into @grads. */
void    rl_conv_part_backward  (const RlModel *model, const RlConvPart *c, int n, const float *x,
                                const float *dy, float *dx, RlGradMode dx_mode, float *grads,
                                RlWork *work);

/* rl-resblock.c: node i, a residual block; x: its input. Backward: dx (nullable) written. */
void    rl_resblock_forward  (const RlModel *model, const RlNode *node, int i, RlWork *work,
                              int n, gboolean train, const float *x);
void    rl_resblock_backward (const RlModel *model, const RlNode *node, int i, RlWork *work,
                              int n, const float *x, float *dx, float *grads);

/* rl-batchnorm.c: one batch norm site. x -> y = act (bn (x) [+ r]) (r nullable, act the ReLU
 * with @relu); in training with the whole batch's statistics over the team's threads.
 * Backward of g = dy * (mask > 0) (mask nullable: g = dy), x the forward's input: dx = (or +=
 * with @add) the input gradient, gamma's and beta's into @grads; g also written to g_out
 * (nullable, may be dy). */
void    rl_bn_part_forward  (const RlModel *model, const RlBnPart *bn, RlWork *work, int n,
                             gboolean train, const float *x, const float *r, gboolean relu,
                             float *y);
void    rl_bn_part_backward (const RlModel *model, const RlBnPart *bn, RlWork *work, int n,
                             const float *dy, const float *mask, float *g_out, const float *x,
                             float *dx, gboolean add, float *grads);
/* y = act (bn (x)) again, with the statistics the last forward of this site used: the same
 * bits as that forward wrote (the backward remakes a buffer it did not keep). */
void    rl_bn_part_reapply  (const RlModel *model, const RlBnPart *bn, RlWork *work, int n,
                             const float *x, gboolean relu, float *y);

G_END_DECLS
