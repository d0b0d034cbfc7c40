#define G_LOG_DOMAIN "reslab-control"

/* rl-trainer.c: see rl-trainer.h.
 *
 * Ownership and threads
 * ---------------------
 * A run is a Job: a refcounted block shared by the trainer (main thread), the worker thread and
 * every message in flight. It holds what the worker trains with (its own model copy, the
 * optimiser, references to the datasets), the control flags the main thread sets (pause,
 * pending learning rate and momentum, under job->mutex; cancellation through a GCancellable),
 * and an outbox of messages (progress, weights, finished).
 *
 * The worker appends messages to the outbox and, when the outbox was empty, schedules one
 * drain on the trainer's main context with g_main_context_invoke_full(); the drain takes the
 * whole outbox under the mutex and delivers it in order. One queue (rather than one idle source
 * per message) keeps the order explicit and lets messages that pile up while the main loop is
 * busy go out in one dispatch.
 *
 * The trainer is reached from a drain only through a GWeakRef in the job, and a message is
 * delivered only if trainer->job is still that job: nothing reaches a disposed trainer, nor a
 * trainer that has moved on to another run. The worker never touches the trainer.
 *
 * Joining: the worker's last act is to post "finished"; the drain that delivers it joins the
 * thread (which is then returning, so the join is a hand-off) before emitting the signal. A
 * trainer disposed while running cancels the job and hands the GThread to a process-wide list
 * instead of joining it (rl_trainer_join_abandoned_workers() joins those at shutdown); the
 * worker finishes its batch, finds the job cancelled and ends, dropping its job reference.
 */

#include "rl-trainer.h"

#include <errno.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-sgd.h"

/* At most ~15 progress snapshots per second: each redraws the two charts and the progress
 * labels, in software, on the cores training uses. Measured under Xvfb on 2 cores (a 3-epoch
 * run in the Train view, launch to saved model, three runs each): 8.5-9.1 s at 30 a second,
 * 7.0-7.4 s at 15, 7.0 s with the charts not drawn at all. */
#define PROGRESS_INTERVAL_US   (66 * 1000)
#define WEIGHTS_INTERVAL_US    (250 * 1000)   /* at most ~4 weight copies per second */
#define LOSS_EMA               0.98
#define EVAL_CHUNK_MIN         256            /* images per forward pass when evaluating */

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
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, "Unknown dataset %d",
                   (int) config->dataset);
      return FALSE;
    }
  if (config->epochs < 1 || config->epochs > 1000)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   "Epochs must be between 1 and 1000, not %d", config->epochs);
      return FALSE;
    }
  if (!lr_valid (config->lr))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   "The learning rate must be greater than 0 and at most 100, not %g",
                   (double) config->lr);
      return FALSE;
    }
  if (!momentum_valid (config->momentum))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   "Momentum must be at least 0 and less than 1, not %g",
                   (double) config->momentum);
      return FALSE;
    }
  if (config->batch < 1 || config->batch > 4096)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   "The batch size must be between 1 and 4096, not %d", config->batch);
      return FALSE;
    }
  if (config->threads > 1024)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                   "At most 1024 threads, not %d", config->threads);
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
  MSG_FINISHED,
} MsgKind;

typedef struct {
  MsgKind          kind;
  RlTrainProgress *progress;    /* MSG_PROGRESS */
  RlModelSnapshot *weights;     /* MSG_WEIGHTS */
  gboolean         completed;   /* MSG_FINISHED */
  GError          *error;       /* MSG_FINISHED, nullable */
} Msg;

static Msg *
msg_new (MsgKind kind)
{
  Msg *msg = g_new0 (Msg, 1);

  msg->kind = kind;
  return msg;
}

static void
msg_free (Msg *msg)
{
  g_clear_pointer (&msg->progress, rl_train_progress_unref);
  g_clear_pointer (&msg->weights, rl_model_snapshot_unref);
  g_clear_error (&msg->error);
  g_free (msg);
}

