/// Gradient descent with optional momentum and Nesterov momentum.
///
/// Without momentum: `w -= learningRate * g`. With momentum:
/// `v = momentum * v - learningRate * g; w += v`, or with `nesterov`,
/// `w += momentum * v - learningRate * g`. Runs the backend's fused `sgdUpdate` kernel in place
/// when there is one. Equivalent to `keras.optimizers.SGD`.
public final class SGD: Optimizer {
  /// The momentum factor in `[0, 1]`; 0 keeps no velocity slot.
  public let momentum: Double
  /// Whether to apply Nesterov momentum.
  public let nesterov: Bool

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.01, learningRateSchedule: (any LearningRateSchedule)? = nil,
    momentum: Double = 0, nesterov: Bool = false, weightDecay: Double? = nil,
    clipnorm: Double? = nil, clipvalue: Double? = nil, globalClipnorm: Double? = nil,
    useEMA: Bool = false, emaMomentum: Double = 0.99, emaOverwriteFrequency: Int? = nil,
    gradientAccumulationSteps: Int? = nil,
    name: String = "sgd"
  ) {
    self.momentum = momentum
    self.nesterov = nesterov
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires `momentum` in `[0, 1]`, as Keras does.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("momentum", momentum, in: "in [0, 1]") { (0...1).contains($0) }
  }

  /// `["momentum"]` when `momentum` is non-zero, else none.
  public override var slotNames: [String] { momentum != 0 ? ["momentum"] : [] }

  /// One SGD step on `variable`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    let velocity = slots.first
    if canFuse(.sgdUpdate, variable.dtype) {
      let rate = stepInputs(learningRate: learningRate, step: step).learningRate
      let attributes: OpAttributes = [.momentum: .double(momentum), .nesterov: .bool(nesterov)]
      try variable.withMutableBuffer { w in
        guard let velocity else {
          return try runFused(.sgdUpdate, [w, gradient.buffer, rate], attributes)
        }
        try velocity.withMutableBuffer { v in
          try runFused(.sgdUpdate, [w, gradient.buffer, rate, v], attributes)
        }
      }
      return
    }
    let dtype = variable.dtype
    let scaledGradient = try Ops.multiply(gradient, Tensor.scalar(learningRate, dtype: dtype))
    guard let velocity else {
      try variable.assign(Ops.subtract(current(variable), scaledGradient))
      return
    }
    let momentumFactor = try Tensor.scalar(momentum, dtype: dtype)
    let newVelocity = try Ops.subtract(
      Ops.multiply(current(velocity), momentumFactor), scaledGradient)
    try velocity.assign(newVelocity)
    let increment =
      nesterov
      ? try Ops.subtract(Ops.multiply(newVelocity, momentumFactor), scaledGradient)
      : newVelocity
    try variable.assign(Ops.add(current(variable), increment))
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging(["momentum": .double(momentum), "nesterov": .bool(nesterov)]) { $1 }
  }
}
