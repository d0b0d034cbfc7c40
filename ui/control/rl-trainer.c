#define G_LOG_DOMAIN "reslab-control"

/* rl-trainer.c: see rl-trainer.h.
 *
 * A run is an RlWorker (rl-worker.h: the thread, its outbox, pause, cancellation, joining)
 * whose data is a Job: what the worker trains with (its own model copy, references to the
 * datasets, the config) and the hyperparameters the main thread hands over between batches
 * (under the worker's lock). The worker drives the engine's training loop (rl-train.h) and,
 * through the loop's hooks, waits while paused, takes new hyperparameters, and builds the
 * progress and weight snapshots it posts. Everything here that is not a hook is the trainer's
 * own bookkeeping: the running loss average, the running accuracy, the timing.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-trainer.h"

#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-train.h"

/* At most ~15 progress snapshots per second: each redraws the two charts and the progress
 * labels, in software, on the cores training uses. Measured under Xvfb on 2 cores (a 3-epoch
 * run in the Train view, launch to saved model, three runs each): 8.5-9.1 s at 30 a second,
 * 7.0-7.4 s at 15, 7.0 s with the charts not drawn at all. */
#define PROGRESS_INTERVAL_US   (66 * 1000)
#define WEIGHTS_INTERVAL_US    (250 * 1000)   /* at most ~4 weight copies per second */
/* The smoothed loss curve: a bias-corrected exponential average over a window of a fortieth
 * of the run's batches, 4 to 50 (a decay of 0.75 to 0.98). A fixed 50 (0.98, TensorBoard's
 * kind of smoothing) lagged far above the batch losses of a short run, whose loss falls most
 * within its first few dozen batches; a ten-epoch run of 9,380 batches keeps 50. */
#define LOSS_WINDOW_MIN        4.0
#define LOSS_WINDOW_MAX        50.0
#define LOSS_WINDOW_FRACTION   40.0

/* ---- Config ---------------------------------------------------------------------------------- */

void
rl_train_config_init_defaults (RlTrainConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->dataset = RL_DATASET_MNIST;
  config->epochs = 10;
  config->lr = 0.01f;
  config->momentum = 0.5f;
  config->batch = 64;
  config->seed = 1;
  config->threads = (int) g_get_num_processors ();
  config->eval_every = 100;
  config->eval_subset = 1000;
}

void
rl_train_defaults_for_arch (const RlArch *arch, RlTrainDefaults *defaults)
{
  gboolean bn = FALSE;

  g_return_if_fail (arch != NULL);
  g_return_if_fail (defaults != NULL);

  for (int i = 0; i < arch->n_layers && !bn; i++)
    bn = arch->layers[i].kind == RL_LAYER_BN || arch->layers[i].bn;
  defaults->batch_norm = bn;
  defaults->lr = bn ? RL_TRAIN_BN_LR : 0.01;
  defaults->momentum = bn ? RL_TRAIN_BN_MOMENTUM : 0.5;
  defaults->weight_decay = bn ? RL_TRAIN_BN_WEIGHT_DECAY : 0.0;
}

static gboolean
lr_valid (float lr)
{
  return isfinite (lr) && lr > 0.0f && lr <= 100.0f;
}

static gboolean
momentum_valid (float momentum)
{
  return isfinite (momentum) && momentum >= 0.0f && momentum < 1.0f;
}

gboolean
rl_train_config_validate (const RlTrainConfig *config, GError **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (config->dataset != RL_DATASET_MNIST && config->dataset != RL_DATASET_FASHION)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, _("Unknown dataset %d"),
                   (int) config->dataset);
      return FALSE;
    }
  if (config->epochs < 1 || config->epochs > 1000)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("Epochs must be between 1 and 1000, not %d"), config->epochs);
      return FALSE;
    }
  if (!lr_valid (config->lr))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("The learning rate must be greater than 0 and at most 100, not %g"),
                   (double) config->lr);
      return FALSE;
    }
  if (!(isfinite (config->weight_decay) && config->weight_decay >= 0.0f
        && config->weight_decay <= 1.0f))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("The weight decay must be between 0 and 1, not %g"),
                   (double) config->weight_decay);
      return FALSE;
    }
  if (!momentum_valid (config->momentum))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("Momentum must be at least 0 and less than 1, not %g"),
                   (double) config->momentum);
      return FALSE;
    }
  if (config->batch < 1 || config->batch > 4096)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("The batch size must be between 1 and 4096, not %d"), config->batch);
      return FALSE;
    }
  if (config->threads > 1024)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   _("At most 1024 threads, not %d"), config->threads);
      return FALSE;
    }
  return TRUE;
}

