#define G_LOG_DOMAIN "reslab-test"

/* test-model-io.c: models to and from safetensors files (rl-model-io.c).
 *
 * Round trips of the seed net and of another architecture (parameters, arch, input shape,
 * classes, metadata, and the logits the loaded model predicts), a PyTorch state_dict (the
 * parity fixture's parameters, written without metadata under PyTorch's names) loaded as the
 * seed net and giving PyTorch's logits, and files that do not fit the model, each asserting
 * the exact error and that a failed load leaves the model untouched. */

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <utime.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "fs-test-utils.h"
#include "rl-error.h"
#include "rl-model.h"

/* ---- helpers --------------------------------------------------------------------------- */

/* A fresh empty directory under the temporary directory. */
static char *
make_tmp_dir (void)
{
  return test_make_tmp_dir ("reslab-test-mio-XXXXXX");
}

static RlModel *
new_model (const char *arch_text, int c, int h, int w, int n_classes, uint64_t seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlArch) arch = rl_arch_parse (arch_text, &error);
  RlModel *model;

  g_assert_no_error (error);
  model = rl_model_new (arch, c, h, w, n_classes, &error);
  g_assert_no_error (error);
  rl_model_init_params (model, seed);
  return model;
}

static void
assert_same_params (const RlModel *a, const RlModel *b)
{
  g_assert_cmpuint (rl_model_get_n_params (a), ==, rl_model_get_n_params (b));
  g_assert_cmpmem (rl_model_get_params_const (a), rl_model_get_n_params (a) * sizeof (float),
                   rl_model_get_params_const (b), rl_model_get_n_params (b) * sizeof (float));
}

static void
assert_same_arch (const RlModel *a, const RlModel *b)
{
  g_autofree char *sa = rl_arch_to_string (rl_model_get_arch (a));
  g_autofree char *sb = rl_arch_to_string (rl_model_get_arch (b));
  int ca, ha, wa, cb, hb, wb;

  g_assert_cmpstr (sa, ==, sb);
  rl_model_get_input_shape (a, &ca, &ha, &wa);
  rl_model_get_input_shape (b, &cb, &hb, &wb);
  g_assert_cmpint (ca, ==, cb);
  g_assert_cmpint (ha, ==, hb);
  g_assert_cmpint (wa, ==, wb);
  g_assert_cmpint (rl_model_get_n_classes (a), ==, rl_model_get_n_classes (b));
}

static GBytes *
save_to_bytes (const char *dir, const RlTensorView *views, guint n, GHashTable *metadata)
{
  g_autofree char *path = g_build_filename (dir, "crafted.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (rl_safetensors_save (path, views, n, metadata, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  return g_bytes_new_take (contents, len);
}

/* ---- round trips ----------------------------------------------------------------------- */

static void
round_trip (const char *arch_text, int c, int h, int w, int n_classes)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.safetensors", NULL);
  g_autoptr(RlModel) model = new_model (arch_text, c, h, w, n_classes, 7);
  g_autoptr(RlModel) loaded = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *arch_string = rl_arch_to_string (rl_model_get_arch (model));
  g_autofree char *input_string = g_strdup_printf ("%d,%d,%d", c, h, w);
  g_autofree char *classes_string = g_strdup_printf ("%d", n_classes);
  g_autofree float *x = g_new (float, 2 * c * h * w);
  g_autofree float *logits_a = g_new (float, 2 * n_classes);
  g_autofree float *logits_b = g_new (float, 2 * n_classes);

  g_hash_table_insert (metadata, "dataset", "mnist");
  g_hash_table_insert (metadata, "test_accuracy", "0.9871");
  /* The model's own description wins over a caller's stale one. */
  g_hash_table_insert (metadata, "arch", "fc=linear(3)");

  g_assert_true (rl_model_save (model, path, metadata, &error));
  g_assert_no_error (error);

  loaded = rl_model_load (path, &st, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_nonnull (st);

  assert_same_arch (model, loaded);
  assert_same_params (model, loaded);

  g_assert_cmpstr (rl_safetensors_get_metadata (st, "arch"), ==, arch_string);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "input"), ==, input_string);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "classes"), ==, classes_string);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "format"), ==, "reslab-1");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "dataset"), ==, "mnist");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "test_accuracy"), ==, "0.9871");
  g_assert_cmpuint (g_hash_table_size (rl_safetensors_get_metadata_table (st)), ==, 6);

  /* The file holds the table's tensors, in table order, under their names. */
  g_assert_cmpuint (rl_safetensors_get_n_tensors (st), ==, rl_model_get_n_tensors (model));
  for (guint i = 0; i < rl_model_get_n_tensors (model); i++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (model, i);
      const RlTensorView *v = rl_safetensors_get_tensor (st, i);

      g_assert_cmpstr (v->name, ==, info->name);
      g_assert_cmpint (v->ndim, ==, info->ndim);
      for (int d = 0; d < info->ndim; d++)
        g_assert_cmpint (v->shape[d], ==, info->shape[d]);
      g_assert_cmpmem (v->data, info->numel * sizeof (float),
                       rl_model_get_params_const (model) + info->offset,
                       info->numel * sizeof (float));
    }

  /* And it computes the same function. */
  for (int i = 0; i < 2 * c * h * w; i++)
    x[i] = sinf ((float) i * 0.37f);
  rl_model_predict (model, x, 2, logits_a);
  rl_model_predict (loaded, x, 2, logits_b);
  g_assert_cmpmem (logits_a, 2 * n_classes * sizeof (float),
                   logits_b, 2 * n_classes * sizeof (float));

  test_remove_flat_dir (dir);
}

