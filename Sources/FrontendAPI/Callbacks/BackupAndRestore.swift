import Foundation

/// Backs up the training state so that a `fit` interrupted (by an error, a kill or a
/// preemption) resumes where it left off when run again with the same callback.
///
/// At the end of each epoch (or every `n` batches) it writes `latest.weights.h5` (the model's
/// variables and the optimizer's state) and `training_metadata.json` (the next epoch, and the
/// position of Plexus's random stream) to `backupDir`. At the start of the next `fit`, it loads
/// them and `fit` starts at the saved epoch, drawing the same shuffles it would have drawn:
/// a resumed run ends with exactly the weights of an uninterrupted one. When `fit` ends
/// normally the directory is deleted (unless `deleteCheckpoint` is false).
///
/// ```swift
/// try model.fit(x, y, epochs: 10, callbacks: [try BackupAndRestore(backupDir: "/tmp/backup")])
/// ```
/// Equivalent to `keras.callbacks.BackupAndRestore`; the random stream's position is Plexus's
/// addition (Keras's JAX backend has no global stream to save).
public final class BackupAndRestore: Callback {
  /// Under ``DataParallel``, process 0 alone writes.
  public var runsOnChiefOnly: Bool { true }

  /// When to back up: at every epoch end, or after every `n` training batches.
  public typealias SaveFrequency = ModelCheckpoint.SaveFrequency

  public weak var model: Model?
  /// The directory the backup lives in.
  public let backupDir: String
  /// When to back up.
  public let saveFreq: SaveFrequency
  /// Whether to keep the previous backup as `.bkp` files, used when the latest is unreadable.
  public let doubleCheckpoint: Bool
  /// Whether to delete the backup when training ends normally.
  public let deleteCheckpoint: Bool

  private var weightsPath: String { backupDir + "/latest.weights.h5" }
  private var metadataPath: String { backupDir + "/training_metadata.json" }
  private var currentEpoch = 0
  private var lastBatchSeen = 0
  private var batchesSinceLastSave = 0
  /// The random stream's position when the current epoch began: a mid-epoch backup resumes
  /// at the start of its epoch, which must draw that epoch's shuffle again.
  private var epochStartPosition: (key: UInt64, nextBlock: UInt64)?

  /// Creates the callback with Keras's defaults; throws for an empty `backupDir` or a save
  /// frequency below 1.
  public init(
    backupDir: String, saveFreq: SaveFrequency = .epoch, doubleCheckpoint: Bool = false,
    deleteCheckpoint: Bool = true
  ) throws {
    guard !backupDir.isEmpty else {
      throw PlexusError.invalidArgument(
        context: "BackupAndRestore", message: "Empty `backupDir` argument passed")
    }
    if case .batches(let count) = saveFreq, count < 1 {
      throw PlexusError.invalidArgument(
        context: "BackupAndRestore",
        message: "saveFreq must be .epoch or .batches(n) with n ≥ 1, received .batches(\(count))")
    }
    self.backupDir = backupDir
    self.saveFreq = saveFreq
    self.doubleCheckpoint = doubleCheckpoint
    self.deleteCheckpoint = deleteCheckpoint
  }

  public func onTrainBegin(logs: [String: Double]) throws {
    do {
      try restore()
    } catch PlexusError.invalidState(let context, let message) {
      // Not a file that cannot be read (an unbuilt model, say): no backup would help.
      throw PlexusError.invalidState(context: context, message: message)
    } catch {
      // Keras falls back to the previous backup when the latest cannot be read.
      let manager = FileManager.default
      guard manager.fileExists(atPath: weightsPath + ".bkp") else { throw error }
      try? manager.removeItem(atPath: weightsPath)
      try manager.copyItem(atPath: weightsPath + ".bkp", toPath: weightsPath)
      try? manager.removeItem(atPath: metadataPath)
      if manager.fileExists(atPath: metadataPath + ".bkp") {
        try manager.copyItem(atPath: metadataPath + ".bkp", toPath: metadataPath)
      }
      try restore()
    }
  }

