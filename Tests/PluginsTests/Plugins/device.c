/*
 * device.c: a test plugin on a device of its own (kDLExtDev) whose memory is the host's, got
 * through host->allocate. The host must copy every input to the device before execute and
 * every output, and every input an in-place op updates, back after it. It claims negate and
 * sgd_update (plain SGD: momentum 0) on float32, and checks that every tensor it is handed is
 * on its device: tagged kDLExtDev and in a block it allocated. Its copies are counted and logged
 * at debug level. With the option fail_copy_back=1 every copy back to the host fails.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <plexus_plugin.h>

static const px_plugin_host *host;
static long copies_to_device, copies_to_host;
/* 1 when the option fail_copy_back is "1": every copy back to the host fails. */
static int fail_copy_back;

/* Reports `message` and returns PX_PLUGIN_ERROR. */
static int32_t fail(const char *message) {
  host->set_error(host->host_data, message);
  return PX_PLUGIN_ERROR;
}

/* Checks a contiguous device tensor of `bits`-bit floats with a sane shape; its element count
 * into *count. Fails when it is not on this plugin's device. */
static int32_t check_tensor(const DLTensor *t, unsigned bits, int64_t *count) {
  int32_t i;
  *count = 1;
  if (t->device.device_type != kDLExtDev)
    return fail("device: expected every tensor on the device (kDLExtDev)");
  if (t->dtype.code != kDLFloat || t->dtype.bits != bits || t->dtype.lanes != 1 || t->strides ||
      t->ndim < 0 || (t->ndim && !t->shape))
    return fail("device: expected contiguous float tensors of the record's dtype");
  for (i = 0; i < t->ndim; i++) {
    if (t->shape[i] < 0 || (t->shape[i] && *count > INT64_MAX / 8 / t->shape[i]))
      return fail("device: expected a tensor whose size fits");
    *count *= t->shape[i];
  }
  if (*count > 0 && !t->data) return fail("device: expected a tensor with data");
  return PX_PLUGIN_OK;
}

/* Whether two tensors have the same shape. */
static int same_shape(const DLTensor *a, const DLTensor *b) {
  int32_t i;
  if (a->ndim != b->ndim) return 0;
  for (i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i]) return 0;
  return 1;
}

static float *floats(const DLTensor *t) { return (float *)((char *)t->data + t->byte_offset); }

static int32_t negate(const px_plugin_op *op) {
  int64_t count, out_count, i;
  const float *x;
  float *out;
  if (op->input_count != 1 || op->output_count != 1)
    return fail("device: negate expects 1 input and 1 output");
  if (check_tensor(&op->inputs[0], 32, &count) || check_tensor(&op->outputs[0], 32, &out_count))
    return PX_PLUGIN_ERROR;
  if (!same_shape(&op->inputs[0], &op->outputs[0]))
    return fail("device: negate expects an output of its input's shape");
  x = floats(&op->inputs[0]);
  out = floats(&op->outputs[0]);
  for (i = 0; i < count; i++) out[i] = -x[i];
  return PX_PLUGIN_OK;
}

/* sgd_update: variable, gradient, learning rate (float64 scalar), [velocity]; updated in place.
 * Only momentum 0 is run here: variable -= lr * gradient (and velocity = -lr * gradient). */
static int32_t sgd_update(const px_plugin_op *op) {
  const DLTensor *in = op->inputs;
  double momentum = 0;
  int64_t count, other, i;
  size_t a;
  float lr, *w, *g, *v;
  if (op->input_count != 3 && op->input_count != 4)
    return fail("device: sgd_update expects variable, gradient, learning rate and [velocity]");
  for (a = 0; a < op->attribute_count; a++) {
    const px_plugin_attribute *attribute = px_plugin_attribute_at(op, a);
    if (attribute->name != PX_ATTR_MOMENTUM) continue;
    if (attribute->type == PX_PLUGIN_VALUE_DOUBLE) momentum = attribute->double_value;
    else if (attribute->type == PX_PLUGIN_VALUE_INT) momentum = (double)attribute->int_value;
    else return fail("device: sgd_update expects momentum as a number");
  }
  if (momentum != 0) return PX_PLUGIN_UNSUPPORTED; /* the reference backend runs momentum */
  if (check_tensor(&in[0], 32, &count) || check_tensor(&in[1], 32, &other)) return PX_PLUGIN_ERROR;
  if (!same_shape(&in[0], &in[1]))
    return fail("device: sgd_update expects a gradient of its variable's shape");
  if (in[2].device.device_type != kDLExtDev)
    return fail("device: expected every tensor on the device (kDLExtDev)");
  if (in[2].dtype.code != kDLFloat || in[2].dtype.bits != 64 || in[2].dtype.lanes != 1)
    return PX_PLUGIN_UNSUPPORTED; /* another scalar type: the reference backend reads it */
  if (check_tensor(&in[2], 64, &other)) return PX_PLUGIN_ERROR;
  if (other != 1) return fail("device: sgd_update expects a scalar learning rate");
  if (op->input_count == 4) {
    if (check_tensor(&in[3], 32, &other)) return PX_PLUGIN_ERROR;
    if (!same_shape(&in[0], &in[3]))
      return fail("device: sgd_update expects a velocity of its variable's shape");
  }
  lr = (float)*(const double *)((const char *)in[2].data + in[2].byte_offset);
  w = floats(&in[0]);
  g = floats(&in[1]);
  v = op->input_count == 4 ? floats(&in[3]) : NULL;
  for (i = 0; i < count; i++) {
    if (v) { /* as the reference does with momentum 0: step = 0 * v - lr * g */
      v[i] = 0.0f * v[i] - lr * g[i];
      w[i] += v[i];
    } else {
      w[i] -= lr * g[i];
    }
  }
  return PX_PLUGIN_OK;
}

