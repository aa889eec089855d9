import Foundation

/// Polynomial decay from `initialLearningRate` to `endLearningRate` over `decaySteps` steps:
/// `(initial - end) · (1 - step / decaySteps)^power + end`, with `step` capped at `decaySteps`;
/// with `cycle`, `decaySteps` is instead stretched to the first multiple of itself that is at
/// least `step`, so the decay restarts.
///
/// ```swift
/// let schedule = PolynomialDecay(initialLearningRate: 0.1, decaySteps: 10_000,
///                                endLearningRate: 0.01, power: 0.5)
/// ```
/// Equivalent to `keras.optimizers.schedules.PolynomialDecay`.
public struct PolynomialDecay: LearningRateSchedule {
  /// The rate at step 0.
  public let initialLearningRate: Double
  /// The steps over which the rate falls to `endLearningRate`; must be positive.
  public let decaySteps: Int
  /// The rate reached after `decaySteps` steps.
  public let endLearningRate: Double
  /// The power of the polynomial (1 is linear).
  public let power: Double
  /// Whether the decay restarts every `decaySteps` steps, each time over a longer span.
  public let cycle: Bool
  /// Keras's name of the schedule.
  public let name: String

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Double, decaySteps: Int, endLearningRate: Double = 0.0001,
    power: Double = 1, cycle: Bool = false, name: String = "PolynomialDecay"
  ) {
    self.initialLearningRate = initialLearningRate
    self.decaySteps = decaySteps
    self.endLearningRate = endLearningRate
    self.power = power
    self.cycle = cycle
    self.name = name
  }

  /// `(initial - end) · (1 - step / span)^power + end`.
  public func callAsFunction(_ step: Int) -> Double {
    var step = Double(step)
    var span = Double(decaySteps)
    if cycle {
      // The first multiple of decaySteps that is at least step (1 at step 0).
      span *= step == 0 ? 1 : (step / span).rounded(.up)
    } else {
      step = Swift.min(step, span)
    }
    return (initialLearningRate - endLearningRate) * pow(1 - step / span, power)
      + endLearningRate
  }

  /// Requires finite, non-negative rates and power and positive `decaySteps`.
  public func validate() throws {
    try requireRateAndSteps(initialLearningRate, decaySteps: decaySteps)
    try require("endLearningRate", endLearningRate, in: "finite and ≥ 0") {
      $0.isFinite && $0 >= 0
    }
    try require("power", power, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
  }

  /// The settings under their Keras names.
  public var config: [String: ConfigValue] {
    [
      "initial_learning_rate": .double(initialLearningRate), "decay_steps": .int(decaySteps),
      "end_learning_rate": .double(endLearningRate), "power": .double(power),
      "cycle": .bool(cycle), "name": .string(name),
    ]
  }
}