static void
test_round_trip_seed (void)
{
  round_trip (RL_ARCH_SEED, 1, 28, 28, 10);
}

static void
test_round_trip_other_arch (void)
{
  round_trip ("stem=conv(8,k=3,p=1) relu r1=res(16,s=2,shortcut=B) r2=res(16) "
              "r3=res(24,s=2,shortcut=A) gap head=linear(5)", 3, 12, 12, 5);
}

/* Saving over an existing model replaces it; the bytes also load from memory. */
static void
test_save_over_and_load_bytes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.safetensors", NULL);
  g_autoptr(RlModel) first = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 1);
  g_autoptr(RlModel) second = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 2);
  g_autoptr(RlModel) loaded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (rl_model_save (first, path, NULL, &error));
  g_assert_true (rl_model_save (second, path, NULL, &error));
  g_assert_no_error (error);

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (contents, len);
  loaded = rl_model_load_bytes (bytes, "resource:///model.safetensors", NULL, &error);
  g_assert_no_error (error);
  assert_same_params (second, loaded);

  test_remove_flat_dir (dir);
}

/* PyTorch's parameters for the seed net (the parity fixture, from the seed's PyTorch code),
 * written as torch.save_file would: PyTorch names, no metadata. They load as the seed net and
 * give PyTorch's logits. */
