/// The Poisson negative log-likelihood (without its constant term), averaged over the last axis:
/// `mean(yPred - yTrue · log(yPred + 1e-7), axis: -1)`.
///
/// - `yTrue`: counts; `yPred`: predicted rates (`>= 0`), of the same shape `(batch, ..., d)`;
///   targets of `(batch, ...)` with predictions of `(batch, ..., 1)` are accepted.
///   Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.Poisson`.
public final class Poisson: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "poisson") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample Poisson losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try matchedTargets(yTrue, yPred)
    let logRates = try Ops.log(yPred + 1e-7)
    return try meanOverLastAxis(Ops.subtract(yPred, Ops.multiply(targets, logRates)))
  }
}
