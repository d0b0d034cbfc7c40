#define G_LOG_DOMAIN "reslab-ui"

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-feature-view.h"

#include <math.h>
#include <string.h>

#include "rl-colormap.h"
#include "rl-widget-util.h"

/* Layout, in pixels. */
#define PAD          12    /* around everything */
#define LABEL_W      150   /* the row labels' column */
#define GAP          4     /* between maps */
#define HEADER_H     30    /* a section's title line */
#define SECTION_GAP  20
#define ROW_GAP      6
#define CHUNK_GAP    16    /* between the lines of a section that wraps */
#define MIN_CELL     18
#define MAX_CELL     56
#define MIN_ROW_H    32    /* two lines of label */
#define CLASS_LABEL_H 16   /* class names under the logits */
#define ZOOM_SIDE    224   /* the popover's enlarged map */

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

G_DEFINE_FINAL_TYPE (RlFeatureView, rl_feature_view, GTK_TYPE_WIDGET)

/* ---- sections ----------------------------------------------------------------------------- */

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->label);
  g_free (row->detail);
}

static void
section_clear (gpointer data)
{
  Section *section = data;

  g_free (section->title);
  g_free (section->subtitle);
  g_clear_pointer (&section->rows, g_array_unref);
}

static Section *
add_section (RlFeatureView *self,
             const char    *title,
             const char    *subtitle,
             int            c,
             gboolean       is_block)
{
  Section section = { 0, };

  section.title = g_strdup (title);
  section.subtitle = g_strdup (subtitle);
  section.rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (section.rows, row_clear);
  section.c = c;
  section.is_block = is_block;
  g_array_append_val (self->sections, section);
  return &g_array_index (self->sections, Section, self->sections->len - 1);
}

static void
add_row (Section    *section,
         guint       map_index,
         const char *label,
         RlColormap  cmap,
         int         c,
         int         h,
         int         w)
{
  Row row = { 0, };

  row.map_index = map_index;
  row.label = g_strdup (label);
  row.detail = g_strdup_printf ("%d×%d×%d", c, h, w);
  row.cmap = cmap;
  row.c = c;
  row.h = h;
  row.w = w;
  g_array_append_val (section->rows, row);
}

static const char *
kind_title (RlLayerKind kind)
{
  switch (kind)
    {
    case RL_LAYER_CONV: return _("convolution");
    case RL_LAYER_RELU: return "ReLU";
    case RL_LAYER_MAXPOOL: return _("max pooling");
    case RL_LAYER_RESIDUAL: return _("residual block");
    case RL_LAYER_GAP: return _("global average pooling");
    case RL_LAYER_LINEAR: return C_("layer", "linear");
    default: return "";
    }
}

/* How a layer is called in the view: parameter-free layers by what they do ("ReLU",
 * "max pool 2×2"), layers with weights by their state_dict name ("conv1"). */
static char *
layer_display_name (const RlActivation *map,
                    const RlArch       *arch)
{
  const RlLayerSpec *spec = arch != NULL && map->layer_index >= 0 && map->layer_index < arch->n_layers
                            ? &arch->layers[map->layer_index] : NULL;

  switch (map->kind)
    {
    case RL_LAYER_RELU:
      return g_strdup ("ReLU");
    case RL_LAYER_MAXPOOL:
      if (spec != NULL)
        return g_strdup_printf (_("max pool %d×%d"), spec->kernel, spec->kernel);
      return g_strdup (_("max pool"));
    case RL_LAYER_GAP:
      return g_strdup (_("average pool"));
    case RL_LAYER_CONV:
    case RL_LAYER_LINEAR:
    case RL_LAYER_RESIDUAL:
    default:
      return g_strdup (spec != NULL && spec->name[0] != '\0' ? spec->name : map->layer_name);
    }
}

/* Groups the inference's maps into sections (see the header). Colour maps follow the sign of
 * the values each map can hold: a ReLU makes them non-negative, pooling keeps what came in, a
 * convolution, a linear layer and the residual F(x) are signed. */
