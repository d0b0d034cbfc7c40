/* Every layer's forward against hand-computed values, every backward against central finite
 * differences. The losses for the differences are summed in double over float forwards;
 * inputs are kept away from ReLU and max-pool kinks so the differences are smooth. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "rl-layers.h"
#include "rl-gemm.h"
#include "rl-rng.h"

static void
fill_uniform (RlRng *rng, float *x, size_t n, float lo, float hi)
{
  for (size_t i = 0; i < n; i++)
    x[i] = rl_rng_uniform_range (rng, lo, hi);
}

static double
dot (const float *a, const float *b, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

/* L(theta) = <forward(theta), r>; checks dL/dtheta[i] against the analytic gradient. */
typedef double (*LossFn) (gpointer data);

static void
check_grad (const char *what, LossFn loss, gpointer data, float *theta, const float *analytic,
            size_t n, float h, double rtol, double atol)
{
  size_t step = n > 400 ? n / 400 : 1;   /* up to ~400 coordinates per tensor */
  size_t checked = 0;

  for (size_t i = 0; i < n; i += step)
    {
      float orig = theta[i];
      float up = orig + h, down = orig - h;
      double lp, lm, fd;

      theta[i] = up;
      lp = loss (data);
      theta[i] = down;
      lm = loss (data);
      theta[i] = orig;
      fd = (lp - lm) / ((double) up - (double) down);
      if (fabs (fd - analytic[i]) > atol + rtol * fabs (analytic[i]))
        g_error ("%s[%zu]: finite difference %.6g, backward %.6g", what, i, fd, analytic[i]);
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
}

/* ---- conv2d ------------------------------------------------------------------------------ */

static void
test_conv_forward_hand (void)
{
  RlConvGeom g;
  float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  float w[4] = { 1, 0, 0, -1 };
  float b[1] = { 0.5f };
  float y[4], cols[16];
  float ones[9], wones[9], y2[4], cols2[36];

  /* y[i][j] = x[i][j] - x[i+1][j+1] + 0.5 = -4 + 0.5 */
  g_assert_true (rl_conv_geom_init (&g, 1, 3, 3, 1, 2, 1, 0));
  g_assert_cmpint (g.ho, ==, 2);
  rl_conv2d_forward (&g, 1, x, w, b, y, cols);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (y[i], ==, -3.5f);

  /* 3x3 ones, 3x3 ones kernel, stride 2, padding 1: every window sees a 2x2 corner */
  for (int i = 0; i < 9; i++)
    ones[i] = wones[i] = 1.0f;
  g_assert_true (rl_conv_geom_init (&g, 1, 3, 3, 1, 3, 2, 1));
  g_assert_cmpint (g.ho, ==, 2);
  g_assert_cmpint (g.wo, ==, 2);
  rl_conv2d_forward (&g, 1, ones, wones, NULL, y2, cols2);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (y2[i], ==, 4.0f);
}

/* Direct convolution in double, reading the engine's (C, H, W, N) storage by hand, as an
 * independent reference for the im2col + GEMM path: forward, and the backward's dx and dw.
 * Large batches make the engine work in several blocks of output rows. */
static void
check_conv_reference (int n, int ci, int hi, int wi, int co, int k, int s, int p)
{
  RlConvGeom g;
  RlRng rng;
  float *x, *w, *b, *y, *cols, *dcols, *dy, *dx, *dw, *db;
  double *rdx, *rdw;

  g_assert_true (rl_conv_geom_init (&g, ci, hi, wi, co, k, s, p));
  rl_rng_init (&rng, 7);
  x = g_new (float, ci * n * hi * wi);
  w = g_new (float, co * ci * k * k);
  b = g_new (float, co);
  y = g_new (float, co * n * g.ho * g.wo);
  dy = g_new (float, co * n * g.ho * g.wo);
  /* a workspace sized for a larger batch must serve a smaller one (the model sizes them for
   * its largest thread slice); exactly sized, so the ASan run catches any overrun */
  cols = g_new (float, MAX (rl_conv_workspace_size (&g, n + 3), 1));
  dcols = g_new (float, MAX (rl_conv_workspace_size (&g, n + 3), 1));
  dx = g_new0 (float, ci * n * hi * wi);
  dw = g_new0 (float, co * ci * k * k);
  db = g_new0 (float, co);
  rdx = g_new0 (double, ci * n * hi * wi);
  rdw = g_new0 (double, co * ci * k * k);
  fill_uniform (&rng, x, ci * n * hi * wi, -1, 1);
  fill_uniform (&rng, w, co * ci * k * k, -1, 1);
  fill_uniform (&rng, b, co, -1, 1);
  fill_uniform (&rng, dy, co * n * g.ho * g.wo, -1, 1);
  rl_conv2d_forward (&g, n, x, w, b, y, cols);
  rl_conv2d_backward (&g, n, x, w, dy, dx, RL_GRAD_ADD, dw, db, cols, dcols);

  for (int img = 0; img < n; img++)
    for (int o = 0; o < co; o++)
      for (int oy = 0; oy < g.ho; oy++)
        for (int ox = 0; ox < g.wo; ox++)
          {
            double acc = b[o];
            for (int c = 0; c < ci; c++)
              for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                  {
                    int iy = oy * s - p + ky, ix = ox * s - p + kx;
                    if (iy < 0 || iy >= hi || ix < 0 || ix >= wi)
                      continue;
                    int xi = ((c * hi + iy) * wi + ix) * n + img;
                    int wi_ = ((o * ci + c) * k + ky) * k + kx;
                    double g_out = dy[((o * g.ho + oy) * g.wo + ox) * n + img];
                    acc += (double) w[wi_] * x[xi];
                    rdx[xi] += w[wi_] * g_out;
                    rdw[wi_] += x[xi] * g_out;
                  }
            g_assert_cmpfloat_with_epsilon (y[((o * g.ho + oy) * g.wo + ox) * n + img], acc,
                                            1e-4);
          }
  for (int i = 0; i < ci * n * hi * wi; i++)
    g_assert_cmpfloat_with_epsilon (dx[i], rdx[i], 1e-4 * (1 + fabs (rdx[i])));
  /* RL_GRAD_SET writes every element of dx whatever it held, the same values */
  {
    float *dx2 = g_new (float, ci * n * hi * wi), *dw2 = g_new0 (float, co * ci * k * k);
    for (int i = 0; i < ci * n * hi * wi; i++)
      dx2[i] = NAN;
    rl_conv2d_backward (&g, n, x, w, dy, dx2, RL_GRAD_SET, dw2, NULL, cols, dcols);
    for (int i = 0; i < ci * n * hi * wi; i++)
      g_assert_cmpfloat (dx2[i], ==, dx[i]);
    g_free (dx2);
    g_free (dw2);
  }
  for (int i = 0; i < co * ci * k * k; i++)
    g_assert_cmpfloat_with_epsilon (dw[i], rdw[i], 1e-4 * (1 + fabs (rdw[i])));
  g_free (x); g_free (w); g_free (b); g_free (y); g_free (cols); g_free (dcols); g_free (dy);
  g_free (dx); g_free (dw); g_free (db); g_free (rdx); g_free (rdw);
}

static void
test_conv_forward_reference (void)
{
  static const RlGemmKernel kernels[] = {
    RL_GEMM_KERNEL_PORTABLE, RL_GEMM_KERNEL_AVX2, RL_GEMM_KERNEL_AVX512,
  };

  for (size_t i = 0; i < G_N_ELEMENTS (kernels); i++)
    {
      if (!rl_gemm_kernel_supported (kernels[i]))
        continue;
      g_assert_true (rl_gemm_set_kernel (kernels[i]));
      check_conv_reference (2, 3, 7, 6, 4, 3, 2, 1);
      /* the seed's block convs at 40 and 13 images, and conv2's shape (stride 1: the implicit
       * GEMM, rl-conv.c); conv1's at 3 images: 24 * 3 = 72 columns a row */
      check_conv_reference (40, 16, 12, 12, 16, 3, 1, 1);
      check_conv_reference (13, 16, 12, 12, 16, 3, 1, 1);
      check_conv_reference (33, 16, 12, 12, 32, 5, 1, 0);
      check_conv_reference (3, 1, 28, 28, 4, 5, 1, 0);
      check_conv_reference (24, 6, 9, 9, 8, 3, 2, 1);
      /* implicit with padding 2 of a 5x5, padding K-1, rows just below and at the implicit
       * path's threshold (54 and 66 columns), padding beyond K-1 (im2col) */
      check_conv_reference (16, 2, 6, 7, 3, 5, 1, 2);
      check_conv_reference (20, 3, 5, 6, 2, 2, 1, 1);
      check_conv_reference (9, 2, 8, 8, 3, 3, 1, 0);
      check_conv_reference (11, 2, 8, 8, 3, 3, 1, 0);
      check_conv_reference (8, 2, 5, 5, 2, 2, 1, 2);
      /* implicit 3x3 "same" convs: odd sizes, a 1x1 map, more output than input channels,
       * rblock2's shape */
      check_conv_reference (16, 3, 7, 5, 4, 3, 1, 1);
      check_conv_reference (17, 2, 1, 1, 3, 3, 1, 1);
      check_conv_reference (20, 5, 4, 4, 7, 3, 1, 1);
      check_conv_reference (64, 32, 4, 4, 32, 3, 1, 1);
      /* the resnet-N nets' three stages at a thread's share of a batch; odd sizes, 1x1 and
       * 1-wide maps with channels in != out, not multiples of the GEMM's tile */
      check_conv_reference (32, 16, 28, 28, 16, 3, 1, 1);
      check_conv_reference (32, 32, 14, 14, 32, 3, 1, 1);
      check_conv_reference (21, 64, 7, 7, 64, 3, 1, 1);
      check_conv_reference (9, 8, 5, 7, 12, 3, 1, 1);
      check_conv_reference (8, 9, 1, 1, 10, 3, 1, 1);
      check_conv_reference (10, 11, 1, 6, 8, 3, 1, 1);
      check_conv_reference (12, 13, 3, 2, 17, 3, 1, 1);
    }
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
}

/* Inputs narrower than the kernel's reach, with stride and padding: taps that never touch the
 * input. The range of output columns a tap sees came out one too long there (issue #12: a
 * division that rounds toward zero), reading past the input and scattering into the wrong
 * column; every small geometry, against the plain loops above. */
static void
test_conv_narrow_input (void)
{
  int n_cases = 0;

  for (int k = 1; k <= 5; k++)
    for (int s = 1; s <= 3; s++)
      for (int p = 0; p <= MIN (3, k); p++)
        for (int hi = 1; hi <= 5; hi++)
          for (int wi = 1; wi <= 5; wi++)
            for (int n = 1; n <= 2; n++)
              {
                RlConvGeom g;

                if (!rl_conv_geom_init (&g, 1, hi, wi, 2, k, s, p))
                  continue;
                check_conv_reference (n, 1 + (wi & 1), hi, wi, 2, k, s, p);
                n_cases++;
              }
  g_test_message ("%d geometries", n_cases);
  g_assert_cmpint (n_cases, >, 1000);
}

typedef struct {
  RlConvGeom g;
  int n;
  float *x, *w, *b, *y, *r, *cols;
} ConvCase;

static double
conv_loss (gpointer data)
{
  ConvCase *c = data;
  rl_conv2d_forward (&c->g, c->n, c->x, c->w, c->b, c->y, c->cols);
  return dot (c->y, c->r, (size_t) c->g.co * c->n * c->g.ho * c->g.wo);
}

static void
check_conv_backward (int n, int ci, int hi, int wi, int co, int k, int s, int p)
{
  ConvCase c = { .n = n };
  RlRng rng;
  size_t nx, nw, ny;
  float *dx, *dw, *db, *dcols;
  g_autofree char *what = g_strdup_printf ("conv k%d s%d p%d", k, s, p);

  g_assert_true (rl_conv_geom_init (&c.g, ci, hi, wi, co, k, s, p));
  nx = (size_t) ci * n * hi * wi;
  nw = (size_t) co * ci * k * k;
  ny = (size_t) co * n * c.g.ho * c.g.wo;
  rl_rng_init (&rng, 11);
  c.x = g_new (float, nx); c.w = g_new (float, nw); c.b = g_new (float, co);
  c.y = g_new (float, ny); c.r = g_new (float, ny);
  c.cols = g_new (float, MAX (rl_conv_workspace_size (&c.g, n), 1));
  dcols = g_new (float, MAX (rl_conv_workspace_size (&c.g, n), 1));
  dx = g_new0 (float, nx); dw = g_new0 (float, nw); db = g_new0 (float, co);
  fill_uniform (&rng, c.x, nx, -1, 1);
  fill_uniform (&rng, c.w, nw, -1, 1);
  fill_uniform (&rng, c.b, co, -1, 1);
  fill_uniform (&rng, c.r, ny, -1, 1);

  rl_conv2d_backward (&c.g, n, c.x, c.w, c.r, dx, RL_GRAD_ADD, dw, db, c.cols, dcols);
  /* The loss is linear in each argument, so the differences are exact up to rounding. */
  check_grad (what, conv_loss, &c, c.x, dx, nx, 1e-2f, 1e-3, 1e-3);
  check_grad (what, conv_loss, &c, c.w, dw, nw, 1e-2f, 1e-3, 1e-3);
  check_grad (what, conv_loss, &c, c.b, db, co, 1e-2f, 1e-3, 1e-3);

  /* backward accumulates: a second call doubles the gradients */
  {
    float dw0 = dw[0];
    rl_conv2d_backward (&c.g, n, c.x, c.w, c.r, NULL, RL_GRAD_ADD, dw, db, c.cols, dcols);
    g_assert_cmpfloat_with_epsilon (dw[0], 2 * dw0, 1e-4 * (1 + fabsf (dw0)));
  }

  g_free (c.x); g_free (c.w); g_free (c.b); g_free (c.y); g_free (c.r); g_free (c.cols);
  g_free (dcols); g_free (dx); g_free (dw); g_free (db);
}

static void
test_conv_backward (void)
{
  check_conv_backward (2, 3, 7, 7, 4, 3, 2, 1);   /* stride and padding */
  check_conv_backward (3, 1, 12, 12, 4, 5, 1, 0); /* the seed's conv1 shape, smaller */
  check_conv_backward (2, 4, 6, 6, 4, 3, 1, 1);   /* the residual blocks' convs */
  check_conv_backward (2, 4, 6, 6, 6, 1, 2, 0);   /* projection shortcut, 1x1 stride 2 */
  check_conv_backward (2, 4, 5, 5, 3, 1, 1, 0);   /* pointwise: no im2col */
  check_conv_backward (1, 2, 5, 4, 2, 2, 3, 2);   /* odd sizes, stride 3 */
  check_conv_backward (12, 3, 6, 6, 4, 3, 1, 1);  /* 72 columns a row: the implicit GEMM */
  check_conv_backward (8, 2, 7, 9, 3, 5, 1, 2);   /* implicit, 5x5 "same" */
  check_conv_backward (16, 2, 5, 5, 3, 3, 1, 1);  /* implicit, 3x3 "same" */
}

static void
test_im2col_adjoint (void)
{
  RlConvGeom g;
  RlRng rng;
  const int n = 2;
  float *x, *c, *cols, *back;
  size_t nx, nc;

  /* <im2col(x), c> == <x, col2im(c)>: col2im is the exact adjoint */
  g_assert_true (rl_conv_geom_init (&g, 3, 9, 8, 2, 3, 2, 1));
  nx = (size_t) 3 * n * 9 * 8;
  nc = rl_conv_cols_size (&g, n);
  rl_rng_init (&rng, 3);
  x = g_new (float, nx); c = g_new (float, nc); cols = g_new (float, nc);
  back = g_new0 (float, nx);
  fill_uniform (&rng, x, nx, -1, 1);
  fill_uniform (&rng, c, nc, -1, 1);
  rl_im2col (&g, n, x, cols);
  rl_col2im (&g, n, c, back);
  g_assert_cmpfloat_with_epsilon (dot (cols, c, nc), dot (x, back, nx), 1e-4);
  g_free (x); g_free (c); g_free (cols); g_free (back);
}

/* ---- relu, maxpool, gap, linear, flatten ------------------------------------------------- */

static void
test_relu (void)
{
  float x[4] = { -1, 0, 2, -0.5f }, y[4], dy[4] = { 1, 1, 1, 1 }, dx[4] = { 0 };

  rl_relu_forward (x, y, 4);
  g_assert_cmpfloat (y[0], ==, 0); g_assert_cmpfloat (y[1], ==, 0);
  g_assert_cmpfloat (y[2], ==, 2); g_assert_cmpfloat (y[3], ==, 0);
  rl_relu_backward (y, dy, dx, 4);
  g_assert_cmpfloat (dx[0], ==, 0); g_assert_cmpfloat (dx[2], ==, 1);
}

typedef struct {
  int c, n, h, w, k;
  float *x, *y, *r;
} PoolCase;

static double
pool_loss (gpointer data)
{
  PoolCase *p = data;
  rl_maxpool_forward (p->c, p->n, p->h, p->w, p->k, p->x, p->y);
  return dot (p->y, p->r, (size_t) p->c * p->n * (p->h / p->k) * (p->w / p->k));
}

static void
test_maxpool (void)
{
  float x[16] = { 1, 5, 2, 0,
                  3, 4, 8, 8,
                  -1, -2, 0, 0,
                  -3, -4, 0, 1 };
  float y[4], dy[4] = { 1, 2, 3, 4 }, dx[16] = { 0 };

  rl_maxpool_forward (1, 1, 4, 4, 2, x, y);
  g_assert_cmpfloat (y[0], ==, 5); g_assert_cmpfloat (y[1], ==, 8);
  g_assert_cmpfloat (y[2], ==, -1); g_assert_cmpfloat (y[3], ==, 1);
  rl_maxpool_backward (1, 1, 4, 4, 2, x, y, dy, dx);
  g_assert_cmpfloat (dx[1], ==, 1);
  g_assert_cmpfloat (dx[6], ==, 2);   /* the tie 8, 8: the first wins, as in PyTorch */
  g_assert_cmpfloat (dx[7], ==, 0);
  g_assert_cmpfloat (dx[8], ==, 3);   /* the tie 0, 0 in the last window is not this one's */
  g_assert_cmpfloat (dx[15], ==, 4);
  g_assert_cmpfloat (dx[14], ==, 0);

  /* the batch innermost: (C=1, H=2, W=2, N=3), three images with ties in different places */
  {
    float xb[12] = { 1, 7, 2,    /* (0,0) for images 0, 1, 2 */
                     3, 7, 2,    /* (0,1) */
                     3, 0, 9,    /* (1,0) */
                     0, 7, 2 };  /* (1,1) */
    float yb[3], dyb[3] = { 1, 1, 1 }, dxb[12] = { 0 };
    rl_maxpool_forward (1, 3, 2, 2, 2, xb, yb);
    g_assert_cmpfloat (yb[0], ==, 3); g_assert_cmpfloat (yb[1], ==, 7);
    g_assert_cmpfloat (yb[2], ==, 9);
    rl_maxpool_backward (1, 3, 2, 2, 2, xb, yb, dyb, dxb);
    g_assert_cmpfloat (dxb[3], ==, 1); g_assert_cmpfloat (dxb[6], ==, 0);  /* image 0 */
    g_assert_cmpfloat (dxb[1], ==, 1); g_assert_cmpfloat (dxb[4], ==, 0);  /* image 1 */
    g_assert_cmpfloat (dxb[10], ==, 0);
    g_assert_cmpfloat (dxb[8], ==, 1);                                      /* image 2 */
  }

  /* finite differences on distinct values (a permutation of a spaced grid) */
  {
    PoolCase p = { .c = 3, .n = 2, .h = 6, .w = 6, .k = 2 };
    size_t nx = 3 * 2 * 36, ny = 3 * 2 * 9;
    RlRng rng;
    uint32_t *perm = g_new (uint32_t, nx);
    float *dxx = g_new0 (float, nx);

    p.x = g_new (float, nx); p.y = g_new (float, ny); p.r = g_new (float, ny);
    rl_rng_init (&rng, 5);
    for (size_t i = 0; i < nx; i++)
      perm[i] = (uint32_t) i;
    rl_rng_shuffle (&rng, perm, nx);
    for (size_t i = 0; i < nx; i++)
      p.x[i] = 0.1f * perm[i] - 10.0f;
    fill_uniform (&rng, p.r, ny, -1, 1);
    pool_loss (&p);
    rl_maxpool_backward (3, 2, 6, 6, 2, p.x, p.y, p.r, dxx);
    check_grad ("maxpool", pool_loss, &p, p.x, dxx, nx, 1e-2f, 1e-3, 1e-4);
    g_free (perm); g_free (dxx); g_free (p.x); g_free (p.y); g_free (p.r);
  }
}

/* The fused ReLU + max-pool backward against the two backwards one after the other: the same
 * values, and it overwrites whatever dz held. Inputs drawn from a few values so that ties and
 * all-negative windows (y = 0 after the ReLU) are common; sizes with and without a partial
 * window, and K = 3. */
static void
check_relu_maxpool (int c, int n, int h, int w, int k)
{
  const int ho = h / k, wo = w / k;
  const size_t nx = (size_t) c * h * w * n, ny = (size_t) c * ho * wo * n;
  float *z = g_new (float, nx), *x = g_new (float, nx), *y = g_new (float, ny);
  float *dy = g_new (float, ny), *dx = g_new0 (float, nx), *want = g_new0 (float, nx);
  float *dz = g_new (float, nx);
  RlRng rng;

  rl_rng_init (&rng, 19);
  for (size_t i = 0; i < nx; i++)
    z[i] = (float) ((int) (rl_rng_uniform (&rng) * 7.0f) - 3);
  fill_uniform (&rng, dy, ny, -1, 1);
  for (size_t i = 0; i < nx; i++)
    dz[i] = NAN;   /* must all be overwritten */
  rl_relu_forward (z, x, nx);
  rl_maxpool_forward (c, n, h, w, k, x, y);
  rl_maxpool_backward (c, n, h, w, k, x, y, dy, dx);
  rl_relu_backward (x, dx, want, nx);
  /* from the ReLU's output and from its input (what training passes) */
  for (int from_z = 0; from_z < 2; from_z++)
    {
      rl_relu_maxpool_backward (c, n, h, w, k, from_z ? z : x, y, dy, dz);
      for (size_t i = 0; i < nx; i++)   /* == : a zero may differ in sign */
        if (!(dz[i] == want[i]))
          g_error ("relu-maxpool c=%d n=%d %dx%d k=%d from %s: dz[%zu] = %g, expected %g", c, n,
                   h, w, k, from_z ? "z" : "relu(z)", i, dz[i], want[i]);
      for (size_t i = 0; i < nx; i++)
        dz[i] = NAN;
    }
  g_free (z); g_free (x); g_free (y); g_free (dy); g_free (dx); g_free (want); g_free (dz);
}

static void
test_relu_maxpool (void)
{
  check_relu_maxpool (3, 16, 8, 6, 2);
  check_relu_maxpool (2, 5, 7, 9, 2);
  check_relu_maxpool (2, 4, 9, 7, 3);
  check_relu_maxpool (16, 32, 24, 24, 2);   /* the seed's conv1 -> relu -> pool */
}

/* Convolution, ReLU and 2x2 max pooling as one layer (rl_conv2d_relu_maxpool_forward and its
 * backwards) against the three layers one after the other. x and w are small integers, so z is
 * exact and ties and all-negative windows are common; the forward and the input-gradient form
 * must then give the same bits, and the fused weight gradient the same sums up to rounding. */
static void
check_conv_relu_maxpool (int n, int ci, int hi, int wi, int co, int k, int p)
{
  RlConvGeom g;
  size_t nx, nw, nz, ny, ws, nb;
  float *x, *w, *b, *z, *r, *y_ref, *y, *arg, *dy, *dz_ref, *dz;
  float *dw_ref, *db_ref, *dw, *db, *cols, *dcols, *block;
  RlRng rng;
  double scale = 0.0;

  g_assert_true (rl_conv_geom_init (&g, ci, hi, wi, co, k, 1, p));
  g_assert_true (rl_conv_relu_maxpool_fusable (&g, n));
  nx = (size_t) ci * hi * wi * n;
  nw = (size_t) co * ci * k * k;
  nz = (size_t) co * g.ho * g.wo * n;
  ny = nz / 4;
  ws = MAX (rl_conv_workspace_size (&g, n), 1);
  nb = rl_conv_relu_maxpool_block_size (&g, n);
  x = g_new (float, nx); w = g_new (float, nw); b = g_new (float, co);
  z = g_new (float, nz); r = g_new (float, nz); dz_ref = g_new (float, nz); dz = g_new (float, nz);
  y_ref = g_new (float, ny); y = g_new (float, ny); arg = g_new (float, ny); dy = g_new (float, ny);
  dw_ref = g_new0 (float, nw); dw = g_new0 (float, nw);
  db_ref = g_new0 (float, co); db = g_new0 (float, co);
  cols = g_new (float, ws); dcols = g_new (float, ws); block = g_new (float, nb);

  rl_rng_init (&rng, 23);
  for (size_t i = 0; i < nx; i++)
    x[i] = (float) ((int) (rl_rng_uniform (&rng) * 3.0f) - 1);
  for (size_t i = 0; i < nw; i++)
    w[i] = (float) ((int) (rl_rng_uniform (&rng) * 3.0f) - 1);
  for (int i = 0; i < co; i++)
    b[i] = (float) ((int) (rl_rng_uniform (&rng) * 3.0f) - 1);
  fill_uniform (&rng, dy, ny, -1, 1);
  for (size_t i = 0; i < ny; i++)
    y[i] = arg[i] = NAN;   /* must all be written */

  /* forward: the same bits as conv, relu, maxpool */
  rl_conv2d_forward (&g, n, x, w, b, z, cols);
  rl_relu_forward (z, r, nz);
  rl_maxpool_forward (co, n, g.ho, g.wo, 2, r, y_ref);
  rl_conv2d_relu_maxpool_forward (&g, n, x, w, b, y, arg, cols, block);
  g_assert_cmpmem (y, sizeof (float) * ny, y_ref, sizeof (float) * ny);

  /* each window's winner: the first position (row-major) holding the maximum of z */
  {
    const int ph = g.ho / 2, pw = g.wo / 2;
    int ties = 0, negative = 0;

    for (int c = 0; c < co; c++)
      for (int py = 0; py < ph; py++)
        for (int px = 0; px < pw; px++)
          for (int i = 0; i < n; i++)
            {
              const size_t o = (((size_t) c * ph + py) * pw + px) * n + i;
              float v[4], m;
              int first = 0, equal = 0;

              for (int q = 0; q < 4; q++)
                v[q] = z[(((size_t) c * g.ho + 2 * py + q / 2) * g.wo + 2 * px + q % 2) * n + i];
              m = MAX (MAX (v[0], v[1]), MAX (v[2], v[3]));
              while (v[first] != m)
                first++;
              for (int q = 0; q < 4; q++)
                equal += v[q] == m;
              ties += equal > 1;
              negative += m <= 0.0f;
              if (arg[o] != (float) first)
                g_error ("conv-relu-maxpool n=%d %dx%d k%d p%d: winner %g at %zu, expected %d",
                         n, hi, wi, k, p, arg[o], o, first);
            }
    /* the inputs do exercise both */
    g_assert_cmpint (ties, >, 0);
    g_assert_cmpint (negative, >, 0);
  }

  /* the input-gradient form: the same bits as the compare-based fused backward */
  rl_relu_maxpool_backward (co, n, g.ho, g.wo, 2, z, y, dy, dz_ref);
  for (size_t i = 0; i < nz; i++)
    dz[i] = NAN;
  rl_relu_maxpool2_backward_arg (co, n, g.ho, g.wo, y, arg, dy, dz);
  for (size_t i = 0; i < nz; i++)   /* == : a zero may differ in sign */
    if (!(dz[i] == dz_ref[i]))
      g_error ("relu-maxpool2 from winners n=%d: dz[%zu] = %g, expected %g", n, i, dz[i],
               dz_ref[i]);

  /* the weight gradient without an input gradient: the same sums in another order */
  rl_conv2d_backward (&g, n, x, w, dz_ref, NULL, RL_GRAD_ADD, dw_ref, db_ref, cols, dcols);
  rl_conv2d_relu_maxpool_backward (&g, n, x, y, arg, dy, dw, db, cols, block);
  for (size_t i = 0; i < nw; i++)
    scale = MAX (scale, fabsf (dw_ref[i]));
  for (int i = 0; i < co; i++)
    scale = MAX (scale, fabsf (db_ref[i]));
  g_assert_cmpfloat (scale, >, 0.5);
  for (size_t i = 0; i < nw; i++)
    if (fabsf (dw[i] - dw_ref[i]) > 1e-5 * scale)
      g_error ("conv-relu-maxpool n=%d: dw[%zu] = %.7g, expected %.7g", n, i, dw[i], dw_ref[i]);
  for (int i = 0; i < co; i++)
    if (fabsf (db[i] - db_ref[i]) > 1e-5 * scale)
      g_error ("conv-relu-maxpool n=%d: db[%d] = %.7g, expected %.7g", n, i, db[i], db_ref[i]);

  /* it accumulates: a second call doubles both */
  {
    const float dw0 = dw[nw / 2], db0 = db[co - 1];
    rl_conv2d_relu_maxpool_backward (&g, n, x, y, arg, dy, dw, db, cols, block);
    g_assert_cmpfloat_with_epsilon (dw[nw / 2], 2 * dw0, 1e-5 * scale);
    g_assert_cmpfloat_with_epsilon (db[co - 1], 2 * db0, 1e-5 * scale);
  }

  g_free (x); g_free (w); g_free (b); g_free (z); g_free (r); g_free (dz_ref); g_free (dz);
  g_free (y_ref); g_free (y); g_free (arg); g_free (dy); g_free (dw_ref); g_free (dw);
  g_free (db_ref); g_free (db); g_free (cols); g_free (dcols); g_free (block);
}

static void
test_conv_relu_maxpool (void)
{
  static const RlGemmKernel kernels[] = {
    RL_GEMM_KERNEL_PORTABLE, RL_GEMM_KERNEL_AVX2, RL_GEMM_KERNEL_AVX512,
  };
  RlConvGeom g;

  /* not fusable: stride 2, an odd output size, rows too short for the implicit GEMM */
  g_assert_true (rl_conv_geom_init (&g, 1, 28, 28, 16, 5, 2, 0));
  g_assert_false (rl_conv_relu_maxpool_fusable (&g, 64));
  g_assert_true (rl_conv_geom_init (&g, 2, 7, 8, 3, 3, 1, 1));
  g_assert_false (rl_conv_relu_maxpool_fusable (&g, 64));
  g_assert_true (rl_conv_geom_init (&g, 1, 28, 28, 16, 5, 1, 0));
  g_assert_false (rl_conv_relu_maxpool_fusable (&g, 2));

  for (size_t i = 0; i < G_N_ELEMENTS (kernels); i++)
    {
      if (!rl_gemm_kernel_supported (kernels[i]))
        continue;
      g_assert_true (rl_gemm_set_kernel (kernels[i]));
      check_conv_relu_maxpool (64, 1, 28, 28, 16, 5, 0);   /* the seed's conv1, a batch */
      check_conv_relu_maxpool (3, 1, 28, 28, 16, 5, 0);    /* 72 columns a row */
      check_conv_relu_maxpool (13, 16, 12, 12, 32, 5, 0);  /* the seed's conv2 */
      check_conv_relu_maxpool (16, 1, 10, 10, 4, 5, 0);    /* 6 rows: a short last block */
      check_conv_relu_maxpool (8, 2, 8, 10, 3, 3, 1);      /* padding: column groups */
    }
  g_assert_true (rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO));
}

