import Foundation
import Testing

@testable import Plexus

/// Metrics named after losses (`"mse"`, `"mape"`, `"binary_crossentropy"`, ...), Keras's
/// `MeanMetricWrapper`s of the loss functions: the running mean of per-sample losses, checked
/// against values worked out here, weighted as Keras's `Mean` weighs them.
@Suite struct LossMetricTests {
  @Test func lossNamesGiveTheLossesRunningMean() throws {
    let truth = try Tensor([1, 2, -4, 0.5] as [Float], shape: [2, 2])
    let predicted = try Tensor([1.5, 2, -3, 1.5] as [Float], shape: [2, 2])
    // Per sample: squared errors (0.25, 0) and (1, 1): means 0.125 and 1.
    let mse = try Metric.named("mse")
    try mse.update(truth, predicted)
    #expect(abs(mse.result() - 0.5625) < 1e-9)
    #expect(mse.name == "mse")
    // Percentage errors (50, 0) and (25, 200): means 25 and 112.5.
    let mape = try Metric.named("mean_absolute_percentage_error")
    try mape.update(truth, predicted)
    #expect(abs(mape.result() - 68.75) < 1e-4)
    // A second batch and weights: each sample counts with its weight, as Keras's Mean.
    try mse.update(truth, predicted, sampleWeight: try Tensor([3, 1] as [Float], shape: [2]))
    #expect(abs(mse.result() - (0.125 + 1 + 0.375 + 1) / 6) < 1e-9)
  }

  @Test func crossentropyMetricMatchesTheLossUnreduced() throws {
    let labels = try Tensor([1, 0, 1] as [Float], shape: [3, 1])
    let probabilities = try Tensor([0.9, 0.2, 0.6] as [Float], shape: [3, 1])
    let metric = try Metric.named("binary_crossentropy")
    try metric.update(labels, probabilities)
    let expected = -([0.9, 0.8, 0.6].map { Foundation.log($0) }.reduce(0, +)) / 3
    #expect(abs(metric.result() - expected) < 1e-5)
    #expect(try Metric.named("hinge") is LossMetric)
    #expect(throws: PlexusError.self) { try Metric.named("log_cosh") }
  }

  /// Keras's metric classes that average a loss load by class name with their settings and
  /// write them back: `BinaryCrossentropy(from_logits=True)` averages the cross-entropy of
  /// logits, and its serialized form keeps `from_logits`.
  @Test func kerasLossMetricClassesKeepTheirSettings() throws {
    let keras: ConfigValue = [
      "module": "keras.metrics", "class_name": "BinaryCrossentropy",
      "config": ["name": "bce", "dtype": "float32", "from_logits": true, "label_smoothing": 0],
    ]
    let metric = try Metric.fromConfig(keras)
    #expect(metric.className == "BinaryCrossentropy" && metric.name == "bce")
    #expect(metric.config["from_logits"] == .bool(true))
    let labels = try Tensor([1, 0] as [Float], shape: [2, 1])
    let logits = try Tensor([2, -1] as [Float], shape: [2, 1])
    try metric.update(labels, logits)
    // -log(sigmoid(2)) and -log(1 - sigmoid(-1)) = log(1 + e^-2) and log(1 + e^-1).
    let expected =
      (Foundation.log(1 + Foundation.exp(-2.0)) + Foundation.log(1 + Foundation.exp(-1.0))) / 2
    #expect(abs(metric.result() - expected) < 1e-5)
    let again = try Metric.fromConfig(metric.serialized.value)
    #expect(again.className == "BinaryCrossentropy" && again.config == metric.config)
    for name in [
      "MeanSquaredError", "KLDivergence", "LogCoshError", "SparseCategoricalCrossentropy",
    ] {
      let made = try Metric.fromConfig(["class_name": .string(name), "config": [:]])
      #expect(made.className == name && made is LossMetric)
    }
    let smoothing: ConfigValue = [
      "class_name": "BinaryCrossentropy", "config": ["label_smoothing": 2],
    ]
    #expect(thrownText { try Metric.fromConfig(smoothing) }?.contains("label_smoothing") == true)
  }
}
