/* test-experiment-runner.c: the twins trained on the runner's worker thread are the engine's
 * (rl-experiment.h), on the committed MNIST fixture (tests/data/mnist-mini), without a display.
 *
 * Every record the runner emits is the one rl_experiment_step makes in the same order, bit for
 * bit, for each seed of a run; the trained twins it hands over are the engine's weights; a twin
 * that diverges is said to (rl_experiment_runner_get_diverged_at, at the engine's iteration)
 * and handed over with its last finite weights, which is what the Landscape page and the kept
 * runs look at.
 */

#include <string.h>

#include "rl-experiment-runner.h"
#include "rl-finite.h"
#include "rl-model.h"

#include "experiment-test-utils.h"

static RlDataset *train_set;
static RlDataset *test_set;

typedef struct {
  GMainLoop *loop;
  GPtrArray *records;     /* of RlExperimentRecord, as emitted */
  gboolean   finished;
  gboolean   completed;
  GError    *error;
} Watch;

static void
record_cb (RlExperimentRunner       *runner,
           const RlExperimentRecord *record,
           Watch                    *w)
{
  g_ptr_array_add (w->records, rl_experiment_record_ref ((RlExperimentRecord *) record));
}

static void
finished_cb (RlExperimentRunner *runner,
             gboolean            completed,
             const GError       *error,
             Watch              *w)
{
  w->finished = TRUE;
  w->completed = completed;
  w->error = error != NULL ? g_error_copy (error) : NULL;
  g_main_loop_quit (w->loop);
}

static gboolean
time_out (gpointer data)
{
  g_error ("the run did not finish within 120 s");
  return G_SOURCE_REMOVE;
}

/* Runs @cfg for @n_seeds seeds on the runner to its end; the records go to w->records. */
static void
run_on_runner (RlExperimentRunner       *runner,
               const RlExperimentConfig *cfg,
               guint                     n_seeds,
               Watch                    *w)
{
  g_autoptr (GError) error = NULL;
  gulong record_id = g_signal_connect (runner, "record", G_CALLBACK (record_cb), w);
  gulong finished_id = g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), w);
  guint timeout_id = g_timeout_add_seconds (120, time_out, NULL);

  w->loop = g_main_loop_new (NULL, FALSE);
  w->records = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_experiment_record_unref);
  g_assert_true (rl_experiment_runner_start_seeds (runner, cfg, n_seeds, train_set, test_set,
                                                   &error));
  g_assert_no_error (error);
  g_main_loop_run (w->loop);
  g_source_remove (timeout_id);
  g_signal_handler_disconnect (runner, record_id);
  g_signal_handler_disconnect (runner, finished_id);
  g_assert_true (w->finished);
  g_assert_no_error (w->error);
  g_assert_true (w->completed);
}

static void
watch_clear (Watch *w)
{
  g_clear_pointer (&w->loop, g_main_loop_unref);
  g_clear_pointer (&w->records, g_ptr_array_unref);
  g_clear_error (&w->error);
}

/* @cfg run by the engine alone, to its end. Returns: (transfer full) */
static RlExperiment *
run_on_engine (const RlExperimentConfig *cfg)
{
  g_autoptr (GError) error = NULL;
  RlExperiment *exp = rl_experiment_new (cfg, train_set, test_set, &error);

  g_assert_no_error (error);
  while (!rl_experiment_is_done (exp))
    {
      g_assert_true (rl_experiment_step (exp, NULL, &error));
      g_assert_no_error (error);
    }
  return exp;
}

/* The records of @exp, in the order rl_experiment_step made them (iteration, then twin), are
 * @records[@from ...]. Returns: how many */
static guint
assert_same_records (RlExperiment *exp,
                     GPtrArray    *records,
                     guint         from)
{
  guint n[RL_N_TWINS] = { 0 };
  guint seen[RL_N_TWINS] = { 0 };
  guint i = from;

  for (int t = 0; t < RL_N_TWINS; t++)
    n[t] = rl_experiment_get_n_records (exp, (RlTwin) t);
  g_assert_cmpuint (n[RL_TWIN_PLAIN] + n[RL_TWIN_RESIDUAL], <=, records->len - from);
  for (; i < from + n[RL_TWIN_PLAIN] + n[RL_TWIN_RESIDUAL]; i++)
    {
      const RlExperimentRecord *got = g_ptr_array_index (records, i);
      RlTwin t = got->twin;

      g_assert_cmpuint (seen[t], <, n[t]);
      assert_records_equal (got, rl_experiment_get_record (exp, t, seen[t]));
      seen[t]++;
    }
  return i - from;
}

