/// The mean of absolute differences over the last axis: `mean(|yTrue - yPred|, axis: -1)`.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// The metric of the same name is ``Metrics/MeanAbsoluteError``.
/// Equivalent to `keras.losses.MeanAbsoluteError`.
public final class MeanAbsoluteError: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "mean_absolute_error") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample mean absolute errors.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try matchedTargets(yTrue, yPred)
    return try meanOverLastAxis(Ops.abs(Ops.subtract(yPred, targets)))
  }
}
