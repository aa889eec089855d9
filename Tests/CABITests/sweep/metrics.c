/*
 * test_sweep, section "metrics": px_metric_* and px_loss_call, Keras's metrics and losses on
 * their own. Hand-worked values (a mean absolute error over two batches and with weights, an
 * accuracy, an F1 score per class, a mean squared error reduced and not), then what a hostile
 * caller does: NULL and stale handles, a model handle as a metric, unknown names and bad JSON,
 * confusion matrices of Int64.max classes,
 * shapes that do not fit (the metric keeps its state), capacities too small, and four threads
 * updating one metric.
 */
#include "sweep.h"

static px_tensor *column(size_t count, const float *values) {
  const int64_t shape[2] = {(int64_t)count, 1};
  return make_f32(shape, 2, values);
}

static double result_of(px_metric *metric) {
  double value = -1;
  if (px_metric_result(metric, &value) != PX_STATUS_OK) return -1;
  return value;
}

static void hand_worked(void) {
  px_metric *mae = NULL;
  px_status st = px_metric_create("mae", &mae);
  expect(st, OK_, mae != NULL, NULL, "px_metric_create(\"mae\")");
  const float truth[4] = {1, 2, 3, 4}, ones[4] = {1, 1, 1, 1}, halves[4] = {1, 1, 0, 0};
  px_tensor *first = column(2, truth), *second = column(2, truth + 2);
  px_tensor *predicted = column(2, ones), *all_truth = column(4, truth);
  px_tensor *all_predicted = column(4, ones), *weights = vector_f32(4, halves);
  check(result_of(mae) == 0, "a metric before any batch reads 0");
  /* |1-1|, |2-1| then |3-1|, |4-1|: the mean over both batches is 1.5. */
  st = px_metric_update(mae, first, predicted, NULL);
  if (st == PX_STATUS_OK) st = px_metric_update(mae, second, predicted, NULL);
  expect(st, OK_, close_to(result_of(mae), 1.5, 1e-7), NULL,
         "mae over two batches is 1.5 (read %g)", result_of(mae));
  check(px_metric_reset(mae) == PX_STATUS_OK && result_of(mae) == 0,
        "px_metric_reset forgets every batch");
  st = px_metric_update(mae, all_truth, all_predicted, weights);
  expect(st, OK_, close_to(result_of(mae), 0.5, 1e-7), NULL,
         "mae with weights 1, 1, 0, 0 is (0 + 1) / 2 = 0.5 (read %g)", result_of(mae));

  px_metric *accuracy = NULL;
  const float labels[3] = {1, 2, 3}, guesses[3] = {1, 0, 3};
  px_tensor *y = vector_f32(3, labels), *p = vector_f32(3, guesses);
  st = px_metric_create("accuracy", &accuracy);
  if (st == PX_STATUS_OK) st = px_metric_update(accuracy, y, p, NULL);
  expect(st, OK_, close_to(result_of(accuracy), 2.0 / 3.0, 1e-7), NULL,
         "accuracy of 1, 0, 3 against 1, 2, 3 is 2/3");

  /* Arg-max predictions: class 0 for rows 0, 2, 3; class 1 for row 1. Class 0: 2 true
   * positives, 1 false positive (F1 0.8); class 1: 1 true positive, 1 false negative (2/3). */
  px_metric *f1 = NULL;
  const int64_t two[2] = {4, 2};
  const float onehot[8] = {1, 0, 0, 1, 0, 1, 1, 0};
  const float scores[8] = {0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f, 0.7f, 0.3f};
  px_tensor *classes = make_f32(two, 2, onehot), *scored = make_f32(two, 2, scores);
  st = px_metric_create("{\"class_name\": \"F1Score\", \"config\": {\"average\": null}}", &f1);
  if (st == PX_STATUS_OK) st = px_metric_update(f1, classes, scored, NULL);
  double per_class[2] = {-1, -1};
  size_t count = 0;
  if (st == PX_STATUS_OK) st = px_metric_results(f1, per_class, 2, &count);
  expect(st, OK_,
         count == 2 && close_to(per_class[0], 0.8, 1e-6) && close_to(per_class[1], 2.0 / 3.0, 1e-6),
         NULL, "F1Score(average=None) results: one score per class, 0.8 and 2/3 (read %g, %g)",
         per_class[0], per_class[1]);
  check(close_to(result_of(f1), (0.8 + 2.0 / 3.0) / 2, 1e-6),
        "its px_metric_result is their mean, as training logs it");
  count = SENTINEL_SIZE;
  st = px_metric_results(f1, NULL, 0, &count);
  expect(st, OK_, count == 2, NULL, "px_metric_results(NULL, 0) asks the count: 2");
  count = SENTINEL_SIZE;
  st = px_metric_results(f1, per_class, 1, &count);
  expect(st, IA_, count == 2, "capacity", "a capacity of 1 fails and still writes the count");
  st = px_metric_results(mae, NULL, 0, &count);
  expect(st, OK_, count == 1, NULL, "a metric of one number has one result");

  /* The failing update leaves the metric as it was. */
  double before = result_of(mae);
  st = px_metric_update(mae, first, all_predicted, NULL);
  expect(st, IA_, 1, "shape|y_pred|y_true|mean_absolute_error|mae",
         "px_metric_update with 2 labels and 4 predictions fails, naming the metric");
  check(result_of(mae) == before, "and the metric keeps its value (%g)", before);

  const float squares[2] = {1, 3}, zeros[2] = {0, 0}, first_only[2] = {1, 0};
  px_tensor *target = column(2, squares), *zero = column(2, zeros);
  px_tensor *only = vector_f32(2, first_only), *loss = NULL;
  float value[2] = {-1, -1};
  st = px_loss_call("mse", target, zero, NULL, &loss);
  expect(st, OK_, read_f32(loss, value, 2) == 1 && close_to(value[0], 5, 1e-6), NULL,
         "px_loss_call(\"mse\") of 1, 3 against 0, 0 is (1 + 9) / 2 = 5");
  px_tensor_release(loss);
  loss = NULL;
  st = px_loss_call("mse", target, zero, only, &loss);
  expect(st, OK_, read_f32(loss, value, 2) == 1 && close_to(value[0], 0.5, 1e-6), NULL,
         "with weights 1, 0: (1·1 + 9·0) / 2 = 0.5");
  px_tensor_release(loss);
  loss = NULL;
  st = px_loss_call("{\"class_name\": \"MeanSquaredError\", \"config\": {\"reduction\": \"none\"}}",
                    target, zero, NULL, &loss);
  const int64_t per_sample[1] = {2};
  expect(st, OK_,
         has_shape(loss, per_sample, 1) && read_f32(loss, value, 2) == 2 && value[0] == 1
             && value[1] == 9,
         NULL, "reduction \"none\": one loss per sample, 1 and 9");
  px_tensor_release(loss);

  px_tensor *tensors[] = {first, second, predicted, all_truth, all_predicted, weights, y, p,
                          classes, scored, target, zero, only};
  for (size_t i = 0; i < sizeof tensors / sizeof tensors[0]; i++) px_tensor_release(tensors[i]);
  px_metric_release(f1);
  px_metric_release(accuracy);
  px_metric_release(mae);
}

