/* test-ui-settings.c: what the window remembers (rl-window-settings.c): a window's size, its
 * view and the views' settings are written to GSettings as they change and restored by the
 * next window; so is the model in use (rl-window-model.c), falling back to the bundled model
 * when its file is gone or broken. GSETTINGS_BACKEND=memory (ui_test_init) keeps the user's settings out of it;
 * GSETTINGS_SCHEMA_DIR (tests/meson.build) points at the build folder's compiled schema. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ui-test-utils.h"

#include "rl-landscape-view.h"
#include "rl-window.h"

static RlWindow *
new_window (void)
{
  RlWindow *window = g_object_ref_sink (rl_window_new (NULL));

  gtk_window_present (GTK_WINDOW (window));
  ui_test_spin (50);
  return window;
}

static void
assert_key_is (GSettings  *settings,
               const char *key,
               const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_assert_cmpstr (value, ==, expected);
}

static void
test_schema_memory_backend (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  g_autoptr (GSettingsBackend) backend = NULL;

  g_object_get (settings, "backend", &backend, NULL);
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (backend), ==, "GMemorySettingsBackend");
}

static void
test_window_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  RlWindow *window = new_window ();
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  rl_window_set_view (window, "inside");
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 720);
  assert_key_is (settings, "last-view", "inside");
  ui_test_destroy_window (window);

  /* taking the window apart did not change what it remembers */
  assert_key_is (settings, "last-view", "inside");

  window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 720);
  g_assert_cmpstr (rl_window_get_view (window), ==, "inside");
  rl_window_set_view (window, "draw");
  ui_test_destroy_window (window);

  /* a setting written elsewhere (another window, dconf-editor) is the next window's. (Not
   * "window-maximized": bare Xvfb has no window manager to maximize a window, so GTK reports
   * it unmaximized and writes that back.) */
  g_settings_set_string (settings, "last-view", "experiment");
  window = new_window ();
  g_assert_cmpstr (rl_window_get_view (window), ==, "experiment");
  rl_window_set_view (window, "draw");
  ui_test_destroy_window (window);
  assert_key_is (settings, "last-view", "draw");
}

static void
test_train_settings_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  RlWindow *window = new_window ();
  RlTrainConfig config;
  guint images;

  rl_train_view_set_epochs (rl_window_get_train_view (window), 3);
  rl_train_view_set_train_images (rl_window_get_train_view (window), 2000);
  g_object_set (rl_window_get_train_view (window), "learning-rate", 0.05, "momentum", 0.8, NULL);
  g_assert_cmpint (g_settings_get_int (settings, "train-epochs"), ==, 3);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "train-learning-rate"), 0.05,
                                  1e-9);
  ui_test_destroy_window (window);

  /* batch size and seed have no setter: written here as another window would */
  g_settings_set_int (settings, "train-batch-size", 32);
  g_settings_set_uint (settings, "train-seed", 7);

  window = new_window ();
  rl_train_view_get_settings (rl_window_get_train_view (window), &config, &images, NULL);
  g_assert_cmpint (config.epochs, ==, 3);
  g_assert_cmpuint (images, ==, 2000);
  g_assert_cmpfloat_with_epsilon (config.lr, 0.05, 1e-6);
  g_assert_cmpfloat_with_epsilon (config.momentum, 0.8, 1e-6);
  g_assert_cmpint (config.batch, ==, 32);
  g_assert_cmpuint (config.seed, ==, 7);
  g_assert_cmpint (config.dataset, ==, RL_DATASET_MNIST);
  ui_test_destroy_window (window);
}

/* The Train view's net (#18): the family, its options and the custom text come back, and so do
 * learning rate, momentum and weight decay edited after the family gave its defaults. */
