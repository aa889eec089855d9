import Plexus
import Testing

/// The confusion counts (TruePositives and its siblings) and the rates under a constraint
/// (PrecisionAtRecall and its siblings) beyond the Keras fixtures: hand-worked values, and the
/// settings and inputs they refuse.
@Suite struct ConfusionMetricsTests {
  static let labels: [Float] = [1, 1, 0, 0, 1]

  static func update(_ metric: Metric, _ scores: [Float], weights: [Float]? = nil) throws {
    try metric.update(
      Tensor(labels, shape: [5, 1]), Tensor(scores, shape: [5, 1]),
      sampleWeight: try weights.map { try Tensor($0, shape: [5]) })
  }

  /// Labels 1, 1, 0, 0, 1 scored 0.9, 0.2, 0.6, 0.1, 0.5: at 0.5 (a score equal to the
  /// threshold is not above it) one true positive (0.9), two false negatives (0.2, 0.5), one
  /// false positive (0.6) and one true negative (0.1); at 0.1, three true positives and no
  /// true negative (0.1 is not above 0.1).
  @Test func countsEachCellAtEachThreshold() throws {
    let scores: [Float] = [0.9, 0.2, 0.6, 0.1, 0.5]
    let metrics: [ConfusionConditionCount] = [
      TruePositives(thresholds: [0.5, 0.1]), FalsePositives(thresholds: [0.5, 0.1]),
      TrueNegatives(thresholds: [0.5, 0.1]), FalseNegatives(thresholds: [0.5, 0.1]),
    ]
    for metric in metrics { try Self.update(metric, scores) }
    #expect(metrics.map { $0.resultValues() } == [[1, 3], [1, 1], [1, 1], [2, 0]])
    #expect(metrics.map { $0.result() } == [1, 1, 1, 2])
    // Weighted: each count is the sum of its samples' weights.
    let weighted = FalseNegatives()
    try Self.update(weighted, scores, weights: [1, 0.25, 1, 1, 2])
    #expect(weighted.result() == 2.25)
    #expect(weighted.config["thresholds"] == .null)
    weighted.reset()
    #expect(weighted.result() == 0)
  }

  /// The same labels scored 0.9, 0.8, 0.7, 0.2, 0.1 at three thresholds (0, 0.5, 1): recall
  /// 1, 2/3, 0; precision 0.6, 2/3, 0 (nothing predicted); specificity 0, 1/2, 1.
  @Test func readsTheBestRateUnderEachConstraint() throws {
    let scores: [Float] = [0.9, 0.8, 0.7, 0.2, 0.1]
    func result(_ metric: Metric) throws -> Double {
      try Self.update(metric, scores)
      return metric.result()
    }
    let twoThirds = Double(Float(2) / Float(3))
    #expect(try result(PrecisionAtRecall(recall: 0.6, numThresholds: 3)) == twoThirds)
    #expect(try result(PrecisionAtRecall(recall: 1, numThresholds: 3)) == Double(Float(0.6)))
    #expect(try result(RecallAtPrecision(precision: 0.65, numThresholds: 3)) == twoThirds)
    // No threshold reaches a precision of 0.9: 0, as Keras.
    #expect(try result(RecallAtPrecision(precision: 0.9, numThresholds: 3)) == 0)
    #expect(try result(SensitivityAtSpecificity(specificity: 0.5, numThresholds: 3)) == twoThirds)
    #expect(try result(SpecificityAtSensitivity(sensitivity: 0.9, numThresholds: 3)) == 0)
    #expect(try result(SpecificityAtSensitivity(sensitivity: 0.5, numThresholds: 3)) == 0.5)
  }

