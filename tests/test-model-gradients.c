/* test-model-gradients.c: gradients of whole networks against finite differences of a
 * double-precision reference forward (every kind of residual block, batch norm in training
 * mode), which also checks the engine's own forward; and determinism: a training step the same
 * to the bit at the same thread count and up to summation order at another (batch norm's
 * running statistics included, more threads than cores too), and the same loss curve over SGD
 * steps.
 *
 * The rest of the model (its parameter table, forward passes and the viewers' maps, the
 * architecture parser, SGD, memory): test-model.c. */
#include <glib.h>
#include <math.h>

#include "rl-model.h"
#include "rl-rng.h"
#include "rl-sgd.h"

#include "model-test-utils.h"

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

/* Batch norm over a batch of maps, in place: batch statistics (biased variance) in training,
 * the running statistics otherwise. */
static void
dbn (DMap *maps, int n, const RlModel *m, const double *pd, const char *prefix, gboolean train)
{
  const double *g = dparam (m, pd, prefix, ".weight"), *b = dparam (m, pd, prefix, ".bias");
  const double *rm = dparam (m, pd, prefix, ".running_mean");
  const double *rv = dparam (m, pd, prefix, ".running_var");
  const int c = maps[0].c, hw = maps[0].h * maps[0].w;

  for (int ch = 0; ch < c; ch++)
    {
      double mean = 0, var = 0;
      if (train)
        {
          for (int i = 0; i < n; i++)
            for (int j = 0; j < hw; j++)
              mean += maps[i].v[ch * hw + j] / ((double) n * hw);
          for (int i = 0; i < n; i++)
            for (int j = 0; j < hw; j++)
              {
                double d = maps[i].v[ch * hw + j] - mean;
                var += d * d / ((double) n * hw);
              }
        }
      else
        {
          mean = rm[ch];
          var = rv[ch];
        }
      for (int i = 0; i < n; i++)
        for (int j = 0; j < hw; j++)
          {
            double *v = &maps[i].v[ch * hw + j];
            *v = g[ch] * (*v - mean) / sqrt (var + 1e-5) + b[ch];
          }
    }
}