/* ---- State enum -------------------------------------------------------------------------- */

GType
rl_trainer_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { RL_TRAINER_IDLE, "RL_TRAINER_IDLE", "idle" },
        { RL_TRAINER_RUNNING, "RL_TRAINER_RUNNING", "running" },
        { RL_TRAINER_PAUSED, "RL_TRAINER_PAUSED", "paused" },
        { RL_TRAINER_STOPPING, "RL_TRAINER_STOPPING", "stopping" },
        { 0, NULL, NULL },
      };
      GType id = g_enum_register_static (g_intern_static_string ("RlTrainerState"), values);

      g_once_init_leave (&type_id, id);
    }
  return type_id;
}

/* ---- Messages and the job ------------------------------------------------------------------ */

typedef enum {
  MSG_PROGRESS,
  MSG_WEIGHTS,
} MsgKind;

typedef struct {
  MsgKind          kind;
  RlTrainProgress *progress;    /* MSG_PROGRESS */
  RlModelSnapshot *weights;     /* MSG_WEIGHTS */
} Msg;

static void
msg_free (gpointer data)
{
  Msg *msg = data;

  g_clear_pointer (&msg->progress, rl_train_progress_unref);
  g_clear_pointer (&msg->weights, rl_model_snapshot_unref);
  g_free (msg);
}

typedef struct {
  /* Set by the main thread before the worker starts, read-only afterwards. */
  RlDataset     *train;         /* owned references */
  RlDataset     *test;          /* nullable */
  RlTrainConfig  config;
  RlModel       *model;         /* the copy being trained; the worker's alone once it runs */
  RlTrainerStepFunc step_hook;  /* for tests, nullable: rl_trainer_set_step_hook */
  gpointer       step_hook_data;

  /* Shared, under the worker's lock: hyperparameters changed while running, for the worker
   * to take at its next batch; NaN when there is nothing new. */
  float          pending_lr;
  float          pending_momentum;

  gint           batches_done;  /* atomic; fits: 1000 epochs x 60,000 images < 2^31 */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  rl_dataset_unref (job->train);
  g_clear_pointer (&job->test, rl_dataset_unref);
  g_clear_pointer (&job->model, rl_model_free);
  g_free (job);
}

/* ---- The trainer object --------------------------------------------------------------------- */

struct _RlTrainer {
  RlRunner parent_instance;

  RlTrainerState   state;            /* the runner's running, paused and stopping, as one */

  RlTrainConfig    config;           /* of the current or last run */
  gboolean         have_config;
  RlModelSnapshot *latest_weights;   /* owned, nullable */
  RlTrainProgress *latest_progress;  /* owned, nullable */
  RlTrainerStepFunc step_hook;       /* for tests, handed to each run's job */
  gpointer         step_hook_data;
};

