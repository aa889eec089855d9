/*
 * test_sweep, section "handles": NULL, released, forged and wrong-type handles for every function
 * that takes one.
 */
#include "sweep.h"

/* Bytes that are no handle at all: a forged pointer to readable memory. */
static unsigned char forged_bytes[256];

typedef struct {
  px_model *model; /* compiled and built */
  const px_tensor *const *x;
  const px_tensor *const *y;
  px_tensor *good; /* a live tensor */
  const char *path;
} handle_fixture;

static void sweep_tensor(const handle_fixture *f, px_tensor *bad, const char *what) {
  px_status st;
  int32_t dtype = 77;
  size_t size = SENTINEL_SIZE;
  int64_t dims[2] = {77, 77};
  void *data = SENTINEL_POINTER;
  float buffer[2] = {77, 77};
  struct DLManagedTensorVersioned *managed = SENTINEL_MANAGED;
  st = px_tensor_retain(bad);
  expect(st, IA_, 1, "px_tensor_retain", "px_tensor_retain(%s) fails", what);
  st = px_tensor_dtype(bad, &dtype);
  expect(st, IA_, dtype == 77, "px_tensor_dtype", "px_tensor_dtype(%s) fails", what);
  st = px_tensor_rank(bad, &size);
  expect(st, IA_, size == SENTINEL_SIZE, "px_tensor_rank", "px_tensor_rank(%s) fails", what);
  st = px_tensor_shape(bad, dims, 2);
  expect(st, IA_, dims[0] == 77, "px_tensor_shape", "px_tensor_shape(%s) fails", what);
  st = px_tensor_element_count(bad, &size);
  expect(st, IA_, size == SENTINEL_SIZE, "px_tensor_element_count",
         "px_tensor_element_count(%s) fails", what);
  st = px_tensor_byte_size(bad, &size);
  expect(st, IA_, size == SENTINEL_SIZE, "px_tensor_byte_size", "px_tensor_byte_size(%s) fails",
         what);
  st = px_tensor_data(bad, &data);
  expect(st, IA_, data == SENTINEL_POINTER, "px_tensor_data", "px_tensor_data(%s) fails", what);
  st = px_tensor_copy_to(bad, buffer, sizeof buffer);
  expect(st, IA_, buffer[0] == 77, "px_tensor_copy_to", "px_tensor_copy_to(%s) fails", what);
  st = px_tensor_to_dlpack(bad, &managed);
  expect(st, IA_, managed == SENTINEL_MANAGED, "px_tensor_to_dlpack",
         "px_tensor_to_dlpack(%s) fails", what);
  px_tensor *outputs[1] = {SENTINEL_TENSOR};
  const px_tensor *one[1] = {bad};
  st = px_ops_call("negative", one, 1, NULL, outputs, 1, NULL);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call", "px_ops_call(input %s) fails",
         what);
  const px_tensor *pair[2] = {f->good, bad};
  st = px_ops_call("add", pair, 2, NULL, outputs, 1, NULL);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call",
         "px_ops_call(second input %s) fails", what);
  st = px_model_set_weight(f->model, f->path, bad);
  expect(st, IA_, 1, "px_model_set_weight", "px_model_set_weight(value %s) fails", what);
  px_logs *logs = SENTINEL_LOGS;
  st = px_model_fit(f->model, one, 1, f->y, 1, NULL, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit", "px_model_fit(x %s) fails", what);
  st = px_model_fit(f->model, f->x, 1, one, 1, NULL, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit", "px_model_fit(y %s) fails", what);
  px_fit_options options = fit_options(1, 32);
  options.validation_x = one;
  options.validation_x_count = 1;
  options.validation_y = f->y;
  options.validation_y_count = 1;
  st = px_model_fit(f->model, f->x, 1, f->y, 1, &options, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit",
         "px_model_fit(validation_x %s) fails", what);
  st = px_model_evaluate(f->model, one, 1, f->y, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate", "px_model_evaluate(x %s) fails",
         what);
  st = px_model_evaluate(f->model, f->x, 1, one, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate", "px_model_evaluate(y %s) fails",
         what);
  st = px_model_predict(f->model, one, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict",
         "px_model_predict(x %s) fails", what);
  st = px_model_predict_on_batch(f->model, one, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch",
         "px_model_predict_on_batch(x %s) fails", what);
  st = px_model_train_on_batch(f->model, one, 1, f->y, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch",
         "px_model_train_on_batch(x %s) fails", what);
  st = px_model_train_on_batch(f->model, f->x, 1, one, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch",
         "px_model_train_on_batch(y %s) fails", what);
}

static void sweep_model(const handle_fixture *f, px_model *bad, const char *what) {
  px_status st;
  const int64_t features[1] = {FEATURES}, build_shape[2] = {-1, FEATURES};
  char buffer[64];
  memset(buffer, 'Z', sizeof buffer);
  size_t needed = SENTINEL_SIZE, count = SENTINEL_SIZE;
  px_tensor *tensor = SENTINEL_TENSOR;
  px_logs *logs = SENTINEL_LOGS;
  px_tensor *outputs[1] = {SENTINEL_TENSOR};
  px_layer *layer = NULL;
  const char *accuracy[1] = {"accuracy"};
  st = px_model_add_input(bad, features, 1, PX_DTYPE_FLOAT32);
  expect(st, IA_, 1, "px_model_add_input", "px_model_add_input(%s) fails", what);
  if (px_layer_create("Dense", "{\"units\": 2}", &layer) == PX_STATUS_OK) {
    st = px_model_add(bad, layer);
    expect(st, IA_, 1, "px_model_add", "px_model_add(%s) fails", what);
    px_layer_release(layer);
  }
  st = px_model_to_json(bad, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_to_json",
         "px_model_to_json(%s) fails", what);
  st = px_model_build(bad, build_shape, 2);
  expect(st, IA_, 1, "px_model_build", "px_model_build(%s) fails", what);
  st = px_model_set_backend(bad, "reference");
  expect(st, IA_, 1, "px_model_set_backend", "px_model_set_backend(%s) fails", what);
  st = px_model_name(bad, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_name",
         "px_model_name(%s) fails", what);
  st = px_model_input_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_input_count",
         "px_model_input_count(%s) fails", what);
  st = px_model_output_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_output_count",
         "px_model_output_count(%s) fails", what);
  st = px_model_count_params(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_count_params",
         "px_model_count_params(%s) fails", what);
  st = px_model_summary(bad, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_summary",
         "px_model_summary(%s) fails", what);
  st = px_model_weight_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_model_weight_count",
         "px_model_weight_count(%s) fails", what);
  st = px_model_weight_path(bad, 0, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_model_weight_path",
         "px_model_weight_path(%s) fails", what);
  st = px_model_get_weight(bad, f->path, &tensor);
  expect(st, IA_, tensor == SENTINEL_TENSOR, "px_model_get_weight",
         "px_model_get_weight(%s) fails", what);
  st = px_model_set_weight(bad, f->path, f->good);
  expect(st, IA_, 1, "px_model_set_weight", "px_model_set_weight(%s) fails", what);
  st = px_model_compile(bad, "adam", "mse", accuracy, 1);
  expect(st, IA_, 1, "px_model_compile", "px_model_compile(%s) fails", what);
  st = px_model_fit(bad, f->x, 1, f->y, 1, NULL, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_fit", "px_model_fit(%s) fails", what);
  st = px_model_stop_training(bad);
  expect(st, IA_, 1, "px_model_stop_training", "px_model_stop_training(%s) fails", what);
  st = px_model_evaluate(bad, f->x, 1, f->y, 1, 0, NULL, NULL, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_evaluate", "px_model_evaluate(%s) fails",
         what);
  st = px_model_predict(bad, f->x, 1, 0, NULL, NULL, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict",
         "px_model_predict(%s) fails", what);
  st = px_model_predict_on_batch(bad, f->x, 1, outputs, 1);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_model_predict_on_batch",
         "px_model_predict_on_batch(%s) fails", what);
  st = px_model_train_on_batch(bad, f->x, 1, f->y, 1, &logs);
  expect(st, IA_, logs == SENTINEL_LOGS, "px_model_train_on_batch",
         "px_model_train_on_batch(%s) fails", what);
}