static void
test_pytorch_state_dict (void)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                    "seed-parity.safetensors", NULL);
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "torch.safetensors", NULL);
  g_autoptr(RlSafetensors) ref = NULL;
  g_autoptr(RlSafetensors) st = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlModel) seed = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) views = g_array_new (FALSE, TRUE, sizeof (RlTensorView));
  g_autoptr(GError) error = NULL;
  const RlTensorView *input, *logits;
  float out[8 * 10];
  double max_err = 0.0;
  int c, h, w;

  /* PyTorch's state_dict names and shapes for the seed net (shared/seed/README.md). */
  static const struct { const char *name; int ndim; int64_t shape[4]; } torch_names[] = {
    { "conv1.weight", 4, { 16, 1, 5, 5 } }, { "conv1.bias", 1, { 16 } },
    { "conv2.weight", 4, { 32, 16, 5, 5 } }, { "conv2.bias", 1, { 32 } },
    { "rblock1.conv1.weight", 4, { 16, 16, 3, 3 } }, { "rblock1.conv1.bias", 1, { 16 } },
    { "rblock1.conv2.weight", 4, { 16, 16, 3, 3 } }, { "rblock1.conv2.bias", 1, { 16 } },
    { "rblock2.conv1.weight", 4, { 32, 32, 3, 3 } }, { "rblock2.conv1.bias", 1, { 32 } },
    { "rblock2.conv2.weight", 4, { 32, 32, 3, 3 } }, { "rblock2.conv2.bias", 1, { 32 } },
    { "fc.weight", 2, { 10, 512 } }, { "fc.bias", 1, { 10 } },
  };

  ref = rl_safetensors_load (fixture, &error);
  g_assert_no_error (error);

  /* In reverse, so the file order differs from the model's table order. */
  for (int i = G_N_ELEMENTS (torch_names) - 1; i >= 0; i--)
    {
      char *ref_name = g_strconcat ("param.", torch_names[i].name, NULL);
      const RlTensorView *v = rl_safetensors_lookup (ref, ref_name);
      RlTensorView view;

      g_ptr_array_add (names, ref_name);
      g_assert_nonnull (v);
      view = *v;
      g_assert_cmpint (v->ndim, ==, torch_names[i].ndim);
      for (int d = 0; d < v->ndim; d++)
        g_assert_cmpint (v->shape[d], ==, torch_names[i].shape[d]);
      view.name = torch_names[i].name;
      g_array_append_val (views, view);
    }
  g_assert_true (rl_safetensors_save (path, (RlTensorView *) (void *) views->data, views->len,
                                      NULL, &error));
  g_assert_no_error (error);

  model = rl_model_load (path, &st, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (rl_safetensors_get_metadata_table (st)), ==, 0);
  assert_same_arch (seed, model);
  rl_model_get_input_shape (model, &c, &h, &w);
  g_assert_cmpint (c, ==, 1);
  g_assert_cmpint (h, ==, 28);
  g_assert_cmpint (w, ==, 28);
  g_assert_cmpint (rl_model_get_n_classes (model), ==, 10);

  for (guint i = 0; i < G_N_ELEMENTS (torch_names); i++)
    {
      const RlParamInfo *info = rl_model_lookup_tensor (model, torch_names[i].name);
      const RlTensorView *v = rl_safetensors_lookup (st, torch_names[i].name);

      g_assert_nonnull (info);
      g_assert_cmpmem (rl_model_get_params_const (model) + info->offset,
                       info->numel * sizeof (float), v->data, info->numel * sizeof (float));
    }

  input = rl_safetensors_lookup (ref, "input");
  logits = rl_safetensors_lookup (ref, "logits");
  g_assert_nonnull (input);
  g_assert_nonnull (logits);
  g_assert_cmpint (input->shape[0], ==, 8);
  rl_model_predict (model, input->data, 8, out);
  for (int i = 0; i < 8 * 10; i++)
    max_err = MAX (max_err, fabs ((double) out[i] - logits->data[i]));
  g_test_message ("max |logit - PyTorch| = %g", max_err);
  g_assert_cmpfloat (max_err, <, 1e-4);

  test_remove_flat_dir (dir);
}

/* ---- files that do not fit ------------------------------------------------------------- */

/* Loads @bytes, expects RL_ERROR @code with @needle in the message. */
static void
assert_load_fails (GBytes *bytes, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = NULL;
  RlSafetensors *st = NULL;

  model = rl_model_load_bytes (bytes, "bad.safetensors", &st, &error);
  g_assert_null (model);
  g_assert_null (st);
  g_assert_error (error, RL_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "bad.safetensors"));
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));
}

static void
test_unknown_tensor (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree RlTensorView *views = NULL;
  RlTensorView *more;
  float extra[3] = { 1, 2, 3 };
  guint n;

  views = rl_model_get_tensor_views (model, &n);
  more = g_new0 (RlTensorView, n + 1);
  memcpy (more, views, n * sizeof (RlTensorView));
  more[n] = (RlTensorView) { "fc2.weight", 1, { 3 }, extra };
  /* A PyTorch file (no metadata) with a tensor the seed net lacks. */
  bytes = save_to_bytes (dir, more, n + 1, NULL);
  g_free (more);
  assert_load_fails (bytes, RL_ERROR_UNKNOWN_TENSOR, "“fc2.weight”");

  test_remove_flat_dir (dir);
}

static void
test_missing_tensor (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree RlTensorView *views = NULL;
  guint n, drop = 0;

  views = rl_model_get_tensor_views (model, &n);
  for (guint i = 0; i < n; i++)
    if (strcmp (views[i].name, "rblock2.conv1.bias") == 0)
      drop = i;
  memmove (&views[drop], &views[drop + 1], (n - drop - 1) * sizeof (RlTensorView));
  bytes = save_to_bytes (dir, views, n - 1, NULL);
  assert_load_fails (bytes, RL_ERROR_MISSING_TENSOR, "“rblock2.conv1.bias”");

  test_remove_flat_dir (dir);
}

/* A file whose metadata describes @arch_text, with @n of @model's tensors (NULL: none). */
static GBytes *
crafted_file (const char *dir, const char *arch_text, RlModel *model, guint n)
{
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree RlTensorView *views = NULL;
  guint n_all = 0;

  g_hash_table_insert (metadata, "arch", (gpointer) arch_text);
  g_hash_table_insert (metadata, "input", "1,28,28");
  g_hash_table_insert (metadata, "classes", "10");
  if (model != NULL)
    views = rl_model_get_tensor_views (model, &n_all);
  return save_to_bytes (dir, views, MIN (n, n_all), metadata);
}

