/*
 * test_sweep, section "validation": px_fit_options' validation_freq, validation_epochs and
 * validation_batch_size (ABI 0.10, Keras's validation_freq and validation_batch_size).
 * Validation runs after every nth epoch or after the listed ones (counted from 1; a list of
 * none: never), and the other epochs' logs hold no val_ entries; a caller of an older
 * struct_size validates after every epoch whatever follows its struct. Negative frequencies,
 * epochs below 1, a NULL list with a count, a count past SIZE_MAX/2 and both fields at once
 * are refused before any training, writing no history.
 */
#include "sweep.h"

typedef struct {
  int validated[8]; /* per epoch: whether its end logs held val_loss */
} validation_seen;

static int32_t count_test_batches(const px_progress_event *event, void *user) {
  if (event->kind == PX_EVENT_TEST_BATCH_END) (*(int *)user)++;
  return 0;
}

static int32_t note_validation(const px_progress_event *event, void *user) {
  validation_seen *seen = user;
  if (event->kind != PX_EVENT_EPOCH_END || event->epoch < 0 || event->epoch >= 8) return 0;
  for (size_t i = 0; i < event->log_count; i++)
    if (strcmp(event->log_names[i], "val_loss") == 0) seen->validated[event->epoch] = 1;
  return 0;
}

/* Fits 6 epochs with `options`' validation settings; writes which epochs validated as a
 * string of 0s and 1s into `pattern` and returns the status. */
static px_status fit_six(px_model *model, const px_tensor *const *xv, const px_tensor *const *yv,
                         px_fit_options options, char pattern[8], size_t *val_count) {
  validation_seen seen;
  memset(&seen, 0, sizeof seen);
  options.epochs = 6;
  options.batch_size = 64;
  options.validation_x = xv;
  options.validation_x_count = 1;
  options.validation_y = yv;
  options.validation_y_count = 1;
  options.event_mask = 1u << PX_EVENT_EPOCH_END;
  px_logs *history = NULL;
  px_status st = px_model_fit(model, xv, 1, yv, 1, &options, note_validation, &seen, &history);
  double values[8];
  *val_count = log_values(history, "val_loss", values, 8);
  px_logs_release(history);
  for (int i = 0; i < 6; i++) pattern[i] = seen.validated[i] ? '1' : '0';
  pattern[6] = '\0';
  return st;
}

void section_validation(void) {
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_json_model();
  if (!check(model != NULL, "a compiled model to validate")) return;
  char pattern[8];
  size_t count = 0;

  px_fit_options options = fit_options(6, 64);
  px_status st = fit_six(model, xv, yv, options, pattern, &count);
  expect(st, OK_, strcmp(pattern, "111111") == 0 && count == 6, NULL,
         "by default every epoch validates (%s, %zu val_loss values)", pattern, count);
  options.validation_freq = 2;
  st = fit_six(model, xv, yv, options, pattern, &count);
  expect(st, OK_, strcmp(pattern, "010101") == 0 && count == 3, NULL,
         "validation_freq 2: epochs 2, 4 and 6 validate (%s, %zu values)", pattern, count);
  const int64_t listed[3] = {1, 4, 9};
  options = fit_options(6, 64);
  options.validation_epochs = listed;
  options.validation_epoch_count = 3;
  st = fit_six(model, xv, yv, options, pattern, &count);
  expect(st, OK_, strcmp(pattern, "100100") == 0 && count == 2, NULL,
         "validation_epochs {1, 4, 9}: epochs 1 and 4 validate (%s, %zu values)", pattern,
         count);
  options = fit_options(6, 64);
  options.validation_epochs = listed;
  options.validation_epoch_count = 0;
  st = fit_six(model, xv, yv, options, pattern, &count);
  expect(st, OK_, strcmp(pattern, "000000") == 0 && count == 0, NULL,
         "validation_epochs non-NULL with a count of 0: no epoch validates (%s)", pattern);
  /* A caller built against ABI 0.9 knows nothing past validation_sample_weight. */
  options = fit_options(6, 64);
  options.validation_freq = -5;
  options.validation_epochs = (const int64_t *)SENTINEL_POINTER;
  options.validation_epoch_count = SIZE_MAX;
  options.struct_size = (uint32_t)offsetof(px_fit_options, validation_freq);
  st = fit_six(model, xv, yv, options, pattern, &count);
  expect(st, OK_, strcmp(pattern, "111111") == 0, NULL,
         "an older struct_size validates after every epoch, whatever lies past it (%s)",
         pattern);

  /* 256 validation samples in batches of 100: 3 test steps per epoch (batch_size is 64). */
  int batches = 0;
  options = fit_options(1, 64);
  options.validation_x = xv;
  options.validation_x_count = 1;
  options.validation_y = yv;
  options.validation_y_count = 1;
  options.validation_batch_size = 100;
  st = px_model_fit(model, xv, 1, yv, 1, &options, count_test_batches, &batches, NULL);
  expect(st, OK_, batches == 3, NULL, "validation_batch_size 100: 3 validation steps (%d)",
         batches);
  options.validation_batch_size = -3;
  px_logs *refused = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &refused);
  expect(st, IA_, refused == SENTINEL_LOGS, "validation_batch_size",
         "a negative validation_batch_size fails before training");

  struct {
    int64_t freq;
    const int64_t *epochs;
    size_t count;
    const char *needles;
    const char *what;
  } bad[] = {
      {-1, NULL, 0, "validation_freq", "a negative validation_freq"},
      {INT64_MAX, NULL, 0, "validation_freq", "validation_freq INT64_MAX"},
      {0, NULL, 3, "validation_epochs", "validation_epochs NULL with a count of 3"},
      {0, listed, SIZE_MAX, "validation_epoch_count", "a validation_epoch_count of SIZE_MAX"},
      {2, listed, 3, "validation_freq|validation_epochs", "both validation_freq and _epochs"},
  };
  static const int64_t zero_first[2] = {0, 2};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    options = fit_options(6, 64);
    options.validation_freq = bad[i].freq;
    options.validation_epochs = bad[i].epochs;
    options.validation_epoch_count = bad[i].count;
    px_logs *history = SENTINEL_LOGS;
    st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
    expect(st, IA_, history == SENTINEL_LOGS, bad[i].needles,
           "%s fails before training and writes no history", bad[i].what);
  }
  options = fit_options(6, 64);
  options.validation_epochs = zero_first;
  options.validation_epoch_count = 2;
  px_logs *history = SENTINEL_LOGS;
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, &history);
  expect(st, IA_, history == SENTINEL_LOGS, "validation_epochs|from 1",
         "an epoch 0 in validation_epochs fails (epochs count from 1)");
  px_model_release(model);
  px_tensor_release(x);
  px_tensor_release(y);
}
