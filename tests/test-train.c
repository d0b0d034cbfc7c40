/* test-train.c: the one training loop and the one evaluation (engine/rl-train.h), on the
 * committed MNIST fixture (tests/data/mnist-mini: 640 training and 100 test images). */

#include <float.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "rl-arch.h"
#include "rl-error.h"
#include "rl-finite.h"
#include "rl-train.h"

#include "mnist-test-utils.h"

static RlDataset *train_set;
static RlDataset *test_set;

static RlModel *
new_seed_model (uint64_t seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse ("seed", &error);
  RlModel *m;

  g_assert_no_error (error);
  m = rl_model_new_mnist (arch, &error);
  g_assert_no_error (error);
  rl_model_init_params (m, seed);
  rl_model_set_threads (m, 2);
  return m;
}

static RlTrainLoopConfig
seed_config (int epochs)
{
  return (RlTrainLoopConfig) {
    .epochs = epochs,
    .batch = 64,
    .lr = 0.01f,
    .momentum = 0.5f,
    .seed = 7,
  };
}

static gboolean
same_params (RlModel *a, RlModel *b)
{
  return rl_model_get_n_params (a) == rl_model_get_n_params (b) &&
         memcmp (rl_model_get_params_const (a), rl_model_get_params_const (b),
                 sizeof (float) * rl_model_get_n_params (a)) == 0;
}

/* rl_argmax takes the first maximum, as torch.max does. */
static void
test_argmax (void)
{
  const float v[] = { 0.5f, 2.0f, -1.0f, 2.0f };

  g_assert_cmpint (rl_argmax (v, 4), ==, 1);
  g_assert_cmpint (rl_argmax (v, 1), ==, 0);
}

/* rl_evaluate against a forward pass per image and a hand-made argmax; the confusion matrix
 * sums to n, its diagonal to the hits; the head counts are those of the first images. */
