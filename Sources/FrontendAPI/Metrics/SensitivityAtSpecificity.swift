/// The best sensitivity (`tp / (tp + fn)`) at a threshold whose specificity (`tn / (tn + fp)`) is
/// at least `specificity`, over every batch since the last reset.
///
/// ```swift
/// let metric = try SensitivityAtSpecificity(specificity: 0.8)
/// try metric.update(labels, probabilities)
/// print(metric.result())
/// ```
///
/// The counts and their reading are ``SensitivitySpecificityBase``'s.
/// Equivalent to `keras.metrics.SensitivityAtSpecificity`.
public final class SensitivityAtSpecificity: SensitivitySpecificityBase {
  /// Creates the metric; `specificity` outside `[0, 1]`, `numThresholds < 1` or a negative
  /// `classId` throws.
  public init(
    specificity: Double, numThresholds: Int = 200, classId: Int? = nil,
    name: String = "sensitivity_at_specificity"
  ) throws {
    try super.init(
      value: specificity, valueName: "specificity", numThresholds: numThresholds, classId: classId,
      name: name)
  }

  /// The specificity the result is constrained by.
  public var specificity: Double { value }

  /// The best sensitivity among the thresholds whose specificity is at least `specificity` (0
  /// when none is).
  public override func result() -> Double {
    let rates = self.rates
    return largest(rates.sensitivity, where: rates.specificity)
  }

  /// `name`, `dtype`, `class_id`, `num_thresholds` and `specificity`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["specificity": .double(value)]) { $1 }
  }
}
