/*
 * blis_plugin.c: a Plexus backend plugin over BLIS (backend "blis").
 *
 * Runs matmul and dense for float32 and float64 with BLIS's typed gemm API, reading the host's
 * row-major operands in place through BLIS's row and column strides (a transpose only swaps the
 * strides: nothing is copied); a product of one row or one column goes to BLIS's gemv, which
 * reads the matrix in place where gemm packs it, and a product of at most 65,536 multiply-adds to
 * a plain loop, cheaper than BLIS's set-up. Everything else falls back to Plexus's reference
 * backend.
 * Threads: with a host that lends its threads (px_plugin_host.parallel_for), BLIS runs serial
 * and a large product is split across the host's threads (by rows or columns of the output, or by
 * the terms of its sums), so the plugin never
 * starts threads of its own beside the host's (two thread teams spinning on the same cores slow
 * each other down). With an older host BLIS uses its own threads, as many as the framework's
 * setting (set_thread_count). Option "threads" (PLEXUS_PLUGIN_BLIS_THREADS) caps the split.
 *
 * Only px_plugin_entry is exported; the one piece of mutable global state is the host pointer,
 * written once by px_plugin_entry before anything else runs.
 */
/* blis.h needs POSIX (pthread_barrier_t), which strict C99 hides unless asked for before the
 * first system header. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../include/plexus_plugin.h"
#include "small_products.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <blis.h>
#pragma GCC diagnostic pop

/* Sizes and strides go to BLIS as dim_t / inc_t; anything larger than this is declined. */
#define PX_BLIS_DIM_MAX (sizeof(dim_t) >= sizeof(int64_t) ? INT64_MAX : (int64_t)INT32_MAX)

#if defined(__GNUC__) || defined(__clang__)
#define PX_BLIS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PX_BLIS_PRINTF(f, a)
#endif

/* The host's services (px_plugin_entry). */
static const px_plugin_host *host;

/* The plugin's context: the option "threads" (0: the host's thread count decides). */
typedef struct blis_context {
  int32_t threads;
} blis_context;

/* ---- Messages ------------------------------------------------------------------------------ */

/* True when the host's struct has member `member` (an older host may lack appended ones). */
#define HOST_HAS(member)                                                                        \
  (host != NULL && host->struct_size >= offsetof(px_plugin_host, member) + sizeof(host->member) \
   && host->member != NULL)

/* Writes to the host's log at `level` (PX_PLUGIN_LOG_*). */
static void say(int32_t level, const char *format, ...) PX_BLIS_PRINTF(2, 3);
static void say(int32_t level, const char *format, ...) {
  char message[512];
  va_list arguments;
  if (!HOST_HAS(log)) return;
  va_start(arguments, format);
  vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  host->log(host->host_data, level, message);
}

/* A check failed: when `report` is set, hands the reason to host->set_error. Returns 0. */
static int reject(int report, const char *format, ...) PX_BLIS_PRINTF(2, 3);
static int reject(int report, const char *format, ...) {
  char message[512];
  va_list arguments;
  if (!report || !HOST_HAS(set_error)) return 0;
  va_start(arguments, format);
  vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  host->set_error(host->host_data, message);
  return 0;
}

/* Writes a tensor's shape as "[2, 3, 4]" into text (truncated to fit). */
static const char *shape_text(const DLTensor *t, char *text, size_t size) {
  size_t used = 0;
  int32_t i;
  used += (size_t)snprintf(text, size, "[");
  for (i = 0; i < t->ndim && t->shape != NULL && used < size; i++)
    used += (size_t)snprintf(text + used, size - used, "%s%lld", i ? ", " : "",
                             (long long)t->shape[i]);
  if (used < size) snprintf(text + used, size - used, "]");
  return text;
}

/* ---- Checking a record ---------------------------------------------------------------------- */

/* A record's operands once checked: data pointers, element counts, and the op's geometry. */
typedef struct plan {
  const char *name; /* the op's name, for messages */
  int report;       /* execute: check the memory too and report a failure with set_error */
  int is_double;    /* float64 rather than float32 */
  char *data[4];    /* inputs, then the output */
  int64_t count[4];
  int64_t m, n, k, batches;         /* out is batches × [m, n] */
  int64_t rs_a, cs_a, rs_b, cs_b;   /* strides of a's and b's logical [m, k] and [k, n] views */
  int64_t a_step, b_step, out_step; /* elements between consecutive matrices (0: reused) */
  int64_t activation;               /* dense: PX_PLUGIN_ACTIVATION_* */
  int32_t max_parts;                /* the option "threads", or 0 */
} plan;

