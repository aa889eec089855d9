extension Ops {
  /// Uniform values in `[minval, maxval)` from the seeded stream.
  public static func randomUniform(
    _ shape: Shape, minval: Double = 0, maxval: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    guard minval.isFinite, maxval.isFinite, minval <= maxval, (maxval - minval).isFinite else {
      throw PlexusError.invalidArgument(
        context: "random_uniform",
        message: "minval and maxval must be finite with minval <= maxval and a finite range; "
          + "received \(minval) and \(maxval)")
    }
    return try draw(.randomUniform, shape, [.low: .double(minval), .high: .double(maxval)], dtype)
  }

  /// Normal values from the seeded stream.
  public static func randomNormal(
    _ shape: Shape, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    try checkNormal("random_normal", mean, stddev)
    return try draw(
      .randomNormal, shape, [.mean: .double(mean), .standardDeviation: .double(stddev)], dtype)
  }

  /// Normal values within two standard deviations, from the seeded stream.
  public static func truncatedNormal(
    _ shape: Shape, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    try checkNormal("truncated_normal", mean, stddev)
    return try draw(
      .randomTruncatedNormal, shape,
      [.mean: .double(mean), .standardDeviation: .double(stddev)], dtype)
  }

  private static func checkNormal(_ op: String, _ mean: Double, _ stddev: Double) throws {
    guard mean.isFinite, stddev.isFinite, stddev >= 0 else {
      throw PlexusError.invalidArgument(
        context: op,
        message: "mean must be finite and stddev finite and non-negative; received "
          + "\(mean) and \(stddev)")
    }
  }

  /// A draw as an op: keyed by the stream's seed (an attribute) at a counter offset reserved
  /// from the stream (an input, so a replayed step draws fresh values).
  private static func draw(
    _ op: OpCode, _ shape: Shape, _ attributes: OpAttributes, _ dtype: DType
  ) throws -> Tensor {
    let shape = try shape.validated(context: "\(op)")
    if dtype == .bfloat16 {
      // Drawn in float32 and rounded, so a bfloat16 draw matches the float32 one.
      return try Ops.cast(draw(op, shape, attributes, .float32), to: .bfloat16)
    }
    guard dtype == .float32 || dtype == .float64 else {
      throw PlexusError.dtypeMismatch(
        context: "\(op)", expected: "float32 or float64", received: "\(dtype)")
    }
    let (key, offset) = RandomGenerator.reserve(elements: shape.elementCount)
    let counter = Tensor(Int64(bitPattern: offset))
    Dispatcher.scope.recorder?.bindRandom(
      offset: counter.buffer, elements: shape.elementCount, key: key)
    return try Dispatcher.execute(
      op, [counter],
      attributes.with(.seed, .int(Int(Int64(bitPattern: key)))), output: dtype, shape,
      differentiation: .none)
  }
}
