/* rl-landscape-view.c: see rl-landscape-view.h.
 *
 * The figures are reslab-cli's (ui/paint/rl-landscape-figure.c, which both link), drawn
 * into the drawing areas from the runner's grids: while a finer level is being computed, the
 * points it lacks are interpolated on the last complete level (rl_landscape_runner_fill), so
 * the picture sharpens in place rather than jumping.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-landscape-view.h"

#include <math.h>

#include "rl-landscape.h"
#include "rl-landscape-figure.h"
#include "rl-settings.h"
#include "rl-widget-util.h"

#define N_MODELS RL_LANDSCAPE_RUNNER_MAX_MODELS
/* degrees of turn per pixel dragged */
#define DRAG_AZIMUTH 0.5
#define DRAG_ELEVATION 0.3
/* degrees of turn per arrow key pressed */
#define KEY_AZIMUTH 5.0
#define KEY_ELEVATION 3.0
#define MIN_ELEVATION 5.0
#define MAX_ELEVATION 89.0

static const int grid_choices[] = { 9, 17, 21, 33 };

struct _RlLandscapeView {
  GtkWidget parent_instance;

  GtkWidget          *root;
  GtkStack           *figure_stack;
  GtkDrawingArea     *contours_area;
  GtkDrawingArea     *surface_area;
  GtkDrawingArea     *line_area;
  GtkDropDown        *grid_dropdown;
  GtkSpinButton      *images_spin;
  GtkLabel           *progress_label;
  GtkLabel           *note_label;

  RlLandscapeRunner  *runner;
  RlExperimentRunner *experiment;      /* followed, nullable */
  guint               n_models;
  RlModel            *models[N_MODELS];
  RlModel            *initial[N_MODELS];
  char               *names[N_MODELS];
  char               *remark;          /* said first in the note, or NULL */
  RlDataset          *set;
  /* the grid the figures were computed on (the runner's, or none) */
  double             *filled[N_MODELS];
  guint               filled_grid;
  double              azimuth, elevation;
  double              drag_azimuth, drag_elevation;
  guint               tick_id;
  gboolean            cancelled;
  gboolean            computed;        /* the runner's grids are of these models */
  gboolean            same_directions; /* two models seen in the same directions */
  char               *progress;
};

G_DEFINE_FINAL_TYPE (RlLandscapeView, rl_landscape_view, GTK_TYPE_WIDGET)

/* ---- State --------------------------------------------------------------------------------- */

static void
queue_draw_figures (RlLandscapeView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->contours_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->surface_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->line_area));
}

static gboolean
experiment_running (RlLandscapeView *self)
{
  return self->experiment != NULL && rl_runner_is_running (RL_RUNNER (self->experiment));
}

static void
update_actions (RlLandscapeView *self)
{
  gboolean running = rl_runner_is_running (RL_RUNNER (self->runner));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "landscape.compute",
                                 self->n_models > 0 && !running && !experiment_running (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "landscape.cancel", running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->grid_dropdown), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->images_spin), !running);
}

static void
set_progress (RlLandscapeView *self, char *text)
{
  g_free (self->progress);
  self->progress = text;
  gtk_label_set_text (self->progress_label, text);
}

static void
update_progress (RlLandscapeView *self)
{
  const RlLandscapeRunnerConfig *config = rl_landscape_runner_get_config (self->runner);
  double seconds = rl_landscape_runner_get_elapsed (self->runner);
  guint level = rl_landscape_runner_get_level_grid (self->runner);
  guint complete = rl_landscape_runner_get_complete_grid (self->runner);

  if (config == NULL || !self->computed)
    return;   /* nothing computed for these models: the text stays */
  if (rl_runner_is_running (RL_RUNNER (self->runner)))
    /* TRANSLATORS: the landscape's progress: the grid being computed, the final grid and the
     * seconds since Compute, e.g. "Grid 9 × 9 of 17 × 17, 12 s" */
    set_progress (self, g_strdup_printf (_("Grid %1$u × %1$u of %2$u × %2$u, %3$.0f s"), level,
                                         config->grid, seconds));
  else if (complete == config->grid)
    set_progress (self, g_strdup_printf (_("Grid %1$u × %1$u in %2$.0f s"), complete, seconds));
  else if (complete > 0)
    set_progress (self, g_strdup_printf (_("Stopped at grid %1$u × %1$u of %2$u × %2$u"),
                                         complete, config->grid));
  else
    set_progress (self, g_strdup (self->cancelled ? _("Cancelled") : ""));
}

