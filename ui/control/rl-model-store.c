#define G_LOG_DOMAIN "reslab-control"

/* rl-model-store.c: see rl-model-store.h. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-model-store.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "rl-arch.h"
#include "rl-landscape.h"
#include "rl-model-file.h"
#include "rl-safetensors.h"

#define DELETED_DIR ".deleted"

/* ---- items -------------------------------------------------------------------------------- */

struct _RlModelItem
{
  GObject        parent_instance;

  char          *path;       /* NULL: the bundled model */
  char          *name;
  RlDatasetKind  kind;
  double         test_accuracy;
  int            epochs;
  int            stopped_batch;   /* a run stopped inside an epoch: the batches done of it, */
  int            epoch_batches;   /* of these (metadata "stopped_batch", "epoch_batches"); 0:
                                   * none said */
  GDateTime     *created;
  char          *net;        /* "resnet-20", "custom net" (rl_arch_short_name); NULL: unknown */
  char          *initial;    /* its initial weights' file (metadata "initial", a base name in
                              * the same folder); NULL: none */
};

G_DEFINE_FINAL_TYPE (RlModelItem, rl_model_item, G_TYPE_OBJECT)

static void
rl_model_item_finalize (GObject *object)
{
  RlModelItem *self = RL_MODEL_ITEM (object);

  g_free (self->path);
  g_free (self->name);
  g_free (self->net);
  g_free (self->initial);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (rl_model_item_parent_class)->finalize (object);
}

static void
rl_model_item_class_init (RlModelItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rl_model_item_finalize;
}

static void
rl_model_item_init (RlModelItem *self)
{
  self->kind = RL_DATASET_MNIST;
  self->test_accuracy = NAN;
  self->epochs = -1;
}

/* An item from a file's metadata (string -> string); @path NULL for the bundled model. */
static RlModelItem *
item_new (const char *path,
          GHashTable *metadata,
          GDateTime  *fallback_date)
{
  RlModelItem *item = g_object_new (RL_TYPE_MODEL_ITEM, NULL);
  const char *value;

  item->path = g_strdup (path);
  rl_model_file_read_metadata (metadata, &item->kind, &item->test_accuracy, &item->epochs);
  {
    const char *batch = g_hash_table_lookup (metadata, "stopped_batch");
    const char *batches = g_hash_table_lookup (metadata, "epoch_batches");
    guint64 b, n;

    /* the app's runs since these keys (the "stopped" text is a sentence in the language of
     * the day): both or neither, one batch at least, fewer than an epoch */
    if (batch != NULL && batches != NULL
        && g_ascii_string_to_unsigned (batch, 10, 1, G_MAXINT, &b, NULL)
        && g_ascii_string_to_unsigned (batches, 10, 2, G_MAXINT, &n, NULL) && b < n)
      {
        item->stopped_batch = (int) b;
        item->epoch_batches = (int) n;
      }
  }
  if ((value = g_hash_table_lookup (metadata, "created")) != NULL)
    item->created = g_date_time_new_from_iso8601 (value, NULL);
  {
    /* a file without "arch" holds the seed net (rl_model_load) */
    g_autoptr (RlArch) arch = rl_arch_parse ((value = g_hash_table_lookup (metadata, "arch"))
                                             != NULL ? value : "seed", NULL);

    item->net = arch == NULL ? NULL : rl_arch_short_name (arch);
    if (arch != NULL && item->net == NULL)
      item->net = g_strdup_printf (ngettext ("custom net of %d layer", "custom net of %d layers",
                                             arch->n_layers), arch->n_layers);
  }
  if (path != NULL && (value = g_hash_table_lookup (metadata, "initial")) != NULL
      && g_str_has_suffix (value, ".initial.safetensors"))
    {
      /* as rl_landscape_load_initial looks for it: in the run's folder, never elsewhere; and
       * only a file of initial weights (never a listed run, which delete would take along) */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (value);

      item->initial = g_build_filename (dir, base, NULL);
    }
  if (item->created == NULL && fallback_date != NULL)
    item->created = g_date_time_ref (fallback_date);

  value = g_hash_table_lookup (metadata, "name");
  if (value != NULL && *value != '\0' && g_utf8_validate (value, -1, NULL))
    item->name = g_strdup (value);
  else if (path == NULL)
    item->name = g_strdup (_("The seed net bundled with ResLab"));
  else
    {
      g_autofree char *base = g_path_get_basename (path);

      item->name = g_filename_display_name (base);
    }
  return item;
}

