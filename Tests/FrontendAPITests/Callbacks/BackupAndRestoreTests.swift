import Foundation
import Plexus
import Testing

/// Throws at the start of `epoch`, as a crash or a preemption would end `fit`.
private final class Interrupt: Callback {
  struct Interrupted: Error {}
  weak var model: Model?
  let epoch: Int
  init(atEpoch epoch: Int) { self.epoch = epoch }
  func onTrainBatchEnd(_ batch: Int, logs: [String: Double]) throws {
    if batch == 1 && current == epoch { throw Interrupted() }
  }
  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws { current = epoch }
  private var current = -1
}

@Suite struct BackupAndRestoreTests {
  /// Trains 5 epochs (shuffled, Adam, dropout) in a private random stream; `interruptAt`
  /// throws in that epoch, and the second run resumes from the backup.
  private static func train(interruptAt: Int?, directory: String) throws -> ([[UInt32]], [Int]) {
    try withRandomSeed(42) {
      let model = Sequential(name: "resumable") {
        Input(shape: [3])
        Dense(8, activation: .relu, name: "hidden")
        Dropout(0.25)
        Dense(1, name: "out")
      }
      try model.compile(optimizer: Adam(learningRate: 0.01), loss: "mse")
      let (x, y) = try CallbackFixtures.data(20)
      let backup = try BackupAndRestore(backupDir: directory + "/backup")
      var epochs: [Int] = []
      if let interruptAt {
        #expect(throws: Interrupt.Interrupted.self) {
          try model.fit(
            x, y, batchSize: 4, epochs: 5, verbose: 0,
            callbacks: [backup, Interrupt(atEpoch: interruptAt)])
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/backup/latest.weights.h5"))
      }
      let history = try model.fit(x, y, batchSize: 4, epochs: 5, verbose: 0, callbacks: [backup])
      epochs = history.epoch
      #expect(!FileManager.default.fileExists(atPath: directory + "/backup"))
      return (try CallbackFixtures.bits(model), epochs)
    }
  }

  @Test func anInterruptedFitResumesToTheSameWeights() throws {
    let directory = try CallbackFixtures.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (uninterrupted, allEpochs) = try Self.train(interruptAt: nil, directory: directory)
    let (resumed, resumedEpochs) = try Self.train(interruptAt: 3, directory: directory)
    #expect(allEpochs == [0, 1, 2, 3, 4])
    #expect(resumedEpochs == [3, 4])
    #expect(resumed == uninterrupted)
  }

  @Test func keepsTheBackupWhenAskedAndRejectsBadArguments() throws {
    let directory = try CallbackFixtures.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data()
    let backup = try BackupAndRestore(
      backupDir: directory, saveFreq: .batches(3), doubleCheckpoint: true,
      deleteCheckpoint: false)
    try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, callbacks: [backup])
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(
      names == [
        "latest.weights.h5", "latest.weights.h5.bkp", "training_metadata.json",
        "training_metadata.json.bkp",
      ])
    let metadata = try String(
      contentsOfFile: directory + "/training_metadata.json", encoding: .utf8)
    #expect(metadata.hasPrefix("{\"epoch\": 1, \"batch\": 1, "))
    // The last backup was taken in epoch 1 (batch 2 of it): a new fit redoes that epoch.
    let history = try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, callbacks: [backup])
    #expect(history.epoch == [1])

    #expect(throws: PlexusError.self) { try BackupAndRestore(backupDir: "") }
    #expect(throws: PlexusError.self) {
      try BackupAndRestore(backupDir: "b", saveFreq: .batches(0))
    }
  }
}