static void
set_note (RlLandscapeView *self, const char *text)
{
  gtk_label_set_text (self->note_label, text);
}

static void
update_note (RlLandscapeView *self)
{
  g_autofree char *text = NULL;

  if (self->n_models == 0)
    text = g_strdup (_("Train the twins on the Curves tab; then compute the loss around the"
                       " weights they reached, in two random directions."));
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->figure_stack), "line") == 0)
    {
      /* the Line figure is not around the trained weights: it says what it is */
      if (self->n_models == 1 && self->initial[0] == NULL)
        /* TRANSLATORS: %s is the model; the figure says it came without its initial weights */
        text = g_strdup_printf (_("The Line figure follows the loss from a model’s initial"
                                  " weights to its trained ones, and “%s” was kept without"
                                  " them. Contours and Surface show the loss around its"
                                  " trained weights."), self->names[0]);
      else if (self->n_models == 1)
        text = g_strdup_printf (_("The loss of “%s” on the straight line from its initial"
                                  " weights (t = 0) to its trained weights (t = 1), and a"
                                  " little beyond; log scale."), self->names[0]);
      else
        /* TRANSLATORS: %1$s and %2$s are the two models shown */
        text = g_strdup_printf (_("The loss of “%1$s” and “%2$s” on the straight line from"
                                  " each one’s initial weights (t = 0) to its trained weights"
                                  " (t = 1), and a little beyond; log scale. A model kept"
                                  " without its initial weights has no line."),
                                self->names[0], self->names[1]);
    }
  else if (self->n_models == 1)
    /* TRANSLATORS: %s is the model, e.g. "resnet-20 (run 2)" */
    text = g_strdup_printf (_("The loss around the trained weights (the dot) of “%s”, in two"
                              " random directions, each filter scaled to the weights’ filter"
                              " (Li et al. 2018); log colour scale."), self->names[0]);
  else if (!self->same_directions)
    /* TRANSLATORS: %1$s and %2$s are two models of the Models list */
    text = g_strdup_printf (_("“%1$s” and “%2$s” differ in shape: each is seen in its own two"
                              " random directions around its trained weights (the dot), each"
                              " filter scaled to the weights’ filter (Li et al. 2018); one log"
                              " colour scale."),
                            self->names[0], self->names[1]);
  else
    /* TRANSLATORS: %1$s and %2$s are the twins, e.g. "plain-20" and "resnet-20" */
    text = g_strdup_printf (_("The loss around the trained weights (the dots) of “%1$s” and"
                              " “%2$s”, in the same two random directions, each filter scaled"
                              " to the weights’ filter (Li et al. 2018); one log colour"
                              " scale."),
                            self->names[0], self->names[1]);
  /* first: it says why the figure is not what might be expected (a twin alone) */
  if (self->remark != NULL && self->n_models > 0)
    {
      char *with_remark = g_strdup_printf ("%s %s", self->remark, text);

      g_free (text);
      text = with_remark;
    }
  set_note (self, text);
}

static gboolean
tick_cb (gpointer data)
{
  update_progress (RL_LANDSCAPE_VIEW (data));
  return G_SOURCE_CONTINUE;
}

/* ---- Runner signals ------------------------------------------------------------------------- */

static void
points_cb (RlLandscapeRunner *runner, guint model, guint n, gpointer data)
{
  RlLandscapeView *self = data;

  update_progress (self);
  queue_draw_figures (self);
}

static void
line_cb (RlLandscapeRunner *runner, guint model, gpointer data)
{
  queue_draw_figures (RL_LANDSCAPE_VIEW (data));
}

