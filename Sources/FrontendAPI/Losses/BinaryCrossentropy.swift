/// Cross-entropy between binary targets and predicted probabilities (or logits), averaged over
/// the last axis.
///
/// Probabilities: `-(y·log(p) + (1 - y)·log(1 - p))` with `p` clipped to `[1e-7, 1 - 1e-7]`.
/// Logits `x`, computed stably: `max(x, 0) - x·y + log(1 + e^-|x|)`, one fused node on the tape
/// whose gradient is `sigmoid(x) - y`. With `labelSmoothing` `s`, `y` becomes
/// `y·(1 - s) + s / 2`.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.BinaryCrossentropy`.
public final class BinaryCrossentropy: Loss {
  /// Whether `yPred` holds logits rather than probabilities.
  public let fromLogits: Bool
  /// How far targets are pulled toward 0.5, in `[0, 1]`.
  public let labelSmoothing: Double

  /// Creates the loss.
  public init(
    fromLogits: Bool = false, labelSmoothing: Double = 0,
    reduction: Reduction = .sumOverBatchSize, name: String = "binary_crossentropy"
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
    try checkPredictions(yPred)
    let y = try smoothed(matchedTargets(yTrue, yPred), labelSmoothing, classes: 2)
    guard fromLogits else {
      return try meanOverLastAxis(binaryCrossEntropy(y, probabilities: yPred))
    }
    let x = Ops.stopGradient(yPred)
    let plainTargets = Ops.stopGradient(y)
    let softplus = try Ops.log1p(Ops.exp(Ops.negative(Ops.abs(x))))
    let elementwise = try Ops.add(
      Ops.subtract(Ops.relu(x), Ops.multiply(x, plainTargets)), softplus)
    let losses = try meanOverLastAxis(elementwise)
    let width = Double(max(yPred.rank > 0 ? yPred.shape[yPred.rank - 1] : 1, 1))
    let targetsTracked = y.tapeID != 0
    return Ops.finish(
      .custom(name: "binary_crossentropy") { grad in
        // Each element's share of the per-sample mean: grad / width.
        var g = try Ops.multiply(grad, Tensor.scalar(1 / width, dtype: grad.dtype))
        if yPred.rank > 0 { g = try Self.withTrailingAxis(g) }
        let logits = try Ops.multiply(Ops.subtract(Ops.sigmoid(x), plainTargets), g)
        let targets = targetsTracked ? try Ops.negative(Ops.multiply(x, g)) : nil
        return [logits, targets]
      }, losses.buffer, yPred, y)
  }

  /// The settings under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "from_logits": .bool(fromLogits), "label_smoothing": .double(labelSmoothing), "axis": -1,
    ]) { $1 }
  }
}
