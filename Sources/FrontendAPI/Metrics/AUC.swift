import Foundation

/// The area under the ROC curve (or the precision-recall curve) of binary predictions,
/// approximated by a Riemann sum over `numThresholds` thresholds.
///
/// Each update counts weighted true and false positives and negatives at thresholds spread
/// evenly over `[0, 1]` (or at `thresholds`), plus `-1e-7` and `1 + 1e-7` so that predictions of
/// exactly 0 and 1 count. ``result()`` sums the curve between them, as `summationMethod` says:
/// `.interpolation` takes the mid-point of each step (for the PR curve it interpolates the
/// counts, not the precision: Davis & Goadrich 2006), `.minoring` the lower and `.majoring` the
/// higher end.
///
/// ```swift
/// let auc = AUC(curve: .pr)
/// try auc.update(labels, probabilities)
/// print(auc.result())
/// ```
///
/// - `yTrue`, `yPred`: the same shape (a trailing axis of 1 on either side is accepted);
///   `(samples, labels)` with `multiLabel`. `sampleWeight`: one weight per sample or element.
///
/// No op per update: both tensors are read on the host.
/// Equivalent to `keras.metrics.AUC`.
public final class AUC: Metric {
  /// The curve whose area is measured.
  public enum Curve: String, Sendable, CaseIterable {
    /// True positive rate against false positive rate (`"ROC"`).
    case roc = "ROC"
    /// Precision against recall (`"PR"`).
    case pr = "PR"
    /// Precision gain against recall gain (`"PRGAIN"`).
    case prGain = "PRGAIN"
  }

  /// How each step of the curve is summed.
  public enum SummationMethod: String, Sendable, CaseIterable {
    /// The mid-point of each step (`"interpolation"`).
    case interpolation
    /// The lower end of each step: a lower bound (`"minoring"`).
    case minoring
    /// The higher end of each step: an upper bound (`"majoring"`).
    case majoring
  }

  /// The number of thresholds, the two end points included (`thresholds.count + 2` when
  /// `thresholds` is given).
  public let numThresholds: Int
  /// The curve measured.
  public let curve: Curve
  /// How the curve is summed.
  public let summationMethod: SummationMethod
  /// The thresholds given, sorted, without the two end points; nil for evenly spread ones.
  public let thresholds: [Double]?
  /// Whether each label (the last axis) has its own curve, the areas then averaged.
  public let multiLabel: Bool
  /// The number of labels of a multi-label AUC, or nil to take it from the first batch.
  public let numLabels: Int?
  /// Weights of the labels: of their areas when `multiLabel`, else of their predictions.
  public let labelWeights: [Double]?
  /// Whether predictions are logits (a sigmoid is applied first).
  public let fromLogits: Bool
  /// Every threshold, the end points included.
  private let allThresholds: [Double]
  private let evenlySpaced: Bool
  /// Built at the first update, when the settings are checked and a multi-label AUC learns its
  /// label count.
  private var counts: ConfusionCounts?

  /// Creates the metric. A bad setting (fewer than 2 thresholds, a non-finite threshold,
  /// `numLabels` without `multiLabel`) throws at the first update, and from a config at once.
  public init(
    numThresholds: Int = 200, curve: Curve = .roc,
    summationMethod: SummationMethod = .interpolation, name: String = "auc",
    thresholds: [Double]? = nil, multiLabel: Bool = false, numLabels: Int? = nil,
    labelWeights: [Double]? = nil, fromLogits: Bool = false
  ) {
    let interior: [Double]
    if let thresholds {
      interior = thresholds.sorted { $0 < $1 || ($1.isNaN && !$0.isNaN) }
      self.numThresholds = thresholds.count + 2
      evenlySpaced = ConfusionCounts.isEvenlySpaced([0] + interior + [1])
    } else {
      // Out of range, the setting throws at the first update; nothing is allocated for it.
      let count = (2...ConfusionCounts.maximumCount).contains(numThresholds) ? numThresholds : 2
      interior = (0..<(count - 2)).map { Double($0 + 1) / Double(count - 1) }
      self.numThresholds = numThresholds
      evenlySpaced = true
    }
    self.thresholds = thresholds == nil ? nil : interior
    allThresholds = [-1e-7] + interior + [1 + 1e-7]
    self.curve = curve
    self.summationMethod = summationMethod
    self.multiLabel = multiLabel
    self.numLabels = numLabels
    self.labelWeights = labelWeights
    self.fromLogits = fromLogits
    super.init(name: name)
  }

