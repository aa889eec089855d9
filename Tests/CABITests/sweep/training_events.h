/*
 * training_events.h: the progress recorder of the training section (training_events.c): it
 * records fit's, evaluate's and predict's events, and can cancel, stop and re-enter at one of them.
 */
#ifndef PLEXUS_TEST_SWEEP_TRAINING_EVENTS_H
#define PLEXUS_TEST_SWEEP_TRAINING_EVENTS_H

#include "sweep.h"

#define MAX_EVENTS 4096
#define ANY (-100)

typedef struct {
  int32_t kind;
  uint32_t struct_size;
  int64_t epoch, epochs, step, steps;
  int has_loss, has_accuracy, has_val_loss;
  double loss;
} event_record;

enum { REENTER_FIT, REENTER_EVALUATE, REENTER_PREDICT, REENTER_TRAIN_ON_BATCH,
       REENTER_GET_WEIGHT, REENTER_SUMMARY, REENTER_COUNT_PARAMS, REENTER_TO_JSON,
       REENTER_NAME, REENTER_OTHER_MODEL, REENTER_CALLS };

typedef struct {
  event_record events[MAX_EVENTS];
  int count;
  int overflow;
  /* return non-zero at this event (kind 0: never) */
  int32_t cancel_kind;
  int64_t cancel_epoch, cancel_step;
  /* call px_model_stop_training(model) at this event (kind 0: never) */
  int32_t stop_kind;
  int64_t stop_epoch, stop_step;
  px_model *model;
  px_status stop_status;
  int stops;
  /* re-enter `model` (and train `other`) at the first train batch end */
  int reenter;
  px_model *other;
  const px_tensor *const *x;
  const px_tensor *const *y;
  px_status reentry[REENTER_CALLS];
  char reentry_message[REENTER_CALLS][200];
  /* Whether each call's out-parameters are as expected: untouched where it must fail,
   * written where it succeeds. */
  int reentry_untouched[REENTER_CALLS];
} recorder;

extern recorder rec;

void recorder_reset(void);
/* The px_progress_fn that records into `rec`. */
int32_t record_progress(const px_progress_event *event, void *user);
int count_events(int32_t kind);
/* Prints the first 40 recorded events as comments. */
void dump_events(void);
/* Checks the recorded events are fit's in Keras order (see training_events.c). */
int check_fit_events(int64_t initial_epoch, int64_t epochs, int64_t steps, int validating,
                     const char *what);
/* Checks evaluate's or predict's events: begin, batch begin/end per step, end. */
int check_loop_events(int32_t begin, int64_t steps, const char *what);

#endif
