/*
 * test_sweep, section "datasets": fit, evaluate and predict over a dataset the caller makes
 * batch by batch (ABI 0.7), on the calling thread and prefetched on a library thread, and the
 * datasets a hostile caller passes.
 */
#include "sweep.h"

#define BATCH 32
#define BATCHES (SAMPLES / BATCH)

/* What a dataset's functions see and do. */
typedef struct {
  int64_t asked[64];        /* the indices asked for, in order (the first 64) */
  int asked_count;
  int epochs_begun, epochs_ended;
  int fail_at;              /* a batch index whose function returns non-zero, or -1 */
  int mode;                 /* 0: good batches; 1: a wrong feature count; 2: a handle that is
                               not a tensor; 3: no inputs written */
  pthread_t caller;
  int off_thread;           /* batches made on another thread than the caller's */
} source;

static int32_t make_batch(int64_t index, px_tensor **inputs, size_t input_count,
                          px_tensor **targets, size_t target_count, px_tensor **sample_weight,
                          void *user) {
  source *s = user;
  if (s->asked_count < 64) s->asked[s->asked_count] = index;
  s->asked_count++;
  if (!pthread_equal(pthread_self(), s->caller)) s->off_thread = 1;
  if (index == s->fail_at) return 7;
  if (input_count != 1 || target_count > 1 || index < 0 || index >= BATCHES) return 9;
  if (s->mode == 3) return 0;
  if (s->mode == 2) {
    inputs[0] = (px_tensor *)SENTINEL_TENSOR;
    return 0;
  }
  int64_t features = s->mode == 1 ? FEATURES + 1 : FEATURES;
  float values[BATCH * (FEATURES + 1)];
  for (int64_t row = 0; row < BATCH; row++)
    for (int64_t column = 0; column < features; column++)
      values[row * features + column] =
          column < FEATURES ? xs[(index * BATCH + row) * FEATURES + column] : 0.0f;
  const int64_t x_shape[2] = {BATCH, features}, y_shape[1] = {BATCH};
  inputs[0] = make_f32(x_shape, 2, values);
  if (target_count == 1) targets[0] = make_i32(y_shape, 1, ys + index * BATCH);
  *sample_weight = NULL;
  return 0;
}

static int32_t epoch_event(int32_t begin, void *user) {
  source *s = user;
  if (begin) s->epochs_begun++;
  else s->epochs_ended++;
  return 0;
}

static px_dataset dataset_of(source *s, int32_t prefetch) {
  memset(s->asked, 0, sizeof s->asked);
  s->asked_count = 0;
  s->epochs_begun = s->epochs_ended = 0;
  s->caller = pthread_self();
  s->off_thread = 0;
  px_dataset d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.batch_count = BATCHES;
  d.batch = make_batch;
  d.epoch = epoch_event;
  d.user = s;
  d.prefetch = prefetch;
  return d;
}

