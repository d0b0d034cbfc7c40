/* rl-cpu.h: what the machine is and how fast it could go, for benchmarks and reports. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The SIMD levels the engine has code for, in increasing order. */
typedef enum {
  RL_CPU_ISA_BASELINE,      /* what the build targets (x86-64: SSE2); plain C elsewhere */
  RL_CPU_ISA_AVX2,          /* AVX2 + FMA */
  RL_CPU_ISA_AVX512,        /* AVX-512 F, VL, DQ (+ AVX2, FMA) */
} RlCpuIsa;

/* The widest SIMD the engine uses: the best level this CPU supports, limited by the
 * environment variable RESLAB_ISA (baseline, avx2, avx512) when set, so that the AVX2 code
 * (GEMM kernels, elementwise clones, the peak below) can be measured on an AVX-512 machine.
 * Read once; a value above what the CPU has, or not a level, is ignored with a message. */
RlCpuIsa    rl_cpu_get_isa             (void);
const char *rl_cpu_isa_name            (RlCpuIsa isa);

/* Measured FP32 peak in GFLOPS (one FMA = 2 FLOPs): each of a team of @n_threads threads runs
 * independent-accumulator FMA chains with the widest SIMD the engine uses (rl_cpu_get_isa():
 * AVX-512, AVX2/FMA, else scalar C) for about @seconds; the result is the total over the
 * threads. Needs n_threads >= 1 and seconds > 0; returns 0 otherwise. */
double      rl_cpu_measure_peak_gflops (int n_threads, double seconds);
/* The same with the SIMD of @isa, capped at rl_cpu_get_isa() (e.g. the GEMM kernel's). */
double      rl_cpu_measure_peak_gflops_isa (RlCpuIsa isa, int n_threads, double seconds);
/* One thread's peak with the SIMD of @isa (capped likewise), timed in the calling thread's CPU
 * time for about @seconds of it: what the core does while this program runs, whatever else
 * shares the machine. For figures timed the same way (tools/bench-conv.c). */
double      rl_cpu_measure_thread_peak_gflops (RlCpuIsa isa, double seconds);

/* The calling thread's CPU time, in seconds (CLOCK_THREAD_CPUTIME_ID): what the engine's
 * profile, the bench and the peak measurement count, so that on a shared machine the time other
 * programs take the core is left out. */
double      rl_cpu_thread_seconds      (void);

/* "<model name from /proc/cpuinfo> (<SIMD extensions the CPU supports>)", e.g.
 * "AMD EPYC (avx avx2 fma avx512f avx512dq avx512bw avx512vl)", with "; engine limited to
 * avx2 by RESLAB_ISA" before the ")" when RESLAB_ISA lowers the level. Owned by the engine. */
const char *rl_cpu_describe            (void);

G_END_DECLS
