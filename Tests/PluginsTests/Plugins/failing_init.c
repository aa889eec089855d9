/*
 * failing_init.c: a test plugin whose create fails, as one whose device is missing would. The
 * host must report the load error with the plugin's reason and keep working without it.
 */
#include <plexus_plugin.h>

static const px_plugin_host *host;

static int32_t failing_init_create(void **out_context) {
  *out_context = 0;
  host->set_error(host->host_data, "failing_init: the device is not present");
  return PX_PLUGIN_ERROR;
}

static void failing_init_destroy(void *context) { (void)context; }

static int32_t failing_init_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context, (void)op, (void)dtype;
  return 0;
}

static int32_t failing_init_execute(void *context, const px_plugin_op *op) {
  (void)context, (void)op;
  return PX_PLUGIN_UNSUPPORTED;
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = PX_PLUGIN_ABI_VERSION_MINOR,
    .name = "failing_init",
    .version = "1.0.0",
    .create = failing_init_create,
    .destroy = failing_init_destroy,
    .supports = failing_init_supports,
    .execute = failing_init_execute,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return host ? &table : 0;
}
