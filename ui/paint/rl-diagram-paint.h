/* rl-diagram-paint.h: the network diagram (rl-diagram.h) drawn with Cairo, and saved as PNG or
 * SVG.
 *
 * Cairo only, no GTK: `reslab-cli diagram` links it without the GUI, and the Network panel
 * (ui/rl-network-view.c) draws with it into its snapshot, passing the theme's colours and the
 * box under the pointer in the style.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "rl-diagram.h"

G_BEGIN_DECLS

typedef struct {
  double      fg[4];         /* text and lines, RGBA */
  double      bg[4];         /* the background: under each box's tint, and in the nodes */
  gboolean    fill_background; /* paint the whole drawing with bg first */
  int         hover;         /* the box drawn highlighted, or -1 */
  int         selected;      /* the box drawn outlined, or -1 */
  const char *font_family;   /* NULL: the translation's figure font ("sans-serif"); set with
                              * Pango, which takes a glyph the font lacks from another */
} RlDiagramStyle;

/* Black on white, nothing highlighted. */
void     rl_diagram_style_init   (RlDiagramStyle *style);

/* Draws @diagram at its own size (rl_diagram_get_size), from (0, 0). @style nullable. */
void     rl_diagram_paint        (cairo_t              *cr,
                                  const RlDiagram      *diagram,
                                  const RlDiagramStyle *style);

/* What a box is called in the drawing: its name ("conv1", "rblock1.conv2"), or, for a layer
 * without weights that the arch does not name (named by kind and position, "relu2",
 * "maxpool3", which a newcomer reads as "a second ReLU"), what it does, as Inside's maps say it:
 * "ReLU", "max pool 2×2", "average pool". The name stays the file's and the arch's.
 * Returns: (transfer full) */
char    *rl_diagram_box_title    (const RlDiagramBox *box);

/* What box @i is, in words, for a tooltip: its name and kind, output shape and parameters
 * ("conv1 · conv 5×5\noutput 16×24×24 · 416 parameters"); a stage says how many blocks and
 * that a click expands or collapses it. Returns: (transfer full) */
char    *rl_diagram_describe_box (const RlDiagram *diagram,
                                  guint            i);

/* Saves the drawing as PNG (at twice its size, for sharp text) or SVG, by @path's extension;
 * the SVG has a <title> per box (its description), which browsers show on hover.
 * Errors: those of rl_paint_save. */
gboolean rl_diagram_save         (const RlDiagram *diagram,
                                  const char      *path,
                                  GError         **error);

G_END_DECLS
