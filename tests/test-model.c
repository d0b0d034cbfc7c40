/* The model: its parameter table against PyTorch's state_dict, gradients of whole networks
 * against finite differences (including every kind of residual block), determinism, the
 * per-layer activations for the viewers, the architecture parser and SGD's semantics. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "rl-error.h"
#include "rl-layers.h"
#include "rl-model.h"
#include "rl-rng.h"
#include "rl-sgd.h"

static RlModel *
new_model (const char *desc, int c, int h, int w, int classes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlArch) arch = rl_arch_parse (desc, &error);
  RlModel *m;

  g_assert_no_error (error);
  m = rl_model_new (arch, c, h, w, classes, &error);
  g_assert_no_error (error);
  return m;
}

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


/* ---- a double-precision reference forward ------------------------------------------------- */

/* An independent, naive implementation of the forward pass in double, one image at a time in
 * plain (C, H, W) order, reading the parameters through the model's public table. It checks
 * the engine's forward and gives the finite differences a loss free of float rounding. */
typedef struct {
  double *v;
  int c, h, w;
} DMap;

static const double *
dparam (const RlModel *m, const double *pd, const char *prefix, const char *suffix)
{
  g_autofree char *name = g_strconcat (prefix, suffix, NULL);
  const RlParamInfo *t = rl_model_lookup_tensor (m, name);
  g_assert_nonnull (t);
  return pd + t->offset;
}

static DMap
dconv (const DMap *x, const double *w, const double *b, int co, int k, int s, int p)
{
  DMap y = { NULL, co, (x->h + 2 * p - k) / s + 1, (x->w + 2 * p - k) / s + 1 };
  y.v = g_new0 (double, (size_t) co * y.h * y.w);
  for (int o = 0; o < co; o++)
    for (int oy = 0; oy < y.h; oy++)
      for (int ox = 0; ox < y.w; ox++)
        {
          double acc = b ? b[o] : 0.0;
          for (int c = 0; c < x->c; c++)
            for (int ky = 0; ky < k; ky++)
              for (int kx = 0; kx < k; kx++)
                {
                  int iy = oy * s - p + ky, ix = ox * s - p + kx;
                  if (iy >= 0 && iy < x->h && ix >= 0 && ix < x->w)
                    acc += w[((o * x->c + c) * k + ky) * k + kx] * x->v[(c * x->h + iy) * x->w + ix];
                }
          y.v[(o * y.h + oy) * y.w + ox] = acc;
        }
  return y;
}

static void
drelu (DMap *x)
{
  for (int i = 0; i < x->c * x->h * x->w; i++)
    x->v[i] = MAX (x->v[i], 0.0);
}

