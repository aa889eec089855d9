/// The mean absolute error relative to the targets, in percent, over the last axis:
/// `100 · mean(|yTrue - yPred| / max(|yTrue|, 1e-7), axis: -1)`.
///
/// The floor of `1e-7` (Keras's `epsilon()`) keeps a zero target from dividing by zero: its
/// error counts `1e7` times over instead.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.MeanAbsolutePercentageError`.
public final class MeanAbsolutePercentageError: Loss {
  /// Creates the loss.
  public init(
    reduction: Reduction = .sumOverBatchSize, name: String = "mean_absolute_percentage_error"
  ) {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample mean absolute percentage errors.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try matchedTargets(yTrue, yPred)
    let scale = try Ops.maximum(Ops.abs(targets), Tensor.scalar(1e-7, dtype: yPred.dtype))
    let relative = try Ops.abs(Ops.divide(Ops.subtract(targets, yPred), scale))
    return try meanOverLastAxis(relative) * 100
  }
}
