/// One minus the Tversky index, a Dice loss that weighs the two kinds of error apart:
/// `1 - Σ(y·p) / (Σ(y·p) + α·Σ((1 - p)·y) + β·Σ(p·(1 - y)) + 1e-7)`, summed over `axis`.
///
/// `α` weighs the target mass the prediction misses, `β` the predicted mass outside the
/// target (Keras's names, `fp` and `fn`, are the other way round; the arithmetic is Keras's);
/// `α = β = 0.5` is the Dice loss. With `axis` nil the sums run over every element.
///
/// - `yTrue`, `yPred`: the same shape (targets lacking the predictions' trailing axis of 1
///   are accepted).
///
/// Equivalent to `keras.losses.Tversky`.
public final class Tversky: Loss {
  /// The weight of the target mass the prediction misses.
  public let alpha: Double
  /// The weight of the predicted mass outside the target.
  public let beta: Double
  /// The axes summed over (negative count from the end); nil for every axis.
  public let axis: [Int]?

  /// Creates the loss.
  public init(
    alpha: Double = 0.5, beta: Double = 0.5, axis: [Int]? = nil,
    reduction: Reduction = .sumOverBatchSize, name: String = "tversky"
  ) {
    self.alpha = alpha
    self.beta = beta
    self.axis = axis
    super.init(name: name, reduction: reduction)
  }

  /// Requires finite `alpha` and `beta`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try checkWeights()
  }

  /// The per-sample (or whole-batch) Tversky losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    try checkWeights()
    let y = try matchedTargets(yTrue, yPred)
    let axes = try overlapAxes(axis, rank: yPred.rank)
    let dtype = yPred.dtype
    let one = try Tensor.scalar(1, dtype: dtype)
    let intersection = try Ops.sum(Ops.multiply(y, yPred), axes: axes)
    let missed = try Ops.sum(Ops.multiply(Ops.subtract(one, yPred), y), axes: axes)
    let outside = try Ops.sum(Ops.multiply(yPred, Ops.subtract(one, y)), axes: axes)
    let denominator = try Ops.add(
      Ops.add(
        Ops.add(intersection, Ops.multiply(missed, Tensor.scalar(alpha, dtype: dtype))),
        Ops.multiply(outside, Tensor.scalar(beta, dtype: dtype))),
      Tensor.scalar(1e-7, dtype: dtype))
    return try Ops.subtract(one, Ops.divide(intersection, denominator))
  }

  private func checkWeights() throws { try checkFinite(["alpha": alpha, "beta": beta]) }

  /// `name`, `reduction`, `alpha`, `beta` and `axis` (null, an integer, or a list of them).
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "alpha": .double(alpha), "beta": .double(beta), "axis": Self.axisValue(axis),
    ]) { $1 }
  }
}
