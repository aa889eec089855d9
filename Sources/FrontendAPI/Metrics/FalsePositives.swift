/// The weighted number of negative labels predicted positive at each threshold, over every batch
/// since the last reset (see ``ConfusionConditionCount``).
///
/// ```swift
/// let metric = FalsePositives(thresholds: [0.3, 0.7])
/// try metric.update(labels, probabilities)
/// print(metric.results())
/// ```
///
/// Equivalent to `keras.metrics.FalsePositives`.
public final class FalsePositives: ConfusionConditionCount {
  /// Creates the metric. A threshold outside `[0, 1]` throws at the first update.
  public init(thresholds: [Double]? = nil, name: String = "false_positives") {
    super.init(.falsePositives, thresholds: thresholds, name: name)
  }
}