/* The forward of a batch: logits (N, P). */
static void
ref_forward_double (const RlModel *m, const double *pd, const float *images, int n,
                    gboolean train, double *logits)
{
  const RlArch *arch = rl_model_get_arch (m);
  DMap *x = g_new0 (DMap, n);
  int c0, h0, w0;

  rl_model_get_input_shape (m, &c0, &h0, &w0);
  for (int i = 0; i < n; i++)
    {
      x[i] = (DMap) { g_new (double, c0 * h0 * w0), c0, h0, w0 };
      for (int j = 0; j < c0 * h0 * w0; j++)
        x[i].v[j] = images[(size_t) i * c0 * h0 * w0 + j];
    }

  for (int l = 0; l < arch->n_layers; l++)
    {
      const RlLayerSpec *sp = &arch->layers[l];
      g_autofree char *p1 = g_strconcat (sp->name, ".conv1", NULL);
      g_autofree char *p2 = g_strconcat (sp->name, ".conv2", NULL);
      g_autofree char *b1 = g_strconcat (sp->name, ".bn1", NULL);
      g_autofree char *b2 = g_strconcat (sp->name, ".bn2", NULL);
      g_autofree char *ps = g_strconcat (sp->name, sp->bn ? ".shortcut.0" : ".shortcut", NULL);
      g_autofree char *psb = g_strconcat (sp->name, ".shortcut.1", NULL);
      DMap *y = g_new0 (DMap, n);
      DMap *h = g_new0 (DMap, n), *sc = g_new0 (DMap, n);

      if (sp->kind == RL_LAYER_RESIDUAL)
        {
          for (int i = 0; i < n; i++)
            h[i] = dconv (&x[i], dparam (m, pd, p1, ".weight"),
                          sp->bn ? NULL : dparam (m, pd, p1, ".bias"), sp->channels, 3, sp->stride, 1);
          if (sp->bn)
            dbn (h, n, m, pd, b1, train);
          for (int i = 0; i < n; i++)
            {
              drelu (&h[i]);
              y[i] = dconv (&h[i], dparam (m, pd, p2, ".weight"),
                            sp->bn ? NULL : dparam (m, pd, p2, ".bias"), sp->channels, 3, 1, 1);
            }
          if (sp->bn)
            dbn (y, n, m, pd, b2, train);
          if (sp->shortcut == RL_SHORTCUT_B)
            {
              for (int i = 0; i < n; i++)
                sc[i] = dconv (&x[i], dparam (m, pd, ps, ".weight"),
                               sp->bn ? NULL : dparam (m, pd, ps, ".bias"), sp->channels, 1,
                               sp->stride, 0);
              if (sp->bn)
                dbn (sc, n, m, pd, psb, train);
            }
          for (int i = 0; i < n; i++)
            {
              int len = y[i].c * y[i].h * y[i].w;
              if (sp->shortcut == RL_SHORTCUT_IDENTITY)
                for (int j = 0; j < len; j++)
                  y[i].v[j] += x[i].v[j];
              else if (sp->shortcut == RL_SHORTCUT_B)
                for (int j = 0; j < len; j++)
                  y[i].v[j] += sc[i].v[j];
              else if (sp->shortcut == RL_SHORTCUT_A)
                {
                  int lo = (y[i].c - x[i].c) / 2;   /* zero channels split evenly, as rl-model.c builds it */
                  for (int c = 0; c < x[i].c; c++)
                    for (int oy = 0; oy < y[i].h; oy++)
                      for (int ox = 0; ox < y[i].w; ox++)
                        y[i].v[((c + lo) * y[i].h + oy) * y[i].w + ox] +=
                          x[i].v[(c * x[i].h + oy * sp->stride) * x[i].w + ox * sp->stride];
                }
              drelu (&y[i]);
              g_free (h[i].v);
              g_free (sc[i].v);
            }
        }
      else if (sp->kind == RL_LAYER_BN)
        {
          for (int i = 0; i < n; i++)
            y[i] = (DMap) { g_memdup2 (x[i].v, sizeof (double) * x[i].c * x[i].h * x[i].w),
                            x[i].c, x[i].h, x[i].w };
          dbn (y, n, m, pd, sp->name, train);
        }
      else
        for (int i = 0; i < n; i++)
          {
            DMap *xi = &x[i];
            switch (sp->kind)
              {
              case RL_LAYER_CONV:
                y[i] = dconv (xi, dparam (m, pd, sp->name, ".weight"),
                              dparam (m, pd, sp->name, ".bias"), sp->channels, sp->kernel,
                              sp->stride, sp->pad);
                break;
              case RL_LAYER_RELU:
                y[i] = (DMap) { g_memdup2 (xi->v, sizeof (double) * xi->c * xi->h * xi->w),
                                xi->c, xi->h, xi->w };
                drelu (&y[i]);
                break;
              case RL_LAYER_MAXPOOL:
                {
                  int k = sp->kernel;
                  y[i] = (DMap) { NULL, xi->c, xi->h / k, xi->w / k };
                  y[i].v = g_new (double, y[i].c * y[i].h * y[i].w);
                  for (int c = 0; c < y[i].c; c++)
                    for (int oy = 0; oy < y[i].h; oy++)
                      for (int ox = 0; ox < y[i].w; ox++)
                        {
                          double best = -INFINITY;
                          for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++)
                              best = MAX (best, xi->v[(c * xi->h + oy * k + ky) * xi->w + ox * k + kx]);
                          y[i].v[(c * y[i].h + oy) * y[i].w + ox] = best;
                        }
                }
                break;
              case RL_LAYER_GAP:
                y[i] = (DMap) { g_new0 (double, xi->c), xi->c, 1, 1 };
                for (int c = 0; c < xi->c; c++)
                  for (int j = 0; j < xi->h * xi->w; j++)
                    y[i].v[c] += xi->v[c * xi->h * xi->w + j] / (xi->h * xi->w);
                break;
              case RL_LAYER_LINEAR:
                {
                  const double *w = dparam (m, pd, sp->name, ".weight");
                  const double *b = dparam (m, pd, sp->name, ".bias");
                  int d = xi->c * xi->h * xi->w;
                  y[i] = (DMap) { g_new0 (double, sp->channels), sp->channels, 1, 1 };
                  for (int o = 0; o < sp->channels; o++)
                    {
                      double acc = b[o];
                      for (int j = 0; j < d; j++)
                        acc += w[o * d + j] * xi->v[j];
                      y[i].v[o] = acc;
                    }
                }
                break;
              case RL_LAYER_RESIDUAL:
              case RL_LAYER_BN:
              default:
                g_assert_not_reached ();
              }
          }
      for (int i = 0; i < n; i++)
        g_free (x[i].v);
      g_free (x);
      g_free (h);
      g_free (sc);
      x = y;
    }
  for (int i = 0; i < n; i++)
    {
      for (int j = 0; j < x[i].c; j++)
        logits[i * x[i].c + j] = x[i].v[j];
      g_free (x[i].v);
    }
  g_free (x);
}

