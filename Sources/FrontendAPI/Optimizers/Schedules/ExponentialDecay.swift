import Foundation

/// Exponential decay: `initialLearningRate · decayRate^(step / decaySteps)`, with the exponent
/// rounded down when `staircase` is set (the rate then drops every `decaySteps` steps).
///
/// ```swift
/// let schedule = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 100_000,
///                                 decayRate: 0.96, staircase: true)
/// let optimizer = SGD(learningRateSchedule: schedule)
/// ```
/// Equivalent to `keras.optimizers.schedules.ExponentialDecay`.
public struct ExponentialDecay: LearningRateSchedule {
  /// The rate at step 0.
  public let initialLearningRate: Double
  /// The steps over which the rate is multiplied by `decayRate`; must be positive.
  public let decaySteps: Int
  /// The factor applied every `decaySteps` steps.
  public let decayRate: Double
  /// Whether the rate changes only every `decaySteps` steps.
  public let staircase: Bool
  /// Keras's name of the schedule.
  public let name: String

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Double, decaySteps: Int, decayRate: Double, staircase: Bool = false,
    name: String = "ExponentialDecay"
  ) {
    self.initialLearningRate = initialLearningRate
    self.decaySteps = decaySteps
    self.decayRate = decayRate
    self.staircase = staircase
    self.name = name
  }

  /// `initialLearningRate · decayRate^p`, `p = step / decaySteps` (floored with `staircase`).
  public func callAsFunction(_ step: Int) -> Double {
    var p = Double(step) / Double(decaySteps)
    if staircase { p = p.rounded(.down) }
    return initialLearningRate * pow(decayRate, p)
  }

  /// Requires a finite, non-negative initial rate and decay rate and positive `decaySteps`.
  public func validate() throws {
    try requireRateAndSteps(initialLearningRate, decaySteps: decaySteps)
    try require("decayRate", decayRate, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// The settings under their Keras names.
  public var config: [String: ConfigValue] {
    [
      "initial_learning_rate": .double(initialLearningRate), "decay_steps": .int(decaySteps),
      "decay_rate": .double(decayRate), "staircase": .bool(staircase), "name": .string(name),
    ]
  }
}
