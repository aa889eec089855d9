/// Subtracts the second of two inputs of the same shape from the first: `a - b`.
///
/// ```swift
/// let y = try Subtract()([a, b])   // y = a - b, of their shape
/// ```
/// Equivalent to `keras.layers.Subtract`.
public final class Subtract: Merge {
  /// Creates the layer.
  public init(name: String? = nil) { super.init(exactInputCount: 2, name: name) }

  override func merge(_ inputs: [Tensor]) throws -> Tensor {
    try fold(inputs, Ops.subtract)
  }
}