/* Checks one operand: host memory, the record's float type, contiguous, sane shape, a count whose
 * byte size fits, data present and aligned. Fills data[slot] and count[slot]. */
static int check_operand(plan *p, int slot, const char *role, const DLTensor *t) {
  const unsigned bits = p->is_double ? 64 : 32;
  const size_t size = p->is_double ? sizeof(double) : sizeof(float);
  int64_t count = 1;
  int32_t i;
  int empty = 0;
  if (t->device.device_type != kDLCPU)
    return reject(p->report, "%s: expected %s in host memory (kDLCPU = 1); received device "
                  "type %d", p->name, role, (int)t->device.device_type);
  if (t->dtype.code != kDLFloat || t->dtype.bits != bits || t->dtype.lanes != 1)
    return reject(p->report,
                  "%s: expected %s as float%u (DLPack code %d, %u bits, 1 lane), the record's "
                  "dtype; received code %u, %u bits, %u lanes",
                  p->name, role, bits, (int)kDLFloat, bits, (unsigned)t->dtype.code,
                  (unsigned)t->dtype.bits, (unsigned)t->dtype.lanes);
  if (t->ndim < 0 || (t->ndim > 0 && t->shape == NULL))
    return reject(p->report, "%s: expected %s with a shape; received rank %d and %s", p->name,
                  role, (int)t->ndim, t->shape ? "a shape" : "no shape");
  if (t->strides != NULL)
    return reject(p->report, "%s: expected %s contiguous (strides NULL); received strides",
                  p->name, role);
  for (i = 0; i < t->ndim; i++) {
    if (t->shape[i] < 0)
      return reject(p->report, "%s: expected %s with sizes of 0 or more; received %lld on "
                    "axis %d", p->name, role, (long long)t->shape[i], (int)i);
    if (t->shape[i] == 0) empty = 1;
  }
  for (i = 0; i < t->ndim && !empty; i++) {
    if (count > INT64_MAX / t->shape[i])
      return reject(p->report, "%s: %s has more elements than fit in 64 bits", p->name, role);
    count *= t->shape[i];
  }
  if (empty) count = 0;
  if ((uint64_t)count > (uint64_t)PTRDIFF_MAX / size || count > PX_BLIS_DIM_MAX)
    return reject(p->report, "%s: %s has %lld elements, more than this machine addresses",
                  p->name, role, (long long)count);
  p->count[slot] = count;
  /* supports_op may see records whose memory is not there yet: only execute checks it. */
  if (!p->report) return 1;
  p->data[slot] = t->data ? (char *)t->data + t->byte_offset : NULL;
  if (count > 0 && p->data[slot] == NULL)
    return reject(p->report, "%s: expected %s's data (%lld elements); received NULL", p->name,
                  role, (long long)count);
  if (count > 0 && (uintptr_t)p->data[slot] % size != 0)
    return reject(p->report, "%s: expected %s's data at an address aligned to %u bytes; received "
                  "%p", p->name, role, (unsigned)size, (void *)p->data[slot]);
  return 1;
}

/* Reads bool attribute `name` into *value (absent: false). */
static int bool_attribute(plan *p, const px_plugin_op *op, uint32_t name, const char *label,
                          int *value) {
  size_t i;
  *value = 0;
  for (i = 0; i < op->attribute_count; i++) {
    const px_plugin_attribute *a = px_plugin_attribute_at(op, i);
    if (a->name != name) continue;
    if (a->type != PX_PLUGIN_VALUE_BOOL || (a->int_value != 0 && a->int_value != 1))
      return reject(p->report, "%s: expected attribute %s as a bool (0 or 1); received type %d, "
                    "value %lld", p->name, label, (int)a->type, (long long)a->int_value);
    *value = (int)a->int_value;
    return 1;
  }
  return 1;
}

/* The checks every record shares: the record itself, its counts and its dtype. */
static int check_record(plan *p, const px_plugin_op *op, size_t inputs_min, size_t inputs_max) {
  if (op->struct_size < sizeof(px_plugin_op))
    return reject(p->report, "%s: expected an op record of at least %u bytes; received %u",
                  p->name, (unsigned)sizeof(px_plugin_op), (unsigned)op->struct_size);
  if (op->input_count < inputs_min || op->input_count > inputs_max || op->output_count != 1)
    return reject(p->report, "%s: expected %u to %u inputs and 1 output; received %u and %u",
                  p->name, (unsigned)inputs_min, (unsigned)inputs_max,
                  (unsigned)op->input_count, (unsigned)op->output_count);
  if (op->inputs == NULL || op->outputs == NULL || (op->attribute_count && !op->attributes))
    return reject(p->report, "%s: expected input, output and attribute arrays; received NULL",
                  p->name);
  if (op->dtype != PX_DTYPE_FLOAT32 && op->dtype != PX_DTYPE_FLOAT64)
    return reject(p->report, "%s: expected float32 or float64; received dtype %d", p->name,
                  (int)op->dtype);
  p->is_double = op->dtype == PX_DTYPE_FLOAT64;
  return 1;
}

