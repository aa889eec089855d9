import Foundation

/// Adamax: Adam with the infinity norm in place of the second moment.
///
/// `m += (g - m)(1 - beta1); u = max(beta2·u, |g|);
/// w -= learningRate · m / ((1 - beta1^t) · (u + epsilon))`.
/// Equivalent to `keras.optimizers.Adamax`.
public final class Adamax: Optimizer {
  /// The decay rate of the first-moment estimate.
  public let beta1: Double
  /// The decay rate of the infinity norm.
  public let beta2: Double
  /// Added to the norm for numerical stability.
  public let epsilon: Double

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7,
    weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
    globalClipnorm: Double? = nil, useEMA: Bool = false, emaMomentum: Double = 0.99,
    emaOverwriteFrequency: Int? = nil, gradientAccumulationSteps: Int? = nil,
    name: String = "adamax"
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires `beta1` in `[0, 1)` (at 1 the bias correction divides by zero), `beta2` in
  /// `[0, 1]` and a finite, non-negative `epsilon`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("beta1", beta1, in: "in [0, 1)") { (0..<1).contains($0) }
    try require("beta2", beta2, in: "in [0, 1]") { (0...1).contains($0) }
    try require("epsilon", epsilon, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// The first moment and the infinity norm: `["momentum", "norm"]`.
  public override var slotNames: [String] { ["momentum", "norm"] }

  /// One Adamax step on `variable`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard slots.count == 2 else {
      throw PlexusError.invalidState(
        context: "Adamax.update", message: "expected slots \(slotNames), received \(slots.count)")
    }
    let (m, u) = (slots[0], slots[1])
    let dtype = variable.dtype
    let newM = try Ops.add(
      current(m), Ops.multiply(Ops.subtract(gradient, current(m)), scalar(1 - beta1, dtype)))
    let newU = try Ops.maximum(Ops.multiply(current(u), scalar(beta2, dtype)), Ops.abs(gradient))
    try m.assign(newM)
    try u.assign(newU)
    let correction = 1 - pow(beta1, Double(step))
    let increment = try Ops.divide(
      Ops.multiply(newM, scalar(learningRate, dtype)),
      Ops.multiply(Ops.add(newU, scalar(epsilon, dtype)), scalar(correction, dtype)))
    try variable.assign(Ops.subtract(current(variable), increment))
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "beta_1": .double(beta1), "beta_2": .double(beta2), "epsilon": .double(epsilon),
    ]) { $1 }
  }
}
