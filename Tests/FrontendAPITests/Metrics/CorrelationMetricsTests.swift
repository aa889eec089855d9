import Foundation
import Plexus
import Testing

/// PearsonCorrelation and ConcordanceCorrelation beyond the Keras fixtures
/// (`KerasMetricParityTests`): Keras's documented examples, the textbook coefficient, names,
/// configs, monitoring, training, and clear errors for bad axes.
@Suite struct CorrelationMetricsTests {
  static var truth: Tensor {
    get throws { try Tensor([Float(0), 1, 0.5, 1, 1, 0.2], shape: [2, 3]) }
  }
  static var predicted: Tensor {
    get throws { try Tensor([Float(0.1), 0.9, 0.5, 1, 0.9, 0.2], shape: [2, 3]) }
  }

  /// The examples of Keras's docstrings: 0.9966996338993913 and 0.9816320385426076.
  @Test func matchesKerasDocumentedExamples() throws {
    let pearson = PearsonCorrelation()
    try pearson.update(Self.truth, Self.predicted)
    #expect(abs(pearson.result() - 0.9966996338993913) < 1e-6)
    let concordance = ConcordanceCorrelation()
    try concordance.update(Self.truth, Self.predicted)
    #expect(abs(concordance.result() - 0.9816320385426076) < 1e-6)
    // Per row (Keras's `concordance_correlation`: 0.97560976, 0.98765432), weighted 3 : 1.
    let weighted = ConcordanceCorrelation()
    try weighted.update(
      Self.truth, Self.predicted, sampleWeight: try Tensor([Float(3), 1], shape: [2]))
    #expect(abs(weighted.result() - (3 * 0.97560976 + 0.98765432) / 4) < 1e-6)
  }

  /// Pearson's r as the textbook writes it, `cov(t, p) / (σt σp)`, over random rows and over
  /// the two trailing axes together.
  @Test func pearsonIsTheTextbookCoefficient() throws {
    var state: UInt64 = 7
    let values = (0..<48).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24)
    }
    let t = Array(values[0..<24]).map(Double.init)
    let p = zip(values[24..<48], values[0..<24]).map { Double($0) + 0.5 * Double($1) }
    func r(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
      let (ma, mb) = (a.reduce(0, +) / Double(a.count), b.reduce(0, +) / Double(b.count))
      let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
      let va = a.map { ($0 - ma) * ($0 - ma) }.reduce(0, +)
      let vb = b.map { ($0 - mb) * ($0 - mb) }.reduce(0, +)
      return cov / (va * vb).squareRoot()
    }
    let truth = try Tensor(t.map(Float.init), shape: [2, 3, 4])
    let predicted = try Tensor(p.map(Float.init), shape: [2, 3, 4])
    let rows = PearsonCorrelation()
    try rows.update(truth, predicted)
    let expectedRows = (0..<6).map { r(t[($0 * 4)..<($0 * 4 + 4)], p[($0 * 4)..<($0 * 4 + 4)]) }
    #expect(abs(rows.result() - expectedRows.reduce(0, +) / 6) < 1e-5)
    let samples = PearsonCorrelation(axes: [1, -1])
    try samples.update(truth, predicted)
    #expect(
      abs(samples.result() - (r(t[0..<12], p[0..<12]) + r(t[12..<24], p[12..<24])) / 2) < 1e-5)
    // A perfect linear relation, rising and falling.
    let line = try Tensor([Float(1), 2, 3, 4], shape: [1, 4])
    let up = PearsonCorrelation()
    try up.update(line, Ops.add(Ops.multiply(line, Tensor.scalar(2)), Tensor.scalar(1)))
    #expect(abs(up.result() - 1) < 1e-12)
    let down = PearsonCorrelation()
    try down.update(line, Ops.negative(line))
    #expect(abs(down.result() + 1) < 1e-12)
    // A row that does not vary has no coefficient: NaN, as Keras's.
    let flat = PearsonCorrelation()
    try flat.update(
      try Tensor([Float(1), 1, 1], shape: [1, 3]),
      try Tensor([Float(0.1), 0.9, 0.5], shape: [1, 3]))
    #expect(flat.result().isNaN)
  }

  @Test func namesConfigsAndMonitoring() throws {
    #expect(try Metric.named("pearson_correlation") is PearsonCorrelation)
    #expect(try Metric.named("concordance_correlation") is ConcordanceCorrelation)
    let metric = ConcordanceCorrelation(name: "ccc", axes: [1, 2])
    #expect(metric.config == ["name": "ccc", "dtype": "float32", "axis": [1, 2]])
    let rebuilt = try #require(
      try Metric.fromConfig(metric.serialized.value) as? ConcordanceCorrelation)
    #expect(rebuilt.axis == [1, 2] && rebuilt.name == "ccc")
    #expect(
      PearsonCorrelation().config == [
        "name": "pearson_correlation", "dtype": "float32", "axis": -1,
      ])

    let model = Sequential([Dense(1)])
    try model.compile(
      optimizer: Adam(learningRate: 0.05), loss: MeanSquaredError(),
      metrics: ["pearson_correlation", ConcordanceCorrelation(axes: [0])])
    let watcher = EarlyStopping(monitor: "val_pearson_correlation")
    watcher.model = model
    try watcher.onTrainBegin(logs: [:])
    for (epoch, value) in [0.5, 0.6, 0.7].enumerated() {
      try watcher.onEpochEnd(epoch, logs: ["val_pearson_correlation": value])
    }
    #expect(!model.stopTraining && watcher.bestEpoch == 2, "a rising correlation improves")
  }

  /// Fit logs both; as the model learns a linear target the coefficients rise towards 1.
  @Test func fitLogsTheCoefficients() throws {
    try withRandomSeed(3) {
      let x = try Ops.randomUniform([64, 3])
      let y = try Ops.sum(
        Ops.multiply(x, Tensor([Float(1), -2, 0.5], shape: [3])), axes: [1], keepDims: true)
      let model = Sequential([Dense(1)])
      try model.compile(
        optimizer: Adam(learningRate: 0.05), loss: MeanSquaredError(),
        metrics: [PearsonCorrelation(axes: [0]), ConcordanceCorrelation(axes: [0])])
      let history = try model.fit(x, y, batchSize: 64, epochs: 60, verbose: 0, shuffle: false)
      let pearson = try #require(history.history["pearson_correlation"])
      let concordance = try #require(history.history["concordance_correlation"])
      #expect(
        pearson.last! > 0.95 && concordance.last! > 0.9, "\(pearson.last!) \(concordance.last!)")
    }
  }

  @Test func badAxesAndShapesAreErrors() throws {
    for axes in [[Int.max], [Int.min], [2], [-3], [0, -2], []] {
      let metric = PearsonCorrelation(axes: axes)
      let text = thrownText { try metric.update(Self.truth, Self.predicted) } ?? "no error"
      #expect(text.contains("PearsonCorrelation") && text.contains("axis"), "\(axes): \(text)")
    }
    let metric = ConcordanceCorrelation()
    let text = thrownText { try metric.update(Self.truth, Tensor.zeros([3, 2])) } ?? "no error"
    #expect(text.contains("ConcordanceCorrelation"), "\(text)")
    #expect(throws: PlexusError.self) { try metric.update(Tensor.scalar(1), Tensor.scalar(1)) }
    #expect(throws: PlexusError.self) {
      try Metric.fromConfig(["class_name": "PearsonCorrelation", "config": ["axis": "last"]])
    }
    #expect(metric.result() == 0, "no update counted")
  }
}
