/* test-model.c: the model's parameter table against PyTorch's state_dict and its
 * initialisation; rl_model_forward_training, the response statistics and the per-layer
 * activations for the viewers; the CIFAR family and the architecture parser; SGD's semantics;
 * the memory of training and evaluation.
 *
 * Gradients of whole networks against finite differences, and determinism across thread
 * counts: test-model-gradients.c. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include "rl-error.h"
#include "rl-layers.h"
#include "rl-model.h"
#include "rl-rng.h"
#include "rl-sgd.h"

#include "model-test-utils.h"

static void
test_seed_table (void)
{
  /* PyTorch's state_dict of the seed's Net, in order (../shared/seed/README.md) */
  static const struct { const char *name; int ndim; int64_t shape[4]; } expect[] = {
    { "conv1.weight", 4, { 16, 1, 5, 5 } }, { "conv1.bias", 1, { 16 } },
    { "rblock1.conv1.weight", 4, { 16, 16, 3, 3 } }, { "rblock1.conv1.bias", 1, { 16 } },
    { "rblock1.conv2.weight", 4, { 16, 16, 3, 3 } }, { "rblock1.conv2.bias", 1, { 16 } },
    { "conv2.weight", 4, { 32, 16, 5, 5 } }, { "conv2.bias", 1, { 32 } },
    { "rblock2.conv1.weight", 4, { 32, 32, 3, 3 } }, { "rblock2.conv1.bias", 1, { 32 } },
    { "rblock2.conv2.weight", 4, { 32, 32, 3, 3 } }, { "rblock2.conv2.bias", 1, { 32 } },
    { "fc.weight", 2, { 10, 512 } }, { "fc.bias", 1, { 10 } },
  };
  g_autoptr (RlModel) m = new_model ("seed", 1, 28, 28, 10);
  g_autofree char *text = rl_arch_to_string (rl_model_get_arch (m));
  size_t off = 0;

  g_assert_cmpstr (text, ==, RL_ARCH_SEED);
  g_assert_cmpuint (rl_model_get_n_tensors (m), ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      const RlParamInfo *t = rl_model_get_tensor_info (m, i);
      g_assert_cmpstr (t->name, ==, expect[i].name);
      g_assert_cmpint (t->ndim, ==, expect[i].ndim);
      for (int d = 0; d < t->ndim; d++)
        g_assert_cmpint (t->shape[d], ==, expect[i].shape[d]);
      g_assert_cmpuint (t->offset, ==, off);   /* one contiguous block, in table order */
      off += t->numel;
    }
  g_assert_cmpuint (rl_model_get_n_params (m), ==, 41514);
  g_assert_cmpuint (off, ==, 41514);
  g_assert_true (rl_model_lookup_tensor (m, "rblock2.conv1.bias") != NULL);
  g_assert_null (rl_model_lookup_tensor (m, "rblock3.conv1.bias"));
  /* conv1 230,400 + rblock1 663,552 + conv2 819,200 + rblock2 294,912 + fc 5,120 MACs */
  g_assert_cmpfloat (rl_model_get_flops (m), ==, 2.0 * (230400 + 663552 + 819200 + 294912 + 5120));

  /* rl_model_new_mnist: the same net, for MNIST's 1 x 28 x 28 images and 10 classes */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RlModel) mnist = rl_model_new_mnist (rl_model_get_arch (m), &error);
    int c, h, w;

    g_assert_no_error (error);
    rl_model_get_input_shape (mnist, &c, &h, &w);
    g_assert_cmpint (c, ==, 1);
    g_assert_cmpint (h, ==, 28);
    g_assert_cmpint (w, ==, 28);
    g_assert_cmpint (rl_model_get_n_classes (mnist), ==, 10);
    g_assert_cmpuint (rl_model_get_n_params (mnist), ==, 41514);
  }
}