/* The memory bombs of issue #12, as files: each refused with its exact error before the
 * parameter, gradient or activation buffers are allocated. */
static void
load_memory_bombs (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GString) wide = g_string_new ("c=conv(20000,k=1)");
  g_autoptr(GString) deep = g_string_new ("c=conv(1,k=1)");
  g_autoptr(GBytes) no_tensors = NULL;
  g_autoptr(GBytes) wide_file = NULL;
  g_autoptr(GBytes) deep_file = NULL;
  gint64 t0 = g_get_monotonic_time ();

  /* 67 bytes of header and no tensor, for a 51 M-parameter net: 415 MB were allocated and
   * zeroed before the tensors were looked at */
  no_tensors = crafted_file (dir, "c=conv(4096,k=1) fc=linear(16)", NULL, 0);
  assert_load_fails (no_tensors, RL_ERROR_MISSING_TENSOR, "51388432 parameters");

  /* conv(20000,k=1) and 100 relu: 6 GB of activations per image */
  for (int i = 0; i < 100; i++)
    g_string_append (wide, " relu");
  g_string_append (wide, " gap fc=linear(10)");
  wide_file = crafted_file (dir, wide->str, NULL, 0);
  assert_load_fails (wide_file, RL_ERROR_TOO_LARGE, "activations per image");

  /* 26,000 relu layers: 5.2 GB */
  for (int i = 0; i < 26000; i++)
    g_string_append (deep, " relu");
  g_string_append (deep, " fc=linear(10)");
  deep_file = crafted_file (dir, deep->str, NULL, 0);
  assert_load_fails (deep_file, RL_ERROR_TOO_LARGE, "26002 layers");

  g_test_message ("%.3f s", (g_get_monotonic_time () - t0) / 1e6);
  test_remove_flat_dir (dir);
}

/* The bombs loaded in a subprocess whose address space may grow by 128 MB at most: a buffer
 * of theirs allocated before the refusal (the smallest, 411 MB of parameters and gradients)
 * fails, and g_malloc aborts. Where the address space cannot be bounded (AddressSanitizer
 * reserves terabytes of shadow; no /proc), the errors alone are checked. */
static void
test_memory_bombs (void)
{
#if defined(__linux__) && !defined(__SANITIZE_ADDRESS__)
  if (g_test_subprocess ())
    {
      g_autofree char *statm = NULL;
      unsigned long long pages = 0;
      struct rlimit limit;

      g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
      pages = g_ascii_strtoull (statm, NULL, 10);
      g_assert_cmpuint (pages, >, 0);
      limit.rlim_cur = (rlim_t) (pages * (unsigned long long) sysconf (_SC_PAGESIZE)
                                 + 128 * 1024 * 1024);
      limit.rlim_max = limit.rlim_cur;
      g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
      load_memory_bombs ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
#else
  load_memory_bombs ();
#endif
}

/* The 484-byte model of issue #12: the conv sees a 1x1 input with a 3x3 kernel, stride 2,
 * padding 1, so only its centre tap touches the input. Its prediction read past a heap
 * buffer; now it is the plain formula. */
static void
test_narrow_conv_model (void)
{
  const char *arch = "gap c=conv(1,k=3,s=2,p=1) fc=linear(10)";
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "narrow.safetensors", NULL);
  g_autoptr(RlModel) model = new_model (arch, 1, 28, 28, 10, 5);
  g_autoptr(RlModel) loaded = NULL;
  g_autoptr(GError) error = NULL;
  const float *cw, *cb, *fw, *fb;
  float x[28 * 28], logits[10];
  double mean = 0.0;

  g_assert_true (rl_model_save (model, path, NULL, &error));
  g_assert_no_error (error);
  loaded = rl_model_load (path, NULL, &error);
  g_assert_no_error (error);

  for (int i = 0; i < 28 * 28; i++)
    {
      x[i] = (float) ((i * 37) % 101) / 50.0f - 1.0f;
      mean += x[i];
    }
  mean /= 28 * 28;
  rl_model_predict (loaded, x, 1, logits);

  cw = rl_model_get_params_const (loaded) + rl_model_lookup_tensor (loaded, "c.weight")->offset;
  cb = rl_model_get_params_const (loaded) + rl_model_lookup_tensor (loaded, "c.bias")->offset;
  fw = rl_model_get_params_const (loaded) + rl_model_lookup_tensor (loaded, "fc.weight")->offset;
  fb = rl_model_get_params_const (loaded) + rl_model_lookup_tensor (loaded, "fc.bias")->offset;
  for (int k = 0; k < 10; k++)
    {
      double conv = (double) cw[4] * mean + cb[0];   /* the centre tap, w[0, 0, 1, 1] */
      g_assert_cmpfloat_with_epsilon (logits[k], fw[k] * conv + fb[k], 1e-5);
    }
  g_assert_cmpint (g_unlink (path), ==, 0);
  test_remove_flat_dir (dir);
}

