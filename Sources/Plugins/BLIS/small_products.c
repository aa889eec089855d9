/*
 * small_products.c: products too small for BLIS (at most PX_BLIS_DIRECT_MACS multiply-adds),
 * where its set-up and packing for each call cost several times the arithmetic.
 *
 * Two loop orders, whichever keeps the innermost loop long and contiguous: rows of the output
 * built as sums of scaled rows of b ("axpy", when the output is wide), or each element as a dot
 * product of a row of a and a column of b (when it is narrow and the sums are long), with eight
 * partial sums so that the compiler vectorizes it. An operand that is not laid out for the chosen
 * order is first copied into scratch memory from the host's allocator. Each kernel is compiled
 * twice, for AVX2 + FMA and for the baseline, and the CPU picks at run time.
 */
#include "small_products.h"

#include <string.h>

/* The body of one kernel for element type `type`; `name` is the function's name. */
#define SMALL_KERNEL(name, type, attributes)                                                   \
  attributes static void name(const px_blis_small *s, const type *a, const type *b, type *c) { \
    int64_t i, j, l;                                                                           \
    if (s->by_rows) { /* b is row-major [k, n]: c[i, :] += a[i, l] * b[l, :] */                \
      for (i = 0; i < s->m; i++) {                                                             \
        type *row = c + i * s->n;                                                              \
        if (!s->beta_one)                                                                      \
          for (j = 0; j < s->n; j++) row[j] = 0;                                               \
        for (l = 0; l < s->k; l++) {                                                           \
          const type scale = a[i * s->rs_a + l * s->cs_a], *source = b + l * s->n;             \
          for (j = 0; j < s->n; j++) row[j] += scale * source[j];                              \
        }                                                                                      \
      }                                                                                        \
    } else { /* a is row-major [m, k], b column-major (b^T row-major [n, k]): dot products */  \
      for (i = 0; i < s->m; i++) {                                                             \
        const type *left = a + i * s->k;                                                       \
        for (j = 0; j < s->n; j++) {                                                           \
          const type *right = b + j * s->k;                                                    \
          type partial[8] = {0, 0, 0, 0, 0, 0, 0, 0}, sum;                                     \
          int u;                                                                               \
          for (l = 0; l + 8 <= s->k; l += 8)                                                   \
            for (u = 0; u < 8; u++) partial[u] += left[l + u] * right[l + u];                  \
          sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +                      \
                ((partial[4] + partial[5]) + (partial[6] + partial[7]));                       \
          for (; l < s->k; l++) sum += left[l] * right[l];                                     \
          c[i * s->n + j] = s->beta_one ? c[i * s->n + j] + sum : sum;                         \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define PX_BLIS_HAVE_AVX2 1
#include <immintrin.h>

/* float32 with AVX2 and FMA, written out: compilers vectorize the generic loops unevenly. */
__attribute__((target("avx2,fma"))) static void float_avx2(const px_blis_small *s,
                                                           const float *a, const float *b,
                                                           float *c) {
  int64_t i, j, l;
  if (s->by_rows) {
    for (i = 0; i < s->m; i++) {
      float *row = c + i * s->n;
      if (!s->beta_one) memset(row, 0, (size_t)s->n * sizeof(float));
      for (l = 0; l < s->k; l++) {
        const float scale = a[i * s->rs_a + l * s->cs_a], *source = b + l * s->n;
        const __m256 factor = _mm256_set1_ps(scale);
        for (j = 0; j + 8 <= s->n; j += 8)
          _mm256_storeu_ps(row + j, _mm256_fmadd_ps(factor, _mm256_loadu_ps(source + j),
                                                    _mm256_loadu_ps(row + j)));
        for (; j < s->n; j++) row[j] += scale * source[j];
      }
    }
    return;
  }
  for (i = 0; i < s->m; i++) {
    const float *left = a + i * s->k;
    for (j = 0; j < s->n; j++) {
      const float *right = b + j * s->k;
      __m256 partial = _mm256_setzero_ps();
      __m128 half;
      float sum;
      for (l = 0; l + 8 <= s->k; l += 8)
        partial = _mm256_fmadd_ps(_mm256_loadu_ps(left + l), _mm256_loadu_ps(right + l), partial);
      half = _mm_add_ps(_mm256_castps256_ps128(partial), _mm256_extractf128_ps(partial, 1));
      half = _mm_add_ps(half, _mm_movehl_ps(half, half));
      half = _mm_add_ss(half, _mm_movehdup_ps(half));
      sum = _mm_cvtss_f32(half);
      for (; l < s->k; l++) sum += left[l] * right[l];
      c[i * s->n + j] = s->beta_one ? c[i * s->n + j] + sum : sum;
    }
  }
}
SMALL_KERNEL(double_avx2, double, __attribute__((target("avx2,fma"))))
#endif
SMALL_KERNEL(float_baseline, float, )
SMALL_KERNEL(double_baseline, double, )

/* 1 when the CPU has AVX2 and FMA; decided once, by px_blis_small_init. */
static int use_avx2;

void px_blis_small_init(void) {
#ifdef PX_BLIS_HAVE_AVX2
  __builtin_cpu_init();
  use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
}

/* Copies the [rows, columns] matrix at `source` (strides rs, cs) into row-major `target`. */
#define GATHER(type)                                                                           \
  do {                                                                                         \
    const type *from = (const type *)source;                                                   \
    type *to = (type *)target;                                                                 \
    for (i = 0; i < rows; i++)                                                                 \
      for (j = 0; j < columns; j++) to[i * columns + j] = from[i * rs + j * cs];               \
  } while (0)

static void gather(int is_double, const void *source, int64_t rows, int64_t columns, int64_t rs,
                   int64_t cs, void *target) {
  int64_t i, j;
  if (is_double) GATHER(double);
  else GATHER(float);
}

int px_blis_small_product(px_blis_small *s, const void *a, const void *b, void *c) {
  const size_t size = s->is_double ? sizeof(double) : sizeof(float);
  void *scratch_a = NULL, *scratch_b = NULL;
  /* Wide outputs, or sums too short for a dot product: rows of b, contiguous. */
  s->by_rows = s->n >= 16 || s->k < 16;
  if (s->by_rows) {
    if (!(s->cs_b == 1 && s->rs_b == s->n)) {
      scratch_b = s->allocate((size_t)(s->k * s->n) * size);
      if (scratch_b == NULL) return 0;
      gather(s->is_double, b, s->k, s->n, s->rs_b, s->cs_b, scratch_b);
      b = scratch_b;
    }
  } else {
    if (!(s->cs_a == 1 && s->rs_a == s->k)) {
      scratch_a = s->allocate((size_t)(s->m * s->k) * size);
      if (scratch_a == NULL) return 0;
      gather(s->is_double, a, s->m, s->k, s->rs_a, s->cs_a, scratch_a);
      a = scratch_a;
    }
    if (!(s->rs_b == 1 && s->cs_b == s->k)) { /* b^T as a row-major [n, k] */
      scratch_b = s->allocate((size_t)(s->k * s->n) * size);
      if (scratch_b == NULL) {
        s->release(scratch_a);
        return 0;
      }
      gather(s->is_double, b, s->n, s->k, s->cs_b, s->rs_b, scratch_b);
      b = scratch_b;
    }
  }
#ifdef PX_BLIS_HAVE_AVX2
  if (use_avx2) {
    if (s->is_double) double_avx2(s, a, b, c);
    else float_avx2(s, a, b, c);
  } else
#endif
  {
    if (s->is_double) double_baseline(s, a, b, c);
    else float_baseline(s, a, b, c);
  }
  s->release(scratch_a);
  s->release(scratch_b);
  return 1;
}
