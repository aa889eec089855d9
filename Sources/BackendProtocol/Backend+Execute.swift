extension Backend {
  /// Decodes `record` and calls the typed method of its family; a typed method that throws
  /// ``UnsupportedOp`` (the defaults do) makes the answer ``ExecutionStatus/unsupported``.
  public func execute(_ record: OpRecord) throws -> ExecutionStatus {
    try executeByFamily(record)
  }

  /// The default ``execute(_:)``, under a name a backend that implements `execute` itself can
  /// still call for the records it does not handle specially.
  public func executeByFamily(_ record: OpRecord) throws -> ExecutionStatus {
    do {
      try executeTyped(record)
      return .done
    } catch is UnsupportedOp {
      return .unsupported
    }
  }

  /// The typed call for `record`, shared by every backend that relies on the default
  /// ``execute(_:)``.
  public func executeTyped(_ record: OpRecord) throws {
    let op = record.op
    let attributes = record.attributes
    switch op.family {
    case .memory:
      let out = try record.output()
      switch op {
      case .copy: try copy(record.input(0), out)
      case .fill: try fill(attributes.double(.fillValue, of: op), out)
      case .iota:
        try iota(
          start: attributes.double(.iotaStart, of: op), step: attributes.double(.iotaStep, of: op),
          out)
      default: try cast(record.input(0), out)
      }
    case .unary:
      try unary(op, record.input(0), record.output())
    case .binary:
      try binary(op, record.input(0), record.input(1), record.output())
    case .selection:
      try select(record.input(0), record.input(1), record.input(2), record.output())
    case .reduction:
      try reduce(op, record.input(0), axes: attributes.ints(.axes, of: op), record.output())
    case .layout:
      try executeLayout(record)
    case .linearAlgebra:
      try matmul(
        record.input(0), record.input(1), transposeA: attributes.bool(.transposeA, default: false),
        transposeB: attributes.bool(.transposeB, default: false), record.output())
    case .random:
      let offset = try record.input(0)
      guard offset.dtype == .int64, offset.count == 1 else {
        throw PlexusError.dtypeMismatch(
          context: "\(op)", expected: "an int64 scalar offset",
          received: "\(offset.dtype) \(offset.shape)")
      }
      let uniform = op == .randomUniform
      let draw = RandomDraw(
        op: op, key: UInt64(bitPattern: Int64(try attributes.int(.seed, of: op))),
        offset: UInt64(bitPattern: offset.pointer(Int64.self).pointee),
        first: try attributes.double(uniform ? .low : .mean, of: op),
        second: try attributes.double(uniform ? .high : .standardDeviation, of: op))
      try random(draw, record.output())
    case .fused:
      try executeFused(record)
    }
  }

  private func executeLayout(_ record: OpRecord) throws {
    let op = record.op
    let attributes = record.attributes
    let out = try record.output()
    switch op {
    case .transpose:
      try transpose(record.input(0), permutation: attributes.ints(.permutation, of: op), out)
    case .concat:
      try concat(record.inputs, axis: attributes.int(.axis, of: op), out)
    case .slice:
      try slice(record.input(0), starts: attributes.ints(.starts, of: op), out)
    case .gather:
      try gather(record.input(0), record.input(1), axis: attributes.int(.axis, of: op), out)
    case .scatterAdd:
      // A compiled step may hand the base's own memory as the output: add in place.
      let base = try record.input(0)
      if base.storage.base != out.storage.base { try copy(base, out) }
      try scatterAdd(record.input(2), record.input(1), axis: attributes.int(.axis, of: op), out)
    case .pad:
      try pad(
        record.input(0), before: attributes.ints(.paddingBefore, of: op),
        value: attributes.double(.padValue, of: op), out)
    case .oneHot:
      try oneHot(record.input(0), out)
    default:
      throw UnsupportedOp(op)
    }
  }

  private func executeFused(_ record: OpRecord) throws {
    switch record.op {
    case .softmax, .logSoftmax:
      guard let kernels = self as? any SoftmaxKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeSoftmax(record)
    case .sgdUpdate, .adamUpdate:
      guard let kernels = self as? any OptimizerKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeOptimizerUpdate(record)
    case .sparseSoftmaxCrossEntropy, .sparseSoftmaxCrossEntropyGradient:
      guard let kernels = self as? any CrossEntropyKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeCrossEntropy(record)
    case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter:
      guard let kernels = self as? any ConvolutionKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeConvolution(record)
    case .maxPool2d, .maxPool2dGradient, .avgPool2d, .avgPool2dGradient:
      guard let kernels = self as? any PoolingKernels else { throw UnsupportedOp(record.op) }
      try kernels.executePooling(record)
    case .dense:
      guard let kernels = self as? any DenseKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeDense(record)
    case .activationGradient:
      guard let kernels = self as? any ActivationGradientKernels else {
        throw UnsupportedOp(record.op)
      }
      try kernels.executeActivationGradient(record)
    case .conv2dBiasActivation:
      guard let kernels = self as? any FusedConvolutionKernels else {
        throw UnsupportedOp(record.op)
      }
      try kernels.executeFusedConvolution(record)
    case .batchNorm, .batchNormGradient, .layerNorm, .layerNormGradient:
      guard let kernels = self as? any NormalizationKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeNormalization(record)
    case .lstm, .lstmGradient, .gru, .gruGradient:
      guard let kernels = self as? any RecurrentKernels else { throw UnsupportedOp(record.op) }
      try kernels.executeRecurrent(record)
    default:
      throw UnsupportedOp(record.op)
    }
  }

  /// A per-step scalar input (learning rate, step) read from host memory.
  static func scalarInput(_ buffer: TensorBuffer, _ op: OpCode) throws -> Double {
    guard buffer.count == 1 else {
      throw PlexusError.shapeMismatch(
        context: "\(op)", expected: "a scalar per-step input", received: "\(buffer.shape)")
    }
    switch buffer.dtype {
    case .float64: return buffer.pointer(Double.self).pointee
    case .float32: return Double(buffer.pointer(Float.self).pointee)
    case .int64: return Double(buffer.pointer(Int64.self).pointee)
    case .int32: return Double(buffer.pointer(Int32.self).pointee)
    default:
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "a float64 or int64 scalar", received: "\(buffer.dtype)")
    }
  }
}

