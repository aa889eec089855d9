/*
 * plexus.h: the Plexus C ABI.
 *
 * Plain C99; also compiles as C++. The rules this header follows are in ABI.md:
 * - Every fallible function returns a px_status (0 = PX_STATUS_OK) and writes a message that
 *   px_last_error_message() returns on the same thread.
 * - On failure, out-parameters are left untouched, except the `needed` size of a string-out call.
 * - Functions, constants and struct fields are only ever appended within a major version.
 * - No function aborts, exits or traps on a bad argument; it returns a status instead.
 *
 * Thread safety: every function here may be called from any thread at any time. The last-error
 * message is kept per thread.
 *
 * This is the start of the ABI: version queries, errors and the backend list. Later versions
 * append handles for tensors and models, training with progress callbacks, and DLPack exchange.
 */
#ifndef PLEXUS_H
#define PLEXUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header. A library with the same major and an equal or newer minor
 * version serves a client built against it. */
#define PX_ABI_VERSION_MAJOR 0
#define PX_ABI_VERSION_MINOR 1

#if defined(__GNUC__) || defined(__clang__)
#define PX_API __attribute__((visibility("default")))
#define PX_NODISCARD __attribute__((warn_unused_result))
#else
#define PX_API
#define PX_NODISCARD
#endif

/* The result of every fallible call. The codes below are only ever appended to. */
typedef int32_t px_status;

/* The call succeeded. */
#define PX_STATUS_OK 0
/* An argument was NULL, out of range or otherwise invalid; nothing was changed. */
#define PX_STATUS_INVALID_ARGUMENT 1
/* The library failed for a reason that is not the caller's: a bug, or a resource it lacks. */
#define PX_STATUS_INTERNAL 2

/* The ABI version of the loaded library: (major << 16) | minor. Compare it with
 * PX_ABI_VERSION_MAJOR / PX_ABI_VERSION_MINOR to detect a mismatched library at run time. */
PX_API uint32_t px_abi_version(void);

/* The library's release version, e.g. "0.1.0". A static string: never freed, never NULL. */
PX_API const char *px_version_string(void);

/* The message of the last failed call on this thread, in UTF-8. Never NULL; empty when the last
 * fallible call on this thread succeeded or none was made. Valid until the next call into
 * Plexus on this thread. */
PX_API const char *px_last_error_message(void);

/* Writes the number of registered backends to *out_count. */
PX_API PX_NODISCARD px_status px_backend_count(size_t *out_count);

/* Writes the name of backend `index` (0 ..< px_backend_count) into `buffer` as a NUL-terminated
 * UTF-8 string, and its size in bytes including the NUL into *needed when `needed` is not NULL.
 * Pass buffer = NULL and capacity = 0 to ask for the size alone. When `capacity` is too small the
 * call fails with PX_STATUS_INVALID_ARGUMENT, leaves `buffer` untouched and still writes *needed. */
PX_API PX_NODISCARD px_status px_backend_name(
    size_t index, char *buffer, size_t capacity, size_t *needed);

#ifdef __cplusplus
}
#endif

#endif /* PLEXUS_H */
