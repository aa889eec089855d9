#include "plexus_kernels.h"

#include <stdint.h>
#include <string.h>

/* The reference backend's arithmetic, operation for operation: no contraction into FMA. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

static inline __attribute__((always_inline)) float reference_square_root(float v) {
  uint32_t bits;
  memcpy(&bits, &v, sizeof bits);
  uint32_t guess = 0x5f375a86u - (bits >> 1);
  float y;
  memcpy(&y, &guess, sizeof y);
  float half = v * 0.5f;
  y = y * (1.5f - half * y * y);
  y = y * (1.5f - half * y * y);
  y = y * (1.5f - half * y * y);
  return v * y;
}

/* The loop, compiled once per instruction set below; `inline` so each version gets its own. */
static inline __attribute__((always_inline)) void adam_loop(
    float *variable, const float *gradient, float *m, float *v, size_t count, float alpha,
    float one_minus_beta1, float one_minus_beta2, float epsilon) {
  const float least_normal = 1.17549435e-38f;
  for (size_t i = 0; i < count; i++) {
    float g = gradient[i];
    float first = m[i];
    float second = v[i];
    first += (g - first) * one_minus_beta1;
    second += (g * g - second) * one_minus_beta2;
    first = (first < least_normal && first > -least_normal) ? 0.0f : first;
    second = second < least_normal ? 0.0f : second;
    variable[i] -= alpha * first / (reference_square_root(second) + epsilon);
    m[i] = first;
    v[i] = second;
  }
}

#define ADAM_ARGUMENTS                                                                        \
  float *variable, const float *gradient, float *m, float *v, size_t count, float alpha,      \
      float one_minus_beta1, float one_minus_beta2, float epsilon
#define ADAM_CALL \
  adam_loop(variable, gradient, m, v, count, alpha, one_minus_beta1, one_minus_beta2, epsilon)

static void adam_baseline(ADAM_ARGUMENTS) { ADAM_CALL; }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
/*
 * Versions for AVX2 and AVX-512, chosen per call by a CPU check. Not `target_clones`: its
 * resolver runs while the program loads, before a sanitizer's runtime is ready (the
 * ThreadSanitizer test binary crashed at start with it).
 */
__attribute__((target("avx2"))) static void adam_avx2(ADAM_ARGUMENTS) { ADAM_CALL; }
__attribute__((target("avx512f"))) static void adam_avx512(ADAM_ARGUMENTS) { ADAM_CALL; }

void plexus_adam_f32(ADAM_ARGUMENTS) {
  if (__builtin_cpu_supports("avx512f")) {
    adam_avx512(variable, gradient, m, v, count, alpha, one_minus_beta1, one_minus_beta2, epsilon);
  } else if (__builtin_cpu_supports("avx2")) {
    adam_avx2(variable, gradient, m, v, count, alpha, one_minus_beta1, one_minus_beta2, epsilon);
  } else {
    adam_baseline(
        variable, gradient, m, v, count, alpha, one_minus_beta1, one_minus_beta2, epsilon);
  }
}
#else
void plexus_adam_f32(ADAM_ARGUMENTS) { ADAM_CALL; }
#endif
