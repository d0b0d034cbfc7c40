#define G_LOG_DOMAIN "reslab-ui"

/* rl-feature-view-layout.c: where the feature view (rl-feature-view.h) puts its sections for
 * a width (a section whose channels do not fit wraps onto more lines, its rows repeated), the
 * size it asks for (height for width), and its drawing: the sections' titles, the rows'
 * labels and ranges, every map in its colours, the outlined section and the focused map.
 * The sections themselves and their values: rl-feature-view-sections.c.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-feature-view-private.h"

#include "rl-widget-util.h"

/* Layout, in pixels. */
#define PAD          12    /* around everything */
#define LABEL_W      176   /* the row labels' column: "16×12×12 · block 0…10.7" whole */
#define GAP          4     /* between maps */
#define HEADER_H     30    /* a section's title line */
#define SECTION_GAP  20
#define ROW_GAP      6
#define CHUNK_GAP    16    /* between the lines of a section that wraps */
#define MIN_CELL     18
#define MAX_CELL     56
#define MIN_ROW_H    32    /* two lines of label */
#define CLASS_LABEL_H 16   /* class names under the logits */

/* ---- text --------------------------------------------------------------------------------- */

/* @markup laid out @width wide: wrapped onto more lines with @wrap, else cut with an ellipsis.
 * Returns: (transfer full) */
static PangoLayout *
text_layout (RlFeatureView *self,
             const char    *markup,
             double         width,
             gboolean       wrap)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_set_width (layout, (int) (MAX (width, 1) * PANGO_SCALE));
  if (wrap)
    pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  else
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  return layout;
}

/* A section's title line: its title, then what it is, dimmed. Returns: (transfer full) */
static char *
header_markup (const Section *section)
{
  return section->subtitle != NULL
         ? g_markup_printf_escaped ("<b>%s</b>   <span alpha='60%%'>%s</span>", section->title,
                                    section->subtitle)
         : g_markup_printf_escaped ("<b>%s</b>", section->title);
}

/* The height of a section's title, wrapped at @width: a narrow view (the maps beside the
 * Network panel at 800 x 600) gives it more lines rather than cutting what the section is. */
