extension Tensor {
  /// Elementwise sum with broadcasting.
  public static func + (a: Tensor, b: Tensor) throws -> Tensor { try Ops.add(a, b) }
  /// Elementwise difference with broadcasting.
  public static func - (a: Tensor, b: Tensor) throws -> Tensor { try Ops.subtract(a, b) }
  /// Elementwise product with broadcasting.
  public static func * (a: Tensor, b: Tensor) throws -> Tensor { try Ops.multiply(a, b) }
  /// Elementwise quotient with broadcasting.
  public static func / (a: Tensor, b: Tensor) throws -> Tensor { try Ops.divide(a, b) }
  /// Elementwise negation.
  public static prefix func - (x: Tensor) throws -> Tensor { try Ops.negative(x) }

  /// Adds a scalar, in the tensor's dtype.
  public static func + (a: Tensor, b: Double) throws -> Tensor {
    try Ops.add(a, .scalar(b, dtype: a.dtype))
  }
  /// Subtracts a scalar, in the tensor's dtype.
  public static func - (a: Tensor, b: Double) throws -> Tensor {
    try Ops.subtract(a, .scalar(b, dtype: a.dtype))
  }
  /// Multiplies by a scalar, in the tensor's dtype.
  public static func * (a: Tensor, b: Double) throws -> Tensor {
    try Ops.multiply(a, .scalar(b, dtype: a.dtype))
  }
  /// Divides by a scalar, in the tensor's dtype.
  public static func / (a: Tensor, b: Double) throws -> Tensor {
    try Ops.divide(a, .scalar(b, dtype: a.dtype))
  }
  /// Multiplies a scalar by a tensor, in the tensor's dtype.
  public static func * (a: Double, b: Tensor) throws -> Tensor {
    try Ops.multiply(.scalar(a, dtype: b.dtype), b)
  }
  /// Subtracts a tensor from a scalar, in the tensor's dtype.
  public static func - (a: Double, b: Tensor) throws -> Tensor {
    try Ops.subtract(.scalar(a, dtype: b.dtype), b)
  }

  /// The matrix product (`Ops.matmul`).
  public func matmul(_ other: Tensor) throws -> Tensor { try Ops.matmul(self, other) }
  /// The same elements under `shape`.
  public func reshaped(_ shape: Shape) throws -> Tensor { try Ops.reshape(self, shape) }
  /// Converts to `dtype`.
  public func cast(to dtype: DType) throws -> Tensor { try Ops.cast(self, to: dtype) }
}
