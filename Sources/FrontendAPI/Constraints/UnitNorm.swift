/// Rescales the weights incident to each unit to an L2 norm of 1:
/// `w / (epsilon + norm)`, norms taken over `axes`.
///
/// ```swift
/// Dense(8, kernelConstraint: UnitNorm())
/// ```
/// Equivalent to `keras.constraints.UnitNorm`.
public final class UnitNorm: Constraint {
  /// The axes norms are taken over.
  public let axes: [Int]

  /// Creates the constraint (Keras's default: axis 0).
  public init(axis: Int = 0) {
    self.axes = [axis]
    super.init()
  }

  /// Creates the constraint with norms over several axes.
  public init(axes: [Int]) {
    self.axes = axes
    super.init()
  }

  /// The normalised weight.
  public override func callAsFunction(_ w: Tensor) throws -> Tensor {
    let norms = try Constraint.norms(w, axes: axes)
    return try Ops.divide(w, Ops.add(norms, Tensor.scalar(Constraint.epsilon, dtype: w.dtype)))
  }

  /// `{"axis": ...}`.
  public override var config: [String: ConfigValue] { ["axis": Constraint.axisValue(axes)] }
}
