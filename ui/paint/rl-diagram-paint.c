#define G_LOG_DOMAIN "reslab-paint"

/* rl-diagram-paint.c: the network diagram drawn with Cairo, saved as PNG or SVG (see
 * rl-diagram-paint.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-diagram-paint.h"

#include <math.h>
#include <string.h>

#include "rl-figure-util.h"
#include "rl-paint-file.h"

#define FONT_SIZE   12.0
#define SMALL_SIZE  10.5
#define TEXT_PAD    8.0
#define RADIUS      5.0     /* the boxes' corners */
#define ADD_R       10.0    /* the addition node */
#define ARROW       5.0
#define PNG_SCALE   2.0

/* Fills, drawn at FILL_ALPHA over the background so they work on light and dark themes. */
#define FILL_ALPHA  0.22
static const double conv_rgb[3] = { 0.20, 0.45, 0.85 };
static const double bn_rgb[3] = { 0.55, 0.35, 0.80 };
static const double plain_rgb[3] = { 0.55, 0.55, 0.55 };
static const double linear_rgb[3] = { 0.90, 0.55, 0.15 };
static const double stage_rgb[3] = { 0.25, 0.60, 0.35 };
static const double shortcut_rgb[3] = { 0.10, 0.62, 0.38 };
static const double proj_rgb[3] = { 0.85, 0.62, 0.10 };

void
rl_diagram_style_init (RlDiagramStyle *style)
{
  *style = (RlDiagramStyle) {
    .fg = { 0.1, 0.1, 0.1, 1.0 },
    .bg = { 1.0, 1.0, 1.0, 1.0 },
    .fill_background = TRUE,
    .hover = -1,
    .selected = -1,
    .font_family = NULL,
  };
}

static const char *
font_family (const RlDiagramStyle *style)
{
  return style->font_family != NULL ? style->font_family : rl_figure_font_family ();
}

/* ---- words -------------------------------------------------------------------------------- */

static char *
format_params (gsize n)
{
  g_autofree char *number = n < 10000 ? g_strdup_printf ("%" G_GSIZE_FORMAT, n)
                            : n < 1000000 ? g_strdup_printf ("%.1f k", n / 1e3)
                            : g_strdup_printf ("%.2f M", n / 1e6);

  /* TRANSLATORS: a layer's parameter count; %s is the number, "416" or "23.5 k" */
  return g_strdup_printf (ngettext ("%s param", "%s params", (gulong) MIN (n, 1000000)), number);
}

static char *
format_shape (const RlDiagramBox *box)
{
  return g_strdup_printf ("%d×%d×%d", box->c, box->h, box->w);
}

static char *
stage_summary (const RlDiagramStage *st, int index)
{
  g_autofree char *blocks = g_strdup_printf (ngettext ("%d block", "%d blocks", st->n_blocks),
                                             st->n_blocks);

  /* TRANSLATORS: a group of residual blocks: "stage 2: 9 blocks, 16 → 32" (channels) */
  return g_strdup_printf (_("stage %1$d: %2$s, %3$d → %4$d"), index + 1, blocks,
                          st->c_in, st->c_out);
}

static const char *
shortcut_words (RlShortcut shortcut)
{
  switch (shortcut)
    {
    case RL_SHORTCUT_IDENTITY: return _("identity shortcut");
    case RL_SHORTCUT_A: return _("shortcut A: subsampled, zero-padded channels");
    case RL_SHORTCUT_B: return _("shortcut B: 1×1 projection");
    case RL_SHORTCUT_NONE:
    default: return _("plain block: no shortcut");
    }
}

/* The block of arch layer @layer, among those drawn. */
static const RlDiagramBlock *
find_block (const RlDiagram *d, int layer)
{
  for (guint b = 0; b < rl_diagram_get_n_blocks (d); b++)
    if (rl_diagram_get_block (d, b)->layer == layer)
      return rl_diagram_get_block (d, b);
  return NULL;
}

