import Foundation
import Plexus
import Testing

/// Every new metric against Keras 3 on the same batches (`Tests/Fixtures/KerasLosses`): the
/// config Keras wrote must rebuild the metric (`Metric.fromConfig`) and be written back
/// unchanged, and after each `update` the result must match Keras's within
/// ``KerasLossFixtures/tolerance`` · max(|keras|, 1): ``Metric/result()`` where Keras's is a
/// scalar, `results()` where it is a vector (several thresholds, F1 per class). The inputs are
/// float32; Keras computed in float64, as Plexus's metrics do on the host.
@Suite struct KerasMetricParityTests {
  @Test func fixturesArePresent() {
    #expect(KerasLossFixtures.names("metric_").count >= 25)
  }

  @Test(arguments: KerasLossFixtures.names("metric_"))
  func matchesKeras(_ name: String) throws {
    let fixture = try KerasLossFixtures.metric(name)
    let metric = try Metric.fromConfig(fixture.metric)
    let rewritten = metric.serialized.value
    #expect(
      rewritten == fixture.metric,
      "\(name): \(KerasFixtures.differences(rewritten, fixture.metric))")
    for (index, update) in fixture.updates.enumerated() {
      try metric.update(
        update.yTrue.tensor(), update.yPred.tensor(), sampleWeight: update.sampleWeight?.tensor())
      let computed = update.result.shape.rank == 0 ? [metric.result()] : Self.results(metric)
      let error = KerasLossFixtures.error(computed, update.result.values)
      #expect(
        error <= KerasLossFixtures.tolerance,
        "\(name) update \(index): \(computed) against Keras's \(update.result.values)")
    }
    if ProcessInfo.processInfo.environment["PLEXUS_PARITY_REPORT"] != nil {
      print(
        "\(name): \(metric.result()) against Keras's \(fixture.updates.last?.result.values ?? [])")
    }
    metric.reset()
    #expect(metric.result() == 0, "\(name): result after reset")
  }

  /// A vector result, as Keras's `result()` gives it.
  static func results(_ metric: Metric) -> [Double] { metric.resultValues() }
}
