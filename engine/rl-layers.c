#define G_LOG_DOMAIN "reslab-engine"

#include "rl-layers.h"

#include <math.h>
#include <string.h>

#include "rl-gemm.h"

#include "rl-clones.h"

/* The elementwise loops below are what GCC vectorises: the hot ones are RL_CLONES (built for
 * AVX2 and AVX-512 too). Measured on the seed net: as SSE2 code they were most of the time
 * outside the GEMMs. */

gboolean
rl_conv_geom_init (RlConvGeom *g, int ci, int hi, int wi, int co, int k, int stride, int pad)
{
  g->ci = ci; g->hi = hi; g->wi = wi;
  g->co = co; g->k = k; g->stride = stride; g->pad = pad;
  if (ci <= 0 || co <= 0 || k <= 0 || stride <= 0 || pad < 0)
    return FALSE;
  if (hi + 2 * pad < k || wi + 2 * pad < k)
    return FALSE;
  g->ho = (hi + 2 * pad - k) / stride + 1;
  g->wo = (wi + 2 * pad - k) / stride + 1;
  return g->ho > 0 && g->wo > 0;
}

size_t
rl_conv_cols_size (const RlConvGeom *g, int n)
{
  return (size_t) g->ci * g->k * g->k * (size_t) n * g->ho * g->wo;
}

/* Sum of @n floats in 16 interleaved partial sums, added up at the end in a fixed order: the
 * compiler can vectorise it (a single running sum it may not reorder), and the result is the
 * same bits every time. */
RL_CLONES static float
sum_lanes (const float *restrict x, int n)
{
  float lane[16] = { 0 };
  float s = 0.0f;
  int i = 0;

  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++)
      lane[j] += x[i + j];
  for (; i < n; i++)
    lane[i % 16] += x[i];
  for (int j = 0; j < 16; j++)
    s += lane[j];
  return s;
}