G_DEFINE_FINAL_TYPE (RlTrainer, rl_trainer, RL_TYPE_RUNNER)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_WEIGHTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* RlRunnerClass.state_changed: "state" follows the runner's properties. */
static void
state_changed (RlRunner *runner)
{
  RlTrainer *self = RL_TRAINER (runner);
  RlTrainerState state;

  if (!rl_runner_is_running (runner))
    state = RL_TRAINER_IDLE;
  else if (rl_runner_is_stopping (runner))
    state = RL_TRAINER_STOPPING;
  else if (rl_runner_is_paused (runner))
    state = RL_TRAINER_PAUSED;
  else
    state = RL_TRAINER_RUNNING;
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* ---- Delivery (main thread) ------------------------------------------------------------------ */

static void
deliver (GObject *owner, gpointer message)
{
  RlTrainer *self = RL_TRAINER (owner);
  Msg *msg = message;

  switch (msg->kind)
    {
    case MSG_PROGRESS:
      g_clear_pointer (&self->latest_progress, rl_train_progress_unref);
      self->latest_progress = rl_train_progress_ref (msg->progress);
      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, msg->progress);
      break;

    case MSG_WEIGHTS:
      g_clear_pointer (&self->latest_weights, rl_model_snapshot_unref);
      self->latest_weights = rl_model_snapshot_ref (msg->weights);
      g_signal_emit (self, signals[SIGNAL_WEIGHTS], 0, msg->weights);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---- The worker ------------------------------------------------------------------------------ */

/* The worker thread's own state for one run. */
typedef struct {
  RlWorker     *worker;
  Job          *job;
  RlTrainLoop  *loop;

  GArray       *points;      /* of RlLossPoint: batches since the last progress snapshot */
  int           acc_correct[RL_TRAIN_ACC_WINDOW];
  int           acc_n[RL_TRAIN_ACC_WINDOW];

  /* where training is */
  int           epoch;       /* 1-based */
  int           batch;       /* in the epoch */
  int           n_batches;
  guint64       batches_done;
  guint64       images_seen;
  guint64       images_total;
  guint         heldout_n;
  float         loss;
  double        ema;         /* uncorrected EMA of the loss */
  double        ema_decay;   /* from the run's length (LOSS_WINDOW_*) */
  double        ema_decay_pow;   /* ema_decay ^ batches_done, for the bias correction */
  guint         acc_pos;
  long          acc_sum_correct;
  long          acc_sum_n;
  float         lr;
  float         momentum;

  /* timing, in monotonic microseconds */
  gint64        t_start;
  gint64        paused_us;
  gint64        last_progress;
  gint64        last_weights;
} Run;

/* Builds a progress snapshot from where training is, taking the pending loss points. */
static void
post_progress (Run *r, const RlTrainStatus *st, gboolean is_last)
{
  RlTrainProgress *p = rl_train_progress_new (r->points->len);
  Msg *msg;
  double active_s = (g_get_monotonic_time () - r->t_start - r->paused_us) / 1e6;

  p->epoch = r->epoch;
  p->n_epochs = r->job->config.epochs;
  p->batch = r->batch;
  p->n_batches = r->n_batches;
  p->batches_done = r->batches_done;
  p->images_seen = r->images_seen;
  p->images_total = r->images_total;
  if (r->batches_done > 0)
    {
      p->loss = r->loss;
      p->loss_smoothed = (float) (r->ema / (1.0 - r->ema_decay_pow));
      p->train_acc_running = r->acc_sum_n > 0 ? (float) r->acc_sum_correct / r->acc_sum_n : NAN;
      if (active_s > 0.0)
        {
          p->images_per_s = r->images_seen / active_s;
          p->seconds_left = (r->images_total - r->images_seen) / p->images_per_s;
        }
    }
  if (st != NULL && st->heldout_correct >= 0 && st->heldout_n > 0)
    {
      p->heldout_acc = (float) st->heldout_correct / st->heldout_n;
      p->heldout_n = st->heldout_n;
    }
  if (st != NULL && st->test_correct >= 0 && st->test_n > 0)
    {
      p->epoch_test_correct = st->test_correct;
      p->epoch_test_n = st->test_n;
      p->epoch_test_acc = (float) st->test_correct / st->test_n;
    }
  p->lr = r->lr;
  p->momentum = r->momentum;
  p->is_last = is_last;
  if (r->points->len > 0)
    memcpy (rl_train_progress_get_points_writable (p), r->points->data,
            r->points->len * sizeof (RlLossPoint));
  g_array_set_size (r->points, 0);

  r->last_progress = g_get_monotonic_time ();
  msg = g_new0 (Msg, 1);
  msg->kind = MSG_PROGRESS;
  msg->progress = p;
  rl_worker_post (r->worker, msg);
}

static void
post_weights (Run *r)
{
  RlModel *copy = rl_model_copy (r->job->model);
  Msg *msg;

  /* The main thread predicts one image at a time: no thread team for that. */
  rl_model_set_threads (copy, 1);
  r->last_weights = g_get_monotonic_time ();
  msg = g_new0 (Msg, 1);
  msg->kind = MSG_WEIGHTS;
  msg->weights = rl_model_snapshot_new (copy, r->images_seen, r->epoch);
  rl_worker_post (r->worker, msg);
}

/* Hook: the batch boundary. Waits while paused (after showing everything up to the pause),
 * then takes new hyperparameters. FALSE when the run is cancelled. */
static gboolean
before_batch (RlTrainLoop *loop, gpointer data)
{
  Run *r = data;
  Job *job = r->job;
  RlSgd *sgd = rl_train_loop_get_sgd (loop);
  gboolean cancelled = FALSE;

  if (rl_worker_pause_requested (r->worker))
    {
      if (r->points->len > 0)
        post_progress (r, NULL, FALSE);
      r->paused_us += rl_worker_wait_while_paused (r->worker, &cancelled);
    }
  if (cancelled || rl_worker_is_cancelled (r->worker))
    return FALSE;

  rl_worker_lock (r->worker);
  if (!isnan (job->pending_lr))
    {
      r->lr = job->pending_lr;
      rl_sgd_set_lr (sgd, r->lr);
      job->pending_lr = NAN;
    }
  if (!isnan (job->pending_momentum))
    {
      r->momentum = job->pending_momentum;
      rl_sgd_set_momentum (sgd, r->momentum);
      job->pending_momentum = NAN;
    }
  rl_worker_unlock (r->worker);
  return TRUE;
}

/* Hook: the middle of a step, the gradients computed; only a test's step hook is there. */
static void
after_backward (RlTrainLoop *loop, gpointer data)
{
  Run *r = data;

  if (r->job->step_hook != NULL)
    r->job->step_hook (r->batches_done + 1, r->job->step_hook_data);
}

/* Hook: a batch is done (and the evaluations it was due). */
static void
after_batch (RlTrainLoop *loop, const RlTrainStatus *st, gpointer data)
{
  Run *r = data;
  RlLossPoint point;
  gint64 now;

  /* A diverged batch is not shown: the last snapshot keeps the last finite state, and the
   * error says where it broke. */
  if (st->diverged)
    return;

  r->epoch = st->epoch;
  r->batch = st->batch;
  r->loss = st->loss;
  r->batches_done = st->step;
  r->images_seen = st->images_seen;
  g_atomic_int_set (&r->job->batches_done, (gint) r->batches_done);
  r->ema = r->ema_decay * r->ema + (1.0 - r->ema_decay) * r->loss;
  r->ema_decay_pow *= r->ema_decay;
  r->acc_sum_correct += st->hits - r->acc_correct[r->acc_pos];
  r->acc_sum_n += st->n - r->acc_n[r->acc_pos];
  r->acc_correct[r->acc_pos] = st->hits;
  r->acc_n[r->acc_pos] = st->n;
  r->acc_pos = (r->acc_pos + 1) % RL_TRAIN_ACC_WINDOW;
  point.images_seen = r->images_seen;
  point.loss = r->loss;
  g_array_append_val (r->points, point);

  now = g_get_monotonic_time ();
  if (st->heldout_correct >= 0 || st->test_correct >= 0 ||
      now - r->last_progress >= PROGRESS_INTERVAL_US)
    post_progress (r, st, FALSE);
  if (now - r->last_weights >= WEIGHTS_INTERVAL_US)
    post_weights (r);
}

static gboolean
run (RlWorker *worker, gpointer data, GError **error)
{
  static const RlTrainHooks hooks = {
    .before_batch = before_batch,
    .after_backward = after_backward,
    .after_batch = after_batch,
  };
  Job *job = data;
  const RlTrainConfig *cfg = &job->config;
  Run r = { 0 };
  gboolean completed;

  r.worker = worker;
  r.job = job;
  r.lr = cfg->lr;
  r.momentum = cfg->momentum;
  r.loop = rl_train_loop_new (job->model, job->train, job->test, &(RlTrainLoopConfig) {
                                .epochs = cfg->epochs,
                                .batch = cfg->batch,
                                .lr = cfg->lr,
                                .momentum = cfg->momentum,
                                .weight_decay = cfg->weight_decay,
                                .seed = cfg->seed,
                                .eval_every = cfg->eval_every,
                                .heldout_n = cfg->eval_subset,
                                .eval_epochs = TRUE,
                              }, error);
  if (r.loop == NULL)
    return FALSE;
  r.n_batches = (int) ((job->train->n + (guint) cfg->batch - 1) / (guint) cfg->batch);
  r.images_total = (guint64) cfg->epochs * job->train->n;
  r.points = g_array_sized_new (FALSE, FALSE, sizeof (RlLossPoint), 256);
  r.ema_decay = 1.0 - 1.0 / CLAMP ((double) cfg->epochs * r.n_batches / LOSS_WINDOW_FRACTION,
                                   LOSS_WINDOW_MIN, LOSS_WINDOW_MAX);
  r.ema_decay_pow = 1.0;
  r.epoch = 1;
  r.t_start = g_get_monotonic_time ();

  post_weights (&r);   /* the initial weights, epoch 0 in spirit */
  completed = rl_train_loop_run (r.loop, 0, &hooks, &r, rl_worker_get_cancellable (worker),
                                 error);

  /* The last snapshot: whatever batches are pending, marked as the end of the run. */
  post_progress (&r, NULL, TRUE);
  post_weights (&r);

  rl_train_loop_free (r.loop);
  g_array_unref (r.points);
  return completed;
}

static const RlWorkerFuncs worker_funcs = {
  .name = "reslab-train",
  .run = run,
  .deliver = deliver,
  .finished = rl_runner_finish,
  .free_message = msg_free,
  .free_data = job_free,
};

/* ---- Public API ------------------------------------------------------------------------------ */

RlTrainer *
rl_trainer_new (void)
{
  return g_object_new (RL_TYPE_TRAINER, NULL);
}

gboolean
rl_trainer_start (RlTrainer           *self,
                  const RlModel       *initial,
                  RlDataset           *train,
                  RlDataset           *test,
                  const RlTrainConfig *config,
                  GError             **error)
{
  g_autoptr (RlTrainLoop) check = NULL;
  g_autoptr (RlModel) model = NULL;
  Job *job;

  g_return_val_if_fail (RL_IS_TRAINER (self), FALSE);
  g_return_val_if_fail (initial != NULL, FALSE);
  g_return_val_if_fail (train != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!rl_runner_check_idle (RL_RUNNER (self), error))
    return FALSE;
  if (!rl_train_config_validate (config, error))
    return FALSE;
  if (config->dataset != train->kind)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("The configuration says %s, the training set is %s"),
                   rl_dataset_kind_name (config->dataset), rl_dataset_kind_name (train->kind));
      return FALSE;
    }
  /* The loop checks the datasets against the model (shapes, classes, an empty set); asked
   * here, so a bad start fails synchronously rather than as a "finished" with an error. */
  model = rl_model_copy (initial);
  check = rl_train_loop_new (model, train, test, &(RlTrainLoopConfig) {
                               .epochs = config->epochs,
                               .batch = config->batch,
                               .lr = config->lr,
                               .momentum = config->momentum,
                               .weight_decay = config->weight_decay,
                               .seed = config->seed,
                             }, error);
  if (check == NULL)
    return FALSE;
  g_clear_pointer (&check, rl_train_loop_free);

  job = g_new0 (Job, 1);
  job->pending_lr = NAN;
  job->pending_momentum = NAN;
  job->train = rl_dataset_ref (train);
  job->test = test != NULL ? rl_dataset_ref (test) : NULL;
  job->config = *config;
  job->model = g_steal_pointer (&model);
  rl_model_set_threads (job->model, config->threads);
  job->step_hook = self->step_hook;
  job->step_hook_data = self->step_hook_data;

  self->config = *config;
  self->have_config = TRUE;
  g_clear_pointer (&self->latest_progress, rl_train_progress_unref);
  return rl_runner_start_worker (RL_RUNNER (self), &worker_funcs, job, error);
}