extension SoftmaxKernels {
  /// Runs a `softmax` or `log_softmax` record on this family's last-axis kernels.
  public func executeSoftmax(_ record: OpRecord) throws {
    let x = try record.input(0)
    // The family's kernels work along the last axis; another axis is the caller's transpose.
    let axis =
      record.attributes[.axis] == nil
      ? x.shape.rank - 1 : try record.attributes.int(.axis, of: record.op)
    guard axis == Swift.max(x.shape.rank - 1, 0) else { throw UnsupportedOp(record.op) }
    if record.op == .softmax {
      try softmax(x, record.output())
    } else {
      try logSoftmax(x, record.output())
    }
  }
}

extension OptimizerKernels {
  /// Runs an `sgd_update` or `adam_update` record on this family's in-place kernels. Every
  /// operand is checked before anything is written, so an error or an `unsupported` answer
  /// leaves every variable as it was.
  public func executeOptimizerUpdate(_ record: OpRecord) throws {
    let op = record.op
    let attributes = record.attributes
    let inputs = record.inputs
    if op == .sgdUpdate {
      guard inputs.count == 3 || inputs.count == 4 else {
        throw PlexusError.invalidArgument(
          context: "\(op)",
          message: "needs variable, gradient, learning rate and an optional velocity; the "
            + "record has \(inputs.count) inputs")
      }
      let velocity = inputs.count == 4 ? inputs[3] : nil
      try checkUpdateGroup(op, inputs, variable: 0, operands: 1)
      if inputs.count == 4 { try checkUpdateOperand(op, inputs, 3, like: 0) }
      try sgdUpdate(
        variable: inputs[0], gradient: inputs[1], velocity: velocity,
        learningRate: Self.scalarInput(inputs[2], op),
        momentum: attributes.double(.momentum, of: op),
        nesterov: attributes.bool(.nesterov, default: false))
      return
    }
    // Groups of (variable, gradient, m, v), then the learning rate and the step: one record
    // updates every variable of a step.
    guard inputs.count >= 6, (inputs.count - 2) % 4 == 0 else {
      throw PlexusError.invalidArgument(
        context: "\(op)",
        message: "needs groups of variable, gradient, m and v, then the learning rate and the "
          + "step; the record has \(inputs.count) inputs")
    }
    let groups = stride(from: 0, to: inputs.count - 2, by: 4)
    for group in groups {
      try checkUpdateGroup(op, inputs, variable: group, operands: 3)
    }
    let step = try Self.scalarInput(inputs[inputs.count - 1], op)
    guard let steps = Int(exactly: step), steps >= 1 else {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "the step must be a whole number ≥ 1, received \(step)")
    }
    let hyperparameters = AdamHyperparameters(
      learningRate: try Self.scalarInput(inputs[inputs.count - 2], op),
      beta1: try attributes.double(.beta1, of: op), beta2: try attributes.double(.beta2, of: op),
      epsilon: try attributes.double(.epsilon, of: op), step: steps)
    for group in groups {
      try adamUpdate(
        variable: inputs[group], gradient: inputs[group + 1], m: inputs[group + 2],
        v: inputs[group + 3], hyperparameters)
    }
  }

}

