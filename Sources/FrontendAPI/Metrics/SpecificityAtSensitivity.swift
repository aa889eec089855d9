/// The best specificity (`tn / (tn + fp)`) at a threshold whose sensitivity (`tp / (tp + fn)`) is
/// at least `sensitivity`, over every batch since the last reset.
///
/// ```swift
/// let metric = try SpecificityAtSensitivity(sensitivity: 0.8)
/// try metric.update(labels, probabilities)
/// print(metric.result())
/// ```
///
/// The counts and their reading are ``SensitivitySpecificityBase``'s.
/// Equivalent to `keras.metrics.SpecificityAtSensitivity`.
public final class SpecificityAtSensitivity: SensitivitySpecificityBase {
  /// Creates the metric; `sensitivity` outside `[0, 1]`, `numThresholds < 1` or a negative
  /// `classId` throws.
  public init(
    sensitivity: Double, numThresholds: Int = 200, classId: Int? = nil,
    name: String = "specificity_at_sensitivity"
  ) throws {
    try super.init(
      value: sensitivity, valueName: "sensitivity", numThresholds: numThresholds, classId: classId,
      name: name)
  }

  /// The sensitivity the result is constrained by.
  public var sensitivity: Double { value }

  /// The best specificity among the thresholds whose sensitivity is at least `sensitivity` (0
  /// when none is).
  public override func result() -> Double {
    let rates = self.rates
    return largest(rates.specificity, where: rates.sensitivity)
  }

  /// `name`, `dtype`, `class_id`, `num_thresholds` and `sensitivity`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["sensitivity": .double(value)]) { $1 }
  }
}
