extension Ops {
  /// Uniform values in `[minval, maxval)` from the seeded stream.
  public static func randomUniform(
    _ shape: Shape, minval: Double = 0, maxval: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    let shape = try shape.validated(context: "random_uniform")
    return try tensor(
      try RandomGenerator.uniform(count: shape.elementCount, low: minval, high: maxval), shape,
      dtype)
  }

  /// Normal values from the seeded stream.
  public static func randomNormal(
    _ shape: Shape, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    let shape = try shape.validated(context: "random_normal")
    return try tensor(
      try RandomGenerator.normal(count: shape.elementCount, mean: mean, standardDeviation: stddev),
      shape, dtype)
  }

  /// Normal values within two standard deviations, from the seeded stream.
  public static func truncatedNormal(
    _ shape: Shape, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    let shape = try shape.validated(context: "truncated_normal")
    return try tensor(
      try RandomGenerator.truncatedNormal(
        count: shape.elementCount, mean: mean, standardDeviation: stddev), shape, dtype)
  }

  private static func tensor(_ values: [Double], _ shape: Shape, _ dtype: DType) throws -> Tensor {
    guard shape.isValid else {
      throw PlexusError.invalidArgument(context: "random", message: "invalid shape \(shape)")
    }
    switch dtype {
    case .float32: return try Tensor(values.map { Float($0) }, shape: shape)
    case .float64: return try Tensor(values, shape: shape)
    default:
      throw PlexusError.dtypeMismatch(
        context: "random", expected: "float32 or float64", received: "\(dtype)")
    }
  }
}
