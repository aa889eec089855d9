/// Categorical cross-entropy scaled down for the classes already predicted well (Lin et al.,
/// 2017): `Σ α · (1 - p)^γ · (-y · log(p))` over the last axis.
///
/// The predictions are first divided by their sum along the last axis and clipped to
/// `[1e-7, 1 - 1e-7]`, as Keras does; logits go through a softmax first (`fromLogits`).
/// `labelSmoothing` `s` pulls targets to `y·(1 - s) + s / classes`.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., classes)` (one-hot or soft targets).
///   Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.CategoricalFocalCrossentropy`.
public final class CategoricalFocalCrossentropy: Loss {
  /// The weight of every term.
  public let alpha: Double
  /// The focusing exponent `γ` (0: `α` times categorical cross-entropy).
  public let gamma: Double
  /// Whether `yPred` holds logits rather than probabilities.
  public let fromLogits: Bool
  /// How far targets are pulled toward the uniform distribution, in `[0, 1]`.
  public let labelSmoothing: Double

  /// Creates the loss.
  public init(
    alpha: Double = 0.25, gamma: Double = 2, fromLogits: Bool = false, labelSmoothing: Double = 0,
    reduction: Reduction = .sumOverBatchSize, name: String = "categorical_focal_crossentropy"
  ) {
    self.alpha = alpha
    self.gamma = gamma
    self.fromLogits = fromLogits
    self.labelSmoothing = labelSmoothing
    super.init(name: name, reduction: reduction)
  }

  /// Requires `labelSmoothing` in `[0, 1]` and finite `alpha` and `gamma`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try checkLabelSmoothing(labelSmoothing)
    try checkFinite(["alpha": alpha, "gamma": gamma])
  }

  /// The per-sample focal cross-entropies.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred, minimumRank: 1)
    try checkFinite(["alpha": alpha, "gamma": gamma])
    let targets = try Ops.cast(yTrue, to: yPred.dtype)
    guard targets.shape == yPred.shape else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "targets of the predictions' shape \(yPred.shape)",
        received: "targets of shape \(yTrue.shape)")
    }
    let dtype = yPred.dtype
    let last = yPred.rank - 1
    let y = try smoothed(targets, labelSmoothing, classes: yPred.shape[last])
    let p = fromLogits ? try Ops.softmax(yPred, axis: last) : yPred
    let output = try clippedProbabilities(
      Ops.divide(p, Ops.sum(p, axes: [last], keepDims: true)))
    let crossEntropy = try Ops.multiply(Ops.negative(y), Ops.log(output))
    let modulating = try Ops.power(
      Ops.subtract(Tensor.scalar(1, dtype: dtype), output), Tensor.scalar(gamma, dtype: dtype))
    let weighting = try Ops.multiply(modulating, Tensor.scalar(alpha, dtype: dtype))
    return try Ops.sum(Ops.multiply(weighting, crossEntropy), axes: [last])
  }

  /// The settings under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "alpha": .double(alpha), "gamma": .double(gamma), "from_logits": .bool(fromLogits),
      "label_smoothing": .double(labelSmoothing), "axis": -1,
    ]) { $1 }
  }
}
