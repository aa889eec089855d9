import Foundation
import Testing

@testable import Plexus

/// The new metrics under hostile input: NaN, empty batches, mismatched shapes and weights, and
/// settings at the ends of their types. Each update returns or throws an error naming the
/// metric; no input traps or allocates without bound.
@Suite struct MetricHostileInputTests {
  typealias E = ExtremeValues

  static func metrics() -> [Metric] {
    [
      Metrics.MeanAbsoluteError(), RootMeanSquaredError(), Precision(), Recall(), AUC(),
      TopKCategoricalAccuracy(), F1Score(),
    ]
  }

  @Test func mismatchedShapesThrowNamingTheMetric() throws {
    for metric in Self.metrics() {
      #expect {
        try metric.update(Tensor.zeros([4, 2]), Tensor.zeros([4, 3]))
      } throws: { error in
        error is PlexusError && "\(error)".contains(metric.className)
          && "\(error)".contains("(4, 2)")
      }
      #expect {
        try metric.update(Tensor.zeros([4, 3]), Tensor.zeros([4, 3]), sampleWeight: .ones([3]))
      } throws: { error in
        "\(error)".contains(metric.className) && "\(error)".contains("sample_weight")
      }
    }
  }

  @Test func emptyBatchesCountNothing() throws {
    for metric in Self.metrics() {
      try metric.update(Tensor.zeros([0, 3]), Tensor.zeros([0, 3]))
      #expect(metric.result() == 0, "\(metric.className)")
    }
  }

  @Test func nanPredictionsDoNotTrap() throws {
    let labels = try Tensor([1, 0, 0, 1] as [Float], shape: [2, 2])
    let scores = try Tensor([Float.nan, 0.3, .infinity, -.infinity], shape: [2, 2])
    for metric in Self.metrics() {
      try metric.update(labels, scores)
      _ = metric.result()
    }
  }

  @Test func topKAndClassIdOutOfRangeThrow() throws {
    let x = try Tensor.ones([2, 3])
    for (metric, setting) in [
      (Precision(topK: 4), "top_k"), (Precision(topK: 0), "top_k"),
      (Recall(classId: 3), "class_id"), (Recall(classId: -1), "class_id"),
      (Precision(thresholds: [Double.nan]), "thresholds"), (Recall(thresholds: []), "thresholds"),
    ] as [(Metric, String)] {
      #expect {
        try metric.update(x, x)
      } throws: { error in
        "\(error)".contains(metric.className) && "\(error)".contains(setting)
      }
    }
    #expect {
      try Precision(classId: 0).update(Tensor.ones([3]), Tensor.ones([3]))
    } throws: { error in
      "\(error)".contains("class_id")
    }
  }

  @Test func extremeTensorsAndSettings() throws {
    var metrics = Self.metrics()
    for value in E.ints {
      metrics += [
        AUC(numThresholds: value), AUC(multiLabel: true, numLabels: value),
        TopKCategoricalAccuracy(k: value), Precision(topK: value), Recall(classId: value),
      ]
    }
    for value in E.doubles {
      metrics += [
        Precision(thresholds: [value]), F1Score(threshold: value), AUC(thresholds: [value]),
        AUC(labelWeights: [value]),
      ]
    }
    for labels in try E.tensors() {
      for predictions in try E.tensors() {
        for metric in metrics {
          E.survive("\(metric.className) \(labels.shape) \(predictions.shape)") {
            try metric.update(labels, predictions, sampleWeight: labels)
            return metric.result()
          }
        }
      }
    }
  }
}