static void
finished_cb (RlLandscapeRunner *runner, gboolean completed, const GError *error, gpointer data)
{
  RlLandscapeView *self = data;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The landscape failed: %s"), error->message);

      set_note (self, text);
    }
  update_progress (self);
  update_actions (self);
  queue_draw_figures (self);
}

/* ---- Models --------------------------------------------------------------------------------- */

static void
clear_models (RlLandscapeView *self)
{
  for (guint m = 0; m < N_MODELS; m++)
    {
      g_clear_pointer (&self->models[m], rl_model_free);
      g_clear_pointer (&self->initial[m], rl_model_free);
      g_clear_pointer (&self->names[m], g_free);
      g_clear_pointer (&self->filled[m], g_free);
    }
  g_clear_pointer (&self->remark, g_free);
  g_clear_pointer (&self->set, rl_dataset_unref);
  self->n_models = 0;
  self->filled_grid = 0;
}

void
rl_landscape_view_set_models (RlLandscapeView *self,
                              RlModel *const  *models,
                              RlModel *const  *initial,
                              const char     **names,
                              guint            n,
                              RlDataset       *set)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));
  g_return_if_fail (n >= 1 && n <= N_MODELS && models != NULL && names != NULL && set != NULL);

  rl_runner_stop (RL_RUNNER (self->runner));
  /* the set first: it may be the one we hold */
  rl_dataset_ref (set);
  clear_models (self);
  self->set = set;
  self->n_models = n;
  for (guint m = 0; m < n; m++)
    {
      self->models[m] = rl_model_copy (models[m]);
      self->initial[m] = initial != NULL && initial[m] != NULL ? rl_model_copy (initial[m]) : NULL;
      self->names[m] = g_strdup (names[m]);
    }
  self->same_directions = n < 2 || rl_landscape_check_pair (models[0], models[1], NULL);
  self->cancelled = FALSE;
  self->computed = FALSE;
  update_note (self);
  /* TRANSLATORS: the Landscape tab's status before Compute (the figure says to press it) */
  set_progress (self, g_strdup (_("Not computed yet")));
  update_actions (self);
  queue_draw_figures (self);
}

static void
experiment_running_cb (RlExperimentRunner *runner, GParamSpec *pspec, gpointer data)
{
  RlLandscapeView *self = data;

  /* the twins train on every core: the landscape waits */
  if (rl_runner_is_running (RL_RUNNER (runner)))
    rl_runner_stop (RL_RUNNER (self->runner));
  update_actions (self);
}

void
rl_landscape_view_follow (RlLandscapeView *self, RlExperimentRunner *runner)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));
  g_return_if_fail (RL_IS_EXPERIMENT_RUNNER (runner));

  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_set_object (&self->experiment, runner);
  g_signal_connect (runner, "notify::running", G_CALLBACK (experiment_running_cb), self);
  update_actions (self);
}

/* ---- Actions -------------------------------------------------------------------------------- */

