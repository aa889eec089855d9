/*
 * test_sweep, section "weighting": Keras's sample_weight and class_weight (ABI 0.8) in
 * px_fit_options, px_model_evaluate_weighted and px_model_train_on_batch_weighted, and the
 * weighted metrics of px_model_set_weighted_metrics (ABI 0.11), checked against unweighted
 * calls worked out by hand, and the weights a hostile caller passes.
 */
#include "sweep.h"

#define HALF (SAMPLES / 2)

static const char *const FROZEN_SGD =
    "{\"class_name\": \"SGD\", \"config\": {\"learning_rate\": 0.0}}";

/* The JSON model compiled with SGD(0): training leaves it as it is, so losses compare. */
static px_model *frozen_model(void) {
  px_model *model = NULL;
  const char *metrics[1] = {"accuracy"};
  if (px_model_from_json(MLP_JSON, &model) != PX_STATUS_OK) return NULL;
  if (px_model_compile(model, FROZEN_SGD, SCCE_LOGITS_JSON, metrics, 1) != PX_STATUS_OK) {
    px_model_release(model);
    return NULL;
  }
  return model;
}

static double logged(const px_logs *logs, const char *name) {
  double value = NAN;
  if (logs == NULL || px_logs_get(logs, name, &value) != PX_STATUS_OK) return NAN;
  return value;
}

/* A fit that must be rejected: INVALID_ARGUMENT naming one of `needles`, no history. */
static void expect_rejected(px_model *model, const px_tensor *const *x, const px_tensor *const *y,
                            const px_fit_options *options, const char *needles,
                            const char *what) {
  px_logs *history = SENTINEL_LOGS;
  px_status st = px_model_fit(model, x, 1, y, 1, options, NULL, NULL, &history);
  expect(st, IA_, history == SENTINEL_LOGS, needles, "px_model_fit rejects %s", what);
  if (st == PX_STATUS_OK) px_logs_release(history);
}

static void hostile_fits(px_model *model, const px_tensor *const *xv, const px_tensor *const *yv) {
  px_fit_options options = fit_options(1, 32);
  static float values[SAMPLES];
  for (int i = 0; i < SAMPLES; i++) values[i] = 1.0f;
  const int64_t short_shape[1] = {SAMPLES - 1}, wide_shape[2] = {SAMPLES, 2};
  const int64_t shape[1] = {SAMPLES};
  px_tensor *short_weights = make_f32(short_shape, 1, values);
  static float wide_values[SAMPLES * 2];
  px_tensor *wide_weights = make_f32(wide_shape, 2, wide_values);
  values[7] = NAN;
  px_tensor *nan_weights = make_f32(shape, 1, values);
  values[7] = 1.0f;
  px_tensor *good_weights = make_f32(shape, 1, values);

  options.sample_weight = short_weights;
  expect_rejected(model, xv, yv, &options, "sample_weight|255",
                  "a sample_weight of 255 weights for 256 samples");
  options.sample_weight = wide_weights;
  expect_rejected(model, xv, yv, &options, "sampleWeight|(256, 2)",
                  "a sample_weight of shape [256, 2]");
  options.sample_weight = nan_weights;
  expect_rejected(model, xv, yv, &options, "sample_weight|finite", "a NaN sample weight");
  options.sample_weight = (const px_tensor *)SENTINEL_TENSOR;
  expect_rejected(model, xv, yv, &options, "sample_weight|handle",
                  "a sample_weight that is not a tensor handle");

  const int64_t classes[2] = {0, 1}, twice[2] = {1, 1}, negative[2] = {0, -3};
  const int64_t huge[2] = {0, INT64_MAX};
  const double weights[2] = {0.5, 2.0}, bad[2] = {NAN, 1.0}, below[2] = {1.0, -0.5};
  options = fit_options(1, 32);
  options.class_weight_count = 2;
  expect_rejected(model, xv, yv, &options, "class_weight_classes|NULL",
                  "class_weight_count 2 with NULL arrays");
  options.class_weight_classes = classes;
  expect_rejected(model, xv, yv, &options, "class_weight_values|NULL",
                  "class_weight_count 2 with NULL values");
  options.class_weight_values = weights;
  options.class_weight_count = SIZE_MAX;
  expect_rejected(model, xv, yv, &options, "class_weight_count",
                  "a class_weight_count of SIZE_MAX");
  options.class_weight_count = 2;
  options.class_weight_classes = twice;
  expect_rejected(model, xv, yv, &options, "twice", "class 1 listed twice");
  options.class_weight_classes = negative;
  expect_rejected(model, xv, yv, &options, "class -3|classWeight",
                  "a negative class id");
  options.class_weight_classes = huge;
  options.class_weight_values = weights;
  px_logs *history = SENTINEL_LOGS;
  /* INT64_MAX is a class no label has: it weighs nothing, and the fit runs. */
  px_status st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, OK_, 1, NULL, "px_model_fit with class INT64_MAX listed (no label has it)");
  if (st == PX_STATUS_OK) px_logs_release(history);
  options.class_weight_classes = classes;
  options.class_weight_values = bad;
  expect_rejected(model, xv, yv, &options, "nan|classWeight", "a NaN class weight");
  options.class_weight_values = below;
  expect_rejected(model, xv, yv, &options, "-0.5|classWeight", "a negative class weight");
  options.class_weight_values = weights;
  options.sample_weight = good_weights;
  expect_rejected(model, xv, yv, &options, "sampleWeight|classWeight",
                  "sample_weight and class weights together");

  options = fit_options(1, 32);
  options.validation_sample_weight = good_weights;
  expect_rejected(model, xv, yv, &options, "validationSampleWeight|validationData",
                  "a validation_sample_weight without validation data");
  options.validation_x = xv;
  options.validation_x_count = 1;
  options.validation_y = yv;
  options.validation_y_count = 1;
  options.validation_sample_weight = short_weights;
  expect_rejected(model, xv, yv, &options, "validation|255",
                  "a validation_sample_weight of 255 weights for 256 samples");

  px_tensor_release(short_weights);
  px_tensor_release(wide_weights);
  px_tensor_release(nan_weights);
  px_tensor_release(good_weights);
}

