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
    var weighted = values
    if let sampleWeight {
      // The weight's axes lead the values' (trailing 1s dropped); ones fill the rest.
      var leading = sampleWeight.shape.dims
      while leading.last == 1 { leading.removeLast() }
      guard leading.count <= values.rank, Array(values.shape.dims.prefix(leading.count)) == leading
      else {
        throw PlexusError.shapeMismatch(
          context: "\(errorContext) sample_weight",
          expected: "weights whose shape leads the values' \(values.shape)",
          received: "\(sampleWeight.shape)")
      }
      let expanded = try Ops.reshape(
        sampleWeight, Shape(leading + [Int](repeating: 1, count: values.rank - leading.count)))
      weighted = try Ops.multiply(
        Ops.cast(values, to: .float64), Ops.cast(expanded, to: .float64))
    }
    accumulate(value: try Self.hostValues(weighted).reduce(0, +), weight: 1)
  }

  /// Adds `yPred` as values; `yTrue` is ignored (so `Sum` fits where any metric fits).
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    try update(values: yPred, sampleWeight: sampleWeight)
  }
}
