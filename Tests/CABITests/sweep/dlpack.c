/*
 * test_sweep, section "dlpack": DLPack export and import.
 */
#include "sweep.h"

/* A DLManagedTensorVersioned the test owns, with a deleter that counts. */
typedef struct {
  struct DLManagedTensorVersioned managed;
  int64_t shape[PX_MAX_RANK + 2];
  int64_t strides[PX_MAX_RANK + 2];
  int deletes;
  int wrong_self;
} versioned_box;

typedef struct {
  DLManagedTensor managed;
  int64_t shape[4];
  int deletes;
  int wrong_self;
} legacy_box;

static void versioned_deleter(struct DLManagedTensorVersioned *self) {
  versioned_box *box = self->manager_ctx;
  pthread_mutex_lock(&counter_lock);
  box->deletes++;
  if (self != &box->managed) box->wrong_self++;
  pthread_mutex_unlock(&counter_lock);
}

static void legacy_deleter(DLManagedTensor *self) {
  legacy_box *box = self->manager_ctx;
  pthread_mutex_lock(&counter_lock);
  box->deletes++;
  if (self != &box->managed) box->wrong_self++;
  pthread_mutex_unlock(&counter_lock);
}

/* A 2x3 float32 CPU tensor over `data`, NULL strides. */
static void box_init(versioned_box *box, void *data) {
  memset(box, 0, sizeof *box);
  box->managed.version.major = DLPACK_MAJOR_VERSION;
  box->managed.version.minor = DLPACK_MINOR_VERSION;
  box->managed.manager_ctx = box;
  box->managed.deleter = versioned_deleter;
  box->managed.flags = 0;
  box->shape[0] = 2;
  box->shape[1] = 3;
  box->managed.dl_tensor.data = data;
  box->managed.dl_tensor.device.device_type = kDLCPU;
  box->managed.dl_tensor.device.device_id = 0;
  box->managed.dl_tensor.ndim = 2;
  box->managed.dl_tensor.dtype.code = kDLFloat;
  box->managed.dl_tensor.dtype.bits = 32;
  box->managed.dl_tensor.dtype.lanes = 1;
  box->managed.dl_tensor.shape = box->shape;
  box->managed.dl_tensor.strides = NULL;
  box->managed.dl_tensor.byte_offset = 0;
}

/* Imports a box that must be rejected: the status, out untouched, the deleter not called. */
static void expect_import_rejected(versioned_box *box, unsigned expected, const char *what) {
  px_tensor *out = SENTINEL_TENSOR;
  px_status st = px_tensor_from_dlpack(&box->managed, &out);
  expect(st, expected, out == SENTINEL_TENSOR && read_counter(&box->deletes) == 0,
         "px_tensor_from_dlpack", "px_tensor_from_dlpack rejects %s (deleter not called)", what);
  if (st == PX_STATUS_OK) px_tensor_release(out);
}

