/*
 * plexus_plugin.h: the ABI between Plexus and a backend plugin, a shared library written in any
 * language that Plexus loads at run time (`dlopen`) and runs ops on.
 *
 * Plain C99; also compiles as C++. The walk-through, from an empty C file to a plugin that passes
 * `plexus conformance`, is Sources/Plugins/Host/Plugins.docc/WritingABackendPlugin.md. In short:
 *
 * - A plugin exports one symbol, px_plugin_entry. Plexus calls it, with its own ABI version and
 *   its services (px_plugin_host), and receives a pointer to the plugin's static function table
 *   (px_plugin_table), which must stay valid for the life of the process: Plexus never unloads a
 *   plugin. Loads are serialised, and loading the same library again (under another name)
 *   shares the first load's context: entry and create run again only after a load of that
 *   library failed (and destroy, when create had succeeded).
 * - The host refuses a table whose major version differs from its own or whose struct_size is
 *   smaller than version 1.0's. Within a major version members are only ever appended; the host
 *   reads an appended member only when the table's struct_size covers it, the table's minor
 *   version is high enough, and the pointer is not NULL.
 * - Ops arrive as records (px_plugin_op): the op id, DLPack DLTensor views of the inputs and of the
 *   outputs (row-major and contiguous; outputs allocated by the host, 64-byte aligned; inputs may
 *   be views of a caller's memory, aligned only to their element size), and the op's named
 *   attributes. The op ids, attribute ids and what each op reads and writes are BackendProtocol's
 *   (Sources/BackendProtocol/Ops/OpCode.swift documents every op); they are append-only.
 * - Whatever a plugin does not claim, or declines at run time, runs on Plexus's reference backend,
 *   and the dispatch counters say where each op ran.
 *
 * Threads: the host may call supports_op and execute from several threads at once (one model per
 * thread, say), and set_thread_count while they run (the framework's setting can change at any
 * time); a plugin that cannot run concurrently serialises inside. create and destroy are never
 * called concurrently with anything else of the plugin.
 */
#ifndef PLEXUS_PLUGIN_H
#define PLEXUS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "dlpack/dlpack.h"
#include "plexus_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header. The host passes (major << 16) | minor to px_plugin_entry, and the
 * plugin writes the version it was built against into its table. */
#define PX_PLUGIN_ABI_VERSION_MAJOR 1
#define PX_PLUGIN_ABI_VERSION_MINOR 1

/* The name of the one symbol a plugin exports, for dlsym. */
#define PX_PLUGIN_ENTRY_NAME "px_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define PX_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PX_PLUGIN_EXPORT
#endif

/* ---- Status codes: what create, execute and the memory members return ---------------------- */

/* Done. */
#define PX_PLUGIN_OK 0
/* execute: this record is not for this plugin after all (a shape, stride or size it does not
 * handle). Nothing was written; the host runs the record on the reference backend. */
#define PX_PLUGIN_UNSUPPORTED 1
/* Failed. The plugin should have called host->set_error with the reason first. The host discards
 * the outputs (and restores the inputs of an in-place op) and reports the error to the caller,
 * naming the plugin and the op. */
#define PX_PLUGIN_ERROR 2

/* Op ids (PX_OP_*), attribute ids (PX_ATTR_*) and dtype ids (PX_DTYPE_*) are in plexus_ops.h,
 * generated from BackendProtocol's enums; they are append-only. */

/* The values of PX_ATTR_ACTIVATION (dense, conv2d_bias_activation,
 * activation_gradient). */
#define PX_PLUGIN_ACTIVATION_LINEAR 0
#define PX_PLUGIN_ACTIVATION_RELU 1
#define PX_PLUGIN_ACTIVATION_SIGMOID 2
#define PX_PLUGIN_ACTIVATION_TANH 3

/* The type of an attribute's value (px_plugin_attribute.type). */
#define PX_PLUGIN_VALUE_INT 1    /* int_value */
#define PX_PLUGIN_VALUE_INTS 2   /* ints[0 ..< int_count] */
#define PX_PLUGIN_VALUE_DOUBLE 3 /* double_value */
#define PX_PLUGIN_VALUE_BOOL 4   /* int_value: 0 or 1 */
#define PX_PLUGIN_VALUE_DTYPE 5  /* int_value: a PX_DTYPE_* code */

/* Log levels (px_plugin_host.log). */
#define PX_PLUGIN_LOG_ERROR 0
#define PX_PLUGIN_LOG_WARNING 1
#define PX_PLUGIN_LOG_INFO 2
#define PX_PLUGIN_LOG_DEBUG 3

