/// The settings and counts ``Precision`` and ``Recall`` share: Keras gives both the same
/// `thresholds`, `top_k` and `class_id`, reads a batch the same way and writes the same config;
/// only the ratio each reports differs.
struct ConfusionAtThresholds: Sendable {
  let thresholds: [Double]?
  let topK: Int?
  let classId: Int?
  private(set) var counts: ConfusionCounts

  /// Counts at `thresholds` (nil: 0.5, or every top-k prediction with `topK`), by bucket when
  /// `evenlySpaced` says so (nil: when the thresholds lie evenly over `[0, 1]`).
  init(thresholds: [Double]?, topK: Int?, classId: Int?, evenlySpaced: Bool? = nil) {
    self.thresholds = thresholds
    self.topK = topK
    self.classId = classId
    let used = thresholds ?? [topK == nil ? 0.5 : -1e10]
    counts = ConfusionCounts(
      thresholds: used, evenlySpaced: evenlySpaced ?? ConfusionCounts.isEvenlySpaced(used))
  }

  /// Sets the counts from the sum of every process's (``Metric/loadSummedStates(_:)``).
  mutating func loadSummed(_ states: [[Double]], context: String) throws {
    counts.reset()
    if let sum = try Metric.sumStates(states, context: context) {
      try counts.load(flat: sum[...])
    }
  }

  /// Checks the settings, then adds one batch, with errors named after `metric`.
  mutating func add(
    _ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, for metric: Metric
  ) throws {
    _ = try metric.confusionThresholds(thresholds, topK: topK)
    try metric.addConfusion(
      yTrue, yPred, sampleWeight: sampleWeight, topK: topK, classId: classId, to: &counts)
  }

  /// `tp / (tp + other)` at each threshold (0 where nothing was counted), with `other` the
  /// false positives (precision) or false negatives (recall).
  func ratios(over other: [Double]) -> [Double] {
    zip(counts.truePositives, other).map { Metric.divideNoNaN($0, $0 + $1) }
  }

  mutating func reset() { counts.reset() }

  /// `thresholds` (a number for one threshold, a list for several, or null), `top_k` and
  /// `class_id`.
  var config: [String: ConfigValue] {
    let written: ConfigValue =
      switch thresholds {
      case nil: .null
      case let values? where values.count == 1: .double(values[0])
      case let values?: .array(values.map(ConfigValue.double))
      }
    return [
      "thresholds": written, "top_k": topK.map(ConfigValue.int) ?? .null,
      "class_id": classId.map(ConfigValue.int) ?? .null,
    ]
  }
}