/* floor(a / b) for b > 0; C's "/" rounds toward zero, which is the ceiling for a < 0. */
static inline int
div_floor (int a, int b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static inline gboolean
conv_is_pointwise (const RlConvGeom *g)
{
  return g->k == 1 && g->stride == 1 && g->pad == 0;
}

/* One im2col row: for input channel plane x (Hi, Wi, N) and kernel offset (ky, kx), the value
 * each output position (oy, ox, n) sees. With the batch innermost, a run of output columns
 * ox in [lo, hi) reads one contiguous block of (hi - lo) * N floats (stride 1), so the copies
 * are long. The same walk serves im2col (gather) and col2im (scatter-add), so the two stay each
 * other's adjoint by construction. */
static void
im2col_row (const RlConvGeom *g, int n, int ky, int kx, int oy0, int oy1,
            const float *restrict x, float *restrict row, gboolean scatter, float *restrict dx)
{
  const int wo = g->wo, s = g->stride, off = kx - g->pad;
  const size_t in_row = (size_t) g->wi * n;   /* one input row: Wi x N */
  /* ox range whose ix = ox*S + off lies inside [0, Wi): ceil(-off / S) .. floor((Wi - 1 -
   * off) / S) + 1, clamped to [0, Wo]. The numerator of the upper end is negative when the
   * tap never reaches the input (Wi - 1 < off), and C's division rounds it toward zero: hence
   * div_floor, not "/" (issue #12: a read past the input, and a scatter into the wrong column). */
  const int ox_lo = MIN (off < 0 ? div_floor (-off + s - 1, s) : 0, wo);
  const int ox_hi = CLAMP (div_floor (g->wi - 1 - off, s) + 1, ox_lo, wo);

  for (int oy = oy0; oy < oy1; oy++)
    {
      const int iy = oy * s - g->pad + ky;
      float *restrict ro = row + (size_t) (oy - oy0) * wo * n;

      if (iy < 0 || iy >= g->hi)
        {
          if (!scatter)
            memset (ro, 0, sizeof (float) * wo * n);
          continue;
        }
      if (!scatter)
        {
          const float *restrict xr = x + iy * in_row;
          memset (ro, 0, sizeof (float) * ox_lo * n);
          if (s == 1)
            memcpy (ro + (size_t) ox_lo * n, xr + (size_t) (ox_lo + off) * n,
                    sizeof (float) * (ox_hi - ox_lo) * n);
          else
            for (int ox = ox_lo; ox < ox_hi; ox++)
              memcpy (ro + (size_t) ox * n, xr + (size_t) (ox * s + off) * n, sizeof (float) * n);
          memset (ro + (size_t) ox_hi * n, 0, sizeof (float) * (wo - ox_hi) * n);
        }
      else
        {
          float *restrict dr = dx + iy * in_row;
          if (s == 1)
            {
              float *restrict d = dr + (size_t) (ox_lo + off) * n;
              const float *restrict r = ro + (size_t) ox_lo * n;
              for (size_t i = 0; i < (size_t) (ox_hi - ox_lo) * n; i++)
                d[i] += r[i];
            }
          else
            for (int ox = ox_lo; ox < ox_hi; ox++)
              {
                float *restrict d = dr + (size_t) (ox * s + off) * n;
                const float *restrict r = ro + (size_t) ox * n;
                for (int i = 0; i < n; i++)
                  d[i] += r[i];
              }
        }
    }
}

/* im2col of output rows [oy0, oy1) only: cols (Ci*K*K, (oy1-oy0)*Wo*N). */
static void
im2col_rows (const RlConvGeom *g, int n, int oy0, int oy1, const float *x, float *cols)
{
  const size_t ncols = (size_t) n * (oy1 - oy0) * g->wo;
  const size_t plane = (size_t) n * g->hi * g->wi;

  for (int c = 0; c < g->ci; c++)
    for (int ky = 0; ky < g->k; ky++)
      for (int kx = 0; kx < g->k; kx++)
        {
          size_t r = ((size_t) c * g->k + ky) * g->k + kx;
          im2col_row (g, n, ky, kx, oy0, oy1, x + c * plane, cols + r * ncols, FALSE, NULL);
        }
}

static void
col2im_rows (const RlConvGeom *g, int n, int oy0, int oy1, const float *dcols, float *dx)
{
  const size_t ncols = (size_t) n * (oy1 - oy0) * g->wo;
  const size_t plane = (size_t) n * g->hi * g->wi;

  for (int c = 0; c < g->ci; c++)
    for (int ky = 0; ky < g->k; ky++)
      for (int kx = 0; kx < g->k; kx++)
        {
          size_t r = ((size_t) c * g->k + ky) * g->k + kx;
          im2col_row (g, n, ky, kx, oy0, oy1, NULL, (float *) dcols + r * ncols, TRUE,
                      dx + c * plane);
        }
}

void
rl_im2col (const RlConvGeom *g, int n, const float *x, float *cols)
{
  im2col_rows (g, n, 0, g->ho, x, cols);
}

void
rl_col2im (const RlConvGeom *g, int n, const float *dcols, float *dx)
{
  col2im_rows (g, n, 0, g->ho, dcols, dx);
}

/* Output rows per block, so that one block's im2col (Ci*K*K x rows*Wo*N floats) stays within
 * about half of a core's L2 cache between being written and being read by the GEMM: written
 * whole and read back from memory, the im2col of a 32-image slice (5-13 MB) cost the
 * convolutions about half their speed inside a training step. */
#define RL_COLS_BLOCK_FLOATS (96 * 1024)

static int
rows_per_block (const RlConvGeom *g, int n)
{
  size_t per_row = (size_t) g->ci * g->k * g->k * g->wo * n;
  size_t rows = per_row > 0 ? RL_COLS_BLOCK_FLOATS / per_row : (size_t) g->ho;
  return (int) CLAMP (rows, 1, (size_t) g->ho);
}

/* ---- Implicit GEMM (stride 1) ---------------------------------------------------------------
 *
 * With stride 1 and the batch innermost, the im2col row of tap (c, ky, kx) over one output row
 * oy is a contiguous run of the input: Wo*N floats starting at x[c, oy + ky - P, kx - P, 0]. So
 * one output row is a GEMM whose B rows are pointers into the input (rl_sgemm_rows), and no
 * im2col matrix is written or read back. Taps that fall in the padding are left out (see
 * correlate_implicit), except in the weight gradient, which reads a copy of the input with P
 * zero columns on each side.
 *
 *   forward  y[:, oy]  = W'[:, valid taps] * B_oy    (correlate_implicit)
 *   dW                 = sum over oy of dY[:, oy] B_oy^T, by ky (rl_sgemm_dot_rows)
 *   dx                 = the transposed convolution: the same correlation of dY with the
 *                        kernel turned by 180 degrees (conv_dx_implicit)
 *
 * Used when the output rows are long enough to fill the kernel's tiles (training and
 * evaluation batches); one image at a time uses im2col blocks. */

#define RL_IMPLICIT_MIN_COLS 64

static inline gboolean
conv_is_implicit (const RlConvGeom *g, int n)
{
  return g->stride == 1 && !conv_is_pointwise (g) && g->pad <= g->k - 1
         && (size_t) g->wo * n >= RL_IMPLICIT_MIN_COLS;
}

static inline size_t
round16 (size_t n)
{
  return (n + 15) & ~(size_t) 15;
}

/* Floats for a table of @n pointers. */
static inline size_t
ptr_floats (size_t n)
{
  return round16 (n * sizeof (float *) / sizeof (float) + 1);
}

/* The implicit path's workspace. In cols: the pointer table, the forward's reordered weights,
 * and the input padded along x for the weight gradient (the forward's compacted weights there
 * before); in dcols (grad_side): the input gradient's turned weights, whole and compacted
 * (conv_dx_implicit). */
typedef struct {
  const float **ptr;
  float        *wr;
  float        *xp;      /* the padded input (dW), or a second weight buffer */
} ImplicitWs;

static size_t
implicit_ws (const RlConvGeom *g, int n, float *base, gboolean grad_side, ImplicitWs *ws)
{
  const size_t kk = (size_t) g->k * g->k;
  const size_t nptr = ptr_floats ((size_t) g->ci * kk + (size_t) g->co * kk + g->co);
  const size_t nw = round16 ((size_t) g->co * g->ci * kk);
  /* the weight gradient's padded input, or the forward's and input gradient's second weight
   * buffer (they never run at the same time) */
  const size_t npad = grad_side ? nw
                      : MAX (nw, g->pad > 0 ? (size_t) g->ci * g->hi * (g->wi + 2 * g->pad) * n
                                            : 0);

  if (ws != NULL)
    {
      ws->ptr = (const float **) base;
      ws->wr = base + nptr;
      ws->xp = base + nptr + nw;
    }
  return nptr + nw + npad;
}

/* dst (rows, W + 2P, N) = src (rows, W, N) with P zero columns on each side */
static void
pad_columns (size_t rows, int w, int p, int n, const float *restrict src, float *restrict dst)
{
  const size_t in = (size_t) w * n, out = (size_t) (w + 2 * p) * n, side = (size_t) p * n;

  for (size_t r = 0; r < rows; r++)
    {
      float *d = dst + r * out;
      memset (d, 0, sizeof (float) * side);
      memcpy (d + side, src + r * in, sizeof (float) * in);
      memset (d + side + in, 0, sizeof (float) * side);
    }
}

/* The stride-1 correlation both directions come down to:
 *   y[o, oy, ox] (=, or += with beta 1) b[o] + sum over (ky, c, kx) of
 *                wt[ky, c, kx, o] * x[c, oy + ky - P, ox + kx - P]
 * over the taps inside x (cin, h, w, n), into y (cout, h + 2P - K + 1, w + 2P - K + 1, n).
 * Output rows go in runs that see the same kernel rows (along y, taps of rows outside x are
 * left out: the reduction is ordered (ky, c, kx), so those of valid rows are one contiguous
 * range of wt), and output columns in groups that see the same kernel columns (the border
 * columns one by one, the interior together; for P = 0 one group), each group's GEMM with wt
 * compacted to its kernel columns. So x is read in place, with no padded copy, and no zero is
 * multiplied: for conv2's input gradient (P = 4) padding would have been a third of the
 * multiplies, for the blocks' 3x3 convs at 4x4 a sixth.
 * Only output rows oy_begin .. oy_end - 1 are computed: y points at row oy_begin of the first
 * output channel, and channels are ldy floats apart.
 * wt: (K, cin, K, cout), the GEMM's A^T, so that packing it copies runs of cout floats;
 * wbuf: room for a copy of wt; ptr: room for K * cin * K pointers. */
static void
correlate_implicit (int cin, int h, int w, int cout, int k, int pad, int n, const float *x,
                    const float *wt, float *wbuf, const float **ptr, const float *b,
                    float beta, int oy_begin, int oy_end, float *y, size_t ldy)
{
  const int wo = w + 2 * pad - k + 1;
  const size_t xrow = (size_t) w * n, plane = (size_t) h * xrow;
  const size_t orow = (size_t) wo * n;

  for (int ox0 = 0, gw; ox0 < wo; ox0 += gw)
    {
      /* kernel columns whose input column ox + kx - P is inside x, for ox = ox0 */
      const int kx_lo = MAX (0, pad - ox0), kx_hi = MIN (k, w + pad - ox0);
      const int nt = MAX (kx_hi - kx_lo, 0), kw = cin * nt;
      const float *wg = wt;

      for (gw = 1; ox0 + gw < wo; gw++)
        if (MAX (0, pad - ox0 - gw) != kx_lo || MIN (k, w + pad - ox0 - gw) != kx_hi)
          break;
      if (nt < k)
        {
          /* wbuf (K, cin, nt, cout): this group's kernel columns, runs of nt * cout floats */
          for (int r = 0; r < k * cin; r++)
            memcpy (wbuf + (size_t) r * nt * cout, wt + ((size_t) r * k + kx_lo) * cout,
                    sizeof (float) * nt * cout);
          wg = wbuf;
        }

      for (int oy = oy_begin, run; oy < oy_end; oy += run)
        {
          /* kernel rows whose input row oy + ky - P is inside x; then the run of output rows
           * that see the same ones, one GEMM whose rows are B_oy moved down by whole rows */
          const int ky_lo = MAX (0, pad - oy), ky_hi = MIN (k, h + pad - oy);
          const float **p = ptr;

          for (run = 1; oy + run < oy_end; run++)
            if (MAX (0, pad - oy - run) != ky_lo || MIN (k, h + pad - oy - run) != ky_hi)
              break;
          for (int ky = ky_lo; ky < ky_hi; ky++)
            for (int c = 0; c < cin; c++)
              for (int kx = kx_lo; kx < kx_hi; kx++)
                *p++ = x + c * plane + (size_t) (oy + ky - pad) * xrow
                       + (size_t) (ox0 + kx - pad) * n;
          rl_sgemm_rows (true, cout, gw * n, MAX (ky_hi - ky_lo, 0) * kw, 1.0f,
                         wg + (size_t) ky_lo * kw * cout, cout, ptr, run, xrow, orow, b, beta,
                         y + (size_t) (oy - oy_begin) * orow + (size_t) ox0 * n, (int) ldy);
        }
    }
}

/* The forward's weights for correlate_implicit, in the workspace:
 * ws->wr[ky, c, kx, o] = w[o, c, ky, kx] */
static void
forward_weights (const RlConvGeom *g, int n, const float *w, float *cols, ImplicitWs *ws)
{
  const int k = g->k, ci = g->ci, co = g->co;

  implicit_ws (g, n, cols, FALSE, ws);
  for (int o = 0; o < co; o++)
    for (int c = 0; c < ci; c++)
      {
        const float *src = w + ((size_t) o * ci + c) * k * k;
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++)
            ws->wr[(((size_t) ky * ci + c) * k + kx) * co + o] = src[ky * k + kx];
      }
}

