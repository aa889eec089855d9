/// The mean of squared differences of logarithms over the last axis:
/// `mean((log(max(yPred, ε) + 1) - log(max(yTrue, ε) + 1))², axis: -1)`, with Keras's
/// `ε = 1e-7`, so negative values count as ε.
///
/// For targets spanning orders of magnitude (counts, prices), where an error of 10 on 1000
/// should weigh as little as one of 0.01 on 1.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.MeanSquaredLogarithmicError`.
public final class MeanSquaredLogarithmicError: Loss {
  /// Creates the loss.
  public init(
    reduction: Reduction = .sumOverBatchSize, name: String = "mean_squared_logarithmic_error"
  ) {
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample mean squared logarithmic errors.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    let targets = try matchedTargets(yTrue, yPred)
    let epsilon = try Tensor.scalar(1e-7, dtype: yPred.dtype)
    let predicted = try Ops.log(Ops.maximum(yPred, epsilon) + 1)
    let actual = try Ops.log(Ops.maximum(targets, epsilon) + 1)
    return try meanOverLastAxis(Ops.square(Ops.subtract(predicted, actual)))
  }
}
