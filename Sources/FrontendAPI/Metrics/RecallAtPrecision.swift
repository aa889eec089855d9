/// The best recall (`tp / (tp + fn)`) at a threshold whose precision (`tp / (tp + fp)`) is at least
/// `precision`, over every batch since the last reset.
///
/// ```swift
/// let metric = try RecallAtPrecision(precision: 0.8)
/// try metric.update(labels, probabilities)
/// print(metric.result())
/// ```
///
/// The counts and their reading are ``SensitivitySpecificityBase``'s.
/// Equivalent to `keras.metrics.RecallAtPrecision`.
public final class RecallAtPrecision: SensitivitySpecificityBase {
  /// Creates the metric; `precision` outside `[0, 1]`, `numThresholds < 1` or a negative
  /// `classId` throws.
  public init(
    precision: Double, numThresholds: Int = 200, classId: Int? = nil,
    name: String = "recall_at_precision"
  ) throws {
    try super.init(
      value: precision, valueName: "precision", numThresholds: numThresholds, classId: classId,
      name: name)
  }

  /// The precision the result is constrained by.
  public var precision: Double { value }

  /// The best recall among the thresholds whose precision is at least `precision` (0 when none
  /// is).
  public override func result() -> Double {
    let rates = self.rates
    return largest(rates.sensitivity, where: rates.precision)
  }

  /// `name`, `dtype`, `class_id`, `num_thresholds` and `precision`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["precision": .double(value)]) { $1 }
  }
}
