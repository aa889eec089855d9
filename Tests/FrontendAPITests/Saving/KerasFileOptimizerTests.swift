import Foundation
import Plexus
import Testing

/// Every optimizer's state survives `.keras` files: after save and load, one more epoch gives the
/// same weights as the original, bit for bit (slots, amsgrad's maxima, EMA averages, Nadam's
/// running product, the step count that schedules read).
@Suite struct KerasFileOptimizerTests {
  static let optimizers: [(String, @Sendable () -> Optimizer)] = [
    ("adam_amsgrad", { Adam(learningRate: 1e-2, amsgrad: true) }),
    ("adamw_ema", { AdamW(learningRate: 1e-2, useEMA: true, emaOverwriteFrequency: 2) }),
    ("nadam", { Nadam(learningRate: 1e-2) }),
    ("adagrad", { Adagrad(learningRate: 0.1) }),
    ("adadelta", { Adadelta(learningRate: 1) }),
    ("adamax", { Adamax(learningRate: 1e-2) }),
    ("lion", { Lion(learningRate: 1e-3) }),
    ("sgd_nesterov", { SGD(learningRate: 0.05, momentum: 0.9, nesterov: true) }),
    ("rmsprop_centered", { RMSprop(learningRate: 1e-3, momentum: 0.5, centered: true) }),
    (
      "adam_schedule",
      {
        Adam(
          learningRateSchedule: ExponentialDecay(
            initialLearningRate: 1e-2, decaySteps: 2, decayRate: 0.5))
      }
    ),
  ]

  static func model(_ optimizer: Optimizer) throws -> Sequential {
    let model = Sequential(name: "small") {
      Input(shape: [5])
      Dense(6, activation: .tanh, name: "hidden")
      Dense(2, name: "out")
    }
    try model.compile(optimizer: optimizer, loss: "mse")
    return model
  }

  @Test(arguments: optimizers.map(\.0))
  func trainingResumesExactlyAfterLoading(_ name: String) throws {
    let make = try #require(Self.optimizers.first { $0.0 == name }?.1)
    let directory = try KerasFileTests.directory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let x = try KerasFileTests.data([12, 5], seed: 21)
    let y = try KerasFileTests.data([12, 2], seed: 22)
    let model = try Self.model(make())
    try model.fit(x, y, batchSize: 4, epochs: 1, verbose: 0, shuffle: false)
    try model.save(directory + "/m.keras")
    let restored = try loadModel(directory + "/m.keras")
    #expect(restored.optimizer?.iterations == 3)
    #expect(restored.optimizer.map { type(of: $0) == type(of: make()) } == true)
    // Keras stores the rate as float32.
    #expect(
      restored.optimizer.map { Float($0.learningRate) }
        == model.optimizer.map { Float($0.learningRate) })
    try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false)
    try restored.fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false)
    #expect(try KerasFileTests.weightsEqual(restored, model))
  }
}
