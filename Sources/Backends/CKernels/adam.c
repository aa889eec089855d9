#include "plexus_kernels.h"

/* The reference backend's arithmetic, operation for operation: no contraction into FMA. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/*
 * The correctly rounded square root, as IEEE 754 and Keras define it. `__builtin_sqrtf` keeps
 * C's errno contract (a call to `sqrtf` per element unless built with -fno-math-errno), which
 * stops the loop from vectorising; Clang's elementwise builtin has no errno and becomes
 * `vsqrtps`.
 */
static inline __attribute__((always_inline)) float exact_square_root(float v) {
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
#define PLEXUS_ELEMENTWISE_SQRT 1
#endif
#endif
#ifdef PLEXUS_ELEMENTWISE_SQRT
  return __builtin_elementwise_sqrt(v);
#else
  return __builtin_sqrtf(v);
#endif
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
    variable[i] -= alpha * first / (exact_square_root(second) + epsilon);
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
