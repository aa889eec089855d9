/*
 * test_sweep.c: a hostile caller of libplexus_c, compiled against include/ alone.
 *
 * Calls every function declared in include/plexus.h with NULL, released, forged and wrong-type
 * handles, NULL out-parameters, wrong dtypes and shapes, huge and negative sizes, out-of-range
 * values, malformed and deeply nested JSON and strings that are not UTF-8, and checks the status,
 * that px_last_error_message() names what was wrong and that out-parameters are untouched. Then
 * the happy paths: tensors (copy, view with a deleter, retain/release), DLPack both ways, keras.ops
 * by name, a Sequential model layer by layer and from JSON, compile by name and by JSON config,
 * fit with a progress callback (Keras event order, cancel, stop_training, re-entry), history,
 * evaluate, predict, train_on_batch, weights, summary, JSON round trip, process settings, seed
 * reproducibility, and several threads sharing one model.
 *
 * Output is TAP-style: one "ok N - ..." / "not ok N - ..." line per check, "#" lines for details,
 * and "1..N" at the end. Exits non-zero when a check failed.
 *
 * Usage: test_sweep [--list] [SECTION...]   (no section: all of them, in one process)
 */
#define _POSIX_C_SOURCE 200809L

#include <plexus.h>

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Checks and their report
 * ------------------------------------------------------------------------------------------- */

static int checks = 0;
static int failures = 0;

#define BIT(status) (1u << (unsigned)(status))
#define OK_ BIT(PX_STATUS_OK)
#define IA_ BIT(PX_STATUS_INVALID_ARGUMENT)
#define STATE_ BIT(PX_STATUS_INVALID_STATE)
#define UNSUP_ BIT(PX_STATUS_UNSUPPORTED)
#define OOM_ BIT(PX_STATUS_OUT_OF_MEMORY)
#define CANCEL_ BIT(PX_STATUS_CANCELLED)

/* Sentinels that out-parameters hold before a call that must fail and leave them untouched. */
#define SENTINEL_TENSOR ((px_tensor *)(uintptr_t)0x5e7e1)
#define SENTINEL_MODEL ((px_model *)(uintptr_t)0x5e7e2)
#define SENTINEL_LAYER ((px_layer *)(uintptr_t)0x5e7e3)
#define SENTINEL_LOGS ((px_logs *)(uintptr_t)0x5e7e4)
#define SENTINEL_POINTER ((void *)(uintptr_t)0x5e7e5)
#define SENTINEL_MANAGED ((struct DLManagedTensorVersioned *)(uintptr_t)0x5e7e6)
#define SENTINEL_SIZE ((size_t)0x5e7e7)

static const char *status_name(px_status status) {
  switch (status) {
    case PX_STATUS_OK: return "PX_STATUS_OK";
    case PX_STATUS_INVALID_ARGUMENT: return "PX_STATUS_INVALID_ARGUMENT";
    case PX_STATUS_INTERNAL: return "PX_STATUS_INTERNAL";
    case PX_STATUS_INVALID_STATE: return "PX_STATUS_INVALID_STATE";
    case PX_STATUS_UNSUPPORTED: return "PX_STATUS_UNSUPPORTED";
    case PX_STATUS_OUT_OF_MEMORY: return "PX_STATUS_OUT_OF_MEMORY";
    case PX_STATUS_CANCELLED: return "PX_STATUS_CANCELLED";
    case PX_STATUS_IO: return "PX_STATUS_IO";
    default: return "an unknown status";
  }
}

static void print_expected(unsigned mask) {
  int first = 1;
  printf("#   expected ");
  for (px_status status = 0; status < 32; status++) {
    if (mask & BIT(status)) {
      printf("%s%s", first ? "" : " or ", status_name(status));
      first = 0;
    }
  }
}

/* Prints `text` as one "#" comment line: newlines become spaces, long text is cut. */
static void print_comment(const char *label, const char *text) {
  char line[600];
  size_t i = 0;
  for (; text != NULL && text[i] != '\0' && i + 1 < sizeof line; i++)
    line[i] = (text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
  line[i] = '\0';
  printf("#   %s: \"%s\"%s\n", label, text == NULL ? "(NULL)" : line,
         text != NULL && text[i] != '\0' ? " ..." : "");
}

static void vreport(int passed, const char *format, va_list args) {
  checks++;
  if (!passed) failures++;
  printf("%s %d - ", passed ? "ok" : "not ok", checks);
  vprintf(format, args);
  printf("\n");
  fflush(stdout);
}

/* A plain check; on failure it shows this thread's last error. */
static int check(int passed, const char *format, ...) {
  char message[600];
  snprintf(message, sizeof message, "%s", px_last_error_message());
  va_list args;
  va_start(args, format);
  vreport(passed, format, args);
  va_end(args);
  if (!passed && message[0] != '\0') print_comment("last error", message);
  return passed;
}

static int contains(const char *text, const char *part) {
  return text != NULL && part != NULL && strstr(text, part) != NULL;
}

/* Whether `text` contains (case-insensitively) one of the '|'-separated `alternatives`. */
static int mentions(const char *text, const char *alternatives) {
  if (alternatives == NULL) return 1;
  const char *start = alternatives;
  while (*start != '\0') {
    const char *end = strchr(start, '|');
    size_t length = end ? (size_t)(end - start) : strlen(start);
    for (const char *at = text; *at != '\0'; at++) {
      size_t k = 0;
      while (k < length && at[k] != '\0'
             && tolower((unsigned char)at[k]) == tolower((unsigned char)start[k]))
        k++;
      if (k == length) return 1;
    }
    if (end == NULL) break;
    start = end + 1;
  }
  return 0;
}

/*
 * The check of a call that must fail: `status` is in `expected` (a mask of BIT(status)), the last
 * error is non-empty and mentions one of `needles` ('|'-separated, case-insensitive; NULL: any),
 * and `untouched` holds (the out-parameters still hold their sentinels). A status of OK (when
 * `expected` allows it) needs no message, and `untouched` is then a plain condition on the result.
 */
static int expect(px_status status, unsigned expected, int untouched, const char *needles,
                  const char *format, ...) {
  char message[600];
  snprintf(message, sizeof message, "%s", px_last_error_message());
  int status_ok = status >= 0 && status < 32 && (expected & BIT(status));
  int message_ok = status == PX_STATUS_OK || (message[0] != '\0' && mentions(message, needles));
  int passed = status_ok && message_ok && untouched;
  va_list args;
  va_start(args, format);
  vreport(passed, format, args);
  va_end(args);
  if (!passed) {
    if (!status_ok) {
      print_expected(expected);
      printf(", received %s (%d)\n", status_name(status), (int)status);
    }
    if (status_ok && !message_ok) {
      if (message[0] == '\0')
        printf("#   the last error is empty\n");
      else
        printf("#   the last error should mention one of: %s\n", needles);
    }
    if (!untouched)
      printf("#   %s\n", expected == OK_ ? "the result is wrong" : "an out-parameter was written");
    if (message[0] != '\0') print_comment("last error", message);
  }
  return passed;
}

/* The last error is empty: a successful call cleared it. */
static int error_cleared(void) { return px_last_error_message()[0] == '\0'; }

/* ---------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;

/* A deleter that counts its calls in the int `user` points to. */
static void counting_deleter(void *data, void *user) {
  (void)data;
  pthread_mutex_lock(&counter_lock);
  (*(int *)user)++;
  pthread_mutex_unlock(&counter_lock);
}

/* A deleter that counts its calls and frees `data`. */
static void freeing_deleter(void *data, void *user) {
  counting_deleter(data, user);
  free(data);
}

static int read_counter(const int *counter) {
  pthread_mutex_lock(&counter_lock);
  int value = *counter;
  pthread_mutex_unlock(&counter_lock);
  return value;
}

static px_tensor *make_f32(const int64_t *shape, size_t rank, const float *values) {
  size_t count = 1;
  for (size_t i = 0; i < rank; i++) count *= (size_t)shape[i];
  px_tensor *tensor = NULL;
  if (px_tensor_create(PX_DTYPE_FLOAT32, shape, rank, values, count * sizeof(float), &tensor)
      != PX_STATUS_OK)
    return NULL;
  return tensor;
}

static px_tensor *make_i32(const int64_t *shape, size_t rank, const int32_t *values) {
  size_t count = 1;
  for (size_t i = 0; i < rank; i++) count *= (size_t)shape[i];
  px_tensor *tensor = NULL;
  if (px_tensor_create(PX_DTYPE_INT32, shape, rank, values, count * sizeof(int32_t), &tensor)
      != PX_STATUS_OK)
    return NULL;
  return tensor;
}

static px_tensor *vector_f32(size_t count, const float *values) {
  int64_t shape[1] = {(int64_t)count};
  return make_f32(shape, 1, values);
}

/* Copies a float32 tensor's values into `out` (capacity floats); returns the count or 0. */
static size_t read_f32(const px_tensor *tensor, float *out, size_t capacity) {
  size_t count = 0;
  int32_t dtype = -1;
  if (tensor == NULL || px_tensor_dtype(tensor, &dtype) != PX_STATUS_OK
      || dtype != PX_DTYPE_FLOAT32 || px_tensor_element_count(tensor, &count) != PX_STATUS_OK
      || count > capacity
      || px_tensor_copy_to(tensor, out, capacity * sizeof(float)) != PX_STATUS_OK)
    return 0;
  return count;
}

/* Whether the tensor has exactly this shape. */
static int has_shape(const px_tensor *tensor, const int64_t *shape, size_t rank) {
  size_t actual_rank = 99;
  int64_t dims[PX_MAX_RANK];
  if (tensor == NULL || px_tensor_rank(tensor, &actual_rank) != PX_STATUS_OK
      || actual_rank != rank || px_tensor_shape(tensor, dims, PX_MAX_RANK) != PX_STATUS_OK)
    return 0;
  for (size_t i = 0; i < rank; i++)
    if (dims[i] != shape[i]) return 0;
  return 1;
}

static int close_to(double a, double b, double tolerance) {
  return fabs(a - b) <= tolerance * (1.0 + fabs(b));
}

/* `depth` opening brackets, `middle`, then `depth` closing ones: a JSON nesting bomb. */
static char *nested_json(size_t depth, char open, const char *middle, char close) {
  size_t middle_length = strlen(middle);
  char *text = malloc(2 * depth + middle_length + 1);
  if (text == NULL) return NULL;
  memset(text, open, depth);
  memcpy(text + depth, middle, middle_length);
  memset(text + depth + middle_length, close, depth);
  text[2 * depth + middle_length] = '\0';
  return text;
}

/* A Sequential JSON nested in itself `depth` times: {"class_name": "Sequential", "config":
 * {"layers": [ ...the same... ]}}. */
static char *self_nested_model_json(size_t depth) {
  static const char open[] = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [";
  static const char close[] = "]}}";
  size_t size = depth * (sizeof open - 1 + sizeof close - 1) + 1;
  char *text = malloc(size);
  if (text == NULL) return NULL;
  char *at = text;
  for (size_t i = 0; i < depth; i++, at += sizeof open - 1) memcpy(at, open, sizeof open - 1);
  for (size_t i = 0; i < depth; i++, at += sizeof close - 1) memcpy(at, close, sizeof close - 1);
  *at = '\0';
  return text;
}

/* A string that is not UTF-8: a lone continuation byte, an overlong NUL and a truncated
 * sequence. */
static const char NOT_UTF8[] = "bad\x80name\xc0\x80\xe2\x82";

/* Bytes that are no handle at all: a forged pointer to readable memory. */
static unsigned char forged_bytes[256];

/* ---------------------------------------------------------------------------------------------
 * The learnable problem: 256 points in [-1, 1]^2, labelled by the side of the line x0 + x1 = 0
 * ------------------------------------------------------------------------------------------- */

#define SAMPLES 256
#define FEATURES 2
#define HIDDEN 16
#define CLASSES 2

static float xs[SAMPLES * FEATURES];
static int32_t ys[SAMPLES];

static void make_problem(void) {
  uint32_t state = 12345u;
  for (int i = 0; i < SAMPLES; i++) {
    for (int j = 0; j < FEATURES; j++) {
      state = state * 1664525u + 1013904223u;
      xs[i * FEATURES + j] = (float)((state >> 8) / 16777216.0 * 2.0 - 1.0);
    }
    ys[i] = xs[i * FEATURES] + xs[i * FEATURES + 1] > 0 ? 1 : 0;
  }
}

static const char *MLP_JSON =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"json_mlp\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"dtype\": "
    "\"float32\", \"name\": \"features\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"hidden\", \"units\": 16, "
    "\"activation\": \"relu\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"logits\", \"units\": 2}}]}}";

static const char *ADAM_JSON = "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.02}}";
static const char *SCCE_LOGITS_JSON =
    "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"from_logits\": true}}";

/* The model of the layer-by-layer happy path: Input(2) -> Dense(16, relu) -> Dense(2, softmax). */
static px_model *make_sequential_by_layers(const char *name) {
  px_model *model = NULL;
  px_layer *hidden = NULL, *output = NULL;
  int64_t input_shape[1] = {FEATURES};
  if (px_model_create_sequential(name, &model) != PX_STATUS_OK) return NULL;
  if (px_model_add_input(model, input_shape, 1, PX_DTYPE_FLOAT32) != PX_STATUS_OK
      || px_layer_create("Dense", "{\"units\": 16, \"activation\": \"relu\"}", &hidden)
             != PX_STATUS_OK
      || px_model_add(model, hidden) != PX_STATUS_OK
      || px_layer_create("Dense", "{\"units\": 2, \"activation\": \"softmax\"}", &output)
             != PX_STATUS_OK
      || px_model_add(model, output) != PX_STATUS_OK) {
    px_layer_release(hidden);
    px_layer_release(output);
    px_model_release(model);
    return NULL;
  }
  px_layer_release(hidden);
  px_layer_release(output);
  return model;
}

/* The JSON model, compiled with JSON configs (Adam 0.02, from_logits cross-entropy). */
static px_model *make_json_model(void) {
  px_model *model = NULL;
  const char *metrics[1] = {"accuracy"};
  if (px_model_from_json(MLP_JSON, &model) != PX_STATUS_OK) return NULL;
  if (px_model_compile(model, ADAM_JSON, SCCE_LOGITS_JSON, metrics, 1) != PX_STATUS_OK) {
    px_model_release(model);
    return NULL;
  }
  return model;
}

/* ---------------------------------------------------------------------------------------------
 * Section: versions, errors, backends and process-wide settings
 * ------------------------------------------------------------------------------------------- */

static void section_basics(void) {
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

/* ---------------------------------------------------------------------------------------------
 * Section: tensors
 * ------------------------------------------------------------------------------------------- */

static void section_tensors(void) {
  px_status st;
  const float values[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape23[2] = {2, 3};
  px_tensor *out = SENTINEL_TENSOR;

  /* px_tensor_create: hostile */
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, sizeof values, NULL);
  expect(st, IA_, 1, "px_tensor_create|out_tensor", "px_tensor_create(out NULL) fails");
  int32_t bad_dtypes[4] = {-1, 7, INT32_MAX, INT32_MIN};
  for (int i = 0; i < 4; i++) {
    st = px_tensor_create(bad_dtypes[i], shape23, 2, values, sizeof values, &out);
    expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|dtype",
           "px_tensor_create(dtype %ld) fails, out untouched", (long)bad_dtypes[i]);
  }
  st = px_tensor_create(PX_DTYPE_FLOAT32, NULL, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|shape",
         "px_tensor_create(shape NULL, rank 2) fails");
  const int64_t negative[2] = {2, -3};
  st = px_tensor_create(PX_DTYPE_FLOAT32, negative, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|shape|dim|negative",
         "px_tensor_create(dims {2, -3}) fails");
  const int64_t min_dim[1] = {INT64_MIN};
  st = px_tensor_create(PX_DTYPE_FLOAT32, min_dim, 1, NULL, 0, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|shape|dim|negative",
         "px_tensor_create(dims {INT64_MIN}) fails");
  const int64_t overflow[2] = {INT64_MAX, 2};
  st = px_tensor_create(PX_DTYPE_FLOAT32, overflow, 2, NULL, 0, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|overflow|shape|too large",
         "px_tensor_create(dims {INT64_MAX, 2}: the element count overflows) fails");
  const int64_t overflow2[2] = {(int64_t)1 << 32, (int64_t)1 << 32};
  st = px_tensor_create(PX_DTYPE_FLOAT32, overflow2, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|overflow|shape|too large",
         "px_tensor_create(dims {2^32, 2^32}: the element count overflows) fails");
  const int64_t byte_overflow[1] = {INT64_MAX / 2};
  st = px_tensor_create(PX_DTYPE_FLOAT32, byte_overflow, 1, NULL, 0, &out);
  expect(st, IA_ | OOM_, out == SENTINEL_TENSOR, "px_tensor_create|overflow|memory|too large",
         "px_tensor_create(dims {INT64_MAX/2} float32: the byte size overflows) fails");
  const int64_t overflow3[3] = {(int64_t)1 << 40, 0, (int64_t)1 << 40};
  st = px_tensor_create(PX_DTYPE_FLOAT32, overflow3, 3, NULL, 0, &out);
  expect(st, OK_ | IA_, 1, NULL,
         "px_tensor_create(dims {2^40, 0, 2^40}) is either an empty tensor or rejected");
  if (st == PX_STATUS_OK) px_tensor_release(out);
  out = SENTINEL_TENSOR;
  const int64_t huge[1] = {(int64_t)1 << 40};
  st = px_tensor_create(PX_DTYPE_FLOAT32, huge, 1, NULL, 0, &out);
  expect(st, OOM_, out == SENTINEL_TENSOR, "px_tensor_create|memory",
         "px_tensor_create(zero-filled 4 TiB) fails with PX_STATUS_OUT_OF_MEMORY");
  int64_t ones[PX_MAX_RANK + 1];
  for (int i = 0; i <= PX_MAX_RANK; i++) ones[i] = 1;
  float one = 1;
  st = px_tensor_create(PX_DTYPE_FLOAT32, ones, PX_MAX_RANK + 1, &one, sizeof one, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|rank",
         "px_tensor_create(rank PX_MAX_RANK + 1) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, ones, SIZE_MAX, &one, sizeof one, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|rank",
         "px_tensor_create(rank SIZE_MAX) fails without reading the shape");
  st = px_tensor_create(PX_DTYPE_FLOAT32, ones, PX_MAX_RANK, &one, sizeof one, &out);
  expect(st, OK_, has_shape(out, ones, PX_MAX_RANK), NULL,
         "px_tensor_create(rank PX_MAX_RANK) is allowed");
  if (st == PX_STATUS_OK) px_tensor_release(out);
  out = SENTINEL_TENSOR;
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, sizeof values - 4, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(byte_size too small) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, sizeof values + 4, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(byte_size too large) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, SIZE_MAX, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(byte_size SIZE_MAX) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, NULL, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|data",
         "px_tensor_create(data NULL, byte_size 24) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT64, shape23, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(float64 with a float32 byte size) fails");

  /* px_tensor_create: happy */
  float source[6] = {1, 2, 3, 4, 5, 6};
  px_tensor *t = NULL;
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, source, sizeof source, &t);
  expect(st, OK_, t != NULL, NULL, "px_tensor_create(2x3 float32)");
  source[0] = 100; /* the tensor holds a copy */
  int32_t dtype = -1;
  size_t rank = 99, count = 99, bytes = 99;
  int64_t dims[4] = {-9, -9, -9, -9};
  float copy[6] = {0};
  void *data = NULL;
  check(px_tensor_dtype(t, &dtype) == PX_STATUS_OK && dtype == PX_DTYPE_FLOAT32,
        "px_tensor_dtype reads float32");
  check(px_tensor_rank(t, &rank) == PX_STATUS_OK && rank == 2, "px_tensor_rank reads 2");
  check(px_tensor_shape(t, dims, 4) == PX_STATUS_OK && dims[0] == 2 && dims[1] == 3
            && dims[2] == -9,
        "px_tensor_shape reads {2, 3} and writes only rank values");
  check(px_tensor_element_count(t, &count) == PX_STATUS_OK && count == 6,
        "px_tensor_element_count reads 6");
  check(px_tensor_byte_size(t, &bytes) == PX_STATUS_OK && bytes == 24, "px_tensor_byte_size reads 24");
  check(px_tensor_copy_to(t, copy, sizeof copy) == PX_STATUS_OK && copy[0] == 1 && copy[5] == 6,
        "px_tensor_copy_to copies the values made at creation (a copy of the caller's)");
  check(px_tensor_data(t, &data) == PX_STATUS_OK && data != NULL && ((float *)data)[4] == 5,
        "px_tensor_data points at the values");
  if (data != NULL) {
    ((float *)data)[4] = 50;
    check(px_tensor_copy_to(t, copy, sizeof copy) == PX_STATUS_OK && copy[4] == 50,
          "writing through px_tensor_data changes the tensor");
  }

  /* getters: hostile out-parameters and capacities */
  st = px_tensor_dtype(t, NULL);
  expect(st, IA_, 1, "px_tensor_dtype", "px_tensor_dtype(out NULL) fails");
  st = px_tensor_rank(t, NULL);
  expect(st, IA_, 1, "px_tensor_rank", "px_tensor_rank(out NULL) fails");
  st = px_tensor_element_count(t, NULL);
  expect(st, IA_, 1, "px_tensor_element_count", "px_tensor_element_count(out NULL) fails");
  st = px_tensor_byte_size(t, NULL);
  expect(st, IA_, 1, "px_tensor_byte_size", "px_tensor_byte_size(out NULL) fails");
  st = px_tensor_data(t, NULL);
  expect(st, IA_, 1, "px_tensor_data", "px_tensor_data(out NULL) fails");
  dims[0] = -9;
  st = px_tensor_shape(t, dims, 1);
  expect(st, IA_, dims[0] == -9, "px_tensor_shape|capacity",
         "px_tensor_shape(capacity 1 < rank 2) fails, dims untouched");
  st = px_tensor_shape(t, NULL, 2);
  expect(st, IA_, 1, "px_tensor_shape|dims", "px_tensor_shape(dims NULL) fails");
  st = px_tensor_shape(t, NULL, 0);
  expect(st, IA_, 1, "px_tensor_shape|dims|capacity", "px_tensor_shape(NULL, 0) on rank 2 fails");
  float small_copy[6] = {-1, -1, -1, -1, -1, -1};
  st = px_tensor_copy_to(t, small_copy, sizeof small_copy - 1);
  expect(st, IA_, small_copy[0] == -1, "px_tensor_copy_to|capacity",
         "px_tensor_copy_to(capacity 23 < 24) fails, buffer untouched");
  st = px_tensor_copy_to(t, NULL, 24);
  expect(st, IA_, 1, "px_tensor_copy_to|buffer", "px_tensor_copy_to(buffer NULL) fails");
  st = px_tensor_copy_to(t, small_copy, SIZE_MAX);
  expect(st, OK_, small_copy[5] == 6, NULL, "px_tensor_copy_to(capacity SIZE_MAX) copies 24 bytes");
  st = px_tensor_retain(NULL);
  expect(st, IA_, 1, "px_tensor_retain", "px_tensor_retain(NULL) fails");

  /* scalars, empty tensors, zero fill, every dtype */
  px_tensor *scalar = NULL;
  double pi = 3.25;
  st = px_tensor_create(PX_DTYPE_FLOAT64, NULL, 0, &pi, sizeof pi, &scalar);
  expect(st, OK_,
         px_tensor_rank(scalar, &rank) == PX_STATUS_OK && rank == 0
             && px_tensor_element_count(scalar, &count) == PX_STATUS_OK && count == 1,
         NULL, "a rank-0 float64 scalar (shape NULL) has one element");
  st = px_tensor_shape(scalar, NULL, 0);
  expect(st, OK_, 1, NULL, "px_tensor_shape(NULL, 0) of a scalar succeeds");
  px_tensor_release(scalar);
  const int64_t empty_shape[2] = {0, 3};
  px_tensor *empty = NULL;
  st = px_tensor_create(PX_DTYPE_FLOAT32, empty_shape, 2, NULL, 0, &empty);
  data = NULL;
  expect(st, OK_,
         px_tensor_element_count(empty, &count) == PX_STATUS_OK && count == 0
             && px_tensor_data(empty, &data) == PX_STATUS_OK && data != NULL,
         NULL, "an empty 0x3 tensor has no elements and a non-NULL data pointer");
  char nothing = 'n';
  st = px_tensor_copy_to(empty, &nothing, 0);
  expect(st, OK_, nothing == 'n', NULL, "px_tensor_copy_to of an empty tensor with capacity 0");
  px_tensor_release(empty);
  px_tensor *zeros = NULL;
  const int64_t shape22[2] = {2, 2};
  float zero_values[4] = {9, 9, 9, 9};
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape22, 2, NULL, 0, &zeros);
  expect(st, OK_,
         read_f32(zeros, zero_values, 4) == 4 && zero_values[0] == 0 && zero_values[3] == 0, NULL,
         "px_tensor_create(data NULL, byte_size 0) makes a zero-filled 2x2 tensor");
  px_tensor_release(zeros);
  static const size_t sizes[7] = {4, 8, 4, 8, 1, 1, 2};
  for (int32_t d = 0; d < 7; d++) {
    unsigned char bytes16[16] = {0};
    px_tensor *typed = NULL;
    const int64_t two[1] = {2};
    size_t size = 0;
    int32_t read_dtype = -1;
    st = px_tensor_create(d, two, 1, bytes16, 2 * sizes[d], &typed);
    expect(st, OK_,
           px_tensor_byte_size(typed, &size) == PX_STATUS_OK && size == 2 * sizes[d]
               && px_tensor_dtype(typed, &read_dtype) == PX_STATUS_OK && read_dtype == d,
           NULL, "dtype %d: two elements take %zu bytes", (int)d, 2 * sizes[d]);
    px_tensor_release(typed);
  }

  /* retain / release */
  st = px_tensor_retain(t);
  expect(st, OK_, 1, NULL, "px_tensor_retain");
  px_tensor_release(t);
  check(px_tensor_dtype(t, &dtype) == PX_STATUS_OK, "one release after a retain keeps the tensor");
  px_tensor_release(t);
  dtype = 77;
  st = px_tensor_dtype(t, &dtype);
  expect(st, IA_, dtype == 77, "px_tensor_dtype|released|handle|tensor",
         "the last release ends the tensor: px_tensor_dtype(released) fails");
  px_tensor_release(t); /* a released handle: does nothing */
  px_tensor_release(NULL);
  check(1, "px_tensor_release accepts NULL and released handles");

  /* a released token is not reused for the next tensor */
  px_tensor *first = vector_f32(6, values);
  px_tensor *stale = first;
  px_tensor_release(first);
  px_tensor *second = vector_f32(6, values);
  dtype = 77;
  st = px_tensor_dtype(stale, &dtype);
  expect(st, IA_, dtype == 77, "px_tensor_dtype|released|handle",
         "a released handle stays invalid after the next create (tokens are not reused)");
  px_tensor_release(stale);
  check(px_tensor_dtype(second, &dtype) == PX_STATUS_OK,
        "releasing the stale handle again does not release the new tensor");
  px_tensor_release(second);

  /* px_tensor_create_view: hostile; the deleter is never called on failure */
  int view_deletes = 0;
  float *view_data = malloc(sizeof values);
  memcpy(view_data, values, sizeof values);
  out = SENTINEL_TENSOR;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, NULL);
  expect(st, IA_, 1, "px_tensor_create_view|out_tensor", "px_tensor_create_view(out NULL) fails");
  st = px_tensor_create_view(7, shape23, 2, view_data, sizeof values, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|dtype",
         "px_tensor_create_view(dtype 7) fails");
  st = px_tensor_create_view(-1, shape23, 2, view_data, sizeof values, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|dtype",
         "px_tensor_create_view(dtype -1) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, NULL, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|shape",
         "px_tensor_create_view(shape NULL) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, negative, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|shape|dim|negative",
         "px_tensor_create_view(dims {2, -3}) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, overflow, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|overflow|shape|byte_size",
         "px_tensor_create_view(dims {INT64_MAX, 2}) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, ones, PX_MAX_RANK + 1, view_data, 4,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|rank",
         "px_tensor_create_view(rank 33) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, 20, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|byte_size",
         "px_tensor_create_view(byte_size 20 for 24 bytes) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, NULL, sizeof values, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|data",
         "px_tensor_create_view(data NULL) fails");
  const int64_t five[1] = {5};
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, five, 1, (char *)view_data + 1, 20,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|align",
         "px_tensor_create_view(float32 data at an odd address) fails");
  check(read_counter(&view_deletes) == 0, "no failed px_tensor_create_view called the deleter");

  /* px_tensor_create_view: happy; the deleter runs once, after the last release */
  px_tensor *view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             freeing_deleter, &view_deletes, &view);
  data = NULL;
  expect(st, OK_, px_tensor_data(view, &data) == PX_STATUS_OK && data == view_data, NULL,
         "px_tensor_create_view shares the caller's memory");
  check(px_tensor_retain(view) == PX_STATUS_OK && px_tensor_retain(view) == PX_STATUS_OK,
        "two retains of the view");
  px_tensor_release(view);
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 0, "the deleter waits while a reference is left");
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 1, "the last release calls the deleter once");
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 1, "releasing a released view does not call it again");

  int null_deleter_calls = 0;
  float local[2] = {7, 8};
  const int64_t two[1] = {2};
  px_tensor *plain_view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, two, 1, local, sizeof local, NULL, NULL,
                             &plain_view);
  expect(st, OK_, 1, NULL, "px_tensor_create_view without a deleter");
  local[1] = 80;
  float read_back[2] = {0, 0};
  check(read_f32(plain_view, read_back, 2) == 2 && read_back[1] == 80,
        "a view reads the caller's memory as it is now");
  px_tensor_release(plain_view);
  check(null_deleter_calls == 0, "a view without a deleter releases cleanly");
}