/* Formats the operands' shapes only when a check fails: the happy path formats nothing. */
#define MATMUL_REJECT(...)                                                          \
  (shape_text(a, sa, sizeof sa), shape_text(b, sb, sizeof sb),                      \
   shape_text(out, so, sizeof so), reject(__VA_ARGS__))
#define DENSE_REJECT(...)                                                           \
  (shape_text(x, sx, sizeof sx), shape_text(kernel, sk, sizeof sk),                 \
   shape_text(out, so, sizeof so),                                                  \
   bias ? shape_text(bias, sbias, sizeof sbias) : sbias, reject(__VA_ARGS__))

/* matmul: a [..., M, K] ([..., K, M] when transpose_a), b [..., K, N] ([..., N, K] when
 * transpose_b), out [..., M, N]; batch axes equal, or one side has none and is reused. */
static int check_matmul(plan *p, const px_plugin_op *op) {
  const DLTensor *a = &op->inputs[0], *b = &op->inputs[1], *out = &op->outputs[0];
  const DLTensor *batched;
  char sa[128], sb[128], so[128];
  int ta, tb;
  int32_t ra, rb, ro, i;
  if (!check_record(p, op, 2, 2) || !bool_attribute(p, op, PX_ATTR_TRANSPOSE_A,
                                                    "transpose_a", &ta) ||
      !bool_attribute(p, op, PX_ATTR_TRANSPOSE_B, "transpose_b", &tb) ||
      !check_operand(p, 0, "a", a) || !check_operand(p, 1, "b", b) ||
      !check_operand(p, 2, "the output", out))
    return 0;
  ra = a->ndim, rb = b->ndim, ro = out->ndim;
  if (ra < 2 || rb < 2 || ro < 2)
    return MATMUL_REJECT(p->report, "matmul: expected a, b and the output of rank 2 or more; "
                         "received %s, %s and %s", sa, sb, so);
  p->m = ta ? a->shape[ra - 1] : a->shape[ra - 2];
  p->k = ta ? a->shape[ra - 2] : a->shape[ra - 1];
  p->n = tb ? b->shape[rb - 2] : b->shape[rb - 1];
  if ((tb ? b->shape[rb - 1] : b->shape[rb - 2]) != p->k)
    return MATMUL_REJECT(p->report, "matmul: expected b's inner dimension to be a's, %lld "
                         "(transpose_a %d, transpose_b %d); received a %s and b %s",
                         (long long)p->k, ta, tb, sa, sb);
  /* The batch axes: both sides' equal, or only one side's; the output has those. */
  batched = ra > 2 ? a : b;
  if ((ra > 2 && rb > 2 &&
       (ra != rb || memcmp(a->shape, b->shape, (size_t)(ra - 2) * sizeof(int64_t)) != 0)) ||
      ro != batched->ndim || out->shape[ro - 2] != p->m || out->shape[ro - 1] != p->n)
    return MATMUL_REJECT(p->report, "matmul: expected equal batch axes (or none on one side) "
                         "and an output [..., %lld, %lld]; received a %s, b %s and an output %s",
                         (long long)p->m, (long long)p->n, sa, sb, so);
  for (i = 0; i < ro - 2; i++)
    if (out->shape[i] != batched->shape[i])
      return MATMUL_REJECT(p->report, "matmul: expected an output with the batch axes of %s; "
                           "received %s", batched == a ? sa : sb, so);
  /* An empty output runs nothing (its sizes, not all of them counted, may overflow a product).
   * Otherwise m and n are positive and each count fits in 64 bits, so do these products. */
  if (p->count[2] == 0) return 1;
  p->batches = 1;
  for (i = 0; i < ro - 2; i++) p->batches *= out->shape[i];
  p->a_step = ra > 2 ? p->m * p->k : 0;
  p->b_step = rb > 2 ? p->k * p->n : 0;
  p->out_step = p->m * p->n;
  /* Row-major storage: a row stride of the row length and a column stride of 1; a transposed
   * operand is the same memory with the two strides swapped. */
  p->rs_a = ta ? 1 : p->k, p->cs_a = ta ? p->m : 1;
  p->rs_b = tb ? 1 : p->n, p->cs_b = tb ? p->k : 1;
  return 1;
}

