/// The name of one attribute of an op record: what a kernel needs beyond its inputs (axes,
/// permutation, strides, fill value, transpose flags, hyper-parameters).
///
/// Raw values are the attribute ids of the C plugin ABI, written down here once: they are only
/// ever appended, never reused or renumbered. ``description`` is the snake-case name the plugin
/// ABI, the profiler and error messages use.
public enum AttributeName: UInt32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// `[Int]`: reduction axes, sorted, unique, non-empty (`sum`, `max`, `min`, `prod`, `argmax`,
  /// `argmin`).
  case axes = 1
  /// `[Int]`: `out.shape[i] = x.shape[permutation[i]]` (`transpose`).
  case permutation = 2
  /// `Int`: the one axis an op works along, non-negative (`concat`, `gather`, `scatter_add`,
  /// `softmax`, `log_softmax`).
  case axis = 3
  /// `[Int]`: the first element of the box on each axis (`slice`).
  case starts = 4
  /// `[Int]`: the step between windows on each spatial axis, `[height, width]` (`conv2d`,
  /// pooling).
  case strides = 5
  /// `[Int]`: elements added ahead of each axis; the rest of `out.shape` comes after (`pad`).
  case paddingBefore = 6
  /// `Double`: the value written into the padding (`pad`).
  case padValue = 7
  /// `Double`: the value every element gets (`fill`).
  case fillValue = 8
  /// `Double`: the first value (`iota`).
  case iotaStart = 9
  /// `Double`: the difference between neighbours (`iota`).
  case iotaStep = 10
  /// `DType`: the dtype converted to (`cast`; equals the output's dtype).
  case targetDType = 11
  /// `Bool`: use the first operand's last two axes swapped (`matmul`).
  case transposeA = 12
  /// `Bool`: use the second operand's last two axes swapped (`matmul`).
  case transposeB = 13
  /// `Double`: the momentum factor (`sgd_update`).
  case momentum = 14
  /// `Bool`: Nesterov momentum (`sgd_update`).
  case nesterov = 15
  /// `Double`: the first-moment decay (`adam_update`).
  case beta1 = 16
  /// `Double`: the second-moment decay (`adam_update`).
  case beta2 = 17
  /// `Double`: added to `sqrt(v)` (`adam_update`); added to the variance before its square
  /// root, finite and ≥ 0 (`batch_norm`, `layer_norm` and their gradients).
  case epsilon = 18
  /// `Int`: the 64-bit Philox key, the run's seed (`random_*`).
  case seed = 19
  /// `Double`: the lower bound of a uniform draw.
  case low = 20
  /// `Double`: the upper bound (exclusive) of a uniform draw.
  case high = 21
  /// `Double`: the mean of a normal draw.
  case mean = 22
  /// `Double`: the standard deviation of a normal draw.
  case standardDeviation = 23
  /// `Int`: the number of classes (`one_hot`).
  case depth = 24
  /// `[Int]`: the spacing between a filter's taps, `[height, width]` (`conv2d`).
  case dilations = 25
  /// `[Int]`: implicit zeros (or, for max pooling, never-chosen cells) around the spatial axes,
  /// `[top, bottom, left, right]` (`conv2d`, pooling).
  case padding = 26
  /// `Int`: the channel groups, each convolved with its own filters (`conv2d`; the channel
  /// count for a depthwise convolution).
  case groups = 27
  /// `[Int]`: the pooling window, `[height, width]` (pooling).
  case window = 28
  /// `Int`: the ``FusedActivation`` applied to the result (`dense`, `conv2d_bias_activation`),
  /// or whose gradient is taken (`activation_gradient`).
  case activation = 29
  /// `Bool`: normalize with the batch's own statistics and output them (`batch_norm`; false
  /// when absent: the mean and variance are inputs); for `max_pool2d`, a hint that its
  /// gradient will follow (a backend may keep what the gradient needs, and may ignore it).
  case training = 30
  /// `Bool`: run the steps from the last to the first, the sequence returned in that order
  /// (`lstm`, `gru` and their gradients; false when absent), as Keras's `go_backwards`.
  case goBackwards = 31

  public var description: String {
    switch self {
    case .axes: "axes"
    case .permutation: "permutation"
    case .axis: "axis"
    case .starts: "starts"
    case .strides: "strides"
    case .paddingBefore: "padding_before"
    case .padValue: "pad_value"
    case .fillValue: "fill_value"
    case .iotaStart: "iota_start"
    case .iotaStep: "iota_step"
    case .targetDType: "target_dtype"
    case .transposeA: "transpose_a"
    case .transposeB: "transpose_b"
    case .momentum: "momentum"
    case .nesterov: "nesterov"
    case .beta1: "beta_1"
    case .beta2: "beta_2"
    case .epsilon: "epsilon"
    case .seed: "seed"
    case .low: "low"
    case .high: "high"
    case .mean: "mean"
    case .standardDeviation: "stddev"
    case .depth: "depth"
    case .dilations: "dilations"
    case .padding: "padding"
    case .groups: "groups"
    case .window: "window"
    case .activation: "activation"
    case .training: "training"
    case .goBackwards: "go_backwards"
    }
  }
}
