#define G_LOG_DOMAIN "reslab-engine"

/* rl-winograd.c: the 3x3 convolution by F(2x2, 3x3); see rl-winograd.h for the algebra.
 *
 * Legend: as rl-conv.c. A tile is a 2x2 block of output; the image has th x tw of them
 * (ceil(H / 2) x ceil(W / 2)), numbered row by row. xi (0..15) is a position in the 4x4
 * transformed tile, 4 * row + column. In a block of nt tiles there are cols = nt * N columns,
 * tile j's images at j * N .. j * N + N - 1. Block buffers are [xi][channel][cols].
 *
 * The matrices (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 *   B^T = | 1  0 -1  0 |    G = | 1    0    0   |    A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |        | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
 *         | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |        | 0    0    1   |
 */

#include "rl-winograd.h"

#include <stdlib.h>
#include <string.h>

#include "rl-clones.h"
#include "rl-gemm.h"

/* Floats of the transformed inputs and products of one block of tiles (both sides), so that
 * they stay in L2 between the transforms and the GEMMs. Measured with tools/bench-conv. */
#define RL_WINO_BLOCK_FLOATS (512 * 1024)

static int wino_enabled = -1;

void
rl_winograd_set_enabled (gboolean enabled)
{
  wino_enabled = enabled ? 1 : 0;
}

gboolean
rl_winograd_get_enabled (void)
{
  if (wino_enabled < 0)
    {
      const char *env = g_getenv ("RESLAB_WINOGRAD");
      wino_enabled = !(env != NULL && strcmp (env, "0") == 0);
    }
  return wino_enabled;
}

gboolean
rl_winograd_serves (const RlConvGeom *g, int n)
{
  return g->k == 3 && g->stride == 1 && g->pad == 1 && g->ci >= 8 && g->co >= 8 && n >= 8
         && rl_winograd_get_enabled ();
}

static inline size_t
round16 (size_t n)
{
  return (n + 15) & ~(size_t) 15;
}

static inline int
tile_count (const RlConvGeom *g)
{
  return ((g->hi + 1) / 2) * ((g->wi + 1) / 2);
}

/* Floats from one transformed position xi to the next in a block buffer of @ch channels:
 * one cache line more than the block, so that the 16 streams a transform reads or writes do
 * not all fall into the same L1 set (8 KB apart, as they would be, they did: the transforms
 * ran at a tenth of their speed). */
static inline size_t
xi_stride (int ch, size_t cols)
{
  return (size_t) ch * cols + 16;
}

/* Tiles a block for @n images, with @chans input plus output channels. */
static int
tiles_per_block (int chans, int n, int ntiles)
{
  const int t = RL_WINO_BLOCK_FLOATS / (16 * chans * n);
  return CLAMP (t, 1, ntiles);
}

/* The most columns a block has for any batch of up to @n images: tiles_per_block() * n' is at
 * most the budget when there are several tiles, n' when one. */
static size_t
max_block_cols (const RlConvGeom *g, int n)
{
  return MAX ((size_t) n, (size_t) RL_WINO_BLOCK_FLOATS / (16 * (size_t) (g->ci + g->co)));
}

/* One workspace, forward or either side of the backward. */
typedef struct {
  float        *u;      /* [16][cin][cout] transformed kernels; the backward's dU [16][co][ci] */
  float        *v;      /* [16][cin][cols] transformed input */
  float        *m;      /* [16][cout][cols] products, or the transformed output gradient */
  float        *zero;   /* N zeros: the input outside the image */
  float        *sink;   /* N floats: where outputs outside the image go */
  const float **ptr;    /* row pointers for the weight gradient's dot products */
} WinoWs;

static size_t
wino_ws (const RlConvGeom *g, int n, float *base, WinoWs *ws)
{
  const size_t cmax = (size_t) MAX (g->ci, g->co), cols = max_block_cols (g, n);
  const size_t nu = round16 (16 * (size_t) g->ci * g->co);
  const size_t nv = round16 (16 * xi_stride ((int) cmax, cols));
  const size_t nz = round16 (cols);
  const size_t np = round16 (((size_t) g->ci + g->co) * sizeof (float *) / sizeof (float) + 1);

  if (ws != NULL)
    {
      ws->u = base;
      ws->v = base + nu;
      ws->m = base + nu + nv;
      ws->zero = base + nu + 2 * nv;
      ws->sink = base + nu + 2 * nv + nz;
      ws->ptr = (const float **) (base + nu + 2 * nv + 2 * nz);
      memset (ws->zero, 0, sizeof (float) * n);
      memset (ws->sink, 0, sizeof (float) * n);
    }
  return nu + 2 * nv + 2 * nz + np;
}

