#define G_LOG_DOMAIN "reslab-engine"

/* rl-diagram.c: the network's drawing as a description (see rl-diagram.h): boxes, arcs,
 * block frames and stages laid out top to bottom for any arch; the painter draws it.
 */

#include "rl-diagram.h"

#include <string.h>

/* Geometry, in pixels at scale 1. The column of boxes on the left, the shortcuts' arcs on its
 * right. */
#define MARGIN      16.0
#define FRAME_PAD   10.0    /* a block's frame around its boxes (left, right, bottom) */
#define FRAME_TITLE 22.0    /* the block's name above its first box */
#define BOX_X       (MARGIN + FRAME_PAD)
#define BOX_W       240.0
#define BOX_H       38.0
#define ADD_H       30.0
#define STAGE_H     52.0
#define HEADER_H    24.0
#define GAP         16.0    /* between boxes (the arrow) */
#define ARC_DX      42.0    /* the arc's run, right of the boxes (clear of a projection box) */
#define PROJ_W      64.0
#define PROJ_H      36.0

struct _RlDiagram {
  const RlArch   *arch;        /* arch_copy: the diagram outlives the model */
  RlArch         *arch_copy;
  GArray         *boxes;       /* of RlDiagramBox */
  GArray         *arcs;        /* of RlDiagramArc */
  GArray         *blocks;      /* of RlDiagramBlock */
  GArray         *stages;      /* of RlDiagramStage */
  int            *layer_stage; /* per arch layer: its stage, or -1 */
  int           (*shapes)[3];  /* per arch layer: (C, H, W) out */
  int             in_c, in_h, in_w;
  GPtrArray      *tensor_names; /* the model's tensors, with their numel in tensor_sizes */
  GArray         *tensor_sizes;
  double          width, height;
};

static char *
layer_name (const RlArch *arch, int i)
{
  const RlLayerSpec *s = &arch->layers[i];

  return s->name[0] != '\0' ? g_strdup (s->name)
                            : g_strdup_printf ("%s%d", rl_layer_kind_name (s->kind), i + 1);
}

static RlDiagramBox *
add_box (RlDiagram *d, RlDiagramRole role, RlLayerKind kind, int layer, int stage,
         const char *name, const char *op, const int shape[3], double *y, double height)
{
  RlDiagramBox box = { 0, };

  box.role = role;
  box.kind = kind;
  box.layer = layer;
  box.stage = stage;
  g_strlcpy (box.name, name, sizeof box.name);
  g_strlcpy (box.op, op, sizeof box.op);
  box.c = shape[0];
  box.h = shape[1];
  box.w = shape[2];
  box.rect.x = BOX_X;
  box.rect.y = *y;
  box.rect.width = BOX_W;
  box.rect.height = height;
  *y += height + GAP;
  g_array_append_val (d->boxes, box);
  return &g_array_index (d->boxes, RlDiagramBox, d->boxes->len - 1);
}

static void
layer_op (const RlLayerSpec *s, char *op, gsize size)
{
  switch (s->kind)
    {
    case RL_LAYER_CONV:
      if (s->stride > 1)
        g_snprintf (op, size, "conv %d×%d /%d", s->kernel, s->kernel, s->stride);
      else
        g_snprintf (op, size, "conv %d×%d", s->kernel, s->kernel);
      break;
    case RL_LAYER_MAXPOOL:
      g_snprintf (op, size, "maxpool %d×%d", s->kernel, s->kernel);
      break;
    default:
      g_strlcpy (op, rl_layer_kind_name (s->kind), size);
      break;
    }
}

