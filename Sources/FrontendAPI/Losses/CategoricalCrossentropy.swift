/// Cross-entropy between one-hot (or soft) targets and predicted class scores.
///
/// `loss = -sum(yTrue * log(p))` over the last axis, where `p` is `softmax(yPred)` when
/// `fromLogits`, else `yPred` normalised to sum to 1 and clipped to `[1e-7, 1 - 1e-7]`. With
/// `labelSmoothing` `s`, targets become `yTrue * (1 - s) + s / classes`.
///
/// - `yTrue`, `yPred`: `(batch, ..., classes)`, the same shape. Per-sample result: `(batch, ...)`.
///
/// The logits path is one fused node on the tape.
/// Equivalent to `keras.losses.CategoricalCrossentropy`.
public final class CategoricalCrossentropy: Loss {
  /// Whether `yPred` holds logits rather than probabilities.
  public let fromLogits: Bool
  /// How much of each target is spread evenly over the classes, in `[0, 1]`.
  public let labelSmoothing: Double

  /// Creates the loss.
  public init(
    fromLogits: Bool = false, labelSmoothing: Double = 0,
    reduction: Reduction = .sumOverBatchSize, name: String = "categorical_crossentropy"
  ) {
    self.fromLogits = fromLogits
    self.labelSmoothing = labelSmoothing
    super.init(name: name, reduction: reduction)
  }

  /// The per-sample cross-entropies.
  /// Requires `labelSmoothing` in `[0, 1]`.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    try checkLabelSmoothing(labelSmoothing)
  }

  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred, minimumRank: 1)
    let targets = try smoothed(
      matchedTargets(yTrue, yPred), labelSmoothing, classes: yPred.shape[yPred.rank - 1])
    guard fromLogits else {
      let total = try Ops.sum(yPred, axes: [-1], keepDims: true)
      let logProbabilities = try Ops.log(clippedProbabilities(Ops.divide(yPred, total)))
      return try Ops.negative(Ops.sum(Ops.multiply(targets, logProbabilities), axes: [-1]))
    }
    // Forward on untracked values, then one tape node with the closed-form gradients.
    let logProbabilities = try Ops.logSoftmax(Ops.stopGradient(yPred))
    let plainTargets = Ops.stopGradient(targets)
    let losses = try Ops.negative(
      Ops.sum(Ops.multiply(plainTargets, logProbabilities), axes: [-1]))
    let targetsTracked = targets.tapeID != 0
    return Ops.finish(
      .custom(name: "categorical_crossentropy") { grad in
        // d/dlogits = softmax · sum(targets) - targets; d/dtargets = -log p.
        let g = try Self.withTrailingAxis(grad)
        let mass = try Ops.sum(plainTargets, axes: [-1], keepDims: true)
        let logits = try Ops.subtract(
          Ops.multiply(Ops.exp(logProbabilities), mass), plainTargets)
        let targetGradient =
          targetsTracked ? try Ops.negative(Ops.multiply(logProbabilities, g)) : nil
        return [try Ops.multiply(logits, g), targetGradient]
      }, losses.buffer, yPred, targets)
  }

  /// The settings under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "from_logits": .bool(fromLogits), "label_smoothing": .double(labelSmoothing), "axis": -1,
    ]) { $1 }
  }
}
