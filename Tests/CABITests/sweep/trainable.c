/* px_model_set_trainable: Keras's `layer.trainable = False` through the C ABI. A frozen layer
 * keeps its weights through fit while the others train; the model itself can be frozen whole;
 * bad handles and unknown layer names are refused with the layer names in the message. */
#include "sweep.h"

static int same_floats(const float *a, const float *b, size_t count) {
  return count > 0 && memcmp(a, b, count * sizeof(float)) == 0;
}

void section_trainable(void) {
  px_status st;
  make_problem();
  px_model *model = NULL;
  const char *metrics[1] = {"accuracy"};
  check(px_model_from_json(MLP_JSON, &model) == PX_STATUS_OK
            && px_model_compile(model, ADAM_JSON, SCCE_LOGITS_JSON, metrics, 1) == PX_STATUS_OK,
        "the JSON MLP (hidden, logits) is built and compiled");
  if (model == NULL) return;

  st = px_model_set_trainable(NULL, "hidden", 0);
  expect(st, IA_, 1, "px_model_set_trainable|model", "px_model_set_trainable(NULL model) fails");
  st = px_model_set_trainable(model, "no_such_layer", 0);
  expect(st, IA_, 1, "no_such_layer|hidden|logits",
         "an unknown layer name fails and the message lists the model's layers");
  st = px_model_set_trainable(model, NOT_UTF8, 0);
  expect(st, IA_, 1, "px_model_set_trainable|UTF-8|layer_name", "a name that is not UTF-8 fails");

  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_fit_options options = fit_options(2, 32);

  float hidden_before[32], hidden_after[32], logits_before[32], logits_after[32];
  size_t hidden_count = read_weight(model, "json_mlp/hidden/kernel", hidden_before, 32);
  size_t logits_count = read_weight(model, "json_mlp/logits/kernel", logits_before, 32);
  st = px_model_set_trainable(model, "hidden", 0);
  expect(st, OK_, 1, NULL, "px_model_set_trainable(model, \"hidden\", 0) succeeds");
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  expect(st, OK_, 1, NULL, "the model trains with its hidden layer frozen");
  read_weight(model, "json_mlp/hidden/kernel", hidden_after, 32);
  read_weight(model, "json_mlp/logits/kernel", logits_after, 32);
  check(hidden_count == 32 && same_floats(hidden_before, hidden_after, hidden_count),
        "the frozen layer's kernel is unchanged by fit");
  check(logits_count == 32 && !same_floats(logits_before, logits_after, logits_count),
        "the trainable layer's kernel changed");

  st = px_model_set_trainable(model, NULL, 0);
  expect(st, OK_, 1, NULL, "px_model_set_trainable(model, NULL, 0) freezes the whole model");
  size_t total = 0;
  float *before = snapshot_weights(model, &total);
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  check(st == PX_STATUS_OK && before != NULL && same_weights(model, before, total),
        "a frozen model keeps every weight through fit");
  free(before);

  st = px_model_set_trainable(model, NULL, 1);
  expect(st, OK_, 1, NULL, "px_model_set_trainable(model, NULL, 1) unfreezes it");
  read_weight(model, "json_mlp/hidden/kernel", hidden_before, 32);
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  read_weight(model, "json_mlp/hidden/kernel", hidden_after, 32);
  check(st == PX_STATUS_OK && !same_floats(hidden_before, hidden_after, 32),
        "after unfreezing, the hidden layer trains again");

  px_tensor_release(x);
  px_tensor_release(y);
  px_model_release(model);
}