const char *
rl_model_item_get_path (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), NULL);
  return self->path;
}

gboolean
rl_model_item_is_bundled (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), FALSE);
  return self->path == NULL;
}

const char *
rl_model_item_get_name (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), NULL);
  return self->name;
}

RlDatasetKind
rl_model_item_get_kind (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), RL_DATASET_MNIST);
  return self->kind;
}

double
rl_model_item_get_test_accuracy (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), NAN);
  return self->test_accuracy;
}

int
rl_model_item_get_epochs (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), -1);
  return self->epochs;
}

GDateTime *
rl_model_item_get_created (RlModelItem *self)
{
  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), NULL);
  return self->created;
}

char *
rl_model_item_describe (RlModelItem *self)
{
  const char *dataset;
  g_autofree char *what = NULL;
  g_autofree char *accuracy = NULL;
  g_autofree char *date = NULL;
  g_autofree char *epochs = NULL;

  g_return_val_if_fail (RL_IS_MODEL_ITEM (self), NULL);

  dataset = rl_dataset_title (self->kind);
  /* a narrow no-break space between a number and its %, as everywhere in ResLab */
  accuracy = isnan (self->test_accuracy)
             ? g_strdup (_("Test accuracy not measured"))
             : g_strdup_printf (_("%.2f\u202f%% on the test set"), 100 * self->test_accuracy);
  if (self->epochs > 0)
    epochs = g_strdup_printf (ngettext ("%d\u00a0epoch", "%d\u00a0epochs", self->epochs), self->epochs);
  if (self->epoch_batches > 0)
    {
      /* a run stopped inside an epoch: how far it went there */
      g_autofree char *part = g_strdup_printf (ngettext ("%'d of %'d\u00a0batch",
                                                         "%'d of %'d\u00a0batches",
                                                         self->epoch_batches),
                                               self->stopped_batch, self->epoch_batches);
      g_autofree char *done = g_steal_pointer (&epochs);

      epochs = done != NULL
               ? g_strdup_printf (/* TRANSLATORS: in the Models list, a run stopped inside an epoch: "2 epochs" and "300 of 938 batches" (of the next one) */ _("%1$s and %2$s"),
                                  done, part)
               : g_strdup_printf (/* TRANSLATORS: in the Models list, a run stopped in its first epoch: "300 of 938 batches" */ _("stopped after %s"),
                                  part);
    }
  else if (self->epochs == 0)
    /* a run stopped in its first epoch, kept before the file said how far it went */
    epochs = g_strdup (_("stopped in its first epoch"));
  if (self->created != NULL)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (self->created);

      /* one unit on a wrapped line: no-break spaces (and, where a script breaks between
       * any two characters, word joiners in the translation) */
      date = g_date_time_format (local, /* TRANSLATORS: the date a model was trained, in g_date_time_format ()'s notation; the spaces are no-break spaces, and a line must not break inside it (put U+2060 WORD JOINER between characters your script may break between) */ _("%-d\u00a0%b\u00a0%Y\u00a0%H:%M"));
      g_strstrip (date);
    }

  /* "resnet-20 · MNIST": the net, then what it learnt */
  if (self->net != NULL)
    dataset = what = g_strdup_printf ("%s · %s", self->net, dataset);
  if (epochs != NULL && date != NULL)
    return g_strdup_printf ("%s · %s · %s · %s", accuracy, dataset, epochs, date);
  if (date != NULL)
    return g_strdup_printf ("%s · %s · %s", accuracy, dataset, date);
  return g_strdup_printf ("%s · %s", accuracy, dataset);
}

/* ---- the store ---------------------------------------------------------------------------- */

struct _RlModelStore
{
  GObject      parent_instance;

  char        *dir;
  GBytes      *bundled;        /* nullable */
  GPtrArray   *items;          /* of RlModelItem: runs newest first, then the bundled one */

  /* the last deletion, which undo brings back */
  char        *deleted_path;   /* where it was */
  char        *deleted_trash;  /* where it is */
  char        *deleted_name;
  char        *deleted_initial_path;    /* its initial weights (nullable), likewise */
  char        *deleted_initial_trash;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RlModelStore, rl_model_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *list)
{
  return RL_TYPE_MODEL_ITEM;
}

static guint
get_n_items (GListModel *list)
{
  return RL_MODEL_STORE (list)->items->len;
}

