/* gemm-test-utils.h: what the tests of the SGEMM kernels share (test-gemm.c, the full-matrix
 * rl_sgemm, and test-gemm-rows.c, its row-pointer forms): the kernels every case runs on, and
 * the sentinel that C's padding holds. Header-only, for the tests. */
#pragma once

#include <glib.h>

#include "rl-gemm.h"

/* Every kernel there is, in the order the tests run them; a test skips over the ones this CPU
 * does not support. */
static const RlGemmKernel all_kernels[] = {
  RL_GEMM_KERNEL_PORTABLE, RL_GEMM_KERNEL_AVX2, RL_GEMM_KERNEL_AVX512,
};

/* What the floats of C outside the product hold before a call, and must hold after it. */
#define SENTINEL 12345.0f
