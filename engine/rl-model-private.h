/* rl-model-private.h: the model's internals, shared by rl-model.c and the engine's own tests.
 * Not installed, not for the app. */
#pragma once

#include "rl-model.h"
#include "rl-layers.h"

G_BEGIN_DECLS

/* One convolution inside a layer, with the table indices of its weight and bias. */
typedef struct {
  RlConvGeom g;
  int        w, b;          /* tensor indices; b = -1 without bias */
} RlConvPart;

/* One layer of the network, with its resolved shapes. Kind-specific parts in a union, so no
 * layer carries the fields of the others. */
typedef struct {
  RlLayerSpec spec;
  int ci, hi, wi;           /* input: (Ci, N, Hi, Wi) */
  int co, ho, wo;           /* output: (Co, N, Ho, Wo) */
  union {
    RlConvPart conv;                                   /* RL_LAYER_CONV */
    struct { RlConvPart c1, c2, proj; int pad_lo; } res; /* RL_LAYER_RESIDUAL; proj with B,
                                                          pad_lo: first output channel of x with A */
    struct { int d, w, b; } linear;                    /* RL_LAYER_LINEAR: d in features */
  } u;
} RlNode;

/* Per-thread buffers for a batch of at most n_cap images. Sized once; reused every step. */
typedef struct {
  int       n_cap;
  int       n_nodes;
  float    *in;             /* (C, N, H, W) */
  float   **out;            /* per node: (Co, N, Ho, Wo) */
  float   **dout;           /* per node: same as out */
  uint8_t **argmax;         /* maxpool nodes: like out */
  float   **hid;            /* res nodes: relu(conv1(x)), (Co, N, Ho, Wo) */
  float   **res;            /* res nodes: F(x) = conv2(hid) */
  float   **sc;             /* res nodes with shortcut A or B: shortcut(x) */
  float   **dhid;           /* res nodes */
  float   **rows;           /* linear nodes: (N, D) */
  float   **drows;          /* linear nodes: (N, D) */
  float    *yrows;          /* (N, max M) */
  float    *cols;           /* largest im2col of any conv */
  float    *dcols;
  float    *logits;         /* (N, P) */
  float    *dlogits;        /* (N, P) */
  float    *grads;          /* this thread's gradient block (NULL for thread 0: the model's) */
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

  int       n_threads;
  RlWork  **work;           /* n_threads entries, allocated lazily */
  int       n_work;
};

RlWork *rl_work_new  (const RlModel *model, int n_cap, gboolean with_grads);
void    rl_work_free (RlWork *work);
/* Forward of @n images already in work->in; fills every out. */
void    rl_model_forward_work (const RlModel *model, RlWork *work, int n);

G_END_DECLS
