/// Weighted true and false positive and negative counts at each of a list of thresholds, the
/// state of ``Precision``, ``Recall`` and ``AUC``: Keras's `update_confusion_matrix_variables`.
///
/// A prediction is positive at threshold `t` when it is greater than `t`; a label is positive
/// when it is not 0. Counts are laid out `[threshold * labels + label]`, with `labels` 1 unless
/// a multi-label ``AUC`` counts each label (the last axis) on its own.
struct ConfusionCounts: Sendable {
  /// The thresholds, in the order results are reported.
  let thresholds: [Double]
  /// Whether the thresholds are evenly spaced over `[0, 1]`. Keras then counts clipped
  /// predictions by bucket (`ceil(p · (n - 1)) - 1`) instead of comparing each with each
  /// threshold; the two agree except for predictions outside `[0, 1]`.
  let evenlySpaced: Bool
  /// 1, or the number of labels counted apart.
  let labels: Int
  private(set) var truePositives: [Double]
  private(set) var falsePositives: [Double]
  private(set) var trueNegatives: [Double]
  private(set) var falseNegatives: [Double]

  /// The most counts a metric keeps: past it, an update would allocate without bound.
  static let maximumCount = 1 << 20

  init(thresholds: [Double], evenlySpaced: Bool, labels: Int = 1) {
    self.thresholds = thresholds
    self.evenlySpaced = evenlySpaced
    self.labels = max(labels, 1)
    let count = thresholds.count * self.labels
    truePositives = [Double](repeating: 0, count: count)
    falsePositives = truePositives
    trueNegatives = truePositives
    falseNegatives = truePositives
  }

  /// Whether `thresholds` lie within `1e-7` (plus NumPy's relative `1e-5`) of
  /// `0, 1/(n-1), ..., 1`, for `n >= 3` (Keras's `is_evenly_distributed_thresholds`).
  static func isEvenlySpaced(_ thresholds: [Double]) -> Bool {
    let n = thresholds.count
    guard n >= 3 else { return false }
    return thresholds.enumerated().allSatisfy { index, value in
      let even = Double(index) / Double(n - 1)
      return abs(value - even) <= 1e-7 + 1e-5 * abs(even)
    }
  }

  /// Every count, true positives, false positives, true negatives, then false negatives.
  var flat: [Double] { truePositives + falsePositives + trueNegatives + falseNegatives }

  /// Sets the counts from `flat` (laid out as ``flat``); throws when its size differs.
  mutating func load(flat values: ArraySlice<Double>) throws {
    let size = truePositives.count
    guard values.count == 4 * size else {
      throw PlexusError.invalidState(
        context: "confusion counts",
        message: "expected \(4 * size) summed counts, received \(values.count)")
    }
    let start = values.startIndex
    truePositives = Array(values[start..<(start + size)])
    falsePositives = Array(values[(start + size)..<(start + 2 * size)])
    trueNegatives = Array(values[(start + 2 * size)..<(start + 3 * size)])
    falseNegatives = Array(values[(start + 3 * size)..<(start + 4 * size)])
  }

  mutating func reset() {
    self = ConfusionCounts(thresholds: thresholds, evenlySpaced: evenlySpaced, labels: labels)
  }

  /// Adds elements: labels, predictions and (optionally) weights of one count, laid out with
  /// the label index fastest when `labels > 1`.
  mutating func add(truth: [Double], predicted: [Double], weights: [Double]?) {
    if evenlySpaced {
      addByBucket(truth: truth, predicted: predicted, weights: weights)
      return
    }
    for index in truth.indices {
      let label = index % labels
      let weight = weights?[index] ?? 1
      let positive = truth[index] != 0
      for (step, threshold) in thresholds.enumerated() {
        let slot = step * labels + label
        // Keras compares in float32: a prediction equal to the threshold's float32 value is
        // not above it.
        switch (positive, predicted[index] > Double(Float(threshold))) {
        case (true, true): truePositives[slot] += weight
        case (false, true): falsePositives[slot] += weight
        case (true, false): falseNegatives[slot] += weight
        case (false, false): trueNegatives[slot] += weight
        }
      }
    }
  }