static void
test_gap (void)
{
  /* x: (C=2, HW=4, N=2): image 0 of channel 0 is 1..4, image 1 is 10..40; channel 1 doubles */
  float x[16], y[4], dy[4] = { 4, 8, 12, 16 }, dx[16] = { 0 };

  for (int c = 0; c < 2; c++)
    for (int p = 0; p < 4; p++)
      {
        x[(c * 4 + p) * 2 + 0] = (c + 1) * (p + 1);
        x[(c * 4 + p) * 2 + 1] = (c + 1) * 10 * (p + 1);
      }
  rl_gap_forward (2, 2, 4, x, y);   /* y: (C, N) */
  g_assert_cmpfloat (y[0], ==, 2.5f);
  g_assert_cmpfloat (y[1], ==, 25.0f);
  g_assert_cmpfloat (y[2], ==, 5.0f);
  g_assert_cmpfloat (y[3], ==, 50.0f);
  rl_gap_backward (2, 2, 4, dy, dx);
  g_assert_cmpfloat (dx[0], ==, 1.0f);   /* c 0, p 0, n 0 */
  g_assert_cmpfloat (dx[1], ==, 2.0f);   /* c 0, p 0, n 1 */
  g_assert_cmpfloat (dx[15], ==, 4.0f);  /* c 1, p 3, n 1 */
}