void section_dlpack(void) {
  px_status st;
  const float values[6] = {1, 2, 3, 4, 5, 6};
  const int64_t shape23[2] = {2, 3};

  /* export */
  px_tensor *t = make_f32(shape23, 2, values);
  struct DLManagedTensorVersioned *m = SENTINEL_MANAGED;
  /* Python's capsule destructor: in a process without CPython it finds no C API and returns. */
  px_dlpack_capsule_destructor(NULL);
  check(error_cleared(), "px_dlpack_capsule_destructor without Python does nothing");
  st = px_tensor_to_dlpack(t, NULL);
  expect(st, IA_, 1, "px_tensor_to_dlpack|out_managed", "px_tensor_to_dlpack(out NULL) fails");
  void *t_data = NULL;
  check(px_tensor_data(t, &t_data) == PX_STATUS_OK, "px_tensor_data of the tensor to export");
  st = px_tensor_to_dlpack(t, &m);
  expect(st, OK_, m != SENTINEL_MANAGED && m != NULL, NULL, "px_tensor_to_dlpack");
  if (st == PX_STATUS_OK && m != NULL) {
    DLTensor *dl = &m->dl_tensor;
    check(m->version.major == 1, "the export is DLPack 1.x (version %u.%u)", m->version.major,
          m->version.minor);
    check(dl->device.device_type == kDLCPU && dl->device.device_id == 0, "on kDLCPU, device 0");
    check(dl->ndim == 2 && dl->shape != NULL && dl->shape[0] == 2 && dl->shape[1] == 3,
          "with shape {2, 3}");
    check(dl->strides == NULL || (dl->strides[0] == 3 && dl->strides[1] == 1),
          "with compact row-major strides");
    check(dl->dtype.code == kDLFloat && dl->dtype.bits == 32 && dl->dtype.lanes == 1,
          "with dtype float32");
    check(dl->byte_offset == 0 && dl->data == t_data, "sharing the tensor's memory, offset 0");
    check(m->deleter != NULL, "with a deleter");
    check((m->flags & DLPACK_FLAG_BITMASK_READ_ONLY) == 0,
          "the export of memory Plexus allocated (px_tensor_create) is not marked read-only");
    px_tensor_release(t);
    check(((const float *)dl->data)[5] == 6,
          "the export keeps the memory alive after the tensor's release");
    if (m->deleter != NULL) m->deleter(m);
  } else {
    px_tensor_release(t);
  }

  /* export of each dtype */
  static const struct { int32_t dtype; uint8_t code, bits; } codes[7] = {
      {PX_DTYPE_FLOAT32, kDLFloat, 32}, {PX_DTYPE_FLOAT64, kDLFloat, 64},
      {PX_DTYPE_INT32, kDLInt, 32},     {PX_DTYPE_INT64, kDLInt, 64},
      {PX_DTYPE_UINT8, kDLUInt, 8},     {PX_DTYPE_BOOL, kDLBool, 8},
      {PX_DTYPE_BFLOAT16, kDLBfloat, 16}};
  for (int i = 0; i < 7; i++) {
    unsigned char zeros[32] = {0};
    const int64_t three[1] = {3};
    px_tensor *typed = NULL;
    struct DLManagedTensorVersioned *exported = NULL;
    if (px_tensor_create(codes[i].dtype, three, 1, zeros, 3u * codes[i].bits / 8, &typed)
        != PX_STATUS_OK) {
      check(0, "dtype %d: px_tensor_create for the export", (int)codes[i].dtype);
      continue;
    }
    st = px_tensor_to_dlpack(typed, &exported);
    expect(st, OK_,
           exported != NULL && exported->dl_tensor.dtype.code == codes[i].code
               && exported->dl_tensor.dtype.bits == codes[i].bits
               && exported->dl_tensor.dtype.lanes == 1,
           NULL, "dtype %d exports as DLPack code %u, %u bits", (int)codes[i].dtype,
           (unsigned)codes[i].code, (unsigned)codes[i].bits);
    px_tensor_release(typed);
    if (st == PX_STATUS_OK && exported != NULL && exported->deleter != NULL)
      exported->deleter(exported);
  }

  /* export of a view: the view's deleter waits for the export's deleter */
  int view_deletes = 0;
  float *view_data = malloc(sizeof values);
  memcpy(view_data, values, sizeof values);
  px_tensor *view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             freeing_deleter, &view_deletes, &view);
  expect(st, OK_, 1, NULL, "a view to export");
  m = NULL;
  st = px_tensor_to_dlpack(view, &m);
  expect(st, OK_, m != NULL && m->dl_tensor.data == view_data, NULL,
         "the export of a view shares the caller's memory");
  check(m != NULL && (m->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0,
        "the export of a view (caller's memory) sets DLPACK_FLAG_BITMASK_READ_ONLY");
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 0, "releasing the view while exported: no deleter yet");
  if (m != NULL && m->deleter != NULL) m->deleter(m);
  check(read_counter(&view_deletes) == 1, "the export's deleter ends the view: deleter once");

  /* import */
  versioned_box box;
  float import_data[6] = {1, 2, 3, 4, 5, 6};
  box_init(&box, import_data);
  px_tensor *imported = SENTINEL_TENSOR;
  st = px_tensor_from_dlpack(NULL, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR, "px_tensor_from_dlpack|managed",
         "px_tensor_from_dlpack(NULL) fails");
  st = px_tensor_from_dlpack(&box.managed, NULL);
  expect(st, IA_, read_counter(&box.deletes) == 0, "px_tensor_from_dlpack|out_tensor",
         "px_tensor_from_dlpack(out NULL) fails and leaves the tensor to the caller");
  st = px_tensor_from_dlpack(&box.managed, &imported);
  void *imported_data = NULL;
  int32_t dtype = -1;
  expect(st, OK_,
         imported != SENTINEL_TENSOR && px_tensor_data(imported, &imported_data) == PX_STATUS_OK
             && imported_data == (void *)import_data && has_shape(imported, shape23, 2)
             && px_tensor_dtype(imported, &dtype) == PX_STATUS_OK && dtype == PX_DTYPE_FLOAT32,
         NULL, "px_tensor_from_dlpack imports without a copy (same data pointer, shape, dtype)");
  check(read_counter(&box.deletes) == 0, "the imported tensor's deleter waits for its release");
  if (st == PX_STATUS_OK) {
    struct DLManagedTensorVersioned *again = NULL;
    st = px_tensor_to_dlpack(imported, &again);
    expect(st, OK_,
           again != NULL && again->dl_tensor.data == (void *)import_data
               && (again->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0,
           NULL,
           "re-exporting an import (flags 0 in) shares its memory and sets "
           "DLPACK_FLAG_BITMASK_READ_ONLY");
    if (st == PX_STATUS_OK && again != NULL && again->deleter != NULL) again->deleter(again);
    check(read_counter(&box.deletes) == 0, "the re-export's deleter leaves the import alive");
    check(px_tensor_retain(imported) == PX_STATUS_OK, "retain the imported tensor");
    px_tensor_release(imported);
    check(read_counter(&box.deletes) == 0, "a reference left: still no deleter");
    px_tensor_release(imported);
  }
  check(read_counter(&box.deletes) == 1 && box.wrong_self == 0,
        "the last release calls the DLPack deleter once, with the managed tensor itself");

  box_init(&box, import_data);
  box.strides[0] = 3;
  box.strides[1] = 1;
  box.managed.dl_tensor.strides = box.strides;
  box.managed.flags = DLPACK_FLAG_BITMASK_READ_ONLY;
  box.managed.dl_tensor.device.device_type = kDLCUDAHost;
  imported = NULL;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  expect(st, OK_, 1, NULL,
         "px_tensor_from_dlpack accepts explicit compact strides, read-only, kDLCUDAHost");
  px_tensor_release(imported);
  check(read_counter(&box.deletes) == 1, "and calls its deleter once");

  /* an empty tensor may come with data NULL (PyTorch exports them so) */
  box_init(&box, NULL);
  box.managed.dl_tensor.ndim = 1;
  box.shape[0] = 0;
  imported = SENTINEL_TENSOR;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  const int64_t empty_shape[1] = {0};
  size_t empty_count = SENTINEL_SIZE, empty_rank = SENTINEL_SIZE;
  expect(st, OK_,
         imported != SENTINEL_TENSOR && px_tensor_rank(imported, &empty_rank) == PX_STATUS_OK
             && empty_rank == 1 && has_shape(imported, empty_shape, 1)
             && px_tensor_element_count(imported, &empty_count) == PX_STATUS_OK
             && empty_count == 0,
         NULL, "px_tensor_from_dlpack imports a zero-element tensor with data NULL (shape {0})");
  check(read_counter(&box.deletes) == 0, "the empty import's deleter waits for its release");
  if (st == PX_STATUS_OK) px_tensor_release(imported);
  check(st == PX_STATUS_OK && read_counter(&box.deletes) == 1 && box.wrong_self == 0,
        "releasing the empty import calls its deleter exactly once (%d calls)",
        read_counter(&box.deletes));

  box_init(&box, import_data);
  box.managed.deleter = NULL;
  imported = NULL;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  expect(st, OK_, 1, NULL, "px_tensor_from_dlpack accepts a NULL deleter (nothing to clean up)");
  px_tensor_release(imported);

  box_init(&box, import_data);
  box.managed.dl_tensor.byte_offset = 2 * sizeof(float);
  box.shape[0] = 1;
  box.shape[1] = 4;
  imported = NULL;
  st = px_tensor_from_dlpack(&box.managed, &imported);
  imported_data = NULL;
  expect(st, OK_ | IA_ | UNSUP_,
         st != PX_STATUS_OK
             || (px_tensor_data(imported, &imported_data) == PX_STATUS_OK
                 && imported_data == (void *)(import_data + 2)),
         NULL, "a byte_offset is either honoured (data + offset) or rejected");
  if (st == PX_STATUS_OK) px_tensor_release(imported);

  /* dtypes in */
  static const struct { uint8_t code, bits; int32_t dtype; } in_codes[6] = {
      {kDLFloat, 64, PX_DTYPE_FLOAT64}, {kDLInt, 32, PX_DTYPE_INT32}, {kDLInt, 64, PX_DTYPE_INT64},
      {kDLUInt, 8, PX_DTYPE_UINT8},     {kDLBool, 8, PX_DTYPE_BOOL},  {kDLBfloat, 16, PX_DTYPE_BFLOAT16}};
  double wide[6] = {0};
  for (int i = 0; i < 6; i++) {
    box_init(&box, wide);
    box.managed.dl_tensor.dtype.code = in_codes[i].code;
    box.managed.dl_tensor.dtype.bits = in_codes[i].bits;
    imported = NULL;
    dtype = -1;
    st = px_tensor_from_dlpack(&box.managed, &imported);
    expect(st, OK_, px_tensor_dtype(imported, &dtype) == PX_STATUS_OK && dtype == in_codes[i].dtype,
           NULL, "DLPack code %u, %u bits imports as dtype %d", (unsigned)in_codes[i].code,
           (unsigned)in_codes[i].bits, (int)in_codes[i].dtype);
    px_tensor_release(imported);
  }

  /* rejected imports */
  box_init(&box, import_data);
  box.managed.dl_tensor.device.device_type = kDLCUDA;
  px_tensor *on_device = SENTINEL_TENSOR;
  st = px_tensor_from_dlpack(&box.managed, &on_device);
  char device_message[600];
  snprintf(device_message, sizeof device_message, "%s", px_last_error_message());
  expect(st, IA_, on_device == SENTINEL_TENSOR && read_counter(&box.deletes) == 0,
         "device type 2",
         "px_tensor_from_dlpack rejects kDLCUDA memory with PX_STATUS_INVALID_ARGUMENT naming "
         "the device (deleter not called)");
  check(st != PX_STATUS_OK && mentions(device_message, "kDLCPU|host"),
        "and the message says what Plexus reads (host memory)");
  if (st == PX_STATUS_OK) px_tensor_release(on_device);
  box_init(&box, import_data);
  box.managed.dl_tensor.device.device_type = (DLDeviceType)999;
  expect_import_rejected(&box, IA_ | UNSUP_, "device type 999");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.code = kDLComplex;
  box.managed.dl_tensor.dtype.bits = 64;
  expect_import_rejected(&box, IA_ | UNSUP_, "complex64");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.bits = 16;
  expect_import_rejected(&box, IA_ | UNSUP_, "float16");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.code = kDLInt;
  box.managed.dl_tensor.dtype.bits = 8;
  expect_import_rejected(&box, IA_ | UNSUP_, "int8");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.bits = 0;
  expect_import_rejected(&box, IA_ | UNSUP_, "a 0-bit dtype");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.code = 200;
  expect_import_rejected(&box, IA_ | UNSUP_, "dtype code 200");
  box_init(&box, import_data);
  box.managed.dl_tensor.dtype.lanes = 4;
  expect_import_rejected(&box, IA_ | UNSUP_, "4 lanes");
  box_init(&box, import_data);
  box.strides[0] = 1;
  box.strides[1] = 2;
  box.managed.dl_tensor.strides = box.strides;
  expect_import_rejected(&box, IA_ | UNSUP_, "column-major strides {1, 2}");
  box_init(&box, import_data);
  box.strides[0] = 6;
  box.strides[1] = 2;
  box.managed.dl_tensor.strides = box.strides;
  expect_import_rejected(&box, IA_ | UNSUP_, "strided {6, 2}");
  box_init(&box, import_data);
  box.strides[0] = -3;
  box.strides[1] = 1;
  box.managed.dl_tensor.strides = box.strides;
  expect_import_rejected(&box, IA_ | UNSUP_, "negative strides {-3, 1}");
  box_init(&box, import_data);
  box.managed.dl_tensor.ndim = -1;
  expect_import_rejected(&box, IA_, "ndim -1");
  box_init(&box, import_data);
  box.managed.dl_tensor.ndim = INT32_MIN;
  expect_import_rejected(&box, IA_, "ndim INT32_MIN");
  box_init(&box, import_data);
  for (int i = 0; i < PX_MAX_RANK + 1; i++) box.shape[i] = 1;
  box.managed.dl_tensor.ndim = PX_MAX_RANK + 1;
  expect_import_rejected(&box, IA_ | UNSUP_, "ndim 33");
  box_init(&box, import_data);
  box.managed.dl_tensor.shape = NULL;
  expect_import_rejected(&box, IA_, "shape NULL with ndim 2");
  box_init(&box, import_data);
  box.shape[1] = -3;
  expect_import_rejected(&box, IA_, "a negative dim");
  box_init(&box, import_data);
  box.shape[0] = INT64_MAX;
  expect_import_rejected(&box, IA_, "dims {INT64_MAX, 3} (overflow)");
  box_init(&box, NULL);
  expect_import_rejected(&box, IA_, "data NULL with 6 elements");
  box_init(&box, (char *)import_data + 1);
  expect_import_rejected(&box, IA_, "float32 data at an odd address");
  box_init(&box, import_data);
  box.managed.version.major = 2;
  expect_import_rejected(&box, IA_ | UNSUP_, "DLPack major version 2");
  box_init(&box, import_data);
  box.managed.version.major = 0;
  expect_import_rejected(&box, IA_ | UNSUP_, "a versioned tensor saying major version 0");

  /* round trip: export, import, one memory, deleters in order */
  view_deletes = 0;
  view_data = malloc(sizeof values);
  memcpy(view_data, values, sizeof values);
  view = NULL;
  st = px_tensor_create_view(PX_DTYPE_FLOAT32, shape23, 2, view_data, sizeof values,
                             freeing_deleter, &view_deletes, &view);
  m = NULL;
  px_tensor *round = NULL;
  void *round_data = NULL;
  if (st == PX_STATUS_OK && px_tensor_to_dlpack(view, &m) == PX_STATUS_OK) {
    st = px_tensor_from_dlpack(m, &round);
    expect(st, OK_,
           px_tensor_data(round, &round_data) == PX_STATUS_OK && round_data == (void *)view_data,
           NULL, "export then import shares the data pointer");
    if (st != PX_STATUS_OK && m->deleter != NULL) m->deleter(m);
  } else {
    check(0, "export then import: the view or its export failed");
  }
  px_tensor_release(view);
  check(read_counter(&view_deletes) == 0, "the round trip's tensor keeps the memory alive");
  float round_values[6] = {0};
  check(read_f32(round, round_values, 6) == 6 && round_values[5] == 6,
        "and reads the values after the original's release");
  px_tensor_release(round);
  check(read_counter(&view_deletes) == 1, "releasing the imported tensor ends it all: deleter once");

  /* legacy import */
  legacy_box legacy;
  memset(&legacy, 0, sizeof legacy);
  legacy.shape[0] = 2;
  legacy.shape[1] = 3;
  legacy.managed.dl_tensor.data = import_data;
  legacy.managed.dl_tensor.device.device_type = kDLCPU;
  legacy.managed.dl_tensor.ndim = 2;
  legacy.managed.dl_tensor.dtype.code = kDLFloat;
  legacy.managed.dl_tensor.dtype.bits = 32;
  legacy.managed.dl_tensor.dtype.lanes = 1;
  legacy.managed.dl_tensor.shape = legacy.shape;
  legacy.managed.manager_ctx = &legacy;
  legacy.managed.deleter = legacy_deleter;
  imported = SENTINEL_TENSOR;
  st = px_tensor_from_dlpack_legacy(NULL, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR, "px_tensor_from_dlpack_legacy|managed",
         "px_tensor_from_dlpack_legacy(NULL) fails");
  st = px_tensor_from_dlpack_legacy(&legacy.managed, NULL);
  expect(st, IA_, read_counter(&legacy.deletes) == 0, "px_tensor_from_dlpack_legacy|out_tensor",
         "px_tensor_from_dlpack_legacy(out NULL) fails");
  legacy.managed.dl_tensor.device.device_type = kDLCUDA;
  st = px_tensor_from_dlpack_legacy(&legacy.managed, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR && read_counter(&legacy.deletes) == 0,
         "device type 2",
         "px_tensor_from_dlpack_legacy rejects kDLCUDA memory with PX_STATUS_INVALID_ARGUMENT "
         "naming the device");
  legacy.managed.dl_tensor.device.device_type = kDLCPU;
  legacy.managed.dl_tensor.ndim = -5;
  st = px_tensor_from_dlpack_legacy(&legacy.managed, &imported);
  expect(st, IA_, imported == SENTINEL_TENSOR && read_counter(&legacy.deletes) == 0,
         "px_tensor_from_dlpack_legacy", "px_tensor_from_dlpack_legacy rejects ndim -5");
  legacy.managed.dl_tensor.ndim = 2;
  st = px_tensor_from_dlpack_legacy(&legacy.managed, &imported);
  imported_data = NULL;
  expect(st, OK_,
         px_tensor_data(imported, &imported_data) == PX_STATUS_OK
             && imported_data == (void *)import_data && has_shape(imported, shape23, 2),
         NULL, "px_tensor_from_dlpack_legacy imports without a copy");
  check(read_counter(&legacy.deletes) == 0, "the legacy deleter waits for the release");
  if (st == PX_STATUS_OK) px_tensor_release(imported);
  check(read_counter(&legacy.deletes) == 1 && legacy.wrong_self == 0,
        "the last release calls the legacy deleter once, with the managed tensor itself");
}