static void
build_sections (RlFeatureView *self)
{
  const RlInference *inf = rl_predictor_get_inference (self->predictor);
  const RlArch *arch = rl_model_get_arch (rl_predictor_get_model (self->predictor));
  guint n_classes = 0;
  guint n_maps = rl_inference_get_n_maps (inf);
  gboolean nonneg = TRUE;      /* the input is in [0, 1] before normalisation */
  Section *section;
  Section *layers = NULL;      /* an open section of plain layers */

  rl_predictor_get_probs (self->predictor, &n_classes);
  g_array_set_size (self->sections, 0);

  section = add_section (self, C_("section", "input"), _("the 28 × 28 image the network sees"), 1, FALSE);
  add_row (section, INPUT_ROW, C_("row", "image"), RL_COLORMAP_GREY, 1, 28, 28);

  for (guint i = 0; i < n_maps; i++)
    {
      const RlActivation *map = rl_inference_get_map (inf, i);

      if (map->role == RL_MAP_LAYER_OUTPUT)
        {
          g_autofree char *label = NULL;
          gboolean signed_values;

          switch (map->kind)
            {
            case RL_LAYER_RELU:
              signed_values = FALSE;
              break;
            case RL_LAYER_MAXPOOL:
            case RL_LAYER_GAP:
              signed_values = !nonneg;
              break;
            default:
              signed_values = TRUE;
              break;
            }
          nonneg = !signed_values;

          label = layer_display_name (map, arch);
          if (layers == NULL || layers->c != map->c)
            {
              g_autofree char *title = map->kind == RL_LAYER_CONV || map->kind == RL_LAYER_LINEAR
                                       ? g_strdup_printf ("%s · %s", label, kind_title (map->kind))
                                       : g_strdup (label);

              layers = add_section (self, title, NULL, map->c, FALSE);
            }
          else
            {
              /* "conv1 · convolution" becomes "conv1 → ReLU → max pool 2×2" */
              g_autofree char *title = NULL;

              if (layers->rows->len == 1)
                title = g_strdup_printf ("%s → %s",
                                         g_array_index (layers->rows, Row, 0).label, label);
              else
                title = g_strdup_printf ("%s → %s", layers->title, label);
              g_free (layers->title);
              layers->title = g_steal_pointer (&title);
            }

          add_row (layers, i, label, signed_values ? RL_COLORMAP_DIVERGING : RL_COLORMAP_SEQUENTIAL,
                   map->c, map->h, map->w);
          if (map->h == 1 && map->w == 1 && (guint) map->c == n_classes)
            {
              Row *row = &g_array_index (layers->rows, Row, layers->rows->len - 1);

              row->class_labels = TRUE;
              g_free (layers->subtitle);
              layers->subtitle = g_strdup (_("the logits, before the softmax"));
            }
        }
      else
        {
          const RlLayerSpec *spec = arch != NULL && map->layer_index < arch->n_layers
                                    ? &arch->layers[map->layer_index] : NULL;
          gboolean has_shortcut = spec == NULL || spec->shortcut != RL_SHORTCUT_NONE;

          layers = NULL;
          switch (map->role)
            {
            case RL_MAP_BLOCK_INPUT:
              {
                g_autofree char *title = g_strdup_printf ("%s · %s", map->layer_name,
                                                          has_shortcut ? _("residual block")
                                                                       : _("plain block"));

                section = add_section (self, title,
                                       has_shortcut
                                       ? _("what the block adds: the residual F(x), shown on a "
                                           "scale of its own, is summed with its input x")
                                       : _("a plain block: no shortcut"),
                                       map->c, TRUE);
                add_row (section, i, "x", nonneg ? RL_COLORMAP_SEQUENTIAL : RL_COLORMAP_DIVERGING,
                         map->c, map->h, map->w);
              }
              break;
            case RL_MAP_BLOCK_HIDDEN:
              break;   /* relu(conv1(x)): inside F, left out to keep the three rows aligned */
            case RL_MAP_BLOCK_RESIDUAL:
              if (section != NULL && section->is_block)
                {
                  add_row (section, i, "F(x)", RL_COLORMAP_DIVERGING, map->c, map->h, map->w);
                  g_array_index (section->rows, Row, section->rows->len - 1).own_scale = TRUE;
                }
              break;
            case RL_MAP_BLOCK_SHORTCUT:
              /* Option A only subsamples x and pads zero channels: its values have x's sign
               * (and x's colours); a projection (option B) is signed. */
              if (section != NULL && section->is_block)
                add_row (section, i, "shortcut(x)",
                         spec != NULL && spec->shortcut == RL_SHORTCUT_A && nonneg
                         ? RL_COLORMAP_SEQUENTIAL : RL_COLORMAP_DIVERGING,
                         map->c, map->h, map->w);
              break;
            case RL_MAP_BLOCK_OUTPUT:
              if (section != NULL && section->is_block)
                {
                  const char *label = !has_shortcut ? "relu(F(x))"
                                      : spec != NULL && spec->shortcut != RL_SHORTCUT_IDENTITY
                                      ? "relu(F(x) + sc(x))" : "relu(F(x) + x)";

                  /* a block whose shape changes has its output's channels */
                  section->c = MAX (section->c, map->c);
                  add_row (section, i, label, RL_COLORMAP_SEQUENTIAL, map->c, map->h, map->w);
                }
              nonneg = TRUE;
              break;
            case RL_MAP_LAYER_OUTPUT:
            default:
              break;
            }
        }
    }
}

