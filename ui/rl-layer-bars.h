/* rl-layer-bars.h: one bar per weight layer for two nets at once, mirrored on a log scale.
 *
 * Made for the plain and residual twins of the Experiment view: x is the weight layer from
 * the input (left) to the output (right); the top half's bars (the plain net) grow up from the
 * centre line, the bottom half's (the residual net) grow down, both on the same logarithmic
 * scale, so a signal that fades towards the input shows as bars shrinking to the left, by
 * orders of magnitude. The scale covers whole decades and only widens until
 * rl_layer_bars_clear(), so bars can be compared from one update to the next. Hovering a
 * column shows the layer's name and both values.
 */
#pragma once

#include "rl-plot.h"

G_BEGIN_DECLS

typedef enum {
  RL_LAYER_BARS_TOP,      /* bars up from the centre line */
  RL_LAYER_BARS_BOTTOM,   /* bars down */
} RlLayerBarsHalf;

#define RL_TYPE_LAYER_BARS (rl_layer_bars_get_type ())
G_DECLARE_FINAL_TYPE (RlLayerBars, rl_layer_bars, RL, LAYER_BARS, RlPlot)

/* Returns: (transfer floating) */
GtkWidget  *rl_layer_bars_new        (void);

void        rl_layer_bars_set_title  (RlLayerBars *self,
                                      const char  *title);
/* What the values are, for the read-out and the accessible description ("gradient norm"). */
void        rl_layer_bars_set_quantity (RlLayerBars *self,
                                        const char  *quantity);
/* Shown when there is nothing to draw. */
void        rl_layer_bars_set_placeholder (RlLayerBars *self,
                                           const char  *text);

/* Sets the layers (their number and, nullable, a name for each) and clears every value and
 * the scale. */
void        rl_layer_bars_set_layers (RlLayerBars        *self,
                                      guint               n_layers,
                                      const char * const *names);
guint       rl_layer_bars_get_n_layers (RlLayerBars *self);
/* Names the halves ("plain-56", "resnet-56") and gives their bars a colour. */
void        rl_layer_bars_set_half   (RlLayerBars     *self,
                                      RlLayerBarsHalf  half,
                                      const char      *name,
                                      const GdkRGBA   *color);
/* Replaces a half's values: values[i] for layer i, i < n (<= the number of layers). A value
 * that is not finite and positive (NAN for "no value") draws no bar. */
void        rl_layer_bars_set_values (RlLayerBars     *self,
                                      RlLayerBarsHalf  half,
                                      const double    *values,
                                      guint            n);
/* Returns FALSE when the half has no value for that layer. */
gboolean    rl_layer_bars_get_value  (RlLayerBars     *self,
                                      RlLayerBarsHalf  half,
                                      guint            layer,
                                      double          *value);
/* The scale: bars start at 10^lo (the centre line) and reach 10^hi. FALSE before any value. */
gboolean    rl_layer_bars_get_scale  (RlLayerBars *self,
                                      int         *lo,
                                      int         *hi);
/* Removes the values of both halves and resets the scale; the layers stay. */
void        rl_layer_bars_clear      (RlLayerBars *self);

/* Draws into @cr at @width x @height, as the widget does. For tests and for export. */
void        rl_layer_bars_draw       (RlLayerBars *self,
                                      cairo_t     *cr,
                                      int          width,
                                      int          height);
/* Test hook for the hover read-out: as if the pointer were at (@x, @y) in widget coordinates;
 * a negative @x hides it. */
void        rl_layer_bars_set_hover  (RlLayerBars *self,
                                      double       x,
                                      double       y);
/* The layer under widget x @x, or -1. */
int         rl_layer_bars_layer_at   (RlLayerBars *self,
                                      int          width,
                                      double       x);

G_END_DECLS
