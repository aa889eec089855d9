import Plexus
import Testing

/// The IoU family beyond the Keras fixtures: hand-worked scores, Keras's integer counting, and
/// the settings and inputs it refuses.
@Suite struct IoUTests {
  /// Labels 0 0 1 2 2 1 predicted 0 1 1 2 0 1: class 0 has 1 hit over a union of 3, class 1
  /// 2 over 3, class 2 1 over 2.
  static let labels: [Float] = [0, 0, 1, 2, 2, 1]
  static let predictions: [Float] = [0, 1, 1, 2, 0, 1]

  static func update(_ metric: Metric, weights: [Float]? = nil) throws {
    try metric.update(
      Tensor(labels, shape: [2, 3]), Tensor(predictions, shape: [2, 3]),
      sampleWeight: try weights.map { try Tensor($0, shape: [2, 3]) })
  }

  @Test func scoresHandWorkedClasses() throws {
    let mean = try MeanIoU(numClasses: 3)
    try Self.update(mean)
    #expect(abs(mean.result() - 0.5) < 1e-6)
    #expect(mean.confusionMatrix == [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    let one = try IoU(numClasses: 3, targetClassIds: [1])
    try Self.update(one)
    #expect(abs(one.result() - 2.0 / 3.0) < 1e-6)
    // A class that never occurs is left out of the mean, not counted as 0.
    let wider = try MeanIoU(numClasses: 4)
    try Self.update(wider)
    #expect(abs(wider.result() - 0.5) < 1e-6)
    wider.reset()
    #expect(wider.result() == 0)
  }

  /// Labels equal to `ignoreClass`, and classes outside `0..<numClasses` on either side, are
  /// not counted.
  @Test func leavesOutIgnoredAndOutOfRangeEntries() throws {
    let ignoring = try MeanIoU(numClasses: 3, ignoreClass: 2)
    try Self.update(ignoring)
    #expect(ignoring.confusionMatrix == [[1, 1, 0], [0, 2, 0], [0, 0, 0]])
    let metric = try MeanIoU(numClasses: 2)
    try metric.update(
      Tensor([0, 1, -1, 5, .nan, 1] as [Float], shape: [6]),
      Tensor([0, 1, 1, 1, 1, 7] as [Float], shape: [6]))
    #expect(metric.confusionMatrix == [[1, 0], [0, 1]])
    #expect(abs(metric.result() - 1) < 1e-6)
  }

