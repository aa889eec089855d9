/// The L1 penalty `l1 · sum(|x|)`.
///
/// ```swift
/// Dense(64, kernelRegularizer: L1(0.001))
/// ```
/// Equivalent to `keras.regularizers.L1`.
public struct L1: Regularizer {
  /// The penalty factor.
  public let l1: Double

  /// Creates the regularizer (Keras's default factor is 0.01).
  public init(_ l1: Double = 0.01) {
    self.l1 = l1
  }

  /// `l1 · sum(|x|)`.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let factor = try validatedPenalty(l1, "l1", "L1")
    return try Ops.multiply(Ops.sum(Ops.abs(x)), Tensor.scalar(factor, dtype: x.dtype))
  }

  /// `{"l1": ...}`; Keras holds this factor as a float32 tensor, so it writes it rounded.
  public var config: [String: ConfigValue] { ["l1": .float32(l1)] }
}