size_t
rl_winograd_workspace_size (const RlConvGeom *g, int n)
{
  /* below 8 images the direct paths serve (rl_winograd_serves) */
  if (n < 8)
    return 0;
  return wino_ws (g, n, NULL, NULL);
}

/* u[xi][c][o] = (G k G^T)[xi], k the kernel from input channel c to output channel o: w[o][c]
 * (forward), or for the input gradient's correlation (cin = Co, cout = Ci) w[c][o] turned by
 * 180 degrees. Not cloned: the multiplies by 1/2 could be contracted differently per ISA. */
static void
kernel_transform (int cin, int cout, const float *w, gboolean turned, float *u)
{
  static const float G[4][3] = { { 1, 0, 0 }, { 0.5f, 0.5f, 0.5f }, { 0.5f, -0.5f, 0.5f },
                                 { 0, 0, 1 } };
  const size_t plane = (size_t) cin * cout;

  for (int c = 0; c < cin; c++)
    for (int o = 0; o < cout; o++)
      {
        const float *src = turned ? w + ((size_t) c * cout + o) * 9 : w + ((size_t) o * cin + c) * 9;
        float k[3][3], gk[4][3];

        for (int y = 0; y < 3; y++)
          for (int x = 0; x < 3; x++)
            k[y][x] = turned ? src[(2 - y) * 3 + (2 - x)] : src[y * 3 + x];
        for (int r = 0; r < 4; r++)
          for (int x = 0; x < 3; x++)
            gk[r][x] = G[r][0] * k[0][x] + G[r][1] * k[1][x] + G[r][2] * k[2][x];
        for (int r = 0; r < 4; r++)
          for (int q = 0; q < 4; q++)
            u[(size_t) (4 * r + q) * plane + (size_t) c * cout + o] =
              gk[r][0] * G[q][0] + gk[r][1] * G[q][1] + gk[r][2] * G[q][2];
      }
}

/* v[xi][c][j * n + i] = (B^T d B)[xi] for tile t0 + j of input channel c */
RL_CLONES (static, void, input_block,
           (int cin, int h, int w, int n, const float *restrict x, int t0, int nt,
            const float *restrict zero, float *restrict v),
           (cin, h, w, n, x, t0, nt, zero, v))
{
  const int tw = (w + 1) / 2;
  const size_t plane = (size_t) h * w * n, cols = (size_t) nt * n, xs = xi_stride (cin, cols);

  for (int c = 0; c < cin; c++)
    for (int j = 0; j < nt; j++)
      {
        const int ty = (t0 + j) / tw, tx = (t0 + j) % tw;
        const float *p[16];
        float *restrict o = v + c * cols + (size_t) j * n;

        for (int r = 0; r < 4; r++)
          for (int q = 0; q < 4; q++)
            {
              const int iy = 2 * ty - 1 + r, ix = 2 * tx - 1 + q;
              p[4 * r + q] = iy >= 0 && iy < h && ix >= 0 && ix < w
                             ? x + c * plane + ((size_t) iy * w + ix) * n : zero;
            }
#pragma GCC ivdep
        for (int i = 0; i < n; i++)
          {
            float t[16];
            for (int q = 0; q < 4; q++)
              {
                t[q] = p[q][i] - p[8 + q][i];
                t[4 + q] = p[4 + q][i] + p[8 + q][i];
                t[8 + q] = p[8 + q][i] - p[4 + q][i];
                t[12 + q] = p[4 + q][i] - p[12 + q][i];
              }
            for (int r = 0; r < 4; r++)
              {
                o[(4 * r + 0) * xs + i] = t[4 * r] - t[4 * r + 2];
                o[(4 * r + 1) * xs + i] = t[4 * r + 1] + t[4 * r + 2];
                o[(4 * r + 2) * xs + i] = t[4 * r + 2] - t[4 * r + 1];
                o[(4 * r + 3) * xs + i] = t[4 * r + 1] - t[4 * r + 3];
              }
          }
      }
}

/* y (=, or += with @add) A^T m A (+ bias) for the tiles of the block; outputs outside the
 * image (odd H or W) go to @sink. */
