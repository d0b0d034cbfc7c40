#define G_LOG_DOMAIN "reslab-ui"

/* rl-experiment-view-list.c: the Experiment view's runs and the list of runs. A run (Run, in
 * rl-experiment-view-private.h) made, freed and numbered, with its colour; and its row, newest
 * first: the colour, a check button that shows or hides its curves (a run's ticks, kept by
 * rl-experiment-view-files.c), the two lines that say its setting, its state or time and its
 * size once kept, and its menu (Use These Settings, and once its trained twins are kept, their
 * Loss Landscape). A run added hides an earlier shown one of the same depth and setting.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-experiment-view-private.h"

#include <math.h>

/* One colour per run, in the order they were started (GNOME HIG palette), for both twins:
 * plain dashed, residual solid. The list of runs shows each run's colour. */
static const char *const run_colors[] = {
  "#3584e4",   /* blue */
  "#2ec27e",   /* green */
  "#ff7800",   /* orange */
  "#9141ac",   /* purple */
  "#e01b24",   /* red */
  "#986a44",   /* brown */
  "#f5c211",   /* yellow */
  "#77767b",   /* grey */
};

/* ---- runs --------------------------------------------------------------------------------- */

void
_rl_experiment_run_free (gpointer data)
{
  Run *run = data;

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      g_free (run->names[t]);
      g_clear_pointer (&run->last[t], rl_experiment_record_unref);
      g_array_unref (run->bar_of_layer[t]);
      g_array_unref (run->layers[t]);
    }
  g_clear_pointer (&run->group, rl_experiment_group_free);
  g_strfreev (run->bar_names);
  g_free (run->path);
  g_free (run);
}

void
_rl_experiment_run_set_number (Run   *run,
                               guint  number)
{
  run->number = number;
  gdk_rgba_parse (&run->color, run_colors[(number - 1) % G_N_ELEMENTS (run_colors)]);
}

Run *
_rl_experiment_run_new (const RlExperimentConfig *config,
                        RlDatasetKind             kind,
                        guint                     n_seeds,
                        guint64                   total,
                        const char               *plain_name,
                        const char               *residual_name,
                        GArray                   *layers[RL_N_TWINS],
                        guint                     number)
{
  Run *run = g_new0 (Run, 1);

  _rl_experiment_run_set_number (run, number);
  run->config = *config;
  run->kind = kind;
  run->n_seeds = n_seeds;
  run->total = total;
  run->visible = TRUE;
  run->bar_names = g_new0 (char *, run->config.depth + 1);
  run->group = rl_experiment_group_new (&run->config, run->total, plain_name, residual_name);
  run->names[RL_TWIN_PLAIN] = g_strdup (plain_name);
  run->names[RL_TWIN_RESIDUAL] = g_strdup (residual_name);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint n = layers[t]->len;

      run->series[t] = NO_SERIES;
      run->layers[t] = g_array_copy (layers[t]);
      run->bar_of_layer[t] = g_array_sized_new (FALSE, FALSE, sizeof (int), n);
      for (guint i = 0; i < n; i++)
        {
          const RlExperimentLayer *layer = &g_array_index (layers[t], RlExperimentLayer, i);
          int bar = layer->index >= 1 && layer->index <= run->config.depth ? layer->index - 1 : -1;

          g_array_append_val (run->bar_of_layer[t], bar);
          if (bar >= 0 && run->bar_names[bar] == NULL)
            run->bar_names[bar] = g_strdup (layer->name);
        }
    }
  /* Every position named, so the array is a proper NULL-terminated strv. */
  for (int i = 0; i < run->config.depth; i++)
    if (run->bar_names[i] == NULL)
      run->bar_names[i] = g_strdup_printf (_("layer %d"), i + 1);
  return run;
}

/* Runs of one setting differ in depth (and seeds) only. */
gboolean
_rl_experiment_run_same_setting (const Run                *run,
                                 const RlExperimentConfig *config,
                                 RlDatasetKind             kind)
{
  return run->kind == kind && run->config.shortcut == config->shortcut
         && run->config.bn == config->bn && run->config.lr == config->lr
         && run->config.epochs == config->epochs && run->config.subset == config->subset;
}

/* "12,800", grouped as the locale writes numbers (glibc's ' flag: "12.800" in German) */
char *
_rl_experiment_format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