  /// Under Keras's default int32, weights are truncated as Keras casts them (1.9 counts 1,
  /// 0.5 counts 0); a float dtype counts them as given.
  @Test func truncatesWeightsUnderAnIntegerDType() throws {
    let weights: [Float] = [1.9, 0.5, 1, 1, 1, 2.5]
    let integer = try MeanIoU(numClasses: 3)
    try Self.update(integer, weights: weights)
    #expect(integer.confusionMatrix == [[1, 0, 0], [0, 3, 0], [1, 0, 1]])
    let real = try MeanIoU(numClasses: 3, dtype: .float32)
    try Self.update(real, weights: weights)
    let expected: [[Double]] = [[1.9, 0.5, 0], [0, 3.5, 0], [1, 0, 1]]
    #expect(
      zip(real.confusionMatrix.joined(), expected.joined()).allSatisfy { abs($0 - $1) < 1e-6 })
    // One weight for every entry.
    let single = try MeanIoU(numClasses: 3)
    try single.update(
      Tensor(Self.labels, shape: [6]), Tensor(Self.predictions, shape: [6]),
      sampleWeight: Tensor([2] as [Float], shape: [1]))
    #expect(single.confusionMatrix == [[2, 2, 0], [0, 4, 0], [2, 0, 2]])
  }

  /// One-hot labels and scores take the largest entry along `axis` as the class, here the
  /// first axis.
  @Test func readsScoresAlongTheClassAxis() throws {
    // Columns are samples: classes 0, 1, 1 labelled; 0, 1, 0 predicted.
    let labels = try Tensor([1, 0, 0, 0, 1, 1] as [Float], shape: [2, 3])
    let scores = try Tensor([0.7, 0.2, 0.6, 0.3, 0.8, 0.4] as [Float], shape: [2, 3])
    let metric = try OneHotMeanIoU(numClasses: 2, axis: 0)
    try metric.update(labels, scores)
    #expect(metric.confusionMatrix == [[1, 0], [1, 1]])
    let perClass = try OneHotIoU(numClasses: 2, targetClassIds: [1], axis: 0)
    try perClass.update(labels, scores)
    #expect(abs(perClass.result() - 0.5) < 1e-6)
    #expect(throws: PlexusError.self) {
      try OneHotMeanIoU(numClasses: 2, axis: 2).update(labels, scores)
    }
  }

  /// A prediction at the threshold is class 1 (`>=`, unlike Precision's `>`).
  @Test func binaryIoUCountsAPredictionAtTheThresholdAsOne() throws {
    let metric = try BinaryIoU(targetClassIds: [1], threshold: 0.5)
    try metric.update(
      Tensor([1, 1, 0, 0] as [Float], shape: [4, 1]),
      Tensor([0.5, 0.2, 0.5, 0.1] as [Float], shape: [4, 1]))
    #expect(metric.confusionMatrix == [[1, 1], [1, 1]])
    #expect(abs(metric.result() - 1.0 / 3.0) < 1e-6)
  }

  @Test func refusesBadSettingsAndInputs() throws {
    for classes in [0, -1, Int.min, Int.max, IoU.maximumClasses + 1] {
      #expect(throws: PlexusError.self) { try MeanIoU(numClasses: classes) }
    }
    #expect(throws: PlexusError.self) { try IoU(numClasses: 3, targetClassIds: []) }
    #expect(throws: PlexusError.self) { try IoU(numClasses: 3, targetClassIds: [3]) }
    #expect(throws: PlexusError.self) { try IoU(numClasses: 3, targetClassIds: [-1]) }
    #expect(throws: PlexusError.self) { try MeanIoU(numClasses: 3, dtype: .bool) }
    #expect(throws: PlexusError.self) { try BinaryIoU(targetClassIds: [2]) }
    #expect(throws: PlexusError.self) { try BinaryIoU(threshold: .nan) }
    #expect(throws: PlexusError.self) {
      try Metric.fromConfig(.object(["class_name": "MeanIoU", "config": [:]]))
    }
    #expect(throws: PlexusError.self) {
      try Metric.fromConfig(
        .object(["class_name": "MeanIoU", "config": ["num_classes": 2, "colour": "red"]]))
    }
    let metric = try MeanIoU(numClasses: 3)
    // Different numbers of labels and predictions.
    #expect(throws: PlexusError.self) {
      try metric.update(Tensor(Self.labels, shape: [6]), Tensor([0, 1] as [Float], shape: [2]))
    }
    // A weight per row of a (2, 3) label map: Keras's broadcast refuses it too.
    #expect(throws: PlexusError.self) {
      try metric.update(
        Tensor(Self.labels, shape: [2, 3]), Tensor(Self.predictions, shape: [2, 3]),
        sampleWeight: Tensor([1, 1] as [Float], shape: [2]))
    }
    #expect(metric.confusionMatrix.joined().allSatisfy { $0 == 0 })
  }

  /// Keras's class names and configs rebuild each metric, and each writes Keras's keys.
  @Test func roundTripsKerasConfigs() throws {
    let metrics: [Metric] = [
      try IoU(numClasses: 4, targetClassIds: [1, 3], ignoreClass: 0),
      try MeanIoU(numClasses: 3, sparseYPred: false),
      try OneHotIoU(numClasses: 3, targetClassIds: [2]), try OneHotMeanIoU(numClasses: 5),
      try BinaryIoU(targetClassIds: [1], threshold: 0.25),
    ]
    for metric in metrics {
      let rebuilt = try Metric.fromConfig(metric.serialized.value)
      #expect(type(of: rebuilt) == type(of: metric))
      #expect(rebuilt.config == metric.config)
    }
    #expect(metrics[1].config["target_class_ids"] == nil)
    #expect(metrics[3].config["sparse_y_true"] == nil)
    #expect(Set(metrics[4].config.keys) == ["target_class_ids", "threshold", "name", "dtype"])
    #expect(metrics[0].config["dtype"] == "int32")
  }

  /// The cosine similarity metric: 1, 0 and -1 for the same, orthogonal and opposite
  /// directions, averaged.
  @Test func cosineSimilarityAveragesEachSample() throws {
    let metric = Metrics.CosineSimilarity()
    try metric.update(
      Tensor([1, 0, 1, 0, 1, 0] as [Float], shape: [3, 2]),
      Tensor([2, 0, 0, 3, -1, 0] as [Float], shape: [3, 2]))
    #expect(abs(metric.result()) < 1e-7)
    try metric.update(
      Tensor([3, 4] as [Float], shape: [1, 2]), Tensor([6, 8] as [Float], shape: [1, 2]),
      sampleWeight: Tensor([3] as [Float], shape: [1]))
    #expect(abs(metric.result() - 0.5) < 1e-6)
    let axis = try Metric.fromConfig(Metrics.CosineSimilarity(axis: 0).serialized.value)
    #expect((axis as? Metrics.CosineSimilarity)?.axis == 0)
  }
}