/* What a block's addition node computes. */
static const char *
add_formula (const RlDiagramBlock *block)
{
  RlShortcut sc = block != NULL ? block->shortcut : RL_SHORTCUT_IDENTITY;

  return sc == RL_SHORTCUT_A ? "relu(F(x) + A(x))"
         : sc == RL_SHORTCUT_B ? "relu(F(x) + B(x))"
         : sc == RL_SHORTCUT_NONE ? "relu(F(x))" : "relu(F(x) + x)";
}

char *
rl_diagram_box_title (const RlDiagramBox *box)
{
  g_return_val_if_fail (box != NULL, NULL);

  if (box->role == RL_DIAGRAM_LAYER && box->unnamed)
    switch (box->kind)
      {
      case RL_LAYER_RELU:
        return g_strdup ("ReLU");
      case RL_LAYER_MAXPOOL:
        if (box->kernel > 0)
          return g_strdup_printf (_("max pool %d×%d"), box->kernel, box->kernel);
        return g_strdup (_("max pool"));
      case RL_LAYER_GAP:
        return g_strdup (_("average pool"));
      default:
        break;
      }
  return g_strdup (box->name);
}

char *
rl_diagram_describe_box (const RlDiagram *diagram, guint i)
{
  const RlDiagramBox *box = rl_diagram_get_box (diagram, i);
  g_autofree char *shape = NULL;
  g_autofree char *params = NULL;

  g_return_val_if_fail (box != NULL, NULL);
  shape = format_shape (box);
  params = format_params (box->n_params);

  switch (box->role)
    {
    case RL_DIAGRAM_STAGE:
    case RL_DIAGRAM_STAGE_HEADER:
      {
        const RlDiagramStage *st = rl_diagram_get_stage (diagram, (guint) box->stage);
        g_autofree char *summary = stage_summary (st, box->stage);
        g_autofree char *stage_params = format_params (st->n_params);

        /* TRANSLATORS: a stage's tooltip: its summary, output shape, parameters, and what a
         * click does */
        return g_strdup_printf (_("%1$s channels\noutput %2$s · %3$s\n%4$s"), summary, shape,
                                stage_params,
                                st->expanded ? _("Click to collapse it into one box")
                                             : _("Click to show its blocks"));
      }
    case RL_DIAGRAM_ADD:
      {
        const RlDiagramBlock *block = find_block (diagram, box->layer);

        /* TRANSLATORS: the addition node of a residual block: name, what it computes, the
         * kind of shortcut, the output shape */
        return g_strdup_printf (_("%1$s · %2$s\n%3$s\noutput %4$s"), box->name,
                                add_formula (block),
                                shortcut_words (block != NULL ? block->shortcut
                                                              : RL_SHORTCUT_IDENTITY),
                                shape);
      }
    default:
      {
        g_autofree char *title = rl_diagram_box_title (box);

        if (g_strcmp0 (title, box->name) != 0)
          /* TRANSLATORS: the tooltip of a layer without weights, "ReLU" or "max pool 2×2":
           * what it does, then its output shape */
          return g_strdup_printf (_("%1$s\noutput %2$s"), title, shape);
        /* TRANSLATORS: a layer's tooltip: name · kind, then output shape · parameters */
        return g_strdup_printf (_("%1$s · %2$s\noutput %3$s · %4$s"), box->name, box->op, shape,
                                params);
      }
    }
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void
set_rgba (cairo_t *cr, const double rgba[4], double alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha);
}

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* @text at (@x, baseline @y), aligned left (0), centred (0.5) or right (1), cut with an
 * ellipsis to @max_w. Returns its width. */