/* ---------------------------------------------------------------------------------------------
 * Section: DLPack export and import
 * ------------------------------------------------------------------------------------------- */

/* A DLManagedTensorVersioned the test owns, with a deleter that counts. */
typedef struct {
  struct DLManagedTensorVersioned managed;
  int64_t shape[PX_MAX_RANK + 2];
  int64_t strides[PX_MAX_RANK + 2];
  int deletes;
  int wrong_self;
} versioned_box;

typedef struct {
  DLManagedTensor managed;
  int64_t shape[4];
  int deletes;
  int wrong_self;
} legacy_box;

static void versioned_deleter(struct DLManagedTensorVersioned *self) {
  versioned_box *box = self->manager_ctx;
  pthread_mutex_lock(&counter_lock);
  box->deletes++;
  if (self != &box->managed) box->wrong_self++;
  pthread_mutex_unlock(&counter_lock);
}

static void legacy_deleter(DLManagedTensor *self) {
  legacy_box *box = self->manager_ctx;
  pthread_mutex_lock(&counter_lock);
  box->deletes++;
  if (self != &box->managed) box->wrong_self++;
  pthread_mutex_unlock(&counter_lock);
}

/* A 2x3 float32 CPU tensor over `data`, NULL strides. */
static void box_init(versioned_box *box, void *data) {
  memset(box, 0, sizeof *box);
  box->managed.version.major = DLPACK_MAJOR_VERSION;
  box->managed.version.minor = DLPACK_MINOR_VERSION;
  box->managed.manager_ctx = box;
  box->managed.deleter = versioned_deleter;
  box->managed.flags = 0;
  box->shape[0] = 2;
  box->shape[1] = 3;
  box->managed.dl_tensor.data = data;
  box->managed.dl_tensor.device.device_type = kDLCPU;
  box->managed.dl_tensor.device.device_id = 0;
  box->managed.dl_tensor.ndim = 2;
  box->managed.dl_tensor.dtype.code = kDLFloat;
  box->managed.dl_tensor.dtype.bits = 32;
  box->managed.dl_tensor.dtype.lanes = 1;
  box->managed.dl_tensor.shape = box->shape;
  box->managed.dl_tensor.strides = NULL;
  box->managed.dl_tensor.byte_offset = 0;
}

/* Imports a box that must be rejected: the status, out untouched, the deleter not called. */
static void expect_import_rejected(versioned_box *box, unsigned expected, const char *what) {
  px_tensor *out = SENTINEL_TENSOR;
  px_status st = px_tensor_from_dlpack(&box->managed, &out);
  expect(st, expected, out == SENTINEL_TENSOR && read_counter(&box->deletes) == 0,
         "px_tensor_from_dlpack", "px_tensor_from_dlpack rejects %s (deleter not called)", what);
  if (st == PX_STATUS_OK) px_tensor_release(out);
}

static void section_dlpack(void) {
  px_status st;
  const float values[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape23[2] = {2, 3};

  /* export */
  px_tensor *t = make_f32(shape23, 2, values);
  struct DLManagedTensorVersioned *m = SENTINEL_MANAGED;
  st = px_tensor_to_dlpack(t, NULL);
  expect(st, IA_, 1, "px_tensor_to_dlpack|out_managed", "px_tensor_to_dlpack(out NULL) fails");
  void *t_data = NULL;
  check(px_tensor_data(t, &t_data) == PX_STATUS_OK, "px_tensor_data of the tensor to export");
  st = px_tensor_to_dlpack(t, &m);
  expect(st, OK_, m != SENTINEL_MANAGED && m != NULL, NULL, "px_tensor_to_dlpack");
  if (st == PX_STATUS_OK && m != NULL) {
    DLTensor *dl = &m->dl_tensor;
    check(m->version.major == 1, "the export is DLPack 1.x (version %u.%u)", m->version.major,
          m->version.minor);
    check(dl->device.device_type == kDLCPU && dl->device.device_id == 0, "on kDLCPU, device 0");
    check(dl->ndim == 2 && dl->shape != NULL && dl->shape[0] == 2 && dl->shape[1] == 3,
          "with shape {2, 3}");
    check(dl->strides == NULL || (dl->strides[0] == 3 && dl->strides[1] == 1),
          "with compact row-major strides");
    check(dl->dtype.code == kDLFloat && dl->dtype.bits == 32 && dl->dtype.lanes == 1,
          "with dtype float32");
    check(dl->byte_offset == 0 && dl->data == t_data, "sharing the tensor's memory, offset 0");
    check(m->deleter != NULL, "with a deleter");
    px_tensor_release(t);
    check(((const float *)dl->data)[5] == 6,
          "the export keeps the memory alive after the tensor's release");
    if (m->deleter != NULL) m->deleter(m);
  } else {
    px_tensor_release(t);
  }

  /* export of each dtype */
  static const struct { int32_t dtype; uint8_t code, bits; } codes[7] = {
      {PX_DTYPE_FLOAT32, kDLFloat, 32}, {PX_DTYPE_FLOAT64, kDLFloat, 64},
      {PX_DTYPE_INT32, kDLInt, 32},     {PX_DTYPE_INT64, kDLInt, 64},
      {PX_DTYPE_UINT8, kDLUInt, 8},     {PX_DTYPE_BOOL, kDLBool, 8},
      {PX_DTYPE_BFLOAT16, kDLBfloat, 16}};
  for (int i = 0; i < 7; i++) {
    unsigned char zeros[32] = {0};
    const int64_t three[1] = {3};
    px_tensor *typed = NULL;
    struct DLManagedTensorVersioned *exported = NULL;
    if (px_tensor_create(codes[i].dtype, three, 1, zeros, 3u * codes[i].bits / 8, &typed)
        != PX_STATUS_OK) {
      check(0, "dtype %d: px_tensor_create for the export", (int)codes[i].dtype);
      continue;
    }
    st = px_tensor_to_dlpack(typed, &exported);
    expect(st, OK_,
           exported != NULL && exported->dl_tensor.dtype.code == codes[i].code
               && exported->dl_tensor.dtype.bits == codes[i].bits
               && exported->dl_tensor.dtype.lanes == 1,
           NULL, "dtype %d exports as DLPack code %u, %u bits", (int)codes[i].dtype,
           (unsigned)codes[i].code, (unsigned)codes[i].bits);
    px_tensor_release(typed);
    if (st == PX_STATUS_OK && exported != NULL && exported->deleter != NULL)
      exported->deleter(exported);
  }

  /* export of a view: the view's deleter waits for the export's deleter */
  int view_deletes = 0;
  float *view_data = malloc(sizeof values);
  memcpy(view_data, values, sizeof values);
  px_tensor *view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             freeing_deleter, &view_deletes, &view);
  expect(st, OK_, 1, NULL, "a view to export");
  m = NULL;
  st = px_tensor_to_dlpack(view, &m);
  expect(st, OK_, m != NULL && m->dl_tensor.data == view_data, NULL,
         "the export of a view shares the caller's memory");
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 0, "releasing the view while exported: no deleter yet");
  if (m != NULL && m->deleter != NULL) m->deleter(m);
  check(read_counter(&view_deletes) == 1, "the export's deleter ends the view: deleter once");

  /* import */
  versioned_box box;
  float import_data[6] = {1, 2, 3, 4, 5, 6};
  box_init(&box, import_data);
  px_tensor *imported = SENTINEL_TENSOR;
  st = px_tensor_from_dlpack(NULL, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR, "px_tensor_from_dlpack|managed",
         "px_tensor_from_dlpack(NULL) fails");
  st = px_tensor_from_dlpack(&box.managed, NULL);
  expect(st, IA_, read_counter(&box.deletes) == 0, "px_tensor_from_dlpack|out_tensor",
         "px_tensor_from_dlpack(out NULL) fails and leaves the tensor to the caller");
  st = px_tensor_from_dlpack(&box.managed, &imported);
  void *imported_data = NULL;
  int32_t dtype = -1;
  expect(st, OK_,
         imported != SENTINEL_TENSOR && px_tensor_data(imported, &imported_data) == PX_STATUS_OK
             && imported_data == (void *)import_data && has_shape(imported, shape23, 2)
             && px_tensor_dtype(imported, &dtype) == PX_STATUS_OK && dtype == PX_DTYPE_FLOAT32,
         NULL, "px_tensor_from_dlpack imports without a copy (same data pointer, shape, dtype)");
  check(read_counter(&box.deletes) == 0, "the imported tensor's deleter waits for its release");
  if (st == PX_STATUS_OK) {
    check(px_tensor_retain(imported) == PX_STATUS_OK, "retain the imported tensor");
    px_tensor_release(imported);
    check(read_counter(&box.deletes) == 0, "a reference left: still no deleter");
    px_tensor_release(imported);
  }
  check(read_counter(&box.deletes) == 1 && box.wrong_self == 0,
        "the last release calls the DLPack deleter once, with the managed tensor itself");

  box_init(&box, import_data);
  box.strides[0] = 3;
  box.strides[1] = 1;
  box.managed.dl_tensor.strides = box.strides;
  box.managed.flags = DLPACK_FLAG_BITMASK_READ_ONLY;
  box.managed.dl_tensor.device.device_type = kDLCUDAHost;
  imported = NULL;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  expect(st, OK_, 1, NULL,
         "px_tensor_from_dlpack accepts explicit compact strides, read-only, kDLCUDAHost");
  px_tensor_release(imported);
  check(read_counter(&box.deletes) == 1, "and calls its deleter once");

  box_init(&box, import_data);
  box.managed.deleter = NULL;
  imported = NULL;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  expect(st, OK_, 1, NULL, "px_tensor_from_dlpack accepts a NULL deleter (nothing to clean up)");
  px_tensor_release(imported);

  box_init(&box, import_data);
  box.managed.dl_tensor.byte_offset = 2 * sizeof(float);
  box.shape[0] = 1;
  box.shape[1] = 4;
  imported = NULL;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  imported_data = NULL;
  expect(st, OK_ | IA_ | UNSUP_,
         st != PX_STATUS_OK
             || (px_tensor_data(imported, &imported_data) == PX_STATUS_OK
                 && imported_data == (void *)(import_data + 2)),
         NULL, "a byte_offset is either honoured (data + offset) or rejected");
  if (st == PX_STATUS_OK) px_tensor_release(imported);

  /* dtypes in */
  static const struct { uint8_t code, bits; int32_t dtype; } in_codes[6] = {
      {kDLFloat, 64, PX_DTYPE_FLOAT64}, {kDLInt, 32, PX_DTYPE_INT32}, {kDLInt, 64, PX_DTYPE_INT64},
      {kDLUInt, 8, PX_DTYPE_UINT8},     {kDLBool, 8, PX_DTYPE_BOOL},  {kDLBfloat, 16, PX_DTYPE_BFLOAT16}};
  double wide[6] = {0};
  for (int i = 0; i < 6; i++) {
    box_init(&box, wide);
    box.managed.dl_tensor.dtype.code = in_codes[i].code;
    box.managed.dl_tensor.dtype.bits = in_codes[i].bits;
    imported = NULL;
    dtype = -1;
    st = px_tensor_from_dlpack(&box.managed, &imported);
    expect(st, OK_, px_tensor_dtype(imported, &dtype) == PX_STATUS_OK && dtype == in_codes[i].dtype,
           NULL, "DLPack code %u, %u bits imports as dtype %d", (unsigned)in_codes[i].code,
           (unsigned)in_codes[i].bits, (int)in_codes[i].dtype);
    px_tensor_release(imported);
  }

  /* rejected imports */
  box_init(&box, import_data);
  box.managed.dl_tensor.device.device_type = kDLCUDA;
  expect_import_rejected(&box, IA_ | UNSUP_, "kDLCUDA memory");
  box_init(&box, import_data);
  box.managed.dl_tensor.device.device_type = (DLDeviceType)999;
  expect_import_rejected(&box, IA_ | UNSUP_, "device type 999");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.code = kDLComplex;
  box.managed.dl_tensor.dtype.bits = 64;
  expect_import_rejected(&box, IA_ | UNSUP_, "complex64");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.bits = 16;
  expect_import_rejected(&box, IA_ | UNSUP_, "float16");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.code = kDLInt;
  box.managed.dl_tensor.dtype.bits = 8;
  expect_import_rejected(&box, IA_ | UNSUP_, "int8");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.bits = 0;
  expect_import_rejected(&box, IA_ | UNSUP_, "a 0-bit dtype");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.code = 200;
  expect_import_rejected(&box, IA_ | UNSUP_, "dtype code 200");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.lanes = 4;
  expect_import_rejected(&box, IA_ | UNSUP_, "4 lanes");
  box_init(&box, import_data);
  box.strides[0] = 1;
  box.strides[1] = 2;
  box.managed.dl_tensor.strides = box.strides;
  expect_import_rejected(&box, IA_ | UNSUP_, "column-major strides {1, 2}");
  box_init(&box, import_data);
  box.strides[0] = 6;
  box.strides[1] = 2;
  box.managed.dl_tensor.strides = box.strides;
  expect_import_rejected(&box, IA_ | UNSUP_, "strided {6, 2}");
  box_init(&box, import_data);
  box.strides[0] = -3;
  box.strides[1] = 1;
  box.managed.dl_tensor.strides = box.strides;
  expect_import_rejected(&box, IA_ | UNSUP_, "negative strides {-3, 1}");
  box_init(&box, import_data);
  box.managed.dl_tensor.ndim = -1;
  expect_import_rejected(&box, IA_, "ndim -1");
  box_init(&box, import_data);
  box.managed.dl_tensor.ndim = INT32_MIN;
  expect_import_rejected(&box, IA_, "ndim INT32_MIN");
  box_init(&box, import_data);
  for (int i = 0; i < PX_MAX_RANK + 1; i++) box.shape[i] = 1;
  box.managed.dl_tensor.ndim = PX_MAX_RANK + 1;
  expect_import_rejected(&box, IA_ | UNSUP_, "ndim 33");
  box_init(&box, import_data);
  box.managed.dl_tensor.shape = NULL;
  expect_import_rejected(&box, IA_, "shape NULL with ndim 2");
  box_init(&box, import_data);
  box.shape[1] = -3;
  expect_import_rejected(&box, IA_, "a negative dim");
  box_init(&box, import_data);
  box.shape[0] = INT64_MAX;
  expect_import_rejected(&box, IA_, "dims {INT64_MAX, 3} (overflow)");
  box_init(&box, NULL);
  expect_import_rejected(&box, IA_, "data NULL with 6 elements");
  box_init(&box, (char *)import_data + 1);
  expect_import_rejected(&box, IA_, "float32 data at an odd address");
  box_init(&box, import_data);
  box.managed.version.major = 2;
  expect_import_rejected(&box, IA_ | UNSUP_, "DLPack major version 2");
  box_init(&box, import_data);
  box.managed.version.major = 0;
  expect_import_rejected(&box, IA_ | UNSUP_, "a versioned tensor saying major version 0");

  /* round trip: export, import, one memory, deleters in order */
  view_deletes = 0;
  view_data = malloc(sizeof values);
  memcpy(view_data, values, sizeof values);
  view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             freeing_deleter, &view_deletes, &view);
  m = NULL;
  px_tensor *round = NULL;
  void *round_data = NULL;
  if (st == PX_STATUS_OK && px_tensor_to_dlpack(view, &m) == PX_STATUS_OK) {
    st = px_tensor_from_dlpack(m, &round);
    expect(st, OK_,
           px_tensor_data(round, &round_data) == PX_STATUS_OK && round_data == (void *)view_data,
           NULL, "export then import shares the data pointer");
    if (st != PX_STATUS_OK && m->deleter != NULL) m->deleter(m);
  } else {
    check(0, "export then import: the view or its export failed");
  }
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 0, "the round trip's tensor keeps the memory alive");
  float round_values[6] = {0};
  check(read_f32(round, round_values, 6) == 6 && round_values[5] == 6,
        "and reads the values after the original's release");
  px_tensor_release(round);
  check(read_counter(&view_deletes) == 1, "releasing the imported tensor ends it all: deleter once");

  /* legacy import */
  legacy_box legacy;
  memset(&legacy, 0, sizeof legacy);
  legacy.shape[0] = 2;
  legacy.shape[1] = 3;
  legacy.managed.dl_tensor.data = import_data;
  legacy.managed.dl_tensor.device.device_type = kDLCPU;
  legacy.managed.dl_tensor.ndim = 2;
  legacy.managed.dl_tensor.dtype.code = kDLFloat;
  legacy.managed.dl_tensor.dtype.bits = 32;
  legacy.managed.dl_tensor.dtype.lanes = 1;
  legacy.managed.dl_tensor.shape = legacy.shape;
  legacy.managed.manager_ctx = &legacy;
  legacy.managed.deleter = legacy_deleter;
  imported = SENTINEL_TENSOR;
  st = px_tensor_from_dlpack_legacy(NULL, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR, "px_tensor_from_dlpack_legacy|managed",
         "px_tensor_from_dlpack_legacy(NULL) fails");
  st = px_tensor_from_dlpack_legacy(&legacy.managed, NULL);
  expect(st, IA_, read_counter(&legacy.deletes) == 0, "px_tensor_from_dlpack_legacy|out_tensor",
         "px_tensor_from_dlpack_legacy(out NULL) fails");
  legacy.managed.dl_tensor.device.device_type = kDLCUDA;
  st = px_tensor_from_dlpack_legacy(&legacy.managed, &imported);
  expect(st, IA_ | UNSUP_, imported == SENTINEL_TENSOR && read_counter(&legacy.deletes) == 0,
         "px_tensor_from_dlpack_legacy", "px_tensor_from_dlpack_legacy rejects kDLCUDA memory");
  legacy.managed.dl_tensor.device.device_type = kDLCPU;
  legacy.managed.dl_tensor.ndim = -5;
  st = px_tensor_from_dlpack_legacy(&legacy.managed, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR && read_counter(&legacy.deletes) == 0,
         "px_tensor_from_dlpack_legacy", "px_tensor_from_dlpack_legacy rejects ndim -5");
  legacy.managed.dl_tensor.ndim = 2;
  st = px_tensor_from_dlpack_legacy(&legacy.managed, &imported);
  imported_data = NULL;
  expect(st, OK_,
         px_tensor_data(imported, &imported_data) == PX_STATUS_OK
             && imported_data == (void *)import_data && has_shape(imported, shape23, 2),
         NULL, "px_tensor_from_dlpack_legacy imports without a copy");
  check(read_counter(&legacy.deletes) == 0, "the legacy deleter waits for the release");
  if (st == PX_STATUS_OK) px_tensor_release(imported);
  check(read_counter(&legacy.deletes) == 1 && legacy.wrong_self == 0,
        "the last release calls the legacy deleter once, with the managed tensor itself");
}

