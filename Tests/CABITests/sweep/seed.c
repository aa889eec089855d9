/*
 * test_sweep, section "seed": the same seed gives the same training run.
 */
#include "sweep.h"

static float *seeded_run(uint64_t seed, size_t *total) {
  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  *total = 0;
  if (px_config_set_seed(seed) != PX_STATUS_OK) return NULL;
  px_model *model = make_json_model();
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_fit_options options = fit_options(2, 32);
  options.shuffle = PX_OPTION_ON;
  float *weights = NULL;
  if (model != NULL && px_model_fit(model, xv, 1, yv, 1, &options, NULL, NULL, NULL) == PX_STATUS_OK)
    weights = snapshot_weights(model, total);
  px_model_release(model);
  px_tensor_release(x);
  px_tensor_release(y);
  return weights;
}

void section_seed(void) {
  make_problem();
  size_t a_total = 0, b_total = 0, c_total = 0;
  float *a = seeded_run(1234, &a_total);
  float *b = seeded_run(1234, &b_total);
  float *c = seeded_run(4321, &c_total);
  check(a != NULL && b != NULL && a_total == 82 && b_total == 82
            && memcmp(a, b, a_total * sizeof(float)) == 0,
        "two fits (shuffled) after px_config_set_seed(1234) end with identical weights");
  check(a != NULL && c != NULL && c_total == 82 && memcmp(a, c, a_total * sizeof(float)) != 0,
        "a fit after another seed ends with different weights");
  free(a);
  free(b);
  free(c);
}
