#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-export.c: the Experiment view's Export: the runs ticked in the list of
 * runs, as the command line writes them (rl_experiment_group_format_csv, one row per record
 * and seed) or drawn by its figure painter (ui/paint/rl-figure.c), to a file the user picks. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include "rl-dialogs.h"
#include "rl-error.h"
#include "rl-figure.h"

/* The exported figure's size, as the command line's */
#define FIGURE_WIDTH   1100
#define FIGURE_HEIGHT  460

/* What either export writes: the shown runs' groups, in run order; NULL, with @error, when no
 * run is shown or @path exists and may not be overwritten. Returns: (transfer container) */
static GPtrArray *
groups_to_export (RlExperimentView *self,
                  const char       *path,
                  gboolean          overwrite,
                  GError          **error)
{
  g_autoptr (GPtrArray) groups = g_ptr_array_new ();

  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (run->visible && rl_experiment_group_get_n_seeds (run->group) > 0)
        g_ptr_array_add (groups, run->group);
    }
  if (groups->len == 0)
    {
      g_set_error_literal (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                           _("No curves to export: tick a run in the list of runs."));
      return NULL;
    }
  if (!overwrite && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s already exists; it was left as it is."), name);
      return NULL;
    }
  return g_steal_pointer (&groups);
}

gboolean
rl_experiment_view_export_csv (RlExperimentView *self,
                               const char       *path,
                               gboolean          overwrite,
                               GError          **error)
{
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GString) csv = g_string_new (NULL);

  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  groups = groups_to_export (self, path, overwrite, error);
  if (groups == NULL)
    return FALSE;
  /* the command line's format: a row per record and seed */
  for (guint i = 0; i < groups->len; i++)
    rl_experiment_group_format_csv (g_ptr_array_index (groups, i), csv, i == 0);
  return g_file_set_contents (path, csv->str, (gssize) csv->len, error);
}

gboolean
rl_experiment_view_export_figure (RlExperimentView *self,
                                  const char       *path,
                                  gboolean          overwrite,
                                  GError          **error)
{
  g_autoptr (GPtrArray) groups = NULL;

  g_return_val_if_fail (RL_IS_EXPERIMENT_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  groups = groups_to_export (self, path, overwrite, error);
  if (groups == NULL)
    return FALSE;
  return rl_figure_save_degradation (path, FIGURE_WIDTH, FIGURE_HEIGHT,
                                     (RlExperimentGroup *const *) groups->pdata, groups->len,
                                     rl_chart_get_title (self->chart), error);
}

static void
export_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    RlExperimentView *self)
{
  gboolean figure = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "figure"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      /* GTK 4's save chooser has asked before replacing a file */
      if (path == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Only local files can be written."));
      else if (figure)
        rl_experiment_view_export_figure (self, path, TRUE, &error);
      else
        rl_experiment_view_export_csv (self, path, TRUE, &error);
      if (error != NULL)
        rl_show_error_dialog (GTK_WIDGET (self),
                              figure ? _("Could not export the figure")
                                     : _("Could not export the curves"),
                              error->message);
      else
        {
          g_autofree char *name = g_filename_display_basename (path);
          g_autofree char *text = g_strdup_printf (_("Exported to %s."), name);

          _rl_experiment_view_set_status (self, text);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RlExperimentView *self = RL_EXPERIMENT_VIEW (widget);
  gboolean figure = g_str_equal (action_name, "experiment.export-figure");
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (figure ? _("Export the Figure") : _("Export the Curves"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  filter = gtk_file_filter_new ();
  if (figure)
    {
      gtk_file_filter_set_name (filter, _("PNG or SVG image"));
      gtk_file_filter_add_suffix (filter, "png");
      gtk_file_filter_add_suffix (filter, "svg");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("CSV table"));
      gtk_file_filter_add_suffix (filter, "csv");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     figure ? "degradation.png" : "degradation.csv");
  g_object_set_data (G_OBJECT (chooser), "figure", GINT_TO_POINTER (figure));
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_rl_experiment_view_class_init_export (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "experiment.export-csv", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "experiment.export-figure", NULL,
                                   export_action);
}
