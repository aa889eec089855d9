/// RMSprop: divides the gradient by a running root mean square of recent gradients.
///
/// `v = rho·v + (1 - rho)·g²`; with `centered`, `a = rho·a + (1 - rho)·g` and the denominator
/// is `v - a² + epsilon`, else `v + epsilon`; `increment = learningRate · g / sqrt(denominator)`;
/// with momentum, `m = momentum·m + increment; w -= m`, else `w -= increment`.
/// Equivalent to `keras.optimizers.RMSprop`.
public final class RMSprop: Optimizer {
  /// The discount factor of the running average.
  public let rho: Double
  /// The momentum factor; 0 keeps no momentum slot.
  public let momentum: Double
  /// Added to the denominator for numerical stability.
  public let epsilon: Double
  /// Whether to normalise by the centred second moment (the variance estimate).
  public let centered: Bool

  /// Creates the optimizer with Keras's defaults (its default name too, `"rm_sprop"`); a
  /// `learningRateSchedule` replaces the fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    rho: Double = 0.9, momentum: Double = 0, epsilon: Double = 1e-7, centered: Bool = false,
    weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
    globalClipnorm: Double? = nil, useEMA: Bool = false, emaMomentum: Double = 0.99,
    emaOverwriteFrequency: Int? = nil, gradientAccumulationSteps: Int? = nil,
    name: String = "rm_sprop"
  ) {
    self.rho = rho
    self.momentum = momentum
    self.epsilon = epsilon
    self.centered = centered
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires `rho` in `[0, 1)`, `momentum` in `[0, 1]` and a finite, non-negative
  /// `epsilon`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("rho", rho, in: "in [0, 1)") { (0..<1).contains($0) }
    try require("momentum", momentum, in: "in [0, 1]") { (0...1).contains($0) }
    try require("epsilon", epsilon, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// `"velocity"`, then `"momentum"` when momentum is used, then `"average_gradient"` when
  /// centred.
  public override var slotNames: [String] { slotGroups.flatMap { $0 } }

  /// Each slot in a group of its own: Keras creates the velocities of every variable, then the
  /// momentums, then the average gradients.
  public override var slotGroups: [[String]] {
    [["velocity"]] + (momentum > 0 ? [["momentum"]] : [])
      + (centered ? [["average_gradient"]] : [])
  }

  /// One RMSprop step on `variable`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard slots.count == slotNames.count else {
      throw PlexusError.invalidState(
        context: "RMSprop.update",
        message: "expected slots \(slotNames), received \(slots.count) slots")
    }
    let dtype = variable.dtype
    let keep = try Tensor.scalar(rho, dtype: dtype)
    let blend = try Tensor.scalar(1 - rho, dtype: dtype)
    let velocity = slots[0]
    let newVelocity = try Ops.add(
      Ops.multiply(current(velocity), keep), Ops.multiply(Ops.square(gradient), blend))
    try velocity.assign(newVelocity)
    var denominator = newVelocity
    if centered, let average = slots.last {
      let newAverage = try Ops.add(
        Ops.multiply(current(average), keep), Ops.multiply(gradient, blend))
      try average.assign(newAverage)
      denominator = try Ops.subtract(denominator, Ops.square(newAverage))
    }
    denominator = try Ops.add(denominator, Tensor.scalar(epsilon, dtype: dtype))
    let increment = try Ops.divide(
      Ops.multiply(gradient, Tensor.scalar(learningRate, dtype: dtype)), Ops.sqrt(denominator))
    if momentum > 0 {
      let slot = slots[1]
      let newMomentum = try Ops.add(
        Ops.multiply(current(slot), Tensor.scalar(momentum, dtype: dtype)), increment)
      try slot.assign(newMomentum)
      try variable.assign(Ops.subtract(current(variable), newMomentum))
    } else {
      try variable.assign(Ops.subtract(current(variable), increment))
    }
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "rho": .double(rho), "momentum": .double(momentum), "epsilon": .double(epsilon),
      "centered": .bool(centered),
    ]) { $1 }
  }
}
