/// The per-sample work of ``PearsonCorrelation`` and ``ConcordanceCorrelation``: the values of
/// each group of elements along the reduced axes, on the host in `Double`.
extension Metric {
  /// The axes `axis` names (negative from the end) in `0..<rank`, each once, sorted.
  func correlationAxes(_ axis: [Int], rank: Int) throws -> [Int] {
    let resolved = axis.compactMap { Shape.normalize(axis: $0, rank: rank) }
    guard !axis.isEmpty, resolved.count == axis.count, Set(resolved).count == resolved.count
    else {
      throw PlexusError.invalidArgument(
        context: errorContext,
        message: "axis must be distinct axes in -\(rank)..<\(rank) for values of rank \(rank), "
          + "received \(axis)")
    }
    return resolved.sorted()
  }

  /// `yTrue` and `yPred` matched (Keras's `squeeze_or_expand_to_same_rank`), split into groups
  /// along `axes`, and `statistic` of each group's (targets, predictions); the results in the
  /// shape without `axes`, averaged into the running mean with `sampleWeight`.
  func accumulateGroups(
    _ yTrue: Tensor, _ yPred: Tensor, axis: [Int], sampleWeight: Tensor?,
    _ statistic: ([Double], [Double]) -> Double
  ) throws {
    let (truth, predicted, shape) = try matchedValues(yTrue, yPred)
    guard shape.rank >= 1 else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "values of rank ≥ 1", received: "a scalar")
    }
    let axes = try correlationAxes(axis, rank: shape.rank)
    let kept = (0..<shape.rank).filter { !axes.contains($0) }
    let groupShape = Shape(kept.map { shape[$0] })
    let groupCount = groupShape.elementCount
    let width = axes.reduce(1) { $0 * shape[$1] }
    var strides = [Int](repeating: 1, count: shape.rank)
    for index in stride(from: shape.rank - 2, through: 0, by: -1) {
      strides[index] = strides[index + 1] * shape[index + 1]
    }
    var groups = [(truth: [Double], predicted: [Double])](
      repeating: ([], []), count: groupCount)
    for index in 0..<groupCount { groups[index].truth.reserveCapacity(width) }
    for flat in 0..<truth.count {
      var group = 0
      for axis in kept { group = group * shape[axis] + (flat / strides[axis]) % shape[axis] }
      groups[group].truth.append(truth[flat])
      groups[group].predicted.append(predicted[flat])
    }
    let values = groups.map { statistic($0.truth, $0.predicted) }
    try accumulate(values, shape: groupShape, sampleWeight: sampleWeight)
  }

  /// The mean of `values`; NaN for none, as NumPy's.
  static func mean(_ values: [Double]) -> Double {
    values.reduce(0, +) / Double(values.count)
  }

  /// The population variance (`ddof = 0`) of `values`, as `keras.ops.var`.
  static func variance(_ values: [Double]) -> Double {
    let center = mean(values)
    return mean(values.map { ($0 - center) * ($0 - center) })
  }
}
