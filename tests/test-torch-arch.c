/* test-torch-arch.c: tools/reslab_torch.py builds the same nets as the engine.
 *
 * For each architecture (the seed net; resnet-8 and plain-8 with batch norm, options A and B;
 * resnet-8 without batch norm; a custom description with a bn layer, max pooling, a plain
 * block and a projection), a model is initialised, trained three SGD steps on the MNIST
 * fixture (so batch norm's running statistics are not the initial ones), saved, and its logits
 * on eight test images in evaluation mode compared with those of the PyTorch module loaded
 * from the same file (load_state_dict(strict=True): the names and shapes match), within 1e-4.
 *
 * Needs /usr/bin/python3 with torch (Debian's python3-torch); without it the test reports a
 * skip with the reason, never a pass.
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-model.h"

#include "mnist-test-utils.h"

#define PYTHON "/usr/bin/python3"
#define N_IMAGES 8

static RlDataset *train_set, *test_set;

typedef struct {
  const char *label;
  int         depth;       /* 0: @text */
  gboolean    residual;
  RlShortcut  shortcut;
  gboolean    bn;
  const char *text;
} Case;

static const Case cases[] = {
  { "seed", 0, FALSE, 0, FALSE, "seed" },
  { "resnet-8-A-bn", 8, TRUE, RL_SHORTCUT_A, TRUE, NULL },
  { "plain-8-bn", 8, FALSE, RL_SHORTCUT_A, TRUE, NULL },
  { "resnet-8-B-bn", 8, TRUE, RL_SHORTCUT_B, TRUE, NULL },
  { "resnet-8-A", 8, TRUE, RL_SHORTCUT_A, FALSE, NULL },
  { "resnet-8-B", 8, TRUE, RL_SHORTCUT_B, FALSE, NULL },
  { "custom", 0, FALSE, 0, FALSE,
    "c1=conv(8,k=3,p=1) b1=bn relu maxpool(2) r1=res(8,shortcut=none) "
    "r2=res(12,s=2,shortcut=B) r3=res(16,s=2,shortcut=A,bn=1) gap fc=linear(10)" },
};

static void
test_logits (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "tools", "reslab_torch.py",
                                                   NULL);
  g_autofree char *dir = g_dir_make_tmp ("reslab-torch-XXXXXX", &error);
  g_autofree char *x_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  float x[N_IMAGES * 28 * 28];
  float logits[G_N_ELEMENTS (cases)][N_IMAGES * 10];
  uint32_t idx[N_IMAGES];
  JsonObject *root;

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip (PYTHON " is missing");
      return;
    }
  g_assert_no_error (error);
  for (int i = 0; i < N_IMAGES; i++)
    idx[i] = (uint32_t) i;
  rl_dataset_get_batch (test_set, idx, N_IMAGES, x, NULL);
  x_path = g_build_filename (dir, "x.f32", NULL);
  g_assert_true (g_file_set_contents (x_path, (const char *) x, sizeof x, &error));
  g_assert_no_error (error);

  g_ptr_array_add (argv, g_strdup (PYTHON));
  g_ptr_array_add (argv, g_strdup (script));
  g_ptr_array_add (argv, g_strdup ("logits"));
  g_ptr_array_add (argv, g_strdup ("--input"));
  g_ptr_array_add (argv, g_strdup (x_path));
  g_ptr_array_add (argv, g_strdup ("--n"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", N_IMAGES));
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(RlArch) arch = cases[c].depth > 0
        ? rl_arch_new_cifar (cases[c].depth, cases[c].residual, cases[c].shortcut, cases[c].bn,
                             &error)
        : rl_arch_parse (cases[c].text, &error);
      g_autoptr(RlModel) model = NULL;
      g_autofree char *file = g_strconcat (cases[c].label, ".safetensors", NULL);
      char *path = g_build_filename (dir, file, NULL);

      g_assert_no_error (error);
      model = rl_model_new_mnist (arch, &error);
      g_assert_no_error (error);
      rl_model_init_params (model, 3 + c);
      mnist_test_train_a_little (model, train_set, 32);
      rl_model_predict (model, x, N_IMAGES, logits[c]);
      g_assert_true (rl_model_save (model, path, NULL, &error));
      g_assert_no_error (error);
      g_ptr_array_add (paths, path);
      g_ptr_array_add (argv, g_strdup (path));
    }
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < paths->len; i++)
    g_unlink (paths->pdata[i]);
  g_unlink (x_path);
  g_rmdir (dir);
  if (g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 77)
    {
      g_autofree char *reason = g_strdup (g_strstrip (err));

      g_test_skip (reason);   /* "PyTorch is missing ...; install python3-torch" */
      return;
    }
  g_test_message ("%s", err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      JsonArray *rows = json_object_get_array_member (root, paths->pdata[c]);
      double worst = 0.0;

      g_assert_nonnull (rows);
      g_assert_cmpuint (json_array_get_length (rows), ==, N_IMAGES);
      for (int i = 0; i < N_IMAGES; i++)
        {
          JsonArray *row = json_array_get_array_element (rows, i);

          g_assert_cmpuint (json_array_get_length (row), ==, 10);
          for (int k = 0; k < 10; k++)
            {
              double torch = json_array_get_double_element (row, k);
              double ours = logits[c][i * 10 + k];

              worst = MAX (worst, fabs (torch - ours) / MAX (1.0, fabs (ours)));
            }
        }
      g_test_message ("%s: largest logit difference %.2e", cases[c].label, worst);
      if (!(worst <= 1e-4))
        g_error ("%s: PyTorch's logits differ from the engine's by %g", cases[c].label, worst);
    }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  train_set = mnist_test_load (RL_SPLIT_TRAIN);
  test_set = mnist_test_load (RL_SPLIT_TEST);

  g_test_add_func ("/engine/torch-arch/logits", test_logits);
  ret = g_test_run ();
  rl_dataset_unref (train_set);
  rl_dataset_unref (test_set);
  return ret;
}
