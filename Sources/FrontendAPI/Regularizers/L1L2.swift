/// The sum of an L1 and an L2 penalty: `l1 · sum(|x|) + l2 · sum(x²)`.
///
/// ```swift
/// Dense(64, kernelRegularizer: L1L2(l1: 1e-5, l2: 1e-4))
/// ```
/// Equivalent to `keras.regularizers.L1L2`.
public struct L1L2: Regularizer {
  /// The L1 factor.
  public let l1: Double
  /// The L2 factor.
  public let l2: Double

  /// Creates the regularizer (both factors default to 0, as in Keras).
  public init(l1: Double = 0, l2: Double = 0) {
    self.l1 = l1
    self.l2 = l2
  }

  /// `l1 · sum(|x|) + l2 · sum(x²)`, leaving out a term whose factor is 0.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    let l1 = try validatedPenalty(self.l1, "l1", "L1L2")
    let l2 = try validatedPenalty(self.l2, "l2", "L1L2")
    var total = try Tensor.scalar(0, dtype: x.dtype)
    if l1 != 0 {
      total = try Ops.add(
        total, Ops.multiply(Ops.sum(Ops.abs(x)), Tensor.scalar(l1, dtype: x.dtype)))
    }
    if l2 != 0 {
      total = try Ops.add(
        total, Ops.multiply(Ops.sum(Ops.square(x)), Tensor.scalar(l2, dtype: x.dtype)))
    }
    return total
  }

  /// `{"l1": ..., "l2": ...}`.
  public var config: [String: ConfigValue] { ["l1": .double(l1), "l2": .double(l2)] }
}