typedef struct {
  gint           ref_count;

  /* Set by the main thread before the worker starts, read-only afterwards. */
  GWeakRef       trainer;       /* the owner, for the drain; NULL once it is gone */
  GMainContext  *context;       /* where messages are delivered */
  GCancellable  *cancellable;
  RlDataset     *train;         /* owned references */
  RlDataset     *test;          /* nullable */
  RlTrainConfig  config;

  /* The worker's alone once it runs. */
  RlModel       *model;         /* the copy being trained */

  /* Shared, under mutex. */
  GMutex         mutex;
  GCond          cond;
  gboolean       paused;
  gboolean       has_pending_lr;
  gboolean       has_pending_momentum;
  float          pending_lr;
  float          pending_momentum;
  GQueue         outbox;        /* of Msg* */
  gboolean       drain_scheduled;

  gint           batches_done;  /* atomic; fits: 1000 epochs x 60,000 images < 2^31 */
} Job;

static Job *
job_ref (Job *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
job_unref (gpointer data)
{
  Job *job = data;

  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;

  g_weak_ref_clear (&job->trainer);
  g_main_context_unref (job->context);
  g_object_unref (job->cancellable);
  rl_dataset_unref (job->train);
  g_clear_pointer (&job->test, rl_dataset_unref);
  g_clear_pointer (&job->model, rl_model_free);
  g_queue_clear_full (&job->outbox, (GDestroyNotify) msg_free);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

/* ---- The trainer object --------------------------------------------------------------------- */

struct _RlTrainer {
  GObject parent_instance;

  GMainContext    *context;          /* owned: the thread-default context at construction */
  RlTrainerState   state;

  /* the current run (NULL when idle) */
  Job             *job;              /* owned reference */
  GThread         *thread;           /* owned, joined when "finished" is delivered */

  RlTrainConfig    config;           /* of the current or last run */
  gboolean         have_config;
  RlModelSnapshot *latest_weights;   /* owned, nullable */
  RlTrainProgress *latest_progress;  /* owned, nullable */
};

G_DEFINE_FINAL_TYPE (RlTrainer, rl_trainer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_WEIGHTS,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Workers of trainers finalized while running; see rl_trainer_join_abandoned_workers(). */
G_LOCK_DEFINE_STATIC (abandoned);
static GPtrArray *abandoned_threads;

static void
set_state (RlTrainer *self, RlTrainerState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* ---- Delivery (main thread) ------------------------------------------------------------------ */

static void
deliver (RlTrainer *self, Job *job, Msg *msg)
{
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

    case MSG_FINISHED:
      /* The worker posts this as its last act and then returns: the join is a hand-off. */
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->job, job_unref);
      set_state (self, RL_TRAINER_IDLE);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, msg->completed, msg->error);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
drain_cb (gpointer data)
{
  Job *job = data;
  RlTrainer *self;
  GQueue batch = G_QUEUE_INIT;
  Msg *msg;

  g_mutex_lock (&job->mutex);
  batch = job->outbox;
  g_queue_init (&job->outbox);
  job->drain_scheduled = FALSE;
  g_mutex_unlock (&job->mutex);

  /* A strong reference for the duration: a handler may drop the last one of its own. */
  self = g_weak_ref_get (&job->trainer);
  while ((msg = g_queue_pop_head (&batch)) != NULL)
    {
      /* The trainer may be gone, or a handler may have disposed it. */
      if (self != NULL && self->job == job)
        deliver (self, job, msg);
      msg_free (msg);
    }
  g_clear_object (&self);

  return G_SOURCE_REMOVE;
}

/* ---- The worker ------------------------------------------------------------------------------ */

typedef struct {
  Job          *job;
  RlSgd        *sgd;
  RlBatchIter   iter;

  /* buffers, allocated once per run */
  float        *x;           /* (max (batch, eval_chunk), C, H, W) */
  uint8_t      *labels;      /* (max (batch, eval_chunk)) */
  float        *logits;      /* (eval_chunk, P) */
  uint32_t     *indices;     /* (eval_chunk) */
  int           eval_chunk;
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
  double        ema_decay_pow;   /* LOSS_EMA ^ batches_done, for the bias correction */
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
} Worker;

static void
post (Job *job, Msg *msg)
{
  gboolean schedule;

  g_mutex_lock (&job->mutex);
  g_queue_push_tail (&job->outbox, msg);
  schedule = !job->drain_scheduled;
  job->drain_scheduled = TRUE;
  g_mutex_unlock (&job->mutex);

  if (schedule)
    g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, drain_cb, job_ref (job),
                                job_unref);
}

static gboolean
cancelled (Worker *w)
{
  return g_cancellable_is_cancelled (w->job->cancellable);
}

/* Builds a progress snapshot from where training is, taking the pending loss points. */
static void
post_progress (Worker *w, int heldout_correct, int test_correct, int test_n, gboolean is_last)
{
  RlTrainProgress *p = rl_train_progress_new (w->points->len);
  Msg *msg;
  double active_s = (g_get_monotonic_time () - w->t_start - w->paused_us) / 1e6;

  p->epoch = w->epoch;
  p->n_epochs = w->job->config.epochs;
  p->batch = w->batch;
  p->n_batches = w->n_batches;
  p->batches_done = w->batches_done;
  p->images_seen = w->images_seen;
  p->images_total = w->images_total;
  if (w->batches_done > 0)
    {
      p->loss = w->loss;
      p->loss_smoothed = (float) (w->ema / (1.0 - w->ema_decay_pow));
      p->train_acc_running = w->acc_sum_n > 0 ? (float) w->acc_sum_correct / w->acc_sum_n : NAN;
      if (active_s > 0.0)
        {
          p->images_per_s = w->images_seen / active_s;
          p->seconds_left = (w->images_total - w->images_seen) / p->images_per_s;
        }
    }
  if (heldout_correct >= 0 && w->heldout_n > 0)
    {
      p->heldout_acc = (float) heldout_correct / w->heldout_n;
      p->heldout_n = w->heldout_n;
    }
  if (test_correct >= 0 && test_n > 0)
    {
      p->epoch_test_correct = test_correct;
      p->epoch_test_n = test_n;
      p->epoch_test_acc = (float) test_correct / test_n;
    }
  p->lr = w->lr;
  p->momentum = w->momentum;
  p->is_last = is_last;
  if (w->points->len > 0)
    memcpy (rl_train_progress_get_points_writable (p), w->points->data,
            w->points->len * sizeof (RlLossPoint));
  g_array_set_size (w->points, 0);

  w->last_progress = g_get_monotonic_time ();
  msg = msg_new (MSG_PROGRESS);
  msg->progress = p;
  post (w->job, msg);
}

static void
post_weights (Worker *w)
{
  RlModel *copy = rl_model_copy (w->job->model);
  RlModelSnapshot *snapshot;
  Msg *msg;

  /* The main thread predicts one image at a time: no thread team for that. */
  rl_model_set_threads (copy, 1);
  snapshot = rl_model_snapshot_new (copy, w->images_seen, w->epoch);
  w->last_weights = g_get_monotonic_time ();
  msg = msg_new (MSG_WEIGHTS);
  msg->weights = snapshot;
  post (w->job, msg);
}

/* Counts argmax hits on the first @n images of @ds, and among the first @n_head of them.
 * Returns FALSE when cancelled part-way (checked every chunk). */
static gboolean
evaluate (Worker *w, const RlDataset *ds, guint n, guint n_head, int *correct, int *correct_head)
{
  int classes = rl_model_get_n_classes (w->job->model);

  *correct = 0;
  *correct_head = 0;
  for (guint start = 0; start < n; start += w->eval_chunk)
    {
      int k = (int) MIN ((guint) w->eval_chunk, n - start);

      if (cancelled (w))
        return FALSE;
      for (int i = 0; i < k; i++)
        w->indices[i] = start + i;
      rl_dataset_get_batch (ds, w->indices, k, w->x, w->labels);
      rl_model_predict (w->job->model, w->x, k, w->logits);
      for (int i = 0; i < k; i++)
        {
          const float *row = w->logits + (size_t) i * classes;
          int best = 0;

          for (int c = 1; c < classes; c++)
            if (row[c] > row[best])
              best = c;
          if (best == w->labels[i])
            {
              (*correct)++;
              if (start + i < n_head)
                (*correct_head)++;
            }
        }
    }
  return TRUE;
}

/* The batch boundary: takes new hyperparameters, and waits while paused. Returns FALSE when
 * the run is cancelled. */
static gboolean
checkpoint (Worker *w)
{
  Job *job = w->job;
  gboolean paused;

  if (cancelled (w))
    return FALSE;

  g_mutex_lock (&job->mutex);
  paused = job->paused;
  g_mutex_unlock (&job->mutex);

  if (paused)
    {
      gint64 t0 = g_get_monotonic_time ();

      /* Show everything up to the pause before going quiet. */
      if (w->points->len > 0)
        post_progress (w, -1, -1, 0, FALSE);

      g_mutex_lock (&job->mutex);
      /* rl_trainer_stop() cancels, then broadcasts under the mutex: no lost wake-up. */
      while (job->paused && !g_cancellable_is_cancelled (job->cancellable))
        g_cond_wait (&job->cond, &job->mutex);
      g_mutex_unlock (&job->mutex);
      w->paused_us += g_get_monotonic_time () - t0;

      if (cancelled (w))
        return FALSE;
    }

  g_mutex_lock (&job->mutex);
  if (job->has_pending_lr)
    {
      w->lr = job->pending_lr;
      rl_sgd_set_lr (w->sgd, w->lr);
      job->has_pending_lr = FALSE;
    }
  if (job->has_pending_momentum)
    {
      w->momentum = job->pending_momentum;
      rl_sgd_set_momentum (w->sgd, w->momentum);
      job->has_pending_momentum = FALSE;
    }
  g_mutex_unlock (&job->mutex);

  return TRUE;
}

/* Training uses every core; the UI must still get one the moment it needs it. On Linux the nice
 * value is per thread and inherited by the threads this one creates (the model's pool is
 * created lazily by the first step, on this thread), so the whole training team yields to the
 * main loop and the X server instead of competing with them as equals. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);
  if (setpriority (PRIO_PROCESS, (id_t) tid, 10) != 0)
    g_debug ("could not lower the training thread's priority: %s", g_strerror (errno));
#endif
}

static gpointer
worker_main (gpointer data)
{
  Job *job = data;
  const RlTrainConfig *cfg = &job->config;
  GMainContext *own_context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  Worker w = { 0 };
  size_t image_size = (size_t) job->train->c * job->train->h * job->train->w;
  int buffer_n;
  gboolean completed = FALSE;
  Msg *finished;

  /* g_main_context_invoke_full() runs the function right here, on the calling thread, when the
   * target is this thread's default context and nobody owns it at that moment. With a
   * thread-default context of its own the worker always goes through an idle source. */
  g_main_context_push_thread_default (own_context);
  lower_thread_priority ();

  w.job = job;
  w.lr = cfg->lr;
  w.momentum = cfg->momentum;
  w.sgd = rl_sgd_new (job->model, cfg->lr, cfg->momentum, 0.0f);
  rl_batch_iter_init (&w.iter, job->train, cfg->batch, cfg->seed);
  w.n_batches = (int) ((job->train->n + (guint) cfg->batch - 1) / (guint) cfg->batch);
  w.images_total = (guint64) cfg->epochs * job->train->n;
  w.heldout_n = job->test != NULL ? MIN (cfg->eval_subset, job->test->n) : 0;
  w.eval_chunk = MAX (cfg->batch, EVAL_CHUNK_MIN);
  buffer_n = MAX (cfg->batch, w.eval_chunk);
  w.x = g_new (float, (size_t) buffer_n * image_size);
  w.labels = g_new (uint8_t, buffer_n);
  w.logits = g_new (float, (size_t) w.eval_chunk * rl_model_get_n_classes (job->model));
  w.indices = g_new (uint32_t, w.eval_chunk);
  w.points = g_array_sized_new (FALSE, FALSE, sizeof (RlLossPoint), 256);
  w.ema_decay_pow = 1.0;
  w.epoch = 1;
  w.t_start = g_get_monotonic_time ();

  post_weights (&w);   /* the initial weights, epoch 0 in spirit */

  for (int e = 0; e < cfg->epochs; e++)
    {
      w.epoch = e + 1;
      w.batch = 0;
      rl_batch_iter_start (&w.iter, e);

      for (;;)
        {
          int n, n_correct = 0, heldout_correct = -1, test_correct = -1, dummy;
          gboolean epoch_end, measured = FALSE;
          RlLossPoint point;
          float loss;
          gint64 now;

          if (!checkpoint (&w))
            goto out;
          n = rl_batch_iter_next (&w.iter, w.x, w.labels);
          if (n == 0)
            break;

          loss = rl_model_forward_backward (job->model, w.x, w.labels, n, &n_correct);
          if (!isfinite (loss))
            {
              /* Not stored: the last snapshot shows the last finite state, the error says
               * where it broke. */
              g_set_error (&error, RL_ERROR, RL_ERROR_FAILED,
                           "Training diverged: the loss became %s at epoch %d, batch %d; "
                           "try a lower learning rate (it was %g)",
                           isnan (loss) ? "NaN" : "infinite", w.epoch, w.batch + 1,
                           (double) w.lr);
              goto out;
            }
          rl_sgd_step (w.sgd, job->model);
          w.loss = loss;

          w.batch++;
          w.batches_done++;
          w.images_seen += (guint64) n;
          g_atomic_int_set (&job->batches_done, (gint) w.batches_done);
          w.ema = LOSS_EMA * w.ema + (1.0 - LOSS_EMA) * w.loss;
          w.ema_decay_pow *= LOSS_EMA;
          w.acc_sum_correct += n_correct - w.acc_correct[w.acc_pos];
          w.acc_sum_n += n - w.acc_n[w.acc_pos];
          w.acc_correct[w.acc_pos] = n_correct;
          w.acc_n[w.acc_pos] = n;
          w.acc_pos = (w.acc_pos + 1) % RL_TRAIN_ACC_WINDOW;
          point.images_seen = w.images_seen;
          point.loss = w.loss;
          g_array_append_val (w.points, point);

          epoch_end = w.iter.pos >= job->train->n;
          if (epoch_end && job->test != NULL)
            {
              /* The whole test set, which also gives the held-out subset (its first images). */
              if (!evaluate (&w, job->test, job->test->n, w.heldout_n, &test_correct,
                             &heldout_correct))
                goto out;
              measured = TRUE;
            }
          else if (cfg->eval_every > 0 && w.heldout_n > 0 &&
                   w.batches_done % cfg->eval_every == 0)
            {
              if (!evaluate (&w, job->test, w.heldout_n, w.heldout_n, &heldout_correct, &dummy))
                goto out;
              measured = TRUE;
            }

          now = g_get_monotonic_time ();
          if (measured || now - w.last_progress >= PROGRESS_INTERVAL_US)
            post_progress (&w, heldout_correct, test_correct, job->test ? (int) job->test->n : 0,
                           FALSE);
          if (now - w.last_weights >= WEIGHTS_INTERVAL_US)
            post_weights (&w);
        }
    }
  completed = TRUE;

out:
  /* The last snapshot: whatever batches are pending, marked as the end of the run. */
  post_progress (&w, -1, -1, 0, TRUE);
  post_weights (&w);

  rl_batch_iter_clear (&w.iter);
  rl_sgd_free (w.sgd);
  g_free (w.x);
  g_free (w.labels);
  g_free (w.logits);
  g_free (w.indices);
  g_array_unref (w.points);

  /* Last: once delivered, this message joins the thread. Posted while own_context is still
   * the thread default (see above), or the drain could run here and join its own thread. */
  finished = msg_new (MSG_FINISHED);
  finished->completed = completed;
  finished->error = g_steal_pointer (&error);
  post (job, finished);

  g_main_context_pop_thread_default (own_context);
  g_main_context_unref (own_context);
  job_unref (job);
  return NULL;
}

/* ---- Public API ------------------------------------------------------------------------------ */

RlTrainer *
rl_trainer_new (void)
{
  return g_object_new (RL_TYPE_TRAINER, NULL);
}

static gboolean
check_dataset (const RlModel *model, const RlDataset *ds, const char *what, GError **error)
{
  int c, h, w;

  rl_model_get_input_shape (model, &c, &h, &w);
  if (ds->c != (uint32_t) c || ds->h != (uint32_t) h || ds->w != (uint32_t) w)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   "The %s set holds %u x %u x %u images, the model takes %d x %d x %d",
                   what, ds->c, ds->h, ds->w, c, h, w);
      return FALSE;
    }
  if (ds->n_classes != (uint32_t) rl_model_get_n_classes (model))
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   "The %s set has %u classes, the model %d", what, ds->n_classes,
                   rl_model_get_n_classes (model));
      return FALSE;
    }
  return TRUE;
}