/* y = conv(x, w) + b (b nullable), stride 1 */
static void
conv_forward_implicit (const RlConvGeom *g, int n, const float *x, const float *w,
                       const float *b, float *y, float *cols)
{
  ImplicitWs ws;

  forward_weights (g, n, w, cols, &ws);
  correlate_implicit (g->ci, g->hi, g->wi, g->co, g->k, g->pad, n, x, ws.wr, ws.xp, ws.ptr, b,
                      0.0f, 0, g->ho, y, (size_t) g->ho * g->wo * n);
}

/* dx = or += the input gradient of a stride-1 conv, its transposed convolution: the
 * correlation of dY with Q = K-1-P padding and the kernel turned by 180 degrees,
 * wt[ky, o, kx, c] = w[o, c, K-1-ky, K-1-kx]:
 *   dx[c, iy, ix] = sum over (ky, o, kx) of wt[ky, o, kx, c] * dY[o, iy + ky - Q, ix + kx - Q].
 * Measured on the seed net (1 thread), against padding dY by Q columns: conv2 backward 1.15 ->
 * 1.06 ms, rblock1 backward 0.82 -> 0.78 ms. */
static void
conv_dx_implicit (const RlConvGeom *g, int n, const float *w, const float *dy, float *dx,
                  RlGradMode dx_mode, const float **ptr, float *dcols)
{
  const int k = g->k, ci = g->ci, co = g->co;
  ImplicitWs wd;

  implicit_ws (g, n, dcols, TRUE, &wd);
  for (int o = 0; o < co; o++)
    for (int c = 0; c < ci; c++)
      {
        const float *src = w + ((size_t) o * ci + c) * k * k;
        for (int ky = 0; ky < k; ky++)
          for (int kx = 0; kx < k; kx++)
            wd.wr[(((size_t) ky * co + o) * k + kx) * ci + c] =
              src[(k - 1 - ky) * k + (k - 1 - kx)];
      }
  correlate_implicit (co, g->ho, g->wo, ci, k, k - 1 - g->pad, n, dy, wd.wr, wd.xp, ptr, NULL,
                      dx_mode == RL_GRAD_ADD ? 1.0f : 0.0f, 0, g->hi, dx,
                      (size_t) g->hi * g->wi * n);
}

/* Output rows per block of the dot products: enough that a block of a tile's rows stays in
 * L1 (RL_DOT_SEG_FLOATS floats each). */
