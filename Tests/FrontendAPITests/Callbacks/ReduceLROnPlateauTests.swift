import Foundation
import Plexus
import Testing

/// Sets a scripted value under `key` in each epoch's logs, for the callbacks after it.
final class ScriptedMetric: Callback {
  weak var model: Model?
  let key: String
  let values: [Double]
  init(_ key: String, _ values: [Double]) {
    self.key = key
    self.values = values
  }
  func onEpochEnd(_ epoch: Int, logs: inout [String: Double]) throws {
    logs[key] = values[Swift.min(epoch, values.count - 1)]
  }
}

@Suite struct ReduceLROnPlateauTests {
  @Test func lowersTheRateAfterPatienceFlatEpochsThenCoolsDown() throws {
    let optimizer = SGD(learningRate: 0.1)
    let model = try CallbackFixtures.model(optimizer: optimizer)
    let (x, y) = try CallbackFixtures.data()
    let reduce = try ReduceLROnPlateau(
      monitor: "flat", factor: 0.5, patience: 2, mode: .min, cooldown: 1, minLR: 0.02)
    let history = try model.fit(
      x, y, batchSize: 8, epochs: 8, verbose: 0,
      callbacks: [ScriptedMetric("flat", [1, 1, 1, 1, 1, 1, 1, 1]), reduce])
    // Epoch 0 sets the best; 1 and 2 wait and 2 halves the rate; 3 ends the cooldown and
    // waits (Keras counts the epoch a cooldown ends in); 4 halves; 5 waits; 6 reaches minLR;
    // 7 waits. Each epoch logs the rate it trained with.
    let rates = try #require(history.history["learning_rate"])
    let f = { (value: Double) in Double(Float(value)) }
    #expect(rates == [f(0.1), f(0.1), f(0.1), f(0.05), f(0.05), f(0.025), f(0.025), f(0.02)])
    #expect(optimizer.learningRate == 0.02)

    // An improving metric never lowers it.
    let steady = try ReduceLROnPlateau(monitor: "down", patience: 1, mode: .min)
    try model.fit(
      x, y, batchSize: 8, epochs: 4, verbose: 0,
      callbacks: [ScriptedMetric("down", [4, 3, 2, 1]), steady])
    #expect(optimizer.learningRate == 0.02)
  }

  @Test func neverGoesBelowMinLR() throws {
    let optimizer = SGD(learningRate: 0.025)
    let model = try CallbackFixtures.model(optimizer: optimizer)
    let (x, y) = try CallbackFixtures.data()
    let floor = try ReduceLROnPlateau(
      monitor: "rising", factor: 0.1, patience: 0, mode: .min, minLR: 0.02)
    try model.fit(
      x, y, batchSize: 8, epochs: 3, verbose: 0,
      callbacks: [ScriptedMetric("rising", [1, 2, 3]), floor])
    #expect(optimizer.learningRate == 0.02)
  }

  @Test func rejectsBadArguments() {
    #expect(throws: PlexusError.self) { try ReduceLROnPlateau(factor: 1) }
    #expect(throws: PlexusError.self) { try ReduceLROnPlateau(patience: -1) }
    #expect(throws: PlexusError.self) { try ReduceLROnPlateau(cooldown: -2) }
    #expect(throws: PlexusError.self) { try ReduceLROnPlateau(minLR: -1) }
  }

  @Test func aMissingMonitorWarnsAndChangesNothing() throws {
    let optimizer = SGD(learningRate: 0.1)
    let model = try CallbackFixtures.model(optimizer: optimizer)
    let (x, y) = try CallbackFixtures.data()
    let reduce = try ReduceLROnPlateau(monitor: "val_loss", patience: 0)
    try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0, callbacks: [reduce])
    #expect(optimizer.learningRate == 0.1)
  }
}
