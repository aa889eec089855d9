/// Every operation a backend can be asked to run.
///
/// Raw values are the op ids of the C plugin ABI: they are only ever appended, never reused or
/// renumbered. Ranges group the families: 1–9 memory, 10–49 unary, 50–79 binary, 80–89
/// selection, 90–109 reductions, 110–139 layout and indexing, 140–159 linear algebra,
/// 160–179 random draws, 200 and up the optional fused kernel families.
///
/// What an ``OpRecord`` of each op carries (inputs → outputs; attributes by ``AttributeName``):
///
/// | op | inputs | attributes | outputs |
/// | --- | --- | --- | --- |
/// | `copy` | x | — | same dtype and shape |
/// | `fill` | — | `fill_value` | any dtype |
/// | `iota` | — | `iota_start`, `iota_step` | rank 1 |
/// | `cast` | x | `target_dtype` | x's shape in the target dtype |
/// | unary | x | — | x's shape (`bool` for `logical_not`) |
/// | binary | a, b (same dtype) | — | broadcast shape (`bool` for comparisons) |
/// | `select` | condition (`bool`), a, b | — | broadcast shape |
/// | reductions | x | `axes` | axes removed (`int32` for `argmax`, `argmin`) |
/// | `transpose` | x | `permutation` | permuted shape |
/// | `concat` | x₀, x₁, … | `axis` | joined shape |
/// | `slice` | x | `starts` | the box's shape |
/// | `gather` | x, indices (`int32`/`int64`) | `axis` | see ``Backend/gather(_:_:axis:_:)`` |
/// | `scatter_add` | base, indices, updates | `axis` | base's shape: base plus updates |
/// | `pad` | x | `padding_before`, `pad_value` | padded shape |
/// | `one_hot` | indices (`int32`/`int64`) | `depth` | indices' shape + [depth]; throws on an index outside `0..<depth` |
/// | `matmul` | a, b | `transpose_a`, `transpose_b` | `[..., M, N]` |
/// | `random_*` | offset (`int64` scalar: the first Philox block) | `seed`, `low`/`high` or `mean`/`stddev` | `float32`/`float64` |
/// | `softmax`, `log_softmax` | x | `axis` (the last) | x's shape |
/// | `sparse_softmax_cross_entropy` | logits `[..., C]`, labels (`int32`/`int64`) `[...]` | — | `[...]`: `logsumexp(logits) - logits[label]`; throws on a label outside `0..<C` |
/// | `sparse_softmax_cross_entropy_gradient` | logits, labels, upstream `[...]` | — | `[..., C]`: `(softmax(logits) - onehot(label)) · upstream` |
/// | `sgd_update` | variable, gradient, learning rate (`float64` scalar), [velocity] | `momentum`, `nesterov` | none: variable and velocity in place |
/// | `adam_update` | one or more groups of (variable, gradient, m, v), then learning rate (`float64` scalar) and step (`int64` scalar) | `beta_1`, `beta_2`, `epsilon` | none: every variable, m, v in place |
/// | `conv2d` | x `[N, H, W, C]`, filter `[KH, KW, C/groups, O]` | `strides`, `dilations`, `padding` (top, bottom, left, right), `groups` | `[N, OH, OW, O]` (see ``Convolution2D``) |
/// | `conv2d_backward_input` | upstream `[N, OH, OW, O]`, filter | as `conv2d` | the input's gradient `[N, H, W, C]` (the output's shape says H, W, C) |
/// | `conv2d_backward_filter` | x, upstream | as `conv2d` | the filter's gradient `[KH, KW, C/groups, O]` |
/// | `conv2d_bias_activation` | x, filter, bias `[O]` | as `conv2d`, and `activation` | `activation(conv2d(x, filter) + bias)` |
/// | `max_pool2d` | x `[N, H, W, C]` | `window`, `strides`, `padding`, [`training`: its gradient will follow, so a backend may keep what that needs] | `[N, OH, OW, C]`: the window's maximum, padding never chosen (see ``Pooling2D``) |
/// | `max_pool2d_gradient` | x, upstream `[N, OH, OW, C]` | as `max_pool2d` | x's shape: each upstream value added at its window's first maximum |
/// | `avg_pool2d` | x | as `max_pool2d` | the mean over the window's cells inside the input (padding not counted) |
/// | `avg_pool2d_gradient` | upstream | as `max_pool2d` | the input's gradient (the output's shape says H, W) |
/// | `dense` | x `[..., K]`, kernel `[K, N]`, [bias `[N]`] | `activation` (see ``FusedActivation``) | `[..., N]`: `activation(x · kernel + bias)` |
/// | `activation_gradient` | y (an activation's output), upstream (y's shape) | `activation` | y's shape: the gradient before the activation (see ``FusedActivation/gradient(output:upstream:into:count:threads:)``) |
/// | `batch_norm` | x `[..., C]`, gamma `[C]`, beta `[C]`; in inference also mean `[C]`, variance `[C]` | `epsilon`, `training` | y (x's shape): `gamma · (x - mean) / sqrt(variance + epsilon) + beta`; in training the statistics are the batch's over every axis but the last, and two more outputs hold them: mean `[C]`, biased variance `[C]` (see ``NormalizationKernels``) |
/// | `batch_norm_gradient` | x, gamma, the batch's mean and variance, upstream (x's shape) | `epsilon` | dx (x's shape), dgamma `[C]`, dbeta `[C]`: the gradient of `batch_norm` in training |
/// | `layer_norm` | x `[..., D]`, gamma `[D]`, beta `[D]` | `epsilon` | y (x's shape), normalized over the last axis; mean `[...]`, biased variance `[...]` of each row |
/// | `layer_norm_gradient` | x, gamma, mean `[...]`, variance `[...]`, upstream (x's shape) | `epsilon` | dx (x's shape), dgamma `[D]`, dbeta `[D]` |
/// | `lstm` | x `[N, T, F]`, kernel `[F, 4U]`, recurrent kernel `[U, 4U]`, bias `[4U]`, h₀ `[N, U]`, c₀ `[N, U]` | `go_backwards` | `[N, T + 1, U]`: the output after each step in the order run, then the last cell state (see ``RecurrentKernels``) |
/// | `lstm_gradient` | as `lstm`, then upstream `[N, T + 1, U]` | `go_backwards` | dx, dkernel, drecurrent kernel, dbias, dh₀, dc₀ |
/// | `gru` | x `[N, T, F]`, kernel `[F, 3U]`, recurrent kernel `[U, 3U]`, bias `[2, 3U]`, h₀ `[N, U]` | `go_backwards` | `[N, T, U]`: the output after each step in the order run (Keras's GRU with `reset_after`) |
/// | `gru_gradient` | as `gru`, then upstream `[N, T, U]` | `go_backwards` | dx, dkernel, drecurrent kernel, dbias, dh₀ |
public enum OpCode: UInt32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  // Memory
  case copy = 1
  case fill = 2
  case iota = 3
  case cast = 4

  // Unary, elementwise
  case negate = 10
  case exp = 11
  case log = 12
  case sqrt = 13
  case rsqrt = 14
  case tanh = 15
  case sigmoid = 16
  case relu = 17
  case abs = 18
  case sign = 19
  case square = 20
  case reciprocal = 21
  case sin = 22
  case cos = 23
  case floor = 24
  case ceil = 25
  case round = 26
  case erf = 27
  case expm1 = 28
  case log1p = 29
  case logicalNot = 30

  // Binary, elementwise with NumPy broadcasting
  case add = 50
  case subtract = 51
  case multiply = 52
  case divide = 53
  case power = 54
  case maximum = 55
  case minimum = 56
  case equal = 57
  case notEqual = 58
  case less = 59
  case lessEqual = 60
  case greater = 61
  case greaterEqual = 62
  case logicalAnd = 63
  case logicalOr = 64

  // Selection
  case select = 80

  // Reductions over axes
  case sum = 90
  case max = 91
  case min = 92
  case prod = 93
  case argmax = 94
  case argmin = 95

  // Layout and indexing
  case transpose = 110
  case concat = 111
  case slice = 112
  case gather = 113
  case scatterAdd = 114
  case pad = 115
  case oneHot = 116

  // Linear algebra
  case matmul = 140

  // Random draws from the Philox stream: element i is word i of the stream at the offset
  case randomUniform = 160
  case randomNormal = 161
  case randomTruncatedNormal = 162

  // Optional fused families
  case softmax = 200
  case logSoftmax = 201
  case sparseSoftmaxCrossEntropy = 202
  case sparseSoftmaxCrossEntropyGradient = 203
  case sgdUpdate = 220
  case adamUpdate = 221
  case conv2d = 240
  case conv2dBackwardInput = 241
  case conv2dBackwardFilter = 242
  case conv2dBiasActivation = 243
  case maxPool2d = 250
  case maxPool2dGradient = 251
  case avgPool2d = 252
  case avgPool2dGradient = 253
  case dense = 270
  case activationGradient = 271
  case batchNorm = 280
  case batchNormGradient = 281
  case layerNorm = 282
  case layerNormGradient = 283
  case lstm = 290
  case lstmGradient = 291
  case gru = 292
  case gruGradient = 293

  /// The family an op belongs to, which decides the `Backend` method that runs it.
  public var family: OpFamily {
    switch rawValue {
    case 1...9: .memory
    case 10...49: .unary
    case 50...79: .binary
    case 80...89: .selection
    case 90...109: .reduction
    case 110...139: .layout
    case 140...159: .linearAlgebra
    case 160...179: .random
    default: .fused
    }
  }

  /// True for comparisons and logical ops, whose result is `bool`.
  public var producesBool: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .logicalAnd, .logicalOr,
      .logicalNot:
      true
    default: false
    }
  }

  /// The op code with this snake-case name (`"matmul"`), or nil.
  public init?(name: String) {
    guard let match = OpCode.allCases.first(where: { $0.description == name }) else { return nil }
    self = match
  }

  /// The snake-case name used in messages, counters and the C ABI (`"matmul"`, `"scatter_add"`).
  public var description: String {
    switch self {
    case .copy: "copy"
    case .fill: "fill"
    case .iota: "iota"
    case .cast: "cast"
    case .negate: "negate"
    case .exp: "exp"
    case .log: "log"
    case .sqrt: "sqrt"
    case .rsqrt: "rsqrt"
    case .tanh: "tanh"
    case .sigmoid: "sigmoid"
    case .relu: "relu"
    case .abs: "abs"
    case .sign: "sign"
    case .square: "square"
    case .reciprocal: "reciprocal"
    case .sin: "sin"
    case .cos: "cos"
    case .floor: "floor"
    case .ceil: "ceil"
    case .round: "round"
    case .erf: "erf"
    case .expm1: "expm1"
    case .log1p: "log1p"
    case .logicalNot: "logical_not"
    case .add: "add"
    case .subtract: "subtract"
    case .multiply: "multiply"
    case .divide: "divide"
    case .power: "power"
    case .maximum: "maximum"
    case .minimum: "minimum"
    case .equal: "equal"
    case .notEqual: "not_equal"
    case .less: "less"
    case .lessEqual: "less_equal"
    case .greater: "greater"
    case .greaterEqual: "greater_equal"
    case .logicalAnd: "logical_and"
    case .logicalOr: "logical_or"
    case .select: "select"
    case .sum: "sum"
    case .max: "max"
    case .min: "min"
    case .prod: "prod"
    case .argmax: "argmax"
    case .argmin: "argmin"
    case .transpose: "transpose"
    case .concat: "concat"
    case .slice: "slice"
    case .gather: "gather"
    case .scatterAdd: "scatter_add"
    case .pad: "pad"
    case .oneHot: "one_hot"
    case .matmul: "matmul"
    case .randomUniform: "random_uniform"
    case .randomNormal: "random_normal"
    case .randomTruncatedNormal: "random_truncated_normal"
    case .softmax: "softmax"
    case .logSoftmax: "log_softmax"
    case .sparseSoftmaxCrossEntropy: "sparse_softmax_cross_entropy"
    case .sparseSoftmaxCrossEntropyGradient: "sparse_softmax_cross_entropy_gradient"
    case .sgdUpdate: "sgd_update"
    case .adamUpdate: "adam_update"
    case .conv2d: "conv2d"
    case .conv2dBackwardInput: "conv2d_backward_input"
    case .conv2dBackwardFilter: "conv2d_backward_filter"
    case .conv2dBiasActivation: "conv2d_bias_activation"
    case .maxPool2d: "max_pool2d"
    case .maxPool2dGradient: "max_pool2d_gradient"
    case .avgPool2d: "avg_pool2d"
    case .avgPool2dGradient: "avg_pool2d_gradient"
    case .dense: "dense"
    case .activationGradient: "activation_gradient"
    case .batchNorm: "batch_norm"
    case .batchNormGradient: "batch_norm_gradient"
    case .layerNorm: "layer_norm"
    case .layerNormGradient: "layer_norm_gradient"
    case .lstm: "lstm"
    case .lstmGradient: "lstm_gradient"
    case .gru: "gru"
    case .gruGradient: "gru_gradient"
    }
  }
}

/// The op families, one `Backend` entry point each.
public enum OpFamily: Sendable, Hashable {
  case memory, unary, binary, selection, reduction, layout, linearAlgebra, random, fused
}