char *
_rl_experiment_format_minutes (double seconds)
{
  long s = lround (MAX (seconds, 0.0));

  return g_strdup_printf ("%ld:%02ld", s / 60, s % 60);
}

/* ---- the list of runs --------------------------------------------------------------------- */

void
_rl_experiment_view_update_run_row (Run *run)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *images = _rl_experiment_format_count (run->config.subset);
  g_autofree char *time = _rl_experiment_format_minutes (run->seconds);

  /* TRANSLATORS: a run in the list of runs: its number, depth, shortcut option (A or B) and
   * "batch norm" or "no batch norm" */
  title = g_strdup_printf (_("Run %1$u: %2$d layers, shortcut %3$s, %4$s"), run->number,
                           run->config.depth, run->config.shortcut == RL_SHORTCUT_B ? "B" : "A",
                           run->config.bn ? _("batch norm") : _("no batch norm"));
  if (!run->finished)
    /* TRANSLATORS: the second line of a run in the list: dataset, images, epochs, learning
     * rate, seeds; the run is still training */
    detail = g_strdup_printf (ngettext ("%1$s, %2$s images × %3$d, lr %4$g, %5$u seed · training…",
                                        "%1$s, %2$s images × %3$d, lr %4$g, %5$u seeds · training…",
                                        run->n_seeds),
                              rl_dataset_title (run->kind), images,
                              run->config.epochs, run->config.lr, run->n_seeds);
  else
    /* TRANSLATORS: the same, once the run is over; %6$s is its time (minutes:seconds) */
    detail = g_strdup_printf (run->completed
                              ? ngettext ("%1$s, %2$s images × %3$d, lr %4$g, %5$u seed · %6$s",
                                          "%1$s, %2$s images × %3$d, lr %4$g, %5$u seeds · %6$s",
                                          run->n_seeds)
                              : ngettext ("%1$s, %2$s images × %3$d, lr %4$g, %5$u seed · "
                                          "stopped after %6$s",
                                          "%1$s, %2$s images × %3$d, lr %4$g, %5$u seeds · "
                                          "stopped after %6$s", run->n_seeds),
                              rl_dataset_title (run->kind), images,
                              run->config.epochs, run->config.lr, run->n_seeds, time);
  /* a deep run's twins and their initial weights weigh megabytes (depth 56: 14 MB): Clear
   * frees that much */
  if (run->path != NULL && run->size > 0)
    {
      g_autofree char *size = g_format_size (run->size);
      char *with_size;

      /* TRANSLATORS: a kept run's second line in the list of runs, then the size of its files
       * (the run, its trained twins and their initial weights), e.g. "14.0 MB" */
      with_size = g_strdup_printf (_("%1$s · %2$s on disk"), detail, size);
      g_free (detail);
      detail = with_size;
    }
  gtk_check_button_set_label (run->check, title);
  /* the title wraps, as the line under it does: unwrapped, the first run's title widened the
   * settings column by 80 px and everything in it moved (GTK makes the label on set_label) */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (run->check)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      {
        gtk_label_set_wrap (GTK_LABEL (child), TRUE);
        gtk_label_set_max_width_chars (GTK_LABEL (child), 24);
        gtk_label_set_xalign (GTK_LABEL (child), 0.0);
      }
  gtk_label_set_text (run->detail, detail);
}

static void
run_check_toggled (GtkCheckButton   *check,
                   RlExperimentView *self)
{
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      if (run->check == check && run->visible != gtk_check_button_get_active (check))
        {
          run->visible = gtk_check_button_get_active (check);
          _rl_experiment_view_rebuild_chart (self);
          _rl_experiment_view_update_actions (self);
          if (run->path != NULL)
            _rl_experiment_view_save_ticks (self);
        }
    }
}

