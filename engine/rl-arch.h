/* rl-arch.h: architecture descriptions.
 *
 * A model is built from a list of layer specs, written as text so it can be typed on the
 * command line and stored in a model file's metadata. Tokens are separated by spaces:
 *
 *   [name=]kind[(arg,key=value,...)]
 *
 *   conv(C,k=K,s=S,p=P)      2-D convolution to C channels, K x K kernel, stride S, padding P
 *   relu                     ReLU
 *   maxpool(K)               K x K max pooling, stride K
 *   res(C,s=S,shortcut=X)    residual block: y = relu(F(x) + shortcut(x)), F = conv3x3(s) ->
 *                            relu -> conv3x3, both with padding 1. X is identity (the default),
 *                            none (a plain block, y = relu(F(x))), A (strided identity with
 *                            zero-padded channels) or B (1x1 projection convolution, stride S).
 *   res(C,...,bn=1)          the same with batch normalisation after each convolution (and
 *                            after the projection), convolutions then without bias, as in the
 *                            paper's CIFAR nets
 *   bn                       batch normalisation (PyTorch's BatchNorm2d: eps 1e-5, momentum 0.1)
 *   gap                      global average pooling
 *   linear(C)                fully connected layer to C outputs; flattens its input in (C, H, W)
 *                            order, as PyTorch's x.view(N, -1)
 *
 * Names give the PyTorch state_dict keys: a conv or linear named "conv1" owns conv1.weight and
 * conv1.bias; a res block named "rblock1" owns rblock1.conv1.*, rblock1.conv2.* and, with
 * shortcut=B, rblock1.shortcut.weight and rblock1.shortcut.bias. With bn=1 a block owns
 * rblock1.conv1.weight, rblock1.bn1.*, rblock1.conv2.weight, rblock1.bn2.* and, with B,
 * rblock1.shortcut.0.weight and rblock1.shortcut.1.* (a Sequential(conv, bn) in PyTorch).
 * A bn layer named "bn1" owns bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var and
 * bn1.num_batches_tracked (stored as F32; PyTorch's load_state_dict converts it).
 *
 * Known names: "seed" (below), and the paper's CIFAR family adapted to 28x28 inputs,
 * "resnet-N" and "plain-N" for N = 6n+2 (8, 20, 32, 44, 56, ...): a 3x3 stem conv to 16
 * channels, three stages of n blocks at 16, 32 and 64 channels (stride 2 at the first block of
 * stages 2 and 3), global average pooling and a linear layer; batch normalisation on, shortcut
 * option A. rl_arch_new_cifar() builds them with other options.
 *
 * The seed net (../shared/seed) is:
 *   conv1=conv(16,k=5) relu maxpool(2) rblock1=res(16) conv2=conv(32,k=5) relu maxpool(2)
 *   rblock2=res(32) fc=linear(10)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  RL_LAYER_CONV,
  RL_LAYER_RELU,
  RL_LAYER_MAXPOOL,
  RL_LAYER_RESIDUAL,
  RL_LAYER_GAP,
  RL_LAYER_LINEAR,
  RL_LAYER_BN,
} RlLayerKind;

typedef enum {
  RL_SHORTCUT_NONE,        /* plain block: no shortcut at all */
  RL_SHORTCUT_IDENTITY,    /* y = relu(F(x) + x); shapes must match */
  RL_SHORTCUT_A,           /* identity, subsampled by the stride, extra channels zero */
  RL_SHORTCUT_B,           /* 1x1 convolution with the block's stride (with bias) */
} RlShortcut;

#define RL_NAME_MAX 64
/* More layers than resnet-1202 (605); a description with more is refused (RL_ERROR_TOO_LARGE)
 * before anything is built, as a file's is untrusted. */
#define RL_ARCH_MAX_LAYERS 2048

typedef struct {
  RlLayerKind kind;
  char        name[RL_NAME_MAX];  /* state_dict prefix; "" for layers without parameters */
  int         channels;           /* conv, res: output channels; linear: output features */
  int         kernel;             /* conv: K; maxpool: K */
  int         stride;             /* conv, res */
  int         pad;                /* conv */
  RlShortcut  shortcut;           /* res */
  gboolean    bn;                 /* res: batch normalisation after each convolution */
} RlLayerSpec;

typedef struct {
  RlLayerSpec *layers;
  int          n_layers;
} RlArch;

/* Parses a description, or a known name: "seed". Errors: RL_ERROR_BAD_ARCH, RL_ERROR_TOO_LARGE
 * (more than RL_ARCH_MAX_LAYERS layers).
 * Returns: (transfer full) */
RlArch     *rl_arch_parse     (const char *text, GError **error);
/* Where in a description something is wrong: the byte range [start, end) of the text, and the
 * layer (0-based; -1: the whole text, as for an empty one or a bad "resnet-x"). */
typedef struct {
  int start, end;
  int layer;
} RlArchPlace;

/* rl_arch_parse that also says where the error is (@place nullable, set on failure): the
 * offending argument ("k=x" in conv(8,k=x)), name, kind or token. */
RlArch     *rl_arch_parse_at  (const char *text, RlArchPlace *place, GError **error);
/* The place of layer @layer's word in @text (an error of rl_model_new_at, say). FALSE when the
 * text has fewer words. */
gboolean    rl_arch_layer_place (const char *text, int layer, RlArchPlace *place);
/* The canonical text of @arch; parsing it gives the same arch. Returns: (transfer full) */
char       *rl_arch_to_string (const RlArch *arch);
RlArch     *rl_arch_copy      (const RlArch *arch);
/* The deepest of the CIFAR-style family: resnet-1202, the paper's deepest net. */
#define RL_ARCH_MAX_CIFAR_DEPTH 1202
/* The CIFAR-style family: depth = 6n+2 (n >= 1), @residual FALSE gives the plain twin (the same
 * layers, no shortcuts); @shortcut is A or B for the blocks that change shape (identity
 * elsewhere). Errors: RL_ERROR_BAD_ARCH for a depth that is not 6n+2, RL_ERROR_TOO_LARGE for
 * one above RL_ARCH_MAX_CIFAR_DEPTH. */
RlArch     *rl_arch_new_cifar (int depth, gboolean residual, RlShortcut shortcut, gboolean bn,
                               GError **error);
void        rl_arch_free      (RlArch *arch);
/* "seed", "resnet-20", "resnet-20-B" (shortcut B), "plain-8-nobn" (no batch norm): the
 * known nets of depth 8, 20, 32, 44 or 56 by name; NULL for any other.
 * Returns: (transfer full) (nullable) */
char       *rl_arch_short_name (const RlArch *arch);

const char *rl_layer_kind_name (RlLayerKind kind);
const char *rl_shortcut_name   (RlShortcut shortcut);

#define RL_ARCH_SEED \
  "conv1=conv(16,k=5) relu maxpool(2) rblock1=res(16) " \
  "conv2=conv(32,k=5) relu maxpool(2) rblock2=res(32) fc=linear(10)"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlArch, rl_arch_free)

G_END_DECLS
