/*
 * test_sweep, section "learning_rate": px_model_learning_rate, px_model_set_learning_rate and
 * px_model_iterations. Hostile calls (NULL and released models and out-parameters, a model
 * that is not compiled, NaN, infinite and negative rates), then the happy paths: the compiled
 * rate, set then read, a schedule's value and its replacement by a fixed rate, a rate of 0 that
 * leaves the weights alone, the step count after fit and train_on_batch, and a progress
 * callback that halves the rate at each epoch end (as Keras's ReduceLROnPlateau does).
 */
#include "sweep.h"

#define SENTINEL_RATE (-7.25)
#define SENTINEL_ITERATIONS ((int64_t)-7)

/* An SGD whose rate decays by half at each step: 0.1 * 0.5^step. */
static const char *const DECAYING_SGD_JSON =
    "{\"class_name\": \"SGD\", \"config\": {\"learning_rate\": {\"class_name\": "
    "\"ExponentialDecay\", \"config\": {\"initial_learning_rate\": 0.1, \"decay_steps\": 1, "
    "\"decay_rate\": 0.5}}}}";

/* ---------------------------------------------------------------------------------------------
 * Halving the rate from fit's own progress callback
 * ------------------------------------------------------------------------------------------- */

typedef struct {
  px_model *model;
  int epochs_seen;
  px_status read_status, set_status, iterations_status;
  double rates[8];
  int64_t iterations[8];
} halver;

static int32_t halve_at_epoch_end(const px_progress_event *event, void *user) {
  halver *h = user;
  if (event->kind != PX_EVENT_EPOCH_END || h->epochs_seen >= 8) return 0;
  double rate = -1;
  int64_t iterations = -1;
  px_status st = px_model_learning_rate(h->model, &rate);
  if (st != PX_STATUS_OK) h->read_status = st;
  st = px_model_iterations(h->model, &iterations);
  if (st != PX_STATUS_OK) h->iterations_status = st;
  st = px_model_set_learning_rate(h->model, rate / 2);
  if (st != PX_STATUS_OK) h->set_status = st;
  h->rates[h->epochs_seen] = rate;
  h->iterations[h->epochs_seen] = iterations;
  h->epochs_seen++;
  return 0;
}

static void halve_from_callback(const px_tensor *const *xv, const px_tensor *const *yv) {
  px_model *model = make_sequential_by_layers("halved_mlp");
  int ready = model != NULL
              && px_model_compile(model, "sgd", "sparse_categorical_crossentropy", NULL, 0)
                     == PX_STATUS_OK
              && px_model_set_learning_rate(model, 0.08) == PX_STATUS_OK;
  check(ready, "a Sequential compiled with SGD at rate 0.08 to train with a halving callback");
  if (!ready) {
    px_model_release(model);
    return;
  }
  halver h;
  memset(&h, 0, sizeof h);
  h.model = model;
  px_fit_options options = fit_options(3, 64);
  px_status st = px_model_fit(model, xv, 1, yv, 1, &options, halve_at_epoch_end, &h, NULL);
  expect(st, OK_, h.epochs_seen == 3, NULL, "a fit whose callback sets the rate returns OK");
  int statuses_ok = h.read_status == PX_STATUS_OK && h.set_status == PX_STATUS_OK
                    && h.iterations_status == PX_STATUS_OK;
  if (!check(statuses_ok, "from fit's callback, px_model_learning_rate, _set_learning_rate and "
                          "_iterations succeed"))
    printf("#   read %s, set %s, iterations %s\n", status_name(h.read_status),
           status_name(h.set_status), status_name(h.iterations_status));
  int halved = close_to(h.rates[0], 0.08, 1e-12) && close_to(h.rates[1], 0.04, 1e-12)
               && close_to(h.rates[2], 0.02, 1e-12);
  if (!check(halved, "each epoch end reads the rate the previous one set (0.08, 0.04, 0.02)"))
    printf("#   read %g, %g, %g\n", h.rates[0], h.rates[1], h.rates[2]);
  int counted = h.iterations[0] == 4 && h.iterations[1] == 8 && h.iterations[2] == 12;
  if (!check(counted, "px_model_iterations at each epoch end: 4, 8, 12 (256 samples, batch 64)"))
    printf("#   read %lld, %lld, %lld\n", (long long)h.iterations[0],
           (long long)h.iterations[1], (long long)h.iterations[2]);
  double rate = -1;
  st = px_model_learning_rate(model, &rate);
  expect(st, OK_, close_to(rate, 0.01, 1e-12), NULL,
         "after fit the rate is what the last callback set (0.01; read %g)", rate);
  px_model_release(model);
}