static void
test_init_bounds (void)
{
  g_autoptr (RlModel) m = new_model ("seed", 1, 28, 28, 10);
  g_autoptr (RlModel) m2 = new_model ("seed", 1, 28, 28, 10);

  rl_model_init_params (m, 42);
  rl_model_init_params (m2, 42);
  g_assert_cmpmem (rl_model_get_params (m), rl_model_get_n_params (m) * sizeof (float),
                   rl_model_get_params (m2), rl_model_get_n_params (m2) * sizeof (float));
  for (guint i = 0; i < rl_model_get_n_tensors (m); i++)
    {
      const RlParamInfo *t = rl_model_get_tensor_info (m, i);
      const float *p = rl_model_get_params (m) + t->offset;
      double bound = 1.0 / sqrt (t->fan_in), mx = 0, mean = 0, var = 0;

      for (size_t j = 0; j < t->numel; j++)
        {
          mx = MAX (mx, fabs (p[j]));
          mean += p[j] / t->numel;
        }
      for (size_t j = 0; j < t->numel; j++)
        var += (p[j] - mean) * (p[j] - mean) / t->numel;
      g_assert_cmpfloat (mx, <=, bound);
      if (t->numel >= 400)   /* U(-b, b) has variance b^2 / 3 */
        g_assert_cmpfloat (fabs (var / (bound * bound / 3) - 1), <, 0.15);
    }
  rl_model_init_params (m2, 43);
  g_assert_true (memcmp (rl_model_get_params (m), rl_model_get_params (m2),
                         rl_model_get_n_params (m) * sizeof (float)) != 0);
}


/* ---- forward passes and the viewers' maps ------------------------------------------------- */

/* rl_model_forward_training: the parameter block (running statistics and batch count
 * included) as a training step on the same batch leaves it, to the bit, at 1 and 3 threads;
 * the gradients untouched; and the next step the same as after a step. */
static void
test_forward_training (void)
{
  const int n = 10;
  g_autofree float *x = g_new (float, n * 784);
  uint8_t labels[10];
  RlRng rng;

  rl_rng_init (&rng, 5);
  for (int i = 0; i < n * 784; i++)
    x[i] = rl_rng_uniform_range (&rng, -0.4f, 2.8f);
  for (int i = 0; i < n; i++)
    labels[i] = (uint8_t) (i % 10);

  for (int nt = 1; nt <= 3; nt += 2)
    {
      g_autoptr (RlModel) stepped = new_model ("resnet-8", 1, 28, 28, 10);
      g_autoptr (RlModel) forward = new_model ("resnet-8", 1, 28, 28, 10);
      const size_t np = rl_model_get_n_params (stepped);
      float *grads = rl_model_get_grads (forward);

      rl_model_init_params (stepped, 3);
      rl_model_init_params (forward, 3);
      rl_model_set_threads (stepped, nt);
      rl_model_set_threads (forward, nt);
      for (size_t j = 0; j < np; j++)
        grads[j] = 7.0f;

      rl_model_forward_backward (stepped, x, labels, n, NULL);
      rl_model_forward_training (forward, x, n);
      g_assert_cmpmem (rl_model_get_params (forward), np * sizeof (float),
                       rl_model_get_params (stepped), np * sizeof (float));
      g_assert_cmpfloat (rl_model_get_params (forward)
                           [rl_model_lookup_tensor (forward, "bn1.num_batches_tracked")->offset],
                         ==, 1.0f);
      for (size_t j = 0; j < np; j++)
        g_assert_cmpfloat (grads[j], ==, 7.0f);

      g_assert_cmpfloat (rl_model_forward_backward (forward, x, labels, n, NULL), ==,
                         rl_model_forward_backward (stepped, x, labels, n, NULL));
      g_assert_cmpmem (rl_model_get_grads (forward), np * sizeof (float),
                       rl_model_get_grads (stepped), np * sizeof (float));
    }
}