gboolean
rl_trainer_start (RlTrainer           *self,
                  const RlModel       *initial,
                  RlDataset           *train,
                  RlDataset           *test,
                  const RlTrainConfig *config,
                  GError             **error)
{
  Job *job;

  g_return_val_if_fail (RL_IS_TRAINER (self), FALSE);
  g_return_val_if_fail (initial != NULL, FALSE);
  g_return_val_if_fail (train != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != RL_TRAINER_IDLE)
    {
      g_set_error_literal (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                           "Training is already in progress");
      return FALSE;
    }
  if (!rl_train_config_validate (config, error))
    return FALSE;
  if (train->n == 0)
    {
      g_set_error_literal (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT,
                           "The training set is empty");
      return FALSE;
    }
  if (config->dataset != train->kind)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   "The configuration says %s, the training set is %s",
                   rl_dataset_kind_name (config->dataset), rl_dataset_kind_name (train->kind));
      return FALSE;
    }
  if (!check_dataset (initial, train, "training", error))
    return FALSE;
  if (test != NULL && !check_dataset (initial, test, "test", error))
    return FALSE;

  job = g_new0 (Job, 1);
  job->ref_count = 1;
  g_weak_ref_init (&job->trainer, self);
  job->context = g_main_context_ref (self->context);
  job->cancellable = g_cancellable_new ();
  job->train = rl_dataset_ref (train);
  job->test = test != NULL ? rl_dataset_ref (test) : NULL;
  job->config = *config;
  job->model = rl_model_copy (initial);
  rl_model_set_threads (job->model, config->threads);
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  g_queue_init (&job->outbox);

  self->job = job;
  self->config = *config;
  self->have_config = TRUE;
  g_clear_pointer (&self->latest_progress, rl_train_progress_unref);
  /* The worker holds its own reference; the trainer's goes when "finished" is delivered. */
  self->thread = g_thread_new ("reslab-train", worker_main, job_ref (job));
  set_state (self, RL_TRAINER_RUNNING);
  return TRUE;
}

