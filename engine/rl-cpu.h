/* rl-cpu.h: what the machine is and how fast it could go, for benchmarks and reports. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Measured FP32 peak in GFLOPS (one FMA = 2 FLOPs): each of a team of @n_threads threads runs
 * independent-accumulator FMA chains with the widest SIMD the CPU supports (AVX-512, AVX2/FMA,
 * else scalar C) for about @seconds; the result is the total over the threads. Needs
 * n_threads >= 1 and seconds > 0; returns 0 otherwise. */
double      rl_cpu_measure_peak_gflops (int n_threads, double seconds);

/* "<model name from /proc/cpuinfo> (<SIMD extensions the CPU supports>)", e.g.
 * "AMD EPYC (avx avx2 fma avx512f avx512dq avx512bw avx512vl)". Owned by the engine. */
const char *rl_cpu_describe            (void);

G_END_DECLS
