/*
 * test_sweep, section "callbacks": what a progress callback may do to the model it reports on
 * (read it, set its weights and backend, predict and evaluate with it: yes; compile, add, add an
 * input, build it, or fit or train it again: refused; from an evaluate's or a predict's own
 * callback, evaluating or predicting again: refused),
 * the last error a failing call inside a callback leaves once the outer call succeeds, and a fit
 * that has no epoch left to run (initial_epoch == epochs).
 */
#include "sweep.h"

/* ---------------------------------------------------------------------------------------------
 * Changing the model from its own fit callback
 * ------------------------------------------------------------------------------------------- */

enum { MUTATE_COMPILE, MUTATE_ADD, MUTATE_ADD_INPUT, MUTATE_BUILD, MUTATE_FIT,
       MUTATE_TRAIN_ON_BATCH, MUTATE_SET_WEIGHT, MUTATE_SET_BACKEND, MUTATE_PREDICT_ON_BATCH,
       MUTATE_PREDICT, MUTATE_EVALUATE, MUTATE_CALLS };

static const char *const mutate_names[MUTATE_CALLS] = {
    "px_model_compile", "px_model_add", "px_model_add_input", "px_model_build", "px_model_fit",
    "px_model_train_on_batch", "px_model_set_weight", "px_model_set_backend",
    "px_model_predict_on_batch", "px_model_predict", "px_model_evaluate"};

typedef struct {
  px_model *model;
  const px_tensor *const *xv, *const *yv;
  double nested_loss; /* what px_model_evaluate from the callback returned */
  int done;
  px_status status[MUTATE_CALLS];
  char message[MUTATE_CALLS][200];
} mutator;

static int32_t mutate_progress(const px_progress_event *event, void *user) {
  mutator *m = user;
  if (event->kind != PX_EVENT_TRAIN_BATCH_END || m->done) return 0;
  m->done = 1;
#define NOTE(index, call)                                                                    \
  do {                                                                                       \
    m->status[index] = (call);                                                               \
    snprintf(m->message[index], sizeof m->message[index], "%s", px_last_error_message());   \
  } while (0)
  NOTE(MUTATE_COMPILE, px_model_compile(m->model, "sgd", "mse", NULL, 0));
  px_layer *extra = NULL;
  if (px_layer_create("Dense", "{\"units\": 3}", &extra) == PX_STATUS_OK) {
    NOTE(MUTATE_ADD, px_model_add(m->model, extra));
    px_layer_release(extra);
  } else {
    NOTE(MUTATE_ADD, -1);
  }
  const int64_t features[1] = {FEATURES}, built[2] = {-1, FEATURES};
  NOTE(MUTATE_ADD_INPUT, px_model_add_input(m->model, features, 1, PX_DTYPE_FLOAT32));
  NOTE(MUTATE_BUILD, px_model_build(m->model, built, 2));
  char path[128];
  px_tensor *weight = NULL;
  px_status st = px_model_weight_path(m->model, 0, path, sizeof path, NULL);
  if (st == PX_STATUS_OK) st = px_model_get_weight(m->model, path, &weight);
  if (st == PX_STATUS_OK) st = px_model_set_weight(m->model, path, weight);
  NOTE(MUTATE_SET_WEIGHT, st);
  px_tensor_release(weight);
  NOTE(MUTATE_SET_BACKEND, px_model_set_backend(m->model, "reference"));
  /* Keras's callbacks predict and evaluate between steps; fitting again is refused. */
  px_fit_options options = fit_options(1, 32);
  NOTE(MUTATE_FIT, px_model_fit(m->model, m->xv, 1, m->yv, 1, &options, NULL, NULL, NULL));
  px_logs *logs = NULL;
  NOTE(MUTATE_TRAIN_ON_BATCH, px_model_train_on_batch(m->model, m->xv, 1, m->yv, 1, &logs));
  px_logs_release(logs);
  logs = NULL;
  px_tensor *out = NULL;
  NOTE(MUTATE_PREDICT_ON_BATCH, px_model_predict_on_batch(m->model, m->xv, 1, &out, 1));
  px_tensor_release(out);
  out = NULL;
  NOTE(MUTATE_PREDICT, px_model_predict(m->model, m->xv, 1, 32, NULL, NULL, &out, 1));
  px_tensor_release(out);
  NOTE(MUTATE_EVALUATE, px_model_evaluate(m->model, m->xv, 1, m->yv, 1, 32, NULL, NULL, &logs));
  if (px_logs_get(logs, "loss", &m->nested_loss) != PX_STATUS_OK) m->nested_loss = -1;
  px_logs_release(logs);
#undef NOTE
  return 0;
}

