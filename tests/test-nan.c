/* test-nan.c: NaN through the forward passes as through PyTorch's (#12, #16). torch.relu(nan) is
 * nan and max_pool2d keeps a NaN, so a NaN in an input or a weight must give NaN logits and a
 * NaN loss, whichever ReLU or pooling it meets (alone, fused with a convolution, a batch norm or
 * a residual sum; training's plan or inference's), at every SIMD level the machine runs: each
 * level in a subprocess of its own, since $RESLAB_ISA is read once a process (rl-cpu.c). Were a
 * NaN turned into 0, an overflowing net (a loss landscape far out, a diverging run) would give
 * a finite, wrong loss. The backward follows PyTorch's: a NaN passes the ReLU's mask
 * (threshold_backward: y <= 0 ? 0 : dy), and a NaN window's gradient goes to its (first) NaN.
 *
 * Legend: N images, C channels, H x W spatial size, K the pooling window. Activations are
 * (C, H, W, N), the batch innermost; a model's inputs (N, C, H, W).
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "rl-arch.h"
#include "rl-cpu.h"
#include "rl-landscape.h"
#include "rl-layers.h"
#include "rl-model.h"
#include "rl-rng.h"
#include "rl-train.h"

#include "mnist-test-utils.h"
#include "model-test-utils.h"

/* Runs the calling test at every SIMD level up to this machine's (or $RESLAB_ISA's): TRUE in
 * the subprocess, which then does the work at the level it was given, FALSE in the parent once
 * every subprocess has passed. */
