/*
 * plexus_kernels.h: host kernels in C, for the backends that run ops on the host.
 *
 * Written in C for one reason: a function can be compiled for several instruction sets
 * (`__attribute__((target(...)))`) and pick one per call by a CPU check, so a build without
 * tuning flags (a package that depends on Plexus builds it so) still runs them with AVX-512 or
 * AVX2. Swift has no such attribute; its SIMD code runs at the build's baseline.
 * Internal to the package: not part of the C ABI.
 */
#ifndef PLEXUS_KERNELS_H
#define PLEXUS_KERNELS_H

#include <stddef.h>

/*
 * One Keras Adam step on `count` float32 elements, in place: with the constants
 * `alpha` = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ), `one_minus_beta1`, `one_minus_beta2`, `epsilon`,
 *   m += (g − m)·(1 − β₁);  v += (g·g − v)·(1 − β₂);
 *   m, v that fall below the smallest normal float become 0 (flush to zero);
 *   w −= alpha·m / (sqrt(v) + epsilon),
 * with the square root correctly rounded (`vsqrtps`), every operation in the reference
 * backend's order and never contracted into a fused multiply-add: the results are the reference
 * backend's bit for bit. The buffers may not overlap. Hidden: a library that links Plexus
 * (libplexus_c.so) exports only its px_ ABI.
 */
__attribute__((visibility("hidden"))) void plexus_adam_f32(
    float *variable, const float *gradient, float *m, float *v, size_t count, float alpha,
    float one_minus_beta1, float one_minus_beta2, float epsilon);

#endif /* PLEXUS_KERNELS_H */
