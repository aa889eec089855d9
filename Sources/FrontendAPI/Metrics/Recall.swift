/// The recall of binary predictions, the fraction of positives that are predicted positive:
/// `tp / (tp + fn)`, with the weighted counts kept over every batch since the last reset.
///
/// A prediction is positive when it is greater than the threshold (0.5 by default); a label
/// when it is not 0. With several `thresholds`, results() holds the recall at each.
/// With `topK`, only each row's `k` highest predictions (on the last axis) can be positive;
/// with `classId`, only that class (the last axis) is counted.
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
///   `sampleWeight`: one weight per sample or per element.
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.Recall`.
public final class Recall: Metric {
  /// The thresholds as given (nil: 0.5, or every top-k prediction with `topK`).
  public var thresholds: [Double]? { confusion.thresholds }
  /// How many of each row's highest predictions may count as positive, or nil for all.
  public var topK: Int? { confusion.topK }
  /// The one class (index on the last axis) counted, or nil for every element.
  public var classId: Int? { confusion.classId }
  private var confusion: ConfusionAtThresholds

  /// Creates the metric. Thresholds lie in `[0, 1]`; a bad setting throws at the first
  /// update (and from a config, at once).
  public init(
    thresholds: [Double]? = nil, topK: Int? = nil, classId: Int? = nil, name: String = "recall"
  ) {
    confusion = ConfusionAtThresholds(thresholds: thresholds, topK: topK, classId: classId)
    super.init(name: name)
  }

  /// The weighted true positives at each threshold.
  public var truePositives: [Double] { confusion.counts.truePositives }
  /// The weighted false negatives at each threshold.
  public var falseNegatives: [Double] { confusion.counts.falseNegatives }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try confusion.add(yTrue, yPred, sampleWeight: sampleWeight, for: self)
  }

  /// The recall at each threshold (0 where nothing was counted).
  public func results() -> [Double] { confusion.ratios(over: confusion.counts.falseNegatives) }

  /// The recall at the (first) threshold.
  public override func result() -> Double { results().first ?? 0 }

  public override func resultValues() -> [Double] { results() }

  /// The counts at every threshold, for ``DataParallel`` to add across processes.
  public override var summableState: [Double] { confusion.counts.flat }

  /// Sets the counts to the sum of every process's.
  public override func loadSummedStates(_ states: [[Double]]) throws {
    try confusion.loadSummed(states, context: "\(type(of: self)) '\(name)'")
  }

  /// Forgets every update.
  public override func reset() {
    super.reset()
    confusion.reset()
  }

  /// `name`, `dtype`, `thresholds` (a number for one threshold, a list for several, or
  /// null), `top_k` and `class_id`.
  public override var config: [String: ConfigValue] {
    super.config.merging(confusion.config) { $1 }
  }
}
