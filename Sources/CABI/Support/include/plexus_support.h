/*
 * The C half of the C ABI: the per-thread last-error buffer (Swift has no thread-local storage
 * that a C caller could read), and the public declarations the Swift exports are checked against.
 */
#ifndef PLEXUS_SUPPORT_H
#define PLEXUS_SUPPORT_H

#include "../../../../include/plexus.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Copies `message` into this thread's last-error buffer, truncated at a UTF-8 boundary.
 * NULL clears it. Hidden: not part of the exported ABI. */
__attribute__((visibility("hidden"))) void px_support_set_last_error(const char *message);

/* How many progress callbacks this thread is inside (Plexus called the caller, which called
 * back in); `delta` +1 on entry, -1 on exit. Returns the new depth. Hidden. */
__attribute__((visibility("hidden"))) int px_support_callback_depth(int delta);

#ifdef __cplusplus
}
#endif

#endif /* PLEXUS_SUPPORT_H */
