/*
 * test_sweep, section "ops": keras.ops by name.
 */
#include "sweep.h"

/* Runs a one-output op; NULL on failure (then a check reports it). */
static px_tensor *run_op(const char *name, const px_tensor *const *inputs, size_t count,
                         const char *attributes) {
  px_tensor *outputs[2] = {NULL, NULL};
  size_t produced = 99;
  px_status st = px_ops_call(name, inputs, count, attributes, outputs, 2, &produced);
  if (st != PX_STATUS_OK || produced != 1) {
    check(0, "px_ops_call(\"%s\") succeeds with one output (status %d, %zu outputs)", name,
          (int)st, produced);
    if (st == PX_STATUS_OK)
      for (size_t i = 0; i < produced && i < 2; i++) px_tensor_release(outputs[i]);
    return NULL;
  }
  return outputs[0];
}

/* Checks a float32 result against `expected`, with its shape; releases it. */
static void check_op(px_tensor *result, const int64_t *shape, size_t rank, const float *expected,
                     size_t count, const char *what) {
  float actual[64];
  int passed = result != NULL && has_shape(result, shape, rank)
               && read_f32(result, actual, 64) == count;
  for (size_t i = 0; passed && i < count; i++)
    if (!close_to(actual[i], expected[i], 1e-5)) passed = 0;
  check(passed, "px_ops_call: %s", what);
  px_tensor_release(result);
}

/* Reads an integer result of dtype int32 or int64 (or bool / uint8) as int64 values. */
static size_t read_ints(const px_tensor *tensor, int64_t *out, size_t capacity) {
  int32_t dtype = -1;
  size_t count = 0;
  void *data = NULL;
  if (tensor == NULL || px_tensor_dtype(tensor, &dtype) != PX_STATUS_OK
      || px_tensor_element_count(tensor, &count) != PX_STATUS_OK || count > capacity
      || px_tensor_data(tensor, &data) != PX_STATUS_OK)
    return 0;
  for (size_t i = 0; i < count; i++) {
    switch (dtype) {
      case PX_DTYPE_INT32: out[i] = ((const int32_t *)data)[i]; break;
      case PX_DTYPE_INT64: out[i] = ((const int64_t *)data)[i]; break;
      case PX_DTYPE_UINT8:
      case PX_DTYPE_BOOL: out[i] = ((const uint8_t *)data)[i]; break;
      default: return 0;
    }
  }
  return count;
}