static void hostile_calls(px_model *model, const px_tensor *const *xv, const px_tensor *const *yv) {
  px_logs *logs = SENTINEL_LOGS;
  const int64_t short_shape[1] = {SAMPLES - 1};
  static float ones[SAMPLES];
  for (int i = 0; i < SAMPLES; i++) ones[i] = 1.0f;
  px_tensor *short_weights = make_f32(short_shape, 1, ones);
  px_status st = px_model_evaluate_weighted(model, xv, 1, yv, 1, short_weights, 0, NULL, NULL,
                                            &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "sample_weight|255",
         "px_model_evaluate_weighted with 255 weights for 256 samples fails");
  st = px_model_evaluate_weighted(model, xv, 1, yv, 1, (const px_tensor *)SENTINEL_TENSOR, 0,
                                  NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "sample_weight|handle",
         "px_model_evaluate_weighted with a sample_weight that is not a handle fails");
  st = px_model_evaluate_weighted(model, xv, 1, yv, 1, NULL, -1, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "batch_size", "px_model_evaluate_weighted(batch -1)");
  st = px_model_evaluate_weighted(model, xv, 1, yv, 1, NULL, 0, NULL, NULL, NULL);
  expect(st, IA_, 1, "out_logs", "px_model_evaluate_weighted with NULL out_logs fails");
  st = px_model_evaluate_weighted(NULL, xv, 1, yv, 1, NULL, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "model", "px_model_evaluate_weighted(NULL model)");

  const int64_t classes[1] = {0};
  const double weights[1] = {2.0};
  st = px_model_train_on_batch_weighted(model, xv, 1, yv, 1, short_weights, NULL, NULL, 0, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "sample_weight|255",
         "px_model_train_on_batch_weighted with 255 weights for 256 samples fails");
  st = px_model_train_on_batch_weighted(model, xv, 1, yv, 1, NULL, NULL, weights, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "classes|NULL",
         "px_model_train_on_batch_weighted with class_count 1 and NULL classes fails");
  st = px_model_train_on_batch_weighted(model, xv, 1, yv, 1, NULL, classes, weights,
                                        (size_t)INT64_MAX + 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "class_count",
         "px_model_train_on_batch_weighted with class_count 2^63 fails");
  px_tensor *one_weights = vector_f32(SAMPLES, ones);
  st = px_model_train_on_batch_weighted(model, xv, 1, yv, 1, one_weights, classes, weights, 1,
                                        &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "sampleWeight|classWeight",
         "px_model_train_on_batch_weighted with both kinds of weights fails");
  px_tensor_release(one_weights);
  px_tensor_release(short_weights);
}

