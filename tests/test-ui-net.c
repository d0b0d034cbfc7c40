/* test-ui-net.c: the Train view's Network choice (#18): every description it accepts comes
 * back the same through the editor (text -> arch -> canonical text -> editor -> the same
 * arch), a parse or shape error is underlined where it is, the optimiser's defaults follow
 * the family unless edited, and a custom net typed in the editor trains from the app, is kept
 * in Models with its arch, works in Draw, Inside and the Errors view, and its saved file
 * loads in reslab-cli eval. */

#include <math.h>
#include <string.h>

#include "ui-test-utils.h"
#include "cli-test-utils.h"

#include "rl-dataset-loader.h"
#include "rl-draw-view.h"
#include "rl-feature-view.h"
#include "rl-limits.h"
#include "rl-model.h"
#include "rl-filter-view.h"
#include "rl-inside-view.h"
#include "rl-net-chooser.h"
#include "rl-network-view.h"
#include "rl-window.h"

#define CUSTOM "c=conv(8,k=3) relu maxpool(2) r=res(8) gap fc=linear(10)"

static RlNetChooser *
new_chooser (void)
{
  return g_object_ref_sink (g_object_new (RL_TYPE_NET_CHOOSER, NULL));
}

static void
assert_same_arch (const RlArch *a,
                  const RlArch *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpint (a->n_layers, ==, b->n_layers);
  g_assert_cmpmem (a->layers, sizeof (RlLayerSpec) * a->n_layers,
                   b->layers, sizeof (RlLayerSpec) * b->n_layers);
}

/* The chooser's net now, printed canonically, typed back in as a custom text: the same net. */
static void
assert_editor_round_trip (RlNetChooser *chooser,
                          const RlArch *expected)
{
  g_autoptr (RlArch) first = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *shown = NULL;

  g_assert_null (rl_net_chooser_get_error (chooser, NULL, NULL));
  first = rl_arch_copy (rl_net_chooser_get_arch (chooser));
  assert_same_arch (first, expected);
  canonical = rl_arch_to_string (first);
  rl_net_chooser_set_custom_text (chooser, canonical);
  g_assert_cmpint (rl_net_chooser_get_family (chooser), ==, RL_NET_CUSTOM);
  shown = rl_net_chooser_get_text (chooser);
  g_assert_cmpstr (shown, ==, canonical);
  g_assert_null (rl_net_chooser_get_error (chooser, NULL, NULL));
  assert_same_arch (rl_net_chooser_get_arch (chooser), first);
}

static void
test_round_trip (void)
{
  static const char *custom[] = {
    "seed",
    "resnet-20",
    "plain-8",
    RL_ARCH_SEED,
    CUSTOM,
    "conv(8,k=3) relu maxpool(2) r=res(8) gap linear(10)",   /* refused: no names */
    "c=conv(4,k=3,p=1) b=bn relu r=res(8,s=2,shortcut=B,bn=1) q=res(8,shortcut=A) "
    "n=res(8,shortcut=none) gap fc=linear(10)",
    "c=conv(16,k=5,s=2,p=2) relu maxpool(3) fc=linear(10)",
    "c1=conv(6,k=5) relu maxpool(2) c2=conv(16,k=5) relu maxpool(2) f1=linear(120) relu "
    "f2=linear(84) relu f3=linear(10)",
    "fc=linear(10)",
    "  c=conv(8)\n\trelu   gap  fc=linear(10)  ",
  };
  static const int depths[] = { 8, 20, 32, 44, 56 };
  RlNetChooser *chooser = new_chooser ();

  /* the seed net, and every resnet-N / plain-N the choice offers */
  rl_net_chooser_set_family (chooser, RL_NET_SEED);
  {
    g_autoptr (RlArch) seed = rl_arch_parse ("seed", NULL);
    assert_editor_round_trip (chooser, seed);
  }
  for (guint d = 0; d < G_N_ELEMENTS (depths); d++)
    for (int residual = 0; residual < 2; residual++)
      for (int sc = RL_SHORTCUT_A; sc <= RL_SHORTCUT_B; sc++)
        for (int bn = 0; bn < 2; bn++)
          {
            g_autoptr (RlArch) cifar = rl_arch_new_cifar (depths[d], residual, sc, bn, NULL);

            rl_net_chooser_set_cifar (chooser, depths[d], sc, bn);
            rl_net_chooser_set_family (chooser, residual ? RL_NET_RESNET : RL_NET_PLAIN);
            assert_editor_round_trip (chooser, cifar);
          }

  /* custom texts: what the parser accepts comes back the same; what it refuses, the editor
   * refuses too */
  for (guint i = 0; i < G_N_ELEMENTS (custom); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RlArch) parsed = rl_arch_parse (custom[i], &error);
      g_autoptr (RlModel) model = parsed != NULL ? rl_model_new_mnist (parsed, &error)
                                                 : NULL;

      rl_net_chooser_set_custom_text (chooser, custom[i]);
      if (model == NULL)
        {
          g_assert_null (rl_net_chooser_get_arch (chooser));
          g_assert_cmpstr (rl_net_chooser_get_error (chooser, NULL, NULL), ==, error->message);
          continue;
        }
      assert_editor_round_trip (chooser, parsed);
      g_assert_nonnull (strstr (rl_net_chooser_get_summary (chooser), "parameters"));
    }

  gtk_widget_unrealize (GTK_WIDGET (chooser));
  g_object_unref (chooser);
}