static gpointer
get_item (GListModel *list,
          guint       position)
{
  RlModelStore *self = RL_MODEL_STORE (list);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  RlModelItem *x = *(RlModelItem **) a;
  RlModelItem *y = *(RlModelItem **) b;
  int by_date;

  if (x->created != NULL && y->created != NULL
      && (by_date = g_date_time_compare (y->created, x->created)) != 0)
    return by_date;
  return -g_strcmp0 (x->path, y->path);   /* the file names start with the date */
}

static GPtrArray *
list_dir (RlModelStore *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *base;

  while (dir != NULL && (base = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr (GHashTable) metadata = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GDateTime) mtime = NULL;
      GStatBuf st;

      /* a run's initial weights (`reslab-cli train --keep-initial`) are part of the run */
      if (!g_str_has_suffix (base, ".safetensors") || base[0] == '.'
          || g_str_has_suffix (base, ".initial.safetensors"))
        continue;
      path = g_build_filename (self->dir, base, NULL);
      metadata = rl_safetensors_read_metadata (path, &error);
      if (metadata == NULL)
        {
          g_message ("Not listing %s: %s", path, error->message);
          continue;
        }
      if (g_stat (path, &st) == 0)
        mtime = g_date_time_new_from_unix_utc (st.st_mtime);
      g_ptr_array_add (items, item_new (path, metadata, mtime));
    }
  g_ptr_array_sort (items, compare_newest_first);

  if (self->bundled != NULL)
    {
      g_autoptr (GHashTable) metadata = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (RlSafetensors) st = rl_safetensors_load_bytes (self->bundled, "bundled", NULL);
      GHashTable *table = st != NULL ? rl_safetensors_get_metadata_table (st) : NULL;
      RlModelItem *item;

      item = item_new (NULL, table != NULL ? table : metadata, NULL);
      /* The bundled model keeps its own name, whatever its metadata says. */
      g_free (item->name);
      item->name = g_strdup (_("The seed net bundled with ResLab"));
      g_ptr_array_add (items, item);
    }
  return items;
}

void
rl_model_store_reload (RlModelStore *self)
{
  guint removed;

  g_return_if_fail (RL_IS_MODEL_STORE (self));

  removed = self->items->len;
  g_ptr_array_unref (self->items);
  self->items = list_dir (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
}

RlModelStore *
rl_model_store_new (const char *dir,
                    GBytes     *bundled)
{
  RlModelStore *self;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (RL_TYPE_MODEL_STORE, NULL);
  self->dir = g_strdup (dir);
  self->bundled = bundled != NULL ? g_bytes_ref (bundled) : NULL;
  g_ptr_array_unref (self->items);
  self->items = list_dir (self);
  return self;
}

char *
rl_model_store_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "reslab", "runs", NULL);
}

const char *
rl_model_store_get_dir (RlModelStore *self)
{
  g_return_val_if_fail (RL_IS_MODEL_STORE (self), NULL);
  return self->dir;
}

/* "seed" for the seed net, "resnet-20" and the like by their names (rl_arch_short_name, also
 * from their full description), else "net". */