static gboolean
at_every_isa (void)
{
  g_autofree char *saved = NULL;
  RlCpuIsa top;

  if (g_test_subprocess ())
    {
      const char *want = g_getenv ("RESLAB_ISA");

      g_assert_nonnull (want);
      g_assert_cmpstr (rl_cpu_isa_name (rl_cpu_get_isa ()), ==, want);
      return TRUE;
    }

  /* the parent computes nothing (no thread started): setting the variable races no reader */
  saved = g_strdup (g_getenv ("RESLAB_ISA"));
  top = rl_cpu_get_isa ();
  for (RlCpuIsa isa = RL_CPU_ISA_BASELINE; isa <= top; isa++)
    {
      g_test_message ("at %s", rl_cpu_isa_name (isa));
      g_setenv ("RESLAB_ISA", rl_cpu_isa_name (isa), TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  if (saved != NULL)
    g_setenv ("RESLAB_ISA", saved, TRUE);
  else
    g_unsetenv ("RESLAB_ISA");
  return FALSE;
}

/* ---- The layers --------------------------------------------------------------------------- */

/* ReLU forward keeps NaN (and gives +0.0 for every other non-positive value, as before); its
 * backward and the residual block's mask pass a NaN output's gradient. 67 floats: every vector
 * width's body and tail. */
static void
test_relu (void)
{
  enum { LEN = 67 };
  float x[LEN], y[LEN], z[LEN], half[LEN], dy[LEN], dx[LEN], masked[LEN];

  if (!at_every_isa ())
    return;

  for (int i = 0; i < LEN; i++)
    {
      x[i] = i % 3 == 0 ? -(float) i : i % 3 == 1 ? (float) i : -0.0f;
      half[i] = 0.5f;
      dy[i] = masked[i] = (float) (i + 1);
      dx[i] = 0.0f;
    }
  x[0] = x[17] = x[40] = x[66] = NAN;

  rl_relu_forward (x, y, LEN);
  memcpy (z, x, sizeof z);
  rl_relu_forward (z, z, LEN);   /* in place, as the engine runs it */
  for (int i = 0; i < LEN; i++)
    {
      if (isnan (x[i]))
        g_assert_true (isnan (y[i]));
      else if (x[i] <= 0.0f)
        g_assert_true (y[i] == 0.0f && !signbit (y[i]));
      else
        g_assert_cmpfloat (y[i], ==, x[i]);
      g_assert_cmpmem (&z[i], sizeof (float), &y[i], sizeof (float));
    }

  rl_add_relu (x, half, z, LEN);
  for (int i = 0; i < LEN; i++)
    g_assert_true (isnan (x[i]) ? isnan (z[i]) : z[i] == MAX (x[i] + 0.5f, 0.0f));

  rl_relu_backward (y, dy, dx, LEN);
  rl_mask_positive (masked, y, LEN);
  for (int i = 0; i < LEN; i++)
    {
      const float want = isnan (y[i]) || y[i] > 0.0f ? dy[i] : 0.0f;

      g_assert_cmpfloat (dx[i], ==, want);
      g_assert_cmpfloat (masked[i], ==, want);
    }
}

/* Max pooling (K = 2, the compare-select kernel, and K = 3, any K) with one NaN per image, at a
 * window position that changes with the image: that window gives NaN, the others their maxima;
 * the backward (plain, and through the ReLU before the pooling) sends the window's gradient to
 * the NaN. 2 channels of 19 images: vector bodies and tails. */
static void
check_maxpool (int k)
{
  enum { C = 2, N = 19 };
  const int h = 2 * k, w = 2 * k, ho = 2, wo = 2;
  const size_t nx = (size_t) C * h * w * N, ny = (size_t) C * ho * wo * N;
  g_autofree float *x = g_new (float, nx);
  g_autofree float *y = g_new (float, ny);
  g_autofree float *r = g_new (float, ny);
  g_autofree float *dy = g_new (float, ny);
  g_autofree float *dx = g_new0 (float, nx);
  g_autofree float *dz = g_new (float, nx);
  RlRng rng;

  rl_rng_init (&rng, 11);
  for (size_t i = 0; i < nx; i++)
    x[i] = rl_rng_uniform_range (&rng, -1.0f, 1.0f);
  for (size_t i = 0; i < ny; i++)
    dy[i] = 1.0f;
  /* image i: a NaN in channel i % 2's window (0, 1), at its position i % (K * K) */
#define NAN_AT(i) ((((size_t) ((i) % C) * h + (i) % (k * k) / k) * w + k + (i) % (k * k) % k) \
                   * N + (i))
#define IN_NAN_WINDOW(ch, oy, ox, i) ((ch) == (i) % C && (oy) == 0 && (ox) == 1)
  for (int i = 0; i < N; i++)
    x[NAN_AT (i)] = NAN;

  rl_maxpool_forward (C, N, h, w, k, x, y);
  memcpy (r, y, sizeof (float) * ny);
  rl_relu_forward (r, r, ny);   /* y = maxpool(relu(x)), as RL_STEP_RELU_POOL forms it */
  for (int ch = 0; ch < C; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        for (int i = 0; i < N; i++)
          {
            const size_t o = (((size_t) ch * ho + oy) * wo + ox) * N + i;

            if (IN_NAN_WINDOW (ch, oy, ox, i))
              {
                if (!isnan (y[o]) || !isnan (r[o]))
                  g_error ("maxpool K=%d: image %d's window with a NaN at %d gave %g, %g after "
                           "the ReLU", k, i, i % (k * k), y[o], r[o]);
              }
            else
              g_assert_false (isnan (y[o]));
          }

  rl_maxpool_backward (C, N, h, w, k, x, y, dy, dx);
  rl_relu_maxpool_backward (C, N, h, w, k, x, r, dy, dz);
  for (int i = 0; i < N; i++)
    {
      const int ch = i % C;

      for (int ky = 0; ky < k; ky++)
        for (int kx = 0; kx < k; kx++)
          {
            const size_t at = (((size_t) ch * h + ky) * w + k + kx) * N + i;
            const float want = at == NAN_AT (i) ? 1.0f : 0.0f;

            if (dx[at] != want || dz[at] != want)
              g_error ("maxpool K=%d: image %d's NaN at %d, gradient at (%d, %d): %g and %g "
                       "through the ReLU, expected %g", k, i, i % (k * k), ky, kx, dx[at],
                       dz[at], want);
          }
    }
#undef NAN_AT
#undef IN_NAN_WINDOW
}

static void
test_maxpool (void)
{
  if (!at_every_isa ())
    return;
  check_maxpool (2);
  check_maxpool (3);
}

/* The fused conv -> ReLU -> 2x2 max pooling of training: a NaN in the input reaches the
 * windows whose convolution reads it, each window's winner is its first NaN, and the gradient
 * rebuilt from the winners goes there. 16 images of 10 x 10 (rows of 128 columns: the implicit
 * GEMM the fusion needs). */
static void
test_conv_relu_maxpool (void)
{
  enum { N = 16, CI = 2, HI = 10, CO = 3, K = 3 };
  RlConvGeom g;
  size_t nx, nw, nz, ny;
  g_autofree float *x = NULL, *w = NULL, *b = NULL, *z = NULL, *y = NULL, *arg = NULL;
  g_autofree float *dy = NULL, *dz = NULL, *cols = NULL, *block = NULL;
  RlRng rng;
  int nan_windows = 0;

  if (!at_every_isa ())
    return;

  g_assert_true (rl_conv_geom_init (&g, CI, HI, HI, CO, K, 1, 0));
  g_assert_true (rl_conv_relu_maxpool_fusable (&g, N));
  nx = (size_t) CI * HI * HI * N;
  nw = (size_t) CO * CI * K * K;
  nz = (size_t) CO * g.ho * g.wo * N;
  ny = nz / 4;
  x = g_new (float, nx); w = g_new (float, nw); b = g_new (float, CO);
  z = g_new (float, nz); dz = g_new (float, nz);
  y = g_new (float, ny); arg = g_new (float, ny); dy = g_new (float, ny);
  cols = g_new (float, MAX (rl_conv_workspace_size (&g, N), 1));
  block = g_new (float, rl_conv_relu_maxpool_block_size (&g, N));

  rl_rng_init (&rng, 5);
  for (size_t i = 0; i < nx; i++)
    x[i] = rl_rng_uniform_range (&rng, -1.0f, 1.0f);
  for (size_t i = 0; i < nw; i++)
    w[i] = rl_rng_uniform_range (&rng, -1.0f, 1.0f);
  for (int i = 0; i < CO; i++)
    b[i] = rl_rng_uniform_range (&rng, -0.5f, 0.5f);
  for (size_t i = 0; i < ny; i++)
    dy[i] = 1.0f;
  /* image i (even i only: the odd ones stay finite): a NaN in channel 0 at a place that moves */
  for (int i = 0; i < N; i += 2)
    x[((size_t) (i % HI) * HI + (3 * i + 1) % HI) * N + i] = NAN;

  rl_conv2d_forward (&g, N, x, w, b, z, cols);
  rl_conv2d_relu_maxpool_forward (&g, N, x, w, b, y, arg, cols, block);
  for (size_t i = 0; i < nz; i++)
    dz[i] = -1.0f;   /* must all be written */
  rl_relu_maxpool2_backward_arg (CO, N, g.ho, g.wo, y, arg, dy, dz);

  for (int c = 0; c < CO; c++)
    for (int py = 0; py < g.ho / 2; py++)
      for (int px = 0; px < g.wo / 2; px++)
        for (int i = 0; i < N; i++)
          {
            const size_t o = (((size_t) c * (g.ho / 2) + py) * (g.wo / 2) + px) * N + i;
            size_t at[4];
            int first = -1;

            for (int q = 0; q < 4; q++)
              {
                at[q] = (((size_t) c * g.ho + 2 * py + q / 2) * g.wo + 2 * px + q % 2) * N + i;
                if (first < 0 && isnan (z[at[q]]))
                  first = q;
              }
            if (first < 0)
              {
                g_assert_false (isnan (y[o]));
                continue;
              }
            nan_windows++;
            if (!isnan (y[o]) || arg[o] != (float) first)
              g_error ("conv-relu-maxpool: image %d, window (%d, %d, %d) with its first NaN at "
                       "%d gave %g, winner %g", i, c, py, px, first, y[o], arg[o]);
            for (int q = 0; q < 4; q++)
              g_assert_cmpfloat (dz[at[q]], ==, q == first ? 1.0f : 0.0f);
          }
  g_assert_cmpint (nan_windows, >, 0);
}

/* ---- Whole nets --------------------------------------------------------------------------- */

enum { BATCH = 32, CLASSES = 10, SIDE = 28 };

/* Whether all of image @i's logits are NaN. */
static gboolean
logits_nan (const float *logits, int i)
{
  for (int j = 0; j < CLASSES; j++)
    if (!isnan (logits[i * CLASSES + j]))
      return FALSE;
  return TRUE;
}

/* A NaN in one pixel of image 0, then in each tensor of @desc's net in turn, on MNIST-shaped
 * inputs: a training step's loss (the fused plan, the batch split over 2 threads: 16 images a
 * thread, enough for the fused convolutions) is NaN, and so are inference's logits
 * (rl_model_predict: image 0's, not image 1's, which batch norm's running statistics keep
 * apart) and the viewers' probabilities (rl_inference_run: every layer's map kept). */
static void
check_net (const char *desc)
{
  g_autoptr (RlModel) m = new_model (desc, 1, SIDE, SIDE, CLASSES);
  g_autoptr (RlInference) inf = NULL;
  const size_t image = (size_t) SIDE * SIDE, pixel = 12 * SIDE + 13;
  g_autofree float *x = g_new (float, BATCH * image);
  g_autofree float *saved = NULL;
  uint8_t labels[BATCH];
  float logits[2 * CLASSES], probs[CLASSES];
  float *params;
  RlRng rng;

  g_test_message ("%s", desc);
  rl_model_init_params (m, 3);
  rl_model_set_threads (m, 2);
  params = rl_model_get_params (m);
  saved = g_memdup2 (params, sizeof (float) * rl_model_get_n_params (m));
  inf = rl_inference_new (m);
  rl_rng_init (&rng, 9);
  for (size_t i = 0; i < BATCH * image; i++)
    x[i] = rl_rng_uniform_range (&rng, -0.4f, 2.8f);
  for (int i = 0; i < BATCH; i++)
    labels[i] = (uint8_t) rl_rng_below (&rng, CLASSES);

  /* finite to begin with */
  g_assert_true (isfinite (rl_model_forward_backward (m, x, labels, BATCH, NULL)));
  rl_model_predict (m, x, 2, logits);
  for (int j = 0; j < 2 * CLASSES; j++)
    g_assert_true (isfinite (logits[j]));

  /* a NaN pixel */
  x[pixel] = NAN;
  g_assert_true (isnan (rl_model_forward_backward (m, x, labels, BATCH, NULL)));
  /* the batch norms' running statistics, which that step moved to NaN */
  memcpy (params, saved, sizeof (float) * rl_model_get_n_params (m));
  rl_model_predict (m, x, 2, logits);
  g_assert_true (logits_nan (logits, 0));
  for (int j = CLASSES; j < 2 * CLASSES; j++)
    g_assert_true (isfinite (logits[j]));
  rl_inference_run (inf, m, x, probs);
  for (int j = 0; j < CLASSES; j++)
    g_assert_true (isnan (probs[j]));
  x[pixel] = 0.0f;

  /* a NaN weight: training reads the trained tensors, inference the running statistics too */
  for (guint t = 0; t < rl_model_get_n_tensors (m); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (m, t);

      if (info->role == RL_PARAM_BATCHES_TRACKED)
        continue;
      params[info->offset] = NAN;
      if (rl_param_info_is_trainable (info)
          && !isnan (rl_model_forward_backward (m, x, labels, BATCH, NULL)))
        g_error ("%s: a NaN in %s gave a finite training loss", desc, info->name);
      memcpy (params, saved, sizeof (float) * rl_model_get_n_params (m));
      params[info->offset] = NAN;
      rl_model_predict (m, x, 2, logits);
      rl_inference_run (inf, m, x, probs);
      /* a linear layer's bias reaches one logit; anything before it, all of them */
      if (!isnan (logits[0]) || !isnan (probs[0]))
        g_error ("%s: a NaN in %s gave the finite logit %g", desc, info->name, logits[0]);
      memcpy (params, saved, sizeof (float) * rl_model_get_n_params (m));
    }
}

static void
test_nets (void)
{
  static const char *const nets[] = {
    /* the seed: conv -> relu -> maxpool(2) fused in training, residual blocks relu(F(x) + x) */
    "seed",
    /* relu -> maxpool(3) in one pass (any K), bn -> relu, a plain block relu(F(x)), a 2x2
     * pooling alone, global average pooling */
    "c1=conv(4,k=3) relu maxpool(3) c2=conv(6,k=3,p=1) b2=bn relu maxpool(2) "
    "r=res(6,shortcut=none) gap fc=linear(10)",
    /* batch-normalised blocks: bn2 with the shortcut's sum and the ReLU in one pass; the
     * shortcuts A and B */
    "c1=conv(8,k=3,p=1) b1=bn relu r1=res(8,bn=1) r2=res(16,s=2,shortcut=A,bn=1) "
    "r3=res(16,s=2,shortcut=B,bn=1) gap fc=linear(10)",
  };

  if (!at_every_isa ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (nets); i++)
    check_net (nets[i]);
}

/* ---- Predictions -------------------------------------------------------------------------- */

/* Rows and their torch.argmax, as PyTorch 1.13 gave it (torch.tensor (row).argmax ()): a NaN
 * above every number, the first NaN wins, ties go to the first. */
static const struct {
  float v[4];
  int   n;
  int   torch;
} argmax_rows[] = {
  { { 1.0f, NAN, 3.0f, NAN }, 4, 1 },
  { { 1.0f, 2.0f, 3.0f, NAN }, 4, 3 },
  { { NAN, NAN, NAN }, 3, 0 },
  { { INFINITY, NAN }, 2, 1 },
  { { -INFINITY, NAN, INFINITY }, 3, 1 },
  { { 1.0f, INFINITY, INFINITY }, 3, 1 },
  { { 3.0f, 3.0f, 1.0f }, 3, 0 },
  { { 2.0f, -INFINITY, 2.0f }, 3, 0 },
  { { -INFINITY, -INFINITY }, 2, 0 },
};

/* rl_argmax, and the hits rl_softmax_xent counts (training's), as torch.argmax: a hit for the
 * class torch predicts, none for any other. */
static void
test_argmax (void)
{
  for (guint r = 0; r < G_N_ELEMENTS (argmax_rows); r++)
    {
      const float *v = argmax_rows[r].v;
      const int n = argmax_rows[r].n, want = argmax_rows[r].torch;

      if (rl_argmax (v, n) != want)
        g_error ("row %u: rl_argmax gave %d, torch.argmax %d", r, rl_argmax (v, n), want);
      for (int label = 0; label < n; label++)
        {
          const uint8_t y = (uint8_t) label;
          int hits = -1;

          rl_softmax_xent (1, n, v, &y, 1, NULL, NULL, &hits);
          if (hits != (label == want))
            g_error ("row %u, label %d: rl_softmax_xent counted %d hits, torch %d", r, label,
                     hits, label == want);
        }
    }
}

/* A NaN in fc.bias[K] makes logit K NaN for every image: torch.argmax predicts K everywhere,
 * so the images labelled K are the hits, whichever class the finite logits favour. Each count
 * of hits agrees: the evaluation's (accuracy, confusion matrix, the Errors report's
 * predictions), training's (rl_model_forward_backward) and the loss landscape's; one image's
 * inference keeps the logits that say K. */
static void
test_evaluate (void)
{
  enum { K = 3, N = 100 };
  g_autoptr (RlDataset) test = mnist_test_load (RL_SPLIT_TEST);
  g_autoptr (RlModel) m = new_model ("seed", 1, SIDE, SIDE, CLASSES);
  g_autoptr (RlLandscape) ls = NULL;
  g_autoptr (RlInference) inf = NULL;
  g_autoptr (GError) error = NULL;
  const RlParamInfo *bias;
  float probs[CLASSES];
  uint32_t confusion[CLASSES * CLASSES] = { 0 };
  uint8_t predicted[N], labels[N];
  float confidence[N];
  g_autofree float *x = g_new (float, (size_t) N * SIDE * SIDE);
  uint32_t idx[N], with_k = 0, predicted_k = 0;
  double loss, accuracy;
  RlEvalResult r;
  int hits;

  g_assert_cmpuint (test->n, >=, N);
  rl_model_init_params (m, 3);
  for (uint32_t i = 0; i < N; i++)
    idx[i] = i;
  rl_dataset_get_batch (test, idx, N, x, labels);
  for (int i = 0; i < N; i++)
    with_k += labels[i] == K;
  g_assert_cmpuint (with_k, >, 0);

  /* before: the finite logits do not all favour K (else the test would prove nothing) */
  g_assert_true (rl_evaluate_images (m, test, N, 0, 32, NULL, predicted, confidence, NULL, &r,
                                     &error));
  g_assert_no_error (error);
  for (int i = 0; i < N; i++)
    predicted_k += predicted[i] == K;
  g_assert_cmpuint (predicted_k, <, N);

  bias = rl_model_lookup_tensor (m, "fc.bias");
  g_assert_nonnull (bias);
  rl_model_get_params (m)[bias->offset + K] = NAN;

  g_assert_true (rl_evaluate_images (m, test, N, N / 2, 32, confusion, predicted, confidence,
                                     NULL, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.correct, ==, with_k);
  for (int i = 0; i < N; i++)
    {
      g_assert_cmpuint (predicted[i], ==, K);
      g_assert_true (isnan (confidence[i]));
      g_assert_cmpuint (confusion[labels[i] * CLASSES + K], >, 0);
    }
  g_assert_cmpuint (confusion[K * CLASSES + K], ==, with_k);

  /* training's count, one batch of all N */
  g_assert_true (isnan (rl_model_forward_backward (m, x, labels, N, &hits)));
  g_assert_cmpint (hits, ==, (int) with_k);

  /* the landscape's, at its centre */
  ls = rl_landscape_new (m, test, N, &error);
  g_assert_no_error (error);
  rl_landscape_eval (ls, 0.0, 0.0, &loss, &accuracy);
  g_assert_true (isnan (loss));
  g_assert_cmpfloat (accuracy, ==, (double) with_k / N);

  /* one image's inference, as the app's predictor and `reslab-cli predict` run it: every
   * probability NaN, the class in the logits */
  inf = rl_inference_new (m);
  rl_inference_run (inf, m, x, probs);
  for (int j = 0; j < CLASSES; j++)
    g_assert_true (isnan (probs[j]));
  g_assert_cmpint (rl_argmax (rl_inference_get_logits (inf), CLASSES), ==, K);
}


int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/nan/relu", test_relu);
  g_test_add_func ("/engine/nan/maxpool", test_maxpool);
  g_test_add_func ("/engine/nan/conv-relu-maxpool", test_conv_relu_maxpool);
  g_test_add_func ("/engine/nan/nets", test_nets);
  g_test_add_func ("/engine/nan/argmax", test_argmax);
  g_test_add_func ("/engine/nan/evaluate", test_evaluate);
  return g_test_run ();
}