static void
compute_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlLandscapeView *self = RL_LANDSCAPE_VIEW (widget);
  g_autoptr(GError) error = NULL;
  RlLandscapeRunnerConfig config;
  guint selected;

  if (self->n_models == 0 || rl_runner_is_running (RL_RUNNER (self->runner)))
    return;
  rl_landscape_runner_config_init (&config);
  selected = gtk_drop_down_get_selected (self->grid_dropdown);
  config.grid = (guint) grid_choices[MIN (selected, G_N_ELEMENTS (grid_choices) - 1)];
  config.n_images = MIN ((guint) gtk_spin_button_get_value_as_int (self->images_spin),
                         self->set->n);
  /* 0: every core; the worker and its team run at a lower priority */
  config.threads = 0;
  self->cancelled = FALSE;
  if (!rl_landscape_runner_start (self->runner, &config, self->models, self->initial,
                                  self->n_models, self->set, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The landscape failed: %s"), error->message);

      set_note (self, text);
      return;
    }
  self->computed = TRUE;
  update_note (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  update_progress (self);
  update_actions (self);
  queue_draw_figures (self);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlLandscapeView *self = RL_LANDSCAPE_VIEW (widget);

  self->cancelled = TRUE;
  rl_runner_stop (RL_RUNNER (self->runner));
}

/* ---- Drawing -------------------------------------------------------------------------------- */

static void
draw_placeholder (GtkWidget *widget, cairo_t *cr, int width, int height, const char *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int tw, th;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  pango_layout_set_width (layout, MAX (width - 48, 100) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_move_to (cr, (width - MAX (width - 48, 100)) / 2.0, (height - th) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/* The panels of the models as far as they are computed; 0 before the first level. */
static guint
fill_panels (RlLandscapeView *self, RlLandscapePanel *panels)
{
  const RlLandscapeRunnerConfig *config = rl_landscape_runner_get_config (self->runner);
  guint n = rl_landscape_runner_get_n_models (self->runner);

  if (!self->computed || config == NULL || n == 0 || n > self->n_models)
    return 0;
  if (self->filled_grid != config->grid)
    for (guint m = 0; m < N_MODELS; m++)
      {
        g_free (self->filled[m]);
        self->filled[m] = g_new (double, (size_t) config->grid * config->grid);
      }
  self->filled_grid = config->grid;
  for (guint m = 0; m < n; m++)
    {
      const double *t = NULL, *loss = NULL;

      if (!rl_landscape_runner_fill (self->runner, m, self->filled[m]))
        return 0;
      panels[m] = (RlLandscapePanel) {
        .name = self->names[m], .grid = (int) config->grid, .range = config->range,
        .loss = self->filled[m],
      };
      if (rl_landscape_runner_get_line (self->runner, m, &t, &loss))
        {
          panels[m].n_line = RL_LANDSCAPE_LINE_POINTS;
          panels[m].line_t = t;
          panels[m].line_loss = loss;
        }
    }
  return n;
}

static const char *
waiting_text (RlLandscapeView *self)
{
  if (self->n_models == 0)
    return _("No twins yet: train them on the Curves tab.");
  if (rl_runner_is_running (RL_RUNNER (self->runner)))
    return _("Computing the coarse grid…");
  return _("Press Compute to see the loss around the trained weights.");
}

/* The grid's figures (contours, surface): its panels as far as they are computed, or, before
 * the first level, the area says what it waits for (and there is nothing to draw: 0). */
static guint
fill_panels_or_wait (RlLandscapeView *self, GtkDrawingArea *area, cairo_t *cr, int width, int height,
                     RlLandscapePanel *panels)
{
  guint n = fill_panels (self, panels);

  if (n == 0)
    draw_placeholder (GTK_WIDGET (area), cr, width, height, waiting_text (self));
  return n;
}

static void
draw_contours (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  RlLandscapePanel panels[N_MODELS];
  guint n = fill_panels_or_wait (data, area, cr, width, height, panels);

  if (n > 0)
    rl_landscape_figure_draw_contours (cr, width, height, panels, n, NULL);
}

static void
draw_surface (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  RlLandscapeView *self = data;
  RlLandscapePanel panels[N_MODELS];
  guint n = fill_panels_or_wait (self, area, cr, width, height, panels);

  if (n > 0)
    rl_landscape_figure_draw_surface_view (cr, width, height, panels, n, NULL, self->azimuth,
                                           self->elevation);
}

/* What the Line figure says in place of its lines, or NULL when it draws them (@panels, @n
 * from fill_panels). */
static const char *
line_placeholder (RlLandscapeView *self, const RlLandscapePanel *panels, guint n)
{
  guint with_line = 0, with_initial = 0;

  for (guint m = 0; m < n; m++)
    with_line += panels[m].n_line > 0;
  for (guint m = 0; m < self->n_models; m++)
    with_initial += self->initial[m] != NULL;
  if (with_line > 0)
    return NULL;
  if (self->n_models > 0 && with_initial == 0)
    /* TRANSLATORS: the Line figure, when neither model shown (or the one) has the initial
     * weights a line starts from */
    return ngettext ("This model came without its initial weights.",
                     "These models came without their initial weights.", self->n_models);
  if (self->n_models > 0 && !self->computed)
    return _("Press Compute: the line from the initial to the trained weights is computed"
             " after the grid.");
  if (self->n_models > 0)
    return _("The line from the initial to the trained weights is computed after the grid.");
  return waiting_text (self);
}

static void
draw_line (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  RlLandscapeView *self = data;
  RlLandscapePanel panels[N_MODELS];
  guint n = fill_panels (self, panels);
  const char *text = line_placeholder (self, panels, n);

  if (text == NULL)
    rl_landscape_figure_draw_line (cr, width, height, panels, n, NULL);
  else
    draw_placeholder (GTK_WIDGET (area), cr, width, height, text);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, gpointer data)
{
  RlLandscapeView *self = data;

  self->drag_azimuth = self->azimuth;
  self->drag_elevation = self->elevation;
  /* the arrow keys go on turning what was dragged */
  gtk_widget_grab_focus (GTK_WIDGET (self->surface_area));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, gpointer data)
{
  RlLandscapeView *self = data;

  rl_landscape_view_set_angles (self, self->drag_azimuth - DRAG_AZIMUTH * dx,
                                self->drag_elevation + DRAG_ELEVATION * dy);
}

/* The arrow keys turn the surface as a drag the same way does: Left and Right about the
 * vertical, Up and Down over and under it. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                RlLandscapeView       *self)
{
  double azimuth = self->azimuth, elevation = self->elevation;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      azimuth += KEY_AZIMUTH;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      azimuth -= KEY_AZIMUTH;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      elevation -= KEY_ELEVATION;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      elevation += KEY_ELEVATION;
      break;
    default:
      return FALSE;
    }
  rl_landscape_view_set_angles (self, azimuth, elevation);
  return TRUE;
}

/* ---- Public API ----------------------------------------------------------------------------- */

void
rl_landscape_view_set_remark (RlLandscapeView *self, const char *remark)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));

  if (rl_set_str (&self->remark, remark))
    update_note (self);
}

void
rl_landscape_view_set_grid (RlLandscapeView *self, guint grid)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (grid_choices); i++)
    if ((guint) grid_choices[i] == grid)
      gtk_drop_down_set_selected (self->grid_dropdown, i);
}