static void hostile(void) {
  px_metric *metric = (px_metric *)SENTINEL_POINTER;
  px_status st = px_metric_create(NULL, &metric);
  expect(st, IA_, metric == (px_metric *)SENTINEL_POINTER, "metric",
         "px_metric_create(NULL) fails and writes nothing");
  st = px_metric_create("no_such_metric", &metric);
  expect(st, IA_ | UNSUP_, metric == (px_metric *)SENTINEL_POINTER, "no_such_metric",
         "an unknown metric name fails, naming it");
  st = px_metric_create("{\"class_name\": \"AUC\", ", &metric);
  expect(st, IA_, metric == (px_metric *)SENTINEL_POINTER, "JSON",
         "a metric of broken JSON fails");
  st = px_metric_create("{\"class_name\": \"Dense\", \"config\": {}}", &metric);
  expect(st, IA_ | UNSUP_, metric == (px_metric *)SENTINEL_POINTER, "Dense",
         "a layer's JSON is not a metric");
  st = px_metric_create("mae", NULL);
  expect(st, IA_, 1, "out_metric", "px_metric_create with a NULL out_metric fails");
  /* Sizes a confusion matrix cannot hold, and class ids outside it, fail by name. */
  const char *bad_iou[] = {
      "{\"class_name\": \"MeanIoU\", \"config\": {\"num_classes\": 9223372036854775807}}",
      "{\"class_name\": \"MeanIoU\", \"config\": {\"num_classes\": -9223372036854775807}}",
      "{\"class_name\": \"IoU\", \"config\": {\"num_classes\": 3, "
      "\"target_class_ids\": [-5]}}",
      "{\"class_name\": \"PrecisionAtRecall\", \"config\": {\"recall\": 0.5, "
      "\"num_thresholds\": 9223372036854775807}}",
  };
  for (size_t i = 0; i < sizeof bad_iou / sizeof bad_iou[0]; i++) {
    metric = (px_metric *)SENTINEL_POINTER;
    st = px_metric_create(bad_iou[i], &metric);
    expect(st, IA_, metric == (px_metric *)SENTINEL_POINTER,
           "num_classes|target_class_ids|num_thresholds",
           "px_metric_create(%s) fails and writes nothing", bad_iou[i]);
  }
  metric = (px_metric *)SENTINEL_POINTER;

  px_metric *mae = NULL;
  if (!check(px_metric_create("mae", &mae) == PX_STATUS_OK, "a metric to abuse")) return;
  const float values[2] = {1, 2};
  px_tensor *x = column(2, values);
  double out = -7;
  st = px_metric_update(NULL, x, x, NULL);
  expect(st, IA_, 1, "metric", "px_metric_update(NULL metric) fails");
  st = px_metric_update(mae, NULL, x, NULL);
  expect(st, IA_, 1, "y_true", "px_metric_update with a NULL y_true fails");
  st = px_metric_update(mae, x, (const px_tensor *)SENTINEL_POINTER, NULL);
  expect(st, IA_, 1, "y_pred", "px_metric_update with a forged y_pred fails");
  px_model *model = make_json_model();
  st = px_metric_result((px_metric *)model, &out);
  expect(st, IA_, out == -7, "px_metric|metric", "a model handle is not a metric");
  px_model_release(model);
  st = px_metric_result(mae, NULL);
  expect(st, IA_, 1, "out_value", "px_metric_result with a NULL out_value fails");
  size_t count = SENTINEL_SIZE;
  st = px_metric_results(mae, NULL, SIZE_MAX, &count);
  expect(st, IA_, 1, "values", "px_metric_results(NULL, SIZE_MAX) fails");
  st = px_metric_results(mae, NULL, 0, NULL);
  expect(st, IA_, 1, "out_count", "px_metric_results with a NULL out_count fails");
  px_metric *stale = NULL;
  check(px_metric_create("accuracy", &stale) == PX_STATUS_OK, "a metric to release");
  px_metric_release(stale);
  px_metric_release(stale); /* twice: ignored */
  px_metric_release(NULL);
  st = px_metric_reset(stale);
  expect(st, IA_, 1, "metric|released|stale", "px_metric_reset on a released metric fails");

  px_tensor *loss = SENTINEL_TENSOR;
  st = px_loss_call(NULL, x, x, NULL, &loss);
  expect(st, IA_, loss == SENTINEL_TENSOR, "loss", "px_loss_call(NULL loss) fails");
  st = px_loss_call("no_such_loss", x, x, NULL, &loss);
  expect(st, IA_ | UNSUP_, loss == SENTINEL_TENSOR, "no_such_loss",
         "an unknown loss fails, naming it");
  st = px_loss_call("mse", x, x, NULL, NULL);
  expect(st, IA_, 1, "out", "px_loss_call with a NULL out fails");
  const float four[4] = {1, 2, 3, 4};
  px_tensor *longer = column(4, four);
  st = px_loss_call("mse", x, longer, NULL, &loss);
  expect(st, IA_, loss == SENTINEL_TENSOR, "shape|y_pred|y_true|mean_squared_error|mse",
         "px_loss_call with 2 labels and 4 predictions fails and writes nothing");
  px_tensor_release(longer);
  px_tensor_release(x);
  px_metric_release(mae);
}