#define RL_DOT_SEG_FLOATS 8192

/* The weight gradient's input: x itself, or for P > 0 x with P zero columns on each side (in
 * the workspace), so every kernel column's B row is one run. Sets the row stride. */
static const float *
dw_source (const RlConvGeom *g, int n, const float *x, const ImplicitWs *ws, size_t *row)
{
  *row = ((size_t) g->wi + 2 * g->pad) * n;
  if (g->pad == 0)
    return x;
  pad_columns ((size_t) g->ci * g->hi, g->wi, g->pad, n, x, ws->xp);
  return ws->xp;
}

/* dw (Co, Ci, K, K) += the weight gradient's share of output rows oy0 .. oy1 - 1: by blocks of
 * seg_block output rows and, within a block, one kernel row at a time (each sums over the
 * block's rows whose input row is inside the image), so the block of dY is read from cache by
 * all K kernel rows; each kernel row's sums (channel, kx) go straight to their place in dw.
 * src: dw_source() with row stride @row; dy points at row oy0 of the first output channel,
 * channels ldy floats apart; ws: its pointer table. */
static void
dw_rows (const RlConvGeom *g, int n, const float *src, size_t row, int oy0, int oy1,
         const float *dy, size_t ldy, const ImplicitWs *ws, float *dw)
{
  const int k = g->k, pad = g->pad, kw = g->ci * k;
  const size_t plane = (size_t) g->hi * row, orow = (size_t) g->wo * n;
  const int seg_block = MAX (1, RL_DOT_SEG_FLOATS / (int) orow);
  const float **brow = ws->ptr, **arow = ws->ptr + kw;

  for (int s0 = oy0; s0 < oy1; s0 += seg_block)
    for (int ky = 0; ky < k; ky++)
      {
        const int lo = MAX (s0, pad - ky), hi = MIN (MIN (s0 + seg_block, oy1),
                                                     g->hi + pad - ky);
        if (hi <= lo)
          continue;
        for (int c = 0; c < g->ci; c++)
          for (int kx = 0; kx < k; kx++)
            brow[c * k + kx] = src + c * plane + (size_t) (lo + ky - pad) * row
                               + (size_t) kx * n;
        for (int o = 0; o < g->co; o++)
          arow[o] = dy + o * ldy + (size_t) (lo - oy0) * orow;
        /* column (c, kx) of kernel row ky is dw[o, c, ky, kx]: groups of K, K * K apart */
        rl_sgemm_dot_rows (g->co, kw, (int) orow, hi - lo, 1.0f, (const float *const *) arow,
                           orow, (const float *const *) brow, row, 1.0f, dw + ky * k,
                           g->ci * k * k, k, (size_t) k * k);
      }
}

static void
conv_backward_implicit (const RlConvGeom *g, int n, const float *x, const float *w,
                        const float *dy, float *dx, RlGradMode dx_mode, float *dw, float *cols,
                        float *dcols)
{
  ImplicitWs ws;
  size_t row;
  const float *src;

  implicit_ws (g, n, cols, FALSE, &ws);
  src = dw_source (g, n, x, &ws, &row);
  dw_rows (g, n, src, row, 0, g->ho, dy, (size_t) g->ho * g->wo * n, &ws, dw);

  if (dx != NULL)
    conv_dx_implicit (g, n, w, dy, dx, dx_mode, ws.ptr, dcols);
}

size_t
rl_conv_workspace_size (const RlConvGeom *g, int n)
{
  /* Enough for any batch of up to @n images, not just @n: a smaller batch may take more rows
   * per block. A block is either at most RL_COLS_BLOCK_FLOATS or a single row, and a row of a
   * smaller batch is smaller. */
  size_t per_row = (size_t) g->ci * g->k * g->k * g->wo * n;
  size_t need;

  if (conv_is_pointwise (g))
    return 0;
  need = MIN (per_row * g->ho, MAX ((size_t) RL_COLS_BLOCK_FLOATS, per_row));
  if (g->stride == 1 && g->pad <= g->k - 1)
    need = MAX (need, MAX (implicit_ws (g, n, NULL, FALSE, NULL),
                           implicit_ws (g, n, NULL, TRUE, NULL)));
  return need;
}

void
rl_conv2d_forward (const RlConvGeom *g, int n, const float *x, const float *w, const float *b,
                   float *y, float *cols)
{
  const int kk = g->ci * g->k * g->k;
  const int ncols = n * g->ho * g->wo;

  if (conv_is_pointwise (g))
    /* y (Co x Ho*Wo*N) = w (Co x Ci) * x (Ci x Ho*Wo*N) */
    rl_sgemm (false, false, g->co, ncols, kk, 1.0f, w, kk, x, ncols, 0.0f, y, ncols);
  else if (conv_is_implicit (g, n))
    {
      conv_forward_implicit (g, n, x, w, b, y, cols);
      return;   /* the bias is added by the GEMM */
    }
  else
    {
      const int step = rows_per_block (g, n);
      for (int oy0 = 0; oy0 < g->ho; oy0 += step)
        {
          const int oy1 = MIN (oy0 + step, g->ho);
          const int nb = n * (oy1 - oy0) * g->wo;

          /* y[:, block] (Co x nb) = w (Co x Ci*K*K) * cols (Ci*K*K x nb) */
          im2col_rows (g, n, oy0, oy1, x, cols);
          rl_sgemm (false, false, g->co, nb, kk, 1.0f, w, kk, cols, nb, 0.0f,
                    y + (size_t) oy0 * g->wo * n, ncols);
        }
    }

  if (b != NULL)
    for (int c = 0; c < g->co; c++)
      {
        float *yc = y + (size_t) c * ncols;
        const float bc = b[c];
        for (int i = 0; i < ncols; i++)
          yc[i] += bc;
      }
}

