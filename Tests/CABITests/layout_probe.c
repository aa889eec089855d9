/*
 * layout_probe.c: prints the binary layout of include/plexus.h (and of the DLPack types it passes
 * by pointer): every struct's size and alignment, every field's offset and size, and every
 * constant's value, one per line. Tests/CABITests/run.sh compares the output with
 * Tests/CABITests/baseline/layout.txt, so a change to the ABI cannot land without a change to the
 * baseline (and, for an addition, a bump of PX_ABI_VERSION_MINOR).
 *
 * run.sh also checks that every PX_ constant and every struct field of plexus.h is listed here.
 */
#include <plexus.h>

#include <stddef.h>
#include <stdio.h>

#define TYPE(T)                                                                   \
  do {                                                                            \
    struct align_probe {                                                          \
      char c;                                                                     \
      T t;                                                                        \
    };                                                                            \
    printf("sizeof(%s) = %zu\n", #T, sizeof(T));                                  \
    printf("alignof(%s) = %zu\n", #T, offsetof(struct align_probe, t));           \
  } while (0)
#define FIELD(T, f)                                                               \
  printf("%s.%s: offset %zu, size %zu\n", #T, #f, offsetof(T, f), sizeof(((T *)0)->f))
#define CONSTANT(name) printf("%s = %lld\n", #name, (long long)(name))

int main(void) {
  printf("sizeof(void *) = %zu\n", sizeof(void *));
  printf("sizeof(size_t) = %zu\n", sizeof(size_t));

  /* plexus.h: types */
  TYPE(px_status);
  TYPE(px_deleter);
  TYPE(px_progress_fn);

  TYPE(px_progress_event);
  FIELD(px_progress_event, struct_size);
  FIELD(px_progress_event, kind);
  FIELD(px_progress_event, epoch);
  FIELD(px_progress_event, epochs);
  FIELD(px_progress_event, step);
  FIELD(px_progress_event, steps);
  FIELD(px_progress_event, log_count);
  FIELD(px_progress_event, log_names);
  FIELD(px_progress_event, log_values);

  TYPE(px_dataset_batch_fn);
  TYPE(px_dataset_epoch_fn);
  TYPE(px_dataset);
  FIELD(px_dataset, struct_size);
  FIELD(px_dataset, batch_count);
  FIELD(px_dataset, batch);
  FIELD(px_dataset, epoch);
  FIELD(px_dataset, user);
  FIELD(px_dataset, prefetch);

  TYPE(px_fit_options);
  FIELD(px_fit_options, struct_size);
  FIELD(px_fit_options, verbose);
  FIELD(px_fit_options, batch_size);
  FIELD(px_fit_options, epochs);
  FIELD(px_fit_options, initial_epoch);
  FIELD(px_fit_options, validation_split);
  FIELD(px_fit_options, shuffle);
  FIELD(px_fit_options, event_mask);
  FIELD(px_fit_options, validation_x);
  FIELD(px_fit_options, validation_x_count);
  FIELD(px_fit_options, validation_y);
  FIELD(px_fit_options, validation_y_count);
  FIELD(px_fit_options, sample_weight);
  FIELD(px_fit_options, class_weight_classes);
  FIELD(px_fit_options, class_weight_values);
  FIELD(px_fit_options, class_weight_count);
  FIELD(px_fit_options, validation_sample_weight);
  FIELD(px_fit_options, validation_freq);
  FIELD(px_fit_options, validation_epochs);
  FIELD(px_fit_options, validation_epoch_count);
  FIELD(px_fit_options, validation_batch_size);

  /* plexus.h: constants */
  CONSTANT(PX_ABI_VERSION_MAJOR);
  CONSTANT(PX_ABI_VERSION_MINOR);
  CONSTANT(PX_STATUS_OK);
  CONSTANT(PX_STATUS_INVALID_ARGUMENT);
  CONSTANT(PX_STATUS_INTERNAL);
  CONSTANT(PX_STATUS_INVALID_STATE);
  CONSTANT(PX_STATUS_UNSUPPORTED);
  CONSTANT(PX_STATUS_OUT_OF_MEMORY);
  CONSTANT(PX_STATUS_CANCELLED);
  CONSTANT(PX_STATUS_IO);
  CONSTANT(PX_DTYPE_FLOAT32);
  CONSTANT(PX_DTYPE_FLOAT64);
  CONSTANT(PX_DTYPE_INT32);
  CONSTANT(PX_DTYPE_INT64);
  CONSTANT(PX_DTYPE_UINT8);
  CONSTANT(PX_DTYPE_BOOL);
  CONSTANT(PX_DTYPE_BFLOAT16);
  CONSTANT(PX_MAX_RANK);
  CONSTANT(PX_EVENT_TRAIN_BEGIN);
  CONSTANT(PX_EVENT_TRAIN_END);
  CONSTANT(PX_EVENT_EPOCH_BEGIN);
  CONSTANT(PX_EVENT_EPOCH_END);
  CONSTANT(PX_EVENT_TRAIN_BATCH_BEGIN);
  CONSTANT(PX_EVENT_TRAIN_BATCH_END);
  CONSTANT(PX_EVENT_TEST_BEGIN);
  CONSTANT(PX_EVENT_TEST_END);
  CONSTANT(PX_EVENT_TEST_BATCH_BEGIN);
  CONSTANT(PX_EVENT_TEST_BATCH_END);
  CONSTANT(PX_EVENT_PREDICT_BEGIN);
  CONSTANT(PX_EVENT_PREDICT_END);
  CONSTANT(PX_EVENT_PREDICT_BATCH_BEGIN);
  CONSTANT(PX_EVENT_PREDICT_BATCH_END);
  CONSTANT(PX_EVENT_BIT(PX_EVENT_TRAIN_BEGIN));
  CONSTANT(PX_EVENT_BIT(PX_EVENT_PREDICT_BATCH_END));
  CONSTANT(PX_OPTION_DEFAULT);
  CONSTANT(PX_OPTION_ON);
  CONSTANT(PX_OPTION_OFF);
  CONSTANT(PX_STEP_TRAIN);
  CONSTANT(PX_STEP_TEST);
  CONSTANT(PX_STEP_PREDICT);

  /* dlpack/dlpack.h: the types plexus.h passes, and the values Plexus reads */
  CONSTANT(DLPACK_MAJOR_VERSION);
  CONSTANT(DLPACK_MINOR_VERSION);
  CONSTANT(DLPACK_FLAG_BITMASK_READ_ONLY);
  CONSTANT(DLPACK_FLAG_BITMASK_IS_COPIED);
  CONSTANT(DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED);
  CONSTANT(kDLCPU);
  CONSTANT(kDLCUDA);
  CONSTANT(kDLCUDAHost);
  CONSTANT(kDLInt);
  CONSTANT(kDLUInt);
  CONSTANT(kDLFloat);
  CONSTANT(kDLBfloat);
  CONSTANT(kDLComplex);
  CONSTANT(kDLBool);
  TYPE(DLPackVersion);
  FIELD(DLPackVersion, major);
  FIELD(DLPackVersion, minor);
  TYPE(DLDevice);
  FIELD(DLDevice, device_type);
  FIELD(DLDevice, device_id);
  TYPE(DLDataType);
  FIELD(DLDataType, code);
  FIELD(DLDataType, bits);
  FIELD(DLDataType, lanes);
  TYPE(DLTensor);
  FIELD(DLTensor, data);
  FIELD(DLTensor, device);
  FIELD(DLTensor, ndim);
  FIELD(DLTensor, dtype);
  FIELD(DLTensor, shape);
  FIELD(DLTensor, strides);
  FIELD(DLTensor, byte_offset);
  TYPE(DLManagedTensor);
  FIELD(DLManagedTensor, dl_tensor);
  FIELD(DLManagedTensor, manager_ctx);
  FIELD(DLManagedTensor, deleter);
  TYPE(struct DLManagedTensorVersioned);
  FIELD(struct DLManagedTensorVersioned, version);
  FIELD(struct DLManagedTensorVersioned, manager_ctx);
  FIELD(struct DLManagedTensorVersioned, deleter);
  FIELD(struct DLManagedTensorVersioned, flags);
  FIELD(struct DLManagedTensorVersioned, dl_tensor);
  return 0;
}
