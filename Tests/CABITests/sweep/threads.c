/*
 * test_sweep, section "threads": threads sharing one model, tensors and the error state; two
 * threads whose fit callbacks read each other's model (under a watchdog: a deadlock reports).
 */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

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

/* ---------------------------------------------------------------------------------------------
 * Two threads fit a model each; each fit's callback reads the other model at every batch end.
 * Waiting there for the other model, which the other thread holds while its own callback waits
 * for this one, would deadlock: the library refuses (INVALID_STATE) instead of waiting.
 * ------------------------------------------------------------------------------------------- */

#define CROSS_SECONDS 60     /* the watchdog: a deadlock ends the process with a "not ok" */
#define RENDEZVOUS_SECONDS 30 /* how long a callback waits for the other thread's first batch */

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t arrived;
  int count;
} rendezvous;

static rendezvous cross_meeting = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

/* Waits until both threads are here (each inside its fit's first batch end, holding its model),
 * or RENDEZVOUS_SECONDS; returns whether both came. */
static int meet(rendezvous *r) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += RENDEZVOUS_SECONDS;
  pthread_mutex_lock(&r->lock);
  r->count++;
  pthread_cond_broadcast(&r->arrived);
  int waited = 0;
  while (r->count < 2 && waited != ETIMEDOUT)
    waited = pthread_cond_timedwait(&r->arrived, &r->lock, &until);
  int both = r->count >= 2;
  pthread_mutex_unlock(&r->lock);
  return both;
}

typedef struct {
  px_model *self, *other;
  char other_path[128]; /* a weight of the other model */
  const px_tensor *const *x, *const *y;
  px_status fit_status;
  int batch_ends, met;
  int reads_ok, reads_busy, reads_wrong; /* the other model's px_model_get_weight */
  int busy_unexplained;                   /* busy, but the message says nothing of why */
  char first_wrong[200];
} cross_fitter;

static int32_t cross_progress(const px_progress_event *event, void *user) {
  cross_fitter *f = user;
  if (event->kind != PX_EVENT_TRAIN_BATCH_END) return 0;
  if (f->batch_ends++ == 0) f->met = meet(&cross_meeting);
  px_tensor *weight = SENTINEL_TENSOR;
  px_status st = px_model_get_weight(f->other, f->other_path, &weight);
  if (st == PX_STATUS_OK && weight != SENTINEL_TENSOR && weight != NULL) {
    f->reads_ok++;
    px_tensor_release(weight);
  } else if (st == PX_STATUS_INVALID_STATE && weight == SENTINEL_TENSOR) {
    f->reads_busy++;
    if (!mentions(px_last_error_message(), "busy|another thread")) f->busy_unexplained++;
  } else if (f->reads_wrong++ == 0) {
    snprintf(f->first_wrong, sizeof f->first_wrong, "%s (last error \"%.120s\")",
             status_name(st), px_last_error_message());
  }
  return 0;
}

static void *cross_fit_thread(void *argument) {
  cross_fitter *f = argument;
  px_fit_options options = fit_options(2, 8);
  f->fit_status = px_model_fit(f->self, f->x, 1, f->y, 1, &options, cross_progress, f, NULL);
  return NULL;
}

/* The watchdog's line, written before it is armed (a signal handler may only write(2)). */
static char watchdog_line[200];
static size_t watchdog_length;

static void watchdog(int signal_number) {
  (void)signal_number;
  ssize_t written = write(STDOUT_FILENO, watchdog_line, watchdog_length);
  (void)written;
  _exit(1);
}

static void cross_model_callbacks(void) {
  const int64_t shape[2] = {64, FEATURES}, labels[1] = {64};
  px_tensor *x = make_f32(shape, 2, xs), *y = make_i32(labels, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *a = make_json_model(), *b = make_json_model();
  cross_fitter fitters[2];
  memset(fitters, 0, sizeof fitters);
  px_model *models[2] = {a, b};
  int ready = x != NULL && y != NULL && a != NULL && b != NULL;
  for (int i = 0; ready && i < 2; i++) {
    fitters[i].self = models[i];
    fitters[i].other = models[1 - i];
    fitters[i].x = xv;
    fitters[i].y = yv;
    fitters[i].fit_status = -1;
    ready = px_model_weight_path(models[1 - i], 0, fitters[i].other_path,
                                 sizeof fitters[i].other_path, NULL) == PX_STATUS_OK;
  }
  check(ready, "two compiled models and the path of a weight of each");
  if (ready) {
    watchdog_length = (size_t)snprintf(
        watchdog_line, sizeof watchdog_line,
        "not ok %d - two threads whose fit callbacks read each other's model: deadlock (the "
        "fits did not return within %d s)\n", checks + 1, CROSS_SECONDS);
    if (watchdog_length >= sizeof watchdog_line) watchdog_length = sizeof watchdog_line - 1;
    fflush(stdout);
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_handler = watchdog;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, &previous);
    alarm(CROSS_SECONDS);
    pthread_t threads[2];
    int started[2];
    for (int i = 0; i < 2; i++)
      started[i] = pthread_create(&threads[i], NULL, cross_fit_thread, &fitters[i]) == 0;
    for (int i = 0; i < 2; i++)
      if (started[i]) pthread_join(threads[i], NULL);
    alarm(0);
    sigaction(SIGALRM, &previous, NULL);
    check(started[0] && started[1],
          "two threads whose fit callbacks read each other's model both return (no deadlock)");
    for (int i = 0; i < 2; i++) {
      cross_fitter *f = &fitters[i];
      check(f->fit_status == PX_STATUS_OK && f->batch_ends == 16,
            "model %c: its fit returns PX_STATUS_OK after 16 batches (%s, %d batch ends)",
            'A' + i, status_name(f->fit_status), f->batch_ends);
      check(f->reads_wrong == 0 && f->reads_ok + f->reads_busy == f->batch_ends,
            "model %c's callback: px_model_get_weight on the other model returns OK or "
            "PX_STATUS_INVALID_STATE (%d OK, %d busy)", 'A' + i, f->reads_ok, f->reads_busy);
      if (f->reads_wrong) printf("#   %d other results, the first: %s\n", f->reads_wrong,
                                 f->first_wrong);
      check(f->busy_unexplained == 0,
            "model %c's callback: a refused read says the model is busy on another thread",
            'A' + i);
    }
    check(fitters[0].met && fitters[1].met,
          "both callbacks met inside their fits (each thread held its model while reading the "
          "other's)");
    check(fitters[0].reads_busy + fitters[1].reads_busy > 0,
          "a read of a model another thread holds, from a callback, is refused rather than "
          "waited for (%d refused)", fitters[0].reads_busy + fitters[1].reads_busy);
  }
  px_model_release(a);
  px_model_release(b);
  px_tensor_release(x);
  px_tensor_release(y);
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
    cross_model_callbacks();
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
  cross_model_callbacks();
}
