/// Binary cross-entropy scaled down where the prediction is already right, focusing training on
/// hard examples (Lin et al., 2017): `(1 - p_t)^γ · bce`, averaged over the last axis, with
/// `p_t = y·p + (1 - y)·(1 - p)`.
///
/// `bce` is ``BinaryCrossentropy``'s on probabilities clipped to `[1e-7, 1 - 1e-7]`; logits go
/// through a sigmoid first (`fromLogits`). With `applyClassBalancing`, each element is also
/// weighted `α` for positive labels and `1 - α` for negative ones. `labelSmoothing` `s` pulls
/// targets to `y·(1 - s) + s / 2`.
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Equivalent to `keras.losses.BinaryFocalCrossentropy`.
public final class BinaryFocalCrossentropy: Loss {
  /// Whether positive and negative labels are weighted `alpha` and `1 - alpha`.
  public let applyClassBalancing: Bool
  /// The weight of positive labels under `applyClassBalancing`.
  public let alpha: Double
  /// The focusing exponent `γ` (0: plain binary cross-entropy).
  public let gamma: Double
  /// Whether `yPred` holds logits rather than probabilities.
  public let fromLogits: Bool
  /// How far targets are pulled toward 0.5, in `[0, 1]`.
  public let labelSmoothing: Double

  /// Creates the loss.
  public init(
    applyClassBalancing: Bool = false, alpha: Double = 0.25, gamma: Double = 2,
    fromLogits: Bool = false, labelSmoothing: Double = 0,
    reduction: Reduction = .sumOverBatchSize, name: String = "binary_focal_crossentropy"
  ) {
    self.applyClassBalancing = applyClassBalancing
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
    try checkPredictions(yPred)
    try checkFinite(["alpha": alpha, "gamma": gamma])
    let dtype = yPred.dtype
    let one = try Tensor.scalar(1, dtype: dtype)
    let y = try smoothed(matchedTargets(yTrue, yPred), labelSmoothing, classes: 2)
    let p = fromLogits ? try Ops.sigmoid(yPred) : yPred
    let crossEntropy = try binaryCrossEntropy(y, probabilities: p)
    let notY = try Ops.subtract(one, y)
    let rightness = try Ops.add(Ops.multiply(y, p), Ops.multiply(notY, Ops.subtract(one, p)))
    let factor = try Ops.power(Ops.subtract(one, rightness), Tensor.scalar(gamma, dtype: dtype))
    var focal = try Ops.multiply(factor, crossEntropy)
    if applyClassBalancing {
      let weight = try Ops.add(
        Ops.multiply(y, Tensor.scalar(alpha, dtype: dtype)),
        Ops.multiply(notY, Tensor.scalar(1 - alpha, dtype: dtype)))
      focal = try Ops.multiply(weight, focal)
    }
    return try meanOverLastAxis(focal)
  }

  /// The settings under their Keras names.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "apply_class_balancing": .bool(applyClassBalancing), "alpha": .double(alpha),
      "gamma": .double(gamma), "from_logits": .bool(fromLogits),
      "label_smoothing": .double(labelSmoothing), "axis": -1,
    ]) { $1 }
  }
}
