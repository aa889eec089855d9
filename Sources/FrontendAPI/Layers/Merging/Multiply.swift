/// Multiplies several inputs of the same shape elementwise.
///
/// ```swift
/// let y = try Multiply()([a, b])   // a, b: (batch, ...) → y: (batch, ...)
/// ```
/// Equivalent to `keras.layers.Multiply`.
public final class Multiply: Merge {
  /// Creates the layer.
  public init(name: String? = nil) { super.init(name: name) }

  override func merge(_ inputs: [Tensor]) throws -> Tensor {
    try fold(inputs, Ops.multiply)
  }
}
