#define G_LOG_DOMAIN "reslab-engine"

/* rl-gemm.c: SGEMM's entry points (see rl-gemm.h): the argument checks, and the kernel
 * (portable, AVX2, AVX-512) chosen once at run time; the kernels are rl-gemm-*.c.
 */

#include "rl-gemm.h"
#include "rl-gemm-private.h"
#include "rl-cpu.h"

/* The shape checks of cblas_sgemm (RowMajor): sizes non-negative, each leading dimension at
 * least its stored row length. Violations are programming errors. */
static bool
args_valid (bool trans_a, bool trans_b, int M, int N, int K, int lda, int ldb, int ldc)
{
  g_return_val_if_fail (M >= 0 && N >= 0 && K >= 0, false);
  g_return_val_if_fail (lda >= (trans_a ? M : K), false);
  g_return_val_if_fail (ldb >= (trans_b ? K : N), false);
  g_return_val_if_fail (ldc >= N, false);
  return true;
}

/* The portable kernel (rl-gemm-portable.c, the SIMD template in generic vectors), with the
 * same argument checks as rl_sgemm: it is also called directly. */
void
rl_sgemm_portable (bool trans_a, bool trans_b,
                   int M, int N, int K,
                   float alpha,
                   const float *A, int lda,
                   const float *B, int ldb,
                   float beta,
                   float *C, int ldc)
{
  if (!args_valid (trans_a, trans_b, M, N, K, lda, ldb, ldc))
    return;
  rl_sgemm_vec (trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* rl_sgemm_rows' checks */
static bool
rows_args_valid (bool trans_a, int M, int N, int K, int lda, int nrep, int ldc)
{
  g_return_val_if_fail (M >= 0 && N >= 0 && K >= 0 && nrep >= 0 && lda >= (trans_a ? M : K)
                        && ldc >= N, false);
  return true;
}

void
rl_sgemm_rows_portable (bool trans_a, int M, int N, int K, float alpha, const float *A,
                        int lda, const float *const *brow, int nrep, size_t bstep, size_t cstep,
                        const float *bias, float beta, float *C, int ldc)
{
  if (!rows_args_valid (trans_a, M, N, K, lda, nrep, ldc))
    return;
  rl_sgemm_rows_vec (trans_a, M, N, K, alpha, A, lda, brow, nrep, bstep, cstep, bias, beta, C,
                     ldc);
}

/* rl_sgemm_dot_rows' sizes: C's rows must hold their N columns, grouped or not */
static bool
dot_rows_args_valid (int M, int N, int len, int nseg, int ldc, int cgroup, size_t cgstride)
{
  g_return_val_if_fail (M >= 0 && N >= 0 && len >= 0 && nseg >= 0 && cgroup >= 1, false);
  if (cgroup >= N)
    g_return_val_if_fail (ldc >= N, false);
  else
    g_return_val_if_fail (cgstride >= (size_t) cgroup
                          && (size_t) ldc >= (size_t) ((N - 1) / cgroup) * cgstride + cgroup,
                          false);
  return true;
}

void
rl_sgemm_dot_rows_portable (int M, int N, int len, int nseg, float alpha,
                            const float *const *arow, size_t astep,
                            const float *const *brow, size_t bstep,
                            float beta, float *C, int ldc, int cgroup, size_t cgstride)
{
  if (!dot_rows_args_valid (M, N, len, nseg, ldc, cgroup, cgstride))
    return;
  rl_sgemm_dot_rows_vec (M, N, len, nseg, alpha, arow, astep, brow, bstep, beta, C, ldc,
                         cgroup, cgstride);
}

/* Per-thread packing scratch (see rl-gemm-private.h). GPrivate frees it when the thread
 * exits, so the thread team's workers do not leak it. */
typedef struct {
  size_t n_floats;
  float *data;
} Scratch;

static void
scratch_free (gpointer data)
{
  Scratch *s = data;

  g_aligned_free (s->data);
  g_free (s);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

float *
rl_gemm_scratch (size_t n_floats)
{
  Scratch *s = g_private_get (&scratch_key);

  if (s == NULL)
    {
      s = g_new0 (Scratch, 1);
      g_private_set (&scratch_key, s);
    }
  if (s->n_floats < n_floats)
    {
      /* round up so a few slightly different shapes do not each grow it */
      size_t n = (n_floats + 4095) & ~(size_t) 4095;

      g_aligned_free (s->data);
      s->data = g_aligned_alloc (n, sizeof (float), 64);
      s->n_floats = n;
    }
  return s->data;
}

/* The kernel rl_sgemm calls. Chosen once (on first use, or by rl_gemm_set_kernel). */
static RlGemmKernel current_kernel = RL_GEMM_KERNEL_AUTO;
static RlSgemmFunc *current_func = rl_sgemm_portable;
static RlSgemmRowsFunc *current_rows = rl_sgemm_rows_portable;
static RlSgemmDotRowsFunc *current_dot_rows = rl_sgemm_dot_rows_portable;

bool
rl_gemm_kernel_supported (RlGemmKernel kernel)
{
  switch (kernel)
    {
    case RL_GEMM_KERNEL_AUTO:
    case RL_GEMM_KERNEL_PORTABLE:
      return true;
    case RL_GEMM_KERNEL_AVX2:
#ifdef RL_HAVE_AVX2
      /* the CPU's level, or lower with $RESLAB_ISA (rl-cpu.h) */
      return rl_cpu_get_isa () >= RL_CPU_ISA_AVX2;
#else
      return false;
#endif
    case RL_GEMM_KERNEL_AVX512:
#ifdef RL_HAVE_AVX512
      return rl_cpu_get_isa () >= RL_CPU_ISA_AVX512;
#else
      return false;
#endif
    default:
      return false;
    }
}

static RlGemmKernel
best_kernel (void)
{
  if (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX512))
    return RL_GEMM_KERNEL_AVX512;
  if (rl_gemm_kernel_supported (RL_GEMM_KERNEL_AVX2))
    return RL_GEMM_KERNEL_AVX2;
  return RL_GEMM_KERNEL_PORTABLE;
}

/* AUTO: $RESLAB_KERNEL if it names a supported kernel, else the best one. */
static RlGemmKernel
auto_kernel (void)
{
  const char *env = g_getenv ("RESLAB_KERNEL");
  RlGemmKernel best = best_kernel ();
  RlGemmKernel k;

  if (env == NULL || *env == '\0' || g_ascii_strcasecmp (env, "auto") == 0)
    return best;

  if (rl_gemm_kernel_from_name (env, &k))
    {
      if (rl_gemm_kernel_supported (k))
        return k;
      g_message ("RESLAB_KERNEL=%s is not supported on this CPU or build; using %s",
                 env, rl_gemm_kernel_name (best));
      return best;
    }

  g_message ("RESLAB_KERNEL=%s is not a kernel (portable, avx2, avx512); using %s",
             env, rl_gemm_kernel_name (best));
  return best;
}

bool
rl_gemm_set_kernel (RlGemmKernel kernel)
{
  if (!rl_gemm_kernel_supported (kernel))
    return false;
  if (kernel == RL_GEMM_KERNEL_AUTO)
    kernel = auto_kernel ();

  switch (kernel)
    {
#ifdef RL_HAVE_AVX2
    case RL_GEMM_KERNEL_AVX2:
      current_func = rl_sgemm_avx2;
      current_rows = rl_sgemm_rows_avx2;
      current_dot_rows = rl_sgemm_dot_rows_avx2;
      break;
#endif
#ifdef RL_HAVE_AVX512
    case RL_GEMM_KERNEL_AVX512:
      current_func = rl_sgemm_avx512;
      current_rows = rl_sgemm_rows_avx512;
      current_dot_rows = rl_sgemm_dot_rows_avx512;
      break;
#endif
    default:
      kernel = RL_GEMM_KERNEL_PORTABLE;
      current_func = rl_sgemm_portable;
      current_rows = rl_sgemm_rows_portable;
      current_dot_rows = rl_sgemm_dot_rows_portable;
      break;
    }
  current_kernel = kernel;
  return true;
}

/* First use without rl_gemm_set_kernel: pick AUTO, once, even if threads race to it. */
static void
ensure_kernel (void)
{
  static gsize chosen = 0;

  if (g_once_init_enter (&chosen))
    {
      if (current_kernel == RL_GEMM_KERNEL_AUTO)
        rl_gemm_set_kernel (RL_GEMM_KERNEL_AUTO);
      g_once_init_leave (&chosen, 1);
    }
}

RlGemmKernel
rl_gemm_get_kernel (void)
{
  ensure_kernel ();
  return current_kernel;
}

const char *
rl_gemm_kernel_name (RlGemmKernel kernel)
{
  switch (kernel)
    {
    case RL_GEMM_KERNEL_AUTO: return "auto";
    case RL_GEMM_KERNEL_PORTABLE: return "portable";
    case RL_GEMM_KERNEL_AVX2: return "avx2";
    case RL_GEMM_KERNEL_AVX512: return "avx512";
    default: return "unknown";
    }
}

bool
rl_gemm_kernel_from_name (const char *name, RlGemmKernel *kernel)
{
  g_return_val_if_fail (name != NULL && kernel != NULL, false);

  for (RlGemmKernel k = RL_GEMM_KERNEL_PORTABLE; k <= RL_GEMM_KERNEL_AVX512; k++)
    if (g_ascii_strcasecmp (name, rl_gemm_kernel_name (k)) == 0)
      {
        *kernel = k;
        return true;
      }
  return false;
}

void
rl_sgemm (bool trans_a, bool trans_b,
          int M, int N, int K,
          float alpha,
          const float *A, int lda,
          const float *B, int ldb,
          float beta,
          float *C, int ldc)
{
  if (!args_valid (trans_a, trans_b, M, N, K, lda, ldb, ldc))
    return;
  ensure_kernel ();
  current_func (trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void
rl_sgemm_rows (bool trans_a,
               int M, int N, int K,
               float alpha,
               const float *A, int lda,
               const float *const *brow, int nrep, size_t bstep, size_t cstep,
               const float *bias,
               float beta,
               float *C, int ldc)
{
  if (!rows_args_valid (trans_a, M, N, K, lda, nrep, ldc))
    return;
  ensure_kernel ();
  current_rows (trans_a, M, N, K, alpha, A, lda, brow, nrep, bstep, cstep, bias, beta, C, ldc);
}

void
rl_sgemm_dot_rows (int M, int N, int len, int nseg,
                   float alpha,
                   const float *const *arow, size_t astep,
                   const float *const *brow, size_t bstep,
                   float beta,
                   float *C, int ldc, int cgroup, size_t cgstride)
{
  if (!dot_rows_args_valid (M, N, len, nseg, ldc, cgroup, cgstride))
    return;
  ensure_kernel ();
  current_dot_rows (M, N, len, nseg, alpha, arow, astep, brow, bstep, beta, C, ldc, cgroup,
                    cgstride);
}
