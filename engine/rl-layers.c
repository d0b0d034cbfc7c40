#define G_LOG_DOMAIN "reslab-engine"

#include "rl-layers.h"

#include <math.h>
#include <string.h>

#include "rl-gemm.h"

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

static inline gboolean
conv_is_pointwise (const RlConvGeom *g)
{
  return g->k == 1 && g->stride == 1 && g->pad == 0;
}

/* One im2col row: for input channel plane set x (N, Hi, Wi) and kernel offset (ky, kx), the
 * value each output position (n, oy, ox) sees. The same walk serves im2col (gather) and
 * col2im (scatter-add), so the two stay each other's adjoint by construction. Rows are short
 * (4 to 24 values here), so the copies are plain loops the compiler vectorises rather than
 * memcpy calls. */
static void
im2col_row (const RlConvGeom *g, int n, int ky, int kx, const float *restrict x,
            float *restrict row, gboolean scatter, float *restrict dx)
{
  const int hw_in = g->hi * g->wi;
  const int hw_out = g->ho * g->wo;
  const int wo = g->wo, s = g->stride, off = kx - g->pad;
  /* ox range whose ix = ox*S + off lies inside [0, Wi) */
  int ox_lo = 0, ox_hi = wo;

  if (off < 0)
    ox_lo = (-off + s - 1) / s;
  if ((wo - 1) * s + off >= g->wi)
    ox_hi = (g->wi - 1 - off) / s + 1;
  if (ox_hi < ox_lo)
    ox_hi = ox_lo;

  for (int img = 0; img < n; img++)
    {
      float *r = row + (size_t) img * hw_out;

      for (int oy = 0; oy < g->ho; oy++)
        {
          const int iy = oy * s - g->pad + ky;
          float *restrict ro = r + (size_t) oy * wo;

          if (iy < 0 || iy >= g->hi)
            {
              if (!scatter)
                for (int ox = 0; ox < wo; ox++)
                  ro[ox] = 0.0f;
              continue;
            }
          if (!scatter)
            {
              const float *restrict xrow = x + (size_t) img * hw_in + (size_t) iy * g->wi + off;
              for (int ox = 0; ox < ox_lo; ox++)
                ro[ox] = 0.0f;
              if (s == 1)
                for (int ox = ox_lo; ox < ox_hi; ox++)
                  ro[ox] = xrow[ox];
              else
                for (int ox = ox_lo; ox < ox_hi; ox++)
                  ro[ox] = xrow[ox * s];
              for (int ox = ox_hi; ox < wo; ox++)
                ro[ox] = 0.0f;
            }
          else
            {
              float *restrict drow = dx + (size_t) img * hw_in + (size_t) iy * g->wi + off;
              if (s == 1)
                for (int ox = ox_lo; ox < ox_hi; ox++)
                  drow[ox] += ro[ox];
              else
                for (int ox = ox_lo; ox < ox_hi; ox++)
                  drow[ox * s] += ro[ox];
            }
        }
    }
}

void
rl_im2col (const RlConvGeom *g, int n, const float *x, float *cols)
{
  const size_t ncols = (size_t) n * g->ho * g->wo;
  const size_t plane = (size_t) n * g->hi * g->wi;

  for (int c = 0; c < g->ci; c++)
    for (int ky = 0; ky < g->k; ky++)
      for (int kx = 0; kx < g->k; kx++)
        {
          size_t r = ((size_t) c * g->k + ky) * g->k + kx;
          im2col_row (g, n, ky, kx, x + c * plane, cols + r * ncols, FALSE, NULL);
        }
}

void
rl_col2im (const RlConvGeom *g, int n, const float *dcols, float *dx)
{
  const size_t ncols = (size_t) n * g->ho * g->wo;
  const size_t plane = (size_t) n * g->hi * g->wi;

  for (int c = 0; c < g->ci; c++)
    for (int ky = 0; ky < g->k; ky++)
      for (int kx = 0; kx < g->k; kx++)
        {
          size_t r = ((size_t) c * g->k + ky) * g->k + kx;
          im2col_row (g, n, ky, kx, NULL, (float *) dcols + r * ncols, TRUE, dx + c * plane);
        }
}

