/// The best precision (`tp / (tp + fp)`) at a threshold whose recall (`tp / (tp + fn)`) is at least
/// `recall`, over every batch since the last reset.
///
/// ```swift
/// let metric = try PrecisionAtRecall(recall: 0.8)
/// try metric.update(labels, probabilities)
/// print(metric.result())
/// ```
///
/// The counts and their reading are ``SensitivitySpecificityBase``'s.
/// Equivalent to `keras.metrics.PrecisionAtRecall`.
public final class PrecisionAtRecall: SensitivitySpecificityBase {
  /// Creates the metric; `recall` outside `[0, 1]`, `numThresholds < 1` or a negative
  /// `classId` throws.
  public init(
    recall: Double, numThresholds: Int = 200, classId: Int? = nil,
    name: String = "precision_at_recall"
  ) throws {
    try super.init(
      value: recall, valueName: "recall", numThresholds: numThresholds, classId: classId,
      name: name)
  }

  /// The recall the result is constrained by.
  public var recall: Double { value }

  /// The best precision among the thresholds whose recall is at least `recall` (0 when none
  /// is).
  public override func result() -> Double {
    let rates = self.rates
    return largest(rates.precision, where: rates.sensitivity)
  }

  /// `name`, `dtype`, `class_id`, `num_thresholds` and `recall`.
  public override var config: [String: ConfigValue] {
    super.config.merging(["recall": .double(value)]) { $1 }
  }
}
