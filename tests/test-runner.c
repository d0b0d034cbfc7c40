/* test-runner.c: what every controller on an RlWorker gets from RlRunner (rl-runner.h),
 * checked through a real subclass, the landscape runner, on the committed MNIST fixture
 * (tests/data/mnist-mini), without a display.
 *
 * "running" goes TRUE at the start and FALSE just before "finished"; a stop ends the run with
 * completed = FALSE and no error; a start while running is refused with the runner's error;
 * a stop lifts a pause, and the two are notified together; a runner disposed mid-run leaves
 * its worker to rl_worker_join_abandoned().
 */

#include <string.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-landscape-runner.h"
#include "rl-model.h"
#include "rl-runner.h"

#include "landscape-test-utils.h"

/* Enough points (17 x 17 on a resnet-8, 128 images each) that a stop asked for right after
 * the start comes long before the last one. */
#define GRID     17
#define N_IMAGES 128

static RlDataset *train_set;
static RlModel *model;

typedef struct {
  GMainLoop *loop;
  GArray    *running;          /* of gboolean: rl_runner_is_running at each notify::running */
  GArray    *paused;           /* the same for "paused" */
  gboolean   stopping_with_unpause;   /* "stopping" was TRUE when "paused" went FALSE */
  guint      n_stopping;
  guint      n_finished;
  gboolean   running_in_finished;
  gboolean   completed;
  GError    *error;
} Watch;

static void
running_cb (RlRunner *runner, GParamSpec *pspec, Watch *w)
{
  gboolean running = rl_runner_is_running (runner);

  g_array_append_val (w->running, running);
}

static void
paused_cb (RlRunner *runner, GParamSpec *pspec, Watch *w)
{
  gboolean paused = rl_runner_is_paused (runner);

  g_array_append_val (w->paused, paused);
  if (!paused)
    w->stopping_with_unpause = rl_runner_is_stopping (runner);
}

static void
stopping_cb (RlRunner *runner, GParamSpec *pspec, Watch *w)
{
  w->n_stopping++;
}

static void
finished_cb (RlRunner *runner, gboolean completed, const GError *error, Watch *w)
{
  w->n_finished++;
  w->running_in_finished = rl_runner_is_running (runner);
  w->completed = completed;
  if (error != NULL)
    w->error = g_error_copy (error);
  g_main_loop_quit (w->loop);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("the landscape did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
watch_init (Watch *w, RlLandscapeRunner *runner)
{
  memset (w, 0, sizeof *w);
  w->loop = g_main_loop_new (NULL, FALSE);
  w->running = g_array_new (FALSE, FALSE, sizeof (gboolean));
  w->paused = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_signal_connect (runner, "notify::running", G_CALLBACK (running_cb), w);
  g_signal_connect (runner, "notify::paused", G_CALLBACK (paused_cb), w);
  g_signal_connect (runner, "notify::stopping", G_CALLBACK (stopping_cb), w);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), w);
}

static void
watch_wait (Watch *w)
{
  guint id = g_timeout_add_seconds (120, timeout_cb, NULL);

  g_main_loop_run (w->loop);
  g_source_remove (id);
}

static void
watch_clear (Watch *w)
{
  g_main_loop_unref (w->loop);
  g_array_unref (w->running);
  g_array_unref (w->paused);
  g_clear_error (&w->error);
}

static gboolean
start (RlLandscapeRunner *runner, guint grid, GError **error)
{
  RlLandscapeRunnerConfig config;

  rl_landscape_runner_config_init (&config);
  config.grid = grid;
  config.n_images = N_IMAGES;
  config.threads = 2;
  return rl_landscape_runner_start (runner, &config, &model, NULL, 1, train_set, error);
}

/* A start that must succeed. */
static void
start_ok (RlLandscapeRunner *runner, guint grid)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (start (runner, grid, &error));
  g_assert_no_error (error);
}

/* A run to its end: "running" TRUE, then FALSE before "finished" (once, completed). */
static void
test_running (void)
{
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  Watch w;

  watch_init (&w, runner);
  g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
  start_ok (runner, 3);
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));
  g_assert_cmpuint (w.running->len, ==, 1);
  g_assert_true (g_array_index (w.running, gboolean, 0));

  watch_wait (&w);
  g_assert_cmpuint (w.n_finished, ==, 1);
  g_assert_true (w.completed);
  g_assert_no_error (w.error);
  g_assert_false (w.running_in_finished);   /* a "finished" handler may start the next run */
  g_assert_cmpuint (w.running->len, ==, 2);
  g_assert_false (g_array_index (w.running, gboolean, 1));
  g_assert_cmpuint (w.n_stopping, ==, 0);
  g_assert_cmpuint (w.paused->len, ==, 0);
  g_assert_false (rl_runner_is_running (RL_RUNNER (runner)));
  watch_clear (&w);
}