/* dense: x [..., K], kernel [K, N], optional bias [N], out [..., N]; attribute activation. */
static int check_dense(plan *p, const px_plugin_op *op) {
  const DLTensor *x = &op->inputs[0], *kernel = &op->inputs[1], *out = &op->outputs[0];
  const DLTensor *bias = op->input_count > 2 ? &op->inputs[2] : NULL;
  char sx[128], sk[128], sbias[128] = "no bias", so[128];
  size_t i;
  int found = 0;
  if (!check_record(p, op, 2, 3)) return 0;
  for (i = 0; i < op->attribute_count && !found; i++) {
    const px_plugin_attribute *a = px_plugin_attribute_at(op, i);
    if (a->name != PX_ATTR_ACTIVATION) continue;
    found = 1;
    p->activation = a->int_value;
    if (a->type != PX_PLUGIN_VALUE_INT || a->int_value < PX_PLUGIN_ACTIVATION_LINEAR ||
        a->int_value > PX_PLUGIN_ACTIVATION_TANH)
      return reject(p->report, "dense: expected attribute activation as an int from 0 (linear) "
                    "to 3 (tanh); received type %d, value %lld", (int)a->type,
                    (long long)a->int_value);
  }
  if (!found)
    return reject(p->report, "dense: expected attribute activation (an int); received none");
  if (!check_operand(p, 0, "x", x) || !check_operand(p, 1, "kernel", kernel) ||
      (bias && !check_operand(p, 3, "bias", bias)) || !check_operand(p, 2, "the output", out))
    return 0;
  if (x->ndim < 1 || kernel->ndim != 2 || kernel->shape[0] != x->shape[x->ndim - 1] ||
      (bias && (bias->ndim != 1 || bias->shape[0] != kernel->shape[1])) ||
      out->ndim != x->ndim || out->shape[out->ndim - 1] != kernel->shape[1] ||
      memcmp(out->shape, x->shape, (size_t)(x->ndim - 1) * sizeof(int64_t)) != 0)
    return DENSE_REJECT(p->report, "dense: expected x [..., K], kernel [K, N], bias [N] and an "
                        "output [..., N]; received %s, %s, %s and %s", sx, sk, sbias, so);
  p->k = kernel->shape[0], p->n = kernel->shape[1];
  /* The rows of x (the product of its leading axes, which are the output's); none matter when
   * the output is empty. */
  p->m = p->n > 0 ? p->count[2] / p->n : 0;
  p->batches = 1, p->a_step = p->b_step = p->out_step = 0;
  p->rs_a = p->k, p->cs_a = 1, p->rs_b = p->n, p->cs_b = 1;
  return 1;
}

/* ---- Running -------------------------------------------------------------------------------- */

/* BLIS reserves unit row and column strides together for 1 × 1 matrices: a single row or column
 * gets the stride that makes it a valid row- or column-major view of the same elements. */
static void fix_strides(int64_t rows, int64_t columns, int64_t *rs, int64_t *cs) {
  if (*rs == 1 && *cs == 1) {
    if (rows > 1) *cs = rows;
    else if (columns > 1) *rs = columns;
  }
}

/* True when the host lends its threads (an older host's struct lacks the members). */
#define HOST_LENDS_THREADS (HOST_HAS(thread_count) && HOST_HAS(parallel_for))

/* One block of a product: rows [m0, m1) and columns [n0, n1) of the output, over the terms
 * [k0, k1) of the sums. */
typedef struct block {
  int64_t m0, m1, n0, n1, k0, k1;
  char *out;   /* where the block's [m, n] output starts: the record's, or scratch */
  int beta_one; /* add to what `out` holds rather than overwrite it */
} block;

/* out = a · b (+ out) over one block, every batch, on BLIS (serial when the host lends its
 * threads); `out` is row-major with rows of p->n elements.
 *
 * BLIS 0.9's small-matrix ("sup") sgemm kernels for haswell and zen read past the end of their
 * operands (flame/blis#635 and #824: with a guard page after each buffer, thousands of small
 * shapes fault), so float32 products take BLIS's packing path; its dgemm passed the same scan. */
