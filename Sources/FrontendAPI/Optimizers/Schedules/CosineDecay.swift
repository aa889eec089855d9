import Foundation

/// Cosine decay, with an optional linear warmup first.
///
/// Without `warmupTarget` the rate falls from `initialLearningRate` to
/// `initialLearningRate · alpha` over `decaySteps` steps:
/// `initial · ((1 - alpha) · ½(1 + cos(π · min(step, decaySteps) / decaySteps)) + alpha)`.
/// With `warmupTarget` it first rises linearly from `initialLearningRate` to `warmupTarget`
/// over `warmupSteps` steps, then decays from `warmupTarget` as above.
///
/// ```swift
/// let schedule = CosineDecay(initialLearningRate: 0, decaySteps: 1000,
///                            warmupTarget: 0.1, warmupSteps: 100)
/// ```
/// Equivalent to `keras.optimizers.schedules.CosineDecay`.
public struct CosineDecay: LearningRateSchedule {
  /// The rate at step 0.
  public let initialLearningRate: Double
  /// The steps over which the rate decays; must be positive.
  public let decaySteps: Int
  /// The final rate as a fraction of the rate the decay starts from.
  public let alpha: Double
  /// The rate the warmup reaches, or nil for no warmup.
  public let warmupTarget: Double?
  /// The steps of the warmup (used only with `warmupTarget`).
  public let warmupSteps: Int
  /// Keras's name of the schedule.
  public let name: String

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Double, decaySteps: Int, alpha: Double = 0,
    warmupTarget: Double? = nil, warmupSteps: Int = 0, name: String = "CosineDecay"
  ) {
    self.initialLearningRate = initialLearningRate
    self.decaySteps = decaySteps
    self.alpha = alpha
    self.warmupTarget = warmupTarget
    self.warmupSteps = warmupSteps
    self.name = name
  }

  /// The warmup's or the decay's rate at `step`.
  public func callAsFunction(_ step: Int) -> Double {
    let step = Double(step)
    let span = Double(decaySteps)
    guard let warmupTarget else {
      return decayed(Swift.min(step, span), from: initialLearningRate)
    }
    let warmup = Double(warmupSteps)
    let capped = Swift.min(step, span + warmup)
    if capped < warmup {
      return (warmupTarget - initialLearningRate) * (capped / warmup) + initialLearningRate
    }
    return decayed(capped - warmup, from: warmupTarget)
  }

  private func decayed(_ step: Double, from rate: Double) -> Double {
    let cosine = 0.5 * (1 + cos(Double.pi * step / Double(decaySteps)))
    return rate * ((1 - alpha) * cosine + alpha)
  }

  /// Requires finite, non-negative rates, a finite `alpha`, positive `decaySteps` and
  /// non-negative `warmupSteps`.
  public func validate() throws {
    try requireRateAndSteps(initialLearningRate, decaySteps: decaySteps)
    try require("alpha", alpha, in: "finite") { $0.isFinite }
    if let warmupTarget {
      try require("warmupTarget", warmupTarget, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    }
    guard warmupSteps >= 0 else {
      throw PlexusError.invalidArgument(
        context: className, message: "warmupSteps must be ≥ 0, received \(warmupSteps)")
    }
  }

  /// The settings under their Keras names.
  public var config: [String: ConfigValue] {
    [
      "initial_learning_rate": .double(initialLearningRate), "decay_steps": .int(decaySteps),
      "alpha": .double(alpha), "warmup_target": .optional(warmupTarget),
      "warmup_steps": .int(warmupSteps), "name": .string(name),
    ]
  }
}