void
rl_conv2d_backward (const RlConvGeom *g, int n, const float *x, const float *w, const float *dy,
                    float *dx, RlGradMode dx_mode, float *dw, float *db, float *cols,
                    float *dcols)
{
  const int kk = g->ci * g->k * g->k;
  const int ncols = n * g->ho * g->wo;
  int step;

  if (db != NULL)
    for (int c = 0; c < g->co; c++)
      db[c] += sum_lanes (dy + (size_t) c * ncols, ncols);

  if (conv_is_pointwise (g))
    {
      /* x is its own im2col: dw (Co x Ci) += dy x^T, dx (Ci x H*W*N) += w^T dy */
      rl_sgemm (false, true, g->co, kk, ncols, 1.0f, dy, ncols, x, ncols, 1.0f, dw, kk);
      if (dx != NULL)
        rl_sgemm (true, false, kk, ncols, g->co, 1.0f, w, kk, dy, ncols,
                  dx_mode == RL_GRAD_ADD ? 1.0f : 0.0f, dx, ncols);
      return;
    }

  if (conv_is_implicit (g, n))
    {
      conv_backward_implicit (g, n, x, w, dy, dx, dx_mode, dw, cols, dcols);
      return;
    }

  if (dx != NULL && dx_mode == RL_GRAD_SET)
    memset (dx, 0, sizeof (float) * g->ci * g->hi * g->wi * (size_t) n);

  /* Block by block, as the forward: the block's im2col, then its share of dw += dy cols^T and
   * of dx += col2im (w^T dy), while the block is still in cache. */
  step = rows_per_block (g, n);
  for (int oy0 = 0; oy0 < g->ho; oy0 += step)
    {
      const int oy1 = MIN (oy0 + step, g->ho);
      const int nb = n * (oy1 - oy0) * g->wo;
      const float *dyb = dy + (size_t) oy0 * g->wo * n;

      im2col_rows (g, n, oy0, oy1, x, cols);
      rl_sgemm (false, true, g->co, kk, nb, 1.0f, dyb, ncols, cols, nb, 1.0f, dw, kk);
      if (dx != NULL)
        {
          rl_sgemm (true, false, kk, nb, g->co, 1.0f, w, kk, dyb, ncols, 0.0f, dcols, nb);
          col2im_rows (g, n, oy0, oy1, dcols, dx);
        }
    }
}

RL_CLONES void
rl_relu_forward (const float *x, float *y, size_t len)
{
  /* y may be x: no restrict here */
  for (size_t i = 0; i < len; i++)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

RL_CLONES void
rl_relu_backward (const float *restrict y, const float *restrict dy, float *restrict dx,
                  size_t len)
{
  /* A multiply by the 0/1 mask, not "dx += cond ? dy : 0": adding 0.0f is not an identity for
   * -0.0f, so the compiler keeps that as a branch and a conditional store, never vector code. */
  for (size_t i = 0; i < len; i++)
    dx[i] += dy[i] * (float) (y[i] > 0.0f);
}

RL_CLONES void
rl_mask_positive (float *restrict dy, const float *restrict y, size_t len)
{
  /* a multiply by the 0/1 mask, which vectorises, not a select */
  for (size_t i = 0; i < len; i++)
    dy[i] *= (float) (y[i] > 0.0f);
}

RL_CLONES void
rl_add_relu (const float *restrict a, const float *restrict b, float *restrict y, size_t len)
{
  for (size_t i = 0; i < len; i++)
    {
      float v = a[i] + b[i];
      y[i] = v > 0.0f ? v : 0.0f;
    }
}

RL_CLONES void
rl_add_to (float *restrict dst, const float *restrict src, size_t len)
{
  for (size_t i = 0; i < len; i++)
    dst[i] += src[i];
}

/* Max pooling with the batch innermost: each window position is a whole N-vector, so both
 * passes run over the batch with vector max and compare-select, no branches. */
RL_CLONES void
rl_maxpool_forward (int c, int n, int h, int w, int k, const float *x, float *y)
{
  const int ho = h / k, wo = w / k;

  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        {
          float *restrict yp = y + (((size_t) ch * ho + oy) * wo + ox) * n;
          const float *restrict first = x + (((size_t) ch * h + oy * k) * w + ox * k) * n;

          for (int i = 0; i < n; i++)
            yp[i] = first[i];
          for (int ky = 0; ky < k; ky++)
            for (int kx = (ky == 0); kx < k; kx++)
              {
                const float *restrict v = x + (((size_t) ch * h + oy * k + ky) * w + ox * k + kx) * n;
                for (int i = 0; i < n; i++)
                  yp[i] = v[i] > yp[i] ? v[i] : yp[i];
              }
        }
}

/* 2x2, the seed's case: the four candidates of a window in registers, the first maximum found
 * with masks (h0, then h1 if not h0, ...), no bookkeeping array. @set: write dx (every covered
 * position gets a value), else add to it. @relu: the window's gradient only where y > 0
 * (rl_relu_maxpool_backward). */
static inline __attribute__ ((always_inline)) void
maxpool2_backward (const gboolean set, const gboolean relu, int c, int n, int h, int w,
                   const float *restrict x, const float *restrict y, const float *restrict dy,
                   float *restrict dx)
{
  const int ho = h / 2, wo = w / 2;

  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        {
          const size_t o = (((size_t) ch * ho + oy) * wo + ox) * n;
          const size_t a0 = (((size_t) ch * h + 2 * oy) * w + 2 * ox) * n;
          const size_t a1 = a0 + n, a2 = a0 + (size_t) w * n, a3 = a2 + n;

          for (int i = 0; i < n; i++)
            {
              const float m = y[o + i];
              const float g = relu ? dy[o + i] * (float) (m > 0.0f) : dy[o + i];
              const float h0 = x[a0 + i] == m ? 1.0f : 0.0f;
              const float h1 = (1.0f - h0) * (x[a1 + i] == m ? 1.0f : 0.0f);
              const float h2 = (1.0f - h0 - h1) * (x[a2 + i] == m ? 1.0f : 0.0f);
              const float h3 = 1.0f - h0 - h1 - h2;   /* the max is one of the four */
              if (set)
                {
                  dx[a0 + i] = h0 * g;
                  dx[a1 + i] = h1 * g;
                  dx[a2 + i] = h2 * g;
                  dx[a3 + i] = h3 * g;
                }
              else
                {
                  dx[a0 + i] += h0 * g;
                  dx[a1 + i] += h1 * g;
                  dx[a2 + i] += h2 * g;
                  dx[a3 + i] += h3 * g;
                }
            }
        }
}

/* Any K: dx += the gradient routed to each window's first maximum (masked by y > 0 with
 * @relu). */
static void
maxpool_backward_any (gboolean relu, int c, int n, int h, int w, int k, const float *x,
                      const float *y, const float *dy, float *dx)
{
  const int ho = h / k, wo = w / k;
  float taken_stack[256];
  float *taken;

  taken = n <= 256 ? taken_stack : g_new (float, n);
  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < ho; oy++)
      for (int ox = 0; ox < wo; ox++)
        {
          const size_t o = (((size_t) ch * ho + oy) * wo + ox) * n;
          const float *restrict yp = y + o, *restrict g = dy + o;

          /* taken[i] = 1 once image i's winner has had the gradient: only the first of equal
           * maxima gets it */
          for (int i = 0; i < n; i++)
            taken[i] = 0.0f;
          for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
              {
                const size_t at = (((size_t) ch * h + oy * k + ky) * w + ox * k + kx) * n;
                const float *restrict v = x + at;
                float *restrict d = dx + at;
                for (int i = 0; i < n; i++)
                  {
                    float hit = (v[i] == yp[i] && taken[i] == 0.0f) ? 1.0f : 0.0f;
                    float gi = relu ? g[i] * (float) (yp[i] > 0.0f) : g[i];
                    d[i] += hit * gi;
                    taken[i] += hit;
                  }
              }
        }
  if (taken != taken_stack)
    g_free (taken);
}