/* ---------------------------------------------------------------------------------------------
 * Section: keras.ops by name
 * ------------------------------------------------------------------------------------------- */

/* Runs a one-output op; NULL on failure (then a check reports it). */
static px_tensor *run_op(const char *name, const px_tensor *const *inputs, size_t count,
                         const char *attributes) {
  px_tensor *outputs[2] = {NULL, NULL};
  size_t produced = 99;
  px_status st = px_ops_call(name, inputs, count, attributes, outputs, 2, &produced);
  if (st != PX_STATUS_OK || produced != 1) {
    check(0, "px_ops_call(\"%s\") succeeds with one output (status %d, %zu outputs)", name,
          (int)st, produced);
    if (st == PX_STATUS_OK)
      for (size_t i = 0; i < produced && i < 2; i++) px_tensor_release(outputs[i]);
    return NULL;
  }
  return outputs[0];
}

/* Checks a float32 result against `expected`, with its shape; releases it. */
static void check_op(px_tensor *result, const int64_t *shape, size_t rank, const float *expected,
                     size_t count, const char *what) {
  float actual[64];
  int passed = result != NULL && has_shape(result, shape, rank)
               && read_f32(result, actual, 64) == count;
  for (size_t i = 0; passed && i < count; i++)
    if (!close_to(actual[i], expected[i], 1e-5)) passed = 0;
  check(passed, "px_ops_call: %s", what);
  px_tensor_release(result);
}

/* Reads an integer result of dtype int32 or int64 (or bool / uint8) as int64 values. */
static size_t read_ints(const px_tensor *tensor, int64_t *out, size_t capacity) {
  int32_t dtype = -1;
  size_t count = 0;
  void *data = NULL;
  if (tensor == NULL || px_tensor_dtype(tensor, &dtype) != PX_STATUS_OK
      || px_tensor_element_count(tensor, &count) != PX_STATUS_OK || count > capacity
      || px_tensor_data(tensor, &data) != PX_STATUS_OK)
    return 0;
  for (size_t i = 0; i < count; i++) {
    switch (dtype) {
      case PX_DTYPE_INT32: out[i] = ((const int32_t *)data)[i]; break;
      case PX_DTYPE_INT64: out[i] = ((const int64_t *)data)[i]; break;
      case PX_DTYPE_UINT8:
      case PX_DTYPE_BOOL: out[i] = ((const uint8_t *)data)[i]; break;
      default: return 0;
    }
  }
  return count;
}

static void section_ops(void) {
  px_status st;
  const float a_values[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape23[2] = {2, 3}, shape32[2] = {3, 2}, shape3[1] = {3};
  px_tensor *a = make_f32(shape23, 2, a_values);
  const float b_values[6] = {1, 0, 0, 1, 1, 1};
  px_tensor *b = make_f32(shape32, 2, b_values);
  const float v_values[3] = {10, 20, 30};
  px_tensor *v = vector_f32(3, v_values);
  const float w_values[4] = {1, 2, 3, 4};
  px_tensor *w = vector_f32(4, w_values);
  px_tensor *outputs[2] = {SENTINEL_TENSOR, SENTINEL_TENSOR};
  size_t produced = SENTINEL_SIZE;
  const px_tensor *pair[2] = {a, v};

  /* hostile */
  st = px_ops_call(NULL, pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE, "px_ops_call|name",
         "px_ops_call(name NULL) fails, outputs and count untouched");
  st = px_ops_call("no_such_op", pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE, "no_such_op",
         "px_ops_call(\"no_such_op\") fails naming it");
  st = px_ops_call(NOT_UTF8, pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|UTF|name",
         "px_ops_call(name not UTF-8) fails");
  st = px_ops_call("add", NULL, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|inputs",
         "px_ops_call(inputs NULL, count 2) fails");
  st = px_ops_call("add", NULL, SIZE_MAX, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|inputs|input_count",
         "px_ops_call(inputs NULL, count SIZE_MAX) fails");
  const px_tensor *with_null[2] = {a, NULL};
  st = px_ops_call("add", with_null, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|input",
         "px_ops_call(an input NULL) fails");
  st = px_ops_call("add", pair, 1, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|add|input",
         "px_ops_call(\"add\", 1 input) fails");
  const px_tensor *three_inputs[3] = {a, a, a};
  st = px_ops_call("negative", three_inputs, 3, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|negative|input",
         "px_ops_call(\"negative\", 3 inputs) fails");
  st = px_ops_call("negative", pair, 1, NULL, NULL, 2, &produced);
  expect(st, IA_, 1, "px_ops_call|outputs", "px_ops_call(outputs NULL) fails");
  st = px_ops_call("negative", pair, 1, NULL, outputs, 0, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE,
         "px_ops_call|capacity|outputs", "px_ops_call(capacity 0) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 1", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|JSON|attributes",
         "px_ops_call(malformed attributes JSON) fails");
  st = px_ops_call("sum", pair, 1, "[1]", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|object|attributes",
         "px_ops_call(attributes not an object) fails");
  st = px_ops_call("sum", pair, 1, "{\"bogus_attribute\": 1}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "bogus_attribute",
         "px_ops_call(unknown attribute) fails naming it");
  st = px_ops_call("sum", pair, 1, "{\"axis\": \"one\"}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis",
         "px_ops_call(\"sum\", axis a string) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 5}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis|sum",
         "px_ops_call(\"sum\", axis 5 of rank 2) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 9223372036854775807}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis|sum",
         "px_ops_call(\"sum\", axis INT64_MAX) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 1e300}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis|sum",
         "px_ops_call(\"sum\", axis 1e300) fails");
  char *deep = nested_json(10000, '[', "1", ']');
  char *deep_attributes = deep == NULL ? NULL : malloc(strlen(deep) + 16);
  if (deep_attributes != NULL) {
    snprintf(deep_attributes, strlen(deep) + 16, "{\"axis\": %s}", deep);
    st = px_ops_call("sum", pair, 1, deep_attributes, outputs, 2, &produced);
    expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|JSON|nest|deep|depth",
           "px_ops_call(attributes nested 10000 deep) fails without a crash");
  }
  free(deep_attributes);
  free(deep);
  const px_tensor *mismatch[2] = {a, w};
  st = px_ops_call("add", mismatch, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|add|shape|broadcast",
         "px_ops_call(\"add\", 2x3 + 4) fails");
  const px_tensor *same[2] = {a, a};
  st = px_ops_call("matmul", same, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|matmul|shape",
         "px_ops_call(\"matmul\", 2x3 @ 2x3) fails");
  st = px_ops_call("reshape", pair, 1, "{\"shape\": [7]}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape",
         "px_ops_call(\"reshape\", 6 elements to [7]) fails");
  st = px_ops_call("reshape", pair, 1, "{\"shape\": [-1, -1]}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape|-1",
         "px_ops_call(\"reshape\", two -1) fails");
  st = px_ops_call("reshape", pair, 1, "{\"shape\": [4294967296, 4294967296]}", outputs, 2,
                   &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape",
         "px_ops_call(\"reshape\", to [2^32, 2^32]) fails");
  st = px_ops_call("reshape", pair, 1, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape",
         "px_ops_call(\"reshape\") without its shape attribute fails");
  st = px_ops_call("transpose", pair, 1, "{\"axes\": [0, 0]}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|transpose|axes",
         "px_ops_call(\"transpose\", axes [0, 0]) fails");
  st = px_ops_call("cast", pair, 1, "{\"dtype\": \"float16\"}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|cast|dtype|float16",
         "px_ops_call(\"cast\", dtype float16) fails");
  st = px_ops_call("softmax", pair, 1, "{\"axis\": 9}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|softmax|axis",
         "px_ops_call(\"softmax\", axis 9) fails");
  st = px_ops_call("clip", pair, 1, "{\"x_min\": \"low\", \"x_max\": 1}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|clip|x_min",
         "px_ops_call(\"clip\", x_min a string) fails");
  st = px_ops_call("concatenate", pair, 0, "{\"axis\": 0}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|concatenate|input",
         "px_ops_call(\"concatenate\", no inputs) fails");
  st = px_ops_call("where", pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|where|input",
         "px_ops_call(\"where\", 2 inputs) fails");
  const int32_t labels[2] = {0, 7};
  const int64_t two[1] = {2};
  px_tensor *indices = make_i32(two, 1, labels);
  const px_tensor *take_inputs[2] = {v, indices};
  st = px_ops_call("take", take_inputs, 2, "{\"axis\": 0}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|take|index|range",
         "px_ops_call(\"take\", index 7 of 3) fails");
  const px_tensor *one_hot_input[1] = {indices};
  st = px_ops_call("one_hot", one_hot_input, 1, "{\"num_classes\": -1}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|one_hot|num_classes",
         "px_ops_call(\"one_hot\", num_classes -1) fails");
  st = px_ops_call("one_hot", one_hot_input, 1, "{\"num_classes\": 9223372036854775807}", outputs,
                   2, &produced);
  expect(st, IA_ | OOM_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|one_hot|num_classes|memory",
         "px_ops_call(\"one_hot\", num_classes INT64_MAX) fails");
  px_tensor_release(indices);

  /* happy */
  const px_tensor *add_inputs[2] = {a, v};
  const float broadcast_sum[6] = {11, 22, 33, 14, 25, 36};
  check_op(run_op("add", add_inputs, 2, NULL), shape23, 2, broadcast_sum, 6,
           "add broadcasts 2x3 + 3");
  produced = 99;
  outputs[0] = NULL;
  st = px_ops_call("add", add_inputs, 2, "{}", outputs, 1, &produced);
  expect(st, OK_, produced == 1 && outputs[0] != NULL, NULL,
         "px_ops_call(capacity 1, attributes \"{}\") writes one output and its count");
  px_tensor_release(outputs[0]);
  outputs[0] = NULL;
  st = px_ops_call("add", add_inputs, 2, NULL, outputs, 1, NULL);
  expect(st, OK_, outputs[0] != NULL, NULL, "px_ops_call(out_count NULL) is allowed");
  check(error_cleared(), "a successful px_ops_call leaves the last error empty");
  px_tensor_release(outputs[0]);
  const px_tensor *mm[2] = {a, b};
  const int64_t shape22[2] = {2, 2};
  const float product[4] = {4, 5, 10, 11};
  check_op(run_op("matmul", mm, 2, NULL), shape22, 2, product, 4, "matmul 2x3 @ 3x2");
  const px_tensor *single[1] = {a};
  const int64_t shape21[2] = {2, 1};
  const float sums[2] = {6, 15};
  check_op(run_op("sum", single, 1, "{\"axis\": 1, \"keepdims\": true}"), shape21, 2, sums, 2,
           "sum axis 1 keepdims");
  const float mean[1] = {3.5f};
  check_op(run_op("mean", single, 1, "{\"axis\": null}"), NULL, 0, mean, 1, "mean of all is 3.5");
  const float maxes[3] = {4, 5, 6};
  check_op(run_op("max", single, 1, "{\"axis\": 0}"), shape3, 1, maxes, 3, "max axis 0");
  const float transposed[6] = {1, 4, 2, 5, 3, 6};
  check_op(run_op("transpose", single, 1, NULL), shape32, 2, transposed, 6, "transpose 2x3");
  check_op(run_op("reshape", single, 1, "{\"shape\": [3, -1]}"), shape32, 2, a_values, 6,
           "reshape to [3, -1]");
  const int64_t shape123[3] = {1, 2, 3};
  check_op(run_op("expand_dims", single, 1, "{\"axis\": 0}"), shape123, 3, a_values, 6,
           "expand_dims axis 0");
  const float small[3] = {1, 2, 3};
  px_tensor *s = vector_f32(3, small);
  const px_tensor *s_only[1] = {s};
  double total = exp(1.0) + exp(2.0) + exp(3.0);
  const float softmax[3] = {(float)(exp(1.0) / total), (float)(exp(2.0) / total),
                            (float)(exp(3.0) / total)};
  check_op(run_op("softmax", s_only, 1, "{\"axis\": -1}"), shape3, 1, softmax, 3, "softmax");
  const float lse[1] = {(float)log(total)};
  check_op(run_op("logsumexp", s_only, 1, NULL), NULL, 0, lse, 1, "logsumexp of all");
  const float squares[3] = {1, 4, 9};
  check_op(run_op("square", s_only, 1, NULL), shape3, 1, squares, 3, "square");
  const float mixed[3] = {-1.5f, 0, 2};
  px_tensor *m = vector_f32(3, mixed);
  const px_tensor *m_only[1] = {m};
  const float relu[3] = {0, 0, 2};
  check_op(run_op("relu", m_only, 1, NULL), shape3, 1, relu, 3, "relu");
  const float clipped[3] = {-1, 0, 1};
  check_op(run_op("clip", m_only, 1, "{\"x_min\": -1, \"x_max\": 1}"), shape3, 1, clipped, 3,
           "clip to [-1, 1]");
  const float absolute[3] = {1.5f, 0, 2};
  check_op(run_op("abs", m_only, 1, NULL), shape3, 1, absolute, 3, "abs");
  const float copy_values[3] = {-1.5f, 0, 2};
  check_op(run_op("copy", m_only, 1, NULL), shape3, 1, copy_values, 3, "copy");
  const px_tensor *cat[2] = {s, m};
  const int64_t shape6[1] = {6};
  const float joined[6] = {1, 2, 3, -1.5f, 0, 2};
  check_op(run_op("concatenate", cat, 2, "{\"axis\": 0}"), shape6, 1, joined, 6, "concatenate");
  const int64_t shape23b[2] = {2, 3};
  check_op(run_op("stack", cat, 2, "{\"axis\": 0}"), shape23b, 2, joined, 6, "stack");
  const float broadcast[6] = {1, 2, 3, 1, 2, 3};
  check_op(run_op("broadcast_to", s_only, 1, "{\"shape\": [2, 3]}"), shape23, 2, broadcast, 6,
           "broadcast_to [2, 3]");

  px_tensor *greater = NULL;
  const px_tensor *compare[2] = {s, m};
  greater = run_op("greater", compare, 2, NULL);
  int64_t ints[8] = {0};
  int32_t dtype = -1;
  check(greater != NULL && px_tensor_dtype(greater, &dtype) == PX_STATUS_OK
            && dtype == PX_DTYPE_BOOL && read_ints(greater, ints, 8) == 3 && ints[0] == 1
            && ints[1] == 1 && ints[2] == 1,
        "px_ops_call: greater gives bool [1, 1, 1]");
  const float picks_x[3] = {1, 2, 3}, picks_y[3] = {10, 20, 30};
  px_tensor *picks_a = vector_f32(3, picks_x), *py = vector_f32(3, picks_y);
  const uint8_t condition_values[3] = {1, 0, 1};
  px_tensor *condition = NULL;
  check(px_tensor_create(PX_DTYPE_BOOL, shape3, 1, condition_values, 3, &condition)
            == PX_STATUS_OK,
        "a bool tensor");
  const px_tensor *where_inputs[3] = {condition, picks_a, py};
  const float chosen[3] = {1, 20, 3};
  check_op(run_op("where", where_inputs, 3, NULL), shape3, 1, chosen, 3, "where");
  px_tensor_release(greater);
  px_tensor_release(condition);
  px_tensor_release(picks_a);
  px_tensor_release(py);

  const float arg_values[6] = {1, 5, 3, 7, 2, 9};
  px_tensor *arg = make_f32(shape23, 2, arg_values);
  const px_tensor *arg_only[1] = {arg};
  px_tensor *argmax = run_op("argmax", arg_only, 1, "{\"axis\": 1}");
  const int64_t shape2[1] = {2};
  check(argmax != NULL && has_shape(argmax, shape2, 1) && read_ints(argmax, ints, 8) == 2
            && ints[0] == 1 && ints[1] == 2,
        "px_ops_call: argmax axis 1 gives [1, 2]");
  px_tensor_release(argmax);
  px_tensor_release(arg);

  const float to_cast[2] = {1.75f, -2.25f};
  px_tensor *c = vector_f32(2, to_cast);
  const px_tensor *c_only[1] = {c};
  px_tensor *cast = run_op("cast", c_only, 1, "{\"dtype\": \"int32\"}");
  check(cast != NULL && px_tensor_dtype(cast, &dtype) == PX_STATUS_OK && dtype == PX_DTYPE_INT32
            && read_ints(cast, ints, 8) == 2 && ints[0] == 1 && ints[1] == -2,
        "px_ops_call: cast to int32 truncates toward zero");
  const int32_t hot_labels[2] = {0, 2};
  px_tensor *hot_in = make_i32(two, 1, hot_labels);
  const px_tensor *hot_only[1] = {hot_in};
  const float hot[6] = {1, 0, 0, 0, 0, 1};
  check_op(run_op("one_hot", hot_only, 1, "{\"num_classes\": 3}"), shape23, 2, hot, 6,
           "one_hot with 3 classes");
  const px_tensor *take_ok[2] = {v, hot_in};
  const float taken[2] = {10, 30};
  check_op(run_op("take", take_ok, 2, "{\"axis\": 0}"), shape2, 1, taken, 2, "take");
  px_tensor_release(hot_in);
  px_tensor_release(cast);
  px_tensor_release(c);
  px_tensor_release(s);
  px_tensor_release(m);
  px_tensor_release(a);
  px_tensor_release(b);
  px_tensor_release(v);
  px_tensor_release(w);
}

/* ---------------------------------------------------------------------------------------------
 * Section: layers
 * ------------------------------------------------------------------------------------------- */

static void expect_layer_rejected(const char *class_name, const char *config, unsigned expected,
                                  const char *needles, const char *what) {
  px_layer *out = SENTINEL_LAYER;
  px_status st = px_layer_create(class_name, config, &out);
  expect(st, expected, out == SENTINEL_LAYER, needles, "px_layer_create rejects %s", what);
  if (st == PX_STATUS_OK) px_layer_release(out);
}

