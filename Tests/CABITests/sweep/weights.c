/*
 * test_sweep, section "weights": weights, JSON round trip, compile_config, views held by a model.
 */
#include "sweep.h"

void section_weights(void) {
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
