#define G_LOG_DOMAIN "reslab-engine"

#include "rl-gemm.h"

#include <string.h>

/* Portable reference kernel. Loop order i-k-j so the inner loop runs along rows of B and C
 * (unit stride in the common no-transpose case), which compilers vectorise well enough. */
void
rl_sgemm_portable (bool trans_a, bool trans_b,
                   int M, int N, int K,
                   float alpha,
                   const float *A, int lda,
                   const float *B, int ldb,
                   float beta,
                   float *C, int ldc)
{
  for (int i = 0; i < M; i++)
    {
      float *c = C + (size_t) i * ldc;

      if (beta == 0.0f)
        memset (c, 0, sizeof (float) * (size_t) N);
      else if (beta != 1.0f)
        for (int j = 0; j < N; j++)
          c[j] *= beta;

      for (int k = 0; k < K; k++)
        {
          float a = trans_a ? A[(size_t) k * lda + i] : A[(size_t) i * lda + k];
          a *= alpha;
          if (!trans_b)
            {
              const float *b = B + (size_t) k * ldb;
              for (int j = 0; j < N; j++)
                c[j] += a * b[j];
            }
          else
            {
              for (int j = 0; j < N; j++)
                c[j] += a * B[(size_t) j * ldb + k];
            }
        }
    }
}

static RlGemmKernel current_kernel = RL_GEMM_KERNEL_PORTABLE;

bool
rl_gemm_kernel_supported (RlGemmKernel kernel)
{
  return kernel == RL_GEMM_KERNEL_PORTABLE || kernel == RL_GEMM_KERNEL_AUTO;
}

bool
rl_gemm_set_kernel (RlGemmKernel kernel)
{
  if (!rl_gemm_kernel_supported (kernel))
    return false;
  current_kernel = kernel == RL_GEMM_KERNEL_AUTO ? RL_GEMM_KERNEL_PORTABLE : kernel;
  return true;
}

RlGemmKernel
rl_gemm_get_kernel (void)
{
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

void
rl_sgemm (bool trans_a, bool trans_b,
          int M, int N, int K,
          float alpha,
          const float *A, int lda,
          const float *B, int ldb,
          float beta,
          float *C, int ldc)
{
  rl_sgemm_portable (trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