  /// Throws unless the settings are ones Keras accepts (and the counts fit in memory).
  public func validateHyperparameters() throws {
    func fail(_ message: String) -> PlexusError {
      PlexusError.invalidArgument(context: errorContext, message: message)
    }
    if let thresholds {
      guard thresholds.allSatisfy(\.isFinite) else {
        throw fail("thresholds must be finite, received \(thresholds)")
      }
    }
    guard numThresholds > 1 else {
      throw fail("num_thresholds must be an integer > 1, received \(numThresholds)")
    }
    if let numLabels {
      guard multiLabel else { throw fail("num_labels is needed only when multi_label is true") }
      guard numLabels >= 1 else { throw fail("num_labels must be >= 1, received \(numLabels)") }
    }
    let (labels, overflow) = numThresholds.multipliedReportingOverflow(by: numLabels ?? 1)
    guard !overflow, labels <= ConfusionCounts.maximumCount else {
      throw fail(
        "num_thresholds \(numThresholds) × num_labels \(numLabels ?? 1) exceeds the "
          + "\(ConfusionCounts.maximumCount) counts an AUC keeps")
    }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try validateHyperparameters()
    var (truth, predicted, shape) = try matchedValues(yTrue, yPred)
    if fromLogits { predicted = predicted.map { 1 / (1 + Foundation.exp(-$0)) } }
    var state = try countsFor(shape)
    var weights = try sampleWeight.map { weight in
      try broadcastWeights(
        weight, from: Self.confusionWeightShape(weight.shape, labels: shape), to: shape)
    }
    if let labelWeights, !multiLabel {
      guard let spread = Self.broadcast(labelWeights, from: [1, labelWeights.count], to: shape)
      else {
        throw PlexusError.shapeMismatch(
          context: "\(errorContext) label_weights",
          expected: "one weight per label (the last axis of \(shape))",
          received: "\(labelWeights.count) weights")
      }
      weights = weights.map { zip($0, spread).map(*) } ?? spread
    }
    state.add(truth: truth, predicted: predicted, weights: weights)
    counts = state
  }

