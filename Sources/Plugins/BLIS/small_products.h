/*
 * small_products.h: the BLIS plugin's kernel for small products (small_products.c). Internal to
 * the plugin: hidden, not exported.
 */
#ifndef PX_BLIS_SMALL_PRODUCTS_H
#define PX_BLIS_SMALL_PRODUCTS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define PX_BLIS_HIDDEN __attribute__((visibility("hidden")))
#else
#define PX_BLIS_HIDDEN
#endif

/* One small product c[m, n] (row-major) = a · b (+ c when beta_one); a and b are read through
 * their row and column strides, in elements. */
typedef struct px_blis_small {
  int is_double;
  int beta_one;
  int by_rows; /* set by px_blis_small_product: the loop order it chose */
  int64_t m, n, k;
  int64_t rs_a, cs_a, rs_b, cs_b;
  void *(*allocate)(size_t size); /* scratch memory; NULL when none can be had */
  void (*release)(void *pointer); /* NULL is ignored */
} px_blis_small;

/* Decides once which compiled kernels this CPU runs (before the first product). */
PX_BLIS_HIDDEN void px_blis_small_init(void);

/* Runs the product; 0 when scratch memory could not be had (nothing written). */
PX_BLIS_HIDDEN int px_blis_small_product(px_blis_small *s, const void *a, const void *b, void *c);

#endif /* PX_BLIS_SMALL_PRODUCTS_H */