static void
test_train_net_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  RlWindow *window = new_window ();
  RlNetChooser *chooser = rl_train_view_get_net_chooser (rl_window_get_train_view (window));
  RlTrainConfig config;
  g_autofree char *custom = NULL;
  g_autofree char *shown = NULL;
  g_autoptr (RlArch) expected = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *got_text = NULL;

  rl_net_chooser_set_custom_text (chooser, "c=conv(8,k=3) relu gap fc=linear(10)");
  rl_net_chooser_set_cifar (chooser, 32, RL_SHORTCUT_B, FALSE);
  rl_net_chooser_set_family (chooser, RL_NET_RESNET);
  g_object_set (rl_window_get_train_view (window), "learning-rate", 0.02, NULL);
  assert_key_is (settings, "train-net", "resnet");
  assert_key_is (settings, "train-net-shortcut", "projection");
  g_assert_cmpint (g_settings_get_int (settings, "train-net-depth"), ==, 32);
  g_assert_false (g_settings_get_boolean (settings, "train-net-batch-norm"));
  custom = g_settings_get_string (settings, "train-net-custom");
  g_assert_cmpstr (custom, ==, "c=conv(8,k=3) relu gap fc=linear(10)");
  ui_test_destroy_window (window);

  window = new_window ();
  chooser = rl_train_view_get_net_chooser (rl_window_get_train_view (window));
  g_assert_cmpint (rl_net_chooser_get_family (chooser), ==, RL_NET_RESNET);
  expected = rl_arch_new_cifar (32, TRUE, RL_SHORTCUT_B, FALSE, NULL);
  expected_text = rl_arch_to_string (expected);
  got_text = rl_arch_to_string (rl_net_chooser_get_arch (chooser));
  g_assert_cmpstr (got_text, ==, expected_text);
  rl_train_view_get_settings (rl_window_get_train_view (window), &config, NULL, NULL);
  g_assert_cmpfloat_with_epsilon (config.lr, 0.02, 1e-6);
  /* the custom text is kept for when Custom is chosen again */
  rl_net_chooser_set_family (chooser, RL_NET_CUSTOM);
  shown = rl_net_chooser_get_text (chooser);
  g_assert_cmpstr (shown, ==, "c=conv(8,k=3) relu gap fc=linear(10)");
  ui_test_destroy_window (window);
}

static void
test_experiment_settings_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  RlWindow *window = new_window ();
  RlExperimentView *view = rl_window_get_experiment_view (window);
  RlExperimentConfig config;
  RlDatasetKind kind;

  rl_experiment_view_set_depth (view, 20);
  rl_experiment_view_set_shortcut (view, RL_SHORTCUT_B);
  rl_experiment_view_set_bn (view, FALSE);
  rl_experiment_view_set_epochs (view, 2);
  rl_experiment_view_set_seeds (view, 3);
  g_assert_cmpint (g_settings_get_int (settings, "experiment-depth"), ==, 20);
  g_assert_cmpint (g_settings_get_int (settings, "experiment-seeds"), ==, 3);
  assert_key_is (settings, "experiment-shortcut", "projection");
  ui_test_destroy_window (window);

  window = new_window ();
  view = rl_window_get_experiment_view (window);
  rl_experiment_view_get_settings (view, &config, &kind);
  g_assert_cmpint (rl_experiment_view_get_depth (view), ==, 20);
  g_assert_cmpint (config.shortcut, ==, RL_SHORTCUT_B);
  g_assert_false (config.bn);
  g_assert_cmpint (config.epochs, ==, 2);
  g_assert_cmpint (kind, ==, RL_DATASET_MNIST);
  g_assert_cmpuint (rl_experiment_view_get_seeds (view), ==, 3);
  ui_test_destroy_window (window);
}

/* The Landscape tab's grid, images and figure (#16). */
static void
test_landscape_settings_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  RlWindow *window = new_window ();
  RlLandscapeView *view = rl_window_get_landscape_view (window);

  /* the defaults, as the tab starts without settings */
  g_assert_cmpuint (rl_landscape_view_get_grid (view), ==, 17);
  g_assert_cmpuint (rl_landscape_view_get_images (view), ==, 200);
  g_assert_cmpstr (rl_landscape_view_get_figure (view), ==, "contours");

  rl_landscape_view_set_grid (view, 33);
  rl_landscape_view_set_images (view, 450);
  rl_landscape_view_show (view, "surface");
  g_assert_cmpint (g_settings_get_int (settings, "landscape-grid"), ==, 33);
  g_assert_cmpint (g_settings_get_int (settings, "landscape-images"), ==, 450);
  assert_key_is (settings, "landscape-figure", "surface");
  ui_test_destroy_window (window);

  window = new_window ();
  view = rl_window_get_landscape_view (window);
  g_assert_cmpuint (rl_landscape_view_get_grid (view), ==, 33);
  g_assert_cmpuint (rl_landscape_view_get_images (view), ==, 450);
  g_assert_cmpstr (rl_landscape_view_get_figure (view), ==, "surface");
  /* the line too; a grid the tab does not offer gives the default */
  rl_landscape_view_show (view, "line");
  g_settings_set_int (settings, "landscape-grid", 10);
  g_assert_cmpuint (rl_landscape_view_get_grid (view), ==, 17);
  ui_test_destroy_window (window);

  window = new_window ();
  view = rl_window_get_landscape_view (window);
  g_assert_cmpstr (rl_landscape_view_get_figure (view), ==, "line");
  ui_test_destroy_window (window);
  g_settings_reset (settings, "landscape-grid");
}

