import Testing

@testable import Plexus

/// Keras compares predictions with a metric's thresholds in float32: a float32 prediction equal
/// to the threshold's float32 value is not above it (Keras 3.15: `BinaryAccuracy(threshold=0.3)`
/// of labels 1, 0, 1, 0 against float32 predictions 0.55, 0.55, 0.3, 0.7 is 0.25). Compared in
/// double, 0.3f (0.30000001…) was above 0.3.
@Suite struct MetricThresholdTests {
  private static let labels: [Float] = [1, 0, 1, 0]
  private static let predictions: [Float] = [0.55, 0.55, 0.3, 0.7]

  private static func value(_ metric: Metric) throws -> Double {
    try metric.update(
      Tensor(labels, shape: [4, 1]), Tensor(predictions, shape: [4, 1]))
    return metric.result()
  }

  @Test func aPredictionAtTheThresholdIsNotAboveIt() throws {
    // Above 0.3: rows 0, 1 and 3, not row 2; only row 0 matches its label.
    #expect(try Self.value(BinaryAccuracy(threshold: 0.3)) == 0.25)
    // At 0.3, predicted positive: rows 0, 1, 3; true positives: row 0. Precision 1/3.
    #expect(Swift.abs(try Self.value(Precision(thresholds: [0.3])) - 1.0 / 3) < 1e-12)
    // Recall at 0.55: no prediction is above 0.55f but 0.7 (a negative): 0 of 2 positives.
    #expect(try Self.value(Recall(thresholds: [0.55])) == 0)
  }

  /// `resultValues()` is Keras's `result()`: one value per threshold for Precision and Recall
  /// at several thresholds, one number elsewhere.
  @Test func resultValuesFollowKerasResults() throws {
    let precision = Precision(thresholds: [0.3, 0.6])
    _ = try Self.value(precision)
    // At 0.3: rows 0, 1, 3 predicted, row 0 right (1/3); at 0.6: row 3 only, wrong (0).
    #expect(precision.resultValues().count == 2)
    #expect(Swift.abs(precision.resultValues()[0] - 1.0 / 3) < 1e-12)
    #expect(precision.resultValues()[1] == 0)
    let accuracy = BinaryAccuracy(threshold: 0.3)
    #expect(try Self.value(accuracy) == 0.25 && accuracy.resultValues() == [0.25])
  }
}
