/* px_model_call: Keras's `model(x, training=...)`. In training mode a Dropout layer drops (about
 * half the values become 0, the rest are scaled by 2) and a BatchNormalization layer updates its
 * moving mean; in inference mode the call equals px_model_predict_on_batch. Bad handles, a NULL
 * output array and a capacity below the output count are refused and write no output. */
#include "sweep.h"

static const char *const DROPOUT_JSON =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"dropping\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 64], \"dtype\": "
    "\"float32\", \"name\": \"features\"}},"
    "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"drop\", \"rate\": 0.5}},"
    "{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"norm\", \"center\": false, "
    "\"scale\": false}}]}}";

void section_call(void) {
  px_status st;
  px_model *model = NULL;
  check(px_model_from_json(DROPOUT_JSON, &model) == PX_STATUS_OK, "Dropout → BatchNorm is built");
  if (model == NULL) return;
  float ones[2 * 64];
  for (size_t i = 0; i < 2 * 64; i++) ones[i] = 1.0f;
  const int64_t shape[2] = {2, 64};
  px_tensor *x = make_f32(shape, 2, ones);
  const px_tensor *xv[1] = {x};

  px_tensor *inferred = NULL, *called = NULL;
  st = px_model_predict_on_batch(model, xv, 1, &inferred, 1);
  expect(st, OK_, inferred != NULL, NULL, "px_model_predict_on_batch runs");
  st = px_model_call(model, xv, 1, 0, &called, 1);
  float a[128], b[128];
  check(st == PX_STATUS_OK && read_f32(inferred, a, 128) == 128 && read_f32(called, b, 128) == 128
            && memcmp(a, b, sizeof a) == 0,
        "px_model_call(training 0) equals px_model_predict_on_batch");
  px_tensor_release(called);
  px_tensor_release(inferred);

  float before[64], after[64];
  size_t mean_count = read_weight(model, "dropping/norm/moving_mean", before, 64);
  px_tensor *trained = NULL;
  st = px_model_call(model, xv, 1, 1, &trained, 1);
  expect(st, OK_, trained != NULL, NULL, "px_model_call(training 1) runs");
  read_weight(model, "dropping/norm/moving_mean", after, 64);
  check(mean_count == 64 && memcmp(before, after, sizeof before) != 0,
        "in training mode, batch normalization updates its moving mean");
  px_tensor_release(trained);

  px_model *bare = NULL;
  check(px_model_from_json(
            "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"only_drop\", \"layers\": ["
            "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 64], "
            "\"dtype\": \"float32\", \"name\": \"features\"}},"
            "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"drop\", \"rate\": 0.5}}]}}",
            &bare)
            == PX_STATUS_OK,
        "a Dropout model is built");
  px_tensor *dropped = NULL;
  st = px_model_call(bare, xv, 1, 1, &dropped, 1);
  size_t zeros = 0, doubled = 0;
  if (st == PX_STATUS_OK && read_f32(dropped, a, 128) == 128)
    for (size_t i = 0; i < 128; i++) {
      zeros += a[i] == 0.0f;
      doubled += a[i] == 2.0f;
    }
  check(zeros + doubled == 128 && zeros > 20 && doubled > 20,
        "in training mode, dropout zeroes values and scales the rest by 2 (%zu zeros)", zeros);
  px_tensor_release(dropped);
  px_model_release(bare);

  px_tensor *out = SENTINEL_TENSOR;
  st = px_model_call(NULL, xv, 1, 1, &out, 1);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_model_call|model", "a NULL model is refused");
  st = px_model_call(model, xv, 1, 1, NULL, 1);
  expect(st, IA_, 1, "outputs", "a NULL output array is refused");
  st = px_model_call(model, xv, 1, 1, &out, 0);
  expect(st, IA_, out == SENTINEL_TENSOR, "capacity|output", "a capacity of 0 is refused");
  st = px_model_call(model, NULL, 1, 1, &out, 1);
  expect(st, IA_, out == SENTINEL_TENSOR, "x", "NULL inputs with a count are refused");

  px_tensor_release(x);
  px_model_release(model);
}