/* rl_model_response_std against the same statistics taken from the viewers' maps */
static void
check_response_std (const char *desc, const char *layer, RlMapRole role, int map_skip)
{
  g_autoptr (RlModel) m = new_model (desc, 1, 28, 28, 10);
  g_autoptr (RlInference) inf = rl_inference_new (m);
  const int n = 5;
  float *x = g_new (float, n * 784);
  double *std = g_new (double, rl_model_get_n_responses (m));
  double s = 0, s2 = 0, cnt = 0, expect;
  int slot = -1;
  RlRng rng;

  rl_model_init_params (m, 2);
  rl_model_set_threads (m, 2);
  rl_rng_init (&rng, 1);
  for (int i = 0; i < n * 784; i++)
    x[i] = rl_rng_uniform_range (&rng, -0.4f, 2.8f);
  for (guint k = 0; k < rl_model_get_n_responses (m); k++)
    if (strcmp (rl_model_get_response_name (m, k), layer) == 0)
      slot = (int) k;
  g_assert_cmpint (slot, >=, 0);
  {
    /* the logits of the same pass are rl_model_predict's, to the bit */
    float logits[5 * 10], predicted[5 * 10];

    rl_model_response_std (m, x, n, logits, std);
    rl_model_predict (m, x, n, predicted);
    g_assert_cmpmem (logits, sizeof logits, predicted, sizeof predicted);
  }

  for (int i = 0; i < n; i++)
    {
      int seen = 0;
      rl_inference_run (inf, m, x + i * 784, NULL);
      for (guint k = 0; k < rl_inference_get_n_maps (inf); k++)
        {
          const RlActivation *a = rl_inference_get_map (inf, k);
          if (a->role == role && seen++ == map_skip)
            {
              for (int j = 0; j < a->c * a->h * a->w; j++)
                {
                  s += a->data[j];
                  s2 += (double) a->data[j] * a->data[j];
                }
              cnt += a->c * a->h * a->w;
              break;
            }
        }
    }
  expect = sqrt (s2 / cnt - (s / cnt) * (s / cnt));
  g_assert_cmpfloat (expect, >, 0);
  g_assert_cmpfloat_with_epsilon (std[slot], expect, 1e-6 * (1 + expect));
  g_free (x);
  g_free (std);
}

static void
test_response_std (void)
{
  /* the seed's conv1 (no bn): its output, the first layer map */
  check_response_std ("seed", "conv1", RL_MAP_LAYER_OUTPUT, 0);
  /* a block's second conv: F(x) after bn2, before the addition */
  check_response_std ("resnet-8", "layer2.0.conv2", RL_MAP_BLOCK_RESIDUAL, 1);
  check_response_std ("plain-8", "layer3.0.conv2", RL_MAP_BLOCK_RESIDUAL, 2);

  {
    g_autoptr (RlModel) m = new_model ("resnet-20", 1, 28, 28, 10);
    g_assert_cmpuint (rl_model_get_n_responses (m), ==, 19);   /* all but the linear layer */
    g_assert_cmpstr (rl_model_get_response_name (m, 0), ==, "conv1");
    g_assert_cmpstr (rl_model_get_response_name (m, 18), ==, "layer3.2.conv2");
  }
}