static void
write_file (const char *dir, const char *name, gint64 age_s)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, "partial", -1, NULL));
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_s);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static gboolean
file_exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A kill during the save's fsync left the temporary file behind forever (issue #12): the
 * next save removes those of its own pattern, once they are a minute old, and nothing else. */
static void
test_stale_temp_files (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.safetensors", NULL);
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autoptr(GError) error = NULL;

  /* stale; stale; another save's, right now; then names not of the pattern */
  write_file (dir, "model.safetensors.reslab-tmp-a1B2c3", 3600);
  write_file (dir, "model.safetensors.reslab-tmp-ZZZZZZ", 61);
  write_file (dir, "model.safetensors.reslab-tmp-q9w8e7", 0);
  write_file (dir, "model.safetensors.backup", 3600);
  write_file (dir, "model.safetensors.a1B2c3", 3600);
  write_file (dir, "model.safetensors.reslab-tmp-a1B2c3d", 3600);
  write_file (dir, "other.safetensors.reslab-tmp-a1B2c3", 3600);
  g_assert_true (rl_model_save (model, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (file_exists (dir, "model.safetensors.reslab-tmp-a1B2c3"));
  g_assert_false (file_exists (dir, "model.safetensors.reslab-tmp-ZZZZZZ"));
  g_assert_true (file_exists (dir, "model.safetensors.reslab-tmp-q9w8e7"));
  g_assert_true (file_exists (dir, "model.safetensors.backup"));
  g_assert_true (file_exists (dir, "model.safetensors.a1B2c3"));
  g_assert_true (file_exists (dir, "model.safetensors.reslab-tmp-a1B2c3d"));
  g_assert_true (file_exists (dir, "other.safetensors.reslab-tmp-a1B2c3"));
  test_remove_flat_dir (dir);
}

static void
test_wrong_shape (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree RlTensorView *views = NULL;
  guint n;

  /* Same number of elements, transposed: only the shape check can catch it. */
  views = rl_model_get_tensor_views (model, &n);
  for (guint i = 0; i < n; i++)
    if (strcmp (views[i].name, "fc.weight") == 0)
      {
        views[i].shape[0] = 512;
        views[i].shape[1] = 10;
      }
  bytes = save_to_bytes (dir, views, n, NULL);
  assert_load_fails (bytes, RL_ERROR_BAD_SHAPE, "[512, 10]");
  assert_load_fails (bytes, RL_ERROR_BAD_SHAPE, "[10, 512]");
  assert_load_fails (bytes, RL_ERROR_BAD_SHAPE, "“fc.weight”");

  test_remove_flat_dir (dir);
}

static void
test_bad_metadata (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autofree RlTensorView *views = NULL;
  g_autoptr(GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;
  struct { const char *key, *value; int code; } cases[] = {
    { "arch", "conv1=conv(16,k=5", RL_ERROR_BAD_ARCH },
    { "arch", "nonsense", RL_ERROR_BAD_ARCH },
    /* Parses, but does not end in 10 outputs. */
    { "arch", "conv1=conv(16,k=5) relu fc=linear(7)", RL_ERROR_BAD_ARCH },
    { "input", "1,28", RL_ERROR_BAD_HEADER },
    { "input", "1,28,x", RL_ERROR_BAD_HEADER },
    { "input", "1,-28,28", RL_ERROR_BAD_HEADER },
    { "input", "1,99999999999,28", RL_ERROR_BAD_HEADER },
    { "classes", "ten", RL_ERROR_BAD_HEADER },
    { "classes", "0", RL_ERROR_BAD_HEADER },
    /* Valid numbers the seed net cannot take: 3 channels change conv1.weight's shape... */
    { "input", "3,28,28", RL_ERROR_BAD_SHAPE },
    /* ...and 12 classes the arch's linear(10). */
    { "classes", "12", RL_ERROR_BAD_ARCH },
  };

  views = rl_model_get_tensor_views (model, &n);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = NULL;

      g_hash_table_remove_all (metadata);
      g_hash_table_insert (metadata, (gpointer) cases[i].key, (gpointer) cases[i].value);
      bytes = save_to_bytes (dir, views, n, metadata);
      assert_load_fails (bytes, cases[i].code, NULL);
    }

  test_remove_flat_dir (dir);
}

/* A file that does not fit leaves the model as it was, even when the tensors that do fit
 * come before the one that does not. */
static void
test_failed_set_leaves_model (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autoptr(RlModel) other = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 4);
  g_autoptr(RlModel) before = rl_model_copy (model);
  g_autofree RlTensorView *views = NULL;
  guint n;

  views = rl_model_get_tensor_views (other, &n);

  /* Missing the last tensor of the table: all others are valid. */
  {
    g_autoptr(GBytes) bytes = save_to_bytes (dir, views, n - 1, NULL);
    g_autoptr(RlSafetensors) st = rl_safetensors_load_bytes (bytes, "partial", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (st);
    g_assert_false (rl_model_set_from_safetensors (model, st, "partial", &error));
    g_assert_error (error, RL_ERROR, RL_ERROR_MISSING_TENSOR);
    assert_same_params (model, before);
  }

  /* The last tensor with the wrong shape. */
  {
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(RlSafetensors) st = NULL;
    g_autoptr(GError) error = NULL;
    RlTensorView last = views[n - 1];

    g_assert_cmpint (views[n - 1].ndim, ==, 1);
    views[n - 1].shape[0] += 1;
    views[n - 1].data = g_new0 (float, views[n - 1].shape[0]);
    bytes = save_to_bytes (dir, views, n, NULL);
    g_free ((float *) views[n - 1].data);
    views[n - 1] = last;
    st = rl_safetensors_load_bytes (bytes, "reshaped", NULL);
    g_assert_false (rl_model_set_from_safetensors (model, st, "reshaped", &error));
    g_assert_error (error, RL_ERROR, RL_ERROR_BAD_SHAPE);
    assert_same_params (model, before);
  }

  /* And a file that fits is copied in. */
  {
    g_autoptr(GBytes) bytes = save_to_bytes (dir, views, n, NULL);
    g_autoptr(RlSafetensors) st = rl_safetensors_load_bytes (bytes, "good", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (rl_model_set_from_safetensors (model, st, "good", &error));
    g_assert_no_error (error);
    assert_same_params (model, other);
  }

  test_remove_flat_dir (dir);
}

/* Errors from the file layer come through unchanged. */
static void
test_file_errors (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *missing = g_build_filename (dir, "missing.safetensors", NULL);
  g_autofree char *no_dir = g_build_filename (dir, "no-such-dir", "m.safetensors", NULL);
  g_autoptr(RlModel) model = new_model (RL_ARCH_SEED, 1, 28, 28, 10, 3);
  g_autoptr(GBytes) truncated = g_bytes_new_static ("\x10\0\0\0\0\0\0\0{}", 10);
  g_autoptr(GError) error = NULL;
  RlModel *loaded;

  loaded = rl_model_load (missing, NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (rl_model_save (model, no_dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  assert_load_fails (truncated, RL_ERROR_TRUNCATED, NULL);

  test_remove_flat_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/model-io/round-trip/seed", test_round_trip_seed);
  g_test_add_func ("/engine/model-io/round-trip/other-arch", test_round_trip_other_arch);
  g_test_add_func ("/engine/model-io/save-over-and-load-bytes", test_save_over_and_load_bytes);
  g_test_add_func ("/engine/model-io/pytorch-state-dict", test_pytorch_state_dict);
  g_test_add_func ("/engine/model-io/bad/unknown-tensor", test_unknown_tensor);
  g_test_add_func ("/engine/model-io/bad/missing-tensor", test_missing_tensor);
  g_test_add_func ("/engine/model-io/bad/wrong-shape", test_wrong_shape);
  g_test_add_func ("/engine/model-io/bad/memory-bombs", test_memory_bombs);
  g_test_add_func ("/engine/model-io/narrow-conv-model", test_narrow_conv_model);
  g_test_add_func ("/engine/model-io/stale-temp-files", test_stale_temp_files);
  g_test_add_func ("/engine/model-io/bad/metadata", test_bad_metadata);
  g_test_add_func ("/engine/model-io/bad/failed-set-leaves-model",
                   test_failed_set_leaves_model);
  g_test_add_func ("/engine/model-io/bad/file-errors", test_file_errors);

  return g_test_run ();
}
