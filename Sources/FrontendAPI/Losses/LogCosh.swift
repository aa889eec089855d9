import Foundation

/// The logarithm of the hyperbolic cosine of the error, averaged over the last axis:
/// `mean(log(cosh(yPred - yTrue)), axis: -1)`.
///
/// About `e² / 2` for small errors and `|e| - log 2` for large ones, so it behaves like the
/// mean squared error without being dominated by a few wild predictions. Computed as
/// `|e| + log1p(exp(-2|e|)) - log 2`, which neither overflows nor loses the gradient `tanh(e)`.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.LogCosh`.
public final class LogCosh: Loss {
  /// Creates the loss.
  public init(reduction: Reduction = .sumOverBatchSize, name: String = "log_cosh") {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample log-cosh errors.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try matchedTargets(yTrue, yPred)
    let magnitude = try Ops.abs(Ops.subtract(yPred, targets))
    let tail = try Ops.log1p(Ops.exp(magnitude * -2))
    return try meanOverLastAxis(Ops.add(magnitude, tail) - Foundation.log(2.0))
  }
}
