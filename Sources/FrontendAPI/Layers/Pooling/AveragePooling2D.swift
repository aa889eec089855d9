/// The mean over each `poolSize` window of an image, windows `strides` apart.
///
/// ```swift
/// let y = try AveragePooling2D(poolSize: 2)(x)   // (batch, 28, 28, 8) → (batch, 14, 14, 8)
/// ```
/// Input `(batch, height, width, channels)`, output `(batch, outHeight, outWidth, channels)`; with
/// `"same"` padding each window averages the cells inside the input only. `strides` defaults to the
/// pool size. Equivalent to `keras.layers.AveragePooling2D`.
public final class AveragePooling2D: BasePooling {
  /// Creates the layer.
  public init(
    poolSize: SpatialSize = 2, strides: SpatialSize? = nil, padding: Padding = .valid,
    name: String? = nil
  ) {
    super.init(
      rank: 2, mode: .average, poolSize: poolSize, strides: strides, padding: padding, name: name)
  }
}
