#define G_LOG_DOMAIN "reslab-ui"

/* rl-window-landscape.c: the Landscape tab fed from the Experiment view's runs and from the
 * Models list. The twins of a run that ends come straight from the runner, named with their
 * run as the list shows it ("plain-8 (run 2)", rl_experiment_view_describe_trained), with a
 * remark when one diverged. A Models row's menu asks for the loss landscape of its model alone, or
 * side by side with another model of the list; a run's menu, for the trained twins kept beside
 * its file (win.show-landscape, as: one or two keys, the paths of model files of either list,
 * "" for the bundled model). The files are read again off the main thread, with the initial
 * weights their metadata names (`reslab-cli train --keep-initial`, a Train run, an experiment's
 * twins), the training set of the dataset the list says they trained on comes from the shared
 * loader, and the Landscape tab gets them (rl_landscape_view_set_models) and is shown; Compute
 * there starts the computation, as for the twins of an experiment that has just ended. A file
 * that does not load leaves the tab as it was, with a dialog naming it. The tab opened empty
 * (after a restart) is offered the newest kept run's twins the same way, quietly.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-window-private.h"

#include <string.h>

#include "rl-dataset-loader.h"
#include "rl-dialogs.h"
#include "rl-experiment-view.h"
#include "rl-landscape-view.h"
#include "rl-model-file.h"

#define MAX_MODELS RL_LANDSCAPE_RUNNER_MAX_MODELS

/* One request: the models loaded one after the other, then the dataset. */
typedef struct {
  RlWindow      *self;              /* a reference */
  GCancellable  *cancellable;       /* the window's landscape_cancellable, a reference */
  guint          n;
  guint          next;              /* the model loading, or n once all are */
  char          *keys[MAX_MODELS];
  char          *names[MAX_MODELS]; /* the names in the list */
  char          *remark;            /* for the note: why a run's twin is missing, or that one
                                     * diverged, or NULL */
  RlModelFile   *files[MAX_MODELS];
  RlDatasetKind  kind;
  gboolean       quiet;             /* offered on opening the tab, not asked for: no dialog,
                                     * and the tab is not brought forward */
} LandscapeJob;

static void
landscape_job_free (LandscapeJob *job)
{
  for (guint m = 0; m < MAX_MODELS; m++)
    {
      g_free (job->keys[m]);
      g_free (job->names[m]);
      g_clear_pointer (&job->files[m], rl_model_file_free);
    }
  g_free (job->remark);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->self);
  g_free (job);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LandscapeJob, landscape_job_free)

/* The file of model @m as the dialogs name it: its base name, or the list's name for the
 * bundled model. Returns: (transfer full) */
static char *
display_name (LandscapeJob *job, guint m)
{
  return *job->keys[m] != '\0' ? g_filename_display_basename (job->keys[m])
                               : g_strdup (job->names[m]);
}

/* What the list that offers @key calls its model, and the dataset it trained on: a model of
 * the Models list ("" the bundled one), or a twin kept beside an experiment run (with why its
 * other twin is missing, when it is). FALSE when neither holds it (deleted or cleared
 * meanwhile: no list shows it any more).
 * name, remark: (out) (transfer full) */
static gboolean
describe_model (RlWindow       *self,
                const char     *key,
                char          **name,
                RlDatasetKind  *kind,
                char          **remark)
{
  RlModelItem *item = rl_model_store_find (self->model_store, *key != '\0' ? key : NULL);

  if (item != NULL)
    {
      *name = g_strdup (rl_model_item_get_name (item));
      *remark = NULL;
      *kind = rl_model_item_get_kind (item);
      return TRUE;
    }
  return *key != '\0' && rl_experiment_view_find_twin (self->experiment_view, key, name, kind,
                                                       remark);
}

static void load_next (LandscapeJob *job);

static void
set_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr (LandscapeJob) job = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) set = rl_dataset_loader_load_finish (result, &error);
  RlWindow *self = job->self;
  RlModel *models[MAX_MODELS] = { NULL }, *initial[MAX_MODELS] = { NULL };
  const char *names[MAX_MODELS] = { NULL };

  /* a request cancelled meanwhile (a newer one, or the window closing) changes nothing */
  if (g_cancellable_is_cancelled (job->cancellable))
    return;
  if (set == NULL)
    {
      if (!job->quiet && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        rl_show_error_dialog (GTK_WIDGET (self), _("Could not load the training images"),
                              error->message);
      return;
    }
  for (guint m = 0; m < job->n; m++)
    {
      models[m] = job->files[m]->model;
      initial[m] = job->files[m]->initial;
      names[m] = job->names[m];
    }
  rl_landscape_view_set_models (self->landscape_view, models, initial, names, job->n, set);
  rl_landscape_view_set_remark (self->landscape_view, job->remark);
  if (!job->quiet)
    rl_window_show_experiment_page (self, "landscape");
}