static int32_t device_create(void **out_context) {
  static int context;
  const char *option = host->option(host->host_data, "fail_copy_back");
  fail_copy_back = option != NULL && strcmp(option, "1") == 0;
  *out_context = &context;
  return PX_PLUGIN_OK;
}

static void device_destroy(void *context) { (void)context; }

static int32_t device_supports(void *context, uint32_t op, int32_t dtype) {
  (void)context;
  return (op == PX_OP_NEGATE || op == PX_OP_SGD_UPDATE) && dtype == PX_DTYPE_FLOAT32;
}

/* The "device" memory: blocks of the host's allocator that this plugin handed out, so that a
 * host pointer passed where device memory belongs is caught. */
#define LIVE_CAPACITY 256
static void *live[LIVE_CAPACITY];
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static int is_device_memory(const void *pointer) {
  int i, found = 0;
  pthread_mutex_lock(&live_lock);
  for (i = 0; i < LIVE_CAPACITY && !found; i++) found = pointer != NULL && live[i] == pointer;
  pthread_mutex_unlock(&live_lock);
  return found;
}

static int32_t device_execute(void *context, const px_plugin_op *op) {
  size_t i;
  (void)context;
  if (op->dtype != PX_DTYPE_FLOAT32) return PX_PLUGIN_UNSUPPORTED;
  if ((op->input_count && !op->inputs) || (op->output_count && !op->outputs) ||
      (op->attribute_count && !op->attributes))
    return fail("device: expected the record's arrays");
  for (i = 0; i < op->input_count + op->output_count; i++) {
    const DLTensor *t = i < op->input_count ? &op->inputs[i] : &op->outputs[i - op->input_count];
    if (!is_device_memory(t->data))
      return fail("device: expected device memory (from memory_allocate) in every tensor");
  }
  if (op->op == PX_OP_NEGATE) return negate(op);
  if (op->op == PX_OP_SGD_UPDATE) return sgd_update(op);
  return PX_PLUGIN_UNSUPPORTED;
}

static int32_t device_memory_allocate(void *context, size_t size, void **out_pointer) {
  int i;
  void *block = host->allocate(host->host_data, size ? size : 1, 64);
  (void)context;
  if (!block) return fail("device: out of device memory");
  pthread_mutex_lock(&live_lock);
  for (i = 0; i < LIVE_CAPACITY && live[i] != NULL; i++) continue;
  if (i < LIVE_CAPACITY) live[i] = block;
  pthread_mutex_unlock(&live_lock);
  if (i == LIVE_CAPACITY) {
    host->deallocate(host->host_data, block);
    return fail("device: every device block is in use");
  }
  *out_pointer = block;
  return PX_PLUGIN_OK;
}

static void device_memory_free(void *context, void *pointer) {
  int i;
  (void)context;
  pthread_mutex_lock(&live_lock);
  for (i = 0; i < LIVE_CAPACITY; i++)
    if (pointer != NULL && live[i] == pointer) live[i] = NULL;
  pthread_mutex_unlock(&live_lock);
  host->deallocate(host->host_data, pointer);
}

static int32_t device_memory_copy(
    void *context, void *destination, const void *source, size_t size, int32_t direction) {
  char line[96];
  long to_device, to_host;
  (void)context;
  if (direction != PX_PLUGIN_COPY_HOST_TO_DEVICE && direction != PX_PLUGIN_COPY_DEVICE_TO_HOST)
    return fail("device: memory_copy expects a direction of PX_PLUGIN_COPY_*");
  if (size > 0 && (!destination || !source)) return fail("device: memory_copy expects memory");
  if (!is_device_memory(direction == PX_PLUGIN_COPY_HOST_TO_DEVICE ? destination : source))
    return fail("device: memory_copy expects device memory on the device side");
  if (direction == PX_PLUGIN_COPY_DEVICE_TO_HOST && fail_copy_back)
    return fail("device: the copy back failed on purpose");
  if (size > 0) memcpy(destination, source, size);
#if defined(__GNUC__) || defined(__clang__)
  to_device = __atomic_add_fetch(&copies_to_device, direction == PX_PLUGIN_COPY_HOST_TO_DEVICE,
                                 __ATOMIC_RELAXED);
  to_host = __atomic_add_fetch(&copies_to_host, direction == PX_PLUGIN_COPY_DEVICE_TO_HOST,
                               __ATOMIC_RELAXED);
#else
  to_device = copies_to_device += direction == PX_PLUGIN_COPY_HOST_TO_DEVICE;
  to_host = copies_to_host += direction == PX_PLUGIN_COPY_DEVICE_TO_HOST;
#endif
  snprintf(line, sizeof line, "copies: %ld to the device, %ld to the host", to_device, to_host);
  host->log(host->host_data, PX_PLUGIN_LOG_DEBUG, line);
  return PX_PLUGIN_OK;
}

static const px_plugin_table table = {
    .struct_size = sizeof(px_plugin_table),
    .abi_major = PX_PLUGIN_ABI_VERSION_MAJOR,
    .abi_minor = PX_PLUGIN_ABI_VERSION_MINOR,
    .name = "device",
    .version = "1.0.0",
    .create = device_create,
    .destroy = device_destroy,
    .supports = device_supports,
    .execute = device_execute,
    .device_type = kDLExtDev,
    .memory_allocate = device_memory_allocate,
    .memory_free = device_memory_free,
    .memory_copy = device_memory_copy,
};

PX_PLUGIN_EXPORT const px_plugin_table *px_plugin_entry(
    uint32_t host_abi_version, const px_plugin_host *services) {
  (void)host_abi_version;
  host = services;
  return host ? &table : 0;
}
