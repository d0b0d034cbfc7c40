/* The network diagram's description (rl-diagram.c): boxes, shapes, parameter counts, arcs and
 * stages of the seed net, resnet-N and plain-N. */
#include <string.h>

#include "rl-diagram.h"
#include "rl-model.h"

static RlModel *
model_for (const char *desc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (desc, &error);
  RlModel *model;

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  return model;
}

static RlModel *
cifar_model (int depth, gboolean residual, RlShortcut shortcut)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_new_cifar (depth, residual, shortcut, TRUE, &error);
  RlModel *model;

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  return model;
}

static const RlDiagramBox *
find_box (const RlDiagram *d, const char *name)
{
  for (guint i = 0; i < rl_diagram_get_n_boxes (d); i++)
    if (strcmp (rl_diagram_get_box (d, i)->name, name) == 0)
      return rl_diagram_get_box (d, i);
  g_error ("no box %s", name);
  return NULL;
}

static guint
count_role (const RlDiagram *d, RlDiagramRole role)
{
  guint n = 0;

  for (guint i = 0; i < rl_diagram_get_n_boxes (d); i++)
    n += rl_diagram_get_box (d, i)->role == role;
  return n;
}

static void
assert_box (const RlDiagram *d, const char *name, const char *op, int c, int h, int w,
            gsize n_params)
{
  const RlDiagramBox *box = find_box (d, name);

  g_assert_cmpstr (box->op, ==, op);
  g_assert_cmpint (box->c, ==, c);
  g_assert_cmpint (box->h, ==, h);
  g_assert_cmpint (box->w, ==, w);
  g_assert_cmpuint (box->n_params, ==, n_params);
}

/* No two boxes of the column overlap, and every box lies inside the drawing. */
static void
assert_geometry (const RlDiagram *d)
{
  double width, height;

  rl_diagram_get_size (d, &width, &height);
  for (guint i = 0; i < rl_diagram_get_n_boxes (d); i++)
    {
      const RlDiagramRect *a = &rl_diagram_get_box (d, i)->rect;

      g_assert_cmpfloat (a->x, >=, 0);
      g_assert_cmpfloat (a->y, >=, 0);
      g_assert_cmpfloat (a->x + a->width, <=, width);
      g_assert_cmpfloat (a->y + a->height, <=, height);
      g_assert_cmpint (rl_diagram_box_at (d, a->x + a->width / 2, a->y + a->height / 2), ==, i);
      for (guint j = i + 1; j < rl_diagram_get_n_boxes (d); j++)
        {
          const RlDiagramRect *b = &rl_diagram_get_box (d, j)->rect;
          gboolean overlap = a->x < b->x + b->width && b->x < a->x + a->width
                             && a->y < b->y + b->height && b->y < a->y + a->height;

          g_assert_false (overlap);
        }
    }
  for (guint i = 0; i < rl_diagram_get_n_arcs (d); i++)
    {
      const RlDiagramArc *arc = rl_diagram_get_arc (d, i);

      g_assert_cmpfloat (arc->y0, <, arc->y1);
      g_assert_cmpfloat (arc->x, <, width);
      g_assert_cmpfloat (rl_diagram_get_box (d, arc->from)->rect.y, <, arc->y0);
    }
}