static int
header_height (RlFeatureView *self,
               const Section *section,
               int            width)
{
  g_autofree char *markup = header_markup (section);
  g_autoptr (PangoLayout) layout = text_layout (self, markup, width - 2 * PAD, TRUE);
  int h;

  pango_layout_get_pixel_size (layout, NULL, &h);
  return MAX (HEADER_H, h + 10);
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

      l.header_h = header_height (self, section, width);
      y += l.header_h;
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
           PangoAlignment align,
           gboolean       wrap)
{
  g_autoptr (PangoLayout) layout = text_layout (self, markup, width, wrap);

  pango_layout_set_alignment (layout, align);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The label of a row as laid out (@place): its name, size and range on its first line; past
 * the first, which channels it holds, or that a row with fewer channels (a block's input) is
 * complete above. Returns: (transfer full) */
static char *
row_label_markup (RlFeatureView  *self,
                  const RowPlace *place)
{
  const Section *section = &g_array_index (self->sections, Section, place->section);
  const Row *row = &g_array_index (section->rows, Row, place->row);
  int first = place->line * section->per_line;
  int n = row->c;

  if (place->line == 0)
    {
      g_autofree char *range = NULL;
      float lo, hi;

      _rl_feature_view_map_range (self, place->section, place->row, 0, &lo, &hi);
      if (self->scaling == RL_SCALING_PER_LAYER || row->class_labels)
        {
          g_autofree char *values = format_range (row->cmap, lo, hi);

          /* a block's rows but F(x) are drawn on the block's one range, which is not the
           * row's own values: said so */
          range = section->is_block && !row->own_scale && !row->class_labels
                  ? g_strdup_printf (/* TRANSLATORS: under a row of maps in a residual block, the range of colours all the block's rows share (not this row's own values): "block 0…11.1" */ _("block %s"),
                                     values)
                  : g_steal_pointer (&values);
        }
      else
        range = g_strdup (_("own range"));
      return g_markup_printf_escaped ("%s\n<span size='small' alpha='60%%'>%s · %s</span>",
                                      row->label, row->detail, range);
    }
  if (first < n)
    return g_markup_printf_escaped (_("%s\n<span size='small' alpha='60%%'>channels "
                                    "%d–%d</span>"), row->label, first + 1,
                                    MIN (n, first + section->per_line));
  return g_markup_printf_escaped (_("<span alpha='60%%'>%s\n<span size='small'>"
                                  "all %d channels above</span></span>"), row->label, n);
}

static void
draw_sections (RlFeatureView *self,
               cairo_t       *cr,
               int            width,
               const GdkRGBA *fg)
{
  guint cell_i = 0;
  int selected = _rl_feature_view_section_of_layer (self, self->selected_layer);

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

      header = header_markup (section);
      gdk_cairo_set_source_rgba (cr, fg);
      show_text (self, cr, header, PAD, y + 4, width - 2 * PAD, PANGO_ALIGN_LEFT, TRUE);
    }

  /* the rows, where compute_layout put them, and their maps: the cells in the same order */
  for (guint p = 0; p < self->rows->len; p++)
    {
      const RowPlace *place = &g_array_index (self->rows, RowPlace, p);
      const Section *section = &g_array_index (self->sections, Section, place->section);
      const Row *row = &g_array_index (section->rows, Row, place->row);
      guint s = place->section, r = place->row;
      int y = place->y;
      g_autofree char *label = row_label_markup (self, place);
      float lo, hi;
      int first = place->line * section->per_line;
      int n = row->c;

      _rl_feature_view_map_range (self, s, r, 0, &lo, &hi);
      gdk_cairo_set_source_rgba (cr, fg);
      show_text (self, cr, label, PAD, y + (section->row_h - 30) / 2.0,
                 LABEL_W - 10, PANGO_ALIGN_LEFT, FALSE);

      for (int k = first; k < n && k < first + section->per_line; k++, cell_i++)
        {
          const Cell *cell = &g_array_index (self->cells, Cell, cell_i);
          const float *data = _rl_feature_view_row_data (self, row, k);

          if (self->scaling == RL_SCALING_PER_MAP)
            _rl_feature_view_map_range (self, s, r, k, &lo, &hi);
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
                         cell->rect.size.width + GAP, PANGO_ALIGN_CENTER, FALSE);
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

  if (_rl_feature_view_has_content (self) && self->layout_width == width)
    draw_sections (self, cr, width, &fg);
  else
    {
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_push_group (cr);
      show_text (self, cr, _("Draw a digit or pick a test image to see what every layer computes."),
                 PAD, PAD + 40, width - 2 * PAD, PANGO_ALIGN_CENTER, TRUE);
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
      /* four maps a line at the least (compute_layout wraps to any width): with eight, the
       * Network panel beside it at 800 x 600 was left 170 px and its boxes cut */
      *minimum = 2 * PAD + LABEL_W + 4 * (MIN_CELL + GAP);
      *natural = nat;
    }
  else
    {
      int h = 120;

      if (_rl_feature_view_has_content (self))
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

char *
rl_feature_view_dup_row_caption (RlFeatureView *self,
                                 guint          section,
                                 guint          row)
{
  RowPlace place = { section, row, 0, 0 };
  g_autofree char *markup = NULL;
  char *text = NULL;

  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), NULL);
  g_return_val_if_fail (section < self->sections->len, NULL);
  g_return_val_if_fail (row < g_array_index (self->sections, Section, section).rows->len, NULL);

  markup = row_label_markup (self, &place);
  if (!pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL))
    return NULL;
  return text;
}

guint
rl_feature_view_count_cut_texts (RlFeatureView *self)
{
  guint n = 0;

  g_return_val_if_fail (RL_IS_FEATURE_VIEW (self), 0);

  if (!_rl_feature_view_has_content (self) || self->layout_width <= 0)
    return 0;
  for (guint s = 0; s < self->sections->len; s++)
    {
      const Section *section = &g_array_index (self->sections, Section, s);
      g_autofree char *markup = header_markup (section);
      g_autoptr (PangoLayout) layout = text_layout (self, markup, self->layout_width - 2 * PAD,
                                                    TRUE);
      int h;

      /* cut: longer than the room the layout left it (drawn from 4 px down) */
      pango_layout_get_pixel_size (layout, NULL, &h);
      n += pango_layout_is_ellipsized (layout) || 4 + h > section->header_h ? 1 : 0;
    }
  for (guint p = 0; p < self->rows->len; p++)
    {
      g_autofree char *markup = row_label_markup (self, &g_array_index (self->rows, RowPlace, p));
      g_autoptr (PangoLayout) layout = text_layout (self, markup, LABEL_W - 10, FALSE);

      n += pango_layout_is_ellipsized (layout) ? 1 : 0;
    }
  return n;
}

void
_rl_feature_view_class_layout_init (GtkWidgetClass *widget_class)
{
  widget_class->snapshot = rl_feature_view_snapshot;
  widget_class->measure = rl_feature_view_measure;
  widget_class->get_request_mode = rl_widget_request_height_for_width;
  widget_class->size_allocate = rl_feature_view_size_allocate;
}