static void gemm_block(const plan *p, const block *q) {
  rntm_t runtime;
  int64_t batch, rs_a = p->rs_a, cs_a = p->cs_a, rs_b = p->rs_b, cs_b = p->cs_b;
  int64_t rs_c = p->n, cs_c = 1; /* the output: row-major, rows of n */
  const int64_t m = q->m1 - q->m0, n = q->n1 - q->n0, k = q->k1 - q->k0;
  const size_t size = p->is_double ? sizeof(double) : sizeof(float);
  fix_strides(m, k, &rs_a, &cs_a);
  fix_strides(k, n, &rs_b, &cs_b);
  fix_strides(m, n, &rs_c, &cs_c);
  bli_rntm_init_from_global(&runtime); /* the thread count set by bli_thread_set_num_threads */
  if (HOST_LENDS_THREADS) bli_rntm_set_num_threads(1, &runtime);
  bli_rntm_disable_l3_sup(&runtime);
  for (batch = 0; batch < p->batches; batch++) {
    char *a = p->data[0] + (size_t)(batch * p->a_step + q->m0 * p->rs_a + q->k0 * p->cs_a) * size;
    char *b = p->data[1] + (size_t)(batch * p->b_step + q->k0 * p->rs_b + q->n0 * p->cs_b) * size;
    char *c = q->out + (size_t)(batch * p->out_step + q->m0 * p->n + q->n0) * size;
    if (p->is_double) {
      double alpha = 1, beta = q->beta_one ? 1 : 0;
      bli_dgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha, (double *)a, rs_a, cs_a,
                   (double *)b, rs_b, cs_b, &beta, (double *)c, rs_c, cs_c, NULL, &runtime);
    } else {
      float alpha = 1, beta = q->beta_one ? 1 : 0;
      bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha, (float *)a, rs_a, cs_a,
                   (float *)b, rs_b, cs_b, &beta, (float *)c, rs_c, cs_c, NULL, &runtime);
    }
  }
}

/* Products of at most this many multiply-adds skip BLIS: its set-up and packing for each call
 * (several microseconds) would cost more than the arithmetic (small_products.c). */
#define PX_BLIS_DIRECT_MACS (1 << 16)

static void *scratch_allocate(size_t size) {
  return HOST_HAS(allocate) ? host->allocate(host->host_data, size, 64) : NULL;
}

static void scratch_release(void *pointer) {
  if (pointer != NULL && HOST_HAS(deallocate)) host->deallocate(host->host_data, pointer);
}

/* A small product without BLIS; 0 when it found no scratch memory (BLIS then runs it). */
static int direct_product(const plan *p, int beta_one) {
  int64_t batch;
  const size_t size = p->is_double ? sizeof(double) : sizeof(float);
  px_blis_small small;
  memset(&small, 0, sizeof small);
  small.is_double = p->is_double, small.beta_one = beta_one;
  small.m = p->m, small.n = p->n, small.k = p->k;
  small.rs_a = p->rs_a, small.cs_a = p->cs_a, small.rs_b = p->rs_b, small.cs_b = p->cs_b;
  small.allocate = scratch_allocate, small.release = scratch_release;
  for (batch = 0; batch < p->batches; batch++) {
    const char *a = p->data[0] + (size_t)(batch * p->a_step) * size;
    const char *b = p->data[1] + (size_t)(batch * p->b_step) * size;
    char *c = p->data[2] + (size_t)(batch * p->out_step) * size;
    /* A failure is possible only before the first batch writes: the sizes do not change. */
    if (!px_blis_small_product(&small, a, b, c)) return 0;
  }
  return 1;
}

/* A product with one row (a single sample) or one column, as BLIS's matrix-vector product,
 * which reads the matrix in place where gemm would first pack all of it. */
static void vector_product(const plan *p, int beta_one) {
  int64_t batch, rs_b = p->rs_b, cs_b = p->cs_b, rs_a = p->rs_a, cs_a = p->cs_a;
  const size_t size = p->is_double ? sizeof(double) : sizeof(float);
  fix_strides(p->k, p->n, &rs_b, &cs_b);
  fix_strides(p->m, p->k, &rs_a, &cs_a);
  for (batch = 0; batch < p->batches; batch++) {
    char *a = p->data[0] + (size_t)(batch * p->a_step) * size;
    char *b = p->data[1] + (size_t)(batch * p->b_step) * size;
    char *c = p->data[2] + (size_t)(batch * p->out_step) * size;
    if (p->m == 1 && p->is_double) { /* c[1, n] = b[k, n]^T · a[0, :] */
      double alpha = 1, beta = beta_one ? 1 : 0;
      bli_dgemv(BLIS_TRANSPOSE, BLIS_NO_CONJUGATE, p->k, p->n, &alpha, (double *)b, rs_b, cs_b,
                (double *)a, p->cs_a, &beta, (double *)c, 1);
    } else if (p->m == 1) {
      float alpha = 1, beta = beta_one ? 1 : 0;
      bli_sgemv(BLIS_TRANSPOSE, BLIS_NO_CONJUGATE, p->k, p->n, &alpha, (float *)b, rs_b, cs_b,
                (float *)a, p->cs_a, &beta, (float *)c, 1);
    } else if (p->is_double) { /* c[m, 1] = a[m, k] · b[:, 0] */
      double alpha = 1, beta = beta_one ? 1 : 0;
      bli_dgemv(BLIS_NO_TRANSPOSE, BLIS_NO_CONJUGATE, p->m, p->k, &alpha, (double *)a, rs_a, cs_a,
                (double *)b, p->rs_b, &beta, (double *)c, 1);
    } else {
      float alpha = 1, beta = beta_one ? 1 : 0;
      bli_sgemv(BLIS_NO_TRANSPOSE, BLIS_NO_CONJUGATE, p->m, p->k, &alpha, (float *)a, rs_a, cs_a,
                (float *)b, p->rs_b, &beta, (float *)c, 1);
    }
  }
}

