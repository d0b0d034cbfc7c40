#define G_LOG_DOMAIN "reslab-engine"

/* rl-winograd.c: the 3x3 convolution by F(2x2, 3x3), fused: see rl-winograd.h.
 *
 * A tile is a 2x2 block of output; the image has ceil(H / 2) x ceil(W / 2) of them. For one
 * tile and 32 images (two AVX-512 vectors), the kernel transforms the 4x4 input block of every
 * input channel (vbuf: [xi][cin][32], xi = 4 * row + column of the transformed tile), forms the
 * 16 products summed over input channels in registers (8 output channels x 32 images at a time,
 * the transformed kernels broadcast from u: [xi][cin][cout]), and transforms them back
 * (mbuf: [xi][cout][32]) into the 2x2 outputs. The buffers of one tile stay in L1/L2, so the 4x
 * larger transformed data never goes out to memory (the first, unfused version's transforms
 * cost as much as the multiplies they saved).
 *
 * The matrices (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 *   B^T = | 1  0 -1  0 |    G = | 1    0    0   |    A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |        | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
 *         | 0 -1  1  0 |        | 1/2 -1/2  1/2 |
 *         | 0  1  0 -1 |        | 0    0    1   |
 */

#include "rl-winograd.h"

#include <string.h>

#include "rl-gemm.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define RL_WINO_AVX512 1
#endif

#define RL_WINO_IMAGES 32   /* images a tile's pass takes: two AVX-512 vectors */
#define RL_WINO_CO     8    /* output channels the products keep in registers */

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
#ifdef RL_WINO_AVX512
  /* below 8 x 8 most tiles are border tiles, half empty: 7 x 7 and 4 x 4 maps ran slower
   * than the direct convolution (bench-conv) */
  return g->k == 3 && g->stride == 1 && g->pad == 1 && g->hi >= 8 && g->wi >= 8
         && g->ci % RL_WINO_CO == 0
         && g->co % RL_WINO_CO == 0 && n % RL_WINO_IMAGES == 0 && n > 0
         && rl_gemm_get_kernel () == RL_GEMM_KERNEL_AVX512 && rl_winograd_get_enabled ();
#else
  (void) g; (void) n;
  return FALSE;
#endif
}

static inline size_t
round16 (size_t n)
{
  return (n + 15) & ~(size_t) 15;
}

/* One workspace: the transformed kernels and one tile's buffers. */
typedef struct {
  float *u;      /* [16][cin][cout] */
  float *v;      /* [16][cin][32] */
  float *m;      /* [16][cout][32] */
} WinoWs;

static size_t
wino_ws (const RlConvGeom *g, float *base, WinoWs *ws)
{
  const size_t nu = round16 (16 * (size_t) g->ci * g->co);
  const size_t nb = 16 * (size_t) MAX (g->ci, g->co) * RL_WINO_IMAGES;

  if (ws != NULL)
    {
      ws->u = base;
      ws->v = base + nu;
      ws->m = base + nu + nb;
    }
  return nu + 2 * nb;
}

size_t
rl_winograd_workspace_size (const RlConvGeom *g, int n)
{
  if (n < RL_WINO_IMAGES || g->k != 3 || g->stride != 1 || g->pad != 1)
    return 0;
  return wino_ws (g, NULL, NULL);
}

/* u[xi][c][o] = (G k G^T)[xi], k the kernel from input channel c to output channel o: w[o][c]
 * (forward), or for the input gradient's correlation (cin = Co, cout = Ci) w[c][o] turned by
 * 180 degrees. */
