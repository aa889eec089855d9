/* px_model_from_json_sharing: a model rebuilt from JSON around another model's layer holds the
 * same layer, so training either model changes the weights both read; hostile arguments (NULL
 * arrays with a count, a count past SIZE_MAX / 2, bad handles, names that are not UTF-8,
 * absent or repeated names, a layer of another class) are refused and write no model. */
#include "sweep.h"

/* The shared model: the MLP's "hidden" layer under a head of its own. */
static const char *const HEAD_JSON =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"other_head\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"dtype\": "
    "\"float32\", \"name\": \"features\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"hidden\", \"units\": 16, "
    "\"activation\": \"relu\"}},"
    "{\"class_name\": \"Dense\", \"config\": {\"name\": \"head\", \"units\": 3}}]}}";

/* The same, with a Dropout where the MLP has its Dense "hidden". */
static const char *const MISMATCH_JSON =
    "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"mismatch\", \"layers\": ["
    "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"dtype\": "
    "\"float32\", \"name\": \"features\"}},"
    "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"hidden\", \"rate\": 0.5}}]}}";

/* One of two threads running calls at once on models that share a layer. */
typedef struct {
  px_model *model;
  const px_tensor *const *x;
  const px_tensor *const *y;
  int fit;
  int failures;
} sharing_worker;

static void *sharing_thread(void *argument) {
  sharing_worker *w = argument;
  for (int round = 0; round < 20; round++) {
    px_status st;
    if (w->fit) {
      px_fit_options options = fit_options(1, 32);
      st = px_model_fit(w->model, w->x, 1, w->y, 1, &options, NULL, NULL, NULL);
    } else {
      px_tensor *out = NULL;
      st = px_model_predict_on_batch(w->model, w->x, 1, &out, 1);
      px_tensor_release(out);
    }
    w->failures += st != PX_STATUS_OK;
  }
  return NULL;
}

static void expect_refused(const char *const *names, px_model *const *owners, size_t count,
                           const char *json, const char *needles, const char *what) {
  px_model *out = SENTINEL_MODEL;
  px_status st = px_model_from_json_sharing(json, names, owners, count, &out);
  expect(st, IA_, out == SENTINEL_MODEL, needles, "px_model_from_json_sharing refuses %s", what);
}

void section_sharing(void) {
  px_status st;
  make_problem();
  px_model *owner = make_json_model();
  check(owner != NULL, "the JSON MLP (hidden, logits) is built and compiled");
  if (owner == NULL) return;

  const char *names[1] = {"hidden"};
  px_model *owners[1] = {owner};
  px_model *shared = NULL;
  st = px_model_from_json_sharing(HEAD_JSON, names, owners, 1, &shared);
  expect(st, OK_, shared != NULL, NULL, "a model is built around the MLP's hidden layer");
  if (shared == NULL) {
    px_model_release(owner);
    return;
  }
  float mine[32], theirs[32];
  size_t count = read_weight(shared, "other_head/hidden/kernel", mine, 32);
  check(count == 32 && read_weight(owner, "json_mlp/hidden/kernel", theirs, 32) == 32
            && memcmp(mine, theirs, sizeof mine) == 0,
        "the shared layer's kernel is the MLP's");

  const int64_t x_shape[2] = {SAMPLES, FEATURES}, y_shape[1] = {SAMPLES};
  px_tensor *x = make_f32(x_shape, 2, xs), *y = make_i32(y_shape, 1, ys);
  const px_tensor *xv[1] = {x}, *yv[1] = {y};
  px_fit_options options = fit_options(1, 32);
  st = px_model_fit(owner, xv, 1, yv, 1, &options, NULL, NULL, NULL);
  float after[32];
  read_weight(shared, "other_head/hidden/kernel", after, 32);
  read_weight(owner, "json_mlp/hidden/kernel", theirs, 32);
  check(st == PX_STATUS_OK && memcmp(after, theirs, sizeof after) == 0
            && memcmp(after, mine, sizeof after) != 0,
        "training the MLP changes the kernel the other model reads");
  /* Training one model while another thread predicts with the other: the calls take turns
   * (the models share a lock), and both go through. */
  sharing_worker workers[2] = {{owner, xv, yv, 1, 0}, {shared, xv, yv, 0, 0}};
  pthread_t threads[2];
  int started[2];
  for (int i = 0; i < 2; i++)
    started[i] = pthread_create(&threads[i], NULL, sharing_thread, &workers[i]) == 0;
  for (int i = 0; i < 2; i++)
    if (started[i]) pthread_join(threads[i], NULL);
  check(started[0] && started[1] && workers[0].failures == 0 && workers[1].failures == 0,
        "a fit on one model and predictions on the other, from two threads at once, all succeed");
  px_tensor_release(x);
  px_tensor_release(y);

  px_model *plain = NULL;
  st = px_model_from_json_sharing(HEAD_JSON, NULL, NULL, 0, &plain);
  expect(st, OK_, plain != NULL, NULL, "count 0 with NULL arrays is px_model_from_json");
  px_model_release(plain);

  st = px_model_from_json_sharing(HEAD_JSON, names, owners, 1, NULL);
  expect(st, IA_, 1, "px_model_from_json_sharing|out_model", "out_model NULL is refused");
  expect_refused(names, owners, 1, NULL, "json", "a NULL json");
  expect_refused(NULL, owners, 1, HEAD_JSON, "layer_names|NULL", "NULL layer_names with count 1");
  expect_refused(names, NULL, 1, HEAD_JSON, "owners|NULL", "NULL owners with count 1");
  expect_refused(names, owners, (size_t)-1, HEAD_JSON, "count|too large",
                 "a count past SIZE_MAX / 2");
  px_model *bad_owners[1] = {NULL};
  expect_refused(names, bad_owners, 1, HEAD_JSON, "model|NULL|handle", "a NULL owner handle");
  px_model *stale_owners[1] = {SENTINEL_MODEL};
  expect_refused(names, stale_owners, 1, HEAD_JSON, "model|handle",
                 "an owner that is not a live handle");
  const char *null_names[1] = {NULL};
  expect_refused(null_names, owners, 1, HEAD_JSON, "layer_names[0]", "a NULL name");
  const char *bad_names[1] = {NOT_UTF8};
  expect_refused(bad_names, owners, 1, HEAD_JSON, "UTF-8", "a name that is not UTF-8");
  const char *absent[1] = {"no_such_layer"};
  expect_refused(absent, owners, 1, HEAD_JSON, "no_such_layer", "a name the owner lacks");
  const char *twice[2] = {"hidden", "hidden"};
  px_model *two_owners[2] = {owner, owner};
  expect_refused(twice, two_owners, 2, HEAD_JSON, "twice", "a name given twice");
  expect_refused(names, owners, 1, MISMATCH_JSON, "Dropout|Dense",
                 "a shared layer of another class than the JSON's");

  px_model_release(shared);
  /* The MLP still predicts after the other model is gone. */
  px_tensor *batch = make_f32(x_shape, 2, xs), *predicted = NULL;
  const px_tensor *batches[1] = {batch};
  st = px_model_predict_on_batch(owner, batches, 1, &predicted, 1);
  expect(st, OK_, predicted != NULL, NULL, "the MLP predicts after the sharing model's release");
  px_tensor_release(predicted);
  px_tensor_release(batch);
  px_model_release(owner);
}