  public func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    epochStartPosition = RandomGenerator.position
  }

  public func onEpochEnd(_ epoch: Int, logs: [String: Double]) throws {
    currentEpoch = epoch + 1
    lastBatchSeen = 0
    if saveFreq == .epoch { try backUp(position: RandomGenerator.position) }
  }

  public func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    guard case .batches(let frequency) = saveFreq else { return }
    batchesSinceLastSave += batch <= lastBatchSeen ? batch + 1 : batch - lastBatchSeen
    lastBatchSeen = batch
    guard batchesSinceLastSave >= frequency else { return }
    batchesSinceLastSave = 0
    try backUp(position: epochStartPosition ?? RandomGenerator.position)
  }

  public func onTrainEnd(logs: [String: Double]) throws {
    if deleteCheckpoint && FileManager.default.fileExists(atPath: backupDir) {
      try FileManager.default.removeItem(atPath: backupDir)
    }
  }

  /// Loads the backup, when there is one, and tells `fit` where to start.
  private func restore() throws {
    guard let model else { return }
    guard model.built else {
      throw PlexusError.invalidState(
        context: "BackupAndRestore",
        message: "the model '\(model.name)' must be built before fit(); build it by calling it "
          + "on a batch of data or by giving it an Input")
    }
    let manager = FileManager.default
    if manager.fileExists(atPath: weightsPath) { try model.loadWeights(weightsPath) }
    guard manager.fileExists(atPath: metadataPath) else { return }
    let data = Data(try AtomicFile.read(metadataPath, limit: 1 << 20, context: "BackupAndRestore"))
    let metadata: Metadata
    do {
      metadata = try JSONDecoder().decode(Metadata.self, from: data)
    } catch {
      throw PlexusError.invalidArgument(
        context: "BackupAndRestore",
        message: "'\(metadataPath)' is not a backup's metadata: \(error)")
    }
    guard metadata.epoch >= 0 else {
      throw PlexusError.invalidArgument(
        context: "BackupAndRestore",
        message: "'\(metadataPath)' says epoch \(metadata.epoch); a backup's epoch is ≥ 0")
    }
    model.resumeEpoch = metadata.epoch
    if let key = metadata.plexusRandomKey.flatMap(UInt64.init),
      let block = metadata.plexusRandomNextBlock.flatMap(UInt64.init)
    {
      RandomGenerator.position = (key, block)
    }
  }

  private func backUp(position: (key: UInt64, nextBlock: UInt64)) throws {
    guard let model else { return }
    let manager = FileManager.default
    try manager.createDirectory(atPath: backupDir, withIntermediateDirectories: true)
    if doubleCheckpoint {
      for path in [weightsPath, metadataPath] where manager.fileExists(atPath: path) {
        try? manager.removeItem(atPath: path + ".bkp")
        try manager.copyItem(atPath: path, toPath: path + ".bkp")
      }
    }
    try model.saveWeights(weightsPath)
    // Keras's keys first, in Keras's order and spacing; the stream's position as decimal
    // strings, since JSON readers differ on integers past 2^53.
    let json =
      "{\"epoch\": \(currentEpoch), \"batch\": \(lastBatchSeen), "
      + "\"plexus_random_key\": \"\(position.key)\", "
      + "\"plexus_random_next_block\": \"\(position.nextBlock)\"}"
    try AtomicFile.write(Array(json.utf8), to: metadataPath, context: "BackupAndRestore")
  }

  /// `training_metadata.json`.
  private struct Metadata: Decodable {
    let epoch: Int
    let plexusRandomKey: String?
    let plexusRandomNextBlock: String?

    enum CodingKeys: String, CodingKey {
      case epoch
      case plexusRandomKey = "plexus_random_key"
      case plexusRandomNextBlock = "plexus_random_next_block"
    }
  }
}