/* How a large product is split across the host's threads. */
enum { SPLIT_ROWS, SPLIT_COLUMNS, SPLIT_SUMS };

/* One part of a product split across the host's threads: a band of rows, of columns, or of the
 * terms of every sum (each part but the first then writes into its own scratch output, which
 * run_gemm adds in after the join). */
typedef struct gemm_job {
  const plan *p;
  int beta_one, along;
  int64_t parts;
  char *scratch; /* SPLIT_SUMS: (parts - 1) outputs of m × n */
} gemm_job;

static void gemm_part(void *context, size_t index) {
  const gemm_job *job = (const gemm_job *)context;
  const plan *p = job->p;
  const int64_t part = (int64_t)index, parts = job->parts;
  block q;
  q.m0 = 0, q.m1 = p->m, q.n0 = 0, q.n1 = p->n, q.k0 = 0, q.k1 = p->k;
  q.out = p->data[2], q.beta_one = job->beta_one;
  if (job->along == SPLIT_ROWS) {
    q.m0 = p->m * part / parts, q.m1 = p->m * (part + 1) / parts;
  } else if (job->along == SPLIT_COLUMNS) {
    q.n0 = p->n * part / parts, q.n1 = p->n * (part + 1) / parts;
  } else {
    q.k0 = p->k * part / parts, q.k1 = p->k * (part + 1) / parts;
    if (part > 0) {
      q.out = job->scratch + (size_t)((part - 1) * p->m * p->n) * (p->is_double ? 8 : 4);
      q.beta_one = 0;
    }
  }
  gemm_block(p, &q);
}

/* out += each scratch output of a SPLIT_SUMS product, in part order. */
static void add_partial_sums(const gemm_job *job) {
  const plan *p = job->p;
  const int64_t count = p->m * p->n;
  int64_t part, i;
  for (part = 1; part < job->parts; part++) {
    if (p->is_double) {
      double *out = (double *)p->data[2];
      const double *partial = (const double *)job->scratch + (part - 1) * count;
      for (i = 0; i < count; i++) out[i] += partial[i];
    } else {
      float *out = (float *)p->data[2];
      const float *partial = (const float *)job->scratch + (part - 1) * count;
      for (i = 0; i < count; i++) out[i] += partial[i];
    }
  }
}

/* Products of fewer multiply-adds than this run on one thread: splitting costs more. */
#define PX_BLIS_SPLIT_MACS (1 << 17)
/* Each part gets at least this many rows, columns or terms. */
#define PX_BLIS_SPLIT_MINIMUM 16
/* The most scratch memory a product split by the terms of its sums may take. */
#define PX_BLIS_SCRATCH_BYTES (16.0 * 1024 * 1024)

/* out[batch] = a[batch] · b[batch] + beta · out[batch] for every batch. A large product is split
 * along its longest dimension: rows or columns of the output, so that each part packs its own
 * share of the larger operand; or, for a single product whose sums are long against a small
 * output (a layer's forward pass over a small batch), the terms of the sums, so that no part
 * packs any operand twice. */