static void
test_inference_maps (void)
{
  g_autoptr (RlModel) m = new_model ("seed", 1, 28, 28, 10);
  g_autoptr (RlInference) inf = rl_inference_new (m);
  float x[784], probs[10], logits[10], sum = 0;
  RlRng rng;
  guint n;
  const RlActivation *bx = NULL, *bf = NULL, *by = NULL;
  /* conv1 relu maxpool [rblock1: x hid F y] conv2 relu maxpool [rblock2: x hid F y] fc */
  static const struct { int c, h, w; RlMapRole role; } expect[] = {
    { 16, 24, 24, RL_MAP_LAYER_OUTPUT }, { 16, 24, 24, RL_MAP_LAYER_OUTPUT },
    { 16, 12, 12, RL_MAP_LAYER_OUTPUT },
    { 16, 12, 12, RL_MAP_BLOCK_INPUT }, { 16, 12, 12, RL_MAP_BLOCK_HIDDEN },
    { 16, 12, 12, RL_MAP_BLOCK_RESIDUAL }, { 16, 12, 12, RL_MAP_BLOCK_OUTPUT },
    { 32, 8, 8, RL_MAP_LAYER_OUTPUT }, { 32, 8, 8, RL_MAP_LAYER_OUTPUT },
    { 32, 4, 4, RL_MAP_LAYER_OUTPUT },
    { 32, 4, 4, RL_MAP_BLOCK_INPUT }, { 32, 4, 4, RL_MAP_BLOCK_HIDDEN },
    { 32, 4, 4, RL_MAP_BLOCK_RESIDUAL }, { 32, 4, 4, RL_MAP_BLOCK_OUTPUT },
    { 10, 1, 1, RL_MAP_LAYER_OUTPUT },
  };

  rl_model_init_params (m, 8);
  rl_rng_init (&rng, 4);
  for (int i = 0; i < 784; i++)
    x[i] = rl_rng_uniform_range (&rng, -0.4f, 2.8f);
  rl_inference_run (inf, m, x, probs);
  rl_model_predict (m, x, 1, logits);

  n = rl_inference_get_n_maps (inf);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < n; i++)
    {
      const RlActivation *a = rl_inference_get_map (inf, i);
      g_assert_cmpint (a->c, ==, expect[i].c);
      g_assert_cmpint (a->h, ==, expect[i].h);
      g_assert_cmpint (a->w, ==, expect[i].w);
      g_assert_cmpint (a->role, ==, expect[i].role);
      if (a->role == RL_MAP_BLOCK_INPUT && bx == NULL)
        bx = a;
      if (a->role == RL_MAP_BLOCK_RESIDUAL && bf == NULL)
        bf = a;
      if (a->role == RL_MAP_BLOCK_OUTPUT && by == NULL)
        by = a;
    }
  g_assert_cmpstr (bx->layer_name, ==, "rblock1");
  g_assert_cmpstr (rl_inference_get_map (inf, 0)->layer_name, ==, "conv1");
  /* the block's output is relu(x + F(x)), exactly */
  for (int i = 0; i < 16 * 144; i++)
    g_assert_cmpfloat (by->data[i], ==, MAX (bx->data[i] + bf->data[i], 0.0f));
  /* the block's input is the previous layer's output */
  g_assert_true (bx->data == rl_inference_get_map (inf, 2)->data);

  {
    float expect_p[10];
    rl_softmax (10, logits, expect_p);
    for (int j = 0; j < 10; j++)
      {
        g_assert_cmpfloat_with_epsilon (probs[j], expect_p[j], 1e-6);
        g_assert_cmpfloat (rl_inference_get_map (inf, n - 1)->data[j], ==, logits[j]);
        sum += probs[j];
      }
    g_assert_cmpfloat_with_epsilon (sum, 1.0f, 1e-5);
  }
}

/* ---- architecture descriptions -------------------------------------------------------------- */

static void
test_arch_parse (void)
{
  static const char *good[] = {
    RL_ARCH_SEED,
    "a=conv(8,k=3,s=2,p=1) relu b=res(8) c=res(16,s=2,shortcut=B) d=res(32,s=2,shortcut=A) "
    "e=res(32,shortcut=none) gap fc=linear(10)",
  };
  static const struct { const char *text; int c, h, w; } bad[] = {
    { "", 1, 28, 28 },
    { "conv1=conv(16,k=5 fc=linear(10)", 1, 28, 28 },   /* unclosed */
    { "conv(16) fc=linear(10)", 1, 28, 28 },            /* a parametric layer without a name */
    { "a=conv(16) a=linear(10)", 1, 28, 28 },           /* duplicate name */
    { "a=conv(16,q=1) fc=linear(10)", 1, 28, 28 },      /* unknown key */
    { "a=dense(16)", 1, 28, 28 },                       /* unknown kind */
    { "a=conv(-3) fc=linear(10)", 1, 28, 28 },          /* negative */
    { "a=conv(8,k=9) fc=linear(10)", 1, 5, 5 },         /* kernel larger than the input */
    { "a=res(8) fc=linear(10)", 4, 6, 6 },              /* identity across 4 -> 8 channels */
    { "a=res(4,s=2) fc=linear(10)", 4, 6, 6 },          /* identity with a stride */
    { "a=res(2,s=2,shortcut=A) fc=linear(10)", 4, 6, 6 }, /* A cannot drop channels */
    { "a=conv(8) relu", 1, 28, 28 },                    /* no linear head */
    { "a=conv(8) fc=linear(7)", 1, 28, 28 },            /* head of the wrong size */
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RlArch) a = rl_arch_parse (good[i], &error);
      g_autofree char *text = NULL;
      g_autoptr (RlArch) b = NULL;
      g_autoptr (RlModel) m = NULL;

      g_assert_no_error (error);
      text = rl_arch_to_string (a);
      b = rl_arch_parse (text, &error);
      g_assert_no_error (error);
      g_assert_cmpint (a->n_layers, ==, b->n_layers);
      g_assert_cmpmem (a->layers, sizeof (RlLayerSpec) * a->n_layers, b->layers,
                       sizeof (RlLayerSpec) * b->n_layers);
      m = rl_model_new_mnist (a, &error);
      g_assert_no_error (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RlArch) a = rl_arch_parse (bad[i].text, &error);
      g_autoptr (RlModel) m = NULL;

      if (a != NULL)
        m = rl_model_new (a, bad[i].c, bad[i].h, bad[i].w, 10, &error);
      g_assert_null (m);
      g_assert_error (error, RL_ERROR, RL_ERROR_BAD_ARCH);
      g_test_message ("“%s”: %s", bad[i].text, error->message);
    }
}

