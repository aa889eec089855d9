/// The weighted number of positive labels predicted negative at each threshold, over every batch
/// since the last reset (see ``ConfusionConditionCount``).
///
/// ```swift
/// let metric = FalseNegatives(thresholds: [0.3, 0.7])
/// try metric.update(labels, probabilities)
/// print(metric.results())
/// ```
///
/// Equivalent to `keras.metrics.FalseNegatives`.
public final class FalseNegatives: ConfusionConditionCount {
  /// Creates the metric. A threshold outside `[0, 1]` throws at the first update.
  public init(thresholds: [Double]? = nil, name: String = "false_negatives") {
    super.init(.falseNegatives, thresholds: thresholds, name: name)
  }
}
