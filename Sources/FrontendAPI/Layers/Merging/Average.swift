/// Averages several inputs of the same shape elementwise: `(x₀ + … + xₙ₋₁) / n`.
///
/// ```swift
/// let y = try Average()([a, b])   // a, b: (batch, ...) → y: (batch, ...)
/// ```
/// Equivalent to `keras.layers.Average`.
public final class Average: Merge {
  /// Creates the layer.
  public init(name: String? = nil) { super.init(name: name) }

  override func merge(_ inputs: [Tensor]) throws -> Tensor {
    let total = try fold(inputs, Ops.add)
    return try Ops.divide(total, Tensor.scalar(Double(inputs.count), dtype: total.dtype))
  }
}
