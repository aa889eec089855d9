/// The hinge loss of a maximum-margin classifier, averaged over the last axis:
/// `mean(max(1 - yTrue · yPred, 0), axis: -1)`.
///
/// Targets are `-1` or `1`; when every target of the batch is `0` or `1`, they are mapped to
/// `-1` and `1` first (`2y - 1`), as Keras does. The check runs on the device, with no read back.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.Hinge`.
public final class Hinge: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "hinge") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample hinge losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try Self.signed(matchedTargets(yTrue, yPred))
    let margins = try 1 - Ops.multiply(targets, yPred)
    return try meanOverLastAxis(Ops.maximum(margins, Tensor.scalar(0, dtype: yPred.dtype)))
  }

  /// `2y - 1` when every target is 0 or 1, else the targets unchanged.
  static func signed(_ targets: Tensor) throws -> Tensor {
    guard targets.count > 0 else { return targets }
    let dtype = targets.dtype
    let binary = try Ops.logicalOr(
      Ops.equal(targets, Tensor.scalar(0, dtype: dtype)),
      Ops.equal(targets, Tensor.scalar(1, dtype: dtype)))
    // 1 when every target is binary, else 0: a scalar that selects for the whole batch.
    let allBinary = try Ops.min(Ops.cast(binary, to: dtype))
    let converted = try targets * 2 - 1
    return try Ops.where(
      Ops.greater(allBinary, Tensor.scalar(0.5, dtype: dtype)), converted, targets)
  }
}