/* ---- layout ------------------------------------------------------------------------------- */

static int
preferred_cell (int h)
{
  if (h >= 20)
    return 2 * h;
  if (h >= 10)
    return 3 * h;
  if (h >= 6)
    return 4 * h;
  if (h >= 3)
    return 6 * h;
  return 24;
}

static int
fit (int avail,
     int cell)
{
  return MAX (1, (avail + GAP) / (cell + GAP));
}

/* Places every section for @width; returns the total height. With @cells (an allocation),
 * records every map's rectangle and the sections' layout, and with @rows every row's place;
 * without (a measure), changes nothing. */
static int
compute_layout (RlFeatureView *self,
                int            width,
                GArray        *cells,
                GArray        *rows)
{
  int avail = MAX (MIN_CELL, width - 2 * PAD - LABEL_W);
  int y = PAD;

  for (guint s = 0; s < self->sections->len; s++)
    {
      /* measuring (no @cells) leaves the sections as the last allocation laid them out */
      Section *section = &g_array_index (self->sections, Section, s);
      Section l = *section;
      int pref = 0;
      int c = l.c;

      for (guint r = 0; r < l.rows->len; r++)
        pref = MAX (pref, preferred_cell (g_array_index (l.rows, Row, r).h));
      pref = MIN (pref, MAX_CELL);

      if (fit (avail, pref) >= c)
        {
          l.cell = pref;
          l.per_line = c;
        }
      else if (fit (avail, MIN_CELL) >= c)
        {
          l.cell = (avail + GAP) / c - GAP;
          l.per_line = c;
        }
      else
        {
          int lines = (c + fit (avail, MIN_CELL) - 1) / fit (avail, MIN_CELL);

          l.per_line = (c + lines - 1) / lines;
          l.cell = MIN (pref, (avail + GAP) / l.per_line - GAP);
        }
      l.n_lines = (c + l.per_line - 1) / l.per_line;
      l.row_h = MAX (l.cell, MIN_ROW_H);
      l.y = y;

      y += HEADER_H;
      for (int line = 0; line < l.n_lines; line++)
        {
          if (line > 0)
            y += CHUNK_GAP;
          for (guint r = 0; r < l.rows->len; r++)
            {
              const Row *row = &g_array_index (l.rows, Row, r);
              int first = line * l.per_line;

              if (rows != NULL)
                {
                  RowPlace place = { s, r, line, y };

                  g_array_append_val (rows, place);
                }
              if (cells != NULL)
                for (int k = first; k < row->c && k < first + l.per_line; k++)
                  {
                    Cell cell = { s, r, k, };

                    cell.rect = GRAPHENE_RECT_INIT (PAD + LABEL_W + (k - first) * (l.cell + GAP),
                                                    y + (l.row_h - l.cell) / 2,
                                                    l.cell, l.cell);
                    g_array_append_val (cells, cell);
                  }
              y += l.row_h + (row->class_labels ? CLASS_LABEL_H : 0) + ROW_GAP;
            }
        }
      l.height = y - l.y;
      if (cells != NULL)
        *section = l;
      y += SECTION_GAP;
    }

  return y - SECTION_GAP + PAD;
}

static gboolean
has_content (RlFeatureView *self)
{
  return self->predictor != NULL && rl_predictor_get_inference (self->predictor) != NULL
         && self->sections->len > 0;
}

/* The section that shows arch layer @layer's maps, or -1. */
static int
section_of_layer (RlFeatureView *self,
                  int            layer)
{
  const RlInference *inf;

  if (layer < 0 || !has_content (self))
    return -1;
  inf = rl_predictor_get_inference (self->predictor);
  for (guint s = 0; s < self->sections->len; s++)
    {
      const Section *section = &g_array_index (self->sections, Section, s);

      for (guint r = 0; r < section->rows->len; r++)
        {
          const Row *row = &g_array_index (section->rows, Row, r);

          if (row->map_index != INPUT_ROW
              && rl_inference_get_map (inf, row->map_index)->layer_index == layer)
            return (int) s;
        }
    }
  return -1;
}

/* ---- values ------------------------------------------------------------------------------- */