void section_learning_rate(void) {
  px_status st;
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_sequential_by_layers("rate_mlp");
  check(model != NULL && x != NULL && y != NULL, "a Sequential and the problem's tensors");
  if (model == NULL || x == NULL || y == NULL) {
    px_model_release(model);
    px_tensor_release(x);
    px_tensor_release(y);
    return;
  }
  double rate = SENTINEL_RATE;
  int64_t iterations = SENTINEL_ITERATIONS;

  /* NULL, forged and released models, NULL out-parameters */
  st = px_model_learning_rate(NULL, &rate);
  expect(st, IA_, rate == SENTINEL_RATE, "px_model_learning_rate|model",
         "px_model_learning_rate(NULL model) fails, *out_rate untouched");
  st = px_model_set_learning_rate(NULL, 0.1);
  expect(st, IA_, 1, "px_model_set_learning_rate|model",
         "px_model_set_learning_rate(NULL model) fails");
  st = px_model_iterations(NULL, &iterations);
  expect(st, IA_, iterations == SENTINEL_ITERATIONS, "px_model_iterations|model",
         "px_model_iterations(NULL model) fails, *out_iterations untouched");
  st = px_model_learning_rate(SENTINEL_MODEL, &rate);
  expect(st, IA_, rate == SENTINEL_RATE, "px_model_learning_rate|model",
         "px_model_learning_rate(a forged handle) fails");
  st = px_model_set_learning_rate((px_model *)x, 0.1);
  expect(st, IA_, 1, "px_model_set_learning_rate|model",
         "px_model_set_learning_rate(a tensor handle) fails");
  st = px_model_learning_rate(model, NULL);
  expect(st, IA_, 1, "px_model_learning_rate|out_rate", "px_model_learning_rate(out_rate NULL) "
                                                        "fails");
  st = px_model_iterations(model, NULL);
  expect(st, IA_, 1, "px_model_iterations|out_iterations",
         "px_model_iterations(out_iterations NULL) fails");
  px_model *released = make_sequential_by_layers("released_mlp");
  px_model_release(released);
  st = px_model_iterations(released, &iterations);
  expect(st, IA_, iterations == SENTINEL_ITERATIONS, "px_model_iterations|model|released",
         "px_model_iterations(a released model) fails");

  /* not compiled */
  st = px_model_learning_rate(model, &rate);
  expect(st, STATE_, rate == SENTINEL_RATE, "rate_mlp",
         "px_model_learning_rate before compile fails with PX_STATUS_INVALID_STATE naming the "
         "model");
  st = px_model_set_learning_rate(model, 0.1);
  expect(st, STATE_, 1, "rate_mlp",
         "px_model_set_learning_rate before compile fails with PX_STATUS_INVALID_STATE naming "
         "the model");
  st = px_model_iterations(model, &iterations);
  expect(st, STATE_, iterations == SENTINEL_ITERATIONS, "rate_mlp",
         "px_model_iterations before compile fails with PX_STATUS_INVALID_STATE naming the "
         "model");

  /* compiled: the rate it was compiled with, no step yet */
  st = px_model_compile(model, "sgd", "sparse_categorical_crossentropy", NULL, 0);
  expect(st, OK_, 1, NULL, "px_model_compile(\"sgd\", \"sparse_categorical_crossentropy\")");
  st = px_model_learning_rate(model, &rate);
  expect(st, OK_, close_to(rate, 0.01, 1e-12), NULL,
         "px_model_learning_rate after compile(\"sgd\") is SGD's default, 0.01 (read %g)", rate);
  st = px_model_iterations(model, &iterations);
  expect(st, OK_, iterations == 0, NULL, "px_model_iterations after compile is 0 (read %lld)",
         (long long)iterations);

  /* bad rates: refused, the rate unchanged */
  const double bad_rates[5] = {NAN, -NAN, INFINITY, -INFINITY, -0.5};
  for (int i = 0; i < 5; i++) {
    st = px_model_set_learning_rate(model, bad_rates[i]);
    expect(st, IA_, 1, "px_model_set_learning_rate|rate",
           "px_model_set_learning_rate(%g) fails with PX_STATUS_INVALID_ARGUMENT", bad_rates[i]);
  }
  st = px_model_set_learning_rate(model, -1e-300);
  expect(st, IA_, 1, "px_model_set_learning_rate|rate",
         "px_model_set_learning_rate(-1e-300) fails");
  rate = SENTINEL_RATE;
  st = px_model_learning_rate(model, &rate);
  expect(st, OK_, close_to(rate, 0.01, 1e-12), NULL, "the refused rates left the rate at 0.01");

  /* set, then read */
  const double good_rates[4] = {0.05, 1e-7, 3.0, 0.0};
  for (int i = 0; i < 4; i++) {
    rate = SENTINEL_RATE;
    st = px_model_set_learning_rate(model, good_rates[i]);
    px_status read = px_model_learning_rate(model, &rate);
    expect(st == PX_STATUS_OK ? read : st, OK_, rate == good_rates[i], NULL,
           "px_model_set_learning_rate(%g), then px_model_learning_rate reads %g", good_rates[i],
           rate);
  }

  /* a rate of 0 trains nothing; iterations count the steps of fit and train_on_batch */
  size_t weight_total = 0;
  float *before = snapshot_weights(model, &weight_total);
  px_fit_options options = fit_options(2, 32);
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  expect(st, OK_, before != NULL && same_weights(model, before, weight_total), NULL,
         "fit at rate 0 leaves every weight as it was");
  free(before);
  st = px_model_iterations(model, &iterations);
  expect(st, OK_, iterations == 16, NULL,
         "px_model_iterations after 2 epochs of 8 batches is 16 (read %lld)",
         (long long)iterations);
  st = px_model_train_on_batch(model, xv, 1, yv, 1, NULL);
  expect(st, OK_, 1, NULL, "px_model_train_on_batch at rate 0");
  st = px_model_iterations(model, &iterations);
  expect(st, OK_, iterations == 17, NULL,
         "px_model_iterations after one more train_on_batch is 17 (read %lld)",
         (long long)iterations);
  st = px_model_set_learning_rate(model, 0.1);
  expect(st, OK_, 1, NULL, "px_model_set_learning_rate(0.1) after training");
  before = snapshot_weights(model, &weight_total);
  st = px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  expect(st, OK_, before != NULL && !same_weights(model, before, weight_total), NULL,
         "fit at rate 0.1 changes the weights");
  free(before);

  /* a schedule: its value at the current step, until a fixed rate replaces it */
  px_model *scheduled = make_sequential_by_layers("scheduled_mlp");
  st = scheduled == NULL ? PX_STATUS_INTERNAL
                         : px_model_compile(scheduled, DECAYING_SGD_JSON,
                                            "sparse_categorical_crossentropy", NULL, 0);
  expect(st, OK_, 1, NULL, "px_model_compile with SGD over ExponentialDecay(0.1, 1, 0.5)");
  rate = SENTINEL_RATE;
  st = px_model_learning_rate(scheduled, &rate);
  expect(st, OK_, close_to(rate, 0.1, 1e-7), NULL, "the schedule's rate at step 0 is 0.1 (read %g)",
         rate);
  options = fit_options(1, 128);
  st = px_model_fit(scheduled, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  expect(st, OK_, 1, NULL, "fit: 2 steps on the schedule");
  rate = SENTINEL_RATE;
  st = px_model_learning_rate(scheduled, &rate);
  expect(st, OK_, close_to(rate, 0.025, 1e-7), NULL,
         "the schedule's rate at step 2 is 0.025 (read %g)", rate);
  st = px_model_set_learning_rate(scheduled, 0.3);
  expect(st, OK_, 1, NULL, "px_model_set_learning_rate(0.3) replaces the schedule");
  st = px_model_fit(scheduled, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  rate = SENTINEL_RATE;
  px_status read = px_model_learning_rate(scheduled, &rate);
  expect(st == PX_STATUS_OK ? read : st, OK_, rate == 0.3, NULL,
         "after 2 more steps the rate is still the fixed 0.3 (read %g)", rate);
  px_model_release(scheduled);

  halve_from_callback(xv, yv);

  px_tensor_release(x);
  px_tensor_release(y);
  px_model_release(model);
}
