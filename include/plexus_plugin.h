/*
 * plexus_plugin.h: the ABI between Plexus and a backend plugin (a shared library, in any
 * language, that Plexus loads at run time).
 *
 * Plain C99; also compiles as C++. The rules are in ABI.md. A plugin exports one symbol,
 * px_plugin_entry, which returns a pointer to a static function table that stays valid for the
 * life of the process (Plexus never unloads a plugin). The host refuses a table whose major
 * version differs from its own or whose struct_size is smaller than px_plugin_v1's; within a
 * major version members are only ever appended, and the host reads an appended member only when
 * struct_size covers it and the plugin's minor version is high enough.
 */
#ifndef PLEXUS_PLUGIN_H
#define PLEXUS_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header: the host passes (major << 16) | minor to px_plugin_entry, and the
 * plugin writes the version it was built against into its table. */
#define PX_PLUGIN_ABI_VERSION_MAJOR 1
#define PX_PLUGIN_ABI_VERSION_MINOR 0

/* The name of the one symbol a plugin exports, for dlsym. */
#define PX_PLUGIN_ENTRY_NAME "px_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define PX_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PX_PLUGIN_EXPORT
#endif

/* A plugin's function table, version 1. The plugin owns it; the host only reads it.
 *
 * Later versions append, in this order of growth: create and destroy (a per-process plugin
 * context), supports (op id + dtypes), execute (DLPack DLTensor views), the host's services,
 * and optional NULL-able members. Never reorder or remove a member. */
typedef struct px_plugin_v1 {
  /* sizeof(px_plugin_v1) as the plugin was compiled: the host reads no member beyond it. */
  uint32_t struct_size;
  /* PX_PLUGIN_ABI_VERSION_MAJOR / _MINOR as the plugin was compiled. */
  uint32_t abi_major;
  uint32_t abi_minor;
  /* The backend name users select it by, e.g. "mygpu": NUL-terminated UTF-8, static. */
  const char *name;
  /* The plugin's own release version, e.g. "1.2.0": NUL-terminated UTF-8, static. */
  const char *version;
} px_plugin_v1;

/* The type of px_plugin_entry. It receives the host's ABI version, (major << 16) | minor, and
 * returns its table, or NULL to decline loading (for example when the host is too old). */
typedef const px_plugin_v1 *(*px_plugin_entry_fn)(uint32_t host_abi_version);

/* The entry point every plugin defines (declared here so the compiler checks its signature). */
PX_PLUGIN_EXPORT const px_plugin_v1 *px_plugin_entry(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* PLEXUS_PLUGIN_H */