static const float *
row_data (RlFeatureView *self,
          const Row     *row,
          int            channel)
{
  const RlInference *inf = rl_predictor_get_inference (self->predictor);
  const RlActivation *map;

  if (row->map_index == INPUT_ROW)
    return rl_predictor_get_image (self->predictor);

  map = rl_inference_get_map (inf, row->map_index);
  return map->data + (size_t) channel * map->h * map->w;
}

static int
row_channels (RlFeatureView *self,
              const Row     *row)
{
  return row->c;
}

/* The range a map is drawn with. Per map: its own extremes. Per layer: the row's extremes
 * over all channels; in a residual block one magnitude for x, the shortcut and the output, so
 * they can be compared, while F(x), what the block adds, is often ten times smaller and would
 * be invisible on it: F(x) has the range of its own row. The logits always share one range,
 * even per map: each of the ten is a single value, which its own range would paint full red
 * or full blue whatever it is. Sequential maps start at 0, diverging ones are symmetric. */
static void
map_range (RlFeatureView *self,
           guint          s,
           guint          r,
           int            channel,
           float         *lo,
           float         *hi)
{
  const Section *section = &g_array_index (self->sections, Section, s);
  const Row *row = &g_array_index (section->rows, Row, r);
  float a = 0, b = 0;

  if (row->map_index == INPUT_ROW)
    {
      *lo = 0;
      *hi = 1;
      return;
    }

  if (self->scaling == RL_SCALING_PER_MAP && !row->class_labels)
    rl_colormap_range (row_data (self, row, channel), (size_t) row->h * row->w, &a, &b);
  else
    {
      gboolean shared = section->is_block && !row->own_scale;
      guint first = shared ? 0 : r;
      guint last = shared ? section->rows->len - 1 : r;
      gboolean any = FALSE;

      for (guint i = first; i <= last; i++)
        {
          const Row *other = &g_array_index (section->rows, Row, i);
          float lo_i, hi_i;

          if (shared && other->own_scale)
            continue;
          rl_colormap_range (row_data (self, other, 0),
                             (size_t) row_channels (self, other) * other->h * other->w,
                             &lo_i, &hi_i);
          a = any ? MIN (a, lo_i) : lo_i;
          b = any ? MAX (b, hi_i) : hi_i;
          any = TRUE;
        }
      if (section->is_block)
        {
          float m = MAX (fabsf (a), fabsf (b));

          a = -m;
          b = m;
        }
    }

  if (row->cmap == RL_COLORMAP_DIVERGING)
    {
      float m = MAX (fabsf (a), fabsf (b));

      *lo = -m;
      *hi = m;
    }
  else
    {
      *lo = 0;
      *hi = MAX (b, 0.0f);
    }
}

