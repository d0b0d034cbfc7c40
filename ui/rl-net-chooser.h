/* rl-net-chooser.h: the Train view's Network choice: the seed net, resnet-N or plain-N (depth,
 * shortcut A/B, batch norm), or a custom description typed as text (rl-arch.h's grammar).
 * The text shows every choice's description; typing in it makes the net custom. It is checked
 * as it changes: a parse error, or a shape that does not fit 28×28 inputs, is underlined at
 * its place with the engine's message under it; a valid net gets its parameter count,
 * multiply-adds per image and training memory at the batch size (rl_model_train_memory).
 *
 * Signal "changed": the net described changed (valid or not); rl_net_chooser_get_arch says
 * which. Properties "custom-text" (the custom description, kept while another family is
 * chosen) and "batch-size" (for the memory figure).
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-arch.h"

G_BEGIN_DECLS

typedef enum {
  RL_NET_SEED,
  RL_NET_RESNET,
  RL_NET_PLAIN,
  RL_NET_CUSTOM,
} RlNetFamily;

#define RL_TYPE_NET_CHOOSER (rl_net_chooser_get_type ())
G_DECLARE_FINAL_TYPE (RlNetChooser, rl_net_chooser, RL, NET_CHOOSER, GtkWidget)

RlNetFamily   rl_net_chooser_get_family     (RlNetChooser *self);
void          rl_net_chooser_set_family     (RlNetChooser *self,
                                             RlNetFamily   family);
/* resnet-N and plain-N: @depth one of 8, 20, 32, 44, 56; @shortcut A or B. */
void          rl_net_chooser_set_cifar      (RlNetChooser *self,
                                             int           depth,
                                             RlShortcut    shortcut,
                                             gboolean      batch_norm);
/* Makes the net custom with @text as its description. */
void          rl_net_chooser_set_custom_text (RlNetChooser *self,
                                              const char   *text);
/* "seed", "resnet-N" and "plain-N" (N as in the depth list) pick that family with shortcut A
 * and batch norm; anything else is a custom text (--net). */
void          rl_net_chooser_choose         (RlNetChooser *self,
                                             const char   *text);
/* The text in the editor. Returns: (transfer full) */
char         *rl_net_chooser_get_text       (RlNetChooser *self);
/* The net described, NULL while the text is not a net for 28×28 images and 10 classes.
 * Returns: (transfer none) (nullable) */
const RlArch *rl_net_chooser_get_arch       (RlNetChooser *self);
/* What is wrong with the text, NULL when nothing is; @start, @end (nullable): the characters
 * underlined, [start, end). Returns: (transfer none) (nullable) */
const char   *rl_net_chooser_get_error      (RlNetChooser *self,
                                             int          *start,
                                             int          *end);
/* The line of figures under the editor. Returns: (transfer none) */
const char   *rl_net_chooser_get_summary    (RlNetChooser *self);
void          rl_net_chooser_bind_settings  (RlNetChooser *self,
                                             GSettings    *settings);

/* How the app names a net: "resnet-20", "plain-8 (shortcut B, no batch norm)", "the seed net",
 * "a custom net of 9 layers". Returns: (transfer full) */
char         *rl_net_describe               (const RlArch *arch);

G_END_DECLS
