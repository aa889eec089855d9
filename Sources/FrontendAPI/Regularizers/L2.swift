/// The L2 penalty `l2 · sum(x²)` (without Keras 2's factor of one half).
///
/// ```swift
/// Dense(64, kernelRegularizer: L2(0.01))
/// ```
/// Equivalent to `keras.regularizers.L2`.
public struct L2: Regularizer {
  /// The penalty factor.
  public let l2: Double

  /// Creates the regularizer (Keras's default factor is 0.01).
  public init(_ l2: Double = 0.01) {
    self.l2 = l2
  }

  /// `l2 · sum(x²)`.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let factor = try validatedPenalty(l2, "l2", "L2")
    return try Ops.multiply(Ops.sum(Ops.square(x)), Tensor.scalar(factor, dtype: x.dtype))
  }

  /// `{"l2": ...}`.
  public var config: [String: ConfigValue] { ["l2": .double(l2)] }
}