static double
show_text (cairo_t *cr, const RlDiagramStyle *style, const char *text, double x, double y,
           double align, double size, gboolean bold, double max_w)
{
  g_autoptr (PangoLayout) layout = NULL;
  int w, h;

  cairo_select_font_face (cr, font_family (style), CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  layout = rl_figure_create_layout (cr, text);
  pango_layout_get_pixel_size (layout, &w, &h);
  if (w > max_w)
    {
      pango_layout_set_width (layout, (int) (MAX (max_w, 1) * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &w, &h);
    }
  cairo_move_to (cr, x - align * w, y - pango_layout_get_baseline (layout) / (double) PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  return w;
}

static void
arrow_down (cairo_t *cr, double x, double y)
{
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - ARROW, y - ARROW * 1.4);
  cairo_line_to (cr, x + ARROW, y - ARROW * 1.4);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
arrow_left (cairo_t *cr, double x, double y)
{
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + ARROW * 1.4, y - ARROW);
  cairo_line_to (cr, x + ARROW * 1.4, y + ARROW);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static const double *
box_rgb (const RlDiagramBox *box)
{
  switch (box->role)
    {
    case RL_DIAGRAM_BLOCK_CONV1:
    case RL_DIAGRAM_BLOCK_CONV2:
      return conv_rgb;
    case RL_DIAGRAM_PROJECTION:
      return proj_rgb;
    case RL_DIAGRAM_STAGE:
    case RL_DIAGRAM_STAGE_HEADER:
      return stage_rgb;
    case RL_DIAGRAM_LAYER:
      return box->kind == RL_LAYER_CONV ? conv_rgb
             : box->kind == RL_LAYER_BN ? bn_rgb
             : box->kind == RL_LAYER_LINEAR ? linear_rgb : plain_rgb;
    case RL_DIAGRAM_INPUT:
    case RL_DIAGRAM_ADD:
    default:
      return plain_rgb;
    }
}

static double
spine_x (const RlDiagramBox *box)
{
  return box->rect.x + box->rect.width / 2;
}

/* The lines and arrows between consecutive boxes of the column. */
static void
draw_column (cairo_t *cr, const RlDiagram *d, const RlDiagramStyle *style)
{
  const RlDiagramBox *prev = NULL;

  set_rgba (cr, style->fg, 0.55);
  cairo_set_line_width (cr, 1.2);
  for (guint i = 0; i < rl_diagram_get_n_boxes (d); i++)
    {
      const RlDiagramBox *box = rl_diagram_get_box (d, i);
      double top = box->rect.y;

      if (box->role == RL_DIAGRAM_PROJECTION)
        continue;
      if (box->role == RL_DIAGRAM_ADD && box->op[0] == '+')
        top = box->rect.y + box->rect.height / 2 - ADD_R;
      if (prev != NULL)
        {
          double bottom = prev->rect.y + prev->rect.height;

          if (prev->role == RL_DIAGRAM_ADD && prev->op[0] == '+')
            bottom = prev->rect.y + prev->rect.height / 2 + ADD_R;
          cairo_move_to (cr, spine_x (box), bottom);
          cairo_line_to (cr, spine_x (box), top - ARROW);
          cairo_stroke (cr);
          arrow_down (cr, spine_x (box), top);
        }
      prev = box;
    }
}

static void
draw_blocks (cairo_t *cr, const RlDiagram *d, const RlDiagramStyle *style)
{
  static const double dashes[] = { 4.0, 3.0 };

  for (guint b = 0; b < rl_diagram_get_n_blocks (d); b++)
    {
      const RlDiagramBlock *block = rl_diagram_get_block (d, b);
      const RlDiagramRect *r = &block->rect;
      double mid = r->x + r->width / 2;
      const char *kind;

      rounded_rect (cr, r->x + 0.5, r->y + 0.5, r->width - 1, r->height - 1, RADIUS + 2);
      set_rgba (cr, style->fg, 0.04);
      cairo_fill_preserve (cr);
      set_rgba (cr, style->fg, 0.35);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, dashes, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      /* the name left of the column, the shortcut's kind right of it */
      set_rgba (cr, style->fg, 0.85);
      show_text (cr, style, block->name, r->x + TEXT_PAD, r->y + 15, 0, SMALL_SIZE, TRUE,
                 mid - r->x - TEXT_PAD - 6);
      switch (block->shortcut)
        {
        /* TRANSLATORS: short labels of a residual block's shortcut, beside its name */
        case RL_SHORTCUT_IDENTITY: kind = _("identity"); break;
        case RL_SHORTCUT_A: kind = _("shortcut A"); break;
        case RL_SHORTCUT_B: kind = _("shortcut B"); break;
        case RL_SHORTCUT_NONE:
        default: kind = _("plain: no shortcut"); break;
        }
      set_rgba (cr, style->fg, 0.65);
      show_text (cr, style, kind, r->x + r->width - TEXT_PAD, r->y + 15, 1, SMALL_SIZE, FALSE,
                 r->x + r->width - mid - TEXT_PAD - 6);
    }

  /* an expanded stage: a bracket left of its blocks */
  for (guint s = 0; s < rl_diagram_get_n_stages (d); s++)
    {
      double top = G_MAXDOUBLE, bottom = -1;

      for (guint b = 0; b < rl_diagram_get_n_blocks (d); b++)
        {
          const RlDiagramBlock *block = rl_diagram_get_block (d, b);

          if (block->stage != (int) s)
            continue;
          top = MIN (top, block->rect.y);
          bottom = MAX (bottom, block->rect.y + block->rect.height);
        }
      if (bottom < 0)
        continue;
      cairo_set_source_rgba (cr, stage_rgb[0], stage_rgb[1], stage_rgb[2], 0.8);
      cairo_set_line_width (cr, 2.0);
      cairo_move_to (cr, 10, top - 14);
      cairo_line_to (cr, 7, top - 14);
      cairo_line_to (cr, 7, bottom);
      cairo_line_to (cr, 10, bottom);
      cairo_stroke (cr);
    }
}

static void
draw_arcs (cairo_t *cr, const RlDiagram *d, const RlDiagramStyle *style)
{
  static const double dashes[] = { 6.0, 3.0 };

  for (guint i = 0; i < rl_diagram_get_n_arcs (d); i++)
    {
      const RlDiagramArc *arc = rl_diagram_get_arc (d, i);
      const RlDiagramBox *add = rl_diagram_get_box (d, (guint) arc->to);
      double x0 = spine_x (add);
      double r = 8.0;

      cairo_set_source_rgb (cr, shortcut_rgb[0], shortcut_rgb[1], shortcut_rgb[2]);
      cairo_set_line_width (cr, 2.2);
      /* option A: dashed, for the zero channels it adds */
      if (arc->shortcut == RL_SHORTCUT_A)
        cairo_set_dash (cr, dashes, 2, 0);
      cairo_move_to (cr, x0, arc->y0);
      cairo_line_to (cr, arc->x - r, arc->y0);
      cairo_arc (cr, arc->x - r, arc->y0 + r, r, -G_PI / 2, 0);
      cairo_line_to (cr, arc->x, arc->y1 - r);
      cairo_arc (cr, arc->x - r, arc->y1 - r, r, 0, G_PI / 2);
      cairo_line_to (cr, x0 + ADD_R + ARROW * 1.4, arc->y1);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      arrow_left (cr, x0 + ADD_R, arc->y1);
      /* where it leaves the column */
      cairo_new_path (cr);
      cairo_arc (cr, x0, arc->y0, 2.5, 0, 2 * G_PI);
      cairo_fill (cr);

      if (arc->shortcut == RL_SHORTCUT_A)
        {
          double my = (arc->y0 + arc->y1) / 2;

          rounded_rect (cr, arc->x - 10, my - 9, 20, 18, 4);
          set_rgba (cr, style->bg, 1);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, shortcut_rgb[0], shortcut_rgb[1], shortcut_rgb[2]);
          cairo_set_line_width (cr, 1.2);
          cairo_stroke (cr);
          show_text (cr, style, "A", arc->x, my + 4.5, 0.5, FONT_SIZE, TRUE, 18);
        }
    }
}

static void
draw_box (cairo_t *cr, const RlDiagram *d, guint i, const RlDiagramStyle *style)
{
  const RlDiagramBox *box = rl_diagram_get_box (d, i);
  const RlDiagramRect *r = &box->rect;
  const double *rgb = box_rgb (box);
  gboolean hover = style->hover == (int) i;
  gboolean selected = style->selected == (int) i;
  g_autofree char *shape = format_shape (box);
  g_autofree char *params = format_params (box->n_params);
  double x = r->x + TEXT_PAD, right = r->x + r->width - TEXT_PAD;

  if (box->role == RL_DIAGRAM_ADD && box->op[0] == '+')
    {
      double cx = spine_x (box), cy = r->y + r->height / 2;
      const char *formula;

      if (hover)
        {
          rounded_rect (cr, r->x, r->y, r->width, r->height, RADIUS);
          cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], FILL_ALPHA);
          cairo_fill (cr);
        }
      cairo_new_path (cr);    /* no line from the last text's end */
      cairo_arc (cr, cx, cy, ADD_R, 0, 2 * G_PI);
      set_rgba (cr, style->bg, 1);
      cairo_fill_preserve (cr);
      set_rgba (cr, style->fg, 1);
      cairo_set_line_width (cr, selected ? 2.5 : 1.5);
      cairo_stroke (cr);
      cairo_move_to (cr, cx - 5, cy);
      cairo_line_to (cr, cx + 5, cy);
      cairo_move_to (cr, cx, cy - 5);
      cairo_line_to (cr, cx, cy + 5);
      cairo_stroke (cr);

      formula = add_formula (find_block (d, box->layer));
      set_rgba (cr, style->fg, 0.8);
      show_text (cr, style, formula, cx - ADD_R - 6, cy + 4, 1, SMALL_SIZE, FALSE,
                 cx - ADD_R - 6 - r->x);
      return;
    }

  if (box->role == RL_DIAGRAM_ADD)   /* a plain block's ReLU: a small pill on the column */
    rounded_rect (cr, spine_x (box) - 40, r->y + 0.5, 80, r->height - 1, r->height / 2 - 1);
  else
    rounded_rect (cr, r->x + 0.5, r->y + 0.5, r->width - 1, r->height - 1, RADIUS);
  set_rgba (cr, style->bg, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], hover ? 2 * FILL_ALPHA : FILL_ALPHA);
  cairo_fill_preserve (cr);
  if (selected)
    {
      cairo_set_source_rgb (cr, rgb[0] * 0.8, rgb[1] * 0.8, rgb[2] * 0.8);
      cairo_set_line_width (cr, 2.5);
    }
  else
    {
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.9);
      cairo_set_line_width (cr, hover ? 2.0 : 1.0);
    }
  cairo_stroke (cr);

  set_rgba (cr, style->fg, 1);
  switch (box->role)
    {
    case RL_DIAGRAM_ADD:        /* a plain block's ReLU */
      show_text (cr, style, box->op, spine_x (box), r->y + r->height / 2 + 4, 0.5, SMALL_SIZE,
                 FALSE, r->width);
      break;

    case RL_DIAGRAM_PROJECTION:
      show_text (cr, style, "B", r->x + r->width / 2, r->y + 15, 0.5, FONT_SIZE, TRUE,
                 r->width - 4);
      set_rgba (cr, style->fg, 0.75);
      show_text (cr, style, box->op, r->x + r->width / 2, r->y + 29, 0.5, SMALL_SIZE - 1, FALSE,
                 r->width - 4);
      break;

    case RL_DIAGRAM_STAGE_HEADER:
    case RL_DIAGRAM_STAGE:
      {
        const RlDiagramStage *st = rl_diagram_get_stage (d, (guint) box->stage);
        g_autofree char *summary = stage_summary (st, box->stage);
        g_autofree char *title = g_strdup_printf ("%s %s", st->expanded ? "▾" : "▸", summary);
        g_autofree char *stage_params = format_params (st->n_params);

        show_text (cr, style, title, x, r->y + (st->expanded ? 16 : 17), 0, SMALL_SIZE + 0.5,
                   TRUE, right - x);
        if (!st->expanded)
          {
            g_autofree char *line = g_strdup_printf ("%s · %s", shape, stage_params);

            set_rgba (cr, style->fg, 0.75);
            show_text (cr, style, line, x, r->y + 34, 0, SMALL_SIZE, FALSE, right - x);
            show_text (cr, style, _("click to show its blocks"), x, r->y + 47, 0,
                       SMALL_SIZE - 1, FALSE, right - x);
          }
      }
      break;

    default:
      {
        double name_w;

        /* the name whole, the kind in what room is left; the input's two are words, not a
         * layer's name and operation, and are said in the user's language; a layer without
         * a name says what it does, which is then all there is to say */
        gboolean input = box->role == RL_DIAGRAM_INPUT;
        /* TRANSLATORS: the network diagram's first box, the image going in */
        g_autofree char *title = input ? g_strdup (_("input")) : rl_diagram_box_title (box);
        gboolean named = input || g_strcmp0 (title, box->name) == 0;

        set_rgba (cr, style->fg, 1);
        name_w = show_text (cr, style, title, x, r->y + 15, 0, FONT_SIZE, TRUE, right - x);
        set_rgba (cr, style->fg, 0.75);
        if (named)
          /* TRANSLATORS: what the diagram's input box holds: an image */
          show_text (cr, style, input ? _("image") : box->op, right, r->y + 15, 1, SMALL_SIZE,
                     FALSE, right - x - name_w - 8);
        set_rgba (cr, style->fg, 0.75);
        show_text (cr, style, shape, x, r->y + 31, 0, SMALL_SIZE, FALSE, (right - x) / 2);
        if (box->n_params > 0)
          show_text (cr, style, params, right, r->y + 31, 1, SMALL_SIZE, FALSE, (right - x) / 2);
      }
      break;
    }
}

