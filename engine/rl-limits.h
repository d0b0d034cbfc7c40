/* rl-limits.h: how large a network may be, checked before anything is allocated.
 *
 * An architecture often comes from a file (a model's metadata), so it is untrusted: a 961 KB
 * description of conv(20000,k=1) and 100 relu layers asks for 6 GB of activations per image,
 * and a 67-byte file without tensors for 415 MB of parameter and gradient buffers. The cost of
 * a description is worked out from its shapes alone, and bounded here; every refusal is an
 * RL_ERROR_TOO_LARGE that names the limit.
 */
#pragma once

#include <glib.h>

#include "rl-arch.h"

G_BEGIN_DECLS

/* Parameters (floats) of a whole network: 256 MB, and as much again for the gradients. */
#define RL_LIMIT_PARAMS       (64u * 1024 * 1024)
/* Activation floats per image, all layers' buffers together (outputs, gradients, residual
 * blocks' and batch norm's buffers, convolution workspaces): 64 MB. By rl_arch_cost's count
 * (an upper bound) the seed needs 0.14 M, resnet-56 0.95 M, resnet-110 1.6 M. Evaluation
 * does not multiply this by 64 images: its passes fit 256 MB a thread (rl_model_pass_images). */
#define RL_LIMIT_ACTIVATIONS  ((size_t) 16 * 1024 * 1024)
/* Activation floats for one batch (a training step or one pass of predict), by
 * rl_limits_batch_floats: 16 GB. A coarse bound against absurd batches before anything is
 * allocated; whether the computer can hold a run is rl_limits_check_memory's to say. */
#define RL_LIMIT_BATCH_FLOATS ((size_t) 4 * 1024 * 1024 * 1024)

typedef struct {
  int    n_layers;
  size_t n_params;       /* exactly rl_model_get_n_params() of the model built from it */
  size_t activations;    /* floats per image, an upper bound of what a workspace holds */
  size_t scratch;        /* of those, the convolutions' scratch buffers, which a batch shares */
} RlArchCost;

/* The cost of @arch on inputs of @c × @h × @w. Returns FALSE when a layer does not fit its
 * input (rl_model_new says which); @cost then holds the layers before it. The walk stops once
 * a count passes its limit below: the counts are then only past it. */
gboolean rl_arch_cost (const RlArch *arch, int c, int h, int w, RlArchCost *cost);

/* Whether the model of @arch on @c × @h × @w inputs stays within the limits above.
 * Errors: RL_ERROR_TOO_LARGE, naming the limit. A layer that does not fit its input is not an
 * error here (rl_model_new reports it). */
gboolean rl_limits_check_arch  (const RlArch *arch, int c, int h, int w, GError **error);

/* The floats a workspace for a batch of @n images (>= 1) holds at most: @n times each image's
 * buffers, and one set of convolution scratch buffers sized for @n images (they grow by rows
 * of columns, not by images). test-arch checks it against rl_model_train_memory on one thread;
 * each further thread adds its own scratch and parameter gradients. */
guint64  rl_limits_batch_floats (const RlArch *arch, int c, int h, int w, int n);

/* Whether a batch of @n images of that model stays within RL_LIMIT_BATCH_FLOATS.
 * Errors: RL_ERROR_TOO_LARGE. */
gboolean rl_limits_check_batch (const RlArch *arch, int c, int h, int w, int n, GError **error);

/* The memory this process may use: the computer's, or its control group's limit when that is
 * less (rl_limits_cgroup_memory); 0 when it cannot be read. @by_group (nullable): whether the
 * group's limit is the lesser. */
guint64  rl_limits_process_memory (gboolean *by_group);

/* Whether @bytes of training buffers (rl_model_train_memory) fit a computer with @physical
 * bytes of memory (0: rl_limits_process_memory): at most three quarters of it, the rest being
 * the system's, the datasets' and the app's. Past it the system swaps or kills the process, so a
 * run is refused before it starts. A memory that cannot be read (0 from sysconf) passes.
 * Errors: RL_ERROR_TOO_LARGE, with both sizes. */
gboolean rl_limits_check_memory (size_t bytes, size_t physical, GError **error);

/* The memory limit a control group puts on this process: the least of the limits of its
 * group and of every group above it (cgroup v2 "memory.max", v1 "memory.limit_in_bytes"), as
 * a container, a systemd slice or a CI runner sets them; G_MAXUINT64 where none is set or
 * none can be read. @cgroup_text is the text of /proc/self/cgroup and @root the folder the
 * cgroup file systems are mounted under (/sys/fs/cgroup), or both NULL for this process's.
 * A few small files read. */
guint64  rl_limits_cgroup_memory (const char *cgroup_text, const char *root);

G_END_DECLS
