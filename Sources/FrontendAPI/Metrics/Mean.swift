/// The running (weighted) mean of the values it is given; Keras's loss tracker in `fit`.
///
/// ```swift
/// let tracker = Mean(name: "loss")
/// try tracker.update(values: lossValue)
/// print(tracker.result())
/// ```
///
/// Equivalent to `keras.metrics.Mean`.
public final class Mean: Metric {
  /// Creates the metric.
  public override init(name: String = "mean") {
    super.init(name: name)
  }

  /// Adds `values` (any shape; each sample's elements are averaged), weighted by
  /// `sampleWeight`. Equivalent to `update_state(values, sample_weight)`.
  public func update(values: Tensor, sampleWeight: Tensor? = nil) throws {
    try accumulate(Self.hostValues(values), shape: values.shape, sampleWeight: sampleWeight)
  }

  /// Adds one host value with a weight.
  public func update(value: Double, weight: Double = 1) {
    accumulate(value: value, weight: weight)
  }

  /// Adds `yPred` as values; `yTrue` is ignored (so `Mean` fits where any metric fits).
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try update(values: yPred, sampleWeight: sampleWeight)
  }
}