extension CrossEntropyKernels {
  /// Runs a `sparse_softmax_cross_entropy` record or its gradient on this family's kernels,
  /// after checking that the labels (and the upstream gradient) match the rows of the logits.
  public func executeCrossEntropy(_ record: OpRecord) throws {
    let logits = try record.input(0)
    let labels = try record.input(1)
    let rows = Array(logits.shape.dims.dropLast())
    guard logits.shape.rank > 0, labels.shape.dims == rows,
      labels.dtype == .int32 || labels.dtype == .int64
    else {
      throw PlexusError.shapeMismatch(
        context: "\(record.op)", expected: "int32 or int64 labels of shape \(Shape(rows))",
        received: "\(labels.dtype) \(labels.shape) for logits \(logits.shape)")
    }
    let expected = record.op == .sparseSoftmaxCrossEntropy ? Shape(rows) : logits.shape
    let out = try record.output()
    guard out.shape == expected, out.dtype == logits.dtype else {
      throw PlexusError.shapeMismatch(
        context: "\(record.op)", expected: "an output of \(logits.dtype) \(expected)",
        received: "\(out.dtype) \(out.shape)")
    }
    if record.op == .sparseSoftmaxCrossEntropyGradient {
      let upstream = try record.input(2)
      guard upstream.shape.dims == rows, upstream.dtype == logits.dtype else {
        throw PlexusError.shapeMismatch(
          context: "\(record.op)",
          expected: "an upstream gradient of \(logits.dtype) \(Shape(rows))",
          received: "\(upstream.dtype) \(upstream.shape)")
      }
    }
    if record.op == .sparseSoftmaxCrossEntropy {
      try sparseSoftmaxCrossEntropy(
        logits: record.input(0), labels: record.input(1), record.output())
    } else {
      try sparseSoftmaxCrossEntropyGradient(
        logits: record.input(0), labels: record.input(1), upstream: record.input(2),
        record.output())
    }
  }
}

/// Checks that input `variable` is float and that the `operands` inputs after it have its dtype
/// and shape. A plain function, not a generic one: it runs for every variable of every step.
private func checkUpdateGroup(_ op: OpCode, _ inputs: [TensorBuffer], variable: Int, operands: Int)
  throws
{
  let dtype = inputs[variable].dtype
  guard dtype == .float32 || dtype == .float64 else {
    throw PlexusError.dtypeMismatch(
      context: "\(op)", expected: "a float32 or float64 variable", received: "\(dtype)")
  }
  for index in (variable + 1)..<(variable + 1 + operands) {
    try checkUpdateOperand(op, inputs, index, like: variable)
  }
}

/// Checks that input `operand` has input `variable`'s dtype and shape. Compared in place:
/// copying the buffers out would cost two reference counts each, for every variable of a step.
private func checkUpdateOperand(
  _ op: OpCode, _ inputs: [TensorBuffer], _ operand: Int, like variable: Int
) throws {
  guard inputs[operand].dtype == inputs[variable].dtype,
    inputs[operand].shape.dims == inputs[variable].shape.dims
  else {
    throw PlexusError.shapeMismatch(
      context: "\(op)",
      expected: "\(inputs[variable].dtype) \(inputs[variable].shape), like its variable",
      received: "\(inputs[operand].dtype) \(inputs[operand].shape)")
  }
}