/* The boxes of one residual block, its frame and its arc. *y is where the frame starts. */
static void
add_block (RlDiagram *d, int i, int stage, double *y)
{
  const RlLayerSpec *s = &d->arch->layers[i];
  int from = (int) d->boxes->len - 1;
  RlDiagramBlock block = { 0, };
  g_autofree char *n1 = g_strconcat (s->name, ".conv1", NULL);
  g_autofree char *n2 = g_strconcat (s->name, ".conv2", NULL);
  g_autofree char *na = g_strconcat (s->name, ".add", NULL);
  g_autofree char *np = g_strconcat (s->name, ".shortcut", NULL);
  char op[48];
  double top = *y;
  RlDiagramBox *add;

  /* the block's input: the last box of the column (not a stage's header, not a projection) */
  while (from > 0 && (g_array_index (d->boxes, RlDiagramBox, from).role == RL_DIAGRAM_STAGE_HEADER
                      || g_array_index (d->boxes, RlDiagramBox, from).role == RL_DIAGRAM_PROJECTION))
    from--;
  block.layer = i;
  block.stage = stage;
  g_strlcpy (block.name, s->name, sizeof block.name);
  block.shortcut = s->shortcut;
  block.bn = s->bn;

  *y += FRAME_TITLE;
  if (s->stride > 1)
    g_snprintf (op, sizeof op, "conv 3×3 /%d%s · relu", s->stride, s->bn ? " · bn" : "");
  else
    g_snprintf (op, sizeof op, "conv 3×3%s · relu", s->bn ? " · bn" : "");
  add_box (d, RL_DIAGRAM_BLOCK_CONV1, RL_LAYER_RESIDUAL, i, stage, n1, op, d->shapes[i], y,
           BOX_H);
  add_box (d, RL_DIAGRAM_BLOCK_CONV2, RL_LAYER_RESIDUAL, i, stage, n2,
           s->bn ? "conv 3×3 · bn" : "conv 3×3", d->shapes[i], y, BOX_H);
  add = add_box (d, RL_DIAGRAM_ADD, RL_LAYER_RESIDUAL, i, stage, na,
                 s->shortcut == RL_SHORTCUT_NONE ? "relu" : "+ · relu", d->shapes[i], y, ADD_H);
  block.rect.x = MARGIN;
  block.rect.y = top;
  block.rect.width = BOX_W + 2 * FRAME_PAD;
  block.rect.height = add->rect.y + add->rect.height + FRAME_PAD - top;
  *y = block.rect.y + block.rect.height + GAP;

  if (s->shortcut != RL_SHORTCUT_NONE)
    {
      RlDiagramArc arc = { 0, };

      arc.layer = i;
      arc.shortcut = s->shortcut;
      arc.from = from;
      arc.to = (int) d->boxes->len - 1;
      arc.projection = -1;
      arc.x = BOX_X + BOX_W + ARC_DX;
      arc.y0 = top - GAP / 2;     /* above the frame, where the column enters the block */
      arc.y1 = add->rect.y + add->rect.height / 2;
      if (s->shortcut == RL_SHORTCUT_B)
        {
          double mid = (arc.y0 + arc.y1) / 2;
          RlDiagramBox *proj;
          double py = mid - PROJ_H / 2;

          g_snprintf (op, sizeof op, s->bn ? "1×1 /%d · bn" : "1×1 /%d", s->stride);
          proj = add_box (d, RL_DIAGRAM_PROJECTION, RL_LAYER_RESIDUAL, i, stage, np, op,
                          d->shapes[i], &py, PROJ_H);
          proj->rect.x = arc.x - PROJ_W / 2;
          proj->rect.width = PROJ_W;
          arc.projection = (int) d->boxes->len - 1;
        }
      g_array_append_val (d->arcs, arc);
    }
  g_array_append_val (d->blocks, block);
}