static void sweep_layer(const handle_fixture *f, px_layer *bad, const char *what) {
  px_model *model = NULL;
  const int64_t features[1] = {FEATURES};
  (void)f;
  if (px_model_create_sequential("layer_sweep", &model) != PX_STATUS_OK
      || px_model_add_input(model, features, 1, PX_DTYPE_FLOAT32) != PX_STATUS_OK) {
    check(0, "a model to add %s to", what);
    px_model_release(model);
    return;
  }
  px_status st = px_model_add(model, bad);
  size_t params = SENTINEL_SIZE;
  expect(st, IA_, 1, "px_model_add", "px_model_add(model, layer %s) fails", what);
  check(px_model_weight_count(model, &params) == PX_STATUS_OK && params == 0,
        "and adds nothing to the model");
  px_model_release(model);
}

static void sweep_logs(px_logs *bad, const char *what) {
  px_status st;
  size_t count = SENTINEL_SIZE, needed = SENTINEL_SIZE;
  char buffer[16];
  memset(buffer, 'Z', sizeof buffer);
  double values[2] = {-1, -1};
  st = px_logs_count(bad, &count);
  expect(st, IA_, count == SENTINEL_SIZE, "px_logs_count", "px_logs_count(%s) fails", what);
  st = px_logs_name(bad, 0, buffer, sizeof buffer, &needed);
  expect(st, IA_, buffer[0] == 'Z' && needed == SENTINEL_SIZE, "px_logs_name",
         "px_logs_name(%s) fails", what);
  st = px_logs_values(bad, 0, values, 2, &count);
  expect(st, IA_, values[0] == -1 && count == SENTINEL_SIZE, "px_logs_values",
         "px_logs_values(%s) fails", what);
  st = px_logs_get(bad, "loss", values);
  expect(st, IA_, values[0] == -1, "px_logs_get", "px_logs_get(%s) fails", what);
}

