/*
 * test_sweep, section "files": px_model_save / px_model_load / px_model_save_weights /
 * px_model_load_weights (Keras 3 `.keras` and `.weights.h5` files): hostile arguments, round
 * trips, and a saving process killed at random moments over an existing file, which must always
 * leave a file that loads whole (the old one or the new one).
 *
 * The saving process is this program run again (`test_sweep --save-loop PATH SEED`, see
 * save_loop), started with fork and exec, so that it is a fresh process.
 */
#include "sweep.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 256 -> 512 -> 512 -> 10: 2 MB of weights, so a save takes long enough to be interrupted. */
static const char *const WIDE_JSON =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"wide\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 256], \"dtype\": "
    "\"float32\", \"name\": \"in\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"first\", \"units\": 512}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"second\", \"units\": 512}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 10}}]}}";

static px_model *wide_model(uint64_t seed) {
  px_model *model = NULL;
  if (px_config_set_seed(seed) != PX_STATUS_OK) return NULL;
  if (px_model_from_json(WIDE_JSON, &model) != PX_STATUS_OK) return NULL;
  return model;
}

/* The first element of the model's first kernel: which of two seeds' models a file holds. */
static float first_weight(px_model *model) {
  px_tensor *kernel = NULL;
  float value = NAN;
  if (px_model_get_weight(model, "wide/first/kernel", &kernel) == PX_STATUS_OK) {
    float *values = malloc(256 * 512 * sizeof *values);
    if (values != NULL && read_f32(kernel, values, 256 * 512) == 256 * 512) value = values[0];
    free(values);
    px_tensor_release(kernel);
  }
  return value;
}

/* `test_sweep --save-loop PATH SEED FD`: saves the seed's model over PATH until killed, having
 * written one byte to the file descriptor FD once the model is made. */
int save_loop(const char *path, const char *seed, const char *fd) {
  px_model *model = wide_model(strtoull(seed, NULL, 10));
  if (model == NULL) return 3;
  if (write(atoi(fd), "r", 1) != 1) return 5;
  for (;;) {
    px_status status = px_model_save(model, path);
    if (status != PX_STATUS_OK && status != PX_STATUS_IO) return 4;
  }
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The entries of `directory` other than `keep`, removed; returns how many there were. */
static int remove_others(const char *directory, const char *keep) {
  DIR *dir = opendir(directory);
  if (dir == NULL) return -1;
  int count = 0;
  struct dirent *entry;
  char path[512];
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0
        || strcmp(entry->d_name, keep) == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", directory, entry->d_name);
    unlink(path);
    count++;
  }
  closedir(dir);
  return count;
}

static void killed_mid_save(const char *self, const char *directory) {
  char path[512];
  snprintf(path, sizeof path, "%s/model.keras", directory);
  px_model *old_model = wide_model(1), *new_model = wide_model(2);
  float old_value = first_weight(old_model), new_value = first_weight(new_model);
  check(old_model != NULL && new_model != NULL && old_value != new_value,
        "two wide models with different weights");
  double start = now();
  px_status st = px_model_save(old_model, path);
  double seconds = now() - start;
  expect(st, OK_, 1, NULL, "px_model_save of the old model (%.1f ms)", seconds * 1e3);
  if (seconds < 0.002) seconds = 0.002;

  int attempts = 0, interrupted = 0, whole = 1, mixed = 0;
  unsigned random = 12345;
  while (attempts < 200 && interrupted < 20) {
    attempts++;
    fflush(stdout);
    int ready[2];
    if (pipe(ready) != 0) break;
    pid_t child = fork();
    if (child == 0) {
      char fd[16];
      snprintf(fd, sizeof fd, "%d", ready[1]);
      close(ready[0]);
      execl(self, self, "--save-loop", path, "2", fd, (char *)NULL);
      _exit(127);
    }
    close(ready[1]);
    if (child < 0) {
      close(ready[0]);
      break;
    }
    /* wait until the child has made its model: then it saves, over and over */
    char byte = 0;
    ssize_t got = read(ready[0], &byte, 1);
    close(ready[0]);
    if (got != 1) {
      kill(child, SIGKILL);
      waitpid(child, NULL, 0);
      check(0, "the saving process started (attempt %d)", attempts);
      break;
    }
    random = random * 1103515245u + 12345u;
    /* anywhere in its first three saves */
    double delay = (double)(random % 1000) / 1000.0 * 3 * seconds;
    struct timespec pause = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
    nanosleep(&pause, NULL);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    if (remove_others(directory, "model.keras") > 0) interrupted++;
    px_model *loaded = NULL;
    if (px_model_load(path, 1, &loaded) != PX_STATUS_OK) {
      whole = 0;
      printf("# attempt %d: the file did not load: %s\n", attempts, px_last_error_message());
      break;
    }
    float value = first_weight(loaded);
    if (value != old_value && value != new_value) {
      mixed++;
      printf("# attempt %d: the file holds %g, neither the old %g nor the new %g\n", attempts,
             (double)value, (double)old_value, (double)new_value);
    }
    px_model_release(loaded);
  }
  check(whole && mixed == 0,
        "%d saving processes killed at random moments (%d mid-save): the file always loads, "
        "holding one model whole",
        attempts, interrupted);
  check(interrupted >= 10, "at least 10 kills landed in the middle of a save (%d)", interrupted);
  px_model_release(old_model);
  px_model_release(new_model);
  remove_others(directory, "");
}