/* Hands a new learning rate or momentum (NaN: unchanged) to the run, which takes them at its
 * next batch. Returns FALSE when there is no run. */
static gboolean
hand_over (RlTrainer *self,
           float      lr,
           float      momentum)
{
  RlWorker *worker = rl_runner_get_worker (RL_RUNNER (self));
  Job *job;

  if (worker == NULL)
    return FALSE;
  job = rl_worker_get_data (worker);
  rl_worker_lock (worker);
  if (!isnan (lr))
    job->pending_lr = lr;
  if (!isnan (momentum))
    job->pending_momentum = momentum;
  rl_worker_unlock (worker);
  return TRUE;
}

void
rl_trainer_set_lr (RlTrainer *self, float lr)
{
  g_return_if_fail (RL_IS_TRAINER (self));
  g_return_if_fail (lr_valid (lr));

  if (hand_over (self, lr, NAN))
    self->config.lr = lr;
}

void
rl_trainer_set_momentum (RlTrainer *self, float momentum)
{
  g_return_if_fail (RL_IS_TRAINER (self));
  g_return_if_fail (momentum_valid (momentum));

  if (hand_over (self, NAN, momentum))
    self->config.momentum = momentum;
}

RlTrainerState
rl_trainer_get_state (RlTrainer *self)
{
  g_return_val_if_fail (RL_IS_TRAINER (self), RL_TRAINER_IDLE);
  return self->state;
}

