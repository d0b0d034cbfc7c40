/* test-ui-network.c: the Network panel of the Inside view (rl-network-view.c): the diagram of
 * the model in use, a click on a layer outlining its maps, a click on a stage opening it, and a
 * new model drawn anew. */
#include <string.h>

#include "ui-test-utils.h"

#include "rl-canvas.h"
#include "rl-diagram-paint.h"
#include "rl-draw-view.h"
#include "rl-inside-view.h"
#include "rl-window.h"

static gboolean
shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 200;
}

static gboolean
scrolled (gpointer data)
{
  return gtk_adjustment_get_value (data) > 0;
}

static int expected_height;

static gboolean
taller (gpointer data)
{
  return gtk_widget_get_height (data) > expected_height;
}

static int activated_layer;

static void
layer_activated_cb (RlNetworkView *view, int layer, gpointer data)
{
  activated_layer = layer;
}

static void
test_seed (void)
{
  RlWindow *window = ui_test_new_window ();
  RlInsideView *inside = rl_window_get_inside_view (window);
  RlNetworkView *network = rl_inside_view_get_network_view (inside);
  RlFeatureView *features = rl_inside_view_get_feature_view (inside);
  RlModel *model = rl_predictor_get_model (rl_window_get_predictor (window));
  GtkWidget *maps_scroller;
  const RlDiagram *d;
  const char *names[] = {
    "input", "conv1", "relu2", "maxpool3", "rblock1.conv1", "rblock1.conv2", "rblock1.add",
    "conv2", "relu6", "maxpool7", "rblock2.conv1", "rblock2.conv2", "rblock2.add", "fc",
  };
  const char *titles[] = {
    "input", "conv1", "ReLU", "max pool 2×2", "rblock1.conv1", "rblock1.conv2", "rblock1.add",
    "conv2", "ReLU", "max pool 2×2", "rblock2.conv1", "rblock2.conv2", "rblock2.add", "fc",
  };

  rl_window_set_view (window, "inside");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (network)));   /* hidden at first */
  rl_inside_view_show_network (inside, TRUE);
  g_assert_true (ui_test_wait_for (shown, network, 10));   /* the revealer's slide */

  /* the bundled seed net, as the widget describes its drawing */
  d = rl_network_view_get_diagram (network);
  g_assert_nonnull (d);
  g_assert_cmpuint (rl_diagram_get_n_boxes (d), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (rl_diagram_get_box (d, i)->name, ==, names[i]);
  /* the names stay the file's, but a layer without weights the arch does not name ("relu2",
   * the second node: not a second ReLU) is shown by what it does, as the maps call it */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *title = rl_diagram_box_title (rl_diagram_get_box (d, i));
      g_autofree char *tooltip = rl_diagram_describe_box (d, i);

      g_assert_cmpstr (title, ==, titles[i]);
      if (g_strcmp0 (titles[i], names[i]) != 0)
        g_assert_null (strstr (tooltip, names[i]));
    }
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 2);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));

  /* a click on rblock1's first convolution outlines the block's maps; on fc, the logits, far
   * down: the maps scroll there */
  ui_test_draw_digit (window, 3);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  g_signal_connect (network, "layer-activated", G_CALLBACK (layer_activated_cb), NULL);
  activated_layer = -1;
  rl_network_view_activate_box (network, (guint) ui_test_diagram_find_box (d, "rblock1.conv1"));
  g_assert_cmpint (activated_layer, ==, 3);
  g_assert_cmpint (rl_network_view_get_selected_layer (network), ==, 3);
  g_assert_cmpint (rl_feature_view_get_selected_section (features), ==, 2);
  g_assert_cmpstr (rl_feature_view_get_section_title (features, 2), ==, "rblock1 · residual block");

  maps_scroller = gtk_widget_get_ancestor (GTK_WIDGET (features), GTK_TYPE_SCROLLED_WINDOW);
  rl_network_view_activate_box (network, (guint) ui_test_diagram_find_box (d, "fc"));
  g_assert_cmpint (rl_feature_view_get_selected_section (features), ==, 5);
  g_assert_true (ui_test_wait_for (scrolled, gtk_scrolled_window_get_vadjustment (
                                     GTK_SCROLLED_WINDOW (maps_scroller)), 10));

  /* a ReLU's box selects the conv section it is drawn in */
  rl_network_view_activate_box (network, (guint) ui_test_diagram_find_box (d, "relu6"));
  g_assert_cmpint (rl_feature_view_get_selected_section (features), ==, 3);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));   /* drawn, outline and box */

  /* from the keyboard: Down from the first box to rblock1's first convolution, Enter */
  {
    g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (network));
    GtkEventController *keys = NULL;
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (c))
          keys = c;
      }
    g_assert_nonnull (keys);
    g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (network)));
    for (int i = 0; i < 5; i++)   /* the first press lands on the input */
      {
        g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
        g_assert_true (handled);
      }
    activated_layer = -1;
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
    g_assert_cmpint (activated_layer, ==, 3);
    g_assert_cmpint (rl_feature_view_get_selected_section (features), ==, 2);
  }

  /* the input is no layer: nothing happens */
  activated_layer = -1;
  rl_network_view_activate_box (network, 0);
  g_assert_cmpint (activated_layer, ==, -1);

  ui_test_destroy_window (window);
}

