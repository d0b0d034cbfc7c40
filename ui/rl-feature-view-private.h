/* rl-feature-view-private.h: the feature view's instance struct and what its parts share.
 *
 * RlFeatureView is written in four parts:
 *   rl-feature-view.c           the widget: its predictor, the public API, GObject
 *   rl-feature-view-sections.c  what it shows: the inference's maps grouped into sections of
 *                               rows, and the range each map is drawn with
 *   rl-feature-view-layout.c    where every section, row and map goes for a width, the size
 *                               the view asks for, and the drawing of them all
 *   rl-feature-view-zoom.c      the enlarged map in a popover, and the click and keys that
 *                               pick the map
 * Functions named _rl_feature_view_* are private to these files.
 */
#pragma once

#include "rl-feature-view.h"
#include "rl-colormap.h"

G_BEGIN_DECLS

#define INPUT_ROW G_MAXUINT

typedef struct {
  guint       map_index;     /* into the inference, or INPUT_ROW */
  char       *label;         /* "conv1", "F(x)" */
  char       *detail;        /* "16×24×24" */
  RlColormap  cmap;
  int         c, h, w;
  gboolean    class_labels;  /* 1 x 1 logits: a class name under each */
  gboolean    own_scale;     /* a block's F(x): not on the block's shared range */
} Row;

typedef struct {
  char   *title;
  char   *subtitle;
  GArray *rows;              /* of Row */
  int     c;
  gboolean is_block;         /* rows share one range in per-layer scaling */
  /* layout */
  int     cell, per_line, n_lines, row_h, y, height;
  int     header_h;          /* its title's lines */
} Section;

typedef struct {
  guint section, row;
  int   channel;
  graphene_rect_t rect;
} Cell;

/* A row of maps as laid out: a section that wraps repeats its rows on each line. */
typedef struct {
  guint section, row;
  int   line;
  int   y;                   /* its top */
} RowPlace;

struct _RlFeatureView
{
  GtkWidget parent_instance;

  /* owned */
  RlPredictor  *predictor;
  GSignalGroup *predictor_signals;
  GArray      *sections;     /* of Section */
  GArray      *cells;        /* of Cell, in reading order, for the last allocated width */
  GArray      *rows;         /* of RowPlace, likewise: where draw_sections writes labels */
  RlScaling    scaling;
  int          layout_width;
  int          layout_height;
  int          focus_cell;   /* index into cells, or -1 */
  int          selected_layer; /* arch layer whose section is outlined (the Network panel's
                              * click), or -1 */

  /* children (owned through the widget tree) */
  GtkWidget *popover;
  GtkWidget *zoom_area;
  GtkWidget *zoom_label;
  Cell       zoom_cell;      /* what the popover shows */
};

/* rl-feature-view-sections.c */
/* For the sections' array: frees a section and its rows. */
void         _rl_feature_view_section_clear     (gpointer data);
/* The sections again from the predictor's inference (see the header). */
void         _rl_feature_view_build_sections    (RlFeatureView *self);
/* A predictor with an inference, and its sections built. */
gboolean     _rl_feature_view_has_content       (RlFeatureView *self);
/* The section that shows arch layer @layer's maps, or -1. */
int          _rl_feature_view_section_of_layer  (RlFeatureView *self, int layer);
/* A row's values: channel @channel's map (the input's image for INPUT_ROW). */
const float *_rl_feature_view_row_data          (RlFeatureView *self, const Row *row, int channel);
int          _rl_feature_view_row_channels      (RlFeatureView *self, const Row *row);
/* The range channel @channel of row @r in section @s is drawn with, in the current scaling. */
void         _rl_feature_view_map_range         (RlFeatureView *self, guint s, guint r,
                                                 int channel, float *lo, float *hi);

/* rl-feature-view-layout.c */
/* Installs measure (height for width), size_allocate and snapshot. */
void         _rl_feature_view_class_layout_init (GtkWidgetClass *widget_class);

/* rl-feature-view-zoom.c */
/* The popover with the enlarged map, and the click and key controllers that open it. */
void         _rl_feature_view_zoom_init         (RlFeatureView *self);
void         _rl_feature_view_show_zoom         (RlFeatureView *self, const Cell *cell);
/* The enlarged map's caption again, for the predictor's new values. */
void         _rl_feature_view_update_zoom_label (RlFeatureView *self);

G_END_DECLS
