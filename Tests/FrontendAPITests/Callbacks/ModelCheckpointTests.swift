import Foundation
import Testing

@testable import Plexus

@Suite struct ModelCheckpointTests {
  @Test func filepathFormatsAsPython() throws {
    let checkpoint = try ModelCheckpoint("ckpt/m_{epoch:02d}-{val_loss:.2f}.keras")
    let path = try checkpoint.path(epoch: 2, batch: nil, logs: ["val_loss": 0.12345])
    #expect(path == "ckpt/m_03-0.12.keras")
    let values: [String: PythonFormat.Value] = [
      "a": .double(1e-5), "n": .int(-7), "x": .double(3.14159),
    ]
    #expect(
      try PythonFormat.format("{a}|{n:04d}|{x:>8.3f}|{x:e}|{{}}|{x:.3}", values, context: "t")
        == "1e-05|-007|   3.142|3.141590e+00|{}|3.14")
    #expect(throws: PlexusError.self) { try checkpoint.path(epoch: 0, batch: nil, logs: [:]) }
    #expect(throws: PlexusError.self) {
      try PythonFormat.format("{x:d}", ["x": .double(1)], context: "t")
    }
  }

  @Test func rejectsBadArguments() {
    #expect(throws: PlexusError.self) { try ModelCheckpoint("m.h5") }
    #expect(throws: PlexusError.self) { try ModelCheckpoint("m.keras", saveWeightsOnly: true) }
    #expect(throws: PlexusError.self) { try ModelCheckpoint("m.keras", saveFreq: .batches(0)) }
  }

  @Test func saveBestOnlyWritesOnlyOnImprovementAndTheFileLoads() throws {
    let directory = try CallbackFixtures.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data()
    var saved: [Int] = []
    let checkpoint = try ModelCheckpoint(
      directory + "/best_{epoch:02d}.keras", monitor: "val_loss", saveBestOnly: true)
    // Scripted `val_loss` values, set by a callback placed before the checkpoint.
    let recorder = LambdaCallback(onEpochEnd: { epoch, _ in
      if FileManager.default.fileExists(
        atPath: directory + String(format: "/best_%02d.keras", epoch + 1))
      {
        saved.append(epoch)
      }
    })
    try model.fit(
      x, y, batchSize: 8, epochs: 5, verbose: 0,
      callbacks: [ScriptedMetric("val_loss", [0.5, 0.4, 0.45, 0.3, 0.3]), checkpoint, recorder],
      shuffle: false)
    #expect(saved == [0, 1, 3])
    #expect(checkpoint.best == 0.3)
    let restored = try loadModel(directory + "/best_04.keras")
    let prediction = try restored.predict(x)
    #expect(prediction.shape == [16, 1])
  }

  @Test func weightsOnlyEveryTwoBatchesAndThreshold() throws {
    let directory = try CallbackFixtures.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data()
    let checkpoint = try ModelCheckpoint(
      directory + "/w_{epoch}_{batch}.weights.h5", saveWeightsOnly: true, saveFreq: .batches(3))
    try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, callbacks: [checkpoint])
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    // 4 batches per epoch, a save every 3rd batch: epoch 1 batch 3, epoch 2 batches 2.
    #expect(names == ["w_1_3.weights.h5", "w_2_2.weights.h5"])
    let copy = try CallbackFixtures.model(seed: 9)
    try copy.loadWeights(directory + "/w_2_2.weights.h5")

    let never = try ModelCheckpoint(
      directory + "/never.keras", monitor: "loss", saveBestOnly: true, initialValueThreshold: 0)
    try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0, callbacks: [never])
    #expect(!FileManager.default.fileExists(atPath: directory + "/never.keras"))
  }

  @Test func autoModeNeedsAKnownDirection() throws {
    let directory = try CallbackFixtures.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let model = try CallbackFixtures.model()
    let (x, y) = try CallbackFixtures.data()
    let checkpoint = try ModelCheckpoint(directory + "/m.keras", monitor: "mystery")
    #expect(throws: PlexusError.self) {
      try model.fit(x, y, epochs: 1, verbose: 0, callbacks: [checkpoint])
    }
    let maxMode = try ModelCheckpoint(
      directory + "/m.keras", monitor: "mae", saveBestOnly: true, mode: .max)
    try model.fit(x, y, epochs: 1, verbose: 0, callbacks: [maxMode])
    #expect(FileManager.default.fileExists(atPath: directory + "/m.keras"))
  }
}
