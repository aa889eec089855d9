/// The mean of squared differences over the last axis: `mean((yTrue - yPred)², axis: -1)`.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.MeanSquaredError`.
public final class MeanSquaredError: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "mean_squared_error") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample mean squared errors.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try matchedTargets(yTrue, yPred)
    return try meanOverLastAxis(Ops.square(Ops.subtract(yPred, targets)))
  }
}