static void
test_cifar_family (void)
{
  static const int depths[] = { 8, 20, 32, 44, 56 };

  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    for (int residual = 0; residual < 2; residual++)
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *name = g_strdup_printf ("%s-%d", residual ? "resnet" : "plain",
                                                 depths[i]);
        g_autoptr (RlArch) arch = rl_arch_parse (name, &error);
        g_autoptr (RlModel) m = NULL;
        int weight_layers = 0, blocks = 0;

        g_assert_no_error (error);
        m = rl_model_new_mnist (arch, &error);
        g_assert_no_error (error);
        for (guint t = 0; t < rl_model_get_n_tensors (m); t++)
          if (rl_model_get_tensor_info (m, t)->role == RL_PARAM_WEIGHT &&
              rl_model_get_tensor_info (m, t)->ndim >= 2 &&
              !strstr (rl_model_get_tensor_info (m, t)->name, "shortcut"))
            weight_layers++;
        for (int l = 0; l < arch->n_layers; l++)
          if (arch->layers[l].kind == RL_LAYER_RESIDUAL)
            {
              blocks++;
              g_assert_true (arch->layers[l].bn);
              if (!residual)
                g_assert_cmpint (arch->layers[l].shortcut, ==, RL_SHORTCUT_NONE);
            }
        /* 6n+2 weight layers: the stem, 2 per block, the linear layer */
        g_assert_cmpint (weight_layers, ==, depths[i]);
        g_assert_cmpint (blocks, ==, (depths[i] - 2) / 2);
        g_assert_nonnull (rl_model_lookup_tensor (m, "layer3.0.bn2.running_var"));
        g_assert_nonnull (rl_model_lookup_tensor (m, "bn1.num_batches_tracked"));
      }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RlArch) bad = rl_arch_parse ("resnet-21", &error);
    g_assert_null (bad);
    g_assert_error (error, RL_ERROR, RL_ERROR_BAD_ARCH);
  }
  {
    g_autoptr (RlArch) b = rl_arch_new_cifar (20, TRUE, RL_SHORTCUT_B, FALSE, NULL);
    g_autoptr (RlModel) m = rl_model_new_mnist (b, NULL);
    g_assert_nonnull (rl_model_lookup_tensor (m, "layer2.0.shortcut.weight"));
    g_assert_nonnull (rl_model_lookup_tensor (m, "layer2.0.conv1.bias"));
  }
}

/* ---- SGD --------------------------------------------------------------------------------------- */