static void
test_resnet56 (void)
{
  RlWindow *window = ui_test_new_window ();
  RlInsideView *inside = rl_window_get_inside_view (window);
  RlNetworkView *network = rl_inside_view_get_network_view (inside);
  RlFeatureView *features = rl_inside_view_get_feature_view (inside);
  RlPredictor *predictor = rl_window_get_predictor (window);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_new_cifar (56, TRUE, RL_SHORTCUT_A, TRUE, &error);
  RlModel *model;
  const RlDiagram *d;
  int height_collapsed, stage2, box;
  float image[28 * 28] = { 0, };

  g_assert_no_error (error);
  model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (model, 1);

  rl_window_set_view (window, "inside");
  rl_inside_view_show_network (inside, TRUE);
  rl_predictor_set_model (predictor, model, RL_DATASET_MNIST);
  for (int i = 8; i < 20; i++)
    image[i * 28 + 14] = 1.0f;   /* a "1" */
  rl_predictor_set_image (predictor, image, -1);
  g_assert_true (ui_test_wait_for (shown, network, 10));
  /* the collapsed height measured once laid out, or "taller" below holds at once */
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  /* drawn anew for the new model: three collapsed stages */
  d = rl_network_view_get_diagram (network);
  g_assert_cmpuint (rl_diagram_get_n_stages (d), ==, 3);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 0);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (model));
  height_collapsed = gtk_widget_get_height (GTK_WIDGET (network));

  /* a click on stage 2 opens it: its nine blocks and their arcs, and a taller widget */
  stage2 = ui_test_diagram_find_box (d, "stage 2");
  g_assert_cmpint (stage2, >=, 0);
  rl_network_view_activate_box (network, (guint) stage2);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 9);
  expected_height = 3 * height_collapsed;
  g_assert_true (ui_test_wait_for (taller, network, 10));

  /* then a block of it selects that block's maps */
  box = ui_test_diagram_find_box (d, "layer2.4.conv2");
  g_assert_cmpint (box, >=, 0);
  rl_network_view_activate_box (network, (guint) box);
  g_assert_cmpint (rl_feature_view_get_selected_section (features), >, 0);
  g_assert_true (g_str_has_prefix (rl_feature_view_get_section_title (
                   features, (guint) rl_feature_view_get_selected_section (features)),
                   "layer2.4"));

  /* and its header closes it again */
  rl_network_view_activate_box (network, (guint) ui_test_diagram_find_box (d, "stage 2"));
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 0);

  ui_test_destroy_window (window);
}

/* A layer picked while Inside has never been shown: the maps scroll to it once laid out. */
static void
test_select_before_shown (void)
{
  RlWindow *window = ui_test_new_window ();
  RlInsideView *inside = rl_window_get_inside_view (window);
  RlFeatureView *features = rl_inside_view_get_feature_view (inside);
  GtkWidget *maps_scroller = gtk_widget_get_ancestor (GTK_WIDGET (features),
                                                      GTK_TYPE_SCROLLED_WINDOW);

  rl_window_set_view (window, "draw");
  ui_test_draw_digit (window, 7);
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  rl_inside_view_select_layer (inside, 8);   /* fc, at the bottom */
  g_assert_cmpint (rl_feature_view_get_selected_section (features), ==, 5);
  rl_window_set_view (window, "inside");
  g_assert_true (ui_test_wait_for (scrolled, gtk_scrolled_window_get_vadjustment (
                                     GTK_SCROLLED_WINDOW (maps_scroller)), 10));
  g_assert_cmpint (rl_network_view_get_selected_layer (rl_inside_view_get_network_view (inside)),
                   ==, 8);

  ui_test_destroy_window (window);
}

/* Any model, without a predictor: a net about to be trained. */
static void
test_set_model (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  RlNetworkView *view = RL_NETWORK_VIEW (rl_network_view_new ());
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_new_cifar (20, FALSE, RL_SHORTCUT_A, TRUE, &error);
  g_autoptr (RlModel) model = rl_model_new_mnist (arch, &error);
  int width, height;

  g_assert_no_error (error);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 500);
  g_assert_null (rl_network_view_get_diagram (view));
  rl_network_view_set_model (view, model);
  g_clear_pointer (&model, rl_model_free);   /* the drawing keeps no reference */
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_settle (window, 30));

  g_assert_cmpuint (rl_diagram_get_n_arcs (rl_network_view_get_diagram (view)), ==, 0);
  g_assert_cmpuint (rl_diagram_get_n_blocks (rl_network_view_get_diagram (view)), ==, 9);
  /* as big as the drawing, in a scrolled window smaller than it */
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_VERTICAL, -1, &height, NULL, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  g_assert_cmpint (height, >, 2000);
  g_assert_cmpint (width, >, 300);
  g_assert_cmpint (width, <, 420);

  rl_network_view_set_model (view, NULL);
  g_assert_null (rl_network_view_get_diagram (view));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/network/seed", test_seed);
  ui_test_add ("/ui/network/resnet-56", test_resnet56);
  ui_test_add ("/ui/network/select-before-shown", test_select_before_shown);
  ui_test_add ("/ui/network/set-model", test_set_model);
  return ui_test_run ();
}