  /// Keras's `_update_confusion_matrix_variables_optimized`: each clipped prediction falls in
  /// one bucket, and a threshold's counts are the sums over the buckets at and above it.
  private mutating func addByBucket(truth: [Double], predicted: [Double], weights: [Double]?) {
    let n = thresholds.count
    // Thresholds widened by an epsilon (AUC's) put a prediction of exactly 0 in bucket 0.
    let widened = (thresholds.first ?? 0) < 0 || (thresholds.last ?? 1) > 1
    var positives = [Double](repeating: 0, count: n * labels)
    var negatives = positives
    var totalPositive = [Double](repeating: 0, count: labels)
    var totalNegative = totalPositive
    for index in truth.indices {
      let label = index % labels
      let weight = weights?[index] ?? 1
      let isPositive: Double = truth[index] != 0 ? 1 : 0
      totalPositive[label] += isPositive * weight
      totalNegative[label] += (1 - isPositive) * weight
      let p = predicted[index]
      guard !p.isNaN else { continue }  // positive at no threshold
      var bucket = Int((min(max(p, 0), 1) * Double(n - 1)).rounded(.up)) - 1
      if widened { bucket = max(bucket, 0) }
      guard bucket >= 0, bucket < n else { continue }
      positives[bucket * labels + label] += isPositive * weight
      negatives[bucket * labels + label] += (1 - isPositive) * weight
    }
    for label in 0..<labels {
      var (aboveTrue, aboveFalse) = (0.0, 0.0)
      for step in stride(from: n - 1, through: 0, by: -1) {
        let slot = step * labels + label
        aboveTrue += positives[slot]
        aboveFalse += negatives[slot]
        truePositives[slot] += aboveTrue
        falsePositives[slot] += aboveFalse
        falseNegatives[slot] += totalPositive[label] - aboveTrue
        trueNegatives[slot] += totalNegative[label] - aboveFalse
      }
    }
  }
}

extension Metric {
  /// The NaN-free thresholds a Precision or Recall uses: `thresholds` (each in `[0, 1]`), else
  /// 0.5, or -1e10 with `topK` (Keras's `NEG_INF`: every top-k prediction is positive).
  func confusionThresholds(_ thresholds: [Double]?, topK: Int?) throws -> [Double] {
    guard let thresholds else { return [topK == nil ? 0.5 : -1e10] }
    guard !thresholds.isEmpty, thresholds.allSatisfy({ (0...1).contains($0) }),
      thresholds.count <= ConfusionCounts.maximumCount
    else {
      throw PlexusError.invalidArgument(
        context: errorContext,
        message: "thresholds must be one or more values in [0, 1], received \(thresholds)")
    }
    return thresholds
  }

  /// Reads a batch as Keras's Precision and Recall do and adds it to `counts`: shapes matched,
  /// predictions outside each row's top `topK` pushed to -1e10, the class `classId` kept
  /// alone, and `sampleWeight` broadcast over what is left.
  func addConfusion(
    _ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor?, topK: Int?, classId: Int?,
    to counts: inout ConfusionCounts
  ) throws {
    var (truth, predicted, shape) = try matchedValues(yTrue, yPred)
    let weightShape = sampleWeight.map { Self.confusionWeightShape($0.shape, labels: shape) }
    let classes = shape.dims.last ?? 0
    if let topK {
      guard shape.rank >= 1, (1...max(classes, 1)).contains(topK), classes > 0 else {
        throw PlexusError.invalidArgument(
          context: errorContext,
          message: "top_k must be in 1...\(classes) for predictions of shape \(shape) (the "
            + "classes on the last axis), received \(topK)")
      }
      predicted = Self.keepingTop(topK, of: predicted, rowLength: classes)
    }
    if let classId {
      guard shape.rank >= 2, (0..<classes).contains(classId) else {
        throw PlexusError.invalidArgument(
          context: errorContext,
          message: "class_id must index the last axis of predictions of shape "
            + "(samples, ..., classes) with at least 2 axes; received class_id \(classId) for "
            + "shape \(shape)")
      }
      let kept = stride(from: classId, to: truth.count, by: classes)
      truth = kept.map { truth[$0] }
      predicted = kept.map { predicted[$0] }
      shape = Shape(shape.dims.dropLast() + [1])
    }
    let weights = try sampleWeight.map { weight in
      try broadcastWeights(weight, from: weightShape ?? weight.shape, to: shape)
    }
    counts.add(truth: truth, predicted: predicted, weights: weights)
  }

  /// Each row's `k` largest values kept (the lower index first among equals, NaN above all),
  /// the rest replaced as Keras's `_filter_top_k` does: `x · 0 + -1e10`.
  static func keepingTop(_ k: Int, of values: [Double], rowLength: Int) -> [Double] {
    var result = values
    for start in stride(from: 0, to: values.count, by: rowLength) {
      let order = (start..<(start + rowLength)).sorted { a, b in
        let (x, y) = (values[a], values[b])
        if x.isNaN != y.isNaN { return x.isNaN }
        if x != y, !x.isNaN { return x > y }
        return a < b
      }
      for index in order.dropFirst(k) { result[index] = values[index] * 0 - 1e10 }
    }
    return result
  }
}