static void
assert_same_params (const RlModel *a,
                    const RlModel *b)
{
  g_assert_cmpuint (rl_model_get_n_params (a), ==, rl_model_get_n_params (b));
  g_assert_cmpmem (rl_model_get_params_const (a), rl_model_get_n_params (a) * sizeof (float),
                   rl_model_get_params_const (b), rl_model_get_n_params (b) * sizeof (float));
}

/* Two seeds of a tiny run: every record the engine makes, in its order, then the first seed's
 * twins (the engine's weights after its last step) and no divergence. */
static void
test_records (void)
{
  g_autoptr (RlExperimentRunner) runner = rl_experiment_runner_new ();
  RlExperimentConfig cfg;
  Watch w = { 0 };
  guint used = 0;

  tiny_config (&cfg);
  run_on_runner (runner, &cfg, 2, &w);
  g_test_message ("%u records for two seeds", w.records->len);
  g_assert_cmpuint (rl_experiment_runner_get_n_seeds (runner), ==, 2);

  for (guint s = 0; s < 2; s++)
    {
      RlExperimentConfig seed_cfg = cfg;
      g_autoptr (RlExperiment) exp = NULL;

      seed_cfg.seed = cfg.seed + s;
      exp = run_on_engine (&seed_cfg);
      used += assert_same_records (exp, w.records, used);
      if (s == 0)
        for (int t = 0; t < RL_N_TWINS; t++)
          {
            RlModel *initial = NULL;
            const RlModel *trained = rl_experiment_runner_get_trained (runner, (RlTwin) t,
                                                                       &initial);

            g_assert_nonnull (trained);
            g_assert_nonnull (initial);
            assert_same_params (trained, rl_experiment_get_model (exp, (RlTwin) t));
            g_assert_cmpuint (rl_experiment_runner_get_diverged_at (runner, (RlTwin) t), ==, 0);
          }
    }
  /* nothing more, nothing less */
  g_assert_cmpuint (used, ==, w.records->len);
  watch_clear (&w);
}

/* No batch norm and an absurd learning rate: a twin diverges; the runner says at which
 * iteration, as the engine does, and hands over its last finite weights. */
static void
test_divergence (void)
{
  g_autoptr (RlExperimentRunner) runner = rl_experiment_runner_new ();
  g_autoptr (RlExperiment) exp = NULL;
  RlExperimentConfig cfg;
  Watch w = { 0 };
  gboolean any = FALSE;

  tiny_config (&cfg);
  cfg.bn = FALSE;
  cfg.lr = 1e6;
  cfg.momentum = 0.0;
  cfg.interval = 2;
  run_on_runner (runner, &cfg, 1, &w);
  exp = run_on_engine (&cfg);
  g_assert_cmpuint (assert_same_records (exp, w.records, 0), ==, w.records->len);

  for (int t = 0; t < RL_N_TWINS; t++)
    {
      guint64 at = rl_experiment_runner_get_diverged_at (runner, (RlTwin) t);
      RlModel *trained = rl_experiment_runner_get_trained (runner, (RlTwin) t, NULL);

      g_test_message ("%s: diverged at %" G_GUINT64_FORMAT,
                      rl_experiment_runner_get_name (runner, (RlTwin) t), at);
      g_assert_cmpuint (at, ==, rl_experiment_get_diverged_at (exp, (RlTwin) t));
      g_assert_nonnull (trained);
      g_assert_false (rl_model_find_nonfinite (trained, FALSE, NULL));
      any = any || at > 0;
    }
  g_assert_true (any);
  watch_clear (&w);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  load_mini_mnist (&train_set, &test_set);

  g_test_add_func ("/control/experiment-runner/records", test_records);
  g_test_add_func ("/control/experiment-runner/divergence", test_divergence);

  status = g_test_run ();
  rl_dataset_unref (train_set);
  rl_dataset_unref (test_set);
  return status;
}
