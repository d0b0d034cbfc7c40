/* rl-simd.h: how the engine gets SIMD code, in one place. Not installed; nothing to include,
 * this header only lists the three mechanisms and when to use which.
 *
 * The library is built for baseline x86-64 (SSE2) so it runs on any x86-64 CPU; faster code is
 * picked at run time in one of three ways:
 *
 * Every run-time check goes through rl_cpu_get_isa () (rl-cpu.h): the CPU's best level, or a
 * lower one named by $RESLAB_ISA (baseline, avx2, avx512), so that on an AVX-512 machine the
 * whole engine can run its AVX2 code, as an AVX2-only CPU would, for measurements and tests.
 *
 * 1. Separate files with their own -m flags, called after a run-time check: rl-gemm-avx2.c and
 *    rl-gemm-avx512.c, each built as its own static library with -mavx2 -mfma / -mavx512f ...
 *    (engine/meson.build), both instantiating the kernel template rl-gemm-simd.h with their
 *    intrinsics; rl-gemm.c checks the level (rl_cpu_get_isa, and $RESLAB_KERNEL) and calls
 *    through function pointers. Use it for hand-written intrinsics kernels that are large,
 *    tuned per ISA (tile sizes, masks) and need a kernel switch for tests and benchmarks.
 *    Results differ from the portable kernel within float rounding (FMA), as rl-gemm.h says.
 *
 * 2. RL_CLONES (rl-clones.h): one plain C function built for SSE2, AVX2 and AVX-512 (an
 *    always-inlined body in three wrappers with target attributes), each call running the
 *    level's. Use it for the hot elementwise
 *    and pooling loops that GCC vectorises by itself (rl-layers.c, rl-conv.c, rl-pooling.c).
 *    Only exact operations there (compares, max, 0/1 masks, copies, sums in a fixed order):
 *    every clone must give the same bits.
 *
 * 3. A target attribute on one function (__attribute__ ((target ("avx2,fma")))), called after
 *    a run-time check: rl-cpu.c's FMA peak loops. Use it for a small piece of intrinsics code
 *    whose only user is in the same file, where a separate library would be overkill.
 *
 * Under all three, the portable kernel (rl-gemm-portable.c): the same GEMM template as the
 * AVX kernels written with GCC's generic vector extensions (vector_size types, plain + and *),
 * no intrinsics, built with the library's own flags. It is what every CPU can run: SSE2 code
 * on baseline x86-64 (RESLAB_KERNEL=portable forces it), NEON with fused multiply-adds on
 * aarch64 (the only GEMM kernel there; cross/aarch64-linux-gnu.ini, ./dev.sh cross-test), and
 * AVX2-width code when the whole build targets it (-march=x86-64-v3). Its tile sizes are
 * chosen per target from the compiler's predefined macros (__aarch64__, __AVX__). Add NEON
 * intrinsics only if they measure better than what GCC makes of this source.
 */
#pragma once