static char *
format_range (RlColormap cmap,
              float      lo,
              float      hi)
{
  if (cmap == RL_COLORMAP_DIVERGING)
    return g_strdup_printf ("±%.3g", hi);
  return g_strdup_printf ("0…%.3g", hi);
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void
show_text (RlFeatureView *self,
           cairo_t       *cr,
           const char    *markup,
           double         x,
           double         y,
           double         width,
           PangoAlignment align)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (layout, align);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_sections (RlFeatureView *self,
               cairo_t       *cr,
               int            width,
               const GdkRGBA *fg)
{
  guint cell_i = 0;
  int selected = section_of_layer (self, self->selected_layer);

  for (guint s = 0; s < self->sections->len; s++)
    {
      const Section *section = &g_array_index (self->sections, Section, s);
      g_autofree char *header = NULL;
      int y = section->y;

      if ((int) s == selected)
        {
          /* the layer picked in the Network panel */
          cairo_rectangle (cr, PAD / 2.0, y - 4, width - PAD, section->height + 8);
          cairo_set_source_rgba (cr, 0.20, 0.45, 0.85, 0.12);
          cairo_fill_preserve (cr);
          cairo_set_source_rgba (cr, 0.20, 0.45, 0.85, 0.9);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
        }

      header = section->subtitle != NULL
               ? g_markup_printf_escaped ("<b>%s</b>   <span alpha='60%%'>%s</span>",
                                          section->title, section->subtitle)
               : g_markup_printf_escaped ("<b>%s</b>", section->title);
      gdk_cairo_set_source_rgba (cr, fg);
      show_text (self, cr, header, PAD, y + 4, width - 2 * PAD, PANGO_ALIGN_LEFT);
    }

  /* the rows, where compute_layout put them, and their maps: the cells in the same order */
  for (guint p = 0; p < self->rows->len; p++)
    {
      const RowPlace *place = &g_array_index (self->rows, RowPlace, p);
      const Section *section = &g_array_index (self->sections, Section, place->section);
      const Row *row = &g_array_index (section->rows, Row, place->row);
      guint s = place->section, r = place->row;
      int y = place->y;
      g_autofree char *label = NULL;
      g_autofree char *range = NULL;
      float lo, hi;
      int first = place->line * section->per_line;
      int n = row->c;

      map_range (self, s, r, 0, &lo, &hi);
      range = self->scaling == RL_SCALING_PER_LAYER || row->class_labels
              ? format_range (row->cmap, lo, hi) : g_strdup (_("own range"));
      /* A section that wraps (64 channels at 1024 px) repeats its rows on each line: past
       * the first, they say which channels they hold, or that a row with fewer channels (a
       * block's input) is complete above. */
      if (place->line == 0)
        label = g_markup_printf_escaped ("%s\n<span size='small' alpha='60%%'>%s · %s</span>",
                                         row->label, row->detail, range);
      else if (first < n)
        label = g_markup_printf_escaped (_("%s\n<span size='small' alpha='60%%'>channels "
                                         "%d–%d</span>"), row->label, first + 1,
                                         MIN (n, first + section->per_line));
      else
        label = g_markup_printf_escaped (_("<span alpha='60%%'>%s\n<span size='small'>"
                                         "all %d channels above</span></span>"),
                                         row->label, n);
      gdk_cairo_set_source_rgba (cr, fg);
      show_text (self, cr, label, PAD, y + (section->row_h - 30) / 2.0,
                 LABEL_W - 10, PANGO_ALIGN_LEFT);

      for (int k = first; k < n && k < first + section->per_line; k++, cell_i++)
        {
          const Cell *cell = &g_array_index (self->cells, Cell, cell_i);
          const float *data = row_data (self, row, k);

          if (self->scaling == RL_SCALING_PER_MAP)
            map_range (self, s, r, k, &lo, &hi);
          rl_colormap_paint (cr, row->cmap, data, row->w, row->h, lo, hi,
                             cell->rect.origin.x, cell->rect.origin.y,
                             cell->rect.size.width, cell->rect.size.height);

          if (row->class_labels)
            {
              g_autofree char *name = g_markup_escape_text (
                _(rl_dataset_class_name (rl_predictor_get_kind (self->predictor), k)), -1);
              g_autofree char *small = g_strdup_printf ("<span size='small'>%s</span>", name);

              gdk_cairo_set_source_rgba (cr, fg);
              show_text (self, cr, small, cell->rect.origin.x - GAP / 2,
                         cell->rect.origin.y + cell->rect.size.height + 1,
                         cell->rect.size.width + GAP, PANGO_ALIGN_CENTER);
            }
        }
    }

  /* the keyboard focus */
  if (self->focus_cell >= 0 && (guint) self->focus_cell < self->cells->len
      && gtk_widget_has_visible_focus (GTK_WIDGET (self)))
    {
      const Cell *cell = &g_array_index (self->cells, Cell, self->focus_cell);

      cairo_rectangle (cr, cell->rect.origin.x - 2.5, cell->rect.origin.y - 2.5,
                       cell->rect.size.width + 5, cell->rect.size.height + 5);
      gdk_cairo_set_source_rgba (cr, fg);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
}

static void
rl_feature_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  RlFeatureView *self = RL_FEATURE_VIEW (widget);
  int width, height;
  GdkRGBA fg;
  cairo_t *cr = rl_snapshot_append_cairo (widget, snapshot, &width, &height);

  if (cr == NULL)
    return;
  rl_widget_get_color (widget, &fg);

  if (has_content (self) && self->layout_width == width)
    draw_sections (self, cr, width, &fg);
  else
    {
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_push_group (cr);
      show_text (self, cr, _("Draw a digit or pick a test image to see what every layer computes."),
                 PAD, PAD + 40, width - 2 * PAD, PANGO_ALIGN_CENTER);
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, 0.6);
    }
  cairo_destroy (cr);
}

/* ---- size --------------------------------------------------------------------------------- */

static void
rl_feature_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  RlFeatureView *self = RL_FEATURE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int nat = 2 * PAD + LABEL_W + 16 * (MIN_CELL + GAP);

      for (guint s = 0; s < self->sections->len; s++)
        {
          const Section *section = &g_array_index (self->sections, Section, s);
          int pref = 0;

          for (guint r = 0; r < section->rows->len; r++)
            pref = MAX (pref, preferred_cell (g_array_index (section->rows, Row, r).h));
          nat = MAX (nat, 2 * PAD + LABEL_W + section->c * (MIN (pref, MAX_CELL) + GAP));
        }
      *minimum = 2 * PAD + LABEL_W + 8 * (MIN_CELL + GAP);
      *natural = nat;
    }
  else
    {
      int h = 120;

      if (has_content (self))
        h = compute_layout (self, for_size >= 0 ? for_size : 800, NULL, NULL);
      *minimum = *natural = h;
    }
}