/* The characters underlined are those of the engine's place, in characters, not bytes. */
static void
assert_error_at (RlNetChooser *chooser,
                 const char   *text,
                 const char   *underlined,
                 const char   *in_message)
{
  const char *message;
  int start = -1, end = -1;
  g_autofree char *shown = NULL;
  g_autofree char *got = NULL;

  rl_net_chooser_set_custom_text (chooser, text);
  message = rl_net_chooser_get_error (chooser, &start, &end);
  g_assert_nonnull (message);
  g_test_message ("%s: %s", text, message);
  g_assert_nonnull (strstr (message, in_message));
  g_assert_null (rl_net_chooser_get_arch (chooser));
  shown = rl_net_chooser_get_text (chooser);
  got = g_utf8_substring (shown, start, end);
  g_assert_cmpstr (got, ==, underlined);
}

static void
test_errors (void)
{
  RlNetChooser *chooser = new_chooser ();

  assert_error_at (chooser, "c=conv(8,k=x) relu fc=linear(10)", "k=x", "bad argument");
  assert_error_at (chooser, "c=conv(8) relu maxpol(2) fc=linear(10)", "maxpol", "unknown");
  assert_error_at (chooser, "c=conv(8) c=conv(4) fc=linear(10)", "c", "used twice");
  /* after characters of two bytes: the offsets are characters */
  assert_error_at (chooser, "c=conv(8) ÿé=relu fc=linear(10)", "ÿé", "not a valid name");
  assert_error_at (chooser, "c=conv(8) é=conv(4,k=y) fc=linear(10)", "é", "not a valid name");
  /* shapes: the layer that does not fit */
  assert_error_at (chooser, "c=conv(8,k=3) r=res(16) fc=linear(10)", "r=res(16)",
                   "identity shortcut");
  assert_error_at (chooser, "c=conv(8) relu fc=linear(7)", "fc=linear(7)", "linear layer");
  assert_error_at (chooser, "c=conv(8,k=29) fc=linear(10)", "c=conv(8,k=29)", "too small");
  assert_error_at (chooser, "", "", "empty");

  /* a right net larger than ResLab allows, or this computer can train at the batch size:
   * said in sizes, nothing underlined, not offered; a smaller batch and it is */
  assert_error_at (chooser, "c=conv(16,k=1) fc=linear(65536)", "",
                   "It has 822.15\u202fM parameters, more than ResLab allows (67.11\u202fM)");
  assert_error_at (chooser, "c=conv(30000,k=1) gap fc=linear(10)", "",
                   "Its layers’ outputs for one image take");
  g_object_set (chooser, "batch-size", 4096, NULL);
  assert_error_at (chooser, "c=conv(1024,k=3,p=1) relu gap fc=linear(10)", "",
                   "Its layers’ outputs for a batch of 4096 images take");
  g_assert_nonnull (strstr (rl_net_chooser_get_error (chooser, NULL, NULL),
                            "more than ResLab allows (17.2\u00a0GB)"));
  g_object_set (chooser, "batch-size", 64, NULL);
  g_assert_null (rl_net_chooser_get_error (chooser, NULL, NULL));
  g_assert_nonnull (rl_net_chooser_get_arch (chooser));
  /* within those limits, this computer's memory (or its control group's) decides: the
   * message says so with both sizes exactly when the engine's check refuses */
  {
    const char *net = "c1=conv(256,k=3,p=1) relu c2=conv(256,k=3,p=1) relu gap fc=linear(10)";
    g_autoptr (RlArch) arch = rl_arch_parse (net, NULL);
    g_autoptr (RlModel) model = rl_model_new_mnist (arch, NULL);
    size_t need;

    g_object_set (chooser, "batch-size", 256, NULL);
    rl_net_chooser_set_custom_text (chooser, net);
    need = rl_model_train_memory (model, 256, (int) g_get_num_processors ());
    g_test_message ("training %s at 256 needs %zu bytes of %" G_GUINT64_FORMAT, net, need,
                    rl_limits_process_memory (NULL));
    if (rl_limits_check_memory (need, 0, NULL))
      g_assert_null (rl_net_chooser_get_error (chooser, NULL, NULL));
    else
      {
        g_autofree char *size = g_format_size (need);
        const char *message = rl_net_chooser_get_error (chooser, NULL, NULL);

        g_assert_nonnull (message);
        g_assert_true (g_str_has_prefix (message, "Training it on batches of 256 would need "));
        g_assert_nonnull (strstr (message, size));
        g_assert_nonnull (strstr (message, "more than three quarters of"));
      }
    g_object_set (chooser, "batch-size", 64, NULL);
  }

  /* fixed, the error goes */
  rl_net_chooser_set_custom_text (chooser, CUSTOM);
  g_assert_null (rl_net_chooser_get_error (chooser, NULL, NULL));
  g_assert_nonnull (rl_net_chooser_get_arch (chooser));

  gtk_widget_unrealize (GTK_WIDGET (chooser));
  g_object_unref (chooser);
}

