// The normalization family: batch and layer normalization over the last axis as one kernel
// where a backend has ``NormalizationKernels``, else as the composites below. Either way the
// tape records one node whose rule calls the family's gradient op.

extension Ops {
  /// Batch normalization with the batch's own statistics, features on the last axis:
  ///
  ///     mean, variance = moments(x, every axis but the last)   // the variance biased
  ///     output = scale · (x - mean) / sqrt(variance + epsilon) + offset
  ///
  /// `offset` and `scale` are `[C]` (0 and 1 when nil). Returns the statistics too, `[C]`
  /// each, for a layer's moving averages; the tape differentiates `output` through them (as
  /// through ``moments(_:axes:keepDims:)``), but not the returned statistics themselves,
  /// which are constants to it. One kernel where a backend has the normalization family.
  /// Equivalent to `tf.nn.fused_batch_norm(x, scale, offset, is_training=True)`.
  public static func batchNormalizationTraining(
    _ x: Tensor, offset: Tensor? = nil, scale: Tensor? = nil, epsilon: Double = 1e-3
  ) throws -> (output: Tensor, mean: Tensor, variance: Tensor) {
    let (gamma, beta) = try normalizationParameters(
      x, scale, offset, epsilon, op: "batch_normalization")
    let attributes: OpAttributes = [.epsilon: .double(epsilon), .training: .bool(true)]
    let statistics: Shape = [x.shape[x.rank - 1]]
    let results = try familyOutputs(
      .batchNorm, [x, gamma, beta], attributes,
      outputs: [(x.dtype, x.shape), (x.dtype, statistics), (x.dtype, statistics)]
    ) { inputs in
      try batchNormalizationTrainingComposite(
        inputs[0], gamma: inputs[1], beta: inputs[2], epsilon: epsilon)
    }
    // The rule needs the statistics the forward pass used: the node keeps them as inputs the
    // tape does not track, in the places an inference record has them.
    let output = finish(
      .primitive(.batchNorm, attributes), results[0].buffer,
      inputs: [x, gamma, beta, results[1], results[2]])
    return (output, results[1], results[2])
  }

  /// Layer normalization over the last axis of `x`:
  ///
  ///     mean, variance = moments(x, the last axis)   // per row, the variance biased
  ///     output = gamma · (x - mean) / sqrt(variance + epsilon) + beta
  ///
  /// `gamma` and `beta` are `[D]` (1 and 0 when nil). One kernel where a backend has the
  /// normalization family. Equivalent to `keras.ops.layer_normalization(x, gamma, beta)`.
  public static func layerNormalization(
    _ x: Tensor, gamma: Tensor? = nil, beta: Tensor? = nil, epsilon: Double = 1e-3
  ) throws -> Tensor {
    let (scale, offset) = try normalizationParameters(
      x, gamma, beta, epsilon, op: "layer_normalization")
    let attributes: OpAttributes = [.epsilon: .double(epsilon)]
    let rows = Shape(Array(x.shape.dims.dropLast()))
    let results = try familyOutputs(
      .layerNorm, [x, scale, offset], attributes,
      outputs: [(x.dtype, x.shape), (x.dtype, rows), (x.dtype, rows)]
    ) { inputs in
      try layerNormalizationComposite(
        inputs[0], gamma: inputs[1], beta: inputs[2], epsilon: epsilon)
    }
    return finish(
      .primitive(.layerNorm, attributes), results[0].buffer,
      inputs: [x, scale, offset, results[1], results[2]])
  }

  /// The gradients `[dx, dgamma, dbeta]` of a training batch normalization, from the batch
  /// statistics it used: the `batch_norm_gradient` kernel where a backend has it, else the
  /// composite. While a tape records the inputs (a gradient of a gradient) the composite runs
  /// op by op, so the tape differentiates it.
  static func batchNormalizationGradient(
    _ x: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor, upstream: Tensor,
    epsilon: Double
  ) throws -> [Tensor] {
    try normalizationGradient(.batchNormGradient, [x, gamma, mean, variance, upstream], epsilon) {
      try batchNormalizationGradientComposite(
        $0[0], gamma: $0[1], mean: $0[2], variance: $0[3], upstream: $0[4], epsilon: epsilon)
    }
  }

  /// The gradients `[dx, dgamma, dbeta]` of a layer normalization, from each row's
  /// statistics, as ``batchNormalizationGradient(_:gamma:mean:variance:upstream:epsilon:)``.
  static func layerNormalizationGradient(
    _ x: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor, upstream: Tensor,
    epsilon: Double
  ) throws -> [Tensor] {
    try normalizationGradient(.layerNormGradient, [x, gamma, mean, variance, upstream], epsilon) {
      try layerNormalizationGradientComposite(
        $0[0], gamma: $0[1], mean: $0[2], variance: $0[3], upstream: $0[4], epsilon: epsilon)
    }
  }

  private static func normalizationGradient(
    _ op: OpCode, _ inputs: [Tensor], _ epsilon: Double,
    composite: ([Tensor]) throws -> [Tensor]
  ) throws -> [Tensor] {
    if !GradientTape.active.isEmpty && inputs.contains(where: { $0.tapeID != 0 }) {
      return try composite(inputs)
    }
    let x = inputs[0]
    let parameters: Shape = [x.shape[x.rank - 1]]
    return try familyOutputs(
      op, inputs, [.epsilon: .double(epsilon)],
      outputs: [(x.dtype, x.shape), (x.dtype, parameters), (x.dtype, parameters)],
      composite: composite)
  }