RL_CLONES void
rl_maxpool_backward (int c, int n, int h, int w, int k, const float *x, const float *y,
                     const float *dy, float *dx)
{
  if (k == 2)
    maxpool2_backward (FALSE, FALSE, c, n, h, w, x, y, dy, dx);
  else
    maxpool_backward_any (FALSE, c, n, h, w, k, x, y, dy, dx);
}

RL_CLONES void
rl_relu_maxpool_backward (int c, int n, int h, int w, int k, const float *x, const float *y,
                          const float *dy, float *dz)
{
  if (k == 2 && h % 2 == 0 && w % 2 == 0)
    /* the windows tile the input: every position is written */
    maxpool2_backward (TRUE, TRUE, c, n, h, w, x, y, dy, dz);
  else
    {
      memset (dz, 0, sizeof (float) * c * h * w * (size_t) n);
      if (k == 2)
        maxpool2_backward (FALSE, TRUE, c, n, h, w, x, y, dy, dz);
      else
        maxpool_backward_any (TRUE, c, n, h, w, k, x, y, dy, dz);
    }
}

/* ---- Convolution, ReLU and 2x2 max pooling in one pass ----------------------------------- */

/* Output rows of the convolution per block (even): 4 rows of the seed's first layer at 64
 * images are 16 x 4 x 24 x 64 floats, 384 KB, which stay in L2 between the GEMM writing them
 * and the pooling reading them (or, backward, between being rebuilt and the weight gradient
 * reading them). */
#define RL_FUSED_ROWS 4

gboolean
rl_conv_relu_maxpool_fusable (const RlConvGeom *g, int n)
{
  return conv_is_implicit (g, n) && g->ho % 2 == 0 && g->wo % 2 == 0;
}

size_t
rl_conv_relu_maxpool_block_size (const RlConvGeom *g, int n)
{
  return (size_t) g->co * MIN (RL_FUSED_ROWS, g->ho) * g->wo * n;
}

/* y = maxpool2(relu(z)) and each window's winner, over @rows rows of z (C, rows, W, N) whose
 * channels are zc floats apart, into rows / 2 rows of y and arg, channels yc apart. The same
 * operations as rl_maxpool_forward then rl_relu_forward, so the same bits. */
RL_CLONES static void
relu_maxpool2_rows (int c, int n, int rows, int w, const float *z, size_t zc, float *y,
                    float *arg, size_t yc)
{
  const int wo = w / 2;

  for (int ch = 0; ch < c; ch++)
    for (int py = 0; py < rows / 2; py++)
      for (int px = 0; px < wo; px++)
        {
          const float *restrict z0 = z + ch * zc + ((size_t) 2 * py * w + 2 * px) * n;
          const float *restrict z1 = z0 + n, *restrict z2 = z0 + (size_t) w * n;
          const float *restrict z3 = z2 + n;
          const size_t o = ch * yc + ((size_t) py * wo + px) * n;
          float *restrict yp = y + o;
          float *restrict ap = arg + o;

          for (int i = 0; i < n; i++)
            {
              float m = z0[i];
              m = z1[i] > m ? z1[i] : m;
              m = z2[i] > m ? z2[i] : m;
              m = z3[i] > m ? z3[i] : m;
              yp[i] = m > 0.0f ? m : 0.0f;
              ap[i] = z0[i] == m ? 0.0f : z1[i] == m ? 1.0f : z2[i] == m ? 2.0f : 3.0f;
            }
        }
}

/* One window's four N-vectors of dz from its y, arg and dy. */
static inline __attribute__ ((always_inline)) void
window_backward (int n, const float *restrict yp, const float *restrict ap,
                 const float *restrict gp, float *restrict d0, float *restrict d1,
                 float *restrict d2, float *restrict d3)
{
  for (int i = 0; i < n; i++)
    {
      const float g = gp[i] * (float) (yp[i] > 0.0f);
      const float a = ap[i];
      d0[i] = (a == 0.0f ? 1.0f : 0.0f) * g;
      d1[i] = (a == 1.0f ? 1.0f : 0.0f) * g;
      d2[i] = (a == 2.0f ? 1.0f : 0.0f) * g;
      d3[i] = (a == 3.0f ? 1.0f : 0.0f) * g;
    }
}

/* dz (C, rows, W, N; channels zc apart) = the gradient of z for y = maxpool2(relu(z)), from
 * rows / 2 rows of y, arg and dy (channels yc apart): each window's dy goes to its winner when
 * y > 0. The same products as maxpool2_backward, so the same bits. */
