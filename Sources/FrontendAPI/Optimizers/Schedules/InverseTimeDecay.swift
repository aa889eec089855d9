/// Inverse time decay: `initialLearningRate / (1 + decayRate · step / decaySteps)`, with
/// `step / decaySteps` rounded down when `staircase` is set.
///
/// ```swift
/// let schedule = InverseTimeDecay(initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5)
/// ```
/// Equivalent to `keras.optimizers.schedules.InverseTimeDecay`.
public struct InverseTimeDecay: LearningRateSchedule {
  /// The rate at step 0.
  public let initialLearningRate: Double
  /// How often the decay applies; must be positive.
  public let decaySteps: Int
  /// How fast the rate falls.
  public let decayRate: Double
  /// Whether the rate changes only every `decaySteps` steps.
  public let staircase: Bool
  /// Keras's name of the schedule.
  public let name: String

  /// Creates the schedule with Keras's defaults.
  public init(
    initialLearningRate: Double, decaySteps: Int, decayRate: Double, staircase: Bool = false,
    name: String = "InverseTimeDecay"
  ) {
    self.initialLearningRate = initialLearningRate
    self.decaySteps = decaySteps
    self.decayRate = decayRate
    self.staircase = staircase
    self.name = name
  }

  /// `initialLearningRate / (1 + decayRate · p)`, `p = step / decaySteps` (floored with
  /// `staircase`).
  public func callAsFunction(_ step: Int) -> Double {
    var p = Double(step) / Double(decaySteps)
    if staircase { p = p.rounded(.down) }
    return initialLearningRate / (1 + decayRate * p)
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