static void
layout (RlDiagram *d)
{
  const RlArch *arch = d->arch;
  const int in_shape[3] = { d->in_c, d->in_h, d->in_w };
  double y = MARGIN;

  g_array_set_size (d->boxes, 0);
  g_array_set_size (d->arcs, 0);
  g_array_set_size (d->blocks, 0);

  add_box (d, RL_DIAGRAM_INPUT, RL_LAYER_CONV, -1, -1, "input", "image", in_shape, &y, BOX_H);

  for (int i = 0; i < arch->n_layers; i++)
    {
      const RlLayerSpec *s = &arch->layers[i];
      int stage = d->layer_stage[i];

      if (stage >= 0)
        {
          const RlDiagramStage *st = &g_array_index (d->stages, RlDiagramStage, stage);
          g_autofree char *name = g_strdup_printf ("stage %d", stage + 1);

          if (i == st->first_layer)
            add_box (d, st->expanded ? RL_DIAGRAM_STAGE_HEADER : RL_DIAGRAM_STAGE,
                     RL_LAYER_RESIDUAL, i, stage, name, "", d->shapes[i + st->n_blocks - 1], &y,
                     st->expanded ? HEADER_H : STAGE_H);
          if (st->expanded)
            add_block (d, i, stage, &y);
        }
      else if (s->kind == RL_LAYER_RESIDUAL)
        add_block (d, i, -1, &y);
      else
        {
          g_autofree char *name = layer_name (arch, i);
          char op[48];

          RlDiagramBox *box;

          layer_op (s, op, sizeof op);
          box = add_box (d, RL_DIAGRAM_LAYER, s->kind, i, -1, name, op, d->shapes[i], &y, BOX_H);
          box->unnamed = s->name[0] == '\0';
          box->kernel = s->kind == RL_LAYER_MAXPOOL ? s->kernel : 0;
        }
    }

  d->width = BOX_X + BOX_W + ARC_DX + PROJ_W / 2 + MARGIN;
  d->height = y - GAP + MARGIN;
}

/* ---- parameters --------------------------------------------------------------------------- */

/* The box that owns tensor @name: the longest prefix of it (cut at dots) that names a box,
 * or, for a collapsed stage's blocks, the block's layer name. */
static int
owner_box (GHashTable *by_name, const char *name)
{
  g_autofree char *prefix = g_strdup (name);
  char *dot;

  while ((dot = strrchr (prefix, '.')) != NULL)
    {
      gpointer value;

      *dot = '\0';
      if (g_hash_table_lookup_extended (by_name, prefix, NULL, &value))
        return GPOINTER_TO_INT (value);
    }
  return -1;
}

static void
count_params (RlDiagram *d)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_layer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* the block parts own "P.conv1", "P.bn1" ...; layers their name; a collapsed stage every
   * tensor of its blocks */
  for (guint b = 0; b < d->boxes->len; b++)
    {
      RlDiagramBox *box = &g_array_index (d->boxes, RlDiagramBox, b);

      box->n_params = 0;
      switch (box->role)
        {
        case RL_DIAGRAM_LAYER:
        case RL_DIAGRAM_PROJECTION:
        case RL_DIAGRAM_BLOCK_CONV1:
        case RL_DIAGRAM_BLOCK_CONV2:
          g_hash_table_insert (by_name, box->name, GINT_TO_POINTER (b));
          break;
        default:
          break;
        }
      if (box->role == RL_DIAGRAM_BLOCK_CONV1 || box->role == RL_DIAGRAM_BLOCK_CONV2)
        g_hash_table_insert (by_layer,
                             g_strdup_printf ("%s.bn%c", d->arch->layers[box->layer].name,
                                              box->role == RL_DIAGRAM_BLOCK_CONV1 ? '1' : '2'),
                             GINT_TO_POINTER (b));
      if (box->role == RL_DIAGRAM_STAGE)
        {
          const RlDiagramStage *st = &g_array_index (d->stages, RlDiagramStage, box->stage);

          for (int k = 0; k < st->n_blocks; k++)
            g_hash_table_insert (by_layer, g_strdup (d->arch->layers[st->first_layer + k].name),
                                 GINT_TO_POINTER (b));
        }
    }
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, by_layer);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (by_name, key, value);
  }

  for (guint t = 0; t < d->tensor_names->len; t++)
    {
      const char *name = g_ptr_array_index (d->tensor_names, t);
      int b = owner_box (by_name, name);

      if (b >= 0)
        g_array_index (d->boxes, RlDiagramBox, b).n_params += g_array_index (d->tensor_sizes,
                                                                             gsize, t);
      else
        g_warning ("diagram: tensor %s belongs to no box", name);
    }
}

