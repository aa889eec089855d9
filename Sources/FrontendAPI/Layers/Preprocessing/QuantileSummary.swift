/// The weighted quantile summary behind ``Discretization/adapt(_:)``: Keras 3's `summarize`,
/// `merge_summaries`, `compress_summary` and `get_bin_boundaries`, in the same arithmetic
/// (values and weights in float32, running weights summed in float32 one after another,
/// interpolation in float64), so that adapting on the same data learns Keras's boundaries.
struct QuantileSummary: Equatable {
  /// Partition values, ascending.
  var values: [Float] = []
  /// How many data points each value stands for.
  var weights: [Float] = []

  /// The summary of one batch: its sorted values, every `max(count / (1 / ε), 1)`-th of them
  /// (truncated to a whole stride), each weighing that step.
  init(batch: [Float], epsilon: Double) {
    let sorted = batch.sorted()
    let step = Swift.max(Double(sorted.count) / (1.0 / epsilon), 1)
    let stride = Int(step)
    var index = Int(step - 1)
    while index < sorted.count {
      values.append(sorted[index])
      index += stride
    }
    weights = Array(repeating: Float(step), count: values.count)
  }

  init(values: [Float] = [], weights: [Float] = []) {
    self.values = values
    self.weights = weights
  }

  /// `self` and `other` (in that order) merged by value, then compressed to `epsilon`. Ties
  /// keep that order.
  func merged(with other: QuantileSummary, epsilon: Double) -> QuantileSummary {
    let pairs = zip(values + other.values, weights + other.weights).enumerated().sorted {
      $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset
    }
    return QuantileSummary(values: pairs.map(\.element.0), weights: pairs.map(\.element.1))
      .compressed(epsilon: epsilon)
  }

  /// At most about `1 / epsilon` points: the values and running weights interpolated at the
  /// weight fractions ε, 2ε, …, 1. A summary already that small is returned as it is.
  func compressed(epsilon: Double) -> QuantileSummary {
    guard Double(values.count) * epsilon >= 1, !values.isEmpty else { return self }
    var running: [Float] = []
    running.reserveCapacity(weights.count)
    var total: Float = 0
    for weight in weights {
      total += weight
      running.append(total)
    }
    let fractions = running.map { Double($0 / total) }
    let count = Int((1.0 / epsilon).rounded(.up))
    var newValues: [Float] = []
    var newWeights: [Float] = []
    var previous = 0.0
    for index in 0..<count {
      let percent = epsilon + Double(index) * epsilon
      let value = Self.interpolate(percent, fractions, values.map(Double.init))
      let cumulative = Self.interpolate(percent, fractions, running.map(Double.init))
      newValues.append(Float(value))
      newWeights.append(Float(cumulative - previous))
      previous = cumulative
    }
    return QuantileSummary(values: newValues, weights: newWeights)
  }

  /// The inner boundaries of `bins` bins: the summary compressed to `1 / bins`, less its last
  /// value.
  func binBoundaries(bins: Int) -> [Float] {
    Array(compressed(epsilon: 1.0 / Double(bins)).values.dropLast())
  }

  /// NumPy's `interp(x, xp, fp)` for ascending `xp`: the ends beyond the range, the exact
  /// point on a knot, else the line through the knots around `x`.
  static func interpolate(_ x: Double, _ xp: [Double], _ fp: [Double]) -> Double {
    guard let last = xp.last, let first = xp.first else { return .nan }
    if x.isNaN { return x }
    if x < first { return fp[0] }
    if x > last { return fp[fp.count - 1] }
    // The last knot at or below x.
    var low = 0
    var high = xp.count
    while high - low > 1 {
      let middle = (low + high) / 2
      if xp[middle] <= x { low = middle } else { high = middle }
    }
    let j = low
    if j == xp.count - 1 || xp[j] == x { return fp[j] }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    var result = slope * (x - xp[j]) + fp[j]
    if result.isNaN {
      result = slope * (x - xp[j + 1]) + fp[j + 1]
      if result.isNaN, fp[j] == fp[j + 1] { result = fp[j] }
    }
    return result
  }
}