static void section_layers(void) {
  px_status st;
  st = px_layer_create("Dense", "{\"units\": 4}", NULL);
  expect(st, IA_, 1, "px_layer_create|out_layer", "px_layer_create(out NULL) fails");
  expect_layer_rejected(NULL, "{}", IA_, "px_layer_create|class_name", "class_name NULL");
  expect_layer_rejected("", "{}", IA_, "px_layer_create|class", "class_name \"\"");
  expect_layer_rejected("NoSuchLayer", "{}", IA_, "NoSuchLayer", "an unknown class, naming it");
  expect_layer_rejected(NOT_UTF8, "{}", IA_, "px_layer_create|UTF|class", "a class not UTF-8");
  expect_layer_rejected("Dense", "{}", IA_, "units", "Dense without units (\"{}\")");
  expect_layer_rejected("Dense", NULL, IA_, "units", "Dense without units (NULL config)");
  expect_layer_rejected("Dense", "", IA_, "px_layer_create|JSON|config", "config \"\"");
  expect_layer_rejected("Dense", "{\"units\": 4", IA_, "px_layer_create|JSON|config",
                        "malformed JSON");
  expect_layer_rejected("Dense", "{\"units\": 4} trailing", IA_, "px_layer_create|JSON|config",
                        "JSON with trailing garbage");
  expect_layer_rejected("Dense", "[4]", IA_, "px_layer_create|object|config",
                        "a config that is not an object");
  expect_layer_rejected("Dense", "{\"units\": -5}", IA_, "units", "units -5");
  expect_layer_rejected("Dense", "{\"units\": 0}", IA_, "units", "units 0");
  expect_layer_rejected("Dense", "{\"units\": \"ten\"}", IA_, "units", "units \"ten\"");
  expect_layer_rejected("Dense", "{\"units\": 4.5}", IA_, "units", "units 4.5");
  expect_layer_rejected("Dense", "{\"units\": 1e300}", IA_, "units", "units 1e300");
  expect_layer_rejected("Dense", "{\"units\": 99999999999999999999999}", IA_, "units",
                        "units beyond int64");
  expect_layer_rejected("Dense", "{\"units\": 4, \"activation\": \"no_such_activation\"}", IA_,
                        "no_such_activation", "an unknown activation, naming it");
  expect_layer_rejected("Dense", "{\"units\": 4, \"name\": \"bad\x80name\"}", IA_,
                        "px_layer_create|UTF|JSON", "a config string that is not UTF-8");
  expect_layer_rejected("Dense", "{\"units\": 4, \"name\": \"\\ud800\"}", IA_ | OK_, NULL,
                        "(or accepts) a lone surrogate escape in a name");
  expect_layer_rejected("Dropout", "{\"rate\": 1.5}", IA_, "rate", "Dropout rate 1.5");
  expect_layer_rejected("Dropout", "{\"rate\": NaN}", IA_, "px_layer_create|JSON|rate",
                        "Dropout rate NaN (not JSON)");
  char *deep = nested_json(10000, '[', "4", ']');
  char *deep_config = deep == NULL ? NULL : malloc(strlen(deep) + 16);
  if (deep_config != NULL) {
    snprintf(deep_config, strlen(deep) + 16, "{\"units\": %s}", deep);
    expect_layer_rejected("Dense", deep_config, IA_, "px_layer_create|JSON|nest|deep|depth",
                          "a config nested 10000 deep, without a crash");
  }
  free(deep_config);
  free(deep);
  char *deep_objects = nested_json(10000, '{', "", '}');
  expect_layer_rejected("Dense", deep_objects, IA_, "px_layer_create|JSON|nest|deep|depth",
                        "\"{{{{...}}}}\" 10000 deep");
  free(deep_objects);

  px_layer *layer = SENTINEL_LAYER;
  st = px_layer_create("Dense",
                       "{\"units\": 4, \"activation\": \"relu\", \"use_bias\": true, "
                       "\"kernel_initializer\": {\"class_name\": \"GlorotUniform\", "
                       "\"config\": {\"seed\": null}}, \"name\": \"full_config\"}",
                       &layer);
  expect(st, OK_, layer != SENTINEL_LAYER && layer != NULL, NULL,
         "px_layer_create(\"Dense\", a full Keras config)");
  px_layer_release(layer);
  layer = NULL;
  st = px_layer_create("Flatten", NULL, &layer);
  expect(st, OK_, layer != NULL, NULL, "px_layer_create(\"Flatten\", NULL)");
  px_layer_release(layer);
  layer = NULL;
  st = px_layer_create("Flatten", "{}", &layer);
  expect(st, OK_, layer != NULL, NULL, "px_layer_create(\"Flatten\", \"{}\")");
  px_layer_release(layer);
  px_layer_release(layer);
  px_layer_release(NULL);
  check(1, "px_layer_release accepts NULL and released handles");
  layer = NULL;
  st = px_layer_create("Dropout", "{\"rate\": 0.5}", &layer);
  expect(st, OK_, layer != NULL, NULL, "px_layer_create(\"Dropout\", rate 0.5)");
  px_layer_release(layer);
}

/* ---------------------------------------------------------------------------------------------
 * Section: models (structure, JSON, summary, compile)
 * ------------------------------------------------------------------------------------------- */

static void expect_json_rejected(const char *json, const char *needles, const char *what) {
  px_model *out = SENTINEL_MODEL;
  px_status st = px_model_from_json(json, &out);
  expect(st, IA_, out == SENTINEL_MODEL, needles, "px_model_from_json rejects %s", what);
  if (st == PX_STATUS_OK) px_model_release(out);
}

static void expect_compile_rejected(px_model *model, const char *optimizer, const char *loss,
                                    const char *const *metrics, size_t count,
                                    const char *needles, const char *what) {
  px_status st = px_model_compile(model, optimizer, loss, metrics, count);
  expect(st, IA_, 1, needles, "px_model_compile rejects %s", what);
}

static void section_models(void) {
  px_status st;
  px_model *out = SENTINEL_MODEL;
  st = px_model_create_sequential("m", NULL);
  expect(st, IA_, 1, "px_model_create_sequential|out_model",
         "px_model_create_sequential(out NULL) fails");
  st = px_model_create_sequential(NOT_UTF8, &out);
  expect(st, IA_, out == SENTINEL_MODEL, "px_model_create_sequential|UTF|name",
         "px_model_create_sequential(name not UTF-8) fails");

  px_model *unnamed = NULL;
  char name[64];
  st = px_model_create_sequential(NULL, &unnamed);
  expect(st, OK_,
         unnamed != NULL && px_model_name(unnamed, name, sizeof name, NULL) == PX_STATUS_OK
             && name[0] != '\0',
         NULL, "px_model_create_sequential(NULL) generates a name (\"%s\")",
         unnamed != NULL ? name : "");

  px_model *model = NULL;
  st = px_model_create_sequential("sweep_named", &model);
  size_t needed = SENTINEL_SIZE;
  expect(st, OK_, px_model_name(model, NULL, 0, &needed) == PX_STATUS_OK && needed == 12, NULL,
         "px_model_name(NULL, 0, &needed) reports 12 for \"sweep_named\"");
  memset(name, 'Z', sizeof name);
  needed = SENTINEL_SIZE;
  st = px_model_name(model, name, 5, &needed);
  expect(st, IA_, name[0] == 'Z' && needed == 12, "px_model_name|capacity",
         "px_model_name with a buffer too small fails, writes needed, leaves the buffer");
  st = px_model_name(model, NULL, 12, &needed);
  expect(st, IA_, 1, "px_model_name|buffer", "px_model_name(buffer NULL, capacity 12) fails");
  st = px_model_name(model, name, sizeof name, NULL);
  expect(st, OK_, strcmp(name, "sweep_named") == 0, NULL, "px_model_name reads \"sweep_named\"");

  /* add_input */
  const int64_t features[1] = {FEATURES};
  int32_t bad_dtypes[3] = {-1, 7, INT32_MAX};
  for (int i = 0; i < 3; i++) {
    st = px_model_add_input(model, features, 1, bad_dtypes[i]);
    expect(st, IA_, 1, "px_model_add_input|dtype", "px_model_add_input(dtype %ld) fails",
           (long)bad_dtypes[i]);
  }
  st = px_model_add_input(model, NULL, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|shape", "px_model_add_input(shape NULL, rank 1) fails");
  int64_t ones[PX_MAX_RANK + 1];
  for (int i = 0; i <= PX_MAX_RANK; i++) ones[i] = 1;
  st = px_model_add_input(model, ones, PX_MAX_RANK + 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|rank", "px_model_add_input(rank 33) fails");
  st = px_model_add_input(model, ones, SIZE_MAX, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|rank", "px_model_add_input(rank SIZE_MAX) fails");
  const int64_t minus_two[1] = {-2};
  st = px_model_add_input(model, minus_two, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|shape|dim|-1",
         "px_model_add_input(dims {-2}: only -1 means any) fails");
  const int64_t min_dim[1] = {INT64_MIN};
  st = px_model_add_input(model, min_dim, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|shape|dim", "px_model_add_input(dims {INT64_MIN}) fails");
  st = px_model_add_input(model, features, 1, PX_DTYPE_FLOAT32);
  expect(st, OK_, 1, NULL, "px_model_add_input({2}, float32)");
  st = px_model_add_input(model, features, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_ | STATE_, 1, "px_model_add_input|input", "a second px_model_add_input fails");

  /* add */
  px_layer *dense = NULL;
  st = px_model_add(model, NULL);
  expect(st, IA_, 1, "px_model_add|layer", "px_model_add(layer NULL) fails");
  st = px_model_add(model, (px_layer *)model);
  expect(st, IA_, 1, "px_model_add|layer|handle|type",
         "px_model_add(model, the model itself as a layer) fails");
  check(px_layer_create("Dense", "{\"units\": 4}", &dense) == PX_STATUS_OK, "a Dense(4) layer");
  st = px_model_add(model, dense);
  expect(st, OK_, 1, NULL, "px_model_add(Dense(4))");
  st = px_model_add(model, dense);
  expect(st, IA_ | STATE_, 1, "px_model_add|layer|model",
         "adding the same layer to the same model again fails");
  px_model *other = NULL;
  check(px_model_create_sequential("other", &other) == PX_STATUS_OK, "another Sequential");
  st = px_model_add(other, dense);
  expect(st, IA_ | STATE_, 1, "px_model_add|layer|model",
         "adding a layer that belongs to a model to another fails");
  px_layer_release(dense);
  px_layer *dense2 = NULL;
  check(px_layer_create("Dense", "{\"units\": 3}", &dense2) == PX_STATUS_OK
            && px_model_add(other, dense2) == PX_STATUS_OK,
        "a Dense(3) on a model without a declared input");
  st = px_model_add_input(other, features, 1, PX_DTYPE_FLOAT32);
  expect(st, STATE_, 1, "px_model_add_input|layer|first|before",
         "px_model_add_input after the first layer fails with PX_STATUS_INVALID_STATE");
  px_layer_release(dense2);

  size_t count = SENTINEL_SIZE;
  st = px_model_input_count(model, NULL);
  expect(st, IA_, 1, "px_model_input_count", "px_model_input_count(out NULL) fails");
  st = px_model_output_count(model, NULL);
  expect(st, IA_, 1, "px_model_output_count", "px_model_output_count(out NULL) fails");
  st = px_model_input_count(model, &count);
  expect(st, OK_, count == 1, NULL, "px_model_input_count reads 1");
  count = SENTINEL_SIZE;
  st = px_model_output_count(model, &count);
  expect(st, OK_, count == 1, NULL, "px_model_output_count reads 1");
  st = px_model_count_params(model, NULL);
  expect(st, IA_, 1, "px_model_count_params", "px_model_count_params(out NULL) fails");
  count = SENTINEL_SIZE;
  st = px_model_count_params(model, &count);
  expect(st, OK_, count == 12, NULL,
         "px_model_count_params of Input(2), Dense(4) reads 12 (2*4 + 4): read %zu", count);

  /* an unbuilt model: state errors, then build */
  count = SENTINEL_SIZE;
  st = px_model_count_params(other, &count);
  expect(st, STATE_, count == SENTINEL_SIZE, "px_model_count_params|built|build",
         "px_model_count_params before build fails with PX_STATUS_INVALID_STATE");
  px_tensor *weight = SENTINEL_TENSOR;
  st = px_model_get_weight(other, "dense/kernel", &weight);
  expect(st, STATE_, weight == SENTINEL_TENSOR, "px_model_get_weight|built|build",
         "px_model_get_weight before build fails with PX_STATUS_INVALID_STATE");
  st = px_model_build(other, NULL, 2);
  expect(st, IA_, 1, "px_model_build|shape", "px_model_build(shape NULL, rank 2) fails");
  st = px_model_build(other, ones, PX_MAX_RANK + 1);
  expect(st, IA_, 1, "px_model_build|rank", "px_model_build(rank 33) fails");
  st = px_model_build(other, ones, SIZE_MAX);
  expect(st, IA_, 1, "px_model_build|rank", "px_model_build(rank SIZE_MAX) fails");
  const int64_t bad_build[2] = {-5, FEATURES};
  st = px_model_build(other, bad_build, 2);
  expect(st, IA_, 1, "px_model_build|shape|dim", "px_model_build(dims {-5, 2}) fails");
  const int64_t huge_build[2] = {-1, INT64_MAX};
  st = px_model_build(other, huge_build, 2);
  expect(st, IA_ | OOM_, 1, "px_model_build|shape|memory|overflow",
         "px_model_build(dims {-1, INT64_MAX}) fails");
  weight = SENTINEL_TENSOR;
  check(px_model_get_weight(other, "dense/kernel", &weight) == PX_STATUS_INVALID_STATE
            && weight == SENTINEL_TENSOR,
        "a failed build leaves the model unbuilt (px_model_get_weight: INVALID_STATE)");
  const int64_t build_shape[2] = {-1, FEATURES};
  st = px_model_build(other, build_shape, 2);
  expect(st, OK_, px_model_count_params(other, &count) == PX_STATUS_OK && count == 9, NULL,
         "px_model_build({-1, 2}) builds 9 params");
  size_t weights = SENTINEL_SIZE;
  check(px_model_weight_count(other, &weights) == PX_STATUS_OK && weights == 2,
        "the built model has 2 weights");
  char path[128] = {0};
  weight = NULL;
  const int64_t kernel_shape[2] = {FEATURES, 3};
  check(px_model_weight_path(other, 0, path, sizeof path, NULL) == PX_STATUS_OK
            && px_model_get_weight(other, path, &weight) == PX_STATUS_OK
            && has_shape(weight, kernel_shape, 2),
        "its first weight (\"%s\") is the 2x3 kernel", path);
  px_tensor_release(weight);

  /* a layer too big to build: a status, not a crash */
  px_model *huge = NULL;
  px_layer *huge_dense = NULL;
  check(px_model_create_sequential("huge", &huge) == PX_STATUS_OK
            && px_model_add_input(huge, features, 1, PX_DTYPE_FLOAT32) == PX_STATUS_OK
            && px_layer_create("Dense", "{\"units\": 1099511627776}", &huge_dense)
                   == PX_STATUS_OK,
        "a Dense(2^40) layer can be made");
  st = px_model_add(huge, huge_dense);
  expect(st, OK_ | OOM_ | IA_, 1, NULL, "adding Dense(2^40) to an input of 2 returns a status");
  if (st == PX_STATUS_OK) {
    const float row[2] = {1, 2};
    const int64_t one_row[2] = {1, FEATURES};
    px_tensor *x = make_f32(one_row, 2, row);
    const px_tensor *xs1[1] = {x};
    px_tensor *y = SENTINEL_TENSOR;
    st = px_model_predict_on_batch(huge, xs1, 1, &y, 1);
    expect(st, OOM_ | IA_, y == SENTINEL_TENSOR, "px_model_predict_on_batch|memory",
           "predicting with an 8 TiB kernel fails with a status");
    px_tensor_release(x);
  }
  px_layer_release(huge_dense);
  px_model_release(huge);

  /* to_json / summary: the string-out rule */
  char small[8];
  memset(small, 'Z', sizeof small);
  needed = SENTINEL_SIZE;
  st = px_model_to_json(model, NULL, 0, &needed);
  size_t json_size = needed;
  expect(st, OK_, needed != SENTINEL_SIZE && needed > 8, NULL,
         "px_model_to_json(NULL, 0, &needed) reports %zu bytes", needed);
  needed = SENTINEL_SIZE;
  st = px_model_to_json(model, small, sizeof small, &needed);
  expect(st, IA_, small[0] == 'Z' && needed == json_size, "px_model_to_json|capacity",
         "px_model_to_json with 8 bytes fails, writes needed, leaves the buffer");
  st = px_model_to_json(model, NULL, 100, &needed);
  expect(st, IA_, 1, "px_model_to_json|buffer", "px_model_to_json(NULL, 100) fails");
  char *json = malloc(json_size + 1);
  memset(json, 'Z', json_size + 1);
  st = px_model_to_json(model, json, json_size, NULL);
  expect(st, OK_,
         json[json_size - 1] == '\0' && strlen(json) == json_size - 1 && json[json_size] == 'Z'
             && contains(json, "Sequential") && contains(json, "Dense")
             && contains(json, "sweep_named"),
         NULL, "px_model_to_json with the size needed: the whole Keras JSON");
  free(json);
  needed = SENTINEL_SIZE;
  st = px_model_summary(model, NULL, 0, &needed);
  size_t summary_size = needed;
  expect(st, OK_, needed != SENTINEL_SIZE && needed > 8, NULL,
         "px_model_summary(NULL, 0, &needed) reports %zu bytes", needed);
  memset(small, 'Z', sizeof small);
  needed = SENTINEL_SIZE;
  st = px_model_summary(model, small, sizeof small, &needed);
  expect(st, IA_, small[0] == 'Z' && needed == summary_size, "px_model_summary|capacity",
         "px_model_summary with 8 bytes fails, writes needed, leaves the buffer");
  char *summary = malloc(summary_size);
  st = px_model_summary(model, summary, summary_size, NULL);
  expect(st, OK_, strlen(summary) == summary_size - 1 && contains(summary, "Dense"), NULL,
         "px_model_summary with the size needed: a table naming Dense");
  free(summary);

  /* set_backend */
  st = px_model_set_backend(model, "no_such_backend");
  expect(st, IA_, 1, "no_such_backend", "px_model_set_backend(unknown) fails naming it");
  st = px_model_set_backend(model, NOT_UTF8);
  expect(st, IA_, 1, "px_model_set_backend|UTF|backend", "px_model_set_backend(non-UTF-8) fails");
  st = px_model_set_backend(model, "reference");
  expect(st, OK_, 1, NULL, "px_model_set_backend(\"reference\")");
  st = px_model_set_backend(model, NULL);
  expect(st, OK_, 1, NULL, "px_model_set_backend(NULL) follows the default again");

  /* from_json: hostile */
  st = px_model_from_json(MLP_JSON, NULL);
  expect(st, IA_, 1, "px_model_from_json|out_model", "px_model_from_json(out NULL) fails");
  expect_json_rejected(NULL, "px_model_from_json|json", "NULL");
  expect_json_rejected("", "px_model_from_json|JSON", "\"\"");
  expect_json_rejected("{", "px_model_from_json|JSON", "\"{\"");
  expect_json_rejected("42", "px_model_from_json|object|JSON", "\"42\"");
  expect_json_rejected("null", "px_model_from_json|object|JSON", "\"null\"");
  expect_json_rejected("[]", "px_model_from_json|object|JSON", "\"[]\"");
  expect_json_rejected("{}", "px_model_from_json|class_name", "\"{}\"");
  expect_json_rejected("{\"class_name\": \"NoSuchModel\", \"config\": {}}", "NoSuchModel",
                       "an unknown class, naming it");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": "
                       "[{\"class_name\": \"NoSuchLayer\", \"config\": {}}]}}",
                       "NoSuchLayer", "an unknown layer class, naming it");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": "
                       "[{\"class_name\": \"Dense\", \"config\": {\"units\": -1}}]}}",
                       "units", "Dense units -1");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": \"nope\"}}",
                       "layers", "layers that are not a list");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"bad\x80\", "
                       "\"layers\": []}}",
                       "px_model_from_json|UTF|JSON", "a string that is not UTF-8");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}} x",
                       "px_model_from_json|JSON", "trailing garbage");
  char *deep = nested_json(10000, '[', "", ']');
  expect_json_rejected(deep, "px_model_from_json|JSON|nest|deep|depth",
                       "\"[[[[...]]]]\" 10000 deep, without a crash");
  free(deep);
  deep = nested_json(100000, '[', "", ']');
  expect_json_rejected(deep, "px_model_from_json|JSON|nest|deep|depth",
                       "\"[[[[...]]]]\" 100000 deep, without a crash");
  free(deep);
  char *self_nested = self_nested_model_json(10000);
  expect_json_rejected(self_nested, "px_model_from_json|JSON|nest|deep|depth",
                       "a Sequential nested in itself 10000 deep, without a crash");
  free(self_nested);
  size_t mlp_length = strlen(MLP_JSON);
  char *no_compile = malloc(mlp_length + 128);
  memcpy(no_compile, MLP_JSON, mlp_length - 1);
  snprintf(no_compile + mlp_length - 1, 128,
           ", \"compile_config\": {\"optimizer\": \"no_such_optimizer\", \"loss\": \"mse\"}}");
  expect_json_rejected(no_compile, "no_such_optimizer",
                       "a compile_config with an unknown optimizer, naming it");
  free(no_compile);

  /* from_json: happy */
  px_model *from_json = NULL;
  st = px_model_from_json(MLP_JSON, &from_json);
  count = 0;
  expect(st, OK_,
         px_model_count_params(from_json, &count) == PX_STATUS_OK && count == 82
             && px_model_name(from_json, name, sizeof name, NULL) == PX_STATUS_OK
             && strcmp(name, "json_mlp") == 0,
         NULL, "px_model_from_json builds json_mlp with 82 params");

  /* compile: hostile */
  const char *accuracy[1] = {"accuracy"};
  const char *unknown_metric[1] = {"no_such_metric"};
  const char *null_metric[1] = {NULL};
  const char *loss = "sparse_categorical_crossentropy";
  expect_compile_rejected(model, NULL, loss, accuracy, 1, "px_model_compile|optimizer",
                          "optimizer NULL");
  expect_compile_rejected(model, "adam", NULL, accuracy, 1, "px_model_compile|loss", "loss NULL");
  expect_compile_rejected(model, "no_such_optimizer", loss, accuracy, 1, "no_such_optimizer",
                          "an unknown optimizer, naming it");
  expect_compile_rejected(model, "adam", "no_such_loss", accuracy, 1, "no_such_loss",
                          "an unknown loss, naming it");
  expect_compile_rejected(model, "adam", loss, unknown_metric, 1, "no_such_metric",
                          "an unknown metric, naming it");
  expect_compile_rejected(model, "adam", loss, NULL, 1, "px_model_compile|metrics",
                          "metrics NULL with count 1");
  expect_compile_rejected(model, "adam", loss, NULL, SIZE_MAX, "px_model_compile|metric",
                          "metrics NULL with count SIZE_MAX");
  expect_compile_rejected(model, "adam", loss, null_metric, 1, "px_model_compile|metric",
                          "a metric NULL");
  expect_compile_rejected(model, NOT_UTF8, loss, accuracy, 1, "px_model_compile|UTF|optimizer",
                          "an optimizer not UTF-8");
  expect_compile_rejected(model, "{\"class_name\": \"Adam\"", loss, accuracy, 1,
                          "px_model_compile|JSON|optimizer", "malformed optimizer JSON");
  expect_compile_rejected(model, "{\"class_name\": \"NoSuchOptimizer\", \"config\": {}}", loss,
                          accuracy, 1, "NoSuchOptimizer", "an unknown optimizer class");
  expect_compile_rejected(model, "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": "
                          "\"fast\"}}", loss, accuracy, 1, "learning_rate",
                          "learning_rate \"fast\"");
  expect_compile_rejected(model, "adam", "{\"class_name\": \"SparseCategoricalCrossentropy\", "
                          "\"config\": {\"from_logits\": \"maybe\"}}", accuracy, 1,
                          "from_logits", "from_logits \"maybe\"");
  expect_compile_rejected(model, "adam", "{\"class_name\": \"NoSuchLoss\", \"config\": {}}",
                          accuracy, 1, "NoSuchLoss", "an unknown loss class");
  deep = nested_json(10000, '{', "", '}');
  expect_compile_rejected(model, deep, loss, accuracy, 1, "px_model_compile|JSON|nest|deep|depth",
                          "an optimizer nested 10000 deep");
  free(deep);
  px_logs *logs = SENTINEL_LOGS;
  const float row[2] = {1, 2};
  const int64_t one_row[2] = {1, FEATURES}, one_label[1] = {1};
  const int32_t label[1] = {1};
  px_tensor *x = make_f32(one_row, 2, row), *y = make_i32(one_label, 1, label);
  const px_tensor *x1[1] = {x}, *y1[1] = {y};
  st = px_model_train_on_batch(model, x1, 1, y1, 1, &logs);
  expect(st, STATE_, logs == SENTINEL_LOGS, "px_model_train_on_batch|compile",
         "after the failed compiles the model is still not compiled (INVALID_STATE)");

  /* compile: happy */
  st = px_model_compile(model, "adam", loss, accuracy, 1);
  expect(st, OK_, 1, NULL, "px_model_compile by names");
  st = px_model_compile(model, "sgd", "mse", NULL, 0);
  expect(st, OK_, 1, NULL, "px_model_compile again, no metrics (NULL, 0)");
  const char *metric_objects[2] = {
      "{\"class_name\": \"SparseCategoricalAccuracy\", \"config\": {\"name\": \"sca\"}}",
      "accuracy"};
  st = px_model_compile(from_json, ADAM_JSON, SCCE_LOGITS_JSON, metric_objects, 2);
  expect(st, OK_, 1, NULL, "px_model_compile with JSON optimizer, loss and a metric object");
  logs = NULL;
  double sca = -1;
  st = px_model_train_on_batch(from_json, x1, 1, y1, 1, &logs);
  expect(st, OK_, px_logs_get(logs, "sca", &sca) == PX_STATUS_OK && sca >= 0 && sca <= 1, NULL,
         "train_on_batch logs the metric object under its name \"sca\"");
  px_logs_release(logs);

  px_tensor_release(x);
  px_tensor_release(y);
  px_model_release(from_json);
  px_model_release(other);
  px_model_release(model);
  px_model_release(unnamed);
  px_model_release(unnamed);
  px_model_release(NULL);
  check(1, "px_model_release accepts NULL and released handles");
}