/* ---- building ----------------------------------------------------------------------------- */

static gboolean
block_changes_shape (const RlDiagram *d, int i)
{
  const RlLayerSpec *s = &d->arch->layers[i];
  int ci = i > 0 ? d->shapes[i - 1][0] : d->in_c;

  return s->stride > 1 || ci != s->channels;
}

static void
find_stages (RlDiagram *d)
{
  const RlArch *arch = d->arch;
  int i = 0;

  for (int k = 0; k < arch->n_layers; k++)
    d->layer_stage[k] = -1;

  while (i < arch->n_layers)
    {
      int j = i + 1;

      if (arch->layers[i].kind != RL_LAYER_RESIDUAL)
        {
          i++;
          continue;
        }
      while (j < arch->n_layers && arch->layers[j].kind == RL_LAYER_RESIDUAL
             && !block_changes_shape (d, j))
        j++;
      if (j - i >= 2)
        {
          RlDiagramStage st = { 0, };
          int s = (int) d->stages->len;

          st.first_layer = i;
          st.n_blocks = j - i;
          st.c_in = i > 0 ? d->shapes[i - 1][0] : d->in_c;
          st.c_out = d->shapes[j - 1][0];
          st.h = d->shapes[j - 1][1];
          st.w = d->shapes[j - 1][2];
          st.expanded = st.n_blocks <= RL_DIAGRAM_AUTO_EXPAND;
          for (int k = i; k < j; k++)
            {
              g_autofree char *prefix = g_strconcat (arch->layers[k].name, ".", NULL);

              d->layer_stage[k] = s;
              for (guint t = 0; t < d->tensor_names->len; t++)
                if (g_str_has_prefix (g_ptr_array_index (d->tensor_names, t), prefix))
                  st.n_params += g_array_index (d->tensor_sizes, gsize, t);
            }
          g_array_append_val (d->stages, st);
        }
      i = j;
    }
}

RlDiagram *
rl_diagram_new (const RlModel *model)
{
  RlDiagram *d;
  const RlArch *arch;

  g_return_val_if_fail (model != NULL, NULL);

  d = g_new0 (RlDiagram, 1);
  d->arch_copy = rl_arch_copy (rl_model_get_arch (model));
  d->arch = arch = d->arch_copy;
  rl_model_get_input_shape (model, &d->in_c, &d->in_h, &d->in_w);
  d->boxes = g_array_new (FALSE, TRUE, sizeof (RlDiagramBox));
  d->arcs = g_array_new (FALSE, TRUE, sizeof (RlDiagramArc));
  d->blocks = g_array_new (FALSE, TRUE, sizeof (RlDiagramBlock));
  d->stages = g_array_new (FALSE, TRUE, sizeof (RlDiagramStage));
  d->layer_stage = g_new0 (int, MAX (arch->n_layers, 1));
  d->shapes = g_malloc0_n (MAX (arch->n_layers, 1), sizeof *d->shapes);
  d->tensor_names = g_ptr_array_new_with_free_func (g_free);
  d->tensor_sizes = g_array_new (FALSE, TRUE, sizeof (gsize));

  for (int i = 0; i < arch->n_layers; i++)
    rl_model_get_layer_shape (model, (guint) i, &d->shapes[i][0], &d->shapes[i][1],
                              &d->shapes[i][2]);
  for (guint t = 0; t < rl_model_get_n_tensors (model); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, t);
      gsize numel = info->numel;

      g_ptr_array_add (d->tensor_names, g_strdup (info->name));
      g_array_append_val (d->tensor_sizes, numel);
    }

  find_stages (d);
  layout (d);
  count_params (d);
  return d;
}