static void run_gemm(const plan *p, int beta_one) {
  int64_t parts = 1, length;
  const double macs = (double)p->batches * (double)p->m * (double)p->n * (double)p->k;
  gemm_job job;
  block whole;
  memset(&job, 0, sizeof job);
  job.p = p, job.beta_one = beta_one;
  job.along = p->m > p->n ? SPLIT_ROWS : SPLIT_COLUMNS;
  if (p->batches == 1 && p->k >= 2 * (p->m > p->n ? p->m : p->n)) job.along = SPLIT_SUMS;
  length = job.along == SPLIT_ROWS ? p->m : job.along == SPLIT_COLUMNS ? p->n : p->k;
  if (macs <= PX_BLIS_DIRECT_MACS && direct_product(p, beta_one)) return;
  if (p->m == 1 || p->n == 1) {
    vector_product(p, beta_one);
    return;
  }
  if (HOST_LENDS_THREADS && macs >= PX_BLIS_SPLIT_MACS) {
    parts = host->thread_count(host->host_data);
    if (p->max_parts > 0 && p->max_parts < parts) parts = p->max_parts;
    if (parts > length / PX_BLIS_SPLIT_MINIMUM) parts = length / PX_BLIS_SPLIT_MINIMUM;
  }
  if (parts > 1 && job.along == SPLIT_SUMS) {
    /* m × n is at most k / 2 squared here, and every count fits in 64 bits (check_matmul and
     * check_dense); the scratch is capped, so the product cannot overflow. */
    const double bytes = (double)(parts - 1) * (double)p->m * (double)p->n *
                         (double)(p->is_double ? sizeof(double) : sizeof(float));
    if (bytes <= PX_BLIS_SCRATCH_BYTES)
      job.scratch = scratch_allocate((size_t)bytes);
    if (job.scratch == NULL) { /* split the output instead */
      job.along = p->m > p->n ? SPLIT_ROWS : SPLIT_COLUMNS;
      length = job.along == SPLIT_ROWS ? p->m : p->n;
      if (parts > length / PX_BLIS_SPLIT_MINIMUM) parts = length / PX_BLIS_SPLIT_MINIMUM;
    }
  }
  if (parts <= 1) {
    whole.m0 = 0, whole.m1 = p->m, whole.n0 = 0, whole.n1 = p->n, whole.k0 = 0, whole.k1 = p->k;
    whole.out = p->data[2], whole.beta_one = beta_one;
    gemm_block(p, &whole);
    return;
  }
  job.parts = parts;
  host->parallel_for(host->host_data, (size_t)parts, gemm_part, &job);
  if (job.scratch != NULL) {
    add_partial_sums(&job);
    scratch_release(job.scratch);
  }
}

static void run_matmul(const plan *p) {
  if (p->m == 0 || p->n == 0 || p->batches == 0) return;
  if (p->k == 0) { /* an empty sum: all zeros (all-zero bytes are 0.0) */
    memset(p->data[2], 0, (size_t)p->count[2] * (p->is_double ? 8 : 4));
    return;
  }
  run_gemm(p, 0);
}

/* The activations, in place over `count` values; relu keeps NaN (and -0) as the reference does. */
#define ACTIVATE(type, EXP, TANH)                                                   \
  do {                                                                              \
    type *v = (type *)p->data[2];                                                   \
    for (i = 0; i < count; i++) {                                                   \
      if (p->activation == PX_PLUGIN_ACTIVATION_RELU) v[i] = v[i] < 0 ? 0 : v[i];   \
      else if (p->activation == PX_PLUGIN_ACTIVATION_SIGMOID) v[i] = 1 / (1 + EXP(-v[i])); \
      else if (p->activation == PX_PLUGIN_ACTIVATION_TANH) v[i] = TANH(v[i]);       \
    }                                                                               \
  } while (0)

static void run_dense(const plan *p) {
  const int64_t count = p->m * p->n;
  const size_t size = p->is_double ? sizeof(double) : sizeof(float), row = (size_t)p->n * size;
  int64_t i;
  if (count == 0) return;
  /* Each row starts as the bias (or zero); gemm adds x · kernel with beta = 1. */
  if (p->data[3] != NULL && p->count[3] > 0)
    for (i = 0; i < p->m; i++) memcpy(p->data[2] + (size_t)i * row, p->data[3], row);
  else memset(p->data[2], 0, (size_t)count * size);
  if (p->k > 0) run_gemm(p, 1);
  if (p->activation == PX_PLUGIN_ACTIVATION_LINEAR) return;
  if (p->is_double) ACTIVATE(double, exp, tanh);
  else ACTIVATE(float, expf, tanhf);
}

/* Checks `op` and, when it is a record this plugin runs, fills *p. 0 when it is not. */
static int check(const px_plugin_op *op, int report, plan *p) {
  memset(p, 0, sizeof *p);
  p->report = report;
  if (op == NULL) return reject(report, "blis: expected an op record; received NULL");
  if (op->op == PX_OP_MATMUL) {
    p->name = "matmul";
    return check_matmul(p, op);
  }
  if (op->op == PX_OP_DENSE) {
    p->name = "dense";
    return check_dense(p, op);
  }
  return reject(report, "blis: expected matmul or dense; received op %u", (unsigned)op->op);
}

/* ---- The table ----------------------------------------------------------------------------- */

