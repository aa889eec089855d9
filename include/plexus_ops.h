/*
 * plexus_ops.h: the ids of ops, op attributes and dtypes as plugins receive them.
 *
 * Generated from BackendProtocol's OpCode, AttributeName and DType by
 * `plexus ops --c-header`; do not edit. Ids are only ever appended, never reused.
 */
#ifndef PLEXUS_OPS_H
#define PLEXUS_OPS_H

/* Op ids (OpCode). */
enum px_op_id {
  PX_OP_COPY = 1,
  PX_OP_FILL = 2,
  PX_OP_IOTA = 3,
  PX_OP_CAST = 4,
  PX_OP_NEGATE = 10,
  PX_OP_EXP = 11,
  PX_OP_LOG = 12,
  PX_OP_SQRT = 13,
  PX_OP_RSQRT = 14,
  PX_OP_TANH = 15,
  PX_OP_SIGMOID = 16,
  PX_OP_RELU = 17,
  PX_OP_ABS = 18,
  PX_OP_SIGN = 19,
  PX_OP_SQUARE = 20,
  PX_OP_RECIPROCAL = 21,
  PX_OP_SIN = 22,
  PX_OP_COS = 23,
  PX_OP_FLOOR = 24,
  PX_OP_CEIL = 25,
  PX_OP_ROUND = 26,
  PX_OP_ERF = 27,
  PX_OP_EXPM1 = 28,
  PX_OP_LOG1P = 29,
  PX_OP_LOGICAL_NOT = 30,
  PX_OP_ADD = 50,
  PX_OP_SUBTRACT = 51,
  PX_OP_MULTIPLY = 52,
  PX_OP_DIVIDE = 53,
  PX_OP_POWER = 54,
  PX_OP_MAXIMUM = 55,
  PX_OP_MINIMUM = 56,
  PX_OP_EQUAL = 57,
  PX_OP_NOT_EQUAL = 58,
  PX_OP_LESS = 59,
  PX_OP_LESS_EQUAL = 60,
  PX_OP_GREATER = 61,
  PX_OP_GREATER_EQUAL = 62,
  PX_OP_LOGICAL_AND = 63,
  PX_OP_LOGICAL_OR = 64,
  PX_OP_SELECT = 80,
  PX_OP_SUM = 90,
  PX_OP_MAX = 91,
  PX_OP_MIN = 92,
  PX_OP_PROD = 93,
  PX_OP_ARGMAX = 94,
  PX_OP_ARGMIN = 95,
  PX_OP_TRANSPOSE = 110,
  PX_OP_CONCAT = 111,
  PX_OP_SLICE = 112,
  PX_OP_GATHER = 113,
  PX_OP_SCATTER_ADD = 114,
  PX_OP_PAD = 115,
  PX_OP_ONE_HOT = 116,
  PX_OP_MATMUL = 140,
  PX_OP_RANDOM_UNIFORM = 160,
  PX_OP_RANDOM_NORMAL = 161,
  PX_OP_RANDOM_TRUNCATED_NORMAL = 162,
  PX_OP_SOFTMAX = 200,
  PX_OP_LOG_SOFTMAX = 201,
  PX_OP_SPARSE_SOFTMAX_CROSS_ENTROPY = 202,
  PX_OP_SPARSE_SOFTMAX_CROSS_ENTROPY_GRADIENT = 203,
  PX_OP_SGD_UPDATE = 220,
  PX_OP_ADAM_UPDATE = 221,
  PX_OP_CONV2D = 240,
  PX_OP_CONV2D_BACKWARD_INPUT = 241,
  PX_OP_CONV2D_BACKWARD_FILTER = 242,
  PX_OP_CONV2D_BIAS_ACTIVATION = 243,
  PX_OP_MAX_POOL2D = 250,
  PX_OP_MAX_POOL2D_GRADIENT = 251,
  PX_OP_AVG_POOL2D = 252,
  PX_OP_AVG_POOL2D_GRADIENT = 253,
  PX_OP_DENSE = 270,
  PX_OP_ACTIVATION_GRADIENT = 271,
  PX_OP_BATCH_NORM = 280,
  PX_OP_BATCH_NORM_GRADIENT = 281,
  PX_OP_LAYER_NORM = 282,
  PX_OP_LAYER_NORM_GRADIENT = 283,
  PX_OP_LSTM = 290,
  PX_OP_LSTM_GRADIENT = 291,
  PX_OP_GRU = 292,
  PX_OP_GRU_GRADIENT = 293,
};

/* Attribute ids (AttributeName), with the snake-case names. */
enum px_attribute_id {
  PX_ATTR_AXES = 1, /* "axes" */
  PX_ATTR_PERMUTATION = 2, /* "permutation" */
  PX_ATTR_AXIS = 3, /* "axis" */
  PX_ATTR_STARTS = 4, /* "starts" */
  PX_ATTR_STRIDES = 5, /* "strides" */
  PX_ATTR_PADDING_BEFORE = 6, /* "padding_before" */
  PX_ATTR_PAD_VALUE = 7, /* "pad_value" */
  PX_ATTR_FILL_VALUE = 8, /* "fill_value" */
  PX_ATTR_IOTA_START = 9, /* "iota_start" */
  PX_ATTR_IOTA_STEP = 10, /* "iota_step" */
  PX_ATTR_TARGET_DTYPE = 11, /* "target_dtype" */
  PX_ATTR_TRANSPOSE_A = 12, /* "transpose_a" */
  PX_ATTR_TRANSPOSE_B = 13, /* "transpose_b" */
  PX_ATTR_MOMENTUM = 14, /* "momentum" */
  PX_ATTR_NESTEROV = 15, /* "nesterov" */
  PX_ATTR_BETA_1 = 16, /* "beta_1" */
  PX_ATTR_BETA_2 = 17, /* "beta_2" */
  PX_ATTR_EPSILON = 18, /* "epsilon" */
  PX_ATTR_SEED = 19, /* "seed" */
  PX_ATTR_LOW = 20, /* "low" */
  PX_ATTR_HIGH = 21, /* "high" */
  PX_ATTR_MEAN = 22, /* "mean" */
  PX_ATTR_STDDEV = 23, /* "stddev" */
  PX_ATTR_DEPTH = 24, /* "depth" */
  PX_ATTR_DILATIONS = 25, /* "dilations" */
  PX_ATTR_PADDING = 26, /* "padding" */
  PX_ATTR_GROUPS = 27, /* "groups" */
  PX_ATTR_WINDOW = 28, /* "window" */
  PX_ATTR_ACTIVATION = 29, /* "activation" */
  PX_ATTR_TRAINING = 30, /* "training" */
  PX_ATTR_GO_BACKWARDS = 31, /* "go_backwards" */
};

/* Dtype ids (DType): the PX_DTYPE_* of plexus.h, which defines them as macros first when
 * both headers are included. */
#ifndef PX_DTYPE_FLOAT32
enum px_dtype_id {
  PX_DTYPE_FLOAT32 = 0,
  PX_DTYPE_FLOAT64 = 1,
  PX_DTYPE_INT32 = 2,
  PX_DTYPE_INT64 = 3,
  PX_DTYPE_UINT8 = 4,
  PX_DTYPE_BOOL = 5,
  PX_DTYPE_BFLOAT16 = 6,
};
#endif

#endif /* PLEXUS_OPS_H */