void
rl_landscape_view_set_images (RlLandscapeView *self, guint n)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));

  gtk_spin_button_set_value (self->images_spin, n);
}

void
rl_landscape_view_show (RlLandscapeView *self, const char *figure)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));

  gtk_stack_set_visible_child_name (self->figure_stack, figure);
}

void
rl_landscape_view_set_angles (RlLandscapeView *self, double azimuth, double elevation)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));

  self->azimuth = fmod (azimuth, 360.0);
  self->elevation = CLAMP (elevation, MIN_ELEVATION, MAX_ELEVATION);
  gtk_widget_queue_draw (GTK_WIDGET (self->surface_area));
}

void
rl_landscape_view_get_angles (RlLandscapeView *self, double *azimuth, double *elevation)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));

  *azimuth = self->azimuth;
  *elevation = self->elevation;
}

void
rl_landscape_view_bind_settings (RlLandscapeView *self,
                                 GSettings       *settings)
{
  g_return_if_fail (RL_IS_LANDSCAPE_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  rl_settings_bind_int_choice (settings, "landscape-grid", self->grid_dropdown, grid_choices,
                               G_N_ELEMENTS (grid_choices));
  g_settings_bind (settings, "landscape-images", self->images_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  /* the stack's page names are the key's nicks */
  g_settings_bind (settings, "landscape-figure", self->figure_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);
}

const char *
rl_landscape_view_get_figure (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->figure_stack);
}

guint
rl_landscape_view_get_grid (RlLandscapeView *self)
{
  guint selected;

  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), 0);

  selected = gtk_drop_down_get_selected (self->grid_dropdown);
  return selected < G_N_ELEMENTS (grid_choices) ? (guint) grid_choices[selected] : 0;
}

guint
rl_landscape_view_get_images (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), 0);

  return (guint) gtk_spin_button_get_value_as_int (self->images_spin);
}

gboolean
rl_landscape_view_get_same_directions (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), FALSE);

  return self->same_directions;
}

