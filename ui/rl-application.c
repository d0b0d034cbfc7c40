#define G_LOG_DOMAIN "reslab-ui"

/* rl-application.c: the GtkApplication (see rl-application.h): its command line, the app
 * actions and their accelerators, the style sheet, the about dialog.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-application.h"

#include <glib-unix.h>
#include <signal.h>

#include "rl-demo-digits.h"
#include "rl-why-view.h"
#include "rl-window.h"
#include "rl-worker.h"

struct _RlApplication
{
  GtkApplication parent_instance;

  /* owned */
  gboolean debug_stalls;   /* --debug-stalls or RESLAB_DEBUG_STALLS=1 */
  gboolean stalls_measured;
  double   stall_timer_late_ms;  /* the worst over the windows closed so far */
  double   stall_frame_gap_ms;
  double   stall_seconds;
};

G_DEFINE_FINAL_TYPE (RlApplication, rl_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The view to show: draw, train, inside, experiment, errors or number"), "VIEW" },
  { "why", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Turn on Why? in the Draw view: colour the input by what pushed the prediction"), NULL },
  { "draw-digit", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Draw a built-in sketch of digit D on the canvas"), "D" },
  { "test-image", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Put test image N into the input"), "N" },
  { "train", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start training at once, with the Train view's settings"), NULL },
  { "epochs", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Set the number of epochs in the Train view"), "N" },
  { "train-images", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Set the number of training images in the Train view"), "N" },
  { "net", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Choose the net in the Train view: seed, resnet-N, plain-N (N: 8, 20, 32, 44 or 56) or a "
    "description such as “c=conv(8,k=3) relu maxpool(2) r=res(8) gap fc=linear(10)”"), "NET" },
  { "experiment", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start training the plain and residual twins at once, with the Experiment view's settings"),
    NULL },
  { "depth", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Set the depth of the twins in the Experiment view: 8, 20, 32, 44 or 56"), "N" },
  { "landscape", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("When the twins have trained, compute their loss landscape and show it as FIGURE: "
       "contours, surface or line"), "FIGURE" },
  { "seeds", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Set the seeds per run in the Experiment view: 1 to 5"), "N" },
  { "debug-stalls", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Measure the longest main-loop stall while training runs and print it on exit "
    "(also RESLAB_DEBUG_STALLS=1)"), NULL },
  /* the usage line names them (g_application_set_option_context_parameter_string) */
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, NULL },
  { NULL }
};

/* --landscape: once, when the twins end, the Landscape tab computes theirs. */
static void
landscape_after_twins_cb (RlExperimentRunner *runner,
                          gboolean            completed,
                          const GError       *error,
                          gpointer            data)
{
  RlWindow *window = data;
  RlLandscapeView *view = rl_window_get_landscape_view (window);

  g_signal_handlers_disconnect_by_func (runner, landscape_after_twins_cb, data);
  rl_window_show_experiment_page (window, "landscape");
  gtk_widget_activate_action (GTK_WIDGET (view), "landscape.compute", NULL);
}

static RlWindow *
get_window (RlApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  RlWindow *rl_window;
  GdkDisplay *display;
  GListModel *monitors;

  if (RL_IS_WINDOW (window))
    return RL_WINDOW (window);

  rl_window = rl_window_new (GTK_APPLICATION (self));
  rl_window_set_debug_stalls (rl_window, self->debug_stalls);

  /* The size remembered (rl-window-settings.c), else the template's 1280 x 800, but no larger
   * than the screen (1024 x 700 works). */
  display = gdk_display_get_default ();
  monitors = display != NULL ? gdk_display_get_monitors (display) : NULL;
  if (monitors != NULL && g_list_model_get_n_items (monitors) > 0)
    {
      g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
      GdkRectangle geometry;
      int width, height;

      gdk_monitor_get_geometry (monitor, &geometry);
      gtk_window_get_default_size (GTK_WINDOW (rl_window), &width, &height);
      gtk_window_set_default_size (GTK_WINDOW (rl_window), MIN (width, geometry.width),
                                   MIN (height, geometry.height));
    }
  return rl_window;
}

static void
rl_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (RL_APPLICATION (application))));
}

typedef struct {
  RlWindow *window;
  guint     index;
  gulong    handler;
} PendingImage;

static void
pending_image_free (gpointer data,
                    GClosure *closure)
{
  PendingImage *pending = data;

  g_object_unref (pending->window);
  g_free (pending);
}

static void
test_set_ready_cb (RlDrawView   *view,
                   GParamSpec   *pspec,
                   PendingImage *pending)
{
  if (!rl_draw_view_get_test_set_ready (view))
    return;
  rl_draw_view_show_test_image (view, pending->index);
  g_signal_handler_disconnect (view, pending->handler);
}

static void
show_test_image (RlWindow *window,
                 guint     index)
{
  RlDrawView *view = rl_window_get_draw_view (window);
  PendingImage *pending;

  if (rl_draw_view_get_test_set_ready (view))
    {
      rl_draw_view_show_test_image (view, index);
      return;
    }
  pending = g_new0 (PendingImage, 1);
  pending->window = g_object_ref (window);
  pending->index = index;
  pending->handler = g_signal_connect_data (view, "notify::test-set-ready",
                                            G_CALLBACK (test_set_ready_cb), pending,
                                            pending_image_free, 0);
}

static void
draw_demo_digit (RlWindow *window,
                 guint     digit)
{
  RlCanvas *canvas = rl_draw_view_get_canvas (rl_window_get_draw_view (window));
  g_autoptr (GPtrArray) strokes = rl_demo_digit_transformed (digit, 1.0, 0, 0);

  rl_canvas_clear (canvas);
  for (guint i = 0; i < strokes->len; i++)
    {
      GArray *xy = g_ptr_array_index (strokes, i);

      rl_canvas_add_stroke (canvas, (const double *) (gpointer) xy->data, xy->len / 2);
    }
}

static int
rl_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  RlApplication *self = RL_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  RlWindow *window;
  const char *view = NULL;
  const char *net = NULL;
  const char *figure = NULL;
  g_autofree const char **files = NULL;
  int value;

  if (g_variant_dict_contains (options, "debug-stalls"))
    self->debug_stalls = TRUE;

  window = get_window (self);
  if (self->debug_stalls)
    rl_window_set_debug_stalls (window, TRUE);

  if (g_variant_dict_lookup (options, "view", "&s", &view))
    {
      if (g_strcmp0 (view, "draw") != 0 && g_strcmp0 (view, "train") != 0
          && g_strcmp0 (view, "inside") != 0 && g_strcmp0 (view, "experiment") != 0
          && g_strcmp0 (view, "errors") != 0 && g_strcmp0 (view, "number") != 0)
        {
          g_application_command_line_printerr (command_line,
                                               _("reslab: unknown view “%s” (draw, train, "
                                               "inside, experiment, errors or number)\n"), view);
          return 2;
        }
    }
  if (g_variant_dict_lookup (options, "depth", "i", &value))
    {
      if (value != 8 && value != 20 && value != 32 && value != 44 && value != 56)
        {
          g_application_command_line_printerr (command_line,
                                               _("reslab: --depth takes 8, 20, 32, 44 or 56\n"));
          return 2;
        }
      rl_experiment_view_set_depth (rl_window_get_experiment_view (window), value);
    }
  if (g_variant_dict_lookup (options, "landscape", "&s", &figure))
    {
      if (g_strcmp0 (figure, "contours") != 0 && g_strcmp0 (figure, "surface") != 0
          && g_strcmp0 (figure, "line") != 0)
        {
          g_application_command_line_printerr (command_line,
                                               _("reslab: --landscape takes contours, surface"
                                                 " or line\n"));
          return 2;
        }
      rl_landscape_view_show (rl_window_get_landscape_view (window), figure);
      g_signal_connect_object (rl_experiment_view_get_runner (rl_window_get_experiment_view (window)),
                               "finished", G_CALLBACK (landscape_after_twins_cb), window, 0);
    }
  if (g_variant_dict_lookup (options, "seeds", "i", &value))
    {
      if (value < 1 || value > 5)
        {
          g_application_command_line_printerr (command_line,
                                               _("reslab: --seeds takes 1 to 5\n"));
          return 2;
        }
      rl_experiment_view_set_seeds (rl_window_get_experiment_view (window), (guint) value);
    }
  if (g_variant_dict_lookup (options, "epochs", "i", &value))
    rl_train_view_set_epochs (rl_window_get_train_view (window), value);
  if (g_variant_dict_lookup (options, "net", "&s", &net))
    rl_net_chooser_choose (rl_train_view_get_net_chooser (rl_window_get_train_view (window)),
                           net);
  if (g_variant_dict_lookup (options, "train-images", "i", &value))
    rl_train_view_set_train_images (rl_window_get_train_view (window), (guint) MAX (value, 0));
  if (g_variant_dict_lookup (options, "draw-digit", "i", &value))
    {
      if (value < 0 || value > 9)
        {
          g_application_command_line_printerr (command_line,
                                               _("reslab: --draw-digit takes 0 to 9\n"));
          return 2;
        }
      draw_demo_digit (window, (guint) value);
    }
  if (g_variant_dict_lookup (options, "test-image", "i", &value) && value >= 0)
    show_test_image (window, (guint) value);
  if (g_variant_dict_contains (options, "why"))
    rl_why_view_set_active (rl_draw_view_get_why_view (rl_window_get_draw_view (window)), TRUE);
  gtk_window_present (GTK_WINDOW (window));
  if (view != NULL)
    rl_window_set_view (window, view);
  /* after the window is up: a file that cannot be opened says so in a dialog on top of it */
  if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &files) && files[0] != NULL)
    {
      g_autoptr (GFile) file = g_application_command_line_create_file_for_arg (command_line,
                                                                                files[0]);
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *uri = path == NULL ? g_file_get_uri (file) : NULL;

      /* a file elsewhere (an http URL) by its URI: the window reads what it can of it */
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-file", "s",
                                  path != NULL ? path : uri);
    }

  if (g_variant_dict_contains (options, "train"))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.train", NULL);
  else if (g_variant_dict_contains (options, "experiment"))
    gtk_widget_activate_action (GTK_WIDGET (rl_window_get_experiment_view (window)),
                                "experiment.run", NULL);

  return 0;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *authors[] = { "The ResLab authors", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", "ResLab",
                         "logo-icon-name", RL_APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Draw a digit, train a residual network on MNIST, and "
                                     "look inside its residual blocks.\n\nAfter He, Zhang, Ren "
                                     "and Sun, “Deep Residual Learning for Image Recognition”, "
                                     "CVPR 2016."),
                         "license-type", GTK_LICENSE_GPL_3_0, "translator-credits", _("translator-credits"),
                         "authors", authors,
                         NULL);
}