/* A stop: completed FALSE, no error; stopping until "finished", a second stop a no-op. */
static void
test_stop (void)
{
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  Watch w;

  watch_init (&w, runner);
  rl_runner_stop (RL_RUNNER (runner));   /* idle: nothing to stop */
  g_assert_false (rl_runner_is_stopping (RL_RUNNER (runner)));
  g_assert_cmpuint (w.n_stopping, ==, 0);

  start_ok (runner, GRID);
  rl_runner_stop (RL_RUNNER (runner));
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));   /* until the worker ends */
  g_assert_true (rl_runner_is_stopping (RL_RUNNER (runner)));
  g_assert_cmpuint (w.n_stopping, ==, 1);
  rl_runner_stop (RL_RUNNER (runner));
  rl_runner_set_paused (RL_RUNNER (runner), TRUE);   /* no pause while stopping */
  g_assert_false (rl_runner_is_paused (RL_RUNNER (runner)));
  g_assert_cmpuint (w.n_stopping, ==, 1);
  g_assert_cmpuint (w.paused->len, ==, 0);

  watch_wait (&w);
  g_assert_cmpuint (w.n_finished, ==, 1);
  g_assert_false (w.completed);
  g_assert_no_error (w.error);
  g_assert_false (rl_runner_is_stopping (RL_RUNNER (runner)));
  g_assert_cmpuint (w.n_stopping, ==, 2);
  g_assert_cmpuint (w.running->len, ==, 2);
  /* fewer points than the grid has: it did stop */
  g_assert_cmpuint (rl_landscape_runner_get_n_done (runner, 0), <, GRID * GRID);

  /* and the runner starts again */
  start_ok (runner, 3);
  watch_wait (&w);
  g_assert_true (w.completed);
  g_assert_cmpuint (w.n_finished, ==, 2);
  watch_clear (&w);
}

/* A start while running is refused with the runner's error, and leaves the run alone. */
static void
test_busy (void)
{
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  g_autoptr(GError) error = NULL;
  Watch w;

  watch_init (&w, runner);
  start_ok (runner, GRID);
  g_assert_false (start (runner, 3, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "The landscape is already being computed");
  g_assert_true (rl_runner_is_running (RL_RUNNER (runner)));
  g_assert_cmpuint (w.running->len, ==, 1);
  g_assert_cmpuint (rl_landscape_runner_get_config (runner)->grid, ==, GRID);

  rl_runner_stop (RL_RUNNER (runner));
  watch_wait (&w);
  g_assert_cmpuint (w.n_finished, ==, 1);
  watch_clear (&w);
}

/* "paused" notifies on a change only; a stop lifts it, "stopping" already TRUE when it does. */
static void
test_pause (void)
{
  g_autoptr(RlLandscapeRunner) runner = rl_landscape_runner_new ();
  Watch w;

  watch_init (&w, runner);
  rl_runner_set_paused (RL_RUNNER (runner), TRUE);   /* idle: nothing to pause */
  g_assert_false (rl_runner_is_paused (RL_RUNNER (runner)));
  start_ok (runner, GRID);
  rl_runner_set_paused (RL_RUNNER (runner), TRUE);
  rl_runner_set_paused (RL_RUNNER (runner), TRUE);
  g_assert_true (rl_runner_is_paused (RL_RUNNER (runner)));
  g_assert_cmpuint (w.paused->len, ==, 1);
  g_assert_true (g_array_index (w.paused, gboolean, 0));

  rl_runner_stop (RL_RUNNER (runner));
  g_assert_false (rl_runner_is_paused (RL_RUNNER (runner)));
  g_assert_cmpuint (w.paused->len, ==, 2);
  g_assert_false (g_array_index (w.paused, gboolean, 1));
  g_assert_true (w.stopping_with_unpause);

  watch_wait (&w);
  g_assert_false (w.completed);
  g_assert_cmpuint (w.paused->len, ==, 2);
  watch_clear (&w);
}

/* Disposed mid-run: the worker is abandoned, nothing reaches the runner, the thread is joined
 * at shutdown. */
static void
test_dispose_running (void)
{
  RlLandscapeRunner *runner = rl_landscape_runner_new ();
  Watch w;

  watch_init (&w, runner);
  start_ok (runner, GRID);
  g_assert_finalize_object (runner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (rl_worker_join_abandoned (), ==, 1);
  g_assert_cmpuint (w.n_finished, ==, 0);
  watch_clear (&w);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  train_set = landscape_test_load_train ();
  model = landscape_test_cifar_model (8, TRUE, RL_SHORTCUT_A, FALSE, 1);

  g_test_add_func ("/control/runner/running", test_running);
  g_test_add_func ("/control/runner/stop", test_stop);
  g_test_add_func ("/control/runner/busy", test_busy);
  g_test_add_func ("/control/runner/pause", test_pause);
  g_test_add_func ("/control/runner/dispose-running", test_dispose_running);
  ret = g_test_run ();
  rl_model_free (model);
  rl_dataset_unref (train_set);
  return ret;
}