/* ---- gradients of whole networks ---------------------------------------------------------- */

typedef struct {
  RlModel *m;
  float *x;
  double *pd;       /* the parameters in double, perturbed one at a time */
  uint8_t *labels;
  int n;
} NetCase;

/* Mean cross-entropy over the batch, all in double, in training mode (batch norm with batch
 * statistics), as rl_model_forward_backward computes it. */
static double
net_loss (NetCase *c)
{
  int P = rl_model_get_n_classes (c->m);
  double total = 0.0;
  double *z = g_new (double, (size_t) c->n * P);

  ref_forward_double (c->m, c->pd, c->x, c->n, TRUE, z);
  for (int i = 0; i < c->n; i++)
    {
      double mx = -INFINITY, sum = 0.0;
      for (int j = 0; j < P; j++)
        mx = MAX (mx, z[i * P + j]);
      for (int j = 0; j < P; j++)
        sum += exp (z[i * P + j] - mx);
      total += log (sum) + mx - z[i * P + c->labels[i]];
    }
  g_free (z);
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

  /* the engine's float forward (evaluation mode) agrees with the double reference */
  {
    float *logits = g_new (float, n * classes);
    double *z = g_new (double, n * classes);
    rl_model_predict (nc.m, nc.x, n, logits);
    ref_forward_double (nc.m, nc.pd, nc.x, n, FALSE, z);
    for (int i = 0; i < n * classes; i++)
      g_assert_cmpfloat (fabs (logits[i] - z[i]), <=, 1e-4 * (1 + fabs (z[i])));
    g_free (logits);
    g_free (z);
  }

  rl_model_forward_backward (nc.m, nc.x, nc.labels, n, NULL);
  analytic = g_memdup2 (rl_model_get_grads (nc.m), rl_model_get_n_params (nc.m) * sizeof (float));

  for (guint t = 0; t < rl_model_get_n_tensors (nc.m); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (nc.m, t);
      guint tensor_checked = 0;

      if (!rl_param_info_is_trainable (info))
        continue;
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
test_grad_batchnorm (void)
{
  /* batch norm in training mode: the loss of each image depends on the whole batch */
  check_net_gradients ("stem=conv(4,k=3,p=1) bn1=bn relu b1=res(4,bn=1) "
                       "b2=res(6,s=2,shortcut=B,bn=1) b3=res(8,s=2,shortcut=A,bn=1) "
                       "b4=res(8,shortcut=none,bn=1) gap fc=linear(5)", 2, 10, 10, 5, 4, 6);
}

/* ---- thread counts and determinism -------------------------------------------------------- */

/* One training step of @desc on @n random images with @nt threads twice and with 1 thread:
 * the two @nt-thread models agree bit for bit (loss, gradients, parameters including
 * batch-norm running statistics), the 1-thread one up to summation order. Returns the 1-thread
 * model (transfer full) and the images (transfer full) for further checks. */
static RlModel *
check_thread_counts (const char *desc, int n, guint64 data_seed, int nt, float **x_out)
{
  RlModel *one = new_model (desc, 1, 28, 28, 10);
  g_autoptr (RlModel) a = new_model (desc, 1, 28, 28, 10);
  g_autoptr (RlModel) b = new_model (desc, 1, 28, 28, 10);
  g_autofree uint8_t *labels = g_new (uint8_t, n);
  float *x = g_new (float, (size_t) n * 784);
  float la, lb, l1;
  size_t np;
  RlRng rng;

  rl_rng_init (&rng, data_seed);
  for (int i = 0; i < n * 784; i++)
    x[i] = rl_rng_uniform_range (&rng, -0.5f, 2.5f);
  for (int i = 0; i < n; i++)
    labels[i] = (uint8_t) rl_rng_below (&rng, 10);
  rl_model_init_params (a, 3);
  rl_model_init_params (b, 3);
  rl_model_init_params (one, 3);
  rl_model_set_threads (a, nt);
  rl_model_set_threads (b, nt);
  rl_model_set_threads (one, 1);
  np = rl_model_get_n_params (a);

  la = rl_model_forward_backward (a, x, labels, n, NULL);
  lb = rl_model_forward_backward (b, x, labels, n, NULL);
  l1 = rl_model_forward_backward (one, x, labels, n, NULL);
  /* same thread count: the same bits */
  g_assert_cmpmem (&la, sizeof la, &lb, sizeof lb);
  g_assert_cmpmem (rl_model_get_grads (a), np * sizeof (float), rl_model_get_grads (b),
                   np * sizeof (float));
  g_assert_cmpmem (rl_model_get_params (a), np * sizeof (float), rl_model_get_params (b),
                   np * sizeof (float));
  /* another thread count: the same numbers up to summation order, and up to near-ties in a
   * max-pooling window, which another order can flip: the window's gradient then goes to the
   * other tap, the bias gradient stays and the weight gradient moves by one image's share.
   * Seen with the portable kernel on x86 (no FMA) on 37 images at 8 threads: conv1.weight off
   * by 2.8e-5, 1.1e-3 of its largest element, every other tensor by 3e-8 or less. So the
   * floor is 1e-5, or 5e-3 of the tensor's largest gradient if more: a wrong sum is off by
   * the size of the gradient itself (and test-parity checks the sums against PyTorch). */
  g_assert_cmpfloat_with_epsilon (la, l1, 1e-5);
  for (guint t = 0; t < rl_model_get_n_tensors (one); t++)
    {
      const RlParamInfo *info = rl_model_get_tensor_info (one, t);
      const float *g1 = rl_model_get_grads (one) + info->offset;
      const float *ga = rl_model_get_grads (a) + info->offset;
      float gmax = 0.0f;

      for (size_t i = 0; i < info->numel; i++)
        gmax = MAX (gmax, fabsf (g1[i]));
      for (size_t i = 0; i < info->numel; i++)
        g_assert_cmpfloat (fabsf (ga[i] - g1[i]), <=,
                           MAX (1e-5f, 5e-3f * gmax) + 1e-3f * fabsf (g1[i]));
    }
  for (size_t i = 0; i < np; i++)
    g_assert_cmpfloat (fabsf (rl_model_get_params (a)[i] - rl_model_get_params (one)[i]), <=,
                       1e-6f + 1e-5f * fabsf (rl_model_get_params (one)[i]));
  *x_out = x;
  return one;
}

static void
test_batchnorm_threads_and_running_stats (void)
{
  /* Batch statistics span the whole batch, whatever the thread count: 1 and 2 threads give the
   * same loss and gradients up to summation order, and the same running statistics. */
  const int n = 9;
  float *x = NULL;
  g_autoptr (RlModel) a = check_thread_counts ("resnet-8", n, 12, 2, &x);
  const RlParamInfo *rm, *rv, *nbt;

  /* one step: running_mean = 0.1 * batch mean, running_var = 0.9 + 0.1 * unbiased var,
   * num_batches_tracked = 1; buffers get no gradient */
  rm = rl_model_lookup_tensor (a, "bn1.running_mean");
  rv = rl_model_lookup_tensor (a, "bn1.running_var");
  nbt = rl_model_lookup_tensor (a, "bn1.num_batches_tracked");
  g_assert_nonnull (rm);
  g_assert_cmpint (nbt->ndim, ==, 0);
  g_assert_cmpfloat (rl_model_get_params (a)[nbt->offset], ==, 1.0f);
  g_assert_cmpfloat (rl_model_get_grads (a)[rm->offset], ==, 0.0f);
  {
    /* the stem's output statistics, from the model's own inference of each image */
    g_autoptr (RlInference) inf = rl_inference_new (a);
    double s = 0, s2 = 0, cnt = (double) n * 784;
    for (int i = 0; i < n; i++)
      {
        const RlActivation *conv1;
        rl_inference_run (inf, a, x + i * 784, NULL);
        conv1 = rl_inference_get_map (inf, 0);
        g_assert_cmpstr (conv1->layer_name, ==, "conv1");
        for (int j = 0; j < 784; j++)
          {
            s += conv1->data[j];
            s2 += (double) conv1->data[j] * conv1->data[j];
          }
      }
    g_assert_cmpfloat_with_epsilon (rl_model_get_params (a)[rm->offset], 0.1 * s / cnt, 1e-5);
    g_assert_cmpfloat_with_epsilon (rl_model_get_params (a)[rv->offset],
                                    0.9 + 0.1 * (s2 - s * s / cnt) / (cnt - 1), 1e-4);
  }
  g_free (x);
}

static void
test_threads_deterministic (void)
{
  float *x = NULL;

  rl_model_free (check_thread_counts ("seed", 37, 1, 2, &x));   /* odd: uneven slices */
  g_free (x);
}

/* More threads than this machine has cores (#15; oversubscribed here, so correctness, not
 * speed): 3, 4 and 8 threads repeat their own bits and agree with 1 thread up to summation
 * order, on the seed net at a batch of 64 (8 images a thread at 8), on 37 images (uneven
 * slices, 4 or 5 a thread) and on a batch-norm net, whose statistics span the threads' slices
 * (9 images: one or two a thread at 8). */
static void
test_threads_many (void)
{
  static const int counts[] = { 3, 4, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      static const struct {
        const char *desc;
        int n;
      } cases[] = {
        { "seed", 64 },
        { "seed", 37 },
        { "resnet-8", 9 },
      };

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          float *x = NULL;
          g_autoptr (RlModel) one = NULL;

          g_test_message ("%s, %d images, %d threads", cases[c].desc, cases[c].n, counts[i]);
          one = check_thread_counts (cases[c].desc, cases[c].n, 5 + c, counts[i], &x);
          g_free (x);
        }
    }
}

/* Same seed, same thread count: the same loss curve, bit for bit, over SGD steps on real-shaped
 * data (the batch order, initial weights, every sum and the SGD update all deterministic). */
static void
check_loss_curve_bit_exact (int nt)
{
  float curve[2][12];

  for (int run = 0; run < 2; run++)
    {
      g_autoptr (RlModel) m = new_model ("seed", 1, 28, 28, 10);
      g_autoptr (RlSgd) sgd = rl_sgd_new (m, 0.01f, 0.5f, 0.0f);
      RlRng rng;
      float *x = g_new (float, 64 * 784);
      uint8_t labels[64];

      rl_model_init_params (m, 7);
      rl_model_set_threads (m, nt);
      rl_rng_init (&rng, 99);
      for (int step = 0; step < 12; step++)
        {
          for (int i = 0; i < 64 * 784; i++)
            x[i] = rl_rng_uniform_range (&rng, -0.42f, 2.8f);
          for (int i = 0; i < 64; i++)
            labels[i] = (uint8_t) rl_rng_below (&rng, 10);
          curve[run][step] = rl_model_forward_backward (m, x, labels, 64, NULL);
          rl_sgd_step (sgd, m);
        }
      g_free (x);
    }
  g_assert_cmpmem (curve[0], sizeof curve[0], curve[1], sizeof curve[1]);
  g_assert_cmpfloat (curve[0][11], !=, curve[0][0]);   /* the weights did change */
}

static void
test_loss_curve_bit_exact (void)
{
  /* 2 threads, and more than this machine's cores (#15) */
  static const int counts[] = { 2, 3, 4, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    check_loss_curve_bit_exact (counts[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/model/gradients/seed", test_grad_seed);
  g_test_add_func ("/engine/model/gradients/residual-kinds", test_grad_residual_kinds);
  g_test_add_func ("/engine/model/gradients/batchnorm", test_grad_batchnorm);
  g_test_add_func ("/engine/model/batchnorm-threads", test_batchnorm_threads_and_running_stats);
  g_test_add_func ("/engine/model/threads-deterministic", test_threads_deterministic);
  g_test_add_func ("/engine/model/threads-many", test_threads_many);
  g_test_add_func ("/engine/model/loss-curve-bit-exact", test_loss_curve_bit_exact);
  return g_test_run ();
}