/* ---------------------------------------------------------------------------------------------
 * Progress events: a recorder that can cancel, stop and re-enter
 * ------------------------------------------------------------------------------------------- */

#define MAX_EVENTS 4096
#define ANY (-100)

typedef struct {
  int32_t kind;
  uint32_t struct_size;
  int64_t epoch, epochs, step, steps;
  int has_loss, has_accuracy, has_val_loss;
  double loss;
} event_record;

enum { REENTER_FIT, REENTER_EVALUATE, REENTER_PREDICT, REENTER_TRAIN_ON_BATCH,
       REENTER_GET_WEIGHT, REENTER_SUMMARY, REENTER_COUNT_PARAMS, REENTER_TO_JSON,
       REENTER_NAME, REENTER_OTHER_MODEL, REENTER_CALLS };

typedef struct {
  event_record events[MAX_EVENTS];
  int count;
  int overflow;
  /* return non-zero at this event (kind 0: never) */
  int32_t cancel_kind;
  int64_t cancel_epoch, cancel_step;
  /* call px_model_stop_training(model) at this event (kind 0: never) */
  int32_t stop_kind;
  int64_t stop_epoch, stop_step;
  px_model *model;
  px_status stop_status;
  int stops;
  /* re-enter `model` (and train `other`) at the first train batch end */
  int reenter;
  px_model *other;
  const px_tensor *const *x;
  const px_tensor *const *y;
  px_status reentry[REENTER_CALLS];
  char reentry_message[REENTER_CALLS][200];
  int reentry_untouched[REENTER_CALLS];
} recorder;

static recorder rec;

static void recorder_reset(void) {
  memset(&rec, 0, sizeof rec);
  rec.stop_status = -1;
}

static int matches(int64_t wanted, int64_t actual) { return wanted == ANY || wanted == actual; }

static void reenter(void) {
  px_model *model = rec.model;
  px_logs *logs = SENTINEL_LOGS;
  px_tensor *outputs[1] = {SENTINEL_TENSOR};
  px_fit_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
#define NOTE(index, call, untouched)                                                  \
  do {                                                                                \
    rec.reentry[index] = (call);                                                      \
    snprintf(rec.reentry_message[index], sizeof rec.reentry_message[index], "%s",     \
             px_last_error_message());                                               \
    rec.reentry_untouched[index] = (untouched);                                       \
  } while (0)
  NOTE(REENTER_FIT, px_model_fit(model, rec.x, 1, rec.y, 1, &options, NULL, NULL, &logs),
       logs == SENTINEL_LOGS);
  NOTE(REENTER_EVALUATE, px_model_evaluate(model, rec.x, 1, rec.y, 1, 0, NULL, NULL, &logs),
       logs == SENTINEL_LOGS);
  NOTE(REENTER_PREDICT, px_model_predict(model, rec.x, 1, 0, NULL, NULL, outputs, 1),
       outputs[0] == SENTINEL_TENSOR);
  NOTE(REENTER_TRAIN_ON_BATCH, px_model_train_on_batch(model, rec.x, 1, rec.y, 1, &logs),
       logs == SENTINEL_LOGS);
  char path[128] = {0};
  px_tensor *weight = NULL;
  px_status st = px_model_weight_path(model, 0, path, sizeof path, NULL);
  if (st == PX_STATUS_OK) st = px_model_get_weight(model, path, &weight);
  NOTE(REENTER_GET_WEIGHT, st, weight != NULL);
  px_tensor_release(weight);
  size_t needed = 0;
  NOTE(REENTER_SUMMARY, px_model_summary(model, NULL, 0, &needed), needed > 0);
  size_t params = 0;
  NOTE(REENTER_COUNT_PARAMS, px_model_count_params(model, &params), params > 0);
  needed = 0;
  NOTE(REENTER_TO_JSON, px_model_to_json(model, NULL, 0, &needed), needed > 0);
  needed = 0;
  NOTE(REENTER_NAME, px_model_name(model, NULL, 0, &needed), needed > 0);
  logs = NULL;
  NOTE(REENTER_OTHER_MODEL, px_model_train_on_batch(rec.other, rec.x, 1, rec.y, 1, &logs),
       logs != NULL);
  px_logs_release(logs);
#undef NOTE
}

static int32_t record_progress(const px_progress_event *event, void *user) {
  (void)user;
  if (rec.count >= MAX_EVENTS) {
    rec.overflow = 1;
    return 0;
  }
  event_record *r = &rec.events[rec.count++];
  memset(r, 0, sizeof *r);
  r->struct_size = event->struct_size;
  r->kind = event->kind;
  r->epoch = event->epoch;
  r->epochs = event->epochs;
  r->step = event->step;
  r->steps = event->steps;
  if (event->struct_size >= sizeof(px_progress_event)) {
    for (size_t i = 0; i < event->log_count && event->log_names != NULL; i++) {
      const char *name = event->log_names[i];
      if (name == NULL) continue;
      if (strcmp(name, "loss") == 0) {
        r->has_loss = 1;
        r->loss = event->log_values[i];
      }
      if (strcmp(name, "accuracy") == 0) r->has_accuracy = 1;
      if (strcmp(name, "val_loss") == 0) r->has_val_loss = 1;
    }
  }
  if (rec.reenter && event->kind == PX_EVENT_TRAIN_BATCH_END) {
    rec.reenter = 0;
    reenter();
  }
  if (rec.stop_kind == event->kind && matches(rec.stop_epoch, event->epoch)
      && matches(rec.stop_step, event->step)) {
    rec.stop_status = px_model_stop_training(rec.model);
    rec.stops++;
  }
  if (rec.cancel_kind == event->kind && matches(rec.cancel_epoch, event->epoch)
      && matches(rec.cancel_step, event->step))
    return 1;
  return 0;
}

static int count_events(int32_t kind) {
  int n = 0;
  for (int i = 0; i < rec.count; i++)
    if (rec.events[i].kind == kind) n++;
  return n;
}

static const char *event_name(int32_t kind) {
  static const char *names[15] = {"?", "TRAIN_BEGIN", "TRAIN_END", "EPOCH_BEGIN", "EPOCH_END",
                                  "TRAIN_BATCH_BEGIN", "TRAIN_BATCH_END", "TEST_BEGIN",
                                  "TEST_END", "TEST_BATCH_BEGIN", "TEST_BATCH_END",
                                  "PREDICT_BEGIN", "PREDICT_END", "PREDICT_BATCH_BEGIN",
                                  "PREDICT_BATCH_END"};
  return kind >= 0 && kind < 15 ? names[kind] : "?";
}

/* Prints the recorded events as comments: 40 of them, from `from`. */
static void dump_events_from(int from) {
  if (from < 0) from = 0;
  if (from > 0) printf("#     ... %d events before\n", from);
  for (int i = from; i < rec.count && i < from + 40; i++)
    printf("#     %s epoch %lld/%lld step %lld/%lld\n", event_name(rec.events[i].kind),
           (long long)rec.events[i].epoch, (long long)rec.events[i].epochs,
           (long long)rec.events[i].step, (long long)rec.events[i].steps);
  if (rec.count > from + 40) printf("#     ... %d events in all\n", rec.count);
}

static void dump_events(void) { dump_events_from(0); }

/* Checks the recorded events are fit's in Keras order: train begin, per epoch (begin, batch
 * begin/end per step, [test events when validating], end with logs), train end. */
static int check_fit_events(int64_t initial_epoch, int64_t epochs, int64_t steps,
                            int validating, const char *what) {
  char why[200] = "";
  int at = 0;
#define EXPECT_EVENT(kind_, epoch_, step_)                                                    \
  do {                                                                                        \
    if (why[0] == '\0') {                                                                     \
      const event_record *e = at < rec.count ? &rec.events[at] : NULL;                       \
      if (e == NULL || e->kind != (kind_) || e->epoch != (epoch_) || e->step != (step_)      \
          || e->epochs != epochs)                                                             \
        snprintf(why, sizeof why,                                                             \
                 "event %d: expected %s epoch %lld/%lld step %lld, received %s epoch "       \
                 "%lld/%lld step %lld",                                                      \
                 at, event_name(kind_), (long long)(epoch_), (long long)epochs,             \
                 (long long)(step_), e ? event_name(e->kind) : "nothing",                    \
                 e ? (long long)e->epoch : 0LL, e ? (long long)e->epochs : 0LL,              \
                 e ? (long long)e->step : 0LL);                                               \
      else if (e->struct_size < sizeof(px_progress_event))                                    \
        snprintf(why, sizeof why, "event %d: struct_size %u < %zu", at, e->struct_size,       \
                 sizeof(px_progress_event));                                                  \
      at++;                                                                                   \
    }                                                                                         \
  } while (0)
  EXPECT_EVENT(PX_EVENT_TRAIN_BEGIN, -1, -1);
  for (int64_t epoch = initial_epoch; epoch < epochs && why[0] == '\0'; epoch++) {
    EXPECT_EVENT(PX_EVENT_EPOCH_BEGIN, epoch, -1);
    for (int64_t step = 0; step < steps && why[0] == '\0'; step++) {
      EXPECT_EVENT(PX_EVENT_TRAIN_BATCH_BEGIN, epoch, step);
      EXPECT_EVENT(PX_EVENT_TRAIN_BATCH_END, epoch, step);
      if (why[0] == '\0' && rec.events[at - 1].steps != steps)
        snprintf(why, sizeof why, "event %d: steps %lld, expected %lld", at - 1,
                 (long long)rec.events[at - 1].steps, (long long)steps);
      if (why[0] == '\0' && !rec.events[at - 1].has_loss)
        snprintf(why, sizeof why, "event %d: a train batch end without \"loss\"", at - 1);
    }
    while (validating && why[0] == '\0' && at < rec.count
           && rec.events[at].kind >= PX_EVENT_TEST_BEGIN
           && rec.events[at].kind <= PX_EVENT_TEST_BATCH_END)
      at++;
    EXPECT_EVENT(PX_EVENT_EPOCH_END, epoch, -1);
    if (why[0] == '\0') {
      const event_record *e = &rec.events[at - 1];
      if (!e->has_loss || !e->has_accuracy || (validating && !e->has_val_loss))
        snprintf(why, sizeof why, "event %d: epoch end logs lack loss, accuracy%s", at - 1,
                 validating ? " or val_loss" : "");
    }
  }
  EXPECT_EVENT(PX_EVENT_TRAIN_END, -1, -1);
  if (why[0] == '\0' && at != rec.count)
    snprintf(why, sizeof why, "%d events after train end", rec.count - at);
#undef EXPECT_EVENT
  int passed = check(why[0] == '\0' && !rec.overflow, "%s", what);
  if (!passed) {
    printf("#   %s\n", why);
    dump_events_from(at - 30);
  }
  return passed;
}

/* Checks evaluate's or predict's events: begin, batch begin/end per step, end. */
static int check_loop_events(int32_t begin, int64_t steps, const char *what) {
  char why[200] = "";
  int at = 0;
  for (int64_t i = -1; i <= steps && why[0] == '\0'; i++) {
    int32_t kinds[2];
    int n;
    if (i == -1) {
      kinds[0] = begin;
      n = 1;
    } else if (i == steps) {
      kinds[0] = begin + 1;
      n = 1;
    } else {
      kinds[0] = begin + 2;
      kinds[1] = begin + 3;
      n = 2;
    }
    for (int k = 0; k < n && why[0] == '\0'; k++, at++) {
      const event_record *e = at < rec.count ? &rec.events[at] : NULL;
      int64_t step = (i == -1 || i == steps) ? -1 : i;
      if (e == NULL || e->kind != kinds[k] || e->step != step || e->epoch != -1 || e->epochs != 0)
        snprintf(why, sizeof why, "event %d: expected %s step %lld (epoch -1, epochs 0)", at,
                 event_name(kinds[k]), (long long)step);
      else if (step >= 0 && e->steps != steps)
        snprintf(why, sizeof why, "event %d: steps %lld, expected %lld", at, (long long)e->steps,
                 (long long)steps);
    }
  }
  if (why[0] == '\0' && at != rec.count) snprintf(why, sizeof why, "%d events too many", rec.count - at);
  int passed = check(why[0] == '\0', "%s", what);
  if (!passed) {
    printf("#   %s\n", why);
    dump_events_from(at - 30);
  }
  return passed;
}

/* The values of `name` in `logs` (history: one per epoch); returns the count or 0. */
static size_t log_values(const px_logs *logs, const char *name, double *values, size_t capacity) {
  size_t count = 0;
  if (logs == NULL || px_logs_count(logs, &count) != PX_STATUS_OK) return 0;
  for (size_t i = 0; i < count; i++) {
    char entry[64];
    size_t n = 0;
    if (px_logs_name(logs, i, entry, sizeof entry, NULL) == PX_STATUS_OK
        && strcmp(entry, name) == 0) {
      if (px_logs_values(logs, i, values, capacity, &n) != PX_STATUS_OK) return 0;
      return n;
    }
  }
  return 0;
}

static px_fit_options fit_options(int64_t epochs, int64_t batch_size) {
  px_fit_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  return options;
}

/* Snapshots every weight of a model into one malloc'd float array; NULL on failure. */
static float *snapshot_weights(px_model *model, size_t *total) {
  size_t count = 0;
  *total = 0;
  if (px_model_weight_count(model, &count) != PX_STATUS_OK) return NULL;
  float *all = malloc(4096 * sizeof(float));
  for (size_t i = 0; all != NULL && i < count; i++) {
    char path[256];
    px_tensor *weight = NULL;
    if (px_model_weight_path(model, i, path, sizeof path, NULL) != PX_STATUS_OK
        || px_model_get_weight(model, path, &weight) != PX_STATUS_OK) {
      free(all);
      return NULL;
    }
    size_t n = read_f32(weight, all + *total, 4096 - *total);
    px_tensor_release(weight);
    if (n == 0) {
      free(all);
      return NULL;
    }
    *total += n;
  }
  return all;
}

static int same_weights(px_model *model, const float *before, size_t total) {
  size_t now_total = 0;
  float *now = snapshot_weights(model, &now_total);
  int same = now != NULL && before != NULL && now_total == total
             && memcmp(now, before, total * sizeof(float)) == 0;
  free(now);
  return same;
}

/* ---------------------------------------------------------------------------------------------
 * Section: training, evaluation, inference and logs
 * ------------------------------------------------------------------------------------------- */

/* fit with arguments that must be rejected: INVALID_ARGUMENT, the history untouched. */
static void expect_fit_rejected(px_model *model, const px_tensor *const *x, size_t x_count,
                                const px_tensor *const *y, size_t y_count,
                                const px_fit_options *options, const char *needles,
                                const char *what) {
  px_logs *history = SENTINEL_LOGS;
  recorder_reset();
  px_status st = px_model_fit(model, x, x_count, y, y_count, options, record_progress, NULL,
                              &history);
  expect(st, IA_, history == SENTINEL_LOGS && count_events(PX_EVENT_TRAIN_BATCH_END) == 0,
         needles, "px_model_fit rejects %s (no batch trained)", what);
  if (st == PX_STATUS_OK) px_logs_release(history);
}