void
rl_diagram_paint (cairo_t *cr, const RlDiagram *diagram, const RlDiagramStyle *style)
{
  RlDiagramStyle defaults;
  double width, height;

  g_return_if_fail (cr != NULL && diagram != NULL);
  if (style == NULL)
    {
      rl_diagram_style_init (&defaults);
      style = &defaults;
    }

  cairo_save (cr);
  rl_diagram_get_size (diagram, &width, &height);
  if (style->fill_background)
    {
      set_rgba (cr, style->bg, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  draw_blocks (cr, diagram, style);
  draw_column (cr, diagram, style);
  draw_arcs (cr, diagram, style);
  for (guint i = 0; i < rl_diagram_get_n_boxes (diagram); i++)
    draw_box (cr, diagram, i, style);
  cairo_restore (cr);
}

/* ---- files -------------------------------------------------------------------------------- */

static void
paint_cb (cairo_t *cr, double width, double height, gconstpointer data)
{
  rl_diagram_paint (cr, data, NULL);
}

gboolean
rl_diagram_save (const RlDiagram *diagram, const char *path, GError **error)
{
  g_autoptr(GString) titles = g_string_new ("<g id=\"boxes\" fill=\"none\" pointer-events=\"all\">\n");
  double width, height;

  g_return_val_if_fail (diagram != NULL && path != NULL, FALSE);

  /* one invisible rectangle per box, titled with its description: tooltips in a browser, and
   * the names as text for whoever reads the file */
  for (guint i = 0; i < rl_diagram_get_n_boxes (diagram); i++)
    {
      const RlDiagramBox *box = rl_diagram_get_box (diagram, i);
      g_autofree char *text = rl_diagram_describe_box (diagram, i);
      g_autofree char *escaped = g_markup_escape_text (text, -1);
      g_autofree char *name = g_markup_escape_text (box->name, -1);
      char num[4][G_ASCII_DTOSTR_BUF_SIZE];

      /* numbers with a decimal point whatever the locale */
      g_string_append_printf (titles, "<rect class=\"box\" data-name=\"%s\" x=\"%s\" y=\"%s\" "
                              "width=\"%s\" height=\"%s\"><title>%s</title></rect>\n", name,
                              g_ascii_formatd (num[0], sizeof num[0], "%g", box->rect.x),
                              g_ascii_formatd (num[1], sizeof num[1], "%g", box->rect.y),
                              g_ascii_formatd (num[2], sizeof num[2], "%g", box->rect.width),
                              g_ascii_formatd (num[3], sizeof num[3], "%g", box->rect.height),
                              escaped);
    }
  g_string_append (titles, "</g>\n");

  rl_diagram_get_size (diagram, &width, &height);
  return rl_paint_save (path, (int) ceil (width), (int) ceil (height), PNG_SCALE, paint_cb,
                        diagram, titles->str, error);
}
