/// The elementwise maximum of several inputs of the same shape.
///
/// ```swift
/// let y = try Maximum()([a, b])   // a, b: (batch, ...) → y: (batch, ...)
/// ```
/// Equivalent to `keras.layers.Maximum`.
public final class Maximum: Merge {
  /// Creates the layer.
  public init(name: String? = nil) { super.init(name: name) }

  override func merge(_ inputs: [Tensor]) throws -> Tensor {
    try fold(inputs, Ops.maximum)
  }
}
