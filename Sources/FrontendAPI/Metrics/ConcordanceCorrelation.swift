/// The running mean of the concordance correlation coefficient between targets and predictions
/// along `axis`: agreement in both correlation and scale, 1 for identical values.
///
/// Computed as Keras 3 computes it, `mean(2 · (yTrue - mean(yPred)) · (yPred - mean(yPred))
/// / (var(yTrue) + var(yPred) + (mean(yTrue) - mean(yPred))² + 1e-7))`: Keras centres the
/// targets on the predictions' mean in the covariance term (Lin's coefficient centres them on
/// their own), and Plexus keeps its numbers so that monitoring and checkpoints agree.
///
/// ```swift
/// try model.compile(optimizer: "sgd", loss: "mse", metrics: [ConcordanceCorrelation()])
/// ```
/// - `yTrue`, `yPred`: the same shape (one may have an extra trailing axis of 1).
///
/// Equivalent to `keras.metrics.ConcordanceCorrelation`.
public final class ConcordanceCorrelation: Metric {
  /// A mask on the predictions weighs each update, as Keras's.
  public override var weighsByPredictionMask: Bool { true }

  /// The axes the coefficient is taken along (negative counts from the end).
  public let axis: [Int]

  /// Creates the metric over one axis (the last by default).
  public convenience init(name: String = "concordance_correlation", axis: Int = -1) {
    self.init(name: name, axes: [axis])
  }

  /// Creates the metric over several axes (Keras's `axis=(1, 2)`).
  public init(name: String = "concordance_correlation", axes: [Int]) {
    self.axis = axes
    super.init(name: name)
  }

  /// Adds one batch: each group's coefficient, weighted by `sampleWeight` when given.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try accumulateGroups(yTrue, yPred, axis: axis, sampleWeight: sampleWeight) { t, p in
      let (meanT, meanP) = (Self.mean(t), Self.mean(p))
      let varianceT = Self.variance(t.map { $0 - meanT })
      let varianceP = Self.variance(p.map { $0 - meanP })
      let norm = varianceT + varianceP + (meanT - meanP) * (meanT - meanP)
      return Self.mean(zip(t, p).map { 2 * (($0 - meanP) * ($1 - meanP)) / (norm + 1e-7) })
    }
  }

  /// `name`, `dtype` and `axis` (an integer, or a list for several).
  public override var config: [String: ConfigValue] {
    super.config.merging(["axis": Loss.axisValue(axis)]) { $1 }
  }
}
