/// The weighted number of negative labels predicted negative at each threshold, over every batch
/// since the last reset (see ``ConfusionConditionCount``).
///
/// ```swift
/// let metric = TrueNegatives(thresholds: [0.3, 0.7])
/// try metric.update(labels, probabilities)
/// print(metric.results())
/// ```
///
/// Equivalent to `keras.metrics.TrueNegatives`.
public final class TrueNegatives: ConfusionConditionCount {
  /// Creates the metric. A threshold outside `[0, 1]` throws at the first update.
  public init(thresholds: [Double]? = nil, name: String = "true_negatives") {
    super.init(.trueNegatives, thresholds: thresholds, name: name)
  }
}
