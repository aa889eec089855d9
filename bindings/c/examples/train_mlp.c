/*
 * train_mlp.c: trains the Fashion-MNIST MLP of the Keras tutorial from C, through include/plexus.h.
 *
 *   Flatten -> Dense(128, relu) -> Dense(10); Adam(1e-3); SparseCategoricalCrossentropy(from_logits);
 *   batch 32; 10 epochs; then the accuracy on the 10,000 test images.
 *
 * It reads the IDX files (gzip) itself with zlib, scales the pixels to [0, 1] floats, prints a
 * line per epoch from the progress callback and finally "Test accuracy: 0.xxxx". A demo of the C
 * ABI and a benchmark of a backend: build against the release library (see README.md).
 *
 * Usage: train_mlp [--data DIR] [--plugin PATH] [--backend NAME] [--epochs N] [--limit N]
 *                  [--batch-size N] [--seed N]
 *   --data DIR      the directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
 *                   t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz
 *                   (default: /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist)
 *   --plugin PATH   load a backend plugin first (px_backend_load), e.g. the BLIS plugin
 *                   libpx_blis.so, which registers "blis"; then pass --backend blis
 *   --backend NAME  the backend to train on ("reference", "openblas", "onednn", a plugin's);
 *                   default: the library's default backend
 *   --epochs N      epochs (default 10)
 *   --limit N       train and test on the first N images of each set only (a quick check)
 *   --batch-size N  batch size (default 32)
 *   --seed N        seed of the random generator (weights, shuffling)
 */
#define _POSIX_C_SOURCE 200809L

#include <plexus.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define IMAGE_SIDE 28
#define CLASSES 10

/* Ends the program with the failed call's status and Plexus's message. */
static void require(px_status status, const char *call) {
  if (status == PX_STATUS_OK) return;
  fprintf(stderr, "train_mlp: %s failed (status %d): %s\n", call, (int)status,
          px_last_error_message());
  exit(1);
}

static double now_seconds(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------------------------------
 * IDX files (http://yann.lecun.com/exdb/mnist/): a big-endian magic 0x000008NN, where NN is the
 * number of dimensions, the dimensions as big-endian uint32, then the unsigned bytes.
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  uint32_t dims[4];
  uint32_t rank;
  size_t count; /* the number of bytes of data */
  unsigned char *data;
} idx_file;

static int read_exactly(gzFile file, void *buffer, size_t size) {
  unsigned char *at = buffer;
  while (size > 0) {
    unsigned chunk = size > (1u << 30) ? (1u << 30) : (unsigned)size;
    int got = gzread(file, at, chunk);
    if (got <= 0) return 0;
    at += got;
    size -= (size_t)got;
  }
  return 1;
}

static uint32_t big_endian(const unsigned char bytes[4]) {
  return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8
         | (uint32_t)bytes[3];
}

/* Reads `directory/name` (gzip'd IDX) of `rank` dimensions; exits with a message on error. */
static idx_file read_idx(const char *directory, const char *name, uint32_t rank) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", directory, name);
  gzFile file = gzopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "train_mlp: cannot open %s: %s (see --data)\n", path,
            errno ? strerror(errno) : "zlib error");
    exit(1);
  }
  idx_file idx;
  memset(&idx, 0, sizeof idx);
  unsigned char header[4];
  if (!read_exactly(file, header, 4) || header[0] != 0 || header[1] != 0 || header[2] != 8
      || header[3] != rank) {
    fprintf(stderr, "train_mlp: %s is not an IDX file of unsigned bytes with %u dimensions\n",
            path, (unsigned)rank);
    exit(1);
  }
  idx.rank = rank;
  idx.count = 1;
  for (uint32_t i = 0; i < rank; i++) {
    if (!read_exactly(file, header, 4)) {
      fprintf(stderr, "train_mlp: %s ends inside its header\n", path);
      exit(1);
    }
    idx.dims[i] = big_endian(header);
    idx.count *= idx.dims[i];
  }
  idx.data = malloc(idx.count > 0 ? idx.count : 1);
  if (idx.data == NULL || !read_exactly(file, idx.data, idx.count)) {
    fprintf(stderr, "train_mlp: %s: cannot read %zu bytes of data\n", path, idx.count);
    exit(1);
  }
  gzclose(file);
  return idx;
}