  /// The bound is compared in float32 with the float32 rate, as Keras compares them: 7
  /// positives and 3 negatives all predicted positive at threshold 0 give a precision of
  /// 7/10, whose float32 (0.69999999) meets `precision: 0.7` in float32 although it is below
  /// the double 0.7. So the recall there, 1, is the result (a double comparison gave 0).
  @Test func comparesTheBoundInFloat32() throws {
    let metric = try RecallAtPrecision(precision: 0.7, numThresholds: 3)
    let labels: [Float] = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    let scores: [Float] = [0.9, 0.9, 0.9, 0.9, 0.2, 0.2, 0.2, 0.9, 0.9, 0.9]
    try metric.update(Tensor(labels, shape: [10]), Tensor(scores, shape: [10]))
    #expect(metric.result() == 1)
  }

  @Test func refusesWhatKerasRefuses() throws {
    #expect(throws: PlexusError.self) { try PrecisionAtRecall(recall: 1.5) }
    #expect(throws: PlexusError.self) { try RecallAtPrecision(precision: -0.1) }
    #expect(throws: PlexusError.self) { try SensitivityAtSpecificity(specificity: .nan) }
    #expect(throws: PlexusError.self) { try PrecisionAtRecall(recall: 0.5, numThresholds: 0) }
    #expect(throws: PlexusError.self) {
      try PrecisionAtRecall(recall: 0.5, numThresholds: .max)
    }
    #expect(throws: PlexusError.self) { try PrecisionAtRecall(recall: 0.5, classId: -1) }
    // The bound is required from a config, as Keras's constructor requires it.
    #expect(throws: PlexusError.self) {
      try Metric.fromConfig(.object(["class_name": "PrecisionAtRecall", "config": [:]]))
    }
    #expect(throws: PlexusError.self) {
      try Metric.fromConfig(
        .object(["class_name": "TruePositives", "config": ["thresholds": [0.5, 2]]]))
    }
    // Made in code, a bad threshold throws at the first update.
    #expect(throws: PlexusError.self) { try Self.update(TruePositives(thresholds: [.nan]), []) }
    // A class id past the last axis.
    let perClass = try PrecisionAtRecall(recall: 0.5, classId: 3)
    #expect(throws: PlexusError.self) {
      try perClass.update(
        Tensor([1, 0] as [Float], shape: [1, 2]), Tensor([0.5, 0.5] as [Float], shape: [1, 2]))
    }
  }

  /// Keras's class names and configs rebuild each metric, which writes them back.
  @Test func roundTripsKerasConfigs() throws {
    let metrics: [Metric] = [
      TruePositives(thresholds: [0.2, 0.7]), FalseNegatives(),
      try SpecificityAtSensitivity(sensitivity: 0.4, numThresholds: 50, classId: 2, name: "s"),
    ]
    for metric in metrics {
      let rebuilt = try Metric.fromConfig(metric.serialized.value)
      #expect(type(of: rebuilt) == type(of: metric))
      #expect(rebuilt.config == metric.config)
    }
    #expect(
      metrics[2].config == [
        "name": "s", "dtype": "float32", "class_id": 2, "num_thresholds": 50,
        "sensitivity": 0.4,
      ])
  }

  /// Monitoring callbacks maximize the rates and the IoU family (Keras's `_direction` "up").
  @Test func monitoringMaximizesTheRatesAndIoU() throws {
    let model = Sequential([Dense(1, activation: .sigmoid)])
    try model.compile(
      optimizer: SGD(), loss: BinaryCrossentropy(),
      metrics: [try RecallAtPrecision(precision: 0.5), try BinaryIoU()])
    for monitor in ["recall_at_precision", "val_binary_io_u"] {
      let watcher = EarlyStopping(monitor: monitor)
      watcher.model = model
      model.stopTraining = false
      try watcher.onTrainBegin(logs: [:])
      for (epoch, value) in [0.5, 0.6, 0.7].enumerated() {
        try watcher.onEpochEnd(epoch, logs: [monitor: value])
      }
      #expect(!model.stopTraining, "\(monitor) rising is an improvement")
      #expect(watcher.bestEpoch == 2, "\(monitor)")
    }
  }
}