void
_rl_experiment_view_update_run_menu (Run *run)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) use = NULL;
  g_autofree char *label = NULL;
  g_autofree char *only = NULL;

  use = g_menu_item_new (_("_Use These Settings"), NULL);
  g_menu_item_set_action_and_target_value (use, "experiment.use-settings",
                                           g_variant_new_uint32 (run->number));
  g_menu_append_item (menu, use);

  for (int t = 0; t < RL_N_TWINS; t++)
    if (run->path != NULL && run->twin_kept[t])
      g_ptr_array_add (keys, rl_experiment_file_twin_path (run->path, (RlTwin) t));
  /* one twin kept (the other's file could not be written, or was removed): the item says
   * which the landscape shows, and the Landscape tab's note why (rl_experiment_view_find_twin) */
  if (keys->len == 1)
    /* TRANSLATORS: a run's menu item when one twin's model is kept; %s is that twin, e.g.
     * "resnet-20" */
    only = g_strdup_printf (_("_Loss Landscape of %s"),
                            run->names[run->twin_kept[RL_TWIN_PLAIN] ? RL_TWIN_PLAIN
                                                                     : RL_TWIN_RESIDUAL]);
  if (keys->len > 0)
    {
      g_autoptr (GMenuItem) landscape = g_menu_item_new (only != NULL ? only
                                                                      : _("_Loss Landscape"),
                                                         NULL);

      g_ptr_array_add (keys, NULL);
      /* the Models list's action: the files read again with their initial weights */
      g_menu_item_set_action_and_target_value (landscape, "win.show-landscape",
                                               g_variant_new_strv (
                                                 (const char * const *) keys->pdata, -1));
      g_menu_append_item (menu, landscape);
    }
  gtk_menu_button_set_menu_model (run->menu_button, G_MENU_MODEL (menu));
  /* TRANSLATORS: the accessible name of a run's menu button in the list of runs */
  label = g_strdup_printf (_("More for run %u"), run->number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (run->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The run's row: its colour, a check button that shows or hides its curves (labelled with its
 * setting), a menu (its settings back in the form; once its trained twins are kept, their loss
 * landscape), and a second line with the rest. Newest first. */
static void
add_run_row (RlExperimentView *self,
             Run              *run)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *swatch = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  g_autofree char *hex = g_strdup_printf ("#%02x%02x%02x", (int) lround (run->color.red * 255),
                                          (int) lround (run->color.green * 255),
                                          (int) lround (run->color.blue * 255));
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", hex);

  gtk_label_set_markup (GTK_LABEL (swatch), markup);
  gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("the run’s colour on the chart"), -1);
  run->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_active (run->check, run->visible);
  gtk_widget_set_tooltip_text (GTK_WIDGET (run->check), _("Show this run’s curves on the chart"));
  g_signal_connect (run->check, "toggled", G_CALLBACK (run_check_toggled), self);
  gtk_widget_set_hexpand (GTK_WIDGET (run->check), TRUE);
  run->menu_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (run->menu_button, "view-more-symbolic");
  gtk_menu_button_set_has_frame (run->menu_button, FALSE);
  gtk_widget_set_valign (GTK_WIDGET (run->menu_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (run->menu_button),
                               _("This run’s settings, and the loss landscape of its twins"));
  gtk_box_append (GTK_BOX (line), swatch);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (run->check));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (run->menu_button));

  run->detail = GTK_LABEL (detail);
  gtk_label_set_xalign (run->detail, 0.0);
  gtk_label_set_wrap (run->detail, TRUE);
  gtk_label_set_max_width_chars (run->detail, 30);
  gtk_widget_set_margin_start (detail, 42);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), detail);

  run->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (run->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (run->row), box);
  gtk_list_box_prepend (self->runs_list, run->row);
  _rl_experiment_view_update_run_row (run);
  _rl_experiment_view_update_run_menu (run);
  gtk_widget_set_visible (self->runs_placeholder, FALSE);
}

/* Every run stays in the list; a new one hides an earlier one of the same depth and setting. */
gboolean
_rl_experiment_view_add_run (RlExperimentView *self,
                             Run              *run,
                             gboolean          hide_earlier)
{
  gboolean hidden = FALSE;

  for (guint r = 0; hide_earlier && run->visible && r < self->runs->len; r++)
    {
      Run *old = g_ptr_array_index (self->runs, r);

      if (old->visible && old->config.depth == run->config.depth
          && _rl_experiment_run_same_setting (old, &run->config, run->kind))
        {
          old->visible = FALSE;
          g_signal_handlers_block_by_func (old->check, run_check_toggled, self);
          gtk_check_button_set_active (old->check, FALSE);
          g_signal_handlers_unblock_by_func (old->check, run_check_toggled, self);
          hidden = TRUE;
        }
    }
  g_ptr_array_add (self->runs, run);
  add_run_row (self, run);
  self->next_number = MAX (self->next_number, run->number);
  return hidden;
}

void
_rl_experiment_view_refresh (RlExperimentView *self)
{
  _rl_experiment_view_rebuild_chart (self);
  _rl_experiment_view_rebuild_bars (self);
  _rl_experiment_view_update_actions (self);
}