const RlTrainConfig *
rl_trainer_get_config (RlTrainer *self)
{
  g_return_val_if_fail (RL_IS_TRAINER (self), NULL);
  return self->have_config ? &self->config : NULL;
}

RlModelSnapshot *
rl_trainer_get_latest_weights (RlTrainer *self)
{
  g_return_val_if_fail (RL_IS_TRAINER (self), NULL);
  return self->latest_weights;
}

RlTrainProgress *
rl_trainer_get_latest_progress (RlTrainer *self)
{
  g_return_val_if_fail (RL_IS_TRAINER (self), NULL);
  return self->latest_progress;
}

guint64
rl_trainer_get_batches_done (RlTrainer *self)
{
  Job *job;

  g_return_val_if_fail (RL_IS_TRAINER (self), 0);

  if ((job = rl_runner_get_job (RL_RUNNER (self))) != NULL)
    return (guint64) g_atomic_int_get (&job->batches_done);
  return self->latest_progress != NULL ? self->latest_progress->batches_done : 0;
}

void
rl_trainer_set_step_hook (RlTrainer         *self,
                          RlTrainerStepFunc  func,
                          gpointer           user_data)
{
  g_return_if_fail (RL_IS_TRAINER (self));

  self->step_hook = func;
  self->step_hook_data = user_data;
}

