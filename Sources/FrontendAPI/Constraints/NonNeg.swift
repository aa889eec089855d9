/// Sets negative weights to zero: `w · (w ≥ 0)`.
///
/// ```swift
/// Dense(8, kernelConstraint: NonNeg())
/// ```
/// Equivalent to `keras.constraints.NonNeg`.
public struct NonNeg: Constraint {
  /// Creates the constraint.
  public init() {}

  /// The weight with its negative entries zeroed.
  public func callAsFunction(_ w: Tensor) throws -> Tensor {
    let zero = try Tensor.scalar(0, dtype: w.dtype)
    return try Ops.where(Ops.greaterEqual(w, zero), w, zero)
  }
}