static void section_training(void) {
  px_status st;
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_sequential_by_layers("sweep_mlp");
  check(model != NULL && x != NULL && y != NULL,
        "Sequential built layer by layer: Input(2), Dense(16, relu), Dense(2, softmax)");
  if (model == NULL || x == NULL || y == NULL) return;
  px_fit_options options = fit_options(1, 32);
  options.shuffle = PX_OPTION_OFF; /* the rejected fits below: the same batches every run */
  px_logs *history = SENTINEL_LOGS;
  px_logs *logs = SENTINEL_LOGS;

  /* before compile */
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, STATE_, history == SENTINEL_LOGS, "px_model_fit|compile",
         "px_model_fit before compile fails with PX_STATUS_INVALID_STATE");
  st = px_model_evaluate(model, xv, 1, yv, 1, 0, NULL, NULL, &logs);
  expect(st, STATE_, logs == SENTINEL_LOGS, "px_model_evaluate|compile",
         "px_model_evaluate before compile fails with PX_STATUS_INVALID_STATE");
  st = px_model_train_on_batch(model, xv, 1, yv, 1, &logs);
  expect(st, STATE_, logs == SENTINEL_LOGS, "px_model_train_on_batch|compile",
         "px_model_train_on_batch before compile fails with PX_STATUS_INVALID_STATE");
  px_tensor *predicted[2] = {NULL, SENTINEL_TENSOR};
  const int64_t out_shape[2] = {SAMPLES, CLASSES};
  st = px_model_predict(model, xv, 1, 0, NULL, NULL, predicted, 1);
  expect(st, OK_, has_shape(predicted[0], out_shape, 2) && predicted[1] == SENTINEL_TENSOR, NULL,
         "px_model_predict works before compile (256x2, capacity 1)");
  px_tensor_release(predicted[0]);

  const char *accuracy[1] = {"accuracy"};
  st = px_model_compile(model, "adam", "sparse_categorical_crossentropy", accuracy, 1);
  expect(st, OK_, 1, NULL, "px_model_compile(\"adam\", \"sparse_categorical_crossentropy\", "
                           "[\"accuracy\"])");
  size_t weight_total = 0;
  float *before = snapshot_weights(model, &weight_total);
  check(before != NULL && weight_total == 82, "a snapshot of the 82 weights");

  /* fit: hostile arguments */
  const int64_t bad3[2] = {SAMPLES, 3}, rank1[1] = {SAMPLES}, rank3[3] = {SAMPLES, FEATURES, 1};
  const int64_t empty_x[2] = {0, FEATURES}, empty_y[1] = {0}, short_y[1] = {SAMPLES - 1};
  const int64_t onehot_y[2] = {SAMPLES, CLASSES};
  static float zeros_f[SAMPLES * 3];
  static int32_t labels_i[SAMPLES * 2];
  px_tensor *x3 = make_f32(bad3, 2, zeros_f), *x1 = make_f32(rank1, 1, zeros_f);
  px_tensor *xr3 = make_f32(rank3, 3, zeros_f), *x0 = make_f32(empty_x, 2, NULL);
  px_tensor *y0 = make_i32(empty_y, 1, NULL), *y_short = make_i32(short_y, 1, labels_i);
  px_tensor *y_float = make_f32(y_shape, 1, zeros_f), *y_onehot = make_i32(onehot_y, 2, labels_i);
  int32_t out_of_range[SAMPLES];
  memcpy(out_of_range, ys, sizeof out_of_range);
  out_of_range[100] = 5;
  px_tensor *y_range = make_i32(y_shape, 1, out_of_range);
  out_of_range[100] = -1;
  px_tensor *y_negative = make_i32(y_shape, 1, out_of_range);
  const px_tensor *x3v[1] = {x3}, *x1v[1] = {x1}, *xr3v[1] = {xr3}, *x0v[1] = {x0};
  const px_tensor *y0v[1] = {y0}, *y_shortv[1] = {y_short}, *y_floatv[1] = {y_float};
  const px_tensor *y_onehotv[1] = {y_onehot}, *y_rangev[1] = {y_range};
  const px_tensor *y_negativev[1] = {y_negative};
  const px_tensor *two_x[2] = {x, x}, *null_x[1] = {NULL};

  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  expect(st, OK_, 1, NULL, "px_model_fit(out_history NULL) is allowed");
  free(before);
  before = snapshot_weights(model, &weight_total);
  expect_fit_rejected(model, NULL, 1, yv, 1, &options, "px_model_fit|x", "x NULL");
  expect_fit_rejected(model, NULL, SIZE_MAX, yv, 1, &options, "px_model_fit|x",
                      "x NULL with x_count SIZE_MAX");
  expect_fit_rejected(model, xv, 0, yv, 1, &options, "px_model_fit|x_count|input", "x_count 0");
  expect_fit_rejected(model, two_x, 2, yv, 1, &options, "px_model_fit|x_count|input",
                      "x_count 2 for a one-input model");
  expect_fit_rejected(model, null_x, 1, yv, 1, &options, "px_model_fit|x", "x {NULL}");
  expect_fit_rejected(model, xv, 1, NULL, 1, &options, "px_model_fit|y", "y NULL");
  expect_fit_rejected(model, xv, 1, yv, 0, &options, "px_model_fit|y", "y_count 0");
  expect_fit_rejected(model, xv, 1, two_x, 2, &options, "px_model_fit|y_count|output",
                      "y_count 2 for a one-output model");
  expect_fit_rejected(model, xv, 1, null_x, 1, &options, "px_model_fit|y", "y {NULL}");
  expect_fit_rejected(model, x3v, 1, yv, 1, &options, "px_model_fit|shape",
                      "x 256x3 for an input of 2");
  expect_fit_rejected(model, x1v, 1, yv, 1, &options, "px_model_fit|shape|rank",
                      "x of rank 1 for an input of rank 2");
  expect_fit_rejected(model, xr3v, 1, yv, 1, &options, "px_model_fit|shape|rank",
                      "x of rank 3 for an input of rank 2");
  expect_fit_rejected(model, x0v, 1, y0v, 1, &options, "px_model_fit|empty|sample",
                      "no samples");
  expect_fit_rejected(model, xv, 1, y_shortv, 1, &options, "px_model_fit|sample|shape",
                      "255 labels for 256 samples");
  expect_fit_rejected(model, xv, 1, y_floatv, 1, &options, "px_model_fit|dtype|label",
                      "float32 labels for sparse cross-entropy");
  expect_fit_rejected(model, xv, 1, y_onehotv, 1, &options, "px_model_fit|shape|label",
                      "256x2 labels for sparse cross-entropy");
  expect_fit_rejected(model, xv, 1, y_rangev, 1, &options, "px_model_fit|range|label|index",
                      "a label 5 of 2 classes");
  expect_fit_rejected(model, xv, 1, y_negativev, 1, &options, "px_model_fit|range|label|index",
                      "a label -1");
  int64_t bad_sizes[3] = {-1, INT64_MIN, -32};
  for (int i = 0; i < 3; i++) {
    px_fit_options bad = fit_options(1, bad_sizes[i]);
    char what[64];
    snprintf(what, sizeof what, "batch_size %lld", (long long)bad_sizes[i]);
    expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|batch_size", what);
    bad = fit_options(bad_sizes[i], 32);
    snprintf(what, sizeof what, "epochs %lld", (long long)bad_sizes[i]);
    expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|epochs", what);
  }
  px_fit_options bad = fit_options(1, 32);
  bad.initial_epoch = -1;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|initial_epoch", "initial_epoch -1");
  double bad_splits[6] = {1.5, NAN, -0.25, 1.0, INFINITY, -INFINITY};
  for (int i = 0; i < 6; i++) {
    bad = fit_options(1, 32);
    bad.validation_split = bad_splits[i];
    char what[64];
    snprintf(what, sizeof what, "validation_split %g", bad_splits[i]);
    expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|validation_split", what);
  }
  bad = fit_options(1, 32);
  bad.shuffle = 3;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|shuffle", "shuffle 3");
  bad.shuffle = -1;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|shuffle", "shuffle -1");
  bad = fit_options(1, 32);
  bad.verbose = 7;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|verbose", "verbose 7");
  bad = fit_options(1, 32);
  bad.validation_x_count = 1;
  bad.validation_y = yv;
  bad.validation_y_count = 1;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|validation_x",
                      "validation_x NULL with a count of 1");
  bad.validation_x = xv;
  bad.validation_x_count = SIZE_MAX;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|validation_x",
                      "validation_x_count SIZE_MAX");
  bad.validation_x_count = 1;
  bad.validation_y = NULL;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|validation_y",
                      "validation_y NULL with a count of 1");
  bad.validation_y = y_shortv;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|validation|sample|shape",
                      "255 validation labels for 256 validation samples");
  bad.validation_x = x3v;
  bad.validation_y = yv;
  expect_fit_rejected(model, xv, 1, yv, 1, &bad, "px_model_fit|validation|shape",
                      "validation_x 256x3 for an input of 2");
  check(same_weights(model, before, weight_total), "the rejected fits changed no weight");
  free(before);
  before = snapshot_weights(model, &weight_total);

  /* evaluate / predict / predict_on_batch / train_on_batch: hostile arguments */
  logs = SENTINEL_LOGS;
  st = px_model_evaluate(model, xv, 1, yv, 1, 0, NULL, NULL, NULL);
  expect(st, IA_, 1, "px_model_evaluate|out_logs", "px_model_evaluate(out_logs NULL) fails");
  st = px_model_evaluate(model, NULL, 1, yv, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|x", "px_model_evaluate(x NULL) fails");
  st = px_model_evaluate(model, xv, 0, yv, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|x_count|input",
         "px_model_evaluate(x_count 0) fails");
  st = px_model_evaluate(model, xv, 1, yv, 1, -1, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|batch_size",
         "px_model_evaluate(batch_size -1) fails");
  st = px_model_evaluate(model, xv, 1, yv, 1, INT64_MIN, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|batch_size",
         "px_model_evaluate(batch_size INT64_MIN) fails");
  st = px_model_evaluate(model, x3v, 1, yv, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|shape",
         "px_model_evaluate(x 256x3) fails");
  st = px_model_evaluate(model, xv, 1, y_shortv, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|sample|shape",
         "px_model_evaluate(255 labels for 256) fails");
  st = px_model_evaluate(model, xv, 1, y_rangev, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate|range|label|index",
         "px_model_evaluate(a label 5 of 2 classes) fails");
  px_tensor *outputs[2] = {SENTINEL_TENSOR, SENTINEL_TENSOR};
  st = px_model_predict(model, xv, 1, 0, NULL, NULL, NULL, 1);
  expect(st, IA_, 1, "px_model_predict|outputs", "px_model_predict(outputs NULL) fails");
  st = px_model_predict(model, xv, 1, 0, NULL, NULL, outputs, 0);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|capacity|output",
         "px_model_predict(capacity 0) fails");
  st = px_model_predict(model, xv, 1, -1, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|batch_size",
         "px_model_predict(batch_size -1) fails");
  st = px_model_predict(model, xv, 1, INT64_MIN, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|batch_size",
         "px_model_predict(batch_size INT64_MIN) fails");
  st = px_model_predict(model, NULL, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|x", "px_model_predict(x NULL) fails");
  st = px_model_predict(model, two_x, 2, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|x_count|input",
         "px_model_predict(x_count 2) fails");
  st = px_model_predict(model, x3v, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|shape",
         "px_model_predict(x 256x3) fails");
  st = px_model_predict(model, xr3v, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|shape|rank",
         "px_model_predict(x of rank 3) fails");
  st = px_model_predict_on_batch(model, xv, 1, NULL, 1);
  expect(st, IA_, 1, "px_model_predict_on_batch|outputs",
         "px_model_predict_on_batch(outputs NULL) fails");
  st = px_model_predict_on_batch(model, xv, 1, outputs, 0);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch|capacity|output",
         "px_model_predict_on_batch(capacity 0) fails");
  st = px_model_predict_on_batch(model, NULL, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch|x",
         "px_model_predict_on_batch(x NULL) fails");
  st = px_model_predict_on_batch(model, x1v, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch|shape|rank",
         "px_model_predict_on_batch(x of rank 1) fails");
  st = px_model_predict_on_batch(model, null_x, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch|x",
         "px_model_predict_on_batch(x {NULL}) fails");
  st = px_model_train_on_batch(model, NULL, 1, yv, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch|x",
         "px_model_train_on_batch(x NULL) fails");
  st = px_model_train_on_batch(model, x3v, 1, yv, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch|shape",
         "px_model_train_on_batch(x 256x3) fails");
  st = px_model_train_on_batch(model, xv, 1, y_rangev, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch|range|label|index",
         "px_model_train_on_batch(a label 5 of 2 classes) fails");
  st = px_model_train_on_batch(model, xv, 1, y_floatv, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch|dtype|label",
         "px_model_train_on_batch(float32 labels) fails");
  st = px_model_train_on_batch(model, xv, 1, NULL, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch|y",
         "px_model_train_on_batch(y NULL) fails");
  check(same_weights(model, before, weight_total), "the rejected calls changed no weight");
  free(before);

  /* fit: events in Keras order, history equal to the epoch-end logs */
  recorder_reset();
  options = fit_options(3, 32);
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, OK_, history != NULL, NULL, "px_model_fit 3 epochs of 8 batches with a callback");
  check_fit_events(0, 3, 8, 0, "fit's events come in Keras order with their fields and logs");
  double losses[8] = {0};
  size_t epochs_logged = log_values(history, "loss", losses, 8);
  double accuracies[8] = {0};
  int history_matches = epochs_logged == 3;
  for (int i = 0, epoch = 0; history_matches && i < rec.count; i++)
    if (rec.events[i].kind == PX_EVENT_EPOCH_END)
      history_matches = rec.events[i].loss == losses[epoch++];
  check(history_matches, "the history holds 3 losses, equal to the epoch-end logs");
  check(log_values(history, "accuracy", accuracies, 8) == 3, "and 3 accuracies");
  check(epochs_logged == 3 && losses[2] < losses[0], "the loss falls (%g -> %g)", losses[0],
        losses[2]);
  double last_loss = -1;
  st = px_logs_get(history, "loss", &last_loss);
  expect(st, OK_, last_loss == losses[2], NULL, "px_logs_get(\"loss\") is the last epoch's");

  /* logs: hostile */
  size_t count = SENTINEL_SIZE;
  st = px_logs_count(history, NULL);
  expect(st, IA_, 1, "px_logs_count", "px_logs_count(out NULL) fails");
  st = px_logs_count(history, &count);
  expect(st, OK_, count == 2, NULL, "px_logs_count reads 2 (loss, accuracy)");
  char name[64];
  memset(name, 'Z', sizeof name);
  size_t needed = SENTINEL_SIZE;
  st = px_logs_name(history, SIZE_MAX, name, sizeof name, &needed);
  expect(st, IA_, name[0] == 'Z' && needed == SENTINEL_SIZE, "px_logs_name|index",
         "px_logs_name(index SIZE_MAX) fails, out-parameters untouched");
  st = px_logs_name(history, count, name, sizeof name, &needed);
  expect(st, IA_, name[0] == 'Z' && needed == SENTINEL_SIZE, "px_logs_name|index",
         "px_logs_name(index == count) fails");
  st = px_logs_name(history, 0, name, 1, &needed);
  expect(st, IA_, name[0] == 'Z' && needed != SENTINEL_SIZE, "px_logs_name|capacity",
         "px_logs_name with a buffer too small fails and writes needed");
  st = px_logs_name(history, 0, NULL, 10, &needed);
  expect(st, IA_, 1, "px_logs_name|buffer", "px_logs_name(buffer NULL, capacity 10) fails");
  double values[4] = {-1, -1, -1, -1};
  size_t value_count = SENTINEL_SIZE;
  st = px_logs_values(history, SIZE_MAX, values, 4, &value_count);
  expect(st, IA_, values[0] == -1 && value_count == SENTINEL_SIZE, "px_logs_values|index",
         "px_logs_values(index SIZE_MAX) fails, out-parameters untouched");
  st = px_logs_values(history, 0, values, 1, &value_count);
  expect(st, IA_, values[0] == -1 && value_count == 3, "px_logs_values|capacity",
         "px_logs_values(capacity 1 < 3) fails, writes the count, leaves the values");
  st = px_logs_values(history, 0, NULL, 5, &value_count);
  expect(st, IA_, 1, "px_logs_values|values", "px_logs_values(values NULL, capacity 5) fails");
  value_count = SENTINEL_SIZE;
  st = px_logs_values(history, 0, NULL, 0, &value_count);
  expect(st, OK_, value_count == 3, NULL, "px_logs_values(NULL, 0) reports the count");
  double value = -1;
  st = px_logs_get(history, NULL, &value);
  expect(st, IA_, value == -1, "px_logs_get|name", "px_logs_get(name NULL) fails");
  st = px_logs_get(history, "no_such_log", &value);
  expect(st, IA_, value == -1, "no_such_log", "px_logs_get(unknown name) fails naming it");
  st = px_logs_get(history, NOT_UTF8, &value);
  expect(st, IA_, value == -1, "px_logs_get|UTF|name", "px_logs_get(name not UTF-8) fails");
  st = px_logs_get(history, "loss", NULL);
  expect(st, IA_, 1, "px_logs_get|out_value", "px_logs_get(out NULL) fails");
  px_logs_release(history);
  px_logs_release(history);
  px_logs_release(NULL);
  check(1, "px_logs_release accepts NULL and released handles");

  /* options: NULL, initial_epoch, an older and a newer struct_size */
  recorder_reset();
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, NULL, record_progress, NULL, &history);
  expect(st, OK_, log_values(history, "loss", losses, 8) == 1, NULL,
         "px_model_fit(options NULL): 1 epoch");
  check_fit_events(0, 1, 8, 0, "options NULL: 8 batches of 32, Keras order");
  px_logs_release(history);
  recorder_reset();
  options = fit_options(4, 64);
  options.initial_epoch = 2;
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, OK_, log_values(history, "loss", losses, 8) == 2, NULL,
         "initial_epoch 2 of 4: two epochs in the history");
  check_fit_events(2, 4, 4, 0, "initial_epoch 2 of 4, batch 64: epochs 2 and 3 of 4 batches");
  px_logs_release(history);
  options = fit_options(1, 32);
  options.struct_size = (uint32_t)offsetof(px_fit_options, validation_x);
  options.validation_x = (const px_tensor *const *)(uintptr_t)0x1;
  options.validation_x_count = 99;
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, log_values(history, "loss", losses, 8) == 1, NULL,
         "an older caller's smaller struct_size: the fields beyond it are not read");
  px_logs_release(history);
  struct {
    px_fit_options options;
    unsigned char future[64];
  } newer;
  memset(&newer, 0, sizeof newer);
  newer.options = fit_options(1, 32);
  newer.options.struct_size = sizeof newer;
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &newer.options, NULL, NULL, &history);
  expect(st, OK_, log_values(history, "loss", losses, 8) == 1, NULL,
         "a newer caller's larger struct_size (zeros beyond) is accepted");
  px_logs_release(history);

  /* validation */
  recorder_reset();
  options = fit_options(2, 32);
  options.validation_split = 0.25;
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, OK_,
         log_values(history, "val_loss", losses, 8) == 2
             && log_values(history, "val_accuracy", losses, 8) == 2,
         NULL, "validation_split 0.25: val_loss and val_accuracy per epoch");
  check_fit_events(0, 2, 6, 1, "validation_split 0.25: 6 batches per epoch, val_loss logged");
  px_logs_release(history);
  const int64_t val_shape[2] = {64, FEATURES}, val_labels[1] = {64};
  px_tensor *vx = make_f32(val_shape, 2, xs), *vy = make_i32(val_labels, 1, ys);
  const px_tensor *vxv[1] = {vx}, *vyv[1] = {vy};
  options = fit_options(1, 32);
  options.validation_x = vxv;
  options.validation_x_count = 1;
  options.validation_y = vyv;
  options.validation_y_count = 1;
  options.shuffle = PX_OPTION_OFF;
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, log_values(history, "val_loss", losses, 8) == 1, NULL,
         "validation data (64 samples), shuffle off: val_loss logged");
  px_logs_release(history);
  px_tensor_release(vx);
  px_tensor_release(vy);

  /* event_mask: only the kinds asked for reach the callback */
  recorder_reset();
  options = fit_options(2, 64);
  options.event_mask = PX_EVENT_BIT(PX_EVENT_EPOCH_END);
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, NULL);
  if (!expect(st, OK_, rec.count == 2 && count_events(PX_EVENT_EPOCH_END) == 2, NULL,
              "event_mask EPOCH_END: the callback sees the 2 epoch ends and nothing else"))
    dump_events();
  recorder_reset();
  options.event_mask = PX_EVENT_BIT(PX_EVENT_TRAIN_BATCH_END) | PX_EVENT_BIT(PX_EVENT_TRAIN_END);
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, NULL);
  if (!expect(st, OK_,
              rec.count == 9 && count_events(PX_EVENT_TRAIN_BATCH_END) == 8
                  && count_events(PX_EVENT_TRAIN_END) == 1,
              NULL, "event_mask TRAIN_BATCH_END | TRAIN_END: 8 batch ends, then train end"))
    dump_events();
  recorder_reset();
  rec.cancel_kind = PX_EVENT_TRAIN_BATCH_END;
  rec.cancel_epoch = 0;
  rec.cancel_step = 1;
  options.event_mask = PX_EVENT_BIT(PX_EVENT_TRAIN_BATCH_END);
  history = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, CANCEL_, history == SENTINEL_LOGS && rec.count == 2,
         "px_model_fit|cancel|callback|progress",
         "with event_mask TRAIN_BATCH_END, returning 1 at batch 1 cancels after it");

  /* cancel */
  recorder_reset();
  rec.cancel_kind = PX_EVENT_TRAIN_BATCH_END;
  rec.cancel_epoch = 0;
  rec.cancel_step = 3;
  options = fit_options(3, 32);
  history = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  int cancel_at = -1;
  for (int i = 0; i < rec.count; i++)
    if (rec.events[i].kind == PX_EVENT_TRAIN_BATCH_END && rec.events[i].step == 3) cancel_at = i;
  int begun_after = 0;
  for (int i = cancel_at + 1; cancel_at >= 0 && i < rec.count; i++)
    if (rec.events[i].kind == PX_EVENT_TRAIN_BATCH_BEGIN || rec.events[i].kind == PX_EVENT_EPOCH_BEGIN)
      begun_after = 1;
  expect(st, CANCEL_, history == SENTINEL_LOGS, "px_model_fit|cancel|callback|progress",
         "a callback returning 1 at batch 3 cancels fit (PX_STATUS_CANCELLED, history untouched)");
  if (!check(cancel_at >= 0 && !begun_after && count_events(PX_EVENT_TRAIN_BATCH_BEGIN) == 4,
             "training stopped after batch 3: 4 batches run, none begun after"))
    dump_events();
  recorder_reset();
  rec.cancel_kind = PX_EVENT_EPOCH_END;
  rec.cancel_epoch = 0;
  rec.cancel_step = ANY;
  history = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, CANCEL_, history == SENTINEL_LOGS && count_events(PX_EVENT_EPOCH_BEGIN) == 1,
         "px_model_fit|cancel|callback|progress",
         "a callback returning 1 at epoch end 0 cancels before epoch 1");
  recorder_reset();
  rec.cancel_kind = PX_EVENT_TRAIN_BEGIN;
  rec.cancel_epoch = ANY;
  rec.cancel_step = ANY;
  history = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, CANCEL_, history == SENTINEL_LOGS && count_events(PX_EVENT_TRAIN_BATCH_BEGIN) == 0,
         "px_model_fit|cancel|callback|progress",
         "a callback returning 1 at train begin cancels before any batch");
  recorder_reset();
  rec.cancel_kind = PX_EVENT_TRAIN_BATCH_BEGIN;
  rec.cancel_epoch = 0;
  rec.cancel_step = 3;
  history = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  int later = 0;
  for (int i = 0; i < rec.count; i++)
    if ((rec.events[i].kind == PX_EVENT_TRAIN_BATCH_BEGIN && rec.events[i].step > 3)
        || (rec.events[i].kind == PX_EVENT_EPOCH_BEGIN && rec.events[i].epoch > 0))
      later = 1;
  expect(st, CANCEL_, history == SENTINEL_LOGS && !later, "px_model_fit|cancel|callback|progress",
         "a callback returning 1 at batch 3's begin cancels with no later batch");
  history = NULL;
  options = fit_options(1, 32);
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, history != NULL, NULL, "the model trains again after a cancelled fit");
  px_logs_release(history);

  /* stop_training: ends normally with a history of the epochs run */
  recorder_reset();
  rec.model = model;
  rec.stop_kind = PX_EVENT_EPOCH_END;
  rec.stop_epoch = 1;
  rec.stop_step = ANY;
  options = fit_options(5, 32);
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  size_t epochs_run = log_values(history, "loss", losses, 8);
  if (!expect(st, OK_,
              rec.stop_status == PX_STATUS_OK && epochs_run == 2
                  && count_events(PX_EVENT_EPOCH_BEGIN) == 2
                  && count_events(PX_EVENT_TRAIN_END) == 1,
              NULL, "px_model_stop_training at epoch end 1 of 5: fit returns OK with 2 epochs"))
    printf("#   stop_training returned %s; %zu epochs in the history; %d epoch begins, %d train "
           "ends\n", status_name(rec.stop_status), epochs_run,
           count_events(PX_EVENT_EPOCH_BEGIN), count_events(PX_EVENT_TRAIN_END));
  px_logs_release(history);
  recorder_reset();
  rec.model = model;
  rec.stop_kind = PX_EVENT_TRAIN_BATCH_END;
  rec.stop_epoch = 0;
  rec.stop_step = 2;
  options = fit_options(3, 32);
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  epochs_run = log_values(history, "loss", losses, 8);
  if (!expect(st, OK_,
              rec.stop_status == PX_STATUS_OK && epochs_run == 1
                  && count_events(PX_EVENT_TRAIN_BATCH_BEGIN) == 3,
              NULL, "px_model_stop_training at batch 2: fit returns OK after that batch, 1 epoch"))
    printf("#   stop_training returned %s; %zu epochs in the history; %d batch begins\n",
           status_name(rec.stop_status), epochs_run, count_events(PX_EVENT_TRAIN_BATCH_BEGIN));
  px_logs_release(history);
  st = px_model_stop_training(model);
  expect(st, OK_ | STATE_, 1, NULL, "px_model_stop_training outside fit returns a status");
  history = NULL;
  options = fit_options(2, 64);
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, log_values(history, "loss", losses, 8) == 2, NULL,
         "a stop asked outside fit does not cut the next fit short");
  px_logs_release(history);

  /* re-entry from the callback */
  px_model *other = make_json_model();
  recorder_reset();
  rec.model = model;
  rec.other = other;
  rec.reenter = 1;
  rec.x = xv;
  rec.y = yv;
  options = fit_options(1, 32);
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, record_progress, NULL, &history);
  expect(st, OK_, 1, NULL, "a fit whose callback calls back into Plexus completes");
  static const char *reentry_names[REENTER_CALLS] = {
      "px_model_fit", "px_model_evaluate", "px_model_predict", "px_model_train_on_batch",
      "px_model_get_weight", "px_model_summary", "px_model_count_params", "px_model_to_json",
      "px_model_name", "px_model_train_on_batch on another model"};
  for (int i = 0; i < REENTER_CALLS; i++) {
    int must_fail = i <= REENTER_TRAIN_ON_BATCH;
    px_status got = rec.reentry[i];
    int passed = must_fail ? got == PX_STATUS_INVALID_STATE && rec.reentry_untouched[i]
                                 && mentions(rec.reentry_message[i], reentry_names[i])
                           : got == PX_STATUS_OK && rec.reentry_untouched[i];
    check(passed, "from fit's callback, %s on %s %s", reentry_names[i],
          i == REENTER_OTHER_MODEL ? "it" : "the training model",
          must_fail ? "fails with PX_STATUS_INVALID_STATE naming itself" : "succeeds");
    if (!passed)
      printf("#   received %s; message \"%s\"\n", status_name(got), rec.reentry_message[i]);
  }
  px_logs_release(history);
  px_model_release(other);

  /* evaluate */
  recorder_reset();
  logs = NULL;
  st = px_model_evaluate(model, xv, 1, yv, 1, 0, record_progress, NULL, &logs);
  double eval_loss = -1, eval_accuracy = -1;
  int eval_logged = px_logs_get(logs, "loss", &eval_loss) == PX_STATUS_OK
                    && px_logs_get(logs, "accuracy", &eval_accuracy) == PX_STATUS_OK
                    && log_values(logs, "loss", values, 4) == 1;
  expect(st, OK_, eval_logged, NULL, "px_model_evaluate logs one loss (%g) and accuracy (%g)",
         eval_loss, eval_accuracy);
  check(eval_accuracy > 0.75, "the model learnt the problem (accuracy %g > 0.75)", eval_accuracy);
  check_loop_events(PX_EVENT_TEST_BEGIN, 8, "evaluate's events: test begin, 8 batches, test end");
  px_logs_release(logs);
  recorder_reset();
  logs = NULL;
  st = px_model_evaluate(model, xv, 1, yv, 1, 100, record_progress, NULL, &logs);
  expect(st, OK_, 1, NULL, "px_model_evaluate with batch_size 100");
  check_loop_events(PX_EVENT_TEST_BEGIN, 3, "evaluate with batch 100: 3 batches (the last short)");
  px_logs_release(logs);
  recorder_reset();
  rec.cancel_kind = PX_EVENT_TEST_BATCH_END;
  rec.cancel_epoch = ANY;
  rec.cancel_step = 1;
  logs = SENTINEL_LOGS;
  st = px_model_evaluate(model, xv, 1, yv, 1, 0, record_progress, NULL, &logs);
  expect(st, CANCEL_, logs == SENTINEL_LOGS && count_events(PX_EVENT_TEST_BATCH_BEGIN) == 2,
         "px_model_evaluate|cancel|callback|progress",
         "a callback returning 1 cancels evaluate after batch 1");

  /* predict */
  recorder_reset();
  outputs[0] = NULL;
  outputs[1] = SENTINEL_TENSOR;
  st = px_model_predict(model, xv, 1, 0, record_progress, NULL, outputs, 2);
  float probabilities[SAMPLES * CLASSES];
  int rows_sum_to_one = read_f32(outputs[0], probabilities, SAMPLES * CLASSES) == SAMPLES * CLASSES;
  for (int i = 0; rows_sum_to_one && i < SAMPLES; i++)
    rows_sum_to_one = close_to(probabilities[2 * i] + probabilities[2 * i + 1], 1.0, 1e-5);
  expect(st, OK_,
         has_shape(outputs[0], out_shape, 2) && rows_sum_to_one
             && outputs[1] == SENTINEL_TENSOR,
         NULL, "px_model_predict: 256x2 softmax rows, nothing written beyond the outputs");
  check_loop_events(PX_EVENT_PREDICT_BEGIN, 8, "predict's events: begin, 8 batches, end");
  px_tensor_release(outputs[0]);
  recorder_reset();
  rec.cancel_kind = PX_EVENT_PREDICT_BATCH_END;
  rec.cancel_epoch = ANY;
  rec.cancel_step = 0;
  outputs[0] = SENTINEL_TENSOR;
  st = px_model_predict(model, xv, 1, 0, record_progress, NULL, outputs, 1);
  expect(st, CANCEL_, outputs[0] == SENTINEL_TENSOR, "px_model_predict|cancel|callback|progress",
         "a callback returning 1 cancels predict, outputs untouched");

  /* predict_on_batch equals predict */
  const int64_t five_rows[2] = {5, FEATURES};
  px_tensor *x5 = make_f32(five_rows, 2, xs);
  const px_tensor *x5v[1] = {x5};
  outputs[0] = NULL;
  st = px_model_predict_on_batch(model, x5v, 1, outputs, 1);
  float five[10];
  const int64_t five_out[2] = {5, CLASSES};
  int same_rows = read_f32(outputs[0], five, 10) == 10;
  for (int i = 0; same_rows && i < 10; i++) same_rows = close_to(five[i], probabilities[i], 1e-5);
  expect(st, OK_, has_shape(outputs[0], five_out, 2) && same_rows, NULL,
         "px_model_predict_on_batch: 5x2, equal to predict's first rows");
  px_tensor_release(outputs[0]);
  px_tensor_release(x5);

  /* train_on_batch */
  logs = NULL;
  double batch_loss = -1;
  st = px_model_train_on_batch(model, xv, 1, yv, 1, &logs);
  int batch_logged = px_logs_get(logs, "loss", &batch_loss) == PX_STATUS_OK && batch_loss > 0
                     && batch_loss < 10;
  expect(st, OK_, batch_logged, NULL, "px_model_train_on_batch logs a loss (%g)", batch_loss);
  px_logs_release(logs);
  st = px_model_train_on_batch(model, xv, 1, yv, 1, NULL);
  expect(st, OK_, 1, NULL, "px_model_train_on_batch(out_logs NULL) is allowed");

  px_tensor_release(x3);
  px_tensor_release(x1);
  px_tensor_release(xr3);
  px_tensor_release(x0);
  px_tensor_release(y0);
  px_tensor_release(y_short);
  px_tensor_release(y_float);
  px_tensor_release(y_onehot);
  px_tensor_release(y_range);
  px_tensor_release(y_negative);
  px_tensor_release(x);
  px_tensor_release(y);
  px_model_release(model);
}