RL_CLONES static void
relu_maxpool2_backward_rows (int c, int n, int rows, int w, const float *y, const float *arg,
                             const float *dy, size_t yc, float *dz, size_t zc)
{
  const int wo = w / 2;

  for (int ch = 0; ch < c; ch++)
    for (int py = 0; py < rows / 2; py++)
      for (int px = 0; px < wo; px++)
        {
          float *d0 = dz + ch * zc + ((size_t) 2 * py * w + 2 * px) * n;
          const size_t o = ch * yc + ((size_t) py * wo + px) * n;

          window_backward (n, y + o, arg + o, dy + o, d0, d0 + n, d0 + (size_t) w * n,
                           d0 + (size_t) w * n + n);
        }
}

/* Sum of dy where y > 0, in sum_lanes' order. */
RL_CLONES static float
sum_lanes_positive (const float *restrict dy, const float *restrict y, int n)
{
  float lane[16] = { 0 };
  float s = 0.0f;
  int i = 0;

  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++)
      lane[j] += dy[i + j] * (float) (y[i + j] > 0.0f);
  for (; i < n; i++)
    lane[i % 16] += dy[i] * (float) (y[i] > 0.0f);
  for (int j = 0; j < 16; j++)
    s += lane[j];
  return s;
}

void
rl_conv2d_relu_maxpool_forward (const RlConvGeom *g, int n, const float *x, const float *w,
                                const float *b, float *y, float *arg, float *cols,
                                float *block)
{
  const size_t orow = (size_t) g->wo * n, ldb = (size_t) RL_FUSED_ROWS * orow;
  const size_t prow = (size_t) (g->wo / 2) * n, yc = (size_t) (g->ho / 2) * prow;
  ImplicitWs ws;

  g_return_if_fail (rl_conv_relu_maxpool_fusable (g, n));

  forward_weights (g, n, w, cols, &ws);
  for (int oy0 = 0; oy0 < g->ho; oy0 += RL_FUSED_ROWS)
    {
      const int oy1 = MIN (oy0 + RL_FUSED_ROWS, g->ho);
      const size_t at = (size_t) (oy0 / 2) * prow;

      correlate_implicit (g->ci, g->hi, g->wi, g->co, g->k, g->pad, n, x, ws.wr, ws.xp, ws.ptr,
                          b, 0.0f, oy0, oy1, block, ldb);
      relu_maxpool2_rows (g->co, n, oy1 - oy0, g->wo, block, ldb, y + at, arg + at, yc);
    }
}

void
rl_conv2d_relu_maxpool_backward (const RlConvGeom *g, int n, const float *x, const float *y,
                                 const float *arg, const float *dy, float *dw, float *db,
                                 float *cols, float *block)
{
  const size_t orow = (size_t) g->wo * n, ldb = (size_t) RL_FUSED_ROWS * orow;
  const size_t prow = (size_t) (g->wo / 2) * n, yc = (size_t) (g->ho / 2) * prow;
  ImplicitWs ws;
  size_t row;
  const float *src;

  g_return_if_fail (rl_conv_relu_maxpool_fusable (g, n));

  /* the bias gradient is the sum of dz, which is that of the windows' gradients */
  if (db != NULL)
    for (int c = 0; c < g->co; c++)
      db[c] += sum_lanes_positive (dy + c * yc, y + c * yc, (int) yc);

  implicit_ws (g, n, cols, FALSE, &ws);
  src = dw_source (g, n, x, &ws, &row);
  for (int oy0 = 0; oy0 < g->ho; oy0 += RL_FUSED_ROWS)
    {
      const int oy1 = MIN (oy0 + RL_FUSED_ROWS, g->ho);
      const size_t at = (size_t) (oy0 / 2) * prow;

      relu_maxpool2_backward_rows (g->co, n, oy1 - oy0, g->wo, y + at, arg + at, dy + at, yc,
                                   block, ldb);
      dw_rows (g, n, src, row, oy0, oy1, block, ldb, &ws, dw);
    }
}

void
rl_relu_maxpool2_backward_arg (int c, int n, int h, int w, const float *y, const float *arg,
                               const float *dy, float *dz)
{
  const size_t yc = (size_t) (h / 2) * (w / 2) * n;

  g_return_if_fail (h % 2 == 0 && w % 2 == 0);
  relu_maxpool2_backward_rows (c, n, h, w, y, arg, dy, yc, dz, (size_t) h * w * n);
}

RL_CLONES void
rl_gap_forward (int c, int n, int hw, const float *x, float *y)
{
  for (int ch = 0; ch < c; ch++)
    {
      float *yc = y + (size_t) ch * n;
      for (int i = 0; i < n; i++)
        yc[i] = 0.0f;
      for (int p = 0; p < hw; p++)
        {
          const float *xp = x + ((size_t) ch * hw + p) * n;
          for (int i = 0; i < n; i++)
            yc[i] += xp[i];
        }
      for (int i = 0; i < n; i++)
        yc[i] /= (float) hw;
    }
}

RL_CLONES void
rl_gap_backward (int c, int n, int hw, const float *dy, float *dx)
{
  for (int ch = 0; ch < c; ch++)
    for (int p = 0; p < hw; p++)
      {
        float *d = dx + ((size_t) ch * hw + p) * n;
        for (int i = 0; i < n; i++)
          d[i] += dy[(size_t) ch * n + i] / (float) hw;
      }
}

void
rl_linear_forward (int n, int d, int m, const float *x, const float *w, const float *b, float *y)
{
  /* y (N x M) = x (N x D) * w^T (D x M) */
  rl_sgemm (false, true, n, m, d, 1.0f, x, d, w, d, 0.0f, y, m);
  if (b != NULL)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++)
        y[(size_t) i * m + j] += b[j];
}

void
rl_linear_backward (int n, int d, int m, const float *x, const float *w, const float *dy,
                    float *dx, float *dw, float *db)
{
  /* dw (M x D) += dy^T (M x N) * x (N x D) */
  rl_sgemm (true, false, m, d, n, 1.0f, dy, m, x, d, 1.0f, dw, d);
  if (db != NULL)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++)
        db[j] += dy[(size_t) i * m + j];
  /* dx (N x D) += dy (N x M) * w (M x D) */
  if (dx != NULL)
    rl_sgemm (false, false, n, d, m, 1.0f, dy, m, w, d, 1.0f, dx, d);
}