/* Typing in the text of another family makes it custom, from that text. */
/* The chooser's editor, as a user types in it. */
static GtkTextBuffer *
find_editor (RlNetChooser *chooser)
{
  GtkTextView *view = NULL;

  for (GtkWidget *w = GTK_WIDGET (chooser); w != NULL && view == NULL;)
    {
      GtkWidget *next = gtk_widget_get_first_child (w);

      if (GTK_IS_TEXT_VIEW (w))
        view = GTK_TEXT_VIEW (w);
      while (next == NULL && w != GTK_WIDGET (chooser))
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
        }
      w = next;
    }
  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (view);
}

static void
test_typing_makes_custom (void)
{
  RlNetChooser *chooser = new_chooser ();
  GtkTextBuffer *buffer;
  GtkTextIter end;
  g_autofree char *text = NULL;

  rl_net_chooser_choose (chooser, "resnet-8");
  g_assert_cmpint (rl_net_chooser_get_family (chooser), ==, RL_NET_RESNET);
  buffer = find_editor (chooser);
  gtk_text_buffer_get_end_iter (buffer, &end);
  /* "... fc=linear(10)" becomes "... fc=linear(10) relu": not a net (it must end in linear) */
  gtk_text_buffer_insert (buffer, &end, " relu", -1);
  g_assert_cmpint (rl_net_chooser_get_family (chooser), ==, RL_NET_CUSTOM);
  g_assert_null (rl_net_chooser_get_arch (chooser));
  g_object_get (chooser, "custom-text", &text, NULL);
  g_assert_true (g_str_has_suffix (text, "fc=linear(10) relu"));

  gtk_widget_unrealize (GTK_WIDGET (chooser));
  g_object_unref (chooser);
}

static double
spin_value (RlTrainView *view,
            const char  *property)
{
  double v;

  g_object_get (view, property, &v, NULL);
  return v;
}

/* @view's settings are the defaults of a net with batch normalisation. */
static void
assert_bn_defaults (RlTrainView *view)
{
  RlTrainConfig config;

  rl_train_view_get_settings (view, &config, NULL, NULL);
  g_assert_cmpfloat_with_epsilon (config.lr, RL_TRAIN_BN_LR, 1e-7);
  g_assert_cmpfloat_with_epsilon (config.momentum, RL_TRAIN_BN_MOMENTUM, 1e-7);
  g_assert_cmpfloat_with_epsilon (config.weight_decay, RL_TRAIN_BN_WEIGHT_DECAY, 1e-9);
}

static gboolean
is_use_defaults (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "Use _Defaults") == 0;
}

/* The seed's lr and momentum for the seed net, the experiment's for a BN net; values edited
 * stay when the family changes, and Use Defaults, shown while they differ from the defaults
 * the note names, sets them; an invalid net disables Start. */