static void
test_evaluate (void)
{
  g_autoptr (RlModel) m = new_seed_model (3);
  g_autoptr (GError) error = NULL;
  uint32_t confusion[100] = { 0 };
  uint32_t sum = 0, diag = 0, expect = 0, expect_head = 0;
  RlEvalResult r;
  float x[784], logits[10];
  uint8_t label;

  /* Train a few batches so the predictions are not all one class. */
  {
    RlTrainLoopConfig cfg = seed_config (1);
    g_autoptr (RlTrainLoop) loop = rl_train_loop_new (m, train_set, NULL, &cfg, &error);

    g_assert_no_error (error);
    g_assert_true (rl_train_loop_run (loop, 0, NULL, NULL, NULL, &error));
  }

  for (uint32_t i = 0; i < 90; i++)
    {
      float best;
      int k = 0;

      rl_dataset_get_batch (test_set, &i, 1, x, &label);
      rl_model_predict (m, x, 1, logits);
      best = logits[0];
      for (int c = 1; c < 10; c++)
        if (logits[c] > best)
          best = logits[c], k = c;
      expect += k == label;
      if (i < 30)
        expect_head += k == label;
    }

  /* A chunk that does not divide 90, so the last chunk is short. */
  g_assert_true (rl_evaluate (m, test_set, 90, 30, 16, confusion, NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.n, ==, 90);
  g_assert_cmpuint (r.n_head, ==, 30);
  g_assert_cmpuint (r.correct, ==, expect);
  g_assert_cmpuint (r.correct_head, ==, expect_head);
  g_assert_cmpuint (r.correct, >, 10);   /* better than chance after one epoch */
  for (int i = 0; i < 100; i++)
    {
      sum += confusion[i];
      if (i / 10 == i % 10)
        diag += confusion[i];
    }
  g_assert_cmpuint (sum, ==, 90);
  g_assert_cmpuint (diag, ==, r.correct);
}

static void
test_evaluate_cancelled (void)
{
  g_autoptr (RlModel) m = new_seed_model (3);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  RlEvalResult r;

  g_cancellable_cancel (cancellable);
  g_assert_false (rl_evaluate (m, test_set, 100, 0, 0, NULL, cancellable, &r, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct {
  GArray  *status;       /* of RlTrainStatus */
  int      n_before;
  int      n_backward;
  uint64_t stop_at;      /* before_batch says stop before this step (0: never) */
  RlModel *last_good;    /* nullable: a copy of the weights after every step that was kept */
} Log;

static gboolean
log_before (RlTrainLoop *loop, gpointer data)
{
  Log *log = data;

  log->n_before++;
  return log->stop_at == 0 || rl_train_loop_get_step (loop) + 1 < log->stop_at;
}

static void
log_backward (RlTrainLoop *loop, gpointer data)
{
  ((Log *) data)->n_backward++;
}

static void
log_batch (RlTrainLoop *loop, const RlTrainStatus *st, gpointer data)
{
  RlTrainStatus copy = *st;

  copy.indices = NULL;
  g_array_append_val (((Log *) data)->status, copy);
  if (((Log *) data)->last_good != NULL && !st->diverged)
    rl_model_copy_params (((Log *) data)->last_good, rl_train_loop_get_model (loop));
}

static const RlTrainHooks log_hooks = { log_before, log_backward, log_batch };

/* Two epochs of 10 batches (640 images, the last batch whole): the status of every step, the
 * evaluations at the epoch ends and every 4 steps, the hooks called once per step. */
static void
test_loop_status (void)
{
  g_autoptr (RlModel) m = new_seed_model (1);
  g_autoptr (GError) error = NULL;
  RlTrainLoopConfig cfg = seed_config (2);
  g_autoptr (RlTrainLoop) loop = NULL;
  Log log = { g_array_new (FALSE, FALSE, sizeof (RlTrainStatus)) };

  cfg.eval_every = 4;
  cfg.heldout_n = 50;
  cfg.eval_epochs = TRUE;
  loop = rl_train_loop_new (m, train_set, test_set, &cfg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rl_train_loop_get_total_steps (loop), ==, 20);
  g_assert_true (rl_train_loop_run (loop, 0, &log_hooks, &log, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (rl_train_loop_is_done (loop));

  g_assert_cmpuint (log.status->len, ==, 20);
  g_assert_cmpint (log.n_before, ==, 20);
  g_assert_cmpint (log.n_backward, ==, 20);
  for (guint i = 0; i < 20; i++)
    {
      const RlTrainStatus *st = &g_array_index (log.status, RlTrainStatus, i);

      g_assert_cmpint (st->epoch, ==, (int) i / 10 + 1);
      g_assert_cmpint (st->batch, ==, (int) i % 10 + 1);
      g_assert_cmpuint (st->step, ==, i + 1);
      g_assert_cmpuint (st->images_seen, ==, 64 * (i + 1));
      g_assert_cmpint (st->n, ==, 64);
      g_assert_true (isfinite (st->loss));
      g_assert_cmpint (st->epoch_end, ==, i % 10 == 9);
      if (st->epoch_end)
        {
          /* The whole test set, with the held-out head from the same pass. */
          g_assert_cmpint (st->test_correct, >=, 0);
          g_assert_cmpuint (st->test_n, ==, 100);
          g_assert_cmpuint (st->heldout_n, ==, 50);
          g_assert_cmpint (st->heldout_correct, <=, st->test_correct);
        }
      else
        {
          g_assert_cmpint (st->test_correct, ==, -1);
          g_assert_cmpint (st->heldout_correct >= 0, ==, (i + 1) % 4 == 0);
        }
    }
  /* It learned something: the second epoch's accuracy is above chance. */
  g_assert_cmpint (g_array_index (log.status, RlTrainStatus, 19).test_correct, >, 30);
  g_array_unref (log.status);
}

/* A run in pieces (the experiment's intervals), or stopped by before_batch and resumed, ends
 * with the same bits as a run in one go. */
static void
test_loop_pieces (void)
{
  g_autoptr (RlModel) whole = new_seed_model (5);
  g_autoptr (RlModel) pieces = new_seed_model (5);
  g_autoptr (RlModel) stopped = new_seed_model (5);
  g_autoptr (GError) error = NULL;
  RlTrainLoopConfig cfg = seed_config (2);
  g_autoptr (RlTrainLoop) a = rl_train_loop_new (whole, train_set, NULL, &cfg, &error);
  g_autoptr (RlTrainLoop) b = rl_train_loop_new (pieces, train_set, NULL, &cfg, &error);
  g_autoptr (RlTrainLoop) c = rl_train_loop_new (stopped, train_set, NULL, &cfg, &error);
  Log log = { g_array_new (FALSE, FALSE, sizeof (RlTrainStatus)) };

  g_assert_no_error (error);
  g_assert_true (rl_train_loop_run (a, 0, NULL, NULL, NULL, &error));
  /* Pieces of 3 steps: one crosses the epoch boundary (steps 10 -> 11). */
  for (uint64_t until = 3; !rl_train_loop_is_done (b); until += 3)
    {
      g_assert_true (rl_train_loop_run (b, until, NULL, NULL, NULL, &error));
      g_assert_cmpuint (rl_train_loop_get_step (b), ==, MIN (until, 20));
    }
  g_assert_true (same_params (whole, pieces));

  log.stop_at = 12;
  g_assert_false (rl_train_loop_run (c, 0, &log_hooks, &log, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (rl_train_loop_get_step (c), ==, 11);
  g_assert_false (same_params (whole, stopped));
  log.stop_at = 0;
  g_assert_true (rl_train_loop_run (c, 0, &log_hooks, &log, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.status->len, ==, 20);   /* no step lost or repeated */
  g_assert_true (same_params (whole, stopped));
  g_array_unref (log.status);
}

static void
test_loop_cancelled (void)
{
  g_autoptr (RlModel) m = new_seed_model (5);
  g_autoptr (RlModel) before = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  RlTrainLoopConfig cfg = seed_config (1);
  g_autoptr (RlTrainLoop) loop = rl_train_loop_new (m, train_set, NULL, &cfg, &error);

  before = rl_model_copy (m);
  g_cancellable_cancel (cancellable);
  g_assert_false (rl_train_loop_run (loop, 0, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (rl_train_loop_get_step (loop), ==, 0);
  g_assert_true (same_params (before, m));
}

/* Runs the seed net at learning rate @lr until it diverges, and checks what the loop promises:
 * RL_ERROR_DIVERGED naming the batch (and the tensor when it was not the loss), after_batch
 * saw the bad batch, and the model holds the weights of the last step kept, all finite.
 * Returns the last status (the diverged batch). */
static RlTrainStatus
diverge (float lr, const RlTrainHooks *hooks, const char *expect)
{
  g_autoptr (RlModel) m = new_seed_model (5);
  g_autoptr (GError) error = NULL;
  RlTrainLoopConfig cfg = seed_config (1);
  g_autoptr (RlTrainLoop) loop = NULL;
  Log log = { g_array_new (FALSE, FALSE, sizeof (RlTrainStatus)) };
  RlTrainStatus last;
  g_autofree char *where = NULL;

  log.last_good = rl_model_copy (m);
  cfg.lr = lr;
  loop = rl_train_loop_new (m, train_set, NULL, &cfg, &error);
  g_assert_no_error (error);
  g_assert_false (rl_train_loop_run (loop, 0, hooks, &log, NULL, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_DIVERGED);
  g_test_message ("lr %g: %s", (double) lr, error->message);
  g_assert_true (rl_train_loop_is_done (loop));
  g_assert_cmpuint (log.status->len, >=, 1);
  last = g_array_index (log.status, RlTrainStatus, log.status->len - 1);
  g_assert_true (last.diverged);
  for (guint i = 0; i + 1 < log.status->len; i++)
    g_assert_false (g_array_index (log.status, RlTrainStatus, i).diverged);
  g_assert_cmpuint (rl_train_loop_get_diverged_at (loop), ==, last.step);
  where = g_strdup_printf ("epoch 1, batch %d", last.batch);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, expect));
  g_assert_nonnull (strstr (error->message, "learning rate"));
  /* Rolled back: the weights of the last step kept, bit for bit, and all finite. */
  g_assert_false (rl_model_find_nonfinite (m, FALSE, NULL));
  g_assert_true (same_params (m, log.last_good));
  g_array_unref (log.status);
  rl_model_free (log.last_good);
  return last;
}

/* A learning rate far too high for the loss: it becomes NaN or infinite within a few batches. */
static void
test_loop_diverges (void)
{
  RlTrainStatus last = diverge (1e4f, &log_hooks, "Training diverged");

  g_assert_cmpuint (last.step, <=, 10);
}

/* A backward that overflows while its forward does not: before step 3, conv1 made tiny (its
 * weights times 1e-30, no bias), conv2 and fc huge (times 1e20). The logits stay about 1e21,
 * but the gradient reaching conv2's input is about 1e20 * 1e20 summed: infinite. The loop names
 * the tensor whose gradient went non-finite. (A learning rate alone no longer does it: at lr 1000
 * the loss went NaN in the same batch once ReLU and max pooling kept NaNs, #16; the gradient
 * came first only while they dropped them.) */
static gboolean
overflow_gradient_before (RlTrainLoop *loop, gpointer data)
{
  RlModel *m = rl_train_loop_get_model (loop);
  static const struct {
    const char *tensor;
    float scale;
  } scaled[] = {
    { "conv1.weight", 1e-30f }, { "conv1.bias", 0.0f }, { "conv2.weight", 1e20f },
    { "fc.weight", 1e20f },
  };

  if (rl_train_loop_get_step (loop) == 2)
    {
      for (guint i = 0; i < G_N_ELEMENTS (scaled); i++)
        {
          const RlParamInfo *info = rl_model_lookup_tensor (m, scaled[i].tensor);
          float *p = rl_model_get_params (m) + info->offset;

          for (size_t j = 0; j < info->numel; j++)
            p[j] *= scaled[i].scale;
        }
      /* the weights the diverged step must leave */
      rl_model_copy_params (((Log *) data)->last_good, m);
    }
  return log_before (loop, data);
}

static void
test_loop_diverges_gradient (void)
{
  static const RlTrainHooks hooks = { overflow_gradient_before, log_backward, log_batch };
  RlTrainStatus last = diverge (0.01f, &hooks, "the gradient of ");

  g_assert_cmpuint (last.step, ==, 3);
  g_assert_true (isfinite (last.loss));
}

/* A step whose update overflows a weight to infinity while the loss and the gradients are
 * finite: made to happen at step 3 by an after_backward hook that puts the first weight at
 * FLT_MAX with a gradient pushing it further. */
static void
overflow_backward (RlTrainLoop *loop, gpointer data)
{
  RlModel *m = rl_train_loop_get_model (loop);

  log_backward (loop, data);
  if (rl_train_loop_get_step (loop) == 2)
    {
      rl_model_get_params (m)[0] = FLT_MAX;
      rl_model_get_grads (m)[0] = -FLT_MAX;
    }
}

/* #12: an SGD step can make a weight non-finite while the loss and the gradients it was taken
 * from are finite: the loop must catch it in the step that does it, name the tensor, and undo
 * the step. */
static void
test_loop_diverges_weights (void)
{
  static const RlTrainHooks hooks = { log_before, overflow_backward, log_batch };
  RlTrainStatus last = diverge (0.01f, &hooks, "the SGD step made conv1.weight NaN or infinite");

  g_assert_cmpuint (last.step, ==, 3);
  g_assert_true (isfinite (last.loss));
}

/* #12, #16: a weight made NaN before step 3 (as an overflow would) stops the run there, as a
 * NaN loss: the NaN goes through the ReLUs and max poolings (the fused conv -> relu -> maxpool,
 * the residual blocks' relu(F(x) + x)) to the loss, as in PyTorch, rather than being dropped
 * into a finite loss, and the step is not taken. */
typedef struct {
  Log log;
  const char *tensor;
} PoisonLog;

static gboolean
poison_before (RlTrainLoop *loop, gpointer data)
{
  PoisonLog *p = data;
  RlModel *m = rl_train_loop_get_model (loop);

  if (rl_train_loop_get_step (loop) == 2)
    rl_model_get_params (m)[rl_model_lookup_tensor (m, p->tensor)->offset] = NAN;
  return log_before (loop, &p->log);
}

static void
test_loop_diverges_nan_weight (void)
{
  static const RlTrainHooks hooks = { poison_before, log_backward, log_batch };
  static const char *const tensors[] = {
    "conv1.weight", "rblock1.conv2.weight", "conv2.bias", "rblock2.conv1.weight",
  };

  for (guint t = 0; t < G_N_ELEMENTS (tensors); t++)
    {
      g_autoptr (RlModel) m = new_seed_model (5);
      g_autoptr (GError) error = NULL;
      RlTrainLoopConfig cfg = seed_config (1);
      g_autoptr (RlTrainLoop) loop = NULL;
      PoisonLog p = { { g_array_new (FALSE, FALSE, sizeof (RlTrainStatus)) }, tensors[t] };
      RlTrainStatus last;

      loop = rl_train_loop_new (m, train_set, NULL, &cfg, &error);
      g_assert_no_error (error);
      g_assert_false (rl_train_loop_run (loop, 0, &hooks, &p, NULL, &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_DIVERGED);
      g_test_message ("NaN in %s: %s", tensors[t], error->message);
      g_assert_nonnull (strstr (error->message, "the loss became NaN at epoch 1, batch 3"));
      g_assert_cmpuint (rl_train_loop_get_diverged_at (loop), ==, 3);
      g_assert_cmpuint (p.log.status->len, ==, 3);
      last = g_array_index (p.log.status, RlTrainStatus, 2);
      g_assert_true (last.diverged);
      g_assert_true (isnan (last.loss));
      g_array_unref (p.log.status);
    }
}

static void
test_loop_bad_input (void)
{
  g_autoptr (RlModel) m = new_seed_model (5);
  g_autoptr (GError) error = NULL;
  const struct {
    const char *what;
    RlTrainLoopConfig cfg;
  } bad[] = {
    { "epochs 0", { .epochs = 0, .batch = 64, .lr = 0.01f } },
    { "batch 0", { .epochs = 1, .batch = 0, .lr = 0.01f } },
    { "lr 0", { .epochs = 1, .batch = 64, .lr = 0.0f } },
    { "lr inf", { .epochs = 1, .batch = 64, .lr = INFINITY } },
    { "lr NaN", { .epochs = 1, .batch = 64, .lr = NAN } },
    { "momentum 1", { .epochs = 1, .batch = 64, .lr = 0.01f, .momentum = 1.0f } },
    { "weight decay -1", { .epochs = 1, .batch = 64, .lr = 0.01f, .weight_decay = -1.0f } },
  };
  g_autoptr (GError) shape_error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse ("c=conv(4,k=3) relu gap fc=linear(3)", &shape_error);
  g_autoptr (RlModel) small = NULL;
  RlTrainLoopConfig ok = seed_config (1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (rl_train_loop_new (m, train_set, test_set, &bad[i].cfg, &error));
      g_assert_error (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s: %s", bad[i].what, error->message);
      g_clear_error (&error);
    }

  /* A model with 3 classes does not fit MNIST's 10. */
  g_assert_no_error (shape_error);
  small = rl_model_new (arch, 1, 28, 28, 3, &shape_error);
  g_assert_no_error (shape_error);
  g_assert_null (rl_train_loop_new (small, train_set, NULL, &ok, &error));
  g_assert_error (error, RL_ERROR, RL_ERROR_MISMATCH);
  g_clear_error (&error);

  /* #12: a batch whose activations pass the engine's bound is refused before anything is
   * allocated: 1,000 channels of 28 x 28 (0.8 M floats an image) at 6,000 images. */
  {
    g_autoptr (RlArch) wide = rl_arch_parse ("c=conv(1000,k=3,p=1) relu gap fc=linear(10)",
                                             &error);
    g_autoptr (RlModel) big = NULL;
    RlTrainLoopConfig huge = seed_config (1);

    g_assert_no_error (error);
    big = rl_model_new_mnist (wide, &error);
    g_assert_no_error (error);
    huge.batch = 6000;
    g_assert_null (rl_train_loop_new (big, train_set, NULL, &huge, &error));
    g_assert_error (error, RL_ERROR, RL_ERROR_TOO_LARGE);
    g_test_message ("batch 6000: %s", error->message);
  }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  train_set = mnist_test_load (RL_SPLIT_TRAIN);
  test_set = mnist_test_load (RL_SPLIT_TEST);

  g_test_add_func ("/engine/train/argmax", test_argmax);
  g_test_add_func ("/engine/train/evaluate", test_evaluate);
  g_test_add_func ("/engine/train/evaluate-cancelled", test_evaluate_cancelled);
  g_test_add_func ("/engine/train/loop-status", test_loop_status);
  g_test_add_func ("/engine/train/loop-pieces", test_loop_pieces);
  g_test_add_func ("/engine/train/loop-cancelled", test_loop_cancelled);
  g_test_add_func ("/engine/train/loop-diverges", test_loop_diverges);
  g_test_add_func ("/engine/train/loop-diverges-gradient", test_loop_diverges_gradient);
  g_test_add_func ("/engine/train/loop-diverges-weights", test_loop_diverges_weights);
  g_test_add_func ("/engine/train/loop-diverges-nan-weight", test_loop_diverges_nan_weight);
  g_test_add_func ("/engine/train/loop-bad-input", test_loop_bad_input);

  rc = g_test_run ();
  rl_dataset_unref (train_set);
  rl_dataset_unref (test_set);
  return rc;
}
