/*
 * lying.c: a test plugin that claims add and multiply on float32 and then lets the host down.
 * add declines at run time (PX_PLUGIN_UNSUPPORTED, nothing written): the host falls back to the
 * reference backend. multiply writes garbage (12345) into its output and then fails: the host
 * must report an error naming the plugin and the op and never hand the garbage out. sgd_update
 * (in place) writes garbage into its variable and then fails: the host must restore the variable.
 */
#include <plexus_plugin.h>

static const px_plugin_host *host;

/* Reports `message` and returns PX_PLUGIN_ERROR. */
static int32_t fail(const char *message) {
  host->set_error(host->host_data, message);
  return PX_PLUGIN_ERROR;
}

static int32_t lying_create(void **out_context) {
  static int context;
  *out_context = &context;
  return PX_PLUGIN_OK;
}

static void lying_destroy(void *context) { (void)context; }

static int32_t lying_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context;
  return (op == PX_OP_ADD || op == PX_OP_MULTIPLY || op == PX_OP_SGD_UPDATE) &&
         dtype == PX_DTYPE_FLOAT32;
}

static int32_t lying_execute(void *context, const px_plugin_op *op) {
  const DLTensor *out;
  int64_t count = 1, i;
  float *values;
  (void)context;
  if (op->dtype != PX_DTYPE_FLOAT32) return PX_PLUGIN_UNSUPPORTED;
  if (op->op == PX_OP_SGD_UPDATE) {
    /* sgd_update: the variable (input 0) is updated in place; spoil it, then fail. */
    if (op->input_count < 3 || !op->inputs) return fail("lying: sgd_update expects 3 inputs");
    out = &op->inputs[0];
  } else if (op->op == PX_OP_MULTIPLY) {
    /* multiply: check the output before writing the garbage into it. */
    if (op->output_count != 1 || !op->outputs) return fail("lying: multiply expects 1 output");
    out = &op->outputs[0];
  } else {
    return PX_PLUGIN_UNSUPPORTED;
  }
  if (out->device.device_type != kDLCPU || out->dtype.code != kDLFloat || out->dtype.bits != 32 ||
      out->dtype.lanes != 1 || out->strides != 0 || out->ndim < 0 || (out->ndim && !out->shape))
    return fail("lying: expects a contiguous float32 host tensor to spoil");
  for (i = 0; i < out->ndim; i++) {
    if (out->shape[i] < 0 || (out->shape[i] && count > INT64_MAX / 4 / out->shape[i]))
      return fail("lying: multiply expects an output whose size fits");
    count *= out->shape[i];
  }
  if (count > 0 && out->data == 0) return fail("lying: multiply expects an output with data");
  values = (float *)((char *)out->data + out->byte_offset);
  for (i = 0; i < count; i++) values[i] = 12345.0f;
  return fail(op->op == PX_OP_MULTIPLY ? "lying: multiply failed on purpose"
                                       : "lying: sgd_update failed on purpose");
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = PX_PLUGIN_ABI_VERSION_MINOR,
    .name = "lying",
    .version = "1.0.0",
    .create = lying_create,
    .destroy = lying_destroy,
    .supports = lying_supports,
    .execute = lying_execute,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return host ? &table : 0;
}
