/// The elementwise minimum of several inputs of the same shape.
///
/// ```swift
/// let y = try Minimum()([a, b])   // a, b: (batch, ...) → y: (batch, ...)
/// ```
/// Equivalent to `keras.layers.Minimum`.
public final class Minimum: Merge {
  /// Creates the layer.
  public init(name: String? = nil) { super.init(name: name) }

  override func merge(_ inputs: [Tensor]) throws -> Tensor {
    try fold(inputs, Ops.minimum)
  }
}
