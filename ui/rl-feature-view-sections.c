#define G_LOG_DOMAIN "reslab-ui"

/* rl-feature-view-sections.c: what the feature view (rl-feature-view.h) shows: the
 * predictor's inference grouped into sections of rows (a layer with what follows it, a
 * residual block, the logits), each row with its colour map, the section of an arch layer,
 * and the values a map has and the range it is drawn with, per map or per layer. Where they
 * go and their drawing: rl-feature-view-layout.c.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-feature-view-private.h"

#include <math.h>

/* ---- sections ----------------------------------------------------------------------------- */

void
_rl_feature_view_section_clear (gpointer data)
{
  Section *section = data;

  g_free (section->title);
  g_free (section->subtitle);
  g_clear_pointer (&section->rows, g_array_unref);
}

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->label);
  g_free (row->detail);
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
void
_rl_feature_view_build_sections (RlFeatureView *self)
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
  add_row (section, INPUT_ROW, C_("row", "image"), RL_COLORMAP_GREY, 1, RL_MNIST_SIDE,
           RL_MNIST_SIDE);

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

gboolean
_rl_feature_view_has_content (RlFeatureView *self)
{
  return self->predictor != NULL && rl_predictor_get_inference (self->predictor) != NULL
         && self->sections->len > 0;
}

/* The section that shows arch layer @layer's maps, or -1. */
int
_rl_feature_view_section_of_layer (RlFeatureView *self,
                                   int            layer)
{
  const RlInference *inf;

  if (layer < 0 || !_rl_feature_view_has_content (self))
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

const float *
_rl_feature_view_row_data (RlFeatureView *self,
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

int
_rl_feature_view_row_channels (RlFeatureView *self,
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
void
_rl_feature_view_map_range (RlFeatureView *self,
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
    rl_colormap_range (_rl_feature_view_row_data (self, row, channel), (size_t) row->h * row->w,
                       &a, &b);
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
          rl_colormap_range (_rl_feature_view_row_data (self, other, 0),
                             (size_t) _rl_feature_view_row_channels (self, other)
                             * other->h * other->w,
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