static void
test_sgd_semantics (void)
{
  g_autoptr (RlModel) m = new_model ("fc=linear(2)", 1, 1, 1, 2);
  g_autoptr (RlSgd) sgd = rl_sgd_new (m, 0.1f, 0.5f, 0.0f);
  float *p = rl_model_get_params (m), *g = rl_model_get_grads (m);

  /* torch.optim.SGD: v1 = g, p1 = p0 - lr v1; v2 = mu v1 + g, p2 = p1 - lr v2 */
  p[0] = 1.0f;
  g[0] = 1.0f;
  rl_sgd_step (sgd, m);
  g_assert_cmpfloat_with_epsilon (p[0], 0.9f, 1e-7);
  rl_sgd_step (sgd, m);
  g_assert_cmpfloat_with_epsilon (p[0], 0.75f, 1e-7);
  rl_sgd_set_lr (sgd, 0.2f);
  rl_sgd_step (sgd, m);   /* v3 = 0.5 * 1.5 + 1 = 1.75 */
  g_assert_cmpfloat_with_epsilon (p[0], 0.75f - 0.35f, 1e-6);

  /* weight decay adds wd * p to the gradient before the momentum */
  {
    g_autoptr (RlSgd) wd = rl_sgd_new (m, 0.1f, 0.0f, 0.5f);
    p[1] = 2.0f;
    g[1] = 0.0f;
    rl_sgd_step (wd, m);
    g_assert_cmpfloat_with_epsilon (p[1], 2.0f - 0.1f * 1.0f, 1e-7);
  }
}

/* rl_model_train_memory, computed without allocating, is what a training step then allocates,
 * for nets with every layer kind, one and two threads, and batches that split unevenly. It
 * grows with the batch: the activations are most of it. */
static void
test_train_memory (void)
{
  static const char *archs[] = {
    "seed",
    "resnet-8",
    "c=conv(8,k=3) relu maxpool(2) r=res(8) gap fc=linear(10)",
    "c=conv(4,k=3,p=1) b=bn relu r=res(8,s=2,shortcut=B,bn=1) q=res(8,shortcut=A) fc=linear(10)",
  };
  static const struct { int batch, threads; } runs[] = { { 1, 1 }, { 5, 1 }, { 7, 2 }, { 16, 2 } };

  for (guint a = 0; a < G_N_ELEMENTS (archs); a++)
    for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (RlArch) arch = rl_arch_parse (archs[a], &error);
        g_autoptr (RlModel) m = rl_model_new_mnist (arch, &error);
        int n = runs[r].batch;
        g_autofree float *x = g_new0 (float, (gsize) n * 784);
        g_autofree uint8_t *labels = g_new0 (uint8_t, n);
        size_t predicted;

        g_assert_no_error (error);
        rl_model_init_params (m, 1);
        rl_model_set_threads (m, runs[r].threads);
        predicted = rl_model_train_memory (m, n, runs[r].threads);
        g_assert_cmpuint (rl_model_get_workspace_bytes (m), ==, 0);
        for (int i = 0; i < n * 784; i++)
          x[i] = (float) ((i * 7) % 13) / 13.0f;
        rl_model_forward_backward (m, x, labels, n, NULL);
        g_assert_cmpuint (rl_model_get_workspace_bytes (m), ==, predicted);
        /* activations at least: the input and every layer's output, four bytes a value */
        g_assert_cmpuint (predicted, >=, (size_t) n * 784 * 4 * 2);
        g_test_message ("%s, batch %d on %d threads: %zu bytes", archs[a], n, runs[r].threads,
                        predicted);
      }

  {
    g_autoptr (RlArch) arch = rl_arch_parse ("resnet-20", NULL);
    g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);
    size_t m64 = rl_model_train_memory (m, 64, 1), m128 = rl_model_train_memory (m, 128, 1);

    g_assert_cmpfloat ((double) m128 / m64, >, 1.9);
    g_assert_cmpfloat ((double) m128 / m64, <=, 2.0);
  }
}

/* Evaluation's own workspaces stay within 256 MB a thread: a net of 1,000 maps of 28 x 28 needs
 * 12.5 MB an image, so a pass of 64 would take 800 MB (and a net at the size limits, 4 GB a
 * thread: `reslab-cli eval` of such a 190 kB model file took 6.3 GB). It is read in smaller
 * passes, to the same logits; the seed net keeps its passes of 64. */
