import Testing

@testable import Plexus

/// Four samples over three classes; the argmax of each row is 2, 0, 1, 1.
private func scores() throws -> Tensor {
  try Tensor(
    [0.1, 0.2, 0.7, 0.8, 0.1, 0.1, 0.3, 0.4, 0.3, 0.2, 0.5, 0.3] as [Float], shape: [4, 3])
}

@Suite struct MetricsTests {
  @Test func sparseCategoricalAccuracyCountsHits() throws {
    let metric = SparseCategoricalAccuracy()
    #expect(metric.result() == 0)
    try metric.update(Tensor([2, 0, 1, 2] as [Int32]), scores())
    #expect(metric.result() == 0.75)
    try metric.update(Tensor([0, 0, 0, 0] as [Int64], shape: [4, 1]), scores())
    #expect(metric.result() == 4.0 / 8)
    metric.reset()
    #expect(metric.result() == 0)
    #expect(metric.name == "sparse_categorical_accuracy")
  }

  @Test func sampleWeightsWeightHitsAndCount() throws {
    let metric = SparseCategoricalAccuracy()
    try metric.update(
      Tensor([2, 0, 1, 2] as [Int32]), scores(), sampleWeight: Tensor([1, 1, 0, 2] as [Float]))
    // Hits 1, 1, 1, 0 weighted 1, 1, 0, 2: 2 / 4.
    #expect(metric.result() == 0.5)
  }