static char *
arch_file_name (const char *arch)
{
  g_autoptr (RlArch) parsed = arch != NULL ? rl_arch_parse (arch, NULL) : NULL;
  char *name = parsed != NULL ? rl_arch_short_name (parsed) : NULL;

  if (arch == NULL)
    return g_strdup ("seed");
  if (name != NULL)
    return name;
  if (strlen (arch) <= 24 && strspn (arch, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen (arch))
    return g_strdup (arch);
  return g_strdup ("net");
}

char *
rl_model_store_new_run_path (RlModelStore  *self,
                             const char    *arch,
                             RlDatasetKind  kind,
                             GDateTime     *when)
{
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (RL_IS_MODEL_STORE (self), NULL);
  g_return_val_if_fail (when != NULL, NULL);

  local = g_date_time_to_local (when);
  stamp = g_date_time_format (local, "%Y%m%d-%H%M%S");
  name = arch_file_name (arch);
  for (int n = 1; ; n++)
    {
      g_autofree char *base = n == 1
        ? g_strdup_printf ("%s-%s-%s.safetensors", stamp, name, rl_dataset_kind_name (kind))
        : g_strdup_printf ("%s-%s-%s-%d.safetensors", stamp, name, rl_dataset_kind_name (kind), n);
      char *path = g_build_filename (self->dir, base, NULL);
      g_autofree char *initial = rl_landscape_initial_path (path);

      /* the run's initial weights go beside it: neither name may be taken */
      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (initial, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

RlModelItem *
rl_model_store_find (RlModelStore *self,
                     const char   *path)
{
  g_return_val_if_fail (RL_IS_MODEL_STORE (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      RlModelItem *item = g_ptr_array_index (self->items, i);

      if (g_strcmp0 (item->path, path) == 0)
        return item;
    }
  return NULL;
}

RlModelItem *
rl_model_store_get_bundled (RlModelStore *self)
{
  return rl_model_store_find (self, NULL);
}

static gboolean
find_index (RlModelStore *self,
            RlModelItem  *item,
            guint        *index)
{
  return g_ptr_array_find (self->items, item, index);
}

gboolean
rl_model_store_rename (RlModelStore  *self,
                       RlModelItem   *item,
                       const char    *name,
                       GError       **error)
{
  g_autoptr (RlSafetensors) st = NULL;
  g_autoptr (GHashTable) metadata = NULL;
  g_autoptr (GArray) views = NULL;
  g_autofree char *stripped = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint index;

  g_return_val_if_fail (RL_IS_MODEL_STORE (self), FALSE);
  g_return_val_if_fail (RL_IS_MODEL_ITEM (item), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (item->path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The bundled model cannot be renamed."));
      return FALSE;
    }
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A model needs a name."));
      return FALSE;
    }
  if (g_strcmp0 (stripped, item->name) == 0)
    return TRUE;

  st = rl_safetensors_load (item->path, error);
  if (st == NULL)
    return FALSE;
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, rl_safetensors_get_metadata_table (st));
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (metadata, g_strdup (key), g_strdup (value));
  g_hash_table_insert (metadata, g_strdup ("name"), g_strdup (stripped));

  views = g_array_new (FALSE, FALSE, sizeof (RlTensorView));
  for (guint i = 0; i < rl_safetensors_get_n_tensors (st); i++)
    g_array_append_vals (views, rl_safetensors_get_tensor (st, i), 1);
  if (!rl_safetensors_save (item->path, (const RlTensorView *) (gpointer) views->data, views->len,
                            metadata, error))
    return FALSE;

  g_free (item->name);
  item->name = g_steal_pointer (&stripped);
  if (find_index (self, item, &index))
    g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 1);
  return TRUE;
}

void
rl_model_store_purge (RlModelStore *self)
{
  g_return_if_fail (RL_IS_MODEL_STORE (self));

  for (guint i = 0; i < 2; i++)
    {
      const char *trash = i == 0 ? self->deleted_trash : self->deleted_initial_trash;

      if (trash != NULL && g_unlink (trash) != 0 && errno != ENOENT)
        g_message ("Could not remove %s: %s", trash, g_strerror (errno));
    }
  g_clear_pointer (&self->deleted_trash, g_free);
  g_clear_pointer (&self->deleted_path, g_free);
  g_clear_pointer (&self->deleted_name, g_free);
  g_clear_pointer (&self->deleted_initial_trash, g_free);
  g_clear_pointer (&self->deleted_initial_path, g_free);
}

/* Whether another run in the list names @initial as its initial weights too (a run file copied
 * by hand): then they stay where they are when @item goes. */
static gboolean
initial_shared (RlModelStore *self,
                RlModelItem  *item,
                const char   *initial)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      RlModelItem *other = g_ptr_array_index (self->items, i);

      if (other != item && g_strcmp0 (other->initial, initial) == 0)
        return TRUE;
    }
  return FALSE;
}

/* g_rename of the file at @path (in the folder) to or from the hidden folder, @back for undo;
 * the error names @path. */
static gboolean
move_file (const char  *from,
           const char  *to,
           const char  *path,
           gboolean     back,
           GError     **error)
{
  int saved_errno;

  if (g_rename (from, to) == 0)
    return TRUE;
  saved_errno = errno;
  if (back)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not bring back %s: %s"), path, g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not delete %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

gboolean
rl_model_store_delete (RlModelStore  *self,
                       RlModelItem   *item,
                       GError       **error)
{
  g_autofree char *trash_dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *trash = NULL;
  g_autofree char *initial_trash = NULL;
  const char *initial = NULL;
  guint index;

  g_return_val_if_fail (RL_IS_MODEL_STORE (self), FALSE);
  g_return_val_if_fail (RL_IS_MODEL_ITEM (item), FALSE);

  if (item->path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The bundled model cannot be deleted."));
      return FALSE;
    }

  rl_model_store_purge (self);
  trash_dir = g_build_filename (self->dir, DELETED_DIR, NULL);
  base = g_path_get_basename (item->path);
  trash = g_build_filename (trash_dir, base, NULL);
  if (g_mkdir_with_parents (trash_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not delete %s: %s"), item->path, g_strerror (saved_errno));
      return FALSE;
    }
  /* The run's initial weights go with it (and come back with it), unless another run names
   * them too. The model file moves last: if it cannot, they come back. */
  if (item->initial != NULL && g_file_test (item->initial, G_FILE_TEST_EXISTS)
      && !initial_shared (self, item, item->initial))
    {
      g_autofree char *initial_base = g_path_get_basename (item->initial);

      initial = item->initial;
      initial_trash = g_build_filename (trash_dir, initial_base, NULL);
      if (!move_file (initial, initial_trash, initial, FALSE, error))
        return FALSE;
    }
  if (!move_file (item->path, trash, item->path, FALSE, error))
    {
      if (initial != NULL && g_rename (initial_trash, initial) != 0)
        g_message ("Could not bring back %s: %s", initial, g_strerror (errno));
      return FALSE;
    }

  self->deleted_path = g_strdup (item->path);
  self->deleted_trash = g_steal_pointer (&trash);
  self->deleted_name = g_strdup (item->name);
  self->deleted_initial_path = g_strdup (initial);
  self->deleted_initial_trash = g_steal_pointer (&initial_trash);
  if (find_index (self, item, &index))
    {
      g_ptr_array_remove_index (self->items, index);
      g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
    }
  return TRUE;
}

const char *
rl_model_store_get_deleted_name (RlModelStore *self)
{
  g_return_val_if_fail (RL_IS_MODEL_STORE (self), NULL);
  return self->deleted_name;
}

RlModelItem *
rl_model_store_undo_delete (RlModelStore  *self,
                            GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (RL_IS_MODEL_STORE (self), NULL);

  if (self->deleted_trash == NULL)
    return NULL;
  if (!move_file (self->deleted_trash, self->deleted_path, self->deleted_path, TRUE, error))
    return NULL;
  /* The run is back; its initial weights too, or they stay in the hidden folder (not purged:
   * nothing is forgotten here) and the run has no line. */
  if (self->deleted_initial_trash != NULL
      && g_rename (self->deleted_initial_trash, self->deleted_initial_path) != 0)
    g_message ("Could not bring back %s: %s", self->deleted_initial_path, g_strerror (errno));
  path = g_steal_pointer (&self->deleted_path);
  g_clear_pointer (&self->deleted_trash, g_free);
  g_clear_pointer (&self->deleted_name, g_free);
  g_clear_pointer (&self->deleted_initial_path, g_free);
  g_clear_pointer (&self->deleted_initial_trash, g_free);
  rl_model_store_reload (self);
  return rl_model_store_find (self, path);
}

gboolean
rl_model_store_export (RlModelStore  *self,
                       RlModelItem   *item,
                       const char    *dest,
                       GError       **error)
{
  g_autoptr (GFile) to = NULL;

  g_return_val_if_fail (RL_IS_MODEL_STORE (self), FALSE);
  g_return_val_if_fail (RL_IS_MODEL_ITEM (item), FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);

  to = g_file_new_for_path (dest);
  if (item->path == NULL)
    {
      gsize size;
      gconstpointer data;

      if (self->bundled == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no bundled model in this build."));
          return FALSE;
        }
      data = g_bytes_get_data (self->bundled, &size);
      return g_file_replace_contents (to, data, size, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                      NULL, error);
    }
  else
    {
      g_autoptr (GFile) from = g_file_new_for_path (item->path);

      return g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
    }
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_model_store_finalize (GObject *object)
{
  RlModelStore *self = RL_MODEL_STORE (object);

  rl_model_store_purge (self);
  g_ptr_array_unref (self->items);
  g_clear_pointer (&self->bundled, g_bytes_unref);
  g_free (self->dir);

  G_OBJECT_CLASS (rl_model_store_parent_class)->finalize (object);
}

static void
rl_model_store_class_init (RlModelStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rl_model_store_finalize;
}

static void
rl_model_store_init (RlModelStore *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}