static void
ref_forward_double (const RlModel *m, const double *pd, const float *image, double *logits)
{
  const RlArch *arch = rl_model_get_arch (m);
  DMap x = { NULL, 0, 0, 0 };

  rl_model_get_input_shape (m, &x.c, &x.h, &x.w);
  x.v = g_new (double, x.c * x.h * x.w);
  for (int i = 0; i < x.c * x.h * x.w; i++)
    x.v[i] = image[i];

  for (int l = 0; l < arch->n_layers; l++)
    {
      const RlLayerSpec *sp = &arch->layers[l];
      DMap y = { NULL, 0, 0, 0 };

      switch (sp->kind)
        {
        case RL_LAYER_CONV:
          y = dconv (&x, dparam (m, pd, sp->name, ".weight"), dparam (m, pd, sp->name, ".bias"),
                     sp->channels, sp->kernel, sp->stride, sp->pad);
          break;
        case RL_LAYER_RELU:
          y = x;
          x.v = g_memdup2 (x.v, sizeof (double) * x.c * x.h * x.w);
          drelu (&y);
          break;
        case RL_LAYER_MAXPOOL:
          {
            int k = sp->kernel;
            y = (DMap) { NULL, x.c, x.h / k, x.w / k };
            y.v = g_new (double, y.c * y.h * y.w);
            for (int c = 0; c < y.c; c++)
              for (int oy = 0; oy < y.h; oy++)
                for (int ox = 0; ox < y.w; ox++)
                  {
                    double best = -INFINITY;
                    for (int ky = 0; ky < k; ky++)
                      for (int kx = 0; kx < k; kx++)
                        best = MAX (best, x.v[(c * x.h + oy * k + ky) * x.w + ox * k + kx]);
                    y.v[(c * y.h + oy) * y.w + ox] = best;
                  }
          }
          break;
        case RL_LAYER_GAP:
          y = (DMap) { g_new0 (double, x.c), x.c, 1, 1 };
          for (int c = 0; c < x.c; c++)
            for (int i = 0; i < x.h * x.w; i++)
              y.v[c] += x.v[c * x.h * x.w + i] / (x.h * x.w);
          break;
        case RL_LAYER_LINEAR:
          {
            const double *w = dparam (m, pd, sp->name, ".weight");
            const double *b = dparam (m, pd, sp->name, ".bias");
            int d = x.c * x.h * x.w;
            y = (DMap) { g_new0 (double, sp->channels), sp->channels, 1, 1 };
            for (int o = 0; o < sp->channels; o++)
              {
                double acc = b[o];
                for (int i = 0; i < d; i++)
                  acc += w[o * d + i] * x.v[i];
                y.v[o] = acc;
              }
          }
          break;
        case RL_LAYER_RESIDUAL:
          {
            g_autofree char *p1 = g_strconcat (sp->name, ".conv1", NULL);
            g_autofree char *p2 = g_strconcat (sp->name, ".conv2", NULL);
            g_autofree char *ps = g_strconcat (sp->name, ".shortcut", NULL);
            DMap h = dconv (&x, dparam (m, pd, p1, ".weight"), dparam (m, pd, p1, ".bias"),
                            sp->channels, 3, sp->stride, 1);
            drelu (&h);
            y = dconv (&h, dparam (m, pd, p2, ".weight"), dparam (m, pd, p2, ".bias"),
                       sp->channels, 3, 1, 1);
            g_free (h.v);
            if (sp->shortcut == RL_SHORTCUT_IDENTITY)
              for (int i = 0; i < y.c * y.h * y.w; i++)
                y.v[i] += x.v[i];
            else if (sp->shortcut == RL_SHORTCUT_B)
              {
                DMap sc = dconv (&x, dparam (m, pd, ps, ".weight"), dparam (m, pd, ps, ".bias"),
                                 sp->channels, 1, sp->stride, 0);
                for (int i = 0; i < y.c * y.h * y.w; i++)
                  y.v[i] += sc.v[i];
                g_free (sc.v);
              }
            else if (sp->shortcut == RL_SHORTCUT_A)
              {
                int lo = (y.c - x.c) / 2;   /* zero channels split evenly, as in rl-model.c */
                for (int c = 0; c < x.c; c++)
                  for (int oy = 0; oy < y.h; oy++)
                    for (int ox = 0; ox < y.w; ox++)
                      y.v[((c + lo) * y.h + oy) * y.w + ox] +=
                        x.v[(c * x.h + oy * sp->stride) * x.w + ox * sp->stride];
              }
            drelu (&y);
          }
          break;
        default:
          g_assert_not_reached ();
        }
      g_free (x.v);
      x = y;
    }
  for (int j = 0; j < x.c; j++)
    logits[j] = x.v[j];
  g_free (x.v);
}

/* ---- gradients of whole networks ---------------------------------------------------------- */

typedef struct {
  RlModel *m;
  float *x;
  double *pd;       /* the parameters in double, perturbed one at a time */
  uint8_t *labels;
  int n;
} NetCase;

