import BackendProtocol

/// Batch and layer normalization through oneDNN's primitives, forward (training and
/// inference) and backward, each created once per size and epsilon (``NormalizationPlan``).
extension OneDNNBackend: NormalizationKernels {
  public func batchNormTraining(
    _ x: TensorBuffer, gamma: TensorBuffer, beta: TensorBuffer, epsilon: Double,
    _ y: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer
  ) throws {
    try normalize(
      .batchNorm, training: true, x, epsilon, data: [x, y], parameters: [gamma, beta],
      statistics: [mean, variance], operands: [x, gamma, beta, y, mean, variance])
  }

  public func batchNormInference(
    _ x: TensorBuffer, gamma: TensorBuffer, beta: TensorBuffer, mean: TensorBuffer,
    variance: TensorBuffer, epsilon: Double, _ y: TensorBuffer
  ) throws {
    try normalize(
      .batchNorm, training: false, x, epsilon, data: [x, y], parameters: [gamma, beta],
      statistics: [mean, variance], operands: [x, gamma, beta, mean, variance, y])
  }

  public func batchNormGradient(
    _ x: TensorBuffer, gamma: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer,
    upstream: TensorBuffer, epsilon: Double, dx: TensorBuffer, dgamma: TensorBuffer,
    dbeta: TensorBuffer
  ) throws {
    try normalize(
      .batchNormGradient, training: true, x, epsilon, data: [x, upstream, dx],
      parameters: [gamma, dgamma, dbeta], statistics: [mean, variance],
      operands: [x, gamma, mean, variance, upstream, dx, dgamma, dbeta])
  }

  public func layerNorm(
    _ x: TensorBuffer, gamma: TensorBuffer, beta: TensorBuffer, epsilon: Double,
    _ y: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer
  ) throws {
    try normalize(
      .layerNorm, training: true, x, epsilon, data: [x, y], parameters: [gamma, beta],
      statistics: [mean, variance], operands: [x, gamma, beta, y, mean, variance])
  }

  public func layerNormGradient(
    _ x: TensorBuffer, gamma: TensorBuffer, mean: TensorBuffer, variance: TensorBuffer,
    upstream: TensorBuffer, epsilon: Double, dx: TensorBuffer, dgamma: TensorBuffer,
    dbeta: TensorBuffer
  ) throws {
    try normalize(
      .layerNormGradient, training: true, x, epsilon, data: [x, upstream, dx],
      parameters: [gamma, dgamma, dbeta], statistics: [mean, variance],
      operands: [x, gamma, mean, variance, upstream, dx, dgamma, dbeta])
  }

  /// Checks every operand against x's rows and features (these methods are public: a caller
  /// may skip the record's checks), then runs the op's cached plan on `operands`, the inputs
  /// then the outputs (the last three, or `y` alone for inference).
  private func normalize(
    _ op: OpCode, training: Bool, _ x: TensorBuffer, _ epsilon: Double, data: [TensorBuffer],
    parameters: [TensorBuffer], statistics: [TensorBuffer], operands: [TensorBuffer]
  ) throws {
    guard x.shape.rank > 0 else {
      throw PlexusError.shapeMismatch(
        context: "\(op) on onednn", expected: "an input of rank ≥ 1", received: "\(x.shape)")
    }
    guard epsilon.isFinite, epsilon >= 0 else {
      throw PlexusError.invalidArgument(
        context: "\(op) on onednn", message: "epsilon must be finite and ≥ 0, received \(epsilon)")
    }
    let features = x.shape[x.shape.rank - 1]
    let rows = Shape(Array(x.shape.dims.dropLast())).elementCount
    let perRow = op == .layerNorm || op == .layerNormGradient
    let expected: [(TensorBuffer, Shape)] =
      data.map { ($0, x.shape) } + parameters.map { ($0, [features]) }
      + statistics.map { ($0, perRow ? Shape(Array(x.shape.dims.dropLast())) : [features]) }
    for (buffer, shape) in expected {
      try checkOperand(op, buffer)
      guard buffer.shape == shape else {
        throw PlexusError.shapeMismatch(
          context: "\(op) on onednn", expected: "\(shape)", received: "\(buffer.shape)")
      }
    }
    // oneDNN takes epsilon as a float; one that overflows it is left to the composite.
    guard Float(epsilon).isFinite else { throw UnsupportedOp(op) }
    guard x.count > 0 else {
      // Nothing to normalize: the statistics and parameter gradients left are over no
      // elements, 0 as the composites compute them.
      for buffer in operands.suffix(op == .batchNorm && !training ? 1 : 3) {
        buffer.storage.base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count * 4)
      }
      return
    }
    let plan = NormalizationPlan(op: op, rows: rows, features: features, epsilon: Float(epsilon))
    try run(
      op, variant: training ? 0 : 1, sizes: plan.key, operands.map(\.storage.base)
    ) { try plan.plan(training: training) }
  }
}