static void
test_defaults (void)
{
  RlWindow *window = ui_test_new_window ();
  RlTrainView *view = rl_window_get_train_view (window);
  RlNetChooser *chooser = rl_train_view_get_net_chooser (view);
  GtkWidget *use_defaults = ui_test_find_widget (GTK_WIDGET (view), is_use_defaults, NULL);

  g_assert_nonnull (use_defaults);
  rl_net_chooser_choose (chooser, "seed");
  g_assert_cmpfloat (spin_value (view, "learning-rate"), ==, 0.01);
  g_assert_cmpfloat (spin_value (view, "momentum"), ==, 0.5);
  g_assert_false (gtk_widget_get_visible (use_defaults));

  rl_net_chooser_choose (chooser, "resnet-20");
  assert_bn_defaults (view);

  /* back to the seed's, then an edit that stays */
  rl_net_chooser_choose (chooser, CUSTOM);
  g_assert_cmpfloat (spin_value (view, "learning-rate"), ==, 0.01);
  g_object_set (view, "learning-rate", 0.03, NULL);
  g_assert_true (gtk_widget_get_visible (use_defaults));
  rl_net_chooser_choose (chooser, "plain-8");
  g_assert_cmpfloat (spin_value (view, "learning-rate"), ==, 0.03);
  g_assert_cmpfloat (spin_value (view, "momentum"), ==, 0.5);
  /* the note names the BN defaults, the spin buttons hold others: Use Defaults sets them */
  g_assert_true (gtk_widget_get_visible (use_defaults));
  g_assert_true (gtk_widget_get_sensitive (use_defaults));
  g_signal_emit_by_name (use_defaults, "clicked");
  assert_bn_defaults (view);
  g_assert_false (gtk_widget_get_visible (use_defaults));
  /* and they follow the family again */
  rl_net_chooser_choose (chooser, "seed");
  g_assert_cmpfloat (spin_value (view, "learning-rate"), ==, 0.01);
  g_assert_false (gtk_widget_get_visible (use_defaults));

  /* an invalid net: no training from it */
  g_assert_true (rl_train_view_can_start (view));
  rl_net_chooser_choose (chooser, "c=conv(8) relu");
  g_assert_false (rl_train_view_can_start (view));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  g_assert_false (rl_window_is_busy (window));
  rl_train_view_set_from_current (view, TRUE);   /* the model in use's net */
  g_assert_true (rl_train_view_can_start (view));
  rl_train_view_set_from_current (view, FALSE);

  ui_test_destroy_window (window);
}

static gboolean
shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 100;
}

static guint
n_arcs (RlTrainView *view)
{
  const RlDiagram *d = rl_network_view_get_diagram (rl_train_view_get_network_view (view));

  g_assert_nonnull (d);
  return rl_diagram_get_n_arcs (d);
}

/* The Train view's diagram draws the net chosen, follows the text as it is typed (keeping the
 * last valid net while it is not), and draws the model in use while the run would continue
 * it; a click on a layer stays in Train. */
