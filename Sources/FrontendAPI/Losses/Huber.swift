/// The Huber loss: quadratic for small errors, linear for large ones, averaged over the last
/// axis. With `e = yPred - yTrue`:
///
///     loss = mean(|e| <= delta ? e² / 2 : delta · |e| - delta² / 2, axis: -1)
///
/// - `yTrue`, `yPred`: the same shape `(batch, ..., d)`; targets of `(batch, ...)` with
///   predictions of `(batch, ..., 1)` are accepted. Per-sample result: `(batch, ...)`.
///
/// Keras's `get_config` leaves `delta` out, so a Keras file loses it; Plexus writes `delta`
/// when it is not the default 1 (Keras's `from_config` reads it back), and reads it when present.
/// Equivalent to `keras.losses.Huber`.
public final class Huber: Loss {
  /// Where the loss turns from quadratic to linear; finite and `>= 0`.
  public let delta: Double

  /// Creates the loss.
  public init(
    delta: Double = 1, reduction: Reduction = .sumOverBatchSize, name: String = "huber_loss"
  ) {
    self.delta = delta
    super.init(name: name, reduction: reduction)
  }

  /// Requires `delta` finite and `>= 0`: a NaN or negative one gives no Huber loss, and an
  /// infinite one NaN gradients.
  public override func validateHyperparameters() throws {
    try super.validateHyperparameters()
    guard delta.isFinite, delta >= 0 else {
      throw PlexusError.invalidArgument(
        context: errorContext, message: "delta must be a finite number >= 0, received \(delta)")
    }
  }

  /// The per-sample Huber losses.
  public override func call(_ yTrue: Tensor, _ yPred: Tensor) throws -> Tensor {
    try checkPredictions(yPred)
    try validateHyperparameters()
    let targets = try matchedTargets(yTrue, yPred)
    let error = try Ops.subtract(yPred, targets)
    let magnitude = try Ops.abs(error)
    let quadratic = try Ops.square(error) * 0.5
    let offset = 0.5 * delta * delta
    let linear = try magnitude * delta - offset
    let small = try Ops.lessEqual(magnitude, Tensor.scalar(delta, dtype: yPred.dtype))
    return try meanOverLastAxis(Ops.where(small, quadratic, linear))
  }

  /// `name` and `reduction` as Keras writes them, and `delta` when it is not 1.
  public override var config: [String: ConfigValue] {
    delta == 1 ? super.config : super.config.merging(["delta": .double(delta)]) { $1 }
  }
}
