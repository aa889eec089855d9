/// Lion: the sign of an interpolation between the momentum and the gradient sets each step, so
/// every element moves by exactly the learning rate.
///
/// `w -= learningRate · sign(beta1·m + (1 - beta1)·g); m = beta2·m + (1 - beta2)·g`.
/// Use a learning rate 3-10× smaller than AdamW's and a weight decay as many times larger.
/// Equivalent to `keras.optimizers.Lion`.
public final class Lion: Optimizer {
  /// The weight of the momentum in the update's direction, in `(0, 1]`.
  public let beta1: Double
  /// The decay rate of the momentum.
  public let beta2: Double

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    beta1: Double = 0.9, beta2: Double = 0.99, weightDecay: Double? = nil,
    clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
    useEMA: Bool = false, emaMomentum: Double = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil,
    name: String = "lion"
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires `beta1` in `(0, 1]` (at 0 Lion degenerates to signSGD, which Keras refuses)
  /// and `beta2` in `[0, 1]`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("beta1", beta1, in: "in (0, 1]") { $0 > 0 && $0 <= 1 }
    try require("beta2", beta2, in: "in [0, 1]") { (0...1).contains($0) }
  }

  /// `["momentum"]`.
  public override var slotNames: [String] { ["momentum"] }

  /// One Lion step on `variable`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard let m = slots.first else {
      throw PlexusError.invalidState(
        context: "Lion.update", message: "expected the momentum slot, received none")
    }
    let dtype = variable.dtype
    let direction = try Ops.sign(
      Ops.add(
        Ops.multiply(current(m), scalar(beta1, dtype)),
        Ops.multiply(gradient, scalar(1 - beta1, dtype))))
    try variable.assign(
      Ops.subtract(current(variable), Ops.multiply(direction, scalar(learningRate, dtype))))
    try m.assign(
      Ops.add(
        Ops.multiply(current(m), scalar(beta2, dtype)),
        Ops.multiply(gradient, scalar(1 - beta2, dtype))))
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging(["beta_1": .double(beta1), "beta_2": .double(beta2)]) { $1 }
  }
}
