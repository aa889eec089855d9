/// Adadelta: step sizes from running averages of the squared gradients and of the squared
/// updates, so that the units of the update match the variable's.
///
/// `a = rho·a + (1 - rho)·g²;
/// delta = -sqrt(d + epsilon) · g / sqrt(a + epsilon);
/// d = rho·d + (1 - rho)·delta²; w += learningRate · delta`.
/// Equivalent to `keras.optimizers.Adadelta`.
public final class Adadelta: Optimizer {
  /// The decay rate of both running averages.
  public let rho: Double
  /// Added inside both square roots for numerical stability.
  public let epsilon: Double

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    rho: Double = 0.95, epsilon: Double = 1e-7, weightDecay: Double? = nil,
    clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
    useEMA: Bool = false, emaMomentum: Double = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil,
    name: String = "adadelta"
  ) {
    self.rho = rho
    self.epsilon = epsilon
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires `rho` in `[0, 1]` and a finite, non-negative `epsilon`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("rho", rho, in: "in [0, 1]") { (0...1).contains($0) }
    try require("epsilon", epsilon, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// `["accumulated_grad", "accumulated_delta_var"]`.
  public override var slotNames: [String] { ["accumulated_grad", "accumulated_delta_var"] }

  /// One Adadelta step on `variable`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard slots.count == 2 else {
      throw PlexusError.invalidState(
        context: "Adadelta.update", message: "expected slots \(slotNames), received \(slots.count)")
    }
    let (gradients, deltas) = (slots[0], slots[1])
    let dtype = variable.dtype
    let keep = try scalar(rho, dtype)
    let blend = try scalar(1 - rho, dtype)
    let stability = try scalar(epsilon, dtype)
    let newGradients = try Ops.add(
      Ops.multiply(current(gradients), keep), Ops.multiply(Ops.square(gradient), blend))
    try gradients.assign(newGradients)
    let delta = try Ops.negative(
      Ops.divide(
        Ops.multiply(Ops.sqrt(Ops.add(current(deltas), stability)), gradient),
        Ops.sqrt(Ops.add(newGradients, stability))))
    try deltas.assign(
      Ops.add(Ops.multiply(current(deltas), keep), Ops.multiply(Ops.square(delta), blend)))
    try variable.assign(
      Ops.add(current(variable), Ops.multiply(delta, scalar(learningRate, dtype))))
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging(["rho": .double(rho), "epsilon": .double(epsilon)]) { $1 }
  }
}
