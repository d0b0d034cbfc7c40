#define G_LOG_DOMAIN "reslab-control"

/* rl-landscape-runner.c: see rl-landscape-runner.h.
 *
 * A run is the RlRunner's RlWorker whose data is one RlLandscape per model (each its own copy
 * of the model and of the subset); messages are rows of new points, or a model's line.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-landscape-runner.h"

#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-landscape.h"

#define MAX_LEVELS 16

void
rl_landscape_runner_config_init (RlLandscapeRunnerConfig *config)
{
  *config = (RlLandscapeRunnerConfig) {
    .grid = 17, .range = 1.0, .n_images = 200, .seed = 1, .threads = 0,
  };
}

guint
rl_landscape_levels (guint grid, guint steps[MAX_LEVELS])
{
  guint half, s, n = 0;

  g_return_val_if_fail (grid >= 3 && grid % 2 == 1, 0);

  /* The coarsest: the largest step that divides the half-width (so the centre is on it) and
   * leaves at least 5 points per axis (4 intervals), or 3 for a grid too small for that. */
  half = (grid - 1) / 2;
  s = 1;
  for (guint d = 1; d <= half; d++)
    if (half % d == 0 && (grid - 1) / d >= 4)
      s = d;
  steps[n++] = s;
  while (s > 1 && n < MAX_LEVELS)
    {
      guint next = 1;

      for (guint d = s / 2; d > 1; d--)
        if (s % d == 0)
          {
            next = d;
            break;
          }
      s = next;
      steps[n++] = s;
    }
  return n;
}

/* ---- Messages ------------------------------------------------------------------------------ */

typedef enum {
  MESSAGE_POINTS,
  MESSAGE_LINE,
} MessageKind;

typedef struct {
  MessageKind kind;
  guint       model;
  guint       level;          /* MESSAGE_POINTS: the level index they belong to */
  gboolean    level_done;     /* the last row of this level for every model */
  guint       n;
  guint      *index;          /* (n) j * grid + i */
  double     *loss;           /* (n) */
  double     *accuracy;       /* (n) */
} Message;

static void
message_free (gpointer data)
{
  Message *msg = data;

  g_free (msg->index);
  g_free (msg->loss);
  g_free (msg->accuracy);
  g_free (msg);
}

static Message *
message_new (MessageKind kind, guint model, guint n)
{
  Message *msg = g_new0 (Message, 1);

  msg->kind = kind;
  msg->model = model;
  msg->index = g_new0 (guint, MAX (n, 1));
  msg->loss = g_new0 (double, MAX (n, 1));
  msg->accuracy = g_new0 (double, MAX (n, 1));
  return msg;
}

/* ---- The worker's data --------------------------------------------------------------------- */

typedef struct {
  RlLandscapeRunnerConfig config;
  guint         n_models;
  RlLandscape  *ls[RL_LANDSCAPE_RUNNER_MAX_MODELS];
  RlModel      *initial[RL_LANDSCAPE_RUNNER_MAX_MODELS];   /* nullable */
  guint         steps[MAX_LEVELS];
  guint         n_levels;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  for (guint m = 0; m < RL_LANDSCAPE_RUNNER_MAX_MODELS; m++)
    {
      g_clear_pointer (&job->ls[m], rl_landscape_free);
      g_clear_pointer (&job->initial[m], rl_model_free);
    }
  g_free (job);
}

/* Whether (i, j) is on the lattice of step @s. */
static gboolean
on_lattice (guint i, guint j, guint s)
{
  return i % s == 0 && j % s == 0;
}