static void
kernel_transform (int cin, int cout, const float *w, gboolean turned, float *u)
{
  static const float G[4][3] = { { 1, 0, 0 }, { 0.5f, 0.5f, 0.5f }, { 0.5f, -0.5f, 0.5f },
                                 { 0, 0, 1 } };
  const size_t plane = (size_t) cin * cout;

  for (int c = 0; c < cin; c++)
    for (int o = 0; o < cout; o++)
      {
        const float *src = turned ? w + ((size_t) c * cout + o) * 9
                                  : w + ((size_t) o * cin + c) * 9;
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

#ifdef RL_WINO_AVX512

/* y (=, or += with @add) the correlation's 2x2 outputs of tile (ty, tx) for images
 * i0 .. i0 + 31, x (cin, h, w, n) -> y (cout, h, w, n) */
__attribute__ ((target ("avx512f")))
static void
tile_avx512 (int cin, int cout, int h, int w, int n, const float *x, int ty, int tx, int i0,
             const float *u, const float *bias, gboolean add, float *y, float *vbuf,
             float *mbuf)
{
  const size_t plane = (size_t) h * w * n;
  const size_t vxs = (size_t) cin * RL_WINO_IMAGES, mxs = (size_t) cout * RL_WINO_IMAGES;
  const int oy = 2 * ty, ox = 2 * tx;
  const gboolean right = ox + 1 < w, down = oy + 1 < h;
  const size_t rs = (size_t) w * n;
  const gboolean inside = oy >= 1 && ox >= 1 && oy + 2 < h && ox + 2 < w;
  const float *p[16];
  __mmask16 mk[16];

  /* the input block's 16 places; those outside the image load nothing (masked) */
  for (int r = 0; r < 4; r++)
    for (int q = 0; q < 4; q++)
      {
        const int iy = oy - 1 + r, ix = ox - 1 + q;
        const gboolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
        p[4 * r + q] = in ? x + ((size_t) iy * w + ix) * n + i0 : x;
        mk[4 * r + q] = in ? 0xffff : 0;
      }

  /* vbuf[xi][c] = B^T d B */
  for (int c = 0; c < cin; c++)
    for (int hh = 0; hh < RL_WINO_IMAGES; hh += 16)
      {
        const size_t at = (size_t) c * plane + hh;
        float *vo = vbuf + (size_t) c * RL_WINO_IMAGES + hh;
        __m512 d[16], t[16];

        if (inside)
          {
            /* an interior tile: the block is 4 runs of 4 places, n floats apart, rs apart */
            const float *b = p[0] + at;
            for (int r = 0; r < 4; r++)
              for (int q = 0; q < 4; q++)
                d[4 * r + q] = _mm512_loadu_ps (b + r * rs + (size_t) q * n);
            /* the next tile's two new columns */
            for (int r = 0; r < 4; r++)
              for (int q = 4; q < 6; q++)
                _mm_prefetch ((const char *) (b + r * rs + (size_t) q * n), _MM_HINT_T0);
          }
        else
          for (int k = 0; k < 16; k++)
            d[k] = _mm512_maskz_loadu_ps (mk[k], p[k] + (mk[k] ? at : 0));
        for (int q = 0; q < 4; q++)
          {
            t[q] = d[q] - d[8 + q];
            t[4 + q] = d[4 + q] + d[8 + q];
            t[8 + q] = d[8 + q] - d[4 + q];
            t[12 + q] = d[4 + q] - d[12 + q];
          }
        for (int r = 0; r < 4; r++)
          {
            _mm512_storeu_ps (vo + (4 * r + 0) * vxs, t[4 * r] - t[4 * r + 2]);
            _mm512_storeu_ps (vo + (4 * r + 1) * vxs, t[4 * r + 1] + t[4 * r + 2]);
            _mm512_storeu_ps (vo + (4 * r + 2) * vxs, t[4 * r + 2] - t[4 * r + 1]);
            _mm512_storeu_ps (vo + (4 * r + 3) * vxs, t[4 * r + 1] - t[4 * r + 3]);
          }
      }

  /* mbuf[xi][o] = sum over c of u[xi][c][o] vbuf[xi][c], 8 output channels at a time, the
   * sums in registers in c order */
  for (int xi = 0; xi < 16; xi++)
    {
      const float *vx = vbuf + xi * vxs, *ux = u + (size_t) xi * cin * cout;
      float *mx = mbuf + xi * mxs;

      for (int o0 = 0; o0 < cout; o0 += RL_WINO_CO)
        {
          __m512 a0[RL_WINO_CO], a1[RL_WINO_CO];

          for (int k = 0; k < RL_WINO_CO; k++)
            a0[k] = a1[k] = _mm512_setzero_ps ();
          for (int c = 0; c < cin; c++)
            {
              const __m512 v0 = _mm512_loadu_ps (vx + (size_t) c * RL_WINO_IMAGES);
              const __m512 v1 = _mm512_loadu_ps (vx + (size_t) c * RL_WINO_IMAGES + 16);
              const float *uc = ux + (size_t) c * cout + o0;

              for (int k = 0; k < RL_WINO_CO; k++)
                {
                  const __m512 b = _mm512_set1_ps (uc[k]);
                  a0[k] = _mm512_fmadd_ps (b, v0, a0[k]);
                  a1[k] = _mm512_fmadd_ps (b, v1, a1[k]);
                }
            }
          for (int k = 0; k < RL_WINO_CO; k++)
            {
              _mm512_storeu_ps (mx + (size_t) (o0 + k) * RL_WINO_IMAGES, a0[k]);
              _mm512_storeu_ps (mx + (size_t) (o0 + k) * RL_WINO_IMAGES + 16, a1[k]);
            }
        }
    }

  /* y = A^T mbuf A (+ bias) */
  for (int o = 0; o < cout; o++)
    for (int hh = 0; hh < RL_WINO_IMAGES; hh += 16)
      {
        const float *mo = mbuf + (size_t) o * RL_WINO_IMAGES + hh;
        float *y00 = y + (size_t) o * plane + ((size_t) oy * w + ox) * n + i0 + hh;
        __m512 m[16], s0[4], s1[4], r[4];

        for (int k = 0; k < 16; k++)
          m[k] = _mm512_loadu_ps (mo + k * mxs);
        for (int q = 0; q < 4; q++)
          {
            s0[q] = m[q] + m[4 + q] + m[8 + q];
            s1[q] = m[4 + q] - m[8 + q] - m[12 + q];
          }
        r[0] = s0[0] + s0[1] + s0[2];
        r[1] = s0[1] - s0[2] - s0[3];
        r[2] = s1[0] + s1[1] + s1[2];
        r[3] = s1[1] - s1[2] - s1[3];
        {
          float *dst[4] = { y00, right ? y00 + n : NULL, down ? y00 + (size_t) w * n : NULL,
                            right && down ? y00 + (size_t) (w + 1) * n : NULL };
          const __m512 b = _mm512_set1_ps (bias != NULL ? bias[o] : 0.0f);

          for (int k = 0; k < 4; k++)
            if (dst[k] != NULL)
              _mm512_storeu_ps (dst[k], add ? _mm512_loadu_ps (dst[k]) + r[k] : r[k] + b);
        }
      }
}

/* y (=, or += with @add) the correlation of x (cin, h, w, n) with the transformed kernels
 * ws->u, padding 1, into y (cout, h, w, n) */
static void
correlate (int cin, int h, int w, int cout, int n, const float *x, const float *bias,
           gboolean add, float *y, const WinoWs *ws)
{
  for (int i0 = 0; i0 < n; i0 += RL_WINO_IMAGES)
    for (int ty = 0; ty < (h + 1) / 2; ty++)
      for (int tx = 0; tx < (w + 1) / 2; tx++)
        tile_avx512 (cin, cout, h, w, n, x, ty, tx, i0, ws->u, bias, add, y, ws->v, ws->m);
}

#else

static void
correlate (int cin, int h, int w, int cout, int n, const float *x, const float *bias,
           gboolean add, float *y, const WinoWs *ws)
{
  (void) cin; (void) h; (void) w; (void) cout; (void) n; (void) x; (void) bias; (void) add;
  (void) y; (void) ws;
  g_assert_not_reached ();   /* rl_winograd_serves () said no */
}

#endif

void
rl_winograd_forward (const RlConvGeom *g, int n, const float *x, const float *w,
                     const float *b, float *y, float *cols)
{
  WinoWs ws;

  wino_ws (g, cols, &ws);
  kernel_transform (g->ci, g->co, w, FALSE, ws.u);
  correlate (g->ci, g->hi, g->wi, g->co, n, x, b, FALSE, y, &ws);
}

void
rl_winograd_backward_dx (const RlConvGeom *g, int n, const float *w, const float *dy,
                         float *dx, RlGradMode dx_mode, float *dcols)
{
  WinoWs ws;

  wino_ws (g, dcols, &ws);
  kernel_transform (g->co, g->ci, w, TRUE, ws.u);
  correlate (g->co, g->hi, g->wi, g->ci, n, dy, NULL, dx_mode == RL_GRAD_ADD, dx, &ws);
}