static void
test_predict_memory (void)
{
  RlModel *fat = new_model ("c=conv(1000,k=1) gap fc=linear(10)", 1, 28, 28, 10);
  RlModel *again = new_model ("c=conv(1000,k=1) gap fc=linear(10)", 1, 28, 28, 10);
  RlModel *seed = new_model ("seed", 1, 28, 28, 10);
  g_autofree float *x = g_new (float, 64 * 784);
  float logits[64 * 10], part[64 * 10];
  size_t bytes;

  for (int i = 0; i < 64 * 784; i++)
    x[i] = (float) ((i * 7) % 13) / 13.0f;
  rl_model_init_params (fat, 3);
  rl_model_init_params (again, 3);
  rl_model_init_params (seed, 3);
  rl_model_set_threads (fat, 1);
  rl_model_set_threads (again, 1);
  rl_model_set_threads (seed, 1);

  rl_model_predict (fat, x, 64, logits);
  bytes = rl_model_get_workspace_bytes (fat);
  g_test_message ("1000 maps of 28 x 28: workspace of %zu bytes for 64 images", bytes);
  g_assert_cmpuint (bytes, <=, (size_t) 256 << 20);
  g_assert_cmpuint (bytes, >=, (size_t) 128 << 20);   /* several images a pass, not one */
  for (int start = 0; start < 64; start += 8)
    rl_model_predict (again, x + (size_t) start * 784, 8, part + start * 10);
  for (int i = 0; i < 64 * 10; i++)
    g_assert_cmpfloat_with_epsilon (logits[i], part[i], 1e-4f * (1.0f + fabsf (part[i])));

  rl_model_predict (seed, x, 64, logits);
  g_assert_cmpuint (rl_model_get_workspace_bytes (seed), ==, rl_model_train_memory (seed, 64, 1));

  rl_model_free (fat);
  rl_model_free (again);
  rl_model_free (seed);
}

/* glibc's malloc only: AddressSanitizer's allocator (the ASan build of the suite) and other
 * libcs do not take mallopt, so the test is not built there. */
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
static long
minor_faults (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return u.ru_minflt;
}

/* The experiment's twins release their workspaces while the other trains and make them again
 * ten steps later: with rl_workspace_keep_freed_memory they come back from warm pages, not
 * from the kernel page by page (which made the default experiment run slower than before the
 * release). */
static void
test_workspaces_remade_warm (void)
{
  g_autoptr (RlArch) arch = rl_arch_parse ("resnet-20", NULL);
  g_autoptr (RlModel) m = rl_model_new_mnist (arch, NULL);
  g_autofree float *x = g_new0 (float, 64 * 784);
  g_autofree uint8_t *labels = g_new0 (uint8_t, 64);
  size_t bytes;
  long before, faults;

  for (int i = 0; i < 64 * 784; i++)
    x[i] = (float) ((i * 7) % 13) / 13.0f;
  rl_model_init_params (m, 1);
  rl_model_set_threads (m, 1);
  rl_workspace_keep_freed_memory ();
  rl_model_forward_backward (m, x, labels, 64, NULL);
  bytes = rl_model_get_workspace_bytes (m);
  rl_model_release_workspaces (m);
  g_assert_cmpuint (rl_model_get_workspace_bytes (m), ==, 0);

  before = minor_faults ();
  rl_model_forward_backward (m, x, labels, 64, NULL);
  faults = minor_faults () - before;
  g_assert_cmpuint (rl_model_get_workspace_bytes (m), ==, bytes);
  g_test_message ("workspaces of %zu bytes (%zu pages) made again: %ld page faults",
                  bytes, bytes / 4096, faults);
  g_assert_cmpint (faults, <, (long) (bytes / 4096 / 10));
  rl_workspace_return_freed_memory ();
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/model/seed-table", test_seed_table);
  g_test_add_func ("/engine/model/init", test_init_bounds);
  g_test_add_func ("/engine/model/cifar-family", test_cifar_family);
  g_test_add_func ("/engine/model/response-std", test_response_std);
  g_test_add_func ("/engine/model/forward-training", test_forward_training);
  g_test_add_func ("/engine/model/inference-maps", test_inference_maps);
  g_test_add_func ("/engine/arch/parse", test_arch_parse);
  g_test_add_func ("/engine/sgd/semantics", test_sgd_semantics);
  g_test_add_func ("/engine/model/train-memory", test_train_memory);
  g_test_add_func ("/engine/model/predict-memory", test_predict_memory);
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  g_test_add_func ("/engine/model/workspaces-remade-warm", test_workspaces_remade_warm);
#endif
  return g_test_run ();
}