/* Directions of px_plugin_table.memory_copy. */
#define PX_PLUGIN_COPY_HOST_TO_DEVICE 1
#define PX_PLUGIN_COPY_DEVICE_TO_HOST 2

/* ---- What the host gives a plugin ------------------------------------------------------------ */

/* The host's services, passed to px_plugin_entry. The struct and every pointer in it stay valid
 * for the life of the process; a plugin keeps the pointer. Every function may be called from any
 * thread. `host_data` identifies this plugin to the host: pass it back as the first argument. */
typedef struct px_plugin_host {
  /* sizeof(px_plugin_host) as the host was compiled: read no member beyond it. */
  uint32_t struct_size;
  /* The host's PX_PLUGIN_ABI_VERSION_MAJOR / _MINOR. */
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t reserved;
  /* Passed back as the first argument of the functions below. */
  void *host_data;
  /* `size` bytes aligned to `alignment` (a power of two; 0 means 64), or NULL when the memory
   * cannot be had. Release with deallocate. */
  void *(*allocate)(void *host_data, size_t size, size_t alignment);
  /* Releases what allocate returned; NULL is ignored. */
  void (*deallocate)(void *host_data, void *pointer);
  /* Writes `message` (UTF-8) to the host's log at `level` (PX_PLUGIN_LOG_*), naming the plugin.
   * Errors and warnings go to standard error; PLEXUS_LOG_LEVEL=info or debug shows the rest. */
  void (*log)(void *host_data, int32_t level, const char *message);
  /* Sets the reason for the PX_PLUGIN_ERROR the calling thread is about to return (copied). */
  void (*set_error)(void *host_data, const char *message);
  /* The value of option `key` for this plugin, or NULL when it is not set: options passed when
   * the plugin was loaded, else the environment variable PLEXUS_PLUGIN_<NAME>_<KEY> (upper case,
   * non-alphanumerics as '_'). The string stays valid for the life of the process. */
  const char *(*option)(void *host_data, const char *key);
  /* The number of threads the host computes with: the framework's one thread setting, which
   * every backend follows so that none oversubscribes the cores. */
  int32_t (*thread_count)(void *host_data);
  /* Runs body(context, i) for every i in 0 ..< count on the host's threads, the calling thread
   * among them, and returns when all have run. Parts run concurrently, so they must write
   * disjoint memory; a call made while the host's threads are busy (from inside a part, or from
   * another thread) runs its parts one after another on the calling thread. A CPU plugin that
   * splits its work here shares the host's threads instead of starting its own. */
  void (*parallel_for)(
      void *host_data, size_t count, void (*body)(void *context, size_t index), void *context);
} px_plugin_host;

/* ---- What the host asks a plugin to run ------------------------------------------------------ */

/* One attribute of an op record: a name (PX_ATTR_*), a type (PX_PLUGIN_VALUE_*) and
 * the member that type names. The other members are zero. */
typedef struct px_plugin_attribute {
  uint32_t name;
  int32_t type;
  int64_t int_value;
  double double_value;
  const int64_t *ints;
  size_t int_count;
} px_plugin_attribute;

/* One op record, valid only during the call that receives it. Every DLTensor is a view of
 * row-major, contiguous memory (strides NULL, byte_offset 0) on the plugin's device (the host
 * writes kDLCPU unless the table declares another); shapes are int64_t. Outputs are allocated by
 * the host with their final dtypes and shapes, 64-byte aligned, alias no input and are
 * uninitialised; inputs are aligned to their element size at least. The in-place ops
 * (sgd_update, adam_update) have no outputs and update the inputs OpCode.swift names. */
typedef struct px_plugin_op {
  /* sizeof(px_plugin_op) as the host was compiled. */
  uint32_t struct_size;
  /* PX_OP_*. */
  uint32_t op;
  /* The dtype support is decided by (PX_DTYPE_*): the first input's, for select the first
   * value operand's, for one_hot and random draws the output's. */
  int32_t dtype;
  /* sizeof(px_plugin_attribute) as the host was compiled: the distance in bytes between
   * consecutive attributes. A plugin reads no member of an attribute beyond it (a later host may
   * append members to px_plugin_attribute, never reorder them). */
  uint32_t attribute_size;
  DLTensor *inputs;
  size_t input_count;
  DLTensor *outputs;
  size_t output_count;
  const px_plugin_attribute *attributes;
  size_t attribute_count;
} px_plugin_op;

