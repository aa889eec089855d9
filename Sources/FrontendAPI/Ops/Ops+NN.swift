extension Ops {
  /// Softmax along the last axis: a fused kernel where the backend has one, else the composite.
  public static func softmax(_ x: Tensor) throws -> Tensor {
    try requireFloat(x, op: "softmax")
    guard x.rank > 0 else { return try onesLike(x) }
    guard let kernels = try Dispatcher.kernels(SoftmaxKernels.self, .softmax, x.dtype) else {
      return try softmaxComposite(x)
    }
    let out = kernels.allocate(x.dtype, x.shape)
    try kernels.softmax(x.buffer, out)
    let y = Tensor(out)
    return finish(
      .custom(name: "softmax") { grad in
        // dx = y * (g - sum(g * y))
        let inner = try sum(multiply(grad, y), axes: [-1], keepDims: true)
        return [try multiply(y, subtract(grad, inner))]
      }, out, x)
  }

  /// Log-softmax along the last axis: fused where the backend has it, else the composite.
  public static func logSoftmax(_ x: Tensor) throws -> Tensor {
    try requireFloat(x, op: "log_softmax")
    guard x.rank > 0 else { return try zerosLike(x) }
    guard let kernels = try Dispatcher.kernels(SoftmaxKernels.self, .logSoftmax, x.dtype) else {
      return try logSoftmaxComposite(x)
    }
    let out = kernels.allocate(x.dtype, x.shape)
    try kernels.logSoftmax(x.buffer, out)
    let y = Tensor(out)
    return finish(
      .custom(name: "log_softmax") { grad in
        // dx = g - softmax(x) * sum(g)
        let total = try sum(grad, axes: [-1], keepDims: true)
        return [try subtract(grad, multiply(exp(y), total))]
      }, out, x)
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

  /// One-hot encoding of integer `indices` into a trailing axis of `depth`.
  public static func oneHot(_ indices: Tensor, depth: Int, dtype: DType = .float32) throws
    -> Tensor
  {
    let indices = try integerIndices(indices, op: "one_hot")
    guard depth >= 0 else {
      throw PlexusError.invalidArgument(
        context: "one_hot", message: "depth must be non-negative, received \(depth)")
    }
    _ = try Shape(indices.shape.dims + [depth]).validated(context: "one_hot")
    let classes = try cast(arange(depth), to: indices.dtype)
    let expanded = try expandDims(indices, axis: -1)
    return try cast(equal(expanded, classes), to: dtype)
  }

  /// Limits values to `[minimum, maximum]`.
  public static func clip(_ x: Tensor, min lower: Double, max upper: Double) throws -> Tensor {
    let low = try Tensor.scalar(lower, dtype: x.dtype)
    let high = try Tensor.scalar(upper, dtype: x.dtype)
    return try minimum(maximum(x, low), high)
  }
}