static gboolean
run (RlWorker *worker, gpointer data, GError **error)
{
  Job *job = data;
  const guint g = job->config.grid;
  GCancellable *cancellable = rl_worker_get_cancellable (worker);

  for (guint level = 0; level < job->n_levels; level++)
    {
      const guint s = job->steps[level];
      const guint prev = level > 0 ? job->steps[level - 1] : 0;

      for (guint j = 0; j < g; j += s)
        for (guint m = 0; m < job->n_models; m++)
          {
            Message *msg = message_new (MESSAGE_POINTS, m, g);

            msg->level = level;
            for (guint i = 0; i < g; i += s)
              {
                double *loss, *acc;

                if (prev > 0 && on_lattice (i, j, prev))
                  continue;   /* computed by a coarser level */
                if (g_cancellable_set_error_if_cancelled (cancellable, error))
                  {
                    message_free (msg);
                    return FALSE;
                  }
                loss = &msg->loss[msg->n];
                acc = &msg->accuracy[msg->n];
                msg->index[msg->n++] = j * g + i;
                /* the coordinates of rl_landscape_grid: a point of a coarser level is
                 * the same point of the finer grid */
                rl_landscape_eval (job->ls[m],
                                   rl_landscape_grid_coordinate ((int) g, job->config.range,
                                                                 (int) i),
                                   rl_landscape_grid_coordinate ((int) g, job->config.range,
                                                                 (int) j), loss, acc);
              }
            msg->level_done = j + s >= g && m + 1 == job->n_models;
            if (msg->n > 0 || msg->level_done)
              rl_worker_post (worker, msg);
            else
              message_free (msg);
          }
    }

  for (guint m = 0; m < job->n_models; m++)
    {
      Message *msg;

      if (job->initial[m] == NULL)
        continue;
      msg = message_new (MESSAGE_LINE, m, RL_LANDSCAPE_LINE_POINTS);
      msg->n = RL_LANDSCAPE_LINE_POINTS;
      for (guint k = 0; k < RL_LANDSCAPE_LINE_POINTS; k++)
        {
          double t = RL_LANDSCAPE_LINE_FROM
                     + (RL_LANDSCAPE_LINE_TO - RL_LANDSCAPE_LINE_FROM) * k
                       / (RL_LANDSCAPE_LINE_POINTS - 1);

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              message_free (msg);
              return FALSE;
            }
          /* one point a call, so a cancel is seen between points */
          msg->index[k] = k;
          msg->accuracy[k] = t;   /* the line's t travels in the accuracy slot */
          if (!rl_landscape_interpolate (job->ls[m], job->initial[m], &t, 1, &msg->loss[k],
                                         NULL, error))
            {
              message_free (msg);
              return FALSE;
            }
        }
      rl_worker_post (worker, msg);
    }
  return TRUE;
}

/* ---- The runner ---------------------------------------------------------------------------- */

struct _RlLandscapeRunner {
  RlRunner parent_instance;

  gboolean      have_run;
  RlLandscapeRunnerConfig config;
  guint         n_models;
  gboolean      same_directions;
  guint         steps[MAX_LEVELS];
  guint         n_levels;
  guint         level;           /* the level being computed */
  gint          complete;        /* the finest complete level, -1 for none */
  guint         n_done[RL_LANDSCAPE_RUNNER_MAX_MODELS];
  double       *loss[RL_LANDSCAPE_RUNNER_MAX_MODELS];       /* (grid, grid) */
  double       *accuracy[RL_LANDSCAPE_RUNNER_MAX_MODELS];
  gboolean      have_line[RL_LANDSCAPE_RUNNER_MAX_MODELS];
  double        line_t[RL_LANDSCAPE_RUNNER_MAX_MODELS][RL_LANDSCAPE_LINE_POINTS];
  double        line_loss[RL_LANDSCAPE_RUNNER_MAX_MODELS][RL_LANDSCAPE_LINE_POINTS];
  gint64        started;         /* monotonic microseconds */
  gint64        ended;           /* 0 while running */
};

G_DEFINE_FINAL_TYPE (RlLandscapeRunner, rl_landscape_runner, RL_TYPE_RUNNER)

