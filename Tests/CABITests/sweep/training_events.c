/*
 * test_sweep, training section: the progress events recorder, which can cancel, stop and re-enter
 * (declared in training_events.h).
 */
#include "training_events.h"

recorder rec;

void recorder_reset(void) {
  memset(&rec, 0, sizeof rec);
  rec.stop_status = -1;
}

static int matches(int64_t wanted, int64_t actual) { return wanted == ANY || wanted == actual; }

static void reenter(void) {
  px_model *model = rec.model;
  px_logs *logs = SENTINEL_LOGS;
  px_tensor *outputs[1] = {SENTINEL_TENSOR};
  px_fit_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
#define NOTE(index, call, untouched)                                                  \
  do {                                                                                \
    rec.reentry[index] = (call);                                                      \
    snprintf(rec.reentry_message[index], sizeof rec.reentry_message[index], "%s",     \
             px_last_error_message());                                               \
    rec.reentry_untouched[index] = (untouched);                                       \
  } while (0)
  NOTE(REENTER_FIT, px_model_fit(model, rec.x, 1, rec.y, 1, &options, NULL, NULL, &logs),
       logs == SENTINEL_LOGS);
  /* Keras's callbacks evaluate and predict between steps: these run and write their results. */
  NOTE(REENTER_EVALUATE, px_model_evaluate(model, rec.x, 1, rec.y, 1, 0, NULL, NULL, &logs),
       logs != SENTINEL_LOGS && logs != NULL);
  if (logs != SENTINEL_LOGS) px_logs_release(logs);
  logs = SENTINEL_LOGS;
  NOTE(REENTER_PREDICT, px_model_predict(model, rec.x, 1, 0, NULL, NULL, outputs, 1),
       outputs[0] != SENTINEL_TENSOR && outputs[0] != NULL);
  if (outputs[0] != SENTINEL_TENSOR) px_tensor_release(outputs[0]);
  NOTE(REENTER_TRAIN_ON_BATCH, px_model_train_on_batch(model, rec.x, 1, rec.y, 1, &logs),
       logs == SENTINEL_LOGS);
  char path[128] = {0};
  px_tensor *weight = NULL;
  px_status st = px_model_weight_path(model, 0, path, sizeof path, NULL);
  if (st == PX_STATUS_OK) st = px_model_get_weight(model, path, &weight);
  NOTE(REENTER_GET_WEIGHT, st, weight != NULL);
  px_tensor_release(weight);
  size_t needed = 0;
  NOTE(REENTER_SUMMARY, px_model_summary(model, NULL, 0, &needed), needed > 0);
  size_t params = 0;
  NOTE(REENTER_COUNT_PARAMS, px_model_count_params(model, &params), params > 0);
  needed = 0;
  NOTE(REENTER_TO_JSON, px_model_to_json(model, NULL, 0, &needed), needed > 0);
  needed = 0;
  NOTE(REENTER_NAME, px_model_name(model, NULL, 0, &needed), needed > 0);
  logs = NULL;
  NOTE(REENTER_OTHER_MODEL, px_model_train_on_batch(rec.other, rec.x, 1, rec.y, 1, &logs),
       logs != NULL);
  px_logs_release(logs);
#undef NOTE
}

int32_t record_progress(const px_progress_event *event, void *user) {
  (void)user;
  if (rec.count >= MAX_EVENTS) {
    rec.overflow = 1;
    return 0;
  }
  event_record *r = &rec.events[rec.count++];
  memset(r, 0, sizeof *r);
  r->struct_size = event->struct_size;
  r->kind = event->kind;
  r->epoch = event->epoch;
  r->epochs = event->epochs;
  r->step = event->step;
  r->steps = event->steps;
  if (event->struct_size >= sizeof(px_progress_event)) {
    for (size_t i = 0; i < event->log_count && event->log_names != NULL; i++) {
      const char *name = event->log_names[i];
      if (name == NULL) continue;
      if (strcmp(name, "loss") == 0) {
        r->has_loss = 1;
        r->loss = event->log_values[i];
      }
      if (strcmp(name, "accuracy") == 0) r->has_accuracy = 1;
      if (strcmp(name, "val_loss") == 0) r->has_val_loss = 1;
    }
  }
  if (rec.reenter && event->kind == PX_EVENT_TRAIN_BATCH_END) {
    rec.reenter = 0;
    reenter();
  }
  if (rec.stop_kind == event->kind && matches(rec.stop_epoch, event->epoch)
      && matches(rec.stop_step, event->step)) {
    rec.stop_status = px_model_stop_training(rec.model);
    rec.stops++;
  }
  if (rec.cancel_kind == event->kind && matches(rec.cancel_epoch, event->epoch)
      && matches(rec.cancel_step, event->step))
    return 1;
  return 0;
}

int count_events(int32_t kind) {
  int n = 0;
  for (int i = 0; i < rec.count; i++)
    if (rec.events[i].kind == kind) n++;
  return n;
}

static const char *event_name(int32_t kind) {
  static const char *names[15] = {"?", "TRAIN_BEGIN", "TRAIN_END", "EPOCH_BEGIN", "EPOCH_END",
                                  "TRAIN_BATCH_BEGIN", "TRAIN_BATCH_END", "TEST_BEGIN",
                                  "TEST_END", "TEST_BATCH_BEGIN", "TEST_BATCH_END",
                                  "PREDICT_BEGIN", "PREDICT_END", "PREDICT_BATCH_BEGIN",
                                  "PREDICT_BATCH_END"};
  return kind >= 0 && kind < 15 ? names[kind] : "?";
}

