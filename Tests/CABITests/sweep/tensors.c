/*
 * test_sweep, section "tensors": tensors.
 */
#include "sweep.h"

void section_tensors(void) {
  px_status st;
  const float values[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape23[2] = {2, 3};
  px_tensor *out = SENTINEL_TENSOR;

  /* px_tensor_create: hostile */
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, sizeof values, NULL);
  expect(st, IA_, 1, "px_tensor_create|out_tensor", "px_tensor_create(out NULL) fails");
  int32_t bad_dtypes[4] = {-1, 7, INT32_MAX, INT32_MIN};
  for (int i = 0; i < 4; i++) {
    st = px_tensor_create(bad_dtypes[i], shape23, 2, values, sizeof values, &out);
    expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|dtype",
           "px_tensor_create(dtype %ld) fails, out untouched", (long)bad_dtypes[i]);
  }
  st = px_tensor_create(PX_DTYPE_FLOAT32, NULL, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|shape",
         "px_tensor_create(shape NULL, rank 2) fails");
  const int64_t negative[2] = {2, -3};
  st = px_tensor_create(PX_DTYPE_FLOAT32, negative, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|shape|dim|negative",
         "px_tensor_create(dims {2, -3}) fails");
  const int64_t min_dim[1] = {INT64_MIN};
  st = px_tensor_create(PX_DTYPE_FLOAT32, min_dim, 1, NULL, 0, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|shape|dim|negative",
         "px_tensor_create(dims {INT64_MIN}) fails");
  const int64_t overflow[2] = {INT64_MAX, 2};
  st = px_tensor_create(PX_DTYPE_FLOAT32, overflow, 2, NULL, 0, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|overflow|shape|too large",
         "px_tensor_create(dims {INT64_MAX, 2}: the element count overflows) fails");
  const int64_t overflow2[2] = {(int64_t)1 << 32, (int64_t)1 << 32};
  st = px_tensor_create(PX_DTYPE_FLOAT32, overflow2, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|overflow|shape|too large",
         "px_tensor_create(dims {2^32, 2^32}: the element count overflows) fails");
  const int64_t byte_overflow[1] = {INT64_MAX / 2};
  st = px_tensor_create(PX_DTYPE_FLOAT32, byte_overflow, 1, NULL, 0, &out);
  expect(st, IA_ | OOM_, out == SENTINEL_TENSOR, "px_tensor_create|overflow|memory|too large",
         "px_tensor_create(dims {INT64_MAX/2} float32: the byte size overflows) fails");
  const int64_t overflow3[3] = {(int64_t)1 << 40, 0, (int64_t)1 << 40};
  st = px_tensor_create(PX_DTYPE_FLOAT32, overflow3, 3, NULL, 0, &out);
  expect(st, OK_ | IA_, 1, NULL,
         "px_tensor_create(dims {2^40, 0, 2^40}) is either an empty tensor or rejected");
  if (st == PX_STATUS_OK) px_tensor_release(out);
  out = SENTINEL_TENSOR;
  const int64_t huge[1] = {(int64_t)1 << 40};
  st = px_tensor_create(PX_DTYPE_FLOAT32, huge, 1, NULL, 0, &out);
  expect(st, OOM_, out == SENTINEL_TENSOR, "px_tensor_create|memory",
         "px_tensor_create(zero-filled 4 TiB) fails with PX_STATUS_OUT_OF_MEMORY");
  int64_t ones[PX_MAX_RANK + 1];
  for (int i = 0; i <= PX_MAX_RANK; i++) ones[i] = 1;
  float one = 1;
  st = px_tensor_create(PX_DTYPE_FLOAT32, ones, PX_MAX_RANK + 1, &one, sizeof one, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|rank",
         "px_tensor_create(rank PX_MAX_RANK + 1) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, ones, SIZE_MAX, &one, sizeof one, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|rank",
         "px_tensor_create(rank SIZE_MAX) fails without reading the shape");
  st = px_tensor_create(PX_DTYPE_FLOAT32, ones, PX_MAX_RANK, &one, sizeof one, &out);
  expect(st, OK_, has_shape(out, ones, PX_MAX_RANK), NULL,
         "px_tensor_create(rank PX_MAX_RANK) is allowed");
  if (st == PX_STATUS_OK) px_tensor_release(out);
  out = SENTINEL_TENSOR;
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, sizeof values - 4, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(byte_size too small) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, sizeof values + 4, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(byte_size too large) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, values, SIZE_MAX, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(byte_size SIZE_MAX) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, NULL, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|data",
         "px_tensor_create(data NULL, byte_size 24) fails");
  st = px_tensor_create(PX_DTYPE_FLOAT64, shape23, 2, values, sizeof values, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create|byte_size",
         "px_tensor_create(float64 with a float32 byte size) fails");

  /* px_tensor_create: happy */
  float source[6] = {1, 2, 3, 4, 5, 6};
  px_tensor *t = NULL;
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape23, 2, source, sizeof source, &t);
  expect(st, OK_, t != NULL, NULL, "px_tensor_create(2x3 float32)");
  source[0] = 100; /* the tensor holds a copy */
  int32_t dtype = -1;
  size_t rank = 99, count = 99, bytes = 99;
  int64_t dims[4] = {-9, -9, -9, -9};
  float copy[6] = {0};
  void *data = NULL;
  check(px_tensor_dtype(t, &dtype) == PX_STATUS_OK && dtype == PX_DTYPE_FLOAT32,
        "px_tensor_dtype reads float32");
  check(px_tensor_rank(t, &rank) == PX_STATUS_OK && rank == 2, "px_tensor_rank reads 2");
  check(px_tensor_shape(t, dims, 4) == PX_STATUS_OK && dims[0] == 2 && dims[1] == 3
            && dims[2] == -9,
        "px_tensor_shape reads {2, 3} and writes only rank values");
  check(px_tensor_element_count(t, &count) == PX_STATUS_OK && count == 6,
        "px_tensor_element_count reads 6");
  check(px_tensor_byte_size(t, &bytes) == PX_STATUS_OK && bytes == 24, "px_tensor_byte_size reads 24");
  check(px_tensor_copy_to(t, copy, sizeof copy) == PX_STATUS_OK && copy[0] == 1 && copy[5] == 6,
        "px_tensor_copy_to copies the values made at creation (a copy of the caller's)");
  check(px_tensor_data(t, &data) == PX_STATUS_OK && data != NULL && ((float *)data)[4] == 5,
        "px_tensor_data points at the values");
  if (data != NULL) {
    ((float *)data)[4] = 50;
    check(px_tensor_copy_to(t, copy, sizeof copy) == PX_STATUS_OK && copy[4] == 50,
          "writing through px_tensor_data changes the tensor");
  }

  /* getters: hostile out-parameters and capacities */
  st = px_tensor_dtype(t, NULL);
  expect(st, IA_, 1, "px_tensor_dtype", "px_tensor_dtype(out NULL) fails");
  st = px_tensor_rank(t, NULL);
  expect(st, IA_, 1, "px_tensor_rank", "px_tensor_rank(out NULL) fails");
  st = px_tensor_element_count(t, NULL);
  expect(st, IA_, 1, "px_tensor_element_count", "px_tensor_element_count(out NULL) fails");
  st = px_tensor_byte_size(t, NULL);
  expect(st, IA_, 1, "px_tensor_byte_size", "px_tensor_byte_size(out NULL) fails");
  st = px_tensor_data(t, NULL);
  expect(st, IA_, 1, "px_tensor_data", "px_tensor_data(out NULL) fails");
  dims[0] = -9;
  st = px_tensor_shape(t, dims, 1);
  expect(st, IA_, dims[0] == -9, "px_tensor_shape|capacity",
         "px_tensor_shape(capacity 1 < rank 2) fails, dims untouched");
  st = px_tensor_shape(t, NULL, 2);
  expect(st, IA_, 1, "px_tensor_shape|dims", "px_tensor_shape(dims NULL) fails");
  st = px_tensor_shape(t, NULL, 0);
  expect(st, IA_, 1, "px_tensor_shape|dims|capacity", "px_tensor_shape(NULL, 0) on rank 2 fails");
  float small_copy[6] = {-1, -1, -1, -1, -1, -1};
  st = px_tensor_copy_to(t, small_copy, sizeof small_copy - 1);
  expect(st, IA_, small_copy[0] == -1, "px_tensor_copy_to|capacity",
         "px_tensor_copy_to(capacity 23 < 24) fails, buffer untouched");
  st = px_tensor_copy_to(t, NULL, 24);
  expect(st, IA_, 1, "px_tensor_copy_to|buffer", "px_tensor_copy_to(buffer NULL) fails");
  st = px_tensor_copy_to(t, small_copy, SIZE_MAX);
  expect(st, OK_, small_copy[5] == 6, NULL, "px_tensor_copy_to(capacity SIZE_MAX) copies 24 bytes");
  st = px_tensor_retain(NULL);
  expect(st, IA_, 1, "px_tensor_retain", "px_tensor_retain(NULL) fails");

  /* scalars, empty tensors, zero fill, every dtype */
  px_tensor *scalar = NULL;
  double pi = 3.25;
  st = px_tensor_create(PX_DTYPE_FLOAT64, NULL, 0, &pi, sizeof pi, &scalar);
  expect(st, OK_,
         px_tensor_rank(scalar, &rank) == PX_STATUS_OK && rank == 0
             && px_tensor_element_count(scalar, &count) == PX_STATUS_OK && count == 1,
         NULL, "a rank-0 float64 scalar (shape NULL) has one element");
  st = px_tensor_shape(scalar, NULL, 0);
  expect(st, OK_, 1, NULL, "px_tensor_shape(NULL, 0) of a scalar succeeds");
  px_tensor_release(scalar);
  const int64_t empty_shape[2] = {0, 3};
  px_tensor *empty = NULL;
  st = px_tensor_create(PX_DTYPE_FLOAT32, empty_shape, 2, NULL, 0, &empty);
  data = NULL;
  expect(st, OK_,
         px_tensor_element_count(empty, &count) == PX_STATUS_OK && count == 0
             && px_tensor_data(empty, &data) == PX_STATUS_OK && data != NULL,
         NULL, "an empty 0x3 tensor has no elements and a non-NULL data pointer");
  char nothing = 'n';
  st = px_tensor_copy_to(empty, &nothing, 0);
  expect(st, OK_, nothing == 'n', NULL, "px_tensor_copy_to of an empty tensor with capacity 0");
  px_tensor_release(empty);
  px_tensor *zeros = NULL;
  const int64_t shape22[2] = {2, 2};
  float zero_values[4] = {9, 9, 9, 9};
  st = px_tensor_create(PX_DTYPE_FLOAT32, shape22, 2, NULL, 0, &zeros);
  expect(st, OK_,
         read_f32(zeros, zero_values, 4) == 4 && zero_values[0] == 0 && zero_values[3] == 0, NULL,
         "px_tensor_create(data NULL, byte_size 0) makes a zero-filled 2x2 tensor");
  px_tensor_release(zeros);
  static const size_t sizes[7] = {4, 8, 4, 8, 1, 1, 2};
  for (int32_t d = 0; d < 7; d++) {
    unsigned char bytes16[16] = {0};
    px_tensor *typed = NULL;
    const int64_t two[1] = {2};
    size_t size = 0;
    int32_t read_dtype = -1;
    st = px_tensor_create(d, two, 1, bytes16, 2 * sizes[d], &typed);
    expect(st, OK_,
           px_tensor_byte_size(typed, &size) == PX_STATUS_OK && size == 2 * sizes[d]
               && px_tensor_dtype(typed, &read_dtype) == PX_STATUS_OK && read_dtype == d,
           NULL, "dtype %d: two elements take %zu bytes", (int)d, 2 * sizes[d]);
    px_tensor_release(typed);
  }

  /* retain / release */
  st = px_tensor_retain(t);
  expect(st, OK_, 1, NULL, "px_tensor_retain");
  px_tensor_release(t);
  check(px_tensor_dtype(t, &dtype) == PX_STATUS_OK, "one release after a retain keeps the tensor");
  px_tensor_release(t);
  dtype = 77;
  st = px_tensor_dtype(t, &dtype);
  expect(st, IA_, dtype == 77, "px_tensor_dtype|released|handle|tensor",
         "the last release ends the tensor: px_tensor_dtype(released) fails");
  px_tensor_release(t); /* a released handle: does nothing */
  px_tensor_release(NULL);
  check(1, "px_tensor_release accepts NULL and released handles");

  /* a released token is not reused for the next tensor */
  px_tensor *first = vector_f32(6, values);
  px_tensor *stale = first;
  px_tensor_release(first);
  px_tensor *second = vector_f32(6, values);
  dtype = 77;
  st = px_tensor_dtype(stale, &dtype);
  expect(st, IA_, dtype == 77, "px_tensor_dtype|released|handle",
         "a released handle stays invalid after the next create (tokens are not reused)");
  px_tensor_release(stale);
  check(px_tensor_dtype(second, &dtype) == PX_STATUS_OK,
        "releasing the stale handle again does not release the new tensor");
  px_tensor_release(second);

  /* px_tensor_create_view: hostile; the deleter is never called on failure */
  int view_deletes = 0;
  float *view_data = malloc(sizeof values);
  memcpy(view_data, values, sizeof values);
  out = SENTINEL_TENSOR;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, NULL);
  expect(st, IA_, 1, "px_tensor_create_view|out_tensor", "px_tensor_create_view(out NULL) fails");
  st = px_tensor_create_view(7, shape23, 2, view_data, sizeof values, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|dtype",
         "px_tensor_create_view(dtype 7) fails");
  st = px_tensor_create_view(-1, shape23, 2, view_data, sizeof values, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|dtype",
         "px_tensor_create_view(dtype -1) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, NULL, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|shape",
         "px_tensor_create_view(shape NULL) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, negative, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|shape|dim|negative",
         "px_tensor_create_view(dims {2, -3}) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, overflow, 2, view_data, sizeof values,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|overflow|shape|byte_size",
         "px_tensor_create_view(dims {INT64_MAX, 2}) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, ones, PX_MAX_RANK + 1, view_data, 4,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|rank",
         "px_tensor_create_view(rank 33) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, 20, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|byte_size",
         "px_tensor_create_view(byte_size 20 for 24 bytes) fails");
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, NULL, sizeof values, counting_deleter,
                             &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|data",
         "px_tensor_create_view(data NULL) fails");
  const int64_t five[1] = {5};
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, five, 1, (char *)view_data + 1, 20,
                             counting_deleter, &view_deletes, &out);
  expect(st, IA_, out == SENTINEL_TENSOR, "px_tensor_create_view|align",
         "px_tensor_create_view(float32 data at an odd address) fails");
  check(read_counter(&view_deletes) == 0, "no failed px_tensor_create_view called the deleter");

  /* px_tensor_create_view: happy; the deleter runs once, after the last release */
  px_tensor *view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             freeing_deleter, &view_deletes, &view);
  data = NULL;
  expect(st, OK_, px_tensor_data(view, &data) == PX_STATUS_OK && data == view_data, NULL,
         "px_tensor_create_view shares the caller's memory");
  check(px_tensor_retain(view) == PX_STATUS_OK && px_tensor_retain(view) == PX_STATUS_OK,
        "two retains of the view");
  px_tensor_release(view);
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 0, "the deleter waits while a reference is left");
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 1, "the last release calls the deleter once");
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 1, "releasing a released view does not call it again");

  /* a reshape may share the view's memory: the deleter waits for it too */
  int shared_deletes = 0;
  float *shared_data = malloc(sizeof values);
  memcpy(shared_data, values, sizeof values);
  px_tensor *shared_view = NULL, *reshaped = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, shared_data, sizeof values,
                             freeing_deleter, &shared_deletes, &shared_view);
  expect(st, OK_, 1, NULL, "a view to reshape");
  const px_tensor *reshape_in[1] = {shared_view};
  size_t reshape_count = 0;
  px_status reshape_st = st == PX_STATUS_OK
      ? px_ops_call("reshape", reshape_in, 1, "{\"shape\": [3, 2]}", &reshaped, 1, &reshape_count)
      : st;
  const int64_t shape32[2] = {3, 2};
  expect(reshape_st, OK_, reshape_count == 1 && has_shape(reshaped, shape32, 2), NULL,
         "px_ops_call(\"reshape\") of the view to [3, 2]");
  px_tensor_release(shared_view);
  check(read_counter(&shared_deletes) == 0,
        "releasing the view first: its deleter waits for the reshape result");
  float reshaped_values[6] = {0};
  check(read_f32(reshaped, reshaped_values, 6) == 6 && reshaped_values[5] == 6,
        "the reshape result still reads the values after the view's release");
  px_tensor_release(reshaped);
  check(read_counter(&shared_deletes) == 1,
        "releasing the reshape result then calls the view's deleter once");

  int null_deleter_calls = 0;
  float local[2] = {7, 8};
  const int64_t two[1] = {2};
  px_tensor *plain_view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, two, 1, local, sizeof local, NULL, NULL,
                             &plain_view);
  expect(st, OK_, 1, NULL, "px_tensor_create_view without a deleter");
  local[1] = 80;
  float read_back[2] = {0, 0};
  check(read_f32(plain_view, read_back, 2) == 2 && read_back[1] == 80,
        "a view reads the caller's memory as it is now");
  px_tensor_release(plain_view);
  check(null_deleter_calls == 0, "a view without a deleter releases cleanly");
}
