/*
 * test_sweep: the checks and their TAP report, the shared state and the helpers that make and read
 * tensors, JSON and models (declared in sweep.h).
 */
#include "sweep.h"

#include <ctype.h>
#include <stdarg.h>

/* ---------------------------------------------------------------------------------------------
 * Checks and their report
 * ------------------------------------------------------------------------------------------- */

int checks = 0;
int failures = 0;

const char *status_name(px_status status) {
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
int check(int passed, const char *format, ...) {
  char message[600];
  snprintf(message, sizeof message, "%s", px_last_error_message());
  va_list args;
  va_start(args, format);
  vreport(passed, format, args);
  va_end(args);
  if (!passed && message[0] != '\0') print_comment("last error", message);
  return passed;
}

int contains(const char *text, const char *part) {
  return text != NULL && part != NULL && strstr(text, part) != NULL;
}

/* Whether `text` contains (case-insensitively) one of the '|'-separated `alternatives`. */
int mentions(const char *text, const char *alternatives) {
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
int expect(px_status status, unsigned expected, int untouched, const char *needles,
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
int error_cleared(void) { return px_last_error_message()[0] == '\0'; }

/* ---------------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------------- */

pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;

/* A deleter that counts its calls in the int `user` points to. */
void counting_deleter(void *data, void *user) {
  (void)data;
  pthread_mutex_lock(&counter_lock);
  (*(int *)user)++;
  pthread_mutex_unlock(&counter_lock);
}

/* A deleter that counts its calls and frees `data`. */
void freeing_deleter(void *data, void *user) {
  counting_deleter(data, user);
  free(data);
}

int read_counter(const int *counter) {
  pthread_mutex_lock(&counter_lock);
  int value = *counter;
  pthread_mutex_unlock(&counter_lock);
  return value;
}

px_tensor *make_f32(const int64_t *shape, size_t rank, const float *values) {
  size_t count = 1;
  for (size_t i = 0; i < rank; i++) count *= (size_t)shape[i];
  px_tensor *tensor = NULL;
  if (px_tensor_create(PX_DTYPE_FLOAT32, shape, rank, values, count * sizeof(float), &tensor)
      != PX_STATUS_OK)
    return NULL;
  return tensor;
}

px_tensor *make_i32(const int64_t *shape, size_t rank, const int32_t *values) {
  size_t count = 1;
  for (size_t i = 0; i < rank; i++) count *= (size_t)shape[i];
  px_tensor *tensor = NULL;
  if (px_tensor_create(PX_DTYPE_INT32, shape, rank, values, count * sizeof(int32_t), &tensor)
      != PX_STATUS_OK)
    return NULL;
  return tensor;
}

px_tensor *vector_f32(size_t count, const float *values) {
  int64_t shape[1] = {(int64_t)count};
  return make_f32(shape, 1, values);
}

/* Copies a float32 tensor's values into `out` (capacity floats); returns the count or 0. */
size_t read_f32(const px_tensor *tensor, float *out, size_t capacity) {
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
int has_shape(const px_tensor *tensor, const int64_t *shape, size_t rank) {
  size_t actual_rank = 99;
  int64_t dims[PX_MAX_RANK];
  if (tensor == NULL || px_tensor_rank(tensor, &actual_rank) != PX_STATUS_OK
      || actual_rank != rank || px_tensor_shape(tensor, dims, PX_MAX_RANK) != PX_STATUS_OK)
    return 0;
  for (size_t i = 0; i < rank; i++)
    if (dims[i] != shape[i]) return 0;
  return 1;
}

int close_to(double a, double b, double tolerance) {
  return fabs(a - b) <= tolerance * (1.0 + fabs(b));
}

/* `depth` opening brackets, `middle`, then `depth` closing ones: a JSON nesting bomb. */
char *nested_json(size_t depth, char open, const char *middle, char close) {
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
char *self_nested_model_json(size_t depth) {
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
const char NOT_UTF8[] = "bad\x80name\xc0\x80\xe2\x82";

/* ---------------------------------------------------------------------------------------------
 * The learnable problem: 256 points in [-1, 1]^2, labelled by the side of the line x0 + x1 = 0
 * ------------------------------------------------------------------------------------------- */

float xs[SAMPLES * FEATURES];
int32_t ys[SAMPLES];

void make_problem(void) {
  uint32_t state = 12345u;
  for (int i = 0; i < SAMPLES; i++) {
    for (int j = 0; j < FEATURES; j++) {
      state = state * 1664525u + 1013904223u;
      xs[i * FEATURES + j] = (float)((state >> 8) / 16777216.0 * 2.0 - 1.0);
    }
    ys[i] = xs[i * FEATURES] + xs[i * FEATURES + 1] > 0 ? 1 : 0;
  }
}

const char *const MLP_JSON =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"json_mlp\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"dtype\": "
    "\"float32\", \"name\": \"features\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"hidden\", \"units\": 16, "
    "\"activation\": \"relu\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"logits\", \"units\": 2}}]}}";

const char *const ADAM_JSON = "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.02}}";
const char *const SCCE_LOGITS_JSON =
    "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"from_logits\": true}}";

/* The model of the layer-by-layer happy path: Input(2) -> Dense(16, relu) -> Dense(2, softmax). */
px_model *make_sequential_by_layers(const char *name) {
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
px_model *make_json_model(void) {
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
 * Helpers of the training sections (training, weights, handles, seed, threads)
 * ------------------------------------------------------------------------------------------- */

/* The values of `name` in `logs` (history: one per epoch); returns the count or 0. */
size_t log_values(const px_logs *logs, const char *name, double *values, size_t capacity) {
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

px_fit_options fit_options(int64_t epochs, int64_t batch_size) {
  px_fit_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  return options;
}

size_t read_weight(px_model *model, const char *path, float *out, size_t capacity) {
  px_tensor *value = NULL;
  if (px_model_get_weight(model, path, &value) != PX_STATUS_OK) return 0;
  size_t count = read_f32(value, out, capacity);
  px_tensor_release(value);
  return count;
}

/* Snapshots every weight of a model into one malloc'd float array; NULL on failure. */
float *snapshot_weights(px_model *model, size_t *total) {
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

int same_weights(px_model *model, const float *before, size_t total) {
  size_t now_total = 0;
  float *now = snapshot_weights(model, &now_total);
  int same = now != NULL && before != NULL && now_total == total
             && memcmp(now, before, total * sizeof(float)) == 0;
  free(now);
  return same;
}
