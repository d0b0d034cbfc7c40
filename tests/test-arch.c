/* Architecture descriptions (rl-arch.c) and the size limits on what they build (rl-limits.c):
 * round trips, refused arguments, the duplicate-name check's cost, and the memory bombs of
 * issue #12, each refused with its exact error before anything large is allocated. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "rl-arch.h"
#include "rl-error.h"
#include "rl-limits.h"
#include "rl-model.h"

#include "fs-test-utils.h"

static void
assert_round_trip (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) a = rl_arch_parse (text, &error);
  g_autoptr(RlArch) b = NULL;
  g_autofree char *s = NULL;

  g_assert_no_error (error);
  s = rl_arch_to_string (a);
  b = rl_arch_parse (s, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->n_layers, ==, b->n_layers);
  g_assert_cmpmem (a->layers, sizeof (RlLayerSpec) * a->n_layers,
                   b->layers, sizeof (RlLayerSpec) * b->n_layers);
}

static void
test_round_trip (void)
{
  assert_round_trip ("seed");
  assert_round_trip ("resnet-20");
  assert_round_trip ("plain-8");
  assert_round_trip ("gap c=conv(1,k=3,s=2,p=1) fc=linear(10)");
  assert_round_trip ("c=conv(8,k=1) b=bn r=relu m=maxpool(3) x=res(8,s=2,shortcut=B,bn=1) "
                     "y=res(8,shortcut=none) gap fc=linear(10)");
}

static void
assert_parse_fails (const char *text, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (text, &error);

  g_assert_null (arch);
  g_assert_error (error, RL_ERROR, code);
  g_test_message ("%.60s: %.200s", text, error->message);
}

/* Whether parsing @text fails with @code and a message (valid UTF-8) that holds @needle. */
static void
assert_parse_says (const char *text, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (text, &error);

  g_assert_null (arch);
  g_assert_error (error, RL_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, needle));
}

/* resnet-N past the deepest: the depth is too large, and the limit is said (#18: "expected a
 * depth after the dash", for a depth that was there); a depth of the form 6n+2 above it is not
 * said to be of another form. Bytes that are not UTF-8 are never copied into the message
 * (#12). */
static void
test_cifar_depth (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) deep = rl_arch_new_cifar (1208, TRUE, RL_SHORTCUT_A, TRUE, &error);

  g_assert_null (deep);
  g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "1202"));
  assert_parse_says ("resnet-20000", RL_ERROR_TOO_LARGE, "at most 1202");
  assert_parse_says ("plain-1208", RL_ERROR_TOO_LARGE, "at most 1202");
  assert_parse_says ("resnet-99999999999999999999999", RL_ERROR_TOO_LARGE, "at most 1202");
  assert_parse_says ("resnet-0", RL_ERROR_BAD_ARCH, "6n+2");
  assert_parse_says ("resnet-21", RL_ERROR_BAD_ARCH, "6n+2");
  assert_parse_says ("resnet-", RL_ERROR_BAD_ARCH, "expected a depth");
  assert_parse_says ("resnet--20", RL_ERROR_BAD_ARCH, "expected a depth");
  assert_parse_says ("resnet-20x", RL_ERROR_BAD_ARCH, "expected a depth");
  assert_parse_says ("resnet-\xff", RL_ERROR_BAD_ARCH, "UTF-8");
  assert_parse_says ("c=conv(4) \xfe\xff fc=linear(10)", RL_ERROR_BAD_ARCH, "c=conv(4) ");
  assert_parse_says ("c\xc3=conv(4) fc=linear(10)", RL_ERROR_BAD_ARCH, "UTF-8");
}

/* A key given twice in a layer's arguments is refused (#12: c=conv(4,k=3,k=5) took k=5), and
 * its place is the second one. */
static void
test_key_twice (void)
{
  const char *text = "c=conv(4,k=3,k=5) fc=linear(10)";
  g_autoptr(GError) error = NULL;
  RlArchPlace place;
  g_autoptr(RlArch) arch = rl_arch_parse_at (text, &place, &error);

  g_assert_null (arch);
  g_assert_error (error, RL_ERROR, RL_ERROR_BAD_ARCH);
  g_assert_nonnull (strstr (error->message, "“k” is given twice"));
  g_assert_cmpint (place.start, ==, (int) (strstr (text, "k=5") - text));
  g_assert_cmpint (place.end, ==, place.start + 3);
  assert_parse_says ("r=res(4,bn=1,shortcut=B,bn=0) fc=linear(10)", RL_ERROR_BAD_ARCH,
                     "“bn” is given twice");
  assert_parse_says ("r=res(4,s=2,s=2) fc=linear(10)", RL_ERROR_BAD_ARCH, "“s” is given twice");
  /* the same value of two keys is no repeat */
  {
    g_autoptr(GError) ok_error = NULL;
    g_autoptr(RlArch) ok = rl_arch_parse ("c=conv(4,k=3,p=3) fc=linear(10)", &ok_error);

    g_assert_no_error (ok_error);
    g_assert_nonnull (ok);
  }
}