RL_CLONES (static, void, output_block,
           (int cout, int h, int w, int n, const float *restrict m, int t0, int nt,
            const float *bias, gboolean add, float *sink, float *y),
           (cout, h, w, n, m, t0, nt, bias, add, sink, y))
{
  const int tw = (w + 1) / 2;
  const size_t plane = (size_t) h * w * n, cols = (size_t) nt * n, xs = xi_stride (cout, cols);

  for (int o = 0; o < cout; o++)
    for (int j = 0; j < nt; j++)
      {
        const int oy = 2 * ((t0 + j) / tw), ox = 2 * ((t0 + j) % tw);
        const float *restrict mp = m + o * cols + (size_t) j * n;
        const float b = bias != NULL ? bias[o] : 0.0f;
        float *y00 = y + o * plane + ((size_t) oy * w + ox) * n;
        float *y01 = ox + 1 < w ? y00 + n : sink;
        float *y10 = oy + 1 < h ? y00 + (size_t) w * n : sink;
        float *y11 = ox + 1 < w && oy + 1 < h ? y00 + (size_t) (w + 1) * n : sink;

#pragma GCC ivdep
        for (int i = 0; i < n; i++)
          {
            float s0[4], s1[4], r00, r01, r10, r11;
            for (int q = 0; q < 4; q++)
              {
                s0[q] = mp[q * xs + i] + mp[(4 + q) * xs + i] + mp[(8 + q) * xs + i];
                s1[q] = mp[(4 + q) * xs + i] - mp[(8 + q) * xs + i] - mp[(12 + q) * xs + i];
              }
            r00 = s0[0] + s0[1] + s0[2];
            r01 = s0[1] - s0[2] - s0[3];
            r10 = s1[0] + s1[1] + s1[2];
            r11 = s1[1] - s1[2] - s1[3];
            if (add)
              {
                y00[i] += r00; y01[i] += r01; y10[i] += r10; y11[i] += r11;
              }
            else
              {
                y00[i] = r00 + b; y01[i] = r01 + b; y10[i] = r10 + b; y11[i] = r11 + b;
              }
          }
      }
}

/* dm[xi][o][j * n + i] = (A dY A^T)[xi] for tile t0 + j of output channel o (the gradient of
 * the tile's 16 products); outputs outside the image count as zero. */
RL_CLONES (static, void, grad_block,
           (int cout, int h, int w, int n, const float *restrict dy, int t0, int nt,
            const float *restrict zero, float *restrict dm),
           (cout, h, w, n, dy, t0, nt, zero, dm))
{
  const int tw = (w + 1) / 2;
  const size_t plane = (size_t) h * w * n, cols = (size_t) nt * n, xs = xi_stride (cout, cols);

  for (int o = 0; o < cout; o++)
    for (int j = 0; j < nt; j++)
      {
        const int oy = 2 * ((t0 + j) / tw), ox = 2 * ((t0 + j) % tw);
        const float *p00 = dy + o * plane + ((size_t) oy * w + ox) * n;
        const float *p01 = ox + 1 < w ? p00 + n : zero;
        const float *p10 = oy + 1 < h ? p00 + (size_t) w * n : zero;
        const float *p11 = ox + 1 < w && oy + 1 < h ? p00 + (size_t) (w + 1) * n : zero;
        float *restrict d = dm + o * cols + (size_t) j * n;

#pragma GCC ivdep
        for (int i = 0; i < n; i++)
          {
            /* rows of A dY: (a, b), (a + c, b + d), (a - c, b - d), (-c, -d) */
            const float a = p00[i], b = p01[i], c = p10[i], e = p11[i];
            const float r[4][2] = { { a, b }, { a + c, b + e }, { a - c, b - e }, { -c, -e } };
            for (int k = 0; k < 4; k++)
              {
                d[(4 * k + 0) * xs + i] = r[k][0];
                d[(4 * k + 1) * xs + i] = r[k][0] + r[k][1];
                d[(4 * k + 2) * xs + i] = r[k][0] - r[k][1];
                d[(4 * k + 3) * xs + i] = -r[k][1];
              }
          }
      }
}

/* y (=, or += with @add) the correlation of x (cin, h, w, n) with the transformed kernels u,
 * padding 1, into y (cout, h, w, n) */