static void
rl_feature_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  RlFeatureView *self = RL_FEATURE_VIEW (widget);

  g_array_set_size (self->cells, 0);
  g_array_set_size (self->rows, 0);
  self->layout_height = compute_layout (self, width, self->cells, self->rows);
  self->layout_width = width;
  if (self->focus_cell >= (int) self->cells->len)
    self->focus_cell = self->cells->len > 0 ? 0 : -1;

  gtk_popover_present (GTK_POPOVER (self->popover));
}

/* ---- the enlarged map --------------------------------------------------------------------- */

static gboolean
zoom_cell_valid (RlFeatureView *self)
{
  const Section *section;
  const Row *row;

  if (!has_content (self) || self->zoom_cell.section >= self->sections->len)
    return FALSE;
  section = &g_array_index (self->sections, Section, self->zoom_cell.section);
  if (self->zoom_cell.row >= section->rows->len)
    return FALSE;
  row = &g_array_index (section->rows, Row, self->zoom_cell.row);
  return self->zoom_cell.channel < row_channels (self, row);
}

static void
zoom_draw_func (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  RlFeatureView *self = user_data;
  const Section *section;
  const Row *row;
  float lo, hi;
  int side = MIN (width, height);

  if (!zoom_cell_valid (self))
    return;

  section = &g_array_index (self->sections, Section, self->zoom_cell.section);
  row = &g_array_index (section->rows, Row, self->zoom_cell.row);
  map_range (self, self->zoom_cell.section, self->zoom_cell.row, self->zoom_cell.channel,
             &lo, &hi);
  rl_colormap_paint (cr, row->cmap, row_data (self, row, self->zoom_cell.channel),
                     row->w, row->h, lo, hi, (width - side) / 2.0, (height - side) / 2.0,
                     side, side);
}

static void
update_zoom_label (RlFeatureView *self)
{
  const Section *section;
  const Row *row;
  const float *data;
  float lo, hi;
  g_autofree char *markup = NULL;

  if (!zoom_cell_valid (self))
    return;

  section = &g_array_index (self->sections, Section, self->zoom_cell.section);
  row = &g_array_index (section->rows, Row, self->zoom_cell.row);
  data = row_data (self, row, self->zoom_cell.channel);
  rl_colormap_range (data, (size_t) row->h * row->w, &lo, &hi);
  /* "rblock1 · F(x)" in a block, "conv1" or "ReLU" elsewhere: the section title of plain
   * layers lists them all */
  if (section->is_block)
    {
      g_autofree char *block = g_strndup (section->title, strcspn (section->title, " "));

      markup = g_markup_printf_escaped (_("<b>%s · %s</b>\nchannel %d of %d · %d×%d\n"
                                        "min %.4g · max %.4g"),
                                        block, row->label, self->zoom_cell.channel + 1,
                                        row_channels (self, row), row->h, row->w, lo, hi);
    }
  else
    markup = g_markup_printf_escaped (_("<b>%s</b>\nchannel %d of %d · %d×%d\n"
                                      "min %.4g · max %.4g"),
                                      row->label, self->zoom_cell.channel + 1,
                                      row_channels (self, row), row->h, row->w, lo, hi);
  gtk_label_set_markup (GTK_LABEL (self->zoom_label), markup);
}