/* Mean cross-entropy over the batch, all in double. */
static double
net_loss (NetCase *c)
{
  int P = rl_model_get_n_classes (c->m), ci, hi, wi;
  double total = 0.0, z[64];

  rl_model_get_input_shape (c->m, &ci, &hi, &wi);
  for (int i = 0; i < c->n; i++)
    {
      double mx = -INFINITY, sum = 0.0;
      ref_forward_double (c->m, c->pd, c->x + (size_t) i * ci * hi * wi, z);
      for (int j = 0; j < P; j++)
        mx = MAX (mx, z[j]);
      for (int j = 0; j < P; j++)
        sum += exp (z[j] - mx);
      total += log (sum) + mx - z[c->labels[i]];
    }
  return total / c->n;
}

static void
check_net_gradients (const char *desc, int c, int h, int w, int classes, int n,
                     int per_tensor)
{
  NetCase nc = { .n = n };
  RlRng rng;
  size_t chw = (size_t) c * h * w;
  float *analytic, *params;
  guint checked = 0, kinks = 0, total = 0;

  nc.m = new_model (desc, c, h, w, classes);
  rl_model_init_params (nc.m, 5);
  rl_rng_init (&rng, 6);
  nc.x = g_new (float, n * chw);
  nc.labels = g_new (uint8_t, n);
  for (size_t i = 0; i < n * chw; i++)
    nc.x[i] = rl_rng_uniform_range (&rng, -1.5f, 1.5f);
  for (int i = 0; i < n; i++)
    nc.labels[i] = (uint8_t) rl_rng_below (&rng, classes);
  params = rl_model_get_params (nc.m);
  nc.pd = g_new (double, rl_model_get_n_params (nc.m));
  for (size_t i = 0; i < rl_model_get_n_params (nc.m); i++)
    nc.pd[i] = params[i];

  /* the engine's float forward agrees with the double reference */
  {
    float *logits = g_new (float, n * classes);
    double z[64];
    rl_model_predict (nc.m, nc.x, n, logits);
    for (int i = 0; i < n; i++)
      {
        ref_forward_double (nc.m, nc.pd, nc.x + (size_t) i * chw, z);
        for (int j = 0; j < classes; j++)
          g_assert_cmpfloat (fabs (logits[i * classes + j] - z[j]), <=, 1e-4 * (1 + fabs (z[j])));
      }
    g_free (logits);
  }

  rl_model_forward_backward (nc.m, nc.x, nc.labels, n, NULL);
  analytic = g_memdup2 (rl_model_get_grads (nc.m), rl_model_get_n_params (nc.m) * sizeof (float));

  for (guint t = 0; t < rl_model_get_n_tensors (nc.m); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (nc.m, t);
      guint tensor_checked = 0;

      for (int k = 0; k < per_tensor; k++)
        {
          size_t i = info->offset + rl_rng_below (&rng, (uint32_t) info->numel);
          /* In double a small step is free of rounding trouble and rarely crosses a kink. */
          const double h1 = 1e-6;
          double orig = nc.pd[i];
          double l0, lp, lm, fd, curvature, err;

          total++;
          l0 = net_loss (&nc);
          nc.pd[i] = orig + h1;
          lp = net_loss (&nc);
          nc.pd[i] = orig - h1;
          lm = net_loss (&nc);
          nc.pd[i] = orig;
          fd = (lp - lm) / (2 * h1);
          err = fabs (fd - analytic[i]);
          /* the analytic side is float: 1e-3 relative, plus an absolute floor far below the
           * typical gradient (1e-3 .. 1e-1 here) */
          if (err > 1e-6 + 1e-3 * fabs (analytic[i]))
            {
              /* A ReLU or max-pool decision that flips inside [-h, h] bends the loss: a kink of
               * slope change D at distance t moves the central difference by D (h - |t|) / 2h
               * and the second difference by D (h - |t|). A smooth loss has a second difference
               * of order h^2. So a mismatch the bend explains is a kink, skipped and counted;
               * any other is a wrong gradient. */
              curvature = fabs (lp + lm - 2 * l0);
              if (curvature / (2 * h1) < 0.5 * err)
                g_error ("%s: %s[%zu]: finite difference %.6g, backward %.6g", desc,
                         info->name, i - info->offset, fd, analytic[i]);
              kinks++;
              continue;
            }
          checked++;
          tensor_checked++;
        }
      g_assert_cmpuint (tensor_checked, >, 0);
    }
  g_test_message ("%s: %u coordinates checked, %u skipped near a kink", desc, checked, kinks);
  g_assert_cmpuint (checked, >=, total * 3 / 4);

  g_free (analytic);
  g_free (nc.x); g_free (nc.labels); g_free (nc.pd);
  rl_model_free (nc.m);
}