/* relu, gap and bn take no argument; rl_arch_to_string would drop one (issue #12) */
static void
test_no_argument (void)
{
  assert_parse_fails ("c=conv(4) relu(117) fc=linear(10)", RL_ERROR_BAD_ARCH);
  assert_parse_fails ("c=conv(4) gap(1) fc=linear(10)", RL_ERROR_BAD_ARCH);
  assert_parse_fails ("c=conv(4) b=bn(4) fc=linear(10)", RL_ERROR_BAD_ARCH);
  assert_parse_fails ("c=conv(4) relu(k=3) fc=linear(10)", RL_ERROR_BAD_ARCH);
}

static char *
relu_chain (int n, gboolean named)
{
  GString *s = g_string_new ("c=conv(1,k=1)");

  for (int i = 0; i < n; i++)
    {
      if (named)
        g_string_append_printf (s, " r%d=relu", i);
      else
        g_string_append (s, " relu");
    }
  g_string_append (s, " fc=linear(10)");
  return g_string_free (s, FALSE);
}

/* the duplicate-name check is linear: 40,000 named layers took 4.3 s; now more than
 * RL_ARCH_MAX_LAYERS are refused by the count of their words, before any layer is parsed or
 * named (the message has the count), and as many as it allows parse at once. With at most
 * 2,048 layers, even a quadratic check would be milliseconds: the time is only reported. */