static void
show_zoom (RlFeatureView *self,
           const Cell    *cell)
{
  GdkRectangle rect = {
    (int) cell->rect.origin.x, (int) cell->rect.origin.y,
    (int) cell->rect.size.width, (int) cell->rect.size.height
  };

  self->zoom_cell = *cell;
  update_zoom_label (self);
  gtk_widget_queue_draw (self->zoom_area);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static int
cell_at (RlFeatureView *self,
         double         x,
         double         y)
{
  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);

      if (graphene_rect_contains_point (&cell->rect, &GRAPHENE_POINT_INIT (x, y)))
        return (int) i;
    }
  return -1;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            RlFeatureView   *self)
{
  int i;

  if (!has_content (self))
    return;

  i = cell_at (self, x, y);
  if (i < 0)
    return;

  self->focus_cell = i;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  show_zoom (self, &g_array_index (self->cells, Cell, i));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The nearest cell in the row above or below (@direction -1 or +1). */
static int
vertical_neighbour (RlFeatureView *self,
                    int            from,
                    int            direction)
{
  const Cell *a = &g_array_index (self->cells, Cell, from);
  double ay = a->rect.origin.y, ax = a->rect.origin.x;
  int best = -1;
  double best_dy = G_MAXDOUBLE, best_dx = G_MAXDOUBLE;

  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *b = &g_array_index (self->cells, Cell, i);
      double dy = (b->rect.origin.y - ay) * direction;
      double dx = fabs (b->rect.origin.x - ax);

      if (dy <= 1)
        continue;
      if (dy < best_dy - 1 || (fabs (dy - best_dy) <= 1 && dx < best_dx))
        {
          best = (int) i;
          best_dy = dy;
          best_dx = dx;
        }
    }
  return best;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                RlFeatureView         *self)
{
  int next = self->focus_cell;

  if (!has_content (self) || self->cells->len == 0)
    return FALSE;
  if (next < 0)
    next = 0;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      next = MAX (0, next - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      next = MIN ((int) self->cells->len - 1, next + 1);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      next = vertical_neighbour (self, next, -1);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      next = vertical_neighbour (self, next, +1);
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      show_zoom (self, &g_array_index (self->cells, Cell, next));
      return TRUE;
    default:
      return FALSE;
    }

  if (next < 0)
    return FALSE;   /* let focus move on from the first or last row */

  self->focus_cell = next;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* ---- predictor ---------------------------------------------------------------------------- */

static void
predictor_model_changed_cb (RlPredictor   *predictor,
                            RlFeatureView *self)
{
  g_array_set_size (self->sections, 0);
  g_array_set_size (self->cells, 0);
  g_array_set_size (self->rows, 0);
  self->focus_cell = -1;
  self->selected_layer = -1;
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
predictor_updated_cb (RlPredictor   *predictor,
                      RlFeatureView *self)
{
  gboolean had_content = has_content (self);

  if (self->sections->len == 0 && rl_predictor_get_inference (predictor) != NULL)
    build_sections (self);

  if (had_content != has_content (self) || self->layout_width != gtk_widget_get_width (GTK_WIDGET (self)))
    gtk_widget_queue_resize (GTK_WIDGET (self));

  if (gtk_widget_get_visible (self->popover))
    {
      if (has_content (self))
        {
          update_zoom_label (self);
          gtk_widget_queue_draw (self->zoom_area);
        }
      else
        gtk_popover_popdown (GTK_POPOVER (self->popover));
    }

  /* Nothing is drawn while the view is not on screen, so this costs nothing then. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
rl_feature_view_new (void)
{
  return g_object_new (RL_TYPE_FEATURE_VIEW, NULL);
}

void
rl_feature_view_set_predictor (RlFeatureView *self,
                               RlPredictor   *predictor)
{
  g_return_if_fail (RL_IS_FEATURE_VIEW (self));

  if (!rl_predictor_signals_set (self->predictor_signals, &self->predictor, predictor))
    return;

  g_array_set_size (self->sections, 0);
  g_array_set_size (self->cells, 0);
  g_array_set_size (self->rows, 0);
  if (predictor != NULL)
    predictor_updated_cb (predictor, self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

RlPredictor *
rl_feature_view_get_predictor (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);

  return self->predictor;
}

void
rl_feature_view_set_scaling (RlFeatureView *self,
                             RlScaling      scaling)
{
  g_return_if_fail (RL_IS_FEATURE_VIEW (self));

  if (self->scaling == scaling)
    return;
  self->scaling = scaling;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->zoom_area != NULL)
    gtk_widget_queue_draw (self->zoom_area);
}

RlScaling
rl_feature_view_get_scaling (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), RL_SCALING_PER_LAYER);

  return self->scaling;
}

void
rl_feature_view_select_layer (RlFeatureView *self,
                              int            layer)
{
  g_return_if_fail (RL_IS_FEATURE_VIEW (self));

  self->selected_layer = layer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
rl_feature_view_get_selected_section (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), -1);

  return section_of_layer (self, self->selected_layer);
}

int
rl_feature_view_get_section_y (RlFeatureView *self,
                               guint          i)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), -1);

  /* the cells are laid out with the sections (size_allocate): none yet, no place yet */
  if (!has_content (self) || i >= self->sections->len || self->cells->len == 0)
    return -1;
  return g_array_index (self->sections, Section, i).y;
}

guint
rl_feature_view_get_n_sections (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);

  return has_content (self) ? self->sections->len : 0;
}

guint
rl_feature_view_get_n_rows (RlFeatureView *self)
{
  guint n = 0;

  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);

  if (!has_content (self))
    return 0;
  for (guint s = 0; s < self->sections->len; s++)
    n += g_array_index (self->sections, Section, s).rows->len;
  return n;
}

