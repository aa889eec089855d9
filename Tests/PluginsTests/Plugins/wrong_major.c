/*
 * wrong_major.c: a test plugin built for the next major ABI version. Its entry point returns the
 * table anyway; the host must refuse it, naming both versions, and never call into it.
 */
#include <plexus_plugin.h>

static const px_plugin_host *host;

static int32_t wrong_major_create(void **out_context) {
  *out_context = 0;
  host->set_error(host->host_data, "wrong_major: create must never be called");
  return PX_PLUGIN_ERROR;
}

static void wrong_major_destroy(void *context) { (void)context; }

static int32_t wrong_major_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context, (void)op, (void)dtype;
  return 0;
}

static int32_t wrong_major_execute(void *context, const px_plugin_op *op) {
  (void)context, (void)op;
  return PX_PLUGIN_UNSUPPORTED;
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR + 1,
    .abi_minor = 0,
    .name = "wrong_major",
    .version = "1.0.0",
    .create = wrong_major_create,
    .destroy = wrong_major_destroy,
    .supports = wrong_major_supports,
    .execute = wrong_major_execute,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return &table;
}