static void
test_seed (void)
{
  g_autoptr(RlModel) model = model_for ("seed");
  g_autoptr(RlDiagram) d = rl_diagram_new (model);
  const char *names[] = {
    "input", "conv1", "relu2", "maxpool3",
    "rblock1.conv1", "rblock1.conv2", "rblock1.add",
    "conv2", "relu6", "maxpool7",
    "rblock2.conv1", "rblock2.conv2", "rblock2.add", "fc",
  };

  g_assert_cmpuint (rl_diagram_get_n_boxes (d), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (rl_diagram_get_box (d, i)->name, ==, names[i]);

  assert_box (d, "input", "image", 1, 28, 28, 0);
  assert_box (d, "conv1", "conv 5×5", 16, 24, 24, 16 * 25 + 16);
  assert_box (d, "relu2", "relu", 16, 24, 24, 0);
  assert_box (d, "maxpool3", "maxpool 2×2", 16, 12, 12, 0);
  assert_box (d, "rblock1.conv1", "conv 3×3 · relu", 16, 12, 12, 16 * 16 * 9 + 16);
  assert_box (d, "rblock1.conv2", "conv 3×3", 16, 12, 12, 16 * 16 * 9 + 16);
  assert_box (d, "rblock1.add", "+ · relu", 16, 12, 12, 0);
  assert_box (d, "conv2", "conv 5×5", 32, 8, 8, 32 * 16 * 25 + 32);
  assert_box (d, "maxpool7", "maxpool 2×2", 32, 4, 4, 0);
  assert_box (d, "rblock2.conv2", "conv 3×3", 32, 4, 4, 32 * 32 * 9 + 32);
  assert_box (d, "fc", "linear", 10, 1, 1, 32 * 4 * 4 * 10 + 10);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  g_assert_cmpuint (rl_model_get_n_params (model), ==, 41514);

  /* two identity shortcuts, from the max pooling before each block to its addition */
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const RlDiagramArc *arc = rl_diagram_get_arc (d, i);

      g_assert_cmpint (arc->shortcut, ==, RL_SHORTCUT_IDENTITY);
      g_assert_cmpint (arc->projection, ==, -1);
      g_assert_cmpstr (rl_diagram_get_box (d, arc->from)->name, ==, i == 0 ? "maxpool3" : "maxpool7");
      g_assert_cmpstr (rl_diagram_get_box (d, arc->to)->name, ==, i == 0 ? "rblock1.add" : "rblock2.add");
    }
  g_assert_cmpuint (rl_diagram_get_n_blocks (d), ==, 2);
  g_assert_cmpuint (rl_diagram_get_n_stages (d), ==, 0);   /* single blocks are no stage */
  g_assert_cmpint (rl_diagram_find_layer (d, 3), ==, 4);   /* rblock1: its first conv */
  g_assert_cmpint (rl_diagram_find_layer (d, 8), ==, 13);  /* fc */
  assert_geometry (d);
}

static void
test_resnet20 (void)
{
  g_autoptr(RlModel) model = cifar_model (20, TRUE, RL_SHORTCUT_A);
  g_autoptr(RlDiagram) d = rl_diagram_new (model);
  guint n_a = 0;

  /* stem (conv, bn, relu), 9 blocks of 3 boxes, 3 stage headers, gap, linear, and the input */
  g_assert_cmpuint (rl_diagram_get_n_stages (d), ==, 3);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_STAGE_HEADER), ==, 3);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_ADD), ==, 9);
  g_assert_cmpuint (rl_diagram_get_n_boxes (d), ==, 1 + 3 + 27 + 3 + 2);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));

  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 9);
  for (guint i = 0; i < 9; i++)
    {
      const RlDiagramArc *arc = rl_diagram_get_arc (d, i);
      const RlDiagramBox *from = rl_diagram_get_box (d, arc->from);
      const RlDiagramBox *to = rl_diagram_get_box (d, arc->to);

      g_assert_cmpint (to->role, ==, RL_DIAGRAM_ADD);
      g_assert_cmpint (arc->projection, ==, -1);
      /* option A exactly where the channels change (and the size halves) */
      if (from->c != to->c)
        {
          g_assert_cmpint (arc->shortcut, ==, RL_SHORTCUT_A);
          g_assert_cmpint (to->h * 2, ==, from->h);
          n_a++;
        }
      else
        g_assert_cmpint (arc->shortcut, ==, RL_SHORTCUT_IDENTITY);
    }
  g_assert_cmpuint (n_a, ==, 2);

  for (guint s = 0; s < 3; s++)
    {
      const RlDiagramStage *st = rl_diagram_get_stage (d, s);

      g_assert_cmpint (st->n_blocks, ==, 3);
      g_assert_true (st->expanded);
      g_assert_cmpint (st->c_out, ==, 16 << s);
      g_assert_cmpint (st->c_in, ==, s == 0 ? 16 : 8 << s);
    }
  g_assert_cmpint (rl_diagram_get_stage (d, 2)->h, ==, 7);
  assert_geometry (d);

  /* collapsing a stage keeps its parameters on its one box, and its arcs go */
  rl_diagram_set_stage_expanded (d, 1, FALSE);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 6);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_STAGE), ==, 1);
  g_assert_cmpuint (find_box (d, "stage 2")->n_params, ==, rl_diagram_get_stage (d, 1)->n_params);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  assert_geometry (d);
}

