#define G_LOG_DOMAIN "reslab-ui"

/* rl-layer-bars.c: see rl-layer-bars.h.
 *
 * Layout of a frame, in pixels:
 *
 *   +------------------------------------------------------------+
 *   | title                                                      |
 *   |           10^hi +------------------------------------------+
 *   | plain-56        |  |  ||  | |||  bars up                   |
 *   |           10^lo +------------------------------------------+  centre line
 *   | resnet-56       |  |  ||  | |||  bars down                 |
 *   |           10^hi +------------------------------------------+
 *   |                  1      10       20  ...   (layer ticks)   |
 *   |                 weight layer, input → output               |
 *   +------------------------------------------------------------+
 *
 * Everything a frame needs is derived in compute_frame() from the size and the data; drawing
 * changes no state. A bar of value v has the length (log10 v - lo) / (hi - lo) of a half.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-layer-bars.h"

#include <math.h>

#include "rl-widget-util.h"

#define PAD        8.0
#define GAP        4.0
#define TICK_LEN   4.0
#define MIN_WIDTH  280
#define MIN_HEIGHT 160
#define NAT_WIDTH  480
#define NAT_HEIGHT 220
#define MAX_DECADES 12      /* the scale never spans more (smaller values get a stub) */

typedef struct {
  char    *name;
  GdkRGBA  color;
  GArray  *values;          /* of double, one per layer; NAN: none */
} Half;

struct _RlLayerBars
{
  RlPlot parent_instance;

  /* owned */
  char     *title;
  char     *quantity;
  char     *placeholder;
  GPtrArray *names;         /* of char*, one per layer (may hold NULL) */
  Half      halves[2];
  gboolean  have_scale;
  int       lo, hi;         /* decades: the centre line is 10^lo, a full half 10^hi */

  /* pointer, in widget coordinates; hover_x < 0: no read-out */
  double    hover_x;
  double    hover_y;
};

G_DEFINE_FINAL_TYPE (RlLayerBars, rl_layer_bars, RL_TYPE_PLOT)

typedef struct {
  double px, py, pw, ph;    /* the plot area */
  double mid;               /* y of the centre line */
  double name_x;            /* where the halves' names start */
  double th;                /* a line of text */
} Frame;

/* ---- numbers ------------------------------------------------------------------------------ */

static gboolean
usable (double v)
{
  return isfinite (v) && v > 0.0;
}

/* "10⁻³": a decade with a superscript exponent; 10^0 is "1" and 10^1 "10". */
static char *
format_decade (int e)
{
  static const char *const sup[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  g_autofree char *digits = g_strdup_printf ("%d", ABS (e));
  GString *s;

  if (e == 0)
    return g_strdup ("1");
  if (e == 1)
    return g_strdup ("10");
  s = g_string_new ("10");
  if (e < 0)
    g_string_append (s, "⁻");
  for (const char *d = digits; *d != '\0'; d++)
    g_string_append (s, sup[*d - '0']);
  return g_string_free (s, FALSE);
}

/* 0.42, 3.1×10⁻⁵ */
static char *
format_value (double v)
{
  int e;
  g_autofree char *decade = NULL;

  if (!usable (v))
    return g_strdup ("—");
  if (v >= 0.01 && v < 1000.0)
    return g_strdup_printf ("%.2g", v);
  e = (int) floor (log10 (v));
  decade = format_decade (e);
  return g_strdup_printf ("%.1f×%s", v / pow (10.0, e), decade);
}

static void
widen_scale (RlLayerBars *self,
             const double *values,
             guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      int lo, hi;

      if (!usable (values[i]))
        continue;
      lo = (int) floor (log10 (values[i]));
      hi = (int) ceil (log10 (values[i]));
      if (hi == lo)
        hi = lo + 1;
      if (!self->have_scale)
        {
          self->lo = lo;
          self->hi = hi;
          self->have_scale = TRUE;
        }
      else
        {
          self->lo = MIN (self->lo, lo);
          self->hi = MAX (self->hi, hi);
        }
    }
  if (self->have_scale)
    self->lo = MAX (self->lo, self->hi - MAX_DECADES);
}