typedef struct {
  px_metric *metric;
  float label;
  int failures;
} updater;

static void *update_many(void *argument) {
  updater *u = argument;
  float label[1] = {u->label}, zero[1] = {0};
  px_tensor *y = column(1, label), *p = column(1, zero);
  int updates = 50 * ((int)u->label + 1);
  for (int i = 0; i < updates; i++)
    if (px_metric_update(u->metric, y, p, NULL) != PX_STATUS_OK) u->failures++;
  px_tensor_release(y);
  px_tensor_release(p);
  return NULL;
}

static void from_threads(void) {
  px_metric *mae = NULL;
  if (!check(px_metric_create("mae", &mae) == PX_STATUS_OK, "a metric for four threads")) return;
  pthread_t threads[4];
  updater updaters[4];
  int started[4];
  for (int i = 0; i < 4; i++) {
    updaters[i] = (updater){mae, (float)i, 0};
    started[i] = pthread_create(&threads[i], NULL, update_many, &updaters[i]) == 0;
  }
  int failures = 0;
  for (int i = 0; i < 4; i++) {
    if (started[i]) pthread_join(threads[i], NULL);
    failures += updaters[i].failures + !started[i];
  }
  /* Thread i adds 50·(i + 1) errors of i: (0·50 + 1·100 + 2·150 + 3·200) / 500 = 2 when no
   * update is lost (a lost one moves the mean, as the threads add different counts). */
  check(failures == 0 && close_to(result_of(mae), 2.0, 1e-9),
        "four threads updating one metric 50 to 200 times each: every update counts (mean %g)",
        result_of(mae));
  px_metric_release(mae);
}

void section_metrics(void) {
  hand_worked();
  hostile();
  from_threads();
}
