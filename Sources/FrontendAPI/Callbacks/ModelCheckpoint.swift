import Foundation

/// Saves the model (or its weights) during training, every epoch or every `n` batches,
/// optionally only when the monitored metric improves.
///
/// `filepath` may hold Python format fields filled with the epoch (from 1), the batch (from 1,
/// when saving by batch) and the logs, as Keras fills them:
///
/// ```swift
/// ModelCheckpoint("checkpoints/model_{epoch:02d}-{val_loss:.2f}.keras",
///                 monitor: "val_loss", saveBestOnly: true)
/// ```
/// A full model goes to a `.keras` file (``Model/save(_:)``), weights alone to a
/// `.weights.h5` file (``Model/saveWeights(_:)``); both writes are atomic.
/// Equivalent to `keras.callbacks.ModelCheckpoint`.
public final class ModelCheckpoint: Callback {
  /// Under ``DataParallel``, process 0 alone writes.
  public var runsOnChiefOnly: Bool { true }

  /// Whether smaller or larger values of the monitored metric are better.
  public typealias Mode = EarlyStopping.Mode

  /// When to save: at every epoch end, or after every `n` training batches.
  public enum SaveFrequency: Sendable, Equatable {
    case epoch
    case batches(Int)
  }

  public weak var model: Model?
  /// The path, with optional `{epoch}`, `{batch}` and log fields.
  public let filepath: String
  /// The log key compared with `saveBestOnly` (`"val_loss"`).
  public let monitor: String
  /// 1 prints a line per save decision.
  public let verbose: Int
  /// Whether to save only when `monitor` improves on the best value so far.
  public let saveBestOnly: Bool
  /// Whether to save only the weights (to a `.weights.h5` file).
  public let saveWeightsOnly: Bool
  /// When to save.
  public let saveFreq: SaveFrequency
  /// The best monitored value so far (starts at `initialValueThreshold`).
  public var best: Double? { comparison.best }

  private var comparison: MonitorCallback
  private var currentEpoch = 0
  private var batchesSinceLastSave = 0
  private var lastBatchSeen: Int?

  /// Creates the callback with Keras's defaults; throws for a save frequency below 1 or a
  /// path whose extension does not match `saveWeightsOnly`.
  public init(
    _ filepath: String, monitor: String = "val_loss", verbose: Int = 0,
    saveBestOnly: Bool = false, saveWeightsOnly: Bool = false, mode: Mode = .auto,
    saveFreq: SaveFrequency = .epoch, initialValueThreshold: Double? = nil
  ) throws {
    let context = "ModelCheckpoint"
    if case .batches(let count) = saveFreq, count < 1 {
      throw PlexusError.invalidArgument(
        context: context,
        message: "saveFreq must be .epoch or .batches(n) with n ≥ 1, "
          + "received .batches(\(count))")
    }
    if saveWeightsOnly {
      guard filepath.hasSuffix(".weights.h5") else {
        throw PlexusError.invalidArgument(
          context: context,
          message: "with saveWeightsOnly: true the filepath must end in `.weights.h5` (Keras "
            + "weights format), received filepath=\(filepath)")
      }
    } else if !filepath.hasSuffix(".keras") {
      throw PlexusError.invalidArgument(
        context: context,
        message: "the filepath must end in `.keras` (Keras model format; Plexus does not write "
          + "the legacy .h5 model format), received filepath=\(filepath)")
    }
    self.filepath = filepath
    self.monitor = monitor
    self.verbose = verbose
    self.saveBestOnly = saveBestOnly
    self.saveWeightsOnly = saveWeightsOnly
    self.saveFreq = saveFreq
    self.comparison = MonitorCallback(
      monitor: monitor, mode: mode, baseline: initialValueThreshold, minDelta: 0)
  }

  public func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    currentEpoch = epoch
  }

  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    guard case .batches(let frequency) = saveFreq else { return }
    // Keras's `_should_save_on_batch`: a batch index that did not grow starts a new epoch.
    if let lastBatchSeen, batch > lastBatchSeen {
      batchesSinceLastSave += batch - lastBatchSeen
    } else {
      batchesSinceLastSave += batch + 1
    }
    lastBatchSeen = batch
    guard batchesSinceLastSave >= frequency else { return }
    batchesSinceLastSave = 0
    try save(epoch: currentEpoch, batch: batch, logs: logs)
  }

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    try comparison.resolve(model: model, callback: "ModelCheckpoint")
    if saveFreq == .epoch { try save(epoch: epoch, batch: nil, logs: logs) }
  }

  /// The path for this epoch and batch, formatted as Keras's `_get_file_path` formats it.
  func path(epoch: Int, batch: Int?, logs: [String: Double]) throws -> String {
    var values = logs.mapValues { PythonFormat.Value.double($0) }
    values["epoch"] = .int(epoch + 1)
    if let batch, logs["batch"] == nil { values["batch"] = .int(batch + 1) }
    return try PythonFormat.format(filepath, values, context: "ModelCheckpoint")
  }

  private func save(epoch: Int, batch: Int?, logs: [String: Double]) throws {
    guard let model else { return }
    let path = try path(epoch: epoch, batch: batch, logs: logs)
    guard try shouldSave(epoch: epoch, logs: logs, path: path) else { return }
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      throw PlexusError.invalidArgument(
        context: "ModelCheckpoint",
        message: "please specify a non-directory filepath; the path used is an existing "
          + "directory: \(path)")
    }
    if saveWeightsOnly {
      try model.saveWeights(path)
    } else {
      try model.save(path)
    }
    if verbose > 0 { print("\nEpoch \(epoch + 1): finished saving model to \(path)") }
  }

  /// Keras's `_should_save_model`.
  private func shouldSave(epoch: Int, logs: [String: Double], path: String) throws -> Bool {
    guard saveBestOnly else {
      if verbose > 0 { print("\nEpoch \(epoch + 1): saving model to \(path)") }
      return true
    }
    guard let current = logs[monitor] else {
      CallbackWarning.write(
        "ModelCheckpoint", "Can save best model only with \(monitor) available.")
      return true
    }
    try comparison.resolve(model: model, callback: "ModelCheckpoint")
    let bestText = comparison.best.map { String(format: "%.5f", $0) } ?? "None"
    guard comparison.isImprovement(current, over: comparison.best) else {
      if verbose > 0 { print("\nEpoch \(epoch + 1): \(monitor) did not improve from \(bestText)") }
      return false
    }
    if verbose > 0 {
      print(
        "\nEpoch \(epoch + 1): \(monitor) improved from \(bestText) to "
          + "\(String(format: "%.5f", current)), saving model to \(path)")
    }
    comparison.best = current
    return true
  }
}