static void mutate_from_callback(const px_tensor *const *xv, const px_tensor *const *yv) {
  px_model *model = make_sequential_by_layers("mutated_mlp");
  const char *accuracy[1] = {"accuracy"};
  size_t params_before = 0;
  int ready = model != NULL
              && px_model_compile(model, "adam", "sparse_categorical_crossentropy", accuracy, 1)
                     == PX_STATUS_OK
              && px_model_count_params(model, &params_before) == PX_STATUS_OK;
  check(ready && params_before == 82, "a compiled Sequential of 82 params to change from its "
                                      "own callback");
  if (!ready) {
    px_model_release(model);
    return;
  }
  mutator m;
  memset(&m, 0, sizeof m);
  m.model = model;
  m.xv = xv;
  m.yv = yv;
  m.nested_loss = -1;
  for (int i = 0; i < MUTATE_CALLS; i++) m.status[i] = -1;
  px_fit_options options = fit_options(1, 32);
  px_status st = px_model_fit(model, xv, 1, yv, 1, &options, mutate_progress, &m, NULL);
  expect(st, OK_, m.done, NULL, "a fit whose callback tries to change the model returns OK");
  for (int i = MUTATE_COMPILE; i <= MUTATE_TRAIN_ON_BATCH; i++) {
    int passed = m.status[i] == PX_STATUS_INVALID_STATE
                 && mentions(m.message[i], mutate_names[i])
                 && mentions(m.message[i], "is running|progress callback");
    check(passed,
          "from fit's callback, %s on the model being trained fails with "
          "PX_STATUS_INVALID_STATE (it is running fit)", mutate_names[i]);
    if (!passed)
      printf("#   received %s; message \"%s\"\n", status_name(m.status[i]), m.message[i]);
  }
  for (int i = MUTATE_SET_WEIGHT; i < MUTATE_CALLS; i++) {
    check(m.status[i] == PX_STATUS_OK,
          "from fit's callback, %s on the model being trained succeeds", mutate_names[i]);
    if (m.status[i] != PX_STATUS_OK)
      printf("#   received %s; message \"%s\"\n", status_name(m.status[i]), m.message[i]);
  }
  check(m.nested_loss >= 0 && isfinite(m.nested_loss),
        "px_model_evaluate from fit's callback returns a finite loss (%g)", m.nested_loss);
  size_t params_after = 0, outputs = 0;
  int unchanged = px_model_count_params(model, &params_after) == PX_STATUS_OK
                  && params_after == 82
                  && px_model_output_count(model, &outputs) == PX_STATUS_OK && outputs == 1;
  check(unchanged, "after that fit the model still has 82 params and one output (read %zu)",
        params_after);
  const int64_t four[2] = {4, FEATURES}, four_out[2] = {4, CLASSES};
  px_tensor *x4 = make_f32(four, 2, xs), *y4 = NULL;
  const px_tensor *x4v[1] = {x4};
  st = px_model_predict_on_batch(model, x4v, 1, &y4, 1);
  expect(st, OK_, has_shape(y4, four_out, 2), NULL,
         "and predicts 4x%d as before: the architecture is unchanged", CLASSES);
  px_tensor_release(y4);
  px_tensor_release(x4);
  px_logs *logs = NULL;
  st = px_model_train_on_batch(model, xv, 1, yv, 1, &logs);
  double accuracy_value = -1;
  expect(st, OK_, px_logs_get(logs, "accuracy", &accuracy_value) == PX_STATUS_OK, NULL,
         "and trains with its own compile (loss and accuracy), not the refused one");
  px_logs_release(logs);
  check(px_model_set_backend(model, NULL) == PX_STATUS_OK,
        "px_model_set_backend(NULL) after fit: the default backend again");
  px_model_release(model);
}

