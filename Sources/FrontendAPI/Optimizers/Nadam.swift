import Foundation

/// Nadam: Adam with Nesterov momentum, with Dozat's momentum schedule
/// `u_t = beta1 · (1 - ½·0.96^t)`.
///
/// `m += (g - m)(1 - beta1); v += (g² - v)(1 - beta2);
/// mHat = u_{t+1}·m / (1 - Πu_{..t+1}) + (1 - u_t)·g / (1 - Πu_{..t});
/// w -= learningRate · mHat / (sqrt(v / (1 - beta2^t)) + epsilon)`, where `Πu` is the running
/// product of the `u_t`, kept as one optimizer-wide state variable (listed after the slots, as
/// in Keras). Equivalent to `keras.optimizers.Nadam`.
public final class Nadam: Optimizer {
  /// The decay rate of the first-moment estimate.
  public let beta1: Double
  /// The decay rate of the second-moment estimate.
  public let beta2: Double
  /// Added to `sqrt(vHat)` for numerical stability.
  public let epsilon: Double
  /// The running product of the momentum schedule, created at the first step.
  private var momentumProduct: Variable?

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7,
    weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
    globalClipnorm: Double? = nil, useEMA: Bool = false, emaMomentum: Double = 0.99,
    emaOverwriteFrequency: Int? = nil, gradientAccumulationSteps: Int? = nil, name: String = "nadam"
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

  /// Also requires `beta1` and `beta2` in `[0, 1)` and a finite, non-negative `epsilon`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("beta1", beta1, in: "in [0, 1)") { (0..<1).contains($0) }
    try require("beta2", beta2, in: "in [0, 1)") { (0..<1).contains($0) }
    try require("epsilon", epsilon, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// The first and second moments: `["momentum", "velocity"]`.
  public override var slotNames: [String] { ["momentum", "velocity"] }

  /// The running product (a scalar starting at 1, of the first variable's dtype, as Keras
  /// makes it).
  override func sharedState(for variables: [Variable]) throws -> [Variable] {
    [try product(dtype: variables.first?.dtype ?? .float32)]
  }

  /// Multiplies the running product by this step's `u_t`.
  override func beginStep(_ step: Int, variables: [Variable]) throws {
    let product = try product(dtype: variables.first?.dtype ?? .float32)
    try product.assign(Ops.multiply(current(product), scalar(schedule(step), product.dtype)))
  }

  private func product(dtype: DType) throws -> Variable {
    if let momentumProduct { return momentumProduct }
    let made = registerState(
      Variable(try Tensor.ones([], dtype: dtype), name: "u_product", trainable: false))
    momentumProduct = made
    return made
  }

  /// `u_t = beta1 · (1 - ½·0.96^t)`.
  private func schedule(_ step: Int) -> Double {
    beta1 * (1 - 0.5 * pow(0.96, Double(step)))
  }

  /// One Nadam step on `variable`; the running product already includes this step's `u_t`.
  public override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard slots.count == 2, let momentumProduct else {
      throw PlexusError.invalidState(
        context: "Nadam.update",
        message: "expected slots \(slotNames) and the running product, received \(slots.count) "
          + "slots")
    }
    let (m, v) = (slots[0], slots[1])
    let dtype = variable.dtype
    let (uNow, uNext) = (schedule(step), schedule(step + 1))
    let one = try scalar(1, dtype)
    let productNow = try Ops.cast(current(momentumProduct), to: dtype)
    let productNext = try Ops.multiply(productNow, scalar(uNext, dtype))
    let newM = try Ops.add(
      current(m), Ops.multiply(Ops.subtract(gradient, current(m)), scalar(1 - beta1, dtype)))
    let newV = try Ops.add(
      current(v),
      Ops.multiply(Ops.subtract(Ops.square(gradient), current(v)), scalar(1 - beta2, dtype)))
    try m.assign(newM)
    try v.assign(newV)
    let mHat = try Ops.add(
      Ops.divide(Ops.multiply(newM, scalar(uNext, dtype)), Ops.subtract(one, productNext)),
      Ops.divide(Ops.multiply(gradient, scalar(1 - uNow, dtype)), Ops.subtract(one, productNow)))
    let vHat = try Ops.divide(newV, scalar(1 - pow(beta2, Double(step)), dtype))
    let increment = try Ops.divide(
      Ops.multiply(mHat, scalar(learningRate, dtype)),
      Ops.add(Ops.sqrt(vHat), scalar(epsilon, dtype)))
    try variable.assign(Ops.subtract(current(variable), increment))
  }

  /// The hyper-parameters under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "beta_1": .double(beta1), "beta_2": .double(beta2), "epsilon": .double(epsilon),
    ]) { $1 }
  }
}
