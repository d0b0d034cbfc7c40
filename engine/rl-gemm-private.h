/* rl-gemm-private.h: what rl-gemm.c and the SIMD kernel files share. Not installed.
 *
 * Each SIMD kernel lives in its own file built with its own -m flags (see engine/meson.build)
 * and has the same contract as rl_sgemm_portable (rl-gemm.h). rl-gemm.c calls them only
 * after checking at run time that the CPU supports their instructions.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "rl-gemm.h"

/* Each ISA's three kernels, with the signatures of rl-gemm.h. */
#define RL_DECLARE_KERNELS(isa)                 \
  RlSgemmFunc        rl_sgemm_##isa;            \
  RlSgemmRowsFunc    rl_sgemm_rows_##isa;       \
  RlSgemmDotRowsFunc rl_sgemm_dot_rows_##isa;

/* rl-gemm-portable.c: the template in GCC's generic vectors, without the argument checks
 * (rl_sgemm_portable and the other two of rl-gemm.c add them) */
RL_DECLARE_KERNELS (vec)
RL_DECLARE_KERNELS (avx2)
RL_DECLARE_KERNELS (avx512)

/* Per-thread scratch for packing, 64-byte aligned, at least @n_floats long. The buffer is
 * grown only when too small (so no allocation in steady state) and freed at thread exit.
 * Valid until the next call from the same thread. */
float *rl_gemm_scratch (size_t n_floats);