const char *
rl_feature_view_get_section_title (RlFeatureView *self,
                                   guint          i)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);
  g_return_val_if_fail (i < self->sections->len, NULL);

  return g_array_index (self->sections, Section, i).title;
}

guint
rl_feature_view_get_section_n_rows (RlFeatureView *self,
                                    guint          i)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);
  g_return_val_if_fail (i < self->sections->len, 0);

  return g_array_index (self->sections, Section, i).rows->len;
}

const char *
rl_feature_view_get_row_label (RlFeatureView *self,
                               guint          section,
                               guint          row)
{
  const Section *s;

  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);
  g_return_val_if_fail (section < self->sections->len, NULL);
  s = &g_array_index (self->sections, Section, section);
  g_return_val_if_fail (row < s->rows->len, NULL);

  return g_array_index (s->rows, Row, row).label;
}

void
rl_feature_view_get_map_range (RlFeatureView *self,
                               guint          section,
                               guint          row,
                               int            channel,
                               float         *lo,
                               float         *hi)
{
  const Section *s;

  g_return_if_fail (RL_IS_FEATURE_VIEW (self));
  g_return_if_fail (section < self->sections->len);
  s = &g_array_index (self->sections, Section, section);
  g_return_if_fail (row < s->rows->len);
  g_return_if_fail (channel >= 0 && channel < g_array_index (s->rows, Row, row).c);

  map_range (self, section, row, channel, lo, hi);
}

gboolean
rl_feature_view_show_map (RlFeatureView *self,
                          guint          section,
                          guint          row,
                          int            channel)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), FALSE);

  for (guint i = 0; i < self->cells->len; i++)
    {
      const Cell *cell = &g_array_index (self->cells, Cell, i);

      if (cell->section == section && cell->row == row && cell->channel == channel)
        {
          self->focus_cell = (int) i;
          show_zoom (self, cell);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
rl_feature_view_get_zoom_text (RlFeatureView *self)
{
  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->zoom_label));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_feature_view_dispose (GObject *object)
{
  RlFeatureView *self = RL_FEATURE_VIEW (object);

  rl_feature_view_set_predictor (self, NULL);
  g_clear_object (&self->predictor_signals);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  self->zoom_area = NULL;
  self->zoom_label = NULL;

  G_OBJECT_CLASS (rl_feature_view_parent_class)->dispose (object);
}

static void
rl_feature_view_finalize (GObject *object)
{
  RlFeatureView *self = RL_FEATURE_VIEW (object);

  g_clear_pointer (&self->sections, g_array_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (rl_feature_view_parent_class)->finalize (object);
}

static void
rl_feature_view_class_init (RlFeatureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_feature_view_dispose;
  object_class->finalize = rl_feature_view_finalize;

  widget_class->snapshot = rl_feature_view_snapshot;
  widget_class->measure = rl_feature_view_measure;
  widget_class->get_request_mode = rl_widget_request_height_for_width;
  widget_class->size_allocate = rl_feature_view_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "rlfeatureview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rl_feature_view_init (RlFeatureView *self)
{
  GtkGesture *click;
  GtkEventController *keys;
  GtkWidget *box;

  self->sections = g_array_new (FALSE, TRUE, sizeof (Section));
  g_array_set_clear_func (self->sections, section_clear);
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  self->rows = g_array_new (FALSE, TRUE, sizeof (RowPlace));
  self->focus_cell = -1;
  self->selected_layer = -1;
  self->predictor_signals = rl_predictor_signals_new (G_CALLBACK (predictor_updated_cb),
                                                      G_CALLBACK (predictor_model_changed_cb), self);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  self->popover = gtk_popover_new ();
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  self->zoom_area = gtk_drawing_area_new ();
  gtk_widget_set_size_request (self->zoom_area, ZOOM_SIDE, ZOOM_SIDE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->zoom_area), zoom_draw_func, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_area),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enlarged activation map"), -1);
  self->zoom_label = gtk_label_new ("");
  gtk_label_set_justify (GTK_LABEL (self->zoom_label), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), self->zoom_area);
  gtk_box_append (GTK_BOX (box), self->zoom_label);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Activation maps of every layer"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Arrow keys move between maps; Enter shows the focused map "
                                  "enlarged with its value range."),
                                  -1);
}