void section_weighting(void) {
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  const int64_t half_x[2] = {HALF, FEATURES}, half_y[1] = {HALF};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  px_tensor *x_half = make_f32(half_x, 2, xs), *y_half = make_i32(half_y, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y}, *xhv[1] = {x_half}, *yhv[1] = {y_half};
  px_model *model = frozen_model();
  check(model != NULL && x != NULL && y != NULL && x_half != NULL && y_half != NULL,
        "the JSON model compiled with SGD(0) and the problem's tensors");
  if (model == NULL || x == NULL || y == NULL || x_half == NULL || y_half == NULL) return;
  hostile_fits(model, xv, yv);
  hostile_calls(model, xv, yv);

  /* Weights 1 on the first half and 0 on the rest, in one batch: Keras's loss is the weighted
   * sum over the batch size, so half the first half's own mean loss. */
  static float halves[SAMPLES], twos[SAMPLES], by_class[SAMPLES];
  for (int i = 0; i < SAMPLES; i++) {
    halves[i] = i < HALF ? 1.0f : 0.0f;
    twos[i] = 2.0f;
    by_class[i] = ys[i] == 0 ? 0.5f : 3.0f;
  }
  px_tensor *half_weights = vector_f32(SAMPLES, halves), *two_weights = vector_f32(SAMPLES, twos);
  px_tensor *class_weights = vector_f32(SAMPLES, by_class);
  px_logs *plain = NULL, *weighted = NULL, *first = NULL;
  px_status st = px_model_evaluate(model, xv, 1, yv, 1, SAMPLES, NULL, NULL, &plain);
  check(st == PX_STATUS_OK, "px_model_evaluate, unweighted");
  st = px_model_evaluate(model, xhv, 1, yhv, 1, HALF, NULL, NULL, &first);
  check(st == PX_STATUS_OK, "px_model_evaluate on the first half");
  st = px_model_evaluate_weighted(model, xv, 1, yv, 1, half_weights, SAMPLES, NULL, NULL,
                                  &weighted);
  check(st == PX_STATUS_OK
            && close_to(logged(weighted, "loss"), 0.5 * logged(first, "loss"), 1e-5)
            && logged(weighted, "accuracy") == logged(plain, "accuracy"),
        "px_model_evaluate_weighted(1 on the first half, 0 after) = half the first half's "
        "loss (%g, %g); accuracy unweighted, as Keras's metrics",
        logged(weighted, "loss"), logged(first, "loss"));
  px_logs_release(weighted);
  weighted = NULL;
  st = px_model_evaluate_weighted(model, xv, 1, yv, 1, NULL, SAMPLES, NULL, NULL, &weighted);
  check(st == PX_STATUS_OK && logged(weighted, "loss") == logged(plain, "loss"),
        "px_model_evaluate_weighted with NULL weights is px_model_evaluate");
  px_logs_release(weighted);
  weighted = NULL;
  /* Weighted metrics (ABI 0.11): accuracy weighed 1 on the first half and 0 after is the
   * first half's accuracy, logged as weighted_accuracy beside the unweighted one. */
  const char *weighted_names[1] = {"accuracy"};
  st = px_model_set_weighted_metrics(model, weighted_names, 1);
  check(st == PX_STATUS_OK, "px_model_set_weighted_metrics([\"accuracy\"])");
  st = px_model_evaluate_weighted(model, xv, 1, yv, 1, half_weights, SAMPLES, NULL, NULL,
                                  &weighted);
  check(st == PX_STATUS_OK
            && close_to(logged(weighted, "weighted_accuracy"), logged(first, "accuracy"), 1e-9)
            && logged(weighted, "accuracy") == logged(plain, "accuracy"),
        "weighted_accuracy (%g) is the first half's accuracy (%g); accuracy stays unweighted",
        logged(weighted, "weighted_accuracy"), logged(first, "accuracy"));
  px_logs_release(weighted);
  weighted = NULL;
  st = px_model_set_weighted_metrics(model, NULL, 0);
  check(st == PX_STATUS_OK, "px_model_set_weighted_metrics(NULL, 0) clears them");
  st = px_model_set_weighted_metrics(NULL, weighted_names, 1);
  expect(st, IA_, 1, "model", "px_model_set_weighted_metrics(NULL model) fails");
  st = px_model_set_weighted_metrics(model, NULL, 1);
  expect(st, IA_, 1, "metrics|NULL", "px_model_set_weighted_metrics(NULL, 1) fails");
  st = px_model_set_weighted_metrics(model, weighted_names, SIZE_MAX);
  expect(st, IA_, 1, "count", "px_model_set_weighted_metrics(count SIZE_MAX) fails");
  const char *unknown[1] = {"no_such_metric"};
  st = px_model_set_weighted_metrics(model, unknown, 1);
  expect(st, IA_ | UNSUP_, 1, "no_such_metric", "an unknown weighted metric fails, naming it");
  px_model *uncompiled = NULL;
  if (px_model_from_json(MLP_JSON, &uncompiled) == PX_STATUS_OK) {
    st = px_model_set_weighted_metrics(uncompiled, weighted_names, 1);
    expect(st, STATE_, 1, "compile", "px_model_set_weighted_metrics before compile fails");
    px_model_release(uncompiled);
  }

  /* Batches of 32: the per-batch losses are averaged by batch size, and weights of 2 double
   * every one. */
  px_logs *batched = NULL;
  st = px_model_evaluate(model, xv, 1, yv, 1, 32, NULL, NULL, &batched);
  px_status st2 = px_model_evaluate_weighted(model, xv, 1, yv, 1, two_weights, 32, NULL, NULL,
                                             &weighted);
  check(st == PX_STATUS_OK && st2 == PX_STATUS_OK
            && close_to(logged(weighted, "loss"), 2 * logged(batched, "loss"), 1e-5),
        "px_model_evaluate_weighted(2 everywhere, batches of 32) doubles the loss");
  px_logs_release(weighted);
  px_logs_release(batched);

  /* train_on_batch: the logged loss is the forward pass's, before the (frozen) update. */
  const int64_t classes[2] = {1, 0};
  const double class_values[2] = {3.0, 0.5};
  px_logs *by_sample = NULL, *by_classes = NULL;
  st = px_model_train_on_batch_weighted(model, xv, 1, yv, 1, class_weights, NULL, NULL, 0,
                                        &by_sample);
  st2 = px_model_train_on_batch_weighted(model, xv, 1, yv, 1, NULL, classes, class_values, 2,
                                         &by_classes);
  check(st == PX_STATUS_OK && st2 == PX_STATUS_OK
            && close_to(logged(by_sample, "loss"), logged(by_classes, "loss"), 1e-6)
            && !close_to(logged(by_classes, "loss"), logged(plain, "loss"), 1e-3),
        "px_model_train_on_batch_weighted: class weights {1: 3, 0: 0.5} weigh as the same "
        "sample weights (%g, %g; unweighted %g)",
        logged(by_sample, "loss"), logged(by_classes, "loss"), logged(plain, "loss"));
  px_logs_release(by_sample);
  px_logs_release(by_classes);

  /* fit: class weights and the same sample weights train alike; validation weights of 2 double
   * val_loss. The model is frozen, so every epoch logs the same values. */
  px_fit_options options = fit_options(2, 64);
  options.shuffle = PX_OPTION_OFF;
  options.class_weight_classes = classes;
  options.class_weight_values = class_values;
  options.class_weight_count = 2;
  options.validation_x = xv;
  options.validation_x_count = 1;
  options.validation_y = yv;
  options.validation_y_count = 1;
  options.validation_sample_weight = two_weights;
  px_logs *history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  px_logs *unweighted_eval = NULL, *class_eval = NULL;
  st2 = px_model_evaluate(model, xv, 1, yv, 1, 64, NULL, NULL, &unweighted_eval);
  px_status st3 = px_model_evaluate_weighted(model, xv, 1, yv, 1, class_weights, 64, NULL, NULL,
                                             &class_eval);
  double loss[2] = {0, 0}, val_loss[2] = {0, 0};
  size_t losses = log_values(history, "loss", loss, 2);
  size_t val_losses = log_values(history, "val_loss", val_loss, 2);
  check(st == PX_STATUS_OK && st2 == PX_STATUS_OK && st3 == PX_STATUS_OK && losses == 2
            && val_losses == 2 && close_to(loss[1], logged(class_eval, "loss"), 1e-5)
            && close_to(val_loss[1], 2 * logged(unweighted_eval, "loss"), 1e-5),
        "px_model_fit with class weights logs the class-weighted loss (%g, %g) and, with "
        "validation weights of 2, twice the unweighted val_loss (%g, %g)",
        loss[1], logged(class_eval, "loss"), val_loss[1], logged(unweighted_eval, "loss"));
  px_logs_release(history);
  px_logs_release(unweighted_eval);
  px_logs_release(class_eval);

  /* A split takes the last samples' weights with them: 0 on the held-out quarter leaves
   * val_loss 0. */
  static float kept[SAMPLES];
  for (int i = 0; i < SAMPLES; i++) kept[i] = i < SAMPLES * 3 / 4 ? 1.0f : 0.0f;
  px_tensor *kept_weights = vector_f32(SAMPLES, kept);
  options = fit_options(1, 64);
  options.validation_split = 0.25;
  options.sample_weight = kept_weights;
  history = NULL;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  val_losses = log_values(history, "val_loss", val_loss, 2);
  losses = log_values(history, "loss", loss, 2);
  check(st == PX_STATUS_OK && val_losses == 1 && val_loss[0] == 0.0 && losses == 1
            && loss[0] > 0.0,
        "px_model_fit(validation_split 0.25) splits sample_weight with the samples: "
        "weights 0 on the last quarter give val_loss 0 (%g), loss %g",
        val_loss[0], loss[0]);
  px_logs_release(history);
  px_tensor_release(kept_weights);

  px_logs_release(plain);
  px_logs_release(first);
  px_tensor_release(half_weights);
  px_tensor_release(two_weights);
  px_tensor_release(class_weights);
  px_tensor_release(x);
  px_tensor_release(y);
  px_tensor_release(x_half);
  px_tensor_release(y_half);
  px_model_release(model);
}
