/// Adagrad: per-parameter step sizes that shrink with the sum of the squared gradients seen.
///
/// `a += g²; w -= learningRate · g / sqrt(a + epsilon)`, the accumulator `a` starting at
/// `initialAccumulatorValue`. Equivalent to `keras.optimizers.Adagrad`.
public final class Adagrad: Optimizer {
  /// The value each accumulator starts at; must be non-negative.
  public let initialAccumulatorValue: Double
  /// Added to the accumulator for numerical stability.
  public let epsilon: Double

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    initialAccumulatorValue: Double = 0.1, epsilon: Double = 1e-7, weightDecay: Double? = nil,
    clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
    useEMA: Bool = false, emaMomentum: Double = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil,
    name: String = "adagrad"
  ) {
    self.initialAccumulatorValue = initialAccumulatorValue
    self.epsilon = epsilon
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires a finite, non-negative `initialAccumulatorValue` and `epsilon`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("initialAccumulatorValue", initialAccumulatorValue, in: "finite and ≥ 0") {
      $0.isFinite && $0 >= 0
    }
    try require("epsilon", epsilon, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// `["accumulator"]`.
  public override var slotNames: [String] { ["accumulator"] }

  /// The accumulator starts at `initialAccumulatorValue`.
  public override func initialValue(ofSlot slotName: String) -> Double {
    slotName == "accumulator" ? initialAccumulatorValue : 0
  }

  /// One Adagrad step on `variable`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard let accumulator = slots.first else {
      throw PlexusError.invalidState(
        context: "Adagrad.update", message: "expected the accumulator slot, received none")
    }
    let dtype = variable.dtype
    let sum = try Ops.add(current(accumulator), Ops.square(gradient))
    try accumulator.assign(sum)
    let increment = try Ops.divide(
      Ops.multiply(gradient, scalar(learningRate, dtype)),
      Ops.sqrt(Ops.add(sum, scalar(epsilon, dtype))))
    try variable.assign(Ops.subtract(current(variable), increment))
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "initial_accumulator_value": .double(initialAccumulatorValue), "epsilon": .double(epsilon),
    ]) { $1 }
  }
}