static void
test_inside_scaling_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  RlWindow *window;

  g_settings_set_string (settings, "inside-scaling", "per-map");
  window = new_window ();
  g_assert_cmpint (rl_feature_view_get_scaling (rl_inside_view_get_feature_view (
                     rl_window_get_inside_view (window))), ==, RL_SCALING_PER_MAP);
  ui_test_destroy_window (window);
  assert_key_is (settings, "inside-scaling", "per-map");
  g_settings_reset (settings, "inside-scaling");
}

/* A copy of the bundled model, as a file of its own (not a run of the model store). */
static char *
copy_bundled_model (const char *name)
{
  g_autoptr (GBytes) bytes = g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE,
                                                      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (bytes == NULL)
    return NULL;
  path = g_build_filename (ui_test_tmp_dir, name, NULL);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
use_model (RlWindow   *window,
           const char *path)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.use-model", "s", path));
  /* a file is opened off the main thread */
  for (int i = 0; i < 500 && g_strcmp0 (rl_window_get_model_path (window), path) != 0; i++)
    ui_test_spin (10);
  g_assert_cmpstr (rl_window_get_model_path (window), ==, path);
}

static void
test_model_restored (void)
{
  g_autoptr (GSettings) settings = ui_test_app_settings ();
  g_autofree char *path = copy_bundled_model ("chosen.safetensors");
  RlWindow *window;

  if (path == NULL)
    {
      g_test_skip ("no bundled model in this build (resources/models/seed.safetensors)");
      return;
    }
  assert_key_is (settings, "model", "bundled");

  /* a file chosen is remembered, and the next window starts with it */
  window = new_window ();
  g_assert_null (rl_window_get_model_path (window));
  use_model (window, path);
  assert_key_is (settings, "model", path);
  ui_test_destroy_window (window);
  assert_key_is (settings, "model", path);

  window = new_window ();
  g_assert_cmpstr (rl_window_get_model_path (window), ==, path);
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "chosen.safetensors"));

  /* back to the bundled model: remembered too */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.use-model", "s", ""));
  g_assert_null (rl_window_get_model_path (window));
  assert_key_is (settings, "model", "bundled");
  ui_test_destroy_window (window);
  window = new_window ();
  g_assert_null (rl_window_get_model_path (window));
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "bundled"));
  ui_test_destroy_window (window);

  /* the file remembered is broken: the bundled model, with a message, and the setting kept */
  g_settings_set_string (settings, "model", path);
  g_file_set_contents (path, "not a model", -1, NULL);
  g_test_expect_message ("reslab-ui", G_LOG_LEVEL_MESSAGE, "Not using the model remembered*");
  window = new_window ();
  g_test_assert_expected_messages ();
  g_assert_null (rl_window_get_model_path (window));
  g_assert_nonnull (strstr (rl_window_get_model_description (window), "bundled"));
  ui_test_destroy_window (window);
  assert_key_is (settings, "model", path);

  /* the file remembered is gone: the same */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_test_expect_message ("reslab-ui", G_LOG_LEVEL_MESSAGE, "Not using the model remembered*");
  window = new_window ();
  g_test_assert_expected_messages ();
  g_assert_null (rl_window_get_model_path (window));
  ui_test_destroy_window (window);

  g_settings_reset (settings, "model");
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/settings/memory-backend", test_schema_memory_backend);
  ui_test_add ("/ui/settings/window", test_window_restored);
  ui_test_add ("/ui/settings/train", test_train_settings_restored);
  ui_test_add ("/ui/settings/train-net", test_train_net_restored);
  ui_test_add ("/ui/settings/experiment", test_experiment_settings_restored);
  ui_test_add ("/ui/settings/landscape", test_landscape_settings_restored);
  ui_test_add ("/ui/settings/inside", test_inside_scaling_restored);
  ui_test_add ("/ui/settings/model", test_model_restored);

  return ui_test_run ();
}