/* ---------------------------------------------------------------------------------------------
 * Section: weights, JSON round trip, compile_config, views held by a model
 * ------------------------------------------------------------------------------------------- */

static void section_weights(void) {
  px_status st;
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_json_model();
  check(model != NULL, "the JSON model, compiled with JSON configs (Adam 0.02, from_logits)");
  if (model == NULL) return;

  /* it learns */
  px_fit_options options = fit_options(10, 32);
  px_logs *history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, 1, NULL, "fit 10 epochs");
  px_logs_release(history);
  px_logs *logs = NULL;
  double accuracy = -1;
  st = px_model_evaluate(model, xv, 1, yv, 1, 0, NULL, NULL, &logs);
  int learnt = px_logs_get(logs, "accuracy", &accuracy) == PX_STATUS_OK && accuracy > 0.9;
  expect(st, OK_, learnt, NULL, "the JSON-configured model reaches accuracy %g > 0.9", accuracy);
  px_logs_release(logs);

  /* count, paths */
  size_t count = SENTINEL_SIZE;
  st = px_model_weight_count(model, NULL);
  expect(st, IA_, 1, "px_model_weight_count", "px_model_weight_count(out NULL) fails");
  st = px_model_weight_count(model, &count);
  expect(st, OK_, count == 4, NULL, "px_model_weight_count reads 4");
  char paths[4][128];
  int paths_ok = 1;
  for (size_t i = 0; i < 4; i++)
    paths_ok = paths_ok && px_model_weight_path(model, i, paths[i], 128, NULL) == PX_STATUS_OK;
  check(paths_ok && contains(paths[0], "hidden") && contains(paths[0], "kernel")
            && contains(paths[1], "hidden") && contains(paths[1], "bias")
            && contains(paths[2], "logits") && contains(paths[2], "kernel")
            && contains(paths[3], "logits") && contains(paths[3], "bias"),
        "the weight paths name hidden/kernel, hidden/bias, logits/kernel, logits/bias in order");
  char path[128];
  memset(path, 'Z', sizeof path);
  size_t needed = SENTINEL_SIZE;
  st = px_model_weight_path(model, SIZE_MAX, path, sizeof path, &needed);
  expect(st, IA_, path[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_weight_path|index",
         "px_model_weight_path(index SIZE_MAX) fails, out-parameters untouched");
  st = px_model_weight_path(model, 4, path, sizeof path, &needed);
  expect(st, IA_, path[0] == 'Z', "px_model_weight_path|index",
         "px_model_weight_path(index 4 of 4) fails");
  st = px_model_weight_path(model, 0, path, 2, &needed);
  expect(st, IA_, path[0] == 'Z' && needed == strlen(paths[0]) + 1,
         "px_model_weight_path|capacity",
         "px_model_weight_path with a buffer too small fails and writes needed");

  /* get / set */
  px_tensor *kernel = SENTINEL_TENSOR;
  st = px_model_get_weight(model, NULL, &kernel);
  expect(st, IA_, kernel == SENTINEL_TENSOR, "px_model_get_weight|path",
         "px_model_get_weight(path NULL) fails");
  st = px_model_get_weight(model, "no_such/kernel", &kernel);
  expect(st, IA_, kernel == SENTINEL_TENSOR, "no_such/kernel",
         "px_model_get_weight(unknown path) fails naming it");
  st = px_model_get_weight(model, NOT_UTF8, &kernel);
  expect(st, IA_, kernel == SENTINEL_TENSOR, "px_model_get_weight|UTF|path",
         "px_model_get_weight(path not UTF-8) fails");
  st = px_model_get_weight(model, paths[0], NULL);
  expect(st, IA_, 1, "px_model_get_weight|out_tensor", "px_model_get_weight(out NULL) fails");
  const int64_t kernel_shape[2] = {FEATURES, HIDDEN};
  st = px_model_get_weight(model, paths[0], &kernel);
  float original[FEATURES * HIDDEN];
  expect(st, OK_,
         has_shape(kernel, kernel_shape, 2)
             && read_f32(kernel, original, FEATURES * HIDDEN) == FEATURES * HIDDEN,
         NULL, "px_model_get_weight(\"%s\") is a 2x16 float32 tensor", paths[0]);
  float changed[FEATURES * HIDDEN];
  for (int i = 0; i < FEATURES * HIDDEN; i++) changed[i] = original[i] + 1;
  px_tensor *new_kernel = make_f32(kernel_shape, 2, changed);
  const int64_t wrong_shape[2] = {HIDDEN, FEATURES};
  px_tensor *transposed = make_f32(wrong_shape, 2, changed);
  double wide[FEATURES * HIDDEN] = {0};
  px_tensor *wide_kernel = NULL;
  check(px_tensor_create(PX_DTYPE_FLOAT64, kernel_shape, 2, wide, sizeof wide, &wide_kernel)
            == PX_STATUS_OK,
        "a float64 2x16 tensor");
  st = px_model_set_weight(model, paths[0], transposed);
  expect(st, IA_, 1, "px_model_set_weight|shape", "px_model_set_weight(16x2 for 2x16) fails");
  st = px_model_set_weight(model, paths[0], wide_kernel);
  expect(st, IA_, 1, "px_model_set_weight|dtype", "px_model_set_weight(float64 for float32) fails");
  st = px_model_set_weight(model, paths[0], NULL);
  expect(st, IA_, 1, "px_model_set_weight|value", "px_model_set_weight(value NULL) fails");
  st = px_model_set_weight(model, NULL, new_kernel);
  expect(st, IA_, 1, "px_model_set_weight|path", "px_model_set_weight(path NULL) fails");
  st = px_model_set_weight(model, NOT_UTF8, new_kernel);
  expect(st, IA_, 1, "px_model_set_weight|UTF|path", "px_model_set_weight(path not UTF-8) fails");
  st = px_model_set_weight(model, "no_such/kernel", new_kernel);
  expect(st, IA_, 1, "no_such/kernel", "px_model_set_weight(unknown path) fails naming it");
  px_tensor *after = NULL;
  float now[FEATURES * HIDDEN];
  check(px_model_get_weight(model, paths[0], &after) == PX_STATUS_OK
            && read_f32(after, now, FEATURES * HIDDEN) == FEATURES * HIDDEN
            && memcmp(now, original, sizeof now) == 0,
        "the rejected px_model_set_weight calls left the kernel as it was");
  px_tensor_release(after);
  st = px_model_set_weight(model, paths[0], new_kernel);
  after = NULL;
  expect(st, OK_,
         px_model_get_weight(model, paths[0], &after) == PX_STATUS_OK
             && read_f32(after, now, FEATURES * HIDDEN) == FEATURES * HIDDEN
             && memcmp(now, changed, sizeof now) == 0,
         NULL, "px_model_set_weight then px_model_get_weight round trips");
  px_tensor_release(after);
  check(read_f32(kernel, now, FEATURES * HIDDEN) == FEATURES * HIDDEN
            && memcmp(now, original, sizeof now) == 0,
        "a tensor from px_model_get_weight is a copy: setting the weight leaves it as it was");
  st = px_model_set_weight(model, paths[0], kernel);
  expect(st, OK_, 1, NULL, "set the original kernel back");
  px_tensor_release(kernel);
  px_tensor_release(new_kernel);
  px_tensor_release(transposed);
  px_tensor_release(wide_kernel);

  /* a view handed to set_weight and fit: its deleter runs once, after the model lets go */
  int view_deletes = 0;
  float *view_data = malloc(sizeof changed);
  memcpy(view_data, changed, sizeof changed);
  px_tensor *view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, kernel_shape, 2, view_data, sizeof changed,
                             freeing_deleter, &view_deletes, &view);
  expect(st, OK_, px_model_set_weight(model, paths[0], view) == PX_STATUS_OK, NULL,
         "px_model_set_weight from a view");
  int x_view_deletes = 0;
  float *x_data = malloc(sizeof xs);
  memcpy(x_data, xs, sizeof xs);
  px_tensor *x_view = NULL;
  check(px_tensor_create_view(PX_DTYPE_FLOAT32, x_shape, 2, x_data, sizeof xs, freeing_deleter,
                              &x_view_deletes, &x_view) == PX_STATUS_OK,
        "a view over the training data");
  const px_tensor *x_viewv[1] = {x_view};
  options = fit_options(1, 32);
  options.validation_x = x_viewv;
  options.validation_x_count = 1;
  options.validation_y = yv;
  options.validation_y_count = 1;
  st = px_model_fit(model, x_viewv, 1, yv, 1, &options, NULL, NULL, NULL);
  expect(st, OK_, 1, NULL, "fit on a view (and validate on it)");
  check(read_counter(&view_deletes) == 0 && read_counter(&x_view_deletes) == 0,
        "no view deleter runs while the caller holds the views");
  px_tensor_release(view);
  px_tensor_release(x_view);
  check(read_counter(&view_deletes) <= 1 && read_counter(&x_view_deletes) <= 1,
        "after the caller's release each deleter has run at most once");

  /* to_json, from_json, the same predictions */
  size_t json_size = 0;
  char *json = NULL;
  if (px_model_to_json(model, NULL, 0, &json_size) == PX_STATUS_OK) {
    json = malloc(json_size);
    if (px_model_to_json(model, json, json_size, NULL) != PX_STATUS_OK) {
      free(json);
      json = NULL;
    }
  }
  check(json != NULL, "px_model_to_json of the trained model");
  px_model *copy = NULL;
  st = px_model_from_json(json, &copy);
  expect(st, OK_, 1, NULL, "px_model_from_json of that JSON");
  int copied = st == PX_STATUS_OK;
  for (size_t i = 0; copied && i < 4; i++) {
    px_tensor *w = NULL;
    copied = px_model_get_weight(model, paths[i], &w) == PX_STATUS_OK
             && px_model_set_weight(copy, paths[i], w) == PX_STATUS_OK;
    px_tensor_release(w);
  }
  check(copied, "the copy takes every weight by path");
  px_tensor *a = NULL, *b = NULL;
  float pa[SAMPLES * CLASSES], pb[SAMPLES * CLASSES];
  int same = copied && px_model_predict_on_batch(model, xv, 1, &a, 1) == PX_STATUS_OK
             && px_model_predict_on_batch(copy, xv, 1, &b, 1) == PX_STATUS_OK
             && read_f32(a, pa, SAMPLES * CLASSES) == SAMPLES * CLASSES
             && read_f32(b, pb, SAMPLES * CLASSES) == SAMPLES * CLASSES;
  for (int i = 0; same && i < SAMPLES * CLASSES; i++) same = close_to(pa[i], pb[i], 1e-6);
  check(same, "to_json then from_json (and the weights) gives the same predictions");
  px_tensor_release(a);
  px_tensor_release(b);
  char *json2 = NULL;
  size_t json2_size = 0;
  if (copy != NULL && px_model_to_json(copy, NULL, 0, &json2_size) == PX_STATUS_OK) {
    json2 = malloc(json2_size);
    if (px_model_to_json(copy, json2, json2_size, NULL) != PX_STATUS_OK) json2[0] = '\0';
  }
  check(json != NULL && json2 != NULL && strcmp(json, json2) == 0,
        "and the copy's JSON equals the original's");
  free(json2);
  free(json);
  px_model_release(copy);

  /* compile_config in the JSON compiles the model */
  size_t mlp_length = strlen(MLP_JSON);
  char *compiled_json = malloc(mlp_length + 512);
  memcpy(compiled_json, MLP_JSON, mlp_length - 1);
  snprintf(compiled_json + mlp_length - 1, 512,
           ", \"compile_config\": {\"optimizer\": {\"class_name\": \"SGD\", \"config\": "
           "{\"learning_rate\": 0.1}}, \"loss\": %s, \"metrics\": [\"accuracy\"], "
           "\"loss_weights\": null, \"weighted_metrics\": null, \"run_eagerly\": false, "
           "\"steps_per_execution\": 1, \"jit_compile\": false}}",
           SCCE_LOGITS_JSON);
  px_model *precompiled = NULL;
  st = px_model_from_json(compiled_json, &precompiled);
  expect(st, OK_, 1, NULL, "px_model_from_json with a compile_config");
  history = NULL;
  options = fit_options(1, 32);
  double history_accuracy[2];
  st = px_model_fit(precompiled, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, log_values(history, "accuracy", history_accuracy, 2) == 1, NULL,
         "that model fits without px_model_compile, logging accuracy");
  px_logs_release(history);
  px_model_release(precompiled);
  free(compiled_json);

  px_model_release(model);
  check(read_counter(&view_deletes) == 1 && read_counter(&x_view_deletes) == 1,
        "after the model's release each view's deleter has run exactly once");
  px_tensor_release(x);
  px_tensor_release(y);
}

/* ---------------------------------------------------------------------------------------------
 * Section: NULL, released, forged and wrong-type handles for every function that takes one
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  px_model *model; /* compiled and built */
  const px_tensor *const *x;
  const px_tensor *const *y;
  px_tensor *good; /* a live tensor */
  const char *path;
} handle_fixture;

static void sweep_tensor(const handle_fixture *f, px_tensor *bad, const char *what) {
  px_status st;
  int32_t dtype = 77;
  size_t size = SENTINEL_SIZE;
  int64_t dims[2] = {77, 77};
  void *data = SENTINEL_POINTER;
  float buffer[2] = {77, 77};
  struct DLManagedTensorVersioned *managed = SENTINEL_MANAGED;
  st = px_tensor_retain(bad);
  expect(st, IA_, 1, "px_tensor_retain", "px_tensor_retain(%s) fails", what);
  st = px_tensor_dtype(bad, &dtype);
  expect(st, IA_, dtype == 77, "px_tensor_dtype", "px_tensor_dtype(%s) fails", what);
  st = px_tensor_rank(bad, &size);
  expect(st, IA_, size == SENTINEL_SIZE, "px_tensor_rank", "px_tensor_rank(%s) fails", what);
  st = px_tensor_shape(bad, dims, 2);
  expect(st, IA_, dims[0] == 77, "px_tensor_shape", "px_tensor_shape(%s) fails", what);
  st = px_tensor_element_count(bad, &size);
  expect(st, IA_, size == SENTINEL_SIZE, "px_tensor_element_count",
         "px_tensor_element_count(%s) fails", what);
  st = px_tensor_byte_size(bad, &size);
  expect(st, IA_, size == SENTINEL_SIZE, "px_tensor_byte_size", "px_tensor_byte_size(%s) fails",
         what);
  st = px_tensor_data(bad, &data);
  expect(st, IA_, data == SENTINEL_POINTER, "px_tensor_data", "px_tensor_data(%s) fails", what);
  st = px_tensor_copy_to(bad, buffer, sizeof buffer);
  expect(st, IA_, buffer[0] == 77, "px_tensor_copy_to", "px_tensor_copy_to(%s) fails", what);
  st = px_tensor_to_dlpack(bad, &managed);
  expect(st, IA_, managed == SENTINEL_MANAGED, "px_tensor_to_dlpack",
         "px_tensor_to_dlpack(%s) fails", what);
  px_tensor *outputs[1] = {SENTINEL_TENSOR};
  const px_tensor *one[1] = {bad};
  st = px_ops_call("negative", one, 1, NULL, outputs, 1, NULL);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call", "px_ops_call(input %s) fails",
         what);
  const px_tensor *pair[2] = {f->good, bad};
  st = px_ops_call("add", pair, 2, NULL, outputs, 1, NULL);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call",
         "px_ops_call(second input %s) fails", what);
  st = px_model_set_weight(f->model, f->path, bad);
  expect(st, IA_, 1, "px_model_set_weight", "px_model_set_weight(value %s) fails", what);
  px_logs *logs = SENTINEL_LOGS;
  st = px_model_fit(f->model, one, 1, f->y, 1, NULL, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit", "px_model_fit(x %s) fails", what);
  st = px_model_fit(f->model, f->x, 1, one, 1, NULL, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit", "px_model_fit(y %s) fails", what);
  px_fit_options options = fit_options(1, 32);
  options.validation_x = one;
  options.validation_x_count = 1;
  options.validation_y = f->y;
  options.validation_y_count = 1;
  st = px_model_fit(f->model, f->x, 1, f->y, 1, &options, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit",
         "px_model_fit(validation_x %s) fails", what);
  st = px_model_evaluate(f->model, one, 1, f->y, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate", "px_model_evaluate(x %s) fails",
         what);
  st = px_model_evaluate(f->model, f->x, 1, one, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate", "px_model_evaluate(y %s) fails",
         what);
  st = px_model_predict(f->model, one, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict",
         "px_model_predict(x %s) fails", what);
  st = px_model_predict_on_batch(f->model, one, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch",
         "px_model_predict_on_batch(x %s) fails", what);
  st = px_model_train_on_batch(f->model, one, 1, f->y, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch",
         "px_model_train_on_batch(x %s) fails", what);
  st = px_model_train_on_batch(f->model, f->x, 1, one, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch",
         "px_model_train_on_batch(y %s) fails", what);
}

static void sweep_model(const handle_fixture *f, px_model *bad, const char *what) {
  px_status st;
  const int64_t features[1] = {FEATURES}, build_shape[2] = {-1, FEATURES};
  char buffer[64];
  memset(buffer, 'Z', sizeof buffer);
  size_t needed = SENTINEL_SIZE, count = SENTINEL_SIZE;
  px_tensor *tensor = SENTINEL_TENSOR;
  px_logs *logs = SENTINEL_LOGS;
  px_tensor *outputs[1] = {SENTINEL_TENSOR};
  px_layer *layer = NULL;
  const char *accuracy[1] = {"accuracy"};
  st = px_model_add_input(bad, features, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input", "px_model_add_input(%s) fails", what);
  if (px_layer_create("Dense", "{\"units\": 2}", &layer) == PX_STATUS_OK) {
    st = px_model_add(bad, layer);
    expect(st, IA_, 1, "px_model_add", "px_model_add(%s) fails", what);
    px_layer_release(layer);
  }
  st = px_model_to_json(bad, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_to_json",
         "px_model_to_json(%s) fails", what);
  st = px_model_build(bad, build_shape, 2);
  expect(st, IA_, 1, "px_model_build", "px_model_build(%s) fails", what);
  st = px_model_set_backend(bad, "reference");
  expect(st, IA_, 1, "px_model_set_backend", "px_model_set_backend(%s) fails", what);
  st = px_model_name(bad, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_name",
         "px_model_name(%s) fails", what);
  st = px_model_input_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_input_count",
         "px_model_input_count(%s) fails", what);
  st = px_model_output_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_output_count",
         "px_model_output_count(%s) fails", what);
  st = px_model_count_params(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_count_params",
         "px_model_count_params(%s) fails", what);
  st = px_model_summary(bad, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_summary",
         "px_model_summary(%s) fails", what);
  st = px_model_weight_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_weight_count",
         "px_model_weight_count(%s) fails", what);
  st = px_model_weight_path(bad, 0, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_weight_path",
         "px_model_weight_path(%s) fails", what);
  st = px_model_get_weight(bad, f->path, &tensor);
  expect(st, IA_, tensor == SENTINEL_TENSOR, "px_model_get_weight",
         "px_model_get_weight(%s) fails", what);
  st = px_model_set_weight(bad, f->path, f->good);
  expect(st, IA_, 1, "px_model_set_weight", "px_model_set_weight(%s) fails", what);
  st = px_model_compile(bad, "adam", "mse", accuracy, 1);
  expect(st, IA_, 1, "px_model_compile", "px_model_compile(%s) fails", what);
  st = px_model_fit(bad, f->x, 1, f->y, 1, NULL, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit", "px_model_fit(%s) fails", what);
  st = px_model_stop_training(bad);
  expect(st, IA_, 1, "px_model_stop_training", "px_model_stop_training(%s) fails", what);
  st = px_model_evaluate(bad, f->x, 1, f->y, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate", "px_model_evaluate(%s) fails",
         what);
  st = px_model_predict(bad, f->x, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict",
         "px_model_predict(%s) fails", what);
  st = px_model_predict_on_batch(bad, f->x, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch",
         "px_model_predict_on_batch(%s) fails", what);
  st = px_model_train_on_batch(bad, f->x, 1, f->y, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch",
         "px_model_train_on_batch(%s) fails", what);
}