/* ---------------------------------------------------------------------------------------------
 * A failing call inside a callback, then the outer call succeeds: no last error is left
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  int failed_calls;
  int failure_reported; /* the nested call did fail and set a message */
} failer;

static int32_t failing_progress(const px_progress_event *event, void *user) {
  failer *f = user;
  if (event->kind != PX_EVENT_TRAIN_BATCH_END && event->kind != PX_EVENT_TEST_BATCH_END
      && event->kind != PX_EVENT_PREDICT_BATCH_END)
    return 0;
  size_t rank = 0;
  px_status st = px_tensor_rank(NULL, &rank);
  f->failed_calls++;
  if (st == PX_STATUS_INVALID_ARGUMENT && contains(px_last_error_message(), "px_tensor_rank"))
    f->failure_reported++;
  return 0;
}

static void error_after_callback(const px_tensor *const *xv, const px_tensor *const *yv) {
  px_model *model = make_json_model();
  if (!check(model != NULL, "a model for callbacks whose calls fail")) return;
  failer f;
  memset(&f, 0, sizeof f);
  px_fit_options options = fit_options(1, 64);
  px_status st = px_model_fit(model, xv, 1, yv, 1, &options, failing_progress, &f, NULL);
  int cleared = error_cleared();
  expect(st, OK_, f.failed_calls == 4 && f.failure_reported == 4, NULL,
         "px_model_fit whose callback calls px_tensor_rank(NULL) at each batch end returns OK "
         "(%d calls failed as they should)", f.failure_reported);
  check(cleared, "after that fit the last error is \"\" (the nested failure is not left)");
  memset(&f, 0, sizeof f);
  px_logs *logs = NULL;
  st = px_model_evaluate(model, xv, 1, yv, 1, 64, failing_progress, &f, &logs);
  cleared = error_cleared();
  expect(st, OK_, f.failure_reported == 4, NULL,
         "px_model_evaluate with the same callback returns OK");
  check(cleared, "after that evaluate the last error is \"\"");
  px_logs_release(logs);
  memset(&f, 0, sizeof f);
  px_tensor *out = NULL;
  st = px_model_predict(model, xv, 1, 64, failing_progress, &f, &out, 1);
  cleared = error_cleared();
  expect(st, OK_, f.failure_reported == 4, NULL,
         "px_model_predict with the same callback returns OK");
  check(cleared, "after that predict the last error is \"\"");
  px_tensor_release(out);
  px_model_release(model);
}