void
rl_trainer_pause (RlTrainer *self)
{
  g_return_if_fail (RL_IS_TRAINER (self));

  if (self->state != RL_TRAINER_RUNNING)
    return;
  g_mutex_lock (&self->job->mutex);
  self->job->paused = TRUE;
  g_mutex_unlock (&self->job->mutex);
  set_state (self, RL_TRAINER_PAUSED);
}

void
rl_trainer_resume (RlTrainer *self)
{
  g_return_if_fail (RL_IS_TRAINER (self));

  if (self->state != RL_TRAINER_PAUSED)
    return;
  g_mutex_lock (&self->job->mutex);
  self->job->paused = FALSE;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->mutex);
  set_state (self, RL_TRAINER_RUNNING);
}

static void
cancel_job (Job *job)
{
  g_cancellable_cancel (job->cancellable);
  /* Wake a paused worker; under the mutex, so it cannot be between its check and its wait. */
  g_mutex_lock (&job->mutex);
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);
}

void
rl_trainer_stop (RlTrainer *self)
{
  g_return_if_fail (RL_IS_TRAINER (self));

  if (self->state != RL_TRAINER_RUNNING && self->state != RL_TRAINER_PAUSED)
    return;
  cancel_job (self->job);
  set_state (self, RL_TRAINER_STOPPING);
}

