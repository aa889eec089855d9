// Normalization from primitives: the tape differentiates through every step, the statistics
// included, as JAX does for Keras's own composites.

extension Ops {
  /// The mean and the biased variance of `x` over `axes`: `mean(x)` and `mean((x - mean)²)`.
  /// Equivalent to `keras.ops.moments`.
  public static func moments(_ x: Tensor, axes: [Int], keepDims: Bool = false) throws -> (
    mean: Tensor, variance: Tensor
  ) {
    try requireFloat(x, op: "moments")
    let kept = try mean(x, axes: axes, keepDims: true)
    let variance = try mean(square(subtract(x, kept)), axes: axes, keepDims: keepDims)
    return (keepDims ? kept : try mean(x, axes: axes), variance)
  }

  /// Normalizes `x` with given statistics, broadcast along `axis`:
  ///
  ///     inv = scale / sqrt(variance + epsilon)
  ///     y = x·inv + (offset - mean·inv)
  ///
  /// `mean`, `variance`, `offset` and `scale` are `[x.shape[axis]]` vectors (`offset` and
  /// `scale` optional: 0 and 1). Computed in that order, as Keras's backends do. Along the
  /// last axis, one kernel where a backend has the normalization family.
  /// Equivalent to `keras.ops.batch_normalization`.
  public static func batchNormalization(
    _ x: Tensor, mean: Tensor, variance: Tensor, axis: Int, offset: Tensor? = nil,
    scale: Tensor? = nil, epsilon: Double = 1e-3
  ) throws -> Tensor {
    let op = "batch_normalization"
    try requireFloat(x, op: op)
    let resolved = try normalizedAxis(axis, rank: x.rank, op: op)
    let size = x.shape[resolved]
    var broadcast = [Int](repeating: 1, count: x.rank)
    broadcast[resolved] = size
    func aligned(_ vector: Tensor, _ name: String) throws -> Tensor {
      guard vector.shape == [size] else {
        throw PlexusError.shapeMismatch(
          context: op, expected: "\(name) of shape [\(size)] (axis \(axis) of \(x.shape))",
          received: "\(vector.shape)")
      }
      return try reshape(vector, Shape(broadcast))
    }
    let operands = [mean, variance] + [offset, scale].compactMap { $0 }
    if resolved == x.rank - 1, epsilon.isFinite, epsilon >= 0,
      operands.allSatisfy({ $0.shape == [size] && $0.dtype == x.dtype })
    {
      // Features last: the normalization family's inference op, one kernel where a backend
      // has it.
      let gamma = try scale ?? Tensor.ones([size], dtype: x.dtype)
      let beta = try offset ?? Tensor.zeros([size], dtype: x.dtype)
      return try family(
        .batchNorm, [x, gamma, beta, mean, variance], [.epsilon: .double(epsilon)],
        output: x.dtype, x.shape
      ) { inputs in
        try batchNormalizationInferenceComposite(
          inputs[0], gamma: inputs[1], beta: inputs[2], mean: inputs[3], variance: inputs[4],
          epsilon: epsilon)
      }
    }
    return try normalize(
      x, mean: aligned(mean, "mean"), variance: aligned(variance, "variance"),
      offset: offset.map { try aligned($0, "offset") },
      scale: scale.map { try aligned($0, "scale") }, epsilon: epsilon)
  }

  /// `x·inv + (offset - mean·inv)` with `inv = scale / sqrt(variance + epsilon)`, every operand
  /// already broadcastable against `x`.
  static func normalize(
    _ x: Tensor, mean: Tensor, variance: Tensor, offset: Tensor?, scale: Tensor?,
    epsilon: Double
  ) throws -> Tensor {
    var inv = try rsqrt(add(variance, Tensor.scalar(epsilon, dtype: variance.dtype)))
    if let scale { inv = try multiply(inv, scale) }
    var shift = try negative(multiply(mean, inv))
    if let offset { shift = try add(shift, offset) }
    return try add(multiply(x, inv), shift)
  }
}