/* BLIS picks its kernels by CPU when first called; 0.9 takes a Zen 4 (AVX-512) for a Zen 3 and
 * runs its AVX2 kernels, at about half the speed of its Skylake-X (AVX-512) ones there. So,
 * unless the user chose (BLIS_ARCH_TYPE, or the option "arch"), a CPU with the AVX-512 subsets
 * those kernels use gets them. Must run before the first BLIS call. */
static void choose_kernels(void) {
  static int chosen;
  const char *arch = HOST_HAS(option) ? host->option(host->host_data, "arch") : NULL;
  if (chosen || getenv("BLIS_ARCH_TYPE") != NULL) return;
  chosen = 1;
  if (arch == NULL) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
      arch = "skx";
#endif
  }
  if (arch != NULL && setenv("BLIS_ARCH_TYPE", arch, 0) == 0)
    say(PX_PLUGIN_LOG_INFO, "BLIS kernels: %s (BLIS_ARCH_TYPE)", arch);
}

static int32_t blis_create(void **out_context) {
  blis_context *context = calloc(1, sizeof *context);
  const char *option = HOST_HAS(option) ? host->option(host->host_data, "threads") : NULL;
  if (context == NULL) {
    reject(1, "blis: out of memory for the plugin's context");
    return PX_PLUGIN_ERROR;
  }
  if (option != NULL) {
    char *end = NULL;
    long value;
    errno = 0;
    value = strtol(option, &end, 10);
    if (option[0] >= '0' && option[0] <= '9' && *end == '\0' && errno == 0 && value > 0 &&
        value <= INT32_MAX)
      context->threads = (int32_t)value;
    else
      say(PX_PLUGIN_LOG_WARNING, "ignoring option threads=\"%s\": expected a positive integer",
          option);
  }
  choose_kernels();
  px_blis_small_init();
  if (HOST_LENDS_THREADS) {
    bli_thread_set_num_threads(1);
    say(PX_PLUGIN_LOG_INFO, "BLIS runs serial; products split across the host's %d threads%s",
        (int)host->thread_count(host->host_data),
        context->threads > 0 ? " (capped by option threads)" : "");
  } else if (context->threads > 0) {
    bli_thread_set_num_threads(context->threads);
    say(PX_PLUGIN_LOG_INFO, "BLIS threads: %d (option threads)", (int)context->threads);
  }
  *out_context = context;
  return PX_PLUGIN_OK;
}

static void blis_destroy(void *context) { free(context); }

static int32_t blis_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context;
  return (op == PX_OP_MATMUL || op == PX_OP_DENSE) &&
         (dtype == PX_DTYPE_FLOAT32 || dtype == PX_DTYPE_FLOAT64);
}

static int32_t blis_supports_op(void *context, const px_plugin_op *op) {
  plan p;
  (void)context;
  return check(op, 0, &p);
}

static int32_t blis_execute(void *context, const px_plugin_op *op) {
  plan p;
  if (op == NULL || !blis_supports(context, op->op, op->dtype)) return PX_PLUGIN_UNSUPPORTED;
  if (!check(op, 1, &p)) return PX_PLUGIN_ERROR;
  p.max_parts = context != NULL ? ((const blis_context *)context)->threads : 0;
  if (op->op == PX_OP_MATMUL) run_matmul(&p);
  else run_dense(&p);
  return PX_PLUGIN_OK;
}

/* The framework's thread setting: BLIS's own threads with an older host; with a host that lends
 * its threads, thread_count already says it. */
static void blis_set_thread_count(void *context, int32_t count) {
  (void)context;
  if (count < 1 || HOST_LENDS_THREADS) return;
  bli_thread_set_num_threads(count);
  say(PX_PLUGIN_LOG_DEBUG, "BLIS threads: %d (the framework's setting)", (int)count);
}

static const px_plugin_table table = {
    sizeof(px_plugin_table), PX_PLUGIN_ABI_VERSION_MAJOR, PX_PLUGIN_ABI_VERSION_MINOR, 0,
    "blis", "1.0.0",
    blis_create, blis_destroy, blis_supports, blis_execute,
    blis_supports_op, blis_set_thread_count, 0 /* host memory */, 0, NULL, NULL, NULL};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(uint32_t host_abi_version,
                                                        const px_plugin_host *services) {
  if (services == NULL) return NULL;
  host = services;
  if (host_abi_version >> 16 != PX_PLUGIN_ABI_VERSION_MAJOR) {
    reject(1, "blis: built for plugin ABI %d.%d; the host speaks %u.%u",
           PX_PLUGIN_ABI_VERSION_MAJOR, PX_PLUGIN_ABI_VERSION_MINOR,
           (unsigned)(host_abi_version >> 16), (unsigned)(host_abi_version & 0xffffu));
    return NULL;
  }
  return &table;
}
