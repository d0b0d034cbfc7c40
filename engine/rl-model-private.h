/* rl-model-private.h: the model's internals, shared by rl-model.c and the engine's own tests.
 * Not installed, not for the app. */
#pragma once

#include "rl-model.h"
#include "rl-layers.h"
#include "rl-pool.h"

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
  int ci, hi, wi;           /* input: (Ci, N, Hi, Wi) */
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

/* Per-thread buffers for a batch of at most n_cap images. Sized once; reused every step. */
typedef struct {
  int       n_cap;
  int       n_nodes;
  float    *in;             /* (C, H, W, N) */
  float   **out;            /* per node: (Co, Ho, Wo, N) */
  float   **dout;           /* per node: same as out; node i's is dbuf[i % 3] */
  float   **hid;            /* res nodes: relu(conv1(x)), (Co, Ho, Wo, N) */
  float   **res;            /* res nodes: F(x) = conv2(hid) */
  float   **sc;             /* res nodes with shortcut A or B: shortcut(x) */
  float   **dhid;           /* res nodes: all dhid_buf */
  float    *dbuf[3];        /* the output gradients, taken in turn (rl_work_new) */
  float    *dhid_buf;
  float    *bn_dpre_buf;
  float   **arg;            /* fused conv -> relu -> maxpool(2) (conv_pool_fused): at the
                             * pooling node, each window's winner, (Co, Ho, Wo, N) */
  float    *fuse_block;     /* their block of output rows (rl_conv_relu_maxpool_block_size) */
  float    *cols;           /* the largest im2col block of any conv */
  float    *dcols;
  float    *logits;         /* (N, P) */
  float    *dlogits;        /* (N, P) */
  float    *grads;          /* this thread's gradient block (NULL for thread 0: the model's) */
  int       n_total;        /* images in the whole batch this step (all threads) */
  int       tid, nt;        /* this workspace's thread in the team, and the team's size */
  /* batch norm sites: pre (the normalised input when it is not another node's output), xhat,
   * the input gradient, and the statistics used; pre and dpre: (C, H, W, N); mean, invstd: (C) */
  float   **bn_pre, **bn_xhat, **bn_dpre, **bn_mean, **bn_invstd;
  int       n_bn;
  gboolean  collect;        /* accumulate response statistics into resp */
  double   *resp;           /* (n_resp, 3): sum, sum of squares, count */
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
  double   *bn_shared;      /* (n_work, 2 * max_bn_c): per-thread partial sums, batch norm */
  RlPool   *pool;           /* n_work threads, created with the workspaces */
  double   *prof;           /* (n_nodes, 2): seconds in forward, backward on thread 0; NULL
                             * unless profiling */
};

RlWork *rl_work_new  (const RlModel *model, int n_cap, gboolean with_grads);
void    rl_work_free (RlWork *work);
/* Forward of @n images already in work->in; fills every out. @train: batch norm uses (and
 * updates) batch statistics, and must then run inside the model's OpenMP team. */
void    rl_model_forward_work (const RlModel *model, RlWork *work, int n, gboolean train);

G_END_DECLS
