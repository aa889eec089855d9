extension Ops {
  /// Uniform values in `[minval, maxval)` from the seeded stream.
  public static func randomUniform(
    _ shape: Shape, minval: Double = 0, maxval: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    try randomTensor(shape, dtype, op: "random_uniform") { count, write in
      RandomGenerator.streamUniform(count: count, low: minval, high: maxval, write)
    }
  }

  /// Normal values from the seeded stream.
  public static func randomNormal(
    _ shape: Shape, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    try randomTensor(shape, dtype, op: "random_normal") { count, write in
      RandomGenerator.streamStandardNormal(count: count) { write($0, mean + stddev * $1) }
    }
  }

  /// Normal values within two standard deviations, from the seeded stream.
  public static func truncatedNormal(
    _ shape: Shape, mean: Double = 0, stddev: Double = 1, dtype: DType = .float32
  ) throws -> Tensor {
    try randomTensor(shape, dtype, op: "truncated_normal") { count, write in
      try RandomGenerator.streamTruncatedNormal(
        count: count, mean: mean, standardDeviation: stddev, write)
    }
  }

  /// A tensor of `shape` whose values `draw` writes straight into its memory, so that drawing
  /// costs no more memory than the tensor itself.
  private static func randomTensor(
    _ shape: Shape, _ dtype: DType, op: String,
    _ draw: (Int, (Int, Double) -> Void) throws -> Void
  ) throws -> Tensor {
    let shape = try shape.validated(context: op)
    switch dtype {
    case .float32:
      let buffer = try TensorBuffer.allocate(.float32, shape)
      let values = buffer.pointer(Float.self)
      try draw(shape.elementCount) { values[$0] = Float($1) }
      return Tensor(buffer)
    case .float64:
      let buffer = try TensorBuffer.allocate(.float64, shape)
      let values = buffer.pointer(Double.self)
      try draw(shape.elementCount) { values[$0] = $1 }
      return Tensor(buffer)
    default:
      throw PlexusError.dtypeMismatch(
        context: op, expected: "float32 or float64", received: "\(dtype)")
    }
  }
}
