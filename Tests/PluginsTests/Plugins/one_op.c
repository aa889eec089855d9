/*
 * one_op.c: a test plugin that claims one op, negate on float32, and runs it on the host's
 * memory. Everything else falls back to the reference backend; the host's dispatch counters say
 * where each op ran. It counts its runs itself too, in a log line at debug level.
 */
#include <stdio.h>

#include <plexus_plugin.h>

static const px_plugin_host *host;
static long runs;

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

/* Reads the option "greeting" (load-time options, else PLEXUS_PLUGIN_<NAME>_GREETING) and logs
 * it at info level, so a test can see options reach the plugin. */
static int32_t one_op_create(void **out_context) {
  static int context;
  const char *greeting = host->option(host->host_data, "greeting");
  char line[160];
  if (greeting) {
    snprintf(line, sizeof line, "greeting: %.120s", greeting);
    host->log(host->host_data, PX_PLUGIN_LOG_INFO, line);
  }
  *out_context = &context;
  return PX_PLUGIN_OK;
}

static void one_op_destroy(void *context) { (void)context; }

static int32_t one_op_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context;
  return op == PX_OP_NEGATE && dtype == PX_DTYPE_FLOAT32;
}

static int32_t one_op_execute(void *context, const px_plugin_op *op) {
  const float *x;
  float *out;
  int64_t count, out_count, i;
  char line[64];
  (void)context;
  if (op->op != PX_OP_NEGATE || op->dtype != PX_DTYPE_FLOAT32) return PX_PLUGIN_UNSUPPORTED;
  if (op->input_count != 1 || op->output_count != 1 || !op->inputs || !op->outputs)
    return fail("one_op: negate expects 1 input and 1 output");
  if (!check_tensor(&op->inputs[0], &count) || !check_tensor(&op->outputs[0], &out_count))
    return fail("one_op: negate expects contiguous float32 host tensors with data");
  if (op->inputs[0].ndim != op->outputs[0].ndim || count != out_count)
    return fail("one_op: negate expects an output of its input's shape");
  for (i = 0; i < op->inputs[0].ndim; i++)
    if (op->inputs[0].shape[i] != op->outputs[0].shape[i])
      return fail("one_op: negate expects an output of its input's shape");
  x = (const float *)((const char *)op->inputs[0].data + op->inputs[0].byte_offset);
  out = (float *)((char *)op->outputs[0].data + op->outputs[0].byte_offset);
  for (i = 0; i < count; i++) out[i] = -x[i];
#if defined(__GNUC__) || defined(__clang__)
  snprintf(line, sizeof line, "negate run %ld", __atomic_add_fetch(&runs, 1, __ATOMIC_RELAXED));
#else
  snprintf(line, sizeof line, "negate run %ld", ++runs);
#endif
  host->log(host->host_data, PX_PLUGIN_LOG_DEBUG, line);
  return PX_PLUGIN_OK;
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = PX_PLUGIN_ABI_VERSION_MINOR,
    .name = "one_op",
    .version = "1.0.0",
    .create = one_op_create,
    .destroy = one_op_destroy,
    .supports = one_op_supports,
    .execute = one_op_execute,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return host ? &table : NULL;
}
