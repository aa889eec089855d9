/// The shared base of ``SensitivityAtSpecificity``, ``SpecificityAtSensitivity``,
/// ``PrecisionAtRecall`` and ``RecallAtPrecision``: weighted confusion counts at
/// `numThresholds` thresholds spread evenly over `[0, 1]` (0.5 alone when there is one), and
/// the best value of one rate among the thresholds where another reaches `value`.
///
/// A prediction is positive at threshold `t` when it is greater than `t`; a label when it is
/// not 0. With `classId`, only that class (the last axis) is counted. The rates are computed
/// from the counts in float32, and compared with `value` in float32, as Keras does; no
/// threshold meeting the constraint gives 0.
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted).
///   `sampleWeight`: one weight per sample or per element.
///
/// No op per update: both tensors are read on the host. Equivalent to Keras's
/// `SensitivitySpecificityBase`.
public class SensitivitySpecificityBase: Metric {
  /// The rate the constraint holds at or above.
  public let value: Double
  /// The number of thresholds.
  public let numThresholds: Int
  /// The one class (index on the last axis) counted, or nil for every element.
  public var classId: Int? { confusion.classId }
  private var confusion: ConfusionAtThresholds

  /// The rates a result is read from, at each threshold.
  struct Rates {
    /// `tp / (tp + fn)`: sensitivity, recall.
    let sensitivity: [Float]
    /// `tn / (tn + fp)`.
    let specificity: [Float]
    /// `tp / (tp + fp)`.
    let precision: [Float]
  }

  /// Checks the settings; `valueName` names `value` in errors and in the config.
  init(value: Double, valueName: String, numThresholds: Int, classId: Int?, name: String)
    throws
  {
    let context = String(describing: Self.self)
    guard (0...1).contains(value) else {
      throw PlexusError.invalidArgument(
        context: context, message: "\(valueName) must be in [0, 1], received \(value)")
    }
    guard (1...ConfusionCounts.maximumCount).contains(numThresholds) else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "num_thresholds must be in 1...\(ConfusionCounts.maximumCount), received "
          + "\(numThresholds)")
    }
    if let classId, classId < 0 {
      throw PlexusError.invalidArgument(
        context: context, message: "class_id must be >= 0, received \(classId)")
    }
    self.value = value
    self.numThresholds = numThresholds
    // Keras's thresholds: 0.5 alone, or 0, 1/(n-1), ..., 1 counted by bucket.
    let thresholds =
      numThresholds == 1
      ? [0.5]
      : [0.0] + (0..<(numThresholds - 2)).map { Double($0 + 1) / Double(numThresholds - 1) }
        + [1.0]
    confusion = ConfusionAtThresholds(
      thresholds: thresholds, topK: nil, classId: classId, evenlySpaced: numThresholds > 1)
    super.init(name: name)
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try confusion.add(yTrue, yPred, sampleWeight: sampleWeight, for: self)
  }

  /// The rates at each threshold, in float32 as Keras's variables hold them.
  var rates: Rates {
    let counts = confusion.counts
    func ratio(_ a: [Double], _ b: [Double]) -> [Float] {
      zip(a, b).map { x, y in
        let (top, other) = (Float(x), Float(y))
        let sum = top + other
        return sum == 0 ? 0 : top / sum
      }
    }
    return Rates(
      sensitivity: ratio(counts.truePositives, counts.falseNegatives),
      specificity: ratio(counts.trueNegatives, counts.falsePositives),
      precision: ratio(counts.truePositives, counts.falsePositives))
  }

  /// The largest of `dependent` where `constrained` is at least `value` (both compared in
  /// float32), 0 where no threshold qualifies: Keras's `_find_max_under_constraint`.
  func largest(_ dependent: [Float], where constrained: [Float]) -> Double {
    let bound = Float(value)
    var best: Float = 0
    for (rate, candidate) in zip(constrained, dependent) where rate >= bound {
      best = Swift.max(best, candidate)
    }
    return Double(best)
  }

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

  /// `name`, `dtype`, `class_id` and `num_thresholds`; subclasses add `value` under its name.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "class_id": classId.map(ConfigValue.int) ?? .null, "num_thresholds": .int(numThresholds),
    ]) { $1 }
  }
}