void
rl_trainer_set_lr (RlTrainer *self, float lr)
{
  g_return_if_fail (RL_IS_TRAINER (self));
  g_return_if_fail (lr_valid (lr));

  if (self->job == NULL)
    return;
  g_mutex_lock (&self->job->mutex);
  self->job->pending_lr = lr;
  self->job->has_pending_lr = TRUE;
  g_mutex_unlock (&self->job->mutex);
  self->config.lr = lr;
}

void
rl_trainer_set_momentum (RlTrainer *self, float momentum)
{
  g_return_if_fail (RL_IS_TRAINER (self));
  g_return_if_fail (momentum_valid (momentum));

  if (self->job == NULL)
    return;
  g_mutex_lock (&self->job->mutex);
  self->job->pending_momentum = momentum;
  self->job->has_pending_momentum = TRUE;
  g_mutex_unlock (&self->job->mutex);
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
  g_return_val_if_fail (RL_IS_TRAINER (self), 0);

  if (self->job != NULL)
    return (guint64) g_atomic_int_get (&self->job->batches_done);
  return self->latest_progress != NULL ? self->latest_progress->batches_done : 0;
}

guint
rl_trainer_join_abandoned_workers (void)
{
  GPtrArray *threads;
  guint n;

  G_LOCK (abandoned);
  threads = g_steal_pointer (&abandoned_threads);
  G_UNLOCK (abandoned);

  if (threads == NULL)
    return 0;
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  n = threads->len;
  g_ptr_array_unref (threads);
  return n;
}

