/* rl-clones.h: RL_CLONES, for the engine's hot elementwise loops. Not installed.
 *
 * The engine's library is built for baseline x86-64 (SSE2, 4 floats a vector). On x86-64 Linux
 * with GCC, a function marked RL_CLONES is also built for AVX2 and AVX-512, and the dynamic
 * loader picks the best the CPU has (target_clones, an ifunc); rl-simd.h lists the engine's
 * other SIMD mechanisms. Mark only code whose clones give the same bits: exact operations
 * (compares, max, multiplies by 0/1 masks, copies) and sums in a fixed order, nothing GCC could
 * contract into a fused multiply-add.
 */
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define RL_CLONES __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#else
#define RL_CLONES
#endif
