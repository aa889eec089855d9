/// The mean over each `poolSize` window of a volume (`"same"` padding cells are not counted), windows `strides` apart.
///
/// ```swift
/// let y = try AveragePooling3D(poolSize: 2)(x)   // (batch, 16, 32, 32, 8) → (batch, 8, 16, 16, 8)
/// ```
/// Input `(batch, depth, height, width, channels)`, output `(batch, outDepth, outHeight,
/// outWidth, channels)`; runs as a 2-D pooling over each depth slice, then one along the depth
/// (the window is a box, so the two give the 3-D result). `strides` defaults to the pool size.
/// Equivalent to `keras.layers.AveragePooling3D`.
public final class AveragePooling3D: BasePooling {
  /// Creates the layer.
  public init(
    poolSize: SpatialSize = 2, strides: SpatialSize? = nil, padding: Padding = .valid,
    name: String? = nil
  ) {
    super.init(
      rank: 3, mode: .average, poolSize: poolSize, strides: strides, padding: padding, name: name)
  }
}