RlLandscapeRunner *
rl_landscape_view_get_runner (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);

  return self->runner;
}

const char *
rl_landscape_view_get_progress (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);

  return self->progress;
}

const char *
rl_landscape_view_get_note (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);

  return gtk_label_get_text (self->note_label);
}

guint
rl_landscape_view_get_n_models (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), 0);

  return self->n_models;
}

const RlModel *
rl_landscape_view_get_model (RlLandscapeView  *self,
                             guint             m,
                             const RlModel   **initial)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);
  g_return_val_if_fail (m < self->n_models, NULL);

  if (initial != NULL)
    *initial = self->initial[m];
  return self->models[m];
}

const char *
rl_landscape_view_get_placeholder (RlLandscapeView *self)
{
  RlLandscapePanel panels[N_MODELS];
  guint n;

  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);

  n = fill_panels (self, panels);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->figure_stack), "line") == 0)
    return line_placeholder (self, panels, n);
  return n == 0 ? waiting_text (self) : NULL;
}

RlDataset *
rl_landscape_view_get_set (RlLandscapeView *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_VIEW (self), NULL);

  return self->set;
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
rl_landscape_view_dispose (GObject *object)
{
  RlLandscapeView *self = RL_LANDSCAPE_VIEW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->experiment != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->experiment, self);
      g_clear_object (&self->experiment);
    }
  if (self->runner != NULL)
    {
      /* a computation still going is cancelled; rl_worker_join_abandoned() reaps it */
      g_signal_handlers_disconnect_by_data (self->runner, self);
      g_clear_object (&self->runner);
    }
  clear_models (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_LANDSCAPE_VIEW);
  G_OBJECT_CLASS (rl_landscape_view_parent_class)->dispose (object);
}

static void
rl_landscape_view_finalize (GObject *object)
{
  RlLandscapeView *self = RL_LANDSCAPE_VIEW (object);

  g_free (self->progress);
  G_OBJECT_CLASS (rl_landscape_view_parent_class)->finalize (object);
}

static void
rl_landscape_view_class_init (RlLandscapeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_landscape_view_dispose;
  object_class->finalize = rl_landscape_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/reslab/ResLab/ui/rl-landscape-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, root);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, figure_stack);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, contours_area);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, surface_area);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, line_area);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, grid_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, images_spin);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, RlLandscapeView, note_label);

  gtk_widget_class_install_action (widget_class, "landscape.compute", NULL, compute_action);
  gtk_widget_class_install_action (widget_class, "landscape.cancel", NULL, cancel_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rllandscapeview");
}

static void
rl_landscape_view_init (RlLandscapeView *self)
{
  GtkGesture *drag;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  rl_view_init_accessible (GTK_WIDGET (self), _("Loss landscape of the twins"));
  rl_view_init_spin_wheel (GTK_WIDGET (self));

  self->azimuth = RL_LANDSCAPE_FIGURE_AZIMUTH;
  self->elevation = RL_LANDSCAPE_FIGURE_ELEVATION;
  self->runner = rl_landscape_runner_new ();
  g_signal_connect (self->runner, "points", G_CALLBACK (points_cb), self);
  g_signal_connect (self->runner, "line", G_CALLBACK (line_cb), self);
  g_signal_connect (self->runner, "finished", G_CALLBACK (finished_cb), self);

  gtk_drawing_area_set_draw_func (self->contours_area, draw_contours, self, NULL);
  gtk_drawing_area_set_draw_func (self->surface_area, draw_surface, self, NULL);
  gtk_drawing_area_set_draw_func (self->line_area, draw_line, self, NULL);
  g_signal_connect_swapped (self->figure_stack, "notify::visible-child-name",
                            G_CALLBACK (update_note), self);
  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->surface_area), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->surface_area), "grab");
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->surface_area), keys);

  /* 17 x 17 on 200 images: about a minute for a plain-20/resnet-20 pair on 2 busy cores */
  rl_landscape_view_set_grid (self, 17);
  gtk_spin_button_set_value (self->images_spin, 200);
  update_note (self);
  update_actions (self);
}