/* Prints the recorded events as comments: 40 of them, from `from`. */
static void dump_events_from(int from) {
  if (from < 0) from = 0;
  if (from > 0) printf("#     ... %d events before\n", from);
  for (int i = from; i < rec.count && i < from + 40; i++)
    printf("#     %s epoch %lld/%lld step %lld/%lld\n", event_name(rec.events[i].kind),
           (long long)rec.events[i].epoch, (long long)rec.events[i].epochs,
           (long long)rec.events[i].step, (long long)rec.events[i].steps);
  if (rec.count > from + 40) printf("#     ... %d events in all\n", rec.count);
}

void dump_events(void) { dump_events_from(0); }

/* Checks the recorded events are fit's in Keras order: train begin, per epoch (begin, batch
 * begin/end per step, [test events when validating], end with logs), train end. */
int check_fit_events(int64_t initial_epoch, int64_t epochs, int64_t steps,
                            int validating, const char *what) {
  char why[200] = "";
  int at = 0;
#define EXPECT_EVENT(kind_, epoch_, step_)                                                    \
  do {                                                                                        \
    if (why[0] == '\0') {                                                                     \
      const event_record *e = at < rec.count ? &rec.events[at] : NULL;                       \
      if (e == NULL || e->kind != (kind_) || e->epoch != (epoch_) || e->step != (step_)      \
          || e->epochs != epochs)                                                             \
        snprintf(why, sizeof why,                                                             \
                 "event %d: expected %s epoch %lld/%lld step %lld, received %s epoch "       \
                 "%lld/%lld step %lld",                                                      \
                 at, event_name(kind_), (long long)(epoch_), (long long)epochs,             \
                 (long long)(step_), e ? event_name(e->kind) : "nothing",                    \
                 e ? (long long)e->epoch : 0LL, e ? (long long)e->epochs : 0LL,              \
                 e ? (long long)e->step : 0LL);                                               \
      else if (e->struct_size < sizeof(px_progress_event))                                    \
        snprintf(why, sizeof why, "event %d: struct_size %u < %zu", at, e->struct_size,       \
                 sizeof(px_progress_event));                                                  \
      at++;                                                                                   \
    }                                                                                         \
  } while (0)
  EXPECT_EVENT(PX_EVENT_TRAIN_BEGIN, -1, -1);
  for (int64_t epoch = initial_epoch; epoch < epochs && why[0] == '\0'; epoch++) {
    EXPECT_EVENT(PX_EVENT_EPOCH_BEGIN, epoch, -1);
    for (int64_t step = 0; step < steps && why[0] == '\0'; step++) {
      EXPECT_EVENT(PX_EVENT_TRAIN_BATCH_BEGIN, epoch, step);
      EXPECT_EVENT(PX_EVENT_TRAIN_BATCH_END, epoch, step);
      if (why[0] == '\0' && rec.events[at - 1].steps != steps)
        snprintf(why, sizeof why, "event %d: steps %lld, expected %lld", at - 1,
                 (long long)rec.events[at - 1].steps, (long long)steps);
      if (why[0] == '\0' && !rec.events[at - 1].has_loss)
        snprintf(why, sizeof why, "event %d: a train batch end without \"loss\"", at - 1);
    }
    while (validating && why[0] == '\0' && at < rec.count
           && rec.events[at].kind >= PX_EVENT_TEST_BEGIN
           && rec.events[at].kind <= PX_EVENT_TEST_BATCH_END)
      at++;
    EXPECT_EVENT(PX_EVENT_EPOCH_END, epoch, -1);
    if (why[0] == '\0') {
      const event_record *e = &rec.events[at - 1];
      if (!e->has_loss || !e->has_accuracy || (validating && !e->has_val_loss))
        snprintf(why, sizeof why, "event %d: epoch end logs lack loss, accuracy%s", at - 1,
                 validating ? " or val_loss" : "");
    }
  }
  EXPECT_EVENT(PX_EVENT_TRAIN_END, -1, -1);
  if (why[0] == '\0' && at != rec.count)
    snprintf(why, sizeof why, "%d events after train end", rec.count - at);
#undef EXPECT_EVENT
  int passed = check(why[0] == '\0' && !rec.overflow, "%s", what);
  if (!passed) {
    printf("#   %s\n", why);
    dump_events_from(at - 30);
  }
  return passed;
}

/* Checks evaluate's or predict's events: begin, batch begin/end per step, end. */
int check_loop_events(int32_t begin, int64_t steps, const char *what) {
  char why[200] = "";
  int at = 0;
  for (int64_t i = -1; i <= steps && why[0] == '\0'; i++) {
    int32_t kinds[2];
    int n;
    if (i == -1) {
      kinds[0] = begin;
      n = 1;
    } else if (i == steps) {
      kinds[0] = begin + 1;
      n = 1;
    } else {
      kinds[0] = begin + 2;
      kinds[1] = begin + 3;
      n = 2;
    }
    for (int k = 0; k < n && why[0] == '\0'; k++, at++) {
      const event_record *e = at < rec.count ? &rec.events[at] : NULL;
      int64_t step = (i == -1 || i == steps) ? -1 : i;
      if (e == NULL || e->kind != kinds[k] || e->step != step || e->epoch != -1 || e->epochs != 0)
        snprintf(why, sizeof why, "event %d: expected %s step %lld (epoch -1, epochs 0)", at,
                 event_name(kinds[k]), (long long)step);
      else if (step >= 0 && e->steps != steps)
        snprintf(why, sizeof why, "event %d: steps %lld, expected %lld", at, (long long)e->steps,
                 (long long)steps);
    }
  }
  if (why[0] == '\0' && at != rec.count) snprintf(why, sizeof why, "%d events too many", rec.count - at);
  int passed = check(why[0] == '\0', "%s", what);
  if (!passed) {
    printf("#   %s\n", why);
    dump_events_from(at - 30);
  }
  return passed;
}
