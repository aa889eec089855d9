/*
 * test_sweep, section "execution": px_model_set_execution, px_model_step_counts and the dtype
 * policy (px_config_set_dtype_policy, px_config_dtype_policy), and px_model_set_loss_weights.
 * Hostile
 * calls (NULL, forged and released models, out-of-range modes and steps, a NULL out-array),
 * then the happy paths: a compiled fit captures once per batch shape and replays the rest, an
 * eager one (PX_OPTION_OFF, or run_eagerly) replays nothing, and compiled and eager
 * training from one seed end with the same weights bit for bit.
 */
#include "sweep.h"

/* Trains a fresh model from seed 42 for 3 epochs of batch 48 (256 samples: a partial last
 * batch of 16) and returns its weights; *counts gets the train step's counts. */
static float *train(const px_tensor *const *xv, const px_tensor *const *yv, int32_t jit,
                    int32_t eager, int64_t counts[4], size_t *total) {
  *total = 0;
  if (px_config_set_seed(42) != PX_STATUS_OK) return NULL;
  px_model *model = make_sequential_by_layers("execution_mlp");
  int ready = model != NULL
              && px_model_compile(model, "adam", "sparse_categorical_crossentropy", NULL, 0)
                     == PX_STATUS_OK
              && px_model_set_execution(model, jit, eager) == PX_STATUS_OK;
  px_fit_options options = fit_options(3, 48);
  ready = ready && px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL) == PX_STATUS_OK;
  ready = ready && px_model_step_counts(model, PX_STEP_TRAIN, counts) == PX_STATUS_OK;
  float *weights = ready ? snapshot_weights(model, total) : NULL;
  px_model_release(model);
  return weights;
}