/* The first `limit` images as a float32 tensor (N, 28, 28) in [0, 1], and their labels as int32. */
static void make_tensors(const idx_file *images, const idx_file *labels, size_t limit,
                         px_tensor **x, px_tensor **y) {
  if (images->dims[1] != IMAGE_SIDE || images->dims[2] != IMAGE_SIDE
      || images->dims[0] != labels->dims[0]) {
    fprintf(stderr, "train_mlp: expected 28x28 images with one label each\n");
    exit(1);
  }
  size_t count = images->dims[0];
  if (limit > 0 && limit < count) count = limit;
  size_t pixels = count * IMAGE_SIDE * IMAGE_SIDE;
  float *scaled = malloc(pixels * sizeof(float));
  int32_t *classes = malloc(count * sizeof(int32_t));
  if (scaled == NULL || classes == NULL) {
    fprintf(stderr, "train_mlp: out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < pixels; i++) scaled[i] = (float)images->data[i] / 255.0f;
  for (size_t i = 0; i < count; i++) classes[i] = labels->data[i];
  const int64_t image_shape[3] = {(int64_t)count, IMAGE_SIDE, IMAGE_SIDE};
  const int64_t label_shape[1] = {(int64_t)count};
  require(px_tensor_create(PX_DTYPE_FLOAT32, image_shape, 3, scaled, pixels * sizeof(float), x),
          "px_tensor_create (images)");
  require(px_tensor_create(PX_DTYPE_INT32, label_shape, 1, classes, count * sizeof(int32_t), y),
          "px_tensor_create (labels)");
  free(scaled);
  free(classes);
}

/* ---------------------------------------------------------------------------------------------
 * Progress: a line per epoch
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  double epoch_start;
  double training_seconds;
} progress_state;

static int32_t print_epoch(const px_progress_event *event, void *user) {
  progress_state *state = user;
  if (event->kind == PX_EVENT_EPOCH_BEGIN) state->epoch_start = now_seconds();
  if (event->kind != PX_EVENT_EPOCH_END) return 0;
  double seconds = now_seconds() - state->epoch_start;
  state->training_seconds += seconds;
  printf("Epoch %lld/%lld - %.2f s", (long long)event->epoch + 1, (long long)event->epochs,
         seconds);
  for (size_t i = 0; i < event->log_count; i++)
    printf(" - %s: %.4f", event->log_names[i], event->log_values[i]);
  printf("\n");
  fflush(stdout);
  return 0;
}

/* ---------------------------------------------------------------------------------------------
 * main
 * ------------------------------------------------------------------------------------------- */

static void usage(void) {
  fprintf(stderr, "usage: train_mlp [--data DIR] [--plugin PATH] [--backend NAME] [--epochs N] "
                  "[--limit N] [--batch-size N] [--seed N]\n");
  exit(2);
}

static long long number_argument(const char *option, const char *text, long long minimum) {
  char *end = NULL;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < minimum) {
    fprintf(stderr, "train_mlp: %s needs an integer >= %lld, received '%s'\n", option, minimum,
            text);
    exit(2);
  }
  return value;
}

int main(int argc, char **argv) {
  const char *data = "/usr/share/datasets/fashion-mnist";
  const char *backend = NULL, *plugin = NULL;
  long long epochs = 10, limit = 0, batch_size = 32, seed = -1;
  for (int i = 1; i < argc; i++) {
    const char *option = argv[i];
    if (i + 1 >= argc) usage();
    const char *value = argv[++i];
    if (strcmp(option, "--data") == 0)
      data = value;
    else if (strcmp(option, "--backend") == 0)
      backend = value;
    else if (strcmp(option, "--plugin") == 0)
      plugin = value;
    else if (strcmp(option, "--epochs") == 0)
      epochs = number_argument(option, value, 1);
    else if (strcmp(option, "--limit") == 0)
      limit = number_argument(option, value, 1);
    else if (strcmp(option, "--batch-size") == 0)
      batch_size = number_argument(option, value, 1);
    else if (strcmp(option, "--seed") == 0)
      seed = number_argument(option, value, 0);
    else
      usage();
  }

  uint32_t version = px_abi_version();
  if ((version >> 16) != PX_ABI_VERSION_MAJOR || (version & 0xffffu) < PX_ABI_VERSION_MINOR) {
    fprintf(stderr, "train_mlp: built for the Plexus C ABI %d.%d, the library serves %u.%u\n",
            PX_ABI_VERSION_MAJOR, PX_ABI_VERSION_MINOR, (unsigned)(version >> 16),
            (unsigned)(version & 0xffffu));
    return 1;
  }
  if (plugin != NULL) require(px_backend_load(plugin, NULL), "px_backend_load");
  if (backend != NULL) require(px_config_set_backend(backend), "px_config_set_backend");
  if (seed >= 0) require(px_config_set_seed((uint64_t)seed), "px_config_set_seed");
  char backend_name[64];
  require(px_config_backend(backend_name, sizeof backend_name, NULL), "px_config_backend");

  /* the data */
  double start = now_seconds();
  idx_file train_images = read_idx(data, "train-images-idx3-ubyte.gz", 3);
  idx_file train_labels = read_idx(data, "train-labels-idx1-ubyte.gz", 1);
  idx_file test_images = read_idx(data, "t10k-images-idx3-ubyte.gz", 3);
  idx_file test_labels = read_idx(data, "t10k-labels-idx1-ubyte.gz", 1);
  px_tensor *x_train = NULL, *y_train = NULL, *x_test = NULL, *y_test = NULL;
  make_tensors(&train_images, &train_labels, (size_t)limit, &x_train, &y_train);
  make_tensors(&test_images, &test_labels, (size_t)limit, &x_test, &y_test);
  free(train_images.data);
  free(train_labels.data);
  free(test_images.data);
  free(test_labels.data);
  size_t train_count = 0, test_count = 0;
  int64_t dims[3];
  require(px_tensor_shape(x_train, dims, 3), "px_tensor_shape");
  train_count = (size_t)dims[0];
  require(px_tensor_shape(x_test, dims, 3), "px_tensor_shape");
  test_count = (size_t)dims[0];
  printf("Plexus %s, backend %s: %zu training and %zu test images from %s (%.2f s)\n",
         px_version_string(), backend_name, train_count, test_count, data, now_seconds() - start);

  /* the model: Flatten -> Dense(128, relu) -> Dense(10) */
  px_model *model = NULL;
  px_layer *layer = NULL;
  const int64_t input_shape[2] = {IMAGE_SIDE, IMAGE_SIDE};
  require(px_model_create_sequential("fashion_mlp", &model), "px_model_create_sequential");
  require(px_model_add_input(model, input_shape, 2, PX_DTYPE_FLOAT32), "px_model_add_input");
  require(px_layer_create("Flatten", NULL, &layer), "px_layer_create(Flatten)");
  require(px_model_add(model, layer), "px_model_add(Flatten)");
  px_layer_release(layer);
  require(px_layer_create("Dense", "{\"units\": 128, \"activation\": \"relu\"}", &layer),
          "px_layer_create(Dense 128)");
  require(px_model_add(model, layer), "px_model_add(Dense 128)");
  px_layer_release(layer);
  require(px_layer_create("Dense", "{\"units\": 10}", &layer), "px_layer_create(Dense 10)");
  require(px_model_add(model, layer), "px_model_add(Dense 10)");
  px_layer_release(layer);
  const char *metrics[1] = {"accuracy"};
  require(px_model_compile(model,
                           "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": 0.001}}",
                           "{\"class_name\": \"SparseCategoricalCrossentropy\", "
                           "\"config\": {\"from_logits\": true}}",
                           metrics, 1),
          "px_model_compile");

  /* training */
  px_fit_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  options.event_mask = PX_EVENT_BIT(PX_EVENT_EPOCH_BEGIN) | PX_EVENT_BIT(PX_EVENT_EPOCH_END);
  progress_state state = {0, 0};
  const px_tensor *x_train_list[1] = {x_train}, *y_train_list[1] = {y_train};
  px_logs *history = NULL;
  double fit_start = now_seconds();
  require(px_model_fit(model, x_train_list, 1, y_train_list, 1, &options, print_epoch, &state,
                       &history),
          "px_model_fit");
  double fit_seconds = now_seconds() - fit_start;
  printf("Training: %.2f s (%.3f s per epoch, %.1f us per step)\n", fit_seconds,
         state.training_seconds / (double)epochs,
         1e6 * state.training_seconds
             / ((double)epochs * (double)((train_count + (size_t)batch_size - 1) / (size_t)batch_size)));
  px_logs_release(history);

  /* evaluation */
  const px_tensor *x_test_list[1] = {x_test}, *y_test_list[1] = {y_test};
  px_logs *logs = NULL;
  double accuracy = 0, loss = 0;
  require(px_model_evaluate(model, x_test_list, 1, y_test_list, 1, batch_size, NULL, NULL, &logs),
          "px_model_evaluate");
  require(px_logs_get(logs, "loss", &loss), "px_logs_get(loss)");
  require(px_logs_get(logs, "accuracy", &accuracy), "px_logs_get(accuracy)");
  px_logs_release(logs);
  printf("Test loss: %.4f\n", loss);
  printf("Test accuracy: %.4f\n", accuracy);
  /* Where the ops ran: the dispatch counters since the process started. */
  int64_t matmuls = 0, dense = 0, all = 0, fallbacks = 0;
  require(px_dispatch_count(backend_name, "matmul", &matmuls, NULL), "px_dispatch_count(matmul)");
  require(px_dispatch_count(backend_name, "dense", &dense, NULL), "px_dispatch_count(dense)");
  require(px_dispatch_count(backend_name, NULL, &all, &fallbacks), "px_dispatch_count");
  printf("Ops run on %s: %lld (matmul %lld, dense %lld); fell back to the reference backend: "
         "%lld\n",
         backend_name, (long long)all, (long long)matmuls, (long long)dense, (long long)fallbacks);

  px_model_release(model);
  px_tensor_release(x_train);
  px_tensor_release(y_train);
  px_tensor_release(x_test);
  px_tensor_release(y_test);
  return 0;
}
