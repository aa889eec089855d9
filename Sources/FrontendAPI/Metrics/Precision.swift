/// The precision of binary predictions, the fraction of predicted positives that are
/// positive: `tp / (tp + fp)`, with the weighted counts kept over every batch since the last
/// reset.
///
/// A prediction is positive when it is greater than the threshold (0.5 by default); a label
/// when it is not 0. With several `thresholds`, results() holds the precision at each.
/// With `topK`, only each row's `k` highest predictions (on the last axis) can be positive;
/// with `classId`, only that class (the last axis) is counted.
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
///   `sampleWeight`: one weight per sample or per element.
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.Precision`.
public final class Precision: Metric {
  /// The thresholds as given (nil: 0.5, or every top-k prediction with `topK`).
  public let thresholds: [Double]?
  /// How many of each row's highest predictions may count as positive, or nil for all.
  public let topK: Int?
  /// The one class (index on the last axis) counted, or nil for every element.
  public let classId: Int?
  private var counts: ConfusionCounts

  /// Creates the metric. Thresholds lie in `[0, 1]`; a bad setting throws at the first
  /// update (and from a config, at once).
  public init(
    thresholds: [Double]? = nil, topK: Int? = nil, classId: Int? = nil, name: String = "precision"
  ) {
    self.thresholds = thresholds
    self.topK = topK
    self.classId = classId
    let used = thresholds ?? [topK == nil ? 0.5 : -1e10]
    counts = ConfusionCounts(
      thresholds: used, evenlySpaced: ConfusionCounts.isEvenlySpaced(used))
    super.init(name: name)
  }

  /// The weighted true positives at each threshold.
  public var truePositives: [Double] { counts.truePositives }
  /// The weighted false positives at each threshold.
  public var falsePositives: [Double] { counts.falsePositives }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    _ = try confusionThresholds(thresholds, topK: topK)
    try addConfusion(
      yTrue, yPred, sampleWeight: sampleWeight, topK: topK, classId: classId, to: &counts)
  }

  /// The precision at each threshold (0 where nothing was counted).
  public func results() -> [Double] {
    zip(counts.truePositives, counts.falsePositives).map { Self.divideNoNaN($0, $0 + $1) }
  }

  /// The precision at the (first) threshold.
  public override func result() -> Double { results().first ?? 0 }

  /// Forgets every update.
  public override func reset() {
    super.reset()
    counts.reset()
  }

  /// `name`, `dtype`, `thresholds` (a number for one threshold, a list for several, or
  /// null), `top_k` and `class_id`.
  public override var config: [String: ConfigValue] {
    let written: ConfigValue =
      switch thresholds {
      case nil: .null
      case let values? where values.count == 1: .double(values[0])
      case let values?: .array(values.map(ConfigValue.double))
      }
    return super.config.merging([
      "thresholds": written, "top_k": topK.map(ConfigValue.int) ?? .null,
      "class_id": classId.map(ConfigValue.int) ?? .null,
    ]) { $1 }
  }
}
