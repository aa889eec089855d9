extension Ops {
  /// Softmax along `axis` (the last by default): a fused kernel where a backend has one, else
  /// the composite. Equivalent to `keras.ops.softmax`.
  public static func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    try normalizer(.softmax, x, axis: axis)
  }

  /// Log-softmax along `axis` (the last by default): fused where a backend has it, else the
  /// composite. Equivalent to `keras.ops.log_softmax`.
  public static func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    try normalizer(.logSoftmax, x, axis: axis)
  }

  /// Softmax or log-softmax along `axis`. The kernel family works along the last axis; another
  /// axis is moved there and back by two transposes, which the tape differentiates as usual.
  private static func normalizer(_ op: OpCode, _ x: Tensor, axis: Int) throws -> Tensor {
    try requireFloat(x, op: "\(op)")
    guard x.rank > 0 else { return try op == .softmax ? onesLike(x) : zerosLike(x) }
    let resolved = try normalizedAxis(axis, rank: x.rank, op: "\(op)")
    let last = x.rank - 1
    if resolved != last {
      var permutation = Array(0..<x.rank)
      permutation.swapAt(resolved, last)
      let moved = try transpose(x, permutation: permutation)
      return try transpose(normalizer(op, moved, axis: last), permutation: permutation)
    }
    guard Dispatcher.anyBackendSupports(op, x.dtype) else {
      return try op == .softmax ? softmaxComposite(x) : logSoftmaxComposite(x)
    }
    return try Dispatcher.execute(op, x, [.axis: .int(last)], output: x.dtype, x.shape)
  }

  /// `logsumexp(logits) - logits[label]` along the last axis, per sample: the cross-entropy of
  /// integer `labels` (`int32` or `int64`, shaped like `logits` without its last axis) against
  /// `logits`. One fused kernel forward and one backward where a backend offers them, else
  /// ``sparseSoftmaxCrossEntropyComposite(logits:labels:)``. A label outside `0..<classes` is an
  /// error. Equivalent to `tf.nn.sparse_softmax_cross_entropy_with_logits`.
  public static func sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor) throws -> Tensor {
    let op = OpCode.sparseSoftmaxCrossEntropy
    let labels = try checkedCrossEntropy(logits, labels)
    guard Dispatcher.anyBackendSupports(op, logits.dtype) else {
      return try sparseSoftmaxCrossEntropyComposite(logits: logits, labels: labels)
    }
    return try Dispatcher.execute(op, logits, labels, output: logits.dtype, labels.shape)
  }

  /// Float logits of rank ≥ 1 and integer labels shaped like them without the class axis;
  /// returns the labels as `int32` or `int64`.
  private static func checkedCrossEntropy(_ logits: Tensor, _ labels: Tensor) throws -> Tensor {
    let op = "sparse_softmax_cross_entropy"
    try requireFloat(logits, op: op)
    let labels = try integerIndices(labels, op: op)
    guard logits.rank > 0, labels.shape.dims == Array(logits.shape.dims.dropLast()) else {
      throw PlexusError.shapeMismatch(
        context: op, expected: "labels of shape \(Shape(Array(logits.shape.dims.dropLast())))",
        received: "\(labels.shape) for logits of shape \(logits.shape)")
    }
    return labels
  }

  /// ``sparseSoftmaxCrossEntropy(logits:labels:)`` from primitives (the fused kernel's oracle).
  public static func sparseSoftmaxCrossEntropyComposite(logits: Tensor, labels: Tensor) throws
    -> Tensor
  {
    let labels = try checkedCrossEntropy(logits, labels)
    let hits = try oneHot(labels, depth: logits.shape[logits.rank - 1], dtype: .bool)
    let picked = try self.where(hits, logSoftmax(logits), Tensor.scalar(0, dtype: logits.dtype))
    return try negative(sum(picked, axes: [-1]))
  }

  /// Softmax from primitives (the fused kernel's oracle).
  public static func softmaxComposite(_ x: Tensor) throws -> Tensor {
    let peak = stopGradient(try max(x, axes: [-1], keepDims: true))
    let e = try exp(subtract(x, peak))
    return try divide(e, sum(e, axes: [-1], keepDims: true))
  }

  /// Log-softmax from primitives (the fused kernel's oracle).
  public static func logSoftmaxComposite(_ x: Tensor) throws -> Tensor {
    try subtract(x, logSumExp(x, axes: [-1], keepDims: true))
  }

  /// One-hot encoding of integer `indices` into a trailing axis of `depth`; an index outside
  /// `0..<depth` is an error (Keras writes a row of zeros for it, which hides bad labels).
  public static func oneHot(_ indices: Tensor, depth: Int, dtype: DType = .float32) throws
    -> Tensor
  {
    let indices = try integerIndices(indices, op: "one_hot")
    guard depth >= 0 else {
      throw PlexusError.invalidArgument(
        context: "one_hot", message: "depth must be non-negative, received \(depth)")
    }
    let shape = try Shape(indices.shape.dims + [depth]).validated(context: "one_hot")
    return try Dispatcher.execute(
      .oneHot, indices, [.depth: .int(depth)], output: dtype, shape, differentiation: .none)
  }

  /// Limits values to `[minimum, maximum]`.
  public static func clip(_ x: Tensor, min lower: Double, max upper: Double) throws -> Tensor {
    let low = try Tensor.scalar(lower, dtype: x.dtype)
    let high = try Tensor.scalar(upper, dtype: x.dtype)
    return try minimum(maximum(x, low), high)
  }
}