void section_ops(void) {
  px_status st;
  const float a_values[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape23[2] = {2, 3}, shape32[2] = {3, 2}, shape3[1] = {3};
  px_tensor *a = make_f32(shape23, 2, a_values);
  const float b_values[6] = {1, 0, 0, 1, 1, 1};
  px_tensor *b = make_f32(shape32, 2, b_values);
  const float v_values[3] = {10, 20, 30};
  px_tensor *v = vector_f32(3, v_values);
  const float w_values[4] = {1, 2, 3, 4};
  px_tensor *w = vector_f32(4, w_values);
  px_tensor *outputs[2] = {SENTINEL_TENSOR, SENTINEL_TENSOR};
  size_t produced = SENTINEL_SIZE;
  const px_tensor *pair[2] = {a, v};

  /* hostile */
  st = px_ops_call(NULL, pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE, "px_ops_call|name",
         "px_ops_call(name NULL) fails, outputs and count untouched");
  st = px_ops_call("no_such_op", pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE, "no_such_op",
         "px_ops_call(\"no_such_op\") fails naming it");
  st = px_ops_call(NOT_UTF8, pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|UTF|name",
         "px_ops_call(name not UTF-8) fails");
  st = px_ops_call("add", NULL, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|inputs",
         "px_ops_call(inputs NULL, count 2) fails");
  st = px_ops_call("add", NULL, SIZE_MAX, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|inputs|input_count",
         "px_ops_call(inputs NULL, count SIZE_MAX) fails");
  const px_tensor *with_null[2] = {a, NULL};
  st = px_ops_call("add", with_null, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|input",
         "px_ops_call(an input NULL) fails");
  st = px_ops_call("add", pair, 1, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|add|input",
         "px_ops_call(\"add\", 1 input) fails");
  const px_tensor *three_inputs[3] = {a, a, a};
  st = px_ops_call("negative", three_inputs, 3, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|negative|input",
         "px_ops_call(\"negative\", 3 inputs) fails");
  st = px_ops_call("negative", pair, 1, NULL, NULL, 2, &produced);
  expect(st, IA_, 1, "px_ops_call|outputs", "px_ops_call(outputs NULL) fails");
  st = px_ops_call("negative", pair, 1, NULL, outputs, 0, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE,
         "px_ops_call|capacity|outputs", "px_ops_call(capacity 0) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 1", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|JSON|attributes",
         "px_ops_call(malformed attributes JSON) fails");
  st = px_ops_call("sum", pair, 1, "[1]", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|object|attributes",
         "px_ops_call(attributes not an object) fails");
  st = px_ops_call("sum", pair, 1, "{\"bogus_attribute\": 1}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "bogus_attribute",
         "px_ops_call(unknown attribute) fails naming it");
  st = px_ops_call("sum", pair, 1, "{\"axis\": \"one\"}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis",
         "px_ops_call(\"sum\", axis a string) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 5}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis|sum",
         "px_ops_call(\"sum\", axis 5 of rank 2) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 9223372036854775807}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis|sum",
         "px_ops_call(\"sum\", axis INT64_MAX) fails");
  st = px_ops_call("sum", pair, 1, "{\"axis\": 1e300}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|axis|sum",
         "px_ops_call(\"sum\", axis 1e300) fails");
  char *deep = nested_json(10000, '[', "1", ']');
  char *deep_attributes = deep == NULL ? NULL : malloc(strlen(deep) + 16);
  if (deep_attributes != NULL) {
    snprintf(deep_attributes, strlen(deep) + 16, "{\"axis\": %s}", deep);
    st = px_ops_call("sum", pair, 1, deep_attributes, outputs, 2, &produced);
    expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|JSON|nest|deep|depth",
           "px_ops_call(attributes nested 10000 deep) fails without a crash");
  }
  free(deep_attributes);
  free(deep);
  const px_tensor *mismatch[2] = {a, w};
  st = px_ops_call("add", mismatch, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|add|shape|broadcast",
         "px_ops_call(\"add\", 2x3 + 4) fails");
  const px_tensor *same[2] = {a, a};
  st = px_ops_call("matmul", same, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|matmul|shape",
         "px_ops_call(\"matmul\", 2x3 @ 2x3) fails");
  st = px_ops_call("reshape", pair, 1, "{\"shape\": [7]}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape",
         "px_ops_call(\"reshape\", 6 elements to [7]) fails");
  st = px_ops_call("reshape", pair, 1, "{\"shape\": [-1, -1]}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape|-1",
         "px_ops_call(\"reshape\", two -1) fails");
  st = px_ops_call("reshape", pair, 1, "{\"shape\": [4294967296, 4294967296]}", outputs, 2,
                   &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape",
         "px_ops_call(\"reshape\", to [2^32, 2^32]) fails");
  st = px_ops_call("reshape", pair, 1, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|reshape|shape",
         "px_ops_call(\"reshape\") without its shape attribute fails");
  st = px_ops_call("transpose", pair, 1, "{\"axes\": [0, 0]}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|transpose|axes",
         "px_ops_call(\"transpose\", axes [0, 0]) fails");
  st = px_ops_call("cast", pair, 1, "{\"dtype\": \"float16\"}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|cast|dtype|float16",
         "px_ops_call(\"cast\", dtype float16) fails");
  st = px_ops_call("softmax", pair, 1, "{\"axis\": 9}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|softmax|axis",
         "px_ops_call(\"softmax\", axis 9) fails");
  st = px_ops_call("clip", pair, 1, "{\"x_min\": \"low\", \"x_max\": 1}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|clip|x_min",
         "px_ops_call(\"clip\", x_min a string) fails");
  st = px_ops_call("concatenate", pair, 0, "{\"axis\": 0}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|concatenate|input",
         "px_ops_call(\"concatenate\", no inputs) fails");
  st = px_ops_call("where", pair, 2, NULL, outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|where|input",
         "px_ops_call(\"where\", 2 inputs) fails");
  const int32_t labels[2] = {0, 7};
  const int64_t two[1] = {2};
  px_tensor *indices = make_i32(two, 1, labels);
  const px_tensor *take_inputs[2] = {v, indices};
  st = px_ops_call("take", take_inputs, 2, "{\"axis\": 0}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|take|index|range",
         "px_ops_call(\"take\", index 7 of 3) fails");
  const px_tensor *one_hot_input[1] = {indices};
  st = px_ops_call("one_hot", one_hot_input, 1, "{\"num_classes\": -1}", outputs, 2, &produced);
  expect(st, IA_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|one_hot|num_classes",
         "px_ops_call(\"one_hot\", num_classes -1) fails");
  st = px_ops_call("one_hot", one_hot_input, 1, "{\"num_classes\": 9223372036854775807}", outputs,
                   2, &produced);
  expect(st, IA_ | OOM_, outputs[0] == SENTINEL_TENSOR, "px_ops_call|one_hot|num_classes|memory",
         "px_ops_call(\"one_hot\", num_classes INT64_MAX) fails");
  px_tensor_release(indices);

  /* happy */
  const px_tensor *add_inputs[2] = {a, v};
  const float broadcast_sum[6] = {11, 22, 33, 14, 25, 36};
  check_op(run_op("add", add_inputs, 2, NULL), shape23, 2, broadcast_sum, 6,
           "add broadcasts 2x3 + 3");
  produced = 99;
  outputs[0] = NULL;
  st = px_ops_call("add", add_inputs, 2, "{}", outputs, 1, &produced);
  expect(st, OK_, produced == 1 && outputs[0] != NULL, NULL,
         "px_ops_call(capacity 1, attributes \"{}\") writes one output and its count");
  px_tensor_release(outputs[0]);
  outputs[0] = NULL;
  st = px_ops_call("add", add_inputs, 2, NULL, outputs, 1, NULL);
  expect(st, OK_, outputs[0] != NULL, NULL, "px_ops_call(out_count NULL) is allowed");
  check(error_cleared(), "a successful px_ops_call leaves the last error empty");
  px_tensor_release(outputs[0]);
  const px_tensor *mm[2] = {a, b};
  const int64_t shape22[2] = {2, 2};
  const float product[4] = {4, 5, 10, 11};
  check_op(run_op("matmul", mm, 2, NULL), shape22, 2, product, 4, "matmul 2x3 @ 3x2");
  const px_tensor *single[1] = {a};
  const int64_t shape21[2] = {2, 1};
  const float sums[2] = {6, 15};
  check_op(run_op("sum", single, 1, "{\"axis\": 1, \"keepdims\": true}"), shape21, 2, sums, 2,
           "sum axis 1 keepdims");
  const float mean[1] = {3.5f};
  check_op(run_op("mean", single, 1, "{\"axis\": null}"), NULL, 0, mean, 1, "mean of all is 3.5");
  const float maxes[3] = {4, 5, 6};
  check_op(run_op("max", single, 1, "{\"axis\": 0}"), shape3, 1, maxes, 3, "max axis 0");
  const float transposed[6] = {1, 4, 2, 5, 3, 6};
  check_op(run_op("transpose", single, 1, NULL), shape32, 2, transposed, 6, "transpose 2x3");
  check_op(run_op("reshape", single, 1, "{\"shape\": [3, -1]}"), shape32, 2, a_values, 6,
           "reshape to [3, -1]");
  check_op(run_op("reshape", single, 1, "{\"newshape\": [3, 2]}"), shape32, 2, a_values, 6,
           "reshape takes keras.ops's \"newshape\" [3, 2]");
  check_op(run_op("reshape", single, 1, "{\"shape\": [3, 2]}"), shape32, 2, a_values, 6,
           "reshape takes \"shape\" [3, 2] too");
  const int64_t shape123[3] = {1, 2, 3};
  check_op(run_op("expand_dims", single, 1, "{\"axis\": 0}"), shape123, 3, a_values, 6,
           "expand_dims axis 0");
  /* expand_dims up to PX_MAX_RANK, then one more: refused, not a tensor no call can take */
  const float one_value[1] = {1};
  px_tensor *grown = vector_f32(1, one_value);
  size_t grown_rank = 1;
  while (grown != NULL && grown_rank < PX_MAX_RANK) {
    const px_tensor *grow_in[1] = {grown};
    px_tensor *next = run_op("expand_dims", grow_in, 1, "{\"axis\": 0}");
    px_tensor_release(grown);
    grown = next;
    grown_rank++;
  }
  size_t rank_read = 0;
  int reached = grown != NULL && px_tensor_rank(grown, &rank_read) == PX_STATUS_OK
                && rank_read == PX_MAX_RANK;
  check(reached, "px_ops_call: expand_dims repeated from rank 1 reaches rank PX_MAX_RANK (%zu)",
        rank_read);
  if (grown != NULL) {
    const px_tensor *grow_in[1] = {grown};
    outputs[0] = SENTINEL_TENSOR;
    produced = SENTINEL_SIZE;
    st = px_ops_call("expand_dims", grow_in, 1, "{\"axis\": 0}", outputs, 2, &produced);
    expect(st, IA_, outputs[0] == SENTINEL_TENSOR && produced == SENTINEL_SIZE, "PX_MAX_RANK",
           "px_ops_call(\"expand_dims\") of a rank-32 tensor (rank 33) fails naming PX_MAX_RANK");
    if (st == PX_STATUS_OK) px_tensor_release(outputs[0]);
    outputs[0] = SENTINEL_TENSOR;
  }
  px_tensor_release(grown);
  const float small[3] = {1, 2, 3};
  px_tensor *s = vector_f32(3, small);
  const px_tensor *s_only[1] = {s};
  double total = exp(1.0) + exp(2.0) + exp(3.0);
  const float softmax[3] = {(float)(exp(1.0) / total), (float)(exp(2.0) / total),
                            (float)(exp(3.0) / total)};
  check_op(run_op("softmax", s_only, 1, "{\"axis\": -1}"), shape3, 1, softmax, 3, "softmax");
  const float lse[1] = {(float)log(total)};
  check_op(run_op("logsumexp", s_only, 1, NULL), NULL, 0, lse, 1, "logsumexp of all");
  const float squares[3] = {1, 4, 9};
  check_op(run_op("square", s_only, 1, NULL), shape3, 1, squares, 3, "square");
  const float mixed[3] = {-1.5f, 0, 2};
  px_tensor *m = vector_f32(3, mixed);
  const px_tensor *m_only[1] = {m};
  const float relu[3] = {0, 0, 2};
  check_op(run_op("relu", m_only, 1, NULL), shape3, 1, relu, 3, "relu");
  const float clipped[3] = {-1, 0, 1};
  check_op(run_op("clip", m_only, 1, "{\"x_min\": -1, \"x_max\": 1}"), shape3, 1, clipped, 3,
           "clip to [-1, 1]");
  const float absolute[3] = {1.5f, 0, 2};
  check_op(run_op("abs", m_only, 1, NULL), shape3, 1, absolute, 3, "abs");
  const float copy_values[3] = {-1.5f, 0, 2};
  check_op(run_op("copy", m_only, 1, NULL), shape3, 1, copy_values, 3, "copy");
  const px_tensor *cat[2] = {s, m};
  const int64_t shape6[1] = {6};
  const float joined[6] = {1, 2, 3, -1.5f, 0, 2};
  check_op(run_op("concatenate", cat, 2, "{\"axis\": 0}"), shape6, 1, joined, 6, "concatenate");
  const int64_t shape23b[2] = {2, 3};
  check_op(run_op("stack", cat, 2, "{\"axis\": 0}"), shape23b, 2, joined, 6, "stack");
  const float broadcast[6] = {1, 2, 3, 1, 2, 3};
  check_op(run_op("broadcast_to", s_only, 1, "{\"shape\": [2, 3]}"), shape23, 2, broadcast, 6,
           "broadcast_to [2, 3]");

  px_tensor *greater = NULL;
  const px_tensor *compare[2] = {s, m};
  greater = run_op("greater", compare, 2, NULL);
  int64_t ints[8] = {0};
  int32_t dtype = -1;
  check(greater != NULL && px_tensor_dtype(greater, &dtype) == PX_STATUS_OK
            && dtype == PX_DTYPE_BOOL && read_ints(greater, ints, 8) == 3 && ints[0] == 1
            && ints[1] == 1 && ints[2] == 1,
        "px_ops_call: greater gives bool [1, 1, 1]");
  const float picks_x[3] = {1, 2, 3}, picks_y[3] = {10, 20, 30};
  px_tensor *picks_a = vector_f32(3, picks_x), *py = vector_f32(3, picks_y);
  const uint8_t condition_values[3] = {1, 0, 1};
  px_tensor *condition = NULL;
  check(px_tensor_create(PX_DTYPE_BOOL, shape3, 1, condition_values, 3, &condition)
            == PX_STATUS_OK,
        "a bool tensor");
  const px_tensor *where_inputs[3] = {condition, picks_a, py};
  const float chosen[3] = {1, 20, 3};
  check_op(run_op("where", where_inputs, 3, NULL), shape3, 1, chosen, 3, "where");
  px_tensor_release(greater);
  px_tensor_release(condition);
  px_tensor_release(picks_a);
  px_tensor_release(py);

  const float arg_values[6] = {1, 5, 3, 7, 2, 9};
  px_tensor *arg = make_f32(shape23, 2, arg_values);
  const px_tensor *arg_only[1] = {arg};
  px_tensor *argmax = run_op("argmax", arg_only, 1, "{\"axis\": 1}");
  const int64_t shape2[1] = {2};
  check(argmax != NULL && has_shape(argmax, shape2, 1) && read_ints(argmax, ints, 8) == 2
            && ints[0] == 1 && ints[1] == 2,
        "px_ops_call: argmax axis 1 gives [1, 2]");
  px_tensor_release(argmax);
  /* keras.ops: axis None (the default) searches the flattened tensor */
  static const char *const flat_attributes[2] = {NULL, "{\"axis\": null}"};
  for (int i = 0; i < 2; i++) {
    argmax = run_op("argmax", arg_only, 1, flat_attributes[i]);
    check(argmax != NULL && has_shape(argmax, NULL, 0) && read_ints(argmax, ints, 8) == 1
              && ints[0] == 5,
          "px_ops_call: argmax of 2x3 %s is the scalar 5 (row 1, column 2 of the flattened "
          "tensor)", i == 0 ? "without attributes" : "with axis null");
    px_tensor_release(argmax);
  }
  const int64_t shape11[2] = {1, 1};
  argmax = run_op("argmax", arg_only, 1, "{\"axis\": null, \"keepdims\": true}");
  check(argmax != NULL && has_shape(argmax, shape11, 2) && read_ints(argmax, ints, 8) == 1
            && ints[0] == 5,
        "px_ops_call: argmax with axis null, keepdims true gives shape {1, 1} holding 5");
  px_tensor_release(argmax);
  const float argmin_values[6] = {4, 5, 3, 7, 0, 9};
  px_tensor *argmin_in = make_f32(shape23, 2, argmin_values);
  const px_tensor *argmin_only[1] = {argmin_in};
  for (int i = 0; i < 2; i++) {
    px_tensor *argmin = run_op("argmin", argmin_only, 1, flat_attributes[i]);
    check(argmin != NULL && has_shape(argmin, NULL, 0) && read_ints(argmin, ints, 8) == 1
              && ints[0] == 4,
          "px_ops_call: argmin of 2x3 %s is the scalar 4 (row 1, column 1 of the flattened "
          "tensor)", i == 0 ? "without attributes" : "with axis null");
    px_tensor_release(argmin);
  }
  px_tensor_release(argmin_in);
  px_tensor_release(arg);

  const float to_cast[2] = {1.75f, -2.25f};
  px_tensor *c = vector_f32(2, to_cast);
  const px_tensor *c_only[1] = {c};
  px_tensor *cast = run_op("cast", c_only, 1, "{\"dtype\": \"int32\"}");
  check(cast != NULL && px_tensor_dtype(cast, &dtype) == PX_STATUS_OK && dtype == PX_DTYPE_INT32
            && read_ints(cast, ints, 8) == 2 && ints[0] == 1 && ints[1] == -2,
        "px_ops_call: cast to int32 truncates toward zero");
  const int32_t hot_labels[2] = {0, 2};
  px_tensor *hot_in = make_i32(two, 1, hot_labels);
  const px_tensor *hot_only[1] = {hot_in};
  const float hot[6] = {1, 0, 0, 0, 0, 1};
  check_op(run_op("one_hot", hot_only, 1, "{\"num_classes\": 3}"), shape23, 2, hot, 6,
           "one_hot with 3 classes");
  const px_tensor *take_ok[2] = {v, hot_in};
  const float taken[2] = {10, 30};
  check_op(run_op("take", take_ok, 2, "{\"axis\": 0}"), shape2, 1, taken, 2, "take");
  /* take without an axis (keras.ops: None) takes from the flattened tensor */
  const int32_t flat_indices[2] = {4, 1};
  px_tensor *flat_in = make_i32(two, 1, flat_indices);
  const px_tensor *take_flat[2] = {a, flat_in};
  const float taken_flat[2] = {5, 2};
  check_op(run_op("take", take_flat, 2, NULL), shape2, 1, taken_flat, 2,
           "take without an axis takes indices {4, 1} of the flattened 2x3: [5, 2]");
  check_op(run_op("take", take_flat, 2, "{\"axis\": null}"), shape2, 1, taken_flat, 2,
           "take with axis null takes from the flattened tensor too");
  px_tensor_release(flat_in);
  px_tensor_release(hot_in);
  px_tensor_release(cast);
  px_tensor_release(c);
  px_tensor_release(s);
  px_tensor_release(m);
  px_tensor_release(a);
  px_tensor_release(b);
  px_tensor_release(v);
  px_tensor_release(w);
}