void section_handles(void) {
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_json_model();
  px_logs *logs = NULL;
  px_layer *layer = NULL;
  check(model != NULL && x != NULL && y != NULL
            && px_model_train_on_batch(model, xv, 1, yv, 1, &logs) == PX_STATUS_OK
            && px_layer_create("Dense", "{\"units\": 2}", &layer) == PX_STATUS_OK,
        "live handles of each type: a tensor, a model, logs, a layer");
  if (model == NULL || x == NULL || y == NULL || logs == NULL || layer == NULL) return;
  handle_fixture f = {model, xv, yv, x, "hidden/kernel"};
  char path[128];
  if (px_model_weight_path(model, 0, path, sizeof path, NULL) == PX_STATUS_OK) f.path = path;

  /* released handles of each type */
  const float one_value[1] = {1};
  px_tensor *released_tensor = vector_f32(1, one_value);
  px_tensor_release(released_tensor);
  px_model *released_model = make_json_model();
  px_model_release(released_model);
  px_logs *released_logs = NULL;
  check(px_model_train_on_batch(model, xv, 1, yv, 1, &released_logs) == PX_STATUS_OK,
        "logs to release");
  px_logs_release(released_logs);
  px_layer *released_layer = NULL;
  check(px_layer_create("Dense", "{\"units\": 2}", &released_layer) == PX_STATUS_OK,
        "a layer to release");
  px_layer_release(released_layer);
  px_layer *added_layer = NULL;
  px_model *holder = NULL;
  const int64_t features[1] = {FEATURES};
  check(px_layer_create("Dense", "{\"units\": 2}", &added_layer) == PX_STATUS_OK
            && px_model_create_sequential("holder", &holder) == PX_STATUS_OK
            && px_model_add_input(holder, features, 1, PX_DTYPE_FLOAT32) == PX_STATUS_OK
            && px_model_add(holder, added_layer) == PX_STATUS_OK,
        "a layer added to a model");
  px_layer_release(added_layer); /* the model keeps its own reference; the handle is gone */

  sweep_tensor(&f, NULL, "NULL");
  sweep_tensor(&f, released_tensor, "a released tensor");
  sweep_tensor(&f, (px_tensor *)model, "a model handle");
  sweep_tensor(&f, (px_tensor *)logs, "a logs handle");
  sweep_tensor(&f, (px_tensor *)layer, "a layer handle");
  sweep_tensor(&f, (px_tensor *)forged_bytes, "a forged pointer");
  sweep_model(&f, NULL, "NULL");
  sweep_model(&f, released_model, "a released model");
  sweep_model(&f, (px_model *)x, "a tensor handle");
  sweep_model(&f, (px_model *)logs, "a logs handle");
  sweep_model(&f, (px_model *)layer, "a layer handle");
  sweep_model(&f, (px_model *)forged_bytes, "a forged pointer");
  sweep_layer(&f, released_layer, "released");
  sweep_layer(&f, added_layer, "released after it was added to a model");
  sweep_layer(&f, (px_layer *)x, "a tensor handle");
  sweep_layer(&f, (px_layer *)holder, "a model handle");
  sweep_layer(&f, (px_layer *)logs, "a logs handle");
  sweep_layer(&f, (px_layer *)forged_bytes, "a forged pointer");
  sweep_logs(NULL, "NULL");
  sweep_logs(released_logs, "released logs");
  sweep_logs((px_logs *)x, "a tensor handle");
  sweep_logs((px_logs *)model, "a model handle");
  sweep_logs((px_logs *)layer, "a layer handle");
  sweep_logs((px_logs *)forged_bytes, "a forged pointer");

  /* the release functions ignore NULL, released, forged and wrong-type handles */
  px_tensor_release(NULL);
  px_tensor_release(released_tensor);
  px_tensor_release((px_tensor *)forged_bytes);
  px_tensor_release((px_tensor *)model);
  px_tensor_release((px_tensor *)logs);
  px_tensor_release((px_tensor *)layer);
  px_model_release(NULL);
  px_model_release(released_model);
  px_model_release((px_model *)forged_bytes);
  px_model_release((px_model *)x);
  px_model_release((px_model *)logs);
  px_model_release((px_model *)layer);
  px_layer_release(NULL);
  px_layer_release(released_layer);
  px_layer_release((px_layer *)forged_bytes);
  px_layer_release((px_layer *)x);
  px_layer_release((px_layer *)model);
  px_layer_release((px_layer *)logs);
  px_logs_release(NULL);
  px_logs_release(released_logs);
  px_logs_release((px_logs *)forged_bytes);
  px_logs_release((px_logs *)x);
  px_logs_release((px_logs *)model);
  px_logs_release((px_logs *)layer);
  size_t count = 0;
  int32_t dtype = -1;
  double loss = -1;
  char name[32];
  px_model *added_to = NULL;
  check(px_tensor_dtype(x, &dtype) == PX_STATUS_OK, "the tensor survives the wrong-type releases");
  check(px_model_name(model, name, sizeof name, NULL) == PX_STATUS_OK,
        "the model survives the wrong-type releases");
  check(px_logs_get(logs, "loss", &loss) == PX_STATUS_OK && px_logs_count(logs, &count) == PX_STATUS_OK,
        "the logs survive the wrong-type releases");
  check(px_model_create_sequential("survivor", &added_to) == PX_STATUS_OK
            && px_model_add_input(added_to, features, 1, PX_DTYPE_FLOAT32) == PX_STATUS_OK
            && px_model_add(added_to, layer) == PX_STATUS_OK,
        "the layer survives the wrong-type releases (it can still be added)");
  const int64_t one_row[2] = {1, FEATURES};
  px_tensor *row = make_f32(one_row, 2, xs), *held_out = NULL;
  const px_tensor *rowv[1] = {row};
  const int64_t held_shape[2] = {1, 2};
  check(px_model_predict_on_batch(holder, rowv, 1, &held_out, 1) == PX_STATUS_OK
            && has_shape(held_out, held_shape, 2),
        "a model keeps a layer whose handle was released (it predicts 1x2)");
  px_tensor_release(held_out);
  px_tensor_release(row);
  px_model_release(added_to);
  px_model_release(holder);
  px_layer_release(layer);
  px_logs_release(logs);
  px_model_release(model);
  px_tensor_release(x);
  px_tensor_release(y);
}
