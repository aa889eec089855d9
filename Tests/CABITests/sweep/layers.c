/*
 * test_sweep, section "layers": layers.
 */
#include "sweep.h"

static void expect_layer_rejected(const char *class_name, const char *config, unsigned expected,
                                  const char *needles, const char *what) {
  px_layer *out = SENTINEL_LAYER;
  px_status st = px_layer_create(class_name, config, &out);
  expect(st, expected, out == SENTINEL_LAYER, needles, "px_layer_create rejects %s", what);
  if (st == PX_STATUS_OK) px_layer_release(out);
}

void section_layers(void) {
  px_status st;
  st = px_layer_create("Dense", "{\"units\": 4}", NULL);
  expect(st, IA_, 1, "px_layer_create|out_layer", "px_layer_create(out NULL) fails");
  expect_layer_rejected(NULL, "{}", IA_, "px_layer_create|class_name", "class_name NULL");
  expect_layer_rejected("", "{}", IA_, "px_layer_create|class", "class_name \"\"");
  expect_layer_rejected("NoSuchLayer", "{}", IA_, "NoSuchLayer", "an unknown class, naming it");
  expect_layer_rejected(NOT_UTF8, "{}", IA_, "px_layer_create|UTF|class", "a class not UTF-8");
  expect_layer_rejected("Dense", "{}", IA_, "units", "Dense without units (\"{}\")");
  expect_layer_rejected("Dense", NULL, IA_, "units", "Dense without units (NULL config)");
  expect_layer_rejected("Dense", "", IA_, "px_layer_create|JSON|config", "config \"\"");
  expect_layer_rejected("Dense", "{\"units\": 4", IA_, "px_layer_create|JSON|config",
                        "malformed JSON");
  expect_layer_rejected("Dense", "{\"units\": 4} trailing", IA_, "px_layer_create|JSON|config",
                        "JSON with trailing garbage");
  expect_layer_rejected("Dense", "[4]", IA_, "px_layer_create|object|config",
                        "a config that is not an object");
  expect_layer_rejected("Dense", "{\"units\": -5}", IA_, "units", "units -5");
  expect_layer_rejected("Dense", "{\"units\": 0}", IA_, "units", "units 0");
  expect_layer_rejected("Dense", "{\"units\": \"ten\"}", IA_, "units", "units \"ten\"");
  expect_layer_rejected("Dense", "{\"units\": 4.5}", IA_, "units", "units 4.5");
  expect_layer_rejected("Dense", "{\"units\": 1e300}", IA_, "units", "units 1e300");
  expect_layer_rejected("Dense", "{\"units\": 99999999999999999999999}", IA_, "units",
                        "units beyond int64");
  expect_layer_rejected("Dense", "{\"units\": 4, \"activation\": \"no_such_activation\"}", IA_,
                        "no_such_activation", "an unknown activation, naming it");
  expect_layer_rejected("Dense", "{\"units\": 4, \"name\": \"bad\x80name\"}", IA_,
                        "px_layer_create|UTF|JSON", "a config string that is not UTF-8");
  expect_layer_rejected("Dense", "{\"units\": 4, \"name\": \"\\ud800\"}", IA_ | OK_, NULL,
                        "(or accepts) a lone surrogate escape in a name");
  expect_layer_rejected("Dropout", "{\"rate\": 1.5}", IA_, "rate", "Dropout rate 1.5");
  expect_layer_rejected("Dropout", "{\"rate\": 1.0}", IA_, "rate",
                        "Dropout rate 1.0 (Keras's rate is in [0, 1))");
  expect_layer_rejected("Dropout", "{\"rate\": -0.5}", IA_, "rate", "Dropout rate -0.5");
  expect_layer_rejected("Dropout", "{\"rate\": NaN}", IA_, "px_layer_create|JSON|rate",
                        "Dropout rate NaN (not JSON)");
  char *deep = nested_json(10000, '[', "4", ']');
  char *deep_config = deep == NULL ? NULL : malloc(strlen(deep) + 16);
  if (deep_config != NULL) {
    snprintf(deep_config, strlen(deep) + 16, "{\"units\": %s}", deep);
    expect_layer_rejected("Dense", deep_config, IA_, "px_layer_create|JSON|nest|deep|depth",
                          "a config nested 10000 deep, without a crash");
  }
  free(deep_config);
  free(deep);
  char *deep_objects = nested_json(10000, '{', "", '}');
  expect_layer_rejected("Dense", deep_objects, IA_, "px_layer_create|JSON|nest|deep|depth",
                        "\"{{{{...}}}}\" 10000 deep");
  free(deep_objects);

  px_layer *layer = SENTINEL_LAYER;
  st = px_layer_create("Dense",
                       "{\"units\": 4, \"activation\": \"relu\", \"use_bias\": true, "
                       "\"kernel_initializer\": {\"class_name\": \"GlorotUniform\", "
                       "\"config\": {\"seed\": null}}, \"name\": \"full_config\"}",
                       &layer);
  expect(st, OK_, layer != SENTINEL_LAYER && layer != NULL, NULL,
         "px_layer_create(\"Dense\", a full Keras config)");
  px_layer_release(layer);
  layer = NULL;
  st = px_layer_create("Flatten", NULL, &layer);
  expect(st, OK_, layer != NULL, NULL, "px_layer_create(\"Flatten\", NULL)");
  px_layer_release(layer);
  layer = NULL;
  st = px_layer_create("Flatten", "{}", &layer);
  expect(st, OK_, layer != NULL, NULL, "px_layer_create(\"Flatten\", \"{}\")");
  px_layer_release(layer);
  px_layer_release(layer);
  px_layer_release(NULL);
  check(1, "px_layer_release accepts NULL and released handles");
  layer = NULL;
  st = px_layer_create("Dropout", "{\"rate\": 0.5}", &layer);
  expect(st, OK_, layer != NULL, NULL, "px_layer_create(\"Dropout\", rate 0.5)");
  px_layer_release(layer);
}
