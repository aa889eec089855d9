/*
 * test_sweep, section "basics": versions, errors, backends and process-wide settings.
 */
#include "sweep.h"

void section_basics(void) {
  px_status st;
  uint32_t expected_version = ((uint32_t)PX_ABI_VERSION_MAJOR << 16) | PX_ABI_VERSION_MINOR;
  check(px_abi_version() == expected_version, "px_abi_version matches the header");
  check(px_version_string() != NULL && px_version_string()[0] != '\0',
        "px_version_string is a non-empty string");
  check(px_last_error_message() != NULL, "px_last_error_message is never NULL");

  /* px_backend_count / px_backend_name */
  st = px_backend_count(NULL);
  expect(st, IA_, 1, "px_backend_count", "px_backend_count(NULL) fails");
  size_t backends = SENTINEL_SIZE;
  st = px_backend_count(&backends);
  expect(st, OK_, backends != SENTINEL_SIZE && backends >= 1, NULL, "px_backend_count succeeds");
  check(error_cleared(), "a successful call clears the last error");

  size_t needed = SENTINEL_SIZE;
  char name[64];
  memset(name, 'Z', sizeof name);
  st = px_backend_name(SIZE_MAX, name, sizeof name, &needed);
  expect(st, IA_, needed == SENTINEL_SIZE && name[0] == 'Z', "px_backend_name|index",
         "px_backend_name(index SIZE_MAX) fails, out-parameters untouched");
  st = px_backend_name(backends, name, sizeof name, &needed);
  expect(st, IA_, needed == SENTINEL_SIZE && name[0] == 'Z', "px_backend_name|index",
         "px_backend_name(index == count) fails");
  st = px_backend_name(0, NULL, 10, &needed);
  expect(st, IA_, name[0] == 'Z', "px_backend_name|buffer",
         "px_backend_name(buffer NULL, capacity 10) fails");
  needed = SENTINEL_SIZE;
  st = px_backend_name(0, name, 0, &needed);
  expect(st, IA_, name[0] == 'Z' && needed == strlen("reference") + 1, "px_backend_name|capacity",
         "px_backend_name(capacity 0 with a buffer) fails, writes needed, buffer untouched");
  st = px_backend_name(0, NULL, 0, NULL);
  expect(st, OK_, 1, NULL, "px_backend_name(NULL, 0, NULL) is allowed");
  needed = SENTINEL_SIZE;
  st = px_backend_name(0, name, SIZE_MAX, &needed);
  expect(st, OK_, needed == 10 && strcmp(name, "reference") == 0 && name[10] == 'Z', NULL,
         "px_backend_name with capacity SIZE_MAX writes only the name and its NUL");

  int found_reference = 0;
  char *names[16] = {0};
  size_t listed = backends < 16 ? backends : 16;
  for (size_t i = 0; i < listed; i++) {
    names[i] = calloc(64, 1);
    if (names[i] != NULL && px_backend_name(i, names[i], 64, NULL) == PX_STATUS_OK
        && strcmp(names[i], "reference") == 0)
      found_reference = 1;
  }
  check(found_reference, "the reference backend is listed");

  /* px_config_set_backend / px_config_backend */
  st = px_config_set_backend(NULL);
  expect(st, IA_, 1, "px_config_set_backend", "px_config_set_backend(NULL) fails");
  st = px_config_set_backend("no_such_backend");
  expect(st, IA_, 1, "no_such_backend", "px_config_set_backend(unknown) fails naming it");
  st = px_config_set_backend("");
  expect(st, IA_, 1, "px_config_set_backend|backend", "px_config_set_backend(\"\") fails");
  st = px_config_set_backend(NOT_UTF8);
  expect(st, IA_, 1, "px_config_set_backend|UTF", "px_config_set_backend(non-UTF-8) fails");

  char original[64] = {0};
  needed = SENTINEL_SIZE;
  st = px_config_backend(NULL, 0, &needed);
  expect(st, OK_, needed != SENTINEL_SIZE && needed >= 2 && needed <= 64, NULL,
         "px_config_backend(NULL, 0, &needed) reports the size");
  size_t original_size = needed;
  memset(name, 'Z', sizeof name);
  needed = SENTINEL_SIZE;
  st = px_config_backend(name, 1, &needed);
  expect(st, IA_, name[0] == 'Z' && needed == original_size, "px_config_backend|capacity",
         "px_config_backend with a buffer too small fails, writes needed, leaves the buffer");
  st = px_config_backend(NULL, 5, &needed);
  expect(st, IA_, 1, "px_config_backend|buffer", "px_config_backend(NULL buffer, capacity 5) fails");
  st = px_config_backend(original, sizeof original, NULL);
  expect(st, OK_, strlen(original) + 1 == original_size, NULL,
         "px_config_backend reads the default backend (\"%s\")", original);
  for (size_t i = 0; i < listed; i++) {
    if (names[i] == NULL) continue;
    char now[64] = {0};
    st = px_config_set_backend(names[i]);
    expect(st, OK_, px_config_backend(now, sizeof now, NULL) == PX_STATUS_OK
                        && strcmp(now, names[i]) == 0,
           NULL, "px_config_set_backend(\"%s\") selects it", names[i]);
  }
  st = px_config_set_backend(original);
  expect(st, OK_, 1, NULL, "px_config_set_backend restores \"%s\"", original);
  for (size_t i = 0; i < listed; i++) free(names[i]);

  /* threads */
  int64_t threads = -7;
  st = px_config_threads(NULL);
  expect(st, IA_, 1, "px_config_threads", "px_config_threads(NULL) fails");
  st = px_config_threads(&threads);
  expect(st, OK_, threads >= 0, NULL, "px_config_threads reads %lld", (long long)threads);
  int64_t original_threads = threads;
  int64_t bad_threads[4] = {-1, 1025, INT64_MIN, INT64_MAX};
  for (int i = 0; i < 4; i++) {
    int64_t after = -7;
    st = px_config_set_threads(bad_threads[i]);
    expect(st, IA_, 1, "px_config_set_threads|threads", "px_config_set_threads(%lld) fails",
           (long long)bad_threads[i]);
    check(px_config_threads(&after) == PX_STATUS_OK && after == original_threads,
          "and leaves the thread count as it was");
  }
  st = px_config_set_threads(2);
  expect(st, OK_, px_config_threads(&threads) == PX_STATUS_OK && threads == 2, NULL,
         "px_config_set_threads(2) then px_config_threads reads 2");
  st = px_config_set_threads(0);
  expect(st, OK_, px_config_threads(&threads) == PX_STATUS_OK && threads >= 0, NULL,
         "px_config_set_threads(0) (one per core) is allowed");
  st = px_config_set_threads(original_threads);
  expect(st, OK_, 1, NULL, "px_config_set_threads restores %lld", (long long)original_threads);

  /* strict dispatch */
  int32_t strict = -7;
  st = px_config_strict_dispatch(NULL);
  expect(st, IA_, 1, "px_config_strict_dispatch", "px_config_strict_dispatch(NULL) fails");
  st = px_config_strict_dispatch(&strict);
  expect(st, OK_, strict == 0, NULL, "strict dispatch starts off");
  st = px_config_set_strict_dispatch(1);
  expect(st, OK_, px_config_strict_dispatch(&strict) == PX_STATUS_OK && strict == 1, NULL,
         "px_config_set_strict_dispatch(1) then reads 1");
  st = px_config_set_strict_dispatch(7);
  expect(st, OK_, px_config_strict_dispatch(&strict) == PX_STATUS_OK && strict == 1, NULL,
         "px_config_set_strict_dispatch(7) (non-zero) reads 1");
  st = px_config_set_strict_dispatch(INT32_MIN);
  expect(st, OK_, px_config_strict_dispatch(&strict) == PX_STATUS_OK && strict == 1, NULL,
         "px_config_set_strict_dispatch(INT32_MIN) (non-zero) reads 1");
  st = px_config_set_strict_dispatch(0);
  expect(st, OK_, px_config_strict_dispatch(&strict) == PX_STATUS_OK && strict == 0, NULL,
         "px_config_set_strict_dispatch(0) then reads 0");

  /* seed: any 64-bit value */
  st = px_config_set_seed(0);
  expect(st, OK_, 1, NULL, "px_config_set_seed(0)");
  st = px_config_set_seed(UINT64_MAX);
  expect(st, OK_, 1, NULL, "px_config_set_seed(UINT64_MAX)");

  /* the last error follows the last fallible call */
  st = px_config_threads(NULL);
  check(st == PX_STATUS_INVALID_ARGUMENT && px_last_error_message()[0] != '\0'
            && px_last_error_message()[0] != '\0',
        "reading px_last_error_message twice keeps the message");
  int64_t unused = 0;
  st = px_config_threads(&unused);
  check(st == PX_STATUS_OK && error_cleared(), "a later successful call clears it");
}