static void
test_diagram (void)
{
  RlWindow *window = ui_test_new_window ();
  RlTrainView *view = rl_window_get_train_view (window);
  RlNetChooser *chooser = rl_train_view_get_net_chooser (view);
  RlNetworkView *network = rl_train_view_get_network_view (view);
  RlModel *in_use = rl_predictor_get_model (rl_window_get_predictor (window));
  GtkTextBuffer *buffer;
  GtkTextIter end;
  const RlDiagram *d;

  rl_window_set_view (window, "train");
  ui_test_spin (100);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (network)));   /* hidden at first */
  rl_train_view_show_network (view, TRUE);
  g_assert_true (ui_test_wait_for (shown, network, 10));

  /* resnet-20: three stages of three blocks, each with its option-A shortcut */
  rl_net_chooser_choose (chooser, "resnet-20");
  d = rl_network_view_get_diagram (network);
  g_assert_nonnull (d);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 9);
  g_assert_cmpuint (rl_diagram_get_n_blocks (d), ==, 9);
  g_assert_cmpuint (rl_diagram_get_n_stages (d), ==, 3);
  for (guint i = 0; i < rl_diagram_get_n_arcs (d); i++)
    g_assert_cmpint (rl_diagram_get_arc (d, i)->shortcut, !=, RL_SHORTCUT_B);
  {
    g_autoptr (GError) error = NULL;
    RlModel *resnet20 = rl_model_new_mnist (rl_net_chooser_get_arch (chooser), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (resnet20));
    rl_model_free (resnet20);
  }
  /* its plain twin: no arcs */
  rl_net_chooser_choose (chooser, "plain-20");
  g_assert_cmpuint (n_arcs (view), ==, 0);
  g_assert_cmpuint (rl_diagram_get_n_blocks (rl_network_view_get_diagram (network)), ==, 9);

  /* a custom net typed: one block, one arc; typed on, while not a net (no final linear) the
   * last net stays; then two more blocks, one plain: two arcs */
  rl_net_chooser_set_custom_text (chooser, CUSTOM);
  g_assert_cmpuint (n_arcs (view), ==, 1);
  d = rl_network_view_get_diagram (network);
  g_assert_cmpint (ui_test_diagram_find_box (d, "c"), >, 0);
  g_assert_cmpint (ui_test_diagram_find_box (d, "fc"), >, 0);
  buffer = find_editor (chooser);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, " relu", -1);
  g_assert_null (rl_net_chooser_get_arch (chooser));
  g_assert_true (rl_network_view_get_diagram (network) == d);
  rl_net_chooser_set_custom_text (chooser, "c=conv(8,k=3) relu maxpool(2) r=res(8) "
                                           "q=res(16,s=2,shortcut=B) n=res(16,shortcut=none) "
                                           "gap fc=linear(10)");
  d = rl_network_view_get_diagram (network);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 2);
  g_assert_cmpuint (rl_diagram_get_n_blocks (d), ==, 3);
  g_assert_cmpint (ui_test_diagram_find_box (d, "q.shortcut"), >, 0);   /* option B's projection */

  /* a click on a layer outlines it and stays here: Inside shows another net, the model in use */
  rl_network_view_activate_box (network, (guint) ui_test_diagram_find_box (d, "c"));
  g_assert_cmpint (rl_network_view_get_selected_layer (network), ==, 0);
  g_assert_cmpstr (rl_window_get_view (window), ==, "train");
  ui_test_spin (100);   /* draws */

  /* continuing the model in use: its net (the bundled seed net), then the chosen one again */
  rl_train_view_set_from_current (view, TRUE);
  d = rl_network_view_get_diagram (network);
  g_assert_cmpuint (rl_diagram_get_n_arcs (d), ==, 2);
  g_assert_cmpint (ui_test_diagram_find_box (d, "rblock1.conv1"), >, 0);
  g_assert_cmpuint (rl_diagram_get_n_params (d), ==, rl_model_get_n_params (in_use));
  rl_train_view_set_from_current (view, FALSE);
  d = rl_network_view_get_diagram (network);
  g_assert_cmpint (ui_test_diagram_find_box (d, "q.shortcut"), >, 0);

  rl_train_view_show_network (view, FALSE);
  ui_test_spin (50);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (network)));
  ui_test_destroy_window (window);
}

static gboolean
not_busy (gpointer data)
{
  return !rl_window_is_busy (data);
}

/* A custom net typed in the editor trains from the app; the model in use before is kept in
 * Models; the new one is used in every view, and its file loads in reslab-cli eval. */
static void
test_train_custom (void)
{
  RlWindow *window;
  RlTrainView *view;
  RlModel *model;
  g_autofree char *before_path = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *arch_text = NULL;
  g_autoptr (RlArch) expected = rl_arch_parse (CUSTOM, NULL);
  const float *probs;
  guint n_classes = 0;
  double sum = 0;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;

  window = ui_test_new_window ();
  view = rl_window_get_train_view (window);
  before_path = g_strdup (rl_window_get_model_path (window));
  rl_net_chooser_choose (rl_train_view_get_net_chooser (view), CUSTOM);
  rl_train_view_set_train_images (view, 640);
  rl_train_view_set_epochs (view, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL));
  g_assert_true (rl_window_is_busy (window));
  g_assert_true (ui_test_wait_for (not_busy, window, 120));
  /* the line above the progress bar names the net */
  g_assert_cmpstr (rl_train_view_get_progress_text (view), ==,
                   "Finished after 1 epoch · a custom net of 6 layers");

  model = rl_predictor_get_model (rl_window_get_predictor (window));
  assert_same_arch (rl_model_get_arch (model), expected);
  saved = g_strdup (rl_window_get_model_path (window));
  g_assert_nonnull (saved);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (rl_model_store_find (rl_window_get_model_store (window), saved));
  /* the model in use before is still a file of Models, or the bundled one */
  if (before_path != NULL)
    g_assert_true (g_file_test (before_path, G_FILE_TEST_IS_REGULAR));

  /* Draw predicts with it; Inside and Errors show it (a warning would abort the test) */
  rl_window_set_view (window, "draw");
  ui_test_spin (200);
  probs = rl_predictor_get_probs (rl_window_get_predictor (window), &n_classes);
  g_assert_cmpuint (n_classes, ==, 10);
  for (guint i = 0; i < n_classes; i++)
    sum += probs[i];
  g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-4);
  rl_window_set_view (window, "inside");
  ui_test_spin (300);
  rl_window_set_view (window, "errors");
  ui_test_spin (300);
  ui_test_destroy_window (window);

  /* reslab-cli eval loads the file the app saved, with its arch */
  {
    g_autoptr (Run) r = RUN ("eval", "--model", saved, "--threads", "1");
    g_autoptr (RlModel) loaded = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_cmpint (r->status, ==, 0);
    g_assert_nonnull (strstr (r->out, "ccuracy"));
    loaded = rl_model_load (saved, NULL, &error);
    g_assert_no_error (error);
    arch_text = rl_arch_to_string (rl_model_get_arch (loaded));
    g_assert_cmpstr (arch_text, ==, "c=conv(8,k=3) relu maxpool(2) r=res(8) gap fc=linear(10)");
  }
}

