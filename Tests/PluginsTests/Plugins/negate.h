/*
 * negate.h: what the test plugins that claim negate on float32 share (one_op.c, older_minor.c):
 * the host's services, error reporting and a checked negate on host memory. Each includes it
 * once; everything here is static to that plugin.
 */
#ifndef PX_TEST_NEGATE_H
#define PX_TEST_NEGATE_H

#include <stdio.h>

#include <plexus_plugin.h>

static const px_plugin_host *host;

/* Reports `message` and returns PX_PLUGIN_ERROR. */
static int32_t fail(const char *message) {
  host->set_error(host->host_data, message);
  return PX_PLUGIN_ERROR;
}

/* Checks a float32, contiguous host tensor with a sane shape; its element count into *count. */
static int check_tensor(const DLTensor *t, int64_t *count) {
  int32_t i;
  *count = 1;
  if (t->device.device_type != kDLCPU || t->dtype.code != kDLFloat || t->dtype.bits != 32 ||
      t->dtype.lanes != 1 || t->strides != NULL || t->ndim < 0 || (t->ndim && !t->shape))
    return 0;
  for (i = 0; i < t->ndim; i++) {
    if (t->shape[i] < 0 || (t->shape[i] && *count > INT64_MAX / 4 / t->shape[i])) return 0;
    *count *= t->shape[i];
  }
  return *count == 0 || t->data != NULL;
}

/* out = -x for a negate record on float32, after checking it; errors name `plugin`. */
static int32_t run_negate(const px_plugin_op *op, const char *plugin) {
  char message[160]; /* set_error copies it */
  const float *x;
  float *out;
  int64_t count, out_count, i;
  if (op->op != PX_OP_NEGATE || op->dtype != PX_DTYPE_FLOAT32) return PX_PLUGIN_UNSUPPORTED;
  if (op->input_count != 1 || op->output_count != 1 || !op->inputs || !op->outputs) {
    snprintf(message, sizeof message, "%s: negate expects 1 input and 1 output", plugin);
    return fail(message);
  }
  if (!check_tensor(&op->inputs[0], &count) || !check_tensor(&op->outputs[0], &out_count)) {
    snprintf(message, sizeof message,
             "%s: negate expects contiguous float32 host tensors with data", plugin);
    return fail(message);
  }
  for (i = 0; i <= op->inputs[0].ndim; i++)
    if (op->inputs[0].ndim != op->outputs[0].ndim || count != out_count ||
        (i < op->inputs[0].ndim && op->inputs[0].shape[i] != op->outputs[0].shape[i])) {
      snprintf(message, sizeof message, "%s: negate expects an output of its input's shape",
               plugin);
      return fail(message);
    }
  x = (const float *)((const char *)op->inputs[0].data + op->inputs[0].byte_offset);
  out = (float *)((char *)op->outputs[0].data + op->outputs[0].byte_offset);
  for (i = 0; i < count; i++) out[i] = -x[i];
  return PX_PLUGIN_OK;
}

#endif /* PX_TEST_NEGATE_H */
