/// The running (weighted) sum of every value it is given.
///
/// ```swift
/// let seen = Sum(name: "examples")
/// try seen.update(values: Tensor([1, 2, 3] as [Float]))
/// print(seen.result())  // 6
/// ```
///
/// A sample weight multiplies the values it covers: one weight per sample, per element, or per
/// leading axes of the values (a `(batch,)` weight over `(batch, d)` values), broadcast as Keras
/// broadcasts it. Equivalent to `keras.metrics.Sum`.
public final class Sum: Metric {
  /// Creates the metric.
  public override init(name: String = "sum") {
    super.init(name: name)
  }

  /// The sum so far (0 before any update). Equivalent to `metric.result()`.
  public override func result() -> Double { total }

  /// Adds every element of `values` (any shape), each times its weight.
  /// Equivalent to `update_state(values, sample_weight)`.
  public func update(values: Tensor, sampleWeight: Tensor? = nil) throws {
    let elements = try Self.hostValues(values)
    guard let sampleWeight else {
      accumulate(value: elements.reduce(0, +), weight: 1)
      return
    }
    // The weight's axes lead the values' (a trailing axis of 1 past their rank dropped), as
    // Keras reduces the values to the weight's rank before multiplying.
    var leading = sampleWeight.shape.dims
    while leading.count > values.rank, leading.last == 1 { leading.removeLast() }
    let trailing = [Int](repeating: 1, count: Swift.max(0, values.rank - leading.count))
    let weights = try broadcastWeights(
      sampleWeight, from: Shape(leading + trailing), to: values.shape)
    accumulate(value: zip(elements, weights).reduce(0) { $0 + $1.0 * $1.1 }, weight: 1)
  }

  /// Adds `yPred` as values; `yTrue` is ignored (so `Sum` fits where any metric fits).
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try update(values: yPred, sampleWeight: sampleWeight)
  }
}