/* ---------------------------------------------------------------------------------------------
 * fit with initial_epoch == epochs: nothing left to run
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  int32_t kinds[64];
  int count;
} kind_log;

static int32_t log_kinds(const px_progress_event *event, void *user) {
  kind_log *log = user;
  if (log->count < 64) log->kinds[log->count] = event->kind;
  log->count++;
  return 0;
}

static void fit_no_epoch_left(const px_tensor *const *xv, const px_tensor *const *yv) {
  px_model *model = make_json_model();
  if (!check(model != NULL, "a model for a fit with no epoch left")) return;
  size_t total = 0;
  float *before = snapshot_weights(model, &total);
  kind_log log;
  memset(&log, 0, sizeof log);
  px_fit_options options = fit_options(3, 32);
  options.initial_epoch = 3;
  px_logs *history = SENTINEL_LOGS;
  px_status st = px_model_fit(model, xv, 1, yv, 1, &options, log_kinds, &log, &history);
  size_t names = SENTINEL_SIZE, values = 0;
  int empty = st == PX_STATUS_OK && history != SENTINEL_LOGS && history != NULL
              && px_logs_count(history, &names) == PX_STATUS_OK;
  for (size_t i = 0; empty && i < names; i++) {
    size_t n = SENTINEL_SIZE;
    double value[8];
    if (px_logs_values(history, i, value, 8, &n) != PX_STATUS_OK) empty = 0;
    values += n;
  }
  expect(st, OK_, empty && values == 0, NULL,
         "px_model_fit with initial_epoch 3 of 3 returns OK, a history with no values "
         "(%zu names, %zu values)", names, values);
  if (st == PX_STATUS_OK) px_logs_release(history);
  check(log.count == 2 && log.kinds[0] == PX_EVENT_TRAIN_BEGIN
            && log.kinds[1] == PX_EVENT_TRAIN_END,
        "its callback sees TRAIN_BEGIN and TRAIN_END only (%d events)", log.count);
  check(before != NULL && same_weights(model, before, total),
        "and no weight changes: 0 epochs ran");
  free(before);
  px_model_release(model);
}

/* ---------------------------------------------------------------------------------------------
 * Inside an evaluate's or a predict's own callback, running the model again is refused
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  px_model *model;
  const px_tensor *const *x, *const *y;
  px_status nested[2]; /* an evaluate, then a predict, from the outer call's first batch end */
  char message[2][200];
  int done;
} nester;

static int32_t nest_progress(const px_progress_event *event, void *user) {
  nester *n = user;
  if ((event->kind != PX_EVENT_TEST_BATCH_END && event->kind != PX_EVENT_PREDICT_BATCH_END)
      || n->done)
    return 0;
  n->done = 1;
  px_logs *logs = NULL;
  n->nested[0] = px_model_evaluate(n->model, n->x, 1, n->y, 1, 64, NULL, NULL, &logs);
  snprintf(n->message[0], sizeof n->message[0], "%s", px_last_error_message());
  px_logs_release(logs);
  px_tensor *out = NULL;
  n->nested[1] = px_model_predict(n->model, n->x, 1, 64, NULL, NULL, &out, 1);
  snprintf(n->message[1], sizeof n->message[1], "%s", px_last_error_message());
  px_tensor_release(out);
  return 0;
}

static void inference_inside_inference(const px_tensor *const *xv, const px_tensor *const *yv) {
  px_model *model = make_json_model();
  if (!check(model != NULL, "a model to nest calls in")) return;
  static const char *const outer_names[2] = {"px_model_evaluate", "px_model_predict"};
  for (int outer = 0; outer < 2; outer++) {
    nester n;
    memset(&n, 0, sizeof n);
    n.model = model;
    n.x = xv;
    n.y = yv;
    n.nested[0] = n.nested[1] = -1;
    px_logs *logs = NULL;
    px_tensor *out = NULL;
    px_status st = outer == 0
                       ? px_model_evaluate(model, xv, 1, yv, 1, 64, nest_progress, &n, &logs)
                       : px_model_predict(model, xv, 1, 64, nest_progress, &n, &out, 1);
    px_logs_release(logs);
    px_tensor_release(out);
    int refused = 1;
    for (int i = 0; i < 2; i++)
      refused = refused && n.nested[i] == PX_STATUS_INVALID_STATE
                && mentions(n.message[i], "is running|progress callback");
    expect(st, OK_, n.done && refused, NULL,
           "from %s's callback, evaluate and predict on the same model fail with "
           "PX_STATUS_INVALID_STATE, and the outer call completes", outer_names[outer]);
  }
  px_model_release(model);
}

void section_callbacks(void) {
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  if (check(x != NULL && y != NULL, "the problem's 256 samples and labels")) {
    mutate_from_callback(xv, yv);
    error_after_callback(xv, yv);
    fit_no_epoch_left(xv, yv);
    inference_inside_inference(xv, yv);
  }
  px_tensor_release(x);
  px_tensor_release(y);
}