/* ---- frame -------------------------------------------------------------------------------- */

static void
text_size (PangoLayout *layout,
           const char  *text,
           double      *w,
           double      *h)
{
  int iw, ih;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &iw, &ih);
  *w = iw;
  *h = ih;
}

static gboolean
have_values (RlLayerBars *self)
{
  return self->names->len > 0 && self->have_scale;
}

static void
compute_frame (RlLayerBars *self,
               PangoLayout *layout,
               int          width,
               int          height,
               Frame       *f)
{
  double w, h, names_w = 0.0, ticks_w = 0.0, top;

  text_size (layout, "10⁻¹⁰", &ticks_w, &f->th);
  for (int i = 0; i < 2; i++)
    if (self->halves[i].name != NULL)
      {
        text_size (layout, self->halves[i].name, &w, &h);
        names_w = MAX (names_w, w);
      }

  top = PAD;
  if (self->title != NULL)
    top += f->th + GAP;
  top += f->th / 2.0;        /* room for the top tick label */

  f->name_x = PAD;
  f->px = PAD + (names_w > 0.0 ? names_w + 10.0 : 0.0) + ticks_w + GAP + TICK_LEN;
  f->py = top;
  f->pw = MAX (1.0, width - PAD - f->px);
  /* below: half a tick label, the layer ticks, the axis label */
  f->ph = MAX (2.0, height - top - f->th / 2.0 - GAP - 2.0 * f->th - GAP - PAD);
  f->mid = f->py + f->ph / 2.0;
}

static double
slot_width (RlLayerBars *self,
            const Frame *f)
{
  return f->pw / MAX (self->names->len, 1);
}

/* The y of value @v's bar end in @half (the centre line for values at or below 10^lo). */
static double
bar_end (RlLayerBars     *self,
         const Frame     *f,
         RlLayerBarsHalf  half,
         double           v)
{
  double t = (log10 (v) - self->lo) / (self->hi - self->lo);
  double len = CLAMP (t, 0.0, 1.0) * (f->ph / 2.0);

  len = MAX (len, 1.5);      /* a stub: the layer has a value, however small */
  return half == RL_LAYER_BARS_TOP ? f->mid - len : f->mid + len;
}

static double
decade_y (RlLayerBars     *self,
          const Frame     *f,
          RlLayerBarsHalf  half,
          int              e)
{
  double len = (double) (e - self->lo) / (self->hi - self->lo) * (f->ph / 2.0);

  return half == RL_LAYER_BARS_TOP ? f->mid - len : f->mid + len;
}

/* ---- drawing ------------------------------------------------------------------------------ */

typedef struct {
  cairo_t     *cr;
  PangoLayout *layout;
  GdkRGBA      fg;
} Painter;

static void
set_fg (Painter *p,
        double   alpha)
{
  cairo_set_source_rgba (p->cr, p->fg.red, p->fg.green, p->fg.blue, p->fg.alpha * alpha);
}

static void
draw_text (Painter    *p,
           const char *text,
           double      x,
           double      y)
{
  pango_layout_set_text (p->layout, text, -1);
  cairo_move_to (p->cr, round (x), round (y));
  pango_cairo_show_layout (p->cr, p->layout);
}

/* Draws @text as draw_text () does, cut with "…" when it is wider than @max_w: a narrow window
 * shortens the title and the axis label instead of cutting them off at the edge. */
