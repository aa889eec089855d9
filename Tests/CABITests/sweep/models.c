/*
 * test_sweep, section "models": models (structure, JSON, summary, compile).
 */
#include "sweep.h"

static void expect_json_rejected(const char *json, const char *needles, const char *what) {
  px_model *out = SENTINEL_MODEL;
  px_status st = px_model_from_json(json, &out);
  expect(st, IA_, out == SENTINEL_MODEL, needles, "px_model_from_json rejects %s", what);
  if (st == PX_STATUS_OK) px_model_release(out);
}

static void expect_compile_rejected(px_model *model, const char *optimizer, const char *loss,
                                    const char *const *metrics, size_t count,
                                    const char *needles, const char *what) {
  px_status st = px_model_compile(model, optimizer, loss, metrics, count);
  expect(st, IA_, 1, needles, "px_model_compile rejects %s", what);
}

void section_models(void) {
  px_status st;
  px_model *out = SENTINEL_MODEL;
  st = px_model_create_sequential("m", NULL);
  expect(st, IA_, 1, "px_model_create_sequential|out_model",
         "px_model_create_sequential(out NULL) fails");
  st = px_model_create_sequential(NOT_UTF8, &out);
  expect(st, IA_, out == SENTINEL_MODEL, "px_model_create_sequential|UTF|name",
         "px_model_create_sequential(name not UTF-8) fails");

  px_model *unnamed = NULL;
  char name[64];
  st = px_model_create_sequential(NULL, &unnamed);
  expect(st, OK_,
         unnamed != NULL && px_model_name(unnamed, name, sizeof name, NULL) == PX_STATUS_OK
             && name[0] != '\0',
         NULL, "px_model_create_sequential(NULL) generates a name (\"%s\")",
         unnamed != NULL ? name : "");

  px_model *model = NULL;
  st = px_model_create_sequential("sweep_named", &model);
  size_t needed = SENTINEL_SIZE;
  expect(st, OK_, px_model_name(model, NULL, 0, &needed) == PX_STATUS_OK && needed == 12, NULL,
         "px_model_name(NULL, 0, &needed) reports 12 for \"sweep_named\"");
  memset(name, 'Z', sizeof name);
  needed = SENTINEL_SIZE;
  st = px_model_name(model, name, 5, &needed);
  expect(st, IA_, name[0] == 'Z' && needed == 12, "px_model_name|capacity",
         "px_model_name with a buffer too small fails, writes needed, leaves the buffer");
  st = px_model_name(model, NULL, 12, &needed);
  expect(st, IA_, 1, "px_model_name|buffer", "px_model_name(buffer NULL, capacity 12) fails");
  st = px_model_name(model, name, sizeof name, NULL);
  expect(st, OK_, strcmp(name, "sweep_named") == 0, NULL, "px_model_name reads \"sweep_named\"");

  /* add_input */
  const int64_t features[1] = {FEATURES};
  int32_t bad_dtypes[3] = {-1, 7, INT32_MAX};
  for (int i = 0; i < 3; i++) {
    st = px_model_add_input(model, features, 1, bad_dtypes[i]);
    expect(st, IA_, 1, "px_model_add_input|dtype", "px_model_add_input(dtype %ld) fails",
           (long)bad_dtypes[i]);
  }
  st = px_model_add_input(model, NULL, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|shape", "px_model_add_input(shape NULL, rank 1) fails");
  int64_t ones[PX_MAX_RANK + 1];
  for (int i = 0; i <= PX_MAX_RANK; i++) ones[i] = 1;
  st = px_model_add_input(model, ones, PX_MAX_RANK + 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|rank", "px_model_add_input(rank 33) fails");
  st = px_model_add_input(model, ones, SIZE_MAX, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|rank", "px_model_add_input(rank SIZE_MAX) fails");
  const int64_t minus_two[1] = {-2};
  st = px_model_add_input(model, minus_two, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|shape|dim|-1",
         "px_model_add_input(dims {-2}: only -1 means any) fails");
  const int64_t min_dim[1] = {INT64_MIN};
  st = px_model_add_input(model, min_dim, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input|shape|dim", "px_model_add_input(dims {INT64_MIN}) fails");
  st = px_model_add_input(model, features, 1, PX_DTYPE_FLOAT32);
  expect(st, OK_, 1, NULL, "px_model_add_input({2}, float32)");
  st = px_model_add_input(model, features, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_ | STATE_, 1, "px_model_add_input|input", "a second px_model_add_input fails");

  /* add */
  px_layer *dense = NULL;
  st = px_model_add(model, NULL);
  expect(st, IA_, 1, "px_model_add|layer", "px_model_add(layer NULL) fails");
  st = px_model_add(model, (px_layer *)model);
  expect(st, IA_, 1, "px_model_add|layer|handle|type",
         "px_model_add(model, the model itself as a layer) fails");
  check(px_layer_create("Dense", "{\"units\": 4}", &dense) == PX_STATUS_OK, "a Dense(4) layer");
  st = px_model_add(model, dense);
  expect(st, OK_, 1, NULL, "px_model_add(Dense(4))");
  st = px_model_add(model, dense);
  expect(st, IA_ | STATE_, 1, "px_model_add|layer|model",
         "adding the same layer to the same model again fails");
  px_model *other = NULL;
  check(px_model_create_sequential("other", &other) == PX_STATUS_OK, "another Sequential");
  st = px_model_add(other, dense);
  expect(st, IA_ | STATE_, 1, "px_model_add|layer|model",
         "adding a layer that belongs to a model to another fails");
  px_layer_release(dense);
  px_layer *dense2 = NULL;
  check(px_layer_create("Dense", "{\"units\": 3}", &dense2) == PX_STATUS_OK
            && px_model_add(other, dense2) == PX_STATUS_OK,
        "a Dense(3) on a model without a declared input");
  st = px_model_add_input(other, features, 1, PX_DTYPE_FLOAT32);
  expect(st, STATE_, 1, "px_model_add_input|layer|first|before",
         "px_model_add_input after the first layer fails with PX_STATUS_INVALID_STATE");
  px_layer_release(dense2);

  size_t count = SENTINEL_SIZE;
  st = px_model_input_count(model, NULL);
  expect(st, IA_, 1, "px_model_input_count", "px_model_input_count(out NULL) fails");
  st = px_model_output_count(model, NULL);
  expect(st, IA_, 1, "px_model_output_count", "px_model_output_count(out NULL) fails");
  st = px_model_input_count(model, &count);
  expect(st, OK_, count == 1, NULL, "px_model_input_count reads 1");
  count = SENTINEL_SIZE;
  st = px_model_output_count(model, &count);
  expect(st, OK_, count == 1, NULL, "px_model_output_count reads 1");
  st = px_model_count_params(model, NULL);
  expect(st, IA_, 1, "px_model_count_params", "px_model_count_params(out NULL) fails");
  count = SENTINEL_SIZE;
  st = px_model_count_params(model, &count);
  expect(st, OK_, count == 12, NULL,
         "px_model_count_params of Input(2), Dense(4) reads 12 (2*4 + 4): read %zu", count);

  /* an unbuilt model: state errors, then build */
  count = SENTINEL_SIZE;
  st = px_model_count_params(other, &count);
  expect(st, STATE_, count == SENTINEL_SIZE, "px_model_count_params|built|build",
         "px_model_count_params before build fails with PX_STATUS_INVALID_STATE");
  px_tensor *weight = SENTINEL_TENSOR;
  st = px_model_get_weight(other, "dense/kernel", &weight);
  expect(st, STATE_, weight == SENTINEL_TENSOR, "px_model_get_weight|built|build",
         "px_model_get_weight before build fails with PX_STATUS_INVALID_STATE");
  st = px_model_build(other, NULL, 2);
  expect(st, IA_, 1, "px_model_build|shape", "px_model_build(shape NULL, rank 2) fails");
  st = px_model_build(other, ones, PX_MAX_RANK + 1);
  expect(st, IA_, 1, "px_model_build|rank", "px_model_build(rank 33) fails");
  st = px_model_build(other, ones, SIZE_MAX);
  expect(st, IA_, 1, "px_model_build|rank", "px_model_build(rank SIZE_MAX) fails");
  const int64_t bad_build[2] = {-5, FEATURES};
  st = px_model_build(other, bad_build, 2);
  expect(st, IA_, 1, "px_model_build|shape|dim", "px_model_build(dims {-5, 2}) fails");
  const int64_t huge_build[2] = {-1, INT64_MAX};
  st = px_model_build(other, huge_build, 2);
  expect(st, IA_ | OOM_, 1, "px_model_build|shape|memory|overflow",
         "px_model_build(dims {-1, INT64_MAX}) fails");
  weight = SENTINEL_TENSOR;
  check(px_model_get_weight(other, "dense/kernel", &weight) == PX_STATUS_INVALID_STATE
            && weight == SENTINEL_TENSOR,
        "a failed build leaves the model unbuilt (px_model_get_weight: INVALID_STATE)");
  const int64_t build_shape[2] = {-1, FEATURES};
  st = px_model_build(other, build_shape, 2);
  expect(st, OK_, px_model_count_params(other, &count) == PX_STATUS_OK && count == 9, NULL,
         "px_model_build({-1, 2}) builds 9 params");
  size_t weights = SENTINEL_SIZE;
  check(px_model_weight_count(other, &weights) == PX_STATUS_OK && weights == 2,
        "the built model has 2 weights");
  char path[128] = {0};
  weight = NULL;
  const int64_t kernel_shape[2] = {FEATURES, 3};
  check(px_model_weight_path(other, 0, path, sizeof path, NULL) == PX_STATUS_OK
            && px_model_get_weight(other, path, &weight) == PX_STATUS_OK
            && has_shape(weight, kernel_shape, 2),
        "its first weight (\"%s\") is the 2x3 kernel", path);
  px_tensor_release(weight);
  const int64_t other_build[2] = {-1, FEATURES + 1};
  st = px_model_build(other, other_build, 2);
  expect(st, STATE_, 1, "px_model_build|built|shape",
         "px_model_build({-1, 3}) of a model built for {-1, 2} fails with "
         "PX_STATUS_INVALID_STATE");
  count = SENTINEL_SIZE;
  check(px_model_count_params(other, &count) == PX_STATUS_OK && count == 9,
        "the refused build leaves the model as it was (9 params)");
  st = px_model_build(other, build_shape, 2);
  count = SENTINEL_SIZE;
  expect(st, OK_, px_model_count_params(other, &count) == PX_STATUS_OK && count == 9, NULL,
         "px_model_build({-1, 2}) again, the shape it is built for, succeeds (9 params)");

  /* a layer too big to build: a status, not a crash */
  px_model *huge = NULL;
  px_layer *huge_dense = NULL;
  check(px_model_create_sequential("huge", &huge) == PX_STATUS_OK
            && px_model_add_input(huge, features, 1, PX_DTYPE_FLOAT32) == PX_STATUS_OK
            && px_layer_create("Dense", "{\"units\": 1099511627776}", &huge_dense)
                   == PX_STATUS_OK,
        "a Dense(2^40) layer can be made");
  st = px_model_add(huge, huge_dense);
  expect(st, OK_ | OOM_ | IA_, 1, NULL, "adding Dense(2^40) to an input of 2 returns a status");
  if (st == PX_STATUS_OK) {
    const float row[2] = {1, 2};
    const int64_t one_row[2] = {1, FEATURES};
    px_tensor *x = make_f32(one_row, 2, row);
    const px_tensor *xs1[1] = {x};
    px_tensor *y = SENTINEL_TENSOR;
    st = px_model_predict_on_batch(huge, xs1, 1, &y, 1);
    expect(st, OOM_ | IA_, y == SENTINEL_TENSOR, "px_model_predict_on_batch|memory",
           "predicting with an 8 TiB kernel fails with a status");
    px_tensor_release(x);
  }
  px_layer_release(huge_dense);
  px_model_release(huge);

  /* to_json / summary: the string-out rule */
  char small[8];
  memset(small, 'Z', sizeof small);
  needed = SENTINEL_SIZE;
  st = px_model_to_json(model, NULL, 0, &needed);
  size_t json_size = needed;
  expect(st, OK_, needed != SENTINEL_SIZE && needed > 8, NULL,
         "px_model_to_json(NULL, 0, &needed) reports %zu bytes", needed);
  needed = SENTINEL_SIZE;
  st = px_model_to_json(model, small, sizeof small, &needed);
  expect(st, IA_, small[0] == 'Z' && needed == json_size, "px_model_to_json|capacity",
         "px_model_to_json with 8 bytes fails, writes needed, leaves the buffer");
  st = px_model_to_json(model, NULL, 100, &needed);
  expect(st, IA_, 1, "px_model_to_json|buffer", "px_model_to_json(NULL, 100) fails");
  char *json = malloc(json_size + 1);
  memset(json, 'Z', json_size + 1);
  st = px_model_to_json(model, json, json_size, NULL);
  expect(st, OK_,
         json[json_size - 1] == '\0' && strlen(json) == json_size - 1 && json[json_size] == 'Z'
             && contains(json, "Sequential") && contains(json, "Dense")
             && contains(json, "sweep_named"),
         NULL, "px_model_to_json with the size needed: the whole Keras JSON");
  free(json);
  needed = SENTINEL_SIZE;
  st = px_model_summary(model, NULL, 0, &needed);
  size_t summary_size = needed;
  expect(st, OK_, needed != SENTINEL_SIZE && needed > 8, NULL,
         "px_model_summary(NULL, 0, &needed) reports %zu bytes", needed);
  memset(small, 'Z', sizeof small);
  needed = SENTINEL_SIZE;
  st = px_model_summary(model, small, sizeof small, &needed);
  expect(st, IA_, small[0] == 'Z' && needed == summary_size, "px_model_summary|capacity",
         "px_model_summary with 8 bytes fails, writes needed, leaves the buffer");
  char *summary = malloc(summary_size);
  st = px_model_summary(model, summary, summary_size, NULL);
  expect(st, OK_, strlen(summary) == summary_size - 1 && contains(summary, "Dense"), NULL,
         "px_model_summary with the size needed: a table naming Dense");
  free(summary);

  /* set_backend */
  st = px_model_set_backend(model, "no_such_backend");
  expect(st, IA_, 1, "no_such_backend", "px_model_set_backend(unknown) fails naming it");
  st = px_model_set_backend(model, NOT_UTF8);
  expect(st, IA_, 1, "px_model_set_backend|UTF|backend", "px_model_set_backend(non-UTF-8) fails");
  st = px_model_set_backend(model, "reference");
  expect(st, OK_, 1, NULL, "px_model_set_backend(\"reference\")");
  st = px_model_set_backend(model, NULL);
  expect(st, OK_, 1, NULL, "px_model_set_backend(NULL) follows the default again");

  /* from_json: hostile */
  st = px_model_from_json(MLP_JSON, NULL);
  expect(st, IA_, 1, "px_model_from_json|out_model", "px_model_from_json(out NULL) fails");
  expect_json_rejected(NULL, "px_model_from_json|json", "NULL");
  expect_json_rejected("", "px_model_from_json|JSON", "\"\"");
  expect_json_rejected("{", "px_model_from_json|JSON", "\"{\"");
  expect_json_rejected("42", "px_model_from_json|object|JSON", "\"42\"");
  expect_json_rejected("null", "px_model_from_json|object|JSON", "\"null\"");
  expect_json_rejected("[]", "px_model_from_json|object|JSON", "\"[]\"");
  expect_json_rejected("{}", "px_model_from_json|class_name", "\"{}\"");
  expect_json_rejected("{\"class_name\": \"NoSuchModel\", \"config\": {}}", "NoSuchModel",
                       "an unknown class, naming it");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": "
                       "[{\"class_name\": \"NoSuchLayer\", \"config\": {}}]}}",
                       "NoSuchLayer", "an unknown layer class, naming it");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": "
                       "[{\"class_name\": \"Dense\", \"config\": {\"units\": -1}}]}}",
                       "units", "Dense units -1");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": \"nope\"}}",
                       "layers", "layers that are not a list");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"bad\x80\", "
                       "\"layers\": []}}",
                       "px_model_from_json|UTF|JSON", "a string that is not UTF-8");
  expect_json_rejected("{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}} x",
                       "px_model_from_json|JSON", "trailing garbage");
  char *deep = nested_json(10000, '[', "", ']');
  expect_json_rejected(deep, "px_model_from_json|JSON|nest|deep|depth",
                       "\"[[[[...]]]]\" 10000 deep, without a crash");
  free(deep);
  deep = nested_json(100000, '[', "", ']');
  expect_json_rejected(deep, "px_model_from_json|JSON|nest|deep|depth",
                       "\"[[[[...]]]]\" 100000 deep, without a crash");
  free(deep);
  char *self_nested = self_nested_model_json(10000);
  expect_json_rejected(self_nested, "px_model_from_json|JSON|nest|deep|depth",
                       "a Sequential nested in itself 10000 deep, without a crash");
  free(self_nested);
  size_t mlp_length = strlen(MLP_JSON);
  char *no_compile = malloc(mlp_length + 128);
  memcpy(no_compile, MLP_JSON, mlp_length - 1);
  snprintf(no_compile + mlp_length - 1, 128,
           ", \"compile_config\": {\"optimizer\": \"no_such_optimizer\", \"loss\": \"mse\"}}");
  expect_json_rejected(no_compile, "no_such_optimizer",
                       "a compile_config with an unknown optimizer, naming it");
  free(no_compile);

  /* from_json: happy */
  px_model *from_json = NULL;
  st = px_model_from_json(MLP_JSON, &from_json);
  count = 0;
  expect(st, OK_,
         px_model_count_params(from_json, &count) == PX_STATUS_OK && count == 82
             && px_model_name(from_json, name, sizeof name, NULL) == PX_STATUS_OK
             && strcmp(name, "json_mlp") == 0,
         NULL, "px_model_from_json builds json_mlp with 82 params");

  /* compile: hostile */
  const char *accuracy[1] = {"accuracy"};
  const char *unknown_metric[1] = {"no_such_metric"};
  const char *null_metric[1] = {NULL};
  const char *loss = "sparse_categorical_crossentropy";
  expect_compile_rejected(model, NULL, loss, accuracy, 1, "px_model_compile|optimizer",
                          "optimizer NULL");
  expect_compile_rejected(model, "adam", NULL, accuracy, 1, "px_model_compile|loss", "loss NULL");
  expect_compile_rejected(model, "no_such_optimizer", loss, accuracy, 1, "no_such_optimizer",
                          "an unknown optimizer, naming it");
  expect_compile_rejected(model, "adam", "no_such_loss", accuracy, 1, "no_such_loss",
                          "an unknown loss, naming it");
  expect_compile_rejected(model, "adam", loss, unknown_metric, 1, "no_such_metric",
                          "an unknown metric, naming it");
  expect_compile_rejected(model, "adam", loss, NULL, 1, "px_model_compile|metrics",
                          "metrics NULL with count 1");
  expect_compile_rejected(model, "adam", loss, NULL, SIZE_MAX, "px_model_compile|metric",
                          "metrics NULL with count SIZE_MAX");
  expect_compile_rejected(model, "adam", loss, null_metric, 1, "px_model_compile|metric",
                          "a metric NULL");
  expect_compile_rejected(model, NOT_UTF8, loss, accuracy, 1, "px_model_compile|UTF|optimizer",
                          "an optimizer not UTF-8");
  expect_compile_rejected(model, "{\"class_name\": \"Adam\"", loss, accuracy, 1,
                          "px_model_compile|JSON|optimizer", "malformed optimizer JSON");
  expect_compile_rejected(model, "{\"class_name\": \"NoSuchOptimizer\", \"config\": {}}", loss,
                          accuracy, 1, "NoSuchOptimizer", "an unknown optimizer class");
  expect_compile_rejected(model, "{\"class_name\": \"Adam\", \"config\": {\"learning_rate\": "
                          "\"fast\"}}", loss, accuracy, 1, "learning_rate",
                          "learning_rate \"fast\"");
  expect_compile_rejected(model, "adam", "{\"class_name\": \"SparseCategoricalCrossentropy\", "
                          "\"config\": {\"from_logits\": \"maybe\"}}", accuracy, 1,
                          "from_logits", "from_logits \"maybe\"");
  expect_compile_rejected(model, "adam", "{\"class_name\": \"NoSuchLoss\", \"config\": {}}",
                          accuracy, 1, "NoSuchLoss", "an unknown loss class");
  deep = nested_json(10000, '{', "", '}');
  expect_compile_rejected(model, deep, loss, accuracy, 1, "px_model_compile|JSON|nest|deep|depth",
                          "an optimizer nested 10000 deep");
  free(deep);
  px_logs *logs = SENTINEL_LOGS;
  const float row[2] = {1, 2};
  const int64_t one_row[2] = {1, FEATURES}, one_label[1] = {1};
  const int32_t label[1] = {1};
  px_tensor *x = make_f32(one_row, 2, row), *y = make_i32(one_label, 1, label);
  const px_tensor *x1[1] = {x}, *y1[1] = {y};
  st = px_model_train_on_batch(model, x1, 1, y1, 1, &logs);
  expect(st, STATE_, logs == SENTINEL_LOGS, "px_model_train_on_batch|compile",
         "after the failed compiles the model is still not compiled (INVALID_STATE)");

  /* compile: happy */
  st = px_model_compile(model, "adam", loss, accuracy, 1);
  expect(st, OK_, 1, NULL, "px_model_compile by names");
  st = px_model_compile(model, "sgd", "mse", NULL, 0);
  expect(st, OK_, 1, NULL, "px_model_compile again, no metrics (NULL, 0)");
  const char *metric_objects[2] = {
      "{\"class_name\": \"SparseCategoricalAccuracy\", \"config\": {\"name\": \"sca\"}}",
      "accuracy"};
  st = px_model_compile(from_json, ADAM_JSON, SCCE_LOGITS_JSON, metric_objects, 2);
  expect(st, OK_, 1, NULL, "px_model_compile with JSON optimizer, loss and a metric object");
  logs = NULL;
  double sca = -1;
  st = px_model_train_on_batch(from_json, x1, 1, y1, 1, &logs);
  expect(st, OK_, px_logs_get(logs, "sca", &sca) == PX_STATUS_OK && sca >= 0 && sca <= 1, NULL,
         "train_on_batch logs the metric object under its name \"sca\"");
  px_logs_release(logs);

  px_tensor_release(x);
  px_tensor_release(y);
  px_model_release(from_json);
  px_model_release(other);
  px_model_release(model);
  px_model_release(unnamed);
  px_model_release(unnamed);
  px_model_release(NULL);
  check(1, "px_model_release accepts NULL and released handles");
}