void section_datasets(void) {
  make_problem();
  px_model *model = make_sequential_by_layers("sweep_dataset_mlp");
  const char *accuracy[1] = {"accuracy"};
  px_status st = model ? px_model_compile(model, "adam", "sparse_categorical_crossentropy",
                                          accuracy, 1)
                       : PX_STATUS_INTERNAL;
  check(model != NULL && st == PX_STATUS_OK, "a compiled Sequential MLP for the datasets");
  if (model == NULL || st != PX_STATUS_OK) return;
  source s = {.fail_at = -1};
  px_logs *history = SENTINEL_LOGS, *logs = SENTINEL_LOGS;

  /* Three epochs on the calling thread: every batch in order each epoch, the epoch functions
   * around them, a history of three losses. */
  for (int32_t prefetch = -1; prefetch <= 0; prefetch++) {
    px_dataset d = dataset_of(&s, prefetch);
    px_fit_options options = fit_options(3, 0);
    options.batch_size = 0;
    history = SENTINEL_LOGS;
    st = px_model_fit_dataset(model, &d, &options, NULL, NULL, NULL, &history);
    int in_order = s.asked_count == 3 * BATCHES;
    for (int i = 0; i < s.asked_count && i < 64; i++) in_order &= s.asked[i] == i % BATCHES;
    double losses[4];
    size_t count = st == PX_STATUS_OK ? log_values(history, "loss", losses, 4) : 0;
    expect(st, OK_, in_order && s.epochs_begun == 3 && s.epochs_ended == 3 && count == 3, NULL,
           "px_model_fit_dataset (prefetch %d): 3 epochs of %d batches in order, the epoch "
           "functions around each, 3 losses", prefetch, BATCHES);
    check(prefetch == -1 ? !s.off_thread : s.off_thread,
          prefetch == -1 ? "prefetch -1 makes every batch on the calling thread"
                         : "prefetch 0 (two ahead) makes the batches on a library thread");
    if (st == PX_STATUS_OK) px_logs_release(history);
  }

  /* evaluate and predict */
  px_dataset d = dataset_of(&s, 0);
  st = px_model_evaluate_dataset(model, &d, NULL, NULL, &logs);
  double value[1] = {-1};
  size_t found = st == PX_STATUS_OK ? log_values(logs, "accuracy", value, 1) : 0;
  expect(st, OK_, found == 1 && value[0] > 0.5 && s.asked_count == BATCHES, NULL,
         "px_model_evaluate_dataset: every batch once, accuracy above chance (%.3f)", value[0]);
  if (st == PX_STATUS_OK) px_logs_release(logs);
  d = dataset_of(&s, 0);
  px_tensor *outputs[2] = {NULL, SENTINEL_TENSOR};
  const int64_t out_shape[2] = {SAMPLES, CLASSES};
  st = px_model_predict_dataset(model, &d, NULL, NULL, outputs, 1);
  expect(st, OK_, has_shape(outputs[0], out_shape, 2) && outputs[1] == SENTINEL_TENSOR, NULL,
         "px_model_predict_dataset: the batches' outputs joined (256x2)");
  px_tensor_release(outputs[0]);

  /* A failing batch function ends the call with PX_STATUS_CANCELLED naming the batch. */
  for (int32_t prefetch = -1; prefetch <= 0; prefetch++) {
    d = dataset_of(&s, prefetch);
    s.fail_at = 3;
    px_fit_options options = fit_options(2, 0);
    options.batch_size = 0;
    history = SENTINEL_LOGS;
    st = px_model_fit_dataset(model, &d, &options, NULL, NULL, NULL, &history);
    expect(st, CANCEL_, history == SENTINEL_LOGS, "batch 3|returned 7",
           "a batch function returning 7 at batch 3 (prefetch %d) cancels the fit", prefetch);
    s.fail_at = -1;
  }
  /* Bad batches: errors, never a trap; the handles written are released. */
  const char *modes[3] = {"a wrong feature count", "a handle that is not a tensor",
                          "no input written"};
  for (int mode = 1; mode <= 3; mode++) {
    d = dataset_of(&s, 0);
    s.mode = mode;
    logs = SENTINEL_LOGS;
    st = px_model_evaluate_dataset(model, &d, NULL, NULL, &logs);
    expect(st, IA_ | STATE_ | CANCEL_, logs == SENTINEL_LOGS, NULL,
           "px_model_evaluate_dataset refuses batches with %s", modes[mode - 1]);
    s.mode = 0;
  }

  /* Hostile datasets and options. */
  px_fit_options options = fit_options(1, 0);
  options.batch_size = 0;
  st = px_model_fit_dataset(model, NULL, &options, NULL, NULL, NULL, &history);
  expect(st, IA_, 1, "dataset|NULL", "px_model_fit_dataset with a NULL dataset");
  const int64_t counts[4] = {0, -1, INT64_MIN, INT64_MAX};
  for (int i = 0; i < 4; i++) {
    d = dataset_of(&s, 0);
    d.batch_count = counts[i];
    st = px_model_evaluate_dataset(model, &d, NULL, NULL, &logs);
    expect(st, IA_, s.asked_count == 0, "batch_count",
           "a batch_count of %lld is refused before any batch", (long long)counts[i]);
  }
  d = dataset_of(&s, 0);
  d.batch = NULL;
  st = px_model_evaluate_dataset(model, &d, NULL, NULL, &logs);
  expect(st, IA_, 1, "batch", "a dataset without a batch function is refused");
  d = dataset_of(&s, -2);
  st = px_model_evaluate_dataset(model, &d, NULL, NULL, &logs);
  expect(st, IA_, s.asked_count == 0, "prefetch", "a prefetch of -2 is refused");
  d = dataset_of(&s, 0);
  d.struct_size = 2;
  st = px_model_evaluate_dataset(model, &d, NULL, NULL, &logs);
  expect(st, IA_, 1, "struct_size", "a struct_size of 2 is refused");
  d = dataset_of(&s, 0);
  options.batch_size = 16;
  st = px_model_fit_dataset(model, &d, &options, NULL, NULL, NULL, &history);
  expect(st, IA_, s.asked_count == 0, "batch_size", "fit_dataset refuses a batch_size");
  options.batch_size = 0;
  st = px_model_evaluate_dataset(model, &d, NULL, NULL, NULL);
  expect(st, IA_, s.asked_count == 0, "out_logs", "evaluate_dataset refuses NULL out_logs");
  st = px_model_predict_dataset(model, &d, NULL, NULL, outputs, 0);
  expect(st, IA_, s.asked_count == 0, "capacity", "predict_dataset refuses capacity 0");
  st = px_model_predict_dataset(NULL, &d, NULL, NULL, outputs, 1);
  expect(st, IA_, s.asked_count == 0, "model", "predict_dataset refuses a NULL model");
  px_model_release(model);
}
