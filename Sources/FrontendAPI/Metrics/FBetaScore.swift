/// The F-beta score, which weighs recall `beta` times as much as precision, per class or
/// averaged: `(1 + β²) · precision · recall / (β² · precision + recall)`, each term guarded by
/// `1e-7` as Keras guards it. β = 1 is the F1 score (``F1Score``).
///
/// Predictions become 0 or 1 first: above `threshold`, or, without one, the row's largest
/// score(s) (when not 0). Labels count by value (`yTrue · yPred` is a true positive).
/// `average` combines the classes (the last axis):
/// - nil: one score per class, in ``results()`` (Keras's `result()`); ``result()`` is their
///   mean, the one number a log line holds.
/// - `.micro`: one score from the counts summed over every class.
/// - `.macro`: the mean of the class scores.
/// - `.weighted`: the class scores weighted by each class's (weighted) label total.
///
/// - `yTrue`, `yPred`: `(samples, classes)`, the same shape; the class count is fixed by the
///   first batch. `sampleWeight`: one weight per sample.
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.FBetaScore`.
public class FBetaScore: Metric {
  /// How the per-class scores are combined.
  public enum Average: String, Sendable, CaseIterable {
    /// Counts summed over every class, then one score (`"micro"`).
    case micro
    /// The unweighted mean of the class scores (`"macro"`).
    case macro
    /// The class scores weighted by their label totals (`"weighted"`).
    case weighted
  }

  /// How the class scores are combined; nil keeps one per class.
  public let average: Average?
  /// How many times as much recall weighs as precision; positive.
  public let beta: Double
  /// The score above which a prediction is 1, in `(0, 1]`; nil marks each row's maximum.
  public let threshold: Double?
  /// Per class (one entry for `.micro`), built by the first update.
  private var truePositives: [Double] = []
  private var falsePositives: [Double] = []
  private var falseNegatives: [Double] = []
  private var labelTotals: [Double] = []
  private var classes: Int?

  /// Creates the metric. A `beta` that is not positive, or a `threshold` outside `(0, 1]`,
  /// throws at the first update, and from a config at once.
  public init(
    average: Average? = nil, beta: Double = 1, threshold: Double? = nil,
    name: String = "fbeta_score"
  ) {
    self.average = average
    self.beta = beta
    self.threshold = threshold
    super.init(name: name)
  }

  /// Throws unless `beta` is positive and finite and `threshold` nil or in `(0, 1]`, as Keras
  /// requires.
  public func validateHyperparameters() throws {
    guard beta > 0, beta.isFinite else {
      throw PlexusError.invalidArgument(
        context: errorContext, message: "beta must be a positive number, received \(beta)")
    }
    if let threshold, !(threshold > 0 && threshold <= 1) {
      throw PlexusError.invalidArgument(
        context: errorContext, message: "threshold must be in (0, 1], received \(threshold)")
    }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try validateHyperparameters()
    guard yPred.rank == 2, yTrue.shape == yPred.shape, classes.map({ $0 == yPred.shape[1] }) ?? true
    else {
      throw PlexusError.shapeMismatch(
        context: errorContext,
        expected: "labels and predictions of one shape (samples, classes)"
          + (classes.map { " with \($0) classes, as in the first batch" } ?? ""),
        received: "labels of shape \(yTrue.shape) and predictions of shape \(yPred.shape)")
    }
    let (samples, width) = (yPred.shape[0], yPred.shape[1])
    var weights: [Double]?
    if let sampleWeight {
      guard sampleWeight.rank == 1, sampleWeight.count == samples else {
        throw PlexusError.shapeMismatch(
          context: "\(errorContext) sample_weight", expected: "one weight per sample (\(samples),)",
          received: "\(sampleWeight.shape)")
      }
      weights = try Self.hostValues(sampleWeight)
    }
    let truth = try Self.hostValues(yTrue)
    let scores = try Self.hostValues(yPred)
    if classes == nil {
      classes = width
      let slots = average == .micro ? 1 : width
      truePositives = [Double](repeating: 0, count: slots)
      (falsePositives, falseNegatives, labelTotals) = (truePositives, truePositives, truePositives)
    }
    for sample in 0..<samples where width > 0 {
      let row = (sample * width)..<((sample + 1) * width)
      let peak = scores[row].max() ?? 0
      let weight = weights?[sample] ?? 1
      for index in row {
        let predicted: Double =
          if let threshold { scores[index] > Double(Float(threshold)) ? 1 : 0 } else {
            scores[index] >= peak && Swift.abs(scores[index]) > 1e-9 ? 1 : 0
          }
        let slot = average == .micro ? 0 : index - row.lowerBound
        truePositives[slot] += predicted * truth[index] * weight
        falsePositives[slot] += predicted * (1 - truth[index]) * weight
        falseNegatives[slot] += (1 - predicted) * truth[index] * weight
        labelTotals[slot] += truth[index] * weight
      }
    }
  }

  /// The score of each class (one for `.micro`), before `average` combines them; what Keras's
  /// `result()` returns when `average` is nil.
  public func results() -> [Double] {
    truePositives.indices.map { slot in
      let precision = truePositives[slot] / (truePositives[slot] + falsePositives[slot] + 1e-7)
      let recall = truePositives[slot] / (truePositives[slot] + falseNegatives[slot] + 1e-7)
      let squared = beta * beta
      return precision * recall / (squared * precision + recall + 1e-7) * (1 + squared)
    }
  }

  /// Keras's result: one score per class without `average`, else the averaged one.
  public override func resultValues() -> [Double] { average == nil ? results() : [result()] }

  /// The combined score: for `.weighted` the class scores weighted by their label totals, else
  /// their mean (0 before any update).
  public override func result() -> Double {
    let scores = results()
    guard !scores.isEmpty else { return 0 }
    guard average == .weighted else { return scores.reduce(0, +) / Double(scores.count) }
    let total = labelTotals.reduce(0, +) + 1e-7
    return zip(scores, labelTotals).map { $0 * $1 / total }.reduce(0, +)
  }

  /// The class count, then per slot the true positives, false positives, false negatives and
  /// label totals (empty before the first update).
  public override var summableState: [Double] {
    guard let classes else { return [] }
    return [Double(classes)] + truePositives + falsePositives + falseNegatives + labelTotals
  }

  /// Sets the counts to the sum of every process's.
  public override func loadSummedStates(_ states: [[Double]]) throws {
    guard let sum = try Self.sumStates(states, header: 1, context: errorContext) else {
      return reset()
    }
    let slots = (sum.count - 1) / 4
    guard sum.count == 1 + 4 * slots, sum[0] >= 1, sum[0] < 1e9 else {
      throw PlexusError.invalidState(
        context: errorContext,
        message: "summed state of \(sum.count) values is not an F-beta state")
    }
    classes = Int(sum[0])
    let values = Array(sum.dropFirst())
    truePositives = Array(values[0..<slots])
    falsePositives = Array(values[slots..<(2 * slots)])
    falseNegatives = Array(values[(2 * slots)..<(3 * slots)])
    labelTotals = Array(values[(3 * slots)..<(4 * slots)])
  }

  /// Forgets every update (the class count stays).
  public override func reset() {
    super.reset()
    let zeros = [Double](repeating: 0, count: truePositives.count)
    (truePositives, falsePositives, falseNegatives, labelTotals) = (zeros, zeros, zeros, zeros)
  }

  /// `name`, `dtype`, `average`, `beta` and `threshold` (null when not set).
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "average": average.map { .string($0.rawValue) } ?? .null, "beta": .double(beta),
      "threshold": threshold.map(ConfigValue.double) ?? .null,
    ]) { $1 }
  }
}
