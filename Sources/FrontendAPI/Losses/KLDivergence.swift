/// The Kullback-Leibler divergence of the predicted distribution from the target one, summed
/// over the last axis: `sum(t · log(t / p), axis: -1)` with `t` and `p` clipped to `[1e-7, 1]`.
///
/// - `yTrue`, `yPred`: probability distributions over the last axis, of the same shape
///   `(batch, ..., d)`; targets of `(batch, ...)` with predictions of `(batch, ..., 1)` are
///   accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.KLDivergence`.
public final class KLDivergence: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "kl_divergence") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample divergences.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try Ops.clip(matchedTargets(yTrue, yPred), min: 1e-7, max: 1)
    let predictions = try Ops.clip(yPred, min: 1e-7, max: 1)
    let terms = try Ops.multiply(targets, Ops.log(Ops.divide(targets, predictions)))
    return terms.rank == 0 ? terms : try Ops.sum(terms, axes: [-1])
  }
}
