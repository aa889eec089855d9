/// The weighted count of one cell of the binary confusion matrix (true or false positives or
/// negatives) at each threshold, over every batch since the last reset: the shared base of
/// ``TruePositives``, ``FalsePositives``, ``TrueNegatives`` and ``FalseNegatives``.
///
/// A prediction is positive when it is greater than the threshold (0.5 by default, compared in
/// float32 as Keras compares); a label when it is not 0. With several `thresholds`,
/// ``resultValues()`` holds the count at each, and ``result()`` (the number training logs) the
/// first.
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
///   `sampleWeight`: one weight per sample or per element.
///
/// No op per update: both tensors are read on the host. Equivalent to Keras's
/// `_ConfusionMatrixConditionCount`.
public class ConfusionConditionCount: Metric {
  /// The cell of the confusion matrix a metric counts.
  public enum Condition: Sendable, CaseIterable {
    /// Positive labels predicted positive.
    case truePositives
    /// Negative labels predicted positive.
    case falsePositives
    /// Negative labels predicted negative.
    case trueNegatives
    /// Positive labels predicted negative.
    case falseNegatives
  }

  /// The cell counted.
  public let condition: Condition
  /// The thresholds as given (nil: 0.5).
  public var thresholds: [Double]? { confusion.thresholds }
  private var confusion: ConfusionAtThresholds

  init(_ condition: Condition, thresholds: [Double]?, name: String) {
    self.condition = condition
    confusion = ConfusionAtThresholds(thresholds: thresholds, topK: nil, classId: nil)
    super.init(name: name)
  }

  /// Throws when a threshold lies outside `[0, 1]` (or none is given in a list), as Keras's
  /// constructor does; a config is checked at once, a metric made in code at its first update.
  func validateHyperparameters() throws {
    _ = try confusionThresholds(thresholds, topK: nil)
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try confusion.add(yTrue, yPred, sampleWeight: sampleWeight, for: self)
  }

  /// The weighted count at each threshold.
  public func results() -> [Double] {
    let counts = confusion.counts
    switch condition {
    case .truePositives: return counts.truePositives
    case .falsePositives: return counts.falsePositives
    case .trueNegatives: return counts.trueNegatives
    case .falseNegatives: return counts.falseNegatives
    }
  }

  /// The count at the (first) threshold.
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

  /// `name`, `dtype` and `thresholds` (a number for one threshold, a list for several, or
  /// null).
  public override var config: [String: ConfigValue] {
    super.config.merging(["thresholds": confusion.config["thresholds"] ?? .null]) { $1 }
  }
}