static void
test_plain20 (void)
{
  g_autoptr(RlModel) model = cifar_model (20, FALSE, RL_SHORTCUT_A);
  g_autoptr(RlDiagram) d = rl_diagram_new (model);

  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 0);
  g_assert_cmpuint (rl_diagram_get_n_blocks (d), ==, 9);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_ADD), ==, 9);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_PROJECTION), ==, 0);
  for (guint i = 0; i < rl_diagram_get_n_blocks (d); i++)
    g_assert_cmpint (rl_diagram_get_block (d, i)->shortcut, ==, RL_SHORTCUT_NONE);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  assert_geometry (d);
}

static void
test_option_b (void)
{
  g_autoptr(RlModel) model = cifar_model (20, TRUE, RL_SHORTCUT_B);
  g_autoptr(RlDiagram) d = rl_diagram_new (model);
  guint n_b = 0;

  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 9);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_PROJECTION), ==, 2);
  for (guint i = 0; i < 9; i++)
    {
      const RlDiagramArc *arc = rl_diagram_get_arc (d, i);

      if (arc->shortcut == RL_SHORTCUT_B)
        {
          const RlDiagramBox *proj = rl_diagram_get_box (d, arc->projection);

          g_assert_cmpint (proj->role, ==, RL_DIAGRAM_PROJECTION);
          /* on the arc, between where it leaves and where it joins */
          g_assert_cmpfloat (proj->rect.x, <, arc->x);
          g_assert_cmpfloat (proj->rect.x + proj->rect.width, >, arc->x);
          g_assert_cmpfloat (proj->rect.y, >, arc->y0);
          g_assert_cmpfloat (proj->rect.y + proj->rect.height, <, arc->y1);
          /* a 1x1 conv without bias and its batch norm (weight, bias, mean, var, count) */
          g_assert_cmpuint (proj->n_params, ==, (gsize) proj->c * (proj->c / 2) + 4 * proj->c + 1);
          n_b++;
        }
    }
  g_assert_cmpuint (n_b, ==, 2);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  assert_geometry (d);
}

static void
test_resnet56_stages (void)
{
  g_autoptr(RlModel) model = cifar_model (56, TRUE, RL_SHORTCUT_A);
  g_autoptr(RlDiagram) d = rl_diagram_new (model);
  double w, h_collapsed, h_expanded;

  /* 9 blocks a stage: collapsed at first, one box each */
  g_assert_cmpuint (rl_diagram_get_n_stages (d), ==, 3);
  g_assert_cmpuint (count_role (d, RL_DIAGRAM_STAGE), ==, 3);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 0);
  g_assert_cmpuint (rl_diagram_get_n_boxes (d), ==, 1 + 3 + 3 + 2);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  g_assert_cmpint (rl_diagram_get_stage (d, 1)->n_blocks, ==, 9);
  g_assert_cmpint (rl_diagram_find_layer (d, rl_diagram_get_stage (d, 1)->first_layer + 4), ==,
                   rl_diagram_find_layer (d, rl_diagram_get_stage (d, 1)->first_layer));
  rl_diagram_get_size (d, &w, &h_collapsed);
  assert_geometry (d);

  rl_diagram_set_all_expanded (d, TRUE);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 27);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  rl_diagram_get_size (d, &w, &h_expanded);
  g_assert_cmpfloat (h_expanded, >, 5 * h_collapsed);
  assert_geometry (d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/diagram/seed", test_seed);
  g_test_add_func ("/diagram/resnet-20", test_resnet20);
  g_test_add_func ("/diagram/plain-20", test_plain20);
  g_test_add_func ("/diagram/option-b", test_option_b);
  g_test_add_func ("/diagram/resnet-56-stages", test_resnet56_stages);
  return g_test_run ();
}