typedef struct {
  int n, d, m;
  float *x, *w, *b, *y, *r;
} LinCase;

static double
lin_loss (gpointer data)
{
  LinCase *l = data;
  rl_linear_forward (l->n, l->d, l->m, l->x, l->w, l->b, l->y);
  return dot (l->y, l->r, (size_t) l->n * l->m);
}

static void
test_linear (void)
{
  float x[2] = { 1, 2 };
  float w[6] = { 1, 1, 2, -1, 0, 3 };
  float b[3] = { 0, 1, -1 };
  float y[3];

  rl_linear_forward (1, 2, 3, x, w, b, y);
  g_assert_cmpfloat (y[0], ==, 3); g_assert_cmpfloat (y[1], ==, 1);
  g_assert_cmpfloat (y[2], ==, 5);

  {
    LinCase l = { .n = 5, .d = 12, .m = 7 };
    RlRng rng;
    float *dx = g_new0 (float, 5 * 12), *dw = g_new0 (float, 7 * 12), *db = g_new0 (float, 7);

    rl_rng_init (&rng, 9);
    l.x = g_new (float, 60); l.w = g_new (float, 84); l.b = g_new (float, 7);
    l.y = g_new (float, 35); l.r = g_new (float, 35);
    fill_uniform (&rng, l.x, 60, -1, 1); fill_uniform (&rng, l.w, 84, -1, 1);
    fill_uniform (&rng, l.b, 7, -1, 1); fill_uniform (&rng, l.r, 35, -1, 1);
    rl_linear_backward (5, 12, 7, l.x, l.w, l.r, dx, dw, db);
    check_grad ("linear x", lin_loss, &l, l.x, dx, 60, 1e-2f, 1e-3, 1e-4);
    check_grad ("linear w", lin_loss, &l, l.w, dw, 84, 1e-2f, 1e-3, 1e-4);
    check_grad ("linear b", lin_loss, &l, l.b, db, 7, 1e-2f, 1e-3, 1e-4);
    g_free (dx); g_free (dw); g_free (db); g_free (l.x); g_free (l.w); g_free (l.b);
    g_free (l.y); g_free (l.r);
  }
}