void section_files(void) {
  px_status st;
  char directory[] = "/tmp/plexus-sweep-files-XXXXXX";
  if (mkdtemp(directory) == NULL) {
    check(0, "mkdtemp for the files section");
    return;
  }
  char keras_path[512], weights_path[512], junk_path[512], missing[512];
  snprintf(keras_path, sizeof keras_path, "%s/m.keras", directory);
  snprintf(weights_path, sizeof weights_path, "%s/m.weights.h5", directory);
  snprintf(junk_path, sizeof junk_path, "%s/junk.keras", directory);
  snprintf(missing, sizeof missing, "%s/no/such/dir/m.keras", directory);

  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_json_model();
  check(model != NULL, "the JSON model for the files section");
  if (model == NULL) return;
  px_fit_options options = fit_options(2, 32);
  px_logs *history = NULL;
  expect(px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history), OK_, 1, NULL,
         "fit 2 epochs before saving");
  px_logs_release(history);

  /* hostile arguments */
  px_model *out = SENTINEL_MODEL;
  st = px_model_save(NULL, keras_path);
  expect(st, IA_, 1, "px_model_save|model", "px_model_save(NULL model) fails");
  st = px_model_save(model, NULL);
  expect(st, IA_, 1, "px_model_save|path", "px_model_save(path NULL) fails");
  st = px_model_save(model, NOT_UTF8);
  expect(st, IA_, 1, "px_model_save|UTF-8", "px_model_save(non-UTF-8 path) fails");
  st = px_model_save(model, "/tmp/plexus-sweep-model.h5");
  expect(st, IA_, 1, ".keras", "px_model_save to a name not ending in .keras fails");
  st = px_model_save(model, missing);
  expect(st, BIT(PX_STATUS_IO), 1, "does not exist", "px_model_save into a missing directory");
  st = px_model_save_weights(model, keras_path);
  expect(st, IA_, 1, ".weights.h5", "px_model_save_weights to a .keras name fails");
  st = px_model_load(NULL, 1, &out);
  expect(st, IA_, out == SENTINEL_MODEL, "px_model_load|path", "px_model_load(path NULL)");
  st = px_model_load(keras_path, 1, NULL);
  expect(st, IA_, 1, "px_model_load|out_model", "px_model_load(out NULL) fails");
  st = px_model_load(missing, 1, &out);
  expect(st, BIT(PX_STATUS_IO), out == SENTINEL_MODEL, "no/such/dir",
         "px_model_load of a missing file is PX_STATUS_IO, out untouched");
  st = px_model_load(directory, 1, &out);
  expect(st, IA_ | BIT(PX_STATUS_IO), out == SENTINEL_MODEL, "plexus-sweep-files",
         "px_model_load of a directory fails");
  FILE *junk = fopen(junk_path, "wb");
  for (int i = 0; junk != NULL && i < 4096; i++) fputc((i * 31) & 0xff, junk);
  if (junk != NULL) fclose(junk);
  st = px_model_load(junk_path, 1, &out);
  expect(st, IA_, out == SENTINEL_MODEL, "zip", "px_model_load of junk names the zip problem");
  st = px_model_load_weights(model, junk_path);
  expect(st, IA_, 1, "zip", "px_model_load_weights of junk fails");
  st = px_model_load_weights(NULL, weights_path);
  expect(st, IA_, 1, "px_model_load_weights|model", "px_model_load_weights(NULL model)");
  st = px_model_save_weights(NULL, weights_path);
  expect(st, IA_, 1, "px_model_save_weights|model", "px_model_save_weights(NULL model)");
  st = px_model_load_weights(model, NULL);
  expect(st, IA_, 1, "px_model_load_weights|path", "px_model_load_weights(path NULL)");

  /* Legacy .h5 files of Keras 2 (tf_keras), checked in by Tests/Fixtures/KerasLegacyH5; the
   * sweep runs from the repository root. */
  px_model *legacy = NULL;
  st = px_model_load("Tests/Fixtures/KerasLegacyH5/keras2_mlp.h5", 1, &legacy);
  size_t legacy_params = 0;
  if (st == PX_STATUS_OK && px_model_count_params(legacy, &legacy_params) != PX_STATUS_OK) {
    legacy_params = 0;
  }
  /* Dense(6→8) 56, BatchNormalization(8) 32, Dense(8→3) 27. */
  expect(st, OK_, legacy != NULL && legacy_params == 115, NULL,
         "px_model_load of a Keras 2 .h5 file: its 115 parameters");
  if (legacy != NULL) {
    st = px_model_load_weights(legacy, "Tests/Fixtures/KerasLegacyH5/keras2_mlp_weights.h5");
    expect(st, OK_, 1, NULL, "px_model_load_weights of Keras 2's save_weights .h5 file");
    st = px_model_load_weights(model, "Tests/Fixtures/KerasLegacyH5/keras2_mlp_weights.h5");
    expect(st, IA_, 1, "layers", "px_model_load_weights of another model's .h5 names the layers");
    px_model_release(legacy);
  }
  st = px_model_load("Tests/Fixtures/KerasLegacyH5/keras2_mlp_weights.h5", 1, &out);
  expect(st, IA_, out == SENTINEL_MODEL, "model_config",
         "px_model_load of a weights-only .h5 file says it holds no model");

  /* round trips */
  size_t total = 0;
  float *before = snapshot_weights(model, &total);
  st = px_model_save(model, keras_path);
  expect(st, OK_, 1, NULL, "px_model_save");
  px_model *loaded = NULL;
  st = px_model_load(keras_path, 1, &loaded);
  expect(st, OK_, loaded != NULL && same_weights(loaded, before, total), NULL,
         "px_model_load: the same weights");
  px_logs *first = NULL, *second = NULL;
  double a = -1, b = -2;
  px_status first_status = px_model_evaluate(model, xv, 1, yv, 1, 0, NULL, NULL, &first);
  st = px_model_evaluate(loaded, xv, 1, yv, 1, 0, NULL, NULL, &second);
  int compiled = st == PX_STATUS_OK && first_status == PX_STATUS_OK && px_logs_get(first, "loss", &a) == PX_STATUS_OK
                 && px_logs_get(second, "loss", &b) == PX_STATUS_OK && a == b;
  check(compiled, "the loaded model is compiled and evaluates to the same loss (%g, %g)", a, b);
  px_logs_release(first);
  px_logs_release(second);
  px_model_release(loaded);
  loaded = NULL;
  st = px_model_load(keras_path, 0, &loaded);
  px_logs *uncompiled = NULL;
  px_status evaluated = px_model_evaluate(loaded, xv, 1, yv, 1, 0, NULL, NULL, &uncompiled);
  expect(st, OK_, evaluated == PX_STATUS_INVALID_STATE, NULL,
         "px_model_load(compile 0): a model that is not compiled");
  px_logs_release(uncompiled);
  px_model_release(loaded);

  st = px_model_save_weights(model, weights_path);
  expect(st, OK_, 1, NULL, "px_model_save_weights");
  px_model *other = make_json_model();
  px_tensor *predicted = NULL;
  px_status built = px_model_predict(other, xv, 1, 0, NULL, NULL, &predicted, 1);
  px_tensor_release(predicted);
  int differs = built == PX_STATUS_OK && !same_weights(other, before, total);
  st = px_model_load_weights(other, weights_path);
  expect(st, OK_, differs && same_weights(other, before, total), NULL,
         "px_model_load_weights gives another model the saved weights");
  px_model_release(other);
  free(before);

  px_tensor_release(x);
  px_tensor_release(y);
  px_model_release(model);
  remove_others(directory, "");

  char self[1024];
  ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length > 0 && getenv("PLEXUS_SWEEP_SKIP_KILL") == NULL) {
    self[length] = '\0';
    killed_mid_save(self, directory);
  }
  rmdir(directory);
}
