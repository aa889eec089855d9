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
}