void section_execution(void) {
  px_status st;
  make_problem();
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_model *model = make_sequential_by_layers("execution_model");
  check(model != NULL && x != NULL && y != NULL, "a Sequential and the problem's tensors");
  int64_t counts[4] = {-7, -7, -7, -7};

  /* hostile calls */
  st = px_model_set_execution(NULL, PX_OPTION_ON, 0);
  expect(st, IA_, 1, "px_model_set_execution|model", "px_model_set_execution(NULL model) fails");
  st = px_model_set_execution(SENTINEL_MODEL, PX_OPTION_ON, 0);
  expect(st, IA_, 1, "px_model_set_execution|model", "px_model_set_execution(forged) fails");
  st = px_model_set_execution((px_model *)x, PX_OPTION_ON, 0);
  expect(st, IA_, 1, "px_model_set_execution|model",
         "px_model_set_execution(a tensor handle) fails");
  const int32_t bad_modes[] = {-1, 3, INT32_MIN, INT32_MAX};
  for (size_t i = 0; i < sizeof bad_modes / sizeof bad_modes[0]; i++) {
    st = px_model_set_execution(model, bad_modes[i], 0);
    expect(st, IA_, 1, "px_model_set_execution|jit_compile",
           "px_model_set_execution(jit_compile %d) fails naming jit_compile", bad_modes[i]);
    st = px_model_set_execution(model, PX_OPTION_DEFAULT, bad_modes[i]);
    expect(st, IA_, 1, "px_model_set_execution|run_eagerly",
           "px_model_set_execution(run_eagerly %d) fails naming run_eagerly", bad_modes[i]);
  }
  st = px_model_step_counts(NULL, PX_STEP_TRAIN, counts);
  expect(st, IA_, counts[0] == -7, "px_model_step_counts|model",
         "px_model_step_counts(NULL model) fails, out_counts untouched");
  st = px_model_step_counts(model, PX_STEP_TRAIN, NULL);
  expect(st, IA_, 1, "px_model_step_counts|out_counts",
         "px_model_step_counts(out_counts NULL) fails");
  st = px_model_step_counts(model, 3, counts);
  expect(st, IA_, counts[0] == -7, "px_model_step_counts|step",
         "px_model_step_counts(step 3) fails naming step");
  st = px_model_step_counts(model, INT32_MIN, counts);
  expect(st, IA_, counts[0] == -7, "px_model_step_counts|step",
         "px_model_step_counts(step INT32_MIN) fails");
  px_model *released = make_sequential_by_layers("released_model");
  px_model_release(released);
  st = px_model_set_execution(released, PX_OPTION_ON, 0);
  expect(st, IA_, 1, "px_model_set_execution|model|released",
         "px_model_set_execution(a released model) fails");
  st = px_model_step_counts(model, PX_STEP_TRAIN, counts);
  expect(st, OK_, counts[0] == 0 && counts[1] == 0 && counts[2] == 0 && counts[3] == 0, NULL,
         "an uncompiled model's train step counts read zeros");
  px_model_release(model);

  /* loss weights */
  const double one_weight[1] = {2.0}, two_weights[2] = {1.0, 1.0};
  const double bad_weights[3] = {-1.0, NAN, INFINITY};
  st = px_model_set_loss_weights(NULL, one_weight, 1);
  expect(st, IA_, 1, "px_model_set_loss_weights|model", "px_model_set_loss_weights(NULL) fails");
  px_model *weighted = make_sequential_by_layers("weighted_model");
  st = px_model_set_loss_weights(weighted, one_weight, 1);
  expect(st, STATE_, 1, "weighted_model|compile",
         "px_model_set_loss_weights before compile fails with PX_STATUS_INVALID_STATE");
  int compiled_ok = weighted != NULL
                    && px_model_compile(weighted, "adam", "sparse_categorical_crossentropy",
                                        NULL, 0)
                           == PX_STATUS_OK;
  check(compiled_ok, "a model compiled to set loss weights on");
  st = px_model_set_loss_weights(weighted, two_weights, 2);
  expect(st, IA_, 1, "lossWeights|1", "two weights for one output fail naming the count");
  st = px_model_set_loss_weights(weighted, NULL, 1);
  expect(st, IA_, 1, "px_model_set_loss_weights|weights", "NULL weights with a count fail");
  st = px_model_set_loss_weights(weighted, one_weight, (size_t)-1);
  expect(st, IA_, 1, "px_model_set_loss_weights|count", "a count of SIZE_MAX fails");
  for (size_t i = 0; i < 3; i++) {
    st = px_model_set_loss_weights(weighted, &bad_weights[i], 1);
    expect(st, IA_, 1, "lossWeights", "a weight of %g fails", bad_weights[i]);
  }
  st = px_model_set_loss_weights(weighted, one_weight, 1);
  expect(st, OK_, 1, NULL, "one finite weight >= 0 per output is set");
  st = px_model_set_loss_weights(weighted, NULL, 0);
  expect(st, OK_, 1, NULL, "NULL and 0 set 1 each");
  px_model_release(weighted);

  /* the dtype policy */
  char name[32] = "untouched";
  size_t needed = 0;
  st = px_config_set_dtype_policy(NULL);
  expect(st, IA_, 1, "px_config_set_dtype_policy|name", "px_config_set_dtype_policy(NULL) fails");
  st = px_config_set_dtype_policy("mixed_float16");
  expect(st, IA_, 1, "mixed_float16|mixed_bfloat16",
         "px_config_set_dtype_policy(\"mixed_float16\") fails naming the policies supported");
  st = px_config_set_dtype_policy("");
  expect(st, IA_, 1, "dtype policy", "px_config_set_dtype_policy(\"\") fails");
  st = px_config_dtype_policy(name, sizeof name, &needed);
  expect(st, OK_, strcmp(name, "float32") == 0 && needed == 8, NULL,
         "the policy is float32 by default (read \"%s\", needed %zu)", name, needed);
  st = px_config_set_dtype_policy("mixed_bfloat16");
  expect(st, OK_, 1, NULL, "px_config_set_dtype_policy(\"mixed_bfloat16\") succeeds");
  st = px_config_dtype_policy(name, sizeof name, &needed);
  expect(st, OK_, strcmp(name, "mixed_bfloat16") == 0, NULL, "and reads back (\"%s\")", name);
  st = px_config_dtype_policy(name, 3, &needed);
  expect(st, IA_, needed == 15, "px_config_dtype_policy|capacity",
         "px_config_dtype_policy into 3 bytes fails, needed %zu", needed);
  st = px_config_set_dtype_policy("float32");
  expect(st, OK_, 1, NULL, "px_config_set_dtype_policy(\"float32\") restores the default");

  /* compiled and eager training from one seed */
  if (x == NULL || y == NULL) return;
  int64_t compiled_counts[4] = {0}, eager_counts[4] = {0}, run_eagerly_counts[4] = {0};
  size_t compiled_total = 0, eager_total = 0, run_eagerly_total = 0;
  float *compiled = train(xv, yv, PX_OPTION_ON, 0, compiled_counts, &compiled_total);
  float *eager = train(xv, yv, PX_OPTION_OFF, 0, eager_counts, &eager_total);
  float *run_eagerly = train(xv, yv, PX_OPTION_ON, 1, run_eagerly_counts, &run_eagerly_total);
  check(compiled != NULL && eager != NULL && run_eagerly != NULL,
        "three fits (compiled, PX_OPTION_OFF, run_eagerly) succeed");
  /* 6 steps an epoch (5 of 48, 1 of 16), 18 in all: 2 warm-ups, 2 captures, 14 replays. */
  int counted = compiled_counts[0] == 2 && compiled_counts[1] == 2 && compiled_counts[2] == 14
                && compiled_counts[3] == 1;
  if (!check(counted, "a compiled fit with a partial last batch: 2 warm-ups, 2 captures, 14 "
                      "replays, 1 retrace"))
    printf("#   read %lld, %lld, %lld, %lld\n", (long long)compiled_counts[0],
           (long long)compiled_counts[1], (long long)compiled_counts[2],
           (long long)compiled_counts[3]);
  check(eager_counts[1] == 0 && eager_counts[2] == 0 && run_eagerly_counts[2] == 0,
        "PX_OPTION_OFF and run_eagerly capture and replay nothing");
  int same = compiled != NULL && eager != NULL && run_eagerly != NULL && compiled_total > 0
             && compiled_total == eager_total && eager_total == run_eagerly_total
             && memcmp(compiled, eager, compiled_total * sizeof(float)) == 0
             && memcmp(eager, run_eagerly, eager_total * sizeof(float)) == 0;
  check(same, "compiled and eager training end with the same weights, bit for bit");
  free(compiled);
  free(eager);
  free(run_eagerly);
  px_tensor_release(x);
  px_tensor_release(y);
}
