/* test-model-store.c: the store of trained models (ui/control/rl-model-store.c) without a
 * display: runs listed newest first with their metadata and the bundled model last, new run
 * names that never hit an existing file, rename (the same weights, a new name), delete and
 * undo, export, and what the bundled model refuses; a run's *.initial.safetensors is not a run,
 * goes and comes back with it (delete, undo, purge), stays named by it (rename), keeps a new run
 * from taking a name whose initial weights' name is taken, and is not exported with it; a
 * training run saved with its initial weights (rl_model_file_save_run_async), and without them,
 * kept all the same, when their name is taken; how far a run stopped inside an epoch went. */

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rl-arch.h"
#include "rl-landscape.h"
#include "rl-model.h"
#include "rl-model-file.h"
#include "rl-model-store.h"
#include "fs-test-utils.h"

typedef struct {
  char    *dir;
  GBytes  *bundled;
  RlModel *model;
} Fixture;

static void
save_run (Fixture    *f,
          const char *base,
          const char *name,
          const char *created,
          const char *accuracy)
{
  g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_build_filename (f->dir, base, NULL);
  g_autoptr (GError) error = NULL;

  g_hash_table_insert (metadata, "dataset", "mnist");
  g_hash_table_insert (metadata, "created", (char *) created);
  g_hash_table_insert (metadata, "epochs", "2");
  if (name != NULL)
    g_hash_table_insert (metadata, "name", (char *) name);
  if (accuracy != NULL)
    g_hash_table_insert (metadata, "test_accuracy", (char *) accuracy);
  g_assert_true (rl_model_save (f->model, path, metadata, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *seed = g_test_build_filename (G_TEST_DIST, "..", "resources", "models",
                                                 "seed.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
  char *contents = NULL;
  gsize length = 0;

  f->dir = g_dir_make_tmp ("reslab-store-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (seed, &contents, &length, &error));
  f->bundled = g_bytes_new_take (contents, length);
  f->model = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (f->model, 3);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_rm_rf (f->dir);
  g_free (f->dir);
  g_bytes_unref (f->bundled);
  rl_model_free (f->model);
}

static RlModelItem *
item_at (RlModelStore *store,
         guint         i)
{
  RlModelItem *item = g_list_model_get_item (G_LIST_MODEL (store), i);

  g_object_unref (item);   /* the store keeps it */
  return item;
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (RlModelStore) store = NULL;
  g_autofree char *text = NULL;
  RlModelItem *item;

  save_run (f, "20250101-100000-seed-mnist.safetensors", "Older", "2025-01-01T10:00:00Z",
            "0.9512");
  save_run (f, "20250301-100000-seed-mnist.safetensors", NULL, "2025-03-01T10:00:00Z", NULL);
  save_run (f, "20250201-100000-seed-mnist.safetensors", "Middle", "2025-02-01T10:00:00Z",
            "0.9800");
  {
    g_autofree char *junk = g_build_filename (f->dir, "junk.safetensors", NULL);

    g_assert_true (g_file_set_contents (junk, "not a model", -1, NULL));
  }
  /* a run's initial weights (`reslab-cli train --keep-initial`): a valid model, not a run */
  save_run (f, "20250401-100000-seed-mnist.initial.safetensors", "Initial",
            "2025-04-01T10:00:00Z", NULL);

  store = rl_model_store_new (f->dir, f->bundled);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == RL_TYPE_MODEL_ITEM);
  /* three runs (neither the junk file nor the initial weights are listed), newest first,
   * then the bundled model */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 4);

  item = item_at (store, 0);
  g_assert_true (g_str_has_suffix (rl_model_item_get_path (item),
                                   "20250301-100000-seed-mnist.safetensors"));
  g_assert_cmpstr (rl_model_item_get_name (item), ==, "20250301-100000-seed-mnist.safetensors");
  g_assert_true (isnan (rl_model_item_get_test_accuracy (item)));

  item = item_at (store, 1);
  g_assert_cmpstr (rl_model_item_get_name (item), ==, "Middle");
  g_assert_cmpfloat_with_epsilon (rl_model_item_get_test_accuracy (item), 0.98, 1e-9);
  g_assert_cmpint (rl_model_item_get_epochs (item), ==, 2);
  g_assert_cmpint (rl_model_item_get_kind (item), ==, RL_DATASET_MNIST);
  g_assert_nonnull (rl_model_item_get_created (item));
  text = rl_model_item_describe (item);
  g_assert_nonnull (strstr (text, "98.00\u202f% on the test set"));
  /* the net, from the file's arch (none: the seed net) */
  g_assert_nonnull (strstr (text, "seed · MNIST"));
  /* a wrapped line breaks between the parts, not inside "2 epochs" or the date: no-break
   * spaces there */
  g_assert_nonnull (strstr (text, " · 2\u00a0epochs · "));
  g_assert_nonnull (strstr (text, "2025"));
  g_assert_null (strchr (g_strrstr (text, " · ") + strlen (" · "), ' '));

  g_assert_cmpstr (rl_model_item_get_name (item_at (store, 2)), ==, "Older");

  item = item_at (store, 3);
  g_assert_true (rl_model_item_is_bundled (item));
  g_assert_null (rl_model_item_get_path (item));
  g_assert_true (rl_model_store_get_bundled (store) == item);
  g_assert_true (rl_model_store_find (store, NULL) == item);
}

/* Writes @base: a safetensors file of one float, with @metadata_member (a JSON member and
 * its comma, or "") before the tensor in its header. */
static void
write_foreign (Fixture    *f,
               const char *base,
               const char *metadata_member)
{
  g_autofree char *path = g_build_filename (f->dir, base, NULL);
  g_autofree char *header = g_strdup_printf ("{%s\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                                             "\"data_offsets\":[0,4]}}", metadata_member);
  gsize len = strlen (header);
  g_autofree guint8 *bytes = g_malloc0 (8 + len + 4);

  for (int i = 0; i < 8; i++)
    bytes[i] = (guint8) ((guint64) len >> (8 * i));
  memcpy (bytes + 8, header, len);
  g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) (8 + len + 4), NULL));
}