static void
model_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr (LandscapeJob) job = data;
  g_autoptr (GError) error = NULL;
  RlModelFile *file = rl_model_file_load_finish (result, &error);

  if (file == NULL)
    {
      if (!job->quiet && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = display_name (job, job->next);

          rl_show_model_error_dialog (GTK_WIDGET (job->self), name, error,
                                      _("The loss landscape has not changed."));
        }
      return;
    }
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      rl_model_file_free (file);
      return;
    }
  job->files[job->next++] = file;
  load_next (g_steal_pointer (&job));
}

/* Loads the next model, or once all are, the dataset. Takes @job. */
static void
load_next (LandscapeJob *job)
{
  if (job->next == job->n)
    {
      rl_dataset_loader_load_async (job->kind, RL_SPLIT_TRAIN, job->cancellable, set_loaded_cb,
                                    job);
      return;
    }
  if (*job->keys[job->next] != '\0')
    {
      rl_model_file_load_with_initial_async (job->keys[job->next], job->cancellable,
                                             model_loaded_cb, job);
      return;
    }

  /* the bundled model, from the resource at hand */
  {
    g_autoptr (LandscapeJob) owned = job;
    g_autoptr (GBytes) bytes = g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    g_autoptr (GError) error = NULL;
    RlModelFile *file = bytes != NULL ? rl_model_file_load_bytes (bytes, job->names[job->next],
                                                                  &error)
                                      : NULL;

    if (file == NULL)
      {
        g_autofree char *name = display_name (job, job->next);

        if (job->quiet)
          return;
        if (error == NULL)
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               RL_BUNDLED_MODEL_RESOURCE);
        rl_show_model_error_dialog (GTK_WIDGET (job->self), name, error,
                                    _("The loss landscape has not changed."));
        return;
      }
    job->files[job->next++] = file;
    load_next (g_steal_pointer (&owned));
  }
}

/* Loads the models of @keys (one or two keys, as win.show-landscape takes them) and their
 * dataset's training set into the Landscape tab. @quiet: offered, not asked for (see
 * LandscapeJob). */
static void
request_landscape (RlWindow          *self,
                   const char *const *keys,
                   gboolean           quiet)
{
  g_autoptr (LandscapeJob) job = NULL;
  guint n = g_strv_length ((char **) keys);
  g_auto (GStrv) missing = NULL;

  if (n < 1 || n > MAX_MODELS)
    return;

  /* a request still loading gives way to this one */
  if (self->landscape_cancellable != NULL)
    g_cancellable_cancel (self->landscape_cancellable);
  g_clear_object (&self->landscape_cancellable);
  self->landscape_cancellable = g_cancellable_new ();

  job = g_new0 (LandscapeJob, 1);
  job->self = g_object_ref (self);
  job->cancellable = g_object_ref (self->landscape_cancellable);
  job->n = n;
  job->quiet = quiet;
  for (guint m = 0; m < n; m++)
    {
      RlDatasetKind kind;
      g_autofree char *remark = NULL;

      if (!describe_model (self, keys[m], &job->names[m], &kind, &remark))
        return;
      /* a run's twins share theirs: said once */
      if (job->remark == NULL)
        job->remark = g_steal_pointer (&remark);
      else if (remark != NULL && strcmp (remark, job->remark) != 0)
        {
          char *both = g_strdup_printf ("%s %s", job->remark, remark);

          g_free (job->remark);
          job->remark = both;
        }
      job->keys[m] = g_strdup (keys[m]);
      if (m == 0)
        job->kind = kind;
      else if (kind != job->kind)
        {
          if (quiet)
            return;
          /* TRANSLATORS: %1$s and %3$s are models' names, %2$s and %4$s datasets */
          g_autofree char *text = g_strdup_printf (_("“%1$s” was trained on %2$s, “%3$s” on"
                                                     " %4$s: their losses are on different"
                                                     " images."),
                                                   job->names[0],
                                                   rl_dataset_title (job->kind),
                                                   job->names[m],
                                                   rl_dataset_title (kind));

          rl_show_error_dialog (GTK_WIDGET (self),
                                _("Only models of the same dataset can be compared"), text);
          return;
        }
    }

  missing = rl_dataset_find_missing_files (job->kind);
  if (missing != NULL)
    {
      if (quiet)
        return;
      g_free (rl_show_missing_data_dialog (GTK_WIDGET (self), job->kind, missing,
                                           _("The loss landscape is computed on the training"
                                             " images below."), NULL));
      return;
    }
  load_next (g_steal_pointer (&job));
}

