/*
 * test_sweep, section "plugins": loading backend plugins (px_backend_load), the reason a load
 * failed (px_backend_load_failure), and where ops ran (px_dispatch_count, px_dispatch_reset).
 *
 * PLEXUS_TEST_BLIS_PLUGIN names the BLIS plugin the package builds (libpx_blis.so); run.sh sets
 * it. Without it the happy path through a real plugin is reported as a failure, not skipped.
 */
#include "sweep.h"

#define IO_ BIT(PX_STATUS_IO)

/* Runs matmul of a [2, 3] by a [3, 2] on the current default backend; 1 when it is right. */
static int product_is_right(void) {
  const int64_t a_shape[2] = {2, 3}, b_shape[2] = {3, 2};
  const float a_values[6] = {1, 2, 3, 4, 5, 6}, b_values[6] = {1, 0, 0, 1, 1, 1};
  px_tensor *a = make_f32(a_shape, 2, a_values), *b = make_f32(b_shape, 2, b_values);
  const px_tensor *inputs[2] = {a, b};
  px_tensor *outputs[1] = {NULL};
  size_t produced = 0;
  float result[4] = {0};
  int right = px_ops_call("matmul", inputs, 2, NULL, outputs, 1, &produced) == PX_STATUS_OK &&
              produced == 1 && read_f32(outputs[0], result, 4) == 4 && result[0] == 4 &&
              result[1] == 5 && result[2] == 10 && result[3] == 11;
  px_tensor_release(outputs[0]);
  px_tensor_release(a);
  px_tensor_release(b);
  return right;
}

void section_plugins(void) {
  px_status st;
  char text[512];
  size_t needed = SENTINEL_SIZE;

  /* px_backend_load: bad arguments and libraries that are not plugins */
  st = px_backend_load(NULL, NULL);
  expect(st, IA_, 1, "path", "px_backend_load(NULL) fails");
  st = px_backend_load(NOT_UTF8, NULL);
  expect(st, IA_, 1, "UTF-8", "px_backend_load(a path that is not UTF-8) fails");
  st = px_backend_load("/nonexistent/libpx_nothing.so", "nothing");
  expect(st, IO_, 1, "/nonexistent/libpx_nothing.so", "px_backend_load(a missing file) fails "
         "with PX_STATUS_IO naming the path");
  st = px_backend_load("libm.so.6", "not_a_plugin");
  expect(st, IO_, 1, "px_plugin_entry", "px_backend_load(libm) fails naming the entry point");
  st = px_backend_load("libm.so.6", "");
  expect(st, IA_, 1, "empty", "px_backend_load(name \"\") fails");
  st = px_backend_load("libm.so.6", "reference");
  expect(st, IA_, 1, "built-in", "px_backend_load under a built-in's name fails before loading");
  check(product_is_right(), "the process works after failed loads");

  /* px_backend_load_failure: the reason a named load failed */
  memset(text, 'Z', sizeof text);
  st = px_backend_load_failure("nothing", text, sizeof text, &needed);
  expect(st, OK_, contains(text, "/nonexistent/libpx_nothing.so") && needed == strlen(text) + 1,
         NULL, "px_backend_load_failure names why \"nothing\" did not load");
  st = px_config_set_backend("nothing");
  expect(st, IO_, 1, "libpx_nothing", "px_config_set_backend of a backend that failed to load "
         "fails with the reason");
  needed = SENTINEL_SIZE;
  st = px_backend_load_failure("never_loaded", text, sizeof text, &needed);
  expect(st, IA_, needed == SENTINEL_SIZE, "never_loaded",
         "px_backend_load_failure of a name no load failed for fails");
  st = px_backend_load_failure(NULL, text, sizeof text, &needed);
  expect(st, IA_, 1, "name", "px_backend_load_failure(NULL) fails");
  st = px_backend_load_failure("nothing", NULL, 5, &needed);
  expect(st, IA_, 1, "buffer", "px_backend_load_failure(buffer NULL, capacity 5) fails");

  /* px_dispatch_count / px_dispatch_reset: bad arguments */
  int64_t dispatches = -7, fallbacks = -7;
  st = px_dispatch_count(NULL, NULL, &dispatches, &fallbacks);
  expect(st, IA_, dispatches == -7 && fallbacks == -7, "backend", "px_dispatch_count(NULL) fails");
  st = px_dispatch_count("reference", NULL, NULL, &fallbacks);
  expect(st, IA_, fallbacks == -7, "out_dispatches", "px_dispatch_count(out NULL) fails");
  st = px_dispatch_count("no_such_backend", NULL, &dispatches, NULL);
  expect(st, IA_, dispatches == -7, "no_such_backend", "px_dispatch_count(unknown backend) fails");
  st = px_dispatch_count("reference", "no_such_op", &dispatches, NULL);
  expect(st, IA_, dispatches == -7, "no_such_op", "px_dispatch_count(unknown op) fails");
  st = px_dispatch_count("reference", NOT_UTF8, &dispatches, NULL);
  expect(st, IA_, dispatches == -7, "UTF-8", "px_dispatch_count(op not UTF-8) fails");
  st = px_dispatch_reset();
  expect(st, OK_, 1, NULL, "px_dispatch_reset succeeds");
  st = px_dispatch_count("reference", "matmul", &dispatches, NULL);
  expect(st, OK_, dispatches == 0, NULL, "after px_dispatch_reset every count is 0");

  /* The BLIS plugin: load, select, run, count */
  const char *path = getenv("PLEXUS_TEST_BLIS_PLUGIN");
  if (path == NULL || path[0] == '\0') {
    check(0, "PLEXUS_TEST_BLIS_PLUGIN names the BLIS plugin (run.sh sets it)");
    return;
  }
  char previous[64];
  if (px_config_backend(previous, sizeof previous, NULL) != PX_STATUS_OK) previous[0] = '\0';
  st = px_backend_load(path, NULL);
  expect(st, OK_, 1, NULL, "px_backend_load(the BLIS plugin) succeeds");
  st = px_backend_load(path, "blis_again");
  expect(st, OK_, 1, NULL, "the same plugin loads again under another name");
  st = px_config_set_backend("blis");
  expect(st, OK_, 1, NULL, "px_config_set_backend(\"blis\") selects the plugin");
  check(px_dispatch_reset() == PX_STATUS_OK && product_is_right(),
        "matmul on the BLIS plugin is right");
  dispatches = fallbacks = -1;
  st = px_dispatch_count("blis", "matmul", &dispatches, &fallbacks);
  expect(st, OK_, dispatches == 1 && fallbacks == 0, NULL,
         "px_dispatch_count: the matmul ran in the plugin (%lld) and none fell back (%lld)",
         (long long)dispatches, (long long)fallbacks);
  st = px_dispatch_count("blis", NULL, &dispatches, &fallbacks);
  expect(st, OK_, dispatches >= 1, NULL, "px_dispatch_count(op NULL) counts every op");
  if (previous[0] != '\0' && px_config_set_backend(previous) != PX_STATUS_OK)
    check(0, "the default backend is restored");
}