static void
test_flatten (void)
{
  /* x: (C=2, HW=3, N=2), value 100*c + 10*hw + n; image n flattened in (C, H, W) order is
   * 0+n, 10+n, 20+n, 100+n, 110+n, 120+n */
  float x[12], rows[12], back[12] = { 0 };

  for (int c = 0; c < 2; c++)
    for (int p = 0; p < 3; p++)
      for (int n = 0; n < 2; n++)
        x[(c * 3 + p) * 2 + n] = 100 * c + 10 * p + n;
  rl_flatten_forward (2, 2, 3, x, rows);
  for (int n = 0; n < 2; n++)
    for (int c = 0; c < 2; c++)
      for (int p = 0; p < 3; p++)
        g_assert_cmpfloat (rows[n * 6 + c * 3 + p], ==, 100 * c + 10 * p + n);
  rl_flatten_backward (2, 2, 3, rows, back);
  for (int i = 0; i < 12; i++)
    g_assert_cmpfloat (back[i], ==, x[i]);
}

/* ---- softmax cross-entropy ----------------------------------------------------------------- */

typedef struct {
  int n, m, denom;
  float *z;
  uint8_t *labels;
} XentCase;

static double
xent_loss (gpointer data)
{
  XentCase *c = data;
  return rl_softmax_xent (c->n, c->m, c->z, c->labels, c->denom, NULL, NULL, NULL) / c->denom;
}

