/// The hinge loss of a multi-class maximum-margin classifier over one-hot targets:
/// `max(max((1 - yTrue) · yPred) - sum(yTrue · yPred) + 1, 0)` along the last axis, the
/// best wrong class's score against the true class's, with a margin of 1.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., classes)`. Per-sample result:
///   `(batch, ...)`.
///
/// Equivalent to `keras.losses.CategoricalHinge`.
public final class CategoricalHinge: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "categorical_hinge") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample categorical hinge losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred, minimumRank: 1)
    let targets = try Ops.cast(yTrue, to: yPred.dtype)
    guard targets.shape == yPred.shape else {
      throw PlexusError.shapeMismatch(
        context: "CategoricalHinge", expected: "one-hot targets of shape \(yPred.shape)",
        received: "targets of shape \(yTrue.shape)")
    }
    let last = yPred.rank - 1
    let positive = try Ops.sum(Ops.multiply(targets, yPred), axes: [last])
    let negative = try Ops.max(Ops.multiply(1 - targets, yPred), axes: [last])
    return try Ops.maximum(
      Ops.subtract(negative, positive) + 1, Tensor.scalar(0, dtype: yPred.dtype))
  }
}
