/*
 * older_minor.c: a test plugin built as if against ABI 1.0: abi_minor 0 and the struct_size of a
 * 1.0 table. It claims negate on float32, like one_op. Its table object is a full 1.1 table
 * whose members after the 1.0 part hold garbage (functions that abort, a device type that would
 * need the memory members): a host that honours struct_size and abi_minor never reads them.
 */
#include <stdlib.h>

#include "negate.h"


static int32_t older_minor_create(void **out_context) {
  static int context;
  *out_context = &context;
  return PX_PLUGIN_OK;
}

static void older_minor_destroy(void *context) { (void)context; }

static int32_t older_minor_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context;
  return op == PX_OP_NEGATE && dtype == PX_DTYPE_FLOAT32;
}

static int32_t older_minor_execute(void *context, const px_plugin_op *op) {
  (void)context;
  return run_negate(op, "older_minor");
}

/* The garbage past the 1.0 part: calling any of these takes the process down. */
static int32_t never_supports_op(void *context, const px_plugin_op *op) {
  (void)context, (void)op;
  abort();
}
static void never_set_thread_count(void *context, int32_t count) {
  (void)context, (void)count;
  abort();
}
static int32_t never_allocate(void *context, size_t size, void **out_pointer) {
  (void)context, (void)size, (void)out_pointer;
  abort();
}
static void never_free(void *context, void *pointer) {
  (void)context, (void)pointer;
  abort();
}
static int32_t never_copy(
    void *context, void *destination, const void *source, size_t size, int32_t direction) {
  (void)context, (void)destination, (void)source, (void)size, (void)direction;
  abort();
}

static const px_plugin_table table = {
    .struct_size = PX_PLUGIN_TABLE_SIZE_1_0,
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = 0,
    .name = "older_minor",
    .version = "1.0.0",
    .create = older_minor_create,
    .destroy = older_minor_destroy,
    .supports = older_minor_supports,
    .execute = older_minor_execute,
    /* Beyond struct_size: never to be read. */
    .supports_op = never_supports_op,
    .set_thread_count = never_set_thread_count,
    .device_type = kDLCUDA,
    .device_id = -1,
    .memory_allocate = never_allocate,
    .memory_free = never_free,
    .memory_copy = never_copy,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return host ? &table : NULL;
}
