/// The squared hinge loss, averaged over the last axis: `mean(max(1 - yTrue · yPred, 0)²,
/// axis: -1)`.
///
/// Targets are `-1` or `1`; when every target of the batch is `0` or `1`, they are mapped to
/// `-1` and `1` first (`2y - 1`), as Keras does (see ``Hinge``).
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.SquaredHinge`.
public final class SquaredHinge: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "squared_hinge") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample squared hinge losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try Hinge.signed(matchedTargets(yTrue, yPred))
    let margins = try 1 - Ops.multiply(targets, yPred)
    return try meanOverLastAxis(
      Ops.square(Ops.maximum(margins, Tensor.scalar(0, dtype: yPred.dtype))))
  }
}