static void
draw_text_fitted (Painter    *p,
                  const char *text,
                  double      x,
                  double      y,
                  double      max_w)
{
  pango_layout_set_width (p->layout, max_w > 0.0 ? (int) (max_w * PANGO_SCALE) : -1);
  pango_layout_set_ellipsize (p->layout, PANGO_ELLIPSIZE_END);
  draw_text (p, text, x, y);
  pango_layout_set_ellipsize (p->layout, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_width (p->layout, -1);
}

static void
draw_axes (RlLayerBars *self,
           Painter     *p,
           const Frame *f)
{
  cairo_t *cr = p->cr;
  int span = self->hi - self->lo;
  double per_decade = (f->ph / 2.0) / span;
  int every = 1;
  int n = (int) self->names->len;
  int xstep;
  double w, h;

  /* decades: a faint line for each, a label wherever there is room */
  while (every * per_decade < f->th + 2.0 && every < span)
    every = every < 2 ? 2 : every < 5 ? 5 : every * 2;

  cairo_set_line_width (cr, 1.0);
  for (int e = self->lo; e <= self->hi; e++)
    for (int half = 0; half < 2; half++)
      {
        double y = round (decade_y (self, f, half, e)) + 0.5;
        g_autofree char *label = NULL;

        if (e == self->lo && half == RL_LAYER_BARS_BOTTOM)
          continue;     /* the centre line, once */
        set_fg (p, e == self->lo ? 0.45 : 0.10);
        cairo_move_to (cr, f->px, y);
        cairo_line_to (cr, f->px + f->pw, y);
        cairo_stroke (cr);

        if ((e - self->lo) % every != 0)
          continue;
        label = format_decade (e);
        text_size (p->layout, label, &w, &h);
        set_fg (p, 0.7);
        draw_text (p, label, f->px - TICK_LEN - GAP - w, y - h / 2.0);
        set_fg (p, 0.45);
        cairo_move_to (cr, f->px - TICK_LEN, y);
        cairo_line_to (cr, f->px, y);
        cairo_stroke (cr);
      }

  /* the halves' names, in their colours, beside the middle of each half */
  for (int half = 0; half < 2; half++)
    {
      const Half *hf = &self->halves[half];
      double y = half == RL_LAYER_BARS_TOP ? f->mid - f->ph / 4.0 : f->mid + f->ph / 4.0;

      if (hf->name == NULL)
        continue;
      text_size (p->layout, hf->name, &w, &h);
      gdk_cairo_set_source_rgba (cr, &hf->color);
      draw_text (p, hf->name, f->name_x, y - h / 2.0);
    }

  /* layers: 1, then every 5 or 10 that fits */
  xstep = 1;
  while (xstep * slot_width (self, f) < 28.0)
    xstep = xstep == 1 ? 5 : xstep * 2;
  for (int i = 0; i < n; i++)
    {
      g_autofree char *label = NULL;
      double cx;

      if (i != 0 && (i + 1) % xstep != 0)
        continue;
      cx = f->px + (i + 0.5) * slot_width (self, f);
      label = g_strdup_printf ("%d", i + 1);
      text_size (p->layout, label, &w, &h);
      set_fg (p, 0.7);
      draw_text (p, label, cx - w / 2.0, f->py + f->ph + f->th / 2.0 + GAP);
    }
  {
    const char *axis = _("weight layer, from the input (left) to the output (right)");

    double x, width = gtk_widget_get_width (GTK_WIDGET (self));

    text_size (p->layout, axis, &w, &h);
    /* centred under the bars; wider than they are, moved left as far as it must to end at
     * the widget's edge (at 800 px it ran past the edge and lost "(right)") */
    x = MAX (PAD, MIN (f->px + (f->pw - w) / 2.0, width - PAD - w));
    set_fg (p, 0.8);
    draw_text_fitted (p, axis, x, f->py + f->ph + f->th / 2.0 + GAP + f->th, width - PAD - x);
  }
}

static void
draw_bars (RlLayerBars *self,
           Painter     *p,
           const Frame *f)
{
  cairo_t *cr = p->cr;
  double slot = slot_width (self, f);
  double bw = MAX (1.0, slot > 4.0 ? slot * 0.7 : slot);

  for (int half = 0; half < 2; half++)
    {
      const Half *hf = &self->halves[half];

      cairo_set_source_rgba (cr, hf->color.red, hf->color.green, hf->color.blue,
                             half == RL_LAYER_BARS_TOP ? 0.6 : 0.95);
      for (guint i = 0; i < hf->values->len && i < self->names->len; i++)
        {
          double v = g_array_index (hf->values, double, i);
          double x, y;

          if (!usable (v))
            continue;
          x = f->px + i * slot + (slot - bw) / 2.0;
          y = bar_end (self, f, half, v);
          cairo_rectangle (cr, x, MIN (y, f->mid), bw, fabs (y - f->mid));
        }
      cairo_fill (cr);
    }
}

static void
draw_hover (RlLayerBars *self,
            Painter     *p,
            const Frame *f,
            int          width)
{
  cairo_t *cr = p->cr;
  int i = rl_layer_bars_layer_at (self, width, self->hover_x);
  g_autofree char *title = NULL;
  g_auto (GStrv) values = g_new0 (char *, 3);
  RlPlotReadoutLine lines[3];
  double slot = slot_width (self, f);
  double box_w, line_h, box_h, bx, by;
  const char *name;

  if (i < 0 || self->hover_y < f->py || self->hover_y > f->py + f->ph)
    return;

  /* the column */
  set_fg (p, 0.08);
  cairo_rectangle (cr, f->px + i * slot, f->py, slot, f->ph);
  cairo_fill (cr);

  name = g_ptr_array_index (self->names, i);
  title = name != NULL ? g_strdup_printf (_("layer %d · %s"), i + 1, name)
                       : g_strdup_printf (_("layer %d"), i + 1);
  lines[0] = (RlPlotReadoutLine) { title, NULL };
  for (int half = 0; half < 2; half++)
    {
      const Half *hf = &self->halves[half];
      double v = (guint) i < hf->values->len ? g_array_index (hf->values, double, i) : NAN;
      g_autofree char *value = format_value (v);

      values[half] = g_strdup_printf ("%s: %s", hf->name != NULL ? hf->name : "", value);
      lines[half + 1] = (RlPlotReadoutLine) { values[half], &hf->color };
    }

  rl_plot_readout_measure (p->layout, lines, G_N_ELEMENTS (lines), &box_w, &box_h, &line_h);
  bx = self->hover_x + 12.0;
  if (bx + box_w > f->px + f->pw)
    bx = self->hover_x - 12.0 - box_w;
  bx = MAX (bx, 0.0);
  by = CLAMP (self->hover_y - box_h / 2.0, 0.0, MAX (0.0, f->py + f->ph - box_h));
  rl_plot_readout_draw (cr, p->layout, &p->fg, lines, G_N_ELEMENTS (lines), bx, by, box_w, box_h,
                        line_h);
}

void
rl_layer_bars_draw (RlLayerBars *self,
                    cairo_t     *cr,
                    int          width,
                    int          height)
{
  Painter p = { cr, NULL, { 0 } };
  Frame f;

  g_return_if_fail (RL_IS_LAYER_BARS (self));
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;

  rl_widget_get_color (GTK_WIDGET (self), &p.fg);
  p.layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  compute_frame (self, p.layout, width, height, &f);

  if (self->title != NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (p.layout, attrs);
      set_fg (&p, 1.0);
      draw_text_fitted (&p, self->title, PAD, PAD, width - 2 * PAD);
      pango_layout_set_attributes (p.layout, NULL);
      pango_attr_list_unref (attrs);
    }

  if (!have_values (self))
    {
      if (self->placeholder != NULL)
        {
          double w, h;

          pango_layout_set_width (p.layout, (int) ((width - 2 * PAD) * PANGO_SCALE));
          pango_layout_set_alignment (p.layout, PANGO_ALIGN_CENTER);
          pango_layout_set_wrap (p.layout, PANGO_WRAP_WORD);
          text_size (p.layout, self->placeholder, &w, &h);
          set_fg (&p, 0.55);
          draw_text (&p, self->placeholder, PAD, (height - h) / 2.0);
        }
      g_object_unref (p.layout);
      return;
    }

  draw_axes (self, &p, &f);
  draw_bars (self, &p, &f);
  draw_hover (self, &p, &f, width);

  g_object_unref (p.layout);
}

/* ---- accessibility ------------------------------------------------------------------------ */

/* "plain-56: 3.1×10⁻³ at layer 1, 0.19 at layer 56. resnet-56: …" */
static void
update_description (RlLayerBars *self)
{
  GString *desc = g_string_new (NULL);

  g_string_append_printf (desc, _("Bars of the %s of each weight layer on a logarithmic scale"),
                          self->quantity != NULL ? self->quantity : _("value"));
  for (int half = 0; half < 2; half++)
    {
      const Half *hf = &self->halves[half];
      int first = -1, last = -1;

      for (guint i = 0; i < hf->values->len; i++)
        if (usable (g_array_index (hf->values, double, i)))
          {
            if (first < 0)
              first = (int) i;
            last = (int) i;
          }
      if (first >= 0 && hf->name != NULL)
        {
          g_autofree char *a = format_value (g_array_index (hf->values, double, first));
          g_autofree char *b = format_value (g_array_index (hf->values, double, last));

          g_string_append_printf (desc, _(". %s: %s at layer %d, %s at layer %d"), hf->name, a,
                                  first + 1, b, last + 1);
        }
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  desc->str, -1);
  g_string_free (desc, TRUE);
}

/* ---- widget ------------------------------------------------------------------------------- */

static void
plot_draw (RlPlot  *plot,
           cairo_t *cr,
           int      width,
           int      height)
{
  rl_layer_bars_draw (RL_LAYER_BARS (plot), cr, width, height);
}

static void
plot_set_hover (RlPlot *plot,
                double  x,
                double  y)
{
  rl_layer_bars_set_hover (RL_LAYER_BARS (plot), x, y);
}

static void
rl_layer_bars_finalize (GObject *object)
{
  RlLayerBars *self = RL_LAYER_BARS (object);

  g_free (self->title);
  g_free (self->quantity);
  g_free (self->placeholder);
  g_ptr_array_unref (self->names);
  for (int i = 0; i < 2; i++)
    {
      g_free (self->halves[i].name);
      g_array_unref (self->halves[i].values);
    }

  G_OBJECT_CLASS (rl_layer_bars_parent_class)->finalize (object);
}

static void
rl_layer_bars_class_init (RlLayerBarsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  RlPlotClass *plot_class = RL_PLOT_CLASS (klass);

  object_class->finalize = rl_layer_bars_finalize;
  plot_class->draw = plot_draw;
  plot_class->set_hover = plot_set_hover;
  plot_class->size = (RlPlotSize) { MIN_WIDTH, NAT_WIDTH, MIN_HEIGHT, NAT_HEIGHT };

  gtk_widget_class_set_css_name (widget_class, "rllayerbars");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rl_layer_bars_init (RlLayerBars *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < 2; i++)
    {
      self->halves[i].values = g_array_new (FALSE, FALSE, sizeof (double));
      self->halves[i].color = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.0f };
    }
  self->hover_x = -1.0;
  self->hover_y = -1.0;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Layer bars"), -1);
  update_description (self);
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
rl_layer_bars_new (void)
{
  return g_object_new (RL_TYPE_LAYER_BARS, NULL);
}

void
rl_layer_bars_set_title (RlLayerBars *self,
                         const char  *title)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));

  rl_set_str (&self->title, title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_layer_bars_set_quantity (RlLayerBars *self,
                            const char  *quantity)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));

  rl_set_str (&self->quantity, quantity);
  update_description (self);
}