/* Attribute `index` of `op`, stepping by the host's attribute_size: how a plugin reads the
 * attributes, so that it keeps working with a later host whose attributes have grown. */
static inline const px_plugin_attribute *px_plugin_attribute_at(const px_plugin_op *op,
                                                                size_t index) {
  const size_t size = op->attribute_size ? op->attribute_size : sizeof(px_plugin_attribute);
  return (const px_plugin_attribute *)(const void *)((const char *)op->attributes + index * size);
}

/* ---- What a plugin gives the host ------------------------------------------------------------ */

/* A plugin's function table. The plugin owns it (static storage); the host only reads it. */
typedef struct px_plugin_table {
  /* sizeof(px_plugin_table) as the plugin was compiled: the host reads no member beyond it. */
  uint32_t struct_size;
  /* PX_PLUGIN_ABI_VERSION_MAJOR / _MINOR as the plugin was compiled. */
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t reserved;
  /* The backend name users select it by, e.g. "blis": NUL-terminated UTF-8, static. */
  const char *name;
  /* The plugin's own release version, e.g. "1.2.0": NUL-terminated UTF-8, static. */
  const char *version;

  /* -- Required since 1.0 -- */

  /* Makes the plugin's context, passed to every later call. Returns PX_PLUGIN_OK, or
   * PX_PLUGIN_ERROR (after host->set_error) to refuse loading; the host then never calls the
   * plugin again and reports the load error. */
  int32_t (*create)(void **out_context);
  /* Releases the context. Called when the host gives the plugin up (a load that fails after
   * create); a loaded plugin may never see it. */
  void (*destroy)(void *context);
  /* Non-zero when the plugin runs `op` (PX_OP_*) for inputs of `dtype` (PX_DTYPE_*).
   * Asked for every pair once, right after create; the answers are kept. */
  int32_t (*supports)(void *context, uint32_t op, int32_t dtype);
  /* Runs `op`: PX_PLUGIN_OK, PX_PLUGIN_UNSUPPORTED (nothing written: the host falls back) or
   * PX_PLUGIN_ERROR. Must check what it relies on (ranks, shapes, dtypes) before reading or
   * writing: the record can come from any caller. */
  int32_t (*execute)(void *context, const px_plugin_op *op);

  /* -- Optional since 1.1: read only when abi_minor >= 1, struct_size covers them, and the pointer
   *    is not NULL -- */

  /* Non-zero when the plugin runs this very record (its shapes and attributes), asked before
   * every execute of a pair `supports` accepted. It must not touch the tensors' memory: their
   * `data` may be NULL. NULL: `supports` alone decides. */
  int32_t (*supports_op)(void *context, const px_plugin_op *op);
  /* Applies the framework's one thread setting (also called right after create when set). */
  void (*set_thread_count)(void *context, int32_t count);
  /* The DLDeviceType execute computes on. 0 or kDLCPU: host memory, no copies. Anything else:
   * the three memory members below are required, and the host copies every input to the device
   * before execute and every output (and updated input) back after it, counting each copy. */
  int32_t device_type;
  /* With device_type: the DLPack device id of the plugin's tensors (0 for a single device). */
  int32_t device_id;
  /* Allocates `size` bytes of device memory into *out_pointer. */
  int32_t (*memory_allocate)(void *context, size_t size, void **out_pointer);
  /* Releases device memory; NULL is ignored. */
  void (*memory_free)(void *context, void *pointer);
  /* Copies `size` bytes in `direction` (PX_PLUGIN_COPY_*). */
  int32_t (*memory_copy)(
      void *context, void *destination, const void *source, size_t size, int32_t direction);
} px_plugin_table;

/* The struct_size of a table built against version 1.0 (required members only). */
#define PX_PLUGIN_TABLE_SIZE_1_0 offsetof(px_plugin_table, supports_op)

/* The type of px_plugin_entry. It receives the host's ABI version, (major << 16) | minor, and its
 * services, and returns the plugin's table, or NULL to decline loading (for example when the host
 * is too old; call host->set_error first to say why). */
typedef const px_plugin_table *(*px_plugin_entry_fn)(
    uint32_t host_abi_version, const px_plugin_host *host);

/* The entry point every plugin defines (declared here so the compiler checks its signature). */
PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *host);

#ifdef __cplusplus
}
#endif

#endif /* PLEXUS_PLUGIN_H */