static void
correlate (int cin, int h, int w, int cout, int n, const float *x, const float *bias,
           gboolean add, float *y, const WinoWs *ws)
{
  const int ntiles = ((h + 1) / 2) * ((w + 1) / 2);
  const int per = tiles_per_block (cin + cout, n, ntiles);
  const size_t upl = (size_t) cin * cout;

  for (int t0 = 0; t0 < ntiles; t0 += per)
    {
      const int nt = MIN (per, ntiles - t0), cols = nt * n;

      input_block (cin, h, w, n, x, t0, nt, ws->zero, ws->v);
      for (int xi = 0; xi < 16; xi++)
        rl_sgemm (true, false, cout, cols, cin, 1.0f, ws->u + xi * upl, cout,
                  ws->v + xi * xi_stride (cin, cols), cols, 0.0f,
                  ws->m + xi * xi_stride (cout, cols), cols);
      output_block (cout, h, w, n, ws->m, t0, nt, bias, add, ws->sink, y);
    }
}

void
rl_winograd_forward (const RlConvGeom *g, int n, const float *x, const float *w,
                     const float *b, float *y, float *cols)
{
  WinoWs ws;

  wino_ws (g, n, cols, &ws);
  kernel_transform (g->ci, g->co, w, FALSE, ws.u);
  correlate (g->ci, g->hi, g->wi, g->co, n, x, b, FALSE, y, &ws);
}

/* dw += G^T dU G, dU [16][co][ci] */
static void
kernel_gradient (int ci, int co, const float *du, float *dw)
{
  static const float G[4][3] = { { 1, 0, 0 }, { 0.5f, 0.5f, 0.5f }, { 0.5f, -0.5f, 0.5f },
                                 { 0, 0, 1 } };
  const size_t plane = (size_t) co * ci;

  for (int o = 0; o < co; o++)
    for (int c = 0; c < ci; c++)
      {
        float d[4][4], gd[3][4];
        float *dst = dw + ((size_t) o * ci + c) * 9;

        for (int xi = 0; xi < 16; xi++)
          d[xi / 4][xi % 4] = du[xi * plane + (size_t) o * ci + c];
        for (int y = 0; y < 3; y++)
          for (int q = 0; q < 4; q++)
            gd[y][q] = G[0][y] * d[0][q] + G[1][y] * d[1][q] + G[2][y] * d[2][q]
                       + G[3][y] * d[3][q];
        for (int y = 0; y < 3; y++)
          for (int x = 0; x < 3; x++)
            dst[y * 3 + x] += gd[y][0] * G[0][x] + gd[y][1] * G[1][x] + gd[y][2] * G[2][x]
                              + gd[y][3] * G[3][x];
      }
}

void
rl_winograd_backward (const RlConvGeom *g, int n, const float *x, const float *w,
                      const float *dy, float *dx, RlGradMode dx_mode, float *dw, float *cols,
                      float *dcols)
{
  const int ci = g->ci, co = g->co, h = g->hi, wd = g->wi, ntiles = tile_count (g);
  const int per = tiles_per_block (ci + co, n, ntiles);
  const size_t plane = (size_t) co * ci;
  WinoWs ws;

  /* the weight gradient: dU[xi] = sum over blocks of dM[xi] V[xi]^T, then G^T dU G */
  wino_ws (g, n, cols, &ws);
  memset (ws.u, 0, sizeof (float) * 16 * plane);
  for (int t0 = 0; t0 < ntiles; t0 += per)
    {
      const int nt = MIN (per, ntiles - t0), nc = nt * n;
      const float **arow = ws.ptr, **brow = ws.ptr + co;

      input_block (ci, h, wd, n, x, t0, nt, ws.zero, ws.v);
      grad_block (co, h, wd, n, dy, t0, nt, ws.zero, ws.m);
      for (int xi = 0; xi < 16; xi++)
        {
          for (int o = 0; o < co; o++)
            arow[o] = ws.m + xi * xi_stride (co, nc) + (size_t) o * nc;
          for (int c = 0; c < ci; c++)
            brow[c] = ws.v + xi * xi_stride (ci, nc) + (size_t) c * nc;
          rl_sgemm_dot_rows (co, ci, nc, 1, 1.0f, (const float *const *) arow, 0,
                             (const float *const *) brow, 0, 1.0f, ws.u + xi * plane, ci, ci,
                             (size_t) ci);
        }
    }
  kernel_gradient (ci, co, ws.u, dw);

  /* the input gradient: dY correlated with the kernel turned and transposed */
  if (dx != NULL)
    {
      WinoWs wsd;

      wino_ws (g, n, dcols, &wsd);
      kernel_transform (co, ci, w, TRUE, wsd.u);
      correlate (co, h, wd, ci, n, dy, NULL, dx_mode == RL_GRAD_ADD, dx, &wsd);
    }
}