void
rl_dense_forward (int n, int d, int m, const float *x, const float *w, const float *b, float *y)
{
  /* y (M x N) = w (M x D) * x (D x N) */
  rl_sgemm (false, false, m, n, d, 1.0f, w, d, x, n, 0.0f, y, n);
  if (b != NULL)
    for (int j = 0; j < m; j++)
      for (int i = 0; i < n; i++)
        y[(size_t) j * n + i] += b[j];
}

void
rl_dense_backward (int n, int d, int m, const float *x, const float *w, const float *dy,
                   float *dx, float *dw, float *db)
{
  /* dw (M x D) += dy (M x N) * x^T (N x D) */
  rl_sgemm (false, true, m, d, n, 1.0f, dy, n, x, n, 1.0f, dw, d);
  if (db != NULL)
    for (int j = 0; j < m; j++)
      db[j] += sum_lanes (dy + (size_t) j * n, n);
  /* dx (D x N) += w^T (D x M) * dy (M x N) */
  if (dx != NULL)
    rl_sgemm (true, false, d, n, m, 1.0f, w, d, dy, n, 1.0f, dx, n);
}

void
rl_flatten_forward (int c, int n, int hw, const float *x, float *rows)
{
  /* x viewed as (D, N) with D = C*H*W in (C, H, W) order: rows is its transpose */
  const size_t d = (size_t) c * hw;
  for (size_t j = 0; j < d; j++)
    for (int img = 0; img < n; img++)
      rows[img * d + j] = x[j * n + img];
}

void
rl_flatten_backward (int c, int n, int hw, const float *drows, float *dx)
{
  const size_t d = (size_t) c * hw;
  for (size_t j = 0; j < d; j++)
    for (int img = 0; img < n; img++)
      dx[j * n + img] += drows[img * d + j];
}

void
rl_bn_partial_stats (int c, int n, int hw, const float *x, double *sums)
{
  for (int ch = 0; ch < c; ch++)
    {
      const float *xc = x + (size_t) ch * n * hw;
      double s = 0.0, s2 = 0.0;
      for (size_t i = 0; i < (size_t) n * hw; i++)
        {
          s += xc[i];
          s2 += (double) xc[i] * xc[i];
        }
      sums[ch] = s;
      sums[c + ch] = s2;
    }
}

void
rl_bn_forward_apply (int c, int n, int hw, const float *x, const float *mean,
                     const float *invstd, const float *gamma, const float *beta, float *xhat,
                     float *y)
{
  for (int ch = 0; ch < c; ch++)
    {
      const size_t len = (size_t) n * hw, off = (size_t) ch * len;
      const float mu = mean[ch], is = invstd[ch], g = gamma[ch], b = beta[ch];
      for (size_t i = 0; i < len; i++)
        {
          float xh = (x[off + i] - mu) * is;
          if (xhat != NULL)
            xhat[off + i] = xh;
          y[off + i] = g * xh + b;
        }
    }
}

void
rl_bn_backward_partials (int c, int n, int hw, const float *dy, const float *xhat, double *sums)
{
  for (int ch = 0; ch < c; ch++)
    {
      const size_t len = (size_t) n * hw, off = (size_t) ch * len;
      double s = 0.0, s2 = 0.0;
      for (size_t i = 0; i < len; i++)
        {
          s += dy[off + i];
          s2 += (double) dy[off + i] * xhat[off + i];
        }
      sums[ch] = s;
      sums[c + ch] = s2;
    }
}

void
rl_bn_backward_apply (int c, int n, int hw, const float *dy, const float *xhat,
                      const float *invstd, const float *gamma, const double *tot,
                      double m_total, float *dx)
{
  for (int ch = 0; ch < c; ch++)
    {
      const size_t len = (size_t) n * hw, off = (size_t) ch * len;
      const float k = gamma[ch] * invstd[ch];
      const float mdy = (float) (tot[ch] / m_total), mdyx = (float) (tot[c + ch] / m_total);
      for (size_t i = 0; i < len; i++)
        dx[off + i] += k * (dy[off + i] - mdy - xhat[off + i] * mdyx);
    }
}

void
rl_softmax (int m, const float *logits, float *probs)
{
  float mx = logits[0];
  double sum = 0.0;
  for (int j = 1; j < m; j++)
    mx = logits[j] > mx ? logits[j] : mx;
  for (int j = 0; j < m; j++)
    {
      probs[j] = expf (logits[j] - mx);
      sum += probs[j];
    }
  for (int j = 0; j < m; j++)
    probs[j] = (float) (probs[j] / sum);
}

double
rl_softmax_xent (int n, int m, const float *logits, const uint8_t *labels, int denom,
                 float *dlogits, float *probs, int *n_correct)
{
  double total = 0.0;
  int correct = 0;
  float p_stack[64];
  float *p = m <= 64 ? p_stack : g_new (float, m);

  for (int i = 0; i < n; i++)
    {
      const float *z = logits + (size_t) i * m;
      float mx = z[0];
      int arg = 0;
      double sum = 0.0;

      for (int j = 1; j < m; j++)
        if (z[j] > mx)
          {
            mx = z[j];
            arg = j;
          }
      for (int j = 0; j < m; j++)
        sum += exp ((double) z[j] - mx);

      /* loss = log(sum exp z) - z[label] = log(sum) + mx - z[label] */
      total += log (sum) + mx - z[labels[i]];
      correct += arg == labels[i];

      for (int j = 0; j < m; j++)
        p[j] = (float) (exp ((double) z[j] - mx) / sum);
      if (probs != NULL)
        memcpy (probs + (size_t) i * m, p, sizeof (float) * m);
      if (dlogits != NULL)
        for (int j = 0; j < m; j++)
          dlogits[(size_t) i * m + j] = (p[j] - (j == labels[i] ? 1.0f : 0.0f)) / (float) denom;
    }

  if (p != p_stack)
    g_free (p);
  if (n_correct != NULL)
    *n_correct = correct;
  return total;
}
