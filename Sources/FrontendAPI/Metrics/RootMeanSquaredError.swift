/// The square root of the running mean of squared errors, `sqrt(mean((yPred - yTrue)²))`.
///
/// Every element is a value of its sample (no per-sample mean over the last axis first, unlike
/// ``Metrics/MeanAbsoluteError``); sample weights are per sample or per element.
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.RootMeanSquaredError`.
public final class RootMeanSquaredError: Metric {
  /// Creates the metric.
  public override init(name: String = "root_mean_squared_error") {
    super.init(name: name)
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    let (truth, predicted, shape) = try matchedValues(yTrue, yPred)
    let squares = zip(truth, predicted).map { ($1 - $0) * ($1 - $0) }
    try accumulate(squares, shape: shape, sampleWeight: sampleWeight)
  }

  /// The root of the weighted mean square so far (0 before any update).
  public override func result() -> Double { super.result().squareRoot() }
}
