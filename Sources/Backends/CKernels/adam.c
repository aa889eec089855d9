#include "plexus_kernels.h"

#include <stdint.h>
#include <string.h>

/* The reference backend's arithmetic, operation for operation: no contraction into FMA. */
#pragma clang fp contract(off)

static inline float reference_square_root(float v) {
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

#if defined(__x86_64__) && defined(__ELF__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void plexus_adam_f32(
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
