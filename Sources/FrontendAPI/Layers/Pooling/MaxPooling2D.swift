/// The maximum over each `poolSize` window of an image, windows `strides` apart.
///
/// ```swift
/// let y = try MaxPooling2D(poolSize: 2)(x)   // (batch, 28, 28, 8) → (batch, 14, 14, 8)
/// ```
/// Input `(batch, height, width, channels)`, output `(batch, outHeight, outWidth, channels)`;
/// `"same"` padding cells are never chosen. `strides` defaults to the pool size. Equivalent to
/// `keras.layers.MaxPooling2D`.
public final class MaxPooling2D: BasePooling {
  /// Creates the layer.
  public init(
    poolSize: SpatialSize = 2, strides: SpatialSize? = nil, padding: Padding = .valid,
    name: String? = nil
  ) {
    super.init(
      rank: 2, mode: .max, poolSize: poolSize, strides: strides, padding: padding, name: name)
  }
}
