/*
 * test_sweep, section "threads": threads sharing one model, tensors and the error state.
 */
#include "sweep.h"

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

void section_threads(void) {
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
