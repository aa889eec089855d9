extension Tensor {
  /// Copies `scalars` into a new tensor of `shape` (a 1-D tensor when `shape` is nil).
  public init<T: TensorScalar>(_ scalars: [T], shape: Shape? = nil) throws {
    let shape = try (shape ?? Shape([scalars.count])).validated(context: "Tensor(_:shape:)")
    guard shape.elementCount == scalars.count else {
      throw PlexusError.shapeMismatch(
        context: "Tensor(_:shape:)", expected: "\(scalars.count) elements",
        received: "shape \(shape) with \(shape.elementCount) elements")
    }
    let buffer = try TensorBuffer.allocate(T.dtype, shape)
    scalars.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      buffer.pointer(T.self).update(from: base, count: scalars.count)
    }
    self.init(buffer)
  }

  /// A rank-0 tensor holding `value`.
  public init<T: TensorScalar>(_ value: T) {
    let buffer = TensorBuffer(dtype: T.dtype, shape: [])
    buffer.pointer(T.self).initialize(to: value)
    self.init(buffer)
  }

  /// A tensor of `shape` filled with `value`, converted to `dtype`.
  public static func full(_ shape: Shape, value: Double, dtype: DType = .float32) throws -> Tensor {
    try Dispatcher.fill(shape: shape.validated(context: "full"), dtype: dtype, value: value)
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: Shape, dtype: DType = .float32) throws -> Tensor {
    try full(shape, value: 0, dtype: dtype)
  }

  /// A tensor of ones.
  public static func ones(_ shape: Shape, dtype: DType = .float32) throws -> Tensor {
    try full(shape, value: 1, dtype: dtype)
  }

  /// A scalar of `dtype` (a rank-0 tensor).
  ///
  /// Written straight into host memory, which every built-in backend computes on: gradient
  /// rules and operators make several of these per op, and a dispatch each would dominate.
  public static func scalar(_ value: Double, dtype: DType = .float32) throws -> Tensor {
    switch dtype {
    case .float32: return Tensor(Float(value))
    case .float64: return Tensor(value)
    case .int32 where value.isFinite && Double(Int32.min) <= value && value <= Double(Int32.max):
      return Tensor(Int32(value))
    case .bool: return Tensor(value != 0)
    default: return try full([], value: value, dtype: dtype)
    }
  }
}