static void
test_grad_seed (void)
{
  check_net_gradients ("seed", 1, 28, 28, 10, 3, 6);
}

static void
test_grad_residual_kinds (void)
{
  /* identity, projection (B), zero-padded (A) and plain blocks, strides, global pooling */
  check_net_gradients ("stem=conv(4,k=3,p=1) relu b1=res(4) b2=res(6,s=2,shortcut=B) "
                       "b3=res(8,s=2,shortcut=A) b4=res(8,shortcut=none) gap fc=linear(5)",
                       2, 10, 10, 5, 3, 6);
  check_net_gradients ("b0=res(3,shortcut=B) fc=linear(4)", 2, 5, 5, 4, 2, 8);
}

static void
test_threads_deterministic (void)
{
  g_autoptr (RlModel) a = new_model ("seed", 1, 28, 28, 10);
  g_autoptr (RlModel) b = new_model ("seed", 1, 28, 28, 10);
  g_autoptr (RlModel) one = new_model ("seed", 1, 28, 28, 10);
  RlRng rng;
  const int n = 37;   /* odd: uneven slices */
  float *x = g_new (float, n * 784);
  uint8_t labels[37];
  float la, lb, l1;
  size_t np;

  rl_rng_init (&rng, 1);
  for (int i = 0; i < n * 784; i++)
    x[i] = rl_rng_uniform_range (&rng, -0.5f, 2.5f);
  for (int i = 0; i < n; i++)
    labels[i] = (uint8_t) rl_rng_below (&rng, 10);
  rl_model_init_params (a, 3);
  rl_model_init_params (b, 3);
  rl_model_init_params (one, 3);
  rl_model_set_threads (a, 2);
  rl_model_set_threads (b, 2);
  rl_model_set_threads (one, 1);
  np = rl_model_get_n_params (a);

  la = rl_model_forward_backward (a, x, labels, n, NULL);
  lb = rl_model_forward_backward (b, x, labels, n, NULL);
  l1 = rl_model_forward_backward (one, x, labels, n, NULL);
  /* same thread count: the same bits */
  g_assert_cmpmem (&la, sizeof la, &lb, sizeof lb);
  g_assert_cmpmem (rl_model_get_grads (a), np * sizeof (float), rl_model_get_grads (b),
                   np * sizeof (float));
  /* another thread count: the same numbers up to summation order */
  g_assert_cmpfloat_with_epsilon (la, l1, 1e-5);
  for (size_t i = 0; i < np; i++)
    g_assert_cmpfloat (fabsf (rl_model_get_grads (a)[i] - rl_model_get_grads (one)[i]), <=,
                       1e-5f + 1e-3f * fabsf (rl_model_get_grads (one)[i]));
  g_free (x);
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
      m = rl_model_new (a, 1, 28, 28, 10, &error);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/model/seed-table", test_seed_table);
  g_test_add_func ("/engine/model/init", test_init_bounds);
  g_test_add_func ("/engine/model/gradients/seed", test_grad_seed);
  g_test_add_func ("/engine/model/gradients/residual-kinds", test_grad_residual_kinds);
  g_test_add_func ("/engine/model/threads-deterministic", test_threads_deterministic);
  g_test_add_func ("/engine/model/inference-maps", test_inference_maps);
  g_test_add_func ("/engine/arch/parse", test_arch_parse);
  g_test_add_func ("/engine/sgd/semantics", test_sgd_semantics);
  return g_test_run ();
}