/* Closes (@force: destroys) every window; the application quits when the last is gone.
 * Destroying a window ends its training runs; closing one that trains asks first
 * (rl-window-quit.c). */
static void
quit_windows (GtkApplication *app,
              gboolean        force)
{
  GList *windows = gtk_application_get_windows (app);

  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      if (force)
        gtk_window_destroy (window);
      else
        gtk_window_close (window);
    }
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  quit_windows (GTK_APPLICATION (user_data), FALSE);
}

/* Ctrl+C in the terminal (or a TERM) quits without asking, so that the stall report of
 * --debug-stalls is printed and training threads are joined. */
static gboolean
unix_signal_cb (gpointer user_data)
{
  quit_windows (GTK_APPLICATION (user_data), TRUE);
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
rl_application_startup (GApplication *application)
{
  GtkApplication *app = GTK_APPLICATION (application);
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.open-image", { "<Control><Shift>o", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.train", { "<Control>Return", NULL } },
    { "win.pause-resume", { "<Control>p", NULL } },
    { "win.stop", { "<Control>period", NULL } },
    { "win.random-image", { "<Control>r", NULL } },
    { "win.view::draw", { "<Alt>1", NULL } },
    { "win.view::train", { "<Alt>2", NULL } },
    { "win.view::inside", { "<Alt>3", NULL } },
    { "win.view::experiment", { "<Alt>4", NULL } },
    { "win.view::errors", { "<Alt>5", NULL } },
    { "win.view::number", { "<Alt>6", NULL } },
    { "win.help", { "F1", NULL } },
  };

  G_APPLICATION_CLASS (rl_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  g_unix_signal_add (SIGINT, unix_signal_cb, app);
  g_unix_signal_add (SIGTERM, unix_signal_cb, app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);

  gtk_css_provider_load_from_resource (css, "/org/reslab/ResLab/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (RL_APPLICATION_ID);
}

/* A window's stall measurements are taken as it goes (the windows are gone by shutdown). */
static void
rl_application_window_removed (GtkApplication *application,
                               GtkWindow      *window)
{
  RlApplication *self = RL_APPLICATION (application);
  double timer_late, frame_gap, seconds;

  if (RL_IS_WINDOW (window)
      && rl_window_get_stall_report (RL_WINDOW (window), &timer_late, &frame_gap, &seconds))
    {
      self->stalls_measured = TRUE;
      self->stall_timer_late_ms = MAX (self->stall_timer_late_ms, timer_late);
      self->stall_frame_gap_ms = MAX (self->stall_frame_gap_ms, frame_gap);
      self->stall_seconds += seconds;
    }

  GTK_APPLICATION_CLASS (rl_application_parent_class)->window_removed (application, window);
}

static void
rl_application_shutdown (GApplication *application)
{
  RlApplication *self = RL_APPLICATION (application);

  G_APPLICATION_CLASS (rl_application_parent_class)->shutdown (application);

  if (self->debug_stalls)
    {
      if (self->stalls_measured)
        g_print ("reslab: main-loop stalls over %.1f s of training: a 5 ms timer ran at most "
                 "%.1f ms late; frame-clock ticks came at most %.1f ms apart (a frame is "
                 "16.7 ms)\n", self->stall_seconds, self->stall_timer_late_ms,
                 self->stall_frame_gap_ms);
      else
        g_print ("reslab: main-loop stalls: no training ran, nothing was measured\n");
    }

  /* A window closed while training leaves its worker to end on its own: wait for it here,
   * so no worker thread runs while the process exits. */
  rl_worker_join_abandoned ();
}

static void
rl_application_class_init (RlApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  app_class->startup = rl_application_startup;
  app_class->activate = rl_application_activate;
  app_class->command_line = rl_application_command_line;
  app_class->shutdown = rl_application_shutdown;
  gtk_app_class->window_removed = rl_application_window_removed;
}

static void
rl_application_init (RlApplication *self)
{
  const char *env = g_getenv ("RESLAB_DEBUG_STALLS");

  self->debug_stalls = env != NULL && g_strcmp0 (env, "0") != 0 && *env != '\0';
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     "[MODEL.safetensors | IMAGE.png]");
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Draw digits for a residual network, train it on "
                                            "MNIST, and look inside."));
}

RlApplication *
rl_application_new (void)
{
  return g_object_new (RL_TYPE_APPLICATION,
                       "application-id", RL_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/org/reslab/ResLab",
                       NULL);
}