enum {
  SIGNAL_POINTS,
  SIGNAL_LINE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
deliver (GObject *owner, gpointer message)
{
  RlLandscapeRunner *self = RL_LANDSCAPE_RUNNER (owner);
  Message *msg = message;

  if (msg->kind == MESSAGE_LINE)
    {
      memcpy (self->line_t[msg->model], msg->accuracy, sizeof (double) * msg->n);
      memcpy (self->line_loss[msg->model], msg->loss, sizeof (double) * msg->n);
      self->have_line[msg->model] = TRUE;
      g_signal_emit (self, signals[SIGNAL_LINE], 0, msg->model);
      return;
    }

  self->level = msg->level;
  for (guint k = 0; k < msg->n; k++)
    {
      self->loss[msg->model][msg->index[k]] = msg->loss[k];
      self->accuracy[msg->model][msg->index[k]] = msg->accuracy[k];
    }
  self->n_done[msg->model] += msg->n;
  if (msg->level_done)
    {
      self->complete = (gint) msg->level;
      if (msg->level + 1 < self->n_levels)
        self->level = msg->level + 1;
    }
  g_signal_emit (self, signals[SIGNAL_POINTS], 0, msg->model, msg->n);
}

static void
finished (GObject *owner, gboolean completed, const GError *error)
{
  RlLandscapeRunner *self = RL_LANDSCAPE_RUNNER (owner);

  self->ended = g_get_monotonic_time ();   /* the elapsed time stops before "running" does */
  rl_runner_finish (owner, completed, error);
}

static const RlWorkerFuncs worker_funcs = {
  .name = "reslab-landscape",
  .run = run,
  .deliver = deliver,
  .finished = finished,
  .free_message = message_free,
  .free_data = job_free,
};

RlLandscapeRunner *
rl_landscape_runner_new (void)
{
  return g_object_new (RL_TYPE_LANDSCAPE_RUNNER, NULL);
}

static void
clear_results (RlLandscapeRunner *self)
{
  for (guint m = 0; m < RL_LANDSCAPE_RUNNER_MAX_MODELS; m++)
    {
      g_clear_pointer (&self->loss[m], g_free);
      g_clear_pointer (&self->accuracy[m], g_free);
      self->n_done[m] = 0;
      self->have_line[m] = FALSE;
    }
  self->complete = -1;
  self->level = 0;
}

gboolean
rl_landscape_runner_start (RlLandscapeRunner             *self,
                           const RlLandscapeRunnerConfig *config,
                           RlModel *const                *models,
                           RlModel *const                *initial,
                           guint                          n_models,
                           RlDataset                     *set,
                           GError                       **error)
{
  Job *job;
  size_t n_points;

  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), FALSE);
  g_return_val_if_fail (config != NULL && models != NULL && set != NULL, FALSE);
  g_return_val_if_fail (n_models >= 1 && n_models <= RL_LANDSCAPE_RUNNER_MAX_MODELS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!rl_runner_check_idle (RL_RUNNER (self), error))
    return FALSE;
  if (config->grid < 3 || config->grid % 2 == 0 || config->grid > RL_LANDSCAPE_MAX_GRID ||
      !(isfinite (config->range) && config->range > 0.0))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("Landscape grid: an odd number of points from 3 to %d and a range above 0"
                     " (got %u points, range %g)"), RL_LANDSCAPE_MAX_GRID, config->grid,
                   config->range);
      return FALSE;
    }
  if (!rl_landscape_check_grid ((int) config->grid, config->range, error))
    return FALSE;

  job = g_new0 (Job, 1);
  job->config = *config;
  job->n_models = n_models;
  for (guint m = 0; m < n_models; m++)
    {
      g_autoptr(RlModel) copy = rl_model_copy (models[m]);

      rl_model_set_threads (copy, config->threads);
      job->ls[m] = rl_landscape_new (copy, set, config->n_images, error);
      if (job->ls[m] == NULL)
        {
          job_free (job);
          return FALSE;
        }
      rl_landscape_set_random_directions (job->ls[m], config->seed);
      if (!rl_landscape_check_range (job->ls[m], config->range, error))
        {
          job_free (job);
          return FALSE;
        }
      if (initial != NULL && initial[m] != NULL)
        job->initial[m] = rl_model_copy (initial[m]);
    }
  job->n_levels = rl_landscape_levels (config->grid, job->steps);

  clear_results (self);
  self->have_run = TRUE;
  self->config = *config;
  self->n_models = n_models;
  self->same_directions = n_models == 2 && rl_landscape_check_pair (models[0], models[1], NULL);
  memcpy (self->steps, job->steps, sizeof self->steps);
  self->n_levels = job->n_levels;
  n_points = (size_t) config->grid * config->grid;
  for (guint m = 0; m < n_models; m++)
    {
      self->loss[m] = g_new (double, n_points);
      self->accuracy[m] = g_new (double, n_points);
      for (size_t k = 0; k < n_points; k++)
        self->loss[m][k] = self->accuracy[m][k] = NAN;
    }
  self->started = g_get_monotonic_time ();
  self->ended = 0;
  return rl_runner_start_worker (RL_RUNNER (self), &worker_funcs, job, error);
}

