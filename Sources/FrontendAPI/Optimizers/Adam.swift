import Foundation

/// Adam: adaptive moment estimation, with Keras's bias correction folded into the step size.
///
/// `m += (g - m)(1 - beta1); v += (g² - v)(1 - beta2);
/// w -= learningRate · sqrt(1 - beta2^t) / (1 - beta1^t) · m / (sqrt(v) + epsilon)`.
/// With `amsgrad`, the denominator uses `vHat = max(vHat, v)`, the largest second moment so
/// far. Runs the backend's fused `adamUpdate` kernel in place when there is one (not with
/// `amsgrad`). Equivalent to `keras.optimizers.Adam`.
open class Adam: Optimizer {
  /// The decay rate of the first-moment estimate.
  public let beta1: Double
  /// The decay rate of the second-moment estimate.
  public let beta2: Double
  /// Added to `sqrt(v)` for numerical stability.
  public let epsilon: Double
  /// Whether to apply the AMSGrad variant (a `velocity_hat` slot per variable).
  public let amsgrad: Bool
  /// The fused update's attributes, made once.
  private let fusedAttributes: OpAttributes

  /// Creates the optimizer with Keras's defaults; a `learningRateSchedule` replaces the
  /// fixed `learningRate`.
  public init(
    learningRate: Double = 0.001, learningRateSchedule: (any LearningRateSchedule)? = nil,
    beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7, amsgrad: Bool = false,
    weightDecay: Double? = nil, clipnorm: Double? = nil, clipvalue: Double? = nil,
    globalClipnorm: Double? = nil, useEMA: Bool = false, emaMomentum: Double = 0.99,
    emaOverwriteFrequency: Int? = nil, gradientAccumulationSteps: Int? = nil, name: String = "adam"
  ) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.amsgrad = amsgrad
    self.fusedAttributes = [
      .beta1: .double(beta1), .beta2: .double(beta2), .epsilon: .double(epsilon),
    ]
    super.init(
      learningRate: learningRate, learningRateSchedule: learningRateSchedule, name: name,
      weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
      globalClipnorm: globalClipnorm, useEMA: useEMA, emaMomentum: emaMomentum,
      emaOverwriteFrequency: emaOverwriteFrequency,
      gradientAccumulationSteps: gradientAccumulationSteps)
  }

  /// Also requires `beta1` and `beta2` in `[0, 1)` (at 1 the bias correction divides by zero)
  /// and a finite, non-negative `epsilon`.
  open override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try require("beta1", beta1, in: "in [0, 1)") { (0..<1).contains($0) }
    try require("beta2", beta2, in: "in [0, 1)") { (0..<1).contains($0) }
    try require("epsilon", epsilon, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// Every variable of the step in one `adam_update` record (up to 16 a record), when a backend
  /// runs it for their dtype (one dtype for all). ``update(_:gradient:slots:learningRate:step:)``
  /// is final, so the fused path and the per-variable one cannot disagree.
  open override func updateFused(
    _ variables: [Variable], gradients: [Tensor], slots: [[Variable]], learningRate: Double,
    step: Int
  ) throws -> Bool {
    guard !amsgrad, let dtype = variables.first?.dtype,
      variables.allSatisfy({ $0.dtype == dtype }),
      slots.allSatisfy({ $0.count == 2 }), canFuse(.adamUpdate, dtype)
    else { return false }
    let perStep = stepInputs(learningRate: learningRate, step: step)
    // A record per chunk of variables keeps the nested locks, one per variable and moment,
    // a bounded depth.
    for start in stride(from: 0, to: variables.count, by: Self.variablesPerRecord) {
      let chunk = start..<Swift.min(start + Self.variablesPerRecord, variables.count)
      var held: [Variable] = []
      held.reserveCapacity(chunk.count * 3)
      for index in chunk {
        held.append(variables[index])
        held.append(slots[index][0])
        held.append(slots[index][1])
      }
      try Variable.withMutableBuffers(held) { buffers in
        var inputs: [TensorBuffer] = []
        inputs.reserveCapacity(chunk.count * 4 + 2)
        for (offset, index) in chunk.enumerated() {
          inputs.append(buffers[offset * 3])
          inputs.append(gradients[index].buffer)
          inputs.append(buffers[offset * 3 + 1])
          inputs.append(buffers[offset * 3 + 2])
        }
        inputs.append(perStep.learningRate)
        inputs.append(perStep.step)
        try runFused(.adamUpdate, inputs, fusedAttributes)
      }
    }
    return true
  }

  /// The most variables one fused record updates.
  static let variablesPerRecord = 16

  /// The first and second moments, `["momentum", "velocity"]`, then `"velocity_hat"` with
  /// `amsgrad`.
  open override var slotNames: [String] { slotGroups.flatMap { $0 } }

  /// `[["momentum", "velocity"]]`, and `[["velocity_hat"]]` after it with `amsgrad` (Keras
  /// creates the `velocity_hat` of every variable after all the moments).
  open override var slotGroups: [[String]] {
    [["momentum", "velocity"]] + (amsgrad ? [["velocity_hat"]] : [])
  }

  /// One Adam step on `variable`; `slots` are the first and second moments (and the largest
  /// second moment with `amsgrad`).
  public final override func update(
    _ variable: Variable, gradient: Tensor, slots: [Variable], learningRate: Double, step: Int
  ) throws {
    guard slots.count == (amsgrad ? 3 : 2) else {
      throw PlexusError.invalidState(
        context: "\(type(of: self)).update",
        message: "expected the slots \(slotNames), received \(slots.count) slots")
    }
    let (m, v) = (slots[0], slots[1])
    let dtype = variable.dtype
    let t = Double(step)
    let alpha = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
    let newM = try Ops.add(
      current(m),
      Ops.multiply(Ops.subtract(gradient, current(m)), Tensor.scalar(1 - beta1, dtype: dtype)))
    let newV = try Ops.add(
      current(v),
      Ops.multiply(
        Ops.subtract(Ops.square(gradient), current(v)), Tensor.scalar(1 - beta2, dtype: dtype)))
    try m.assign(newM)
    try v.assign(newV)
    var second = newV
    if amsgrad {
      second = try Ops.maximum(current(slots[2]), newV)
      try slots[2].assign(second)
    }
    let denominator = try Ops.add(Ops.sqrt(second), Tensor.scalar(epsilon, dtype: dtype))
    let delta = try Ops.divide(Ops.multiply(newM, Tensor.scalar(alpha, dtype: dtype)), denominator)
    try variable.assign(Ops.subtract(current(variable), delta))
  }

  /// The hyper-parameters under their Keras names.
  open override var config: [String: ConfigValue] {
    super.config.merging([
      "beta_1": .double(beta1), "beta_2": .double(beta2), "epsilon": .double(epsilon),
      "amsgrad": .bool(amsgrad),
    ]) { $1 }
  }
}