static void
test_softmax_xent (void)
{
  float z[3] = { 0, 0, 0 }, dz[3], probs[3];
  uint8_t label = 1;
  int correct = -1;
  double loss = rl_softmax_xent (1, 3, z, &label, 2, dz, probs, &correct);

  g_assert_cmpfloat_with_epsilon (loss, log (3.0), 1e-9);
  g_assert_cmpfloat_with_epsilon (probs[2], 1.0 / 3, 1e-7);
  g_assert_cmpfloat_with_epsilon (dz[1], (1.0 / 3 - 1) / 2, 1e-7);  /* mean over denom 2 */
  g_assert_cmpint (correct, ==, 0);  /* a three-way tie: the first maximum, class 0, wins */

  /* large logits stay finite (log-sum-exp with the maximum subtracted) */
  {
    float big[2] = { 1000, -1000 };
    uint8_t l0 = 1;
    g_assert_cmpfloat_with_epsilon (rl_softmax_xent (1, 2, big, &l0, 1, NULL, NULL, NULL),
                                    2000.0, 1e-3);
  }

  {
    XentCase c = { .n = 6, .m = 10, .denom = 6 };
    RlRng rng;
    float *d = g_new (float, 60);
    rl_rng_init (&rng, 2);
    c.z = g_new (float, 60);
    c.labels = g_new (uint8_t, 6);
    fill_uniform (&rng, c.z, 60, -3, 3);
    for (int i = 0; i < 6; i++)
      c.labels[i] = (uint8_t) rl_rng_below (&rng, 10);
    rl_softmax_xent (6, 10, c.z, c.labels, 6, d, NULL, NULL);
    check_grad ("xent", xent_loss, &c, c.z, d, 60, 1e-2f, 2e-3, 1e-5);
    g_free (d); g_free (c.z); g_free (c.labels);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/conv2d/forward-hand", test_conv_forward_hand);
  g_test_add_func ("/engine/conv2d/reference", test_conv_forward_reference);
  g_test_add_func ("/engine/conv2d/backward", test_conv_backward);
  g_test_add_func ("/engine/conv2d/narrow-input", test_conv_narrow_input);
  g_test_add_func ("/engine/conv2d/im2col-adjoint", test_im2col_adjoint);
  g_test_add_func ("/engine/relu", test_relu);
  g_test_add_func ("/engine/maxpool", test_maxpool);
  g_test_add_func ("/engine/relu-maxpool", test_relu_maxpool);
  g_test_add_func ("/engine/conv-relu-maxpool", test_conv_relu_maxpool);
  g_test_add_func ("/engine/gap", test_gap);
  g_test_add_func ("/engine/linear", test_linear);
  g_test_add_func ("/engine/flatten", test_flatten);
  g_test_add_func ("/engine/softmax-xent", test_softmax_xent);
  return g_test_run ();
}