void
rl_conv2d_forward (const RlConvGeom *g, int n, const float *x, const float *w, const float *b,
                   float *y, float *cols)
{
  const int kk = g->ci * g->k * g->k;
  const int ncols = n * g->ho * g->wo;
  const float *B = x;

  if (!conv_is_pointwise (g))
    {
      rl_im2col (g, n, x, cols);
      B = cols;
    }

  /* y (Co x N*Ho*Wo) = w (Co x Ci*K*K) * cols (Ci*K*K x N*Ho*Wo) */
  rl_sgemm (false, false, g->co, ncols, kk, 1.0f, w, kk, B, ncols, 0.0f, y, ncols);

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
rl_conv2d_backward_cols (const RlConvGeom *g, int n, const float *cols, const float *w,
                         const float *dy, float *dx, float *dw, float *db, float *dcols)
{
  const int kk = g->ci * g->k * g->k;
  const int ncols = n * g->ho * g->wo;

  if (db != NULL)
    for (int c = 0; c < g->co; c++)
      {
        const float *dyc = dy + (size_t) c * ncols;
        float s = 0.0f;
        for (int i = 0; i < ncols; i++)
          s += dyc[i];
        db[c] += s;
      }

  /* dw (Co x Ci*K*K) += dy (Co x N*Ho*Wo) * cols^T */
  rl_sgemm (false, true, g->co, kk, ncols, 1.0f, dy, ncols, cols, ncols, 1.0f, dw, kk);

  if (dx == NULL)
    return;

  if (conv_is_pointwise (g))
    {
      /* dx (Ci x N*H*W) += w^T (Ci x Co) * dy (Co x N*H*W) */
      rl_sgemm (true, false, kk, ncols, g->co, 1.0f, w, kk, dy, ncols, 1.0f, dx, ncols);
    }
  else
    {
      /* dcols (Ci*K*K x N*Ho*Wo) = w^T * dy, then scattered back */
      rl_sgemm (true, false, kk, ncols, g->co, 1.0f, w, kk, dy, ncols, 0.0f, dcols, ncols);
      rl_col2im (g, n, dcols, dx);
    }
}

void
rl_conv2d_backward (const RlConvGeom *g, int n, const float *x, const float *w, const float *dy,
                    float *dx, float *dw, float *db, float *cols, float *dcols)
{
  if (!conv_is_pointwise (g))
    {
      rl_im2col (g, n, x, cols);
      x = cols;
    }
  rl_conv2d_backward_cols (g, n, x, w, dy, dx, dw, db, dcols);
}

void
rl_relu_forward (const float *x, float *y, size_t len)
{
  for (size_t i = 0; i < len; i++)
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void
rl_relu_backward (const float *y, const float *dy, float *dx, size_t len)
{
  for (size_t i = 0; i < len; i++)
    dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
}

/* 2x2 windows, the seed's case: two rows at a time, no inner window loop. */
static void
maxpool2_plane (int h, int w, const float *restrict xp, float *restrict yp,
                uint8_t *restrict ap)
{
  const int ho = h / 2, wo = w / 2;

  for (int oy = 0; oy < ho; oy++)
    {
      const float *restrict r0 = xp + (size_t) (2 * oy) * w;
      const float *restrict r1 = r0 + w;
      for (int ox = 0; ox < wo; ox++)
        {
          float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
          float best = a;
          int at = 0;
          /* strictly greater: the first maximum wins, as PyTorch's CPU kernel */
          if (b > best) { best = b; at = 1; }
          if (c > best) { best = c; at = 2; }
          if (d > best) { best = d; at = 3; }
          yp[oy * wo + ox] = best;
          ap[oy * wo + ox] = (uint8_t) at;
        }
    }
}

void
rl_maxpool_forward (int c, int n, int h, int w, int k, const float *x, float *y,
                    uint8_t *argmax)
{
  const int ho = h / k, wo = w / k;
  const size_t planes = (size_t) c * n;

  for (size_t p = 0; p < planes; p++)
    {
      const float *xp = x + p * h * w;
      float *yp = y + p * ho * wo;
      uint8_t *ap = argmax + p * ho * wo;

      if (k == 2)
        {
          maxpool2_plane (h, w, xp, yp, ap);
          continue;
        }
      for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
          {
            const float *win = xp + (size_t) oy * k * w + ox * k;
            float best = win[0];
            int best_at = 0;
            for (int ky = 0; ky < k; ky++)
              for (int kx = 0; kx < k; kx++)
                {
                  float v = win[ky * w + kx];
                  /* strictly greater: the first maximum wins, as PyTorch's CPU kernel */
                  if (v > best)
                    {
                      best = v;
                      best_at = ky * k + kx;
                    }
                }
            yp[oy * wo + ox] = best;
            ap[oy * wo + ox] = (uint8_t) best_at;
          }
    }
}

void
rl_maxpool_backward (int c, int n, int h, int w, int k, const float *dy, const uint8_t *argmax,
                     float *dx)
{
  const int ho = h / k, wo = w / k;
  const size_t planes = (size_t) c * n;

  for (size_t p = 0; p < planes; p++)
    {
      const float *dyp = dy + p * ho * wo;
      const uint8_t *ap = argmax + p * ho * wo;
      float *dxp = dx + p * h * w;

      for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
          {
            int a = ap[oy * wo + ox];
            dxp[(size_t) (oy * k + a / k) * w + ox * k + a % k] += dyp[oy * wo + ox];
          }
    }
}

void
rl_gap_forward (int c, int n, int hw, const float *x, float *y)
{
  const size_t planes = (size_t) c * n;
  for (size_t p = 0; p < planes; p++)
    {
      const float *xp = x + p * hw;
      float s = 0.0f;
      for (int i = 0; i < hw; i++)
        s += xp[i];
      y[p] = s / (float) hw;
    }
}

void
rl_gap_backward (int c, int n, int hw, const float *dy, float *dx)
{
  const size_t planes = (size_t) c * n;
  for (size_t p = 0; p < planes; p++)
    {
      float g = dy[p] / (float) hw;
      float *dxp = dx + p * hw;
      for (int i = 0; i < hw; i++)
        dxp[i] += g;
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
rl_flatten_forward (int c, int n, int hw, const float *x, float *rows)
{
  const size_t d = (size_t) c * hw;
  for (int ch = 0; ch < c; ch++)
    for (int img = 0; img < n; img++)
      memcpy (rows + img * d + (size_t) ch * hw, x + ((size_t) ch * n + img) * hw,
              sizeof (float) * hw);
}

void
rl_flatten_backward (int c, int n, int hw, const float *drows, float *dx)
{
  const size_t d = (size_t) c * hw;
  for (int ch = 0; ch < c; ch++)
    for (int img = 0; img < n; img++)
      {
        const float *src = drows + img * d + (size_t) ch * hw;
        float *dst = dx + ((size_t) ch * n + img) * hw;
        for (int i = 0; i < hw; i++)
          dst[i] += src[i];
      }
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