static void
test_many_layers (void)
{
  g_autofree char *ok = relu_chain (RL_ARCH_MAX_LAYERS - 2, TRUE);
  g_autofree char *dup_base = relu_chain (RL_ARCH_MAX_LAYERS - 3, TRUE);
  g_autofree char *dup = g_strconcat (dup_base, " r5=relu", NULL);
  g_autofree char *bomb = relu_chain (26000, FALSE);
  g_autofree char *named_bomb = relu_chain (40000, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = NULL;
  gint64 t0 = g_get_monotonic_time ();

  arch = rl_arch_parse (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpint (arch->n_layers, ==, RL_ARCH_MAX_LAYERS);
  assert_parse_fails (dup, RL_ERROR_BAD_ARCH);
  assert_parse_says (bomb, RL_ERROR_TOO_LARGE, "26002 layers: more than the limit of 2048");
  assert_parse_says (named_bomb, RL_ERROR_TOO_LARGE, "40002 layers: more than the limit of 2048");
  assert_parse_fails ("c=conv(4) c=relu fc=linear(10)", RL_ERROR_BAD_ARCH);
  g_test_message ("%.3f s", (g_get_monotonic_time () - t0) / 1e6);
}

/* rl_arch_cost's parameter count is the model's, on every kind of layer */
static void
test_cost_matches_model (void)
{
  static const char *archs[] = {
    "seed", "resnet-8", "plain-8", "resnet-56",
    "gap c=conv(1,k=3,s=2,p=1) fc=linear(10)",
    ("c=conv(8,k=3,s=2,p=1) b=bn relu maxpool(2) r=res(16,shortcut=B) "
     "q=res(16,s=2,shortcut=A) gap fc=linear(10)"),
    "c=conv(8,k=1) r=res(16,s=2,shortcut=B,bn=1) s=res(16,bn=1) fc=linear(10)",
  };

  for (guint i = 0; i < G_N_ELEMENTS (archs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlArch) arch = rl_arch_parse (archs[i], &error);
      g_autoptr(RlModel) model = NULL;
      RlArchCost cost;

      g_assert_no_error (error);
      model = rl_model_new_mnist (arch, &error);
      g_assert_no_error (error);
      g_assert_true (rl_arch_cost (arch, 1, 28, 28, &cost));
      g_assert_cmpuint (cost.n_params, ==, rl_model_get_n_params (model));
      g_assert_cmpuint (cost.activations, <=, RL_LIMIT_ACTIVATIONS);
      g_test_message ("%s: %zu parameters, %zu activations per image", archs[i],
                      cost.n_params, cost.activations);
    }
}

/* The batch bound holds every buffer a one-thread workspace of that many images has
 * (rl_model_train_memory counts them as rl_work_new allocates), and is not far above it: a
 * bound two or three times the real size refused nets that fit (issue #18's note). */
static void
test_batch_bound (void)
{
  static const char *archs[] = {
    "seed", "resnet-8", "plain-20", "resnet-56",
    "c1=conv(256,k=3,p=1) relu c2=conv(256,k=3,p=1) relu gap fc=linear(10)",
    ("c=conv(8,k=3,s=2,p=1) b=bn relu maxpool(2) r=res(16,shortcut=B) "
     "q=res(16,s=2,shortcut=A) gap fc=linear(10)"),
    "c=conv(8,k=1) r=res(16,s=2,shortcut=B,bn=1) s=res(16,bn=1) fc=linear(10)",
    "c=conv(12,k=5,s=1,p=2) relu maxpool(2) p=res(12) q=res(24,shortcut=A,bn=1) "
    "t=res(24,s=2,shortcut=B) gap fc=linear(10)",
  };
  static const int batches[] = { 1, 7, 64, 300 };

  for (guint i = 0; i < G_N_ELEMENTS (archs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlArch) arch = rl_arch_parse (archs[i], &error);
      g_autoptr(RlModel) model = NULL;

      g_assert_no_error (error);
      model = rl_model_new_mnist (arch, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < G_N_ELEMENTS (batches); j++)
        {
          int n = batches[j];
          guint64 bound = rl_limits_batch_floats (arch, 1, 28, 28, n) * sizeof (float);
          size_t real = rl_model_train_memory (model, n, 1);

          g_test_message ("%s at %d: bound %" G_GUINT64_FORMAT " bytes, workspace %zu",
                          archs[i], n, bound, real);
          g_assert_cmpuint (bound, >=, real);
          if (n >= 64)
            g_assert_cmpuint (bound, <=, real + real / 2);
        }
    }

  /* two wide layers at a batch of 1024: 7.5 GB of buffers, within the 16 GB limit (the old
   * bound said 19.6 GB and refused them) */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RlArch) wide = rl_arch_parse ("c1=conv(256,k=3,p=1) relu c2=conv(256,k=3,p=1) "
                                            "relu gap fc=linear(10)", NULL);

    g_assert_true (rl_limits_check_batch (wide, 1, 28, 28, 1024, &error));
    g_assert_no_error (error);
    g_assert_false (rl_limits_check_batch (wide, 1, 28, 28, 4096, &error));
    g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "a batch of 4096 images"));
  }
}

