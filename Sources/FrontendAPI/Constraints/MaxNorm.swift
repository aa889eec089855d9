/// Rescales the weights incident to each unit so that their L2 norm is at most `maxValue`:
/// `w · clip(norm, 0, maxValue) / (epsilon + norm)`, norms taken over `axes` (axis 0 of a
/// Dense kernel: each unit's incoming weights).
///
/// ```swift
/// Dense(64, kernelConstraint: MaxNorm(3))
/// ```
/// Equivalent to `keras.constraints.MaxNorm`.
public struct MaxNorm: Constraint {
  /// The largest norm allowed.
  public let maxValue: Double
  /// The axes norms are taken over.
  public let axes: [Int]

  /// Creates the constraint (Keras's defaults: 2 over axis 0).
  public init(_ maxValue: Double = 2, axis: Int = 0) {
    self.maxValue = maxValue
    self.axes = [axis]
  }

  /// Creates the constraint with norms over several axes.
  public init(_ maxValue: Double, axes: [Int]) {
    self.maxValue = maxValue
    self.axes = axes
  }

  /// The rescaled weight.
  public func callAsFunction(_ w: Tensor) throws -> Tensor {
    guard maxValue >= 0 else {
      throw PlexusError.invalidArgument(
        context: "MaxNorm", message: "maxValue must be non-negative, received \(maxValue)")
    }
    let norms = try Constraints.norms(w, axes: axes)
    let desired = try Ops.clip(norms, min: 0, max: maxValue)
    let denominator = try Ops.add(norms, Tensor.scalar(Constraints.epsilon, dtype: w.dtype))
    return try Ops.multiply(w, Ops.divide(desired, denominator))
  }

  /// `{"max_value": ..., "axis": ...}`; a whole `max_value` is written as an integer, as
  /// Keras writes its default of 2.
  public var config: [String: ConfigValue] {
    let value: ConfigValue =
      maxValue.rounded() == maxValue && abs(maxValue) < 1e15
      ? .int(Int(maxValue)) : .double(maxValue)
    return ["max_value": value, "axis": Constraints.axisValue(axes)]
  }
}