  @Test func wrongLabelShapeThrows() throws {
    #expect(throws: PlexusError.self) {
      try SparseCategoricalAccuracy().update(Tensor([1, 2] as [Int32]), scores())
    }
  }

  @Test func categoricalAccuracyComparesArgmaxes() throws {
    let metric = CategoricalAccuracy()
    let targets = try Tensor([0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0] as [Float], shape: [4, 3])
    try metric.update(targets, scores())
    #expect(metric.result() == 0.75)
  }

  /// The accuracies find each row's class on the host; ties, NaN and ±∞ pick the class the
  /// `argmax` op picks (the first largest; NaN counts as the largest), on floating-point and
  /// integer predictions.
  @Test(arguments: [DType.float32, .float64, .int32])
  func accuracyPicksTheClassTheArgmaxOpPicks(dtype: DType) throws {
    let rows: [[Double]] = [
      [1, 3, 3], [.nan, 5, 1], [2, .nan, .nan], [-.infinity, -.infinity, -1],
      [.infinity, 1, .infinity], [0, 0, 0], [4, 2, 9],
    ]
    let usable =
      dtype == .float32 || dtype == .float64
      ? rows
      : rows.filter { row in
        row.allSatisfy { $0.isFinite && $0 >= 0 }
      }
    let scores = try Ops.cast(
      Tensor(usable.flatMap { $0 } as [Double], shape: [usable.count, 3]), to: dtype)
    let classes = try Ops.argmax(scores, axis: -1).scalars(Int32.self)
    for label in 0..<3 {
      let labels = try Tensor([Int32](repeating: Int32(label), count: usable.count))
      let sparse = SparseCategoricalAccuracy()
      try sparse.update(labels, scores)
      let hits = classes.filter { $0 == Int32(label) }.count
      #expect(sparse.result() == Double(hits) / Double(usable.count))
      let categorical = CategoricalAccuracy()
      try categorical.update(try Ops.oneHot(labels, depth: 3, dtype: dtype), scores)
      #expect(categorical.result() == Double(hits) / Double(usable.count))
    }
  }

  /// Keras 3.15's `Sum` on the same updates: 6.5 after per-sample weights 1 and 0.5 over
  /// `[[1, 2], [3, 4]]`, 15.5 after per-element weights `[[1, 0], [0, 2]]`, 7 for per-column
  /// weights `[[1, 0.5]]` alone; a scalar and a vector unweighted add up to 8.
  @Test func sumAddsWeightedValuesAsKeras() throws {
    let values = try Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
    let sum = Sum()
    try sum.update(values: values, sampleWeight: Tensor([1, 0.5] as [Float]))
    #expect(sum.result() == 6.5)
    try sum.update(values: values, sampleWeight: Tensor([1, 0, 0, 2] as [Float], shape: [2, 2]))
    #expect(sum.result() == 15.5)
    let columns = Sum()
    try columns.update(values: values, sampleWeight: Tensor([1, 0.5] as [Float], shape: [1, 2]))
    #expect(columns.result() == 7)
    let plain = Sum()
    try plain.update(values: Tensor.scalar(5, dtype: .float32))
    try plain.update(values: Tensor([1, 2] as [Float]))
    #expect(plain.result() == 8)
    #expect(
      try Metric.fromConfig(.object(["class_name": "Sum", "config": ["name": "seen"]])).name
        == "seen")
    #expect(throws: PlexusError.self) {
      try plain.update(values: values, sampleWeight: Tensor([1, 2, 3] as [Float]))
    }
    plain.reset()
    #expect(plain.result() == 0)
  }

  /// A label that is not a class is an error naming it, never a read past the row.
  @Test(arguments: [-1.0, 3, 0.5, .nan])
  func sparseTopKRefusesLabelsOutsideTheClasses(label: Double) throws {
    let scores = try Tensor([0.1, 0.2, 0.7, 0.3, 0.3, 0.4] as [Float], shape: [2, 3])
    let metric = SparseTopKCategoricalAccuracy(k: 1)
    #expect {
      try metric.update(Tensor([0, label] as [Double]), scores)
    } throws: { "\($0)".contains("label") && "\($0)".contains("0..<3") }
    try metric.update(Tensor([2, 2] as [Int32]), scores)
    #expect(metric.result() == 1)
  }

  @Test func binaryAccuracyUsesTheThreshold() throws {
    let predictions = try Tensor([0.9, 0.4, 0.6, 0.2] as [Float], shape: [4, 1])
    let labels = try Tensor([1, 1, 0, 0] as [Float], shape: [4, 1])
    let metric = BinaryAccuracy()
    try metric.update(labels, predictions)
    #expect(metric.result() == 0.5)
    let strict = BinaryAccuracy(threshold: 0.1)
    try strict.update(Tensor([1, 1, 0, 0] as [Int32]), predictions)
    #expect(strict.result() == 0.5)
  }

  @Test func accuracyComparesElements() throws {
    let metric = Accuracy()
    try metric.update(Tensor([1, 2, 3, 4] as [Int32]), Tensor([1, 2, 0, 4] as [Int32]))
    #expect(metric.result() == 0.75)
  }

  @Test func meanAveragesValuesWithWeights() throws {
    let metric = Mean(name: "loss")
    try metric.update(values: Tensor([1, 2, 3] as [Float]))
    #expect(metric.result() == 2)
    try metric.update(values: Tensor(Float(10)), sampleWeight: Tensor([3] as [Float]))
    #expect(metric.result() == 36.0 / 6)
    metric.update(value: 0, weight: 6)
    #expect(metric.result() == 3)
  }

  @Test func accuracyResolvesThroughTheLoss() throws {
    let sparse = try Metric.named("accuracy", for: SparseCategoricalCrossentropy())
    #expect(sparse is SparseCategoricalAccuracy)
    #expect(sparse.name == "accuracy")
    #expect(try Metric.named("accuracy", for: CategoricalCrossentropy()) is CategoricalAccuracy)
    #expect(try Metric.named("acc", for: BinaryCrossentropy()) is BinaryAccuracy)
    #expect(try Metric.named("acc", for: BinaryCrossentropy()).name == "acc")
    #expect(try Metric.named("accuracy", for: MeanSquaredError()) is Accuracy)
    #expect(try Metric.named("accuracy") is Accuracy)
    let explicit = try Metric.named("sparse_categorical_accuracy", for: nil)
    #expect(explicit.name == "sparse_categorical_accuracy")
    #expect(try Metric.named("binary_accuracy") is BinaryAccuracy)
    #expect {
      _ = try Metric.named("not_a_metric")
    } throws: { error in
      "\(error)".contains("not_a_metric") && "\(error)".contains("sparse_categorical_accuracy")
    }
  }
}