void
rl_diagram_free (RlDiagram *diagram)
{
  if (diagram == NULL)
    return;
  rl_arch_free (diagram->arch_copy);
  g_array_unref (diagram->boxes);
  g_array_unref (diagram->arcs);
  g_array_unref (diagram->blocks);
  g_array_unref (diagram->stages);
  g_ptr_array_unref (diagram->tensor_names);
  g_array_unref (diagram->tensor_sizes);
  g_free (diagram->layer_stage);
  g_free (diagram->shapes);
  g_free (diagram);
}

guint
rl_diagram_get_n_boxes (const RlDiagram *diagram)
{
  return diagram->boxes->len;
}

const RlDiagramBox *
rl_diagram_get_box (const RlDiagram *diagram, guint i)
{
  g_return_val_if_fail (i < diagram->boxes->len, NULL);
  return &g_array_index (diagram->boxes, RlDiagramBox, i);
}

guint
rl_diagram_get_n_arcs (const RlDiagram *diagram)
{
  return diagram->arcs->len;
}

const RlDiagramArc *
rl_diagram_get_arc (const RlDiagram *diagram, guint i)
{
  g_return_val_if_fail (i < diagram->arcs->len, NULL);
  return &g_array_index (diagram->arcs, RlDiagramArc, i);
}

guint
rl_diagram_get_n_blocks (const RlDiagram *diagram)
{
  return diagram->blocks->len;
}

const RlDiagramBlock *
rl_diagram_get_block (const RlDiagram *diagram, guint i)
{
  g_return_val_if_fail (i < diagram->blocks->len, NULL);
  return &g_array_index (diagram->blocks, RlDiagramBlock, i);
}

guint
rl_diagram_get_n_stages (const RlDiagram *diagram)
{
  return diagram->stages->len;
}

const RlDiagramStage *
rl_diagram_get_stage (const RlDiagram *diagram, guint i)
{
  g_return_val_if_fail (i < diagram->stages->len, NULL);
  return &g_array_index (diagram->stages, RlDiagramStage, i);
}

void
rl_diagram_set_stage_expanded (RlDiagram *diagram, guint i, gboolean expanded)
{
  g_return_if_fail (i < diagram->stages->len);
  g_array_index (diagram->stages, RlDiagramStage, i).expanded = expanded;
  layout (diagram);
  count_params (diagram);
}

void
rl_diagram_set_all_expanded (RlDiagram *diagram, gboolean expanded)
{
  for (guint i = 0; i < diagram->stages->len; i++)
    g_array_index (diagram->stages, RlDiagramStage, i).expanded = expanded;
  layout (diagram);
  count_params (diagram);
}

void
rl_diagram_get_size (const RlDiagram *diagram, double *width, double *height)
{
  *width = diagram->width;
  *height = diagram->height;
}

int
rl_diagram_box_at (const RlDiagram *diagram, double x, double y)
{
  /* backwards: a projection box lies over nothing else, but is added after the addition */
  for (guint i = diagram->boxes->len; i-- > 0;)
    {
      const RlDiagramRect *r = &g_array_index (diagram->boxes, RlDiagramBox, i).rect;

      if (x >= r->x && x < r->x + r->width && y >= r->y && y < r->y + r->height)
        return (int) i;
    }
  return -1;
}

int
rl_diagram_find_layer (const RlDiagram *diagram, int layer)
{
  for (guint i = 0; i < diagram->boxes->len; i++)
    {
      const RlDiagramBox *box = &g_array_index (diagram->boxes, RlDiagramBox, i);

      if (box->layer == layer && box->role != RL_DIAGRAM_STAGE_HEADER)
        return (int) i;
      if (box->role == RL_DIAGRAM_STAGE)
        {
          const RlDiagramStage *st = &g_array_index (diagram->stages, RlDiagramStage,
                                                     box->stage);

          if (layer >= st->first_layer && layer < st->first_layer + st->n_blocks)
            return (int) i;
        }
    }
  return -1;
}

gsize
rl_diagram_get_n_params (const RlDiagram *diagram)
{
  gsize total = 0;

  for (guint i = 0; i < diagram->boxes->len; i++)
    total += g_array_index (diagram->boxes, RlDiagramBox, i).n_params;
  return total;
}