guint
rl_landscape_runner_get_n_models (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), 0);

  return self->n_models;
}

const RlLandscapeRunnerConfig *
rl_landscape_runner_get_config (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), NULL);

  return self->have_run ? &self->config : NULL;
}

gboolean
rl_landscape_runner_same_directions (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), FALSE);

  return self->same_directions;
}

static guint
level_grid (RlLandscapeRunner *self, guint level)
{
  return (self->config.grid - 1) / self->steps[level] + 1;
}

guint
rl_landscape_runner_get_level_grid (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), 0);

  return self->have_run ? level_grid (self, self->level) : 0;
}

guint
rl_landscape_runner_get_complete_grid (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), 0);

  return self->have_run && self->complete >= 0 ? level_grid (self, (guint) self->complete) : 0;
}

guint
rl_landscape_runner_get_n_done (RlLandscapeRunner *self, guint model)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), 0);
  g_return_val_if_fail (model < RL_LANDSCAPE_RUNNER_MAX_MODELS, 0);

  return self->n_done[model];
}

guint
rl_landscape_runner_get_n_total (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), 0);

  return self->config.grid * self->config.grid;
}

double
rl_landscape_runner_get_elapsed (RlLandscapeRunner *self)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), 0.0);

  if (!self->have_run)
    return 0.0;
  return ((self->ended != 0 ? self->ended : g_get_monotonic_time ()) - self->started) / 1e6;
}

const double *
rl_landscape_runner_get_loss (RlLandscapeRunner *self, guint model)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), NULL);
  g_return_val_if_fail (model < self->n_models, NULL);

  return self->loss[model];
}

const double *
rl_landscape_runner_get_accuracy (RlLandscapeRunner *self, guint model)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), NULL);
  g_return_val_if_fail (model < self->n_models, NULL);

  return self->accuracy[model];
}

gboolean
rl_landscape_runner_fill (RlLandscapeRunner *self, guint model, double *out)
{
  const guint g = self->config.grid;
  const double *v;
  guint s;

  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), FALSE);
  g_return_val_if_fail (model < self->n_models && out != NULL, FALSE);

  if (self->complete < 0)
    return FALSE;
  v = self->loss[model];
  s = self->steps[self->complete];
  for (guint j = 0; j < g; j++)
    for (guint i = 0; i < g; i++)
      {
        guint i0 = i / s * s, j0 = j / s * s;
        guint i1 = MIN (i0 + s, g - 1), j1 = MIN (j0 + s, g - 1);
        double fx = (double) (i - i0) / s, fy = (double) (j - j0) / s;

        if (!isnan (v[j * g + i]))
          out[j * g + i] = v[j * g + i];
        else
          out[j * g + i] = (1 - fy) * ((1 - fx) * v[j0 * g + i0] + fx * v[j0 * g + i1])
                           + fy * ((1 - fx) * v[j1 * g + i0] + fx * v[j1 * g + i1]);
      }
  return TRUE;
}

gboolean
rl_landscape_runner_get_line (RlLandscapeRunner *self, guint model, const double **t,
                              const double **loss)
{
  g_return_val_if_fail (RL_IS_LANDSCAPE_RUNNER (self), FALSE);
  g_return_val_if_fail (model < RL_LANDSCAPE_RUNNER_MAX_MODELS, FALSE);

  if (!self->have_line[model])
    return FALSE;
  if (t != NULL)
    *t = self->line_t[model];
  if (loss != NULL)
    *loss = self->line_loss[model];
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
rl_landscape_runner_finalize (GObject *object)
{
  RlLandscapeRunner *self = RL_LANDSCAPE_RUNNER (object);

  clear_results (self);
  G_OBJECT_CLASS (rl_landscape_runner_parent_class)->finalize (object);
}

static void
rl_landscape_runner_class_init (RlLandscapeRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rl_landscape_runner_finalize;
  RL_RUNNER_CLASS (klass)->busy_message = N_("The landscape is already being computed");

  signals[SIGNAL_POINTS] =
    g_signal_new ("points", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_LINE] =
    g_signal_new ("line", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
rl_landscape_runner_init (RlLandscapeRunner *self)
{
  self->complete = -1;
}
