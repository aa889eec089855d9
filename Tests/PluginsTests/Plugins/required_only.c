/*
 * required_only.c: a test plugin with only the members ABI 1.0 requires. It is built at ABI 1.1
 * with every optional member NULL, claims no op, and declines anything it is asked to run, so
 * every op falls back to the reference backend.
 */
#include <plexus_plugin.h>

static int32_t required_only_create(void **out_context) {
  static int context;
  *out_context = &context;
  return PX_PLUGIN_OK;
}

static void required_only_destroy(void *context) { (void)context; }

static int32_t required_only_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context, (void)op, (void)dtype;
  return 0;
}

static int32_t required_only_execute(void *context, const px_plugin_op *op) {
  (void)context, (void)op;
  return PX_PLUGIN_UNSUPPORTED;
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = PX_PLUGIN_ABI_VERSION_MINOR,
    .name = "required_only",
    .version = "1.0.0",
    .create = required_only_create,
    .destroy = required_only_destroy,
    .supports = required_only_supports,
    .execute = required_only_execute,
    /* supports_op, set_thread_count, device_type and the memory members: NULL / 0. */
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *host) {
  (void)host_abi_version, (void)host;
  return &table;
}
