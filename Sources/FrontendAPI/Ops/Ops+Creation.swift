extension Ops {
  /// Zeros of `shape`.
  public static func zeros(_ shape: Shape, dtype: DType = .float32) throws -> Tensor {
    try Tensor.zeros(shape, dtype: dtype)
  }

  /// Ones of `shape`.
  public static func ones(_ shape: Shape, dtype: DType = .float32) throws -> Tensor {
    try Tensor.ones(shape, dtype: dtype)
  }

  /// `value` everywhere in `shape`.
  public static func full(_ shape: Shape, _ value: Double, dtype: DType = .float32) throws -> Tensor
  {
    try Tensor.full(shape, value: value, dtype: dtype)
  }

  /// Zeros with `x`'s shape and dtype.
  public static func zerosLike(_ x: Tensor) throws -> Tensor {
    try Tensor.zeros(x.shape, dtype: x.dtype)
  }

  /// Ones with `x`'s shape and dtype.
  public static func onesLike(_ x: Tensor) throws -> Tensor {
    try Tensor.ones(x.shape, dtype: x.dtype)
  }

  /// `start, start + step, ...` below `stop` (`arange(n)`: `0..<n`), as int32 by default.
  public static func arange(
    _ start: Double, _ stop: Double, step: Double = 1, dtype: DType = .int32
  ) throws -> Tensor {
    guard step != 0 else {
      throw PlexusError.invalidArgument(context: "arange", message: "step must not be 0")
    }
    let steps = ((stop - start) / step).rounded(.up)
    guard steps.isFinite, steps <= Double(Shape.maximumElementCount) else {
      throw PlexusError.invalidArgument(
        context: "arange",
        message: "start \(start), stop \(stop), step \(step) give no finite range of at most "
          + "\(Shape.maximumElementCount) elements")
    }
    // An empty range may be any negative number of steps, -1e300 included: never convert it.
    let count = steps > 0 ? Int(steps) : 0
    return try Dispatcher.execute(
      .iota, [], [.iotaStart: .double(start), .iotaStep: .double(step)], output: dtype, [count],
      differentiation: .none)
  }

  /// `0..<count`, as int32.
  public static func arange(_ count: Int) throws -> Tensor {
    try arange(0, Double(count))
  }
}