/* Files another program wrote in the folder: one without metadata (PyTorch's save_file) is
 * listed by its file name; one whose "__metadata__" is not the format's is not listed, and
 * reading it raises no critical warning (the tests make those fatal). */
static void
test_list_foreign (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (RlModelStore) store = NULL;

  write_foreign (f, "from-torch.safetensors", "");
  write_foreign (f, "odd.safetensors", "\"__metadata__\":5,");
  write_foreign (f, "odder.safetensors", "\"__metadata__\":{\"epochs\":2},");
  store = rl_model_store_new (f->dir, f->bundled);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_cmpstr (rl_model_item_get_name (item_at (store, 0)), ==, "from-torch.safetensors");
  g_assert_true (rl_model_item_is_bundled (item_at (store, 1)));
}

static void
test_new_run_path (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (RlModelStore) store = rl_model_store_new (f->dir, NULL);
  g_autoptr (GDateTime) when = g_date_time_new_local (2025, 6, 7, 8, 9, 10);
  g_autoptr (RlArch) arch = rl_arch_parse ("seed", NULL);
  g_autofree char *arch_text = rl_arch_to_string (arch);
  g_autofree char *first = rl_model_store_new_run_path (store, arch_text, RL_DATASET_MNIST, when);
  g_autofree char *base = g_path_get_basename (first);
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpstr (base, ==, "20250607-080910-seed-mnist.safetensors");
  g_assert_true (g_str_has_prefix (first, f->dir));

  /* a file there already: the next name is another */
  g_assert_true (g_file_set_contents (first, "x", 1, NULL));
  second = rl_model_store_new_run_path (store, "resnet-20", RL_DATASET_FASHION, when);
  g_clear_pointer (&base, g_free);
  base = g_path_get_basename (second);
  g_assert_cmpstr (base, ==, "20250607-080910-resnet-20-fashion.safetensors");
  third = rl_model_store_new_run_path (store, arch_text, RL_DATASET_MNIST, when);
  g_assert_cmpstr (third, !=, first);
  g_assert_true (g_str_has_suffix (third, "-seed-mnist-2.safetensors"));

  /* the Train view's nets come as their full description (#18): named as their family */
  {
    static const struct { int depth; gboolean residual; RlShortcut sc; gboolean bn;
                          const char *name; } nets[] = {
      { 20, TRUE, RL_SHORTCUT_A, TRUE, "resnet-20" },
      { 56, TRUE, RL_SHORTCUT_B, FALSE, "resnet-56-B-nobn" },
      { 8, FALSE, RL_SHORTCUT_A, TRUE, "plain-8" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (nets); i++)
      {
        g_autoptr (RlArch) net = rl_arch_new_cifar (nets[i].depth, nets[i].residual, nets[i].sc,
                                                    nets[i].bn, NULL);
        g_autofree char *text = rl_arch_to_string (net);
        g_autofree char *path = rl_model_store_new_run_path (store, text, RL_DATASET_MNIST, when);
        g_autofree char *expected = g_strdup_printf ("-%s-mnist.safetensors", nets[i].name);

        g_assert_true (g_str_has_suffix (path, expected));
      }
    g_clear_pointer (&third, g_free);
    third = rl_model_store_new_run_path (store, "c=conv(8) relu gap fc=linear(10)",
                                         RL_DATASET_MNIST, when);
    g_assert_true (g_str_has_suffix (third, "-net-mnist.safetensors"));
  }
}

static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (RlModelStore) store = NULL;
  g_autoptr (RlModelStore) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) loaded = NULL;
  RlModelItem *item;

  save_run (f, "20250101-100000-seed-mnist.safetensors", "First name", "2025-01-01T10:00:00Z",
            "0.9512");
  store = rl_model_store_new (f->dir, f->bundled);
  item = item_at (store, 0);

  g_assert_true (rl_model_store_rename (store, item, "  A better name ", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rl_model_item_get_name (item), ==, "A better name");

  /* in the file: the name, the other metadata and the same weights */
  again = rl_model_store_new (f->dir, NULL);
  g_assert_cmpstr (rl_model_item_get_name (item_at (again, 0)), ==, "A better name");
  g_assert_cmpfloat_with_epsilon (rl_model_item_get_test_accuracy (item_at (again, 0)), 0.9512,
                                  1e-9);
  loaded = rl_model_load (rl_model_item_get_path (item), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (rl_model_get_params_const (loaded),
                   rl_model_get_n_params (loaded) * sizeof (float),
                   rl_model_get_params_const (f->model),
                   rl_model_get_n_params (f->model) * sizeof (float));

  g_assert_false (rl_model_store_rename (store, item, "   ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (rl_model_store_rename (store, rl_model_store_get_bundled (store), "Mine",
                                         &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_delete_undo (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (RlModelStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  RlModelItem *item;

  save_run (f, "20250101-100000-seed-mnist.safetensors", "Keep", "2025-01-01T10:00:00Z", NULL);
  save_run (f, "20250201-100000-seed-mnist.safetensors", "Gone", "2025-02-01T10:00:00Z", NULL);
  store = rl_model_store_new (f->dir, f->bundled);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  item = item_at (store, 0);
  path = g_strdup (rl_model_item_get_path (item));

  g_assert_true (rl_model_store_delete (store, item, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (rl_model_store_get_deleted_name (store), ==, "Gone");
  g_assert_null (rl_model_store_find (store, path));
  /* a new listing does not see it either */
  rl_model_store_reload (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);

  item = rl_model_store_undo_delete (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpstr (rl_model_item_get_name (item), ==, "Gone");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_null (rl_model_store_get_deleted_name (store));
  g_assert_null (rl_model_store_undo_delete (store, NULL));   /* nothing left to undo */

  /* deleted and purged: gone for good */
  g_assert_true (rl_model_store_delete (store, rl_model_store_find (store, path), NULL));
  rl_model_store_purge (store);
  g_assert_null (rl_model_store_undo_delete (store, NULL));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_false (rl_model_store_delete (store, rl_model_store_get_bundled (store), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (RlModelStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "exported.bin", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize la, lb;

  save_run (f, "20250101-100000-seed-mnist.safetensors", "Run", "2025-01-01T10:00:00Z", NULL);
  store = rl_model_store_new (f->dir, f->bundled);

  g_assert_true (rl_model_store_export (store, item_at (store, 0), dest, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (dest, &a, &la, NULL));
  g_assert_true (g_file_get_contents (rl_model_item_get_path (item_at (store, 0)), &b, &lb, NULL));
  g_assert_cmpmem (a, la, b, lb);

  g_assert_true (rl_model_store_export (store, rl_model_store_get_bundled (store), dest, &error));
  g_assert_no_error (error);
  g_clear_pointer (&a, g_free);
  g_assert_true (g_file_get_contents (dest, &a, &la, NULL));
  g_assert_cmpmem (a, la, g_bytes_get_data (f->bundled, NULL), g_bytes_get_size (f->bundled));
}

/* A run saved with its initial weights beside it, through the one writer
 * (rl_landscape_save_initial: `reslab-cli train --keep-initial`, the app's runs). The initial
 * weights are f->model's from seed 5. Returns: (transfer full) the run's path */
static char *
save_run_with_initial (Fixture    *f,
                       const char *base,
                       const char *name,
                       const char *created)
{
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_free);
  g_autoptr (RlModel) initial = rl_model_copy (f->model);
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (f->dir, base, NULL);

  rl_model_init_params (initial, 5);
  g_assert_true (rl_landscape_save_initial (initial, path, RL_DATASET_MNIST, 5, &error));
  g_assert_no_error (error);
  g_hash_table_insert (metadata, g_strdup ("name"), g_strdup (name));
  g_hash_table_insert (metadata, g_strdup ("created"), g_strdup (created));
  rl_landscape_name_initial (metadata, path);
  g_assert_true (rl_model_save (f->model, path, metadata, &error));
  g_assert_no_error (error);
  return path;
}

/* The initial weights the run at @path names, loaded as the landscape loads them; NULL when it
 * names none or they are not there. */
static RlModel *
load_initial (const char *path)
{
  g_autoptr (RlSafetensors) st = NULL;
  g_autoptr (RlModel) model = rl_model_load (path, &st, NULL);

  g_assert_nonnull (model);
  return rl_landscape_load_initial (path, st, NULL);
}

static void
assert_seed5_initial (Fixture *f, const RlModel *initial)
{
  g_autoptr (RlModel) expected = rl_model_copy (f->model);

  g_assert_nonnull (initial);
  rl_model_init_params (expected, 5);
  g_assert_cmpmem (rl_model_get_params_const (initial),
                   rl_model_get_n_params (initial) * sizeof (float),
                   rl_model_get_params_const (expected),
                   rl_model_get_n_params (expected) * sizeof (float));
}

static void
test_initial_pair (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (RlModelStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlModel) initial = NULL;
  g_autofree char *path = NULL;
  g_autofree char *initial_path = NULL;
  g_autofree char *other = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "exported.safetensors", NULL);
  g_autofree char *dest_initial = rl_landscape_initial_path (dest);
  g_autoptr (GDateTime) when = g_date_time_new_local (2025, 6, 7, 8, 9, 10);
  g_autofree char *next = NULL;
  RlModelItem *item;

  path = save_run_with_initial (f, "20250201-100000-seed-mnist.safetensors", "Paired",
                                "2025-02-01T10:00:00Z");
  initial_path = rl_landscape_initial_path (path);
  g_assert_true (g_str_has_suffix (initial_path, "20250201-100000-seed-mnist.initial.safetensors"));
  save_run (f, "20250101-100000-seed-mnist.safetensors", "Alone", "2025-01-01T10:00:00Z", NULL);
  store = rl_model_store_new (f->dir, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  item = rl_model_store_find (store, path);
  g_assert_nonnull (item);
  initial = load_initial (path);
  assert_seed5_initial (f, initial);
  g_clear_pointer (&initial, rl_model_free);
  {
    /* the initial file's own metadata: what the CLI has always written */
    g_autoptr (RlSafetensors) st = NULL;
    g_autoptr (RlModel) m = rl_model_load (initial_path, &st, &error);

    g_assert_no_error (error);
    g_assert_nonnull (m);
    g_assert_cmpstr (rl_safetensors_get_metadata (st, "epochs"), ==, "0");
    g_assert_cmpstr (rl_safetensors_get_metadata (st, "seed"), ==, "5");
    g_assert_cmpstr (rl_safetensors_get_metadata (st, "dataset"), ==, "mnist");
  }

  /* rename: the same file name and the metadata naming the initial weights stay */
  g_assert_true (rl_model_store_rename (store, item, "Renamed", &error));
  g_assert_no_error (error);
  initial = load_initial (path);
  assert_seed5_initial (f, initial);
  g_clear_pointer (&initial, rl_model_free);

  /* delete: both files leave the folder; undo: both come back, still a pair */
  g_assert_true (rl_model_store_delete (store, item, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (initial_path, G_FILE_TEST_EXISTS));
  rl_model_store_reload (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  item = rl_model_store_undo_delete (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpstr (rl_model_item_get_name (item), ==, "Renamed");
  g_assert_true (g_file_test (initial_path, G_FILE_TEST_IS_REGULAR));
  initial = load_initial (path);
  assert_seed5_initial (f, initial);
  g_clear_pointer (&initial, rl_model_free);

  /* export: the model alone (its metadata still names the initial weights, not copied) */
  g_assert_true (rl_model_store_export (store, item, dest, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (dest, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (dest_initial, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (dest), ==, 0);

  /* a new run's name is never one whose initial weights' name is taken */
  {
    g_autofree char *taken = g_build_filename (f->dir, "20250607-080910-seed-mnist.initial"
                                               ".safetensors", NULL);

    g_assert_true (g_file_set_contents (taken, "someone's", -1, NULL));
    next = rl_model_store_new_run_path (store, "seed", RL_DATASET_MNIST, when);
    g_assert_true (g_str_has_suffix (next, "20250607-080910-seed-mnist-2.safetensors"));
  }

  /* a second run naming the same initial weights (a file copied by hand): deleting one
   * leaves them for the other, even once purged */
  other = g_build_filename (f->dir, "20250301-100000-seed-mnist.safetensors", NULL);
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_true (g_file_set_contents (other, contents, (gssize) length, NULL));
  }
  rl_model_store_reload (store);
  g_assert_true (rl_model_store_delete (store, rl_model_store_find (store, other), &error));
  g_assert_no_error (error);
  rl_model_store_purge (store);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (initial_path, G_FILE_TEST_IS_REGULAR));

  /* deleted and purged: both gone for good */
  g_assert_true (rl_model_store_delete (store, rl_model_store_find (store, path), &error));
  g_assert_no_error (error);
  rl_model_store_purge (store);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (initial_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
}

typedef struct {
  gboolean  done;
  gboolean  saved;
  GError   *error;
  GError   *initial_error;
} SaveResult;

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  SaveResult *r = data;
  const GError *initial_error = rl_model_file_save_get_initial_error (result);

  r->saved = rl_model_file_save_finish (result, &r->error);
  r->initial_error = initial_error != NULL ? g_error_copy (initial_error) : NULL;
  r->done = TRUE;
}

/* rl_model_file_save_run_async, waited for. */
static void
save_run_async (const RlModel *model, const RlModel *initial, const char *path,
                SaveResult *r)
{
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_free);

  g_hash_table_insert (metadata, g_strdup ("name"), g_strdup ("From the app"));
  g_hash_table_insert (metadata, g_strdup ("dataset"), g_strdup ("fashion"));
  rl_model_file_save_run_async (model, initial != NULL ? rl_model_copy (initial) : NULL,
                                RL_DATASET_FASHION, 5, path, metadata, NULL, saved_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_save_run (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (RlModel) initial = rl_model_copy (f->model);
  g_autoptr (RlModel) loaded = NULL;
  g_autoptr (RlSafetensors) st = NULL;
  g_autofree char *path = g_build_filename (f->dir, "sub", "20250101-100000-seed-fashion"
                                            ".safetensors", NULL);
  g_autofree char *initial_path = rl_landscape_initial_path (path);
  g_autofree char *second = g_build_filename (f->dir, "sub", "20250102-100000-seed-fashion"
                                              ".safetensors", NULL);
  g_autofree char *second_initial = rl_landscape_initial_path (second);
  g_autofree char *contents = NULL;
  SaveResult r = { 0 };

  rl_model_init_params (initial, 5);

  /* a run from fresh weights: both files, the run naming its initial weights */
  save_run_async (f->model, initial, path, &r);
  g_assert_no_error (r.error);
  g_assert_no_error (r.initial_error);
  g_assert_true (r.saved);
  loaded = rl_model_load (path, &st, NULL);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "name"), ==, "From the app");
  g_assert_cmpstr (rl_safetensors_get_metadata (st, "initial"), ==,
                   "20250101-100000-seed-fashion.initial.safetensors");
  g_clear_pointer (&loaded, rl_model_free);
  loaded = rl_landscape_load_initial (path, st, NULL);
  assert_seed5_initial (f, loaded);
  g_clear_pointer (&loaded, rl_model_free);
  g_clear_pointer (&st, rl_safetensors_free);
  {
    g_autoptr (RlModel) m = rl_model_load (initial_path, &st, NULL);

    g_assert_nonnull (m);
    g_assert_cmpstr (rl_safetensors_get_metadata (st, "dataset"), ==, "fashion");
    g_assert_cmpstr (rl_safetensors_get_metadata (st, "epochs"), ==, "0");
    g_clear_pointer (&st, rl_safetensors_free);
  }

  /* something already at the initial weights' name: left alone, the run kept without them */
  g_assert_true (g_file_set_contents (second_initial, "mine", -1, NULL));
  memset (&r, 0, sizeof r);
  save_run_async (f->model, initial, second, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.saved);
  g_assert_error (r.initial_error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&r.initial_error);
  g_assert_true (g_file_get_contents (second_initial, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  loaded = rl_model_load (second, &st, NULL);
  g_assert_nonnull (loaded);
  g_assert_null (rl_safetensors_get_metadata (st, "initial"));
  g_clear_pointer (&loaded, rl_model_free);
  g_clear_pointer (&st, rl_safetensors_free);

  /* a run continued from another (no initial weights): the model alone */
  g_assert_cmpint (g_unlink (second), ==, 0);
  g_assert_cmpint (g_unlink (second_initial), ==, 0);
  memset (&r, 0, sizeof r);
  save_run_async (f->model, NULL, second, &r);
  g_assert_true (r.saved);
  g_assert_null (r.initial_error);
  g_assert_false (g_file_test (second_initial, G_FILE_TEST_EXISTS));
  loaded = rl_model_load (second, &st, NULL);
  g_assert_null (rl_safetensors_get_metadata (st, "initial"));

  /* the model cannot be saved (a folder in its way): no initial weights left behind */
  g_assert_cmpint (g_unlink (second), ==, 0);
  g_assert_cmpint (g_mkdir (second, 0700), ==, 0);
  memset (&r, 0, sizeof r);
  save_run_async (f->model, initial, second, &r);
  g_assert_false (r.saved);
  g_assert_nonnull (r.error);
  g_clear_error (&r.error);
  g_assert_false (g_file_test (second_initial, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (second), ==, 0);
}

/* A run stopped inside an epoch says how far it went there ("stopped_batch" of
 * "epoch_batches", which the app writes beside its localized "stopped" sentence): in its first
 * epoch, "stopped after 300 of 938 batches"; later, after the epochs done. A run kept before
 * those keys, with "epochs" 0, is said to have stopped in its first epoch; keys out of bounds
 * are not read. */
static void
test_stopped (Fixture       *f,
              gconstpointer  data)
{
  static const struct {
    const char *created, *epochs, *batch, *batches;   /* NULL: absent */
    const char *want;                                 /* between " · " */
  } cases[] = {
    { "2025-01-01T10:00:00Z", "0", "300", "938", "stopped after 300 of 938\u00a0batches" },
    { "2025-01-02T10:00:00Z", "2", "300", "938", "2\u00a0epochs and 300 of 938\u00a0batches" },
    { "2025-01-03T10:00:00Z", "0", NULL, NULL, "stopped in its first epoch" },
    { "2025-01-04T10:00:00Z", "1", "938", "938", "1\u00a0epoch" },
    { "2025-01-05T10:00:00Z", "0", "-3", "938", "stopped in its first epoch" },
  };
  g_autoptr (RlModelStore) store = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *base = g_strdup_printf ("2025010%u-100000-seed-mnist.safetensors", i + 1);
      g_autofree char *path = g_build_filename (f->dir, base, NULL);
      g_autoptr (GError) error = NULL;

      g_hash_table_insert (metadata, "dataset", "mnist");
      g_hash_table_insert (metadata, "created", (char *) cases[i].created);
      g_hash_table_insert (metadata, "epochs", (char *) cases[i].epochs);
      g_hash_table_insert (metadata, "stopped", "Stopped at epoch 1, batch 300 of 938.");
      if (cases[i].batch != NULL)
        g_hash_table_insert (metadata, "stopped_batch", (char *) cases[i].batch);
      if (cases[i].batches != NULL)
        g_hash_table_insert (metadata, "epoch_batches", (char *) cases[i].batches);
      g_assert_true (rl_model_save (f->model, path, metadata, &error));
      g_assert_no_error (error);
    }

  store = rl_model_store_new (f->dir, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* newest first */
      RlModelItem *item = item_at (store, G_N_ELEMENTS (cases) - 1 - i);
      g_autofree char *text = rl_model_item_describe (item);
      g_autofree char *want = g_strconcat (" · ", cases[i].want, " · ", NULL);

      g_test_message ("%s", text);
      g_assert_nonnull (strstr (text, want));
    }
}

/* What a file's metadata says, as the Models list and an opened model file both read it: a
 * key that is absent, or whose value is out of bounds, gives the default. */
static void
test_read_metadata (void)
{
  static const struct {
    const char    *dataset, *accuracy, *epochs;   /* NULL: absent */
    RlDatasetKind  kind;
    double         want_accuracy;                 /* NaN: the default */
    int            want_epochs;
  } cases[] = {
    { NULL, NULL, NULL, RL_DATASET_MNIST, NAN, -1 },
    { "fashion", "0.9512", "12", RL_DATASET_FASHION, 0.9512, 12 },
    { "cifar", "95.12", "-1", RL_DATASET_MNIST, NAN, -1 },
    { "mnist", "0.9x", "2000000", RL_DATASET_MNIST, NAN, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
      RlDatasetKind kind = RL_DATASET_FASHION;
      double accuracy = 0;
      int epochs = 0;

      if (cases[i].dataset != NULL)
        g_hash_table_insert (metadata, "dataset", (char *) cases[i].dataset);
      if (cases[i].accuracy != NULL)
        g_hash_table_insert (metadata, "test_accuracy", (char *) cases[i].accuracy);
      if (cases[i].epochs != NULL)
        g_hash_table_insert (metadata, "epochs", (char *) cases[i].epochs);
      rl_model_file_read_metadata (metadata, &kind, &accuracy, &epochs);
      g_assert_cmpint (kind, ==, cases[i].kind);
      if (isnan (cases[i].want_accuracy))
        g_assert_true (isnan (accuracy));
      else
        g_assert_cmpfloat_with_epsilon (accuracy, cases[i].want_accuracy, 1e-12);
      g_assert_cmpint (epochs, ==, cases[i].want_epochs);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/control/model-store/list", Fixture, NULL, fixture_set_up, test_list,
              fixture_tear_down);
  g_test_add ("/control/model-store/list-foreign", Fixture, NULL, fixture_set_up,
              test_list_foreign, fixture_tear_down);
  g_test_add ("/control/model-store/new-run-path", Fixture, NULL, fixture_set_up,
              test_new_run_path, fixture_tear_down);
  g_test_add ("/control/model-store/rename", Fixture, NULL, fixture_set_up, test_rename,
              fixture_tear_down);
  g_test_add ("/control/model-store/delete-undo", Fixture, NULL, fixture_set_up,
              test_delete_undo, fixture_tear_down);
  g_test_add ("/control/model-store/export", Fixture, NULL, fixture_set_up, test_export,
              fixture_tear_down);
  g_test_add ("/control/model-store/initial-pair", Fixture, NULL, fixture_set_up,
              test_initial_pair, fixture_tear_down);
  g_test_add ("/control/model-store/save-run", Fixture, NULL, fixture_set_up,
              test_save_run, fixture_tear_down);
  g_test_add ("/control/model-store/stopped", Fixture, NULL, fixture_set_up, test_stopped,
              fixture_tear_down);
  g_test_add_func ("/control/model-file/read-metadata", test_read_metadata);

  return g_test_run ();
}
