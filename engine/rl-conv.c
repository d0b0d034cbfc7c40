#define G_LOG_DOMAIN "reslab-engine"

/* rl-conv.c: the convolution, forward and backward: im2col blocks, the implicit GEMM for
 * stride 1, and the conv -> ReLU -> 2x2 max pooling layer that training runs as one.
 *
 * Legend: N images, C channels (Ci in, Co out), H x W spatial size (Ho x Wo out), K kernel
 * size, S stride, P padding. Activations are (C, H, W, N), the batch innermost; weights
 * (Co, Ci, K, K) as PyTorch's.
 */

#include "rl-conv.h"

#include <string.h>

#include "rl-clones.h"
#include "rl-gemm.h"
#include "rl-layers-private.h"

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
          /* An empty range may have ox_lo + off < 0: no pointer is formed from it then
           * (UBSan, fuzz-arch: "c=conv(68,s=15) rac=conv(6,k=5,p=2) ..."). */
          if (s == 1)
            {
              if (ox_hi > ox_lo)
                memcpy (ro + (size_t) ox_lo * n, xr + (size_t) (ox_lo + off) * n,
                        sizeof (float) * (ox_hi - ox_lo) * n);
            }
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
              if (ox_hi <= ox_lo)
                continue;   /* as above: no pointer from an empty range */
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

/* im2col of output rows [oy0, oy1) only: cols (Ci*K*K, (oy1-oy0)*Wo*N); with @scatter its
 * adjoint, dx += col2im (cols), reading cols. */
static void
cols_rows (const RlConvGeom *g, int n, int oy0, int oy1, const float *x, float *cols,
           gboolean scatter, float *dx)
{
  const size_t ncols = (size_t) n * (oy1 - oy0) * g->wo;
  const size_t plane = (size_t) n * g->hi * g->wi;

  for (int c = 0; c < g->ci; c++)
    for (int ky = 0; ky < g->k; ky++)
      for (int kx = 0; kx < g->k; kx++)
        {
          size_t r = ((size_t) c * g->k + ky) * g->k + kx;
          im2col_row (g, n, ky, kx, oy0, oy1, scatter ? NULL : x + c * plane, cols + r * ncols,
                      scatter, scatter ? dx + c * plane : NULL);
        }
}

static inline void
im2col_rows (const RlConvGeom *g, int n, int oy0, int oy1, const float *x, float *cols)
{
  cols_rows (g, n, oy0, oy1, x, cols, FALSE, NULL);
}

static inline void
col2im_rows (const RlConvGeom *g, int n, int oy0, int oy1, const float *dcols, float *dx)
{
  cols_rows (g, n, oy0, oy1, NULL, (float *) dcols, TRUE, dx);
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
      db[c] += rl_sum_lanes (dy + (size_t) c * ncols, ncols);

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

/* Sum of dy through the ReLU's mask (where y > 0, or NaN), in rl_sum_lanes' order. */
RL_CLONES (static, float, sum_lanes_positive,
           (const float *restrict dy, const float *restrict y, int n),
           (dy, y, n))
{
  float lane[16] = { 0 };
  float s = 0.0f;
  int i = 0;

  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++)
      lane[j] += dy[i + j] * rl_relu_mask (y[i + j]);
  for (; i < n; i++)
    lane[i % 16] += dy[i] * rl_relu_mask (y[i]);
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
      rl_relu_maxpool2_rows (g->co, n, oy1 - oy0, g->wo, block, ldb, y + at, arg + at, yc);
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

      rl_relu_maxpool2_backward_rows (g->co, n, oy1 - oy0, g->wo, y + at, arg + at, dy + at,
                                      yc, block, ldb);
      dw_rows (g, n, src, row, oy0, oy1, block, ldb, &ws, dw);
    }
}
