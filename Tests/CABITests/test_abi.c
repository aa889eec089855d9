/*
 * A C client of libplexus_c, compiled against include/ alone. Prints one "ok N - ..." or
 * "not ok N - ..." line per check (TAP-style; scripts/test.sh counts them) and exits non-zero
 * when a check fails. The library registers its built-in backends on first use, so a bare C
 * process sees at least the reference and OpenBLAS backends.
 */
#include <plexus.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks = 0;
static int failures = 0;

static void check(int passed, const char *description) {
  checks++;
  if (!passed) failures++;
  printf("%s %d - %s\n", passed ? "ok" : "not ok", checks, description);
  if (!passed) printf("#   last error: \"%s\"\n", px_last_error_message());
}

static int contains(const char *text, const char *part) {
  return text != NULL && strstr(text, part) != NULL;
}

static void *error_on_other_thread(void *unused) {
  (void)unused;
  const char *message = px_last_error_message();
  return (void *)(uintptr_t)(message != NULL && message[0] == '\0');
}

int main(void) {
  uint32_t expected_version = ((uint32_t)PX_ABI_VERSION_MAJOR << 16) | PX_ABI_VERSION_MINOR;
  check(px_abi_version() == expected_version, "px_abi_version matches the header's macros");

  char major_minor[32];
  snprintf(major_minor, sizeof major_minor, "%d.%d.", PX_ABI_VERSION_MAJOR, PX_ABI_VERSION_MINOR);
  const char *version = px_version_string();
  check(version != NULL && strncmp(version, major_minor, strlen(major_minor)) == 0,
        "px_version_string starts with the ABI major.minor");

  const char *message = px_last_error_message();
  check(message != NULL && message[0] == '\0', "the last error starts out empty, never NULL");

  check(px_backend_count(NULL) == PX_STATUS_INVALID_ARGUMENT,
        "px_backend_count(NULL) returns PX_STATUS_INVALID_ARGUMENT");
  check(contains(px_last_error_message(), "out_count"),
        "and the last error names the NULL argument");

  pthread_t thread;
  void *other_thread_clean = NULL;
  int started = pthread_create(&thread, NULL, error_on_other_thread, NULL) == 0;
  if (started) pthread_join(thread, &other_thread_clean);
  check(started && other_thread_clean != NULL, "the last error is per thread");

  size_t count = SIZE_MAX;
  check(px_backend_count(&count) == PX_STATUS_OK && count != SIZE_MAX,
        "px_backend_count succeeds with an out-parameter");
  check(px_last_error_message()[0] == '\0', "a successful call clears the last error");

  size_t needed = 12345;
  char small[2] = {'x', 'x'};
  check(px_backend_name(SIZE_MAX, small, sizeof small, &needed) == PX_STATUS_INVALID_ARGUMENT
            && needed == 12345 && small[0] == 'x' && contains(px_last_error_message(), "index"),
        "px_backend_name rejects an index out of range and leaves out-parameters untouched");

  check(count >= 2, "the built-in backends are registered");
  check(px_backend_name(0, NULL, 0, &needed) == PX_STATUS_OK && needed >= 2,
        "px_backend_name with no buffer reports the size needed");
  size_t size = needed;
  check(px_backend_name(0, small, 1, &needed) == PX_STATUS_INVALID_ARGUMENT && needed == size
            && small[0] == 'x',
        "a buffer too small fails, reports needed and leaves the buffer untouched");
  char *name = malloc(size);
  check(name != NULL && px_backend_name(0, name, size, NULL) == PX_STATUS_OK
            && strcmp(name, "reference") == 0,
        "a buffer of the size needed receives the name of the reference backend");
  free(name);

  printf("1..%d\n", checks);
  return failures == 0 ? 0 : 1;
}
