/// Rescales the weights incident to each unit to an L2 norm of 1:
/// `w / (epsilon + norm)`, norms taken over `axes`.
///
/// ```swift
/// Dense(8, kernelConstraint: UnitNorm())
/// ```
/// Equivalent to `keras.constraints.UnitNorm`.
public struct UnitNorm: Constraint {
  /// The axes norms are taken over.
  public let axes: [Int]

  /// Creates the constraint (Keras's default: axis 0).
  public init(axis: Int = 0) {
    self.axes = [axis]
  }

  /// Creates the constraint with norms over several axes.
  public init(axes: [Int]) {
    self.axes = axes
  }

  /// The normalised weight.
  public func callAsFunction(_ w: Tensor) throws -> Tensor {
    let norms = try Constraints.norms(w, axes: axes)
    return try Ops.divide(w, Ops.add(norms, Tensor.scalar(Constraints.epsilon, dtype: w.dtype)))
  }

  /// `{"axis": ...}`.
  public var config: [String: ConfigValue] { ["axis": Constraints.axisValue(axes)] }
}
