/*
 * test_sweep, section "training": training, evaluation, inference and logs.
 */
#include "sweep.h"
#include "training_events.h"

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

void section_training(void) {
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
  /* a loss list must hold one loss per output: this model has one */
  st = px_model_compile(model, "adam", "[\"mse\", \"mae\"]", accuracy, 1);
  expect(st, IA_, 1, "2 losses|1 outputs", "px_model_compile with 2 losses for 1 output fails");
  st = px_model_compile(model, "adam", "[\"sparse_categorical_crossentropy\"]", accuracy, 1);
  expect(st, OK_, 1, NULL, "px_model_compile with a list of one loss per output (1)");
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
    int must_fail = i == REENTER_FIT || i == REENTER_TRAIN_ON_BATCH;
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
