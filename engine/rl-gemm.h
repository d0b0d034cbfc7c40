/* rl-gemm.h: single-precision matrix multiply, the engine's one hot kernel.
 *
 *   C (M x N) = alpha * op(A) (M x K) * op(B) (K x N) + beta * C
 *
 * Row-major, like cblas_sgemm with CblasRowMajor: op(A) is A (M x K, leading dimension lda)
 * or, with trans_a, A^T where A is stored K x M. Likewise B. beta == 0 means C is written
 * without being read (so it may hold NaN garbage).
 *
 * Single-threaded by design: the engine parallelises over the batch, one GEMM per thread,
 * so that a given seed and thread count gives the same bits every run.
 *
 * Several implementations live behind this one entry point: a portable C kernel that is
 * always built, and AVX2/FMA and AVX-512 kernels chosen at run time from what the CPU
 * supports. Every kernel must give results within float rounding of the portable one.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef enum {
  RL_GEMM_KERNEL_AUTO,      /* best the CPU supports (or $RESLAB_KERNEL) */
  RL_GEMM_KERNEL_PORTABLE,
  RL_GEMM_KERNEL_AVX2,
  RL_GEMM_KERNEL_AVX512,
} RlGemmKernel;

/* Each of the three products below has one signature, written once as a function type:
 * the dispatching entry point, the portable reference and every ISA's kernel
 * (rl-gemm-private.h) are declared with it. */
typedef void RlSgemmFunc (bool trans_a, bool trans_b,
                          int M, int N, int K,
                          float alpha,
                          const float *A, int lda,
                          const float *B, int ldb,
                          float beta,
                          float *C, int ldc);

RlSgemmFunc rl_sgemm;
/* The portable kernel: the SIMD kernels' template in GCC generic vectors, no intrinsics
 * (rl-gemm-portable.c). Always available; aarch64's only kernel. */
RlSgemmFunc rl_sgemm_portable;

/* Row-pointer B: C (M x N) = alpha * op(A) (M x K) * B + bias + beta * C, where op(A) is A or,
 * with trans_a, A^T (A stored K x M, leading dimension lda), row k of B is the N
 * contiguous floats at brow[k] and bias (nullable) has one value per row of C. A convolution
 * points brow[k] into its input at tap k's offset (an "implicit GEMM"), so the im2col matrix
 * is never copied out. The product is done @nrep times over one packing of A: the r-th reads
 * B's rows at brow[k] + r * bstep and writes C + r * cstep (one call for several output rows
 * of a convolution). Same kernels, same summation order per C element (increasing k within a
 * block) as rl_sgemm; the bias is added to the first K block's sum. */
typedef void RlSgemmRowsFunc (bool trans_a,
                              int M, int N, int K,
                              float alpha,
                              const float *A, int lda,
                              const float *const *brow, int nrep, size_t bstep, size_t cstep,
                              const float *bias,
                              float beta,
                              float *C, int ldc);

RlSgemmRowsFunc rl_sgemm_rows;

/* Segmented dot products: C (M x N) = alpha * sum_{s < nseg} A_s * B_s^T + beta * C, where row
 * i of A_s is the len floats at arow[i] + s * astep and row j of B_s the len floats at
 * brow[j] + s * bstep. A convolution's weight gradient: A = dY, B = the input seen by each
 * tap, one segment per output row. Columns of C come in groups of @cgroup, each group's
 * contiguous and the groups @cgstride floats apart (>= cgroup): column j is at
 * (j / cgroup) * cgstride + j % cgroup in its row, so a convolution's kernel row (channel,
 * kx) lands straight in a (Co, Ci, K, K) gradient. cgroup >= N: plain contiguous columns. */
typedef void RlSgemmDotRowsFunc (int M, int N, int len, int nseg,
                                 float alpha,
                                 const float *const *arow, size_t astep,
                                 const float *const *brow, size_t bstep,
                                 float beta,
                                 float *C, int ldc, int cgroup, size_t cgstride);

RlSgemmDotRowsFunc rl_sgemm_dot_rows;

/* The portable kernel's forms of the two above. */
RlSgemmRowsFunc    rl_sgemm_rows_portable;
RlSgemmDotRowsFunc rl_sgemm_dot_rows_portable;

/* Whether this CPU (and this build) can run @kernel. */
bool         rl_gemm_kernel_supported (RlGemmKernel kernel);
/* Select the kernel rl_sgemm uses from now on, process-wide. Returns FALSE (and changes
 * nothing) if the kernel is not supported. AUTO picks the best supported, or the one named by
 * the environment variable RESLAB_KERNEL (portable, avx2, avx512) when set. Not thread-safe:
 * call it before any training starts. */
bool         rl_gemm_set_kernel       (RlGemmKernel kernel);
RlGemmKernel rl_gemm_get_kernel       (void);
const char  *rl_gemm_kernel_name      (RlGemmKernel kernel);
/* The kernel rl_gemm_kernel_name gives @name for (portable, avx2, avx512; in any case), in
 * @kernel; FALSE, @kernel untouched, for any other name ("auto" too). Whether it runs here is
 * rl_gemm_kernel_supported's to say. */
bool         rl_gemm_kernel_from_name (const char   *name,
                                       RlGemmKernel *kernel);

G_END_DECLS