void
rl_layer_bars_set_placeholder (RlLayerBars *self,
                               const char  *text)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));

  rl_set_str (&self->placeholder, text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_layer_bars_set_layers (RlLayerBars        *self,
                          guint               n_layers,
                          const char * const *names)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));

  g_ptr_array_set_size (self->names, 0);
  for (guint i = 0; i < n_layers; i++)
    g_ptr_array_add (self->names, g_strdup (names != NULL ? names[i] : NULL));
  rl_layer_bars_clear (self);
}

guint
rl_layer_bars_get_n_layers (RlLayerBars *self)
{
  g_return_val_if_fail (RL_IS_LAYER_BARS (self), 0);

  return self->names->len;
}

void
rl_layer_bars_set_half (RlLayerBars     *self,
                        RlLayerBarsHalf  half,
                        const char      *name,
                        const GdkRGBA   *color)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));
  g_return_if_fail (half == RL_LAYER_BARS_TOP || half == RL_LAYER_BARS_BOTTOM);

  rl_set_str (&self->halves[half].name, name);
  if (color != NULL)
    self->halves[half].color = *color;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_layer_bars_set_values (RlLayerBars     *self,
                          RlLayerBarsHalf  half,
                          const double    *values,
                          guint            n)
{
  GArray *dst;

  g_return_if_fail (RL_IS_LAYER_BARS (self));
  g_return_if_fail (half == RL_LAYER_BARS_TOP || half == RL_LAYER_BARS_BOTTOM);
  g_return_if_fail (values != NULL || n == 0);
  g_return_if_fail (n <= self->names->len);

  dst = self->halves[half].values;
  g_array_set_size (dst, 0);
  g_array_append_vals (dst, values, n);
  widen_scale (self, values, n);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
rl_layer_bars_get_value (RlLayerBars     *self,
                         RlLayerBarsHalf  half,
                         guint            layer,
                         double          *value)
{
  GArray *values;

  g_return_val_if_fail (RL_IS_LAYER_BARS (self), FALSE);
  g_return_val_if_fail (half == RL_LAYER_BARS_TOP || half == RL_LAYER_BARS_BOTTOM, FALSE);

  values = self->halves[half].values;
  if (layer >= values->len || !usable (g_array_index (values, double, layer)))
    return FALSE;
  if (value != NULL)
    *value = g_array_index (values, double, layer);
  return TRUE;
}

gboolean
rl_layer_bars_get_scale (RlLayerBars *self,
                         int         *lo,
                         int         *hi)
{
  g_return_val_if_fail (RL_IS_LAYER_BARS (self), FALSE);

  if (!self->have_scale)
    return FALSE;
  if (lo != NULL)
    *lo = self->lo;
  if (hi != NULL)
    *hi = self->hi;
  return TRUE;
}

void
rl_layer_bars_clear (RlLayerBars *self)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));

  for (int i = 0; i < 2; i++)
    g_array_set_size (self->halves[i].values, 0);
  self->have_scale = FALSE;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_layer_bars_set_hover (RlLayerBars *self,
                         double       x,
                         double       y)
{
  g_return_if_fail (RL_IS_LAYER_BARS (self));

  if (self->hover_x == x && self->hover_y == y)
    return;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
rl_layer_bars_layer_at (RlLayerBars *self,
                        int          width,
                        double       x)
{
  PangoLayout *layout;
  Frame f;
  int i;

  g_return_val_if_fail (RL_IS_LAYER_BARS (self), -1);

  if (x < 0 || !have_values (self))
    return -1;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  compute_frame (self, layout, width, MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1), &f);
  g_object_unref (layout);
  if (x < f.px || x >= f.px + f.pw)
    return -1;
  i = (int) ((x - f.px) / slot_width (self, &f));
  return i < (int) self->names->len ? i : -1;
}