/* Inside with a net of every layer kind: batch norm, a block with projection (B) and batch
 * norm, one with the identity, one with option A, a plain one, GAP; the first conv 5×5 with 4
 * filters. Every map has its row, named for what it is. */
static void
test_inside_every_kind (void)
{
  static const char *text =
    "c=conv(4,k=5,p=2) b=bn relu maxpool(2) r=res(8,s=2,shortcut=B,bn=1) q=res(8) "
    "a=res(16,s=2,shortcut=A) n=res(16,shortcut=none) gap fc=linear(10)";
  RlWindow *window = ui_test_new_window ();
  RlInsideView *inside = rl_window_get_inside_view (window);
  RlFeatureView *features = rl_inside_view_get_feature_view (inside);
  g_autoptr (RlArch) arch = rl_arch_parse (text, NULL);
  RlModel *model = rl_model_new_mnist (arch, NULL);
  g_autoptr (GString) labels = g_string_new (NULL);
  guint n_sections;

  rl_model_init_params (model, 3);
  rl_predictor_set_model (rl_window_get_predictor (window), model, RL_DATASET_MNIST);
  rl_window_set_view (window, "inside");
  ui_test_draw_digit (window, 3);
  ui_test_spin (200);

  n_sections = rl_feature_view_get_n_sections (features);
  for (guint s = 0; s < n_sections; s++)
    {
      g_string_append_printf (labels, "[%s:", rl_feature_view_get_section_title (features, s));
      for (guint r = 0; r < rl_feature_view_get_section_n_rows (features, s); r++)
        g_string_append_printf (labels, " %s", rl_feature_view_get_row_label (features, s, r));
      g_string_append (labels, "] ");
    }
  g_test_message ("%s", labels->str);
  /* input; c → bn → ReLU → max pool; the four blocks; GAP; fc */
  g_assert_cmpuint (n_sections, ==, 1 + 1 + 4 + 1 + 1);
  g_assert_nonnull (strstr (labels->str, "[c → b → ReLU → max pool 2×2: c b ReLU max pool 2×2]"));
  g_assert_nonnull (strstr (labels->str, "[r · residual block: x F(x) shortcut(x) relu(F(x) + sc(x))]"));
  g_assert_nonnull (strstr (labels->str, "[a · residual block: x F(x) shortcut(x) relu(F(x) + sc(x))]"));
  g_assert_nonnull (strstr (labels->str, "[n · plain block: x F(x) relu(F(x))]"));
  g_assert_nonnull (strstr (labels->str, "[q · residual block: x F(x) relu(F(x) + x)]"));
  g_assert_nonnull (strstr (labels->str, "[average pool: average pool]"));
  g_assert_cmpstr (rl_filter_view_get_tensor_name (rl_inside_view_get_filter_view (inside)), ==,
                   "c.weight");
  ui_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  cli_test_init ();

  ui_test_add ("/ui/net/round-trip", test_round_trip);
  ui_test_add ("/ui/net/errors", test_errors);
  ui_test_add ("/ui/net/typing-makes-custom", test_typing_makes_custom);
  ui_test_add ("/ui/net/defaults", test_defaults);
  ui_test_add ("/ui/net/diagram", test_diagram);
  ui_test_add ("/ui/net/train-custom", test_train_custom);
  ui_test_add ("/ui/net/inside-every-kind", test_inside_every_kind);
  return ui_test_run ();
}
