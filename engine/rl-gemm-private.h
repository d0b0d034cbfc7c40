/* rl-gemm-private.h: what rl-gemm.c and the SIMD kernel files share. Not installed.
 *
 * Each SIMD kernel lives in its own file built with its own -m flags (see engine/meson.build)
 * and has the same contract as rl_sgemm_portable (rl-gemm.h). rl-gemm.c calls them only
 * after checking at run time that the CPU supports their instructions.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef void (*RlSgemmFunc) (bool trans_a, bool trans_b,
                             int M, int N, int K,
                             float alpha,
                             const float *A, int lda,
                             const float *B, int ldb,
                             float beta,
                             float *C, int ldc);

typedef void (*RlSgemmRowsFunc) (bool trans_a, int M, int N, int K, float alpha, const float *A,
                                 int lda,
                                 const float *const *brow, int nrep, size_t bstep,
                                 size_t cstep, const float *bias, float beta, float *C,
                                 int ldc);

typedef void (*RlSgemmDotRowsFunc) (int M, int N, int len, int nseg, float alpha,
                                    const float *const *arow, size_t astep,
                                    const float *const *brow, size_t bstep,
                                    float beta, float *C, int ldc, int cgroup,
                                    size_t cgstride);

#define RL_DECLARE_KERNELS(isa)                                                                \
  void rl_sgemm_rows_##isa (bool trans_a, int M, int N, int K, float alpha, const float *A,    \
                            int lda,                                                           \
                            const float *const *brow, int nrep, size_t bstep, size_t cstep,    \
                            const float *bias, float beta, float *C, int ldc);                 \
  void rl_sgemm_dot_rows_##isa (int M, int N, int len, int nseg, float alpha,                  \
                                const float *const *arow, size_t astep,                        \
                                const float *const *brow, size_t bstep,                        \
                                float beta, float *C, int ldc, int cgroup,                     \
                                size_t cgstride);

RL_DECLARE_KERNELS (avx2)
RL_DECLARE_KERNELS (avx512)

void rl_sgemm_avx2   (bool trans_a, bool trans_b,
                      int M, int N, int K,
                      float alpha,
                      const float *A, int lda,
                      const float *B, int ldb,
                      float beta,
                      float *C, int ldc);

void rl_sgemm_avx512 (bool trans_a, bool trans_b,
                      int M, int N, int K,
                      float alpha,
                      const float *A, int lda,
                      const float *B, int ldb,
                      float beta,
                      float *C, int ldc);

/* Per-thread scratch for packing, 64-byte aligned, at least @n_floats long. The buffer is
 * grown only when too small (so no allocation in steady state) and freed at thread exit.
 * Valid until the next call from the same thread. */
float *rl_gemm_scratch (size_t n_floats);