static void
assert_model_fails (const char *text, int c, int h, int w, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (text, &error);
  g_autoptr(RlModel) model = NULL;

  g_assert_no_error (error);
  model = rl_model_new (arch, c, h, w, 10, &error);
  g_assert_null (model);
  g_assert_error (error, RL_ERROR, code);
  g_test_message ("%.40s...: %s", text, error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

/* the memory bombs of issue #12, refused before anything is allocated */
static void
test_limits (void)
{
  g_autoptr(GString) wide = g_string_new ("c=conv(20000,k=1)");
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) seed = rl_arch_parse ("seed", NULL);

  for (int i = 0; i < 100; i++)
    g_string_append (wide, " relu");
  g_string_append (wide, " gap fc=linear(10)");
  assert_model_fails (wide->str, 1, 28, 28, RL_ERROR_TOO_LARGE, "activations per image");
  /* 65536 x 16 x 784: 822 M parameters; 20000 x 8 x 784: 125 M */
  assert_model_fails ("c=conv(16,k=1) fc=linear(65536)", 1, 28, 28, RL_ERROR_TOO_LARGE,
                      "parameters");
  assert_model_fails ("c=conv(8,k=1) fc=linear(20000)", 1, 28, 28, RL_ERROR_TOO_LARGE,
                      "parameters");
  /* wide layers: activations first */
  assert_model_fails ("c=conv(65536,k=1) fc=linear(10)", 1, 28, 28, RL_ERROR_TOO_LARGE,
                      "activations per image");
  assert_model_fails ("c=conv(4096,k=3,p=1) d=conv(4096,k=3,p=1) fc=linear(10)", 1, 28, 28,
                      RL_ERROR_TOO_LARGE, "limit");
  /* a big input, from a file's "input" metadata */
  assert_model_fails ("c=conv(64,k=1) relu relu relu fc=linear(10)", 4, 4096, 4096,
                      RL_ERROR_TOO_LARGE, "limit");
  /* shapes that do not fit are the model's to report */
  assert_model_fails ("c=conv(4,k=31) fc=linear(10)", 1, 28, 28, RL_ERROR_BAD_ARCH,
                      "too small");

  /* a batch bound for training runs */
  g_assert_true (rl_limits_check_batch (seed, 1, 28, 28, 64, &error));
  g_assert_no_error (error);
  g_assert_false (rl_limits_check_batch (seed, 1, 28, 28, 60000 * 100, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* and training memory against the computer's: three quarters of it at most, both sizes said */
  g_assert_true (rl_limits_check_memory ((size_t) 6 << 30, (size_t) 8 << 30, &error));
  g_assert_no_error (error);
  g_assert_false (rl_limits_check_memory ((size_t) 6 << 30 | 1, (size_t) 8 << 30, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "6.4"));
  g_assert_nonnull (strstr (error->message, "8.6"));
  g_clear_error (&error);
  /* this computer's: the seed net's batch of 64 fits any */
  g_assert_true (rl_limits_check_memory (20 << 20, 0, &error));
  g_assert_no_error (error);
  /* what this process may use: at most the computer's memory; the check's figure */
  {
    gboolean by_group = TRUE;
    guint64 memory = rl_limits_process_memory (&by_group);
    guint64 physical = (guint64) sysconf (_SC_PHYS_PAGES) * (guint64) sysconf (_SC_PAGESIZE);

    g_assert_cmpuint (memory, >, 0);
    g_assert_cmpuint (memory, <=, physical);
    g_assert_true (by_group == (memory < physical));
    g_assert_true (rl_limits_check_memory ((size_t) (memory / 4 * 3), 0, &error));
    g_assert_no_error (error);
    g_assert_false (rl_limits_check_memory ((size_t) (memory / 4 * 3) + 1, 0, &error));
    g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }
}

/* Writes @text to @root/@rel, making its folders. */
static void
write_under (const char *root, const char *rel, const char *text)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* A control group's memory limit, read as the kernel lays the files out (a folder standing for
 * /sys/fs/cgroup): the least limit on the way up, v1 and v2, and none where none is set. */
static void
test_cgroup_memory (void)
{
  g_autofree char *v1 = g_dir_make_tmp ("reslab-cgroup-v1-XXXXXX", NULL);
  g_autofree char *v2 = g_dir_make_tmp ("reslab-cgroup-v2-XXXXXX", NULL);
  g_autofree char *hybrid = g_dir_make_tmp ("reslab-cgroup-hybrid-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;

  /* v1, as a container runner sets it: its own group's limit; "no limit" is a huge number */
  write_under (v1, "memory/memory.limit_in_bytes", "9223372036854771712\n");
  write_under (v1, "memory/runner/memory.limit_in_bytes", "9223372036854771712\n");
  write_under (v1, "memory/runner/job/memory.limit_in_bytes", "1073741824\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("5:devices:/\n4:memory:/runner/job\n0::/\n", v1),
                    ==, 1073741824);
  /* a group below it is held by the limit above; the memory controller beside others */
  write_under (v1, "memory/runner/job/step/memory.limit_in_bytes", "9223372036854771712\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("4:memory:/runner/job/step\n", v1), ==,
                    1073741824);
  write_under (v1, "cpu,memory/a/memory.limit_in_bytes", "536870912\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("3:cpu,memory:/a\n", v1), ==, 536870912);
  /* no limit; a group whose files are not there; a path out of the folder */
  g_assert_cmpuint (rl_limits_cgroup_memory ("4:memory:/runner\n", v1), ==, G_MAXUINT64);
  g_assert_cmpuint (rl_limits_cgroup_memory ("4:memory:/elsewhere\n", v1), ==, G_MAXUINT64);
  g_assert_cmpuint (rl_limits_cgroup_memory ("4:memory:/runner/job/../../..\n", v1), ==,
                    G_MAXUINT64);

  /* v2 alone (a systemd slice): "max" is none, the slice's limit holds its services */
  write_under (v2, "cgroup.controllers", "cpu memory pids\n");
  write_under (v2, "user.slice/memory.max", "2147483648\n");
  write_under (v2, "user.slice/app.scope/memory.max", "max\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("0::/user.slice/app.scope\n", v2), ==,
                    2147483648);
  write_under (v2, "user.slice/app.scope/memory.max", "1000000000\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("0::/user.slice/app.scope\n", v2), ==,
                    1000000000);
  /* what does not read as a number is no limit */
  write_under (v2, "user.slice/memory.max", "lots\n");
  write_under (v2, "user.slice/app.scope/memory.max", "\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("0::/user.slice/app.scope\n", v2), ==,
                    G_MAXUINT64);

  /* v2 beside v1 ("hybrid"): its files are in unified/; the least of both */
  write_under (hybrid, "unified/ci/memory.max", "3000000000\n");
  write_under (hybrid, "memory/ci/memory.limit_in_bytes", "4000000000\n");
  g_assert_cmpuint (rl_limits_cgroup_memory ("4:memory:/ci\n0::/ci\n", hybrid), ==,
                    3000000000);
  /* text that is not a cgroup file */
  g_assert_cmpuint (rl_limits_cgroup_memory ("", hybrid), ==, G_MAXUINT64);
  g_assert_cmpuint (rl_limits_cgroup_memory ("nonsense\n::\n", hybrid), ==, G_MAXUINT64);

  /* this process's: whatever it is, the check uses the lesser of it and the computer's, so
   * a seed net's batch fits */
  g_test_message ("this process's control group limit: %" G_GUINT64_FORMAT,
                  rl_limits_cgroup_memory (NULL, NULL));
  g_assert_true (rl_limits_check_memory (20 << 20, 0, &error));
  g_assert_no_error (error);

  test_rm_rf (v1);
  test_rm_rf (v2);
  test_rm_rf (hybrid);
}

/* A parse error's place: the bytes of the text that are wrong, and the layer. */
static void
assert_place (const char *text, const char *bad, int layer)
{
  g_autoptr (GError) error = NULL;
  RlArchPlace place = { -5, -5, -5 };
  g_autoptr (RlArch) arch = rl_arch_parse_at (text, &place, &error);
  g_autofree char *got = NULL;

  g_assert_null (arch);
  g_assert_error (error, RL_ERROR, RL_ERROR_BAD_ARCH);
  g_assert_cmpint (place.start, >=, 0);
  g_assert_cmpint (place.end, <=, (int) strlen (text));
  got = g_strndup (text + place.start, place.end - place.start);
  g_assert_cmpstr (got, ==, bad);
  g_assert_cmpint (place.layer, ==, layer);
}

static void
test_error_place (void)
{
  assert_place ("c=conv(8,k=x) relu fc=linear(10)", "k=x", 0);
  assert_place ("c=conv(8,k=3)  relu  maxpol(2) fc=linear(10)", "maxpol", 2);
  assert_place ("c=conv(8) r=res(8,shortcut=C) fc=linear(10)", "shortcut=C", 1);
  assert_place ("c=conv(8) relu(3) fc=linear(10)", "3", 1);
  assert_place ("c=conv(8) conv(4) fc=linear(10)", "conv(4)", 1);
  assert_place ("c=conv(8) d-x=conv(4) fc=linear(10)", "d-x", 1);
  assert_place ("c=conv(8) c=conv(4) fc=linear(10)", "c", 1);
  assert_place ("c=conv(8\tfc=linear(10)", "(8", 0);
  assert_place ("c=conv() fc=linear(10)", "c=conv()", 0);   /* the channels missing */
  assert_place ("c=conv(8,,k=3) fc=linear(10)", ",,", 0);
  assert_place ("c=conv(8) b=bn fc=linear(10) x=linear", "x=linear", 3);
  assert_place ("resnet-x", "resnet-x", -1);
  assert_place ("  ", "  ", -1);
  /* UTF-8 before the error: byte offsets */
  assert_place ("c=conv(8) \xc3\xa9=relu fc=linear(10)", "\xc3\xa9", 1);

  /* success leaves the text parsed as rl_arch_parse does */
  {
    g_autoptr (RlArch) a = rl_arch_parse_at ("seed", NULL, NULL);
    g_autoptr (RlArch) b = rl_arch_parse (RL_ARCH_SEED, NULL);
    g_assert_cmpmem (a->layers, sizeof (RlLayerSpec) * a->n_layers,
                     b->layers, sizeof (RlLayerSpec) * b->n_layers);
  }
}

/* A model error's layer, and its word in the text. */
static void
test_model_error_layer (void)
{
  static const struct { const char *text; int layer; const char *word; } cases[] = {
    { "c=conv(8,k=3) r=res(16) fc=linear(10)", 1, "r=res(16)" },
    { "c=conv(8,k=29)   relu fc=linear(10)", 0, "c=conv(8,k=29)" },
    { "c=conv(8) relu gap", 2, "gap" },
    { "c=conv(8) relu fc=linear(7)", 2, "fc=linear(7)" },
    { "c=conv(8) maxpool(2) maxpool(2) maxpool(2) maxpool(2) maxpool(2) fc=linear(10)", 5,
      "maxpool(2)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RlArch) arch = rl_arch_parse (cases[i].text, &error);
      g_autoptr (RlModel) m = NULL;
      RlArchPlace place;
      int layer = -7;
      g_autofree char *word = NULL;

      g_assert_no_error (error);
      m = rl_model_new_at (arch, 1, 28, 28, 10, &layer, &error);
      g_assert_null (m);
      g_assert_error (error, RL_ERROR, RL_ERROR_BAD_ARCH);
      g_assert_cmpint (layer, ==, cases[i].layer);
      g_assert_true (rl_arch_layer_place (cases[i].text, layer, &place));
      word = g_strndup (cases[i].text + place.start, place.end - place.start);
      g_assert_cmpstr (word, ==, cases[i].word);
    }
  {
    g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
    int layer = 3;
    g_autoptr (RlModel) m = rl_model_new_at (arch, 1, 28, 28, 10, &layer, NULL);
    RlArchPlace place;

    g_assert_nonnull (m);
    g_assert_cmpint (layer, ==, -1);
    g_assert_false (rl_arch_layer_place ("a b", 2, &place));
  }
}

static void
test_short_name (void)
{
  static const char *texts[] = { "seed", "resnet-8", "plain-56", RL_ARCH_SEED };
  static const char *names[] = { "seed", "resnet-8", "plain-56", "seed" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (RlArch) arch = rl_arch_parse (texts[i], NULL);
      g_autofree char *name = rl_arch_short_name (arch);

      g_assert_cmpstr (name, ==, names[i]);
    }
  {
    g_autoptr (RlArch) b = rl_arch_new_cifar (32, TRUE, RL_SHORTCUT_B, TRUE, NULL);
    g_autoptr (RlArch) nobn = rl_arch_new_cifar (20, FALSE, RL_SHORTCUT_B, FALSE, NULL);
    g_autoptr (RlArch) custom = rl_arch_parse ("c=conv(8) relu gap fc=linear(10)", NULL);
    /* resnet-20 with one layer renamed is not resnet-20 */
    g_autoptr (RlArch) renamed = rl_arch_new_cifar (20, TRUE, RL_SHORTCUT_A, TRUE, NULL);
    g_autofree char *b_name = rl_arch_short_name (b);
    g_autofree char *nobn_name = rl_arch_short_name (nobn);
    g_autofree char *custom_name = rl_arch_short_name (custom);
    g_autofree char *renamed_name = NULL;

    renamed->layers[0].name[0] = 'x';
    renamed_name = rl_arch_short_name (renamed);
    g_assert_cmpstr (b_name, ==, "resnet-32-B");
    g_assert_cmpstr (nobn_name, ==, "plain-20-nobn");
    g_assert_null (custom_name);
    g_assert_null (renamed_name);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/arch/round-trip", test_round_trip);
  g_test_add_func ("/engine/arch/no-argument", test_no_argument);
  g_test_add_func ("/engine/arch/cifar-depth", test_cifar_depth);
  g_test_add_func ("/engine/arch/key-twice", test_key_twice);
  g_test_add_func ("/engine/arch/many-layers", test_many_layers);
  g_test_add_func ("/engine/arch/cost-matches-model", test_cost_matches_model);
  g_test_add_func ("/engine/arch/limits", test_limits);
  g_test_add_func ("/engine/arch/batch-bound", test_batch_bound);
  g_test_add_func ("/engine/arch/cgroup-memory", test_cgroup_memory);
  g_test_add_func ("/engine/arch/error-place", test_error_place);
  g_test_add_func ("/engine/arch/short-name", test_short_name);
  g_test_add_func ("/engine/arch/model-error-layer", test_model_error_layer);
  return g_test_run ();
}