  /// Checks a normalization's operands and returns its scale and offset, ones and zeros
  /// where not given.
  private static func normalizationParameters(
    _ x: Tensor, _ scale: Tensor?, _ offset: Tensor?, _ epsilon: Double, op: String
  ) throws -> (scale: Tensor, offset: Tensor) {
    try requireFloat(x, op: op)
    guard x.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "an input of rank ≥ 1, the features on its last axis",
        received: "\(x.shape)")
    }
    guard epsilon.isFinite, epsilon >= 0 else {
      throw PlexusError.invalidArgument(
        context: op, message: "epsilon must be finite and ≥ 0, received \(epsilon)")
    }
    let features = x.shape[x.rank - 1]
    for (name, parameter) in [("scale", scale), ("offset", offset)] {
      guard let parameter else { continue }
      guard parameter.shape == [features], parameter.dtype == x.dtype else {
        throw PlexusError.shapeMismatch(
          context: op,
          expected: "\(name) of \(x.dtype) [\(features)] (the last axis of \(x.shape))",
          received: "\(parameter.dtype) \(parameter.shape)")
      }
    }
    return (
      try scale ?? Tensor.ones([features], dtype: x.dtype),
      try offset ?? Tensor.zeros([features], dtype: x.dtype)
    )
  }

  // MARK: Composites, the oracle of the normalization kernels

  /// `batch_norm` in training from primitives, the outputs in the record's order: `[y, mean,
  /// variance]`.
  public static func batchNormalizationTrainingComposite(
    _ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Double
  ) throws -> [Tensor] {
    let (mean, variance) = try moments(x, axes: Array(0..<(x.rank - 1)))
    let y = try normalize(
      x, mean: mean, variance: variance, offset: beta, scale: gamma, epsilon: epsilon)
    return [y, mean, variance]
  }

  /// `batch_norm` in inference from primitives: the given statistics broadcast along the last
  /// axis.
  public static func batchNormalizationInferenceComposite(
    _ x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Double
  ) throws -> Tensor {
    try normalize(x, mean: mean, variance: variance, offset: beta, scale: gamma, epsilon: epsilon)
  }

  /// `layer_norm` from primitives: `[y, mean, variance]`, the statistics one per row.
  public static func layerNormalizationComposite(
    _ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Double
  ) throws -> [Tensor] {
    let (mean, variance) = try moments(x, axes: [x.rank - 1], keepDims: true)
    let y = try normalize(
      x, mean: mean, variance: variance, offset: beta, scale: gamma, epsilon: epsilon)
    let rows = Shape(Array(x.shape.dims.dropLast()))
    return [y, try reshape(mean, rows), try reshape(variance, rows)]
  }

  /// `batch_norm_gradient` from primitives, `[dx, dgamma, dbeta]`: with `x̂ = (x - mean)·r`,
  /// `r = 1/sqrt(variance + epsilon)` and means over every axis but the last,
  /// `dx = gamma·r·(dy - mean(dy) - x̂·mean(dy·x̂))`, `dgamma = Σ dy·x̂`, `dbeta = Σ dy`.
  public static func batchNormalizationGradientComposite(
    _ x: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor, upstream: Tensor,
    epsilon: Double
  ) throws -> [Tensor] {
    let axes = Array(0..<(x.rank - 1))
    let r = try rsqrt(add(variance, Tensor.scalar(epsilon, dtype: x.dtype)))
    let normalized = try multiply(subtract(x, mean), r)
    let product = try multiply(upstream, normalized)
    let centered = try subtract(
      subtract(upstream, Ops.mean(upstream, axes: axes)),
      multiply(normalized, Ops.mean(product, axes: axes)))
    return [
      try multiply(centered, multiply(gamma, r)), try sum(product, axes: axes),
      try sum(upstream, axes: axes),
    ]
  }

  /// `layer_norm_gradient` from primitives, `[dx, dgamma, dbeta]`: with `x̂` and `r` per row
  /// and `g = dy·gamma`, `dx = r·(g - mean(g) - x̂·mean(g·x̂))` (means along the row),
  /// `dgamma = Σ dy·x̂` and `dbeta = Σ dy` over the rows.
  public static func layerNormalizationGradientComposite(
    _ x: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor, upstream: Tensor,
    epsilon: Double
  ) throws -> [Tensor] {
    let last = x.rank - 1
    let kept = Shape(Array(x.shape.dims.dropLast()) + [1])
    let r = try rsqrt(add(reshape(variance, kept), Tensor.scalar(epsilon, dtype: x.dtype)))
    let normalized = try multiply(subtract(x, reshape(mean, kept)), r)
    let scaled = try multiply(upstream, gamma)
    let centered = try subtract(
      subtract(scaled, Ops.mean(scaled, axes: [last], keepDims: true)),
      multiply(normalized, Ops.mean(multiply(scaled, normalized), axes: [last], keepDims: true)))
    let rows = Array(0..<last)
    return [
      try multiply(centered, r), try sum(multiply(upstream, normalized), axes: rows),
      try sum(upstream, axes: rows),
    ]
  }
}
