/* rl-clones.h: RL_CLONES, for the engine's hot elementwise loops. Not installed.
 *
 * The engine's library is built for baseline x86-64 (SSE2, 4 floats a vector). On x86-64 with
 * GCC, a function defined with RL_CLONES is also built for AVX2 and AVX-512, and each call
 * runs the widest the engine uses (rl_cpu_get_isa (): the CPU's best, or lower with
 * $RESLAB_ISA, so the AVX2 code can be measured on an AVX-512 machine); rl-simd.h lists the
 * engine's other SIMD mechanisms. Written as
 *
 *   RL_CLONES (, void, rl_relu_forward, (const float *x, float *y, size_t len), (x, y, len))
 *   {
 *     ... the body, plain C ...
 *   }
 *
 * (storage class, return type, name, parameters, the parameters' names as arguments). The
 * body becomes an always-inlined function; three wrappers, each with its own target
 * attribute, inline it, so GCC vectorises the loops once per ISA; the function itself calls
 * one of them. (GCC's target_clones did this with an ifunc resolved at load time, before
 * anything can read $RESLAB_ISA.) Mark only code whose clones give the same bits: exact
 * operations (compares, max, multiplies by 0/1 masks, copies) and sums in a fixed order,
 * nothing GCC could contract into a fused multiply-add.
 */
#pragma once

#include "rl-cpu.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* "return f ()" in a void function is a GNU C extension, which lets one macro serve every
 * return type. */
#define RL_CLONES(storage, ret, name, params, args)                                           \
  static inline __attribute__ ((always_inline)) ret name##_clone_body params;                 \
  __attribute__ ((target ("avx512f"))) static ret                                             \
  name##_clone_avx512 params { return name##_clone_body args; }                               \
  __attribute__ ((target ("avx2"))) static ret                                                 \
  name##_clone_avx2 params { return name##_clone_body args; }                                 \
  static ret name##_clone_baseline params { return name##_clone_body args; }                  \
  storage ret                                                                                  \
  name params                                                                                  \
  {                                                                                            \
    switch (rl_cpu_get_isa ())                                                                 \
      {                                                                                        \
      case RL_CPU_ISA_AVX512: return name##_clone_avx512 args;                                 \
      case RL_CPU_ISA_AVX2: return name##_clone_avx2 args;                                     \
      default: return name##_clone_baseline args;                                              \
      }                                                                                        \
  }                                                                                            \
  static inline __attribute__ ((always_inline)) ret name##_clone_body params
#else
#define RL_CLONES(storage, ret, name, params, args) storage ret name params
#endif
