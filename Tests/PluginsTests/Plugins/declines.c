/*
 * declines.c: a test plugin whose entry point declines to load, saying why; the host must report
 * that reason as the load error.
 */
#include <plexus_plugin.h>

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *host) {
  (void)host_abi_version;
  if (host != 0) host->set_error(host->host_data, "declines: this host is too old for me");
  return 0;
}
