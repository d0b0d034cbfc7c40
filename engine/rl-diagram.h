/* rl-diagram.h: the drawing of a network, as a description: boxes, arcs, block frames, stages.
 *
 * The layout of any model's arch, top to bottom, in units that are pixels at scale 1. What is
 * drawn is described here and nowhere else: the painter (ui/paint/rl-diagram-paint.c) turns it
 * into Cairo calls, the widget (ui/rl-network-view.c) into hover and clicks, and the tests read
 * it instead of pixels.
 *
 * - Every layer outside a residual block is one box: its kind, its name (the state_dict prefix,
 *   or kind + position for a layer without weights, "relu2", as RlInference names them), its
 *   output shape (C, H, W) and its parameter count (every tensor it owns, batch norm's running
 *   statistics included, so the boxes' counts add up to rl_model_get_n_params()).
 * - A residual block is a frame around its two convolutions (each with its batch norm; the first
 *   with its ReLU) and the addition node (the sum, then the ReLU). Its shortcut is an arc from
 *   the block's input, on the right of the column, to the addition: identity, option A (stride
 *   and zero-padded channels) or option B, whose 1x1 projection is a small box of its own on the
 *   arc. A plain block (shortcut=none) has no arc.
 * - A stage is a run of two or more blocks, the first of which may change the shape (the
 *   paper's groups of n blocks). Collapsed, it is one box ("stage 2: 9 blocks, 16 -> 32") with
 *   the parameters of all its blocks; expanded, a thin header box (click target to collapse it)
 *   above its blocks. Stages of more than RL_DIAGRAM_AUTO_EXPAND blocks start collapsed.
 */
#pragma once

#include <glib.h>

#include "rl-arch.h"
#include "rl-model.h"

G_BEGIN_DECLS

#define RL_DIAGRAM_AUTO_EXPAND 4

typedef enum {
  RL_DIAGRAM_INPUT,         /* the image */
  RL_DIAGRAM_LAYER,         /* a layer outside residual blocks: conv, relu, maxpool, bn, gap, linear */
  RL_DIAGRAM_BLOCK_CONV1,   /* a block's first convolution (+ bn) + relu */
  RL_DIAGRAM_BLOCK_CONV2,   /* its second convolution (+ bn) */
  RL_DIAGRAM_ADD,           /* the addition node (+ relu); in a plain block only the relu */
  RL_DIAGRAM_PROJECTION,    /* option B's 1x1 convolution (+ bn), on the arc */
  RL_DIAGRAM_STAGE,         /* a collapsed stage */
  RL_DIAGRAM_STAGE_HEADER,  /* an expanded stage's header */
} RlDiagramRole;

typedef struct {
  double x, y, width, height;
} RlDiagramRect;

typedef struct {
  RlDiagramRole role;
  RlLayerKind   kind;          /* the arch layer's kind (RL_LAYER_RESIDUAL for a block's parts and
                                * stages; RL_LAYER_CONV for the input, which has none) */
  int           layer;         /* index into the arch; -1 for the input; a stage's first block */
  int           stage;         /* index into the stages, or -1 */
  char          name[2 * RL_NAME_MAX]; /* "conv1", "relu2", "layer1.0.conv1", "layer2.0.shortcut",
                                * "input", "stage 2" */
  char          op[48];        /* what it computes, in PyTorch's words: "conv 5×5", "conv 3×3 /2",
                                * "bn", "relu", "maxpool 2×2", "gap", "linear", "+"; "" for a stage */
  int           c, h, w;       /* output shape */
  gsize         n_params;      /* the tensors this box owns (0 for a stage header) */
  gboolean      unnamed;       /* a layer the arch does not name: @name is its kind and position
                                * ("relu2": the arch's second node, not a second ReLU), which
                                * rl_diagram_box_title (rl-diagram-paint.h) says in words */
  int           kernel;        /* a max pooling's window, else 0 */
  RlDiagramRect rect;
} RlDiagramBox;

typedef struct {
  int           layer;         /* the block's index in the arch */
  RlShortcut    shortcut;      /* IDENTITY, A or B (plain blocks have no arc) */
  int           from;          /* the box whose output is the block's input */
  int           to;            /* the addition node's box */
  int           projection;    /* option B's box, or -1 */
  double        x, y0, y1;     /* the bypass: leaves the column at y0, runs down at x, joins the
                                * addition at y1 (its centre) */
} RlDiagramArc;

typedef struct {
  int           layer;
  int           stage;         /* -1 outside stages */
  char          name[RL_NAME_MAX];
  RlShortcut    shortcut;
  gboolean      bn;
  RlDiagramRect rect;          /* the frame around the block's boxes */
} RlDiagramBlock;

typedef struct {
  int           first_layer;   /* the first block's arch index */
  int           n_blocks;
  int           c_in, c_out;   /* channels into the first block, out of the last */
  int           h, w;          /* output size */
  gsize         n_params;
  gboolean      expanded;
} RlDiagramStage;

typedef struct _RlDiagram RlDiagram;

/* The layout of @model's net; stages expanded as RL_DIAGRAM_AUTO_EXPAND says.
 * Returns: (transfer full) */
RlDiagram            *rl_diagram_new               (const RlModel *model);
void                  rl_diagram_free              (RlDiagram *diagram);

guint                 rl_diagram_get_n_boxes       (const RlDiagram *diagram);
const RlDiagramBox   *rl_diagram_get_box           (const RlDiagram *diagram, guint i);
guint                 rl_diagram_get_n_arcs        (const RlDiagram *diagram);
const RlDiagramArc   *rl_diagram_get_arc           (const RlDiagram *diagram, guint i);
/* The frames of the blocks shown (not those inside collapsed stages). */
guint                 rl_diagram_get_n_blocks      (const RlDiagram *diagram);
const RlDiagramBlock *rl_diagram_get_block         (const RlDiagram *diagram, guint i);
guint                 rl_diagram_get_n_stages      (const RlDiagram *diagram);
const RlDiagramStage *rl_diagram_get_stage         (const RlDiagram *diagram, guint i);

/* Lays the boxes out again with stage @i collapsed or expanded. */
void                  rl_diagram_set_stage_expanded (RlDiagram *diagram, guint i,
                                                     gboolean expanded);
void                  rl_diagram_set_all_expanded  (RlDiagram *diagram, gboolean expanded);

/* The size of the whole drawing. */
void                  rl_diagram_get_size          (const RlDiagram *diagram, double *width,
                                                    double *height);
/* The box at (@x, @y), or -1. */
int                   rl_diagram_box_at            (const RlDiagram *diagram, double x, double y);
/* The first box drawn for arch layer @layer (its stage's box when collapsed), or -1. */
int                   rl_diagram_find_layer        (const RlDiagram *diagram, int layer);
/* The total of the boxes' parameter counts. */
gsize                 rl_diagram_get_n_params      (const RlDiagram *diagram);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlDiagram, rl_diagram_free)

G_END_DECLS
