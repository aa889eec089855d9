/// A piecewise-constant rate: `values[0]` while `step ≤ boundaries[0]`, `values[i]` while
/// `boundaries[i-1] < step ≤ boundaries[i]`, and the last value after the last boundary.
///
/// ```swift
/// // 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1.
/// let schedule = PiecewiseConstantDecay(boundaries: [100_000, 110_000], values: [1, 0.5, 0.1])
/// ```
/// Equivalent to `keras.optimizers.schedules.PiecewiseConstantDecay`.
public struct PiecewiseConstantDecay: LearningRateSchedule {
  /// The steps where the rate changes, strictly increasing.
  public let boundaries: [Int]
  /// The rates of the intervals: one more than `boundaries`.
  public let values: [Double]
  /// Keras's name of the schedule.
  public let name: String

  /// Creates the schedule.
  public init(boundaries: [Int], values: [Double], name: String = "PiecewiseConstant") {
    self.boundaries = boundaries
    self.values = values
    self.name = name
  }

  /// The value of the interval holding `step` (0 when the settings are invalid).
  public func callAsFunction(_ step: Int) -> Double {
    guard values.count == boundaries.count + 1 else { return 0 }
    let interval = boundaries.firstIndex { step <= $0 } ?? boundaries.count
    return values[interval]
  }

  /// Requires at least one boundary, strictly increasing boundaries, one more value than
  /// boundaries and finite, non-negative values.
  public func validate() throws {
    guard !boundaries.isEmpty, values.count == boundaries.count + 1 else {
      throw PlexusError.invalidArgument(
        context: className,
        message: "needs at least one boundary and one value more than boundaries; received "
          + "\(boundaries.count) boundaries and \(values.count) values")
    }
    for (previous, next) in zip(boundaries, boundaries.dropFirst()) where next <= previous {
      throw PlexusError.invalidArgument(
        context: className,
        message: "boundaries must be strictly increasing, received \(boundaries)")
    }
    for value in values {
      try require("every value", value, in: "finite and ≥ 0") { $0.isFinite && $0 >= 0 }
    }
  }

  /// The settings under their Keras names.
  public var config: [String: ConfigValue] {
    [
      "boundaries": .array(boundaries.map(ConfigValue.int)),
      "values": .array(values.map(ConfigValue.double)), "name": .string(name),
    ]
  }
}