  /// The counts for a batch of `shape`, built at the first one.
  private func countsFor(_ shape: Shape) throws -> ConfusionCounts {
    guard multiLabel else {
      return counts ?? ConfusionCounts(thresholds: allThresholds, evenlySpaced: evenlySpaced)
    }
    guard shape.rank == 2 else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "predictions of shape (samples, labels) for multi_label",
        received: "predictions of shape \(shape)")
    }
    let labels = counts?.labels ?? numLabels ?? shape[1]
    let (size, overflow) = labels.multipliedReportingOverflow(by: allThresholds.count)
    guard !overflow, size <= ConfusionCounts.maximumCount else {
      throw PlexusError.invalidArgument(
        context: errorContext,
        message: "\(labels) labels × \(allThresholds.count) thresholds exceed the "
          + "\(ConfusionCounts.maximumCount) counts an AUC keeps")
    }
    guard labels == shape[1], labelWeights.map({ $0.count == labels }) ?? true else {
      throw PlexusError.shapeMismatch(
        context: errorContext,
        expected: "predictions with \(labels) labels (num_labels, label_weights)",
        received: "predictions of shape \(shape)")
    }
    return counts
      ?? ConfusionCounts(thresholds: allThresholds, evenlySpaced: evenlySpaced, labels: labels)
  }

  /// The area so far (0 before any update).
  public override func result() -> Double {
    guard let counts, counts.thresholds.count > 1 else { return 0 }
    var areas: [Double] = []
    for label in 0..<counts.labels {
      let slots = stride(from: label, to: counts.truePositives.count, by: counts.labels)
      let tp = slots.map { counts.truePositives[$0] }
      let fp = slots.map { counts.falsePositives[$0] }
      let tn = slots.map { counts.trueNegatives[$0] }
      let fn = slots.map { counts.falseNegatives[$0] }
      areas.append(area(tp: tp, fp: fp, tn: tn, fn: fn))
    }
    guard multiLabel else { return areas.reduce(0, +) }
    guard let labelWeights, labelWeights.count == areas.count else {
      return areas.reduce(0, +) / Double(areas.count)
    }
    let weighted = zip(areas, labelWeights).map(*).reduce(0, +)
    return Self.divideNoNaN(weighted, labelWeights.reduce(0, +))
  }

  /// One curve's area from its counts at each threshold.
  private func area(tp: [Double], fp: [Double], tn: [Double], fn: [Double]) -> Double {
    let divide = Self.divideNoNaN
    if curve == .pr, summationMethod == .interpolation {
      return Self.interpolatedPRArea(tp: tp, fp: fp, fn: fn)
    }
    let x: [Double]
    let y: [Double]
    switch curve {
    case .roc:
      x = tp.indices.map { divide(fp[$0], fp[$0] + tn[$0]) }
      y = tp.indices.map { divide(tp[$0], tp[$0] + fn[$0]) }
    case .pr:
      x = tp.indices.map { divide(tp[$0], tp[$0] + fn[$0]) }
      y = tp.indices.map { divide(tp[$0], tp[$0] + fp[$0]) }
    case .prGain:
      // Keras's guards: no true positives gives recall gain 0 and precision gain 1, and a
      // negative recall gain is 0.
      let scale = tp.indices.map { divide(tp[$0] + fn[$0], tn[$0] + fp[$0]) }
      x = tp.indices.map { i in
        tp[i] == 0 ? 0 : Self.nanMaximum(1 - scale[i] * divide(fn[i], tp[i]), 0)
      }
      y = tp.indices.map { i in tp[i] == 0 ? 1 : 1 - scale[i] * divide(fp[i], tp[i]) }
    }
    var total = 0.0
    for i in 0..<(tp.count - 1) {
      let height =
        switch summationMethod {
        case .interpolation: (y[i] + y[i + 1]) / 2
        case .minoring: Self.nanMinimum(y[i], y[i + 1])
        case .majoring: Self.nanMaximum(y[i], y[i + 1])
        }
      total += (x[i] - x[i + 1]) * height
    }
    return total
  }

  /// Keras's `interpolate_pr_auc`: precision integrated over recall with the true positives
  /// and the predicted positives varying linearly within each step.
  static func interpolatedPRArea(tp: [Double], fp: [Double], fn: [Double]) -> Double {
    var total = 0.0
    for i in 0..<(tp.count - 1) {
      let (p0, p1) = (tp[i] + fp[i], tp[i + 1] + fp[i + 1])
      let dtp = tp[i] - tp[i + 1]
      let slope = divideNoNaN(dtp, nanMaximum(p0 - p1, 0))
      let intercept = tp[i + 1] - slope * p1
      let ratio = p0 > 0 && p1 > 0 ? divideNoNaN(p0, nanMaximum(p1, 0)) : 1
      total += divideNoNaN(
        slope * (dtp + intercept * Foundation.log(ratio)), nanMaximum(tp[i + 1] + fn[i + 1], 0))
    }
    return total
  }

  static func nanMaximum(_ a: Double, _ b: Double) -> Double {
    a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
  }

  static func nanMinimum(_ a: Double, _ b: Double) -> Double {
    a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
  }

  /// The label count, then the counts at every threshold (empty before the first update).
  public override var summableState: [Double] {
    counts.map { [Double($0.labels)] + $0.flat } ?? []
  }

  /// Sets the counts to the sum of every process's.
  public override func loadSummedStates(_ states: [[Double]]) throws {
    guard let sum = try Self.sumStates(states, header: 1, context: errorContext) else {
      counts = nil
      return
    }
    var made = ConfusionCounts(
      thresholds: allThresholds, evenlySpaced: evenlySpaced, labels: Int(sum[0]))
    try made.load(flat: sum.dropFirst())
    counts = made
  }

  /// Forgets every update (a multi-label AUC keeps the label count it learned).
  public override func reset() {
    super.reset()
    counts?.reset()
  }

  /// The settings under Keras's names; `thresholds` only when given.
  public override var config: [String: ConfigValue] {
    var settings: [String: ConfigValue] = [
      "num_thresholds": .int(numThresholds), "curve": .string(curve.rawValue),
      "summation_method": .string(summationMethod.rawValue), "multi_label": .bool(multiLabel),
      "num_labels": numLabels.map(ConfigValue.int) ?? .null, "from_logits": .bool(fromLogits),
      "label_weights": labelWeights.map { weights in
        // Keras writes a tensor argument this way.
        [
          "class_name": "__tensor__",
          "config": ["value": .array(weights.map(ConfigValue.double)), "dtype": "float32"],
        ]
      } ?? .null,
    ]
    if let thresholds { settings["thresholds"] = .array(thresholds.map(ConfigValue.double)) }
    return super.config.merging(settings) { $1 }
  }
}