/* ---- GObject ----------------------------------------------------------------------------------- */

static void
rl_trainer_dispose (GObject *object)
{
  RlTrainer *self = RL_TRAINER (object);

  if (self->job != NULL)
    {
      /* Running: cancel, and let the worker end on its own (it holds its own reference to the
       * job); its messages find no trainer and are dropped. */
      cancel_job (self->job);
      if (self->thread != NULL)
        {
          G_LOCK (abandoned);
          if (abandoned_threads == NULL)
            abandoned_threads = g_ptr_array_new ();
          g_ptr_array_add (abandoned_threads, g_steal_pointer (&self->thread));
          G_UNLOCK (abandoned);
        }
      g_clear_pointer (&self->job, job_unref);
    }
  g_clear_pointer (&self->latest_weights, rl_model_snapshot_unref);
  g_clear_pointer (&self->latest_progress, rl_train_progress_unref);

  G_OBJECT_CLASS (rl_trainer_parent_class)->dispose (object);
}

static void
rl_trainer_finalize (GObject *object)
{
  RlTrainer *self = RL_TRAINER (object);

  g_main_context_unref (self->context);

  G_OBJECT_CLASS (rl_trainer_parent_class)->finalize (object);
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

  object_class->dispose = rl_trainer_dispose;
  object_class->finalize = rl_trainer_finalize;
  object_class->get_property = rl_trainer_get_property;

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
  /* error: a GError (G_TYPE_ERROR, nullable); in C the handler's third argument is a
   * const GError *, the "gpointer error-or-NULL" of the design. */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2,
                  G_TYPE_BOOLEAN, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
rl_trainer_init (RlTrainer *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->state = RL_TRAINER_IDLE;
}