static void
show_landscape_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  RlWindow *self = RL_WINDOW (widget);
  g_autofree const char **keys = g_variant_get_strv (parameter, NULL);

  gtk_popover_popdown (GTK_POPOVER (self->models_popover));
  request_landscape (self, keys, FALSE);
}

/* The Landscape tab opened with nothing in it, after a restart say: it offers the twins of the
 * newest run whose trained twins are kept, as that run's Loss Landscape item would (before, it
 * said "No twins yet" beside a list of runs that had them). Once a window: a file that does
 * not load leaves the tab empty, without a dialog nobody asked for, and is not read again at
 * every visit. */
static void
experiment_page_changed_cb (GtkStack   *stack,
                            GParamSpec *pspec,
                            RlWindow   *self)
{
  if (self->landscape_offered
      || g_strcmp0 (gtk_stack_get_visible_child_name (stack), "landscape") != 0
      || rl_landscape_view_get_n_models (self->landscape_view) > 0
      || self->landscape_cancellable != NULL)
    return;

  for (guint r = rl_experiment_view_get_n_runs (self->experiment_view); r-- > 0;)
    {
      GMenuModel *menu = rl_experiment_view_get_run_menu (self->experiment_view, r);

      for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
        {
          g_autofree char *action = NULL;
          g_autoptr (GVariant) target = NULL;
          g_autofree const char **keys = NULL;

          if (!g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action)
              || strcmp (action, "win.show-landscape") != 0)
            continue;
          target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                          G_VARIANT_TYPE_STRING_ARRAY);
          if (target == NULL)
            continue;
          keys = g_variant_get_strv (target, NULL);
          self->landscape_offered = TRUE;
          request_landscape (self, keys, TRUE);
          return;
        }
    }
}

/* A run of the twins ended: the Landscape tab looks at its twins (when it trained at least one
 * step), named as its row in the list. The Experiment view's own handler ran first (it was
 * connected before): it knows which run the twins are of. */
static void
experiment_finished_cb (RlExperimentRunner *runner,
                        gboolean            completed,
                        const GError       *error,
                        RlWindow           *self)
{
  RlModel *models[RL_N_TWINS], *initial[RL_N_TWINS];
  char *names[RL_N_TWINS] = { NULL };
  g_autofree char *remark = NULL;

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      models[t] = rl_experiment_runner_get_trained (runner, (RlTwin) t, &initial[t]);
      if (models[t] == NULL)
        return;
    }
  if (!rl_experiment_view_describe_trained (self->experiment_view, names, &remark))
    return;
  rl_landscape_view_set_models (self->landscape_view, models, initial, (const char **) names,
                                RL_N_TWINS, rl_experiment_runner_get_train_set (runner));
  rl_landscape_view_set_remark (self->landscape_view, remark);
  for (int t = 0; t < RL_N_TWINS; t++)
    g_free (names[t]);
}

void
_rl_window_landscape_init (RlWindow *self)
{
  RlExperimentRunner *runner = rl_experiment_view_get_runner (self->experiment_view);

  rl_landscape_view_follow (self->landscape_view, runner);
  g_signal_connect_object (runner, "finished", G_CALLBACK (experiment_finished_cb), self, 0);
  g_signal_connect_object (self->experiment_stack, "notify::visible-child-name",
                           G_CALLBACK (experiment_page_changed_cb), self, 0);
}

void
_rl_window_landscape_dispose (RlWindow *self)
{
  if (self->landscape_cancellable != NULL)
    g_cancellable_cancel (self->landscape_cancellable);
  g_clear_object (&self->landscape_cancellable);
}

void
_rl_window_class_landscape_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-landscape", "as",
                                   show_landscape_activated);
}
