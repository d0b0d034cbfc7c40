/* test-torch-roundtrip.c: a resnet-20 trained by ResLab is the same net in PyTorch, and back.
 *
 * reslab-cli trains a resnet-20 (200 iterations of batch 32, the degradation experiment's SGD)
 * and evaluates it on the 10,000 MNIST test images; tools/reslab_torch.py loads the file into
 * its nn.Module (load_state_dict(strict=True)) and evaluates it on the same images; it must
 * count the same correct images, give or take the images whose two best logits are within
 * 1e-4 (where the order of float additions can pick the other class; the script counts them).
 * Then the script saves the module's state_dict as a ResLab file: its tensors are the
 * original's bit for bit, its description the same, and reslab-cli eval counts exactly the
 * same correct images on it.
 *
 * Slow suite: needs MNIST (./dev.sh data) and /usr/bin/python3 with torch (Debian's
 * python3-torch); without torch the test reports a skip with the reason, never a pass.
 */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-test-utils.h"
#include "rl-safetensors.h"

#define PYTHON "/usr/bin/python3"

static char *script;

/* Runs tools/reslab_torch.py with @args; returns its exit status, *out its stdout. */
static int
run_torch (char **out, const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) PYTHON);
  g_ptr_array_add (argv, script);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_test_message ("$ reslab_torch.py %s ...\n%s%s", args[0],
                   strcmp (args[0], "--help") == 0 ? "" : *out, err);
  if (g_subprocess_get_exit_status (proc) == 77)
    g_test_skip (g_strstrip (err));   /* "PyTorch is missing ...; install python3-torch" */
  return g_subprocess_get_exit_status (proc);
}

#define RUN_TORCH(out, ...) run_torch (out, (const char * const[]) { __VA_ARGS__, NULL })

/* The N of "test accuracy P% (N/10000)" in @text. */
static int
correct_of (const char *text)
{
  g_autoptr(GRegex) re = g_regex_new ("^test accuracy \\d+\\.\\d\\d% \\((\\d+)/10000\\)$",
                                      G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  g_autofree char *n = NULL;

  if (!g_regex_match (re, text, 0, &m))
    g_error ("no test accuracy line on 10000 images in:\n%s", text);
  n = g_match_info_fetch (m, 1);
  return atoi (n);
}

static int
near_ties_of (const char *text)
{
  const char *at = strstr (text, "near ties (two best logits within 1e-4): ");

  g_assert_nonnull (at);
  return atoi (at + strlen ("near ties (two best logits within 1e-4): "));
}

/* Every tensor of @a and @b: the same names, shapes and bits. */
static void
assert_same_tensors (const char *a_path, const char *b_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSafetensors) a = rl_safetensors_load (a_path, &error);
  g_autoptr(RlSafetensors) b = NULL;

  g_assert_no_error (error);
  b = rl_safetensors_load (b_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rl_safetensors_get_n_tensors (a), ==, rl_safetensors_get_n_tensors (b));
  for (guint i = 0; i < rl_safetensors_get_n_tensors (a); i++)
    {
      const RlTensorView *ta = rl_safetensors_get_tensor (a, i);
      const RlTensorView *tb = rl_safetensors_lookup (b, ta->name);

      if (tb == NULL)
        g_error ("%s has no tensor %s", b_path, ta->name);
      g_assert_cmpint (ta->ndim, ==, tb->ndim);
      for (int d = 0; d < ta->ndim; d++)
        g_assert_cmpint (ta->shape[d], ==, tb->shape[d]);
      g_assert_cmpmem (ta->data, sizeof (float) * rl_tensor_view_numel (ta),
                       tb->data, sizeof (float) * rl_tensor_view_numel (tb));
    }
}

static void
test_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("reslab-roundtrip-XXXXXX", &error);
  g_autofree char *model = g_build_filename (dir, "resnet-20.safetensors", NULL);
  g_autofree char *back = g_build_filename (dir, "resnet-20-from-torch.safetensors", NULL);
  g_autofree char *probe = NULL, *t_out = NULL, *export_out = NULL, *t_back_out = NULL;
  int n_engine, n_torch, near, n_back, n_torch_back;

  g_assert_no_error (error);
  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip (PYTHON " is missing");
      return;
    }
  /* Without torch, skip before the minutes of training (reslab_torch.py exits 77; with torch,
   * --help is a usage message and status 2). */
  if (RUN_TORCH (&probe, "--help") == 77)
    {
      g_rmdir (dir);
      return;
    }

  {
    g_autoptr(Run) train = RUN ("train", "--arch", "resnet-20", "--limit", "6400", "--batch",
                                "32", "--epochs", "1", "--lr", "0.1", "--momentum", "0.9",
                                "--weight-decay", "1e-4", "--seed", "1", "--threads", "2",
                                "--out", model);
    g_autoptr(Run) eval = NULL;
    g_autoptr(Run) eval_back = NULL;
    g_autoptr(Run) arch = NULL;
    g_autoptr(Run) arch_back = NULL;

    if (train->status != 0)
      g_error ("training failed (MNIST is needed: ./dev.sh data):\n%s", train->err);
    eval = RUN ("eval", "--model", model, "--threads", "2");
    g_assert_cmpint (eval->status, ==, 0);
    n_engine = correct_of (eval->out);

    g_assert_cmpint (RUN_TORCH (&t_out, "eval", model), ==, 0);
    n_torch = correct_of (t_out);
    near = near_ties_of (t_out);
    g_test_message ("resnet-20 on 10000 test images: reslab-cli %d correct, PyTorch %d "
                    "(%d near ties)", n_engine, n_torch, near);
    g_assert_cmpint (ABS (n_engine - n_torch), <=, near);
    /* 200 iterations already learn the digits (measured: 89.12 %; chance is 10 %) */
    g_assert_cmpint (n_engine, >=, 8000);

    g_assert_cmpint (RUN_TORCH (&export_out, "export", model, back), ==, 0);
    assert_same_tensors (model, back);
    assert_same_tensors (back, model);
    arch = RUN ("info", "--arch", model);
    arch_back = RUN ("info", "--arch", back);
    g_assert_cmpint (arch_back->status, ==, 0);
    g_assert_cmpstr (arch_back->out, ==, arch->out);

    eval_back = RUN ("eval", "--model", back, "--threads", "2");
    g_assert_cmpint (eval_back->status, ==, 0);
    n_back = correct_of (eval_back->out);
    g_assert_cmpint (n_back, ==, n_engine);
    g_assert_cmpint (RUN_TORCH (&t_back_out, "eval", back), ==, 0);
    n_torch_back = correct_of (t_back_out);
    g_assert_cmpint (n_torch_back, ==, n_torch);
    g_test_message ("saved back by PyTorch: reslab-cli %d correct, PyTorch %d", n_back,
                    n_torch_back);
  }
  g_unlink (model);
  g_unlink (back);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  cli_test_init ();
  script = g_test_build_filename (G_TEST_DIST, "..", "tools", "reslab_torch.py", NULL);
  g_test_add_func ("/slow/torch-roundtrip/resnet-20", test_roundtrip);
  ret = g_test_run ();
  g_free (script);
  return ret;
}