/* ---- GObject ----------------------------------------------------------------------------------- */

static void
rl_trainer_dispose (GObject *object)
{
  RlTrainer *self = RL_TRAINER (object);

  g_clear_pointer (&self->latest_weights, rl_model_snapshot_unref);
  g_clear_pointer (&self->latest_progress, rl_train_progress_unref);

  G_OBJECT_CLASS (rl_trainer_parent_class)->dispose (object);
}

static void
rl_trainer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RlTrainer *self = RL_TRAINER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_trainer_class_init (RlTrainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  RlRunnerClass *runner_class = RL_RUNNER_CLASS (klass);

  object_class->dispose = rl_trainer_dispose;
  object_class->get_property = rl_trainer_get_property;
  runner_class->busy_message = N_("Training is already in progress");
  runner_class->state_changed = state_changed;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, RL_TYPE_TRAINER_STATE, RL_TRAINER_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The boxed arguments are refcounted snapshots; static scope skips a ref/unref pair per
   * emission (handlers that keep one take their own reference). */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1,
                  RL_TYPE_TRAIN_PROGRESS | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_WEIGHTS] =
    g_signal_new ("weights", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1,
                  RL_TYPE_MODEL_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
rl_trainer_init (RlTrainer *self)
{
  self->state = RL_TRAINER_IDLE;
}
