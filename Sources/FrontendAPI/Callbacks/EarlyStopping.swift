/// Stops training when a monitored metric has stopped improving.
///
/// ```swift
/// EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
/// ```
/// With `restoreBestWeights`, the model ends with the weights of its best epoch.
/// Equivalent to `keras.callbacks.EarlyStopping`.
public final class EarlyStopping: Callback {
  /// Whether smaller or larger is better.
  public enum Mode: String, Sendable {
    case auto, min, max
  }

  public weak var model: Model?
  /// The log key watched (`"val_loss"`).
  public let monitor: String
  /// The smallest change that counts as an improvement.
  public let minDelta: Double
  /// Epochs without improvement before stopping.
  public let patience: Int
  /// 1 prints a line when it stops or restores.
  public let verbose: Int
  /// A value the metric must beat before patience starts to run.
  public let baseline: Double?
  /// Whether to restore the best epoch's weights.
  public let restoreBestWeights: Bool
  /// Epochs to wait before watching at all.
  public let startFromEpoch: Int
  /// The epoch training stopped at (0 when it did not stop early).
  public private(set) var stoppedEpoch = 0
  /// The best epoch so far.
  public private(set) var bestEpoch = 0
  /// The best value so far.
  public private(set) var best: Double?

  /// The direction, fixed at the first epoch end (in auto mode from the compiled metric, as
  /// Keras's `MonitorCallback` fixes it).
  private var comparison: MonitorCallback
  private var wait = 0
  private var bestWeights: [Tensor]?

  /// Creates the callback with Keras's defaults.
  public init(
    monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, verbose: Int = 0,
    mode: Mode = .auto, baseline: Double? = nil, restoreBestWeights: Bool = false,
    startFromEpoch: Int = 0
  ) {
    self.monitor = monitor
    self.minDelta = Swift.abs(minDelta)
    self.patience = patience
    self.verbose = verbose
    self.baseline = baseline
    self.restoreBestWeights = restoreBestWeights
    self.startFromEpoch = startFromEpoch
    comparison = MonitorCallback(monitor: monitor, mode: mode, baseline: nil, minDelta: minDelta)
  }

  public func onTrainBegin(logs: [String: Double]) throws {
    wait = 0
    stoppedEpoch = 0
    best = nil
    bestWeights = nil
    bestEpoch = 0
  }

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    guard let model else { return }
    try comparison.resolve(model: model, callback: "EarlyStopping")
    guard let current = logs[monitor], epoch >= startFromEpoch else { return }
    if restoreBestWeights && bestWeights == nil { bestWeights = model.getWeights() }
    wait += 1
    if comparison.isImprovement(current, over: best) {
      best = current
      bestEpoch = epoch
      if restoreBestWeights { bestWeights = model.getWeights() }
      if baseline == nil || comparison.isImprovement(current, over: baseline) { wait = 0 }
      return
    }
    if wait >= patience && epoch > 0 {
      stoppedEpoch = epoch
      model.stopTraining = true
    }
  }

  public func onTrainEnd(logs: [String: Double]) throws {
    if stoppedEpoch > 0 && verbose > 0 { print("Epoch \(stoppedEpoch + 1): early stopping") }
    guard restoreBestWeights, let bestWeights, let model else { return }
    if verbose > 0 {
      print("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).")
    }
    try model.setWeights(bestWeights)
  }
}
