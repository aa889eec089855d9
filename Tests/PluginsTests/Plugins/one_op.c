/*
 * one_op.c: a test plugin that claims one op, negate on float32, and runs it on the host's
 * memory. Everything else falls back to the reference backend; the host's dispatch counters say
 * where each op ran. It counts its runs itself too, in a log line at debug level.
 */
#include <stdio.h>

#include "negate.h"

static long runs;


/* Reads the option "greeting" (load-time options, else PLEXUS_PLUGIN_<NAME>_GREETING) and logs
 * it at info level, so a test can see options reach the plugin. */
static int32_t one_op_create(void **out_context) {
  static int context;
  const char *greeting = host->option(host->host_data, "greeting");
  char line[160];
  if (greeting) {
    snprintf(line, sizeof line, "greeting: %.120s", greeting);
    host->log(host->host_data, PX_PLUGIN_LOG_INFO, line);
  }
  *out_context = &context;
  return PX_PLUGIN_OK;
}

static void one_op_destroy(void *context) { (void)context; }

static int32_t one_op_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context;
  return op == PX_OP_NEGATE && dtype == PX_DTYPE_FLOAT32;
}

static int32_t one_op_execute(void *context, const px_plugin_op *op) {
  char line[64];
  int32_t status = run_negate(op, "one_op");
  (void)context;
  if (status != PX_PLUGIN_OK) return status;
#if defined(__GNUC__) || defined(__clang__)
  snprintf(line, sizeof line, "negate run %ld", __atomic_add_fetch(&runs, 1, __ATOMIC_RELAXED));
#else
  snprintf(line, sizeof line, "negate run %ld", ++runs);
#endif
  host->log(host->host_data, PX_PLUGIN_LOG_DEBUG, line);
  return PX_PLUGIN_OK;
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = PX_PLUGIN_ABI_VERSION_MINOR,
    .name = "one_op",
    .version = "1.0.0",
    .create = one_op_create,
    .destroy = one_op_destroy,
    .supports = one_op_supports,
    .execute = one_op_execute,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return host ? &table : NULL;
}
