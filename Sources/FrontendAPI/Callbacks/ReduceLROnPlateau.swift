/// Lowers the learning rate when a monitored metric has stopped improving: after `patience`
/// epochs without an improvement of more than `minDelta`, the rate becomes
/// `max(rate · factor, minLR)`, then `cooldown` epochs pass before the count starts again.
/// Adds `"learning_rate"` to each epoch's logs (so `History` records it), as Keras does.
///
/// ```swift
/// try ReduceLROnPlateau(monitor: "val_loss", factor: 0.2, patience: 5, minLR: 0.001)
/// ```
/// Equivalent to `keras.callbacks.ReduceLROnPlateau`.
public final class ReduceLROnPlateau: Callback {
  /// Whether smaller or larger values of the monitored metric are better.
  public typealias Mode = EarlyStopping.Mode

  public weak var model: Model?
  /// The log key watched.
  public let monitor: String
  /// The factor the rate is multiplied by (in `[0, 1)`).
  public let factor: Double
  /// Epochs without improvement before the rate is lowered.
  public let patience: Int
  /// 1 prints a line at each reduction.
  public let verbose: Int
  /// The smallest change that counts as an improvement.
  public let minDelta: Double
  /// Epochs to wait after a reduction before counting again.
  public let cooldown: Int
  /// The rate is never lowered below this.
  public let minLR: Double
  /// The best value so far.
  public var best: Double? { comparison.best }

  private var comparison: MonitorCallback
  private var wait = 0
  private var cooldownCounter = 0

  /// Creates the callback with Keras's defaults; throws for a factor ≥ 1 (Keras's error) or
  /// below 0, a negative patience or cooldown, or a negative `minLR`.
  public init(
    monitor: String = "val_loss", factor: Double = 0.1, patience: Int = 10, verbose: Int = 0,
    mode: Mode = .auto, minDelta: Double = 1e-4, cooldown: Int = 0, minLR: Double = 0
  ) throws {
    let context = "ReduceLROnPlateau"
    guard factor < 1 else {
      throw PlexusError.invalidArgument(
        context: context, message: "does not support a factor >= 1.0, received factor=\(factor)")
    }
    guard factor >= 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "factor must be in [0, 1), received factor=\(factor)")
    }
    for (name, value) in [("patience", patience), ("cooldown", cooldown)] where value < 0 {
      throw PlexusError.invalidArgument(
        context: context, message: "\(name) must be ≥ 0, received \(name)=\(value)")
    }
    guard minLR >= 0 else {
      throw PlexusError.invalidArgument(
        context: context, message: "minLR must be ≥ 0, received minLR=\(minLR)")
    }
    self.monitor = monitor
    self.factor = factor
    self.patience = patience
    self.verbose = verbose
    self.minDelta = minDelta
    self.cooldown = cooldown
    self.minLR = minLR
    self.comparison = MonitorCallback(
      monitor: monitor, mode: mode, baseline: nil, minDelta: minDelta)
  }

  public func onTrainBegin(logs: [String: Double]) throws {
    comparison.best = nil
    cooldownCounter = 0
    wait = 0
  }

  public func onEpochEnd(_ epoch: Int, logs: inout [String: Double]) throws {
    try comparison.resolve(model: model, callback: "ReduceLROnPlateau")
    guard let optimizer = model?.optimizer else {
      throw PlexusError.invalidState(
        context: "ReduceLROnPlateau", message: "the model has no optimizer; compile it first")
    }
    // Keras reads the rate back from its float32 variable.
    logs["learning_rate"] = Double(Float(optimizer.learningRate))
    guard let current = logs[monitor] else {
      CallbackWarning.write(
        "ReduceLROnPlateau",
        "Learning rate reduction is conditioned on metric `\(monitor)` which is not available. "
          + "Available metrics are: \(logs.keys.sorted().joined(separator: ",")).")
      return
    }
    if cooldownCounter > 0 {
      cooldownCounter -= 1
      wait = 0
    }
    if comparison.isImprovement(current, over: comparison.best) {
      comparison.best = current
      wait = 0
    } else if cooldownCounter == 0 {
      wait += 1
      if wait >= patience, reduce(optimizer, epoch: epoch) {
        cooldownCounter = cooldown
        wait = 0
      }
    }
  }

  /// Keras's `_reduce_optimizer_lr`: lowers the rate unless it is already at `minLR`.
  private func reduce(_ optimizer: Optimizer, epoch: Int) -> Bool {
    let oldRate = Double(Float(optimizer.learningRate))
    guard oldRate > Double(Float(minLR)) else { return false }
    let newRate = Swift.max(oldRate * factor, minLR)
    optimizer.learningRate = newRate
    if verbose > 0 {
      print("\nEpoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(newRate).")
    }
    return true
  }
}
