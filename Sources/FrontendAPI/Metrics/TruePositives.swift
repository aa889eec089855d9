/// The weighted number of positive labels predicted positive at each threshold, over every batch
/// since the last reset (see ``ConfusionConditionCount``).
///
/// ```swift
/// let metric = TruePositives(thresholds: [0.3, 0.7])
/// try metric.update(labels, probabilities)
/// print(metric.results())
/// ```
///
/// Equivalent to `keras.metrics.TruePositives`.
public final class TruePositives: ConfusionConditionCount {
  /// Creates the metric. A threshold outside `[0, 1]` throws at the first update.
  public init(thresholds: [Double]? = nil, name: String = "true_positives") {
    super.init(.truePositives, thresholds: thresholds, name: name)
  }
}