static void sweep_layer(const handle_fixture *f, px_layer *bad, const char *what) {
  px_model *model = NULL;
  const int64_t features[1] = {FEATURES};
  (void)f;
  if (px_model_create_sequential("layer_sweep", &model) != PX_STATUS_OK
      || px_model_add_input(model, features, 1, PX_DTYPE_FLOAT32) != PX_STATUS_OK) {
    check(0, "a model to add %s to", what);
    px_model_release(model);
    return;
  }
  px_status st = px_model_add(model, bad);
  size_t params = SENTINEL_SIZE;
  expect(st, IA_, 1, "px_model_add", "px_model_add(model, layer %s) fails", what);
  check(px_model_weight_count(model, &params) == PX_STATUS_OK && params == 0,
        "and adds nothing to the model");
  px_model_release(model);
}

static void sweep_logs(px_logs *bad, const char *what) {
  px_status st;
  size_t count = SENTINEL_SIZE, needed = SENTINEL_SIZE;
  char buffer[16];
  memset(buffer, 'Z', sizeof buffer);
  double values[2] = {-1, -1};
  st = px_logs_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_logs_count", "px_logs_count(%s) fails", what);
  st = px_logs_name(bad, 0, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_logs_name",
         "px_logs_name(%s) fails", what);
  st = px_logs_values(bad, 0, values, 2, &count);
  expect(st, IA_, values[0] == -1 && count == SENTINEL_SIZE, "px_logs_values",
         "px_logs_values(%s) fails", what);
  st = px_logs_get(bad, "loss", values);
  expect(st, IA_, values[0] == -1, "px_logs_get", "px_logs_get(%s) fails", what);
}

static void section_handles(void) {
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_json_model();
  px_logs *logs = NULL;
  px_layer *layer = NULL;
  check(model != NULL && x != NULL && y != NULL
            && px_model_train_on_batch(model, xv, 1, yv, 1, &logs) == PX_STATUS_OK
            && px_layer_create("Dense", "{\"units\": 2}", &layer) == PX_STATUS_OK,
        "live handles of each type: a tensor, a model, logs, a layer");
  if (model == NULL || x == NULL || y == NULL || logs == NULL || layer == NULL) return;
  handle_fixture f = {model, xv, yv, x, "hidden/kernel"};
  char path[128];
  if (px_model_weight_path(model, 0, path, sizeof path, NULL) == PX_STATUS_OK) f.path = path;

  /* released handles of each type */
  const float one_value[1] = {1};
  px_tensor *released_tensor = vector_f32(1, one_value);
  px_tensor_release(released_tensor);
  px_model *released_model = make_json_model();
  px_model_release(released_model);
  px_logs *released_logs = NULL;
  check(px_model_train_on_batch(model, xv, 1, yv, 1, &released_logs) == PX_STATUS_OK,
        "logs to release");
  px_logs_release(released_logs);
  px_layer *released_layer = NULL;
  check(px_layer_create("Dense", "{\"units\": 2}", &released_layer) == PX_STATUS_OK,
        "a layer to release");
  px_layer_release(released_layer);
  px_layer *added_layer = NULL;
  px_model *holder = NULL;
  const int64_t features[1] = {FEATURES};
  check(px_layer_create("Dense", "{\"units\": 2}", &added_layer) == PX_STATUS_OK
            && px_model_create_sequential("holder", &holder) == PX_STATUS_OK
            && px_model_add_input(holder, features, 1, PX_DTYPE_FLOAT32) == PX_STATUS_OK
            && px_model_add(holder, added_layer) == PX_STATUS_OK,
        "a layer added to a model");
  px_layer_release(added_layer); /* the model keeps its own reference; the handle is gone */

  sweep_tensor(&f, NULL, "NULL");
  sweep_tensor(&f, released_tensor, "a released tensor");
  sweep_tensor(&f, (px_tensor *)model, "a model handle");
  sweep_tensor(&f, (px_tensor *)logs, "a logs handle");
  sweep_tensor(&f, (px_tensor *)layer, "a layer handle");
  sweep_tensor(&f, (px_tensor *)forged_bytes, "a forged pointer");
  sweep_model(&f, NULL, "NULL");
  sweep_model(&f, released_model, "a released model");
  sweep_model(&f, (px_model *)x, "a tensor handle");
  sweep_model(&f, (px_model *)logs, "a logs handle");
  sweep_model(&f, (px_model *)layer, "a layer handle");
  sweep_model(&f, (px_model *)forged_bytes, "a forged pointer");
  sweep_layer(&f, released_layer, "released");
  sweep_layer(&f, added_layer, "released after it was added to a model");
  sweep_layer(&f, (px_layer *)x, "a tensor handle");
  sweep_layer(&f, (px_layer *)holder, "a model handle");
  sweep_layer(&f, (px_layer *)logs, "a logs handle");
  sweep_layer(&f, (px_layer *)forged_bytes, "a forged pointer");
  sweep_logs(NULL, "NULL");
  sweep_logs(released_logs, "released logs");
  sweep_logs((px_logs *)x, "a tensor handle");
  sweep_logs((px_logs *)model, "a model handle");
  sweep_logs((px_logs *)layer, "a layer handle");
  sweep_logs((px_logs *)forged_bytes, "a forged pointer");

  /* the release functions ignore NULL, released, forged and wrong-type handles */
  px_tensor_release(NULL);
  px_tensor_release(released_tensor);
  px_tensor_release((px_tensor *)forged_bytes);
  px_tensor_release((px_tensor *)model);
  px_tensor_release((px_tensor *)logs);
  px_tensor_release((px_tensor *)layer);
  px_model_release(NULL);
  px_model_release(released_model);
  px_model_release((px_model *)forged_bytes);
  px_model_release((px_model *)x);
  px_model_release((px_model *)logs);
  px_model_release((px_model *)layer);
  px_layer_release(NULL);
  px_layer_release(released_layer);
  px_layer_release((px_layer *)forged_bytes);
  px_layer_release((px_layer *)x);
  px_layer_release((px_layer *)model);
  px_layer_release((px_layer *)logs);
  px_logs_release(NULL);
  px_logs_release(released_logs);
  px_logs_release((px_logs *)forged_bytes);
  px_logs_release((px_logs *)x);
  px_logs_release((px_logs *)model);
  px_logs_release((px_logs *)layer);
  size_t count = 0;
  int32_t dtype = -1;
  double loss = -1;
  char name[32];
  px_model *added_to = NULL;
  check(px_tensor_dtype(x, &dtype) == PX_STATUS_OK, "the tensor survives the wrong-type releases");
  check(px_model_name(model, name, sizeof name, NULL) == PX_STATUS_OK,
        "the model survives the wrong-type releases");
  check(px_logs_get(logs, "loss", &loss) == PX_STATUS_OK && px_logs_count(logs, &count) == PX_STATUS_OK,
        "the logs survive the wrong-type releases");
  check(px_model_create_sequential("survivor", &added_to) == PX_STATUS_OK
            && px_model_add_input(added_to, features, 1, PX_DTYPE_FLOAT32) == PX_STATUS_OK
            && px_model_add(added_to, layer) == PX_STATUS_OK,
        "the layer survives the wrong-type releases (it can still be added)");
  const int64_t one_row[2] = {1, FEATURES};
  px_tensor *row = make_f32(one_row, 2, xs), *held_out = NULL;
  const px_tensor *rowv[1] = {row};
  const int64_t held_shape[2] = {1, 2};
  check(px_model_predict_on_batch(holder, rowv, 1, &held_out, 1) == PX_STATUS_OK
            && has_shape(held_out, held_shape, 2),
        "a model keeps a layer whose handle was released (it predicts 1x2)");
  px_tensor_release(held_out);
  px_tensor_release(row);
  px_model_release(added_to);
  px_model_release(holder);
  px_layer_release(layer);
  px_logs_release(logs);
  px_model_release(model);
  px_tensor_release(x);
  px_tensor_release(y);
}

/* ---------------------------------------------------------------------------------------------
 * Section: the same seed gives the same training run
 * ------------------------------------------------------------------------------------------- */

static float *seeded_run(uint64_t seed, size_t *total) {
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  *total = 0;
  if (px_config_set_seed(seed) != PX_STATUS_OK) return NULL;
  px_model *model = make_json_model();
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_fit_options options = fit_options(2, 32);
  options.shuffle = PX_OPTION_ON;
  float *weights = NULL;
  if (model != NULL && px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL) == PX_STATUS_OK)
    weights = snapshot_weights(model, total);
  px_model_release(model);
  px_tensor_release(x);
  px_tensor_release(y);
  return weights;
}

static void section_seed(void) {
  make_problem();
  size_t a_total = 0, b_total = 0, c_total = 0;
  float *a = seeded_run(1234, &a_total);
  float *b = seeded_run(1234, &b_total);
  float *c = seeded_run(4321, &c_total);
  check(a != NULL && b != NULL && a_total == 82 && b_total == 82
            && memcmp(a, b, a_total * sizeof(float)) == 0,
        "two fits (shuffled) after px_config_set_seed(1234) end with identical weights");
  check(a != NULL && c != NULL && c_total == 82 && memcmp(a, c, a_total * sizeof(float)) != 0,
        "a fit after another seed ends with different weights");
  free(a);
  free(b);
  free(c);
}

/* ---------------------------------------------------------------------------------------------
 * Section: threads sharing one model, tensors and the error state
 * ------------------------------------------------------------------------------------------- */

#define WORKERS 4
#define ROUNDS 12

typedef struct {
  px_model *model;
  const float *expected; /* the shared model's predictions for the first 8 samples */
  px_tensor *shared;      /* a view each worker holds one reference to, released at its end */
  int id;
  int errors;
  char first_error[200];
} worker;

static void worker_error(worker *w, const char *what) {
  if (w->errors++ == 0)
    snprintf(w->first_error, sizeof w->first_error, "%s (last error \"%.100s\")", what,
             px_last_error_message());
}

static void *predict_worker(void *argument) {
  worker *w = argument;
  const int64_t shape[2] = {8, FEATURES};
  for (int round = 0; round < ROUNDS; round++) {
    px_tensor *x = make_f32(shape, 2, xs);
    if (x == NULL) {
      worker_error(w, "px_tensor_create");
      continue;
    }
    const px_tensor *xv[1] = {x};
    px_tensor *out = NULL;
    float values[8 * CLASSES];
    if (px_model_predict(w->model, xv, 1, 0, NULL, NULL, &out, 1) != PX_STATUS_OK
        || read_f32(out, values, 8 * CLASSES) != 8 * CLASSES)
      worker_error(w, "px_model_predict");
    else
      for (int i = 0; i < 8 * CLASSES; i++)
        if (!close_to(values[i], w->expected[i], 1e-5)) {
          worker_error(w, "px_model_predict gave other values than on the main thread");
          break;
        }
    px_tensor_release(out);
    out = NULL;
    if (px_model_predict_on_batch(w->model, xv, 1, &out, 1) != PX_STATUS_OK)
      worker_error(w, "px_model_predict_on_batch");
    px_tensor_release(out);
    /* churn: tensors made, retained, copied and released */
    for (int k = 0; k < 8; k++) {
      px_tensor *t = vector_f32(4, xs + k);
      float back[4];
      if (t == NULL || px_tensor_retain(t) != PX_STATUS_OK || read_f32(t, back, 4) != 4
          || back[0] != xs[k])
        worker_error(w, "tensor churn");
      px_tensor_release(t);
      px_tensor_release(t);
    }
    if (px_tensor_retain(w->shared) != PX_STATUS_OK) worker_error(w, "retain the shared view");
    px_tensor_release(w->shared);
    /* this thread's error state is its own */
    px_status st = px_tensor_create(-1, shape, 2, NULL, 0, &out);
    if (st != PX_STATUS_INVALID_ARGUMENT || !contains(px_last_error_message(), "px_tensor_create"))
      worker_error(w, "the last error of a failed px_tensor_create");
  }
  px_tensor_release(w->shared); /* the last of these runs the deleter, on some worker */
  return NULL;
}

typedef struct {
  px_model *shared_model;
  px_model *own_model;
  int errors;
  char first_error[200];
} bystander;

static void bystander_error(bystander *b, const char *what) {
  if (b->errors++ == 0)
    snprintf(b->first_error, sizeof b->first_error, "%s (last error \"%.100s\")", what,
             px_last_error_message());
}

/* Settings, backends, errors, read-only calls on the shared model and training of its own. */
static void *bystander_thread(void *argument) {
  bystander *b = argument;
  const int64_t shape[2] = {32, FEATURES}, labels[1] = {32};
  px_tensor *x = make_f32(shape, 2, xs), *y = make_i32(labels, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  for (int round = 0; round < ROUNDS; round++) {
    size_t count = 0, needed = 0;
    int64_t threads = -1;
    char name[64];
    if (px_backend_count(&count) != PX_STATUS_OK || count == 0
        || px_backend_name(0, name, sizeof name, NULL) != PX_STATUS_OK
        || px_config_threads(&threads) != PX_STATUS_OK
        || px_config_backend(name, sizeof name, NULL) != PX_STATUS_OK)
      bystander_error(b, "settings and backends");
    if (px_logs_get(NULL, "loss", NULL) != PX_STATUS_INVALID_ARGUMENT
        || !contains(px_last_error_message(), "px_logs_get"))
      bystander_error(b, "this thread's last error names px_logs_get");
    if (px_backend_count(&count) != PX_STATUS_OK || px_last_error_message()[0] != '\0')
      bystander_error(b, "a success clears this thread's last error");
    px_tensor *weight = NULL;
    char path[128];
    if (px_model_summary(b->shared_model, NULL, 0, &needed) != PX_STATUS_OK
        || px_model_weight_path(b->shared_model, 0, path, sizeof path, NULL) != PX_STATUS_OK
        || px_model_get_weight(b->shared_model, path, &weight) != PX_STATUS_OK
        || px_model_to_json(b->shared_model, NULL, 0, &needed) != PX_STATUS_OK)
      bystander_error(b, "read-only calls on the shared model");
    px_tensor_release(weight);
    px_logs *logs = NULL;
    if (px_model_train_on_batch(b->own_model, xv, 1, yv, 1, &logs) != PX_STATUS_OK)
      bystander_error(b, "train_on_batch on its own model");
    px_logs_release(logs);
  }
  px_fit_options options = fit_options(1, 8);
  if (px_model_fit(b->own_model, xv, 1, yv, 1, &options, NULL, NULL, NULL) != PX_STATUS_OK)
    bystander_error(b, "fit on its own model");
  px_tensor_release(x);
  px_tensor_release(y);
  return NULL;
}

static void section_threads(void) {
  make_problem();
  px_model *model = make_json_model();
  px_model *own = make_json_model();
  const int64_t shape[2] = {8, FEATURES};
  px_tensor *x = make_f32(shape, 2, xs);
  const px_tensor *xv[1] = {x};
  px_tensor *out = NULL;
  float expected[8 * CLASSES];
  int ready = model != NULL && own != NULL && x != NULL
              && px_model_predict(model, xv, 1, 0, NULL, NULL, &out, 1) == PX_STATUS_OK
              && read_f32(out, expected, 8 * CLASSES) == 8 * CLASSES;
  px_tensor_release(out);
  px_tensor_release(x);
  check(ready, "a shared model and its predictions on the main thread");
  if (!ready) {
    px_model_release(model);
    px_model_release(own);
    return;
  }
  int shared_deletes = 0;
  float *shared_data = malloc(4 * sizeof(float));
  memcpy(shared_data, xs, 4 * sizeof(float));
  const int64_t four[1] = {4};
  px_tensor *shared = NULL;
  check(px_tensor_create_view(PX_DTYPE_FLOAT32, four, 1, shared_data, 4 * sizeof(float),
                              freeing_deleter, &shared_deletes, &shared) == PX_STATUS_OK,
        "a view shared by the workers");
  for (int i = 0; i < WORKERS; i++)
    if (px_tensor_retain(shared) != PX_STATUS_OK) check(0, "retain the shared view");
  px_tensor_release(shared); /* the workers now hold the only references */

  worker workers[WORKERS];
  pthread_t threads[WORKERS + 1];
  int started[WORKERS + 1] = {0};
  for (int i = 0; i < WORKERS; i++) {
    memset(&workers[i], 0, sizeof workers[i]);
    workers[i].model = model;
    workers[i].expected = expected;
    workers[i].shared = shared;
    workers[i].id = i;
    started[i] = pthread_create(&threads[i], NULL, predict_worker, &workers[i]) == 0;
  }
  bystander b;
  memset(&b, 0, sizeof b);
  b.shared_model = model;
  b.own_model = own;
  started[WORKERS] = pthread_create(&threads[WORKERS], NULL, bystander_thread, &b) == 0;
  for (int i = 0; i <= WORKERS; i++)
    if (started[i]) pthread_join(threads[i], NULL);
  for (int i = 0; i < WORKERS; i++) {
    check(started[i] && workers[i].errors == 0,
          "worker %d: predict, predict_on_batch and tensor churn on a shared model", i);
    if (workers[i].errors) printf("#   %d errors, the first: %s\n", workers[i].errors,
                                  workers[i].first_error);
  }
  check(started[WORKERS] && b.errors == 0,
        "a bystander thread: settings, per-thread errors, read-only calls, its own training");
  if (b.errors) printf("#   %d errors, the first: %s\n", b.errors, b.first_error);
  check(read_counter(&shared_deletes) == 1,
        "the shared view's deleter ran once, on the worker that released it last");
  px_model_release(model);
  px_model_release(own);
}

/* ---------------------------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  void (*run)(void);
} section;

static const section sections[] = {
    {"basics", section_basics},     {"tensors", section_tensors},   {"dlpack", section_dlpack},
    {"ops", section_ops},           {"layers", section_layers},     {"models", section_models},
    {"training", section_training}, {"weights", section_weights},   {"handles", section_handles},
    {"seed", section_seed},         {"threads", section_threads},
};

int main(int argc, char **argv) {
  size_t section_count = sizeof sections / sizeof sections[0];
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < section_count; i++) printf("%s\n", sections[i].name);
    return 0;
  }
  /* PLEXUS_BACKEND picks the process default backend, as the plexus command line does (the
   * valgrind run uses the reference backend, which is the fastest to run under it). */
  const char *backend = getenv("PLEXUS_BACKEND");
  if (backend != NULL && backend[0] != '\0')
    expect(px_config_set_backend(backend), OK_, 1, NULL,
           "px_config_set_backend(\"%s\") from PLEXUS_BACKEND", backend);
  for (size_t i = 0; i < section_count; i++) {
    int selected = argc == 1;
    for (int a = 1; a < argc; a++)
      if (strcmp(argv[a], sections[i].name) == 0) selected = 1;
    if (!selected) continue;
    printf("# section %s\n", sections[i].name);
    fflush(stdout);
    /* a seed per section: the same run every time, whichever sections run before */
    if (px_config_set_seed(1000 + (uint64_t)i) != PX_STATUS_OK)
      check(0, "px_config_set_seed before section %s", sections[i].name);
    sections[i].run();
  }
  for (int a = 1; a < argc; a++) {
    int known = 0;
    for (size_t i = 0; i < section_count; i++)
      if (strcmp(argv[a], sections[i].name) == 0) known = 1;
    if (!known) {
      fprintf(stderr, "test_sweep: unknown section '%s' (see --list)\n", argv[a]);
      return 2;
    }
  }
  printf("1..%d\n", checks);
  return failures == 0 ? 0 : 1;
}
